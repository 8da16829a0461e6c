/* SPDX-License-Identifier: MIT */
/* GPT (UEFI spec 2.x, chapter 5): header at LBA 1, entries at PartitionEntryLBA. */
#include <string.h>

#include <mtdscope/reader.h>

#include "layout_int.h"

int mtd_lay_parse_gpt(const uint8_t *p, size_t n, struct mtd_layout *l, struct mtd_diag *d)
{
	for (size_t sec = 512; sec <= 4096; sec *= 2) {
		struct mtd_reader r;
		const uint8_t *sig;
		mtd_rd_init(&r, p, n, 0);
		if (!mtd_rd_seek(&r, sec) || !mtd_rd_bytes(&r, 8, &sig) || memcmp(sig, "EFI PART", 8) != 0)
			continue;
		uint32_t rev, hsize, hcrc, count, esize;
		uint64_t entries_lba;
		const uint8_t *hdr = p + sec;
		if (!mtd_rd_u32le(&r, &rev) || !mtd_rd_u32le(&r, &hsize) || !mtd_rd_u32le(&r, &hcrc) ||
		    !mtd_rd_skip(&r, 4 + 8 + 8 + 8 + 8 + 16) || !mtd_rd_u64le(&r, &entries_lba) ||
		    !mtd_rd_u32le(&r, &count) || !mtd_rd_u32le(&r, &esize))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, l->source, sec, "GPT header cut short");
		if (hsize < 92 || hsize > sec || !mtd_range_ok(sec, hsize, n))
			return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, sec + 12, "expected a GPT header size 92..%zu",
			                   sec);
		uint8_t tmp[4096];
		memcpy(tmp, hdr, hsize);
		memset(tmp + 16, 0, 4);
		if (mtd_crc32(0, tmp, hsize) != hcrc)
			mtd_lay_note(l, "GPT header CRC does not match (0x%08x stored)", hcrc);
		if (esize < 128 || esize > 4096 || count > 1024)
			return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, sec + 80,
			                   "expected at most 1024 GPT entries of 128..4096 bytes");
		uint64_t eoff, elen;
		if (!mtd_mul_ov(entries_lba, sec, &eoff) || !mtd_mul_ov(count, esize, &elen) ||
		    !mtd_range_ok(eoff, elen, n))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, l->source, sec + 72,
			                   "GPT entries lie past the end of the input");
		for (uint32_t i = 0; i < count; i++) {
			struct mtd_reader e;
			mtd_rd_init(&e, p + eoff + (uint64_t)i * esize, esize, eoff + (uint64_t)i * esize);
			const uint8_t *type, *uname;
			uint64_t first, last, attrs;
			if (!mtd_rd_bytes(&e, 16, &type) || !mtd_rd_skip(&e, 16) || !mtd_rd_u64le(&e, &first) ||
			    !mtd_rd_u64le(&e, &last) || !mtd_rd_u64le(&e, &attrs) || !mtd_rd_bytes(&e, 72, &uname))
				break;
			bool empty = true;
			for (int b = 0; b < 16; b++)
				if (type[b])
					empty = false;
			if (empty)
				continue;
			if (last < first)
				return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, e.base + 40,
				                   "GPT entry %u ends before it starts", i);
			char name[40];
			size_t k = 0;
			for (int c = 0; c < 72 && k < sizeof(name) - 1; c += 2) {
				uint16_t ch = mtd_le16(uname + c);
				if (!ch)
					break;
				name[k++] = ch < 0x80 && ch >= 0x20 ? (char)ch : '?';
			}
			name[k] = 0;
			if (!k)
				k = (size_t)snprintf(name, sizeof(name), "part%u", i + 1);
			uint64_t off, size;
			if (!mtd_mul_ov(first, sec, &off) || !mtd_mul_ov(last - first + 1, sec, &size))
				return mtd_diag_at(d, MTD_ERR_OVERFLOW, l->source, e.base + 32,
				                   "GPT entry %u overflows", i);
			int idx = mtd_lay_add(l, name, strlen(name), off, size, 0, d);
			if (idx < 0)
				return idx;
			if (attrs & (1ull << 60))
				l->parts[idx].flags |= MTD_PART_RO;
		}
		l->erasesize = (uint32_t)sec;
		if (!l->chip_size) { /* a disk image is the whole device */
			l->chip_size = n;
			l->chip_from = MTD_CHIP_WHOLE;
		}
		return 0;
	}
	return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, 512, "expected a GPT header \"EFI PART\"");
}
