/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "format.h"

/*
 * OpenWrt fwtool blocks (package/system/fwtool: fwimage.h, fwtool.c),
 * appended to sysupgrade images by `fwtool -I metadata.json` and
 * `fwtool -S signature.ucert`.  Each block is its data followed by a
 * 16-byte big-endian trailer:
 *     magic "FWx0" | crc32 | type (0 signature, 1 metadata) | pad[3] | size
 * where size counts the data and the trailer.  Metadata data starts with an
 * 8-byte header (version 0, flags) and then the JSON text.  The CRC-32
 * (seeded with 0xffffffff, not inverted at the end) covers the whole image
 * from its first byte up to the trailer: fwtool reads it from the end of
 * the file.
 *
 * The magic is in the trailer, so the scanner meets it after the data.  The
 * probe starts at the first trailer, walks back over its data (up to the
 * 32 KiB fwtool allows) and forward over any block appended after it (the
 * signature).  The image start the CRC needs is not known to a forward
 * scanner: when the blocks end the space (only 0xFF/0x00 after them, as in
 * a sysupgrade file or a partition dump made right after flashing), one
 * CRC pass over at most 32 MiB before the trailer tries every 4 KiB
 * boundary as the image start at once (CRC-32 is linear: crc(b..k) =
 * crc(a..k) ^ shift(crc(a..b), k-b)).  Elsewhere the CRC is reported as not
 * checked.  Only one run of blocks can end a space, so the work is linear.
 */

#define FW_MAGIC       0x46577830u
#define FW_TRAILER     16u
#define FW_HEADER      8u
#define FW_DATA_MAX    32768u /* fwtool's BUFLEN: it refuses longer blocks */
#define FW_CHAIN_MAX   8
#define CRC_WINDOW     (32ull << 20)
#define CRC_STEP       4096u
#define JSON_DEPTH_MAX 16

struct block {
	uint64_t start, trailer; /* absolute in the space */
	uint32_t crc, size;
	uint8_t type;
};

/* Read the trailer at `at` (absolute); false when it is not a plausible fwtool trailer. */
static bool read_trailer(const struct mtd_probe *p, uint64_t at, struct block *b)
{
	struct mtd_reader r = p->in;
	uint32_t magic, pad;
	if (!mtd_rd_seek(&r, (size_t)at) || !mtd_rd_u32be(&r, &magic) || magic != FW_MAGIC ||
	    !mtd_rd_u32be(&r, &b->crc) || !mtd_rd_u32be(&r, &pad) || !mtd_rd_u32be(&r, &b->size))
		return false;
	b->type = (uint8_t)(pad >> 24);
	if ((pad & 0xffffff) || b->type > 1 || b->size < FW_TRAILER || b->size > FW_DATA_MAX + FW_TRAILER)
		return false;
	uint64_t data = b->size - FW_TRAILER;
	if (b->type == 1 && data < FW_HEADER)
		return false;
	b->trailer = at;
	if (at < data)
		return false;
	b->start = at - data;
	return true;
}

/* ---- a small bounded JSON walk that keeps the fields people look for ---- */

struct json {
	const char *s;
	size_t n, i;
	struct mtd_probe *p;
};

static void j_ws(struct json *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' || j->s[j->i] == '\r'))
		j->i++;
}

static bool j_string(struct json *j, char *out, size_t outlen)
{
	size_t k = 0;
	if (j->i >= j->n || j->s[j->i] != '"')
		return false;
	j->i++;
	while (j->i < j->n) {
		char c = j->s[j->i++];
		if (c == '"') {
			out[k] = 0;
			return true;
		}
		if ((unsigned char)c < 0x20)
			return false;
		if (c == '\\') {
			if (j->i >= j->n)
				return false;
			c = j->s[j->i++];
			if (c == 'u') {
				if (j->n - j->i < 4)
					return false;
				j->i += 4;
				c = '?';
			} else if (c == 'n' || c == 't' || c == 'r' || c == 'b' || c == 'f') {
				c = ' ';
			} else if (c != '"' && c != '\\' && c != '/') {
				return false;
			}
		}
		if (k + 1 < outlen)
			out[k++] = ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f) ? c : '?';
	}
	return false;
}

static void j_emit(struct json *j, const char *parent, const char *key, bool in_array, const char *v)
{
	static const char *const top[] = {"metadata_version", "compat_version", "compat_message"};
	static const char *const ver[] = {"dist", "version", "revision", "target", "board"};
	if (!key)
		return;
	if (!parent && in_array && (!strcmp(key, "supported_devices") || !strcmp(key, "new_supported_devices"))) {
		mtd_probe_list_add(j->p, key, !strcmp(key, "supported_devices"), "%s", v);
		return;
	}
	if (in_array)
		return;
	for (size_t i = 0; !parent && i < sizeof(top) / sizeof(top[0]); i++)
		if (!strcmp(key, top[i]))
			mtd_probe_str(j->p, key, false, "%s", v);
	for (size_t i = 0; parent && !strcmp(parent, "version") && i < sizeof(ver) / sizeof(ver[0]); i++)
		if (!strcmp(key, ver[i]))
			mtd_probe_str(j->p, i == 1 ? "openwrt_version" : key, i == 1 || i == 3, "%s", v);
}

/* One value; parent/key name where it sits (NULL at the top). */
static bool j_value(struct json *j, int depth, const char *parent, const char *key, bool in_array)
{
	char buf[256];
	if (depth > JSON_DEPTH_MAX)
		return false;
	j_ws(j);
	if (j->i >= j->n)
		return false;
	char c = j->s[j->i];
	if (c == '{') {
		char k[64];
		j->i++;
		j_ws(j);
		if (j->i < j->n && j->s[j->i] == '}') {
			j->i++;
			return true;
		}
		for (;;) {
			j_ws(j);
			if (!j_string(j, k, sizeof(k)))
				return false;
			j_ws(j);
			if (j->i >= j->n || j->s[j->i++] != ':')
				return false;
			if (!j_value(j, depth + 1, depth == 0 ? NULL : key, k, false))
				return false;
			j_ws(j);
			if (j->i >= j->n)
				return false;
			c = j->s[j->i++];
			if (c == '}')
				return true;
			if (c != ',')
				return false;
		}
	}
	if (c == '[') {
		j->i++;
		j_ws(j);
		if (j->i < j->n && j->s[j->i] == ']') {
			j->i++;
			return true;
		}
		for (;;) {
			if (!j_value(j, depth + 1, parent, key, true))
				return false;
			j_ws(j);
			if (j->i >= j->n)
				return false;
			c = j->s[j->i++];
			if (c == ']')
				return true;
			if (c != ',')
				return false;
		}
	}
	if (c == '"') {
		if (!j_string(j, buf, sizeof(buf)))
			return false;
		j_emit(j, parent, key, in_array, buf);
		return true;
	}
	size_t s = j->i;
	while (j->i < j->n && (strchr("+-.0123456789eE", j->s[j->i]) || (j->s[j->i] >= 'a' && j->s[j->i] <= 'z')))
		j->i++;
	return j->i > s;
}

/* ---- the CRC that covers the image from its start ---- */

/*
 * Find the image start b (a 4 KiB boundary of the space, at most 32 MiB
 * before `end`) with crc(b..end) == want.  Returns true and *start.
 */
static bool find_image_start(const struct mtd_reader *space, uint64_t end, uint32_t want_zlib, uint64_t *start)
{
	uint64_t lo = end > CRC_WINDOW ? (end - CRC_WINDOW + CRC_STEP - 1) / CRC_STEP * CRC_STEP : 0;
	size_t n = (size_t)((end - lo) / CRC_STEP) + 1;
	uLong *at = malloc(n * sizeof(*at));
	if (!at)
		return false;
	uLong c = crc32(0L, Z_NULL, 0);
	size_t k = 0;
	for (uint64_t b = lo; b < end; b += CRC_STEP) {
		at[k++] = c;
		uint64_t chunk = end - b < CRC_STEP ? end - b : CRC_STEP;
		const uint8_t *bytes = NULL;
		if (!mtd_rd_bytes_at(space, (size_t)b, (size_t)chunk, &bytes)) {
			free(at);
			return false;
		}
		c = crc32(c, bytes, (uInt)chunk);
	}
	bool found = false;
	for (size_t i = 0; i < k && !found; i++) {
		uint64_t b = lo + (uint64_t)i * CRC_STEP;
		uLong part = c ^ crc32_combine(at[i], 0, (z_off_t)(end - b));
		if ((uint32_t)part == want_zlib) {
			*start = b;
			found = true;
		}
	}
	free(at);
	return found;
}

/* Only 0xFF or only 0x00 from `from` to the end of the space. */
static bool uniform_to_end(const struct mtd_reader *space, uint64_t from)
{
	uint64_t end = mtd_rd_left(space);
	if (from >= end)
		return true;
	uint8_t v = mtd_rd_u8_at(space, (size_t)from);
	return (v == 0xff || v == 0) && mtd_rd_uniform_at(space, (size_t)from, (size_t)(end - from), v);
}

static int probe(struct mtd_probe *p)
{
	struct block b[FW_CHAIN_MAX];
	size_t nb = 0;
	if (!read_trailer(p, p->off, &b[0]))
		return MTD_ERR_NO_MATCH;
	/* A metadata block must hold a version-0 header and a JSON object. */
	if (b[0].type == 1 &&
	    (mtd_rd_be32_at(&p->in, (size_t)b[0].start) != 0 || b[0].size - FW_TRAILER - FW_HEADER < 2))
		return MTD_ERR_NO_MATCH;
	nb = 1;
	/* Blocks appended after this one (a signature after the metadata). */
	while (nb < FW_CHAIN_MAX) {
		uint64_t from = b[nb - 1].trailer + FW_TRAILER, lim = from + FW_DATA_MAX;
		if (lim + FW_TRAILER > p->len)
			lim = p->len >= FW_TRAILER ? p->len - FW_TRAILER : 0;
		struct mtd_reader w;
		size_t hit;
		bool found = from <= lim && mtd_rd_window(&p->in, (size_t)from, (size_t)(lim - from + 4), &w) &&
		             mtd_rd_find(&w, 0, "FWx0", 4, &hit);
		struct block nx;
		if (!found || !read_trailer(p, from + hit, &nx) || nx.start != from)
			break;
		b[nb++] = nx;
	}
	uint64_t end = b[nb - 1].trailer + FW_TRAILER;
	p->size = end - p->off;
	p->valid = true;
#ifdef MTD_PROBE_BACK
	/* The first block's data belongs to the component: start there when the scanner allows it. */
	if (b[0].start >= p->floor)
		p->back = p->off - b[0].start;
	else
		mtd_probe_problem(p, "its data at 0x%llx lies inside the previous component",
		                  (unsigned long long)b[0].start);
#endif
	mtd_probe_hex(p, "data_offset", false, b[0].start);

	for (size_t i = 0; i < nb; i++) {
		uint32_t dlen = b[i].size - FW_TRAILER;
		if (b[i].type == 0) {
			mtd_probe_list_add(p, "blocks", true, "signature(%u)", dlen);
			continue;
		}
		mtd_probe_list_add(p, "blocks", true, "metadata(%u)", dlen - FW_HEADER);
		/* the JSON text (at most FW_DATA_MAX bytes) is walked in a copy */
		char *text = malloc(dlen - FW_HEADER + 1);
		if (!text || !mtd_rd_copy_at(&p->in, (size_t)(b[i].start + FW_HEADER), text, dlen - FW_HEADER)) {
			free(text);
			return MTD_ERR_NOMEM;
		}
		struct json j = {text, dlen - FW_HEADER, 0, p};
		/* fwtool stores what it was given: a trailing newline or NUL is common */
		while (j.n && (j.s[j.n - 1] == '\n' || j.s[j.n - 1] == 0 || j.s[j.n - 1] == ' '))
			j.n--;
		bool ok = j_value(&j, 0, NULL, NULL, false);
		j_ws(&j);
		if (!ok || j.i != j.n) {
			mtd_probe_problem(p, "metadata at 0x%llx is not a well-formed JSON text (stops at byte %zu)",
			                  (unsigned long long)b[i].start + FW_HEADER, j.i);
			p->valid = false;
		}
		free(text);
	}

	/* The CRCs: only when the blocks end their space (see above). */
	if (!uniform_to_end(&p->in, end)) {
		mtd_probe_str(p, "crc", false, "not checked: the blocks do not end the image, so its start is unknown");
		return MTD_OK;
	}
	uint64_t img;
	uint64_t first = b[0].trailer;
	if (!find_image_start(&p->in, first, ~b[0].crc, &img)) {
		if (first > CRC_WINDOW) {
			mtd_probe_str(p, "crc", false, "not checked: no image start within 32 MiB before the blocks");
			return MTD_OK;
		}
		mtd_probe_problem(p, "CRC 0x%08x matches no image start (4 KiB boundaries before it)", b[0].crc);
		mtd_probe_bool(p, "crc_ok", false, false);
		p->valid = false;
		return MTD_OK;
	}
	mtd_probe_hex(p, "image_offset", false, img);
	uLong c = crc32(0L, Z_NULL, 0);
	bool all = true;
	uint64_t pos = img;
	for (size_t i = 0; i < nb; i++) {
		uint64_t to = b[i].trailer;
		while (pos < to) {
			uint64_t chunk = to - pos > (1u << 30) ? (1u << 30) : to - pos;
			const uint8_t *bytes = NULL;
			if (!mtd_rd_bytes_at(&p->in, (size_t)pos, (size_t)chunk, &bytes))
				break;
			c = crc32(c, bytes, (uInt)chunk);
			pos += chunk;
		}
		if ((uint32_t)c != (uint32_t)~b[i].crc) {
			mtd_probe_problem(p, "block %zu CRC 0x%08x does not match 0x%08x", i + 1, (uint32_t)~c,
			                  b[i].crc);
			all = false;
		}
	}
	mtd_probe_bool(p, "crc_ok", false, all);
	p->valid = p->valid && all;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_openwrt_metadata = {
    .name = "openwrt-metadata",
    .magics = {{"FWx0", 4, 0}},
    .probe = probe,
};
