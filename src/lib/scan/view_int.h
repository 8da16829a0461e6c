/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_VIEW_INT_H
#define MTDSCOPE_VIEW_INT_H

#include <stdio.h>

#include <mtdscope/reader.h>
#include <mtdscope/view.h>

/* NAND view of src: page 0 detects the geometry (*out NULL when none fits). */
int mtd_view_nand_build(const struct mtd_source *src, uint32_t page, uint32_t oob, unsigned flags,
                        struct mtd_view **out, struct mtd_diag *d);
uint64_t mtd_view_nand_to_raw(const struct mtd_view *v, uint64_t off);
/* The layout problem a mirror view names (mtd_parts_finish). */
void mtd_view_mirror_problem(const struct mtd_view *v, char *out, size_t n);

#endif
