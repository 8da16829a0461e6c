/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "format.h"

/*
 * Flattened device tree (devicetree-specification, chapter 5): a 40-byte
 * big-endian header, then the memory reservation map, the structure block
 * and the strings block, all inside totalsize, which is the exact extent.
 * The header is read through the bounded reader; a copy of the blob is then
 * handed to libfdt only after fdt_check_full() has walked it within totalsize.  A
 * device tree has no checksum: valid means the structure held.
 *
 * FIT images (fmt_fit.c) are device trees too and come first in the
 * registry; this probe takes every tree that is not a FIT.
 */

#define FDT_HDR_SIZE 40u
/* Trees are copied for libfdt (aligned, and never the input itself); larger ones are not checked. */
#define FDT_COPY_MAX (64ull << 20)

/* Shared with fmt_fit.c (declared there too). */
int mtd_fdt_load(const struct mtd_probe *p, uint64_t *totalsize, const void **blob, void **copy, char *why,
                 size_t whylen);
bool mtd_fdt_prop_str(const void *blob, int node, const char *name, char *out, size_t outlen);
bool mtd_fdt_prop_u64(const void *blob, int node, const char *name, uint64_t *out);

/*
 * Check the header at the probe start and walk the tree with libfdt.
 * Returns MTD_ERR_NO_MATCH when the header is not a device tree header,
 * MTD_ERR_TRUNCATED when totalsize runs past the space, another error with
 * `why` filled when the tree is damaged or too large to check, and MTD_OK
 * with *blob pointing at an 8-byte aligned tree (free *copy afterwards).
 */
int mtd_fdt_load(const struct mtd_probe *p, uint64_t *totalsize, const void **blob, void **copy, char *why,
                 size_t whylen)
{
	struct mtd_reader r;
	uint32_t magic, total, off_struct, off_strings, off_rsv, version, last_comp, cpu, sz_strings, sz_struct;
	*blob = NULL;
	*copy = NULL;
	mtd_probe_reader(p, &r);
	if (!mtd_rd_u32be(&r, &magic) || magic != 0xd00dfeedu || !mtd_rd_u32be(&r, &total) ||
	    !mtd_rd_u32be(&r, &off_struct) || !mtd_rd_u32be(&r, &off_strings) || !mtd_rd_u32be(&r, &off_rsv) ||
	    !mtd_rd_u32be(&r, &version) || !mtd_rd_u32be(&r, &last_comp) || !mtd_rd_u32be(&r, &cpu) ||
	    !mtd_rd_u32be(&r, &sz_strings) || !mtd_rd_u32be(&r, &sz_struct))
		return MTD_ERR_NO_MATCH;
	(void)cpu;
	/* Versions 16 and 17 are what every tool of the last fifteen years writes. */
	if (version < 16 || version > 17 || last_comp > 17 || total < FDT_HDR_SIZE)
		return MTD_ERR_NO_MATCH;
	if (off_rsv < FDT_HDR_SIZE || off_rsv > total || off_struct < FDT_HDR_SIZE ||
	    !mtd_range_ok(off_struct, sz_struct, total) || off_strings < FDT_HDR_SIZE ||
	    !mtd_range_ok(off_strings, sz_strings, total))
		return MTD_ERR_NO_MATCH;
	*totalsize = total;
	uint64_t avail = p->len - p->off;
	if (total > avail) {
		snprintf(why, whylen, "truncated: totalsize 0x%x but only 0x%llx bytes remain", total,
		         (unsigned long long)avail);
		return MTD_ERR_TRUNCATED;
	}
	/* libfdt gets its own aligned copy of the tree, read through the reader */
	if (total > FDT_COPY_MAX) {
		snprintf(why, whylen, "not checked: tree larger than 64 MiB");
		return MTD_ERR_LIMIT;
	}
	uint8_t *c = malloc(total);
	if (!c) {
		snprintf(why, whylen, "not checked: out of memory");
		return MTD_ERR_NOMEM;
	}
	mtd_rd_copy_at(&r, 0, c, total); /* total <= avail: inside r */
	*copy = c;
	*blob = c;
	int rc = fdt_check_full(*blob, total);
	if (rc) {
		snprintf(why, whylen, "structure does not hold: %s", fdt_strerror(rc));
		free(*copy);
		*copy = NULL;
		*blob = NULL;
		return MTD_ERR_FORMAT;
	}
	return MTD_OK;
}

/* A string property made printable (non-printing bytes become '?'). */
bool mtd_fdt_prop_str(const void *blob, int node, const char *name, char *out, size_t outlen)
{
	int len;
	const char *v = fdt_getprop(blob, node, name, &len);
	if (!v || len <= 0 || outlen == 0)
		return false;
	size_t n = 0;
	for (int i = 0; i < len && v[i] && n + 1 < outlen; i++)
		out[n++] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
	out[n] = 0;
	return true;
}

/* A 32- or 64-bit big-endian cell property. */
bool mtd_fdt_prop_u64(const void *blob, int node, const char *name, uint64_t *out)
{
	int len;
	const uint8_t *v = fdt_getprop(blob, node, name, &len);
	if (!v)
		return false;
	if (len == 4)
		*out = mtd_be32(v);
	else if (len == 8)
		*out = mtd_be64(v);
	else
		return false;
	return true;
}

static int probe(struct mtd_probe *p)
{
	uint64_t total;
	const void *blob;
	void *copy;
	char why[160];
	int rc = mtd_fdt_load(p, &total, &blob, &copy, why, sizeof(why));
	if (rc == MTD_ERR_NO_MATCH)
		return rc;
	p->valid = true;
	p->size = rc == MTD_ERR_TRUNCATED ? p->len - p->off : total;
	if (rc) {
		mtd_probe_problem(p, "%s", why);
		p->valid = false;
		return MTD_OK;
	}
	char s[256];
	if (mtd_fdt_prop_str(blob, 0, "model", s, sizeof(s)))
		mtd_probe_str(p, "model", true, "%s", s);
	int len;
	const char *compat = fdt_getprop(blob, 0, "compatible", &len);
	for (int i = 0, n = 0; compat && i < len && n < 8; n++) {
		size_t k = strnlen(compat + i, (size_t)(len - i));
		if (k)
			mtd_probe_list_add(p, "compatible", true, "%.*s", (int)k, compat + i);
		i += (int)k + 1;
	}
	int nodes = 0;
	for (int node = 0; node >= 0; node = fdt_next_node(blob, node, NULL))
		nodes++;
	mtd_probe_u64(p, "nodes", false, (uint64_t)nodes);
	mtd_probe_u64(p, "totalsize", false, total);
	mtd_probe_u64(p, "version", false, (uint64_t)fdt_version(blob));
	free(copy);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_dtb = {
    .name = "dtb",
    .magics = {{"\xd0\x0d\xfe\xed", 4, 0}},
    .probe = probe,
};
