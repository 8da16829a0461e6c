/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include "outdir.h"

/*
 * Squashfs through libsquashfs (squashfs-tools-ng).  The library reads the
 * image through a sqfs_file_t that serves bytes from the component's span
 * only: every read outside it fails, so a hostile table cannot make it read
 * anything else.
 */

struct mem_file {
	sqfs_file_t base;
	const uint8_t *data;
	uint64_t len;
};

static int mem_read_at(sqfs_file_t *f, sqfs_u64 off, void *buf, size_t size)
{
	const struct mem_file *m = (const struct mem_file *)f;
	if (!mtd_range_ok(off, size, m->len))
		return SQFS_ERROR_OUT_OF_BOUNDS;
	memcpy(buf, m->data + off, size);
	return 0;
}

static int mem_write_at(sqfs_file_t *f, sqfs_u64 off, const void *buf, size_t size)
{
	(void)f, (void)off, (void)buf, (void)size;
	return SQFS_ERROR_IO;
}

static sqfs_u64 mem_get_size(const sqfs_file_t *f)
{
	return ((const struct mem_file *)f)->len;
}

static int mem_truncate(sqfs_file_t *f, sqfs_u64 size)
{
	(void)f, (void)size;
	return SQFS_ERROR_IO;
}

static void mem_destroy(sqfs_object_t *o)
{
	(void)o;
}

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
	sqfs_data_reader_t *data;
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
		sqfs_s32 got = sqfs_data_reader_read(w->data, in, off, w->buf, want);
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

int mtd_unpack_squashfs(const uint8_t *data, uint64_t len, struct mtd_fs_sink *sink)
{
	struct mem_file f = {.data = data, .len = len};
	f.base.base.destroy = mem_destroy;
	f.base.read_at = mem_read_at;
	f.base.write_at = mem_write_at;
	f.base.get_size = mem_get_size;
	f.base.truncate = mem_truncate;

	sqfs_super_t super;
	sqfs_compressor_config_t cfg;
	sqfs_compressor_t *cmp = NULL;
	sqfs_dir_reader_t *dr = NULL;
	sqfs_inode_generic_t *root = NULL;
	struct walk w = {.sink = sink};
	int rc = 0, err; /* damage is reported through the sink; only limits and memory stop extraction */

	if ((err = sqfs_super_read(&super, &f.base))) {
		mtd_sink_problem(sink, NULL, "squashfs superblock unreadable (libsquashfs error %d)", err);
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
	if (sqfs_compressor_config_init(&cfg, super.compression_id, super.block_size, SQFS_COMP_FLAG_UNCOMPRESS) ||
	    sqfs_compressor_create(&cfg, &cmp)) {
		mtd_sink_problem(sink, NULL, "squashfs compressor %u not supported", super.compression_id);
		return 0;
	}
	dr = sqfs_dir_reader_create(&super, cmp, &f.base, 0);
	w.data = sqfs_data_reader_create(&f.base, super.block_size, cmp, 0);
	w.buf = malloc(1u << 20);
	if (!dr || !w.data || !w.buf) {
		rc = MTD_ERR_NOMEM;
		goto out;
	}
	if ((err = sqfs_data_reader_load_fragment_table(w.data, &super)) ||
	    (err = sqfs_dir_reader_get_root_inode(dr, &root))) {
		mtd_sink_problem(sink, NULL, "squashfs tables unreadable (libsquashfs error %d)", err);
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
	sqfs_destroy(w.data);
	sqfs_destroy(dr);
	sqfs_destroy(cmp);
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
