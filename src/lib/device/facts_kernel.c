/* SPDX-License-Identifier: MIT */
/* Kernel log facts: partition tables (flat, nested, command line), the kernel banner and command line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/device.h>
#include <mtdscope/reader.h>

#include "facts_int.h"
#include "kb.h"

void mtd_fx_new_table(struct pctx *c, const char *name)
{
	c->table = ++c->f->ntables;
	c->table_line = c->line;
	c->next_table_name = name;
}

void mtd_fx_add_part(struct pctx *c, int table, const char *tname, const char *name, size_t nlen, bool has_off,
                     uint64_t off, uint64_t size, const char *layer)
{
	struct mtd_fact *x = mtd_fx_add(c, "partition", layer, 80, mtd_fx_dupn(c, name, nlen));
	if (!x)
		return;
	x->table = table;
	x->table_name = tname ? tname : "";
	x->has_offset = has_off;
	x->offset = off;
	x->size = size;
	x->num = size;
	x->has_num = true;
}

/* "0x000000000000-0x000000400000 : "ALL"" */
bool mtd_fx_try_part_range(struct pctx *c)
{
	const char *p = c->s;
	uint64_t a, b;
	if (p[0] != '0' || p[1] != 'x' || !mtd_fx_parse_hex(&p, &a) || *p != '-')
		return false;
	p++;
	if (!mtd_fx_parse_hex(&p, &b))
		return false;
	p = mtd_fx_skip_ws(p);
	if (*p != ':')
		return false;
	p = mtd_fx_skip_ws(p + 1);
	if (*p != '"')
		return false;
	const char *q = strchr(p + 1, '"');
	if (!q)
		return false;
	/* malformed end (vendor kernels print short ends): size unknown */
	uint64_t size = b > a ? b - a : 0;
	if (c->nested) {
		/* offsets may be absolute (4.x) or relative to the parent (newer kernels) */
		bool abs_in = a >= c->nested_off && b <= c->nested_off + c->nested_size && b > a;
		bool rel_in = a < c->nested_off && b <= c->nested_size;
		if (abs_in || rel_in) {
			mtd_fx_add_part(c, c->nested, c->nested_name, p + 1, (size_t)(q - p - 1), true, a, size,
			                "kernel");
			c->table_line = c->line;
			return true;
		}
		c->nested = 0; /* back to the flash's own table */
	}
	if (!c->table || c->line - c->table_line > 300 || c->table_line == 0)
		mtd_fx_new_table(c, c->creating_name ? c->creating_name : "listing");
	c->table_line = c->line;
	const char *tname = c->creating_name ? c->creating_name : "listing";
	mtd_fx_add_part(c, c->table, tname, p + 1, (size_t)(q - p - 1), true, a, size,
	                c->in_kernel ? "kernel" : "listing");
	return true;
}

/* mtdparts=dev:128k(u-boot)ro,1024k(kernel),-(rootfs) */
void mtd_fx_parse_mtdparts(struct pctx *c, const char *p, const char *layer)
{
	const char *colon = strchr(p, ':');
	if (!colon)
		return;
	const char *dev = mtd_fx_dupn(c, p, (size_t)(colon - p));
	int table = ++c->f->ntables;
	p = colon + 1;
	uint64_t off = 0;
	for (int n = 0; n < 64 && *p && *p != ' '; n++) {
		uint64_t size = 0;
		bool rest = false;
		if (*p == '-') {
			rest = true;
			p++;
		} else {
			uint64_t v;
			if (!mtd_fx_parse_dec(&p, &v))
				return;
			uint64_t m = 1;
			if (*p == 'k' || *p == 'K')
				m = 1024, p++;
			else if (*p == 'm' || *p == 'M')
				m = 1u << 20, p++;
			else if (*p == 'g' || *p == 'G')
				m = 1u << 30, p++;
			if (!mtd_mul_ov(v, m, &size))
				return;
		}
		if (*p == '@') {
			p++;
			uint64_t o;
			if (!(p[0] == '0' && p[1] == 'x' ? mtd_fx_parse_hex(&p, &o) : mtd_fx_parse_dec(&p, &o)))
				return;
			if (*p == 'k' || *p == 'K')
				o *= 1024, p++;
			else if (*p == 'm' || *p == 'M')
				o <<= 20, p++;
			off = o;
		}
		if (*p != '(')
			return;
		const char *q = strchr(p, ')');
		if (!q)
			return;
		mtd_fx_add_part(c, table, "mtdparts", p + 1, (size_t)(q - p - 1), true, off, rest ? 0 : size, layer);
		if (c->f->n && rest)
			c->f->v[c->f->n - 1].note = "takes the rest of the chip";
		p = q + 1;
		if (strncmp(p, "ro", 2) == 0)
			p += 2;
		if (strncmp(p, "lk", 2) == 0)
			p += 2;
		uint64_t end;
		if (!rest && mtd_add_ov(off, size, &end))
			off = end;
		if (*p != ',')
			break;
		p++;
		(void)dev;
	}
	(void)dev;
}

void mtd_fx_r_partitions(struct pctx *c)
{
	const char *s = c->s, *p;
	if ((p = mtd_fx_after(s, "MTD partitions on \"")) ||
	    (strstr(s, " partitions found on MTD device ") &&
	     (p = mtd_fx_after(s, " partitions found on MTD device ")))) {
		size_t n = strcspn(p, "\":");
		const char *name = mtd_fx_dupn(c, p, n);
		/* on a partition of the table being read, or of the nested one: a nested table */
		const struct mtd_fact *parent = NULL;
		for (size_t i = c->f->n; i-- > 0 && c->table;) {
			const struct mtd_fact *x = &c->f->v[i];
			if (!strcmp(x->key, "partition") &&
			    (x->table == c->table || (c->nested && x->table == c->nested)) && x->has_offset &&
			    !strcmp(x->value, name)) {
				parent = x;
				break;
			}
		}
		if (parent) {
			if (!c->nested || strcmp(c->nested_name, name)) {
				c->nested = ++c->f->ntables;
				/* rootfs_data split off a squashfs rootfs belongs to the layout like "created
				 * automatically" */
				c->nested_name = strstr(s, "squashfs-split") ? "split" : name;
				c->nested_off = parent->offset;
				c->nested_size = parent->size;
			}
			return;
		}
		if (c->creating_name && !strcmp(c->creating_name, name) && c->line - c->table_line <= 2)
			return; /* "N ... found on X" then "Creating N ... on X": one table */
		c->nested = 0;
		c->creating_name = name;
		mtd_fx_new_table(c, name);
		return;
	}
	if (mtd_fx_try_part_range(c) || mtd_fx_try_proc_mtd(c))
		return;
	if ((p = strstr(s, "mtdparts="))) {
		const char *last = p;
		while ((p = strstr(last + 9, "mtdparts=")) && p == last + 9)
			last = p; /* U-Boot's "mtdparts=mtdparts=..." */
		mtd_fx_parse_mtdparts(c, last + 9,
		                      strstr(s, "Kernel command line") ? "cmdline"
		                      : c->in_kernel                   ? "kernel"
		                                                       : "u-boot");
	}
}

void mtd_fx_r_kernel(struct pctx *c)
{
	const char *s = c->s, *p;
	if ((p = mtd_fx_after(s, "Linux version "))) {
		c->in_kernel = true;
		size_t n = strcspn(p, " ");
		mtd_fx_add(c, "kernel", "kernel", 90, mtd_fx_dupn(c, p, n));
		const char *g = strstr(p, "(gcc version ");
		if (g) {
			g += 1;
			const char *e = strstr(g, ") #");
			if (!e)
				e = strstr(g, " #");
			size_t m = e ? (size_t)(e - g) : strlen(g);
			struct mtd_fact *x = mtd_fx_add(c, "toolchain", "kernel", 90, mtd_fx_trimmed(c, g, g + m));
			(void)x;
		}
		if (strstr(s, "OpenWrt") || strstr(s, "LEDE"))
			mtd_fx_add(c, "firmware", "kernel", 50,
			           strstr(s, "LEDE") ? "OpenWrt/LEDE-based (built with its toolchain)"
			                             : "OpenWrt-based (built with its toolchain)");
		return;
	}
	if ((p = mtd_fx_after(s, "Kernel command line: "))) {
		mtd_fx_add(c, "cmdline", "kernel", 90, mtd_fx_trimmed(c, p, NULL));
		const char *q = p;
		while ((q = strstr(q, "console="))) {
			q += 8;
			size_t n = strcspn(q, " ");
			if (n && strncmp(q, "null", 4))
				mtd_fx_add(c, "console", "cmdline", 80, mtd_fx_dupn(c, q, n));
		}
		if ((q = strstr(p, "mem=")) && (q == p || q[-1] == ' ')) {
			q += 4;
			uint64_t b;
			if (mtd_fx_parse_size_unit(&q, &b))
				mtd_fx_add_size(c, "ram", "cmdline", 50, b, "mem= on the kernel command line");
		}
		return;
	}
	if ((p = strstr(s, "OpenWrt ")) && (isdigit((unsigned char)p[8]) || !strncmp(p + 8, "SNAPSHOT", 8)) &&
	    !strstr(s, "GCC")) {
		size_t n = 8 + strcspn(p + 8, " ,;)'\"");
		mtd_fx_add(c, "firmware", c->in_kernel ? "shell" : "u-boot", 70, mtd_fx_dupn(c, p, n));
		return;
	}
	if ((p = mtd_fx_after(s, "DISTRIB_DESCRIPTION=")) || (p = mtd_fx_after(s, "DISTRIB_RELEASE="))) {
		mtd_fx_add(c, "firmware", "shell", 80, mtd_fx_trimmed(c, p + (*p == '\'' || *p == '"'), NULL));
		return;
	}
	if ((p = mtd_fx_after(s, "BusyBox v")) && strstr(s, "built-in shell")) {
		char buf[48];
		snprintf(buf, sizeof(buf), "BusyBox %.*s", (int)strcspn(p, " "), p);
		mtd_fx_add(c, "firmware", "shell", 30, buf);
		return;
	}
	if (strstr(s, "on \"raspi\"") || strstr(s, ".name = raspi") || strstr(s, "Ralink APSoC Ethernet") ||
	    strstr(s, "Ralink UBoot"))
		mtd_fx_add(c, "firmware", mtd_fx_kernel_or(c, "u-boot"), 60, "MediaTek/Ralink vendor SDK");
}

/* ARM cores by the main ID register the kernel prints ("CPU: ARMv7 Processor [413fc090]") */
void mtd_fx_r_cpu(struct pctx *c)
{
	const char *s = c->s, *p;
	if ((p = mtd_fx_after(s, "CPU: ARMv7 Processor [")) || (p = mtd_fx_after(s, "CPU: AArch64 Processor ["))) {
		static const struct {
			const char *id, *name;
		} arm[] = {{"413fc09", "ARM Cortex-A9"}, {"410fc07", "ARM Cortex-A7"},  {"410fd03", "ARM Cortex-A53"},
		           {"410fc05", "ARM Cortex-A5"}, {"411fd07", "ARM Cortex-A57"}, {"410fd08", "ARM Cortex-A72"}};
		for (size_t i = 0; i < sizeof(arm) / sizeof(arm[0]); i++)
			if (strncasecmp(p, arm[i].id, strlen(arm[i].id)) == 0)
				mtd_fx_add(c, "cpu", "kernel", 80, arm[i].name);
	}
}
