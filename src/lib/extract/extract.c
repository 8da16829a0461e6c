/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../formats/format.h"
#include "outdir.h"

/*
 * The output tree mirrors the scan: every component gets a directory
 * `0x<offset>-<type>` inside its parent's, holding `carve.bin` (its bytes),
 * `decoded.bin` (a stream's decoded content) and `root/` (an unpacked
 * filesystem).  Uniform gaps (erased, zero) are listed in the manifest but
 * not carved.
 */

void mtd_extract_options_init(struct mtd_extract_options *o)
{
	memset(o, 0, sizeof(*o));
	mtd_extract_limits_init(&o->limits);
}

mtd_unpack_fn mtd_unpacker_for(const char *type)
{
	const struct mtd_format *f = mtd_format_find(type);
	return f ? f->unpack : NULL;
}

static bool is_uniform_gap(const char *t)
{
	return !strcmp(t, "erased") || !strcmp(t, "zero");
}

/* Write the bytes of `in` to DIR/NAME; release the input file's pages behind the write when they are its own. */
static int write_bytes(struct mtd_outdir *o, const struct mtd_scan_result *r, int64_t comp, const char *dir,
                       const char *name, const char *kind, const struct mtd_reader *in, bool release)
{
	struct mtd_reader rest = *in;
	int rc = mtd_outdir_file_begin(o, comp, dir, name, 0644, -1, kind);
	while (!rc && mtd_rd_left(&rest)) {
		size_t chunk = mtd_rd_left(&rest) > (4u << 20) ? (4u << 20) : mtd_rd_left(&rest);
		uint64_t at = mtd_rd_offset(&rest);
		const uint8_t *p = NULL;
		if (!mtd_rd_bytes(&rest, chunk, &p))
			break;
		rc = mtd_outdir_file_write(o, p, chunk);
		if (release && r->source)
			mtd_source_release_range(r->source, at, chunk);
	}
	int rc2 = mtd_outdir_file_end(o);
	return rc ? rc : rc2;
}

int mtd_extract(const struct mtd_scan_result *r, const char *dir, const struct mtd_extract_options *opt,
                struct mtd_extract_summary *sum, struct mtd_buf *manifest, struct mtd_diag *d)
{
	struct mtd_outdir *o = malloc(sizeof(*o));
	char **paths = mtd_alloc_array(r->ncomps ? r->ncomps : 1, sizeof(*paths));
	bool *wanted = mtd_alloc_array(r->ncomps ? r->ncomps : 1, sizeof(*wanted));
	int rc = 0;
	if (!o || !paths || !wanted) {
		free(o), free(paths), free(wanted);
		return mtd_diag_set(d, MTD_ERR_NOMEM, dir, "out of memory");
	}
	rc = mtd_outdir_open(o, dir, opt->list_only, &opt->limits, d);
	if (rc) {
		free(o), free(paths), free(wanted);
		return rc;
	}
	o->threads = opt->threads;
	struct mtd_json *j = &o->json;
	mtd_json_set_schema(j, opt->schema);
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "input", r->file);
	mtd_json_kv_u64(j, "size", r->size);
	mtd_json_key(j, "outputs");
	mtd_json_begin_array(j);
	o->entries_open = true;

	bool depth_noted = false;
	for (size_t i = 0; i < r->ncomps && !o->limit_hit; i++) {
		const struct mtd_component *c = r->comps[i];
		const char *parent = c->parent >= 0 ? paths[c->parent] : "";
		paths[i] = mtd_arena_printf(&o->arena, "%s%s0x%08llx-%s", parent, *parent ? "/" : "",
		                            (unsigned long long)c->offset, c->type);
		wanted[i] =
		    !opt->only_type || !strcmp(c->type, opt->only_type) || (c->parent >= 0 && wanted[c->parent]);
		if (!paths[i]) {
			rc = MTD_ERR_NOMEM;
			break;
		}
		if (!wanted[i])
			continue;
		if (c->depth > opt->limits.max_depth) {
			if (!depth_noted)
				mtd_outdir_refuse(o, c->id, paths[i],
				                  "nesting depth limit reached (raise with --depth)");
			depth_noted = true;
			continue;
		}
		if (is_uniform_gap(c->type))
			continue;
		/* the component's bytes: a reader whose offsets are those of its space */
		struct mtd_reader space, bytes, decoded;
		if (!mtd_scan_space_reader(r, c->space, &space) || c->offset > SIZE_MAX || c->size > SIZE_MAX ||
		    !mtd_rd_window(&space, (size_t)c->offset, (size_t)c->size, &bytes)) {
			mtd_outdir_refuse(o, c->id, paths[i], "component bytes not available");
			continue;
		}
		if (opt->progress)
			opt->progress(opt->progress_ctx, o->bytes, o->files);
		rc = write_bytes(o, r, c->id, paths[i], "carve.bin", "carve", &bytes, c->space < 0);
		if (!rc && c->decoded && mtd_scan_space_reader(r, c->id, &decoded))
			rc = write_bytes(o, r, c->id, paths[i], "decoded.bin", "decoded", &decoded, false);
		mtd_unpack_fn un = mtd_unpacker_for(c->type);
		if (!rc && un) {
			char *base = mtd_arena_printf(&o->arena, "%s/root", paths[i]);
			struct mtd_fs_sink sink = {.out = o, .base = base, .component = c->id};
			rc = base ? un(&bytes, &sink) : MTD_ERR_NOMEM;
			/* a damaged filesystem is reported and the other components still extracted */
			if (rc && rc != MTD_ERR_LIMIT && rc != MTD_ERR_NOMEM) {
				mtd_outdir_refuse(o, c->id, base, mtd_strerror(rc));
				rc = 0;
			}
		}
		if (rc == MTD_ERR_LIMIT)
			break;
	}
	mtd_outdir_finish(o);
	/* every component with what the scan found wrong (limits that tripped say which option raises them) */
	mtd_json_key(j, "components");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		mtd_json_begin_object(j);
		mtd_component_json_fields(c, j);
		mtd_json_key(j, "path");
		if (paths[i])
			mtd_json_string(j, paths[i]);
		else
			mtd_json_null(j);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_key(j, "refused");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < o->nrefusals; i++) {
		mtd_json_begin_object(j);
		mtd_json_kv_i64(j, "component", o->refusals[i].component);
		mtd_json_kv_str(j, "path", o->refusals[i].path);
		mtd_json_kv_str(j, "reason", o->refusals[i].reason);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_key(j, "limit");
	if (o->limit_hit)
		mtd_json_string(j, o->limit_reason);
	else
		mtd_json_null(j);
	mtd_json_key(j, "summary");
	mtd_json_begin_object(j);
	mtd_json_kv_u64(j, "bytes", o->bytes);
	mtd_json_kv_u64(j, "files", o->regular);
	mtd_json_kv_u64(j, "directories", o->dirs);
	mtd_json_kv_u64(j, "symlinks", o->symlinks);
	mtd_json_kv_u64(j, "hardlinks", o->hardlinks);
	mtd_json_kv_u64(j, "special", o->specials);
	mtd_json_kv_u64(j, "refused", o->refused);
	mtd_json_end_object(j);
	mtd_json_end_object(j);

	if (sum) {
		memset(sum, 0, sizeof(*sum));
		sum->bytes = o->bytes, sum->files = o->regular, sum->dirs = o->dirs, sum->symlinks = o->symlinks;
		sum->hardlinks = o->hardlinks, sum->specials = o->specials, sum->refused = o->refused;
		sum->limit_hit = o->limit_hit;
		snprintf(sum->limit_reason, sizeof(sum->limit_reason), "%s", o->limit_reason);
	}
	if (o->manifest.err && !rc)
		rc = mtd_diag_set(d, o->manifest.err, dir, "manifest too large");
	if (rc == MTD_ERR_LIMIT)
		rc = 0; /* reported in the summary; what was written is kept */
	if (!rc && !opt->list_only) {
		if (mtd_outdir_write_manifest(o))
			rc = mtd_diag_set(d, MTD_ERR_IO, dir, "cannot write manifest.json");
	} else if (rc && !d->err) {
		mtd_diag_set(d, rc, dir, "extraction failed: %s", mtd_strerror(rc));
	}
	if (!opt->list_only) {
		int rc2 = mtd_outdir_commit(o, rc == 0, d);
		if (!rc)
			rc = rc2;
	}
	if (manifest && !rc)
		mtd_outdir_copy_manifest(o, manifest);
	mtd_outdir_close(o);
	free(o);
	free(paths);
	free(wanted);
	return rc;
}
