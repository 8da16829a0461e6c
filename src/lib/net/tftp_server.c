/* SPDX-License-Identifier: MIT */
/*
 * The TFTP server: one poll loop, one state machine and one socket per
 * transfer.
 *
 * Reads keep, for each block of the current window, where its bytes start
 * in the file (and for netascii the byte still owed from a split CR LF), so
 * a window can be sent again from the file after a loss without buffering
 * it.  Block numbers are counted in 64 bits and put on the wire modulo 2^16,
 * so they wrap to 0 after 65535.  An ACK for the block before the window
 * (a duplicate) never causes a resend: only the timer does (the sorcerer's
 * apprentice bug).  Uploads go to ".NAME.part-XXXXXX" and are linked to NAME
 * when complete; link() fails when NAME exists, so nothing is overwritten.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <mtdscope/text.h>
#include <mtdscope/tftp.h>
#include <mtdscope/util.h>

#define MAX_TRANSFERS_LIMIT 256
#define WRAP_WARN_BYTES     ((uint64_t)65535 * 512)
#define WINDOW_BYTES_MAX    (64u * 1024)

enum xstate { XS_OACK, XS_SEND, XS_RECV, XS_DALLY };

struct na_pos {
	uint64_t off; /* next file byte */
	int owed;     /* byte still to emit from a split pair, or -1 */
};

struct xfer {
	bool used;
	unsigned id;
	int sock;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	char client[INET6_ADDRSTRLEN];
	uint16_t cport;
	char raw_name[MTD_TFTP_NAME_MAX];
	char name[4 * MTD_TFTP_NAME_MAX];
	char path[MTD_TFTP_NAME_MAX];
	char asked[512];
	char answer[256];
	bool upload, netascii;
	int fd;
	char tmpname[MTD_TFTP_NAME_MAX + 32];
	uint64_t total;
	unsigned blksize, window;
	unsigned timeout_ms, cur_timeout_ms, tries;
	int64_t deadline, start, last_progress;
	enum xstate state;
	uint8_t *pkt; /* 4 + blksize */
	uint8_t oack[512];
	size_t oack_len;
	/* read side */
	uint64_t base;      /* first unacknowledged block */
	uint64_t last;      /* number of the final block once known, else 0 */
	unsigned sent;      /* blocks of the window on the wire */
	struct na_pos *pos; /* window + 1 positions */
	/* write side */
	uint64_t expect;
	unsigned since_ack;
	bool nudged; /* a duplicate or gap was answered since the last progress */
	int64_t last_ack_at;
	bool cr_pending;
	uint64_t bytes;
	uint64_t retransmits;
};

struct mtd_tftp_server {
	struct mtd_tftp_options o;
	int rootfd, upfd;
	int lsock;
	int family;
	int stop_pipe[2];
	uint16_t port;
	char bind_text[INET6_ADDRSTRLEN];
	unsigned next_id;
	unsigned finished;
	struct xfer *x;
	size_t nx;
	struct mtd_tftp_stats st;
	uint8_t rbuf[65536 + 8];
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mtd_tftp_options_init(struct mtd_tftp_options *o)
{
	memset(o, 0, sizeof(*o));
	o->upload_max = 256ull << 20;
	o->bind_addr = "0.0.0.0";
	o->port = 69;
	o->timeout_ms = 1000;
	o->max_timeout_ms = 8000;
	o->retries = 6;
	o->max_transfers = 64;
	o->max_blksize = MTD_TFTP_BLKSIZE_MAX;
	o->max_windowsize = 64;
}

/* ---- helpers ---- */

/* Names and texts from packets, as they are shown: escaped once here (include/mtdscope/text.h). */
static void escape_name(const char *in, char *out, size_t size)
{
	mtd_text_escape(out, size, in, strlen(in));
}

static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t size, uint16_t *port)
{
	buf[0] = '\0';
	*port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &a->sin_addr, buf, (socklen_t)size);
		*port = ntohs(a->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &a->sin6_addr, buf, (socklen_t)size);
		*port = ntohs(a->sin6_port);
	}
}

static bool same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

static void emit_base(struct mtd_tftp_server *s, struct mtd_tftp_event *ev)
{
	if (s->o.event)
		s->o.event(s->o.ctx, ev);
}

static void emit_x(struct mtd_tftp_server *s, struct xfer *x, enum mtd_tftp_event_kind kind, int code, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));
static void emit_x(struct mtd_tftp_server *s, struct xfer *x, enum mtd_tftp_event_kind kind, int code, const char *fmt,
                   ...)
{
	char msg[1024] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	struct mtd_tftp_event ev = {
	    .kind = kind,
	    .id = x->id,
	    .client = x->client,
	    .port = x->cport,
	    .name = x->name,
	    .path = x->path[0] ? x->path : NULL,
	    .upload = x->upload,
	    .options = x->asked,
	    .answer = x->answer,
	    .blksize = x->blksize,
	    .windowsize = x->window,
	    .bytes = x->bytes,
	    .total = x->total,
	    .seconds = (double)(now_ms() - x->start) / 1000.0,
	    .retransmits = x->retransmits,
	    .tftp_error = code,
	    .message = msg,
	};
	emit_base(s, &ev);
}

static void send_error_to(int sock, const struct sockaddr_storage *to, socklen_t tolen, int code, const char *msg)
{
	uint8_t p[300];
	size_t n = strlen(msg);
	if (n > sizeof(p) - 5)
		n = sizeof(p) - 5;
	p[0] = 0;
	p[1] = MTD_TFTP_ERROR;
	p[2] = (uint8_t)(code >> 8);
	p[3] = (uint8_t)code;
	memcpy(p + 4, msg, n);
	p[4 + n] = 0;
	(void)sendto(sock, p, n + 5, 0, (const struct sockaddr *)to, tolen);
}

/* ---- transfers ---- */

static void xfer_release(struct mtd_tftp_server *s, struct xfer *x)
{
	if (x->sock >= 0)
		close(x->sock);
	if (x->fd >= 0)
		close(x->fd);
	if (x->upload && x->tmpname[0] && s->upfd >= 0)
		unlinkat(s->upfd, x->tmpname, 0);
	free(x->pkt);
	free(x->pos);
	memset(x, 0, sizeof(*x));
	x->sock = -1;
	x->fd = -1;
}

static void xfer_end(struct mtd_tftp_server *s, struct xfer *x, bool ok)
{
	if (ok)
		s->st.done++;
	else
		s->st.failed++;
	s->finished++;
	xfer_release(s, x);
}

static void xfer_fail(struct mtd_tftp_server *s, struct xfer *x, int code, const char *msg)
{
	if (code >= 0)
		send_error_to(x->sock, &x->peer, x->peerlen, code, msg);
	emit_x(s, x, MTD_TFTP_EV_FAILED, code, "%s", msg);
	xfer_end(s, x, false);
}

static void arm_timer(struct xfer *x, bool progress)
{
	if (progress) {
		x->tries = 0;
		x->cur_timeout_ms = x->timeout_ms;
	}
	x->deadline = now_ms() + x->cur_timeout_ms;
}

static int xsend(struct mtd_tftp_server *s, struct xfer *x, const void *p, size_t n)
{
	ssize_t w = sendto(x->sock, p, n, 0, (const struct sockaddr *)&x->peer, x->peerlen);
	if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
		return -1;
	(void)s;
	return 0;
}

/*
 * Fill one block from pos; *next gets the position after it.  Octet blocks are
 * straight preads; netascii turns LF into CR LF and CR into CR NUL.
 */
static int fill_block(struct xfer *x, const struct na_pos *pos, uint8_t *out, size_t *outlen, struct na_pos *next)
{
	size_t bs = x->blksize;
	if (!x->netascii) {
		uint64_t left = pos->off < x->total ? x->total - pos->off : 0;
		size_t want = left < bs ? (size_t)left : bs, got = 0;
		while (got < want) {
			ssize_t r = pread(x->fd, out + got, want - got, (off_t)(pos->off + got));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1; /* error or the file shrank */
			got += (size_t)r;
		}
		*outlen = got;
		next->off = pos->off + got;
		next->owed = -1;
		return 0;
	}
	size_t n = 0;
	uint64_t off = pos->off;
	int owed = pos->owed;
	uint8_t in[4096];
	while (n < bs) {
		if (owed >= 0) {
			out[n++] = (uint8_t)owed;
			owed = -1;
			continue;
		}
		size_t want = bs - n < sizeof(in) ? bs - n : sizeof(in);
		ssize_t r = pread(x->fd, in, want, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		size_t i = 0;
		for (; i < (size_t)r && n < bs; i++) {
			uint8_t c = in[i];
			if (c == '\n' || c == '\r') {
				out[n++] = '\r';
				int second = c == '\n' ? '\n' : 0;
				if (n < bs)
					out[n++] = (uint8_t)second;
				else
					owed = second;
			} else {
				out[n++] = c;
			}
		}
		off += i;
	}
	*outlen = n;
	next->off = off;
	next->owed = owed;
	return 0;
}

static void send_window(struct mtd_tftp_server *s, struct xfer *x)
{
	x->sent = 0;
	for (unsigned i = 0; i < x->window; i++) {
		uint64_t blk = x->base + i;
		if (x->last && blk > x->last)
			break;
		size_t len;
		if (fill_block(x, &x->pos[i], x->pkt + 4, &len, &x->pos[i + 1])) {
			xfer_fail(s, x, MTD_TFTP_EUNDEF, "cannot read the file (did it change while being served?)");
			return;
		}
		x->pkt[0] = 0;
		x->pkt[1] = MTD_TFTP_DATA;
		x->pkt[2] = (uint8_t)(blk >> 8);
		x->pkt[3] = (uint8_t)blk;
		if (xsend(s, x, x->pkt, len + 4)) {
			xfer_fail(s, x, -1, "cannot send to the client");
			return;
		}
		s->st.bytes_sent += len;
		x->sent++;
		if (len < x->blksize) {
			x->last = blk;
			break;
		}
	}
	x->state = XS_SEND;
}

static void send_ack(struct mtd_tftp_server *s, struct xfer *x, uint64_t blk)
{
	uint8_t p[4] = {0, MTD_TFTP_ACK, (uint8_t)(blk >> 8), (uint8_t)blk};
	xsend(s, x, p, 4);
	x->last_ack_at = now_ms();
}

static void maybe_progress(struct mtd_tftp_server *s, struct xfer *x)
{
	int64_t t = now_ms();
	if (t - x->last_progress >= 250) {
		x->last_progress = t;
		emit_x(s, x, MTD_TFTP_EV_PROGRESS, -1, NULL);
	}
}

static void on_ack(struct mtd_tftp_server *s, struct xfer *x, uint16_t blk16)
{
	if (x->state == XS_OACK) {
		if (blk16 != 0)
			return;
		arm_timer(x, true);
		send_window(s, x);
		return;
	}
	if (x->state != XS_SEND)
		return;
	uint64_t prev = x->base - 1;
	uint16_t delta = (uint16_t)(blk16 - (uint16_t)prev);
	if (delta == 0 || delta > x->sent)
		return; /* a duplicate or stale ACK: only the timer resends */
	uint64_t k = prev + delta;
	x->bytes = x->netascii ? x->pos[delta].off : k * x->blksize;
	if (!x->netascii && x->bytes > x->total)
		x->bytes = x->total;
	if (x->last && k == x->last) {
		x->bytes = x->netascii ? x->pos[delta].off : x->total;
		emit_x(s, x, MTD_TFTP_EV_DONE, -1, NULL);
		xfer_end(s, x, true);
		return;
	}
	/* Slide: the position of block k+1 is pos[delta]. */
	struct na_pos p = x->pos[delta];
	x->pos[0] = p;
	x->base = k + 1;
	arm_timer(x, true);
	maybe_progress(s, x);
	send_window(s, x);
}

static int write_data(struct mtd_tftp_server *s, struct xfer *x, const uint8_t *p, size_t n)
{
	uint8_t conv[65536];
	const uint8_t *src = p;
	size_t len = n;
	if (x->netascii) {
		size_t j = 0;
		for (size_t i = 0; i < n; i++) {
			uint8_t c = p[i];
			if (x->cr_pending) {
				x->cr_pending = false;
				if (c == '\n') {
					conv[j++] = '\n';
					continue;
				}
				conv[j++] = '\r';
				if (c == 0)
					continue;
			}
			if (c == '\r')
				x->cr_pending = true;
			else
				conv[j++] = c;
		}
		src = conv;
		len = j;
	}
	uint64_t after;
	if (!mtd_add_ov(x->bytes, len, &after) || after > s->o.upload_max)
		return MTD_ERR_LIMIT;
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(x->fd, src + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return MTD_ERR_IO;
		done += (size_t)w;
	}
	x->bytes = after;
	s->st.bytes_received += n;
	return 0;
}

static void on_data(struct mtd_tftp_server *s, struct xfer *x, uint16_t blk16, const uint8_t *p, size_t n)
{
	if (x->state == XS_DALLY) {
		if (blk16 == (uint16_t)(x->expect - 1))
			send_ack(s, x, x->expect - 1);
		return;
	}
	if (x->state != XS_RECV && x->state != XS_OACK)
		return;
	uint16_t delta = (uint16_t)(blk16 - (uint16_t)x->expect);
	if (delta != 0) {
		/* A duplicate (behind) or a gap (ahead): answer with the last block held, once. */
		if (!x->nudged || now_ms() - x->last_ack_at >= (int64_t)x->cur_timeout_ms) {
			x->nudged = true;
			send_ack(s, x, x->expect - 1);
		}
		return;
	}
	if (n > x->blksize) {
		xfer_fail(s, x, MTD_TFTP_EBADOP, "data block larger than the block size");
		return;
	}
	x->state = XS_RECV;
	int rc = write_data(s, x, p, n);
	if (rc == MTD_ERR_LIMIT) {
		char msg[128];
		snprintf(msg, sizeof(msg), "upload exceeds the size cap of %llu bytes",
		         (unsigned long long)s->o.upload_max);
		xfer_fail(s, x, MTD_TFTP_ENOSPACE, msg);
		return;
	}
	if (rc) {
		xfer_fail(s, x, MTD_TFTP_ENOSPACE, "cannot write the upload (disk full?)");
		return;
	}
	x->expect++;
	x->since_ack++;
	x->nudged = false;
	arm_timer(x, true);
	if (n < x->blksize) {
		if (x->netascii && x->cr_pending) {
			uint8_t cr = '\r';
			x->cr_pending = false;
			if (write(x->fd, &cr, 1) != 1) {
				xfer_fail(s, x, MTD_TFTP_ENOSPACE, "cannot write the upload");
				return;
			}
		}
		if (fsync(x->fd) != 0) {
			xfer_fail(s, x, MTD_TFTP_ENOSPACE, "cannot write the upload (fsync failed)");
			return;
		}
		if (linkat(s->upfd, x->tmpname, s->upfd, x->path, 0) != 0) {
			if (errno == EEXIST)
				xfer_fail(s, x, MTD_TFTP_EEXISTS, "file already exists; uploads never overwrite");
			else
				xfer_fail(s, x, MTD_TFTP_EACCESS, "cannot move the upload into place");
			return;
		}
		unlinkat(s->upfd, x->tmpname, 0);
		x->tmpname[0] = '\0';
		close(x->fd);
		x->fd = -1;
		send_ack(s, x, x->expect - 1);
		x->total = x->bytes;
		emit_x(s, x, MTD_TFTP_EV_DONE, -1, NULL);
		s->st.done++;
		s->finished++;
		/* Dally to answer a retransmitted final block whose ACK was lost. */
		x->state = XS_DALLY;
		x->deadline = now_ms() + 2 * (int64_t)x->timeout_ms;
		return;
	}
	if (x->since_ack >= x->window) {
		x->since_ack = 0;
		send_ack(s, x, x->expect - 1);
	}
	maybe_progress(s, x);
}

static void on_timer(struct mtd_tftp_server *s, struct xfer *x)
{
	if (x->state == XS_DALLY) {
		xfer_release(s, x);
		return;
	}
	if (x->tries >= s->o.retries) {
		char msg[160];
		snprintf(msg, sizeof(msg), "client stopped answering (%u retransmissions, last wait %u ms)", x->tries,
		         x->cur_timeout_ms);
		xfer_fail(s, x, MTD_TFTP_EUNDEF, msg);
		return;
	}
	x->tries++;
	x->retransmits++;
	x->cur_timeout_ms *= 2;
	if (x->cur_timeout_ms > s->o.max_timeout_ms)
		x->cur_timeout_ms = s->o.max_timeout_ms;
	if (x->cur_timeout_ms < x->timeout_ms)
		x->cur_timeout_ms = x->timeout_ms;
	arm_timer(x, false);
	switch (x->state) {
	case XS_OACK: xsend(s, x, x->oack, x->oack_len); break;
	case XS_SEND: send_window(s, x); break;
	case XS_RECV:
		if (x->expect == 1 && x->oack_len)
			xsend(s, x, x->oack, x->oack_len);
		else
			send_ack(s, x, x->expect - 1);
		break;
	case XS_DALLY: break;
	}
}

static void on_xfer_readable(struct mtd_tftp_server *s, struct xfer *x)
{
	for (int i = 0; i < 64 && x->used; i++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(x->sock, s->rbuf, sizeof(s->rbuf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (!same_peer(&from, &x->peer)) {
			/* RFC 1350: a packet from another TID gets an error, the transfer goes on. */
			send_error_to(x->sock, &from, fl, MTD_TFTP_EBADID, "unknown transfer ID");
			s->st.ignored++;
			continue;
		}
		struct mtd_tftp_packet pk;
		struct mtd_diag d;
		mtd_diag_clear(&d);
		if (mtd_tftp_parse(s->rbuf, (size_t)n, &pk, &d)) {
			xfer_fail(s, x, MTD_TFTP_EBADOP, "malformed packet from the client");
			return;
		}
		switch (pk.opcode) {
		case MTD_TFTP_ACK:
			if (x->upload)
				goto illegal;
			on_ack(s, x, pk.block);
			break;
		case MTD_TFTP_DATA:
			if (!x->upload)
				goto illegal;
			on_data(s, x, pk.block, pk.data, pk.data_len);
			break;
		case MTD_TFTP_ERROR: {
			if (x->state == XS_DALLY) {
				xfer_release(s, x);
				return;
			}
			char em[300], msg[400];
			escape_name(pk.error_msg, em, sizeof(em));
			snprintf(msg, sizeof(msg), "client aborted with error %u: %s", pk.error_code, em);
			emit_x(s, x, MTD_TFTP_EV_FAILED, pk.error_code, "%s", msg);
			xfer_end(s, x, false);
			return;
		}
		default: goto illegal;
		}
		continue;
	illegal:
		if (x->state == XS_DALLY) {
			xfer_release(s, x);
			return;
		}
		xfer_fail(s, x, MTD_TFTP_EBADOP, "unexpected packet for this transfer");
		return;
	}
}

/* ---- requests ---- */

static void refuse(struct mtd_tftp_server *s, struct xfer *x, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void refuse(struct mtd_tftp_server *s, struct xfer *x, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The client sees a short message; the log gets all of it. */
	char wire[120];
	size_t wl = strlen(msg) < sizeof(wire) - 1 ? strlen(msg) : sizeof(wire) - 1;
	memcpy(wire, msg, wl);
	wire[wl] = '\0';
	char *semi = strchr(wire, ';');
	if (semi)
		*semi = '\0';
	send_error_to(s->lsock, &x->peer, x->peerlen, code, wire);
	s->st.refused++;
	emit_x(s, x, MTD_TFTP_EV_REFUSED, code, "%s", msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "the root holds: a.bin, b.bin (2 files)" and a near match when there is one. */
static void describe_root(struct mtd_tftp_server *s, const char *asked, char *out, size_t size)
{
	out[0] = '\0';
	int dfd = dup(s->rootfd);
	if (dfd < 0)
		return;
	DIR *dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return;
	}
	rewinddir(dir);
	char *names[64];
	size_t n = 0, total = 0;
	char near[256] = "";
	const char *base = strrchr(asked, '/');
	base = base ? base + 1 : asked;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		struct stat st;
		if (fstatat(s->rootfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		total++;
		if (!near[0] && strcasecmp(e->d_name, base) == 0)
			escape_name(e->d_name, near, sizeof(near));
		if (n < 64) {
			char *c = strdup(e->d_name);
			if (c)
				names[n++] = c;
		}
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), cmp_str);
	size_t j = 0;
	if (near[0])
		j += (size_t)snprintf(out + j, size - j, "did you mean '%s'? ", near);
	if (total == 0)
		snprintf(out + j, size - j, "the served directory holds no files");
	else {
		j += (size_t)snprintf(out + j, size > j ? size - j : 0,
		                      "the served directory holds %zu file%s: ", total, total == 1 ? "" : "s");
		for (size_t i = 0; i < n && i < 10 && j < size; i++) {
			char esc[256];
			escape_name(names[i], esc, sizeof(esc));
			j += (size_t)snprintf(out + j, size - j, "%s%s", i ? ", " : "", esc);
		}
		if (total > 10 && j < size)
			snprintf(out + j, size - j, ", ...");
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}

static int open_beneath(int dirfd, const char *name, int flags)
{
	struct open_how how;
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)flags | O_CLOEXEC | O_NOCTTY;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd >= 0 || errno != ENOSYS)
		return (int)fd;
	/* Kernels before 5.6: walk the components, following no symlink at all. */
	char buf[MTD_TFTP_NAME_MAX];
	snprintf(buf, sizeof(buf), "%s", name);
	int cur = dirfd;
	char *p = buf;
	for (;;) {
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		int next = *p ? openat(cur, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : dup(cur);
		if (cur != dirfd)
			close(cur);
		if (next < 0)
			return -1;
		cur = next;
		p = slash + 1;
	}
	int fdv = openat(cur, p, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	int e = errno;
	if (cur != dirfd)
		close(cur);
	errno = e;
	return fdv;
}

static struct xfer *find_peer(struct mtd_tftp_server *s, const struct sockaddr_storage *peer)
{
	for (size_t i = 0; i < s->nx; i++)
		if (s->x[i].used && same_peer(&s->x[i].peer, peer))
			return &s->x[i];
	return NULL;
}

static size_t active(const struct mtd_tftp_server *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nx; i++)
		n += s->x[i].used && s->x[i].state != XS_DALLY;
	return n;
}

static bool opt_number(const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t n;
	if (!v[0] || v[0] == '-' || v[0] == '+' || v[0] == ' ')
		return false;
	for (const char *p = v; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	if (mtd_parse_u64(v, UINT64_MAX, &n))
		n = UINT64_MAX; /* all digits, past 2^64: as large as it gets */
	if (n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

static void append(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t j = strlen(buf);
	if (j >= size - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + j, size - j, fmt, ap);
	va_end(ap);
}

static bool oack_put(struct xfer *x, const char *name, const char *value)
{
	size_t a = strlen(name) + 1, b = strlen(value) + 1;
	if (x->oack_len + a + b > sizeof(x->oack))
		return false;
	memcpy(x->oack + x->oack_len, name, a);
	memcpy(x->oack + x->oack_len + a, value, b);
	x->oack_len += a + b;
	append(x->answer, sizeof(x->answer), "%s%s=%s", x->answer[0] ? " " : "", name, value);
	return true;
}

static int make_socket(struct mtd_tftp_server *s, const struct sockaddr_storage *local, socklen_t llen)
{
	int fd = socket(s->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_storage a = *local;
	if (a.ss_family == AF_INET)
		((struct sockaddr_in *)&a)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&a)->sin6_port = 0;
	if (bind(fd, (struct sockaddr *)&a, llen) != 0) {
		close(fd);
		return -1;
	}
	int big = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return fd;
}

static void on_request(struct mtd_tftp_server *s, const struct mtd_tftp_packet *pk, struct xfer *x,
                       const struct sockaddr_storage *local, socklen_t llen)
{
	const char *why;
	x->upload = pk->opcode == MTD_TFTP_WRQ;
	snprintf(x->raw_name, sizeof(x->raw_name), "%s", pk->filename);
	escape_name(pk->filename, x->name, sizeof(x->name));
	for (size_t i = 0; i < pk->nopts; i++) {
		char ev[4 * MTD_TFTP_OPT_MAX], en[4 * MTD_TFTP_OPT_MAX];
		escape_name(pk->opts[i].name, en, sizeof(en));
		escape_name(pk->opts[i].value, ev, sizeof(ev));
		append(x->asked, sizeof(x->asked), "%s%s=%s", x->asked[0] ? " " : "", en, ev);
	}
	if (pk->opts_dropped)
		append(x->asked, sizeof(x->asked), " ...");
	s->st.requests++;

	if (active(s) >= s->o.max_transfers) {
		refuse(s, x, MTD_TFTP_EUNDEF, "server busy: %u transfers in progress", s->o.max_transfers);
		return;
	}
	bool octet = strcmp(pk->mode, "octet") == 0;
	x->netascii = strcmp(pk->mode, "netascii") == 0;
	if (!octet && !x->netascii) {
		char em[64];
		escape_name(pk->mode, em, sizeof(em));
		refuse(s, x, MTD_TFTP_EBADOP, "transfer mode '%s' is not supported (octet or netascii)", em);
		return;
	}
	if (pk->filename_cut) {
		refuse(s, x, MTD_TFTP_EACCESS, "file name too long");
		return;
	}
	bool any = !x->upload && s->o.any_name_file;
	if (!any && mtd_tftp_check_name(pk->filename, &why)) {
		refuse(s, x, MTD_TFTP_EACCESS, "refused: %s", why);
		return;
	}

	struct stat st;
	if (!x->upload) {
		const char *path = any ? s->o.any_name_file : pk->filename;
		x->fd = any ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
		            : open_beneath(s->rootfd, path, O_RDONLY | O_NONBLOCK);
		if (x->fd < 0) {
			int e = errno;
			if (e == ENOENT || e == ENOTDIR) {
				char what[1024];
				describe_root(s, pk->filename, what, sizeof(what));
				refuse(s, x, MTD_TFTP_ENOTFOUND, "file not found; %s", what);
			} else if (e == EXDEV || e == ELOOP) {
				refuse(s, x, MTD_TFTP_EACCESS, "refused: the path leads out of the served directory");
			} else {
				refuse(s, x, MTD_TFTP_EACCESS, "cannot open: %s", strerror(e));
			}
			return;
		}
		if (fstat(x->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			refuse(s, x, MTD_TFTP_EACCESS, "refused: not a regular file");
			return;
		}
		x->total = (uint64_t)st.st_size;
		const char *b = any ? strrchr(path, '/') : NULL;
		escape_name(b ? b + 1 : path, x->path, sizeof(x->path));
	} else {
		if (s->upfd < 0) {
			refuse(s, x, MTD_TFTP_EACCESS, "uploads are off; start the server with --upload DIR");
			return;
		}
		if (strchr(pk->filename, '/')) {
			refuse(s, x, MTD_TFTP_EACCESS,
			       "refused: uploads go straight into the upload directory (no '/')");
			return;
		}
		if (strlen(pk->filename) > 200 || pk->filename[0] == '.') {
			refuse(s, x, MTD_TFTP_EACCESS,
			       "refused: upload names must not start with '.' or exceed 200 bytes");
			return;
		}
		if (fstatat(s->upfd, pk->filename, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			refuse(s, x, MTD_TFTP_EEXISTS, "file already exists; uploads never overwrite");
			return;
		}
		snprintf(x->path, sizeof(x->path), "%s", pk->filename);
	}

	x->blksize = 512;
	x->window = 1;
	x->timeout_ms = s->o.timeout_ms;
	bool seen[4] = {false, false, false, false};
	char ans[4][32] = {"", "", "", ""};
	int order[4], norder = 0;
	static const char *const known[4] = {"blksize", "tsize", "timeout", "windowsize"};
	char ignored[256] = "";
	for (size_t i = 0; i < pk->nopts; i++) {
		const struct mtd_tftp_option *op = &pk->opts[i];
		int k = -1;
		for (int j = 0; j < 4; j++)
			if (strcmp(op->name, known[j]) == 0)
				k = j;
		if (k < 0 || op->cut)
			continue;
		if (seen[k]) {
			append(ignored, sizeof(ignored), " %s (repeated)", op->name);
			continue;
		}
		seen[k] = true;
		uint64_t v;
		switch (k) {
		case 0:
			if (!opt_number(op->value, MTD_TFTP_BLKSIZE_MIN, UINT64_MAX, &v)) {
				append(ignored, sizeof(ignored), " blksize=%s", op->value);
				break;
			}
			if (v > s->o.max_blksize)
				v = s->o.max_blksize;
			if (v > MTD_TFTP_BLKSIZE_MAX)
				v = MTD_TFTP_BLKSIZE_MAX;
			x->blksize = (unsigned)v;
			snprintf(ans[k], sizeof(ans[k]), "%u", x->blksize);
			break;
		case 1:
			if (!opt_number(op->value, 0, UINT64_MAX, &v)) {
				append(ignored, sizeof(ignored), " tsize=%s", op->value);
				break;
			}
			if (x->upload) {
				if (v > s->o.upload_max) {
					refuse(s, x, MTD_TFTP_ENOSPACE,
					       "upload of %llu bytes exceeds the size cap of %llu bytes",
					       (unsigned long long)v, (unsigned long long)s->o.upload_max);
					return;
				}
				x->total = v;
			} else if (x->netascii) {
				break; /* the netascii size is not known before sending */
			} else if (x->total == 0) {
				/* curl (7.88) aborts on "tsize 0" in an OACK ("invalid tsize"); saying nothing is
				 * allowed. */
				break;
			}
			snprintf(ans[k], sizeof(ans[k]), "%llu", (unsigned long long)x->total);
			break;
		case 2:
			if (!opt_number(op->value, 1, 255, &v)) {
				append(ignored, sizeof(ignored), " timeout=%s", op->value);
				break;
			}
			x->timeout_ms = (unsigned)v * 1000;
			snprintf(ans[k], sizeof(ans[k]), "%u", (unsigned)v);
			break;
		case 3:
			if (!opt_number(op->value, 1, MTD_TFTP_WINDOW_MAX, &v)) {
				append(ignored, sizeof(ignored), " windowsize=%s", op->value);
				break;
			}
			if (v > s->o.max_windowsize)
				v = s->o.max_windowsize;
			x->window = (unsigned)v;
			snprintf(ans[k], sizeof(ans[k]), "%u", x->window);
			break;
		}
		if (ans[k][0])
			order[norder++] = k;
	}
	/*
	 * A window must fit the client's socket buffer, or its tail is dropped
	 * every time and each window costs a timeout (atftp at 8192 x 16 on
	 * loopback).  With big blocks, answer fewer (never more than asked).
	 */
	if (x->window > 1 && (uint64_t)x->window * x->blksize > WINDOW_BYTES_MAX) {
		x->window = (unsigned)(WINDOW_BYTES_MAX / x->blksize);
		if (x->window < 1)
			x->window = 1;
	}
	for (int i = 0; i < norder; i++) {
		int k = order[i];
		if (k == 3)
			snprintf(ans[k], sizeof(ans[k]), "%u", x->window);
		oack_put(x, known[k], ans[k]);
	}
	if (x->oack_len) {
		uint8_t tmp[512];
		memcpy(tmp, x->oack, x->oack_len);
		x->oack[0] = 0;
		x->oack[1] = MTD_TFTP_OACK;
		if (x->oack_len + 2 > sizeof(x->oack)) {
			refuse(s, x, MTD_TFTP_EUNDEF, "option answer too long");
			return;
		}
		memcpy(x->oack + 2, tmp, x->oack_len);
		x->oack_len += 2;
	}

	x->sock = make_socket(s, local, llen);
	if (x->sock < 0) {
		refuse(s, x, MTD_TFTP_EUNDEF, "cannot open a transfer socket: %s", strerror(errno));
		return;
	}
	x->pkt = malloc((size_t)x->blksize + 4);
	x->pos = mtd_alloc_array((size_t)x->window + 1, sizeof(*x->pos));
	if (!x->pkt || !x->pos) {
		refuse(s, x, MTD_TFTP_EUNDEF, "out of memory");
		return;
	}
	if (x->upload) {
		for (int tries = 0; tries < 8; tries++) {
			uint32_t r = 0;
			if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
				r = (uint32_t)now_ms() ^ (uint32_t)getpid() ^ (uint32_t)tries;
			snprintf(x->tmpname, sizeof(x->tmpname), ".%s.part-%08x", x->path, r);
			x->fd = openat(s->upfd, x->tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (x->fd >= 0 || errno != EEXIST)
				break;
		}
		if (x->fd < 0) {
			x->tmpname[0] = '\0';
			refuse(s, x, MTD_TFTP_EACCESS, "cannot create the upload: %s", strerror(errno));
			return;
		}
	}

	x->used = true;
	x->id = ++s->next_id;
	x->start = now_ms();
	x->last_progress = x->start;
	x->cur_timeout_ms = x->timeout_ms;
	x->base = 1;
	x->expect = 1;
	x->pos[0].off = 0;
	x->pos[0].owed = -1;
	if (ignored[0])
		emit_x(s, x, MTD_TFTP_EV_REQUEST, -1, "options ignored:%s", ignored);
	else
		emit_x(s, x, MTD_TFTP_EV_REQUEST, -1, NULL);
	if (!x->upload && !seen[0] && x->total > WRAP_WARN_BYTES)
		emit_x(s, x, MTD_TFTP_EV_WARNING, -1,
		       "file is over 32 MiB and the client asked no block size: 512-byte block numbers wrap past "
		       "65535, which old clients do not survive; use a client that asks blksize");
	arm_timer(x, true);
	if (x->oack_len) {
		x->state = XS_OACK;
		if (x->upload)
			x->state = XS_RECV;
		xsend(s, x, x->oack, x->oack_len);
	} else if (x->upload) {
		x->state = XS_RECV;
		send_ack(s, x, 0);
	} else {
		send_window(s, x);
	}
}

static void on_listen_readable(struct mtd_tftp_server *s)
{
	for (int iter = 0; iter < 64; iter++) {
		struct sockaddr_storage from;
		char cbuf[256];
		struct iovec iov = {s->rbuf, sizeof(s->rbuf)};
		struct msghdr mh = {
		    .msg_name = &from,
		    .msg_namelen = sizeof(from),
		    .msg_iov = &iov,
		    .msg_iovlen = 1,
		    .msg_control = cbuf,
		    .msg_controllen = sizeof(cbuf),
		};
		ssize_t n = recvmsg(s->lsock, &mh, 0);
		if (n < 0)
			return;
		/* The address the request was sent to: the transfer answers from it. */
		struct sockaddr_storage local;
		socklen_t llen;
		socklen_t slen = sizeof(local);
		getsockname(s->lsock, (struct sockaddr *)&local, &slen);
		llen = slen;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && local.ss_family == AF_INET) {
				struct in_pktinfo pi;
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				((struct sockaddr_in *)&local)->sin_addr = pi.ipi_addr;
			} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
			           local.ss_family == AF_INET6) {
				struct in6_pktinfo pi;
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				((struct sockaddr_in6 *)&local)->sin6_addr = pi.ipi6_addr;
			}
		}
		struct xfer tmp;
		memset(&tmp, 0, sizeof(tmp));
		tmp.sock = -1;
		tmp.fd = -1;
		tmp.peer = from;
		tmp.peerlen = mh.msg_namelen;
		addr_text(&from, tmp.client, sizeof(tmp.client), &tmp.cport);
		tmp.start = now_ms();

		struct mtd_tftp_packet *pk = malloc(sizeof(*pk));
		if (!pk)
			return;
		struct mtd_diag d;
		mtd_diag_clear(&d);
		int rc = mtd_tftp_parse(s->rbuf, (size_t)n, pk, &d);
		if (rc || tmp.cport == 0) {
			if (n >= 2 && tmp.cport != 0 && !(s->rbuf[0] == 0 && s->rbuf[1] == MTD_TFTP_ERROR)) {
				char msg[700];
				snprintf(msg, sizeof(msg), "malformed request: %s", d.msg);
				refuse(s, &tmp, MTD_TFTP_EBADOP, "%s", msg);
			} else {
				s->st.ignored++;
				emit_x(s, &tmp, MTD_TFTP_EV_IGNORED, -1, "%zd-byte datagram ignored", n);
			}
			free(pk);
			continue;
		}
		if (pk->opcode == MTD_TFTP_ERROR || pk->opcode == MTD_TFTP_OACK) {
			s->st.ignored++;
			emit_x(s, &tmp, MTD_TFTP_EV_IGNORED, -1, "%s packet on the request port ignored",
			       pk->opcode == MTD_TFTP_ERROR ? "ERROR" : "OACK");
		} else if (pk->opcode == MTD_TFTP_DATA || pk->opcode == MTD_TFTP_ACK) {
			/* Strays of ended transfers (tftp-hpa ACKs an ERROR): nothing to answer. */
			s->st.ignored++;
			emit_x(s, &tmp, MTD_TFTP_EV_IGNORED, -1,
			       "%s block %u on the request port ignored (no transfer)",
			       pk->opcode == MTD_TFTP_DATA ? "DATA" : "ACK", pk->block);
		} else {
			struct xfer *old = find_peer(s, &from);
			if (old && old->upload == (pk->opcode == MTD_TFTP_WRQ) &&
			    strcmp(old->raw_name, pk->filename) == 0) {
				/* The client resent its request: the transfer answers it already. */
				s->st.ignored++;
				emit_x(s, old, MTD_TFTP_EV_IGNORED, -1, "repeated request ignored");
				free(pk);
				continue;
			}
			if (old) {
				if (old->state == XS_DALLY)
					xfer_release(s, old);
				else {
					emit_x(s, old, MTD_TFTP_EV_FAILED, -1,
					       "client started a new request from the same port");
					xfer_end(s, old, false);
				}
			}
			struct xfer *slot = NULL;
			for (size_t i = 0; i < s->nx && !slot; i++)
				if (!s->x[i].used)
					slot = &s->x[i];
			if (!slot) {
				refuse(s, &tmp, MTD_TFTP_EUNDEF, "server busy: %u transfers in progress",
				       s->o.max_transfers);
			} else {
				*slot = tmp;
				on_request(s, pk, slot, &local, llen);
				if (!slot->used)
					xfer_release(s, slot);
			}
		}
		free(pk);
	}
}

/* ---- lifecycle ---- */

int mtd_tftp_server_open(struct mtd_tftp_server **out, const struct mtd_tftp_options *o, struct mtd_diag *d)
{
	*out = NULL;
	if (!o->root && !o->any_name_file)
		return mtd_diag_set(d, MTD_ERR_ARG, "serve", "no directory to serve");
	struct mtd_tftp_server *s = calloc(1, sizeof(*s));
	if (!s)
		return mtd_diag_set(d, MTD_ERR_NOMEM, "serve", "out of memory");
	s->o = *o;
	s->rootfd = s->upfd = s->lsock = -1;
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	if (!s->o.max_transfers)
		s->o.max_transfers = 64;
	if (s->o.max_transfers > MAX_TRANSFERS_LIMIT)
		s->o.max_transfers = MAX_TRANSFERS_LIMIT;
	if (!s->o.timeout_ms)
		s->o.timeout_ms = 1000;
	if (s->o.max_timeout_ms < s->o.timeout_ms)
		s->o.max_timeout_ms = s->o.timeout_ms;
	if (!s->o.max_blksize || s->o.max_blksize > MTD_TFTP_BLKSIZE_MAX)
		s->o.max_blksize = MTD_TFTP_BLKSIZE_MAX;
	if (s->o.max_blksize < 512)
		s->o.max_blksize = 512;
	if (!s->o.max_windowsize)
		s->o.max_windowsize = 1;
	if (!s->o.upload_max)
		s->o.upload_max = 256ull << 20;
	int rc;
	const char *root = o->root;
	if (root) {
		s->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->rootfd < 0) {
			rc = mtd_diag_set(d, MTD_ERR_IO, root, "cannot open the directory to serve: %s",
			                  strerror(errno));
			goto fail;
		}
	}
	if (o->any_name_file) {
		struct stat st;
		if (stat(o->any_name_file, &st) != 0 || !S_ISREG(st.st_mode)) {
			rc = mtd_diag_set(d, MTD_ERR_ARG, o->any_name_file, "expected a regular file to serve");
			goto fail;
		}
	}
	if (o->upload_dir) {
		s->upfd = open(o->upload_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->upfd < 0) {
			rc = mtd_diag_set(d, MTD_ERR_IO, o->upload_dir, "cannot open the upload directory: %s",
			                  strerror(errno));
			goto fail;
		}
	}
	s->nx = s->o.max_transfers * 2;
	s->x = mtd_alloc_array(s->nx, sizeof(*s->x));
	if (!s->x || pipe2(s->stop_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		rc = mtd_diag_set(d, MTD_ERR_NOMEM, "serve", "out of memory");
		goto fail;
	}
	memset(s->x, 0, s->nx * sizeof(*s->x));
	for (size_t i = 0; i < s->nx; i++)
		s->x[i].sock = s->x[i].fd = -1;

	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	const char *ba = o->bind_addr ? o->bind_addr : "0.0.0.0";
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, ba, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(o->port);
		sl = sizeof(*a4);
	} else if (inet_pton(AF_INET6, ba, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(o->port);
		sl = sizeof(*a6);
	} else {
		rc = mtd_diag_set(d, MTD_ERR_ARG, ba, "expected a numeric IPv4 or IPv6 address to bind");
		goto fail;
	}
	s->family = ss.ss_family;
	s->lsock = socket(s->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lsock < 0) {
		rc = mtd_diag_set(d, MTD_ERR_IO, "serve", "cannot open a UDP socket: %s", strerror(errno));
		goto fail;
	}
	int one = 1;
	if (s->family == AF_INET)
		setsockopt(s->lsock, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	else
		setsockopt(s->lsock, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	if (bind(s->lsock, (struct sockaddr *)&ss, sl) != 0) {
		int e = errno;
		if (e == EACCES)
			rc = mtd_diag_set(
			    d, MTD_ERR_IO, "serve",
			    "cannot listen on %s port %u: permission denied (ports below 1024 need root or "
			    "CAP_NET_BIND_SERVICE; or use --port)",
			    ba, o->port);
		else
			rc = mtd_diag_set(d, MTD_ERR_IO, "serve", "cannot listen on %s port %u: %s", ba, o->port,
			                  strerror(e));
		goto fail;
	}
	sl = sizeof(ss);
	getsockname(s->lsock, (struct sockaddr *)&ss, &sl);
	uint16_t port;
	addr_text(&ss, s->bind_text, sizeof(s->bind_text), &port);
	s->port = port;
	*out = s;
	return 0;
fail:
	mtd_tftp_server_free(s);
	return rc;
}

uint16_t mtd_tftp_server_port(const struct mtd_tftp_server *s)
{
	return s->port;
}

void mtd_tftp_server_stop(struct mtd_tftp_server *s)
{
	char c = 1;
	ssize_t w = write(s->stop_pipe[1], &c, 1);
	(void)w;
}

void mtd_tftp_server_stats(const struct mtd_tftp_server *s, struct mtd_tftp_stats *st)
{
	*st = s->st;
}

int mtd_tftp_server_run(struct mtd_tftp_server *s, struct mtd_diag *d)
{
	struct pollfd *pf = mtd_alloc_array(s->nx + 2, sizeof(*pf));
	struct xfer **map = mtd_alloc_array(s->nx + 2, sizeof(*map));
	if (!pf || !map) {
		free(pf);
		free(map);
		return mtd_diag_set(d, MTD_ERR_NOMEM, "serve", "out of memory");
	}
	{
		char msg[128];
		snprintf(msg, sizeof(msg), "listening on %s port %u", s->bind_text, s->port);
		struct mtd_tftp_event ev = {.kind = MTD_TFTP_EV_LISTENING,
		                            .tftp_error = -1,
		                            .message = msg,
		                            .client = s->bind_text,
		                            .port = s->port};
		emit_base(s, &ev);
	}
	bool stopping = false;
	for (;;) {
		bool limit = s->o.max_transfers_done && s->finished >= s->o.max_transfers_done;
		if (limit)
			stopping = true;
		if (stopping && active(s) == 0)
			break;
		size_t n = 0;
		pf[n] = (struct pollfd){.fd = s->stop_pipe[0], .events = POLLIN};
		map[n++] = NULL;
		if (!stopping) {
			pf[n] = (struct pollfd){.fd = s->lsock, .events = POLLIN};
			map[n++] = NULL;
		}
		int64_t t = now_ms(), next = t + 1000;
		for (size_t i = 0; i < s->nx; i++) {
			struct xfer *x = &s->x[i];
			if (!x->used)
				continue;
			pf[n] = (struct pollfd){.fd = x->sock, .events = POLLIN};
			map[n++] = x;
			if (x->deadline < next)
				next = x->deadline;
		}
		int wait = next > t ? (int)(next - t) : 0;
		int r = poll(pf, n, wait);
		if (r < 0 && errno != EINTR) {
			free(pf);
			free(map);
			return mtd_diag_set(d, MTD_ERR_IO, "serve", "poll failed: %s", strerror(errno));
		}
		if (r > 0) {
			if (pf[0].revents) {
				char buf[16];
				while (read(s->stop_pipe[0], buf, sizeof(buf)) > 0) {
				}
				/* Stop: abandon the transfers in progress. */
				for (size_t i = 0; i < s->nx; i++) {
					struct xfer *x = &s->x[i];
					if (!x->used)
						continue;
					if (x->state == XS_DALLY)
						xfer_release(s, x);
					else
						xfer_fail(s, x, MTD_TFTP_EUNDEF, "server stopped");
				}
				break;
			}
			for (size_t i = 1; i < n; i++) {
				if (!pf[i].revents)
					continue;
				if (!map[i])
					on_listen_readable(s);
				else if (map[i]->used && map[i]->sock == pf[i].fd)
					on_xfer_readable(s, map[i]);
			}
		}
		t = now_ms();
		for (size_t i = 0; i < s->nx; i++) {
			struct xfer *x = &s->x[i];
			if (x->used && x->deadline <= t)
				on_timer(s, x);
		}
	}
	free(pf);
	free(map);
	return 0;
}

void mtd_tftp_server_free(struct mtd_tftp_server *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->x && i < s->nx; i++)
		if (s->x[i].used)
			xfer_release(s, &s->x[i]);
	free(s->x);
	if (s->lsock >= 0)
		close(s->lsock);
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->upfd >= 0)
		close(s->upfd);
	if (s->stop_pipe[0] >= 0)
		close(s->stop_pipe[0]);
	if (s->stop_pipe[1] >= 0)
		close(s->stop_pipe[1]);
	free(s);
}
