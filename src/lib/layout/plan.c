/* SPDX-License-Identifier: MIT */
/*
 * Flashing plans: the exact steps to write an image, partition by partition,
 * with backups of what will be overwritten first and a CRC or hash checked
 * before and after every write.  Protected partitions (bootloader, factory,
 * environment, whole-chip entries) are never written unless named with
 * --also.
 */
#include <stdio.h>
#include <string.h>

#include "layout_int.h"

void mtd_plan_options_init(struct mtd_plan_options *o)
{
	memset(o, 0, sizeof(*o));
	o->via = MTD_PLAN_UBOOT;
	o->sf = true;
	o->flash_base = 0xbc000000;
	o->load_addr = 0x80100000;
	o->ram_base = 0x80000000;
	o->ram_size = 64ull << 20;
	o->image_name = "image.bin";
	o->layout_name = "layout.txt";
	o->programmer = "ch341a_spi";
}

static bool listed(const char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] && mtd_lay_ieq(v[i], name))
			return true;
	return false;
}

static bool writes(const struct mtd_layout *l, size_t i, const struct mtd_plan_options *o)
{
	const struct mtd_part *p = &l->parts[i];
	if (p->parent >= 0 || (p->flags & MTD_PART_WHOLE_CHIP) || !p->size)
		return false;
	if (o->nonly && !listed(o->only, o->nonly, p->name))
		return false;
	if (listed(o->also, o->nalso, p->name))
		return true;
	return !(p->flags & (MTD_PART_PROTECTED | MTD_PART_UNIT_DATA));
}

int mtd_layout_plan(const struct mtd_layout *l, const uint8_t *img, size_t len, const struct mtd_plan_options *o,
                    struct mtd_buf *b, struct mtd_diag *d)
{
	if (!l->chip_size || len != l->chip_size) {
		char why[300];
		mtd_layout_explain_size(l, len, why, sizeof(why));
		return mtd_diag_set(d, MTD_ERR_REFUSED, o->image_name, "%s", why[0] ? why : "the chip size is unknown");
	}
	for (size_t i = 0; i < o->nonly; i++)
		if (mtd_layout_find(l, o->only[i]) < 0)
			return mtd_diag_set(d, MTD_ERR_NOT_FOUND, l->source, "no partition '%s' in the layout",
			                    o->only[i]);
	for (size_t i = 0; i < o->nalso; i++)
		if (mtd_layout_find(l, o->also[i]) < 0)
			return mtd_diag_set(d, MTD_ERR_NOT_FOUND, l->source, "no partition '%s' in the layout",
			                    o->also[i]);
	size_t nw = 0;
	uint64_t biggest = 0;
	for (size_t i = 0; i < l->nparts; i++)
		if (writes(l, i, o)) {
			if (!mtd_range_ok(l->parts[i].offset, l->parts[i].size, len))
				return mtd_diag_set(d, MTD_ERR_REFUSED, l->source,
				                    "partition '%s' lies past the end of the image", l->parts[i].name);
			nw++;
			if (l->parts[i].size > biggest)
				biggest = l->parts[i].size;
		}
	if (!nw)
		return mtd_diag_set(d, MTD_ERR_NOT_FOUND, l->source, "nothing to write: every partition is protected");
	static const char *const vias[] = {"U-Boot", "OpenWrt mtd", "busybox shell", "flashrom"};
	mtd_buf_printf(b, "# mtdscope plan: write %s (0x%zx bytes) via %s\n", o->image_name, len, vias[o->via]);
	mtd_buf_puts(b, "# written:");
	for (size_t i = 0; i < l->nparts; i++)
		if (writes(l, i, o))
			mtd_buf_printf(b, " %s", l->parts[i].name);
	mtd_buf_puts(b, "\n# never written (protected):");
	for (size_t i = 0; i < l->nparts; i++)
		if (l->parts[i].parent < 0 && !writes(l, i, o))
			mtd_buf_printf(b, " %s", l->parts[i].name);
	mtd_buf_puts(b, "\n");

	if (o->via == MTD_PLAN_FLASHROM) {
		mtd_buf_printf(b, "# %s holds the regions (flashrom layout: start:end name, inclusive):\n",
		               o->layout_name);
		for (size_t i = 0; i < l->nparts; i++) {
			const struct mtd_part *p = &l->parts[i];
			if (p->parent >= 0 || (p->flags & MTD_PART_WHOLE_CHIP) || !p->size)
				continue;
			mtd_buf_printf(b, "#   %08llx:%08llx %s\n", (unsigned long long)p->offset,
			               (unsigned long long)(p->offset + p->size - 1), p->name);
		}
		mtd_buf_puts(b, "# 1. back up the whole chip first, twice, and compare\n");
		mtd_buf_printf(
		    b,
		    "flashrom -p %s -r backup-1.bin\nflashrom -p %s -r backup-2.bin\ncmp backup-1.bin backup-2.bin\n",
		    o->programmer, o->programmer);
		mtd_buf_puts(b, "# 2. write only the regions above; the others keep the chip's own bytes\n");
		mtd_buf_printf(b, "flashrom -p %s -l %s", o->programmer, o->layout_name);
		for (size_t i = 0; i < l->nparts; i++)
			if (writes(l, i, o)) {
				mtd_buf_puts(b, " -i ");
				for (const char *c = l->parts[i].name; *c; c++) /* as mtd_layout_to_flashrom names it */
					mtd_buf_append(
					    b, (*c == ' ' || *c == '\t' || (unsigned char)*c < 0x20) ? "_" : c, 1);
			}
		mtd_buf_printf(b, " -w %s\n", o->image_name);
		return b->err;
	}

	if (o->via == MTD_PLAN_UBOOT) {
		uint64_t top = o->ram_base + o->ram_size, reserve = 4ull << 20; /* U-Boot relocates to the top */
		if (o->load_addr < o->ram_base || o->load_addr + biggest + reserve > top)
			return mtd_diag_set(
			    d, MTD_ERR_LIMIT, l->source,
			    "load address 0x%llx + 0x%llx bytes does not fit the RAM 0x%llx-0x%llx (less 4 MiB "
			    "for U-Boot): give --load-addr/--ram",
			    (unsigned long long)o->load_addr, (unsigned long long)biggest,
			    (unsigned long long)o->ram_base, (unsigned long long)top);
		mtd_buf_puts(b, "# Files: 'mtdscope split IMAGE --layout L -C DIR' makes NAME.bin for each partition;\n"
		                "# put them on the TFTP server and set ipaddr/serverip first.\n");
		if (o->sf)
			mtd_buf_puts(b, "sf probe 0\n");
		mtd_buf_puts(b,
		             "# 1. backups first: read each region that will be overwritten and note its CRC;\n"
		             "#    if this U-Boot has tftpput, save it; else dump it from the running system first\n");
		for (size_t i = 0; i < l->nparts; i++) {
			if (!writes(l, i, o))
				continue;
			const struct mtd_part *p = &l->parts[i];
			if (o->sf)
				mtd_buf_printf(b, "sf read 0x%llx 0x%llx 0x%llx\n", (unsigned long long)o->load_addr,
				               (unsigned long long)p->offset, (unsigned long long)p->size);
			else
				mtd_buf_printf(b, "cp.b 0x%llx 0x%llx 0x%llx\n",
				               (unsigned long long)(o->flash_base + p->offset),
				               (unsigned long long)o->load_addr, (unsigned long long)p->size);
			mtd_buf_printf(b, "crc32 0x%llx 0x%llx\n", (unsigned long long)o->load_addr,
			               (unsigned long long)p->size);
			mtd_buf_printf(b, "tftpput 0x%llx 0x%llx backup-%s.bin\n", (unsigned long long)o->load_addr,
			               (unsigned long long)p->size, p->name);
		}
		mtd_buf_puts(b, "# 2. write, one partition at a time; stop if a CRC differs\n");
		for (size_t i = 0; i < l->nparts; i++) {
			if (!writes(l, i, o))
				continue;
			const struct mtd_part *p = &l->parts[i];
			char fn[72];
			mtd_layout_part_filename(l, i, fn, sizeof(fn));
			uint32_t crc = mtd_crc32(0, img + p->offset, (size_t)p->size);
			unsigned long long la = o->load_addr, off = p->offset, sz = p->size;
			mtd_buf_printf(b, "# %s: 0x%llx-0x%llx, CRC32 %08x\n", p->name, off, off + sz, crc);
			mtd_buf_printf(b, "tftpboot 0x%llx %s\n", la, fn);
			mtd_buf_printf(b, "crc32 0x%llx 0x%llx    # must print %08x\n", la, sz, crc);
			if (o->sf) {
				mtd_buf_printf(b, "sf erase 0x%llx 0x%llx\n", off, sz);
				mtd_buf_printf(b, "sf write 0x%llx 0x%llx 0x%llx\n", la, off, sz);
				mtd_buf_printf(b, "sf read 0x%llx 0x%llx 0x%llx\n", la, off, sz);
			} else {
				unsigned long long fa = o->flash_base + off;
				mtd_buf_printf(b, "protect off 0x%llx +0x%llx\n", fa, sz);
				mtd_buf_printf(b, "erase 0x%llx +0x%llx\n", fa, sz);
				mtd_buf_printf(b, "cp.b 0x%llx 0x%llx 0x%llx\n", la, fa, sz);
				la = fa;
			}
			mtd_buf_printf(b, "crc32 0x%llx 0x%llx    # must print %08x again\n", la, sz, crc);
		}
		return b->err;
	}

	/* OpenWrt mtd and busybox shell: /dev/mtdN numbers follow the layout's order */
	bool mtdn = l->kind == MTD_LK_PROC_MTD || l->kind == MTD_LK_KLOG;
	mtd_buf_puts(b, "# Files: 'mtdscope split IMAGE --layout L -C DIR' makes NAME.bin; copy them to /tmp.\n");
	if (!mtdn)
		mtd_buf_puts(b, "# CHECK /proc/mtd: the mtdN numbers below follow this layout's order\n");
	mtd_buf_puts(b, "# 1. backups first: copy these off the device and check the hashes before going on\n");
	for (size_t i = 0; i < l->nparts; i++) {
		if (!writes(l, i, o))
			continue;
		mtd_buf_printf(b, "cat /dev/mtd%zu > /tmp/backup-%s.bin\nsha256sum /tmp/backup-%s.bin\n", i,
		               l->parts[i].name, l->parts[i].name);
	}
	mtd_buf_puts(b, "# 2. write and verify\n");
	for (size_t i = 0; i < l->nparts; i++) {
		if (!writes(l, i, o))
			continue;
		const struct mtd_part *p = &l->parts[i];
		char fn[72], h[65];
		mtd_layout_part_filename(l, i, fn, sizeof(fn));
		mtd_sha256_hex(img + p->offset, (size_t)p->size, h);
		mtd_buf_printf(b, "# %s: 0x%llx bytes, sha256 %s\n", p->name, (unsigned long long)p->size, h);
		mtd_buf_printf(b, "echo '%s  /tmp/%s' | sha256sum -c\n", h, fn);
		if (o->via == MTD_PLAN_MTD) {
			mtd_buf_printf(b, "mtd write /tmp/%s %s\n", fn, p->name);
			mtd_buf_printf(b, "mtd verify /tmp/%s %s\n", fn, p->name);
		} else {
			mtd_buf_printf(b, "flashcp -v /tmp/%s /dev/mtd%zu\n", fn, i);
			mtd_buf_printf(b, "cat /dev/mtd%zu | sha256sum    # must print %s\n", i, h);
		}
	}
	return b->err;
}
