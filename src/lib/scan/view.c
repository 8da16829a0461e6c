/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "view_int.h"

/* Views of the flash: the common part (include/mtdscope/view.h), the 16-bit swap, the spec. */

void mtd_view_free(struct mtd_view *v)
{
	if (!v)
		return;
	free(v->data);
	free(v->map);
	free(v->bad);
	free(v);
}

struct mtd_view *mtd_view_byteswap16(const uint8_t *data, uint64_t n)
{
	if (n % 2 || n > SIZE_MAX)
		return NULL;
	struct mtd_view *v = calloc(1, sizeof(*v));
	uint8_t *sw = malloc(n ? (size_t)n : 1);
	if (!v || !sw) {
		free(v), free(sw);
		return NULL;
	}
	for (uint64_t i = 0; i + 1 < n; i += 2) {
		sw[i] = data[i + 1];
		sw[i + 1] = data[i];
	}
	v->kind = MTD_VIEW_BYTESWAP16;
	snprintf(v->name, sizeof(v->name), "byteswap16");
	v->raw_size = n;
	v->data = sw;
	v->size = n;
	return v;
}

#define MIRROR_MIN_CHIP                                                                                                \
	(1u << 20) /* the smallest SPI NOR a board boots from; two copies of a small file are no dump                  \
	            */

/*
 * The chip a mirrored dump was read from: while the upper half of what is
 * left repeats its lower half byte for byte, halve it.  0 when the dump is
 * no mirror (not a power of two, or the chip's bytes are one value).
 */
static uint64_t mirror_chip(const struct mtd_source *src)
{
	uint64_t n = src->size, chip = n;
	if (n < 2 * MIRROR_MIN_CHIP || (n & (n - 1)) || n > SIZE_MAX)
		return 0;
	struct mtd_reader r;
	mtd_rd_init(&r, src->data, (size_t)n, 0);
	while (chip / 2 >= MIRROR_MIN_CHIP) {
		const uint8_t *lo, *hi;
		size_t h = (size_t)(chip / 2);
		if (!mtd_rd_bytes_at(&r, 0, h, &lo) || !mtd_rd_bytes_at(&r, h, h, &hi) || memcmp(lo, hi, h))
			break;
		chip /= 2;
	}
	if (chip == n || mtd_rd_uniform_at(&r, 0, (size_t)chip, mtd_rd_u8_at(&r, 0)))
		return 0;
	return chip;
}

static struct mtd_view *mirror_view(const struct mtd_source *src, uint64_t chip)
{
	struct mtd_view *v = calloc(1, sizeof(*v));
	uint8_t *b = malloc((size_t)chip);
	struct mtd_reader r;
	mtd_rd_init(&r, src->data, (size_t)src->size, 0);
	if (!v || !b || !mtd_rd_copy_at(&r, 0, b, (size_t)chip)) {
		free(v), free(b);
		return NULL;
	}
	v->kind = MTD_VIEW_MIRROR;
	snprintf(v->name, sizeof(v->name), "mirror");
	v->raw_size = src->size;
	v->data = b;
	v->size = chip;
	v->detected = true;
	return v;
}

/* "the upper half 0x800000.. repeats the lower half byte for byte: the chip is 8 MiB, read as 16 MiB" */
void mtd_view_mirror_problem(const struct mtd_view *v, char *out, size_t n)
{
	char cs[24], ds[24];
	mtd_format_size(v->size, cs, sizeof(cs));
	mtd_format_size(v->raw_size, ds, sizeof(ds));
	uint64_t copies = v->size ? v->raw_size / v->size : 0;
	if (copies == 2)
		snprintf(out, n,
		         "the upper half 0x%llx.. repeats the lower half byte for byte: the chip is %s, read as %s "
		         "(the programmer was set to the wrong chip size; only the first %s is the flash)",
		         (unsigned long long)v->size, cs, ds, cs);
	else
		snprintf(out, n,
		         "from 0x%llx the dump repeats its first %s byte for byte (%llu copies): the chip is %s, read "
		         "as %s (the programmer was set to the wrong chip size; only the first %s is the flash)",
		         (unsigned long long)v->size, cs, (unsigned long long)copies, cs, ds, cs);
}

uint64_t mtd_view_to_raw(const struct mtd_view *v, uint64_t off)
{
	if (v && v->kind == MTD_VIEW_NAND)
		return mtd_view_nand_to_raw(v, off);
	return off;
}

/* "2048+64" into page and oob; false when it is not one of the sizes NAND chips have. */
static bool parse_geometry(const char *s, uint32_t *page, uint32_t *oob)
{
	const char *plus = strchr(s, '+');
	char a[16];
	uint64_t p, o;
	if (!plus || (size_t)(plus - s) >= sizeof(a))
		return false;
	memcpy(a, s, (size_t)(plus - s));
	a[plus - s] = 0;
	if (mtd_parse_u64(a, 65536, &p) || mtd_parse_u64(plus + 1, 4096, &o))
		return false;
	if (p < 512 || (p & (p - 1)) || o == 0 || o > p / 4)
		return false;
	*page = (uint32_t)p, *oob = (uint32_t)o;
	return true;
}

int mtd_view_open(const struct mtd_source *src, const char *spec, unsigned flags, struct mtd_view **out,
                  struct mtd_diag *d)
{
	*out = NULL;
	if (!spec)
		spec = "auto";
	if (!strcmp(spec, "none"))
		return 0;
	if (!strcmp(spec, "byteswap16")) {
		if (src->size % 2)
			return mtd_diag_at(d, MTD_ERR_FORMAT, src->name, src->size,
			                   "byteswap16 view: the dump has an odd size (0x%llx bytes)",
			                   (unsigned long long)src->size);
		*out = mtd_view_byteswap16(src->data, src->size);
		return *out ? 0 : mtd_diag_set(d, MTD_ERR_NOMEM, src->name, "out of memory for the byteswap16 view");
	}
	if (!strcmp(spec, "auto") || !strcmp(spec, "mirror")) {
		int rc = strcmp(spec, "auto") ? 0 : mtd_view_nand_build(src, 0, 0, flags, out, d);
		uint64_t chip;
		if (rc || *out || !(chip = mirror_chip(src))) {
			if (!rc && !*out && strcmp(spec, "auto"))
				return mtd_diag_set(
				    d, MTD_ERR_FORMAT, src->name,
				    "mirror view: the upper half of the dump does not repeat the lower");
			return rc;
		}
		*out = mirror_view(src, chip);
		return *out ? 0 : mtd_diag_set(d, MTD_ERR_NOMEM, src->name, "out of memory for the mirror view");
	}
	if (!strcmp(spec, "nand")) {
		int rc = mtd_view_nand_build(src, 0, 0, flags, out, d);
		if (!rc && !*out)
			return mtd_diag_set(
			    d, MTD_ERR_FORMAT, src->name,
			    "no NAND page+spare geometry fits this dump (name one with --view nand:PAGE+OOB)");
		return rc;
	}
	uint32_t page, oob;
	if (!strncmp(spec, "nand:", 5) && parse_geometry(spec + 5, &page, &oob))
		return mtd_view_nand_build(src, page, oob, flags & ~MTD_VIEW_MTK, out, d);
	if (!strncmp(spec, "nand-mtk:", 9) && parse_geometry(spec + 9, &page, &oob) && oob / (page / 512) > 8)
		return mtd_view_nand_build(src, page, oob, flags | MTD_VIEW_MTK, out, d);
	return mtd_diag_set(d, MTD_ERR_ARG, src->name, "unknown view '%s' (expected %s)", spec, MTD_VIEW_HELP);
}

void mtd_view_describe(const struct mtd_view *v, char *out, size_t n)
{
	if (v->kind == MTD_VIEW_MIRROR) {
		char cs[24];
		mtd_format_size(v->size, cs, sizeof(cs));
		snprintf(out, n, "mirror: the first %s of the dump, %llu copies", cs,
		         (unsigned long long)(v->size ? v->raw_size / v->size : 0));
		return;
	}
	if (v->kind != MTD_VIEW_NAND) {
		snprintf(out, n, "%s", v->name);
		return;
	}
	char bs[24];
	mtd_format_size((uint64_t)v->page * v->pages_per_block, bs, sizeof(bs));
	int w = snprintf(out, n, "%s, %llu blocks of %s", v->name, (unsigned long long)v->nblocks, bs);
	if (w < 0 || (size_t)w >= n)
		return;
	if (v->remap)
		snprintf(out + w, n - (size_t)w, ", %s table in block %llu (%llu blocks remapped, %zu bad)",
		         !strcmp(v->remap, "bmt") ? "MediaTek BMT" : "NMBM", (unsigned long long)v->remap_block,
		         (unsigned long long)v->remapped, v->nbad);
	else if (v->nbad)
		snprintf(out + w, n - (size_t)w, ", %zu bad block%s %s", v->nbad, v->nbad == 1 ? "" : "s",
		         v->bad_skipped ? "skipped" : "kept in place");
}

void mtd_view_to_json(const struct mtd_view *v, struct mtd_json *j)
{
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "kind",
	                v->kind == MTD_VIEW_NAND     ? "nand"
	                : v->kind == MTD_VIEW_MIRROR ? "mirror"
	                                             : "byteswap16");
	if (v->kind == MTD_VIEW_MIRROR) {
		mtd_json_kv_u64(j, "chip_size", v->size);
		mtd_json_kv_u64(j, "copies", v->size ? v->raw_size / v->size : 0);
	}
	if (v->kind == MTD_VIEW_NAND)
		mtd_json_kv_str(j, "layout", v->mtk ? "mediatek-nfi" : "linear");
	mtd_json_kv_str(j, "name", v->name);
	mtd_json_kv_bool(j, "detected", v->detected);
	mtd_json_kv_u64(j, "raw_size", v->raw_size);
	mtd_json_kv_u64(j, "size", v->size);
	if (v->kind == MTD_VIEW_NAND) {
		mtd_json_kv_u64(j, "page", v->page);
		mtd_json_kv_u64(j, "oob", v->oob);
		mtd_json_kv_u64(j, "pages_per_block", v->pages_per_block);
		mtd_json_kv_u64(j, "blocks", v->nblocks);
		mtd_json_kv_u64(j, "view_blocks", v->nmap);
		mtd_json_key(j, "bad_blocks");
		mtd_json_begin_array(j);
		for (size_t i = 0; i < v->nbad; i++)
			mtd_json_u64(j, v->bad[i]);
		mtd_json_end_array(j);
		mtd_json_kv_bool(j, "bad_skipped", v->bad_skipped);
		mtd_json_key(j, "remap");
		if (v->remap) {
			mtd_json_begin_object(j);
			mtd_json_kv_str(j, "table", v->remap);
			mtd_json_kv_u64(j, "block", v->remap_block);
			mtd_json_kv_u64(j, "remapped", v->remapped);
			mtd_json_end_object(j);
		} else {
			mtd_json_null(j);
		}
	}
	mtd_json_end_object(j);
}

int mtd_source_open_view(struct mtd_source *s, const char *path, const char *spec, unsigned flags, char *desc,
                         size_t desc_n, struct mtd_diag *d)
{
	if (desc_n)
		desc[0] = 0;
	int rc = mtd_source_open(s, path, d);
	if (rc)
		return rc;
	struct mtd_view *v = NULL;
	if (s->size && (rc = mtd_view_open(s, spec, flags, &v, d))) {
		mtd_source_close(s);
		return rc;
	}
	if (!v)
		return 0;
	if (desc_n)
		mtd_view_describe(v, desc, desc_n);
	char name[sizeof(s->name)];
	memcpy(name, s->name, sizeof(name));
	mtd_source_close(s);
	memcpy(s->name, name, sizeof(name));
	s->data = v->data;
	s->size = v->size;
	s->owned = v->data;
	v->data = NULL;
	mtd_view_free(v);
	return 0;
}
