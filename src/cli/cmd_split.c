/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mtdscope/layout.h>
#include <mtdscope/source.h>

#include "cli.h"

static const char help[] = "usage: mtdscope split IMAGE --layout L [-C DIR] [options]\n"
                           "\n"
                           "Cut a whole-chip dump into one file per partition (NAME.bin) and write\n"
                           "DIR/manifest.sha256 (sha256sum -c format).  IMAGE must be the size of the\n"
                           "chip; a partition dump or a concatenation of dumps is refused and named.\n"
                           "\n"
                           "options:\n"
                           "  --layout L         the layout (see 'mtdscope layout --help')\n"
                           "  --kind K           layout kind (default: detect)\n"
                           "  --flash-size SIZE  the real chip size\n"
                           "  -C DIR             output directory (created if missing; default .)\n"
                           "  --top-level        only top-level partitions (no nested rootfs etc.)\n"
                           "  --whole            also write whole-chip entries (\"ALL\")\n"
                           "  --no-overwrite     refuse to replace existing files\n"
                           "  -h, --help         show this help\n";

int cmd_split(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"layout", required_argument, NULL, 'l'},
	    {"kind", required_argument, NULL, 'k'},
	    {"flash-size", required_argument, NULL, 'f'},
	    {"top-level", no_argument, NULL, 't'},
	    {"whole", no_argument, NULL, 'w'},
	    {"no-overwrite", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *lpath = NULL, *kind = NULL, *fsize = NULL, *dir = ".";
	struct mtd_split_options so = {0};
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "hC:", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': lpath = optarg; break;
		case 'k': kind = optarg; break;
		case 'f': fsize = optarg; break;
		case 'C': dir = optarg; break;
		case 't': so.top_level_only = true; break;
		case 'w': so.include_whole = true; break;
		case 'n': so.no_overwrite = true; break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("split", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("split", "expected exactly one IMAGE");
	struct mtd_layout *l;
	int rc = cli_load_layout("split", lpath, kind, fsize, &l);
	if (rc)
		return rc;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		cli_error("%s: cannot create directory: %s", dir, strerror(errno));
		free(l);
		return CLI_FAIL;
	}
	struct mtd_source src;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_source_open(&src, argv[optind], &d)) {
		cli_diag(&d);
		free(l);
		return CLI_FAIL;
	}
	rc = mtd_layout_split(l, &src, dir, &so, &d);
	if (rc)
		cli_diag(&d);
	else
		for (size_t i = 0; i < l->nparts; i++) {
			const struct mtd_part *p = &l->parts[i];
			if (((p->flags & MTD_PART_WHOLE_CHIP) && !so.include_whole) ||
			    (p->parent >= 0 && so.top_level_only))
				continue;
			char fn[72];
			mtd_layout_part_filename(l, i, fn, sizeof(fn));
			printf("%s/%s  0x%08llx +0x%llx\n", dir, fn, (unsigned long long)p->offset,
			       (unsigned long long)p->size);
		}
	mtd_source_close(&src);
	free(l);
	return rc ? CLI_FAIL : CLI_OK;
}
