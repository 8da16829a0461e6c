/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include <mtdscope/outfile.h>
#include <mtdscope/reader.h>
#include <mtdscope/text.h>

#include "cli.h"
#include "html.h"

/* Colour-blind-safe colours (Okabe and Ito) for severities, always with a word beside them. */
static const char css[] =
    ":root{--err:#d55e00;--warn:#e69f00;--info:#0072b2;--ok:#009e73;--fg:#1b1b1b;--mut:#5b5b5b}\n"
    "body{font:14px/1.4 system-ui,sans-serif;color:var(--fg);background:#fff;margin:1.5em auto;max-width:"
    "1200px;padding:0 1em}\n"
    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.2em 0 .4em;border-bottom:1px solid #ccc}\n"
    "code,.mono,td.n{font-family:ui-monospace,monospace;font-size:.92em}\n"
    "table{border-collapse:collapse;width:100%}td,th{padding:2px 6px;text-align:left;vertical-align:top;"
    "border-bottom:1px solid #eee}th{background:#f4f4f4}td.n{text-align:right;white-space:nowrap}\n"
    ".badge{display:inline-block;min-width:4.5em;text-align:center;font-weight:600;font-size:.8em;"
    "border-radius:3px;padding:0 4px;color:#fff}\n"
    ".s-error{background:var(--err)}.s-warn{background:var(--warn);color:#000}.s-info{background:var(--info)}"
    ".s-ok{background:var(--ok)}\n"
    ".verdict{font-size:1.3em;padding:.5em .8em;border-left:8px solid var(--info);background:#f4f8fb}\n"
    ".verdict.s-v-error{border-color:var(--err)}.verdict.s-v-ok{border-color:var(--ok)}"
    ".verdict.s-v-warn{border-color:var(--warn)}\n"
    "svg{display:block;width:100%;height:auto}svg text{font:10px sans-serif;fill:#000}\n"
    "svg .lbl{font-size:9px}svg .ax{font:9px ui-monospace,monospace;fill:#333}\n"
    "svg a:target rect,svg rect:target{stroke:#000;stroke-width:3}\n"
    "tr:target{outline:3px solid var(--info)}\n"
    ".legend span{display:inline-block;margin-right:1.2em}.sw{display:inline-block;width:1em;height:1em;"
    "vertical-align:-.15em;border:1px solid #777;margin-right:.3em}\n"
    ".mut{color:var(--mut)}ul.f{list-style:none;padding:0}ul.f li{margin:.15em 0}\n"
    ".cols{display:grid;grid-template-columns:1fr 1fr;gap:1em}\n"
    "details{margin:.4em 0}summary{cursor:pointer}\n"
    ".diff-same{color:var(--mut)}.diff-chg{font-weight:600}\n"
    "pre{white-space:pre-wrap;background:#f6f6f6;padding:.4em}\n"
    "@media print{body{max-width:none;margin:0;font-size:10pt}a{color:inherit;text-decoration:none}"
    ".noprint{display:none}h2{break-after:avoid}tr,li,svg{break-inside:avoid}"
    ".badge{border:1px solid #000;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

void cli_html_raw(struct mtd_buf *b, const char *markup)
{
	mtd_buf_puts(b, markup);
}

void cli_html_textn(struct mtd_buf *b, const char *s, size_t n)
{
	if (!s) {
		s = "";
		n = 0;
	}
	struct mtd_buf t;
	mtd_buf_init(&t, 0);
	if (mtd_buf_put_text(&t, s, n)) {
		mtd_buf_release(&t);
		mtd_buf_puts(b, "(text too long)");
		return;
	}
	const char *p = mtd_buf_str(&t);
	size_t from = 0, i = 0;
	for (; i < t.len; i++) {
		const char *rep = NULL;
		switch (p[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		mtd_buf_append(b, p + from, i - from);
		mtd_buf_puts(b, rep);
		from = i + 1;
	}
	mtd_buf_append(b, p + from, i - from);
	mtd_buf_release(&t);
}

void cli_html_text(struct mtd_buf *b, const char *s)
{
	cli_html_textn(b, s, s ? strlen(s) : 0);
}

void cli_html_json(struct mtd_buf *b, const char *id, const char *json, size_t n)
{
	mtd_buf_printf(b, "<script type=\"application/json\" id=\"%s\">", id);
	size_t from = 0, i = 0;
	for (; i < n; i++) {
		const char *rep = NULL;
		size_t skip = 1;
		if (json[i] == '<' && i + 1 < n && json[i + 1] == '/') {
			rep = "<\\/";
			skip = 2;
		} else if (json[i] == '<' && i + 1 < n && json[i + 1] == '!') {
			rep = "\\u003c";
		} else if ((unsigned char)json[i] == 0xe2 && i + 2 < n && (unsigned char)json[i + 1] == 0x80 &&
		           ((unsigned char)json[i + 2] == 0xa8 || (unsigned char)json[i + 2] == 0xa9)) {
			rep = (unsigned char)json[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
			skip = 3;
		}
		if (!rep)
			continue;
		mtd_buf_append(b, json + from, i - from);
		mtd_buf_puts(b, rep);
		i += skip - 1;
		from = i + 1;
	}
	mtd_buf_append(b, json + from, n - from);
	mtd_buf_puts(b, "</script>\n");
}

void cli_html_offset(struct mtd_buf *b, uint64_t v)
{
	mtd_buf_printf(b, "0x%llx", (unsigned long long)v);
}

void cli_html_size(struct mtd_buf *b, uint64_t v)
{
	char sz[32];
	mtd_format_size(v, sz, sizeof(sz));
	cli_html_text(b, sz);
}

void cli_html_begin(struct mtd_buf *b, const char *title)
{
	mtd_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	                "style-src 'unsafe-inline'; img-src data:\">\n"
	                "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
	                "<meta name=\"generator\" content=\"mtdscope\">\n<title>");
	cli_html_text(b, title);
	mtd_buf_puts(b, "</title>\n<style>\n");
	mtd_buf_puts(b, css);
	mtd_buf_puts(b, "</style></head>\n<body>\n");
}

int cli_html_finish(struct mtd_buf *b, const char *path)
{
	mtd_buf_puts(b, "<footer class=\"mut\"><p>Written by mtdscope. Self-contained: no script runs and nothing "
	                "is fetched; the data is in the page as JSON (script elements of type application/json)."
	                "</p></footer>\n</body></html>\n");
	if (b->err) {
		cli_error("%s: the HTML report did not fit in memory", path);
		mtd_buf_release(b);
		return CLI_FAIL;
	}
	struct mtd_diag d;
	mtd_diag_clear(&d);
	int rc = mtd_write_file_atomic(path, b->data, b->len, false, cli_inputs(), &d);
	mtd_buf_release(b);
	if (rc) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static const char *const sev_names[] = {"error", "warn", "info", "ok"};
static const char *const sev_words[] = {"ERROR", "WARNING", "INFO", "OK"};

const char *cli_html_sev_name(enum cli_html_sev s)
{
	return sev_names[s];
}

void cli_html_badge(struct mtd_buf *b, enum cli_html_sev s)
{
	mtd_buf_printf(b, "<span class=\"badge s-%s\">%s</span>", sev_names[s], sev_words[s]);
}

size_t cli_html_entropy(const uint8_t *data, uint64_t n, uint64_t block, size_t ncols, double *mn, double *mean,
                        double *mx)
{
	if (!n || !ncols || !block)
		return 0;
	uint64_t nblocks = n / block + (n % block != 0);
	size_t cols = nblocks < ncols ? (size_t)nblocks : ncols;
	struct mtd_reader r;
	mtd_rd_init(&r, data, (size_t)n, 0);
	for (size_t c = 0; c < cols; c++) {
		/* the blocks [c*nblocks/cols, (c+1)*nblocks/cols) */
		uint64_t b0 = cli_html_scale(nblocks, c, cols);
		uint64_t b1 = cli_html_scale(nblocks, c + 1, cols);
		double lo = 8, hi = 0, sum = 0;
		uint64_t cnt = 0;
		for (uint64_t k = b0; k < b1; k++) {
			uint64_t at = k * block;
			size_t len = (size_t)(n - at < block ? n - at : block);
			const uint8_t *p;
			if (!mtd_rd_seek(&r, (size_t)at) || !mtd_rd_bytes(&r, len, &p))
				break;
			uint64_t hist[256] = {0};
			for (size_t i = 0; i < len; i++)
				hist[p[i]]++;
			double e = mtd_entropy(hist, len);
			lo = e < lo ? e : lo;
			hi = e > hi ? e : hi;
			sum += e;
			cnt++;
		}
		mn[c] = cnt ? lo : 0;
		mx[c] = cnt ? hi : 0;
		mean[c] = cnt ? sum / (double)cnt : 0;
	}
	return cols;
}

void cli_html_entropy_svg(struct mtd_buf *b, const double *mn, const double *mean, const double *mx, size_t ncols,
                          uint64_t total, uint64_t block)
{
	const double H = 110, top = 6;
	mtd_buf_puts(b, "<svg viewBox=\"0 0 1000 130\" role=\"img\" aria-label=\"entropy per block\" "
	                "preserveAspectRatio=\"none\" style=\"aspect-ratio:1000/130\">\n");
	mtd_buf_puts(b, "<rect x=\"0\" y=\"6\" width=\"1000\" height=\"110\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n");
	for (int g = 0; g <= 8; g += 2) {
		double y = top + H - H * g / 8.0;
		mtd_buf_printf(b, "<line x1=\"0\" x2=\"1000\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", y, y);
		mtd_buf_printf(b, "<text class=\"ax\" x=\"2\" y=\"%.1f\">%d</text>\n", y - 1, g);
	}
	if (ncols) {
		double w = 1000.0 / (double)ncols;
		/* the band between the lowest and the highest block of each column */
		mtd_buf_puts(b, "<polygon fill=\"#56b4e9\" fill-opacity=\"0.45\" stroke=\"none\" points=\"");
		for (size_t c = 0; c < ncols; c++)
			mtd_buf_printf(b, "%.1f,%.1f %.1f,%.1f ", c * w, top + H - H * mx[c] / 8, (c + 1) * w,
			               top + H - H * mx[c] / 8);
		for (size_t c = ncols; c-- > 0;)
			mtd_buf_printf(b, "%.1f,%.1f %.1f,%.1f ", (c + 1) * w, top + H - H * mn[c] / 8, c * w,
			               top + H - H * mn[c] / 8);
		mtd_buf_puts(b, "\"/>\n<polyline fill=\"none\" stroke=\"#0072b2\" stroke-width=\"1.2\" points=\"");
		for (size_t c = 0; c < ncols; c++)
			mtd_buf_printf(b, "%.1f,%.1f ", (c + 0.5) * w, top + H - H * mean[c] / 8);
		mtd_buf_puts(b, "\"/>\n");
	}
	mtd_buf_printf(b,
	               "<text class=\"ax\" x=\"998\" y=\"128\" text-anchor=\"end\">0x%llx</text>"
	               "<text class=\"ax\" x=\"0\" y=\"128\">0x0</text>\n",
	               (unsigned long long)total);
	mtd_buf_printf(b,
	               "<title>Shannon entropy in bits per byte of each %llu-byte block (0 to 8); band: lowest "
	               "to highest block under each point, line: mean</title></svg>\n",
	               (unsigned long long)block);
}
