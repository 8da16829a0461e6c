/* SPDX-License-Identifier: MIT */
/*
 * Hand-made container headers: the damage no tool writes (lengths past the
 * end, offsets that overflow, magics cut off at the end of the input, the
 * big-endian ELF no Debian cross compiler here makes).  Each must give a
 * clear problem or no component, the top level must still tile the input,
 * and nothing may crash or hang (this test also runs under ASan/UBSan).
 */
#include <stdlib.h>

#include <mtdscope/scan.h>

#include "tap.h"

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}
static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}
static void be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void le64(uint8_t *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

static struct mtd_source src;

static struct mtd_scan_result *scan(const uint8_t *b, size_t n)
{
	struct mtd_scan_result *r = NULL;
	struct mtd_diag d;
	mtd_source_from_memory(&src, "mem", b, n);
	if (mtd_scan_source(&src, NULL, &r, &d))
		return NULL;
	return r;
}

static int tiles(const struct mtd_scan_result *r)
{
	uint64_t pos = 0;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (c->parent != -1 || c->space != -1)
			continue;
		if (c->offset != pos)
			return 0;
		pos += c->size;
	}
	return pos == r->size;
}

static const struct mtd_component *find(const struct mtd_scan_result *r, const char *type)
{
	for (size_t i = 0; r && i < r->ncomps; i++)
		if (strcmp(r->comps[i]->type, type) == 0)
			return r->comps[i];
	return NULL;
}

static int has_problem(const struct mtd_component *c, const char *text)
{
	for (size_t i = 0; c && i < c->nproblems; i++)
		if (strstr(c->problems[i], text))
			return 1;
	return 0;
}

static const char *detail_s(const struct mtd_component *c, const char *key)
{
	const struct mtd_detail *d = c ? mtd_component_detail(c, key) : NULL;
	return d && d->kind == MTD_DV_STR ? d->s : NULL;
}

static uint64_t detail_u(const struct mtd_component *c, const char *key)
{
	const struct mtd_detail *d = c ? mtd_component_detail(c, key) : NULL;
	return d ? d->u : UINT64_MAX;
}

/* Scan, check tiling, and hand back the first component of `type` (or NULL). */
#define SCAN(buf, n, type, what)                                                                   \
	do {                                                                                       \
		mtd_scan_free(r);                                                                  \
		r = scan(buf, n);                                                                  \
		ok(r && tiles(r), "%s: scanned and tiled", what);                                  \
		c = find(r, type);                                                                 \
	} while (0)

int main(void)
{
	enum { N = 8192 };
	uint8_t *b = calloc(1, N);
	struct mtd_scan_result *r = NULL;
	const struct mtd_component *c;

	/* ---- ELF ---- */
	/* a big-endian MIPS ELF32: header + one PT_LOAD over 0x200 bytes */
	memcpy(b, "\x7f" "ELF\x01\x02\x01", 7);
	be16(b + 16, 2), be16(b + 18, 8), be32(b + 20, 1), be32(b + 24, 0x80010000), be32(b + 28, 52);
	be32(b + 32, 0), be32(b + 36, 0x70001005), be16(b + 40, 52), be16(b + 42, 32), be16(b + 44, 1);
	be16(b + 46, 40), be16(b + 48, 0), be16(b + 50, 0);
	be32(b + 52, 1), be32(b + 56, 0), be32(b + 60, 0x80010000), be32(b + 64, 0x80010000), be32(b + 68, 0x200);
	be32(b + 72, 0x200), be32(b + 76, 5), be32(b + 80, 0x1000);
	memset(b + 0x200, 0xff, N - 0x200);
	SCAN(b, N, "elf", "big-endian ELF32");
	ok(c && c->valid && c->size == 0x200, "big-endian ELF32: extent is the segment end");
	ok(c && detail_s(c, "endian") && !strcmp(detail_s(c, "endian"), "big"), "big-endian ELF32: endianness");
	ok(c && detail_u(c, "entry") == 0x80010000 && detail_s(c, "machine") && !strcmp(detail_s(c, "machine"), "mips"),
	   "big-endian ELF32: machine and entry");
	/* a segment whose offset + size overflows 32 bits */
	be32(b + 56, 0xfffffff0), be32(b + 68, 0x100);
	SCAN(b, N, "elf", "ELF32 segment past 4 GiB");
	ok(c && !c->valid && c->size == N && has_problem(c, "truncated"), "segment past the end: invalid, clamped");
	/* ELF64 with a program header table offset near 2^64 */
	memset(b, 0, N);
	memcpy(b, "\x7f" "ELF\x02\x01\x01", 7);
	b[16] = 2, b[18] = 62, le32(b + 20, 1), le64(b + 24, 0x401000), le64(b + 32, 0xffffffffffffff00ull);
	b[52] = 64, b[54] = 56, b[56] = 2, b[58] = 64;
	SCAN(b, N, "elf", "ELF64 table offset near 2^64");
	ok(c && !c->valid && (has_problem(c, "overflows") || has_problem(c, "truncated")),
	   "ELF64 overflowing table offset: reported");
	/* the magic alone at the very end of the input */
	memset(b, 0xff, N);
	memcpy(b + N - 4, "\x7f" "ELF", 4);
	SCAN(b, N, "elf", "ELF magic at the end");
	ok(!c, "ELF magic at the end: no component");

	/* ---- device tree ---- */
	memset(b, 0, N);
	be32(b, 0xd00dfeed), be32(b + 4, 0xffffffff), be32(b + 8, 0x38), be32(b + 12, 0x100), be32(b + 16, 0x28);
	be32(b + 20, 17), be32(b + 24, 16), be32(b + 32, 0x10), be32(b + 36, 0x20);
	SCAN(b, N, "dtb", "tree claiming 4 GiB");
	ok(c && !c->valid && c->size == N && has_problem(c, "truncated"), "tree claiming 4 GiB: truncated, clamped");
	be32(b + 4, 0x200), be32(b + 8, 0x1f0), be32(b + 36, 0x100);
	SCAN(b, N, "dtb", "structure block past totalsize");
	ok(!c, "structure block past totalsize: not a tree");
	be32(b + 8, 0x38), be32(b + 36, 0x20);
	SCAN(b, N, "dtb", "zeroed structure block");
	ok(c && !c->valid && c->size == 0x200 && has_problem(c, "structure does not hold"),
	   "zeroed structure block: invalid with libfdt's reason");

	/* ---- TRX ---- */
	memset(b, 0xff, N);
	memcpy(b, "HDR0", 4), le32(b + 4, 12), le32(b + 12, 1u << 16);
	SCAN(b, N, "trx", "TRX length shorter than its header");
	ok(!c, "TRX length shorter than its header: not a TRX");
	le32(b + 4, 0x1000), le32(b + 16, 0x1c), le32(b + 20, 0xfffffff0), le32(b + 24, 0x1c);
	SCAN(b, N, "trx", "TRX offsets past the end and repeated");
	ok(c && !c->valid && has_problem(c, "partition 2 offset 0xfffffff0") && has_problem(c, "partition 3 offset 0x1c"),
	   "TRX offsets past the end and repeated: reported");
	memset(b, 0xff, N);
	memcpy(b + N - 6, "HDR0", 4);
	SCAN(b, N, "trx", "TRX magic at the end");
	ok(!c, "TRX magic at the end: no component");

	/* ---- TP-Link ---- */
	memset(b, 0, N);
	be32(b, 0x01000000), memcpy(b + 4, "TP-LINK Technologies", 20), memcpy(b + 0x1c, "ver. 1.0", 8);
	be32(b + 0x7c, 0x1800), be32(b + 0x80, 0x200), be32(b + 0x84, 0x1000), be32(b + 0x88, 0x400);
	be32(b + 0x8c, 0x800);
	memset(b + 0x4c, 0x11, 16);
	SCAN(b, N, "tplink-header", "TP-Link rootfs inside the kernel, bad MD5");
	ok(c && !c->valid && has_problem(c, "overlaps the previous part") && has_problem(c, "MD5 does not match"),
	   "TP-Link overlapping parts and a bad MD5: reported");
	be32(b + 0x84, 0);
	SCAN(b, N, "tplink-header", "TP-Link without a kernel");
	ok(!c, "TP-Link without a kernel: not a header");
	be32(b + 0x84, 0x1000), be32(b + 0x80, 0xfffffe00);
	SCAN(b, N, "tplink-header", "TP-Link kernel offset near 4 GiB");
	ok(!c, "TP-Link kernel offset near 4 GiB: not a header");

	/* ---- OpenWrt fwtool trailer ---- */
	memset(b, 0xff, N);
	memcpy(b + 0x100, "FWx0", 4), be32(b + 0x108, 7u << 24), be32(b + 0x10c, 0x20);
	SCAN(b, N, "openwrt-metadata", "fwtool trailer of unknown type");
	ok(!c, "fwtool trailer of unknown type: not claimed");
	be32(b + 0x108, 1u << 24), be32(b + 0x10c, 0x18);
	SCAN(b, N, "openwrt-metadata", "fwtool metadata block with no room for JSON");
	ok(!c, "fwtool metadata block with no room for JSON: not claimed");
	memset(b + 0xf0, 0, 8), memcpy(b + 0xf8, "{\"a\":[", 6), memset(b + 0xfe, ' ', 2), be32(b + 0x10c, 0x20);
	SCAN(b, N, "openwrt-metadata", "fwtool metadata block with cut JSON");
	ok(c && !c->valid && has_problem(c, "not a well-formed JSON"), "cut JSON: invalid with the reason");
	memset(b, 0xff, N);
	memcpy(b + N - 8, "FWx0", 4);
	SCAN(b, N, "openwrt-metadata", "fwtool magic at the end");
	ok(!c, "fwtool magic at the end: no component");

	/* ---- uImage multi-file table without its terminating zero ---- */
	memset(b, 0xab, N);
	memset(b, 0, 64);
	be32(b, 0x27051956), be32(b + 12, N - 64), b[28] = 5, b[29] = 5, b[30] = 4;
	be32(b + 24, mtd_crc32(0, b + 64, N - 64));
	be32(b + 4, mtd_crc32(0, b, 64));
	SCAN(b, N, "uimage", "multi-file uImage with a table of garbage");
	ok(c && !c->valid && has_problem(c, "no terminating zero"), "multi-file without a terminating zero: reported");

	mtd_scan_free(r);
	free(b);
	return tap_done();
}
