/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * PE/COFF (Microsoft PE format specification; EFI applications and drivers,
 * the Linux EFI stub, U-Boot's EFI payloads), little-endian: a DOS header
 * "MZ" whose e_lfanew (at 0x3c) points at "PE\0\0", the COFF header (machine,
 * number of sections, symbol table pointer and count, optional header size,
 * characteristics), the optional header (magic 0x10b PE32 or 0x20b PE32+,
 * SizeOfHeaders, Subsystem, the data directories), then the section table
 * (40 bytes a section: name, virtual size and address, SizeOfRawData,
 * PointerToRawData).  The extent is the furthest of SizeOfHeaders, the end of
 * each section's raw data, the certificate table (data directory 4, a file
 * offset) and the COFF symbol and string tables.
 *
 * "MZ" and "PE\0\0" are four bytes of chance in compressed or pixel data, so
 * a candidate must also hold together as the specification requires: a
 * machine the specification names, SizeOfOptionalHeader large enough for the
 * standard and Windows fields of its magic plus NumberOfRvaAndSizes (<= 16)
 * directories, SectionAlignment and FileAlignment powers of two with
 * FileAlignment <= 64 KiB and <= SectionAlignment, SizeOfHeaders covering the
 * section table and within SizeOfImage, and every section's virtual range
 * inside SizeOfImage, in ascending order, its raw data a multiple of
 * FileAlignment away from the start.
 */

#define PE_MAX_LFANEW   0x10000u
#define PE_MAX_SECTIONS 96u

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case 0x014c: return "i386";
	case 0x8664: return "x86-64";
	case 0x01c0: return "arm";
	case 0x01c2: return "thumb";
	case 0x01c4: return "armv7";
	case 0xaa64: return "arm64";
	case 0x5032: return "riscv32";
	case 0x5064: return "riscv64";
	case 0x6232: return "loongarch32";
	case 0x6264: return "loongarch64";
	case 0x0166: return "mips";
	case 0x0200: return "ia64";
	case 0x0ebc: return "ebc";
	case 0x0184: return "alpha";
	case 0x0284: return "alpha64";
	case 0x01d3: return "am33";
	case 0x0266: return "mips16";
	case 0x0366: return "mipsfpu";
	case 0x0466: return "mipsfpu16";
	case 0x0169: return "wcemipsv2";
	case 0x0162: return "r3000";
	case 0x0168: return "r10000";
	case 0x01f0: return "powerpc";
	case 0x01f1: return "powerpcfp";
	case 0x5128: return "riscv128";
	case 0x01a2: return "sh3";
	case 0x01a3: return "sh3dsp";
	case 0x01a6: return "sh4";
	case 0x01a8: return "sh5";
	case 0x9041: return "m32r";
	case 0xa641: return "arm64ec";
	default: return NULL;
	}
}

static const char *subsystem_name(uint16_t s)
{
	switch (s) {
	case 1: return "native";
	case 2: return "windows-gui";
	case 3: return "windows-cui";
	case 10: return "efi-application";
	case 11: return "efi-boot-service-driver";
	case 12: return "efi-runtime-driver";
	case 13: return "efi-rom";
	default: return NULL;
	}
}

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static void grow(uint64_t *end, uint64_t off, uint64_t len)
{
	uint64_t e;
	if (mtd_add_ov(off, len, &e) && e > *end)
		*end = e;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	if (avail < 0x40 || !mtd_rd_eq_at(&r, 0, "MZ", 2))
		return MTD_ERR_NO_MATCH;
	uint32_t pe = mtd_rd_le32_at(&r, 0x3c);
	if (pe < 0x40 || pe > PE_MAX_LFANEW || pe & 3 || avail - 24 < pe || !mtd_rd_eq_at(&r, pe, "PE\0\0", 4))
		return MTD_ERR_NO_MATCH;
	uint16_t machine = mtd_rd_le16_at(&r, pe + 4), nsec = mtd_rd_le16_at(&r, pe + 6);
	uint32_t symtab = mtd_rd_le32_at(&r, pe + 12), nsyms = mtd_rd_le32_at(&r, pe + 16);
	uint16_t optsz = mtd_rd_le16_at(&r, pe + 20), chars = mtd_rd_le16_at(&r, pe + 22);
	uint64_t opt = (uint64_t)pe + 24, sect = opt + optsz;
	if (nsec == 0 || nsec > PE_MAX_SECTIONS || optsz < 68 || sect + 40ull * nsec > avail)
		return MTD_ERR_NO_MATCH;
	uint16_t magic = mtd_rd_le16_at(&r, (size_t)opt);
	if ((magic != 0x10b && magic != 0x20b) || !machine_name(machine))
		return MTD_ERR_NO_MATCH;
	/* the Windows-specific fields end with NumberOfRvaAndSizes: at 92 (PE32) or 108 (PE32+) */
	uint32_t ndirs_at = magic == 0x20b ? 108 : 92, dirs_at = ndirs_at + 4;
	if (optsz < dirs_at)
		return MTD_ERR_NO_MATCH;
	uint32_t ndirs = mtd_rd_le32_at(&r, (size_t)opt + ndirs_at);
	uint32_t salign = mtd_rd_le32_at(&r, (size_t)opt + 32), falign = mtd_rd_le32_at(&r, (size_t)opt + 36);
	uint32_t image = mtd_rd_le32_at(&r, (size_t)opt + 56);
	uint32_t hdrs = mtd_rd_le32_at(&r, (size_t)opt + 60);
	uint16_t subsys = mtd_rd_le16_at(&r, (size_t)opt + 68);
	if (ndirs > 16 || optsz < dirs_at + 8 * ndirs || !pow2(salign) || !pow2(falign) || falign > 0x10000 ||
	    falign > salign || hdrs < sect + 40ull * nsec || hdrs > image)
		return MTD_ERR_NO_MATCH;
	uint64_t end = sect + 40ull * nsec;
	grow(&end, 0, hdrs);
	uint64_t vnext = 0;
	for (uint16_t i = 0; i < nsec; i++) {
		size_t s = (size_t)(sect + 40ull * i);
		uint32_t vsize = mtd_rd_le32_at(&r, s + 8), va = mtd_rd_le32_at(&r, s + 12);
		uint32_t raw = mtd_rd_le32_at(&r, s + 16), ptr = mtd_rd_le32_at(&r, s + 20);
		uint64_t vlen = vsize ? vsize : raw;
		if (va < vnext || (uint64_t)va + vlen > image || (raw && ptr % falign))
			return MTD_ERR_NO_MATCH;
		vnext = va + vlen;
	}
	for (uint16_t i = 0; i < nsec; i++) {
		size_t s = (size_t)(sect + 40ull * i);
		uint32_t raw = mtd_rd_le32_at(&r, s + 16), ptr = mtd_rd_le32_at(&r, s + 20);
		if (raw && ptr)
			grow(&end, ptr, raw);
		char name[9];
		mtd_rd_copy_at(&r, s, name, 8);
		name[8] = 0;
		for (int k = 0; k < 8 && name[k]; k++)
			if ((uint8_t)name[k] < 0x20 || (uint8_t)name[k] >= 0x7f)
				name[k] = '?';
		mtd_probe_list_add(p, "sections", false, "%s", name);
	}
	/* data directory 4 (certificate table) holds a file offset, not an RVA */
	if (ndirs > 4) {
		uint32_t coff = mtd_rd_le32_at(&r, (size_t)opt + dirs_at + 32),
		         clen = mtd_rd_le32_at(&r, (size_t)opt + dirs_at + 36);
		if (coff && clen) {
			grow(&end, coff, clen);
			mtd_probe_bool(p, "signed", false, true);
		}
	}
	if (symtab && nsyms) {
		/* COFF symbols (18 bytes each), then the string table whose first 4 bytes are its length */
		uint64_t st = (uint64_t)symtab + 18ull * nsyms;
		grow(&end, symtab, 18ull * nsyms);
		if (st + 4 <= avail)
			grow(&end, st, mtd_rd_le32_at(&r, (size_t)st) >= 4 ? mtd_rd_le32_at(&r, (size_t)st) : 4);
	}
	const char *mn = machine_name(machine), *sn = subsystem_name(subsys);
	if (mn)
		mtd_probe_str(p, "machine", true, "%s", mn);
	else
		mtd_probe_hex(p, "machine", true, machine);
	if (sn)
		mtd_probe_str(p, "subsystem", true, "%s", sn);
	else
		mtd_probe_u64(p, "subsystem", true, subsys);
	mtd_probe_str(p, "format", false, "%s", magic == 0x20b ? "PE32+" : "PE32");
	mtd_probe_hex(p, "characteristics", false, chars);
	mtd_probe_u64(p, "section_count", false, nsec);
	p->valid = true;
	if (end > avail) {
		mtd_probe_problem(p, "truncated: its sections run to +0x%llx but only 0x%llx bytes remain in its space",
		                  (unsigned long long)end, (unsigned long long)avail);
		p->valid = false;
		end = avail;
	}
	p->size = end;
	return MTD_OK;
}

const struct mtd_format mtd_fmt_pe = {
    .name = "pe",
    .magics = {{"MZ", 2, 0}},
    .probe = probe,
};
