/* SPDX-License-Identifier: MIT */
#include <lzma.h>
#include <string.h>

#include "stream_common.h"

/*
 * LZMA-alone (.lzma, "lzma_alone" from the LZMA SDK, xz --format=lzma): a
 * 13-byte header (properties byte lc/lp/pb, 32-bit dictionary size, 64-bit
 * uncompressed size or -1 when the stream ends with an end marker), then the
 * range-coded data, whose first byte is always 0.  This is what uImage
 * kernels and OpenWrt loaders carry.  There is no real magic, so candidates
 * are the properties seen in practice (0x5d: lc3 lp0 pb2, the default;
 * 0x6d: lc1 lp2 pb2, OpenWrt's kernels; 0x6c, 0x6e) followed by a dictionary
 * size whose low 16 bits are zero, and are rejected before any decoding
 * unless the dictionary size is 2^n or 2^n + 2^(n-1) (the only sizes
 * liblzma accepts), the uncompressed size is -1 or at most 256 GiB, and the
 * first data byte is 0.  Decoded with liblzma's lzma_alone_decoder; the
 * extent is the exact number of bytes it consumed.
 */

#define LZMA_HDR      13u
#define LZMA_MEMLIMIT (256ull << 20)
/* Output a candidate must produce before a decode error makes it a damaged stream rather than a false match. */
#define LZMA_MIN_EVIDENCE (16u << 10)

static bool dict_ok(uint32_t d)
{
	if (d < 4096 || d > (1u << 30))
		return false;
	uint32_t low = d & -d; /* lowest set bit */
	return d == low || d == 3 * low;
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
	if (props >= 9 * 5 * 5 || !dict_ok(dict) || mtd_rd_u8_at(&r, LZMA_HDR) != 0)
		return MTD_ERR_NO_MATCH;
	if (usize != UINT64_MAX && (usize == 0 || usize > (1ull << 38)))
		return MTD_ERR_NO_MATCH;

	lzma_stream z = LZMA_STREAM_INIT;
	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	uint8_t *chunk = mtd_stream_out_scratch(&o, STREAM_CHUNK);
	if (!chunk || lzma_alone_decoder(&z, LZMA_MEMLIMIT) != LZMA_OK) {
		mtd_stream_out_release(&o);
		lzma_end(&z);
		return MTD_ERR_NOMEM;
	}
	z.next_in = all;
	z.avail_in = (size_t)avail;
	lzma_ret ret;
	bool go = true;
	for (;;) {
		z.next_out = chunk;
		z.avail_out = STREAM_CHUNK;
		ret = lzma_code(&z, LZMA_FINISH);
		size_t n = STREAM_CHUNK - z.avail_out;
		go = n == 0 || mtd_stream_out_put(&o, z.total_in, chunk, n);
		if (ret == LZMA_STREAM_END) {
			o.stopped = false;
			break;
		}
		if (!go || ret != LZMA_OK)
			break;
	}
	uint64_t used = z.total_in;
	lzma_end(&z);

	if (ret == LZMA_MEM_ERROR) {
		mtd_stream_out_release(&o);
		return MTD_ERR_NOMEM;
	}
	/*
	 * No magic to lean on: a candidate is a stream only if it decodes to its
	 * end, or is cut by the end of its space, or fails only after enough
	 * plausible output.  A header over zero bytes decodes "successfully" into
	 * zeros, so the data must not be all zero either.
	 */
	bool nonzero = used > LZMA_HDR + 1 && !mtd_rd_uniform_at(&r, LZMA_HDR + 1, (size_t)(used - LZMA_HDR - 1), 0);
	bool end = ret == LZMA_STREAM_END;
	bool evidence = o.total >= LZMA_MIN_EVIDENCE;
	if (ret == LZMA_FORMAT_ERROR || ret == LZMA_OPTIONS_ERROR || !nonzero ||
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
	if (end) {
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
    .magics = {{"\x5d\x00\x00", 3, 0}, {"\x6d\x00\x00", 3, 0}, {"\x6c\x00\x00", 3, 0}, {"\x6e\x00\x00", 3, 0}},
    .probe = probe,
};
