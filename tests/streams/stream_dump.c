/* SPDX-License-Identifier: MIT */
/*
 * Test helper: scan FILE keeping decoded spaces and print one line per
 * component, tab-separated:
 *   id type space offset size valid decoded_len sha256(decoded or -) problems
 * so the shell tests can compare the decoded bytes with the real tool's -d.
 * usage: stream_dump [--top-level] [--max-ratio N] [--max-decoded N] FILE
 */
#include <stdio.h>
#include <string.h>

#include <mtdscope/scan.h>

int main(int argc, char **argv)
{
	struct mtd_scan_options o;
	mtd_scan_options_init(&o);
	o.keep_decoded = true;
	o.detect_byteswap = false;
	int i = 1;
	uint64_t v;
	for (; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--top-level")) {
			o.descend = false;
			o.keep_decoded = false;
		} else if (!strcmp(argv[i], "--max-ratio") && i + 1 < argc - 1 &&
		           !mtd_parse_u64(argv[i + 1], 1000000, &v)) {
			o.max_ratio = v;
			i++;
		} else if (!strcmp(argv[i], "--max-decoded") && i + 1 < argc - 1 &&
		           !mtd_parse_size(argv[i + 1], UINT64_MAX, &v)) {
			o.max_decoded = v;
			i++;
		} else {
			break;
		}
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: stream_dump [--top-level] [--max-ratio N] [--max-decoded N] FILE\n");
		return 2;
	}
	struct mtd_source src;
	struct mtd_diag d;
	char msg[1024];
	mtd_diag_clear(&d);
	struct mtd_scan_result *r;
	if (mtd_source_open(&src, argv[i], &d) || mtd_scan_source(&src, &o, &r, &d)) {
		mtd_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	for (size_t k = 0; k < r->ncomps; k++) {
		const struct mtd_component *c = r->comps[k];
		char hex[65] = "-";
		if (c->decoded)
			mtd_sha256_hex(c->decoded, (size_t)c->decoded_size, hex);
		printf("%lld\t%s\t%lld\t%llu\t%llu\t%d\t%llu\t%s\t", (long long)c->id, c->type, (long long)c->space,
		       (unsigned long long)c->offset, (unsigned long long)c->size, c->valid,
		       (unsigned long long)c->decoded_size, hex);
		for (size_t p = 0; p < c->nproblems; p++)
			printf("%s%s", p ? " | " : "", c->problems[p]);
		printf("\n");
	}
	mtd_scan_free(r);
	mtd_source_close(&src);
	return 0;
}
