/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * POSIX ustar / GNU tar: 512-byte headers ("ustar" at 257), each with a
 * checksum (the byte sum of the header with the checksum field read as
 * spaces; some old tars summed signed bytes), data in 512-byte blocks, and
 * two zero blocks at the end.  The extent runs through those two blocks; the
 * zero fill tar(1) adds to complete its 10 KiB record is left to the gap
 * accounting.  GNU long names ('L') and pax headers ('x', with size= and
 * path=) are followed.  Regular files of 4 KiB and more are scanned for
 * nested components (sysupgrade tars hold kernel and root images).
 */

#define BLK         512u
#define LIST_MAX    64u
#define DESCEND_MIN 4096u
#define DESCEND_MAX 256u

static bool octal(const uint8_t *s, unsigned n, uint64_t *out)
{
	if (s[0] & 0x80) { /* GNU base-256 */
		if (s[0] != 0x80)
			return false; /* negative or beyond 64 bits */
		uint64_t v = 0;
		for (unsigned i = 1; i < n; i++) {
			if (v >> 56)
				return false;
			v = v << 8 | s[i];
		}
		*out = v;
		return true;
	}
	unsigned i = 0;
	while (i < n && s[i] == ' ')
		i++;
	uint64_t v = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (uint64_t)(s[i] - '0');
	}
	for (; i < n; i++)
		if (s[i] != ' ' && s[i] != 0)
			return false;
	*out = v;
	return true;
}

static bool checksum_ok(const uint8_t *h)
{
	uint64_t want;
	if (!octal(h + 148, 8, &want))
		return false;
	uint32_t u = 0;
	int32_t s = 0;
	for (unsigned i = 0; i < BLK; i++) {
		uint8_t c = (i >= 148 && i < 156) ? ' ' : h[i];
		u += c;
		s += (int8_t)c;
	}
	return want == u || (int64_t)want == s;
}

static bool zero_block(const uint8_t *b)
{
	for (unsigned i = 0; i < BLK; i++)
		if (b[i])
			return false;
	return true;
}

/* pax extended header records "LEN key=value\n": pick size= and path= */
static void pax_parse(const uint8_t *s, uint64_t n, uint64_t *size, bool *have_size, char *path, size_t path_cap)
{
	uint64_t at = 0;
	for (unsigned guard = 0; at < n && guard < 4096; guard++) {
		uint64_t reclen = 0, i = at;
		while (i < n && s[i] >= '0' && s[i] <= '9' && reclen < (1u << 30))
			reclen = reclen * 10 + (uint64_t)(s[i++] - '0');
		if (i >= n || s[i] != ' ' || reclen <= i - at || reclen > n - at)
			return;
		const uint8_t *kv = s + i + 1;
		uint64_t kvlen = at + reclen - (i + 1);
		if (kvlen && kv[kvlen - 1] == '\n')
			kvlen--;
		if (kvlen > 5 && memcmp(kv, "size=", 5) == 0) {
			uint64_t v = 0;
			bool ok = kvlen > 5;
			for (uint64_t j = 5; j < kvlen && ok; j++) {
				if (kv[j] < '0' || kv[j] > '9' || v > (UINT64_MAX - 9) / 10)
					ok = false;
				else
					v = v * 10 + (uint64_t)(kv[j] - '0');
			}
			if (ok) {
				*size = v;
				*have_size = true;
			}
		} else if (kvlen > 5 && memcmp(kv, "path=", 5) == 0) {
			size_t m = (size_t)(kvlen - 5 < path_cap - 1 ? kvlen - 5 : path_cap - 1);
			memcpy(path, kv + 5, m);
			path[m] = 0;
		}
		at += reclen;
	}
}

static void header_name(const uint8_t *h, bool ustar_prefix, char *out, size_t cap)
{
	size_t n = 0;
	if (ustar_prefix && h[345]) {
		for (unsigned i = 0; i < 155 && h[345 + i] && n + 1 < cap; i++)
			out[n++] = (char)h[345 + i];
		if (n + 1 < cap)
			out[n++] = '/';
	}
	for (unsigned i = 0; i < 100 && h[i] && n + 1 < cap; i++)
		out[n++] = (char)h[i];
	out[n] = 0;
}

static int probe(struct mtd_probe *p)
{
	const uint8_t *d = p->data + p->off;
	uint64_t len = p->len - p->off;
	if (len < BLK || memcmp(d + 257, "ustar", 5) != 0 || !checksum_ok(d))
		return MTD_ERR_NO_MATCH;
	bool gnu = memcmp(d + 257, "ustar  ", 8) == 0;

	uint64_t pos = 0, entries = 0, files = 0, data_bytes = 0, descended = 0;
	bool pax = false, end_ok = false, truncated = false, broken = false;
	bool next_size_set = false;
	uint64_t next_size = 0;
	char next_name[256] = "";
	while (true) {
		if (len - pos < BLK) {
			truncated = true;
			break;
		}
		const uint8_t *h = d + pos;
		if (zero_block(h)) {
			if (len - pos >= 2 * BLK && zero_block(h + BLK)) {
				pos += 2 * BLK;
				end_ok = true;
			} else {
				pos += BLK; /* a lone zero block: GNU tar accepts it at the very end */
			}
			break;
		}
		if (memcmp(h + 257, "ustar", 5) != 0 || !checksum_ok(h)) {
			broken = true;
			break;
		}
		uint64_t size;
		if (!octal(h + 124, 12, &size)) {
			broken = true;
			break;
		}
		uint8_t type = h[156];
		if (next_size_set && type != 'x' && type != 'g' && type != 'L' && type != 'K')
			size = next_size;
		/* types whose size describes no data following the header */
		bool has_data =
		    !(type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6');
		uint64_t data_len = has_data ? size : 0;
		uint64_t blocks = (data_len + BLK - 1) / BLK;
		uint64_t data_at = pos + BLK;
		if (blocks > (len - data_at) / BLK) {
			truncated = true;
			break;
		}
		const uint8_t *data = d + data_at;
		if (type == 'x') {
			pax = true;
			pax_parse(data, data_len, &next_size, &next_size_set, next_name, sizeof(next_name));
		} else if (type == 'L') {
			size_t m = (size_t)(data_len < sizeof(next_name) - 1 ? data_len : sizeof(next_name) - 1);
			memcpy(next_name, data, m);
			next_name[m] = 0;
		} else if (type == 'g' || type == 'K') {
			if (type == 'g')
				pax = true;
		} else {
			entries++;
			char name[256];
			if (next_name[0])
				memcpy(name, next_name, sizeof(name));
			else
				header_name(h, !gnu, name, sizeof(name));
			if (entries <= LIST_MAX)
				mtd_probe_list_add(p, "names", false, "%s", name);
			next_name[0] = 0;
			next_size_set = false;
			if (type == '0' || type == 0 || type == '7') {
				files++;
				data_bytes += data_len;
				if (data_len >= DESCEND_MIN && descended < DESCEND_MAX) {
					mtd_probe_scan_range(p, p->off + data_at, data_len);
					descended++;
				}
			}
		}
		pos = data_at + blocks * BLK;
	}
	if (entries == 0 && !end_ok)
		return MTD_ERR_NO_MATCH;
	p->size = truncated ? len : pos;
	p->valid = end_ok;
	mtd_probe_str(p, "format", true, "%s", pax ? "pax" : gnu ? "gnu" : "ustar");
	mtd_probe_u64(p, "entries", true, entries);
	mtd_probe_u64(p, "files", false, files);
	mtd_probe_u64(p, "data_bytes", false, data_bytes);
	if (truncated)
		mtd_probe_problem(p, "truncated: the archive is cut off before its end-of-archive blocks");
	else if (broken)
		mtd_probe_problem(p, "header at 0x%llx fails its checksum and no end-of-archive blocks came before it",
		                  (unsigned long long)(p->off + pos));
	else if (!end_ok)
		mtd_probe_problem(p, "the archive ends with one zero block instead of two");
	return MTD_OK;
}

const struct mtd_format mtd_fmt_tar = {
    .name = "tar",
    .magics = {{"ustar", 5, 257}},
    .probe = probe,
};
