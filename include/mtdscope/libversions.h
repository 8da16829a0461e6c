/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_LIBVERSIONS_H
#define MTDSCOPE_LIBVERSIONS_H

/*
 * The versions of the libraries of the field libmtdscope uses, for
 * `mtdscope --version` and bug reports.  Each comes from the library's own
 * runtime version function where it has one (the library actually loaded),
 * else from the version its development package declared at build time, else
 * from the file name of the loaded shared object.
 */

#include <stddef.h>

enum mtd_libversion_source {
	MTD_LIBVERSION_RUNTIME,      /* the library's version function, called now */
	MTD_LIBVERSION_COMPILE_TIME, /* the version built against (pkg-config or a header macro) */
	MTD_LIBVERSION_FILE_NAME,    /* read off the loaded shared object's file name */
	MTD_LIBVERSION_UNKNOWN,
};

struct mtd_libversion {
	const char *name; /* "zlib", "liblzma", ... */
	char version[48]; /* "1.2.13"; "unknown" when nothing says */
	enum mtd_libversion_source source;
};

/** Fill out[0..max) with the libraries in use; returns how many there are (may exceed max). */
size_t mtd_libversions(struct mtd_libversion *out, size_t max);
/** "runtime", "compile-time", "file-name" or "unknown". */
const char *mtd_libversion_source_name(enum mtd_libversion_source s);

#endif
