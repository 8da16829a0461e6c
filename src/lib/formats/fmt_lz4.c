/* SPDX-License-Identifier: MIT */
#include <lz4.h>
#include <lz4frame.h>
#include <string.h>

#include "stream_common.h"

/*
 * LZ4 in two shapes:
 *  - the frame format (lz4_Frame_format.md): magic 0x184D2204, FLG and BD
 *    bytes, optional content size and dictionary id, a header checksum byte,
 *    blocks (32-bit size, high bit = stored), an end mark (0), an optional
 *    XXH32 content checksum.  The extent comes from walking the block sizes
 *    (exact without decoding); liblz4's LZ4F decoder checks the header, block
 *    and content checksums.  Frames and skippable frames (0x184D2A5x) that
 *    follow directly belong to the same component, and so do skippable
 *    frames before the first frame (the component starts at the first).
 *  - the legacy format (magic 0x184C2102, `lz4 -l`, used by the Linux kernel
 *    for lz4 kernels and initramfs): 32-bit compressed block sizes, every
 *    block but the last decoding to exactly 8 MiB, no end mark and no
 *    checksum.  It ends after a block shorter than 8 MiB, or before the first
 *    size that is not a block that decodes.
 */

#define LZ4_LEGACY_BLOCK (8u << 20)

struct lz4_hdr {
	uint8_t flg;
	uint32_t bmax;
	size_t len;
	uint64_t content_size;
};

/* The frame header at `pos` of all. */
static bool frame_header(const struct mtd_reader *all, uint64_t pos, struct lz4_hdr *h)
{
	struct mtd_reader s;
	if (!mtd_rd_window(all, (size_t)pos, mtd_rd_left(all) - (size_t)pos, &s))
		return false;
	uint64_t avail = mtd_rd_left(&s);
	if (avail < 7 || mtd_rd_le32_at(&s, 0) != 0x184d2204u)
		return false;
	uint8_t flg = mtd_rd_u8_at(&s, 4), bd = mtd_rd_u8_at(&s, 5);
	unsigned id = (bd >> 4) & 7;
	if ((flg >> 6) != 1 || (flg & 0x02) || (bd & 0x8f) || id < 4)
		return false;
	h->flg = flg;
	h->bmax = 1u << (8 + 2 * id);
	h->len = 7 + ((flg & 0x08) ? 8 : 0) + ((flg & 0x01) ? 4 : 0);
	h->content_size = (flg & 0x08) && avail >= 14 ? mtd_rd_le64_at(&s, 6) : 0;
	return avail >= h->len;
}

static bool is_skippable(const struct mtd_reader *all, uint64_t pos)
{
	return mtd_rd_left(all) - pos >= 8 && (mtd_rd_le32_at(all, (size_t)pos) & 0xfffffff0u) == 0x184d2a50u;
}

/* Skippable frames at pos: their count, pos moved past them. */
static uint64_t skip_skippable(const struct mtd_reader *all, uint64_t *pos)
{
	uint64_t n = 0, avail = mtd_rd_left(all);
	while (is_skippable(all, *pos)) {
		uint64_t len = 8 + (uint64_t)mtd_rd_le32_at(all, (size_t)(*pos + 4));
		if (len > avail - *pos)
			break;
		n++;
		*pos += len;
	}
	return n;
}

enum walk { W_OK, W_TRUNC, W_BAD };

/* Walk the blocks of the frame at `pos` of all: its exact size on W_OK, the bad block's position on W_BAD. */
static enum walk walk_frame(const struct mtd_reader *all, uint64_t pos, const struct lz4_hdr *h, uint64_t *end,
                            uint64_t *blocks)
{
	struct mtd_reader r;
	uint32_t bs;
	mtd_rd_window(all, (size_t)pos, mtd_rd_left(all) - (size_t)pos, &r);
	mtd_rd_skip(&r, h->len);
	*blocks = 0;
	for (;;) {
		size_t at = r.pos;
		if (!mtd_rd_u32le(&r, &bs))
			return W_TRUNC;
		if (bs == 0)
			break;
		if ((bs & 0x7fffffffu) > h->bmax) {
			*end = at;
			return W_BAD;
		}
		if (!mtd_rd_skip(&r, (bs & 0x7fffffffu) + ((h->flg & 0x10) ? 4u : 0u)))
			return W_TRUNC;
		(*blocks)++;
	}
	if ((h->flg & 0x04) && !mtd_rd_skip(&r, 4))
		return W_TRUNC;
	*end = r.pos;
	return W_OK;
}

enum dec { D_OK, D_DATA, D_STOP, D_NOMEM };

/* Decode the frame in the first `size` bytes from `pos` of all. */
static enum dec decode_frame(struct mtd_stream_out *o, LZ4F_dctx *dc, const struct mtd_reader *all, uint64_t pos,
                             size_t size, const char **why)
{
	uint8_t *chunk = mtd_stream_out_scratch(o, STREAM_CHUNK);
	if (!chunk)
		return D_NOMEM;
	LZ4F_resetDecompressionContext(dc);
	size_t done = 0;
	for (;;) {
		size_t dsz = STREAM_CHUNK, ssz = size - done;
		const uint8_t *in = NULL;
		if (!mtd_rd_bytes_at(all, (size_t)pos + done, ssz, &in)) {
			*why = "frame runs past its space";
			return D_DATA;
		}
		size_t ret = LZ4F_decompress(dc, chunk, &dsz, in, &ssz, NULL);
		done += ssz;
		bool go = dsz == 0 || mtd_stream_out_put(o, pos + size, chunk, dsz);
		if (LZ4F_isError(ret)) {
			*why = LZ4F_getErrorName(ret);
			return D_DATA;
		}
		if (ret == 0) {
			o->stopped = false;
			return D_OK;
		}
		if (!go)
			return D_STOP;
		if (ssz == 0 && dsz == 0) {
			*why = "frame ends before its end mark";
			return D_DATA;
		}
	}
}

/* The frame header of the frame at `pos` of all (h->len bytes there) is sound. */
static bool header_checksum_ok(LZ4F_dctx *dc, const struct mtd_reader *all, uint64_t pos, const struct lz4_hdr *h)
{
	LZ4F_frameInfo_t fi;
	size_t hl = h->len;
	const uint8_t *hb = NULL;
	return mtd_rd_bytes_at(all, (size_t)pos, hl, &hb) && !LZ4F_isError(LZ4F_getFrameInfo(dc, &fi, hb, &hl));
}

static int probe_frame(struct mtd_probe *p, const struct mtd_reader *all)
{
	struct lz4_hdr h;
	uint64_t end, blocks, avail = mtd_rd_left(all);
	/* skippable frames before the first frame belong to the file (lz4 -d skips them) */
	uint64_t pos = 0, skips = skip_skippable(all, &pos);
	if (!frame_header(all, pos, &h))
		return MTD_ERR_NO_MATCH;
	LZ4F_dctx *dc;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&dc, LZ4F_VERSION)))
		return MTD_ERR_NOMEM;
	/* header checksum (the byte after the descriptor) */
	bool hc_ok = header_checksum_ok(dc, all, pos, &h);
	enum walk w = walk_frame(all, pos, &h, &end, &blocks);
	if (!hc_ok && w != W_OK) {
		LZ4F_freeDecompressionContext(dc);
		return MTD_ERR_NO_MATCH;
	}
	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	p->valid = true;
	char bm[32];
	mtd_probe_str(p, "variant", true, "frame");
	mtd_probe_str(p, "block_max", false, "%s", mtd_stream_size_str(h.bmax, bm, sizeof(bm)));
	mtd_probe_bool(p, "block_checksum", false, h.flg & 0x10);
	mtd_probe_bool(p, "content_checksum", false, h.flg & 0x04);
	if (h.flg & 0x08)
		mtd_probe_u64(p, "content_size", false, h.content_size);
	uint64_t frames = 0, nblocks = 0;
	bool complete = false;
	for (;;) {
		uint64_t at = p->off + pos;
		frames++;
		if (!hc_ok) {
			mtd_probe_problem(p, "frame at 0x%llx: header checksum does not match: not decoded",
			                  (unsigned long long)at);
			p->valid = false;
			pos += end;
			break;
		}
		if (w == W_TRUNC) {
			mtd_probe_problem(p, "truncated: frame at 0x%llx ends at the end of its space (0x%llx)",
			                  (unsigned long long)at, (unsigned long long)p->len);
			p->valid = false;
			/* decode what is there, for the scan inside */
			const char *why;
			decode_frame(&o, dc, all, pos, (size_t)(avail - pos), &why);
			o.stopped = false;
			pos = avail;
			break;
		}
		if (w == W_BAD) {
			mtd_probe_problem(
			    p,
			    "frame at 0x%llx: block at 0x%llx claims more than the frame's %s maximum: extent unknown",
			    (unsigned long long)at, (unsigned long long)(at + end), bm);
			p->valid = false;
			pos += end;
			break;
		}
		nblocks += blocks;
		const char *why = "";
		enum dec rc = decode_frame(&o, dc, all, pos, (size_t)end, &why);
		pos += end;
		if (rc == D_NOMEM) {
			LZ4F_freeDecompressionContext(dc);
			mtd_stream_out_release(&o);
			return MTD_ERR_NOMEM;
		}
		if (rc == D_DATA) {
			mtd_probe_problem(p, "frame at 0x%llx: %s", (unsigned long long)at, why);
			p->valid = false;
			break;
		}
		if (rc == D_STOP) {
			char lim[160], a[96];
			mtd_stream_out_limit_text(&o, lim, sizeof(lim));
			o.stopped = false;
			p->valid = false;
			mtd_probe_problem(p, "frame at 0x%llx: decoding stopped after %s, content not checked: %s",
			                  (unsigned long long)at, mtd_stream_out_done_text(&o, a, sizeof(a)), lim);
			/* the frames that follow are measured without decoding */
			for (;;) {
				skips += skip_skippable(all, &pos);
				if (!frame_header(all, pos, &h) || walk_frame(all, pos, &h, &end, &blocks) != W_OK)
					break;
				frames++;
				nblocks += blocks;
				pos += end;
			}
			break;
		}
		skips += skip_skippable(all, &pos);
		if (frame_header(all, pos, &h)) {
			LZ4F_resetDecompressionContext(dc);
			hc_ok = header_checksum_ok(dc, all, pos, &h);
			w = walk_frame(all, pos, &h, &end, &blocks);
			if (hc_ok || w == W_OK)
				continue;
		}
		complete = true;
		break;
	}
	LZ4F_freeDecompressionContext(dc);
	mtd_probe_u64(p, "frames", frames > 1, frames);
	mtd_probe_u64(p, "blocks", false, nblocks);
	if (skips)
		mtd_probe_u64(p, "skippable_frames", false, skips);
	mtd_stream_out_finish(&o, complete);
	p->size = pos;
	return MTD_OK;
}

static int probe_legacy(struct mtd_probe *p, const struct mtd_reader *all)
{
	const uint32_t bound = (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK);
	uint64_t avail = mtd_rd_left(all);
	uint32_t first = mtd_rd_le32_at(all, 4);
	if (first == 0 || first > bound)
		return MTD_ERR_NO_MATCH;
	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	uint8_t *blk = mtd_stream_out_scratch(&o, LZ4_LEGACY_BLOCK);
	if (!blk)
		return MTD_ERR_NOMEM;
	uint64_t pos = 4, blocks = 0, streams = 1;
	bool complete = true, truncated = false, stopped = false;
	while (avail - pos >= 4) {
		uint32_t cs = mtd_rd_le32_at(all, (size_t)pos);
		if (cs == 0x184c2102u) {
			/* `lz4 -dc` goes on with a concatenated legacy stream */
			if (avail - pos < 8 || blocks == 0)
				break;
			pos += 4;
			streams++;
			continue;
		}
		if (cs == 0 || cs > bound)
			break;
		if (cs > avail - pos - 4) {
			if (blocks == 0) {
				/* cut in its first block: only if what is there starts like LZ4 data */
				int have = (int)(avail - pos - 4 < (1u << 30) ? avail - pos - 4 : (1u << 30));
				const uint8_t *in = NULL;
				truncated = mtd_rd_bytes_at(all, (size_t)pos + 4, (size_t)have, &in) &&
				            LZ4_decompress_safe_partial((const char *)in, (char *)blk, have, 4096,
				                                        LZ4_LEGACY_BLOCK) == 4096;
			} else {
				truncated = o.total % LZ4_LEGACY_BLOCK == 0;
			}
			break;
		}
		const uint8_t *in = NULL;
		int n = mtd_rd_bytes_at(all, (size_t)pos + 4, cs, &in)
		            ? LZ4_decompress_safe((const char *)in, (char *)blk, (int)cs, LZ4_LEGACY_BLOCK)
		            : -1;
		if (n < 0)
			break;
		pos += 4 + cs;
		blocks++;
		if (!mtd_stream_out_put(&o, pos, blk, (size_t)n)) {
			stopped = true;
			break;
		}
		if ((unsigned)n < LZ4_LEGACY_BLOCK &&
		    !(avail - pos >= 8 && mtd_rd_le32_at(all, (size_t)pos) == 0x184c2102u))
			break;
	}
	if (blocks == 0 && !truncated) {
		mtd_stream_out_release(&o);
		return MTD_ERR_NO_MATCH;
	}
	p->valid = true;
	mtd_probe_str(p, "variant", true, "legacy");
	mtd_probe_u64(p, "blocks", false, blocks);
	if (streams > 1)
		mtd_probe_u64(p, "streams", false, streams);
	if (truncated) {
		mtd_probe_problem(p, "truncated: block at 0x%llx runs past the end of its space (0x%llx)",
		                  (unsigned long long)(p->off + pos), (unsigned long long)p->len);
		p->valid = false;
		complete = false;
		pos = avail;
	} else if (stopped) {
		complete = false;
	} else {
		pos += mtd_stream_size_append(p, pos, o.total);
	}
	mtd_stream_out_finish(&o, complete);
	p->size = pos;
	return MTD_OK;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint64_t avail = mtd_stream_avail(p);
	mtd_probe_reader(p, &r);
	if (avail < 8)
		return MTD_ERR_NO_MATCH;
	if (mtd_rd_le32_at(&r, 0) == 0x184c2102u)
		return probe_legacy(p, &r);
	return probe_frame(p, &r);
}

const struct mtd_format mtd_fmt_lz4 = {
    .name = "lz4",
    /* the third: skippable frames (0x184D2A50..5F, little-endian) before a frame */
    .magics = {{"\x04\x22\x4d\x18", 4, 0}, {"\x02\x21\x4c\x18", 4, 0}, {"\x2a\x4d\x18", 3, 1}},
    .probe = probe,
};
