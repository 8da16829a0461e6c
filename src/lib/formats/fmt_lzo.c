/* SPDX-License-Identifier: MIT */
#include <lzo/lzo1x.h>
#include <string.h>
#include <time.h>

#include "stream_common.h"

/*
 * The lzop file format (lzop 1.0x, also what the Linux kernel's unlzo reads):
 * a 9-byte magic, a big-endian header (version, library version, version
 * needed [>= 0x0940], method, level [>= 0x0940], flags, filter [F_H_FILTER],
 * mode, mtime low, mtime high [>= 0x0940], name) closed by an Adler-32 (or
 * CRC-32 with F_H_CRC32) of the header bytes after the magic, an optional
 * extra field, then blocks: decoded length (0 ends the file), compressed
 * length, checksums of the decoded data (Adler-32 and/or CRC-32 by flag) and
 * of the compressed data (only when it is smaller), the data (stored when
 * both lengths are equal).  Blocks are decoded with lzo1x_decompress_safe.
 */

#define LZOP_MAX_BLOCK (64u << 20) /* lzop's MAX_BLOCK_SIZE */

#define F_ADLER32_D     0x1u
#define F_ADLER32_C     0x2u
#define F_H_EXTRA_FIELD 0x40u
#define F_CRC32_D       0x100u
#define F_CRC32_C       0x200u
#define F_H_FILTER      0x800u
#define F_H_CRC32       0x1000u

static const uint8_t lzop_magic[9] = {0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a};

static const char *method_name(uint8_t m)
{
	switch (m) {
	case 1: return "LZO1X-1";
	case 2: return "LZO1X-1(15)";
	case 3: return "LZO1X-999";
	default: return NULL;
	}
}

/* The header checksum (CRC-32 or Adler-32) of [at, at+n) of r; a sure mismatch of `want` when outside. */
static uint32_t hdr_sum(bool crc, const struct mtd_reader *r, size_t at, size_t n, uint32_t want)
{
	const uint8_t *b = NULL;
	if (!mtd_rd_bytes_at(r, at, n, &b))
		return ~want;
	return crc ? lzo_crc32(0, b, (lzo_uint)n) : lzo_adler32(1, b, (lzo_uint)n);
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint8_t name[255];
	uint64_t avail = mtd_stream_avail(p);
	uint16_t version, libver, needed = 0;
	uint8_t method, level = 0, nlen;
	uint32_t flags, filter = 0, mode, mtime_lo, mtime_hi = 0, hsum;
	mtd_probe_reader(p, &r);
	if (!mtd_rd_eq_at(&r, 0, lzop_magic, sizeof(lzop_magic)) || !mtd_rd_skip(&r, sizeof(lzop_magic)))
		return MTD_ERR_NO_MATCH;
	size_t hstart = r.pos;
	if (!mtd_rd_u16be(&r, &version) || !mtd_rd_u16be(&r, &libver))
		return MTD_ERR_NO_MATCH;
	if (version < 0x0900 || (version >= 0x0940 && !mtd_rd_u16be(&r, &needed)) || !mtd_rd_u8(&r, &method) ||
	    (version >= 0x0940 && !mtd_rd_u8(&r, &level)) || !mtd_rd_u32be(&r, &flags) ||
	    ((flags & F_H_FILTER) && !mtd_rd_u32be(&r, &filter)) || !mtd_rd_u32be(&r, &mode) ||
	    !mtd_rd_u32be(&r, &mtime_lo) || (version >= 0x0940 && !mtd_rd_u32be(&r, &mtime_hi)) ||
	    !mtd_rd_u8(&r, &nlen) || !mtd_rd_copy(&r, name, nlen))
		return MTD_ERR_NO_MATCH;
	size_t hend = r.pos;
	if (!mtd_rd_u32be(&r, &hsum) || !method_name(method))
		return MTD_ERR_NO_MATCH;
	if (lzo_init() != LZO_E_OK)
		return MTD_ERR_UNSUPPORTED;
	bool hcrc = flags & F_H_CRC32;
	uint32_t calc = hdr_sum(hcrc, &r, hstart, hend - hstart, hsum);
	p->valid = true;
	if (calc != hsum) {
		mtd_probe_problem(p, "header %s 0x%08x does not match the stored 0x%08x", hcrc ? "CRC-32" : "Adler-32",
		                  calc, hsum);
		p->valid = false;
	}
	mtd_probe_str(p, "method", true, "%s", method_name(method));
	if (level)
		mtd_probe_u64(p, "level", false, level);
	if (nlen) {
		char nm[256];
		size_t k = 0;
		for (size_t i = 0; i < nlen; i++)
			nm[k++] = (name[i] >= 0x20 && name[i] < 0x7f) ? (char)name[i] : '?';
		nm[k] = 0;
		mtd_probe_str(p, "name", true, "%s", nm);
	}
	if (mtime_lo || mtime_hi) {
		time_t t = (time_t)((uint64_t)mtime_hi << 32 | mtime_lo);
		struct tm tm;
		char buf[32];
		if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
			mtd_probe_str(p, "modified", false, "%s", buf);
	}
	mtd_probe_hex(p, "version", false, version);
	if (flags & F_H_EXTRA_FIELD) {
		uint32_t xlen, xsum;
		size_t x = 0;
		if (!mtd_rd_u32be(&r, &xlen) || (x = r.pos, !mtd_rd_skip(&r, xlen)) || !mtd_rd_u32be(&r, &xsum)) {
			mtd_probe_problem(p, "truncated: extra field runs past the end of its space (0x%llx)",
			                  (unsigned long long)p->len);
			p->valid = false;
			p->size = avail;
			return MTD_OK;
		}
		if (hdr_sum(hcrc, &r, x, xlen, xsum) != xsum) {
			mtd_probe_problem(p, "extra field checksum does not match");
			p->valid = false;
		}
	}
	if (flags & F_H_FILTER) {
		mtd_probe_problem(p, "filter %u is not supported: blocks not decoded", filter);
		p->valid = false;
	}

	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	uint64_t blocks = 0;
	bool complete = false, stop = false, decode = !(flags & F_H_FILTER);
	while (!stop) {
		size_t at = r.pos;
		uint32_t dlen, clen, d_adler = 0, d_crc = 0, c_adler = 0, c_crc = 0;
		const uint8_t *data;
		uint64_t abs = p->off + at;
		if (!mtd_rd_u32be(&r, &dlen)) {
			mtd_probe_problem(p, "truncated: end of blocks missing at 0x%llx", (unsigned long long)abs);
			break;
		}
		if (dlen == 0) {
			complete = true;
			break;
		}
		if (!mtd_rd_u32be(&r, &clen) || ((flags & F_ADLER32_D) && !mtd_rd_u32be(&r, &d_adler)) ||
		    ((flags & F_CRC32_D) && !mtd_rd_u32be(&r, &d_crc)) ||
		    (clen < dlen && (flags & F_ADLER32_C) && !mtd_rd_u32be(&r, &c_adler)) ||
		    (clen < dlen && (flags & F_CRC32_C) && !mtd_rd_u32be(&r, &c_crc))) {
			mtd_probe_problem(p, "truncated: block header at 0x%llx runs past the end of its space",
			                  (unsigned long long)abs);
			break;
		}
		if (dlen > LZOP_MAX_BLOCK || clen == 0 || clen > dlen) {
			mtd_probe_problem(p,
			                  "block at 0x%llx: lengths %u/%u are impossible (decoded at most %u, "
			                  "compressed not more than decoded): extent unknown",
			                  (unsigned long long)abs, dlen, clen, LZOP_MAX_BLOCK);
			p->valid = false;
			mtd_rd_seek(&r, at);
			stop = true;
			break;
		}
		if (!mtd_rd_bytes(&r, clen, &data)) {
			mtd_probe_problem(p, "truncated: block at 0x%llx needs 0x%x bytes, only 0x%zx remain",
			                  (unsigned long long)abs, clen, mtd_rd_left(&r));
			break;
		}
		blocks++;
		if ((flags & F_ADLER32_C) && clen < dlen && lzo_adler32(1, data, clen) != c_adler) {
			mtd_probe_problem(p, "block at 0x%llx: Adler-32 of the compressed data does not match",
			                  (unsigned long long)abs);
			p->valid = false;
		}
		if ((flags & F_CRC32_C) && clen < dlen && lzo_crc32(0, data, clen) != c_crc) {
			mtd_probe_problem(p, "block at 0x%llx: CRC-32 of the compressed data does not match",
			                  (unsigned long long)abs);
			p->valid = false;
		}
		if (!decode)
			continue;
		lzo_uint olen = dlen;
		uint8_t *out = mtd_stream_out_scratch(&o, dlen);
		if (!out) {
			mtd_stream_out_release(&o);
			return MTD_ERR_NOMEM;
		}
		if (clen == dlen) { /* stored */
			memcpy(out, data, dlen);
		} else {
			int e = lzo1x_decompress_safe(data, clen, out, &olen, NULL);
			if (e != LZO_E_OK || olen != dlen) {
				mtd_probe_problem(
				    p, "block at 0x%llx: LZO data corrupt (error %d, %lu of %u bytes decoded)",
				    (unsigned long long)abs, e, (unsigned long)olen, dlen);
				p->valid = false;
				decode = false; /* the content is broken from here: walk the rest */
				continue;
			}
		}
		if ((flags & F_ADLER32_D) && lzo_adler32(1, out, olen) != d_adler) {
			mtd_probe_problem(p, "block at 0x%llx: Adler-32 of the decoded data does not match",
			                  (unsigned long long)abs);
			p->valid = false;
		}
		if ((flags & F_CRC32_D) && lzo_crc32(0, out, olen) != d_crc) {
			mtd_probe_problem(p, "block at 0x%llx: CRC-32 of the decoded data does not match",
			                  (unsigned long long)abs);
			p->valid = false;
		}
		if (!mtd_stream_out_put(&o, r.pos, out, olen)) {
			/* the extent is still walked: only the checks stop */
			char lim[160], a[96];
			mtd_stream_out_limit_text(&o, lim, sizeof(lim));
			o.stopped = false;
			p->valid = false;
			mtd_probe_problem(p, "decoding stopped after %s, later blocks not checked: %s",
			                  mtd_stream_out_done_text(&o, a, sizeof(a)), lim);
			decode = false; /* walk the rest without decoding */
		}
	}
	if (!complete && !stop) {
		p->valid = false;
		mtd_rd_seek(&r, r.len);
	}
	uint64_t size = r.pos;
	mtd_probe_u64(p, "blocks", false, blocks);
	if (complete && decode)
		size += mtd_stream_size_append(p, size, o.total);
	mtd_stream_out_finish(&o, complete && decode);
	p->size = size;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_lzo = {
    .name = "lzo",
    .magics = {{"\x89LZO\x00\x0d\x0a\x1a\x0a", 9, 0}},
    .probe = probe,
};
