/* SPDX-License-Identifier: MIT */
/* Forum text: statements of the owner, OpenWrt devices named in prose, brands on lines that name a device. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/device.h>
#include <mtdscope/reader.h>

#include "facts_int.h"
#include "kb.h"

/*
 * An owner's statement that the device has no wired port: a negation ("no", "without", "absence
 * of", "lacks", "doesn't have") followed by a word for a wired port (Ethernet, LAN, RJ45, WAN port,
 * wired), with at most fillers ("other", "any", "an") between.  Returns where the negation starts,
 * or NULL.
 */
static bool word_at(const char *p, const char *w)
{
	size_t n = strlen(w);
	return strncasecmp(p, w, n) == 0 && !isalnum((unsigned char)p[n]);
}

/*
 * "No ethernet found." is what U-Boot prints when it has no network driver (net/eth-uclass.c): a program
 * that found no device, not a person saying the board has no port.  The words after the port name tell.
 */
static bool program_says(const char *after)
{
	static const char *const msg[] = {"found", "detected", "device", "interface", "controller"};
	while (*after == ' ')
		after++;
	for (size_t i = 0; i < sizeof(msg) / sizeof(msg[0]); i++)
		if (word_at(after, msg[i]))
			return true;
	return false;
}

static const char *no_wired_port(const char *s)
{
	static const char *const neg[] = {"no",           "without",       "absence of", "lacks",       "lacking",
	                                  "doesn't have", "does not have", "hasn't got", "has not got", "not have"};
	static const char *const port[] = {"ethernet", "lan",      "lans",         "rj45",          "rj-45",
	                                   "wired",    "wan port", "network port", "network ports", "ethernet ports"};
	for (const char *p = s; *p; p++) {
		if (p > s && isalnum((unsigned char)p[-1]))
			continue;
		size_t nl = 0;
		for (size_t i = 0; i < sizeof(neg) / sizeof(neg[0]) && !nl; i++)
			if (word_at(p, neg[i]))
				nl = strlen(neg[i]);
		if (!nl)
			continue;
		/* only fillers may stand between: "no other LAN", "without any Ethernet", "doesn't have an RJ45" */
		static const char *const filler[] = {"other", "any", "an", "a", "physical", "real", "single"};
		const char *q = p + nl;
		for (int words = 0; words < 3 && *q; words++) {
			while (*q == ' ')
				q++;
			for (size_t i = 0; i < sizeof(port) / sizeof(port[0]); i++)
				if (word_at(q, port[i]) && !program_says(q + strlen(port[i])))
					return p;
			bool fill = false;
			for (size_t i = 0; i < sizeof(filler) / sizeof(filler[0]) && !fill; i++)
				fill = word_at(q, filler[i]);
			if (!fill)
				break;
			while (*q && *q != ' ')
				q++;
		}
	}
	return NULL;
}

/* A SoC name printed in lower case and joined to a word by '-' or '_' ("rtl838x-eth 1b00a300.ethernet",
 * "mtk_soc_eth"), or opening a kernel line as its driver ("mt7621 ..." before a device name), is a
 * driver's name: the driver runs on a family, it does not say which chip this is. */
static bool driver_name(const char *s, const char *alias)
{
	for (const char *a = alias; *a; a++)
		if (isupper((unsigned char)*a))
			return false;
	size_t n = strlen(alias);
	for (const char *p = strstr(s, alias); p; p = strstr(p + 1, alias)) {
		char before = p > s ? p[-1] : ' ', after = p[n];
		if (before == '-' || before == '_' || after == '-' || after == '_')
			return true;
		if (p == s && after == ' ')
			return true;
	}
	return false;
}

/* "512mb", "64M", "1G", "128 MiB" at p of line (a word of its own): bytes, and *end past it */
static bool prose_size(const char *line, const char *p, const char **end, uint64_t *bytes)
{
	if (!isdigit((unsigned char)*p) || (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '.')))
		return false;
	uint64_t v;
	if (!mtd_fx_parse_dec(&p, &v) || v == 0 || v > 65536)
		return false;
	if (*p == ' ')
		p++;
	char u = (char)tolower((unsigned char)*p);
	int shift = u == 'k' ? 10 : u == 'm' ? 20 : u == 'g' ? 30 : -1;
	if (shift < 0)
		return false;
	p++;
	if (tolower((unsigned char)*p) == 'i' && tolower((unsigned char)p[1]) == 'b')
		p += 2;
	else if (tolower((unsigned char)*p) == 'b')
		p++;
	else if (!strncasecmp(p, "bytes", 5) || !strncasecmp(p, "byte", 4))
		p += tolower((unsigned char)p[4]) == 's' ? 5 : 4;
	if (isalnum((unsigned char)*p))
		return false; /* "64Mbit", "16MHz" */
	*bytes = v << shift;
	*end = p;
	return true;
}

/*
 * Sizes the owner writes next to the words RAM and flash: "Ram 512mb rom 64mb", "64M RAM, 16M (8M) FLASH",
 * "RAM (128MB) and flash (64MB)", "1G of RAM and 512MB of flash", "the ram which is 256mb".  Only a size
 * right before the word (after "of" at most, a bracketed second size may follow it) or right after it
 * (after "(", ":", "=", "of", "is", "which is" at most) counts; anything else between is a different
 * statement ("flash a 16MB image").
 */
static void prose_sizes(struct pctx *c)
{
	static const struct {
		const char *w, *key;
	} words[] = {{"ram", "ram"},          {"memory", "ram"},     {"ddr", "ram"},
	             {"flash", "flash_size"}, {"rom", "flash_size"}, {"nand", "flash_size_nand"},
	             {"nor", "flash_size"},   {"dram", "ram"},       {"sdram", "ram"},
	             {"ddr2", "ram"},         {"ddr3", "ram"},       {"ddr4", "ram"}};
	const char *s = c->s;
	bool done_ram = false, done_flash = false;
	for (const char *p = s; *p; p++) {
		if (p > s && isalnum((unsigned char)p[-1]))
			continue;
		size_t k = 0, wl = 0;
		for (; k < sizeof(words) / sizeof(words[0]); k++)
			if (word_at(p, words[k].w)) {
				wl = strlen(words[k].w);
				break;
			}
		if (!wl)
			continue;
		bool ram = !strcmp(words[k].key, "ram");
		if (ram ? done_ram : done_flash)
			continue;
		uint64_t b = 0;
		const char *e;
		bool got = false;
		/* after the word: "RAM (128MB)", "Ram 512mb", "RAM: 64 MB", "ram which is 256mb" */
		const char *q = p + wl;
		for (int fill = 0; fill < 3 && !got; fill++) {
			while (*q == ' ' || *q == '(' || *q == ':' || *q == '=')
				q++;
			if (prose_size(s, q, &e, &b)) {
				got = true;
				break;
			}
			static const char *const after[] = {"of", "is", "which", "size", "chip"};
			size_t j = 0;
			for (; j < sizeof(after) / sizeof(after[0]) && !word_at(q, after[j]); j++)
				;
			if (j == sizeof(after) / sizeof(after[0]))
				break;
			q += strlen(after[j]);
		}
		/* before it: "64M RAM", "16M (8M) FLASH", "512MB of flash", "1G of RAM" */
		if (!got && p > s) {
			const char *r = p;
			while (r > s && r[-1] == ' ')
				r--;
			if (r - s >= 2 && !strncasecmp(r - 2, "of", 2) && (r - 2 == s || r[-3] == ' ')) {
				r -= 2;
				while (r > s && r[-1] == ' ')
					r--;
			}
			if (r > s && r[-1] == ')') { /* "16M (8M) FLASH": the second size is a variant */
				const char *o = r - 1;
				while (o > s && *o != '(')
					o--;
				r = o;
				while (r > s && r[-1] == ' ')
					r--;
			}
			const char *t = r;
			while (t > s && t[-1] != ' ' && t[-1] != '(' && t[-1] != ',')
				t--;
			/* "128 MiB NAND": the unit is a word of its own, the number the word before it */
			if (t < r && !isdigit((unsigned char)*t) && t - s >= 2 && t[-1] == ' ' &&
			    isdigit((unsigned char)t[-2])) {
				const char *n = t - 1;
				while (n > s && isdigit((unsigned char)n[-1]))
					n--;
				t = n;
			}
			if (t < r && prose_size(s, t, &e, &b)) {
				/* r is where the blanks before the word (or its "of") begin: only blanks between */
				while (e < r && *e == ' ')
					e++;
				got = e == r;
			}
		}
		if (!got)
			continue;
		if (ram ? b < (2u << 20) || b > (64ull << 30) : b < (1u << 20) || b > (64ull << 30))
			continue;
		mtd_fx_add_size(c, words[k].key, "poster", 20, b, "the owner's statement");
		if (ram)
			done_ram = true;
		else
			done_flash = true;
	}
}

/* What the key of a specifications line states: "SoC", "CPU", "RAM", "DDR", "NAND Flash", "Flash", "Storage" */
enum spec_key { SPEC_NONE, SPEC_SOC, SPEC_RAM, SPEC_FLASH };

static enum spec_key spec_key_of(const char *k, size_t n)
{
	static const struct {
		const char *w;
		enum spec_key key;
	} words[] = {{"soc", SPEC_SOC},       {"cpu", SPEC_SOC},       {"processor", SPEC_SOC}, {"chipset", SPEC_SOC},
	             {"ram", SPEC_RAM},       {"dram", SPEC_RAM},      {"sdram", SPEC_RAM},     {"ddr", SPEC_RAM},
	             {"ddr2", SPEC_RAM},      {"ddr3", SPEC_RAM},      {"ddr4", SPEC_RAM},      {"memory", SPEC_RAM},
	             {"flash", SPEC_FLASH},   {"nand", SPEC_FLASH},    {"nor", SPEC_FLASH},     {"rom", SPEC_FLASH},
	             {"storage", SPEC_FLASH}, {"spi-nor", SPEC_FLASH}, {"spi-nand", SPEC_FLASH}};
	enum spec_key found = SPEC_NONE;
	for (size_t i = 0; i < n;) {
		while (i < n && !isalnum((unsigned char)k[i]))
			i++;
		size_t j = i;
		while (j < n && (isalnum((unsigned char)k[j]) || k[j] == '-'))
			j++;
		/* the other words may only qualify the part ("SPI NOR Flash", "Flash size", "Main memory") */
		static const char *const qual[] = {"spi",  "serial",  "parallel", "size",   "type",  "chip",
		                                   "main", "onboard", "internal", "system", "total", "capacity"};
		bool known = false;
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (j - i == strlen(words[w].w) && !strncasecmp(k + i, words[w].w, j - i)) {
				if (found != SPEC_NONE && found != words[w].key)
					return SPEC_NONE; /* "RAM/Flash": two statements in one key */
				found = words[w].key;
				known = true;
			}
		for (size_t w = 0; w < sizeof(qual) / sizeof(qual[0]) && !known && j > i; w++)
			known = j - i == strlen(qual[w]) && !strncasecmp(k + i, qual[w], j - i);
		if (!known && j > i)
			return SPEC_NONE; /* "Flash instructions", "RAM test" */
		i = j;
	}
	return found;
}

/* The first size written as a word of its own in a value: "Winbond W29N01HV 128 MiB", "DDR3 512 MiB" */
static bool first_size(const char *v, uint64_t *b)
{
	const char *e;
	for (const char *p = v; *p; p++)
		if (prose_size(v, p, &e, b))
			return true;
	return false;
}

/*
 * A line of a device's specifications, "Key: value", as OpenWrt commit messages and forum posts list
 * them ("- RAM: 128MB DDR2", "* NAND: 256MiB", "Flash : SPI-NOR 32 MiB (Macronix)", "SoC: MediaTek
 * MT7621AT 880MHz").  Returns false when the key states nothing this reads.
 */
static bool spec_line(struct pctx *c, const char *s)
{
	const char *colon = strchr(s, ':'), *p;
	if (!colon || colon - s > 24 || colon == s)
		return false;
	const char *v = mtd_fx_skip_ws(colon + 1);
	size_t kn = (size_t)(colon - s);
	while (kn && s[kn - 1] == ' ')
		kn--;
	uint64_t b;
	enum spec_key key = spec_key_of(s, kn);
	if (key == SPEC_SOC) {
		char alias[32];
		const struct mtd_kb_soc *k = mtd_kb_soc_in_text(v, alias, sizeof(alias));
		if (k) {
			struct mtd_fact *x = mtd_fx_add(c, "soc", "poster", 20, k->name);
			if (x)
				x->note = mtd_fx_dupn(c, alias, strlen(alias));
		}
		if ((p = strcasestr(v, "MHz"))) {
			const char *q = p;
			while (q > v && isdigit((unsigned char)q[-1]))
				q--;
			uint64_t mhz;
			if (q < p && mtd_fx_parse_dec(&q, &mhz))
				mtd_fx_add_num(c, "cpu_mhz", "poster", 20, mhz, NULL);
		}
	} else if (key == SPEC_RAM) {
		if (first_size(v, &b) && b >= (2u << 20) && b <= (64ull << 30))
			mtd_fx_add_size(c, "ram", "poster", 20, b, NULL);
	} else if (key == SPEC_FLASH) {
		const char *kd = mtd_fx_dupn(c, s, kn);
		bool nand = strcasestr(kd, "nand") || (!strcasestr(kd, "nor") && strcasestr(v, "NAND"));
		bool nor = !nand && (strcasestr(kd, "nor") || strcasestr(v, "NOR"));
		if (first_size(v, &b) && b >= (1u << 20) && b <= (64ull << 30))
			mtd_fx_add_size(c, nand ? "flash_size_nand" : "flash_size", "poster", 20, b, NULL);
		if (nand)
			mtd_fx_add(c, "flash_type", "poster", 20, "nand");
		else if (nor)
			mtd_fx_add(c, "flash_type", "poster", 20, "nor");
		/* the chip's marking: "(EN25)QH128A-104HIP" with the logo part in brackets, or "Winbond W29N01HV" */
		char mark[48];
		size_t m = 0;
		const struct mtd_kb_flash *fl = NULL;
		for (p = v;; p++) {
			if (*p == '(' || *p == ')')
				continue;
			if (*p == ' ' || *p == ',' || !*p) {
				mark[m] = 0;
				if (m >= 6 && (fl = mtd_kb_flash_by_name(mark)))
					break;
				m = 0;
				if (!*p)
					break;
				continue;
			}
			if (m < sizeof(mark) - 1)
				mark[m++] = *p;
		}
		if (fl)
			mtd_fx_add(c, "flash_chip", "poster", 20, fl->name);
	} else if (strcasestr(mtd_fx_dupn(c, s, kn), "wifi") || strcasestr(mtd_fx_dupn(c, s, kn), "wlan")) {
		const struct mtd_kb_wifi *w = mtd_kb_wifi_in_text(v);
		if (w)
			mtd_fx_add_wifi(c, "poster", 20, w, false, 0, 0, NULL);
	} else if (kn == 8 && strncasecmp(s, "Ethernet", 8) == 0) {
		mtd_fx_add(c, "ethernet", "poster", 20, mtd_fx_trimmed(c, v, NULL));
		p = v;
		uint64_t n;
		while (*p && !(isdigit((unsigned char)*p) && (p[1] == 'x' || p[1] == 'X') && p[2] == ' '))
			p++;
		if (*p && mtd_fx_parse_dec(&p, &n))
			mtd_fx_add_num(c, "eth_ports", "poster", 50, n, NULL);
	} else if (kn == 4 && strncasecmp(s, "UART", 4) == 0) {
		mtd_fx_add(c, "console", "poster", 30, mtd_fx_trimmed(c, v, NULL));
	} else {
		return false;
	}
	return true;
}

/* Statements in forum text: "- SoC: Mediatek MT7621DAT 880MHz", "no LAN", "Serial console (115200 8n1)" */
void mtd_fx_r_poster(struct pctx *c)
{
	const char *s = c->s;
	bool bullet = !strncmp(s, "- ", 2) || !strncmp(s, "* ", 2);
	const char *m = no_wired_port(s);
	if (m) {
		struct mtd_fact *x =
		    mtd_fx_add_num(c, "eth_ports", "poster", 70, 0, "the owner says the device has no Ethernet port");
		if (x && m - s > 30) {
			/* the statement may sit deep in a long forum line: the evidence starts near it */
			char buf[TEXT_MAX + 8];
			snprintf(buf, sizeof(buf), "...%.*s", TEXT_MAX, m - 30);
			const char *t = mtd_arena_strdup(&c->f->arena, buf);
			if (t)
				x->text = t;
		}
	}
	if (bullet) {
		/* "- RAM: 128MB DDR2"; a bullet without a key is a sentence ("- 16MB NOR Flash (MXIC 25L128)") */
		if (!spec_line(c, s + 2) && !c->line_had_facts && !strcmp(c->context, "text"))
			prose_sizes(c);
		return;
	}
	if (c->line_had_facts)
		return;
	if (!strcmp(c->context, "text")) {
		/* an unbulleted "Key: value" of a specifications list in forum text ("Flash: Winbond W29N01HV 128 MiB")
		 */
		if (spec_line(c, s))
			return;
		prose_sizes(c);
	}
	/* a SoC named in prose ("It has a MT7628") */
	char alias[32];
	const struct mtd_kb_soc *k = mtd_kb_soc_in_text(s, alias, sizeof(alias));
	if (k && strlen(alias) >= 5 && !driver_name(s, alias)) {
		struct mtd_fact *x = mtd_fx_add(c, "soc", "poster", 15, k->name);
		if (x)
			x->note = mtd_fx_dupn(c, alias, strlen(alias));
	}
}

size_t mtd_fx_norm_alnum(const char *s, char *out, size_t size, bool stop_at_paren)
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
bool mtd_fx_make_mkeys(struct pctx *c)
{
	c->mkeys = mtd_alloc_array(mtd_kb_devices_count, sizeof(*c->mkeys));
	if (!c->mkeys)
		return false;
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		char model[96], vendor[32], vbuf[32];
		size_t n = mtd_fx_norm_alnum(d->model, model, sizeof(model), true);
		size_t vl = strcspn(d->compatible, ",");
		snprintf(vbuf, sizeof(vbuf), "%.*s", (int)(vl < 31 ? vl : 31), d->compatible);
		size_t vn = mtd_fx_norm_alnum(vbuf, vendor, sizeof(vendor), true);
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

void mtd_fx_r_mentions(struct pctx *c)
{
	if (c->line_had_facts || strcmp(c->context, "text") || ++c->prose_lines > 2000 || strlen(c->s) < 5)
		return;
	if (!c->mkeys) {
		if (c->mkeys_failed)
			return;
		if (!mtd_fx_make_mkeys(c)) {
			c->mkeys_failed = true;
			return;
		}
	}
	char line[LINE_MAX_LEN + 1];
	mtd_fx_norm_alnum(c->s, line, sizeof(line), false);
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		const char *key = c->mkeys[i];
		size_t n = strlen(key);
		if (!n)
			continue;
		const char *hit = strstr(line, key);
		/* "mr600v2" must not match inside "mr600v21" (spaces are gone, so only digits tell) */
		if (hit && !isdigit((unsigned char)hit[n]))
			mtd_fx_add(c, "model_mention", "poster", 10, d->compatible);
	}
}

/*
 * Brands are taken from the lines that name the device (profile.c: the machine, model and board
 * name facts), never from words anywhere in a log ("registered new interface driver pegasus" is
 * not ASUS).  The one brand fact made here is TP-Link's boot loader word: its U-Boot stops only
 * for "tpl".
 */
void mtd_fx_r_brand(struct pctx *c)
{
	if (strstr(c->s, "type 'tpl'") || strstr(c->s, "(type tpl"))
		mtd_fx_add(c, "brand", "u-boot", 30, "TP-Link");
}
