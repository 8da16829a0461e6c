/* SPDX-License-Identifier: MIT */
/*
 * Test driver: unpack one filesystem image (the whole file is the component)
 * with the library's unpacker for TYPE into DIR, bypassing the scan, so the
 * unpackers are tested on their own against the tools that made the images.
 * usage: unpack TYPE FILE DIR
 */
#include <stdio.h>

#include <mtdscope/source.h>

#include "../../src/lib/extract/outdir.h"

int main(int argc, char **argv)
{
	struct mtd_source src;
	struct mtd_diag d;
	struct mtd_outdir o;
	struct mtd_extract_limits lim;
	if (argc != 4) {
		fprintf(stderr, "usage: unpack TYPE FILE DIR\n");
		return 2;
	}
	mtd_unpack_fn fn = mtd_unpacker_for(argv[1]);
	mtd_extract_limits_init(&lim);
	if (!fn || mtd_source_open(&src, argv[2], &d) || mtd_outdir_open(&o, argv[3], false, &lim, &d)) {
		fprintf(stderr, "unpack: cannot start\n");
		return 1;
	}
	struct mtd_fs_sink sink = {.out = &o, .base = "", .component = 0};
	struct mtd_reader in;
	mtd_rd_init(&in, src.data, src.size, 0);
	int rc = fn(&in, &sink);
	mtd_outdir_finish(&o);
	for (size_t i = 0; i < o.nrefusals; i++)
		printf("refused: %s: %s\n", o.refusals[i].path ? o.refusals[i].path : "-", o.refusals[i].reason);
	printf("files=%llu dirs=%llu symlinks=%llu rc=%d\n", (unsigned long long)o.regular, (unsigned long long)o.dirs,
	       (unsigned long long)o.symlinks, rc);
	if (mtd_outdir_commit(&o, true, &d)) /* what was written is kept, even after a damaged input */
		fprintf(stderr, "unpack: %s: %s\n", d.file, d.msg);
	mtd_outdir_close(&o);
	mtd_source_close(&src);
	return rc ? 1 : 0;
}
