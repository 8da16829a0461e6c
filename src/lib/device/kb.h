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
	const char *jedec, *name;
	uint64_t size;
	const char *type, *vendor, *aliases;
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

/* lookups (kb.c) */
/** The SoC whose alias list holds TOKEN (case-insensitive whole token); NULL if none. */
const struct mtd_kb_soc *mtd_kb_soc_by_token(const char *token, size_t len);
/** Find the first SoC alias occurring as a token anywhere in TEXT; *alias gets the matched alias. */
const struct mtd_kb_soc *mtd_kb_soc_in_text(const char *text, char *alias, size_t alias_size);
const struct mtd_kb_soc *mtd_kb_soc_by_name(const char *name);
const struct mtd_kb_flash *mtd_kb_flash_by_jedec(const char *jedec_hex);
const struct mtd_kb_flash *mtd_kb_flash_by_name(const char *name);
const struct mtd_kb_wifi *mtd_kb_wifi_by_pci(uint16_t vendor, uint16_t device);
const struct mtd_kb_wifi *mtd_kb_wifi_by_chip(const char *chip);
/** A wifi chip whose name or alias occurs as a token in TEXT. */
const struct mtd_kb_wifi *mtd_kb_wifi_in_text(const char *text);
const struct mtd_kb_modem *mtd_kb_modem_by_usb(uint16_t vid, uint16_t pid);

#endif
