/* SPDX-License-Identifier: MIT */
/*
 * Kermit sender (Frank da Cruz, "Kermit Protocol Manual"), the subset
 * U-Boot's loadb (cmd/load.c k_recv) understands and C-Kermit accepts:
 *   S (Send-Init, our parameters) -> ACK with the receiver's
 *   F (file name) -> D... (data) -> Z (end of file) -> B (end of batch),
 * each packet sent until ACKed, stop-and-wait, sequence numbers modulo 64.
 * Packets: SOH LEN SEQ TYPE DATA CHECK EOL, or for long packets
 * SOH ' ' SEQ TYPE LENX1 LENX2 HCHECK DATA CHECK EOL; the type-1 check
 * (U-Boot has no other); control bytes (C0, C1, DEL and 0xFF) as '#' plus
 * the byte XOR 64, '#' itself prefixed; no 8th-bit or repeat prefixes, so
 * the line must carry 8 bits (it does: raw 8N1).  A NAK for the next packet
 * counts as an ACK; an E packet or an ACK carrying X or Z is the receiver
 * cancelling; the sender cancels with an E packet followed by ^C (which ends
 * U-Boot's loadb while it waits for a packet).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/reader.h>

#include "xfer_int.h"

#define SOH    0x01
#define QCTL   '#'
#define RX_MAX 1024 /* the longest packet accepted from the receiver (it sends ACKs) */
#define TX_MAX 9024 /* 94 * 95 + 94: the longest LENX */

static uint8_t tochar(unsigned v)
{
	return (uint8_t)(v + 32);
}

static unsigned unchar(uint8_t c)
{
	return c >= 32 ? (unsigned)(c - 32) : 0;
}

static uint8_t check1(unsigned sum)
{
	return tochar((sum + ((sum >> 6) & 3)) & 63);
}

/* Bytes one data byte takes in a packet. */
static size_t enc_len(uint8_t b)
{
	uint8_t a7 = b & 0x7f;
	return (a7 < 32 || a7 == 127 || a7 == QCTL) ? 2 : 1;
}

/* Encode from data as much as fits in cap bytes; *used gets the data bytes taken. */
static size_t encode(const uint8_t *data, size_t len, uint8_t *out, size_t cap, size_t *used)
{
	size_t o = 0, i = 0;
	for (; i < len; i++) {
		uint8_t b = data[i], a7 = b & 0x7f;
		size_t need = enc_len(b);
		if (o + need > cap)
			break;
		if (a7 < 32 || a7 == 127) {
			out[o++] = QCTL;
			out[o++] = b ^ 64;
		} else if (a7 == QCTL) {
			out[o++] = QCTL;
			out[o++] = b;
		} else {
			out[o++] = b;
		}
	}
	*used = i;
	return o;
}

/* The data field a packet of at most maxlen (LEN or LENX) may carry. */
static size_t data_max(unsigned maxlen, bool lng)
{
	if (lng && maxlen > 94)
		return maxlen - 10; /* LENX counts data and check; a margin for receivers that count the header */
	return (maxlen > 94 ? 94 : maxlen) - 3;
}

uint64_t mtd_kermit_wire_bytes(const uint8_t *data, size_t len, unsigned maxlen, uint64_t *packets)
{
	bool lng = maxlen > 94;
	size_t dmax = data_max(maxlen, lng);
	uint64_t wire = 19 + 6 + 16 + 6 + 6 + 6 * 5; /* S, F with a name, Z, B; and their ACKs' echo of time */
	uint64_t np = 0;
	size_t cur = 0;
	for (size_t i = 0; i < len; i++) {
		size_t n = enc_len(data[i]);
		if (cur + n > dmax) {
			wire += cur + (lng ? 9 : 6);
			np++;
			cur = 0;
		}
		cur += n;
	}
	if (cur) {
		wire += cur + (lng ? 9 : 6);
		np++;
	}
	if (packets)
		*packets = np;
	return wire;
}

struct kstate {
	struct xio *x;
	unsigned npad;
	uint8_t padc, eol;
	unsigned maxlen; /* LEN / LENX limit of packets we send */
	bool lng;
	uint8_t pkt[TX_MAX + 32];
	uint8_t rx[RX_MAX];
	size_t rx_len;
	uint8_t rx_type;
	unsigned rx_seq;
	unsigned seq; /* of the packet being sent */
};

static int spack(struct kstate *k, uint8_t type, unsigned seq, const uint8_t *data, size_t n, struct mtd_diag *d)
{
	size_t o = 0;
	for (unsigned i = 0; i < k->npad && o < 64; i++)
		k->pkt[o++] = k->padc;
	k->pkt[o++] = SOH;
	size_t start = o;
	unsigned sum = 0;
	if (n + 3 <= 94) {
		k->pkt[o++] = tochar((unsigned)n + 3);
		k->pkt[o++] = tochar(seq & 63);
		k->pkt[o++] = type;
	} else {
		unsigned lenx = (unsigned)n + 1;
		k->pkt[o++] = tochar(0);
		k->pkt[o++] = tochar(seq & 63);
		k->pkt[o++] = type;
		k->pkt[o++] = tochar(lenx / 95);
		k->pkt[o++] = tochar(lenx % 95);
		for (size_t i = start; i < o; i++)
			sum += k->pkt[i];
		k->pkt[o++] = check1(sum);
		sum = 0;
	}
	if (n)
		memcpy(k->pkt + o, data, n);
	o += n;
	sum = 0;
	for (size_t i = start; i < o; i++)
		sum += k->pkt[i];
	k->pkt[o++] = check1(sum);
	k->pkt[o++] = k->eol;
	return mtd_xio_write(k->x, k->pkt, o, d);
}

enum { P_OK = 0, P_TIMEOUT = 1, P_BAD = 2 };

/* Read one packet; an SOH anywhere starts over.  P_OK with rx_* set, P_TIMEOUT, P_BAD, or <0. */
static int rpack(struct kstate *k, int timeout_ms, struct mtd_diag *d)
{
	int64_t end = mtd_xio_now_ms() + timeout_ms;
	int ch;
#define NEXT()                                                                                                         \
	do {                                                                                                           \
		int64_t left_ = end - mtd_xio_now_ms();                                                                \
		ch = mtd_xio_getc(k->x, left_ > 0 ? (int)left_ : 0, d);                                                \
		if (ch == XIO_TIMEOUT)                                                                                 \
			return P_TIMEOUT;                                                                              \
		if (ch < 0)                                                                                            \
			return ch;                                                                                     \
		if (ch == SOH)                                                                                         \
			goto restart;                                                                                  \
	} while (0)
	do {
		int64_t left = end - mtd_xio_now_ms();
		ch = mtd_xio_getc(k->x, left > 0 ? (int)left : 0, d);
		if (ch == XIO_TIMEOUT)
			return P_TIMEOUT;
		if (ch < 0)
			return ch;
	} while (ch != SOH);
restart:;
	unsigned sum = 0, len, seq;
	uint8_t type;
	NEXT();
	if (ch < 32 || ch > 126)
		return P_BAD;
	sum += (unsigned)ch;
	len = unchar((uint8_t)ch);
	NEXT();
	sum += (unsigned)ch;
	seq = unchar((uint8_t)ch) & 63;
	NEXT();
	sum += (unsigned)ch;
	type = (uint8_t)ch;
	size_t dlen;
	if (len == 0) {
		NEXT();
		sum += (unsigned)ch;
		unsigned x1 = unchar((uint8_t)ch);
		NEXT();
		sum += (unsigned)ch;
		unsigned x2 = unchar((uint8_t)ch);
		NEXT();
		if ((uint8_t)ch != check1(sum))
			return P_BAD;
		sum += (unsigned)ch;
		unsigned lenx = x1 * 95 + x2;
		if (lenx < 1 || lenx - 1 > RX_MAX)
			return P_BAD;
		dlen = lenx - 1;
	} else {
		if (len < 3)
			return P_BAD;
		dlen = len - 3;
	}
	for (size_t i = 0; i < dlen; i++) {
		NEXT();
		sum += (unsigned)ch;
		k->rx[i] = (uint8_t)ch;
	}
	NEXT();
	if ((uint8_t)ch != check1(sum))
		return P_BAD;
#undef NEXT
	k->rx_len = dlen;
	k->rx_type = type;
	k->rx_seq = seq;
	return P_OK;
}

static void remote_text(struct kstate *k, char *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < k->rx_len && o + 1 < size; i++) {
		uint8_t b = k->rx[i];
		out[o++] = (b >= 32 && b < 127) ? (char)b : '?';
	}
	out[o] = '\0';
}

static void cancel_receiver(struct kstate *k, unsigned seq)
{
	static const char msg[] = "cancelled by the sender";
	struct mtd_diag ignore;
	mtd_diag_clear(&ignore);
	if (spack(k, 'E', seq, (const uint8_t *)msg, sizeof(msg) - 1, &ignore) == 0) {
		static const uint8_t etx = 0x03;
		mtd_xio_write(k->x, &etx, 1, &ignore);
	}
}

/*
 * Send one packet until it is acknowledged.  per_try_ms: the wait for each answer;
 * total_ms (0: none): the time allowed overall (the start).  The ACK's data stays in k->rx.
 */
static int exchange(struct kstate *k, uint8_t type, unsigned seq, const uint8_t *data, size_t n, int per_try_ms,
                    int total_ms, const char *what, struct mtd_diag *d)
{
	struct xio *x = k->x;
	k->seq = seq;
	unsigned tries = x->o->retries ? x->o->retries : 10;
	int64_t overall = total_ms > 0 ? mtd_xio_now_ms() + total_ms : 0;
	unsigned naks = 0, timeouts = 0, bad = 0, sent = 0;
	int wait = per_try_ms + mtd_xio_wire_ms(x, n + 16);
	for (;;) {
		/* Answers that were wrong count against the tries; at the start, silence only against the time. */
		if (naks + bad >= tries || (overall ? mtd_xio_now_ms() >= overall : sent >= tries))
			break;
		int rc = mtd_xio_discard(x, d);
		if (rc < 0)
			return rc;
		if (sent)
			x->r->p.retries++;
		sent++;
		mtd_xio_pause(x);
		if ((rc = spack(k, type, seq, data, n, d)))
			return rc;
		int64_t end = mtd_xio_now_ms() + wait;
		for (;;) {
			int64_t left = end - mtd_xio_now_ms();
			if (left <= 0) {
				timeouts++;
				break;
			}
			rc = rpack(k, (int)left, d);
			if (rc < 0)
				return rc;
			if (rc == P_TIMEOUT) {
				timeouts++;
				break;
			}
			if (rc == P_BAD) {
				bad++;
				break;
			}
			mtd_xio_started(x);
			if (k->rx_type == 'E') {
				x->r->cancelled = true;
				remote_text(k, x->r->remote, sizeof(x->r->remote));
				return mtd_diag_set(d, MTD_ERR_REFUSED, "kermit", "the receiver stopped at %s: '%s'",
				                    what, x->r->remote);
			}
			if (k->rx_type == 'Y' && k->rx_seq == (seq & 63)) {
				x->r->p.packets++;
				return 0;
			}
			if (k->rx_type == 'N' && k->rx_seq == ((seq + 1) & 63) && type != 'S') {
				k->rx_len = 0;
				x->r->p.packets++;
				return 0;
			}
			if (k->rx_type == 'N') {
				naks++;
				break;
			}
			/* an ACK of an earlier packet, or a packet type we do not take: keep waiting */
		}
	}
	if (!x->r->aborted)
		cancel_receiver(k, seq);
	if (!naks && !bad)
		return mtd_diag_set(d, MTD_ERR_TIMEOUT, "kermit",
		                    "%s: no answer after %u tries, %.1f s each (is the receiver running loadb / "
		                    "kermit -r, at this baud rate?)",
		                    what, sent, wait / 1000.0);
	return mtd_diag_set(d, MTD_ERR_LIMIT, "kermit",
	                    "%s: not acknowledged after %u tries (%u NAK, %u damaged, %u "
	                    "with no answer)",
	                    what, sent, naks, bad, timeouts);
}

/* The receiver's Send-Init parameters from its ACK. */
static void take_params(struct kstate *k)
{
	struct mtd_reader r;
	mtd_rd_init(&r, k->rx, k->rx_len, 0);
	uint8_t b;
	unsigned maxl = 80;
	k->npad = 0;
	k->padc = 0;
	k->eol = '\r';
	k->lng = false;
	unsigned maxlx = 500;
	if (mtd_rd_u8(&r, &b) && unchar(b) >= 10)
		maxl = unchar(b) > 94 ? 94 : unchar(b);
	if (mtd_rd_u8(&r, &b)) { /* TIME: how soon it wants us to give up on it; we keep our own timeout */
	}
	if (mtd_rd_u8(&r, &b))
		k->npad = unchar(b) > 64 ? 64 : unchar(b);
	if (mtd_rd_u8(&r, &b))
		k->padc = b ^ 64;
	if (mtd_rd_u8(&r, &b) && unchar(b) > 0 && unchar(b) < 32)
		k->eol = (uint8_t)unchar(b);
	uint8_t skip[4]; /* QCTL (what it prefixes with), QBIN, CHKT, REPT: we asked for none of these */
	bool have = mtd_rd_copy(&r, skip, sizeof(skip));
	uint8_t capas = 0;
	if (have && mtd_rd_u8(&r, &capas)) {
		uint8_t more = capas;
		while ((unchar(more) & 1) && mtd_rd_u8(&r, &more)) {
		}
		uint8_t w, x1, x2;
		if (mtd_rd_u8(&r, &w) && mtd_rd_u8(&r, &x1) && mtd_rd_u8(&r, &x2) && unchar(x1) * 95 + unchar(x2) > 0)
			maxlx = unchar(x1) * 95 + unchar(x2);
		k->lng = (unchar(capas) & 2) != 0;
	}
	unsigned cap = k->x->o->kermit_max;
	if (cap < 94)
		cap = 94;
	if (cap > TX_MAX)
		cap = TX_MAX;
	if (k->lng && maxlx > 94 && cap > 94) {
		k->maxlen = maxlx < cap ? maxlx : cap;
	} else {
		k->lng = false;
		k->maxlen = maxl;
	}
}

int mtd_xfer_kermit(struct xio *x, const uint8_t *data, size_t len, struct mtd_diag *d)
{
	struct kstate *k = calloc(1, sizeof(*k)); /* 10 KiB of packet buffers */
	if (!k)
		return mtd_diag_set(d, MTD_ERR_NOMEM, "kermit", "out of memory");
	k->x = x;
	k->eol = '\r';
	k->maxlen = 94;
	int tmo = x->o->timeout_ms > 0 ? x->o->timeout_ms : 10000;
	int start = x->o->start_timeout_ms > 0 ? x->o->start_timeout_ms : 60000;
	int rc;
	unsigned seq = 0;

	/* 1. Send-Init: MAXL 94, TIME, no padding, EOL CR, QCTL '#', no 8th-bit prefix, check 1, no repeats,
	 * long packets (no windows), and the longest packet we take. */
	unsigned ts = (unsigned)(tmo / 1000);
	uint8_t si[13] = {tochar(94),
	                  tochar(ts < 1    ? 1
	                         : ts > 94 ? 94
	                                   : ts),
	                  tochar(0),
	                  0 ^ 64,
	                  tochar('\r'),
	                  QCTL,
	                  'N',
	                  '1',
	                  ' ',
	                  tochar(2),
	                  tochar(1),
	                  tochar(RX_MAX / 95),
	                  tochar(RX_MAX % 95)};
	rc = exchange(k, 'S', seq, si, sizeof(si), tmo < 3000 ? tmo : 3000, start, "the Send-Init packet", d);
	if (rc)
		goto out;
	take_params(k);
	x->r->long_packets = k->lng;
	size_t dmax = data_max(k->maxlen, k->lng);
	x->r->packet = (unsigned)dmax;
	mtd_xio_progress(x, true);
	seq++;

	/* 2. The file's name. */
	{
		const char *name = x->o->name && *x->o->name ? x->o->name : "image.bin";
		uint8_t fn[128];
		size_t used;
		size_t nl = strlen(name);
		size_t n =
		    encode((const uint8_t *)name, nl > 64 ? 64 : nl, fn, dmax < sizeof(fn) ? dmax : sizeof(fn), &used);
		if ((rc = exchange(k, 'F', seq, fn, n, tmo, 0, "the file header packet", d)))
			goto out;
		seq++;
	}

	/* 3. The data. */
	uint8_t *enc = malloc(TX_MAX);
	if (!enc) {
		rc = mtd_diag_set(d, MTD_ERR_NOMEM, "kermit", "out of memory");
		goto out;
	}
	size_t off = 0;
	while (off < len) {
		size_t used;
		size_t n = encode(data + off, len - off, enc, dmax, &used);
		char what[80];
		snprintf(what, sizeof(what), "the data packet at offset %zu", off);
		rc = exchange(k, 'D', seq, enc, n, tmo, 0, what, d);
		if (rc) {
			free(enc);
			goto out;
		}
		if (k->rx_len >= 1 && (k->rx[0] == 'X' || k->rx[0] == 'Z')) {
			struct mtd_diag ignore;
			mtd_diag_clear(&ignore);
			static const uint8_t disc = 'D';
			seq++;
			if (exchange(k, 'Z', seq, &disc, 1, tmo, 0, "the discard packet", &ignore) == 0)
				exchange(k, 'B', seq + 1, NULL, 0, tmo, 0, "the end of the batch", &ignore);
			x->r->cancelled = true;
			free(enc);
			rc = mtd_diag_set(d, MTD_ERR_REFUSED, "kermit", "the receiver cancelled the %s at offset %zu",
			                  k->rx[0] == 'X' ? "file" : "batch", off);
			goto out;
		}
		off += used;
		seq++;
		x->r->p.done = off;
		mtd_xio_progress(x, false);
	}
	free(enc);

	/* 4. End of file, end of batch. */
	if ((rc = exchange(k, 'Z', seq, NULL, 0, tmo, 0, "the end-of-file packet", d)))
		goto out;
	seq++;
	rc = exchange(k, 'B', seq, NULL, 0, tmo, 0, "the end-of-batch packet", d);
out:
	if (x->r->aborted)
		cancel_receiver(k, k->seq); /* stopped on request: the receiver is told, not left waiting */
	free(k);
	return rc;
}
