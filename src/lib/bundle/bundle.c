/* SPDX-License-Identifier: MIT */
/*
 * Bundles written by collect (include/mtdscope/bundle.h, doc/collect.md): the ustar walk, the
 * SHA256SUMS check and a bounded JSON reader for the manifest's mtd[] entries.  Bytes are reached
 * only through struct mtd_reader (scripts/check-reader.sh checks this directory too): headers and
 * lines are copied out with mtd_rd_copy_at(), spans go whole to mtd_sha256_update().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/bundle.h>
#include <mtdscope/util.h>

#include "../core/json_read.h"

#define SUMS_LINE_MAX   300u
#define MANIFEST_MAX    (4u << 20)
#define JSON_DEPTH_MAX  8
#define JSON_STRING_MAX 4096u
#define JSON_NUMBER_MAX 24u

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

static bool header_sum_ok(const uint8_t h[512])
{
	uint64_t want, sum = 0;
	if (!tar_octal(h + 148, 8, &want))
		return false;
	for (size_t i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
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

bool mtd_bundle_detect(const struct mtd_reader *r)
{
	uint8_t h[512];
	struct mtd_reader rest;
	mtd_rd_rest(r, &rest);
	return mtd_rd_copy_at(&rest, 0, h, sizeof(h)) && !memcmp(h + 257, "ustar", 5) && !memcmp(h, "collect/", 8) &&
	       header_sum_ok(h);
}

const struct mtd_bundle_member *mtd_bundle_find(const struct mtd_bundle *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->m[i].name + 8, name))
			return &b->m[i];
	return NULL;
}

bool mtd_bundle_member_reader(const struct mtd_bundle *b, const struct mtd_bundle_member *m, struct mtd_reader *out)
{
	return mtd_rd_window(&b->all, (size_t)m->off, (size_t)m->size, out);
}

const struct mtd_bundle_mtd *mtd_bundle_dump(const struct mtd_bundle *b, const char *name)
{
	for (size_t i = 0; i < b->nmtd; i++)
		if (b->mtd[i].dump[0] && !strcmp(b->mtd[i].dump, name))
			return &b->mtd[i];
	return NULL;
}

void mtd_bundle_release(struct mtd_bundle *b)
{
	free(b->m);
	b->m = NULL;
	b->n = 0;
	b->nmtd = 0;
}

static int fail(struct mtd_bundle *b, struct mtd_diag *d, int err, uint64_t off, const char *what)
{
	mtd_diag_at(d, err, b->name, off, "%s", what);
	mtd_bundle_release(b);
	return err;
}

static bool member_sha256(const struct mtd_bundle *b, const struct mtd_bundle_member *m, char out[65])
{
	struct mtd_reader r;
	struct mtd_sha256 s;
	if (!mtd_bundle_member_reader(b, m, &r) || mtd_sha256_init(&s))
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

static bool is_hex64(const char *s)
{
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Every line of SHA256SUMS ("HEX  NAME") names a member whose SHA-256 is HEX; every member is named once. */
static int check_sums(struct mtd_bundle *b, struct mtd_diag *d)
{
	const struct mtd_bundle_member *sums = mtd_bundle_find(b, "SHA256SUMS");
	if (!sums)
		return fail(b, d, MTD_ERR_FORMAT, mtd_rd_left(&b->all),
		            "no collect/SHA256SUMS: not a whole collect bundle (cut short?)");
	struct mtd_reader r;
	if (!mtd_bundle_member_reader(b, sums, &r))
		return fail(b, d, MTD_ERR_FORMAT, sums->off, "collect/SHA256SUMS lies outside the file");
	bool *seen = calloc(b->n, sizeof(*seen));
	if (!seen)
		return fail(b, d, MTD_ERR_NOMEM, 0, "out of memory");
	char what[300];
	int rc = 0;
	size_t at = 0, nl;
	while (!rc && at < sums->size) {
		size_t len = mtd_rd_find(&r, at, "\n", 1, &nl) ? nl - at : (size_t)sums->size - at;
		uint64_t off = sums->off + at;
		char line[SUMS_LINE_MAX + 1];
		if (len == 0) {
			at += 1;
			continue;
		}
		if (len > SUMS_LINE_MAX || len < 67 || !mtd_rd_copy_at(&r, at, line, len)) {
			rc = fail(b, d, MTD_ERR_FORMAT, off, "collect/SHA256SUMS: expected 'SHA256  NAME' lines");
			break;
		}
		line[len] = 0;
		at += len + 1;
		if (line[64] != ' ' || line[65] != ' ' || !is_hex64(line) || strlen(line) != len) {
			rc = fail(b, d, MTD_ERR_FORMAT, off, "collect/SHA256SUMS: expected 'SHA256  NAME' lines");
			break;
		}
		const struct mtd_bundle_member *m = mtd_bundle_find(b, line + 66);
		char got[65];
		if (!m) {
			snprintf(what, sizeof(what),
			         "collect/SHA256SUMS names collect/%.120s, which the bundle does not hold", line + 66);
			rc = fail(b, d, MTD_ERR_FORMAT, off, what);
		} else if (m == sums || seen[m - b->m]) {
			snprintf(what, sizeof(what), "collect/SHA256SUMS names collect/%.120s twice (or itself)",
			         line + 66);
			rc = fail(b, d, MTD_ERR_FORMAT, off, what);
		} else if (!member_sha256(b, m, got) || memcmp(got, line, 64)) {
			snprintf(what, sizeof(what),
			         "collect/%.120s: its SHA-256 is not the one SHA256SUMS gives (damaged)", line + 66);
			rc = fail(b, d, MTD_ERR_CHECKSUM, m->off, what);
		} else {
			seen[m - b->m] = true;
		}
	}
	for (size_t i = 0; !rc && i < b->n; i++)
		if (!seen[i] && &b->m[i] != sums) {
			snprintf(what, sizeof(what), "%s is not in collect/SHA256SUMS", b->m[i].name);
			rc = fail(b, d, MTD_ERR_FORMAT, b->m[i].off, what);
		}
	free(seen);
	return rc;
}

static bool js_sha(struct mtd_js *j, char out[65])
{
	if (!mtd_js_string(j, out, 65))
		return false;
	return (strlen(out) == 64 && is_hex64(out)) || mtd_js_fail(j, "expected a SHA-256 of 64 lowercase hex digits");
}

static bool mtd_entry_member(struct mtd_js *j, void *ctx, const char *key, bool *taken)
{
	struct mtd_bundle_mtd *e = ctx;
	uint64_t v;
	bool st;
	*taken = true;
	if (!strcmp(key, "index")) {
		if (!mtd_js_u64(j, &v))
			return false;
		if (v > 1000000)
			return mtd_js_fail(j, "an MTD index above 1000000");
		e->index = (unsigned)v;
		return true;
	}
	if (!strcmp(key, "name"))
		return mtd_js_string(j, e->name, sizeof(e->name));
	if (!strcmp(key, "size"))
		return mtd_js_u64(j, &e->size);
	if (!strcmp(key, "erasesize"))
		return mtd_js_u64(j, &e->erasesize);
	if (!strcmp(key, "dump"))
		return mtd_js_string(j, e->dump, sizeof(e->dump));
	if (!strcmp(key, "sha256"))
		return js_sha(j, e->sha256);
	if (!strcmp(key, "sha256_second"))
		return js_sha(j, e->sha256_second);
	if (!strcmp(key, "bytes_read")) {
		e->has_bytes_read = true;
		return mtd_js_u64(j, &e->bytes_read);
	}
	if (!strcmp(key, "read_errors"))
		return mtd_js_u64(j, &e->read_errors);
	if (!strcmp(key, "first_error"))
		return mtd_js_u64(j, &e->first_error);
	if (!strcmp(key, "stable")) {
		if (!mtd_js_bool(j, &st))
			return false;
		e->stable = st;
		return true;
	}
	*taken = false;
	return true;
}

struct manifest_ctx {
	struct mtd_bundle *b;
	bool schema_ok, have_mtd;
};

static bool mtd_array(struct mtd_js *j, struct mtd_bundle *b)
{
	mtd_js_ws(j);
	if (mtd_js_peek(j) != '[')
		return mtd_js_fail(j, "expected \"mtd\" to be an array");
	j->at++;
	mtd_js_ws(j);
	if (mtd_js_peek(j) == ']') {
		j->at++;
		return true;
	}
	for (;;) {
		if (b->nmtd == MTD_BUNDLE_MAX_MTD)
			return mtd_js_fail(j, "more than 64 MTD devices in \"mtd\"");
		struct mtd_bundle_mtd *e = &b->mtd[b->nmtd];
		memset(e, 0, sizeof(*e));
		e->stable = -1;
		if (!mtd_js_object(j, 2, mtd_entry_member, e))
			return false;
		b->nmtd++;
		mtd_js_ws(j);
		int c = mtd_js_peek(j);
		j->at++;
		if (c == ']')
			return true;
		if (c != ',')
			return mtd_js_fail(j, "expected ',' or ']'");
	}
}

static bool manifest_member(struct mtd_js *j, void *ctx, const char *key, bool *taken)
{
	struct manifest_ctx *m = ctx;
	*taken = true;
	if (!strcmp(key, "schema")) {
		char s[64];
		if (!mtd_js_string(j, s, sizeof(s)))
			return false;
		m->schema_ok = !strcmp(s, "mtdscope.collect-manifest/1");
		return m->schema_ok || mtd_js_fail(j, "expected \"schema\": \"mtdscope.collect-manifest/1\"");
	}
	if (!strcmp(key, "twice"))
		return mtd_js_bool(j, &m->b->twice);
	if (!strcmp(key, "mtd")) {
		if (m->have_mtd)
			return mtd_js_fail(j, "\"mtd\" given twice");
		m->have_mtd = true;
		return mtd_array(j, m->b);
	}
	*taken = false;
	return true;
}

static int read_manifest(struct mtd_bundle *b, struct mtd_diag *d)
{
	const struct mtd_bundle_member *man = mtd_bundle_find(b, "manifest.json");
	char what[300];
	if (!man)
		return fail(b, d, MTD_ERR_FORMAT, mtd_rd_left(&b->all),
		            "no collect/manifest.json: not a collect bundle");
	if (man->size > MANIFEST_MAX)
		return fail(b, d, MTD_ERR_LIMIT, man->off, "collect/manifest.json is larger than 4 MiB");
	struct mtd_reader r;
	if (!mtd_bundle_member_reader(b, man, &r))
		return fail(b, d, MTD_ERR_FORMAT, man->off, "collect/manifest.json lies outside the file");
	struct mtd_js j = {.r = &r, .len = (size_t)man->size};
	struct manifest_ctx c = {.b = b};
	bool ok = mtd_js_object(&j, 0, manifest_member, &c);
	if (ok) {
		mtd_js_ws(&j);
		if (j.at != j.len)
			ok = mtd_js_fail(&j, "expected the end of manifest.json after its object");
	}
	if (ok && !c.schema_ok) {
		j.at = 0;
		ok = mtd_js_fail(&j, "expected \"schema\": \"mtdscope.collect-manifest/1\"");
	}
	if (!ok) {
		snprintf(what, sizeof(what), "collect/manifest.json: %s", j.err ? j.err : "expected JSON");
		return fail(b, d, MTD_ERR_FORMAT, man->off + j.err_at, what);
	}
	for (size_t i = 0; i < b->nmtd; i++) {
		const struct mtd_bundle_mtd *e = &b->mtd[i];
		if (!e->dump[0])
			continue;
		const struct mtd_bundle_member *m = mtd_bundle_find(b, e->dump);
		if (!m) {
			snprintf(what, sizeof(what),
			         "collect/manifest.json: mtd%u's dump collect/%s is not in the bundle", e->index,
			         e->dump);
			return fail(b, d, MTD_ERR_FORMAT, man->off, what);
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(b->mtd[k].dump, e->dump)) {
				snprintf(what, sizeof(what),
				         "collect/manifest.json: collect/%s is the dump of two MTD devices", e->dump);
				return fail(b, d, MTD_ERR_FORMAT, man->off, what);
			}
	}
	return 0;
}

int mtd_bundle_open(struct mtd_bundle *b, const char *name, const struct mtd_reader *r, struct mtd_diag *d)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name ? name : "bundle");
	mtd_rd_rest(r, &b->all);
	if (!mtd_bundle_detect(&b->all))
		return fail(b, d, MTD_ERR_FORMAT, 0, "expected a ustar header naming collect/...");
	size_t cap = 0;
	uint64_t off = 0, total = mtd_rd_left(&b->all);
	for (;;) {
		uint8_t h[512];
		if (!mtd_rd_copy_at(&b->all, (size_t)off, h, sizeof(h)))
			return fail(b, d, MTD_ERR_FORMAT, off,
			            "expected a tar header or the two zero blocks that end the bundle (cut short?)");
		if (mtd_rd_uniform_at(&b->all, (size_t)off, 512, 0))
			break;
		uint64_t size;
		if (memcmp(h + 257, "ustar", 5) || !header_sum_ok(h))
			return fail(b, d, MTD_ERR_CHECKSUM, off, "expected a ustar header with a valid checksum");
		if (!tar_octal(h + 124, 12, &size))
			return fail(b, d, MTD_ERR_FORMAT, off, "expected an octal size in the tar header");
		char mname[101];
		memcpy(mname, h, 100);
		mname[100] = 0;
		if (h[345] || !name_ok(mname) || (h[156] != '0' && h[156] != 0))
			return fail(b, d, MTD_ERR_FORMAT, off,
			            "expected a regular file named collect/... ([A-Za-z0-9._-/], no '..')");
		uint64_t data = off + 512, end;
		if (!mtd_add_ov(data, size, &end) || end > total)
			return fail(b, d, MTD_ERR_FORMAT, off, "the member runs past the end of the file (cut short?)");
		for (size_t i = 0; i < b->n; i++)
			if (!strcmp(b->m[i].name, mname))
				return fail(b, d, MTD_ERR_FORMAT, off, "a member name given twice");
		if (b->n == MTD_BUNDLE_MAX_MEMBERS)
			return fail(b, d, MTD_ERR_LIMIT, off,
			            "more than 4096 members: more than a collect bundle holds");
		if (b->n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct mtd_bundle_member *nm = realloc(b->m, nc * sizeof(*nm));
			if (!nm)
				return fail(b, d, MTD_ERR_NOMEM, off, "out of memory");
			b->m = nm;
			cap = nc;
		}
		memcpy(b->m[b->n].name, mname, sizeof(mname));
		b->m[b->n].off = data;
		b->m[b->n].size = size;
		b->n++;
		off = end + (512 - end % 512) % 512;
	}
	int rc = check_sums(b, d);
	if (rc)
		return rc;
	return read_manifest(b, d);
}

static const char *short_sha(const char *s, char out[17])
{
	snprintf(out, 17, "%.16s", s);
	return out;
}

bool mtd_bundle_dump_ok(const struct mtd_bundle *b, const struct mtd_bundle_mtd *e, char *why, size_t size)
{
	const struct mtd_bundle_member *m = e->dump[0] ? mtd_bundle_find(b, e->dump) : NULL;
	char h1[17], h2[17], got[65];
	if (!m)
		snprintf(why, size, "mtd%u '%s': no dump in the bundle", e->index, e->name);
	else if (e->stable == 0 || (e->sha256[0] && e->sha256_second[0] && strcmp(e->sha256, e->sha256_second)))
		snprintf(why, size,
		         "%s: the two reads differ (SHA-256 %s... then %s...): the flash does not read the same twice, "
		         "its content is not to be trusted",
		         m->name, short_sha(e->sha256, h1), short_sha(e->sha256_second, h2));
	else if (m->size != e->size)
		snprintf(why, size, "%s: %llu bytes, but the device mtd%u '%s' is %llu bytes: truncated", m->name,
		         (unsigned long long)m->size, e->index, e->name, (unsigned long long)e->size);
	else if (e->has_bytes_read && e->bytes_read < e->size)
		snprintf(why, size,
		         "%s: the device ended after %llu of %llu bytes (the rest is collect's 0xff filler): truncated",
		         m->name, (unsigned long long)e->bytes_read, (unsigned long long)e->size);
	else if (e->read_errors)
		snprintf(why, size, "%s: %llu chunks failed to read (the first at 0x%llx; filled with 0xff)", m->name,
		         (unsigned long long)e->read_errors, (unsigned long long)e->first_error);
	else if (e->sha256[0] && (!member_sha256(b, m, got) || strcmp(got, e->sha256)))
		snprintf(why, size, "%s: its SHA-256 is not the one manifest.json gives for mtd%u", m->name, e->index);
	else
		return true;
	return false;
}
