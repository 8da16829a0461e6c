/* SPDX-License-Identifier: MIT */
#include <lzo/lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include <mtdscope/extract.h>

#include "../extract/outdir.h"
#include "format.h"

/*
 * UBIFS (fs/ubifs/ubifs-media.h): every node opens with a 24-byte
 * little-endian common header {magic 0x06101831, crc, sqnum, len, node_type,
 * group_type}; the CRC covers bytes 8..len (Linux crc32 seeded 0xFFFFFFFF,
 * not inverted).  LEB 0 holds the 4096-byte superblock node; LEBs 1 and 2
 * the master node copies.  The extent is leb_cnt * leb_size.  Inside a UBI
 * volume assembled by the ubi probe, trailing unmapped LEBs are not in the
 * content, so a shorter space is expected there and only noted.
 *
 * The unpacker walks the index from the newest master node, as the kernel
 * does, so obsolete nodes left in LEBs are never resurrected.  Every field
 * is read through a bounded reader over its node; a node is used only when
 * node_ok() (magic, length, CRC) holds.
 */

#define UBIFS_MAGIC 0x06101831u
#define CH          24u
#define INO_NODE    0u
#define DATA_NODE   1u
#define DENT_NODE   2u
#define SB_NODE     6u
#define MST_NODE    7u
#define IDX_NODE    9u
#define SB_LEN      4096u
#define MST_LEN     512u
#define BLOCK       4096u
#define MAX_FILE    (1ull << 30)

/* ---- node and superblock decoders ---- */

static const char *compr_name(unsigned c)
{
	static const char *const t[] = {"none", "lzo", "zlib", "zstd"};
	return c < sizeof(t) / sizeof(t[0]) ? t[c] : "unknown";
}

/* The CRC of a node of `len` bytes at the start of n (bytes 8..len). */
static bool node_crc_ok(const struct mtd_reader *n, uint32_t len)
{
	uint32_t c;
	return len >= CH && mtd_rd_crc32_raw(n, 8, len - 8, 0xffffffffu, &c) && c == mtd_rd_le32_at(n, 4);
}

struct ubifs_sb {
	uint32_t flags, min_io, leb_size, leb_cnt, max_leb_cnt, log_lebs, lpt_lebs, orph_lebs, fmt;
	uint16_t compr;
	uint8_t uuid[16];
	bool crc_ok;
};

/* The superblock node at the start of r; false when it is not one (a stray magic). */
static bool sb_decode(const struct mtd_reader *r, struct ubifs_sb *sb)
{
	struct mtd_reader b;
	if (!mtd_rd_window(r, 0, SB_LEN, &b) || mtd_rd_le32_at(&b, 0) != UBIFS_MAGIC ||
	    mtd_rd_u8_at(&b, 20) != SB_NODE || mtd_rd_le32_at(&b, 16) != SB_LEN)
		return false;
	sb->flags = mtd_rd_le32_at(&b, 28);
	sb->min_io = mtd_rd_le32_at(&b, 32);
	sb->leb_size = mtd_rd_le32_at(&b, 36);
	sb->leb_cnt = mtd_rd_le32_at(&b, 40);
	sb->max_leb_cnt = mtd_rd_le32_at(&b, 44);
	sb->log_lebs = mtd_rd_le32_at(&b, 56);
	sb->lpt_lebs = mtd_rd_le32_at(&b, 60);
	sb->orph_lebs = mtd_rd_le32_at(&b, 64);
	sb->fmt = mtd_rd_le32_at(&b, 80);
	sb->compr = mtd_rd_le16_at(&b, 84);
	mtd_rd_copy_at(&b, 108, sb->uuid, 16);
	/* UBIFS_MIN_LEB_SZ is 15360 */
	if (sb->leb_size < 15360 || sb->leb_size > (32u << 20) || sb->min_io == 0 || sb->min_io > sb->leb_size ||
	    sb->leb_cnt < 4 || sb->max_leb_cnt < sb->leb_cnt)
		return false;
	sb->crc_ok = node_crc_ok(&b, SB_LEN);
	return true;
}

/* ---- scan ---- */

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	struct ubifs_sb sb;
	mtd_probe_reader(p, &r);
	if (!sb_decode(&r, &sb))
		return MTD_ERR_NO_MATCH;

	p->valid = sb.crc_ok;
	uint64_t extent = (uint64_t)sb.leb_cnt * sb.leb_size, avail = p->len - p->off;
	p->size = extent;
	mtd_probe_bool(p, "sb_crc_ok", false, sb.crc_ok);
	if (!sb.crc_ok)
		mtd_probe_problem(p, "superblock node CRC 0x%08x does not match", mtd_rd_le32_at(&r, 4));
	mtd_probe_hex(p, "leb_size", true, sb.leb_size);
	mtd_probe_u64(p, "leb_count", true, sb.leb_cnt);
	mtd_probe_u64(p, "max_leb_count", false, sb.max_leb_cnt);
	mtd_probe_u64(p, "min_io_size", false, sb.min_io);
	mtd_probe_u64(p, "log_lebs", false, sb.log_lebs);
	mtd_probe_u64(p, "lpt_lebs", false, sb.lpt_lebs);
	mtd_probe_u64(p, "orphan_lebs", false, sb.orph_lebs);
	mtd_probe_u64(p, "format_version", false, sb.fmt);
	mtd_probe_str(p, "compression", true, "%s", compr_name(sb.compr));
	mtd_probe_hex(p, "flags", false, sb.flags);
	const uint8_t *u = sb.uuid;
	mtd_probe_str(p, "uuid", false, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
	              u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);

	/* the first master node of LEB 1 */
	struct mtd_reader m;
	if (mtd_rd_window(&r, sb.leb_size, CH, &m)) {
		uint32_t mlen = mtd_rd_le32_at(&m, 16);
		struct mtd_reader mn;
		if (mtd_rd_le32_at(&m, 0) == UBIFS_MAGIC && mtd_rd_u8_at(&m, 20) == MST_NODE && mlen >= CH &&
		    mlen <= 4096 && mtd_rd_window(&r, sb.leb_size, mlen, &mn)) {
			bool ok = node_crc_ok(&mn, mlen);
			mtd_probe_bool(p, "master_crc_ok", false, ok);
			if (!ok) {
				mtd_probe_problem(p, "master node CRC does not match");
				p->valid = false;
			}
		} else if (avail >= (uint64_t)sb.leb_size + CH) {
			mtd_probe_problem(p, "no master node at the start of LEB 1");
			p->valid = false;
		}
	}

	if (extent > avail) {
		uint64_t present = avail / sb.leb_size;
		if (p->space >= 0) {
			/* inside an assembled UBI volume: LEBs past the last mapped one are simply unmapped */
			mtd_probe_u64(p, "lebs_present", false, present);
		} else {
			mtd_probe_problem(p, "truncated: %u LEBs of 0x%x bytes, only 0x%llx bytes present", sb.leb_cnt,
			                  sb.leb_size, (unsigned long long)avail);
			p->valid = false;
		}
		p->size = avail;
	}
	return MTD_OK;
}

/* ---- extract ---- */

struct ubifs {
	struct mtd_reader vol;
	uint32_t leb_size;
	struct mtd_fs_sink *sink;
	/* leaf nodes found through the index, each a reader over the whole node */
	struct mtd_reader *ino, *dent, *dat;
	size_t nino, ndent, ndat, capino, capdent, capdat;
	uint64_t visits;
};

/* The node at (lnum, offs) of length len, checked (magic, length, CRC). */
static bool node_at(const struct ubifs *u, uint32_t lnum, uint32_t offs, uint32_t len, struct mtd_reader *n)
{
	uint64_t at = (uint64_t)lnum * u->leb_size + offs;
	if (len < CH || offs >= u->leb_size || len > u->leb_size - offs || at > SIZE_MAX ||
	    !mtd_rd_window(&u->vol, (size_t)at, len, n))
		return false;
	return mtd_rd_le32_at(n, 0) == UBIFS_MAGIC && mtd_rd_le32_at(n, 16) == len && node_crc_ok(n, len);
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
	switch (mtd_rd_u8_at(&n, 20)) {
	case INO_NODE: return push(&u->ino, &u->nino, &u->capino, &n) ? 0 : MTD_ERR_NOMEM;
	case DATA_NODE: return push(&u->dat, &u->ndat, &u->capdat, &n) ? 0 : MTD_ERR_NOMEM;
	case DENT_NODE: return push(&u->dent, &u->ndent, &u->capdent, &n) ? 0 : MTD_ERR_NOMEM;
	case IDX_NODE: break;
	default: return 0; /* xattr entries and the rest are not part of the tree */
	}
	/* index node: child_cnt, level, then branches of lnum, offs, len and an 8-byte key */
	uint16_t cnt = mtd_rd_le16_at(&n, 24);
	int rc = 0;
	for (uint32_t i = 0; i < cnt && !rc; i++) {
		size_t b = 28 + (size_t)i * 20;
		if (b + 20 > len)
			break;
		rc = walk_index(u, mtd_rd_le32_at(&n, b), mtd_rd_le32_at(&n, b + 4), mtd_rd_le32_at(&n, b + 8),
		                depth + 1);
	}
	return rc;
}

static uint32_t key_ino(const struct mtd_reader *n)
{
	return mtd_rd_le32_at(n, 24);
}
static uint32_t key_low(const struct mtd_reader *n)
{
	return mtd_rd_le32_at(n, 28) & 0x1fffffffu;
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

/* Decode the payload [48, len) of data node d into out (outlen bytes). */
static bool decompress(const struct mtd_reader *d, uint32_t len, uint8_t *out, size_t outlen)
{
	const uint8_t *in;
	if (len < 48 || !mtd_rd_bytes_at(d, 48, len - 48, &in))
		return false;
	size_t inlen = len - 48;
	switch (mtd_rd_le16_at(d, 44)) {
	case 0: return inlen == outlen && mtd_rd_copy_at(d, 48, out, outlen);
	case 1: {
		lzo_uint ol = outlen;
		return lzo1x_decompress_safe(in, inlen, out, &ol, NULL) == LZO_E_OK && ol == outlen;
	}
	case 2: { /* raw deflate, as the kernel's crypto "deflate" */
		z_stream z = {0};
		if (inflateInit2(&z, -15) != Z_OK)
			return false;
		z.next_in = (Bytef *)(uintptr_t)in;
		z.avail_in = (uInt)inlen;
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

static int emit(struct ubifs *u, uint32_t inum, const char *path, int depth);

static int emit_dir(struct ubifs *u, uint32_t dinum, const char *path, int depth)
{
	int rc = 0;
	for (size_t i = 0; i < u->ndent && !rc; i++) {
		const struct mtd_reader *d = &u->dent[i];
		if (key_ino(d) != dinum)
			continue;
		uint16_t nlen = mtd_rd_le16_at(d, 50);
		uint64_t child = mtd_rd_le64_at(d, 40);
		char name[256], sub[4096];
		size_t nl = nlen < 255 ? nlen : 255;
		struct mtd_reader nm;
		if (nlen == 0 || !mtd_rd_window(d, 56, nlen, &nm) || child > UINT32_MAX)
			continue;
		mtd_rd_copy_at(&nm, 0, name, nl);
		name[nl] = 0;
		if (snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "/" : "", name) >= (int)sizeof(sub))
			continue;
		rc = emit(u, (uint32_t)child, sub, depth + 1);
	}
	return rc;
}

static int emit_file(struct ubifs *u, uint32_t inum, const char *path, uint32_t mode, int64_t mtime, uint64_t size)
{
	struct mtd_fs_sink *s = u->sink;
	if (size > MAX_FILE) {
		mtd_sink_problem(s, path, "file size %llu too large", (unsigned long long)size);
		return 0;
	}
	int rc = mtd_sink_file_begin(s, path, mode & 07777, mtime);
	uint8_t block[BLOCK], zero[BLOCK] = {0};
	/* data nodes are sorted by (inode, block): find this inode's run */
	size_t lo = 0, hi = u->ndat;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_ino(&u->dat[mid]) < inum)
			lo = mid + 1;
		else
			hi = mid;
	}
	uint64_t written = 0;
	for (size_t i = lo; !rc && i < u->ndat && key_ino(&u->dat[i]) == inum; i++) {
		const struct mtd_reader *d = &u->dat[i];
		uint64_t at = (uint64_t)key_low(d) * BLOCK;
		uint32_t dlen = mtd_rd_le32_at(d, 40), nlen = mtd_rd_le32_at(d, 16);
		if (at >= size || dlen > BLOCK || nlen < 48 || at < written)
			continue;
		while (!rc && written < at) { /* holes read as zeros */
			uint64_t n = at - written < BLOCK ? at - written : BLOCK;
			rc = mtd_sink_file_write(s, zero, (size_t)n);
			written += n;
		}
		if (!decompress(d, nlen, block, dlen)) {
			mtd_sink_problem(s, path, "data block %u does not decode", key_low(d));
			memset(block, 0, dlen);
		}
		uint64_t n = size - written < dlen ? size - written : dlen;
		if (!rc)
			rc = mtd_sink_file_write(s, block, (size_t)n);
		written += n;
	}
	while (!rc && written < size) {
		uint64_t n = size - written < BLOCK ? size - written : BLOCK;
		rc = mtd_sink_file_write(s, zero, (size_t)n);
		written += n;
	}
	int rc2 = mtd_sink_file_end(s);
	return rc ? rc : rc2;
}

static int emit(struct ubifs *u, uint32_t inum, const char *path, int depth)
{
	struct mtd_fs_sink *s = u->sink;
	if (s->out->limit_hit)
		return MTD_ERR_LIMIT;
	if (depth > 128) {
		mtd_sink_problem(s, path, "directory nesting deeper than 128 (a loop?): not followed");
		return 0;
	}
	const struct mtd_reader *in = find_ino(u, inum);
	if (!in || mtd_rd_le32_at(in, 16) < 160) {
		mtd_sink_problem(s, path, "no inode node for inode %u", inum);
		return 0;
	}
	uint64_t size = mtd_rd_le64_at(in, 48);
	int64_t mtime = (int64_t)mtd_rd_le64_at(in, 72);
	uint32_t mode = mtd_rd_le32_at(in, 104), data_len = mtd_rd_le32_at(in, 112);
	switch (mode & S_IFMT) {
	case S_IFDIR: {
		int rc = *path ? mtd_sink_dir(s, path, mode & 07777, mtime) : 0;
		return rc ? rc : emit_dir(u, inum, path, depth);
	}
	case S_IFLNK: {
		char target[4097];
		size_t tl = data_len < 4096 ? data_len : 4096;
		if (!mtd_rd_copy_at(in, 160, target, tl))
			return 0;
		target[tl] = 0;
		return mtd_sink_symlink(s, path, target, mtime);
	}
	case S_IFREG: return emit_file(u, inum, path, mode, mtime, size);
	default: {
		uint32_t major = 0, minor = 0;
		if ((S_ISCHR(mode) || S_ISBLK(mode)) && data_len >= 4) {
			uint32_t dev = mtd_rd_le32_at(in, 160);
			major = (dev >> 8) & 0xfff, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
		}
		return mtd_sink_special(s, path, mode, major, minor);
	}
	}
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	/* a bare UBIFS image (mkfs.ubifs output, or a volume): LEB size from the superblock node */
	struct ubifs_sb sb;
	if (!sb_decode(in, &sb)) {
		mtd_sink_problem(sink, NULL, "no UBIFS superblock at 0x%llx", (unsigned long long)mtd_rd_offset(in));
		return 0;
	}
	struct ubifs u = {.vol = *in, .leb_size = sb.leb_size, .sink = sink};
	struct mtd_reader mst = {0}, n;
	bool have_mst = false;
	/* the master node lives in LEBs 1 and 2; take the valid one with the highest sqnum */
	for (uint32_t lnum = 1; lnum <= 2; lnum++)
		for (uint32_t off = 0; off + MST_LEN <= sb.leb_size; off += 8)
			if (node_at(&u, lnum, off, MST_LEN, &n) && mtd_rd_u8_at(&n, 20) == MST_NODE &&
			    (!have_mst || mtd_rd_le64_at(&n, 8) > mtd_rd_le64_at(&mst, 8))) {
				mst = n;
				have_mst = true;
			}
	if (!have_mst) {
		mtd_sink_problem(sink, NULL, "UBIFS master node not found");
		return 0;
	}
	int rc = walk_index(&u, mtd_rd_le32_at(&mst, 48), mtd_rd_le32_at(&mst, 52), mtd_rd_le32_at(&mst, 56), 0);
	if (!rc) {
		if (u.ndat)
			qsort(u.dat, u.ndat, sizeof(*u.dat), cmp_data);
		rc = mtd_sink_dir(sink, "", 0755, -1);
		if (!rc)
			rc = emit(&u, 1, "", 0);
	}
	free(u.ino), free(u.dent), free(u.dat);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
}

const struct mtd_format mtd_fmt_ubifs = {
    .name = "ubifs",
    .magics = {{"\x31\x18\x10\x06", 4, 0}},
    .probe = probe,
    .unpack = unpack,
};
