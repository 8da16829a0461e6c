/* SPDX-License-Identifier: MIT */
/* The terminal escaping of untrusted text (include/mtdscope/text.h) and the JSON writer's strings. */
#include <stdlib.h>

#include <mtdscope/text.h>
#include <mtdscope/util.h>

#include "tap.h"

/* s[0..n) escaped through the buffer API; the caller frees the result. */
static char *esc(const char *s, size_t n)
{
	struct mtd_buf b;
	mtd_buf_init(&b, 0);
	mtd_buf_put_text(&b, s, n);
	char *r = strdup(mtd_buf_str(&b));
	mtd_buf_release(&b);
	return r;
}

static void check(const char *in, size_t n, const char *want, const char *what)
{
	char *got = esc(in, n);
	is_str(got, want, "%s", what);
	/* the fixed-size form agrees when there is room */
	char fixed[256];
	size_t need = mtd_text_escape(fixed, sizeof(fixed), in, n);
	is_str(fixed, want, "%s (mtd_text_escape)", what);
	is_int(need, strlen(want), "%s: length needed", what);
	ok(mtd_text_is_plain(in, n) == (strcmp(in, want) == 0 && strlen(in) == n), "%s: is_plain agrees", what);
	free(got);
}

static char *json_of(const char *s, size_t n)
{
	struct mtd_buf b;
	struct mtd_json j;
	mtd_buf_init(&b, 0);
	mtd_json_init(&j, &b, false);
	mtd_json_string_n(&j, s, n);
	char *r = strdup(mtd_buf_str(&b));
	mtd_buf_release(&b);
	return r;
}

int main(void)
{
	check("plain ascii 0-9 ~", 17, "plain ascii 0-9 ~", "printable ASCII is kept");
	check("1\nbootcmd=tftp evil.bin", 23, "1\\nbootcmd=tftp evil.bin", "a newline is \\n");
	check("a\r\tb", 4, "a\\r\\tb", "CR and tab");
	check("run \x1b[31mred", 12, "run \\x1b[31mred", "ESC is \\x1b");
	check("x\x7fy", 3, "x\\x7fy", "DEL");
	check("nul\0in", 6, "nul\\x00in", "a NUL byte inside the text");
	check("back\\slash", 10, "back\\\\slash", "a backslash is doubled so escapes stay unambiguous");
	check("\xc2\x9b"
	      "2J",
	      4, "\\u009b2J", "C1 CSI (U+009B) encoded in UTF-8");
	check("\x9b"
	      "2J",
	      3, "\\x9b2J", "a raw 0x9b byte (invalid UTF-8, 8-bit CSI)");
	check("abc\xe2\x80\xae"
	      "txt.exe",
	      13, "abc\\u202etxt.exe", "RIGHT-TO-LEFT OVERRIDE");
	check("\xe2\x81\xa6x\xe2\x81\xa9", 7, "\\u2066x\\u2069", "isolates U+2066, U+2069");
	check("\xe2\x80\x8f\xd8\x9c", 5, "\\u200f\\u061c", "RLM and ALM");
	check("l\xe2\x80\xa8p\xe2\x80\xa9", 8, "l\\u2028p\\u2029", "line and paragraph separators");
	check("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x93\xa1", 14, "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x93\xa1",
	      "valid UTF-8 (2, 3, 4 bytes) is kept");
	check("\xc0\xaf", 2, "\\xc0\\xaf", "overlong '/' is two bad bytes");
	check("\xe0\x80\xaf", 3, "\\xe0\\x80\\xaf", "overlong three-byte form");
	check("\xed\xa0\x80", 3, "\\xed\\xa0\\x80", "a UTF-16 surrogate");
	check("\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80", "beyond U+10FFFF");
	check("cut\xe2\x80", 5, "cut\\xe2\\x80", "a sequence cut at the end");
	check("\xe2"
	      "ab",
	      3, "\\xe2ab", "a lead byte followed by ASCII");
	check("\xff\xfe", 2, "\\xff\\xfe", "0xff 0xfe");

	uint32_t cp = 0;
	is_int(mtd_utf8_next("\xf0\x9f\x93\xa1", 4, &cp), 4, "utf8_next: 4-byte length");
	is_int(cp, 0x1f4e1, "utf8_next: code point");
	is_int(mtd_utf8_next("\xf0\x9f\x93", 3, &cp), 0, "utf8_next: cut sequence refused");
	is_int(mtd_utf8_next("", 0, &cp), 0, "utf8_next: empty input");

	/* cutting: never half an escape, always NUL-terminated, "..." says it was cut */
	char small[12];
	size_t need = mtd_text_escape(small, sizeof(small), "\x1b\x1b\x1b\x1b", 4);
	is_int(need, 16, "cut: the full length is reported");
	is_str(small, "\\x1b\\x1b...", "cut at an escape boundary with ...");
	need = mtd_text_escape(small, sizeof(small), "12345678901", 11);
	is_str(small, "12345678901", "a text of exactly size-1 bytes is not cut");
	need = mtd_text_escape(small, sizeof(small), "123456789012", 12);
	is_str(small, "12345678...", "one byte more is cut");
	char tiny[2];
	mtd_text_escape(tiny, sizeof(tiny), "\n", 1);
	is_str(tiny, "", "a buffer too small for any escape holds the empty string");
	is_int(mtd_text_escape(NULL, 0, "a\nb", 3), 4, "size 0: only the length");

	/* an escape in a full buffer fails cleanly */
	struct mtd_buf lim;
	mtd_buf_init(&lim, 8);
	ok(mtd_buf_put_text(&lim, "\x1b\x1b\x1b\x1b", 4) != 0, "a buffer with a maximum reports the limit");
	mtd_buf_release(&lim);

	/* JSON keeps exact values: controls as \u00XX, valid UTF-8 (also bidi, C1) as it is */
	char *j = json_of("1\nb\x1b[31m\"\\", 10);
	is_str(j, "\"1\\u000ab\\u001b[31m\\\"\\\\\"", "JSON: controls, quote and backslash escaped");
	free(j);
	j = json_of("a\xe2\x80\xae"
	            "b\xc2\x9b",
	            7);
	is_str(j,
	       "\"a\xe2\x80\xae"
	       "b\xc2\x9b\"",
	       "JSON: valid UTF-8 bidi and C1 kept exactly");
	free(j);
	j = json_of("\xed\xa0\x80\xc0\xaf\xff", 6);
	is_str(j, "\"\\u00ed\\u00a0\\u0080\\u00c0\\u00af\\u00ff\"",
	       "JSON: invalid UTF-8 bytes as \\u00XX (strict decoding)");
	free(j);
	return tap_done();
}
