/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * ARM Trusted Firmware FIP (firmware image package; TF-A
 * include/tools_share/firmware_image_package.h, written by fiptool): a ToC
 * header (name 0xAA640001, serial number 0x12345678, 64-bit flags), then ToC
 * entries of 40 bytes (UUID, 64-bit offset from the start of the FIP, 64-bit
 * size, 64-bit flags), all little-endian, ended by an entry whose UUID is
 * zero and whose offset fiptool sets to the end of the package.  The images
 * (BL2, BL31, BL32, BL33 = U-Boot on MT798x boards, certificates, configs)
 * become children named after their UUID, scanned inside.  The extent is the
 * end marker's offset or the end of the last image, whichever is further.
 */

#define FIP_TOC      16u
#define FIP_ENTRY    40u
#define FIP_MAX_ENTS 256u

static const struct {
	uint8_t uuid[16];
	const char *opt, *name;
} fip_uuids[] = {
#include "fip_uuids.inc"
};

static const char *uuid_name(const uint8_t u[16], const char **opt)
{
	for (size_t i = 0; i < sizeof(fip_uuids) / sizeof(fip_uuids[0]); i++)
		if (!memcmp(fip_uuids[i].uuid, u, 16)) {
			*opt = fip_uuids[i].opt;
			return fip_uuids[i].name;
		}
	*opt = NULL;
	return NULL;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	if (avail < FIP_TOC + FIP_ENTRY || mtd_rd_le32_at(&r, 0) != 0xaa640001u)
		return MTD_ERR_NO_MATCH;
	uint32_t serial = mtd_rd_le32_at(&r, 4);
	uint64_t flags = mtd_rd_le64_at(&r, 8);
	/* first pass: the entries must be a ToC (in order, inside what they claim, ended by the null entry) */
	uint64_t n = 0, end = FIP_TOC, pos = FIP_TOC, marker = 0;
	bool terminated = false;
	static const uint8_t zero[16] = {0};
	while (n < FIP_MAX_ENTS && avail - pos >= FIP_ENTRY) {
		uint8_t u[16] = {0};
		mtd_rd_copy_at(&r, (size_t)pos, u, 16);
		uint64_t off = mtd_rd_le64_at(&r, (size_t)pos + 16), size = mtd_rd_le64_at(&r, (size_t)pos + 24), e;
		if (!memcmp(u, zero, 16)) {
			terminated = true;
			marker = off;
			break;
		}
		if (!mtd_add_ov(off, size, &e) || off < FIP_TOC + FIP_ENTRY)
			return MTD_ERR_NO_MATCH;
		if (e > end)
			end = e;
		n++;
		pos += FIP_ENTRY;
	}
	if (n == 0 || !terminated)
		return MTD_ERR_NO_MATCH;
	uint64_t toc_end = pos + FIP_ENTRY;
	if (end < toc_end)
		end = toc_end;
	if (marker > end && marker - end < (1u << 20))
		end = marker; /* fiptool's end marker: the end of the package (padding included) */
	p->valid = true;
	mtd_probe_u64(p, "entries", true, n);
	mtd_probe_hex(p, "serial", false, serial);
	if (flags)
		mtd_probe_hex(p, "flags", false, flags);
	if (end > avail) {
		mtd_probe_problem(p, "truncated: its images run to +0x%llx but only 0x%llx bytes remain in its space",
		                  (unsigned long long)end, (unsigned long long)avail);
		p->valid = false;
	}
	p->size = end > avail ? avail : end;
	for (uint64_t i = 0; i < n; i++) {
		size_t at = (size_t)(FIP_TOC + i * FIP_ENTRY);
		uint8_t u[16] = {0};
		mtd_rd_copy_at(&r, at, u, 16);
		uint64_t off = mtd_rd_le64_at(&r, at + 16), size = mtd_rd_le64_at(&r, at + 24);
		const char *opt, *name = uuid_name(u, &opt);
		char us[40];
		snprintf(us, sizeof(us), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
		         u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		         u[15]);
		mtd_probe_list_add(p, "images", true, "%s", name ? name : us);
		if (off >= p->size)
			continue;
		uint64_t has = p->size - off < size ? p->size - off : size;
		struct mtd_probe *c = mtd_probe_child(p, "fip-image", p->off + off, has);
		if (!c)
			continue;
		mtd_probe_str(c, "image", true, "%s", name ? name : "unknown UUID");
		if (opt)
			mtd_probe_str(c, "fiptool_option", false, "--%s", opt);
		mtd_probe_str(c, "uuid", false, "%s", us);
		if (has < size) {
			mtd_probe_problem(c, "truncated: 0x%llx of its 0x%llx bytes are in the space",
			                  (unsigned long long)has, (unsigned long long)size);
			c->valid = false;
		}
		mtd_probe_child_done(c, true);
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_fip = {
    .name = "fip",
    .magics = {{"\x01\x00\x64\xaa", 4, 0}},
    .probe = probe,
};
