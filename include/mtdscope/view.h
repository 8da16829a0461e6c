/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_VIEW_H
#define MTDSCOPE_VIEW_H

/*
 * Views of the flash: a dump as read by a programmer is not always the byte
 * space the device sees.  A view is that byte space, built from the dump, with
 * a map from its offsets back to the dump's:
 *
 * - byteswap16: a 16-bit parallel NOR read with the bytes of every word
 *   swapped (the view swaps them back; offsets map one to one).
 * - nand:PAGE+OOB: a NAND dump with the spare area after every page (what
 *   `nanddump --oob` and most programmers write: PAGE data bytes, then OOB
 *   spare bytes, the factory bad-block marker at spare byte 0).  The view is
 *   the page data only.  A block whose first page has a spare byte 0 other
 *   than 0xFF is bad: the view skips it, as U-Boot's and OpenWrt's NAND
 *   readers skip bad blocks, unless MTD_VIEW_KEEP_BAD keeps every block in
 *   place (the MTD address space partition tables count in).  A MediaTek
 *   BMT v2 table (signature "BMT", version 2, at the start of a block of the
 *   pool at the end of the chip: the bb_tbl of logical -> physical blocks) or
 *   an NMBM signature ("NMM0") and info table ("NMM1": block states and the
 *   logical -> physical map) replace the skipping with their own map and
 *   hide their management area, as the kernel's mtk_bmt drivers do.
 * - nand-mtk:PAGE+OOB: the MediaTek NFI raw layout (MT7621 NAND, MT7622/
 *   MT798x SNFI with the controller's ECC): every 512-byte sector followed by
 *   its share of the spare (8 free FDM bytes, then ECC), the factory marker
 *   kept at raw byte PAGE by swapping it with the last sector's first FDM
 *   byte (the mtk_nand drivers' bad-block-mark swap).  Told from the linear
 *   layout by the FDM bytes: 0xFF after every sector of the dense written pages.
 *
 * - mirror: a dump of a power-of-two size whose upper half repeats its lower
 *   half byte for byte (again and again down to the chip): a chip read with
 *   the programmer set to a larger size, the address wrapping around.  The
 *   view is the chip (the first copy); offsets map one to one.  Detected by
 *   "auto" when the NAND geometries do not fit (a chip of at least 1 MiB whose bytes are not
 *   one repeated value: an erased dump is no mirror).
 *
 * Geometry is detected from the dump itself: the sizes 512+16, 2048+64,
 * 2048+128, 4096+128, 4096+224 and 4096+256 that divide it (whole blocks,
 * and a dump size that is not a power of two), kept only when the spare
 * areas look like spare areas (written pages keep 0xFF at the marker byte,
 * erased pages have erased spares, few bad blocks); the best such is chosen.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "source.h"
#include "util.h"
#include "export.h"

#define MTD_VIEW_KEEP_BAD (1u << 0) /* NAND: bad blocks stay in place (MTD addresses) */
#define MTD_VIEW_MTK      (1u << 1) /* private: a named geometry in the MediaTek NFI layout */

enum mtd_view_kind { MTD_VIEW_NONE = 0, MTD_VIEW_BYTESWAP16, MTD_VIEW_NAND, MTD_VIEW_MIRROR };

struct mtd_view {
	enum mtd_view_kind kind;
	char name[32]; /* "byteswap16", "nand:2048+64" */
	uint64_t raw_size;
	uint8_t *data; /* the view's bytes (owned) */
	uint64_t size;
	/* NAND */
	uint32_t page, oob, pages_per_block;
	uint64_t nblocks; /* physical blocks in the dump */
	uint32_t *map;    /* view block -> physical block */
	uint64_t nmap;    /* view blocks */
	uint32_t *bad;    /* physical blocks marked bad */
	size_t nbad;
	bool bad_skipped;     /* bad blocks left out of the view (else kept in place or remapped) */
	const char *remap;    /* NULL, "bmt" (MediaTek BMT v2), "nmbm" */
	uint64_t remap_block; /* physical block holding the table */
	uint64_t remapped;    /* logical blocks the table maps elsewhere than where skipping would */
	bool detected;        /* found by detection (not named by --view) */
	bool mtk;             /* MediaTek NFI raw layout (nand-mtk:): spare after every 512-byte sector */
	                      /* mirror: size is the chip, raw_size the dump (raw_size / size copies) */
};

/**
 * Build the view `spec` of src: NULL or "auto" (detect; *out NULL when the
 * dump needs none), "none" (*out NULL), "byteswap16", "nand" (detect the
 * geometry; an error when none fits) or "nand:PAGE+OOB".  MTD_ERR_ARG for
 * a spec that is none of these, MTD_ERR_FORMAT (diag names the file) when a
 * named view does not fit the dump.  Free with mtd_view_free().
 */
MTD_API int mtd_view_open(const struct mtd_source *src, const char *spec, unsigned flags, struct mtd_view **out,
                          struct mtd_diag *d);
MTD_API void mtd_view_free(struct mtd_view *v);
/** Offset in the dump of byte `off` of the view (off < v->size). */
MTD_API uint64_t mtd_view_to_raw(const struct mtd_view *v, uint64_t off);
/** A byteswap16 view of data[0, n) (n even), for the scanner's trial; NULL when out of memory. */
MTD_API struct mtd_view *mtd_view_byteswap16(const uint8_t *data, uint64_t n);
/** The view as a JSON object (kind, name, geometry, bad blocks, remapping). */
MTD_API void mtd_view_to_json(const struct mtd_view *v, struct mtd_json *j);
/** One line for people: "nand:2048+64, 1024 blocks of 128 KiB, 2 bad blocks skipped". */
MTD_API void mtd_view_describe(const struct mtd_view *v, char *out, size_t n);
/**
 * Open path as mtd_source_open() does, then read it through the view spec
 * (flags as mtd_view_open): with a view, *s holds the view's bytes (under
 * the file's name) and desc its mtd_view_describe() line; else desc is "".
 */
MTD_API int mtd_source_open_view(struct mtd_source *s, const char *path, const char *spec, unsigned flags, char *desc,
                                 size_t desc_n, struct mtd_diag *d);
/** Valid --view values, for --help texts. */
#define MTD_VIEW_HELP                                                                                                  \
	"auto (default), none, byteswap16, mirror, nand, nand:PAGE+OOB (e.g. nand:2048+64) or nand-mtk:PAGE+OOB"

#endif
