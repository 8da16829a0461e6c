/* SPDX-License-Identifier: MIT */
#include <archive.h>
#include <mtdscope/extract.h>
#include <string.h>

#include "archive_common.h"

/*
 * zip (PKWARE APPNOTE.TXT): local file headers "PK\3\4" (30 bytes, name,
 * extra field, data; bit 3 of the flags puts the CRC and sizes in a data
 * descriptor after the data), then the central directory "PK\1\2" (46 bytes,
 * name, extra, comment each), an optional zip64 end record "PK\6\6" with its
 * locator "PK\6\7", and the end of central directory record "PK\5\6" (22
 * bytes and a comment).  The extent runs from the first local header to the
 * end of that comment.  It is measured from the structure: the local headers
 * are walked while their sizes are known, then the central directory entry by
 * entry up to the end record, whose directory size, offset and entry count
 * must agree with the walk.  When an entry's size is only in its data
 * descriptor, the end record is searched for instead (the first whose
 * directory offset + size lands on it).  Entries are listed and unpacked with
 * libarchive's seekable zip reader (the central directory), which checks each
 * entry's CRC as it inflates it.
 *
 * With no end record (a zip cut short, or one whose writer never finished),
 * the archive is what its local headers and any central directory entries
 * after them lay out: local headers walked by their sizes (an entry with a
 * data descriptor ends at the next "PK\7\8", "PK\3\4" or "PK\1\2"), then
 * central directory entries while they are whole.  Such a candidate must hold
 * at least two of these structures, each local header with a known method, a
 * valid DOS date and a name without control characters; it is an invalid
 * component with a problem saying so, clamped to its space when the last
 * structure runs past it, listed and unpacked with libarchive's streaming
 * zip reader (the local headers).
 */

#define ZIP_LOCAL     0x04034b50u
#define ZIP_CENTRAL   0x02014b50u
#define ZIP_END       0x06054b50u
#define ZIP64_END     0x06064b50u
#define ZIP64_LOC     0x07064b50u
#define ZIP_NAME_MAX  4096u
#define ZIP_DESC      0x08074b50u
#define ZIP_END_TRIES 64u
#define ZIP_WALK_MAX  65536u /* structures walked without an end record */

struct zip_end {
	uint64_t at;      /* end record, relative to the first local header */
	uint64_t entries; /* total entries */
	uint64_t cd_size, cd_off;
	uint16_t comment_len;
	bool zip64;
};

/* A plausible local header at pos: version needed, method, name length; its total length (with data) when sizes are
 * known. */
static bool local_header(const struct mtd_reader *r, uint64_t pos, uint64_t *len, bool *descriptor)
{
	uint64_t avail = mtd_rd_left(r);
	if (avail - pos < 30 || mtd_rd_le32_at(r, (size_t)pos) != ZIP_LOCAL)
		return false;
	uint16_t need = mtd_rd_le16_at(r, (size_t)pos + 4), flags = mtd_rd_le16_at(r, (size_t)pos + 6);
	uint16_t method = mtd_rd_le16_at(r, (size_t)pos + 8);
	uint32_t csize = mtd_rd_le32_at(r, (size_t)pos + 18);
	uint16_t nlen = mtd_rd_le16_at(r, (size_t)pos + 26), xlen = mtd_rd_le16_at(r, (size_t)pos + 28);
	if ((need & 0xff) > 63 || method > 99 || nlen == 0 || nlen > ZIP_NAME_MAX)
		return false;
	*descriptor = (flags & 0x08) || csize == UINT32_MAX;
	*len = 30u + nlen + xlen + (*descriptor ? 0 : csize);
	return true;
}

/* The end record at `at` (relative to r) whose fields, for an archive starting at 0 of r, point back to a central
 * directory. */
static bool end_record(const struct mtd_reader *r, uint64_t at, struct zip_end *e)
{
	uint64_t avail = mtd_rd_left(r);
	if (avail - at < 22 || mtd_rd_le32_at(r, (size_t)at) != ZIP_END)
		return false;
	memset(e, 0, sizeof(*e));
	e->at = at;
	e->entries = mtd_rd_le16_at(r, (size_t)at + 10);
	e->cd_size = mtd_rd_le32_at(r, (size_t)at + 12);
	e->cd_off = mtd_rd_le32_at(r, (size_t)at + 16);
	e->comment_len = mtd_rd_le16_at(r, (size_t)at + 20);
	uint64_t dir_end = at;
	if ((e->cd_off == UINT32_MAX || e->cd_size == UINT32_MAX || e->entries == 0xffff) && at >= 20 &&
	    mtd_rd_le32_at(r, (size_t)(at - 20)) == ZIP64_LOC) {
		uint64_t z = mtd_rd_le64_at(r, (size_t)(at - 12));
		if (z >= at - 20 || at - 20 - z < 56 || mtd_rd_le32_at(r, (size_t)z) != ZIP64_END)
			return false;
		e->zip64 = true;
		e->entries = mtd_rd_le64_at(r, (size_t)z + 32);
		e->cd_size = mtd_rd_le64_at(r, (size_t)z + 40);
		e->cd_off = mtd_rd_le64_at(r, (size_t)z + 48);
		dir_end = z;
	}
	uint64_t cd_end;
	if (!mtd_add_ov(e->cd_off, e->cd_size, &cd_end) || cd_end != dir_end)
		return false;
	return e->cd_size == 0 || mtd_rd_le32_at(r, (size_t)e->cd_off) == ZIP_CENTRAL;
}

/* Walk the central directory at its offset: entries and end must agree with e. */
static bool central_ok(const struct mtd_reader *r, const struct zip_end *e)
{
	uint64_t pos = e->cd_off, n = 0, end = e->cd_off + e->cd_size;
	while (pos < end) {
		if (end - pos < 46 || mtd_rd_le32_at(r, (size_t)pos) != ZIP_CENTRAL)
			return false;
		pos += 46u + mtd_rd_le16_at(r, (size_t)pos + 28) + mtd_rd_le16_at(r, (size_t)pos + 30) +
		       mtd_rd_le16_at(r, (size_t)pos + 32);
		n++;
	}
	return pos == end && n == e->entries;
}

/* Find the end record: walk local headers while sizes are known, then the directory; else search. */
static bool find_end(const struct mtd_reader *r, struct zip_end *e)
{
	uint64_t pos = 0, avail = mtd_rd_left(r), len;
	bool desc = false;
	while (local_header(r, pos, &len, &desc) && !desc && len <= avail - pos)
		pos += len;
	if (!desc && avail - pos >= 4 && mtd_rd_le32_at(r, (size_t)pos) == ZIP_CENTRAL) {
		/* the directory starts here: walk it to its end record */
		uint64_t q = pos;
		while (avail - q >= 46 && mtd_rd_le32_at(r, (size_t)q) == ZIP_CENTRAL)
			q += 46u + mtd_rd_le16_at(r, (size_t)q + 28) + mtd_rd_le16_at(r, (size_t)q + 30) +
			     mtd_rd_le16_at(r, (size_t)q + 32);
		if (q <= avail && avail - q >= 12 && mtd_rd_le32_at(r, (size_t)q) == ZIP64_END) {
			/* zip64 end record (12 bytes + its size), then its 20-byte locator, then the end record */
			uint64_t nq;
			if (!mtd_add_ov(q, 12, &nq) || !mtd_add_ov(nq, mtd_rd_le64_at(r, (size_t)q + 4), &nq) ||
			    !mtd_add_ov(nq, 20, &nq) || nq > avail)
				return false;
			q = nq;
		}
		return q <= avail && end_record(r, q, e) && e->cd_off == pos;
	}
	/*
	 * An entry whose size is in its data descriptor, an empty archive, or bytes between two members that
	 * are neither (junk some writers leave, libarchive's test_compat_zip_2): search for the end record,
	 * which must point back at a directory at its offset from this archive's start.
	 */
	size_t at = (size_t)pos;
	for (unsigned tries = 0; tries < ZIP_END_TRIES && mtd_rd_find(r, at, "PK\x05\x06", 4, &at); tries++, at++)
		if (end_record(r, at, e))
			return true;
	return false;
}

/* A local header as real writers make them: a known method, a DOS date that is one (or 0), a name of no control bytes.
 */
static bool local_plausible(const struct mtd_reader *r, uint64_t pos)
{
	uint16_t method = mtd_rd_le16_at(r, (size_t)pos + 8), date = mtd_rd_le16_at(r, (size_t)pos + 12);
	uint16_t nlen = mtd_rd_le16_at(r, (size_t)pos + 26);
	static const uint16_t methods[] = {0, 1, 6, 8, 9, 12, 14, 19, 93, 94, 95, 96, 97, 98, 99};
	bool known = false;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		known |= method == methods[i];
	unsigned month = (date >> 5) & 15, day = date & 31;
	if (!known || (date && (month < 1 || month > 12 || day < 1)))
		return false;
	if (mtd_rd_left(r) - pos - 30 < nlen)
		return false;
	for (uint16_t i = 0; i < nlen; i++)
		if (mtd_rd_u8_at(r, (size_t)pos + 30 + i) < 0x20)
			return false;
	return true;
}

struct zip_headless {
	uint64_t locals, centrals, end;
	bool cut; /* the last structure runs to the end of the space */
};

/* The next "PK\3\4", "PK\1\2" or "PK\7\8" at or after `at`: its position, false when there is none. */
static bool next_sig(const struct mtd_reader *r, uint64_t at, uint64_t *out, uint32_t *sig)
{
	size_t k = (size_t)at;
	for (unsigned tries = 0; tries < ZIP_WALK_MAX && mtd_rd_find(r, k, "PK", 2, &k); tries++, k++) {
		uint32_t v = mtd_rd_left(r) - k >= 4 ? mtd_rd_le32_at(r, k) : 0;
		if (v == ZIP_LOCAL || v == ZIP_CENTRAL || v == ZIP_DESC) {
			*out = k;
			*sig = v;
			return true;
		}
	}
	return false;
}

/* Walk a zip that has no end record: local headers, then whole central directory entries. */
static bool walk_headless(const struct mtd_reader *r, struct zip_headless *h)
{
	uint64_t pos = 0, avail = mtd_rd_left(r), len;
	bool desc;
	memset(h, 0, sizeof(*h));
	while (h->locals < ZIP_WALK_MAX && local_header(r, pos, &len, &desc) && local_plausible(r, pos)) {
		h->locals++;
		if (desc) {
			uint64_t data = pos + 30 + mtd_rd_le16_at(r, (size_t)pos + 26) +
			                mtd_rd_le16_at(r, (size_t)pos + 28),
			         at;
			uint32_t sig;
			if (data > avail || !next_sig(r, data, &at, &sig)) {
				h->cut = true;
				pos = avail;
				break;
			}
			/* a data descriptor: signature, CRC, then 4-byte sizes (8-byte in zip64; not told apart here)
			 */
			pos = sig == ZIP_DESC ? (avail - at >= 16 ? at + 16 : avail) : at;
			continue;
		}
		if (len > avail - pos) {
			h->cut = true;
			pos = avail;
			break;
		}
		pos += len;
	}
	while (!h->cut && h->centrals < ZIP_WALK_MAX && avail - pos >= 4 &&
	       mtd_rd_le32_at(r, (size_t)pos) == ZIP_CENTRAL) {
		uint64_t clen = avail - pos < 46
		                    ? avail - pos + 1
		                    : 46u + mtd_rd_le16_at(r, (size_t)pos + 28) + mtd_rd_le16_at(r, (size_t)pos + 30) +
		                          mtd_rd_le16_at(r, (size_t)pos + 32);
		if (clen > avail - pos) {
			h->cut = true;
			pos = avail;
			break;
		}
		pos += clen;
		h->centrals++;
	}
	uint32_t next = !h->cut && avail - pos >= 4 ? mtd_rd_le32_at(r, (size_t)pos) : 0;
	uint64_t rest = avail - pos;
	if ((next == ZIP_END && (rest < 22 || rest < 22u + mtd_rd_le16_at(r, (size_t)pos + 20))) ||
	    (next == ZIP64_END && rest < 56 + 20 + 22)) {
		h->cut = true; /* an end record that is itself cut off */
		pos = avail;
	}
	if (pos == avail && h->centrals)
		h->cut = true; /* the directory runs to the end: its end record is what is missing */
	h->end = pos;
	return h->locals && h->locals + h->centrals >= 2;
}

/* The local header offset of the member `name`, from the central directory entry of that name. */
static bool locate_member(const struct mtd_reader *in, const char *name, uint64_t *off)
{
	struct zip_end e;
	if (!find_end(in, &e))
		return false;
	size_t nlen = strlen(name);
	uint64_t pos = e.cd_off, end = e.cd_off + e.cd_size, n = 0;
	while (pos < end && end - pos >= 46 && n++ < ZIP_WALK_MAX && mtd_rd_le32_at(in, (size_t)pos) == ZIP_CENTRAL) {
		uint16_t l = mtd_rd_le16_at(in, (size_t)pos + 28);
		uint32_t at = mtd_rd_le32_at(in, (size_t)pos + 42);
		if (l == nlen && mtd_rd_eq_at(in, (size_t)pos + 46, name, nlen) && at != UINT32_MAX) {
			*off = at;
			return true;
		}
		pos += 46u + l + mtd_rd_le16_at(in, (size_t)pos + 30) + mtd_rd_le16_at(in, (size_t)pos + 32);
	}
	return false;
}

static int probe_headless(struct mtd_probe *p, const struct mtd_reader *r)
{
	struct zip_headless h;
	if (!walk_headless(r, &h))
		return MTD_ERR_NO_MATCH;
	p->valid = false;
	p->size = h.end;
	if (h.cut)
		mtd_probe_problem(p,
		                  "truncated: no end of central directory record; %llu local headers and %llu central "
		                  "directory entries run to the end of its space (0x%llx)",
		                  (unsigned long long)h.locals, (unsigned long long)h.centrals,
		                  (unsigned long long)p->len);
	else
		mtd_probe_problem(
		    p,
		    "no end of central directory record after %llu local headers and %llu central directory "
		    "entries",
		    (unsigned long long)h.locals, (unsigned long long)h.centrals);
	mtd_probe_u64(p, "local_headers", false, h.locals);
	mtd_probe_u64(p, "central_entries", false, h.centrals);
	struct mtd_reader whole;
	mtd_rd_window(r, 0, (size_t)h.end, &whole);
	return mtd_archive_probe_entries(p, &whole, archive_read_support_format_zip_streamable, NULL);
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	struct zip_end e;
	uint64_t len;
	bool desc;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	if (!local_header(&r, 0, &len, &desc))
		return MTD_ERR_NO_MATCH;
	if (!find_end(&r, &e))
		return probe_headless(p, &r);
	uint64_t end = e.at + 22 + e.comment_len;
	p->valid = true;
	if (end > avail) {
		mtd_probe_problem(p, "truncated: the archive comment runs past the end of its space (0x%llx)",
		                  (unsigned long long)p->len);
		p->valid = false;
		end = avail;
	}
	p->size = end;
	if (e.zip64)
		mtd_probe_bool(p, "zip64", false, true);
	mtd_probe_u64(p, "central_directory_offset", false, e.cd_off);
	if (!central_ok(&r, &e)) {
		mtd_probe_problem(p, "central directory at 0x%llx does not hold the %llu entries the end record names",
		                  (unsigned long long)(p->off + e.cd_off), (unsigned long long)e.entries);
		p->valid = false;
	}
	struct mtd_reader whole;
	mtd_rd_window(&r, 0, (size_t)end, &whole);
	return mtd_archive_probe_entries(p, &whole, archive_read_support_format_zip_seekable, locate_member);
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	struct zip_end e;
	if (!find_end(in, &e)) {
		mtd_sink_problem(sink, NULL,
		                 "no end of central directory record: entries read from their local headers");
		return mtd_archive_unpack(in, sink, archive_read_support_format_zip_streamable);
	}
	return mtd_archive_unpack(in, sink, archive_read_support_format_zip_seekable);
}

const struct mtd_format mtd_fmt_zip = {
    .name = "zip",
    .magics = {{"PK\x03\x04", 4, 0}},
    .probe = probe,
    .unpack = unpack,
};
