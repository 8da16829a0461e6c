/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <time.h>

#include <lzo/lzo1x.h>
#include <sqfs/compressor.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

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

/* ---- a sqfs_file_t that reads only inside the component's span ---- */

struct span_file {
	sqfs_file_t base;
	const uint8_t *data;
	uint64_t size;
};

static int span_read_at(sqfs_file_t *f, sqfs_u64 off, void *buf, size_t n)
{
	const struct span_file *s = (const struct span_file *)f;
	if (!mtd_range_ok(off, n, s->size))
		return SQFS_ERROR_OUT_OF_BOUNDS;
	memcpy(buf, s->data + off, n);
	return 0;
}

static int span_write_at(sqfs_file_t *f, sqfs_u64 off, const void *buf, size_t n)
{
	(void)f, (void)off, (void)buf, (void)n;
	return SQFS_ERROR_IO;
}

static sqfs_u64 span_get_size(const sqfs_file_t *f)
{
	return ((const struct span_file *)f)->size;
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
static const char *list_root(struct mtd_probe *p, const uint8_t *data, uint64_t size, unsigned comp_id, int *err)
{
	struct span_file f = {
	    .base = {.base = {.destroy = noop_destroy},
	             .read_at = span_read_at,
	             .write_at = span_write_at,
	             .get_size = span_get_size,
	             .truncate = span_truncate},
	    .data = data,
	    .size = size,
	};
	sqfs_super_t super;
	sqfs_compressor_t lzo = {
	    .base = {.destroy = noop_destroy}, .read_options = lzo_read_options, .do_block = lzo_do_block};
	sqfs_compressor_t *cmp = NULL;
	sqfs_dir_reader_t *dr = NULL;
	sqfs_inode_generic_t *root = NULL;
	const char *why = NULL;

	*err = sqfs_super_read(&super, &f.base);
	if (*err)
		return "superblock rejected by libsquashfs";
	if (comp_id == SQFS_COMP_LZO) {
		if (lzo_init() != LZO_E_OK)
			return "liblzo2 failed to initialise";
		cmp = &lzo;
	} else {
		sqfs_compressor_config_t cfg;
		*err = sqfs_compressor_config_init(&cfg, (SQFS_COMPRESSOR)super.compression_id, super.block_size,
		                                   SQFS_COMP_FLAG_UNCOMPRESS);
		if (!*err)
			*err = sqfs_compressor_create(&cfg, &cmp);
		if (*err)
			return "compressor not available to libsquashfs";
		if (super.flags & SQFS_FLAG_COMPRESSOR_OPTIONS) {
			*err = cmp->read_options(cmp, &f.base);
			if (*err) {
				why = "compressor options unreadable";
				goto out;
			}
		}
	}
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
	if (cmp != &lzo)
		sqfs_destroy(cmp);
	return why;
}

static int probe_v4(struct mtd_probe *p, const uint8_t *sb, const char *magic)
{
	uint32_t inodes = mtd_le32(sb + 4), mtime = mtd_le32(sb + 8), bsize = mtd_le32(sb + 12);
	uint32_t frags = mtd_le32(sb + 16);
	uint16_t comp = mtd_le16(sb + 20), blog = mtd_le16(sb + 22), flags = mtd_le16(sb + 24);
	uint16_t ids = mtd_le16(sb + 26);
	uint64_t used = mtd_le64(sb + 40), id_tab = mtd_le64(sb + 48), inode_tab = mtd_le64(sb + 64);
	uint64_t dir_tab = mtd_le64(sb + 72);

	/* structure first: a stray "hsqs" is not a filesystem */
	if (blog < 12 || blog > 20 || bsize != 1u << blog || comp < 1 || comp > 6 || used < SB_SIZE ||
	    inode_tab < SB_SIZE || dir_tab < inode_tab || dir_tab >= used || id_tab >= used || inodes == 0)
		return MTD_ERR_NO_MATCH;

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
	const char *why = list_root(p, p->data + p->off, span, comp, &err);
	if (why) {
		mtd_probe_problem(p, "%s (%s)", why, sqfs_err_text(err));
		p->valid = false;
	}
	return MTD_OK;
}

/* SquashFS 2.x/3.x: only the superblock (layout from squashfs-tools 3.x squashfs_fs.h). */
static int probe_v3(struct mtd_probe *p, const uint8_t *sb, bool be, const char *magic)
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
	const uint8_t *sb;
	mtd_probe_reader(p, &r);
	if (!mtd_rd_bytes(&r, SB_SIZE, &sb))
		return MTD_ERR_NO_MATCH;
	char magic[5];
	memcpy(magic, sb, 4);
	magic[4] = 0;
	bool be = !memcmp(magic, "sqsh", 4) || !memcmp(magic, "qshs", 4);
	if (!be && memcmp(magic, "hsqs", 4) && memcmp(magic, "shsq", 4))
		return MTD_ERR_NO_MATCH;
	if (!be && mtd_le16(sb + 28) == 4 && mtd_le16(sb + 30) == 0)
		return probe_v4(p, sb, magic);
	return probe_v3(p, sb, be, magic);
}

const struct mtd_format mtd_fmt_squashfs = {
    .name = "squashfs",
    .magics = {{"hsqs", 4, 0}, {"sqsh", 4, 0}, {"shsq", 4, 0}, {"qshs", 4, 0}},
    .probe = probe,
};
