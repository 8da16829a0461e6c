/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_TFTP_H
#define MTDSCOPE_TFTP_H

/*
 * A TFTP server for bootloaders and recovery modes: RFC 1350 with option
 * negotiation (RFC 2347), blksize (2348), timeout and tsize (2349) and
 * windowsize (7440).  One poll loop; one state machine and one UDP socket
 * (the transfer ID) per transfer.  Read-only unless an upload directory is
 * given; uploads are create-only, capped, written to a temporary name and
 * linked into place when complete.  File names never leave the root.
 *
 * The library does not print: everything that happens is reported through
 * the event callback, which the caller renders.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"

/* Opcodes (RFC 1350, 2347). */
enum mtd_tftp_opcode {
	MTD_TFTP_RRQ = 1,
	MTD_TFTP_WRQ = 2,
	MTD_TFTP_DATA = 3,
	MTD_TFTP_ACK = 4,
	MTD_TFTP_ERROR = 5,
	MTD_TFTP_OACK = 6,
};

/* Error codes carried in ERROR packets. */
enum mtd_tftp_errcode {
	MTD_TFTP_EUNDEF = 0,
	MTD_TFTP_ENOTFOUND = 1,
	MTD_TFTP_EACCESS = 2,
	MTD_TFTP_ENOSPACE = 3,
	MTD_TFTP_EBADOP = 4,
	MTD_TFTP_EBADID = 5,
	MTD_TFTP_EEXISTS = 6,
	MTD_TFTP_ENOUSER = 7,
	MTD_TFTP_EOPTNEG = 8,
};

#define MTD_TFTP_MAX_OPTIONS 16
#define MTD_TFTP_NAME_MAX    512
#define MTD_TFTP_OPT_MAX     64
#define MTD_TFTP_BLKSIZE_MIN 8
#define MTD_TFTP_BLKSIZE_MAX 65464
#define MTD_TFTP_WINDOW_MAX  65535

/* ---- packets ---- */

struct mtd_tftp_option {
	char name[MTD_TFTP_OPT_MAX]; /* lowercased */
	char value[MTD_TFTP_OPT_MAX];
	bool cut; /* name or value longer than the buffer */
};

/*
 * A parsed packet.  Strings are copied out of the datagram (NUL-terminated,
 * cut to the buffer with *_cut set); DATA payload points into the datagram.
 */
struct mtd_tftp_packet {
	uint16_t opcode;
	/* RRQ / WRQ */
	char filename[MTD_TFTP_NAME_MAX];
	bool filename_cut;
	char mode[16]; /* lowercased: "octet", "netascii", "mail" */
	/* RRQ / WRQ / OACK */
	struct mtd_tftp_option opts[MTD_TFTP_MAX_OPTIONS];
	size_t nopts;
	bool opts_dropped; /* more than MTD_TFTP_MAX_OPTIONS */
	/* DATA / ACK */
	uint16_t block;
	const uint8_t *data;
	size_t data_len;
	/* ERROR */
	uint16_t error_code;
	char error_msg[256];
};

/**
 * Parse one datagram.  Returns 0, MTD_ERR_TRUNCATED (too short, a string
 * without its NUL) or MTD_ERR_FORMAT (unknown opcode, empty file name, odd
 * option list); d says what and where.
 */
MTD_API int mtd_tftp_parse(const uint8_t *pkt, size_t len, struct mtd_tftp_packet *out, struct mtd_diag *d);

/**
 * Check a requested file name: refuses empty names, absolute paths, "..",
 * backslashes and control characters.  Returns 0 or MTD_ERR_REFUSED with a
 * reason in *why (a static string).
 */
MTD_API int mtd_tftp_check_name(const char *name, const char **why);

/* ---- server ---- */

enum mtd_tftp_event_kind {
	MTD_TFTP_EV_LISTENING, /* message: "listening on ADDR:PORT" */
	MTD_TFTP_EV_REQUEST,   /* a request was accepted and a transfer starts */
	MTD_TFTP_EV_PROGRESS,  /* bytes moved (at most every 250 ms per transfer) */
	MTD_TFTP_EV_DONE,      /* transfer complete */
	MTD_TFTP_EV_FAILED,    /* transfer ended without completing */
	MTD_TFTP_EV_REFUSED,   /* request answered with an ERROR packet */
	MTD_TFTP_EV_IGNORED,   /* datagram dropped (malformed, duplicate request...) */
	MTD_TFTP_EV_WARNING,   /* transfer goes on, but something deserves attention */
};

struct mtd_tftp_event {
	enum mtd_tftp_event_kind kind;
	unsigned id;         /* transfer number (0 for events outside a transfer) */
	const char *client;  /* address, printable */
	uint16_t port;       /* client's port */
	const char *name;    /* file name as asked, control bytes escaped; may be NULL */
	const char *path;    /* file served or written, relative to its directory; may be NULL */
	bool upload;         /* WRQ */
	const char *options; /* options asked, "blksize=1468 tsize=0", "" for none */
	const char *answer;  /* options answered in the OACK, "" for none */
	unsigned blksize;
	unsigned windowsize;
	uint64_t bytes; /* moved so far */
	uint64_t total; /* size when known, else 0 */
	double seconds; /* since the request */
	uint64_t retransmits;
	int tftp_error;      /* code sent or received, -1 when none */
	const char *message; /* one line: reason, listing of the root for a missing file... */
};

typedef void (*mtd_tftp_event_fn)(void *ctx, const struct mtd_tftp_event *ev);

struct mtd_tftp_options {
	const char *root;            /* directory served (required unless any_name_file) */
	const char *upload_dir;      /* NULL: WRQ refused */
	uint64_t upload_max;         /* bytes per upload (default 256 MiB) */
	const char *any_name_file;   /* serve this file whatever name is asked */
	const char *bind_addr;       /* numeric IPv4/IPv6 address, default "0.0.0.0" */
	uint16_t port;               /* default 69; 0 picks a free port (see mtd_tftp_server_port) */
	unsigned timeout_ms;         /* first retransmission timeout (default 1000) */
	unsigned max_timeout_ms;     /* backoff ceiling (default 8000) */
	unsigned retries;            /* retransmissions before giving up (default 6) */
	unsigned max_transfers;      /* at once (default 64, at most 256) */
	unsigned max_blksize;        /* answered blksize ceiling (default 65464) */
	unsigned max_windowsize;     /* answered windowsize ceiling (default 64) */
	unsigned max_transfers_done; /* stop after this many finished transfers (0: never) */
	mtd_tftp_event_fn event;
	void *ctx;
};

MTD_API void mtd_tftp_options_init(struct mtd_tftp_options *o);

struct mtd_tftp_server;

/** Open the directories and the listening socket. */
MTD_API int mtd_tftp_server_open(struct mtd_tftp_server **out, const struct mtd_tftp_options *o, struct mtd_diag *d);
/** The port actually bound. */
MTD_API uint16_t mtd_tftp_server_port(const struct mtd_tftp_server *s);
/**
 * Serve until mtd_tftp_server_stop() or until max_transfers_done transfers
 * have finished (then waits for the others in progress).
 */
MTD_API int mtd_tftp_server_run(struct mtd_tftp_server *s, struct mtd_diag *d);
/** Ask run() to return; async-signal-safe and thread-safe. */
MTD_API void mtd_tftp_server_stop(struct mtd_tftp_server *s);
struct mtd_tftp_stats {
	uint64_t requests, done, failed, refused, ignored;
	uint64_t bytes_sent, bytes_received;
};
MTD_API void mtd_tftp_server_stats(const struct mtd_tftp_server *s, struct mtd_tftp_stats *st);
MTD_API void mtd_tftp_server_free(struct mtd_tftp_server *s);

#endif
