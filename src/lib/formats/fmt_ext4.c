/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <time.h>

#include "format.h"

/*
 * ext2/3/4: the superblock sits 1024 bytes into the filesystem, magic 0xEF53
 * at 0x438.  That 2-byte magic is far from the start and too weak for the
 * magic filter, so the probe is anchored at 4 KiB boundaries and rejects on
 * two byte compares.  Extent = blocks_count * block size.  With
 * metadata_csum the superblock carries a CRC-32C of its first 1020 bytes
 * (seeded ~0, not inverted, as the kernel stores it).  The type stays `ext4`
 * for the whole family; `variant` says which one the features make it.
 */

#define SB_OFF 1024u
#define SB_LEN 1024u

static const char *const compat_names[32] = {
    [0] = "dir_prealloc",  [1] = "imagic_inodes", [2] = "has_journal",    [3] = "ext_attr",
    [4] = "resize_inode",  [5] = "dir_index",     [6] = "lazy_bg",        [8] = "exclude_bitmap",
    [9] = "sparse_super2", [10] = "fast_commit",  [11] = "stable_inodes", [12] = "orphan_file"};
static const char *const incompat_names[32] = {
    [0] = "compression", [1] = "filetype",     [2] = "needs_recovery", [3] = "journal_dev",
    [4] = "meta_bg",     [6] = "extent",       [7] = "64bit",          [8] = "mmp",
    [9] = "flex_bg",     [10] = "ea_inode",    [12] = "dirdata",       [13] = "metadata_csum_seed",
    [14] = "large_dir",  [15] = "inline_data", [16] = "encrypt",       [17] = "casefold"};
static const char *const ro_names[32] = {
    [0] = "sparse_super", [1] = "large_file",     [3] = "huge_file", [4] = "uninit_bg",
    [5] = "dir_nlink",    [6] = "extra_isize",    [7] = "snapshot",  [8] = "quota",
    [9] = "bigalloc",     [10] = "metadata_csum", [11] = "replica",  [12] = "read-only",
    [13] = "project",     [14] = "shared_blocks", [15] = "verity",   [16] = "orphan_present"};

static uint32_t crc32c_raw(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
	}
	return crc;
}

static void add_features(char *buf, size_t cap, size_t *n, uint32_t mask, const char *const names[32],
                         const char *unknown_fmt)
{
	for (unsigned b = 0; b < 32; b++) {
		if (!(mask & (1u << b)))
			continue;
		int w = names[b] ? snprintf(buf + *n, cap - *n, "%s%s", *n ? " " : "", names[b])
		                 : snprintf(buf + *n, cap - *n, unknown_fmt, *n ? " " : "", b);
		if (w < 0 || (size_t)w >= cap - *n)
			return;
		*n += (size_t)w;
	}
}

static void str_field(struct mtd_probe *p, const char *key, bool brief, const uint8_t *s, size_t n)
{
	char out[65];
	size_t k = 0;
	for (; k < n && k < sizeof(out) - 1 && s[k]; k++)
		out[k] = (s[k] >= 0x20 && s[k] < 0x7f) ? (char)s[k] : '?';
	out[k] = 0;
	if (k)
		mtd_probe_str(p, key, brief, "%s", out);
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r, w;
	mtd_probe_reader(p, &r);
	if (!mtd_rd_window(&r, SB_OFF, SB_LEN, &w))
		return MTD_ERR_NO_MATCH;
	const uint8_t *s = mtd_rd_ptr(&w);
	if (s[0x38] != 0x53 || s[0x39] != 0xef)
		return MTD_ERR_NO_MATCH;
	uint32_t inodes = mtd_le32(s), blocks_lo = mtd_le32(s + 4), first_data = mtd_le32(s + 20);
	uint32_t log_bs = mtd_le32(s + 24), bpg = mtd_le32(s + 32), ipg = mtd_le32(s + 40);
	uint32_t rev = mtd_le32(s + 76), compat = mtd_le32(s + 92), incompat = mtd_le32(s + 96);
	uint32_t ro = mtd_le32(s + 100), mkfs_time = mtd_le32(s + 264);
	uint16_t state = mtd_le16(s + 58);
	/* a backup superblock (block_group_nr != 0) is not the start of a filesystem */
	if (log_bs > 6 || inodes == 0 || blocks_lo == 0 || bpg == 0 || ipg == 0 || rev > 1 ||
	    first_data != (log_bs == 0 ? 1u : 0u) || mtd_le16(s + 90) != 0)
		return MTD_ERR_NO_MATCH;
	uint64_t bs = 1024ull << log_bs;
	uint64_t blocks = blocks_lo;
	if (incompat & 0x80)
		blocks |= (uint64_t)mtd_le32(s + 0x150) << 32;
	uint64_t extent;
	if (!mtd_mul_ov(blocks, bs, &extent))
		return MTD_ERR_NO_MATCH;

	const char *variant = (incompat & (0x40 | 0x80 | 0x200)) || (ro & (0x8 | 0x400)) ? "ext4"
	                      : (compat & 0x4)                                           ? "ext3"
	                                                                                 : "ext2";
	p->valid = true;
	p->size = extent;
	mtd_probe_str(p, "variant", true, "%s", variant);
	str_field(p, "label", true, s + 120, 16);
	mtd_probe_u64(p, "block_size", true, bs);
	mtd_probe_u64(p, "blocks", true, blocks);
	mtd_probe_u64(p, "inodes", false, inodes);
	const uint8_t *u = s + 104;
	mtd_probe_str(p, "uuid", false, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
	              u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	str_field(p, "last_mounted", false, s + 136, 64);
	mtd_probe_str(p, "state", false, "%s%s", (state & 1) ? "clean" : "not clean",
	              (state & 2) ? " with errors" : "");
	char feat[1024];
	size_t n = 0;
	feat[0] = 0;
	add_features(feat, sizeof(feat), &n, compat, compat_names, "%sFEATURE_C%u");
	add_features(feat, sizeof(feat), &n, incompat, incompat_names, "%sFEATURE_I%u");
	add_features(feat, sizeof(feat), &n, ro, ro_names, "%sFEATURE_R%u");
	mtd_probe_str(p, "features", false, "%s", feat);
	if (mkfs_time) {
		time_t t = (time_t)mkfs_time;
		struct tm tm;
		char buf[32];
		if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
			mtd_probe_str(p, "mkfs_time", false, "%s", buf);
	}
	if (ro & 0x400) {
		uint32_t want = mtd_le32(s + 1020), got = crc32c_raw(0xffffffffu, s, 1020);
		mtd_probe_bool(p, "sb_checksum_ok", false, want == got);
		if (want != got) {
			mtd_probe_problem(p, "superblock checksum 0x%08x does not match 0x%08x", want, got);
			p->valid = false;
		}
	}
	uint64_t avail = p->len - p->off;
	if (extent > avail) {
		mtd_probe_problem(p, "truncated: %llu blocks of %llu bytes, only 0x%llx bytes present",
		                  (unsigned long long)blocks, (unsigned long long)bs, (unsigned long long)avail);
		p->size = avail;
		p->valid = false;
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_ext4 = {
    .name = "ext4",
    .anchor_align = 4096,
    .probe = probe,
};
