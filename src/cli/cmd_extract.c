/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/extract.h>
#include <mtdscope/scan.h>

#include "cli.h"

static const char help[] = "usage: mtdscope extract [options] FILE -C DIR\n"
                           "       mtdscope extract [options] [--jobs N] [--jsonl] [--shard I/N] -C DIR FILE|DIR|-...\n"
                           "\n"
                           "Write every component that scan finds into DIR as a tree mirroring the scan:\n"
                           "DIR/0x<offset>-<type>/ (nested) with carve.bin (the component's bytes),\n"
                           "decoded.bin (a stream's decoded content) and root/ (an unpacked filesystem:\n"
                           "squashfs, cpio, tar), plus DIR/manifest.json mapping every output to its\n"
                           "component and SHA-256.  Erased and zero gaps are listed, not carved.\n"
                           "\n"
                           "Nothing is written outside DIR: paths are resolved below it without\n"
                           "following links, '..' and absolute names are refused, symlinks are kept as\n"
                           "symlinks and never followed, hard links only to files extracted here, device\n"
                           "nodes are recorded in the manifest, not created.  DIR must not exist or be\n"
                           "empty; a new DIR is written beside it as DIR.tmp-XXXXXX and renamed into\n"
                           "place at the end, and a failed extraction leaves DIR as it was.  No root\n"
                           "needed.\n"
                           "\n"
                           "Several inputs, a directory (walked recursively; symlinks inside it are never\n"
                           "followed) or '-' (a list of paths on standard input, NUL- or newline-separated)\n"
                           "extract a corpus as scan does: DIR is created if missing and each image goes\n"
                           "into its own DIR/<file name>.<first 12 hex digits of its SHA-256>, written\n"
                           "and renamed into place as above; an image whose directory holds a\n"
                           "manifest.json already is skipped, so a re-run resumes an interrupted one.  One\n"
                           "image per worker, a summary line each (or with --jsonl the --json manifest\n"
                           "with \"path\", \"sha256\" and \"directory\" first), a progress line on a\n"
                           "terminal; an image that fails is reported and the run goes on.\n"
                           "\n"
                           "options:\n"
                           "  -C, --directory DIR  output directory (required unless --list)\n"
                           "  --list               print what would be written; write nothing\n"
                           "  --only TYPE          only components of TYPE (and what they contain)\n"
                           "  --depth N            do not write components nested deeper than N (default 16);\n"
                           "  --max-depth N        the same (the name scan's nesting hints give)\n"
                           "  --max-bytes SIZE     stop after writing SIZE bytes (default 4G)\n"
                           "  --max-files N        stop after creating N entries (default 200000)\n"
                           "  --max-decoded SIZE   total bytes decoded from streams (default 512M)\n"
                           "  --max-ratio N        expansion limit per stream above 1 MiB (default 250)\n"
                           "  --view VIEW          read the dump through a view of the flash (as scan --view):\n"
                           "                       " MTD_VIEW_HELP "\n"
                           "  --threads N          threads decoding a squashfs's blocks, one writer keeping the\n"
                           "                       on-disk order (default: the online CPUs, at most 8; 1 with\n"
                           "                       several inputs, which --jobs spreads over the cores)\n"
                           "  --json               print the manifest on standard output\n"
                           "  --jobs N             extract N images at once, one worker thread each (default:\n"
                           "                       all cores)\n"
                           "  --jsonl              one JSON document per image as it finishes\n"
                           "  --shard I/N          only the inputs whose index in the sorted list of all inputs\n"
                           "                       is I modulo N (0 <= I < N)\n"
                           "  --from-stdin         read the list of inputs from standard input (as '-')\n"
                           "  -h, --help           show this help\n"
                           "\n"
                           "Exit status: 0 when everything was written, 1 when an image failed or a limit\n"
                           "stopped it, 2 on a usage error.\n";

static void progress(void *ctx, uint64_t bytes, uint64_t files)
{
	(void)ctx;
	(void)files;
	cli_progress("extracting", bytes, 0);
}

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"directory", required_argument, NULL, 'C'},
	    {"list", no_argument, NULL, 'l'},
	    {"only", required_argument, NULL, 'o'},
	    {"depth", required_argument, NULL, 'd'},
	    {"max-depth", required_argument, NULL, 'd'}, /* the name scan's problems give */
	    {"max-bytes", required_argument, NULL, 'b'},
	    {"max-files", required_argument, NULL, 'f'},
	    {"max-decoded", required_argument, NULL, 'D'},
	    {"max-ratio", required_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    {"view", required_argument, NULL, 'V'},
	    {"jobs", required_argument, NULL, 'J'},
	    {"threads", required_argument, NULL, 'T'},
	    {"jsonl", no_argument, NULL, 'L'},
	    {"shard", required_argument, NULL, 'H'},
	    {"from-stdin", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct mtd_extract_options eo;
	struct mtd_scan_options so;
	const char *dir = NULL;
	bool json = false, batch = false;
	struct cli_batch_opts bo = {0};
	uint64_t v;
	mtd_extract_options_init(&eo);
	mtd_scan_options_init(&so);
	so.keep_decoded = true;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'C': dir = optarg; break;
		case 'l': eo.list_only = true; break;
		case 'o': eo.only_type = optarg; break;
		case 'd':
			if (mtd_parse_u64(optarg, 64, &v))
				return cli_usage_error("extract", "--depth takes a number from 0 to 64");
			eo.limits.max_depth = (int)v;
			if (so.max_depth < (int)v)
				so.max_depth = (int)v;
			break;
		case 'b':
			if (mtd_parse_size(optarg, UINT64_MAX, &v))
				return cli_usage_error("extract", "--max-bytes takes a size such as 4G");
			eo.limits.max_bytes = v;
			break;
		case 'f':
			if (mtd_parse_u64(optarg, UINT64_MAX, &v))
				return cli_usage_error("extract", "--max-files takes a number");
			eo.limits.max_files = v;
			break;
		case 'D':
			if (mtd_parse_size(optarg, UINT64_MAX, &v))
				return cli_usage_error("extract", "--max-decoded takes a size such as 512M");
			so.max_decoded = v;
			break;
		case 'r':
			if (mtd_parse_u64(optarg, 1000000, &v) || !v)
				return cli_usage_error("extract", "--max-ratio takes a number from 1 to 1000000");
			so.max_ratio = v;
			break;
		case 'j': json = true; break;
		case 'V': so.view = optarg; break;
		case 'J':
			if (mtd_parse_u64(optarg, 1024, &v) || v == 0)
				return cli_usage_error("extract", "--jobs takes a number from 1 to 1024, not '%s'",
				                       optarg);
			bo.jobs = (unsigned)v;
			batch = true;
			break;
		case 'T':
			if (mtd_parse_u64(optarg, 64, &v) || v == 0)
				return cli_usage_error("extract", "--threads takes a number from 1 to 64, not '%s'",
				                       optarg);
			eo.threads = (unsigned)v;
			break;
		case 'L': bo.jsonl = batch = true; break;
		case 'S': bo.from_stdin = batch = true; break;
		case 'H':
			if (cli_parse_shard(optarg, &bo.shard, &bo.nshards))
				return cli_usage_error("extract", "--shard takes I/N with 0 <= I < N, not '%s'",
				                       optarg);
			batch = true;
			break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("extract", "bad option");
		}
	}
	if (optind == argc - 1 && !batch) {
		struct stat st;
		batch = !strcmp(argv[optind], "-") || (stat(argv[optind], &st) == 0 && S_ISDIR(st.st_mode));
	}
	if (batch || optind < argc - 1) {
		if (json)
			return cli_usage_error("extract", "--json prints one manifest; use --jsonl for many inputs");
		if (eo.list_only)
			return cli_usage_error("extract", "--list takes one FILE");
		if (!dir)
			return cli_usage_error("extract", "-C DIR is required");
		if (optind == argc && !bo.from_stdin)
			return cli_usage_error("extract", "expected FILE, DIR or '-'");
		if (!bo.jobs) {
			long n = sysconf(_SC_NPROCESSORS_ONLN);
			bo.jobs = n > 0 && n <= 1024 ? (unsigned)n : 1;
		}
		if (!eo.threads)
			eo.threads = 1;
		bo.eo = &eo;
		bo.outdir = dir;
		return cli_extract_batch(argc - optind, argv + optind, &so, &bo);
	}
	if (optind != argc - 1)
		return cli_usage_error("extract", "expected exactly one FILE");
	if (!dir && !eo.list_only)
		return cli_usage_error("extract", "-C DIR is required (or --list)");
	struct mtd_source src;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_source_open(&src, argv[optind], &d)) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	if (src.size == 0) {
		cli_error("%s: empty file (0 bytes); nothing to extract", argv[optind]);
		mtd_source_close(&src);
		return CLI_FAIL;
	}
	struct mtd_scan_result *r;
	if (mtd_scan_source(&src, &so, &r, &d)) {
		cli_diag(&d);
		mtd_source_close(&src);
		return CLI_FAIL;
	}
	struct mtd_buf man;
	struct mtd_extract_summary sum;
	mtd_buf_init(&man, 256u << 20);
	eo.progress = progress;
	eo.schema = cli_schema_id("extract");
	int rc = mtd_extract(r, dir ? dir : "(list)", &eo, &sum, &man, &d);
	cli_progress_done();
	int ret = CLI_OK;
	if (rc) {
		cli_diag(&d);
		ret = CLI_FAIL;
	} else if (json || eo.list_only) {
		if (json) {
			ret = cli_print_json(&man);
		} else {
			/* --list in text: one line per output from the manifest */
			const char *p = mtd_buf_str(&man);
			const char *key = "\"path\": \"";
			while ((p = strstr(p, key))) {
				p += strlen(key);
				const char *e = p;
				while (*e && *e != '"')
					e += e[0] == '\\' && e[1] ? 2 : 1;
				if (!*e)
					break;
				/* JSON-escaped already; C1 controls and bidi overrides are still to escape */
				printf("%s\n", cli_txtn(p, (size_t)(e - p)));
				p = e;
			}
		}
	}
	if (!rc && !json) {
		char hb[32];
		mtd_format_size(sum.bytes, hb, sizeof(hb));
		fprintf(
		    eo.list_only ? stdout : stderr,
		    "%s %s: %llu files, %llu directories, %llu symlinks, %llu hard links, %llu special (recorded)\n",
		    eo.list_only ? "would write" : "wrote", hb, (unsigned long long)sum.files,
		    (unsigned long long)sum.dirs, (unsigned long long)sum.symlinks, (unsigned long long)sum.hardlinks,
		    (unsigned long long)sum.specials);
		/* limits the scan hit (bombs, depth) are said here, not only in the manifest; exit 1 */
		for (size_t i = 0; i < r->ncomps; i++)
			for (size_t p = 0; p < r->comps[i]->nproblems; p++)
				if (strstr(r->comps[i]->problems[p], "--max-") && (ret = CLI_FAIL)) {
					/* the scan's hint names scan's option: extract's is --depth */
					const char *pr = r->comps[i]->problems[p], *md = strstr(pr, "--max-depth");
					cli_warn("%s at 0x%llx%s: %.*s%s%s", r->comps[i]->type,
					         (unsigned long long)r->comps[i]->offset,
					         r->comps[i]->space >= 0 ? " (decoded)" : "",
					         md ? (int)(md - pr) : (int)strlen(pr), pr, md ? "--depth" : "",
					         md ? md + strlen("--max-depth") : "");
				}
		if (sum.refused)
			cli_warn("%llu entries refused (see \"refused\" in %s/manifest.json)",
			         (unsigned long long)sum.refused, dir ? dir : "the manifest");
		if (sum.limit_hit) {
			cli_warn("stopped: %s; everything extracted so far is kept", sum.limit_reason);
			ret = CLI_FAIL;
		}
	}
	mtd_buf_release(&man);
	mtd_scan_free(r);
	mtd_source_close(&src);
	return ret;
}
