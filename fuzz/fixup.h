/* SPDX-License-Identifier: MIT */
/*
 * CRC fix-ups after mutation, so that libFuzzer's mutants of a checksummed
 * format get past the checksum and reach the code behind it.  Built into the
 * libFuzzer binaries only (FUZZ_LIBFUZZER, see meson.build) as a custom
 * mutator: LLVMFuzzerMutate() first, then fuzz_fixup() on 7 mutants of 8 (the
 * eighth keeps its broken checksums, so the "bad CRC" paths stay covered).
 * The corpus therefore holds inputs whose checksums hold; the replay test in
 * every build feeds them as they are.
 *
 * What is fixed, for every header found by its magic anywhere in the input:
 *   uimage     header CRC and data CRC (the size clipped to what is there)
 *   fit        the crc32 hashes of a FIT are not fixed (a dictionary helps instead)
 *   uboot-env  the CRC of the largest 4 KiB multiple (<= 128 KiB), single or redundant
 *   ubi        EC and VID header CRCs, volume-table records, static-volume data CRC
 *   ubifs      the CRC of every node (common header magic 0x06101831)
 *   jffs2      header CRC, inode node/data CRCs, dirent node/name CRCs (both endians)
 *   gpt        header CRC and partition-array CRC (512- and 4096-byte sectors)
 *   trx        the CRC over [12, len) (len clipped)
 *   tar        the header checksum of every ustar header
 *   bundle     (fuzz_bundle, collect's bundles) each collect/SHA256SUMS line's SHA-256 of the member it names,
 *              then the tar header checksums
 *   xz         stream header and footer CRC32
 *   ext4       superblock crc32c (metadata_csum)
 *   tplink-header  the salted MD5 over fw_length (mktplinkfw and mktplinkfw2 layouts)
 * squashfs, cpio, mbr, dtb, elf, lz4, lzo, zstd, gzip: no fix-up (none needed, or
 * the check is over decompressed data a mutant cannot keep).
 */
#ifndef MTDSCOPE_FUZZ_FIXUP_H
#define MTDSCOPE_FUZZ_FIXUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include <mtdscope/util.h>

static inline uint32_t fx_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint32_t fx_be32(const uint8_t *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}
static inline uint64_t fx_le64(const uint8_t *p)
{
	return (uint64_t)fx_le32(p) | (uint64_t)fx_le32(p + 4) << 32;
}
static inline void fx_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}
static inline void fx_put_be32(uint8_t *p, uint32_t v)
{
	p[3] = (uint8_t)v, p[2] = (uint8_t)(v >> 8), p[1] = (uint8_t)(v >> 16), p[0] = (uint8_t)(v >> 24);
}
static inline uint32_t fx_32(const uint8_t *p, bool be)
{
	return be ? fx_be32(p) : fx_le32(p);
}
static inline void fx_put_32(uint8_t *p, uint32_t v, bool be)
{
	if (be)
		fx_put_be32(p, v);
	else
		fx_put_le32(p, v);
}

static void fx_uimage(uint8_t *d, size_t n)
{
	for (size_t o = 0; o + 64 <= n; o += 4) {
		if (fx_be32(d + o) != 0x27051956u)
			continue;
		uint32_t size = fx_be32(d + o + 12);
		if (size > n - o - 64) {
			size = (uint32_t)(n - o - 64);
			fx_put_be32(d + o + 12, size);
		}
		fx_put_be32(d + o + 24, mtd_crc32(0, d + o + 64, size));
		fx_put_be32(d + o + 4, 0);
		fx_put_be32(d + o + 4, mtd_crc32(0, d + o, 64));
	}
}

static void fx_uboot_env(uint8_t *d, size_t n)
{
	size_t s = n & ~(size_t)0xfff;
	if (s > 0x20000)
		s = 0x20000;
	if (s < 0x1000)
		return;
	/* redundant when a flag byte (0 or 1, or 0xff of an erased copy's flag) precedes text */
	size_t h = (d[4] == 0 || d[4] == 1 || d[4] == 0xff) && d[5] >= 0x20 && d[5] < 0x7f ? 5 : 4;
	fx_put_le32(d, mtd_crc32(0, d + h, s - h));
}

static void fx_ubi(uint8_t *d, size_t n)
{
	for (size_t o = 0; o + 64 <= n; o += 4) {
		bool ec = !memcmp(d + o, "UBI#", 4), vid = !memcmp(d + o, "UBI!", 4);
		if (!ec && !vid)
			continue;
		if (ec) {
			uint32_t vid_off = fx_be32(d + o + 16), data_off = fx_be32(d + o + 20);
			/* the VID header of this PEB first, then its data */
			if (vid_off <= n - o && n - o - vid_off >= 64 && !memcmp(d + o + vid_off, "UBI!", 4)) {
				uint8_t *v = d + o + vid_off;
				uint32_t vol_id = fx_be32(v + 8), data_size = fx_be32(v + 20);
				if (data_off <= n - o) {
					uint8_t *p = d + o + data_off;
					size_t avail = n - o - data_off;
					/* the PEB ends where the next EC header starts */
					for (size_t q = o + 64; q + 4 <= n; q += 4)
						if (!memcmp(d + q, "UBI#", 4)) {
							avail = q > o + data_off ? q - o - data_off : 0;
							break;
						}
					if (vol_id == 0x7fffefffu) {
						for (size_t r = 0; r < 128 && (r + 1) * 172 <= avail; r++)
							fx_put_be32(p + r * 172 + 168,
							            mtd_crc32_raw(0xffffffffu, p + r * 172, 168));
					} else if (v[5] == 2 && data_size <= avail) {
						fx_put_be32(v + 32, mtd_crc32_raw(0xffffffffu, p, data_size));
					}
				}
			}
		}
		fx_put_be32(d + o + 60, mtd_crc32_raw(0xffffffffu, d + o, 60));
	}
}

static void fx_ubifs(uint8_t *d, size_t n)
{
	for (size_t o = 0; o + 24 <= n; o += 8) {
		if (fx_le32(d + o) != 0x06101831u)
			continue;
		uint32_t len = fx_le32(d + o + 16);
		if (len < 24 || len > n - o)
			continue;
		fx_put_le32(d + o + 4, mtd_crc32_raw(0xffffffffu, d + o + 8, len - 8));
	}
}

static void fx_jffs2(uint8_t *d, size_t n)
{
	for (size_t o = 0; o + 12 <= n; o += 4) {
		bool be;
		if (d[o] == 0x85 && d[o + 1] == 0x19)
			be = false;
		else if (d[o] == 0x19 && d[o + 1] == 0x85)
			be = true;
		else
			continue;
		uint8_t *h = d + o;
		uint16_t type = be ? (uint16_t)(h[2] << 8 | h[3]) : (uint16_t)(h[3] << 8 | h[2]);
		uint32_t totlen = fx_32(h + 4, be);
		size_t avail = n - o;
		if (type == 0xe002 && totlen >= 68 && totlen <= avail) { /* inode */
			uint32_t csize = fx_32(h + 48, be);
			if (csize <= totlen - 68)
				fx_put_32(h + 60, mtd_crc32_raw(0, h + 68, csize), be);
			fx_put_32(h + 64, mtd_crc32_raw(0, h, 60), be);
		} else if (type == 0xe001 && totlen >= 40 && totlen <= avail) { /* dirent */
			uint8_t nsize = h[28];
			if (nsize <= totlen - 40)
				fx_put_32(h + 36, mtd_crc32_raw(0, h + 40, nsize), be);
			fx_put_32(h + 32, mtd_crc32_raw(0, h, 32), be);
		}
		fx_put_32(h + 8, mtd_crc32_raw(0, h, 8), be);
	}
}

static void fx_gpt(uint8_t *d, size_t n)
{
	static const size_t sectors[] = {512, 4096};
	for (size_t k = 0; k < 2; k++) {
		size_t ss = sectors[k];
		if (n < ss + 92 || memcmp(d + ss, "EFI PART", 8))
			continue;
		uint8_t *h = d + ss;
		uint32_t hs = fx_le32(h + 12);
		if (hs < 92 || hs > ss)
			hs = 92;
		if (hs > n - ss)
			continue;
		uint64_t lba = fx_le64(h + 72);
		uint32_t cnt = fx_le32(h + 80), esz = fx_le32(h + 84);
		uint64_t len = (uint64_t)cnt * esz;
		if (lba && lba < (1u << 20) && lba * ss <= n && len <= n - lba * ss)
			fx_put_le32(h + 88, mtd_crc32(0, d + lba * ss, (size_t)len));
		fx_put_le32(h + 16, 0);
		fx_put_le32(h + 16, mtd_crc32(0, h, hs));
	}
}

static void fx_trx(uint8_t *d, size_t n)
{
	for (size_t o = 0; o + 28 <= n; o += 4) {
		if (memcmp(d + o, "HDR0", 4))
			continue;
		uint32_t len = fx_le32(d + o + 4);
		if (len < 28 || len > n - o) {
			len = (uint32_t)(n - o);
			fx_put_le32(d + o + 4, len);
		}
		fx_put_le32(d + o + 8, ~mtd_crc32(0, d + o + 12, len - 12));
	}
}

static void fx_tar(uint8_t *d, size_t n)
{
	for (size_t o = 0; o + 512 <= n; o += 512) {
		if (memcmp(d + o + 257, "ustar", 5))
			continue;
		memset(d + o + 148, ' ', 8);
		unsigned sum = 0;
		for (size_t i = 0; i < 512; i++)
			sum += d[o + i];
		for (int i = 5; i >= 0; i--, sum >>= 3)
			d[o + 148 + i] = (uint8_t)('0' + (sum & 7));
		d[o + 154] = 0;
	}
}

/* collect's bundle: the SHA-256 on every "HEX  NAME" line of collect/SHA256SUMS, recomputed from the member
 * NAME (found by walking the ustar headers), then every header checksum. */
static void fx_bundle(uint8_t *d, size_t n)
{
	struct {
		size_t off, size;
		char name[101];
	} m[256];
	size_t nm = 0, sums = (size_t)-1;
	for (size_t o = 0; o + 512 <= n && nm < 256;) {
		if (memcmp(d + o + 257, "ustar", 5))
			break;
		size_t size = 0;
		for (size_t i = 124; i < 136 && d[o + i] >= '0' && d[o + i] <= '7'; i++)
			size = size * 8 + (size_t)(d[o + i] - '0');
		if (size > n - o - 512)
			break;
		m[nm].off = o + 512;
		m[nm].size = size;
		memcpy(m[nm].name, d + o, 100);
		m[nm].name[100] = 0;
		if (!strcmp(m[nm].name, "collect/SHA256SUMS"))
			sums = nm;
		nm++;
		o += 512 + (size + 511) / 512 * 512;
	}
	if (sums != (size_t)-1) {
		uint8_t *s = d + m[sums].off;
		size_t len = m[sums].size;
		for (size_t at = 0; at + 67 <= len;) {
			size_t e = at;
			while (e < len && s[e] != '\n')
				e++;
			if (e - at >= 67 && e - at - 66 < 100) {
				char name[110] = "collect/";
				memcpy(name + 8, s + at + 66, e - at - 66);
				name[8 + e - at - 66] = 0;
				for (size_t k = 0; k < nm; k++)
					if (k != sums && !strcmp(m[k].name, name)) {
						uint8_t h[32];
						unsigned hl = 0;
						static const char hex[] = "0123456789abcdef";
						if (EVP_Digest(d + m[k].off, m[k].size, h, &hl, EVP_sha256(), NULL) &&
						    hl == 32)
							for (size_t i = 0; i < 32; i++) {
								s[at + 2 * i] = (uint8_t)hex[h[i] >> 4];
								s[at + 2 * i + 1] = (uint8_t)hex[h[i] & 15];
							}
						break;
					}
			}
			at = e + 1;
		}
	}
	fx_tar(d, n);
}

static void fx_xz(uint8_t *d, size_t n)
{
	static const uint8_t magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0};
	for (size_t o = 0; o + 12 <= n; o++)
		if (!memcmp(d + o, magic, 6))
			fx_put_le32(d + o + 8, mtd_crc32(0, d + o + 6, 2));
	/* the stream footer: CRC32, backward size, flags, "YZ" */
	for (size_t o = 0; o + 12 <= n; o += 4)
		if (d[o + 10] == 'Y' && d[o + 11] == 'Z')
			fx_put_le32(d + o, mtd_crc32(0, d + o + 4, 6));
}

static uint32_t fx_crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
	}
	return crc;
}

static void fx_ext4(uint8_t *d, size_t n)
{
	/* only with metadata_csum (s_feature_ro_compat 0x400 at 0x64) */
	if (n < 2048 || d[1024 + 56] != 0x53 || d[1024 + 57] != 0xef || !(fx_le32(d + 1024 + 0x64) & 0x400))
		return;
	fx_put_le32(d + 1024 + 1020, fx_crc32c(0xffffffffu, d + 1024, 1020));
}

/* TP-Link (mktplinkfw, mktplinkfw2): the MD5 of the image with a salt in place of the digest,
 * over fw_length bytes, or over the input when it is cut short of fw_length. */
static void fx_tplink(uint8_t *d, size_t n)
{
	static const uint8_t salts[4][16] = {
	    {0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb, 0xdd, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x38},
	    {0x8c, 0xef, 0x33, 0x5b, 0xd5, 0xc5, 0xce, 0xfa, 0xa7, 0x9c, 0x28, 0xda, 0xb2, 0xe9, 0x0f, 0x42},
	    {0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb, 0xdc, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x37},
	    {0x8c, 0xef, 0x33, 0x5f, 0xd5, 0xc5, 0xce, 0xfa, 0xac, 0x9c, 0x28, 0xda, 0xb2, 0xe9, 0x0f, 0x42},
	};
	if (n < 0x200)
		return;
	size_t md5_at, f;
	int v;
	if ((d[0] == 1 || d[0] == 2) && !d[1] && !d[2] && !d[3])
		md5_at = 0x4c, f = 0x74, v = 0;
	else if ((fx_le32(d) == 2 || fx_le32(d) == 3) && d[0x8c] == 0x55 && d[0x8d] == 0xaa)
		md5_at = 0x40, f = 0x68, v = 2;
	else
		return;
	uint32_t len = fx_be32(d + f + 8), boot_len = fx_be32(d + f + 32);
	if (len < 0x200) {
		len = (uint32_t)n;
		fx_put_be32(d + f + 8, len);
	} else if (len > n) {
		len = (uint32_t)n; /* a cut image (mktplinkfw -s): the probe hashes what is there */
	}
	const uint8_t *salt = salts[v + (boot_len ? 1 : 0)];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (c && EVP_DigestInit_ex(c, EVP_md5(), NULL) == 1 && EVP_DigestUpdate(c, d, md5_at) == 1 &&
	    EVP_DigestUpdate(c, salt, 16) == 1 && EVP_DigestUpdate(c, d + md5_at + 16, len - md5_at - 16) == 1 &&
	    EVP_DigestFinal_ex(c, md, &mdlen) == 1 && mdlen == 16)
		memcpy(d + md5_at, md, 16);
	EVP_MD_CTX_free(c);
}

/* Fix the checksums of format `fmt` (a registry name) in d[0..n). */
static inline void fuzz_fixup(const char *fmt, uint8_t *d, size_t n)
{
	static const struct {
		const char *name;
		void (*fn)(uint8_t *, size_t);
	} fx[] = {
	    {"uimage", fx_uimage}, {"uboot-env", fx_uboot_env},
	    {"ubi", fx_ubi},       {"ubifs", fx_ubifs},
	    {"jffs2", fx_jffs2},   {"gpt", fx_gpt},
	    {"trx", fx_trx},       {"tar", fx_tar},
	    {"bundle", fx_bundle}, {"xz", fx_xz},
	    {"ext4", fx_ext4},     {"tplink-header", fx_tplink},
	};
	for (size_t i = 0; i < sizeof(fx) / sizeof(fx[0]); i++)
		if (!strcmp(fx[i].name, fmt))
			fx[i].fn(d, n);
}

#ifdef FUZZ_LIBFUZZER
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
/* The format of this mutant (fuzz_format.c: one; fuzz_unpack.c: the one its first byte picks). */
static const char *fuzz_fixup_format(uint8_t **data, size_t *size);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	size = LLVMFuzzerMutate(data, size, max_size);
	if (seed % 8 != 0) {
		uint8_t *d = data;
		size_t n = size;
		const char *fmt = fuzz_fixup_format(&d, &n);
		if (fmt)
			fuzz_fixup(fmt, d, n);
	}
	return size;
}
#endif

#endif
