/* SPDX-License-Identifier: MIT */
/*
 * The stream under both senders: bytes handed over by the caller first, then
 * reads into one fixed buffer; every wait polls in slices so a cancel request
 * is seen within 100 ms; writes wait for room with the same timeout.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xfer_int.h"

int64_t mtd_xio_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool cancelled(struct xio *x)
{
	return x->o->cancel && x->o->cancel(x->o->ctx);
}

static int abort_error(struct xio *x, struct mtd_diag *d)
{
	x->r->aborted = true;
	return mtd_diag_set(d, MTD_ERR_REFUSED, "transfer", "stopped on request");
}

/* Fill the buffer with what arrives within timeout_ms: 1 when bytes came, 0 on timeout, <0 error. */
static int fill(struct xio *x, int timeout_ms, struct mtd_diag *d)
{
	int64_t end = mtd_xio_now_ms() + (timeout_ms > 0 ? timeout_ms : 0), hup_since = 0;
	for (;;) {
		if (cancelled(x))
			return abort_error(x, d);
		int64_t left = end - mtd_xio_now_ms();
		if (left < 0)
			left = 0;
		struct pollfd pf = {.fd = x->fd, .events = POLLIN};
		int pr = poll(&pf, 1, (int)(left > 100 ? 100 : left));
		if (pr < 0 && errno != EINTR)
			return mtd_diag_set(d, MTD_ERR_IO, "transfer", "cannot wait for the receiver: %s",
			                    strerror(errno));
		ssize_t n = -1;
		errno = EAGAIN;
		if (pr > 0 && (pf.revents & POLLIN))
			n = read(x->fd, x->buf, sizeof(x->buf));
		if (n > 0) {
			x->pos = 0;
			x->len = (size_t)n;
			return 1;
		}
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != EIO))
			return mtd_diag_set(d, MTD_ERR_IO, "transfer", "the line closed (the receiver went away%s%s)",
			                    n ? ": " : "", n ? strerror(errno) : "");
		if (pr > 0 && ((pf.revents & (POLLHUP | POLLERR)) || errno == EIO)) {
			/* Hung up with nothing to read: a pty whose other side is not open (yet, or any more). */
			if (!hup_since)
				hup_since = mtd_xio_now_ms();
			else if (mtd_xio_now_ms() - hup_since > 1000)
				return mtd_diag_set(d, MTD_ERR_IO, "transfer",
				                    "the line hung up (the receiver went away)");
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		} else {
			hup_since = 0;
		}
		if (left == 0)
			return 0;
	}
}

int mtd_xio_getc(struct xio *x, int timeout_ms, struct mtd_diag *d)
{
	if (x->pre_pos < x->pre_len)
		return x->pre[x->pre_pos++];
	if (x->pos < x->len)
		return x->buf[x->pos++];
	int rc = fill(x, timeout_ms, d);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return XIO_TIMEOUT;
	return x->buf[x->pos++];
}

int mtd_xio_discard(struct xio *x, struct mtd_diag *d)
{
	x->pre_pos = x->pre_len;
	x->pos = x->len;
	for (int i = 0; i < 64; i++) { /* bounded: a receiver that never stops talking is read again later */
		int rc = fill(x, 0, d);
		if (rc <= 0)
			return rc;
		x->pos = x->len;
	}
	return 0;
}

int mtd_xio_write(struct xio *x, const void *p, size_t n, struct mtd_diag *d)
{
	const uint8_t *b = p;
	int tmo = x->o->timeout_ms > 0 ? x->o->timeout_ms : 10000;
	int64_t end = mtd_xio_now_ms() + tmo + mtd_xio_wire_ms(x, n);
	while (n) {
		ssize_t w = write(x->fd, b, n);
		if (w > 0) {
			b += w;
			n -= (size_t)w;
			x->r->p.wire += (uint64_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return mtd_diag_set(d, MTD_ERR_IO, "transfer", "cannot write to the line: %s", strerror(errno));
		if (cancelled(x))
			return abort_error(x, d);
		int64_t left = end - mtd_xio_now_ms();
		if (left <= 0)
			return mtd_diag_set(d, MTD_ERR_TIMEOUT, "transfer",
			                    "the line took nothing for %.1f s (flow control stuck, or nobody reads it)",
			                    tmo / 1000.0);
		struct pollfd pf = {.fd = x->fd, .events = POLLOUT};
		poll(&pf, 1, (int)(left > 100 ? 100 : left));
	}
	return 0;
}

int mtd_xio_wire_ms(const struct xio *x, size_t n)
{
	if (!x->o->baud)
		return 0;
	uint64_t ms = (uint64_t)n * 10 * 1000 / x->o->baud;
	return ms > 600000 ? 600000 : (int)ms;
}

void mtd_xio_pause(struct xio *x)
{
	if (x->o->turnaround_ms) {
		unsigned ms = x->o->turnaround_ms > 10000 ? 10000 : x->o->turnaround_ms;
		struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
}

void mtd_xio_started(struct xio *x)
{
	if (!x->t0)
		x->t0 = mtd_xio_now_ms();
}

void mtd_xio_progress(struct xio *x, bool force)
{
	int64_t t = mtd_xio_now_ms();
	x->r->p.elapsed = x->t0 ? (double)(t - x->t0) / 1000.0 : 0;
	if (!x->o->progress)
		return;
	unsigned every = x->o->progress_ms ? x->o->progress_ms : 250;
	if (!force && t - x->last_progress < (int64_t)every)
		return;
	x->last_progress = t;
	x->o->progress(x->o->ctx, &x->r->p);
}

void mtd_xfer_options_init(struct mtd_xfer_options *o)
{
	memset(o, 0, sizeof(*o));
	o->proto = MTD_XFER_YMODEM;
	o->name = "image.bin";
	o->start_timeout_ms = 60000;
	o->timeout_ms = 10000;
	o->retries = 10;
	o->kermit_max = 9024;
	o->progress_ms = 250;
}

const char *mtd_xfer_proto_name(enum mtd_xfer_proto proto)
{
	return proto == MTD_XFER_KERMIT ? "kermit" : "ymodem";
}

int mtd_xfer_send(int fd, const uint8_t *data, size_t len, const struct mtd_xfer_options *o, struct mtd_xfer_result *r,
                  struct mtd_diag *d)
{
	memset(r, 0, sizeof(*r));
	r->p.total = len;
	if (fd < 0 || (!data && len))
		return mtd_diag_set(d, MTD_ERR_ARG, "transfer", "expected a stream and the bytes to send");
	static struct xio zero;
	struct xio x = zero;
	x.fd = fd;
	x.o = o;
	x.r = r;
	x.pre = o->pending;
	x.pre_len = o->pending ? o->pending_len : 0;
	x.last_progress = mtd_xio_now_ms();
	int rc = o->proto == MTD_XFER_KERMIT ? mtd_xfer_kermit(&x, data, len, d) : mtd_xfer_ymodem(&x, data, len, d);
	mtd_xio_progress(&x, true);
	/* What the receiver sent after the end, for the caller's console. */
	size_t n = 0;
	while (x.pre_pos < x.pre_len && n < sizeof(r->rest))
		r->rest[n++] = x.pre[x.pre_pos++];
	while (x.pos < x.len && n < sizeof(r->rest))
		r->rest[n++] = x.buf[x.pos++];
	r->rest_len = n;
	return rc;
}

double mtd_xfer_estimate(enum mtd_xfer_proto proto, const uint8_t *data, size_t len, unsigned packet, unsigned baud,
                         double turnaround_s, uint64_t *wire_bytes)
{
	uint64_t wire, packets;
	if (proto == MTD_XFER_KERMIT) {
		wire = mtd_kermit_wire_bytes(data, len, packet ? packet : 9024, &packets);
		packets += 5; /* S, F, Z, B and the first answer */
	} else {
		uint64_t full = len / 1024, tail = len % 1024;
		packets = full + (tail ? 1 : 0);
		wire = full * 1029 + (tail ? (tail <= 128 ? 133 : 1029) : 0);
		wire += 133 + 1 + 133; /* header block, EOT, the empty header ending the batch */
		packets += 3;
	}
	if (wire_bytes)
		*wire_bytes = wire;
	if (!baud)
		return (double)packets * turnaround_s;
	return (double)wire * 10.0 / baud + (double)packets * turnaround_s;
}
