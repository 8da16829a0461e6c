/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <mtdscope/unitdata.h>

#include "format.h"

/*
 * MediaTek/Ralink wifi EEPROM (the Factory partition): no magic but a chip id
 * at 0x0 (little-endian 0x7628, 0x7603, 0x7612, 0x7615, 0x7915, 0x7981...).
 * Tried at every 4 KiB; after the id the bytes must look like an EEPROM
 * (plenty of 0x00/0xFF fields, a unicast or erased MAC at 0x4).
 *
 * Extent: the factory block up to its last byte that is not 0xFF, within
 * 64 KiB (the usual Factory partition), and at least the chip's EEPROM size.
 * The window stops early at a 4 KiB boundary where another structure starts
 * (a uImage, squashfs or UBI magic, or a U-Boot environment).
 */

#define WINDOW 0x10000u

/* Another structure starts at `at` of r (a uImage, squashfs, UBI or DTB magic, or an environment). */
static bool structure_starts(const struct mtd_reader *r, size_t at)
{
	const uint8_t *rest = NULL;
	size_t n = at <= mtd_rd_left(r) ? mtd_rd_left(r) - at : 0;
	if (n < 8 || !mtd_rd_bytes_at(r, at, n, &rest))
		return false;
	uint32_t be = mtd_rd_be32_at(r, at);
	if (be == 0x27051956u || be == 0x68737173u /* "hsqs" */ || be == 0x55424923u /* "UBI#" */ || be == 0xd00dfeedu)
		return true;
	struct mtd_env_measure m;
	return mtd_env_measure(rest, n, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m) == 0 && m.crc_ok;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint8_t d[0x40];
	mtd_probe_reader(p, &r);
	size_t avail = mtd_rd_left(&r);
	if (avail < 0x40 || !mtd_rd_copy_at(&r, 0, d, 0x40))
		return MTD_ERR_NO_MATCH;
	uint32_t esize;
	const char *chip = mtd_eeprom_chip_name(mtd_le16(d), &esize);
	if (!chip)
		return MTD_ERR_NO_MATCH;
	/* MAC at 0x4: unicast, or erased/zeroed (a factory with the MAC wiped is still a factory) */
	static const uint8_t ff6[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, zero6[6] = {0};
	if (!mtd_mac_is_valid(d + 4) && memcmp(d + 4, ff6, 6) && memcmp(d + 4, zero6, 6))
		return MTD_ERR_NO_MATCH;
	/* EEPROM format versions are small numbers (0x0001, 0x0002, 0x0a01...) */
	if (d[2] >= 0x40 || d[3] >= 0x40)
		return MTD_ERR_NO_MATCH;
	/*
	 * The factory padding: the rest of the EEPROM's 4 KiB block erased or
	 * zeroed.  Inside decoded or nested content (kernels are full of such
	 * halfwords) it is required, and so are the header's 0x00/0xFF fields;
	 * in a flash dump either one will do (an EEPROM whose calibration fills
	 * its header densely still sits in an erased Factory block).
	 */
	size_t blk_end = ((size_t)esize + 0xfffu) & ~(size_t)0xfffu;
	bool padded = false;
	if (blk_end <= avail && esize < blk_end) {
		uint8_t pv = mtd_rd_u8_at(&r, esize);
		padded = (pv == 0 || pv == 0xff) && mtd_rd_uniform_at(&r, esize, blk_end - esize, pv);
	}
	if (p->space >= 0 && !padded)
		return MTD_ERR_NO_MATCH;
	size_t head = avail < 0x200 ? avail : 0x200, fill = 0;
	for (size_t i = 0x10; i < head; i++) {
		uint8_t c = mtd_rd_u8_at(&r, i);
		fill += c == 0 || c == 0xff;
	}
	if (fill < 16 && (p->space >= 0 || !padded))
		return MTD_ERR_NO_MATCH;

	size_t win = avail < WINDOW ? avail : WINDOW;
	size_t first_block = (esize + 0xfffu) & ~(size_t)0xfffu;
	for (size_t b = first_block; b < win; b += 0x1000)
		if (b != 0x8000 && structure_starts(&r, b)) {
			win = b;
			break;
		}
	struct mtd_eeprom_info info;
	const uint8_t *block = NULL;
	if (!mtd_rd_bytes_at(&r, 0, win, &block) || mtd_eeprom_decode(block, win, &info))
		return MTD_ERR_NO_MATCH;
	size_t size = info.data_end;
	if (size < esize)
		size = esize < avail ? esize : avail;
	p->size = size;
	p->valid = true;
	mtd_probe_str(p, "chip", true, "%s", info.chip_name ? info.chip_name : chip);
	mtd_probe_hex(p, "chip_id", false, info.chip_id);
	mtd_probe_hex(p, "version", true, info.version);
	mtd_probe_str(p, "driver", false, "%s", info.driver ? info.driver : "");
	mtd_probe_hex(p, "eeprom_size", false, esize);
	mtd_probe_bool(p, "calibration", true, info.has_calibration);
	for (size_t i = 0; i < info.nmacs; i++) {
		char m[18];
		mtd_mac_format(info.macs[i].mac, m);
		mtd_probe_list_add(p, "macs", true, "0x%x=%s%s", info.macs[i].offset, m,
		                   info.macs[i].valid ? "" : "(invalid)");
	}
	if (info.second_offset) {
		const char *c2 = mtd_eeprom_chip_name(info.second_chip_id, NULL);
		mtd_probe_str(p, "second_chip", true, "%s@0x%x", c2 ? c2 : "?", info.second_offset);
		mtd_probe_hex(p, "second_chip_id", false, info.second_chip_id);
		mtd_probe_hex(p, "second_version", false, info.second_version);
		mtd_probe_bool(p, "second_calibration", false, info.second_has_calibration);
	}
	if (info.truncated) {
		mtd_probe_problem(p, "truncated: the %s EEPROM has 0x%x bytes, only 0x%zx present", chip, esize, avail);
		p->valid = false;
	}
	if (info.nmacs && !info.macs[0].valid)
		mtd_probe_problem(p, "MAC at 0x4 is not a usable address (erased, zero or multicast)");
	if (!info.has_calibration)
		mtd_probe_problem(p, "no calibration data after the EEPROM header (erased or default EEPROM)");
	return MTD_OK;
}

const struct mtd_format mtd_fmt_mtk_eeprom = {
    .name = "mtk-eeprom",
    .anchor_align = 4096,
    .probe = probe,
};
