/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_CONSOLE_H
#define MTDSCOPE_CONSOLE_H

/*
 * Driving a bootloader console: a serial line (raw termios) or a program run
 * under a pseudo-terminal (QEMU with -serial stdio, a scripted console).
 * Expect-style: wait for text with a timeout, send, repeat.  Everything read
 * and sent goes into a transcript with timestamps (seconds since open), and
 * to the caller's callbacks; the library does not print.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "util.h"
#include "export.h"

enum mtd_console_dir {
	MTD_CONSOLE_RX,   /* a line the device printed */
	MTD_CONSOLE_TX,   /* what was sent */
	MTD_CONSOLE_NOTE, /* what the engine did (interrupt burst, prompt found...) */
};

/* One transcript line: t seconds since open, text without its line end. */
typedef void (*mtd_console_line_fn)(void *ctx, enum mtd_console_dir dir, double t, const char *text, size_t len);
/* Raw bytes as they arrive (for a live view). */
typedef void (*mtd_console_bytes_fn)(void *ctx, const uint8_t *p, size_t n);

struct mtd_console_options {
	const char *line;       /* serial device, e.g. /dev/ttyUSB0 */
	unsigned baud;          /* default 115200 */
	const char *exec;       /* or: a shell command run under a pty */
	unsigned char_delay_ms; /* pause between characters sent (slow consoles); 0: none */
	const char *eol;        /* sent after each command (default "\r") */
	mtd_console_line_fn on_line;
	mtd_console_bytes_fn on_bytes;
	void *ctx;
};

MTD_API void mtd_console_options_init(struct mtd_console_options *o);

struct mtd_console;

MTD_API int mtd_console_open(struct mtd_console **out, const struct mtd_console_options *o, struct mtd_diag *d);
/** Restore the line / end the program (SIGTERM, then SIGKILL) and free. */
MTD_API void mtd_console_close(struct mtd_console *c);
/** The file descriptor to poll (for an interactive relay). */
MTD_API int mtd_console_fd(const struct mtd_console *c);
/** Seconds since open. */
MTD_API double mtd_console_elapsed(const struct mtd_console *c);

/** Send bytes as they are (logged as one TX line). */
MTD_API int mtd_console_send(struct mtd_console *c, const void *p, size_t n, struct mtd_diag *d);
/** Read what is there within timeout_ms into the engine (0 bytes on timeout). */
MTD_API int mtd_console_pump(struct mtd_console *c, int timeout_ms, size_t *got, struct mtd_diag *d);
/** Bytes received and not consumed by an expect; *n their count. */
MTD_API const char *mtd_console_pending(const struct mtd_console *c, size_t *n);
/** Take bytes another reader of the line got (what a file transfer read past its end) as received now. */
MTD_API void mtd_console_feed(struct mtd_console *c, const void *p, size_t n);
/** Mark all pending bytes consumed. */
MTD_API void mtd_console_consume(struct mtd_console *c);
/** Add a NOTE line to the transcript. */
MTD_API void mtd_console_note(struct mtd_console *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * Wait until one of n strings appears in the output not yet consumed; the
 * earliest match wins, *which gets its index and the output is consumed up to
 * its end.  MTD_ERR_TIMEOUT after timeout_ms, MTD_ERR_IO when the line or
 * program closed.
 */
MTD_API int mtd_console_expect(struct mtd_console *c, const char *const *strings, size_t n, int timeout_ms, int *which,
                               struct mtd_diag *d);

/* ---- reaching the bootloader prompt ---- */

struct mtd_console_stop_options {
	const char *interrupt;       /* sent in bursts; default "\x03" (Ctrl-C, a key) */
	const char *const *autoboot; /* NULL-terminated; NULL: the built-in list */
	const char *prompt;          /* known prompt, e.g. "MT7621 #"; NULL: detect */
	int wait_ms;                 /* for an autoboot message or a prompt (default 60000) */
	int window_ms;               /* keep sending bursts this long at most (default 10000) */
	int burst_ms;                /* between bursts (default 50) */
	int nudge_ms;                /* silence before sending one Ctrl-C to wake a prompt (0: never) */
	bool from_start;             /* send the interrupt from power-on through wait_ms, no countdown
	                                needed (vendor loaders that wait silently for a magic word) */
};

MTD_API void mtd_console_stop_options_init(struct mtd_console_stop_options *o);

struct mtd_console_stop_result {
	bool saw_autoboot;
	char autoboot[96];  /* the message that announced the window */
	double autoboot_at; /* seconds since open */
	unsigned bursts;
	char prompt[64]; /* as printed, trailing spaces removed, e.g. "MT7621 #" */
	double prompt_at;
	bool went_past; /* the boot loader went on to boot ("Starting kernel ...") without stopping */
	char past[96];  /* the line that showed it */
	double past_at;
};

/** The built-in autoboot messages (NULL-terminated). */
MTD_API const char *const *mtd_console_autoboot_messages(void);

/**
 * Watch for an autoboot message, send the interrupt string in bursts through
 * the window, clear what the bursts typed, and find the prompt.  A board that
 * goes straight to its prompt is fine too (saw_autoboot false).  With
 * from_start the bursts start at once and go on until a prompt shows (no
 * countdown line needed).  When the loader boots on ("Starting kernel ...")
 * the call fails at once with MTD_ERR_TIMEOUT and r->went_past set.
 */
MTD_API int mtd_console_stop_autoboot(struct mtd_console *c, const struct mtd_console_stop_options *o,
                                      struct mtd_console_stop_result *r, struct mtd_diag *d);

/** The prompt found (or set) so far, "" when none. */
MTD_API const char *mtd_console_prompt(const struct mtd_console *c);
MTD_API void mtd_console_set_prompt(struct mtd_console *c, const char *prompt);

/**
 * Run one command at the prompt: send it, wait for the prompt to come back
 * within timeout_ms, hand out what the command printed (without the echo and
 * the prompt, '\r' removed) in *output when given, and check that expect
 * (when given) appears in it.  MTD_ERR_TIMEOUT, MTD_ERR_NOT_FOUND (expected
 * text missing) or MTD_ERR_IO; d says which command and what was missing.
 */
MTD_API int mtd_console_run(struct mtd_console *c, const char *cmd, int timeout_ms, const char *expect,
                            struct mtd_buf *output, struct mtd_diag *d);

/** The whole transcript so far ("[   1.234] < text" lines), capped at 8 MiB. */
MTD_API const char *mtd_console_transcript(const struct mtd_console *c);

/** true when s (one line, trailing spaces removed) looks like a bootloader prompt. */
MTD_API bool mtd_console_looks_like_prompt(const char *s, size_t n);

#endif
