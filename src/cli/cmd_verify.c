/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/layout.h>
#include <mtdscope/source.h>

#include <mtdscope/view.h>

#include "cli.h"
#include "html.h"

static const char help[] = "usage: mtdscope verify --layout L [options] FILE...|DIR\n"
                           "       mtdscope verify [options] BUNDLE.tar\n"
                           "\n"
                           "Check a backup: partition dumps (mtd0ro, mtd4, Factory.bin, ALL.bin, any names\n"
                           "matched as 'mtdscope join' does) against the layout they came from.  Says\n"
                           "whether every partition is there with the right size, whether a whole-chip\n"
                           "dump equals its parts, names missing, truncated, swapped and duplicated\n"
                           "files, and checks each partition's content: bootloader present, environment\n"
                           "CRC, factory EEPROM valid and not erased, firmware CRCs.\n"
                           "\n"
                           "A bundle written by 'mtdscope collect' is checked whole (every member against\n"
                           "its SHA256SUMS), then its dumps against its own /proc/mtd (or --layout); a\n"
                           "dump that read differently twice, ended early or had read errors is a problem.\n"
                           "\n"
                           "options:\n"
                           "  --layout L         the layout (/proc/mtd text of the same device is best)\n"
                           "  --kind K           layout kind (default: detect)\n"
                           "  --flash-size SIZE  the real chip size\n"
                           "  --manifest FILE    write SHA-256 of every file (sha256sum -c format), only when\n"
                           "                     the backup verifies; never over an input\n"
                           "  --view VIEW        read dumps through a view of the flash: " MTD_VIEW_HELP "\n"
                           "                     (NAND with spare: page data, bad blocks kept in place)\n"
                           "  --json             the report as JSON\n"
                           "  --html FILE        also write a self-contained HTML report to FILE ('-': standard\n"
                           "                     output, instead of the table): the verdict, the layout with\n"
                           "                     each partition marked, the problems, a row a partition and\n"
                           "                     the --json document; never over an input\n"
                           "  -h, --help         show this help\n"
                           "\n"
                           "Exit status: 0 the backup is complete and right, 1 it is not (or input failed).\n";

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"layout", required_argument, NULL, 'l'},
	    {"kind", required_argument, NULL, 'k'},
	    {"flash-size", required_argument, NULL, 'f'},
	    {"manifest", required_argument, NULL, 'm'},
	    {"json", no_argument, NULL, 'j'},
	    {"html", required_argument, NULL, 'W'},
	    {"view", required_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *lpath = NULL, *kind = NULL, *fsize = NULL, *man = NULL, *view = NULL, *html = NULL;
	bool json = false;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': lpath = optarg; break;
		case 'k': kind = optarg; break;
		case 'f': fsize = optarg; break;
		case 'm': man = optarg; break;
		case 'j': json = true; break;
		case 'W': html = optarg; break;
		case 'V': view = optarg; break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("verify", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("verify", "expected partition dumps or a directory");
	if (html && json && cli_output_is_stdout(html))
		return cli_usage_error("verify", "--html - and --json both write standard output");
	/* a bundle from collect: its dumps (SHA-256 checked), against its own /proc/mtd unless --layout */
	struct cli_bundle bundle = {0};
	char bdir[4096], blayout[4200], bdumps[4200];
	char *bargv[1] = {bdumps};
	const char *argv0_bundle = "";
	if (argc - optind == 1 && cli_is_bundle(argv[optind])) {
		const char *bpath = argv[optind];
		argv0_bundle = bpath;
		if (cli_bundle_open(&bundle, bpath) || cli_bundle_unpack(&bundle, bdir, sizeof(bdir))) {
			cli_bundle_close(&bundle);
			return CLI_FAIL;
		}
		snprintf(blayout, sizeof(blayout), "%s/proc/mtd", bdir);
		snprintf(bdumps, sizeof(bdumps), "%s/mtd", bdir);
		if (!cli_bundle_find(&bundle, "mtd/mtd0ro") && !cli_bundle_find(&bundle, "mtd/mtd1ro")) {
			cli_error("%s: the bundle holds no dumps (collect --no-dumps?)", bpath);
			cli_bundle_close(&bundle);
			return CLI_FAIL;
		}
		if (!lpath && !cli_bundle_find(&bundle, "proc/mtd")) {
			cli_error("%s: the bundle holds no proc/mtd: give --layout", bpath);
			cli_bundle_close(&bundle);
			return CLI_FAIL;
		}
		fprintf(stderr,
		        "mtdscope verify: %s: a collect bundle, every member equal to its SHA256SUMS; its dumps "
		        "against %s\n",
		        cli_txt(bpath), lpath ? cli_txt(lpath) : "its own /proc/mtd");
		if (!lpath)
			lpath = blayout;
		argv = bargv;
		argc = 1;
		optind = 0;
	}
	struct mtd_layout *l;
	int rc = cli_load_layout("verify", lpath, kind, fsize, &l);
	if (rc) {
		cli_bundle_close(&bundle);
		return rc;
	}
	char **names;
	size_t n;
	if ((rc = cli_collect_files("verify", argc - optind, argv + optind, &names, &n))) {
		free(l);
		cli_bundle_close(&bundle);
		return rc;
	}
	struct mtd_part_file *files = calloc(n ? n : 1, sizeof(*files));
	struct mtd_arena arena;
	mtd_arena_init(&arena);
	struct mtd_verify_report *r = calloc(1, sizeof(*r));
	struct mtd_diag d;
	mtd_diag_clear(&d);
	int ret = files && r ? CLI_OK : CLI_FAIL;
	for (size_t i = 0; i < n && ret == CLI_OK; i++)
		if (cli_input(names[i]))
			ret = CLI_FAIL;
	if (ret == CLI_OK && man && mtd_inputs_check(cli_inputs(), man, &d)) {
		cli_diag(&d);
		ret = CLI_FAIL;
	}
	if (ret == CLI_OK && html && mtd_inputs_check(cli_inputs(), html, &d)) {
		cli_diag(&d);
		ret = CLI_FAIL;
	}
	for (size_t i = 0; i < n && ret == CLI_OK; i++) {
		files[i].path = names[i];
		files[i].part = mtd_layout_match_file(l, names[i]);
		if ((ret = cli_open_input("verify", names[i], view, &files[i].src)))
			break;
		files[i].open = true;
		if (bundle.opened) { /* named as the bundle's member, not by the temporary copy */
			const char *base = strrchr(names[i], '/');
			char *shown =
			    mtd_arena_printf(&arena, "%s:mtd/%s", bundle.src.name, base ? base + 1 : names[i]);
			if (shown)
				files[i].path = shown;
		}
	}
	if (ret == CLI_OK && mtd_layout_verify(l, files, n, r, &d)) {
		cli_diag(&d);
		ret = CLI_FAIL;
	}
	/* a bundle's dump that read differently twice, ended early or had read errors is no backup of its partition */
	for (size_t i = 0; ret == CLI_OK && bundle.opened && i < bundle.b.nmtd; i++) {
		char why[400];
		if (!bundle.b.mtd[i].dump[0] || mtd_bundle_dump_ok(&bundle.b, &bundle.b.mtd[i], why, sizeof(why)))
			continue;
		r->ok = false;
		if (r->nproblems < sizeof(r->problems) / sizeof(r->problems[0])) {
			char *pr = r->problems[r->nproblems++];
			size_t sz = sizeof(r->problems[0]);
			if (snprintf(pr, sz, "%s:%s", argv0_bundle, why) >= (int)sz)
				memcpy(pr + sz - 4, "...", 4); /* cut to the problem's room */
		}
	}
	if (ret == CLI_OK && man && !r->ok)
		cli_warn("%s: not written: the backup did not verify (see the problems); a manifest would vouch for "
		         "it",
		         man);
	if (ret == CLI_OK && man && r->ok) {
		struct mtd_buf b;
		mtd_buf_init(&b, 1u << 20);
		for (size_t i = 0; i < l->nparts; i++)
			if (r->parts[i].file >= 0)
				mtd_buf_printf(&b, "%s  %s\n", r->parts[i].sha256, files[r->parts[i].file].path);
		if (b.err || mtd_write_file_atomic(man, b.data, b.len, false, cli_inputs(), &d)) {
			cli_diag(&d);
			ret = CLI_FAIL;
		}
		mtd_buf_release(&b);
	}
	struct mtd_buf jb;
	mtd_buf_init(&jb, 0);
	if (ret == CLI_OK && (json || html)) {
		struct mtd_buf *b = &jb;
		struct mtd_json j;
		mtd_json_init(&j, b, false);
		cli_json_schema(&j, "verify");
		mtd_json_begin_object(&j);
		mtd_json_kv_str(&j, "layout", l->source);
		mtd_json_kv_bool(&j, "complete", r->complete);
		mtd_json_kv_bool(&j, "ok", r->ok);
		mtd_json_key(&j, "partitions");
		mtd_json_begin_array(&j);
		for (size_t i = 0; i < l->nparts; i++) {
			const struct mtd_verify_part *v = &r->parts[i];
			mtd_json_begin_object(&j);
			mtd_json_kv_str(&j, "name", l->parts[i].name);
			mtd_json_key(&j, "file");
			if (v->file >= 0)
				mtd_json_string(&j, files[v->file].path);
			else
				mtd_json_null(&j);
			/* no file holds it: not in a whole-chip dump, not nested in a partition given */
			mtd_json_kv_bool(&j, "missing",
			                 v->file < 0 && !(l->parts[i].flags & MTD_PART_WHOLE_CHIP) &&
			                     l->parts[i].parent < 0 && !v->check.what[0]);
			mtd_json_kv_u64(&j, "size", l->parts[i].size);
			if (v->file >= 0) {
				mtd_json_kv_u64(&j, "file_size", v->got_size);
				mtd_json_kv_bool(&j, "size_ok", v->size_ok);
				mtd_json_kv_str(&j, "sha256", v->sha256);
			}
			if (v->whole_compared)
				mtd_json_kv_bool(&j, "matches_whole", v->matches_whole);
			mtd_json_kv_str(&j, "content", mtd_content_state_name(v->check.state));
			mtd_json_kv_str(&j, "content_detail", v->check.what);
			mtd_json_end_object(&j);
		}
		mtd_json_end_array(&j);
		mtd_json_key(&j, "problems");
		mtd_json_begin_array(&j);
		for (size_t i = 0; i < r->nproblems; i++)
			mtd_json_string(&j, r->problems[i]);
		mtd_json_end_array(&j);
		mtd_json_end_object(&j);
	}
	if (ret == CLI_OK && html && cli_verify_html(l, r, files, mtd_buf_str(&jb), jb.len, html))
		ret = CLI_FAIL;
	if (ret == CLI_OK && html && cli_output_is_stdout(html)) {
		/* the report is the output */
	} else if (ret == CLI_OK && json) {
		if (cli_print_json(&jb))
			ret = CLI_FAIL;
	} else if (ret == CLI_OK) {
		printf("%-3s %-14s %-24s %-10s %-5s %-5s %s\n", "#", "PARTITION", "FILE", "SIZE", "SIZE", "ALL",
		       "CONTENT");
		for (size_t i = 0; i < l->nparts; i++) {
			const struct mtd_verify_part *v = &r->parts[i];
			const struct mtd_part *p = &l->parts[i];
			/* a partition no file holds (not in a whole-chip dump, not nested in one given) */
			bool missing =
			    v->file < 0 && !(p->flags & MTD_PART_WHOLE_CHIP) && p->parent < 0 && !v->check.what[0];
			const char *fn = v->file >= 0       ? files[v->file].path
			                 : missing          ? "MISSING"
			                 : v->check.what[0] ? "(in the whole dump)"
			                                    : "-";
			char content[300];
			if (missing)
				snprintf(content, sizeof(content), "MISSING: no file holds this partition");
			else if (v->file < 0 && !v->check.what[0])
				snprintf(content, sizeof(content), "-");
			else
				snprintf(content, sizeof(content), "%s: %s", mtd_content_state_name(v->check.state),
				         v->check.what[0] ? v->check.what : "-");
			printf("%-3zu %-14s %-24s 0x%08llx %-5s %-5s %s\n", i, cli_txt(p->name), cli_txt(fn),
			       (unsigned long long)p->size,
			       v->file < 0  ? (missing ? "MISS" : "-")
			       : v->size_ok ? "ok"
			                    : "BAD",
			       !v->whole_compared ? "-"
			       : v->matches_whole ? "same"
			                          : "DIFF",
			       cli_txt(content));
		}
		for (size_t i = 0; i < r->nproblems; i++)
			printf("%sproblem%s: %s\n", cli_c(stdout, CLI_RED), cli_c(stdout, CLI_RESET),
			       cli_txt(r->problems[i]));
		printf("%s\n", r->ok         ? "backup complete and consistent"
		               : r->complete ? "backup complete but NOT right: see the problems"
		                             : "backup INCOMPLETE: see the problems");
	}
	mtd_buf_release(&jb);
	if (ret == CLI_OK && !r->ok)
		ret = CLI_FAIL;
	for (size_t i = 0; i < n; i++) {
		if (files && files[i].open)
			mtd_source_close(&files[i].src);
		free(names[i]);
	}
	free(names);
	mtd_arena_release(&arena);
	cli_bundle_close(&bundle);
	free(files);
	free(r);
	free(l);
	return ret;
}
