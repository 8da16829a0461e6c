/* SPDX-License-Identifier: MIT */
/*
 * The filesystem unpackers of extract (squashfs, cpio, tar, jffs2, ext4, ubi,
 * ubifs) on hostile bytes: the first byte picks the unpacker, the rest is the
 * filesystem.  The output directory is in list mode, so nothing is written;
 * every path and link still goes through the same checks.  Invariant: the
 * counters stay within the limits given.
 */
#include <stdlib.h>

#include "../src/lib/extract/outdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {"squashfs", "cpio", "tar", "jffs2", "ext4", "ubi", "ubifs"};
	if (size < 1)
		return 0;
	mtd_unpack_fn fn = mtd_unpacker_for(types[data[0] % 7]);
	if (!fn)
		__builtin_trap();
	struct mtd_extract_limits lim = {.max_bytes = 64u << 20, .max_files = 10000, .max_depth = 16};
	struct mtd_outdir *o = malloc(sizeof(*o));
	struct mtd_diag d;
	if (!o || mtd_outdir_open(o, "fuzz", true, &lim, &d)) {
		free(o);
		return 0;
	}
	struct mtd_fs_sink sink = {.out = o, .base = "root", .component = 0};
	fn(data + 1, size - 1, &sink);
	mtd_outdir_finish(o);
	if (o->bytes > lim.max_bytes || o->files > lim.max_files + 1)
		__builtin_trap();
	mtd_outdir_close(o);
	free(o);
	return 0;
}
