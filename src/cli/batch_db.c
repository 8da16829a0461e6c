/* SPDX-License-Identifier: MIT */
/*
 * The batch results database: one schema (doc/batch-db.md) in SQLite or in
 * PostgreSQL.  Every image is written in one transaction that begins with its
 * row in `images` (ON CONFLICT (sha256) DO NOTHING): when another run or
 * another machine stored the same bytes first, nothing of this image is
 * written, so concurrent writers never duplicate nor mix an image's rows.
 */
#if MTD_HAVE_LIBPQ
#include <libpq-fe.h>
#else
typedef struct pg_conn PGconn; /* built without libpq: --db postgresql:// is refused */
#endif
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/scan.h>

#include "batch_db.h"
#include "version.h"

#include "cli.h"

#define SCHEMA_NAME "mtdscope.batch-db/1"

/* The tables, in SQL both engines take (INTEGER is 64-bit in SQLite; BIGINT where PostgreSQL needs it). */
#define TABLES(BIG)                                                                                                    \
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"                                  \
	"CREATE TABLE IF NOT EXISTS images("                                                                           \
	" sha256 TEXT PRIMARY KEY,"                                                                                    \
	" path TEXT NOT NULL,"                                                                                         \
	" size " BIG " NOT NULL,"                                                                                      \
	" tool_version TEXT NOT NULL,"                                                                                 \
	" scanned_at TEXT NOT NULL,"                                                                                   \
	" status TEXT NOT NULL CHECK(status IN ('ok','failed')),"                                                      \
	" error TEXT);"                                                                                                \
	"CREATE TABLE IF NOT EXISTS components("                                                                       \
	" image TEXT NOT NULL REFERENCES images(sha256),"                                                              \
	" id INTEGER NOT NULL,"                                                                                        \
	" parent INTEGER,"                                                                                             \
	" space INTEGER,"                                                                                              \
	" byte_offset " BIG " NOT NULL,"                                                                               \
	" size " BIG " NOT NULL,"                                                                                      \
	" type TEXT NOT NULL,"                                                                                         \
	" valid INTEGER NOT NULL,"                                                                                     \
	" depth INTEGER NOT NULL,"                                                                                     \
	" details TEXT NOT NULL,"                                                                                      \
	" PRIMARY KEY(image, id));"                                                                                    \
	"CREATE TABLE IF NOT EXISTS problems("                                                                         \
	" image TEXT NOT NULL REFERENCES images(sha256),"                                                              \
	" component INTEGER NOT NULL,"                                                                                 \
	" seq INTEGER NOT NULL,"                                                                                       \
	" text TEXT NOT NULL,"                                                                                         \
	" PRIMARY KEY(image, component, seq));"                                                                        \
	"CREATE INDEX IF NOT EXISTS components_type ON components(type);"                                              \
	"INSERT INTO meta VALUES('schema','" SCHEMA_NAME "') ON CONFLICT(key) DO NOTHING;"

static const char sqlite_schema[] = "PRAGMA journal_mode=WAL;"
                                    "PRAGMA synchronous=NORMAL;" TABLES("INTEGER");
/* concurrent first runs: the schema is made under a lock every writer takes */
#if MTD_HAVE_LIBPQ
static const char pg_schema[] = "BEGIN;"
                                "SELECT pg_advisory_xact_lock(7368740);" TABLES("BIGINT") "COMMIT;";
#endif

static const char sql_seen[] = "SELECT 1 FROM images WHERE sha256 = $1";
static const char sql_img[] = "INSERT INTO images(sha256, path, size, tool_version, scanned_at, status, error)"
                              " VALUES($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(sha256) DO NOTHING";
static const char sql_comp[] = "INSERT INTO components(image, id, parent, space, byte_offset, size, type, valid,"
                               " depth, details) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
static const char sql_prob[] = "INSERT INTO problems(image, component, seq, text) VALUES($1, $2, $3, $4)";

struct batch_db {
	const char *spec;
	char name[160];
	/* SQLite */
	sqlite3 *h;
	sqlite3_stmt *seen, *img, *comp, *prob;
	/* PostgreSQL */
	PGconn *pg;
};

bool batch_db_is_pg(const char *spec)
{
	return !strncmp(spec, "postgresql://", 13) || !strncmp(spec, "postgres://", 11);
}

const char *batch_db_name(const struct batch_db *db)
{
	return db->name;
}

static int fail(struct batch_db *db, const char *what)
{
#if MTD_HAVE_LIBPQ
	if (db->pg) {
		const char *m = PQerrorMessage(db->pg);
		size_t n = strlen(m);
		while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
			n--;
		cli_error("%s: %s: %.*s", db->name, what, (int)n, m);
		return -1;
	}
#endif
	{
		cli_error("%s: %s: %s", db->name, what, db->h ? sqlite3_errmsg(db->h) : "out of memory");
	}
	return -1;
}

#if MTD_HAVE_LIBPQ
/* libpq's notices ("relation already exists, skipping") are not the user's business */
static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* A command that returns no rows; 0 or -1 (printed). */
static int pg_cmd(struct batch_db *db, const char *sql, const char *what)
{
	PGresult *res = PQexec(db->pg, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
	PQclear(res);
	return ok ? 0 : fail(db, what);
}

static int pg_open(struct batch_db *db)
{
	db->pg = PQconnectdb(db->spec);
	if (!db->pg) {
		cli_error("PostgreSQL: out of memory");
		return -1;
	}
	if (PQstatus(db->pg) != CONNECTION_OK) {
		snprintf(db->name, sizeof(db->name), "PostgreSQL");
		return fail(db, "cannot connect");
	}
	snprintf(db->name, sizeof(db->name), "PostgreSQL database %s", PQdb(db->pg));
	PQsetNoticeProcessor(db->pg, quiet, NULL);
	if (pg_cmd(db, pg_schema, "cannot create the schema")) {
		pg_cmd(db, "ROLLBACK", "cannot roll back");
		return -1;
	}
	static const struct {
		const char *name, *sql;
		int n;
	} st[] = {{"seen", sql_seen, 1}, {"img", sql_img, 7}, {"comp", sql_comp, 10}, {"prob", sql_prob, 4}};
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		PGresult *res = PQprepare(db->pg, st[i].name, st[i].sql, st[i].n, NULL);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (!ok)
			return fail(db, "cannot prepare a statement");
	}
	return 0;
}
#else
static int pg_open(struct batch_db *db)
{
	cli_error("%s: this mtdscope was built without PostgreSQL support (libpq); use an SQLite file", db->spec);
	return -1;
}
#endif

static int sqlite_open(struct batch_db *db)
{
	snprintf(db->name, sizeof(db->name), "%s", db->spec);
	if (sqlite3_open_v2(db->spec, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		return fail(db, "cannot open the database");
	sqlite3_busy_timeout(db->h, 10000);
	char *err = NULL;
	if (sqlite3_exec(db->h, sqlite_schema, NULL, NULL, &err) != SQLITE_OK) {
		cli_error("%s: cannot create the schema: %s", db->name, err ? err : "error");
		sqlite3_free(err);
		return -1;
	}
	if (sqlite3_prepare_v2(db->h, sql_seen, -1, &db->seen, NULL) ||
	    sqlite3_prepare_v2(db->h, sql_img, -1, &db->img, NULL) ||
	    sqlite3_prepare_v2(db->h, sql_comp, -1, &db->comp, NULL) ||
	    sqlite3_prepare_v2(db->h, sql_prob, -1, &db->prob, NULL))
		return fail(db, "cannot prepare a statement");
	return 0;
}

struct batch_db *batch_db_open(const char *spec)
{
	struct batch_db *db = calloc(1, sizeof(*db));
	if (!db) {
		cli_error("%s: out of memory", spec);
		return NULL;
	}
	db->spec = spec;
	if (batch_db_is_pg(spec) ? pg_open(db) : sqlite_open(db)) {
		batch_db_close(db);
		return NULL;
	}
	return db;
}

void batch_db_close(struct batch_db *db)
{
	if (!db)
		return;
	sqlite3_finalize(db->seen);
	sqlite3_finalize(db->img);
	sqlite3_finalize(db->comp);
	sqlite3_finalize(db->prob);
	if (db->h)
		sqlite3_close(db->h);
#if MTD_HAVE_LIBPQ
	if (db->pg)
		PQfinish(db->pg);
#endif
	free(db);
}

int batch_db_seen(struct batch_db *db, const char *sha)
{
#if MTD_HAVE_LIBPQ
	if (db->pg) {
		const char *v[1] = {sha};
		PGresult *res = PQexecPrepared(db->pg, "seen", 1, v, NULL, NULL, 0);
		int rc = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) > 0 : -1;
		PQclear(res);
		return rc < 0 ? fail(db, "cannot look up an image") : rc;
	}
#endif
	sqlite3_reset(db->seen);
	sqlite3_bind_text(db->seen, 1, sha, -1, SQLITE_STATIC);
	int st = sqlite3_step(db->seen);
	sqlite3_reset(db->seen);
	if (st == SQLITE_ROW)
		return 1;
	return st == SQLITE_DONE ? 0 : fail(db, "cannot look up an image");
}

/*
 * One row: n values as text (NULL: SQL NULL), or for SQLite bound by kind:
 * kinds[i] 't' text, 'i' integer.  *changed: whether a row was inserted.
 */
static int put_row(struct batch_db *db, const char *stmt, sqlite3_stmt *st, int n, const char *const *v,
                   const char *kinds, bool *changed)
{
#if MTD_HAVE_LIBPQ
	if (db->pg) {
		PGresult *res = PQexecPrepared(db->pg, stmt, n, v, NULL, NULL, 0);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		if (ok && changed)
			*changed = strcmp(PQcmdTuples(res), "0") != 0;
		PQclear(res);
		return ok ? 0 : fail(db, "cannot write a row");
	}
#else
	(void)stmt;
#endif
	for (int i = 0; i < n; i++) {
		if (!v[i])
			sqlite3_bind_null(st, i + 1);
		else if (kinds[i] == 'i')
			sqlite3_bind_int64(st, i + 1, strtoll(v[i], NULL, 10));
		else
			sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
	}
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return fail(db, "cannot write a row");
	if (changed)
		*changed = sqlite3_changes(db->h) != 0;
	return 0;
}

static int tx(struct batch_db *db, const char *sql)
{
#if MTD_HAVE_LIBPQ
	if (db->pg)
		return pg_cmd(db, sql, sql);
#endif
	return sqlite3_exec(db->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(db, sql);
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

static int put_problem(struct batch_db *db, const char *sha, long long comp, long long seq, const char *text)
{
	char c[24], s[24];
	snprintf(c, sizeof(c), "%lld", comp);
	snprintf(s, sizeof(s), "%lld", seq);
	const char *v[4] = {sha, c, s, text};
	return put_row(db, "prob", db->prob, 4, v, "tiit", NULL);
}

static int put_component(struct batch_db *db, const char *sha, const struct mtd_component *c)
{
	char id[24], parent[24], space[24], off[24], size[24], valid[8], depth[24];
	snprintf(id, sizeof(id), "%lld", (long long)c->id);
	snprintf(parent, sizeof(parent), "%lld", (long long)c->parent);
	snprintf(space, sizeof(space), "%lld", (long long)c->space);
	snprintf(off, sizeof(off), "%llu", (unsigned long long)c->offset);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)c->size);
	snprintf(valid, sizeof(valid), "%d", c->valid ? 1 : 0);
	snprintf(depth, sizeof(depth), "%d", c->depth);
	struct mtd_buf b;
	mtd_buf_init(&b, 0);
	details_json(c, &b);
	const char *v[10] = {
	    sha,   id,    c->parent >= 0 ? parent : NULL, c->space >= 0 ? space : NULL, off, size, c->type,
	    valid, depth, b.err ? "{}" : mtd_buf_str(&b)};
	int rc = put_row(db, "comp", db->comp, 10, v, "tiiiiitiit", NULL);
	mtd_buf_release(&b);
	return rc;
}

int batch_db_store(struct batch_db *db, const char *sha, const char *path, uint64_t size, const char *when,
                   const struct mtd_scan_result *r, const char *error)
{
	if (tx(db, db->pg ? "BEGIN" : "BEGIN IMMEDIATE"))
		return -1;
	char sz[24];
	snprintf(sz, sizeof(sz), "%llu", (unsigned long long)size);
	const char *v[7] = {sha, path, sz, MTDSCOPE_VERSION, when, error ? "failed" : "ok", error};
	bool inserted = false;
	if (put_row(db, "img", db->img, 7, v, "ttitttt", &inserted))
		goto fail;
	if (!inserted) /* the same bytes, stored already: by another path, run or machine */
		return tx(db, "ROLLBACK");
	for (size_t i = 0; r && i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (put_component(db, sha, c))
			goto fail;
		for (size_t p = 0; p < c->nproblems; p++)
			if (put_problem(db, sha, c->id, (long long)p, c->problems[p]))
				goto fail;
	}
	if (r && r->partitions)
		for (size_t p = 0; p < r->partitions->nproblems; p++)
			if (put_problem(db, sha, -1, (long long)p, r->partitions->problems[p]))
				goto fail;
	if (tx(db, "COMMIT"))
		goto fail;
	return 0;
fail:
	tx(db, "ROLLBACK");
	return -1;
}
