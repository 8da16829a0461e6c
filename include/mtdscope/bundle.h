/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_BUNDLE_H
#define MTDSCOPE_BUNDLE_H

/*
 * A bundle written by collect on a device (src/collect, doc/collect.md), read on the PC: a
 * ustar file of regular members named collect/..., collect/SHA256SUMS naming every other
 * member, collect/manifest.json ("mtdscope.collect-manifest/1") giving each MTD device's
 * geometry and how its dump read.  Every byte is read through a struct mtd_reader: header
 * checksums, names, sizes and every member's SHA-256 are checked before a member is handed
 * out, and the manifest's mtd[] entries are decoded with a bounded JSON reader.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "reader.h"

#define MTD_BUNDLE_MAX_MEMBERS 4096u
#define MTD_BUNDLE_MAX_MTD     64u

struct mtd_bundle_member {
	char name[101]; /* "collect/..." */
	uint64_t off;   /* of its data, in the bundle */
	uint64_t size;
};

/* One entry of the manifest's mtd[]: an MTD device and, when it was dumped, how it read. */
struct mtd_bundle_mtd {
	unsigned index;
	char name[64];
	uint64_t size; /* as the device gave it */
	uint64_t erasesize;
	char dump[96];          /* its member without "collect/" ("mtd/mtd3ro"); "" when not dumped */
	char sha256[65];        /* the first read's SHA-256 (hex); "" when absent */
	char sha256_second[65]; /* the second read's (collect --twice); "" when read once */
	bool has_bytes_read;
	uint64_t bytes_read;  /* bytes the device gave before it ended */
	uint64_t read_errors; /* chunks that failed to read (filled with 0xff) */
	uint64_t first_error; /* offset of the first (when read_errors) */
	int stable;           /* 1 equal twice, 0 the reads differ, -1 read once */
};

struct mtd_bundle {
	char name[256];
	struct mtd_reader all; /* over the whole bundle (the caller's memory) */
	struct mtd_bundle_member *m;
	size_t n;
	struct mtd_bundle_mtd mtd[MTD_BUNDLE_MAX_MTD];
	size_t nmtd;
	bool twice;
};

/** r (at its start) begins with a ustar header with a valid checksum naming collect/... */
MTD_API bool mtd_bundle_detect(const struct mtd_reader *r);
/**
 * Walk the bundle in r (kept by b, not copied): every header's checksum, name (collect/ and
 * [A-Za-z0-9._-/] words, no ".."), type and size; every member's SHA-256 against
 * collect/SHA256SUMS, which must name each member once; collect/manifest.json and its mtd[]
 * (every dump it names a member).  0, or MTD_ERR_FORMAT / MTD_ERR_CHECKSUM / MTD_ERR_LIMIT /
 * MTD_ERR_NOMEM with d naming `name`, the offset and what was expected (b is then released).
 */
MTD_API int mtd_bundle_open(struct mtd_bundle *b, const char *name, const struct mtd_reader *r, struct mtd_diag *d);
/** The member collect/NAME, or NULL. */
MTD_API const struct mtd_bundle_member *mtd_bundle_find(const struct mtd_bundle *b, const char *name);
/** A reader over one member's bytes (base: its offset in the bundle). */
MTD_API bool mtd_bundle_member_reader(const struct mtd_bundle *b, const struct mtd_bundle_member *m,
                                      struct mtd_reader *out);
/** The manifest entry whose dump is member collect/NAME ("mtd/mtd2ro"), or NULL. */
MTD_API const struct mtd_bundle_mtd *mtd_bundle_dump(const struct mtd_bundle *b, const char *name);
/**
 * Whether a dump can be trusted as the partition's content: false, with one sentence in why
 * naming the member ("collect/mtd/mtd2ro: the two reads differ ..."), when the two reads
 * differ, the device ended early, chunks failed to read, or the member is not the size the
 * device gave.
 */
MTD_API bool mtd_bundle_dump_ok(const struct mtd_bundle *b, const struct mtd_bundle_mtd *e, char *why, size_t size);
MTD_API void mtd_bundle_release(struct mtd_bundle *b);

#endif
