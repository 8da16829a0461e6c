/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <openssl/evp.h>

#include "format.h"

/*
 * MediaTek BootROM images (what `mkimage -T mtk_image` writes for BL2 of
 * MT7622/MT7981/MT7986/MT7988 and the preloader of older SoCs; layout from
 * U-Boot's tools/mtk_image.h), little-endian:
 *  - NOR/eMMC/SD: a 0x200-byte device header (name "SF_BOOT", "EMMC_BOOT" or
 *    "SDMMC_BOOT", version 1, size 0x200), then a BRLYT layout header
 *    (name, version, header size, total size, magic 0x42424242, media type;
 *    sizes in bytes) whose
 *    header size is where the GFH starts;
 *  - NAND/SPI-NAND: a NAND header ("BOOTLOADER!", "V006", "NFIINFO", the
 *    page size) in the first page, BRLYT in the next one, sizes in pages;
 *  - or the GFH alone.
 * The GFH starts with its FILE_INFO record ("MMM", version 1, 0x38 bytes,
 * type 0): total_size covers the GFH records, BL2 and the signature;
 * sig_type 1 is a SHA-256 over everything before it.
 */

#define GEN_HDR   0x200u
#define GFH_INFO  0x38u
#define BRLYT_MAG 0x42424242u

static const char *media_name(uint32_t type)
{
	switch (type) {
	case 0x10002: return "NAND";
	case 0x10005: return "eMMC";
	case 0x10007: return "SPI NOR";
	case 0x10008: return "SD";
	case 0x10009: return "SPI NAND";
	default: return NULL;
	}
}

/* A NUL-ended name at the start of r's window that equals s. */
static bool name_is(const struct mtd_reader *r, size_t at, const char *s)
{
	return mtd_rd_eq_at(r, at, s, strlen(s) + 1);
}

/* The GFH FILE_INFO record at at: true when it reads as one. */
static bool gfh_info(const struct mtd_reader *r, uint64_t at)
{
	return mtd_rd_left(r) >= at + GFH_INFO && mtd_rd_eq_at(r, (size_t)at, "MMM\x01", 4) &&
	       mtd_rd_le16_at(r, (size_t)at + 4) == GFH_INFO && mtd_rd_le16_at(r, (size_t)at + 6) == 0 &&
	       name_is(r, (size_t)at + 8, "FILE_INFO");
}

static bool sha256_of(const struct mtd_reader *r, uint64_t at, uint64_t n, uint8_t out[32])
{
	const uint8_t *s = NULL;
	unsigned len = 0;
	return mtd_rd_bytes_at(r, (size_t)at, (size_t)n, &s) &&
	       EVP_Digest(s, (size_t)n, out, &len, EVP_sha256(), NULL) == 1 && len == 32;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	uint64_t gfh = 0, unit = 1;
	const char *head = NULL, *media = NULL;
	uint32_t brlyt_type = 0;
	if (name_is(&r, 0, "SF_BOOT") || name_is(&r, 0, "EMMC_BOOT") || name_is(&r, 0, "SDMMC_BOOT")) {
		if (avail < GEN_HDR + 0x20 || mtd_rd_le32_at(&r, 12) != 1 || mtd_rd_le32_at(&r, 16) != GEN_HDR)
			return MTD_ERR_NO_MATCH;
		head = name_is(&r, 0, "SF_BOOT") ? "SF_BOOT" : name_is(&r, 0, "EMMC_BOOT") ? "EMMC_BOOT" : "SDMMC_BOOT";
		if (!name_is(&r, GEN_HDR, "BRLYT") || mtd_rd_le32_at(&r, GEN_HDR + 0x14) != BRLYT_MAG)
			return MTD_ERR_NO_MATCH;
		gfh = mtd_rd_le32_at(&r, GEN_HDR + 0xc);
		brlyt_type = mtd_rd_le32_at(&r, GEN_HDR + 0x18);
	} else if (name_is(&r, 0, "BOOTLOADER!")) {
		/* version "Vnnn", id "NFIINFO", page size at 0x1a */
		if (avail < 0x80 || mtd_rd_u8_at(&r, 12) != 'V' || !name_is(&r, 16, "NFIINFO"))
			return MTD_ERR_NO_MATCH;
		unit = mtd_rd_le16_at(&r, 0x1a);
		if (unit != 512 && unit != 2048 && unit != 4096)
			return MTD_ERR_NO_MATCH;
		head = "BOOTLOADER!";
		if (avail < unit + 0x20 || !name_is(&r, (size_t)unit, "BRLYT") ||
		    mtd_rd_le32_at(&r, (size_t)unit + 0x14) != BRLYT_MAG)
			return MTD_ERR_NO_MATCH;
		gfh = (uint64_t)mtd_rd_le32_at(&r, (size_t)unit + 0xc) * unit;
		brlyt_type = mtd_rd_le32_at(&r, (size_t)unit + 0x18);
		mtd_probe_u64(p, "page_size", false, unit);
	} else if (!gfh_info(&r, 0)) {
		return MTD_ERR_NO_MATCH;
	}
	if (!gfh_info(&r, gfh))
		return MTD_ERR_NO_MATCH;
	media = media_name(brlyt_type);
	uint8_t flash_type = mtd_rd_u8_at(&r, (size_t)gfh + 26), sig_type = mtd_rd_u8_at(&r, (size_t)gfh + 27);
	uint32_t load = mtd_rd_le32_at(&r, (size_t)gfh + 28), total = mtd_rd_le32_at(&r, (size_t)gfh + 32);
	uint32_t hdr = mtd_rd_le32_at(&r, (size_t)gfh + 40), sig = mtd_rd_le32_at(&r, (size_t)gfh + 44);
	if (total < GFH_INFO || hdr < GFH_INFO || (uint64_t)hdr + sig > total || sig_type > 1 ||
	    sig != (sig_type == 1 ? 32u : 0u))
		return MTD_ERR_NO_MATCH;
	/* the SHA-256 stored after the GFH and BL2, checked when it is in the space */
	uint64_t end = gfh + total;
	bool sha_in = sig_type == 1 && end <= avail, sha_ok = false;
	if (sha_in) {
		uint8_t want[32], got[32];
		sha_ok = mtd_rd_copy_at(&r, (size_t)(end - 32), want, 32) && sha256_of(&r, gfh, total - 32u, got) &&
		         !memcmp(want, got, 32);
	}
	/* the GFH alone has only its 17-byte magic as evidence: its SHA-256 must hold too */
	if (!head && !sha_ok)
		return MTD_ERR_NO_MATCH;
	/* the records after FILE_INFO: BROM_CFG (type 7) says whether the BootROM jumps to BL2 in AArch64 */
	const char *arch = NULL;
	for (uint64_t at = gfh + GFH_INFO, n = 0; at + 8 <= gfh + hdr && at + 8 <= avail && n < 16; n++) {
		uint16_t rsz = mtd_rd_le16_at(&r, (size_t)at + 4), rtype = mtd_rd_le16_at(&r, (size_t)at + 6);
		if (!mtd_rd_eq_at(&r, (size_t)at, "MMM", 3) || rsz < 8)
			break;
		if (rtype == 7 && rsz >= 0x56 && at + 0x56 <= avail)
			arch =
			    (mtd_rd_le32_at(&r, (size_t)at + 8) & 0x1000) && mtd_rd_u8_at(&r, (size_t)at + 0x55) == 0x64
			        ? "arm64"
			        : "arm";
		at += rsz;
	}
	p->valid = true;
	if (head)
		mtd_probe_str(p, "header", true, "%s", head);
	if (media)
		mtd_probe_str(p, "media", true, "%s", media);
	else if (head)
		mtd_probe_hex(p, "brlyt_type", false, brlyt_type);
	mtd_probe_str(p, "flash_type", false, "%s", flash_type == 5 ? "generic" : flash_type == 2 ? "NAND" : "other");
	if (arch)
		mtd_probe_str(p, "arch", true, "%s", arch);
	mtd_probe_hex(p, "load_addr", true, (uint64_t)load + hdr); /* where BL2 runs: after its GFH */
	mtd_probe_u64(p, "bl2_size", true, (uint64_t)total - hdr - sig);
	if (end > avail) {
		mtd_probe_problem(p, "truncated: the GFH at 0x%llx gives 0x%x bytes, 0x%llx remain in its space",
		                  (unsigned long long)(p->off + gfh), total, (unsigned long long)(avail - gfh));
		p->valid = false;
		p->size = avail;
		return MTD_OK;
	}
	if (sha_in) {
		mtd_probe_bool(p, "sha256_ok", false, sha_ok);
		if (!sha_ok) {
			mtd_probe_problem(
			    p,
			    "the SHA-256 of the GFH and BL2 (0x%llx-0x%llx) does not match the one stored "
			    "after them: the BootROM will not start it",
			    (unsigned long long)(p->off + gfh), (unsigned long long)(p->off + end - 32));
			p->valid = false;
		}
	} else {
		mtd_probe_str(p, "signature", false, "none"); /* sig_type 0: any other but 1 was refused above */
	}
	p->size = end;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_mtk_bl2 = {
    .name = "mtk-bl2",
    .magics = {{"SF_BOOT\0", 8, 0},
               {"EMMC_BOOT\0", 10, 0},
               {"SDMMC_BOOT\0", 11, 0},
               {"BOOTLOADER!\0V", 13, 0},
               {"MMM\x01\x38\x00\x00\x00"
                "FILE_INFO",
                17, 0}},
    .probe = probe,
};
