/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_DEVICE_FACTS_INT_H
#define MTDSCOPE_DEVICE_FACTS_INT_H

/* What the fact recognisers of facts*.c share: the parse state and the helpers that add facts. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mtdscope/device.h>

#include "kb.h"
#include "patterns.h"

#define LINE_MAX_LEN 1024
#define TEXT_MAX     200

struct mtd_code_key {
	char key[40];    /* DEVICE_MODEL squashed: "dgnd3700", "archerc7" */
	char var[16];    /* DEVICE_VARIANT squashed: "v1", "a1", "" */
	char vendor[32]; /* DEVICE_VENDOR squashed */
	size_t dev;      /* index in mtd_kb_devices */
};

struct pctx {
	struct mtd_facts *f;
	const char *file; /* arena copy */
	uint32_t line;
	const char *s;       /* cleaned line */
	const char *text;    /* arena copy of s, made on first fact */
	const char *context; /* part kind the line belongs to */
	bool in_kernel;
	/* multi-line states */
	int table;           /* current partition table, 0 none */
	uint32_t table_line; /* last line a partition was added to it */
	const char *next_table_name;
	const char *creating_name; /* "Creating N MTD partitions on X" */
	/* a table on a partition ("2 uimage-fw partitions found on MTD device firmware") */
	int nested;
	const char *nested_name;
	uint64_t nested_off, nested_size;
	int proc_mtd_table;
	uint32_t proc_mtd_line;
	/* the entries of the current /proc/mtd table, summed when it ends (facts_proc.c) */
	struct {
		uint64_t size, erase;
	} pm[64];
	int npm;
	bool pm_overflow;
	uint32_t pm_first_line;
	char pm_text[TEXT_MAX + 1];
	/* the Realtek boot code's flash table: a header row of column names, then a row of values */
	char rtk_cols[12][12];
	int rtk_ncols;
	uint32_t rtk_hdr_line;
	uint32_t dram_pending, nand_pending, clocks_pending;
	uint64_t
	    nand_sf_bytes; /* the SPI NOR a QCA U-Boot names on its "NAND:" line ("SF: Detected ... total 16 MiB") */
	/* parallel NOR: the first "Found an alias at 0xN for the chip at 0x0" after a CFI probe is the chip size */
	bool cfi_alias_done;
	/* the SPI NOR chips the kernel probed ("m25p80 spi0.1: mx25l12805d (16384 Kbytes)") and a
	 * "Concatenating MTD devices:" block that joins them into one device (mtd-concat) */
	struct {
		char dev[24];
		uint64_t bytes;
	} nor_dev[4];
	int n_nor_dev;
	uint32_t concat_line;
	int concat_n;
	uint64_t concat_sum;
	bool concat_bad;
	/* U-Boot "flash bank #N found 16 MB flash [CHIP, ...]": the banks add up */
	uint64_t bank_sum;
	int banks;
	uint32_t bank_line;
	unsigned rtk_id[3];
	int rtk_have;
	bool oom;
	bool line_had_facts;
	unsigned prose_lines;
	char (*mkeys)[48]; /* normalised model names of the OpenWrt index ("mr600v2"), made on first use */
	bool mkeys_failed;
	struct mtd_code_key *codes; /* model codes of the OpenWrt index (facts_codes.c), made on first use */
	size_t ncodes, codes_cap;
	unsigned code_lines;
	bool codes_failed;
	struct mtd_pattern_set pats; /* the compiled patterns of data/patterns/ (*.tsv) */
};

const char *mtd_fx_skip_ws(const char *p);                     /* facts.c */
bool mtd_fx_parse_dec(const char **pp, uint64_t *v);           /* facts.c */
int mtd_fx_hexdig(char c);                                     /* facts.c */
bool mtd_fx_parse_hex(const char **pp, uint64_t *v);           /* facts.c */
uint64_t mtd_fx_unit_mult(const char **pp);                    /* facts.c */
bool mtd_fx_parse_size_unit(const char **pp, uint64_t *bytes); /* facts.c */
const char *mtd_fx_after(const char *s, const char *needle);   /* facts.c */
uint64_t mtd_fx_round_up_pow2(uint64_t v);                     /* facts.c */
struct mtd_fact *mtd_fx_add(struct pctx *c, const char *key, const char *layer, int weight,
                            const char *value); /* facts.c */
struct mtd_fact *mtd_fx_add_num(struct pctx *c, const char *key, const char *layer, int weight, uint64_t num,
                                const char *note);                          /* facts.c */
const char *mtd_fx_dupn(struct pctx *c, const char *s, size_t n);           /* facts.c */
const char *mtd_fx_trimmed(struct pctx *c, const char *s, const char *end); /* facts.c */
const char *mtd_fx_kernel_or(struct pctx *c, const char *other);            /* facts.c */
void mtd_fx_add_size(struct pctx *c, const char *key, const char *layer, int weight, uint64_t bytes,
                     const char *note);                                                          /* facts.c */
void mtd_fx_add_jedec(struct pctx *c, const char *layer, int weight, uint64_t id, int digits);   /* facts.c */
void mtd_fx_add_chip(struct pctx *c, const char *layer, int weight, const char *name, size_t n); /* facts.c */
void mtd_fx_r_patterns(struct pctx *c);                                                          /* facts.c */
bool mtd_fx_parse_id_pair(const char **pp, uint16_t *v, uint16_t *d);                            /* facts_ids.c */
void mtd_fx_add_wifi(struct pctx *c, const char *layer, int weight, const struct mtd_kb_wifi *w, bool has_id,
                     uint16_t v, uint16_t d, const char *raw); /* facts_ids.c */
bool mtd_fx_r_lspci(struct pctx *c);                           /* facts_ids.c */
void mtd_fx_r_wifi(struct pctx *c);                            /* facts_ids.c */
void mtd_fx_r_usb(struct pctx *c);                             /* facts_ids.c */
void mtd_fx_new_table(struct pctx *c, const char *name);       /* facts_kernel.c */
void mtd_fx_add_part(struct pctx *c, int table, const char *tname, const char *name, size_t nlen, bool has_off,
                     uint64_t off, uint64_t size, const char *layer);                /* facts_kernel.c */
bool mtd_fx_try_part_range(struct pctx *c);                                          /* facts_kernel.c */
void mtd_fx_parse_mtdparts(struct pctx *c, const char *p, const char *layer);        /* facts_kernel.c */
void mtd_fx_r_partitions(struct pctx *c);                                            /* facts_kernel.c */
void mtd_fx_r_kernel(struct pctx *c);                                                /* facts_kernel.c */
void mtd_fx_r_cpu(struct pctx *c);                                                   /* facts_kernel.c */
bool mtd_fx_try_proc_mtd(struct pctx *c);                                            /* facts_proc.c */
void mtd_fx_proc_mtd_end(struct pctx *c);                                            /* facts_proc.c */
void mtd_fx_r_poster(struct pctx *c);                                                /* facts_text.c */
size_t mtd_fx_norm_alnum(const char *s, char *out, size_t size, bool stop_at_paren); /* facts_text.c */
bool mtd_fx_make_mkeys(struct pctx *c);                                              /* facts_text.c */
void mtd_fx_r_mentions(struct pctx *c);                                              /* facts_text.c */
void mtd_fx_r_codes(struct pctx *c);                                                 /* facts_codes.c */
void mtd_fx_r_brand(struct pctx *c);                                                 /* facts_text.c */
void mtd_fx_r_clock(struct pctx *c);                                                 /* facts_uboot.c */
void mtd_fx_r_ram(struct pctx *c);                                                   /* facts_uboot.c */
void mtd_fx_r_flash(struct pctx *c);                                                 /* facts_uboot.c */
void mtd_fx_r_boot(struct pctx *c);                                                  /* facts_uboot.c */
void mtd_fx_r_ethernet(struct pctx *c);                                              /* facts_uboot.c */

#endif
