/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * Sercomm / Netgear firmware header (the layout OpenWrt's firmware-utils
 * mksercommfw documents): 512 bytes before the (zipped) image: "sErCoMm" at
 * 0 and again at 63, the version 00 01 00 00 at 7, the hardware id (34 ASCII
 * bytes) at 11, the hardware revision (10) at 45, the software version
 * (big-endian) at 55, and at 511 a checksum byte that makes the 8-bit sum of
 * the whole file, header included, zero.  The header records no size: the
 * image runs to the end of its space, whose byte sum is checked, and what
 * follows the header is scanned inside.
 */

#define SC_HDR 512u

static bool ascii_field(const struct mtd_reader *r, size_t at, size_t n, char *out)
{
	size_t k = 0;
	for (; k < n; k++) {
		uint8_t c = mtd_rd_u8_at(r, at + k);
		if (!c)
			break;
		if (c < 0x20 || c > 0x7e)
			return false;
		out[k] = (char)c;
	}
	out[k] = 0;
	for (size_t i = k; i < n; i++)
		if (mtd_rd_u8_at(r, at + i))
			return false;
	return true;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	char hwid[35], hwver[11];
	if (avail < SC_HDR + 4 || !mtd_rd_eq_at(&r, 0, "sErCoMm", 7) || !mtd_rd_eq_at(&r, 63, "sErCoMm", 7) ||
	    !mtd_rd_eq_at(&r, 7, "\x00\x01\x00\x00", 4) || !ascii_field(&r, 11, 34, hwid) ||
	    !ascii_field(&r, 45, 10, hwver) || !hwid[0])
		return MTD_ERR_NO_MATCH;
	p->valid = true;
	p->size = avail;
	mtd_probe_str(p, "hw_id", true, "%s", hwid);
	if (hwver[0])
		mtd_probe_str(p, "hw_version", true, "%s", hwver);
	mtd_probe_hex(p, "sw_version", true, mtd_rd_be32_at(&r, 55));
	uint8_t sum = 0;
	for (uint64_t i = 0; i < avail; i++)
		sum = (uint8_t)(sum + mtd_rd_u8_at(&r, (size_t)i));
	mtd_probe_bool(p, "checksum_ok", false, sum == 0);
	if (sum) {
		mtd_probe_problem(p,
		                  "8-bit sum from the header to the end of its space is 0x%02x, not 0: damaged, cut or "
		                  "followed by other data",
		                  sum);
		p->valid = false;
	}
	mtd_probe_scan_range(p, p->off + SC_HDR, avail - SC_HDR);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_sercomm = {
    .name = "sercomm",
    .magics = {{"sErCoMm\x00\x01\x00\x00", 11, 0}},
    .probe = probe,
};
