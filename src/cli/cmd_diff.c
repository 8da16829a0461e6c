/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/layout.h>
#include <mtdscope/source.h>
#include <mtdscope/unitdata.h>

#include <mtdscope/view.h>

#include "cli.h"
#include "html.h"

static const char help[] = "usage: mtdscope diff A B [--layout L] [options]\n"
                           "\n"
                           "Compare two whole-chip dumps partition by partition and say which differ\n"
                           "only in unit-specific data (MACs, calibration, environment, settings) and\n"
                           "which differ in firmware.  Without a layout the dumps are compared whole.\n"
                           "\n"
                           "options:\n"
                           "  --layout L         the layout\n"
                           "  --kind K           layout kind (default: detect)\n"
                           "  --flash-size SIZE  the real chip size\n"
                           "  --view VIEW        read dumps through a view of the flash: " MTD_VIEW_HELP "\n"
                           "                     (NAND with spare: page data, bad blocks kept in place)\n"
                           "  --json             the comparison as JSON\n"
                           "  --html FILE        also write a self-contained HTML report to FILE: the dumps side\n"
                           "                     by side, partition by partition, unit data and firmware\n"
                           "                     differences marked, the density of differing bytes, the entropy\n"
                           "                     of both and the --json document ('-': standard output)\n"
                           "  -h, --help         show this help\n"
                           "\n"
                           "Exit status: 0 identical, 1 they differ (or input failed), 2 usage.\n";

/*
 * Two dumps whose Factory is byte-identical and holds data: either two dumps of one unit, or two
 * units that carry the same MACs and calibration (the third story: "ALL" copied across).  Said
 * loudly either way, because nothing else in the diff shows it.
 */
static bool duplicate_factory(const struct mtd_layout *l, const struct mtd_diff_report *r, const struct mtd_source *a,
                              bool differ, char *out, size_t n)
{
	int fi = mtd_layout_find_role(l, MTD_ROLE_FACTORY);
	if (fi < 0 || (size_t)fi >= r->nparts || r->parts[fi].kind != MTD_DIFF_SAME)
		return false;
	const struct mtd_part *p = &l->parts[fi];
	if (!mtd_range_ok(p->offset, p->size, a->size))
		return false;
	struct mtd_part_check c;
	if (mtd_layout_check_content(l, (size_t)fi, a->data + p->offset, (size_t)p->size, &c) ||
	    c.state == MTD_CONTENT_ERASED || c.state == MTD_CONTENT_ZERO)
		return false;
	char macs[64] = "";
	if (c.nmacs) {
		char m[18];
		mtd_mac_format(c.macs[0], m);
		snprintf(macs, sizeof(macs), " (MAC %s%s)", m, c.nmacs > 1 ? " and more" : "");
	}
	if (differ)
		snprintf(out, n,
		         "DUPLICATE MACs: '%s' is byte-identical in both dumps%s while other partitions differ: two "
		         "units with one Factory share their MAC addresses (they knock each other off a network) and "
		         "one has the other's wifi calibration. Way out: put each unit's own Factory back from its "
		         "backup ('mtdscope rebuild --factory FILE'), or give one new MACs with 'mtdscope eeprom "
		         "--set-mac'",
		         p->name, macs);
	else
		snprintf(out, n,
		         "the dumps are identical, Factory '%s' included%s: fine for two dumps of one unit; if they "
		         "come from two units, both carry the same MAC addresses and calibration (see 'mtdscope "
		         "rebuild --factory' and 'mtdscope eeprom --set-mac')",
		         p->name, macs);
	return true;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"layout", required_argument, NULL, 'l'},
	    {"kind", required_argument, NULL, 'k'},
	    {"flash-size", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {"html", required_argument, NULL, 'W'},
	    {"view", required_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *lpath = NULL, *kind = NULL, *fsize = NULL, *view = NULL, *html = NULL;
	bool json = false;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': lpath = optarg; break;
		case 'k': kind = optarg; break;
		case 'f': fsize = optarg; break;
		case 'j': json = true; break;
		case 'W': html = optarg; break;
		case 'V': view = optarg; break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("diff", "bad option");
		}
	}
	if (optind != argc - 2)
		return cli_usage_error("diff", "expected two dumps A and B");
	if (html && json && cli_output_is_stdout(html))
		return cli_usage_error("diff", "--html - and --json both write standard output");
	if (html && (cli_input(argv[optind]) || cli_input(argv[optind + 1]) || (lpath && cli_input(lpath))))
		return CLI_FAIL;
	struct mtd_source a, b;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	int orc;
	if ((orc = cli_open_input("diff", argv[optind], view, &a)))
		return orc;
	if ((orc = cli_open_input("diff", argv[optind + 1], view, &b))) {
		mtd_source_close(&a);
		return orc;
	}
	struct mtd_layout *l = NULL;
	int ret = CLI_OK;
	if (lpath) {
		ret = cli_load_layout("diff", lpath, kind, fsize, &l);
	} else {
		l = malloc(sizeof(*l));
		if (l)
			mtd_layout_whole(l, a.size);
		else
			ret = CLI_FAIL;
	}
	struct mtd_diff_report *r = calloc(1, sizeof(*r));
	if (ret == CLI_OK && !r)
		ret = CLI_FAIL;
	if (ret == CLI_OK && a.size > MTD_LAYOUT_MAX_CHIP) {
		cli_error("%s: larger than %llu MiB", argv[optind], (unsigned long long)(MTD_LAYOUT_MAX_CHIP >> 20));
		ret = CLI_FAIL;
	}
	if (ret == CLI_OK && a.size != b.size) {
		/* named here: the library knows the layout, not which file is which */
		cli_error("%s is 0x%llx bytes and %s is 0x%llx bytes: two dumps of one chip have the same size",
		          argv[optind], (unsigned long long)a.size, argv[optind + 1], (unsigned long long)b.size);
		ret = CLI_FAIL;
	}
	if (ret == CLI_OK && mtd_layout_diff(l, a.data, (size_t)a.size, b.data, (size_t)b.size, r, &d)) {
		cli_diag(&d);
		ret = CLI_FAIL;
	}
	if (ret == CLI_OK) {
		static const char *const kinds[] = {"same", "unit-data", "firmware", "erased"};
		bool differ = r->outside != 0;
		for (size_t i = 0; i < r->nparts; i++)
			if (r->parts[i].kind != MTD_DIFF_SAME && !(l->parts[i].flags & MTD_PART_WHOLE_CHIP))
				differ = true;
		char dup[600];
		bool same_factory = duplicate_factory(l, r, &a, differ, dup, sizeof(dup));
		if (same_factory)
			cli_warn("%s", dup);
		struct mtd_buf o;
		struct mtd_json j;
		mtd_buf_init(&o, 0);
		if (json || html) {
			mtd_json_init(&j, &o, false);
			cli_json_schema(&j, "diff");
			mtd_json_begin_object(&j);
			mtd_json_kv_bool(&j, "identical", !differ);
			mtd_json_kv_bool(&j, "same_factory", same_factory);
			mtd_json_kv_u64(&j, "outside_partitions", r->outside);
			mtd_json_key(&j, "partitions");
			mtd_json_begin_array(&j);
			for (size_t i = 0; i < r->nparts; i++) {
				mtd_json_begin_object(&j);
				mtd_json_kv_str(&j, "name", l->parts[i].name);
				mtd_json_kv_str(&j, "diff", kinds[r->parts[i].kind]);
				mtd_json_kv_u64(&j, "bytes", r->parts[i].nbytes);
				mtd_json_kv_str(&j, "detail", r->parts[i].what);
				mtd_json_end_object(&j);
			}
			mtd_json_end_array(&j);
			mtd_json_end_object(&j);
		}
		if (html && cli_diff_html(argv[optind], argv[optind + 1], &a, &b, l, r, differ,
		                          same_factory ? dup : NULL, mtd_buf_str(&o), o.len, html))
			ret = CLI_FAIL;
		if (html && cli_output_is_stdout(html)) {
			/* the report is the output */
		} else if (json) {
			if (cli_print_json(&o))
				ret = CLI_FAIL;
		} else {
			for (size_t i = 0; i < r->nparts; i++)
				printf("%-16s %-10s %s\n", cli_txt(l->parts[i].name), kinds[r->parts[i].kind],
				       cli_txt(r->parts[i].what));
			if (r->outside)
				printf("%llu bytes differ outside every partition\n", (unsigned long long)r->outside);
		}
		mtd_buf_release(&o);
		if (differ && ret == CLI_OK)
			ret = CLI_FAIL;
	}
	free(r);
	free(l);
	mtd_source_close(&a);
	mtd_source_close(&b);
	return ret;
}
