/* SPDX-License-Identifier: MIT */
/*
 * Views of the flash (include/mtdscope/view.h) on hostile bytes: the input is
 * laid into a 16-block NAND dump of 512+16 pages (32 pages a block), its
 * first third over block 0, the rest ending at the end of the dump (where BMT
 * and NMBM tables live), the other bytes erased.  The dump is read through
 * the detected view, the named 512+16 view, the same with bad blocks kept and
 * the MediaTek NFI layout.
 * Invariants: the view is whole view blocks, every mapped block exists, every
 * view offset maps inside the dump.
 */
#include <stdlib.h>
#include <string.h>

#include <mtdscope/view.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE   512u
#define OOB    16u
#define PPB    32u
#define BLOCKS 16u
#define RAWBLK ((PAGE + OOB) * PPB)

static void check(const struct mtd_view *v)
{
	if (!v)
		return;
	if (v->kind != MTD_VIEW_NAND || v->size != v->nmap * (uint64_t)v->page * v->pages_per_block)
		__builtin_trap();
	for (uint64_t i = 0; i < v->nmap; i++)
		if (v->map[i] != UINT32_MAX && v->map[i] >= v->nblocks)
			__builtin_trap();
	uint64_t probes[3] = {0, v->size / 2, v->size ? v->size - 1 : 0};
	for (int k = 0; k < 3 && v->size; k++)
		if (mtd_view_to_raw(v, probes[k]) >= v->raw_size)
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = (size_t)RAWBLK * BLOCKS;
	uint8_t *dump = malloc(total);
	if (!dump)
		return 0;
	memset(dump, 0xff, total);
	size_t first = size / 3 < RAWBLK ? size / 3 : RAWBLK, rest = size - first;
	if (rest > total - RAWBLK)
		rest = total - RAWBLK;
	memcpy(dump, data, first);
	memcpy(dump + total - rest, data + first, rest);
	struct mtd_source src;
	mtd_source_from_memory(&src, "fuzz", dump, total);
	static const char *const specs[] = {"auto", "nand:512+16", "nand:512+16", "nand-mtk:512+16"};
	for (int k = 0; k < 4; k++) {
		struct mtd_view *v = NULL;
		struct mtd_diag d;
		mtd_diag_clear(&d);
		if (mtd_view_open(&src, specs[k], k == 2 ? MTD_VIEW_KEEP_BAD : 0, &v, &d) == 0)
			check(v);
		mtd_view_free(v);
	}
	free(dump);
	return 0;
}
