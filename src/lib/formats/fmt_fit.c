/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libfdt.h>
#include <openssl/evp.h>

#include "format.h"

/*
 * U-Boot Flattened Image Tree (doc/usage/fit in U-Boot): a device tree with
 * an /images node whose subnodes hold the payloads, either inside the tree
 * (a `data` property) or after it (`mkimage -E`: `data-offset` counted from
 * the tree's totalsize rounded up to 4, or `data-position` counted from the
 * start of the FIT, with `data-size`).  Each image may carry hash nodes
 * (`algo` + `value`); every one is verified (crc32 here, the others through
 * libcrypto's EVP).  The extent is the tree plus the external data that
 * follows it.  Each image becomes a `fit-image` child whose data is scanned
 * in turn.  External data that overlaps the tree or an earlier image is
 * reported and not scanned, so hostile offsets cannot loop or multiply.
 */

#define FIT_MAX_IMAGES 64
#define FIT_MAX_HASHES 8

/* Defined in fmt_dtb.c. */
int mtd_fdt_load(const struct mtd_probe *p, uint64_t *totalsize, const void **blob, void **copy, char *why,
                 size_t whylen);
bool mtd_fdt_prop_str(const void *blob, int node, const char *name, char *out, size_t outlen);
bool mtd_fdt_prop_u64(const void *blob, int node, const char *name, uint64_t *out);

struct fit_image {
	char name[64];
	int node;
	bool external, placed;
	uint64_t off, size; /* absolute in the space */
};

/* Verify one hash node; returns 1 match, 0 mismatch, -1 not checkable. */
static int check_hash(const char *algo, const uint8_t *value, int vlen, const struct mtd_reader *data, char *got,
                      size_t gotlen)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	size_t size = mtd_rd_left(data);
	const uint8_t *bytes = NULL;
	if (!mtd_rd_bytes_at(data, 0, size, &bytes))
		return -1;
	if (!strcmp(algo, "crc32")) {
		uint32_t c = mtd_crc32(0, bytes, size);
		md[0] = (uint8_t)(c >> 24), md[1] = (uint8_t)(c >> 16), md[2] = (uint8_t)(c >> 8), md[3] = (uint8_t)c;
		mdlen = 4;
	} else {
		const EVP_MD *t = EVP_get_digestbyname(algo);
		if (!t || EVP_Digest(bytes, size, md, &mdlen, t, NULL) != 1)
			return -1;
	}
	size_t n = 0;
	for (unsigned i = 0; i < mdlen && n + 3 <= gotlen; i++)
		n += (size_t)snprintf(got + n, gotlen - n, "%02x", md[i]);
	return vlen == (int)mdlen && memcmp(value, md, mdlen) == 0;
}

/* Find where an image's data lies; false (with a problem) when it cannot be placed. */
static bool place_image(struct mtd_probe *p, const void *blob, uint64_t total, struct fit_image *im)
{
	int len;
	const uint8_t *d = fdt_getprop(blob, im->node, "data", &len);
	if (d) {
		im->off = p->off + (uint64_t)(d - (const uint8_t *)blob);
		im->size = (uint64_t)len;
		return true;
	}
	uint64_t size, pos, rel;
	if (!mtd_fdt_prop_u64(blob, im->node, "data-size", &size)) {
		mtd_probe_problem(p, "image '%s' has neither data nor data-size", im->name);
		return false;
	}
	im->external = true;
	bool ok;
	if (mtd_fdt_prop_u64(blob, im->node, "data-position", &pos)) {
		ok = mtd_add_ov(p->off, pos, &im->off);
	} else if (mtd_fdt_prop_u64(blob, im->node, "data-offset", &rel)) {
		ok = mtd_add_ov(p->off + ((total + 3) & ~3ull), rel, &im->off);
	} else {
		mtd_probe_problem(p, "image '%s' has data-size but no data-offset or data-position", im->name);
		return false;
	}
	uint64_t end;
	if (!ok || !mtd_add_ov(im->off, size, &end)) {
		mtd_probe_problem(p, "image '%s' data position plus size overflows", im->name);
		return false;
	}
	im->size = size;
	if (im->off < p->off + total && end > p->off) {
		mtd_probe_problem(p, "image '%s' external data overlaps the tree itself", im->name);
		return false;
	}
	return true;
}

static void describe_image(struct mtd_probe *c, const void *blob, int node)
{
	static const char *const keys[][2] = {{"description", "description"},
	                                      {"type", "image_type"},
	                                      {"arch", "arch"},
	                                      {"os", "os"},
	                                      {"compression", "compression"}};
	char s[256];
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (mtd_fdt_prop_str(blob, node, keys[k][0], s, sizeof(s)))
			mtd_probe_str(c, keys[k][1], k == 1 || k == 4, "%s", s);
	uint64_t v;
	if (mtd_fdt_prop_u64(blob, node, "load", &v))
		mtd_probe_hex(c, "load", true, v);
	if (mtd_fdt_prop_u64(blob, node, "entry", &v))
		mtd_probe_hex(c, "entry", false, v);
}

/* Check every hash node of an image; returns false when one did not match. */
static bool check_hashes(struct mtd_probe *c, const void *blob, int node, const struct mtd_reader *data)
{
	bool ok = true;
	int nh = 0, sub;
	fdt_for_each_subnode(sub, blob, node)
	{
		const char *nm = fdt_get_name(blob, sub, NULL);
		char algo[32];
		if (!nm)
			continue;
		if (!strncmp(nm, "signature", 9)) {
			if (mtd_fdt_prop_str(blob, sub, "algo", algo, sizeof(algo)))
				mtd_probe_list_add(c, "signatures", false, "%s (not verified)", algo);
			continue;
		}
		if (strncmp(nm, "hash", 4) || ++nh > FIT_MAX_HASHES)
			continue;
		int vlen;
		const uint8_t *value = fdt_getprop(blob, sub, "value", &vlen);
		if (!mtd_fdt_prop_str(blob, sub, "algo", algo, sizeof(algo)) || !value) {
			mtd_probe_problem(c, "hash node '%s' lacks algo or value", nm);
			ok = false;
			continue;
		}
		char got[2 * EVP_MAX_MD_SIZE + 1] = "";
		int r = check_hash(algo, value, vlen, data, got, sizeof(got));
		if (r < 0) {
			mtd_probe_list_add(c, "hashes", true, "%s:unchecked", algo);
			continue;
		}
		mtd_probe_list_add(c, "hashes", true, "%s:%s", algo, r ? "ok" : "BAD");
		mtd_probe_str(c, algo, false, "%s", got);
		if (!r) {
			mtd_probe_problem(c, "%s hash of the data does not match node '%s'", algo, nm);
			ok = false;
		}
	}
	if (!nh)
		mtd_probe_list_add(c, "hashes", false, "none");
	return ok;
}

/* List the configurations; every image a configuration names must exist. */
static void check_configurations(struct mtd_probe *p, const void *blob, int images)
{
	static const char *const refs[] = {"kernel", "fdt", "ramdisk", "firmware", "loadables"};
	int confs = fdt_path_offset(blob, "/configurations"), sub, n = 0;
	if (confs < 0)
		return;
	char s[256];
	if (mtd_fdt_prop_str(blob, confs, "default", s, sizeof(s))) {
		mtd_probe_str(p, "default_config", false, "%s", s);
		if (fdt_subnode_offset(blob, confs, s) < 0) {
			mtd_probe_problem(p, "default configuration '%s' does not exist", s);
			p->valid = false;
		}
	}
	fdt_for_each_subnode(sub, blob, confs)
	{
		const char *nm = fdt_get_name(blob, sub, NULL);
		if (!nm || ++n > FIT_MAX_IMAGES)
			break;
		char desc[128] = "";
		mtd_fdt_prop_str(blob, sub, "description", desc, sizeof(desc));
		mtd_probe_list_add(p, "configurations", false, "%s%s%s", nm, *desc ? ": " : "", desc);
		for (size_t r = 0; r < sizeof(refs) / sizeof(refs[0]); r++) {
			int len;
			const char *v = fdt_getprop(blob, sub, refs[r], &len);
			for (int i = 0, k = 0; v && i < len && k < FIT_MAX_IMAGES; k++) {
				size_t l = strnlen(v + i, (size_t)(len - i));
				if (l && fdt_subnode_offset_namelen(blob, images, v + i, (int)l) < 0) {
					mtd_probe_problem(
					    p, "configuration '%s' names %s image '%.*s' that does not exist", nm,
					    refs[r], (int)(l > 64 ? 64 : l), v + i);
					p->valid = false;
				}
				i += (int)l + 1;
			}
		}
	}
}

/*
 * A tree cut short (totalsize past the end of its space): libfdt cannot take
 * it, but the structure block up to the cut still names its nodes (names are
 * inline, only property names live in the strings block after it).  The
 * tokens are walked through the reader up to the cut; a node "images" right
 * under the root is a FIT's, and the images under it are listed.  Returns
 * whether the walk found it; any token that does not parse ends the walk.
 */
#define FIT_TOK_BEGIN    1u
#define FIT_TOK_END_NODE 2u
#define FIT_TOK_PROP     3u
#define FIT_TOK_NOP      4u

#define FIT_WALK_MAX 100000u /* tokens walked at most */

static bool cut_tree_is_fit(struct mtd_probe *p, size_t *images_found)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	size_t avail = mtd_rd_left(&r);
	uint32_t off_struct = mtd_rd_be32_at(&r, 8), sz_struct = mtd_rd_be32_at(&r, 36);
	uint32_t version = mtd_rd_be32_at(&r, 20);
	size_t end = avail, pos = off_struct;
	if (version >= 17 && (uint64_t)off_struct + sz_struct < end)
		end = (size_t)off_struct + sz_struct;
	int depth = -1;
	bool in_images = false, fit = false;
	size_t n = 0;
	for (unsigned steps = 0; steps < FIT_WALK_MAX && pos + 4 <= end; steps++) {
		uint32_t tag = mtd_rd_be32_at(&r, pos);
		pos += 4;
		if (tag == FIT_TOK_BEGIN) {
			char nm[256];
			size_t left = end - pos, len = left < sizeof(nm) ? left : sizeof(nm), l = 0;
			while (l < len && (nm[l] = (char)mtd_rd_u8_at(&r, pos + l)) != 0)
				l++;
			if (l == len)
				break; /* the name runs into the cut (or is absurdly long) */
			depth++;
			if (depth == 0 && l != 0)
				break; /* the root node has an empty name */
			if (depth == 1 && l == 6 && !memcmp(nm, "images", 6)) {
				in_images = fit = true;
			} else if (depth == 2 && in_images && n < FIT_MAX_IMAGES) {
				n++;
				mtd_probe_list_add(p, "images", true, "%.*s", (int)(l > 63 ? 63 : l), nm);
			}
			pos += (l + 1 + 3) & ~(size_t)3;
		} else if (tag == FIT_TOK_END_NODE) {
			if (depth < 0)
				break;
			if (depth == 1)
				in_images = false;
			depth--;
		} else if (tag == FIT_TOK_PROP) {
			if (pos + 8 > end || depth < 0)
				break;
			uint32_t len = mtd_rd_be32_at(&r, pos);
			pos += 8;
			if (len > end - pos)
				break; /* a property cut by the end: the walk stops there */
			pos += ((size_t)len + 3) & ~(size_t)3;
		} else if (tag == FIT_TOK_NOP) {
			continue;
		} else {
			break; /* FDT_END or a token that is not one */
		}
	}
	*images_found = n;
	return fit;
}

static int probe(struct mtd_probe *p)
{
	uint64_t total;
	const void *blob;
	void *copy;
	char why[160];
	/* A damaged tree is left to the dtb probe, which reports it; a cut one is a FIT if its /images says so. */
	int lrc = mtd_fdt_load(p, &total, &blob, &copy, why, sizeof(why));
	if (lrc == MTD_ERR_TRUNCATED) {
		size_t n = 0;
		if (!cut_tree_is_fit(p, &n))
			return MTD_ERR_NO_MATCH;
		p->valid = false;
		p->size = p->len - p->off;
		mtd_probe_u64(p, "tree_size", false, total);
		mtd_probe_problem(p, "%s (an /images node with %zu image%s before the cut)", why, n, n == 1 ? "" : "s");
		return MTD_OK;
	}
	if (lrc)
		return MTD_ERR_NO_MATCH;
	int images = fdt_path_offset(blob, "/images");
	if (images < 0) {
		free(copy);
		return MTD_ERR_NO_MATCH;
	}

	p->valid = true;
	char s[256];
	if (mtd_fdt_prop_str(blob, 0, "description", s, sizeof(s)))
		mtd_probe_str(p, "description", true, "%s", s);
	uint64_t ts;
	if (mtd_fdt_prop_u64(blob, 0, "timestamp", &ts) && ts) {
		time_t t = (time_t)ts;
		struct tm tm;
		char buf[32];
		if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
			mtd_probe_str(p, "created", false, "%s", buf);
	}
	mtd_probe_u64(p, "tree_size", false, total);

	struct fit_image *im = calloc(FIT_MAX_IMAGES, sizeof(*im));
	if (!im) {
		free(copy);
		return MTD_ERR_NOMEM;
	}
	size_t n = 0;
	int node;
	uint64_t end = p->off + total;
	fdt_for_each_subnode(node, blob, images)
	{
		if (n == FIT_MAX_IMAGES) {
			mtd_probe_problem(p, "more than %d images: the rest not examined", FIT_MAX_IMAGES);
			p->valid = false;
			break;
		}
		struct fit_image *x = &im[n++];
		const char *nm = fdt_get_name(blob, node, NULL);
		snprintf(x->name, sizeof(x->name), "%s", nm ? nm : "?");
		x->node = node;
		mtd_probe_list_add(p, "images", true, "%s", x->name);
		if (!place_image(p, blob, total, x)) {
			p->valid = false;
			continue;
		}
		if (!mtd_range_ok(x->off, x->size, p->len)) {
			mtd_probe_problem(p, "image '%s' data (0x%llx bytes at 0x%llx) runs past the end of its space",
			                  x->name, (unsigned long long)x->size, (unsigned long long)x->off);
			p->valid = false;
			if (x->external && x->off < p->len && p->len > end)
				end = p->len; /* what there is belongs to the FIT */
			continue;
		}
		x->placed = true;
		uint64_t xend = x->off + x->size;
		/* mkimage -E pads every external image to 4 bytes with zeros: that padding is the FIT's */
		while (x->external && (xend - p->off) % 4 && xend < p->len && mtd_rd_u8_at(&p->in, (size_t)xend) == 0)
			xend++;
		if (x->external && xend > end)
			end = xend;
	}
	p->size = end - p->off;

	for (size_t i = 0; i < n; i++) {
		struct fit_image *x = &im[i];
		if (!x->placed)
			continue;
		bool overlap = false;
		for (size_t k = 0; k < i && !overlap; k++)
			overlap = im[k].placed && im[k].external && x->external && x->off < im[k].off + im[k].size &&
			          im[k].off < x->off + x->size;
		struct mtd_probe *c = mtd_probe_child(p, "fit-image", x->off, x->size);
		if (!c)
			continue;
		mtd_probe_str(c, "name", true, "%s", x->name);
		mtd_probe_bool(c, "external", false, x->external);
		describe_image(c, blob, x->node);
		struct mtd_reader data;
		mtd_rd_window(&p->in, (size_t)x->off, (size_t)x->size, &data); /* placed: inside the space */
		if (!check_hashes(c, blob, x->node, &data)) {
			c->valid = false;
			p->valid = false;
		}
		if (overlap) {
			mtd_probe_problem(c, "external data overlaps an earlier image: not scanned again");
			c->valid = false;
			p->valid = false;
		}
		mtd_probe_child_done(c, !overlap);
	}
	check_configurations(p, blob, images);
	free(im);
	free(copy);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_fit = {
    .name = "fit",
    .magics = {{"\xd0\x0d\xfe\xed", 4, 0}},
    .probe = probe,
};
