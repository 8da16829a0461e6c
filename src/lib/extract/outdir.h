/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_OUTDIR_H
#define MTDSCOPE_OUTDIR_H

#include <dirent.h>

#include <mtdscope/extract.h>

#include "../formats/format.h"

#define MTD_OUTDIR_MAX_REFUSALS 1000

struct mtd_refusal {
	int64_t component;
	const char *path;
	const char *reason;
};

struct mtd_dirfix {
	const char *rel;
	uint32_t mode;
	int64_t mtime;
};

struct mtd_outdir {
	int rootfd;
	bool list_only;
	/* DIR did not exist: everything goes to the temporary directory work, renamed to dir at the end */
	bool made;
	char dir[4096];
	char work[4096 + 32];
	/* the last parent directory resolved (files of one directory come together) */
	int cache_fd;
	char cache_rel[4096];
	struct mtd_extract_limits limits;
	unsigned threads; /* decoder threads unpackers may use (mtd_extract_options.threads; 0: online CPUs) */
	int umask;        /* the process's umask (-1: unknown), so that a file is created with its final mode */
	uint64_t bytes, files, dirs, regular, symlinks, hardlinks, specials, refused;
	bool limit_hit;
	char limit_reason[256];
	/* the file being written */
	int filefd;
	bool file_ok;
	char file_rel[4096];
	int64_t file_comp;
	uint32_t file_mode;
	bool file_chmod; /* created with 0600: its mode is set at the end */
	int64_t file_mtime;
	uint64_t file_size;
	const char *file_kind;
	struct mtd_sha256 file_sha;
	/* deferred directory modes and times */
	struct mtd_dirfix *dirfix;
	size_t ndirfix, dirfix_cap;
	struct mtd_refusal refusals[MTD_OUTDIR_MAX_REFUSALS];
	size_t nrefusals;
	/* manifest "outputs" array */
	struct mtd_buf manifest;
	struct mtd_json json;
	bool entries_open;
	struct mtd_arena arena;
};

int mtd_outdir_open(struct mtd_outdir *o, const char *dir, bool list_only, const struct mtd_extract_limits *lim,
                    struct mtd_diag *d);
int mtd_outdir_mkdir(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, uint32_t mode,
                     int64_t mtime);
/** kind: "file" for filesystem content, "carve"/"decoded" for component bytes. */
int mtd_outdir_file_begin(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, uint32_t mode,
                          int64_t mtime, const char *kind);
int mtd_outdir_file_write(struct mtd_outdir *o, const void *data, size_t len);
int mtd_outdir_file_end(struct mtd_outdir *o);
int mtd_outdir_symlink(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, const char *target,
                       int64_t mtime);
int mtd_outdir_hardlink(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, const char *target);
int mtd_outdir_special(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, uint32_t mode,
                       uint32_t major, uint32_t minor);
void mtd_outdir_refuse(struct mtd_outdir *o, int64_t comp, const char *path, const char *reason);
/** Apply directory modes/times and close the manifest array. */
void mtd_outdir_finish(struct mtd_outdir *o);
void mtd_outdir_close(struct mtd_outdir *o);
/**
 * The end of an extraction: ok moves a new DIR into place (it was written as DIR.tmp-XXXXXX);
 * !ok removes everything written (DIR is left as it was: absent or empty).  0 or an error in d.
 */
int mtd_outdir_commit(struct mtd_outdir *o, bool ok, struct mtd_diag *d);

/** Write the manifest as DIR/manifest.json (never over an existing file); 0 or -1. */
int mtd_outdir_write_manifest(struct mtd_outdir *o);
/** Append the manifest to b. */
void mtd_outdir_copy_manifest(struct mtd_outdir *o, struct mtd_buf *b);

/**
 * The unpacker of a component type (the `unpack` of its format in the
 * registry, see formats/format.h), or NULL.
 */
mtd_unpack_fn mtd_unpacker_for(const char *type);

#endif
