/* SPDX-License-Identifier: MIT */
#include <lzo/lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include "outdir.h"

/*
 * UBI: every physical eraseblock (PEB) starts with an erase-counter header
 * and a volume-id header saying which logical eraseblock (LEB) of which
 * volume it holds; the newest copy (highest sqnum) of each LEB wins.  Each
 * volume is written out as `<name>.img` (named from the volume table).  The
 * UBIFS inside a volume is a component of the scan (the ubi probe hands the
 * volumes over as decoded content), unpacked by mtd_unpack_ubifs below:
 * walking the index from the newest master node, as the kernel does, so
 * obsolete nodes left in LEBs are never resurrected.
 *
 * Every field is read through a bounded reader over its header or node; a
 * field outside reads as 0 and the CRC checks then reject the structure.
 */

#define UBI_EC_MAGIC   0x55424923u
#define UBI_VID_MAGIC  0x55424921u
#define UBI_LAYOUT_VOL 0x7fffefffu
#define UBI_MAX_VOLS   128
#define UBIFS_MAGIC    0x06101831u
#define UBIFS_BLOCK    4096u
#define MAX_VOLUME     (1ull << 30)

/* ---- bounded field access ---- */

/* A field of a header or node; 0 when it lies outside (the CRC checks then reject the structure). */
static uint64_t field(const struct mtd_reader *r, size_t at, unsigned width, bool be)
{
	uint64_t v = 0;
	mtd_rd_peek_uint(r, at, width, be, &v);
	return v;
}

/* UBI headers are big-endian, UBIFS nodes little-endian. */
static uint32_t be32_at(const struct mtd_reader *r, size_t at)
{
	return (uint32_t)field(r, at, 4, true);
}
static uint64_t be64_at(const struct mtd_reader *r, size_t at)
{
	return field(r, at, 8, true);
}
static uint16_t be16_at(const struct mtd_reader *r, size_t at)
{
	return (uint16_t)field(r, at, 2, true);
}
static uint32_t le32_at(const struct mtd_reader *r, size_t at)
{
	return (uint32_t)field(r, at, 4, false);
}
static uint64_t le64_at(const struct mtd_reader *r, size_t at)
{
	return field(r, at, 8, false);
}
static uint16_t le16_at(const struct mtd_reader *r, size_t at)
{
	return (uint16_t)field(r, at, 2, false);
}
static uint8_t u8_at(const struct mtd_reader *r, size_t at)
{
	return (uint8_t)field(r, at, 1, false);
}

/* Bytes [at, at+n) of r, or NULL when they are not all inside. */
static const uint8_t *bytes_at(const struct mtd_reader *r, size_t at, size_t n)
{
	struct mtd_reader w;
	const uint8_t *p = NULL;
	if (mtd_rd_window(r, at, n, &w))
		mtd_rd_bytes(&w, n, &p);
	return p;
}

/* UBI header CRC: raw CRC-32 seeded with all ones over the first `n` bytes, stored big-endian after them. */
static bool ubi_crc_ok(const struct mtd_reader *h, size_t n)
{
	const uint8_t *p = bytes_at(h, 0, n);
	return p && mtd_crc32_raw(0xffffffffu, p, n) == be32_at(h, n);
}

/* ---- UBIFS ---- */

struct ubifs {
	struct mtd_reader vol;
	uint32_t leb_size;
	struct mtd_fs_sink *sink;
	/* leaf nodes found through the index, each a reader over the whole node */
	struct mtd_reader *ino, *dent, *data;
	size_t nino, ndent, ndata, capino, capdent, capdata;
	uint64_t visits;
};

/* The node at (lnum, offs) of length len, checked (magic, length, CRC). */
static bool node_at(const struct ubifs *u, uint32_t lnum, uint32_t offs, uint32_t len, struct mtd_reader *n)
{
	uint64_t at = (uint64_t)lnum * u->leb_size + offs;
	if (len < 24 || offs >= u->leb_size || len > u->leb_size - offs || at > SIZE_MAX ||
	    !mtd_rd_window(&u->vol, (size_t)at, len, n))
		return false;
	const uint8_t *body = bytes_at(n, 8, len - 8);
	return le32_at(n, 0) == UBIFS_MAGIC && le32_at(n, 16) == len && body &&
	       mtd_crc32_raw(0xffffffffu, body, len - 8) == le32_at(n, 4);
}

static bool push(struct mtd_reader **arr, size_t *n, size_t *cap, const struct mtd_reader *node)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		struct mtd_reader *p = mtd_realloc_array(*arr, c, sizeof(*p));
		if (!p)
			return false;
		*arr = p, *cap = c;
	}
	(*arr)[(*n)++] = *node;
	return true;
}

static int walk_index(struct ubifs *u, uint32_t lnum, uint32_t offs, uint32_t len, int depth)
{
	struct mtd_reader n;
	if (depth > 64 || ++u->visits > 20000000)
		return MTD_ERR_LIMIT;
	if (!node_at(u, lnum, offs, len, &n)) {
		mtd_sink_problem(u->sink, NULL, "UBIFS node at LEB %u offset %u unreadable or bad CRC", lnum, offs);
		return 0;
	}
	switch (u8_at(&n, 20)) {
	case 0: return push(&u->ino, &u->nino, &u->capino, &n) ? 0 : MTD_ERR_NOMEM;
	case 1: return push(&u->data, &u->ndata, &u->capdata, &n) ? 0 : MTD_ERR_NOMEM;
	case 2: return push(&u->dent, &u->ndent, &u->capdent, &n) ? 0 : MTD_ERR_NOMEM;
	case 9: break;
	default: return 0; /* xattr entries and the rest are not part of the tree */
	}
	/* index node: child_cnt, level, then branches of lnum, offs, len and an 8-byte key */
	uint16_t cnt = le16_at(&n, 24);
	int rc = 0;
	for (uint32_t i = 0; i < cnt && !rc; i++) {
		size_t b = 28 + (size_t)i * 20;
		if (b + 20 > len)
			break;
		rc = walk_index(u, le32_at(&n, b), le32_at(&n, b + 4), le32_at(&n, b + 8), depth + 1);
	}
	return rc;
}

static uint32_t key_ino(const struct mtd_reader *n)
{
	return le32_at(n, 24);
}
static uint32_t key_low(const struct mtd_reader *n)
{
	return le32_at(n, 28) & 0x1fffffffu;
}

static const struct mtd_reader *find_ino(const struct ubifs *u, uint32_t inum)
{
	for (size_t i = 0; i < u->nino; i++)
		if (key_ino(&u->ino[i]) == inum)
			return &u->ino[i];
	return NULL;
}

static int cmp_data(const void *a, const void *b)
{
	const struct mtd_reader *x = a, *y = b;
	if (key_ino(x) != key_ino(y))
		return key_ino(x) < key_ino(y) ? -1 : 1;
	return key_low(x) < key_low(y) ? -1 : key_low(x) > key_low(y);
}

static bool ubifs_decompress(uint16_t type, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	switch (type) {
	case 0:
		if (inlen != outlen)
			return false;
		memcpy(out, in, inlen);
		return true;
	case 1: {
		lzo_uint ol = outlen;
		return lzo1x_decompress_safe(in, inlen, out, &ol, NULL) == LZO_E_OK && ol == outlen;
	}
	case 2: { /* raw deflate, as the kernel's crypto "deflate" */
		z_stream z = {0};
		if (inflateInit2(&z, -15) != Z_OK)
			return false;
		z.next_in = (Bytef *)(uintptr_t)in, z.avail_in = (uInt)inlen;
		z.next_out = out, z.avail_out = (uInt)outlen;
		int r = inflate(&z, Z_FINISH);
		bool ok = (r == Z_STREAM_END || r == Z_OK || r == Z_BUF_ERROR) && z.total_out == outlen;
		inflateEnd(&z);
		return ok;
	}
	case 3: {
		size_t r = ZSTD_decompress(out, outlen, in, inlen);
		return !ZSTD_isError(r) && r == outlen;
	}
	default: return false;
	}
}

static int ubifs_emit(struct ubifs *u, uint32_t inum, const char *path, int depth);

static int ubifs_dir(struct ubifs *u, uint32_t dinum, const char *path, int depth)
{
	int rc = 0;
	for (size_t i = 0; i < u->ndent && !rc; i++) {
		const struct mtd_reader *d = &u->dent[i];
		if (key_ino(d) != dinum)
			continue;
		uint16_t nlen = le16_at(d, 50);
		uint64_t child = le64_at(d, 40);
		const uint8_t *nm = bytes_at(d, 56, nlen);
		if (nlen == 0 || !nm || child > UINT32_MAX)
			continue;
		char name[256], sub[4096];
		size_t nl = nlen < 255 ? nlen : 255;
		memcpy(name, nm, nl);
		name[nl] = 0;
		if (snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "/" : "", name) >= (int)sizeof(sub))
			continue;
		rc = ubifs_emit(u, (uint32_t)child, sub, depth + 1);
	}
	return rc;
}

static int ubifs_file(struct ubifs *u, uint32_t inum, const char *path, uint32_t mode, int64_t mtime, uint64_t size)
{
	struct mtd_fs_sink *s = u->sink;
	if (size > MAX_VOLUME) {
		mtd_sink_problem(s, path, "file size %llu too large", (unsigned long long)size);
		return 0;
	}
	int rc = mtd_sink_file_begin(s, path, mode & 07777, mtime);
	uint8_t block[UBIFS_BLOCK], zero[UBIFS_BLOCK] = {0};
	/* data nodes are sorted by (inode, block): find this inode's run */
	size_t lo = 0, hi = u->ndata;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_ino(&u->data[mid]) < inum)
			lo = mid + 1;
		else
			hi = mid;
	}
	uint64_t written = 0;
	for (size_t i = lo; !rc && i < u->ndata && key_ino(&u->data[i]) == inum; i++) {
		const struct mtd_reader *d = &u->data[i];
		uint64_t at = (uint64_t)key_low(d) * UBIFS_BLOCK;
		uint32_t dlen = le32_at(d, 40), nlen = le32_at(d, 16);
		uint16_t compr = le16_at(d, 44);
		const uint8_t *payload = nlen >= 48 ? bytes_at(d, 48, nlen - 48) : NULL;
		if (at >= size || dlen > UBIFS_BLOCK || !payload || at < written)
			continue;
		while (!rc && written < at) { /* holes read as zeros */
			uint64_t n = at - written < UBIFS_BLOCK ? at - written : UBIFS_BLOCK;
			rc = mtd_sink_file_write(s, zero, (size_t)n);
			written += n;
		}
		if (!ubifs_decompress(compr, payload, nlen - 48, block, dlen)) {
			mtd_sink_problem(s, path, "data block %u does not decode", key_low(d));
			memset(block, 0, dlen);
		}
		uint64_t n = size - written < dlen ? size - written : dlen;
		if (!rc)
			rc = mtd_sink_file_write(s, block, (size_t)n);
		written += n;
	}
	while (!rc && written < size) {
		uint64_t n = size - written < UBIFS_BLOCK ? size - written : UBIFS_BLOCK;
		rc = mtd_sink_file_write(s, zero, (size_t)n);
		written += n;
	}
	int rc2 = mtd_sink_file_end(s);
	return rc ? rc : rc2;
}

static int ubifs_emit(struct ubifs *u, uint32_t inum, const char *path, int depth)
{
	struct mtd_fs_sink *s = u->sink;
	if (s->out->limit_hit)
		return MTD_ERR_LIMIT;
	if (depth > 128) {
		mtd_sink_problem(s, path, "directory nesting deeper than 128 (a loop?): not followed");
		return 0;
	}
	const struct mtd_reader *in = find_ino(u, inum);
	if (!in || le32_at(in, 16) < 160) {
		mtd_sink_problem(s, path, "no inode node for inode %u", inum);
		return 0;
	}
	uint64_t size = le64_at(in, 48);
	int64_t mtime = (int64_t)le64_at(in, 72);
	uint32_t mode = le32_at(in, 104), data_len = le32_at(in, 112);
	switch (mode & S_IFMT) {
	case S_IFDIR: {
		int rc = *path ? mtd_sink_dir(s, path, mode & 07777, mtime) : 0;
		return rc ? rc : ubifs_dir(u, inum, path, depth);
	}
	case S_IFLNK: {
		char target[4097];
		size_t tl = data_len < 4096 ? data_len : 4096;
		const uint8_t *t = bytes_at(in, 160, tl);
		if (!t)
			return 0;
		memcpy(target, t, tl);
		target[tl] = 0;
		return mtd_sink_symlink(s, path, target, mtime);
	}
	case S_IFREG: return ubifs_file(u, inum, path, mode, mtime, size);
	default: {
		uint32_t major = 0, minor = 0;
		if ((S_ISCHR(mode) || S_ISBLK(mode)) && data_len >= 4) {
			uint32_t dev = le32_at(in, 160);
			major = (dev >> 8) & 0xfff, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
		}
		return mtd_sink_special(s, path, mode, major, minor);
	}
	}
}

static int unpack_ubifs(const uint8_t *vol, uint64_t len, uint32_t leb_size, struct mtd_fs_sink *sink)
{
	struct ubifs u = {.leb_size = leb_size, .sink = sink};
	struct mtd_reader mst, n;
	bool have_mst = false;
	mtd_rd_init(&u.vol, vol, (size_t)len, 0);
	/* the master node lives in LEBs 1 and 2; take the valid one with the highest sqnum */
	for (uint32_t lnum = 1; lnum <= 2; lnum++)
		for (uint32_t off = 0; off + 512 <= leb_size; off += 8)
			if (node_at(&u, lnum, off, 512, &n) && u8_at(&n, 20) == 7 &&
			    (!have_mst || le64_at(&n, 8) > le64_at(&mst, 8))) {
				mst = n;
				have_mst = true;
			}
	if (!have_mst) {
		mtd_sink_problem(sink, NULL, "UBIFS master node not found");
		return 0;
	}
	int rc = walk_index(&u, le32_at(&mst, 48), le32_at(&mst, 52), le32_at(&mst, 56), 0);
	if (!rc) {
		if (u.ndata)
			qsort(u.data, u.ndata, sizeof(*u.data), cmp_data);
		rc = mtd_sink_dir(sink, "", 0755, -1);
		if (!rc)
			rc = ubifs_emit(&u, 1, "", 0);
	}
	free(u.ino), free(u.dent), free(u.data);
	return rc;
}

/* ---- UBI ---- */

struct leb {
	uint32_t vol, lnum, size;
	uint64_t sqnum;
	const uint8_t *data;
};

static uint64_t guess_peb(const struct mtd_reader *all)
{
	for (uint64_t peb = 4096; peb <= (4u << 20); peb <<= 1)
		if (be32_at(all, (size_t)peb) == UBI_EC_MAGIC)
			return peb;
	return all->len >= 4096 ? all->len : 0; /* a single PEB */
}

/* Volume names from the layout volume's records (name length, name, CRC over 168 bytes). */
static void volume_names(const struct leb *lebs, size_t nlebs, char names[UBI_MAX_VOLS][129])
{
	for (size_t k = 0; k < nlebs; k++) {
		if (lebs[k].vol != UBI_LAYOUT_VOL || lebs[k].lnum != 0)
			continue;
		struct mtd_reader table, rec;
		mtd_rd_init(&table, lebs[k].data, lebs[k].size, 0);
		for (uint32_t i = 0; i < UBI_MAX_VOLS && mtd_rd_window(&table, i * 172u, 172, &rec); i++) {
			uint16_t nl = be16_at(&rec, 14);
			const uint8_t *nm = bytes_at(&rec, 16, nl);
			if (!ubi_crc_ok(&rec, 168) || nl == 0 || nl > 127 || !nm)
				continue;
			memcpy(names[i], nm, nl);
			names[i][nl] = 0;
		}
	}
}

int mtd_unpack_ubi(const uint8_t *d, uint64_t len, struct mtd_fs_sink *sink)
{
	struct mtd_reader all;
	mtd_rd_init(&all, d, (size_t)len, 0);
	uint64_t peb = guess_peb(&all);
	if (!peb) {
		mtd_sink_problem(sink, NULL, "no UBI eraseblocks");
		return 0;
	}
	uint64_t npeb = len / peb;
	struct leb *lebs = mtd_alloc_array(npeb ? npeb : 1, sizeof(*lebs));
	size_t nlebs = 0;
	uint32_t data_offset = 0;
	uint64_t bad = 0;
	if (!lebs)
		return MTD_ERR_NOMEM;
	for (uint64_t i = 0; i < npeb; i++) {
		struct mtd_reader p, v, body;
		if (!mtd_rd_window(&all, (size_t)(i * peb), (size_t)peb, &p) || be32_at(&p, 0) != UBI_EC_MAGIC)
			continue;
		if (!ubi_crc_ok(&p, 60)) {
			bad++;
			continue;
		}
		uint32_t vid = be32_at(&p, 16), doff = be32_at(&p, 20);
		if (!mtd_rd_window(&p, vid, 64, &v) || be32_at(&v, 0) != UBI_VID_MAGIC || doff >= peb)
			continue; /* free eraseblock */
		if (!ubi_crc_ok(&v, 60)) {
			bad++;
			continue;
		}
		uint32_t size = (uint32_t)(peb - doff);
		if (u8_at(&v, 5) == 2 && be32_at(&v, 20) <= size) /* static volume: exact data size */
			size = be32_at(&v, 20);
		const uint8_t *data;
		if (!mtd_rd_window(&p, doff, size, &body) || !mtd_rd_bytes(&body, size, &data))
			continue;
		data_offset = doff;
		struct leb l = {.vol = be32_at(&v, 8),
		                .lnum = be32_at(&v, 12),
		                .sqnum = be64_at(&v, 40),
		                .data = data,
		                .size = size};
		/* keep the newest copy of each LEB */
		size_t k = 0;
		for (; k < nlebs; k++)
			if (lebs[k].vol == l.vol && lebs[k].lnum == l.lnum)
				break;
		if (k == nlebs)
			lebs[nlebs++] = l;
		else if (l.sqnum > lebs[k].sqnum)
			lebs[k] = l;
	}
	if (bad)
		mtd_sink_problem(sink, NULL, "%llu UBI headers failed their CRCs and were ignored",
		                 (unsigned long long)bad);
	uint32_t leb_size = (uint32_t)(peb - data_offset);
	char names[UBI_MAX_VOLS][129];
	memset(names, 0, sizeof(names));
	volume_names(lebs, nlebs, names);
	int rc = mtd_sink_dir(sink, "", 0755, -1);
	for (uint32_t vol = 0; vol < UBI_MAX_VOLS && !rc; vol++) {
		uint32_t maxl = 0;
		bool any = false;
		for (size_t k = 0; k < nlebs; k++)
			if (lebs[k].vol == vol) {
				any = true;
				if (lebs[k].lnum > maxl)
					maxl = lebs[k].lnum;
			}
		if (!any)
			continue;
		uint64_t vlen = ((uint64_t)maxl + 1) * leb_size;
		if (vlen > MAX_VOLUME) {
			mtd_sink_problem(sink, names[vol], "volume %u larger than 1 GiB: not assembled", vol);
			continue;
		}
		uint8_t *img = malloc((size_t)vlen);
		if (!img) {
			rc = MTD_ERR_NOMEM;
			break;
		}
		memset(img, 0xff, (size_t)vlen);
		uint64_t used = 0;
		for (size_t k = 0; k < nlebs; k++)
			if (lebs[k].vol == vol) {
				uint64_t at = (uint64_t)lebs[k].lnum * leb_size;
				uint32_t n = lebs[k].size < leb_size ? lebs[k].size : leb_size;
				memcpy(img + at, lebs[k].data, n);
				if (at + n > used)
					used = at + n;
			}
		char name[160];
		memcpy(name, names[vol], 129);
		if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
			snprintf(name, sizeof(name), "volume%u", vol);
		char file[200];
		snprintf(file, sizeof(file), "%s.img", name);
		rc = mtd_sink_file(sink, file, 0644, -1, img, (size_t)used);
		free(img);
	}
	free(lebs);
	return rc == MTD_ERR_LIMIT ? rc : 0;
}

int mtd_unpack_ubifs(const uint8_t *d, uint64_t len, struct mtd_fs_sink *sink)
{
	/* a bare UBIFS image (mkfs.ubifs output, or a volume): LEB size from the superblock node */
	struct mtd_reader all;
	mtd_rd_init(&all, d, (size_t)len, 0);
	uint32_t leb = le32_at(&all, 36);
	if (le32_at(&all, 0) != UBIFS_MAGIC || u8_at(&all, 20) != 6 || leb < 4096 || leb > (4u << 20))
		return 0;
	return unpack_ubifs(d, len, leb, sink);
}
