/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_READER_H
#define MTDSCOPE_READER_H

/*
 * The bounded reader: the only way parsers touch untrusted bytes.
 *
 * A reader is a window {data, len} with a cursor.  Every getter checks the
 * remaining length, returns true on success and advances only on success.
 * Integers are assembled byte by byte in the named endianness; no struct is
 * ever laid over input bytes.  `base` is the offset of data[0] in the byte
 * space the caller reports errors in, so mtd_rd_offset() gives a position a
 * user can look up in a hex editor.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "export.h"

struct mtd_reader {
	const uint8_t *data;
	size_t len;
	size_t pos;
	uint64_t base;
};

static inline void mtd_rd_init(struct mtd_reader *r, const void *data, size_t len, uint64_t base)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->base = base;
}

static inline size_t mtd_rd_left(const struct mtd_reader *r)
{
	return r->len - r->pos;
}
static inline uint64_t mtd_rd_offset(const struct mtd_reader *r)
{
	return r->base + r->pos;
}
static inline const uint8_t *mtd_rd_ptr(const struct mtd_reader *r)
{
	return r->data + r->pos;
}

static inline bool mtd_rd_seek(struct mtd_reader *r, size_t pos)
{
	if (pos > r->len)
		return false;
	r->pos = pos;
	return true;
}

static inline bool mtd_rd_skip(struct mtd_reader *r, size_t n)
{
	if (n > mtd_rd_left(r))
		return false;
	r->pos += n;
	return true;
}

/** Point *out at the next n bytes (no copy) and advance. */
static inline bool mtd_rd_bytes(struct mtd_reader *r, size_t n, const uint8_t **out)
{
	if (n > mtd_rd_left(r))
		return false;
	*out = r->data + r->pos;
	r->pos += n;
	return true;
}

static inline bool mtd_rd_copy(struct mtd_reader *r, void *dst, size_t n)
{
	const uint8_t *p;
	if (!mtd_rd_bytes(r, n, &p))
		return false;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = p[i];
	return true;
}

/*
 * Sub-readers.  On failure the new reader is empty (every read from it
 * fails), never left undefined.
 */
/** A sub-reader over the next n bytes; the parent advances past them. */
static inline bool mtd_rd_sub(struct mtd_reader *r, size_t n, struct mtd_reader *sub)
{
	const uint8_t *p;
	uint64_t base = mtd_rd_offset(r);
	if (!mtd_rd_bytes(r, n, &p)) {
		mtd_rd_init(sub, r->data ? r->data + r->len : NULL, 0, r->base + r->len);
		return false;
	}
	mtd_rd_init(sub, p, n, base);
	return true;
}

/** A reader over what is left of r (from its cursor, base kept) without moving r. */
static inline void mtd_rd_rest(const struct mtd_reader *r, struct mtd_reader *out)
{
	mtd_rd_init(out, r->data ? r->data + r->pos : NULL, r->len - r->pos, r->base + r->pos);
}

/** A reader over [pos, pos+n) of r without moving r. */
static inline bool mtd_rd_window(const struct mtd_reader *r, size_t pos, size_t n, struct mtd_reader *out)
{
	if (pos > r->len || n > r->len - pos) {
		mtd_rd_init(out, r->data ? r->data + r->len : NULL, 0, r->base + r->len);
		return false;
	}
	mtd_rd_init(out, r->data + pos, n, r->base + pos);
	return true;
}

static inline bool mtd_rd_u8(struct mtd_reader *r, uint8_t *v)
{
	if (mtd_rd_left(r) < 1)
		return false;
	*v = r->data[r->pos++];
	return true;
}

#define MTD_RD_INT(name, type, n, expr)                                                                                \
	static inline bool mtd_rd_##name(struct mtd_reader *r, type *v)                                                \
	{                                                                                                              \
		if (mtd_rd_left(r) < (n))                                                                              \
			return false;                                                                                  \
		const uint8_t *b = r->data + r->pos;                                                                   \
		*v = (type)(expr);                                                                                     \
		r->pos += (n);                                                                                         \
		return true;                                                                                           \
	}

MTD_RD_INT(u16le, uint16_t, 2, (uint32_t)b[0] | (uint32_t)b[1] << 8)
MTD_RD_INT(u16be, uint16_t, 2, (uint32_t)b[1] | (uint32_t)b[0] << 8)
MTD_RD_INT(u32le, uint32_t, 4, (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24)
MTD_RD_INT(u32be, uint32_t, 4, (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24)
MTD_RD_INT(u64le, uint64_t, 8,
           (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 | (uint64_t)b[4] << 32 |
               (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 | (uint64_t)b[7] << 56)
MTD_RD_INT(u64be, uint64_t, 8,
           (uint64_t)b[7] | (uint64_t)b[6] << 8 | (uint64_t)b[5] << 16 | (uint64_t)b[4] << 24 | (uint64_t)b[3] << 32 |
               (uint64_t)b[2] << 40 | (uint64_t)b[1] << 48 | (uint64_t)b[0] << 56)
#undef MTD_RD_INT

/**
 * An unsigned integer of `width` bytes (1, 2, 4 or 8) at position `at` of r,
 * without moving r: for structures read field by field at fixed offsets.
 * False (and *v untouched) when the field is not wholly inside r.
 */
static inline bool mtd_rd_peek_uint(const struct mtd_reader *r, size_t at, unsigned width, bool big_endian, uint64_t *v)
{
	if ((width != 1 && width != 2 && width != 4 && width != 8) || at > r->len || width > r->len - at)
		return false;
	const uint8_t *b = r->data + at;
	uint64_t x = 0;
	for (unsigned i = 0; i < width; i++)
		x |= (uint64_t)b[big_endian ? width - 1 - i : i] << (8 * i);
	*v = x;
	return true;
}

/** Point *out at bytes [at, at+n) of r (no copy) without moving r. */
static inline bool mtd_rd_bytes_at(const struct mtd_reader *r, size_t at, size_t n, const uint8_t **out)
{
	if (at > r->len || n > r->len - at)
		return false;
	*out = r->data + at;
	return true;
}

/** Copy bytes [at, at+n) of r into dst without moving r. */
static inline bool mtd_rd_copy_at(const struct mtd_reader *r, size_t at, void *dst, size_t n)
{
	const uint8_t *p;
	if (!mtd_rd_bytes_at(r, at, n, &p))
		return false;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = p[i];
	return true;
}

/** True when bytes [at, at+n) of r exist and equal s (magics, signatures). */
static inline bool mtd_rd_eq_at(const struct mtd_reader *r, size_t at, const void *s, size_t n)
{
	const uint8_t *p;
	if (!mtd_rd_bytes_at(r, at, n, &p))
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] != ((const uint8_t *)s)[i])
			return false;
	return true;
}

/** True when bytes [at, at+n) of r exist and all equal v (erased 0xFF, zero fill). */
static inline bool mtd_rd_uniform_at(const struct mtd_reader *r, size_t at, size_t n, uint8_t v)
{
	const uint8_t *p;
	if (!mtd_rd_bytes_at(r, at, n, &p))
		return false;
	uint64_t w = v * 0x0101010101010101ull, x;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		if (x != w)
			return false;
	}
	for (; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/** The first position >= from where bytes equal to needle[0, n) start in r, into *at; false when none. */
static inline bool mtd_rd_find(const struct mtd_reader *r, size_t from, const void *needle, size_t n, size_t *at)
{
	const uint8_t *nd = (const uint8_t *)needle;
	if (n == 0 || from > r->len || n > r->len - from)
		return false;
	for (size_t i = from, last = r->len - n; i <= last; i++) {
		const uint8_t *hit = (const uint8_t *)memchr(r->data + i, nd[0], last - i + 1);
		if (!hit)
			return false;
		i = (size_t)(hit - r->data);
		if (memcmp(hit, nd, n) == 0) {
			*at = i;
			return true;
		}
	}
	return false;
}

/**
 * Fixed-offset fields of a structure already known to lie in r (a header
 * window checked with mtd_rd_window or a length test): the value at `at`, or
 * 0 when the field is not wholly inside r.  For fields whose presence is in
 * doubt use mtd_rd_peek_uint and test its result.
 */
static inline uint64_t mtd_rd_field(const struct mtd_reader *r, size_t at, unsigned width, bool big_endian)
{
	uint64_t v = 0;
	mtd_rd_peek_uint(r, at, width, big_endian, &v);
	return v;
}
static inline uint8_t mtd_rd_u8_at(const struct mtd_reader *r, size_t at)
{
	return (uint8_t)mtd_rd_field(r, at, 1, false);
}
static inline uint16_t mtd_rd_le16_at(const struct mtd_reader *r, size_t at)
{
	return (uint16_t)mtd_rd_field(r, at, 2, false);
}
static inline uint16_t mtd_rd_be16_at(const struct mtd_reader *r, size_t at)
{
	return (uint16_t)mtd_rd_field(r, at, 2, true);
}
static inline uint32_t mtd_rd_le32_at(const struct mtd_reader *r, size_t at)
{
	return (uint32_t)mtd_rd_field(r, at, 4, false);
}
static inline uint32_t mtd_rd_be32_at(const struct mtd_reader *r, size_t at)
{
	return (uint32_t)mtd_rd_field(r, at, 4, true);
}
static inline uint64_t mtd_rd_le64_at(const struct mtd_reader *r, size_t at)
{
	return mtd_rd_field(r, at, 8, false);
}
static inline uint64_t mtd_rd_be64_at(const struct mtd_reader *r, size_t at)
{
	return mtd_rd_field(r, at, 8, true);
}

/*
 * Checksums over a range of a reader, for the formats that protect a header
 * or a body with one: false when [at, at+n) is not wholly inside r (nothing
 * is read then).  mtd_rd_crc32 is zlib's CRC-32 continuing from `crc` (as
 * mtd_crc32), mtd_rd_crc32_raw the Linux crc32_le from `seed` without
 * inversion (as mtd_crc32_raw: UBI, UBIFS, JFFS2).
 */
MTD_API bool mtd_rd_crc32(const struct mtd_reader *r, size_t at, size_t n, uint32_t crc, uint32_t *out);
MTD_API bool mtd_rd_crc32_raw(const struct mtd_reader *r, size_t at, size_t n, uint32_t seed, uint32_t *out);

/* Decoders for bytes already bounds-checked through a reader (mtd_rd_bytes). */
static inline uint16_t mtd_le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint16_t mtd_be16(const uint8_t *b)
{
	return (uint16_t)(b[1] | b[0] << 8);
}
static inline uint32_t mtd_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint32_t mtd_be32(const uint8_t *b)
{
	return (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
}
static inline uint64_t mtd_le64(const uint8_t *b)
{
	return mtd_le32(b) | (uint64_t)mtd_le32(b + 4) << 32;
}
static inline uint64_t mtd_be64(const uint8_t *b)
{
	return mtd_be32(b + 4) | (uint64_t)mtd_be32(b) << 32;
}

/*
 * Text lines: the next line without its terminator ("\n", "\r\n" or a lone
 * "\r"), at most max_len bytes long (longer lines are cut and *cut set).
 */
MTD_API bool mtd_rd_line(struct mtd_reader *r, size_t max_len, const char **line, size_t *len, bool *cut);

/* Overflow-checked arithmetic: return false on overflow, *out untouched. */
static inline bool mtd_add_ov(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}
static inline bool mtd_mul_ov(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}
static inline bool mtd_size_add(size_t a, size_t b, size_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}
static inline bool mtd_size_mul(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}
/** true when [off, off+len) lies within [0, total). */
static inline bool mtd_range_ok(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

#endif
