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

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The flash size a /proc/mtd table without a whole-chip entry gives: the sum of the partitions of one
 * device (one kind of erase block: NOR below 128 KiB, NAND from it), less the partitions the kernel
 * split out of another one.  A run of entries right after a partition whose sizes add up to it
 * exactly is inside it ("firmware" = "kernel" + "rootfs" of uimage-fw); an entry right after such a
 * child that is smaller than it is its tail ("rootfs_data" of squashfs-split).  The table covers the
 * device only when it starts at 0 and leaves no gap, which /proc/mtd does not show: a sum that is a
 * power of two is taken as the chip, and the fact says it is a sum. */
static void proc_mtd_sum(struct pctx *c, bool nand)
{
	bool child[64] = {false};
	int idx[64], n = 0;
	for (int i = 0; i < c->npm; i++)
		if ((c->pm[i].erase >= 0x20000) == nand)
			idx[n++] = i;
	if (n < 2)
		return;
	for (int a = 0; a < n; a++) {
		if (child[a])
			continue;
		uint64_t want = c->pm[idx[a]].size, sum = 0;
		int b = a + 1;
		while (b < n && sum < want)
			sum += c->pm[idx[b++]].size;
		if (sum == want && b > a + 2)
			for (int k = a + 1; k < b; k++)
				child[k] = true;
	}
	for (int pass = 0; pass < 2; pass++) {
		uint64_t total = 0;
		int parts = 0;
		for (int k = 0; k < n; k++)
			if (!child[k]) {
				total += c->pm[idx[k]].size;
				parts++;
			}
		if (pow2(total) && total >= (1u << 20) && parts >= 2) {
			mtd_fx_add_size(c, nand ? "flash_size_nand" : "flash_size", "proc-mtd", 50, total,
			                nand ? "the sum of the NAND partitions of /proc/mtd (no whole-chip entry; "
			                       "taken as the chip only because it is a power of two)"
			                     : "the sum of the partitions of /proc/mtd (no whole-chip entry; taken "
			                       "as the chip only because it is a power of two)");
			return;
		}
		/* the tails of the split-out children */
		bool more = false;
		for (int k = 1; k < n; k++)
			if (!child[k] && child[k - 1] && c->pm[idx[k]].size < c->pm[idx[k - 1]].size)
				child[k] = more = true;
		if (!more)
			return;
	}
}

/* the end of a /proc/mtd table (another table begins, or the file ends) */
void mtd_fx_proc_mtd_end(struct pctx *c)
{
	if (!c->npm) {
		return;
	}
	bool whole = false;
	for (size_t i = 0; i < c->f->n; i++) {
		const struct mtd_fact *x = &c->f->v[i];
		if (!strcmp(x->layer, "proc-mtd") && !strcmp(x->key, "flash_size") && x->line >= c->pm_first_line &&
		    x->file == c->file)
			whole = true;
	}
	if (!whole && !c->pm_overflow) {
		const char *s = c->s, *text = c->text;
		uint32_t line = c->line;
		c->s = c->pm_text;
		c->text = NULL;
		c->line = c->pm_first_line;
		proc_mtd_sum(c, false);
		proc_mtd_sum(c, true);
		c->s = s;
		c->text = text;
		c->line = line;
	}
	c->npm = 0;
	c->pm_overflow = false;
}

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
		mtd_fx_proc_mtd_end(c);
		c->proc_mtd_table = ++c->f->ntables;
		c->pm_first_line = c->line;
		snprintf(c->pm_text, sizeof(c->pm_text), "%s", c->s);
	}
	c->proc_mtd_line = c->line;
	if (c->npm < (int)(sizeof(c->pm) / sizeof(c->pm[0]))) {
		c->pm[c->npm].size = size;
		c->pm[c->npm].erase = erase;
		c->npm++;
	} else {
		c->pm_overflow = true;
	}
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
