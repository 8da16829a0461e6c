/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <mtdscope/unitdata.h>

#include "format.h"

/*
 * U-Boot binaries.  No header: a U-Boot starts with its reset vector (MIPS
 * "b reset" + delay slot, ARM "b reset" + "ldr pc, ...", AArch64 "b reset")
 * or the first instructions of its start.S (RISC-V: "csrr a0, mhartid" in
 * M-mode builds, then "mv tp, a0; mv s1, a1; li gp, 0"; 32-bit x86: "cli;
 * cld" and the cache-disabling "mov %cr0, %eax; or $0x60000000, %eax; mov
 * %eax, %cr0"; x86-64: "mov %rsp, %rdi; call; mov %rax, %rsp; call";
 * PowerPC e500: "li r1, MSR_DE; mtmsr r1", as u-boot.bin of Debian's
 * u-boot-qemu starts) and carries its version string ("U-Boot 2023.01 (Jan 09 2023 - ...)",
 * "U-Boot 1.1.3 (Dec  5 2016 - ...)").  Tried at every 4 KiB, and by magic
 * at the vector table of the Ralink/MediaTek SDK U-Boot 1.1.3, which often
 * sits behind a 64-byte uImage header ("SPI Flash Image") at an offset that
 * is not 4 KiB aligned.
 *
 * Extent.  U-Boot records no size of its own, so:
 *   - when u-boot.bin ends with its appended device tree (u-boot-nodtb.bin +
 *     u-boot.dtb, the mainline default), the end is that DTB's totalsize,
 *     which the binary does record;
 *   - otherwise the end of non-padding data: the first 4 KiB block that is
 *     all 0xFF (or where a uImage, squashfs, UBI or environment starts, or the
 *     end of the enclosing space, e.g. the uImage payload) ends the search,
 *     and trailing 0xFF bytes are not counted.  A binary whose own last
 *     bytes are 0xFF therefore measures a few bytes short.
 */

#define MAX_UBOOT (2u << 20)

#define VEC_LEN 16u

static const char *reset_vector(const uint8_t *b)
{
	uint32_t le0 = mtd_le32(b), le1 = mtd_le32(b + 4), be0 = mtd_be32(b), be1 = mtd_be32(b + 4);
	/* MIPS b (beq $0,$0) forward, delay slot nop or "mtc0 $0, CP0_COUNT" */
	if ((le0 >> 16) == 0x1000 && (le0 & 0xffff) >= 1 && (le0 & 0xffff) < 0x2000 && (le1 == 0 || le1 == 0x40804800u))
		return "mips-le";
	if ((be0 >> 16) == 0x1000 && (be0 & 0xffff) >= 1 && (be0 & 0xffff) < 0x2000 && (be1 == 0 || be1 == 0x40804800u))
		return "mips-be";
	/* ARM b forward, then ldr pc,[pc,#x] or another b (the exception vectors) */
	if ((le0 >> 24) == 0xea && (le0 & 0xffffff) < 0x4000 && ((le1 >> 12) == 0xe59ff || (le1 >> 24) == 0xea))
		return "arm";
	/* AArch64 b forward, then alignment padding */
	if ((le0 >> 26) == 0x05 && (le0 & 0x3ffffff) >= 1 && (le0 & 0x3ffffff) < 0x4000 &&
	    (le1 == 0 || le1 == 0xd503201fu))
		return "arm64";
	/* RISC-V: [csrr a0, mhartid (0xf1402573)] c.mv tp, a0 (0x822a); c.mv s1, a1 (0x84ae); li gp, 0 (0x00000193) */
	const uint8_t *rv = le0 == 0xf1402573u ? b + 4 : b;
	if (mtd_le16(rv) == 0x822a && mtd_le16(rv + 2) == 0x84ae && mtd_le32(rv + 4) == 0x00000193u)
		return "riscv";
	/* x86 (32-bit): cli; cld; mov %cr0,%eax; or $0x60000000,%eax; mov %eax,%cr0 */
	static const uint8_t x86[] = {0xfa, 0xfc, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x60, 0x0f, 0x22, 0xc0};
	if (!memcmp(b, x86, sizeof(x86)))
		return "x86";
	/* x86-64: mov %rsp,%rdi; call rel32; mov %rax,%rsp; call rel32 */
	if (!memcmp(b, "\x48\x89\xe7\xe8", 4) && !memcmp(b + 8, "\x48\x89\xc4\xe8", 4))
		return "x86-64";
	/* PowerPC e500 (mpc85xx start.S): li r1, 0x200 (MSR_DE); mtmsr r1 */
	if (be0 == 0x38200200u && be1 == 0x7c200124u)
		return "powerpc";
	return NULL;
}

/* The version string "U-Boot X.Y..." in the first n bytes of r: offset or -1, its length in *vlen. */
static long find_version(const struct mtd_reader *all, size_t n, size_t *vlen)
{
	struct mtd_reader r;
	size_t at = 0, o;
	mtd_rd_window(all, 0, n, &r);
	while (at < n && mtd_rd_find(&r, at, "U-Boot ", 7, &o)) {
		size_t v = o + 7;
		if (v + 4 < n && mtd_rd_eq_at(&r, v, "SPL ", 4))
			v += 4;
		uint8_t c0 = mtd_rd_u8_at(&r, v), c1 = mtd_rd_u8_at(&r, v + 1);
		if (v + 3 < n && c0 >= '0' && c0 <= '9' && (c1 == '.' || (c1 >= '0' && c1 <= '9'))) {
			size_t e = o;
			uint8_t c;
			while (e < n && e - o < 200 && (c = mtd_rd_u8_at(&r, e)) >= 0x20 && c < 0x7f)
				e++;
			*vlen = e - o;
			return (long)o;
		}
		at = o + 7;
	}
	return -1;
}

/* Another structure starts at `at` of r: a uImage, squashfs or UBI magic, or an environment whose CRC holds. */
static bool structure_starts(const struct mtd_reader *r, size_t at)
{
	const uint8_t *rest = NULL;
	size_t n = at <= mtd_rd_left(r) ? mtd_rd_left(r) - at : 0;
	if (n < 8 || !mtd_rd_bytes_at(r, at, n, &rest))
		return false;
	uint32_t be = mtd_rd_be32_at(r, at);
	if (be == 0x27051956u || be == 0x68737173u || be == 0x55424923u)
		return true;
	struct mtd_env_measure m;
	return mtd_env_measure(rest, n, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m) == 0 && m.crc_ok;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint8_t hdr[VEC_LEN];
	mtd_probe_reader(p, &r);
	size_t avail = mtd_rd_left(&r);
	if (avail < 0x400 || !mtd_rd_copy_at(&r, 0, hdr, VEC_LEN))
		return MTD_ERR_NO_MATCH;
	const char *arch = reset_vector(hdr);
	if (!arch)
		return MTD_ERR_NO_MATCH;
	size_t lim = avail < MAX_UBOOT ? avail : MAX_UBOOT, vlen = 0;
	long vo = find_version(&r, lim, &vlen);
	if (vo < 0)
		return MTD_ERR_NO_MATCH;

	/* end of data: first erased 4 KiB block (aligned in the space) or another structure */
	size_t end = lim;
	uint64_t first = ((p->off + (uint64_t)vo) / 4096 + 1) * 4096 - p->off;
	for (size_t b = (size_t)first; b < lim; b += 4096) {
		size_t n = lim - b < 4096 ? lim - b : 4096;
		if (mtd_rd_uniform_at(&r, b, n, 0xff) || structure_starts(&r, b)) {
			end = b;
			break;
		}
	}
	/*
	 * SPL + payload (u-boot-with-spl.bin of MT7628/MT7621 and others): the SPL
	 * is followed, at any 4-byte boundary, by a uImage of U-Boot proper (LZMA
	 * on mtmips).  A uImage header whose CRC holds ends the SPL; the scanner
	 * then finds the uImage itself.
	 */
	bool spl = false;
	for (size_t q = ((size_t)vo + vlen + 3) & ~(size_t)3; q + 64 <= end; q += 4) {
		if (mtd_rd_be32_at(&r, q) != 0x27051956u)
			continue;
		static const uint8_t zero[4] = {0};
		uint32_t c = 0;
		if (mtd_rd_crc32(&r, q, 4, 0, &c) && (c = mtd_crc32(c, zero, 4), mtd_rd_crc32(&r, q + 8, 56, c, &c)) &&
		    c == mtd_rd_be32_at(&r, q + 4)) {
			end = q;
			spl = true;
			break;
		}
	}
	while (end > (size_t)vo + vlen && mtd_rd_u8_at(&r, end - 1) == 0xff)
		end--;
	const char *from = spl            ? "uImage of U-Boot proper after it (SPL)"
	                   : end == avail ? "end of space"
	                                  : "end of non-padding data";

	/*
	 * An appended device tree ends the binary exactly.  It ends in NUL
	 * bytes, so look back from the last byte that is neither 0xFF nor 0x00
	 * (zero padding up to the next partition is not U-Boot either).
	 */
	size_t dtb_off = 0, dtb_size = 0, lo = (size_t)vo + vlen, nz = end;
	while (nz > lo && mtd_rd_u8_at(&r, nz - 1) == 0)
		nz--;
	size_t scan_from = nz > 0x80000 ? nz - 0x80000 : 0;
	if (scan_from < lo)
		scan_from = lo;
	size_t top = nz + 40 <= avail ? nz : avail - 40; /* a DTB header is 40 bytes */
	for (size_t q = top & ~(size_t)3; !spl && nz >= 44 && q >= scan_from; q -= 4) {
		if (mtd_rd_be32_at(&r, q) == 0xd00dfeedu) {
			uint32_t t = mtd_rd_be32_at(&r, q + 4), ver = mtd_rd_be32_at(&r, q + 20);
			if (t >= 40 && ver >= 16 && ver <= 17 && q + (size_t)t >= nz && q + (size_t)t <= avail &&
			    q + (size_t)t - nz < 0x10000) {
				dtb_off = q;
				dtb_size = t;
				end = q + t;
				from = "appended device tree";
			}
			break;
		}
		if (q < 4)
			break;
	}
	p->size = end;
	p->valid = true;
	if (spl)
		mtd_probe_bool(p, "spl", false, true);
	char version[201];
	mtd_rd_copy_at(&r, (size_t)vo, version, vlen); /* vlen <= 200, found inside r */
	mtd_probe_str(p, "version", true, "%.*s", (int)vlen, version);
	mtd_probe_str(p, "arch", true, "%s", arch);
	mtd_probe_hex(p, "version_offset", false, (uint64_t)vo);
	mtd_probe_str(p, "size_from", false, "%s", from);
	if (dtb_size) {
		mtd_probe_hex(p, "dtb_offset", false, dtb_off);
		mtd_probe_hex(p, "dtb_size", false, dtb_size);
		mtd_probe_scan_range(p, p->off + dtb_off, dtb_size);
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_uboot = {
    .name = "uboot",
    /* Ralink SDK U-Boot 1.1.3 vector table (mipsel and mips): "b reset; nop; b reset; nop" */
    .magics = {{"\xff\x00\x00\x10\x00\x00\x00\x00\xfd\x00\x00\x10\x00\x00\x00\x00", 16, 0},
               {"\x10\x00\x00\xff\x00\x00\x00\x00\x10\x00\x00\xfd\x00\x00\x00\x00", 16, 0}},
    .anchor_align = 4096,
    .probe = probe,
};
