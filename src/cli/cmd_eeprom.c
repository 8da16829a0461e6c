/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mtdscope/layout.h>
#include <mtdscope/scan.h>
#include <mtdscope/source.h>
#include <mtdscope/unitdata.h>

#include "cli.h"

static const char help[] = "usage: mtdscope eeprom [options] FILE|IMAGE\n"
                           "\n"
                           "Decode MediaTek factory data (the Factory partition): wifi chip ids and\n"
                           "EEPROM versions (a second radio at 0x8000 too), every MAC address at the\n"
                           "offsets the chip and the common board conventions use (0x4, 0x28, 0x2e,\n"
                           "0xe000, 0xe006, 0x8004...), and whether calibration data is present.\n"
                           "FILE may be the factory data itself or a whole flash image, where it is\n"
                           "found by scanning.  An erased factory (all 0xFF) is reported as such.\n"
                           "With --set-mac, write a copy of the input in which only the MAC bytes\n"
                           "changed.  The input is never modified.\n"
                           "\n"
                           "options:\n"
                           "  --layout L            find the Factory partition in layout L (/proc/mtd,\n"
                           "                        kernel log, mtdparts=, device tree); FILE is the\n"
                           "                        whole-chip image\n"
                           "  --part NAME           with --layout: the partition to use (default: the\n"
                           "                        one whose role is factory)\n"
                           "  --offset OFF          factory data starts at OFF in FILE\n"
                           "  --size SIZE           factory data size (default 64K or the rest of FILE)\n"
                           "  --set-mac WHERE=MAC   set the MAC at WHERE: an offset (0x4, 0x28, 0xe000...)\n"
                           "                        or a role (wifi0, wifi1); repeatable\n"
                           "  --set-mac MAC         set the first MAC to MAC and move every other MAC\n"
                           "                        found by the same amount (keeps their order)\n"
                           "  -o, --output OUT      where the patched copy goes (required with --set-mac)\n"
                           "  --force               accept a multicast, zero or broadcast MAC\n"
                           "  --json                print the decode as JSON\n"
                           "  -h, --help            show this help\n"
                           "\n"
                           "Exit status: 0 when factory data was recognised, 1 when it is erased,\n"
                           "truncated, unknown or missing, 2 on a usage error.\n";

#define MAX_SETS        16
#define FACTORY_DEFAULT 0x10000u
#define FACTORY_MAX     (1u << 20)

struct setmac {
	const char *where; /* NULL: shift all */
	uint8_t mac[6];
};

static uint64_t mac48(const uint8_t m[6])
{
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = v << 8 | m[i];
	return v;
}

static void mac_from48(uint64_t v, uint8_t m[6])
{
	for (int i = 5; i >= 0; i--, v >>= 8)
		m[i] = (uint8_t)v;
}

/* Find the factory data: the file itself, or the first mtk-eeprom component. */
static int locate(struct mtd_source *src, uint64_t *off, bool *found, bool *scanned)
{
	*found = false;
	*scanned = false;
	*off = 0;
	if (src->size <= FACTORY_MAX) {
		if (src->size >= 2 && mtd_eeprom_chip_name(mtd_le16(src->data), NULL)) {
			*found = true;
			return 0;
		}
		if (src->size <= FACTORY_DEFAULT) {
			*found = true; /* small: decode it as it is (erased, unknown...) */
			return 0;
		}
	}
	struct mtd_scan_result *r = cli_scan_top_level(src);
	if (!r)
		return -1;
	*scanned = true;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (strcmp(c->type, "mtk-eeprom") == 0 && c->space < 0) {
			*off = c->offset;
			*found = true;
			break;
		}
	}
	mtd_scan_free(r);
	return 0;
}

static void json_info(struct mtd_json *j, const char *file, uint64_t off, size_t len, const struct mtd_eeprom_info *in)
{
	char m[18];
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "file", file);
	mtd_json_kv_u64(j, "offset", off);
	mtd_json_kv_u64(j, "size", len);
	mtd_json_kv_bool(j, "erased", in->erased);
	mtd_json_kv_bool(j, "recognised", in->recognised);
	mtd_json_kv_u64(j, "chip_id", in->chip_id);
	mtd_json_key(j, "chip");
	if (in->chip_name)
		mtd_json_string(j, in->chip_name);
	else
		mtd_json_null(j);
	mtd_json_key(j, "driver");
	if (in->driver)
		mtd_json_string(j, in->driver);
	else
		mtd_json_null(j);
	mtd_json_kv_u64(j, "version", in->version);
	mtd_json_kv_u64(j, "eeprom_size", in->eeprom_size);
	mtd_json_kv_bool(j, "truncated", in->truncated);
	mtd_json_kv_bool(j, "calibration", in->has_calibration);
	mtd_json_key(j, "second");
	if (in->second_offset) {
		const char *c2 = mtd_eeprom_chip_name(in->second_chip_id, NULL);
		mtd_json_begin_object(j);
		mtd_json_kv_u64(j, "offset", in->second_offset);
		mtd_json_kv_u64(j, "chip_id", in->second_chip_id);
		mtd_json_kv_str(j, "chip", c2 ? c2 : "");
		mtd_json_kv_u64(j, "version", in->second_version);
		mtd_json_kv_bool(j, "calibration", in->second_has_calibration);
		mtd_json_end_object(j);
	} else {
		mtd_json_null(j);
	}
	mtd_json_key(j, "macs");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < in->nmacs; i++) {
		mtd_mac_format(in->macs[i].mac, m);
		mtd_json_begin_object(j);
		mtd_json_kv_u64(j, "offset", in->macs[i].offset);
		mtd_json_kv_str(j, "mac", m);
		mtd_json_kv_str(j, "role", in->macs[i].role);
		mtd_json_kv_bool(j, "valid", in->macs[i].valid);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_end_object(j);
}

static void text_info(const char *file, uint64_t off, size_t len, const struct mtd_eeprom_info *in)
{
	char m[18];
	printf("%s%s%s: factory data at 0x%llx, 0x%zx bytes\n", cli_c(stdout, CLI_BOLD), cli_txt(file),
	       cli_c(stdout, CLI_RESET), (unsigned long long)off, len);
	if (in->erased) {
		printf("  %sERASED%s: every byte is 0x%s - no MACs, no calibration\n", cli_c(stdout, CLI_RED),
		       cli_c(stdout, CLI_RESET), len && in->data_end == 0 ? "FF" : "00");
		return;
	}
	if (!in->recognised) {
		printf("  %sunknown%s chip id 0x%04x at 0x0\n", cli_c(stdout, CLI_RED), cli_c(stdout, CLI_RESET),
		       in->chip_id);
	} else {
		printf("  chip         %s (id 0x%04x, %s driver), EEPROM version 0x%04x, 0x%x bytes%s\n", in->chip_name,
		       in->chip_id, in->driver, in->version, in->eeprom_size, in->truncated ? " (TRUNCATED)" : "");
		printf("  calibration  %s\n", in->has_calibration ? "present" : "absent (erased or default)");
	}
	if (in->second_offset) {
		const char *c2 = mtd_eeprom_chip_name(in->second_chip_id, NULL);
		printf("  second radio %s (id 0x%04x) at 0x%x, version 0x%04x, calibration %s\n", c2 ? c2 : "?",
		       in->second_chip_id, in->second_offset, in->second_version,
		       in->second_has_calibration ? "present" : "absent");
	}
	for (size_t i = 0; i < in->nmacs; i++) {
		mtd_mac_format(in->macs[i].mac, m);
		printf("  mac 0x%-6x %s  %s%s%s\n", in->macs[i].offset, m, in->macs[i].role,
		       in->macs[i].valid ? "" : cli_c(stdout, CLI_RED), in->macs[i].valid ? "" : "  (not usable)");
		if (!in->macs[i].valid)
			fputs(cli_c(stdout, CLI_RESET), stdout);
	}
}

static int where_offset(const char *w, const struct mtd_eeprom_info *in, size_t len, uint64_t *off)
{
	if (strcmp(w, "wifi0") == 0) {
		*off = 0x4;
		return 0;
	}
	if (strcmp(w, "wifi1") == 0) {
		if (!in->second_offset)
			return -1;
		*off = in->second_offset + 4;
		return 0;
	}
	if (mtd_parse_u64(w, len >= 6 ? len - 6 : 0, off))
		return -1;
	return 0;
}

int cmd_eeprom(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"offset", required_argument, NULL, 'O'},
	    {"size", required_argument, NULL, 'S'},
	    {"set-mac", required_argument, NULL, 'm'},
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {"layout", required_argument, NULL, 'L'},
	    {"part", required_argument, NULL, 'P'},
	    {"color", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false, force = false, have_off = false;
	uint64_t off = 0, size = 0;
	const char *out = NULL, *layout = NULL, *part = NULL;
	struct setmac sets[MAX_SETS];
	size_t nsets = 0;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'O':
			if (mtd_parse_size(optarg, UINT64_MAX, &off))
				return cli_usage_error("eeprom", "--offset takes an offset such as 0x40000, not '%s'",
				                       optarg);
			have_off = true;
			break;
		case 'S':
			if (mtd_parse_size(optarg, FACTORY_MAX * 16ull, &size) || size == 0)
				return cli_usage_error("eeprom", "--size takes a size such as 64k, not '%s'", optarg);
			break;
		case 'm': {
			if (nsets == MAX_SETS)
				return cli_usage_error("eeprom", "at most %d --set-mac", MAX_SETS);
			struct setmac *s = &sets[nsets];
			const char *eq = strchr(optarg, '=');
			s->where = NULL;
			if (eq) {
				s->where = strndup(optarg, (size_t)(eq - optarg));
				if (!s->where)
					return CLI_FAIL;
			}
			if (!mtd_mac_parse(eq ? eq + 1 : optarg, s->mac)) {
				free((char *)s->where);
				return cli_usage_error(
				    "eeprom", "--set-mac takes [WHERE=]MAC such as 0x28=00:11:22:33:44:55, not '%s'",
				    optarg);
			}
			nsets++;
			break;
		}
		case 'o': out = optarg; break;
		case 'f': force = true; break;
		case 'j': json = true; break;
		case 'L': layout = optarg; break;
		case 'P': part = optarg; break;
		case 'C':
			if (!cli_set_color_mode(optarg))
				return cli_usage_error("eeprom", "--color takes auto, always or never");
			break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("eeprom", "bad option");
		}
	}
	int ret = CLI_FAIL;
	if (optind != argc - 1) {
		ret = cli_usage_error("eeprom", "expected exactly one FILE");
		goto done;
	}
	if (nsets && !out) {
		ret = cli_usage_error("eeprom", "--set-mac writes a new file: give it with -o OUT");
		goto done;
	}
	if (out && !nsets) {
		ret = cli_usage_error("eeprom", "-o only goes with --set-mac");
		goto done;
	}
	for (size_t i = 0; i < nsets; i++)
		if (!mtd_mac_is_valid(sets[i].mac) && !force) {
			char m[18];
			mtd_mac_format(sets[i].mac, m);
			cli_error("%s is not a usable MAC (multicast, zero or broadcast); --force to write it anyway",
			          m);
			goto done;
		}
	const char *path = argv[optind];
	if (cli_input(path) || (layout && cli_input(layout)))
		goto done;
	if (out) {
		struct mtd_diag d0;
		mtd_diag_clear(&d0);
		if (mtd_inputs_check(cli_inputs(), out, &d0)) {
			cli_diag(&d0);
			goto done;
		}
	}
	if (part && !layout) {
		ret = cli_usage_error("eeprom", "--part goes with --layout");
		goto done;
	}
	if (layout) {
		if (have_off) {
			ret = cli_usage_error("eeprom", "--layout and --offset are two ways to say the same: give one");
			goto done;
		}
		uint64_t lsize;
		if (cli_layout_part(layout, part, MTD_ROLE_FACTORY, &off, &lsize))
			goto done;
		have_off = true;
		if (!size)
			size = lsize;
	}
	struct mtd_source src;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_source_open(&src, path, &d)) {
		cli_diag(&d);
		goto done;
	}
	if (src.size == 0) {
		cli_error("%s: empty file (0 bytes); no factory data", path);
		goto close;
	}
	bool scanned = false;
	if (have_off) {
		if (off >= src.size) {
			cli_error("%s: --offset 0x%llx is past the end of the file (0x%llx bytes)", path,
			          (unsigned long long)off, (unsigned long long)src.size);
			goto close;
		}
	} else {
		bool found;
		if (locate(&src, &off, &found, &scanned))
			goto close;
		if (!found) {
			cli_error(
			    "%s: no MediaTek factory data found (an erased Factory partition looks like any erased "
			    "region: give its --offset)",
			    path);
			goto close;
		}
	}
	uint64_t len = src.size - off;
	if (size) {
		if (size > len) {
			cli_error("%s: offset 0x%llx: expected 0x%llx bytes of factory data, only 0x%llx present", path,
			          (unsigned long long)off, (unsigned long long)size, (unsigned long long)len);
			goto close;
		}
		len = size;
	} else if (len > FACTORY_DEFAULT && (have_off || scanned)) {
		len = FACTORY_DEFAULT;
	}
	struct mtd_eeprom_info in;
	mtd_eeprom_decode(src.data + off, (size_t)len, &in);

	if (nsets) {
		uint8_t *buf = malloc((size_t)len);
		if (!buf) {
			cli_error("out of memory");
			goto close;
		}
		memcpy(buf, src.data + off, (size_t)len);
		size_t changed = 0;
		for (size_t i = 0; i < nsets; i++) {
			if (!sets[i].where) {
				size_t first = in.nmacs;
				for (size_t k = 0; k < in.nmacs && first == in.nmacs; k++)
					if (in.macs[k].valid)
						first = k;
				if (first == in.nmacs) {
					cli_error(
					    "%s: no valid MAC in the factory data to move; name the place: --set-mac "
					    "0x4=MAC",
					    path);
					free(buf);
					goto close;
				}
				uint64_t base = mac48(in.macs[first].mac), want = mac48(sets[i].mac);
				for (size_t k = 0; k < in.nmacs; k++) {
					if (!in.macs[k].valid)
						continue;
					uint64_t v = (mac48(in.macs[k].mac) - base + want) & 0xffffffffffffull;
					mac_from48(v, buf + in.macs[k].offset);
					changed++;
				}
				continue;
			}
			uint64_t at;
			if (where_offset(sets[i].where, &in, (size_t)len, &at)) {
				cli_error("'%s': not a MAC place in this factory data (an offset below 0x%llx, wifi0 "
				          "or wifi1)",
				          sets[i].where, (unsigned long long)(len >= 6 ? len - 5 : 0));
				free(buf);
				goto close;
			}
			memcpy(buf + at, sets[i].mac, 6);
			changed++;
		}
		struct mtd_outfile of;
		if (mtd_outfile_open(&of, out, false, cli_inputs(), &d) ||
		    mtd_outfile_write(&of, src.data, (size_t)off, &d) || mtd_outfile_write(&of, buf, (size_t)len, &d) ||
		    mtd_outfile_write(&of, src.data + off + len, (size_t)(src.size - off - len), &d) ||
		    mtd_outfile_commit(&of, &d)) {
			if (of.fd >= 0)
				mtd_outfile_abort(&of);
			cli_diag(&d);
			free(buf);
			goto close;
		}
		free(buf);
		if (in.erased)
			cli_warn("%s: the factory data is erased: MACs written, but the calibration is still missing",
			         out);
		if (!json)
			fprintf(stderr, "%s: %zu MAC%s written at offset 0x%llx; nothing else changed\n",
			        cli_txt(strcmp(out, "-") ? out : "standard output"), changed, changed == 1 ? "" : "s",
			        (unsigned long long)off);
		ret = CLI_OK;
		goto close;
	}

	if (json) {
		struct mtd_buf b;
		struct mtd_json j;
		mtd_buf_init(&b, 0);
		mtd_json_init(&j, &b, false);
		cli_json_schema(&j, "eeprom");
		json_info(&j, path, off, (size_t)len, &in);
		int jr = cli_print_json(&b);
		mtd_buf_release(&b);
		if (jr)
			goto close;
	} else {
		text_info(path, off, (size_t)len, &in);
	}
	if (in.erased)
		cli_error("%s: offset 0x%llx: factory data is erased (all 0x%s): the unit's MACs and wifi calibration "
		          "are gone; restore them from this unit's own backup",
		          path, (unsigned long long)off, in.data_end == 0 ? "FF" : "00");
	else if (!in.recognised)
		cli_error(
		    "%s: offset 0x%llx: expected a MediaTek EEPROM chip id (0x7628, 0x7603, 0x7612...), found 0x%04x",
		    path, (unsigned long long)off, in.chip_id);
	else if (in.truncated)
		cli_error(
		    "%s: offset 0x%llx: factory data truncated: the %s EEPROM has 0x%x bytes, only 0x%llx present",
		    path, (unsigned long long)off, in.chip_name, in.eeprom_size, (unsigned long long)len);
	else
		ret = CLI_OK;
close:
	mtd_source_close(&src);
done:
	for (size_t i = 0; i < nsets; i++)
		free((char *)sets[i].where);
	return ret;
}
