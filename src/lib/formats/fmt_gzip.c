/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "stream_common.h"

/*
 * gzip (RFC 1952): a header (1f 8b, method 8 = deflate, flags, mtime, extra
 * flags, OS, then optional extra field, file name, comment and header CRC16),
 * raw deflate data, and an 8-byte trailer: CRC32 and ISIZE (size mod 2^32)
 * of the decoded data.  The header and trailer are parsed here so a damaged
 * CRC still gives the exact extent; the deflate data is inflated with zlib.
 * Members that follow each other directly are one component (gzip -d
 * decodes them as one file).
 */

#define GZ_NAME_MAX 1024u
/* Output a member without a name must produce before a deflate error makes it damaged rather than a false match. */
#define GZ_MIN_EVIDENCE 1024u

struct gz_header {
	uint8_t flags, xfl, os;
	uint32_t mtime;
	size_t len;
	char name[256];
	char comment[256];
	bool has_name, hcrc_bad;
};

enum { GZ_HDR_OK, GZ_HDR_NO, GZ_HDR_TRUNC };

/* A NUL-terminated field of at most GZ_NAME_MAX bytes at the cursor of r, made printable into dst. */
static int read_zstring(struct mtd_reader *r, char *dst, size_t cap)
{
	struct mtd_reader rest, w;
	size_t left = mtd_rd_left(r), lim = left < GZ_NAME_MAX ? left : GZ_NAME_MAX, nul;
	mtd_rd_rest(r, &rest);
	mtd_rd_window(&rest, 0, lim, &w);
	if (!mtd_rd_find(&w, 0, "", 1, &nul))
		return lim == left ? GZ_HDR_TRUNC : GZ_HDR_NO;
	/* names and comments are text: control bytes mean random bytes, not a header */
	size_t k = 0;
	for (size_t i = 0; i < nul; i++) {
		uint8_t c = mtd_rd_u8_at(&w, i);
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return GZ_HDR_NO;
		if (k + 1 < cap)
			dst[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[k] = 0;
	mtd_rd_skip(r, nul + 1);
	return GZ_HDR_OK;
}

/* The member header at the start of s. */
static int parse_header(const struct mtd_reader *s, struct gz_header *h)
{
	struct mtd_reader r = *s;
	uint8_t b[10];
	memset(h, 0, sizeof(*h));
	if (!mtd_rd_copy(&r, b, 10))
		return GZ_HDR_TRUNC;
	/* RFC 1952: reserved flag bits clear, XFL 0/2/4, OS 0..13 or 255 unknown */
	if (b[0] != 0x1f || b[1] != 0x8b || b[2] != 8 || (b[3] & 0xe0) || (b[8] != 0 && b[8] != 2 && b[8] != 4) ||
	    (b[9] > 13 && b[9] != 255))
		return GZ_HDR_NO;
	h->flags = b[3];
	h->mtime = mtd_le32(b + 4);
	h->xfl = b[8];
	h->os = b[9];
	if (h->flags & 0x04) {
		uint16_t xlen;
		if (!mtd_rd_u16le(&r, &xlen) || !mtd_rd_skip(&r, xlen))
			return GZ_HDR_TRUNC;
	}
	if (h->flags & 0x08) {
		int rc = read_zstring(&r, h->name, sizeof(h->name));
		if (rc != GZ_HDR_OK)
			return rc;
		h->has_name = h->name[0] != 0;
	}
	if (h->flags & 0x10) {
		int rc = read_zstring(&r, h->comment, sizeof(h->comment));
		if (rc != GZ_HDR_OK)
			return rc;
	}
	if (h->flags & 0x02) {
		size_t at = mtd_rd_left(s) - mtd_rd_left(&r);
		uint16_t crc;
		uint32_t c = 0;
		if (!mtd_rd_u16le(&r, &crc))
			return GZ_HDR_TRUNC;
		mtd_rd_crc32(s, 0, at, 0, &c);
		h->hcrc_bad = (c & 0xffff) != crc;
	}
	h->len = mtd_rd_left(s) - mtd_rd_left(&r);
	return GZ_HDR_OK;
}

static const char *os_name(uint8_t v)
{
	static const char *const t[] = {"fat",       "amiga",    "vms",  "unix",    "vm/cms", "atari", "hpfs",
	                                "macintosh", "z-system", "cp/m", "tops-20", "ntfs",   "qdos",  "acorn"};
	if (v < sizeof(t) / sizeof(t[0]))
		return t[v];
	return v == 255 ? "unknown" : "other";
}

enum member_end { M_OK, M_NOMATCH, M_TRUNC, M_DATA, M_STOP, M_NOMEM };

struct member {
	struct gz_header h;
	uint64_t size; /* bytes of the member consumed (whole member on M_OK) */
	uint32_t crc, isize, want_crc, want_isize;
	uint64_t out;
	bool trailer_missing;
	const char *why;
};

/* Decode one member at the start of s, which runs to the end of the space (component bytes before it: `before`). */
static enum member_end decode_member(struct mtd_stream_out *o, const struct mtd_reader *s, uint64_t before,
                                     struct member *m)
{
	uint64_t avail = mtd_rd_left(s);
	memset(m, 0, sizeof(*m));
	int hr = parse_header(s, &m->h);
	if (hr != GZ_HDR_OK)
		return M_NOMATCH;
	uint8_t *chunk = mtd_stream_out_scratch(o, STREAM_CHUNK);
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (!chunk || inflateInit2(&z, -15) != Z_OK)
		return M_NOMEM;
	uint64_t in_left = avail - m->h.len, fed = 0;
	enum member_end rc = M_DATA;
	uLong crc = crc32(0, NULL, 0);
	for (;;) {
		if (z.avail_in == 0 && fed < in_left) {
			uint64_t piece = in_left - fed < (1u << 30) ? in_left - fed : (1u << 30);
			const uint8_t *in = NULL;
			if (!mtd_rd_bytes_at(s, (size_t)(m->h.len + fed), (size_t)piece, &in)) {
				rc = M_TRUNC; /* cannot happen: fed < in_left */
				break;
			}
			z.next_in = (Bytef *)(uintptr_t)in;
			z.avail_in = (uInt)piece;
			fed += piece;
		}
		z.next_out = chunk;
		z.avail_out = STREAM_CHUNK;
		int ret = inflate(&z, Z_NO_FLUSH);
		size_t n = STREAM_CHUNK - z.avail_out;
		uint64_t consumed = fed - z.avail_in;
		crc = crc32(crc, chunk, (uInt)n);
		m->out += n;
		bool go = n == 0 || mtd_stream_out_put(o, before + m->h.len + consumed, chunk, n);
		m->size = m->h.len + consumed;
		if (ret == Z_STREAM_END) {
			o->stopped = false;
			rc = M_OK;
			break;
		}
		if (!go) {
			rc = M_STOP;
			break;
		}
		if (ret == Z_OK)
			continue;
		if (ret == Z_BUF_ERROR && z.avail_in == 0 && fed == in_left) {
			rc = M_TRUNC;
		} else if (ret == Z_MEM_ERROR) {
			rc = M_NOMEM;
		} else {
			rc = M_DATA;
			m->why = z.msg ? z.msg : "invalid deflate data";
		}
		break;
	}
	inflateEnd(&z);
	/* Not enough to call it gzip: a header that happened to match, then no deflate data. */
	if ((rc == M_DATA || rc == M_TRUNC) && !m->h.has_name && m->out < GZ_MIN_EVIDENCE)
		return M_NOMATCH;
	if (rc != M_OK)
		return rc;
	m->crc = (uint32_t)crc;
	m->isize = (uint32_t)m->out;
	struct mtd_reader r;
	mtd_rd_window(s, (size_t)m->size, (size_t)(avail - m->size), &r);
	if (!mtd_rd_u32le(&r, &m->want_crc) || !mtd_rd_u32le(&r, &m->want_isize)) {
		m->trailer_missing = true;
		return M_TRUNC;
	}
	m->size += 8;
	return M_OK;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint64_t avail = mtd_stream_avail(p);
	mtd_probe_reader(p, &r);

	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	struct member m;
	uint64_t pos = 0, members = 0;
	bool complete = false;
	p->valid = true;
	for (;;) {
		struct mtd_stream_mark mk;
		mtd_stream_out_mark(&o, &mk);
		struct mtd_reader mr;
		mtd_rd_window(&r, (size_t)pos, (size_t)(avail - pos), &mr);
		enum member_end rc = decode_member(&o, &mr, pos, &m);
		if (rc == M_NOMATCH) {
			mtd_stream_out_rewind(&o, &mk);
			if (members == 0) {
				mtd_stream_out_release(&o);
				return MTD_ERR_NO_MATCH;
			}
			complete = true;
			break;
		}
		if (rc == M_NOMEM) {
			mtd_stream_out_release(&o);
			return MTD_ERR_NOMEM;
		}
		if (members == 0) {
			if (m.h.has_name)
				mtd_probe_str(p, "name", true, "%s", m.h.name);
			if (m.h.comment[0])
				mtd_probe_str(p, "comment", false, "%s", m.h.comment);
			if (m.h.mtime) {
				time_t t = (time_t)m.h.mtime;
				struct tm tm;
				char buf[32];
				if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
					mtd_probe_str(p, "modified", false, "%s", buf);
			}
			mtd_probe_str(p, "os", false, "%s", os_name(m.h.os));
		}
		members++;
		uint64_t at = p->off + pos;
		if (m.h.hcrc_bad) {
			mtd_probe_problem(p, "member at 0x%llx: header CRC16 does not match", (unsigned long long)at);
			p->valid = false;
		}
		if (rc == M_OK) {
			mtd_probe_hex(p, "crc32", false, m.want_crc);
			if (m.crc != m.want_crc) {
				mtd_probe_problem(p,
				                  "member at 0x%llx: CRC32 0x%08x of the decoded data does not match "
				                  "the trailer's 0x%08x",
				                  (unsigned long long)at, m.crc, m.want_crc);
				p->valid = false;
			}
			if (m.isize != m.want_isize) {
				mtd_probe_problem(
				    p, "member at 0x%llx: decoded size %llu does not match the trailer's ISIZE %u",
				    (unsigned long long)at, (unsigned long long)m.out, m.want_isize);
				p->valid = false;
			}
			pos += m.size;
			/* another member right after this one? */
			if (avail - pos >= 18 && mtd_rd_eq_at(&r, (size_t)pos, "\x1f\x8b\x08", 3))
				continue;
			complete = true;
			break;
		}
		p->valid = false;
		if (rc == M_TRUNC) {
			mtd_probe_problem(p, "truncated: member at 0x%llx ends at the end of its space (0x%llx)%s",
			                  (unsigned long long)at, (unsigned long long)p->len,
			                  m.trailer_missing ? " (trailer missing)" : "");
			pos = avail;
		} else if (rc == M_DATA) {
			mtd_probe_problem(p, "member at 0x%llx: deflate data corrupt at 0x%llx (%s): extent unknown",
			                  (unsigned long long)at, (unsigned long long)(at + m.size), m.why);
			pos += m.size;
		} else {
			pos += m.size; /* M_STOP: mtd_stream_out_finish says why */
		}
		break;
	}
	if (members > 1)
		mtd_probe_u64(p, "members", true, members);
	mtd_stream_out_finish(&o, complete);
	p->size = pos;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_gzip = {
    .name = "gzip",
    .magics = {{"\x1f\x8b\x08", 3, 0}},
    .probe = probe,
};
