/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mtdscope/extract.h>

#include "format.h"

/*
 * YAFFS2 (the YAFFS project's yaffs_guts.h and yaffs_packedtags2.h; the
 * images mkyaffs2image writes and unyaffs reads, NAND partitions dumped with
 * their spare area).  The flash is a run of chunks, each one NAND page of
 * data followed by its spare (OOB) bytes.  Every chunk carries packed tags,
 * four 32-bit words in the byte order of the image: the sequence number of
 * its erase block (0x1000..0xEFFFFF00), the object id, the chunk id (0 for
 * an object header, n >= 1 for the n-th data chunk of a file) and the number
 * of data bytes used.  A header chunk may carry "extra" information instead:
 * chunk id 0x80000000 | parent id (plus shrink/shadow flags in bits 28..30),
 * the object type in the top 4 bits of the object id.  The tags sit in the
 * spare area, at its start (mkyaffs2image) or after the 2 bytes of the bad
 * block marker, or, with inband tags (no usable spare), in the last 16 bytes
 * of the page, which then holds page - 16 data bytes.  Erased chunks read
 * all 0xFF.
 *
 * An object header (a 512-byte structure at the start of a header chunk):
 * type (1 file, 2 symlink, 3 directory, 4 hard link, 5 special), parent
 * object id, a 16-bit name checksum no longer used (0xFFFF), the name (256
 * bytes, NUL-terminated), then at 268 mode, uid, gid, atime, mtime, ctime,
 * the low 32 bits of a file's size, a hard link's equivalent object id, a
 * symlink's target (160 bytes), at 460 the device number, and at 496 the
 * high 32 bits of the size (0xFFFFFFFF in images older than the field).  The
 * root directory (object 1) has no header; objects whose parent is 3
 * (unlinked) or 4 (deleted) are gone.  The newest copy of a header or data
 * chunk wins: higher sequence number, then later on the flash.
 *
 * The geometry is found from the image: for each page + spare size and tags
 * position, the first chunk's tags must describe an object header and the
 * second chunk's tags must be valid or erased.  The extent runs to the last
 * chunk with valid tags (erased chunks after it are free flash, left to the
 * scanner).
 */

#define Y_TAGS      16u
#define Y_HDR       512u
#define Y_SEQ_LO    0x00001000u
#define Y_SEQ_HI    0xefffff00u
#define Y_EXTRA     0x80000000u
#define Y_FLAGS     0xf0000000u
#define Y_MAX_CHUNK 0x100000u /* data chunk ids above this would address files beyond 2 TiB */
#define Y_ROOT      1u
#define Y_LOSTFOUND 2u
#define Y_UNLINKED  3u
#define Y_DELETED   4u
#define Y_MAX_DEPTH 64
#define Y_PATH_MAX  4096u
#define Y_NAME_AT   10u
#define Y_NAME_LEN  256u
#define Y_ALIAS_AT  300u
#define Y_ALIAS_LEN 160u

enum { YT_FILE = 1, YT_SYMLINK = 2, YT_DIR = 3, YT_HARDLINK = 4, YT_SPECIAL = 5 };

struct y_geom {
	uint32_t page, spare; /* page data bytes, spare bytes after them (0: none in the image) */
	uint32_t tags_at;     /* position of the packed tags within the chunk */
	uint32_t dpc;         /* data bytes a chunk holds (page, or page - 16 with inband tags) */
	uint32_t chunk;       /* page + spare */
	bool be, inband;
};

struct y_tags {
	uint32_t seq, obj, chunk, nbytes;
};

enum { Y_BAD, Y_ERASED, Y_HEADER, Y_DATA };

static uint32_t get32(const struct mtd_reader *r, uint64_t at, bool be)
{
	return be ? mtd_rd_be32_at(r, (size_t)at) : mtd_rd_le32_at(r, (size_t)at);
}

/* The class of the chunk at `at` (its first byte) and its tags, object id without the extra type bits. */
static int tags_at(const struct mtd_reader *r, const struct y_geom *g, uint64_t at, struct y_tags *t)
{
	uint64_t p = at + g->tags_at;
	if (mtd_rd_uniform_at(r, (size_t)p, Y_TAGS, 0xff))
		return Y_ERASED;
	t->seq = get32(r, p, g->be);
	t->obj = get32(r, p + 4, g->be);
	t->chunk = get32(r, p + 8, g->be);
	t->nbytes = get32(r, p + 12, g->be);
	if (t->seq < Y_SEQ_LO || t->seq > Y_SEQ_HI)
		return Y_BAD;
	if (t->chunk & Y_EXTRA) {
		t->obj &= ~Y_FLAGS;
		return t->obj ? Y_HEADER : Y_BAD;
	}
	if (!t->obj || t->obj & Y_FLAGS)
		return Y_BAD;
	if (t->chunk == 0)
		return Y_HEADER;
	return t->chunk <= Y_MAX_CHUNK && t->nbytes <= g->dpc ? Y_DATA : Y_BAD;
}

/* Whether the object header at `at` is one (type, parent, unused checksum, a terminated non-empty name). */
static bool header_ok(const struct mtd_reader *r, const struct y_geom *g, uint64_t at)
{
	uint32_t type = get32(r, at, g->be), parent = get32(r, at + 4, g->be);
	uint16_t sum = mtd_rd_le16_at(r, (size_t)at + 8);
	if (type < YT_FILE || type > YT_SPECIAL || parent == 0 || sum != 0xffff)
		return false;
	uint8_t c0 = mtd_rd_u8_at(r, (size_t)at + Y_NAME_AT);
	if (!c0 || c0 == 0xff)
		return false;
	for (uint32_t i = 1; i < Y_NAME_LEN; i++)
		if (!mtd_rd_u8_at(r, (size_t)at + Y_NAME_AT + i))
			return true;
	return false;
}

static const uint32_t y_sizes[][2] = {
    {2048, 64},  {2048, 128}, {4096, 128}, {4096, 224}, {4096, 256},   {8192, 256},
    {8192, 448}, {8192, 512}, {1024, 32},  {512, 16},   {16384, 1280},
};
static const uint32_t y_inband[] = {2048, 4096, 8192, 16384, 1024, 512};

/* Geometry candidate k (in the order tried): 1 and *g filled, 0 when it does not exist, -1 past the last. */
static int geom_nth(unsigned k, bool be, struct y_geom *g)
{
	const unsigned n_oob = sizeof(y_sizes) / sizeof(y_sizes[0]), n_in = sizeof(y_inband) / sizeof(y_inband[0]);
	memset(g, 0, sizeof(*g));
	g->be = be;
	if (k < 2 * n_oob) {
		g->page = y_sizes[k / 2][0];
		g->spare = y_sizes[k / 2][1];
		g->tags_at = g->page + (k % 2 ? 2 : 0);
		g->dpc = g->page;
	} else if (k - 2 * n_oob < n_in) {
		g->page = y_inband[k - 2 * n_oob];
		g->tags_at = g->page - Y_TAGS;
		g->dpc = g->page - Y_TAGS;
		g->inband = true;
	} else {
		return -1;
	}
	g->chunk = g->page + g->spare;
	return g->tags_at + Y_TAGS <= g->chunk;
}

/* How many of the first Y_PROBE_CHUNKS chunks have valid tags (an erased one ends the count). */
#define Y_PROBE_CHUNKS 16u

static unsigned valid_run(const struct mtd_reader *r, const struct y_geom *g)
{
	uint64_t avail = mtd_rd_left(r);
	unsigned n = 0;
	for (uint64_t at = 0; n < Y_PROBE_CHUNKS && avail - at >= g->chunk; at += g->chunk, n++) {
		struct y_tags t;
		int k = tags_at(r, g, at, &t);
		if (k == Y_BAD || k == Y_ERASED || (k == Y_HEADER && !header_ok(r, g, at)))
			break;
	}
	return n;
}

/*
 * The geometry of an image starting with an object header: of those whose first chunk is a header and
 * whose second is valid or erased, the one under which most of the first chunks read as valid (tags at
 * spare+0 can read as valid over tags at spare+2 for a chunk or two), the first tried on a tie.
 */
static bool find_geom(const struct mtd_reader *r, struct y_geom *out)
{
	uint64_t avail = mtd_rd_left(r);
	bool be = mtd_rd_u8_at(r, 0) == 0;
	struct y_geom g;
	unsigned best = 0;
	int got;
	for (unsigned k = 0; (got = geom_nth(k, be, &g)) >= 0; k++) {
		if (!got || avail / g.chunk < 2)
			continue;
		struct y_tags t0, t1;
		if (tags_at(r, &g, 0, &t0) != Y_HEADER || !header_ok(r, &g, 0))
			continue;
		int c1 = tags_at(r, &g, g.chunk, &t1);
		if (c1 == Y_BAD || (c1 == Y_HEADER && !header_ok(r, &g, g.chunk)))
			continue;
		unsigned n = valid_run(r, &g);
		if (n > best) {
			best = n;
			*out = g;
		}
	}
	return best > 0;
}

struct y_count {
	uint64_t chunks, headers, datas, erased, bad, end;
	uint32_t seq_lo, seq_hi;
};

/* How far past chunks with damaged tags (a bad block, a torn write) the walk looks for valid ones. */
#define Y_SKIP_MAX 128u

static bool chunk_ok(const struct mtd_reader *r, const struct y_geom *g, uint64_t at, struct y_tags *t, int *k)
{
	*k = tags_at(r, g, at, t);
	return *k != Y_BAD && (*k != Y_HEADER || header_ok(r, g, at));
}

/*
 * Walk the chunks from the start while their tags are valid or erased (a run of at most Y_SKIP_MAX
 * damaged ones is stepped over when valid chunks follow); end: after the last valid one.
 */
static void walk_extent(const struct mtd_reader *r, const struct y_geom *g, struct y_count *c)
{
	uint64_t avail = mtd_rd_left(r);
	memset(c, 0, sizeof(*c));
	c->seq_lo = UINT32_MAX;
	for (uint64_t at = 0; avail - at >= g->chunk; at += g->chunk) {
		struct y_tags t;
		int k;
		if (!chunk_ok(r, g, at, &t, &k)) {
			uint64_t skip = 1, nx = at + g->chunk;
			for (; skip <= Y_SKIP_MAX && avail - nx >= g->chunk; skip++, nx += g->chunk)
				if (chunk_ok(r, g, nx, &t, &k) && k != Y_ERASED)
					break;
			if (skip > Y_SKIP_MAX || avail - nx < g->chunk)
				break;
			c->bad += skip;
			at = nx;
		}
		if (k == Y_ERASED) {
			c->erased++;
			continue;
		}
		c->chunks++;
		if (k == Y_HEADER)
			c->headers++;
		else
			c->datas++;
		if (t.seq < c->seq_lo)
			c->seq_lo = t.seq;
		if (t.seq > c->seq_hi)
			c->seq_hi = t.seq;
		c->end = at + g->chunk;
	}
}

static void describe(struct mtd_probe *p, const struct y_geom *g)
{
	mtd_probe_u64(p, "page_size", true, g->page);
	mtd_probe_u64(p, "spare_size", true, g->spare);
	if (g->inband)
		mtd_probe_str(p, "tags", false, "inband");
	else
		mtd_probe_str(p, "tags", false, "spare+%u", g->tags_at - g->page);
	mtd_probe_str(p, "endian", false, "%s", g->be ? "big" : "little");
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	struct y_geom g;
	if (mtd_rd_left(&r) < 2 * (512 + 16) || !find_geom(&r, &g))
		return MTD_ERR_NO_MATCH;
	struct y_count c;
	walk_extent(&r, &g, &c);
	if (c.chunks < 2)
		return MTD_ERR_NO_MATCH;
	describe(p, &g);
	mtd_probe_u64(p, "object_headers", true, c.headers);
	mtd_probe_u64(p, "data_chunks", false, c.datas);
	if (c.erased)
		mtd_probe_u64(p, "erased_chunks", false, c.erased);
	mtd_probe_str(p, "sequence", false, "0x%x..0x%x", c.seq_lo, c.seq_hi);
	p->valid = true;
	if (c.bad) {
		mtd_probe_u64(p, "damaged_chunks", false, c.bad);
		mtd_probe_problem(
		    p, "%llu chunks inside have tags that are neither valid nor erased (bad blocks or damage)",
		    (unsigned long long)c.bad);
		p->valid = false;
	}
	p->size = c.end;
	return MTD_OK;
}

/* ---- extract ---- */

struct y_obj {
	uint32_t id, type, parent, mode, mtime, equiv, rdev, seq;
	uint64_t size, at; /* at: the header chunk's position */
	char *path;
};

struct y_dat {
	uint32_t obj, chunk, nbytes, seq;
	uint64_t at;
};

static int cmp_obj(const void *a, const void *b)
{
	const struct y_obj *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

static int cmp_dat(const void *a, const void *b)
{
	const struct y_dat *x = a, *y = b;
	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	if (x->chunk != y->chunk)
		return x->chunk < y->chunk ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

static int cmp_path(const void *a, const void *b)
{
	const struct y_obj *const *x = a, *const *y = b;
	return strcmp((*x)->path, (*y)->path);
}

struct y_walk {
	const struct mtd_reader *in;
	struct mtd_fs_sink *sink;
	struct y_geom g;
	struct y_obj *objs;
	size_t nobj;
	struct y_dat *dats;
	size_t ndat;
};

static struct y_obj *find_obj(struct y_walk *w, uint32_t id)
{
	size_t lo = 0, hi = w->nobj;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->objs[mid].id == id)
			return &w->objs[mid];
		if (w->objs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The NUL-terminated string of at most cap - 1 bytes at `at`. */
static void str_at(const struct mtd_reader *r, uint64_t at, size_t max, char *dst, size_t cap)
{
	size_t k = 0;
	for (; k < max && k + 1 < cap; k++) {
		uint8_t c = mtd_rd_u8_at(r, (size_t)(at + k));
		if (!c)
			break;
		dst[k] = (char)c;
	}
	dst[k] = 0;
}

/*
 * The path of an object, '/'-joined names up to the root; objects whose chain does not reach the root
 * (a missing parent, a loop) go under lost+found, as YAFFS itself puts them.  NULL: gone or unnamed.
 */
static char *path_of(struct y_walk *w, struct y_obj *o)
{
	struct y_obj *chain[Y_MAX_DEPTH];
	int n = 0;
	bool orphan = false;
	for (struct y_obj *cur = o;;) {
		if (n == Y_MAX_DEPTH)
			return NULL; /* a loop of parents, or absurd nesting */
		chain[n++] = cur;
		if (cur->parent == Y_ROOT)
			break;
		if (cur->parent == Y_UNLINKED || cur->parent == Y_DELETED)
			return NULL;
		struct y_obj *up = find_obj(w, cur->parent);
		if (!up || up->type != YT_DIR) {
			orphan = true;
			break;
		}
		cur = up;
	}
	char buf[Y_PATH_MAX];
	size_t len = 0;
	if (orphan) {
		memcpy(buf, "lost+found", 10);
		len = 10;
	}
	for (int i = n - 1; i >= 0; i--) {
		char name[Y_NAME_LEN];
		str_at(w->in, chain[i]->at + Y_NAME_AT, Y_NAME_LEN - 1, name, sizeof(name));
		size_t k = strlen(name);
		if (!k || len + k + 2 > sizeof(buf))
			return NULL;
		if (len)
			buf[len++] = '/';
		memcpy(buf + len, name, k);
		len += k;
	}
	buf[len] = 0;
	return strdup(buf);
}

static int write_file(struct y_walk *w, struct y_obj *o)
{
	static const uint8_t zeros[4096];
	struct mtd_fs_sink *s = w->sink;
	/* the data chunks of the object: dats are sorted by object, then chunk id */
	size_t lo = 0, hi = w->ndat;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->dats[mid].obj < o->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	uint64_t have = 0; /* end of the data the chunks hold */
	for (size_t i = lo; i < w->ndat && w->dats[i].obj == o->id; i++) {
		uint64_t e = (uint64_t)(w->dats[i].chunk - 1) * w->g.dpc + w->dats[i].nbytes;
		if (e > have)
			have = e;
	}
	uint64_t size = o->size;
	if (size > have && size - have > mtd_rd_left(w->in)) {
		mtd_sink_problem(s, o->path, "header claims %llu bytes, its chunks hold %llu: cut there",
		                 (unsigned long long)size, (unsigned long long)have);
		size = have;
	}
	int rc = mtd_sink_file_begin(s, o->path, o->mode & 07777, o->mtime);
	if (rc)
		return rc;
	uint64_t cur = 0;
	for (size_t i = lo; !rc && i < w->ndat && w->dats[i].obj == o->id && cur < size; i++) {
		const struct y_dat *d = &w->dats[i];
		if (i + 1 < w->ndat && w->dats[i + 1].obj == d->obj && w->dats[i + 1].chunk == d->chunk)
			continue; /* an older copy: the newest comes last */
		uint64_t start = (uint64_t)(d->chunk - 1) * w->g.dpc;
		if (start < cur)
			continue;
		while (!rc && cur < start && cur < size) {
			uint64_t n = start - cur < sizeof(zeros) ? start - cur : sizeof(zeros);
			rc = mtd_sink_file_write(s, zeros, (size_t)n);
			cur += n;
		}
		uint64_t n = d->nbytes;
		if (n > size - start)
			n = size - start;
		const uint8_t *span = NULL;
		if (!rc && n && mtd_rd_bytes_at(w->in, (size_t)d->at, (size_t)n, &span))
			rc = mtd_sink_file_write(s, span, (size_t)n);
		cur = start + n;
	}
	while (!rc && cur < size) { /* a hole at the end (a file extended without writing) */
		uint64_t n = size - cur < sizeof(zeros) ? size - cur : sizeof(zeros);
		rc = mtd_sink_file_write(s, zeros, (size_t)n);
		cur += n;
	}
	int rc2 = mtd_sink_file_end(s);
	return rc ? rc : rc2;
}

static int emit(struct y_walk *w, struct y_obj *o)
{
	struct mtd_fs_sink *s = w->sink;
	switch (o->type) {
	case YT_DIR: return mtd_sink_dir(s, o->path, o->mode & 07777, o->mtime);
	case YT_FILE: return write_file(w, o);
	case YT_SYMLINK: {
		char target[Y_ALIAS_LEN];
		str_at(w->in, o->at + Y_ALIAS_AT, Y_ALIAS_LEN - 1, target, sizeof(target));
		return mtd_sink_symlink(s, o->path, target, o->mtime);
	}
	case YT_HARDLINK: {
		struct y_obj *t = find_obj(w, o->equiv);
		if (!t || !t->path || t->type != YT_FILE) {
			mtd_sink_problem(s, o->path, "hard link to object %u, which is no file of the image", o->equiv);
			return 0;
		}
		return mtd_sink_hardlink(s, o->path, t->path);
	}
	default: {
		uint32_t mode = o->mode;
		if (!S_ISCHR(mode) && !S_ISBLK(mode) && !S_ISFIFO(mode) && !S_ISSOCK(mode)) {
			mtd_sink_problem(s, o->path, "special object with mode 0%o", mode);
			return 0;
		}
		/* the Linux dev_t encoding: major in bits 8..19, minor in 0..7 and 20..31 */
		return mtd_sink_special(s, o->path, mode, (o->rdev >> 8) & 0xfff,
		                        (o->rdev & 0xff) | ((o->rdev >> 12) & 0xfff00));
	}
	}
}

static int emit_all(struct y_walk *w)
{
	struct y_obj **order = malloc((w->nobj ? w->nobj : 1) * sizeof(*order));
	if (!order)
		return MTD_ERR_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < w->nobj; i++) {
		struct y_obj *o = &w->objs[i];
		if (o->id == Y_ROOT || o->id == Y_LOSTFOUND)
			continue;
		o->path = path_of(w, o);
		if (o->path)
			order[n++] = o;
		else if (o->parent != Y_UNLINKED && o->parent != Y_DELETED)
			mtd_sink_problem(w->sink, NULL, "object %u has no usable name or path: left out", o->id);
	}
	qsort(order, n, sizeof(*order), cmp_path);
	int rc = 0;
	/* directories, then files, links and specials, hard links last (their targets must exist) */
	for (int pass = 0; pass < 3 && !rc; pass++)
		for (size_t i = 0; i < n && !rc; i++) {
			uint32_t t = order[i]->type;
			if ((pass == 0) != (t == YT_DIR) || (pass == 2) != (t == YT_HARDLINK))
				continue;
			rc = emit(w, order[i]);
			if (rc && rc != MTD_ERR_LIMIT && rc != MTD_ERR_NOMEM)
				rc = 0;
			if (w->sink->stop_reason)
				rc = MTD_ERR_LIMIT;
		}
	free(order);
	return rc;
}

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	struct y_walk w = {.in = in, .sink = sink};
	if (!find_geom(in, &w.g)) {
		mtd_sink_problem(sink, NULL, "yaffs2 at 0x%llx: no page and spare geometry fits its first chunks",
		                 (unsigned long long)mtd_rd_offset(in));
		return 0;
	}
	uint64_t len = mtd_rd_left(in), nch = len / w.g.chunk;
	w.objs = calloc(nch ? nch : 1, sizeof(*w.objs));
	w.dats = calloc(nch ? nch : 1, sizeof(*w.dats));
	if (!w.objs || !w.dats) {
		free(w.objs);
		free(w.dats);
		return MTD_ERR_NOMEM;
	}
	bool be = w.g.be;
	uint64_t bad = 0;
	for (uint64_t at = 0; len - at >= w.g.chunk; at += w.g.chunk) {
		struct y_tags t;
		int k = tags_at(in, &w.g, at, &t);
		if (k == Y_ERASED)
			continue;
		if (k == Y_BAD || (k == Y_HEADER && !header_ok(in, &w.g, at))) {
			bad++;
			continue;
		}
		if (k == Y_DATA) {
			w.dats[w.ndat++] =
			    (struct y_dat){.obj = t.obj, .chunk = t.chunk, .nbytes = t.nbytes, .seq = t.seq, .at = at};
			continue;
		}
		struct y_obj *o = &w.objs[w.nobj++];
		o->id = t.obj;
		o->seq = t.seq;
		o->at = at;
		o->type = get32(in, at, be);
		o->parent = get32(in, at + 4, be);
		o->mode = get32(in, at + 268, be);
		o->mtime = get32(in, at + 284, be);
		o->equiv = get32(in, at + 296, be);
		o->rdev = get32(in, at + 460, be);
		uint32_t high = get32(in, at + 496, be);
		o->size = get32(in, at + 292, be) | (high != UINT32_MAX ? (uint64_t)high << 32 : 0);
	}
	if (bad)
		mtd_sink_problem(sink, NULL, "%llu chunks with tags that are neither valid nor erased: skipped",
		                 (unsigned long long)bad);
	/* keep the newest header of each object */
	qsort(w.objs, w.nobj, sizeof(*w.objs), cmp_obj);
	size_t k = 0;
	for (size_t i = 0; i < w.nobj; i++) {
		if (k && w.objs[k - 1].id == w.objs[i].id)
			k--;
		w.objs[k++] = w.objs[i];
	}
	w.nobj = k;
	qsort(w.dats, w.ndat, sizeof(*w.dats), cmp_dat);
	int rc = emit_all(&w);
	for (size_t i = 0; i < w.nobj; i++)
		free(w.objs[i].path);
	free(w.objs);
	free(w.dats);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
}

const struct mtd_format mtd_fmt_yaffs2 = {
    .name = "yaffs2",
    /*
     * the first object header of an image: parent 1 (the root) and the unused checksum 0xFFFF (its type,
     * 1..5, is the probe's to check).  Not the type bytes: a big-endian type starts with 00 00, and a
     * magic on that prefix made the scan of executables five times slower.
     */
    .magics = {{"\x01\x00\x00\x00\xff\xff", 6, 4}, {"\x01\xff\xff", 3, 7}},
    .probe = probe,
    .unpack = unpack,
};
