/* SPDX-License-Identifier: MIT */
#ifndef MTD_SERIAL_XFER_INT_H
#define MTD_SERIAL_XFER_INT_H

/* Shared by the YMODEM and Kermit senders: the stream with its timeouts, cancel and progress. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mtdscope/serial.h>

#define XIO_TIMEOUT (-1000) /* mtd_xio_getc: nothing arrived in time */

struct xio {
	int fd;
	const struct mtd_xfer_options *o;
	struct mtd_xfer_result *r;
	const uint8_t *pre;
	size_t pre_len, pre_pos;
	uint8_t buf[4096];
	size_t pos, len;
	int64_t t0;            /* when the receiver first answered (0: not yet) */
	int64_t last_progress; /* ms */
};

int64_t mtd_xio_now_ms(void);
/** A byte (0..255), XIO_TIMEOUT after timeout_ms, or a negative MTD_ERR_* (d set: closed, failed, cancelled). */
int mtd_xio_getc(struct xio *x, int timeout_ms, struct mtd_diag *d);
/** Throw away what has already arrived (a stale request); a negative MTD_ERR_* when the stream closed. */
int mtd_xio_discard(struct xio *x, struct mtd_diag *d);
/** Write all of p within the stream's timeout; counted in r->p.wire. */
int mtd_xio_write(struct xio *x, const void *p, size_t n, struct mtd_diag *d);
/** The pause before a packet (options.turnaround_ms). */
void mtd_xio_pause(struct xio *x);
/** Mark the start of the transfer (the first answer). */
void mtd_xio_started(struct xio *x);
/** Report progress when due (force: now). */
void mtd_xio_progress(struct xio *x, bool force);
/** Milliseconds it takes to put n bytes on the line at the configured baud (0 without one). */
int mtd_xio_wire_ms(const struct xio *x, size_t n);

int mtd_xfer_ymodem(struct xio *x, const uint8_t *data, size_t len, struct mtd_diag *d);
int mtd_xfer_kermit(struct xio *x, const uint8_t *data, size_t len, struct mtd_diag *d);
/** Kermit bytes on the wire for data with packets at most maxlen long; *packets the number of D packets. */
uint64_t mtd_kermit_wire_bytes(const uint8_t *data, size_t len, unsigned maxlen, uint64_t *packets);

#endif
