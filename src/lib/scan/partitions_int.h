/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_PARTITIONS_INT_H
#define MTDSCOPE_PARTITIONS_INT_H

#include <mtdscope/scan.h>

/* The scanner's side of the partitions found in an image (src/lib/scan/partitions.c). */
struct mtd_parts_state;
struct mtd_parts_state *mtd_parts_state_new(void);
void mtd_parts_state_free(struct mtd_parts_state *s);
/** A component just claimed, with the bytes of its space (and its decoded content, if any). */
void mtd_parts_note(struct mtd_parts_state *s, const struct mtd_component *c, const uint8_t *space, uint64_t space_len);
/** Pick the layout and judge its partitions; fs is the flash space (-1: the dump, else the view's id). */
int mtd_parts_finish(struct mtd_parts_state *s, struct mtd_scan_result *r, const uint8_t *flash, uint64_t flash_len,
                     int64_t fs);
void mtd_scan_partitions_to_json(const struct mtd_scan_result *r, struct mtd_json *j);

#endif
