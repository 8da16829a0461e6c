/* SPDX-License-Identifier: MIT */
/* /proc/mtd (partition sizes, erase sizes that tell NAND); /proc/cpuinfo, /proc/meminfo are patterns and facts_uboot.c
 * r_ram. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/device.h>
#include <mtdscope/reader.h>

#include "facts_int.h"
#include "kb.h"

/* /proc/mtd: "mtd0: 00400000 00010000 "ALL"" */
bool mtd_fx_try_proc_mtd(struct pctx *c)
{
	const char *p = c->s;
	if (strncmp(p, "mtd", 3) != 0 || !isdigit((unsigned char)p[3]))
		return false;
	p += 3;
	uint64_t idx, size, erase;
	if (!mtd_fx_parse_dec(&p, &idx) || *p != ':')
		return false;
	p = mtd_fx_skip_ws(p + 1);
	if (!mtd_fx_parse_hex(&p, &size))
		return false;
	p = mtd_fx_skip_ws(p);
	if (!mtd_fx_parse_hex(&p, &erase))
		return false;
	p = mtd_fx_skip_ws(p);
	if (*p != '"')
		return false;
	const char *q = strchr(p + 1, '"');
	if (!q)
		return false;
	if (idx == 0 || !c->proc_mtd_table || c->line - c->proc_mtd_line > 3) {
		c->proc_mtd_table = ++c->f->ntables;
	}
	c->proc_mtd_line = c->line;
	mtd_fx_add_part(c, c->proc_mtd_table, "/proc/mtd", p + 1, (size_t)(q - p - 1), false, 0, size, "proc-mtd");
	if (erase >= 0x20000 && erase <= 0x80000) {
		struct mtd_fact *x = mtd_fx_add(c, "flash_type", "proc-mtd", 30, "nand");
		if (x)
			x->note = "erase size of 128 KiB or more is NAND";
	}
	size_t nlen = (size_t)(q - p - 1);
	if ((nlen == 3 && strncasecmp(p + 1, "ALL", 3) == 0) || (nlen == 8 && strncmp(p + 1, "fullflash", 8) == 0))
		mtd_fx_add_size(c, "flash_size", "proc-mtd", 60, size, "size of the whole-chip partition");
	return true;
}
