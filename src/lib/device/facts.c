/* SPDX-License-Identifier: MIT */
/*
 * Facts from pasted text.  Each line is cleaned of what real posts put in front of it
 * (timestamps, logread/syslog prefixes, printk levels, shell prompts, forum indentation),
 * then offered to a list of small recognisers, each guarded by a cheap literal test.
 * Every fact keeps the file, the line number and the cleaned line.  LOG-FORMATS.md in
 * ../shared/docs lists the formats these recognisers come from.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/device.h>
#include <mtdscope/reader.h>

#include "kb.h"

#define LINE_MAX_LEN 1024
#define TEXT_MAX     200

struct pctx {
	struct mtd_facts *f;
	const char *file; /* arena copy */
	uint32_t line;
	const char *s;       /* cleaned line */
	const char *text;    /* arena copy of s, made on first fact */
	const char *context; /* part kind the line belongs to */
	bool in_kernel;
	/* multi-line states */
	int table;           /* current partition table, 0 none */
	uint32_t table_line; /* last line a partition was added to it */
	const char *next_table_name;
	const char *creating_name; /* "Creating N MTD partitions on X" */
	/* a table on a partition ("2 uimage-fw partitions found on MTD device firmware") */
	int nested;
	const char *nested_name;
	uint64_t nested_off, nested_size;
	int proc_mtd_table;
	uint32_t proc_mtd_line;
	uint32_t dram_pending, nand_pending, clocks_pending;
	unsigned rtk_id[3];
	int rtk_have;
	bool oom;
	bool line_had_facts;
	unsigned prose_lines;
	char (*mkeys)[48]; /* normalised model names of the OpenWrt index ("mr600v2"), made on first use */
	bool mkeys_failed;
};

/* ---- small text helpers ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool parse_dec(const char **pp, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;
	int n = 0;
	while (isdigit((unsigned char)*p) && n < 18) {
		x = x * 10 + (uint64_t)(*p - '0');
		p++;
		n++;
	}
	if (!n || isdigit((unsigned char)*p))
		return false;
	*v = x;
	*pp = p;
	return true;
}

static int hexdig(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* hex with optional 0x, at most 16 digits */
static bool parse_hex(const char **pp, uint64_t *v)
{
	const char *p = *pp;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hexdig(p[2]) >= 0)
		p += 2;
	uint64_t x = 0;
	int n = 0;
	while (hexdig(*p) >= 0 && n < 16) {
		x = x * 16 + (uint64_t)hexdig(*p);
		p++;
		n++;
	}
	if (!n || hexdig(*p) >= 0)
		return false;
	*v = x;
	*pp = p;
	return true;
}

/* A unit after a number: bytes multiplier, or 0 when none is recognised. */
static uint64_t unit_mult(const char **pp)
{
	const char *p = skip_ws(*pp);
	static const struct {
		const char *u;
		uint64_t m;
	} units[] = {
	    {"Mbits", 1u << 17},  {"Mbit", 1u << 17},  {"MBytes", 1u << 20},
	    {"Mbytes", 1u << 20}, {"MByte", 1u << 20}, {"MiB", 1u << 20},
	    {"MB", 1u << 20},     {"Kbytes", 1024},    {"KBytes", 1024},
	    {"KiB", 1024},        {"KB", 1024},        {"kB", 1024},
	    {"GiB", 1u << 30},    {"GB", 1u << 30},    {"bytes", 1},
	    {"M", 1u << 20},      {"m", 1u << 20},     {"K", 1024},
	    {"k", 1024},          {"G", 1u << 30},     {"B", 1},
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].u);
		if (strncmp(p, units[i].u, n) == 0 && !isalpha((unsigned char)p[n])) {
			*pp = p + n;
			return units[i].m;
		}
	}
	return 0;
}

/* number + unit at p → bytes */
static bool parse_size_unit(const char **pp, uint64_t *bytes)
{
	const char *p = skip_ws(*pp);
	uint64_t v;
	if (!parse_dec(&p, &v))
		return false;
	if (*p == '.') { /* "16.0 MB": drop the fraction */
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	uint64_t m = unit_mult(&p);
	if (!m || !mtd_mul_ov(v, m, bytes))
		return false;
	*pp = p;
	return true;
}

static const char *after(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);
	return p ? p + strlen(needle) : NULL;
}

static uint64_t round_up_pow2(uint64_t v)
{
	uint64_t p = 1u << 20;
	while (p < v && p < (1ull << 40))
		p <<= 1;
	return p;
}

/* ---- adding facts ---- */

static struct mtd_fact *add(struct pctx *c, const char *key, const char *layer, int weight, const char *value)
{
	struct mtd_facts *f = c->f;
	if (c->oom || f->n >= MTD_FACTS_MAX_FACTS)
		return NULL;
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 64;
		struct mtd_fact *nv = mtd_realloc_array(f->v, ncap, sizeof(*nv));
		if (!nv) {
			c->oom = true;
			return NULL;
		}
		f->v = nv;
		f->cap = ncap;
	}
	if (!c->text) {
		c->text = mtd_arena_strndup(&f->arena, c->s, TEXT_MAX);
		if (!c->text) {
			c->oom = true;
			return NULL;
		}
	}
	struct mtd_fact *x = &f->v[f->n];
	memset(x, 0, sizeof(*x));
	x->key = key;
	x->layer = layer;
	x->weight = weight;
	x->value = mtd_arena_strdup(&f->arena, value ? value : "");
	x->note = "";
	x->file = c->file;
	x->line = c->line;
	x->text = c->text;
	x->table_name = "";
	if (!x->value) {
		c->oom = true;
		return NULL;
	}
	f->n++;
	return x;
}

static struct mtd_fact *add_num(struct pctx *c, const char *key, const char *layer, int weight, uint64_t num,
                                const char *note)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)num);
	struct mtd_fact *x = add(c, key, layer, weight, buf);
	if (x) {
		x->num = num;
		x->has_num = true;
		if (note)
			x->note = note;
	}
	return x;
}

static const char *dupn(struct pctx *c, const char *s, size_t n)
{
	const char *r = mtd_arena_strndup(&c->f->arena, s, n);
	if (!r)
		c->oom = true;
	return r ? r : "";
}

/* trim a value: spaces and trailing punctuation */
static const char *trimmed(struct pctx *c, const char *s, const char *end)
{
	if (!end)
		end = s + strlen(s);
	while (s < end && (*s == ' ' || *s == '\t' || *s == ':' || *s == '='))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '.' || end[-1] == ','))
		end--;
	return dupn(c, s, (size_t)(end - s));
}

static const char *kernel_or(struct pctx *c, const char *other)
{
	return c->in_kernel ? "kernel" : other;
}

static void add_size(struct pctx *c, const char *key, const char *layer, int weight, uint64_t bytes, const char *note)
{
	if (bytes == 0 || bytes > (1ull << 40))
		return;
	add_num(c, key, layer, weight, bytes, note);
}

static void add_jedec(struct pctx *c, const char *layer, int weight, uint64_t id, int digits)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%0*llx", digits, (unsigned long long)id);
	struct mtd_fact *x = add(c, "flash_jedec", layer, weight, buf);
	if (x) {
		x->num = id;
		x->has_num = true;
	}
}

static void add_chip(struct pctx *c, const char *layer, int weight, const char *name, size_t n)
{
	while (n && (name[n - 1] == ' ' || name[n - 1] == '.' || name[n - 1] == '!' || name[n - 1] == ','))
		n--;
	if (n < 3 || n > 40)
		return;
	add(c, "flash_chip", layer, weight, dupn(c, name, n));
}

/* ---- partitions ---- */

static void new_table(struct pctx *c, const char *name)
{
	c->table = ++c->f->ntables;
	c->table_line = c->line;
	c->next_table_name = name;
}

static void add_part(struct pctx *c, int table, const char *tname, const char *name, size_t nlen, bool has_off,
                     uint64_t off, uint64_t size, const char *layer)
{
	struct mtd_fact *x = add(c, "partition", layer, 80, dupn(c, name, nlen));
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
static bool try_part_range(struct pctx *c)
{
	const char *p = c->s;
	uint64_t a, b;
	if (p[0] != '0' || p[1] != 'x' || !parse_hex(&p, &a) || *p != '-')
		return false;
	p++;
	if (!parse_hex(&p, &b))
		return false;
	p = skip_ws(p);
	if (*p != ':')
		return false;
	p = skip_ws(p + 1);
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
			add_part(c, c->nested, c->nested_name, p + 1, (size_t)(q - p - 1), true, a, size, "kernel");
			c->table_line = c->line;
			return true;
		}
		c->nested = 0; /* back to the flash's own table */
	}
	if (!c->table || c->line - c->table_line > 300 || c->table_line == 0)
		new_table(c, c->creating_name ? c->creating_name : "listing");
	c->table_line = c->line;
	const char *tname = c->creating_name ? c->creating_name : "listing";
	add_part(c, c->table, tname, p + 1, (size_t)(q - p - 1), true, a, size, c->in_kernel ? "kernel" : "listing");
	return true;
}

/* /proc/mtd: "mtd0: 00400000 00010000 "ALL"" */
static bool try_proc_mtd(struct pctx *c)
{
	const char *p = c->s;
	if (strncmp(p, "mtd", 3) != 0 || !isdigit((unsigned char)p[3]))
		return false;
	p += 3;
	uint64_t idx, size, erase;
	if (!parse_dec(&p, &idx) || *p != ':')
		return false;
	p = skip_ws(p + 1);
	if (!parse_hex(&p, &size))
		return false;
	p = skip_ws(p);
	if (!parse_hex(&p, &erase))
		return false;
	p = skip_ws(p);
	if (*p != '"')
		return false;
	const char *q = strchr(p + 1, '"');
	if (!q)
		return false;
	if (idx == 0 || !c->proc_mtd_table || c->line - c->proc_mtd_line > 3) {
		c->proc_mtd_table = ++c->f->ntables;
	}
	c->proc_mtd_line = c->line;
	add_part(c, c->proc_mtd_table, "/proc/mtd", p + 1, (size_t)(q - p - 1), false, 0, size, "proc-mtd");
	if (erase >= 0x20000 && erase <= 0x80000) {
		struct mtd_fact *x = add(c, "flash_type", "proc-mtd", 30, "nand");
		if (x)
			x->note = "erase size of 128 KiB or more is NAND";
	}
	size_t nlen = (size_t)(q - p - 1);
	if ((nlen == 3 && strncasecmp(p + 1, "ALL", 3) == 0) || (nlen == 8 && strncmp(p + 1, "fullflash", 8) == 0))
		add_size(c, "flash_size", "proc-mtd", 60, size, "size of the whole-chip partition");
	return true;
}

/* mtdparts=dev:128k(u-boot)ro,1024k(kernel),-(rootfs) */
static void parse_mtdparts(struct pctx *c, const char *p, const char *layer)
{
	const char *colon = strchr(p, ':');
	if (!colon)
		return;
	const char *dev = dupn(c, p, (size_t)(colon - p));
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
			if (!parse_dec(&p, &v))
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
			if (!(p[0] == '0' && p[1] == 'x' ? parse_hex(&p, &o) : parse_dec(&p, &o)))
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
		add_part(c, table, "mtdparts", p + 1, (size_t)(q - p - 1), true, off, rest ? 0 : size, layer);
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

/* ---- recognisers ---- */

static void r_soc(struct pctx *c)
{
	const char *s = c->s;
	static const struct {
		const char *cue;
		const char *layer;
		int weight;
	} cues[] = {
	    /* cues ending in ':' must start the line */
	    {"SoC Type:", "kernel", 90},       {"SoC:", "kernel", 88},
	    {"ASIC ", "u-boot", 85},           {"Chip type is", "u-boot", 85},
	    {"CPU:   MediaTek", "u-boot", 88}, {"CPU: MediaTek", "u-boot", 88},
	    {"CPU:   MT", "u-boot", 88},       {"Chip ID:", "boot-rom", 88},
	    {"Booting QCA", "kernel", 80},     {"Booting AR", "kernel", 80},
	    {"RealTek(", "boot-rom", 85},      {"Realtek RTL", "boot-rom", 85},
	    {"Platform:", "u-boot", 80},       {"PCIe RC mode", "kernel", 50},
	    {"system type", "cpuinfo", 80},    {"Machine: Northstar", "kernel", 70},
	    {"CPU: MT", "boot-rom", 85},       {"SOC:", "u-boot", 80},
	    {"Board: RTL", "u-boot", 80},
	};
	for (size_t i = 0; i < sizeof(cues) / sizeof(cues[0]); i++) {
		const char *p = strstr(s, cues[i].cue);
		if (!p ||
		    ((cues[i].cue[strlen(cues[i].cue) - 1] == ':' || !strcmp(cues[i].cue, "system type")) && p != s))
			continue;
		char alias[32];
		const struct mtd_kb_soc *k = mtd_kb_soc_in_text(p, alias, sizeof(alias));
		if (k) {
			struct mtd_fact *x = add(c, "soc", cues[i].layer, cues[i].weight, k->name);
			if (x) {
				x->note = dupn(c, alias, strlen(alias)); /* the variant as printed */
				if (strstr(s, "7628_MP"))
					x->note = "MT7628 (7628_MP: MT7688 prints the same)";
			}
		} else if (strstr(cues[i].cue, "system type")) {
			const char *v = strchr(p, ':');
			if (v) {
				struct mtd_fact *x = add(c, "soc", "cpuinfo", 5, trimmed(c, v + 1, NULL));
				if (x)
					x->note = "not a known SoC name: the kernel's system type may be bogus";
			}
		}
		return;
	}
	if (strstr(s, "Initializing MT7688 GPIO")) {
		struct mtd_fact *x = add(c, "soc", "kernel", 95, "MT7688");
		if (x)
			x->note = "MT7688";
	} else if (strstr(s, "Honey Bee")) {
		add(c, "soc", "u-boot", 75, "QCA9533");
	} else if (strstr(s, "apjet01") || strstr(s, "JET 1.0")) {
		add(c, "soc", "u-boot", 75, "QCN5502");
	} else if (strstr(s, "Bonding Type 97F")) {
		struct mtd_fact *x = add(c, "soc", "boot-rom", 92, "RTL8197F");
		const char *p = after(s, "Bonding Type ");
		if (x && p) {
			const char *e = p;
			while (isalnum((unsigned char)*e))
				e++;
			char buf[24];
			snprintf(buf, sizeof(buf), "RTL81%.*s", (int)(e - p < 8 ? e - p : 8), p);
			x->note = dupn(c, buf, strlen(buf));
		}
	} else if (strstr(s, "DMP registers on 4707") || strstr(s, "BCM4707")) {
		add(c, "soc", "kernel", 75, "BCM4707");
	} else if (strstr(s, "EcoNet EN75")) {
		add(c, "soc", "kernel", 70, "EN7512");
	}
}

static void r_machine(struct pctx *c)
{
	const char *s = c->s, *p;
	const char *layer = NULL;
	if ((p = after(s, "MIPS: machine is ")))
		layer = "kernel";
	else if ((p = after(s, "Machine model: ")))
		layer = "kernel";
	else if (strncmp(s, "machine", 7) == 0 && (p = strchr(s, ':')) && s[7] != '_')
		p++, layer = "cpuinfo";
	else if (strncmp(s, "Model: ", 7) == 0)
		p = s + 7, layer = "u-boot";
	else if (strncmp(s, "Machine: ", 9) == 0)
		p = s + 9, layer = "kernel";
	else if ((p = after(s, "Product: meraki_")))
		p -= 7, layer = "u-boot";
	else
		return;
	const char *v = trimmed(c, p, NULL);
	if (!*v || !strcasecmp(v, "Unknown") || !strcasecmp(v, "Generic") || !strcasecmp(v, "None"))
		return;
	struct mtd_fact *x = add(c, "machine", layer, 70, v);
	if (x && (strcasestr(v, "reference") || strcasestr(v, "evaluation") || strcasestr(v, "rfb") ||
	          strcasestr(v, "Prototype") || strcasestr(v, "Stinkbug")))
		x->note = "a reference-design or platform name, not the product";
}

static void r_cpu(struct pctx *c)
{
	const char *s = c->s, *p;
	if ((p = after(s, "revision is: ")) && (p = strchr(p, '('))) {
		const char *q = strchr(p, ')');
		if (q)
			add(c, "cpu", "kernel", 80, dupn(c, p + 1, (size_t)(q - p - 1)));
	} else if (strncmp(s, "cpu model", 9) == 0 && (p = strchr(s, ':'))) {
		p = skip_ws(p + 1);
		const char *e = p;
		/* "MIPS 24Kc V5.5": keep the core name */
		int words = 0;
		while (*e && words < 2) {
			while (*e && *e != ' ')
				e++;
			words++;
			if (words < 2 && *e)
				e++;
		}
		add(c, "cpu", "cpuinfo", 85, dupn(c, p, (size_t)(e - p)));
	} else if ((p = after(s, "CPU: ARMv7 Processor [")) || (p = after(s, "CPU: AArch64 Processor ["))) {
		static const struct {
			const char *id, *name;
		} arm[] = {{"413fc09", "ARM Cortex-A9"}, {"410fc07", "ARM Cortex-A7"},  {"410fd03", "ARM Cortex-A53"},
		           {"410fc05", "ARM Cortex-A5"}, {"411fd07", "ARM Cortex-A57"}, {"410fd08", "ARM Cortex-A72"}};
		for (size_t i = 0; i < sizeof(arm) / sizeof(arm[0]); i++)
			if (strncasecmp(p, arm[i].id, strlen(arm[i].id)) == 0)
				add(c, "cpu", "kernel", 80, arm[i].name);
	}
}

static void r_clock(struct pctx *c)
{
	const char *s = c->s, *p;
	uint64_t v;
	/* u-boot_mod: "CLOCKS: CPU/RAM/AHB/SPI/REF" then "400/400/200/ 25/ 25 MHz" */
	if (strstr(s, "CPU/RAM/AHB")) {
		c->clocks_pending = c->line;
		return;
	}
	if (c->clocks_pending && c->line == c->clocks_pending + 1) {
		p = s;
		if (parse_dec(&p, &v) && *p == '/' && strstr(p, "MHz"))
			add_num(c, "cpu_mhz", "u-boot", 80, v, NULL);
		c->clocks_pending = 0;
		return;
	}
	if ((p = after(s, "ath_sys_frequency: cpu apb ddr apb cpu "))) {
		if (parse_dec(&p, &v))
			add_num(c, "cpu_mhz", "u-boot", 80, v, NULL);
		return;
	}
	if ((p = after(s, "CPU=")) && strstr(s, " HZ")) {
		if (parse_dec(&p, &v) && v >= 1000000)
			add_num(c, "cpu_mhz", "boot-rom", 10, v / 1000000,
			        "pre-PLL clock printed by the first-stage loader");
		return;
	}
	if ((strstr(s, "RealTek(") || strstr(s, "boot code at")) && (p = strrchr(s, '(')) && strstr(p, "MHz)")) {
		p++;
		if (parse_dec(&p, &v))
			add_num(c, "cpu_mhz", "boot-rom", 70, v, NULL);
		return;
	}
	if ((p = after(s, "Chip ID:")) && (p = after(p, "MIPS: "))) {
		if (parse_dec(&p, &v))
			add_num(c, "cpu_mhz", "boot-rom", 80, v, NULL);
		return;
	}
	const char *cpu = strcasestr(s, "cpu");
	if (!cpu || !strcasestr(cpu, "mhz"))
		return;
	/* the first number after "cpu" followed by MHz */
	for (p = cpu; *p; p++) {
		if (!isdigit((unsigned char)*p) || (p > s && isalnum((unsigned char)p[-1])))
			continue;
		const char *q = p;
		if (!parse_dec(&q, &v)) {
			while (isdigit((unsigned char)*p))
				p++;
			continue;
		}
		if (*q == '.')
			for (q++; isdigit((unsigned char)*q);)
				q++;
		q = skip_ws(q);
		if (strncasecmp(q, "mhz", 3) == 0 && v >= 50 && v <= 5000) {
			int w = strstr(s, "CPU freq =")                           ? 85
			        : strstr(s, "feqenuce") || strstr(s, "frequence") ? 75
			                                                          : 75;
			add_num(c, "cpu_mhz", kernel_or(c, "u-boot"), w, v, NULL);
			return;
		}
		p = q - 1;
	}
}

static void r_ram(struct pctx *c)
{
	const char *s = c->s, *p;
	uint64_t v, b = 0;
	/* U-Boot "DRAM:  64 MB", maybe with the value on a later line */
	if ((p = after(s, "DRAM:")) && !strstr(s, "DRAM_")) {
		const char *q = p;
		if (parse_size_unit(&q, &b) && b > (32u << 20) && b % (32u << 20))
			add_size(c, "ram", "u-boot", 90, round_up_pow2(b),
			         "the bootloader printed the RAM left after its reserved areas; rounded up");
		else if (b)
			add_size(c, "ram", "u-boot", 90, b, NULL);
		else if (!*skip_ws(p))
			c->dram_pending = c->line;
		return;
	}
	if (c->dram_pending && c->line - c->dram_pending <= 12) {
		const char *q = s;
		if (parse_size_unit(&q, &b) && !*skip_ws(q)) {
			add_size(c, "ram", "u-boot", 90, b, "value printed after the DDR setup lines");
			c->dram_pending = 0;
			return;
		}
	}
	static const struct {
		const char *cue;
		int weight;
		const char *layer;
	} cues[] = {
	    {"DRAM component:", 85, "u-boot"},
	    {"Total memory:", 85, "u-boot"},
	    {"estimate memory size =", 85, "u-boot"},
	    {"Memory size=", 85, "u-boot"},
	    {"DRAM Size:", 85, "boot-rom"},
	    {"Total Memory:", 85, "boot-rom"},
	    {"Detected DRAM size:", 85, "boot-rom"},
	    {"RAM:", 80, "u-boot"},
	    {"memsize:", 60, "kernel"},
	};
	for (size_t i = 0; i < sizeof(cues) / sizeof(cues[0]); i++) {
		if ((p = after(s, cues[i].cue))) {
			if (i == 7 && (p - s != 4 && !(p - s > 4 && p[-5] == ' ')))
				continue; /* "RAM:" at the start of a line (u-boot_mod), not "DRAM:" */
			if (parse_size_unit(&p, &b))
				add_size(c, "ram", cues[i].layer, cues[i].weight, b, NULL);
			return;
		}
	}
	if ((p = after(s, "Giving linux memsize in MB, ")) && parse_dec(&p, &v)) {
		add_size(c, "ram", "u-boot", 85, v << 20, NULL);
	} else if ((p = after(s, "Giving linux ramsize: ")) && parse_dec(&p, &v)) {
		add_size(c, "ram", "u-boot", 85, v, NULL);
	} else if ((p = after(s, "Ram size passed from bootloader =")) && parse_dec(&p, &v)) {
		add_size(c, "ram", "kernel", 80, v, NULL);
	} else if ((p = after(s, "total_size_Mbits")) && (p = strchr(p, '='))) {
		p = skip_ws(p + 1);
		if (parse_dec(&p, &v))
			add_size(c, "ram", "boot-rom", 85, v << 17, NULL);
	} else if ((p = after(s, "tot_mem_size=")) && parse_dec(&p, &v)) {
		add_size(c, "ram", "kernel", 80, v, NULL);
	} else if (strncmp(s, "memory: ", 8) == 0 && strstr(s, "(usable)")) {
		p = s + 8;
		if (parse_hex(&p, &v))
			add_size(c, "ram", "kernel", 70, v, "usable memory map entry");
	} else if (strncmp(s, "Memory: ", 8) == 0 && (p = strchr(s, '/'))) {
		p++;
		if (parse_dec(&p, &v) && (*p == 'k' || *p == 'K'))
			add_size(c, "ram", "kernel", 75, (v + 1023) / 1024 * 1024 * 1024, NULL); /* whole MiB */
		uint64_t avail;
		const char *q = s + 8;
		if (parse_dec(&q, &avail) && (*q == 'k' || *q == 'K') && q[1] == '/') {
			char kb[40];
			snprintf(kb, sizeof(kb), "%llu kB", (unsigned long long)avail);
			struct mtd_fact *x = add(c, "ram_usable", "kernel", 30, kb);
			if (x) {
				x->num = avail * 1024;
				x->has_num = true;
				x->note = "available to the kernel at boot";
			}
		}
	} else if ((p = after(s, "On node 0 totalpages: ")) && parse_dec(&p, &v)) {
		add_size(c, "ram", "kernel", 60, v * 4096, "pages of 4 KiB");
	} else if (strncmp(s, "MemTotal:", 9) == 0) {
		p = skip_ws(s + 9);
		if (parse_dec(&p, &v)) {
			add_size(c, "ram", "meminfo", 40, round_up_pow2(v * 1024), "MemTotal (usable RAM) rounded up");
			char kb[40];
			snprintf(kb, sizeof(kb), "%llu kB", (unsigned long long)v);
			struct mtd_fact *x = add(c, "ram_usable", "meminfo", 40, kb);
			if (x) {
				x->num = v * 1024;
				x->has_num = true;
				x->note = "MemTotal: RAM left to the kernel after its own code and reservations";
			}
		}
	} else if ((strncmp(s, "Mem:", 4) == 0) && strcmp(c->context, "free") == 0) {
		p = skip_ws(s + 4);
		if (parse_dec(&p, &v))
			add_size(c, "ram", "free", 35, round_up_pow2(v * 1024), "free's total (usable RAM) rounded up");
	}
}

static void r_flash(struct pctx *c)
{
	const char *s = c->s, *p;
	uint64_t a, b, d, v;
	const char *layer = kernel_or(c, "u-boot");
	/* Ralink U-Boot / raspi: "flash manufacture id: ef, device id 40 18" */
	if ((p = after(s, "flash manufacture id: "))) {
		if (parse_hex(&p, &a) && (p = after(p, "device id ")) && parse_hex(&p, &b) && (p = skip_ws(p)) &&
		    parse_hex(&p, &d) && a < 256 && b < 256 && d < 256)
			add_jedec(c, layer, 90, a << 16 | b << 8 | d, 6);
		return;
	}
	if ((p = after(s, "find flash: "))) {
		add_chip(c, "u-boot", 90, p, strcspn(p, " \t"));
		return;
	}
	if ((p = after(s, "spi device id: "))) {
		if (parse_hex(&p, &a) && (p = skip_ws(p)) && parse_hex(&p, &b) && (p = skip_ws(p)) &&
		    parse_hex(&p, &d) && a < 256 && b < 256 && d < 256)
			add_jedec(c, "u-boot", 90, a << 16 | b << 8 | d, 6);
		return;
	}
	/* raspi: "W25Q32BV(ef 40160000) (4096 Kbytes)" */
	if ((p = strstr(s, "Kbytes)")) && (p = strchr(s, '(')) && p > s && isalnum((unsigned char)p[-1]) &&
	    !strstr(s, "m25p80") && !strstr(s, "spi-nor")) {
		const char *name = s;
		const char *q = p + 1;
		if (parse_hex(&q, &a) && *q == ' ' && (q++, parse_hex(&q, &v)) && *q == ')' && a < 256) {
			add_chip(c, "kernel", 88, name, (size_t)(p - name));
			add_jedec(c, "kernel", 88, a << 16 | (v >> 16 & 0xffff), 6);
			q = strchr(q, '(');
			if (q) {
				q++;
				if (parse_size_unit(&q, &b))
					add_size(c, "flash_size", "kernel", 88, b, NULL);
			}
			add(c, "flash_type", "kernel", 60, "nor");
		}
		return;
	}
	if ((p = after(s, "mtd .name = ")) && (p = after(p, ".size = "))) {
		if (parse_hex(&p, &v))
			add_size(c, "flash_size", "kernel", 90, v, NULL);
		return;
	}
	if ((p = after(s, "Flash component: "))) {
		const char *q = p;
		if (parse_size_unit(&q, &b))
			add_size(c, "flash_size", "u-boot", 85, b, NULL);
		if (strcasestr(p, "NAND"))
			add(c, "flash_type", "u-boot", 85, "nand");
		else if (strcasestr(p, "NOR") || strcasestr(p, "SPI Flash"))
			add(c, "flash_type", "u-boot", 70, "nor");
		return;
	}
	if ((p = after(s, "Flash Manuf Id "))) {
		if (parse_hex(&p, &a) && (p = after(p, "DeviceId0 ")) && parse_hex(&p, &b) &&
		    (p = after(p, "DeviceId1 ")) && parse_hex(&p, &d) && a < 256 && b < 256 && d < 256)
			add_jedec(c, "u-boot", 90, a << 16 | b << 8 | d, 6);
		add(c, "flash_type", "u-boot", 60, "nor");
		return;
	}
	if ((p = after(s, "flash size ")) && !strstr(s, "passed")) {
		if (parse_size_unit(&p, &b))
			add_size(c, "flash_size", "u-boot", 85, b, NULL);
		return;
	}
	if ((p = after(s, "flash id 0x"))) {
		p -= 2;
		if (parse_hex(&p, &v) && v < (1u << 24))
			add_jedec(c, "kernel", 85, v, 6);
		return;
	}
	if ((p = after(s, "flash_size passed from bootloader = ")) && parse_dec(&p, &v)) {
		add_size(c, "flash_size", "kernel", 80, v << 20, NULL);
		return;
	}
	if ((p = after(s, "FLASH: ")) || ((p = after(s, "Flash: ")) && (p - s) <= 8)) {
		const char *q = p;
		if (parse_size_unit(&q, &b)) {
			add_size(c, "flash_size", "u-boot", 85, b, NULL);
			q = skip_ws(q);
			/* u-boot_mod: "16 MB Winbond W25Q128" */
			const char *sp = strrchr(q, ' ');
			if (*q && sp)
				add_chip(c, "u-boot", 70, sp + 1, strlen(sp + 1));
		}
		return;
	}
	/* kernel m25p80 / spi-nor: "m25p80 spi0.0: w25q128 (16384 Kbytes)", "found mx25l25635e, expected m25p80" */
	if (strstr(s, "m25p80 ") || strstr(s, "spi-nor ")) {
		if ((p = after(s, "found "))) {
			add_chip(c, "kernel", 85, p, strcspn(p, ", "));
			add(c, "flash_type", "kernel", 80, "nor");
		} else if ((p = strstr(s, " (")) && strstr(p, "Kbytes)")) {
			const char *colon = strstr(s, ": ");
			if (colon && colon < p) {
				add_chip(c, "kernel", 85, colon + 2, (size_t)(p - colon - 2));
				const char *q = p + 2;
				if (parse_size_unit(&q, &b))
					add_size(c, "flash_size", "kernel", 88, b, NULL);
				add(c, "flash_type", "kernel", 80, "nor");
			}
		}
		return;
	}
	if (strstr(s, "spi-nand ") || strstr(s, "spi_nand ")) {
		add(c, "flash_type", "kernel", 85, "nand");
		if ((p = strstr(s, ": ")) && (p += 2, parse_size_unit(&p, &b)) && strstr(s, "block size"))
			add_size(c, "flash_size", "kernel", 85, b, NULL);
		return;
	}
	if ((p = after(s, "SF: Detected "))) {
		add_chip(c, "u-boot", 88, p, strcspn(p, " "));
		if ((p = after(p, "total ")) && parse_size_unit(&p, &b))
			add_size(c, "flash_size", "u-boot", 88, b, NULL);
		add(c, "flash_type", "u-boot", 80, "nor");
		return;
	}
	if ((p = after(s, "SPI_NAND Detected ID "))) {
		add(c, "flash_type", "boot-rom", 85, "nand");
		c->nand_pending = c->line;
		return;
	}
	if (c->nand_pending && c->line - c->nand_pending < 4 && (p = after(s, "Block size ")) &&
	    (p = after(p, "size ")) && parse_dec(&p, &v)) {
		add_size(c, "flash_size", "boot-rom", 85, v, NULL);
		return;
	}
	if (!strncmp(s, "NAND:", 5) && (p = s + 5)) {
		add(c, "flash_type", "u-boot", 85, "nand");
		const char *q = skip_ws(p);
		if ((p = after(s, "SPINAND ID "))) {
			uint64_t id[2];
			if (parse_hex(&p, &id[0]) && (p = skip_ws(p)) && parse_hex(&p, &id[1]) && id[0] < 256 &&
			    id[1] < 256)
				add_jedec(c, "u-boot", 85, id[0] << 8 | id[1], 4);
		} else if (parse_size_unit(&q, &b)) {
			add_size(c, "flash_size", "u-boot", 85, b, NULL);
		} else {
			c->nand_pending = c->line;
		}
		return;
	}
	if ((p = after(s, "SPI NAND ID: "))) {
		uint64_t id[2];
		add(c, "flash_type", "u-boot", 85, "nand");
		if (parse_hex(&p, &id[0]) && (p = skip_ws(p)) && parse_hex(&p, &id[1]) && id[0] < 256 && id[1] < 256)
			add_jedec(c, "u-boot", 85, id[0] << 8 | id[1], 4);
		return;
	}
	if (c->nand_pending && c->line - c->nand_pending <= 3) {
		const char *q = s;
		if (parse_size_unit(&q, &b) && !*skip_ws(q)) {
			add_size(c, "flash_size", "u-boot", 85, b, NULL);
			c->nand_pending = 0;
			return;
		}
	}
	if ((p = after(s, "NAND flash device: "))) {
		add(c, "flash_type", "boot-rom", 90, "nand");
		add_chip(c, "boot-rom", 90, p, strcspn(p, ","));
		if ((p = after(s, ", id 0x"))) {
			p -= 2;
			if (parse_hex(&p, &v))
				add_jedec(c, "boot-rom", 90, v, 4);
		}
		if ((p = after(s, " size ")) && parse_size_unit(&p, &b))
			add_size(c, "flash_size", "boot-rom", 90, b, NULL);
		return;
	}
	if ((p = after(s, "BrcmNAND mfg "))) {
		add(c, "flash_type", "kernel", 85, "nand");
		/* "1 f1 SPANSION_S30ML01GP_08 128MB on CS0" */
		const char *q = p;
		for (int i = 0; i < 2 && q; i++) {
			q = strchr(q, ' ');
			if (q)
				q++;
		}
		if (q) {
			size_t n = strcspn(q, " ");
			add_chip(c, "kernel", 40, q, n);
			q += n;
			if (parse_size_unit(&q, &b))
				add_size(c, "flash_size", "kernel", 85, b, NULL);
		}
		return;
	}
	if (strstr(s, "NAND flash:") && strstr(s, "Found a")) {
		add(c, "flash_type", "kernel", 85, "nand");
		c->nand_pending = c->line;
		return;
	}
	if (c->nand_pending && c->line - c->nand_pending < 4 && (p = after(s, "Total size:")) &&
	    parse_size_unit(&p, &b)) {
		add_size(c, "flash_size", "kernel", 85, b, NULL);
		return;
	}
	if ((p = after(s, "NAND device: Manufacturer ID: "))) {
		add(c, "flash_type", "kernel", 85, "nand");
		if (parse_hex(&p, &a) && (p = after(p, "Chip ID: ")) && parse_hex(&p, &d) && a < 256 && d < 256)
			add_jedec(c, "kernel", 85, a << 8 | d, 4);
		if ((p = strchr(s, '(')) && (p = strstr(p, "NAND ")) && (p += 5, parse_size_unit(&p, &b)))
			add_size(c, "flash_size", "kernel", 85, b, NULL);
		return;
	}
	/* Realtek RTL8196C boot ROM: "1.Manufacture ID=0xef" ... "4.Winbond SPI (4 MByte)!" */
	if ((p = after(s, "Manufacture ID=")) || (p = after(s, "Device ID=")) || (p = after(s, "Capacity ID="))) {
		int idx = s[0] == '1' ? 0 : s[0] == '2' ? 1 : s[0] == '3' ? 2 : -1;
		if (idx >= 0 && parse_hex(&p, &v) && v < 256) {
			c->rtk_id[idx] = (unsigned)v;
			c->rtk_have |= 1 << idx;
			if (c->rtk_have == 7) {
				add_jedec(c, "boot-rom", 85,
				          (uint64_t)c->rtk_id[0] << 16 | c->rtk_id[1] << 8 | c->rtk_id[2], 6);
				c->rtk_have = 0;
			}
		}
		return;
	}
	if (s[0] == '4' && s[1] == '.' && (p = strstr(s, "SPI (")) && (p += 5, parse_size_unit(&p, &b))) {
		add_size(c, "flash_size", "boot-rom", 85, b, NULL);
		add(c, "flash_type", "boot-rom", 80, "nor");
		return;
	}
	/* Realtek RTL8197F: "JEDEC id 207018", "found xm25qh128a", "xm25qh128a, size=16MB" */
	if ((p = after(s, "JEDEC id "))) {
		if (parse_hex(&p, &v) && v < (1u << 24))
			add_jedec(c, "boot-rom", 85, v, 6);
		return;
	}
	if (strncmp(s, "found ", 6) == 0 && strlen(s) < 30 && strcspn(s + 6, "0123456789") < strcspn(s + 6, " ")) {
		add_chip(c, "boot-rom", 80, s + 6, strcspn(s + 6, " "));
		return;
	}
	if ((p = after(s, ", size=")) && strstr(s, "erasesize")) {
		add_chip(c, "boot-rom", 80, s, strcspn(s, ","));
		if (parse_size_unit(&p, &b))
			add_size(c, "flash_size", "boot-rom", 85, b, NULL);
		return;
	}
	if ((p = after(s, "SPI-F: "))) {
		const char *q = strchr(p, '/');
		if (q && (q++, parse_hex(&q, &v)) && v < (1u << 24))
			add_jedec(c, "u-boot", 85, v, 6);
		if ((q = strstr(p, " 1x")) && (q += 3, parse_size_unit(&q, &b)))
			add_size(c, "flash_size", "u-boot", 85, b, NULL);
		return;
	}
	if ((p = after(s, "bi_flashsize=")) && parse_hex(&p, &v)) {
		add_size(c, "flash_size", "u-boot", 80, v, NULL);
		return;
	}
	if ((p = after(s, "mtd: partition \"")) && strstr(s, "truncated to ")) {
		const char *q = strchr(p, '"');
		const char *t = after(s, "truncated to ");
		if (q && t && parse_hex(&t, &v)) {
			struct mtd_fact *x = add(c, "partition_truncated", "kernel", 90, dupn(c, p, (size_t)(q - p)));
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
	if ((p = after(s, "mtd: partition \"")) && strstr(s, "created automatically")) {
		const char *q = strchr(p, '"');
		const char *o = after(s, "ofs=");
		const char *l = after(s, "len=");
		uint64_t off, len;
		if (q && o && l && parse_hex(&o, &off) && parse_hex(&l, &len)) {
			int t = ++c->f->ntables;
			add_part(c, t, "split", p, (size_t)(q - p), true, off, len, "kernel");
		}
		return;
	}
}

static void r_partitions(struct pctx *c)
{
	const char *s = c->s, *p;
	if ((p = after(s, "MTD partitions on \"")) ||
	    (strstr(s, " partitions found on MTD device ") && (p = after(s, " partitions found on MTD device ")))) {
		size_t n = strcspn(p, "\":");
		const char *name = dupn(c, p, n);
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
		new_table(c, name);
		return;
	}
	if (try_part_range(c) || try_proc_mtd(c))
		return;
	if ((p = strstr(s, "mtdparts="))) {
		const char *last = p;
		while ((p = strstr(last + 9, "mtdparts=")) && p == last + 9)
			last = p; /* U-Boot's "mtdparts=mtdparts=..." */
		parse_mtdparts(c, last + 9,
		               strstr(s, "Kernel command line") ? "cmdline"
		               : c->in_kernel                   ? "kernel"
		                                                : "u-boot");
	}
}

static bool parse_id_pair(const char **pp, uint16_t *v, uint16_t *d)
{
	const char *p = *pp;
	unsigned a = 0, b = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexdig(p[i]);
		if (h < 0)
			return false;
		a = a * 16 + (unsigned)h;
	}
	if (p[4] != ':')
		return false;
	for (int i = 0; i < 4; i++) {
		int h = hexdig(p[5 + i]);
		if (h < 0)
			return false;
		b = b * 16 + (unsigned)h;
	}
	if (hexdig(p[9]) >= 0)
		return false;
	*v = (uint16_t)a;
	*d = (uint16_t)b;
	*pp = p + 9;
	return true;
}

static void add_wifi(struct pctx *c, const char *layer, int weight, const struct mtd_kb_wifi *w, bool has_id,
                     uint16_t v, uint16_t d, const char *raw)
{
	struct mtd_fact *x = add(c, "wifi", layer, weight, w ? w->chip : raw);
	if (x && has_id) {
		x->has_id = true;
		x->id_vendor = v;
		x->id_device = d;
	}
}

static const struct {
	const char *name;
	uint16_t id;
} pci_vendors[] = {{"MEDIATEK", 0x14c3}, {"Qualcomm Atheros", 0x168c}, {"Atheros", 0x168c}, {"Realtek", 0x10ec},
                   {"Broadcom", 0x14e4}, {"Ralink", 0x1814},           {"Intel", 0x8086}};

/* lspci: "01:00.0 Network controller: MEDIATEK Corp. MT7603E ..." (ids optional) */
static bool r_lspci(struct pctx *c)
{
	const char *s = c->s;
	if (!(isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1]) && s[2] == ':' &&
	      isxdigit((unsigned char)s[3]) && isxdigit((unsigned char)s[4]) && s[5] == '.' &&
	      isdigit((unsigned char)s[6]) && s[7] == ' '))
		return false;
	const char *cls = s + 8;
	const char *colon = strstr(cls, ": ");
	if (!colon)
		return false;
	const char *rest = colon + 2;
	uint16_t v = 0, d = 0;
	bool has = false;
	const char *p;
	/* lspci -nn "[14c3:7662]" or unnamed "Device 0e8d:0801" */
	for (p = rest; *p; p++) {
		const char *q = p;
		if ((p == rest || p[-1] == '[' || p[-1] == ' ') && parse_id_pair(&q, &v, &d)) {
			has = true;
			break;
		}
	}
	struct mtd_fact *x = add(c, "pci", "lspci", 80, trimmed(c, rest, NULL));
	if (x && has) {
		x->has_id = true;
		x->id_vendor = v;
		x->id_device = d;
	}
	if (strstr(cls, "bridge") || strstr(cls, "Bridge"))
		return true;
	if (strncmp(s, "00:", 3)) {
		char addr[16];
		snprintf(addr, sizeof(addr), "0000:%.7s", s);
		struct mtd_fact *e = add(c, "pci_endpoint", "lspci", 50, addr);
		if (e)
			e->note = "identified";
	}
	const struct mtd_kb_wifi *w = has ? mtd_kb_wifi_by_pci(v, d) : NULL;
	if (!w)
		w = mtd_kb_wifi_in_text(rest);
	if (!w && !has) {
		/* "MEDIATEK Corp. Device 7663" */
		for (size_t i = 0; i < sizeof(pci_vendors) / sizeof(pci_vendors[0]); i++) {
			if (strncasecmp(rest, pci_vendors[i].name, strlen(pci_vendors[i].name)) == 0 &&
			    (p = after(rest, "Device "))) {
				uint64_t dev;
				if (parse_hex(&p, &dev) && dev <= 0xffff) {
					v = pci_vendors[i].id;
					d = (uint16_t)dev;
					has = true;
					w = mtd_kb_wifi_by_pci(v, d);
				}
				break;
			}
		}
	}
	if (w || strstr(cls, "Network controller") || strstr(rest, "Wireless") || strstr(rest, "802.11"))
		add_wifi(c, "lspci", 80, w, has, v, d, trimmed(c, rest, NULL));
	return true;
}

static void r_wifi(struct pctx *c)
{
	const char *s = c->s, *p;
	uint16_t v, d;
	/* kernel PCI enumeration: "pci 0000:01:00.0: [14c3:7662] type 00 class 0x028000" */
	if ((p = after(s, "pci ")) && (p = strstr(p, ": [")) && (p += 3, parse_id_pair(&p, &v, &d)) && *p == ']') {
		const char *cls = after(s, "class 0x");
		bool bridge = cls && strncmp(cls, "0604", 4) == 0;
		struct mtd_fact *x = add(c, "pci", "kernel", 70, trimmed(c, strchr(s, '[') ? strchr(s, '[') : s, NULL));
		if (x) {
			x->has_id = true;
			x->id_vendor = v;
			x->id_device = d;
		}
		const struct mtd_kb_wifi *w = mtd_kb_wifi_by_pci(v, d);
		if (!bridge && (w || (cls && strncmp(cls, "0280", 4) == 0)))
			add_wifi(c, "kernel", 75, w, true, v, d, "PCIe wireless device");
		if (strncmp(s + 4, "0000:00", 7)) {
			/* this slot is named (a radio, a bridge or another controller): not an unknown radio */
			struct mtd_fact *e = add(c, "pci_endpoint", "kernel", 50, dupn(c, s + 4, 12));
			if (e)
				e->note = "identified";
		}
		return;
	}
	/* any device behind a PCIe port, identified or not: "pci 0000:02:00.0: BAR 0: assigned" */
	if (!strncmp(s, "pci 000", 7) && s[8] == ':' && isxdigit((unsigned char)s[9]) &&
	    isxdigit((unsigned char)s[10]) && strncmp(s + 9, "00", 2) && s[11] == ':' && s[14] == '.' && s[16] == ':') {
		add(c, "pci_endpoint", "kernel", 50, dupn(c, s + 4, 12));
		return;
	}
	if ((p = after(s, "Device:Vender ID=")) || (p = after(s, "Device:Vendor ID="))) {
		uint64_t id;
		if (parse_hex(&p, &id) && id <= 0xffffffffu) {
			v = (uint16_t)(id & 0xffff);
			d = (uint16_t)(id >> 16);
			add_wifi(c, "vendor-driver", 70, mtd_kb_wifi_by_pci(v, d), true, v, d, "PCIe wireless device");
		}
		return;
	}
	if ((p = after(s, "device_id =0x")) || (p = after(s, "device_id = 0x"))) {
		uint64_t id;
		p -= 2;
		if (parse_hex(&p, &id) && id <= 0xffff) {
			const struct mtd_kb_wifi *w = mtd_kb_wifi_by_pci(0x14c3, (uint16_t)id);
			if (w)
				add_wifi(c, "vendor-driver", 65, w, true, 0x14c3, (uint16_t)id, NULL);
		}
		return;
	}
	if ((p = after(s, "ChipID = "))) {
		char name[16];
		snprintf(name, sizeof(name), "MT%.4s", p);
		const struct mtd_kb_wifi *w = mtd_kb_wifi_in_text(name);
		if (w)
			add_wifi(c, "vendor-driver", 65, w, false, 0, 0, NULL);
		return;
	}
	static const char *const cues[] = {"CHIPID(", "ath10k",  "ath9k",    "found 8822B", "Atheros 5500",
	                                   "mt76",    "MT7603E", "RTL8192C", "wifi0:",      "MT7615",
	                                   "mt7915",  "hif_pci", "mt7603"};
	for (size_t i = 0; i < sizeof(cues) / sizeof(cues[0]); i++) {
		if (strstr(s, cues[i])) {
			const struct mtd_kb_wifi *w = mtd_kb_wifi_in_text(s);
			if (w)
				add_wifi(c, strstr(s, "CHIPID(") || strstr(s, "wifi0:") ? "vendor-driver" : "kernel",
				         60, w, false, 0, 0, NULL);
			return;
		}
	}
}

static void r_usb(struct pctx *c)
{
	const char *s = c->s, *p;
	uint16_t v, d;
	/* lsusb: "Bus 001 Device 002: ID 2cb7:0a05 Fibocom FG621 Module" */
	if (strncmp(s, "Bus ", 4) == 0 && (p = after(s, ": ID ")) && parse_id_pair(&p, &v, &d)) {
		struct mtd_fact *x = add(c, "usb", "lsusb", 80, trimmed(c, p, NULL));
		if (x) {
			x->has_id = true;
			x->id_vendor = v;
			x->id_device = d;
		}
		/* root hubs leak the running kernel: "Linux 6.6.67 xhci-hcd" */
		if ((p = after(s, " Linux ")) && isdigit((unsigned char)*p))
			add(c, "kernel", "lsusb", 40, dupn(c, p, strcspn(p, " ")));
		return;
	}
	uint64_t a, b;
	if ((p = after(s, "idVendor=")) && parse_hex(&p, &a) && (p = after(p, "idProduct=")) && parse_hex(&p, &b) &&
	    a <= 0xffff && b <= 0xffff) {
		struct mtd_fact *x = add(c, "usb", "kernel", 70, "");
		if (x) {
			x->has_id = true;
			x->id_vendor = (uint16_t)a;
			x->id_device = (uint16_t)b;
		}
		return;
	}
	if ((p = after(s, "Vendor=")) && parse_hex(&p, &a) && (p = after(p, "ProdID=")) && parse_hex(&p, &b) &&
	    a <= 0xffff && b <= 0xffff) {
		struct mtd_fact *x = add(c, "usb", "kernel", 65, "");
		if (x) {
			x->has_id = true;
			x->id_vendor = (uint16_t)a;
			x->id_device = (uint16_t)b;
		}
	}
}

static void r_ethernet(struct pctx *c)
{
	const char *s = c->s, *p;
	static const struct {
		const char *cue, *value;
	} eth[] = {
	    {"RT305x_ESW", "embedded 10/100 switch (rt305x-esw)"},
	    {"MAC to MT7530", "MT7530 gigabit switch"},
	    {"mt7530", "MT7530 gigabit switch"},
	    {"MT7530", "MT7530 gigabit switch"},
	    {"Atheros AR8337", "QCA8337 gigabit switch"},
	    {"Atheros AR8327", "QCA8337 gigabit switch"},
	    {"mtk_soc_eth", "MediaTek SoC Ethernet"},
	    {"Ralink APSoC Ethernet Driver", "Ralink/MediaTek SoC Ethernet (raeth)"},
	    {"Broadcom BCM47XX", "Broadcom GMAC"},
	    {"ag71xx", "Atheros ag71xx Ethernet"},
	    {"S17 PHY", "QCA8337 gigabit switch"},
	    {"Realtek FastPath", "Realtek built-in switch"},
	};
	for (size_t i = 0; i < sizeof(eth) / sizeof(eth[0]); i++) {
		if (strstr(s, eth[i].cue)) {
			add(c, "ethernet", kernel_or(c, "u-boot"), 60, eth[i].value);
			break;
		}
	}
	if ((p = after(s, "set LAN/WAN "))) {
		size_t n = strspn(p, "LW");
		if (n >= 1 && n <= 8)
			add_num(c, "eth_ports", "u-boot", 40, n,
			        "switch port roles set by U-Boot (not all may be on the case)");
	}
}

static void r_boot(struct pctx *c)
{
	const char *s = c->s, *p;
	if (strncmp(s, "U-Boot ", 7) == 0 &&
	    (isdigit((unsigned char)s[7]) || strncmp(s + 7, "SPL ", 4) == 0 || strncmp(s + 7, "unifi", 5) == 0)) {
		add(c, "bootloader", "u-boot", 90, trimmed(c, s, NULL));
	} else if ((p = after(s, "Ralink UBoot Version: "))) {
		struct mtd_fact *x = add(c, "bootloader", "u-boot", 50, trimmed(c, s, NULL));
		if (x)
			x->note = "MediaTek SDK U-Boot";
	} else if ((p = after(s, "CFE version "))) {
		char buf[80];
		snprintf(buf, sizeof(buf), "Broadcom CFE %.*s", (int)strcspn(p, " "), p);
		add(c, "bootloader", "boot-rom", 85, buf);
	} else if (strstr(s, "RealTek(") || (strstr(s, "Realtek") && strstr(s, "boot code"))) {
		add(c, "bootloader", "boot-rom", 80, trimmed(c, s + strspn(s, "-"), NULL));
	} else if (strstr(s, "Breed ") && strstr(s, "version")) {
		add(c, "bootloader", "u-boot", 80, trimmed(c, s, NULL));
	}
	/* U-Boot menus ("2: Load system code then write to Flash via TFTP."), tftpboot at a prompt */
	bool menu = isdigit((unsigned char)s[0]) && (s[1] == ':' || (s[1] == ')' && s[2] == ' '));
	if ((menu && strstr(s, "TFTP")) || strncmp(s, "tftpboot", 8) == 0 || strncmp(s, "TFTP from server", 16) == 0 ||
	    strncmp(s, "Using eth0 device", 17) == 0)
		add(c, "tftp", "u-boot", menu ? 70 : 50, "yes");
	if ((p = after(s, "baudrate=")) && isdigit((unsigned char)*p))
		add(c, "console", "u-boot", 60, dupn(c, p, strspn(p, "0123456789")));
}

static void r_kernel(struct pctx *c)
{
	const char *s = c->s, *p;
	if ((p = after(s, "Linux version "))) {
		c->in_kernel = true;
		size_t n = strcspn(p, " ");
		add(c, "kernel", "kernel", 90, dupn(c, p, n));
		const char *g = strstr(p, "(gcc version ");
		if (g) {
			g += 1;
			const char *e = strstr(g, ") #");
			if (!e)
				e = strstr(g, " #");
			size_t m = e ? (size_t)(e - g) : strlen(g);
			struct mtd_fact *x = add(c, "toolchain", "kernel", 90, trimmed(c, g, g + m));
			(void)x;
		}
		if (strstr(s, "OpenWrt") || strstr(s, "LEDE"))
			add(c, "firmware", "kernel", 50,
			    strstr(s, "LEDE") ? "OpenWrt/LEDE-based (built with its toolchain)"
			                      : "OpenWrt-based (built with its toolchain)");
		return;
	}
	if ((p = after(s, "Kernel command line: "))) {
		add(c, "cmdline", "kernel", 90, trimmed(c, p, NULL));
		const char *q = p;
		while ((q = strstr(q, "console="))) {
			q += 8;
			size_t n = strcspn(q, " ");
			if (n && strncmp(q, "null", 4))
				add(c, "console", "cmdline", 80, dupn(c, q, n));
		}
		if ((q = strstr(p, "mem=")) && (q == p || q[-1] == ' ')) {
			q += 4;
			uint64_t b;
			if (parse_size_unit(&q, &b))
				add_size(c, "ram", "cmdline", 50, b, "mem= on the kernel command line");
		}
		return;
	}
	if ((p = strstr(s, "OpenWrt ")) && (isdigit((unsigned char)p[8]) || !strncmp(p + 8, "SNAPSHOT", 8)) &&
	    !strstr(s, "GCC")) {
		size_t n = 8 + strcspn(p + 8, " ,;)'\"");
		add(c, "firmware", c->in_kernel ? "shell" : "u-boot", 70, dupn(c, p, n));
		return;
	}
	if ((p = after(s, "DISTRIB_DESCRIPTION=")) || (p = after(s, "DISTRIB_RELEASE="))) {
		add(c, "firmware", "shell", 80, trimmed(c, p + (*p == '\'' || *p == '"'), NULL));
		return;
	}
	if ((p = after(s, "BusyBox v")) && strstr(s, "built-in shell")) {
		char buf[48];
		snprintf(buf, sizeof(buf), "BusyBox %.*s", (int)strcspn(p, " "), p);
		add(c, "firmware", "shell", 30, buf);
		return;
	}
	if (strstr(s, "on \"raspi\"") || strstr(s, ".name = raspi") || strstr(s, "Ralink APSoC Ethernet") ||
	    strstr(s, "Ralink UBoot"))
		add(c, "firmware", kernel_or(c, "u-boot"), 60, "MediaTek/Ralink vendor SDK");
}

/* Statements in forum text: "- SoC: Mediatek MT7621DAT 880MHz", "no LAN", "Serial console (115200 8n1)" */
static void r_poster(struct pctx *c)
{
	const char *s = c->s, *p;
	static const char *const no_eth[] = {"no other interfaces", "no lan", "absence of ethernet", "no ethernet",
	                                     "without ethernet"};
	for (size_t i = 0; i < sizeof(no_eth) / sizeof(no_eth[0]); i++) {
		const char *m = strcasestr(s, no_eth[i]);
		if (!m)
			continue;
		struct mtd_fact *x =
		    add_num(c, "eth_ports", "poster", 70, 0, "the owner says the device has no Ethernet port");
		if (x && m - s > 30) {
			/* the phrase may sit deep in a long forum line: the evidence starts near it */
			char buf[TEXT_MAX + 8];
			snprintf(buf, sizeof(buf), "...%.*s", TEXT_MAX, m - 30);
			const char *t = mtd_arena_strdup(&c->f->arena, buf);
			if (t)
				x->text = t;
		}
		break;
	}
	if (strncmp(s, "- ", 2) != 0 && strncmp(s, "* ", 2) != 0) {
		/* a SoC named in prose ("It has a MT7628") */
		char alias[32];
		const struct mtd_kb_soc *k = c->line_had_facts ? NULL : mtd_kb_soc_in_text(s, alias, sizeof(alias));
		if (k && strlen(alias) >= 5) {
			struct mtd_fact *x = add(c, "soc", "poster", 15, k->name);
			if (x)
				x->note = dupn(c, alias, strlen(alias));
		}
		return;
	}
	s += 2;
	const char *colon = strchr(s, ':');
	if (!colon || colon - s > 24)
		return;
	const char *v = skip_ws(colon + 1);
	size_t kn = (size_t)(colon - s);
	uint64_t b;
	if (kn >= 3 && strncasecmp(s, "SoC", 3) == 0) {
		char alias[32];
		const struct mtd_kb_soc *k = mtd_kb_soc_in_text(v, alias, sizeof(alias));
		if (k) {
			struct mtd_fact *x = add(c, "soc", "poster", 20, k->name);
			if (x)
				x->note = dupn(c, alias, strlen(alias));
		}
		if ((p = strcasestr(v, "MHz"))) {
			const char *q = p;
			while (q > v && isdigit((unsigned char)q[-1]))
				q--;
			uint64_t mhz;
			if (q < p && parse_dec(&q, &mhz))
				add_num(c, "cpu_mhz", "poster", 20, mhz, NULL);
		}
	} else if (kn == 3 && strncasecmp(s, "RAM", 3) == 0) {
		p = v;
		if (parse_size_unit(&p, &b))
			add_size(c, "ram", "poster", 20, b, NULL);
	} else if (kn == 5 && strncasecmp(s, "Flash", 5) == 0) {
		p = v;
		if (parse_size_unit(&p, &b))
			add_size(c, "flash_size", "poster", 20, b, NULL);
		if (strcasestr(v, "NAND"))
			add(c, "flash_type", "poster", 20, "nand");
		else if (strcasestr(v, "NOR"))
			add(c, "flash_type", "poster", 20, "nor");
		/* "(EN25)QH128A-104HIP": a marking with the logo part in brackets */
		char mark[48];
		size_t m = 0;
		for (p = v; *p && m < sizeof(mark) - 1; p++) {
			if (*p == '(' || *p == ')')
				continue;
			if (*p == ' ') {
				if (m >= 6)
					break;
				m = 0;
				continue;
			}
			mark[m++] = *p;
		}
		mark[m] = 0;
		const struct mtd_kb_flash *fl = m >= 6 ? mtd_kb_flash_by_name(mark) : NULL;
		if (fl)
			add(c, "flash_chip", "poster", 20, fl->name);
	} else if (strcasestr(dupn(c, s, kn), "wifi") || strcasestr(dupn(c, s, kn), "wlan")) {
		const struct mtd_kb_wifi *w = mtd_kb_wifi_in_text(v);
		if (w)
			add_wifi(c, "poster", 20, w, false, 0, 0, NULL);
	} else if (kn == 8 && strncasecmp(s, "Ethernet", 8) == 0) {
		add(c, "ethernet", "poster", 20, trimmed(c, v, NULL));
		p = v;
		uint64_t n;
		while (*p && !(isdigit((unsigned char)*p) && (p[1] == 'x' || p[1] == 'X') && p[2] == ' '))
			p++;
		if (*p && parse_dec(&p, &n))
			add_num(c, "eth_ports", "poster", 50, n, NULL);
	} else if (kn == 4 && strncasecmp(s, "UART", 4) == 0) {
		add(c, "console", "poster", 30, trimmed(c, v, NULL));
	}
}

static size_t norm_alnum(const char *s, char *out, size_t size, bool stop_at_paren)
{
	size_t n = 0;
	for (; *s && n + 1 < size; s++) {
		if (*s == '(' && stop_at_paren)
			break; /* "(EU)" and the like */
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	}
	out[n] = 0;
	return n;
}

/* An OpenWrt device named in prose ("its bigger brother MR600v2"). */
static bool make_mkeys(struct pctx *c)
{
	c->mkeys = mtd_alloc_array(mtd_kb_devices_count, sizeof(*c->mkeys));
	if (!c->mkeys)
		return false;
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		char model[96], vendor[32], vbuf[32];
		size_t n = norm_alnum(d->model, model, sizeof(model), true);
		size_t vl = strcspn(d->compatible, ",");
		snprintf(vbuf, sizeof(vbuf), "%.*s", (int)(vl < 31 ? vl : 31), d->compatible);
		size_t vn = norm_alnum(vbuf, vendor, sizeof(vendor), true);
		const char *key = model;
		if (vn && strncmp(model, vendor, vn) == 0)
			key += vn, n -= vn;
		c->mkeys[i][0] = 0;
		if (n >= 5 && n < sizeof(c->mkeys[i]) && strpbrk(key, "0123456789") &&
		    strpbrk(key, "abcdefghijklmnopqrstuvwxyz"))
			memcpy(c->mkeys[i], key, n + 1);
	}
	return true;
}

static void r_mentions(struct pctx *c)
{
	if (c->line_had_facts || strcmp(c->context, "text") || ++c->prose_lines > 2000 || strlen(c->s) < 5)
		return;
	if (!c->mkeys) {
		if (c->mkeys_failed)
			return;
		if (!make_mkeys(c)) {
			c->mkeys_failed = true;
			return;
		}
	}
	char line[LINE_MAX_LEN + 1];
	norm_alnum(c->s, line, sizeof(line), false);
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		const char *key = c->mkeys[i];
		size_t n = strlen(key);
		if (!n)
			continue;
		const char *hit = strstr(line, key);
		/* "mr600v2" must not match inside "mr600v21" (spaces are gone, so only digits tell) */
		if (hit && !isdigit((unsigned char)hit[n]))
			add(c, "model_mention", "poster", 10, d->compatible);
	}
}

static const struct {
	const char *needle, *brand;
} brands[] = {
    {"tp-link", "TP-Link"},   {"tplink", "TP-Link"},    {"xiaomi", "Xiaomi"},     {"miwifi", "Xiaomi"},
    {"asus", "ASUS"},         {"netgear", "Netgear"},   {"d-link", "D-Link"},     {"ubiquiti", "Ubiquiti"},
    {"zyxel", "Zyxel"},       {"cudy", "Cudy"},         {"gl.inet", "GL.iNet"},   {"linksys", "Linksys"},
    {"tenda", "Tenda"},       {"totolink", "TOTOLINK"}, {"mercusys", "Mercusys"}, {"huawei", "Huawei"},
    {"kingston", "Kingston"}, {"netis", "Netis"},       {"motorola", "Motorola"}, {"meraki", "Meraki"},
    {"aerohive", "Aerohive"}, {"afoundry", "Afoundry"},
};

static void r_brand(struct pctx *c)
{
	for (size_t i = 0; i < sizeof(brands) / sizeof(brands[0]); i++) {
		if (strcasestr(c->s, brands[i].needle)) {
			add(c, "brand", "poster", 10, brands[i].brand);
			return;
		}
	}
	if (strstr(c->s, "type 'tpl'") || strstr(c->s, "(type tpl"))
		add(c, "brand", "u-boot", 30, "TP-Link");
}

/* ---- line cleaning and parts ---- */

/* Remove what comes in front of log lines; returns the start of the content. */
static char *clean(char *s)
{
	for (int round = 0; round < 4; round++) {
		while (*s == ' ' || *s == '\t' || *s == '>' || (unsigned char)*s == 0xff)
			s++;
		/* logread/syslog: "Thu Nov 16 06:09:33 2023 kern.info kernel: " */
		char *k = strstr(s, " kernel: ");
		if (k && k - s < 64 && isalpha((unsigned char)s[0])) {
			s = k + 9;
			continue;
		}
		/* "<6>" printk level */
		if (s[0] == '<' && isdigit((unsigned char)s[1]) && s[2] == '>') {
			s += 3;
			continue;
		}
		/* "[    0.000000] " or "[ 3.51]" */
		if (s[0] == '[') {
			char *p = s + 1;
			while (*p == ' ')
				p++;
			char *d0 = p;
			while (isdigit((unsigned char)*p))
				p++;
			if (p > d0 && *p == '.') {
				p++;
				while (isdigit((unsigned char)*p))
					p++;
				if (*p == ']') {
					s = p + 1;
					if (*s == ' ')
						s++;
					continue;
				}
			}
		}
		break;
	}
	return s;
}

static const struct {
	const char *cmd;
	const char *kind;
} commands[] = {
    {"cat /proc/mtd", "proc-mtd"},
    {"cat /proc/cpuinfo", "cpuinfo"},
    {"cat /proc/meminfo", "meminfo"},
    {"free", "free"},
    {"lspci", "lspci"},
    {"lsusb", "lsusb"},
    {"dmesg", "dmesg"},
    {"logread", "dmesg"},
    {"cat /proc/cmdline", "cmdline"},
    {"cat /etc/openwrt_release", "release"},
    {"uname", "text"},
};

/* A shell prompt with a command: "# cat /proc/mtd", "root@OpenWrt:~# lsusb" → the kind, else NULL */
static const char *prompt_kind(const char *s)
{
	const char *h = strstr(s, "# ");
	if (!h)
		h = strstr(s, "$ ");
	if (!h || h - s > 40)
		return NULL;
	for (const char *q = s; q < h; q++)
		if (*q == ' ' && !(q > s && q[-1] == '~'))
			return NULL;
	const char *cmd = h + 2;
	const char *kind = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		size_t n = strlen(commands[i].cmd);
		if (strncmp(cmd, commands[i].cmd, n) == 0 &&
		    (cmd[n] == 0 || cmd[n] == ' ' || cmd[n] == ';' || cmd[n] == '|'))
			kind = commands[i].kind;
	}
	return kind ? kind : "shell";
}

static void part_mark(struct pctx *c, const char *kind)
{
	struct mtd_facts *f = c->f;
	if (f->nparts) {
		struct mtd_log_part *last = &f->parts[f->nparts - 1];
		if (last->file == c->file && strcmp(last->kind, kind) == 0 && c->line - last->last <= 40) {
			last->last = c->line;
			return;
		}
	}
	if (f->nparts >= 4096)
		return;
	if (f->nparts == f->parts_cap) {
		size_t ncap = f->parts_cap ? f->parts_cap * 2 : 16;
		struct mtd_log_part *np = mtd_realloc_array(f->parts, ncap, sizeof(*np));
		if (!np) {
			c->oom = true;
			return;
		}
		f->parts = np;
		f->parts_cap = ncap;
	}
	f->parts[f->nparts++] = (struct mtd_log_part){kind, c->file, c->line, c->line};
}

/* What kind of part a content line belongs to, from its own shape; NULL: use the context. */
static const char *line_kind(struct pctx *c, const char *s)
{
	if (strncmp(s, "U-Boot ", 7) == 0 || strstr(s, "Ralink UBoot") || strstr(s, "DRAM:") || strstr(s, "ASIC ") ||
	    strstr(s, "find flash") || strstr(s, "Hit any key") || strstr(s, "Starting kernel"))
		return "u-boot";
	if (strstr(s, "Linux version ") || strstr(s, "Kernel command line"))
		return "dmesg";
	if (strncmp(s, "system type", 11) == 0 || strncmp(s, "cpu model", 9) == 0 || strncmp(s, "processor", 9) == 0 ||
	    strncmp(s, "BogoMIPS", 8) == 0)
		return "cpuinfo";
	if (strncmp(s, "mtd", 3) == 0 && isdigit((unsigned char)s[3]) && strchr(s, '"'))
		return "proc-mtd";
	if (strncmp(s, "MemTotal:", 9) == 0)
		return "meminfo";
	if (strncmp(s, "Bus ", 4) == 0 && strstr(s, ": ID "))
		return "lsusb";
	(void)c;
	return NULL;
}

static bool looks_like_log(const char *s)
{
	/* a kernel/boot line rather than prose: few lowercase words in a row, or typical punctuation */
	return strchr(s, '=') || strstr(s, ": ") || strstr(s, "0x") || s[0] == '#' || !strchr(s, ' ');
}

static void parse_line(struct pctx *c, char *raw)
{
	char *s = clean(raw);
	const char *pk = prompt_kind(s);
	if (pk) {
		c->context = pk;
		part_mark(c, pk);
		const char *h = strstr(s, "# ");
		if (!h)
			h = strstr(s, "$ ");
		s = (char *)h + 2; /* the command itself may hold facts (cmdline) */
	} else if (strncmp(s, "MT7621 # ", 9) == 0 || strncmp(s, "ath> ", 5) == 0) {
		s += strncmp(s, "ath> ", 5) == 0 ? 5 : 9;
		c->in_kernel = false;
		c->context = "u-boot";
	}
	c->s = s;
	c->text = NULL;
	if (!*s)
		return;
	const char *k = line_kind(c, s);
	if (k && (strcmp(k, "u-boot") == 0)) {
		if (strncmp(s, "U-Boot ", 7) == 0)
			c->in_kernel = false;
		c->context = "u-boot";
	} else if (k && strcmp(k, "dmesg") == 0) {
		c->context = "dmesg";
	} else if (k && strcmp(c->context, "text") == 0) {
		c->context = k;
	} else if (!k && strcmp(c->context, "dmesg") && strcmp(c->context, "u-boot") && !looks_like_log(s)) {
		c->context = "text";
	}
	if (strncmp(s, "Mem:", 4) == 0 || strstr(s, "total         used"))
		c->context =
		    strcmp(c->context, "meminfo") == 0 || strcmp(c->context, "free") == 0 ? "free" : c->context;
	part_mark(c, k ? k : c->context);

	size_t before = c->f->n;
	if (!r_lspci(c)) {
		r_partitions(c);
		r_soc(c);
		r_machine(c);
		r_cpu(c);
		r_clock(c);
		r_ram(c);
		r_flash(c);
		r_wifi(c);
		r_usb(c);
		r_ethernet(c);
		r_boot(c);
		r_kernel(c);
	}
	c->line_had_facts = c->f->n != before;
	r_poster(c);
	r_mentions(c);
	r_brand(c);
}

static bool is_text(const uint8_t *data, size_t len, size_t *bad_out)
{
	size_t n = len < 65536 ? len : 65536, bad = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = data[i];
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1b && b != '\b' && b != 0x07)
			bad++;
	}
	*bad_out = bad;
	return bad * 100 <= n; /* at most 1% control bytes */
}

int mtd_facts_parse(struct mtd_facts *f, const char *file, const uint8_t *data, size_t len, struct mtd_diag *d)
{
	if (len > MTD_FACTS_MAX_INPUT)
		return mtd_diag_set(d, MTD_ERR_LIMIT, file, "is %zu bytes; logs above %u MiB are not read", len,
		                    MTD_FACTS_MAX_INPUT >> 20);
	if (len == 0)
		return mtd_diag_set(d, MTD_ERR_FORMAT, file, "is empty (0 bytes); expected a log or shell output");
	size_t bad;
	if (!is_text(data, len, &bad))
		return mtd_diag_at(d, MTD_ERR_FORMAT, file, 0,
		                   "expected text (a log or shell output), found binary data (%zu control bytes in the "
		                   "first %zu); for a flash dump use 'mtdscope scan'",
		                   bad, len < 65536 ? len : 65536);
	struct pctx c;
	memset(&c, 0, sizeof(c));
	c.f = f;
	c.file = mtd_arena_strdup(&f->arena, file);
	c.context = "text";
	if (!c.file)
		return mtd_diag_set(d, MTD_ERR_NOMEM, file, "out of memory");
	struct mtd_reader r;
	mtd_rd_init(&r, data, len, 0);
	const char *line;
	size_t n;
	bool cut;
	char buf[LINE_MAX_LEN + 1];
	while (mtd_rd_line(&r, LINE_MAX_LEN, &line, &n, &cut)) {
		c.line++;
		/* "\r\n" is one terminator; a lone "\r" ends a line too (mtd_rd_line) */
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)line[i];
			buf[i] = ch == 0 || (ch < 0x20 && ch != '\t') ? ' ' : (char)ch;
		}
		buf[n] = 0;
		parse_line(&c, buf);
		if (c.oom) {
			free(c.mkeys);
			return mtd_diag_set(d, MTD_ERR_NOMEM, file, "out of memory at line %u", c.line);
		}
	}
	free(c.mkeys);
	f->files++;
	f->lines += c.line;
	f->bytes += len;
	return 0;
}

void mtd_facts_init(struct mtd_facts *f)
{
	memset(f, 0, sizeof(*f));
	mtd_arena_init(&f->arena);
}

void mtd_facts_release(struct mtd_facts *f)
{
	free(f->v);
	free(f->parts);
	mtd_arena_release(&f->arena);
	memset(f, 0, sizeof(*f));
}
