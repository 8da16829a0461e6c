/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "outdir.h"

/*
 * cpio (newc, crc, odc) and tar (ustar, GNU long names, pax path records),
 * unpacked through the sink.  Names go to the sink exactly as stored: the
 * sink refuses absolute and '..' names with a reason.
 */

#define MAX_NAME 4096

static bool parse_num(const uint8_t *p, size_t n, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	while (i < n && p[i] == ' ')
		i++;
	bool any = false;
	for (; i < n; i++) {
		unsigned d;
		uint8_t c = p[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else if ((c == 0 || c == ' ') && base == 8 && any)
			break;
		else
			return false;
		if (d >= base)
			return false;
		if (!mtd_mul_ov(v, base, &v) || !mtd_add_ov(v, d, &v))
			return false;
		any = true;
	}
	*out = v;
	return any || base == 8;
}

/* ---- cpio ---- */

struct pending_link {
	uint64_t ino;
	char *path;
};

int mtd_unpack_cpio(const uint8_t *data, uint64_t len, struct mtd_fs_sink *sink)
{
	struct mtd_reader r;
	struct pending_link *pend = NULL;
	size_t npend = 0, cappend = 0;
	int rc = 0;
	mtd_rd_init(&r, data, (size_t)len, 0);
	while (!rc && mtd_rd_left(&r) >= 76) {
		const uint8_t *h;
		uint64_t ino = 0, mode = 0, nlink = 1, mtime = 0, fsize = 0, namesize = 0, maj = 0, min = 0;
		bool newc = false;
		size_t hdr_at = r.pos;
		if (!mtd_rd_bytes(&r, 6, &h))
			break;
		if (!memcmp(h, "070701", 6) || !memcmp(h, "070702", 6)) {
			const uint8_t *f;
			uint64_t v[13];
			if (!mtd_rd_bytes(&r, 104, &f))
				break;
			for (int i = 0; i < 13; i++)
				if (!parse_num(f + 8 * i, 8, 16, &v[i])) {
					mtd_sink_problem(sink, NULL, "cpio header at 0x%zx has a bad number", hdr_at);
					goto out;
				}
			ino = v[0], mode = v[1], nlink = v[4], mtime = v[5], fsize = v[6], maj = v[9], min = v[10];
			namesize = v[11];
			newc = true;
		} else if (!memcmp(h, "070707", 6)) {
			const uint8_t *f;
			uint64_t rdev;
			if (!mtd_rd_bytes(&r, 70, &f) || !parse_num(f + 6, 6, 8, &ino) ||
			    !parse_num(f + 12, 6, 8, &mode) || !parse_num(f + 30, 6, 8, &nlink) ||
			    !parse_num(f + 36, 6, 8, &rdev) || !parse_num(f + 42, 11, 8, &mtime) ||
			    !parse_num(f + 53, 6, 8, &namesize) || !parse_num(f + 59, 11, 8, &fsize)) {
				mtd_sink_problem(sink, NULL, "cpio odc header at 0x%zx is malformed", hdr_at);
				break;
			}
			maj = rdev >> 8, min = rdev & 0xff;
		} else {
			mtd_sink_problem(sink, NULL, "no cpio header at 0x%zx", hdr_at);
			break;
		}
		const uint8_t *name;
		if (namesize == 0 || namesize > MAX_NAME || !mtd_rd_bytes(&r, (size_t)namesize, &name)) {
			mtd_sink_problem(sink, NULL, "cpio name at 0x%zx is missing or too long", hdr_at);
			break;
		}
		char path[MAX_NAME + 1];
		memcpy(path, name, (size_t)namesize);
		path[namesize] = 0;
		if (newc)
			mtd_rd_seek(&r, (r.pos + 3) & ~(size_t)3);
		const uint8_t *body;
		if (!mtd_rd_bytes(&r, (size_t)fsize, &body) || fsize > len) {
			mtd_sink_problem(sink, path, "cpio entry data runs past the archive");
			break;
		}
		if (newc)
			mtd_rd_seek(&r, (r.pos + 3) & ~(size_t)3);
		if (!strcmp(path, "TRAILER!!!"))
			break;
		if (!strcmp(path, "."))
			continue;
		uint32_t perm = (uint32_t)mode & 07777;
		switch (mode & S_IFMT) {
		case S_IFDIR: rc = mtd_sink_dir(sink, path, perm, (int64_t)mtime); break;
		case S_IFLNK: {
			char target[MAX_NAME + 1];
			size_t tl = fsize < MAX_NAME ? (size_t)fsize : MAX_NAME;
			memcpy(target, body, tl);
			target[tl] = 0;
			rc = mtd_sink_symlink(sink, path, target, (int64_t)mtime);
			break;
		}
		case S_IFREG:
			/* newc stores hard-linked data once, with the last link; earlier links have size 0 */
			if (nlink > 1 && fsize == 0) {
				if (npend == cappend) {
					size_t cap = cappend ? cappend * 2 : 8;
					struct pending_link *n = mtd_realloc_array(pend, cap, sizeof(*n));
					if (!n) {
						rc = MTD_ERR_NOMEM;
						break;
					}
					pend = n, cappend = cap;
				}
				char *copy = strdup(path);
				if (copy)
					pend[npend++] = (struct pending_link){ino, copy};
				break;
			}
			rc = mtd_sink_file(sink, path, perm, (int64_t)mtime, body, (size_t)fsize);
			for (size_t i = 0; i < npend && !rc; i++)
				if (pend[i].ino == ino && pend[i].path) {
					rc = mtd_sink_hardlink(sink, pend[i].path, path);
					free(pend[i].path);
					pend[i].path = NULL;
				}
			break;
		default: rc = mtd_sink_special(sink, path, (uint32_t)mode, (uint32_t)maj, (uint32_t)min); break;
		}
	}
	/* links whose data never came: empty files */
	for (size_t i = 0; i < npend && !rc; i++)
		if (pend[i].path)
			rc = mtd_sink_file(sink, pend[i].path, 0644, -1, "", 0);
out:
	for (size_t i = 0; i < npend; i++)
		free(pend[i].path);
	free(pend);
	return rc == MTD_ERR_LIMIT ? rc : 0;
}

/* ---- tar ---- */

static bool tar_size(const uint8_t *f, uint64_t *out)
{
	if (f[0] & 0x80) { /* GNU base-256 */
		uint64_t v = 0;
		for (int i = 1; i < 12; i++) {
			if (v >> 56)
				return false;
			v = v << 8 | f[i];
		}
		*out = v;
		return true;
	}
	return parse_num(f, 12, 8, out);
}

static void copy_field(char *dst, const uint8_t *src, size_t n)
{
	size_t k = 0;
	while (k < n && src[k])
		k++;
	memcpy(dst, src, k);
	dst[k] = 0;
}

/* Find "path=" / "linkpath=" records in a pax extended header. */
static void pax_records(const uint8_t *p, size_t n, char *path, char *link)
{
	struct mtd_reader r;
	mtd_rd_init(&r, p, n, 0);
	while (mtd_rd_left(&r)) {
		const uint8_t *rec = mtd_rd_ptr(&r);
		size_t left = mtd_rd_left(&r), sp = 0;
		while (sp < left && sp < 20 && rec[sp] != ' ')
			sp++;
		uint64_t len;
		if (sp == left || !parse_num(rec, sp, 10, &len) || len <= sp + 1 || len > left)
			return;
		const uint8_t *kv = rec + sp + 1;
		size_t kvlen = (size_t)len - sp - 1;
		if (kvlen && kv[kvlen - 1] == '\n')
			kvlen--;
		char *dst = NULL;
		size_t klen = 0;
		if (kvlen > 5 && !memcmp(kv, "path=", 5))
			dst = path, klen = 5;
		else if (kvlen > 9 && !memcmp(kv, "linkpath=", 9))
			dst = link, klen = 9;
		if (dst && kvlen - klen <= MAX_NAME) {
			memcpy(dst, kv + klen, kvlen - klen);
			dst[kvlen - klen] = 0;
		}
		mtd_rd_skip(&r, (size_t)len);
	}
}

int mtd_unpack_tar(const uint8_t *data, uint64_t len, struct mtd_fs_sink *sink)
{
	struct mtd_reader r;
	char longname[MAX_NAME + 1] = "", longlink[MAX_NAME + 1] = "";
	int rc = 0;
	mtd_rd_init(&r, data, (size_t)len, 0);
	while (!rc) {
		const uint8_t *h;
		size_t at = r.pos;
		if (!mtd_rd_bytes(&r, 512, &h))
			break;
		bool zero = true;
		for (int i = 0; i < 512 && zero; i++)
			zero = h[i] == 0;
		if (zero)
			break;
		uint64_t sum = 0, want, size, mode, mtime, maj = 0, min = 0;
		for (int i = 0; i < 512; i++)
			sum += (i >= 148 && i < 156) ? ' ' : h[i];
		if (!parse_num(h + 148, 8, 8, &want) || want != sum) {
			mtd_sink_problem(sink, NULL, "tar header at 0x%zx fails its checksum", at);
			break;
		}
		if (!tar_size(h + 124, &size) || !parse_num(h + 100, 8, 8, &mode) ||
		    !parse_num(h + 136, 12, 8, &mtime)) {
			mtd_sink_problem(sink, NULL, "tar header at 0x%zx has a bad number", at);
			break;
		}
		parse_num(h + 329, 8, 8, &maj);
		parse_num(h + 337, 8, 8, &min);
		const uint8_t *body;
		if (size > len || !mtd_rd_bytes(&r, (size_t)size, &body)) {
			mtd_sink_problem(sink, NULL, "tar entry at 0x%zx runs past the archive", at);
			break;
		}
		mtd_rd_skip(&r, (size_t)((512 - size % 512) % 512));
		char type = (char)h[156];
		if (type == 'L' || type == 'K') {
			char *dst = type == 'L' ? longname : longlink;
			size_t n = size < MAX_NAME ? (size_t)size : MAX_NAME;
			copy_field(dst, body, n);
			continue;
		}
		if (type == 'x') {
			pax_records(body, (size_t)size, longname, longlink);
			continue;
		}
		if (type == 'g')
			continue;
		char path[MAX_NAME + 160], link[MAX_NAME + 1];
		if (longname[0]) {
			snprintf(path, sizeof(path), "%s", longname);
		} else {
			char prefix[156], name[101];
			copy_field(prefix, h + 345, 155);
			copy_field(name, h, 100);
			if (!memcmp(h + 257, "ustar", 5) && prefix[0])
				snprintf(path, sizeof(path), "%s/%s", prefix, name);
			else
				snprintf(path, sizeof(path), "%s", name);
		}
		if (longlink[0])
			snprintf(link, sizeof(link), "%s", longlink);
		else
			copy_field(link, h + 157, 100);
		longname[0] = longlink[0] = 0;
		uint32_t perm = (uint32_t)mode & 07777;
		switch (type) {
		case '0':
		case '\0':
		case '7': rc = mtd_sink_file(sink, path, perm, (int64_t)mtime, body, (size_t)size); break;
		case '1': rc = mtd_sink_hardlink(sink, path, link); break;
		case '2': rc = mtd_sink_symlink(sink, path, link, (int64_t)mtime); break;
		case '3': rc = mtd_sink_special(sink, path, S_IFCHR | perm, (uint32_t)maj, (uint32_t)min); break;
		case '4': rc = mtd_sink_special(sink, path, S_IFBLK | perm, (uint32_t)maj, (uint32_t)min); break;
		case '5': rc = mtd_sink_dir(sink, path, perm, (int64_t)mtime); break;
		case '6': rc = mtd_sink_special(sink, path, S_IFIFO | perm, 0, 0); break;
		default: mtd_sink_problem(sink, path, "tar entry type '%c' not extracted", type); break;
		}
	}
	return rc == MTD_ERR_LIMIT ? rc : 0;
}
