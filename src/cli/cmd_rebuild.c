/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/layout.h>
#include <mtdscope/source.h>

#include <mtdscope/view.h>

#include "cli.h"

static const char help[] =
    "usage: mtdscope rebuild --layout L --donor GOOD.bin --unit BRICKED.bin -o OUT.bin [options]\n"
    "\n"
    "Build the image to write into a bricked unit: firmware from a working\n"
    "donor's whole-chip dump, unit-specific partitions (Factory, Config /\n"
    "u-boot-env, user settings) from the unit's own dump, so its MACs and wifi\n"
    "calibration survive.  Refuses, saying why and the way out, when an input is\n"
    "not a whole-chip image (a partition dump, firmware1+firmware2 concatenated),\n"
    "when the unit's factory data is erased, invalid or a copy of the donor's,\n"
    "when the donor's firmware fails its checks, and when the result would lose\n"
    "data the unit had.  A refused rebuild writes nothing.\n"
    "\n"
    "options:\n"
    "  --layout L              the layout\n"
    "  --kind K                layout kind (default: detect)\n"
    "  --flash-size SIZE       the real chip size\n"
    "  --donor FILE            whole-chip dump of a working identical unit\n"
    "  --unit FILE             whole-chip dump of the unit to recover\n"
    "  -o OUT                  the image to write (atomically)\n"
    "  --factory FILE          the unit's factory data from an older backup (its\n"
    "                          Factory partition alone or a whole-chip dump)\n"
    "  --keep NAME             take this partition from the unit too\n"
    "  --take NAME             take this partition from the donor even if the unit's differs\n"
    "  --allow-donor-factory   accept the donor's (or a broken) factory: MACs will be duplicated\n"
    "  --view VIEW             read dumps through a view of the flash: " MTD_VIEW_HELP "\n"
    "                          (NAND with spare: page data, bad blocks kept in place)\n"
    "  --json                  the report as JSON\n"
    "  -h, --help              show this help\n";

static const char *view;

static int open_in(const char *p, struct mtd_source *s)
{
	return cli_open_input("rebuild", p, view, s);
}

int cmd_rebuild(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"layout", required_argument, NULL, 'l'},
	    {"kind", required_argument, NULL, 'k'},
	    {"flash-size", required_argument, NULL, 'f'},
	    {"donor", required_argument, NULL, 'D'},
	    {"unit", required_argument, NULL, 'U'},
	    {"factory", required_argument, NULL, 'F'},
	    {"keep", required_argument, NULL, 'K'},
	    {"take", required_argument, NULL, 'T'},
	    {"allow-donor-factory", no_argument, NULL, 'A'},
	    {"json", no_argument, NULL, 'j'},
	    {"view", required_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *lpath = NULL, *kind = NULL, *fsize = NULL, *donor = NULL, *unit = NULL, *outp = NULL,
	           *factory = NULL;
	struct mtd_rebuild_options o;
	memset(&o, 0, sizeof(o));
	bool json = false;
	view = NULL;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': lpath = optarg; break;
		case 'k': kind = optarg; break;
		case 'f': fsize = optarg; break;
		case 'D': donor = optarg; break;
		case 'U': unit = optarg; break;
		case 'o': outp = optarg; break;
		case 'F': factory = optarg; break;
		case 'K':
			if (o.nkeep == 16)
				return cli_usage_error("rebuild", "at most 16 --keep");
			o.keep[o.nkeep++] = optarg;
			break;
		case 'T':
			if (o.ntake == 16)
				return cli_usage_error("rebuild", "at most 16 --take");
			o.take[o.ntake++] = optarg;
			break;
		case 'A': o.allow_donor_factory = true; break;
		case 'j': json = true; break;
		case 'V': view = optarg; break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("rebuild", "bad option");
		}
	}
	if (optind != argc)
		return cli_usage_error("rebuild", "unexpected argument '%s'", argv[optind]);
	if (!donor || !unit || !outp)
		return cli_usage_error("rebuild", "--donor, --unit and -o are required");
	bool to_stdout = cli_output_is_stdout(outp);
	if (to_stdout && json)
		return cli_usage_error("rebuild", "--json and -o %s both want standard output: give -o a file", outp);
	FILE *rep = to_stdout ? stderr : stdout; /* the image owns standard output */
	const char *ins[] = {donor, unit, factory, lpath};
	for (size_t i = 0; i < 4; i++)
		if (cli_input(ins[i]))
			return CLI_FAIL;
	{
		struct mtd_diag d;
		mtd_diag_clear(&d);
		if (mtd_inputs_check(cli_inputs(), outp, &d)) {
			cli_diag(&d);
			return CLI_FAIL;
		}
	}
	struct mtd_layout *l;
	int rc = cli_load_layout("rebuild", lpath, kind, fsize, &l);
	if (rc)
		return rc;
	for (size_t i = 0; i < o.nkeep; i++)
		if (mtd_layout_find(l, o.keep[i]) < 0) {
			free(l);
			return cli_usage_error("rebuild", "--keep %s: no such partition in the layout", o.keep[i]);
		}
	for (size_t i = 0; i < o.ntake; i++)
		if (mtd_layout_find(l, o.take[i]) < 0) {
			free(l);
			return cli_usage_error("rebuild", "--take %s: no such partition in the layout", o.take[i]);
		}
	struct mtd_source ds, us, fs;
	bool fopen_ = false;
	if (open_in(donor, &ds)) {
		free(l);
		return CLI_FAIL;
	}
	if (open_in(unit, &us)) {
		mtd_source_close(&ds);
		free(l);
		return CLI_FAIL;
	}
	if (factory) {
		if (open_in(factory, &fs)) {
			mtd_source_close(&ds);
			mtd_source_close(&us);
			free(l);
			return CLI_FAIL;
		}
		fopen_ = true;
		o.factory = fs.data;
		o.factory_len = (size_t)fs.size;
	}
	struct mtd_rebuild_report *r = calloc(1, sizeof(*r));
	uint8_t *img = NULL;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	int ret = r ? CLI_OK : CLI_FAIL;
	if (r) {
		rc = mtd_layout_rebuild(l, ds.data, (size_t)ds.size, us.data, (size_t)us.size, &o, &img, r, &d);
		if (rc == MTD_ERR_REFUSED && r->refused) {
			cli_error("refused: %s", r->reason);
			ret = CLI_FAIL;
		} else if (rc) {
			cli_diag(&d);
			ret = CLI_FAIL;
		} else if (mtd_write_file_atomic(outp, img, (size_t)l->chip_size, false, cli_inputs(), &d)) {
			cli_diag(&d);
			ret = CLI_FAIL;
		}
	}
	if (ret == CLI_OK) {
		for (size_t i = 0; i < r->nwarnings; i++)
			cli_warn("%s", r->warnings[i]);
		char h[65];
		mtd_sha256_hex(img, (size_t)l->chip_size, h);
		if (json) {
			struct mtd_buf b;
			struct mtd_json j;
			mtd_buf_init(&b, 0);
			mtd_json_init(&j, &b, false);
			cli_json_schema(&j, "rebuild");
			mtd_json_begin_object(&j);
			mtd_json_kv_str(&j, "output", outp);
			mtd_json_kv_u64(&j, "size", l->chip_size);
			mtd_json_kv_str(&j, "sha256", h);
			mtd_json_key(&j, "partitions");
			mtd_json_begin_array(&j);
			for (size_t i = 0; i < r->nentries; i++) {
				mtd_json_begin_object(&j);
				mtd_json_kv_str(&j, "name", l->parts[r->entries[i].part].name);
				mtd_json_kv_str(&j, "from", r->entries[i].from);
				mtd_json_kv_str(&j, "detail", r->entries[i].what);
				mtd_json_end_object(&j);
			}
			mtd_json_end_array(&j);
			mtd_json_key(&j, "warnings");
			mtd_json_begin_array(&j);
			for (size_t i = 0; i < r->nwarnings; i++)
				mtd_json_string(&j, r->warnings[i]);
			mtd_json_end_array(&j);
			mtd_json_key(&j, "notes");
			mtd_json_begin_array(&j);
			for (size_t i = 0; i < r->nnotes; i++)
				mtd_json_string(&j, r->notes[i]);
			mtd_json_end_array(&j);
			mtd_json_end_object(&j);
			ret = cli_print_json(&b);
			mtd_buf_release(&b);
		} else {
			fprintf(rep, "%s: 0x%llx bytes, sha256 %s\n",
			        cli_txt(strcmp(outp, "-") ? outp : "standard output"), (unsigned long long)l->chip_size,
			        h);
			for (size_t i = 0; i < r->nentries; i++) {
				const struct mtd_part *p = &l->parts[r->entries[i].part];
				fprintf(rep, "  %-14s 0x%08llx +0x%-8llx from %-12s %s\n", cli_txt(p->name),
				        (unsigned long long)p->offset, (unsigned long long)p->size,
				        cli_txt(r->entries[i].from), cli_txt(r->entries[i].what));
			}
			for (size_t i = 0; i < r->nnotes; i++)
				fprintf(rep, "note: %s\n", cli_txt(r->notes[i]));
		}
	}
	free(img);
	free(r);
	if (fopen_)
		mtd_source_close(&fs);
	mtd_source_close(&ds);
	mtd_source_close(&us);
	free(l);
	return ret;
}
