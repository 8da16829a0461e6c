/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_CORE_JSON_READ_H
#define MTDSCOPE_CORE_JSON_READ_H

/* The library's bounded JSON reader (json_read.c): a cursor over a reader, the first error kept. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mtdscope/reader.h>

struct mtd_js {
	const struct mtd_reader *r;
	size_t at, len;
	const char *err;
	size_t err_at;
};

/* the byte at the cursor, -1 at the end */
int mtd_js_peek(struct mtd_js *j);
/* record the first error (what, at the cursor); always false */
bool mtd_js_fail(struct mtd_js *j, const char *what);
void mtd_js_ws(struct mtd_js *j);
bool mtd_js_lit(struct mtd_js *j, const char *w);
/* a string into out (NUL-terminated, size-1 bytes at most: longer is an error; out NULL: skipped) */
bool mtd_js_string(struct mtd_js *j, char *out, size_t size);
/* a number; *is_u64 when a non-negative integer that fits (then in *v) */
bool mtd_js_number(struct mtd_js *j, uint64_t *v, bool *is_u64);
/* any value, nested at most 8 deep */
bool mtd_js_skip(struct mtd_js *j, int depth);
/* Walk an object: for each key fn reads its value, or leaves *taken false to have it skipped. */
typedef bool (*mtd_js_member_fn)(struct mtd_js *j, void *ctx, const char *key, bool *taken);
bool mtd_js_object(struct mtd_js *j, int depth, mtd_js_member_fn fn, void *ctx);
bool mtd_js_u64(struct mtd_js *j, uint64_t *v);
bool mtd_js_bool(struct mtd_js *j, bool *v);

#endif
