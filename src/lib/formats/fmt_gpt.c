/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * GUID partition table (UEFI spec, chapter 5): a protective MBR in LBA 0,
 * the header "EFI PART" in LBA 1 with a CRC-32 of itself (CRC field zeroed)
 * and a CRC-32 of the partition entry array, a backup header in the last
 * LBA.  Sector size 512 or 4096 (the header sits in LBA 1 either way), so
 * the probe is anchored at 4 KiB boundaries.  Extent = up to and including
 * the backup header.  Partitions are listed by name and their contents
 * scanned for nested components.
 */

#define MAX_ENTRIES 1024u
#define MAX_ARRAY   (1u << 20)
#define SCAN_MAX    128u

static void guid_str(const uint8_t *g, char out[37])
{
	snprintf(out, 37, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", mtd_le32(g), mtd_le16(g + 4),
	         mtd_le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

static const char *type_name(const char *guid)
{
	static const char *const t[][2] = {
	    {"C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "efi-system"},
	    {"0FC63DAF-8483-4772-8E79-3D69D8477DE4", "linux"},
	    {"EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "basic-data"},
	    {"21686148-6449-6E6F-744E-656564454649", "bios-boot"},
	    {"0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "linux-swap"},
	    {"E6D6D379-F507-44C2-A23C-238F2A3DF928", "linux-lvm"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(guid, t[i][0]) == 0)
			return t[i][1];
	return NULL;
}

/* UTF-16LE name (36 code units) to printable ASCII/UTF-8 (BMP only). */
static void name_str(const uint8_t *n, char *out, size_t cap)
{
	size_t k = 0;
	for (unsigned i = 0; i < 36; i++) {
		unsigned c = mtd_le16(n + 2 * i);
		if (!c)
			break;
		if (c < 0x80) {
			if (k + 1 >= cap)
				break;
			out[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		} else if (c < 0x800) {
			if (k + 2 >= cap)
				break;
			out[k++] = (char)(0xc0 | c >> 6);
			out[k++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0xd800 || c > 0xdfff) {
			if (k + 3 >= cap)
				break;
			out[k++] = (char)(0xe0 | c >> 12);
			out[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[k++] = (char)(0x80 | (c & 0x3f));
		} else {
			if (k + 1 >= cap)
				break;
			out[k++] = '?';
		}
	}
	out[k] = 0;
}

/*
 * The header at `at` of r (a sector of `sector` bytes): signature, sane size,
 * CRC.  Copies it into h (4096 bytes, zero past header_size) and returns
 * header_size, or 0.
 */
static uint32_t header_ok(const struct mtd_reader *r, uint64_t at, uint32_t sector, uint8_t h[4096], bool *crc_ok)
{
	memset(h, 0, 4096);
	if (!mtd_rd_eq_at(r, (size_t)at, "EFI PART", 8))
		return 0;
	uint32_t hs = mtd_rd_le32_at(r, (size_t)at + 12);
	if (hs < 92 || hs > sector || !mtd_rd_copy_at(r, (size_t)at, h, hs))
		return 0;
	uint8_t copy[4096];
	memcpy(copy, h, hs);
	memset(copy + 16, 0, 4);
	*crc_ok = mtd_crc32(0, copy, hs) == mtd_le32(h + 16);
	return hs;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader d;
	mtd_probe_reader(p, &d);
	uint64_t len = mtd_rd_left(&d);
	uint32_t sector = 0;
	if (len >= 1024 && mtd_rd_eq_at(&d, 512, "EFI PART", 8))
		sector = 512;
	else if (len >= 8192 && mtd_rd_eq_at(&d, 4096, "EFI PART", 8))
		sector = 4096;
	if (!sector)
		return MTD_ERR_NO_MATCH;
	uint8_t h[4096];
	bool hcrc = false;
	if (!header_ok(&d, sector, sector, h, &hcrc))
		return MTD_ERR_NO_MATCH;
	uint64_t my_lba = mtd_le64(h + 24), alt_lba = mtd_le64(h + 32), first = mtd_le64(h + 40);
	uint64_t last = mtd_le64(h + 48), ent_lba = mtd_le64(h + 72);
	uint32_t nent = mtd_le32(h + 80), esize = mtd_le32(h + 84), ecrc = mtd_le32(h + 88);
	if (my_lba != 1 || (!hcrc && (alt_lba <= 1 || last < first)))
		return MTD_ERR_NO_MATCH;

	p->valid = true;
	char g[37];
	guid_str(h + 56, g);
	mtd_probe_u64(p, "sector_size", false, sector);
	mtd_probe_str(p, "disk_guid", false, "%s", g);
	mtd_probe_bool(p, "header_crc_ok", false, hcrc);
	if (!hcrc) {
		mtd_probe_problem(p, "primary header CRC 0x%08x does not match", mtd_le32(h + 16));
		p->valid = false;
	}
	mtd_probe_u64(p, "first_usable_lba", false, first);
	mtd_probe_u64(p, "last_usable_lba", false, last);
	mtd_probe_u64(p, "backup_lba", false, alt_lba);

	/* extent: through the backup header */
	uint64_t extent = 0;
	if (alt_lba > my_lba && alt_lba < UINT64_MAX / sector)
		extent = (alt_lba + 1) * sector;
	else if (last >= first && last < UINT64_MAX / sector - 34)
		extent = (last + 34) * sector;
	else
		extent = 2ull * sector;
	p->size = extent;

	/* entry array */
	uint64_t arr_len = (uint64_t)nent * esize, arr_off;
	bool arr_ok = false;
	if (nent == 0 || nent > MAX_ENTRIES || esize < 128 || esize % 8 || arr_len > MAX_ARRAY ||
	    !mtd_mul_ov(ent_lba, sector, &arr_off) || !mtd_range_ok(arr_off, arr_len, len)) {
		mtd_probe_problem(p, "partition entry array (LBA %llu, %u x %u bytes) is out of bounds or unreasonable",
		                  (unsigned long long)ent_lba, nent, esize);
		p->valid = false;
	} else {
		uint32_t crc = 0;
		arr_ok = mtd_rd_crc32(&d, (size_t)arr_off, (size_t)arr_len, 0, &crc) && crc == ecrc;
		mtd_probe_bool(p, "entries_crc_ok", false, arr_ok);
		if (!arr_ok) {
			mtd_probe_problem(p, "partition entry array CRC does not match the header's 0x%08x", ecrc);
			p->valid = false;
		}
		unsigned used = 0;
		for (uint32_t i = 0; i < nent; i++) {
			uint8_t e[128];
			mtd_rd_copy_at(&d, (size_t)(arr_off + (uint64_t)i * esize), e, sizeof(e)); /* in the array */
			static const uint8_t zero[16];
			if (!memcmp(e, zero, 16))
				continue;
			used++;
			uint64_t s = mtd_le64(e + 32), t = mtd_le64(e + 40);
			char name[110], tg[37];
			name_str(e + 56, name, sizeof(name));
			guid_str(e, tg);
			const char *tn = type_name(tg);
			mtd_probe_list_add(p, "names", true, "%s", name);
			mtd_probe_list_add(p, "partitions", false, "%u %s start=%llu end=%llu type=%s", i + 1, name,
			                   (unsigned long long)s, (unsigned long long)t, tn ? tn : tg);
			uint64_t boff, blen;
			if (t < s || !mtd_mul_ov(s, sector, &boff) || !mtd_mul_ov(t - s + 1, sector, &blen) ||
			    s < first || t > last) {
				mtd_probe_problem(p, "partition %u (%s) lies outside the usable LBAs", i + 1, name);
				p->valid = false;
				continue;
			}
			if (used <= SCAN_MAX && mtd_range_ok(boff, blen, len))
				mtd_probe_scan_range(p, p->off + boff, blen);
		}
		mtd_probe_u64(p, "partition_count", true, used);
	}

	/* backup header */
	uint64_t boff;
	if (alt_lba > my_lba && mtd_mul_ov(alt_lba, sector, &boff) && mtd_range_ok(boff, sector, len)) {
		bool bcrc = false;
		uint8_t b[4096];
		bool ok = header_ok(&d, boff, sector, b, &bcrc) && bcrc && mtd_le64(b + 24) == alt_lba;
		mtd_probe_bool(p, "backup_ok", false, ok);
		if (!ok) {
			mtd_probe_problem(p, "backup header at LBA %llu is missing or fails its CRC",
			                  (unsigned long long)alt_lba);
			p->valid = false;
		}
	}
	if (extent > len) {
		mtd_probe_problem(p, "truncated: the disk ends at 0x%llx (backup header), only 0x%llx bytes present",
		                  (unsigned long long)extent, (unsigned long long)len);
		p->size = len;
		p->valid = false;
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_gpt = {
    .name = "gpt",
    .anchor_align = 4096,
    .probe = probe,
};
