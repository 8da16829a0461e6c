/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_UTIL_H
#define MTDSCOPE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "outfile.h"
#include "reader.h"
#include "export.h"

/* ---- growable buffer with a hard maximum ---- */
struct mtd_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0 = 1 GiB */
	int err;    /* sticky: first failure, later appends are no-ops */
};

MTD_API void mtd_buf_init(struct mtd_buf *b, size_t max);
MTD_API void mtd_buf_release(struct mtd_buf *b);
MTD_API int mtd_buf_append(struct mtd_buf *b, const void *p, size_t n);
MTD_API int mtd_buf_puts(struct mtd_buf *b, const char *s);
MTD_API int mtd_buf_printf(struct mtd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** NUL-terminated view (always valid after init). */
MTD_API const char *mtd_buf_str(struct mtd_buf *b);

/* ---- arena for small strings that live as long as a result ---- */
struct mtd_arena_block;
struct mtd_arena {
	struct mtd_arena_block *head;
};
MTD_API void mtd_arena_init(struct mtd_arena *a);
MTD_API void mtd_arena_release(struct mtd_arena *a);
MTD_API void *mtd_arena_alloc(struct mtd_arena *a, size_t n);
MTD_API char *mtd_arena_strdup(struct mtd_arena *a, const char *s);
MTD_API char *mtd_arena_strndup(struct mtd_arena *a, const char *s, size_t n);
MTD_API char *mtd_arena_printf(struct mtd_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- overflow-checked allocation ---- */
MTD_API void *mtd_alloc_array(size_t count, size_t size);
MTD_API void *mtd_realloc_array(void *p, size_t count, size_t size);

/* ---- JSON writer (into a mtd_buf) ---- */
struct mtd_json {
	struct mtd_buf *out;
	int depth;
	bool need_comma[64];
	bool after_key;
	bool pretty;
	const char *schema; /* set by mtd_json_set_schema(); not owned */
};
MTD_API void mtd_json_init(struct mtd_json *j, struct mtd_buf *out, bool pretty);
/**
 * Every top-level object written after this opens with the member "schema": id (the versioned
 * name of the document, e.g. "mtdscope.scan/1"; doc/schema/README.md).  id must outlive j.
 */
MTD_API void mtd_json_set_schema(struct mtd_json *j, const char *id);
MTD_API void mtd_json_begin_object(struct mtd_json *j);
MTD_API void mtd_json_end_object(struct mtd_json *j);
MTD_API void mtd_json_begin_array(struct mtd_json *j);
MTD_API void mtd_json_end_array(struct mtd_json *j);
MTD_API void mtd_json_key(struct mtd_json *j, const char *key);
MTD_API void mtd_json_string(struct mtd_json *j, const char *s);
MTD_API void mtd_json_string_n(struct mtd_json *j, const char *s, size_t n);
MTD_API void mtd_json_u64(struct mtd_json *j, uint64_t v);
MTD_API void mtd_json_i64(struct mtd_json *j, int64_t v);
MTD_API void mtd_json_double(struct mtd_json *j, double v);
MTD_API void mtd_json_bool(struct mtd_json *j, bool v);
MTD_API void mtd_json_null(struct mtd_json *j);
/* key + value shorthands */
MTD_API void mtd_json_kv_str(struct mtd_json *j, const char *key, const char *s);
MTD_API void mtd_json_kv_u64(struct mtd_json *j, const char *key, uint64_t v);
MTD_API void mtd_json_kv_i64(struct mtd_json *j, const char *key, int64_t v);
MTD_API void mtd_json_kv_bool(struct mtd_json *j, const char *key, bool v);
/**
 * Whether r holds exactly one JSON document (RFC 8259; nesting at most 8, strings at most 4096
 * bytes): 0, with the member names of a top-level object (the first max, each cut to 63 bytes)
 * in keys and their number in *nkeys (0 for an array or a scalar); MTD_ERR_FORMAT when it is no
 * such document (*err_at, when not NULL: the offset in r of the first error).
 */
struct mtd_reader;
struct mtd_json_key {
	char name[64];
};
MTD_API int mtd_json_doc_keys(const struct mtd_reader *r, struct mtd_json_key *keys, size_t max, size_t *nkeys,
                              size_t *err_at);

/* ---- checksums ---- */
/** CRC-32 (IEEE 802.3, as zlib, U-Boot, uImage); start with crc = 0. */
MTD_API uint32_t mtd_crc32(uint32_t crc, const void *data, size_t len);
/** JFFS2/UBI flavour: raw CRC-32 without final inversion, seeded by the caller. */
MTD_API uint32_t mtd_crc32_raw(uint32_t seed, const void *data, size_t len);
/** SHA-256 of a buffer, hex-encoded into out[65]. */
MTD_API void mtd_sha256_hex(const void *data, size_t len, char out[65]);
struct mtd_sha256 {
	void *ctx;
};
MTD_API int mtd_sha256_init(struct mtd_sha256 *s);
MTD_API void mtd_sha256_update(struct mtd_sha256 *s, const void *data, size_t len);
MTD_API void mtd_sha256_final_hex(struct mtd_sha256 *s, char out[65]);

/* ---- output files: include/mtdscope/outfile.h ---- */

/* ---- size parsing and printing ---- */
/** Parse "123", "0x1f000", "64k", "4M", "1G", "0x10000k" with a maximum; strict, no trailing junk. */
MTD_API int mtd_parse_size(const char *s, uint64_t max, uint64_t *out);
/** Exactly n hex digits at s (no prefix, no sign); false on anything else or n > 16. */
MTD_API bool mtd_parse_hex_n(const char *s, size_t n, uint64_t *out);
/** Parse an unsigned integer (decimal or 0x hex) with a maximum; strict. */
MTD_API int mtd_parse_u64(const char *s, uint64_t max, uint64_t *out);
/** "4 MiB", "60 KiB", "1234 B" (exact when whole, else one decimal). */
MTD_API void mtd_format_size(uint64_t v, char *buf, size_t size);
/** Shannon entropy in bits per byte of a histogram over n bytes. */
MTD_API double mtd_entropy(const uint64_t hist[256], uint64_t n);

#endif
