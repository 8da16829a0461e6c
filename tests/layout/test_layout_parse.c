/* SPDX-License-Identifier: MIT */
/*
 * Layout parsers on the seeds' text as posted, the real logs in tests/data
 * and hand-made hostile input.  Expected offsets come from the kernel logs of
 * the same devices (q500: rootfs at 0x18762b, rootfs_data ofs=0x6e0000).
 */
#include <stdlib.h>
#include <string.h>

#include <mtdscope/layout.h>
#include <mtdscope/source.h>

#include "tap.h"

static struct mtd_layout L;

static int parse(const char *text, enum mtd_layout_kind k, uint64_t chip)
{
	struct mtd_diag d;
	mtd_diag_clear(&d);
	int rc = mtd_layout_parse((const uint8_t *)text, strlen(text), k, "test", chip, &L, &d);
	if (rc)
		printf("# parse: %s\n", d.msg);
	return rc;
}

static int load(const char *rel, enum mtd_layout_kind k)
{
	const char *data = getenv("TESTDATA");
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", data ? data : "tests/data", rel);
	struct mtd_diag d;
	mtd_diag_clear(&d);
	int rc = mtd_layout_load(path, k, 0, &L, &d);
	if (rc)
		printf("# load %s: %s\n", path, d.msg);
	return rc;
}

static const struct mtd_part *P(const char *name)
{
	int i = mtd_layout_find(&L, name);
	static struct mtd_part none;
	return i >= 0 ? &L.parts[i] : &none;
}

static int parent_of(const char *name)
{
	int i = mtd_layout_find(&L, name);
	return i >= 0 ? L.parts[i].parent : -2;
}

static bool has_issue(const char *code, enum mtd_issue_level lv)
{
	struct mtd_layout_issue *is;
	size_t n;
	mtd_layout_check(&L, &is, &n);
	bool f = false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(is[i].code, code) && is[i].level == lv)
			f = true;
	free(is);
	return f;
}

static size_t errors(void)
{
	struct mtd_layout_issue *is;
	size_t n;
	mtd_layout_check(&L, &is, &n);
	size_t e = mtd_layout_errors(is, n);
	free(is);
	return e;
}

/* seed 000 (Mosaic Powerstream PSTR2) as posted */
static const char seed0_mtd[] = "# cat /proc/mtd\n"
                                "dev:    size   erasesize  name\n"
                                "mtd0: 00400000 00010000 \"ALL\"\n"
                                "mtd1: 00030000 00010000 \"Bootloader\"\n"
                                "mtd2: 00010000 00010000 \"Config\"\n"
                                "mtd3: 00010000 00010000 \"Factory\"\n"
                                "mtd4: 003b0000 00010000 \"Kernel\"\n"
                                "# cat /proc/meminfo ; free\n";
static const char seed0_klog[] =
    "W25Q32BV(ef 40160000) (4096 Kbytes)\n"
    "mtd .name = raspi, .size = 0x00400000 (4M) .erasesize = 0x00010000 (64K) .numeraseregions = 0\n"
    "Creating 5 MTD partitions on \"raspi\":\n"
    "0x000000000000-0x000000400000 : \"ALL\"\n"
    "0x000000000000-0x000000030000 : \"Bootloader\"\n"
    "0x000000030000-0x000000040000 : \"Config\"\n"
    "0x000000040000-0x000000050000 : \"Factory\"\n"
    "0x000000050000-0x000001000000 : \"Kernel\"\n"
    "mtd: partition \"Kernel\" extends beyond the end of device \"raspi\" -- size truncated to 0x3b0000\n"
    "rdm_major = 253\n";
/* seed 002 (two MT7628 LTE routers): no header line */
static const char seed2_mtd[] = "mtd0: 01000000 00010000 \"ALL\"\n"
                                "mtd1: 00030000 00010000 \"Bootloader\"\n"
                                "mtd2: 00010000 00010000 \"Config\"\n"
                                "mtd3: 00010000 00010000 \"Factory\"\n"
                                "mtd4: 007b0000 00010000 \"firmware1\"\n"
                                "mtd5: 00664e4f 00010000 \"rootfs\"\n"
                                "mtd6: 00160000 00010000 \"rootfs_data\"\n"
                                "mtd7: 007b0000 00010000 \"firmware2\"\n"
                                "mtd8: 00050000 00010000 \"reserved\"\n";

int main(void)
{
	/* ---- seed 000 ---- */
	ok(parse(seed0_mtd, MTD_LK_AUTO, 0) == 0, "seed 000 /proc/mtd parses");
	is_int(L.kind, MTD_LK_PROC_MTD, "seed 000 detected as /proc/mtd");
	is_int(L.nparts, 5, "seed 000: 5 partitions");
	ok(P("ALL")->flags & MTD_PART_WHOLE_CHIP, "seed 000: ALL is whole-chip");
	is_int(L.chip_size, 0x400000, "seed 000: chip 4 MiB from ALL");
	is_int(P("Kernel")->offset, 0x50000, "seed 000: Kernel at 0x50000 (inferred)");
	ok(P("Kernel")->flags & MTD_PART_INFERRED, "seed 000: Kernel offset marked inferred");
	is_int(P("Factory")->role, MTD_ROLE_FACTORY, "seed 000: Factory role");
	ok(mtd_part_is_unit_data(P("Factory")) && mtd_part_is_unit_data(P("Config")),
	   "seed 000: Factory/Config are unit data");
	is_int(errors(), 0, "seed 000 /proc/mtd: no errors (the kernel already truncated Kernel)");

	ok(parse(seed0_klog, MTD_LK_AUTO, 0) == 0, "seed 000 kernel log parses");
	is_int(L.kind, MTD_LK_KLOG, "seed 000 log detected");
	is_int(L.chip_size, 0x400000, "seed 000 log: chip 4 MiB");
	is_int(L.erasesize, 0x10000, "seed 000 log: erase 64 KiB");
	is_str(L.device, "raspi", "seed 000 log: device raspi");
	ok(P("Kernel")->flags & MTD_PART_TRUNCATED, "seed 000 log: Kernel truncated");
	is_int(P("Kernel")->size, 0x3b0000, "seed 000 log: truncated size 0x3b0000");
	is_int(P("Kernel")->declared_size, 0xfb0000,
	       "seed 000 log: declared size 0xfb0000 (table larger than the chip)");
	ok(has_issue("truncated", MTD_ISSUE_ERROR), "seed 000 log: truncation is an error");
	is_int(parent_of("Bootloader"), -1, "seed 000 log: ALL is nobody's parent");
	/* the same table without the truncation message, checked against a given chip size */
	ok(parse("Creating 2 MTD partitions on \"raspi\":\n0x000000000000-0x000000050000 : \"Bootloader\"\n"
	         "0x000000050000-0x000001000000 : \"Kernel\"\n",
	         MTD_LK_AUTO, 0x400000) == 0,
	   "table larger than the chip parses with --flash-size");
	ok(has_issue("past-end", MTD_ISSUE_ERROR), "past the end of the chip (size from --flash-size, not the table)");

	/* ---- seed 002 ---- */
	ok(parse(seed2_mtd, MTD_LK_AUTO, 0) == 0, "seed 002 /proc/mtd (no header) parses");
	is_int(L.nparts, 9, "seed 002: 9 partitions");
	is_int(L.chip_size, 0x1000000, "seed 002: chip 16 MiB");
	is_int(P("firmware1")->offset, 0x50000, "seed 002: firmware1 at 0x50000");
	is_int(parent_of("rootfs"), mtd_layout_find(&L, "firmware1"), "seed 002: rootfs nested in firmware1");
	is_int(P("rootfs")->offset, 0x800000 - 0x664e4f, "seed 002: rootfs runs to the end of firmware1");
	is_int(parent_of("rootfs_data"), mtd_layout_find(&L, "rootfs"), "seed 002: rootfs_data nested in rootfs");
	is_int(P("rootfs_data")->offset, 0x6a0000, "seed 002: rootfs_data at 0x6a0000");
	is_int(P("firmware2")->offset, 0x800000,
	       "seed 002: firmware2 at 0x800000 (after firmware1, not after rootfs_data)");
	is_int(P("reserved")->offset, 0xfb0000, "seed 002: reserved at 0xfb0000");
	is_int(errors(), 0, "seed 002: no errors");
	ok(!has_issue("overlap", MTD_ISSUE_ERROR) && !has_issue("overlap", MTD_ISSUE_WARNING),
	   "seed 002: nesting is not reported as overlap");

	/* ---- real logs ---- */
	ok(load("real-logs/afoundry-q500-mt7628/mtd.txt", MTD_LK_AUTO) == 0, "q500 mtd.txt");
	is_int(P("rootfs")->offset, 0x18762b, "q500 /proc/mtd: rootfs offset inferred = the log's 0x18762b");
	is_int(P("rootfs_data")->offset, 0x6e0000, "q500 /proc/mtd: rootfs_data = the log's ofs=0x6e0000");
	ok(load("real-logs/afoundry-q500-mt7628/dmesg.txt", MTD_LK_AUTO) == 0, "q500 dmesg.txt");
	is_int(L.nparts, 7, "q500 log: 7 partitions (rootfs_data once, though announced twice)");
	ok(P("rootfs_data")->flags & MTD_PART_AUTO, "q500 log: rootfs_data created automatically");
	is_int(parent_of("rootfs"), mtd_layout_find(&L, "firmware"), "q500 log: rootfs in firmware");
	is_int(parent_of("rootfs_data"), mtd_layout_find(&L, "rootfs"), "q500 log: rootfs_data in rootfs");
	is_int(errors(), 0, "q500 log: no errors");

	ok(load("real-logs/kingston-mlwg3/dmesg_openwrt_test.txt", MTD_LK_AUTO) == 0, "kingston OpenWrt log");
	is_int(P("kernel")->offset, 0x50000, "kingston: uimage-fw kernel absolute 0x50000");
	is_int(P("kernel")->size, 0x1361b6, "kingston: kernel size");
	is_int(parent_of("kernel"), mtd_layout_find(&L, "firmware"), "kingston: kernel in firmware");
	is_int(parent_of("rootfs_data"), mtd_layout_find(&L, "rootfs"),
	       "kingston: squashfs-split rootfs_data in rootfs");
	is_int(parent_of("user-config"), -1, "kingston: user-config back at the top (counts honoured)");
	is_int(L.chip_size, 0x1000000, "kingston: chip from (16384 Kbytes)");
	ok(load("real-logs/kingston-mlwg3/mtd.txt", MTD_LK_AUTO) == 0, "kingston mtd.txt");
	is_int(P("User_CFG")->offset, 0xfb0000, "kingston /proc/mtd: User_CFG at 0xfb0000");

	ok(load("real-logs/xiaomi-mi-router-4a-gigabit-mt7621/dmesg.txt", MTD_LK_AUTO) == 0, "xiaomi log");
	is_int(P("rootfs")->offset, 0x350000, "xiaomi: rootfs ofs=350000 (hex without 0x)");
	is_int(parent_of("rootfs"), mtd_layout_find(&L, "OS1"), "xiaomi: rootfs in OS1");
	is_int(L.nparts, 10, "xiaomi: 10 partitions");

	ok(load("real-logs/ubnt-amplifi-hd-afi-r-qca9563/dmesg.txt", MTD_LK_AUTO) == 0, "afi-r log (out of order)");
	is_int(P("eeprom")->offset, 0xff0000, "afi-r: eeprom at 0xff0000");
	is_int(parent_of("kernel"), mtd_layout_find(&L, "firmware"), "afi-r: kernel in firmware");
	is_int(errors(), 0, "afi-r: no errors");

	ok(load("real-logs/ubnt-amplifi-hd-afi-r-qca9563/uboot.txt", MTD_LK_AUTO) == 0, "afi-r U-Boot 'Name = ' table");
	is_int(L.nparts, 7, "afi-r U-Boot: 7 partitions");
	is_int(P("cfg")->offset, 0xb70000, "afi-r U-Boot: offset hex without 0x");
	is_int(P("firmware")->size, 11534336, "afi-r U-Boot: size in decimal");
	ok(load("real-logs/vnpt-igate-gw040-bcm68380-gpon/dmesg.txt", MTD_LK_AUTO) == 0, "igate log (malformed line)");
	is_int(L.nparts, 7, "igate: the malformed range is left out");
	ok(L.nnotes >= 1, "igate: a note says so");

	ok(load("real-logs/tplink-tl-wa855re-v1-16mb-mod/mtd.txt", MTD_LK_AUTO) == 0, "wa855re mtd.txt");
	is_int(P("firmware")->offset, 0x20000, "wa855re /proc/mtd: firmware covers kernel+rootfs at 0x20000");
	is_int(parent_of("kernel"), mtd_layout_find(&L, "firmware"), "wa855re: kernel in firmware");
	is_int(parent_of("config"), -1, "wa855re: config stays top-level");
	is_int(P("art")->offset, 0xff0000, "wa855re: art at 0xff0000 as in the log");
	ok(load("real-logs/tplink-tl-wa855re-v1-16mb-mod/cmdline.txt", MTD_LK_AUTO) == 0, "wa855re cmdline");
	is_int(L.kind, MTD_LK_MTDPARTS, "wa855re cmdline is mtdparts");
	is_int(P("firmware")->offset, 0x20000, "mtdparts @0x20000");
	is_int(P("firmware")->size, 15936 * 1024, "mtdparts 15936k");
	ok(P("u-boot")->flags & MTD_PART_RO, "mtdparts ro flag");
	is_int(P("rootfs")->offset, 0x1b0000, "mtdparts offsets follow sizes");

	ok(load("real-logs/motorola-mh7601-bcm6755/cmdline.txt", MTD_LK_AUTO) == 0, "BCA cmdline (bytes, @offset)");
	is_int(P("image")->offset, 2097152, "BCA: image @2097152");
	is_int(P("image")->size, 131072000, "BCA: image size in bytes");

	ok(load("real-logs/meraki-mr70-ipq4029-nand/mtd.txt", MTD_LK_AUTO) == 0, "mr70 headerless ranges");
	is_int(P("ubi")->offset, 0xc00000, "mr70: ubi at 0xc00000");
	ok(has_issue("gap", MTD_ISSUE_INFO), "mr70: gaps reported");

	ok(load("real-logs/innbox-e80-econet-en7512/mtd.txt", MTD_LK_AUTO) == 0, "innbox NAND /proc/mtd");
	is_int(L.erasesize, 0x20000, "innbox: erase 128 KiB (NAND)");
	is_int(parent_of("kernel"), mtd_layout_find(&L, "tclinux"), "innbox: kernel inside tclinux (listed before it)");

	ok(load("openwrt-dts/target/linux/ramips/dts/mt7621_tplink_mr600-v2-eu.dts", MTD_LK_AUTO) == 0,
	   "MR600 v2 .dts (seed 001's device family)");
	is_int(L.kind, MTD_LK_DTS, "dts detected");
	is_int(L.nparts, 6, "MR600: 6 partitions");
	is_int(P("firmware")->offset, 0x20000, "MR600: firmware reg");
	is_int(P("radio")->ncells, 2, "MR600: radio has 2 eeprom cells");
	ok(P("romfile")->ncells == 1 && P("romfile")->cells[0].is_mac && P("romfile")->cells[0].offset == 0xf100,
	   "MR600: romfile MAC cell at 0xf100");
	ok(P("uboot")->flags & MTD_PART_RO, "MR600: read-only");

	ok(load("openwrt-dts/target/linux/ramips/dts/mt7621_arcadyan_we410443.dts", MTD_LK_AUTO) == 0,
	   "nested fixed-partitions .dts");
	is_int(L.nparts, 11, "nested dts: each partition once");
	is_int(P("rootfs")->offset, 0x50000 + 0x440000, "nested dts: child reg is relative to the parent");
	is_int(parent_of("kernel"), mtd_layout_find(&L, "firmware"), "nested dts: kernel in firmware");
	ok(P("all")->flags & MTD_PART_WHOLE_CHIP, "nested dts: 'all' is whole-chip");
	is_int(errors(), 0, "nested dts: no errors");

	ok(parse("SF: Detected w25q128bv with page size 256 Bytes, erase size 64 KiB, total 16 MiB\n"
		 "\"Bootloader\" - from 0x000000000000 to 0x000000040000.\n"
		 "\"Factory\" - from 0x000000040000 to 0x000000050000.\n",
		 MTD_LK_AUTO, 0) == 0,
	   "hand-written 'from .. to' layout (ruxtek) with a U-Boot SF line");
	is_int(L.kind, MTD_LK_KLOG, "hand-written layout detected");
	is_int(P("Factory")->offset, 0x40000, "hand-written: offset");
	is_int(P("Factory")->size, 0x10000, "hand-written: size");
	is_int(L.chip_size, 16 << 20, "chip size from 'SF: Detected ... total 16 MiB'");

	/* ---- mtdparts forms ---- */
	ok(parse("mtdparts=mtdparts=ath-nor0:384k(u-boot)ro,64k(u-boot-env),-(firmware);spi1.0:1m(x)", MTD_LK_AUTO,
	         0x800000) == 0,
	   "U-Boot mtdparts=mtdparts=, '-', second device");
	is_int(P("firmware")->size, 0x800000 - 0x70000, "'-' is the rest of the chip");
	ok(P("firmware")->flags & MTD_PART_REMAINDER, "'-' marked");
	is_int(L.nparts, 3, "the second device is left out (noted)");
	ok(parse("spi0.0:1M(a),0x10000@0x200000(b)", MTD_LK_MTDPARTS, 0) == 0, "bare value, M suffix, hex @");
	is_int(P("b")->offset, 0x200000, "hex offset");
	ok(parse("mtdparts=x:64k(a),-(b),64k(c)", MTD_LK_MTDPARTS, 0x100000) != 0, "'-' not last is refused");

	/* ---- overlap vs nesting ---- */
	ok(parse("0x0-0x20000 : \"a\"\n0x10000-0x30000 : \"b\"\n", MTD_LK_KLOG, 0x40000) == 0, "crossing ranges");
	ok(has_issue("overlap", MTD_ISSUE_ERROR), "crossing overlap is an error");
	ok(parse("0x0-0x18000 : \"a\"\n0x18000-0x40000 : \"b\"\n", MTD_LK_KLOG, 0x40000) == 0, "unaligned");
	ok(has_issue("unaligned", MTD_ISSUE_WARNING) || has_issue("unaligned", MTD_ISSUE_ERROR) || L.erasesize == 0,
	   "unaligned checked when the erase size is known");
	ok(parse("dev:    size   erasesize  name\nmtd0: 00018000 00010000 \"a\"\nmtd1: 00028000 00010000 \"b\"\n",
	         MTD_LK_AUTO, 0) == 0,
	   "/proc/mtd with unaligned sizes");
	ok(has_issue("unaligned", MTD_ISSUE_ERROR), "offset off the erase block is an error");

	/* ---- hostile ---- */
	ok(parse("", MTD_LK_AUTO, 0) != 0, "empty input refused");
	ok(parse("mtd0: ffffffffffffffffff 00010000 \"x\"\n", MTD_LK_PROC_MTD, 0) != 0,
	   "oversized number not accepted");
	ok(parse("0xffffffffffffffff-0x1 : \"x\"\n", MTD_LK_KLOG, 0) != 0, "range ending before its start left out");
	{
		char *big = malloc(200 * 40 + 1);
		size_t k = 0;
		for (int i = 0; i < 200; i++)
			k += (size_t)snprintf(big + k, 40, "mtd%d: 00010000 00010000 \"p%d\"\n", i, i);
		struct mtd_diag d;
		mtd_diag_clear(&d);
		int rc = mtd_layout_parse((const uint8_t *)big, k, MTD_LK_AUTO, "big", 0, &L, &d);
		ok(rc == MTD_ERR_LIMIT, "more than %d partitions refused with a limit", MTD_LAYOUT_MAX_PARTS);
		free(big);
	}
	ok(parse("/ { partitions { compatible = \"fixed-partitions\"; #address-cells = <1>; #size-cells = <1>; "
	         "p@0 { reg = <0 0x1000>; label = \"x\"; ",
	         MTD_LK_DTS, 0) != 0,
	   "unterminated .dts refused");
	{
		char deep[4000];
		size_t k = (size_t)snprintf(deep, sizeof(deep), "/ { ");
		for (int i = 0; i < 200; i++)
			k += (size_t)snprintf(deep + k, sizeof(deep) - k, "n%d { ", i);
		ok(parse(deep, MTD_LK_DTS, 0) != 0, "deeply nested .dts refused");
	}
	return tap_done();
}
