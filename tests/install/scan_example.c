/* SPDX-License-Identifier: MIT */
/*
 * A user of the installed library: scan FILE and print the scan as JSON, the
 * way `mtdscope scan --json` does.  tests/install/test_install.sh builds it
 * against the installed headers and libmtdscope.so through pkg-config.
 */
#include <stdio.h>

#include <mtdscope/scan.h>
#include <mtdscope/source.h>
#include <mtdscope/util.h>
#include <mtdscope/version.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: scan_example FILE\n");
		return 2;
	}
	struct mtd_diag d;
	struct mtd_source src;
	mtd_diag_clear(&d);
	if (mtd_source_open(&src, argv[1], &d)) {
		char msg[600];
		mtd_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "scan_example: %s\n", msg);
		return 1;
	}
	struct mtd_scan_options so;
	struct mtd_scan_result *r;
	mtd_scan_options_init(&so);
	int rc = mtd_scan_source(&src, &so, &r, &d);
	if (rc) {
		char msg[600];
		mtd_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "scan_example: %s (%s)\n", msg, mtd_strerror(rc));
		mtd_source_close(&src);
		return 1;
	}
	struct mtd_buf b;
	struct mtd_json j;
	mtd_buf_init(&b, 0);
	mtd_json_init(&j, &b, false);
	mtd_scan_to_json(r, &j);
	printf("%s\n", mtd_buf_str(&b));
	fprintf(stderr, "scan_example: libmtdscope %s, %zu components\n", MTDSCOPE_VERSION, r->ncomps);
	mtd_buf_release(&b);
	mtd_scan_free(r);
	mtd_source_close(&src);
	return 0;
}
