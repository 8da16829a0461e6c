/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include <mtdscope/extract.h>

#include "format.h"

/*
 * cramfs (linux/cramfs_fs.h, util-linux mkfs.cramfs/fsck.cramfs): a 64-byte
 * superblock (magic 0x28cd3d45 in the image's byte order, size, flags,
 * "Compressed ROMFS", fsid {crc, edition, blocks, files}, name) and the root
 * inode.  An inode is three 32-bit words: mode:16 uid:16, size:24 gid:8,
 * namelen:6 offset:26 (bit fields from the low bits in a little-endian image,
 * from the high bits in a big-endian one); namelen and offset count 4-byte
 * units, the name follows the inode.  A directory's offset points at its
 * first entry and its size is the bytes of its entries; a file's (and a
 * symlink's) offset points at a table of 32-bit block end pointers, one per
 * 4 KiB page, the zlib blocks following the table.  With flag 1 (fsid v2)
 * fsid.crc is the CRC-32 of the `size` bytes with the crc field zeroed, which
 * gives the exact extent and the validity.
 */

#define CR_SB        64u
#define CR_INODE     12u
#define CR_PAGE      4096u
#define CR_MAX_DEPTH 64u
#define CR_PATH_MAX  4096u

#define CR_FLAG_FSID_V2      0x1u
#define CR_FLAG_SORTED_DIRS  0x2u
#define CR_FLAG_HOLES        0x100u
#define CR_FLAG_WRONG_SIG    0x200u
#define CR_FLAG_SHIFTED_ROOT 0x400u
#define CR_FLAG_EXT_BLKPTR   0x800u

struct cr_sb {
	bool be;
	uint32_t size, flags, crc, edition, blocks, files;
	char name[17];
};

struct cr_inode {
	uint32_t mode, uid, size, gid, namelen, offset;
};

static uint32_t rd32(const struct mtd_reader *r, size_t at, bool be)
{
	return be ? mtd_rd_be32_at(r, at) : mtd_rd_le32_at(r, at);
}

static bool sb_decode(const struct mtd_reader *r, struct cr_sb *sb)
{
	if (mtd_rd_left(r) < CR_SB + CR_INODE || !mtd_rd_eq_at(r, 16, "Compressed ROMFS", 16))
		return false;
	memset(sb, 0, sizeof(*sb));
	if (mtd_rd_le32_at(r, 0) == 0x28cd3d45u)
		sb->be = false;
	else if (mtd_rd_be32_at(r, 0) == 0x28cd3d45u)
		sb->be = true;
	else
		return false;
	sb->size = rd32(r, 4, sb->be);
	sb->flags = rd32(r, 8, sb->be);
	sb->crc = rd32(r, 32, sb->be);
	sb->edition = rd32(r, 36, sb->be);
	sb->blocks = rd32(r, 40, sb->be);
	sb->files = rd32(r, 44, sb->be);
	uint8_t n[16];
	mtd_rd_copy_at(r, 48, n, 16);
	for (int i = 0; i < 16 && n[i]; i++)
		sb->name[i] = n[i] >= 0x20 && n[i] < 0x7f ? (char)n[i] : '?';
	return true;
}

static bool inode_at(const struct mtd_reader *r, uint64_t at, bool be, struct cr_inode *in)
{
	if (at > mtd_rd_left(r) || mtd_rd_left(r) - at < CR_INODE)
		return false;
	uint32_t w0 = rd32(r, (size_t)at, be), w1 = rd32(r, (size_t)at + 4, be), w2 = rd32(r, (size_t)at + 8, be);
	if (be) {
		in->mode = w0 >> 16, in->uid = w0 & 0xffff;
		in->size = w1 >> 8, in->gid = w1 & 0xff;
		in->namelen = (w2 >> 26) * 4, in->offset = (w2 & 0x3ffffff) * 4;
	} else {
		in->mode = w0 & 0xffff, in->uid = w0 >> 16;
		in->size = w1 & 0xffffff, in->gid = w1 >> 24;
		in->namelen = (w2 & 0x3f) * 4, in->offset = (w2 >> 6) * 4;
	}
	return true;
}

/* CRC-32 of the first `size` bytes with the crc field (bytes 32..35) taken as zero. */
static bool crc_of(const struct mtd_reader *r, uint32_t size, uint32_t *out)
{
	static const uint8_t zero[4] = {0};
	uint32_t c = 0;
	if (size < CR_SB || size > mtd_rd_left(r) || !mtd_rd_crc32(r, 0, 32, 0, &c))
		return false;
	c = (uint32_t)crc32(c, zero, 4);
	return mtd_rd_crc32(r, 36, size - 36, c, out);
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	struct cr_sb sb;
	mtd_probe_reader(p, &r);
	if (!sb_decode(&r, &sb) || sb.size < CR_SB + CR_INODE)
		return MTD_ERR_NO_MATCH;
	struct cr_inode root;
	inode_at(&r, CR_SB, sb.be, &root);
	if (!S_ISDIR(root.mode))
		return MTD_ERR_NO_MATCH;
	uint64_t avail = mtd_rd_left(&r);
	p->valid = true;
	mtd_probe_str(p, "endian", true, "%s", sb.be ? "big" : "little");
	mtd_probe_u64(p, "size_in_header", false, sb.size);
	mtd_probe_hex(p, "flags", false, sb.flags);
	mtd_probe_u64(p, "files", true, sb.files);
	mtd_probe_u64(p, "blocks", false, sb.blocks);
	mtd_probe_u64(p, "edition", false, sb.edition);
	if (sb.name[0])
		mtd_probe_str(p, "name", false, "%s", sb.name);
	if (sb.size > avail) {
		mtd_probe_problem(p, "truncated: the superblock claims 0x%x bytes but only 0x%llx remain in its space",
		                  sb.size, (unsigned long long)avail);
		p->valid = false;
		p->size = avail;
		return MTD_OK;
	}
	p->size = sb.size;
	if (sb.flags & CR_FLAG_FSID_V2) {
		uint32_t c = 0;
		bool ok = crc_of(&r, sb.size, &c) && c == sb.crc;
		mtd_probe_hex(p, "crc", false, sb.crc);
		mtd_probe_bool(p, "crc_ok", false, ok);
		if (!ok) {
			mtd_probe_problem(p, "CRC-32 0x%08x of the image does not match the superblock's 0x%08x", c,
			                  sb.crc);
			p->valid = false;
		}
	}
	return MTD_OK;
}

/* ---- extract ---- */

struct cr_walk {
	const struct mtd_reader *in;
	struct mtd_fs_sink *sink;
	bool be, ext;
	uint64_t budget; /* inodes still allowed: a directory that points back at itself ends here */
	uint8_t page[CR_PAGE];
	char path[CR_PATH_MAX];
};

/* The file's bytes (size of them, in 4 KiB zlib blocks) through the sink; symlinks into buf. */
static int file_data(struct cr_walk *w, const struct cr_inode *in, const char *path, char *link, size_t link_cap)
{
	const struct mtd_reader *r = w->in;
	uint64_t nblocks = ((uint64_t)in->size + CR_PAGE - 1) / CR_PAGE, start = in->offset + 4 * nblocks, done = 0;
	int rc = 0;
	if (!mtd_range_ok(in->offset, 4 * nblocks, mtd_rd_left(r))) {
		mtd_sink_problem(w->sink, path, "block table at 0x%x runs past the end of the image", in->offset);
		return 0;
	}
	for (uint64_t b = 0; b < nblocks && !rc; b++) {
		uint32_t end = rd32(r, (size_t)(in->offset + 4 * b), w->be);
		uLongf got = CR_PAGE;
		const uint8_t *src = NULL;
		if (end < start || end > mtd_rd_left(r) || !mtd_rd_bytes_at(r, (size_t)start, end - start, &src)) {
			mtd_sink_problem(w->sink, path, "block %llu: pointer 0x%x out of the image or before its start",
			                 (unsigned long long)b, end);
			return rc;
		}
		uLongf want = in->size - done < CR_PAGE ? (uLongf)(in->size - done) : CR_PAGE;
		if (end == start) {
			memset(w->page, 0, want); /* a hole */
			got = want;
		} else if (uncompress(w->page, &got, src, end - start) != Z_OK || got != want) {
			mtd_sink_problem(w->sink, path, "block %llu at 0x%llx does not inflate to %lu bytes: file cut",
			                 (unsigned long long)b, (unsigned long long)(mtd_rd_offset(r) + start), want);
			return rc;
		}
		if (link) {
			size_t k = done + got < link_cap ? got : (done < link_cap - 1 ? link_cap - 1 - done : 0);
			memcpy(link + done, w->page, k);
			link[done + k] = 0;
		} else {
			rc = mtd_sink_file_write(w->sink, w->page, got);
		}
		done += got;
		start = end;
	}
	return rc;
}

static int walk_dir(struct cr_walk *w, const struct cr_inode *dir, size_t plen, unsigned depth)
{
	const struct mtd_reader *r = w->in;
	uint64_t pos = dir->offset, end = (uint64_t)dir->offset + dir->size;
	int rc = 0;
	if (depth > CR_MAX_DEPTH) {
		mtd_sink_problem(w->sink, w->path, "directories nested deeper than %u: not walked", CR_MAX_DEPTH);
		return 0;
	}
	if (end > mtd_rd_left(r)) {
		mtd_sink_problem(w->sink, plen ? w->path : NULL,
		                 "directory entries at 0x%x run past the end of the image", dir->offset);
		return 0;
	}
	while (pos < end && !rc) {
		struct cr_inode in;
		if (!w->budget--) {
			mtd_sink_problem(w->sink, NULL,
			                 "more inodes than the image can hold: a directory loop, walk stopped");
			return 0;
		}
		if (!inode_at(r, pos, w->be, &in) || in.namelen == 0 || pos + CR_INODE + in.namelen > end) {
			mtd_sink_problem(w->sink, plen ? w->path : NULL, "directory entry at 0x%llx is damaged",
			                 (unsigned long long)(mtd_rd_offset(r) + pos));
			return 0;
		}
		char name[256];
		size_t k = 0;
		for (uint32_t i = 0; i < in.namelen && k < sizeof(name) - 1; i++) {
			uint8_t c = mtd_rd_u8_at(r, (size_t)(pos + CR_INODE + i));
			if (!c)
				break;
			name[k++] = (char)c;
		}
		name[k] = 0;
		pos += CR_INODE + in.namelen;
		if (!k || plen + 1 + k >= sizeof(w->path))
			continue;
		size_t nlen = plen;
		if (plen)
			w->path[nlen++] = '/';
		memcpy(w->path + nlen, name, k + 1);
		nlen += k;
		uint32_t perm = in.mode & 07777;
		if (S_ISDIR(in.mode)) {
			rc = mtd_sink_dir(w->sink, w->path, perm, 0);
			if (!rc)
				rc = walk_dir(w, &in, nlen, depth + 1);
		} else if (S_ISREG(in.mode)) {
			rc = mtd_sink_file_begin(w->sink, w->path, perm, 0);
			if (!rc)
				rc = file_data(w, &in, w->path, NULL, 0);
			int e = mtd_sink_file_end(w->sink);
			rc = rc ? rc : e;
		} else if (S_ISLNK(in.mode)) {
			char target[CR_PATH_MAX];
			target[0] = 0;
			rc = file_data(w, &in, w->path, target, sizeof(target));
			if (!rc)
				rc = mtd_sink_symlink(w->sink, w->path, target, 0);
		} else {
			/* devices keep their number in the size field */
			rc = mtd_sink_special(w->sink, w->path, in.mode, in.size >> 8, in.size & 0xff);
		}
		if (rc && rc != MTD_ERR_LIMIT && rc != MTD_ERR_NOMEM)
			rc = 0;
		w->path[plen] = 0;
	}
	return rc;
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	struct cr_sb sb;
	struct cr_inode root;
	if (!sb_decode(in, &sb) || !inode_at(in, CR_SB, sb.be, &root) || !S_ISDIR(root.mode)) {
		mtd_sink_problem(sink, NULL, "cramfs superblock at 0x%llx unreadable",
		                 (unsigned long long)mtd_rd_offset(in));
		return 0;
	}
	if (sb.flags & CR_FLAG_EXT_BLKPTR) {
		mtd_sink_problem(sink, NULL, "cramfs with extended block pointers (flag 0x800) is not extracted");
		return 0;
	}
	struct cr_walk *w = calloc(1, sizeof(*w));
	if (!w)
		return MTD_ERR_NOMEM;
	w->in = in;
	w->sink = sink;
	w->be = sb.be;
	w->budget = mtd_rd_left(in) / CR_INODE + 1;
	int rc = walk_dir(w, &root, 0, 0);
	free(w);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
}

const struct mtd_format mtd_fmt_cramfs = {
    .name = "cramfs",
    .magics = {{"\x45\x3d\xcd\x28", 4, 0}, {"\x28\xcd\x3d\x45", 4, 0}},
    .probe = probe,
    .unpack = unpack,
};
