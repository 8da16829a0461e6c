/* SPDX-License-Identifier: MIT */
/*
 * Text layouts: /proc/mtd, kernel logs and mtdparts= strings.  Every line is
 * taken through the bounded reader; numbers have a maximum width; a line
 * that does not match is skipped (real captures carry noise).
 */
#include <stdio.h>
#include <string.h>

#include <mtdscope/reader.h>

#include "layout_int.h"

static bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}
static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* a cursor over one line */
struct lc {
	const char *s;
	size_t n, i;
};

static void skip_sp(struct lc *c)
{
	while (c->i < c->n && is_sp(c->s[c->i]))
		c->i++;
}

static bool lit(struct lc *c, const char *t)
{
	size_t k = strlen(t);
	if (c->n - c->i < k || memcmp(c->s + c->i, t, k) != 0)
		return false;
	c->i += k;
	return true;
}

/* hex digits (optional 0x) */
static bool hexnum(struct lc *c, uint64_t *v)
{
	size_t st = c->i;
	if (c->n - c->i >= 2 && c->s[c->i] == '0' && (c->s[c->i + 1] == 'x' || c->s[c->i + 1] == 'X'))
		c->i += 2;
	size_t ds = c->i;
	while (c->i < c->n && is_hex(c->s[c->i]))
		c->i++;
	if (c->i == ds || !mtd_lay_hex(c->s + ds, c->i - ds, v)) {
		c->i = st;
		return false;
	}
	return true;
}

static bool decnum(struct lc *c, uint64_t *v)
{
	size_t st = c->i;
	while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
		c->i++;
	if (c->i == st || !mtd_lay_num(c->s + st, c->i - st, v)) {
		c->i = st;
		return false;
	}
	return true;
}

/* "name" -> pointer/len inside quotes */
static bool quoted(struct lc *c, const char **name, size_t *len)
{
	if (c->i >= c->n || c->s[c->i] != '"')
		return false;
	size_t st = ++c->i;
	while (c->i < c->n && c->s[c->i] != '"')
		c->i++;
	if (c->i >= c->n)
		return false;
	*name = c->s + st;
	*len = c->i - st;
	c->i++;
	return true;
}

static const char *memfind(const char *s, size_t n, const char *t)
{
	size_t k = strlen(t);
	if (k > n)
		return NULL;
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == t[0] && memcmp(s + i, t, k) == 0)
			return s + i;
	return NULL;
}

/* ---- /proc/mtd ---- */

static bool container_role(enum mtd_part_role r)
{
	return r == MTD_ROLE_FIRMWARE;
}
static bool split_role(enum mtd_part_role r)
{
	return r == MTD_ROLE_KERNEL || r == MTD_ROLE_ROOTFS;
}

/*
 * /proc/mtd has sizes only.  Offsets come from the order: whole-chip entries
 * sit at 0; a kernel/rootfs entry right after a firmware container lies
 * inside it (kernel at its start, rootfs running to its end, as OpenWrt's
 * splitters make them); rootfs_data after rootfs lies at the end of rootfs; a
 * firmware entry after its kernel and rootfs (TP-Link/QCA cmdline layouts,
 * EcoNet tclinux) covers them.  Everything else follows the previous one.
 */
static void infer_offsets(struct mtd_layout *l)
{
	uint64_t cursor = 0;
	int last_top = -1;
	uint64_t child_cursor = 0;
	for (size_t i = 0; i < l->nparts; i++) {
		struct mtd_part *p = &l->parts[i];
		enum mtd_part_role role = mtd_part_role_from_name(p->name);
		p->flags |= MTD_PART_INFERRED;
		if (role == MTD_ROLE_WHOLE) {
			p->offset = 0;
			p->flags |= MTD_PART_WHOLE_CHIP;
			p->flags &= ~MTD_PART_INFERRED;
			continue;
		}
		int prev = (int)i - 1;
		while (prev >= 0 && (l->parts[prev].flags & MTD_PART_WHOLE_CHIP))
			prev--;
		if (role == MTD_ROLE_ROOTFS_DATA && prev >= 0 &&
		    mtd_part_role_from_name(l->parts[prev].name) == MTD_ROLE_ROOTFS && p->size <= l->parts[prev].size) {
			struct mtd_part *q = &l->parts[prev];
			p->offset = q->offset + q->size - p->size;
			p->parent = prev;
			p->flags |= MTD_PART_NESTED;
			continue;
		}
		if (split_role(role) && last_top >= 0 &&
		    container_role(mtd_part_role_from_name(l->parts[last_top].name))) {
			struct mtd_part *c = &l->parts[last_top];
			uint64_t cend = c->offset + c->size;
			if (p->size < c->size) {
				if (role == MTD_ROLE_KERNEL && child_cursor + p->size <= cend) {
					p->offset = child_cursor;
					child_cursor += p->size;
				} else {
					p->offset = cend - p->size;
				}
				p->parent = last_top;
				p->flags |= MTD_PART_NESTED;
				continue;
			}
		}
		if (container_role(role)) {
			/* a run of top-level kernel/rootfs entries it covers exactly, anywhere */
			int run_start = -1, run_end = -1;
			for (size_t s = 0; s < i && run_start < 0; s++) {
				if (l->parts[s].parent >= 0 || (l->parts[s].flags & MTD_PART_WHOLE_CHIP) ||
				    !split_role(mtd_part_role_from_name(l->parts[s].name)))
					continue;
				uint64_t sum = 0, at = l->parts[s].offset;
				for (size_t k = s; k < i; k++) {
					const struct mtd_part *q = &l->parts[k];
					if (q->parent >= 0 || (q->flags & MTD_PART_WHOLE_CHIP))
						continue;
					if (q->offset != at)
						break;
					sum += q->size;
					at += q->size;
					if (sum == p->size) {
						run_start = (int)s;
						run_end = (int)k;
						break;
					}
					if (sum > p->size)
						break;
				}
			}
			/* else the trailing kernel/rootfs run when the container is larger */
			if (run_start < 0 && last_top >= 0 &&
			    split_role(mtd_part_role_from_name(l->parts[last_top].name))) {
				int s = last_top;
				uint64_t sum = 0;
				for (int k = last_top; k >= 0; k--) {
					const struct mtd_part *q = &l->parts[k];
					if (q->parent >= 0 || (q->flags & MTD_PART_WHOLE_CHIP))
						continue;
					if (!split_role(mtd_part_role_from_name(q->name)))
						break;
					sum += q->size;
					s = k;
				}
				if (sum <= p->size) {
					run_start = s;
					run_end = last_top;
				}
			}
			if (run_start >= 0) {
				p->offset = l->parts[run_start].offset;
				for (size_t k = (size_t)run_start; k <= (size_t)run_end; k++)
					if (l->parts[k].parent < 0 && !(l->parts[k].flags & MTD_PART_WHOLE_CHIP)) {
						l->parts[k].parent = (int)i;
						l->parts[k].flags |= MTD_PART_NESTED;
					}
				if (p->offset + p->size > cursor)
					cursor = p->offset + p->size;
				last_top = (int)i;
				child_cursor = p->offset;
				mtd_lay_note(l, "'%s' taken to contain the kernel/rootfs entries listed before it",
				             p->name);
				continue;
			}
		}
		p->offset = cursor;
		cursor += p->size;
		last_top = (int)i;
		child_cursor = p->offset;
	}
	/* does it add up? */
	for (size_t i = 0; i < l->nparts; i++)
		if ((l->parts[i].flags & MTD_PART_WHOLE_CHIP) && l->parts[i].size != cursor)
			mtd_lay_note(l, "the partitions add up to 0x%llx bytes but '%s' is 0x%llx",
			             (unsigned long long)cursor, l->parts[i].name,
			             (unsigned long long)l->parts[i].size);
	if (l->chip_from == MTD_CHIP_GIVEN && cursor != l->chip_size)
		mtd_lay_note(l, "the partitions add up to 0x%llx bytes but the chip is 0x%llx",
		             (unsigned long long)cursor, (unsigned long long)l->chip_size);
}

/* the partitions added from here on have offsets inferred across a gap in the list */
static void unsure_from(struct mtd_layout *l, unsigned lineno)
{
	if (l->offsets_unsure)
		return;
	l->offsets_unsure = true;
	l->unsure_from = l->nparts;
	l->unsure_line = lineno;
}

int mtd_lay_parse_proc_mtd(const char *t, size_t n, struct mtd_layout *l, struct mtd_diag *d)
{
	struct mtd_reader r;
	mtd_rd_init(&r, t, n, 0);
	const char *s;
	size_t len;
	bool cut;
	unsigned lineno = 0;
	long expect_idx = 0;
	while (mtd_rd_line(&r, LAYOUT_MAX_LINE, &s, &len, &cut)) {
		lineno++;
		struct lc c = {s, len, 0};
		skip_sp(&c);
		uint64_t idx, size, es;
		const char *name;
		size_t nlen;
		if (!lit(&c, "mtd") || !decnum(&c, &idx) || !lit(&c, ":"))
			continue;
		skip_sp(&c);
		bool size_ok = hexnum(&c, &size);
		skip_sp(&c);
		bool es_ok = size_ok && hexnum(&c, &es);
		skip_sp(&c);
		if (!es_ok || !quoted(&c, &name, &nlen)) {
			/* an entry that does not parse is said, with its line, never dropped silently */
			mtd_lay_note(
			    l,
			    "line %u: mtd%llu left out: expected 'mtdN: SIZE ERASESIZE \"name\"' with SIZE and "
			    "ERASESIZE in hex (at most 16 digits)",
			    lineno, (unsigned long long)idx);
			expect_idx = (long)idx + 1;
			unsure_from(l, lineno);
			continue;
		}
		if ((long)idx != expect_idx) {
			mtd_lay_note(l, "line %u: mtd%llu where mtd%ld was expected: the list is incomplete", lineno,
			             (unsigned long long)idx, expect_idx);
			unsure_from(l, lineno);
		}
		expect_idx = (long)idx + 1;
		if (es > 0x4000000 || size > (1ull << 40))
			return mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "line %u: size or erase size out of range",
			                    lineno);
		int k = mtd_lay_add(l, name, nlen, 0, size, lineno, d);
		if (k < 0)
			return k;
		l->parts[k].erasesize = (uint32_t)es;
		if (!l->erasesize)
			l->erasesize = (uint32_t)es;
	}
	infer_offsets(l);
	return 0;
}

/* ---- kernel log ---- */

struct block {
	char dev[64];
	long remaining; /* -1: unknown */
	int parent;     /* partition the device is, -1: the chip */
	bool fresh;     /* nothing consumed yet */
};

static int part_by_name_last(const struct mtd_layout *l, const char *s, size_t n)
{
	for (size_t i = l->nparts; i-- > 0;)
		if (strlen(l->parts[i].name) == n && strncmp(l->parts[i].name, s, n) == 0)
			return (int)i;
	return -1;
}

/* strip "[   1.23] " and "... kernel: " prefixes */
static void strip_prefix(struct lc *c)
{
	const char *k = memfind(c->s, c->n, "kernel: ");
	if (k)
		c->i = (size_t)(k - c->s) + 8;
	skip_sp(c);
	if (c->i < c->n && c->s[c->i] == '[') {
		size_t j = c->i + 1;
		while (j < c->n && j < c->i + 24 && c->s[j] != ']')
			j++;
		if (j < c->n && c->s[j] == ']')
			c->i = j + 1;
	}
	skip_sp(c);
}

int mtd_lay_parse_klog(const char *t, size_t n, struct mtd_layout *l, struct mtd_diag *d)
{
	struct mtd_reader r;
	mtd_rd_init(&r, t, n, 0);
	const char *s;
	size_t len;
	bool cut;
	unsigned lineno = 0;
	struct block stack[8];
	int depth = 0;
	int pending_auto = -1;
	uint64_t log_chip = 0, kbytes_chip = 0;
	while (mtd_rd_line(&r, LAYOUT_MAX_LINE, &s, &len, &cut)) {
		lineno++;
		struct lc c = {s, len, 0};
		strip_prefix(&c);
		const char *rest = c.s + c.i;
		size_t rn = c.n - c.i;
		const char *m;
		/* mtd .name = raspi, .size = 0x00400000 (4M) .erasesize = 0x00010000 */
		if ((m = memfind(rest, rn, "mtd .name = ")) != NULL) {
			const char *sz = memfind(rest, rn, ".size = ");
			const char *es = memfind(rest, rn, ".erasesize = ");
			uint64_t v;
			if (sz) {
				struct lc q = {sz + 8, (size_t)(rest + rn - sz - 8), 0};
				if (hexnum(&q, &v))
					log_chip = v;
			}
			if (es) {
				struct lc q = {es + 13, (size_t)(rest + rn - es - 13), 0};
				if (hexnum(&q, &v) && v && v <= 0x4000000)
					l->erasesize = (uint32_t)v;
			}
			const char *nm = m + 12, *e = nm;
			while (e < rest + rn && *e != ',' && !is_sp(*e))
				e++;
			if (!l->device[0])
				snprintf(l->device, sizeof(l->device), "%.*s", (int)(e - nm), nm);
			continue;
		}
		/* flash size announcements "(16384 Kbytes)" */
		if ((m = memfind(rest, rn, " Kbytes)")) != NULL) {
			const char *b = m;
			while (b > rest && b[-1] >= '0' && b[-1] <= '9')
				b--;
			uint64_t kb;
			if (b > rest && b[-1] == '(' && mtd_lay_num(b, (size_t)(m - b), &kb) && kb && kb <= (1u << 22))
				kbytes_chip = kb * 1024;
			continue;
		}
		/* Creating N MTD partitions on "DEV": */
		if ((m = memfind(rest, rn, "MTD partitions on \"")) != NULL) {
			struct lc q = {rest, rn, 0};
			(void)lit(&q, "Creating ");
			uint64_t cnt = 0;
			bool have = decnum(&q, &cnt);
			struct lc dq = {m + 18, (size_t)(rest + rn - m - 18), 0};
			const char *dev;
			size_t dl;
			if (!quoted(&dq, &dev, &dl))
				continue;
			if (depth > 0 && stack[depth - 1].fresh && strlen(stack[depth - 1].dev) == dl &&
			    memcmp(stack[depth - 1].dev, dev, dl) == 0)
				continue; /* the "N xxx partitions found" line opened it already */
			int parent = part_by_name_last(l, dev, dl);
			if (depth == 8 || (depth > 0 && parent < 0))
				depth = 0;
			if (parent < 0)
				depth = 0;
			struct block *b = &stack[depth++];
			snprintf(b->dev, sizeof(b->dev), "%.*s", (int)dl, dev);
			b->remaining = have ? (long)cnt : -1;
			b->parent = parent;
			b->fresh = true;
			if (parent < 0 && !l->device[0])
				snprintf(l->device, sizeof(l->device), "%.63s", b->dev);
			continue;
		}
		/* N xxx partitions found on MTD device DEV */
		if ((m = memfind(rest, rn, " partitions found on MTD device ")) != NULL) {
			struct lc q = {rest, rn, 0};
			uint64_t cnt;
			if (!decnum(&q, &cnt))
				continue;
			const char *dev = m + 32, *e = dev;
			while (e < rest + rn && !is_sp(*e))
				e++;
			size_t dl = (size_t)(e - dev);
			int parent = part_by_name_last(l, dev, dl);
			if (parent < 0)
				depth = 0;
			if (depth == 8)
				depth = 0;
			struct block *b = &stack[depth++];
			snprintf(b->dev, sizeof(b->dev), "%.*s", (int)dl, dev);
			b->remaining = (long)cnt;
			b->parent = parent;
			b->fresh = true;
			if (parent < 0 && !l->device[0])
				snprintf(l->device, sizeof(l->device), "%.63s", b->dev);
			continue;
		}
		/* mtd: partition "X" extends beyond the end of device "D" -- size truncated to 0x3b0000 */
		if ((m = memfind(rest, rn, "\" extends beyond the end of device")) != NULL) {
			const char *pn = memfind(rest, rn, "partition \"");
			const char *tr = memfind(rest, rn, "truncated to ");
			uint64_t v;
			if (!pn || !tr || pn + 11 > m)
				continue;
			struct lc q = {tr + 13, (size_t)(rest + rn - tr - 13), 0};
			if (!hexnum(&q, &v))
				continue;
			int k = part_by_name_last(l, pn + 11, (size_t)(m - pn - 11));
			if (k >= 0 && v < l->parts[k].size) {
				l->parts[k].size = v;
				l->parts[k].flags |= MTD_PART_TRUNCATED;
				mtd_lay_note(
				    l,
				    "line %u: the kernel truncated '%s' from 0x%llx to 0x%llx bytes: the table "
				    "is larger than the chip",
				    lineno, l->parts[k].name, (unsigned long long)l->parts[k].declared_size,
				    (unsigned long long)v);
			}
			continue;
		}
		/* mtd: partition "rootfs" created automatically, ofs=0x6e0000, len=0x920000 */
		if ((m = memfind(rest, rn, "\" created automatically, ofs=")) != NULL) {
			const char *pn = memfind(rest, rn, "partition \"");
			if (!pn || pn + 11 > m)
				continue;
			struct lc q = {m + 29, (size_t)(rest + rn - m - 29), 0};
			uint64_t ofs, ln;
			if (!hexnum(&q, &ofs) || !lit(&q, ", len=") || !hexnum(&q, &ln))
				continue;
			int k = mtd_lay_add(l, pn + 11, (size_t)(m - pn - 11), ofs, ln, lineno, d);
			if (k < 0)
				return k;
			l->parts[k].flags |= MTD_PART_AUTO;
			pending_auto = k;
			continue;
		}
		/* hand-written posts: "Bootloader" - from 0x000000000000 to 0x000000040000. */
		if ((m = memfind(rest, rn, "\" - from 0x")) != NULL && rest[0] == '"') {
			struct lc q = {m + 9, (size_t)(rest + rn - m - 9), 0};
			uint64_t a, b;
			if (!hexnum(&q, &a) || !lit(&q, " to ") || !hexnum(&q, &b) || b < a)
				continue;
			int k = mtd_lay_add(l, rest + 1, (size_t)(m - rest - 1), a, b - a, lineno, d);
			if (k < 0)
				return k;
			continue;
		}
		/* mainline U-Boot: "SF: Detected w25q128bv with page size 256 Bytes, erase size 64 KiB, total 16 MiB"
		 */
		if ((m = memfind(rest, rn, ", total ")) != NULL && memfind(rest, rn, "SF: Detected")) {
			struct lc q = {m + 8, (size_t)(rest + rn - m - 8), 0};
			uint64_t v;
			if (decnum(&q, &v) && v && v <= 4096 && lit(&q, " MiB"))
				kbytes_chip = v << 20;
			continue;
		}
		/* Ubiquiti U-Boot: " 0. Name = u-boot, offset = 0, start_addr=bf000000, size=393216,..." (hex offset,
		 * decimal size) */
		if ((m = memfind(rest, rn, ". Name = ")) != NULL) {
			const char *nm = m + 9, *e = nm;
			while (e < rest + rn && *e != ',')
				e++;
			const char *of = memfind(rest, rn, ", offset = "), *sz = memfind(rest, rn, " size=");
			uint64_t ofs, size;
			if (!of || !sz || e >= rest + rn)
				continue;
			struct lc qo = {of + 11, (size_t)(rest + rn - of - 11), 0},
			          qs = {sz + 6, (size_t)(rest + rn - sz - 6), 0};
			if (!hexnum(&qo, &ofs) || !decnum(&qs, &size))
				continue;
			int k = mtd_lay_add(l, nm, (size_t)(e - nm), ofs, size, lineno, d);
			if (k < 0)
				return k;
			continue;
		}
		/* 0x000000000000-0x000000030000 : "Bootloader" */
		{
			struct lc q = c;
			uint64_t a, b;
			const char *name;
			size_t nl;
			if (!hexnum(&q, &a) || !lit(&q, "-") || !hexnum(&q, &b))
				continue;
			skip_sp(&q);
			if (!lit(&q, ":"))
				continue;
			skip_sp(&q);
			if (!quoted(&q, &name, &nl))
				continue;
			if (b < a) {
				mtd_lay_note(
				    l, "line %u: range 0x%llx-0x%llx of '%.*s' ends before it starts: left out", lineno,
				    (unsigned long long)a, (unsigned long long)b, (int)(nl > 60 ? 60 : nl), name);
				if (depth > 0 && stack[depth - 1].remaining > 0 && --stack[depth - 1].remaining == 0)
					depth--;
				continue;
			}
			if (pending_auto >= 0) {
				struct mtd_part *ap = &l->parts[pending_auto];
				pending_auto = -1;
				if (strlen(ap->name) == nl && memcmp(ap->name, name, nl) == 0 && ap->offset == a &&
				    ap->size == b - a)
					continue;
			}
			int parent = -1;
			if (depth > 0) {
				struct block *bl = &stack[depth - 1];
				parent = bl->parent;
				bl->fresh = false;
				if (bl->remaining > 0 && --bl->remaining == 0)
					depth--;
			}
			uint64_t off = a, size = b - a;
			if (parent >= 0) {
				const struct mtd_part *pp = &l->parts[parent];
				bool inside = a >= pp->offset && b <= pp->offset + pp->size;
				if (!inside && b <= pp->size) {
					off = a + pp->offset; /* offsets relative to the parent (newer kernels) */
					mtd_lay_note(l, "line %u: '%.*s' range is relative to '%s': 0x%llx absolute",
					             lineno, (int)(nl > 60 ? 60 : nl), name, pp->name,
					             (unsigned long long)off);
				}
			}
			int k = mtd_lay_add(l, name, nl, off, size, lineno, d);
			if (k < 0)
				return k;
			if (parent >= 0) {
				l->parts[k].parent = parent;
				l->parts[k].flags |= MTD_PART_NESTED;
			}
		}
	}
	mtd_lay_parents_by_containment(l);
	if (!l->chip_size) {
		if (log_chip) {
			l->chip_size = log_chip;
			l->chip_from = MTD_CHIP_LOG;
		} else if (kbytes_chip) {
			l->chip_size = kbytes_chip;
			l->chip_from = MTD_CHIP_LOG;
		}
	}
	/* a truncated partition: keep the declared size for the report */
	for (size_t i = 0; i < l->nparts; i++)
		if (l->parts[i].flags & MTD_PART_TRUNCATED)
			l->parts[i].declared_size =
			    l->parts[i].declared_size ? l->parts[i].declared_size : l->parts[i].size;
	return 0;
}

/* ---- mtdparts= ---- */

static bool size_tok(struct lc *c, uint64_t *v)
{
	uint64_t x;
	if (!(c->n - c->i >= 2 && c->s[c->i] == '0' && (c->s[c->i + 1] == 'x' || c->s[c->i + 1] == 'X')
	          ? hexnum(c, &x)
	          : decnum(c, &x)))
		return false;
	uint64_t mul = 1;
	if (c->i < c->n) {
		char u = c->s[c->i];
		if (u == 'k' || u == 'K')
			mul = 1024;
		else if (u == 'm' || u == 'M')
			mul = 1024 * 1024;
		else if (u == 'g' || u == 'G')
			mul = 1024ull * 1024 * 1024;
		if (mul != 1)
			c->i++;
	}
	return mtd_mul_ov(x, mul, v) && *v <= (1ull << 40);
}

static int parse_one_mtdparts(struct lc *c, struct mtd_layout *l, unsigned lineno, bool first_dev, struct mtd_diag *d)
{
	/* DEV:parts */
	size_t ds = c->i;
	while (c->i < c->n && c->s[c->i] != ':' && !is_sp(c->s[c->i]))
		c->i++;
	if (c->i >= c->n || c->s[c->i] != ':')
		return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, c->i, "line %u: expected DEVICE: in mtdparts", lineno);
	if (first_dev)
		snprintf(l->device, sizeof(l->device), "%.*s", (int)(c->i - ds > 60 ? 60 : c->i - ds), c->s + ds);
	else
		mtd_lay_note(l, "line %u: partitions of a second device '%.*s' left out", lineno,
		             (int)(c->i - ds > 60 ? 60 : c->i - ds), c->s + ds);
	c->i++;
	uint64_t cursor = 0;
	for (;;) {
		uint64_t size = 0, off;
		bool rem = false;
		if (c->i < c->n && c->s[c->i] == '-') {
			rem = true;
			c->i++;
			if (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
				return mtd_diag_at(
				    d, MTD_ERR_FORMAT, l->source, c->i,
				    "line %u: '-' (the rest of the device) followed by a number in mtdparts: "
				    "a size cannot be negative",
				    lineno);
		} else if (!size_tok(c, &size)) {
			return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, c->i,
			                   "line %u: expected a size or '-' in mtdparts", lineno);
		}
		off = cursor;
		bool has_off = false;
		if (c->i < c->n && c->s[c->i] == '@') {
			c->i++;
			if (!size_tok(c, &off))
				return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, c->i,
				                   "line %u: expected an offset after '@' in mtdparts", lineno);
			has_off = true;
		}
		const char *name = "";
		size_t nl = 0;
		if (c->i < c->n && c->s[c->i] == '(') {
			size_t st = ++c->i;
			while (c->i < c->n && c->s[c->i] != ')')
				c->i++;
			if (c->i >= c->n)
				return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, c->i,
				                   "line %u: partition name not closed by ')'", lineno);
			name = c->s + st;
			nl = c->i - st;
			c->i++;
		}
		uint32_t fl = 0;
		for (;;) {
			if (lit(c, "ro"))
				fl |= MTD_PART_RO;
			else if (lit(c, "lk") || lit(c, "slc"))
				;
			else
				break;
		}
		if (first_dev) {
			if (rem) {
				uint64_t chip = l->chip_size;
				size = chip > off ? chip - off : 0;
				fl |= MTD_PART_REMAINDER;
				if (!chip)
					mtd_lay_note(
					    l,
					    "line %u: a '-' partition takes the rest of the chip, whose size is "
					    "unknown: give --flash-size",
					    lineno);
			}
			char buf[16];
			if (!nl) {
				snprintf(buf, sizeof(buf), "part%zu", l->nparts);
				name = buf;
				nl = strlen(buf);
			}
			int k = mtd_lay_add(l, name, nl, off, size, lineno, d);
			if (k < 0)
				return k;
			l->parts[k].flags |= fl;
			if (!has_off && k > 0)
				(void)0;
		}
		if (!mtd_add_ov(off, size, &cursor))
			return mtd_diag_at(d, MTD_ERR_OVERFLOW, l->source, c->i, "line %u: offset overflows", lineno);
		if (c->i < c->n && c->s[c->i] == ',') {
			c->i++;
			if (rem)
				return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, c->i,
				                   "line %u: a '-' partition must be the last one", lineno);
			continue;
		}
		break;
	}
	return 0;
}

int mtd_lay_parse_mtdparts(const char *t, size_t n, struct mtd_layout *l, struct mtd_diag *d)
{
	struct mtd_reader r;
	mtd_rd_init(&r, t, n, 0);
	const char *s;
	size_t len;
	bool cut;
	unsigned lineno = 0;
	while (mtd_rd_line(&r, LAYOUT_MAX_LINE, &s, &len, &cut)) {
		lineno++;
		const char *m = memfind(s, len, "mtdparts=");
		struct lc c = {s, len, 0};
		if (m) {
			c.i = (size_t)(m - s) + 9;
			while (lit(&c, "mtdparts=")) /* U-Boot's "mtdparts=mtdparts=..." */
				;
		} else {
			skip_sp(&c);
			if (!memfind(s, len, ":") || !memfind(s, len, "("))
				continue;
		}
		/* the value ends at whitespace */
		size_t end = c.i;
		while (end < c.n && !is_sp(c.s[end]))
			end++;
		c.n = end;
		bool first = true;
		for (;;) {
			size_t semi = c.i;
			while (semi < c.n && c.s[semi] != ';')
				semi++;
			struct lc one = {c.s, semi, c.i};
			int rc = parse_one_mtdparts(&one, l, lineno, first, d);
			if (rc)
				return rc;
			first = false;
			if (semi >= c.n)
				break;
			c.i = semi + 1;
		}
		break; /* the first mtdparts= wins */
	}
	mtd_lay_parents_by_containment(l);
	return 0;
}
