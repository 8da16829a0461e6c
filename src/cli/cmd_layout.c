/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/layout.h>
#include <mtdscope/source.h>
#include <mtdscope/unitdata.h>

#include "cli.h"

static const char help[] = "usage: mtdscope layout [options] FILE\n"
                           "\n"
                           "Read a flash layout and check it.  FILE is /proc/mtd text (with or without\n"
                           "its header), a kernel log (\"Creating N MTD partitions\", \"N ofpart partitions\n"
                           "found\", nested uimage-fw/squashfs-split lists, truncation warnings), a\n"
                           "mtdparts= string, a device tree (.dtb, or .dts text: the partitions nodes) or\n"
                           "a disk image with a GPT.  /proc/mtd has no offsets: they are derived from the\n"
                           "order and sizes and marked inferred.  The checks: overlaps (nesting is fine),\n"
                           "erase-block alignment, partitions past the end of the chip, gaps.\n"
                           "\n"
                           "options:\n"
                           "  --kind K           proc-mtd, kernel-log, mtdparts, dts, dtb, gpt (default: detect)\n"
                           "  --flash-size SIZE  the real chip size (e.g. 4M); wins over the table\n"
                           "  --json             the layout, notes and issues as JSON\n"
                           "  --dts              a device-tree partitions node with nvmem cells for the MACs\n"
                           "  --mtdparts[=DEV]   a mtdparts= string for the kernel command line or U-Boot\n"
                           "  --flashrom         a flashrom layout file (start:end name, inclusive hex)\n"
                           "  --image IMG        a whole-chip dump: MAC cells for --dts come from its factory data\n"
                           "  -o FILE            write the output to FILE (atomically) instead of stdout\n"
                           "  --color=WHEN       auto (default), always or never\n"
                           "  -h, --help         show this help\n"
                           "\n"
                           "Exit status: 0 layout fine, 1 the checks found errors (text, --json) or input failed,\n"
                           "2 usage.  The other forms are written anyway, with a warning.\n";

static bool parse_kind(const char *s, enum mtd_layout_kind *k)
{
	static const enum mtd_layout_kind all[] = {MTD_LK_PROC_MTD, MTD_LK_KLOG, MTD_LK_MTDPARTS,
	                                           MTD_LK_DTS,      MTD_LK_DTB,  MTD_LK_GPT};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(s, mtd_layout_kind_name(all[i]))) {
			*k = all[i];
			return true;
		}
	if (!strcmp(s, "auto")) {
		*k = MTD_LK_AUTO;
		return true;
	}
	return false;
}

int cli_load_layout(const char *cmd, const char *path, const char *kind, const char *flash_size,
                    struct mtd_layout **out)
{
	enum mtd_layout_kind k = MTD_LK_AUTO;
	uint64_t fs = 0;
	*out = NULL;
	if (!path)
		return cli_usage_error(cmd, "--layout FILE is required");
	if (kind && !parse_kind(kind, &k))
		return cli_usage_error(cmd, "--kind takes proc-mtd, kernel-log, mtdparts, dts, dtb or gpt, not '%s'",
		                       kind);
	if (flash_size && (mtd_parse_size(flash_size, MTD_LAYOUT_MAX_CHIP, &fs) || fs == 0))
		return cli_usage_error(cmd, "--flash-size takes a size such as 4M or 0x1000000, not '%s'", flash_size);
	if (cli_input(path))
		return CLI_FAIL;
	struct mtd_layout *l = malloc(sizeof(*l));
	if (!l) {
		cli_error("out of memory");
		return CLI_FAIL;
	}
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_layout_load(path, k, fs, l, &d)) {
		cli_diag(&d);
		free(l);
		return CLI_FAIL;
	}
	*out = l;
	return CLI_OK;
}

static void flags_text(const struct mtd_part *p, char *out, size_t n)
{
	out[0] = 0;
	size_t k = 0;
	static const struct {
		uint32_t f;
		const char *s;
	} fl[] = {{MTD_PART_WHOLE_CHIP, "whole-chip"},
	          {MTD_PART_RO, "ro"},
	          {MTD_PART_INFERRED, "inferred"},
	          {MTD_PART_TRUNCATED, "TRUNCATED"},
	          {MTD_PART_AUTO, "auto"},
	          {MTD_PART_REMAINDER, "rest"},
	          {MTD_PART_UNIT_DATA, "unit-data"},
	          {MTD_PART_PROTECTED, "protected"}};
	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if ((p->flags & fl[i].f) && k < n)
			k += (size_t)snprintf(out + k, n - k, "%s%s", k ? "," : "", fl[i].s);
}

static int depth_of(const struct mtd_layout *l, size_t i)
{
	int dep = 0;
	for (int p = l->parts[i].parent; p >= 0 && dep < 8; p = l->parts[p].parent)
		dep++;
	return dep;
}

static void print_table(const struct mtd_layout *l, const struct mtd_layout_issue *is, size_t nis)
{
	char cs[32];
	mtd_format_size(l->chip_size, cs, sizeof(cs));
	static const char *const from[] = {"unknown", "given", "whole-chip entry", "kernel log",
	                                   "end of table, a guess"};
	printf("%s%s%s: %s layout%s%s, chip 0x%llx (%s, from %s), erase block 0x%x\n", cli_c(stdout, CLI_BOLD),
	       cli_txt(l->source), cli_c(stdout, CLI_RESET), mtd_layout_kind_name(l->kind), l->device[0] ? " of " : "",
	       cli_txt(l->device), (unsigned long long)l->chip_size, cs, from[l->chip_from], l->erasesize);
	printf("%s%-3s %-22s %-10s %-10s %-10s %9s  %-11s %s%s\n", cli_c(stdout, CLI_DIM), "#", "NAME", "OFFSET", "END",
	       "SIZE", "", "ROLE", "FLAGS", cli_c(stdout, CLI_RESET));
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		char sz[32], fl[160], nm[96];
		mtd_format_size(p->size, sz, sizeof(sz));
		flags_text(p, fl, sizeof(fl));
		int dep = depth_of(l, i);
		snprintf(nm, sizeof(nm), "%*s%s", 2 * dep, "", cli_txt(p->name));
		printf("%-3zu %-22s 0x%08llx 0x%08llx 0x%08llx %9s  %-11s %s\n", i, nm, (unsigned long long)p->offset,
		       (unsigned long long)(p->offset + p->size), (unsigned long long)p->size, sz,
		       mtd_part_role_name(p->role), fl);
		if (p->flags & MTD_PART_TRUNCATED)
			printf("%*s%s! declared 0x%llx bytes, to 0x%llx%s\n", 4, "", cli_c(stdout, CLI_YELLOW),
			       (unsigned long long)p->declared_size, (unsigned long long)(p->offset + p->declared_size),
			       cli_c(stdout, CLI_RESET));
		for (size_t c = 0; c < p->ncells; c++)
			printf("%*scell %s @0x%llx +0x%llx%s\n", 4 + 2 * dep, "", cli_txt(p->cells[c].name),
			       (unsigned long long)p->cells[c].offset, (unsigned long long)p->cells[c].size,
			       p->cells[c].is_mac ? " (MAC)" : "");
	}
	for (size_t i = 0; i < l->nnotes; i++)
		printf("note: %s\n", cli_txt(l->notes[i]));
	for (size_t i = 0; i < nis; i++) {
		enum cli_color c = is[i].level == MTD_ISSUE_ERROR     ? CLI_RED
		                   : is[i].level == MTD_ISSUE_WARNING ? CLI_YELLOW
		                                                      : CLI_DIM;
		const char *lv = is[i].level == MTD_ISSUE_ERROR     ? "error"
		                 : is[i].level == MTD_ISSUE_WARNING ? "warning"
		                                                    : "info";
		printf("%s%s%s: %s\n", cli_c(stdout, c), lv, cli_c(stdout, CLI_RESET), cli_txt(is[i].msg));
	}
	size_t e = mtd_layout_errors(is, nis);
	if (e)
		printf("%s%zu error%s%s\n", cli_c(stdout, CLI_RED), e, e == 1 ? "" : "s", cli_c(stdout, CLI_RESET));
}

/* nvmem cells for the factory partition: from the image's EEPROM, or the MT76x8 convention */
static void add_factory_cells(struct mtd_layout *l, const char *image)
{
	int fi = mtd_layout_find_role(l, MTD_ROLE_FACTORY);
	if (fi < 0 || l->parts[fi].ncells)
		return;
	struct mtd_part *p = &l->parts[fi];
	struct mtd_nvmem_cell *c = &p->cells[p->ncells++];
	snprintf(c->name, sizeof(c->name), "eeprom@0");
	c->offset = 0;
	c->size = p->size < 0x400 ? p->size : 0x400;
	if (image) {
		struct mtd_source s;
		struct mtd_diag d;
		mtd_diag_clear(&d);
		if (mtd_source_open(&s, image, &d) == 0) {
			if (mtd_range_ok(p->offset, p->size, s.size)) {
				struct mtd_eeprom_info info;
				memset(&info, 0, sizeof(info));
				if (mtd_eeprom_decode(s.data + p->offset, (size_t)p->size, &info) == 0)
					for (size_t i = 0; i < info.nmacs && p->ncells < MTD_LAYOUT_MAX_CELLS; i++) {
						if (!info.macs[i].valid)
							continue;
						struct mtd_nvmem_cell *m = &p->cells[p->ncells++];
						snprintf(m->name, sizeof(m->name), "macaddr@%x", info.macs[i].offset);
						m->offset = info.macs[i].offset;
						m->size = 6;
						m->is_mac = true;
					}
			}
			mtd_source_close(&s);
		} else {
			cli_diag(&d);
		}
	}
	if (p->ncells == 1) {
		struct mtd_nvmem_cell *m = &p->cells[p->ncells++];
		snprintf(m->name, sizeof(m->name), "macaddr@4");
		m->offset = 4;
		m->size = 6;
		m->is_mac = true;
	}
}

int cmd_layout(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"kind", required_argument, NULL, 'k'},     {"flash-size", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},           {"dts", no_argument, NULL, 'D'},
	    {"mtdparts", optional_argument, NULL, 'm'}, {"flashrom", no_argument, NULL, 'F'},
	    {"image", required_argument, NULL, 'i'},    {"color", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	const char *kind = NULL, *fsize = NULL, *outp = NULL, *image = NULL, *dev = NULL;
	enum { TEXT, JSON, DTS, MTDPARTS, FLASHROM } form = TEXT;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'k': kind = optarg; break;
		case 'f': fsize = optarg; break;
		case 'j': form = JSON; break;
		case 'D': form = DTS; break;
		case 'm':
			form = MTDPARTS;
			dev = optarg;
			break;
		case 'F': form = FLASHROM; break;
		case 'i': image = optarg; break;
		case 'o': outp = optarg; break;
		case 'C':
			if (!cli_set_color_mode(optarg))
				return cli_usage_error("layout", "--color takes auto, always or never");
			break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("layout", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("layout", "expected exactly one FILE");
	if (image && cli_input(image))
		return CLI_FAIL;
	struct mtd_layout *l;
	int rc = cli_load_layout("layout", argv[optind], kind, fsize, &l);
	if (rc)
		return rc;
	struct mtd_layout_issue *is = NULL;
	size_t nis = 0;
	mtd_layout_check(l, &is, &nis);
	if (form == DTS || form == MTDPARTS || form == FLASHROM) {
		/* each of these states offsets (mtdparts= by adding the sizes up): none may be guessed */
		struct mtd_diag od;
		mtd_diag_clear(&od);
		if (mtd_layout_offsets_known(l, -1, "a layout in another form", &od)) {
			cli_diag(&od);
			free(is);
			free(l);
			return CLI_FAIL;
		}
	}
	struct mtd_buf b;
	mtd_buf_init(&b, 16u << 20);
	int ret = CLI_OK;
	switch (form) {
	case TEXT:
		if (outp)
			return cli_usage_error("layout", "-o goes with --json, --dts, --mtdparts or --flashrom");
		print_table(l, is, nis);
		break;
	case JSON: {
		struct mtd_json j;
		mtd_json_init(&j, &b, false);
		cli_json_schema(&j, "layout");
		mtd_layout_to_json(l, is, nis, &j);
		mtd_buf_puts(&b, "\n");
		break;
	}
	case DTS:
		add_factory_cells(l, image);
		mtd_layout_to_dts(l, &b);
		break;
	case MTDPARTS: mtd_layout_to_mtdparts(l, dev, &b); break;
	case FLASHROM: mtd_layout_to_flashrom(l, &b); break;
	}
	if (form != TEXT) {
		if (b.err) {
			cli_error("output too large");
			ret = CLI_FAIL;
		} else if (outp) {
			struct mtd_diag d;
			mtd_diag_clear(&d);
			if (mtd_write_file_atomic(outp, b.data, b.len, false, cli_inputs(), &d)) {
				cli_diag(&d);
				ret = CLI_FAIL;
			}
		} else if (fwrite(b.data, 1, b.len, stdout) != b.len) {
			ret = CLI_FAIL;
		}
	}
	if (ret == CLI_OK && mtd_layout_errors(is, nis) && (form == TEXT || form == JSON))
		ret = CLI_FAIL;
	else if (ret == CLI_OK && mtd_layout_errors(is, nis))
		cli_warn("the layout has %zu error%s: see: mtdscope layout %s", mtd_layout_errors(is, nis),
		         mtd_layout_errors(is, nis) == 1 ? "" : "s", cli_shq(argv[optind]));
	mtd_buf_release(&b);
	free(is);
	free(l);
	return ret;
}

/* The partition of a layout file with this role (or name): its offset and size. */
int cli_layout_part(const char *lpath, const char *name, enum mtd_part_role role, uint64_t *off, uint64_t *size)
{
	struct mtd_layout *l = malloc(sizeof(*l));
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (!l) {
		cli_error("out of memory");
		return -1;
	}
	if (mtd_layout_load(lpath, MTD_LK_AUTO, 0, l, &d)) {
		cli_diag(&d);
		free(l);
		return -1;
	}
	int i = name ? mtd_layout_find(l, name) : mtd_layout_find_role(l, role);
	if (i < 0) {
		if (name)
			cli_error("%s: no partition named '%s'", lpath, name);
		else
			cli_error("%s: no %s partition in this layout; name it with --part", lpath,
			          mtd_part_role_name(role));
		free(l);
		return -1;
	}
	if (mtd_layout_offsets_known(l, i, "reading a partition out of a dump", &d)) {
		cli_diag(&d);
		free(l);
		return -1;
	}
	*off = l->parts[i].offset;
	*size = l->parts[i].size;
	free(l);
	return 0;
}
