/* SPDX-License-Identifier: MIT */
#include "format.h"

/*
 * ELF (System V gABI): "\x7fELF", class (32/64-bit), data (little/big
 * endian), version 1, then a header whose fields follow the class and
 * endianness.  The extent is the furthest of the header, the program header
 * table, the section header table and the file data of every segment and
 * every section that occupies file space (not SHT_NOBITS).  ELF has no
 * checksum: valid means the tables lie inside the space and agree with the
 * header.  The body is scanned in turn (a kernel's built-in device tree or
 * initramfs lives there).
 */

#define ELF_MAX_ENTRIES 65535u
#define PT_INTERP       3u
#define SHT_NOBITS      8u

struct elf {
	bool is64, be;
	struct mtd_reader r; /* the whole candidate */
};

static bool rd16(struct elf *e, uint16_t *v)
{
	return e->be ? mtd_rd_u16be(&e->r, v) : mtd_rd_u16le(&e->r, v);
}
static bool rd32(struct elf *e, uint32_t *v)
{
	return e->be ? mtd_rd_u32be(&e->r, v) : mtd_rd_u32le(&e->r, v);
}
/* A word of the file's class: 4 bytes for ELF32, 8 for ELF64. */
static bool rdw(struct elf *e, uint64_t *v)
{
	if (e->is64)
		return e->be ? mtd_rd_u64be(&e->r, v) : mtd_rd_u64le(&e->r, v);
	uint32_t x;
	if (!rd32(e, &x))
		return false;
	*v = x;
	return true;
}

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case 2: return "sparc";
	case 3: return "x86";
	case 8: return "mips";
	case 10: return "mips-rs3-le";
	case 20: return "powerpc";
	case 21: return "powerpc64";
	case 40: return "arm";
	case 42: return "sh";
	case 43: return "sparcv9";
	case 62: return "x86-64";
	case 94: return "xtensa";
	case 183: return "aarch64";
	case 243: return "riscv";
	case 258: return "loongarch";
	default: return "unknown";
	}
}

static const char *type_name(uint16_t t)
{
	static const char *const n[] = {"none", "rel", "exec", "dyn", "core"};
	return t < 5 ? n[t] : "other";
}

static void note_end(uint64_t *end, uint64_t off, uint64_t len, bool *overflow)
{
	uint64_t e;
	if (!mtd_add_ov(off, len, &e)) {
		*overflow = true;
		return;
	}
	if (e > *end)
		*end = e;
}

static int probe(struct mtd_probe *p)
{
	struct elf e;
	uint8_t id[16];
	mtd_probe_reader(p, &e.r);
	if (!mtd_rd_copy(&e.r, id, 16) || id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
		return MTD_ERR_NO_MATCH;
	if ((id[4] != 1 && id[4] != 2) || (id[5] != 1 && id[5] != 2) || id[6] != 1)
		return MTD_ERR_NO_MATCH;
	e.is64 = id[4] == 2;
	e.be = id[5] == 2;
	uint16_t type, machine, ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	uint32_t version, flags;
	uint64_t entry, phoff, shoff;
	if (!rd16(&e, &type) || !rd16(&e, &machine) || !rd32(&e, &version) || !rdw(&e, &entry) || !rdw(&e, &phoff) ||
	    !rdw(&e, &shoff) || !rd32(&e, &flags) || !rd16(&e, &ehsize) || !rd16(&e, &phentsize) || !rd16(&e, &phnum) ||
	    !rd16(&e, &shentsize) || !rd16(&e, &shnum) || !rd16(&e, &shstrndx))
		return MTD_ERR_NO_MATCH;
	uint16_t want_eh = e.is64 ? 64 : 52, want_ph = e.is64 ? 56 : 32, want_sh = e.is64 ? 64 : 40;
	if (version != 1 || ehsize != want_eh || (phnum && phentsize != want_ph) || (shnum && shentsize != want_sh) ||
	    (!phnum && !shnum) || type > 4)
		return MTD_ERR_NO_MATCH;

	mtd_probe_str(p, "class", true, "%s", e.is64 ? "ELF64" : "ELF32");
	mtd_probe_str(p, "endian", false, "%s", e.be ? "big" : "little");
	mtd_probe_str(p, "elf_type", false, "%s", type_name(type));
	mtd_probe_str(p, "machine", true, "%s", machine_name(machine));
	mtd_probe_u64(p, "machine_id", false, machine);
	mtd_probe_hex(p, "entry", true, entry);
	mtd_probe_hex(p, "flags", false, flags);
	mtd_probe_u64(p, "segments", false, phnum);
	mtd_probe_u64(p, "sections", false, shnum);

	p->valid = true;
	bool overflow = false;
	uint64_t avail = p->len - p->off, end = ehsize;
	note_end(&end, phoff, (uint64_t)phnum * phentsize, &overflow);
	note_end(&end, shoff, (uint64_t)shnum * shentsize, &overflow);

	/* Segments. */
	if (phnum && mtd_range_ok(phoff, (uint64_t)phnum * phentsize, avail)) {
		for (uint16_t i = 0; i < phnum; i++) {
			uint32_t ptype, pflags;
			uint64_t off, vaddr, paddr, filesz, memsz, align;
			mtd_rd_seek(&e.r, (size_t)(phoff + (uint64_t)i * phentsize));
			bool ok = rd32(&e, &ptype);
			if (e.is64)
				ok = ok && rd32(&e, &pflags) && rdw(&e, &off) && rdw(&e, &vaddr) && rdw(&e, &paddr) &&
				     rdw(&e, &filesz) && rdw(&e, &memsz) && rdw(&e, &align);
			else
				ok = ok && rdw(&e, &off) && rdw(&e, &vaddr) && rdw(&e, &paddr) && rdw(&e, &filesz) &&
				     rdw(&e, &memsz) && rd32(&e, &pflags) && rdw(&e, &align);
			if (!ok)
				break;
			if (!filesz)
				continue;
			note_end(&end, off, filesz, &overflow);
			char s[256];
			if (ptype == PT_INTERP && filesz < 256 && mtd_range_ok(off, filesz, avail) &&
			    mtd_rd_copy_at(&e.r, (size_t)off, s, (size_t)filesz)) {
				size_t n = 0;
				while (n < filesz && s[n] >= 0x20 && s[n] < 0x7f)
					n++;
				if (n)
					mtd_probe_str(p, "interpreter", false, "%.*s", (int)n, s);
			}
		}
	}
	/* Sections. */
	if (shnum && mtd_range_ok(shoff, (uint64_t)shnum * shentsize, avail)) {
		for (uint16_t i = 0; i < shnum; i++) {
			uint32_t name, stype, link, info;
			uint64_t sflags, addr, off, size, align, entsize;
			mtd_rd_seek(&e.r, (size_t)(shoff + (uint64_t)i * shentsize));
			if (!rd32(&e, &name) || !rd32(&e, &stype) || !rdw(&e, &sflags) || !rdw(&e, &addr) ||
			    !rdw(&e, &off) || !rdw(&e, &size) || !rd32(&e, &link) || !rd32(&e, &info) ||
			    !rdw(&e, &align) || !rdw(&e, &entsize))
				break;
			if (stype != SHT_NOBITS && stype != 0 && size)
				note_end(&end, off, size, &overflow);
		}
	}
	if (overflow) {
		mtd_probe_problem(p, "an offset plus size in the header tables overflows");
		p->valid = false;
	}
	if (end > avail) {
		mtd_probe_problem(p, "truncated: tables and data reach 0x%llx, only 0x%llx bytes present",
		                  (unsigned long long)end, (unsigned long long)avail);
		p->valid = false;
		end = avail;
	}
	p->size = end;
	if (end > ehsize)
		mtd_probe_scan_range(p, p->off + ehsize, end - ehsize);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_elf = {
    .name = "elf",
    .magics = {{"\x7f"
                "ELF",
                4, 0}},
    .probe = probe,
};
