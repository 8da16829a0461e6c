/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "view_int.h"

/*
 * NAND dumps with their spare area (layout in include/mtdscope/view.h).
 * Every byte of the dump is read through a struct mtd_reader over it.
 */

struct geom {
	uint32_t page, oob, ppb;
	bool mtk; /* MediaTek NFI raw layout: 512-byte sectors each followed by its spare, marker swapped */
};

#define MTK_SECTOR 512u
#define MTK_FDM    8u /* free (FDM) bytes at the start of each sector's spare; ECC after them */

static uint32_t mtk_sps(const struct geom *g)
{
	return g->oob / (g->page / MTK_SECTOR);
}

static const struct geom candidates[] = {
    {512, 16, 32, false},   {2048, 64, 64, false},  {2048, 128, 64, false},
    {4096, 128, 64, false}, {4096, 224, 64, false}, {4096, 256, 64, false},
};

static uint64_t raw_page_off(const struct geom *g, uint64_t block, uint32_t page)
{
	return (block * g->ppb + page) * (uint64_t)(g->page + g->oob);
}

/* The bad-block marker: spare byte 0 of the block's first page (0xFF on a good block). */
static bool block_is_bad(const struct mtd_reader *r, const struct geom *g, uint64_t block)
{
	uint64_t at = raw_page_off(g, block, 0) + g->page;
	return at >= mtd_rd_left(r) || mtd_rd_u8_at(r, (size_t)at) != 0xff;
}

/*
 * The data of one page into out (page bytes).  MediaTek NFI layout: sector s
 * is at s * (512 + spare per sector); the NFI keeps the factory bad-block
 * marker at raw byte `page` (inside the last sector's data) by swapping it
 * with the first FDM byte of the last sector, so that data byte is read back
 * from there (the mtk_nand drivers' bad-block-mark swap).
 */
static bool page_data(const struct mtd_reader *r, const struct geom *g, uint64_t block, uint32_t page, uint8_t *out)
{
	size_t at = (size_t)raw_page_off(g, block, page);
	const uint8_t *span;
	if (!g->mtk) {
		if (!mtd_rd_bytes_at(r, at, g->page, &span))
			return false;
		memcpy(out, span, g->page);
		return true;
	}
	uint32_t sps = mtk_sps(g), nsec = g->page / MTK_SECTOR;
	for (uint32_t k = 0; k < nsec; k++) {
		if (!mtd_rd_bytes_at(r, at + (size_t)k * (MTK_SECTOR + sps), MTK_SECTOR, &span))
			return false;
		memcpy(out + (size_t)k * MTK_SECTOR, span, MTK_SECTOR);
	}
	size_t last = (size_t)(nsec - 1) * (MTK_SECTOR + sps);
	if (g->page > last && g->page - last < MTK_SECTOR)
		out[(nsec - 1) * MTK_SECTOR + (g->page - last)] = mtd_rd_u8_at(r, at + last + MTK_SECTOR);
	return true;
}

/* Page data of one physical block into out (page * ppb bytes). */
static bool block_data(const struct mtd_reader *r, const struct geom *g, uint64_t block, uint8_t *out)
{
	for (uint32_t p = 0; p < g->ppb; p++)
		if (!page_data(r, g, block, p, out + (size_t)p * g->page))
			return false;
	return true;
}

/*
 * Of the written pages whose first sector is dense (at least 256 bytes not
 * 0xFF), the fraction whose MediaTek FDM bytes (the first 8 spare bytes after
 * every 512-byte sector, but the swapped marker byte) are all 0xFF: near 1 on
 * an NFI raw dump, near 0 when those positions are data of a linear dump.
 */
static double mtk_fdm_fraction(const struct mtd_reader *r, const struct geom *g, uint64_t nblocks, uint64_t *dense)
{
	struct geom m = *g;
	m.mtk = true;
	uint32_t sps = mtk_sps(&m), nsec = g->page / MTK_SECTOR;
	uint64_t step = nblocks > 256 ? nblocks / 256 : 1, free_fdm = 0;
	*dense = 0;
	if (sps < MTK_FDM + 1 || g->page % MTK_SECTOR)
		return 0;
	for (uint64_t b = 0; b < nblocks; b += step)
		for (uint32_t p = 0; p < g->ppb; p++) {
			size_t at = (size_t)raw_page_off(g, b, p);
			const uint8_t *span;
			if (!mtd_rd_bytes_at(r, at, MTK_SECTOR, &span))
				return 0;
			size_t nonff = 0;
			for (size_t i = 0; i < MTK_SECTOR; i += 2)
				nonff += span[i] != 0xff;
			if (nonff < 128)
				continue;
			++*dense;
			bool ok = true;
			for (uint32_t k = 0; k < nsec && ok; k++) {
				size_t f = at + (size_t)k * (MTK_SECTOR + sps) + MTK_SECTOR;
				ok = k + 1 == nsec ? mtd_rd_uniform_at(r, f + 1, MTK_FDM - 1, 0xff)
				                   : mtd_rd_uniform_at(r, f, MTK_FDM, 0xff);
			}
			free_fdm += ok;
		}
	return *dense ? (double)free_fdm / (double)*dense : 0;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/*
 * How much the spare areas of geometry g look like spare areas: written
 * pages keep 0xFF at the marker byte and (with ECC) carry non-FF spare bytes;
 * pages whose data is erased have erased spares (first pages left out:
 * JFFS2 cleanmarkers live there).  Negative when g does not fit at all.
 */
static double geometry_score(const struct mtd_reader *r, uint64_t size, const struct geom *g)
{
	uint64_t blk_raw = (uint64_t)(g->page + g->oob) * g->ppb;
	if (size % blk_raw || size < 8 * blk_raw || is_pow2(size))
		return -1;
	uint64_t nblocks = size / blk_raw, step = nblocks > 1024 ? nblocks / 1024 : 1;
	uint64_t sampled = 0, bad = 0, written = 0, marker_ff = 0, with_ecc = 0, erased = 0, erased_dirty = 0;
	for (uint64_t b = 0; b < nblocks; b += step) {
		sampled++;
		if (block_is_bad(r, g, b)) {
			bad++;
			continue;
		}
		for (uint32_t p = 0; p < g->ppb; p++) {
			size_t at = (size_t)raw_page_off(g, b, p);
			bool data_ff = mtd_rd_uniform_at(r, at, g->page, 0xff);
			bool oob_ff = mtd_rd_uniform_at(r, at + g->page, g->oob, 0xff);
			if (!data_ff) {
				written++;
				marker_ff += mtd_rd_u8_at(r, at + g->page) == 0xff;
				with_ecc += !oob_ff;
			} else {
				erased++;
				erased_dirty += !oob_ff && p != 0;
			}
		}
	}
	if (written < 4 || marker_ff * 100 < written * 95 || erased_dirty * 10 > erased + 1 || bad * 50 > sampled + 50)
		return -1;
	return (double)marker_ff / (double)written + 0.5 * (double)with_ecc / (double)written -
	       (double)erased_dirty / (double)(erased + 1);
}

/* ---- MediaTek BMT v2 (OpenWrt target/linux/generic/files/drivers/mtd/nand/mtk_bmt_v2.c) ---- */

#define BMT_TABLE_ENTRIES 0x2000u /* mediatek,bmt-table-size default */

static bool find_bmt(const struct mtd_reader *r, const struct geom *g, uint64_t nblocks, struct mtd_view *v,
                     uint8_t *blockbuf)
{
	uint64_t span = nblocks / 16 > 128 ? nblocks / 16 : 128, low = nblocks > span ? nblocks - span : 1;
	size_t blen = (size_t)g->page * g->ppb;
	for (uint64_t b = nblocks; b-- > low;) {
		if (block_is_bad(r, g, b))
			continue;
		size_t at = (size_t)raw_page_off(g, b, 0);
		static const uint8_t sig[4] = {'B', 'M', 'T', 2};
		if (!mtd_rd_eq_at(r, at, sig, 4))
			continue;
		if (!block_data(r, g, b, blockbuf))
			return false;
		struct mtd_reader t;
		mtd_rd_init(&t, blockbuf, blen, 0);
		/* bb_tbl: logical -> physical for the blocks before the pool; unset entries stay 0xFFFF */
		uint64_t n = 0;
		while (n < BMT_TABLE_ENTRIES && 4 + 2 * n + 2 <= blen) {
			uint16_t e = mtd_rd_le16_at(&t, (size_t)(4 + 2 * n));
			if (e >= nblocks || (n > 0 && e == 0))
				break;
			n++;
		}
		/* the kernel's MTD ends two blocks (the PMT) before the pool */
		if (n < 3)
			continue;
		uint64_t logical = n - 2;
		uint32_t *map = mtd_alloc_array(logical, sizeof(*map));
		if (!map)
			return false;
		uint64_t remapped = 0;
		for (uint64_t i = 0; i < logical; i++) {
			map[i] = mtd_rd_le16_at(&t, (size_t)(4 + 2 * i));
			remapped += map[i] != i;
		}
		free(v->map);
		v->map = map;
		v->nmap = logical;
		v->remap = "bmt";
		v->remap_block = b;
		v->remapped = remapped;
		return true;
	}
	return false;
}

/* ---- NMBM (mtk_bmt_nmbm.c; U-Boot drivers/mtd/nmbm) ---- */

#define NMBM_SIG_MAGIC  0x304d4d4eu /* "NMM0" */
#define NMBM_INFO_MAGIC 0x314d4d4eu /* "NMM1" */
#define NMBM_INFO_MAX   (16u << 20)

/* An NMBM structure whose header (magic, version, size, checksum) checks: crc32_le over size bytes, checksum 0. */
static bool nmbm_header_ok(const struct mtd_reader *t, size_t at, uint32_t magic, uint32_t *size)
{
	if (mtd_rd_le32_at(t, at) != magic || mtd_rd_left(t) < at + 16)
		return false;
	uint32_t sz = mtd_rd_le32_at(t, at + 8), stored = mtd_rd_le32_at(t, at + 12), crc;
	if (sz < 16 || sz > mtd_rd_left(t) - at)
		return false;
	uint8_t hdr[16];
	mtd_rd_copy_at(t, at, hdr, 16);
	memset(hdr + 12, 0, 4);
	crc = mtd_crc32_raw(0, hdr, 16);
	if (sz > 16 && !mtd_rd_crc32_raw(t, at + 16, sz - 16, crc, &crc))
		return false;
	*size = sz;
	return crc == stored;
}

/* Read the info table starting in block b (chunks of one block each, bad blocks skipped). */
static uint8_t *nmbm_read_info(const struct mtd_reader *r, const struct geom *g, uint64_t b, uint64_t limit,
                               uint8_t *blockbuf, uint32_t *size_out, uint64_t *end_block)
{
	size_t blen = (size_t)g->page * g->ppb;
	if (!block_data(r, g, b, blockbuf))
		return NULL;
	struct mtd_reader t;
	mtd_rd_init(&t, blockbuf, blen, 0);
	if (mtd_rd_le32_at(&t, 0) != NMBM_INFO_MAGIC)
		return NULL;
	uint32_t size = mtd_rd_le32_at(&t, 8);
	if (size < 32 || size > NMBM_INFO_MAX)
		return NULL;
	uint8_t *info = malloc(size);
	if (!info)
		return NULL;
	size_t got = 0;
	for (; got < size && b < limit; b++) {
		if (block_is_bad(r, g, b))
			continue;
		if (!block_data(r, g, b, blockbuf))
			break;
		size_t chunk = size - got < blen ? size - got : blen;
		memcpy(info + got, blockbuf, chunk);
		got += chunk;
	}
	struct mtd_reader it;
	mtd_rd_init(&it, info, size, 0);
	uint32_t sz;
	if (got < size || !nmbm_header_ok(&it, 0, NMBM_INFO_MAGIC, &sz)) {
		free(info);
		return NULL;
	}
	*size_out = size;
	*end_block = b;
	return info;
}

static bool find_nmbm(const struct mtd_reader *r, const struct geom *g, uint64_t nblocks, struct mtd_view *v,
                      uint8_t *blockbuf)
{
	uint64_t low = nblocks / 2, sig_block = 0, mgmt = 0;
	bool found = false;
	for (uint64_t b = nblocks; b-- > low && !found;) {
		if (block_is_bad(r, g, b))
			continue;
		for (uint32_t p = 0; p < g->ppb && !found; p++) {
			struct mtd_reader t;
			if (!page_data(r, g, b, p, blockbuf))
				return false;
			mtd_rd_init(&t, blockbuf, g->page, 0);
			uint32_t sz;
			if (!nmbm_header_ok(&t, 0, NMBM_SIG_MAGIC, &sz) || sz < 40)
				continue;
			mgmt = mtd_rd_le32_at(&t, 36);
			if (mgmt == 0 || mgmt >= b)
				continue;
			sig_block = b;
			found = true;
		}
	}
	if (!found)
		return false;
	/* the main table and a backup after it: the one written last wins */
	uint8_t *best = NULL;
	uint32_t best_size = 0, best_count = 0;
	for (uint64_t b = mgmt; b < sig_block;) {
		uint32_t size;
		uint64_t end;
		if (block_is_bad(r, g, b)) {
			b++;
			continue;
		}
		uint8_t *info = nmbm_read_info(r, g, b, sig_block, blockbuf, &size, &end);
		if (!info) {
			b++;
			continue;
		}
		uint32_t count = mtd_le32(info + 16);
		if (!best || count > best_count) {
			free(best);
			best = info, best_size = size, best_count = count;
		} else {
			free(info);
		}
		b = end;
	}
	if (!best)
		return false;
	struct mtd_reader it;
	mtd_rd_init(&it, best, best_size, 0);
	uint32_t map_off = mtd_rd_le32_at(&it, 24);
	uint64_t logical = mgmt;
	if (map_off > best_size || (best_size - map_off) / 4 < logical) {
		free(best);
		return false;
	}
	/* data blocks end at the last one mapped */
	while (logical > 0 && (int32_t)mtd_rd_le32_at(&it, map_off + 4 * (size_t)(logical - 1)) < 0)
		logical--;
	uint32_t *map = logical ? mtd_alloc_array(logical, sizeof(*map)) : NULL;
	if (!map) {
		free(best);
		return false;
	}
	uint64_t remapped = 0;
	for (uint64_t i = 0; i < logical; i++) {
		int32_t pb = (int32_t)mtd_rd_le32_at(&it, map_off + 4 * (size_t)i);
		map[i] = pb < 0 || (uint64_t)pb >= nblocks ? UINT32_MAX : (uint32_t)pb;
		remapped += map[i] != i;
	}
	free(best);
	free(v->map);
	v->map = map;
	v->nmap = logical;
	v->remap = "nmbm";
	v->remap_block = sig_block;
	v->remapped = remapped;
	return true;
}

/* ---- building the view ---- */

int mtd_view_nand_build(const struct mtd_source *src, uint32_t page, uint32_t oob, unsigned flags,
                        struct mtd_view **out, struct mtd_diag *d)
{
	struct mtd_reader r;
	mtd_rd_init(&r, src->data, (size_t)src->size, 0);
	struct geom g = {0};
	bool detected = page == 0;
	if (detected) {
		double best = -1;
		for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
			double s = geometry_score(&r, src->size, &candidates[i]);
			if (s > best)
				best = s, g = candidates[i];
		}
		if (best < 0) {
			*out = NULL;
			return 0;
		}
		uint64_t dense;
		if (mtk_fdm_fraction(&r, &g, src->size / ((uint64_t)(g.page + g.oob) * g.ppb), &dense) >= 0.9 &&
		    dense >= 8)
			g.mtk = true;
	} else {
		g.page = page, g.oob = oob, g.ppb = page <= 512 ? 32 : 64, g.mtk = (flags & MTD_VIEW_MTK) != 0;
		uint64_t blk_raw = (uint64_t)(page + oob) * g.ppb;
		if (src->size % blk_raw)
			return mtd_diag_at(d, MTD_ERR_FORMAT, src->name, src->size,
			                   "dump of 0x%llx bytes is not whole blocks of %u pages of %u+%u bytes",
			                   (unsigned long long)src->size, g.ppb, page, oob);
	}
	uint64_t blk_raw = (uint64_t)(g.page + g.oob) * g.ppb, nblocks = src->size / blk_raw;
	size_t blen = (size_t)g.page * g.ppb;
	struct mtd_view *v = calloc(1, sizeof(*v));
	uint8_t *blockbuf = malloc(blen);
	if (!v || !blockbuf || nblocks > UINT32_MAX) {
		free(v), free(blockbuf);
		return mtd_diag_set(d, MTD_ERR_NOMEM, src->name, "out of memory for the NAND view");
	}
	v->kind = MTD_VIEW_NAND;
	v->raw_size = src->size;
	v->page = g.page, v->oob = g.oob, v->pages_per_block = g.ppb;
	v->nblocks = nblocks;
	v->detected = detected;
	snprintf(v->name, sizeof(v->name), "%s:%u+%u", g.mtk ? "nand-mtk" : "nand", g.page, g.oob);
	v->mtk = g.mtk;
	for (uint64_t b = 0; b < nblocks; b++)
		if (block_is_bad(&r, &g, b))
			v->nbad++;
	v->bad = v->nbad ? mtd_alloc_array(v->nbad, sizeof(*v->bad)) : NULL;
	size_t k = 0;
	for (uint64_t b = 0; b < nblocks && v->bad; b++)
		if (block_is_bad(&r, &g, b))
			v->bad[k++] = (uint32_t)b;
	bool remapped = !(flags & MTD_VIEW_KEEP_BAD) &&
	                (find_nmbm(&r, &g, nblocks, v, blockbuf) || find_bmt(&r, &g, nblocks, v, blockbuf));
	if (!remapped) {
		bool skip = !(flags & MTD_VIEW_KEEP_BAD);
		v->map = mtd_alloc_array(nblocks, sizeof(*v->map));
		if (!v->map) {
			free(blockbuf);
			mtd_view_free(v);
			return mtd_diag_set(d, MTD_ERR_NOMEM, src->name, "out of memory for the NAND view");
		}
		for (uint64_t b = 0; b < nblocks; b++)
			if (!skip || !block_is_bad(&r, &g, b))
				v->map[v->nmap++] = (uint32_t)b;
		v->bad_skipped = skip && v->nbad;
	}
	uint64_t size;
	if (!mtd_mul_ov(v->nmap, blen, &size) || size > SIZE_MAX || !(v->data = malloc(size ? (size_t)size : 1))) {
		free(blockbuf);
		mtd_view_free(v);
		return mtd_diag_set(d, MTD_ERR_NOMEM, src->name, "out of memory for the NAND view");
	}
	v->size = size;
	for (uint64_t i = 0; i < v->nmap; i++) {
		uint8_t *dst = v->data + i * blen;
		if (v->map[i] == UINT32_MAX || !block_data(&r, &g, v->map[i], dst))
			memset(dst, 0xff, blen);
	}
	free(blockbuf);
	*out = v;
	return 0;
}

uint64_t mtd_view_nand_to_raw(const struct mtd_view *v, uint64_t off)
{
	uint64_t blen = (uint64_t)v->page * v->pages_per_block;
	uint64_t vb = off / blen, in = off % blen;
	uint64_t pb = vb < v->nmap && v->map[vb] != UINT32_MAX ? v->map[vb] : vb;
	uint64_t pin = in % v->page, raw_in = pin;
	if (v->mtk) {
		uint64_t sps = v->oob / (v->page / MTK_SECTOR);
		raw_in = pin / MTK_SECTOR * (MTK_SECTOR + sps) + pin % MTK_SECTOR;
	}
	return (pb * v->pages_per_block + in / v->page) * (uint64_t)(v->page + v->oob) + raw_in;
}
