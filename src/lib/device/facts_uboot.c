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
		/* nothing after the label, or what the loader printed first ("DRAM:  smem ram ptable found: ver: 1
		 * len: 4" on QCA U-Boot 2016.01, "DRAM:  sri" on LSDK) and not a size: the size is on a later line */
		const char *q = mtd_fx_skip_ws(p);
		if (!*q || !mtd_fx_parse_size_unit(&q, &b))
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
	/* RedBoot "RAM: 0x80000000-0xa0000000 [0x80037a60-0x9ffd0ffc available]": the range, wherever it starts */
	if (!strncmp(s, "RAM: 0x", 7)) {
		uint64_t a, e;
		p = s + 5;
		if (mtd_fx_parse_hex(&p, &a) && *p == '-' && (p++, mtd_fx_parse_hex(&p, &e)) && e > a &&
		    (*p == ',' || *p == ' ') && !((e - a) & (e - a - 1)) && e - a >= (1u << 20))
			mtd_fx_add_size(c, "ram", "u-boot", 80, e - a,
			                "RedBoot: the RAM range, its end less its start");
		return;
	}
	/* the kernel's memory map: "Initmem setup node 0 [mem 0x0000000000000000-0x0000000007ffffff]" spans the
	 * node, the zone line "Normal   [mem ...]" holds all RAM below the high-memory limit; a span that is not
	 * a power of two (holes, high memory elsewhere) says nothing about the module */
	const char *mem = strstr(s, "[mem 0x");
	int mw = 0;
	if (mem && !strncmp(s, "Initmem setup node 0 ", 21))
		mw = 65;
	else if (mem && !strncmp(s, "Normal ", 7) && mtd_fx_skip_ws(s + 7) == mem)
		mw = 50;
	if (mw) {
		uint64_t a, e;
		p = mem + 5;
		if (mtd_fx_parse_hex(&p, &a) && *p == '-' && (p++, mtd_fx_parse_hex(&p, &e)) && *p == ']' && e > a &&
		    e - a + 1 >= (1u << 20) && !((e - a + 1) & (e - a)))
			mtd_fx_add_size(c, "ram", "kernel", mw, e - a + 1,
			                mw == 65 ? "the kernel's memory node: its span"
			                         : "the kernel's Normal zone: all RAM below the high-memory limit");
		return;
	}
	if (strncmp(s, "Memory: ", 8) == 0 && (p = strchr(s, '/'))) {
		p++;
		if (mtd_fx_parse_dec(&p, &v) && (*p == 'k' || *p == 'K')) {
			/* the total counts only the memory the kernel maps: reserved-memory "no-map" regions (modem,
			 * TrustZone) and what lies behind an I/O window are not in it, so 236 MiB of a 256 MiB
			 * module is printed; modules are powers of two, so a total within a quarter below one is
			 * that module (384 MiB, three quarters of 512, stays as printed) */
			uint64_t mib = (v + 1023) / 1024, pow2 = 1;
			while (pow2 < mib)
				pow2 <<= 1;
			if (pow2 != mib && mib * 4 > pow2 * 3)
				mtd_fx_add_size(
				    c, "ram", "kernel", 75, pow2 << 20,
				    "the kernel's total rounded up to the module size (unmapped memory is not in it)");
			else
				mtd_fx_add_size(c, "ram", "kernel", 75, mib << 20, NULL); /* whole MiB */
		}
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

/* "m25p80 spi0.1: mx25l12805d (16384 Kbytes)" / "spi-nor spi0.0: w25q128 (16384 Kbytes)": remember the
 * device's size for a later "Concatenating MTD devices" block */
static void note_nor_device(struct pctx *c, const char *s)
{
	const char *p = NULL;
	if (!strncmp(s, "m25p80 ", 7))
		p = s + 7;
	else if (!strncmp(s, "spi-nor ", 8))
		p = s + 8;
	if (!p)
		return;
	size_t dl = strcspn(p, ": ");
	const char *q = strstr(p, " Kbytes)");
	const char *o = q ? q : p;
	while (o > p && o[-1] != '(')
		o--;
	uint64_t kb;
	if (!q || o == p || p[dl] != ':' || dl >= sizeof(c->nor_dev[0].dev) || !mtd_fx_parse_dec(&o, &kb) || o != q)
		return;
	int i = 0;
	while (i < c->n_nor_dev && (strlen(c->nor_dev[i].dev) != dl || strncmp(c->nor_dev[i].dev, p, dl)))
		i++;
	if (i == c->n_nor_dev) {
		if (i == (int)(sizeof(c->nor_dev) / sizeof(c->nor_dev[0])))
			return;
		c->n_nor_dev++;
	}
	memcpy(c->nor_dev[i].dev, p, dl);
	c->nor_dev[i].dev[dl] = 0;
	c->nor_dev[i].bytes = kb * 1024;
}

/* drivers/mtd/mtdconcat.c: "Concatenating MTD devices:", one "(N): "name"" a device, "into device "name"".
 * The flash is the sum of the devices when the kernel knows each one's size. */
static bool concat_block(struct pctx *c, const char *s)
{
	if (!strcmp(s, "Concatenating MTD devices:")) {
		c->concat_line = c->line;
		c->concat_n = 0;
		c->concat_sum = 0;
		c->concat_bad = false;
		return true;
	}
	if (!c->concat_line || c->line - c->concat_line > (uint32_t)c->concat_n + 2)
		return false;
	const char *p;
	if (s[0] == '(' && (p = strstr(s, "): \"")) != NULL) {
		p += 4;
		size_t n = strcspn(p, "\"");
		int i = 0;
		while (i < c->n_nor_dev && (strlen(c->nor_dev[i].dev) != n || strncmp(c->nor_dev[i].dev, p, n)))
			i++;
		if (i < c->n_nor_dev)
			c->concat_sum += c->nor_dev[i].bytes;
		else
			c->concat_bad = true; /* a device whose size the log does not give */
		c->concat_n++;
		return true;
	}
	if (!strncmp(s, "into device \"", 13)) {
		if (c->concat_n >= 2 && !c->concat_bad)
			mtd_fx_add_size(c, "flash_size", "kernel", 92, c->concat_sum,
			                "the kernel joins its flash chips into one MTD device (mtd-concat): their sum");
		c->concat_line = 0;
		return true;
	}
	return false;
}

/* one row of the Realtek boot code's flash table: "@ 0000000h 0c22015h ... 0200000h" or
 * "| 0 1c7015h  0h  200000h ... UNKNOWN|": the words between the frame characters */
static int rtk_words(const char *s, char w[12][12])
{
	int n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '@' || *s == '|')
			s++;
		if (!*s)
			break;
		size_t k = strcspn(s, " \t|");
		if (n == 12 || k >= 12)
			return -1;
		memcpy(w[n], s, k);
		w[n][k] = 0;
		n++;
		s += k;
	}
	return n;
}

/* "0c22015h" -> 0xc22015 */
static bool rtk_hex(const char *w, uint64_t *v)
{
	size_t n = strlen(w);
	if (n < 2 || w[n - 1] != 'h')
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		int d = mtd_fx_hexdig(w[i]);
		if (d < 0 || i >= 15)
			return false;
		x = x << 4 | (uint64_t)d;
	}
	*v = x;
	return true;
}

/* The Realtek RTL819x/RTL8196x boot code's SPI flash table: a row of column names ("chip__id",
 * "chipID", "chipSize", "chipName") and the row of values under it, in hex with an "h" suffix. */
static bool rtk_flash_table(struct pctx *c, const char *s)
{
	if (s[0] != '@' && s[0] != '|')
		return false;
	char w[12][12];
	int n = rtk_words(s, w);
	if (n < 3)
		return false;
	bool hdr = false;
	for (int i = 0; i < n; i++)
		hdr |= !strcmp(w[i], "chipSize") || !strcmp(w[i], "chip__id") || !strcmp(w[i], "chipID") ||
		       !strcmp(w[i], "chipName");
	if (hdr) {
		memcpy(c->rtk_cols, w, sizeof(w));
		c->rtk_ncols = n;
		c->rtk_hdr_line = c->line;
		return true;
	}
	if (!c->rtk_ncols || c->line != c->rtk_hdr_line + 1 || n != c->rtk_ncols)
		return false;
	c->rtk_ncols = 0;
	for (int i = 0; i < n; i++) {
		uint64_t v;
		const char *col = c->rtk_cols[i];
		if ((!strcmp(col, "chip__id") || !strcmp(col, "chipID")) && rtk_hex(w[i], &v) && v && v < (1u << 24) &&
		    v != 0xffffff) {
			mtd_fx_add_jedec(c, "boot-rom", 85, v, 6);
		} else if (!strcmp(col, "chipSize") && rtk_hex(w[i], &v) && v >= (64u << 10)) {
			mtd_fx_add_size(c, "flash_size", "boot-rom", 85, v, "the Realtek boot code's flash table");
			mtd_fx_add(c, "flash_type", "boot-rom", 70, "nor");
		} else if (!strcmp(col, "chipName") && strcmp(w[i], "UNKNOWN") &&
		           strcspn(w[i], "0123456789") < strlen(w[i])) {
			mtd_fx_add_chip(c, "boot-rom", 80, w[i], strlen(w[i]));
		}
	}
	return true;
}

/* the lines a QCA U-Boot prints between "NAND:  ONFI device found" and the size (the chip's id bytes,
 * the failed SPI NOR probe) */
#define NAND_SIZE_LINES 8

/*
 * A SPI NOR JEDEC id the kernel's table does not know ("flash manufacture id: 20, device id 40 18" then
 * "un-recognized chip ID"): the third byte is the capacity, 2^n bytes for 0x11..0x19 and, after 0x19,
 * 0x20..0x22 for 64..256 MiB.  Checked against data/flash-chips.tsv (Linux 6.1 spi-nor and flashrom):
 * 143 of the 145 NOR ids in that range follow it; Intel (0x89) and Spansion's 0x02 type byte encode the
 * size differently and are skipped; the two others are a two-die stack (W25M512JV) and the 64 KiB
 * IS25CD512.
 */
static uint64_t jedec_capacity(uint64_t id)
{
	unsigned m = (unsigned)(id >> 16) & 0xff, t = (unsigned)(id >> 8) & 0xff, n = (unsigned)id & 0xff;
	if (m == 0x00 || m == 0xff || m == 0x89 || (m == 0x01 && t == 0x02))
		return 0;
	if (n >= 0x11 && n <= 0x19)
		return 1ull << n;
	if (n >= 0x20 && n <= 0x22)
		return 1ull << (n - 6);
	return 0;
}

static void jedec_size(struct pctx *c)
{
	for (size_t i = c->f->n; i > 0 && c->f->v[i - 1].line == c->line && c->f->v[i - 1].file == c->file; i--) {
		const struct mtd_fact *x = &c->f->v[i - 1];
		if (strcmp(x->key, "flash_jedec") || strlen(x->value) != 6 || mtd_kb_flash_by_jedec(x->value))
			continue;
		uint64_t id = x->num, bytes = jedec_capacity(id);
		if (bytes)
			mtd_fx_add_size(c, "flash_size", x->layer, 45, bytes,
			                "from the capacity byte of a JEDEC id the kernel's table does not know");
		return;
	}
}

/* Flash facts that span lines or need state (single-line ones are patterns) */
void mtd_fx_r_flash(struct pctx *c)
{
	const char *s = c->s, *p;
	uint64_t b, v;
	jedec_size(c);
	note_nor_device(c, s);
	if (rtk_flash_table(c, s))
		return;
	if (concat_block(c, s))
		return;
	/* drivers/mtd/chips/gen_probe.c: a CFI probe ("physmap-flash.0: Found 1 x16 devices at 0x0 in 16-bit
	 * bank") then "Found an alias at 0x800000 for the chip at 0x0": the chip repeats through the map
	 * window, and the first alias is at the chip's size (the window, "physmap platform flash device:
	 * 02000000 at 1e000000", is only the mapping) */
	if (strstr(s, " devices at 0x0 in ") && strstr(s, "Found ")) {
		c->cfi_alias_done = false;
	} else if (!c->cfi_alias_done &&
	           ((p = mtd_fx_after(s, "Found an alias at 0x")) || (p = mtd_fx_after(s, "Found an alies 0x"))) &&
	           strstr(s, "for the chip at 0x0") && mtd_fx_parse_hex(&p, &v) && v) {
		/* "alies": the Realtek SDK kernel's copy of the same probe */
		mtd_fx_add_size(c, "flash_size", "kernel", 86, v,
		                "the chip repeats at this offset of the map window: its size (gen_probe alias)");
		c->cfi_alias_done = true;
		return;
	}
	/* RedBoot: "FLASH: 0xa8000000 - 0xa87f0000, 128 blocks of 0x00010000 bytes each." */
	if (!strncmp(s, "FLASH: 0x", 9) && (p = strstr(s, ", ")) != NULL) {
		uint64_t nb, bs;
		const char *q = p + 2;
		/* newer RedBoot: "FLASH: 0x40000000-0x43ffffff, 1024 x 0x10000 blocks" */
		size_t sep = 0;
		if (mtd_fx_parse_dec(&q, &nb))
			sep = !strncmp(q, " blocks of 0x", 13) ? 13 : !strncmp(q, " x 0x", 5) ? 5 : 0;
		if (sep && (q += sep, mtd_fx_parse_hex(&q, &bs)) && nb && bs && nb <= 65536 && bs <= (64u << 20) &&
		    mtd_mul_ov(nb, bs, &b)) {
			mtd_fx_add_size(c, "flash_size", "u-boot", 85, b, "RedBoot: blocks times block size");
			return;
		}
	}
	/* Atheros/Buffalo U-Boot: "flash bank #0 found 16 MB flash [W25Q128BV, blk:0x10000, sectors:256]" */
	if ((p = mtd_fx_after(s, "flash bank #")) && (p = strstr(p, " found ")) != NULL) {
		p += 7;
		if (mtd_fx_parse_size_unit(&p, &b)) {
			if (!c->bank_line || c->line - c->bank_line > 3 || !strncmp(s, "flash bank #0", 13)) {
				c->bank_sum = 0;
				c->banks = 0;
			}
			c->bank_sum += b;
			c->banks++;
			c->bank_line = c->line;
			const char *k = strchr(p, '[');
			if (k)
				mtd_fx_add_chip(c, "u-boot", 80, k + 1, strcspn(k + 1, ", ]"));
			mtd_fx_add_size(c, "flash_size", "u-boot", c->banks > 1 ? 87 : 84, c->bank_sum,
			                c->banks > 1 ? "the flash banks U-Boot found, added up" : NULL);
			return;
		}
	}
	/* QCA U-Boot: the SPI NOR probe fails ("SF: Unsupported flash IDs: ...", "ipq_spi: SPI Flash not
	 * found ...") and the size of the NAND devices it registered follows alone on the next line */
	if (!strncmp(s, "SF: Unsupported flash IDs", 25) || !strncmp(s, "ipq_spi: SPI Flash not found", 28)) {
		if (!c->nand_pending || c->line - c->nand_pending > NAND_SIZE_LINES)
			c->nand_sf_bytes = 0;
		c->nand_pending = c->line;
		return;
	}
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
	if (c->nand_pending && c->line - c->nand_pending <= NAND_SIZE_LINES) {
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
