/* SPDX-License-Identifier: MIT */
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "outdir.h"

/*
 * JFFS2 is a log: every node carries a version, and for each file the newest
 * node wins, byte range by byte range.  We collect the nodes whose header
 * and node CRCs hold, order them, rebuild each inode's data by applying its
 * data nodes oldest first, and resolve names from the newest directory
 * entries (an entry pointing to inode 0 is a deletion).
 */

#define J_MAGIC   0x1985
#define J_DIRENT  0xE001
#define J_INODE   0xE002
#define MAX_FILE  (256u << 20)
#define MAX_NODES 4000000u

enum { C_NONE = 0, C_ZERO = 1, C_RTIME = 2, C_COPY = 4, C_ZLIB = 6, C_LZO = 7, C_LZMA = 8 };

struct dnode { /* a data node of an inode */
	uint32_t ino, version, mode, isize, mtime, offset, csize, dsize;
	uint8_t compr;
	const uint8_t *data;
};

struct dent {
	uint32_t pino, version, ino;
	uint8_t type;
	char name[256];
};

struct fs {
	bool be;
	struct dnode *nodes;
	size_t nnodes, capnodes;
	struct dent *dents;
	size_t ndents, capdents;
};

/*
 * Node fields are read through a bounded reader over the node: a field
 * outside the node reads as 0 (and the CRCs then fail), never out of bounds.
 */
static uint32_t field(const struct fs *f, const struct mtd_reader *n, size_t at, unsigned width)
{
	uint64_t v = 0;
	mtd_rd_peek_uint(n, at, width, f->be, &v);
	return (uint32_t)v;
}

/* CRC of [at, at+len) of a node, or the inverse of `want` (a sure mismatch) when outside it. */
static bool crc_ok(const struct mtd_reader *n, size_t at, size_t len, uint32_t want)
{
	struct mtd_reader w;
	const uint8_t *p;
	if (!mtd_rd_window(n, at, len, &w) || !mtd_rd_bytes(&w, len, &p))
		return false;
	return mtd_crc32_raw(0, p, len) == want;
}

static bool grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 256;
	void *p = mtd_realloc_array(*arr, c, sz);
	if (!p)
		return false;
	*arr = p;
	*cap = c;
	return true;
}

static int collect(struct fs *f, const uint8_t *data, uint64_t len, struct mtd_fs_sink *sink)
{
	struct mtd_reader all, h, node;
	uint64_t bad = 0;
	mtd_rd_init(&all, data, (size_t)len, 0);
	for (size_t pos = 0; mtd_rd_window(&all, pos, 12, &h);) {
		if (field(f, &h, 0, 2) != J_MAGIC) {
			pos += 4;
			continue;
		}
		uint32_t type = field(f, &h, 2, 2), totlen = field(f, &h, 4, 4);
		if (totlen < 12 || !crc_ok(&h, 0, 8, field(f, &h, 8, 4)) || !mtd_rd_window(&all, pos, totlen, &node)) {
			bad++;
			pos += 4;
			continue;
		}
		if (type == J_INODE && totlen >= 68) {
			struct dnode n = {
			    .ino = field(f, &node, 12, 4),
			    .version = field(f, &node, 16, 4),
			    .mode = field(f, &node, 20, 4),
			    .isize = field(f, &node, 28, 4),
			    .mtime = field(f, &node, 36, 4),
			    .offset = field(f, &node, 44, 4),
			    .csize = field(f, &node, 48, 4),
			    .dsize = field(f, &node, 52, 4),
			    .compr = (uint8_t)field(f, &node, 56, 1),
			};
			struct mtd_reader d;
			bool ok =
			    crc_ok(&node, 0, 60, field(f, &node, 64, 4)) && mtd_rd_window(&node, 68, n.csize, &d) &&
			    crc_ok(&node, 68, n.csize, field(f, &node, 60, 4)) && mtd_rd_bytes(&d, n.csize, &n.data);
			if (ok) {
				if (f->nnodes >= MAX_NODES ||
				    !grow((void **)&f->nodes, &f->capnodes, f->nnodes, sizeof(*f->nodes)))
					return MTD_ERR_LIMIT;
				f->nodes[f->nnodes++] = n;
			} else {
				bad++;
			}
		} else if (type == J_DIRENT && totlen >= 40) {
			uint32_t nsize = field(f, &node, 28, 1);
			struct mtd_reader nm;
			bool ok = crc_ok(&node, 0, 32, field(f, &node, 32, 4)) &&
			          crc_ok(&node, 40, nsize, field(f, &node, 36, 4)) &&
			          mtd_rd_window(&node, 40, nsize, &nm);
			if (ok) {
				if (f->ndents >= MAX_NODES ||
				    !grow((void **)&f->dents, &f->capdents, f->ndents, sizeof(*f->dents)))
					return MTD_ERR_LIMIT;
				struct dent *d = &f->dents[f->ndents++];
				d->pino = field(f, &node, 12, 4), d->version = field(f, &node, 16, 4);
				d->ino = field(f, &node, 20, 4), d->type = (uint8_t)field(f, &node, 29, 1);
				mtd_rd_copy(&nm, d->name, nsize);
				d->name[nsize] = 0;
			} else {
				bad++;
			}
		}
		pos += (totlen + 3u) & ~(size_t)3;
	}
	if (bad)
		mtd_sink_problem(sink, NULL, "%llu JFFS2 nodes failed their CRCs and were ignored",
		                 (unsigned long long)bad);
	return 0;
}

static bool rtime_decompress(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	struct mtd_reader r;
	size_t positions[256] = {0}, outpos = 0;
	mtd_rd_init(&r, in, inlen, 0);
	while (outpos < outlen) {
		uint8_t value, repeat8;
		if (!mtd_rd_u8(&r, &value) || !mtd_rd_u8(&r, &repeat8))
			return false;
		out[outpos++] = value;
		size_t repeat = repeat8, back = positions[value];
		positions[value] = outpos;
		if (!repeat)
			continue;
		if (repeat > outlen - outpos || back >= outpos)
			return false;
		while (repeat--)
			out[outpos++] = out[back++];
	}
	return true;
}

static bool decompress(const struct dnode *n, uint8_t *out)
{
	switch (n->compr) {
	case C_NONE:
	case C_COPY:
		if (n->csize < n->dsize)
			return false;
		memcpy(out, n->data, n->dsize);
		return true;
	case C_ZERO: memset(out, 0, n->dsize); return true;
	case C_RTIME: return rtime_decompress(n->data, n->csize, out, n->dsize);
	case C_ZLIB: {
		uLongf dl = n->dsize;
		return uncompress(out, &dl, n->data, n->csize) == Z_OK && dl == n->dsize;
	}
	case C_LZO: {
		lzo_uint dl = n->dsize;
		return lzo1x_decompress_safe(n->data, n->csize, out, &dl, NULL) == LZO_E_OK && dl == n->dsize;
	}
	case C_LZMA: {
		/* OpenWrt's JFFS2 LZMA: raw LZMA1, lc=0 lp=0 pb=0, 8 KiB dictionary */
		lzma_options_lzma opt = {.dict_size = 0x2000, .lc = 0, .lp = 0, .pb = 0};
		lzma_filter filters[] = {{LZMA_FILTER_LZMA1, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
		size_t ip = 0, op = 0;
		lzma_ret r = lzma_raw_buffer_decode(filters, NULL, n->data, &ip, n->csize, out, &op, n->dsize);
		return (r == LZMA_OK || r == LZMA_STREAM_END || r == LZMA_BUF_ERROR) && op == n->dsize;
	}
	default: return false;
	}
}

static int cmp_node(const void *a, const void *b)
{
	const struct dnode *x = a, *y = b;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->version < y->version ? -1 : x->version > y->version;
}

static int cmp_dent(const void *a, const void *b)
{
	const struct dent *x = a, *y = b;
	if (x->pino != y->pino)
		return x->pino < y->pino ? -1 : 1;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->version < y->version ? -1 : x->version > y->version;
}

/* Nodes of one inode: [*first, *end) in the sorted array. */
static bool find_inode(const struct fs *f, uint32_t ino, size_t *first, size_t *end)
{
	size_t lo = 0, hi = f->nnodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->nodes[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo < f->nnodes && f->nodes[lo].ino == ino)
		lo++;
	*end = lo;
	return *end > *first;
}

/* Rebuild an inode's content (newest node wins per byte); *out is malloc'd. */
static int inode_content(const struct fs *f, size_t first, size_t end, uint8_t **out, uint32_t *size,
                         struct mtd_fs_sink *sink, const char *path)
{
	uint32_t isize = f->nodes[end - 1].isize;
	if (isize > MAX_FILE) {
		mtd_sink_problem(sink, path, "file size %u over the %u byte limit: not extracted", isize, MAX_FILE);
		return MTD_ERR_LIMIT;
	}
	uint8_t *buf = calloc(1, isize ? isize : 1);
	uint8_t *tmp = NULL;
	if (!buf)
		return MTD_ERR_NOMEM;
	for (size_t i = first; i < end; i++) {
		const struct dnode *n = &f->nodes[i];
		if (!n->dsize)
			continue;
		if (n->dsize > 0x100000 || n->offset >= isize) {
			continue;
		}
		uint8_t *t = realloc(tmp, n->dsize);
		if (!t) {
			free(buf), free(tmp);
			return MTD_ERR_NOMEM;
		}
		tmp = t;
		if (!decompress(n, tmp)) {
			mtd_sink_problem(sink, path, "JFFS2 node version %u (compression %u) does not decode",
			                 n->version, n->compr);
			continue;
		}
		uint32_t len = n->dsize < isize - n->offset ? n->dsize : isize - n->offset;
		memcpy(buf + n->offset, tmp, len);
	}
	free(tmp);
	*out = buf;
	*size = isize;
	return 0;
}

static int emit(const struct fs *f, uint32_t ino, const char *path, int depth, struct mtd_fs_sink *sink);

static int emit_dir(const struct fs *f, uint32_t dino, const char *path, int depth, struct mtd_fs_sink *sink)
{
	/* dents are sorted by (pino, name, version): the last of each name run is the newest */
	size_t lo = 0, hi = f->ndents;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->dents[mid].pino < dino)
			lo = mid + 1;
		else
			hi = mid;
	}
	int rc = 0;
	for (size_t i = lo; i < f->ndents && f->dents[i].pino == dino && !rc; i++) {
		if (i + 1 < f->ndents && f->dents[i + 1].pino == dino &&
		    !strcmp(f->dents[i + 1].name, f->dents[i].name))
			continue;
		const struct dent *d = &f->dents[i];
		if (d->ino == 0 || !d->name[0])
			continue; /* deleted */
		char child[4096];
		if (snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "", d->name) >= (int)sizeof(child)) {
			mtd_sink_problem(sink, path, "path too long");
			continue;
		}
		rc = emit(f, d->ino, child, depth + 1, sink);
	}
	return rc;
}

static int emit(const struct fs *f, uint32_t ino, const char *path, int depth, struct mtd_fs_sink *sink)
{
	size_t first, end;
	if (sink->out->limit_hit)
		return MTD_ERR_LIMIT;
	if (depth > 128) {
		mtd_sink_problem(sink, path, "directory nesting deeper than 128 (a loop?): not followed");
		return 0;
	}
	if (!find_inode(f, ino, &first, &end)) {
		if (ino == 1)
			return emit_dir(f, 1, path, depth, sink);
		mtd_sink_problem(sink, path, "no inode node for inode %u", ino);
		return 0;
	}
	const struct dnode *meta = &f->nodes[end - 1];
	uint32_t mode = meta->mode;
	int rc = 0;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		rc = mtd_sink_dir(sink, path, mode & 07777, meta->mtime);
		return rc ? rc : emit_dir(f, ino, path, depth, sink);
	case S_IFREG:
	case S_IFLNK: {
		uint8_t *buf;
		uint32_t size;
		rc = inode_content(f, first, end, &buf, &size, sink, path);
		if (rc == MTD_ERR_LIMIT)
			return 0;
		if (rc)
			return rc;
		if (S_ISREG(mode)) {
			rc = mtd_sink_file(sink, path, mode & 07777, meta->mtime, buf, size);
		} else {
			char target[4097];
			size_t tl = size < 4096 ? size : 4096;
			memcpy(target, buf, tl);
			target[tl] = 0;
			rc = mtd_sink_symlink(sink, path, target, meta->mtime);
		}
		free(buf);
		return rc;
	}
	default: {
		uint32_t major = 0, minor = 0;
		if ((S_ISCHR(mode) || S_ISBLK(mode)) && meta->csize >= 2) {
			struct mtd_reader dv;
			mtd_rd_init(&dv, meta->data, meta->csize, 0);
			uint32_t dev = field(f, &dv, 0, meta->csize >= 4 ? 4 : 2);
			major = meta->csize >= 4 ? (dev >> 8) & 0xfff : dev >> 8;
			minor = meta->csize >= 4 ? (dev & 0xff) | ((dev >> 12) & 0xfff00) : dev & 0xff;
		}
		return mtd_sink_special(sink, path, mode, major, minor);
	}
	}
}

int mtd_unpack_jffs2(const uint8_t *data, uint64_t len, struct mtd_fs_sink *sink)
{
	struct fs f = {0};
	if (len < 12)
		return 0;
	f.be = data[0] == 0x19 && data[1] == 0x85; /* len >= 12 checked above */
	int rc = collect(&f, data, len, sink);
	if (!rc) {
		if (f.nnodes)
			qsort(f.nodes, f.nnodes, sizeof(*f.nodes), cmp_node);
		if (f.ndents)
			qsort(f.dents, f.ndents, sizeof(*f.dents), cmp_dent);
		rc = mtd_sink_dir(sink, "", 0755, -1);
		if (!rc)
			rc = emit_dir(&f, 1, "", 0, sink);
	}
	free(f.nodes);
	free(f.dents);
	return rc == MTD_ERR_LIMIT ? rc : 0;
}
