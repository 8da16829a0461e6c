/* SPDX-License-Identifier: MIT */
#include <archive.h>
#include <string.h>

#include "archive_common.h"

/*
 * 7z (7-Zip's format, 7zFormat.txt of the LZMA SDK): a 32-byte signature
 * header "7z\xBC\xAF\x27\x1C", version major 0 and minor, the CRC32 of the
 * 20 bytes that follow it (next header offset, size, CRC), then packed
 * streams, and at 32 + next header offset the (possibly encoded) header of
 * next header size bytes, whose CRC32 is the third field.  So the extent is
 * exact: 32 + offset + size, and both CRCs are checked here.  Entries are
 * listed and unpacked with libarchive's 7zip reader over exactly those bytes,
 * and their data decoded at scan time (within a budget), so that a member
 * whose CRC fails is named.  A signature header whose CRC holds with a major
 * version other than 0 is still a 7z, with a problem.
 */

#define SZ_SIG 32u

struct sz_header {
	uint8_t major, minor;
	uint32_t start_crc, next_crc;
	uint64_t next_off, next_size;
	bool start_crc_ok;
};

static bool sz_decode(const struct mtd_reader *r, struct sz_header *h)
{
	if (mtd_rd_left(r) < SZ_SIG || !mtd_rd_eq_at(r, 0, "7z\xbc\xaf\x27\x1c", 6))
		return false;
	h->major = mtd_rd_u8_at(r, 6);
	h->minor = mtd_rd_u8_at(r, 7);
	h->start_crc = mtd_rd_le32_at(r, 8);
	h->next_off = mtd_rd_le64_at(r, 12);
	h->next_size = mtd_rd_le64_at(r, 20);
	h->next_crc = mtd_rd_le32_at(r, 28);
	uint32_t c = 0;
	h->start_crc_ok = mtd_rd_crc32(r, 12, 20, 0, &c) && c == h->start_crc;
	return true;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	struct sz_header h;
	mtd_probe_reader(p, &r);
	if (!sz_decode(&r, &h) || !h.start_crc_ok)
		return MTD_ERR_NO_MATCH;
	uint64_t avail = mtd_rd_left(&r), end, hdr_at;
	mtd_probe_str(p, "version", true, "0.%u", h.minor);
	mtd_probe_u64(p, "next_header_offset", false, h.next_off);
	mtd_probe_u64(p, "next_header_size", false, h.next_size);
	p->valid = true;
	/*
	 * The signature header holds (magic and CRC) but names a version no reader knows (libarchive's
	 * test_read_format_7zip_malformed*.7z): a 7z with a problem, measured as far as its fields go.
	 */
	if (h.major != 0) {
		mtd_probe_problem(p, "signature header gives version %u.%u: 7-Zip and libarchive read only 0.x",
		                  h.major, h.minor);
		p->valid = false;
	}
	if (!mtd_add_ov(SZ_SIG, h.next_off, &hdr_at) || !mtd_add_ov(hdr_at, h.next_size, &end) || end > avail) {
		mtd_probe_problem(
		    p, "truncated: the header at +0x%llx (0x%llx bytes) lies past the end of its space (0x%llx)",
		    (unsigned long long)h.next_off, (unsigned long long)h.next_size, (unsigned long long)p->len);
		p->valid = false;
		p->size = avail;
		return MTD_OK;
	}
	p->size = end;
	if (h.major != 0)
		return MTD_OK;
	uint32_t c = 0;
	bool crc_ok = mtd_rd_crc32(&r, (size_t)hdr_at, (size_t)h.next_size, 0, &c) && c == h.next_crc;
	mtd_probe_bool(p, "header_crc_ok", false, crc_ok);
	if (!crc_ok) {
		mtd_probe_problem(p, "header at 0x%llx: CRC32 0x%08x does not match the signature header's 0x%08x",
		                  (unsigned long long)(p->off + hdr_at), c, h.next_crc);
		p->valid = false;
		return MTD_OK;
	}
	struct mtd_reader whole;
	mtd_rd_window(&r, 0, (size_t)end, &whole);
	return mtd_archive_probe_entries(p, &whole, archive_read_support_format_7zip, NULL);
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	return mtd_archive_unpack(in, sink, archive_read_support_format_7zip);
}

const struct mtd_format mtd_fmt_7z = {
    .name = "7z",
    .magics = {{"7z\xbc\xaf\x27\x1c", 6, 0}},
    .probe = probe,
    .unpack = unpack,
};
