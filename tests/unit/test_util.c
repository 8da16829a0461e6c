/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/source.h>
#include <mtdscope/util.h>

#include "tap.h"

int main(void)
{
	uint64_t v;
	ok(mtd_parse_size("64k", UINT64_MAX, &v) == 0 && v == 65536, "64k");
	ok(mtd_parse_size("0x10000", UINT64_MAX, &v) == 0 && v == 65536, "hex");
	ok(mtd_parse_size("4M", UINT64_MAX, &v) == 0 && v == 4u << 20, "4M");
	ok(mtd_parse_size("0x1fb", UINT64_MAX, &v) == 0 && v == 0x1fb, "hex ending in b is a digit");
	ok(mtd_parse_size("12x", UINT64_MAX, &v) != 0, "junk refused");
	ok(mtd_parse_size("", UINT64_MAX, &v) != 0, "empty refused");
	ok(mtd_parse_size("99999999999999999999", UINT64_MAX, &v) == MTD_ERR_OVERFLOW, "overflow refused");
	ok(mtd_parse_size("17179869184G", UINT64_MAX, &v) == MTD_ERR_OVERFLOW, "suffix overflow refused");
	ok(mtd_parse_u64("300", 255, &v) == MTD_ERR_LIMIT, "maximum enforced");
	ok(mtd_parse_hex_n("2cb7:0a05", 4, &v) && v == 0x2cb7, "fixed-width hex");
	ok(mtd_parse_hex_n("0A05", 4, &v) && v == 0xa05, "fixed-width hex, upper case");
	ok(!mtd_parse_hex_n("2cb:", 4, &v) && !mtd_parse_hex_n("", 0, &v), "fixed-width hex rejects short or empty");
	ok(!mtd_parse_hex_n("00000000000000001", 17, &v), "fixed-width hex rejects more than 16 digits");

	char buf[32];
	mtd_format_size(4u << 20, buf, sizeof(buf));
	is_str(buf, "4 MiB", "format 4 MiB");
	mtd_format_size(1536, buf, sizeof(buf));
	is_str(buf, "1.5 KiB", "format 1.5 KiB");

	struct mtd_buf b;
	struct mtd_json j;
	mtd_buf_init(&b, 0);
	mtd_json_init(&j, &b, false);
	mtd_json_begin_object(&j);
	mtd_json_kv_str(&j, "a", "q\"\\\n\x01");
	mtd_json_kv_u64(&j, "n", 42);
	mtd_json_key(&j, "l");
	mtd_json_begin_array(&j);
	mtd_json_bool(&j, true);
	mtd_json_null(&j);
	mtd_json_string_n(&j, "\xff\xc3\xa9", 3);
	mtd_json_end_array(&j);
	mtd_json_key(&j, "e");
	mtd_json_begin_object(&j);
	mtd_json_end_object(&j);
	mtd_json_end_object(&j);
	is_str(mtd_buf_str(&b), "{\"a\":\"q\\\"\\\\\\u000a\\u0001\",\"n\":42,\"l\":[true,null,\"\\u00ff\xc3\xa9\"],\"e\":{}}",
	       "json escaping and nesting");
	mtd_buf_release(&b);

	mtd_buf_init(&b, 8);
	ok(mtd_buf_puts(&b, "12345") == 0, "buf within max");
	ok(mtd_buf_puts(&b, "6789") == MTD_ERR_LIMIT, "buf max enforced");
	ok(mtd_buf_puts(&b, "x") == MTD_ERR_LIMIT, "buf error is sticky");
	mtd_buf_release(&b);

	is_int(mtd_crc32(0, "123456789", 9), 0xcbf43926, "crc32 check value");
	char hex[65];
	mtd_sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 of abc");

	/* atomic output */
	char dir[] = "/tmp/mtdscope-util-XXXXXX", path[256];
	ok(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/out.bin", dir);
	struct mtd_diag d;
	ok(mtd_write_file_atomic(path, "hello", 5, true, NULL, &d) == 0, "atomic write");
	ok(mtd_write_file_atomic(path, "again", 5, true, NULL, &d) == MTD_ERR_EXISTS, "no_overwrite refuses");
	struct mtd_outfile o;
	ok(mtd_outfile_open(&o, path, false, NULL, &d) == 0, "open for replace");
	mtd_outfile_write(&o, "xx", 2, &d);
	mtd_outfile_abort(&o);
	char *text;
	size_t len;
	ok(mtd_read_small_file(path, 100, &text, &len, &d) == 0 && len == 5 && !memcmp(text, "hello", 5),
	   "aborted write leaves the old file");
	free(text);
	ok(mtd_read_small_file(path, 4, &text, &len, &d) == MTD_ERR_LIMIT, "small-file maximum enforced");
	ok(mtd_read_small_file(dir, 100, &text, &len, &d) == MTD_ERR_ARG, "directory refused");
	char line[1024];
	mtd_diag_format(&d, line, sizeof(line));
	ok(strstr(line, "is a directory") != NULL, "diagnostic says directory: %s", line);
	unlink(path);
	rmdir(dir);

	struct mtd_source s;
	ok(mtd_source_open(&s, "/dev/zero", &d) == MTD_ERR_ARG, "/dev/zero refused");
	mtd_diag_format(&d, line, sizeof(line));
	ok(strstr(line, "/dev/zero") && strstr(line, "character device"), "diag names the file: %s", line);
	ok(mtd_source_open(&s, "/nonexistent/x", &d) == MTD_ERR_IO, "missing file");
	mtd_diag_format(&d, line, sizeof(line));
	ok(strstr(line, "No such file") != NULL, "diag has errno text: %s", line);
	return tap_done();
}
