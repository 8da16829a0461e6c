/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_OUTFILE_H
#define MTDSCOPE_OUTFILE_H

/*
 * The one output discipline (src/lib/io/outfile.c).  Every file a command writes goes through
 * it:
 *  - a command registers its inputs (struct mtd_inputs, one set per run); an output that is one
 *    of them is refused: the same device and inode for an existing file (so hard links and
 *    symlinks count), the same resolved path (realpath of the directory + name) otherwise;
 *  - a regular file is written to a temporary in the target's own directory (the directory of
 *    the symlink's target when PATH is a symlink: the link itself stays) and renamed into place
 *    on commit; abort (or a crash) leaves PATH untouched;
 *  - a character device, FIFO or socket (/dev/stdout on a terminal or a pipe, /dev/null) is
 *    written directly, never renamed over;
 *  - "-" is standard output.
 * A multi-file output (struct mtd_outset: split, plan -C) writes every file as a temporary and
 * renames them all into place on commit; a directory that does not exist yet is built as a
 * temporary directory beside it and renamed into place; abort removes everything it wrote.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct mtd_input_id {
	dev_t dev;
	ino_t ino;
	char *path; /* as given */
	char *real; /* realpath(), NULL when it could not be resolved */
};

/** The inputs of one command run. */
struct mtd_inputs {
	struct mtd_input_id *v;
	size_t n, cap;
};

void mtd_inputs_init(struct mtd_inputs *in);
void mtd_inputs_free(struct mtd_inputs *in);
/** Register an input file (followed through symlinks); "-" and a missing file are not recorded. */
int mtd_inputs_add(struct mtd_inputs *in, const char *path, struct mtd_diag *d);
/**
 * 0 when writing PATH cannot touch an input; MTD_ERR_REFUSED naming PATH and the input
 * otherwise.  in may be NULL (no inputs).
 */
int mtd_inputs_check(const struct mtd_inputs *in, const char *path, struct mtd_diag *d);

struct mtd_outfile {
	int fd;
	bool no_overwrite;
	bool direct;       /* written in place: standard output, a character device, a FIFO */
	bool own_fd;       /* direct and opened here (closed on commit) */
	char path[4096];   /* as given, for messages */
	char target[4096]; /* what is renamed over: path, or the target of the symlink path */
	char tmp[4096 + 16];
};
int mtd_outfile_open(struct mtd_outfile *o, const char *path, bool no_overwrite, const struct mtd_inputs *in,
                     struct mtd_diag *d);
int mtd_outfile_write(struct mtd_outfile *o, const void *p, size_t n, struct mtd_diag *d);
int mtd_outfile_commit(struct mtd_outfile *o, struct mtd_diag *d);
void mtd_outfile_abort(struct mtd_outfile *o);
/** Write a whole buffer through mtd_outfile_*. */
int mtd_write_file_atomic(const char *path, const void *p, size_t n, bool no_overwrite, const struct mtd_inputs *in,
                          struct mtd_diag *d);

/** Several files in one directory that appear together or not at all. */
struct mtd_outset {
	const struct mtd_inputs *in;
	bool no_overwrite;
	bool made_dir; /* dir did not exist: files go to the temporary directory work */
	char dir[4096];
	char work[4096 + 32];
	size_t n, cap;
	char **names; /* final names (plain file names, no '/') */
	char **tmps;  /* the temporaries, in work */
};
/** Refuses a DIR that exists and is not a directory; creates nothing yet. */
int mtd_outset_open(struct mtd_outset *s, const char *dir, bool no_overwrite, const struct mtd_inputs *in,
                    struct mtd_diag *d);
/** Write NAME (a plain file name) with the bytes p[0..n). */
int mtd_outset_write(struct mtd_outset *s, const char *name, const void *p, size_t n, struct mtd_diag *d);
/** Move every file into place (the temporary directory renamed to DIR when DIR was new). */
int mtd_outset_commit(struct mtd_outset *s, struct mtd_diag *d);
/** Remove everything written so far; safe after commit (frees only). */
void mtd_outset_abort(struct mtd_outset *s);

#endif
