/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_CLI_H
#define MTDSCOPE_CLI_H

/*
 * Adding a command: write src/cli/cmd_<name>.c with
 *     int cmd_<name>(int argc, char **argv)
 * (argv[0] is the command name; parse with getopt_long, answer --help with
 * text that matches what the command does), declare it below, add one row
 * to the table in main.c, and add the file to src/cli/meson.build.  The
 * command calls the library and renders; the library never prints.
 * Exit status: 0 success, 1 failure or a check that failed, 2 usage error.
 * Its --help text is also its man page mtdscope-<name>(1) and its completion
 * (doc/gen-cli-docs.py).  With --json: call cli_json_schema(&j, "<name>") right
 * after mtd_json_init(), add its row to schema.c, its schema doc/schema/<name>.json
 * and a case to tests/doc/json_docs.sh.
 */

#include <stdbool.h>
#include <stdio.h>

#include <mtdscope/error.h>
#include <mtdscope/layout.h>
#include <mtdscope/source.h>
#include <mtdscope/util.h>

#define CLI_OK    0
#define CLI_FAIL  1
#define CLI_USAGE 2

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

extern const struct cli_command cli_commands[];

int cmd_scan(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_netboot(int argc, char **argv);
int cmd_eeprom(int argc, char **argv);
int cmd_env(int argc, char **argv);
int cmd_layout(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_join(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_rebuild(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_modem(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* ---- shared by commands that look for one component in a whole image (src/cli/cmd_scan.c) ---- */
struct mtd_source;
struct mtd_scan_result;
/** Top-level scan of src (no descent, no byte-swap trial); NULL after printing the error. */
struct mtd_scan_result *cli_scan_top_level(struct mtd_source *src);

/* ---- scan, extract and assess over many inputs (src/cli/batch.c) ---- */
struct mtd_scan_options;
struct mtd_extract_options;
struct cli_batch_opts {
	unsigned jobs;           /* worker threads (0: 1) */
	bool jsonl;              /* one JSON document per image on stdout */
	bool from_stdin;         /* read a list of inputs from standard input */
	const char *db;          /* scan: results database (doc/batch-db.md), SQLite file or postgresql:// URI */
	unsigned shard, nshards; /* --shard I/N: the inputs whose sorted index is I modulo N; nshards 0: all */
	const struct mtd_extract_options *eo; /* extract */
	const char *outdir;                   /* extract: one directory per image is made in it */
};
/** Parse --shard's "I/N" (0 <= I < N); 0, or -1 when it is not that. */
int cli_parse_shard(const char *s, unsigned *index, unsigned *count);
/** Scan every FILE, DIR (walked, symlinks not followed) or '-' (a list on stdin); CLI_OK or CLI_FAIL. */
int cli_scan_batch(int argc, char **argv, const struct mtd_scan_options *so, const struct cli_batch_opts *bo);
/** The same inputs, each extracted into its own directory under bo->outdir. */
int cli_extract_batch(int argc, char **argv, const struct mtd_scan_options *so, const struct cli_batch_opts *bo);
/** The same inputs, each one device's logs: one assessment each. */
int cli_assess_batch(int argc, char **argv, const struct cli_batch_opts *bo);

/* ---- inputs read through a view of the flash (src/cli/input.c) ---- */
/**
 * Open a dump for split, verify, diff, rebuild: through the view `view`
 * (NULL: auto; NAND bad blocks kept in place, the MTD address space), saying
 * on stderr when one is used.  CLI_OK or an exit status (message printed).
 */
int cli_open_input(const char *cmd, const char *path, const char *view, struct mtd_source *s);

/* ---- bundles written by collect on the device (src/cli/bundle.c, doc/collect.md) ---- */
#include <mtdscope/bundle.h>
struct cli_bundle {
	struct mtd_source src;
	bool opened;
	struct mtd_bundle b; /* members b.m[0..b.n), manifest entries b.mtd[0..b.nmtd) */
	char tmpdir[4096];   /* where cli_bundle_unpack() put the members ("" before) */
};
struct mtd_reader;
/** PATH is a regular file starting with a ustar header (valid checksum) named collect/... */
bool cli_is_bundle(const char *path);
/**
 * Map PATH, walk its members (header checksums, names, sizes) and check every member's SHA-256
 * against collect/SHA256SUMS; warns when the manifest marks a partition unstable.  CLI_OK, or
 * CLI_FAIL with one line naming the file, the offset and what was expected (b is then closed).
 */
int cli_bundle_open(struct cli_bundle *b, const char *path);
/** The member collect/NAME, or NULL. */
const struct mtd_bundle_member *cli_bundle_find(const struct cli_bundle *b, const char *name);
/** A reader over one member's bytes. */
bool cli_bundle_window(const struct cli_bundle *b, const struct mtd_bundle_member *m, struct mtd_reader *out);
struct mtd_facts;
/**
 * Parse every text member of b (not the dumps, the manifest or SHA256SUMS) into f, each named
 * PATH:MEMBER ("router.tar:dmesg"); members over MTD_FACTS_MAX_INPUT go to skipped (may be NULL).
 * *nparsed members were parsed.  0 or the parser's error (d filled).  Thread-safe: prints nothing.
 */
int cli_bundle_facts(const struct mtd_bundle *b, const char *path, struct mtd_facts *f, size_t *nparsed,
                     void (*skipped)(const char *name), struct mtd_diag *d);
/** Write every member into a new temporary directory (its path in dir): DIR/proc/mtd, DIR/mtd/mtd0ro... */
int cli_bundle_unpack(struct cli_bundle *b, char *dir, size_t dirlen);
/** Remove what cli_bundle_unpack() wrote and unmap. */
void cli_bundle_close(struct cli_bundle *b);

/* ---- output helpers (src/cli/output.c) ---- */
enum cli_color { CLI_RESET, CLI_BOLD, CLI_DIM, CLI_RED, CLI_GREEN, CLI_YELLOW, CLI_BLUE, CLI_CYAN, CLI_MAGENTA };

/** Parse --color=auto|always|never; returns false on a bad value. */
bool cli_set_color_mode(const char *mode);
/** Escape sequence for stream (stdout or stderr) or "" when colour is off there. */
const char *cli_c(FILE *stream, enum cli_color c);
/**
 * Untrusted text (names, values, file names, device bytes) made safe for the terminal by
 * mtd_buf_put_text() (include/mtdscope/text.h).  cli_txt() returns s itself when nothing needs
 * escaping, else an escaped copy that stays valid for the next 15 calls: use it directly as a
 * printf argument, never store it.
 */
const char *cli_txt(const char *s);
const char *cli_txtn(const char *s, size_t n);
/** s as one shell word (mtd_buf_put_shell(), mtdscope/quote.h) for a command shown in a hint; same ring. */
const char *cli_shq(const char *s);
/** Write s[0..n) escaped to f. */
void cli_put_text(FILE *f, const char *s, size_t n);
/** "mtdscope: <message>" on stderr, one line: the formatted message is escaped as a whole. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print a library diagnostic as one line on stderr. */
void cli_diag(const struct mtd_diag *d);
/** Write a JSON document (plus newline) to stdout; CLI_FAIL if it did not fit or write. */
int cli_print_json(struct mtd_buf *b);
/** Progress on stderr, only when stderr is a terminal. */
void cli_progress(const char *what, unsigned long long done, unsigned long long total);
void cli_progress_done(void);
bool cli_stderr_is_tty(void);
/** The versioned name of JSON document doc ("scan" -> "mtdscope.scan/1"; the table in schema.c). */
const char *cli_schema_id(const char *doc);
/** Every top-level object j writes from now on opens with "schema": cli_schema_id(doc). */
void cli_json_schema(struct mtd_json *j, const char *doc);
/** cli_json_schema() and open the top object. */
void cli_json_begin(struct mtd_json *j, const char *doc);
/** `mtdscope --version [--json]`: the program's version and the libraries' (version.c). */
int cli_print_version(bool json);
/** Usage hint for a command: "try 'mtdscope CMD --help'". */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the inputs of this run (src/cli/output.c): no output may be one of them ---- */
/**
 * Register a file the command reads (layouts, images, donors, logs) before it writes anything;
 * every output goes through mtd_outfile_* / mtd_outset_* with cli_inputs() and is refused when it
 * is one of these (include/mtdscope/outfile.h).  CLI_OK or CLI_FAIL (message printed).
 */
int cli_input(const char *path);
const struct mtd_inputs *cli_inputs(void);
/** true when writing path writes standard output ("-", /dev/stdout, the file stdout is redirected to). */
bool cli_output_is_stdout(const char *path);
/** A log written while the command runs (console, netboot --log): through mtd_outfile_*. */
struct cli_log {
	struct mtd_outfile of;
	FILE *f;
};
/** Open the log (refused when it is an input); NULL with d set. */
FILE *cli_log_open(struct cli_log *lg, const char *path, struct mtd_diag *d);
/** Flush it and move it into place; CLI_OK, or CLI_FAIL with the message printed.  No-op when not open. */
int cli_log_close(struct cli_log *lg);

/* ---- layout commands (src/cli/cmd_layout.c, cmd_join.c) ---- */
struct mtd_layout;
/** Load --layout PATH with --kind/--flash-size; CLI_OK or an exit status (message printed). */
int cli_load_layout(const char *cmd, const char *path, const char *kind, const char *flash_size,
                    struct mtd_layout **out);
/** FILE... or the regular files of one DIR (manifest.sha256 left out); free each and the array. */
int cli_collect_files(const char *cmd, int argc, char **argv, char ***out, size_t *n);
/** The partition of layout file lpath named `name` (or with `role` when name is NULL); 0 or -1 (message printed). */
int cli_layout_part(const char *lpath, const char *name, enum mtd_part_role role, uint64_t *off, uint64_t *size);

/* ---- device commands (src/cli/cmd_report.c): report, assess, modem ---- */
struct mtd_facts;
struct mtd_fact;
struct mtd_profile;
/** Read FILEs, directories or standard input into f; prints one-line errors; CLI_* status. */
int cli_device_load(struct mtd_facts *f, int argc, char **argv);
/** "    file:line  evidence text" (dimmed) */
void cli_device_evidence(const struct mtd_fact *x, int indent);
void cli_device_profile_text(const struct mtd_profile *p);
/** The profile as rows (label, value, the fact proving it), lines without evidence, and conflicts. */
struct mtd_conflict;
struct cli_profile_out {
	void (*row)(void *ctx, const char *label, const char *value, const struct mtd_fact *src);
	void (*line)(void *ctx, const char *label, const char *value);
	void (*conflict)(void *ctx, const struct mtd_conflict *c, size_t i);
	void *ctx;
};
void cli_device_profile_out(const struct mtd_profile *p, const struct cli_profile_out *o);
/** The base name of a path (a fact's file, shown as file:line beside its value). */
const char *cli_fact_base(const char *path);

#endif
