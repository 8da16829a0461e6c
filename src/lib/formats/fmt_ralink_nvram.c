/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <mtdscope/unitdata.h>

#include "format.h"

/*
 * Ralink/MediaTek SDK nvram (lib/libnvram in the SDK), the Config
 * partition: blocks named after the SDK profile ("2860" for the main radio
 * and the router settings, "rtdev" for a second radio, "cert", "wapi"), each
 * a little-endian CRC-32 over the rest of the block, then NUL-separated
 * key=value text, zero padding.  Block sizes are multiples of 0x1000
 * (0x1000..0x5000 in the SDKs).  The name is not stored: it is read from the
 * keys (LAN/WAN settings: 2860; wireless only: rtdev).
 */

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	const uint8_t *base = NULL;
	mtd_probe_reader(p, &r);
	size_t avail = mtd_rd_left(&r);
	if (avail < 8 || !mtd_rd_bytes_at(&r, 0, avail, &base))
		return MTD_ERR_NO_MATCH;
	uint8_t c = mtd_rd_u8_at(&r, 4);
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
		return MTD_ERR_NO_MATCH;
	struct mtd_env_measure m;
	if (mtd_env_measure(base, avail, 0x1000, 0x10000, &m) || m.redundant || (!m.crc_ok && p->space >= 0))
		return MTD_ERR_NO_MATCH;
	struct mtd_env e;
	struct mtd_diag diag;
	if (mtd_env_parse(base, avail, m.size, 0, &e, &diag))
		return MTD_ERR_NO_MATCH;
	const char *name = mtd_env_nvram_block(&e);
	if (!name) {
		mtd_env_release(&e);
		return MTD_ERR_NO_MATCH;
	}
	p->size = m.size;
	p->valid = m.crc_ok;
	mtd_probe_str(p, "block", true, "%s", name);
	mtd_probe_u64(p, "keys", true, e.nvars);
	mtd_probe_hex(p, "block_size", true, m.size);
	mtd_probe_bool(p, "crc_ok", true, m.crc_ok);
	mtd_probe_hex(p, "crc", false, m.crc_stored);
	static const char *const shown[] = {"HostName", "lan_ipaddr", "SSID1", "WirelessMode", "CountryCode", NULL};
	for (size_t i = 0; shown[i]; i++) {
		const char *v = mtd_env_get(&e, shown[i]);
		if (v)
			mtd_probe_str(p, shown[i], i < 3, "%.100s", v);
	}
	if (!m.crc_ok)
		mtd_probe_problem(
		    p, "CRC 0x%08x stored, no block size from 0x1000 to 0x10000 gives it; size 0x%zx is a guess",
		    m.crc_stored, m.size);
	mtd_env_release(&e);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_ralink_nvram = {
    .name = "ralink-nvram",
    .anchor_align = 4096,
    .probe = probe,
};
