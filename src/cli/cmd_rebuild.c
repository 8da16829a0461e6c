/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/bundle.h>
#include <mtdscope/layout.h>
#include <mtdscope/source.h>

#include <mtdscope/view.h>

#include "cli.h"

static const char help[] =
    "usage: mtdscope rebuild --layout L --donor GOOD.bin --unit BRICKED.bin -o OUT.bin [options]\n"
    "       mtdscope rebuild --donor GOOD.bin --unit BUNDLE.tar -o OUT.bin [options]\n"
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
    "The unit (or the donor) may be a bundle written by 'mtdscope collect' on the\n"
    "device: its mtdN dumps, joined by its own /proc/mtd (unless --layout), are\n"
    "that side's whole chip.  A dump whose two reads differ (collect --twice),\n"
    "that ended early, had read errors or is not its partition's size is\n"
    "judged per partition: when the image would take that partition from it,\n"
    "the rebuild is refused in one line naming the bundle member; otherwise a\n"
    "note says it was not used.\n"
    "\n"
    "options:\n"
    "  --layout L              the layout (default with a bundle: its proc/mtd)\n"
    "  --kind K                layout kind (default: detect)\n"
    "  --flash-size SIZE       the real chip size\n"
    "  --donor FILE            whole-chip dump (or collect bundle) of a working identical unit\n"
    "  --unit FILE             whole-chip dump (or collect bundle) of the unit to recover\n"
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

/* One side (unit or donor) given as a collect bundle: its dumps joined into a whole chip by the layout,
 * and for each partition whether its dump can be trusted (bad[i], why[i] naming the member). */
struct side {
	const char *path, *what; /* "unit", "donor" */
	struct cli_bundle b;
	bool is_bundle;
	uint8_t *img;
	bool bad[MTD_LAYOUT_MAX_PARTS];
	char why[MTD_LAYOUT_MAX_PARTS][480];
};

static int side_open(struct side *s)
{
	if (!s->is_bundle)
		return CLI_OK;
	return cli_bundle_open(&s->b, s->path);
}

/* The layout from the bundle's proc/mtd. */
static int side_layout(struct side *s, const char *kind, const char *fsize, struct mtd_layout **out)
{
	const struct mtd_bundle_member *m = cli_bundle_find(&s->b, "proc/mtd");
	struct mtd_reader r;
	const uint8_t *span;
	if (!m || !cli_bundle_window(&s->b, m, &r) || !mtd_rd_bytes_at(&r, 0, (size_t)m->size, &span)) {
		cli_error("%s: the bundle holds no collect/proc/mtd: give --layout", s->path);
		return CLI_FAIL;
	}
	if (kind)
		return cli_usage_error("rebuild", "--kind applies to --layout, not to a bundle's proc/mtd");
	uint64_t fs = 0;
	if (fsize && (mtd_parse_size(fsize, MTD_LAYOUT_MAX_CHIP, &fs) || fs == 0))
		return cli_usage_error("rebuild", "--flash-size takes a size such as 4M or 0x1000000, not '%s'", fsize);
	struct mtd_layout *l = malloc(sizeof(*l));
	char name[600];
	snprintf(name, sizeof(name), "%s:collect/proc/mtd", s->path);
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (!l || mtd_layout_parse(span, (size_t)m->size, MTD_LK_PROC_MTD, name, fs, l, &d)) {
		if (l)
			cli_diag(&d);
		else
			cli_error("out of memory");
		free(l);
		return CLI_FAIL;
	}
	*out = l;
	return CLI_OK;
}

/* Join the bundle's dumps by the layout into s->img (chip size), judging each (mtd_bundle_dump_ok). */
static int side_join(struct side *s, const struct mtd_layout *l)
{
	struct mtd_part_file files[MTD_BUNDLE_MAX_MTD];
	size_t nf = 0;
	char names[MTD_BUNDLE_MAX_MTD][600];
	for (size_t i = 0; i < s->b.b.nmtd; i++) {
		const struct mtd_bundle_mtd *e = &s->b.b.mtd[i];
		const struct mtd_bundle_member *m = e->dump[0] ? cli_bundle_find(&s->b, e->dump) : NULL;
		if (!m)
			continue;
		snprintf(names[nf], sizeof(names[nf]), "%s:%s", s->path, m->name);
		const char *base = strrchr(e->dump, '/') ? strrchr(e->dump, '/') + 1 : e->dump;
		int part = mtd_layout_match_file(l, base);
		if (part < 0) {
			cli_error("%s: no partition of the layout (%s) is %s", names[nf], l->source, base);
			return CLI_FAIL;
		}
		char why[400];
		uint64_t n = m->size;
		if (!mtd_bundle_dump_ok(&s->b.b, e, why, sizeof(why))) {
			s->bad[part] = true;
			snprintf(s->why[part], sizeof(s->why[part]), "%s:%s", s->path, why);
		} else if (m->size != l->parts[part].size) {
			s->bad[part] = true;
			snprintf(s->why[part], sizeof(s->why[part]),
			         "%s:%s: 0x%llx bytes, but partition '%s' of the layout is 0x%llx bytes%s", s->path,
			         m->name, (unsigned long long)m->size, l->parts[part].name,
			         (unsigned long long)l->parts[part].size,
			         m->size < l->parts[part].size ? ": truncated" : "");
		}
		if (n > l->parts[part].size)
			n = l->parts[part].size;
		struct mtd_reader r;
		const uint8_t *span;
		if (!cli_bundle_window(&s->b, m, &r) || !mtd_rd_bytes_at(&r, 0, (size_t)n, &span))
			return CLI_FAIL;
		memset(&files[nf], 0, sizeof(files[nf]));
		files[nf].path = names[nf];
		files[nf].part = part;
		mtd_source_from_memory(&files[nf].src, names[nf], span, (size_t)n);
		nf++;
	}
	if (!nf) {
		cli_error("%s: the bundle holds no dumps (collect --no-dumps?)", s->path);
		return CLI_FAIL;
	}
	size_t len;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_layout_join(l, files, nf, true, &s->img, &len, &d)) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static bool overlaps(const struct mtd_part *a, const struct mtd_part *b)
{
	return a->offset < b->offset + b->size && b->offset < a->offset + a->size;
}

/*
 * After the rebuild: a partition the image takes from this side (entries "from" it) that overlaps a dump
 * which cannot be trusted refuses the rebuild (one line naming the member); the others are noted.
 */
static int side_judge(const struct side *s, const struct mtd_layout *l, const struct mtd_rebuild_report *r,
                      const char *from, char notes[][600], size_t *nnotes, size_t maxnotes)
{
	if (!s->is_bundle)
		return CLI_OK;
	for (size_t p = 0; p < l->nparts; p++) {
		if (!s->bad[p])
			continue;
		const struct mtd_rebuild_entry *used = NULL;
		for (size_t i = 0; i < r->nentries && !used; i++)
			if (!strcmp(r->entries[i].from, from) && overlaps(&l->parts[r->entries[i].part], &l->parts[p]))
				used = &r->entries[i];
		if (used) {
			cli_error(
			    "refused: %s; the %s's '%s' would come from it (read it again with collect --twice%s)",
			    cli_txt(s->why[p]), s->what, cli_txt(l->parts[used->part].name),
			    !strcmp(s->what, "unit") ? ", or give --factory/--take" : "");
			return CLI_FAIL;
		}
		if (*nnotes < maxnotes)
			snprintf(notes[(*nnotes)++], 600, "%s; not used: the image takes '%s' from elsewhere",
			         s->why[p], l->parts[p].name);
	}
	return CLI_OK;
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
	struct side us_ = {.path = unit, .what = "unit", .is_bundle = cli_is_bundle(unit)},
	            ds_ = {.path = donor, .what = "donor", .is_bundle = cli_is_bundle(donor)};
	struct side *sides[2] = {&us_, &ds_};
	if ((us_.is_bundle || ds_.is_bundle) && view)
		return cli_usage_error("rebuild", "--view does not apply to a bundle: collect's dumps are the MTD "
		                                  "address space already");
	struct mtd_layout *l = NULL;
	int rc = CLI_OK;
	for (size_t i = 0; i < 2 && !rc; i++)
		rc = side_open(sides[i]);
	if (!rc) {
		struct side *ls = us_.is_bundle ? &us_ : ds_.is_bundle ? &ds_ : NULL;
		if (!lpath && ls) {
			rc = side_layout(ls, kind, fsize, &l);
			if (!rc)
				fprintf(stderr, "mtdscope rebuild: the layout from %s:collect/proc/mtd\n",
				        cli_txt(ls->path));
		} else {
			rc = cli_load_layout("rebuild", lpath, kind, fsize, &l);
		}
	}
	for (size_t i = 0; i < 2 && !rc; i++)
		if (sides[i]->is_bundle)
			rc = side_join(sides[i], l);
	if (rc) {
		for (size_t i = 0; i < 2; i++) {
			free(sides[i]->img);
			cli_bundle_close(&sides[i]->b);
		}
		free(l);
		return rc;
	}
	for (size_t i = 0; i < o.nkeep; i++)
		if (mtd_layout_find(l, o.keep[i]) < 0) {
			rc = cli_usage_error("rebuild", "--keep %s: no such partition in the layout", o.keep[i]);
			goto out_sides;
		}
	for (size_t i = 0; i < o.ntake; i++)
		if (mtd_layout_find(l, o.take[i]) < 0) {
			rc = cli_usage_error("rebuild", "--take %s: no such partition in the layout", o.take[i]);
			goto out_sides;
		}
	struct mtd_source ds, us, fs;
	bool fopen_ = false;
	if (ds_.is_bundle)
		mtd_source_from_memory(&ds, donor, ds_.img, (size_t)l->chip_size);
	else if (open_in(donor, &ds)) {
		rc = CLI_FAIL;
		goto out_sides;
	}
	if (us_.is_bundle)
		mtd_source_from_memory(&us, unit, us_.img, (size_t)l->chip_size);
	else if (open_in(unit, &us)) {
		mtd_source_close(&ds);
		rc = CLI_FAIL;
		goto out_sides;
	}
	if (factory) {
		if (open_in(factory, &fs)) {
			mtd_source_close(&ds);
			mtd_source_close(&us);
			rc = CLI_FAIL;
			goto out_sides;
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
	char bnotes[2 * MTD_LAYOUT_MAX_PARTS][600];
	size_t nbnotes = 0;
	if (r) {
		rc = mtd_layout_rebuild(l, ds.data, (size_t)ds.size, us.data, (size_t)us.size, &o, &img, r, &d);
		if (rc == MTD_ERR_REFUSED && r->refused) {
			/* a bundle's untrusted unit data explains a refusal better than what it led to */
			bool said = false;
			for (size_t p = 0; p < l->nparts && !said; p++)
				if (us_.bad[p] && mtd_part_is_unit_data(&l->parts[p])) {
					cli_error("refused: %s; the unit's '%s' would come from it (read it again with "
					          "collect "
					          "--twice, or give --factory FILE from an older backup)",
					          cli_txt(us_.why[p]), cli_txt(l->parts[p].name));
					said = true;
				}
			if (!said)
				cli_error("refused: %s", r->reason);
			ret = CLI_FAIL;
		} else if (rc) {
			cli_diag(&d);
			ret = CLI_FAIL;
		} else if (side_judge(&us_, l, r, "unit", bnotes, &nbnotes, 2 * MTD_LAYOUT_MAX_PARTS) ||
		           side_judge(&ds_, l, r, "donor", bnotes, &nbnotes, 2 * MTD_LAYOUT_MAX_PARTS)) {
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
			for (size_t i = 0; i < nbnotes; i++)
				mtd_json_string(&j, bnotes[i]);
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
			for (size_t i = 0; i < nbnotes; i++)
				fprintf(rep, "note: %s\n", cli_txt(bnotes[i]));
		}
	}
	free(img);
	free(r);
	if (fopen_)
		mtd_source_close(&fs);
	if (!ds_.is_bundle)
		mtd_source_close(&ds);
	if (!us_.is_bundle)
		mtd_source_close(&us);
	rc = ret;
out_sides:
	for (size_t i = 0; i < 2; i++) {
		free(sides[i]->img);
		cli_bundle_close(&sides[i]->b);
	}
	free(l);
	return rc;
}
