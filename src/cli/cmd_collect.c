/* SPDX-License-Identifier: MIT */
/*
 * mtdscope collect --paste FILE: a program (collect, doc/collect.md) as printf lines to paste into
 * a busybox shell on a device that has no other way in (telnet or a serial console, no network
 * transfer tool), ending with md5sum, whose answer the user compares with the one printed here.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <mtdscope/outfile.h>
#include <mtdscope/reader.h>
#include <mtdscope/source.h>

#include "cli.h"

static const char help[] = "usage: mtdscope collect --paste FILE [options]\n"
                           "\n"
                           "Put a program (collect, built for the device: doc/collect.md) onto a device\n"
                           "through its shell when nothing else reaches it: prints printf lines to paste\n"
                           "into a busybox telnet or serial shell, every byte outside printable ASCII as\n"
                           "an octal escape, each line shorter than --line-max, then chmod and md5sum.\n"
                           "The device prints the file's MD5: it must equal the one on the last line.\n"
                           "Then run it, e.g. '/tmp/collect -o /tmp/usb/bundle.tar' or with --tftp.\n"
                           "\n"
                           "options:\n"
                           "  --paste FILE     the file to send (required)\n"
                           "  --to PATH        where it is written on the device (default /tmp/collect)\n"
                           "  --line-max N     longest line, in bytes (default 900; from 80 to 4000)\n"
                           "  -o OUT           write the lines to OUT instead of standard output\n"
                           "  --json           what was written (file, size, MD5, SHA-256, lines) as JSON;\n"
                           "                   needs -o\n"
                           "  -h, --help       show this help\n";

/* A path on the device: an absolute path of plain words, shown unquoted on every line. */
static bool device_path_ok(const char *s)
{
	if (s[0] != '/' || strlen(s) > 200 || strstr(s, "..") || s[strlen(s) - 1] == '/')
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-' || *p == '/'))
			return false;
	return true;
}

/* One byte inside printf's single-quoted format: itself when printable and harmless, else \ooo. */
static size_t put_byte(char *out, uint8_t c)
{
	if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\' && c != '%') {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '\\';
	out[1] = (char)('0' + (c >> 6));
	out[2] = (char)('0' + ((c >> 3) & 7));
	out[3] = (char)('0' + (c & 7));
	return 4;
}

int cmd_collect(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"paste", required_argument, NULL, 'p'},    {"to", required_argument, NULL, 't'},
	    {"line-max", required_argument, NULL, 'L'}, {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	const char *file = NULL, *to = "/tmp/collect", *out = "-";
	uint64_t line_max = 900;
	bool json = false;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': file = optarg; break;
		case 't': to = optarg; break;
		case 'o': out = optarg; break;
		case 'j': json = true; break;
		case 'L':
			if (mtd_parse_u64(optarg, 4000, &line_max) || line_max < 80)
				return cli_usage_error("collect", "--line-max takes a number from 80 to 4000, not '%s'",
				                       optarg);
			break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("collect", "bad option");
		}
	}
	if (!file || optind != argc)
		return cli_usage_error("collect", "expected --paste FILE (and no other argument)");
	if (!device_path_ok(to))
		return cli_usage_error("collect", "--to takes an absolute path of letters, digits, '._-/', not '%s'",
		                       to);
	if (json && cli_output_is_stdout(out))
		return cli_usage_error("collect", "--json writes standard output: give the lines a file with -o");
	if (cli_input(file))
		return CLI_FAIL;
	struct mtd_source src;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_source_open(&src, file, &d)) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	if (src.size == 0 || src.size > (64u << 20)) {
		cli_error("%s: %s: expected a program of 1 byte to 64 MiB", file, src.size ? "too large" : "empty");
		mtd_source_close(&src);
		return CLI_FAIL;
	}
	struct mtd_reader r;
	const uint8_t *all;
	mtd_rd_init(&r, src.data, (size_t)src.size, 0);
	if (!mtd_rd_bytes_at(&r, 0, (size_t)src.size, &all)) {
		mtd_source_close(&src);
		return CLI_FAIL;
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char md5[33] = "", sha[65];
	if (!EVP_Digest(all, (size_t)src.size, md, &mdlen, EVP_md5(), NULL) || mdlen != 16) {
		cli_error("%s: MD5 failed", file);
		mtd_source_close(&src);
		return CLI_FAIL;
	}
	for (unsigned i = 0; i < 16; i++)
		snprintf(md5 + 2 * i, 3, "%02x", md[i]);
	mtd_sha256_hex(all, (size_t)src.size, sha);

	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	struct mtd_buf b;
	mtd_buf_init(&b, 1u << 30);
	mtd_buf_printf(&b,
	               "# mtdscope collect --paste: %s (%llu bytes) to %s; paste every line into the device's shell\n",
	               cli_txt(base), (unsigned long long)src.size, to);
	mtd_buf_printf(&b, "rm -f %s.part\n", to);
	/* each line: printf '<escaped bytes>' >>TO.part */
	char prefix[16] = "printf '", suffix[260];
	snprintf(suffix, sizeof(suffix), "' >>%s.part\n", to);
	if (strlen(prefix) + strlen(suffix) + 16 > line_max) {
		mtd_buf_release(&b);
		mtd_source_close(&src);
		return cli_usage_error("collect", "--line-max %llu leaves no room for data beside the path %s",
		                       (unsigned long long)line_max, to);
	}
	size_t room = (size_t)line_max - strlen(prefix) - strlen(suffix), lines = 2, longest = 0;
	char *line = malloc(room + 8);
	for (size_t at = 0; line && at < src.size;) {
		size_t n = 0;
		while (at < src.size) {
			char e[4];
			size_t k = put_byte(e, mtd_rd_u8_at(&r, at));
			if (n + k > room)
				break;
			memcpy(line + n, e, k);
			n += k;
			at++;
		}
		mtd_buf_puts(&b, prefix);
		mtd_buf_append(&b, line, n);
		mtd_buf_puts(&b, suffix);
		lines++;
		if (strlen(prefix) + n + strlen(suffix) > longest)
			longest = strlen(prefix) + n + strlen(suffix);
	}
	free(line);
	mtd_buf_printf(&b, "mv %s.part %s && chmod 755 %s && md5sum %s\n", to, to, to, to);
	mtd_buf_printf(&b, "# the device must print: %s  %s\n", md5, to);
	lines += 2;
	int ret = CLI_OK;
	if (b.err) {
		cli_error("%s: out of memory for the lines", file);
		ret = CLI_FAIL;
	} else if (mtd_write_file_atomic(out, b.data, b.len, false, cli_inputs(), &d)) {
		cli_diag(&d);
		ret = CLI_FAIL;
	}
	if (ret == CLI_OK && !cli_output_is_stdout(out))
		fprintf(stderr,
		        "mtdscope collect: %s: %zu lines (%zu bytes, the longest %zu) for %s; the device must print "
		        "MD5 %s\n",
		        cli_txt(out), lines, b.len, longest, to, md5);
	if (ret == CLI_OK && json) {
		struct mtd_buf jb;
		struct mtd_json j;
		mtd_buf_init(&jb, 0);
		mtd_json_init(&j, &jb, false);
		cli_json_begin(&j, "collect");
		mtd_json_kv_str(&j, "file", file);
		mtd_json_kv_u64(&j, "size", src.size);
		mtd_json_kv_str(&j, "md5", md5);
		mtd_json_kv_str(&j, "sha256", sha);
		mtd_json_kv_str(&j, "device_path", to);
		mtd_json_kv_str(&j, "output", out);
		mtd_json_kv_u64(&j, "lines", lines);
		mtd_json_kv_u64(&j, "bytes", b.len);
		mtd_json_kv_u64(&j, "longest_line", longest);
		mtd_json_end_object(&j);
		ret = cli_print_json(&jb);
		mtd_buf_release(&jb);
	}
	mtd_buf_release(&b);
	mtd_source_close(&src);
	return ret;
}
