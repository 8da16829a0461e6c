/* SPDX-License-Identifier: MIT */
/*
 * diff --html: the two dumps side by side on one scale (A's partitions above, B's below, the
 * density of differing bytes between them), each partition marked same / unit data / firmware /
 * erased, what each side holds, the entropy of both, and the diff JSON.
 */
#include <stdlib.h>
#include <string.h>

#include <mtdscope/layout.h>
#include <mtdscope/source.h>

#include "cli.h"
#include "html.h"

#define COLS 1000

static const char *const kind_word[] = {"SAME", "UNIT DATA", "FIRMWARE", "ERASED"};
static const char *const kind_fill[] = {"#dddddd", "#56b4e9", "#d55e00", "#e69f00"};
static const char *const kind_text[] = {"#000", "#000", "#fff", "#000"};

static void kind_badge(struct mtd_buf *b, enum mtd_diff_kind k)
{
	mtd_buf_printf(b, "<span class=\"badge\" style=\"background:%s;color:%s\">%s</span>", kind_fill[k],
	               kind_text[k], kind_word[k]);
}

static void side_bar(struct mtd_buf *b, const struct mtd_layout *l, const struct mtd_diff_report *r, uint64_t total,
                     double y, char side)
{
	double scale = 1000.0 / (double)total;
	for (size_t i = 0; i < l->nparts && i < r->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (p->offset >= total || (p->flags & MTD_PART_WHOLE_CHIP && l->nparts > 1))
			continue;
		uint64_t sz = p->size > total - p->offset ? total - p->offset : p->size;
		double x = (double)p->offset * scale, w = (double)sz * scale;
		if (w < 2)
			w = 2;
		if (x + w > 1000)
			x = 1000 - w;
		int depth = 0;
		for (int q = p->parent; q >= 0 && (size_t)q < l->nparts && depth < 4; q = l->parts[q].parent)
			depth++;
		double yy = y + depth * 4, hh = 30 - depth * 8;
		enum mtd_diff_kind k = r->parts[i].kind;
		mtd_buf_printf(b, "<a href=\"#d-p%zu\" id=\"m%c-p%zu\"><title>%c: ", i, side, i, side);
		cli_html_text(b, p->name);
		mtd_buf_printf(b, " at 0x%llx, 0x%llx bytes (", (unsigned long long)p->offset,
		               (unsigned long long)p->size);
		cli_html_size(b, p->size);
		mtd_buf_printf(b, ")\n%s, %llu bytes differ", kind_word[k], (unsigned long long)r->parts[i].nbytes);
		if (r->parts[i].nbytes)
			mtd_buf_printf(b, ", the first at 0x%llx", (unsigned long long)(p->offset + r->parts[i].first));
		mtd_buf_puts(b, "\n");
		cli_html_text(b, r->parts[i].what);
		mtd_buf_printf(
		    b,
		    "</title><svg x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"><rect width=\"100%%\" "
		    "height=\"100%%\" fill=\"%s\" stroke=\"#333\" stroke-width=\".6\"/>",
		    x, yy, w, hh, kind_fill[k]);
		if (w >= 24) {
			mtd_buf_printf(b, "<text class=\"lbl\" x=\"3\" y=\"11\" style=\"fill:%s\">", kind_text[k]);
			cli_html_text(b, p->name);
			mtd_buf_puts(b, "</text>");
		}
		mtd_buf_puts(b, "</svg></a>\n");
	}
}

/* What one side holds in partition i. */
static void holds(struct mtd_buf *b, const struct mtd_layout *l, size_t i, const struct mtd_source *s)
{
	const struct mtd_part *p = &l->parts[i];
	struct mtd_part_check c;
	if (!mtd_range_ok(p->offset, p->size, s->size) ||
	    mtd_layout_check_content(l, i, s->data + p->offset, (size_t)p->size, &c)) {
		mtd_buf_puts(b, "<span class=\"mut\">not in the dump</span>");
		return;
	}
	cli_html_text(b, mtd_content_state_name(c.state));
	if (c.what[0]) {
		mtd_buf_puts(b, ": ");
		cli_html_text(b, c.what);
	}
}

int cli_diff_html(const char *pa, const char *pb, const struct mtd_source *a, const struct mtd_source *b2,
                  const struct mtd_layout *l, const struct mtd_diff_report *r, bool differ, const char *dup,
                  const char *json, size_t jlen, const char *path)
{
	struct mtd_buf page, *b = &page;
	mtd_buf_init(b, 64u << 20);
	char title[600];
	snprintf(title, sizeof(title), "mtdscope diff: %s and %s", pa, pb);
	cli_html_begin(b, title);
	mtd_buf_puts(b, "<h1>diff</h1>\n<p>A: <code>");
	cli_html_text(b, pa);
	mtd_buf_puts(b, "</code><br>B: <code>");
	cli_html_text(b, pb);
	mtd_buf_puts(b, "</code><br>");
	cli_html_size(b, a->size);
	mtd_buf_printf(b, " each (0x%llx bytes), %zu partitions from ", (unsigned long long)a->size, r->nparts);
	cli_html_text(b, l->source[0] ? l->source : "no layout (the dumps compared whole)");
	mtd_buf_puts(b, "</p>\n");

	size_t nk[4] = {0};
	for (size_t i = 0; i < r->nparts; i++)
		if (!(l->parts[i].flags & MTD_PART_WHOLE_CHIP) || r->nparts == 1)
			nk[r->parts[i].kind]++;
	const char *vcls = !differ ? "s-v-ok" : nk[MTD_DIFF_FIRMWARE] || nk[MTD_DIFF_ERASED] ? "s-v-error" : "s-v-warn";
	mtd_buf_printf(b, "<p class=\"verdict %s\" id=\"verdict\">", vcls);
	if (!differ)
		mtd_buf_puts(b, "The dumps are identical.");
	else
		mtd_buf_printf(
		    b,
		    "The dumps differ: %zu partition%s in firmware, %zu only in unit data (MACs, calibration, "
		    "environment, settings), %zu erased on one side, %zu the same.",
		    nk[MTD_DIFF_FIRMWARE], nk[MTD_DIFF_FIRMWARE] == 1 ? "" : "s", nk[MTD_DIFF_UNIT],
		    nk[MTD_DIFF_ERASED], nk[MTD_DIFF_SAME]);
	if (r->outside)
		mtd_buf_printf(b, " %llu bytes differ outside every partition.", (unsigned long long)r->outside);
	mtd_buf_puts(b, "</p>\n");
	if (dup) {
		mtd_buf_puts(b, "<p>");
		cli_html_badge(b, differ ? CLI_SEV_ERROR : CLI_SEV_WARN);
		mtd_buf_puts(b, " ");
		cli_html_text(b, dup);
		mtd_buf_puts(b, "</p>\n");
	}

	/* the density of differing bytes in each of COLS columns */
	uint64_t total = a->size ? a->size : 1;
	double *dens = calloc(COLS, sizeof(double));
	if (dens && a->size == b2->size) {
		struct mtd_reader ra, rb;
		mtd_rd_init(&ra, a->data, (size_t)a->size, 0);
		mtd_rd_init(&rb, b2->data, (size_t)b2->size, 0);
		for (size_t c = 0; c < COLS; c++) {
			uint64_t o0 = cli_html_scale(total, c, COLS);
			uint64_t o1 = cli_html_scale(total, c + 1, COLS);
			const uint8_t *x, *y;
			if (o1 <= o0 || !mtd_rd_seek(&ra, (size_t)o0) || !mtd_rd_seek(&rb, (size_t)o0) ||
			    !mtd_rd_bytes(&ra, (size_t)(o1 - o0), &x) || !mtd_rd_bytes(&rb, (size_t)(o1 - o0), &y))
				continue;
			if (!memcmp(x, y, (size_t)(o1 - o0)))
				continue;
			uint64_t nd = 0;
			for (uint64_t k = 0; k < o1 - o0; k++)
				nd += x[k] != y[k];
			dens[c] = (double)nd / (double)(o1 - o0);
		}
	}
	mtd_buf_puts(
	    b, "<h2 id=\"map\">Side by side</h2>\n<svg viewBox=\"0 0 1000 124\" role=\"img\" aria-label=\"the two "
	       "dumps\" style=\"aspect-ratio:1000/124\">\n<text x=\"0\" y=\"10\">A</text>\n");
	side_bar(b, l, r, total, 14, 'A');
	mtd_buf_puts(b, "<rect x=\"0\" y=\"48\" width=\"1000\" height=\"14\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
	if (dens)
		for (size_t c = 0; c < COLS; c++)
			if (dens[c] > 0)
				mtd_buf_printf(b,
				               "<rect x=\"%zu\" y=\"48\" width=\"1\" height=\"14\" fill=\"#000\" "
				               "fill-opacity=\"%.2f\"/>",
				               c, 0.6 + 0.4 * dens[c]);
	mtd_buf_puts(b, "<text class=\"ax\" x=\"1000\" y=\"58\" text-anchor=\"end\">differing bytes</text>\n");
	side_bar(b, l, r, total, 66, 'B');
	mtd_buf_printf(
	    b,
	    "<text x=\"0\" y=\"110\">B</text><text class=\"ax\" x=\"0\" y=\"122\">0x0</text><text class=\"ax\" "
	    "x=\"1000\" y=\"122\" text-anchor=\"end\">0x%llx</text>\n</svg>\n",
	    (unsigned long long)total);
	mtd_buf_puts(b, "<p class=\"legend\">");
	for (int k = 0; k < 4; k++) {
		mtd_buf_puts(b, "<span>");
		kind_badge(b, (enum mtd_diff_kind)k);
		mtd_buf_puts(b, "</span>");
	}
	mtd_buf_puts(b,
	             "<span class=\"mut\">the strip between the dumps is darker where more bytes differ</span></p>\n");

	/* entropy of both, on the same scale */
	double *e = calloc(6 * COLS, sizeof(double));
	if (e) {
		mtd_buf_puts(b, "<h2 id=\"entropy\">Entropy</h2>\n<div class=\"cols\"><div>A");
		size_t n = cli_html_entropy(a->data, a->size, 4096, COLS, e, e + COLS, e + 2 * COLS);
		cli_html_entropy_svg(b, e, e + COLS, e + 2 * COLS, n, a->size, 4096);
		mtd_buf_puts(b, "</div><div>B");
		n = cli_html_entropy(b2->data, b2->size, 4096, COLS, e + 3 * COLS, e + 4 * COLS, e + 5 * COLS);
		cli_html_entropy_svg(b, e + 3 * COLS, e + 4 * COLS, e + 5 * COLS, n, b2->size, 4096);
		mtd_buf_puts(b, "</div></div>\n");
	}

	mtd_buf_puts(b,
	             "<h2 id=\"partitions\">Partition by partition</h2>\n<table><tr><th>partition</th><th>offset</th>"
	             "<th>size</th><th>A holds</th><th>B holds</th><th>difference</th><th>bytes</th><th>first</th>"
	             "<th>detail</th></tr>\n");
	for (size_t i = 0; i < r->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		const struct mtd_diff_part *dp = &r->parts[i];
		mtd_buf_printf(b, "<tr id=\"d-p%zu\" class=\"part\"><td><a href=\"#mA-p%zu\">", i, i);
		cli_html_text(b, p->name);
		mtd_buf_printf(b, "</a></td><td class=\"n\">0x%08llx</td><td class=\"n\">",
		               (unsigned long long)p->offset);
		cli_html_size(b, p->size);
		mtd_buf_puts(b, "</td><td>");
		holds(b, l, i, a);
		mtd_buf_puts(b, "</td><td>");
		holds(b, l, i, b2);
		mtd_buf_puts(b, "</td><td>");
		kind_badge(b, dp->kind);
		mtd_buf_printf(b, "</td><td class=\"n\">%llu</td><td class=\"n\">", (unsigned long long)dp->nbytes);
		if (dp->nbytes)
			mtd_buf_printf(b, "0x%llx", (unsigned long long)(p->offset + dp->first));
		mtd_buf_puts(b, "</td><td>");
		cli_html_text(b, dp->what);
		mtd_buf_puts(b, "</td></tr>\n");
	}
	mtd_buf_puts(b, "</table>\n");
	cli_html_json(b, "diff-json", json, jlen);
	free(dens);
	free(e);
	return cli_html_finish(b, path);
}
