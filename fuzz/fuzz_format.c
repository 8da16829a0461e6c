/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for one format probe, compiled once per format with
 * -DFUZZ_FORMAT="\"name\"".  The input is scanned as a whole flash image
 * with small limits, then rendered as JSON, so the probe, its children,
 * decoded spaces and the renderer all see hostile bytes.  When the scanner
 * offers a per-format filter (FUZZ_HAVE_ONLY_FORMAT, detected by meson),
 * only FUZZ_FORMAT is tried; otherwise every format is.
 */
#include <stddef.h>
#include <stdint.h>

#include <mtdscope/scan.h>
#include <mtdscope/source.h>
#include <mtdscope/util.h>

#ifndef FUZZ_FORMAT
#error "compile with -DFUZZ_FORMAT=\"\\\"name\\\"\""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "fixup.h"

#ifdef FUZZ_LIBFUZZER
static const char *fuzz_fixup_format(uint8_t **data, size_t *size)
{
	(void)data, (void)size;
	return FUZZ_FORMAT;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mtd_source src;
	struct mtd_scan_options opt;
	struct mtd_scan_result *r = NULL;
	struct mtd_diag d;

	mtd_source_from_memory(&src, "fuzz-" FUZZ_FORMAT, data, size);
	mtd_scan_options_init(&opt);
	opt.max_depth = 4;
	opt.max_decoded = 16u << 20;
	opt.max_ratio = 64;
#ifdef FUZZ_HAVE_ONLY_FORMAT
	opt.only_format = FUZZ_FORMAT;
#endif
	mtd_diag_clear(&d);
	if (mtd_scan_source(&src, &opt, &r, &d) != 0)
		return 0;

	/* Every byte of the input must be covered by top-level components, exactly once. */
	uint64_t covered = 0;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (c->parent < 0 && c->space < 0)
			covered += c->size;
	}
	if (covered != size)
		__builtin_trap();

	struct mtd_buf b;
	struct mtd_json j;
	mtd_buf_init(&b, 64u << 20);
	mtd_json_init(&j, &b, false);
	mtd_scan_to_json(r, &j);
	mtd_buf_release(&b);
	mtd_scan_free(r);
	return 0;
}
