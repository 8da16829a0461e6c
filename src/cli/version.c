/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include <mtdscope/libversions.h>

#include "version.h"

#include "cli.h"

#define MAX_LIBS 32

int cli_print_version(bool json)
{
	struct mtd_libversion libs[MAX_LIBS];
	size_t n = mtd_libversions(libs, MAX_LIBS);
	if (n > MAX_LIBS)
		n = MAX_LIBS;
	if (json) {
		struct mtd_buf b;
		struct mtd_json j;
		mtd_buf_init(&b, 0);
		mtd_json_init(&j, &b, false);
		cli_json_begin(&j, "version");
		mtd_json_kv_str(&j, "program", "mtdscope");
		mtd_json_kv_str(&j, "version", MTDSCOPE_VERSION);
		mtd_json_key(&j, "libraries");
		mtd_json_begin_array(&j);
		for (size_t i = 0; i < n; i++) {
			mtd_json_begin_object(&j);
			mtd_json_kv_str(&j, "name", libs[i].name);
			mtd_json_kv_str(&j, "version", libs[i].version);
			mtd_json_kv_str(&j, "source", mtd_libversion_source_name(libs[i].source));
			mtd_json_end_object(&j);
		}
		mtd_json_end_array(&j);
		mtd_json_end_object(&j);
		int ret = cli_print_json(&b);
		mtd_buf_release(&b);
		return ret;
	}
	printf("mtdscope %s\n", MTDSCOPE_VERSION);
	for (size_t i = 0; i < n; i++) {
		const char *how = "";
		switch (libs[i].source) {
		case MTD_LIBVERSION_RUNTIME: break;
		case MTD_LIBVERSION_COMPILE_TIME: how = " (built against)"; break;
		case MTD_LIBVERSION_FILE_NAME: how = " (loaded file)"; break;
		case MTD_LIBVERSION_UNKNOWN: how = " (the library does not say)"; break;
		}
		printf("  %-12s %s%s\n", libs[i].name, libs[i].version, how);
	}
	return CLI_OK;
}
