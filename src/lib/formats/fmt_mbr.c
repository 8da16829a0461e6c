/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * DOS/MBR partition table: 0x55AA at 510, four 16-byte entries at 446
 * {status, CHS, type, CHS, lba_start, sectors}.  MBR has no checksum, and
 * 0x55AA is a weak 2-byte signature at a distance, so the probe is anchored
 * at 4 KiB boundaries and insists on a sane table: every status 0x00 or
 * 0x80, empty entries all zero, at least one partition, none starting in
 * LBA 0, primaries not overlapping.  Extended partitions are followed
 * through their EBR chain (bounded, strictly forward).  Extent = the end of
 * the last partition.  Partition contents are scanned for nested components.
 */

#define SECTOR      512u
#define MAX_LOGICAL 128u
#define SCAN_MAX    128u

struct part {
	uint64_t start, count;
	uint8_t type, status;
	unsigned num;
};

static const char *type_name(uint8_t t)
{
	switch (t) {
	case 0x01: return "fat12";
	case 0x04:
	case 0x06:
	case 0x0e: return "fat16";
	case 0x05:
	case 0x0f:
	case 0x85: return "extended";
	case 0x07: return "ntfs/exfat";
	case 0x0b:
	case 0x0c: return "fat32";
	case 0x82: return "linux-swap";
	case 0x83: return "linux";
	case 0x8e: return "linux-lvm";
	case 0xee: return "gpt-protective";
	case 0xef: return "efi-system";
	default: return NULL;
	}
}

static bool is_ext(uint8_t t)
{
	return t == 0x05 || t == 0x0f || t == 0x85;
}

static bool entry_parse(const uint8_t *e, struct part *pt)
{
	pt->status = e[0];
	pt->type = e[4];
	pt->start = mtd_le32(e + 8);
	pt->count = mtd_le32(e + 12);
	return pt->status == 0 || pt->status == 0x80;
}

static bool entry_empty(const uint8_t *e)
{
	static const uint8_t zero[16];
	return e[4] == 0 && !memcmp(e + 8, zero, 8);
}

static void add_part(struct mtd_probe *p, const struct part *pt, uint64_t len, unsigned *scanned)
{
	const char *tn = type_name(pt->type);
	if (tn)
		mtd_probe_list_add(p, "partitions", false, "%u %s start=%llu sectors=%llu%s", pt->num, tn,
		                   (unsigned long long)pt->start, (unsigned long long)pt->count,
		                   pt->status == 0x80 ? " bootable" : "");
	else
		mtd_probe_list_add(p, "partitions", false, "%u type=0x%02x start=%llu sectors=%llu%s", pt->num,
		                   pt->type, (unsigned long long)pt->start, (unsigned long long)pt->count,
		                   pt->status == 0x80 ? " bootable" : "");
	uint64_t off = pt->start * SECTOR, n = pt->count * SECTOR;
	if (is_ext(pt->type) || pt->type == 0xee)
		return;
	if (*scanned < SCAN_MAX && mtd_range_ok(off, n, len)) {
		(*scanned)++;
		mtd_probe_scan_range(p, p->off + off, n);
	}
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint8_t d[SECTOR];
	mtd_probe_reader(p, &r);
	uint64_t len = mtd_rd_left(&r);
	/* anchored at every 4 KiB: reject on the signature before copying the sector */
	if (!mtd_rd_eq_at(&r, 510, "\x55\xaa", 2) || !mtd_rd_copy_at(&r, 0, d, SECTOR))
		return MTD_ERR_NO_MATCH;
	struct part prim[4];
	unsigned n = 0;
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *e = d + 446 + 16 * i;
		if (!entry_parse(e, &prim[i]))
			return MTD_ERR_NO_MATCH;
		prim[i].num = i + 1;
		if (entry_empty(e)) {
			prim[i].count = 0;
			continue;
		}
		if (prim[i].type == 0 || prim[i].count == 0 || prim[i].start == 0)
			return MTD_ERR_NO_MATCH;
		n++;
	}
	if (!n)
		return MTD_ERR_NO_MATCH;
	for (unsigned i = 0; i < 4; i++)
		for (unsigned j = i + 1; j < 4; j++) {
			if (!prim[i].count || !prim[j].count)
				continue;
			if (prim[i].start < prim[j].start + prim[j].count &&
			    prim[j].start < prim[i].start + prim[i].count)
				return MTD_ERR_NO_MATCH;
		}

	p->valid = true;
	uint64_t end_lba = 0;
	unsigned scanned = 0, logical = 0;
	bool protective = false;
	for (unsigned i = 0; i < 4; i++) {
		struct part *pt = &prim[i];
		if (!pt->count)
			continue;
		if (pt->type == 0xee)
			protective = true;
		if (pt->start + pt->count > end_lba)
			end_lba = pt->start + pt->count;
		add_part(p, pt, len, &scanned);
		if (!is_ext(pt->type))
			continue;
		/* EBR chain: each EBR's first entry is a logical partition relative to the EBR, the second
		 * points to the next EBR relative to the extended partition; only forward links */
		uint64_t ebr = pt->start;
		for (unsigned k = 0; k < MAX_LOGICAL; k++) {
			uint64_t at = ebr * SECTOR;
			if (!mtd_range_ok(at, SECTOR, len)) {
				mtd_probe_problem(p, "EBR at LBA %llu lies past the end of the image",
				                  (unsigned long long)ebr);
				p->valid = false;
				break;
			}
			uint8_t b[SECTOR];
			struct part lg, nx;
			if (!mtd_rd_copy_at(&r, (size_t)at, b, SECTOR) || b[510] != 0x55 || b[511] != 0xaa ||
			    !entry_parse(b + 446, &lg) || !entry_parse(b + 462, &nx)) {
				mtd_probe_problem(p, "EBR at LBA %llu is not a valid boot record",
				                  (unsigned long long)ebr);
				p->valid = false;
				break;
			}
			if (!entry_empty(b + 446) && lg.count) {
				lg.start += ebr;
				lg.num = 5 + logical++;
				if (lg.start + lg.count > end_lba)
					end_lba = lg.start + lg.count;
				add_part(p, &lg, len, &scanned);
			}
			if (entry_empty(b + 462) || !nx.start)
				break;
			uint64_t next = pt->start + nx.start;
			if (next <= ebr || next >= pt->start + pt->count) {
				mtd_probe_problem(p,
				                  "EBR chain at LBA %llu loops back or leaves the extended partition",
				                  (unsigned long long)ebr);
				p->valid = false;
				break;
			}
			ebr = next;
			if (k + 1 == MAX_LOGICAL) {
				mtd_probe_problem(p, "more than %u logical partitions: the rest are not listed",
				                  MAX_LOGICAL);
				p->valid = false;
			}
		}
	}
	mtd_probe_u64(p, "partition_count", true, n + logical);
	uint32_t sig = mtd_le32(d + 440);
	if (sig)
		mtd_probe_hex(p, "disk_signature", false, sig);
	p->size = end_lba * SECTOR;
	if (protective)
		mtd_probe_problem(p, "protective MBR of a GPT disk, but no valid GPT header follows");
	if (protective)
		p->valid = false;
	if (p->size > len) {
		mtd_probe_problem(p, "truncated: the partitions end at 0x%llx, only 0x%llx bytes present",
		                  (unsigned long long)p->size, (unsigned long long)len);
		p->size = len;
		p->valid = false;
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_mbr = {
    .name = "mbr",
    .anchor_align = 4096,
    .probe = probe,
};
