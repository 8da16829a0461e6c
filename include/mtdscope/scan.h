/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_SCAN_H
#define MTDSCOPE_SCAN_H

/*
 * Scanning: an image becomes a tree of components.
 *
 * Every component has an offset and an exact size in a byte space: the input
 * file (space == -1) or the decoded content of another component (space ==
 * that component's id).  parent is the id of the enclosing component, or -1.
 * Gaps between known components are components too (erased, zero, random,
 * unknown), so the byte spaces are covered completely.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "layout.h"
#include "source.h"
#include "util.h"
#include "view.h"

enum mtd_detail_kind {
	MTD_DV_STR,
	MTD_DV_U64, /* shown in decimal */
	MTD_DV_HEX, /* shown as 0x... in text, as a number in JSON */
	MTD_DV_BOOL,
	MTD_DV_LIST, /* list of strings */
};

struct mtd_detail {
	const char *key;
	enum mtd_detail_kind kind;
	bool brief; /* shown on the one-line text summary */
	uint64_t u;
	const char *s;
	const char **list;
	size_t nlist;
	size_t cap;
};

struct mtd_component {
	int64_t id;
	int64_t parent; /* -1: top level */
	int64_t space;  /* -1: the input file; else the id whose decoded bytes hold it */
	uint64_t offset;
	uint64_t size;
	const char *type;
	bool valid;
	int depth;
	const char **problems;
	size_t nproblems, problems_cap;
	struct mtd_detail *details;
	size_t ndetails, details_cap;
	/* decoded content this component owns as a byte space (NULL if none, or released) */
	const uint8_t *decoded;
	uint64_t decoded_size;
	bool decoded_owned;
	/* the decoded space is a view of the flash (byteswap16, nand): its gaps are the flash's own */
	bool view;
};

struct mtd_scan_options {
	bool descend;            /* scan inside payloads and decoded streams */
	int max_depth;           /* nesting limit */
	uint64_t max_decoded;    /* total decoded bytes kept across the scan */
	uint64_t max_ratio;      /* decoded/compressed limit per stream (above 1 MiB) */
	bool keep_decoded;       /* keep decoded spaces in the result (extract needs them) */
	bool detect_byteswap;    /* try 16-bit byte-swapped interpretation */
	const char *only_format; /* NULL: every format; else only this one (fuzzing, tests) */
	const char *view; /* view of the flash (mtdscope/view.h): NULL or "auto" detects, "none", "nand:2048+64"... */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

void mtd_scan_options_init(struct mtd_scan_options *o);

/* What one partition of the image's own layout holds. */
struct mtd_part_judgment {
	char state[12];    /* "ok", "erased", "bad", "foreign", "missing", "unknown" */
	char what[240];    /* "uimage 'MIPS OpenWrt Linux' at 0x50000", "MT7628 EEPROM v1, ..." */
	int64_t component; /* the first component found in it, -1 */
	size_t nproblems;
	char problems[6][240]; /* what is wrong with it, for people */
};

/*
 * The partitions the image carries (a device tree's fixed-partitions, mtdparts=
 * in the U-Boot environment or a kernel command line, the MediaTek/Ralink
 * vendor layout, plus OpenWrt's firmware split), each judged.
 */
struct mtd_scan_partitions {
	char source[200]; /* where the layout came from */
	char split[80];   /* "OpenWrt firmware split ..." when partitions were added by it ("" if none) */
	struct mtd_layout layout;
	struct mtd_part_judgment judg[MTD_LAYOUT_MAX_PARTS];
	size_t nproblems;
	char problems[8][240]; /* the dump against its own layout (size, concatenation, no BL2) */
	size_t nnotes;
	char notes[4][240]; /* other layouts found and not used */
};

struct mtd_scan_result {
	char file[256];
	uint64_t size;
	struct mtd_component **comps;
	size_t ncomps, cap;
	bool byteswapped;                       /* input looked like a 16-bit byte-swapped dump */
	struct mtd_view *view;                  /* the view scanned instead of the raw dump (NULL: the dump itself) */
	struct mtd_scan_partitions *partitions; /* the image's own layout, judged (NULL: none found) */
	struct mtd_arena arena;
	struct mtd_source *source; /* borrowed; valid while the caller keeps it open */
};

/** Scan an open source.  On success *out must be freed with mtd_scan_free(). */
int mtd_scan_source(struct mtd_source *src, const struct mtd_scan_options *opt, struct mtd_scan_result **out,
                    struct mtd_diag *d);
void mtd_scan_free(struct mtd_scan_result *r);

/** Bytes of the space a component lives in (input or decoded), or NULL. */
const uint8_t *mtd_scan_space_data(const struct mtd_scan_result *r, int64_t space, uint64_t *size);
/** Find a detail by key, or NULL. */
const struct mtd_detail *mtd_component_detail(const struct mtd_component *c, const char *key);

/**
 * A component's common members (id, offset, size, type, parent, space,
 * valid, problems) into the JSON object being written; the caller opens and
 * closes the object and may add its own members.
 */
void mtd_component_json_fields(const struct mtd_component *c, struct mtd_json *j);
/** The scan result as the documented JSON document. */
void mtd_scan_to_json(const struct mtd_scan_result *r, struct mtd_json *j);

/** Names of all registered format types, NULL-terminated (for --help and docs). */
const char *const *mtd_format_names(void);

#endif
