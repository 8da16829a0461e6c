/* SPDX-License-Identifier: MIT */
/* Boot loader facts that need state across lines (single-line ones are in data/patterns/uboot.tsv). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/device.h>
#include <mtdscope/reader.h>

#include "facts_int.h"
#include "kb.h"

/* u-boot_mod: "CLOCKS: CPU/RAM/AHB/SPI/REF" then "400/400/200/ 25/ 25 MHz" on the next line */
void mtd_fx_r_clock(struct pctx *c)
{
	const char *s = c->s, *p;
	uint64_t v;
	if (strstr(s, "CPU/RAM/AHB")) {
		c->clocks_pending = c->line;
		return;
	}
	if (c->clocks_pending && c->line == c->clocks_pending + 1) {
		p = s;
		if (mtd_fx_parse_dec(&p, &v) && *p == '/' && strstr(p, "MHz"))
			mtd_fx_add_num(c, "cpu_mhz", "u-boot", 80, v, NULL);
		c->clocks_pending = 0;
	}
}

/* RAM facts spread over lines or tied to the part they are in (single-line ones are patterns) */
void mtd_fx_r_ram(struct pctx *c)
{
	const char *s = c->s, *p;
	uint64_t v, b = 0;
	/* U-Boot "DRAM:  " with the value on a later line (QCA DDR setup output in between) */
	if ((p = mtd_fx_after(s, "DRAM:")) && !strstr(s, "DRAM_")) {
		if (!*mtd_fx_skip_ws(p))
			c->dram_pending = c->line;
		return;
	}
	if (c->dram_pending && c->line - c->dram_pending <= 12) {
		const char *q = s;
		if (mtd_fx_parse_size_unit(&q, &b) && !*mtd_fx_skip_ws(q)) {
			mtd_fx_add_size(c, "ram", "u-boot", 90, b, "value printed after the DDR setup lines");
			c->dram_pending = 0;
			return;
		}
	}
	if (strncmp(s, "Memory: ", 8) == 0 && (p = strchr(s, '/'))) {
		p++;
		if (mtd_fx_parse_dec(&p, &v) && (*p == 'k' || *p == 'K'))
			mtd_fx_add_size(c, "ram", "kernel", 75, (v + 1023) / 1024 * 1024 * 1024, NULL); /* whole MiB */
		uint64_t avail;
		const char *q = s + 8;
		if (mtd_fx_parse_dec(&q, &avail) && (*q == 'k' || *q == 'K') && q[1] == '/') {
			char kb[40];
			snprintf(kb, sizeof(kb), "%llu kB", (unsigned long long)avail);
			struct mtd_fact *x = mtd_fx_add(c, "ram_usable", "kernel", 30, kb);
			if (x) {
				x->num = avail * 1024;
				x->has_num = true;
				x->note = "available to the kernel at boot";
			}
		}
	} else if (strncmp(s, "MemTotal:", 9) == 0) {
		p = mtd_fx_skip_ws(s + 9);
		if (mtd_fx_parse_dec(&p, &v)) {
			mtd_fx_add_size(c, "ram", "meminfo", 40, mtd_fx_round_up_pow2(v * 1024),
			                "MemTotal (usable RAM) rounded up");
			char kb[40];
			snprintf(kb, sizeof(kb), "%llu kB", (unsigned long long)v);
			struct mtd_fact *x = mtd_fx_add(c, "ram_usable", "meminfo", 40, kb);
			if (x) {
				x->num = v * 1024;
				x->has_num = true;
				x->note = "MemTotal: RAM left to the kernel after its own code and reservations";
			}
		}
	} else if ((strncmp(s, "Mem:", 4) == 0) && strcmp(c->context, "free") == 0) {
		p = mtd_fx_skip_ws(s + 4);
		if (mtd_fx_parse_dec(&p, &v))
			mtd_fx_add_size(c, "ram", "free", 35, mtd_fx_round_up_pow2(v * 1024),
			                "free's total (usable RAM) rounded up");
	}
}

/* Flash facts that span lines or need state (single-line ones are patterns) */
void mtd_fx_r_flash(struct pctx *c)
{
	const char *s = c->s, *p;
	uint64_t b, v;
	/* U-Boot "NAND:  " (or "NAND:  ONFI device found") with the size on a following line */
	if (!strncmp(s, "NAND:", 5)) {
		const char *q = mtd_fx_skip_ws(s + 5);
		if (!mtd_fx_parse_size_unit(&q, &b) && !strstr(s, "SPINAND ID")) {
			c->nand_pending = c->line;
			/* QCA U-Boot registers the SPI NOR as a NAND device and prints the sum of both
			 * on the next line: "NAND:  SF: Detected W25Q128FW ..., total 16 MiB" / "144 MiB" */
			const char *t = strstr(s, "SF: Detected");
			c->nand_sf_bytes = 0;
			if (t && (t = strstr(t, "total ")) != NULL) {
				t += 6;
				if (!mtd_fx_parse_size_unit(&t, &c->nand_sf_bytes))
					c->nand_sf_bytes = 0;
			}
		}
		return;
	}
	if (strstr(s, "NAND flash:") && strstr(s, "Found a")) {
		c->nand_pending = c->line;
		return;
	}
	if (c->nand_pending && c->line - c->nand_pending < 4 && (p = mtd_fx_after(s, "Total size:")) &&
	    mtd_fx_parse_size_unit(&p, &b)) {
		mtd_fx_add_size(c, "flash_size_nand", "kernel", 85, b, NULL);
		c->nand_pending = 0;
		return;
	}
	if (c->nand_pending && c->line - c->nand_pending <= 3) {
		const char *q = s;
		if (mtd_fx_parse_size_unit(&q, &b) && !*mtd_fx_skip_ws(q)) {
			if (c->nand_sf_bytes && b > c->nand_sf_bytes)
				mtd_fx_add_size(c, "flash_size_nand", "u-boot", 85, b - c->nand_sf_bytes,
				                "U-Boot's NAND total less the SPI NOR it counted in");
			else
				mtd_fx_add_size(c, "flash_size_nand", "u-boot", 85, b, NULL);
			c->nand_sf_bytes = 0;
			c->nand_pending = 0;
			return;
		}
	}
	/* Realtek RTL8196C boot ROM: "1.Manufacture ID=0xef" ... "4.Winbond SPI (4 MByte)!" */
	if ((p = mtd_fx_after(s, "Manufacture ID=")) || (p = mtd_fx_after(s, "Device ID=")) ||
	    (p = mtd_fx_after(s, "Capacity ID="))) {
		int idx = s[0] == '1' ? 0 : s[0] == '2' ? 1 : s[0] == '3' ? 2 : -1;
		if (idx >= 0 && mtd_fx_parse_hex(&p, &v) && v < 256) {
			c->rtk_id[idx] = (unsigned)v;
			c->rtk_have |= 1 << idx;
			if (c->rtk_have == 7) {
				mtd_fx_add_jedec(c, "boot-rom", 85,
				                 (uint64_t)c->rtk_id[0] << 16 | c->rtk_id[1] << 8 | c->rtk_id[2], 6);
				c->rtk_have = 0;
			}
		}
		return;
	}
	if (s[0] == '4' && s[1] == '.' && (p = strstr(s, "SPI (")) && (p += 5, mtd_fx_parse_size_unit(&p, &b))) {
		mtd_fx_add_size(c, "flash_size", "boot-rom", 85, b, NULL);
		mtd_fx_add(c, "flash_type", "boot-rom", 80, "nor");
		return;
	}
	/* Realtek RTL8197F: "found xm25qh128a" alone, then "xm25qh128a, size=16MB, erasesize=4KB" */
	if (strncmp(s, "found ", 6) == 0 && strlen(s) < 30 && strcspn(s + 6, "0123456789") < strcspn(s + 6, " ")) {
		mtd_fx_add_chip(c, "boot-rom", 80, s + 6, strcspn(s + 6, " "));
		return;
	}
	if ((p = mtd_fx_after(s, ", size=")) && strstr(s, "erasesize")) {
		mtd_fx_add_chip(c, "boot-rom", 80, s, strcspn(s, ","));
		if (mtd_fx_parse_size_unit(&p, &b))
			mtd_fx_add_size(c, "flash_size", "boot-rom", 85, b, NULL);
		return;
	}
	if ((p = mtd_fx_after(s, "mtd: partition \"")) && strstr(s, "truncated to ")) {
		const char *q = strchr(p, '"');
		const char *t = mtd_fx_after(s, "truncated to ");
		if (q && t && mtd_fx_parse_hex(&t, &v)) {
			struct mtd_fact *x =
			    mtd_fx_add(c, "partition_truncated", "kernel", 90, mtd_fx_dupn(c, p, (size_t)(q - p)));
			if (x) {
				x->num = v;
				x->has_num = true;
				x->note = "the partition table is larger than the flash chip";
				x->size = v;
			}
		}
		return;
	}
	/* "mtd: partition "rootfs" created automatically, ofs=350000, len=CB0000" */
	if ((p = mtd_fx_after(s, "mtd: partition \"")) && strstr(s, "created automatically")) {
		const char *q = strchr(p, '"');
		const char *o = mtd_fx_after(s, "ofs=");
		const char *l = mtd_fx_after(s, "len=");
		uint64_t off, len;
		if (q && o && l && mtd_fx_parse_hex(&o, &off) && mtd_fx_parse_hex(&l, &len)) {
			int t = ++c->f->ntables;
			mtd_fx_add_part(c, t, "split", p, (size_t)(q - p), true, off, len, "kernel");
		}
		return;
	}
}

/* U-Boot menus ("2: Load system code then write to Flash via TFTP."), tftpboot at a prompt */
void mtd_fx_r_boot(struct pctx *c)
{
	const char *s = c->s;
	bool menu = isdigit((unsigned char)s[0]) && (s[1] == ':' || (s[1] == ')' && s[2] == ' '));
	if ((menu && strstr(s, "TFTP")) || strncmp(s, "tftpboot", 8) == 0 || strncmp(s, "TFTP from server", 16) == 0 ||
	    strncmp(s, "Using eth0 device", 17) == 0)
		mtd_fx_add(c, "tftp", "u-boot", menu ? 70 : 50, "yes");
}

/* port roles U-Boot sets on the switch ("set LAN/WAN WLLLL") */
void mtd_fx_r_ethernet(struct pctx *c)
{
	const char *p = mtd_fx_after(c->s, "set LAN/WAN ");
	if (p) {
		size_t n = strspn(p, "LW");
		if (n >= 1 && n <= 8)
			mtd_fx_add_num(c, "eth_ports", "u-boot", 40, n,
			               "switch port roles set by U-Boot (not all may be on the case)");
	}
}
