/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <openssl/evp.h>

#include "format.h"

/*
 * TP-Link firmware headers, 512 bytes, big-endian fields, as written by the
 * vendor and by OpenWrt's firmware-utils:
 *   v1 (mktplinkfw): version 0x01000000 or 0x02000000, vendor[24] at 4,
 *      firmware version string[36] at 0x1c, hw_id at 0x40, md5sum1 at 0x4c,
 *      then kernel load/entry, fw_length and the kernel, rootfs and boot
 *      offset/length pairs at 0x74..0x94, version triple at 0x98;
 *   v2 (mktplinkfw2, MediaTek and Lantiq boards): version 2 or 3 stored
 *      little-endian, firmware version string[48] at 4, hw_id at 0x34,
 *      md5sum1 at 0x40, the same field run at 0x68..0x88, 0x55aa at 0x8c.
 * md5sum1 is the MD5 of the whole image with md5sum1 replaced by a fixed
 * salt (another one when a bootloader is included); an all-zero md5sum1
 * (combined images) has no checksum.  The image may be cut after its data
 * (`-s`), so the digest is tried over fw_length, over the end of the data
 * and over the rest of the space; the length that matches is the extent.
 * Only lengths up to the claimed extent are hashed, so work stays linear.
 */

#define TPL_HDR     0x200u
#define TPL_MAX_LEN (256u << 20)

static const uint8_t salt_v1_normal[16] = {0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb,
                                           0xdd, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x38};
static const uint8_t salt_v1_boot[16] = {0x8c, 0xef, 0x33, 0x5b, 0xd5, 0xc5, 0xce, 0xfa,
                                         0xa7, 0x9c, 0x28, 0xda, 0xb2, 0xe9, 0x0f, 0x42};
static const uint8_t salt_v2_normal[16] = {0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb,
                                           0xdc, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x37};
static const uint8_t salt_v2_boot[16] = {0x8c, 0xef, 0x33, 0x5f, 0xd5, 0xc5, 0xce, 0xfa,
                                         0xac, 0x9c, 0x28, 0xda, 0xb2, 0xe9, 0x0f, 0x42};

struct tpl {
	int layout; /* 1: mktplinkfw, 2: mktplinkfw2 */
	uint32_t version, md5_at;
	uint32_t kernel_la, kernel_ep, fw_length, kernel_ofs, kernel_len, rootfs_ofs, rootfs_len, boot_ofs, boot_len;
};

/* MD5 of [0, len) of the image with the 16 bytes at md5_at replaced by salt. */
static bool md5_salted(const struct mtd_reader *img, uint64_t len, uint32_t md5_at, const uint8_t *salt,
                       uint8_t out[16])
{
	const uint8_t *head = NULL, *tail = NULL;
	if (len < (uint64_t)md5_at + 16 || !mtd_rd_bytes_at(img, 0, md5_at, &head) ||
	    !mtd_rd_bytes_at(img, md5_at + 16, (size_t)(len - md5_at - 16), &tail))
		return false;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned n = 0;
	bool ok = c && EVP_DigestInit_ex(c, EVP_md5(), NULL) == 1 && EVP_DigestUpdate(c, head, md5_at) == 1 &&
	          EVP_DigestUpdate(c, salt, 16) == 1 && EVP_DigestUpdate(c, tail, (size_t)(len - md5_at - 16)) == 1 &&
	          EVP_DigestFinal_ex(c, out, &n) == 1 && n == 16;
	EVP_MD_CTX_free(c);
	return ok;
}

static void printable(const uint8_t *b, size_t n, char *out)
{
	size_t k = 0;
	for (; k < n && b[k]; k++)
		out[k] = (b[k] >= 0x20 && b[k] < 0x7f) ? (char)b[k] : '?';
	out[k] = 0;
}

static bool is_text(const uint8_t *b, size_t n)
{
	size_t k = 0;
	for (; k < n && b[k]; k++)
		if (b[k] < 0x20 || b[k] >= 0x7f)
			return false;
	return k > 0;
}

static int parse(const uint8_t *h, struct tpl *t)
{
	uint32_t be = mtd_be32(h), le = mtd_le32(h);
	uint32_t f;
	if ((be == 0x01000000u || be == 0x02000000u) && is_text(h + 4, 24) && memcmp(h + 4, "ver. ", 5)) {
		t->layout = 1;
		t->version = be >> 24;
		t->md5_at = 0x4c;
		f = 0x74;
	} else if ((le == 2 || le == 3) && is_text(h + 4, 48) && mtd_be16(h + 0x8c) == 0x55aa) {
		t->layout = 2;
		t->version = le;
		t->md5_at = 0x40;
		f = 0x68;
	} else {
		return MTD_ERR_NO_MATCH;
	}
	uint32_t *v[] = {&t->kernel_la,  &t->kernel_ep,  &t->fw_length, &t->kernel_ofs, &t->kernel_len,
	                 &t->rootfs_ofs, &t->rootfs_len, &t->boot_ofs,  &t->boot_len};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		*v[i] = mtd_be32(h + f + 4 * i);
	/* The kernel follows the header; every length fits a flash chip. */
	if (t->kernel_ofs < TPL_HDR || t->kernel_ofs > TPL_MAX_LEN || !t->kernel_len || t->kernel_len > TPL_MAX_LEN ||
	    t->rootfs_ofs > TPL_MAX_LEN || t->rootfs_len > TPL_MAX_LEN || t->fw_length > TPL_MAX_LEN)
		return MTD_ERR_NO_MATCH;
	return MTD_OK;
}

static void add_part(struct mtd_probe *p, const char *name, uint32_t ofs, uint32_t len, uint64_t *covered_end)
{
	if (!len)
		return;
	uint64_t off = p->off + ofs, end = off + len, lim = p->off + p->size;
	if (off < *covered_end) {
		mtd_probe_problem(p, "%s at 0x%x overlaps the previous part: not scanned", name, ofs);
		p->valid = false;
		return;
	}
	if (end > lim) {
		mtd_probe_problem(p, "%s (0x%x bytes at 0x%x) runs past the image end", name, len, ofs);
		p->valid = false;
		end = lim;
	}
	if (off >= end)
		return;
	struct mtd_probe *c = mtd_probe_child(p, "part", off, end - off);
	if (!c)
		return;
	mtd_probe_str(c, "name", true, "%s", name);
	mtd_probe_child_done(c, true);
	*covered_end = end;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint8_t h[TPL_HDR];
	struct tpl t;
	mtd_probe_reader(p, &r);
	if (!mtd_rd_copy_at(&r, 0, h, TPL_HDR) || parse(h, &t))
		return MTD_ERR_NO_MATCH;

	char s[64];
	mtd_probe_str(p, "header", false, "v%d (version %u)", t.layout, t.version);
	if (t.layout == 1) {
		printable(h + 4, 24, s);
		mtd_probe_str(p, "vendor", true, "%s", s);
		printable(h + 0x1c, 36, s);
		mtd_probe_str(p, "version_string", false, "%s", s);
		mtd_probe_hex(p, "hw_id", true, mtd_be32(h + 0x40));
		mtd_probe_hex(p, "hw_rev", false, mtd_be32(h + 0x44));
		mtd_probe_hex(p, "region", false, mtd_be32(h + 0x48));
		mtd_probe_str(p, "fw_version", true, "%u.%u.%u", mtd_be16(h + 0x98), mtd_be16(h + 0x9a),
		              mtd_be16(h + 0x9c));
	} else {
		printable(h + 4, 48, s);
		mtd_probe_str(p, "version_string", false, "%s", s);
		mtd_probe_hex(p, "hw_id", true, mtd_be32(h + 0x34));
		mtd_probe_hex(p, "hw_rev", false, mtd_be32(h + 0x38));
		mtd_probe_hex(p, "hw_ver_add", false, mtd_be32(h + 0x3c));
		mtd_probe_str(p, "fw_version", true, "%u.%u.%u-%u.%u", h[0x91], h[0x92], h[0x93], h[0x8e], h[0x8f]);
	}
	mtd_probe_hex(p, "kernel_load", false, t.kernel_la);
	mtd_probe_hex(p, "kernel_entry", false, t.kernel_ep);
	mtd_probe_hex(p, "fw_length", false, t.fw_length);

	uint64_t avail = p->len - p->off;
	uint64_t data_end = (uint64_t)t.kernel_ofs + t.kernel_len;
	if (t.rootfs_len && (uint64_t)t.rootfs_ofs + t.rootfs_len > data_end)
		data_end = (uint64_t)t.rootfs_ofs + t.rootfs_len;
	if (t.boot_len && (uint64_t)t.boot_ofs + t.boot_len > data_end)
		data_end = (uint64_t)t.boot_ofs + t.boot_len;
	uint64_t claim = t.fw_length >= data_end ? t.fw_length : data_end;

	p->valid = true;
	static const uint8_t zero[16];
	const uint8_t *want = h + t.md5_at;
	if (!memcmp(want, zero, 16)) {
		mtd_probe_str(p, "md5", false, "not set");
		p->size = data_end;
	} else {
		const uint8_t *salts[2];
		bool boot = t.boot_len != 0;
		salts[0] =
		    t.layout == 1 ? (boot ? salt_v1_boot : salt_v1_normal) : (boot ? salt_v2_boot : salt_v2_normal);
		salts[1] =
		    t.layout == 1 ? (boot ? salt_v2_boot : salt_v2_normal) : (boot ? salt_v1_boot : salt_v1_normal);
		uint64_t cand[3] = {t.fw_length, data_end, avail}, match = 0;
		for (int i = 0; i < 3 && !match; i++) {
			bool seen = false;
			for (int k = 0; k < i; k++)
				seen |= cand[k] == cand[i];
			if (seen || cand[i] < TPL_HDR || cand[i] > avail || cand[i] > claim)
				continue;
			for (int s2 = 0; s2 < 2 && !match; s2++) {
				uint8_t md[16];
				if (md5_salted(&r, cand[i], t.md5_at, salts[s2], md) && !memcmp(md, want, 16))
					match = cand[i];
			}
		}
		mtd_probe_bool(p, "md5_ok", false, match != 0);
		if (match) {
			p->size = match;
		} else {
			mtd_probe_problem(p,
			                  "MD5 does not match over fw_length, the data end or the rest of the space");
			p->valid = false;
			p->size = claim;
		}
	}
	if (p->size > avail) {
		mtd_probe_problem(p, "truncated: the header describes 0x%llx bytes, only 0x%llx present",
		                  (unsigned long long)p->size, (unsigned long long)avail);
		p->valid = false;
		p->size = avail;
	}

	uint64_t covered = p->off + TPL_HDR;
	add_part(p, "kernel", t.kernel_ofs, t.kernel_len, &covered);
	add_part(p, "rootfs", t.rootfs_ofs, t.rootfs_len, &covered);
	add_part(p, "bootloader", t.boot_ofs, t.boot_len, &covered);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_tplink_header = {
    .name = "tplink-header",
    .magics = {{"TP-LINK Technologies", 20, 4},
               {"OpenWrt\0", 8, 4},
               {"\x02\0\0\0ver. ", 9, 0},
               {"\x03\0\0\0ver. ", 9, 0}},
    .probe = probe,
};
