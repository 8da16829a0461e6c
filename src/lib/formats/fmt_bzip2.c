/* SPDX-License-Identifier: MIT */
#include <bzlib.h>
#include <string.h>

#include "stream_common.h"

/*
 * bzip2 (Julian Seward's format, read with libbz2): "BZh" and the block size
 * digit '1'..'9' (100 kB units), then bit-packed blocks, each opened by the
 * 48-bit magic 0x314159265359 and carrying a CRC of its data, and an end of
 * stream mark 0x177245385090 with the combined CRC, padded to a byte.  The
 * magics are anchored on the first block's mark right after the 4-byte
 * header (or the end mark for an empty stream), so every block size digit is
 * one pattern.  libbz2 checks every CRC; its consumed count is the exact
 * extent.  Streams that follow each other directly (pbzip2, cat a.bz2 b.bz2)
 * are one component, as bzip2 -d decodes them as one file.
 */

#define BZ_HDR 4u
/* Output a candidate must produce before a data error makes it a damaged stream rather than a false match. */
#define BZ_MIN_EVIDENCE 1024u

enum bz_end { B_OK, B_TRUNC, B_DATA, B_STOP, B_NOMEM };

/* "BZh1".."BZh9" followed by a block or end-of-stream mark at pos of r; the block size digit. */
static int stream_header(const struct mtd_reader *r, uint64_t pos)
{
	if (mtd_rd_left(r) - pos < BZ_HDR + 6 || !mtd_rd_eq_at(r, (size_t)pos, "BZh", 3))
		return 0;
	uint8_t lvl = mtd_rd_u8_at(r, (size_t)pos + 3);
	if (lvl < '1' || lvl > '9')
		return 0;
	if (!mtd_rd_eq_at(r, (size_t)pos + 4, "\x31\x41\x59\x26\x53\x59", 6) &&
	    !mtd_rd_eq_at(r, (size_t)pos + 4, "\x17\x72\x45\x38\x50\x90", 6))
		return 0;
	return lvl - '0';
}

/* Decode the stream at pos of r; *used: its compressed bytes (on B_OK exactly the stream). */
static enum bz_end decode_stream(struct mtd_stream_out *o, const struct mtd_reader *r, uint64_t pos, uint64_t *used,
                                 uint64_t *out)
{
	uint64_t avail = mtd_rd_left(r) - pos, fed = 0;
	uint8_t *chunk = mtd_stream_out_scratch(o, STREAM_CHUNK);
	bz_stream z;
	memset(&z, 0, sizeof(z));
	*used = 0;
	*out = 0;
	if (!chunk || BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK)
		return B_NOMEM;
	enum bz_end rc = B_DATA;
	for (;;) {
		if (z.avail_in == 0 && fed < avail) {
			uint64_t piece = avail - fed < (1u << 30) ? avail - fed : (1u << 30);
			const uint8_t *in = NULL;
			if (!mtd_rd_bytes_at(r, (size_t)(pos + fed), (size_t)piece, &in))
				break;
			z.next_in = (char *)(uintptr_t)in;
			z.avail_in = (unsigned)piece;
			fed += piece;
		}
		z.next_out = (char *)chunk;
		z.avail_out = STREAM_CHUNK;
		int ret = BZ2_bzDecompress(&z);
		size_t n = STREAM_CHUNK - z.avail_out;
		*used = fed - z.avail_in;
		*out += n;
		bool go = n == 0 || mtd_stream_out_put(o, pos + *used, chunk, n);
		if (ret == BZ_STREAM_END) {
			o->stopped = false;
			rc = B_OK;
			break;
		}
		if (!go) {
			rc = B_STOP;
			break;
		}
		if (ret == BZ_OK && (n || z.avail_in || fed < avail))
			continue;
		if (ret == BZ_OK)
			rc = B_TRUNC; /* all input taken, no end mark */
		else if (ret == BZ_MEM_ERROR)
			rc = B_NOMEM;
		else
			rc = B_DATA;
		break;
	}
	BZ2_bzDecompressEnd(&z);
	return rc;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint64_t avail = mtd_stream_avail(p);
	mtd_probe_reader(p, &r);
	int level = stream_header(&r, 0);
	if (!level)
		return MTD_ERR_NO_MATCH;

	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	uint64_t pos = 0, streams = 0;
	bool complete = false;
	p->valid = true;
	mtd_probe_str(p, "block_size", true, "%d00k", level);
	for (;;) {
		struct mtd_stream_mark mk;
		mtd_stream_out_mark(&o, &mk);
		uint64_t used, out;
		enum bz_end rc = decode_stream(&o, &r, pos, &used, &out);
		uint64_t at = p->off + pos;
		if (rc == B_NOMEM) {
			mtd_stream_out_release(&o);
			return MTD_ERR_NOMEM;
		}
		if (streams == 0 && (rc == B_DATA || rc == B_TRUNC) && out < BZ_MIN_EVIDENCE && used < 64) {
			/* a header pattern over bytes that are not bzip2 data */
			mtd_stream_out_release(&o);
			return MTD_ERR_NO_MATCH;
		}
		if (streams > 0 && rc != B_OK && rc != B_STOP) {
			/* what follows only looked like another stream: the component ends before it */
			mtd_stream_out_rewind(&o, &mk);
			complete = true;
			break;
		}
		streams++;
		if (rc == B_OK) {
			pos += used;
			if (stream_header(&r, pos))
				continue;
			complete = true;
			break;
		}
		p->valid = false;
		if (rc == B_TRUNC) {
			mtd_probe_problem(p, "truncated: stream at 0x%llx ends at the end of its space (0x%llx)",
			                  (unsigned long long)at, (unsigned long long)p->len);
			pos = avail;
		} else if (rc == B_DATA) {
			mtd_probe_problem(p,
			                  "stream at 0x%llx: data corrupt or a block CRC does not match, near 0x%llx: "
			                  "extent unknown",
			                  (unsigned long long)at, (unsigned long long)(at + used));
			pos += used;
		} else {
			pos += used; /* B_STOP: mtd_stream_out_finish says why */
		}
		break;
	}
	if (streams > 1)
		mtd_probe_u64(p, "streams", true, streams);
	mtd_stream_out_finish(&o, complete);
	p->size = pos;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_bzip2 = {
    .name = "bzip2",
    /* the first block's mark (or the end mark of an empty stream) after "BZh" and the size digit */
    .magics = {{"\x31\x41\x59\x26\x53\x59", 6, 4}, {"\x17\x72\x45\x38\x50\x90", 6, 4}},
    .probe = probe,
};
