/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/layout.h>
#include <mtdscope/source.h>

#include <mtdscope/view.h>

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
                           "  -C DIR             output directory (created if missing; default .); all the\n"
                           "                     files appear together or none, never over IMAGE or L\n"
                           "  --top-level        only top-level partitions (no nested rootfs etc.)\n"
                           "  --whole            also write whole-chip entries (\"ALL\")\n"
                           "  --no-overwrite     refuse to replace existing files\n"
                           "  --view VIEW        read dumps through a view of the flash: " MTD_VIEW_HELP "\n"
                           "                     (NAND with spare: page data, bad blocks kept in place)\n"
                           "  --json             the files written (partition, offset, size, SHA-256) as JSON\n"
                           "  -h, --help         show this help\n";

struct out {
	const struct mtd_layout *l;
	const char *dir;
	struct mtd_json *j; /* NULL: text */
};

static void written(void *ctx, size_t i, const char *file, const char *sha256)
{
	struct out *o = ctx;
	const struct mtd_part *p = &o->l->parts[i];
	if (!o->j) {
		printf("%s/%s  0x%08llx +0x%llx  %s\n", cli_txt(o->dir), cli_txt(file), (unsigned long long)p->offset,
		       (unsigned long long)p->size, sha256);
		return;
	}
	mtd_json_begin_object(o->j);
	mtd_json_kv_str(o->j, "partition", p->name);
	mtd_json_kv_str(o->j, "file", file);
	mtd_json_kv_u64(o->j, "offset", p->offset);
	mtd_json_kv_u64(o->j, "size", p->size);
	mtd_json_kv_str(o->j, "sha256", sha256);
	mtd_json_end_object(o->j);
}

int cmd_split(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"layout", required_argument, NULL, 'l'},
	    {"kind", required_argument, NULL, 'k'},
	    {"flash-size", required_argument, NULL, 'f'},
	    {"top-level", no_argument, NULL, 't'},
	    {"whole", no_argument, NULL, 'w'},
	    {"no-overwrite", no_argument, NULL, 'n'},
	    {"json", no_argument, NULL, 'j'},
	    {"view", required_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *lpath = NULL, *kind = NULL, *fsize = NULL, *dir = ".", *view = NULL;
	struct mtd_split_options so = {0};
	bool json = false;
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
		case 'j': json = true; break;
		case 'V': view = optarg; break;
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
	if (cli_input(argv[optind])) {
		free(l);
		return CLI_FAIL;
	}
	struct mtd_source src;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if ((rc = cli_open_input("split", argv[optind], view, &src))) {
		free(l);
		return rc;
	}
	struct mtd_buf b;
	struct mtd_json j;
	struct out o = {.l = l, .dir = dir, .j = json ? &j : NULL};
	mtd_buf_init(&b, 0);
	mtd_json_init(&j, &b, false);
	cli_json_schema(&j, "split");
	if (json) {
		mtd_json_begin_object(&j);
		mtd_json_kv_str(&j, "image", argv[optind]);
		mtd_json_kv_str(&j, "directory", dir);
		mtd_json_kv_str(&j, "manifest", "manifest.sha256");
		mtd_json_key(&j, "files");
		mtd_json_begin_array(&j);
	}
	so.written = written;
	so.inputs = cli_inputs();
	so.ctx = &o;
	rc = mtd_layout_split(l, &src, dir, &so, &d);
	if (rc)
		cli_diag(&d);
	if (json && !rc) {
		mtd_json_end_array(&j);
		mtd_json_end_object(&j);
		rc = cli_print_json(&b) ? -1 : 0;
	}
	mtd_buf_release(&b);
	mtd_source_close(&src);
	free(l);
	return rc ? CLI_FAIL : CLI_OK;
}
