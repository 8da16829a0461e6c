/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_BATCH_DB_H
#define MTDSCOPE_BATCH_DB_H

/*
 * The batch results database (doc/batch-db.md): SQLite (a file name) or
 * PostgreSQL (a postgresql:// or postgres:// URI, libpq).  One schema, one
 * transaction per image, images keyed by SHA-256 with conflicts ignored.
 * Not thread-safe: the caller serialises every call (batch.c's lock).
 */
#include <stdbool.h>
#include <stdint.h>

struct mtd_scan_result;
struct batch_db;

/** True when spec names a PostgreSQL database (a libpq URI), not an SQLite file. */
bool batch_db_is_pg(const char *spec);
/** Open (creating the schema when missing); NULL after printing the error. */
struct batch_db *batch_db_open(const char *spec);
/** What messages call the database: the SQLite file, or "PostgreSQL database NAME" (never the URI). */
const char *batch_db_name(const struct batch_db *db);
/** 1: an image with this SHA-256 is stored; 0: not; -1: error (printed). */
int batch_db_seen(struct batch_db *db, const char *sha);
/** One image, one transaction (none if the SHA-256 is stored already); 0, or -1 with the error printed. */
int batch_db_store(struct batch_db *db, const char *sha, const char *path, uint64_t size, const char *when,
                   const struct mtd_scan_result *r, const char *error);
void batch_db_close(struct batch_db *db);

#endif
