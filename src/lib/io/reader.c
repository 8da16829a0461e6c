/* SPDX-License-Identifier: MIT */
#include <mtdscope/reader.h>
#include <mtdscope/util.h>

bool mtd_rd_line(struct mtd_reader *r, size_t max_len, const char **line, size_t *len, bool *cut)
{
	if (mtd_rd_left(r) == 0)
		return false;
	const uint8_t *start = mtd_rd_ptr(r);
	size_t left = mtd_rd_left(r), n = 0;
	while (n < left && start[n] != '\n' && start[n] != '\r')
		n++;
	size_t consumed = n;
	if (consumed < left) {
		if (start[consumed] == '\r' && consumed + 1 < left && start[consumed + 1] == '\n')
			consumed += 2;
		else
			consumed += 1;
	}
	r->pos += consumed;
	*line = (const char *)start;
	*cut = n > max_len;
	*len = *cut ? max_len : n;
	return true;
}

bool mtd_rd_crc32(const struct mtd_reader *r, size_t at, size_t n, uint32_t crc, uint32_t *out)
{
	const uint8_t *p;
	if (!mtd_rd_bytes_at(r, at, n, &p))
		return false;
	*out = mtd_crc32(crc, p, n);
	return true;
}

bool mtd_rd_crc32_raw(const struct mtd_reader *r, size_t at, size_t n, uint32_t seed, uint32_t *out)
{
	const uint8_t *p;
	if (!mtd_rd_bytes_at(r, at, n, &p))
		return false;
	*out = mtd_crc32_raw(seed, p, n);
	return true;
}
