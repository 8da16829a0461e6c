/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <openssl/evp.h>

#include "format.h"

/*
 * SEAMA (D-Link; seama.h of the D-Link GPL sources and OpenWrt's
 * firmware-utils oseama.c, mtdsplit_seama.c), big-endian: magic 0x5EA3A417,
 * 16-bit reserved, 16-bit meta size, 32-bit image size.  An entity adds the
 * MD5 of its image (16 bytes), then meta data (NUL-separated "key=value"
 * strings, padded to 4 bytes), then the image: 28 + meta + image bytes.  A
 * seal (the wrapper of a firmware file) has no MD5: 12 bytes, meta data, and
 * the entities follow it (its size field is their total, or 0).  The image
 * of each entity (a uImage kernel and rootfs on MT7621 D-Link boards) is a
 * child, scanned inside.
 */

#define SEAMA_MAGIC   0x5ea3a417u
#define SEAMA_SEAL    12u
#define SEAMA_ENTITY  28u
#define SEAMA_MAX_ENT 16u

static bool md5_of(const struct mtd_reader *r, uint64_t at, uint64_t n, uint8_t out[16])
{
	const uint8_t *s = NULL;
	unsigned len = 0;
	return mtd_rd_bytes_at(r, (size_t)at, (size_t)n, &s) &&
	       EVP_Digest(s, (size_t)n, out, &len, EVP_md5(), NULL) == 1 && len == 16;
}

/* The meta strings at [at, at+n) as one detail list (printable only). */
static void meta_list(struct mtd_probe *p, const struct mtd_reader *r, uint64_t at, uint64_t n, const char *key)
{
	char s[128];
	size_t k = 0;
	for (uint64_t i = 0; i <= n; i++) {
		uint8_t c = i < n ? mtd_rd_u8_at(r, (size_t)(at + i)) : 0;
		if (c == 0) {
			if (k)
				mtd_probe_list_add(p, key, false, "%.*s", (int)k, s);
			k = 0;
		} else if (k + 1 < sizeof(s)) {
			s[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
	}
}

/* An entity at pos: its total length, or 0 when the header does not read as one. */
static uint64_t entity_len(const struct mtd_reader *r, uint64_t pos, uint16_t *meta, uint32_t *size)
{
	uint64_t avail = mtd_rd_left(r);
	if (avail - pos < SEAMA_ENTITY || mtd_rd_be32_at(r, (size_t)pos) != SEAMA_MAGIC)
		return 0;
	*meta = mtd_rd_be16_at(r, (size_t)pos + 6);
	*size = mtd_rd_be32_at(r, (size_t)pos + 8);
	return SEAMA_ENTITY + (uint64_t)*meta + *size;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	if (avail < SEAMA_SEAL || mtd_rd_be32_at(&r, 0) != SEAMA_MAGIC || mtd_rd_be16_at(&r, 4) != 0)
		return MTD_ERR_NO_MATCH;
	uint16_t meta = mtd_rd_be16_at(&r, 6);
	uint32_t size = mtd_rd_be32_at(&r, 8);
	if (meta & 3)
		return MTD_ERR_NO_MATCH;
	/* a seal: its meta data, then an entity right after it */
	uint64_t pos = 0, ents = 0;
	bool seal = avail - SEAMA_SEAL >= meta && avail - SEAMA_SEAL - meta >= 4 &&
	            mtd_rd_be32_at(&r, SEAMA_SEAL + meta) == SEAMA_MAGIC;
	p->valid = true;
	if (seal) {
		mtd_probe_str(p, "kind", true, "seal");
		meta_list(p, &r, SEAMA_SEAL, meta, "meta");
		pos = SEAMA_SEAL + (uint64_t)meta;
	} else {
		mtd_probe_str(p, "kind", true, "entity");
	}
	uint64_t start = pos;
	while (ents < SEAMA_MAX_ENT) {
		uint16_t em;
		uint32_t es;
		uint64_t len = entity_len(&r, pos, &em, &es);
		if (!len || (ents > 0 && !seal))
			break;
		ents++;
		uint64_t img = pos + SEAMA_ENTITY + em;
		bool cut = len > avail - pos;
		uint64_t has = cut ? (img < avail ? avail - img : 0) : es;
		struct mtd_probe *c = mtd_probe_child(p, "seama-image", p->off + (img < avail ? img : avail), has);
		if (c) {
			meta_list(c, &r, pos + SEAMA_ENTITY, avail - (pos + SEAMA_ENTITY) < em ? 0 : em, "meta");
			mtd_probe_u64(c, "image_size", false, es);
			if (cut) {
				mtd_probe_problem(c, "truncated: 0x%llx of its 0x%x bytes are in the space",
				                  (unsigned long long)has, es);
				c->valid = false;
			} else {
				uint8_t want[16], got[16];
				mtd_rd_copy_at(&r, (size_t)pos + 12, want, 16);
				bool ok = md5_of(&r, img, es, got) && !memcmp(want, got, 16);
				mtd_probe_bool(c, "md5_ok", false, ok);
				if (!ok) {
					mtd_probe_problem(c, "MD5 of the image does not match its SEAMA header");
					c->valid = false;
				}
			}
			p->valid = p->valid && c->valid;
			mtd_probe_child_done(c, true);
		}
		if (cut) {
			mtd_probe_problem(
			    p, "truncated: the entity at 0x%llx claims 0x%llx bytes, 0x%llx remain in its space",
			    (unsigned long long)(p->off + pos), (unsigned long long)len,
			    (unsigned long long)(avail - pos));
			p->valid = false;
			pos = avail;
			break;
		}
		pos += len;
	}
	if (!ents)
		return MTD_ERR_NO_MATCH;
	if (seal && size && size != pos - start && pos < avail) {
		mtd_probe_problem(p, "the seal's size 0x%x differs from its entities' 0x%llx", size,
		                  (unsigned long long)(pos - start));
		p->valid = false;
	}
	mtd_probe_u64(p, "entities", false, ents);
	p->size = pos;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_seama = {
    .name = "seama",
    .magics = {{"\x5e\xa3\xa4\x17\x00\x00", 6, 0}},
    .probe = probe,
};
