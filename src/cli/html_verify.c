/* SPDX-License-Identifier: MIT */
/*
 * verify --html: the backup's verdict first, the layout as a bar with each partition marked by
 * what its check found (words beside the colours), a row a partition (file, size, whole-chip
 * match, content, SHA-256), the problems, and the verify JSON.
 */
#include <string.h>

#include <mtdscope/layout.h>

#include "cli.h"
#include "html.h"

static bool missing(const struct mtd_layout *l, const struct mtd_verify_report *r, size_t i)
{
	const struct mtd_verify_part *v = &r->parts[i];
	return v->file < 0 && !(l->parts[i].flags & MTD_PART_WHOLE_CHIP) && l->parts[i].parent < 0 && !v->check.what[0];
}

static int part_sev(const struct mtd_layout *l, const struct mtd_verify_report *r, size_t i)
{
	const struct mtd_verify_part *v = &r->parts[i];
	if (missing(l, r, i) || (v->file >= 0 && !v->size_ok) || (v->whole_compared && !v->matches_whole) ||
	    v->check.state == MTD_CONTENT_BAD)
		return CLI_SEV_ERROR;
	if (v->check.state == MTD_CONTENT_ERASED || v->check.state == MTD_CONTENT_ZERO)
		return l->parts[i].role == MTD_ROLE_FACTORY || l->parts[i].role == MTD_ROLE_BOOTLOADER ? CLI_SEV_ERROR
		                                                                                       : CLI_SEV_WARN;
	if (v->file < 0 && !v->check.what[0])
		return CLI_SEV_INFO;
	return v->check.state == MTD_CONTENT_OK ? CLI_SEV_OK : CLI_SEV_INFO;
}

static const char *const sev_fill[] = {"#d55e00", "#e69f00", "#dddddd", "#009e73"};

int cli_verify_html(const struct mtd_layout *l, const struct mtd_verify_report *r, const struct mtd_part_file *files,
                    const char *json, size_t jlen, const char *path)
{
	struct mtd_buf page, *b = &page;
	mtd_buf_init(b, 64u << 20);
	cli_html_begin(b, "mtdscope verify");
	mtd_buf_puts(b, "<h1>Backup check</h1>\n");
	mtd_buf_printf(b, "<p class=\"verdict %s\" id=\"verdict\"><strong>%s</strong></p>\n",
	               r->ok ? "s-v-ok" : "s-v-error",
	               r->ok         ? "backup complete and consistent"
	               : r->complete ? "backup complete but NOT right: see the problems"
	                             : "backup INCOMPLETE: see the problems");
	mtd_buf_puts(b, "<p class=\"mut\">layout: ");
	cli_html_text(b, l->source);
	mtd_buf_puts(b, "</p>\n");

	uint64_t total = l->chip_size;
	for (size_t i = 0; i < l->nparts; i++)
		if (l->parts[i].offset + l->parts[i].size > total)
			total = l->parts[i].offset + l->parts[i].size;
	if (total) {
		double scale = 1000.0 / (double)total;
		mtd_buf_puts(b,
		             "<h2 id=\"map\">Layout</h2>\n<svg viewBox=\"0 0 1000 58\" role=\"img\" aria-label=\"the "
		             "partitions\" style=\"aspect-ratio:1000/58\">\n");
		for (size_t i = 0; i < l->nparts; i++) {
			const struct mtd_part *p = &l->parts[i];
			if (p->flags & MTD_PART_WHOLE_CHIP && l->nparts > 1)
				continue;
			int depth = 0;
			for (int q = p->parent; q >= 0 && (size_t)q < l->nparts && depth < 4; q = l->parts[q].parent)
				depth++;
			double x = (double)p->offset * scale, w = (double)p->size * scale;
			if (w < 2)
				w = 2;
			if (x + w > 1000)
				x = 1000 - w;
			int s = part_sev(l, r, i);
			mtd_buf_printf(b, "<a href=\"#v-p%zu\" id=\"m-p%zu\"><title>", i, i);
			cli_html_text(b, p->name);
			mtd_buf_printf(b, " at 0x%llx, 0x%llx bytes (", (unsigned long long)p->offset,
			               (unsigned long long)p->size);
			cli_html_size(b, p->size);
			mtd_buf_printf(b, "): %s", cli_html_sev_name((enum cli_html_sev)s));
			mtd_buf_printf(
			    b,
			    "</title><svg x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\"><rect width=\"100%%\" "
			    "height=\"100%%\" fill=\"%s\" stroke=\"#333\" stroke-width=\".6\"/>",
			    x, 2 + depth * 14, w, 26 - depth * 4, sev_fill[s]);
			if (w >= 24) {
				mtd_buf_printf(b, "<text class=\"lbl\" x=\"3\" y=\"11\" style=\"fill:%s\">",
				               s == CLI_SEV_ERROR ? "#fff" : "#000");
				cli_html_text(b, p->name);
				mtd_buf_puts(b, "</text>");
			}
			mtd_buf_puts(b, "</svg></a>\n");
		}
		mtd_buf_printf(b,
		               "<text class=\"ax\" x=\"0\" y=\"56\">0x0</text><text class=\"ax\" x=\"1000\" y=\"56\" "
		               "text-anchor=\"end\">0x%llx</text></svg>\n",
		               (unsigned long long)total);
	}
	if (r->nproblems) {
		mtd_buf_puts(b, "<h2 id=\"problems\">Problems</h2>\n<ul class=\"f\">\n");
		for (size_t i = 0; i < r->nproblems; i++) {
			mtd_buf_puts(b, "<li>");
			cli_html_badge(b, CLI_SEV_ERROR);
			mtd_buf_puts(b, " ");
			cli_html_text(b, r->problems[i]);
			mtd_buf_puts(b, "</li>\n");
		}
		mtd_buf_puts(b, "</ul>\n");
	}
	mtd_buf_puts(b, "<h2 id=\"partitions\">Partitions</h2>\n<table><tr><th>#</th><th>partition</th><th>file</th>"
	                "<th>size</th><th>size ok</th><th>whole dump</th><th>check</th><th>content</th><th>SHA-256</th>"
	                "</tr>\n");
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_verify_part *v = &r->parts[i];
		const struct mtd_part *p = &l->parts[i];
		bool miss = missing(l, r, i);
		mtd_buf_printf(b, "<tr id=\"v-p%zu\" class=\"part\"><td class=\"n\">%zu</td><td><a href=\"#m-p%zu\">",
		               i, i, i);
		cli_html_text(b, p->name);
		mtd_buf_puts(b, "</a></td><td class=\"mono\">");
		if (v->file >= 0)
			cli_html_text(b, files[v->file].path);
		else
			mtd_buf_puts(b, miss               ? "<strong>MISSING</strong>"
			                : v->check.what[0] ? "(in the whole dump)"
			                                   : "-");
		mtd_buf_printf(b, "</td><td class=\"n\">0x%08llx</td><td>%s</td><td>%s</td><td>",
		               (unsigned long long)p->size,
		               v->file < 0  ? (miss ? "MISS" : "-")
		               : v->size_ok ? "ok"
		                            : "BAD",
		               !v->whole_compared ? "-"
		               : v->matches_whole ? "same"
		                                  : "DIFF");
		cli_html_badge(b, (enum cli_html_sev)part_sev(l, r, i));
		mtd_buf_puts(b, "</td><td>");
		if (miss)
			mtd_buf_puts(b, "MISSING: no file holds this partition");
		else if (v->file >= 0 || v->check.what[0]) {
			cli_html_text(b, mtd_content_state_name(v->check.state));
			mtd_buf_puts(b, ": ");
			cli_html_text(b, v->check.what[0] ? v->check.what : "-");
		}
		mtd_buf_puts(b, "</td><td class=\"mono\" style=\"font-size:.75em;word-break:break-all\">");
		if (v->file >= 0)
			cli_html_text(b, v->sha256);
		mtd_buf_puts(b, "</td></tr>\n");
	}
	mtd_buf_puts(b, "</table>\n");
	cli_html_json(b, "verify-json", json, jlen);
	return cli_html_finish(b, path);
}
