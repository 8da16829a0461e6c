/* SPDX-License-Identifier: MIT */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getFrameHeader: exported by libzstd 1.5 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "stream_common.h"

/*
 * Zstandard (RFC 8878): frames (magic 28 b5 2f fd, frame header, blocks,
 * optional XXH64 content checksum) and skippable frames (magic
 * 0x184D2A50..5F, a 32-bit size, user data).  The extent of a frame comes
 * from ZSTD_findFrameCompressedSize (block headers only, no decoding), so it
 * is exact even when decoding stops at a limit; decoding with libzstd checks
 * the content checksum.  Frames and skippable frames that follow a frame
 * directly are one component (zstd -d decodes them as one file), and so are
 * skippable frames before the first frame (pzstd opens every frame with
 * one): the component starts at the first of them.
 */

static bool is_skippable(const struct mtd_reader *all, uint64_t pos)
{
	return mtd_rd_left(all) - pos >= 8 && (mtd_rd_le32_at(all, (size_t)pos) & 0xfffffff0u) == 0x184d2a50u;
}

enum frame_end { F_OK, F_TRUNC, F_DATA, F_UNSUP, F_STOP, F_NOMEM };

struct zero_seq {
	uint64_t extraneous_at; /* block with bytes after a zero count (0: none) */
	uint64_t extraneous;    /* how many */
	unsigned long_zero;     /* blocks whose zero count takes 2 bytes */
};

struct frame {
	ZSTD_frameHeader fh;
	uint64_t size; /* exact frame size when known, else bytes consumed */
	bool size_known;
	size_t err;
	const char *why;
	struct zero_seq zs; /* blocks without sequences (size_known frames) */
};

/* Where a frame's first block header is: the size of its frame header (false when it has none). */
static bool blocks_start(const struct mtd_reader *s, size_t *pos)
{
	uint64_t avail = mtd_rd_left(s);
	const uint8_t *all = NULL;
	if (!mtd_rd_bytes_at(s, 0, (size_t)avail, &all))
		return false;
	size_t at = ZSTD_frameHeaderSize(all, (size_t)avail);
	if (ZSTD_isError(at))
		return false;
	*pos = at;
	return true;
}

/* A 3-byte little-endian field: a block header (last-block bit, 2-bit type, 21-bit size), a literals header. */
static uint32_t le24_at(const struct mtd_reader *s, size_t at)
{
	return (uint32_t)mtd_rd_le16_at(s, at) | (uint32_t)mtd_rd_u8_at(s, at + 2) << 16;
}

/*
 * A frame whose blocks run past the end of the space is truncated only if
 * every block header up to there is possible (type not reserved, at most
 * 128 KiB): otherwise it is a corrupt frame, or a magic number that happened
 * to be there, and must not claim the rest of the space.  Returns the offset
 * of the first impossible block header, or 0.
 */
static uint64_t impossible_block(const struct mtd_reader *s)
{
	uint64_t avail = mtd_rd_left(s);
	size_t pos;
	if (!blocks_start(s, &pos))
		return 4;
	while (pos + 3 <= avail) {
		uint32_t b = le24_at(s, pos);
		uint32_t type = (b >> 1) & 3, size = b >> 3;
		if (type == 3 || size > ZSTD_BLOCKSIZE_MAX)
			return pos;
		uint64_t next = pos + 3 + (type == 1 ? 1 : size);
		if ((b & 1) && next <= avail)
			return pos; /* a last block that fits cannot leave the frame cut */
		pos = (size_t)next;
	}
	return 0;
}

/*
 * True when the frame's first block runs past the end of the space: then the
 * magic number and a few header bytes are all the evidence there is (a raw
 * block's content is any bytes at all), which random data or a decompressor
 * keeping the magic in its code gives about once in 300 tries.  Such a frame
 * is not claimed.
 */
/* The frame's first block header (3 bytes after the frame header): its offset and value. */
static bool first_block_header(const struct mtd_reader *s, size_t *pos, uint32_t *b)
{
	if (!blocks_start(s, pos) || *pos + 3 > mtd_rd_left(s))
		return false;
	*b = le24_at(s, *pos);
	return true;
}

static bool first_block_cut(const struct mtd_reader *s)
{
	size_t pos;
	uint32_t b;
	if (!first_block_header(s, &pos, &b))
		return true;
	uint32_t type = (b >> 1) & 3, size = b >> 3;
	return pos + 3 + (type == 1 ? 1 : (uint64_t)size) > mtd_rd_left(s);
}

/*
 * A first block cut by the end of the space is still a stream when its bytes
 * show it, beyond the magic and the header:
 * - a raw block of exactly the size zstd writes raw blocks of: the frame's
 *   whole content when it is the last block, else the block size limit;
 * - a compressed block whose literals section (Huffman tree, then one or
 *   four Huffman streams) lies before the cut and decodes: it is decoded
 *   alone, in a frame made here around it with no sequences, and must give
 *   exactly the Regenerated_Size its header gives.  Huffman streams must end
 *   exactly on their last bit, which random bytes rarely do.
 * - raw literals (what zstd writes for data it cannot compress), or Huffman
 *   literals cut by the end before their last stream, only in a frame that
 *   starts its space (a file that is a cut .zst): their sizes must leave
 *   room for the sequences in the block and fit the content size (and
 *   Huffman ones be smaller than what they decode to).  Such bytes prove
 *   nothing, so elsewhere (a magic number in other data) they do not count.
 * Nothing else (RLE literals, treeless literals in a first block) counts.
 */
static bool cut_first_block_shows_frame(const struct mtd_reader *s, const ZSTD_frameHeader *fh, bool at_start)
{
	uint64_t avail = mtd_rd_left(s);
	size_t pos;
	uint32_t b;
	if (!first_block_header(s, &pos, &b))
		return false;
	uint32_t type = (b >> 1) & 3, size = b >> 3;
	bool last = b & 1;
	uint64_t fcs = fh->frameContentSize;
	bool fcs_known = fcs != ZSTD_CONTENTSIZE_UNKNOWN && fcs != ZSTD_CONTENTSIZE_ERROR;
	if (size > fh->blockSizeMax || size > ZSTD_BLOCKSIZE_MAX)
		return false;
	if (type == 0)
		return last ? fcs_known && size == fcs : size == fh->blockSizeMax && (!fcs_known || fcs > size);
	if (type != 2)
		return false;
	size_t lit = pos + 3, left = (size_t)(avail - lit);
	if (left < 5)
		return false;
	uint8_t b0 = mtd_rd_u8_at(s, lit);
	unsigned ltype = b0 & 3, fmt = (b0 >> 2) & 3;
	if (ltype == 0 && at_start) {
		size_t rlh = (fmt & 1) == 0 ? 1 : fmt == 1 ? 2 : 3;
		size_t rsize = (fmt & 1) == 0 ? (size_t)(b0 >> 3)
		               : fmt == 1     ? (size_t)(b0 >> 4) + ((size_t)mtd_rd_u8_at(s, lit + 1) << 4)
		                              : (size_t)(b0 >> 4) + ((size_t)mtd_rd_u8_at(s, lit + 1) << 4) +
		                                ((size_t)mtd_rd_u8_at(s, lit + 2) << 12);
		return rsize > 0 && rlh + rsize + 1 <= size && (!fcs_known || rsize <= fcs);
	}
	if (ltype != 2)
		return false; /* RLE literals say nothing; treeless ones need an earlier block */
	uint32_t h3 = le24_at(s, lit);
	uint32_t h4 = mtd_rd_le32_at(s, lit);
	size_t lh, regen, comp;
	if (fmt < 2) {
		lh = 3, regen = (h3 >> 4) & 0x3ff, comp = (h3 >> 14) & 0x3ff;
	} else if (fmt == 2) {
		lh = 4, regen = (h4 >> 4) & 0x3fff, comp = h4 >> 18;
	} else {
		lh = 5, regen = (h4 >> 4) & 0x3ffff, comp = (h4 >> 22) | (size_t)mtd_rd_u8_at(s, lit + 4) << 10;
	}
	if (regen == 0 || regen > ZSTD_BLOCKSIZE_MAX || (fcs_known && regen > fcs) || lh + comp + 1 > size)
		return false;
	if (lh + comp > left)
		return at_start && comp < regen; /* the literals themselves cut: as raw ones, only at the start */
	/* magic, descriptor (no flags), window 128 KiB, block header, the literals, zero sequences */
	size_t n = 4 + 2 + 3 + lh + comp + 1;
	uint8_t *f = malloc(n), *out = malloc(ZSTD_BLOCKSIZE_MAX);
	bool ok = false;
	if (f && out) {
		static const uint8_t head[6] = {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38};
		uint32_t nb = 1u | 2u << 1 | (uint32_t)(lh + comp + 1) << 3;
		memcpy(f, head, 6);
		f[6] = (uint8_t)nb, f[7] = (uint8_t)(nb >> 8), f[8] = (uint8_t)(nb >> 16);
		f[n - 1] = 0;
		if (mtd_rd_copy_at(s, lit, f + 9, lh + comp)) { /* inside the space: lh + comp <= left */
			size_t got = ZSTD_decompress(out, ZSTD_BLOCKSIZE_MAX, f, n);
			ok = !ZSTD_isError(got) && got == regen;
		}
	}
	free(f);
	free(out);
	return ok;
}

/*
 * The sequences section of every compressed block of a frame whose extent is
 * known, where it has no sequences (RFC 8878 3.1.1.3.2.1; zstd's format
 * document 0.4.0): Number_of_Sequences is 1 to 3 bytes (byte0 < 128: byte0;
 * < 255: ((byte0 - 0x80) << 8) + byte1; 255: byte1 + (byte2 << 8) + 0x7F00),
 * and when it is zero the section, and so the block, ends right after it:
 * the literals section and that field are the whole Block_Size.  A zero
 * written in two bytes (0x80 0x00) is valid (the 2-byte form overlaps the
 * 1-byte one; the 3-byte form starts at 0x7F00 and cannot be zero) but libzstd
 * before 1.5.6 refuses it ("Src size is incorrect"),
 * and bytes after a zero count are invalid but older libzstd decodes them
 * as sequence tables.  struct zero_seq says where the first such block is.
 */

/* The literals section's size (header + content) at lit, 0 when it does not fit before end. */
static size_t literals_size(const struct mtd_reader *s, size_t lit, size_t end)
{
	if (lit >= end)
		return 0;
	uint8_t b0 = mtd_rd_u8_at(s, lit);
	unsigned ltype = b0 & 3, fmt = (b0 >> 2) & 3;
	size_t lh, content;
	if (ltype < 2) {
		lh = (fmt & 1) == 0 ? 1 : fmt == 1 ? 2 : 3;
		if (lit + lh > end)
			return 0;
		size_t regen = lh == 1   ? (size_t)(b0 >> 3)
		               : lh == 2 ? (size_t)(b0 >> 4) + ((size_t)mtd_rd_u8_at(s, lit + 1) << 4)
		                         : (size_t)(b0 >> 4) + ((size_t)mtd_rd_u8_at(s, lit + 1) << 4) +
		                               ((size_t)mtd_rd_u8_at(s, lit + 2) << 12);
		content = ltype == 0 ? regen : 1;
	} else {
		lh = fmt < 2 ? 3 : fmt == 2 ? 4 : 5;
		if (lit + lh > end)
			return 0;
		uint32_t h4 = lh == 3 ? le24_at(s, lit) : mtd_rd_le32_at(s, lit);
		content = lh == 3   ? (h4 >> 14) & 0x3ff
		          : lh == 4 ? h4 >> 18
		                    : (h4 >> 22) | (size_t)mtd_rd_u8_at(s, lit + 4) << 10;
	}
	return lit + lh + content <= end ? lh + content : 0;
}

/* The length of a zero Number_of_Sequences at q (1, or 2 for 0x80 0x00), 0 when the count there is not
 * zero or does not fit before end: the one test both block walkers below make. */
static size_t zero_count_len(const struct mtd_reader *s, size_t q, size_t end)
{
	if (q >= end)
		return 0;
	uint8_t b0 = mtd_rd_u8_at(s, q);
	if (b0 == 0)
		return 1;
	return b0 == 0x80 && q + 2 <= end && mtd_rd_u8_at(s, q + 1) == 0 ? 2 : 0;
}

static void zero_seq_blocks(const struct mtd_reader *s, uint64_t frame_size, struct zero_seq *z)
{
	size_t pos;
	memset(z, 0, sizeof(*z));
	if (!blocks_start(s, &pos))
		return;
	while (pos + 3 <= frame_size) {
		uint32_t b = le24_at(s, pos);
		uint32_t type = (b >> 1) & 3, size = b >> 3;
		size_t body = pos + 3, end = body + (type == 1 ? 1 : (size_t)size);
		if (end > frame_size)
			return;
		size_t lits = type == 2 ? literals_size(s, body, end) : 0;
		size_t q = body + lits, nlen = lits ? zero_count_len(s, q, end) : 0;
		if (nlen) {
			if (q + nlen < end && !z->extraneous_at) {
				z->extraneous_at = pos;
				z->extraneous = end - q - nlen;
			}
			z->long_zero += nlen > 1;
		}
		if (b & 1)
			return;
		pos = end;
	}
}

/*
 * A copy of the frame (frame_size bytes) in which every block with a zero
 * sequence count ends right after it, written in one byte (a two-byte zero
 * shortened, bytes after it dropped), its block header shortened to match:
 * the content the frame gives is what the RFC says it is, and libzstd of
 * every version decodes it the same.  NULL when out of memory.
 */
static uint8_t *canonical_zero_seq(const struct mtd_reader *s, uint64_t frame_size, size_t *n_out)
{
	size_t pos, w;
	if (!blocks_start(s, &pos) || frame_size > SIZE_MAX || frame_size > mtd_rd_left(s))
		return NULL;
	uint8_t *f = malloc(frame_size ? (size_t)frame_size : 1);
	if (!f || !mtd_rd_copy_at(s, 0, f, (size_t)frame_size)) {
		free(f);
		return NULL;
	}
	w = pos;
	while (pos + 3 <= frame_size) {
		uint32_t b = le24_at(s, pos);
		uint32_t type = (b >> 1) & 3, size = b >> 3;
		size_t body = pos + 3, end = body + (type == 1 ? 1 : (size_t)size), keep = end - body;
		if (end > frame_size)
			break;
		size_t lits = type == 2 ? literals_size(s, body, end) : 0;
		size_t q = body + lits;
		bool zero = lits && zero_count_len(s, q, end);
		memmove(f + w + 3, f + body, keep); /* w <= pos: the copy only moves down */
		if (zero) {
			keep = lits + 1;
			f[w + 3 + lits] = 0;
			b = (b & 7u) | (uint32_t)keep << 3;
		}
		f[w] = (uint8_t)b, f[w + 1] = (uint8_t)(b >> 8), f[w + 2] = (uint8_t)(b >> 16);
		w += 3 + keep;
		pos = end;
		if (b & 1)
			break;
	}
	/* the content checksum, when the frame has one */
	memmove(f + w, f + pos, (size_t)(frame_size - pos));
	*n_out = w + (size_t)(frame_size - pos);
	return f;
}

static enum frame_end decode_frame_in(struct mtd_stream_out *o, ZSTD_DCtx *dc, ZSTD_inBuffer *inb, uint64_t before,
                                      size_t cs, uint64_t bad, bool impossible, struct frame *f);

static enum frame_end decode_frame(struct mtd_stream_out *o, ZSTD_DCtx *dc, const struct mtd_reader *s, uint64_t before,
                                   struct frame *f)
{
	uint64_t avail = mtd_rd_left(s);
	const uint8_t *all = NULL;
	if (!mtd_rd_bytes_at(s, 0, (size_t)avail, &all))
		return F_TRUNC;
	size_t cs = ZSTD_findFrameCompressedSize(all, (size_t)avail);
	f->size_known = !ZSTD_isError(cs);
	f->err = 0;
	f->why = "";
	uint64_t in_size = f->size_known ? cs : avail;
	f->size = f->size_known ? cs : 0;
	/* measured neither by the block headers nor as cut short: decoding says where it goes wrong */
	uint64_t bad = f->size_known ? 0 : impossible_block(s);
	bool impossible = !f->size_known && (ZSTD_getErrorCode(cs) != ZSTD_error_srcSize_wrong || bad);
	if (f->fh.dictID) {
		f->why = "needs a dictionary";
		return F_UNSUP;
	}
	ZSTD_DCtx_reset(dc, ZSTD_reset_session_only);
	ZSTD_inBuffer in = {NULL, (size_t)in_size, 0};
	in.src = all;
	uint8_t *canon = NULL;
	memset(&f->zs, 0, sizeof(f->zs));
	if (f->size_known) {
		zero_seq_blocks(s, cs, &f->zs);
		size_t cn;
		if ((f->zs.long_zero || f->zs.extraneous_at) && (canon = canonical_zero_seq(s, cs, &cn)) != NULL)
			in.src = canon, in.size = cn;
	}
	enum frame_end rc = decode_frame_in(o, dc, &in, before, cs, bad, impossible, f);
	free(canon);
	return rc;
}

static enum frame_end decode_frame_in(struct mtd_stream_out *o, ZSTD_DCtx *dc, ZSTD_inBuffer *inb, uint64_t before,
                                      size_t cs, uint64_t bad, bool impossible, struct frame *f)
{
	uint8_t *chunk = mtd_stream_out_scratch(o, STREAM_CHUNK);
	if (!chunk)
		return F_NOMEM;
	ZSTD_inBuffer in = *inb;
	for (;;) {
		ZSTD_outBuffer out = {chunk, STREAM_CHUNK, 0};
		size_t ret = ZSTD_decompressStream(dc, &out, &in);
		bool go = out.pos == 0 || mtd_stream_out_put(o, before + (f->size_known ? cs : in.pos), chunk, out.pos);
		if (!f->size_known)
			f->size = in.pos;
		if (ZSTD_isError(ret)) {
			ZSTD_ErrorCode c = ZSTD_getErrorCode(ret);
			f->err = ret;
			f->why = ZSTD_getErrorName(ret);
			if (c == ZSTD_error_frameParameter_windowTooLarge || c == ZSTD_error_dictionary_wrong ||
			    c == ZSTD_error_memory_allocation)
				return F_UNSUP;
			return F_DATA;
		}
		if (ret == 0) {
			o->stopped = false;
			return F_OK;
		}
		if (!go)
			return F_STOP;
		if (in.pos == in.size && out.pos < out.size) {
			if (!impossible)
				return F_TRUNC;
			f->size = bad ? bad : 4;
			f->err = cs;
			f->why = ZSTD_getErrorCode(cs) == ZSTD_error_srcSize_wrong ? "impossible block header"
			                                                           : ZSTD_getErrorName(cs);
			return F_DATA;
		}
	}
}

/* The blocks of a frame whose extent is known (its block headers chain to a last block), at most 2 counted. */
static unsigned block_count(const struct mtd_reader *s)
{
	uint64_t avail = mtd_rd_left(s);
	size_t pos;
	unsigned n = 0;
	if (!blocks_start(s, &pos))
		return 0;
	while (n < 2 && pos + 3 <= avail) {
		uint32_t b = le24_at(s, pos);
		uint32_t type = (b >> 1) & 3, size = b >> 3;
		n++;
		if (b & 1)
			break;
		pos += 3 + (type == 1 ? 1 : (size_t)size);
	}
	return n;
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

static bool frame_at(const struct mtd_reader *all, uint64_t pos, ZSTD_frameHeader *fh)
{
	uint64_t avail = mtd_rd_left(all);
	const uint8_t *s = NULL;
	return avail - pos >= 4 && mtd_rd_le32_at(all, (size_t)pos) == 0xfd2fb528u &&
	       mtd_rd_bytes_at(all, (size_t)pos, (size_t)(avail - pos), &s) &&
	       ZSTD_getFrameHeader(fh, s, (size_t)(avail - pos)) == 0 && fh->frameType == ZSTD_frame;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint64_t avail = mtd_stream_avail(p);
	struct frame f;
	mtd_probe_reader(p, &r);
	/* a file may open with skippable frames (pzstd writes one before each frame): they are part of it */
	uint64_t pos = 0, skips = skip_skippable(&r, &pos);
	if (!frame_at(&r, pos, &f.fh))
		return MTD_ERR_NO_MATCH;

	ZSTD_DCtx *dc = ZSTD_createDCtx();
	if (!dc)
		return MTD_ERR_NOMEM;
	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	uint64_t frames = 0, declared = 0;
	bool all_declared = true, complete = false;
	p->valid = true;
	mtd_probe_str(p, "checksum", true, "%s", f.fh.checksumFlag ? "XXH64" : "none");
	mtd_probe_u64(p, "window_size", false, f.fh.windowSize);
	if (f.fh.dictID)
		mtd_probe_u64(p, "dict_id", false, f.fh.dictID);
	for (;;) {
		frames++;
		if (f.fh.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN)
			all_declared = false;
		else
			declared += f.fh.frameContentSize;
		struct mtd_stream_mark mk;
		mtd_stream_out_mark(&o, &mk);
		struct mtd_reader fr;
		mtd_rd_window(&r, (size_t)pos, (size_t)(avail - pos), &fr);
		enum frame_end rc = decode_frame(&o, dc, &fr, pos, &f);
		if (rc == F_DATA && ZSTD_getErrorCode(f.err) == ZSTD_error_checksum_wrong) {
			/* decode again without the check, so the content is still there to look inside */
			mtd_stream_out_rewind(&o, &mk);
			ZSTD_DCtx_reset(dc, ZSTD_reset_session_only);
			ZSTD_DCtx_setParameter(dc, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
			struct frame g = f;
			decode_frame(&o, dc, &fr, pos, &g);
			ZSTD_DCtx_reset(dc, ZSTD_reset_session_only);
			ZSTD_DCtx_setParameter(dc, ZSTD_d_forceIgnoreChecksum, ZSTD_d_validateChecksum);
		}
		uint64_t at = p->off + pos;
		if (rc == F_NOMEM) {
			ZSTD_freeDCtx(dc);
			mtd_stream_out_release(&o);
			return MTD_ERR_NOMEM;
		}
		if (!f.size_known) {
			/* the block headers run past the end of the space, or one of them is corrupt */
			p->valid = false;
			if (((rc == F_DATA || rc == F_UNSUP) && frames == 1 && o.total == 0) ||
			    (rc == F_TRUNC && frames == 1 && first_block_cut(&fr) &&
			     !cut_first_block_shows_frame(&fr, &f.fh, p->off == 0))) {
				/* nothing measurable, nothing decodable, or only a first block cut by the end: the
				 * magic alone */
				ZSTD_freeDCtx(dc);
				mtd_stream_out_release(&o);
				return MTD_ERR_NO_MATCH;
			}
			if (rc == F_DATA || rc == F_UNSUP) {
				mtd_probe_problem(p, "frame at 0x%llx: %s: extent unknown", (unsigned long long)at,
				                  f.why);
				pos += f.size > f.fh.headerSize ? f.size : f.fh.headerSize;
			} else {
				mtd_probe_problem(p, "truncated: frame at 0x%llx ends at the end of its space (0x%llx)",
				                  (unsigned long long)at, (unsigned long long)p->len);
				o.stopped = false;
				pos = avail;
			}
			break;
		}
		/* the frame's extent is exact from here on */
		if (((rc == F_DATA || rc == F_UNSUP) && frames == 1 && o.total < 16 && f.size < 256 &&
		     ZSTD_getErrorCode(f.err) != ZSTD_error_checksum_wrong) ||
		    (f.fh.dictID && frames == 1 && block_count(&fr) < 2)) {
			/*
			 * ...or a first frame that needs a dictionary (so nothing decodes) whose only evidence is one
			 * block header that fits: random bytes after the magic give that about once in 1000
			 */
			/* a magic number in random bytes whose few block headers happen to parse: nothing decodes */
			ZSTD_freeDCtx(dc);
			mtd_stream_out_release(&o);
			return MTD_ERR_NO_MATCH;
		}
		pos += f.size;
		if (f.zs.extraneous_at) {
			/* decoded without those bytes (canonical_zero_seq): the content is still there to look inside
			 */
			p->valid = false;
			mtd_probe_problem(
			    p,
			    "frame at 0x%llx: the block at 0x%llx has no sequences, yet %llu bytes follow its "
			    "sequence count (RFC 8878: the block ends there)",
			    (unsigned long long)at, (unsigned long long)(at + f.zs.extraneous_at),
			    (unsigned long long)f.zs.extraneous);
		}
		if (rc == F_DATA || rc == F_UNSUP) {
			p->valid = false;
			if (rc == F_DATA && ZSTD_getErrorCode(f.err) == ZSTD_error_checksum_wrong)
				mtd_probe_problem(
				    p, "frame at 0x%llx: content checksum (XXH64) does not match the decoded data",
				    (unsigned long long)at);
			else
				mtd_probe_problem(p, "frame at 0x%llx: %s%s", (unsigned long long)at, f.why,
				                  rc == F_UNSUP ? ": not decoded" : "");
			break;
		}
		if (rc == F_STOP) {
			/* the extent is known: only the content went unchecked */
			char why[160], a[96];
			mtd_stream_out_limit_text(&o, why, sizeof(why));
			o.stopped = false;
			p->valid = false;
			mtd_probe_problem(p, "frame at 0x%llx: decoding stopped after %s, content %snot checked: %s",
			                  (unsigned long long)at, mtd_stream_out_done_text(&o, a, sizeof(a)),
			                  f.fh.checksumFlag ? "checksum " : "", why);
			/* the frames that follow are measured without decoding */
			for (;;) {
				skips += skip_skippable(&r, &pos);
				if (!frame_at(&r, pos, &f.fh))
					break;
				const uint8_t *rest = NULL;
				mtd_rd_bytes_at(&r, (size_t)pos, (size_t)(avail - pos), &rest); /* frame_at read it */
				size_t cs = ZSTD_findFrameCompressedSize(rest, (size_t)(avail - pos));
				if (ZSTD_isError(cs))
					break;
				frames++;
				pos += cs;
			}
			all_declared = false;
			break;
		}
		/* skippable frames, then maybe another frame */
		skips += skip_skippable(&r, &pos);
		if (frame_at(&r, pos, &f.fh))
			continue;
		complete = true;
		break;
	}
	ZSTD_freeDCtx(dc);
	if (complete)
		pos += mtd_stream_size_append(p, pos, o.total);
	mtd_probe_u64(p, "frames", frames > 1, frames);
	if (skips)
		mtd_probe_u64(p, "skippable_frames", false, skips);
	if (all_declared)
		mtd_probe_u64(p, "content_size", false, declared);
	if (complete && all_declared && declared != o.total) {
		mtd_probe_problem(p, "decoded %llu bytes but the frame headers declare %llu",
		                  (unsigned long long)o.total, (unsigned long long)declared);
		p->valid = false;
	}
	mtd_stream_out_finish(&o, complete);
	p->size = pos;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_zstd = {
    .name = "zstd",
    /* skippable frames: 0x184D2A50..5F, little-endian, so the three bytes after the first */
    .magics = {{"\x28\xb5\x2f\xfd", 4, 0}, {"\x2a\x4d\x18", 3, 1}},
    .probe = probe,
    /*
     * a complete stream was read to its end and at most a frame header (18 bytes) further: the skippable
     * frame, frame header and size_append tests after its last frame
     */
    .memo = true,
    .memo_lookahead = 18,
};
