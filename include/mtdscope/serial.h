/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_SERIAL_H
#define MTDSCOPE_SERIAL_H

/*
 * Sending a file over a serial line to a boot loader's receiver: YMODEM
 * (U-Boot `loady`: 1 KiB blocks, CRC-16, a batch header with name and size,
 * end of batch) and Kermit (U-Boot `loadb`, the Ralink SDK boot menu's serial
 * option: type-1 check, control prefixing, long packets when both sides can).
 * The sender works on a byte stream (a file descriptor: a serial line, a pty,
 * a socket) with timeouts on every wait, a bounded number of retries per
 * packet, cancellation both ways (CAN CAN in YMODEM, an E packet in Kermit)
 * and fixed-size buffers.  Bytes the receiver sends are untrusted: they are
 * only compared with what the protocol allows, never used as sizes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"

enum mtd_xfer_proto {
	MTD_XFER_YMODEM, /* U-Boot loady */
	MTD_XFER_KERMIT, /* U-Boot loadb */
};

struct mtd_xfer_progress {
	uint64_t done;    /* file bytes the receiver acknowledged */
	uint64_t total;   /* the file's size */
	uint64_t wire;    /* bytes written to the line (framing, prefixes and repeats included) */
	double elapsed;   /* seconds since the receiver's first request */
	unsigned retries; /* packets sent again */
	unsigned packets; /* packets acknowledged */
};

typedef void (*mtd_xfer_progress_fn)(void *ctx, const struct mtd_xfer_progress *p);
/** Asked often while waiting: true stops the transfer (the receiver is told to cancel). */
typedef bool (*mtd_xfer_cancel_fn)(void *ctx);

struct mtd_xfer_options {
	enum mtd_xfer_proto proto;
	const char *name;       /* the name sent in the YMODEM header / Kermit F packet (default "image.bin") */
	int start_timeout_ms;   /* for the receiver's first answer (default 60000) */
	int timeout_ms;         /* for each later answer (default 10000) */
	unsigned retries;       /* sends of one packet before giving up (default 10) */
	unsigned kermit_max;    /* cap on a Kermit packet's length (default 9024, at least 94) */
	unsigned baud;          /* line speed, for the wait of a long packet (0: not a real line) */
	unsigned turnaround_ms; /* pause after each answer before sending (receivers that flush their input
	                           right after answering, as lrzsz's rb does, lose a packet sent at once) */
	const uint8_t *pending; /* bytes already read from the stream (by a console) and not yet used */
	size_t pending_len;
	mtd_xfer_progress_fn progress; /* about every progress_ms (default 250) and at the end */
	unsigned progress_ms;
	mtd_xfer_cancel_fn cancel;
	void *ctx;
};

MTD_API void mtd_xfer_options_init(struct mtd_xfer_options *o);

#define MTD_XFER_REST_MAX 4096

struct mtd_xfer_result {
	struct mtd_xfer_progress p; /* the final figures */
	bool crc16;                 /* YMODEM: CRC-16 (false: the receiver asked for the 8-bit checksum) */
	unsigned packet;            /* payload of a data packet: 1024 (YMODEM) or the Kermit data field */
	bool long_packets;          /* Kermit: both sides agreed on long packets */
	bool closed_at_end;         /* the line closed right after the end of the batch, its last ACK unread */
	bool cancelled;             /* the receiver cancelled (CAN CAN, an E packet, an X/Z in an ACK) */
	bool aborted;               /* the cancel callback stopped it */
	char remote[128];           /* Kermit: the receiver's error text, made printable */
	/* what was read after the transfer ended (a boot loader's "## Total Size" text) */
	uint8_t rest[MTD_XFER_REST_MAX];
	size_t rest_len;
};

/**
 * Send data[0..len) to the receiver on fd (blocking or not).  0 when the
 * receiver acknowledged the end of the transfer; MTD_ERR_TIMEOUT (no answer,
 * d says to what), MTD_ERR_REFUSED (cancelled by the receiver or the caller),
 * MTD_ERR_IO (the stream closed or failed), MTD_ERR_LIMIT (too many retries of
 * one packet).  r holds the figures either way.
 */
MTD_API int mtd_xfer_send(int fd, const uint8_t *data, size_t len, const struct mtd_xfer_options *o,
                          struct mtd_xfer_result *r, struct mtd_diag *d);

/**
 * The bytes the sender writes for data (framing, Kermit prefixes; no repeats)
 * with packets of `packet` payload bytes (YMODEM: 1024; Kermit: the longest
 * packet, e.g. 9024 for U-Boot, 94 without long packets), and the seconds
 * that takes at baud 8N1 plus `turnaround_s` for each packet's answer.
 */
MTD_API double mtd_xfer_estimate(enum mtd_xfer_proto proto, const uint8_t *data, size_t len, unsigned packet,
                                 unsigned baud, double turnaround_s, uint64_t *wire_bytes);

/** "ymodem" / "kermit". */
MTD_API const char *mtd_xfer_proto_name(enum mtd_xfer_proto proto);

#endif
