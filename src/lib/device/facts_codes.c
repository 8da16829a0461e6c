/* SPDX-License-Identifier: MIT */
/*
 * OpenWrt devices named by their model code anywhere in a log: "DGND3700 Boot Code", "CFE for
 * WNDR4000", "Module Name: Netgear WNCE-2001", "openwrt-DGND3700v1_3800B-squashfs-cfe.bin".
 * The codes are the DEVICE_MODEL and DEVICE_ALTn model names of OpenWrt's image makefiles
 * (data/openwrt-devices.tsv); a code matches only as whole words of the line, and a variant
 * printed next to it ("v1", "A1") must be the row's.  These facts only propose devices: assess.c
 * accepts one when its SoC agrees with the SoC of the log.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/util.h>

#include "facts_int.h"

/* lower-case alphanumerics of s, with the index in s of each kept character */
static size_t squash(const char *s, char *out, size_t *map, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; s[i] && n + 1 < size; i++)
		if (isalnum((unsigned char)s[i])) {
			map[n] = i;
			out[n++] = (char)tolower((unsigned char)s[i]);
		}
	out[n] = 0;
	return n;
}

static bool code_ok(const char *k, size_t n)
{
	if (n < 4 || n >= sizeof(((struct mtd_code_key *)0)->key))
		return false;
	bool digit = strpbrk(k, "0123456789") != NULL, alpha = strpbrk(k, "abcdefghijklmnopqrstuvwxyz") != NULL;
	return alpha && (digit || n >= 9);
}

/* a reference design's name is printed by the vendor SDK on every product built from it
 * ("ap143", "db120", "MT7621"): not a product code */
static bool reference_design(const struct mtd_kb_device *d, const char *key)
{
	if (strcasestr(d->model, "reference") || strcasestr(d->model, "evaluation") || strcasestr(d->model, " EVB") ||
	    strcasestr(d->model, " RFB") || strcasestr(d->model, "development board"))
		return true;
	for (size_t i = 0; i < mtd_kb_socs_count; i++) {
		const struct mtd_kb_soc *k = &mtd_kb_socs[i];
		char n[64];
		size_t map[64];
		squash(k->name, n, map, sizeof(n));
		if (!strcmp(n, key))
			return true;
		for (const char *a = k->aliases; a && *a;) {
			size_t al = strcspn(a, ",");
			char one[64];
			snprintf(one, sizeof(one), "%.*s", (int)(al < 63 ? al : 63), a);
			squash(one, n, map, sizeof(n));
			if (!strcmp(n, key))
				return true;
			a += al;
			if (*a == ',')
				a++;
		}
	}
	return false;
}

static void add_key(struct pctx *c, size_t dev, const char *model, size_t mlen, const char *variant, size_t vlen)
{
	if (c->ncodes >= c->codes_cap)
		return;
	struct mtd_code_key *k = &c->codes[c->ncodes];
	char m[96], v[40];
	size_t map[96];
	snprintf(m, sizeof(m), "%.*s", (int)(mlen < 95 ? mlen : 95), model);
	snprintf(v, sizeof(v), "%.*s", (int)(vlen < 39 ? vlen : 39), variant);
	size_t n = squash(m, k->key, map, sizeof(k->key));
	if (!code_ok(k->key, n))
		return;
	const struct mtd_kb_device *d = &mtd_kb_devices[dev];
	size_t vm[32];
	squash(d->vendor && strcmp(d->vendor, "-") ? d->vendor : "", k->vendor, vm, sizeof(k->vendor));
	size_t vmap[40];
	squash(strcmp(v, "-") ? v : "", k->var, vmap, sizeof(k->var));
	k->dev = dev;
	c->ncodes++;
}

static bool make_codes(struct pctx *c)
{
	size_t cap = mtd_kb_devices_count * 5;
	c->codes = mtd_alloc_array(cap, sizeof(*c->codes));
	if (!c->codes)
		return false;
	c->codes_cap = cap;
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		if (d->name && d->name[0] && strcmp(d->name, "-"))
			add_key(c, i, d->name, strlen(d->name), d->variant ? d->variant : "",
			        d->variant ? strlen(d->variant) : 0);
		/* SUPPORTED_DEVICES without a vendor prefix: the board names of older builds ("VG3503J",
		 * "qihoo-c301", "wzr-hp-g450h"), which vendor boot loaders and kernels print */
		for (const char *b = d->boards; b && *b;) {
			size_t bl = strcspn(b, " ");
			if (bl && !memchr(b, ',', bl) && !(bl == 1 && *b == '-'))
				add_key(c, i, b, bl, d->variant ? d->variant : "", d->variant ? strlen(d->variant) : 0);
			b += bl;
			while (*b == ' ')
				b++;
		}
		/* DEVICE_ALTn: "vendor|model|variant" joined with ';' */
		for (const char *a = d->alt_titles; a && *a && strcmp(a, "-");) {
			size_t al = strcspn(a, ";");
			const char *b1 = memchr(a, '|', al);
			const char *b2 = b1 ? memchr(b1 + 1, '|', al - (size_t)(b1 + 1 - a)) : NULL;
			if (b1 && b2)
				add_key(c, i, b1 + 1, (size_t)(b2 - b1 - 1), b2 + 1, al - (size_t)(b2 + 1 - a));
			a += al;
			if (*a == ';')
				a++;
		}
	}
	return true;
}

/* "v1", "V2.0" -> "v1"/"v20"; "A1", "B1" (D-Link hardware revisions): the variant token after a code */
static size_t variant_at(const char *s, char *out, size_t size)
{
	while (*s == ' ' || *s == '-' || *s == '_' || *s == '(' || *s == '/')
		s++;
	if (!strncasecmp(s, "rev", 3)) {
		s += 3;
		while (*s == '.' || *s == ' ')
			s++;
	}
	size_t n = 0;
	if (isdigit((unsigned char)s[0]) && s[1] == '.' && isdigit((unsigned char)s[2])) {
		/* "LibreRouter-1.0", "W306R 2.0": a bare version number, as "v1.0" */
		out[n++] = 'v';
		while ((isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))) && n + 1 < size) {
			if (*s != '.')
				out[n++] = *s;
			s++;
		}
		if (isalnum((unsigned char)*s))
			n = 0;
	} else if ((*s == 'v' || *s == 'V') && isdigit((unsigned char)s[1])) {
		out[n++] = 'v';
		s++;
		while (isdigit((unsigned char)*s) && n + 1 < size)
			out[n++] = *s++;
	} else if (isalpha((unsigned char)*s) && isdigit((unsigned char)s[1]) && !isalnum((unsigned char)s[2])) {
		out[n++] = (char)tolower((unsigned char)s[0]);
		out[n++] = s[1];
	}
	out[n] = 0;
	return n;
}

/* the hardware revision a squashed variant starts with: "v2" of "v2us", "a1"; 0 when it has none
 * ("op", "xw", "us") */
static size_t version_len(const char *v)
{
	if (v[0] == 'v' && isdigit((unsigned char)v[1])) {
		size_t n = 1;
		while (isdigit((unsigned char)v[n]))
			n++;
		return n;
	}
	if (isalpha((unsigned char)v[0]) && isdigit((unsigned char)v[1]) && !isdigit((unsigned char)v[2]))
		return 2;
	return 0;
}

/* Lines that name the device: a boot loader's or kernel's label ("Board:", "Model:", "model name:",
 * "Machine model:", "Product Name:", "Board Id ...:", "machine is", "CFE for"); the value after it, or NULL */
static const char *device_line_value(const char *s)
{
	static const char *const labels[] = {"board id",      "board name", "board",        "model name",
	                                     "machine model", "model",      "product name", "product",
	                                     "module name",   "machine",    "board_name"};
	while (*s == ' ' || *s == '\t')
		s++;
	const char *m = mtd_fx_after(s, "machine is ");
	if (m && !strncmp(s, "MIPS:", 5))
		return m;
	if (!strncasecmp(s, "CFE for ", 8))
		return s + 8;
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		size_t n = strlen(labels[i]);
		if (strncasecmp(s, labels[i], n))
			continue;
		const char *q = s + n;
		if (*q == ' ' && q[1] == '(') /* "Board Id (0-38)" */
			q = strchr(q, ')') ? strchr(q, ')') + 1 : q;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != ':' && *q != '=')
			continue;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		return *q ? q : NULL;
	}
	return NULL;
}

/* "model name: (M32)": a device line whose whole value is one short code that ends the model name of
 * OpenWrt devices ("EAGLE PRO AI M32"): proposed for each such row (at most three), accepted by
 * assess.c only when the SoC of the log agrees */
static void last_word_codes(struct pctx *c, const char *val)
{
	char tok[24];
	size_t n = 0;
	for (const char *q = val; *q && n + 1 < sizeof(tok); q++) {
		if (isalnum((unsigned char)*q))
			tok[n++] = (char)tolower((unsigned char)*q);
		else if (!strchr(" ()\"'", *q))
			return; /* more than one word */
		else if (n && *q == ' ' && q[1] && q[1] != ')' && q[1] != ' ')
			return;
	}
	tok[n] = 0;
	if (n < 3 || !strpbrk(tok, "0123456789") || !strpbrk(tok, "abcdefghijklmnopqrstuvwxyz"))
		return;
	const char *hits[4];
	size_t nh = 0;
	for (size_t i = 0; i < mtd_kb_devices_count && nh < 4; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		if (!d->name || !strchr(d->name, ' '))
			continue;
		const char *lw = strrchr(d->name, ' ') + 1;
		char k[24];
		size_t map[24];
		squash(lw, k, map, sizeof(k));
		if (!strcmp(k, tok))
			hits[nh++] = d->compatible;
	}
	if (nh == 0 || nh > 3)
		return;
	for (size_t i = 0; i < nh; i++)
		mtd_fx_add(c, "model_code_loose", "poster", 10, hits[i]);
}

/* a sentence: five or more all-lowercase words, most of the line's words */
static bool prose(const char *s)
{
	unsigned words = 0, lower = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *w = s;
		bool all = true;
		while (*s && *s != ' ' && *s != '\t') {
			if (!islower((unsigned char)*s) && !strchr(",.;:!?'", *s))
				all = false;
			s++;
		}
		words++;
		lower += all && s - w >= 2;
	}
	return lower >= 5 && lower * 2 > words;
}

void mtd_fx_r_codes(struct pctx *c)
{
	/* log lines only: what the owner writes ("its bigger brother MR600 v2") is a model_mention */
	if (c->codes_failed || (!strcmp(c->context, "text") && !c->line_had_facts && prose(c->s)) ||
	    ++c->code_lines > 6000 || strlen(c->s) < 4)
		return;
	if (!c->codes && !make_codes(c)) {
		c->codes_failed = true;
		return;
	}
	char sq[LINE_MAX_LEN + 1];
	size_t map[LINE_MAX_LEN + 1];
	size_t n = squash(c->s, sq, map, sizeof(sq));
	if (n < 4)
		return;
	const char *s = c->s;
	const char *devline = device_line_value(s);
	if (devline)
		last_word_codes(c, devline);
	struct {
		const char *compat;
		bool strict;
	} found[8];
	size_t nfound = 0;
	for (size_t i = 0; i < c->ncodes; i++) {
		const struct mtd_code_key *k = &c->codes[i];
		size_t kl = strlen(k->key);
		/* a short code ("C301") names a device only beside its maker's name, or as the value of a
		 * line that names the device ("CFE for Foxconn Router R8000") */
		if (kl < 6 && !devline && (!k->vendor[0] || !strstr(sq, k->vendor)))
			continue;
		for (const char *hit = strstr(sq, k->key); hit; hit = strstr(hit + 1, k->key)) {
			size_t at = (size_t)(hit - sq), end = map[at + kl - 1] + 1;
			size_t beg = map[at];
			if (beg > 0 && isalnum((unsigned char)s[beg - 1]))
				continue;
			/* glued variant: "DGND3700v1_3800B" */
			char tv[16] = "";
			const char *after = s + end;
			if (isalnum((unsigned char)*after)) {
				if (!variant_at(after, tv, sizeof(tv)) || tv[0] != 'v')
					continue;
				const char *q = after + 1;
				while (isdigit((unsigned char)*q))
					q++;
				if (isalnum((unsigned char)*q))
					continue;
			} else {
				variant_at(after, tv, sizeof(tv));
			}
			bool var_ok = !k->var[0] || !strcmp(tv, k->var) ||
			              (tv[0] == 'v' && k->var[0] == 'v' && !strncmp(tv, k->var, strlen(k->var)) &&
			               tv[strlen(k->var)] == '0' && !tv[strlen(k->var) + 1]);
			/* "TD-W8960N v1" is not the row of the V5; "F@ST3864V2" may be the row of the "OP"
			 * edition (loose: the SoC must agree) */
			size_t tvl = version_len(tv), kvl = version_len(k->var);
			if (tv[0] && k->var[0] && !var_ok && tvl && kvl &&
			    (tvl > strlen(k->var) || strncmp(tv, k->var, kvl) || tv[kvl]))
				continue;
			/* an item of a comma list ("ESR-9753, ESR-9753-SC ..."): the firmware's family */
			const char *nx = after;
			while (*nx == ' ')
				nx++;
			size_t pv = beg;
			while (pv > 0 && s[pv - 1] == ' ')
				pv--;
			if (*nx == ',' || (pv > 0 && s[pv - 1] == ','))
				continue;
			const struct mtd_kb_device *d = &mtd_kb_devices[k->dev];
			if (reference_design(d, k->key))
				break;
			if (nfound < 8) {
				found[nfound].compat = d->compatible;
				found[nfound].strict = var_ok;
			}
			nfound++;
			break;
		}
		if (c->oom)
			return;
	}
	/* "ESR-9753, ESR-9753-SC ...": a list of models on one line names the firmware's family, not
	 * this device */
	size_t distinct = 0;
	for (size_t a = 0; a < nfound && a < 8; a++) {
		bool seen = false;
		for (size_t b = 0; b < a; b++)
			seen |= !strcmp(found[a].compat, found[b].compat);
		distinct += !seen;
	}
	if (nfound > 1 && distinct > 1 && strchr(s, ','))
		return;
	for (size_t a = 0; a < nfound && a < 8; a++)
		mtd_fx_add(c, found[a].strict ? "model_code" : "model_code_loose", "poster", 10, found[a].compat);
}
