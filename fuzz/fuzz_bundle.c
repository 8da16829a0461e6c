/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the reader of collect's bundles (include/mtdscope/bundle.h): the ustar
 * walk, the SHA256SUMS check and the manifest's JSON.  Invariants: a refusal says why (an error
 * code and a message naming the input), an accepted bundle's members lie inside the input in
 * order without overlapping, each is found by its name, every dump the manifest names is a
 * member, the manifest is one JSON document for mtd_json_doc_keys() too, and judging every dump
 * neither fails nor leaves its sentence empty.  The libFuzzer
 * build fixes the tar header checksums and the SHA256SUMS lines of 7 mutants of 8 (fixup.h), so
 * mutants reach the manifest.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mtdscope/bundle.h>
#include <mtdscope/util.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "fixup.h"

#ifdef FUZZ_LIBFUZZER
static const char *fuzz_fixup_format(uint8_t **data, size_t *size)
{
	(void)data, (void)size;
	return "bundle";
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mtd_reader r;
	struct mtd_bundle b;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	mtd_rd_init(&r, data, size, 0);
	bool detected = mtd_bundle_detect(&r);
	if (mtd_bundle_open(&b, "fuzz", &r, &d) != 0) {
		if (d.err == 0 || d.msg[0] == 0 || strcmp(d.file, "fuzz"))
			__builtin_trap(); /* a refusal always says why, naming the input */
		if (b.m || b.n)
			__builtin_trap(); /* released */
		return 0;
	}
	if (!detected)
		__builtin_trap();
	uint64_t end = 0;
	for (size_t i = 0; i < b.n; i++) {
		const struct mtd_bundle_member *m = &b.m[i];
		struct mtd_reader mr;
		if (m->off < end || m->off % 512 || m->size > size || m->off > size - m->size)
			__builtin_trap();
		end = m->off + m->size;
		if (!mtd_bundle_member_reader(&b, m, &mr) || mtd_rd_left(&mr) != m->size)
			__builtin_trap();
		if (strncmp(m->name, "collect/", 8) || mtd_bundle_find(&b, m->name + 8) != m)
			__builtin_trap();
	}
	const struct mtd_bundle_member *man = mtd_bundle_find(&b, "manifest.json");
	if (!mtd_bundle_find(&b, "SHA256SUMS") || !man || b.nmtd > MTD_BUNDLE_MAX_MTD)
		__builtin_trap();
	/* the manifest the bundle reader accepted is one JSON document with "schema" among its keys */
	struct mtd_reader mr;
	struct mtd_json_key keys[16];
	size_t nk = 0;
	bool schema = false;
	if (!mtd_bundle_member_reader(&b, man, &mr) || mtd_json_doc_keys(&mr, keys, 16, &nk, NULL))
		__builtin_trap();
	for (size_t i = 0; i < nk; i++)
		schema |= !strcmp(keys[i].name, "schema");
	if (!schema && nk < 16)
		__builtin_trap();
	for (size_t i = 0; i < b.nmtd; i++) {
		const struct mtd_bundle_mtd *e = &b.mtd[i];
		char why[400] = "";
		if (e->dump[0] && (!mtd_bundle_find(&b, e->dump) || mtd_bundle_dump(&b, e->dump) != e))
			__builtin_trap();
		if (!mtd_bundle_dump_ok(&b, e, why, sizeof(why)) && !why[0])
			__builtin_trap();
	}
	mtd_bundle_release(&b);
	return 0;
}
