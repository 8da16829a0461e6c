/* SPDX-License-Identifier: MIT */
/*
 * A bundle written by collect (src/collect, doc/collect.md) read on the host: a ustar file whose
 * members are named collect/...; every header checksum is checked and every member's SHA-256
 * against collect/SHA256SUMS before a command uses one byte of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/reader.h>
#include <mtdscope/source.h>

#include "cli.h"

#define BUNDLE_MAX_MEMBERS 4096u

static bool tar_octal(const uint8_t *f, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	while (i < n && f[i] == ' ')
		i++;
	size_t digits = 0;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (v >> 60)
			return false;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != 0)
			return false;
	*out = v;
	return digits > 0;
}

/* A member name collect writes: collect/ then [A-Za-z0-9._-] words separated by '/', no "..". */
static bool name_ok(const char *s)
{
	if (strncmp(s, "collect/", 8) || !s[8] || strstr(s, "..") || strstr(s, "//"))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-' || *p == '/'))
			return false;
	return s[strlen(s) - 1] != '/';
}

/* The first header: ustar magic, a valid checksum and a name under collect/. */
static bool first_header_is_bundle(const struct mtd_reader *r)
{
	uint8_t h[512];
	if (!mtd_rd_copy_at(r, 0, h, sizeof(h)) || memcmp(h + 257, "ustar", 5) || memcmp(h, "collect/", 8))
		return false;
	uint64_t want, sum = 0;
	if (!tar_octal(h + 148, 8, &want))
		return false;
	for (size_t i = 0; i < sizeof(h); i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

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
	return first_header_is_bundle(&r);
}

static int fail(struct cli_bundle *b, const char *fmt, uint64_t off, const char *what)
{
	char m[400];
	snprintf(m, sizeof(m), fmt, what);
	cli_error("%s: at offset %llu: %s", b->src.name, (unsigned long long)off, m);
	cli_bundle_close(b);
	return CLI_FAIL;
}

const struct cli_bundle_member *cli_bundle_find(const struct cli_bundle *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->m[i].name + 8, name))
			return &b->m[i];
	return NULL;
}

bool cli_bundle_window(const struct cli_bundle *b, const struct cli_bundle_member *m, struct mtd_reader *out)
{
	struct mtd_reader all;
	mtd_rd_init(&all, b->src.data, (size_t)b->src.size, 0);
	return mtd_rd_window(&all, (size_t)m->off, (size_t)m->size, out);
}

static bool member_sha256(const struct cli_bundle *b, const struct cli_bundle_member *m, char out[65])
{
	struct mtd_reader r;
	struct mtd_sha256 s;
	if (!cli_bundle_window(b, m, &r) || mtd_sha256_init(&s))
		return false;
	for (size_t at = 0; at < m->size;) {
		size_t n = m->size - at < (1u << 20) ? (size_t)(m->size - at) : (1u << 20);
		const uint8_t *span;
		if (!mtd_rd_bytes_at(&r, at, n, &span))
			return false;
		mtd_sha256_update(&s, span, n);
		at += n;
	}
	mtd_sha256_final_hex(&s, out);
	return true;
}

/* Every line of SHA256SUMS ("HEX  NAME") names a member whose SHA-256 is HEX; every member is named. */
static int check_sums(struct cli_bundle *b)
{
	const struct cli_bundle_member *sums = cli_bundle_find(b, "SHA256SUMS");
	if (!sums)
		return fail(b, "%s", b->src.size, "no collect/SHA256SUMS: not a whole collect bundle (cut short?)");
	struct mtd_reader r;
	if (!cli_bundle_window(b, sums, &r))
		return fail(b, "%s", sums->off, "collect/SHA256SUMS lies outside the file");
	bool *seen = calloc(b->n, sizeof(*seen));
	if (!seen)
		return fail(b, "%s", 0, "out of memory");
	const char *line;
	size_t len;
	bool cut;
	int rc = CLI_OK;
	while (rc == CLI_OK && mtd_rd_line(&r, 300, &line, &len, &cut)) {
		uint64_t at = sums->off + mtd_rd_offset(&r) - len - 1;
		char name[120];
		if (!len)
			continue;
		if (cut || len < 67 || len - 66 >= sizeof(name) || line[64] != ' ' || line[65] != ' ') {
			rc = fail(b, "%s", at, "collect/SHA256SUMS: expected 'SHA256  NAME' lines");
			break;
		}
		memcpy(name, line + 66, len - 66);
		name[len - 66] = 0;
		const struct cli_bundle_member *m = cli_bundle_find(b, name);
		char got[65];
		if (!m) {
			char what[200];
			snprintf(what, sizeof(what),
			         "collect/SHA256SUMS names collect/%s, which the bundle does not hold", name);
			rc = fail(b, "%s", at, what);
		} else if (!member_sha256(b, m, got) || memcmp(got, line, 64)) {
			char what[200];
			snprintf(what, sizeof(what),
			         "collect/%s: its SHA-256 is not the one SHA256SUMS gives (damaged)", name);
			rc = fail(b, "%s", m->off, what);
		} else {
			seen[m - b->m] = true;
		}
	}
	for (size_t i = 0; rc == CLI_OK && i < b->n; i++)
		if (!seen[i] && &b->m[i] != sums) {
			char what[200];
			snprintf(what, sizeof(what), "%s is not in collect/SHA256SUMS", b->m[i].name);
			rc = fail(b, "%s", b->m[i].off, what);
		}
	free(seen);
	return rc;
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
	if (b->src.size > SIZE_MAX)
		return fail(b, "%s", 0, "too large for this build");
	struct mtd_reader r;
	mtd_rd_init(&r, b->src.data, (size_t)b->src.size, 0);
	if (!first_header_is_bundle(&r))
		return fail(b, "%s", 0, "expected a ustar header naming collect/...");
	size_t cap = 0;
	uint64_t off = 0;
	for (;;) {
		uint8_t h[512];
		if (!mtd_rd_copy_at(&r, (size_t)off, h, sizeof(h)))
			return fail(b, "%s", off,
			            "expected a tar header or the two zero blocks that end the bundle (cut short?)");
		if (mtd_rd_uniform_at(&r, (size_t)off, 512, 0))
			break;
		uint64_t want, size, sum = 0;
		for (size_t i = 0; i < sizeof(h); i++)
			sum += (i >= 148 && i < 156) ? ' ' : h[i];
		if (memcmp(h + 257, "ustar", 5) || !tar_octal(h + 148, 8, &want) || sum != want)
			return fail(b, "%s", off, "expected a ustar header with a valid checksum");
		if (!tar_octal(h + 124, 12, &size))
			return fail(b, "%s", off, "expected an octal size in the tar header");
		char name[101];
		memcpy(name, h, 100);
		name[100] = 0;
		if (h[345] || !name_ok(name) || (h[156] != '0' && h[156] != 0))
			return fail(b, "%s", off,
			            "expected a regular file named collect/... ([A-Za-z0-9._-/], no '..')");
		uint64_t data = off + 512, end;
		if (!mtd_add_ov(data, size, &end) || end > b->src.size)
			return fail(b, "%s", off, "the member runs past the end of the file (cut short?)");
		for (size_t i = 0; i < b->n; i++)
			if (!strcmp(b->m[i].name, name))
				return fail(b, "%s", off, "a member name given twice");
		if (b->n == BUNDLE_MAX_MEMBERS)
			return fail(b, "%s", off, "more members than a collect bundle holds");
		if (b->n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct cli_bundle_member *nm2 = realloc(b->m, nc * sizeof(*nm2));
			if (!nm2)
				return fail(b, "%s", off, "out of memory");
			b->m = nm2;
			cap = nc;
		}
		memcpy(b->m[b->n].name, name, sizeof(name));
		b->m[b->n].off = data;
		b->m[b->n].size = size;
		b->n++;
		off = end + (512 - end % 512) % 512;
	}
	if (check_sums(b))
		return CLI_FAIL;
	const struct cli_bundle_member *man = cli_bundle_find(b, "manifest.json");
	static const char unstable[] = "\"stable\": false";
	struct mtd_reader mr;
	size_t at;
	if (man && cli_bundle_window(b, man, &mr) && mtd_rd_find(&mr, 0, unstable, strlen(unstable), &at))
		cli_warn(
		    "%s: collect read a partition differently twice (manifest.json \"stable\": false): that dump is "
		    "not to be trusted",
		    path);
	return CLI_OK;
}

static int write_member(const struct cli_bundle *b, const struct cli_bundle_member *m, const char *path)
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
	for (size_t i = 0; i < b->n; i++) {
		const char *rel = b->m[i].name + 8;
		char p[4200];
		snprintf(p, sizeof(p), "%s/%s", b->tmpdir, rel);
		if (make_dirs(b, rel) || write_member(b, &b->m[i], p))
			return CLI_FAIL;
	}
	snprintf(dir, dirlen, "%s", b->tmpdir);
	return CLI_OK;
}

void cli_bundle_close(struct cli_bundle *b)
{
	if (b->tmpdir[0]) {
		char p[4200];
		for (size_t i = 0; i < b->n; i++) {
			snprintf(p, sizeof(p), "%s/%s", b->tmpdir, b->m[i].name + 8);
			unlink(p);
		}
		/* the directories, deepest first: each member's parents (a removal that fails is one not empty) */
		for (int pass = 0; pass < 8; pass++)
			for (size_t i = 0; i < b->n; i++) {
				const char *rel = b->m[i].name + 8, *q = strrchr(rel, '/');
				if (q) {
					snprintf(p, sizeof(p), "%s/%.*s", b->tmpdir, (int)(q - rel), rel);
					rmdir(p);
				}
			}
		rmdir(b->tmpdir);
		b->tmpdir[0] = 0;
	}
	free(b->m);
	b->m = NULL;
	b->n = 0;
	if (b->opened)
		mtd_source_close(&b->src);
	b->opened = false;
}
