/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_SOURCE_H
#define MTDSCOPE_SOURCE_H

/*
 * An image source: the bytes of one input, read-only.  Regular files and
 * block devices are mapped (never read whole into memory); callers release
 * regions they are done with so that peak RSS stays bounded on huge inputs.
 * Anything else (directories, FIFOs, character devices such as /dev/zero)
 * is refused with a one-line diagnostic.
 */

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"

struct mtd_source {
	const uint8_t *data;
	uint64_t size;
	char name[256];
	/* private */
	void *map;
	size_t map_len;
	uint8_t *owned;
};

/** Open and map PATH read-only.  Empty files are mapped as size 0. */
MTD_API int mtd_source_open(struct mtd_source *s, const char *path, struct mtd_diag *d);
/** Wrap a memory buffer (not copied, not freed). */
MTD_API void mtd_source_from_memory(struct mtd_source *s, const char *name, const void *data, size_t size);
/** Hint: [off, off+len) will not be needed again soon (drops mapped pages). */
MTD_API void mtd_source_release_range(struct mtd_source *s, uint64_t off, uint64_t len);
MTD_API void mtd_source_close(struct mtd_source *s);

/**
 * Read a whole small file (text logs, layouts) into memory with a maximum
 * size; the result is NUL-terminated.  Refuses non-regular files the same way.
 */
MTD_API int mtd_read_small_file(const char *path, size_t max, char **out, size_t *len, struct mtd_diag *d);

#endif
