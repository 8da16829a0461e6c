/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mtdscope/layout.h>
#include <mtdscope/source.h>

#include "cli.h"

static const char help[] = "usage: mtdscope join --layout L -o OUT [options] FILE...|DIR\n"
                           "\n"
                           "Put partition dumps back together into one whole-chip image; bytes in no\n"
                           "partition are 0xFF.  Files are matched to partitions by name: NAME, NAME.bin,\n"
                           "mtdN, mtdNro, mtdblockN (N = the partition's place in the layout).  A\n"
                           "whole-chip dump (\"ALL\") is used as the base; parts laid over it must agree.\n"
                           "\n"
                           "options:\n"
                           "  --layout L         the layout\n"
                           "  --kind K           layout kind (default: detect)\n"
                           "  --flash-size SIZE  the real chip size\n"
                           "  -o OUT             the image to write (atomically)\n"
                           "  --pad              accept files shorter than their partition (0xFF fill)\n"
                           "  --json             the output, its size and SHA-256, and which file went where, as JSON\n"
                           "  -h, --help         show this help\n";

int cli_collect_files(const char *cmd, int argc, char **argv, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct stat st;
	if (argc == 1 && stat(argv[0], &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *dp = opendir(argv[0]);
		if (!dp) {
			cli_error("%s: cannot open directory", argv[0]);
			return CLI_FAIL;
		}
		char **v = NULL;
		size_t k = 0;
		struct dirent *e;
		while ((e = readdir(dp)) != NULL) {
			if (e->d_name[0] == '.' || !strcmp(e->d_name, "manifest.sha256") || strstr(e->d_name, ".tmp-"))
				continue;
			if (k >= 1024)
				break;
			char **nv = realloc(v, (k + 1) * sizeof(*v));
			size_t len = strlen(argv[0]) + strlen(e->d_name) + 2;
			char *p = malloc(len);
			if (!nv || !p) {
				free(p);
				free(nv ? nv : v);
				closedir(dp);
				cli_error("out of memory");
				return CLI_FAIL;
			}
			v = nv;
			snprintf(p, len, "%s/%s", argv[0], e->d_name);
			if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			v[k++] = p;
		}
		closedir(dp);
		*out = v;
		*n = k;
		if (!k)
			return cli_usage_error(cmd, "no files in %s", argv[0]);
		return CLI_OK;
	}
	char **v = calloc((size_t)argc + 1, sizeof(*v));
	if (!v)
		return CLI_FAIL;
	for (int i = 0; i < argc; i++)
		v[i] = strdup(argv[i]);
	*out = v;
	*n = (size_t)argc;
	return CLI_OK;
}

int cmd_join(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"layout", required_argument, NULL, 'l'},
	    {"kind", required_argument, NULL, 'k'},
	    {"flash-size", required_argument, NULL, 'f'},
	    {"pad", no_argument, NULL, 'p'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *lpath = NULL, *kind = NULL, *fsize = NULL, *outp = NULL;
	bool pad = false, json = false;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': lpath = optarg; break;
		case 'k': kind = optarg; break;
		case 'f': fsize = optarg; break;
		case 'o': outp = optarg; break;
		case 'p': pad = true; break;
		case 'j': json = true; break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("join", "bad option");
		}
	}
	if (!outp)
		return cli_usage_error("join", "-o OUT is required");
	bool to_stdout = cli_output_is_stdout(outp);
	if (to_stdout && json)
		return cli_usage_error("join", "--json and -o %s both want standard output: give -o a file", outp);
	FILE *rep = to_stdout ? stderr : stdout; /* the image owns standard output */
	if (optind >= argc)
		return cli_usage_error("join", "expected partition files or a directory");
	struct mtd_layout *l;
	int rc = cli_load_layout("join", lpath, kind, fsize, &l);
	if (rc)
		return rc;
	char **names;
	size_t n;
	if ((rc = cli_collect_files("join", argc - optind, argv + optind, &names, &n))) {
		free(l);
		return rc;
	}
	struct mtd_part_file *files = calloc(n, sizeof(*files));
	struct mtd_diag d;
	mtd_diag_clear(&d);
	int ret = files ? CLI_OK : CLI_FAIL;
	for (size_t i = 0; i < n && ret == CLI_OK; i++) {
		files[i].path = names[i];
		files[i].part = mtd_layout_match_file(l, names[i]);
		if (files[i].part < 0) {
			cli_error("%s: matches no partition of the layout (name it NAME.bin or mtdN)", names[i]);
			ret = CLI_FAIL;
			break;
		}
		if (mtd_source_open(&files[i].src, names[i], &d)) {
			cli_diag(&d);
			ret = CLI_FAIL;
			break;
		}
		files[i].open = true;
	}
	for (size_t i = 0; i < n && ret == CLI_OK; i++)
		if (cli_input(names[i]))
			ret = CLI_FAIL;
	if (ret == CLI_OK && mtd_inputs_check(cli_inputs(), outp, &d)) {
		cli_diag(&d);
		ret = CLI_FAIL;
	}
	if (ret == CLI_OK) {
		uint8_t *img = NULL;
		size_t len;
		if (mtd_layout_join(l, files, n, pad, &img, &len, &d) ||
		    mtd_write_file_atomic(outp, img, len, false, cli_inputs(), &d)) {
			cli_diag(&d);
			ret = CLI_FAIL;
		} else {
			char h[65];
			mtd_sha256_hex(img, len, h);
			if (json) {
				struct mtd_buf b;
				struct mtd_json j;
				mtd_buf_init(&b, 0);
				mtd_json_init(&j, &b, false);
				cli_json_schema(&j, "join");
				mtd_json_begin_object(&j);
				mtd_json_kv_str(&j, "output", outp);
				mtd_json_kv_u64(&j, "size", len);
				mtd_json_kv_str(&j, "sha256", h);
				mtd_json_key(&j, "inputs");
				mtd_json_begin_array(&j);
				for (size_t i = 0; i < n; i++) {
					mtd_json_begin_object(&j);
					mtd_json_kv_str(&j, "file", names[i]);
					mtd_json_kv_str(&j, "partition", l->parts[files[i].part].name);
					mtd_json_kv_u64(&j, "offset", l->parts[files[i].part].offset);
					mtd_json_kv_u64(&j, "size", files[i].src.size);
					mtd_json_end_object(&j);
				}
				mtd_json_end_array(&j);
				mtd_json_end_object(&j);
				ret = cli_print_json(&b);
				mtd_buf_release(&b);
			} else {
				fprintf(rep, "%s: 0x%zx bytes from %zu files, sha256 %s\n",
				        cli_txt(strcmp(outp, "-") ? outp : "standard output"), len, n, h);
			}
		}
		free(img);
	}
	for (size_t i = 0; i < n; i++) {
		if (files && files[i].open)
			mtd_source_close(&files[i].src);
		free(names[i]);
	}
	free(names);
	free(files);
	free(l);
	return ret;
}
