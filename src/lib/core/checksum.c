/* SPDX-License-Identifier: MIT */
#include <openssl/evp.h>
#include <stdio.h>
#include <zlib.h>

#include <mtdscope/util.h>

uint32_t mtd_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	while (len > 0) {
		uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
		crc = (uint32_t)crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
}

/* Linux crc32_le without pre/post inversion, as JFFS2 and UBI use it. */
uint32_t mtd_crc32_raw(uint32_t seed, const void *data, size_t len)
{
	return ~mtd_crc32(~seed, data, len);
}

int mtd_sha256_init(struct mtd_sha256 *s)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c)
		return MTD_ERR_NOMEM;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return MTD_ERR_UNSUPPORTED;
	}
	s->ctx = c;
	return 0;
}

void mtd_sha256_update(struct mtd_sha256 *s, const void *data, size_t len)
{
	EVP_DigestUpdate(s->ctx, data, len);
}

void mtd_sha256_final_hex(struct mtd_sha256 *s, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_DigestFinal_ex(s->ctx, md, &n);
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = 0;
}

void mtd_sha256_hex(const void *data, size_t len, char out[65])
{
	struct mtd_sha256 s;
	if (mtd_sha256_init(&s)) {
		out[0] = 0;
		return;
	}
	mtd_sha256_update(&s, data, len);
	mtd_sha256_final_hex(&s, out);
}
