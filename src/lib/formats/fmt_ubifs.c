/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * UBIFS (fs/ubifs/ubifs-media.h): every node opens with a 24-byte
 * little-endian common header {magic 0x06101831, crc, sqnum, len, node_type,
 * group_type}; the CRC covers bytes 8..len (Linux crc32 seeded 0xFFFFFFFF,
 * not inverted).  LEB 0 holds the 4096-byte superblock node; LEBs 1 and 2
 * the master node copies.  The extent is leb_cnt * leb_size.  Inside a UBI
 * volume assembled by the ubi probe, trailing unmapped LEBs are not in the
 * content, so a shorter space is expected there and only noted.
 */

#define CH       24u
#define SB_NODE  6u
#define MST_NODE 7u
#define SB_LEN   4096u

static const char *compr_name(unsigned c)
{
	static const char *const t[] = {"none", "lzo", "zlib", "zstd"};
	return c < sizeof(t) / sizeof(t[0]) ? t[c] : "unknown";
}

static bool node_crc_ok(const uint8_t *b, uint32_t len)
{
	return mtd_crc32_raw(0xffffffffu, b + 8, len - 8) == mtd_le32(b + 4);
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	const uint8_t *b;
	mtd_probe_reader(p, &r);
	if (!mtd_rd_bytes(&r, SB_LEN, &b))
		return MTD_ERR_NO_MATCH;
	if (mtd_le32(b) != 0x06101831u || b[20] != SB_NODE || mtd_le32(b + 16) != SB_LEN)
		return MTD_ERR_NO_MATCH;
	uint32_t flags = mtd_le32(b + 28), min_io = mtd_le32(b + 32), leb_size = mtd_le32(b + 36);
	uint32_t leb_cnt = mtd_le32(b + 40), max_leb_cnt = mtd_le32(b + 44), log_lebs = mtd_le32(b + 56);
	uint32_t lpt_lebs = mtd_le32(b + 60), orph_lebs = mtd_le32(b + 64), fmt = mtd_le32(b + 80);
	uint16_t compr = mtd_le16(b + 84);
	/* UBIFS_MIN_LEB_SZ is 15360; a superblock that fails these is a stray magic */
	if (leb_size < 15360 || leb_size > (32u << 20) || min_io == 0 || min_io > leb_size || leb_cnt < 4 ||
	    max_leb_cnt < leb_cnt)
		return MTD_ERR_NO_MATCH;
	bool crc_ok = node_crc_ok(b, SB_LEN);

	p->valid = crc_ok;
	uint64_t extent = (uint64_t)leb_cnt * leb_size, avail = p->len - p->off;
	p->size = extent;
	mtd_probe_bool(p, "sb_crc_ok", false, crc_ok);
	if (!crc_ok)
		mtd_probe_problem(p, "superblock node CRC 0x%08x does not match", mtd_le32(b + 4));
	mtd_probe_hex(p, "leb_size", true, leb_size);
	mtd_probe_u64(p, "leb_count", true, leb_cnt);
	mtd_probe_u64(p, "max_leb_count", false, max_leb_cnt);
	mtd_probe_u64(p, "min_io_size", false, min_io);
	mtd_probe_u64(p, "log_lebs", false, log_lebs);
	mtd_probe_u64(p, "lpt_lebs", false, lpt_lebs);
	mtd_probe_u64(p, "orphan_lebs", false, orph_lebs);
	mtd_probe_u64(p, "format_version", false, fmt);
	mtd_probe_str(p, "compression", true, "%s", compr_name(compr));
	mtd_probe_hex(p, "flags", false, flags);
	const uint8_t *u = b + 108;
	mtd_probe_str(p, "uuid", false, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
	              u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);

	/* the first master node of LEB 1 */
	struct mtd_reader m;
	if (mtd_rd_window(&r, leb_size, CH, &m)) {
		const uint8_t *mh = mtd_rd_ptr(&m);
		uint32_t mlen = mtd_le32(mh + 16);
		struct mtd_reader mn;
		if (mtd_le32(mh) == 0x06101831u && mh[20] == MST_NODE && mlen >= CH && mlen <= 4096 &&
		    mtd_rd_window(&r, leb_size, mlen, &mn)) {
			bool ok = node_crc_ok(mtd_rd_ptr(&mn), mlen);
			mtd_probe_bool(p, "master_crc_ok", false, ok);
			if (!ok) {
				mtd_probe_problem(p, "master node CRC does not match");
				p->valid = false;
			}
		} else if (avail >= (uint64_t)leb_size + CH) {
			mtd_probe_problem(p, "no master node at the start of LEB 1");
			p->valid = false;
		}
	}

	if (extent > avail) {
		uint64_t present = avail / leb_size;
		if (p->space >= 0) {
			/* inside an assembled UBI volume: LEBs past the last mapped one are simply unmapped */
			mtd_probe_u64(p, "lebs_present", false, present);
		} else {
			mtd_probe_problem(p, "truncated: %u LEBs of 0x%x bytes, only 0x%llx bytes present", leb_cnt,
			                  leb_size, (unsigned long long)avail);
			p->valid = false;
		}
		p->size = avail;
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_ubifs = {
    .name = "ubifs",
    .magics = {{"\x31\x18\x10\x06", 4, 0}},
    .probe = probe,
};
