/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_UNITDATA_H
#define MTDSCOPE_UNITDATA_H

/*
 * Unit-specific data: MediaTek factory EEPROMs (MACs, calibration) and
 * U-Boot environments.  Used by the scan probes (mtk-eeprom, uboot-env) and
 * by the eeprom, env, verify, diff and rebuild commands.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "util.h"

#define MTD_EEPROM_MAX_MACS 16

struct mtd_mac_entry {
	uint32_t offset;    /* within the factory data */
	uint8_t mac[6];
	const char *role;   /* "wifi0", "wifi1", "lan", "wan", "board convention 0x28"... (static string) */
	bool valid;         /* not all-FF, not all-zero, not multicast */
};

struct mtd_eeprom_info {
	bool erased;          /* the whole area is 0xFF (or 0x00) */
	bool recognised;      /* a known chip id was found */
	uint16_t chip_id;     /* 0x7628, 0x7603, 0x7612, 0x7613, 0x7615, 0x7915, 0x7981, 0x7986, ... */
	uint16_t version;     /* EEPROM format version */
	uint32_t second_offset; /* offset of a second radio's EEPROM (e.g. 0x8000), 0 if none */
	uint16_t second_chip_id;
	bool has_calibration; /* calibration area not erased */
	size_t nmacs;
	struct mtd_mac_entry macs[MTD_EEPROM_MAX_MACS];
};

/** Decode factory data (a whole Factory partition or just the EEPROM). */
int mtd_eeprom_decode(const uint8_t *data, size_t len, struct mtd_eeprom_info *out);
/** "00:11:22:33:44:55" into out[18]. */
void mtd_mac_format(const uint8_t mac[6], char out[18]);
/** Parse "00:11:22:33:44:55" (or with '-'); false on bad syntax. */
bool mtd_mac_parse(const char *s, uint8_t mac[6]);

struct mtd_env_var {
	const char *name;
	const char *value;
};

struct mtd_env {
	size_t size;      /* whole environment area (CRC + [flag] + data) */
	bool redundant;   /* has the flag byte after the CRC */
	uint8_t flag;
	uint32_t crc_stored, crc_computed;
	bool crc_ok;
	size_t nvars;
	struct mtd_env_var *vars; /* in file order */
	struct mtd_arena arena;   /* owns names, values and vars */
};

/**
 * Parse an environment of exactly `size` bytes at data (size 0: try the
 * common sizes 0x1000..0x20000 and pick the one whose CRC holds).
 * redundant: -1 try both, 0 single, 1 redundant (flag byte).
 */
int mtd_env_parse(const uint8_t *data, size_t len, size_t size, int redundant, struct mtd_env *out,
		  struct mtd_diag *d);
void mtd_env_release(struct mtd_env *e);
const char *mtd_env_get(const struct mtd_env *e, const char *name);
/** Set (value != NULL) or remove (value == NULL) a variable. */
int mtd_env_set(struct mtd_env *e, const char *name, const char *value);
/** Serialise to exactly e->size bytes with a correct CRC (padding 0x00 as U-Boot does). */
int mtd_env_serialise(const struct mtd_env *e, uint8_t *out, size_t size, struct mtd_diag *d);

#endif
