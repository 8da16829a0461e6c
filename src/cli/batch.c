/* SPDX-License-Identifier: MIT */
/*
 * scan over many inputs (issue 15): files, directories walked without
 * following symlinks, or a list on standard input; one image per worker
 * thread; one JSON line per image (--jsonl); results in SQLite, one
 * transaction per image (--db, schema in doc/batch-db.md).
 *
 * Workers only call the library (which keeps no state of its own); every
 * print, progress line and database write happens under `lock`, so the
 * CLI's helpers (cli_txt's ring, stdio) are used by one thread at a time.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mtdscope/scan.h>
#include <mtdscope/source.h>

#include "version.h"

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

/* Files never taken as inputs: the database and its side files (they are outputs). */
struct excl {
	dev_t dev[4];
	ino_t ino[4];
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
		if (S_ISDIR(st.st_mode)) {
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
		int fd = open(arg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			cli_error("%s: cannot open directory: %s", arg, strerror(errno));
			return -1;
		}
		return walk(fd, arg, 0, x, out);
	}
	if (stat(arg, &st) == 0 && excluded(x, &st)) {
		cli_warn("%s: the results database is an output, not scanned", arg);
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

/* ---- the results database ---- */

static const char schema_sql[] = "PRAGMA journal_mode=WAL;"
                                 "PRAGMA synchronous=NORMAL;"
                                 "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                                 "INSERT OR IGNORE INTO meta VALUES('schema','mtdscope.batch-db/1');"
                                 "CREATE TABLE IF NOT EXISTS images("
                                 " sha256 TEXT PRIMARY KEY,"
                                 " path TEXT NOT NULL,"
                                 " size INTEGER NOT NULL,"
                                 " tool_version TEXT NOT NULL,"
                                 " scanned_at TEXT NOT NULL,"
                                 " status TEXT NOT NULL CHECK(status IN ('ok','failed')),"
                                 " error TEXT);"
                                 "CREATE TABLE IF NOT EXISTS components("
                                 " image TEXT NOT NULL REFERENCES images(sha256),"
                                 " id INTEGER NOT NULL,"
                                 " parent INTEGER,"
                                 " space INTEGER,"
                                 " byte_offset INTEGER NOT NULL,"
                                 " size INTEGER NOT NULL,"
                                 " type TEXT NOT NULL,"
                                 " valid INTEGER NOT NULL,"
                                 " depth INTEGER NOT NULL,"
                                 " details TEXT NOT NULL,"
                                 " PRIMARY KEY(image, id));"
                                 "CREATE TABLE IF NOT EXISTS problems("
                                 " image TEXT NOT NULL REFERENCES images(sha256),"
                                 " component INTEGER NOT NULL,"
                                 " seq INTEGER NOT NULL,"
                                 " text TEXT NOT NULL,"
                                 " PRIMARY KEY(image, component, seq));"
                                 "CREATE INDEX IF NOT EXISTS components_type ON components(type);";

struct db {
	sqlite3 *h;
	sqlite3_stmt *seen, *img, *comp, *prob;
	const char *path;
};

static int db_fail(struct db *db, const char *what)
{
	cli_error("%s: %s: %s", db->path, what, db->h ? sqlite3_errmsg(db->h) : "out of memory");
	return -1;
}

static int db_open(struct db *db, const char *path)
{
	memset(db, 0, sizeof(*db));
	db->path = path;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		return db_fail(db, "cannot open the database");
	sqlite3_busy_timeout(db->h, 10000);
	char *err = NULL;
	if (sqlite3_exec(db->h, schema_sql, NULL, NULL, &err) != SQLITE_OK) {
		cli_error("%s: cannot create the schema: %s", path, err ? err : "error");
		sqlite3_free(err);
		return -1;
	}
	if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM images WHERE sha256 = ?1", -1, &db->seen, NULL) ||
	    sqlite3_prepare_v2(db->h,
	                       "INSERT INTO images(sha256, path, size, tool_version, scanned_at, status, error)"
	                       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(sha256) DO NOTHING",
	                       -1, &db->img, NULL) ||
	    sqlite3_prepare_v2(db->h,
	                       "INSERT INTO components(image, id, parent, space, byte_offset, size, type, valid,"
	                       " depth, details) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	                       -1, &db->comp, NULL) ||
	    sqlite3_prepare_v2(db->h, "INSERT INTO problems(image, component, seq, text) VALUES(?1, ?2, ?3, ?4)", -1,
	                       &db->prob, NULL))
		return db_fail(db, "cannot prepare a statement");
	return 0;
}

static void db_close(struct db *db)
{
	sqlite3_finalize(db->seen);
	sqlite3_finalize(db->img);
	sqlite3_finalize(db->comp);
	sqlite3_finalize(db->prob);
	if (db->h)
		sqlite3_close(db->h);
}

static bool db_seen(struct db *db, const char *sha)
{
	sqlite3_reset(db->seen);
	sqlite3_bind_text(db->seen, 1, sha, -1, SQLITE_STATIC);
	bool found = sqlite3_step(db->seen) == SQLITE_ROW;
	sqlite3_reset(db->seen);
	return found;
}

static int step_done(struct db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "cannot write a row");
}

static void details_json(const struct mtd_component *c, struct mtd_buf *b)
{
	struct mtd_json j;
	mtd_json_init(&j, b, false);
	mtd_json_begin_object(&j);
	if (c->decoded_size)
		mtd_json_kv_u64(&j, "decoded_size", c->decoded_size);
	for (size_t k = 0; k < c->ndetails; k++) {
		const struct mtd_detail *dt = &c->details[k];
		mtd_json_key(&j, dt->key);
		switch (dt->kind) {
		case MTD_DV_STR: mtd_json_string(&j, dt->s); break;
		case MTD_DV_U64:
		case MTD_DV_HEX: mtd_json_u64(&j, dt->u); break;
		case MTD_DV_BOOL: mtd_json_bool(&j, dt->u != 0); break;
		case MTD_DV_LIST:
			mtd_json_begin_array(&j);
			for (size_t l = 0; l < dt->nlist; l++)
				mtd_json_string(&j, dt->list[l]);
			mtd_json_end_array(&j);
			break;
		}
	}
	mtd_json_end_object(&j);
}

static int db_problem(struct db *db, const char *sha, int64_t comp, int64_t seq, const char *text)
{
	sqlite3_bind_text(db->prob, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(db->prob, 2, comp);
	sqlite3_bind_int64(db->prob, 3, seq);
	sqlite3_bind_text(db->prob, 4, text, -1, SQLITE_STATIC);
	return step_done(db, db->prob);
}

/* One image, one transaction: all of its rows or none.  0, or -1 with the message printed. */
static int db_store(struct db *db, const char *sha, const char *path, uint64_t size, const char *when,
                    const struct mtd_scan_result *r, const char *error)
{
	if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "cannot begin a transaction");
	sqlite3_bind_text(db->img, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(db->img, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(db->img, 3, (sqlite3_int64)size);
	sqlite3_bind_text(db->img, 4, MTDSCOPE_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(db->img, 5, when, -1, SQLITE_STATIC);
	sqlite3_bind_text(db->img, 6, error ? "failed" : "ok", -1, SQLITE_STATIC);
	if (error)
		sqlite3_bind_text(db->img, 7, error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(db->img, 7);
	if (step_done(db, db->img))
		goto fail;
	if (sqlite3_changes(db->h) == 0) { /* the same bytes under another path, stored already */
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return 0;
	}
	for (size_t i = 0; r && i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		struct mtd_buf b;
		mtd_buf_init(&b, 0);
		details_json(c, &b);
		sqlite3_bind_text(db->comp, 1, sha, -1, SQLITE_STATIC);
		sqlite3_bind_int64(db->comp, 2, c->id);
		if (c->parent >= 0)
			sqlite3_bind_int64(db->comp, 3, c->parent);
		else
			sqlite3_bind_null(db->comp, 3);
		if (c->space >= 0)
			sqlite3_bind_int64(db->comp, 4, c->space);
		else
			sqlite3_bind_null(db->comp, 4);
		sqlite3_bind_int64(db->comp, 5, (sqlite3_int64)c->offset);
		sqlite3_bind_int64(db->comp, 6, (sqlite3_int64)c->size);
		sqlite3_bind_text(db->comp, 7, c->type, -1, SQLITE_STATIC);
		sqlite3_bind_int(db->comp, 8, c->valid);
		sqlite3_bind_int(db->comp, 9, c->depth);
		sqlite3_bind_text(db->comp, 10, b.err ? "{}" : mtd_buf_str(&b), -1, SQLITE_TRANSIENT);
		mtd_buf_release(&b);
		if (step_done(db, db->comp))
			goto fail;
		for (size_t p = 0; p < c->nproblems; p++)
			if (db_problem(db, sha, c->id, (int64_t)p, c->problems[p]))
				goto fail;
	}
	if (r && r->partitions)
		for (size_t p = 0; p < r->partitions->nproblems; p++)
			if (db_problem(db, sha, -1, (int64_t)p, r->partitions->problems[p]))
				goto fail;
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(db, "cannot commit");
		goto fail;
	}
	return 0;
fail:
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* ---- the run ---- */

struct run {
	pthread_mutex_t lock;
	const struct paths *in;
	size_t next; /* next input to take */
	size_t done, failed, skipped;
	const struct mtd_scan_options *so;
	bool jsonl;
	struct db *db; /* NULL: none */
	bool db_broken;
	double t0;
	bool tty;
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
	fprintf(stderr, "\rscan: %zu/%zu images, %zu failed, %.1f/s, ETA %s\033[K", R->done, R->in->n, R->failed, rate,
	        eta);
}

static void clear_progress(struct run *R)
{
	if (R->tty)
		fputs("\r\033[K", stderr);
}

/* SHA-256 of the whole source, dropping the pages behind as it goes. */
static int hash_source(struct mtd_source *src, char out[65])
{
	struct mtd_sha256 h;
	if (mtd_sha256_init(&h))
		return -1;
	const uint64_t step = 4u << 20;
	for (uint64_t off = 0; off < src->size; off += step) {
		uint64_t n = src->size - off < step ? src->size - off : step;
		mtd_sha256_update(&h, src->data + off, (size_t)n);
		mtd_source_release_range(src, off, n);
	}
	mtd_sha256_final_hex(&h, out);
	return 0;
}

/* The JSON line of one image: the scan --json document with "path" and "sha256" first. */
static void json_line(struct mtd_buf *b, const char *path, const char *sha, const struct mtd_scan_result *r,
                      const char *error)
{
	struct mtd_json j;
	mtd_json_init(&j, b, false);
	if (r) {
		struct mtd_buf doc;
		mtd_buf_init(&doc, 0);
		struct mtd_json dj;
		mtd_json_init(&dj, &doc, false);
		cli_json_schema(&dj, "scan");
		mtd_scan_to_json(r, &dj);
		const char *s = mtd_buf_str(&doc);
		if (!doc.err && doc.len > 2 && s[0] == '{') {
			mtd_buf_puts(b, "{\"path\":");
			mtd_json_string(&j, path);
			mtd_buf_puts(b, ",\"sha256\":");
			mtd_json_init(&j, b, false); /* a fresh writer: a second top-level value */
			mtd_json_string(&j, sha);
			mtd_buf_puts(b, ",");
			mtd_buf_append(b, s + 1, doc.len - 1);
			mtd_buf_release(&doc);
			return;
		}
		mtd_buf_release(&doc);
		error = "the JSON document did not fit";
	}
	mtd_json_begin_object(&j);
	mtd_json_kv_str(&j, "path", path);
	mtd_json_key(&j, "sha256");
	if (sha && *sha)
		mtd_json_string(&j, sha);
	else
		mtd_json_null(&j);
	mtd_json_kv_str(&j, "error", error ? error : "failed");
	mtd_json_end_object(&j);
}

static void finish_one(struct run *R, const char *path, const char *sha, uint64_t size, const struct mtd_scan_result *r,
                       const char *error, bool skipped)
{
	char when[32] = "";
	time_t t = time(NULL);
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct mtd_buf line;
	mtd_buf_init(&line, 0);
	if (R->jsonl && !skipped)
		json_line(&line, path, sha, r, error);
	pthread_mutex_lock(&R->lock);
	if (R->db && !skipped && *sha && !R->db_broken && db_store(R->db, sha, path, size, when, r, error))
		R->db_broken = true;
	clear_progress(R);
	R->done++;
	if (skipped)
		R->skipped++;
	if (error) {
		R->failed++;
		cli_error("%s", error);
	}
	if (R->jsonl && !skipped) {
		if (line.err || fwrite(mtd_buf_str(&line), 1, line.len, stdout) != line.len ||
		    fputc('\n', stdout) == EOF)
			R->db_broken = true, cli_error("cannot write to standard output");
		fflush(stdout);
	} else if (!R->jsonl && !error) {
		size_t bad = 0;
		for (size_t i = 0; r && i < r->ncomps; i++)
			if (!r->comps[i]->valid)
				bad++;
		if (skipped)
			printf("%s: already in %s\n", cli_txt(path), cli_txt(R->db->path));
		else
			printf("%s: %zu components, %zu failed a check\n", cli_txt(path), r ? r->ncomps : 0, bad);
		fflush(stdout);
	}
	show_progress(R);
	pthread_mutex_unlock(&R->lock);
	mtd_buf_release(&line);
}

static void scan_one(struct run *R, const char *path)
{
	struct mtd_source src;
	struct mtd_diag d;
	char sha[65] = "";
	char msg[1024];
	mtd_diag_clear(&d);
	if (mtd_source_open(&src, path, &d)) {
		mtd_diag_format(&d, msg, sizeof(msg));
		finish_one(R, path, sha, 0, NULL, msg, false);
		return;
	}
	if (hash_source(&src, sha)) {
		snprintf(msg, sizeof(msg), "%s: cannot compute its SHA-256", path);
		sha[0] = 0;
		finish_one(R, path, sha, src.size, NULL, msg, false);
		mtd_source_close(&src);
		return;
	}
	if (R->db) {
		pthread_mutex_lock(&R->lock);
		bool seen = db_seen(R->db, sha);
		pthread_mutex_unlock(&R->lock);
		if (seen) {
			finish_one(R, path, sha, src.size, NULL, NULL, true);
			mtd_source_close(&src);
			return;
		}
	}
	if (src.size == 0) {
		snprintf(msg, sizeof(msg), "%s: empty file (0 bytes); nothing to scan", path);
		finish_one(R, path, sha, 0, NULL, msg, false);
		mtd_source_close(&src);
		return;
	}
	struct mtd_scan_result *r = NULL;
	if (mtd_scan_source(&src, R->so, &r, &d)) {
		mtd_diag_format(&d, msg, sizeof(msg));
		finish_one(R, path, sha, src.size, NULL, msg, false);
	} else {
		finish_one(R, path, sha, src.size, r, NULL, false);
		mtd_scan_free(r);
	}
	mtd_source_close(&src);
}

static void *worker(void *arg)
{
	struct run *R = arg;
	for (;;) {
		pthread_mutex_lock(&R->lock);
		size_t i = R->next < R->in->n && !R->db_broken ? R->next++ : SIZE_MAX;
		pthread_mutex_unlock(&R->lock);
		if (i == SIZE_MAX)
			return NULL;
		scan_one(R, R->in->v[i]);
	}
}

int cli_scan_batch(int argc, char **argv, const struct mtd_scan_options *so, const struct cli_batch_opts *bo)
{
	struct db db;
	struct excl x = {.n = 0};
	bool use_db = bo->db != NULL;
	if (use_db) {
		if (db_open(&db, bo->db)) {
			db_close(&db);
			return CLI_FAIL;
		}
		static const char *const side[] = {"", "-wal", "-shm", "-journal"};
		for (int i = 0; i < 4; i++) {
			char p[4096];
			struct stat st;
			if (snprintf(p, sizeof(p), "%s%s", bo->db, side[i]) < (int)sizeof(p) && stat(p, &st) == 0) {
				x.dev[x.n] = st.st_dev;
				x.ino[x.n++] = st.st_ino;
			}
		}
	}
	struct paths in = {0};
	int rc = 0;
	for (int i = 0; i < argc && !rc; i++)
		rc = strcmp(argv[i], "-") ? collect_one(argv[i], &x, &in) : collect_stdin(&x, &in);
	if (!rc && bo->from_stdin)
		rc = collect_stdin(&x, &in);
	if (rc) {
		if (use_db)
			db_close(&db);
		paths_free(&in);
		return CLI_FAIL;
	}
	if (in.n == 0) { /* a directory with no regular file in it, or an empty list */
		if (argc == 1 && strcmp(argv[0], "-"))
			cli_error("%s: no file to scan (the directory holds no regular file)", argv[0]);
		else
			cli_error("no file to scan in the inputs given");
		if (use_db)
			db_close(&db);
		paths_free(&in);
		return CLI_FAIL;
	}
	struct run R = {
	    .in = &in,
	    .so = so,
	    .jsonl = bo->jsonl,
	    .db = use_db ? &db : NULL,
	    .t0 = now_s(),
	    .tty = cli_stderr_is_tty(),
	};
	pthread_mutex_init(&R.lock, NULL);
	unsigned jobs = bo->jobs ? bo->jobs : 1;
	if (jobs > in.n)
		jobs = in.n ? (unsigned)in.n : 1;
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
	if (R.tty || in.n != 1)
		fprintf(stderr, "scan: %zu images in %.1f s: %zu scanned, %zu already in the database, %zu failed\n",
		        R.done, el, R.done - R.skipped - R.failed, R.skipped, R.failed);
	if (R.db_broken && R.done < in.n)
		cli_error("stopped after %zu of %zu images", R.done, in.n);
	bool bad = R.failed || R.db_broken;
	pthread_mutex_destroy(&R.lock);
	if (use_db)
		db_close(&db);
	paths_free(&in);
	return bad ? CLI_FAIL : CLI_OK;
}
