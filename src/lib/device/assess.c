/* SPDX-License-Identifier: MIT */
/*
 * The OpenWrt verdict.  Minimums follow OpenWrt's 8/64 warning: below 8 MiB flash or 64 MiB RAM
 * no current release is built; 8/64 is the bare minimum (warned); 16/128 is recommended.
 * "supported" only when the device itself is an OpenWrt device (its model, compatible or board
 * name is in the compiled-in index, data/openwrt-devices.tsv) or when a twin fits item by item
 * (SoC, flash size and type, RAM, radios, partition layout); a brand and broad hardware classes
 * only rank the candidates for "possible port, start from ...".
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/device.h>

#include "kb.h"

#define MIB (1ull << 20)

const char *mtd_verdict_name(enum mtd_verdict v)
{
	switch (v) {
	case MTD_VERDICT_SUPPORTED: return "supported";
	case MTD_VERDICT_PORT: return "possible-port";
	case MTD_VERDICT_NOT_VIABLE: return "not-viable";
	default: return "unknown";
	}
}

static struct mtd_reason *reason(struct mtd_assessment *a, enum mtd_reason_kind kind, const char *topic,
                                 const struct mtd_fact *e1, const struct mtd_fact *e2, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static struct mtd_reason *reason(struct mtd_assessment *a, enum mtd_reason_kind kind, const char *topic,
                                 const struct mtd_fact *e1, const struct mtd_fact *e2, const char *fmt, ...)
{
	if (a->nreasons >= MTD_ASSESS_MAX_REASONS)
		return NULL;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	const char *s = mtd_arena_strdup(&a->arena, buf);
	if (!s)
		return NULL;
	struct mtd_reason *r = &a->reasons[a->nreasons++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->topic = topic;
	r->text = s;
	if (e1)
		r->ev[r->nev++] = e1;
	if (e2 && e2 != e1)
		r->ev[r->nev++] = e2;
	return r;
}

static void norm(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; *s && n + 1 < size; s++)
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = 0;
}

/* brand of an index row from its compatible ("tplink,mr600-v2-eu") */
static bool brand_matches(const char *brand, const char *compatible)
{
	char b[32], c[32];
	norm(brand, b, sizeof(b));
	size_t n = strcspn(compatible, ",");
	if (n >= sizeof(c))
		n = sizeof(c) - 1;
	memcpy(c, compatible, n);
	c[n] = 0;
	char cn[32];
	norm(c, cn, sizeof(cn));
	if (!strcmp(b, "ubiquiti") && !strcmp(cn, "ubnt"))
		return true;
	return b[0] && strcmp(b, cn) == 0;
}

/* radio signature: counts of built-in and PCIe radios per band */
struct radio_sig {
	int wmac, pcie, p24, p5;
};

static void sig_profile(const struct mtd_profile *p, struct radio_sig *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < p->nradios; i++) {
		const struct mtd_radio *r = &p->radios[i];
		if (!strcmp(r->bus, "built-in")) {
			s->wmac++;
			continue;
		}
		s->pcie++;
		if (!strcmp(r->bands, "2.4 GHz"))
			s->p24++;
		else if (!strcmp(r->bands, "5 GHz"))
			s->p5++;
	}
}

static void sig_index(const char *radios, struct radio_sig *s)
{
	memset(s, 0, sizeof(*s));
	const char *p = radios;
	while (*p) {
		if (!strncmp(p, "wmac", 4))
			s->wmac++;
		else if (!strncmp(p, "pcie:2.4", 8))
			s->pcie++, s->p24++;
		else if (!strncmp(p, "pcie:5", 6))
			s->pcie++, s->p5++;
		else if (!strncmp(p, "pcie", 4))
			s->pcie++;
		const char *c = strchr(p, ',');
		if (!c)
			break;
		p = c + 1;
	}
}

/* Jaccard similarity of partition names, 0..100; -1 when either side has none */
static int parts_similarity(const struct mtd_profile *p, const char *list)
{
	if (!p->nparts || !list[0])
		return -1;
	int common = 0, theirs = 0;
	const char *q = list;
	while (*q) {
		size_t n = strcspn(q, "@");
		theirs++;
		for (size_t i = 0; i < p->nparts; i++) {
			const char *name = p->parts[i]->value;
			if (strlen(name) == n && strncasecmp(name, q, n) == 0) {
				common++;
				break;
			}
		}
		const char *c = strchr(q, ';');
		if (!c)
			break;
		q = c + 1;
	}
	int uni = (int)p->nparts + theirs - common;
	return uni > 0 ? common * 100 / uni : -1;
}

static bool has_modem(const struct mtd_profile *p)
{
	for (size_t i = 0; i < p->nusb; i++)
		if (p->usb[i].modem)
			return true;
	return false;
}

/* s without what is in brackets, cut to size */
static void drop_brackets(const char *s, char *out, size_t size)
{
	size_t n = 0;
	int depth = 0;
	for (; *s && n + 1 < size; s++) {
		if (*s == '(')
			depth++;
		else if (*s == ')' && depth)
			depth--;
		else if (!depth)
			out[n++] = *s;
	}
	out[n] = 0;
}

/* a model name without what is in brackets ("TP-Link MR600 v2 (EU)" -> "tplinkmr600v2") */
static void norm_model(const char *s, char *out, size_t size)
{
	char tmp[160];
	drop_brackets(s, tmp, sizeof(tmp));
	norm(tmp, out, size);
}

/* a device row's vendor and model name as norm_model gives them: two rows with the same key are one model */
static void model_key(const struct mtd_kb_device *d, char *out, size_t size)
{
	char t[200];
	snprintf(t, sizeof(t), "%s %s", d->vendor, d->name);
	norm_model(t, out, size);
}

static bool model_key_ok(const char *k)
{
	return strlen(k) >= 5 && strpbrk(k, "0123456789") && strpbrk(k, "abcdefghijklmnopqrstuvwxyz");
}

/*
 * The device itself in the index: the compatible or board name it printed, or its model name
 * (with vendor, or without when the index row's vendor starts it).  Returns the row or NULL.
 */
/* does the index row's SoC agree with the log's?  The same SoC row, or the same OpenWrt
 * target and subtarget (AR9330 and AR9331, RT3050 and RT3052 share their images); a row without
 * a SoC agrees with a log whose SoC is in its target */
static bool soc_agrees(const struct mtd_profile *p, const struct mtd_kb_device *d)
{
	const struct mtd_kb_soc *mine = p->soc.src ? mtd_kb_soc_by_name(p->soc.s) : NULL;
	if (!mine)
		return false;
	const struct mtd_kb_soc *theirs = d->soc[0] && strcmp(d->soc, "-") ? mtd_kb_soc_by_name(d->soc) : NULL;
	if (theirs == mine)
		return true;
	if (!theirs)
		return !strcmp(mine->target, d->target);
	return !strcmp(mine->target, theirs->target) && !strcmp(mine->subtarget, theirs->subtarget);
}

static const struct mtd_kb_device *device_by_compatible(const char *compat)
{
	for (size_t i = 0; i < mtd_kb_devices_count; i++)
		if (!strcmp(mtd_kb_devices[i].compatible, compat))
			return &mtd_kb_devices[i];
	return NULL;
}

/* A name or board name the kernel of another image prints (an OpenWrt image for the RT-AC87U booted on
 * an Archer C9) names the image, not the board: the identity is dropped when the hardware in the text
 * contradicts the row - a different SoC, or a flash size that is none of the row's flashes. */
static bool contradicts(const struct mtd_profile *p, const struct mtd_kb_device *d)
{
	const struct mtd_kb_soc *mine = p->soc.src ? mtd_kb_soc_by_name(p->soc.s) : NULL;
	const struct mtd_kb_soc *theirs = d->soc[0] && strcmp(d->soc, "-") ? mtd_kb_soc_by_name(d->soc) : NULL;
	if (mine && theirs && !soc_agrees(p, d))
		return true;
	if (!p->flash_size.src || !d->flash || !d->flashes || !d->flashes[0] || !strcmp(d->flashes, "-"))
		return false;
	for (const char *f = d->flashes; *f;) {
		const char *c = strchr(f, ':');
		if (!c)
			break;
		unsigned long long sz = strtoull(c + 1, NULL, 10);
		if (sz == p->flash_size.n || (p->flash_other.src && sz == p->flash_other.n))
			return false;
		const char *e = strchr(c, ',');
		if (!e)
			break;
		f = e + 1;
	}
	/* a bigger chip than the row's is an upgrade (u-boot_mod boards with 16 MiB); a smaller one cannot
	 * hold the row's image */
	return p->flash_size.n * 2 <= d->flash;
}

/* Rows of one model that differ in flash ("Nexx WT3020 (4M)" and "(8M)"): the one whose flash is the
 * text's, when the row found has another size */
static bool hw_revision(const char *v)
{
	return v && (v[0] == 'v' || v[0] == 'V') && isdigit((unsigned char)v[1]);
}

static const struct mtd_kb_device *refine(const struct mtd_profile *p, const struct mtd_kb_device *d,
                                          const struct mtd_fact *ev)
{
	/* a board name or compatible names the row; so does a hardware revision ("v1" of a board whose
	 * owner fitted a bigger chip) */
	if (!d || !ev || ev == p->compatible.src || !p->flash_size.src || d->flash == p->flash_size.n || !d->vendor ||
	    !d->name || hw_revision(d->variant))
		return d;
	char a[160], b[160];
	model_key(d, a, sizeof(a));
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *e = &mtd_kb_devices[i];
		if (e == d || e->flash != p->flash_size.n || !e->vendor || !e->name || strcmp(e->soc, d->soc) ||
		    hw_revision(e->variant))
			continue;
		model_key(e, b, sizeof(b));
		if (!strcmp(a, b))
			return e;
	}
	return d;
}

/* Another row of the same model has exactly the log's SoC while this one has another SoC of the same
 * target: the name without a variant ("TL-WR1043ND", the v1's old board name) is then another
 * revision of the model than this row */
static bool sibling_has_soc(const struct mtd_profile *p, const struct mtd_kb_device *d)
{
	const struct mtd_kb_soc *mine = p->soc.src ? mtd_kb_soc_by_name(p->soc.s) : NULL;
	if (!mine || !d->vendor || !d->name || mtd_kb_soc_by_name(d->soc) == mine)
		return false;
	char a[160], b[160];
	model_key(d, a, sizeof(a));
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *e = &mtd_kb_devices[i];
		if (e == d || !e->vendor || !e->name || mtd_kb_soc_by_name(e->soc) != mine)
			continue;
		model_key(e, b, sizeof(b));
		if (!strcmp(a, b))
			return true;
	}
	return false;
}

/*
 * A device named by its model code (facts_codes.c): accepted when the log's SoC agrees with the
 * row's, a printed variant first; without a SoC in the log only a row whose variant the log
 * printed (or that has none), and only when every such row shares one SoC.  A brand alone never
 * names a device.
 */
static const struct mtd_kb_device *identify_by_code(const struct mtd_profile *p, const struct mtd_fact **ev)
{
	const struct mtd_kb_device *best = NULL;
	const struct mtd_fact *best_ev = NULL;
	bool best_strict = false;
	bool have_soc = p->soc.src && mtd_kb_soc_by_name(p->soc.s);
	const char *soc_seen = NULL;
	bool mixed = false, tie = false;
	for (size_t i = 0; i < p->ncodes; i++) {
		const struct mtd_kb_device *d = device_by_compatible(p->codes[i]->value);
		if (!d)
			continue;
		bool strict = !strcmp(p->codes[i]->key, "model_code");
		if (contradicts(p, d) || sibling_has_soc(p, d))
			continue;
		if (have_soc) {
			if (!soc_agrees(p, d))
				continue;
		} else {
			if (!strict)
				continue;
			if (soc_seen && strcmp(soc_seen, d->soc))
				mixed = true;
			soc_seen = d->soc;
		}
		bool fl = p->flash_size.src && d->flash == p->flash_size.n;
		bool best_fl = best && p->flash_size.src && best->flash == p->flash_size.n;
		if (!best || (strict && !best_strict) || (strict == best_strict && fl && !best_fl)) {
			tie = false;
			best = d;
			best_ev = p->codes[i];
			best_strict = strict;
		} else if (strict == best_strict && fl == best_fl && strcmp(d->device, best->device)) {
			tie = true;
		}
	}
	/* two rows named as loosely ("Archer C6 v2" of the EU and the US devices): neither */
	if (!best || mixed || (tie && !best_strict))
		return NULL;
	*ev = best_ev;
	return best;
}

/* A model printed without its variant ("TP-LINK TL-WR1043ND") names every variant OpenWrt builds of it;
 * when exactly one of those has the SoC the text shows (v1 AR9132, v2/v3 QCA9558, v4 QCA9563), that one
 * is this device. */
static const struct mtd_kb_device *identify_variant_by_soc(const struct mtd_profile *p)
{
	const struct mtd_kb_soc *mine = p->soc.src ? mtd_kb_soc_by_name(p->soc.s) : NULL;
	if (!mine || !p->machine.src)
		return NULL;
	char m[128];
	norm(p->machine.s, m, sizeof(m));
	if (strlen(m) < 6)
		return NULL;
	const struct mtd_kb_device *one = NULL;
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		if (!d->name || !d->name[0] || !d->vendor)
			continue;
		char vn[160], full[128], bare[128], dt[128], var[32];
		snprintf(vn, sizeof(vn), "%s %s", d->vendor, d->name);
		norm(vn, full, sizeof(full));
		norm(d->name, bare, sizeof(bare));
		/* the DT model without the variant at its end ("TP-Link TL-WR1043ND v1") */
		norm(d->model, dt, sizeof(dt));
		norm(d->variant ? d->variant : "", var, sizeof(var));
		size_t dl = strlen(dt), vl = strlen(var);
		if (vl && dl > vl && !strcmp(dt + dl - vl, var))
			dt[dl - vl] = 0;
		else
			dt[0] = 0;
		if ((strcmp(m, full) && strcmp(m, bare) && strcmp(m, dt)) || mtd_kb_soc_by_name(d->soc) != mine)
			continue;
		if (one && strcmp(one->device, d->device))
			return NULL; /* two variants with this SoC: the text does not say which */
		one = d;
	}
	return one;
}

/* The name printed with its alternatives ("TP-Link Archer A6 v2 (US/TW) / C6 v2 (US)", as the
 * ar71xx kernel prints a device OpenWrt lists as "Archer C6 v2 (US)" with the DEVICE_ALT0 "Archer
 * A6 v2 (US/TW)"): each part between " / ", without what is in brackets, against every title
 * (vendor model variant and the DEVICE_ALTn titles, also without brackets).  Accepted only when
 * every title that matches belongs to one image: "Archer C6 v2" alone would name the EU and the US
 * devices and names neither. */
static bool title_key_is(const char *vendor, const char *model, size_t mn, const char *variant, size_t vn,
                         const char *key)
{
	char t[200], k[160];
	snprintf(t, sizeof(t), "%s %.*s %.*s", vendor, (int)mn, model, (int)vn, variant);
	norm_model(t, k, sizeof(k));
	return !strcmp(k, key);
}

static const struct mtd_kb_device *identify_by_title_parts(const char *machine)
{
	char bare[200];
	drop_brackets(machine, bare, sizeof(bare));
	const struct mtd_kb_device *one = NULL;
	for (char *part = bare; part && *part;) {
		char *sl = strstr(part, " / ");
		if (sl)
			*sl = 0;
		char key[160];
		norm_model(part, key, sizeof(key));
		/* titles hold the maker: a long one needs no digit ("MikroTik hAP ac lite") */
		if (model_key_ok(key) || strlen(key) >= 14) {
			for (size_t i = 0; i < mtd_kb_devices_count; i++) {
				const struct mtd_kb_device *d = &mtd_kb_devices[i];
				const char *var = d->variant && strcmp(d->variant, "-") ? d->variant : "";
				bool hit = d->vendor && d->name &&
				           title_key_is(d->vendor, d->name, strlen(d->name), var, strlen(var), key);
				/* "RouterBOARD 952Ui-5ac2nD (hAP ac lite)": the name in brackets is the one the
				 * maker sells it by */
				const char *br = d->vendor && d->name ? strchr(d->name, '(') : NULL;
				const char *bre = br ? strchr(br, ')') : NULL;
				if (!hit && bre && bre - br > 6 && memchr(br, ' ', (size_t)(bre - br)))
					hit = title_key_is(d->vendor, br + 1, (size_t)(bre - br - 1), "", 0, key);
				for (const char *a = d->alt_titles; !hit && a && *a && strcmp(a, "-");) {
					size_t al = strcspn(a, ";");
					const char *b1 = memchr(a, '|', al);
					const char *b2 = b1 ? memchr(b1 + 1, '|', al - (size_t)(b1 + 1 - a)) : NULL;
					if (b1 && b2) {
						char v[64];
						snprintf(v, sizeof(v), "%.*s", (int)(b1 - a < 63 ? b1 - a : 63), a);
						hit = title_key_is(v, b1 + 1, (size_t)(b2 - b1 - 1), b2 + 1,
						                   al - (size_t)(b2 + 1 - a), key);
					}
					a += al;
					if (*a == ';')
						a++;
				}
				if (!hit)
					continue;
				if (one && strcmp(one->device, d->device))
					return NULL;
				one = d;
			}
		}
		part = sl ? sl + 3 : NULL;
	}
	return one;
}

static const struct mtd_kb_device *identify_named(const struct mtd_profile *p, const struct mtd_fact **ev);

static const struct mtd_kb_device *identify(const struct mtd_profile *p, const struct mtd_fact **ev,
                                            const struct mtd_kb_device **dropped)
{
	const struct mtd_kb_device *d = identify_named(p, ev);
	d = refine(p, d, d ? *ev : NULL);
	if (d && contradicts(p, d)) {
		*dropped = d;
		return NULL;
	}
	return d;
}

static const struct mtd_kb_device *identify_named(const struct mtd_profile *p, const struct mtd_fact **ev)
{
	if (p->compatible.src) {
		const struct mtd_kb_device *d = mtd_kb_device_by_compatible(p->compatible.s);
		if (!d)
			d = mtd_kb_device_by_board(p->compatible.s);
		if (!d) { /* "board=WNDR4300": SUPPORTED_DEVICES spell old board names in lower case */
			char low[96];
			size_t n = 0;
			for (const char *q = p->compatible.s; *q && n + 1 < sizeof(low); q++)
				low[n++] = (char)tolower((unsigned char)*q);
			low[n] = 0;
			d = mtd_kb_device_by_board(low);
		}
		if (!d && strchr(p->compatible.s, ',')) {
			/* "mikrotik,hap-ac-lite": a board name this index does not list, whose words are the
			 * maker and a title OpenWrt gives one device */
			char t[160];
			snprintf(t, sizeof(t), "%s", p->compatible.s);
			for (char *q = t; *q; q++)
				if (*q == ',' || *q == '-' || *q == '_')
					*q = ' ';
			d = identify_by_title_parts(t);
		}
		if (d) {
			*ev = p->compatible.src;
			return d;
		}
	}
	if (!p->machine.src)
		return identify_by_code(p, ev);
	/* the title OpenWrt gives it (vendor model variant, DEVICE_ALTn names, the DT model string) */
	const struct mtd_kb_device *t = mtd_kb_device_by_title(p->machine.s);
	if (!t)
		t = identify_by_title_parts(p->machine.s);
	if (t) {
		*ev = p->machine.src;
		return t;
	}
	char m[128], mfull[128];
	norm_model(p->machine.s, m, sizeof(m));
	norm(p->machine.s, mfull, sizeof(mfull));
	for (size_t i = 0; i < mtd_kb_devices_count && model_key_ok(m); i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		char dm[128], dfull[128], vendor[48];
		norm_model(d->model, dm, sizeof(dm));
		norm(d->model, dfull, sizeof(dfull));
		size_t vl = strcspn(d->compatible, ",");
		char vb[48];
		snprintf(vb, sizeof(vb), "%.*s", (int)(vl < 47 ? vl : 47), d->compatible);
		norm(vb, vendor, sizeof(vendor));
		bool hit = !strcmp(m, dm) || !strcmp(mfull, dfull);
		/* "Archer C6 v3" printed without the vendor the index row starts with */
		size_t vn = strlen(vendor);
		if (!hit && vn && !strncmp(dm, vendor, vn) && model_key_ok(dm + vn) && !strcmp(m, dm + vn))
			hit = true;
		if (!hit) {
			/* the DT model may spell the vendor differently ("TP-LINK", "Xiaomi Mi Router"):
			 * compare with the row's model minus its first word */
			const char *sp = strchr(d->model, ' ');
			const char *msp = strchr(p->machine.s, ' ');
			if (sp && msp) {
				char a[128], b[128];
				norm_model(sp + 1, a, sizeof(a));
				norm_model(msp + 1, b, sizeof(b));
				char va[48], vbn[48];
				snprintf(va, sizeof(va), "%.*s", (int)(sp - d->model < 47 ? sp - d->model : 47),
				         d->model);
				snprintf(vbn, sizeof(vbn), "%.*s",
				         (int)(msp - p->machine.s < 47 ? msp - p->machine.s : 47), p->machine.s);
				char na[48], nb[48];
				norm(va, na, sizeof(na));
				norm(vbn, nb, sizeof(nb));
				hit = model_key_ok(a) && !strcmp(a, b) && !strcmp(na, nb);
			}
		}
		if (hit) {
			*ev = p->machine.src;
			return d;
		}
	}
	const struct mtd_kb_device *v = identify_variant_by_soc(p);
	if (v) {
		*ev = p->machine.src;
		return v;
	}
	/* a model code that starts the name ("ARV752DPW22 - Arcor 803"): the one index model of that name */
	{
		size_t tl = strcspn(p->machine.s, " ,(");
		char tok[48];
		norm_model(p->machine.s, tok, sizeof(tok));
		char code[48];
		size_t cn = 0;
		for (size_t i = 0; i < tl && cn + 1 < sizeof(code); i++)
			if (isalnum((unsigned char)p->machine.s[i]))
				code[cn++] = (char)tolower((unsigned char)p->machine.s[i]);
		code[cn] = 0;
		const struct mtd_kb_device *one = NULL;
		size_t hits = 0;
		if (cn >= 6 && model_key_ok(code)) {
			for (size_t i = 0; i < mtd_kb_devices_count && hits < 2; i++) {
				const struct mtd_kb_device *d = &mtd_kb_devices[i];
				char nm[64];
				norm(d->name ? d->name : "", nm, sizeof(nm));
				if (!strcmp(nm, code)) {
					one = d;
					hits++;
				}
			}
		}
		(void)tok;
		if (hits == 1) {
			*ev = p->machine.src;
			return one;
		}
	}
	/* vendor kernels shorten the name ("Ubiquiti AmpliFi Router" for the "... Router HD"): one
	 * index model, and only one, that extends it by a short suffix */
	const struct mtd_kb_device *only = NULL;
	size_t ml = strlen(mfull), nhit = 0;
	if (ml < 12)
		return identify_by_code(p, ev);
	for (size_t i = 0; i < mtd_kb_devices_count && nhit < 2; i++) {
		char dfull[128];
		norm_model(mtd_kb_devices[i].model, dfull, sizeof(dfull));
		size_t dl = strlen(dfull);
		if (dl > ml && dl <= ml + 4 && !strncmp(dfull, mfull, ml) &&
		    (!only || strcmp(only->model, mtd_kb_devices[i].model))) {
			only = &mtd_kb_devices[i];
			nhit++;
		}
	}
	if (nhit == 1) {
		*ev = p->machine.src;
		return only;
	}
	return identify_by_code(p, ev);
}

/* OpenWrt's image file names: openwrt-<target>-<subtarget>-<device>-...; the device name is the
 * DTS name without its SoC prefix ("mt7621_tplink_mr600-v2-eu" -> "tplink_mr600-v2-eu") */
static const char *image_stem(struct mtd_assessment *a, const struct mtd_kb_device *d)
{
	const char *dev = d->device && d->device[0] && strcmp(d->device, "-") ? d->device : d->dts;
	const char *us = strchr(dev, '_');
	if (dev == d->dts && us && us[1])
		dev = us + 1;
	char buf[256];
	snprintf(buf, sizeof(buf), "openwrt-%s-%s-%s", d->target, d->subtarget[0] ? d->subtarget : "generic", dev);
	const char *s = mtd_arena_strdup(&a->arena, buf);
	return s ? s : "";
}

static const char *radio_words(const struct radio_sig *s, char *buf, size_t size)
{
	if (!s->pcie)
		snprintf(buf, size, "%d built-in", s->wmac);
	else
		snprintf(buf, size, "%d built-in + %d PCIe (%s%s%s)", s->wmac, s->pcie, s->p24 ? "2.4" : "",
		         s->p24 && s->p5 ? "+" : "",
		         s->p5    ? "5 GHz"
		         : s->p24 ? " GHz"
		                  : "bands unknown");
	return buf;
}

/*
 * Item-by-item comparison with an index row: SoC (same by construction), flash size, flash type,
 * RAM, radios, partition layout.  fits = every item known on both sides and equal.
 */
static bool compare_items(const struct mtd_profile *p, const struct mtd_kb_device *d, bool radio_evidence, char *out,
                          size_t size)
{
	bool fits = true;
	int w = snprintf(out, size, "SoC %s: same", p->soc_variant.src ? p->soc_variant.s : p->soc.s);
#define CMP(...)                                                                                                       \
	do {                                                                                                           \
		if (w >= 0 && (size_t)w < size)                                                                        \
			w += snprintf(out + w, size - (size_t)w, __VA_ARGS__);                                         \
	} while (0)
	char a[32], b[32];
	if (!p->flash_size.src) {
		fits = false;
		CMP("; flash size: not in the text");
	} else if (!d->flash) {
		fits = false;
		CMP("; flash size: the twin's is not known");
	} else {
		mtd_format_size(p->flash_size.n, a, sizeof(a));
		mtd_format_size(d->flash, b, sizeof(b));
		if (p->flash_size.n == d->flash) {
			CMP("; flash %s: same", a);
		} else {
			fits = false;
			CMP("; flash %s, the twin %s", a, b);
		}
	}
	if (!p->flash_type.src || !d->flash_type[0] || !strcmp(d->flash_type, "-")) {
		fits = false;
		CMP("; flash type: %s", p->flash_type.src ? "the twin's is not known" : "not in the text");
	} else if (strcasecmp(p->flash_type.s, d->flash_type)) {
		fits = false;
		CMP("; flash type %s, the twin %s", p->flash_type.s, d->flash_type);
	} else {
		CMP("; flash type %s: same", d->flash_type);
	}
	if (!p->ram.src) {
		fits = false;
		CMP("; RAM: not in the text");
	} else if (!d->ram) {
		fits = false;
		CMP("; RAM: the twin's is not known");
	} else {
		mtd_format_size(p->ram.n, a, sizeof(a));
		mtd_format_size(d->ram, b, sizeof(b));
		if (p->ram.n == d->ram) {
			CMP("; RAM %s: same", a);
		} else {
			fits = false;
			CMP("; RAM %s, the twin %s", a, b);
		}
	}
	struct radio_sig mine, theirs;
	sig_profile(p, &mine);
	sig_index(d->radios, &theirs);
	char ra[64], rb[64];
	if (!radio_evidence) {
		fits = false;
		CMP("; radios: not in the text");
	} else if (!d->radios[0] || !strcmp(d->radios, "-")) {
		fits = false;
		CMP("; radios: the twin's are not known");
	} else if (mine.wmac == theirs.wmac && mine.pcie == theirs.pcie && mine.p24 == theirs.p24 &&
	           mine.p5 == theirs.p5) {
		CMP("; radios %s: same", radio_words(&mine, ra, sizeof(ra)));
	} else {
		fits = false;
		CMP("; radios %s, the twin %s", radio_words(&mine, ra, sizeof(ra)),
		    radio_words(&theirs, rb, sizeof(rb)));
	}
	int sim = parts_similarity(p, d->partitions);
	if (sim < 0) {
		fits = false;
		CMP("; partition layout: %s", p->nparts ? "the twin's is not known" : "not in the text");
	} else if (sim >= 80) {
		CMP("; partition names: %d%% the same", sim);
	} else {
		fits = false;
		CMP("; partition names: only %d%% the same", sim);
	}
#undef CMP
	return fits;
}

static void find_twins(const struct mtd_profile *p, struct mtd_assessment *a, const struct mtd_kb_device *self)
{
	const struct mtd_kb_soc *ks = p->soc.src ? mtd_kb_soc_by_name(p->soc.s) : NULL;
	if (!ks && !self)
		return;
	struct radio_sig mine;
	sig_profile(p, &mine);
	bool lte = has_modem(p);
	char machine[96] = "";
	if (p->machine.src)
		norm(p->machine.s, machine, sizeof(machine));
	struct cand {
		int score;
		size_t idx;
		bool specific;
		char why[240];
	} top[MTD_ASSESS_MAX_TWINS];
	/* radios only inferred from the SoC say nothing about the board */
	bool radio_evidence = false;
	for (size_t i = 0; i < p->nradios; i++)
		radio_evidence |= p->radios[i].src && strcmp(p->radios[i].src->key, "soc") != 0;
	size_t ntop = 0;
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		const struct mtd_kb_soc *dk = mtd_kb_soc_by_name(d->soc);
		if (d != self && (!ks || dk != ks))
			continue;
		int score = 30;
		bool specific = false;
		char why[240];
		int w = d == self ? snprintf(why, sizeof(why), "this device")
		                  : snprintf(why, sizeof(why), "same SoC (%s)", ks->name);
#define WHY(...)                                                                                                       \
	do {                                                                                                           \
		if (w >= 0 && (size_t)w < sizeof(why))                                                                 \
			w += snprintf(why + w, sizeof(why) - (size_t)w, __VA_ARGS__);                                  \
	} while (0)
		if (d == self) {
			score = 100;
			specific = true;
		}
		char model[96];
		norm(d->model, model, sizeof(model));
		if (d != self && machine[0] &&
		    (strcmp(machine, model) == 0 || (strlen(machine) >= 6 && strstr(model, machine)))) {
			score += 40;
			specific = true;
			WHY(", its name '%s'", p->machine.s);
		}
		for (size_t m = 0; m < p->nmentions; m++) {
			if (!strcmp(p->mentions[m]->value, d->compatible)) {
				score += 15;
				specific = true;
				WHY(", named in the text (line %u)", p->mentions[m]->line);
				break;
			}
		}
		if (p->flash_size.src && d->flash) {
			if (d->flash == p->flash_size.n) {
				score += 20;
				WHY(", %llu MiB flash", (unsigned long long)(d->flash / MIB));
			} else {
				score -= 5;
			}
		}
		if (p->ram.src && d->ram && d->ram == p->ram.n) {
			score += 5;
			WHY(", %llu MiB RAM", (unsigned long long)(d->ram / MIB));
		}
		struct radio_sig theirs;
		sig_index(d->radios, &theirs);
		if (p->nradios && radio_evidence) {
			if (mine.wmac == theirs.wmac && mine.pcie == theirs.pcie && mine.p24 == theirs.p24 &&
			    mine.p5 == theirs.p5) {
				score += 15;
				if (mine.pcie)
					WHY(", %d PCIe radio%s (%s%s%s)", mine.pcie, mine.pcie > 1 ? "s" : "",
					    mine.p24 ? "2.4" : "", mine.p24 && mine.p5 ? "+" : "",
					    mine.p5    ? "5 GHz"
					    : mine.p24 ? " GHz"
					               : "");
				else
					WHY(", same radios");
			} else if (mine.wmac + mine.pcie == theirs.wmac + theirs.pcie) {
				score += 8;
				WHY(", %d radios", mine.wmac + mine.pcie);
			}
		}
		if (lte && d->lte) {
			score += 10;
			WHY(", LTE");
		} else if (lte && !d->lte) {
			score -= 5;
		}
		/* the brand ranks candidates; it never makes a match specific */
		if (p->brand.src) {
			if (brand_matches(p->brand.s, d->compatible)) {
				score += 5;
				WHY(", same brand (%s)", p->brand.s);
			} else {
				score -= 5;
			}
		}
		int sim = parts_similarity(p, d->partitions);
		if (sim >= 0) {
			score += sim / 5;
			if (sim >= 30)
				WHY(", similar partitions (%d%%)", sim);
			if (sim >= 50)
				specific = true;
			else if (sim < 20)
				score -= 10;
		}
#undef WHY
		if (score > 100)
			score = 100;
		if (score < 0)
			score = 0;
		/* insert into the top list */
		size_t pos = ntop;
		while (pos > 0 && top[pos - 1].score < score)
			pos--;
		if (pos >= MTD_ASSESS_MAX_TWINS)
			continue;
		size_t last = ntop < MTD_ASSESS_MAX_TWINS ? ntop : MTD_ASSESS_MAX_TWINS - 1;
		for (size_t k = last; k > pos; k--)
			top[k] = top[k - 1];
		top[pos].score = score;
		top[pos].idx = i;
		top[pos].specific = specific;
		memcpy(top[pos].why, why, sizeof(why));
		if (ntop < MTD_ASSESS_MAX_TWINS)
			ntop++;
	}
	for (size_t k = 0; k < ntop; k++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[top[k].idx];
		struct mtd_twin *t = &a->twins[a->ntwins++];
		t->model = d->model;
		t->compatible = d->compatible;
		t->dts = d->dts;
		t->target = d->target;
		t->subtarget = d->subtarget;
		t->score = top[k].score;
		t->specific = top[k].specific;
		t->identical = d == self;
		t->why = mtd_arena_strdup(&a->arena, top[k].why);
		if (!t->why)
			t->why = "";
		char cmp[600];
		if (ks) {
			t->fits = compare_items(p, d, radio_evidence, cmp, sizeof(cmp));
		} else {
			snprintf(cmp, sizeof(cmp), "SoC: not in the text");
			t->fits = false;
		}
		t->compared = mtd_arena_strdup(&a->arena, cmp);
		if (!t->compared)
			t->compared = "";
		t->image = image_stem(a, d);
	}
}

/* a closest device for a not-viable verdict: does it share the blocking limit? */
static void note_shared_limit(struct mtd_assessment *a, const struct mtd_profile *p, bool flash_block, bool ram_block)
{
	for (size_t i = 0; i < a->ntwins; i++) {
		struct mtd_twin *t = &a->twins[i];
		const struct mtd_kb_device *d = NULL;
		for (size_t k = 0; k < mtd_kb_devices_count && !d; k++)
			if (mtd_kb_devices[k].compatible == t->compatible)
				d = &mtd_kb_devices[k];
		if (!d)
			continue;
		char buf[400], sz[32];
		int w = snprintf(buf, sizeof(buf), "%s", t->why);
		if (flash_block && d->flash) {
			mtd_format_size(d->flash, sz, sizeof(sz));
			if (w >= 0 && (size_t)w < sizeof(buf))
				w += snprintf(buf + w, sizeof(buf) - (size_t)w,
				              d->flash < 8 * MIB
				                  ? "; shares the limit: %s flash, no current release either"
				                  : "; it has %s flash: this board would need a bigger chip",
				              sz);
		}
		if (ram_block && d->ram) {
			mtd_format_size(d->ram, sz, sizeof(sz));
			if (w >= 0 && (size_t)w < sizeof(buf))
				snprintf(buf + w, sizeof(buf) - (size_t)w,
				         d->ram < 64 * MIB ? "; shares the limit: %s RAM, no current release either"
				                           : "; it has %s RAM",
				         sz);
		} else if (ram_block && w >= 0 && (size_t)w < sizeof(buf)) {
			snprintf(buf + w, sizeof(buf) - (size_t)w, "; its RAM is not in the index");
		}
		(void)p;
		const char *s = mtd_arena_strdup(&a->arena, buf);
		if (s)
			t->why = s;
	}
}

int mtd_assess(const struct mtd_profile *p, struct mtd_assessment *a)
{
	memset(a, 0, sizeof(*a));
	mtd_arena_init(&a->arena);
	bool blocked = false, snapshot = false, flash_block = false, ram_block = false;
	char sz[96];
	/* the device itself first: OpenWrt still builds images for some 4/32 boards (the tiny
	 * subtargets), and for those the 8/64 minimum is a warning, not the verdict */
	const struct mtd_fact *id_ev = NULL;
	const struct mtd_kb_device *dropped = NULL;
	const struct mtd_kb_device *self = identify(p, &id_ev, &dropped);
	/* the device itself, then twins: a twin whose image fits item by item (same SoC, flash size and type,
	 * RAM, radios, partition layout) is as good as the device for what OpenWrt still builds */
	find_twins(p, a, self);
	const struct mtd_twin *fit = NULL;
	for (size_t i = 0; i < a->ntwins && !fit; i++)
		if (a->twins[i].fits && !a->twins[i].identical)
			fit = &a->twins[i];
	const char *built_model = self ? self->model : fit ? fit->model : NULL;
	const char *built_target = self ? self->target : fit ? fit->target : "";
	const char *built_sub = self ? self->subtarget : fit ? fit->subtarget : "";
	const char *built_how = self ? "" : " (the same hardware item by item)";

	/* flash: OpenWrt's 8/64 warning - below 8 MiB of flash no current release is built */
	if (p->flash_size.src) {
		uint64_t f = p->flash_size.n;
		mtd_format_size(f, sz, sizeof(sz));
		if (p->flash_other.src) {
			/* two chips: "128 MiB nand + 2 MiB nor" */
			char o[32];
			mtd_format_size(p->flash_other.n, o, sizeof(o));
			size_t l = strlen(sz);
			snprintf(sz + l, sizeof(sz) - l, " %s + %s %s", p->flash_type.src ? p->flash_type.s : "", o,
			         p->flash_other_type);
		}
		const char *chip = p->flash_chip.src ? p->flash_chip.s : "";
		if (f < 8 * MIB && built_model) {
			reason(a, MTD_REASON_WARN, "flash", p->flash_size.src, p->flash_chip.src,
			       "flash is %s%s%s%s: below OpenWrt's 8 MiB recommendation, but OpenWrt still builds an "
			       "image for the %s (%s/%s)%s; little room for packages",
			       sz, chip[0] ? " (" : "", chip, chip[0] ? ")" : "", built_model, built_target, built_sub,
			       built_how);
		} else if (f < 8 * MIB) {
			blocked = flash_block = true;
			reason(a, MTD_REASON_BLOCKER, "flash", p->flash_size.src, p->flash_chip.src,
			       "flash is %s%s%s%s: below OpenWrt's 8 MiB minimum, no current release fits (19.07 was "
			       "the last for 4 MiB devices)",
			       sz, chip[0] ? " (" : "", chip, chip[0] ? ")" : "");
		} else if (f <= 8 * MIB) {
			reason(a, MTD_REASON_WARN, "flash", p->flash_size.src, p->flash_chip.src,
			       "flash is %s%s%s%s: the bare minimum; little room for packages", sz, chip[0] ? " (" : "",
			       chip, chip[0] ? ")" : "");
		} else {
			reason(a, MTD_REASON_GOOD, "flash", p->flash_size.src, p->flash_chip.src, "flash is %s%s%s%s",
			       sz, chip[0] ? " (" : "", chip, chip[0] ? ")" : "");
		}
	} else {
		reason(a, MTD_REASON_INFO, "flash", NULL, NULL,
		       "flash size unknown: paste /proc/mtd or the boot log (U-Boot or dmesg)");
	}
	if (p->truncated)
		reason(a, MTD_REASON_WARN, "flash", p->truncated, NULL,
		       "the firmware's partition table is larger than the chip (\"%s\" cut to 0x%llx): the vendor "
		       "image was "
		       "built for a bigger flash",
		       p->truncated->value, (unsigned long long)p->truncated->num);

	if (p->layout.src) {
		reason(a, MTD_REASON_INFO, "flash", p->layout.src, p->slot_b, "%s", p->layout.s);
		for (size_t i = 0; i < p->nparts; i++) {
			const char *n = p->parts[i]->value;
			if (!strcasecmp(n, "factory") || !strcasecmp(n, "art") || !strcasecmp(n, "radio") ||
			    !strcasecmp(n, "romfile")) {
				reason(a, MTD_REASON_INFO, "flash", p->parts[i], NULL,
				       "\"%s\" holds this unit's MACs and Wi-Fi calibration: never copy it from "
				       "another unit "
				       "(writing a whole-chip ALL image does)",
				       n);
				break;
			}
		}
	}

	/* RAM: below 64 MiB no current release runs */
	if (p->ram.src) {
		uint64_t r = p->ram.n;
		mtd_format_size(r, sz, sizeof(sz));
		char usable[96] = "";
		if (p->ram_usable.src && p->ram_usable.src != p->ram.src)
			snprintf(usable, sizeof(usable), " (%s: %s usable)",
			         !strcmp(p->ram_usable.src->layer, "meminfo") ? "MemTotal" : "the kernel",
			         p->ram_usable.s);
		const char *est = p->ram_estimated ? " (estimated from usable memory)" : "";
		if (r < 64 * MIB && built_model) {
			reason(
			    a, MTD_REASON_WARN, "ram", p->ram.src, p->ram_usable.src,
			    "RAM is %s%s%s: below OpenWrt's 64 MiB recommendation, but OpenWrt still builds an image "
			    "for the %s (%s/%s)%s; expect little free memory",
			    sz, est, usable, built_model, built_target, built_sub, built_how);
		} else if (r < 64 * MIB) {
			blocked = ram_block = true;
			reason(a, MTD_REASON_BLOCKER, "ram", p->ram.src, p->ram_usable.src,
			       "RAM is %s%s%s: below OpenWrt's 64 MiB minimum, no current release runs", sz, est,
			       usable);
		} else if (r < 128 * MIB) {
			reason(a, MTD_REASON_WARN, "ram", p->ram.src, p->ram_usable.src,
			       "RAM is %s%s%s: the bare minimum", sz, est, usable);
		} else {
			reason(a, MTD_REASON_GOOD, "ram", p->ram.src, p->ram_usable.src, "RAM is %s%s%s", sz, est,
			       usable);
		}
	} else {
		reason(a, MTD_REASON_INFO, "ram", NULL, NULL, "RAM size unknown: paste /proc/meminfo or the boot log");
	}

	/* SoC */
	if (p->soc.src && p->soc_status[0]) {
		const char *var = p->soc_variant.src ? p->soc_variant.s : p->soc.s;
		if (!strcmp(p->soc_status, "none")) {
			blocked = true;
			reason(a, MTD_REASON_BLOCKER, "soc", p->soc.src, NULL, "SoC %s has no OpenWrt target%s%s", var,
			       p->soc_notes[0] ? ": " : "", p->soc_notes);
		} else if (!strcmp(p->soc_status, "snapshot")) {
			snapshot = true;
			reason(a, MTD_REASON_WARN, "soc", p->soc.src, NULL,
			       "SoC %s: OpenWrt target %s/%s exists only in snapshot builds%s%s", var, p->target,
			       p->subtarget, p->soc_notes[0] ? "; " : "", p->soc_notes);
		} else {
			reason(a, MTD_REASON_GOOD, "soc", p->soc.src, NULL, "SoC %s is supported: OpenWrt target %s/%s",
			       var, p->target, p->subtarget);
		}
	} else if (p->soc.src) {
		reason(a, MTD_REASON_WARN, "soc", p->soc.src, NULL, "SoC '%s' is not in the SoC table", p->soc.s);
	} else {
		reason(a, MTD_REASON_INFO, "soc", NULL, NULL, "SoC unknown: paste /proc/cpuinfo or the boot log");
	}

	/* radios */
	for (size_t i = 0; i < p->nradios; i++) {
		const struct mtd_radio *r = &p->radios[i];
		if (!strcmp(r->open, "yes"))
			reason(a, MTD_REASON_GOOD, "wifi", r->src, NULL, "%s radio %s (%s): open driver %s", r->bus,
			       r->chip, r->bands, r->driver);
		else if (!strcmp(r->open, "partial"))
			reason(a, MTD_REASON_WARN, "wifi", r->src, NULL, "%s radio %s (%s): driver %s is limited",
			       r->bus, r->chip, r->bands, r->driver[0] ? r->driver : "none");
		else if (!strcmp(r->open, "no"))
			reason(a, MTD_REASON_WARN, "wifi", r->src, NULL,
			       "%s radio %s (%s): no open driver; it will not work", r->bus, r->chip, r->bands);
		else
			reason(a, MTD_REASON_INFO, "wifi", r->src, NULL, "%s radio %s: not identified", r->bus,
			       r->chip);
	}
	for (size_t i = 0; i < p->nusb; i++) {
		const struct mtd_usb_device *u = &p->usb[i];
		if (!u->modem)
			continue;
		struct mtd_modem_info m;
		if (mtd_modem_lookup(u->vid, u->pid, &m) == 0)
			reason(a, !strcmp(m.mode, "storage") ? MTD_REASON_WARN : MTD_REASON_INFO, "modem", u->src, NULL,
			       "LTE modem %s %s (%04x:%04x): %s mode, proto '%s' (see 'mtdscope modem %04x:%04x')",
			       m.vendor, m.model, u->vid, u->pid, m.mode, m.proto[0] ? m.proto : "-", u->vid, u->pid);
	}

	/* install and recovery */
	bool no_eth = p->eth_ports.src && p->eth_ports.n == 0;
	if (no_eth) {
		reason(a, MTD_REASON_WARN, "install", p->eth_ports.src, NULL,
		       "no Ethernet port: no TFTP install or recovery; you need the serial console (UART, 3.3 V) and "
		       "probably an SPI programmer to write and recover the %s flash",
		       p->flash_type.src ? p->flash_type.s : "SPI");
	} else if (p->eth_ports.src) {
		reason(a, MTD_REASON_INFO, "install", p->eth_ports.src, NULL, "%llu Ethernet port%s%s%s%s",
		       (unsigned long long)p->eth_ports.n, p->eth_ports.n == 1 ? "" : "s",
		       p->eth_ports.src->note[0] ? " (" : "", p->eth_ports.src->note,
		       p->eth_ports.src->note[0] ? ")" : "");
	}
	if (p->tftp.src && !no_eth)
		reason(a, MTD_REASON_GOOD, "install", p->tftp.src, NULL,
		       "the bootloader can load images over TFTP: install an initramfs image from the U-Boot console, "
		       "then "
		       "sysupgrade");
	if (p->console.src)
		reason(a, MTD_REASON_INFO, "install", p->console.src, NULL, "serial console: %s", p->console.s);
	if (p->bootloader.src)
		reason(a, MTD_REASON_INFO, "install", p->bootloader.src, NULL, "bootloader: %s", p->bootloader.s);
	if (p->flash_type.src && !strcmp(p->flash_type.s, "nor") && !no_eth)
		reason(a, MTD_REASON_INFO, "install", p->flash_type.src, NULL,
		       "SPI NOR flash: a CH341A-class programmer with a clip is the recovery of last resort");
	for (size_t i = 0; i < p->nconflicts; i++)
		reason(a, MTD_REASON_INFO, "conflict", p->conflicts[i].a, p->conflicts[i].b, "%s",
		       p->conflicts[i].what);

	if (p->nnamed) {
		char names[200] = "";
		for (size_t i = 0; i < p->nnamed; i++) {
			size_t l = strlen(names);
			snprintf(names + l, sizeof(names) - l, "%s%s", i ? ", " : "", p->named[i]->value);
		}
		reason(a, MTD_REASON_INFO, "device", p->named[0], p->nnamed > 1 ? p->named[1] : NULL,
		       "the text names %s", names);
	}

	const struct mtd_twin *tw = a->ntwins ? &a->twins[0] : NULL;
	if (blocked)
		note_shared_limit(a, p, flash_block, ram_block);
	if (dropped && id_ev) {
		char fa[32] = "?", fb[32] = "?";
		if (p->flash_size.src)
			mtd_format_size(p->flash_size.n, fa, sizeof(fa));
		if (dropped->flash)
			mtd_format_size(dropped->flash, fb, sizeof(fb));
		reason(a, MTD_REASON_INFO, "twin", id_ev, p->flash_size.src,
		       "'%s' names the %s, but this board's hardware is not that device's (SoC %s, flash %s; the %s: "
		       "SoC %s, flash %s %s): the name is the image's that runs, not the board's",
		       id_ev->value, dropped->model, p->soc.src ? p->soc.s : "?", fa, dropped->model, dropped->soc, fb,
		       dropped->flash_type);
	}
	if (self)
		reason(a, MTD_REASON_GOOD, "twin", id_ev, NULL, "this is the %s (%s/%s, %s), identified by '%s'",
		       self->model, self->target, self->subtarget, self->compatible, id_ev->value);
	else if (fit)
		reason(a, MTD_REASON_GOOD, "twin", NULL, NULL, "the %s image fits item by item: %s", fit->model,
		       fit->compared);
	else if (tw)
		reason(a, MTD_REASON_INFO, "twin", NULL, NULL,
		       "closest supported device: %s (%s/%s, %s): %s; compared: %s", tw->model, tw->target,
		       tw->subtarget, tw->compatible, tw->why, tw->compared);

	char head[600];
	if (blocked) {
		a->verdict = MTD_VERDICT_NOT_VIABLE;
		const struct mtd_reason *b = NULL;
		for (size_t i = 0; i < a->nreasons && !b; i++)
			if (a->reasons[i].kind == MTD_REASON_BLOCKER)
				b = &a->reasons[i];
		snprintf(head, sizeof(head), "not viable for current OpenWrt: %s", b ? b->text : "");
	} else if (self && !snapshot) {
		a->verdict = MTD_VERDICT_SUPPORTED;
		snprintf(head, sizeof(head), "supported: this is the %s, an OpenWrt device (%s/%s, %s)", self->model,
		         self->target, self->subtarget, self->compatible);
	} else if (!p->soc.src || !p->soc_status[0]) {
		a->verdict = MTD_VERDICT_UNKNOWN;
		snprintf(head, sizeof(head), "not enough facts for a verdict: the SoC is not identified");
	} else if (fit && !snapshot) {
		a->verdict = MTD_VERDICT_SUPPORTED;
		snprintf(head, sizeof(head), "supported through the %s image (%s/%s): the same hardware item by item",
		         fit->model, fit->target, fit->subtarget);
	} else {
		a->verdict = MTD_VERDICT_PORT;
		if (tw)
			snprintf(
			    head, sizeof(head),
			    "possible port, start from the %s (%s/%s): %s is supported by OpenWrt%s but this device "
			    "is not, and no OpenWrt device matches it item by item",
			    tw->model, tw->target, tw->subtarget, p->soc_variant.src ? p->soc_variant.s : p->soc.s,
			    snapshot ? " (snapshot builds only)" : "");
		else
			snprintf(head, sizeof(head),
			         "possible port: %s is supported by OpenWrt (%s/%s%s) but no OpenWrt device uses it in "
			         "this tool's index: a new device tree is needed",
			         p->soc_variant.src ? p->soc_variant.s : p->soc.s, p->target, p->subtarget,
			         snapshot ? ", snapshot builds only" : "");
	}
	a->headline = mtd_arena_strdup(&a->arena, head);
	if (!a->headline)
		a->headline = "";
	mtd_assess_install(p, a);
	return 0;
}

void mtd_assessment_release(struct mtd_assessment *a)
{
	mtd_arena_release(&a->arena);
	memset(a, 0, sizeof(*a));
}
