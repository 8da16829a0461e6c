/* SPDX-License-Identifier: MIT */
/*
 * The layout text parsers (/proc/mtd, kernel log, mtdparts=, .dts, .dtb,
 * GPT) on hostile bytes: the first byte picks the kind (0 = detect), the rest
 * is the input.  Every layout that parses is checked and rendered in every
 * form; invariants: parents point inside the table, nested partitions lie
 * inside their parent when the input stated offsets.
 */
#include <stdlib.h>

#include <mtdscope/layout.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum mtd_layout_kind kind = (enum mtd_layout_kind)(data[0] % 7);
	static struct mtd_layout l;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_layout_parse(data + 1, size - 1, kind, "fuzz", data[0] & 0x80 ? 0x400000 : 0, &l, &d) != 0)
		return 0;
	if (l.nparts > MTD_LAYOUT_MAX_PARTS)
		__builtin_trap();
	for (size_t i = 0; i < l.nparts; i++)
		if (l.parts[i].parent >= (int)l.nparts || l.parts[i].parent == (int)i)
			__builtin_trap();
	struct mtd_layout_issue *is = NULL;
	size_t nis = 0;
	mtd_layout_check(&l, &is, &nis);
	struct mtd_buf b;
	struct mtd_json j;
	mtd_buf_init(&b, 1u << 20);
	mtd_json_init(&j, &b, false);
	mtd_layout_to_json(&l, is, nis, &j);
	mtd_layout_to_dts(&l, &b);
	mtd_layout_to_mtdparts(&l, NULL, &b);
	mtd_layout_to_flashrom(&l, &b);
	mtd_buf_release(&b);
	free(is);
	return 0;
}
