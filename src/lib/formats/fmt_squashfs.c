/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <lzo/lzo1x.h>
#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include <mtdscope/extract.h>

#include "../extract/outdir.h"
#include "format.h"

/*
 * SquashFS.  Version 4.0 (little-endian "hsqs", what mksquashfs writes) is
 * checked in full: a 96-byte superblock whose table offsets must be ordered
 * inside bytes_used, then the root directory is listed with libsquashfs
 * through a sqfs_file_t that can only read inside [start, start+bytes_used).
 * bytes_used is the exact extent (mksquashfs pads the file to 4 KiB after
 * it; that padding is not part of the filesystem).  Versions 2 and 3 (both
 * endiannesses, also the vendor magics "shsq"/"qshs") get superblock fields
 * and the extent only.  SquashFS has no checksums: valid means the structure
 * held and the root directory could be read.
 *
 * The unpacker reads the same superblock decoder (sb_decode) and opens the
 * image with the same sqfs_file_t and compressor (open_compressor: liblzo2
 * for LZO, which Debian's libsquashfs is built without) as the probe.
 */

#define SB_SIZE          96u
#define ROOT_LIST_MAX    64u
#define ROOT_ENTRIES_MAX 100000u

static const char *comp_name(unsigned id)
{
	static const char *const t[] = {"unknown", "gzip", "lzma", "lzo", "xz", "lz4", "zstd"};
	return id < sizeof(t) / sizeof(t[0]) ? t[id] : "unknown";
}

static void add_time(struct mtd_probe *p, const char *key, uint32_t v)
{
	time_t t = (time_t)v;
	struct tm tm;
	char buf[32];
	if (v && gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		mtd_probe_str(p, key, false, "%s", buf);
}

/* ---- a sqfs_file_t that reads only through a reader over the component ---- */

struct span_file {
	sqfs_file_t base;
	struct mtd_reader in;
};

static int span_read_at(sqfs_file_t *f, sqfs_u64 off, void *buf, size_t n)
{
	const struct span_file *s = (const struct span_file *)f;
	if (off > SIZE_MAX || !mtd_rd_copy_at(&s->in, (size_t)off, buf, n))
		return SQFS_ERROR_OUT_OF_BOUNDS;
	return 0;
}

static int span_write_at(sqfs_file_t *f, sqfs_u64 off, const void *buf, size_t n)
{
	(void)f, (void)off, (void)buf, (void)n;
	return SQFS_ERROR_IO;
}

static sqfs_u64 span_get_size(const sqfs_file_t *f)
{
	return mtd_rd_left(&((const struct span_file *)f)->in);
}

static int span_truncate(sqfs_file_t *f, sqfs_u64 size)
{
	(void)f, (void)size;
	return SQFS_ERROR_IO;
}

static void noop_destroy(sqfs_object_t *o)
{
	(void)o;
}

/* ---- LZO: Debian's libsquashfs is built without it, liblzo2 decodes the blocks ---- */

static sqfs_s32 lzo_do_block(sqfs_compressor_t *cmp, const sqfs_u8 *in, sqfs_u32 size, sqfs_u8 *out, sqfs_u32 outsize)
{
	(void)cmp;
	lzo_uint outlen = outsize;
	if (lzo1x_decompress_safe(in, size, out, &outlen, NULL) != LZO_E_OK || outlen > outsize)
		return SQFS_ERROR_COMPRESSOR;
	return (sqfs_s32)outlen;
}

static int lzo_read_options(sqfs_compressor_t *cmp, sqfs_file_t *file)
{
	(void)cmp, (void)file;
	return 0;
}

static const char *sqfs_err_text(int e)
{
	switch (e) {
	case SQFS_ERROR_ALLOC: return "out of memory";
	case SQFS_ERROR_IO: return "read error";
	case SQFS_ERROR_COMPRESSOR: return "a metadata block does not decompress";
	case SQFS_ERROR_CORRUPTED: return "corrupted metadata";
	case SQFS_ERROR_UNSUPPORTED: return "unsupported feature";
	case SQFS_ERROR_OVERFLOW: return "size overflow";
	case SQFS_ERROR_OUT_OF_BOUNDS: return "a table points past bytes_used";
	case SQFS_ERROR_SUPER_BLOCK_SIZE: return "bad block size";
	case SQFS_ERROR_NOT_DIR: return "root inode is not a directory";
	default: return "libsquashfs error";
	}
}

static void span_file_init(struct span_file *f, const struct mtd_reader *in)
{
	memset(f, 0, sizeof(*f));
	f->base.base.destroy = noop_destroy;
	f->base.read_at = span_read_at;
	f->base.write_at = span_write_at;
	f->base.get_size = span_get_size;
	f->base.truncate = span_truncate;
	f->in = *in;
}

/*
 * The decompressor for the image: libsquashfs's, or *lzo (liblzo2) for LZO.
 * NULL with *why set when there is none.  Free with close_compressor().
 */
static sqfs_compressor_t *open_compressor(const sqfs_super_t *super, sqfs_file_t *file, sqfs_compressor_t *lzo,
                                          int *err, const char **why)
{
	sqfs_compressor_t *cmp = NULL;
	if (super->compression_id == SQFS_COMP_LZO) {
		if (lzo_init() != LZO_E_OK) {
			*why = "liblzo2 failed to initialise";
			return NULL;
		}
		memset(lzo, 0, sizeof(*lzo));
		lzo->base.destroy = noop_destroy;
		lzo->read_options = lzo_read_options;
		lzo->do_block = lzo_do_block;
		return lzo;
	}
	sqfs_compressor_config_t cfg;
	*err = sqfs_compressor_config_init(&cfg, (SQFS_COMPRESSOR)super->compression_id, super->block_size,
	                                   SQFS_COMP_FLAG_UNCOMPRESS);
	if (!*err)
		*err = sqfs_compressor_create(&cfg, &cmp);
	if (*err) {
		*why = "compressor not available to libsquashfs";
		return NULL;
	}
	if (super->flags & SQFS_FLAG_COMPRESSOR_OPTIONS) {
		*err = cmp->read_options(cmp, file);
		if (*err) {
			sqfs_destroy(cmp);
			*why = "compressor options unreadable";
			return NULL;
		}
	}
	return cmp;
}

static void close_compressor(sqfs_compressor_t *cmp, const sqfs_compressor_t *lzo)
{
	if (cmp && cmp != lzo)
		sqfs_destroy(cmp);
}

static char type_char(unsigned t)
{
	switch (t) {
	case SQFS_INODE_DIR:
	case SQFS_INODE_EXT_DIR: return '/';
	case SQFS_INODE_SLINK:
	case SQFS_INODE_EXT_SLINK: return '@';
	default: return 0;
	}
}

/* List the root directory; returns NULL on success or the reason it failed. */
static const char *list_root(struct mtd_probe *p, const struct mtd_reader *in, int *err)
{
	struct span_file f;
	sqfs_super_t super;
	sqfs_compressor_t lzo;
	sqfs_compressor_t *cmp = NULL;
	sqfs_dir_reader_t *dr = NULL;
	sqfs_inode_generic_t *root = NULL;
	const char *why = NULL;

	span_file_init(&f, in);
	*err = sqfs_super_read(&super, &f.base);
	if (*err)
		return "superblock rejected by libsquashfs";
	cmp = open_compressor(&super, &f.base, &lzo, err, &why);
	if (!cmp)
		return why;
	dr = sqfs_dir_reader_create(&super, cmp, &f.base, 0);
	if (!dr) {
		*err = SQFS_ERROR_ALLOC;
		why = "cannot create a directory reader";
		goto out;
	}
	*err = sqfs_dir_reader_get_root_inode(dr, &root);
	if (*err) {
		why = "root inode unreadable";
		goto out;
	}
	*err = sqfs_dir_reader_open_dir(dr, root, 0);
	if (*err) {
		why = "root directory unreadable";
		goto out;
	}
	uint64_t n = 0;
	for (;;) {
		sqfs_dir_entry_t *ent = NULL;
		int rc = sqfs_dir_reader_read(dr, &ent);
		if (rc > 0)
			break;
		if (rc < 0) {
			*err = rc;
			why = "root directory listing broken";
			break;
		}
		if (n < ROOT_LIST_MAX) {
			char c = type_char(ent->type);
			int len = (int)ent->size + 1;
			if (c)
				mtd_probe_list_add(p, "root", false, "%.*s%c", len, (const char *)ent->name, c);
			else
				mtd_probe_list_add(p, "root", false, "%.*s", len, (const char *)ent->name);
		}
		sqfs_free(ent);
		if (++n >= ROOT_ENTRIES_MAX) {
			why = "root directory has too many entries";
			*err = SQFS_ERROR_OVERFLOW;
			break;
		}
	}
	mtd_probe_u64(p, "root_entries", false, n);
out:
	sqfs_free(root);
	sqfs_destroy(dr);
	close_compressor(cmp, &lzo);
	return why;
}

/* The fields of a version 4.0 superblock (a 96-byte copy) that the probe and the unpacker check. */
struct sb4 {
	uint32_t inodes, mtime, bsize, frags;
	uint16_t comp, blog, flags, ids;
	uint64_t used, id_tab, inode_tab, dir_tab;
};

/* false: a stray "hsqs", not a filesystem */
static bool sb4_decode_endian(const uint8_t sb[SB_SIZE], struct sb4 *s, bool be)
{
	uint32_t (*u32)(const uint8_t *) = be ? mtd_be32 : mtd_le32;
	uint16_t (*u16)(const uint8_t *) = be ? mtd_be16 : mtd_le16;
	uint64_t (*u64)(const uint8_t *) = be ? mtd_be64 : mtd_le64;
	s->inodes = u32(sb + 4), s->mtime = u32(sb + 8), s->bsize = u32(sb + 12);
	s->frags = u32(sb + 16);
	s->comp = u16(sb + 20), s->blog = u16(sb + 22), s->flags = u16(sb + 24);
	s->ids = u16(sb + 26);
	s->used = u64(sb + 40), s->id_tab = u64(sb + 48), s->inode_tab = u64(sb + 64);
	s->dir_tab = u64(sb + 72);
	return u16(sb + 28) == 4 && u16(sb + 30) == 0 && s->blog >= 12 && s->blog <= 20 && s->bsize == 1u << s->blog &&
	       s->comp >= 1 && s->comp <= 6 && s->used >= SB_SIZE && s->inode_tab >= SB_SIZE &&
	       s->dir_tab >= s->inode_tab && s->dir_tab < s->used && s->id_tab < s->used && s->inodes != 0;
}

static bool sb4_decode(const uint8_t sb[SB_SIZE], struct sb4 *s)
{
	return sb4_decode_endian(sb, s, false);
}

/*
 * Big-endian squashfs 4.0 ("sqsh", from old big-endian vendor builds of
 * mksquashfs): the same superblock with every field big-endian.  The extent
 * and the superblock fields are exact; libsquashfs reads little-endian
 * images only, so the root is not listed and extract carves the bytes.
 */
static int probe_v4_be(struct mtd_probe *p, const uint8_t sb[SB_SIZE])
{
	struct sb4 s;
	if (!sb4_decode_endian(sb, &s, true))
		return MTD_ERR_NO_MATCH;
	uint64_t avail = p->len - p->off;
	p->valid = true;
	p->size = s.used;
	mtd_probe_str(p, "version", false, "4.0");
	mtd_probe_str(p, "endian", false, "big");
	mtd_probe_str(p, "compression", true, "%s", comp_name(s.comp));
	mtd_probe_u64(p, "block_size", true, s.bsize);
	mtd_probe_u64(p, "inodes", true, s.inodes);
	mtd_probe_u64(p, "bytes_used", true, s.used);
	mtd_probe_u64(p, "fragments", false, s.frags);
	mtd_probe_u64(p, "ids", false, s.ids);
	mtd_probe_hex(p, "flags", false, s.flags);
	add_time(p, "mkfs_time", s.mtime);
	mtd_probe_str(p, "note", false,
	              "big-endian squashfs 4.0: superblock only (libsquashfs reads little-endian images)");
	if (s.used > avail) {
		mtd_probe_problem(p, "truncated: bytes_used is 0x%llx, only 0x%llx present", (unsigned long long)s.used,
		                  (unsigned long long)avail);
		p->size = avail;
		p->valid = false;
	}
	return MTD_OK;
}

static int probe_v4(struct mtd_probe *p, const struct mtd_reader *r, const uint8_t sb[SB_SIZE], const char *magic)
{
	struct sb4 s;
	if (!sb4_decode(sb, &s))
		return MTD_ERR_NO_MATCH;
	uint32_t inodes = s.inodes, mtime = s.mtime, bsize = s.bsize, frags = s.frags;
	uint16_t comp = s.comp, flags = s.flags, ids = s.ids;
	uint64_t used = s.used;

	uint64_t avail = p->len - p->off;
	p->valid = true;
	p->size = used;
	mtd_probe_str(p, "version", false, "4.0");
	mtd_probe_str(p, "compression", true, "%s", comp_name(comp));
	mtd_probe_u64(p, "block_size", true, bsize);
	mtd_probe_u64(p, "inodes", true, inodes);
	mtd_probe_u64(p, "bytes_used", true, used);
	mtd_probe_u64(p, "fragments", false, frags);
	mtd_probe_u64(p, "ids", false, ids);
	mtd_probe_hex(p, "flags", false, flags);
	if (strcmp(magic, "hsqs") != 0)
		mtd_probe_str(p, "magic", false, "%s", magic);
	add_time(p, "mkfs_time", mtime);
	uint64_t span = used;
	if (used > avail) {
		mtd_probe_problem(p, "truncated: bytes_used is 0x%llx, only 0x%llx present", (unsigned long long)used,
		                  (unsigned long long)avail);
		p->size = avail;
		p->valid = false;
		span = avail;
	}
	int err = 0;
	struct mtd_reader win;
	mtd_rd_window(r, 0, (size_t)span, &win);
	const char *why = list_root(p, &win, &err);
	if (why) {
		mtd_probe_problem(p, "%s (%s)", why, sqfs_err_text(err));
		p->valid = false;
	}
	return MTD_OK;
}

/* SquashFS 2.x/3.x: only the superblock (layout from squashfs-tools 3.x squashfs_fs.h). */
static int probe_v3(struct mtd_probe *p, const uint8_t sb[SB_SIZE], bool be, const char *magic)
{
	uint32_t (*u32)(const uint8_t *) = be ? mtd_be32 : mtd_le32;
	uint16_t (*u16)(const uint8_t *) = be ? mtd_be16 : mtd_le16;
	uint16_t major = u16(sb + 28), minor = u16(sb + 30), blog = u16(sb + 34);
	uint32_t inodes = u32(sb + 4);
	uint64_t used;
	uint32_t bsize, mtime = u32(sb + 39);
	if (major == 3) {
		bsize = u32(sb + 51);
		used = be ? mtd_be64(sb + 63) : mtd_le64(sb + 63);
	} else if (major == 2) {
		bsize = u32(sb + 51);
		used = u32(sb + 8);
	} else {
		return MTD_ERR_NO_MATCH;
	}
	if (minor > 1 || blog < 12 || blog > 20 || bsize != 1u << blog || used < SB_SIZE || inodes == 0)
		return MTD_ERR_NO_MATCH;
	uint64_t avail = p->len - p->off;
	p->valid = true;
	p->size = used;
	mtd_probe_str(p, "version", false, "%u.%u", major, minor);
	mtd_probe_str(p, "endian", false, "%s", be ? "big" : "little");
	mtd_probe_u64(p, "block_size", true, bsize);
	mtd_probe_u64(p, "inodes", true, inodes);
	mtd_probe_u64(p, "bytes_used", true, used);
	if (strcmp(magic, "hsqs") != 0 && strcmp(magic, "sqsh") != 0)
		mtd_probe_str(p, "magic", false, "%s", magic);
	add_time(p, "mkfs_time", mtime);
	mtd_probe_str(p, "note", false, "squashfs %u.%u: superblock only, root not listed", major, minor);
	if (used > avail) {
		mtd_probe_problem(p, "truncated: bytes_used is 0x%llx, only 0x%llx present", (unsigned long long)used,
		                  (unsigned long long)avail);
		p->size = avail;
		p->valid = false;
	}
	return MTD_OK;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint8_t sb[SB_SIZE];
	mtd_probe_reader(p, &r);
	if (!mtd_rd_copy_at(&r, 0, sb, SB_SIZE))
		return MTD_ERR_NO_MATCH;
	char magic[5];
	memcpy(magic, sb, 4);
	magic[4] = 0;
	bool be = !memcmp(magic, "sqsh", 4) || !memcmp(magic, "qshs", 4);
	if (!be && memcmp(magic, "hsqs", 4) && memcmp(magic, "shsq", 4))
		return MTD_ERR_NO_MATCH;
	if (!be && mtd_le16(sb + 28) == 4 && mtd_le16(sb + 30) == 0)
		return probe_v4(p, &r, sb, magic);
	if (be && mtd_be16(sb + 28) == 4)
		return probe_v4_be(p, sb);
	return probe_v3(p, sb, be, magic);
}

/* ---- extract ---- */

struct link {
	uint32_t ino;
	char *path;
};

#define SQ_MAX_DEPTH    256
#define SQ_MAX_ENTRIES  1000000u
#define SQ_MAX_DEFERRED 4000000u

struct deferred {
	char *path;
	sqfs_inode_generic_t *inode;
	uint32_t frag;  /* fragment block index, 0xffffffff: none */
	uint64_t start; /* first data block on disk */
};

struct walk {
	struct mtd_fs_sink *sink;
	sqfs_data_reader_t *blocks;
	sqfs_dir_reader_t *dir;
	uint32_t ancestors[SQ_MAX_DEPTH + 1]; /* inode numbers of the directories on the current path */
	/* regular files, written after the walk in on-disk order (see mtd_unpack_squashfs) */
	struct deferred *files;
	size_t nfiles, capfiles;
	uint8_t *buf;
	/* first path seen for each inode number with more than one link */
	struct link *links;
	size_t nlinks, caplinks;
	uint64_t nodes;
};

static const char *first_link(struct walk *w, uint32_t ino)
{
	for (size_t i = 0; i < w->nlinks; i++)
		if (w->links[i].ino == ino)
			return w->links[i].path;
	return NULL;
}

static void remember_link(struct walk *w, uint32_t ino, const char *path)
{
	if (w->nlinks == w->caplinks) {
		size_t cap = w->caplinks ? w->caplinks * 2 : 16;
		void *n = mtd_realloc_array(w->links, cap, sizeof(*w->links));
		if (!n)
			return;
		w->links = n;
		w->caplinks = cap;
	}
	char *p = strdup(path);
	if (p)
		w->links[w->nlinks++] = (struct link){ino, p};
}

static uint32_t link_count(const sqfs_inode_generic_t *in)
{
	switch (in->base.type) {
	case SQFS_INODE_EXT_FILE: return in->data.file_ext.nlink;
	default: return 1;
	}
}

static int walk_dir(struct walk *w, const sqfs_inode_generic_t *dir, const char *path, int depth);
static int emit_file(struct walk *w, const sqfs_inode_generic_t *in, const char *path)
{
	struct mtd_fs_sink *s = w->sink;
	uint32_t mode = in->base.mode & 07777;
	int64_t mtime = in->base.mod_time;
	int rc;
	if (s->out->limit_hit)
		return MTD_ERR_LIMIT;
	if (link_count(in) > 1) {
		const char *first = first_link(w, in->base.inode_number);
		if (first)
			return mtd_sink_hardlink(s, path, first);
		remember_link(w, in->base.inode_number, path);
	}
	sqfs_u64 size = 0;
	sqfs_inode_get_file_size(in, &size);
	rc = mtd_sink_file_begin(s, path, mode, mtime);
	for (sqfs_u64 off = 0; off < size && !rc;) {
		sqfs_u32 want = size - off > (1u << 20) ? (1u << 20) : (sqfs_u32)(size - off);
		sqfs_s32 got = sqfs_data_reader_read(w->blocks, in, off, w->buf, want);
		if (got <= 0) {
			mtd_sink_problem(s, path, "data unreadable at offset %llu (libsquashfs error %d)",
			                 (unsigned long long)off, (int)got);
			break;
		}
		rc = mtd_sink_file_write(s, w->buf, (size_t)got);
		off += (sqfs_u64)got;
	}
	int rc2 = mtd_sink_file_end(s);
	return rc ? rc : rc2;
}

/* Keep a regular file for later; false when it must be written now (list full). */
static bool defer_file(struct walk *w, sqfs_inode_generic_t *in, const char *path)
{
	if (w->nfiles == w->capfiles) {
		size_t cap = w->capfiles ? w->capfiles * 2 : 256;
		struct deferred *n = cap > SQ_MAX_DEFERRED ? NULL : mtd_realloc_array(w->files, cap, sizeof(*n));
		if (!n)
			return false;
		w->files = n, w->capfiles = cap;
	}
	char *p = strdup(path);
	if (!p)
		return false;
	struct deferred *d = &w->files[w->nfiles++];
	sqfs_u32 off;
	d->path = p, d->inode = in, d->frag = 0xffffffffu, d->start = 0;
	if (sqfs_inode_get_frag_location(in, &d->frag, &off) || d->frag == 0xffffffffu)
		d->frag = 0xffffffffu;
	sqfs_inode_get_file_block_start(in, &d->start);
	return true;
}

static int cmp_deferred(const void *a, const void *b)
{
	const struct deferred *x = a, *y = b;
	if (x->frag != y->frag)
		return x->frag < y->frag ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int walk_node(struct walk *w, const sqfs_inode_generic_t *in, const char *path, int depth)
{
	struct mtd_fs_sink *s = w->sink;
	uint32_t mode = in->base.mode & 07777;
	int64_t mtime = in->base.mod_time;
	int rc = 0;
	if (s->out->limit_hit)
		return MTD_ERR_LIMIT;
	if (++w->nodes > 10000000)
		return MTD_ERR_LIMIT;
	switch (in->base.type) {
	case SQFS_INODE_DIR:
	case SQFS_INODE_EXT_DIR:
		rc = *path ? mtd_sink_dir(s, path, mode, mtime) : 0;
		return rc ? rc : walk_dir(w, in, path, depth);
	case SQFS_INODE_FILE:
	case SQFS_INODE_EXT_FILE: return emit_file(w, in, path);
	case SQFS_INODE_SLINK:
	case SQFS_INODE_EXT_SLINK: {
		char target[4097];
		size_t tl = in->data.slink.target_size < 4096 ? in->data.slink.target_size : 4096;
		memcpy(target, (const char *)in->extra, tl);
		target[tl] = 0;
		return mtd_sink_symlink(s, path, target, mtime);
	}
	case SQFS_INODE_BDEV:
	case SQFS_INODE_CDEV:
	case SQFS_INODE_EXT_BDEV:
	case SQFS_INODE_EXT_CDEV: {
		uint32_t dev = in->base.type == SQFS_INODE_BDEV || in->base.type == SQFS_INODE_CDEV
		                   ? in->data.dev.devno
		                   : in->data.dev_ext.devno;
		uint32_t type =
		    (in->base.type == SQFS_INODE_BDEV || in->base.type == SQFS_INODE_EXT_BDEV) ? S_IFBLK : S_IFCHR;
		return mtd_sink_special(s, path, type | mode, (dev >> 8) & 0xfff,
		                        (dev & 0xff) | ((dev >> 12) & 0xfff00));
	}
	case SQFS_INODE_FIFO:
	case SQFS_INODE_EXT_FIFO: return mtd_sink_special(s, path, S_IFIFO | mode, 0, 0);
	default: return mtd_sink_special(s, path, S_IFSOCK | mode, 0, 0);
	}
}

struct child {
	char name[257];
	sqfs_inode_generic_t *inode;
};

/*
 * A directory's entries are read first (the reader is positioned on one
 * directory at a time), then each is emitted.  A directory whose inode is
 * already on the current path is a loop planted in the image: it is reported
 * and not followed, and everything else is still extracted.
 */
static int walk_dir(struct walk *w, const sqfs_inode_generic_t *dir, const char *path, int depth)
{
	struct mtd_fs_sink *s = w->sink;
	if (depth >= SQ_MAX_DEPTH) {
		mtd_sink_problem(s, path, "directory nesting deeper than %d: not followed", SQ_MAX_DEPTH);
		return 0;
	}
	w->ancestors[depth] = dir->base.inode_number;
	if (sqfs_dir_reader_open_dir(w->dir, dir, 0)) {
		mtd_sink_problem(s, path, "directory listing unreadable");
		return 0;
	}
	struct child *kids = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (;;) {
		sqfs_dir_entry_t *ent = NULL;
		int r = sqfs_dir_reader_read(w->dir, &ent);
		if (r > 0)
			break;
		if (r < 0) {
			mtd_sink_problem(s, path, "directory listing damaged (libsquashfs error %d)", r);
			break;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct child *k = nc > SQ_MAX_ENTRIES ? NULL : mtd_realloc_array(kids, nc, sizeof(*k));
			if (!k) {
				sqfs_free(ent);
				mtd_sink_problem(s, path, "directory with too many entries: the rest not extracted");
				break;
			}
			kids = k, cap = nc;
		}
		size_t len = (size_t)ent->size + 1 < 256 ? (size_t)ent->size + 1 : 256;
		memcpy(kids[n].name, ent->name, len);
		kids[n].name[len] = 0;
		sqfs_free(ent);
		if (sqfs_dir_reader_get_inode(w->dir, &kids[n].inode)) {
			mtd_sink_problem(s, path, "inode of '%s' unreadable", kids[n].name);
			continue;
		}
		n++;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		char child[4096];
		const sqfs_inode_generic_t *in = kids[i].inode;
		if (snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "", kids[i].name) >=
		    (int)sizeof(child)) {
			mtd_sink_problem(s, path, "path too long");
			continue;
		}
		if (in->base.type == SQFS_INODE_DIR || in->base.type == SQFS_INODE_EXT_DIR) {
			bool loop = false;
			for (int a = 0; a <= depth && !loop; a++)
				loop = w->ancestors[a] == in->base.inode_number;
			if (loop) {
				mtd_sink_problem(s, child,
				                 "directory loop: refers back to a directory above it; not followed");
				continue;
			}
		}
		if ((in->base.type == SQFS_INODE_FILE || in->base.type == SQFS_INODE_EXT_FILE) &&
		    defer_file(w, kids[i].inode, child)) {
			kids[i].inode = NULL; /* owned by the deferred list now */
			continue;
		}
		rc = walk_node(w, in, child, depth + 1);
	}
	for (size_t i = 0; i < n; i++)
		sqfs_free(kids[i].inode);
	free(kids);
	return rc;
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	struct span_file f;
	sqfs_super_t super;
	sqfs_compressor_t lzo;
	sqfs_compressor_t *cmp = NULL;
	sqfs_dir_reader_t *dr = NULL;
	sqfs_inode_generic_t *root = NULL;
	struct walk w = {.sink = sink};
	uint8_t sb[SB_SIZE];
	struct sb4 s;
	uint64_t len = mtd_rd_left(in);
	const char *why = NULL;
	int rc = 0, err = 0; /* damage is reported through the sink; only limits and memory stop extraction */

	span_file_init(&f, in);
	if (!mtd_rd_copy_at(in, 0, sb, SB_SIZE) || memcmp(sb, "hsqs", 4) || !sb4_decode(sb, &s)) {
		mtd_sink_problem(sink, NULL, "no squashfs 4.0 superblock at 0x%llx",
		                 (unsigned long long)mtd_rd_offset(in));
		return 0;
	}
	if ((err = sqfs_super_read(&super, &f.base))) {
		mtd_sink_problem(sink, NULL, "squashfs superblock unreadable (%s)", sqfs_err_text(err));
		return 0;
	}
	/*
	 * libsquashfs allocates its tables from the counts in the superblock: cap
	 * them by what the image can hold before any table is read.
	 */
	if ((uint64_t)super.fragment_entry_count * 16 > len || (uint64_t)super.id_count * 4 > len ||
	    super.inode_count > len || super.bytes_used > len || super.block_size < 4096 ||
	    super.block_size > (1u << 20)) {
		mtd_sink_problem(sink, NULL, "squashfs superblock counts do not fit the %llu-byte image",
		                 (unsigned long long)len);
		return 0;
	}
	cmp = open_compressor(&super, &f.base, &lzo, &err, &why);
	if (!cmp) {
		mtd_sink_problem(sink, NULL, "squashfs compression %s: %s", comp_name(super.compression_id), why);
		return 0;
	}
	dr = sqfs_dir_reader_create(&super, cmp, &f.base, 0);
	w.blocks = sqfs_data_reader_create(&f.base, super.block_size, cmp, 0);
	w.buf = malloc(1u << 20);
	if (!dr || !w.blocks || !w.buf) {
		rc = MTD_ERR_NOMEM;
		goto out;
	}
	if ((err = sqfs_data_reader_load_fragment_table(w.blocks, &super)) ||
	    (err = sqfs_dir_reader_get_root_inode(dr, &root))) {
		mtd_sink_problem(sink, NULL, "squashfs tables unreadable (%s)", sqfs_err_text(err));
		goto out;
	}
	w.dir = dr;
	rc = mtd_sink_dir(sink, "", root->base.mode & 07777, root->base.mod_time);
	if (!rc)
		rc = walk_node(&w, root, "", 0);
	/*
	 * Regular files in on-disk order (fragment block, then first data block):
	 * libsquashfs keeps one fragment block decoded, so files sharing one are
	 * read together and every block is decompressed once.
	 */
	if (w.nfiles)
		qsort(w.files, w.nfiles, sizeof(*w.files), cmp_deferred);
	for (size_t i = 0; i < w.nfiles && !rc; i++)
		rc = emit_file(&w, w.files[i].inode, w.files[i].path);
out:
	sqfs_free(root);
	sqfs_destroy(w.blocks);
	sqfs_destroy(dr);
	close_compressor(cmp, &lzo);
	for (size_t i = 0; i < w.nfiles; i++) {
		free(w.files[i].path);
		sqfs_free(w.files[i].inode);
	}
	free(w.files);
	for (size_t i = 0; i < w.nlinks; i++)
		free(w.links[i].path);
	free(w.links);
	free(w.buf);
	return rc;
}

const struct mtd_format mtd_fmt_squashfs = {
    .name = "squashfs",
    .magics = {{"hsqs", 4, 0}, {"sqsh", 4, 0}, {"shsq", 4, 0}, {"qshs", 4, 0}},
    .probe = probe,
    .unpack = unpack,
};
