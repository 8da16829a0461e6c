/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_STREAM_COMMON_H
#define MTDSCOPE_STREAM_COMMON_H

/*
 * The output side shared by the stream probes (lzma, xz, gzip, zstd, lz4,
 * lzo).  A probe decodes into a scratch chunk and hands every chunk to
 * mtd_stream_out_put(); this keeps the output or only counts it:
 *
 *   - Output is kept (for the scanner to look inside) when the scan descends
 *     or keeps decoded spaces, and only while it stays within
 *     mtd_probe_decode_budget(p, consumed), where `consumed` is the number
 *     of compressed bytes read so far (the whole frame for formats whose
 *     extent is known before decoding).  So the expansion ratio is checked
 *     as the stream is decoded: a bomb is cut after its first MiB.  Once a
 *     byte has been dropped nothing more is kept (the kept content stays a
 *     prefix) and finish() says which limit was reached and which option
 *     raises it (--max-ratio or --max-decoded).
 *   - Decoding itself goes on without keeping, to find the exact end and
 *     check the checksums, while the decoded size stays within
 *     STREAM_WORK_FACTOR times the ratio limit (--max-ratio times the bytes
 *     consumed, at least 1 MiB).  Past that, mtd_stream_out_put() returns false
 *     and the probe stops: the format's structure gives the rest of the
 *     extent without decoding where it can (xz footers, zstd and lz4 frame
 *     and block sizes, lzop block headers) and the content is reported as
 *     not checked; otherwise (lzma, gzip, lz4 legacy) the component is
 *     invalid with "extent unknown" and covers the bytes consumed so far.
 *     Only streams whose decoded size runs ahead of 4 x 250 = 1000 times
 *     their input (beyond the first 4 MiB) are stopped, so a bomb costs
 *     about 4 MiB of decoding, not its full size.
 *   - With the top-level scan nothing is kept: memory is one scratch chunk
 *     plus the decoder's own state.
 */

#include "format.h"

#define STREAM_CHUNK       (256u << 10)
#define STREAM_WORK_FACTOR 4u

struct mtd_stream_out {
	struct mtd_probe *p;
	bool keep;    /* output may be kept at all */
	uint8_t *buf; /* kept output */
	size_t len, cap;
	uint8_t *scratch; /* where decoders write */
	size_t scratch_cap;
	uint64_t total;        /* bytes decoded so far, kept or not */
	bool dropped;          /* output past the limit was not kept */
	bool dropped_by_total; /* ...because of --max-decoded rather than --max-ratio */
	bool stopped;          /* decoding stopped at the work bound */
	bool nomem;
};

void mtd_stream_out_init(struct mtd_stream_out *o, struct mtd_probe *p);
/** A scratch buffer of at least `need` bytes (callers cap `need`); NULL when out of memory. */
uint8_t *mtd_stream_out_scratch(struct mtd_stream_out *o, size_t need);
/**
 * Account for n decoded bytes at data, decoded from the first `consumed`
 * compressed bytes of the component.  Returns false when the probe must stop
 * decoding (work bound reached, or out of memory).
 */
bool mtd_stream_out_put(struct mtd_stream_out *o, uint64_t consumed, const uint8_t *data, size_t n);
/** Forget output decoded after a mark taken with mtd_stream_out_mark() (a retried member). */
struct mtd_stream_mark {
	size_t len;
	uint64_t total;
	bool dropped;
};
void mtd_stream_out_mark(const struct mtd_stream_out *o, struct mtd_stream_mark *m);
void mtd_stream_out_rewind(struct mtd_stream_out *o, const struct mtd_stream_mark *m);
/**
 * Finish a matched component: add `uncompressed_size` (when complete), the
 * problems about limits, and hand the kept output to the scanner.
 */
void mtd_stream_out_finish(struct mtd_stream_out *o, bool complete);
/** How much was decoded, and how much of it kept when less: "4.2 MiB decoded (the first 1.0 MiB kept for the scan)". */
const char *mtd_stream_out_done_text(const struct mtd_stream_out *o, char *buf, size_t n);
/** Which limit stopped keeping or decoding, and the option that raises it. */
void mtd_stream_out_limit_text(const struct mtd_stream_out *o, char *buf, size_t n);
/** Drop everything (the candidate did not match). */
void mtd_stream_out_release(struct mtd_stream_out *o);

/** Human-readable size for messages ("8 MiB"). */
const char *mtd_stream_size_str(uint64_t v, char *buf, size_t n);

/**
 * The Linux kernel build appends the uncompressed size as 4 little-endian
 * bytes after lzma/xz/lzo/lz4/zstd payloads (scripts/Makefile.lib
 * size_append).  Returns 4 and notes it when those bytes follow `end`
 * (relative to the component) and equal `total`, else 0.
 */
uint64_t mtd_stream_size_append(struct mtd_probe *p, uint64_t end, uint64_t total);

/**
 * Decode an LZMA-alone stream (liblzma's lzma_alone_decoder, memory limit
 * MEMLIMIT) given as two pieces, HEAD (its 13-byte header and maybe more, in
 * memory the probe owns) then the NREST bytes of R at REST_AT, into O through
 * CHUNK (STREAM_CHUNK bytes from mtd_stream_out_scratch).  Returns liblzma's last code (LZMA_STREAM_END for
 * a stream decoded to its end; LZMA_BUF_ERROR when the input ran out first)
 * and the bytes consumed of HEAD + REST in *used; *go is false when the
 * output side stopped taking bytes.  A piece may be empty; rest bytes R
 * does not hold decode as none.
 */
int mtd_stream_lzma_alone(struct mtd_stream_out *o, uint8_t *chunk, uint64_t memlimit, const uint8_t *head,
                          size_t nhead, const struct mtd_reader *r, uint64_t rest_at, size_t nrest, uint64_t *used,
                          bool *go);

/** Bytes from the candidate to the end of its space. */
static inline uint64_t mtd_stream_avail(const struct mtd_probe *p)
{
	return p->len - p->off;
}

#endif
