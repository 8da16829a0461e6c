/* SPDX-License-Identifier: MIT */
/*
 * A bounded JSON reader over a struct mtd_reader (json_read.h): collect's manifest.json
 * (src/lib/bundle) and mtd_json_doc_keys() (util.h).  Bytes are copied out one at a time with
 * mtd_rd_copy_at(); strings, numbers and nesting have maxima.
 */
#include <stdio.h>
#include <string.h>

#include <mtdscope/util.h>

#include "json_read.h"

#define JSON_DEPTH_MAX  8
#define JSON_STRING_MAX 4096u
#define JSON_NUMBER_MAX 24u

int mtd_js_peek(struct mtd_js *j)
{
	uint8_t c;
	return mtd_rd_copy_at(j->r, j->at, &c, 1) ? c : -1;
}

bool mtd_js_fail(struct mtd_js *j, const char *what)
{
	if (!j->err) {
		j->err = what;
		j->err_at = j->at;
	}
	return false;
}

void mtd_js_ws(struct mtd_js *j)
{
	for (int c = mtd_js_peek(j); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = mtd_js_peek(j))
		j->at++;
}

bool mtd_js_lit(struct mtd_js *j, const char *w)
{
	size_t n = strlen(w);
	if (!mtd_rd_eq_at(j->r, j->at, w, n))
		return mtd_js_fail(j, "expected a JSON value");
	j->at += n;
	return true;
}

/* A string into out (NUL-terminated, at most size-1 bytes: longer is an error); \u escapes outside ASCII as '?'. */
bool mtd_js_string(struct mtd_js *j, char *out, size_t size)
{
	size_t o = 0;
	if (mtd_js_peek(j) != '"')
		return mtd_js_fail(j, "expected a JSON string");
	j->at++;
	for (size_t n = 0;; n++) {
		int c = mtd_js_peek(j);
		if (c < 0)
			return mtd_js_fail(j, "a JSON string runs past the end of manifest.json");
		if (n > JSON_STRING_MAX)
			return mtd_js_fail(j, "a JSON string longer than 4096 bytes");
		j->at++;
		if (c == '"')
			break;
		if (c < 0x20)
			return mtd_js_fail(j, "a control character inside a JSON string");
		if (c == '\\') {
			int e = mtd_js_peek(j);
			j->at++;
			switch (e) {
			case '"':
			case '\\':
			case '/': c = e; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned v = 0;
				for (int k = 0; k < 4; k++) {
					int h = mtd_js_peek(j);
					j->at++;
					if (h >= '0' && h <= '9')
						v = v * 16 + (unsigned)(h - '0');
					else if (h >= 'a' && h <= 'f')
						v = v * 16 + (unsigned)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F')
						v = v * 16 + (unsigned)(h - 'A' + 10);
					else
						return mtd_js_fail(j, "expected four hex digits after \\u");
				}
				c = v >= 0x20 && v < 0x7f ? (int)v : '?';
				break;
			}
			default: return mtd_js_fail(j, "an unknown escape in a JSON string");
			}
		}
		if (out) {
			if (o + 1 >= size)
				return mtd_js_fail(j, "a JSON string longer than the field it fills");
			out[o++] = (char)c;
		}
	}
	if (out)
		out[o] = 0;
	return true;
}

/* A number; *is_u64 when it is a non-negative integer that fits (then in *v). */
bool mtd_js_number(struct mtd_js *j, uint64_t *v, bool *is_u64)
{
	char s[JSON_NUMBER_MAX + 1];
	size_t n = 0;
	for (int c = mtd_js_peek(j); (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
	     c = mtd_js_peek(j)) {
		if (n == JSON_NUMBER_MAX)
			return mtd_js_fail(j, "a JSON number longer than 24 characters");
		s[n++] = (char)c;
		j->at++;
	}
	s[n] = 0;
	if (!n)
		return mtd_js_fail(j, "expected a JSON value");
	*is_u64 = n <= 20 && s[0] >= '0' && s[0] <= '9' && mtd_parse_u64(s, UINT64_MAX, v) == 0;
	for (size_t i = 0; i < n && *is_u64; i++)
		if (s[i] < '0' || s[i] > '9')
			*is_u64 = false;
	return true;
}

static bool skip_container(struct mtd_js *j, int depth, int close)
{
	if (depth >= JSON_DEPTH_MAX)
		return mtd_js_fail(j, "JSON nested deeper than 8 levels");
	j->at++;
	mtd_js_ws(j);
	if (mtd_js_peek(j) == close) {
		j->at++;
		return true;
	}
	for (;;) {
		mtd_js_ws(j);
		if (close == '}') {
			if (!mtd_js_string(j, NULL, 0))
				return false;
			mtd_js_ws(j);
			if (mtd_js_peek(j) != ':')
				return mtd_js_fail(j, "expected ':' after a JSON key");
			j->at++;
		}
		if (!mtd_js_skip(j, depth + 1))
			return false;
		mtd_js_ws(j);
		int c = mtd_js_peek(j);
		j->at++;
		if (c == close)
			return true;
		if (c != ',')
			return mtd_js_fail(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

bool mtd_js_skip(struct mtd_js *j, int depth)
{
	uint64_t v;
	bool u;
	mtd_js_ws(j);
	switch (mtd_js_peek(j)) {
	case '{': return skip_container(j, depth, '}');
	case '[': return skip_container(j, depth, ']');
	case '"': return mtd_js_string(j, NULL, 0);
	case 't': return mtd_js_lit(j, "true");
	case 'f': return mtd_js_lit(j, "false");
	case 'n': return mtd_js_lit(j, "null");
	default: return mtd_js_number(j, &v, &u);
	}
}

/* Walk an object: for each key, fn(ctx, key) reads its value (or returns false to have it skipped via mtd_js_skip). */
typedef bool (*mtd_js_member_fn)(struct mtd_js *j, void *ctx, const char *key, bool *taken);

bool mtd_js_object(struct mtd_js *j, int depth, mtd_js_member_fn fn, void *ctx)
{
	mtd_js_ws(j);
	if (mtd_js_peek(j) != '{')
		return mtd_js_fail(j, "expected a JSON object");
	if (depth >= JSON_DEPTH_MAX)
		return mtd_js_fail(j, "JSON nested deeper than 8 levels");
	j->at++;
	mtd_js_ws(j);
	if (mtd_js_peek(j) == '}') {
		j->at++;
		return true;
	}
	for (;;) {
		char key[64];
		mtd_js_ws(j);
		if (!mtd_js_string(j, key, sizeof(key)))
			return false;
		mtd_js_ws(j);
		if (mtd_js_peek(j) != ':')
			return mtd_js_fail(j, "expected ':' after a JSON key");
		j->at++;
		mtd_js_ws(j);
		bool taken = false;
		if (!fn(j, ctx, key, &taken))
			return false;
		if (!taken && !mtd_js_skip(j, depth + 1))
			return false;
		mtd_js_ws(j);
		int c = mtd_js_peek(j);
		j->at++;
		if (c == '}')
			return true;
		if (c != ',')
			return mtd_js_fail(j, "expected ',' or '}'");
	}
}

bool mtd_js_u64(struct mtd_js *j, uint64_t *v)
{
	bool u;
	if (!mtd_js_number(j, v, &u))
		return false;
	return u || mtd_js_fail(j, "expected a non-negative integer");
}

bool mtd_js_bool(struct mtd_js *j, bool *v)
{
	if (mtd_js_peek(j) == 't') {
		*v = true;
		return mtd_js_lit(j, "true");
	}
	*v = false;
	if (mtd_js_peek(j) != 'f')
		return mtd_js_fail(j, "expected true or false");
	return mtd_js_lit(j, "false");
}

struct doc_keys {
	struct mtd_json_key *keys;
	size_t max, *n;
};

static bool doc_key(struct mtd_js *j, void *ctx, const char *key, bool *taken)
{
	struct doc_keys *k = ctx;
	(void)j;
	*taken = false;
	if (*k->n < k->max)
		snprintf(k->keys[(*k->n)++].name, 64, "%s", key);
	return true;
}

int mtd_json_doc_keys(const struct mtd_reader *r, struct mtd_json_key *keys, size_t max, size_t *nkeys, size_t *err_at)
{
	struct mtd_js j = {.r = r, .len = mtd_rd_left(r)};
	*nkeys = 0;
	mtd_js_ws(&j);
	bool ok;
	if (mtd_js_peek(&j) == '{') {
		struct doc_keys k = {keys, max, nkeys};
		ok = mtd_js_object(&j, 0, doc_key, &k);
	} else {
		ok = mtd_js_skip(&j, 0);
	}
	if (ok) {
		mtd_js_ws(&j);
		ok = j.at == j.len || mtd_js_fail(&j, "expected the end of the document");
	}
	if (err_at)
		*err_at = j.err_at;
	return ok ? 0 : MTD_ERR_FORMAT;
}
