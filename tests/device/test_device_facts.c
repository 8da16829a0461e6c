/* SPDX-License-Identifier: MIT */
/* The log formats of LOG-FORMATS.md, one line (or a few) each, through facts and profile. */
#include <stdio.h>
#include <string.h>

#include <mtdscope/device.h>

#include "../../src/lib/device/kb.h"
#include "tap.h"

static struct mtd_facts F;
static struct mtd_profile P;

static void load(const char *text)
{
	struct mtd_diag d;
	mtd_diag_clear(&d);
	mtd_profile_release(&P);
	mtd_facts_release(&F);
	mtd_facts_init(&F);
	int rc = mtd_facts_parse(&F, "t.log", (const uint8_t *)text, strlen(text), &d);
	if (rc)
		printf("# parse failed: %s\n", d.msg);
	mtd_profile_build(&F, &P);
}

#define MIB (1ull << 20)

int main(void)
{
	mtd_facts_init(&F);
	memset(&P, 0, sizeof(P));

	load("flash manufacture id: ef, device id 40 18\nfind flash: W25Q128BV\n");
	is_str(P.flash_jedec.s, "ef4018", "Ralink U-Boot JEDEC id");
	is_str(P.flash_chip.s, "W25Q128BV", "Ralink U-Boot find flash");
	is_int(P.flash_size.n, 16 * MIB, "size from the chip table");
	is_int(P.flash_chip.src->line, 2, "chip evidence line");

	load("spi device id: ef 40 18 0 0 (40180000)\nFlash component: 16 MBytes NOR Flash\n");
	is_str(P.flash_jedec.s, "ef4018", "MT7620 spi device id");
	is_int(P.flash_size.n, 16 * MIB, "Flash component size");

	load("MX25L12805D(c2 2018c220) (16384 Kbytes)\n");
	is_str(P.flash_jedec.s, "c22018", "raspi odd byte order");
	is_str(P.flash_chip.s, "MX25L12805D", "raspi chip");

	load("Flash Manuf Id 0xef, DeviceId0 0x40, DeviceId1 0x16\nflash size 4MB, sector count = 64\n");
	is_str(P.flash_jedec.s, "ef4016", "QCA LSDK U-Boot id");
	is_int(P.flash_size.n, 4 * MIB, "QCA flash size");

	load("->Oops: flash id 0xef4016 .\nflash_size passed from bootloader = 4\n");
	is_str(P.flash_jedec.s, "ef4016", "QCA vendor kernel id");
	is_int(P.flash_size.n, 4 * MIB, "flash_size passed from bootloader");

	/* only the chip's name is printed: the id from the kernel's spi-nor table */
	load("[    0.650000] m25p80 spi0.0: en25q32b (4096 Kbytes)\n");
	is_str(P.flash_jedec.s, "1c3016", "JEDEC id of en25q32b from the spi-nor table");
	is_int(P.flash_jedec.src->line, 1, "its evidence is the chip line");
	load("->Oops: flash id 0x10215 .\n");
	is_str(P.flash_jedec.s, "010215", "LSDK id printed without its leading zero");
	is_int(P.flash_size.n, 4 * MIB, "010215 is the 4 MiB S25SL032A");

	/* two SPI NOR chips joined by mtd-concat (Buffalo WZR-HP-G300NH2 boot, drivers/mtd/mtdconcat.c) */
	load("m25p80 spi0.0: found mx25l12805d, expected m25p80\nm25p80 spi0.0: mx25l12805d (16384 Kbytes)\n"
	     "m25p80 spi0.1: found mx25l12805d, expected m25p80\nm25p80 spi0.1: mx25l12805d (16384 Kbytes)\n"
	     "Concatenating MTD devices:\n(0): \"spi0.0\"\n(1): \"spi0.1\"\ninto device \"flash\"\n"
	     "Creating 7 MTD partitions on \"flash\":\n");
	is_int(P.flash_size.n, 32 * MIB, "two concatenated 16 MiB chips are 32 MiB");
	/* two chips the kernel does not join: the firmware's chip only */
	load("m25p80 spi0.0: mx25l12805d (16384 Kbytes)\nm25p80 spi0.1: mx25l12805d (16384 Kbytes)\n");
	is_int(P.flash_size.n, 16 * MIB, "two chips, not concatenated: one chip's size");
	/* a concatenation of a device whose size the log does not give: no sum */
	load("m25p80 spi0.0: mx25l12805d (16384 Kbytes)\nConcatenating MTD devices:\n(0): \"spi0.0\"\n"
	     "(1): \"nand0\"\ninto device \"flash\"\n");
	is_int(P.flash_size.n, 16 * MIB, "concatenation with an unknown member: no made-up sum");
	/* U-Boot of the same board: two banks */
	load("flash bank #0 found 16 MB flash [W25Q128BV, blk:0x10000, sectors:256]\n"
	     "flash bank #1 found 16 MB flash [W25Q128BV, blk:0x10000, sectors:256]\n");
	is_int(P.flash_size.n, 32 * MIB, "two U-Boot flash banks add up");
	is_str(P.flash_jedec.s, "ef4018", "W25Q128BV named in the bank line: id ef4018");

	/* parallel NOR behind physmap: the window is not the chip; the first CFI alias is its size */
	load("physmap platform flash device: 02000000 at 1e000000\n"
	     "physmap-flash.0: Found 1 x16 devices at 0x0 in 16-bit bank. Manufacturer ID 0x0000c2 Chip ID 0x0022cb\n"
	     "physmap-flash.0: Found an alias at 0x800000 for the chip at 0x0\n"
	     "physmap-flash.0: Found an alias at 0x1000000 for the chip at 0x0\n"
	     "physmap-flash.0: Found an alias at 0x1800000 for the chip at 0x0\n"
	     "number of CFI chips: 1\n");
	is_int(P.flash_size.n, 8 * MIB, "CFI chip repeating at 0x800000 of a 32 MiB window is 8 MiB");
	is_str(P.flash_jedec.s, "c222cb", "CFI ids kept");
	ok(!P.flash_type.src || strcmp(P.flash_type.s, "nand"), "CFI id c222cb is not read as a Macronix SPI NAND");
	load("physmap platform flash device: 00800000 at bf000000\n"
	     "physmap-flash.0: Found 1 x16 devices at 0x0 in 16-bit bank. Manufacturer ID 0x0000c2 Chip ID 0x0022a8\n"
	     "physmap-flash.0: Found an alias at 0x400000 for the chip at 0x0\n");
	is_int(P.flash_size.n, 4 * MIB, "4 MiB chip in an 8 MiB window");

	/* the Realtek SDK's copy of the probe spells it "alies" */
	load("flash device: 0x1000000 at 0xbd000000\n"
	     "Physically mapped flash: Found an alies 0x800000 for the chip at 0x0, mxic device detect.\n");
	is_int(P.flash_size.n, 8 * MIB, "Realtek 'alies' line: 8 MiB chip in a 16 MiB window");
	/* RedBoot: blocks times block size */
	load("FLASH: 0xa8000000 - 0xa87f0000, 128 blocks of 0x00010000 bytes each.\n");
	is_int(P.flash_size.n, 8 * MIB, "RedBoot 128 blocks of 64 KiB");
	load("FLASH: 0x40000000-0x43ffffff, 1024 x 0x10000 blocks\n");
	is_int(P.flash_size.n, 64 * MIB, "RedBoot 1024 x 64 KiB blocks");
	/* no line gives the size: the end of the kernel's partition table, if a power of two */
	load("Creating 3 MTD partitions on \"IXP425 Flash\":\n0x00000000-0x00060000 : \"RedBoot\"\n"
	     "0x00060000-0x007e0000 : \"linux\"\n0x007e0000-0x00800000 : \"FIS directory\"\n");
	is_int(P.flash_size.n, 8 * MIB, "partition table ending at 8 MiB");
	load("Creating 2 MTD partitions on \"flash\":\n0x00000000-0x00060000 : \"RedBoot\"\n"
	     "0x00060000-0x00700000 : \"linux\"\n");
	ok(!P.flash_size.src, "a table ending at 7 MiB gives no size");
	load("Creating 3 MTD partitions on \"flash\":\n0x00000000-0x00400000 : \"ALL\"\n"
	     "0x00000000-0x00030000 : \"Bootloader\"\n0x00050000-0x01000000 : \"Kernel\"\n");
	ok(!P.flash_size.src, "a table whose ALL ends before its last partition gives no size");

	/* a SoC no table knows keeps its chip name, not the revision after it */
	load("SoC:   88F6560 A0\n");
	is_str(P.soc.s, "88F6560", "unknown SoC named without its revision");
	is_str(P.soc_status, "none", "a chip-only line: no OpenWrt target");

	/* RAM: the kernel manages more than the loader printed */
	load("DRAM:  64 MiB\nMemory: 125252K/131072K available (3181K kernel code, 152K rwdata)\n");
	is_int(P.ram.n, 128 * MIB, "kernel's 131072K beats the loader's 64 MiB");
	load("DRAM:  64 MiB\nMemory: 59960K/65536K available\n");
	is_int(P.ram.n, 64 * MIB, "loader and kernel agree");
	load("DRAM:  128 MiB\nMemory: 59960K/65536K available\n");
	is_int(P.ram.n, 128 * MIB, "a kernel limited by mem= sees less: the loader's figure stays");
	/* the kernel's total leaves out no-map reserved memory: a module is a power of two */
	load("[    0.000000] Memory: 224436K/241664K available (5120K kernel code, 17228K reserved)\n");
	is_int(P.ram.n, 256 * MIB, "IPQ40xx-style 236 MiB total: a 256 MiB module");
	load("[    0.000000] Memory: 380000K/393216K available\n");
	is_int(P.ram.n, 384 * MIB, "384 MiB (three quarters of 512) stays as printed");
	/* MT7621 U-Boot maps at most 448 MiB */
	load("CPU:   MediaTek MT7621AT ver 1, eco 3\nDRAM:  448 MiB\n");
	is_int(P.ram.n, 512 * MIB, "MT7621 with 448 MiB mapped: 512 MiB fitted");
	load("CPU:   MediaTek MT7621AT ver 1, eco 3\nDRAM:  256 MiB\n");
	is_int(P.ram.n, 256 * MIB, "MT7621 with 256 MiB: as printed");
	load("Qualcomm Atheros QCA9563 ver 1 rev 0\nDRAM:  448 MiB\n");
	ok(P.ram.n != 512 * MIB, "448 MiB on another SoC is not rounded to 512 by the MT7621 rule");

	load("  FLASH: 16 MB Winbond W25Q128\n");
	is_int(P.flash_size.n, 16 * MIB, "u-boot_mod size");
	is_str(P.flash_chip.s, "W25Q128", "u-boot_mod chip");

	load("[    1.230000] m25p80 spi0.0: found mx25l25635e, expected m25p80\n[    1.240000] m25p80 spi0.0: "
	     "mx25l25635e (32768 Kbytes)\n");
	is_str(P.flash_chip.s, "mx25l25635e", "m25p80 chip");
	is_int(P.flash_size.n, 32 * MIB, "m25p80 size");

	load("spi-nand spi0.1: Winbond SPI NAND was found.\nspi-nand spi0.1: 128 MiB, block size: 128 KiB, page size: "
	     "2048, OOB size: 64\n");
	is_str(P.flash_type.s, "nand", "spi-nand type");
	is_int(P.flash_size.n, 128 * MIB, "spi-nand size");

	load("SF: Detected w25q128bv with page size 256 Bytes, erase size 64 KiB, total 16 MiB\n");
	is_str(P.flash_chip.s, "w25q128bv", "mainline U-Boot SF chip");
	is_int(P.flash_size.n, 16 * MIB, "mainline U-Boot SF size");

	load("NOTICE:  SPI_NAND Detected ID 0xc2\nNOTICE:  Page size 2048, Block size 131072, size 134217728\n");
	is_int(P.flash_size.n, 128 * MIB, "TF-A BL2 NAND size");

	load("NAND flash device: Spansion S34ML01G1, id 0x01f1 block 128KB size 131072KB\n");
	is_str(P.flash_jedec.s, "01f1", "CFE NAND id");
	is_int(P.flash_size.n, 128 * MIB, "CFE NAND size");

	load("NAND device: Manufacturer ID: 0x01, Chip ID: 0xdc (AMD NAND 512MiB 3,3V 8-bit)\n");
	is_str(P.flash_jedec.s, "01dc", "Northstar NAND id");
	is_int(P.flash_size.n, 512 * MIB, "Northstar NAND size");

	load("SPI NAND ID: 0xa1 0xe4\n");
	is_str(P.flash_jedec.s, "a1e4", "Broadcom BCA SPI NAND id");

	load("1.Manufacture ID=0xef\n2.Device ID=0x40\n3.Capacity ID=0x16\n4.Winbond SPI (4 MByte)!\n");
	is_str(P.flash_jedec.s, "ef4016", "RTL8196C boot ROM id");
	is_int(P.flash_size.n, 4 * MIB, "RTL8196C boot ROM size");

	load("JEDEC id 207018, EXT id 0x2070\nfound xm25qh128a\nxm25qh128a, size=16MB, erasesize=4KB\n");
	is_str(P.flash_jedec.s, "207018", "RTL8197F JEDEC id");
	is_str(P.flash_chip.s, "xm25qh128a", "RTL8197F chip");

	load("SPI-F: MXIC/C22019/MMIO32-4/ModeC 1x32 MB (plr_flash_info @ 83fc14a4)\n");
	is_str(P.flash_jedec.s, "c22019", "RTL93xx SPI-F id");
	is_int(P.flash_size.n, 32 * MIB, "RTL93xx size");

	/* RAM */
	load("Board: Ralink APSoC DRAM:  64 MB\n");
	is_int(P.ram.n, 64 * MIB, "Ralink U-Boot DRAM");
	load("DRAM:  \nsri\nath_sys_frequency: cpu apb ddr apb cpu 550 ddr 396 ahb 198\n128 MB\n");
	is_int(P.ram.n, 128 * MIB, "QCA DRAM value on a later line");
	is_int(P.cpu_mhz.n, 550, "ath_sys_frequency clock");
	load(" memory: 04000000 @ 00000000 (usable)\nMemory: 58116k/65536k available (3648k kernel code)\n");
	is_int(P.ram.n, 64 * MIB, "kernel memory map");
	load("MemTotal:          59960 kB\n");
	is_int(P.ram.n, 64 * MIB, "MemTotal rounded up");
	ok(P.ram_estimated, "MemTotal is an estimate");
	load("Total Memory: 134217728 bytes (128MB)\n");
	is_int(P.ram.n, 128 * MIB, "CFE total memory");
	load("total_size_Mbits    = 2048 (DRAM size in MegaBits)\n");
	is_int(P.ram.n, 256 * MIB, "BCA SPL Mbits");

	/* SoC and clocks */
	load("SoC Type: MediaTek MT7628AN ver:1 eco:2\n");
	is_str(P.soc.s, "MT7628", "SoC Type");
	is_str(P.soc_variant.s, "MT7628AN", "SoC variant as printed");
	is_str(P.target, "ramips", "target");
	is_str(P.subtarget, "mt76x8", "subtarget");
	load("ASIC 7628_MP (Port5<->None)\nInitializing MT7688 GPIO system.\n");
	is_str(P.soc.s, "MT7688", "MT7688 tells itself apart");
	load("system type\t\t: Philips Nino\ncpu model\t\t: R3000 V0.0\n---RealTek(RTL8196C)at 2014.08.29-12:43+0800 "
	     "version v1.1c [16bit](390MHz)\n");
	is_str(P.soc.s, "RTL8196C", "bogus system type loses to the boot ROM");
	is_int(P.cpu_mhz.n, 390, "Realtek banner clock");
	ok(P.nconflicts >= 1, "bogus system type is a conflict");
	load("CPU=500000000 HZ\n##### The CPU freq = 880 MHZ ####\n");
	is_int(P.cpu_mhz.n, 880, "pre-PLL clock does not win");
	ok(P.nconflicts == 1 && strstr(P.conflicts[0].what, "pre-PLL"), "pre-PLL clock shown as a conflict");
	load("[    0.000000] SoC: Qualcomm Atheros QCA9531 ver 2 rev 0\n");
	is_str(P.soc.s, "QCA9531", "QCA SoC line");
	load("Chip ID: BCM68380_B0, MIPS: 600MHz, DDR: 533MHz, Bus: 240MHz\n");
	is_str(P.soc.s, "BCM68380", "Broadcom chip id");
	is_int(P.cpu_mhz.n, 600, "Broadcom MIPS clock");
	load("Model: MediaTek MT7621 reference board\n");
	ok(P.machine.src && P.nconflicts == 1, "reference board name flagged");

	load("CLOCKS: CPU/RAM/AHB/SPI/REF\n400/400/200/ 25/ 25 MHz\n    SOC: AR9330 rev. 1\n");
	is_int(P.cpu_mhz.n, 400, "u-boot_mod clocks on the next line");
	/* OpenWrt names the AR9330 apart (ath79 SOC := ar9330 beside ar9331): data/socs.tsv keeps both */
	is_str(P.soc.s, "AR9330", "u-boot_mod SOC line");
	load("NOTICE:  CPU: MT7981 (1300MHz)\nNOTICE:  EMI: Detected DRAM size: 256MB\n");
	is_int(P.cpu_mhz.n, 1300, "TF-A CPU clock");
	is_int(P.ram.n, 256 * MIB, "TF-A DRAM size");
	is_str(P.soc.s, "MT7981", "TF-A SoC");
	load("Thu Nov 16 06:09:33 2023 kern.info kernel: [    0.000000] SoC Type: MediaTek MT7628AN ver:1 eco:2\n");
	is_str(P.soc.s, "MT7628", "logread prefix and timestamp removed");
	load("DRAM:  242 MiB\n");
	is_int(P.ram.n, 256 * MIB, "QSDK DRAM after reserved areas rounded up");

	/* partitions */
	load("Creating 5 MTD partitions on \"raspi\":\n0x000000000000-0x000000030000 : \"Bootloader\"\n"
	     "0x000000030000-0x000000040000 : \"Config\"\n0x000000040000-0x000000050000 : \"Factory\"\n"
	     "0x000000050000-0x000000800000 : \"firmware\"\n"
	     "2 uimage-fw partitions found on MTD device firmware\nCreating 2 MTD partitions on \"firmware\":\n"
	     "0x000000000000-0x0000001861b6 : \"kernel\"\n0x0000001861b6-0x0000007b0000 : \"rootfs\"\n");
	is_int(P.nparts, 4, "nested table not taken as the layout");
	is_str(P.parts_from, "raspi", "layout from the raspi table");
	load("Kernel command line: console=ttyS0,115200 "
	     "mtdparts=ath-nor0:128k(u-boot),1024k(kernel),2816k(rootfs),64k(config),64k(art) mem=32M\n");
	is_int(P.nparts, 5, "cmdline mtdparts");
	ok(P.nparts == 5 && P.parts[4]->offset == 0x3f0000, "mtdparts offsets accumulate");
	is_str(P.console.s, "ttyS0,115200", "console from the cmdline");
	load("mtdparts=spi1.0:2097152(loader),131072000@2097152(image)\n");
	ok(P.nparts == 2 && P.parts[1]->offset == 2097152 && P.parts[1]->size == 131072000, "byte sizes with @offset");
	load("dev:    size   erasesize  name\nmtd0: 00400000 00010000 \"ALL\"\nmtd1: 00030000 00010000 "
	     "\"Bootloader\"\n");
	is_int(P.nparts, 2, "/proc/mtd");
	is_int(P.flash_size.n, 4 * MIB, "/proc/mtd ALL gives the flash size");
	load("mtd0: 00040000 00020000 \"bootloader\"\n");
	is_str(P.flash_type.s, "nand", "128 KiB erase size means NAND");

	/* PCI, USB, modem */
	load("# lspci -nn\n01:00.0 Network controller [0280]: MEDIATEK Corp. MT7612E 802.11acbgn PCI Express Wireless "
	     "Network Adapter [14c3:7662]\n");
	ok(P.nradios == 1 && !strcmp(P.radios[0].chip, "MT7612E"), "lspci -nn radio");
	load("pci 0000:01:00.0: [14c3:7650] type 00 class 0x028000\n");
	ok(P.nradios == 1 && !strcmp(P.radios[0].chip, "MT7610E"), "kernel PCI enumeration radio");
	load("Find PCIE Port, Device:Vender ID=b82210ec\n");
	ok(P.nradios == 1 && !strcmp(P.radios[0].chip, "RTL8822BE"), "Realtek vendor:device print");
	load("usb 1-1: New USB device found, idVendor=2cb7, idProduct=0a05, bcdDevice= 5.04\n");
	ok(P.nusb == 1 && P.usb[0].modem, "kernel USB line finds the modem");
	struct mtd_modem_info m;
	is_int(mtd_modem_lookup(0x2cb7, 0x0a05, &m), 0, "modem lookup");
	is_str(m.mode, "ncm", "FG621 is NCM");
	is_int(mtd_modem_lookup(0x1234, 0x5678, &m), MTD_ERR_NOT_FOUND, "unknown modem");
	uint16_t v, p;
	ok(mtd_usb_id_parse("2cb7:0a05", &v, &p) && v == 0x2cb7 && p == 0x0a05, "usb id parse");
	ok(!mtd_usb_id_parse("2cb7-0a05", &v, &p) && !mtd_usb_id_parse("2cb7:0a0", &v, &p), "usb id parse rejects");

	/* assessment minimums */
	struct mtd_assessment a;
	load("DRAM:  32 MB\nflash size 16MB, sector count = 256\nSoC: Qualcomm Atheros QCA9533 ver 2 rev 0\n");
	mtd_assess(&P, &a);
	is_int(a.verdict, MTD_VERDICT_NOT_VIABLE, "32 MiB RAM is not viable");
	mtd_assessment_release(&a);
	load("DRAM:  64 MB\nflash size 8MB, sector count = 128\nSoC Type: MediaTek MT7628AN ver:1 eco:2\n");
	mtd_assess(&P, &a);
	ok(a.verdict == MTD_VERDICT_PORT || a.verdict == MTD_VERDICT_SUPPORTED, "8/64 is viable");
	int warns = 0;
	for (size_t i = 0; i < a.nreasons; i++)
		warns += a.reasons[i].kind == MTD_REASON_WARN;
	ok(warns >= 2, "8/64 is warned twice");
	mtd_assessment_release(&a);

	/* issue 11: SoCs only in a vendor U-Boot banner, a FIT listing, TF-A */
	load("ASIC 7620_MP (Port5<->None)\nDRAM component: 512 Mbits DDR, width 16\n");
	/* 7620_MP does not tell the MT7620A from the MT7620N (package letters): the family row */
	is_str(P.soc.s, "MT7620", "'ASIC 7620_MP' gives the MT7620");
	is_int(P.ram.n, 64 * MIB, "DRAM component: 512 Mbits");
	load("## Checking Image at 46000000 ...\n   FIT image found\n     Description:  "
	     "mt7986a-ax6000-2500wan-spim-nand-rfb\n"
	     "     Type:         Flat Device Tree\n");
	is_str(P.soc.s, "MT7986", "a FIT fdt description 'mt7986a-...-rfb' gives the MT7986");
	ok(F.n > 0, "the FIT listing alone gives facts");
	load("NOTICE:  BL2: v2.7(release):\nNOTICE:  CPU: MT7981 (1300MHz)\nNOTICE:  EMI: Detected DRAM size: 512 MB\n"
	     "NOTICE:  SPI_NAND Detected ID 0xc2\nNOTICE:  Page size 2048, Block size 131072, size 134217728\n");
	is_str(P.soc.s, "MT7981", "TF-A BL2 CPU line");
	is_int(P.cpu_mhz.n, 1300, "TF-A CPU clock");
	is_int(P.ram.n, 512 * MIB, "TF-A DRAM size");
	is_int(P.flash_size.n, 128 * MIB, "TF-A SPI-NAND size");
	is_str(P.flash_type.s, "nand", "TF-A SPI-NAND type");
	is_str(P.bootloader.s, "TF-A BL2 v2.7(release):", "TF-A BL2 version");
	/* a JEDEC id gives the size through the chip table */
	load("[    0.512000] spi-nor spi0.0: unrecognized JEDEC id bytes: 1c 71 18 0f 00 00\n");
	is_str(P.flash_jedec.s, "1c7118", "unrecognized JEDEC id bytes: the id");
	if (mtd_kb_flash_by_jedec("1c7118"))
		is_int(P.flash_size.n, 16 * MIB, "1c7118 (EN25QX128A) is 16 MiB through the chip table");
	else
		ok(1, "# SKIP the chip table does not hold 1c7118 yet");
	/* a small NOR beside a 128 MiB SPI NAND: the flash is both, not 2 MiB */
	load("[    1.010000] m25p80 spi0.0: mx25l1606e (2048 Kbytes)\n"
	     "[    1.020000] spi-nand spi0.1: Winbond SPI NAND was found.\n"
	     "[    1.030000] spi-nand spi0.1: 128 MiB, block size: 128 KiB, page size: 2048, OOB size: 64\n"
	     "SoC: Qualcomm Atheros QCA9531 ver 2 rev 0\nDRAM:  128 MB\n");
	is_int(P.flash_size.n, 128 * MIB, "NOR + NAND: the flash is the 128 MiB NAND");
	is_int(P.flash_other.n, 2 * MIB, "NOR + NAND: the 2 MiB NOR is the other chip");
	is_str(P.flash_other_type, "nor", "the other chip is NOR");
	{
		struct mtd_assessment a2;
		mtd_assess(&P, &a2);
		ok(a2.verdict != MTD_VERDICT_NOT_VIABLE, "NOR + NAND is not 'not viable: 2 MiB'");
		ok(strstr(a2.reasons[0].text, "128 MiB nand + 2 MiB nor") != NULL,
		   "the flash reason names both chips: %s", a2.reasons[0].text);
		mtd_assessment_release(&a2);
	}
	/* brands only from lines that name a device */
	load("[    3.100000] usbcore: registered new interface driver pegasus\n[    0.000000] SoC: Qualcomm Atheros "
	     "QCA9531 ver 2 rev 0\n");
	ok(!P.brand.src, "'registered new interface driver pegasus' gives no brand (got %s)",
	   P.brand.src ? P.brand.s : "none");
	load("[    0.000000] MIPS: machine is TP-Link Archer C7 v5\n");
	is_str(P.brand.s, "TP-Link", "the brand from the machine line");
	/* OpenWrt's own board description */
	load("{\n\t\"kernel\": \"5.15.137\",\n\t\"system\": \"MediaTek MT7621 ver:1 eco:3\",\n\t\"model\": \"TP-Link "
	     "Archer C6 v3\",\n"
	     "\t\"board_name\": \"tplink,archer-c6-v3\",\n}\n");
	is_str(P.compatible.s, "tplink,archer-c6-v3", "ubus board_name");
	is_str(P.machine.s, "TP-Link Archer C6 v3", "ubus model");
	is_str(P.soc.s, "MT7621", "ubus system");
	{
		struct mtd_assessment a2;
		mtd_assess(&P, &a2);
		is_int(a2.verdict, MTD_VERDICT_SUPPORTED, "ubus board_name of an OpenWrt device: supported");
		mtd_assessment_release(&a2);
	}

	/* no Ethernet: from what the owner says in general words, and from the ports the kernel registers */
	load("The board has no Ethernet port at all, only Wi-Fi.\nSoC Type: MediaTek MT7628AN ver:1 eco:2\n");
	ok(P.eth_ports.src && P.eth_ports.n == 0, "'has no Ethernet port' gives no Ethernet");
	load("It is a travel router without any RJ45 jack.\n");
	ok(P.eth_ports.src && P.eth_ports.n == 0, "'without any RJ45 jack' gives no Ethernet");
	/* U-Boot's own message when it has no network driver (a Realtek switch's loader, xikestor-sks8300-8t) */
	load("Net:   No ethernet found.\n");
	ok(!P.eth_ports.src, "U-Boot's 'No ethernet found.' says nothing about the board's ports");
	load("I had no problem with the LAN ports after flashing.\nSoC Type: MediaTek MT7628AN ver:1 eco:2\n");
	ok(!P.eth_ports.src, "'no problem with the LAN ports' says nothing about the ports");
	load("[    5.357969] mt7530 mdio-bus:1f lan0 (uninitialized): PHY [dsa-0.0:00] driver [Generic PHY]\n"
	     "[    5.367394] mt7530 mdio-bus:1f lan1 (uninitialized): PHY [dsa-0.0:01] driver [Generic PHY]\n"
	     "[    5.376737] mt7530 mdio-bus:1f lan2 (uninitialized): PHY [dsa-0.0:02] driver [Generic PHY]\n"
	     "[    5.386068] mt7530 mdio-bus:1f wan (uninitialized): PHY [dsa-0.0:04] driver [Generic PHY]\n");
	is_int(P.eth_ports.n, 4, "four DSA ports registered: four Ethernet ports");

	/* hostile */
	struct mtd_diag d;
	mtd_diag_clear(&d);
	is_int(mtd_facts_parse(&F, "e", (const uint8_t *)"", 0, &d), MTD_ERR_FORMAT, "empty input refused");
	uint8_t bin[4096];
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)(i * 7);
	is_int(mtd_facts_parse(&F, "b", bin, sizeof(bin), &d), MTD_ERR_FORMAT, "binary input refused");
	ok(strstr(d.msg, "binary") != NULL, "binary message");

	mtd_profile_release(&P);
	mtd_facts_release(&F);

	/* the Realtek boot code's flash table: column names, then the values (tests/data/real-logs) */
	load("@ chip__no chip__id mfr___id dev___id cap___id size_sft dev_size chipSize\n"
	     "@ 0000000h 0c22015h 00000c2h 0000020h 0000015h 0000000h 0000015h 0200000h\n"
	     "@ blk_size blk__cnt sec_size sec__cnt pageSize page_cnt chip_clk chipName\n"
	     "@ 0010000h 0000020h 0001000h 0000200h 0000100h 0000010h 0000027h MX25L1605D\n");
	is_str(P.flash_jedec.s, "c22015", "Realtek boot code table: chip__id");
	is_int(P.flash_size.n, 2 * MIB, "Realtek boot code table: chipSize");
	is_str(P.flash_chip.s, "MX25L1605D", "Realtek boot code table: chipName");
	is_int(P.flash_jedec.src->line, 2, "its evidence is the row of values");
	load("|No chipID  Sft chipSize blkSize secSize pageSize sdCk opCk      chipName    |\n"
	     "| 0 1c7015h  0h  200000h  10000h   1000h     100h   40   39           UNKNOWN|\n");
	is_str(P.flash_jedec.s, "1c7015", "RTL8196C boot code table: chipID");
	is_int(P.flash_size.n, 2 * MIB, "RTL8196C boot code table: chipSize");
	load("|No chipID  Sft chipSize blkSize secSize pageSize sdCk opCk      chipName    |\n"
	     "some other line\n"
	     "| 0 1c7015h  0h  200000h  10000h   1000h     100h   40   39           UNKNOWN|\n");
	ok(!P.flash_size.src, "a value row that does not follow its header is not read");

	/* /proc/mtd without a whole-chip entry: the partitions of one device, less those split out */
	load("dev:    size   erasesize  name\n"
	     "mtd0: 00030000 00010000 \"bootloader\"\n"
	     "mtd1: 00010000 00010000 \"config\"\n"
	     "mtd2: 00010000 00010000 \"factory\"\n"
	     "mtd3: 00fb0000 00010000 \"firmware\"\n"
	     "mtd4: 0015cf19 00010000 \"kernel\"\n"
	     "mtd5: 00e530e7 00010000 \"rootfs\"\n"
	     "mtd6: 00a00000 00010000 \"rootfs_data\"\n");
	is_int(P.flash_size.n, 16 * MIB, "/proc/mtd: the sum of the top-level partitions");
	ok(P.flash_size.src && strstr(P.flash_size.src->note, "sum") != NULL, "the evidence says it is a sum: %s",
	   P.flash_size.src ? P.flash_size.src->note : "-");
	is_int(P.flash_size.src ? P.flash_size.src->line : 0, 2, "its evidence is the table's first line");
	load("mtd0: 00030000 00010000 \"bootloader\"\n"
	     "mtd1: 00010000 00010000 \"config\"\n"
	     "mtd2: 00500000 00010000 \"firmware\"\n");
	ok(!P.flash_size.src, "/proc/mtd partitions that add up to no power of two give no size");
	load("mtd0: 00800000 00010000 \"ALL\"\n"
	     "mtd1: 00030000 00010000 \"u-boot\"\n"
	     "mtd2: 007d0000 00010000 \"firmware\"\n");
	is_int(P.flash_size.n, 8 * MIB, "/proc/mtd with a whole-chip entry: that entry");
	ok(P.flash_size.src && !strstr(P.flash_size.src->note, "sum"), "and not a sum");
	load("mtd0: 00100000 00010000 \"0:SBL1\"\n"
	     "mtd1: 00100000 00010000 \"0:APPSBL\"\n"
	     "mtd2: 00100000 00010000 \"0:ART\"\n"
	     "mtd3: 00100000 00010000 \"0:CFG\"\n"
	     "mtd4: 04000000 00020000 \"rootfs\"\n"
	     "mtd5: 04000000 00020000 \"rootfs_1\"\n");
	is_int(P.flash_size.n, 128 * MIB, "/proc/mtd of a NOR and a NAND: the NAND's partitions add up to the NAND");
	is_int(P.flash_other.n, 4 * MIB, "and the NOR's to the NOR");

	/* a SoC family's name in a driver's name is not the SoC (the driver serves the whole family) */
	load("[   12.345678] rtl838x-eth 1b00a300.ethernet eth0: left allmulticast mode\n");
	ok(!P.soc.src, "'rtl838x-eth' names a driver, not the SoC (%s)", P.soc.src ? P.soc.s : "none");
	load("libphy: ipq40xx_mdio: probed\n");
	ok(!P.soc.src, "'ipq40xx_mdio' names a driver, not the SoC (%s)", P.soc.src ? P.soc.s : "none");
	load("The router has a MT7628 inside, I think.\n");
	is_str(P.soc.s, "MT7628", "a SoC named in prose still counts");

	/* RAM from a loader's range and the kernel's memory node (tests/data/real-logs) */
	load("RAM: 0x80000000-0xa0000000 [0x80037a60-0x9ffd0ffc available]\n");
	is_int(P.ram.n, 512 * MIB, "RedBoot RAM range not starting at 0: end less start");
	load("[    0.000000]   Normal   [mem 0x0000000000000000-0x0000000007ffffff]\n");
	is_int(P.ram.n, 128 * MIB, "the kernel's Normal zone");
	load("[    0.000000] Initmem setup node 0 [mem 0x0000000000000000-0x0000000023ffffff]\n");
	ok(!P.ram.src, "a node span that is no power of two (high memory beyond an I/O window) gives no RAM");
	/* a JEDEC id the kernel's table does not know: the capacity byte gives the size (facts_uboot.c) */
	load("flash manufacture id: 20, device id 40 18\nWarning: un-recognized chip ID, please update bootloader!\n");
	is_str(P.flash_jedec.s, "204018", "an unknown Ralink-loader id is still the JEDEC id");
	is_int(P.flash_size.n, 16 * MIB, "its capacity byte 0x18 gives 16 MiB");
	load("flash manufacture id: 89, device id 40 18\n");
	ok(!P.flash_size.src, "Intel ids encode the size otherwise: no size from the capacity byte");
	/* QCA U-Boot 2016.01: "DRAM:" followed by the SMEM table line, the size on a later line */
	load("DRAM:  smem ram ptable found: ver: 1 len: 4\n512 MiB\n");
	is_int(P.ram.n, 512 * MIB, "DRAM size on the line after the SMEM ptable message");
	load("NAND:  ONFI device found\nSF: Unsupported flash IDs: manuf 00, jedec 0000, ext_jedec 0000\n"
	     "ipq_spi: SPI Flash not found (bus/cs/speed/mode) = (0/0/48000000/0)\n256 MiB\n");
	is_int(P.flash_size.n, 256 * MIB, "the NAND size after a failed SPI NOR probe");
	return tap_done();
}
