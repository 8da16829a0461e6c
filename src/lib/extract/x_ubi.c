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
 */

#define UBI_EC_MAGIC   0x55424923u
#define UBI_VID_MAGIC  0x55424921u
#define UBI_LAYOUT_VOL 0x7fffefffu
#define UBI_MAX_VOLS   128
#define UBIFS_MAGIC    0x06101831u
#define UBIFS_BLOCK    4096u
#define MAX_VOLUME     (1ull << 30)

struct leb {
	uint32_t vol, lnum, size;
	uint64_t sqnum;
	const uint8_t *data;
};

static uint64_t guess_peb(const uint8_t *d, uint64_t len)
{
	for (uint64_t peb = 4096; peb <= (4u << 20); peb <<= 1)
		if (peb < len && mtd_be32(d + peb) == UBI_EC_MAGIC)
			return peb;
	return len >= 4096 ? len : 0; /* a single PEB */
}

/* ---- UBIFS ---- */

struct ubifs {
	const uint8_t *vol;
	uint64_t len;
	uint32_t leb_size;
	struct mtd_fs_sink *sink;
	/* leaf nodes found through the index */
	const uint8_t **ino, **dent, **data;
	size_t nino, ndent, ndata, capino, capdent, capdata;
	uint64_t visits;
};

static const uint8_t *node_at(const struct ubifs *u, uint32_t lnum, uint32_t offs, uint32_t len)
{
	uint64_t at = (uint64_t)lnum * u->leb_size + offs;
	if (len < 24 || offs >= u->leb_size || len > u->leb_size - offs || !mtd_range_ok(at, len, u->len))
		return NULL;
	const uint8_t *n = u->vol + at;
	if (mtd_le32(n) != UBIFS_MAGIC || mtd_le32(n + 16) != len ||
	    mtd_crc32_raw(0xffffffffu, n + 8, len - 8) != mtd_le32(n + 4))
		return NULL;
	return n;
}

static bool push(const uint8_t ***arr, size_t *n, size_t *cap, const uint8_t *node)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		const uint8_t **p = mtd_realloc_array(*arr, c, sizeof(*p));
		if (!p)
			return false;
		*arr = p, *cap = c;
	}
	(*arr)[(*n)++] = node;
	return true;
}

static int walk_index(struct ubifs *u, uint32_t lnum, uint32_t offs, uint32_t len, int depth)
{
	if (depth > 64 || ++u->visits > 20000000)
		return MTD_ERR_LIMIT;
	const uint8_t *n = node_at(u, lnum, offs, len);
	if (!n) {
		mtd_sink_problem(u->sink, NULL, "UBIFS node at LEB %u offset %u unreadable or bad CRC", lnum, offs);
		return 0;
	}
	uint8_t type = n[20];
	switch (type) {
	case 0: return push(&u->ino, &u->nino, &u->capino, n) ? 0 : MTD_ERR_NOMEM;
	case 1: return push(&u->data, &u->ndata, &u->capdata, n) ? 0 : MTD_ERR_NOMEM;
	case 2: return push(&u->dent, &u->ndent, &u->capdent, n) ? 0 : MTD_ERR_NOMEM;
	case 9: break;
	default: return 0; /* xattr entries and the rest are not part of the tree */
	}
	/* index node: child_cnt, level, then branches of lnum, offs, len, 8-byte key */
	if (len < 28)
		return 0;
	uint16_t cnt = mtd_le16(n + 24);
	int rc = 0;
	for (uint32_t i = 0; i < cnt && !rc; i++) {
		uint64_t b = 28 + (uint64_t)i * 20;
		if (b + 20 > len)
			break;
		rc = walk_index(u, mtd_le32(n + b), mtd_le32(n + b + 4), mtd_le32(n + b + 8), depth + 1);
	}
	return rc;
}

static uint32_t key_ino(const uint8_t *n)
{
	return mtd_le32(n + 24);
}
static uint32_t key_low(const uint8_t *n)
{
	return mtd_le32(n + 28) & 0x1fffffffu;
}

static const uint8_t *find_ino(const struct ubifs *u, uint32_t inum)
{
	for (size_t i = 0; i < u->nino; i++)
		if (key_ino(u->ino[i]) == inum)
			return u->ino[i];
	return NULL;
}

static int cmp_data(const void *a, const void *b)
{
	const uint8_t *x = *(const uint8_t *const *)a, *y = *(const uint8_t *const *)b;
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

static int ubifs_emit(struct ubifs *u, uint32_t inum, const char *path, int depth, const uint8_t *data_sorted_dummy);

static int ubifs_dir(struct ubifs *u, uint32_t dinum, const char *path, int depth)
{
	int rc = 0;
	for (size_t i = 0; i < u->ndent && !rc; i++) {
		const uint8_t *d = u->dent[i];
		uint32_t len = mtd_le32(d + 16);
		if (key_ino(d) != dinum || len < 56)
			continue;
		uint16_t nlen = mtd_le16(d + 50);
		uint64_t child = mtd_le64(d + 40);
		if (nlen == 0 || 56u + nlen > len || child > UINT32_MAX)
			continue;
		char name[256], sub[4096];
		size_t nl = nlen < 255 ? nlen : 255;
		memcpy(name, d + 56, nl);
		name[nl] = 0;
		if (snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "/" : "", name) >= (int)sizeof(sub))
			continue;
		rc = ubifs_emit(u, (uint32_t)child, sub, depth + 1, NULL);
	}
	return rc;
}

static int ubifs_emit(struct ubifs *u, uint32_t inum, const char *path, int depth, const uint8_t *unused)
{
	(void)unused;
	struct mtd_fs_sink *s = u->sink;
	if (s->out->limit_hit)
		return MTD_ERR_LIMIT;
	if (depth > 128) {
		mtd_sink_problem(s, path, "directory nesting deeper than 128 (a loop?): not followed");
		return 0;
	}
	const uint8_t *in = find_ino(u, inum);
	if (!in || mtd_le32(in + 16) < 160) {
		mtd_sink_problem(s, path, "no inode node for inode %u", inum);
		return 0;
	}
	uint64_t size = mtd_le64(in + 48);
	int64_t mtime = (int64_t)mtd_le64(in + 72);
	uint32_t mode = mtd_le32(in + 104), data_len = mtd_le32(in + 112);
	switch (mode & S_IFMT) {
	case S_IFDIR: {
		int rc = *path ? mtd_sink_dir(s, path, mode & 07777, mtime) : 0;
		return rc ? rc : ubifs_dir(u, inum, path, depth);
	}
	case S_IFLNK: {
		char target[4097];
		size_t tl = data_len < 4096 ? data_len : 4096;
		if (160u + tl > mtd_le32(in + 16))
			return 0;
		memcpy(target, in + 160, tl);
		target[tl] = 0;
		return mtd_sink_symlink(s, path, target, mtime);
	}
	case S_IFREG: {
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
			if (key_ino(u->data[mid]) < inum)
				lo = mid + 1;
			else
				hi = mid;
		}
		uint64_t written = 0;
		for (size_t i = lo; !rc && i < u->ndata && key_ino(u->data[i]) == inum; i++) {
			const uint8_t *d = u->data[i];
			uint64_t at = (uint64_t)key_low(d) * UBIFS_BLOCK;
			uint32_t dlen = mtd_le32(d + 40), nlen = mtd_le32(d + 16);
			uint16_t compr = mtd_le16(d + 44);
			if (at >= size || dlen > UBIFS_BLOCK || nlen < 48 || at < written)
				continue;
			while (!rc && written < at) { /* holes read as zeros */
				uint64_t n = at - written < UBIFS_BLOCK ? at - written : UBIFS_BLOCK;
				rc = mtd_sink_file_write(s, zero, (size_t)n);
				written += n;
			}
			if (!ubifs_decompress(compr, d + 48, nlen - 48, block, dlen)) {
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
	default: {
		uint32_t major = 0, minor = 0;
		if ((S_ISCHR(mode) || S_ISBLK(mode)) && data_len >= 4 && mtd_le32(in + 16) >= 164) {
			uint32_t dev = mtd_le32(in + 160);
			major = (dev >> 8) & 0xfff, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
		}
		return mtd_sink_special(s, path, mode, major, minor);
	}
	}
}

static int unpack_ubifs(const uint8_t *vol, uint64_t len, uint32_t leb_size, struct mtd_fs_sink *sink)
{
	struct ubifs u = {.vol = vol, .len = len, .leb_size = leb_size, .sink = sink};
	/* the master node lives in LEBs 1 and 2; take the valid one with the highest sqnum */
	const uint8_t *mst = NULL;
	for (uint32_t lnum = 1; lnum <= 2; lnum++) {
		for (uint32_t off = 0; off + 512 <= leb_size; off += 8) {
			const uint8_t *n = node_at(&u, lnum, off, 512);
			if (!n || n[20] != 7)
				continue;
			if (!mst || mtd_le64(n + 8) > mtd_le64(mst + 8))
				mst = n;
		}
	}
	if (!mst) {
		mtd_sink_problem(sink, NULL, "UBIFS master node not found");
		return 0;
	}
	int rc = walk_index(&u, mtd_le32(mst + 48), mtd_le32(mst + 52), mtd_le32(mst + 56), 0);
	if (!rc) {
		if (u.ndata)
			qsort(u.data, u.ndata, sizeof(*u.data), cmp_data);
		rc = mtd_sink_dir(sink, "", 0755, -1);
		if (!rc)
			rc = ubifs_emit(&u, 1, "", 0, NULL);
	}
	free(u.ino), free(u.dent), free(u.data);
	return rc;
}

/* ---- UBI ---- */

int mtd_unpack_ubi(const uint8_t *d, uint64_t len, struct mtd_fs_sink *sink)
{
	uint64_t peb = guess_peb(d, len);
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
		const uint8_t *p = d + i * peb;
		if (mtd_be32(p) != UBI_EC_MAGIC)
			continue;
		if (mtd_crc32_raw(0xffffffffu, p, 60) != mtd_be32(p + 60)) {
			bad++;
			continue;
		}
		uint32_t vid = mtd_be32(p + 16), doff = mtd_be32(p + 20);
		if (vid + 64 > peb || doff >= peb)
			continue;
		const uint8_t *v = p + vid;
		if (mtd_be32(v) != UBI_VID_MAGIC)
			continue; /* free eraseblock */
		if (mtd_crc32_raw(0xffffffffu, v, 60) != mtd_be32(v + 60)) {
			bad++;
			continue;
		}
		data_offset = doff;
		struct leb l = {.vol = mtd_be32(v + 8),
		                .lnum = mtd_be32(v + 12),
		                .sqnum = mtd_be64(v + 40),
		                .data = p + doff,
		                .size = (uint32_t)(peb - doff)};
		if (v[5] == 2 && mtd_be32(v + 20) <= l.size) /* static volume: exact data size */
			l.size = mtd_be32(v + 20);
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
	/* volume names from the layout volume (LEB 0) */
	char names[UBI_MAX_VOLS][129];
	memset(names, 0, sizeof(names));
	for (size_t k = 0; k < nlebs; k++) {
		if (lebs[k].vol != UBI_LAYOUT_VOL || lebs[k].lnum != 0)
			continue;
		for (uint32_t i = 0; i < UBI_MAX_VOLS && (i + 1) * 172u <= lebs[k].size; i++) {
			const uint8_t *rec = lebs[k].data + i * 172u;
			uint16_t nl = mtd_be16(rec + 14);
			if (mtd_crc32_raw(0xffffffffu, rec, 168) != mtd_be32(rec + 168) || nl == 0 || nl > 127)
				continue;
			memcpy(names[i], rec + 16, nl);
			names[i][nl] = 0;
		}
	}
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
				memcpy(img + (uint64_t)lebs[k].lnum * leb_size, lebs[k].data, lebs[k].size);
				uint64_t end = (uint64_t)lebs[k].lnum * leb_size + lebs[k].size;
				if (end > used)
					used = end;
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
	/* a bare UBIFS image (mkfs.ubifs output): LEB size from the superblock node */
	if (len < 4096 || mtd_le32(d) != UBIFS_MAGIC || d[20] != 6)
		return 0;
	uint32_t leb = mtd_le32(d + 36);
	if (leb < 4096 || leb > (4u << 20))
		return 0;
	return unpack_ubifs(d, len, leb, sink);
}
