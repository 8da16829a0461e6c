/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_LAYOUT_INT_H
#define MTDSCOPE_LAYOUT_INT_H

#include <mtdscope/layout.h>

/* Text limits for layout inputs. */
#define LAYOUT_MAX_TEXT (16u << 20)
#define LAYOUT_MAX_LINE 4096

/** Append a partition; returns its index or a negative error (limit). */
int mtd_lay_add(struct mtd_layout *l, const char *name, size_t name_len, uint64_t off, uint64_t size, unsigned line,
                struct mtd_diag *d);
void mtd_lay_note(struct mtd_layout *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Fill roles, unit-data/protected flags; parents by containment where not set. */
void mtd_lay_finish(struct mtd_layout *l);
/** Assign parents by containment for layouts with stated offsets. */
void mtd_lay_parents_by_containment(struct mtd_layout *l);

/* text helpers */
bool mtd_lay_hex(const char *s, size_t n, uint64_t *v);
bool mtd_lay_num(const char *s, size_t n, uint64_t *v); /* decimal or 0x hex */
bool mtd_lay_ieq(const char *a, const char *b);
bool mtd_lay_name_has(const char *name, const char *word);

int mtd_lay_parse_proc_mtd(const char *t, size_t n, struct mtd_layout *l, struct mtd_diag *d);
int mtd_lay_parse_klog(const char *t, size_t n, struct mtd_layout *l, struct mtd_diag *d);
int mtd_lay_parse_mtdparts(const char *t, size_t n, struct mtd_layout *l, struct mtd_diag *d);
int mtd_lay_parse_dts(const char *t, size_t n, struct mtd_layout *l, struct mtd_diag *d);
int mtd_lay_parse_dtb(const uint8_t *p, size_t n, struct mtd_layout *l, struct mtd_diag *d);
int mtd_lay_parse_gpt(const uint8_t *p, size_t n, struct mtd_layout *l, struct mtd_diag *d);

#endif
