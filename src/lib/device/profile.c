/* SPDX-License-Identifier: MIT */
/* One value per question: the most trusted fact wins; disagreements become conflicts. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/device.h>

#include "kb.h"
#include "patterns.h"

#define MIB (1ull << 20)

static const struct mtd_fact *best(const struct mtd_facts *f, const char *key)
{
	const struct mtd_fact *b = NULL;
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (strcmp(x->key, key) == 0 && (!b || x->weight > b->weight))
			b = x;
	}
	return b;
}

static void set(struct mtd_value *v, const struct mtd_fact *x)
{
	if (!x)
		return;
	v->s = x->value;
	v->n = x->num;
	v->src = x;
}

static void conflict(struct mtd_profile *p, const struct mtd_fact *a, const struct mtd_fact *b, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void conflict(struct mtd_profile *p, const struct mtd_fact *a, const struct mtd_fact *b, const char *fmt, ...)
{
	if (p->nconflicts >= MTD_PROFILE_MAX_CONFLICTS)
		return;
	char buf[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	const char *s = mtd_arena_strdup(&p->arena, buf);
	if (!s)
		return;
	p->conflicts[p->nconflicts++] = (struct mtd_conflict){s, a, b};
}

static const char *mib(struct mtd_profile *p, uint64_t v)
{
	char buf[32];
	mtd_format_size(v, buf, sizeof(buf));
	const char *s = mtd_arena_strdup(&p->arena, buf);
	return s ? s : "";
}

static void resolve_soc(const struct mtd_facts *f, struct mtd_profile *p)
{
	const struct mtd_fact *b = NULL, *claim = NULL;
	const struct mtd_kb_soc *bk = NULL;
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (strcmp(x->key, "soc") != 0)
			continue;
		const struct mtd_kb_soc *k = mtd_kb_soc_by_name(x->value);
		if (!k) {
			if (!claim || x->weight > claim->weight)
				claim = x;
			continue;
		}
		if (!b || x->weight > b->weight) {
			b = x;
			bk = k;
		}
	}
	if (!b) {
		if (claim && claim->weight == MTD_SOC_CLAIM_NAMED) {
			/* the SoC table holds every SoC OpenWrt builds for: one it lacks has no target */
			set(&p->soc, claim);
			p->soc_status = "none";
			p->soc_notes =
			    "no OpenWrt device, target or Linux 6.1 device tree names it; a port would need a "
			    "new SoC target";
		} else if (claim) {
			set(&p->soc, claim);
			conflict(p, claim, NULL,
			         "'%s' is not a SoC this tool knows; the name may be bogus (old kernels print "
			         "placeholders)",
			         claim->value);
		}
		return;
	}
	set(&p->soc, b);
	p->soc.s = bk->name;
	p->soc_vendor = bk->vendor;
	p->target = bk->target;
	p->subtarget = bk->subtarget;
	p->soc_status = bk->status;
	p->soc_notes = bk->notes;
	/* variant: the longest name printed for the same SoC */
	const struct mtd_fact *var = NULL;
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		size_t nl = strlen(x->note);
		if (strcmp(x->key, "soc") || mtd_kb_soc_by_name(x->value) != bk || !x->note[0] ||
		    strchr(x->note, ' ') || strchr(x->note, '_') || x->note[nl - 1] == 'x' || x->note[nl - 1] == 'X' ||
		    !strpbrk(x->note, "0123456789"))
			continue; /* family names ("QCA953x") are not variants */
		if (!var || x->weight > var->weight ||
		    (x->weight == var->weight && strlen(x->note) > strlen(var->note)))
			var = x;
	}
	if (var) {
		p->soc_variant.s = var->note;
		p->soc_variant.src = var;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (strcmp(x->key, "soc"))
			continue;
		const struct mtd_kb_soc *k = mtd_kb_soc_by_name(x->value);
		if (k && k != bk && x->weight >= 50 && strcmp(k->target, bk->target) != 0) {
			conflict(p, b, x, "SoC: %s (%s) but %s says %s", bk->name, b->layer, x->layer, k->name);
			break;
		}
	}
	if (claim && claim->weight <= MTD_SOC_CLAIM_NAMED)
		conflict(p, b, claim, "%s says the SoC is '%s', which is not a SoC; %s (%s) is", claim->layer,
		         claim->value, bk->name, b->layer);
	if (strcmp(bk->name, "MT7628") == 0 && b->note && strstr(b->note, "7628_MP"))
		conflict(p, b, NULL,
		         "'ASIC 7628_MP' is printed by the MT7688 too; only 'Initializing MT7688 GPIO' tells them "
		         "apart");
}

static void resolve_ram(const struct mtd_facts *f, struct mtd_profile *p)
{
	const struct mtd_fact *b = best(f, "ram");
	if (!b)
		return;
	/* the pages the kernel manages ("Memory: 125252K/131072K available", a usable memory map entry) exist:
	 * a loader that prints less printed what it was configured for, not what is fitted */
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (!strcmp(x->key, "ram") && !strcmp(x->layer, "kernel") && x->weight >= 70 && x->num > b->num &&
		    strcmp(b->layer, "kernel") && (!strcmp(b->layer, "u-boot") || !strcmp(b->layer, "boot-rom")))
			b = x;
	}
	set(&p->ram, b);
	/* MT7621: U-Boot maps and reports at most 448 MiB (CONFIG_MAX_MEM_MAPPED 0x1c000000, the rest of the
	 * address space below 512 MiB is the I/O window); Linux adds the top 64 MiB of a 512 MiB module
	 * at 0x20000000 (arch/mips/ralink/mt7621.c).  448 MiB is therefore a 512 MiB module. */
	if (p->soc.src && !strcmp(p->soc.s, "MT7621") && b->num == 448 * MIB) {
		p->ram.n = 512 * MIB;
		p->ram.s = mib(p, p->ram.n);
		conflict(p, b, NULL,
		         "RAM: %s prints 448 MiB, all an MT7621 maps below its I/O window: a 512 MiB module is fitted",
		         b->layer);
	}
	p->ram_estimated = !strcmp(b->layer, "meminfo") || !strcmp(b->layer, "free") || !strcmp(b->layer, "poster") ||
	                   !strcmp(b->layer, "cmdline");
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (strcmp(x->key, "ram") || x == b || x->weight < 60 || x->num == b->num)
			continue;
		if (x->num < b->num && x->num * 10 >= b->num * 7 && strcmp(x->layer, b->layer))
			conflict(p, b, x, "RAM: %s says %s, %s sees %s (memory reserved before the kernel)", b->layer,
			         mib(p, b->num), x->layer, mib(p, x->num));
		else if (strcmp(x->layer, b->layer))
			conflict(p, b, x, "RAM: %s says %s but %s says %s", b->layer, mib(p, b->num), x->layer,
			         mib(p, x->num));
		break;
	}
}

static void resolve_clock(const struct mtd_facts *f, struct mtd_profile *p)
{
	const struct mtd_fact *b = best(f, "cpu_mhz");
	if (!b)
		return;
	set(&p->cpu_mhz, b);
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (strcmp(x->key, "cpu_mhz") || x->num == b->num)
			continue;
		if (x->weight <= 10)
			conflict(p, b, x, "CPU clock: %llu MHz; the %llu MHz of %s is the pre-PLL clock",
			         (unsigned long long)b->num, (unsigned long long)x->num, x->layer);
		else if (x->weight >= 60)
			conflict(p, b, x, "CPU clock: %s says %llu MHz, %s says %llu MHz", b->layer,
			         (unsigned long long)b->num, x->layer, (unsigned long long)x->num);
		else
			continue;
		break;
	}
}

static void resolve_flash(const struct mtd_facts *f, struct mtd_profile *p)
{
	const struct mtd_fact *j = best(f, "flash_jedec");
	const struct mtd_fact *c = best(f, "flash_chip");
	const struct mtd_fact *s = best(f, "flash_size");
	const struct mtd_fact *t = best(f, "flash_type");
	/* CFI ids of a parallel NOR (maker byte + 16-bit device id, "c2 22cb") are not SPI JEDEC ids: the
	 * SPI tables would read "c222" as a Macronix SPI NAND */
	bool cfi = j && j->note && strstr(j->note, "CFI ids") != NULL;
	const struct mtd_kb_flash *kj = j && !cfi ? mtd_kb_flash_by_jedec(j->value) : NULL;
	const struct mtd_kb_flash *kc = c ? mtd_kb_flash_by_name(c->value) : NULL;
	set(&p->flash_jedec, j);
	set(&p->flash_chip, c);
	const struct mtd_kb_flash *ki = !j && c ? mtd_kb_flash_id_by_name(c->value) : NULL;
	if (ki) { /* only the name is printed: its id from the kernel's table */
		p->flash_jedec.s = ki->jedec;
		p->flash_jedec.src = c;
	}
	if (!c && kj) { /* the chip named from its id */
		p->flash_chip.s = kj->name;
		p->flash_chip.src = j;
	}
	if (c && kc && (!kj || kc == kj) && strlen(kc->name) > strlen(c->value)) {
		/* keep what was printed, it is usually more exact */
	}
	set(&p->flash_size, s);
	const struct mtd_kb_flash *k = kj ? kj : kc;
	struct mtd_kb_flash_match fm;
	memset(&fm, 0, sizeof(fm));
	bool fm_ok = j && !cfi && mtd_kb_flash_lookup(j->value, &fm) == 0 && fm.size && !fm.ambiguous;
	if (!s && k && (!j || !fm_ok || fm.size == k->size)) {
		p->flash_size.n = k->size;
		p->flash_size.src = j ? j : c;
		p->flash_size.s = mib(p, k->size);
	} else if (!s && fm_ok) {
		/* no listed chip of that id, but every chip its maker lists follows the capacity byte */
		p->flash_size.n = fm.size;
		p->flash_size.src = j;
		p->flash_size.s = mib(p, fm.size);
		if (fm.inferred)
			conflict(
			    p, j, NULL,
			    "flash size %s inferred from the capacity byte of JEDEC id %s (no chip table lists it)",
			    p->flash_size.s, j->value);
	} else if (s) {
		p->flash_size.s = mib(p, s->num);
	}
	if (k && s && k->size != s->num)
		conflict(p, s, j ? j : c, "flash size: %s says %s but chip %s is %s", s->layer, mib(p, s->num), k->name,
		         mib(p, k->size));
	if (kj && c && kc && kc != kj)
		conflict(p, j, c, "flash chip: id %s is %s but %s names %s", j->value, kj->name, c->layer, c->value);
	if (k) {
		p->flash_type.s = k->type;
		p->flash_type.src = j ? j : c;
	} else if (t) {
		set(&p->flash_type, t);
	} else if (j && strlen(j->value) == 6) {
		p->flash_type.s = "nor";
		p->flash_type.src = j;
	}
	/* a NAND chip's size: the flash when nothing else is known, else a second chip beside a NOR
	 * (IPQ40xx and MT798x boards keep their loaders on a small NOR and the firmware on NAND) */
	const struct mtd_fact *sn = best(f, "flash_size_nand");
	if (!sn)
		return;
	bool nor_known = p->flash_size.src && p->flash_size.n != sn->num;
	if (!p->flash_size.src || p->flash_size.n == sn->num) {
		set(&p->flash_size, sn);
		p->flash_size.s = mib(p, sn->num);
		if (!p->flash_type.src || strcmp(p->flash_type.s, "nand")) {
			p->flash_type.s = "nand";
			p->flash_type.src = sn;
		}
	} else if (nor_known) {
		/* both chips: the firmware lives on the bigger one */
		struct mtd_value nor = p->flash_size;
		const char *nor_type = "nor";
		if (sn->num > nor.n) {
			set(&p->flash_size, sn);
			p->flash_size.s = mib(p, sn->num);
			p->flash_type.s = "nand";
			p->flash_type.src = sn;
			p->flash_other = nor;
			p->flash_other_type = nor_type;
		} else {
			set(&p->flash_other, sn);
			p->flash_other.s = mib(p, sn->num);
			p->flash_other_type = "nand";
		}
	}
}

static int table_priority(const struct mtd_fact *x)
{
	if (!strcmp(x->table_name, "/proc/mtd"))
		return 70;
	if (!strcmp(x->table_name, "mtdparts"))
		return 60;
	if (!strcmp(x->table_name, "listing"))
		return 50;
	if (!strcmp(x->table_name, "split"))
		return 0;
	return 80;
}

static void resolve_parts(const struct mtd_facts *f, struct mtd_profile *p)
{
	int best_t = 0;
	long best_score = -1;
	for (int t = 1; t <= f->ntables; t++) {
		long n = 0;
		int prio = 0;
		bool nested = false;
		for (size_t i = 0; i < f->n; i++) {
			const struct mtd_fact *x = &f->v[i];
			if (strcmp(x->key, "partition") || x->table != t)
				continue;
			n++;
			prio = table_priority(x);
			/* a table on a partition ("firmware") is nested, not the flash layout */
			for (size_t k = 0; k < f->n && !nested; k++)
				if (!strcmp(f->v[k].key, "partition") && f->v[k].table != t && x->table_name[0] &&
				    !strcmp(f->v[k].value, x->table_name))
					nested = true;
		}
		if (!n || !prio || nested)
			continue;
		/* the flash's own announced table first (it has offsets), then /proc/mtd, then mtdparts */
		long score = (n >= 3 ? prio * 1000L : 0) + n;
		if (score > best_score) {
			best_score = score;
			best_t = t;
		}
	}
	for (size_t i = 0; i < f->n && p->nparts < MTD_PROFILE_MAX_PARTS; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (!strcmp(x->key, "partition") && x->table == best_t) {
			p->parts[p->nparts++] = x;
			p->parts_from = x->table_name;
		}
	}
	/* partitions split off automatically (rootfs_data) belong to the layout too */
	for (size_t i = 0; i < f->n && p->nparts < MTD_PROFILE_MAX_PARTS && best_t; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (strcmp(x->key, "partition") || strcmp(x->table_name, "split"))
			continue;
		bool dup = false, inside = false;
		for (size_t k = 0; k < p->nparts; k++) {
			const struct mtd_fact *y = p->parts[k];
			if (!strcmp(y->value, x->value))
				dup = true;
			/* only within a partition of this layout (another boot may have split another layout) */
			if (y->has_offset && x->offset >= y->offset && x->offset + x->size <= y->offset + y->size &&
			    strcasecmp(y->value, "ALL"))
				inside = true;
		}
		if (!dup && inside)
			p->parts[p->nparts++] = x;
	}
	p->truncated = best(f, "partition_truncated");
	if (p->truncated) {
		const struct mtd_fact *orig = NULL;
		for (size_t i = 0; i < f->n; i++)
			if (!strcmp(f->v[i].key, "partition") && f->v[i].has_offset &&
			    !strcmp(f->v[i].value, p->truncated->value))
				orig = &f->v[i];
		if (orig)
			conflict(
			    p, p->truncated, orig,
			    "partition table larger than the flash chip: \"%s\" is declared up to 0x%llx (%s) but the "
			    "kernel cut it to 0x%llx",
			    orig->value, (unsigned long long)(orig->offset + orig->size),
			    mib(p, orig->offset + orig->size), (unsigned long long)p->truncated->num);
		else
			conflict(p, p->truncated, NULL,
			         "partition \"%s\" extends beyond the end of the flash; cut to 0x%llx",
			         p->truncated->value, (unsigned long long)p->truncated->num);
	} else if (p->flash_size.src && p->flash_size.n) {
		for (size_t k = 0; k < p->nparts; k++) {
			const struct mtd_fact *x = p->parts[k];
			uint64_t end;
			if (x->has_offset && mtd_add_ov(x->offset, x->size, &end) && end > p->flash_size.n) {
				conflict(p, x, p->flash_size.src,
				         "partition \"%s\" ends at 0x%llx, beyond the %s flash", x->value,
				         (unsigned long long)end, p->flash_size.s);
				break;
			}
		}
	}
}

static void add_radio(struct mtd_profile *p, const struct mtd_kb_wifi *w, const char *raw, const char *bus,
                      const struct mtd_fact *src)
{
	const char *chip = w ? w->chip : raw;
	for (size_t i = 0; i < p->nradios; i++) {
		if (!strcmp(p->radios[i].chip, chip)) {
			const struct mtd_fact *o = p->radios[i].src;
			if (src && (!o || (strcmp(src->layer, "poster") &&
			                   (o->weight < src->weight ||
			                    (!strcmp(o->key, "soc") && !strcmp(src->key, "wifi"))))))
				p->radios[i].src = src;
			return;
		}
	}
	if (p->nradios >= MTD_PROFILE_MAX_RADIOS)
		return;
	struct mtd_radio *r = &p->radios[p->nradios++];
	r->chip = chip;
	r->bands = w ? w->bands : "";
	r->driver = w ? w->driver : "";
	r->open = w ? w->open : "unknown";
	r->bus = w && !w->pci_id[0] ? "built-in" : bus;
	r->src = src;
}

static void resolve_radios(const struct mtd_facts *f, struct mtd_profile *p)
{
	if (p->soc.src && p->soc_status) {
		const struct mtd_kb_soc *k = mtd_kb_soc_by_name(p->soc.s);
		const struct mtd_kb_wifi *w = k && k->builtin_wifi[0] ? mtd_kb_wifi_by_chip(k->builtin_wifi) : NULL;
		if (w)
			add_radio(p, w, NULL, "built-in", p->soc.src);
	}
	/* strongest evidence first so the radio keeps the best line */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < f->n; i++) {
			const struct mtd_fact *x = &f->v[i];
			if (strcmp(x->key, "wifi") || (pass == 0) != (strcmp(x->layer, "poster") != 0))
				continue;
			const struct mtd_kb_wifi *w = x->has_id ? mtd_kb_wifi_by_pci(x->id_vendor, x->id_device) : NULL;
			if (!w)
				w = mtd_kb_wifi_by_chip(x->value);
			if (!w && x->has_id) {
				char raw[240], name[200];
				if (mtd_ids_name(false, x->id_vendor, x->id_device, name, sizeof(name)) == 0)
					snprintf(raw, sizeof(raw), "PCI %04x:%04x %s", x->id_vendor, x->id_device,
					         name);
				else
					snprintf(raw, sizeof(raw), "PCI %04x:%04x", x->id_vendor, x->id_device);
				const char *s = mtd_arena_strdup(&p->arena, raw);
				if (s)
					add_radio(p, NULL, s, "pcie", x);
				continue;
			}
			add_radio(p, w, x->value, "pcie", x);
		}
	}
}

/* PCIe devices seen on the bus but never named: radios not identified */
static void resolve_endpoints(const struct mtd_facts *f, struct mtd_profile *p)
{
	const char *seen[16];
	const struct mtd_fact *src[16];
	size_t n = 0;
	for (size_t i = 0; i < f->n && n < 16; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (strcmp(x->key, "pci_endpoint"))
			continue;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= !strncmp(seen[k], x->value, 10); /* the same slot (functions of one card) */
		if (!dup) {
			seen[n] = x->value;
			src[n++] = x;
		}
	}
	/* slots whose device was named on its own line are accounted for */
	size_t m = 0;
	for (size_t k = 0; k < n; k++) {
		bool named = false;
		for (size_t i = 0; i < f->n && !named; i++)
			named = !strcmp(f->v[i].key, "pci_endpoint") && !strcmp(f->v[i].note, "identified") &&
			        !strncmp(f->v[i].value, seen[k], 10);
		if (!named) {
			seen[m] = seen[k];
			src[m++] = src[k];
		}
	}
	n = m;
	/* radios named without an address (vendor drivers) sit in some of the remaining slots */
	size_t pcie = 0;
	for (size_t i = 0; i < p->nradios; i++)
		pcie += !strcmp(p->radios[i].bus, "pcie") && p->radios[i].src &&
		        strcmp(p->radios[i].src->layer, "lspci") &&
		        !(p->radios[i].src->has_id && !strcmp(p->radios[i].src->layer, "kernel"));
	for (size_t k = pcie; k < n && p->nradios < MTD_PROFILE_MAX_RADIOS; k++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "unidentified PCIe device %s", seen[k]);
		struct mtd_radio *r = &p->radios[p->nradios++];
		const char *s = mtd_arena_strdup(&p->arena, buf);
		r->chip = s ? s : "unidentified PCIe device";
		r->bands = "";
		r->driver = "";
		r->open = "unknown";
		r->bus = "pcie";
		r->src = src[k];
	}
}

static void resolve_usb(const struct mtd_facts *f, struct mtd_profile *p)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (strcmp(x->key, "usb") || !x->has_id)
			continue;
		bool dup = false;
		for (size_t k = 0; k < p->nusb; k++)
			if (p->usb[k].vid == x->id_vendor && p->usb[k].pid == x->id_device)
				dup = true;
		if (dup || p->nusb >= MTD_PROFILE_MAX_USB)
			continue;
		struct mtd_usb_device *u = &p->usb[p->nusb++];
		u->vid = x->id_vendor;
		u->pid = x->id_device;
		u->src = x;
		u->name = x->value;
		if (!u->name[0]) {
			char buf[200];
			if (mtd_ids_name(true, u->vid, u->pid, buf, sizeof(buf)) == 0) {
				const char *s = mtd_arena_strdup(&p->arena, buf);
				u->name = s ? s : "";
			}
		}
		u->hub = u->vid == 0x1d6b || strcasestr(u->name, " hub") != NULL;
		u->modem = mtd_kb_modem_by_usb(u->vid, u->pid) != NULL;
	}
}

static void norm_word(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < n && s[i] && o + 1 < size; i++)
		if (isalnum((unsigned char)s[i]))
			out[o++] = (char)tolower((unsigned char)s[i]);
	out[o] = 0;
}

/* The vendor of an index row whose compatible prefix or first model word is WORD, as OpenWrt
 * spells it in the model ("TP-Link"); NULL when no OpenWrt device has that vendor. */
static const char *index_vendor(const char *word)
{
	if (strlen(word) < 2)
		return NULL;
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		char a[48], b[48];
		size_t mw = strcspn(d->model, " ");
		norm_word(d->model, mw, a, sizeof(a));
		norm_word(d->compatible, strcspn(d->compatible, ","), b, sizeof(b));
		if (!strcmp(word, a) || !strcmp(word, b))
			return d->model; /* the caller copies the first word */
	}
	return NULL;
}

/* The brand: the vendor word that starts a line naming the device (machine, model, board name,
 * compatible), when OpenWrt knows that vendor; else TP-Link's loader word. */
static void resolve_brand(const struct mtd_facts *f, struct mtd_profile *p)
{
	const struct mtd_fact *b = NULL;
	const char *name = NULL;
	size_t nlen = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		bool naming = !strcmp(x->key, "machine") || !strcmp(x->key, "compatible");
		if (!naming || (b && x->weight <= b->weight))
			continue;
		size_t n = !strcmp(x->key, "compatible") ? strcspn(x->value, ",") : strcspn(x->value, " ");
		char w[48];
		norm_word(x->value, n, w, sizeof(w));
		const char *v = index_vendor(w);
		if (v) {
			b = x;
			name = v;
			nlen = strcspn(v, " ");
		}
	}
	if (b) {
		p->brand.s = mtd_arena_strndup(&p->arena, name, nlen);
		p->brand.src = p->brand.s ? b : NULL;
		return;
	}
	set(&p->brand, best(f, "brand"));
}

/* "firmware1" -> "firmware", "KernelB" -> "Kernel", "kernel_slave" -> "kernel", "OS1" -> "OS" */
static size_t slot_stem(const char *name, int *slot)
{
	size_t n = strlen(name);
	static const char *const sfx2[] = {"_slave", "_update", "_backup", "-backup", "_bak", "_2", "2", "B", "b"};
	static const char *const sfx1[] = {"_1", "1", "A", "a"};
	*slot = 0;
	for (size_t i = 0; i < sizeof(sfx2) / sizeof(sfx2[0]); i++) {
		size_t m = strlen(sfx2[i]);
		if (n > m + 1 && !strcmp(name + n - m, sfx2[i])) {
			*slot = 2;
			return n - m;
		}
	}
	for (size_t i = 0; i < sizeof(sfx1) / sizeof(sfx1[0]); i++) {
		size_t m = strlen(sfx1[i]);
		if (n > m + 1 && !strcmp(name + n - m, sfx1[i])) {
			*slot = 1;
			return n - m;
		}
	}
	return n;
}

static void resolve_layout(struct mtd_profile *p)
{
	const struct mtd_fact *ba = NULL, *bb = NULL;
	for (size_t i = 0; i < p->nparts; i++) {
		const struct mtd_fact *a = p->parts[i];
		int sa, sb;
		size_t na = slot_stem(a->value, &sa);
		if (sa == 2 || a->size < (1u << 20))
			continue;
		for (size_t k = i + 1; k < p->nparts; k++) {
			const struct mtd_fact *b = p->parts[k];
			size_t nb = slot_stem(b->value, &sb);
			if (sb != 2 || na != nb || strncasecmp(a->value, b->value, na) || b->size != a->size)
				continue;
			if (!ba || a->size > ba->size) { /* the biggest pair is the firmware, smaller ones its parts */
				ba = a;
				bb = b;
			}
		}
	}
	if (!ba)
		return;
	char buf[400];
	char sz[32];
	mtd_format_size(ba->size, sz, sizeof(sz));
	snprintf(
	    buf, sizeof(buf),
	    "dual firmware (A/B): \"%s\" and \"%s\" are two slots of %s (0x%llx) each; an image goes into one slot, "
	    "the two are not one image to concatenate",
	    ba->value, bb->value, sz, (unsigned long long)ba->size);
	p->layout.s = mtd_arena_strdup(&p->arena, buf);
	p->layout.src = p->layout.s ? ba : NULL;
	p->layout.n = ba->size;
	p->slot_b = bb;
}

/* No line gives the flash size: the end of the flash's own partition table, when that is a power of two
 * (a table the kernel announces for the whole chip ends at its size; a table ending elsewhere says nothing) */
static void flash_from_parts(struct mtd_profile *p)
{
	if (p->flash_size.src || !p->nparts)
		return;
	uint64_t end = 0;
	const struct mtd_fact *last = NULL;
	for (size_t k = 0; k < p->nparts; k++) {
		const struct mtd_fact *x = p->parts[k];
		if (x->has_offset && x->offset + x->size > end) {
			end = x->offset + x->size;
			last = x;
		}
	}
	if (!last || end < MIB || (end & (end - 1)))
		return;
	/* a whole-chip partition ("ALL", "fullflash") that ends elsewhere: the table contradicts itself */
	for (size_t k = 0; k < p->nparts; k++) {
		const struct mtd_fact *x = p->parts[k];
		const char *n = x->value;
		if (x->has_offset && x->offset == 0 && x->offset + x->size != end &&
		    (!strcasecmp(n, "ALL") || !strcasecmp(n, "fullflash") || !strcasecmp(n, "all_flash") ||
		     !strcasecmp(n, "flash") || !strcasecmp(n, "whole_flash")))
			return;
	}
	p->flash_size.n = end;
	p->flash_size.src = last;
	p->flash_size.s = mib(p, end);
	conflict(p, last, NULL, "flash size %s: no line gives it; the partition table ends there", p->flash_size.s);
}

int mtd_profile_build(const struct mtd_facts *f, struct mtd_profile *p)
{
	memset(p, 0, sizeof(*p));
	mtd_arena_init(&p->arena);
	p->soc_vendor = p->target = p->subtarget = p->soc_status = p->soc_notes = "";
	p->parts_from = "";
	p->flash_other_type = "";
	resolve_soc(f, p);
	set(&p->machine, best(f, "machine"));
	set(&p->compatible, best(f, "compatible"));
	set(&p->ram_usable, best(f, "ram_usable"));
	if (p->machine.src && p->machine.src->note[0])
		conflict(p, p->machine.src, NULL, "'%s' is %s", p->machine.s, p->machine.src->note);
	set(&p->cpu, best(f, "cpu"));
	/* a cpuinfo whose system type was bogus ("Philips Nino") has a bogus cpu model too */
	bool bogus_cpuinfo = false;
	for (size_t i = 0; i < f->n; i++)
		bogus_cpuinfo |=
		    !strcmp(f->v[i].key, "soc") && f->v[i].weight <= 5 && !strcmp(f->v[i].layer, "cpuinfo");
	if (bogus_cpuinfo && p->cpu.src && !strcmp(p->cpu.src->layer, "cpuinfo") && p->soc_status[0])
		memset(&p->cpu, 0, sizeof(p->cpu));
	if (!p->cpu.src && p->soc.src) {
		const struct mtd_kb_soc *k = mtd_kb_soc_by_name(p->soc.s);
		if (k) {
			p->cpu.s = k->cpu_core;
			p->cpu.src = p->soc.src;
		}
	}
	resolve_clock(f, p);
	resolve_ram(f, p);
	resolve_flash(f, p);
	resolve_parts(f, p);
	flash_from_parts(p);
	resolve_layout(p);
	resolve_radios(f, p);
	resolve_endpoints(f, p);
	resolve_usb(f, p);
	set(&p->ethernet, best(f, "ethernet"));
	set(&p->eth_ports, best(f, "eth_ports"));
	/* switch ports the kernel registered (DSA "lan1", "wan"): Ethernet the owner can plug into */
	{
		const char *seen[16];
		size_t n = 0;
		const struct mtd_fact *first = NULL;
		for (size_t i = 0; i < f->n && n < 16; i++) {
			const struct mtd_fact *x = &f->v[i];
			if (strcmp(x->key, "eth_port"))
				continue;
			bool dup = false;
			for (size_t k = 0; k < n; k++)
				dup |= !strcmp(seen[k], x->value);
			if (!dup) {
				seen[n++] = x->value;
				if (!first)
					first = x;
			}
		}
		if (n && !p->eth_ports.src) {
			p->eth_ports.src = first;
			p->eth_ports.n = n;
			p->eth_ports.s = "";
		} else if (n && p->eth_ports.n == 0) {
			conflict(p, p->eth_ports.src, first,
			         "the text says there is no Ethernet port but the kernel registered %zu switch port%s",
			         n, n == 1 ? "" : "s");
		}
	}
	set(&p->bootloader, best(f, "bootloader"));
	set(&p->tftp, best(f, "tftp"));
	set(&p->kernel, best(f, "kernel"));
	set(&p->toolchain, best(f, "toolchain"));
	set(&p->firmware, best(f, "firmware"));
	set(&p->console, best(f, "console"));
	set(&p->cmdline, best(f, "cmdline"));
	set(&p->interrupt, best(f, "interrupt"));
	set(&p->tftp_server, best(f, "tftp_server"));
	set(&p->tftp_client, best(f, "tftp_client"));
	set(&p->tftp_file, best(f, "tftp_file"));
	set(&p->boot_cmd, best(f, "boot_cmd"));
	for (size_t i = 0; i < f->n; i++) {
		const struct mtd_fact *x = &f->v[i];
		bool menu = !strcmp(x->key, "loader_menu"), named = !strcmp(x->key, "model_named");
		if (!menu && !named)
			continue;
		const struct mtd_fact **list = menu ? p->menu : p->named;
		size_t *n = menu ? &p->nmenu : &p->nnamed, cap = menu ? 8 : 4;
		bool dup = false;
		for (size_t k = 0; k < *n; k++)
			dup |= !strcasecmp(list[k]->value, x->value);
		if (!dup && *n < cap)
			list[(*n)++] = x;
	}
	resolve_brand(f, p);
	for (size_t i = 0; i < f->n && p->nmentions < 8; i++) {
		const struct mtd_fact *x = &f->v[i];
		bool dup = false;
		for (size_t k = 0; k < p->nmentions; k++)
			dup |= !strcmp(p->mentions[k]->value, x->value);
		if (!strcmp(x->key, "model_mention") && !dup)
			p->mentions[p->nmentions++] = x;
	}
	for (size_t i = 0; i < f->n && p->ncodes < 8; i++) {
		const struct mtd_fact *x = &f->v[i];
		if (strcmp(x->key, "model_code") && strcmp(x->key, "model_code_loose"))
			continue;
		bool dup = false;
		for (size_t k = 0; k < p->ncodes; k++)
			dup |= !strcmp(p->codes[k]->value, x->value) && !strcmp(p->codes[k]->key, x->key);
		if (!dup)
			p->codes[p->ncodes++] = x;
	}
	if (p->eth_ports.src && p->eth_ports.n == 0 && p->ethernet.src && strcmp(p->ethernet.src->layer, "poster"))
		conflict(p, p->eth_ports.src, p->ethernet.src,
		         "the SoC's Ethernet is active (%s) but the owner reports no Ethernet port on the case",
		         p->ethernet.s);
	return 0;
}

void mtd_profile_release(struct mtd_profile *p)
{
	mtd_arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}
