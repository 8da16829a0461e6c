/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_CLI_HTML_H
#define MTDSCOPE_CLI_HTML_H

/*
 * Self-contained HTML reports (--html FILE on scan, diff, assess, report, verify).
 *
 * One file, inline CSS and SVG, nothing fetched and no script run: the page carries a
 * Content-Security-Policy that allows inline styles and data: images only, and the data is
 * in <script type="application/json"> blocks, which a browser never executes.
 *
 * Markup is built in a struct mtd_buf.  Two kinds of writes, never mixed:
 *  - cli_html_raw() and mtd_buf_printf(): markup the program itself spells (tags, classes,
 *    numbers); printf's arguments are numbers or literals, never text from an input;
 *  - cli_html_text(): any other text (names from images, file names, log lines, values),
 *    first made visible the way a terminal shows it (mtdscope/text.h: controls, bidi
 *    overrides and bad UTF-8 become \xHH, \uHHHH), then & < > " ' as character
 *    references, so it is safe in element content and in a quoted attribute value.
 * JSON goes in through cli_html_json(): "</" becomes "<\/" and "<!--" "\u003c!--" (so no
 * string can end or confuse the block), U+2028 and U+2029 become \u2028 and \u2029;
 * JSON.parse() of the block gives the exact document.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mtdscope/util.h>

/** Open the page: doctype, head with title (untrusted text allowed), the shared stylesheet, body. */
void cli_html_begin(struct mtd_buf *b, const char *title);
void cli_html_raw(struct mtd_buf *b, const char *markup);
/** Untrusted text, escaped for element content and quoted attribute values. */
void cli_html_text(struct mtd_buf *b, const char *s);
void cli_html_textn(struct mtd_buf *b, const char *s, size_t n);
/** A JSON document as <script type="application/json" id="ID"> (id: a literal). */
void cli_html_json(struct mtd_buf *b, const char *id, const char *json, size_t n);
/** "0x%llx" and a human size "(8 MiB)" as text. */
void cli_html_offset(struct mtd_buf *b, uint64_t v);
void cli_html_size(struct mtd_buf *b, uint64_t v);
/**
 * Close the page and write it to path through the output discipline (mtd_write_file_atomic,
 * refused when it is one of cli_inputs(); "-" is standard output).  Releases b.
 * CLI_OK, or CLI_FAIL with the message printed.
 */
int cli_html_finish(struct mtd_buf *b, const char *path);

/* ---- pieces shared by the reports ---- */
enum cli_html_sev { CLI_SEV_ERROR, CLI_SEV_WARN, CLI_SEV_INFO, CLI_SEV_OK };
/** A severity badge: coloured and labelled in words (colour is never the only signal). */
void cli_html_badge(struct mtd_buf *b, enum cli_html_sev s);
const char *cli_html_sev_name(enum cli_html_sev s);

/**
 * Per-block Shannon entropy of data[0..n) (block bytes a block), reduced to at most
 * ncols columns (min, mean, max of the blocks in each).  Arrays of ncols doubles; returns
 * the number of columns filled (0 when n is 0).
 */
size_t cli_html_entropy(const uint8_t *data, uint64_t n, uint64_t block, size_t ncols, double *mn, double *mean,
                        double *mx);
/** The entropy plot as inline SVG over width 1000 (aligned with a map of the same width). */
void cli_html_entropy_svg(struct mtd_buf *b, const double *mn, const double *mean, const double *mx, size_t ncols,
                          uint64_t total, uint64_t block);

/* ---- the reports (src/cli/html_*.c) ---- */
struct mtd_scan_result;
/**
 * scan --html: the map of r, the entropy of data[0..r->size) in eblock-byte blocks (data NULL:
 * none), the findings and the scan JSON, written to path.  CLI_OK or CLI_FAIL (message printed).
 */
int cli_scan_html(const struct mtd_scan_result *r, const uint8_t *data, uint64_t eblock, const char *path);
struct mtd_source;
struct mtd_layout;
struct mtd_diff_report;
/** diff --html: A and B side by side over layout l; dup: the duplicate-Factory warning or NULL; json: diff --json. */
int cli_diff_html(const char *pa, const char *pb, const struct mtd_source *a, const struct mtd_source *b,
                  const struct mtd_layout *l, const struct mtd_diff_report *r, bool differ, const char *dup,
                  const char *json, size_t jlen, const char *path);
struct mtd_facts;
struct mtd_profile;
struct mtd_assessment;
/** assess --html: the verdict first, reasons with evidence, install path, closest devices, profile; json: --json. */
int cli_assess_html(const struct mtd_facts *f, const struct mtd_profile *p, const struct mtd_assessment *a,
                    const char *json, size_t jlen, const char *path);
/** report --html: the profile with the evidence of each value; json: report --json. */
int cli_report_html(const struct mtd_facts *f, const struct mtd_profile *p, const char *json, size_t jlen,
                    const char *path);
struct mtd_verify_report;
struct mtd_part_file;
/** verify --html: the verdict, the layout marked partition by partition, the problems; json: verify --json. */
int cli_verify_html(const struct mtd_layout *l, const struct mtd_verify_report *r, const struct mtd_part_file *files,
                    const char *json, size_t jlen, const char *path);

/*
 * floor(a * b / d) without a wider type (C11 has none; 32-bit targets lack
 * __int128): (a / d) * b + (a % d) * b / d, exact while (a % d) * b and the
 * result fit in 64 bits, as they do for a scale of at most a few thousand
 * columns (b <= d).
 */
static inline uint64_t cli_html_scale(uint64_t a, uint64_t b, uint64_t d)
{
	return a / d * b + a % d * b / d;
}

#endif
