/* SPDX-License-Identifier: MIT */
/*
 * assess --html and report --html: the verdict first (assess), then the reasons with their
 * evidence, the install path with its commands, the closest OpenWrt devices, and the profile
 * with the line proving each value (file:line); the --json document in the page.
 */
#include <string.h>

#include <mtdscope/device.h>

#include "cli.h"
#include "html.h"

static void evidence(struct mtd_buf *b, const struct mtd_fact *x)
{
	if (!x)
		return;
	mtd_buf_puts(b, "<div class=\"ev mono mut\"><span class=\"loc\">");
	cli_html_text(b, cli_fact_base(x->file));
	mtd_buf_printf(b, ":%u</span> ", x->line);
	cli_html_text(b, x->text);
	mtd_buf_puts(b, "</div>");
}

static void h_row(void *ctx, const char *label, const char *value, const struct mtd_fact *src)
{
	struct mtd_buf *b = ctx;
	if (!value || !value[0])
		return;
	mtd_buf_puts(b, "<tr class=\"prof\"><th>");
	cli_html_text(b, label);
	mtd_buf_puts(b, "</th><td>");
	cli_html_text(b, value);
	mtd_buf_puts(b, "</td><td>");
	evidence(b, src);
	mtd_buf_puts(b, "</td></tr>\n");
}

static void h_line(void *ctx, const char *label, const char *value)
{
	h_row(ctx, label, value, NULL);
}

static void h_conflict(void *ctx, const struct mtd_conflict *c, size_t i)
{
	struct mtd_buf *b = ctx;
	mtd_buf_printf(b, "<tr class=\"prof\"><th>%s</th><td>", i ? "" : "Conflicts");
	cli_html_badge(b, CLI_SEV_WARN);
	mtd_buf_puts(b, " ");
	cli_html_text(b, c->what);
	mtd_buf_puts(b, "</td><td>");
	evidence(b, c->a);
	evidence(b, c->b);
	mtd_buf_puts(b, "</td></tr>\n");
}

static void profile(struct mtd_buf *b, const struct mtd_profile *p)
{
	mtd_buf_puts(b, "<h2 id=\"profile\">Profile</h2>\n<table><tr><th></th><th>value</th><th>evidence "
	                "(file:line)</th></tr>\n");
	const struct cli_profile_out o = {.row = h_row, .line = h_line, .conflict = h_conflict, .ctx = b};
	cli_device_profile_out(p, &o);
	mtd_buf_puts(b, "</table>\n");
}

static enum cli_html_sev reason_sev(enum mtd_reason_kind k)
{
	switch (k) {
	case MTD_REASON_BLOCKER: return CLI_SEV_ERROR;
	case MTD_REASON_WARN: return CLI_SEV_WARN;
	case MTD_REASON_GOOD: return CLI_SEV_OK;
	default: return CLI_SEV_INFO;
	}
}

static void files_line(struct mtd_buf *b, const struct mtd_facts *f)
{
	mtd_buf_printf(b, "<p class=\"mut\">%zu file%s, %zu lines, %zu facts.</p>\n", f->files,
	               f->files == 1 ? "" : "s", f->lines, f->n);
}

int cli_assess_html(const struct mtd_facts *f, const struct mtd_profile *p, const struct mtd_assessment *a,
                    const char *json, size_t jlen, const char *path)
{
	static const char *const big[] = {"UNKNOWN", "SUPPORTED", "POSSIBLE PORT", "NOT VIABLE"};
	static const char *const vcls[] = {"", "s-v-ok", "s-v-warn", "s-v-error"};
	struct mtd_buf page, *b = &page;
	mtd_buf_init(b, 64u << 20);
	cli_html_begin(b, a->headline ? a->headline : "mtdscope assess");
	mtd_buf_puts(b, "<h1>Can OpenWrt run on it?</h1>\n");
	unsigned v = (unsigned)a->verdict < 4 ? (unsigned)a->verdict : 0;
	mtd_buf_printf(b, "<p class=\"verdict %s\" id=\"verdict\"><strong>%s</strong> &mdash; ", vcls[v], big[v]);
	cli_html_text(b, a->headline);
	mtd_buf_puts(b, "</p>\n");
	files_line(b, f);

	mtd_buf_puts(b, "<h2 id=\"reasons\">Reasons</h2>\n<ul class=\"f\">\n");
	static const enum mtd_reason_kind order[] = {MTD_REASON_BLOCKER, MTD_REASON_WARN, MTD_REASON_GOOD,
	                                             MTD_REASON_INFO};
	for (size_t o = 0; o < 4; o++)
		for (size_t i = 0; i < a->nreasons; i++) {
			const struct mtd_reason *r = &a->reasons[i];
			if (r->kind != order[o] || (!strcmp(r->topic, "twin") && !r->nev))
				continue;
			mtd_buf_puts(b, "<li class=\"reason\">");
			cli_html_badge(b, reason_sev(r->kind));
			mtd_buf_puts(b, " ");
			cli_html_text(b, r->text);
			for (size_t k = 0; k < r->nev; k++)
				evidence(b, r->ev[k]);
			mtd_buf_puts(b, "</li>\n");
		}
	mtd_buf_puts(b, "</ul>\n");

	if (a->install.nsteps) {
		mtd_buf_puts(b, "<h2 id=\"install\">Install path");
		if (a->install.for_device && a->install.for_device[0]) {
			mtd_buf_puts(b, " for the ");
			cli_html_text(b, a->install.for_device);
		}
		if (a->install.device && a->install.device[0]) {
			mtd_buf_puts(b, " with the images of the ");
			cli_html_text(b, a->install.device);
		}
		mtd_buf_puts(b, "</h2>\n<ol>\n");
		for (size_t i = 0; i < a->install.nsteps; i++) {
			mtd_buf_puts(b, "<li class=\"step\">");
			cli_html_text(b, a->install.steps[i]);
			mtd_buf_puts(b, "</li>\n");
		}
		mtd_buf_puts(b, "</ol>\n");
		if (a->install.netboot && a->install.netboot[0]) {
			mtd_buf_puts(b, "<p>Boot it over the network:</p><pre class=\"cmd\">");
			cli_html_text(b, a->install.netboot);
			mtd_buf_puts(b, "</pre>\n");
		}
		if (a->install.serve && a->install.serve[0]) {
			mtd_buf_puts(b, "<p>Or serve the image and boot by hand:</p><pre class=\"cmd\">");
			cli_html_text(b, a->install.serve);
			mtd_buf_puts(b, "</pre>\n");
		}
	}

	if (a->ntwins) {
		mtd_buf_puts(b,
		             "<h2 id=\"twins\">Closest supported devices</h2>\n<table><tr><th>score</th><th>model</th>"
		             "<th>target</th><th>compatible</th><th>why</th></tr>\n");
		for (size_t i = 0; i < a->ntwins; i++) {
			const struct mtd_twin *t = &a->twins[i];
			mtd_buf_printf(b, "<tr class=\"twin\"><td class=\"n\">%d</td><td>", t->score);
			cli_html_text(b, t->model);
			if (t->identical)
				mtd_buf_puts(b, " <strong>(this device)</strong>");
			mtd_buf_puts(b, "</td><td>");
			cli_html_text(b, t->target);
			mtd_buf_puts(b, "/");
			cli_html_text(b, t->subtarget);
			mtd_buf_puts(b, "</td><td class=\"mono\">");
			cli_html_text(b, t->compatible);
			mtd_buf_puts(b, "</td><td>");
			cli_html_text(b, t->why);
			if (t->compared && t->compared[0] && !t->identical) {
				mtd_buf_puts(b, "<div class=\"mut\">compared: ");
				cli_html_text(b, t->compared);
				mtd_buf_puts(b, "</div>");
			}
			mtd_buf_puts(b, "</td></tr>\n");
		}
		mtd_buf_puts(b, "</table>\n");
	}
	profile(b, p);
	cli_html_json(b, "assess-json", json, jlen);
	return cli_html_finish(b, path);
}

int cli_report_html(const struct mtd_facts *f, const struct mtd_profile *p, const char *json, size_t jlen,
                    const char *path)
{
	struct mtd_buf page, *b = &page;
	mtd_buf_init(b, 64u << 20);
	cli_html_begin(b, "mtdscope report");
	mtd_buf_puts(b, "<h1>Device report</h1>\n");
	files_line(b, f);
	profile(b, p);
	cli_html_json(b, "report-json", json, jlen);
	return cli_html_finish(b, path);
}
