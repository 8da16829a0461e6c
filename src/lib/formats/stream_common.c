/* SPDX-License-Identifier: MIT */
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream_common.h"

void mtd_stream_out_init(struct mtd_stream_out *o, struct mtd_probe *p)
{
	const struct mtd_scan_options *opt = mtd_probe_options(p);
	memset(o, 0, sizeof(*o));
	o->p = p;
	o->keep = opt->descend || opt->keep_decoded;
}

uint8_t *mtd_stream_out_scratch(struct mtd_stream_out *o, size_t need)
{
	if (need < STREAM_CHUNK)
		need = STREAM_CHUNK;
	if (o->scratch_cap < need) {
		free(o->scratch);
		o->scratch_cap = 0;
		o->scratch = malloc(need);
		if (!o->scratch) {
			o->nomem = true;
			return NULL;
		}
		o->scratch_cap = need;
	}
	return o->scratch;
}

/* The ratio part of the budget, to tell which limit bound it. */
static uint64_t ratio_limit(const struct mtd_stream_out *o, uint64_t consumed)
{
	uint64_t v;
	if (!mtd_mul_ov(consumed, mtd_probe_options(o->p)->max_ratio, &v))
		return UINT64_MAX;
	return v < (1u << 20) ? 1u << 20 : v;
}

static bool grow(struct mtd_stream_out *o, size_t want, uint64_t limit)
{
	if (want <= o->cap)
		return true;
	size_t cap = o->cap ? o->cap : (1u << 20);
	while (cap < want && cap <= SIZE_MAX / 2)
		cap *= 2;
	if (cap < want)
		cap = want;
	if (cap > limit)
		cap = limit > want ? (size_t)limit : want;
	uint8_t *n = realloc(o->buf, cap);
	if (!n)
		return false;
	o->buf = n;
	o->cap = cap;
	return true;
}

bool mtd_stream_out_put(struct mtd_stream_out *o, uint64_t consumed, const uint8_t *data, size_t n)
{
	uint64_t limit = mtd_probe_decode_budget(o->p, consumed);
	if (o->keep && !o->dropped && n) {
		uint64_t room = limit > o->len ? limit - o->len : 0;
		size_t take = n <= room ? n : (size_t)room;
		if (take && !grow(o, o->len + take, limit)) {
			/* not fatal: keep what fits, say so */
			o->nomem = true;
			take = 0;
		}
		if (take) {
			memcpy(o->buf + o->len, data, take);
			o->len += take;
		}
		if (take < n) {
			o->dropped = true;
			o->dropped_by_total = limit < ratio_limit(o, consumed);
		}
		mtd_probe_budget_used(o->p, o->len, take < n);
	}
	o->total += n;
	/* The work bound follows the ratio alone: a spent --max-decoded must not hide later streams' extents. */
	uint64_t bound;
	if (!mtd_mul_ov(ratio_limit(o, consumed), STREAM_WORK_FACTOR, &bound))
		bound = UINT64_MAX;
	if (o->total > bound) {
		o->stopped = true;
		return false;
	}
	return true;
}

void mtd_stream_out_mark(const struct mtd_stream_out *o, struct mtd_stream_mark *m)
{
	m->len = o->len;
	m->total = o->total;
	m->dropped = o->dropped;
}

void mtd_stream_out_rewind(struct mtd_stream_out *o, const struct mtd_stream_mark *m)
{
	o->len = m->len;
	o->total = m->total;
	o->dropped = m->dropped;
	o->stopped = false;
}

const char *mtd_stream_size_str(uint64_t v, char *buf, size_t n)
{
	mtd_format_size(v, buf, n);
	return buf;
}

const char *mtd_stream_out_done_text(const struct mtd_stream_out *o, char *buf, size_t n)
{
	char t[32], k[32];
	mtd_format_size(o->total, t, sizeof(t));
	if (o->len < o->total) {
		mtd_format_size(o->len, k, sizeof(k));
		snprintf(buf, n, "%s decoded (the first %s kept for the scan%s)", t, k,
		         o->dropped_by_total ? ": the --max-decoded limit" : "");
	} else {
		snprintf(buf, n, "%s decoded", t);
	}
	return buf;
}

void mtd_stream_out_limit_text(const struct mtd_stream_out *o, char *buf, size_t n)
{
	const struct mtd_scan_options *opt = mtd_probe_options(o->p);
	char s[32];
	if (o->dropped_by_total && !o->stopped)
		snprintf(buf, n, "total decoded limit %s reached (raise with --max-decoded)",
		         mtd_stream_size_str(opt->max_decoded, s, sizeof(s)));
	else
		snprintf(buf, n, "expansion ratio limit %llu reached (raise with --max-ratio)",
		         (unsigned long long)opt->max_ratio);
}

void mtd_stream_out_finish(struct mtd_stream_out *o, bool complete)
{
	struct mtd_probe *p = o->p;
	char why[160], a[32], b[32];
	bool whole = o->keep && !o->dropped && !o->nomem;
	if (complete && !o->stopped)
		mtd_probe_u64(p, "uncompressed_size", !whole, o->total);
	if (o->stopped) {
		mtd_stream_out_limit_text(o, why, sizeof(why));
		char done[160];
		mtd_probe_problem(p, "extent unknown: decoding stopped after %s without reaching the end: %s",
		                  mtd_stream_out_done_text(o, done, sizeof(done)), why);
		p->valid = false;
	} else if (o->dropped) {
		mtd_stream_out_limit_text(o, why, sizeof(why));
		if (complete)
			mtd_probe_problem(p, "decoded content kept only up to %s of %s: %s",
			                  mtd_stream_size_str(o->len, a, sizeof(a)),
			                  mtd_stream_size_str(o->total, b, sizeof(b)), why);
		else
			mtd_probe_problem(p, "decoded content kept only up to %s: %s",
			                  mtd_stream_size_str(o->len, a, sizeof(a)), why);
	}
	if (o->nomem)
		mtd_probe_problem(p, "out of memory while decoding: decoded content incomplete");
	if (o->keep && o->len) {
		uint8_t *shrunk = realloc(o->buf, o->len);
		if (shrunk)
			o->buf = shrunk;
		mtd_probe_decoded(p, o->buf, o->len);
		o->buf = NULL;
	}
	mtd_stream_out_release(o);
}

void mtd_stream_out_release(struct mtd_stream_out *o)
{
	free(o->buf);
	free(o->scratch);
	o->buf = o->scratch = NULL;
	o->len = o->cap = o->scratch_cap = 0;
}

uint64_t mtd_stream_size_append(struct mtd_probe *p, uint64_t end, uint64_t total)
{
	struct mtd_reader r;
	uint32_t v;
	mtd_probe_reader(p, &r);
	if (end > mtd_rd_left(&r) || !mtd_rd_skip(&r, (size_t)end) || !mtd_rd_u32le(&r, &v))
		return 0;
	/* a size of 0 after an empty stream cannot be told from zero bytes (padding, filler) */
	if (!total || v != (uint32_t)total || total > UINT32_MAX)
		return 0;
	mtd_probe_bool(p, "size_appended", false, true);
	return 4;
}

int mtd_stream_lzma_alone(struct mtd_stream_out *o, uint8_t *chunk, uint64_t memlimit, const uint8_t *head,
                          size_t nhead, const struct mtd_reader *r, uint64_t rest_at, size_t nrest, uint64_t *used,
                          bool *go)
{
	const uint8_t *rest = NULL;
	if (!nrest || !mtd_rd_bytes_at(r, rest_at, nrest, &rest))
		nrest = 0;
	lzma_stream z = LZMA_STREAM_INIT;
	*used = 0;
	*go = true;
	lzma_ret ret = lzma_alone_decoder(&z, memlimit);
	if (ret != LZMA_OK) {
		lzma_end(&z);
		return ret;
	}
	/* the head with LZMA_RUN until liblzma has taken all of it (it takes no input while it has no
	 * room for output), then the rest with LZMA_FINISH until the end, an error or no more input */
	for (int part = 0; part < 2 && *go && ret == LZMA_OK; part++) {
		if (part)
			z.next_in = rest;
		else
			z.next_in = head;
		z.avail_in = part ? nrest : nhead;
		for (;;) {
			z.next_out = chunk;
			z.avail_out = STREAM_CHUNK;
			ret = lzma_code(&z, part ? LZMA_FINISH : LZMA_RUN);
			size_t n = STREAM_CHUNK - z.avail_out;
			*go = n == 0 || mtd_stream_out_put(o, z.total_in, chunk, n);
			if (!*go || ret != LZMA_OK || (!part && !z.avail_in))
				break;
		}
	}
	if (ret == LZMA_STREAM_END)
		o->stopped = false;
	*used = z.total_in;
	lzma_end(&z);
	return ret;
}
