/* SPDX-License-Identifier: MIT */
#include <lzma.h>
#include <string.h>

#include "stream_common.h"

/*
 * LZMA-alone (.lzma, "lzma_alone" from the LZMA SDK, xz --format=lzma): a
 * 13-byte header (properties byte lc + lp*9 + pb*45, 32-bit dictionary size,
 * 64-bit uncompressed size or -1 when the stream ends with an end marker),
 * then the range-coded data, whose first byte is always 0.  This is what
 * uImage kernels and OpenWrt loaders carry.  There is no magic, and any
 * properties byte below 225 (lc <= 8, lp <= 4, pb <= 4) and any dictionary
 * size are valid.  Candidates: an unknown size (bytes 5..12 0xFF) followed
 * by the zero data byte, for every properties byte and dictionary; a known
 * size only after the properties bytes the tools write (see the magics).  A
 * candidate is rejected before any decoding unless its properties byte is
 * valid, its dictionary size is 2^n or 2^n + 2^(n-1) between 4 KiB and
 * 3 GiB, or 0xFFFFFFFF (what the SDK and xz write; liblzma's own "picky"
 * test), and its known uncompressed size is at least LZMA_MIN_KNOWN (or the
 * candidate starts its space and decodes to its end, every byte of the space
 * consumed: a file that is one small stream).  Then
 * it must decode: to its end (exactly the size in the header when it is
 * known), or to the end of its space, or for at least LZMA_MIN_EVIDENCE
 * bytes out of LZMA_MIN_EVIDENCE_IN compressed bytes before failing.  Decoded with liblzma's lzma_alone_decoder; the
 * extent is the exact number of bytes it consumed.  liblzma decodes only
 * lc + lp <= 4 (LZMA_LCLP_MAX): streams the LZMA SDK wrote with larger
 * lc + lp (lzma_alone -lc8) cannot be confirmed by decoding and are not
 * reported.  A known size that the data fail before is decoded again as an
 * unknown size: an end marker there is a stream with a wrong size in its
 * header (xz writes the marker, tools patch the size), invalid.
 */

#define LZMA_HDR      13u
#define LZMA_MEMLIMIT (256ull << 20)
/* Output a candidate must produce before a decode error makes it a damaged stream rather than a false match. */
#define LZMA_MIN_EVIDENCE (16u << 10)
/*
 * ...and the compressed bytes it must have consumed: a header followed by a
 * run of 0xFF or zero bytes (yaffs2 tags and erased spare, padding) decodes
 * into repeated matches, 16 KiB from under 100 bytes, then fails.
 */
#define LZMA_MIN_EVIDENCE_IN 2048u

/* A known size below this is a header pattern in other data rather than a stream worth a component. */
#define LZMA_MIN_KNOWN 32u

static bool dict_ok(uint32_t d)
{
	if (d == UINT32_MAX)
		return true;
	if (d < 4096 || d > (3u << 30))
		return false;
	uint32_t low = d & -d; /* lowest set bit */
	return d == low || d == 3 * low;
}

/*
 * A cheap first test before the real decoding: the first LZMA_TRIAL bytes
 * with a 4 KiB dictionary and a small output buffer on the stack.  A real
 * stream cannot fail there (no distance can reach past what was decoded), a
 * header pattern in other data almost always does, within a few bytes.
 */
#define LZMA_TRIAL      4096u
#define LZMA_TRIAL_DICT 8192u /* above the most the trial decodes (LZMA_TRIAL + its output buffer) */

static void put_le32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static bool trial_ok(const uint8_t hdr[LZMA_HDR], const struct mtd_reader *r, size_t n, uint64_t usize)
{
	const uint8_t *data = NULL;
	if (!mtd_rd_bytes_at(r, LZMA_HDR, n, &data))
		return false;
	uint8_t h[LZMA_HDR], out[1024];
	memcpy(h, hdr, LZMA_HDR);
	if (mtd_le32(h + 1) > LZMA_TRIAL_DICT)
		put_le32(h + 1, LZMA_TRIAL_DICT);
	lzma_stream z = LZMA_STREAM_INIT;
	if (lzma_alone_decoder(&z, LZMA_MEMLIMIT) != LZMA_OK)
		return true; /* let the real decoding report it */
	z.next_in = h;
	z.avail_in = LZMA_HDR;
	z.next_out = out; /* liblzma takes no input while it has no room for output */
	z.avail_out = sizeof(out);
	lzma_ret ret = lzma_code(&z, LZMA_RUN);
	if (ret == LZMA_OK && !z.avail_in) {
		z.next_in = data;
		z.avail_in = n;
		while (ret == LZMA_OK && z.total_out < LZMA_TRIAL && z.avail_in) {
			z.next_out = out;
			z.avail_out = sizeof(out);
			ret = lzma_code(&z, LZMA_RUN);
		}
	}
	uint64_t got = z.total_out;
	lzma_end(&z);
	/* the end of the stream, enough output, or the end of the space (judged by the real decoding) */
	return ret == LZMA_STREAM_END || got >= LZMA_TRIAL || (ret == LZMA_OK && (usize == UINT64_MAX || got < usize));
}

/* Whether the compressed bytes (at most the first 64 KiB of them) are mostly 0x00 and 0xFF. */
static bool erased(const struct mtd_reader *r, uint64_t used)
{
	size_t n = used - LZMA_HDR < (64u << 10) ? (size_t)(used - LZMA_HDR) : (64u << 10), k = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = mtd_rd_u8_at(r, LZMA_HDR + i);
		k += c == 0 || c == 0xff;
	}
	return k * 8 > n * 7;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	const uint8_t *all;
	uint64_t avail = mtd_stream_avail(p);
	mtd_probe_reader(p, &r);
	if (avail < LZMA_HDR + 5 || !mtd_rd_bytes(&r, (size_t)avail, &all))
		return MTD_ERR_NO_MATCH;
	uint8_t props = mtd_rd_u8_at(&r, 0);
	uint32_t dict = mtd_rd_le32_at(&r, 1);
	uint64_t usize = mtd_rd_le64_at(&r, 5);
	if (props >= 9 * 5 * 5 || props % 9 + props / 9 % 5 > 4 || !dict_ok(dict) || mtd_rd_u8_at(&r, LZMA_HDR) != 0)
		return MTD_ERR_NO_MATCH;
	/* a small known size is a header pattern in other data, unless the candidate starts its space */
	bool first = p->off == 0, small = usize != UINT64_MAX && usize < LZMA_MIN_KNOWN;
	if (usize != UINT64_MAX && ((small && !first) || usize > (1ull << 38)))
		return MTD_ERR_NO_MATCH;
	/* The header as decoded here: the dictionary need not be larger than a known size (saves allocating it). */
	uint8_t hdr[LZMA_HDR];
	if (!mtd_rd_copy_at(&r, 0, hdr, LZMA_HDR))
		return MTD_ERR_NO_MATCH;
	if (usize != UINT64_MAX && dict != UINT32_MAX && usize < dict) {
		uint32_t d = 4096;
		while (d < usize)
			d <<= 1;
		if (d < dict)
			put_le32(hdr + 1, d);
	}
	/* a known size with an end marker before it: the trial again as unknown size (the real decoding judges) */
	uint8_t unk[LZMA_HDR];
	memcpy(unk, hdr, LZMA_HDR);
	memset(unk + 5, 0xff, 8);
	if (!trial_ok(hdr, &r, (size_t)(avail - LZMA_HDR), usize) &&
	    (usize == UINT64_MAX || !trial_ok(unk, &r, (size_t)(avail - LZMA_HDR), UINT64_MAX)))
		return MTD_ERR_NO_MATCH;

	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	uint8_t *chunk = mtd_stream_out_scratch(&o, STREAM_CHUNK);
	if (!chunk) {
		mtd_stream_out_release(&o);
		return MTD_ERR_NOMEM;
	}
	uint64_t used;
	bool go;
	struct mtd_stream_mark mk;
	mtd_stream_out_mark(&o, &mk);
	int ret = mtd_stream_lzma_alone(&o, chunk, LZMA_MEMLIMIT, hdr, LZMA_HDR, &r, LZMA_HDR,
	                                (size_t)(avail - LZMA_HDR), &used, &go);
	/*
	 * A known size the data fail before: decoded again as unknown size, an end marker there makes it a
	 * stream whose header gives the wrong size (xz's bad-too_big_size-with_eopm.lzma), invalid.  When
	 * that decoding fails too, the first decoding stands.
	 */
	uint64_t early = 0;
	if (usize != UINT64_MAX && ret == LZMA_DATA_ERROR && go) {
		mtd_stream_out_rewind(&o, &mk);
		uint64_t used2;
		bool go2;
		int ret2 = mtd_stream_lzma_alone(&o, chunk, LZMA_MEMLIMIT, unk, LZMA_HDR, &r, LZMA_HDR,
		                                 (size_t)(avail - LZMA_HDR), &used2, &go2);
		if (ret2 == LZMA_STREAM_END && o.total < usize) {
			early = o.total;
			ret = ret2, used = used2, go = go2;
		} else {
			mtd_stream_out_rewind(&o, &mk);
			ret = mtd_stream_lzma_alone(&o, chunk, LZMA_MEMLIMIT, hdr, LZMA_HDR, &r, LZMA_HDR,
			                            (size_t)(avail - LZMA_HDR), &used, &go);
		}
	}
	if (ret != LZMA_MEM_ERROR && ret != LZMA_STREAM_END && used <= LZMA_HDR) {
		/* the header itself refused (a dictionary above the memory limit among them) */
		mtd_stream_out_release(&o);
		return MTD_ERR_NO_MATCH;
	}

	if (ret == LZMA_MEM_ERROR) {
		mtd_stream_out_release(&o);
		return MTD_ERR_NOMEM;
	}
	/*
	 * No magic to lean on: a candidate is a stream only if it decodes to its
	 * end, or is cut by the end of its space, or fails only after enough
	 * plausible output.  A header over zero bytes decodes "successfully" into
	 * zeros, so the data must not be all zero either; one over erased bytes
	 * decodes into repeated matches, so a stream that does not reach its end
	 * must not be mostly 0x00 and 0xFF bytes (erased).
	 */
	bool nonzero = used > LZMA_HDR + 1 && !mtd_rd_uniform_at(&r, LZMA_HDR + 1, (size_t)(used - LZMA_HDR - 1), 0);
	bool end = ret == LZMA_STREAM_END;
	bool evidence = o.total >= LZMA_MIN_EVIDENCE && used >= LZMA_HDR + LZMA_MIN_EVIDENCE_IN;
	/*
	 * A small known size (a file that is one short .lzma): only a stream that decodes to its end, to its
	 * size or to an end marker, consuming every byte of its space.  One that fails is not taken, even
	 * failing at its last bytes: over random bytes a small header fails there about once in 400.
	 */
	if (small && !(end && used == avail)) {
		mtd_stream_out_release(&o);
		return MTD_ERR_NO_MATCH;
	}
	if (ret == LZMA_FORMAT_ERROR || ret == LZMA_OPTIONS_ERROR || !nonzero || (!end && erased(&r, used)) ||
	    (!end && go && !evidence && !(ret == LZMA_BUF_ERROR && o.total >= 1024)) || (end && used <= LZMA_HDR + 5)) {
		mtd_stream_out_release(&o);
		return MTD_ERR_NO_MATCH;
	}

	char ds[32];
	mtd_probe_str(p, "properties", false, "lc=%u lp=%u pb=%u", props % 9, props / 9 % 5, props / 45);
	mtd_probe_str(p, "dict_size", true, "%s", mtd_stream_size_str(dict, ds, sizeof(ds)));
	if (usize == UINT64_MAX)
		mtd_probe_str(p, "size_in_header", false, "unknown (end marker)");
	else
		mtd_probe_u64(p, "size_in_header", false, usize);
	p->valid = true;
	uint64_t size = used;
	if (end && early) {
		mtd_probe_problem(p, "end marker after %llu decoded bytes, before the %llu the header gives",
		                  (unsigned long long)early, (unsigned long long)usize);
		p->valid = false;
	} else if (end) {
		size += mtd_stream_size_append(p, used, o.total);
	} else if (ret == LZMA_BUF_ERROR) {
		mtd_probe_problem(p, "truncated: data ends at the end of its space (0x%llx) after %llu decoded bytes%s",
		                  (unsigned long long)p->len, (unsigned long long)o.total,
		                  usize == UINT64_MAX ? " without an end marker" : "");
		p->valid = false;
		size = avail;
	} else if (ret == LZMA_MEMLIMIT_ERROR) {
		mtd_probe_problem(p, "needs more than 256 MiB of memory to decode: extent unknown");
		p->valid = false;
	} else if (go) {
		mtd_probe_problem(p, "compressed data is corrupt at 0x%llx after %llu decoded bytes: extent unknown",
		                  (unsigned long long)(p->off + used), (unsigned long long)o.total);
		p->valid = false;
	}
	mtd_stream_out_finish(&o, end);
	p->size = size;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_lzma = {
    .name = "lzma",
    /*
     * Unknown size: any properties and dictionary (bytes 5..12 0xFF, then the zero data byte).  Known size:
     * the properties bytes the tools use (xz and the SDK's default lc3 lp0 pb2, OpenWrt's lc1 lp2 pb2, and
     * lc0/lc2 lp2 pb2, lc2/lc4 lp0 pb2) with the dictionary's zero low byte: a known-size header has no other
     * fixed byte that is not zero, and zero runs are everywhere in binaries (a magic over bytes 9..13 made
     * the scan of executables three times slower).
     */
    .magics = {{"\xff\xff\xff\xff\xff\xff\xff\xff\x00", 9, 5},
               {"\x5d\x00", 2, 0},
               {"\x6d\x00", 2, 0},
               {"\x6c\x00", 2, 0},
               {"\x6e\x00", 2, 0},
               {"\x5c\x00", 2, 0},
               {"\x5e\x00", 2, 0}},
    .probe = probe,
    /* a stream that decodes to its end was read up to there, and 4 bytes further (size_append) */
    .memo = true,
    .memo_lookahead = 4,
};
