/* SPDX-License-Identifier: MIT */
/*
 * Recovery images: the donor's firmware with the unit's own unit data.  The
 * refusals are the mistakes of the field (seed 002): a firmware1+firmware2
 * concatenation flashed as if it were the chip, and a Factory partition
 * overwritten by copying the donor's "ALL".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/scan.h>

#include "layout_int.h"
#include <mtdscope/unitdata.h>

static int refuse(struct mtd_rebuild_report *r, struct mtd_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(struct mtd_rebuild_report *r, struct mtd_diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	r->refused = true;
	return mtd_diag_set(d, MTD_ERR_REFUSED, "rebuild", "%s", r->reason);
}

static void note(struct mtd_rebuild_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct mtd_rebuild_report *r, const char *fmt, ...)
{
	if (r->nnotes >= sizeof(r->notes) / sizeof(r->notes[0]))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], sizeof(r->notes[0]), fmt, ap);
	va_end(ap);
}

static void warn(struct mtd_rebuild_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct mtd_rebuild_report *r, const char *fmt, ...)
{
	if (r->nwarnings >= sizeof(r->warnings) / sizeof(r->warnings[0]))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->warnings[r->nwarnings++], sizeof(r->warnings[0]), fmt, ap);
	va_end(ap);
}

static bool all_ff(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

static bool in_list(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] && mtd_lay_ieq(list[i], name))
			return true;
	return false;
}

static void macs_text(const struct mtd_part_check *c, char *out, size_t n)
{
	out[0] = 0;
	size_t k = 0;
	for (size_t i = 0; i < c->nmacs; i++) {
		char m[18];
		mtd_mac_format(c->macs[i], m);
		if (k < n)
			k += (size_t)snprintf(out + k, n - k, "%s%s", i ? ", " : "", m);
	}
}

static const char way_out_factory[] =
    "Way out: give this unit's own Factory from an earlier backup with --factory FILE (a dump of its "
    "Factory partition or of its whole chip taken before the damage); or, knowingly, --allow-donor-factory "
    "and then give the unit new MACs with 'mtdscope eeprom --set-mac' (wifi calibration stays the donor's)";

int mtd_layout_rebuild(const struct mtd_layout *l, const uint8_t *donor, size_t donor_len, const uint8_t *unit,
                       size_t unit_len, const struct mtd_rebuild_options *o, uint8_t **out,
                       struct mtd_rebuild_report *r, struct mtd_diag *d)
{
	static const struct mtd_rebuild_options none;
	if (!o)
		o = &none;
	*out = NULL;
	memset(r, 0, sizeof(*r));
	int orc = mtd_layout_offsets_known(l, -1, "rebuilding an image", d);
	if (orc)
		return orc;
	uint64_t chip = l->chip_size;
	if (!chip || l->chip_from == MTD_CHIP_UNKNOWN)
		return refuse(r, d, "the layout does not say how large the chip is. Way out: --flash-size SIZE");
	if (chip > MTD_LAYOUT_MAX_CHIP)
		return refuse(r, d, "a 0x%llx-byte chip is larger than this tool rebuilds in memory",
		              (unsigned long long)chip);
	char why[300];
	mtd_layout_explain_size(l, donor_len, why, sizeof(why));
	if (why[0])
		return refuse(r, d,
		              "the donor image %s. A rebuild needs a dump of the donor's whole chip. Way out: dump "
		              "the whole chip (the \"ALL\"/mtd0 device if the layout has one, or every partition "
		              "and 'mtdscope join'), or read the chip with a programmer",
		              why);
	mtd_layout_explain_size(l, unit_len, why, sizeof(why));
	if (why[0])
		return refuse(r, d,
		              "the unit image %s. Flashing such a file to the chip puts every partition at the wrong "
		              "offset (a boot loop). Way out: dump the bricked unit's whole chip with a programmer "
		              "(or its \"ALL\" partition if it still boots) and pass that",
		              why);
	/* the unit's factory data */
	int fi = mtd_layout_find_role(l, MTD_ROLE_FACTORY);
	const uint8_t *factory = NULL;
	size_t flen = 0;
	const char *ffrom = "unit";
	if (fi >= 0) {
		const struct mtd_part *fp = &l->parts[fi];
		if (!mtd_range_ok(fp->offset, fp->size, chip))
			return refuse(r, d, "partition '%s' lies past the end of the chip", fp->name);
		factory = unit + fp->offset;
		flen = (size_t)fp->size;
		if (o->factory) {
			if (o->factory_len == chip) {
				factory = o->factory + fp->offset;
			} else if (o->factory_len == fp->size) {
				factory = o->factory;
			} else {
				return refuse(
				    r, d,
				    "the --factory file is 0x%zx bytes: expected '%s' alone (0x%llx) or a whole chip "
				    "(0x%llx)",
				    o->factory_len, fp->name, (unsigned long long)fp->size, (unsigned long long)chip);
			}
			ffrom = "factory file";
		}
		struct mtd_part_check fc;
		mtd_layout_check_content(l, (size_t)fi, factory, flen, &fc);
		bool same_as_donor = memcmp(factory, donor + fp->offset, flen) == 0;
		if (!o->allow_donor_factory) {
			if (fc.state == MTD_CONTENT_ERASED || fc.state == MTD_CONTENT_ZERO)
				return refuse(
				    r, d,
				    "the %s's '%s' (0x%llx, 0x%llx bytes) is %s: its MAC addresses and wifi "
				    "calibration are gone, and taking the donor's would give two units the same "
				    "MACs. %s",
				    ffrom, fp->name, (unsigned long long)fp->offset, (unsigned long long)fp->size,
				    fc.state == MTD_CONTENT_ERASED ? "erased (all 0xFF)" : "all zero", way_out_factory);
			if (fc.state == MTD_CONTENT_BAD)
				return refuse(r, d, "the %s's '%s' is not valid factory data (%s). %s", ffrom, fp->name,
				              fc.what, way_out_factory);
			if (same_as_donor) {
				char macs[80];
				macs_text(&fc, macs, sizeof(macs));
				return refuse(
				    r, d,
				    "the %s's '%s' is byte-identical to the donor's: it was overwritten with the "
				    "donor's (copying \"ALL\" from one unit to the other does this), so both "
				    "units would share the MACs%s%s and the donor's wifi calibration. %s",
				    ffrom, fp->name, macs[0] ? " " : "", macs, way_out_factory);
			}
		} else if (same_as_donor) {
			char macs[80];
			macs_text(&fc, macs, sizeof(macs));
			warn(r,
			     "DUPLICATE MACs: the %s's '%s' is byte-identical to the donor's: the rebuilt unit and the "
			     "donor carry the "
			     "same MAC addresses%s%s (two units with one MAC on a network lose their connections) and "
			     "the same wifi calibration. Give this unit new MACs with 'mtdscope eeprom --set-mac' "
			     "before both are on one network",
			     ffrom, fp->name, macs[0] ? " " : "", macs);
		} else if (fc.state == MTD_CONTENT_ERASED || fc.state == MTD_CONTENT_ZERO ||
		           fc.state == MTD_CONTENT_BAD) {
			warn(r,
			     "the %s's '%s' is %s and goes into the image as it is: the unit will have no valid MAC "
			     "addresses or wifi calibration",
			     ffrom, fp->name,
			     fc.state == MTD_CONTENT_ERASED ? "erased (all 0xFF)"
			     : fc.state == MTD_CONTENT_ZERO ? "all zero"
			                                    : "not valid factory data");
		}
	}
	uint8_t *img = malloc((size_t)chip);
	if (!img)
		return mtd_diag_set(d, MTD_ERR_NOMEM, "rebuild", "out of memory for 0x%llx bytes",
		                    (unsigned long long)chip);
	memcpy(img, donor, (size_t)chip); /* gaps and anything unlisted: the donor's */
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (p->parent >= 0 || (p->flags & MTD_PART_WHOLE_CHIP))
			continue;
		if (!mtd_range_ok(p->offset, p->size, chip)) {
			free(img);
			return refuse(r, d, "partition '%s' (0x%llx-0x%llx) lies past the end of the 0x%llx-byte chip",
			              p->name, (unsigned long long)p->offset, (unsigned long long)(p->offset + p->size),
			              (unsigned long long)chip);
		}
		const uint8_t *du = donor + p->offset, *un = unit + p->offset;
		size_t n = (size_t)p->size;
		struct mtd_rebuild_entry *e = &r->entries[r->nentries++];
		e->part = (int)i;
		if ((int)i == fi) {
			memcpy(img + p->offset, factory, n);
			e->from = ffrom;
			struct mtd_part_check fc;
			mtd_layout_check_content(l, i, factory, n, &fc);
			snprintf(e->what, sizeof(e->what), "%s", fc.what);
			continue;
		}
		bool take = in_list(o->take, o->ntake, p->name);
		bool keep = in_list(o->keep, o->nkeep, p->name);
		if (!take && (keep || (p->flags & MTD_PART_UNIT_DATA))) {
			memcpy(img + p->offset, un, n);
			e->from = "unit";
			struct mtd_part_check c;
			mtd_layout_check_content(l, i, un, n, &c);
			snprintf(e->what, sizeof(e->what), "%s", c.what);
			if (p->role == MTD_ROLE_ENV && c.state == MTD_CONTENT_BAD)
				note(r, "the unit's '%s' fails its CRC: U-Boot will use its default environment",
				     p->name);
			continue;
		}
		if (p->role == MTD_ROLE_BOOTLOADER && !take) {
			if (!all_ff(un, n)) {
				memcpy(img + p->offset, un, n);
				e->from = "unit";
				snprintf(e->what, sizeof(e->what), "the unit's own bootloader");
			} else {
				e->from = "donor";
				snprintf(e->what, sizeof(e->what), "the unit's bootloader is erased: the donor's");
			}
			continue;
		}
		struct mtd_part_check c;
		mtd_layout_check_content(l, i, du, n, &c);
		bool firmware =
		    p->role == MTD_ROLE_FIRMWARE || p->role == MTD_ROLE_KERNEL || p->role == MTD_ROLE_ROOTFS;
		if (firmware && !take && (c.state == MTD_CONTENT_ERASED || c.state == MTD_CONTENT_ZERO)) {
			free(img);
			return refuse(
			    r, d,
			    "the donor's '%s' (0x%llx, 0x%llx bytes) is %s: the recovery image would hold no "
			    "firmware and the unit would not boot. Way out: use a dump of a donor that boots "
			    "(check it with 'mtdscope verify' or 'mtdscope scan'), or --take %s to use it anyway",
			    p->name, (unsigned long long)p->offset, (unsigned long long)p->size,
			    c.state == MTD_CONTENT_ERASED ? "erased (all 0xFF)" : "all zero", p->name);
		}
		if (firmware && !take && c.state == MTD_CONTENT_BAD) {
			free(img);
			return refuse(
			    r, d,
			    "the donor's '%s' fails its checks (%s): the donor dump is damaged or cut. Way out: "
			    "dump the donor again and compare two dumps (mtdscope diff), or --take %s to use it "
			    "anyway",
			    p->name, c.what, p->name);
		}
		if (!firmware && !take && !all_ff(un, n) && memcmp(un, du, n) != 0) {
			free(img);
			return refuse(
			    r, d,
			    "the unit's '%s' (0x%llx, 0x%llx bytes) holds data that differs from the donor's; "
			    "taking the donor's would lose it. Way out: --keep %s (keep the unit's) or --take %s "
			    "(the donor's, losing the unit's)",
			    p->name, (unsigned long long)p->offset, (unsigned long long)p->size, p->name, p->name);
		}
		e->from = "donor";
		snprintf(e->what, sizeof(e->what), "%s", c.what);
	}
	/* unit data nested inside a partition taken from the donor: the unit's own bytes on top */
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (p->parent < 0 || (p->flags & MTD_PART_WHOLE_CHIP) || !mtd_range_ok(p->offset, p->size, chip))
			continue;
		bool keep = in_list(o->keep, o->nkeep, p->name);
		if (p->role == MTD_ROLE_ROOTFS_DATA && !keep && !all_ff(unit + p->offset, (size_t)p->size) &&
		    memcmp(unit + p->offset, donor + p->offset, (size_t)p->size) != 0)
			note(r, "'%s' (the firmware's settings overlay) is the donor's; --keep %s keeps the unit's",
			     p->name, p->name);
		if (!((int)i == fi || keep ||
		      ((p->flags & MTD_PART_UNIT_DATA) && !in_list(o->take, o->ntake, p->name))))
			continue;
		struct mtd_rebuild_entry *e = &r->entries[r->nentries++];
		e->part = (int)i;
		e->from = (int)i == fi ? ffrom : "unit";
		memcpy(img + p->offset, (int)i == fi ? factory : unit + p->offset, (size_t)p->size);
		snprintf(e->what, sizeof(e->what), "inside '%s': kept", l->parts[p->parent].name);
	}
	/* verify: every byte where it should come from, and a scan of the result */
	for (size_t k = 0; k < r->nentries; k++) {
		const struct mtd_part *p = &l->parts[r->entries[k].part];
		const char *from = r->entries[k].from;
		const uint8_t *want = !strcmp(from, "donor")          ? donor + p->offset
		                      : !strcmp(from, "factory file") ? factory
		                                                      : unit + p->offset;
		bool overlaid = false; /* a later entry lies inside: checked on its own */
		for (size_t m = k + 1; m < r->nentries; m++)
			if (l->parts[r->entries[m].part].offset >= p->offset &&
			    l->parts[r->entries[m].part].offset < p->offset + p->size)
				overlaid = true;
		if (!overlaid && memcmp(img + p->offset, want, (size_t)p->size) != 0) {
			free(img);
			return mtd_diag_set(d, MTD_ERR_CHECKSUM, "rebuild",
			                    "internal check: '%s' is not the %s's bytes", p->name, from);
		}
	}
	struct mtd_source src;
	mtd_source_from_memory(&src, "rebuilt image", img, (size_t)chip);
	struct mtd_scan_options so;
	mtd_scan_options_init(&so);
	so.descend = false;
	so.detect_byteswap = false;
	struct mtd_scan_result *sr = NULL;
	struct mtd_diag sd;
	mtd_diag_clear(&sd);
	if (mtd_scan_source(&src, &so, &sr, &sd) == 0) {
		size_t valid = 0, bad = 0;
		for (size_t i = 0; i < sr->ncomps; i++) {
			const struct mtd_component *c = sr->comps[i];
			if (c->parent >= 0 || !strcmp(c->type, "erased") || !strcmp(c->type, "zero") ||
			    !strcmp(c->type, "random") || !strcmp(c->type, "unknown"))
				continue;
			if (c->valid)
				valid++;
			else
				bad++;
		}
		note(r, "scan of the result: %zu components with checks ok, %zu failed", valid, bad);
		mtd_scan_free(sr);
	}
	*out = img;
	return 0;
}
