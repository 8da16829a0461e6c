/* SPDX-License-Identifier: MIT */
/*
 * scan, extract and assess over many inputs (issue 15): files, directories
 * walked without following symlinks, or a list on standard input; sorted,
 * optionally one shard of them (--shard I/N); one image per worker thread;
 * one JSON line per image (--jsonl); scan's results in SQLite or PostgreSQL,
 * one transaction per image (--db, batch_db.c, schema in doc/batch-db.md).
 *
 * Workers only call the library (which keeps no state of its own); every
 * print, progress line and database write happens under `lock`, so the
 * CLI's helpers (cli_txt's ring, stdio) are used by one thread at a time.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mtdscope/bundle.h>
#include <mtdscope/device.h>
#include <mtdscope/extract.h>
#include <mtdscope/scan.h>
#include <mtdscope/source.h>

#include "batch_db.h"

#include "cli.h"

#define BATCH_MAX_DEPTH 64
#define BATCH_MAX_LIST  (64u << 20) /* bytes of path list read from standard input */

struct paths {
	char **v;
	size_t n, cap;
};

static int paths_add(struct paths *p, const char *s, size_t len)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		char **nv = mtd_realloc_array(p->v, nc, sizeof(*nv));
		if (!nv)
			return -1;
		p->v = nv;
		p->cap = nc;
	}
	char *c = malloc(len + 1);
	if (!c)
		return -1;
	memcpy(c, s, len);
	c[len] = 0;
	p->v[p->n++] = c;
	return 0;
}

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

/* Never taken as inputs: the database and its side files, extract's output directory (outputs). */
struct excl {
	dev_t dev[5];
	ino_t ino[5];
	int n;
};

static bool excluded(const struct excl *x, const struct stat *st)
{
	for (int i = 0; i < x->n; i++)
		if (x->dev[i] == st->st_dev && x->ino[i] == st->st_ino)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files under the directory open at dfd (named path), sorted, symlinks never followed. */
static int walk(int dfd, const char *path, int depth, const struct excl *x, struct paths *out)
{
	DIR *dir = fdopendir(dfd);
	if (!dir) {
		cli_error("%s: cannot read directory: %s", path, strerror(errno));
		close(dfd);
		return -1;
	}
	struct paths names = {0};
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (paths_add(&names, e->d_name, strlen(e->d_name))) {
			rc = -1;
			break;
		}
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	size_t plen = strlen(path);
	bool slash = plen && path[plen - 1] == '/';
	for (size_t i = 0; i < names.n && !rc; i++) {
		struct stat st;
		if (fstatat(dirfd(dir), names.v[i], &st, AT_SYMLINK_NOFOLLOW)) {
			cli_warn("%s%s%s: cannot stat: %s", path, slash ? "" : "/", names.v[i], strerror(errno));
			continue;
		}
		size_t len = plen + 1 + strlen(names.v[i]);
		char *full = malloc(len + 1);
		if (!full) {
			rc = -1;
			break;
		}
		snprintf(full, len + 1, "%s%s%s", path, slash ? "" : "/", names.v[i]);
		if (S_ISDIR(st.st_mode) && excluded(x, &st)) {
			/* the output directory inside an input directory: not walked */
		} else if (S_ISDIR(st.st_mode)) {
			if (depth >= BATCH_MAX_DEPTH) {
				cli_warn("%s: deeper than %d directories; not walked", full, BATCH_MAX_DEPTH);
			} else {
				int sub =
				    openat(dirfd(dir), names.v[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sub < 0)
					cli_warn("%s: cannot open directory: %s", full, strerror(errno));
				else if (walk(sub, full, depth + 1, x, out))
					rc = -1;
			}
		} else if (S_ISREG(st.st_mode) && !excluded(x, &st)) {
			if (paths_add(out, full, strlen(full)))
				rc = -1;
		}
		/* symlinks, FIFOs, devices, sockets inside a directory: left alone */
		free(full);
	}
	paths_free(&names);
	closedir(dir);
	return rc;
}

/* One argument: a directory is walked, anything else is an input as named. */
static int collect_one(const char *arg, const struct excl *x, struct paths *out)
{
	struct stat st;
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (excluded(x, &st)) {
			cli_warn("%s: the output directory of this run, not an input", arg);
			return 0;
		}
		int fd = open(arg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			cli_error("%s: cannot open directory: %s", arg, strerror(errno));
			return -1;
		}
		return walk(fd, arg, 0, x, out);
	}
	if (stat(arg, &st) == 0 && excluded(x, &st)) {
		cli_warn("%s: an output of this run (the results database), not an input", arg);
		return 0;
	}
	return paths_add(out, arg, strlen(arg));
}

/* Paths on standard input, NUL-separated when the list holds a NUL, else one a line. */
static int collect_stdin(const struct excl *x, struct paths *out)
{
	struct mtd_buf b;
	mtd_buf_init(&b, BATCH_MAX_LIST);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (mtd_buf_append(&b, chunk, n)) {
			cli_error("standard input: the list of inputs is larger than %u MiB", BATCH_MAX_LIST >> 20);
			mtd_buf_release(&b);
			return -1;
		}
	if (ferror(stdin)) {
		cli_error("standard input: read failed");
		mtd_buf_release(&b);
		return -1;
	}
	const char *s = mtd_buf_str(&b);
	char sep = memchr(s, 0, b.len) ? '\0' : '\n';
	int rc = 0;
	size_t start = 0;
	for (size_t i = 0; i <= b.len && !rc; i++) {
		if (i < b.len && s[i] != sep)
			continue;
		size_t len = i - start;
		if (sep == '\n' && len && s[start + len - 1] == '\r')
			len--;
		if (len) {
			char *one = malloc(len + 1);
			if (!one)
				rc = -1;
			else {
				memcpy(one, s + start, len);
				one[len] = 0;
				rc = collect_one(one, x, out);
				free(one);
			}
		}
		start = i + 1;
	}
	mtd_buf_release(&b);
	return rc;
}

/* ---- the run ---- */

enum batch_kind { BATCH_SCAN, BATCH_EXTRACT, BATCH_ASSESS };
static const char *const kind_name[] = {"scan", "extract", "assess"};

struct run {
	pthread_mutex_t lock;
	enum batch_kind kind;
	const struct paths *in;
	const size_t *order; /* the order inputs are taken in (indices into in); NULL: as listed */
	size_t next;         /* next input to take */
	size_t done, failed, skipped;
	const struct mtd_scan_options *so;
	const struct cli_batch_opts *bo;
	struct batch_db *db; /* NULL: none */
	bool broken;         /* the database or standard output failed: stop taking images */
	double t0;
	bool tty;
};

/* What one image came to; filled by a worker, rendered by finish() under the lock. */
struct outcome {
	const char *path;
	char sha[65];
	uint64_t size;
	const char *error; /* NULL: it worked */
	bool skipped;      /* done before: in the database, or its output directory exists */
	const struct mtd_scan_result *r;
	struct mtd_buf line; /* --jsonl: the document */
	char msg[9000];
	/* extract */
	char dir[4096];
	struct mtd_extract_summary sum;
	/* assess */
	const char *verdict, *headline;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(struct run *R)
{
	if (!R->tty)
		return;
	double el = now_s() - R->t0;
	double rate = el > 0 ? (double)R->done / el : 0;
	size_t left = R->in->n - R->done;
	char eta[32] = "?";
	if (rate > 0) {
		unsigned long s = (unsigned long)((double)left / rate + 0.5);
		snprintf(eta, sizeof(eta), "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	}
	fprintf(stderr, "\r%s: %zu/%zu images, %zu failed, %.1f/s, ETA %s\033[K", kind_name[R->kind], R->done, R->in->n,
	        R->failed, rate, eta);
}

static void clear_progress(struct run *R)
{
	if (R->tty)
		fputs("\r\033[K", stderr);
}

/* An image up to this size stays mapped from hashing to scanning (the scan reads the pages the hash
 * brought in, instead of faulting them in a second time); a larger one is dropped behind as it is hashed,
 * so a worker's resident mapping stays under this bound. */
#define BATCH_KEEP_MAPPED (64u << 20)

/* SHA-256 of the whole source. */
static int hash_source(struct mtd_source *src, char out[65])
{
	struct mtd_sha256 h;
	if (mtd_sha256_init(&h))
		return -1;
	const uint64_t step = 4u << 20;
	bool drop = src->size > BATCH_KEEP_MAPPED;
	for (uint64_t off = 0; off < src->size; off += step) {
		uint64_t n = src->size - off < step ? src->size - off : step;
		mtd_sha256_update(&h, src->data + off, (size_t)n);
		if (drop)
			mtd_source_release_range(src, off, n);
	}
	mtd_sha256_final_hex(&h, out);
	return 0;
}

/* doc (a JSON object, pretty or not) with whitespace outside strings dropped: one line. */
static void put_compact(struct mtd_buf *b, const char *s, size_t n)
{
	bool str = false;
	size_t run = 0; /* bytes kept, not yet appended */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (str) {
			if (c == '\\' && i + 1 < n) {
				i++;
				run++;
			} else if (c == '"') {
				str = false;
			}
		} else if (c == '"') {
			str = true;
		} else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			mtd_buf_append(b, s + i - run, run);
			run = 0;
			continue;
		}
		run++;
	}
	mtd_buf_append(b, s + n - run, run);
}

/* The line of one image: doc (a JSON object, "schema" first) with "path", "sha256" and extra members after it. */
static void json_line(struct mtd_buf *b, const char *path, const char *sha, const char *extra_key, const char *extra,
                      struct mtd_buf *doc)
{
	struct mtd_buf c;
	mtd_buf_init(&c, 0);
	const char *s = mtd_buf_str(doc);
	size_t k = 0;
	while (k < doc->len && s[k] != '{')
		k++;
	put_compact(&c, s + k, doc->len - k);
	const char *t = mtd_buf_str(&c);
	static const char lead[] = "{\"schema\":\"";
	const char *q = c.err || strncmp(t, lead, sizeof(lead) - 1) ? NULL : strchr(t + sizeof(lead) - 1, '"');
	size_t cut = q ? (size_t)(q + 1 - t) : 1; /* after the schema member (its value is a plain name) */
	mtd_buf_append(b, t, cut);
	struct mtd_json j;
	mtd_buf_puts(b, cut > 1 ? ",\"path\":" : "\"path\":");
	mtd_json_init(&j, b, false);
	mtd_json_string(&j, path);
	mtd_buf_puts(b, ",\"sha256\":");
	mtd_json_init(&j, b, false); /* a fresh writer: a second top-level value */
	mtd_json_string(&j, sha);
	if (extra_key) {
		mtd_buf_printf(b, ",\"%s\":", extra_key);
		mtd_json_init(&j, b, false);
		mtd_json_string(&j, extra);
	}
	if (c.len > cut && t[cut] != '}')
		mtd_buf_puts(b, t[cut] == ',' ? "" : ",");
	mtd_buf_append(b, t + cut, c.len - cut);
	if (c.err)
		b->err = c.err;
	mtd_buf_release(&c);
}

/* The line of an image that failed: the command's schema, path, sha256 (null if unknown), error. */
static void error_line(struct mtd_buf *b, enum batch_kind kind, const char *path, const char *sha, const char *error)
{
	struct mtd_json j;
	mtd_json_init(&j, b, false);
	cli_json_schema(&j, kind_name[kind]);
	mtd_json_begin_object(&j);
	mtd_json_kv_str(&j, "path", path);
	mtd_json_key(&j, "sha256");
	if (sha && *sha)
		mtd_json_string(&j, sha);
	else
		mtd_json_null(&j);
	mtd_json_kv_str(&j, "error", error);
	mtd_json_end_object(&j);
}

static void text_line(struct run *R, const struct outcome *o)
{
	const char *p = cli_txt(o->path);
	if (R->kind == BATCH_SCAN) {
		if (o->skipped) {
			printf("%s: already in %s\n", p, cli_txt(batch_db_name(R->db)));
			return;
		}
		size_t bad = 0;
		for (size_t i = 0; o->r && i < o->r->ncomps; i++)
			if (!o->r->comps[i]->valid)
				bad++;
		printf("%s: %zu components, %zu failed a check\n", p, o->r ? o->r->ncomps : 0, bad);
	} else if (R->kind == BATCH_EXTRACT) {
		if (o->skipped) {
			printf("%s: already extracted into %s\n", p, cli_txt(o->dir));
			return;
		}
		char hb[32];
		mtd_format_size(o->sum.bytes, hb, sizeof(hb));
		printf("%s: wrote %s: %llu files, %llu directories, %llu symlinks into %s\n", p, hb,
		       (unsigned long long)o->sum.files, (unsigned long long)o->sum.dirs,
		       (unsigned long long)o->sum.symlinks, cli_txt(o->dir));
	} else {
		printf("%s: %s - %s\n", p, o->verdict, cli_txt(o->headline));
	}
}

static void finish(struct run *R, struct outcome *o)
{
	char when[32] = "";
	time_t t = time(NULL);
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (o->error && R->bo->jsonl) {
		o->line.len = 0;
		o->line.err = 0;
		error_line(&o->line, R->kind, o->path, o->sha, o->error);
	}
	pthread_mutex_lock(&R->lock);
	if (R->db && !o->skipped && o->sha[0] && !R->broken &&
	    batch_db_store(R->db, o->sha, o->path, o->size, when, o->r, o->error))
		R->broken = true;
	clear_progress(R);
	R->done++;
	if (o->skipped)
		R->skipped++;
	if (o->error) {
		R->failed++;
		cli_error("%s", o->error);
	}
	if (R->bo->jsonl && !o->skipped) {
		if (o->line.err || fwrite(mtd_buf_str(&o->line), 1, o->line.len, stdout) != o->line.len ||
		    fputc('\n', stdout) == EOF)
			R->broken = true, cli_error("cannot write to standard output");
		fflush(stdout);
	} else if (!R->bo->jsonl && (!o->error || (R->kind == BATCH_EXTRACT && o->sum.limit_hit))) {
		text_line(R, o);
		fflush(stdout);
	}
	show_progress(R);
	pthread_mutex_unlock(&R->lock);
}

static void scan_doc(const struct mtd_scan_result *r, struct mtd_buf *doc)
{
	struct mtd_json dj;
	mtd_json_init(&dj, doc, false);
	cli_json_schema(&dj, "scan");
	mtd_scan_to_json(r, &dj);
}

/* The directory one image is extracted into: DIR/<file name, cut to 128 bytes>.<12 hex of its SHA-256>. */
static int extract_dir(char *out, size_t size, const char *parent, const char *path, const char *sha)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 128) {
		n = 128;
		while (n && ((unsigned char)base[n] & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
			n--;
	}
	if (!n || !strcmp(base, ".") || !strcmp(base, ".."))
		base = "image", n = 5;
	size_t plen = strlen(parent);
	while (plen > 1 && parent[plen - 1] == '/')
		plen--;
	int w = snprintf(out, size, "%.*s/%.*s.%.12s", (int)plen, parent, (int)n, base, sha);
	return w > 0 && (size_t)w < size ? 0 : -1;
}

static void extract_image(struct run *R, struct outcome *o, struct mtd_source *src)
{
	if (extract_dir(o->dir, sizeof(o->dir), R->bo->outdir, o->path, o->sha)) {
		snprintf(o->msg, sizeof(o->msg), "%s: the output directory's name is too long", o->path);
		o->error = o->msg;
		return;
	}
	char man_path[4200];
	struct stat st;
	snprintf(man_path, sizeof(man_path), "%s/manifest.json", o->dir);
	if (lstat(man_path, &st) == 0 && S_ISREG(st.st_mode)) { /* renamed into place complete: done before */
		o->skipped = true;
		return;
	}
	struct mtd_diag d;
	mtd_diag_clear(&d);
	struct mtd_scan_result *r = NULL;
	if (mtd_scan_source(src, R->so, &r, &d)) {
		mtd_diag_format(&d, o->msg, sizeof(o->msg));
		o->error = o->msg;
		return;
	}
	struct mtd_buf man;
	mtd_buf_init(&man, 256u << 20);
	struct mtd_extract_options eo = *R->bo->eo;
	eo.progress = NULL;
	eo.schema = cli_schema_id("extract");
	if (mtd_extract(r, o->dir, &eo, &o->sum, &man, &d)) {
		mtd_diag_format(&d, o->msg, sizeof(o->msg));
		o->error = o->msg;
	} else {
		if (o->sum.limit_hit) {
			snprintf(o->msg, sizeof(o->msg), "%s: stopped: %s; what was extracted is kept in %s", o->path,
			         o->sum.limit_reason, o->dir);
			o->error = o->msg;
		}
		if (R->bo->jsonl)
			json_line(&o->line, o->path, o->sha, "directory", o->dir, &man);
	}
	mtd_buf_release(&man);
	mtd_scan_free(r);
}

static void scan_image(struct run *R, struct outcome *o, struct mtd_source *src)
{
	if (R->db) {
		pthread_mutex_lock(&R->lock);
		int seen = batch_db_seen(R->db, o->sha);
		if (seen < 0)
			R->broken = true;
		pthread_mutex_unlock(&R->lock);
		if (seen) {
			o->skipped = true;
			return;
		}
	}
	struct mtd_diag d;
	mtd_diag_clear(&d);
	struct mtd_scan_result *r = NULL;
	if (mtd_scan_source(src, R->so, &r, &d)) {
		mtd_diag_format(&d, o->msg, sizeof(o->msg));
		o->error = o->msg;
		return;
	}
	o->r = r;
	if (R->bo->jsonl) {
		struct mtd_buf doc;
		mtd_buf_init(&doc, 0);
		scan_doc(r, &doc);
		if (doc.err) {
			snprintf(o->msg, sizeof(o->msg), "%s: the JSON document did not fit in memory", o->path);
			o->error = o->msg;
		} else {
			json_line(&o->line, o->path, o->sha, NULL, NULL, &doc);
		}
		mtd_buf_release(&doc);
	}
}

/* A bundle's text members into f; its SHA-256 and size into o.  0 or an error in d. */
static int bundle_facts(struct outcome *o, struct mtd_facts *f, struct mtd_diag *d)
{
	struct mtd_source src;
	int rc = mtd_source_open(&src, o->path, d);
	if (rc)
		return rc;
	o->size = src.size;
	if (src.size > SIZE_MAX || hash_source(&src, o->sha)) {
		mtd_source_close(&src);
		return mtd_diag_set(d, MTD_ERR_IO, o->path, "cannot compute its SHA-256");
	}
	struct mtd_reader r;
	struct mtd_bundle b;
	mtd_rd_init(&r, src.data, (size_t)src.size, 0);
	rc = mtd_bundle_open(&b, o->path, &r, d);
	if (!rc) {
		size_t n;
		rc = cli_bundle_facts(&b, o->path, f, &n, NULL, d);
		mtd_bundle_release(&b);
	}
	mtd_source_close(&src);
	return rc;
}

/* A device's logs: one input, one assessment (as 'mtdscope assess FILE'); a collect bundle is one device. */
static void assess_one(struct run *R, struct outcome *o)
{
	char *buf = NULL;
	size_t len = 0;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	struct mtd_facts f;
	mtd_facts_init(&f);
	if (cli_is_bundle(o->path)) {
		/* a collect bundle is one device: its text members together (SHA256SUMS checked first) */
		if (bundle_facts(o, &f, &d)) {
			mtd_diag_format(&d, o->msg, sizeof(o->msg));
			o->error = o->msg;
			mtd_facts_release(&f);
			finish(R, o);
			return;
		}
	} else {
		if (mtd_read_small_file(o->path, MTD_FACTS_MAX_INPUT, &buf, &len, &d)) {
			mtd_diag_format(&d, o->msg, sizeof(o->msg));
			o->error = o->msg;
			mtd_facts_release(&f);
			finish(R, o);
			return;
		}
		mtd_sha256_hex(buf, len, o->sha);
		o->size = len;
		if (mtd_facts_parse(&f, o->path, (const uint8_t *)buf, len, &d)) {
			mtd_diag_format(&d, o->msg, sizeof(o->msg));
			o->error = o->msg;
			mtd_facts_release(&f);
			free(buf);
			finish(R, o);
			return;
		}
		free(buf);
	}
	if (!mtd_facts_useful(&f)) {
		snprintf(o->msg, sizeof(o->msg),
		         "%s: no device facts found in %zu line%s: expected a boot log, dmesg, /proc/cpuinfo, "
		         "/proc/mtd, /proc/meminfo, lspci or lsusb output",
		         o->path, f.lines, f.lines == 1 ? "" : "s");
		o->error = o->msg;
		mtd_facts_release(&f);
		finish(R, o);
		return;
	}
	struct mtd_profile p;
	struct mtd_assessment a;
	mtd_profile_build(&f, &p);
	mtd_assess(&p, &a);
	o->verdict = mtd_verdict_name(a.verdict);
	o->headline = a.headline;
	if (R->bo->jsonl) {
		struct mtd_buf doc;
		struct mtd_json j;
		mtd_buf_init(&doc, 0);
		mtd_json_init(&j, &doc, false);
		cli_json_schema(&j, "assess");
		mtd_json_begin_object(&j);
		mtd_json_kv_str(&j, "verdict", o->verdict);
		mtd_assessment_to_json(&a, &j);
		mtd_profile_to_json(&p, &j);
		mtd_json_end_object(&j);
		if (doc.err) {
			snprintf(o->msg, sizeof(o->msg), "%s: the JSON document did not fit in memory", o->path);
			o->error = o->msg;
		} else {
			json_line(&o->line, o->path, o->sha, NULL, NULL, &doc);
		}
		mtd_buf_release(&doc);
	}
	finish(R, o);
	mtd_assessment_release(&a);
	mtd_profile_release(&p);
	mtd_facts_release(&f);
}

static void do_one(struct run *R, const char *path)
{
	struct outcome *o = calloc(1, sizeof(*o));
	if (!o) {
		pthread_mutex_lock(&R->lock);
		R->broken = true;
		cli_error("%s: out of memory", path);
		pthread_mutex_unlock(&R->lock);
		return;
	}
	o->path = path;
	mtd_buf_init(&o->line, 0);
	if (R->kind == BATCH_ASSESS) {
		assess_one(R, o);
		mtd_buf_release(&o->line);
		free(o);
		return;
	}
	struct mtd_source src;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_source_open(&src, path, &d)) {
		mtd_diag_format(&d, o->msg, sizeof(o->msg));
		o->error = o->msg;
		finish(R, o);
		mtd_buf_release(&o->line);
		free(o);
		return;
	}
	o->size = src.size;
	if (hash_source(&src, o->sha)) {
		snprintf(o->msg, sizeof(o->msg), "%s: cannot compute its SHA-256", path);
		o->sha[0] = 0;
		o->error = o->msg;
	} else if (src.size == 0) {
		/* recorded as failed; a database that has it already skips it */
		if (R->db && R->kind == BATCH_SCAN) {
			pthread_mutex_lock(&R->lock);
			o->skipped = batch_db_seen(R->db, o->sha) == 1;
			pthread_mutex_unlock(&R->lock);
		}
		if (!o->skipped) {
			snprintf(o->msg, sizeof(o->msg), "%s: empty file (0 bytes); nothing to %s", path,
			         kind_name[R->kind]);
			o->error = o->msg;
		}
	} else if (R->kind == BATCH_SCAN) {
		scan_image(R, o, &src);
	} else {
		extract_image(R, o, &src);
	}
	finish(R, o);
	mtd_scan_free((struct mtd_scan_result *)o->r);
	mtd_source_close(&src);
	mtd_buf_release(&o->line);
	free(o);
}

static void *worker(void *arg)
{
	struct run *R = arg;
	for (;;) {
		pthread_mutex_lock(&R->lock);
		size_t i = R->next < R->in->n && !R->broken ? R->next++ : SIZE_MAX;
		pthread_mutex_unlock(&R->lock);
		if (i == SIZE_MAX)
			return NULL;
		if (R->order)
			i = R->order[i];
		do_one(R, R->in->v[i]);
	}
}

int cli_parse_shard(const char *s, unsigned *index, unsigned *count)
{
	char *e;
	errno = 0;
	unsigned long i = strtoul(s, &e, 10);
	if (e == s || *e != '/' || errno || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	const char *t = e + 1;
	unsigned long n = strtoul(t, &e, 10);
	if (e == t || *e || errno || t[0] == '-' || t[0] == '+' || t[0] == ' ' || n == 0 || n > 1000000 || i >= n)
		return -1;
	*index = (unsigned)i;
	*count = (unsigned)n;
	return 0;
}

/* Largest first (then by name): the biggest images start early, the small ones fill in at the end,
 * so no worker is left with one big image while the others are idle (longest-processing-time order). */
struct sized {
	uint64_t size;
	size_t i;
};

static int cmp_sized(const void *a, const void *b)
{
	const struct sized *x = a, *y = b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static size_t *largest_first(const struct paths *in)
{
	struct sized *s = mtd_alloc_array(in->n, sizeof(*s));
	size_t *order = mtd_alloc_array(in->n, sizeof(*order));
	if (!s || !order) {
		free(s);
		free(order);
		return NULL; /* taken as listed */
	}
	for (size_t i = 0; i < in->n; i++) {
		struct stat st;
		s[i].size = stat(in->v[i], &st) == 0 ? (uint64_t)st.st_size : 0;
		s[i].i = i;
	}
	qsort(s, in->n, sizeof(*s), cmp_sized);
	for (size_t i = 0; i < in->n; i++)
		order[i] = s[i].i;
	free(s);
	return order;
}

static void add_excl(struct excl *x, const char *path)
{
	struct stat st;
	if (x->n < (int)(sizeof(x->dev) / sizeof(x->dev[0])) && stat(path, &st) == 0) {
		x->dev[x->n] = st.st_dev;
		x->ino[x->n++] = st.st_ino;
	}
}

static int run_batch(enum batch_kind kind, int argc, char **argv, const struct mtd_scan_options *so,
                     const struct cli_batch_opts *bo)
{
	struct batch_db *db = NULL;
	struct excl x = {.n = 0};
	if (bo->db) {
		if (!(db = batch_db_open(bo->db)))
			return CLI_FAIL;
		if (!batch_db_is_pg(bo->db)) {
			static const char *const side[] = {"", "-wal", "-shm", "-journal"};
			for (int i = 0; i < 4; i++) {
				char p[4096];
				if (snprintf(p, sizeof(p), "%s%s", bo->db, side[i]) < (int)sizeof(p))
					add_excl(&x, p);
			}
		}
	}
	if (kind == BATCH_EXTRACT) {
		struct stat st;
		if (mkdir(bo->outdir, 0777) && errno != EEXIST) {
			cli_error("%s: cannot create the output directory: %s", bo->outdir, strerror(errno));
			return CLI_FAIL;
		}
		if (stat(bo->outdir, &st) || !S_ISDIR(st.st_mode)) {
			cli_error("%s: not a directory (extract of many inputs writes one directory per image in it)",
			          bo->outdir);
			return CLI_FAIL;
		}
		add_excl(&x, bo->outdir);
	}
	struct paths in = {0};
	int rc = 0;
	for (int i = 0; i < argc && !rc; i++)
		rc = strcmp(argv[i], "-") ? collect_one(argv[i], &x, &in) : collect_stdin(&x, &in);
	if (!rc && bo->from_stdin)
		rc = collect_stdin(&x, &in);
	if (rc) {
		batch_db_close(db);
		paths_free(&in);
		return CLI_FAIL;
	}
	/* sorted bytewise and without repeats: the same inputs give the same list, hence the same shards */
	if (in.n)
		qsort(in.v, in.n, sizeof(*in.v), cmp_str);
	size_t kept = 0, total = 0;
	for (size_t i = 0; i < in.n; i++) {
		if (kept && !strcmp(in.v[kept - 1], in.v[i])) {
			free(in.v[i]);
			continue;
		}
		if (bo->nshards && total++ % bo->nshards != bo->shard) {
			free(in.v[i]);
			continue;
		}
		in.v[kept++] = in.v[i];
	}
	in.n = kept;
	if (in.n == 0) { /* a directory with no regular file in it, an empty list, or an empty shard */
		if (bo->nshards && total)
			cli_warn("shard %u/%u of %zu inputs is empty", bo->shard, bo->nshards, total);
		else if (argc == 1 && strcmp(argv[0], "-"))
			cli_error("%s: no file to %s (the directory holds no regular file)", argv[0], kind_name[kind]);
		else
			cli_error("no file to %s in the inputs given", kind_name[kind]);
		batch_db_close(db);
		paths_free(&in);
		return bo->nshards && total ? CLI_OK : CLI_FAIL;
	}
	struct run R = {
	    .kind = kind,
	    .in = &in,
	    .so = so,
	    .bo = bo,
	    .db = db,
	    .t0 = now_s(),
	    .tty = cli_stderr_is_tty(),
	};
	pthread_mutex_init(&R.lock, NULL);
	unsigned jobs = bo->jobs ? bo->jobs : 1;
	if (jobs > in.n)
		jobs = (unsigned)in.n;
	size_t *order = jobs > 1 ? largest_first(&in) : NULL; /* one worker: in the listed order */
	R.order = order;
	pthread_t *th = mtd_alloc_array(jobs, sizeof(*th));
	unsigned started = 0;
	for (unsigned i = 0; th && i < jobs; i++) {
		if (pthread_create(&th[i], NULL, worker, &R))
			break;
		started++;
	}
	if (!started) /* no thread at all: do the work here */
		worker(&R);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	clear_progress(&R);
	double el = now_s() - R.t0;
	const char *done_how[] = {"scanned", "extracted", "assessed"};
	const char *skip_how[] = {"already in the database", "extracted before", ""};
	if (R.tty || in.n != 1) {
		if (kind == BATCH_ASSESS)
			fprintf(stderr, "assess: %zu inputs in %.1f s: %zu assessed, %zu failed\n", R.done, el,
			        R.done - R.failed, R.failed);
		else
			fprintf(stderr, "%s: %zu images in %.1f s: %zu %s, %zu %s, %zu failed\n", kind_name[kind],
			        R.done, el, R.done - R.skipped - R.failed, done_how[kind], R.skipped, skip_how[kind],
			        R.failed);
	}
	if (R.broken && R.done < in.n)
		cli_error("stopped after %zu of %zu images", R.done, in.n);
	bool bad = R.failed || R.broken;
	pthread_mutex_destroy(&R.lock);
	free(order);
	batch_db_close(db);
	paths_free(&in);
	return bad ? CLI_FAIL : CLI_OK;
}

int cli_scan_batch(int argc, char **argv, const struct mtd_scan_options *so, const struct cli_batch_opts *bo)
{
	return run_batch(BATCH_SCAN, argc, argv, so, bo);
}

int cli_extract_batch(int argc, char **argv, const struct mtd_scan_options *so, const struct cli_batch_opts *bo)
{
	return run_batch(BATCH_EXTRACT, argc, argv, so, bo);
}

int cli_assess_batch(int argc, char **argv, const struct cli_batch_opts *bo)
{
	return run_batch(BATCH_ASSESS, argc, argv, NULL, bo);
}
