/* SPDX-License-Identifier: MIT */
/* Untrusted text made safe for a terminal: the rules are in include/mtdscope/text.h. */
#include <string.h>

#include <mtdscope/text.h>

size_t mtd_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned char c = (unsigned char)s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0; /* a continuation byte, C0/C1 (overlong two-byte forms) or F5..FF */
	}
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		unsigned char t = (unsigned char)s[k];
		if ((t & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (t & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

bool mtd_text_cp_escaped(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x5c || (cp >= 0x7f && cp <= 0x9f))
		return true;
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* The escape for the character or byte at s (n > 0): writes it to e, returns its length, and the
 * number of input bytes it stands for through used.  0 when the character is copied as it is. */
static size_t escape_one(const char *s, size_t n, char e[8], size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t cp;
	size_t len = mtd_utf8_next(s, n, &cp);
	if (len == 0) {
		unsigned char c = (unsigned char)s[0];
		*used = 1;
		e[0] = '\\', e[1] = 'x', e[2] = hex[c >> 4], e[3] = hex[c & 15];
		return 4;
	}
	*used = len;
	if (!mtd_text_cp_escaped(cp))
		return 0;
	e[0] = '\\';
	switch (cp) {
	case '\n': e[1] = 'n'; return 2;
	case '\r': e[1] = 'r'; return 2;
	case '\t': e[1] = 't'; return 2;
	case '\\': e[1] = '\\'; return 2;
	default: break;
	}
	if (cp < 0x80) {
		e[1] = 'x', e[2] = hex[cp >> 4], e[3] = hex[cp & 15];
		return 4;
	}
	e[1] = 'u';
	for (int k = 0; k < 4; k++)
		e[2 + k] = hex[(cp >> (12 - 4 * k)) & 15];
	return 6;
}

bool mtd_text_is_plain(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		char e[8];
		size_t used;
		if (escape_one(s + i, n - i, e, &used))
			return false;
		i += used;
	}
	return true;
}

int mtd_buf_put_text(struct mtd_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* the longest run copied as it is, then one escape */
		size_t k = i, used = 0, elen = 0;
		char e[8];
		while (k < n && (elen = escape_one(s + k, n - k, e, &used)) == 0)
			k += used;
		if (k > i && mtd_buf_append(b, s + i, k - i))
			return b->err;
		if (k < n && mtd_buf_append(b, e, elen))
			return b->err;
		i = k < n ? k + used : k;
	}
	return b->err;
}

int mtd_buf_put_texts(struct mtd_buf *b, const char *s)
{
	return s ? mtd_buf_put_text(b, s, strlen(s)) : mtd_buf_puts(b, "(null)");
}

size_t mtd_text_escape(char *out, size_t size, const char *s, size_t n)
{
	size_t need = 0;
	for (size_t i = 0; i < n;) {
		char e[8];
		size_t used, elen = escape_one(s + i, n - i, e, &used);
		need += elen ? elen : used;
		i += used;
	}
	if (size == 0)
		return need;
	/* when it does not fit, keep room for "..." and the NUL */
	size_t room = need < size ? need : size > 4 ? size - 4 : 0, o = 0;
	for (size_t i = 0; i < n;) {
		char e[8];
		size_t used, elen = escape_one(s + i, n - i, e, &used);
		size_t plen = elen ? elen : used;
		if (o + plen > room)
			break;
		memcpy(out + o, elen ? e : s + i, plen);
		o += plen;
		i += used;
	}
	if (need >= size && size >= 4) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = 0;
	return need;
}
