/* SPDX-License-Identifier: MIT */
#include <lzma.h>
#include <string.h>

#include "stream_common.h"

/*
 * .xz (xz-file-format.txt): a 12-byte stream header (magic, 2 flag bytes,
 * CRC32 of the flags), blocks, an index with its CRC32 and a 12-byte footer
 * (CRC32, backward size, flags, "YZ").  A file may hold several streams,
 * separated by stream padding (zero bytes, a multiple of 4): they are one
 * component, as `xz -l` counts them.  Decoded with liblzma's stream decoder,
 * which checks every CRC and the blocks' integrity check; the extent is the
 * exact number of bytes it consumed.  Padding not followed by another stream
 * is left to the gap accounting.
 */

#define XZ_HDR      12u
#define XZ_MEMLIMIT (256ull << 20)
/* Output a stream with a damaged header CRC must produce before a decode error to count as a stream. */
#define XZ_MIN_EVIDENCE (64u << 10)

static const uint8_t xz_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};

static const char *check_name(unsigned id)
{
	switch (id) {
	case 0: return "none";
	case 1: return "CRC32";
	case 4: return "CRC64";
	case 10: return "SHA-256";
	default: return "unknown";
	}
}

static bool header_plausible(const struct mtd_reader *s)
{
	return mtd_rd_left(s) >= XZ_HDR && mtd_rd_eq_at(s, 0, xz_magic, 6) && mtd_rd_u8_at(s, 6) == 0 &&
	       (mtd_rd_u8_at(s, 7) & 0xf0) == 0;
}

/* The stream header at the start of s, copied into h; its CRC32 over the flags holds. */
static bool header_crc_ok(const struct mtd_reader *s, uint8_t h[XZ_HDR])
{
	memset(h, 0, XZ_HDR);
	return mtd_rd_copy_at(s, 0, h, XZ_HDR) && lzma_crc32(h + 6, 2, 0) == mtd_le32(h + 8);
}

enum dec { DEC_END, DEC_TRUNC, DEC_DATA, DEC_UNSUP, DEC_STOP, DEC_NOMEM };

static const char *ret_text(lzma_ret r)
{
	switch (r) {
	case LZMA_DATA_ERROR: return "compressed data is corrupt";
	case LZMA_FORMAT_ERROR: return "not in the .xz format";
	case LZMA_OPTIONS_ERROR: return "unsupported options (filter or header flags)";
	case LZMA_MEMLIMIT_ERROR: return "needs more than 256 MiB of memory to decode";
	case LZMA_MEM_ERROR: return "out of memory";
	default: return "decoder error";
	}
}

/*
 * Decode one stream starting at s.  `before` is the number of compressed
 * bytes of the component before s (for the ratio limit).  With fix_header the
 * decoder is fed a copy of the header with its CRC corrected, so a stream
 * whose header CRC alone is damaged can still be decoded and measured.
 */
static enum dec decode_stream(struct mtd_stream_out *o, const struct mtd_reader *s, uint64_t before, uint32_t flags,
                              bool fix_header, uint64_t *used, const char **why)
{
	lzma_stream z = LZMA_STREAM_INIT;
	uint8_t hdr[XZ_HDR];
	uint8_t *chunk = mtd_stream_out_scratch(o, STREAM_CHUNK);
	enum dec rc = DEC_DATA;
	size_t avail = mtd_rd_left(s);
	const uint8_t *all = NULL, *body = NULL;
	*used = 0;
	*why = "";
	if (!mtd_rd_bytes_at(s, 0, avail, &all) || !mtd_rd_bytes_at(s, XZ_HDR, avail - XZ_HDR, &body))
		return DEC_TRUNC; /* cannot happen: the caller saw a whole header */
	if (!chunk || lzma_stream_decoder(&z, XZ_MEMLIMIT, flags) != LZMA_OK) {
		lzma_end(&z);
		return DEC_NOMEM;
	}
	bool phase0 = fix_header;
	if (fix_header) {
		mtd_rd_copy_at(s, 0, hdr, XZ_HDR);
		uint32_t c = lzma_crc32(hdr + 6, 2, 0);
		hdr[8] = (uint8_t)c, hdr[9] = (uint8_t)(c >> 8), hdr[10] = (uint8_t)(c >> 16),
		hdr[11] = (uint8_t)(c >> 24);
		z.next_in = hdr;
		z.avail_in = XZ_HDR;
	} else {
		z.next_in = all;
		z.avail_in = avail;
	}
	for (;;) {
		if (phase0 && z.avail_in == 0) {
			phase0 = false;
			z.next_in = body;
			z.avail_in = avail - XZ_HDR;
		}
		z.next_out = chunk;
		z.avail_out = STREAM_CHUNK;
		lzma_ret ret = lzma_code(&z, phase0 ? LZMA_RUN : LZMA_FINISH);
		size_t n = STREAM_CHUNK - z.avail_out;
		bool go = n == 0 || mtd_stream_out_put(o, before + z.total_in, chunk, n);
		if (ret == LZMA_STREAM_END) {
			o->stopped = false;
			rc = DEC_END;
			break;
		}
		if (!go) {
			rc = DEC_STOP;
			break;
		}
		if (ret == LZMA_OK)
			continue;
		*why = ret_text(ret);
		if (ret == LZMA_BUF_ERROR)
			rc = DEC_TRUNC;
		else if (ret == LZMA_MEM_ERROR)
			rc = DEC_NOMEM;
		else if (ret == LZMA_OPTIONS_ERROR || ret == LZMA_MEMLIMIT_ERROR)
			rc = DEC_UNSUP;
		else
			rc = DEC_DATA;
		break;
	}
	*used = z.total_in;
	lzma_end(&z);
	return rc;
}

/* Blocks listed in the index of a stream that decoded completely (its first len bytes of s). */
static uint64_t count_blocks(const struct mtd_reader *s, uint64_t len)
{
	lzma_stream_flags ff;
	uint8_t foot[XZ_HDR];
	if (len < 2 * XZ_HDR || !mtd_rd_copy_at(s, (size_t)(len - XZ_HDR), foot, XZ_HDR) ||
	    lzma_stream_footer_decode(&ff, foot) != LZMA_OK)
		return 0;
	if (ff.backward_size > len - 2 * XZ_HDR)
		return 0;
	lzma_index *idx = NULL;
	uint64_t memlimit = 64u << 20;
	size_t pos = 0;
	const uint8_t *in = NULL;
	if (!mtd_rd_bytes_at(s, (size_t)(len - XZ_HDR - ff.backward_size), (size_t)ff.backward_size, &in) ||
	    lzma_index_buffer_decode(&idx, &memlimit, NULL, in, &pos, (size_t)ff.backward_size) != LZMA_OK)
		return 0;
	uint64_t n = lzma_index_block_count(idx);
	lzma_index_end(idx, NULL);
	return n;
}

/*
 * After corruption, look for this stream's footer: "YZ" closing 12 bytes
 * whose CRC32 holds and whose flags equal the header's.  Returns the end of
 * the stream relative to s, or 0.
 */
static uint64_t find_footer(const struct mtd_reader *s, uint64_t from)
{
	uint64_t avail = mtd_rd_left(s);
	struct mtd_reader ys;
	if (from < XZ_HDR)
		from = XZ_HDR;
	if (avail < 1)
		return 0;
	mtd_rd_window(s, 0, (size_t)avail - 1, &ys); /* a 'Y' needs its 'Z' after it */
	for (uint64_t i = from; i + XZ_HDR <= avail;) {
		/* 'Y' sits at footer+10 */
		size_t y;
		if (!mtd_rd_find(&ys, (size_t)(i + 10), "Y", 1, &y))
			return 0;
		uint64_t f = (uint64_t)y - 10;
		uint8_t foot[XZ_HDR];
		if (!mtd_rd_copy_at(s, (size_t)f, foot, XZ_HDR)) /* cannot fail: y + 2 <= avail */
			return 0;
		if (foot[11] == 'Z' && foot[8] == mtd_rd_u8_at(s, 6) && foot[9] == mtd_rd_u8_at(s, 7) &&
		    lzma_crc32(foot + 4, 6, 0) == mtd_le32(foot)) {
			/* its index must start with the index indicator, inside this stream, with no other stream
			 * before it */
			uint64_t back = ((uint64_t)mtd_le32(foot + 4) + 1) * 4;
			struct mtd_reader before;
			size_t other;
			mtd_rd_window(s, 0, (size_t)f, &before);
			if (back <= f - XZ_HDR && mtd_rd_u8_at(s, (size_t)(f - back)) == 0x00 &&
			    !mtd_rd_find(&before, XZ_HDR, xz_magic, 6, &other))
				return f + XZ_HDR;
			return 0;
		}
		i = f + 1;
	}
	return 0;
}

/* Stream padding before another stream at pos: its length, or -1 when no stream follows. */
static int64_t next_stream(const struct mtd_reader *all, uint64_t pos)
{
	uint64_t avail = mtd_rd_left(all), z = 0;
	while (pos + z < avail && mtd_rd_u8_at(all, (size_t)(pos + z)) == 0)
		z++;
	z -= z % 4;
	struct mtd_reader h;
	uint8_t hb[XZ_HDR];
	mtd_rd_window(all, (size_t)(pos + z), (size_t)(avail - pos - z), &h);
	return header_plausible(&h) && header_crc_ok(&h, hb) ? (int64_t)z : -1;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint64_t avail = mtd_stream_avail(p);
	mtd_probe_reader(p, &r);
	if (!header_plausible(&r))
		return MTD_ERR_NO_MATCH;

	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	uint64_t pos = 0, streams = 0, blocks = 0, padding = 0;
	bool complete = false;
	p->valid = true;
	mtd_probe_str(p, "check", true, "%s", check_name(mtd_rd_u8_at(&r, 7)));
	for (;;) {
		struct mtd_reader s;
		uint8_t h[XZ_HDR];
		mtd_rd_window(&r, (size_t)pos, (size_t)(avail - pos), &s);
		uint64_t used = 0;
		const char *why;
		bool hdr_ok = header_crc_ok(&s, h);
		if (!hdr_ok) {
			mtd_probe_problem(p, "stream header at 0x%llx: CRC32 0x%08x does not match its flags (0x%08x)",
			                  (unsigned long long)(p->off + pos), mtd_le32(h + 8), lzma_crc32(h + 6, 2, 0));
			p->valid = false;
		}
		struct mtd_stream_mark m;
		mtd_stream_out_mark(&o, &m);
		enum dec rc = decode_stream(&o, &s, pos, 0, !hdr_ok, &used, &why);
		if (rc == DEC_DATA) {
			/* A damaged integrity check still decodes when checks are ignored: then the extent is exact. */
			uint64_t used2;
			const char *why2;
			mtd_stream_out_rewind(&o, &m);
			enum dec rc2 = decode_stream(&o, &s, pos, LZMA_IGNORE_CHECK, !hdr_ok, &used2, &why2);
			if (rc2 == DEC_END) {
				mtd_probe_problem(
				    p, "stream at 0x%llx: integrity check (%s) of a block does not match its data",
				    (unsigned long long)(p->off + pos), check_name(h[7]));
				p->valid = false;
				rc = DEC_END;
				used = used2;
			}
		}
		if (rc == DEC_END) {
			streams++;
			blocks += count_blocks(&s, used);
			pos += used;
			/* Stream padding then another stream: the same file. */
			int64_t z = next_stream(&r, pos);
			if (z >= 0) {
				padding += (uint64_t)z;
				pos += (uint64_t)z;
				continue;
			}
			complete = true;
			break;
		}
		p->valid = false;
		uint64_t at = p->off + pos + used;
		if (rc == DEC_TRUNC) {
			mtd_probe_problem(
			    p, "truncated: stream at 0x%llx ends at the end of its space (0x%llx) before its footer",
			    (unsigned long long)(p->off + pos), (unsigned long long)p->len);
			pos = avail;
		} else if (rc == DEC_STOP) {
			/* Past the work bound: the footers still give the extent, without decoding. */
			uint64_t end = find_footer(&s, used);
			if (!end) {
				pos += used; /* extent unknown: mtd_stream_out_finish says so */
				break;
			}
			streams++;
			pos += end;
			int64_t z;
			while ((z = next_stream(&r, pos)) >= 0) {
				struct mtd_reader nx;
				mtd_rd_window(&r, (size_t)(pos + (uint64_t)z), (size_t)(avail - pos - (uint64_t)z),
				              &nx);
				end = find_footer(&nx, XZ_HDR);
				if (!end)
					break;
				streams++;
				padding += (uint64_t)z;
				pos += (uint64_t)z + end;
			}
			char lim[160], a[96];
			mtd_stream_out_limit_text(&o, lim, sizeof(lim));
			o.stopped = false;
			mtd_probe_problem(
			    p, "decoding stopped after %s, content not checked (extent from the stream footers): %s",
			    mtd_stream_out_done_text(&o, a, sizeof(a)), lim);
		} else if (rc == DEC_NOMEM) {
			mtd_stream_out_release(&o);
			return MTD_ERR_NOMEM;
		} else if (!hdr_ok && streams == 0 && o.total < XZ_MIN_EVIDENCE) {
			/* the magic alone, as decompressors keep it in their data: not a stream (and no footer search)
			 */
			mtd_stream_out_release(&o);
			return MTD_ERR_NO_MATCH;
		} else {
			uint64_t end = find_footer(&s, used);
			if (end) {
				mtd_probe_problem(p, "%s at 0x%llx; extent taken from the stream footer", why,
				                  (unsigned long long)at);
				pos += end;
				streams++;
			} else {
				mtd_probe_problem(p, "%s at 0x%llx; no valid stream footer follows: extent unknown",
				                  why, (unsigned long long)at);
				pos += used > XZ_HDR ? used : XZ_HDR;
			}
		}
		break;
	}
	if (complete) {
		uint64_t app = mtd_stream_size_append(p, pos, o.total);
		pos += app;
		/* A space that is one .xz file (the stream at its start, only zero bytes after the last
		 * stream): those zeros are its trailing Stream Padding, which must be a multiple of four
		 * bytes (xz -l counts it in the file, xz -t refuses the file otherwise). */
		uint64_t z = 0;
		while (!app && p->off == 0 && pos + z < avail && mtd_rd_u8_at(&r, (size_t)(pos + z)) == 0)
			z++;
		if (z && pos + z == avail) {
			if (z % 4 == 0) {
				padding += z;
				pos += z;
			} else {
				mtd_probe_problem(
				    p,
				    "the %llu zero byte%s after the last stream, up to the end at 0x%llx, %s "
				    "not Stream Padding (not a multiple of four): xz refuses the file",
				    (unsigned long long)z, z == 1 ? "" : "s", (unsigned long long)(p->off + pos + z),
				    z == 1 ? "is" : "are");
				p->valid = false;
			}
		}
	}
	mtd_probe_u64(p, "streams", streams > 1, streams);
	mtd_probe_u64(p, "blocks", false, blocks);
	if (padding)
		mtd_probe_u64(p, "stream_padding", false, padding);
	mtd_stream_out_finish(&o, complete);
	p->size = pos;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_xz = {
    .name = "xz",
    .magics = {{"\xfd"
                "7zXZ\x00",
                6, 0}},
    .probe = probe,
};
