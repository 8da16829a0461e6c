/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * Netgear .chk (OpenWrt's firmware-utils mkchkimg.c), big-endian: magic
 * 0x2A23245E, header length (40 + the board id), 8 reserved bytes (region,
 * version), kernel checksum, rootfs checksum, kernel length, rootfs length,
 * image checksum (kernel and rootfs together), header checksum (over the
 * header with this field zero, and the board id), then the board id (not
 * NUL-terminated) up to the header length, the kernel and the rootfs.  The
 * checksum is Netgear's own: c0 sums the bytes, c1 sums c0, each folded
 * twice to 16 bits, (c1 << 16) | c0.  The kernel (often a TRX) and the
 * rootfs are children, scanned inside.
 */

#define CHK_MAGIC 0x2a23245eu
#define CHK_FIXED 40u
#define CHK_MAX   256u /* a header longer than this holds no board id */

struct ngr_sum {
	uint32_t c0, c1;
};

static void sum_bytes(struct ngr_sum *s, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		s->c0 += b[i];
		s->c1 += s->c0;
	}
}

/* Add [at, at+n) of r, copied out in pieces. */
static bool sum_range(struct ngr_sum *s, const struct mtd_reader *r, uint64_t at, uint64_t n)
{
	uint8_t buf[4096];
	while (n) {
		size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		if (!mtd_rd_copy_at(r, (size_t)at, buf, k))
			return false;
		sum_bytes(s, buf, k);
		at += k, n -= k;
	}
	return true;
}

static uint32_t sum_fini(struct ngr_sum s)
{
	uint32_t b = (s.c0 & 65535) + ((s.c0 >> 16) & 65535);
	s.c0 = ((b >> 16) + b) & 65535;
	b = (s.c1 & 65535) + ((s.c1 >> 16) & 65535);
	s.c1 = ((b >> 16) + b) & 65535;
	return (s.c1 << 16) | s.c0;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	if (avail < CHK_FIXED || mtd_rd_be32_at(&r, 0) != CHK_MAGIC)
		return MTD_ERR_NO_MATCH;
	uint32_t hlen = mtd_rd_be32_at(&r, 4);
	if (hlen < CHK_FIXED || hlen > CHK_MAX || hlen > avail)
		return MTD_ERR_NO_MATCH;
	uint8_t h[CHK_MAX];
	mtd_rd_copy_at(&r, 0, h, hlen);
	uint32_t kcs = mtd_be32(h + 16), rcs = mtd_be32(h + 20), klen = mtd_be32(h + 24), rlen = mtd_be32(h + 28);
	uint32_t ics = mtd_be32(h + 32), hcs = mtd_be32(h + 36);
	struct ngr_sum s = {0, 0};
	memset(h + 36, 0, 4);
	sum_bytes(&s, h, hlen);
	bool hdr_ok = sum_fini(s) == hcs;
	if (!hdr_ok) {
		/* a damaged header, or a magic in other data: only a kernel whose checksum holds tells them apart */
		struct ngr_sum k0 = {0, 0};
		if (!klen || (uint64_t)hlen + klen > avail || !sum_range(&k0, &r, hlen, klen) || sum_fini(k0) != kcs)
			return MTD_ERR_NO_MATCH;
	}
	char board[CHK_MAX];
	size_t k = 0;
	for (uint32_t i = CHK_FIXED; i < hlen; i++)
		board[k++] = h[i] >= 0x20 && h[i] < 0x7f ? (char)h[i] : '?';
	board[k] = 0;
	p->valid = hdr_ok;
	mtd_probe_bool(p, "header_checksum_ok", false, hdr_ok);
	if (!hdr_ok)
		mtd_probe_problem(p, "header checksum 0x%08x does not match the header (its kernel's checksum holds)",
		                  hcs);
	mtd_probe_str(p, "board_id", true, "%s", board);
	mtd_probe_u64(p, "region", false, h[8]);
	mtd_probe_str(p, "version", false, "%u.%u.%u", h[9], h[10], h[11]);
	mtd_probe_u64(p, "kernel_len", false, klen);
	mtd_probe_u64(p, "rootfs_len", false, rlen);
	uint64_t end = (uint64_t)hlen + klen + rlen;
	if (end > avail) {
		mtd_probe_problem(
		    p, "truncated: kernel and rootfs run to +0x%llx but only 0x%llx bytes remain in its space",
		    (unsigned long long)end, (unsigned long long)avail);
		p->valid = false;
		p->size = avail;
	} else {
		p->size = end;
		struct ngr_sum k1 = {0, 0}, r1 = {0, 0}, all = {0, 0};
		sum_range(&k1, &r, hlen, klen);
		sum_range(&r1, &r, (uint64_t)hlen + klen, rlen);
		sum_range(&all, &r, hlen, (uint64_t)klen + rlen);
		bool kok = sum_fini(k1) == kcs, rok = !rlen || sum_fini(r1) == rcs, iok = sum_fini(all) == ics;
		mtd_probe_bool(p, "kernel_checksum_ok", false, kok);
		if (rlen)
			mtd_probe_bool(p, "rootfs_checksum_ok", false, rok);
		mtd_probe_bool(p, "image_checksum_ok", false, iok);
		if (!kok || !rok || !iok) {
			mtd_probe_problem(p, "checksum of the %s does not match the header",
			                  !kok   ? "kernel"
			                  : !rok ? "rootfs"
			                         : "image");
			p->valid = false;
		}
	}
	const struct {
		const char *type;
		uint64_t off, len;
	} parts[] = {{"chk-kernel", hlen, klen}, {"chk-rootfs", (uint64_t)hlen + klen, rlen}};
	for (size_t i = 0; i < 2; i++) {
		if (!parts[i].len || parts[i].off >= p->size)
			continue;
		uint64_t has = p->size - parts[i].off < parts[i].len ? p->size - parts[i].off : parts[i].len;
		struct mtd_probe *c = mtd_probe_child(p, parts[i].type, p->off + parts[i].off, has);
		if (c)
			mtd_probe_child_done(c, true);
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_netgear_chk = {
    .name = "netgear-chk",
    .magics = {{"\x2a\x23\x24\x5e", 4, 0}},
    .probe = probe,
};
