/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/util.h>

/* ---- buffer ---- */

void mtd_buf_init(struct mtd_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : (size_t)1 << 30;
}

void mtd_buf_release(struct mtd_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int buf_reserve(struct mtd_buf *b, size_t extra)
{
	size_t need;
	if (b->err)
		return b->err;
	if (!mtd_size_add(b->len, extra, &need) || !mtd_size_add(need, 1, &need) || need > b->max)
		return b->err = MTD_ERR_LIMIT;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > b->max / 2 ? b->max : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return b->err = MTD_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int mtd_buf_append(struct mtd_buf *b, const void *p, size_t n)
{
	int rc = buf_reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int mtd_buf_puts(struct mtd_buf *b, const char *s)
{
	return mtd_buf_append(b, s, strlen(s));
}

int mtd_buf_printf(struct mtd_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return b->err = MTD_ERR_FORMAT;
	int rc = buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *mtd_buf_str(struct mtd_buf *b)
{
	return b->data ? b->data : "";
}

/* ---- arena ---- */

struct mtd_arena_block {
	struct mtd_arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

void mtd_arena_init(struct mtd_arena *a)
{
	a->head = NULL;
}

void mtd_arena_release(struct mtd_arena *a)
{
	while (a->head) {
		struct mtd_arena_block *n = a->head->next;
		free(a->head);
		a->head = n;
	}
}

void *mtd_arena_alloc(struct mtd_arena *a, size_t n)
{
	size_t al = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (al < n)
		return NULL;
	if (!a->head || a->head->cap - a->head->used < al) {
		size_t cap = al > 16384 ? al : 16384;
		struct mtd_arena_block *b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	void *p = (char *)a->head->data + a->head->used;
	a->head->used += al;
	memset(p, 0, n);
	return p;
}

char *mtd_arena_strndup(struct mtd_arena *a, const char *s, size_t n)
{
	char *p = mtd_arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

char *mtd_arena_strdup(struct mtd_arena *a, const char *s)
{
	return mtd_arena_strndup(a, s, strlen(s));
}

char *mtd_arena_printf(struct mtd_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = mtd_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *mtd_alloc_array(size_t count, size_t size)
{
	size_t n;
	if (!mtd_size_mul(count, size, &n))
		return NULL;
	return calloc(1, n ? n : 1);
}

void *mtd_realloc_array(void *p, size_t count, size_t size)
{
	size_t n;
	if (!mtd_size_mul(count, size, &n))
		return NULL;
	return realloc(p, n ? n : 1);
}

/* ---- size parsing ---- */

int mtd_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	if (!s || !*s)
		return MTD_ERR_ARG;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return MTD_ERR_ARG;
	}
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return MTD_ERR_ARG;
		if (!mtd_mul_ov(v, base, &v) || !mtd_add_ov(v, d, &v))
			return MTD_ERR_OVERFLOW;
	}
	if (v > max)
		return MTD_ERR_LIMIT;
	*out = v;
	return 0;
}

bool mtd_parse_hex_n(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0 || n > 16)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

int mtd_parse_size(const char *s, uint64_t max, uint64_t *out)
{
	char num[64];
	size_t n = s ? strlen(s) : 0;
	uint64_t mult = 1, v;
	if (n == 0 || n >= sizeof(num))
		return MTD_ERR_ARG;
	memcpy(num, s, n + 1);
	char last = num[n - 1];
	bool hex = n > 2 && num[0] == '0' && (num[1] == 'x' || num[1] == 'X');
	/* In hex, a trailing b/B is a digit, not "bytes"; k/m/g are never hex digits. */
	switch (last) {
	case 'k':
	case 'K': mult = 1024; break;
	case 'm':
	case 'M': mult = 1024 * 1024; break;
	case 'g':
	case 'G': mult = 1024ull * 1024 * 1024; break;
	default: break;
	}
	(void)hex;
	if (mult != 1)
		num[--n] = 0;
	int rc = mtd_parse_u64(num, UINT64_MAX, &v);
	if (rc)
		return rc;
	if (!mtd_mul_ov(v, mult, &v))
		return MTD_ERR_OVERFLOW;
	if (v > max)
		return MTD_ERR_LIMIT;
	*out = v;
	return 0;
}

void mtd_format_size(uint64_t v, char *buf, size_t size)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;
	uint64_t div = 1;
	while (u < 4 && v >= div * 1024)
		div *= 1024, u++;
	if (v % div == 0)
		snprintf(buf, size, "%llu %s", (unsigned long long)(v / div), units[u]);
	else
		snprintf(buf, size, "%.1f %s", (double)v / (double)div, units[u]);
}

double mtd_entropy(const uint64_t hist[256], uint64_t n)
{
	double e = 0;
	if (!n)
		return 0;
	for (int i = 0; i < 256; i++) {
		if (!hist[i])
			continue;
		double p = (double)hist[i] / (double)n;
		e -= p * log2(p);
	}
	return e;
}
