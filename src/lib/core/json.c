/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <mtdscope/text.h>
#include <mtdscope/util.h>

void mtd_json_init(struct mtd_json *j, struct mtd_buf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static void indent(struct mtd_json *j)
{
	if (!j->pretty)
		return;
	mtd_buf_puts(j->out, "\n");
	for (int i = 0; i < j->depth; i++)
		mtd_buf_puts(j->out, "  ");
}

/* Called before every value or key: separators and indentation. */
static void before_value(struct mtd_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			mtd_buf_puts(j->out, ",");
		indent(j);
		j->need_comma[j->depth] = true;
	}
}

static void open(struct mtd_json *j, const char *c)
{
	before_value(j);
	mtd_buf_puts(j->out, c);
	if (j->depth < 63)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close(struct mtd_json *j, const char *c)
{
	bool had = j->need_comma[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	mtd_buf_puts(j->out, c);
}

void mtd_json_set_schema(struct mtd_json *j, const char *id)
{
	j->schema = id;
}

void mtd_json_begin_object(struct mtd_json *j)
{
	bool top = j->depth == 0;
	open(j, "{");
	if (top && j->schema)
		mtd_json_kv_str(j, "schema", j->schema);
}
void mtd_json_end_object(struct mtd_json *j)
{
	close(j, "}");
}
void mtd_json_begin_array(struct mtd_json *j)
{
	open(j, "[");
}
void mtd_json_end_array(struct mtd_json *j)
{
	close(j, "]");
}

static void put_string(struct mtd_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	mtd_buf_puts(b, "\"");
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			mtd_buf_append(b, e, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			mtd_buf_append(b, e, 6);
			i++;
		} else if (c < 0x80) {
			size_t k = i;
			while (k < n && (unsigned char)s[k] >= 0x20 && (unsigned char)s[k] < 0x7f && s[k] != '"' &&
			       s[k] != '\\')
				k++;
			mtd_buf_append(b, s + i, k - i);
			i = k;
		} else {
			/* Valid UTF-8 (strict: no overlong form, no surrogate, nothing beyond U+10FFFF) is kept;
			 * any other byte is written as U+00XX (doc/scan-json.md, "Strings"). */
			uint32_t cp;
			size_t len = mtd_utf8_next(s + i, n - i, &cp);
			if (len) {
				mtd_buf_append(b, s + i, len);
				i += len;
			} else {
				char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				mtd_buf_append(b, e, 6);
				i++;
			}
		}
	}
	mtd_buf_puts(b, "\"");
}

void mtd_json_key(struct mtd_json *j, const char *key)
{
	before_value(j);
	put_string(j->out, key, strlen(key));
	mtd_buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = true;
}

void mtd_json_string_n(struct mtd_json *j, const char *s, size_t n)
{
	before_value(j);
	put_string(j->out, s, n);
}

void mtd_json_string(struct mtd_json *j, const char *s)
{
	if (!s) {
		mtd_json_null(j);
		return;
	}
	mtd_json_string_n(j, s, strlen(s));
}

void mtd_json_u64(struct mtd_json *j, uint64_t v)
{
	before_value(j);
	mtd_buf_printf(j->out, "%llu", (unsigned long long)v);
}

void mtd_json_i64(struct mtd_json *j, int64_t v)
{
	before_value(j);
	mtd_buf_printf(j->out, "%lld", (long long)v);
}

void mtd_json_double(struct mtd_json *j, double v)
{
	before_value(j);
	if (isfinite(v))
		mtd_buf_printf(j->out, "%.6g", v);
	else
		mtd_buf_puts(j->out, "null");
}

void mtd_json_bool(struct mtd_json *j, bool v)
{
	before_value(j);
	mtd_buf_puts(j->out, v ? "true" : "false");
}

void mtd_json_null(struct mtd_json *j)
{
	before_value(j);
	mtd_buf_puts(j->out, "null");
}

void mtd_json_kv_str(struct mtd_json *j, const char *key, const char *s)
{
	mtd_json_key(j, key);
	mtd_json_string(j, s);
}

void mtd_json_kv_u64(struct mtd_json *j, const char *key, uint64_t v)
{
	mtd_json_key(j, key);
	mtd_json_u64(j, v);
}

void mtd_json_kv_i64(struct mtd_json *j, const char *key, int64_t v)
{
	mtd_json_key(j, key);
	mtd_json_i64(j, v);
}

void mtd_json_kv_bool(struct mtd_json *j, const char *key, bool v)
{
	mtd_json_key(j, key);
	mtd_json_bool(j, v);
}
