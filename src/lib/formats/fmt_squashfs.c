/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <lzma.h>
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
	              "big-endian squashfs 4.0: superblock fields here; extract reads it (mtdscope's own reader)");
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
	mtd_probe_str(p, "note", false, "squashfs %u.%u: superblock fields here; extract reads it (2.x/3.x reader)",
	              major, minor);
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

/*
 * Regular files decoded on all cores, written by one thread in on-disk order.
 * Every file is cut into chunks of SQ_PAR_CHUNK bytes (the steps emit_file()
 * reads in).  Helper threads, each with its own compressor and data reader over
 * the same read-only image, take runs of consecutive chunks (so files sharing
 * a fragment block mostly go to one helper and the block is decoded once) and
 * decode them into memory; the calling thread writes the chunks through the
 * sink in the order of the list, exactly as emit_file() would.  Decoded bytes
 * waiting for the writer stay under SQ_PAR_BYTES plus one run per helper.
 */
#define SQ_PAR_CHUNK       (1u << 20)
#define SQ_PAR_GROUP_MAX   (1u << 20)
#define SQ_PAR_GROUP_N     256u
#define SQ_PAR_BYTES       (32u << 20)
#define SQ_PAR_THREADS     8  /* by default */
#define SQ_PAR_THREADS_MAX 64 /* when asked for */

struct pjob {
	uint8_t *out;  /* decoded bytes (the writer frees them) */
	size_t file;   /* index in the deferred list */
	sqfs_u64 off;  /* where the chunk starts in its file */
	sqfs_u32 size; /* bytes of the chunk */
	sqfs_u32 len;  /* bytes decoded */
	sqfs_s32 bad;  /* with failed: what libsquashfs returned at off + len */
	bool failed;
	bool self; /* the helper could not decode it (no memory): the writer does */
	bool ready;
};

struct par {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const sqfs_super_t *super;
	sqfs_file_t *file;
	const struct deferred *files;
	struct pjob *jobs;
	size_t n, next;  /* next chunk a helper takes */
	size_t buffered; /* bytes decoded or being decoded, not yet written */
	unsigned idle;   /* helpers waiting for room */
	size_t awaited;  /* the chunk the writer waits for; SIZE_MAX: none */
	bool stop;
};

/* Chunk j into buf (j->size bytes), in the steps emit_file() reads in. */
static void par_read(sqfs_data_reader_t *dr, const sqfs_inode_generic_t *in, struct pjob *j, uint8_t *buf)
{
	while (j->len < j->size) {
		sqfs_s32 got = sqfs_data_reader_read(dr, in, j->off + j->len, buf + j->len, j->size - j->len);
		if (got <= 0) {
			j->bad = got;
			j->failed = true;
			return;
		}
		j->len += (sqfs_u32)got;
	}
}

static void par_decode(sqfs_data_reader_t *dr, const sqfs_inode_generic_t *in, struct pjob *j)
{
	j->out = dr ? malloc(j->size) : NULL;
	if (!j->out)
		j->self = true;
	else
		par_read(dr, in, j, j->out);
}

static void *par_helper(void *arg)
{
	struct par *P = arg;
	sqfs_compressor_t lzo;
	int err = 0;
	const char *why = NULL;
	sqfs_compressor_t *cmp = open_compressor(P->super, P->file, &lzo, &err, &why);
	sqfs_data_reader_t *dr = cmp ? sqfs_data_reader_create(P->file, P->super->block_size, cmp, 0) : NULL;
	if (dr && sqfs_data_reader_load_fragment_table(dr, P->super)) {
		sqfs_destroy(dr);
		dr = NULL;
	}
	pthread_mutex_lock(&P->mu);
	for (;;) {
		while (!P->stop && P->next < P->n && P->buffered >= SQ_PAR_BYTES) {
			P->idle++;
			pthread_cond_wait(&P->cv, &P->mu);
			P->idle--;
		}
		if (P->stop || P->next >= P->n)
			break;
		size_t g0 = P->next, g1 = g0;
		size_t bytes = 0;
		while (g1 < P->n && g1 - g0 < SQ_PAR_GROUP_N &&
		       (g1 == g0 || bytes + P->jobs[g1].size <= SQ_PAR_GROUP_MAX))
			bytes += P->jobs[g1++].size;
		P->next = g1;
		P->buffered += bytes;
		pthread_mutex_unlock(&P->mu);
		for (size_t i = g0; i < g1; i++)
			par_decode(dr, P->files[P->jobs[i].file].inode, &P->jobs[i]);
		pthread_mutex_lock(&P->mu);
		for (size_t i = g0; i < g1; i++)
			P->jobs[i].ready = true;
		if (P->awaited >= g0 && P->awaited < g1) /* only the writer is woken, only when it waits for these */
			pthread_cond_broadcast(&P->cv);
	}
	pthread_mutex_unlock(&P->mu);
	sqfs_destroy(dr);
	close_compressor(cmp, &lzo);
	return NULL;
}

/* Chunk i, once decoded; the writer gives its bytes back to the budget with par_done(). */
static struct pjob *par_wait(struct par *P, size_t i)
{
	struct pjob *j = &P->jobs[i];
	pthread_mutex_lock(&P->mu);
	while (!j->ready) {
		P->awaited = i;
		pthread_cond_wait(&P->cv, &P->mu);
	}
	P->awaited = SIZE_MAX;
	pthread_mutex_unlock(&P->mu);
	return j;
}

static void par_done(struct par *P, struct pjob *j)
{
	free(j->out);
	j->out = NULL;
	pthread_mutex_lock(&P->mu);
	P->buffered -= j->size;
	if (P->idle && P->buffered < SQ_PAR_BYTES)
		pthread_cond_broadcast(&P->cv);
	pthread_mutex_unlock(&P->mu);
}

/* File f of the list from its chunks [c0, c1), written as emit_file() writes it. */
static int par_write(struct walk *w, struct par *P, size_t f, size_t c0, size_t c1)
{
	struct mtd_fs_sink *s = w->sink;
	const sqfs_inode_generic_t *in = w->files[f].inode;
	const char *path = w->files[f].path;
	size_t c = c0;
	int rc = 0;
	if (s->out->limit_hit) {
		rc = MTD_ERR_LIMIT;
		goto drain;
	}
	if (link_count(in) > 1) {
		const char *first = first_link(w, in->base.inode_number);
		if (first) {
			rc = mtd_sink_hardlink(s, path, first);
			goto drain;
		}
		remember_link(w, in->base.inode_number, path);
	}
	rc = mtd_sink_file_begin(s, path, in->base.mode & 07777, in->base.mod_time);
	for (; c < c1 && !rc; c++) {
		struct pjob *j = par_wait(P, c);
		if (j->self)
			par_read(w->blocks, in, j, w->buf);
		if (j->len)
			rc = mtd_sink_file_write(s, j->self ? w->buf : j->out, j->len);
		if (!rc && j->failed) {
			mtd_sink_problem(s, path, "data unreadable at offset %llu (libsquashfs error %d)",
			                 (unsigned long long)(j->off + j->len), (int)j->bad);
			par_done(P, j);
			c++;
			break;
		}
		par_done(P, j);
	}
	int rc2 = mtd_sink_file_end(s);
	rc = rc ? rc : rc2;
drain:
	for (; c < c1; c++)
		par_done(P, par_wait(P, c));
	return rc;
}

/* Helper threads: what extract was asked for (mtd_extract_options.threads), else the online CPUs. */
static unsigned par_threads(size_t nfiles, const struct mtd_fs_sink *sink)
{
	unsigned want = sink && sink->out ? sink->out->threads : 0;
	long c = want ? (long)want : sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t = c < 1 ? 1 : c > SQ_PAR_THREADS_MAX ? SQ_PAR_THREADS_MAX : (unsigned)c;
	if (!want && t > SQ_PAR_THREADS)
		t = SQ_PAR_THREADS;
	return nfiles < 2 || t < 2 ? 0 : t; /* 0: all in this thread */
}

/* Every deferred file, in the list's order; 1 when there were no helpers (the caller writes them). */
static int emit_files_parallel(struct walk *w, const sqfs_super_t *super, sqfs_file_t *file, int *rc)
{
	unsigned nt = par_threads(w->nfiles, w->sink);
	if (!nt)
		return 1;
	size_t n = 0;
	size_t *first = mtd_alloc_array(w->nfiles + 1, sizeof(*first));
	if (!first)
		return 1;
	for (size_t i = 0; i < w->nfiles; i++) {
		sqfs_u64 size = 0;
		sqfs_inode_get_file_size(w->files[i].inode, &size);
		first[i] = n;
		n += (size_t)((size + SQ_PAR_CHUNK - 1) / SQ_PAR_CHUNK);
	}
	first[w->nfiles] = n;
	struct par P = {.super = super, .file = file, .files = w->files, .n = n, .awaited = SIZE_MAX};
	P.jobs = n ? mtd_alloc_array(n, sizeof(*P.jobs)) : NULL;
	if (n && !P.jobs) {
		free(first);
		return 1;
	}
	for (size_t i = 0; i < w->nfiles; i++) {
		sqfs_u64 size = 0;
		sqfs_inode_get_file_size(w->files[i].inode, &size);
		for (size_t c = first[i]; c < first[i + 1]; c++) {
			sqfs_u64 off = (sqfs_u64)(c - first[i]) * SQ_PAR_CHUNK;
			P.jobs[c] =
			    (struct pjob){.file = i,
			                  .off = off,
			                  .size = (sqfs_u32)(size - off > SQ_PAR_CHUNK ? SQ_PAR_CHUNK : size - off)};
		}
	}
	pthread_t th[SQ_PAR_THREADS_MAX];
	unsigned started = 0;
	pthread_mutex_init(&P.mu, NULL);
	pthread_cond_init(&P.cv, NULL);
	for (unsigned i = 0; i < nt && n; i++)
		if (!pthread_create(&th[started], NULL, par_helper, &P))
			started++;
	if (n && !started) {
		pthread_cond_destroy(&P.cv);
		pthread_mutex_destroy(&P.mu);
		free(P.jobs);
		free(first);
		return 1;
	}
	size_t i = 0;
	for (; i < w->nfiles && !*rc; i++)
		*rc = par_write(w, &P, i, first[i], first[i + 1]);
	pthread_mutex_lock(&P.mu);
	P.stop = true;
	pthread_cond_broadcast(&P.cv);
	pthread_mutex_unlock(&P.mu);
	for (unsigned t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	for (size_t c = 0; c < n; c++)
		free(P.jobs[c].out);
	pthread_cond_destroy(&P.cv);
	pthread_mutex_destroy(&P.mu);
	free(P.jobs);
	free(first);
	return 0;
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

/* ---- squashfs 3.x (either byte order): mtdscope's own reader, libsquashfs reads 4.0 only ---- */

/*
 * Layout of squashfs-tools 3.x and 2.x (squashfs_compat.h of squashfs-tools
 * 4.x, which still reads them; 2.x differences in sq2_shapes[], the
 * superblock's 32-bit table offsets, 4-byte directory headers and 3-byte
 * entries, a listing size without the 3.x "+ 3", fragment entries of 8 bytes
 * behind a 32-bit index): every structure is a packed run of bit fields, laid
 * out least significant bit first in little-endian images and most
 * significant bit first in big-endian ones (so whole-byte fields are plain
 * little- or big-endian integers).  The 119-byte superblock holds the root
 * inode reference (metadata block << 16 | offset), the block size, fragment
 * count, flags (bit 2: a marker byte after each metadata block header) and
 * the table offsets: inode table, directory table, fragment index, uid and
 * gid tables.  Metadata blocks: a 16-bit header (bit 15 set: stored; low 15
 * bits the length), at most 8 KiB decoded.  Inodes: type (1 dir, 2 file, 3
 * symlink, 4 block, 5 char device, 6 fifo, 7 socket, 8 long dir, 9 long
 * file), mode, uid and gid indexes, mtime, inode number, then per type:
 * files the first data block, fragment index and offset, size and one 32-bit
 * word per block (bit 24 set: stored; 0: a hole); directories the listing
 * size + 3, its offset and block in the directory table.  Listings: headers
 * (count - 1, the inodes' metadata block, a base inode number), then entries
 * (inode offset, type, name length - 1, inode number difference, name).
 * Blocks are zlib, or LZMA in the vendor builds (an LZMA-alone stream with
 * its 13-byte header, or the 5 property bytes alone before the data, any
 * lc/lp/pb: what sasquatch reads): told apart per block (sq3_decode).
 */

#define SQ3_SB        119u
#define SQ3_META      8192u
#define SQ3_NOFRAG    0xffffffffu
#define SQ3_TABLE_MAX (256u << 20) /* decoded bytes of one metadata table */
#define SQ3_MAX_DEPTH 256

struct sq3_table {
	uint8_t *buf;
	size_t len, cap;
	uint64_t *disk; /* block i: its offset from the table start ... */
	size_t *pos;    /* ... and where its bytes are in buf */
	size_t n, ncap;
};

struct sq3_link {
	uint32_t ino;
	char *path;
};

struct sq3 {
	const struct mtd_reader *in;
	struct mtd_fs_sink *sink;
	bool be, check, v2, v4; /* v4: big-endian 4.0, the only 4.0 this reader sees */
	uint32_t inodes, bsize, frags, mkfs;
	uint64_t root, used, inode_tab, dir_tab, frag_tab;
	struct sq3_table it, dt;
	uint64_t *frag_at;
	uint32_t *frag_sz;
	uint8_t *raw, *blk; /* one block as stored, one decoded */
	struct sq3_link *links;
	size_t nlinks, caplinks;
	uint64_t entries;
	int rc;
};

/* The field of n bits at bit pos of b, in the image's bit order. */
static uint64_t sq3_bits(const uint8_t *b, unsigned pos, unsigned n, bool be)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = pos + i;
		if (be)
			v = v << 1 | ((b[k / 8] >> (7 - k % 8)) & 1u);
		else
			v |= (uint64_t)((b[k / 8] >> (k % 8)) & 1u) << i;
	}
	return v;
}

/*
 * An LZMA stream whose 5 property bytes are at src and whose range-coded data
 * starts at src + skip, decoded into dst: the properties (lc/lp/pb byte, any
 * valid one: vendors use 0x6d and others besides 0x5d, and the dictionary
 * size) go to liblzma in a 13-byte LZMA-alone header with an unknown size.
 */
static long sq3_lzma(const uint8_t *src, size_t n, size_t skip, uint8_t *dst, size_t cap)
{
	uint8_t hdr[13];
	lzma_stream z = LZMA_STREAM_INIT;
	if (n <= skip || src[0] >= 225 || src[0] % 9 + src[0] / 9 % 5 > 4)
		return -1; /* liblzma's LZMA1 takes lc + lp <= 4 */
	memcpy(hdr, src, 5);
	memset(hdr + 5, 0xff, 8);
	if (lzma_alone_decoder(&z, 64u << 20) != LZMA_OK)
		return -1;
	z.next_in = hdr;
	z.avail_in = sizeof(hdr);
	z.next_out = dst;
	z.avail_out = cap;
	lzma_ret ret = lzma_code(&z, LZMA_RUN);
	if (ret == LZMA_OK && !z.avail_in) {
		z.next_in = src + skip;
		z.avail_in = n - skip;
		ret = lzma_code(&z, LZMA_FINISH);
	}
	long got = (long)(cap - z.avail_out);
	bool all_in = !z.avail_in;
	lzma_end(&z);
	/* without an end marker the stream ends with its input (LZMA_BUF_ERROR) or with a full buffer (LZMA_OK) */
	if (ret == LZMA_STREAM_END ||
	    ((ret == LZMA_OK || ret == LZMA_BUF_ERROR) && got > 0 && (all_in || !z.avail_out)))
		return got;
	return -1;
}

/*
 * Decode one block: zlib, or LZMA as the vendor builds write it (what
 * sasquatch reads): an LZMA-alone stream (5 property bytes, the 64-bit
 * uncompressed size or all ones, the data), or the properties followed
 * directly by the data, the size left out.  A range-coded stream opens with
 * a zero byte: that and a size that fits the block tell the two apart, and
 * the other is tried when the first does not decode.  Decoded length or -1.
 */
static long sq3_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
	if (n >= 2 && (src[0] & 0x0f) == 8 && ((src[0] << 8) | src[1]) % 31 == 0) {
		uLongf out = cap;
		return uncompress(dst, &out, src, n) == Z_OK ? (long)out : -1;
	}
	if (n >= 6 && !memcmp(src,
	                      "\xfd"
	                      "7zXZ",
	                      6)) { /* 4.0's xz */
		lzma_stream z = LZMA_STREAM_INIT;
		if (lzma_stream_decoder(&z, 64u << 20, 0) != LZMA_OK)
			return -1;
		z.next_in = src, z.avail_in = n, z.next_out = dst, z.avail_out = cap;
		lzma_ret ret = lzma_code(&z, LZMA_FINISH);
		long got = (long)(cap - z.avail_out);
		lzma_end(&z);
		return ret == LZMA_STREAM_END ? got : -1;
	}
	if (n < 6 || src[0] >= 225)
		return -1;
	uint64_t size = n >= 13 ? mtd_le64(src + 5) : 0;
	bool alone = n > 13 && src[13] == 0 && (size == UINT64_MAX || size <= cap);
	long got = alone ? sq3_lzma(src, n, 13, dst, cap) : -1;
	if (alone && got >= 0 && size != UINT64_MAX && (uint64_t)got != size)
		got = -1;
	if (got < 0 && src[5] == 0)
		got = sq3_lzma(src, n, 5, dst, cap);
	return got;
}

/* Read the metadata block at `at` (absolute); its decoded bytes into dst (8 KiB), length or -1; *next after it. */
static long sq3_meta(struct sq3 *s, uint64_t at, uint8_t *dst, uint64_t *next)
{
	uint64_t len = mtd_rd_left(s->in);
	if (at > len || len - at < 2)
		return -1;
	uint16_t h = s->be ? mtd_rd_be16_at(s->in, (size_t)at) : mtd_rd_le16_at(s->in, (size_t)at);
	uint32_t n = h & 0x7fffu, skip = 2u + (s->check ? 1u : 0u);
	if (!n)
		n = 0x8000u;
	if (n > SQ3_META || len - at - skip < n || !mtd_rd_copy_at(s->in, (size_t)(at + skip), s->raw, n))
		return -1;
	*next = at + skip + n;
	if (h & 0x8000u) {
		memcpy(dst, s->raw, n);
		return n;
	}
	return sq3_decode(s->raw, n, dst, SQ3_META);
}

/* Decode the metadata blocks of [start, end) into a table. */
static bool sq3_table_read(struct sq3 *s, uint64_t start, uint64_t end, struct sq3_table *t)
{
	for (uint64_t at = start; at < end;) {
		if (t->len + SQ3_META > SQ3_TABLE_MAX)
			return false;
		if (t->len + SQ3_META > t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 65536;
			uint8_t *b = realloc(t->buf, cap);
			if (!b)
				return false;
			t->buf = b, t->cap = cap;
		}
		if (t->n == t->ncap) {
			size_t cap = t->ncap ? t->ncap * 2 : 64;
			uint64_t *d = mtd_realloc_array(t->disk, cap, sizeof(*d));
			if (d)
				t->disk = d;
			size_t *p = d ? mtd_realloc_array(t->pos, cap, sizeof(*p)) : NULL;
			if (!p)
				return false;
			t->pos = p, t->ncap = cap;
		}
		uint64_t next;
		long got = sq3_meta(s, at, t->buf + t->len, &next);
		if (got < 0)
			return t->n > 0; /* what decoded so far; references past it fail one by one */
		t->disk[t->n] = at - start;
		t->pos[t->n++] = t->len;
		t->len += (size_t)got;
		at = next;
	}
	return true;
}

/* The position in t's buffer of (block, offset), or SIZE_MAX. */
static size_t sq3_ref(const struct sq3_table *t, uint64_t block, uint32_t offset)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->disk[mid] == block) {
			size_t p = t->pos[mid] + offset;
			return p < t->len ? p : SIZE_MAX;
		}
		if (t->disk[mid] < block)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

struct sq3_inode {
	unsigned type;
	uint32_t mode, mtime, ino, nlink;
	uint64_t start, size;                       /* files: first block, size; dirs: listing block, size + 3 */
	uint32_t frag, offset, rdev, rdev_minor_hi; /* rdev: major << 8 | low 8 bits of the minor */
	size_t list_at, link_at;                    /* files: block list; symlinks: target (positions in it.buf) */
};

/*
 * The 2.x and 3.x inodes, one row per on-disk type: the bytes it takes, the
 * type it reads as (long directories and files read as their short kind),
 * what follows it (a file's block list, a symlink's target) and the bit
 * position and width of each field it holds (width 0: not held).  A 2.x inode
 * has a 4-byte base (type, mode, uid and gid indexes) and no mtime or inode
 * number of its own (symlinks, devices and IPC inodes take the filesystem's
 * mkfs time); a 3.x inode a 16-byte base (the same, then mtime and inode
 * number).  Offsets from squashfs_fs.h of squashfs-tools 2.2 and 3.4.
 */
struct sq3_field {
	uint16_t at;
	uint8_t n;
};
enum { SQ3_NO_TAIL, SQ3_BLOCK_LIST, SQ3_LINK_TARGET };
struct sq3_shape {
	uint8_t type, as, len, tail;
	struct sq3_field nlink, size, offset, mtime, start, frag, rdev;
};
static const struct sq3_shape sq2_shapes[] = {
    {1, 1, 15, SQ3_NO_TAIL, .size = {32, 19}, .offset = {51, 13}, .mtime = {64, 32}, .start = {96, 24}},
    {8, 1, 18, SQ3_NO_TAIL, .size = {32, 27}, .offset = {59, 13}, .mtime = {72, 32}, .start = {104, 24}},
    {2, 2, 24, SQ3_BLOCK_LIST, .mtime = {32, 32}, .start = {64, 32}, .frag = {96, 32}, .offset = {128, 32},
     .size = {160, 32}},
    {3, 3, 6, SQ3_LINK_TARGET, .size = {32, 16}},
    {4, 4, 6, SQ3_NO_TAIL, .rdev = {32, 16}},
    {5, 5, 6, SQ3_NO_TAIL, .rdev = {32, 16}},
    {6, 6, 4, SQ3_NO_TAIL, .nlink = {0, 0}},
    {7, 7, 4, SQ3_NO_TAIL, .nlink = {0, 0}},
};
static const struct sq3_shape sq3_shapes[] = {
    {1, 1, 28, SQ3_NO_TAIL, .nlink = {96, 32}, .size = {128, 19}, .offset = {147, 13}, .start = {160, 32}},
    {8, 1, 32, SQ3_NO_TAIL, .nlink = {96, 32}, .size = {128, 27}, .offset = {155, 13}, .start = {168, 32}},
    {2, 2, 32, SQ3_BLOCK_LIST, .start = {96, 64}, .frag = {160, 32}, .offset = {192, 32}, .size = {224, 32}},
    {9, 2, 40, SQ3_BLOCK_LIST, .nlink = {96, 32}, .start = {128, 64}, .frag = {192, 32}, .offset = {224, 32},
     .size = {256, 64}},
    {3, 3, 18, SQ3_LINK_TARGET, .nlink = {96, 32}, .size = {128, 16}},
    {4, 4, 18, SQ3_NO_TAIL, .nlink = {96, 32}, .rdev = {128, 16}},
    {5, 5, 18, SQ3_NO_TAIL, .nlink = {96, 32}, .rdev = {128, 16}},
    {6, 6, 16, SQ3_NO_TAIL, .nlink = {96, 32}},
    {7, 7, 16, SQ3_NO_TAIL, .nlink = {96, 32}},
};

/* The inode at B (position P of the inode table, LEFT bytes to its end) read by its row of TAB. */
static bool sq3_shaped(const struct sq3_shape *tab, size_t ntab, const uint8_t *b, size_t p, size_t left, bool be,
                       struct sq3_inode *o)
{
	const struct sq3_shape *r = NULL;
	for (size_t i = 0; i < ntab && !r; i++)
		if (tab[i].type == o->type)
			r = &tab[i];
	if (!r || left < r->len)
		return false;
#define SQ3_GET(f) (r->f.n ? sq3_bits(b, r->f.at, r->f.n, be) : 0)
	o->type = r->as;
	if (r->nlink.n)
		o->nlink = (uint32_t)SQ3_GET(nlink);
	if (r->mtime.n)
		o->mtime = (uint32_t)SQ3_GET(mtime);
	o->size = SQ3_GET(size);
	o->offset = (uint32_t)SQ3_GET(offset);
	o->start = SQ3_GET(start);
	o->frag = (uint32_t)SQ3_GET(frag);
	o->rdev = (uint32_t)SQ3_GET(rdev);
#undef SQ3_GET
	if (r->tail == SQ3_BLOCK_LIST)
		o->list_at = p + r->len;
	if (r->tail == SQ3_LINK_TARGET) {
		o->link_at = p + r->len;
		return o->size <= left - r->len;
	}
	return true;
}

/*
 * A 4.0 inode (squashfs_fs.h of squashfs-tools 4.x, every field a whole
 * 16-, 32- or 64-bit integer, here big-endian): a 16-byte base (type, mode,
 * uid and gid indexes, mtime, inode number), then per type; the extended
 * types (8 directory, 9 file, 10-14) carry a link count and an xattr index
 * as well.  Device numbers are the kernel's new encoding.
 */
static bool sq4_inode(struct sq3 *s, const uint8_t *b, size_t p, size_t left, struct sq3_inode *o)
{
	bool be = s->be;
#define F(at, n) sq3_bits(b, (at)*8, (n), be)
	if (left < 16)
		return false;
	o->type = (unsigned)F(0, 16);
	o->mode = (uint32_t)F(2, 16);
	o->mtime = (uint32_t)F(8, 32);
	o->ino = (uint32_t)F(12, 32);
	o->nlink = 1;
	switch (o->type) {
	case 1:
		if (left < 32)
			return false;
		o->start = F(16, 32), o->nlink = (uint32_t)F(20, 32), o->size = F(24, 16),
		o->offset = (uint32_t)F(26, 16);
		return true;
	case 8:
		if (left < 40)
			return false;
		o->type = 1;
		o->nlink = (uint32_t)F(16, 32), o->size = F(20, 32), o->start = F(24, 32),
		o->offset = (uint32_t)F(34, 16);
		return true;
	case 2:
		if (left < 32)
			return false;
		o->start = F(16, 32), o->frag = (uint32_t)F(20, 32), o->offset = (uint32_t)F(24, 32),
		o->size = F(28, 32);
		o->list_at = p + 32;
		return true;
	case 9:
		if (left < 56)
			return false;
		o->type = 2;
		o->start = F(16, 64), o->size = F(24, 64), o->nlink = (uint32_t)F(40, 32);
		o->frag = (uint32_t)F(44, 32), o->offset = (uint32_t)F(48, 32);
		o->list_at = p + 56;
		return true;
	case 3:
	case 10:
		if (left < 24)
			return false;
		o->type = 3;
		o->nlink = (uint32_t)F(16, 32), o->size = F(20, 32);
		o->link_at = p + 24;
		return o->size <= left - 24;
	case 4:
	case 5:
	case 11:
	case 12: {
		if (left < 24)
			return false;
		o->type = o->type > 7 ? o->type - 7 : o->type;
		o->nlink = (uint32_t)F(16, 32);
		uint32_t dev = (uint32_t)F(20, 32);
		uint32_t maj = (dev >> 8) & 0xfff, min = (dev & 0xff) | ((dev >> 12) & 0xfff00);
		o->rdev = maj << 8 | (min & 0xff);
		o->rdev_minor_hi = min >> 8;
		return true;
	}
	case 6:
	case 7:
	case 13:
	case 14:
		if (left < 20)
			return false;
		o->type = o->type > 7 ? o->type - 7 : o->type;
		o->nlink = (uint32_t)F(16, 32);
		return true;
	default: return false;
	}
#undef F
}

static bool sq3_inode(struct sq3 *s, uint64_t block, uint32_t offset, struct sq3_inode *o)
{
	size_t p = sq3_ref(&s->it, block, offset);
	const uint8_t *b = s->it.buf;
	bool be = s->be;
	if (p == SIZE_MAX || s->it.len - p < (s->v2 ? 4 : 16))
		return false;
	b += p;
	size_t left = s->it.len - p;
	memset(o, 0, sizeof(*o));
	if (s->v4)
		return sq4_inode(s, b, p, left, o);
	o->type = (unsigned)sq3_bits(b, 0, 4, be);
	o->mode = (uint32_t)sq3_bits(b, 4, 12, be);
	o->nlink = 1;
	if (s->v2) {
		o->mtime = s->mkfs;
		return sq3_shaped(sq2_shapes, sizeof(sq2_shapes) / sizeof(sq2_shapes[0]), b, p, left, be, o);
	}
	o->mtime = (uint32_t)sq3_bits(b, 32, 32, be);
	o->ino = (uint32_t)sq3_bits(b, 64, 32, be);
	return sq3_shaped(sq3_shapes, sizeof(sq3_shapes) / sizeof(sq3_shapes[0]), b, p, left, be, o);
}

static int sq3_file(struct sq3 *s, const struct sq3_inode *o, const char *path)
{
	static const uint8_t zeros[4096];
	struct mtd_fs_sink *sink = s->sink;
	bool frag = o->frag != SQ3_NOFRAG;
	uint64_t blocks = frag ? o->size / s->bsize : (o->size + s->bsize - 1) / s->bsize;
	if (blocks > mtd_rd_left(s->in) || (s->it.len - o->list_at) / 4 < blocks) {
		mtd_sink_problem(sink, path, "block list of %llu blocks runs past the inode table",
		                 (unsigned long long)blocks);
		return 0;
	}
	int rc = mtd_sink_file_begin(sink, path, o->mode & 07777, o->mtime);
	uint64_t at = o->start, done = 0;
	for (uint64_t i = 0; !rc && i < blocks; i++) {
		uint32_t w = (uint32_t)sq3_bits(s->it.buf + o->list_at + 4 * i, 0, 32, s->be);
		uint32_t n = w & ~(1u << 24);
		uint64_t want = o->size - done < s->bsize ? o->size - done : s->bsize;
		long got;
		if (n == 0) { /* a hole */
			for (uint64_t k = 0; !rc && k < want; k += sizeof(zeros))
				rc = mtd_sink_file_write(sink, zeros,
				                         want - k < sizeof(zeros) ? (size_t)(want - k) : sizeof(zeros));
			done += want;
			continue;
		}
		if (n > s->bsize || !mtd_range_ok(at, n, mtd_rd_left(s->in)) ||
		    !mtd_rd_copy_at(s->in, (size_t)at, s->raw, n)) {
			mtd_sink_problem(sink, path, "data block %llu at 0x%llx (%u bytes) runs past the image",
			                 (unsigned long long)i, (unsigned long long)(mtd_rd_offset(s->in) + at), n);
			break;
		}
		if (w & (1u << 24)) {
			memcpy(s->blk, s->raw, n);
			got = n;
		} else {
			got = sq3_decode(s->raw, n, s->blk, s->bsize);
		}
		if (got < 0 || (uint64_t)got < want) {
			mtd_sink_problem(sink, path, "data block %llu at 0x%llx does not decode", (unsigned long long)i,
			                 (unsigned long long)(mtd_rd_offset(s->in) + at));
			break;
		}
		rc = mtd_sink_file_write(sink, s->blk, (size_t)want);
		done += want;
		at += n;
	}
	if (!rc && frag && done < o->size) {
		uint64_t tail = o->size - done;
		if (o->frag >= s->frags || !s->frag_at) {
			mtd_sink_problem(sink, path, "fragment %u is not in the fragment table", o->frag);
		} else {
			uint32_t fw = s->frag_sz[o->frag], n = fw & ~(1u << 24);
			uint64_t fat = s->frag_at[o->frag];
			long got = -1;
			if (n <= s->bsize && mtd_range_ok(fat, n, mtd_rd_left(s->in)) &&
			    mtd_rd_copy_at(s->in, (size_t)fat, s->raw, n)) {
				if (fw & (1u << 24)) {
					memcpy(s->blk, s->raw, n);
					got = n;
				} else {
					got = sq3_decode(s->raw, n, s->blk, s->bsize);
				}
			}
			if (got < 0 || (uint64_t)o->offset + tail > (uint64_t)got)
				mtd_sink_problem(sink, path, "fragment %u at 0x%llx does not decode", o->frag,
				                 (unsigned long long)(mtd_rd_offset(s->in) + fat));
			else
				rc = mtd_sink_file_write(sink, s->blk + o->offset, (size_t)tail);
		}
	}
	int rc2 = mtd_sink_file_end(sink);
	return rc ? rc : rc2;
}

static int sq3_dir(struct sq3 *s, const struct sq3_inode *d, char *path, size_t plen, int depth);

static int sq3_node(struct sq3 *s, uint64_t block, uint32_t offset, char *path, size_t plen, int depth)
{
	struct sq3_inode o;
	struct mtd_fs_sink *sink = s->sink;
	if (!sq3_inode(s, block, offset, &o)) {
		mtd_sink_problem(sink, path, "inode %llu:%u unreadable", (unsigned long long)block, offset);
		return 0;
	}
	if (++s->entries > SQ_MAX_ENTRIES)
		return MTD_ERR_LIMIT;
	switch (o.type) {
	case 1: {
		int rc = mtd_sink_dir(sink, path, o.mode & 07777, o.mtime);
		return rc ? rc : sq3_dir(s, &o, path, plen, depth + 1);
	}
	case 2:
		if (o.nlink > 1) {
			for (size_t i = 0; i < s->nlinks; i++)
				if (s->links[i].ino == o.ino)
					return mtd_sink_hardlink(sink, path, s->links[i].path);
			if (s->nlinks == s->caplinks) {
				size_t cap = s->caplinks ? s->caplinks * 2 : 16;
				struct sq3_link *l = mtd_realloc_array(s->links, cap, sizeof(*l));
				if (l)
					s->links = l, s->caplinks = cap;
			}
			char *c = s->nlinks < s->caplinks ? strdup(path) : NULL;
			if (c)
				s->links[s->nlinks++] = (struct sq3_link){o.ino, c};
		}
		return sq3_file(s, &o, path);
	case 3: {
		char target[4097];
		size_t n = o.size < sizeof(target) - 1 ? (size_t)o.size : sizeof(target) - 1;
		memcpy(target, s->it.buf + o.link_at, n);
		target[n] = 0;
		return mtd_sink_symlink(sink, path, target, o.mtime);
	}
	case 4:
	case 5:
		return mtd_sink_special(sink, path, (o.type == 4 ? S_IFBLK : S_IFCHR) | (o.mode & 07777), o.rdev >> 8,
		                        (o.rdev & 0xff) | o.rdev_minor_hi << 8);
	default: return mtd_sink_special(sink, path, (o.type == 6 ? S_IFIFO : S_IFSOCK) | (o.mode & 07777), 0, 0);
	}
}

static int sq3_dir(struct sq3 *s, const struct sq3_inode *d, char *path, size_t plen, int depth)
{
	if (depth > SQ3_MAX_DEPTH) {
		mtd_sink_problem(s->sink, path, "directories nested deeper than %d: not walked", SQ3_MAX_DEPTH);
		return 0;
	}
	/* 3.x stores the listing's size + 3, 2.x its size */
	if (d->size <= (s->v2 ? 0u : 3u))
		return 0;
	size_t p = sq3_ref(&s->dt, d->start, d->offset);
	uint64_t size = s->v2 ? d->size : d->size - 3;
	unsigned hdr_len = s->v2 ? 4 : s->v4 ? 12 : 9, ent_len = s->v2 ? 3 : s->v4 ? 8 : 5;
	if (p == SIZE_MAX || s->dt.len - p < size) {
		mtd_sink_problem(s->sink, plen ? path : NULL, "directory listing at %llu:%u unreadable",
		                 (unsigned long long)d->start, d->offset);
		return 0;
	}
	const uint8_t *b = s->dt.buf;
	size_t end = p + (size_t)size;
	int rc = 0;
	/* headers: count - 1, the inodes' block (24 bits in 2.x, 32 in 3.x), 3.x a base inode number */
	while (!rc && end - p >= hdr_len) {
		/* 4.0: 32-bit count - 1, block and base inode number */
		uint64_t count = sq3_bits(b + p, 0, s->v4 ? 32 : 8, s->be) + 1;
		uint32_t blk = (uint32_t)sq3_bits(b + p, s->v4 ? 32 : 8, s->v2 ? 24 : 32, s->be);
		if (count > 256) {
			mtd_sink_problem(s->sink, plen ? path : NULL, "directory header of %llu entries (256 at most)",
			                 (unsigned long long)count);
			return 0;
		}
		p += hdr_len;
		for (uint32_t i = 0; !rc && i < count; i++) {
			if (end - p < ent_len)
				return 0;
			/* 4.0 entries: 16-bit offset, inode number difference, type, name length - 1 */
			uint32_t off = (uint32_t)sq3_bits(b + p, 0, s->v4 ? 16 : 13, s->be);
			if (s->v4 && sq3_bits(b + p, 48, 16, s->be) > 255)
				return 0;
			size_t nlen = (size_t)sq3_bits(b + p, s->v4 ? 56 : 16, 8, s->be) + 1;
			p += ent_len;
			if (end - p < nlen)
				return 0;
			char name[257];
			memcpy(name, b + p, nlen);
			name[nlen] = 0;
			p += nlen;
			if (!strcmp(name, ".") || !strcmp(name, "..") || memchr(name, '/', nlen) ||
			    strlen(name) != nlen || plen + 1 + nlen >= 4096) {
				mtd_sink_problem(s->sink, plen ? path : NULL,
				                 "directory entry with a bad name: left out");
				continue;
			}
			size_t nl = plen;
			if (plen)
				path[nl++] = '/';
			memcpy(path + nl, name, nlen + 1);
			rc = sq3_node(s, blk, off, path, nl + nlen, depth);
			if (rc && rc != MTD_ERR_LIMIT && rc != MTD_ERR_NOMEM)
				rc = 0;
			if (s->sink->stop_reason)
				rc = MTD_ERR_LIMIT;
			path[plen] = 0;
		}
	}
	return rc;
}

static int unpack_v3(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	uint8_t sb[SQ3_SB];
	if (!mtd_rd_copy_at(in, 0, sb, SQ3_SB)) {
		mtd_sink_problem(sink, NULL, "squashfs 3.x superblock cut short");
		return 0;
	}
	struct sq3 s = {.in = in, .sink = sink};
	s.be = !memcmp(sb, "sqsh", 4) || !memcmp(sb, "qshs", 4);
	bool be = s.be;
	uint64_t len = mtd_rd_left(in), uid_tab, guid_tab;
	s.v2 = sq3_bits(sb, 224, 16, be) == 2;
	s.v4 = sq3_bits(sb, 224, 16, be) == 4;
	const char *ver = s.v2 ? "2.x" : s.v4 ? "4.0" : "3.x";
	s.inodes = (uint32_t)sq3_bits(sb, 32, 32, be);
	s.check = (sq3_bits(sb, 288, 8, be) >> 2) & 1;
	s.mkfs = (uint32_t)sq3_bits(sb, 312, 32, be);
	s.root = sq3_bits(sb, 344, 64, be);
	s.bsize = (uint32_t)sq3_bits(sb, 408, 32, be);
	s.frags = (uint32_t)sq3_bits(sb, 440, 32, be);
	uint64_t more[2] = {0, 0}; /* 4.0: the export and id tables' indexes */
	if (s.v4) {                /* 4.0: the 96-byte superblock of whole integers */
		unsigned comp = (unsigned)sq3_bits(sb, 160, 16, be);
		s.mkfs = (uint32_t)sq3_bits(sb, 64, 32, be);
		s.bsize = (uint32_t)sq3_bits(sb, 96, 32, be);
		s.frags = (uint32_t)sq3_bits(sb, 128, 32, be);
		s.root = sq3_bits(sb, 256, 64, be);
		s.used = sq3_bits(sb, 320, 64, be);
		more[1] = sq3_bits(sb, 384, 64, be);
		s.inode_tab = sq3_bits(sb, 512, 64, be);
		s.dir_tab = sq3_bits(sb, 576, 64, be);
		s.frag_tab = sq3_bits(sb, 640, 64, be);
		more[0] = sq3_bits(sb, 704, 64, be);
		uid_tab = guid_tab = 0;
		s.check = false;
		if (comp != 1 && comp != 2 && comp != 4) {
			mtd_sink_problem(sink, NULL, "big-endian squashfs 4.0 with %s blocks: not extracted",
			                 comp_name(comp));
			return 0;
		}
	} else if (s.v2) { /* 2.x: the 32-bit table offsets early in the superblock */
		s.used = sq3_bits(sb, 64, 32, be);
		uid_tab = sq3_bits(sb, 96, 32, be), guid_tab = sq3_bits(sb, 128, 32, be);
		s.inode_tab = sq3_bits(sb, 160, 32, be);
		s.dir_tab = sq3_bits(sb, 192, 32, be);
		s.frag_tab = sq3_bits(sb, 472, 32, be);
	} else {
		s.used = sq3_bits(sb, 504, 64, be);
		uid_tab = sq3_bits(sb, 568, 64, be), guid_tab = sq3_bits(sb, 632, 64, be);
		s.inode_tab = sq3_bits(sb, 696, 64, be);
		s.dir_tab = sq3_bits(sb, 760, 64, be);
		s.frag_tab = sq3_bits(sb, 824, 64, be);
	}
	/* fragment entries: 16 bytes (64-bit start, size, unused) in 3.x, 8 (32-bit start, size) in 2.x */
	unsigned frag_ent = s.v2 ? 8 : 16, idx_ent = s.v2 ? 4 : 8;
	if (s.bsize < 4096 || s.bsize > (1u << 20) || s.inode_tab >= s.dir_tab || s.dir_tab > len ||
	    (uint64_t)s.frags * frag_ent > len) {
		mtd_sink_problem(sink, NULL, "squashfs %s superblock tables do not fit the %llu-byte image", ver,
		                 (unsigned long long)len);
		return 0;
	}
	/* the directory table ends where the next table starts */
	uint64_t dir_end = len < s.used ? len : s.used;
	uint64_t cands[] = {s.frag_tab, uid_tab, guid_tab};
	uint64_t idx0 = 0;
	size_t nidx = ((uint64_t)s.frags * frag_ent + SQ3_META - 1) / SQ3_META;
	if (s.frags && mtd_range_ok(s.frag_tab, idx_ent * nidx, len))
		idx0 = mtd_rd_field(in, (size_t)s.frag_tab, idx_ent, be);
	for (size_t i = 0; i < 3; i++)
		if (cands[i] > s.dir_tab && cands[i] < dir_end)
			dir_end = cands[i];
	/* 4.0: the export and id tables' metadata blocks come before their indexes */
	for (size_t i = 0; i < 2; i++) {
		uint64_t first = more[i] < len && len - more[i] >= 8 ? mtd_rd_field(in, (size_t)more[i], 8, be) : 0;
		if (more[i] > s.dir_tab && more[i] < dir_end)
			dir_end = more[i];
		if (first > s.dir_tab && first < dir_end)
			dir_end = first;
	}
	if (idx0 > s.dir_tab && idx0 < dir_end)
		dir_end = idx0;
	s.raw = malloc(s.bsize > SQ3_META ? s.bsize : SQ3_META);
	s.blk = malloc(s.bsize > SQ3_META ? s.bsize : SQ3_META);
	char *path = calloc(1, 4096);
	int rc = 0;
	if (!s.raw || !s.blk || !path) {
		rc = MTD_ERR_NOMEM;
		goto out;
	}
	if (!sq3_table_read(&s, s.inode_tab, s.dir_tab, &s.it) || !sq3_table_read(&s, s.dir_tab, dir_end, &s.dt)) {
		mtd_sink_problem(sink, NULL, "squashfs %s inode or directory table does not decode", ver);
		goto out;
	}
	if (s.frags) {
		s.frag_at = calloc(s.frags, sizeof(*s.frag_at));
		s.frag_sz = calloc(s.frags, sizeof(*s.frag_sz));
		uint8_t *m = malloc(SQ3_META);
		if (!s.frag_at || !s.frag_sz || !m) {
			free(m);
			rc = MTD_ERR_NOMEM;
			goto out;
		}
		uint32_t k = 0;
		for (size_t i = 0; i < nidx && mtd_range_ok(s.frag_tab + idx_ent * i, idx_ent, len); i++) {
			uint64_t at = mtd_rd_field(in, (size_t)(s.frag_tab + idx_ent * i), idx_ent, be), next;
			long got = sq3_meta(&s, at, m, &next);
			unsigned sbits = s.v2 ? 32 : 64;
			for (long e = 0; got > 0 && e + (long)frag_ent <= got && k < s.frags;
			     e += (long)frag_ent, k++) {
				s.frag_at[k] = sq3_bits(m + e, 0, sbits, be);
				s.frag_sz[k] = (uint32_t)sq3_bits(m + e, sbits, 32, be);
			}
		}
		free(m);
		if (k < s.frags)
			mtd_sink_problem(sink, NULL, "fragment table holds %u of %u fragments", k, s.frags);
	}
	struct sq3_inode root;
	if (!sq3_inode(&s, s.root >> 16, (uint32_t)(s.root & 0xffff), &root) || root.type != 1) {
		mtd_sink_problem(sink, NULL, "squashfs %s root inode unreadable", ver);
		goto out;
	}
	rc = mtd_sink_dir(sink, "", root.mode & 07777, root.mtime);
	if (!rc)
		rc = sq3_dir(&s, &root, path, 0, 0);
out:
	for (size_t i = 0; i < s.nlinks; i++)
		free(s.links[i].path);
	free(s.links);
	free(path);
	free(s.raw);
	free(s.blk);
	free(s.frag_at);
	free(s.frag_sz);
	free(s.it.buf), free(s.it.disk), free(s.it.pos);
	free(s.dt.buf), free(s.dt.disk), free(s.dt.pos);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
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
	if (mtd_rd_copy_at(in, 0, sb, SB_SIZE) &&
	    (!memcmp(sb, "hsqs", 4) || !memcmp(sb, "shsq", 4) || !memcmp(sb, "sqsh", 4) || !memcmp(sb, "qshs", 4))) {
		bool be = !memcmp(sb, "sqsh", 4) || !memcmp(sb, "qshs", 4);
		uint16_t major = be ? mtd_be16(sb + 28) : mtd_le16(sb + 28);
		if (major == 3 || major == 2 || (be && major == 4))
			return unpack_v3(in, sink);
	}
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
	if (!rc && w.nfiles && emit_files_parallel(&w, &super, &f.base, &rc))
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
