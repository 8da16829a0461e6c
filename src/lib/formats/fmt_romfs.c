/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mtdscope/extract.h>

#include "format.h"

/*
 * romfs (Linux Documentation/filesystems/romfs.rst, genromfs): big-endian
 * throughout.  The superblock: "-rom1fs-", the full size, a checksum making
 * the 32-bit sum of the first 512 bytes (or of the whole image, if shorter)
 * zero, and the volume name, NUL-terminated and padded to 16 bytes.  Then
 * file headers, 16-byte aligned: next (offset of the next header of the same
 * directory, low 4 bits: executable flag and type 0 hard link, 1 directory,
 * 2 file, 3 symlink, 4 block device, 5 char device, 6 socket, 7 fifo),
 * spec.info (a directory's first header, a hard link's target header, a
 * device's major << 16 | minor), size, a checksum over the header and name,
 * the name padded to 16, then the data.  The extent is the full size.
 */

#define RF_HDR       16u
#define RF_CSUM_SPAN 512u
#define RF_MAX_DEPTH 64u
#define RF_PATH_MAX  4096u

struct rf_file {
	uint32_t next, type, exec, info, size, data_at; /* data_at: offset of the data (after the padded name) */
	char name[256];
};

/* The 32-bit big-endian sum of n bytes at `at` (n a multiple of 4). */
static uint32_t sum32(const struct mtd_reader *r, size_t at, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 4 <= n; i += 4)
		s += mtd_rd_be32_at(r, at + i);
	return s;
}

/* The NUL-terminated name at `at`, padded to 16: its padded length, 0 when it does not end inside limit. */
static size_t name_at(const struct mtd_reader *r, uint64_t at, uint64_t limit, char *dst, size_t cap)
{
	size_t k = 0;
	for (uint64_t i = at; i < limit && i - at < RF_PATH_MAX; i++) {
		uint8_t c = mtd_rd_u8_at(r, (size_t)i);
		if (!c) {
			dst[k < cap ? k : cap - 1] = 0;
			return (size_t)(((i - at) + RF_HDR) & ~(uint64_t)(RF_HDR - 1));
		}
		if (k + 1 < cap)
			dst[k++] = (char)c;
	}
	return 0;
}

static bool file_at(const struct mtd_reader *r, uint64_t at, uint64_t size, struct rf_file *f)
{
	if ((at & (RF_HDR - 1)) || at < RF_HDR || at > size || size - at < RF_HDR)
		return false;
	uint32_t next = mtd_rd_be32_at(r, (size_t)at);
	f->next = next & ~15u;
	f->type = next & 7;
	f->exec = next & 8;
	f->info = mtd_rd_be32_at(r, (size_t)at + 4);
	f->size = mtd_rd_be32_at(r, (size_t)at + 8);
	size_t nl = name_at(r, at + RF_HDR, size, f->name, sizeof(f->name));
	if (!nl)
		return false;
	f->data_at = (uint32_t)(at + RF_HDR + nl);
	return true;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	if (avail < 32 || !mtd_rd_eq_at(&r, 0, "-rom1fs-", 8))
		return MTD_ERR_NO_MATCH;
	uint32_t size = mtd_rd_be32_at(&r, 8);
	char vol[256];
	size_t nl = name_at(&r, 16, avail < size ? avail : size, vol, sizeof(vol));
	if (size < 32 || !nl)
		return MTD_ERR_NO_MATCH;
	p->valid = true;
	mtd_probe_u64(p, "size_in_header", false, size);
	mtd_probe_str(p, "volume", true, "%s", vol);
	if (size > avail) {
		mtd_probe_problem(p, "truncated: the superblock claims 0x%x bytes but only 0x%llx remain in its space",
		                  size, (unsigned long long)avail);
		p->valid = false;
		p->size = avail;
		return MTD_OK;
	}
	p->size = size;
	uint32_t s = sum32(&r, 0, size < RF_CSUM_SPAN ? size & ~3u : RF_CSUM_SPAN);
	mtd_probe_bool(p, "checksum_ok", false, s == 0);
	if (s != 0) {
		mtd_probe_problem(p, "superblock checksum fails: the sum of the first 512 bytes is 0x%08x, not 0", s);
		p->valid = false;
	}
	/* count the root directory's entries (the first header follows the volume name) */
	struct rf_file f;
	uint64_t at = 16 + nl, n = 0;
	while (n < 100000 && file_at(&r, at, size, &f)) {
		n++;
		if (!f.next)
			break;
		at = f.next;
	}
	mtd_probe_u64(p, "root_entries", false, n);
	return MTD_OK;
}

/* ---- extract ---- */

struct rf_walk {
	const struct mtd_reader *in;
	struct mtd_fs_sink *sink;
	uint64_t size, budget;
	char path[RF_PATH_MAX];
};

static int walk(struct rf_walk *w, uint64_t at, size_t plen, unsigned depth)
{
	const struct mtd_reader *r = w->in;
	int rc = 0;
	if (depth > RF_MAX_DEPTH) {
		mtd_sink_problem(w->sink, w->path, "directories nested deeper than %u: not walked", RF_MAX_DEPTH);
		return 0;
	}
	while (at && !rc) {
		struct rf_file f;
		if (!w->budget--) {
			mtd_sink_problem(w->sink, NULL,
			                 "more file headers than the image can hold: a loop, walk stopped");
			return 0;
		}
		if (!file_at(r, at, w->size, &f)) {
			mtd_sink_problem(w->sink, plen ? w->path : NULL, "file header at 0x%llx is damaged",
			                 (unsigned long long)(mtd_rd_offset(r) + at));
			return 0;
		}
		at = f.next;
		size_t k = strlen(f.name);
		if (!k || !strcmp(f.name, ".") || !strcmp(f.name, "..") || plen + 1 + k >= sizeof(w->path))
			continue;
		size_t nlen = plen;
		if (plen)
			w->path[nlen++] = '/';
		memcpy(w->path + nlen, f.name, k + 1);
		nlen += k;
		const uint8_t *data = NULL;
		bool has_data = (f.type == 2 || f.type == 3) && mtd_range_ok(f.data_at, f.size, w->size) &&
		                mtd_rd_bytes_at(r, f.data_at, f.size, &data);
		uint32_t perm = f.type == 1 ? 0755 : f.exec ? 0755 : 0644;
		switch (f.type) {
		case 0: {
			struct rf_file t;
			char tpath[RF_PATH_MAX];
			/* hard links name the target's header, whose path is not known here: its name within the same
			 * tree */
			if (file_at(r, f.info, w->size, &t)) {
				snprintf(tpath, sizeof(tpath), "%.*s%s%s", (int)plen, w->path, plen ? "/" : "", t.name);
				rc = mtd_sink_hardlink(w->sink, w->path, tpath);
			}
			break;
		}
		case 1:
			rc = mtd_sink_dir(w->sink, w->path, perm, 0);
			if (!rc && f.info != at)
				rc = walk(w, f.info, nlen, depth + 1);
			break;
		case 2:
		case 3:
			if (!has_data) {
				mtd_sink_problem(w->sink, w->path,
				                 "data at 0x%x (%u bytes) runs past the end of the image", f.data_at,
				                 f.size);
				break;
			}
			if (f.type == 2) {
				rc = mtd_sink_file(w->sink, w->path, perm, 0, data, f.size);
			} else {
				char target[RF_PATH_MAX];
				size_t tl = f.size < sizeof(target) - 1 ? f.size : sizeof(target) - 1;
				mtd_rd_copy_at(r, f.data_at, target, tl);
				target[tl] = 0;
				rc = mtd_sink_symlink(w->sink, w->path, target, 0);
			}
			break;
		case 4: rc = mtd_sink_special(w->sink, w->path, S_IFBLK | 0644, f.info >> 16, f.info & 0xffff); break;
		case 5: rc = mtd_sink_special(w->sink, w->path, S_IFCHR | 0644, f.info >> 16, f.info & 0xffff); break;
		case 6: rc = mtd_sink_special(w->sink, w->path, S_IFSOCK | 0644, 0, 0); break;
		default: rc = mtd_sink_special(w->sink, w->path, S_IFIFO | 0644, 0, 0); break;
		}
		if (rc && rc != MTD_ERR_LIMIT && rc != MTD_ERR_NOMEM)
			rc = 0;
		w->path[plen] = 0;
	}
	return rc;
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	char vol[256];
	uint64_t len = mtd_rd_left(in);
	if (len < 32 || !mtd_rd_eq_at(in, 0, "-rom1fs-", 8)) {
		mtd_sink_problem(sink, NULL, "romfs superblock at 0x%llx unreadable",
		                 (unsigned long long)mtd_rd_offset(in));
		return 0;
	}
	uint32_t size = mtd_rd_be32_at(in, 8);
	uint64_t lim = size < len ? size : len;
	size_t nl = name_at(in, 16, lim, vol, sizeof(vol));
	struct rf_walk *w = calloc(1, sizeof(*w));
	if (!w)
		return MTD_ERR_NOMEM;
	w->in = in;
	w->sink = sink;
	w->size = lim;
	w->budget = lim / RF_HDR + 1;
	int rc = nl ? walk(w, 16 + nl, 0, 0) : 0;
	free(w);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
}

const struct mtd_format mtd_fmt_romfs = {
    .name = "romfs",
    .magics = {{"-rom1fs-", 8, 0}},
    .probe = probe,
    .unpack = unpack,
};
