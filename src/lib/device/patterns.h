/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_DEVICE_PATTERNS_H
#define MTDSCOPE_DEVICE_PATTERNS_H

/*
 * Declarative fact patterns: data/patterns/ (*.tsv) compiled into mtd_patterns[] by
 * scripts/gen-patterns.py (the columns are explained there).  A pattern is a literal cue, a POSIX
 * extended regex and a conversion of its captures into one fact; each row carries the real line it
 * was taken from and the value that line must give (tests/device/test_patterns.c runs them all).
 */

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A SoC name the tables (data/socs.tsv: every SoC of an OpenWrt device, target or Linux 6.1 device tree)
 * do not know is kept as a claim: from a line that only ever names the chip (pattern weight at least
 * MTD_PATTERN_CHIP_LINE) it is a SoC no OpenWrt target runs on, else it may be a placeholder ("Philips Nino"). */
#define MTD_PATTERN_CHIP_LINE 85
#define MTD_SOC_CLAIM_NAMED   6
#define MTD_SOC_CLAIM_WEAK    5
#define MTD_SOC_UNLISTED_NOTE "no OpenWrt device, target or Linux 6.1 DT has this SoC"

struct mtd_pattern {
	const char *id, *source, *cue, *regex, *key, *value, *layer;
	int weight;
	const char *note, *example, *expect, *origin;
	const char *where; /* "uboot.tsv:12" */
};

extern const struct mtd_pattern mtd_patterns[];
extern const size_t mtd_patterns_count;

struct mtd_pattern_hit {
	char raw[160];   /* the template with the captures filled in */
	char value[160]; /* the fact value (numbers in decimal, JEDEC ids in hex) */
	uint64_t num;
	bool has_num;
	char note[64]; /* soc: the name as printed */
	int weight;    /* the pattern's, lowered when the value is not known to the tables */
};

/* Compiled regexes of one parse, compiled on first use. */
struct mtd_pattern_set {
	regex_t *re;
	unsigned char *state; /* 0 not compiled, 1 compiled, 2 does not compile */
};

int mtd_pattern_set_init(struct mtd_pattern_set *s);
void mtd_pattern_set_release(struct mtd_pattern_set *s);
/** Does LINE hold the pattern's cue (a cheap test before the regex)? */
bool mtd_pattern_cue(const struct mtd_pattern *pt, const char *line);
/** 1 when pattern I's regex matches LINE (hit->raw filled, no conversion), 0 when not */
int mtd_pattern_match(struct mtd_pattern_set *s, size_t i, const char *line, struct mtd_pattern_hit *hit);
/** 1 when pattern I matches LINE and its value converts (hit filled), 0 when not, MTD_ERR_FORMAT
 * when its regex does not compile. */
int mtd_pattern_run(struct mtd_pattern_set *s, size_t i, const char *line, struct mtd_pattern_hit *hit);

/* number + unit ("64 MB", "16384 Kbytes", "128MiB", "16.0 MB") into bytes; *pp advances */
bool mtd_pattern_parse_size(const char **pp, uint64_t *bytes);

#endif
