/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * Xiaomi router firmware ("HDR1", the layout OpenWrt's firmware-utils
 * xiaomifw documents), little-endian: a 48-byte header ("HDR1", the
 * signature's offset, a CRC-32 over every byte from offset 12 to the end of
 * the file (initial value ~0, no final inversion), 16 unused bits, the device
 * id, the offsets of up to 8 blobs, 0 ending the list), the blobs (a 48-byte
 * header: magic 0x0000BABE, flash offset, size, type (1 U-Boot, 4 and 7
 * uImage, 6 OS2), a 32-byte name; then the content, padded to 4 bytes), and
 * the RSA signature (a 16-byte header whose first word is its size, then
 * 0x100 bytes).  Each blob is a child component scanned inside.
 */

#define XM_HDR      48u
#define XM_BLOB_HDR 48u
#define XM_BLOB_MAG 0x0000babeu
#define XM_SIG_HDR  16u
#define XM_SIG_DEF  0x100u
#define XM_BLOBS    8

static const char *device_name(uint16_t id)
{
	switch (id) {
	case 0x0003: return "r1cm";
	case 0x0004: return "r2d";
	case 0x0005: return "r1cl";
	case 0x0007: return "r3";
	case 0x0008: return "r3d";
	case 0x000d: return "r3g";
	case 0x0012: return "r4cm";
	case 0x0016: return "r2100";
	case 0x0025: return "ra70";
	default: return NULL;
	}
}

static const char *blob_type(uint16_t t)
{
	switch (t) {
	case 1: return "uboot";
	case 4:
	case 7: return "uimage";
	case 6: return "os2";
	default: return NULL;
	}
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	if (avail < XM_HDR + XM_BLOB_HDR || !mtd_rd_eq_at(&r, 0, "HDR1", 4))
		return MTD_ERR_NO_MATCH;
	uint32_t sig = mtd_rd_le32_at(&r, 4), crc = mtd_rd_le32_at(&r, 8);
	uint16_t dev = mtd_rd_le16_at(&r, 14);
	uint32_t off[XM_BLOBS];
	int n = 0;
	for (int i = 0; i < XM_BLOBS; i++) {
		off[i] = mtd_rd_le32_at(&r, 16 + 4 * (size_t)i);
		if (!off[i])
			break;
		/* each blob after the header and the previous blob, its header inside the space, before the signature
		 */
		if (off[i] < XM_HDR || (n && off[i] <= off[n - 1]) || off[i] >= sig ||
		    (uint64_t)off[i] + XM_BLOB_HDR > avail || mtd_rd_le32_at(&r, off[i]) != XM_BLOB_MAG)
			return MTD_ERR_NO_MATCH;
		n++;
	}
	if (!n || sig < XM_HDR)
		return MTD_ERR_NO_MATCH;
	uint64_t end = (uint64_t)sig + XM_SIG_HDR + XM_SIG_DEF;
	if ((uint64_t)sig + XM_SIG_HDR <= avail) {
		uint32_t ss = mtd_rd_le32_at(&r, sig);
		if (ss && ss <= 0x1000)
			end = (uint64_t)sig + XM_SIG_HDR + ss;
	}
	p->valid = true;
	const char *dn = device_name(dev);
	if (dn)
		mtd_probe_str(p, "device", true, "%s", dn);
	else
		mtd_probe_hex(p, "device_id", true, dev);
	mtd_probe_u64(p, "blobs", false, (uint64_t)n);
	mtd_probe_hex(p, "signature_offset", false, sig);
	if (end > avail) {
		mtd_probe_problem(p,
		                  "truncated: the signature ends at +0x%llx but only 0x%llx bytes remain in its space",
		                  (unsigned long long)end, (unsigned long long)avail);
		p->valid = false;
		end = avail;
	} else {
		uint32_t c = 0;
		/* CRC-32 from ~0 without the final inversion (crc32_le) */
		bool ok = mtd_rd_crc32_raw(&r, 12, (size_t)(end - 12), UINT32_MAX, &c) && c == crc;
		mtd_probe_bool(p, "crc_ok", false, ok);
		if (!ok) {
			mtd_probe_problem(p, "CRC-32 over 0xc..0x%llx is 0x%08x, the header says 0x%08x",
			                  (unsigned long long)end, c, crc);
			p->valid = false;
		}
	}
	p->size = end;
	for (int i = 0; i < n; i++) {
		uint32_t size = mtd_rd_le32_at(&r, off[i] + 8), flash = mtd_rd_le32_at(&r, off[i] + 4);
		uint16_t type = mtd_rd_le16_at(&r, off[i] + 12);
		uint64_t at = (uint64_t)off[i] + XM_BLOB_HDR, has = size;
		if (at > end)
			continue;
		if (has > end - at)
			has = end - at;
		char name[33];
		mtd_rd_copy_at(&r, off[i] + 16, name, 32);
		name[32] = 0;
		for (int k = 0; k < 32 && name[k]; k++)
			if ((uint8_t)name[k] < 0x20 || (uint8_t)name[k] > 0x7e)
				name[k] = '?';
		struct mtd_probe *c = mtd_probe_child(p, "xiaomi-blob", p->off + at, has);
		if (!c)
			continue;
		if (name[0])
			mtd_probe_str(c, "name", true, "%s", name);
		const char *tn = blob_type(type);
		if (tn)
			mtd_probe_str(c, "blob_type", true, "%s", tn);
		else
			mtd_probe_hex(c, "blob_type", true, type);
		if (flash != UINT32_MAX)
			mtd_probe_hex(c, "flash_offset", false, flash);
		c->valid = has == size;
		if (has != size)
			mtd_probe_problem(c, "truncated: the blob header claims 0x%x bytes, 0x%llx present", size,
			                  (unsigned long long)has);
		mtd_probe_child_done(c, true);
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_xiaomi = {
    .name = "xiaomi",
    .magics = {{"HDR1", 4, 0}},
    .probe = probe,
};
