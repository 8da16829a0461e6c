/* SPDX-License-Identifier: MIT */
/*
 * YMODEM batch sender (Forsberg's "XMODEM/YMODEM protocol reference"), as
 * U-Boot's loady (common/xyzModem.c) and lrzsz's rb receive it:
 *   receiver 'C' -> block 0 (SOH 00 FF, "name\0size\0", CRC-16) -> ACK
 *   [receiver 'C'] -> blocks 1.. (STX n ~n, 1024 bytes, CRC-16; a last short
 *   tail in a 128-byte SOH block; padding ^Z, cut by the size in block 0)
 *   -> EOT -> ACK (or NAK, EOT again) -> 'C' -> empty block 0 -> ACK.
 * A receiver answering the start with NAK gets the 8-bit checksum instead.
 * In the data phase 'C' counts as NAK (U-Boot asks again with 'C').  Two CAN
 * in a row from the receiver cancel; the sender cancels with 8 CAN + 8 BS.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xfer_int.h"

enum { SOH = 0x01, STX = 0x02, EOT = 0x04, ACK = 0x06, BS = 0x08, NAK = 0x15, CAN = 0x18, SUB = 0x1a };

static uint16_t crc16_xmodem(const uint8_t *p, size_t n)
{
	uint16_t crc = 0;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
	}
	return crc;
}

enum reply { R_ACK, R_NAK, R_CAN, R_TIMEOUT };

/* Wait for an answer: ACK, NAK (or 'C' when c_is_nak), two CAN in a row; other bytes are noise. */
static int await(struct xio *x, int timeout_ms, bool c_is_nak, struct mtd_diag *d)
{
	int64_t end = mtd_xio_now_ms() + timeout_ms;
	bool can = false;
	for (;;) {
		int64_t left = end - mtd_xio_now_ms();
		int ch = mtd_xio_getc(x, left > 0 ? (int)left : 0, d);
		if (ch == XIO_TIMEOUT)
			return R_TIMEOUT;
		if (ch < 0)
			return ch;
		if (ch == CAN) {
			if (can)
				return R_CAN;
			can = true;
			continue;
		}
		can = false;
		if (ch == ACK)
			return R_ACK;
		if (ch == NAK || (c_is_nak && ch == 'C'))
			return R_NAK;
	}
}

static int cancel_receiver(struct xio *x)
{
	uint8_t seq[16];
	memset(seq, CAN, 8);
	memset(seq + 8, BS, 8);
	struct mtd_diag ignore;
	mtd_diag_clear(&ignore);
	/* Twice, 100 ms apart: a receiver that flushes its input after each answer may drop the first. */
	mtd_xio_pause(x);
	int rc = mtd_xio_write(x, seq, sizeof(seq), &ignore);
	struct timespec ts = {0, 100 * 1000 * 1000};
	nanosleep(&ts, NULL);
	if (rc == 0)
		rc = mtd_xio_write(x, seq, sizeof(seq), &ignore);
	return rc;
}

static int cancelled_by_receiver(struct xio *x, const char *when, struct mtd_diag *d)
{
	x->r->cancelled = true;
	return mtd_diag_set(d, MTD_ERR_REFUSED, "ymodem", "the receiver cancelled the transfer (CAN CAN) %s", when);
}

/* One block, sent until ACKed. */
static int send_block(struct xio *x, uint8_t blk, const uint8_t *payload, size_t n, bool crc16, const char *what,
                      struct mtd_diag *d)
{
	uint8_t pkt[3 + 1024 + 2];
	size_t size = n <= 128 ? 128 : 1024;
	pkt[0] = size == 128 ? SOH : STX;
	pkt[1] = blk;
	pkt[2] = (uint8_t)~blk;
	memcpy(pkt + 3, payload, n);
	memset(pkt + 3 + n, blk == 0 ? 0 : SUB, size - n);
	size_t len = 3 + size;
	if (crc16) {
		uint16_t c = crc16_xmodem(pkt + 3, size);
		pkt[len++] = (uint8_t)(c >> 8);
		pkt[len++] = (uint8_t)c;
	} else {
		uint8_t s = 0;
		for (size_t i = 0; i < size; i++)
			s = (uint8_t)(s + pkt[3 + i]);
		pkt[len++] = s;
	}
	unsigned tries = x->o->retries ? x->o->retries : 10;
	int tmo = (x->o->timeout_ms > 0 ? x->o->timeout_ms : 10000) + mtd_xio_wire_ms(x, len);
	unsigned naks = 0, timeouts = 0;
	for (unsigned t = 0; t < tries; t++) {
		int rc = mtd_xio_discard(x, d);
		if (rc < 0)
			return rc;
		if (t)
			x->r->p.retries++;
		mtd_xio_pause(x);
		if ((rc = mtd_xio_write(x, pkt, len, d)))
			return rc;
		rc = await(x, tmo, blk != 0 || x->r->p.done > 0, d);
		if (rc < 0)
			return rc;
		if (rc == R_ACK) {
			x->r->p.packets++;
			return 0;
		}
		if (rc == R_CAN)
			return cancelled_by_receiver(x, what, d);
		if (rc == R_NAK)
			naks++;
		else
			timeouts++;
	}
	cancel_receiver(x);
	return mtd_diag_set(d, timeouts == tries ? MTD_ERR_TIMEOUT : MTD_ERR_LIMIT, "ymodem",
	                    "%s: no ACK after %u tries (%u NAK, %u with no answer within %.1f s)", what, tries, naks,
	                    timeouts, tmo / 1000.0);
}

static int ymodem_body(struct xio *x, const uint8_t *data, size_t len, struct mtd_diag *d)
{
	struct mtd_xfer_result *r = x->r;
	r->packet = 1024;
	int rc;

	/* 1. The receiver asks: 'C' for CRC-16, NAK for the checksum. */
	int start = x->o->start_timeout_ms > 0 ? x->o->start_timeout_ms : 60000;
	int64_t end = mtd_xio_now_ms() + start;
	bool can = false;
	for (;;) {
		int64_t left = end - mtd_xio_now_ms();
		int ch = mtd_xio_getc(x, left > 0 ? (int)left : 0, d);
		if (ch == XIO_TIMEOUT)
			return mtd_diag_set(d, MTD_ERR_TIMEOUT, "ymodem",
			                    "the receiver did not ask for the file within %.0f s (no 'C' or NAK: is it "
			                    "running loady / rb, at this baud rate?)",
			                    start / 1000.0);
		if (ch < 0)
			return ch;
		if (ch == CAN && can)
			return cancelled_by_receiver(x, "before it started", d);
		can = ch == CAN;
		if (ch == 'C' || ch == NAK) {
			r->crc16 = ch == 'C';
			break;
		}
	}
	mtd_xio_started(x);

	/* 2. Block 0: name, size in decimal. */
	uint8_t hdr[128];
	memset(hdr, 0, sizeof(hdr));
	const char *name = x->o->name && *x->o->name ? x->o->name : "image.bin";
	size_t nl = strlen(name);
	if (nl > 100)
		nl = 100;
	memcpy(hdr, name, nl);
	snprintf((char *)hdr + nl + 1, sizeof(hdr) - nl - 1, "%llu", (unsigned long long)len);
	if ((rc = send_block(x, 0, hdr, sizeof(hdr), r->crc16, "the header block (name and size)", d)))
		return rc;
	mtd_xio_progress(x, true);
	/* rb asks again with 'C' before the data; U-Boot waits for block 1 at once (and says 'C' after 2 s). */
	end = mtd_xio_now_ms() + 1000;
	can = false;
	for (;;) {
		int64_t left = end - mtd_xio_now_ms();
		int ch = mtd_xio_getc(x, left > 0 ? (int)left : 0, d);
		if (ch == XIO_TIMEOUT || ch == 'C' || ch == NAK)
			break;
		if (ch < 0)
			return ch;
		if (ch == CAN && can)
			return cancelled_by_receiver(x, "after the header", d);
		can = ch == CAN;
	}

	/* 3. The data. */
	uint8_t blk = 1;
	size_t off = 0;
	while (off < len) {
		size_t n = len - off > 1024 ? 1024 : len - off;
		char what[64];
		snprintf(what, sizeof(what), "block %llu (offset %zu)", (unsigned long long)(off / 1024 + 1), off);
		if ((rc = send_block(x, blk, data + off, n, r->crc16, what, d)))
			return rc;
		off += n;
		blk++;
		r->p.done = off;
		mtd_xio_progress(x, false);
	}

	/* 4. EOT until ACKed (a receiver may NAK the first). */
	unsigned tries = x->o->retries ? x->o->retries : 10;
	int tmo = x->o->timeout_ms > 0 ? x->o->timeout_ms : 10000;
	static const uint8_t eot = EOT;
	bool acked = false;
	for (unsigned t = 0; t < tries && !acked; t++) {
		if ((rc = mtd_xio_discard(x, d)) < 0)
			return rc;
		mtd_xio_pause(x);
		if ((rc = mtd_xio_write(x, &eot, 1, d)))
			return rc;
		rc = await(x, tmo, true, d);
		if (rc < 0)
			return rc;
		if (rc == R_CAN)
			return cancelled_by_receiver(x, "at the end of the file", d);
		acked = rc == R_ACK;
	}
	if (!acked) {
		cancel_receiver(x);
		return mtd_diag_set(d, MTD_ERR_LIMIT, "ymodem", "EOT: no ACK after %u tries", tries);
	}

	/* 5. The receiver asks for the next file: an empty header ends the batch. */
	end = mtd_xio_now_ms() + tmo;
	for (;;) {
		int64_t left = end - mtd_xio_now_ms();
		int ch = mtd_xio_getc(x, left > 0 ? (int)left : 0, d);
		if (ch == XIO_TIMEOUT)
			return mtd_diag_set(d, MTD_ERR_TIMEOUT, "ymodem",
			                    "after EOT the receiver did not ask for the next file within %.1f s",
			                    tmo / 1000.0);
		if (ch < 0)
			return ch;
		if (ch == 'C' || ch == NAK)
			break;
	}
	memset(hdr, 0, sizeof(hdr));
	rc = send_block(x, 0, hdr, sizeof(hdr), r->crc16, "the empty header that ends the batch", d);
	if (rc == MTD_ERR_IO) {
		/* The file is acknowledged to its end; a receiver program that exits at once after its last ACK
		 * (rb) can hang the line up before that ACK is read. */
		r->closed_at_end = true;
		mtd_diag_clear(d);
		return 0;
	}
	return rc;
}

int mtd_xfer_ymodem(struct xio *x, const uint8_t *data, size_t len, struct mtd_diag *d)
{
	int rc = ymodem_body(x, data, len, d);
	if (x->r->aborted)
		cancel_receiver(x); /* stopped on request: the receiver is told, not left waiting */
	return rc;
}
