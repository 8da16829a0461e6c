/* SPDX-License-Identifier: MIT */
#include <openssl/evp.h>
#include <string.h>

#include "format.h"

/*
 * TP-Link "safeloader" factory images (the layout OpenWrt's firmware-utils
 * tplink-safeloader documents; TP-Link's own firmware for the CPE/EAP/Archer
 * families that use it): a 0x14-byte preamble (the image size, big-endian,
 * then the MD5 of a fixed 16-byte salt followed by every byte from 0x14 to
 * the end), 0x1000 bytes of vendor information (a big-endian length, that
 * much text such as "CPE510(TP-LINK|UN|N300-5):1.0\r\n", 0xFF padding), then
 * at 0x1014 the image partition table: text lines "fwup-ptn NAME base 0xB
 * size 0xS" ending "\t\r\n", a NUL after the last, in 0x800 bytes; bases are
 * relative to 0x1014.  Partitions partition-table, soft-version,
 * support-list and extra-para hold metadata (support-list: an 8-byte header,
 * a big-endian length and a zero word, then "SupportList:" text); os-image
 * and file-system the kernel and root filesystem.  Each partition is a child
 * component; the kernel and filesystem are scanned inside.
 */

#define SL_PREAMBLE 0x14u
#define SL_TABLE    0x1014u
#define SL_TABLE_SZ 0x800u
#define SL_MAX_PART 32

static const uint8_t sl_salt[16] = {0x7a, 0x2b, 0x15, 0xed, 0x9b, 0x98, 0x59, 0x6d,
                                    0xe5, 0x04, 0xab, 0x44, 0xac, 0x2a, 0x9f, 0x4e};

struct sl_part {
	char name[32];
	uint32_t base, size;
};

/* A hex number "0x..." at *pos of line (advanced past it). */
static bool hex_at(const char *line, size_t *pos, uint32_t *v)
{
	size_t i = *pos;
	if (line[i] != '0' || line[i + 1] != 'x')
		return false;
	i += 2;
	uint64_t x = 0;
	size_t start = i;
	for (; (line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f') ||
	       (line[i] >= 'A' && line[i] <= 'F');
	     i++) {
		unsigned d = line[i] <= '9' ? (unsigned)(line[i] - '0') : (unsigned)((line[i] | 0x20) - 'a' + 10);
		x = x * 16 + d;
		if (x > UINT32_MAX)
			return false;
	}
	if (i == start || i - start > 8)
		return false;
	*v = (uint32_t)x;
	*pos = i;
	return true;
}

/* One table line "fwup-ptn NAME base 0xB size 0xS" (without its terminator). */
static bool parse_line(const char *line, struct sl_part *p)
{
	if (strncmp(line, "fwup-ptn ", 9))
		return false;
	size_t i = 9, k = 0;
	while (line[i] && line[i] != ' ' && k + 1 < sizeof(p->name)) {
		if ((uint8_t)line[i] < 0x21 || (uint8_t)line[i] > 0x7e)
			return false;
		p->name[k++] = line[i++];
	}
	p->name[k] = 0;
	if (!k || strncmp(line + i, " base ", 6))
		return false;
	i += 6;
	if (!hex_at(line, &i, &p->base) || strncmp(line + i, " size ", 6))
		return false;
	i += 6;
	return hex_at(line, &i, &p->size) && (line[i] == 0 || line[i] == '\t' || line[i] == ' ');
}

/* The partition table at 0x1014 of r: entries into parts, their count (0: not a table). */
static int parse_table(const struct mtd_reader *r, struct sl_part *parts)
{
	char t[SL_TABLE_SZ + 1];
	if (!mtd_rd_copy_at(r, SL_TABLE, t, SL_TABLE_SZ))
		return 0;
	t[SL_TABLE_SZ] = 0;
	int n = 0;
	size_t at = 0;
	while (at < SL_TABLE_SZ && t[at] && n < SL_MAX_PART) {
		char *eol = memchr(t + at, '\n', SL_TABLE_SZ - at);
		if (!eol)
			return 0;
		*eol = 0;
		if (eol > t + at && eol[-1] == '\r')
			eol[-1] = 0;
		if (!parse_line(t + at, &parts[n]))
			return 0;
		n++;
		at = (size_t)(eol - t) + 1;
	}
	return n;
}

static bool md5_ok(const struct mtd_reader *r, uint32_t size, const uint8_t want[16])
{
	const uint8_t *data = NULL;
	if (!mtd_rd_bytes_at(r, SL_PREAMBLE, size - SL_PREAMBLE, &data))
		return false;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ok = c && EVP_DigestInit_ex(c, EVP_md5(), NULL) == 1 && EVP_DigestUpdate(c, sl_salt, 16) == 1 &&
	          EVP_DigestUpdate(c, data, size - SL_PREAMBLE) == 1 && EVP_DigestFinal_ex(c, md, &n) == 1 && n == 16;
	EVP_MD_CTX_free(c);
	return ok && !memcmp(md, want, 16);
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	if (avail < SL_TABLE + SL_TABLE_SZ)
		return MTD_ERR_NO_MATCH;
	uint32_t size = mtd_rd_be32_at(&r, 0), vlen = mtd_rd_be32_at(&r, SL_PREAMBLE);
	struct sl_part parts[SL_MAX_PART];
	int n = parse_table(&r, parts);
	if (n < 2 || size < SL_TABLE + SL_TABLE_SZ || vlen > SL_TABLE - SL_PREAMBLE - 4)
		return MTD_ERR_NO_MATCH;
	/* every partition inside the size, none overlapping the table */
	uint64_t end = SL_TABLE + SL_TABLE_SZ;
	for (int i = 0; i < n; i++) {
		uint64_t e = (uint64_t)SL_TABLE + parts[i].base + parts[i].size;
		if ((uint64_t)parts[i].base < SL_TABLE_SZ && strcmp(parts[i].name, "partition-table"))
			return MTD_ERR_NO_MATCH;
		if (e > size)
			return MTD_ERR_NO_MATCH;
		if (e > end)
			end = e;
	}
	p->valid = true;
	char vendor[256];
	size_t vl = vlen < sizeof(vendor) - 1 ? vlen : sizeof(vendor) - 1;
	mtd_rd_copy_at(&r, SL_PREAMBLE + 4, vendor, vl);
	vendor[vl] = 0;
	while (vl && (vendor[vl - 1] == '\n' || vendor[vl - 1] == '\r'))
		vendor[--vl] = 0;
	for (size_t i = 0; i < vl; i++)
		if ((uint8_t)vendor[i] < 0x20 || (uint8_t)vendor[i] > 0x7e)
			vendor[i] = '?';
	if (vl)
		mtd_probe_str(p, "vendor", true, "%s", vendor);
	mtd_probe_u64(p, "size_in_header", false, size);
	mtd_probe_u64(p, "partitions", false, (uint64_t)n);
	for (int i = 0; i < n; i++)
		mtd_probe_list_add(p, "partition_names", true, "%s", parts[i].name);
	if (size > avail) {
		mtd_probe_problem(p, "truncated: the header claims 0x%x bytes but only 0x%llx remain in its space",
		                  size, (unsigned long long)avail);
		p->valid = false;
		p->size = avail;
	} else {
		p->size = size;
		uint8_t want[16];
		mtd_rd_copy_at(&r, 4, want, 16);
		bool ok = md5_ok(&r, size, want);
		mtd_probe_bool(p, "md5_ok", false, ok);
		if (!ok) {
			mtd_probe_problem(p, "MD5 of the salt and bytes 0x14..0x%x does not match the header", size);
			p->valid = false;
		}
	}
	for (int i = 0; i < n; i++) {
		uint64_t at = p->off + SL_TABLE + parts[i].base;
		if (SL_TABLE + (uint64_t)parts[i].base + parts[i].size > p->size || !parts[i].size)
			continue;
		bool payload = !strcmp(parts[i].name, "os-image") || !strcmp(parts[i].name, "file-system");
		struct mtd_probe *c = mtd_probe_child(p, "tplink-safeloader-part", at, parts[i].size);
		if (!c)
			continue;
		mtd_probe_str(c, "name", true, "%s", parts[i].name);
		c->valid = true;
		mtd_probe_child_done(c, payload);
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_tplink_safeloader = {
    .name = "tplink-safeloader",
    .magics = {{"fwup-ptn partition-table base ", 30, SL_TABLE}},
    .probe = probe,
};
