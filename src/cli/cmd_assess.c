/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include <mtdscope/device.h>

#include "cli.h"
#include "html.h"

static const char help[] = "usage: mtdscope assess [options] [FILE|DIR|-]...\n"
                           "       mtdscope assess --each [--jobs N] [--jsonl] [--shard I/N] FILE|DIR|-...\n"
                           "\n"
                           "Can OpenWrt run on this device, and how?  Reads the same inputs as 'mtdscope\n"
                           "report' and answers with a verdict - supported, possible port or not viable -\n"
                           "first, then the reasons with the lines that prove them: flash and RAM against\n"
                           "OpenWrt's minimums (4 MiB flash or 32 MiB RAM: no current release; 8/64 the bare\n"
                           "minimum; 16/128 recommended), the SoC's target, an open driver for each radio,\n"
                           "how to install and recover (Ethernet, TFTP, serial console, SPI programmer), and\n"
                           "the closest devices OpenWrt supports (same SoC, flash, radios, layout, brand).\n"
                           "All inputs together describe one device.\n"
                           "\n"
                           "With --each (implied by --jobs, --jsonl, --shard and --from-stdin) every file is\n"
                           "one device instead: a directory is walked recursively (symlinks never\n"
                           "followed), '-' is a list of paths on standard input (NUL- or\n"
                           "newline-separated); one verdict line per file (or with --jsonl the --json\n"
                           "document with \"path\" and \"sha256\" first), a progress line on a terminal,\n"
                           "a file without device facts reported and the run going on.  A bundle\n"
                           "written by 'mtdscope collect' is one device (its text members together).\n"
                           "\n"
                           "options:\n"
                           "  --json          verdict, reasons, closest devices and the profile as JSON\n"
                           "  --html FILE     also write a self-contained HTML report to FILE ('-': standard\n"
                           "                  output, instead of the text): the verdict first, the reasons\n"
                           "                  with their evidence lines, the install path and its commands,\n"
                           "                  the closest devices, the profile and the --json document\n"
                           "  --profile       print the hardware profile too (as 'mtdscope report')\n"
                           "  --color=WHEN    auto (default), always or never\n"
                           "  --each          every file is one device (see above)\n"
                           "  --jobs N        with --each: N files at once, one worker thread each (default:\n"
                           "                  all cores)\n"
                           "  --jsonl         with --each: one JSON document per file as it finishes\n"
                           "  --shard I/N     with --each: only the inputs whose index in the sorted list of\n"
                           "                  all inputs is I modulo N (0 <= I < N)\n"
                           "  --from-stdin    with --each: read the list of inputs from standard input\n"
                           "  -h, --help      show this help\n"
                           "\n"
                           "Exit status: 0 when a verdict was reached (with --each: for every file), 1 when\n"
                           "an input held no facts, 2 on a usage error.\n";

static const char *mark(enum mtd_reason_kind k)
{
	switch (k) {
	case MTD_REASON_BLOCKER: return "[x]";
	case MTD_REASON_WARN: return "[!]";
	case MTD_REASON_GOOD: return "[+]";
	default: return "[i]";
	}
}

static enum cli_color colour(enum mtd_reason_kind k)
{
	switch (k) {
	case MTD_REASON_BLOCKER: return CLI_RED;
	case MTD_REASON_WARN: return CLI_YELLOW;
	case MTD_REASON_GOOD: return CLI_GREEN;
	default: return CLI_DIM;
	}
}

int cmd_assess(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"profile", no_argument, NULL, 'p'},
	    {"color", required_argument, NULL, 'C'},
	    {"each", no_argument, NULL, 'E'},
	    {"jobs", required_argument, NULL, 'J'},
	    {"jsonl", no_argument, NULL, 'L'},
	    {"shard", required_argument, NULL, 'H'},
	    {"from-stdin", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {"html", required_argument, NULL, 'W'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false, profile = false, each = false;
	const char *html = NULL;
	struct cli_batch_opts bo = {0};
	uint64_t v;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'p': profile = true; break;
		case 'W': html = optarg; break;
		case 'C':
			if (!cli_set_color_mode(optarg))
				return cli_usage_error("assess", "--color takes auto, always or never");
			break;
		case 'E': each = true; break;
		case 'J':
			if (mtd_parse_u64(optarg, 1024, &v) || v == 0)
				return cli_usage_error("assess", "--jobs takes a number from 1 to 1024, not '%s'",
				                       optarg);
			bo.jobs = (unsigned)v;
			each = true;
			break;
		case 'L': bo.jsonl = each = true; break;
		case 'S': bo.from_stdin = each = true; break;
		case 'H':
			if (cli_parse_shard(optarg, &bo.shard, &bo.nshards))
				return cli_usage_error("assess", "--shard takes I/N with 0 <= I < N, not '%s'", optarg);
			each = true;
			break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("assess", "bad option");
		}
	}
	if (each) {
		if (json)
			return cli_usage_error("assess", "--json prints one document; use --jsonl with --each");
		if (profile)
			return cli_usage_error("assess", "--profile is for one device; --jsonl has each profile");
		if (html)
			return cli_usage_error("assess", "--html writes the report of one device");
		if (optind == argc && !bo.from_stdin)
			return cli_usage_error("assess", "expected FILE, DIR or '-'");
		if (!bo.jobs) {
			long n = sysconf(_SC_NPROCESSORS_ONLN);
			bo.jobs = n > 0 && n <= 1024 ? (unsigned)n : 1;
		}
		return cli_assess_batch(argc - optind, argv + optind, &bo);
	}
	if (html && json && cli_output_is_stdout(html))
		return cli_usage_error("assess", "--html - and --json both write standard output");
	for (int i = optind; html && i < argc; i++)
		if (strcmp(argv[i], "-") && cli_input(argv[i]))
			return CLI_FAIL;
	struct mtd_facts f;
	mtd_facts_init(&f);
	int rc = cli_device_load(&f, argc - optind, argv + optind);
	if (rc) {
		mtd_facts_release(&f);
		return rc;
	}
	struct mtd_profile p;
	struct mtd_assessment a;
	mtd_profile_build(&f, &p);
	mtd_assess(&p, &a);
	int ret = CLI_OK;
	struct mtd_buf b;
	mtd_buf_init(&b, 0);
	if (json || html) {
		struct mtd_json j;
		mtd_json_init(&j, &b, false);
		cli_json_schema(&j, "assess");
		mtd_json_begin_object(&j);
		mtd_json_kv_str(&j, "verdict", mtd_verdict_name(a.verdict));
		mtd_assessment_to_json(&a, &j);
		mtd_profile_to_json(&p, &j);
		mtd_json_end_object(&j);
	}
	if (html)
		ret = cli_assess_html(&f, &p, &a, mtd_buf_str(&b), b.len, html);
	if (html && cli_output_is_stdout(html)) {
		/* the report is the output */
	} else if (json) {
		if (cli_print_json(&b))
			ret = CLI_FAIL;
	} else {
		static const char *const big[] = {"UNKNOWN", "SUPPORTED", "POSSIBLE PORT", "NOT VIABLE"};
		enum cli_color vc = a.verdict == MTD_VERDICT_SUPPORTED    ? CLI_GREEN
		                    : a.verdict == MTD_VERDICT_PORT       ? CLI_YELLOW
		                    : a.verdict == MTD_VERDICT_NOT_VIABLE ? CLI_RED
		                                                          : CLI_DIM;
		printf("%s%s%s%s - %s\n", cli_c(stdout, CLI_BOLD), cli_c(stdout, vc), big[a.verdict],
		       cli_c(stdout, CLI_RESET), cli_txt(a.headline));
		/* the reason the headline states is not repeated: only its evidence follows */
		const struct mtd_reason *said = NULL;
		for (size_t i = 0; i < a.nreasons && !said; i++)
			if (a.reasons[i].kind == MTD_REASON_BLOCKER && strstr(a.headline, a.reasons[i].text))
				said = &a.reasons[i];
		for (size_t k = 0; said && k < said->nev; k++)
			cli_device_evidence(said->ev[k], 6);
		/* blockers and warnings first, then the good news, then the rest */
		static const enum mtd_reason_kind order[] = {MTD_REASON_BLOCKER, MTD_REASON_WARN, MTD_REASON_GOOD,
		                                             MTD_REASON_INFO};
		for (size_t o = 0; o < 4; o++) {
			for (size_t i = 0; i < a.nreasons; i++) {
				const struct mtd_reason *r = &a.reasons[i];
				if (r->kind != order[o] || r == said || (!strcmp(r->topic, "twin") && !r->nev))
					continue;
				printf("  %s%s%s %s\n", cli_c(stdout, colour(r->kind)), mark(r->kind),
				       cli_c(stdout, CLI_RESET), cli_txt(r->text));
				for (size_t k = 0; k < r->nev; k++)
					cli_device_evidence(r->ev[k], 6);
			}
		}
		if (a.install.nsteps) {
			printf("%sInstall path%s%s%s%s%s\n", cli_c(stdout, CLI_BOLD),
			       a.install.for_device[0] ? " for the " : "", cli_txt(a.install.for_device),
			       a.install.device[0] ? " with the images of the " : "", cli_txt(a.install.device),
			       cli_c(stdout, CLI_RESET));
			for (size_t i = 0; i < a.install.nsteps; i++)
				printf("  %zu. %s\n", i + 1, cli_txt(a.install.steps[i]));
		}
		if (a.ntwins) {
			printf("%sClosest supported devices%s\n", cli_c(stdout, CLI_BOLD), cli_c(stdout, CLI_RESET));
			for (size_t i = 0; i < a.ntwins; i++) {
				const struct mtd_twin *t = &a.twins[i];
				printf("  %3d  %-36s %s/%s  %s\n       %s%s%s\n", t->score, cli_txt(t->model),
				       cli_txt(t->target), cli_txt(t->subtarget), cli_txt(t->compatible),
				       cli_c(stdout, CLI_DIM), cli_txt(t->why), cli_c(stdout, CLI_RESET));
				if (i == 0 && t->compared && t->compared[0] && !t->identical)
					printf("       %scompared: %s%s\n", cli_c(stdout, CLI_DIM),
					       cli_txt(t->compared), cli_c(stdout, CLI_RESET));
			}
		}
		if (profile) {
			printf("%sProfile%s\n", cli_c(stdout, CLI_BOLD), cli_c(stdout, CLI_RESET));
			cli_device_profile_text(&p);
		}
	}
	mtd_buf_release(&b);
	mtd_assessment_release(&a);
	mtd_profile_release(&p);
	mtd_facts_release(&f);
	return ret;
}
