/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <time.h>

#include "format.h"

/*
 * Legacy U-Boot image (include/image.h in U-Boot): a 64-byte big-endian
 * header with its own CRC-32 (computed with the CRC field zeroed), then
 * ih_size bytes of payload covered by ih_dcrc.
 */

#define UIMAGE_HDR 64u

static const char *os_name(uint8_t v)
{
	static const char *const t[] = {[0] = "invalid",   [1] = "openbsd",
	                                [2] = "netbsd",    [3] = "freebsd",
	                                [4] = "4_4bsd",    [5] = "linux",
	                                [6] = "svr4",      [7] = "esix",
	                                [8] = "solaris",   [9] = "irix",
	                                [10] = "sco",      [11] = "dell",
	                                [12] = "ncr",      [13] = "lynxos",
	                                [14] = "vxworks",  [15] = "psos",
	                                [16] = "qnx",      [17] = "u-boot",
	                                [18] = "rtems",    [19] = "artos",
	                                [20] = "unity",    [21] = "integrity",
	                                [22] = "ose",      [23] = "plan9",
	                                [24] = "openrtos", [25] = "arm-trusted-firmware",
	                                [26] = "tee",      [27] = "opensbi",
	                                [28] = "efi"};
	return v < sizeof(t) / sizeof(t[0]) && t[v] ? t[v] : "unknown";
}

static const char *arch_name(uint8_t v)
{
	static const char *const t[] = {
	    [0] = "invalid", [1] = "alpha",    [2] = "arm",         [3] = "x86",    [4] = "ia64",      [5] = "mips",
	    [6] = "mips64",  [7] = "ppc",      [8] = "s390",        [9] = "sh",     [10] = "sparc",    [11] = "sparc64",
	    [12] = "m68k",   [13] = "nios",    [14] = "microblaze", [15] = "nios2", [16] = "blackfin", [17] = "avr32",
	    [18] = "st200",  [19] = "sandbox", [20] = "nds32",      [21] = "or1k",  [22] = "arm64",    [23] = "arc",
	    [24] = "x86_64", [25] = "xtensa",  [26] = "riscv"};
	return v < sizeof(t) / sizeof(t[0]) && t[v] ? t[v] : "unknown";
}

static const char *type_name(uint8_t v)
{
	static const char *const t[] = {
	    [0] = "invalid",       [1] = "standalone",    [2] = "kernel",         [3] = "ramdisk",
	    [4] = "multi",         [5] = "firmware",      [6] = "script",         [7] = "filesystem",
	    [8] = "flat_dt",       [9] = "kwbimage",      [10] = "imximage",      [11] = "ublimage",
	    [12] = "omapimage",    [13] = "aisimage",     [14] = "kernel_noload", [15] = "pblimage",
	    [16] = "mxsimage",     [17] = "gpimage",      [18] = "atmelimage",    [19] = "socfpgaimage",
	    [20] = "x86_setup",    [21] = "lpc32xximage", [22] = "loadables",     [23] = "rkimage",
	    [24] = "rksd",         [25] = "rkspi",        [26] = "zynqimage",     [27] = "zynqmpimage",
	    [28] = "zynqmpbif",    [29] = "fpga",         [30] = "vybridimage",   [31] = "tee",
	    [32] = "firmware_ivt", [33] = "pmmc",         [34] = "stm32image",    [35] = "socfpgaimage_v1",
	    [36] = "mtk_image"};
	return v < sizeof(t) / sizeof(t[0]) && t[v] ? t[v] : "unknown";
}

static const char *comp_name(uint8_t v)
{
	static const char *const t[] = {"none", "gzip", "bzip2", "lzma", "lzo", "lz4", "zstd"};
	return v < sizeof(t) / sizeof(t[0]) ? t[v] : "unknown";
}

/* r holds the candidate from its first byte and is positioned after the header. */
static bool damaged_header_plausible(const struct mtd_reader *r, const uint8_t *hdr, uint32_t size, uint32_t dcrc)
{
	uint32_t dcalc = 0;
	if (size && mtd_rd_crc32(r, UIMAGE_HDR, size, 0, &dcalc) && dcalc == dcrc)
		return true;
	/* the data may be cut by the end of the space (a dump cut short): it is then named truncated */
	if (hdr[28] == 0 || hdr[28] > 28 || hdr[29] == 0 || hdr[29] > 26 || hdr[30] == 0 || hdr[30] > 36 ||
	    hdr[31] > 6 || size == 0)
		return false;
	size_t n = 0;
	for (; n < 32 && hdr[32 + n]; n++)
		if (hdr[32 + n] < 0x20 || hdr[32 + n] >= 0x7f)
			return false;
	return n > 0;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint8_t hdr[UIMAGE_HDR];
	mtd_probe_reader(p, &r);
	if (!mtd_rd_copy(&r, hdr, UIMAGE_HDR))
		return MTD_ERR_NO_MATCH;
	if (mtd_be32(hdr) != 0x27051956u)
		return MTD_ERR_NO_MATCH;

	uint8_t copy[UIMAGE_HDR];
	memcpy(copy, hdr, UIMAGE_HDR);
	memset(copy + 4, 0, 4);
	uint32_t hcrc = mtd_be32(hdr + 4), calc = mtd_crc32(0, copy, UIMAGE_HDR);
	uint32_t time = mtd_be32(hdr + 8), size = mtd_be32(hdr + 12), load = mtd_be32(hdr + 16);
	uint32_t ep = mtd_be32(hdr + 20), dcrc = mtd_be32(hdr + 24);
	uint8_t os = hdr[28], arch = hdr[29], type = hdr[30], comp = hdr[31];
	/*
	 * A header that fails its own CRC is a damaged uImage when the rest of
	 * it still reads as one (its data CRC holds, or every enumerated field
	 * is known, the name is text and the data fits): an invalid component
	 * naming both CRCs.  Anything else is only a magic match.
	 */
	bool hdr_bad = hcrc != calc;
	if (hdr_bad && !damaged_header_plausible(&r, hdr, size, dcrc))
		return MTD_ERR_NO_MATCH;

	char name[33];
	size_t n = 0;
	for (; n < 32 && hdr[32 + n]; n++)
		name[n] = (hdr[32 + n] >= 0x20 && hdr[32 + n] < 0x7f) ? (char)hdr[32 + n] : '?';
	name[n] = 0;

	mtd_probe_str(p, "name", true, "%s", name);
	mtd_probe_str(p, "os", false, "%s", os_name(os));
	mtd_probe_str(p, "arch", true, "%s", arch_name(arch));
	mtd_probe_str(p, "image_type", true, "%s", type_name(type));
	mtd_probe_str(p, "compression", true, "%s", comp_name(comp));
	mtd_probe_hex(p, "load", true, load);
	mtd_probe_hex(p, "entry", false, ep);
	mtd_probe_u64(p, "data_size", false, size);
	mtd_probe_hex(p, "header_crc", false, hcrc);
	mtd_probe_hex(p, "data_crc", false, dcrc);
	if (time) {
		time_t t = (time_t)time;
		struct tm tm;
		char buf[32];
		if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
			mtd_probe_str(p, "created", false, "%s", buf);
	}

	uint64_t total = UIMAGE_HDR + (uint64_t)size;
	struct mtd_reader payload;
	p->valid = true;
	mtd_probe_bool(p, "header_crc_ok", false, !hdr_bad);
	if (hdr_bad) {
		mtd_probe_problem(p, "header CRC 0x%08x does not match the 0x%08x computed over the header", hcrc,
		                  calc);
		p->valid = false;
	}
	if (!mtd_rd_sub(&r, size, &payload)) {
		uint64_t avail = p->len - p->off - UIMAGE_HDR;
		mtd_probe_problem(p, "truncated: header says 0x%x data bytes, only 0x%llx present", size,
		                  (unsigned long long)avail);
		mtd_probe_bool(p, "data_crc_ok", false, false);
		p->size = p->len - p->off;
		p->valid = false;
		mtd_probe_scan_range(p, p->off + UIMAGE_HDR, avail);
		return MTD_OK;
	}
	uint32_t dcalc = 0;
	mtd_rd_crc32(&payload, 0, size, 0, &dcalc);
	mtd_probe_bool(p, "data_crc_ok", false, dcalc == dcrc);
	if (dcalc != dcrc) {
		mtd_probe_problem(p, "data CRC 0x%08x does not match header 0x%08x", dcalc, dcrc);
		p->valid = false;
	}
	p->size = total;

	/*
	 * Multi-file images: a zero-terminated table of big-endian sizes, each
	 * part 4-aligned after the table.  Every part becomes a `part` child
	 * (what `dumpimage -l` lists under Contents) scanned in turn.
	 */
	if (type == 4) {
		struct mtd_reader t = payload;
		uint32_t sz, count = 0;
		bool ended = false;
		while (count <= 64 && mtd_rd_u32be(&t, &sz)) {
			if (!sz) {
				ended = true;
				break;
			}
			count++;
		}
		if (!ended) {
			mtd_probe_problem(p, "multi-file size table has no terminating zero within %u entries", count);
			p->valid = false;
			return MTD_OK;
		}
		mtd_probe_u64(p, "parts", true, count);
		uint64_t at = p->off + UIMAGE_HDR + 4ull * (count + 1);
		t = payload;
		for (uint32_t i = 0; i < count; i++) {
			mtd_rd_u32be(&t, &sz);
			if (!mtd_range_ok(at, sz, p->off + total)) {
				mtd_probe_problem(p, "multi-file part %u (0x%x bytes) overruns the image", i, sz);
				p->valid = false;
				break;
			}
			struct mtd_probe *c = mtd_probe_child(p, "part", at, sz);
			if (c) {
				mtd_probe_str(c, "name", true, "image %u", i);
				mtd_probe_child_done(c, true);
			}
			at += (sz + 3ull) & ~3ull;
		}
		return MTD_OK;
	}
	mtd_probe_scan_range(p, p->off + UIMAGE_HDR, size);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_uimage = {
    .name = "uimage",
    .magics = {{"\x27\x05\x19\x56", 4, 0}},
    .probe = probe,
};
