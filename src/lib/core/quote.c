/* SPDX-License-Identifier: MIT */
/* Names on printed command lines: the rules are in include/mtdscope/quote.h. */
#include <stdio.h>
#include <string.h>

#include <mtdscope/quote.h>
#include <mtdscope/text.h>

static bool word_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-';
}

bool mtd_word_safe(const char *s)
{
	if (!s || !*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!word_char((unsigned char)*s))
			return false;
	return true;
}

bool mtd_shell_printable(const char *s)
{
	return s && mtd_text_is_plain(s, strlen(s));
}

int mtd_buf_put_shell(struct mtd_buf *b, const char *s)
{
	bool bare = s && *s && *s != '-' && *s != '=';
	for (const char *c = s; bare && *c; c++)
		bare = word_char((unsigned char)*c) || strchr("/+:=,@%", *c);
	if (bare)
		return mtd_buf_puts(b, s);
	mtd_buf_puts(b, "'");
	for (const char *c = s ? s : ""; *c; c++) {
		if (*c == '\'')
			mtd_buf_puts(b, "'\\''");
		else
			mtd_buf_append(b, c, 1);
	}
	return mtd_buf_puts(b, "'");
}

bool mtd_uboot_text_ok(const char *s)
{
	if (!mtd_shell_printable(s))
		return false;
	return !strpbrk(s, ";$'\"\\#");
}

void mtd_safe_filename(const char *name, const char *fallback, const char *suffix, char *out, size_t size)
{
	if (size == 0)
		return;
	size_t sl = strlen(suffix), k = 0;
	for (const char *c = name ? name : ""; *c && k < 60 && k + sl + 1 < size; c++) {
		unsigned char ch = (unsigned char)*c;
		bool keep = word_char(ch) && !(k == 0 && (ch == '.' || ch == '-'));
		out[k++] = keep ? (char)ch : '_';
	}
	out[k] = 0;
	/* nothing but replacement characters is no name */
	bool any = false;
	for (size_t i = 0; i < k; i++)
		any |= out[i] != '_';
	if (!any)
		k = (size_t)snprintf(out, size, "%s", fallback);
	if (k < size)
		snprintf(out + k, size - k, "%s", suffix);
}
