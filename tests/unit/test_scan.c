/* SPDX-License-Identifier: MIT */
/*
 * Engine tests on hand-made bytes (the cases no tool makes: damage, swaps,
 * self-reference).  Real-tool fixtures live in the per-area shell tests.
 */
#include <stdlib.h>

#include <mtdscope/scan.h>

#include "tap.h"

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* A legacy uImage header over `size` payload bytes already at p+64. */
static void make_uimage(uint8_t *p, uint32_t size)
{
	memset(p, 0, 64);
	put_be32(p, 0x27051956);
	put_be32(p + 12, size);
	put_be32(p + 16, 0x80000000);
	put_be32(p + 20, 0x80000000);
	put_be32(p + 24, mtd_crc32(0, p + 64, size));
	p[28] = 5, p[29] = 5, p[30] = 2, p[31] = 0;
	memcpy(p + 32, "test kernel", 11);
	put_be32(p + 4, mtd_crc32(0, p, 64));
}

static struct mtd_scan_result *scan_mem(const uint8_t *b, size_t n, struct mtd_source *src)
{
	struct mtd_scan_result *r = NULL;
	struct mtd_diag d;
	mtd_source_from_memory(src, "mem", b, n);
	if (mtd_scan_source(src, NULL, &r, &d))
		return NULL;
	return r;
}

/* Children of each space/parent tile their range without holes or overlaps. */
static int tiles(const struct mtd_scan_result *r)
{
	uint64_t pos = 0;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (c->parent != -1)
			continue;
		if (c->offset != pos)
			return 0;
		pos += c->size;
	}
	return pos == r->size;
}

static const struct mtd_component *find(const struct mtd_scan_result *r, const char *type)
{
	for (size_t i = 0; i < r->ncomps; i++)
		if (strcmp(r->comps[i]->type, type) == 0)
			return r->comps[i];
	return NULL;
}

int main(void)
{
	enum { N = 256 * 1024 };
	uint8_t *img = malloc(N);
	struct mtd_source src;
	struct mtd_scan_result *r;

	memset(img, 0xff, N);
	r = scan_mem(img, N, &src);
	ok(r && r->ncomps == 1 && !strcmp(r->comps[0]->type, "erased") && r->comps[0]->size == N,
	   "erased image is one erased component");
	mtd_scan_free(r);

	/* uImage at 0x10000 with a pseudo-random payload, zero block after it */
	srand(1);
	for (int i = 0; i < 0x8000; i++)
		img[0x10040 + i] = (uint8_t)rand();
	make_uimage(img + 0x10000, 0x8000);
	memset(img + 0x20000, 0, 0x1000);
	r = scan_mem(img, N, &src);
	const struct mtd_component *u = r ? find(r, "uimage") : NULL;
	ok(u && u->offset == 0x10000 && u->size == 0x8040 && u->valid, "uImage found with exact extent");
	ok(r && tiles(r), "top level tiles the file");
	ok(u && mtd_component_detail(u, "name") && !strcmp(mtd_component_detail(u, "name")->s, "test kernel"),
	   "uImage name");
	ok(r && find(r, "zero") && find(r, "zero")->offset == 0x20000 && find(r, "zero")->size == 0x1000,
	   "zero block accounted");
	ok(r && find(r, "random") != NULL, "random payload classified as random");
	mtd_scan_free(r);

	/* broken data CRC: still a uImage, marked invalid with the reason */
	img[0x10100] ^= 1;
	r = scan_mem(img, N, &src);
	u = r ? find(r, "uimage") : NULL;
	ok(u && !u->valid && u->nproblems && strstr(u->problems[0], "data CRC"), "bad data CRC reported");
	mtd_scan_free(r);
	img[0x10100] ^= 1;

	/* broken header CRC: an invalid uImage naming the header CRC, not a miss */
	img[0x10020] ^= 1;
	r = scan_mem(img, N, &src);
	u = r ? find(r, "uimage") : NULL;
	ok(u && !u->valid && u->offset == 0x10000 && u->size == 0x8040 && u->nproblems &&
	       strstr(u->problems[0], "header CRC"),
	   "bad header CRC: invalid uImage with the reason");
	ok(r && tiles(r), "bad header CRC: top level still tiles");
	mtd_scan_free(r);
	/* ... and with the data CRC and the architecture broken too, only a magic match */
	img[0x10100] ^= 1;
	img[0x1001d] = 0xee;
	r = scan_mem(img, N, &src);
	ok(r && !find(r, "uimage") && tiles(r), "bad header CRC, bad data CRC, unknown arch: not a uImage");
	mtd_scan_free(r);
	img[0x10100] ^= 1;
	img[0x1001d] = 5;
	img[0x10020] ^= 1;

	/* truncated: the file ends in the middle of the payload */
	r = scan_mem(img, 0x14000, &src);
	u = r ? find(r, "uimage") : NULL;
	ok(u && !u->valid && u->offset + u->size == 0x14000, "truncated uImage clamped and invalid");
	ok(r && tiles(r), "truncated image still tiles");
	mtd_scan_free(r);

	/* a header claiming 4 GiB */
	uint8_t big[128];
	memset(big, 0, sizeof(big));
	put_be32(big, 0x27051956);
	put_be32(big + 12, 0xffffffffu);
	put_be32(big + 4, mtd_crc32(0, big, 64));
	r = scan_mem(big, sizeof(big), &src);
	u = r ? find(r, "uimage") : NULL;
	ok(u && !u->valid && u->size == sizeof(big), "oversized claim clamped");
	mtd_scan_free(r);

	/* a uImage whose payload is itself a uImage header over the same bytes, many times */
	uint8_t *nest = calloc(1, 64 * 40 + 16);
	for (int k = 39; k >= 0; k--)
		make_uimage(nest + 64 * k, (uint32_t)(64 * (39 - k) + 16));
	r = scan_mem(nest, 64 * 40 + 16, &src);
	int maxdepth = 0;
	for (size_t i = 0; r && i < r->ncomps; i++)
		if (r->comps[i]->depth > maxdepth)
			maxdepth = r->comps[i]->depth;
	ok(r && maxdepth <= 8, "nesting bounded by the depth limit (%d)", maxdepth);
	mtd_scan_free(r);
	free(nest);

	/* byte-swapped 16-bit words */
	for (int k = 0; k < 4; k++) {
		for (int i = 0; i < 0x8000; i++)
			img[0x10040 + 0x9000 * k + i] = (uint8_t)rand();
		make_uimage(img + 0x10000 + 0x9000 * k, 0x8000);
	}
	memset(img, 0xff, 0x10000);
	for (size_t i = 0; i < N; i += 2) {
		uint8_t t = img[i];
		img[i] = img[i + 1];
		img[i + 1] = t;
	}
	r = scan_mem(img, N, &src);
	ok(r && r->byteswapped, "byte-swapped dump recognised");
	ok(r && r->ncomps && !strcmp(r->comps[0]->type, "byteswap16") && r->comps[0]->size == N,
	   "byteswap16 covers the file");
	ok(r && find(r, "uimage") && find(r, "uimage")->space == 0, "uImages found in the swapped space");
	mtd_scan_free(r);

	free(img);
	return tap_done();
}
