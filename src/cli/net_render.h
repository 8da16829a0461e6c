/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_CLI_NET_RENDER_H
#define MTDSCOPE_CLI_NET_RENDER_H

/* Rendering of TFTP server events for `serve` and `netboot`: log lines on
 * stdout (or JSON lines), a progress line per transfer on a terminal. */

#include <stdbool.h>
#include <stdio.h>

#include <mtdscope/tftp.h>

struct net_render {
	bool json;
	bool quiet;
	const char *root;
	const char *upload;
	FILE *out; /* log lines (stdout by default) */
	bool progress_shown;
};

void net_render_init(struct net_render *r);
void net_render_tftp_event(void *ctx, const struct mtd_tftp_event *ev);
void net_render_progress_clear(struct net_render *r);

/* ---- console views for `console` and `netboot` ---- */
#include <mtdscope/console.h>

struct console_view {
	FILE *log; /* --log: timestamped transcript lines */
	bool live; /* raw console bytes to stdout as they arrive */
	bool at_bol;
};

void console_view_init(struct console_view *v);
/** Fill the callbacks of o with v's renderers. */
void console_view_attach(struct console_view *v, struct mtd_console_options *o);
/** The last n lines of the transcript on stderr, indented. */
void console_view_tail(const struct mtd_console *c, int n);
/** Decode "\r", "\n", "\t", "\\", "\xHH" escapes into out; false on a bad escape. */
bool console_unescape(const char *in, char *out, size_t size);
/** A word ("tpl") rather than one key: vendor loaders wait for it silently, so `console` and
 * `netboot` send it from power-on unless told otherwise. */
bool console_interrupt_is_word(const char *s);

#endif
