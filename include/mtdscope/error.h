/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_ERROR_H
#define MTDSCOPE_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "export.h"

/*
 * Every library function returns 0 (MTD_OK) or one of these negative codes,
 * and hands results out through pointer parameters.  Functions that can fail
 * on input bytes also fill a struct mtd_diag that says where and why.
 */
enum mtd_err {
	/** Success. */
	MTD_OK = 0,
	/** A system call failed; errno is kept in the diagnostic. */
	MTD_ERR_IO = -1,
	/** An allocation failed. */
	MTD_ERR_NOMEM = -2,
	/** The input ended before the structure did. */
	MTD_ERR_TRUNCATED = -3,
	/** The bytes are not what the format requires. */
	MTD_ERR_FORMAT = -4,
	/** A size or offset computation would overflow. */
	MTD_ERR_OVERFLOW = -5,
	/** A configured limit (depth, bytes, ratio, count) was reached. */
	MTD_ERR_LIMIT = -6,
	/** The input uses a feature this build does not handle. */
	MTD_ERR_UNSUPPORTED = -7,
	/** A caller passed an invalid argument. */
	MTD_ERR_ARG = -8,
	/** A checksum or hash did not match. */
	MTD_ERR_CHECKSUM = -9,
	/** The output already exists and would be overwritten. */
	MTD_ERR_EXISTS = -10,
	/** A named thing (file, partition, key) is not there. */
	MTD_ERR_NOT_FOUND = -11,
	/** A probe found no structure of its format at this place. */
	MTD_ERR_NO_MATCH = -12,
	/** The operation would be unsafe (overwrite unit data, escape a directory). */
	MTD_ERR_REFUSED = -13,
	/** A timeout expired. */
	MTD_ERR_TIMEOUT = -14,
};

/** A short lowercase description of an error code. */
MTD_API const char *mtd_strerror(int err);

/*
 * A diagnostic names the file, the byte offset (when there is one) and what
 * was expected.  Rendered as one line: "FILE: offset 0x1F40: expected ...".
 */
struct mtd_diag {
	int err;
	int sys_errno;
	bool has_offset;
	uint64_t offset;
	char file[256];
	char msg[512];
};

MTD_API void mtd_diag_clear(struct mtd_diag *d);
/** Record an error with an offset; returns err so callers can `return mtd_diag_at(...)`. */
MTD_API int mtd_diag_at(struct mtd_diag *d, int err, const char *file, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/** Record an error that has no byte offset (open failed, bad argument). */
MTD_API int mtd_diag_set(struct mtd_diag *d, int err, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Render the diagnostic as one line (no trailing newline) into buf. */
MTD_API void mtd_diag_format(const struct mtd_diag *d, char *buf, size_t size);

#endif
