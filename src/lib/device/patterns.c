/* SPDX-License-Identifier: MIT */
/* The pattern engine: cue, regex, conversion of the captures (see patterns.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/error.h>
#include <mtdscope/util.h>

#include "facts_int.h"
#include "kb.h"
#include "patterns.h"

int mtd_pattern_set_init(struct mtd_pattern_set *s)
{
	s->re = mtd_alloc_array(mtd_patterns_count ? mtd_patterns_count : 1, sizeof(*s->re));
	s->state = mtd_alloc_array(mtd_patterns_count ? mtd_patterns_count : 1, 1);
	if (!s->re || !s->state) {
		free(s->re);
		free(s->state);
		s->re = NULL;
		s->state = NULL;
		return MTD_ERR_NOMEM;
	}
	memset(s->state, 0, mtd_patterns_count);
	return 0;
}

void mtd_pattern_set_release(struct mtd_pattern_set *s)
{
	for (size_t i = 0; s->state && i < mtd_patterns_count; i++)
		if (s->state[i] == 1)
			regfree(&s->re[i]);
	free(s->re);
	free(s->state);
	s->re = NULL;
	s->state = NULL;
}

bool mtd_pattern_cue(const struct mtd_pattern *pt, const char *line)
{
	if (pt->cue[0] == '^')
		return strncmp(line, pt->cue + 1, strlen(pt->cue + 1)) == 0;
	return strstr(line, pt->cue) != NULL;
}

bool mtd_pattern_parse_size(const char **pp, uint64_t *bytes)
{
	const char *p = *pp;
	while (*p == ' ' || *p == '\t' || *p == '=')
		p++;
	uint64_t v;
	if (!mtd_fx_parse_dec(&p, &v))
		return false;
	if (*p == '.') /* "16.0 MB": the fraction is dropped */
		for (p++; isdigit((unsigned char)*p);)
			p++;
	while (*p == ' ' || *p == '\t')
		p++;
	static const struct {
		const char *u;
		uint64_t m;
	} units[] = {
	    {"Mbits", 1u << 17}, {"Mbit", 1u << 17}, {"Mb", 1u << 17}, {"MBytes", 1u << 20}, {"Mbytes", 1u << 20},
	    {"MByte", 1u << 20}, {"MiB", 1u << 20},  {"MB", 1u << 20}, {"Kbytes", 1024},     {"KBytes", 1024},
	    {"KiB", 1024},       {"KB", 1024},       {"kB", 1024},     {"GiB", 1u << 30},    {"GB", 1u << 30},
	    {"bytes", 1},        {"M", 1u << 20},    {"m", 1u << 20},  {"K", 1024},          {"k", 1024},
	    {"G", 1u << 30},     {"B", 1},
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].u);
		if (strncmp(p, units[i].u, n) == 0 && !isalpha((unsigned char)p[n])) {
			if (!mtd_mul_ov(v, units[i].m, bytes))
				return false;
			*pp = p + n;
			return true;
		}
	}
	return false;
}

static void trim_into(char *out, size_t size, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == ':' || *s == '=' || *s == '"' || *s == '\'')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '.' || s[n - 1] == ',' || s[n - 1] == '!' ||
	             s[n - 1] == '"' || s[n - 1] == '\'' || s[n - 1] == ';'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = 0;
}

/* "88F6560 A0" -> "88F6560", "Qualcomm Foo1234 rev 2" -> "Foo1234": the first word of 4 or more letters and
 * digits holding a digit and a letter names the chip; revisions and vendors are not part of its name */
static void chip_token(char *v)
{
	for (char *p = v; *p;) {
		size_t n = strcspn(p, " \t(),");
		bool digit = false, alpha = false, ok = n >= 4;
		for (size_t i = 0; i < n; i++) {
			digit |= isdigit((unsigned char)p[i]) != 0;
			alpha |= isalpha((unsigned char)p[i]) != 0;
			ok &= isalnum((unsigned char)p[i]) || p[i] == '_' || p[i] == '-';
		}
		if (ok && digit && alpha) {
			memmove(v, p, n);
			v[n] = 0;
			return;
		}
		p += n;
		p += strspn(p, " \t(),");
	}
}

/* "MT$2" with the captures of m over line */
static void expand(const char *tpl, size_t tn, const char *line, const regmatch_t *m, size_t nm, char *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < tn && o + 1 < size; i++) {
		if (tpl[i] == '$' && i + 1 < tn && tpl[i + 1] >= '1' && tpl[i + 1] <= '9') {
			size_t k = (size_t)(tpl[i + 1] - '0');
			i++;
			if (k < nm && m[k].rm_so >= 0)
				for (regoff_t p = m[k].rm_so; p < m[k].rm_eo && o + 1 < size; p++)
					out[o++] = line[p];
			continue;
		}
		out[o++] = tpl[i];
	}
	out[o] = 0;
}

static bool to_jedec(const char *s, struct mtd_pattern_hit *h)
{
	/* "ef 40 18", "0xef, 0x40, 0x18", "0xef4016", "c8 0a": bytes in order */
	char hex[24];
	size_t n = 0;
	int tokens = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2;
		const char *b = p;
		while (mtd_fx_hexdig(*p) >= 0)
			p++;
		size_t len = (size_t)(p - b);
		if (!len || (*p && *p != ' ' && *p != ',' && *p != '\t'))
			return false;
		if (n + len + 1 >= sizeof(hex))
			return false;
		if (len % 2)
			hex[n++] = '0';
		for (size_t i = 0; i < len; i++)
			hex[n++] = (char)tolower((unsigned char)b[i]);
		tokens++;
	}
	if (n < 4 || n > 16)
		return false;
	hex[n] = 0;
	(void)tokens;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 4 | (uint64_t)mtd_fx_hexdig(hex[i]);
	snprintf(h->value, sizeof(h->value), "%s", hex);
	h->num = v;
	h->has_num = true;
	return true;
}

/*
 * Parts that share the SoC vendors' prefixes but are not SoCs: Ethernet switches and PHYs (Realtek RTL83xx/RTL82xx,
 * Atheros/Qualcomm AR8xxx/QCA8xxx, Broadcom BCM53xxx/BCM54xxx/BCM50xxx, MediaTek MT753x), Ethernet controllers
 * (RTL811x/813x/815x) and radios (RTL818x/819x, RTL88xx, MT76xx, AR92xx-AR95xx, BCM43xx, QCN9xxx) when the radio
 * table lacks the exact name.  An owner's "a RTL8367 chip" is not the SoC.
 */
static bool not_a_soc(const char *v)
{
	/* RTL8181/8186/8196/8197/8198 are SoCs; the other RTL81xx are radios and Ethernet controllers */
	static const char *const fam[] = {
	    "RTL83",   "RTL82",   "RTL88",   "RTL811", "RTL813", "RTL815", "RTL8185", "RTL8187", "RTL8188", "RTL8189",
	    "RTL8190", "RTL8191", "RTL8192", "AR80",   "AR81",   "AR82",   "AR83",    "QCA80",   "QCA83",   "QCA84",
	    "BCM53",   "BCM54",   "BCM43",   "BCM50",  "MT753",  "MT76",   "QCN9",    "AR92",    "AR93",    "AR95"};
	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++)
		if (!strncmp(v, fam[i], strlen(fam[i])))
			return true;
	return mtd_kb_wifi_by_chip(v) || mtd_kb_flash_by_name(v);
}

/* socstated(): the chip an owner names ("an RTL8197DN chipset"); see data/patterns/text.tsv */
static bool stated_soc(const char *s, struct mtd_pattern_hit *h)
{
	char name[40];
	trim_into(name, sizeof(name), s);
	/* a Broadcom reference board (BCM96838, BCM963138) is named after its chip */
	size_t n = strlen(name);
	if (!strncmp(name, "BCM9", 4) && n >= 8 && n <= 9 && strspn(name + 4, "0123456789") == n - 4)
		memmove(name + 3, name + 4, n - 3);
	char alias[32];
	const struct mtd_kb_soc *k = mtd_kb_soc_in_text(name, alias, sizeof(alias));
	if (k) {
		snprintf(h->value, sizeof(h->value), "%s", k->name);
		snprintf(h->note, sizeof(h->note), "%s", alias);
		return true;
	}
	if (not_a_soc(name))
		return false;
	snprintf(h->value, sizeof(h->value), "%s", name);
	snprintf(h->note, sizeof(h->note), "%s", MTD_SOC_UNLISTED_NOTE);
	h->weight = MTD_SOC_CLAIM_NAMED;
	return h->value[0] != 0;
}

static bool convert(const char *conv, struct mtd_pattern_hit *h)
{
	const char *s = h->raw;
	uint64_t v = 0, b = 0;
	const char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!strcmp(conv, "str") || !strcmp(conv, "chip")) {
		trim_into(h->value, sizeof(h->value), s);
		size_t n = strlen(h->value);
		return !strcmp(conv, "str") ? n > 0 : n >= 3 && n <= 40;
	}
	if (!strcmp(conv, "socstated"))
		return stated_soc(s, h);
	if (!strcmp(conv, "soc") || !strcmp(conv, "socif")) {
		char alias[32];
		const struct mtd_kb_soc *k = mtd_kb_soc_in_text(s, alias, sizeof(alias));
		if (k) {
			snprintf(h->value, sizeof(h->value), "%s", k->name);
			snprintf(h->note, sizeof(h->note), "%s", alias);
		} else if (!strcmp(conv, "socif")) {
			return false; /* only a SoC the tables know counts from this line */
		} else {
			/* a name the SoC table does not know: kept as a claim */
			trim_into(h->value, sizeof(h->value), s);
			chip_token(h->value);
			if (h->weight >= MTD_PATTERN_CHIP_LINE) {
				/* a line that only ever names the chip ("SoC: ...", "TrendChip TC3182 SOC prom init")
				 */
				snprintf(h->note, sizeof(h->note), "%s", MTD_SOC_UNLISTED_NOTE);
				h->weight = MTD_SOC_CLAIM_NAMED;
			} else {
				snprintf(h->note, sizeof(h->note), "%s",
				         "not a SoC the tables know: the name may be bogus");
				h->weight = MTD_SOC_CLAIM_WEAK;
			}
			if (!h->value[0])
				return false;
		}
		return true;
	}
	if (!strcmp(conv, "jedec"))
		return to_jedec(s, h);
	if (!strcmp(conv, "hexbytes")) {
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2;
		int n = 0;
		while (mtd_fx_hexdig(*p) >= 0 && n < 16)
			v = v << 4 | (uint64_t)mtd_fx_hexdig(*p++), n++;
		if (!n)
			return false;
		b = v;
	} else if (!strcmp(conv, "size") || !strcmp(conv, "ramsize")) {
		if (!mtd_pattern_parse_size(&p, &b))
			return false;
		if (!strcmp(conv, "ramsize") && b > (32u << 20) && b % (32u << 20)) {
			/* "DRAM:  242 MiB": what is left after the loader's reservations, rounded up */
			uint64_t r = 32u << 20;
			while (r < b && r < (1ull << 40))
				r <<= 1;
			b = r;
			snprintf(h->note, sizeof(h->note), "%s",
			         "the loader printed RAM minus its reservations: rounded up");
		}
	} else {
		if (!mtd_fx_parse_dec(&p, &v))
			return false;
		if (*p == '.') /* "333.333 MHz" */
			for (p++; isdigit((unsigned char)*p);)
				p++;
		uint64_t mult = !strcmp(conv, "mib")     ? 1u << 20
		                : !strcmp(conv, "kib")   ? 1024
		                : !strcmp(conv, "mbit")  ? 1u << 17
		                : !strcmp(conv, "pages") ? 4096
		                                         : 1;
		if (!strcmp(conv, "hz"))
			v /= 1000000;
		if (!mtd_mul_ov(v, mult, &b))
			return false;
	}
	if (!strcmp(conv, "dec") || !strcmp(conv, "hz")) {
		if (!b)
			return false;
	} else if (b == 0 || b > (1ull << 40)) {
		return false; /* sizes: nothing, or more than a terabyte */
	}
	h->num = b;
	h->has_num = true;
	snprintf(h->value, sizeof(h->value), "%llu", (unsigned long long)b);
	return true;
}

int mtd_pattern_match(struct mtd_pattern_set *s, size_t i, const char *line, struct mtd_pattern_hit *hit)
{
	const struct mtd_pattern *pt = &mtd_patterns[i];
	if (s->state[i] == 0)
		s->state[i] = regcomp(&s->re[i], pt->regex, REG_EXTENDED) == 0 ? 1 : 2;
	if (s->state[i] != 1)
		return MTD_ERR_FORMAT;
	regmatch_t m[10];
	if (regexec(&s->re[i], line, 10, m, 0) != 0)
		return 0;
	memset(hit, 0, sizeof(*hit));
	hit->weight = pt->weight;
	const char *v = pt->value;
	if (v[0] == '=') {
		snprintf(hit->raw, sizeof(hit->raw), "%s", v + 1);
		return 1;
	}
	const char *open = strchr(v, '(');
	if (v[0] == '$')
		expand(v, strlen(v), line, m, 10, hit->raw, sizeof(hit->raw));
	else if (open && v[strlen(v) - 1] == ')')
		expand(open + 1, strlen(open + 1) - 1, line, m, 10, hit->raw, sizeof(hit->raw));
	else
		return MTD_ERR_FORMAT;
	return 1;
}

int mtd_pattern_run(struct mtd_pattern_set *s, size_t i, const char *line, struct mtd_pattern_hit *hit)
{
	int rc = mtd_pattern_match(s, i, line, hit);
	if (rc != 1)
		return rc;
	const char *v = mtd_patterns[i].value;
	if (v[0] == '=') {
		snprintf(hit->value, sizeof(hit->value), "%s", v + 1);
		return 1;
	}
	if (v[0] == '$')
		return convert("str", hit) ? 1 : 0;
	size_t cl = (size_t)(strchr(v, '(') - v);
	char conv[16];
	if (cl >= sizeof(conv))
		return MTD_ERR_FORMAT;
	memcpy(conv, v, cl);
	conv[cl] = 0;
	return convert(conv, hit) ? 1 : 0;
}
