/* SPDX-License-Identifier: MIT */
/*
 * Facts from pasted text.  Each line is cleaned of what real posts put in front of it
 * (timestamps, logread/syslog prefixes, printk levels, shell prompts, forum indentation),
 * then offered to the declarative patterns of data/patterns/ (*.tsv) (patterns.h) and to the
 * recognisers that need state across lines, one file a source: facts_uboot.c (boot loaders),
 * facts_kernel.c (dmesg: partition tables, kernel banner), facts_proc.c (/proc files), facts_ids.c
 * (lspci, lsusb, PCI/USB ids), facts_text.c (forum text).  Every fact keeps the file, the line
 * number and the cleaned line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/device.h>
#include <mtdscope/reader.h>

#include "facts_int.h"
#include "kb.h"

const char *mtd_fx_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool mtd_fx_parse_dec(const char **pp, uint64_t *v)
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

int mtd_fx_hexdig(char c)
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
bool mtd_fx_parse_hex(const char **pp, uint64_t *v)
{
	const char *p = *pp;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && mtd_fx_hexdig(p[2]) >= 0)
		p += 2;
	uint64_t x = 0;
	int n = 0;
	while (mtd_fx_hexdig(*p) >= 0 && n < 16) {
		x = x * 16 + (uint64_t)mtd_fx_hexdig(*p);
		p++;
		n++;
	}
	if (!n || mtd_fx_hexdig(*p) >= 0)
		return false;
	*v = x;
	*pp = p;
	return true;
}

/* A unit after a number: bytes multiplier, or 0 when none is recognised. */
uint64_t mtd_fx_unit_mult(const char **pp)
{
	const char *p = mtd_fx_skip_ws(*pp);
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
bool mtd_fx_parse_size_unit(const char **pp, uint64_t *bytes)
{
	const char *p = mtd_fx_skip_ws(*pp);
	uint64_t v;
	if (!mtd_fx_parse_dec(&p, &v))
		return false;
	if (*p == '.') { /* "16.0 MB": drop the fraction */
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	uint64_t m = mtd_fx_unit_mult(&p);
	if (!m || !mtd_mul_ov(v, m, bytes))
		return false;
	*pp = p;
	return true;
}

const char *mtd_fx_after(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);
	return p ? p + strlen(needle) : NULL;
}

uint64_t mtd_fx_round_up_pow2(uint64_t v)
{
	uint64_t p = 1u << 20;
	while (p < v && p < (1ull << 40))
		p <<= 1;
	return p;
}

struct mtd_fact *mtd_fx_add(struct pctx *c, const char *key, const char *layer, int weight, const char *value)
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

struct mtd_fact *mtd_fx_add_num(struct pctx *c, const char *key, const char *layer, int weight, uint64_t num,
                                const char *note)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)num);
	struct mtd_fact *x = mtd_fx_add(c, key, layer, weight, buf);
	if (x) {
		x->num = num;
		x->has_num = true;
		if (note)
			x->note = note;
	}
	return x;
}

const char *mtd_fx_dupn(struct pctx *c, const char *s, size_t n)
{
	const char *r = mtd_arena_strndup(&c->f->arena, s, n);
	if (!r)
		c->oom = true;
	return r ? r : "";
}

/* trim a value: spaces and trailing punctuation */
const char *mtd_fx_trimmed(struct pctx *c, const char *s, const char *end)
{
	if (!end)
		end = s + strlen(s);
	while (s < end && (*s == ' ' || *s == '\t' || *s == ':' || *s == '='))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '.' || end[-1] == ','))
		end--;
	return mtd_fx_dupn(c, s, (size_t)(end - s));
}

const char *mtd_fx_kernel_or(struct pctx *c, const char *other)
{
	return c->in_kernel ? "kernel" : other;
}

void mtd_fx_add_size(struct pctx *c, const char *key, const char *layer, int weight, uint64_t bytes, const char *note)
{
	if (bytes == 0 || bytes > (1ull << 40))
		return;
	mtd_fx_add_num(c, key, layer, weight, bytes, note);
}

void mtd_fx_add_jedec(struct pctx *c, const char *layer, int weight, uint64_t id, int digits)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%0*llx", digits, (unsigned long long)id);
	struct mtd_fact *x = mtd_fx_add(c, "flash_jedec", layer, weight, buf);
	if (x) {
		x->num = id;
		x->has_num = true;
	}
}

void mtd_fx_add_chip(struct pctx *c, const char *layer, int weight, const char *name, size_t n)
{
	while (n && (name[n - 1] == ' ' || name[n - 1] == '.' || name[n - 1] == '!' || name[n - 1] == ','))
		n--;
	if (n < 3 || n > 40)
		return;
	mtd_fx_add(c, "flash_chip", layer, weight, mtd_fx_dupn(c, name, n));
}

/* generic names that say nothing about the product */
static bool generic_machine(const char *v)
{
	return !*v || !strcasecmp(v, "Unknown") || !strcasecmp(v, "Generic") || !strcasecmp(v, "None");
}

/* The declarative tables (data/patterns/ (*.tsv)): every pattern whose cue is on the line. */
void mtd_fx_r_patterns(struct pctx *c)
{
	if (!c->pats.state)
		return;
	for (size_t i = 0; i < mtd_patterns_count; i++) {
		const struct mtd_pattern *pt = &mtd_patterns[i];
		if (!mtd_pattern_cue(pt, c->s))
			continue;
		struct mtd_pattern_hit h;
		if (mtd_pattern_run(&c->pats, i, c->s, &h) != 1)
			continue;
		const char *layer = strcmp(pt->layer, "auto") ? pt->layer : mtd_fx_kernel_or(c, "u-boot");
		if (!strcmp(pt->key, "machine") && generic_machine(h.value))
			continue;
		struct mtd_fact *x = mtd_fx_add(c, pt->key, layer, h.weight, h.value);
		if (!x)
			return;
		x->num = h.num;
		x->has_num = h.has_num;
		if (h.note[0])
			x->note = mtd_fx_dupn(c, h.note, strlen(h.note));
		else if (pt->note[0])
			x->note = pt->note;
		if (!strcmp(pt->key, "machine") &&
		    (strcasestr(h.value, "reference") || strcasestr(h.value, "evaluation") ||
		     strcasestr(h.value, "rfb") || strcasestr(h.value, "Prototype") || strcasestr(h.value, "Stinkbug")))
			x->note = "a reference-design or platform name, not the product";
	}
}

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
	if (!mtd_fx_r_lspci(c)) {
		mtd_fx_r_partitions(c);
		mtd_fx_r_patterns(c);
		mtd_fx_r_cpu(c);
		mtd_fx_r_clock(c);
		mtd_fx_r_ram(c);
		mtd_fx_r_flash(c);
		mtd_fx_r_wifi(c);
		mtd_fx_r_usb(c);
		mtd_fx_r_ethernet(c);
		mtd_fx_r_boot(c);
		mtd_fx_r_kernel(c);
	}
	/* a line with log facts is not prose (what the owner wrote on it is read by the text recognisers) */
	c->line_had_facts = false;
	for (size_t i = before; i < c->f->n; i++)
		c->line_had_facts |= strcmp(c->f->v[i].layer, "poster") != 0;
	mtd_fx_r_poster(c);
	mtd_fx_r_mentions(c);
	mtd_fx_r_codes(c);
	mtd_fx_r_brand(c);
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

/*
 * /proc/device-tree/model and .../compatible copied as files (collect's bundle
 * members device-tree/model and device-tree/compatible, or a user's copy of
 * the same name): the whole first line is the board's name, not a log line.
 * Returns the fact key the first line carries, or NULL.
 */
static const char *devicetree_file(const char *file)
{
	static const struct {
		const char *suffix, *key;
	} dt[] = {{"device-tree/model", "machine"}, {"device-tree/compatible", "compatible"}};
	size_t fl = strlen(file);
	for (size_t i = 0; i < sizeof(dt) / sizeof(dt[0]); i++) {
		size_t sl = strlen(dt[i].suffix);
		if (fl >= sl && !strcmp(file + fl - sl, dt[i].suffix) &&
		    (fl == sl || file[fl - sl - 1] == '/' || file[fl - sl - 1] == ':'))
			return dt[i].key;
	}
	return NULL;
}

/*
 * A copy of /proc/device-tree/model or .../compatible under any name: short,
 * one or more printable strings each ended by a NUL (as the kernel shows
 * them), no line break.  A list of "vendor,name" strings is a compatible
 * list, anything else a model; a file named "compatible" is one either way.
 */
static const char *devicetree_shaped(const char *file, const uint8_t *data, size_t len)
{
	if (len < 2 || len > 1024 || data[len - 1] != 0 || data[0] == 0)
		return NULL;
	bool all_compat = true, comma = false;
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t b = data[i];
		if (b == 0) {
			if (i == start || !comma)
				all_compat = false;
			comma = false;
			start = i + 1;
			continue;
		}
		if (b < 0x20 || b == 0x7f)
			return NULL;
		if (b == ',')
			comma = true;
		if (b == ' ')
			all_compat = false;
	}
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	return all_compat || !strcmp(base, "compatible") ? "compatible" : "machine";
}

int mtd_facts_parse(struct mtd_facts *f, const char *file, const uint8_t *data, size_t len, struct mtd_diag *d)
{
	if (len > MTD_FACTS_MAX_INPUT)
		return mtd_diag_set(d, MTD_ERR_LIMIT, file, "is %zu bytes; logs above %u MiB are not read", len,
		                    MTD_FACTS_MAX_INPUT >> 20);
	if (len == 0)
		return mtd_diag_set(d, MTD_ERR_FORMAT, file, "is empty (0 bytes); expected a log or shell output");
	size_t bad;
	const char *dtfile = devicetree_file(file);
	if (!dtfile)
		dtfile = devicetree_shaped(file, data, len);
	if (!dtfile && !is_text(data, len, &bad))
		return mtd_diag_at(d, MTD_ERR_FORMAT, file, 0,
		                   "expected text (a log or shell output), found binary data (%zu control bytes in the "
		                   "first %zu); for a flash dump use 'mtdscope scan'",
		                   bad, len < 65536 ? len : 65536);
	struct pctx c;
	memset(&c, 0, sizeof(c));
	c.f = f;
	c.file = mtd_arena_strdup(&f->arena, file);
	c.context = "text";
	if (!c.file || mtd_pattern_set_init(&c.pats))
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
		if (dtfile) {
			/* the device tree's own words, above what a log line says (Machine model: 75):
			 * the first string (NUL-terminated as the kernel shows it, or one a line) */
			if (c.line > 1)
				continue;
			size_t vl = strnlen(line, n);
			c.s = buf;
			c.text = NULL;
			const char *v = mtd_fx_trimmed(&c, buf, buf + vl);
			if (v && *v)
				mtd_fx_add(&c, dtfile, "devicetree", 85, v);
		} else {
			parse_line(&c, buf);
		}
		if (c.oom) {
			free(c.mkeys);
			free(c.codes);
			mtd_pattern_set_release(&c.pats);
			return mtd_diag_set(d, MTD_ERR_NOMEM, file, "out of memory at line %u", c.line);
		}
	}
	mtd_fx_proc_mtd_end(&c);
	free(c.mkeys);
	free(c.codes);
	mtd_pattern_set_release(&c.pats);
	if (c.oom)
		return mtd_diag_set(d, MTD_ERR_NOMEM, file, "out of memory at the end");
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

size_t mtd_facts_useful(const struct mtd_facts *f)
{
	static const char *const stated[] = {"soc", "ram", "flash_size", "flash_chip", "flash_type", "wifi"};
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (!strcmp(x->key, "brand"))
			continue;
		bool ok = strcmp(x->layer, "poster") != 0;
		for (size_t k = 0; k < sizeof(stated) / sizeof(stated[0]) && !ok; k++)
			ok = !strcmp(x->key, stated[k]);
		n += ok;
	}
	return n;
}

void mtd_facts_release(struct mtd_facts *f)
{
	free(f->v);
	free(f->parts);
	mtd_arena_release(&f->arena);
	memset(f, 0, sizeof(*f));
}
