/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/format.h"
#include "partitions_int.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86_SIMD 1
#endif

/*
 * The scanner walks a byte space from left to right.  At every 4 KiB
 * boundary it offers the position to anchored probes (formats without a
 * magic); between boundaries it looks for magic candidates with a bitmap of
 * the first two bytes of every magic, skipping blocks that are uniformly
 * 0xFF or 0x00.  A probe that matches claims [start, start+size): the walk
 * resumes after it, so components of one region never overlap.  What no
 * probe claims becomes gap components.
 */

#define ANCHOR_STEP   4096u
#define PROGRESS_STEP (16u << 20)

struct magic_entry {
	const struct mtd_format *fmt;
	const struct mtd_magic *magic;
	int32_t next;
};

struct mtd_scanner {
	struct mtd_scan_result *res;
	struct mtd_scan_options opt;
	struct mtd_source *src;
	uint64_t decoded_total;
	uint8_t bitmap[8192];
	int32_t head[65536];
	struct magic_entry *entries;
	size_t nentries;
	const struct mtd_format *anchored[32];
	size_t nanchored;
	/* nibble tables for the SIMD prefilter: 8 buckets of 2-byte prefixes */
	uint8_t lo1[16], hi1[16], lo2[16], hi2[16];
	bool simd, avx2;
	/* components rolled back after a failed probe, kept for reuse */
	struct mtd_component *spare[16];
	size_t nspare;
	struct mtd_parts_state *parts; /* layouts the image carries, noted as components are claimed */
	/* memo (see try_probe): outcomes of probes of formats with .memo, by the bytes they read */
	struct memo_entry *memo;
	size_t nmemo;
	uint64_t memo_bytes;
	uint64_t budget_need; /* the largest decoded_total + kept any decoder relied on (mtd_probe_budget_used) */
	bool budget_cut;      /* some decoder kept less than it decoded because of the budget */
	int err;
};

#define MEMO_MAX       64
#define MEMO_MAX_BYTES (32u << 20)

struct memo_entry {
	const struct mtd_format *fmt;
	int depth;            /* the root's */
	int deepest;          /* the deepest component's, relative to the root's */
	const uint8_t *bytes; /* the bytes the probe read, from its start */
	bool owned;           /* ...a copy (a decoded space goes away); else they lie in the input file */
	uint64_t nbytes;
	bool at_end; /* ...up to the end of what it was shown: a copy must be shown as much */
	uint64_t size;
	uint64_t decoded;            /* what the subtree added to decoded_total */
	uint64_t need;               /* the total budget it needs left to come out the same */
	struct mtd_component *comps; /* the root first; parent and space of the others relative to the root */
	size_t ncomps;
};

struct region {
	const uint8_t *data;
	uint64_t len;
	int64_t space;
	int64_t parent;
	int depth;
};

static void scan_region(struct mtd_scanner *sc, const uint8_t *data, uint64_t len, int64_t space, int64_t parent,
                        uint64_t start, uint64_t end, int depth);

/*
 * Drop the mapped pages of [lo, hi) of the input file from the process (a space < 0 is the file
 * itself): the walk is past them.  Whatever reads them again (a probe of an enclosing component, the
 * layout checks at the end) faults them back from the page cache, so this never changes what is read.
 */
static void release_file(const struct mtd_scanner *sc, int64_t space, uint64_t lo, uint64_t hi)
{
	if (space < 0 && sc->src && hi > lo)
		mtd_source_release_range(sc->src, lo, hi - lo);
}

/* ---- components ---- */

static struct mtd_component *new_component(struct mtd_scanner *sc, const char *type, int64_t space, int64_t parent,
                                           uint64_t off, uint64_t size, int depth)
{
	struct mtd_scan_result *r = sc->res;
	if (sc->err)
		return NULL;
	if (r->ncomps == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct mtd_component **n = mtd_realloc_array(r->comps, cap, sizeof(*n));
		if (!n) {
			sc->err = MTD_ERR_NOMEM;
			return NULL;
		}
		r->comps = n;
		r->cap = cap;
	}
	struct mtd_component *c = sc->nspare ? sc->spare[--sc->nspare] : malloc(sizeof(*c));
	if (c)
		memset(c, 0, sizeof(*c));
	if (!c) {
		sc->err = MTD_ERR_NOMEM;
		return NULL;
	}
	c->id = (int64_t)r->ncomps;
	c->type = type;
	c->space = space;
	c->parent = parent;
	c->offset = off;
	c->size = size;
	c->depth = depth;
	c->valid = true;
	r->comps[r->ncomps++] = c;
	return c;
}

static void free_component(struct mtd_component *c)
{
	if (c->decoded_owned)
		free((void *)c->decoded);
	free(c->problems);
	for (size_t i = 0; i < c->ndetails; i++)
		free(c->details[i].list);
	free(c->details);
	free(c);
}

/* Free a rolled-back component, keeping its shell for the next probe. */
static void recycle_component(struct mtd_scanner *sc, struct mtd_component *c)
{
	if (sc->nspare == sizeof(sc->spare) / sizeof(sc->spare[0])) {
		free_component(c);
		return;
	}
	if (c->decoded_owned)
		free((void *)c->decoded);
	free(c->problems);
	for (size_t i = 0; i < c->ndetails; i++)
		free(c->details[i].list);
	free(c->details);
	sc->spare[sc->nspare++] = c;
}

static struct mtd_detail *add_detail(struct mtd_scanner *sc, struct mtd_component *c, const char *key,
                                     enum mtd_detail_kind kind, bool brief)
{
	for (size_t i = 0; i < c->ndetails; i++)
		if (strcmp(c->details[i].key, key) == 0) {
			c->details[i].kind = kind;
			return &c->details[i];
		}
	if (c->ndetails == c->details_cap) {
		size_t cap = c->details_cap ? c->details_cap * 2 : 8;
		struct mtd_detail *n = mtd_realloc_array(c->details, cap, sizeof(*n));
		if (!n) {
			sc->err = MTD_ERR_NOMEM;
			return NULL;
		}
		c->details = n;
		c->details_cap = cap;
	}
	struct mtd_detail *d = &c->details[c->ndetails++];
	memset(d, 0, sizeof(*d));
	d->key = mtd_arena_strdup(&sc->res->arena, key);
	d->kind = kind;
	d->brief = brief;
	if (!d->key) {
		c->ndetails--;
		sc->err = MTD_ERR_NOMEM;
		return NULL;
	}
	return d;
}

static void add_problem(struct mtd_scanner *sc, struct mtd_component *c, const char *text)
{
	if (!text) {
		sc->err = MTD_ERR_NOMEM;
		return;
	}
	if (c->nproblems == c->problems_cap) {
		size_t cap = c->problems_cap ? c->problems_cap * 2 : 4;
		const char **n = mtd_realloc_array(c->problems, cap, sizeof(*n));
		if (!n) {
			sc->err = MTD_ERR_NOMEM;
			return;
		}
		c->problems = n;
		c->problems_cap = cap;
	}
	c->problems[c->nproblems++] = text;
}

/* ---- probe helpers ---- */

void mtd_probe_problem(struct mtd_probe *p, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	add_problem(p->sc, p->comp, mtd_arena_strdup(&p->sc->res->arena, tmp));
}

void mtd_probe_str(struct mtd_probe *p, const char *key, bool brief, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	struct mtd_detail *d = add_detail(p->sc, p->comp, key, MTD_DV_STR, brief);
	if (d)
		d->s = mtd_arena_strdup(&p->sc->res->arena, tmp);
}

void mtd_probe_u64(struct mtd_probe *p, const char *key, bool brief, uint64_t v)
{
	struct mtd_detail *d = add_detail(p->sc, p->comp, key, MTD_DV_U64, brief);
	if (d)
		d->u = v;
}

void mtd_probe_hex(struct mtd_probe *p, const char *key, bool brief, uint64_t v)
{
	struct mtd_detail *d = add_detail(p->sc, p->comp, key, MTD_DV_HEX, brief);
	if (d)
		d->u = v;
}

void mtd_probe_bool(struct mtd_probe *p, const char *key, bool brief, bool v)
{
	struct mtd_detail *d = add_detail(p->sc, p->comp, key, MTD_DV_BOOL, brief);
	if (d)
		d->u = v;
}

void mtd_probe_list_add(struct mtd_probe *p, const char *key, bool brief, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	struct mtd_detail *d = add_detail(p->sc, p->comp, key, MTD_DV_LIST, brief);
	if (!d)
		return;
	if (d->nlist >= 4096)
		return; /* lists are for people: keep them bounded */
	if (d->nlist == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		const char **n = mtd_realloc_array(d->list, cap, sizeof(*n));
		if (!n) {
			p->sc->err = MTD_ERR_NOMEM;
			return;
		}
		d->list = n;
		d->cap = cap;
	}
	const char *s = mtd_arena_strdup(&p->sc->res->arena, tmp);
	if (s)
		d->list[d->nlist++] = s;
}

const struct mtd_scan_options *mtd_probe_options(const struct mtd_probe *p)
{
	return &p->sc->opt;
}

uint64_t mtd_probe_decode_budget(const struct mtd_probe *p, uint64_t compressed_len)
{
	const struct mtd_scanner *sc = p->sc;
	uint64_t by_ratio;
	if (!mtd_mul_ov(compressed_len, sc->opt.max_ratio, &by_ratio))
		by_ratio = UINT64_MAX;
	if (by_ratio < (1u << 20))
		by_ratio = 1u << 20;
	uint64_t total_left = sc->opt.max_decoded > sc->decoded_total ? sc->opt.max_decoded - sc->decoded_total : 0;
	return by_ratio < total_left ? by_ratio : total_left;
}

void mtd_probe_budget_used(const struct mtd_probe *p, uint64_t kept, bool cut)
{
	struct mtd_scanner *sc = p->sc;
	uint64_t need;
	if (cut)
		sc->budget_cut = true;
	else if (mtd_add_ov(sc->decoded_total, kept, &need) && need > sc->budget_need)
		sc->budget_need = need;
}

void mtd_probe_scan_range(struct mtd_probe *p, uint64_t off, uint64_t len)
{
	struct mtd_scanner *sc = p->sc;
	if (!sc->opt.descend || !mtd_range_ok(off, len, p->len) || len == 0)
		return;
	if (p->depth + 1 > sc->opt.max_depth) {
		mtd_probe_problem(p, "not scanned inside: nesting depth limit %d reached (raise with --max-depth)",
		                  sc->opt.max_depth);
		return;
	}
	/* A payload that is the whole component again would nest forever. */
	if (off == p->comp->offset && len >= p->comp->size)
		return;
	scan_region(sc, p->in.data, p->len, p->space, p->comp->id, off, off + len, p->depth + 1);
}

void mtd_probe_decoded(struct mtd_probe *p, uint8_t *buf, uint64_t len)
{
	struct mtd_scanner *sc = p->sc;
	struct mtd_component *c = p->comp;
	if (c->decoded_owned)
		free((void *)c->decoded);
	c->decoded = buf;
	c->decoded_size = len;
	c->decoded_owned = true;
	sc->decoded_total += len;
}

struct mtd_probe *mtd_probe_child(struct mtd_probe *p, const char *type, uint64_t off, uint64_t size)
{
	struct mtd_scanner *sc = p->sc;
	if (!mtd_range_ok(off, size, p->len))
		return NULL;
	struct mtd_probe *child = calloc(1, sizeof(*child));
	if (!child) {
		sc->err = MTD_ERR_NOMEM;
		return NULL;
	}
	child->comp = new_component(sc, type, p->space, p->comp->id, off, size, p->depth + 1);
	if (!child->comp) {
		free(child);
		return NULL;
	}
	child->in = p->in;
	child->len = p->len;
	child->off = off;
	child->space = p->space;
	child->file = p->file;
	child->depth = p->depth + 1;
	child->size = size;
	child->valid = true;
	child->sc = sc;
	return child;
}

void mtd_probe_child_done(struct mtd_probe *child, bool scan_inside)
{
	if (!child)
		return;
	struct mtd_scanner *sc = child->sc;
	struct mtd_component *c = child->comp;
	c->size = child->size;
	c->valid = child->valid;
	mtd_parts_note(sc->parts, c, child->in.data, child->len);
	/*
	 * The child's content is its whole range (a FIT image, a TRX part), so
	 * the "payload is the whole component again" guard of
	 * mtd_probe_scan_range() does not apply: nesting stays bounded by the
	 * depth limit, and children of one parent do not overlap.
	 */
	if (scan_inside && c->size && sc->opt.descend && mtd_range_ok(c->offset, c->size, child->len)) {
		if (child->depth + 1 > sc->opt.max_depth)
			mtd_probe_problem(child,
			                  "not scanned inside: nesting depth limit %d reached (raise with --max-depth)",
			                  sc->opt.max_depth);
		else
			scan_region(sc, child->in.data, child->len, child->space, c->id, c->offset, c->offset + c->size,
			            child->depth + 1);
	}
	free(child);
}

/* ---- memo ---- */

/*
 * A second copy of a stream (the second firmware of a dual-image flash, the
 * backup of a flash inside an archive) decodes to the same bytes and holds
 * the same components.  For formats that declare it (.memo), try_probe()
 * remembers the components a valid probe produced, with the bytes it read;
 * a later candidate of the same format over the same bytes gets copies of
 * them instead of a second decoding and scan, at any depth where none of
 * them meets the depth limit (nor did they where they were found).  The copies
 * are what that decoding would have produced: the components below the root
 * lie in decoded spaces of their own (offsets in those spaces), the parts
 * state already saw the same bytes (its candidates are first-found-wins),
 * and the decode budget is checked: the subtree needs `need` bytes of the
 * total left (the most any of its decoders kept, counted from its start),
 * and none of its decoders may have been cut by the budget.
 */

static bool copy_component(struct mtd_component *dst, const struct mtd_component *src)
{
	*dst = *src;
	dst->decoded = NULL;
	dst->decoded_owned = false;
	dst->problems = NULL;
	dst->details = NULL;
	dst->problems_cap = dst->details_cap = 0;
	dst->nproblems = dst->ndetails = 0;
	if (src->nproblems) {
		dst->problems = mtd_alloc_array(src->nproblems, sizeof(*dst->problems));
		if (!dst->problems)
			return false;
		memcpy(dst->problems, src->problems, src->nproblems * sizeof(*dst->problems));
		dst->nproblems = dst->problems_cap = src->nproblems;
	}
	if (src->ndetails) {
		dst->details = mtd_alloc_array(src->ndetails, sizeof(*dst->details));
		if (!dst->details)
			return false;
		dst->details_cap = src->ndetails;
		for (size_t i = 0; i < src->ndetails; i++) {
			struct mtd_detail *d = &dst->details[i];
			*d = src->details[i];
			d->list = NULL;
			d->cap = 0;
			if (src->details[i].nlist) {
				d->list = mtd_alloc_array(src->details[i].nlist, sizeof(*d->list));
				if (!d->list) {
					d->nlist = 0;
					dst->ndetails = i + 1;
					return false;
				}
				memcpy(d->list, src->details[i].list, d->nlist * sizeof(*d->list));
				d->cap = d->nlist;
			}
			dst->ndetails = i + 1;
		}
	}
	return true;
}

/* Free what copy_component() allocated (dst itself is not freed). */
static void clear_component(struct mtd_component *c)
{
	free(c->problems);
	for (size_t i = 0; i < c->ndetails; i++)
		free(c->details[i].list);
	free(c->details);
}

static void memo_free(struct mtd_scanner *sc)
{
	for (size_t i = 0; i < sc->nmemo; i++) {
		struct memo_entry *e = &sc->memo[i];
		for (size_t k = 0; k < e->ncomps; k++)
			clear_component(&e->comps[k]);
		free(e->comps);
		if (e->owned)
			free((void *)e->bytes);
	}
	free(sc->memo);
	sc->memo = NULL;
	sc->nmemo = 0;
}

static const struct memo_entry *memo_find(const struct mtd_scanner *sc, const struct region *rg,
                                          const struct mtd_format *f, uint64_t start, uint64_t limit)
{
	for (size_t i = 0; i < sc->nmemo; i++) {
		const struct memo_entry *e = &sc->memo[i];
		if (e->fmt != f || rg->depth + e->deepest + 1 > sc->opt.max_depth || e->nbytes > limit - start ||
		    (e->at_end && e->nbytes != limit - start) ||
		    memcmp(rg->data + start, e->bytes, (size_t)e->nbytes) != 0)
			continue;
		uint64_t left = sc->opt.max_decoded > sc->decoded_total ? sc->opt.max_decoded - sc->decoded_total : 0;
		return left >= e->need ? e : NULL;
	}
	return NULL;
}

/* Copy the remembered components at `start`; returns the claimed end, or 0 (out of memory). */
static uint64_t memo_replay(struct mtd_scanner *sc, const struct region *rg, const struct memo_entry *e, uint64_t start)
{
	int64_t base = (int64_t)sc->res->ncomps;
	for (size_t k = 0; k < e->ncomps; k++) {
		const struct mtd_component *m = &e->comps[k];
		struct mtd_component *c = new_component(sc, m->type, 0, 0, 0, 0, 0);
		if (!c)
			return 0;
		int64_t id = c->id;
		bool ok = copy_component(c, m);
		c->id = id;
		if (!ok) {
			sc->err = MTD_ERR_NOMEM;
			return 0;
		}
		if (k == 0) {
			c->offset = start;
			c->parent = rg->parent;
			c->space = rg->space;
			c->depth = rg->depth;
		} else {
			c->parent += base;
			c->space += base;
			c->depth += rg->depth - e->depth;
		}
	}
	uint64_t need;
	if (mtd_add_ov(sc->decoded_total, e->need, &need) && need > sc->budget_need)
		sc->budget_need = need;
	sc->decoded_total += e->decoded;
	return start + e->size;
}

/* Remember the components comps[mark..] that the probe at `start` produced, if they qualify. */
static void memo_record(struct mtd_scanner *sc, const struct region *rg, const struct mtd_format *f, size_t mark,
                        uint64_t start, uint64_t size, uint64_t limit, uint64_t dt_start)
{
	struct mtd_scan_result *r = sc->res;
	const struct mtd_component *root = r->comps[mark];
	/* the probe read up to its lookahead, or to the end of what it was shown */
	uint64_t nbytes = size + f->memo_lookahead;
	bool at_end = nbytes > limit - start;
	if (at_end)
		nbytes = limit - start;
	/* the bytes of a stream in the input file stay there (mapped) for the whole scan: no copy */
	bool copy = rg->space >= 0;
	if (sc->err || sc->budget_cut || sc->nmemo >= MEMO_MAX || !root->valid || root->nproblems || size > nbytes ||
	    (copy && nbytes > MEMO_MAX_BYTES - sc->memo_bytes))
		return;
	int deepest = 0;
	for (size_t i = mark + 1; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (c->parent < (int64_t)mark || c->space < (int64_t)mark || c->decoded) {
			return;
		}
	}
	/* no component of the subtree met the depth limit */
	if (rg->depth + deepest + 1 > sc->opt.max_depth)
		return;
	if (!sc->memo) {
		sc->memo = mtd_alloc_array(MEMO_MAX, sizeof(*sc->memo));
		if (!sc->memo)
			return; /* the memo only saves time */
	}
	struct memo_entry *e = &sc->memo[sc->nmemo];
	memset(e, 0, sizeof(*e));
	e->ncomps = r->ncomps - mark;
	e->comps = mtd_alloc_array(e->ncomps, sizeof(*e->comps));
	uint8_t *bytes = copy ? malloc((size_t)nbytes) : NULL;
	bool ok = e->comps && (bytes || !copy);
	size_t done = 0;
	while (ok && done < e->ncomps) {
		struct mtd_component *c = &e->comps[done++];
		ok = copy_component(c, r->comps[mark + done - 1]);
		if (done > 1) {
			c->parent -= (int64_t)mark;
			c->space -= (int64_t)mark;
		}
	}
	if (!ok) {
		for (size_t k = 0; k < done; k++)
			clear_component(&e->comps[k]);
		free(e->comps);
		free(bytes);
		return;
	}
	if (copy)
		memcpy(bytes, rg->data + start, (size_t)nbytes);
	e->bytes = copy ? bytes : rg->data + start;
	e->owned = copy;
	e->fmt = f;
	e->depth = rg->depth;
	e->deepest = deepest;
	e->nbytes = nbytes;
	e->at_end = at_end;
	e->size = size;
	e->decoded = sc->decoded_total - dt_start;
	e->need = sc->budget_need > dt_start ? sc->budget_need - dt_start : 0;
	if (copy)
		sc->memo_bytes += nbytes;
	sc->nmemo++;
}

/* ---- the walk ---- */

static uint64_t try_probe_at(struct mtd_scanner *sc, struct region *rg, const struct mtd_format *f, uint64_t *startp,
                             uint64_t floor, uint64_t limit);

/* Try one format at `start`.  Returns the claimed end, or 0 when it did not match. */
static uint64_t try_probe(struct mtd_scanner *sc, struct region *rg, const struct mtd_format *f, uint64_t *startp,
                          uint64_t floor, uint64_t limit)
{
	uint64_t start = *startp;
	bool memo = f->memo && !sc->opt.keep_decoded;
	if (memo) {
		const struct memo_entry *e = memo_find(sc, rg, f, start, limit);
		if (e)
			return memo_replay(sc, rg, e, start);
	}
	/* what the probe and its subtree rely on of the budget, apart from what came before */
	uint64_t outer_need = sc->budget_need, dt_start = sc->decoded_total;
	bool outer_cut = sc->budget_cut;
	sc->budget_need = 0;
	sc->budget_cut = false;
	size_t mark = sc->res->ncomps;
	uint64_t end = try_probe_at(sc, rg, f, startp, floor, limit);
	if (memo && end && *startp == start)
		memo_record(sc, rg, f, mark, start, end - start, limit, dt_start);
	if (outer_need > sc->budget_need)
		sc->budget_need = outer_need;
	sc->budget_cut |= outer_cut;
	return end;
}

static uint64_t try_probe_at(struct mtd_scanner *sc, struct region *rg, const struct mtd_format *f, uint64_t *startp,
                             uint64_t floor, uint64_t limit)
{
	uint64_t start = *startp;
	struct mtd_probe p = {
	    .len = limit,
	    .off = start,
	    .floor = floor,
	    .space = rg->space,
	    .file = sc->res->file,
	    .depth = rg->depth,
	    .valid = true,
	    .sc = sc,
	};
	/* the probe sees the space only up to the end of the region it may claim */
	mtd_rd_init(&p.in, rg->data, (size_t)limit, 0);
	size_t mark = sc->res->ncomps;
	p.comp = new_component(sc, f->name, rg->space, rg->parent, start, 0, rg->depth);
	if (!p.comp)
		return 0;
	int rc = f->probe(&p);
	if (rc != MTD_OK || p.size == 0) {
		/* Roll back everything the failed probe created (including children). */
		while (sc->res->ncomps > mark)
			recycle_component(sc, sc->res->comps[--sc->res->ncomps]);
		return 0;
	}
	if (p.back) {
		if (p.back > start - floor) {
			add_problem(sc, p.comp,
			            mtd_arena_printf(
			                &sc->res->arena,
			                "its data begins 0x%llx bytes before the magic, inside the previous component",
			                (unsigned long long)p.back));
			p.valid = false;
		} else {
			start -= p.back;
			p.size += p.back;
			p.comp->offset = start;
			*startp = start;
		}
	}
	if (p.size > limit - start) {
		add_problem(sc, p.comp,
		            mtd_arena_printf(&sc->res->arena, "claims 0x%llx bytes but only 0x%llx remain in its space",
		                             (unsigned long long)p.size, (unsigned long long)(limit - start)));
		p.size = limit - start;
		p.valid = false;
	}
	p.comp->size = p.size;
	p.comp->valid = p.valid;
	mtd_parts_note(sc->parts, p.comp, rg->data, rg->len);
	if (p.comp->decoded) {
		struct mtd_component *c = p.comp;
		/* the stream's own pages are read: only its decoded bytes are scanned now */
		if (p.size >= PROGRESS_STEP / 4)
			release_file(sc, rg->space, start, start + p.size);
		if (sc->opt.descend && rg->depth + 1 <= sc->opt.max_depth) {
			scan_region(sc, c->decoded, c->decoded_size, c->id, c->id, 0, c->decoded_size, rg->depth + 1);
		} else if (sc->opt.descend) {
			add_problem(sc, c,
			            mtd_arena_printf(&sc->res->arena,
			                             "decoded content not scanned: nesting depth limit %d reached "
			                             "(raise with --max-depth)",
			                             sc->opt.max_depth));
		}
		if (!sc->opt.keep_decoded) {
			free((void *)c->decoded);
			c->decoded = NULL;
			c->decoded_owned = false;
		}
	}
	return start + p.size;
}

static inline bool prefix_hit(const struct mtd_scanner *sc, const uint8_t *d, uint64_t k)
{
	unsigned v = d[k] | (unsigned)d[k + 1] << 8;
	return sc->bitmap[v >> 3] & (1u << (v & 7));
}

#ifdef HAVE_X86_SIMD
/*
 * Sixteen positions at a time: each byte is classified by its low and high
 * nibble into 8 buckets (pshufb table lookups), for the first and the second
 * byte of every 2-byte magic prefix; a position survives when some bucket
 * accepts both bytes.  Survivors (about 1% of random data) are confirmed
 * against the exact prefix bitmap.
 */
__attribute__((target("ssse3"))) static uint64_t next_candidate_ssse3(const struct mtd_scanner *sc, const uint8_t *d,
                                                                      uint64_t k, uint64_t stop)
{
	const __m128i nib = _mm_set1_epi8(0x0f), zero = _mm_setzero_si128();
	const __m128i lo1 = _mm_loadu_si128((const __m128i *)sc->lo1), hi1 = _mm_loadu_si128((const __m128i *)sc->hi1);
	const __m128i lo2 = _mm_loadu_si128((const __m128i *)sc->lo2), hi2 = _mm_loadu_si128((const __m128i *)sc->hi2);
	while (k + 16 <= stop) {
		__m128i v0 = _mm_loadu_si128((const __m128i *)(d + k));
		__m128i v1 = _mm_loadu_si128((const __m128i *)(d + k + 1));
		__m128i a = _mm_and_si128(_mm_shuffle_epi8(lo1, _mm_and_si128(v0, nib)),
		                          _mm_shuffle_epi8(hi1, _mm_and_si128(_mm_srli_epi16(v0, 4), nib)));
		__m128i b = _mm_and_si128(_mm_shuffle_epi8(lo2, _mm_and_si128(v1, nib)),
		                          _mm_shuffle_epi8(hi2, _mm_and_si128(_mm_srli_epi16(v1, 4), nib)));
		unsigned mask = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(a, b), zero)) & 0xffffu;
		while (mask) {
			uint64_t pos = k + (unsigned)__builtin_ctz(mask);
			if (prefix_hit(sc, d, pos))
				return pos;
			mask &= mask - 1;
		}
		k += 16;
	}
	for (; k < stop; k++)
		if (prefix_hit(sc, d, k))
			return k;
	return stop;
}

/* The same test as next_candidate_ssse3(), 32 positions at a time. */
__attribute__((target("avx2"))) static uint64_t next_candidate_avx2(const struct mtd_scanner *sc, const uint8_t *d,
                                                                    uint64_t k, uint64_t stop)
{
	const __m256i nib = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
	const __m256i lo1 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)sc->lo1));
	const __m256i hi1 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)sc->hi1));
	const __m256i lo2 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)sc->lo2));
	const __m256i hi2 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)sc->hi2));
	while (k + 32 <= stop) {
		__m256i v0 = _mm256_loadu_si256((const __m256i *)(d + k));
		__m256i v1 = _mm256_loadu_si256((const __m256i *)(d + k + 1));
		__m256i a = _mm256_and_si256(_mm256_shuffle_epi8(lo1, _mm256_and_si256(v0, nib)),
		                             _mm256_shuffle_epi8(hi1, _mm256_and_si256(_mm256_srli_epi16(v0, 4), nib)));
		__m256i b = _mm256_and_si256(_mm256_shuffle_epi8(lo2, _mm256_and_si256(v1, nib)),
		                             _mm256_shuffle_epi8(hi2, _mm256_and_si256(_mm256_srli_epi16(v1, 4), nib)));
		uint32_t mask = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(a, b), zero));
		while (mask) {
			uint64_t pos = k + (unsigned)__builtin_ctz(mask);
			if (prefix_hit(sc, d, pos))
				return pos;
			mask &= mask - 1;
		}
		k += 32;
	}
	return next_candidate_ssse3(sc, d, k, stop);
}
#endif

/* First position in [k, stop) whose two bytes start some magic, or stop.  d[stop] must be readable. */
static uint64_t next_candidate(const struct mtd_scanner *sc, const uint8_t *d, uint64_t k, uint64_t stop)
{
#ifdef HAVE_X86_SIMD
	if (sc->avx2)
		return next_candidate_avx2(sc, d, k, stop);
	if (sc->simd)
		return next_candidate_ssse3(sc, d, k, stop);
#endif
	for (; k < stop; k++)
		if (prefix_hit(sc, d, k))
			return k;
	return stop;
}

static bool block_uniform(const uint8_t *p, size_t n, uint8_t v)
{
	uint64_t w = v ? UINT64_MAX : 0, x;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		if (x != w)
			return false;
	}
	for (; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* ---- gaps ---- */

#define RUN_MIN        1024u /* uniform runs at least this long inside a gap are split out */
#define EDGE_MIN       16u   /* shorter runs still count at a gap's edges (alignment padding) */
#define ENTROPY_SAMPLE (1u << 20)

static void add_gap(struct mtd_scanner *sc, const uint8_t *data, int64_t space, int64_t parent, int depth,
                    const char *type, uint64_t s, uint64_t e)
{
	/* Extend the previous gap when it is of the same kind and adjacent (long gaps come in chunks). */
	struct mtd_scan_result *r = sc->res;
	struct mtd_component *prev = r->ncomps ? r->comps[r->ncomps - 1] : NULL;
	bool merge = prev && prev->space == space && prev->parent == parent && prev->offset + prev->size == s &&
	             strcmp(prev->type, type) == 0 && (!strcmp(type, "erased") || !strcmp(type, "zero"));
	if (merge) {
		prev->size += e - s;
		return;
	}
	struct mtd_component *c = new_component(sc, type, space, parent, s, e - s, depth);
	if (!c || strcmp(type, "erased") == 0 || strcmp(type, "zero") == 0)
		return;
	/* Entropy over an even sample of at most ENTROPY_SAMPLE bytes. */
	uint64_t hist[256] = {0}, n = 0, len = e - s;
	uint64_t step = len > ENTROPY_SAMPLE ? len / (ENTROPY_SAMPLE / 4096) : 4096;
	for (uint64_t o = s, rel = s; o < e; o += step) {
		uint64_t chunk = e - o < 4096 ? e - o : 4096;
		for (uint64_t k = 0; k < chunk; k++)
			hist[data[o + k]]++;
		n += chunk;
		/* a sample of the file maps the whole page-cache folio it lies in (up to MiBs): drop those
		 * behind as the sampling goes, or a long gap would map most of itself in a few milliseconds */
		if (step >= (64u << 10) && o - rel >= PROGRESS_STEP / 4) {
			release_file(sc, space, rel, o);
			rel = o;
		}
	}
	if (step >= (64u << 10))
		release_file(sc, space, s, e);
	double ent = mtd_entropy(hist, n);
	double threshold = len >= 65536 ? 7.9 : len >= 4096 ? 7.5 : 6.9;
	if (len >= 256 && ent >= threshold)
		c->type = "random";
	if (prev && prev->space == space && prev->parent == parent && prev->offset + prev->size == s &&
	    strcmp(prev->type, c->type) == 0 && (!strcmp(c->type, "random") || !strcmp(c->type, "unknown"))) {
		const struct mtd_detail *pe = mtd_component_detail(prev, "entropy");
		double pent = pe ? strtod(pe->s, NULL) : ent;
		ent = (pent * (double)prev->size + ent * (double)len) / (double)(prev->size + len);
		prev->size += len;
		sc->res->ncomps--;
		recycle_component(sc, c);
		c = prev;
	}
	struct mtd_detail *d = add_detail(sc, c, "entropy", MTD_DV_STR, true);
	if (d)
		d->s = mtd_arena_printf(&sc->res->arena, "%.2f", ent);
}

/*
 * ...and the pages well ahead of the walk at i: the probes of false candidates (a 2-byte magic turns
 * up every 64 KiB in random bytes) read a header's sizes and look where the next entry would be,
 * each such read mapping a page (and the fault-around around it) anywhere ahead; over a large region
 * those pages add up to most of it before the walk gets there.  Dropping them at every step keeps the
 * mapped part of the file to the window the walk is in.
 */
static void release_ahead(const struct mtd_scanner *sc, int64_t space, uint64_t i)
{
	uint64_t from = (i / PROGRESS_STEP + 2) * PROGRESS_STEP;
	if (space < 0 && sc->src && from < sc->src->size)
		mtd_source_release_range(sc->src, from, sc->src->size - from);
}

/* Length of the run of byte v starting at p (at most n). */
static uint64_t run_len(const uint8_t *p, uint64_t n, uint8_t v)
{
	uint64_t i = 0, w = v ? UINT64_MAX : 0, x;
	while (i < n && ((uintptr_t)(p + i) & 7) && p[i] == v)
		i++;
	if (i < n && p[i] != v)
		return i;
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		if (x != w)
			break;
	}
	while (i < n && p[i] == v)
		i++;
	return i;
}

/*
 * Split a gap into uniform runs (erased, zero) and the rest.  A run of at
 * least RUN_MIN bytes always covers the aligned word at some multiple of
 * RUN_MIN / 2, so the search for runs only looks there (one word in 512
 * bytes) and backs up to where a run starts; shorter runs count only at the
 * gap's edges (alignment padding), which are checked directly.
 */
static void fill_gap(struct mtd_scanner *sc, const uint8_t *data, int64_t space, int64_t parent, int depth, uint64_t s,
                     uint64_t e)
{
	const uint64_t stride = RUN_MIN / 2;
	uint64_t tail = e;
	if (e - s >= EDGE_MIN && (data[e - 1] == 0xff || data[e - 1] == 0)) {
		uint8_t v = data[e - 1];
		uint64_t t = e, w = v ? UINT64_MAX : 0, x;
		while (t - s >= 8 && (memcpy(&x, data + t - 8, 8), x == w)) {
			t -= 8;
			if (((e - t) & (PROGRESS_STEP - 1)) == 0) /* a long run: its pages go as the walk leaves them */
				release_file(sc, space, t, t + PROGRESS_STEP);
		}
		while (t > s && data[t - 1] == v)
			t--;
		if (e - t >= EDGE_MIN && t > s)
			tail = t;
	}
	uint64_t piece = s, i = s;
	while (i < tail && !sc->err) {
		uint8_t v = data[i];
		if (v != 0xff && v != 0) {
			/* the next word at a stride boundary that is uniform */
			uint64_t k = (i / stride + 1) * stride, x, rel = k;
			while (k + 8 <= tail) {
				memcpy(&x, data + k, 8);
				if (x == 0 || x == UINT64_MAX)
					break;
				k += stride;
				if (k - rel >=
				    PROGRESS_STEP) { /* behind the search (the entropy sample reads few of them) */
					release_file(sc, space, rel, k);
					rel = k;
				}
			}
			if (k + 8 > tail) {
				i = tail;
				break;
			}
			/* back up to where the run really starts (never before i: data[i] is not uniform) */
			uint8_t rv = data[k];
			while (k > i && data[k - 1] == rv)
				k--;
			i = k;
			continue;
		}
		uint64_t n = 0;
		for (;;) { /* in steps, so that the pages of a long run go as the walk leaves them */
			uint64_t m = tail - (i + n) > PROGRESS_STEP ? PROGRESS_STEP : tail - (i + n);
			uint64_t r = run_len(data + i + n, m, v);
			n += r;
			if (r < m || m == 0 || i + n >= tail)
				break;
			release_file(sc, space, i + n - m, i + n);
		}
		bool edge = i == s;
		if (n >= RUN_MIN || (edge && n >= EDGE_MIN) || n == e - s) {
			if (i > piece)
				add_gap(sc, data, space, parent, depth, "unknown", piece, i);
			add_gap(sc, data, space, parent, depth, v ? "erased" : "zero", i, i + n);
			piece = i + n;
		}
		i += n;
	}
	if (tail > piece && !sc->err)
		add_gap(sc, data, space, parent, depth, "unknown", piece, tail);
	if (tail < e && !sc->err)
		add_gap(sc, data, space, parent, depth, data[tail] ? "erased" : "zero", tail, e);
	if (e - s >= PROGRESS_STEP)
		release_file(sc, space, s, e);
}

static void scan_region(struct mtd_scanner *sc, const uint8_t *data, uint64_t len, int64_t space, int64_t parent,
                        uint64_t start, uint64_t end, int depth)
{
	struct region rg = {.data = data, .len = len, .space = space, .parent = parent, .depth = depth};
	uint64_t cursor = start, i = start, gap_from = start;
	uint64_t next_progress = PROGRESS_STEP, released = 0;
	bool top = space < 0 && depth == 0;
	/* a region of the file inside a component (a partition of a disk): its pages go behind the walk too */
	uint64_t next_release = start + PROGRESS_STEP, nested_released = start;

	while (i < end && !sc->err) {
		if (!top && space < 0 && i >= next_release) {
			/* (the gap pending from gap_from is read again by fill_gap, which drops its pages in turn) */
			release_file(sc, space, nested_released, i);
			nested_released = i;
			next_release = i + PROGRESS_STEP;
			release_ahead(sc, space, i);
		}
		if (top && i >= next_progress) {
			if (sc->opt.progress)
				sc->opt.progress(sc->opt.progress_ctx, i, len);
			next_progress = i + PROGRESS_STEP;
			/* Account the gap walked so far now, so its pages need not be touched again. */
			if (i > gap_from) {
				fill_gap(sc, data, space, parent, depth, gap_from, i);
				gap_from = cursor = i;
			}
			/* Nothing reads behind the walk: drop those pages from the mapping. */
			if (sc->src && gap_from > released) {
				mtd_source_release_range(sc->src, released, gap_from - released);
				released = gap_from;
			}
			release_ahead(sc, space, i);
		}
		uint64_t claimed = 0, cstart = 0;
		if (i % ANCHOR_STEP == 0) {
			for (size_t a = 0; a < sc->nanchored && !claimed; a++) {
				const struct mtd_format *f = sc->anchored[a];
				if (i % f->anchor_align != 0 || (f->anchor_top_only && space >= 0))
					continue;
				cstart = i;
				claimed = try_probe(sc, &rg, f, &cstart, cursor, end);
			}
		}
		uint64_t blk_end = (i / ANCHOR_STEP + 1) * ANCHOR_STEP;
		if (blk_end > end)
			blk_end = end;
		if (!claimed &&
		    (block_uniform(data + i, blk_end - i, 0xff) || block_uniform(data + i, blk_end - i, 0))) {
			/* Only the last position can start a prefix that straddles into the next block. */
			i = blk_end > i + 1 ? blk_end - 1 : i;
		}
		uint64_t stop = blk_end < end ? blk_end : end - 1;
		for (uint64_t k = next_candidate(sc, data, i, stop); !claimed && k < stop;
		     k = next_candidate(sc, data, k + 1, stop)) {
			unsigned v = data[k] | (unsigned)data[k + 1] << 8;
			for (int32_t e = sc->head[v]; e >= 0 && !claimed; e = sc->entries[e].next) {
				const struct magic_entry *me = &sc->entries[e];
				if (k < cursor + me->magic->offset)
					continue;
				uint64_t s = k - me->magic->offset;
				if (k + me->magic->len > end || memcmp(data + k, me->magic->bytes, me->magic->len) != 0)
					continue;
				cstart = s;
				claimed = try_probe(sc, &rg, me->fmt, &cstart, cursor, end);
			}
		}
		if (claimed) {
			if (cstart > gap_from)
				fill_gap(sc, data, space, parent, depth, gap_from, cstart);
			gap_from = cursor = i = claimed;
		} else {
			i = blk_end;
		}
	}
	if (!sc->err && end > gap_from)
		fill_gap(sc, data, space, parent, depth, gap_from, end);
}

/* ---- setup, ordering, public API ---- */

void mtd_scan_options_init(struct mtd_scan_options *o)
{
	memset(o, 0, sizeof(*o));
	o->descend = true;
	o->max_depth = 8;
	o->max_decoded = 512ull << 20;
	o->max_ratio = 250;
	o->detect_byteswap = true;
}

/* Number of 2-byte values a bucket of the SIMD prefilter admits: the product of its four nibble sets. */
static unsigned bucket_admits(const uint16_t set[4])
{
	unsigned n = 1;
	for (int t = 0; t < 4; t++)
		n *= (unsigned)__builtin_popcount(set[t]);
	return n;
}

/*
 * SIMD prefilter tables: every distinct 2-byte prefix goes into one of 8
 * buckets; a bucket admits every pair whose four nibbles (low and high of
 * the first and of the second byte) each occur among its prefixes.  Each
 * prefix joins the bucket whose admitted set grows least, so prefixes that
 * share nibbles (0x00 0x00, 0xff 0xff...) share a bucket and random bytes
 * rarely pass (about 1 position in 100 with the registry's 48 prefixes,
 * instead of 7 in 100 with prefixes dealt out in turn).
 */
static void prefilter_init(struct mtd_scanner *sc)
{
	uint16_t set[8][4] = {{0}};
	for (unsigned v = 0; v < 65536; v++) {
		if (sc->head[v] < 0)
			continue;
		unsigned nib[4] = {v & 15, (v >> 4) & 15, (v >> 8) & 15, v >> 12};
		unsigned best = 0, best_growth = UINT32_MAX;
		for (unsigned b = 0; b < 8; b++) {
			uint16_t with[4];
			for (int t = 0; t < 4; t++)
				with[t] = (uint16_t)(set[b][t] | 1u << nib[t]);
			unsigned growth = bucket_admits(with) - bucket_admits(set[b]);
			if (growth < best_growth)
				best = b, best_growth = growth;
		}
		for (int t = 0; t < 4; t++)
			set[best][t] = (uint16_t)(set[best][t] | 1u << nib[t]);
		uint8_t bit = (uint8_t)(1u << best);
		sc->lo1[nib[0]] |= bit, sc->hi1[nib[1]] |= bit;
		sc->lo2[nib[2]] |= bit, sc->hi2[nib[3]] |= bit;
	}
}

static int scanner_init(struct mtd_scanner *sc, const struct mtd_scan_options *opt)
{
	memset(sc, 0, sizeof(*sc));
	if (opt)
		sc->opt = *opt;
	else
		mtd_scan_options_init(&sc->opt);
	for (size_t i = 0; i < 65536; i++)
		sc->head[i] = -1;
	size_t n = 0;
	for (size_t f = 0; f < mtd_nformats; f++)
		for (size_t m = 0; m < MTD_MAGICS_MAX; m++)
			n++;
	sc->entries = mtd_alloc_array(n ? n : 1, sizeof(*sc->entries));
	if (!sc->entries)
		return MTD_ERR_NOMEM;
	/* Build chains in reverse so each chain keeps registry order (cheap, specific probes first). */
	for (size_t f = mtd_nformats; f-- > 0;) {
		const struct mtd_format *fmt = mtd_formats[f];
		if (sc->opt.only_format && strcmp(sc->opt.only_format, fmt->name) != 0)
			continue;
		for (size_t m = MTD_MAGICS_MAX; m-- > 0;) {
			const struct mtd_magic *mg = &fmt->magics[m];
			if (mg->len < 2)
				continue;
			unsigned v = (uint8_t)mg->bytes[0] | (unsigned)(uint8_t)mg->bytes[1] << 8;
			sc->entries[sc->nentries] = (struct magic_entry){fmt, mg, sc->head[v]};
			sc->head[v] = (int32_t)sc->nentries++;
			sc->bitmap[v >> 3] |= (uint8_t)(1u << (v & 7));
		}
		if (fmt->anchor_align && sc->nanchored < 32)
			sc->anchored[sc->nanchored++] = fmt;
	}
	prefilter_init(sc);
#ifdef HAVE_X86_SIMD
	sc->simd = __builtin_cpu_supports("ssse3");
	sc->avx2 = __builtin_cpu_supports("avx2");
#endif
	/* anchored[] was filled in reverse; restore registry order */
	for (size_t a = 0; a < sc->nanchored / 2; a++) {
		const struct mtd_format *t = sc->anchored[a];
		sc->anchored[a] = sc->anchored[sc->nanchored - 1 - a];
		sc->anchored[sc->nanchored - 1 - a] = t;
	}
	return 0;
}

static int cmp_comp(const void *a, const void *b)
{
	const struct mtd_component *x = *(struct mtd_component *const *)a, *y = *(struct mtd_component *const *)b;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Renumber components depth-first: a parent comes before its children, and
 * siblings are ordered by (space, offset).  Ids become array indices.
 */
static int renumber(struct mtd_scan_result *r)
{
	size_t n = r->ncomps;
	struct mtd_component **out = mtd_alloc_array(n ? n : 1, sizeof(*out));
	int64_t *map = mtd_alloc_array(n ? n : 1, sizeof(*map));
	size_t *stack = mtd_alloc_array(n ? n + 1 : 1, sizeof(*stack));
	struct mtd_component **kids = mtd_alloc_array(n ? n : 1, sizeof(*kids));
	size_t *first = mtd_alloc_array(n + 2, sizeof(*first));
	if (!out || !map || !stack || !kids || !first) {
		free(out), free(map), free(stack), free(kids), free(first);
		return MTD_ERR_NOMEM;
	}
	/* children lists: count per parent (index parent+1, 0 = top level) */
	for (size_t i = 0; i < n; i++)
		first[r->comps[i]->parent + 2]++;
	for (size_t i = 1; i < n + 2; i++)
		first[i] += first[i - 1];
	size_t *fill = mtd_alloc_array(n + 1, sizeof(*fill));
	if (!fill) {
		free(out), free(map), free(stack), free(kids), free(first);
		return MTD_ERR_NOMEM;
	}
	memcpy(fill, first, (n + 1) * sizeof(*fill));
	for (size_t i = 0; i < n; i++)
		kids[fill[r->comps[i]->parent + 1]++] = r->comps[i];
	free(fill);
	for (size_t p = 0; p < n + 1; p++)
		qsort(kids + first[p], first[p + 1] - first[p], sizeof(*kids), cmp_comp);
	/* iterative DFS: stack holds positions in kids[] still to visit, pushed in reverse */
	size_t sp = 0, k = 0;
	for (size_t i = first[1]; i-- > first[0];)
		stack[sp++] = i;
	while (sp) {
		struct mtd_component *c = kids[stack[--sp]];
		map[c->id] = (int64_t)k;
		out[k++] = c;
		size_t b = first[c->id + 1], e = first[c->id + 2];
		for (size_t i = e; i-- > b;)
			stack[sp++] = i;
	}
	for (size_t i = 0; i < k; i++) {
		struct mtd_component *c = out[i];
		c->id = (int64_t)i;
		if (c->parent >= 0)
			c->parent = map[c->parent];
		if (c->space >= 0)
			c->space = map[c->space];
	}
	free(r->comps);
	r->comps = out;
	r->ncomps = k;
	r->cap = n ? n : 1;
	free(map), free(stack), free(kids), free(first);
	return 0;
}

/* The types gap accounting gives bytes that no probe claimed. */
static bool is_gap_type(const char *t)
{
	return !strcmp(t, "unknown") || !strcmp(t, "random") || !strcmp(t, "erased") || !strcmp(t, "zero");
}

static uint64_t known_bytes(const struct mtd_scan_result *r, size_t from)
{
	uint64_t k = 0;
	for (size_t i = from; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (c->parent == -1 && c->space == -1 && !is_gap_type(c->type))
			k += c->size;
	}
	return k;
}

#define SWAP_MAX (64ull << 20)

/*
 * Some programmers read 16-bit parallel NOR with the bytes of every word
 * swapped.  If little of the input is recognised, scan a swapped copy; if
 * that is recognised much better, the whole input becomes one `byteswap16`
 * component whose decoded space is the corrected image.
 */
/* Scan a 16-bit swapped copy of data[0, n) under a new byteswap16 component; returns it (or NULL). */
static struct mtd_component *scan_swapped(struct mtd_scanner *sc, const uint8_t *data, uint64_t n, uint8_t **buf,
                                          uint64_t *known)
{
	struct mtd_scan_result *r = sc->res;
	struct mtd_view *v = mtd_view_byteswap16(data, n);
	if (!v)
		return NULL;
	uint8_t *sw = v->data;
	v->data = NULL;
	mtd_view_free(v);
	struct mtd_component *c = new_component(sc, "byteswap16", -1, -1, 0, n, 0);
	if (!c) {
		free(sw);
		return NULL;
	}
	size_t inner = r->ncomps;
	scan_region(sc, sw, n, c->id, c->id, 0, n, 1);
	*known = 0;
	for (size_t i = inner; i < r->ncomps; i++) {
		const struct mtd_component *x = r->comps[i];
		if (x->parent == c->id && !is_gap_type(x->type))
			*known += x->size;
	}
	*buf = sw;
	return c;
}

#define SWAP_TRIAL (4u << 20)

/*
 * Some programmers read 16-bit parallel NOR with the bytes of every word
 * swapped.  If little of the input is recognised, scan a swapped copy of its
 * first 4 MiB; only when that is recognised much better is the whole input
 * swapped and scanned, becoming one `byteswap16` component whose decoded
 * space is the corrected image.  Random or unknown data thus costs one
 * 4 MiB trial, not a copy of the input.
 */
static void try_byteswap(struct mtd_scanner *sc, const uint8_t *data, uint64_t len)
{
	struct mtd_scan_result *r = sc->res;
	uint64_t known = known_bytes(r, 0), k2 = 0;
	if (len < 65536 || len > SWAP_MAX || len % 2 || known * 4 >= len)
		return;
	size_t mark = r->ncomps;
	uint8_t *sw = NULL;
	uint64_t trial = len < SWAP_TRIAL ? len : SWAP_TRIAL;
	struct mtd_component *c = scan_swapped(sc, data, trial, &sw, &k2);
	bool promising = c && !sc->err && k2 * 16 >= trial && k2 >= 4096;
	while (r->ncomps > mark)
		free_component(r->comps[--r->ncomps]);
	free(sw);
	sw = NULL;
	if (!promising)
		return;
	c = scan_swapped(sc, data, len, &sw, &k2);
	if (c && !sc->err && k2 * 4 >= len && k2 >= 2 * known + 4096) {
		/* keep the swapped interpretation; drop the original top level */
		size_t w = 0;
		for (size_t i = 0; i < r->ncomps; i++) {
			if (i < mark) {
				free_component(r->comps[i]);
				continue;
			}
			r->comps[w++] = r->comps[i];
		}
		r->ncomps = w;
		/* ids shift by `mark`: fix references before renumbering */
		for (size_t i = 0; i < r->ncomps; i++) {
			struct mtd_component *x = r->comps[i];
			x->id -= (int64_t)mark;
			if (x->parent >= 0)
				x->parent -= (int64_t)mark;
			if (x->space >= 0)
				x->space -= (int64_t)mark;
		}
		c->decoded = sw;
		c->decoded_size = len;
		c->decoded_owned = true;
		c->view = true;
		r->byteswapped = true;
		r->view = calloc(1, sizeof(*r->view));
		if (r->view) {
			r->view->kind = MTD_VIEW_BYTESWAP16;
			snprintf(r->view->name, sizeof(r->view->name), "byteswap16");
			r->view->raw_size = r->view->size = len;
			r->view->detected = true;
		}
		struct mtd_detail *d = add_detail(sc, c, "note", MTD_DV_STR, true);
		if (d)
			d->s = "16-bit words byte-swapped (as read by some programmers); swap before flashing";
	} else {
		while (r->ncomps > mark)
			free_component(r->comps[--r->ncomps]);
		free(sw);
	}
}

/*
 * Scan a view of the flash instead of the dump: one top-level component
 * (`nand`, `byteswap16`) covering the dump, whose decoded space is the view.
 * The view's own bytes move into the component; r->view keeps the map.
 */
static void scan_view(struct mtd_scanner *sc, struct mtd_view *v, uint64_t raw_size)
{
	struct mtd_scan_result *r = sc->res;
	struct mtd_component *c = new_component(sc,
	                                        v->kind == MTD_VIEW_NAND     ? "nand"
	                                        : v->kind == MTD_VIEW_MIRROR ? "mirror"
	                                                                     : "byteswap16",
	                                        -1, -1, 0, raw_size, 0);
	if (!c) {
		mtd_view_free(v);
		return;
	}
	r->view = v;
	c->view = true;
	c->decoded = v->data;
	c->decoded_size = v->size;
	c->decoded_owned = true;
	v->data = NULL;
	if (v->kind == MTD_VIEW_BYTESWAP16)
		r->byteswapped = true;
	struct mtd_detail *dt = add_detail(sc, c, "view", MTD_DV_STR, true);
	if (dt)
		dt->s = mtd_arena_strdup(&r->arena, v->name);
	if (v->kind == MTD_VIEW_NAND) {
		if ((dt = add_detail(sc, c, "blocks", MTD_DV_U64, true)))
			dt->u = v->nblocks;
		if ((dt = add_detail(sc, c, "bad_blocks", MTD_DV_U64, true)))
			dt->u = v->nbad;
		if (v->remap && (dt = add_detail(sc, c, "remap", MTD_DV_STR, true)))
			dt->s = v->remap;
		if (v->remap && (dt = add_detail(sc, c, "remapped_blocks", MTD_DV_U64, false)))
			dt->u = v->remapped;
	}
	size_t first = r->ncomps;
	scan_region(sc, c->decoded, c->decoded_size, c->id, c->id, 0, c->decoded_size, 1);
	/* where each top component of the view starts in the dump */
	for (size_t i = first; i < r->ncomps && v->kind == MTD_VIEW_NAND && !sc->err; i++) {
		struct mtd_component *x = r->comps[i];
		if (x->parent == c->id && x->space == c->id && (dt = add_detail(sc, x, "raw_offset", MTD_DV_HEX, true)))
			dt->u = mtd_view_to_raw(v, x->offset);
	}
	/* the view's bytes stay until the partitions are judged (mtd_scan_source) */
}

int mtd_scan_source(struct mtd_source *src, const struct mtd_scan_options *opt, struct mtd_scan_result **out,
                    struct mtd_diag *d)
{
	struct mtd_scanner *sc = malloc(sizeof(*sc));
	struct mtd_scan_result *r = calloc(1, sizeof(*r));
	if (!sc || !r || scanner_init(sc, opt)) {
		if (sc)
			free(sc->entries);
		free(sc), free(r);
		return mtd_diag_set(d, MTD_ERR_NOMEM, src->name, "out of memory");
	}
	mtd_arena_init(&r->arena);
	snprintf(r->file, sizeof(r->file), "%s", src->name);
	r->size = src->size;
	r->source = src;
	sc->res = r;
	sc->src = src;
	sc->parts = mtd_parts_state_new();
	struct mtd_view *view = NULL;
	int vrc = src->size > 0 ? mtd_view_open(src, sc->opt.view, 0, &view, d) : 0;
	if (vrc) {
		mtd_parts_state_free(sc->parts);
		free(sc->entries);
		free(sc);
		mtd_scan_free(r);
		return vrc;
	}
	/* looking for a view samples the whole dump (a bad-block marker per erase block, a page-cache
	 * folio mapped for each): none of those pages is needed before the walk gets there */
	if (src->size > 0)
		release_file(sc, -1, 0, src->size);
	if (view)
		scan_view(sc, view, src->size);
	else if (src->size > 0)
		scan_region(sc, src->data, src->size, -1, -1, 0, src->size, 0);
	if (!view && !sc->err && sc->opt.detect_byteswap && (!sc->opt.view || !strcmp(sc->opt.view, "auto")))
		try_byteswap(sc, src->data, src->size);
	if (!sc->err)
		sc->err = renumber(r);
	/* the partitions of the flash: the dump, or the view scanned instead (its bytes kept until now) */
	struct mtd_component *vc = NULL;
	for (size_t i = 0; i < r->ncomps && !vc; i++)
		if (r->comps[i]->view && r->comps[i]->parent < 0)
			vc = r->comps[i];
	if (!sc->err && sc->parts)
		sc->err = vc ? mtd_parts_finish(sc->parts, r, vc->decoded, vc->decoded_size, vc->id)
		             : mtd_parts_finish(sc->parts, r, src->data, src->size, -1);
	if (vc && !sc->opt.keep_decoded && vc->decoded_owned) {
		free((void *)vc->decoded);
		vc->decoded = NULL;
		vc->decoded_owned = false;
	}
	mtd_parts_state_free(sc->parts);
	sc->parts = NULL;
	if (sc->opt.progress)
		sc->opt.progress(sc->opt.progress_ctx, src->size, src->size);
	int err = sc->err;
	memo_free(sc);
	while (sc->nspare)
		free(sc->spare[--sc->nspare]);
	free(sc->entries);
	free(sc);
	if (err) {
		mtd_scan_free(r);
		return mtd_diag_set(d, err, src->name, "scan failed: %s", mtd_strerror(err));
	}
	*out = r;
	return 0;
}

void mtd_scan_free(struct mtd_scan_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncomps; i++)
		free_component(r->comps[i]);
	free(r->comps);
	mtd_view_free(r->view);
	free(r->partitions);
	mtd_arena_release(&r->arena);
	free(r);
}

const uint8_t *mtd_scan_space_data(const struct mtd_scan_result *r, int64_t space, uint64_t *size)
{
	if (space < 0) {
		*size = r->source ? r->source->size : 0;
		return r->source ? r->source->data : NULL;
	}
	if ((uint64_t)space >= r->ncomps)
		return NULL;
	*size = r->comps[space]->decoded_size;
	return r->comps[space]->decoded;
}

bool mtd_scan_space_reader(const struct mtd_scan_result *r, int64_t space, struct mtd_reader *out)
{
	uint64_t size = 0;
	const uint8_t *data = mtd_scan_space_data(r, space, &size);
	if (!data || size > SIZE_MAX)
		return false;
	mtd_rd_init(out, data, (size_t)size, 0);
	return true;
}

const struct mtd_detail *mtd_component_detail(const struct mtd_component *c, const char *key)
{
	for (size_t i = 0; i < c->ndetails; i++)
		if (strcmp(c->details[i].key, key) == 0)
			return &c->details[i];
	return NULL;
}

/* The one table the library fills at run time: once, so that threads may ask at the same time. */
static const char *format_names[64];
static pthread_once_t format_names_once = PTHREAD_ONCE_INIT;

static void fill_format_names(void)
{
	size_t n = 0;
	for (size_t i = 0; i < mtd_nformats && n < 63; i++)
		format_names[n++] = mtd_formats[i]->name;
	format_names[n] = NULL;
}

const char *const *mtd_format_names(void)
{
	pthread_once(&format_names_once, fill_format_names);
	return format_names;
}

static void json_id_or_null(struct mtd_json *j, const char *key, int64_t v)
{
	mtd_json_key(j, key);
	if (v < 0)
		mtd_json_null(j);
	else
		mtd_json_i64(j, v);
}

void mtd_component_json_fields(const struct mtd_component *c, struct mtd_json *j)
{
	mtd_json_kv_i64(j, "id", c->id);
	mtd_json_kv_u64(j, "offset", c->offset);
	mtd_json_kv_u64(j, "size", c->size);
	mtd_json_kv_str(j, "type", c->type);
	json_id_or_null(j, "parent", c->parent);
	json_id_or_null(j, "space", c->space);
	mtd_json_kv_bool(j, "valid", c->valid);
	mtd_json_key(j, "problems");
	mtd_json_begin_array(j);
	for (size_t p = 0; p < c->nproblems; p++)
		mtd_json_string(j, c->problems[p]);
	mtd_json_end_array(j);
}

void mtd_scan_to_json(const struct mtd_scan_result *r, struct mtd_json *j)
{
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "file", r->file);
	mtd_json_kv_u64(j, "size", r->size);
	mtd_json_kv_bool(j, "byteswapped", r->byteswapped);
	mtd_json_key(j, "view");
	if (r->view)
		mtd_view_to_json(r->view, j);
	else
		mtd_json_null(j);
	mtd_scan_partitions_to_json(r, j);
	mtd_json_key(j, "components");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		mtd_json_begin_object(j);
		mtd_component_json_fields(c, j);
		mtd_json_key(j, "details");
		mtd_json_begin_object(j);
		if (c->decoded_size)
			mtd_json_kv_u64(j, "decoded_size", c->decoded_size);
		for (size_t k = 0; k < c->ndetails; k++) {
			const struct mtd_detail *dt = &c->details[k];
			mtd_json_key(j, dt->key);
			switch (dt->kind) {
			case MTD_DV_STR: mtd_json_string(j, dt->s); break;
			case MTD_DV_U64:
			case MTD_DV_HEX: mtd_json_u64(j, dt->u); break;
			case MTD_DV_BOOL: mtd_json_bool(j, dt->u != 0); break;
			case MTD_DV_LIST:
				mtd_json_begin_array(j);
				for (size_t l = 0; l < dt->nlist; l++)
					mtd_json_string(j, dt->list[l]);
				mtd_json_end_array(j);
				break;
			}
		}
		mtd_json_end_object(j);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_end_object(j);
}
