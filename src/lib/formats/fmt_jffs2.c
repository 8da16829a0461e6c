/* SPDX-License-Identifier: MIT */
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include <mtdscope/extract.h>

#include "../extract/outdir.h"
#include "format.h"

/*
 * JFFS2 (include/uapi/linux/jffs2.h): a log of nodes, each starting with a
 * 12-byte header {magic 0x1985, nodetype, totlen, hdr_crc} in the flash's
 * endianness, 4-byte aligned.  CRCs are Linux crc32 seeded with 0 and not
 * inverted.  The 2-byte magic is too weak for the magic filter, so the probe
 * is anchored at 4 KiB boundaries (erase blocks start there) and rejects on
 * the first two bytes.
 *
 * One component per filesystem: the walk goes over consecutive nodes, the
 * 0xFF tails of erase blocks and the cleanmarkers that open the next ones,
 * and ends after the last node that belongs to the log.  A node whose header
 * CRC fails is skipped word by word as the kernel does (bounded resync); a
 * node whose body or data CRC fails is counted and stepped over by totlen.
 *
 * The unpacker collects every node whose CRCs hold (hdr_decode, inode_decode
 * and dirent_decode serve both), orders them, rebuilds each inode's data by
 * applying its data nodes oldest first, and resolves names from the newest
 * directory entries (an entry pointing to inode 0 is a deletion).
 */

#define HDR        12u
#define MAGIC      0x1985u
#define ACCURATE   0x2000u
#define T_DIRENT   0xe001u
#define T_INODE    0xe002u
#define T_CLEAN    0x2003u
#define T_PAD      0x2004u
#define T_SUMMARY  0x2006u
#define T_XATTR    0xe008u
#define T_XREF     0xe009u
#define RESYNC_MAX (8u << 10) /* past one data node (<= 4 KiB of data + header) */
#define MAX_NODE   (16u << 20)
#define INO_BITS   65536u

struct walk {
	bool be;
	uint64_t nodes, inodes, dirents, unlinks, clean, pad, summary, xattr, other, obsolete;
	uint64_t bad_hdr, bad_node, bad_data, bad_name, garbage;
	uint32_t max_ino, compr_mask;
	uint64_t first_clean, erase_size;
	uint64_t first_bad;
	bool have_first_clean, have_bad;
	/* distinct inode numbers of inode nodes: exact below INO_BITS, counted apart above */
	uint8_t seen[INO_BITS / 8];
	uint64_t distinct, high_inos;
};

/* ---- node decoders ---- */

static uint32_t field(bool be, const struct mtd_reader *n, size_t at, unsigned width)
{
	return (uint32_t)mtd_rd_field(n, at, width, be);
}

/* CRC (seed 0, as JFFS2 stores it) of [at, at+len) of n equals `want`; false when outside n. */
static bool crc_ok(const struct mtd_reader *n, size_t at, size_t len, uint32_t want)
{
	uint32_t c;
	return mtd_rd_crc32_raw(n, at, len, 0, &c) && c == want;
}

struct node_hdr {
	uint16_t type;
	uint32_t totlen;
	bool magic, crc_ok;
};

/* The 12-byte header at the start of n (false when shorter). */
static bool hdr_decode(const struct mtd_reader *n, bool be, struct node_hdr *h)
{
	struct mtd_reader b;
	if (!mtd_rd_window(n, 0, HDR, &b))
		return false;
	h->magic = field(be, &b, 0, 2) == MAGIC;
	h->type = (uint16_t)field(be, &b, 2, 2);
	h->totlen = field(be, &b, 4, 4);
	h->crc_ok = crc_ok(&b, 0, 8, field(be, &b, 8, 4));
	return true;
}

struct inode_node {
	uint32_t ino, version, mode, isize, mtime, offset, csize, dsize;
	uint8_t compr;
	bool node_ok, data_ok;
	struct mtd_reader payload; /* csize bytes when data_ok */
};

/* An inode node of totlen bytes at the start of n; false when too short to be one. */
static bool inode_decode(const struct mtd_reader *n, uint32_t totlen, bool be, struct inode_node *i)
{
	if (totlen < 68)
		return false;
	i->ino = field(be, n, 12, 4), i->version = field(be, n, 16, 4), i->mode = field(be, n, 20, 4);
	i->isize = field(be, n, 28, 4), i->mtime = field(be, n, 36, 4), i->offset = field(be, n, 44, 4);
	i->csize = field(be, n, 48, 4), i->dsize = field(be, n, 52, 4), i->compr = (uint8_t)field(be, n, 56, 1);
	i->node_ok = crc_ok(n, 0, 60, field(be, n, 64, 4));
	i->data_ok = i->csize <= totlen - 68 && mtd_rd_window(n, 68, i->csize, &i->payload) &&
	             crc_ok(n, 68, i->csize, field(be, n, 60, 4));
	return true;
}

struct dirent_node {
	uint32_t pino, version, ino;
	uint8_t nsize, type;
	bool node_ok, name_ok;
	struct mtd_reader name; /* nsize bytes when name_ok */
};

static bool dirent_decode(const struct mtd_reader *n, uint32_t totlen, bool be, struct dirent_node *d)
{
	if (totlen < 40)
		return false;
	d->pino = field(be, n, 12, 4), d->version = field(be, n, 16, 4), d->ino = field(be, n, 20, 4);
	d->nsize = (uint8_t)field(be, n, 28, 1), d->type = (uint8_t)field(be, n, 29, 1);
	d->node_ok = crc_ok(n, 0, 32, field(be, n, 32, 4));
	d->name_ok = d->nsize <= totlen - 40 && mtd_rd_window(n, 40, d->nsize, &d->name) &&
	             crc_ok(n, 40, d->nsize, field(be, n, 36, 4));
	return true;
}

/* ---- scan ---- */

static const char *compr_name(unsigned c)
{
	static const char *const t[] = {"none", "zero", "rtime", "rubin", "copy", "dynrubin", "zlib", "lzo", "lzma"};
	return c < sizeof(t) / sizeof(t[0]) ? t[c] : "unknown";
}

/* A node header at `at` of r: valid magic, sane totlen within the space, header CRC ok. */
static bool header_ok(const struct walk *w, const struct mtd_reader *r, uint64_t at)
{
	struct mtd_reader n;
	struct node_hdr h;
	if (!mtd_rd_window(r, (size_t)at, mtd_rd_left(r) - (size_t)at, &n) || !hdr_decode(&n, w->be, &h))
		return false;
	return h.magic && h.totlen >= HDR && h.totlen <= MAX_NODE && h.totlen <= mtd_rd_left(&n) && h.crc_ok;
}

static void note_bad(struct walk *w, uint64_t at)
{
	if (!w->have_bad) {
		w->first_bad = at;
		w->have_bad = true;
	}
}

static void check_node(struct walk *w, const struct mtd_reader *b, uint16_t type, uint32_t totlen, uint64_t at)
{
	w->nodes++;
	if (!(type & ACCURATE))
		w->obsolete++;
	switch (type | ACCURATE) {
	case T_INODE: {
		struct inode_node i;
		w->inodes++;
		if (!inode_decode(b, totlen, w->be, &i) || !i.node_ok) {
			w->bad_node++, note_bad(w, at);
			break;
		}
		if (i.ino > w->max_ino)
			w->max_ino = i.ino;
		if (i.ino < INO_BITS) {
			if (!(w->seen[i.ino / 8] & (1u << (i.ino % 8))))
				w->distinct++;
			w->seen[i.ino / 8] |= (uint8_t)(1u << (i.ino % 8));
		} else {
			w->high_inos++;
		}
		w->compr_mask |= 1u << (i.compr < 31 ? i.compr : 31);
		if (!i.data_ok)
			w->bad_data++, note_bad(w, at);
		break;
	}
	case T_DIRENT: {
		struct dirent_node d;
		w->dirents++;
		if (!dirent_decode(b, totlen, w->be, &d) || !d.node_ok) {
			w->bad_node++, note_bad(w, at);
			break;
		}
		if (d.ino == 0)
			w->unlinks++;
		if (!d.name_ok)
			w->bad_name++, note_bad(w, at);
		break;
	}
	case T_CLEAN:
		w->clean++;
		if (!w->have_first_clean) {
			w->first_clean = at;
			w->have_first_clean = true;
		} else if (!w->erase_size) {
			w->erase_size = at - w->first_clean;
		}
		break;
	case T_PAD: w->pad++; break;
	case T_SUMMARY: w->summary++; break;
	case T_XATTR:
	case T_XREF: w->xattr++; break;
	default: w->other++; break;
	}
}

/* Offset of the first non-0xFF 32-bit word at or after pos (4-aligned, relative to r), or len. */
static uint64_t skip_erased(const struct mtd_reader *r, uint64_t pos, uint64_t len)
{
	while (pos + 8 <= len && mtd_rd_uniform_at(r, (size_t)pos, 8, 0xff))
		pos += 8;
	while (pos + 4 <= len && mtd_rd_uniform_at(r, (size_t)pos, 4, 0xff))
		pos += 4;
	return pos + 4 <= len ? pos : len;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	struct node_hdr h0;
	mtd_probe_reader(p, &r);
	/* anchored at every 4 KiB: reject in two byte compares before any work */
	bool be;
	if (mtd_rd_eq_at(&r, 0, "\x19\x85", 2))
		be = true;
	else if (mtd_rd_eq_at(&r, 0, "\x85\x19", 2))
		be = false;
	else
		return MTD_ERR_NO_MATCH;
	if (!hdr_decode(&r, be, &h0))
		return MTD_ERR_NO_MATCH;
	uint16_t t0 = h0.type | ACCURATE;
	if (t0 != T_DIRENT && t0 != T_INODE && t0 != T_CLEAN && t0 != T_PAD && t0 != T_SUMMARY && t0 != T_XATTR &&
	    t0 != T_XREF)
		return MTD_ERR_NO_MATCH;
	if (h0.totlen < HDR || h0.totlen > MAX_NODE || !h0.crc_ok)
		return MTD_ERR_NO_MATCH;

	struct walk *w = calloc(1, sizeof(*w));
	if (!w)
		return MTD_ERR_NOMEM;
	w->be = be;
	/* positions are relative to the component start */
	uint64_t len = mtd_rd_left(&r), pos = 0, end = 0;
	bool truncated = false;
	while (pos + HDR <= len) {
		struct mtd_reader b;
		struct node_hdr h;
		mtd_rd_window(&r, (size_t)pos, (size_t)(len - pos), &b);
		if (hdr_decode(&b, w->be, &h) && h.magic && h.crc_ok) {
			if (h.totlen >= HDR && h.totlen <= MAX_NODE && h.totlen > len - pos) {
				truncated = true;
				end = len;
				break;
			}
			if (h.totlen >= HDR && h.totlen <= MAX_NODE) {
				struct mtd_reader node;
				mtd_rd_window(&b, 0, h.totlen, &node);
				check_node(w, &node, h.type, h.totlen, p->off + pos);
				/* the 4-byte alignment after a node belongs to it */
				pos = (pos + h.totlen + 3) & ~(uint64_t)3;
				if (pos > len)
					pos = len;
				end = pos;
				continue;
			}
		}
		if (h.magic) {
			/* magic with a broken header: skip it word by word, as the kernel does */
			w->bad_hdr++;
			note_bad(w, p->off + pos);
		} else if (mtd_rd_uniform_at(&b, 0, 4, 0xff)) {
			/* erased tail of a block: continue only if a node follows */
			uint64_t next = skip_erased(&r, pos, len);
			if (next + HDR > len || !header_ok(w, &r, next))
				break;
			pos = next;
			continue;
		}
		/* garbage right after the log: resync on the next good header, a bounded distance ahead */
		uint64_t limit = pos + RESYNC_MAX < len ? pos + RESYNC_MAX : len, k = pos + 4, found = 0;
		for (; k + HDR <= limit; k += 4)
			if (header_ok(w, &r, k)) {
				found = k;
				break;
			}
		if (!found)
			break;
		if (!h.magic) {
			w->garbage += found - pos;
			note_bad(w, p->off + pos);
		}
		pos = found;
	}
	if (end == 0) {
		free(w);
		return MTD_ERR_NO_MATCH;
	}

	p->size = end;
	p->valid = !truncated && !w->have_bad;
	mtd_probe_str(p, "endian", true, "%s", w->be ? "big" : "little");
	mtd_probe_u64(p, "nodes", true, w->nodes);
	mtd_probe_u64(p, "inode_nodes", false, w->inodes);
	mtd_probe_u64(p, "dirent_nodes", false, w->dirents);
	mtd_probe_u64(p, "unlink_nodes", false, w->unlinks);
	mtd_probe_u64(p, "cleanmarkers", false, w->clean);
	mtd_probe_u64(p, "padding_nodes", false, w->pad);
	mtd_probe_u64(p, "summary_nodes", false, w->summary);
	if (w->xattr)
		mtd_probe_u64(p, "xattr_nodes", false, w->xattr);
	if (w->other)
		mtd_probe_u64(p, "unknown_nodes", false, w->other);
	mtd_probe_u64(p, "obsolete_nodes", false, w->obsolete);
	mtd_probe_u64(p, "highest_inode", false, w->max_ino);
	if (!w->high_inos)
		mtd_probe_u64(p, "inodes", true, w->distinct);
	for (unsigned c = 0; c < 32; c++)
		if (w->compr_mask & (1u << c))
			mtd_probe_list_add(p, "compression", false, "%s", compr_name(c));
	if (w->erase_size)
		mtd_probe_hex(p, "erase_size", false, w->erase_size);
	uint64_t bad = w->bad_hdr + w->bad_node + w->bad_data + w->bad_name;
	mtd_probe_u64(p, "bad_crc", true, bad);
	if (w->bad_hdr)
		mtd_probe_problem(p, "%llu node headers fail their CRC (first bad node at 0x%llx)",
		                  (unsigned long long)w->bad_hdr, (unsigned long long)w->first_bad);
	if (w->bad_node)
		mtd_probe_problem(p, "%llu node bodies fail their CRC", (unsigned long long)w->bad_node);
	if (w->bad_data)
		mtd_probe_problem(p, "%llu inode nodes fail their data CRC", (unsigned long long)w->bad_data);
	if (w->bad_name)
		mtd_probe_problem(p, "%llu directory entries fail their name CRC", (unsigned long long)w->bad_name);
	if (w->garbage)
		mtd_probe_problem(p, "0x%llx bytes between nodes are not JFFS2", (unsigned long long)w->garbage);
	if (bad && !w->bad_hdr)
		mtd_probe_str(p, "first_bad_node", false, "0x%llx", (unsigned long long)w->first_bad);
	if (truncated)
		mtd_probe_problem(p, "truncated: the last node runs past the end of the space");
	free(w);
	return MTD_OK;
}

/* ---- extract ---- */

#define MAX_FILE  (256u << 20)
#define MAX_NODES 4000000u

enum { C_NONE = 0, C_ZERO = 1, C_RTIME = 2, C_COPY = 4, C_ZLIB = 6, C_LZO = 7, C_LZMA = 8 };

struct dent {
	uint32_t pino, version, ino;
	uint8_t type;
	char name[256];
};

struct fs {
	bool be;
	struct inode_node *nodes;
	size_t nnodes, capnodes;
	struct dent *dents;
	size_t ndents, capdents;
	/* directories already emitted, by the index of their newest inode node (and the root): a
	 * directory named twice (hard-linked, or its own child) is emitted once, not once per path,
	 * which would be exponential in the depth */
	uint8_t *dir_seen;
};

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

static int collect(struct fs *f, const struct mtd_reader *all, struct mtd_fs_sink *sink)
{
	uint64_t bad = 0;
	for (size_t pos = 0; pos + 12 <= mtd_rd_left(all);) {
		struct mtd_reader node;
		struct node_hdr h;
		mtd_rd_window(all, pos, mtd_rd_left(all) - pos, &node);
		if (!hdr_decode(&node, f->be, &h) || !h.magic) {
			pos += 4;
			continue;
		}
		if (h.totlen < 12 || !h.crc_ok || !mtd_rd_window(all, pos, h.totlen, &node)) {
			bad++;
			pos += 4;
			continue;
		}
		struct inode_node in;
		struct dirent_node de;
		if (h.type == T_INODE && inode_decode(&node, h.totlen, f->be, &in)) {
			if (in.node_ok && in.data_ok) {
				if (f->nnodes >= MAX_NODES ||
				    !grow((void **)&f->nodes, &f->capnodes, f->nnodes, sizeof(*f->nodes)))
					return MTD_ERR_LIMIT;
				f->nodes[f->nnodes++] = in;
			} else {
				bad++;
			}
		} else if (h.type == T_DIRENT && dirent_decode(&node, h.totlen, f->be, &de)) {
			if (de.node_ok && de.name_ok) {
				if (f->ndents >= MAX_NODES ||
				    !grow((void **)&f->dents, &f->capdents, f->ndents, sizeof(*f->dents)))
					return MTD_ERR_LIMIT;
				struct dent *d = &f->dents[f->ndents++];
				d->pino = de.pino, d->version = de.version, d->ino = de.ino, d->type = de.type;
				mtd_rd_copy_at(&de.name, 0, d->name, de.nsize);
				d->name[de.nsize] = 0;
			} else {
				bad++;
			}
		}
		pos += (h.totlen + 3u) & ~(size_t)3;
	}
	if (bad)
		mtd_sink_problem(sink, NULL, "%llu JFFS2 nodes failed their CRCs and were ignored",
		                 (unsigned long long)bad);
	return 0;
}

static bool rtime_decompress(const struct mtd_reader *in, uint8_t *out, size_t outlen)
{
	struct mtd_reader r = *in;
	size_t positions[256] = {0}, outpos = 0;
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

static bool decompress(const struct inode_node *n, uint8_t *out)
{
	const uint8_t *in = NULL;
	if (!mtd_rd_bytes_at(&n->payload, 0, n->csize, &in)) /* the whole reader: csize bytes */
		return false;
	switch (n->compr) {
	case C_NONE:
	case C_COPY: return n->csize >= n->dsize && mtd_rd_copy_at(&n->payload, 0, out, n->dsize);
	case C_ZERO: memset(out, 0, n->dsize); return true;
	case C_RTIME: return rtime_decompress(&n->payload, out, n->dsize);
	case C_ZLIB: {
		uLongf dl = n->dsize;
		return uncompress(out, &dl, in, n->csize) == Z_OK && dl == n->dsize;
	}
	case C_LZO: {
		lzo_uint dl = n->dsize;
		return lzo1x_decompress_safe(in, n->csize, out, &dl, NULL) == LZO_E_OK && dl == n->dsize;
	}
	case C_LZMA: {
		/* OpenWrt's JFFS2 LZMA: raw LZMA1, lc=0 lp=0 pb=0, 8 KiB dictionary */
		lzma_options_lzma opt = {.dict_size = 0x2000, .lc = 0, .lp = 0, .pb = 0};
		lzma_filter filters[] = {{LZMA_FILTER_LZMA1, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
		size_t ip = 0, op = 0;
		lzma_ret r = lzma_raw_buffer_decode(filters, NULL, in, &ip, n->csize, out, &op, n->dsize);
		return (r == LZMA_OK || r == LZMA_STREAM_END || r == LZMA_BUF_ERROR) && op == n->dsize;
	}
	default: return false;
	}
}

static int cmp_node(const void *a, const void *b)
{
	const struct inode_node *x = a, *y = b;
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
		const struct inode_node *n = &f->nodes[i];
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
		if (ino == 1) {
			if (*path) {
				mtd_sink_problem(sink, path, "names the root directory again (a loop): not followed");
				return 0;
			}
			return emit_dir(f, 1, path, depth, sink);
		}
		mtd_sink_problem(sink, path, "no inode node for inode %u", ino);
		return 0;
	}
	const struct inode_node *meta = &f->nodes[end - 1];
	uint32_t mode = meta->mode;
	int rc = 0;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		if (f->dir_seen[end - 1]) {
			mtd_sink_problem(sink, path,
			                 "directory inode %u is named a second time (a loop or a hard-linked "
			                 "directory): not followed",
			                 ino);
			return 0;
		}
		f->dir_seen[end - 1] = 1;
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
			uint32_t dev = field(f->be, &meta->payload, 0, meta->csize >= 4 ? 4 : 2);
			major = meta->csize >= 4 ? (dev >> 8) & 0xfff : dev >> 8;
			minor = meta->csize >= 4 ? (dev & 0xff) | ((dev >> 12) & 0xfff00) : dev & 0xff;
		}
		return mtd_sink_special(sink, path, mode, major, minor);
	}
	}
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	struct fs f = {0};
	if (mtd_rd_left(in) < 12)
		return 0;
	f.be = mtd_rd_eq_at(in, 0, "\x19\x85", 2);
	int rc = collect(&f, in, sink);
	if (!rc) {
		if (f.nnodes)
			qsort(f.nodes, f.nnodes, sizeof(*f.nodes), cmp_node);
		if (f.ndents)
			qsort(f.dents, f.ndents, sizeof(*f.dents), cmp_dent);
		f.dir_seen = calloc(f.nnodes ? f.nnodes : 1, 1);
		rc = f.dir_seen ? mtd_sink_dir(sink, "", 0755, -1) : MTD_ERR_NOMEM;
		size_t rfirst, rend;
		if (!rc && find_inode(&f, 1, &rfirst, &rend))
			f.dir_seen[rend - 1] = 1; /* the root, emitted here */
		if (!rc)
			rc = emit_dir(&f, 1, "", 0, sink);
	}
	free(f.dir_seen);
	free(f.nodes);
	free(f.dents);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
}

const struct mtd_format mtd_fmt_jffs2 = {
    .name = "jffs2",
    .anchor_align = 4096,
    .probe = probe,
    .unpack = unpack,
};
