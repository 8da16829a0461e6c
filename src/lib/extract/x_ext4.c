/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ext2fs/ext2fs.h>

#include "outdir.h"

/*
 * ext2/3/4 through libext2fs (e2fsprogs), opened read-only.  The library
 * reads from a path, so the component's bytes are handed to it through a
 * sealed memfd; it never sees anything but the component.
 */

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

int mtd_unpack_ext4(const uint8_t *data, uint64_t len, struct mtd_fs_sink *sink)
{
	int fd = memfd_create("mtdscope-ext4", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		mtd_sink_problem(sink, NULL, "cannot create memory file for libext2fs");
		return 0;
	}
	for (uint64_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off > (1u << 24) ? (1u << 24) : (size_t)(len - off));
		if (w <= 0) {
			close(fd);
			mtd_sink_problem(sink, NULL, "cannot fill memory file for libext2fs");
			return 0;
		}
		off += (uint64_t)w;
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
