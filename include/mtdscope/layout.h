/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_LAYOUT_H
#define MTDSCOPE_LAYOUT_H

/*
 * Flash layouts: the partitions of one flash chip, read from /proc/mtd text,
 * a kernel log, a mtdparts= string, a device tree (.dtb or .dts text) or a
 * GPT; checked; printed in the forms other tools take; and used to verify,
 * split, join, compare and rebuild whole-chip images and to plan flashing.
 *
 * Offsets are absolute (from the start of the chip).  A partition's parent is
 * the index of the partition that contains it (firmware > rootfs >
 * rootfs_data), -1 at the top level.  Whole-chip entries ("ALL") have no
 * children: they overlap everything by design.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "source.h"
#include "util.h"
#include "export.h"

#define MTD_LAYOUT_MAX_PARTS 128
#define MTD_LAYOUT_MAX_CELLS 8
/** Largest chip (and so image) the layout operations load into memory. */
#define MTD_LAYOUT_MAX_CHIP (512ull << 20)

enum mtd_layout_kind {
	MTD_LK_AUTO = 0,
	MTD_LK_PROC_MTD, /* "mtd0: 00400000 00010000 "ALL"" lines */
	MTD_LK_KLOG,     /* kernel log: Creating N MTD partitions / ranges */
	MTD_LK_MTDPARTS, /* mtdparts=dev:size@off(name)ro,... */
	MTD_LK_DTS,      /* device tree source text */
	MTD_LK_DTB,      /* flattened device tree */
	MTD_LK_GPT,      /* GUID partition table in a disk image */
};

/* partition flags */
#define MTD_PART_RO         (1u << 0) /* read-only (mtdparts ro, DT read-only) */
#define MTD_PART_WHOLE_CHIP (1u << 1) /* covers the whole chip ("ALL") */
#define MTD_PART_NESTED     (1u << 2) /* inside another partition (parent >= 0) */
#define MTD_PART_INFERRED   (1u << 3) /* offset derived from order and sizes, not stated */
#define MTD_PART_TRUNCATED  (1u << 4) /* the kernel cut it at the end of the device */
#define MTD_PART_AUTO       (1u << 5) /* "created automatically" by a kernel splitter */
#define MTD_PART_REMAINDER  (1u << 6) /* mtdparts "-" size: the rest of the device */
#define MTD_PART_UNIT_DATA  (1u << 7) /* holds unit-specific data: keep the unit's own bytes */
#define MTD_PART_PROTECTED  (1u << 8) /* never written by a plan (bootloader, unit data) */

enum mtd_part_role {
	MTD_ROLE_OTHER = 0,
	MTD_ROLE_WHOLE,      /* whole chip */
	MTD_ROLE_BOOTLOADER, /* u-boot, Bootloader, uboot */
	MTD_ROLE_ENV,        /* u-boot-env, Config (Ralink), nvram */
	MTD_ROLE_FACTORY,    /* Factory, art, radio, romfile, eeprom: calibration and MACs */
	MTD_ROLE_FIRMWARE,   /* firmware, Kernel (Ralink SDK, kernel + rootfs), OS1, linux */
	MTD_ROLE_KERNEL,
	MTD_ROLE_ROOTFS,
	MTD_ROLE_ROOTFS_DATA,
	MTD_ROLE_CONFIG, /* user configuration (config, User_CFG, overlay, cfg) */
};

struct mtd_nvmem_cell {
	char name[48];
	uint64_t offset; /* within the partition */
	uint64_t size;
	bool is_mac;
};

struct mtd_part {
	char name[64];
	uint64_t offset, size;
	uint64_t declared_size; /* size as first stated (before truncation) */
	uint32_t erasesize;     /* 0: unknown */
	uint32_t flags;
	int parent; /* index of the enclosing partition, -1 */
	enum mtd_part_role role;
	unsigned line; /* line of the input it came from (0: none) */
	size_t ncells;
	struct mtd_nvmem_cell cells[MTD_LAYOUT_MAX_CELLS];
};

enum mtd_chip_size_from {
	MTD_CHIP_UNKNOWN = 0,
	MTD_CHIP_GIVEN, /* --flash-size */
	MTD_CHIP_WHOLE, /* a whole-chip entry */
	MTD_CHIP_LOG,   /* the kernel announced the device size */
	MTD_CHIP_TABLE, /* only the end of the last partition (a guess) */
};

struct mtd_layout {
	enum mtd_layout_kind kind;
	char source[256];
	char device[64];    /* mtd device name when known (raspi, spi0.0) */
	uint64_t chip_size; /* 0: unknown */
	enum mtd_chip_size_from chip_from;
	uint32_t erasesize; /* chip erase size when known */
	size_t nparts;
	struct mtd_part parts[MTD_LAYOUT_MAX_PARTS];
	size_t nnotes;
	char notes[16][160]; /* things the parser noticed (truncations, inferences) */
	/* /proc/mtd gives sizes only, so offsets are the sizes added up: an entry that is missing or
	 * does not parse shifts every later one.  When offsets_unsure, parts[unsure_from..] lie past
	 * such a gap (line unsure_line of the source) and their offsets are not known. */
	bool offsets_unsure;
	size_t unsure_from;
	unsigned unsure_line;
};

MTD_API const char *mtd_layout_kind_name(enum mtd_layout_kind k);
MTD_API const char *mtd_part_role_name(enum mtd_part_role r);
/** Role guessed from a partition name. */
MTD_API enum mtd_part_role mtd_part_role_from_name(const char *name);

MTD_API void mtd_layout_init(struct mtd_layout *l);
/** Which kind of layout text or bytes this is (MTD_LK_AUTO when none fits). */
MTD_API enum mtd_layout_kind mtd_layout_detect(const uint8_t *data, size_t len);
/**
 * Parse a layout from bytes (kind MTD_LK_AUTO: detect).  file names the input
 * in diagnostics.  chip_size, when not 0, is the real size of the chip
 * (--flash-size); it wins over what the text says.
 */
MTD_API int mtd_layout_parse(const uint8_t *data, size_t len, enum mtd_layout_kind kind, const char *file,
                             uint64_t chip_size, struct mtd_layout *out, struct mtd_diag *d);
/** Read and parse a layout file (at most 16 MiB; a GPT image is read up to its table). */
MTD_API int mtd_layout_load(const char *path, enum mtd_layout_kind kind, uint64_t chip_size, struct mtd_layout *out,
                            struct mtd_diag *d);
/**
 * 0 when the offset of partition part (-1: of every partition) is known; else MTD_ERR_REFUSED in d,
 * saying which entry is missing and that `what` (the operation: "a flashing plan") needs the offsets.
 */
MTD_API int mtd_layout_offsets_known(const struct mtd_layout *l, int part, const char *what, struct mtd_diag *d);
/** Index of the partition named name (case-insensitive), or -1. */
MTD_API int mtd_layout_find(const struct mtd_layout *l, const char *name);
/** Index of the first partition with this role (top-level first), or -1. */
MTD_API int mtd_layout_find_role(const struct mtd_layout *l, enum mtd_part_role role);
/** true for a partition a flashing plan or rebuild takes from the unit/never writes. */
MTD_API bool mtd_part_is_unit_data(const struct mtd_part *p);

/* ---- checks ---- */
enum mtd_issue_level { MTD_ISSUE_INFO, MTD_ISSUE_WARNING, MTD_ISSUE_ERROR };
struct mtd_layout_issue {
	enum mtd_issue_level level;
	int part, other; /* indices or -1 */
	char code[24];   /* "overlap", "past-end", "unaligned", "gap", "nested", "inferred", "truncated", "sum" */
	char msg[200];
};
/**
 * Check a layout: overlaps (nesting is fine, crossing is an error), erase-
 * block alignment, partitions past the end of the chip, gaps.  *out is an
 * array of *n issues to free().
 */
MTD_API int mtd_layout_check(const struct mtd_layout *l, struct mtd_layout_issue **out, size_t *n);
/** Number of MTD_ISSUE_ERROR issues. */
MTD_API size_t mtd_layout_errors(const struct mtd_layout_issue *is, size_t n);

/* ---- renderers (append to b) ---- */
MTD_API void mtd_layout_to_json(const struct mtd_layout *l, const struct mtd_layout_issue *is, size_t nis,
                                struct mtd_json *j);
/** A device-tree "partitions" node (fixed-partitions, nvmem-layout cells for MACs/EEPROM). */
MTD_API int mtd_layout_to_dts(const struct mtd_layout *l, struct mtd_buf *b);
/** "mtdparts=DEV:size@off(name)ro,..." (top-level partitions, whole-chip entries left out). */
MTD_API int mtd_layout_to_mtdparts(const struct mtd_layout *l, const char *dev, struct mtd_buf *b);
/** flashrom layout: "00000000:0002ffff name" lines, inclusive hex, top-level partitions. */
MTD_API int mtd_layout_to_flashrom(const struct mtd_layout *l, struct mtd_buf *b);

/* ---- partition files: split, join, verify ---- */
/** The file name split writes for partition i: "NAME.bin" made safe by mtd_safe_filename()
 * (mtdscope/quote.h: only [A-Za-z0-9._-] kept), "partI.bin" when nothing of the name is left. */
MTD_API void mtd_layout_part_filename(const struct mtd_layout *l, size_t i, char *out, size_t size);
/** The flashrom region name of partition i, in the layout file and on flashrom's command line:
 * the name when mtd_word_safe(), else "partI". */
MTD_API void mtd_layout_region_name(const struct mtd_layout *l, size_t i, char *out, size_t size);

struct mtd_split_options {
	bool top_level_only; /* skip nested partitions */
	bool include_whole;  /* also write whole-chip entries */
	bool no_overwrite;
	const struct mtd_inputs *inputs; /* the command's inputs: never written over */
	/* called for each file written (after all are in place): partition index, file name (in dir), SHA-256 hex */
	void (*written)(void *ctx, size_t part, const char *file, const char *sha256);
	void *ctx;
};
/**
 * Write one file per partition of img into dir (created when missing) and
 * dir/manifest.sha256 ("SHA256  FILE" lines, sha256sum format).  The image
 * must be the whole chip (its size equal to the layout's chip size).  All the
 * files appear together or none does (struct mtd_outset); a file that would
 * be one of o->inputs is refused before anything is written.
 */
MTD_API int mtd_layout_split(const struct mtd_layout *l, const struct mtd_source *img, const char *dir,
                             const struct mtd_split_options *o, struct mtd_diag *d);

/** One input file of a backup or join, matched to a partition. */
struct mtd_part_file {
	const char *path;
	int part; /* matched partition or -1 */
	struct mtd_source src;
	bool open;
};
/**
 * Match a file name to a partition: "mtd3", "mtd3ro", "mtdblock3", "NAME",
 * "NAME.bin", "mtd3_NAME.bin", case-insensitive.  -1 when nothing fits.
 */
MTD_API int mtd_layout_match_file(const struct mtd_layout *l, const char *path);

/**
 * Join partition files into one whole-chip image (gaps 0xFF).  files[i].part
 * says where each goes; a file larger than its partition is refused, a
 * smaller one refused unless pad (then 0xFF filled).  Whole-chip files are
 * used as the base and parts laid over them must agree.
 */
MTD_API int mtd_layout_join(const struct mtd_layout *l, struct mtd_part_file *files, size_t nfiles, bool pad,
                            uint8_t **out, size_t *out_len, struct mtd_diag *d);

/* ---- content checks (verify, diff, rebuild) ---- */
enum mtd_content_state {
	MTD_CONTENT_OK,
	MTD_CONTENT_ERASED,  /* all 0xFF */
	MTD_CONTENT_ZERO,    /* all 0x00 */
	MTD_CONTENT_BAD,     /* a check failed (CRC, EEPROM not recognised) */
	MTD_CONTENT_UNKNOWN, /* nothing to check */
};
struct mtd_part_check {
	enum mtd_content_state state;
	char what[240]; /* "uImage 'Linux Kernel' CRCs ok", "MT7628 EEPROM, MAC 00:..", "env CRC ok (12 vars)" */
	size_t nmacs;
	uint8_t macs[4][6];
};
/** Check the content of one partition by its role (scan, EEPROM decode, env CRC). */
MTD_API int mtd_layout_check_content(const struct mtd_layout *l, size_t i, const uint8_t *data, size_t len,
                                     struct mtd_part_check *out);
MTD_API const char *mtd_content_state_name(enum mtd_content_state s);

/* ---- verify ---- */
struct mtd_verify_part {
	int file; /* index into files, -1: missing */
	uint64_t got_size;
	char sha256[65];
	int dup_of; /* another partition with byte-identical content (-1) */
	bool size_ok;
	bool matches_whole; /* equal to the same range of the whole-chip dump (when both exist) */
	bool whole_compared;
	int swapped_with; /* content equals the whole-chip range of another partition (-1) */
	struct mtd_part_check check;
};
struct mtd_verify_report {
	size_t nparts;
	struct mtd_verify_part parts[MTD_LAYOUT_MAX_PARTS];
	size_t nunmatched; /* files that fit no partition, or a second file for one */
	bool complete;     /* every top-level partition present (directly or via a whole-chip dump) */
	bool ok;           /* complete, sizes right, no mismatch, content checks passed */
	size_t nproblems;
	char problems[32][200];
};
MTD_API int mtd_layout_verify(const struct mtd_layout *l, struct mtd_part_file *files, size_t nfiles,
                              struct mtd_verify_report *r, struct mtd_diag *d);

/* ---- diff ---- */
enum mtd_diff_kind {
	MTD_DIFF_SAME,
	MTD_DIFF_UNIT,     /* differs only in unit-specific data (MACs, calibration, env) */
	MTD_DIFF_FIRMWARE, /* firmware or other content differs */
	MTD_DIFF_ERASED,   /* one side is erased */
};
struct mtd_diff_part {
	enum mtd_diff_kind kind;
	uint64_t nbytes; /* differing bytes */
	uint64_t first;  /* first differing offset within the partition */
	char what[200];
};
struct mtd_diff_report {
	size_t nparts;
	struct mtd_diff_part parts[MTD_LAYOUT_MAX_PARTS];
	uint64_t outside; /* differing bytes outside every partition */
};
MTD_API int mtd_layout_diff(const struct mtd_layout *l, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                            struct mtd_diff_report *r, struct mtd_diag *d);
/** A layout of one "whole" partition for diffing two files without a layout. */
MTD_API void mtd_layout_whole(struct mtd_layout *l, uint64_t size);

/* ---- rebuild ---- */
struct mtd_rebuild_options {
	const uint8_t *factory; /* another source for the unit's factory data (its own old backup) */
	size_t factory_len;
	const char *keep[16]; /* partitions to take from the unit too */
	size_t nkeep;
	const char *take[16]; /* partitions to take from the donor even if the unit's differ */
	size_t ntake;
	bool allow_donor_factory; /* accept duplicated MACs/calibration (the user knows) */
};
struct mtd_rebuild_entry {
	int part;
	const char *from; /* "donor", "unit", "factory file" */
	char what[240];
};
struct mtd_rebuild_report {
	bool refused;
	char reason[600]; /* why, and the way out */
	size_t nentries;
	struct mtd_rebuild_entry entries[MTD_LAYOUT_MAX_PARTS];
	size_t nnotes;
	char notes[8][200];
	/* what was accepted only because it was forced (duplicate MACs...): the command says it loudly */
	size_t nwarnings;
	char warnings[4][400];
};
/**
 * Build the image for a bricked unit: firmware from the donor, unit data from
 * the unit.  On refusal returns MTD_ERR_REFUSED with r->reason filled and
 * *out NULL.  *out (chip size bytes) is the caller's to free().
 */
MTD_API int mtd_layout_rebuild(const struct mtd_layout *l, const uint8_t *donor, size_t donor_len, const uint8_t *unit,
                               size_t unit_len, const struct mtd_rebuild_options *o, uint8_t **out,
                               struct mtd_rebuild_report *r, struct mtd_diag *d);
/**
 * Describe an input that is not a whole-chip image: "is 0xf60000 bytes =
 * firmware1 + firmware2 (a concatenation of partition dumps)".  Empty when
 * the size is the chip's.
 */
MTD_API void mtd_layout_explain_size(const struct mtd_layout *l, uint64_t size, char *out, size_t n);
/**
 * The one test for "this file is a partition dump or two of them put together": true with "is
 * 0x... bytes = 'firmware1' + 'firmware2' (...): a concatenation of two partition dumps" (or "=
 * partition 'X' alone") in out when size is one partition's or two partitions' together.
 */
MTD_API bool mtd_layout_explain_parts(const struct mtd_layout *l, uint64_t size, char *out, size_t n);

/* ---- flashing plans ---- */
enum mtd_plan_via { MTD_PLAN_UBOOT, MTD_PLAN_MTD, MTD_PLAN_SHELL, MTD_PLAN_FLASHROM };
struct mtd_plan_options {
	enum mtd_plan_via via;
	bool sf;                     /* U-Boot: sf probe/erase/write (else erase + cp.b to the mapped flash) */
	uint64_t flash_base;         /* U-Boot cp.b: address where the flash is mapped (0xbc000000) */
	uint64_t load_addr;          /* U-Boot: RAM address for tftpboot (0x80100000) */
	uint64_t ram_base, ram_size; /* RAM (0x80000000, 64 MiB) */
	const char *image_name;      /* name the image has on the TFTP server / device */
	const char *layout_name;     /* flashrom layout file name */
	const char *programmer;      /* flashrom -p value */
	const char *only[16];        /* write only these partitions (default: all not protected) */
	size_t nonly;
	const char *also[16]; /* also write these protected partitions (the user insists) */
	size_t nalso;
	bool force; /* write a Factory named with --also even when it is erased or not valid */
};
MTD_API void mtd_plan_options_init(struct mtd_plan_options *o);
/** The steps as text (a shell/U-Boot script with comments) into b. */
MTD_API int mtd_layout_plan(const struct mtd_layout *l, const uint8_t *img, size_t len,
                            const struct mtd_plan_options *o, struct mtd_buf *b, struct mtd_diag *d);

#endif
