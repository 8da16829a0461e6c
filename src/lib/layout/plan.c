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

#include <mtdscope/quote.h>

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

/*
 * Names from the layout reach the printed plan only as quote.h allows: a partition whose
 * name is not a plain word (mtd_word_safe) is referred to as [I] (its index), written
 * through /dev/mtdI or a flashrom region partI, with its file named by mtd_safe_filename();
 * an explanatory line says so.  In a U-Boot plan no text from the input appears at all but
 * plain words: U-Boot 1.1.x splits every line on ';', comment or not.
 */
static void put_name(struct mtd_buf *b, const struct mtd_layout *l, size_t i, bool uboot)
{
	const char *n = l->parts[i].name;
	if (mtd_word_safe(n))
		mtd_buf_puts(b, n);
	else if (!uboot && mtd_shell_printable(n))
		mtd_buf_put_shell(b, n);
	else
		mtd_buf_printf(b, "[%zu]", i);
}

static void put_image_name(struct mtd_buf *b, const char *n, bool uboot)
{
	if (mtd_word_safe(n))
		mtd_buf_puts(b, n);
	else if (!uboot && mtd_shell_printable(n))
		mtd_buf_put_shell(b, n);
	else
		mtd_buf_puts(b, "the image given");
}

/* One explanatory line per partition of the plan whose name cannot go on a command line. */
static void explain_names(struct mtd_buf *b, const struct mtd_layout *l, const struct mtd_plan_options *o,
                          bool (*wr)(const struct mtd_layout *, size_t, const struct mtd_plan_options *))
{
	bool uboot = o->via == MTD_PLAN_UBOOT;
	for (size_t i = 0; i < l->nparts; i++) {
		if (!wr(l, i, o) || mtd_word_safe(l->parts[i].name))
			continue;
		char fn[72], rn[80];
		mtd_layout_part_filename(l, i, fn, sizeof(fn));
		mtd_layout_region_name(l, i, rn, sizeof(rn));
		mtd_buf_printf(b, "# partition [%zu]", i);
		if (!uboot && mtd_shell_printable(l->parts[i].name)) {
			mtd_buf_puts(b, " ");
			mtd_buf_put_shell(b, l->parts[i].name);
		}
		mtd_buf_printf(b, ": its name is not safe to type on a command line, so it is ");
		if (o->via == MTD_PLAN_FLASHROM)
			mtd_buf_printf(b, "region %s in the layout file\n", rn);
		else if (uboot)
			mtd_buf_printf(b, "called [%zu] here and its file is %s\n", i, fn);
		else if (o->via == MTD_PLAN_MTD)
			mtd_buf_printf(b, "written as /dev/mtd%zu and its file is %s\n", i, fn);
		else
			mtd_buf_printf(b, "called [%zu] here and its file is %s\n", i, fn);
	}
}

int mtd_layout_plan(const struct mtd_layout *l, const uint8_t *img, size_t len, const struct mtd_plan_options *o,
                    struct mtd_buf *b, struct mtd_diag *d)
{
	/* every partition written must be where the layout says (not inferred across a gap) */
	for (size_t i = 0; i < l->nparts; i++) {
		int orc = writes(l, i, o) ? mtd_layout_offsets_known(l, (int)i, "a flashing plan", d) : 0;
		if (orc)
			return orc;
	}
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
	/* a Factory named with --also is checked first: writing an erased or foreign-looking one loses
	 * the unit's MACs and calibration for good (the flash holds the only copy) */
	for (size_t i = 0; i < l->nparts && !o->force; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (p->role != MTD_ROLE_FACTORY || !writes(l, i, o) || !mtd_range_ok(p->offset, p->size, len))
			continue;
		struct mtd_part_check c;
		mtd_layout_check_content(l, i, img + p->offset, (size_t)p->size, &c);
		char state[300];
		snprintf(state, sizeof(state), "%s",
		         c.state == MTD_CONTENT_ERASED ? "erased (all 0xFF)"
		         : c.state == MTD_CONTENT_ZERO ? "all zero"
		                                       : "not valid factory data");
		if (c.state == MTD_CONTENT_BAD)
			snprintf(state + strlen(state), sizeof(state) - strlen(state), " (%s)", c.what);
		if (c.state == MTD_CONTENT_ERASED || c.state == MTD_CONTENT_ZERO || c.state == MTD_CONTENT_BAD)
			return mtd_diag_set(d, MTD_ERR_REFUSED, o->image_name,
			                    "its '%s' (0x%llx, 0x%llx bytes) is %s: writing it replaces the unit's MAC "
			                    "addresses and wifi "
			                    "calibration with nothing usable. Way out: drop --also %s (the unit keeps "
			                    "its own), put the "
			                    "unit's own Factory into the image first ('mtdscope rebuild --factory'), "
			                    "or --force if this "
			                    "is really meant",
			                    p->name, (unsigned long long)p->offset, (unsigned long long)p->size, state,
			                    p->name);
	}
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
	bool uboot = o->via == MTD_PLAN_UBOOT;
	if (o->via == MTD_PLAN_FLASHROM &&
	    (!mtd_shell_printable(o->image_name) || !mtd_shell_printable(o->layout_name) ||
	     !mtd_shell_printable(o->programmer)))
		return mtd_diag_set(d, MTD_ERR_REFUSED, NULL,
		                    "the image, layout file or programmer name holds a control character or a "
		                    "bidirectional override, which cannot be shown on a command line: rename the file");
	mtd_buf_puts(b, "# mtdscope plan: write ");
	put_image_name(b, o->image_name, uboot);
	mtd_buf_printf(b, " (0x%zx bytes) via %s\n", len, vias[o->via]);
	mtd_buf_puts(b, "# written:");
	for (size_t i = 0; i < l->nparts; i++)
		if (writes(l, i, o)) {
			mtd_buf_puts(b, " ");
			put_name(b, l, i, uboot);
		}
	mtd_buf_puts(b, "\n# never written (protected):");
	for (size_t i = 0; i < l->nparts; i++)
		if (l->parts[i].parent < 0 && !writes(l, i, o)) {
			mtd_buf_puts(b, " ");
			put_name(b, l, i, uboot);
		}
	mtd_buf_puts(b, "\n");
	explain_names(b, l, o, writes);

	if (o->via == MTD_PLAN_FLASHROM) {
		mtd_buf_puts(b, "# ");
		mtd_buf_put_shell(b, o->layout_name);
		mtd_buf_puts(b, " holds the regions (flashrom layout: start:end name, inclusive):\n");
		for (size_t i = 0; i < l->nparts; i++) {
			const struct mtd_part *p = &l->parts[i];
			if (p->parent >= 0 || (p->flags & MTD_PART_WHOLE_CHIP) || !p->size)
				continue;
			char rn[80];
			mtd_layout_region_name(l, i, rn, sizeof(rn));
			mtd_buf_printf(b, "#   %08llx:%08llx %s\n", (unsigned long long)p->offset,
			               (unsigned long long)(p->offset + p->size - 1), rn);
		}
		mtd_buf_puts(b, "# 1. back up the whole chip first, twice, and compare\n");
		for (int k = 1; k <= 2; k++) {
			mtd_buf_puts(b, "flashrom -p ");
			mtd_buf_put_shell(b, o->programmer);
			mtd_buf_printf(b, " -r backup-%d.bin\n", k);
		}
		mtd_buf_puts(b, "cmp backup-1.bin backup-2.bin\n");
		mtd_buf_puts(b, "# 2. write only the regions above, the others keep the chip's own bytes\n");
		mtd_buf_puts(b, "flashrom -p ");
		mtd_buf_put_shell(b, o->programmer);
		mtd_buf_puts(b, " -l ");
		mtd_buf_put_shell(b, o->layout_name);
		for (size_t i = 0; i < l->nparts; i++)
			if (writes(l, i, o)) {
				char rn[80];
				mtd_layout_region_name(l, i, rn, sizeof(rn)); /* as mtd_layout_to_flashrom names it */
				mtd_buf_printf(b, " -i %s", rn);
			}
		mtd_buf_puts(b, " -w ");
		mtd_buf_put_shell(b, o->image_name);
		mtd_buf_puts(b, "\n");
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
		mtd_buf_puts(b, "# Files: 'mtdscope split IMAGE --layout L -C DIR' makes NAME.bin for each partition,\n"
		                "# put them on the TFTP server and set ipaddr/serverip first.\n"
		                "# Every line below is typed as it is: U-Boot has no comments on a command line.\n");
		if (o->sf)
			mtd_buf_puts(b, "sf probe 0\n");
		mtd_buf_puts(b,
		             "# 1. backups first: read each region that will be overwritten and note its CRC,\n"
		             "#    if this U-Boot has tftpput save it, else dump it from the running system first\n");
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
			char fn[72];
			mtd_layout_part_filename(l, i, fn, sizeof(fn));
			mtd_buf_printf(b, "tftpput 0x%llx 0x%llx backup-%s\n", (unsigned long long)o->load_addr,
			               (unsigned long long)p->size, fn);
		}
		mtd_buf_puts(b, "# 2. write, one partition at a time, stop if a CRC differs\n");
		for (size_t i = 0; i < l->nparts; i++) {
			if (!writes(l, i, o))
				continue;
			const struct mtd_part *p = &l->parts[i];
			char fn[72];
			mtd_layout_part_filename(l, i, fn, sizeof(fn));
			uint32_t crc = mtd_crc32(0, img + p->offset, (size_t)p->size);
			unsigned long long la = o->load_addr, off = p->offset, sz = p->size;
			mtd_buf_puts(b, "# ");
			put_name(b, l, i, true);
			mtd_buf_printf(b, ": 0x%llx-0x%llx, CRC32 %08x: the crc32 after tftpboot must print it\n", off,
			               off + sz, crc);
			mtd_buf_printf(b, "tftpboot 0x%llx %s\n", la, fn);
			mtd_buf_printf(b, "crc32 0x%llx 0x%llx\n", la, sz);
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
			mtd_buf_printf(b, "# the crc32 below must print %08x again\n", crc);
			mtd_buf_printf(b, "crc32 0x%llx 0x%llx\n", la, sz);
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
		char fn[72];
		mtd_layout_part_filename(l, i, fn, sizeof(fn));
		mtd_buf_printf(b, "cat /dev/mtd%zu > /tmp/backup-%s\nsha256sum /tmp/backup-%s\n", i, fn, fn);
	}
	mtd_buf_puts(b, "# 2. write and verify\n");
	for (size_t i = 0; i < l->nparts; i++) {
		if (!writes(l, i, o))
			continue;
		const struct mtd_part *p = &l->parts[i];
		char fn[72], h[65];
		mtd_layout_part_filename(l, i, fn, sizeof(fn));
		mtd_sha256_hex(img + p->offset, (size_t)p->size, h);
		mtd_buf_puts(b, "# ");
		put_name(b, l, i, false);
		mtd_buf_printf(b, ": 0x%llx bytes, sha256 %s\n", (unsigned long long)p->size, h);
		mtd_buf_printf(b, "echo '%s  /tmp/%s' | sha256sum -c\n", h, fn);
		if (o->via == MTD_PLAN_MTD) {
			char dev[80];
			if (mtd_word_safe(p->name))
				snprintf(dev, sizeof(dev), "%s", p->name);
			else
				snprintf(dev, sizeof(dev), "/dev/mtd%zu", i);
			mtd_buf_printf(b, "mtd write /tmp/%s %s\n", fn, dev);
			mtd_buf_printf(b, "mtd verify /tmp/%s %s\n", fn, dev);
		} else {
			mtd_buf_printf(b, "flashcp -v /tmp/%s /dev/mtd%zu\n", fn, i);
			mtd_buf_printf(b, "cat /dev/mtd%zu | sha256sum    # must print %s\n", i, h);
		}
	}
	return b->err;
}
