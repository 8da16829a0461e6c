/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mtdscope/extract.h>

#include "format.h"

/*
 * POSIX ustar / GNU tar: 512-byte headers ("ustar" at 257), each with a
 * checksum (the byte sum of the header with the checksum field read as
 * spaces; some old tars summed signed bytes), data in 512-byte blocks, and
 * two zero blocks at the end.  The extent runs through those two blocks; the
 * zero fill tar(1) adds to complete its 10 KiB record is left to the gap
 * accounting.  GNU long names and link names ('L', 'K') and pax headers ('x',
 * with size=, path= and linkpath=) apply to the entry after them.  Regular
 * files of 4 KiB and more are scanned for nested components (sysupgrade tars
 * hold kernel and root images).  An entry whose header claims more data than
 * the space holds makes a truncated archive (its header is still listed).
 *
 * v7 tar (before POSIX: no "ustar" magic, no prefix, types '\0', '0'-'7'
 * only; a directory may be a name ending in '/') has no magic to find it by:
 * it is probed at 4 KiB boundaries (a space's start among them) and taken
 * only when the header checksum holds and every field is what a tar writes
 * (v7_header_ok: a printable NUL-terminated name, octal mode, ids, size,
 * mtime and checksum with at least one digit each, a known type), which
 * random bytes and text do not give.  Its later headers pass the same test.
 *
 * A header that fails its checksum inside an archive is skipped as `tar -t`
 * skips it (to the header after its data when only the checksum is wrong,
 * else to the next block that is a header): one archive, invalid, naming the
 * bad header.  Old GNU sparse entries ('S') may carry extension blocks of
 * their sparse map between the header and the data.
 *
 * One walker (tar_next) decodes the headers for the probe and the unpacker;
 * names go to the sink exactly as stored (it refuses absolute and '..' names).
 */

#define BLK         512u
#define LIST_MAX    64u
#define DESCEND_MIN 4096u
#define DESCEND_MAX 256u
#define NAME_CAP    4096u

/* ---- header decoder ---- */

/* A numeric field: octal digits between optional spaces and NULs, or GNU base-256. */
static bool octal(const struct mtd_reader *h, size_t at, unsigned n, uint64_t *out)
{
	struct mtd_reader f;
	uint8_t c;
	if (!mtd_rd_window(h, at, n, &f) || !mtd_rd_u8(&f, &c))
		return false;
	if (c & 0x80) { /* GNU base-256 */
		if (c != 0x80)
			return false; /* negative or beyond 64 bits */
		uint64_t v = 0;
		while (mtd_rd_u8(&f, &c)) {
			if (v >> 56)
				return false;
			v = v << 8 | c;
		}
		*out = v;
		return true;
	}
	mtd_rd_seek(&f, 0);
	uint64_t v = 0;
	bool more = mtd_rd_u8(&f, &c);
	while (more && c == ' ')
		more = mtd_rd_u8(&f, &c);
	for (; more && c >= '0' && c <= '7'; more = mtd_rd_u8(&f, &c)) {
		if (v >> 60)
			return false;
		v = v * 8 + (uint64_t)(c - '0');
	}
	for (; more; more = mtd_rd_u8(&f, &c))
		if (c != ' ' && c != 0)
			return false;
	*out = v;
	return true;
}

static bool checksum_ok(const struct mtd_reader *h)
{
	uint64_t want;
	if (!octal(h, 148, 8, &want))
		return false;
	struct mtd_reader b = *h;
	uint32_t u = 0;
	int32_t s = 0;
	uint8_t c;
	for (unsigned i = 0; i < BLK && mtd_rd_u8(&b, &c); i++) {
		if (i >= 148 && i < 156)
			c = ' ';
		u += c;
		s += (int8_t)c;
	}
	return want == u || (int64_t)want == s;
}

/* An octal field as a tar writes it: spaces, at least one digit, then only spaces and NULs. */
static bool octal_strict(const struct mtd_reader *h, size_t at, unsigned n)
{
	unsigned i = 0, digits = 0;
	uint8_t c = 0;
	while (i < n && (c = mtd_rd_u8_at(h, at + i)) == ' ')
		i++;
	for (; i < n && (c = mtd_rd_u8_at(h, at + i)) >= '0' && c <= '7'; i++)
		digits++;
	for (; i < n; i++)
		if ((c = mtd_rd_u8_at(h, at + i)) != ' ' && c != 0)
			return false;
	return digits > 0;
}

/* A NUL-terminated (or full) text field of printable bytes; `need` says it may not be empty. */
static bool text_field_ok(const struct mtd_reader *h, size_t at, unsigned n, bool need)
{
	unsigned i = 0;
	uint8_t c;
	for (; i < n && (c = mtd_rd_u8_at(h, at + i)) != 0; i++)
		if (c < 0x20 || c == 0x7f)
			return false;
	return i > 0 || !need;
}

/* A v7 header (no magic to go by): every field as tar writes it, and the checksum. */
static bool v7_header_ok(const struct mtd_reader *h)
{
	uint8_t type = mtd_rd_u8_at(h, 156);
	if (mtd_rd_left(h) < BLK || !text_field_ok(h, 0, 100, true) || !octal_strict(h, 100, 8) ||
	    !octal_strict(h, 124, 12) || !octal_strict(h, 136, 12) || !octal_strict(h, 148, 8))
		return false;
	if (!(type == 0 || (type >= '0' && type <= '7')) || !octal_strict(h, 108, 8) || !octal_strict(h, 116, 8) ||
	    !text_field_ok(h, 157, 100, false))
		return false;
	return checksum_ok(h);
}

/* A NUL-terminated text field of at most n bytes at `at`, appended to out[*k .. cap). */
static void append_field(const struct mtd_reader *h, size_t at, size_t n, char *out, size_t *k, size_t cap)
{
	uint8_t c;
	for (size_t i = 0; i < n && *k + 1 < cap && (c = mtd_rd_u8_at(h, at + i)) != 0; i++)
		out[(*k)++] = (char)c;
	out[*k] = 0;
}

/* pax extended header records "LEN key=value\n": size=, path= and linkpath= */
struct pending {
	bool size_set;
	uint64_t size;
	char name[NAME_CAP + 1], link[NAME_CAP + 1];
};

static void pax_parse(const struct mtd_reader *data, struct pending *pd)
{
	struct mtd_reader r = *data;
	for (unsigned guard = 0; mtd_rd_left(&r) && guard < 4096; guard++) {
		size_t left = mtd_rd_left(&r), i = 0;
		uint64_t reclen = 0;
		uint8_t c = 0;
		while (i < left && (c = mtd_rd_u8_at(&r, i)) >= '0' && c <= '9' && reclen < (1u << 30)) {
			reclen = reclen * 10 + (uint64_t)(c - '0');
			i++;
		}
		if (i >= left || mtd_rd_u8_at(&r, i) != ' ' || reclen <= i || reclen > left)
			return;
		struct mtd_reader kv;
		mtd_rd_window(&r, i + 1, (size_t)reclen - (i + 1), &kv);
		size_t kvlen = mtd_rd_left(&kv);
		if (kvlen && mtd_rd_u8_at(&kv, kvlen - 1) == '\n')
			kvlen--;
		if (kvlen > 5 && mtd_rd_eq_at(&kv, 0, "size=", 5)) {
			uint64_t v = 0;
			bool ok = true;
			for (size_t j = 5; j < kvlen && ok; j++) {
				uint8_t d = mtd_rd_u8_at(&kv, j);
				if (d < '0' || d > '9' || v > (UINT64_MAX - 9) / 10)
					ok = false;
				else
					v = v * 10 + (uint64_t)(d - '0');
			}
			if (ok) {
				pd->size = v;
				pd->size_set = true;
			}
		} else if (kvlen > 5 && mtd_rd_eq_at(&kv, 0, "path=", 5)) {
			size_t m = kvlen - 5 < NAME_CAP ? kvlen - 5 : NAME_CAP;
			mtd_rd_copy_at(&kv, 5, pd->name, m);
			pd->name[m] = 0;
		} else if (kvlen > 9 && mtd_rd_eq_at(&kv, 0, "linkpath=", 9)) {
			size_t m = kvlen - 9 < NAME_CAP ? kvlen - 9 : NAME_CAP;
			mtd_rd_copy_at(&kv, 9, pd->link, m);
			pd->link[m] = 0;
		}
		mtd_rd_skip(&r, (size_t)reclen);
	}
}

struct entry {
	uint8_t type;
	uint64_t size;     /* the data following the header (0 for links, devices, directories) */
	uint64_t data_at;  /* relative to the archive start */
	uint64_t data_has; /* bytes of that data present (less than size when truncated) */
	uint64_t mode, mtime, rdev_major, rdev_minor;
	char name[NAME_CAP + 160], link[NAME_CAP + 1];
};

struct walk {
	struct mtd_reader r; /* the archive, from its first header */
	bool gnu, v7;
	uint64_t pos;
	struct pending pd;
	bool pax, end_ok;
	uint64_t bad, bad_at, resync_at; /* headers skipped over (resync), the first of them, where it went on */
};

enum walk_rc { W_ENTRY, W_END, W_BROKEN, W_TRUNCATED };

static void walk_init(struct walk *w, const struct mtd_reader *r)
{
	memset(w, 0, sizeof(*w));
	w->r = *r;
	w->gnu = mtd_rd_eq_at(r, 257, "ustar  ", 8);
	w->v7 = !mtd_rd_eq_at(r, 257, "ustar", 5);
}

/* A header of the archive's kind (magic and checksum, or every v7 field) at pos. */
static bool header_at(const struct walk *w, uint64_t pos)
{
	struct mtd_reader h;
	if (mtd_rd_left(&w->r) - pos < BLK || !mtd_rd_window(&w->r, (size_t)pos, BLK, &h))
		return false;
	return w->v7 ? v7_header_ok(&h) : mtd_rd_eq_at(&h, 257, "ustar", 5) && checksum_ok(&h);
}

/* Two zero blocks (the end of the archive) at pos. */
static bool end_at(const struct walk *w, uint64_t pos)
{
	return mtd_rd_left(&w->r) - pos >= 2 * BLK && mtd_rd_uniform_at(&w->r, (size_t)pos, 2 * BLK, 0);
}

/*
 * A header at pos that fails its checksum in the middle of the archive: where
 * the walk goes on, as `tar -t` does ("Skipping to next header").  When only
 * the checksum is wrong (the magic and the size field still read) and a header
 * or the end follows its data, there; else at the next block that is a header
 * of the archive's kind (or the end), searching block by block as tar does.
 * False when there is none: the archive ends at pos.
 */
static bool resync(const struct walk *w, uint64_t pos, uint64_t *next)
{
	struct mtd_reader h;
	uint64_t len = mtd_rd_left(&w->r), size;
	if (len - pos < BLK || !mtd_rd_window(&w->r, (size_t)pos, BLK, &h))
		return false;
	if (!w->v7 && mtd_rd_eq_at(&h, 257, "ustar", 5) && octal(&h, 124, 12, &size)) {
		uint8_t type = mtd_rd_u8_at(&h, 156);
		bool has_data =
		    !(type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6');
		uint64_t blocks = has_data ? (size + BLK - 1) / BLK : 0;
		if (blocks <= (len - pos - BLK) / BLK) {
			uint64_t at = pos + BLK + blocks * BLK;
			if (header_at(w, at) || end_at(w, at)) {
				*next = at;
				return true;
			}
		}
	}
	for (uint64_t at = pos + BLK; len - at >= BLK; at += BLK)
		if (header_at(w, at) || end_at(w, at)) {
			*next = at;
			return true;
		}
	return false;
}

/*
 * The next entry.  W_TRUNCATED with e->name set: a valid header whose data
 * runs past the space (e->data_has says how much is there); with an empty
 * name: the space ends inside a header or the data of a long name or pax header.
 */
static enum walk_rc tar_next(struct walk *w, struct entry *e)
{
	e->name[0] = 0;
	for (;;) {
		struct mtd_reader h;
		uint64_t len = mtd_rd_left(&w->r), pos = w->pos;
		if (len - pos < BLK)
			return W_TRUNCATED;
		mtd_rd_window(&w->r, (size_t)pos, BLK, &h);
		if (mtd_rd_uniform_at(&h, 0, BLK, 0)) {
			if (len - pos >= 2 * BLK && mtd_rd_uniform_at(&w->r, (size_t)(pos + BLK), BLK, 0)) {
				w->pos += 2 * BLK;
				w->end_ok = true;
			} else {
				w->pos += BLK; /* a lone zero block: GNU tar accepts it at the very end */
			}
			return W_END;
		}
		uint64_t size;
		bool hdr_ok = w->v7 ? v7_header_ok(&h) : mtd_rd_eq_at(&h, 257, "ustar", 5) && checksum_ok(&h);
		if (!hdr_ok || !octal(&h, 124, 12, &size)) {
			uint64_t next;
			/* only inside an archive: its first header is what the probe took it by */
			if (pos == 0 || !resync(w, pos, &next))
				return W_BROKEN;
			if (!w->bad++) {
				w->bad_at = pos;
				w->resync_at = next;
			}
			memset(&w->pd, 0, sizeof(w->pd));
			w->pos = next;
			continue;
		}
		uint8_t type = mtd_rd_u8_at(&h, 156);
		bool meta = type == 'x' || type == 'g' || type == 'L' || type == 'K';
		if (w->pd.size_set && !meta)
			size = w->pd.size;
		/* types whose size describes no data following the header */
		bool has_data =
		    !(type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6');
		uint64_t data_len = has_data ? size : 0, blocks = (data_len + BLK - 1) / BLK, data_at = pos + BLK;
		/*
		 * Old GNU sparse files ('S', GNU tar 1.17 and earlier): when the header's isextended byte (482) is
		 * set, blocks of 21 more sparse map entries follow it, each with its own isextended byte (504),
		 * before the data; the size field counts only the data.
		 */
		if (type == 'S' && w->gnu && mtd_rd_u8_at(&h, 482)) {
			bool more = true;
			while (more && len - data_at >= BLK) {
				more = mtd_rd_u8_at(&w->r, (size_t)(data_at + 504)) != 0;
				data_at += BLK;
			}
			if (more)
				return W_TRUNCATED;
		}
		bool cut = blocks > (len - data_at) / BLK;
		struct mtd_reader data;
		mtd_rd_window(&w->r, (size_t)data_at, (size_t)(cut ? len - data_at : data_len), &data);
		if (meta) {
			if (cut)
				return W_TRUNCATED;
			w->pos = data_at + blocks * BLK;
			if (type == 'x') {
				w->pax = true;
				pax_parse(&data, &w->pd);
			} else if (type == 'g') {
				w->pax = true;
			} else {
				char *dst = type == 'L' ? w->pd.name : w->pd.link;
				size_t m = data_len < NAME_CAP ? (size_t)data_len : NAME_CAP, k = 0;
				append_field(&data, 0, m, dst, &k, NAME_CAP + 1);
			}
			continue;
		}
		e->type = type;
		e->size = data_len;
		e->data_at = data_at;
		e->data_has = mtd_rd_left(&data);
		e->rdev_major = e->rdev_minor = e->mode = e->mtime = 0;
		octal(&h, 100, 8, &e->mode);
		octal(&h, 136, 12, &e->mtime);
		if (!w->v7) {
			octal(&h, 329, 8, &e->rdev_major);
			octal(&h, 337, 8, &e->rdev_minor);
		}
		size_t k = 0;
		if (w->pd.name[0]) {
			snprintf(e->name, sizeof(e->name), "%s", w->pd.name);
		} else {
			if (!w->gnu && !w->v7 && mtd_rd_u8_at(&h, 345)) {
				append_field(&h, 345, 155, e->name, &k, sizeof(e->name));
				e->name[k++] = '/';
			}
			append_field(&h, 0, 100, e->name, &k, sizeof(e->name));
		}
		if (w->pd.link[0]) {
			snprintf(e->link, sizeof(e->link), "%s", w->pd.link);
		} else {
			k = 0;
			append_field(&h, 157, 100, e->link, &k, sizeof(e->link));
		}
		memset(&w->pd, 0, sizeof(w->pd));
		if (cut)
			return W_TRUNCATED;
		w->pos = data_at + blocks * BLK;
		return W_ENTRY;
	}
}

static bool is_file(uint8_t type)
{
	return type == '0' || type == 0 || type == '7';
}

/* ---- scan ---- */

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r, h;
	mtd_probe_reader(p, &r);
	if (!mtd_rd_window(&r, 0, BLK, &h))
		return MTD_ERR_NO_MATCH;
	if (mtd_rd_eq_at(&h, 257, "ustar", 5) ? !checksum_ok(&h) : !v7_header_ok(&h))
		return MTD_ERR_NO_MATCH;
	uint64_t len = mtd_rd_left(&r);

	/* long names: on the heap, not on the stack of a deep nested scan */
	struct walk *w = malloc(sizeof(*w));
	struct entry *e = malloc(sizeof(*e));
	if (!w || !e) {
		free(w), free(e);
		return MTD_ERR_NOMEM;
	}
	walk_init(w, &r);
	uint64_t entries = 0, files = 0, data_bytes = 0, descended = 0;
	enum walk_rc rc;
	while ((rc = tar_next(w, e)) == W_ENTRY || (rc == W_TRUNCATED && e->name[0])) {
		entries++;
		if (entries <= LIST_MAX)
			mtd_probe_list_add(p, "names", false, "%.255s", e->name);
		if (is_file(e->type)) {
			files++;
			data_bytes += e->size;
			if (e->data_has >= DESCEND_MIN && descended < DESCEND_MAX) {
				mtd_probe_scan_range(p, p->off + e->data_at, e->data_has);
				descended++;
			}
		}
		if (rc == W_TRUNCATED)
			break;
	}
	bool truncated = rc == W_TRUNCATED, broken = rc == W_BROKEN;
	if (entries == 0 && !w->end_ok && !truncated) {
		free(w), free(e);
		return MTD_ERR_NO_MATCH;
	}
	p->size = truncated ? len : w->pos;
	p->valid = w->end_ok && !w->bad;
	mtd_probe_str(p, "format", true, "%s", w->pax ? "pax" : w->gnu ? "gnu" : w->v7 ? "v7" : "ustar");
	mtd_probe_u64(p, "entries", true, entries);
	mtd_probe_u64(p, "files", false, files);
	mtd_probe_u64(p, "data_bytes", false, data_bytes);
	if (w->bad)
		mtd_probe_problem(
		    p,
		    "header at 0x%llx fails its checksum: skipped to the next header at 0x%llx, as tar -t "
		    "does (%llu bad header%s)",
		    (unsigned long long)(p->off + w->bad_at), (unsigned long long)(p->off + w->resync_at),
		    (unsigned long long)w->bad, w->bad == 1 ? "" : "s");
	if (truncated && e->name[0])
		mtd_probe_problem(p, "truncated: '%.100s' claims 0x%llx bytes of data, only 0x%llx remain in the space",
		                  e->name, (unsigned long long)e->size, (unsigned long long)e->data_has);
	else if (truncated)
		mtd_probe_problem(p, "truncated: the archive is cut off before its end-of-archive blocks");
	else if (broken)
		mtd_probe_problem(p, "header at 0x%llx fails its checksum and no end-of-archive blocks came before it",
		                  (unsigned long long)(p->off + w->pos));
	else if (!w->end_ok)
		mtd_probe_problem(p, "the archive ends with one zero block instead of two");
	free(w), free(e);
	return MTD_OK;
}

/* ---- extract ---- */

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	struct walk *w = malloc(sizeof(*w));
	struct entry *e = malloc(sizeof(*e));
	int rc = 0;
	if (!w || !e) {
		free(w), free(e);
		return MTD_ERR_NOMEM;
	}
	walk_init(w, in);
	enum walk_rc wr = W_END;
	while (!rc && ((wr = tar_next(w, e)) == W_ENTRY || (wr == W_TRUNCATED && e->name[0]))) {
		struct mtd_reader body;
		const uint8_t *data = NULL;
		uint32_t perm = (uint32_t)e->mode & 07777;
		size_t nl = strlen(e->name);
		/* v7 had no directory type: a name ending in '/' is one */
		if (w->v7 && (e->type == '0' || e->type == 0) && nl > 1 && e->name[nl - 1] == '/' && !e->size)
			e->type = '5';
		if (wr == W_TRUNCATED)
			mtd_sink_problem(sink, e->name,
			                 "tar entry claims %llu bytes, only %llu are in the archive: cut",
			                 (unsigned long long)e->size, (unsigned long long)e->data_has);
		if (!mtd_rd_window(in, (size_t)e->data_at, (size_t)e->data_has, &body) ||
		    !mtd_rd_bytes(&body, (size_t)e->data_has, &data))
			break; /* cannot happen: tar_next measured the data inside the archive */
		switch (e->type) {
		case '0':
		case '\0':
		case '7': rc = mtd_sink_file(sink, e->name, perm, (int64_t)e->mtime, data, (size_t)e->data_has); break;
		case '1': rc = mtd_sink_hardlink(sink, e->name, e->link); break;
		case '2': rc = mtd_sink_symlink(sink, e->name, e->link, (int64_t)e->mtime); break;
		case '3':
			rc = mtd_sink_special(sink, e->name, S_IFCHR | perm, (uint32_t)e->rdev_major,
			                      (uint32_t)e->rdev_minor);
			break;
		case '4':
			rc = mtd_sink_special(sink, e->name, S_IFBLK | perm, (uint32_t)e->rdev_major,
			                      (uint32_t)e->rdev_minor);
			break;
		case '5': rc = mtd_sink_dir(sink, e->name, perm, (int64_t)e->mtime); break;
		case '6': rc = mtd_sink_special(sink, e->name, S_IFIFO | perm, 0, 0); break;
		default: mtd_sink_problem(sink, e->name, "tar entry type '%c' not extracted", e->type); break;
		}
		if (wr == W_TRUNCATED)
			break;
	}
	if (!rc && w->bad)
		mtd_sink_problem(sink, NULL,
		                 "tar header at 0x%llx fails its checksum: skipped to the next header at 0x%llx",
		                 (unsigned long long)(mtd_rd_offset(in) + w->bad_at),
		                 (unsigned long long)(mtd_rd_offset(in) + w->resync_at));
	if (!rc && wr == W_BROKEN)
		mtd_sink_problem(sink, NULL, "tar header at 0x%llx fails its checksum",
		                 (unsigned long long)(mtd_rd_offset(in) + w->pos));
	free(w);
	free(e);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
}

const struct mtd_format mtd_fmt_tar = {
    .name = "tar",
    .magics = {{"ustar", 5, 257}},
    .anchor_align = 4096, /* v7 archives: no magic */
    .probe = probe,
    .unpack = unpack,
};
