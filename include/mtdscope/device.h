/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_DEVICE_H
#define MTDSCOPE_DEVICE_H

/*
 * What a device is, from what an owner can paste: shell transcripts, boot logs, /proc files,
 * lspci/lsusb, U-Boot output, forum text around them.
 *
 *   facts       every statement found in the text, with the file and line it came from
 *   profile     one value per question (SoC, RAM, flash...), the fact that won, and conflicts
 *   assessment  a verdict on OpenWrt with reasons, install/recovery paths and the closest
 *               devices OpenWrt supports (from the compiled-in index, data/openwrt-devices.tsv)
 *   modem       an LTE modem's protocol, packages, UCI snippet and AT commands by USB id
 *
 * All strings live in the owning structure's arena; nothing here prints.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "util.h"
#include "export.h"

/* ---- facts ---- */

/* Fact keys (struct mtd_fact.key):
 *   soc, machine, cpu, cpu_mhz, ram, flash_jedec, flash_chip, flash_size, flash_type,
 *   partition, partition_truncated, pci, wifi, usb, ethernet, eth_ports, bootloader, tftp,
 *   kernel, toolchain, firmware, console, cmdline, brand, model_mention (an OpenWrt device named in
 *   the text; value = its compatible).
 * Layers (struct mtd_fact.layer): u-boot, boot-rom, kernel, vendor-driver, cpuinfo, proc-mtd,
 *   meminfo, free, lspci, lsusb, cmdline, poster (a statement in forum text, weakest).
 */
struct mtd_fact {
	const char *key;
	const char *value; /* normalised text value */
	uint64_t num;      /* bytes for sizes, MHz for clocks, the JEDEC id, when has_num */
	bool has_num;
	const char *layer;
	const char *note; /* what the line says beyond the value ("pre-PLL clock", "usable RAM, rounded up") */
	const char *file;
	uint32_t line;    /* 1-based */
	const char *text; /* the evidence line (prefixes such as timestamps removed), at most 200 bytes */
	int weight;       /* trust of this layer for this key; the profile takes the highest */
	/* partitions */
	uint64_t offset, size;
	bool has_offset;
	int table;              /* partitions announced together share a table number */
	const char *table_name; /* "raspi", "/proc/mtd", "mtdparts", ... */
	/* PCI / USB ids */
	uint16_t id_vendor, id_device;
	bool has_id;
};

/* A recognised part of an input: "u-boot", "dmesg", "cpuinfo", "proc-mtd", "meminfo", "free",
 * "lspci", "lsusb", "text". */
struct mtd_log_part {
	const char *kind;
	const char *file;
	uint32_t first, last;
};

struct mtd_facts {
	struct mtd_fact *v;
	size_t n, cap;
	struct mtd_log_part *parts;
	size_t nparts, parts_cap;
	size_t files, lines;
	uint64_t bytes;
	int ntables;
	struct mtd_arena arena;
};

/* Limits: inputs above this are refused with a diagnostic (logs are small). */
#define MTD_FACTS_MAX_INPUT (32u << 20)
#define MTD_FACTS_MAX_FACTS 20000u

MTD_API void mtd_facts_init(struct mtd_facts *f);
MTD_API void mtd_facts_release(struct mtd_facts *f);
/**
 * Read one input (the whole text of a file or of standard input) and add its facts.
 * Returns MTD_ERR_FORMAT when the bytes are not text (binary data, a flash dump),
 * MTD_ERR_LIMIT when too large; the diagnostic says which.
 */
MTD_API int mtd_facts_parse(struct mtd_facts *f, const char *file, const uint8_t *data, size_t len, struct mtd_diag *d);
/**
 * How many facts describe the hardware: every fact a log line gave (not a brand alone), and of what the
 * owner wrote in prose only the SoC, RAM, flash and radio statements (a forum post with specs is worth
 * assessing; a mention of a model name or a brand alone is not).  0: nothing to assess.
 */
MTD_API size_t mtd_facts_useful(const struct mtd_facts *f);

/* ---- profile ---- */

struct mtd_value {
	const char *s;
	uint64_t n;
	const struct mtd_fact *src; /* NULL: unknown */
};

struct mtd_radio {
	const char *chip;   /* "MT7603E", "MT7628-WMAC", or the raw name when unknown */
	const char *bands;  /* "2.4 GHz", "5 GHz", "2.4/5 GHz", "" */
	const char *driver; /* OpenWrt package, "" when none */
	const char *open;   /* "yes", "no", "partial", "unknown" */
	const char *bus;    /* "built-in", "pcie", "usb" */
	const struct mtd_fact *src;
};

struct mtd_usb_device {
	uint16_t vid, pid;
	const char *name; /* from the log, else usb.ids, else "" */
	bool hub;
	bool modem; /* listed in the LTE modem table */
	const struct mtd_fact *src;
};

struct mtd_conflict {
	const char *what; /* one line in plain words */
	const struct mtd_fact *a, *b;
};

#define MTD_PROFILE_MAX_RADIOS    8
#define MTD_PROFILE_MAX_USB       16
#define MTD_PROFILE_MAX_CONFLICTS 16
#define MTD_PROFILE_MAX_PARTS     64

struct mtd_profile {
	struct mtd_value soc;                                                 /* canonical name ("MT7621"); .n unused */
	struct mtd_value soc_variant;                                         /* as printed ("MT7621A", "MT7628AN") */
	const char *soc_vendor, *target, *subtarget, *soc_status, *soc_notes; /* from the SoC table */
	struct mtd_value machine;                                             /* board/model name the firmware prints */
	struct mtd_value compatible; /* DT compatible or OpenWrt board name ("tplink,archer-c6-v3") */
	struct mtd_value cpu, cpu_mhz, ram;
	bool ram_estimated;
	struct mtd_value ram_usable; /* what the kernel could use (MemTotal, "Memory: N/M available"), bytes */
	struct mtd_value flash_type, flash_chip, flash_jedec, flash_size;
	struct mtd_value flash_other; /* a second chip (a small NOR for the loaders beside a NAND): size */
	const char *flash_other_type; /* its type ("nor", "nand"), "" when there is none */
	const struct mtd_fact *parts[MTD_PROFILE_MAX_PARTS]; /* the chosen table, in order */
	size_t nparts;
	const char *parts_from;
	const struct mtd_fact *truncated; /* a partition the kernel cut at the end of the chip */
	struct mtd_value layout;          /* what the layout means ("dual firmware: firmware1/firmware2 ...") */
	const struct mtd_fact *slot_b;    /* the second firmware slot of a dual layout (layout.src is the first) */
	struct mtd_radio radios[MTD_PROFILE_MAX_RADIOS];
	size_t nradios;
	struct mtd_usb_device usb[MTD_PROFILE_MAX_USB];
	size_t nusb;
	struct mtd_value ethernet;  /* switch/MAC description */
	struct mtd_value eth_ports; /* .n = number of ports, .src NULL when unknown; 0 = none */
	struct mtd_value bootloader, tftp, kernel, toolchain, firmware, console, cmdline, brand;
	/* how the boot loader is reached and what it asks for */
	struct mtd_value interrupt;     /* the word or key that stops it ("tpl") */
	struct mtd_value tftp_server;   /* the TFTP server address it uses or the owner gave ("192.168.0.5") */
	struct mtd_value tftp_client;   /* its own address */
	struct mtd_value tftp_file;     /* the file name it asks for ("test.bin") */
	struct mtd_value boot_cmd;      /* how a loaded image is booted ("bootm") */
	const struct mtd_fact *menu[8]; /* boot menu entries ("1: Load system code to SDRAM via TFTP") */
	size_t nmenu;
	const struct mtd_fact *named[4]; /* models named in the text ("MR500 v1") */
	size_t nnamed;
	const struct mtd_fact *mentions[8]; /* supported devices named in the text (value = compatible) */
	size_t nmentions;
	/* OpenWrt devices whose model code the log prints as whole words (value = compatible; key
	 * model_code when a printed variant agrees or the row has none, model_code_loose otherwise) */
	const struct mtd_fact *codes[8];
	size_t ncodes;
	struct mtd_conflict conflicts[MTD_PROFILE_MAX_CONFLICTS];
	size_t nconflicts;
	struct mtd_arena arena;
};

/** Resolve the facts into one profile (the profile points into f; keep f alive). */
MTD_API int mtd_profile_build(const struct mtd_facts *f, struct mtd_profile *p);
MTD_API void mtd_profile_release(struct mtd_profile *p);

/* ---- assessment ---- */

enum mtd_verdict {
	MTD_VERDICT_UNKNOWN = 0,
	MTD_VERDICT_SUPPORTED,  /* OpenWrt supports this device or a near twin of it */
	MTD_VERDICT_PORT,       /* hardware is supported, a device port is needed */
	MTD_VERDICT_NOT_VIABLE, /* flash/RAM below current minimums, or no target/driver */
};
/** "supported", "possible-port", "not-viable", "unknown". */
MTD_API const char *mtd_verdict_name(enum mtd_verdict v);

enum mtd_reason_kind { MTD_REASON_GOOD, MTD_REASON_INFO, MTD_REASON_WARN, MTD_REASON_BLOCKER };

struct mtd_reason {
	enum mtd_reason_kind kind;
	const char *topic; /* "flash", "ram", "soc", "wifi", "install", "twin", ... */
	const char *text;
	const struct mtd_fact *ev[4];
	size_t nev;
};

struct mtd_twin {
	const char *model, *compatible, *dts, *target, *subtarget;
	int score;            /* 0..100, for ranking only: the verdict comes from identity or fits */
	bool specific;        /* matched on more than SoC/flash/radios: its name, the text names it, or the layout */
	bool identical;       /* the device itself: its model, compatible or board name was printed */
	bool fits;            /* item by item: SoC, flash size and type, RAM, radios and partition layout all equal */
	const char *why;      /* "same SoC, 16 MiB flash, 2 PCIe radios (2.4+5 GHz), LTE" */
	const char *compared; /* "SoC MT7621 =; flash 16 MiB = ...; RAM: theirs unknown; ..." */
	const char *image;    /* OpenWrt image name stem: "openwrt-ramips-mt7621-tplink_mr600-v2-eu" */
};

/* An install path a person can follow: the images to use, the commands to run, the steps. */
#define MTD_INSTALL_MAX_STEPS 12
struct mtd_install {
	const char *method; /* "tftp" (U-Boot over Ethernet), "serial" (no Ethernet: the console line, an SPI programmer
	                       last), "" when none was found */
	const char *device; /* whose images: the device itself or its twin (model) */
	const char *for_device;             /* the model the text names for this board when it is not that one */
	const char *initramfs, *sysupgrade; /* OpenWrt image file names */
	const char *netboot;                /* the 'mtdscope netboot' command line */
	const char *serve;                  /* the 'mtdscope serve' command line (booting by hand) */
	const char *steps[MTD_INSTALL_MAX_STEPS];
	size_t nsteps;
};

#define MTD_ASSESS_MAX_REASONS 32
#define MTD_ASSESS_MAX_TWINS   5

struct mtd_assessment {
	enum mtd_verdict verdict;
	const char *headline; /* one sentence */
	struct mtd_reason reasons[MTD_ASSESS_MAX_REASONS];
	size_t nreasons;
	struct mtd_twin twins[MTD_ASSESS_MAX_TWINS];
	size_t ntwins;
	struct mtd_install install;
	struct mtd_arena arena;
};

MTD_API int mtd_assess(const struct mtd_profile *p, struct mtd_assessment *a);
/** The install path (a->install) from the profile and the verdict and twins already in a. */
MTD_API void mtd_assess_install(const struct mtd_profile *p, struct mtd_assessment *a);
MTD_API void mtd_assessment_release(struct mtd_assessment *a);

/* ---- LTE modems ---- */

struct mtd_modem_info {
	uint16_t vid, pid;
	bool known;
	const char *vendor, *model;
	const char *mode;     /* qmi, mbim, ncm, ecm, rndis, ppp, storage */
	const char *packages; /* space separated OpenWrt packages */
	const char *proto;    /* UCI interface proto */
	const char *device;   /* network device or control node the proto uses */
	const char *at_port;
	const char *at_signal; /* ';' separated AT commands */
	const char *at_bands;
	const char *at_apn; /* the AT command that reads the APN / PDP contexts (3GPP: AT+CGDCONT?) */
	const char *traps;
};

/** Look a modem up by USB id; known=false (and MTD_ERR_NOT_FOUND) when not in the table. */
MTD_API int mtd_modem_lookup(uint16_t vid, uint16_t pid, struct mtd_modem_info *out);
/** "VID:PID" (hex) into vid/pid; false on bad syntax. */
MTD_API bool mtd_usb_id_parse(const char *s, uint16_t *vid, uint16_t *pid);
/** The UCI /etc/config/network snippet for the modem. */
MTD_API int mtd_modem_uci(const struct mtd_modem_info *m, struct mtd_buf *out);

/* ---- PCI / USB names from the system's pci.ids / usb.ids ---- */

/**
 * Name of a PCI (usb=false) or USB device from the ids database (usb.ids/pci.ids in
 * /usr/share/misc, /usr/share/hwdata, /usr/share/usb.ids...; MTD_IDS_DIR overrides the
 * directory).  Writes "Vendor Device" or "Vendor" into out; MTD_ERR_NOT_FOUND when the
 * database or the id is missing (out = "").
 */
MTD_API int mtd_ids_name(bool usb, uint16_t vendor, uint16_t device, char *out, size_t size);

/* ---- JSON ---- */
MTD_API void mtd_fact_to_json(const struct mtd_fact *x, struct mtd_json *j);
MTD_API void mtd_facts_to_json(const struct mtd_facts *f, struct mtd_json *j);
MTD_API void mtd_profile_to_json(const struct mtd_profile *p, struct mtd_json *j);
MTD_API void mtd_assessment_to_json(const struct mtd_assessment *a, struct mtd_json *j);
MTD_API void mtd_modem_to_json(const struct mtd_modem_info *m, struct mtd_json *j);

#endif
