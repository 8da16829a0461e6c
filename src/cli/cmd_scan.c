/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/scan.h>

#include "cli.h"
#include "html.h"

static const char help[] = "usage: mtdscope scan [options] FILE\n"
                           "       mtdscope scan [options] [--jobs N] [--jsonl] [--db DB] [--shard I/N] FILE|DIR|-...\n"
                           "\n"
                           "Map every component of a raw flash dump or firmware file: one line per\n"
                           "component, nested, with offset, size, type, whether its checksums held and\n"
                           "the fields that matter, under the partitions the image itself carries (a\n"
                           "device tree's fixed-partitions, mtdparts= in the U-Boot environment or a\n"
                           "kernel command line, the MediaTek/Ralink vendor layout, OpenWrt's firmware\n"
                           "split), each judged: bootloader present, Factory erased or from another unit,\n"
                           "firmware checksums, rootfs_data state, the dump against its layout.\n"
                           "Bytes that belong to no known component are shown\n"
                           "as erased (0xFF), zero, random (high entropy) or unknown.  Offsets of\n"
                           "components inside decoded streams count in the decoded bytes (marked ~);\n"
                           "the gaps inside one decoded stream are summed up on one line (--all lists\n"
                           "them; --json always has them all).\n"
                           "\n"
                           "A bundle written by 'mtdscope collect' is checked first: every member against\n"
                           "its SHA256SUMS, and every dump against its manifest (two reads that differ, a\n"
                           "device that ended early, read errors); what fails is named on standard error,\n"
                           "the bytes are still scanned, and the exit status is then 1.\n"
                           "\n"
                           "Several inputs, a directory (walked recursively; symlinks inside it are\n"
                           "never followed) or '-' (a list of paths on standard input, NUL- or\n"
                           "newline-separated) scan a corpus: one image per worker, one summary line\n"
                           "each (or one JSON document each with --jsonl), a progress line on a\n"
                           "terminal.  An image that cannot be scanned is reported and the run goes on.\n"
                           "\n"
                           "options:\n"
                           "  --json             print the map as one JSON document (see doc/scan-json.md)\n"
                           "  --html FILE        also write a self-contained HTML report to FILE ('-': standard\n"
                           "                     output, instead of the map): the flash map to scale with the\n"
                           "                     partitions and components, the entropy per block, the findings\n"
                           "                     by severity and the --json document; no script, nothing fetched\n"
                           "  --entropy-block SIZE  block of the report's entropy plot (default 4K)\n"
                           "  --all              list every gap inside decoded streams, not one summary each\n"
                           "  --top-level        do not look inside payloads or decoded streams\n"
                           "  --max-depth N      nesting limit (default 8)\n"
                           "  --max-decoded SIZE total bytes decoded from streams (default 512M)\n"
                           "  --max-ratio N      expansion limit per stream above 1 MiB (default 250)\n"
                           "  --no-byteswap      do not try a 16-bit byte-swapped reading of the input\n"
                           "  --view VIEW        read the dump through a view of the flash: " MTD_VIEW_HELP "\n"
                           "                     (NAND with spare: page data only, bad blocks skipped, BMT/NMBM\n"
                           "                     remapping applied; the view is named in the output)\n"
                           "  --jobs N           scan N images at once, one worker thread each (default: all\n"
                           "                     cores); --max-decoded bounds the memory of each worker\n"
                           "  --jsonl            one JSON document per image as it finishes: the scan --json\n"
                           "                     document with \"path\" and \"sha256\" first\n"
                           "  --db DB            store the results in the SQLite database DB, or in PostgreSQL\n"
                           "                     when DB is a postgresql://... URI (doc/batch-db.md): one\n"
                           "                     transaction per image; images already in it are skipped\n"
                           "  --shard I/N        only the inputs whose index in the sorted list of all inputs\n"
                           "                     is I modulo N (0 <= I < N): N runs with the same inputs,\n"
                           "                     on any machines, share a corpus without overlap\n"
                           "  --from-stdin       read the list of inputs from standard input (as '-')\n"
                           "  --color=WHEN       auto (default), always or never\n"
                           "  -h, --help         show this help\n"
                           "\n"
                           "Exit status: 0 when every image was scanned, 1 when one failed (or the\n"
                           "database could not be written, or a bundle failed its own checks), 2 on a\n"
                           "usage error.\n"
                           "\n"
                           "types: ";

static void progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	cli_progress("scanning", done, total);
}

static void print_detail(const struct mtd_detail *d)
{
	printf(" %s=", cli_txt(d->key));
	switch (d->kind) {
	case MTD_DV_STR:
		if (strchr(d->s, ' ') || !*d->s)
			printf("\"%s\"", cli_txt(d->s));
		else
			printf("%s", cli_txt(d->s));
		break;
	case MTD_DV_U64: printf("%llu", (unsigned long long)d->u); break;
	case MTD_DV_HEX: printf("0x%llx", (unsigned long long)d->u); break;
	case MTD_DV_BOOL: printf("%s", d->u ? "yes" : "no"); break;
	case MTD_DV_LIST:
		for (size_t i = 0; i < d->nlist && i < 8; i++)
			printf("%s%s", i ? "," : "", cli_txt(d->list[i]));
		if (d->nlist > 8)
			printf(",...(%zu)", d->nlist);
		break;
	}
}

static bool is_gap(const char *t)
{
	return !strcmp(t, "erased") || !strcmp(t, "zero") || !strcmp(t, "random") || !strcmp(t, "unknown");
}

/* Gaps of a decoded stream, counted for its one summary line. */
struct gap_sum {
	size_t n;
	uint64_t bytes[4]; /* erased, zero, random, unknown */
	bool shown;
};

static int gap_kind(const char *t)
{
	return !strcmp(t, "erased") ? 0 : !strcmp(t, "zero") ? 1 : !strcmp(t, "random") ? 2 : 3;
}

/* Gaps inside decoded streams collapse into one line per stream; those of the flash itself (and its views) stay. */
static bool collapsible(const struct mtd_scan_result *r, const struct mtd_component *c)
{
	return c->space >= 0 && (size_t)c->space < r->ncomps && !r->comps[c->space]->view && is_gap(c->type);
}

static void print_gap_summary(const struct mtd_component *c, const struct gap_sum *g)
{
	static const char *const names[4] = {"erased", "zero", "random", "unknown"};
	uint64_t total = 0;
	for (int k = 0; k < 4; k++)
		total += g->bytes[k];
	char tsz[24];
	mtd_format_size(total, tsz, sizeof(tsz));
	printf("%s%*s~ %zu gap%s, %s not recognised:", cli_c(stdout, CLI_DIM), 2 * c->depth, "", g->n,
	       g->n == 1 ? "" : "s", tsz);
	bool first = true;
	for (int k = 3; k >= 0; k--) {
		if (!g->bytes[k])
			continue;
		char sz[24];
		mtd_format_size(g->bytes[k], sz, sizeof(sz));
		printf("%s %s %s", first ? "" : ",", names[k], sz);
		first = false;
	}
	printf(" (--all lists them)%s\n", cli_c(stdout, CLI_RESET));
}

/* The image's own partitions, judged: the top of the map. */
static void print_partitions(const struct mtd_scan_result *r)
{
	const struct mtd_scan_partitions *sp = r->partitions;
	if (!sp)
		return;
	if (sp->source[0])
		printf("%sPARTITIONS%s from %s\n", cli_c(stdout, CLI_BOLD), cli_c(stdout, CLI_RESET),
		       cli_txt(sp->source));
	if (sp->split[0])
		printf("%s  (partitions marked * inside firmware: %s)%s\n", cli_c(stdout, CLI_DIM), cli_txt(sp->split),
		       cli_c(stdout, CLI_RESET));
	for (size_t i = 0; i < sp->layout.nparts; i++) {
		const struct mtd_part *p = &sp->layout.parts[i];
		const struct mtd_part_judgment *j = &sp->judg[i];
		int depth = 0;
		for (int q = p->parent; q >= 0 && depth < 8; q = sp->layout.parts[q].parent)
			depth++;
		char sz[24];
		mtd_format_size(p->size, sz, sizeof(sz));
		bool good = !strcmp(j->state, "ok");
		bool badst = !strcmp(j->state, "bad") || !strcmp(j->state, "foreign") || !strcmp(j->state, "missing") ||
		             j->nproblems;
		char off[24], name[80];
		snprintf(off, sizeof(off), "0x%08llx", (unsigned long long)p->offset);
		snprintf(name, sizeof(name), "%s%s", cli_txt(p->name), p->flags & MTD_PART_AUTO ? "*" : "");
		printf("%*s%-*s 0x%08llx %9s  %-*s %-11s %s%-7s%s %s\n", 2 * depth, "",
		       12 - 2 * depth > 0 ? 12 - 2 * depth : 0, off, (unsigned long long)p->size, sz, 14, name,
		       mtd_part_role_name(p->role),
		       cli_c(stdout, badst  ? CLI_RED
		                     : good ? CLI_GREEN
		                            : CLI_DIM),
		       j->state, cli_c(stdout, CLI_RESET), cli_txt(j->what));
		for (size_t k = 0; k < j->nproblems; k++)
			printf("%*s%s! %s%s\n", 2 * depth + 4, "", cli_c(stdout, CLI_YELLOW), cli_txt(j->problems[k]),
			       cli_c(stdout, CLI_RESET));
	}
	for (size_t k = 0; k < sp->nproblems; k++)
		printf("%s! %s%s\n", cli_c(stdout, CLI_YELLOW), cli_txt(sp->problems[k]), cli_c(stdout, CLI_RESET));
	for (size_t k = 0; k < sp->nnotes; k++)
		printf("%s  %s%s\n", cli_c(stdout, CLI_DIM), cli_txt(sp->notes[k]), cli_c(stdout, CLI_RESET));
	putchar('\n');
}

static void print_text(const struct mtd_scan_result *r, bool all)
{
	struct gap_sum *sums = all ? NULL : calloc(r->ncomps ? r->ncomps : 1, sizeof(*sums));
	if (sums)
		for (size_t i = 0; i < r->ncomps; i++) {
			const struct mtd_component *c = r->comps[i];
			if (collapsible(r, c)) {
				sums[c->space].n++;
				sums[c->space].bytes[gap_kind(c->type)] += c->size;
			}
		}
	char hsize[32];
	mtd_format_size(r->size, hsize, sizeof(hsize));
	printf("%s%s%s: %s (%llu bytes)%s\n", cli_c(stdout, CLI_BOLD), cli_txt(r->file), cli_c(stdout, CLI_RESET),
	       hsize, (unsigned long long)r->size, r->byteswapped ? ", 16-bit byte-swapped" : "");
	if (r->view) {
		char vd[200];
		mtd_view_describe(r->view, vd, sizeof(vd));
		printf("view %s%s: offsets marked ~ count in the view's bytes, raw_offset= in the dump's\n", vd,
		       r->view->detected ? " (detected)" : "");
	}
	print_partitions(r);
	printf("%s%-12s %-10s %9s  %-16s %-3s  %s%s\n", cli_c(stdout, CLI_DIM), "OFFSET", "SIZE", "", "TYPE", "OK",
	       "DETAILS", cli_c(stdout, CLI_RESET));
	size_t invalid = 0;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (sums && collapsible(r, c)) {
			if (!sums[c->space].shown)
				print_gap_summary(c, &sums[c->space]);
			sums[c->space].shown = true;
			continue;
		}
		char off[32], sz[24];
		snprintf(off, sizeof(off), "%s0x%08llx", c->space >= 0 ? "~" : "", (unsigned long long)c->offset);
		mtd_format_size(c->size, sz, sizeof(sz));
		bool gap = is_gap(c->type);
		printf("%*s%-*s 0x%08llx %9s  %s%-16s%s %s%-3s%s ", 2 * c->depth, "",
		       12 - 2 * c->depth > 0 ? 12 - 2 * c->depth : 0, off, (unsigned long long)c->size, sz,
		       cli_c(stdout, gap ? CLI_DIM : CLI_CYAN), cli_txt(c->type), cli_c(stdout, CLI_RESET),
		       cli_c(stdout, gap        ? CLI_DIM
		                     : c->valid ? CLI_GREEN
		                                : CLI_RED),
		       gap        ? ""
		       : c->valid ? "ok"
		                  : "BAD",
		       cli_c(stdout, CLI_RESET));
		if (!c->valid && !gap)
			invalid++;
		for (size_t k = 0; k < c->ndetails; k++)
			if (c->details[k].brief)
				print_detail(&c->details[k]);
		if (c->decoded_size)
			printf(" decoded=%llu", (unsigned long long)c->decoded_size);
		putchar('\n');
		for (size_t p = 0; p < c->nproblems; p++)
			printf("%*s%s! %s%s\n", 2 * c->depth + 4, "", cli_c(stdout, CLI_YELLOW),
			       cli_txt(c->problems[p]), cli_c(stdout, CLI_RESET));
	}
	if (invalid)
		printf("%s%zu component%s failed a check%s\n", cli_c(stdout, CLI_RED), invalid, invalid == 1 ? "" : "s",
		       cli_c(stdout, CLI_RESET));
	free(sums);
}

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"all", no_argument, NULL, 'a'},
	    {"html", required_argument, NULL, 'W'},
	    {"entropy-block", required_argument, NULL, 'E'},
	    {"top-level", no_argument, NULL, 't'},
	    {"max-depth", required_argument, NULL, 'd'},
	    {"max-decoded", required_argument, NULL, 'D'},
	    {"max-ratio", required_argument, NULL, 'r'},
	    {"no-byteswap", no_argument, NULL, 'B'},
	    {"view", required_argument, NULL, 'V'},
	    {"color", required_argument, NULL, 'C'},
	    {"jobs", required_argument, NULL, 'J'},
	    {"jsonl", no_argument, NULL, 'L'},
	    {"db", required_argument, NULL, 'Q'},
	    {"from-stdin", no_argument, NULL, 'S'},
	    {"shard", required_argument, NULL, 'H'},
	    {"help", no_argument, NULL, 'h'},
	    {"keep-decoded", no_argument, NULL, 'K'}, /* undocumented: for tests of the scan's memory use */
	    {NULL, 0, NULL, 0},
	};
	struct mtd_scan_options so;
	bool json = false, all = false, batch = false;
	const char *html = NULL;
	uint64_t eblock = 4096;
	struct cli_batch_opts bo = {0};
	uint64_t v;
	mtd_scan_options_init(&so);
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'a': all = true; break;
		case 'W': html = optarg; break;
		case 'E':
			if (mtd_parse_size(optarg, 64u << 20, &eblock) || eblock < 64)
				return cli_usage_error("scan", "--entropy-block takes a size from 64 to 64M, not '%s'",
				                       optarg);
			break;
		case 't': so.descend = false; break;
		case 'd':
			if (mtd_parse_u64(optarg, 64, &v))
				return cli_usage_error("scan", "--max-depth takes a number from 0 to 64, not '%s'",
				                       optarg);
			so.max_depth = (int)v;
			break;
		case 'D':
			if (mtd_parse_size(optarg, UINT64_MAX, &v))
				return cli_usage_error("scan", "--max-decoded takes a size such as 512M, not '%s'",
				                       optarg);
			so.max_decoded = v;
			break;
		case 'r':
			if (mtd_parse_u64(optarg, 1000000, &v) || v == 0)
				return cli_usage_error("scan", "--max-ratio takes a number from 1 to 1000000, not '%s'",
				                       optarg);
			so.max_ratio = v;
			break;
		case 'B': so.detect_byteswap = false; break;
		case 'K': so.keep_decoded = true; break;
		case 'V': so.view = optarg; break;
		case 'C':
			if (!cli_set_color_mode(optarg))
				return cli_usage_error("scan", "--color takes auto, always or never");
			break;
		case 'J':
			if (mtd_parse_u64(optarg, 1024, &v) || v == 0)
				return cli_usage_error("scan", "--jobs takes a number from 1 to 1024, not '%s'",
				                       optarg);
			bo.jobs = (unsigned)v;
			batch = true;
			break;
		case 'L': bo.jsonl = batch = true; break;
		case 'Q': bo.db = optarg, batch = true; break;
		case 'S': bo.from_stdin = batch = true; break;
		case 'H':
			if (cli_parse_shard(optarg, &bo.shard, &bo.nshards))
				return cli_usage_error("scan", "--shard takes I/N with 0 <= I < N, not '%s'", optarg);
			batch = true;
			break;
		case 'h': {
			fputs(help, stdout);
			const char *const *n = mtd_format_names();
			for (size_t i = 0; n[i]; i++)
				printf("%s%s", i ? ", " : "", n[i]);
			printf(",\n       byteswap16, erased, zero, random, unknown\n");
			return CLI_OK;
		}
		default: return cli_usage_error("scan", "bad option");
		}
	}
	if (optind == argc - 1 && !batch) {
		struct stat st;
		batch = !strcmp(argv[optind], "-") || (stat(argv[optind], &st) == 0 && S_ISDIR(st.st_mode));
	}
	if (batch || optind < argc - 1) {
		if (html)
			return cli_usage_error("scan", "--html writes the report of one image");
		if (json)
			return cli_usage_error("scan", "--json prints one document; use --jsonl for many inputs");
		if (optind == argc && !bo.from_stdin)
			return cli_usage_error("scan", "expected FILE, DIR or '-'");
		if (!bo.jobs) {
			long n = sysconf(_SC_NPROCESSORS_ONLN);
			bo.jobs = n > 0 && n <= 1024 ? (unsigned)n : 1;
		}
		return cli_scan_batch(argc - optind, argv + optind, &so, &bo);
	}
	if (optind != argc - 1)
		return cli_usage_error("scan", "expected exactly one FILE");
	const char *path = argv[optind];
	if (html && json && cli_output_is_stdout(html))
		return cli_usage_error("scan", "--html - and --json both write standard output");
	if (html && cli_input(path))
		return CLI_FAIL;
	/* a bundle from collect: its own checksums and how its dumps read, before its bytes are mapped */
	bool bundle_failed = false;
	if (cli_is_bundle(path)) {
		struct cli_bundle cb;
		if (cli_bundle_open(&cb, path) == CLI_OK) {
			for (size_t i = 0; i < cb.b.nmtd; i++) {
				char why[400];
				if (cb.b.mtd[i].dump[0] && !mtd_bundle_dump_ok(&cb.b, &cb.b.mtd[i], why, sizeof(why)))
					bundle_failed = true; /* cli_bundle_open() named it */
			}
			cli_bundle_close(&cb);
		} else {
			bundle_failed = true; /* its one line says where and what; the bytes are still scanned */
		}
	}
	struct mtd_source src;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_source_open(&src, path, &d)) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	if (src.size == 0) {
		cli_error("%s: empty file (0 bytes); nothing to scan", path);
		mtd_source_close(&src);
		return CLI_FAIL;
	}
	so.progress = progress;
	struct mtd_scan_result *r;
	int rc = mtd_scan_source(&src, &so, &r, &d);
	cli_progress_done();
	if (rc) {
		cli_diag(&d);
		mtd_source_close(&src);
		return CLI_FAIL;
	}
	int ret = bundle_failed ? CLI_FAIL : CLI_OK;
	if (html && cli_scan_html(r, src.data, eblock, html))
		ret = CLI_FAIL;
	if (html && cli_output_is_stdout(html)) {
		/* the report is the output */
	} else if (json) {
		struct mtd_buf b;
		struct mtd_json j;
		mtd_buf_init(&b, 0);
		mtd_json_init(&j, &b, false);
		cli_json_schema(&j, "scan");
		mtd_scan_to_json(r, &j);
		if (cli_print_json(&b))
			ret = CLI_FAIL;
		mtd_buf_release(&b);
	} else {
		print_text(r, all);
	}
	mtd_scan_free(r);
	mtd_source_close(&src);
	return ret;
}

struct mtd_scan_result *cli_scan_top_level(struct mtd_source *src)
{
	struct mtd_scan_options so;
	struct mtd_scan_result *r;
	struct mtd_diag d;
	mtd_scan_options_init(&so);
	so.descend = false;
	so.detect_byteswap = false;
	mtd_diag_clear(&d);
	if (mtd_scan_source(src, &so, &r, &d)) {
		cli_diag(&d);
		return NULL;
	}
	return r;
}
