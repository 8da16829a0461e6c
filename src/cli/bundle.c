/* SPDX-License-Identifier: MIT */
/*
 * A bundle written by collect (src/collect, doc/collect.md) read on the host: a ustar file whose
 * members are named collect/..., walked and checked by the library (include/mtdscope/bundle.h):
 * every header checksum and every member's SHA-256 against collect/SHA256SUMS before a command
 * uses one byte of it.  Here: opening the file, warnings, and unpacking members for commands
 * that read files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/bundle.h>
#include <mtdscope/device.h>
#include <mtdscope/reader.h>
#include <mtdscope/source.h>

#include "cli.h"

bool cli_is_bundle(const char *path)
{
	struct stat st;
	if (!strcmp(path, "-") || stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 1024)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	uint8_t h[512];
	ssize_t n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h))
		return false;
	struct mtd_reader r;
	mtd_rd_init(&r, h, sizeof(h), 0);
	return mtd_bundle_detect(&r);
}

const struct mtd_bundle_member *cli_bundle_find(const struct cli_bundle *b, const char *name)
{
	return mtd_bundle_find(&b->b, name);
}

bool cli_bundle_window(const struct cli_bundle *b, const struct mtd_bundle_member *m, struct mtd_reader *out)
{
	return mtd_bundle_member_reader(&b->b, m, out);
}

int cli_bundle_open(struct cli_bundle *b, const char *path)
{
	memset(b, 0, sizeof(*b));
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (cli_input(path))
		return CLI_FAIL;
	if (mtd_source_open(&b->src, path, &d)) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	b->opened = true;
	if (b->src.size > SIZE_MAX) {
		cli_error("%s: too large for this build", path);
		cli_bundle_close(b);
		return CLI_FAIL;
	}
	struct mtd_reader r;
	mtd_rd_init(&r, b->src.data, (size_t)b->src.size, 0);
	if (mtd_bundle_open(&b->b, path, &r, &d)) {
		cli_diag(&d);
		cli_bundle_close(b);
		return CLI_FAIL;
	}
	/* a dump that read differently twice, ended early, had read errors or is not the device's size */
	for (size_t i = 0; i < b->b.nmtd; i++) {
		char why[400];
		if (b->b.mtd[i].dump[0] && !mtd_bundle_dump_ok(&b->b, &b->b.mtd[i], why, sizeof(why)))
			cli_warn("%s:%s", path, cli_txt(why));
	}
	return CLI_OK;
}

int cli_bundle_facts(const struct mtd_bundle *b, const char *path, struct mtd_facts *f, size_t *nparsed,
                     void (*skipped)(const char *name), struct mtd_diag *d)
{
	*nparsed = 0;
	for (size_t i = 0; i < b->n; i++) {
		const char *rel = b->m[i].name + 8;
		if (!strncmp(rel, "mtd/", 4) || !strcmp(rel, "manifest.json") || !strcmp(rel, "SHA256SUMS") ||
		    !b->m[i].size)
			continue;
		char name[400];
		snprintf(name, sizeof(name), "%s:%s", path, rel);
		struct mtd_reader r;
		const uint8_t *span;
		if (b->m[i].size > MTD_FACTS_MAX_INPUT || !mtd_bundle_member_reader(b, &b->m[i], &r) ||
		    !mtd_rd_bytes_at(&r, 0, (size_t)b->m[i].size, &span)) {
			if (skipped)
				skipped(name);
			continue;
		}
		int rc = mtd_facts_parse(f, name, span, (size_t)b->m[i].size, d);
		if (rc)
			return rc;
		(*nparsed)++;
	}
	return 0;
}

static int write_member(const struct cli_bundle *b, const struct mtd_bundle_member *m, const char *path)
{
	struct mtd_reader r;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || !cli_bundle_window(b, m, &r)) {
		cli_error("%s: cannot create: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return CLI_FAIL;
	}
	for (size_t at = 0; at < m->size;) {
		size_t n = m->size - at < (1u << 20) ? (size_t)(m->size - at) : (1u << 20);
		const uint8_t *span;
		if (!mtd_rd_bytes_at(&r, at, n, &span))
			break;
		ssize_t w = write(fd, span, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cli_error("%s: write failed: %s", path, strerror(errno));
			close(fd);
			return CLI_FAIL;
		}
		at += (size_t)w;
	}
	if (close(fd) != 0) {
		cli_error("%s: write failed: %s", path, strerror(errno));
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* Make the directories of rel (relative, checked by name_ok) under b->tmpdir. */
static int make_dirs(const struct cli_bundle *b, const char *rel)
{
	char p[4200];
	for (const char *q = strchr(rel, '/'); q; q = strchr(q + 1, '/')) {
		snprintf(p, sizeof(p), "%s/%.*s", b->tmpdir, (int)(q - rel), rel);
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			cli_error("%s: cannot make the directory: %s", p, strerror(errno));
			return CLI_FAIL;
		}
	}
	return CLI_OK;
}

int cli_bundle_unpack(struct cli_bundle *b, char *dir, size_t dirlen)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(b->tmpdir, sizeof(b->tmpdir), "%s/mtdscope-bundle.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(b->tmpdir)) {
		cli_error("%s: cannot make a temporary directory: %s", b->tmpdir, strerror(errno));
		b->tmpdir[0] = 0;
		return CLI_FAIL;
	}
	for (size_t i = 0; i < b->b.n; i++) {
		const char *rel = b->b.m[i].name + 8;
		char p[4200];
		snprintf(p, sizeof(p), "%s/%s", b->tmpdir, rel);
		if (make_dirs(b, rel) || write_member(b, &b->b.m[i], p))
			return CLI_FAIL;
	}
	snprintf(dir, dirlen, "%s", b->tmpdir);
	return CLI_OK;
}

void cli_bundle_close(struct cli_bundle *b)
{
	if (b->tmpdir[0]) {
		char p[4200];
		for (size_t i = 0; i < b->b.n; i++) {
			snprintf(p, sizeof(p), "%s/%s", b->tmpdir, b->b.m[i].name + 8);
			unlink(p);
		}
		/* the directories, deepest first: each member's parents (a removal that fails is one not empty) */
		for (int pass = 0; pass < 8; pass++)
			for (size_t i = 0; i < b->b.n; i++) {
				const char *rel = b->b.m[i].name + 8, *q = strrchr(rel, '/');
				if (q) {
					snprintf(p, sizeof(p), "%s/%.*s", b->tmpdir, (int)(q - rel), rel);
					rmdir(p);
				}
			}
		rmdir(b->tmpdir);
		b->tmpdir[0] = 0;
	}
	mtd_bundle_release(&b->b);
	if (b->opened)
		mtd_source_close(&b->src);
	b->opened = false;
}
