/* SPDX-License-Identifier: MIT */
/*
 * The CRC fix-ups of fuzz/fixup.h compute what the real tools write: each seed
 * below (made by mkimage, mkenvimage, ubinize, mkfs.ubifs, mkfs.jffs2, tar,
 * xz, sgdisk, mke2fs through fuzz/make-seeds.sh) comes out of fuzz_fixup()
 * byte for byte unchanged, and a seed whose stored checksums were overwritten
 * is restored exactly.  Argument: the corpus directory (fuzz/corpus).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fixup.h"

#include "../tests/tap.h"

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *b = NULL;
	size_t cap = 0, len = 0, got;
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(b, cap);
			if (!nb) {
				free(b);
				fclose(f);
				return NULL;
			}
			b = nb;
		}
		got = fread(b + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	*n = len;
	return b;
}

int main(int argc, char **argv)
{
	/* seed, format, offsets of stored checksums to overwrite (-1 ends) */
	static const struct {
		const char *fmt, *file;
		long crc_at[4];
	} seeds[] = {
	    {"uimage", "kernel-crc-ok.uimg", {4, 24, -1}},
	    {"uimage", "kernel-lzma.uImage", {4, 24, -1}},
	    {"trx", "v1.trx", {8, -1}},
	    {"uboot-env", "env-0x1000.bin", {0, -1}},
	    {"uboot-env", "env-redundant-0x1000.bin", {0, -1}},
	    {"ubi", "tiny.ubi", {60, -1}},
	    {"ubifs", "sb-master.ubifs", {4, -1}},
	    {"jffs2", "tiny-le.jffs2", {8, -1}},
	    {"jffs2", "tiny-be.jffs2", {8, -1}},
	    {"tar", "gnu.tar", {148, -1}},
	    {"tar", "pax.tar", {148, -1}},
	    /* collect's own bundles: the first header's checksum, the first SHA256SUMS line's hex */
	    {"bundle", "once.tar", {148, -2, -1}},
	    {"bundle", "twice.tar", {148, -2, -1}},
	    {"xz", "payload.xz", {8, -1}},
	    {"gpt", "gpt-head.img", {512 + 16, 512 + 88, -1}},
	    {"ext4", "ext4-head.img", {1024 + 1020, -1}},
	    {"tplink-header", "v1.bin", {0x4c, 0x55, -1}},
	    {"tplink-header", "v2.bin", {0x40, 0x4f, -1}},
	};
	const char *root = argc > 1 ? argv[1] : "fuzz/corpus";
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s/%s", root, seeds[i].fmt, seeds[i].file);
		size_t n = 0;
		uint8_t *orig = slurp(path, &n);
		if (!ok(orig != NULL, "%s: seed %s readable", seeds[i].fmt, seeds[i].file))
			continue;
		uint8_t *d = malloc(n);
		memcpy(d, orig, n);
		fuzz_fixup(seeds[i].fmt, d, n);
		ok(!memcmp(d, orig, n), "%s: fix-up leaves the tool's %s unchanged", seeds[i].fmt, seeds[i].file);
		for (size_t k = 0; seeds[i].crc_at[k] != -1; k++) {
			size_t at = (size_t)seeds[i].crc_at[k];
			if (seeds[i].crc_at[k] == -2) { /* the first byte of collect/SHA256SUMS's data */
				const uint8_t *h = memmem(d, n, "collect/SHA256SUMS", 19);
				at = h ? (size_t)(h - d) + 512 : n;
			}
			if (at < n)
				d[at] ^= 0x5a;
		}
		ok(memcmp(d, orig, n) != 0, "%s: %s damaged", seeds[i].fmt, seeds[i].file);
		fuzz_fixup(seeds[i].fmt, d, n);
		ok(!memcmp(d, orig, n), "%s: fix-up restores the stored checksums of %s", seeds[i].fmt, seeds[i].file);
		free(d);
		free(orig);
	}
	return tap_done();
}
