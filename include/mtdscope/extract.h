/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_EXTRACT_H
#define MTDSCOPE_EXTRACT_H

/*
 * Safe recursive extraction.
 *
 * Everything is written below one output directory through a struct
 * mtd_outdir, which resolves every path component with openat(O_NOFOLLOW |
 * O_DIRECTORY) from the directory's own descriptor: `..`, absolute names and
 * links can never lead a write outside it.  Symlinks are created as symlinks
 * (pointing where they pointed, never followed); hard links only to files
 * already written inside; device nodes are recorded, never created.
 * Limits on bytes, files and depth stop extraction with a reason and keep
 * what was written.
 */

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "scan.h"
#include "util.h"
#include "export.h"

struct mtd_extract_limits {
	uint64_t max_bytes; /* total bytes written */
	uint64_t max_files; /* files, directories and links created */
	int max_depth;      /* nesting of components */
};

MTD_API void mtd_extract_limits_init(struct mtd_extract_limits *l);

struct mtd_outdir;

/*
 * What a filesystem unpacker calls for each entry.  Paths are relative,
 * '/'-separated, as stored in the image; the outdir checks and refuses bad
 * ones (each refusal is recorded with its reason, extraction goes on).
 */
struct mtd_fs_sink {
	struct mtd_outdir *out;
	const char *base;  /* directory (relative to the outdir root) the filesystem goes into */
	int64_t component; /* component id for the manifest */
	char *stop_reason; /* set when a limit tripped: unpackers stop walking */
};

MTD_API int mtd_sink_dir(struct mtd_fs_sink *s, const char *path, uint32_t mode, int64_t mtime);
/** Start a regular file; then write its bytes with mtd_sink_file_write and finish with _end. */
MTD_API int mtd_sink_file_begin(struct mtd_fs_sink *s, const char *path, uint32_t mode, int64_t mtime);
MTD_API int mtd_sink_file_write(struct mtd_fs_sink *s, const void *data, size_t len);
MTD_API int mtd_sink_file_end(struct mtd_fs_sink *s);
/** Whole file at once. */
MTD_API int mtd_sink_file(struct mtd_fs_sink *s, const char *path, uint32_t mode, int64_t mtime, const void *data,
                          size_t len);
MTD_API int mtd_sink_symlink(struct mtd_fs_sink *s, const char *path, const char *target, int64_t mtime);
/** A hard link to another path of the same filesystem (already written). */
MTD_API int mtd_sink_hardlink(struct mtd_fs_sink *s, const char *path, const char *target);
/** Character/block devices, FIFOs, sockets: recorded in the manifest only. */
MTD_API int mtd_sink_special(struct mtd_fs_sink *s, const char *path, uint32_t mode, uint32_t rdev_major,
                             uint32_t rdev_minor);
/** Record a refusal or problem (path may be NULL). */
MTD_API void mtd_sink_problem(struct mtd_fs_sink *s, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct mtd_extract_options {
	struct mtd_extract_limits limits;
	const char *only_type; /* NULL: all; else only components of this type (and what they contain) */
	bool list_only;        /* describe what would be written, write nothing */
	void (*progress)(void *ctx, uint64_t bytes, uint64_t files);
	void *progress_ctx;
	const char *schema; /* the manifest's "schema" member (mtd_json_set_schema), or NULL for none */
	unsigned threads;   /* threads decoding a filesystem's blocks (one writer keeps on-disk order);
	                       0: the online CPUs (at most 8), 1: all in the calling thread */
};

MTD_API void mtd_extract_options_init(struct mtd_extract_options *o);

struct mtd_extract_summary {
	uint64_t bytes, files, dirs, symlinks, hardlinks, specials, refused;
	bool limit_hit;
	char limit_reason[256];
};

/*
 * Extract a scan result (scanned with keep_decoded) into dir, which must not
 * exist or be empty.  The manifest (JSON) is written to dir/manifest.json
 * and also returned in *manifest when non-NULL (list_only: only returned).
 */
MTD_API int mtd_extract(const struct mtd_scan_result *r, const char *dir, const struct mtd_extract_options *o,
                        struct mtd_extract_summary *sum, struct mtd_buf *manifest, struct mtd_diag *d);

#endif
