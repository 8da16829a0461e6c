/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ext2fs/ext2fs.h>
#include <mtdscope/extract.h>

#include "../extract/outdir.h"
#include "format.h"

/*
 * ext2/3/4: the superblock sits 1024 bytes into the filesystem, magic 0xEF53
 * at 0x438.  That 2-byte magic is far from the start and too weak for the
 * magic filter, so the probe is anchored at 4 KiB boundaries and rejects on
 * two byte compares.  Extent = blocks_count * block size.  With
 * metadata_csum the superblock carries a CRC-32C of its first 1020 bytes
 * (seeded ~0, not inverted, as the kernel stores it).  The type stays `ext4`
 * for the whole family; `variant` says which one the features make it.
 *
 * The unpacker checks the same superblock (sb_read), then hands the
 * component's bytes to libext2fs (e2fsprogs), opened read-only, through a
 * sealed memfd: the library reads from a path and never sees anything but
 * the component.
 */

#define SB_OFF 1024u
#define SB_LEN 1024u

static const char *const compat_names[32] = {
    [0] = "dir_prealloc",  [1] = "imagic_inodes", [2] = "has_journal",    [3] = "ext_attr",
    [4] = "resize_inode",  [5] = "dir_index",     [6] = "lazy_bg",        [8] = "exclude_bitmap",
    [9] = "sparse_super2", [10] = "fast_commit",  [11] = "stable_inodes", [12] = "orphan_file"};
static const char *const incompat_names[32] = {
    [0] = "compression", [1] = "filetype",     [2] = "needs_recovery", [3] = "journal_dev",
    [4] = "meta_bg",     [6] = "extent",       [7] = "64bit",          [8] = "mmp",
    [9] = "flex_bg",     [10] = "ea_inode",    [12] = "dirdata",       [13] = "metadata_csum_seed",
    [14] = "large_dir",  [15] = "inline_data", [16] = "encrypt",       [17] = "casefold"};
static const char *const ro_names[32] = {
    [0] = "sparse_super", [1] = "large_file",     [3] = "huge_file", [4] = "uninit_bg",
    [5] = "dir_nlink",    [6] = "extra_isize",    [7] = "snapshot",  [8] = "quota",
    [9] = "bigalloc",     [10] = "metadata_csum", [11] = "replica",  [12] = "read-only",
    [13] = "project",     [14] = "shared_blocks", [15] = "verity",   [16] = "orphan_present"};

static uint32_t crc32c_raw(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
	}
	return crc;
}

static void add_features(char *buf, size_t cap, size_t *n, uint32_t mask, const char *const names[32],
                         const char *unknown_fmt)
{
	for (unsigned b = 0; b < 32; b++) {
		if (!(mask & (1u << b)))
			continue;
		int w = names[b] ? snprintf(buf + *n, cap - *n, "%s%s", *n ? " " : "", names[b])
		                 : snprintf(buf + *n, cap - *n, unknown_fmt, *n ? " " : "", b);
		if (w < 0 || (size_t)w >= cap - *n)
			return;
		*n += (size_t)w;
	}
}

static void str_field(struct mtd_probe *p, const char *key, bool brief, const uint8_t *s, size_t n)
{
	char out[65];
	size_t k = 0;
	for (; k < n && k < sizeof(out) - 1 && s[k]; k++)
		out[k] = (s[k] >= 0x20 && s[k] < 0x7f) ? (char)s[k] : '?';
	out[k] = 0;
	if (k)
		mtd_probe_str(p, key, brief, "%s", out);
}

/*
 * Copy the superblock of the filesystem at the start of r into s; false when
 * it is not the primary superblock of an ext2/3/4 filesystem.
 */
static bool sb_read(const struct mtd_reader *r, uint8_t s[SB_LEN])
{
	if (!mtd_rd_copy_at(r, SB_OFF, s, SB_LEN) || s[0x38] != 0x53 || s[0x39] != 0xef)
		return false;
	uint32_t inodes = mtd_le32(s), blocks_lo = mtd_le32(s + 4), first_data = mtd_le32(s + 20);
	uint32_t log_bs = mtd_le32(s + 24), bpg = mtd_le32(s + 32), ipg = mtd_le32(s + 40), rev = mtd_le32(s + 76);
	/* a backup superblock (block_group_nr != 0) is not the start of a filesystem */
	return !(log_bs > 6 || inodes == 0 || blocks_lo == 0 || bpg == 0 || ipg == 0 || rev > 1 ||
	         first_data != (log_bs == 0 ? 1u : 0u) || mtd_le16(s + 90) != 0);
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint8_t s[SB_LEN];
	mtd_probe_reader(p, &r);
	/* anchored at every 4 KiB: reject on the magic before copying anything */
	if (!mtd_rd_eq_at(&r, SB_OFF + 0x38, "\x53\xef", 2) || !sb_read(&r, s))
		return MTD_ERR_NO_MATCH;
	uint32_t inodes = mtd_le32(s), blocks_lo = mtd_le32(s + 4);
	uint32_t log_bs = mtd_le32(s + 24);
	uint32_t compat = mtd_le32(s + 92), incompat = mtd_le32(s + 96);
	uint32_t ro = mtd_le32(s + 100), mkfs_time = mtd_le32(s + 264);
	uint16_t state = mtd_le16(s + 58);
	uint64_t bs = 1024ull << log_bs;
	uint64_t blocks = blocks_lo;
	if (incompat & 0x80)
		blocks |= (uint64_t)mtd_le32(s + 0x150) << 32;
	uint64_t extent;
	if (!mtd_mul_ov(blocks, bs, &extent))
		return MTD_ERR_NO_MATCH;

	const char *variant = (incompat & (0x40 | 0x80 | 0x200)) || (ro & (0x8 | 0x400)) ? "ext4"
	                      : (compat & 0x4)                                           ? "ext3"
	                                                                                 : "ext2";
	p->valid = true;
	p->size = extent;
	mtd_probe_str(p, "variant", true, "%s", variant);
	str_field(p, "label", true, s + 120, 16);
	mtd_probe_u64(p, "block_size", true, bs);
	mtd_probe_u64(p, "blocks", true, blocks);
	mtd_probe_u64(p, "inodes", false, inodes);
	const uint8_t *u = s + 104;
	mtd_probe_str(p, "uuid", false, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
	              u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	str_field(p, "last_mounted", false, s + 136, 64);
	mtd_probe_str(p, "state", false, "%s%s", (state & 1) ? "clean" : "not clean",
	              (state & 2) ? " with errors" : "");
	char feat[1024];
	size_t n = 0;
	feat[0] = 0;
	add_features(feat, sizeof(feat), &n, compat, compat_names, "%sFEATURE_C%u");
	add_features(feat, sizeof(feat), &n, incompat, incompat_names, "%sFEATURE_I%u");
	add_features(feat, sizeof(feat), &n, ro, ro_names, "%sFEATURE_R%u");
	mtd_probe_str(p, "features", false, "%s", feat);
	if (mkfs_time) {
		time_t t = (time_t)mkfs_time;
		struct tm tm;
		char buf[32];
		if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
			mtd_probe_str(p, "mkfs_time", false, "%s", buf);
	}
	if (ro & 0x400) {
		uint32_t want = mtd_le32(s + 1020), got = crc32c_raw(0xffffffffu, s, 1020);
		mtd_probe_bool(p, "sb_checksum_ok", false, want == got);
		if (want != got) {
			mtd_probe_problem(p, "superblock checksum 0x%08x does not match 0x%08x", want, got);
			p->valid = false;
		}
	}
	uint64_t avail = p->len - p->off;
	if (extent > avail) {
		mtd_probe_problem(p, "truncated: %llu blocks of %llu bytes, only 0x%llx bytes present",
		                  (unsigned long long)blocks, (unsigned long long)bs, (unsigned long long)avail);
		p->size = avail;
		p->valid = false;
	}
	return MTD_OK;
}

/* ---- extract ---- */

#define EXT_MAX_DEPTH 128

struct entry {
	ext2_ino_t ino;
	char name[EXT2_NAME_LEN + 1];
};

struct list {
	struct entry *e;
	size_t n, cap;
	bool fail;
};

struct ctx {
	ext2_filsys fs;
	struct mtd_fs_sink *sink;
	uint8_t *buf;
	/* first path of each inode with several links, and directories on the current path */
	struct link {
		ext2_ino_t ino;
		char *path;
	} * links;
	size_t nlinks, caplinks;
	uint64_t visited;
};

static int collect(ext2_ino_t dir, int entry, struct ext2_dir_entry *de, int offset, int blocksize, char *buf,
                   void *priv)
{
	(void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
	struct list *l = priv;
	size_t len = ext2fs_dirent_name_len(de);
	if ((len == 1 && de->name[0] == '.') || (len == 2 && de->name[0] == '.' && de->name[1] == '.'))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct entry *n = mtd_realloc_array(l->e, cap, sizeof(*n));
		if (!n || cap > 10000000) {
			l->fail = true;
			return DIRENT_ABORT;
		}
		l->e = n, l->cap = cap;
	}
	l->e[l->n].ino = de->inode;
	memcpy(l->e[l->n].name, de->name, len);
	l->e[l->n].name[len] = 0;
	l->n++;
	return 0;
}

static const char *first_link(struct ctx *c, ext2_ino_t ino)
{
	for (size_t i = 0; i < c->nlinks; i++)
		if (c->links[i].ino == ino)
			return c->links[i].path;
	return NULL;
}

static void remember(struct ctx *c, ext2_ino_t ino, const char *path)
{
	if (c->nlinks == c->caplinks) {
		size_t cap = c->caplinks ? c->caplinks * 2 : 16;
		struct link *n = mtd_realloc_array(c->links, cap, sizeof(*n));
		if (!n)
			return;
		c->links = n, c->caplinks = cap;
	}
	char *p = strdup(path);
	if (p)
		c->links[c->nlinks++] = (struct link){ino, p};
}

static int walk(struct ctx *c, ext2_ino_t dir, const char *path, int depth);

static int emit(struct ctx *c, ext2_ino_t ino, const char *path, int depth)
{
	struct ext2_inode in;
	struct mtd_fs_sink *s = c->sink;
	if (s->out->limit_hit)
		return MTD_ERR_LIMIT;
	if (++c->visited > 50000000)
		return MTD_ERR_LIMIT;
	if (ext2fs_read_inode(c->fs, ino, &in)) {
		mtd_sink_problem(s, path, "inode %u unreadable", ino);
		return 0;
	}
	uint32_t mode = in.i_mode & 07777;
	int64_t mtime = in.i_mtime;
	switch (in.i_mode & S_IFMT) {
	case S_IFDIR: {
		int rc = mtd_sink_dir(s, path, mode, mtime);
		return rc ? rc : walk(c, ino, path, depth + 1);
	}
	case S_IFREG: {
		if (in.i_links_count > 1) {
			const char *first = first_link(c, ino);
			if (first)
				return mtd_sink_hardlink(s, path, first);
			remember(c, ino, path);
		}
		ext2_file_t f;
		if (ext2fs_file_open(c->fs, ino, 0, &f)) {
			mtd_sink_problem(s, path, "file unreadable");
			return 0;
		}
		int rc = mtd_sink_file_begin(s, path, mode, mtime);
		uint64_t size = EXT2_I_SIZE(&in), done = 0;
		while (!rc && done < size) {
			unsigned int got = 0;
			if (ext2fs_file_read(f, c->buf, 1u << 20, &got) || got == 0) {
				mtd_sink_problem(s, path, "read failed at %llu of %llu bytes", (unsigned long long)done,
				                 (unsigned long long)size);
				break;
			}
			rc = mtd_sink_file_write(s, c->buf, got);
			done += got;
		}
		ext2fs_file_close(f);
		int rc2 = mtd_sink_file_end(s);
		return rc ? rc : rc2;
	}
	case S_IFLNK: {
		char target[4097];
		uint64_t size = EXT2_I_SIZE(&in);
		if (size > 4096) {
			mtd_sink_problem(s, path, "symlink target longer than 4096 bytes");
			return 0;
		}
		if (ext2fs_is_fast_symlink(&in)) {
			memcpy(target, (const char *)in.i_block, (size_t)size);
		} else {
			ext2_file_t f;
			unsigned int got = 0;
			if (ext2fs_file_open(c->fs, ino, 0, &f) || ext2fs_file_read(f, target, (unsigned)size, &got)) {
				mtd_sink_problem(s, path, "symlink unreadable");
				return 0;
			}
			ext2fs_file_close(f);
			size = got;
		}
		target[size] = 0;
		return mtd_sink_symlink(s, path, target, mtime);
	}
	case S_IFCHR:
	case S_IFBLK: {
		uint32_t major, minor;
		if (in.i_block[0]) {
			major = (in.i_block[0] >> 8) & 255, minor = in.i_block[0] & 255;
		} else {
			uint32_t d = in.i_block[1];
			major = (d & 0xfff00) >> 8, minor = (d & 0xff) | ((d >> 12) & 0xfff00);
		}
		return mtd_sink_special(s, path, in.i_mode, major, minor);
	}
	default: return mtd_sink_special(s, path, in.i_mode, 0, 0);
	}
}

static int walk(struct ctx *c, ext2_ino_t dir, const char *path, int depth)
{
	if (depth > EXT_MAX_DEPTH) {
		mtd_sink_problem(c->sink, path, "directory nesting deeper than %d (a loop?): not followed",
		                 EXT_MAX_DEPTH);
		return 0;
	}
	struct list l = {0};
	if (ext2fs_dir_iterate2(c->fs, dir, 0, NULL, collect, &l) || l.fail)
		mtd_sink_problem(c->sink, path, "directory unreadable or too large");
	int rc = 0;
	for (size_t i = 0; i < l.n && !rc; i++) {
		char child[4096];
		if (snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "", l.e[i].name) >=
		    (int)sizeof(child)) {
			mtd_sink_problem(c->sink, path, "path too long");
			continue;
		}
		rc = emit(c, l.e[i].ino, child, depth);
	}
	free(l.e);
	return rc;
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	uint8_t sb[SB_LEN];
	if (!sb_read(in, sb)) {
		mtd_sink_problem(sink, NULL, "no ext2/3/4 superblock at 0x%llx",
		                 (unsigned long long)mtd_rd_offset(in) + SB_OFF);
		return 0;
	}
	int fd = memfd_create("mtdscope-ext4", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		mtd_sink_problem(sink, NULL, "cannot create memory file for libext2fs");
		return 0;
	}
	for (struct mtd_reader rest = *in; mtd_rd_left(&rest);) {
		size_t n = mtd_rd_left(&rest) > (1u << 24) ? (1u << 24) : mtd_rd_left(&rest);
		const uint8_t *chunk = NULL;
		ssize_t w = mtd_rd_bytes_at(&rest, 0, n, &chunk) ? write(fd, chunk, n) : -1;
		if (w <= 0) {
			close(fd);
			mtd_sink_problem(sink, NULL, "cannot fill memory file for libext2fs");
			return 0;
		}
		mtd_rd_skip(&rest, (size_t)w);
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct ctx c = {.sink = sink};
	errcode_t err =
	    ext2fs_open2(path, NULL, EXT2_FLAG_64BITS | EXT2_FLAG_IGNORE_CSUM_ERRORS, 0, 0, unix_io_manager, &c.fs);
	int rc = 0;
	if (err) {
		mtd_sink_problem(sink, NULL, "ext filesystem not readable by libext2fs (error %ld)", (long)err);
	} else {
		c.buf = malloc(1u << 20);
		if (!c.buf) {
			rc = MTD_ERR_NOMEM;
		} else {
			struct ext2_inode root;
			if (ext2fs_read_inode(c.fs, EXT2_ROOT_INO, &root) == 0)
				rc = mtd_sink_dir(sink, "", root.i_mode & 07777, root.i_mtime);
			if (!rc)
				rc = walk(&c, EXT2_ROOT_INO, "", 0);
		}
		ext2fs_close_free(&c.fs);
	}
	for (size_t i = 0; i < c.nlinks; i++)
		free(c.links[i].path);
	free(c.links);
	free(c.buf);
	close(fd);
	return rc == MTD_ERR_LIMIT ? rc : 0;
}

const struct mtd_format mtd_fmt_ext4 = {
    .name = "ext4",
    .anchor_align = 4096,
    .probe = probe,
    .unpack = unpack,
};
