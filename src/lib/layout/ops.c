/* SPDX-License-Identifier: MIT */
/*
 * What the layout is for: checking partition contents, split, join, verify,
 * diff and rebuild.  Whole images are held in memory up to
 * MTD_LAYOUT_MAX_CHIP (flash chips of these routers are 2..64 MiB).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/scan.h>
#include <mtdscope/unitdata.h>

#include "layout_int.h"

const char *mtd_content_state_name(enum mtd_content_state s)
{
	switch (s) {
	case MTD_CONTENT_OK: return "ok";
	case MTD_CONTENT_ERASED: return "erased";
	case MTD_CONTENT_ZERO: return "zero";
	case MTD_CONTENT_BAD: return "bad";
	case MTD_CONTENT_UNKNOWN: break;
	}
	return "unknown";
}

static bool all_byte(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* scan a partition's bytes at the top level; the first real component tells */
static void check_scan(const uint8_t *data, size_t len, const char *name, enum mtd_part_role role,
                       struct mtd_part_check *out)
{
	struct mtd_source src;
	mtd_source_from_memory(&src, name, data, len);
	struct mtd_scan_options so;
	mtd_scan_options_init(&so);
	so.descend = false;
	so.detect_byteswap = false;
	struct mtd_scan_result *r = NULL;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_scan_source(&src, &so, &r, &d)) {
		out->state = MTD_CONTENT_UNKNOWN;
		snprintf(out->what, sizeof(out->what), "scan failed: %.200s", d.msg);
		return;
	}
	const struct mtd_component *first = NULL, *boot = NULL;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (c->parent >= 0 || !strcmp(c->type, "erased") || !strcmp(c->type, "zero") ||
		    !strcmp(c->type, "random") || !strcmp(c->type, "unknown"))
			continue;
		if (!first)
			first = c;
		if (!strcmp(c->type, "uboot") && !boot)
			boot = c;
	}
	if (role == MTD_ROLE_BOOTLOADER) {
		if (boot) {
			out->state = boot->valid ? MTD_CONTENT_OK : MTD_CONTENT_BAD;
			snprintf(out->what, sizeof(out->what), "U-Boot found at 0x%llx%s",
			         (unsigned long long)boot->offset, boot->valid ? "" : " (a check failed)");
		} else {
			out->state = MTD_CONTENT_UNKNOWN;
			snprintf(out->what, sizeof(out->what), "no bootloader recognised (not erased)");
		}
	} else if (first && first->offset == 0) {
		const struct mtd_detail *nm = mtd_component_detail(first, "name");
		out->state = first->valid ? MTD_CONTENT_OK : MTD_CONTENT_BAD;
		snprintf(out->what, sizeof(out->what), "%s%s%s%s, 0x%llx bytes, %s%s%s", first->type, nm ? " '" : "",
		         nm && nm->kind == MTD_DV_STR ? nm->s : "", nm ? "'" : "", (unsigned long long)first->size,
		         first->valid ? "checks ok" : "CHECK FAILED", first->nproblems ? ": " : "",
		         first->nproblems ? first->problems[0] : "");
		/* a firmware is its kernel and its root filesystem: a later piece that fails counts too */
		for (size_t i = 0; i < r->ncomps && out->state == MTD_CONTENT_OK && role == MTD_ROLE_FIRMWARE; i++) {
			const struct mtd_component *c = r->comps[i];
			if (c == first || c->parent >= 0 || c->valid || !strcmp(c->type, "erased") ||
			    !strcmp(c->type, "zero") || !strcmp(c->type, "random") || !strcmp(c->type, "unknown"))
				continue;
			out->state = MTD_CONTENT_BAD;
			snprintf(out->what, sizeof(out->what), "%s ok, but the %s at 0x%llx FAILS its checks%s%.120s",
			         first->type, c->type, (unsigned long long)c->offset, c->nproblems ? ": " : "",
			         c->nproblems ? c->problems[0] : "");
		}
	} else if (first) {
		out->state = MTD_CONTENT_UNKNOWN;
		snprintf(out->what, sizeof(out->what), "%s at 0x%llx (nothing recognised at the start)", first->type,
		         (unsigned long long)first->offset);
	} else {
		out->state = MTD_CONTENT_UNKNOWN;
		snprintf(out->what, sizeof(out->what), "no known structure");
	}
	mtd_scan_free(r);
}

static void check_factory(const uint8_t *data, size_t len, struct mtd_part_check *out)
{
	struct mtd_eeprom_info info;
	memset(&info, 0, sizeof(info));
	if (mtd_eeprom_decode(data, len, &info) != 0 || !info.recognised) {
		out->state = MTD_CONTENT_BAD;
		snprintf(out->what, sizeof(out->what), "no MediaTek EEPROM recognised (chip id 0x%04x)", info.chip_id);
		return;
	}
	out->state = MTD_CONTENT_OK;
	size_t k = (size_t)snprintf(out->what, sizeof(out->what), "MT%04x EEPROM v%u%s", info.chip_id, info.version,
	                            info.has_calibration ? ", calibration present" : ", NO calibration");
	for (size_t i = 0; i < info.nmacs && out->nmacs < 4; i++) {
		if (!info.macs[i].valid)
			continue;
		bool dup = false;
		for (size_t m = 0; m < out->nmacs; m++)
			if (!memcmp(out->macs[m], info.macs[i].mac, 6))
				dup = true;
		if (dup)
			continue;
		memcpy(out->macs[out->nmacs++], info.macs[i].mac, 6);
		char mac[18];
		mtd_mac_format(info.macs[i].mac, mac);
		if (k < sizeof(out->what))
			k += (size_t)snprintf(out->what + k, sizeof(out->what) - k, ", %s %s", info.macs[i].role, mac);
	}
}

static void check_env(const uint8_t *data, size_t len, struct mtd_part_check *out)
{
	struct mtd_env env;
	struct mtd_diag d;
	memset(&env, 0, sizeof(env));
	mtd_diag_clear(&d);
	if (mtd_env_parse(data, len, 0, -1, &env, &d) != 0) {
		out->state = MTD_CONTENT_UNKNOWN;
		snprintf(out->what, sizeof(out->what), "no U-Boot environment with a valid CRC");
		return;
	}
	out->state = env.crc_ok ? MTD_CONTENT_OK : MTD_CONTENT_BAD;
	snprintf(out->what, sizeof(out->what), "%s 0x%zx bytes%s, %zu variables, CRC %s",
	         mtd_env_nvram_block(&env) ? "Ralink SDK nvram block" : "U-Boot environment", env.size,
	         env.redundant ? " (redundant)" : "", env.nvars, env.crc_ok ? "ok" : "BAD");
	mtd_env_release(&env);
}

int mtd_layout_check_content(const struct mtd_layout *l, size_t i, const uint8_t *data, size_t len,
                             struct mtd_part_check *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= l->nparts)
		return MTD_ERR_ARG;
	const struct mtd_part *p = &l->parts[i];
	if (len == 0) {
		out->state = MTD_CONTENT_UNKNOWN;
		snprintf(out->what, sizeof(out->what), "empty");
		return 0;
	}
	if (all_byte(data, len, 0xff)) {
		out->state = MTD_CONTENT_ERASED;
		snprintf(out->what, sizeof(out->what), "erased (all 0xFF)");
		return 0;
	}
	if (all_byte(data, len, 0x00)) {
		out->state = MTD_CONTENT_ZERO;
		snprintf(out->what, sizeof(out->what), "all zero");
		return 0;
	}
	switch (p->role) {
	case MTD_ROLE_FACTORY: check_factory(data, len, out); break;
	case MTD_ROLE_ENV: check_env(data, len, out); break;
	case MTD_ROLE_BOOTLOADER:
	case MTD_ROLE_FIRMWARE:
	case MTD_ROLE_KERNEL:
	case MTD_ROLE_ROOTFS: check_scan(data, len, p->name, p->role, out); break;
	default: out->state = MTD_CONTENT_UNKNOWN; snprintf(out->what, sizeof(out->what), "not checked");
	}
	return 0;
}

/* ---- split ---- */

int mtd_layout_split(const struct mtd_layout *l, const struct mtd_source *img, const char *dir,
                     const struct mtd_split_options *o, struct mtd_diag *d)
{
	int orc = mtd_layout_offsets_known(l, -1, "splitting a dump into its partitions", d);
	if (orc)
		return orc;
	if (!l->chip_size || img->size != l->chip_size) {
		char why[200];
		mtd_layout_explain_size(l, img->size, why, sizeof(why));
		return mtd_diag_set(d, MTD_ERR_REFUSED, img->name, "%s",
		                    why[0] ? why : "image size differs from the chip");
	}
	struct mtd_buf man;
	mtd_buf_init(&man, 1u << 20);
	char names[MTD_LAYOUT_MAX_PARTS][72];
	char hashes[MTD_LAYOUT_MAX_PARTS][65];
	struct mtd_outset set;
	int rc = mtd_outset_open(&set, dir, o->no_overwrite, o->inputs, d);
	if (rc) {
		mtd_buf_release(&man);
		return rc;
	}
	for (size_t i = 0; i < l->nparts && !rc; i++) {
		const struct mtd_part *p = &l->parts[i];
		names[i][0] = 0;
		if ((p->flags & MTD_PART_WHOLE_CHIP) && !o->include_whole)
			continue;
		if (p->parent >= 0 && o->top_level_only)
			continue;
		if (!mtd_range_ok(p->offset, p->size, img->size)) {
			rc = mtd_diag_set(d, MTD_ERR_REFUSED, img->name,
			                  "partition '%s' (0x%llx-0x%llx) lies past the end", p->name,
			                  (unsigned long long)p->offset, (unsigned long long)(p->offset + p->size));
			break;
		}
		char fn[72];
		mtd_layout_part_filename(l, i, fn, sizeof(fn));
		for (size_t k = 0; k < i; k++)
			if (!strcmp(names[k], fn)) {
				char tmp[96];
				snprintf(tmp, sizeof(tmp), "%zu-%.60s", i, fn);
				memcpy(fn, tmp, sizeof(fn) - 1);
				fn[sizeof(fn) - 1] = 0;
			}
		rc = mtd_outset_write(&set, fn, img->data + p->offset, (size_t)p->size, d);
		if (rc)
			break;
		memcpy(names[i], fn, sizeof(fn));
		mtd_sha256_hex(img->data + p->offset, (size_t)p->size, hashes[i]);
		mtd_buf_printf(&man, "%s  %s\n", hashes[i], fn);
	}
	if (!rc && man.err)
		rc = mtd_diag_set(d, man.err, dir, "manifest too large");
	if (!rc)
		rc = mtd_outset_write(&set, "manifest.sha256", man.data, man.len, d);
	if (!rc)
		rc = mtd_outset_commit(&set, d);
	else
		mtd_outset_abort(&set);
	mtd_buf_release(&man);
	if (rc)
		return rc;
	for (size_t i = 0; i < l->nparts && o->written; i++)
		if (names[i][0])
			o->written(o->ctx, i, names[i], hashes[i]);
	return 0;
}

/* ---- matching files to partitions ---- */

int mtd_layout_match_file(const struct mtd_layout *l, const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	char base[128];
	snprintf(base, sizeof(base), "%s", b);
	char *dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = 0;
	/* NAME */
	for (size_t i = 0; i < l->nparts; i++) {
		char fn[72];
		mtd_layout_part_filename(l, i, fn, sizeof(fn));
		fn[strlen(fn) - 4] = 0;
		if (mtd_lay_ieq(base, l->parts[i].name) || mtd_lay_ieq(base, fn))
			return (int)i;
	}
	/* mtdN, mtdNro, mtdblockN, mtdN_NAME, mtdN-NAME */
	const char *s = base;
	if (!strncasecmp(s, "mtdblock", 8))
		s += 8;
	else if (!strncasecmp(s, "mtd", 3))
		s += 3;
	else
		return -1;
	size_t k = 0;
	uint64_t n = 0;
	while (isdigit((unsigned char)s[k]) && k < 4)
		n = n * 10 + (uint64_t)(s[k++] - '0');
	if (!k || n >= l->nparts)
		return -1;
	const char *rest = s + k;
	if (!*rest || !strcasecmp(rest, "ro"))
		return (int)n;
	if ((*rest == '_' || *rest == '-') && mtd_lay_ieq(rest + 1, l->parts[n].name))
		return (int)n;
	return -1;
}

/* ---- join ---- */

int mtd_layout_join(const struct mtd_layout *l, struct mtd_part_file *files, size_t nfiles, bool pad, uint8_t **out,
                    size_t *out_len, struct mtd_diag *d)
{
	*out = NULL;
	int orc = mtd_layout_offsets_known(l, -1, "joining partitions into one image", d);
	if (orc)
		return orc;
	uint64_t chip = l->chip_size;
	if (!chip || chip > MTD_LAYOUT_MAX_CHIP)
		return mtd_diag_set(d, MTD_ERR_ARG, l->source,
		                    "the chip size is unknown or too large: pass --flash-size");
	uint8_t *img = malloc((size_t)chip);
	bool *have = calloc(l->nparts ? l->nparts : 1, sizeof(bool));
	if (!img || !have) {
		free(img);
		free(have);
		return mtd_diag_set(d, MTD_ERR_NOMEM, l->source, "out of memory for a 0x%llx-byte image",
		                    (unsigned long long)chip);
	}
	memset(img, 0xff, (size_t)chip);
	int rc = 0;
	/* whole-chip files first, then the others in layout order (outer before inner) */
	for (int pass = 0; pass < 2 && !rc; pass++)
		for (size_t i = 0; i < l->nparts && !rc; i++) {
			const struct mtd_part *p = &l->parts[i];
			bool whole = p->flags & MTD_PART_WHOLE_CHIP;
			if (whole != (pass == 0))
				continue;
			for (size_t f = 0; f < nfiles; f++) {
				if (files[f].part != (int)i)
					continue;
				const struct mtd_source *s = &files[f].src;
				if (s->size > p->size) {
					rc = mtd_diag_set(d, MTD_ERR_REFUSED, files[f].path,
					                  "is 0x%llx bytes, larger than partition '%s' (0x%llx)",
					                  (unsigned long long)s->size, p->name,
					                  (unsigned long long)p->size);
					break;
				}
				if (s->size < p->size && !pad) {
					rc = mtd_diag_set(
					    d, MTD_ERR_REFUSED, files[f].path,
					    "is 0x%llx bytes, smaller than partition '%s' (0x%llx): a truncated "
					    "dump? (--pad fills the rest with 0xFF)",
					    (unsigned long long)s->size, p->name, (unsigned long long)p->size);
					break;
				}
				if (!mtd_range_ok(p->offset, p->size, chip)) {
					rc = mtd_diag_set(d, MTD_ERR_REFUSED, files[f].path,
					                  "partition '%s' lies past the chip end", p->name);
					break;
				}
				/* a part laid over a whole-chip dump or an enclosing part must agree with it */
				bool covered = false;
				for (size_t k = 0; k < l->nparts; k++)
					if (have[k] && k != i && l->parts[k].offset <= p->offset &&
					    l->parts[k].offset + l->parts[k].size >= p->offset + p->size)
						covered = true;
				if (covered && memcmp(img + p->offset, s->data, (size_t)s->size) != 0) {
					rc = mtd_diag_set(
					    d, MTD_ERR_REFUSED, files[f].path,
					    "differs from the same range (0x%llx) of an already joined dump",
					    (unsigned long long)p->offset);
					break;
				}
				memcpy(img + p->offset, s->data, (size_t)s->size);
				memset(img + p->offset + s->size, 0xff, (size_t)(p->size - s->size));
				have[i] = true;
				break;
			}
		}
	/* every top-level partition must be there */
	for (size_t i = 0; i < l->nparts && !rc; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (p->parent >= 0 || (p->flags & MTD_PART_WHOLE_CHIP) || have[i])
			continue;
		bool covered = false;
		for (size_t k = 0; k < l->nparts; k++)
			if (have[k] && l->parts[k].offset <= p->offset &&
			    l->parts[k].offset + l->parts[k].size >= p->offset + p->size)
				covered = true;
		if (!covered)
			rc = mtd_diag_set(d, MTD_ERR_NOT_FOUND, l->source, "no file for partition '%s' (mtd%zu)",
			                  p->name, i);
	}
	free(have);
	if (rc) {
		free(img);
		return rc;
	}
	*out = img;
	*out_len = (size_t)chip;
	return 0;
}

/* ---- sizes that are not the chip ---- */

bool mtd_layout_explain_parts(const struct mtd_layout *l, uint64_t size, char *out, size_t n)
{
	out[0] = 0;
	for (size_t i = 0; i < l->nparts; i++)
		if (!(l->parts[i].flags & MTD_PART_WHOLE_CHIP) && l->parts[i].size == size) {
			snprintf(out, n, "is 0x%llx bytes = partition '%s' alone: a partition dump",
			         (unsigned long long)size, l->parts[i].name);
			return true;
		}
	for (size_t i = 0; i < l->nparts; i++)
		for (size_t k = i + 1; k < l->nparts; k++) {
			const struct mtd_part *a = &l->parts[i], *b = &l->parts[k];
			if ((a->flags | b->flags) & MTD_PART_WHOLE_CHIP)
				continue;
			if (a->size + b->size == size) {
				snprintf(
				    out, n,
				    "is 0x%llx bytes = '%s' + '%s' (0x%llx + 0x%llx): a concatenation of two partition "
				    "dumps",
				    (unsigned long long)size, a->name, b->name, (unsigned long long)a->size,
				    (unsigned long long)b->size);
				return true;
			}
		}
	return false;
}

void mtd_layout_explain_size(const struct mtd_layout *l, uint64_t size, char *out, size_t n)
{
	out[0] = 0;
	if (l->chip_size && size == l->chip_size)
		return;
	char why[200];
	if (mtd_layout_explain_parts(l, size, why, sizeof(why)))
		snprintf(out, n, "%s, not the whole 0x%llx-byte chip", why, (unsigned long long)l->chip_size);
	else
		snprintf(out, n, "is 0x%llx bytes, %s the 0x%llx-byte chip: not a whole-chip image",
		         (unsigned long long)size, size > l->chip_size ? "larger than" : "smaller than",
		         (unsigned long long)l->chip_size);
}

/* ---- verify ---- */

static void vproblem(struct mtd_verify_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vproblem(struct mtd_verify_report *r, const char *fmt, ...)
{
	if (r->nproblems >= sizeof(r->problems) / sizeof(r->problems[0]))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->problems[r->nproblems++], sizeof(r->problems[0]), fmt, ap);
	va_end(ap);
}

int mtd_layout_verify(const struct mtd_layout *l, struct mtd_part_file *files, size_t nfiles,
                      struct mtd_verify_report *r, struct mtd_diag *d)
{
	memset(r, 0, sizeof(*r));
	r->nparts = l->nparts;
	int whole = -1; /* file index of a whole-chip dump */
	for (size_t i = 0; i < l->nparts; i++) {
		r->parts[i].file = -1;
		r->parts[i].dup_of = -1;
		r->parts[i].swapped_with = -1;
	}
	for (size_t f = 0; f < nfiles; f++) {
		int p = files[f].part;
		if (p < 0) {
			r->nunmatched++;
			char why[200];
			if (mtd_layout_explain_parts(l, files[f].src.size, why, sizeof(why)))
				vproblem(r, "%s: matches no partition of the layout by its name; it %s", files[f].path,
				         why);
			else
				vproblem(r, "%s: matches no partition of the layout", files[f].path);
			continue;
		}
		if (r->parts[p].file >= 0) {
			vproblem(r, "%s and %s are both partition '%s'", files[r->parts[p].file].path, files[f].path,
			         l->parts[p].name);
			r->nunmatched++;
			continue;
		}
		r->parts[p].file = (int)f;
		if ((l->parts[p].flags & MTD_PART_WHOLE_CHIP) && files[f].src.size == l->parts[p].size)
			whole = (int)f;
	}
	if (whole >= 0 && mtd_layout_offsets_known(l, -1, "checking the partitions inside a whole-chip dump", d))
		return MTD_ERR_REFUSED;
	const uint8_t *wd = whole >= 0 ? files[whole].src.data : NULL;
	uint64_t wsize = whole >= 0 ? files[whole].src.size : 0;
	bool complete = true, ok = true;
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		struct mtd_verify_part *v = &r->parts[i];
		if (v->file < 0) {
			bool in_whole = wd && mtd_range_ok(p->offset, p->size, wsize);
			bool in_parent = p->parent >= 0 && r->parts[p->parent].file >= 0;
			if (!(p->flags & MTD_PART_WHOLE_CHIP) && p->parent < 0 && !in_whole) {
				complete = false;
				vproblem(r, "partition '%s' (mtd%zu, 0x%llx bytes) is missing", p->name, i,
				         (unsigned long long)p->size);
			}
			if (in_whole)
				mtd_layout_check_content(l, i, wd + p->offset, (size_t)p->size, &v->check);
			(void)in_parent;
			continue;
		}
		const struct mtd_source *s = &files[v->file].src;
		v->got_size = s->size;
		v->size_ok = s->size == p->size;
		mtd_sha256_hex(s->data, (size_t)s->size, v->sha256);
		if (!v->size_ok) {
			ok = false;
			char why[300] = "";
			if (p->flags & MTD_PART_WHOLE_CHIP)
				mtd_layout_explain_size(l, s->size, why, sizeof(why));
			else if (mtd_layout_explain_parts(l, s->size, why, sizeof(why) - 40))
				snprintf(why + strlen(why), sizeof(why) - strlen(why), ", not '%s'", p->name);
			vproblem(r, "%s: '%s' should be 0x%llx bytes but is 0x%llx%s%s", files[v->file].path, p->name,
			         (unsigned long long)p->size, (unsigned long long)s->size,
			         s->size < p->size ? " (truncated)" : " (too long)", why[0] ? "; " : "");
			if (why[0])
				vproblem(r, "%s: %s", files[v->file].path, why);
		}
		if (wd && !(p->flags & MTD_PART_WHOLE_CHIP) && mtd_range_ok(p->offset, p->size, wsize)) {
			v->whole_compared = true;
			size_t n = (size_t)(s->size < p->size ? s->size : p->size);
			v->matches_whole = v->size_ok && memcmp(wd + p->offset, s->data, n) == 0;
			if (!v->matches_whole) {
				ok = false;
				/* swapped? equal to another partition's range */
				for (size_t k = 0; k < l->nparts; k++) {
					const struct mtd_part *q = &l->parts[k];
					if (k != i && q->size == s->size && !(q->flags & MTD_PART_WHOLE_CHIP) &&
					    mtd_range_ok(q->offset, q->size, wsize) &&
					    memcmp(wd + q->offset, s->data, (size_t)s->size) == 0) {
						v->swapped_with = (int)k;
						break;
					}
				}
				if (v->swapped_with >= 0)
					vproblem(r, "%s: holds '%s' (mtd%d), not '%s': files swapped or misnamed",
					         files[v->file].path, l->parts[v->swapped_with].name, v->swapped_with,
					         p->name);
				else
					vproblem(
					    r,
					    "%s: differs from the whole-chip dump at 0x%llx ('%s'): the dumps were "
					    "taken at different times or one is damaged",
					    files[v->file].path, (unsigned long long)p->offset, p->name);
			}
		}
		if (!(p->flags & MTD_PART_WHOLE_CHIP)) {
			mtd_layout_check_content(l, i, s->data, (size_t)s->size, &v->check);
			if (v->check.state == MTD_CONTENT_BAD ||
			    ((p->role == MTD_ROLE_FACTORY || p->role == MTD_ROLE_BOOTLOADER ||
			      p->role == MTD_ROLE_FIRMWARE) &&
			     (v->check.state == MTD_CONTENT_ERASED || v->check.state == MTD_CONTENT_ZERO))) {
				ok = false;
				vproblem(r, "%s: '%s' content: %s", files[v->file].path, p->name, v->check.what);
			}
		}
	}
	/* duplicated content between distinct partitions that should differ */
	for (size_t i = 0; i < l->nparts; i++) {
		struct mtd_verify_part *v = &r->parts[i];
		if (v->file < 0 || v->check.state == MTD_CONTENT_ERASED)
			continue;
		for (size_t k = 0; k < i; k++) {
			const struct mtd_verify_part *w = &r->parts[k];
			if (w->file < 0 || l->parts[k].parent == (int)i || l->parts[i].parent == (int)k ||
			    ((l->parts[i].flags | l->parts[k].flags) & MTD_PART_WHOLE_CHIP))
				continue;
			if (v->got_size == w->got_size && !strcmp(v->sha256, w->sha256)) {
				v->dup_of = (int)k;
				vproblem(r, "%s: same bytes as %s ('%s'): a duplicated file?", files[v->file].path,
				         files[w->file].path, l->parts[k].name);
				if (l->parts[i].role != MTD_ROLE_FIRMWARE)
					ok = false;
				break;
			}
		}
	}
	r->complete = complete;
	r->ok = ok && complete && r->nunmatched == 0;
	return 0;
}

/* ---- diff ---- */

int mtd_layout_diff(const struct mtd_layout *l, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                    struct mtd_diff_report *r, struct mtd_diag *d)
{
	memset(r, 0, sizeof(*r));
	int orc = mtd_layout_offsets_known(l, -1, "comparing two dumps partition by partition", d);
	if (orc)
		return orc;
	if (alen != blen)
		return mtd_diag_set(d, MTD_ERR_ARG, l->source, "the two dumps differ in size (0x%zx and 0x%zx)", alen,
		                    blen);
	if (alen > MTD_LAYOUT_MAX_CHIP)
		return mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "dumps larger than %llu MiB are not compared",
		                    (unsigned long long)(MTD_LAYOUT_MAX_CHIP >> 20));
	r->nparts = l->nparts;
	uint8_t *covered = calloc(alen ? alen : 1, 1);
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		struct mtd_diff_part *x = &r->parts[i];
		if (!mtd_range_ok(p->offset, p->size, alen)) {
			x->kind = MTD_DIFF_FIRMWARE;
			snprintf(x->what, sizeof(x->what), "lies past the end of the dumps");
			continue;
		}
		const uint8_t *pa = a + p->offset, *pb = b + p->offset;
		size_t n = (size_t)p->size;
		if (covered && !(p->flags & MTD_PART_WHOLE_CHIP))
			memset(covered + p->offset, 1, n);
		for (size_t k = 0; k < n; k++)
			if (pa[k] != pb[k]) {
				if (!x->nbytes)
					x->first = k;
				x->nbytes++;
			}
		if (!x->nbytes) {
			x->kind = MTD_DIFF_SAME;
			snprintf(x->what, sizeof(x->what), "identical");
			continue;
		}
		bool ea = all_byte(pa, n, 0xff), eb = all_byte(pb, n, 0xff);
		if (ea || eb) {
			x->kind = MTD_DIFF_ERASED;
			snprintf(x->what, sizeof(x->what), "erased in %s", ea ? "A" : "B");
			continue;
		}
		if (p->flags & MTD_PART_WHOLE_CHIP) {
			x->kind = MTD_DIFF_FIRMWARE;
			snprintf(x->what, sizeof(x->what), "%llu bytes differ (whole chip)",
			         (unsigned long long)x->nbytes);
			continue;
		}
		if (p->role == MTD_ROLE_FACTORY) {
			struct mtd_part_check ca, cb;
			mtd_layout_check_content(l, i, pa, n, &ca);
			mtd_layout_check_content(l, i, pb, n, &cb);
			x->kind = MTD_DIFF_UNIT;
			char ma[18] = "?", mb[18] = "?";
			if (ca.nmacs)
				mtd_mac_format(ca.macs[0], ma);
			if (cb.nmacs)
				mtd_mac_format(cb.macs[0], mb);
			snprintf(x->what, sizeof(x->what),
			         "unit data: factory/calibration (%llu bytes differ, first MAC %s vs %s)",
			         (unsigned long long)x->nbytes, ma, mb);
		} else if (p->flags & MTD_PART_UNIT_DATA) {
			x->kind = MTD_DIFF_UNIT;
			snprintf(x->what, sizeof(x->what), "unit data: %s (%llu bytes differ)",
			         p->role == MTD_ROLE_ENV ? "environment/settings" : "configuration",
			         (unsigned long long)x->nbytes);
		} else {
			x->kind = MTD_DIFF_FIRMWARE;
			snprintf(x->what, sizeof(x->what), "%s differs (%llu bytes, first at +0x%llx)",
			         p->role == MTD_ROLE_BOOTLOADER ? "bootloader" : "content",
			         (unsigned long long)x->nbytes, (unsigned long long)x->first);
		}
	}
	if (covered) {
		for (size_t k = 0; k < alen; k++)
			if (!covered[k] && a[k] != b[k])
				r->outside++;
		free(covered);
	}
	return 0;
}
