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

static const char help[] = "usage: mtdscope env [options] FILE|IMAGE\n"
                           "\n"
                           "Print a U-Boot environment (single or redundant, any size from 0x1000 to\n"
                           "0x20000) the way fw_printenv does, with its CRC checked; a Ralink SDK nvram\n"
                           "block of a Config partition too (same layout; edits keep its order).  FILE\n"
                           "may be the environment itself (a u-boot-env or Config partition dump) or a\n"
                           "whole flash image, where the environment is found by scanning.  With --set or\n"
                           "--unset, write a copy of the input with the environment rewritten and a\n"
                           "correct CRC (variables sorted, zero padding, as U-Boot and fw_setenv\n"
                           "write it; for a redundant pair the older copy is replaced and its flag\n"
                           "made the newest).  The input is never modified.\n"
                           "\n"
                           "options:\n"
                           "  --layout L         find the environment partition (u-boot-env, Config) in\n"
                           "                     layout L; FILE is the whole-chip image\n"
                           "  --part NAME        with --layout: the partition to use\n"
                           "  --offset OFF       the environment starts at OFF in FILE\n"
                           "  --size SIZE        its size (default: the size whose CRC holds)\n"
                           "  --redundant        it has the flag byte after the CRC\n"
                           "  --single           it has no flag byte\n"
                           "  --redund-offset OFF  the other copy of a redundant pair is at OFF (the\n"
                           "                     second line of fw_env.config); default: right after\n"
                           "                     the first when a valid copy is there\n"
                           "  --set NAME=VALUE   set a variable (repeatable)\n"
                           "  --unset NAME       remove a variable (repeatable)\n"
                           "  -o, --output OUT   where the edited copy goes (required with --set/--unset)\n"
                           "  --force            rewrite an environment whose CRC is bad\n"
                           "  --json             print the environment as JSON\n"
                           "  -h, --help         show this help\n"
                           "\n"
                           "Exit status: 0 when the environment's CRC holds, 1 when it does not or\n"
                           "nothing was found, 2 on a usage error.\n";

#define MAX_EDITS 64

struct env_loc {
	uint64_t off;
	size_t size;
	int redundant;
};

struct edit {
	const char *name;
	const char *value; /* NULL: unset */
};

static int parse_edit(const char *arg, bool set, struct edit *e)
{
	if (!set) {
		e->name = arg;
		e->value = NULL;
		return *arg && !strchr(arg, '=') ? 0 : -1;
	}
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return -1;
	char *name = strndup(arg, (size_t)(eq - arg));
	if (!name)
		return -1;
	e->name = name;
	e->value = eq + 1;
	return 0;
}

/* Which copy of a redundant pair U-Boot boots from (env_import_redund). */
static int active_copy(const struct mtd_env *a, const struct mtd_env *b)
{
	if (a->crc_ok != b->crc_ok)
		return a->crc_ok ? 0 : 1;
	if (a->flag == 255 && b->flag == 0)
		return 1;
	if (b->flag == 255 && a->flag == 0)
		return 0;
	return b->flag > a->flag ? 1 : 0;
}

/* Find environments: at 0 when the file is one, else by scanning (top level). */
static int locate(struct mtd_source *src, struct env_loc *locs, size_t *nlocs, bool *nested_only)
{
	struct mtd_env_measure m;
	*nlocs = 0;
	*nested_only = false;
	if (mtd_env_measure(src->data, (size_t)src->size, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m) == 0) {
		locs[(*nlocs)++] = (struct env_loc){0, m.size, m.redundant};
		struct mtd_env_measure m2;
		if (m.redundant && m.size < src->size &&
		    mtd_env_measure(src->data + m.size, (size_t)(src->size - m.size), m.size, m.size, &m2) == 0 &&
		    m2.redundant && m2.size == m.size)
			locs[(*nlocs)++] = (struct env_loc){m.size, m.size, 1};
		return 0;
	}
	struct mtd_scan_result *r = cli_scan_top_level(src);
	if (!r)
		return -1;
	for (size_t i = 0; i < r->ncomps && *nlocs < 8; i++) {
		const struct mtd_component *c = r->comps[i];
		if (strcmp(c->type, "uboot-env") == 0 && c->space < 0) {
			const struct mtd_detail *rd = mtd_component_detail(c, "redundant");
			locs[(*nlocs)++] = (struct env_loc){c->offset, (size_t)c->size, rd && rd->u ? 1 : 0};
		}
	}
	mtd_scan_free(r);
	if (*nlocs == 0) {
		/* look inside containers too, for a message that helps */
		struct mtd_scan_options so;
		struct mtd_diag d;
		mtd_scan_options_init(&so);
		so.detect_byteswap = false;
		if (mtd_scan_source(src, &so, &r, &d) == 0) {
			for (size_t i = 0; i < r->ncomps; i++)
				if (strcmp(r->comps[i]->type, "uboot-env") == 0)
					*nested_only = true;
			mtd_scan_free(r);
		}
	}
	return 0;
}

static void print_env_json(struct mtd_json *j, const char *file, const struct env_loc *loc, const struct mtd_env *e,
                           bool active)
{
	mtd_json_begin_object(j);
	const char *nv = mtd_env_nvram_block(e);
	mtd_json_kv_str(j, "file", file);
	mtd_json_kv_str(j, "kind", nv ? "ralink-nvram" : "uboot-env");
	if (nv)
		mtd_json_kv_str(j, "block", nv);
	mtd_json_kv_u64(j, "offset", loc->off);
	mtd_json_kv_u64(j, "size", e->size);
	mtd_json_kv_bool(j, "redundant", e->redundant);
	if (e->redundant) {
		mtd_json_kv_u64(j, "flag", e->flag);
		mtd_json_kv_bool(j, "active", active);
	}
	mtd_json_kv_bool(j, "crc_ok", e->crc_ok);
	mtd_json_kv_u64(j, "crc_stored", e->crc_stored);
	mtd_json_kv_u64(j, "crc_computed", e->crc_computed);
	mtd_json_kv_bool(j, "size_guessed", e->size_guessed);
	mtd_json_kv_u64(j, "data_len", e->data_len);
	mtd_json_key(j, "vars");
	mtd_json_begin_object(j);
	for (size_t i = 0; i < e->nvars; i++) {
		/* one per name, last wins, as U-Boot imports it */
		if (mtd_env_get(e, e->vars[i].name) != e->vars[i].value)
			continue;
		mtd_json_kv_str(j, e->vars[i].name, e->vars[i].value);
	}
	mtd_json_end_object(j);
	mtd_json_end_object(j);
}

static int cmp_var(const void *a, const void *b)
{
	return strcmp((*(const struct mtd_env_var *const *)a)->name, (*(const struct mtd_env_var *const *)b)->name);
}

static void print_env_text(const char *file, const struct env_loc *loc, const struct mtd_env *e, bool pair, bool active,
                           bool vars)
{
	const char *nv = mtd_env_nvram_block(e);
	char kind[64];
	if (nv)
		snprintf(kind, sizeof(kind), "Ralink SDK nvram block '%s'", nv);
	else
		snprintf(kind, sizeof(kind), "U-Boot environment");
	printf("%s# %s: %s at 0x%llx, 0x%zx bytes, %s%s", cli_c(stdout, CLI_DIM), cli_txt(file), cli_txt(kind),
	       (unsigned long long)loc->off, e->size, e->redundant ? "redundant" : "single copy",
	       pair ? (active ? " (active copy)" : " (older copy)") : "");
	if (e->redundant)
		printf(", flag %u", e->flag);
	printf(", CRC %s (0x%08x)%s\n", e->crc_ok ? "ok" : "BAD", e->crc_stored, cli_c(stdout, CLI_RESET));
	if (!vars)
		return;
	const struct mtd_env_var **v = calloc(e->nvars ? e->nvars : 1, sizeof(*v));
	size_t n = 0;
	if (!v)
		return;
	for (size_t i = 0; i < e->nvars; i++)
		if (mtd_env_get(e, e->vars[i].name) == e->vars[i].value)
			v[n++] = &e->vars[i];
	qsort(v, n, sizeof(*v), cmp_var);
	for (size_t i = 0; i < n; i++)
		printf("%s=%s\n", cli_txt(v[i]->name), cli_txt(v[i]->value));
	free(v);
}

/* The input with [off, off+len) replaced by rep, written atomically to out. */
static int write_patched(const struct mtd_source *src, uint64_t off, const uint8_t *rep, size_t len, const char *out)
{
	struct mtd_outfile of;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_outfile_open(&of, out, false, cli_inputs(), &d) || mtd_outfile_write(&of, src->data, (size_t)off, &d) ||
	    mtd_outfile_write(&of, rep, len, &d) ||
	    mtd_outfile_write(&of, src->data + off + len, (size_t)(src->size - off - len), &d) ||
	    mtd_outfile_commit(&of, &d)) {
		if (of.fd >= 0)
			mtd_outfile_abort(&of);
		cli_diag(&d);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int cmd_env(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"offset", required_argument, NULL, 'O'},
	    {"size", required_argument, NULL, 'S'},
	    {"redundant", no_argument, NULL, 'R'},
	    {"single", no_argument, NULL, '1'},
	    {"redund-offset", required_argument, NULL, 'r'},
	    {"layout", required_argument, NULL, 'L'},
	    {"part", required_argument, NULL, 'P'},
	    {"set", required_argument, NULL, 's'},
	    {"unset", required_argument, NULL, 'u'},
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {"color", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false, force = false, have_off = false, have_red = false;
	uint64_t layout_size = 0;
	uint64_t off = 0, size = 0, red_off = 0;
	int redundant = -1;
	const char *out = NULL, *layout = NULL, *part = NULL;
	struct edit edits[MAX_EDITS];
	bool edit_owned[MAX_EDITS];
	size_t nedits = 0;
	int ret = CLI_USAGE, ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'O':
			if (mtd_parse_size(optarg, UINT64_MAX, &off)) {
				cli_usage_error("env", "--offset takes a size or offset such as 0x30000, not '%s'",
				                optarg);
				goto done;
			}
			have_off = true;
			break;
		case 'S':
			if (mtd_parse_size(optarg, MTD_ENV_MAX_SIZE * 16ull, &size) || size < 8) {
				cli_usage_error("env", "--size takes a size such as 0x1000 or 64k, not '%s'", optarg);
				goto done;
			}
			break;
		case 'R': redundant = 1; break;
		case 'r':
			if (mtd_parse_size(optarg, UINT64_MAX, &red_off)) {
				cli_usage_error("env", "--redund-offset takes an offset such as 0x10000, not '%s'",
				                optarg);
				goto done;
			}
			have_red = true;
			break;
		case '1': redundant = 0; break;
		case 's':
		case 'u':
			if (nedits == MAX_EDITS) {
				cli_usage_error("env", "at most %d --set/--unset", MAX_EDITS);
				goto done;
			}
			if (parse_edit(optarg, ch == 's', &edits[nedits])) {
				cli_usage_error("env",
				                ch == 's' ? "--set takes NAME=VALUE, not '%s'"
				                          : "--unset takes a NAME, not '%s'",
				                optarg);
				goto done;
			}
			edit_owned[nedits++] = ch == 's';
			break;
		case 'o': out = optarg; break;
		case 'L': layout = optarg; break;
		case 'P': part = optarg; break;
		case 'f': force = true; break;
		case 'j': json = true; break;
		case 'C':
			if (!cli_set_color_mode(optarg)) {
				cli_usage_error("env", "--color takes auto, always or never");
				goto done;
			}
			break;
		case 'h':
			fputs(help, stdout);
			ret = CLI_OK;
			goto done;
		default: cli_usage_error("env", "bad option"); goto done;
		}
	}
	if (optind != argc - 1) {
		cli_usage_error("env", "expected exactly one FILE");
		goto done;
	}
	if (nedits && !out) {
		cli_usage_error("env", "--set/--unset write a new file: give it with -o OUT");
		goto done;
	}
	if (out && !nedits) {
		cli_usage_error("env", "-o only goes with --set or --unset");
		goto done;
	}
	const char *path = argv[optind];
	if (cli_input(path) || (layout && cli_input(layout))) {
		ret = CLI_FAIL;
		goto done;
	}
	if (out) {
		struct mtd_diag d;
		mtd_diag_clear(&d);
		if (mtd_inputs_check(cli_inputs(), out, &d)) {
			cli_diag(&d);
			ret = CLI_FAIL;
			goto done;
		}
	}
	if (part && !layout) {
		cli_usage_error("env", "--part goes with --layout");
		goto done;
	}
	if (layout) {
		if (have_off) {
			cli_usage_error("env", "--layout and --offset are two ways to say the same: give one");
			goto done;
		}
		uint64_t psize;
		ret = CLI_FAIL;
		if (cli_layout_part(layout, part, MTD_ROLE_ENV, &off, &psize))
			goto done;
		have_off = true;
		layout_size = psize;
	}
	ret = CLI_FAIL;
	struct mtd_source src;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_source_open(&src, path, &d)) {
		cli_diag(&d);
		goto done;
	}
	if (src.size == 0) {
		cli_error("%s: empty file (0 bytes); no environment", path);
		goto close;
	}
	struct env_loc locs[8];
	size_t nlocs = 0;
	if (have_off) {
		if (off >= src.size) {
			cli_error("%s: --offset 0x%llx is past the end of the file (0x%llx bytes)", path,
			          (unsigned long long)off, (unsigned long long)src.size);
			goto close;
		}
		if (layout_size && off + layout_size > src.size) {
			cli_error("%s: the layout's environment partition 0x%llx+0x%llx lies past the end of the file "
			          "(0x%llx "
			          "bytes): give the whole-chip image",
			          path, (unsigned long long)off, (unsigned long long)layout_size,
			          (unsigned long long)src.size);
			goto close;
		}
		locs[nlocs++] = (struct env_loc){off, (size_t)size, redundant};
	} else if (size) {
		locs[nlocs++] = (struct env_loc){0, (size_t)size, redundant};
	} else {
		bool nested = false;
		if (locate(&src, locs, &nlocs, &nested))
			goto close;
		if (!nlocs) {
			cli_error("%s: no U-Boot environment found%s", path,
			          nested ? " at the top level (there is one inside a container: extract it first)"
			                 : " (an erased environment looks like any erased region: give --offset)");
			goto close;
		}
	}
	/* parse the first environment, and its redundant partner when one follows at the next copy */
	struct mtd_env envs[2];
	struct env_loc used[2];
	size_t nenv = 0;
	for (size_t i = 0; i < nlocs && nenv < 2; i++) {
		if (nenv == 1 && !(envs[0].redundant && locs[i].redundant == 1 && locs[i].size == envs[0].size))
			break;
		uint64_t avail = src.size - locs[i].off;
		size_t want = locs[i].size;
		if (want && want > avail) {
			cli_error("%s: offset 0x%llx: expected an environment of 0x%zx bytes, only 0x%llx present",
			          path, (unsigned long long)locs[i].off, want, (unsigned long long)avail);
			goto release;
		}
		int red = nenv == 1 ? 1 : locs[i].redundant;
		if (mtd_env_parse(src.data + locs[i].off, (size_t)avail, want, red, &envs[nenv], &d)) {
			char msg[800];
			mtd_diag_format(&d, msg, sizeof(msg));
			cli_error("%s: offset 0x%llx: %s", path, (unsigned long long)locs[i].off,
			          strchr(msg, ':') ? strchr(msg, ':') + 2 : msg);
			goto release;
		}
		used[nenv++] = locs[i];
	}
	if (have_off && nenv == 1 && envs[0].redundant && used[0].off + envs[0].size < src.size) {
		/* a partner right after the given copy */
		struct mtd_env_measure m2;
		uint64_t o2 = used[0].off + envs[0].size;
		if (mtd_env_measure(src.data + o2, (size_t)(src.size - o2), envs[0].size, envs[0].size, &m2) == 0 &&
		    m2.redundant && m2.size == envs[0].size &&
		    mtd_env_parse(src.data + o2, (size_t)(src.size - o2), envs[0].size, 1, &envs[1], &d) == 0) {
			used[1] = (struct env_loc){o2, envs[0].size, 1};
			nenv = 2;
		}
	}
	if (have_red) {
		if (nenv == 2) {
			mtd_env_release(&envs[1]);
			nenv = 1;
		}
		if (!envs[0].redundant) {
			cli_error(
			    "%s: offset 0x%llx: --redund-offset goes with a redundant environment (one with a flag "
			    "byte after the CRC)",
			    path, (unsigned long long)used[0].off);
			goto release;
		}
		if (red_off == used[0].off || !mtd_range_ok(red_off, envs[0].size, src.size)) {
			cli_error("%s: --redund-offset 0x%llx: expected a second copy of 0x%zx bytes inside the file",
			          path, (unsigned long long)red_off, envs[0].size);
			goto release;
		}
		if (mtd_env_parse(src.data + red_off, envs[0].size, envs[0].size, 1, &envs[1], &d)) {
			cli_diag(&d);
			goto release;
		}
		used[1] = (struct env_loc){red_off, envs[0].size, 1};
		nenv = 2;
	}
	int act = nenv == 2 ? active_copy(&envs[0], &envs[1]) : 0;
	const struct mtd_env *cur = &envs[act];

	if (nedits) {
		if (!cur->crc_ok && !force) {
			cli_error(
			    "%s: offset 0x%llx: environment CRC 0x%08x does not match its content (0x%08x); refusing "
			    "to rewrite a damaged environment (--force to do it anyway)",
			    path, (unsigned long long)used[act].off, cur->crc_stored, cur->crc_computed);
			goto release;
		}
		struct mtd_env *e = &envs[act];
		e->keep_order = mtd_env_nvram_block(e) != NULL; /* nvram_commit() keeps its cache order */
		for (size_t i = 0; i < nedits; i++) {
			int rc = mtd_env_set(e, edits[i].name, edits[i].value);
			if (rc) {
				cli_error("'%s': %s", edits[i].name,
				          rc == MTD_ERR_ARG ? "not a valid variable name" : mtd_strerror(rc));
				goto release;
			}
		}
		/* the copy written: the older of a pair (made the newest), else in place */
		size_t tgt = nenv == 2 ? (size_t)(1 - act) : 0;
		if (e->redundant)
			e->flag = (uint8_t)(e->flag + 1);
		uint8_t *buf = malloc(e->size);
		if (!buf) {
			cli_error("out of memory");
			goto release;
		}
		if (mtd_env_serialise(e, buf, e->size, &d)) {
			cli_diag(&d);
			free(buf);
			goto release;
		}
		ret = write_patched(&src, used[tgt].off, buf, e->size, out);
		free(buf);
		if (ret == CLI_OK && !json)
			fprintf(stderr, "%s: environment at 0x%llx rewritten (%zu change%s), CRC ok\n",
			        cli_txt(strcmp(out, "-") ? out : "standard output"), (unsigned long long)used[tgt].off,
			        nedits, nedits == 1 ? "" : "s");
		goto release;
	}

	if (json) {
		struct mtd_buf b;
		struct mtd_json j;
		mtd_buf_init(&b, 0);
		mtd_json_init(&j, &b, false);
		cli_json_schema(&j, "env");
		if (nenv == 2) {
			mtd_json_begin_object(&j);
			mtd_json_kv_str(&j, "file", path);
			mtd_json_kv_u64(&j, "active", (uint64_t)act);
			mtd_json_key(&j, "copies");
			mtd_json_begin_array(&j);
			for (size_t i = 0; i < 2; i++)
				print_env_json(&j, path, &used[i], &envs[i], (int)i == act);
			mtd_json_end_array(&j);
			mtd_json_key(&j, "env");
			print_env_json(&j, path, &used[act], cur, true);
			mtd_json_end_object(&j);
		} else {
			print_env_json(&j, path, &used[0], cur, true);
		}
		if (cli_print_json(&b))
			ret = CLI_FAIL;
		else
			ret = cur->crc_ok ? CLI_OK : CLI_FAIL;
		mtd_buf_release(&b);
	} else {
		if (nenv == 2)
			print_env_text(path, &used[1 - act], &envs[1 - act], true, false, false);
		print_env_text(path, &used[act], cur, nenv == 2, true, true);
		ret = cur->crc_ok ? CLI_OK : CLI_FAIL;
	}
	if (!cur->crc_ok)
		cli_error(
		    "%s: offset 0x%llx: environment invalid: CRC 0x%08x stored, 0x%08x computed over 0x%zx bytes%s",
		    path, (unsigned long long)used[act].off, cur->crc_stored, cur->crc_computed,
		    cur->size - (cur->redundant ? 5 : 4),
		    cur->size_guessed ? " (no size from 0x1000 to 0x20000 matches; size guessed)" : "");
release:
	for (size_t i = 0; i < nenv; i++)
		mtd_env_release(&envs[i]);
close:
	mtd_source_close(&src);
done:
	for (size_t i = 0; i < nedits; i++)
		if (edit_owned[i])
			free((char *)edits[i].name);
	return ret;
}
