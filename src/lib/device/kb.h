/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_DEVICE_KB_H
#define MTDSCOPE_DEVICE_KB_H

/* The knowledge tables of data/ (TSV), compiled in by scripts/gen-kb.py.  Empty columns are "". */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mtd_kb_soc {
	const char *name, *aliases, *vendor, *cpu_core;
	uint64_t cores;
	const char *target, *subtarget, *status, *builtin_wifi, *builtin_eth, *notes;
};
struct mtd_kb_flash {
	const char *jedec; /* manufacturer + device bytes, lowercase hex ("ef4018"); 2 digits: raw NAND device id of any
	                      maker */
	const char *name;
	uint64_t size;
	const char *type; /* nor, spi-nand, nand, parallel, lpc, fwh */
	const char *vendor, *aliases;
	const char *ext_id; /* the kernel's extended id bytes, "" if none */
	uint64_t erase;     /* sector (NOR) or block (NAND) size, 0 if not stated */
	const char *source; /* linux-6.1:spi-nor/winbond.c, flashrom-1.3 ... */
};
struct mtd_kb_wifi {
	const char *pci_id, *chip, *aliases, *bands, *driver, *open, *notes;
};
struct mtd_kb_modem {
	const char *usb_id, *vendor, *model, *mode, *packages, *proto, *device, *at_port, *at_signal, *at_bands, *traps;
};
struct mtd_kb_device {
	const char *target, *subtarget, *soc, *dts, *compatible, *model, *flash_type;
	uint64_t flash, ram;
	const char *ram_source, *radios;
	bool lte, usb;
	const char *ports, *partitions;
	/* from OpenWrt's image makefiles (data/README.md) */
	const char *device;     /* the image name: tplink_archer-c6-v3 */
	const char *vendor;     /* DEVICE_VENDOR */
	const char *name;       /* DEVICE_MODEL */
	const char *variant;    /* DEVICE_VARIANT */
	const char *alt_titles; /* DEVICE_ALTn: "vendor|model|variant" joined with ';' */
	const char *boards;     /* SUPPORTED_DEVICES, space separated board names */
	uint64_t image_size;    /* IMAGE_SIZE in bytes, 0 if not set */
	const char *packages, *wifi_kmods;
	const char *flashes;      /* every flash of the DT: "nor:2097152,nand:134217728" */
	const char *flash_source; /* dts or toh2022 */
	const char *soc_compatible, *cpu;
	const char *toh_cpu, *toh_wifi, *toh_match; /* 2022 Table of Hardware: cpu, wlanhardware, how joined */
	const char *dt_source;                      /* openwrt, linux-6.1 or "" (no device tree at hand) */
	const char *soc_source;                     /* makefile, dts or toh2022 */
	const char *
	    radios_disabled; /* SoC radio nodes the DT leaves disabled ("wmac,wmac"): hardware OpenWrt does not drive */
};
struct mtd_kb_usbid {
	const char *usb_id;           /* "2c7c:0191", or "2c7c:*" for the maker */
	const char *vendor, *product; /* as usb.ids writes them; product "" on a maker row */
	bool curated;                 /* lte-modems.tsv has this id (mode, packages, AT commands) */
};
struct mtd_kb_brand {
	const char *name, *aliases; /* aliases: comma separated spellings and DT vendor prefixes */
	uint64_t devices;
	const char *targets;
};

extern const struct mtd_kb_soc mtd_kb_socs[];
extern const size_t mtd_kb_socs_count;
extern const struct mtd_kb_flash mtd_kb_flashes[];
extern const size_t mtd_kb_flashes_count;
extern const struct mtd_kb_wifi mtd_kb_wifis[];
extern const size_t mtd_kb_wifis_count;
extern const struct mtd_kb_modem mtd_kb_modems[];
extern const size_t mtd_kb_modems_count;
extern const struct mtd_kb_device mtd_kb_devices[];
extern const size_t mtd_kb_devices_count;
extern const struct mtd_kb_brand mtd_kb_brands[];
extern const size_t mtd_kb_brands_count;
extern const struct mtd_kb_usbid mtd_kb_usbids[];
extern const size_t mtd_kb_usbids_count;

/* lookups (kb.c) */
/** The SoC whose alias list holds TOKEN (case-insensitive whole token); else the SoC of a marking that is an
 * alias ending in a digit plus a package/revision suffix of up to 3 letters and a digit (MT7621DAT -> MT7621,
 * BCM4709C0 -> BCM4709, RT5350F -> RT5350); NULL if none. */
const struct mtd_kb_soc *mtd_kb_soc_by_token(const char *token, size_t len);
/** Find the first SoC alias occurring as a token anywhere in TEXT; *alias gets the matched alias. */
const struct mtd_kb_soc *mtd_kb_soc_in_text(const char *text, char *alias, size_t alias_size);
const struct mtd_kb_soc *mtd_kb_soc_by_name(const char *name);
/** The first chip with this JEDEC id (6 hex digits for SPI NOR, 4+ for NAND); see mtd_kb_flash_lookup. */
const struct mtd_kb_flash *mtd_kb_flash_by_jedec(const char *jedec_hex);
/** A chip by name or alias, case-insensitive; a flashrom name's '.' matches any one character (W25Q128.V);
 * else the longest known name that starts a longer marking ("W25Q128BVFG"). */
const struct mtd_kb_flash *mtd_kb_flash_by_name(const char *name);
/** The Linux spi-nor/spi-nand row that gives the JEDEC id of a chip named NAME: its name or alias
 * (case-insensitive), else the longest name of at least 6 characters that starts the marking
 * ("W25Q128BV" -> W25Q128, ef4018); NULL if none, or if the rows so matched disagree on the id. */
const struct mtd_kb_flash *mtd_kb_flash_id_by_name(const char *name);

#define MTD_KB_FLASH_MAX_CAND 8
/** What a JEDEC id tells about a chip. */
struct mtd_kb_flash_match {
	const struct mtd_kb_flash *cand[MTD_KB_FLASH_MAX_CAND]; /* every row with the id (the first ones) */
	size_t ncand;
	uint64_t size;      /* the size when all candidates agree (or inferred), else 0 */
	bool ambiguous;     /* candidates of different sizes: size is 0, the caller must say so */
	bool inferred;      /* no row: size from the capacity byte (2^byte), a rule that holds for every chip the
	                     * kernel lists for that manufacturer (e.g. EON 1c7118 -> 16 MiB) */
	const char *vendor; /* the manufacturer of the id byte, when a listed chip names it */
};
/** Look JEDEC_HEX up (hex digits, optional "0x", spaces allowed: "1c 71 18"); 0 if something is known
 * (m filled), MTD_ERR_NOT_FOUND if nothing, MTD_ERR_ARG if it is not hex. */
int mtd_kb_flash_lookup(const char *jedec_hex, struct mtd_kb_flash_match *m);
const struct mtd_kb_wifi *mtd_kb_wifi_by_pci(uint16_t vendor, uint16_t device);
const struct mtd_kb_wifi *mtd_kb_wifi_by_chip(const char *chip);
/** A wifi chip whose name or alias occurs as a token in TEXT. */
const struct mtd_kb_wifi *mtd_kb_wifi_in_text(const char *text);
const struct mtd_kb_modem *mtd_kb_modem_by_usb(uint16_t vid, uint16_t pid);
/** usb.ids names of the ids of modem makers (data/usb-modem-ids.tsv): the product row, else the maker row
 * (product ""), else NULL. */
const struct mtd_kb_usbid *mtd_kb_usb_name(uint16_t vid, uint16_t pid);

/* devices (data/openwrt-devices.tsv) */
/** The device whose DT compatible or one of whose SUPPORTED_DEVICES is COMPAT ("tplink,archer-c6-v3"). */
const struct mtd_kb_device *mtd_kb_device_by_compatible(const char *compat);
/** The device of a board name as OpenWrt writes it: a SUPPORTED_DEVICES entry, the image name
 * (tplink_archer-c6-v3) or that with ',' for the first '_' (board.json "board_name"). */
const struct mtd_kb_device *mtd_kb_device_by_board(const char *board);
/** The device whose vendor + model (+ variant when given, else the first of any variant) matches, comparing
 * letters and digits only, case-insensitive; DEVICE_ALTn names count. VARIANT may be NULL. */
const struct mtd_kb_device *mtd_kb_device_by_model(const char *vendor, const char *model, const char *variant);
/** The device built from device tree DTS (the DEVICE_DTS name; a path, ".dts"/".dtb" and a "<vendor>/" folder
 * are ignored): what a FIT image's fdt description or a U-Boot "fdtfile" names. */
const struct mtd_kb_device *mtd_kb_device_by_dts(const char *dts);
/** The device whose title ("TP-Link Archer C6 v3": vendor model variant, an alternative title, or the DT
 * model string) equals TITLE on letters and digits. */
const struct mtd_kb_device *mtd_kb_device_by_title(const char *title);
/** The i-th device after AFTER (NULL: the first) with this SoC row: for walking an SoC's devices. */
const struct mtd_kb_device *mtd_kb_device_next_with_soc(const struct mtd_kb_soc *soc,
                                                        const struct mtd_kb_device *after);

/* brands (data/brands.tsv) */
/** The brand whose name or alias is TOKEN (len bytes, case-insensitive, exact); NULL if none. */
const struct mtd_kb_brand *mtd_kb_brand_find(const char *token, size_t len);
/** The first brand named in TEXT as a whole word (not inside a longer word: "pegasus" has no ASUS); the
 * longest name wins at a position.  *pos gets its offset. */
const struct mtd_kb_brand *mtd_kb_brand_in_text(const char *text, size_t *pos);

#endif
