/* SPDX-License-Identifier: MIT */
/* Lookups of the knowledge tables.  Each expected value is quoted from the source the table is derived
 * from (Linux 6.1 drivers/mtd, OpenWrt's image makefiles and device trees, the 2022 Table of Hardware),
 * not from our logs. */
#include <stdio.h>
#include <string.h>

#include <mtdscope/error.h>

#include "kb.h"
#include "tap.h"

#define MIB (1024ULL * 1024ULL)

static void flash(void)
{
	struct mtd_kb_flash_match m;
	/* winbond.c: { "w25q128", INFO(0xef4018, 0, 64 * 1024, 256) */
	is_int(mtd_kb_flash_lookup("ef4018", &m), 0, "ef4018 is known");
	is_int(m.size, 16 * MIB, "ef4018 (W25Q128) is 16 MiB");
	ok(!m.ambiguous && !m.inferred && m.ncand >= 1, "ef4018 is listed, one size");
	is_str(m.cand[0]->name, "W25Q128", "ef4018 is the W25Q128");
	/* gigadevice.c: { "gd25q64", INFO(0xc84017, 0, 64 * 1024, 128) */
	is_int(mtd_kb_flash_lookup("0xC84017", &m), 0, "0xC84017 is known");
	is_int(m.size, 8 * MIB, "c84017 (GD25Q64) is 8 MiB");
	/* the id bytes as the kernel prints an unknown chip: "unrecognized JEDEC id bytes: 1c 70 18" */
	is_int(mtd_kb_flash_lookup("1c 70 18", &m), 0, "1c 70 18 is known");
	is_str(m.cand[0]->name, "EN25QH128", "1c7018 is the EN25QH128 (eon.c)");
	/* EN25QX128A (1c7118) is not in Linux 6.1 nor flashrom 1.3: its size comes from the capacity byte,
	 * a rule every EON chip of eon.c follows (en25qh128 0x1c7018 = 256 x 64 KiB = 2^0x18) */
	is_int(mtd_kb_flash_lookup("1c7118", &m), 0, "1c7118 gives a size");
	ok(m.inferred, "1c7118: size inferred, not listed");
	is_int(m.size, 16 * MIB, "1c7118 (EN25QX128A) is 16 MiB");
	/* atmel.c { "at45db081d", INFO(0x1f2500, 0, 64 * 1024, 16) } and xilinx.c { "3S700AN", S3AN_INFO(0x1f2500,
	 * 512, 264) }: one id, two sizes */
	is_int(mtd_kb_flash_lookup("1f2500", &m), 0, "1f2500 is known");
	ok(m.ambiguous && m.size == 0 && m.ncand == 2, "1f2500 is ambiguous (AT45DB081D 1 MiB, 3S700AN 1056 KiB)");
	/* nand/spi/winbond.c: SPINAND_INFO("W25N01GV", SPINAND_ID(..., 0xaa), NAND_MEMORG(1, 2048, 64, 64, 1024, ...))
	 */
	is_int(mtd_kb_flash_lookup("efaa21", &m), 0, "SPI NAND efaa21 is known");
	is_int(m.size, 128 * MIB, "W25N01GV is 2048 x 64 x 1024 = 128 MiB");
	is_str(m.cand[0]->type, "spi-nand", "W25N01GV is SPI NAND");
	/* nand_ids.c: EXTENDED_ID_NAND("NAND 128MiB 3,3V 8-bit", 0xF1, 128, LP_OPTIONS), any maker */
	is_int(mtd_kb_flash_lookup("c2f1", &m), 0, "raw NAND c2 f1 is known by its device byte");
	is_int(m.size, 128 * MIB, "raw NAND device f1 is 128 MiB");
	is_int(mtd_kb_flash_lookup("zz", &m), MTD_ERR_ARG, "not hex");
	/* a maker the kernel does not list with 4 chips following the rule: nothing is made up */
	is_int(mtd_kb_flash_lookup("ab1234", &m), MTD_ERR_NOT_FOUND, "unknown maker ab: not found");
	const struct mtd_kb_flash *f = mtd_kb_flash_by_jedec("ef4018");
	ok(f && f->size == 16 * MIB, "mtd_kb_flash_by_jedec(ef4018) still works");
	/* flashrom -L: "Winbond  W25Q128.V  ...  16384  SPI" */
	f = mtd_kb_flash_by_name("W25Q128FV");
	ok(f && f->size == 16 * MIB, "W25Q128FV: 16 MiB by name");
	f = mtd_kb_flash_by_name("gd25q64");
	ok(f && f->size == 8 * MIB, "gd25q64 by name, any case");
	/* the marking printed on the package: gigadevice.c lists "gd25q64" */
	f = mtd_kb_flash_by_name("GD25Q64CSIG");
	ok(f && f->size == 8 * MIB, "GD25Q64CSIG, a longer marking of the GD25Q64: 8 MiB");
	/* the id of a chip only named: spi-nor/winbond.c { "w25x32", INFO(0xef3016, ...) } */
	f = mtd_kb_flash_id_by_name("w25x32");
	ok(f && !strcmp(f->jedec, "ef3016"), "w25x32 (kernel name): id ef3016");
	f = mtd_kb_flash_id_by_name("S25SL064A");
	ok(f && !strcmp(f->jedec, "010216"), "S25SL064A: id 010216 (spansion.c)");
	/* flashrom's W25Q128.V has no id; the kernel's "w25q128" (0xef4018) is the prefix of the marking */
	f = mtd_kb_flash_id_by_name("W25Q128BV");
	ok(f && !strcmp(f->jedec, "ef4018"), "W25Q128BV: id ef4018 from the kernel's w25q128");
	f = mtd_kb_flash_id_by_name("W25Q128JVSIQ");
	ok(f && !strcmp(f->jedec, "ef7018"), "W25Q128JVSIQ: the longer kernel name w25q128jv wins (ef7018)");
	ok(mtd_kb_flash_id_by_name("MX25L128") == NULL, "MX25L128: no kernel name is its prefix, no id made up");
	ok(mtd_kb_flash_id_by_name("m25p") == NULL, "a short name gives no id");
}

static void socs(void)
{
	/* the names Linux's SoC detection prints (arch/mips/lantiq/xway/prom.c, arch/mips/ath79/setup.c) */
	char al[32];
	const struct mtd_kb_soc *k = mtd_kb_soc_in_text("SoC: Amazon_SE rev 1.2", al, sizeof(al));
	ok(k && !strcmp(k->name, "AMAZONSE"), "'SoC: Amazon_SE rev 1.2' is the lantiq ase AMAZONSE");
	k = mtd_kb_soc_in_text("SoC: Twinpass rev 1.3", al, sizeof(al));
	ok(k && !strcmp(k->name, "DANUBE"), "Twinpass is filed under the Danube");
	k = mtd_kb_soc_in_text("SoC: xRX220 rev 1.1", al, sizeof(al));
	ok(k && !strcmp(k->name, "VR9"), "xRX220 is a VR9 (xrx200)");
	k = mtd_kb_soc_in_text("SoC: Qualcomm Atheros QCA550X ver 1 rev 0", al, sizeof(al));
	ok(k && !strcmp(k->target, "ath79"), "QCA550X (printed for a QCN550x) is ath79");
	/* ipq40xx/image/generic.mk: SOC := qcom-ipq4019 for the 8dev_habanero-dvk */
	const struct mtd_kb_soc *s = mtd_kb_soc_by_name("IPQ4019");
	ok(s && !strcmp(s->target, "ipq40xx"), "IPQ4019 is ipq40xx");
	/* ramips/image/mt7621.mk DEFAULT_SOC := mt7621; the Table of Hardware writes MT7621DAT */
	s = mtd_kb_soc_by_token("MT7621DAT", 9);
	ok(s && !strcmp(s->name, "MT7621") && !strcmp(s->subtarget, "mt7621"),
	   "MT7621DAT is the MT7621, ramips/mt7621");
	ok(s && strstr(s->cpu_core, "1004K") && s->cores == 2, "MT7621: 2 x MIPS 1004Kc (mt7621.dtsi cpu@0, cpu@1)");
	/* the Ralink SDK U-Boot prints "ASIC 7620_MP (Port5<->None)" */
	s = mtd_kb_soc_by_token("7620_MP", 7);
	ok(s && !strcmp(s->target, "ramips") && !strcmp(s->subtarget, "mt7620"), "7620_MP is ramips/mt7620");
	/* a marking with a package suffix unknown to the tables */
	s = mtd_kb_soc_by_token("MT7628KN", 8);
	ok(s && !strcmp(s->subtarget, "mt76x8"), "MT7628KN is ramips/mt76x8");
	/* ath79: SOC := qca9533 */
	s = mtd_kb_soc_by_token("qca9533", 7);
	ok(s && !strcmp(s->target, "ath79"), "QCA9533 is ath79");
	/* bcm53xx device trees bcm4709-*.dts; "Broadcom BCM4709C0" in the Table */
	s = mtd_kb_soc_by_token("BCM4709C0", 9);
	ok(s && !strcmp(s->target, "bcm53xx"), "BCM4709C0 is bcm53xx");
	/* lantiq/image/vr9.mk: SOC := vr9 in the xrx200 subtarget */
	s = mtd_kb_soc_by_token("xRX200", 6);
	ok(s && !strcmp(s->target, "lantiq") && !strcmp(s->name, "VR9"), "xRX200 is the lantiq VR9");
	s = mtd_kb_soc_by_token("ARMADA385", 9);
	ok(s && !strcmp(s->target, "mvebu"), "Armada 385 is mvebu");
	ok(mtd_kb_soc_by_token("MT", 2) == NULL && mtd_kb_soc_by_token("FOO1234", 7) == NULL, "no SoC from junk");
	char alias[32];
	s = mtd_kb_soc_in_text("CPU: MediaTek MT7981B", alias, sizeof(alias));
	ok(s && !strcmp(s->target, "mediatek") && !strcmp(s->subtarget, "filogic"),
	   "MT7981B in text: mediatek/filogic");
}

static void devices(void)
{
	/* ramips/image/mt7621.mk define Device/tplink_archer-c6-v3; dts mt7621_tplink_archer-c6-v3.dts */
	const struct mtd_kb_device *d = mtd_kb_device_by_compatible("tplink,archer-c6-v3");
	ok(d && !strcmp(d->target, "ramips") && !strcmp(d->subtarget, "mt7621"), "archer-c6-v3 is ramips/mt7621");
	ok(d && !strcmp(d->vendor, "TP-Link") && !strcmp(d->name, "Archer C6") && !strcmp(d->variant, "V3"),
	   "archer-c6-v3: DEVICE_VENDOR/MODEL/VARIANT");
	ok(d && d->image_size == 15744 * 1024ULL, "archer-c6-v3: IMAGE_SIZE := 15744k");
	ok(d && d->flash == 16 * MIB && !strcmp(d->flash_type, "nor"),
	   "archer-c6-v3: 16 MiB NOR (partitions end at 0x1000000)");
	ok(d && strstr(d->packages, "kmod-mt7615e"), "archer-c6-v3: DEVICE_PACKAGES has kmod-mt7615e");
	ok(mtd_kb_device_by_board("tplink_archer-c6-v3") == d, "by image name");
	ok(mtd_kb_device_by_model("tp-link", "archer c6", "v3") == d, "by vendor + model + variant");
	ok(mtd_kb_device_by_title("TP-Link Archer C6 v3") == d, "by title");
	ok(mtd_kb_device_by_dts("mt7621_tplink_archer-c6-v3.dtb") == d, "by the DTS name (DEVICE_DTS := $$(SOC)_$(1))");
	/* mvebu cortexa9.mk: SUPPORTED_DEVICES += armada-385-linksys-rango linksys,rango; DEVICE_ALT0 Linksys Rango */
	d = mtd_kb_device_by_compatible("linksys,wrt3200acm");
	ok(d && !strcmp(d->target, "mvebu"), "linksys,wrt3200acm (a SUPPORTED_DEVICES name) is mvebu");
	ok(mtd_kb_device_by_model("Linksys", "Rango", NULL) == d, "an alternative name (DEVICE_ALT0) finds it");
	/* ipq40xx/image/generic.mk Device/8dev_jalapeno: SOC := qcom-ipq4018; kernel qcom-ipq4018-jalapeno.dts has
	 * a 2 MiB SPI NOR (m25p80) and a 128 MiB SPI NAND */
	d = mtd_kb_device_by_board("8dev,jalapeno");
	ok(d && !strcmp(d->target, "ipq40xx") && !strcmp(d->soc, "IPQ4018"), "8dev,jalapeno is ipq40xx IPQ4018");
	ok(d && strstr(d->flashes, "nand:134217728") && strstr(d->flashes, "nor:"), "jalapeno: NOR and 128 MiB NAND");
	/* bcm53xx: DEVICE_DTS from the kernel's bcm4708-asus-rt-ac68u.dts */
	d = mtd_kb_device_by_compatible("asus,rt-ac68u");
	ok(d && !strcmp(d->target, "bcm53xx") && !strcmp(d->soc, "BCM4708"), "asus,rt-ac68u is bcm53xx BCM4708");
	ok(mtd_kb_device_by_compatible("tplink,foo-9000") == NULL, "a made-up board is not found");
	size_t n = 0;
	const struct mtd_kb_soc *s = mtd_kb_soc_by_name("IPQ4019");
	for (d = mtd_kb_device_next_with_soc(s, NULL); d; d = mtd_kb_device_next_with_soc(s, d))
		n++;
	ok(n >= 20, "IPQ4019 has OpenWrt devices to walk (%zu)", n);
	n = 0;
	for (size_t i = 0; i < mtd_kb_devices_count; i++)
		n += !strcmp(mtd_kb_devices[i].target, "realtek");
	ok(n >= 40, "realtek switches are in the index (%zu)", n);
}

static void brands(void)
{
	const struct mtd_kb_brand *b = mtd_kb_brand_find("TP-LINK", 7);
	ok(b && !strcmp(b->name, "TP-Link"), "TP-LINK is TP-Link");
	b = mtd_kb_brand_find("tplink", 6);
	ok(b && !strcmp(b->name, "TP-Link"), "the DT prefix tplink is TP-Link");
	size_t pos = 0;
	ok(mtd_kb_brand_in_text("usbcore: registered new interface driver pegasus", &pos) == NULL,
	   "no brand inside 'pegasus'");
	b = mtd_kb_brand_in_text("Model: GL.iNet GL-MT3000", &pos);
	ok(b && !strcmp(b->name, "GL.iNet") && pos == 7, "GL.iNet in a Model: line");
	b = mtd_kb_brand_in_text("Machine model: Xiaomi Mi Router 4A Gigabit Edition", &pos);
	ok(b && !strcmp(b->name, "Xiaomi"), "Xiaomi");
}

static void wifi(void)
{
	/* drivers/net/wireless/ath/ath9k/pci.c: { PCI_VDEVICE(ATHEROS, 0x0029) }; pci.ids 168c 0029 "AR922X Wireless
	 * Network Adapter"; OpenWrt devices list the driver as kmod-ath9k */
	const struct mtd_kb_wifi *w = mtd_kb_wifi_by_pci(0x168c, 0x0029);
	ok(w && !strcmp(w->chip, "AR922X") && !strcmp(w->driver, "kmod-ath9k") && !strcmp(w->open, "yes"),
	   "168c:0029 is the AR922X, kmod-ath9k");
	/* rtlwifi/rtl8188ee/sw.c: RTL_PCI_DEVICE(PCI_VENDOR_ID_REALTEK, 0x8179, ...) */
	w = mtd_kb_wifi_by_pci(0x10ec, 0x8179);
	ok(w && !strcmp(w->driver, "kmod-rtl8188ee"), "10ec:8179 is driven by rtl8188ee");
	/* a curated row stays: 14c3:7915 MT7915 kmod-mt7915e */
	w = mtd_kb_wifi_by_pci(0x14c3, 0x7915);
	ok(w && !strcmp(w->driver, "kmod-mt7915e"), "14c3:7915 stays the curated MT7915 row");
	/* gen-socs.py: most MT7628 trees enable the SoC radio (mediatek,mt7628-wmac) */
	const struct mtd_kb_soc *s = mtd_kb_soc_by_name("MT7628AN");
	ok(s && s->builtin_wifi[0] && mtd_kb_wifi_by_chip(s->builtin_wifi), "the MT7628 has a built-in radio row");
}

static void usb(void)
{
	/* usb.ids: 2c7c Quectel Wireless Solutions Co., Ltd. / 0191 EG91 LTE modem */
	const struct mtd_kb_usbid *u = mtd_kb_usb_name(0x2c7c, 0x0191);
	ok(u && !strcmp(u->product, "EG91 LTE modem") && !u->curated, "2c7c:0191 is the EG91 (usb.ids), not curated");
	u = mtd_kb_usb_name(0x2c7c, 0x0125);
	ok(u && u->curated && mtd_kb_modem_by_usb(0x2c7c, 0x0125), "2c7c:0125 EC25 is curated in lte-modems.tsv");
	u = mtd_kb_usb_name(0x2c7c, 0xfffe);
	ok(u && !u->product[0] && strstr(u->vendor, "Quectel"), "an unknown Quectel product gives the maker");
	ok(mtd_kb_usb_name(0x1d6b, 0x0002) == NULL, "a Linux root hub is not a modem maker's id");
}

int main(void)
{
	ok(mtd_kb_devices_count > 2000 && mtd_kb_socs_count > 150 && mtd_kb_flashes_count > 500 &&
	       mtd_kb_brands_count > 200,
	   "tables: %zu devices, %zu SoCs, %zu flash chips, %zu brands", mtd_kb_devices_count, mtd_kb_socs_count,
	   mtd_kb_flashes_count, mtd_kb_brands_count);
	flash();
	socs();
	devices();
	brands();
	wifi();
	usb();
	return tap_done();
}
