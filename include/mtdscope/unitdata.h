/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_UNITDATA_H
#define MTDSCOPE_UNITDATA_H

/*
 * Unit-specific data: MediaTek factory EEPROMs (MACs, calibration) and
 * U-Boot environments.  Used by the scan probes (mtk-eeprom, uboot-env,
 * ralink-nvram) and by the eeprom, env, verify, diff and rebuild commands.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "util.h"
#include "export.h"

#define MTD_EEPROM_MAX_MACS 16

struct mtd_mac_entry {
	uint32_t offset; /* within the factory data */
	uint8_t mac[6];
	const char *role; /* "wifi0", "wifi1", "lan", "wan", "board convention 0x28"... (static string) */
	bool valid;       /* not all-FF, not all-zero, not multicast */
};

struct mtd_eeprom_info {
	bool erased;            /* the whole area is 0xFF (or 0x00) */
	bool recognised;        /* a known chip id was found */
	uint16_t chip_id;       /* 0x7628, 0x7603, 0x7612, 0x7613, 0x7615, 0x7915, 0x7981, 0x7986, ... */
	uint16_t version;       /* EEPROM format version (the 16-bit word at 0x2) */
	uint32_t second_offset; /* offset of a second radio's EEPROM (e.g. 0x8000), 0 if none */
	uint16_t second_chip_id;
	bool has_calibration; /* calibration area not erased */
	size_t nmacs;
	struct mtd_mac_entry macs[MTD_EEPROM_MAX_MACS];
	/* added after the first interface (names above unchanged) */
	const char *chip_name; /* "MT7628/MT7688", ... (static), NULL when not recognised */
	const char *driver;    /* the OpenWrt mt76/rt2x00 driver family (static) */
	uint32_t eeprom_size;  /* EEPROM bytes the chip uses */
	bool truncated;        /* fewer bytes than eeprom_size were given */
	uint16_t second_version;
	bool second_has_calibration;
	size_t data_end; /* end of the last byte that is not 0xFF (the extent of the data) */
};

/** The MAC a board convention stores at `offset`, its role name (static). */
struct mtd_mac_location {
	uint32_t offset;
	const char *role;
};

/**
 * Decode factory data (a whole Factory partition or just the EEPROM).
 * Returns 0 (see erased/recognised/truncated), MTD_ERR_ARG on NULL.
 */
MTD_API int mtd_eeprom_decode(const uint8_t *data, size_t len, struct mtd_eeprom_info *out);
/** Name of a known chip id ("MT7628/MT7688"), NULL when unknown; *eeprom_size set when known. */
MTD_API const char *mtd_eeprom_chip_name(uint16_t chip_id, uint32_t *eeprom_size);
/** "00:11:22:33:44:55" into out[18]. */
MTD_API void mtd_mac_format(const uint8_t mac[6], char out[18]);
/** Parse "00:11:22:33:44:55" (or with '-'); false on bad syntax. */
MTD_API bool mtd_mac_parse(const char *s, uint8_t mac[6]);
/** Not all-FF, not all-zero, not multicast. */
MTD_API bool mtd_mac_is_valid(const uint8_t mac[6]);

struct mtd_env_var {
	const char *name;
	const char *value;
};

struct mtd_env {
	size_t size;    /* whole environment area (CRC + [flag] + data) */
	bool redundant; /* has the flag byte after the CRC */
	uint8_t flag;
	uint32_t crc_stored, crc_computed;
	bool crc_ok;
	size_t nvars;
	struct mtd_env_var *vars; /* in file order */
	struct mtd_arena arena;   /* owns names, values and vars */
	/* added after the first interface */
	size_t data_len;   /* bytes of variable text including the final empty string's NUL */
	uint8_t pad;       /* the padding byte after the data (0x00 or 0xFF) */
	bool size_guessed; /* no size's CRC held: size is the smallest that holds the data and its padding */
	size_t cap;        /* capacity of vars */
	bool keep_order;   /* serialise in file order, as the Ralink SDK's nvram_commit() does */
};

#define MTD_ENV_MIN_SIZE 0x1000u
#define MTD_ENV_MAX_SIZE 0x20000u

/**
 * Parse an environment of exactly `size` bytes at data (size 0: try every
 * multiple of 0x1000 from 0x1000 to 0x20000 and pick the one whose CRC
 * holds).  redundant: -1 try both, 0 single, 1 redundant (flag byte).
 * Returns 0 when the bytes hold an environment (crc_ok says whether its CRC
 * held; with size 0 and no CRC holding, size_guessed is set), MTD_ERR_NO_MATCH
 * (diag filled) when they do not hold NUL-separated name=value text at all.
 * Release with mtd_env_release() after success.
 */
MTD_API int mtd_env_parse(const uint8_t *data, size_t len, size_t size, int redundant, struct mtd_env *out,
                          struct mtd_diag *d);
MTD_API void mtd_env_release(struct mtd_env *e);
MTD_API const char *mtd_env_get(const struct mtd_env *e, const char *name);
/** Set (value != NULL) or remove (value == NULL) a variable.  MTD_ERR_ARG on a bad name. */
MTD_API int mtd_env_set(struct mtd_env *e, const char *name, const char *value);
/**
 * Serialise to exactly `size` bytes with a correct CRC, the way U-Boot's
 * saveenv and fw_setenv write it: variables sorted by name (strcmp; in file
 * order when e->keep_order), one per name (the last wins), padding 0x00, the
 * flag byte e->flag when redundant.  MTD_ERR_LIMIT when they do not fit.
 */
MTD_API int mtd_env_serialise(const struct mtd_env *e, uint8_t *out, size_t size, struct mtd_diag *d);

/*
 * Cheap measure for scanners: whether data starts an environment (CRC32,
 * optional flag byte, name=value text) and of which size.  No allocation.
 * Returns 0 or MTD_ERR_NO_MATCH.  min/max bound the sizes tried (multiples of
 * 0x1000).
 */
struct mtd_env_measure {
	size_t size;
	bool redundant;
	uint8_t flag;
	bool crc_ok;
	bool size_guessed;
	uint32_t crc_stored, crc_computed;
	size_t data_len;
	size_t nvars;
};
MTD_API int mtd_env_measure(const uint8_t *data, size_t len, size_t min_size, size_t max_size,
                            struct mtd_env_measure *m);

/**
 * Ralink/MediaTek SDK nvram (the Config partition): the same CRC + text
 * layout, holding router settings rather than boot variables.  Returns the
 * block name ("2860", "rtdev", "cert", "wapi") guessed from the keys, or
 * NULL when the variables look like a U-Boot environment.
 */
MTD_API const char *mtd_env_nvram_block(const struct mtd_env *e);

#endif
