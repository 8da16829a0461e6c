/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * cpio archives in the three ASCII formats:
 *   newc "070701" and crc "070702": 110-byte header of 8-digit hex fields;
 *     header+name padded to 4 bytes, data padded to 4 bytes; in crc archives
 *     `check` is the 32-bit sum of a regular file's data bytes;
 *   odc "070707": 76-byte header of octal fields, no padding.
 * The archive ends with the entry named "TRAILER!!!".  cpio(1) then fills
 * the last 512-byte block with zeros: that fill is part of the archive when
 * it is there and all zero (the kernel's initramfs builder does not write it).
 * Regular files of 4 KiB and more are scanned for nested components.
 */

#define NAME_MAX_LEN 65536u
#define LIST_MAX     64u
#define DESCEND_MIN  4096u
#define DESCEND_MAX  256u

enum kind { NEWC, CRC, ODC };

static bool parse_num(const uint8_t *s, unsigned n, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned d;
		uint8_t c = s[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		if (d >= base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

struct entry {
	uint64_t mode, filesize, namesize, check;
	uint64_t hdr_len;
};

static bool parse_header(enum kind k, const uint8_t *h, struct entry *e)
{
	if (k == ODC) {
		/* magic dev ino mode uid gid nlink rdev mtime namesize filesize */
		static const unsigned w[] = {6, 6, 6, 6, 6, 6, 6, 6, 11, 6, 11};
		uint64_t v[11];
		unsigned at = 0;
		for (unsigned i = 0; i < 11; i++) {
			if (!parse_num(h + at, w[i], 8, &v[i]))
				return false;
			at += w[i];
		}
		e->mode = v[3], e->namesize = v[9], e->filesize = v[10], e->check = 0, e->hdr_len = 76;
		return true;
	}
	uint64_t v[13];
	for (unsigned i = 0; i < 13; i++)
		if (!parse_num(h + 6 + 8 * i, 8, 16, &v[i]))
			return false;
	/* ino mode uid gid nlink mtime filesize devmaj devmin rdevmaj rdevmin namesize check */
	e->mode = v[1], e->filesize = v[6], e->namesize = v[11], e->check = v[12], e->hdr_len = 110;
	return true;
}

static uint64_t pad4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

static int probe(struct mtd_probe *p)
{
	const uint8_t *d = p->data + p->off;
	uint64_t len = p->len - p->off;
	if (len < 76 || memcmp(d, "07070", 5) != 0)
		return MTD_ERR_NO_MATCH;
	enum kind k = d[5] == '1' ? NEWC : d[5] == '2' ? CRC : d[5] == '7' ? ODC : (enum kind) - 1;
	if ((int)k < 0)
		return MTD_ERR_NO_MATCH;

	uint64_t pos = 0, entries = 0, files = 0, dirs = 0, links = 0, other = 0, data_bytes = 0, bad_sum = 0;
	uint64_t descended = 0, first_bad = 0;
	bool trailer = false, truncated = false, broken = false;
	while (!trailer) {
		struct entry e;
		uint64_t hl = k == ODC ? 76 : 110;
		if (len - pos < hl) {
			truncated = true;
			break;
		}
		const uint8_t *h = d + pos;
		if (memcmp(h, "07070", 5) != 0 ||
		    h[5] != (k == NEWC  ? '1'
		             : k == CRC ? '2'
		                        : '7') ||
		    !parse_header(k, h, &e)) {
			if (entries == 0)
				return MTD_ERR_NO_MATCH;
			broken = true;
			break;
		}
		if (e.namesize == 0 || e.namesize > NAME_MAX_LEN) {
			if (entries == 0)
				return MTD_ERR_NO_MATCH;
			broken = true;
			break;
		}
		uint64_t name_at = pos + hl;
		uint64_t data_at = k == ODC ? name_at + e.namesize : pad4(name_at + e.namesize);
		if (data_at > len) {
			truncated = true;
			break;
		}
		const uint8_t *name = d + name_at;
		size_t nl = (size_t)e.namesize - 1;
		if (name[nl] != 0) {
			if (entries == 0)
				return MTD_ERR_NO_MATCH;
			broken = true;
			break;
		}
		if (nl == 10 && memcmp(name, "TRAILER!!!", 10) == 0) {
			trailer = true;
			pos = data_at;
			break;
		}
		if (e.filesize > len - data_at) {
			truncated = true;
			break;
		}
		entries++;
		if (entries <= LIST_MAX)
			mtd_probe_list_add(p, "names", false, "%.*s", (int)(nl > 255 ? 255 : nl), (const char *)name);
		uint64_t type = e.mode & 0170000;
		if (type == 0100000) {
			files++;
			data_bytes += e.filesize;
			if (k == CRC) {
				uint32_t sum = 0;
				for (uint64_t i = 0; i < e.filesize; i++)
					sum += d[data_at + i];
				if (sum != (uint32_t)e.check) {
					if (!bad_sum)
						first_bad = p->off + pos;
					bad_sum++;
				}
			}
			if (e.filesize >= DESCEND_MIN && descended < DESCEND_MAX) {
				mtd_probe_scan_range(p, p->off + data_at, e.filesize);
				descended++;
			}
		} else if (type == 0040000) {
			dirs++;
		} else if (type == 0120000) {
			links++;
		} else {
			other++;
		}
		pos = k == ODC ? data_at + e.filesize : pad4(data_at + e.filesize);
		if (pos > len) {
			truncated = true;
			break;
		}
	}
	if (entries == 0 && !trailer)
		return MTD_ERR_NO_MATCH;

	static const char *const names[] = {"newc", "crc", "odc"};
	mtd_probe_str(p, "format", true, "%s", names[k]);
	mtd_probe_u64(p, "entries", true, entries);
	mtd_probe_u64(p, "files", false, files);
	mtd_probe_u64(p, "directories", false, dirs);
	mtd_probe_u64(p, "symlinks", false, links);
	mtd_probe_u64(p, "other", false, other);
	mtd_probe_u64(p, "data_bytes", false, data_bytes);
	p->valid = true;
	if (trailer) {
		/* cpio(1) fills the last 512-byte block with zeros */
		uint64_t blk = (pos + 511) & ~(uint64_t)511, end = pos;
		if (blk <= len) {
			uint64_t i = pos;
			while (i < blk && d[i] == 0)
				i++;
			if (i == blk)
				end = blk;
		}
		if (end > pos)
			mtd_probe_u64(p, "block_padding", false, end - pos);
		p->size = end;
	} else if (truncated) {
		mtd_probe_problem(p, "truncated: the archive is cut off before its TRAILER!!! entry");
		p->size = len;
		p->valid = false;
	} else {
		mtd_probe_problem(p, "entry at 0x%llx is not a valid %s header and no TRAILER!!! came before it",
		                  (unsigned long long)(p->off + pos), names[k]);
		p->size = pos;
		p->valid = false;
	}
	if (broken && p->size == 0)
		return MTD_ERR_NO_MATCH;
	if (k == CRC) {
		mtd_probe_u64(p, "bad_checksums", false, bad_sum);
		if (bad_sum) {
			mtd_probe_problem(p, "%llu files fail their data checksum (first entry at 0x%llx)",
			                  (unsigned long long)bad_sum, (unsigned long long)first_bad);
			p->valid = false;
		}
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_cpio = {
    .name = "cpio",
    .magics = {{"070701", 6, 0}, {"070702", 6, 0}, {"070707", 6, 0}},
    .probe = probe,
};
