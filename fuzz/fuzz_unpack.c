/* SPDX-License-Identifier: MIT */
/*
 * The filesystem unpackers of extract on hostile bytes: every format of the
 * registry (src/lib/formats/registry.c) that has an `unpack`.  The first byte,
 * modulo the number of unpackers, picks one: squashfs, cpio, tar, jffs2, ext4,
 * ubi, ubifs first (the numbering the saved corpus was made with), then the
 * other formats with an unpacker in registry order; the rest is the
 * filesystem.  The output directory is in list mode, so nothing is written;
 * every path and link still goes through the same checks.  Invariant: the
 * counters stay within the limits given.
 */
#include <stdlib.h>
#include <string.h>

#include "../src/lib/extract/outdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t unpackers(mtd_unpack_fn *fns, const char **names, size_t cap)
{
	static const char *const first[] = {"squashfs", "cpio", "tar", "jffs2", "ext4", "ubi", "ubifs"};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]) && n < cap; i++) {
		mtd_unpack_fn fn = mtd_unpacker_for(first[i]);
		if (!fn)
			__builtin_trap(); /* a format lost its unpacker */
		names[n] = first[i];
		fns[n++] = fn;
	}
	for (size_t i = 0; i < mtd_nformats && n < cap; i++) {
		bool known = false;
		for (size_t k = 0; k < sizeof(first) / sizeof(first[0]); k++)
			known |= !strcmp(mtd_formats[i]->name, first[k]);
		if (!known && mtd_formats[i]->unpack) {
			names[n] = mtd_formats[i]->name;
			fns[n++] = mtd_formats[i]->unpack;
		}
	}
	return n;
}

#include "fixup.h"

#ifdef FUZZ_LIBFUZZER
/* The checksums to fix are those of the unpacker the first byte picks, over the rest. */
static const char *fuzz_fixup_format(uint8_t **data, size_t *size)
{
	mtd_unpack_fn fns[64];
	const char *names[64];
	size_t n = unpackers(fns, names, 64);
	if (*size < 1 || n == 0)
		return NULL;
	const char *fmt = names[(*data)[0] % n];
	(*data)++, (*size)--;
	return fmt;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mtd_unpack_fn fns[64];
	const char *names[64];
	size_t n = unpackers(fns, names, 64);
	if (size < 1)
		return 0;
	mtd_unpack_fn fn = fns[data[0] % n];
	struct mtd_extract_limits lim = {.max_bytes = 64u << 20, .max_files = 10000, .max_depth = 16};
	struct mtd_outdir *o = malloc(sizeof(*o));
	struct mtd_diag d;
	if (!o || mtd_outdir_open(o, "fuzz", true, &lim, &d)) {
		free(o);
		return 0;
	}
	struct mtd_fs_sink sink = {.out = o, .base = "root", .component = 0};
	struct mtd_reader in;
	mtd_rd_init(&in, data + 1, size - 1, 0);
	fn(&in, &sink);
	mtd_outdir_finish(o);
	if (o->bytes > lim.max_bytes || o->files > lim.max_files + 1)
		__builtin_trap();
	mtd_outdir_close(o);
	free(o);
	return 0;
}
