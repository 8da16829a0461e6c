/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mtdscope/extract.h>

#include "format.h"

/*
 * cpio archives in the three ASCII formats and the old binary one:
 *   newc "070701" and crc "070702": 110-byte header of 8-digit hex fields;
 *     header+name padded to 4 bytes, data padded to 4 bytes; in crc archives
 *     `check` is the 32-bit sum of a regular file's data bytes;
 *   odc "070707": 76-byte header of octal fields, no padding;
 *   bin (old binary, cpio(5)): 26-byte header of thirteen 16-bit words in the
 *     writer's byte order, told by the magic 070707 (0x71c7) read either way;
 *     mtime and filesize are two words each, the most significant first in
 *     both orders; header+name and data padded to 2 bytes.  Its magic is two
 *     bytes only, so a bin archive also needs sane headers (a known file
 *     type, a link count, a printable NUL-terminated name) and either its
 *     TRAILER!!! or two entries.
 * The archive ends with the entry named "TRAILER!!!".  cpio(1) then fills
 * the last 512-byte block with zeros: that fill is part of the archive when
 * it is there and all zero (the kernel's initramfs builder does not write it).
 * Regular files of 4 KiB and more are scanned for nested components.
 *
 * One entry decoder (entry_at) serves the probe and the unpacker; names go
 * to the sink exactly as stored (it refuses absolute and '..' names).
 */

#define NAME_MAX_LEN 65536u
#define PATH_MAX_LEN 4096u
#define LIST_MAX     64u
#define DESCEND_MIN  4096u
#define DESCEND_MAX  256u

enum kind { NEWC, CRC, ODC, BIN_LE, BIN_BE };

static const char *const kind_names[] = {"newc", "crc", "odc", "bin", "bin"};

/* n digits of `base` at `at` of r, nothing else */
static bool parse_num(const struct mtd_reader *r, size_t at, unsigned n, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		uint8_t c;
		uint64_t x;
		if (!mtd_rd_peek_uint(r, at + i, 1, false, &x))
			return false;
		c = (uint8_t)x;
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		if (d >= base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

struct entry {
	uint64_t ino, mode, nlink, mtime, filesize, namesize, check, rdev_major, rdev_minor;
	uint64_t pos;     /* header, relative to the archive start */
	uint64_t name_at; /* name (namesize bytes, NUL included) */
	uint64_t data_at; /* data (filesize bytes) */
	uint64_t next;    /* the next header */
	bool trailer;
};

enum entry_rc { ENTRY_OK, ENTRY_BROKEN, ENTRY_TRUNCATED };

static bool is_bin(enum kind k)
{
	return k == BIN_LE || k == BIN_BE;
}

static unsigned header_len(enum kind k)
{
	return k == ODC ? 76 : is_bin(k) ? 26 : 110;
}

/* the padding after the header+name and after the data */
static uint64_t pad_to(enum kind k, uint64_t v)
{
	if (k == ODC)
		return v;
	uint64_t a = is_bin(k) ? 1 : 3;
	return (v + a) & ~a;
}

static bool magic_ok(enum kind k, const struct mtd_reader *h)
{
	static const char ascii[] = {'1', '2', '7'};
	if (k == BIN_LE)
		return mtd_rd_le16_at(h, 0) == 070707;
	if (k == BIN_BE)
		return mtd_rd_be16_at(h, 0) == 070707;
	return mtd_rd_eq_at(h, 0, "07070", 5) && mtd_rd_u8_at(h, 5) == (uint8_t)ascii[k];
}

static bool parse_header(enum kind k, const struct mtd_reader *h, struct entry *e)
{
	if (is_bin(k)) {
		/* magic dev ino mode uid gid nlink rdev mtime[2] namesize filesize[2] */
		uint64_t w[13];
		for (unsigned i = 0; i < 13; i++)
			w[i] = k == BIN_LE ? mtd_rd_le16_at(h, 2 * i) : mtd_rd_be16_at(h, 2 * i);
		e->ino = w[2], e->mode = w[3], e->nlink = w[6], e->mtime = w[8] << 16 | w[9], e->namesize = w[10];
		e->filesize = w[11] << 16 | w[12];
		e->check = 0, e->rdev_major = w[7] >> 8, e->rdev_minor = w[7] & 0xff;
		return true;
	}
	if (k == ODC) {
		/* magic dev ino mode uid gid nlink rdev mtime namesize filesize */
		static const unsigned w[] = {6, 6, 6, 6, 6, 6, 6, 6, 11, 6, 11};
		uint64_t v[11];
		unsigned at = 0;
		for (unsigned i = 0; i < 11; i++) {
			if (!parse_num(h, at, w[i], 8, &v[i]))
				return false;
			at += w[i];
		}
		e->ino = v[2], e->mode = v[3], e->nlink = v[6], e->mtime = v[8], e->namesize = v[9],
		e->filesize = v[10];
		e->check = 0, e->rdev_major = v[7] >> 8, e->rdev_minor = v[7] & 0xff;
		return true;
	}
	uint64_t v[13];
	for (unsigned i = 0; i < 13; i++)
		if (!parse_num(h, 6 + 8 * i, 8, 16, &v[i]))
			return false;
	/* ino mode uid gid nlink mtime filesize devmaj devmin rdevmaj rdevmin namesize check */
	e->ino = v[0], e->mode = v[1], e->nlink = v[4], e->mtime = v[5], e->filesize = v[6];
	e->rdev_major = v[9], e->rdev_minor = v[10], e->namesize = v[11], e->check = v[12];
	return true;
}

/* A bin header with no checksum to confirm it: a file type cpio writes, links, a printable name. */
static bool bin_sane(const struct mtd_reader *r, const struct entry *e)
{
	uint64_t type = e->mode & 0170000;
	if (e->trailer)
		return true;
	if (e->nlink == 0 || !(type == 0010000 || type == 0020000 || type == 0040000 || type == 0060000 ||
	                       type == 0100000 || type == 0120000 || type == 0140000))
		return false;
	for (uint64_t i = 0; i + 1 < e->namesize; i++) {
		uint8_t c = mtd_rd_u8_at(r, (size_t)(e->name_at + i));
		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

/* Decode the entry whose header is at `pos` of the archive r. */
static enum entry_rc entry_at(const struct mtd_reader *r, enum kind k, uint64_t pos, struct entry *e)
{
	uint64_t len = mtd_rd_left(r), hl = header_len(k);
	struct mtd_reader h;
	memset(e, 0, sizeof(*e));
	e->pos = pos;
	if (pos > len || len - pos < hl || !mtd_rd_window(r, (size_t)pos, (size_t)hl, &h))
		return ENTRY_TRUNCATED;
	if (!magic_ok(k, &h) || !parse_header(k, &h, e))
		return ENTRY_BROKEN;
	if (e->namesize == 0 || e->namesize > NAME_MAX_LEN)
		return ENTRY_BROKEN;
	e->name_at = pos + hl;
	e->data_at = pad_to(k, e->name_at + e->namesize);
	if (e->data_at > len)
		return ENTRY_TRUNCATED;
	if (mtd_rd_u8_at(r, (size_t)(e->name_at + e->namesize - 1)) != 0)
		return ENTRY_BROKEN;
	e->trailer = e->namesize == 11 && mtd_rd_eq_at(r, (size_t)e->name_at, "TRAILER!!!", 10);
	if (is_bin(k) && !bin_sane(r, e))
		return ENTRY_BROKEN;
	if (e->trailer) {
		e->next = e->data_at;
		return ENTRY_OK;
	}
	if (e->filesize > len - e->data_at)
		return ENTRY_TRUNCATED;
	e->next = pad_to(k, e->data_at + e->filesize);
	return ENTRY_OK;
}

static bool kind_of(const struct mtd_reader *r, enum kind *k)
{
	uint8_t c = mtd_rd_u8_at(r, 5);
	if (mtd_rd_left(r) >= 26 && mtd_rd_le16_at(r, 0) == 070707) {
		*k = BIN_LE;
		return true;
	}
	if (mtd_rd_left(r) >= 26 && mtd_rd_be16_at(r, 0) == 070707) {
		*k = BIN_BE;
		return true;
	}
	if (mtd_rd_left(r) < 76 || !mtd_rd_eq_at(r, 0, "07070", 5) || (c != '1' && c != '2' && c != '7'))
		return false;
	*k = c == '1' ? NEWC : c == '2' ? CRC : ODC;
	return true;
}

/* The crc format's checksum: the 32-bit sum of the data bytes. */
static uint32_t data_sum(const struct mtd_reader *r, const struct entry *e)
{
	struct mtd_reader d;
	uint32_t sum = 0;
	uint8_t c;
	if (mtd_rd_window(r, (size_t)e->data_at, (size_t)e->filesize, &d))
		while (mtd_rd_u8(&d, &c))
			sum += c;
	return sum;
}

/* ---- scan ---- */

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	enum kind k;
	mtd_probe_reader(p, &r);
	if (!kind_of(&r, &k))
		return MTD_ERR_NO_MATCH;
	uint64_t len = mtd_rd_left(&r);

	uint64_t pos = 0, entries = 0, files = 0, dirs = 0, links = 0, other = 0, data_bytes = 0, bad_sum = 0;
	uint64_t descended = 0, first_bad = 0;
	bool trailer = false, truncated = false, broken = false;
	while (!trailer) {
		struct entry e;
		enum entry_rc rc = entry_at(&r, k, pos, &e);
		if (rc == ENTRY_TRUNCATED) {
			truncated = true;
			break;
		}
		if (rc == ENTRY_BROKEN) {
			if (entries == 0)
				return MTD_ERR_NO_MATCH;
			broken = true;
			break;
		}
		if (e.trailer) {
			trailer = true;
			pos = e.next;
			break;
		}
		entries++;
		if (entries <= LIST_MAX) {
			char name[256];
			size_t nl = (size_t)e.namesize - 1;
			nl = nl > 255 ? 255 : nl;
			mtd_rd_copy_at(&r, (size_t)e.name_at, name, nl);
			mtd_probe_list_add(p, "names", false, "%.*s", (int)strnlen(name, nl), name);
		}
		uint64_t type = e.mode & 0170000;
		if (type == 0100000) {
			files++;
			data_bytes += e.filesize;
			if (k == CRC && data_sum(&r, &e) != (uint32_t)e.check) {
				if (!bad_sum)
					first_bad = p->off + pos;
				bad_sum++;
			}
			if (e.filesize >= DESCEND_MIN && descended < DESCEND_MAX) {
				mtd_probe_scan_range(p, p->off + e.data_at, e.filesize);
				descended++;
			}
		} else if (type == 0040000) {
			dirs++;
		} else if (type == 0120000) {
			links++;
		} else {
			other++;
		}
		pos = e.next;
		if (pos > len) {
			truncated = true;
			break;
		}
	}
	if (entries == 0 && !trailer)
		return MTD_ERR_NO_MATCH;
	if (is_bin(k) && !trailer && entries < 2)
		return MTD_ERR_NO_MATCH; /* one header after a 2-byte magic is too little to go on */

	const char *const *names = kind_names;
	mtd_probe_str(p, "format", true, "%s", names[k]);
	if (is_bin(k))
		mtd_probe_str(p, "endian", false, "%s", k == BIN_LE ? "little" : "big");
	mtd_probe_u64(p, "entries", true, entries);
	mtd_probe_u64(p, "files", false, files);
	mtd_probe_u64(p, "directories", false, dirs);
	mtd_probe_u64(p, "symlinks", false, links);
	mtd_probe_u64(p, "other", false, other);
	mtd_probe_u64(p, "data_bytes", false, data_bytes);
	p->valid = true;
	if (trailer) {
		/* cpio(1) fills the last 512-byte block with zeros */
		uint64_t blk = (pos + 511) & ~(uint64_t)511, end = pos;
		if (blk <= len && mtd_rd_uniform_at(&r, (size_t)pos, (size_t)(blk - pos), 0))
			end = blk;
		if (end > pos)
			mtd_probe_u64(p, "block_padding", false, end - pos);
		p->size = end;
	} else if (truncated) {
		mtd_probe_problem(p, "truncated: the archive is cut off before its TRAILER!!! entry");
		p->size = len;
		p->valid = false;
	} else {
		mtd_probe_problem(p, "entry at 0x%llx is not a valid %s header and no TRAILER!!! came before it",
		                  (unsigned long long)(p->off + pos), names[k]);
		p->size = pos;
		p->valid = false;
	}
	if (broken && p->size == 0)
		return MTD_ERR_NO_MATCH;
	if (k == CRC) {
		mtd_probe_u64(p, "bad_checksums", false, bad_sum);
		if (bad_sum) {
			mtd_probe_problem(p, "%llu files fail their data checksum (first entry at 0x%llx)",
			                  (unsigned long long)bad_sum, (unsigned long long)first_bad);
			p->valid = false;
		}
	}
	return MTD_OK;
}

/* ---- extract ---- */

struct pending_link {
	uint64_t ino;
	char *path;
};

static int emit(struct mtd_fs_sink *sink, const struct mtd_reader *r, const struct entry *e, const char *path,
                struct pending_link **pend, size_t *npend, size_t *cappend)
{
	uint32_t perm = (uint32_t)e->mode & 07777;
	struct mtd_reader body;
	mtd_rd_window(r, (size_t)e->data_at, (size_t)e->filesize, &body); /* entry_at checked it */
	switch (e->mode & S_IFMT) {
	case S_IFDIR: return mtd_sink_dir(sink, path, perm, (int64_t)e->mtime);
	case S_IFLNK: {
		char target[PATH_MAX_LEN + 1];
		size_t tl = e->filesize < PATH_MAX_LEN ? (size_t)e->filesize : PATH_MAX_LEN;
		mtd_rd_copy_at(&body, 0, target, tl);
		target[tl] = 0;
		return mtd_sink_symlink(sink, path, target, (int64_t)e->mtime);
	}
	case S_IFREG: {
		/* newc stores hard-linked data once, with the last link; earlier links have size 0 */
		if (e->nlink > 1 && e->filesize == 0) {
			if (*npend == *cappend) {
				size_t cap = *cappend ? *cappend * 2 : 8;
				struct pending_link *n = mtd_realloc_array(*pend, cap, sizeof(*n));
				if (!n)
					return MTD_ERR_NOMEM;
				*pend = n, *cappend = cap;
			}
			char *copy = strdup(path);
			if (copy)
				(*pend)[(*npend)++] = (struct pending_link){e->ino, copy};
			return 0;
		}
		const uint8_t *data = NULL;
		if (!mtd_rd_bytes(&body, (size_t)e->filesize, &data))
			return 0; /* cannot happen: entry_at checked the data lies in the archive */
		int rc = mtd_sink_file(sink, path, perm, (int64_t)e->mtime, data, (size_t)e->filesize);
		for (size_t i = 0; i < *npend && !rc; i++)
			if ((*pend)[i].ino == e->ino && (*pend)[i].path) {
				rc = mtd_sink_hardlink(sink, (*pend)[i].path, path);
				free((*pend)[i].path);
				(*pend)[i].path = NULL;
			}
		return rc;
	}
	default:
		return mtd_sink_special(sink, path, (uint32_t)e->mode, (uint32_t)e->rdev_major,
		                        (uint32_t)e->rdev_minor);
	}
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	struct pending_link *pend = NULL;
	size_t npend = 0, cappend = 0;
	int rc = 0;
	enum kind k;
	if (!kind_of(in, &k)) {
		mtd_sink_problem(sink, NULL, "no cpio header at 0x%llx", (unsigned long long)mtd_rd_offset(in));
		return 0;
	}
	for (uint64_t pos = 0; !rc;) {
		struct entry e;
		uint64_t at = mtd_rd_offset(in) + pos;
		enum entry_rc erc = entry_at(in, k, pos, &e);
		if (erc == ENTRY_TRUNCATED && pos >= mtd_rd_left(in))
			break; /* the component ends between entries: the scan reports the missing trailer */
		if (erc == ENTRY_TRUNCATED) {
			char name[PATH_MAX_LEN + 1];
			bool named = e.name_at && e.namesize <= PATH_MAX_LEN &&
			             mtd_rd_copy_at(in, (size_t)e.name_at, name, (size_t)e.namesize);
			if (named)
				name[e.namesize] = 0;
			mtd_sink_problem(sink, named ? name : NULL, "cpio entry at 0x%llx runs past the archive",
			                 (unsigned long long)at);
			/* a regular file cut by the end: what is there is written */
			struct mtd_reader cut;
			const uint8_t *data = NULL;
			size_t have = e.data_at <= mtd_rd_left(in) ? mtd_rd_left(in) - (size_t)e.data_at : 0;
			if (named && (e.mode & S_IFMT) == S_IFREG && have &&
			    mtd_rd_window(in, (size_t)e.data_at, have, &cut) && mtd_rd_bytes(&cut, have, &data))
				rc = mtd_sink_file(sink, name, (uint32_t)e.mode & 07777, (int64_t)e.mtime, data, have);
			break;
		}
		if (erc == ENTRY_BROKEN) {
			mtd_sink_problem(sink, NULL, "no valid cpio header at 0x%llx", (unsigned long long)at);
			break;
		}
		if (e.trailer)
			break;
		pos = e.next;
		if (e.namesize > PATH_MAX_LEN) {
			mtd_sink_problem(sink, NULL, "cpio name at 0x%llx longer than %u bytes: entry skipped",
			                 (unsigned long long)at, PATH_MAX_LEN);
			continue;
		}
		char path[PATH_MAX_LEN + 1];
		mtd_rd_copy_at(in, (size_t)e.name_at, path, (size_t)e.namesize);
		path[e.namesize] = 0;
		if (!strcmp(path, "."))
			continue;
		rc = emit(sink, in, &e, path, &pend, &npend, &cappend);
	}
	/* links whose data never came: empty files */
	for (size_t i = 0; i < npend && !rc; i++)
		if (pend[i].path)
			rc = mtd_sink_file(sink, pend[i].path, 0644, -1, "", 0);
	for (size_t i = 0; i < npend; i++)
		free(pend[i].path);
	free(pend);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
}

const struct mtd_format mtd_fmt_cpio = {
    .name = "cpio",
    .magics = {{"070701", 6, 0}, {"070702", 6, 0}, {"070707", 6, 0}, {"\xc7\x71", 2, 0}, {"\x71\xc7", 2, 0}},
    .probe = probe,
    .unpack = unpack,
};
