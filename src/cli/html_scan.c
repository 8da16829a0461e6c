/* SPDX-License-Identifier: MIT */
/*
 * scan --html: the flash map (partitions above the chip, components below, nested as
 * narrower bands, decoded streams as insets), the entropy plot aligned with it, the findings
 * linking to the map, tables of partitions and components, and the scan JSON.
 *
 * Size is bounded whatever the image holds: components narrower than MIN_W (of 1000
 * units) that touch are drawn as one cluster (its hover names how many and where), the
 * entropy is reduced to ENT_COLS columns, tables and insets stop at a cap with a note
 * (the embedded JSON still has everything).
 */
#include <stdlib.h>
#include <string.h>

#include <mtdscope/scan.h>

#include "cli.h"
#include "html.h"

#define MAP_W         1000.0
#define MIN_W         2.0        /* smallest width drawn: a 4-byte component on 1 GiB stays visible */
#define ENT_COLS      1000       /* entropy points */
#define MAX_PROBLEM_W 400        /* components with problems drawn on their own (not clustered) */
#define MAX_INSETS    40         /* decoded streams drawn */
#define MAX_ROWS      1000       /* component table rows */
#define JSON_BUDGET   (1u << 20) /* scan JSON bytes embedded whole; beyond, without plain gaps */
#define MAX_FINDINGS  400        /* findings a severity */
#define BAND_H        40.0
#define PART_H        24.0

static bool is_gap(const char *t)
{
	return !strcmp(t, "erased") || !strcmp(t, "zero") || !strcmp(t, "random") || !strcmp(t, "unknown");
}

static const char *gap_fill(const char *t)
{
	return !strcmp(t, "erased")   ? "#f4f4f4"
	       : !strcmp(t, "zero")   ? "#4d4d4d"
	       : !strcmp(t, "random") ? "#cc79a7"
	                              : "#f0e442";
}

/* Fill of a component by its type: a fixed palette, chosen by a hash of the name (the label and the
 * hover say the type; the colour only tells neighbours apart). */
static const char *type_fill(const char *t)
{
	static const char *const pal[] = {"#9ecae9", "#a1d99b", "#c6dbef", "#fdd0a2",
	                                  "#d4b9da", "#c7e9c0", "#bcbddc", "#fcbba1"};
	unsigned h = 5381;
	for (const char *p = t; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return pal[h % (sizeof(pal) / sizeof(pal[0]))];
}

static const char *role_fill(enum mtd_part_role r)
{
	switch (r) {
	case MTD_ROLE_BOOTLOADER: return "#c6dbef";
	case MTD_ROLE_ENV: return "#dadaeb";
	case MTD_ROLE_FACTORY: return "#fdd0a2";
	case MTD_ROLE_FIRMWARE: return "#e5f5e0";
	case MTD_ROLE_KERNEL: return "#c7e9c0";
	case MTD_ROLE_ROOTFS: return "#a1d99b";
	case MTD_ROLE_ROOTFS_DATA: return "#d9f0a3";
	default: return "#eeeeee";
	}
}

/* Severity of a component: error when a check failed, warn with problems, else ok. */
static int comp_sev(const struct mtd_component *c)
{
	if (is_gap(c->type))
		return c->nproblems ? CLI_SEV_WARN : -1;
	if (!c->valid)
		return CLI_SEV_ERROR;
	return c->nproblems ? CLI_SEV_WARN : -1;
}

static const char *sev_colour(int s)
{
	return s == CLI_SEV_ERROR ? "#d55e00" : s == CLI_SEV_WARN ? "#e69f00" : s == CLI_SEV_OK ? "#009e73" : "#0072b2";
}

struct ctx {
	struct mtd_buf *b;
	const struct mtd_scan_result *r;
	bool *drawn; /* component drawn on its own: #m-c<id> exists */
	size_t problem_drawn;
};

static int cmp_off(const void *a, const void *b)
{
	const struct mtd_component *x = *(const struct mtd_component *const *)a;
	const struct mtd_component *y = *(const struct mtd_component *const *)b;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static void comp_title(struct mtd_buf *b, const struct mtd_component *c)
{
	mtd_buf_puts(b, "<title>");
	cli_html_text(b, c->type);
	mtd_buf_printf(b, " #%lld at %s0x%llx, 0x%llx bytes (", (long long)c->id, c->space >= 0 ? "~" : "",
	               (unsigned long long)c->offset, (unsigned long long)c->size);
	cli_html_size(b, c->size);
	mtd_buf_printf(b, "), end 0x%llx", (unsigned long long)(c->offset + c->size));
	if (!is_gap(c->type))
		mtd_buf_puts(b, c->valid ? ", checks hold" : ", FAILED a check");
	for (size_t k = 0; k < c->ndetails && k < 12; k++) {
		const struct mtd_detail *d = &c->details[k];
		if (!d->brief)
			continue;
		mtd_buf_puts(b, "\n");
		cli_html_text(b, d->key);
		mtd_buf_puts(b, " = ");
		switch (d->kind) {
		case MTD_DV_STR: cli_html_text(b, d->s); break;
		case MTD_DV_U64: mtd_buf_printf(b, "%llu", (unsigned long long)d->u); break;
		case MTD_DV_HEX: mtd_buf_printf(b, "0x%llx", (unsigned long long)d->u); break;
		case MTD_DV_BOOL: mtd_buf_puts(b, d->u ? "yes" : "no"); break;
		case MTD_DV_LIST:
			for (size_t i = 0; i < d->nlist && i < 8; i++) {
				if (i)
					mtd_buf_puts(b, ",");
				cli_html_text(b, d->list[i]);
			}
			break;
		}
	}
	for (size_t k = 0; k < c->nproblems && k < 6; k++) {
		mtd_buf_puts(b, "\n! ");
		cli_html_text(b, c->problems[k]);
	}
	mtd_buf_puts(b, "</title>");
}

/* One rectangle (x, w in map units) with an optional clipped label. */
static void rect_label(struct mtd_buf *b, double x, double y, double w, double h, const char *fill, const char *stroke,
                       double sw, const char *label, size_t label_n)
{
	mtd_buf_printf(b, "<svg x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\">", x, y, w, h);
	mtd_buf_printf(b, "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%.1f\"/>",
	               fill, stroke, sw);
	if (label && w >= 24) {
		mtd_buf_printf(b, "<text class=\"lbl\" x=\"3\" y=\"%.1f\">", h < 16 ? h - 2 : 12.0);
		cli_html_textn(b, label, label_n);
		mtd_buf_puts(b, "</text>");
	}
	mtd_buf_puts(b, "</svg>");
}

/*
 * The components of one byte space as bands: depth 0 full height at y, each deeper level inset by 5
 * units top and bottom.  scale: map units a byte; base_depth: the depth of the space's top level.
 */
static void draw_space(struct ctx *X, int64_t space, uint64_t total, double y, int base_depth)
{
	struct mtd_buf *b = X->b;
	const struct mtd_scan_result *r = X->r;
	size_t n = 0;
	for (size_t i = 0; i < r->ncomps; i++)
		n += r->comps[i]->space == space;
	if (!n || !total)
		return;
	const struct mtd_component **v = malloc(n * sizeof(*v));
	if (!v)
		return;
	n = 0;
	for (size_t i = 0; i < r->ncomps; i++)
		if (r->comps[i]->space == space)
			v[n++] = r->comps[i];
	qsort(v, n, sizeof(*v), cmp_off);
	double scale = MAP_W / (double)total;
	for (size_t i = 0; i < n;) {
		const struct mtd_component *c = v[i];
		int d = c->depth - base_depth;
		if (d < 0)
			d = 0;
		double inset = (d > 5 ? 5 : d) * 5.0;
		double yy = y + inset, hh = BAND_H - 2 * inset;
		double x0 = (double)c->offset * scale, w = (double)c->size * scale;
		int sev = comp_sev(c);
		bool alone = w >= MIN_W || (sev >= 0 && X->problem_drawn < MAX_PROBLEM_W);
		if (alone) {
			if (w < MIN_W)
				w = MIN_W;
			if (x0 + w > MAP_W)
				x0 = MAP_W - w;
			if (sev >= 0)
				X->problem_drawn++;
			X->drawn[c->id] = true;
			mtd_buf_printf(b, "<a href=\"#t-c%lld\" id=\"m-c%lld\">", (long long)c->id, (long long)c->id);
			comp_title(b, c);
			const char *fill = is_gap(c->type) ? gap_fill(c->type) : type_fill(c->type);
			rect_label(b, x0, yy, w, hh, fill, sev >= 0 ? sev_colour(sev) : "#666", sev >= 0 ? 2.5 : 0.5,
			           is_gap(c->type) ? NULL : c->type, strlen(c->type));
			if (sev >= 0)
				mtd_buf_printf(b,
				               "<path d=\"M%.2f %.1f l4 7 h-8 z\" fill=\"%s\" stroke=\"#000\" "
				               "stroke-width=\".5\"/>",
				               x0 + w / 2, y + BAND_H + 1, sev_colour(sev));
			mtd_buf_puts(b, "</a>\n");
			i++;
			continue;
		}
		/* a cluster: the small components that follow at this depth and touch within MIN_W */
		size_t j = i + 1;
		double end = x0 + w;
		while (j < n && v[j]->depth == c->depth) {
			double xj = (double)v[j]->offset * scale, wj = (double)v[j]->size * scale;
			if (wj >= MIN_W || xj > end + MIN_W / 2 ||
			    (comp_sev(v[j]) >= 0 && X->problem_drawn < MAX_PROBLEM_W))
				break;
			if (xj + wj > end)
				end = xj + wj;
			j++;
		}
		const struct mtd_component *last = v[j - 1];
		double cw = end - x0 < MIN_W ? MIN_W : end - x0;
		if (x0 + cw > MAP_W)
			x0 = MAP_W - cw;
		if (j - i == 1) {
			X->drawn[c->id] = true;
			mtd_buf_printf(b, "<a href=\"#t-c%lld\" id=\"m-c%lld\">", (long long)c->id, (long long)c->id);
			comp_title(b, c);
		} else {
			size_t ng = 0;
			for (size_t k = i; k < j; k++)
				ng += is_gap(v[k]->type);
			mtd_buf_printf(
			    b, "<a href=\"#t-c%lld\"><title>%zu small components (%zu gaps) from %s0x%llx to 0x%llx",
			    (long long)c->id, j - i, ng, space >= 0 ? "~" : "", (unsigned long long)c->offset,
			    (unsigned long long)(last->offset + last->size));
			for (size_t k = i; k < j && k < i + 8; k++) {
				mtd_buf_printf(b, "\n0x%llx +0x%llx ", (unsigned long long)v[k]->offset,
				               (unsigned long long)v[k]->size);
				cli_html_text(b, v[k]->type);
			}
			if (j - i > 8)
				mtd_buf_puts(b, "\n...");
			mtd_buf_puts(b, "</title>");
		}
		rect_label(b, x0, yy, cw, hh,
		           j - i == 1 ? (is_gap(c->type) ? gap_fill(c->type) : type_fill(c->type)) : "#999", "#444",
		           0.5, NULL, 0);
		mtd_buf_puts(b, "</a>\n");
		i = j;
	}
	free(v);
}

static int part_depth(const struct mtd_layout *l, size_t i)
{
	int depth = 0;
	for (int q = l->parts[i].parent; q >= 0 && (size_t)q < l->nparts && depth < 8; q = l->parts[q].parent)
		depth++;
	return depth;
}

static enum cli_html_sev part_sev(const struct mtd_part *p, const struct mtd_part_judgment *j)
{
	if (!strcmp(j->state, "bad") || !strcmp(j->state, "foreign") || !strcmp(j->state, "missing"))
		return CLI_SEV_ERROR;
	if (j->nproblems)
		return CLI_SEV_WARN;
	if (!strcmp(j->state, "erased") &&
	    (p->role == MTD_ROLE_FACTORY || p->role == MTD_ROLE_BOOTLOADER || p->flags & MTD_PART_UNIT_DATA))
		return CLI_SEV_WARN;
	return !strcmp(j->state, "ok") ? CLI_SEV_OK : CLI_SEV_INFO;
}

static void part_label(struct mtd_buf *lb, const struct mtd_part *p)
{
	mtd_buf_puts(lb, p->name);
	if (p->flags & MTD_PART_AUTO)
		mtd_buf_puts(lb, "*");
	if (p->flags & MTD_PART_UNIT_DATA)
		mtd_buf_puts(lb, " [U]");
	if (p->flags & MTD_PART_PROTECTED)
		mtd_buf_puts(lb, " [P]");
	if (p->flags & MTD_PART_RO)
		mtd_buf_puts(lb, " [ro]");
}

static void draw_partitions(struct mtd_buf *b, const struct mtd_scan_partitions *sp, uint64_t total, double y0)
{
	const struct mtd_layout *l = &sp->layout;
	double scale = MAP_W / (double)total;
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		const struct mtd_part_judgment *j = &sp->judg[i];
		int d = part_depth(l, i);
		if (p->offset >= total)
			continue;
		uint64_t sz = p->size > total - p->offset ? total - p->offset : p->size;
		double x = (double)p->offset * scale, w = (double)sz * scale;
		if (w < MIN_W)
			w = MIN_W;
		if (x + w > MAP_W)
			x = MAP_W - w;
		enum cli_html_sev s = part_sev(p, j);
		struct mtd_buf lb;
		mtd_buf_init(&lb, 0);
		part_label(&lb, p);
		mtd_buf_printf(b, "<a href=\"#t-p%zu\" id=\"m-p%zu\"><title>partition ", i, i);
		cli_html_text(b, mtd_buf_str(&lb));
		mtd_buf_printf(b, " (%s) at 0x%llx, 0x%llx bytes (", mtd_part_role_name(p->role),
		               (unsigned long long)p->offset, (unsigned long long)p->size);
		cli_html_size(b, p->size);
		mtd_buf_printf(b, "), end 0x%llx\n%s: ", (unsigned long long)(p->offset + p->size),
		               cli_html_sev_name(s));
		cli_html_text(b, j->state);
		mtd_buf_puts(b, " ");
		cli_html_text(b, j->what);
		mtd_buf_puts(b, "</title>");
		rect_label(b, x, y0 + d * PART_H, w, PART_H - 2, role_fill(p->role),
		           s == CLI_SEV_OK ? "#555" : sev_colour((int)s), s == CLI_SEV_OK ? 0.7 : 2.5,
		           lb.data ? lb.data : "", lb.len);
		mtd_buf_puts(b, "</a>\n");
		mtd_buf_release(&lb);
	}
}

static void axis(struct mtd_buf *b, uint64_t total, double y)
{
	mtd_buf_printf(b, "<rect x=\"0\" y=\"%.1f\" width=\"1000\" height=\"8\" fill=\"#333\"/>", y);
	for (int k = 0; k <= 8; k++) {
		double x = k * MAP_W / 8;
		uint64_t off = cli_html_scale(total, (unsigned)k, 8);
		mtd_buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>", x, x,
		               y + 8, y + 12);
		mtd_buf_printf(b, "<text class=\"ax\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">0x%llx</text>", x,
		               y + 21,
		               k == 0   ? "start"
		               : k == 8 ? "end"
		                        : "middle",
		               (unsigned long long)off);
	}
	mtd_buf_puts(b, "\n");
}

static void find_link(struct ctx *X, const struct mtd_component *c)
{
	if (X->drawn[c->id])
		mtd_buf_printf(X->b, "<a href=\"#m-c%lld\">", (long long)c->id);
	else
		mtd_buf_printf(X->b, "<a href=\"#t-c%lld\">", (long long)c->id);
	cli_html_text(X->b, c->type);
	mtd_buf_printf(X->b, " at %s0x%llx</a>", c->space >= 0 ? "~" : "", (unsigned long long)c->offset);
}

/* Findings of one severity, every source in turn; returns how many. */
static size_t findings(struct ctx *X, enum cli_html_sev want, size_t *omitted)
{
	struct mtd_buf *b = X->b;
	const struct mtd_scan_result *r = X->r;
	size_t n = 0;
#define ITEM()                                                                                                         \
	(n++ < MAX_FINDINGS ? (mtd_buf_puts(b, "<li>"), cli_html_badge(b, want), mtd_buf_puts(b, " "), true)           \
	                    : ((*omitted)++, false))
	const struct mtd_scan_partitions *sp = r->partitions;
	if (sp) {
		for (size_t i = 0; i < sp->layout.nparts; i++) {
			const struct mtd_part *p = &sp->layout.parts[i];
			const struct mtd_part_judgment *j = &sp->judg[i];
			enum cli_html_sev s = part_sev(p, j);
			if (s == want && ITEM()) {
				mtd_buf_printf(b, "<a href=\"#m-p%zu\">partition ", i);
				cli_html_text(b, p->name);
				mtd_buf_puts(b, "</a>: ");
				cli_html_text(b, j->state);
				mtd_buf_puts(b, ", ");
				cli_html_text(b, j->what);
				mtd_buf_puts(b, "</li>\n");
			}
			for (size_t k = 0; k < j->nproblems; k++)
				if (want == (s == CLI_SEV_ERROR ? CLI_SEV_ERROR : CLI_SEV_WARN) && ITEM()) {
					mtd_buf_printf(b, "<a href=\"#m-p%zu\">partition ", i);
					cli_html_text(b, p->name);
					mtd_buf_puts(b, "</a>: ");
					cli_html_text(b, j->problems[k]);
					mtd_buf_puts(b, "</li>\n");
				}
		}
		for (size_t k = 0; k < sp->nproblems; k++)
			if (want == CLI_SEV_WARN && ITEM()) {
				mtd_buf_puts(b, "<a href=\"#map\">layout</a>: ");
				cli_html_text(b, sp->problems[k]);
				mtd_buf_puts(b, "</li>\n");
			}
		for (size_t k = 0; k < sp->nnotes; k++)
			if (want == CLI_SEV_INFO && ITEM()) {
				mtd_buf_puts(b, "<a href=\"#map\">layout</a>: ");
				cli_html_text(b, sp->notes[k]);
				mtd_buf_puts(b, "</li>\n");
			}
	}
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		int s = comp_sev(c);
		if (s == (int)want) {
			if (!c->nproblems && ITEM()) {
				find_link(X, c);
				mtd_buf_puts(b, ": failed a check</li>\n");
			}
			for (size_t k = 0; k < c->nproblems; k++)
				if (ITEM()) {
					find_link(X, c);
					mtd_buf_puts(b, ": ");
					cli_html_text(b, c->problems[k]);
					mtd_buf_puts(b, "</li>\n");
				}
		}
		if (want == CLI_SEV_OK && s < 0 && !is_gap(c->type)) {
			/* the checksums that held */
			bool any = false;
			for (size_t k = 0; k < c->ndetails; k++) {
				const struct mtd_detail *d = &c->details[k];
				if (d->kind != MTD_DV_BOOL || !d->u || !strstr(d->key, "crc"))
					continue;
				if (!any) {
					if (!ITEM())
						break;
					find_link(X, c);
					mtd_buf_puts(b, ": holds");
					any = true;
				}
				mtd_buf_puts(b, " ");
				cli_html_text(b, d->key);
			}
			if (any)
				mtd_buf_puts(b, "</li>\n");
		}
	}
#undef ITEM
	return n;
}

static void part_table(struct mtd_buf *b, const struct mtd_scan_partitions *sp)
{
	mtd_buf_puts(b, "<h2 id=\"partitions\">Partitions</h2>\n<p class=\"mut\">from ");
	cli_html_text(b, sp->source);
	if (sp->split[0]) {
		mtd_buf_puts(b, "; marked * inside firmware: ");
		cli_html_text(b, sp->split);
	}
	mtd_buf_puts(b,
	             ". [U] unit data (keep this unit's own bytes), [P] protected (never written by a plan), "
	             "[ro] read-only.</p>\n<table><tr><th>name</th><th>offset</th><th>size</th><th></th><th>role</th>"
	             "<th>state</th><th>holds</th></tr>\n");
	for (size_t i = 0; i < sp->layout.nparts; i++) {
		const struct mtd_part *p = &sp->layout.parts[i];
		const struct mtd_part_judgment *j = &sp->judg[i];
		struct mtd_buf lb;
		mtd_buf_init(&lb, 0);
		part_label(&lb, p);
		mtd_buf_printf(b,
		               "<tr id=\"t-p%zu\" class=\"part\"><td style=\"padding-left:%dem\"><a href=\"#m-p%zu\">",
		               i, part_depth(&sp->layout, i) + 0, i);
		cli_html_text(b, mtd_buf_str(&lb));
		mtd_buf_release(&lb);
		mtd_buf_printf(b, "</a></td><td class=\"n\">0x%08llx</td><td class=\"n\">0x%08llx</td><td class=\"n\">",
		               (unsigned long long)p->offset, (unsigned long long)p->size);
		cli_html_size(b, p->size);
		mtd_buf_printf(b, "</td><td>%s</td><td>", mtd_part_role_name(p->role));
		cli_html_badge(b, part_sev(p, j));
		mtd_buf_puts(b, " ");
		cli_html_text(b, j->state);
		mtd_buf_puts(b, "</td><td>");
		cli_html_text(b, j->what);
		for (size_t k = 0; k < j->nproblems; k++) {
			mtd_buf_puts(b, "<br>! ");
			cli_html_text(b, j->problems[k]);
		}
		mtd_buf_puts(b, "</td></tr>\n");
	}
	mtd_buf_puts(b, "</table>\n");
}

static bool collapsible(const struct mtd_scan_result *r, const struct mtd_component *c)
{
	return c->space >= 0 && (size_t)c->space < r->ncomps && !r->comps[c->space]->view && is_gap(c->type);
}

static void comp_table(struct mtd_buf *b, const struct mtd_scan_result *r)
{
	mtd_buf_puts(b, "<h2 id=\"components\">Components</h2>\n<p class=\"mut\">Every detail of each component; "
	                "offsets marked ~ count in the "
	                "decoded bytes of the stream holding them; the gaps inside decoded streams are in the JSON "
	                "only.</p>\n<table><tr><th>offset</th><th>size</th><th></th><th>type</th><th>check</th>"
	                "<th>details</th></tr>\n");
	size_t rows = 0, skipped = 0;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		int s = comp_sev(c);
		if (collapsible(r, c) && s < 0)
			continue;
		if (rows++ >= MAX_ROWS && s < 0) {
			skipped++;
			continue;
		}
		mtd_buf_printf(
		    b,
		    "<tr id=\"t-c%lld\" class=\"comp\"><td class=\"n\" style=\"padding-left:%dem\">%s0x%08llx</td>"
		    "<td class=\"n\">0x%llx</td><td class=\"n\">",
		    (long long)c->id, c->depth, c->space >= 0 ? "~" : "", (unsigned long long)c->offset,
		    (unsigned long long)c->size);
		cli_html_size(b, c->size);
		mtd_buf_puts(b, "</td><td>");
		cli_html_text(b, c->type);
		mtd_buf_puts(b, "</td><td>");
		if (s >= 0)
			cli_html_badge(b, (enum cli_html_sev)s);
		else if (!is_gap(c->type))
			cli_html_badge(b, CLI_SEV_OK);
		mtd_buf_puts(b, "</td><td class=\"mono\">");
		for (size_t k = 0; k < c->ndetails; k++) {
			const struct mtd_detail *d = &c->details[k];
			if (!d->brief && d->kind == MTD_DV_LIST && d->nlist > 32)
				continue; /* long lists (file names) are in the JSON */
			cli_html_text(b, d->key);
			mtd_buf_puts(b, "=");
			switch (d->kind) {
			case MTD_DV_STR: cli_html_textn(b, d->s, strnlen(d->s, 240)); break;
			case MTD_DV_U64: mtd_buf_printf(b, "%llu", (unsigned long long)d->u); break;
			case MTD_DV_HEX: mtd_buf_printf(b, "0x%llx", (unsigned long long)d->u); break;
			case MTD_DV_BOOL: mtd_buf_puts(b, d->u ? "yes" : "no"); break;
			case MTD_DV_LIST:
				for (size_t q = 0; q < d->nlist && q < 8; q++) {
					if (q)
						mtd_buf_puts(b, ",");
					cli_html_text(b, d->list[q]);
				}
				if (d->nlist > 8)
					mtd_buf_printf(b, ",...(%zu)", d->nlist);
				break;
			}
			mtd_buf_puts(b, " ");
		}
		if (c->decoded_size)
			mtd_buf_printf(b, "decoded=%llu", (unsigned long long)c->decoded_size);
		for (size_t k = 0; k < c->nproblems; k++) {
			mtd_buf_puts(b, "<br>! ");
			cli_html_text(b, c->problems[k]);
		}
		mtd_buf_puts(b, "</td></tr>\n");
	}
	mtd_buf_puts(b, "</table>\n");
	if (skipped)
		mtd_buf_printf(b, "<p class=\"mut\">%zu more components are in the JSON below.</p>\n", skipped);
}

static void legend(struct mtd_buf *b)
{
	static const char *const gaps[] = {"erased", "zero", "random", "unknown"};
	static const char *const what[] = {"erased (0xFF)", "zero (0x00)", "random (high entropy)", "unknown"};
	mtd_buf_puts(b, "<p class=\"legend\">");
	for (int k = 0; k < 4; k++)
		mtd_buf_printf(b, "<span><i class=\"sw\" style=\"background:%s\"></i>%s</span>", gap_fill(gaps[k]),
		               what[k]);
	mtd_buf_puts(b, "<span><i class=\"sw\" style=\"background:#999\"></i>cluster of small components</span>");
	mtd_buf_puts(b,
	             "<span><i class=\"sw\" style=\"border:3px solid #d55e00\"></i>failed a check (ERROR)</span>"
	             "<span><i class=\"sw\" style=\"border:3px solid #e69f00\"></i>problem (WARNING)</span>"
	             "<span class=\"mut\">Hover for exact offsets and sizes; click to jump to the table.</span></p>\n");
}

int cli_scan_html(const struct mtd_scan_result *r, const uint8_t *data, uint64_t eblock, const char *path)
{
	struct mtd_buf page, *b = &page;
	mtd_buf_init(b, 256u << 20);
	struct ctx X = {.b = b, .r = r, .drawn = calloc(r->ncomps ? r->ncomps : 1, sizeof(bool))};
	if (!X.drawn) {
		cli_error("%s: out of memory", path);
		return CLI_FAIL;
	}
	char title[300];
	snprintf(title, sizeof(title), "mtdscope scan: %s", r->file);
	cli_html_begin(b, title);
	mtd_buf_puts(b, "<h1>");
	cli_html_text(b, r->file);
	mtd_buf_puts(b, "</h1>\n<p>");
	cli_html_size(b, r->size);
	mtd_buf_printf(b, " (%llu bytes, 0x%llx)%s, %zu components", (unsigned long long)r->size,
	               (unsigned long long)r->size, r->byteswapped ? ", 16-bit byte-swapped" : "", r->ncomps);
	if (r->partitions)
		mtd_buf_printf(b, ", %zu partitions", r->partitions->layout.nparts);
	if (r->view) {
		char vd[200];
		mtd_view_describe(r->view, vd, sizeof(vd));
		mtd_buf_puts(b, ", read through the view ");
		cli_html_text(b, vd);
	}
	mtd_buf_puts(b, ".</p>\n");

	/* the map: partitions, chip, components */
	int pdepth = 0;
	if (r->partitions)
		for (size_t i = 0; i < r->partitions->layout.nparts; i++) {
			int d = part_depth(&r->partitions->layout, i);
			pdepth = d + 1 > pdepth ? d + 1 : pdepth;
		}
	double ychip = 18 + pdepth * PART_H + 4, ycomp = ychip + 26, height = ycomp + BAND_H + 12;
	mtd_buf_puts(b, "<h2 id=\"map\">Flash map</h2>\n");
	mtd_buf_printf(
	    b,
	    "<svg viewBox=\"0 0 1000 %.0f\" role=\"img\" aria-label=\"flash map\" style=\"aspect-ratio:1000/%.0f\">\n",
	    height, height);
	mtd_buf_printf(b, "<text x=\"0\" y=\"11\">partitions%s</text>\n", pdepth ? "" : ": none found in the image");
	if (r->partitions)
		draw_partitions(b, r->partitions, r->size, 16);
	axis(b, r->size, ychip);
	draw_space(&X, -1, r->size, ycomp, 0);
	mtd_buf_printf(b, "<text x=\"0\" y=\"%.0f\" class=\"mut\">components (nested ones as narrower bands)</text>\n",
	               height - 1);
	mtd_buf_puts(b, "</svg>\n");
	legend(b);

	/* entropy, same x scale */
	double *ent = calloc(3 * ENT_COLS, sizeof(double));
	size_t ncols = 0;
	if (ent && data)
		ncols = cli_html_entropy(data, r->size, eblock, ENT_COLS, ent, ent + ENT_COLS, ent + 2 * ENT_COLS);
	mtd_buf_printf(b,
	               "<h2 id=\"entropy\">Entropy</h2>\n<p class=\"mut\">bits per byte of each %llu-byte block, "
	               "aligned with the map: near 8 compressed or encrypted, near 0 erased or zero, in between "
	               "code and text.</p>\n",
	               (unsigned long long)eblock);
	if (ent)
		cli_html_entropy_svg(b, ent, ent + ENT_COLS, ent + 2 * ENT_COLS, ncols, r->size, eblock);

	/* decoded streams */
	size_t ninsets = 0, more = 0;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (!c->decoded_size)
			continue;
		size_t inside = 0;
		for (size_t k = 0; k < r->ncomps; k++)
			inside += r->comps[k]->space == c->id;
		if (!inside)
			continue;
		if (ninsets >= MAX_INSETS) {
			more++;
			continue;
		}
		if (!ninsets)
			mtd_buf_puts(b, "<h2 id=\"decoded\">Decoded streams</h2>\n");
		mtd_buf_printf(b, "<details%s><summary>", ninsets < 1 ? " open" : "");
		cli_html_text(b, c->type);
		mtd_buf_printf(b, " <a href=\"#t-c%lld\">#%lld</a> at %s0x%llx: ", (long long)c->id, (long long)c->id,
		               c->space >= 0 ? "~" : "", (unsigned long long)c->offset);
		cli_html_size(b, c->decoded_size);
		mtd_buf_printf(b, " decoded, %zu components</summary>\n", inside);
		mtd_buf_printf(b, "<svg viewBox=\"0 0 1000 %.0f\" style=\"aspect-ratio:1000/%.0f\">\n", BAND_H + 36,
		               BAND_H + 36);
		axis(b, c->decoded_size, 0);
		draw_space(&X, c->id, c->decoded_size, 26, c->depth + 1);
		mtd_buf_puts(b, "</svg></details>\n");
		ninsets++;
	}
	if (more)
		mtd_buf_printf(b, "<p class=\"mut\">%zu more decoded streams are in the JSON below.</p>\n", more);

	/* findings: worst first */
	mtd_buf_puts(b, "<h2 id=\"findings\">Findings</h2>\n<ul class=\"f\">\n");
	size_t nf = 0, omitted = 0;
	for (int s = CLI_SEV_ERROR; s <= CLI_SEV_OK; s++)
		nf += findings(&X, (enum cli_html_sev)s, &omitted);
	if (!nf)
		mtd_buf_puts(b, "<li>nothing to report</li>\n");
	mtd_buf_puts(b, "</ul>\n");
	if (omitted)
		mtd_buf_printf(b, "<p class=\"mut\">%zu more findings are in the JSON below.</p>\n", omitted);

	if (r->partitions)
		part_table(b, r->partitions);
	comp_table(b, r);

	/* the data, for scripts */
	struct mtd_buf jb;
	struct mtd_json j;
	mtd_buf_init(&jb, 0);
	mtd_json_init(&j, &jb, false);
	cli_json_schema(&j, "scan");
	mtd_scan_to_json(r, &j);
	size_t omitted_gaps = 0;
	if (jb.len > JSON_BUDGET) {
		/* too big for the page: the same document without the plain gaps (scan --json has them) */
		struct mtd_scan_result lite = *r;
		lite.comps = malloc((r->ncomps ? r->ncomps : 1) * sizeof(*lite.comps));
		if (lite.comps) {
			lite.ncomps = 0;
			for (size_t i = 0; i < r->ncomps; i++)
				if (!is_gap(r->comps[i]->type) || r->comps[i]->nproblems)
					lite.comps[lite.ncomps++] = r->comps[i];
			omitted_gaps = r->ncomps - lite.ncomps;
			mtd_buf_release(&jb);
			mtd_buf_init(&jb, 0);
			mtd_json_init(&j, &jb, false);
			cli_json_schema(&j, "scan");
			mtd_scan_to_json(&lite, &j);
			free(lite.comps);
		}
	}
	if (omitted_gaps)
		mtd_buf_printf(b,
		               "<p class=\"mut\" id=\"json-note\">The JSON in this page leaves out the %zu gaps "
		               "(erased, zero, random, unknown) to keep the page small; scan --json has them.</p>\n",
		               omitted_gaps);
	cli_html_json(b, "scan-json", jb.data ? jb.data : "{}", jb.data ? jb.len : 2);
	mtd_buf_release(&jb);
	mtd_buf_init(&jb, 0);
	mtd_json_init(&j, &jb, false);
	mtd_json_begin_object(&j);
	mtd_json_kv_u64(&j, "block_size", eblock);
	mtd_json_kv_u64(&j, "bytes", r->size);
	mtd_json_key(&j, "columns");
	mtd_json_begin_array(&j);
	for (size_t c = 0; c < ncols; c++) {
		mtd_json_begin_array(&j);
		for (int k = 0; k < 3; k++)
			mtd_json_double(&j, (double)(long long)(ent[c + (size_t)k * ENT_COLS] * 1000 + 0.5) / 1000);
		mtd_json_end_array(&j);
	}
	mtd_json_end_array(&j);
	mtd_json_end_object(&j);
	cli_html_json(b, "entropy-json", jb.data ? jb.data : "{}", jb.data ? jb.len : 2);
	mtd_buf_release(&jb);
	free(ent);
	free(X.drawn);
	return cli_html_finish(b, path);
}
