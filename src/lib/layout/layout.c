/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/source.h>

#include "layout_int.h"

const char *mtd_layout_kind_name(enum mtd_layout_kind k)
{
	switch (k) {
	case MTD_LK_PROC_MTD: return "proc-mtd";
	case MTD_LK_KLOG: return "kernel-log";
	case MTD_LK_MTDPARTS: return "mtdparts";
	case MTD_LK_DTS: return "dts";
	case MTD_LK_DTB: return "dtb";
	case MTD_LK_GPT: return "gpt";
	case MTD_LK_AUTO: break;
	}
	return "unknown";
}

const char *mtd_part_role_name(enum mtd_part_role r)
{
	static const char *const names[] = {"other",    "whole-chip", "bootloader", "env",         "factory",
	                                    "firmware", "kernel",     "rootfs",     "rootfs-data", "config"};
	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "other";
}

bool mtd_lay_ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* name contains word (case-insensitive) */
bool mtd_lay_name_has(const char *name, const char *word)
{
	return strcasestr(name, word) != NULL;
}

static bool starts(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

enum mtd_part_role mtd_part_role_from_name(const char *name)
{
	char n[64];
	size_t k = 0;
	for (; name[k] && k < sizeof(n) - 1; k++)
		n[k] = (char)tolower((unsigned char)name[k]);
	n[k] = 0;
	/* strip a trailing copy marker: firmware2, kernel_slave, rootfs_1 */
	static const char *const whole[] = {"all", "fullflash", "whole_flash", "allflash", "full"};
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		if (!strcmp(n, whole[i]))
			return MTD_ROLE_WHOLE;
	if (strstr(n, "rootfs_data") || strstr(n, "rootfs-data") || !strcmp(n, "overlay_data"))
		return MTD_ROLE_ROOTFS_DATA;
	if (strstr(n, "env") && (strstr(n, "boot") || !strcmp(n, "env")))
		return MTD_ROLE_ENV;
	if (!strcmp(n, "config") || !strcmp(n, "nvram") || !strcmp(n, "bdata"))
		return n[0] == 'c' ? MTD_ROLE_ENV : MTD_ROLE_ENV;
	if (starts(n, "factory") || !strcmp(n, "art") || starts(n, "radio") || starts(n, "eeprom") ||
	    starts(n, "caldata") || !strcmp(n, "romfile") || !strcmp(n, "wlane2pdata") || !strcmp(n, "equip") ||
	    !strcmp(n, "board_data") || !strcmp(n, "hw_info") || !strcmp(n, "hardware info"))
		return MTD_ROLE_FACTORY;
	if (starts(n, "u-boot") || starts(n, "uboot") || starts(n, "bootloader") || !strcmp(n, "loader") ||
	    starts(n, "preloader") || !strcmp(n, "boot") || !strcmp(n, "sbl1") || !strcmp(n, "bl2") ||
	    !strcmp(n, "fip"))
		return MTD_ROLE_BOOTLOADER;
	if (starts(n, "rootfs"))
		return MTD_ROLE_ROOTFS;
	if (starts(n, "firmware") || starts(n, "tclinux") || !strcmp(n, "linux") || !strcmp(n, "os1") ||
	    !strcmp(n, "os2") || !strcmp(n, "image") || starts(n, "fw_") || starts(n, "kernela") ||
	    starts(n, "kernelb") || !strcmp(n, "kernel image"))
		return MTD_ROLE_FIRMWARE;
	if (starts(n, "kernel"))
		return MTD_ROLE_KERNEL;
	if (strstr(n, "cfg") || starts(n, "config") || starts(n, "user") || !strcmp(n, "overlay") ||
	    !strcmp(n, "jffs2") || !strcmp(n, "data"))
		return MTD_ROLE_CONFIG;
	return MTD_ROLE_OTHER;
}

void mtd_layout_init(struct mtd_layout *l)
{
	memset(l, 0, sizeof(*l));
}

void mtd_lay_note(struct mtd_layout *l, const char *fmt, ...)
{
	if (l->nnotes >= sizeof(l->notes) / sizeof(l->notes[0]))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->notes[l->nnotes++], sizeof(l->notes[0]), fmt, ap);
	va_end(ap);
}

int mtd_lay_add(struct mtd_layout *l, const char *name, size_t name_len, uint64_t off, uint64_t size, unsigned line,
                struct mtd_diag *d)
{
	if (l->nparts >= MTD_LAYOUT_MAX_PARTS)
		return mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "line %u: more than %d partitions", line,
		                    MTD_LAYOUT_MAX_PARTS);
	struct mtd_part *p = &l->parts[l->nparts];
	memset(p, 0, sizeof(*p));
	size_t k = 0;
	for (size_t i = 0; i < name_len && k < sizeof(p->name) - 1; i++) {
		unsigned char c = (unsigned char)name[i];
		p->name[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	p->name[k] = 0;
	p->offset = off;
	p->size = size;
	p->declared_size = size;
	p->parent = -1;
	p->line = line;
	return (int)l->nparts++;
}

int mtd_layout_offsets_known(const struct mtd_layout *l, int part, const char *what, struct mtd_diag *d)
{
	if (!l->offsets_unsure || l->unsure_from >= l->nparts)
		return 0;
	/* the whole chip starts at 0 whatever is missing */
	size_t first = l->nparts;
	if (part >= 0) {
		if ((size_t)part < l->unsure_from || (size_t)part >= l->nparts ||
		    (l->parts[part].flags & MTD_PART_WHOLE_CHIP))
			return 0;
		first = (size_t)part;
	} else {
		for (size_t i = l->unsure_from; i < l->nparts && first == l->nparts; i++)
			if (!(l->parts[i].flags & MTD_PART_WHOLE_CHIP))
				first = i;
		if (first == l->nparts)
			return 0;
	}
	const struct mtd_part *p = &l->parts[first];
	return mtd_diag_set(d, MTD_ERR_REFUSED, l->source,
	                    "line %u: an entry before '%s' is missing or unreadable, so the offset of '%s' and "
	                    "of every partition after it is not known, and %s needs them. Way out: a complete "
	                    "/proc/mtd (every mtdN line), or a layout that states offsets (the boot log's "
	                    "'Creating N MTD partitions' lines, mtdparts=, the device tree)",
	                    l->unsure_line, l->parts[l->unsure_from].name, p->name, what ? what : "this");
}

int mtd_layout_find(const struct mtd_layout *l, const char *name)
{
	for (size_t i = 0; i < l->nparts; i++)
		if (mtd_lay_ieq(l->parts[i].name, name))
			return (int)i;
	return -1;
}

int mtd_layout_find_role(const struct mtd_layout *l, enum mtd_part_role role)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < l->nparts; i++)
			if (l->parts[i].role == role && (pass || l->parts[i].parent < 0))
				return (int)i;
	return -1;
}

bool mtd_part_is_unit_data(const struct mtd_part *p)
{
	return (p->flags & MTD_PART_UNIT_DATA) != 0;
}

static bool contains(const struct mtd_part *a, const struct mtd_part *b)
{
	return b->offset >= a->offset && b->offset + b->size <= a->offset + a->size;
}

void mtd_lay_parents_by_containment(struct mtd_layout *l)
{
	for (size_t i = 0; i < l->nparts; i++) {
		struct mtd_part *p = &l->parts[i];
		if (p->parent >= 0 || (p->flags & MTD_PART_WHOLE_CHIP))
			continue;
		int best = -1;
		for (size_t k = 0; k < l->nparts; k++) {
			const struct mtd_part *q = &l->parts[k];
			if (k == i || (q->flags & MTD_PART_WHOLE_CHIP) || !contains(q, p))
				continue;
			/* equal ranges: the earlier one is the parent */
			if (q->offset == p->offset && q->size == p->size && k > i)
				continue;
			if (q->parent == (int)i)
				continue;
			if (best < 0 || l->parts[best].size > q->size ||
			    (l->parts[best].size == q->size && k > (size_t)best))
				best = (int)k;
		}
		if (best >= 0) {
			p->parent = best;
			p->flags |= MTD_PART_NESTED;
		}
	}
}

void mtd_lay_finish(struct mtd_layout *l)
{
	uint64_t end = 0;
	for (size_t i = 0; i < l->nparts; i++) {
		struct mtd_part *p = &l->parts[i];
		p->role = mtd_part_role_from_name(p->name);
		if (p->erasesize == 0)
			p->erasesize = l->erasesize;
		if (p->offset + p->size > end && !(p->flags & MTD_PART_WHOLE_CHIP))
			end = p->offset + p->size;
	}
	/* a whole-chip entry: named so, or at 0 covering every other partition */
	for (size_t i = 0; i < l->nparts; i++) {
		struct mtd_part *p = &l->parts[i];
		if (p->offset != 0 || l->nparts < 3)
			continue;
		bool covers = p->role == MTD_ROLE_WHOLE;
		if (!covers && p->parent < 0 && l->chip_size && p->size == l->chip_size &&
		    l->chip_from != MTD_CHIP_TABLE) {
			covers = true;
			for (size_t k = 0; k < l->nparts; k++)
				if (k != i && l->parts[k].offset == 0 && l->parts[k].size >= p->size)
					covers = false;
		}
		if (covers) {
			p->flags |= MTD_PART_WHOLE_CHIP;
			p->role = MTD_ROLE_WHOLE;
			p->parent = -1;
			p->flags &= ~MTD_PART_NESTED;
			if (l->chip_from == MTD_CHIP_UNKNOWN || l->chip_from == MTD_CHIP_TABLE) {
				l->chip_size = p->size;
				l->chip_from = MTD_CHIP_WHOLE;
			}
		}
	}
	bool reparent = false;
	for (size_t i = 0; i < l->nparts; i++) {
		struct mtd_part *p = &l->parts[i];
		if (p->parent == (int)i || (p->parent >= 0 && (l->parts[p->parent].flags & MTD_PART_WHOLE_CHIP))) {
			p->parent = -1;
			p->flags &= ~MTD_PART_NESTED;
			reparent = true;
		}
	}
	if (reparent)
		mtd_lay_parents_by_containment(l);
	for (size_t i = 0; i < l->nparts; i++) {
		struct mtd_part *p = &l->parts[i];
		if (p->flags & MTD_PART_WHOLE_CHIP) {
			p->flags |= MTD_PART_PROTECTED;
			continue;
		}
		/* the Ralink SDK "Kernel" holds kernel and rootfs: it is the firmware */
		if (p->role == MTD_ROLE_KERNEL && p->parent < 0) {
			bool has_rootfs = false;
			for (size_t k = 0; k < l->nparts; k++)
				if (l->parts[k].role == MTD_ROLE_ROOTFS)
					has_rootfs = true;
			if (!has_rootfs)
				p->role = MTD_ROLE_FIRMWARE;
		}
		if (p->role == MTD_ROLE_ENV || p->role == MTD_ROLE_FACTORY || p->role == MTD_ROLE_CONFIG)
			p->flags |= MTD_PART_UNIT_DATA;
		if (p->role == MTD_ROLE_ENV || p->role == MTD_ROLE_FACTORY || p->role == MTD_ROLE_BOOTLOADER)
			p->flags |= MTD_PART_PROTECTED;
	}
	if (!l->chip_size && end) {
		l->chip_size = end;
		l->chip_from = MTD_CHIP_TABLE;
	}
}

bool mtd_lay_hex(const char *s, size_t n, uint64_t *v)
{
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > 16)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i], h;
		if (c >= '0' && c <= '9')
			h = c - '0';
		else if (c >= 'a' && c <= 'f')
			h = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			h = c - 'A' + 10;
		else
			return false;
		x = x << 4 | (uint64_t)h;
	}
	*v = x;
	return true;
}

bool mtd_lay_num(const char *s, size_t n, uint64_t *v)
{
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return mtd_lay_hex(s, n, v);
	if (n == 0 || n > 19)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return true;
}

/* ---- detection ---- */

static bool has_text(const uint8_t *data, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	if (len > (1u << 20))
		len = 1u << 20;
	for (size_t i = 0; i + n <= len; i++)
		if (data[i] == (uint8_t)needle[0] && memcmp(data + i, needle, n) == 0)
			return true;
	return false;
}

enum mtd_layout_kind mtd_layout_detect(const uint8_t *data, size_t len)
{
	if (len >= 4 && mtd_be32(data) == 0xd00dfeed)
		return MTD_LK_DTB;
	for (size_t sec = 512; sec <= 4096; sec *= 2)
		if (len >= sec + 8 && memcmp(data + sec, "EFI PART", 8) == 0)
			return MTD_LK_GPT;
	if (has_text(data, len, "MTD partitions on") || has_text(data, len, "partitions found on MTD") ||
	    has_text(data, len, "created automatically, ofs=") ||
	    (has_text(data, len, ". Name = ") && has_text(data, len, ", offset = ")) ||
	    has_text(data, len, "\" - from 0x"))
		return MTD_LK_KLOG;
	if (has_text(data, len, "fixed-partitions") || has_text(data, len, "partition@") ||
	    has_text(data, len, "/dts-v1/") || has_text(data, len, "compatible = \""))
		return MTD_LK_DTS;
	if (has_text(data, len, "mtdparts="))
		return MTD_LK_MTDPARTS;
	if (has_text(data, len, "mtd0:") || has_text(data, len, "dev:    size"))
		return MTD_LK_PROC_MTD;
	/* "0x...-0x... : "name"" lines without a kernel header (mr70 style) */
	if (has_text(data, len, " : \""))
		return MTD_LK_KLOG;
	/* a bare mtdparts value "dev:64k(u-boot),..." */
	if (has_text(data, len, "(") && has_text(data, len, ":"))
		return MTD_LK_MTDPARTS;
	return MTD_LK_AUTO;
}

int mtd_layout_parse(const uint8_t *data, size_t len, enum mtd_layout_kind kind, const char *file, uint64_t chip_size,
                     struct mtd_layout *out, struct mtd_diag *d)
{
	mtd_layout_init(out);
	snprintf(out->source, sizeof(out->source), "%s", file ? file : "layout");
	if (kind == MTD_LK_AUTO)
		kind = mtd_layout_detect(data, len);
	if (kind == MTD_LK_AUTO)
		return mtd_diag_set(d, MTD_ERR_FORMAT, out->source,
		                    "expected a layout (/proc/mtd, kernel log, mtdparts=, device tree or GPT)");
	out->kind = kind;
	if (chip_size) {
		out->chip_size = chip_size;
		out->chip_from = MTD_CHIP_GIVEN;
	}
	int rc;
	if ((kind != MTD_LK_DTB && kind != MTD_LK_GPT) && len > LAYOUT_MAX_TEXT)
		return mtd_diag_set(d, MTD_ERR_LIMIT, out->source, "layout text larger than 16 MiB");
	switch (kind) {
	case MTD_LK_PROC_MTD: rc = mtd_lay_parse_proc_mtd((const char *)data, len, out, d); break;
	case MTD_LK_KLOG: rc = mtd_lay_parse_klog((const char *)data, len, out, d); break;
	case MTD_LK_MTDPARTS: rc = mtd_lay_parse_mtdparts((const char *)data, len, out, d); break;
	case MTD_LK_DTS: rc = mtd_lay_parse_dts((const char *)data, len, out, d); break;
	case MTD_LK_DTB: rc = mtd_lay_parse_dtb(data, len, out, d); break;
	case MTD_LK_GPT: rc = mtd_lay_parse_gpt(data, len, out, d); break;
	default: rc = mtd_diag_set(d, MTD_ERR_ARG, out->source, "unknown layout kind");
	}
	if (rc)
		return rc;
	if (out->nparts == 0)
		return mtd_diag_set(d, MTD_ERR_FORMAT, out->source, "no partitions found in this %s input",
		                    mtd_layout_kind_name(kind));
	if (chip_size && out->chip_size != chip_size) {
		out->chip_size = chip_size;
		out->chip_from = MTD_CHIP_GIVEN;
	}
	mtd_lay_finish(out);
	if (chip_size) {
		out->chip_size = chip_size;
		out->chip_from = MTD_CHIP_GIVEN;
	}
	return 0;
}

int mtd_layout_load(const char *path, enum mtd_layout_kind kind, uint64_t chip_size, struct mtd_layout *out,
                    struct mtd_diag *d)
{
	struct mtd_source s;
	int rc = mtd_source_open(&s, path, d);
	if (rc)
		return rc;
	size_t len = s.size > LAYOUT_MAX_TEXT ? LAYOUT_MAX_TEXT : (size_t)s.size;
	if (s.size > LAYOUT_MAX_TEXT) {
		enum mtd_layout_kind k = kind == MTD_LK_AUTO ? mtd_layout_detect(s.data, len) : kind;
		if (k != MTD_LK_GPT && k != MTD_LK_DTB) {
			mtd_source_close(&s);
			return mtd_diag_set(d, MTD_ERR_LIMIT, path, "layout text larger than 16 MiB");
		}
		if (k == MTD_LK_GPT && s.size <= SIZE_MAX)
			len = (size_t)s.size; /* mapped, not copied: the table is read where it lies */
	}
	/* messages name the file as the user gave it, not its basename */
	rc = mtd_layout_parse(s.data, len, kind, path, chip_size, out, d);
	snprintf(out->source, sizeof(out->source), "%s", path);
	mtd_source_close(&s);
	return rc;
}

/* ---- checks ---- */

struct issues {
	struct mtd_layout_issue *v;
	size_t n, cap;
};

static void issue(struct issues *is, enum mtd_issue_level lv, int part, int other, const char *code, const char *fmt,
                  ...) __attribute__((format(printf, 6, 7)));
static void issue(struct issues *is, enum mtd_issue_level lv, int part, int other, const char *code, const char *fmt,
                  ...)
{
	if (is->n == is->cap) {
		size_t nc = is->cap ? is->cap * 2 : 16;
		if (nc > 4096)
			return;
		struct mtd_layout_issue *v = mtd_realloc_array(is->v, nc, sizeof(*v));
		if (!v)
			return;
		is->v = v;
		is->cap = nc;
	}
	struct mtd_layout_issue *x = &is->v[is->n++];
	memset(x, 0, sizeof(*x));
	x->level = lv;
	x->part = part;
	x->other = other;
	snprintf(x->code, sizeof(x->code), "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
}

static bool is_ancestor(const struct mtd_layout *l, int a, int b)
{
	for (int p = l->parts[b].parent, guard = 0; p >= 0 && guard < MTD_LAYOUT_MAX_PARTS;
	     p = l->parts[p].parent, guard++)
		if (p == a)
			return true;
	return false;
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] < y[1] ? -1 : x[1] > y[1]);
}

int mtd_layout_check(const struct mtd_layout *l, struct mtd_layout_issue **out, size_t *n)
{
	struct issues is = {0};
	uint64_t chip = l->chip_size;
	bool chip_known = l->chip_from != MTD_CHIP_UNKNOWN && l->chip_from != MTD_CHIP_TABLE;
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		uint32_t es = p->erasesize ? p->erasesize : l->erasesize;
		if (p->flags & MTD_PART_TRUNCATED)
			issue(&is, MTD_ISSUE_ERROR, (int)i, -1, "truncated",
			      "'%s' was declared 0x%llx bytes (to 0x%llx) but the chip ends at 0x%llx: the kernel "
			      "truncated it to 0x%llx",
			      p->name, (unsigned long long)p->declared_size,
			      (unsigned long long)(p->offset + p->declared_size), (unsigned long long)chip,
			      (unsigned long long)p->size);
		if (chip_known && (p->offset >= chip || p->size > chip - p->offset))
			issue(&is, MTD_ISSUE_ERROR, (int)i, -1, "past-end",
			      "'%s' (0x%llx-0x%llx) goes past the end of the 0x%llx-byte chip", p->name,
			      (unsigned long long)p->offset, (unsigned long long)(p->offset + p->size),
			      (unsigned long long)chip);
		if (es && (p->offset % es) && !(p->flags & MTD_PART_NESTED))
			issue(&is, MTD_ISSUE_ERROR, (int)i, -1, "unaligned",
			      "'%s' starts at 0x%llx, not on a 0x%x erase block", p->name,
			      (unsigned long long)p->offset, es);
		else if (es && (p->offset % es))
			issue(&is, MTD_ISSUE_INFO, (int)i, -1, "unaligned",
			      "'%s' starts at 0x%llx inside an erase block (a split partition: read-only)", p->name,
			      (unsigned long long)p->offset);
		if (es && (p->size % es) && !(p->flags & (MTD_PART_NESTED | MTD_PART_TRUNCATED)))
			issue(&is, MTD_ISSUE_WARNING, (int)i, -1, "unaligned",
			      "'%s' size 0x%llx is not a multiple of the 0x%x erase block", p->name,
			      (unsigned long long)p->size, es);
		if (p->size == 0)
			issue(&is, MTD_ISSUE_WARNING, (int)i, -1, "empty", "'%s' has size 0", p->name);
	}
	if (l->offsets_unsure && l->unsure_from < l->nparts)
		issue(&is, MTD_ISSUE_ERROR, (int)l->unsure_from, -1, "offsets-unknown",
		      "line %u: an entry before '%s' is missing or unreadable: the offsets from '%s' on are sums of "
		      "the sizes listed and not known; plan, split, rebuild and join refuse them",
		      l->unsure_line, l->parts[l->unsure_from].name, l->parts[l->unsure_from].name);
	size_t ninf = 0;
	for (size_t i = 0; i < l->nparts; i++)
		ninf += (l->parts[i].flags & MTD_PART_INFERRED) != 0;
	if (ninf)
		issue(&is, MTD_ISSUE_INFO, -1, -1, "inferred",
		      "%zu offset%s inferred from the order and sizes (the input states none): check them against a "
		      "boot log",
		      ninf, ninf == 1 ? "" : "s");
	/* overlaps: nesting is fine, crossing or unexplained overlap is an error */
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *a = &l->parts[i];
		if (a->flags & MTD_PART_WHOLE_CHIP)
			continue;
		for (size_t k = i + 1; k < l->nparts; k++) {
			const struct mtd_part *b = &l->parts[k];
			if ((b->flags & MTD_PART_WHOLE_CHIP) || !a->size || !b->size)
				continue;
			if (a->offset >= b->offset + b->size || b->offset >= a->offset + a->size)
				continue;
			if (is_ancestor(l, (int)i, (int)k) || is_ancestor(l, (int)k, (int)i))
				continue;
			bool nest = contains(a, b) || contains(b, a);
			issue(&is, nest ? MTD_ISSUE_WARNING : MTD_ISSUE_ERROR, (int)i, (int)k, "overlap",
			      "'%s' (0x%llx-0x%llx) and '%s' (0x%llx-0x%llx) %s", a->name,
			      (unsigned long long)a->offset, (unsigned long long)(a->offset + a->size), b->name,
			      (unsigned long long)b->offset, (unsigned long long)(b->offset + b->size),
			      nest ? "nest without a stated parent" : "overlap without nesting");
		}
	}
	/* gaps between top-level partitions */
	uint64_t(*r)[2] = mtd_alloc_array(l->nparts ? l->nparts : 1, sizeof(*r));
	size_t nr = 0;
	if (r) {
		for (size_t i = 0; i < l->nparts; i++)
			if (l->parts[i].parent < 0 && !(l->parts[i].flags & MTD_PART_WHOLE_CHIP)) {
				r[nr][0] = l->parts[i].offset;
				r[nr][1] = l->parts[i].offset + l->parts[i].size;
				nr++;
			}
		qsort(r, nr, sizeof(*r), cmp_u64);
		uint64_t pos = 0;
		for (size_t i = 0; i < nr; i++) {
			if (r[i][0] > pos)
				issue(&is, MTD_ISSUE_INFO, -1, -1, "gap",
				      "0x%llx-0x%llx (0x%llx bytes) is in no partition", (unsigned long long)pos,
				      (unsigned long long)r[i][0], (unsigned long long)(r[i][0] - pos));
			if (r[i][1] > pos)
				pos = r[i][1];
		}
		if (chip_known && pos < chip)
			issue(&is, MTD_ISSUE_INFO, -1, -1, "gap",
			      "0x%llx-0x%llx (0x%llx bytes) at the end is in no partition", (unsigned long long)pos,
			      (unsigned long long)chip, (unsigned long long)(chip - pos));
		free(r);
	}
	*out = is.v;
	*n = is.n;
	return 0;
}

size_t mtd_layout_errors(const struct mtd_layout_issue *is, size_t n)
{
	size_t e = 0;
	for (size_t i = 0; i < n; i++)
		e += is[i].level == MTD_ISSUE_ERROR;
	return e;
}

void mtd_layout_whole(struct mtd_layout *l, uint64_t size)
{
	mtd_layout_init(l);
	snprintf(l->source, sizeof(l->source), "whole");
	l->nparts = 1;
	snprintf(l->parts[0].name, sizeof(l->parts[0].name), "whole");
	l->parts[0].size = size;
	l->parts[0].declared_size = size;
	l->parts[0].parent = -1;
	l->chip_size = size;
	l->chip_from = MTD_CHIP_GIVEN;
}
