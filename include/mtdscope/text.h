/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_TEXT_H
#define MTDSCOPE_TEXT_H

/*
 * Untrusted text on a terminal.  Names, values and log bytes taken from images,
 * dumps, layouts or a serial line are shown through mtd_text_escape() or
 * mtd_buf_put_text(): what a terminal would act on, or what would make the
 * text look like something it is not, becomes a visible escape:
 *
 *   \n \r \t          newline, carriage return, tab
 *   \\                a backslash (so an escape in the output is never ambiguous)
 *   \xHH              any other C0 control byte (0x00-0x1f, ESC is \x1b), DEL (\x7f),
 *                     and every byte that is not part of valid UTF-8 (cut, overlong,
 *                     a surrogate, beyond U+10FFFF)
 *   \uHHHH            C1 controls (U+0080-U+009F), bidirectional formatting
 *                     (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), and the
 *                     line and paragraph separators U+2028, U+2029
 *
 * Everything else (printable ASCII, valid UTF-8) is copied as it is.  JSON output
 * does not use this: the JSON writer keeps the exact value (see doc/scan-json.md).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mtdscope/util.h>

/**
 * Decode one UTF-8 sequence at the start of s[0..n) strictly (no overlong form, no
 * surrogate, nothing beyond U+10FFFF, not cut).  Returns its length (1 to 4) and the
 * code point through cp, or 0 when s[0] does not start a valid sequence (or n is 0).
 */
size_t mtd_utf8_next(const char *s, size_t n, uint32_t *cp);

/** true when code point cp is shown as an escape (see above). */
bool mtd_text_cp_escaped(uint32_t cp);

/** true when s[0..n) is shown exactly as it is (nothing to escape). */
bool mtd_text_is_plain(const char *s, size_t n);

/**
 * Append s[0..n) to b escaped for a terminal.  Returns 0 or the buffer's error
 * (MTD_ERR_LIMIT, MTD_ERR_NOMEM).
 */
int mtd_buf_put_text(struct mtd_buf *b, const char *s, size_t n);

/** mtd_buf_put_text() of a NUL-terminated string; NULL appends "(null)". */
int mtd_buf_put_texts(struct mtd_buf *b, const char *s);

/**
 * Escape s[0..n) into out (size bytes, always NUL-terminated when size > 0).  When the
 * escaped text does not fit it is cut at an escape or character boundary and ends in
 * "...".  Returns the length the whole escaped text needs (without the NUL), so a
 * result >= size means it was cut.
 */
size_t mtd_text_escape(char *out, size_t size, const char *s, size_t n);

#endif
