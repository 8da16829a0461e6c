/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <mtdscope/unitdata.h>

#include "format.h"

/*
 * U-Boot environment: CRC-32, an optional flag byte (redundant copies), then
 * NUL-separated name=value text and padding.  No magic: tried at every 4 KiB.
 * The size is the one (a multiple of 0x1000 from 0x1000 to 0x20000) whose
 * CRC holds; the Ralink SDK nvram blocks share the layout and are left to
 * ralink-nvram (decided by their keys).
 */

static void detail_var(struct mtd_probe *p, const struct mtd_env *e, const char *name, bool brief)
{
	const char *v = mtd_env_get(e, name);
	if (v)
		mtd_probe_str(p, name, brief, "%.200s", v);
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	const uint8_t *base = NULL;
	mtd_probe_reader(p, &r);
	size_t avail = mtd_rd_left(&r);
	if (avail < 8 || !mtd_rd_bytes_at(&r, 0, avail, &base))
		return MTD_ERR_NO_MATCH;
	/* cheap: a name character right after the CRC or after the flag byte */
	uint8_t c4 = mtd_rd_u8_at(&r, 4), c5 = mtd_rd_u8_at(&r, 5);
	bool n4 =
	    (c4 >= 'a' && c4 <= 'z') || (c4 >= 'A' && c4 <= 'Z') || (c4 >= '0' && c4 <= '9') || c4 == '_' || c4 == '.';
	bool n5 =
	    (c5 >= 'a' && c5 <= 'z') || (c5 >= 'A' && c5 <= 'Z') || (c5 >= '0' && c5 <= '9') || c5 == '_' || c5 == '.';
	if (!n4 && !n5)
		return MTD_ERR_NO_MATCH;
	struct mtd_env_measure m;
	if (mtd_env_measure(base, avail, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m))
		return MTD_ERR_NO_MATCH;
	/* without a CRC that holds, only the flash itself is a plausible place */
	if (!m.crc_ok && p->space >= 0)
		return MTD_ERR_NO_MATCH;
	struct mtd_env e;
	struct mtd_diag diag;
	if (mtd_env_parse(base, avail, m.size, m.redundant, &e, &diag))
		return MTD_ERR_NO_MATCH;
	if (mtd_env_nvram_block(&e)) {
		mtd_env_release(&e);
		return MTD_ERR_NO_MATCH;
	}
	p->size = m.size;
	p->valid = m.crc_ok;
	mtd_probe_hex(p, "env_size", true, m.size);
	mtd_probe_bool(p, "redundant", true, m.redundant);
	if (m.redundant)
		mtd_probe_u64(p, "flag", false, m.flag);
	mtd_probe_bool(p, "crc_ok", true, m.crc_ok);
	mtd_probe_hex(p, "crc", false, m.crc_stored);
	mtd_probe_u64(p, "vars", true, e.nvars);
	detail_var(p, &e, "bootcmd", true);
	detail_var(p, &e, "ipaddr", true);
	detail_var(p, &e, "serverip", true);
	detail_var(p, &e, "bootargs", false);
	detail_var(p, &e, "ethaddr", false);
	detail_var(p, &e, "mtdparts", false);
	if (!m.crc_ok)
		mtd_probe_problem(p,
		                  "CRC 0x%08x stored, no environment size from 0x1000 to 0x20000 gives it (0x%08x over "
		                  "0x%zx bytes); size 0x%zx is a guess from the text",
		                  m.crc_stored, m.crc_computed, m.size, m.size);
	mtd_env_release(&e);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_uboot_env = {
    .name = "uboot-env",
    .anchor_align = 4096,
    .probe = probe,
};
