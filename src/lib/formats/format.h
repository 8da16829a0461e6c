/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_FORMAT_H
#define MTDSCOPE_FORMAT_H

/*
 * A format is one file (fmt_<name>.c) that fills one struct mtd_format and
 * is listed in registry.c: the header decoder, the probe the scanner calls
 * and, for filesystems and archives, the unpacker extract calls, all over
 * the same decoder (libarchive's bid() and read_header()).
 *
 * The scanner finds candidates either by a magic pattern (bytes at a fixed
 * offset from the component start) or, for formats without a magic
 * (environments, EEPROMs), at every `anchor_align` boundary of the space.
 * It then calls probe(), which must:
 *   - read input only through the readers it is given: mtd_probe_reader()
 *     (from the candidate to the end of the space) or p->in (the whole
 *     space); the probe struct carries no pointer to the bytes, and
 *     scripts/check-reader.sh rejects any other way to reach them;
 *   - return MTD_ERR_NO_MATCH quickly when the bytes are not this format;
 *   - otherwise set p->size to the exact extent (clamped to the space when
 *     the structure is cut off, with a problem saying so), p->valid to
 *     whether every checksum held, and add details/problems/children.
 * unpack() gets a reader over exactly the component's bytes (base: the
 * component's offset in its space, so mtd_rd_offset() gives positions a user
 * can find) and writes what it holds through the sink.
 * Neither prints, exits, or allocates a size read from the input without
 * capping it first.
 */

#include <mtdscope/reader.h>
#include <mtdscope/scan.h>

struct mtd_scanner;

/* struct mtd_probe has `back`/`floor` (components may start before their magic) */
#define MTD_PROBE_BACK 1

/* magic patterns a format may have (unused slots have len 0) */
#define MTD_MAGICS_MAX 8

struct mtd_magic {
	const char *bytes; /* may contain NULs: length is len */
	uint8_t len;       /* >= 2 */
	uint32_t offset;   /* where the magic sits relative to the component start */
};

struct mtd_probe {
	/*
	 * The byte space being scanned, [0, len): base 0, so mtd_rd_offset() of
	 * any reader made from it is an offset in the space.
	 */
	struct mtd_reader in;
	uint64_t len;
	uint64_t off; /* candidate start within the space */
	int64_t space;
	const char *file;
	int depth;
	/* results */
	uint64_t size;
	bool valid;
	/*
	 * Trailer formats (magic at the end of their data): bytes before `off`
	 * that belong to the component.  The scanner moves the start back by
	 * this much when those bytes are still unclaimed (`floor` is the
	 * lowest start it accepts) and adds them to size.
	 */
	uint64_t back;
	uint64_t floor;
	/* private to the scanner */
	struct mtd_scanner *sc;
	struct mtd_component *comp;
};

struct mtd_fs_sink;

/**
 * Unpack a filesystem or archive: `in` holds exactly the component's bytes.
 * Damage is reported through the sink (mtd_sink_problem) and returns 0; only
 * MTD_ERR_LIMIT and MTD_ERR_NOMEM stop the extraction.
 */
typedef int (*mtd_unpack_fn)(const struct mtd_reader *in, struct mtd_fs_sink *sink);

struct mtd_format {
	const char *name;
	struct mtd_magic magics[MTD_MAGICS_MAX];
	uint32_t anchor_align; /* 0: magic only; else also probed at each multiple */
	bool anchor_top_only;  /* anchored probing only in the input file's own space */
	int (*probe)(struct mtd_probe *p);
	mtd_unpack_fn unpack; /* NULL: extract carves the bytes only */
	/*
	 * memo: the probe's outcome, when it is valid and without problems, depends
	 * only on the bytes [start, start + size + memo_lookahead) (or up to the end
	 * of what it is shown, when that comes first), not on the space or the
	 * offset it is found at, and every component under it lies in a decoded
	 * space of its own.  The scanner
	 * then probes a second copy of those bytes (a second firmware, a backup
	 * inside an archive) by copying the first one's components instead of
	 * decoding again (scan.c, "memo").
	 */
	bool memo;
	uint8_t memo_lookahead;
};

/** The registered format of that name, or NULL. */
const struct mtd_format *mtd_format_find(const char *name);

/* Probe helpers (scanner side). */
/** A reader over the space from the candidate start to the end of the space (base: the candidate offset). */
static inline void mtd_probe_reader(const struct mtd_probe *p, struct mtd_reader *r)
{
	mtd_rd_window(&p->in, (size_t)p->off, (size_t)(p->len - p->off), r);
}
void mtd_probe_problem(struct mtd_probe *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mtd_probe_str(struct mtd_probe *p, const char *key, bool brief, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void mtd_probe_u64(struct mtd_probe *p, const char *key, bool brief, uint64_t v);
void mtd_probe_hex(struct mtd_probe *p, const char *key, bool brief, uint64_t v);
void mtd_probe_bool(struct mtd_probe *p, const char *key, bool brief, bool v);
/** Append a string to a list detail (created on first use). */
void mtd_probe_list_add(struct mtd_probe *p, const char *key, bool brief, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Scan [off, off+len) of the same space (absolute space offsets) for nested components. */
void mtd_probe_scan_range(struct mtd_probe *p, uint64_t off, uint64_t len);
/**
 * Hand over a decoded byte space (malloc'd, ownership passes to the scanner)
 * to be scanned as the component's content.  compressed_len is what it was
 * decoded from (for the expansion-ratio limit).
 */
void mtd_probe_decoded(struct mtd_probe *p, uint8_t *buf, uint64_t len);
/**
 * Add an explicit child component (FIT sub-image, UBI volume, TRX part) in
 * the same space.  Returns a probe for it: fill size/valid/details through
 * the usual helpers, then call mtd_probe_child_done().  When scan_inside is
 * true its content is scanned for nested components.
 */
struct mtd_probe *mtd_probe_child(struct mtd_probe *p, const char *type, uint64_t off, uint64_t size);
void mtd_probe_child_done(struct mtd_probe *child, bool scan_inside);
/** How many bytes a stream may still decode (ratio and total limits applied). */
uint64_t mtd_probe_decode_budget(const struct mtd_probe *p, uint64_t compressed_len);
/**
 * After a budget was used: `kept` bytes are now kept under it, or (cut) some
 * output was not kept because of it.  The scanner needs this to tell when a
 * remembered outcome still holds under a smaller budget.
 */
void mtd_probe_budget_used(const struct mtd_probe *p, uint64_t kept, bool cut);
/** Scan options in force. */
const struct mtd_scan_options *mtd_probe_options(const struct mtd_probe *p);

/**
 * A reader over a byte space of a scan result (space -1: the input file;
 * otherwise the decoded content of component `space`), base 0.  False when
 * the space holds no bytes (decoded content not kept).
 */
bool mtd_scan_space_reader(const struct mtd_scan_result *r, int64_t space, struct mtd_reader *out);

extern const struct mtd_format *const mtd_formats[];
extern const size_t mtd_nformats;

#endif
