/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <mtdscope/console.h>
#include <mtdscope/layout.h>
#include <mtdscope/reader.h>
#include <mtdscope/serial.h>
#include <mtdscope/source.h>
#include <mtdscope/tftp.h>

#include <mtdscope/quote.h>

#include "cli.h"
#include "net_render.h"

static const char help[] = "usage: mtdscope netboot (--line DEV [--baud N] | --exec CMD) --image FILE [options]\n"
                           "\n"
                           "The install path of a router with U-Boot, as one checked procedure: serve\n"
                           "FILE over TFTP, stop U-Boot's autoboot, set ipaddr/serverip, tftpboot FILE\n"
                           "to a load address that fits the board's RAM and does not overlap the\n"
                           "decompressed kernel, compare U-Boot's crc32 of what it received with the\n"
                           "CRC-32 of FILE, then bootm it.  Each step is reported; the first failure\n"
                           "stops the procedure.\n"
                           "\n"
                           "Without Ethernet, --via serial sends FILE over the console line itself:\n"
                           "YMODEM to U-Boot's loady (1 KiB blocks, CRC-16) or Kermit to loadb (also\n"
                           "the Ralink SDK boot menu's serial load), saying first how long it will\n"
                           "take at the line's speed (a 4 MiB image at 57600 baud: about 12 minutes),\n"
                           "with progress and the time left while it runs; then the same crc32 check\n"
                           "and bootm.\n"
                           "\n"
                           "options:\n"
                           "  --image FILE         the image to boot (an OpenWrt initramfs uImage...)\n"
                           "  --line DEV / --baud N / --exec CMD   the console (see 'mtdscope console')\n"
                           "  --via WAY            tftp (default) or serial\n"
                           "  --protocol P         with --via serial: ymodem (default, loady) or kermit\n"
                           "                       (loadb)\n"
                           "  --xfer-timeout SEC   with --via serial: time allowed for each answer of the\n"
                           "                       receiver (default 10)\n"
                           "  --write              with --via serial: write FILE (a whole-chip image) to the\n"
                           "                       flash instead of booting it, running the steps of\n"
                           "                       'mtdscope plan --via uboot' at the prompt: each partition\n"
                           "                       sent over the line, its crc32 checked, erased, written,\n"
                           "                       read back and checked again; the first failure stops\n"
                           "  --layout L           with --write: the flash layout (as for 'mtdscope plan')\n"
                           "  --kind K             with --write: the layout's kind (default: detect)\n"
                           "  --flash-size SIZE    with --write: the real chip size\n"
                           "  --only NAME          with --write: write only this partition (repeatable)\n"
                           "  --also NAME          with --write: also write this protected partition\n"
                           "                       (repeatable)\n"
                           "  --force              with --write --also factory: as 'mtdscope plan --force'\n"
                           "  --cp                 with --write: erase + cp.b to memory-mapped NOR flash\n"
                           "                       instead of sf\n"
                           "  --flash-base ADDR    with --cp: where the flash is mapped (0xbc000000)\n"
                           "  --ipaddr ADDR        the router's address (default: U-Boot's ipaddr)\n"
                           "  --serverip ADDR      this machine's address (default: U-Boot's serverip)\n"
                           "  --bind ADDR          where the TFTP server listens (default 0.0.0.0)\n"
                           "  --port N             TFTP port (default 69; others need tftpdstp support)\n"
                           "  --loadaddr ADDR      where tftpboot puts the image (default: computed)\n"
                           "  --blksize N          set U-Boot's tftpblocksize (default: U-Boot's own)\n"
                           "  --windowsize N       set U-Boot's tftpwindowsize (RFC 7440, newer U-Boot)\n"
                           "  --interrupt STR      what stops autoboot (default Ctrl-C; TP-Link: tpl)\n"
                           "  --interrupt-from-start  send it from power-on through --wait, no countdown\n"
                           "                       line needed (the default for a word such as tpl)\n"
                           "  --interrupt-after-countdown  only after an autoboot message (the default\n"
                           "                       for a single key such as Ctrl-C)\n"
                           "  --prompt STR         the prompt, if detection should not guess\n"
                           "  --wait SEC           time allowed for the autoboot message (default 60)\n"
                           "  --window SEC         how long to keep interrupting (default 10)\n"
                           "  --bootargs ARGS      setenv bootargs before bootm\n"
                           "  --no-boot            stop after the CRC check\n"
                           "  --expect-boot TEXT   after bootm, wait for TEXT too (e.g. 'Linux version')\n"
                           "  --boot-timeout SEC   time allowed for that (default 60)\n"
                           "  --log FILE           timestamped console transcript\n"
                           "  -v, --verbose        echo the console to stdout\n"
                           "  --json               a JSON report on stdout at the end\n"
                           "  -h, --help           show this help\n";

struct image_info {
	uint64_t size;
	uint32_t crc;
	bool uimage;
	uint32_t load, ep;
	uint8_t comp;
	char name[33];
	uint64_t decompressed; /* 0: unknown */
};

struct nb_state {
	struct net_render nr;
	pthread_mutex_t lock;
	uint64_t done_bytes;
	unsigned done_count;
	char done_name[256];
	char last_fail[512];
};

struct report {
	bool json;
	unsigned n;
	struct {
		char name[24];
		bool ok;
		char detail[1024];
	} steps[64];
};

static void step(struct report *r, bool ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void step(struct report *r, bool ok, const char *name, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->n < sizeof(r->steps) / sizeof(r->steps[0])) {
		snprintf(r->steps[r->n].name, sizeof(r->steps[r->n].name), "%s", name);
		r->steps[r->n].ok = ok;
		snprintf(r->steps[r->n].detail, sizeof(r->steps[r->n].detail), "%s", msg);
		r->n++;
	}
	if (r->json)
		return;
	FILE *o = stdout;
	fprintf(o, "%s%-8s%s %-16s %s\n", cli_c(o, ok ? CLI_GREEN : CLI_RED), ok ? "ok" : "FAILED", cli_c(o, CLI_RESET),
	        name, cli_txt(msg));
	fflush(o);
}

static void on_tftp(void *ctx, const struct mtd_tftp_event *ev)
{
	struct nb_state *s = ctx;
	pthread_mutex_lock(&s->lock);
	if (ev->kind == MTD_TFTP_EV_DONE) {
		s->done_bytes = ev->bytes;
		s->done_count++;
		snprintf(s->done_name, sizeof(s->done_name), "%s", ev->name ? ev->name : "");
	} else if (ev->kind == MTD_TFTP_EV_FAILED || ev->kind == MTD_TFTP_EV_REFUSED) {
		snprintf(s->last_fail, sizeof(s->last_fail), "%s", ev->message ? ev->message : "");
	}
	if (ev->kind != MTD_TFTP_EV_LISTENING)
		net_render_tftp_event(&s->nr, ev);
	pthread_mutex_unlock(&s->lock);
}

static void *server_thread(void *arg)
{
	struct mtd_tftp_server *srv = arg;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	mtd_tftp_server_run(srv, &d);
	return NULL;
}

static int read_image(const char *path, struct image_info *im, struct mtd_diag *d)
{
	struct mtd_source src;
	memset(im, 0, sizeof(*im));
	if (mtd_source_open(&src, path, d))
		return -1;
	im->size = src.size;
	if (src.size == 0) {
		mtd_source_close(&src);
		return mtd_diag_set(d, MTD_ERR_FORMAT, path, "empty file (0 bytes); nothing to boot");
	}
	im->crc = mtd_crc32(0, src.data, src.size);
	struct mtd_reader r;
	mtd_rd_init(&r, src.data, src.size, 0);
	uint32_t magic, hcrc, time, size, load, ep, dcrc;
	uint8_t os, arch, type, comp;
	if (mtd_rd_u32be(&r, &magic) && magic == 0x27051956 && mtd_rd_u32be(&r, &hcrc) && mtd_rd_u32be(&r, &time) &&
	    mtd_rd_u32be(&r, &size) && mtd_rd_u32be(&r, &load) && mtd_rd_u32be(&r, &ep) && mtd_rd_u32be(&r, &dcrc) &&
	    mtd_rd_u8(&r, &os) && mtd_rd_u8(&r, &arch) && mtd_rd_u8(&r, &type) && mtd_rd_u8(&r, &comp) &&
	    mtd_rd_copy(&r, im->name, 32) && mtd_range_ok(64, size, src.size)) {
		im->uimage = true;
		im->load = load;
		im->ep = ep;
		im->comp = comp;
		im->name[32] = '\0';
		for (char *p = im->name; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				*p = '?';
		struct mtd_reader pl;
		mtd_rd_window(&r, 64, size, &pl);
		uint64_t u64;
		uint32_t u32;
		if (comp == 0)
			im->decompressed = size;
		else if (comp == 3 && mtd_rd_skip(&pl, 5) && mtd_rd_u64le(&pl, &u64) && u64 != UINT64_MAX &&
		         u64 < (1ull << 32))
			im->decompressed = u64;
		else if (comp == 1 && size >= 4 && mtd_rd_seek(&pl, size - 4) && mtd_rd_u32le(&pl, &u32))
			im->decompressed = u32;
	}
	mtd_source_close(&src);
	return 0;
}

/* "key = 0x80000000" or "-> start    = 0x80000000": the number after '=' on the line holding key. */
static bool find_hex(const char *text, const char *key, uint64_t *out)
{
	const char *p = text;
	while ((p = strstr(p, key)) != NULL) {
		const char *eq = strchr(p, '=');
		const char *nl = strchr(p, '\n');
		if (eq && (!nl || eq < nl)) {
			eq++;
			while (*eq == ' ')
				eq++;
			char num[32];
			size_t n = 0;
			while (n < sizeof(num) - 1 &&
			       ((eq[n] >= '0' && eq[n] <= '9') || (eq[n] >= 'a' && eq[n] <= 'f') ||
			        (eq[n] >= 'A' && eq[n] <= 'F') || eq[n] == 'x' || eq[n] == 'X'))
				n++;
			memcpy(num, eq, n);
			num[n] = '\0';
			if (n && mtd_parse_u64(num, UINT64_MAX, out) == 0)
				return true;
		}
		p += strlen(key);
	}
	return false;
}

/* The value of "key=value" in printenv output. */
static bool env_get(const char *text, const char *key, char *out, size_t size)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		if (ll > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t vl = ll - kl - 1;
			if (vl >= size)
				vl = size - 1;
			memcpy(out, p + kl + 1, vl);
			out[vl] = '\0';
			return true;
		}
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* ---- --via serial ---- */

static volatile sig_atomic_t xfer_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	xfer_interrupted = 1;
}

static bool xfer_cancel(void *ctx)
{
	(void)ctx;
	return xfer_interrupted != 0;
}

/* "12 min 5 s", "40 s", "1 h 3 min" */
static void fmt_dur(double sec, char *out, size_t size)
{
	unsigned long t = sec < 0 ? 0 : (unsigned long)(sec + 0.5);
	if (t >= 3600)
		snprintf(out, size, "%lu h %lu min", t / 3600, t % 3600 / 60);
	else if (t >= 60)
		snprintf(out, size, "%lu min %lu s", t / 60, t % 60);
	else
		snprintf(out, size, "%lu s", t);
}

struct xfer_view {
	bool tty, json;
	int last_decile;
	double estimate;
	bool shown;
};

static void on_xfer(void *ctx, const struct mtd_xfer_progress *p)
{
	struct xfer_view *v = ctx;
	double rate = p->elapsed > 0.5 ? (double)p->done / p->elapsed : 0;
	double left = rate > 0 ? (double)(p->total - p->done) / rate : v->estimate;
	char a[24], b[24], l[32];
	mtd_format_size(p->done, a, sizeof(a));
	mtd_format_size(p->total, b, sizeof(b));
	fmt_dur(left, l, sizeof(l));
	int pct = p->total ? (int)(p->done * 100 / p->total) : 100;
	if (v->tty) {
		fprintf(stderr, "\r  %3d%%  %s of %s  %.1f KiB/s  about %s left  %u sent again   ", pct, a, b,
		        rate / 1024, l, p->retries);
		fflush(stderr);
		v->shown = true;
	} else if (!v->json && pct / 10 != v->last_decile) {
		v->last_decile = pct / 10;
		printf("         transfer %3d%%  %s of %s, %.1f KiB/s, about %s left\n", pct, a, b, rate / 1024, l);
		fflush(stdout);
	}
}

/* Read the console until `needle` shows in what is pending; copy what came before it into out. */
static int wait_text(struct mtd_console *c, const char *needle, int timeout_ms, char *out, size_t size,
                     struct mtd_diag *d)
{
	double end = mtd_console_elapsed(c) + timeout_ms / 1000.0;
	for (;;) {
		size_t n;
		const char *p = mtd_console_pending(c, &n);
		const char *hit = memmem(p, n, needle, strlen(needle));
		if (hit) {
			size_t k = (size_t)(hit - p) < size - 1 ? (size_t)(hit - p) : size - 1;
			memcpy(out, p, k);
			out[k] = '\0';
			mtd_console_consume(c);
			return 0;
		}
		if (mtd_console_elapsed(c) >= end)
			return mtd_diag_set(d, MTD_ERR_TIMEOUT, "console", "expected '%s' within %.0f s", needle,
			                    timeout_ms / 1000.0);
		size_t got;
		int rc = mtd_console_pump(c, 100, &got, d);
		if (rc)
			return rc;
	}
}

/* The N of "## Total Size = 0x... = N Bytes". */
static bool total_size(const char *text, uint64_t *out)
{
	const char *p = strstr(text, "Total Size");
	const char *q = p ? strstr(p, " Bytes") : NULL;
	if (!q)
		return false;
	const char *e = q;
	while (e > p && e[-1] >= '0' && e[-1] <= '9')
		e--;
	char num[24];
	size_t n = (size_t)(q - e);
	if (!n || n >= sizeof(num))
		return false;
	memcpy(num, e, n);
	num[n] = '\0';
	return mtd_parse_u64(num, UINT64_MAX, out) == 0;
}

/* ---- --via serial: one transfer into U-Boot's RAM ---- */
struct serial_ctx {
	struct mtd_console *c;
	const struct mtd_console_options *co;
	enum mtd_xfer_proto proto;
	bool json;
	int timeout_ms;
	double estimate;
	const char *name;
	struct mtd_xfer_result *xr;    /* the figures of the last transfer */
	bool done;                     /* it was acknowledged to its end */
	uint64_t bytes, wire, retries; /* over all transfers */
	uint64_t est_wire;             /* bytes on the wire estimated before starting */
	double elapsed;
};

/* loady / loadb to addr, the transfer, U-Boot's count of what it got.  0, or -1 with the step's text in msg. */
static int serial_load(struct serial_ctx *sc, uint64_t addr, const uint8_t *data, size_t len, const char **stepname,
                       char *msg, size_t msize)
{
	struct mtd_console *c = sc->c;
	struct mtd_xfer_result *xr = sc->xr;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	char cmd[128], ans[4096];
	const char *ucmd = sc->proto == MTD_XFER_KERMIT ? "loadb" : "loady";
	*stepname = ucmd;
	sc->done = false;
	snprintf(cmd, sizeof(cmd), "%s 0x%08llx%s", ucmd, (unsigned long long)addr, sc->co->eol);
	mtd_console_consume(c);
	if (mtd_console_send(c, cmd, strlen(cmd), &d)) {
		snprintf(msg, msize, "%s", d.msg);
		return -1;
	}
	char back[80];
	snprintf(back, sizeof(back), "\n%s", mtd_console_prompt(c));
	const char *rp[] = {"Ready for binary", "Unknown command", "unknown command", back};
	int which = -1;
	if (mtd_console_expect(c, rp, 4, 10000, &which, &d) || which != 0) {
		snprintf(msg, msize, "%s",
		         which > 0 ? "this U-Boot has no such command (built without CONFIG_CMD_LOADB?)"
		                   : "U-Boot did not say it is ready for the binary within 10 s");
		return -1;
	}
	/* the rest of the "Ready" line, and whatever came after it (YMODEM's first 'C') */
	size_t pn;
	const char *pp = mtd_console_pending(c, &pn);
	uint8_t pend[4096];
	if (pn > sizeof(pend))
		pn = sizeof(pend);
	memcpy(pend, pp, pn);
	mtd_console_consume(c);
	mtd_console_note(c, "%s transfer of %llu bytes starts", sc->proto == MTD_XFER_KERMIT ? "Kermit" : "YMODEM",
	                 (unsigned long long)len);
	struct mtd_xfer_options xo;
	mtd_xfer_options_init(&xo);
	xo.proto = sc->proto;
	xo.name = sc->name;
	xo.start_timeout_ms = 30000;
	xo.timeout_ms = sc->timeout_ms;
	xo.baud = sc->co->line ? sc->co->baud : 0;
	xo.pending = pend;
	xo.pending_len = pn;
	struct xfer_view xv = {
	    .tty = !sc->json && isatty(2), .json = sc->json, .last_decile = 0, .estimate = sc->estimate};
	xo.progress = on_xfer;
	xo.progress_ms = 500;
	xo.cancel = xfer_cancel;
	xo.ctx = &xv;
	xfer_interrupted = 0;
	struct sigaction sa, old_sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, &old_sa);
	int xrc = mtd_xfer_send(mtd_console_fd(c), data, len, &xo, xr, &d);
	sigaction(SIGINT, &old_sa, NULL);
	if (xv.shown)
		fputs("\n", stderr);
	sc->bytes += xr->p.done;
	sc->wire += xr->p.wire;
	sc->retries += xr->p.retries;
	sc->elapsed += xr->p.elapsed;
	mtd_console_feed(c, xr->rest, xr->rest_len);
	*stepname = "transfer";
	if (xrc) {
		mtd_console_note(c, "transfer failed: %s", d.msg);
		/* what U-Boot says when its receiver gives up, and whether its prompt comes back */
		struct mtd_diag wd;
		mtd_diag_clear(&wd);
		bool back_at_prompt = wait_text(c, back, 5000, ans, sizeof(ans), &wd) == 0;
		if (xr->aborted)
			snprintf(msg, msize,
			         "stopped by Ctrl-C after %llu of %llu bytes; the receiver was told to cancel%s",
			         (unsigned long long)xr->p.done, (unsigned long long)len,
			         back_at_prompt ? ", U-Boot is back at its prompt" : "");
		else
			snprintf(msg, msize, "%s (after %llu of %llu bytes)%s", d.msg, (unsigned long long)xr->p.done,
			         (unsigned long long)len, back_at_prompt ? "; U-Boot is back at its prompt" : "");
		return -1;
	}
	sc->done = true;
	if (wait_text(c, back, 30000, ans, sizeof(ans), &d)) {
		snprintf(msg, msize, "sent, but U-Boot did not come back to its prompt: %s", d.msg);
		return -1;
	}
	uint64_t got = 0;
	if (!total_size(ans, &got) || got != len) {
		snprintf(msg, msize, "sent %llu bytes, but U-Boot %s", (unsigned long long)len,
		         got ? "counted another size" : "did not print its '## Total Size'");
		return -1;
	}
	char dur[32];
	fmt_dur(xr->p.elapsed, dur, sizeof(dur));
	double kibs = xr->p.elapsed > 0 ? (double)len / xr->p.elapsed / 1024 : 0.0;
	if (sc->proto == MTD_XFER_KERMIT)
		snprintf(
		    msg, msize,
		    "%llu bytes by Kermit to 0x%08llx in %s (%.1f KiB/s), %llu bytes on the wire, packets of %u data "
		    "bytes%s, %u sent again; U-Boot's Total Size %llu",
		    (unsigned long long)len, (unsigned long long)addr, dur, kibs, (unsigned long long)xr->p.wire,
		    xr->packet, xr->long_packets ? " (long packets)" : "", xr->p.retries, (unsigned long long)got);
	else
		snprintf(
		    msg, msize,
		    "%llu bytes by YMODEM to 0x%08llx in %s (%.1f KiB/s), %llu bytes on the wire, %s, %u sent again; "
		    "U-Boot's Total Size %llu",
		    (unsigned long long)len, (unsigned long long)addr, dur, kibs, (unsigned long long)xr->p.wire,
		    xr->crc16 ? "CRC-16" : "8-bit checksum", xr->p.retries, (unsigned long long)got);
	return 0;
}

/* U-Boot's crc32 of size bytes at addr. */
static int uboot_crc32(struct mtd_console *c, uint64_t addr, uint64_t size, struct mtd_buf *out, uint32_t *crc,
                       char *msg, size_t msize)
{
	struct mtd_diag d;
	mtd_diag_clear(&d);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "crc32 0x%08llx 0x%llx", (unsigned long long)addr, (unsigned long long)size);
	int tmo = 60000 + (int)(size >> 20) * 2000;
	if (mtd_console_run(c, cmd, tmo, "==>", out, &d)) {
		snprintf(msg, msize, "%s", d.msg);
		return -1;
	}
	const char *p = strstr(mtd_buf_str(out), "==>");
	p += 3;
	while (*p == ' ')
		p++;
	char hex[16];
	size_t n = 0;
	while (n < 8 && ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f') || (p[n] >= 'A' && p[n] <= 'F')))
		n++;
	memcpy(hex, "0x", 2);
	memcpy(hex + 2, p, n);
	hex[n + 2] = '\0';
	uint64_t v;
	if (n != 8 || mtd_parse_u64(hex, UINT32_MAX, &v)) {
		snprintf(msg, msize, "cannot read U-Boot's answer");
		return -1;
	}
	*crc = (uint32_t)v;
	return 0;
}

/* A hex number of a plan line's word. */
static bool hexword(const char *w, uint64_t *v)
{
	return w && mtd_parse_u64(w, UINT64_MAX, v) == 0;
}

/* The next line of a plan's text into line (cut to size), advancing *pp past it. */
static void next_line(const char **pp, char *line, size_t size)
{
	const char *p = *pp;
	const char *nl = strchr(p, '\n');
	size_t ll = nl ? (size_t)(nl - p) : strlen(p);
	snprintf(line, size, "%.*s", (int)(ll < size ? ll : size - 1), p);
	*pp = nl ? nl + 1 : p + ll;
}

/*
 * A partition line of 'plan --via uboot': "# NAME: 0xOFF-0xEND, CRC32 XXXXXXXX ..." with
 * OFF < END <= len.  crc (when not NULL) must parse too; name gets NAME (cut to nsize).
 */
static bool plan_part_line(const char *line, uint64_t len, uint64_t *off, uint64_t *end, uint32_t *crc, char *name,
                           size_t nsize)
{
	const char *q = strstr(line, ": 0x");
	const char *cs = strstr(line, ", CRC32 ");
	if (line[0] != '#' || !q || !cs)
		return false;
	char a[24], b[24], h[16];
	const char *dash = strchr(q + 2, '-');
	const char *comma = dash ? strchr(dash, ',') : NULL;
	if (!dash || !comma || (size_t)(dash - q - 2) >= sizeof(a) || (size_t)(comma - dash - 1) >= sizeof(b))
		return false;
	snprintf(a, sizeof(a), "%.*s", (int)(dash - q - 2), q + 2);
	snprintf(b, sizeof(b), "%.*s", (int)(comma - dash - 1), dash + 1);
	if (!hexword(a, off) || !hexword(b, end) || *end <= *off || *end > len)
		return false;
	if (crc) {
		uint64_t c32;
		snprintf(h, sizeof(h), "0x%.8s", cs + 8);
		if (!hexword(h, &c32))
			return false;
		*crc = (uint32_t)c32;
	}
	if (name)
		snprintf(name, nsize, "%.*s",
		         (int)(q - line - 2 < (ptrdiff_t)nsize - 1 ? q - line - 2 : (ptrdiff_t)nsize - 1), line + 2);
	return true;
}

/* What U-Boot prints when a flash command went wrong. */
static const char *flash_failure(const char *o)
{
	static const char *const bad[] = {"rror",       "Unknown command", "failed",  "FAILED",
	                                  "not erased", "Invalid",         "Timeout", "timeout",
	                                  "Can't",      "not supported",   NULL};
	for (size_t i = 0; bad[i]; i++)
		if (strstr(o, bad[i]))
			return bad[i];
	return NULL;
}

/*
 * --write: the lines of 'mtdscope plan --via uboot' run at the prompt.  A comment
 * "# NAME: 0xOFF-0xEND, CRC32 X: ..." names the partition the next tftpboot loads (sent
 * over the line instead) and the CRC its crc32 must print; "# the crc32 below must print
 * X again" the read-back's; a crc32 with no CRC to match is a backup's, reported; tftpput
 * (a backup saved over the network) cannot be done over the line and is said so.
 */
static int run_plan(struct serial_ctx *sc, struct report *rep, const struct mtd_layout *l, struct mtd_plan_options *po,
                    const uint8_t *img, size_t len, uint64_t loadaddr, bool have_ram, uint64_t ram_start, uint64_t top,
                    struct mtd_buf *out)
{
	struct mtd_diag d;
	mtd_diag_clear(&d);
	po->via = MTD_PLAN_UBOOT;
	po->load_addr = loadaddr;
	if (have_ram) {
		po->ram_base = ram_start;
		po->ram_size = top + (4u << 20) - ram_start; /* the plan keeps its own 4 MiB below U-Boot */
	}
	po->image_name = sc->name;
	struct mtd_buf pb;
	mtd_buf_init(&pb, 4u << 20);
	int ret = -1;
	if (mtd_layout_plan(l, img, len, po, &pb, &d)) {
		step(rep, false, "plan", "%s", d.msg);
		goto out;
	}
	const char *text = mtd_buf_str(&pb);
	/* first pass: what is written, and how long sending it takes */
	double est = 0;
	uint64_t wire = 0, total = 0;
	unsigned nparts = 0, ncmds = 0;
	for (const char *p = text; *p;) {
		char line[512];
		next_line(&p, line, sizeof(line));
		uint64_t off, end;
		if (plan_part_line(line, len, &off, &end, NULL, NULL, 0)) {
			uint64_t w;
			est += mtd_xfer_estimate(sc->proto, img + off, (size_t)(end - off),
			                         sc->proto == MTD_XFER_KERMIT ? 9024 : 1024,
			                         sc->co->baud ? sc->co->baud : 115200, 0.005, &w);
			wire += w;
			total += end - off;
			nparts++;
		} else if (line[0] && line[0] != '#') {
			ncmds++;
		}
	}
	const char *wl = strstr(text, "# written: ");
	char written[256] = "";
	if (wl) {
		wl += strlen("# written: ");
		size_t n = strcspn(wl, "\n");
		snprintf(written, sizeof(written), "%.*s", (int)(n < sizeof(written) ? n : sizeof(written) - 1), wl);
	}
	char dur[32];
	fmt_dur(est, dur, sizeof(dur));
	step(rep, true, "plan",
	     "writes %s (%u partition%s, %llu bytes): %u U-Boot commands of 'mtdscope plan --via uboot%s'", written,
	     nparts, nparts == 1 ? "" : "s", (unsigned long long)total, ncmds, po->sf ? "" : " --cp");
	step(rep, true, "estimate", "%s over the serial line: %llu bytes on the wire, at %u baud 8N1 about %s%s",
	     sc->proto == MTD_XFER_KERMIT ? "Kermit" : "YMODEM", (unsigned long long)wire,
	     sc->co->baud ? sc->co->baud : 115200, dur,
	     sc->co->line ? "" : " (a program's pty has no line speed: it will be quicker)");
	sc->estimate = est;
	sc->est_wire = wire;

	/* second pass: run it */
	uint64_t poff = 0, psize = 0;
	uint32_t pcrc = 0, want = 0;
	bool have_part = false, have_want = false;
	char pname[80] = "";
	unsigned backups = 0, tftpputs = 0;
	for (const char *p = text; *p;) {
		char line[512];
		next_line(&p, line, sizeof(line));
		if (!line[0])
			continue;
		char msg[1024];
		if (line[0] == '#') {
			const char *again = "# the crc32 below must print ";
			uint64_t off, end, c32;
			if (strstr(line, ": 0x") && strstr(line, ", CRC32 ")) {
				if (plan_part_line(line, len, &off, &end, &pcrc, pname, sizeof(pname))) {
					poff = off;
					psize = end - off;
					have_part = true;
				}
			} else if (!strncmp(line, again, strlen(again))) {
				char h[16];
				snprintf(h, sizeof(h), "0x%.8s", line + strlen(again));
				if (hexword(h, &c32)) {
					want = (uint32_t)c32;
					have_want = true;
				}
			}
			continue;
		}
		char words[6][96];
		int nw = 0;
		for (const char *w = line; *w && nw < 6;) {
			while (*w == ' ')
				w++;
			size_t n = strcspn(w, " ");
			if (!n)
				break;
			snprintf(words[nw++], sizeof(words[0]), "%.*s", (int)(n < 95 ? n : 95), w);
			w += n;
		}
		uint64_t a1, a2;
		if (!strcmp(words[0], "tftpput")) {
			tftpputs++;
			continue;
		}
		if (!strcmp(words[0], "tftpboot")) {
			if (!have_part || nw < 2 || !hexword(words[1], &a1)) {
				step(rep, false, "plan", "cannot follow the plan at '%s'", line);
				goto out;
			}
			const char *sn;
			int lrc = serial_load(sc, a1, img + poff, (size_t)psize, &sn, msg, sizeof(msg));
			step(rep, lrc == 0, sn, "%s: %s", pname, msg);
			if (lrc)
				goto out;
			want = pcrc;
			have_want = true;
			have_part = false;
			continue;
		}
		if (!strcmp(words[0], "crc32") && nw >= 3 && hexword(words[1], &a1) && hexword(words[2], &a2)) {
			uint32_t got;
			if (uboot_crc32(sc->c, a1, a2, out, &got, msg, sizeof(msg))) {
				step(rep, false, "crc32", "%s", msg);
				goto out;
			}
			if (have_want) {
				if (got != want) {
					step(rep, false, "crc32",
					     "%s: U-Boot's crc32 of 0x%llx bytes at 0x%llx is %08x, the image's %08x: "
					     "stop "
					     "here (the flash holds what it held before this partition's erase, or "
					     "less)",
					     pname, (unsigned long long)a2, (unsigned long long)a1, got, want);
					goto out;
				}
				step(rep, true, "crc32",
				     "%s: U-Boot's %08x over 0x%llx bytes at 0x%llx equals the image's", pname, got,
				     (unsigned long long)a2, (unsigned long long)a1);
				have_want = false;
			} else {
				backups++;
				step(rep, true, "backup crc32",
				     "0x%llx bytes at 0x%llx read before writing: CRC-32 %08x (note it: over the "
				     "serial line "
				     "U-Boot cannot send the backup back)",
				     (unsigned long long)a2, (unsigned long long)a1, got);
			}
			continue;
		}
		/* sf probe, sf read/erase/write, protect, erase, cp.b: checked by what they print */
		if (mtd_console_run(sc->c, line, 600000, NULL, out, &d)) {
			step(rep, false, words[0], "%s", d.msg);
			goto out;
		}
		const char *o = mtd_buf_str(out);
		const char *bad = flash_failure(o);
		size_t ol = strlen(o);
		while (ol && (o[ol - 1] == '\n' || o[ol - 1] == ' '))
			ol--;
		size_t ls = ol;
		while (ls && o[ls - 1] != '\n')
			ls--;
		if (bad) {
			step(rep, false, words[0], "'%s' printed '%s': '%.*s'", line, bad,
			     (int)(ol - ls > 200 ? 200 : ol - ls), o + ls);
			goto out;
		}
		step(rep, true, words[0], "%s%s%.*s", line, ol > ls ? ": " : "", (int)(ol - ls > 200 ? 200 : ol - ls),
		     o + ls);
	}
	step(rep, true, "written", "%s: every crc32 matched; %u backup region%s read and CRC'd%s", written, backups,
	     backups == 1 ? "" : "s",
	     tftpputs ? ", not saved (tftpput needs the network: dump them beforehand if you need them)" : "");
	ret = 0;
out:
	mtd_buf_release(&pb);
	return ret;
}

int cmd_netboot(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"image", required_argument, NULL, 'f'},
	    {"line", required_argument, NULL, 'L'},
	    {"baud", required_argument, NULL, 'b'},
	    {"exec", required_argument, NULL, 'e'},
	    {"ipaddr", required_argument, NULL, 'I'},
	    {"serverip", required_argument, NULL, 'S'},
	    {"bind", required_argument, NULL, 'B'},
	    {"port", required_argument, NULL, 'p'},
	    {"loadaddr", required_argument, NULL, 'a'},
	    {"blksize", required_argument, NULL, 'k'},
	    {"windowsize", required_argument, NULL, 'W'},
	    {"interrupt", required_argument, NULL, 'i'},
	    {"interrupt-from-start", no_argument, NULL, 'F'},
	    {"interrupt-after-countdown", no_argument, NULL, 'G'},
	    {"prompt", required_argument, NULL, 'P'},
	    {"wait", required_argument, NULL, 'w'},
	    {"window", required_argument, NULL, 'x'},
	    {"bootargs", required_argument, NULL, 'A'},
	    {"no-boot", no_argument, NULL, 'n'},
	    {"expect-boot", required_argument, NULL, 'E'},
	    {"boot-timeout", required_argument, NULL, 'T'},
	    {"log", required_argument, NULL, 'l'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"json", no_argument, NULL, 'j'},
	    {"via", required_argument, NULL, 'V'},
	    {"protocol", required_argument, NULL, 'R'},
	    {"xfer-timeout", required_argument, NULL, 'X'},
	    {"write", no_argument, NULL, 'Y'},
	    {"layout", required_argument, NULL, 'y'},
	    {"kind", required_argument, NULL, 'K'},
	    {"flash-size", required_argument, NULL, 'Z'},
	    {"only", required_argument, NULL, 'O'},
	    {"also", required_argument, NULL, 'U'},
	    {"force", no_argument, NULL, 'Q'},
	    {"cp", no_argument, NULL, 'C'},
	    {"flash-base", required_argument, NULL, 'M'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool serial = false, write_plan = false;
	const char *lay_path = NULL, *lay_kind = NULL, *lay_size = NULL;
	struct mtd_plan_options po;
	mtd_plan_options_init(&po);
	struct mtd_layout *layout = NULL;
	enum mtd_xfer_proto proto = MTD_XFER_YMODEM;
	int xfer_timeout_ms = 10000;
	struct mtd_console_options co;
	struct mtd_console_stop_options so;
	struct console_view view;
	struct mtd_tftp_options to;
	const char *image = NULL, *ipaddr = NULL, *serverip = NULL, *bootargs = NULL, *expect_boot = NULL;
	const char *log_path = NULL;
	struct cli_log lg = {.f = NULL};
	char intr[64], prompt[64];
	uint64_t v, loadaddr = 0, blksize = 0, windowsize = 0;
	bool have_loadaddr = false, no_boot = false, json = false;
	int boot_timeout_ms = 60000;
	mtd_console_options_init(&co);
	mtd_console_stop_options_init(&so);
	int from_start = -1; /* -1: by the interrupt (a word: from power-on) */
	console_view_init(&view);
	mtd_tftp_options_init(&to);
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': image = optarg; break;
		case 'L': co.line = optarg; break;
		case 'b':
			if (mtd_parse_u64(optarg, 4000000, &v) || !v)
				return cli_usage_error("netboot", "--baud takes a line speed, not '%s'", optarg);
			co.baud = (unsigned)v;
			break;
		case 'e': co.exec = optarg; break;
		case 'I': ipaddr = optarg; break;
		case 'S': serverip = optarg; break;
		case 'B': to.bind_addr = optarg; break;
		case 'p':
			if (mtd_parse_u64(optarg, 65535, &v) || !v)
				return cli_usage_error("netboot", "--port takes a number from 1 to 65535, not '%s'",
				                       optarg);
			to.port = (uint16_t)v;
			break;
		case 'a':
			if (mtd_parse_u64(optarg, UINT32_MAX, &loadaddr))
				return cli_usage_error(
				    "netboot", "--loadaddr takes an address such as 0x80a00000, not '%s'", optarg);
			have_loadaddr = true;
			break;
		case 'k':
			if (mtd_parse_u64(optarg, MTD_TFTP_BLKSIZE_MAX, &blksize) || blksize < 8)
				return cli_usage_error("netboot", "--blksize takes 8 to 65464, not '%s'", optarg);
			break;
		case 'W':
			if (mtd_parse_u64(optarg, 64, &windowsize) || !windowsize)
				return cli_usage_error("netboot", "--windowsize takes 1 to 64, not '%s'", optarg);
			break;
		case 'i':
			if (!console_unescape(optarg, intr, sizeof(intr)))
				return cli_usage_error("netboot", "--interrupt takes a short string, not '%s'", optarg);
			so.interrupt = intr;
			break;
		case 'F': from_start = 1; break;
		case 'G': from_start = 0; break;
		case 'P':
			snprintf(prompt, sizeof(prompt), "%s", optarg);
			so.prompt = prompt;
			break;
		case 'w':
		case 'x':
		case 'T':
			if (mtd_parse_u64(optarg, 86400, &v) || !v)
				return cli_usage_error("netboot", "expected seconds, not '%s'", optarg);
			if (ch == 'w')
				so.wait_ms = (int)v * 1000;
			else if (ch == 'x')
				so.window_ms = (int)v * 1000;
			else
				boot_timeout_ms = (int)v * 1000;
			break;
		case 'A': bootargs = optarg; break;
		case 'n': no_boot = true; break;
		case 'E': expect_boot = optarg; break;
		case 'l': log_path = optarg; break;
		case 'v': view.live = true; break;
		case 'j': json = true; break;
		case 'V':
			if (strcmp(optarg, "serial") && strcmp(optarg, "tftp"))
				return cli_usage_error("netboot", "--via takes tftp or serial, not '%s'", optarg);
			serial = !strcmp(optarg, "serial");
			break;
		case 'R':
			if (strcmp(optarg, "ymodem") && strcmp(optarg, "kermit"))
				return cli_usage_error("netboot", "--protocol takes ymodem or kermit, not '%s'",
				                       optarg);
			proto = strcmp(optarg, "kermit") ? MTD_XFER_YMODEM : MTD_XFER_KERMIT;
			break;
		case 'X':
			if (mtd_parse_u64(optarg, 600, &v) || !v)
				return cli_usage_error("netboot", "--xfer-timeout takes 1 to 600 seconds, not '%s'",
				                       optarg);
			xfer_timeout_ms = (int)v * 1000;
			break;
		case 'Y': write_plan = true; break;
		case 'y': lay_path = optarg; break;
		case 'K': lay_kind = optarg; break;
		case 'Z': lay_size = optarg; break;
		case 'O':
		case 'U':
			if ((ch == 'O' ? po.nonly : po.nalso) == 16)
				return cli_usage_error("netboot", "at most 16 --only and 16 --also");
			if (ch == 'O')
				po.only[po.nonly++] = optarg;
			else
				po.also[po.nalso++] = optarg;
			break;
		case 'Q': po.force = true; break;
		case 'C': po.sf = false; break;
		case 'M':
			if (mtd_parse_u64(optarg, UINT32_MAX, &v))
				return cli_usage_error("netboot", "--flash-base takes an address such as 0xbc000000");
			po.flash_base = v;
			break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("netboot", "bad option");
		}
	}
	so.from_start = from_start < 0 ? console_interrupt_is_word(so.interrupt) : from_start == 1;
	if (optind != argc)
		return cli_usage_error("netboot", "unexpected argument '%s'", argv[optind]);
	if (!image)
		return cli_usage_error("netboot", "--image FILE is required");
	if (!!co.line == !!co.exec)
		return cli_usage_error("netboot", "give one of --line DEV or --exec CMD");
	if (write_plan && (!serial || !lay_path))
		return cli_usage_error("netboot",
		                       "--write needs --via serial and --layout L (the flash layout of the image)");
	if (!write_plan && (lay_path || po.nonly || po.nalso || !po.sf))
		return cli_usage_error("netboot", "--layout, --only, --also and --cp go with --write");
	if (co.line)
		so.nudge_ms = 3000;
	if (json)
		view.live = false;
	/* Everything that goes into a U-Boot command line: addresses as addresses, bootargs without
	 * what one U-Boot parser or another takes as syntax (mtdscope/quote.h). */
	struct in_addr ia;
	if (ipaddr && inet_pton(AF_INET, ipaddr, &ia) != 1)
		return cli_usage_error("netboot", "--ipaddr takes an IPv4 address, not '%s'", ipaddr);
	if (serverip && inet_pton(AF_INET, serverip, &ia) != 1)
		return cli_usage_error("netboot", "--serverip takes an IPv4 address, not '%s'", serverip);
	if (bootargs && !mtd_uboot_text_ok(bootargs))
		return cli_usage_error(
		    "netboot", "--bootargs cannot hold ; $ quotes a backslash # or control characters: U-Boot 1.1.x "
		               "splits its command line on ';' and has no quoting for them");

	static struct report rep;
	memset(&rep, 0, sizeof(rep));
	rep.json = json;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	int rc = CLI_FAIL;
	struct mtd_tftp_server *srv = NULL;
	struct mtd_console *c = NULL;
	pthread_t th;
	bool th_started = false;
	struct mtd_buf out;
	mtd_buf_init(&out, 1 << 20);
	struct nb_state st;
	memset(&st, 0, sizeof(st));
	pthread_mutex_init(&st.lock, NULL);
	net_render_init(&st.nr);
	st.nr.json = json; /* server events as JSON lines on stderr, the report on stdout */
	st.nr.out = json ? stderr : stdout;
	uint32_t uboot_crc = 0;
	char name[256], shown[256];
	struct mtd_source isrc;
	bool have_isrc = false;
	static struct mtd_xfer_result xr;
	memset(&xr, 0, sizeof(xr));
	struct serial_ctx sc;
	memset(&sc, 0, sizeof(sc));
	sc.co = &co;
	sc.proto = proto;
	sc.json = json;
	sc.timeout_ms = xfer_timeout_ms;
	sc.name = name;
	sc.xr = &xr;
	double estimate = 0;
	uint64_t est_wire = 0;

	/* 1. The image. */
	struct image_info im;
	if (cli_input(image))
		goto done;
	if (read_image(image, &im, &d)) {
		cli_diag(&d);
		goto done;
	}
	if (log_path && mtd_inputs_check(cli_inputs(), log_path, &d)) { /* before any server starts */
		cli_diag(&d);
		goto done;
	}
	{
		const char *b = strrchr(image, '/');
		snprintf(shown, sizeof(shown), "%s", b ? b + 1 : image);
		/* the name asked for in tftpboot: the server serves the image for any name, so it is made
		 * safe to type into U-Boot whatever the file is called */
		mtd_safe_filename(shown, "image.bin", "", name, sizeof(name));
		char hs[24];
		mtd_format_size(im.size, hs, sizeof(hs));
		if (im.uimage)
			step(&rep, true, "image",
			     "%s: %llu bytes (%s), CRC-32 %08x; uImage '%s' load 0x%08x entry 0x%08x%s", shown,
			     (unsigned long long)im.size, hs, im.crc, im.name, im.load, im.ep,
			     im.decompressed ? "" : ", decompressed size unknown");
		else
			step(&rep, true, "image", "%s: %llu bytes (%s), CRC-32 %08x; not a uImage", shown,
			     (unsigned long long)im.size, hs, im.crc);
	}

	if (serial) {
		/* 2. How long it will take, said before anything starts. */
		if (mtd_source_open(&isrc, image, &d)) {
			cli_diag(&d);
			goto done;
		}
		have_isrc = true;
		if (write_plan) {
			int lr = cli_load_layout("netboot", lay_path, lay_kind, lay_size, &layout);
			if (lr) {
				rc = lr;
				goto done;
			}
			goto console; /* the estimate comes with the plan, once U-Boot's RAM is known */
		}
		unsigned eb = co.baud ? co.baud : 115200;
		estimate = mtd_xfer_estimate(proto, isrc.data, isrc.size, proto == MTD_XFER_KERMIT ? 9024 : 1024, eb,
		                             0.005, &est_wire);
		char dur[32];
		fmt_dur(estimate, dur, sizeof(dur));
		step(&rep, true, "estimate",
		     "%s over the serial line: %llu bytes on the wire (%s), at %u baud 8N1 about %s%s",
		     proto == MTD_XFER_KERMIT ? "Kermit" : "YMODEM", (unsigned long long)est_wire,
		     proto == MTD_XFER_KERMIT ? "control bytes prefixed, packets of up to 9024"
		                              : "1 KiB blocks of 1029 bytes with CRC-16",
		     eb, dur, co.line ? "" : " (a program's pty has no line speed: it will be quicker)");
		goto console;
	}

	/* 2. The TFTP server, before the console: a busy port fails before the board is touched. */
	to.any_name_file = image;
	to.event = on_tftp;
	to.ctx = &st;
	to.max_blksize = MTD_TFTP_BLKSIZE_MAX;
	if (mtd_tftp_server_open(&srv, &to, &d)) {
		step(&rep, false, "tftp server", "%s", d.msg);
		goto done;
	}
	if (pthread_create(&th, NULL, server_thread, srv) != 0) {
		step(&rep, false, "tftp server", "cannot start the server thread");
		goto done;
	}
	th_started = true;
	step(&rep, true, "tftp server", "listening on %s port %u, serving %s for any name asked",
	     to.bind_addr ? to.bind_addr : "0.0.0.0", mtd_tftp_server_port(srv), name);

	/* 3. The console and the prompt. */
console:
	if (log_path) {
		struct mtd_diag ld;
		mtd_diag_clear(&ld);
		view.log = cli_log_open(&lg, log_path, &ld);
		if (!view.log) {
			char m[800];
			mtd_diag_format(&ld, m, sizeof(m));
			step(&rep, false, "console", "%s", m);
			goto done;
		}
	}
	console_view_attach(&view, &co);
	signal(SIGPIPE, SIG_IGN);
	if (mtd_console_open(&c, &co, &d)) {
		step(&rep, false, "console", "%s", d.msg);
		goto done;
	}
	sc.c = c;
	sc.estimate = estimate;
	struct mtd_console_stop_result sr;
	if (mtd_console_stop_autoboot(c, &so, &sr, &d)) {
		step(&rep, false, "stop autoboot", "%s", d.msg);
		goto fail_tail;
	}
	if (so.from_start)
		step(&rep, true, "stop autoboot",
		     "prompt '%s' at %.1f s; the interrupt '%s' sent from power-on, %u bursts", sr.prompt, sr.prompt_at,
		     so.interrupt[0] == 3 ? "^C" : so.interrupt, sr.bursts);
	else if (sr.saw_autoboot)
		step(&rep, true, "stop autoboot", "prompt '%s' at %.1f s; '%s' at %.1f s, %u interrupt bursts",
		     sr.prompt, sr.prompt_at, sr.autoboot, sr.autoboot_at, sr.bursts);
	else
		step(&rep, true, "stop autoboot", "prompt '%s' at %.1f s (no autoboot countdown)", sr.prompt,
		     sr.prompt_at);

	/* 4. RAM and environment. */
	if (mtd_console_run(c, "bdinfo", 10000, NULL, &out, &d)) {
		step(&rep, false, "bdinfo", "%s", d.msg);
		goto fail_tail;
	}
	uint64_t ram_start = 0, ram_size = 0, reloc = 0;
	const char *bd = mtd_buf_str(&out);
	bool have_ram = (find_hex(bd, "-> start", &ram_start) || find_hex(bd, "memstart", &ram_start)) &&
	                (find_hex(bd, "-> size", &ram_size) || find_hex(bd, "memsize", &ram_size));
	find_hex(bd, "relocaddr", &reloc);
	if (have_ram && ram_start < 0x80000000u && ram_start + ram_size <= 0x20000000u)
		ram_start += 0x80000000u; /* MIPS: physical 0 is seen through KSEG0 */
	char env_ip[64] = "", env_server[64] = "", env_load[64] = "";
	if (mtd_console_run(c, "printenv", 10000, NULL, &out, &d) == 0) {
		const char *e = mtd_buf_str(&out);
		env_get(e, "ipaddr", env_ip, sizeof(env_ip));
		env_get(e, "serverip", env_server, sizeof(env_server));
		env_get(e, "loadaddr", env_load, sizeof(env_load));
	}

	/* 5. The load address: in RAM, below U-Boot, clear of the decompressed kernel. */
	uint64_t bottom = 0, top = 0;
	if (have_ram) {
		top = ram_start + ram_size;
		if (reloc > ram_start && reloc < top)
			top = reloc;
		top = top > ram_start + (4u << 20) ? top - (4u << 20) : ram_start; /* malloc area and stack */
		bottom = ram_start + (1u << 20);
		if (im.uimage && im.load >= ram_start && im.load < top) {
			uint64_t kend = im.load + (im.decompressed ? im.decompressed : 4 * (im.size - 64));
			bottom = align_up(kend, 1u << 20) + (1u << 20);
		}
	}
	if (!have_loadaddr) {
		uint64_t cand = 0;
		if (env_load[0]) {
			char hx[80];
			snprintf(hx, sizeof(hx), "%s%s", strncmp(env_load, "0x", 2) ? "0x" : "", env_load);
			if (mtd_parse_u64(hx, UINT32_MAX, &cand))
				cand = 0;
		}
		if (!have_ram) {
			step(&rep, false, "load address", "bdinfo did not say where RAM is; give --loadaddr");
			goto fail_tail;
		}
		if (!(cand >= bottom && cand + im.size <= top)) {
			cand = align_up(bottom > ram_start + (16u << 20) ? bottom : ram_start + (16u << 20), 1u << 20);
			if (cand + im.size > top)
				cand = align_up(bottom, 1u << 20);
		}
		if (cand + im.size > top) {
			step(&rep, false, "load address",
			     "%llu bytes do not fit between 0x%08llx (end of the decompressed kernel) and 0x%08llx "
			     "(below "
			     "U-Boot)",
			     (unsigned long long)im.size, (unsigned long long)bottom, (unsigned long long)top);
			goto fail_tail;
		}
		loadaddr = cand;
	} else if (have_ram && (loadaddr < ram_start || loadaddr + im.size > top)) {
		step(&rep, false, "load address",
		     "0x%08llx + %llu bytes is not inside RAM below U-Boot (0x%08llx-0x%08llx)",
		     (unsigned long long)loadaddr, (unsigned long long)im.size, (unsigned long long)ram_start,
		     (unsigned long long)top);
		goto fail_tail;
	} else if (im.uimage && loadaddr < bottom && loadaddr + im.size > im.load) {
		step(&rep, false, "load address", "0x%08llx overlaps the kernel decompressed at 0x%08x up to 0x%08llx",
		     (unsigned long long)loadaddr, im.load, (unsigned long long)bottom);
		goto fail_tail;
	}
	if (have_ram)
		step(&rep, true, "load address", "0x%08llx (RAM 0x%08llx + %llu MiB, usable up to 0x%08llx%s)",
		     (unsigned long long)loadaddr, (unsigned long long)ram_start, (unsigned long long)(ram_size >> 20),
		     (unsigned long long)top, im.uimage ? ", above the decompressed kernel" : "");
	else
		step(&rep, true, "load address", "0x%08llx (given)", (unsigned long long)loadaddr);

	if (write_plan) {
		if (run_plan(&sc, &rep, layout, &po, isrc.data, (size_t)isrc.size, loadaddr, have_ram, ram_start, top,
		             &out))
			goto fail_tail;
		rc = CLI_OK;
		goto done;
	}
	if (serial && !write_plan) {
		const char *sn;
		char msg[1024];
		int lrc = serial_load(&sc, loadaddr, isrc.data, (size_t)isrc.size, &sn, msg, sizeof(msg));
		step(&rep, lrc == 0, sn, "%s", msg);
		if (lrc)
			goto fail_tail;
		goto crc;
	}

	/* 6. Network settings. */
	/* the board's own values come from its console output: used only when they are addresses */
	if (!ipaddr)
		ipaddr = env_ip[0] && inet_pton(AF_INET, env_ip, &ia) == 1 ? env_ip : NULL;
	if (!serverip)
		serverip = env_server[0] && inet_pton(AF_INET, env_server, &ia) == 1 ? env_server : NULL;
	if (!ipaddr || !serverip) {
		step(&rep, false, "network", "U-Boot has no %s; give --ipaddr and --serverip",
		     ipaddr ? "serverip" : "ipaddr");
		goto fail_tail;
	}
	{
		char cmd[256];
		const char *sets[4][2] = {{"ipaddr", ipaddr}, {"serverip", serverip}, {NULL, NULL}, {NULL, NULL}};
		char bs[24], ws[24], port[24];
		int k = 2;
		snprintf(port, sizeof(port), "%u", to.port);
		if (to.port != 69) {
			sets[k][0] = "tftpdstp";
			sets[k++][1] = port;
		}
		for (int i = 0; i < k; i++) {
			snprintf(cmd, sizeof(cmd), "setenv %s %s", sets[i][0], sets[i][1]);
			if (mtd_console_run(c, cmd, 5000, NULL, NULL, &d)) {
				step(&rep, false, "network", "%s", d.msg);
				goto fail_tail;
			}
		}
		if (blksize) {
			snprintf(bs, sizeof(bs), "%llu", (unsigned long long)blksize);
			snprintf(cmd, sizeof(cmd), "setenv tftpblocksize %s", bs);
			if (mtd_console_run(c, cmd, 5000, NULL, NULL, &d)) {
				step(&rep, false, "network", "%s", d.msg);
				goto fail_tail;
			}
		}
		if (windowsize) {
			snprintf(ws, sizeof(ws), "%llu", (unsigned long long)windowsize);
			snprintf(cmd, sizeof(cmd), "setenv tftpwindowsize %s", ws);
			if (mtd_console_run(c, cmd, 5000, NULL, NULL, &d)) {
				step(&rep, false, "network", "%s", d.msg);
				goto fail_tail;
			}
		}
		step(&rep, true, "network", "ipaddr %s, serverip %s%s%s%s%s", ipaddr, serverip,
		     to.port != 69 ? ", tftpdstp " : "", to.port != 69 ? port : "", blksize ? ", tftpblocksize " : "",
		     blksize ? bs : "");
	}

	/* 7. tftpboot, checked by its byte count and by the server's own count. */
	{
		char cmd[512], want[64];
		snprintf(cmd, sizeof(cmd), "tftpboot 0x%08llx %s", (unsigned long long)loadaddr, name);
		snprintf(want, sizeof(want), "Bytes transferred = %llu", (unsigned long long)im.size);
		int tmo = 30000 + (int)(im.size / 50000) * 1000;
		if (mtd_console_run(c, cmd, tmo, want, &out, &d)) {
			pthread_mutex_lock(&st.lock);
			step(&rep, false, "tftpboot", "%s%s%s", d.msg, st.last_fail[0] ? "; server: " : "",
			     st.last_fail);
			pthread_mutex_unlock(&st.lock);
			goto fail_tail;
		}
		/* The server logs DONE when the last ACK arrives: give it a moment. */
		for (int i = 0; i < 50; i++) {
			pthread_mutex_lock(&st.lock);
			bool seen = st.done_count > 0;
			pthread_mutex_unlock(&st.lock);
			if (seen)
				break;
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		pthread_mutex_lock(&st.lock);
		uint64_t sb = st.done_bytes;
		unsigned cnt = st.done_count;
		pthread_mutex_unlock(&st.lock);
		if (cnt == 0 || sb != im.size) {
			step(&rep, false, "tftpboot", "U-Boot says %s, but the server %s", want,
			     cnt ? "counted another size" : "saw no finished transfer");
			goto fail_tail;
		}
		const char *o = mtd_buf_str(&out);
		const char *rate = strstr(o, "/s");
		char rtxt[32] = "";
		if (rate) {
			const char *rs = rate;
			while (rs > o && rs[-1] != '\n' && rs[-1] != '\t')
				rs--;
			while (*rs == ' ')
				rs++;
			size_t rl = (size_t)(rate - rs) + 2;
			if (rl < sizeof(rtxt)) {
				memcpy(rtxt, rs, rl);
				rtxt[rl] = '\0';
			}
		}
		step(&rep, true, "tftpboot", "%llu bytes to 0x%08llx%s%s", (unsigned long long)im.size,
		     (unsigned long long)loadaddr, rtxt[0] ? ", U-Boot measured " : "", rtxt);
	}

	/* 8. U-Boot's CRC-32 of what it holds against ours. */
crc:
	if (!write_plan) {
		char msg[1024];
		if (uboot_crc32(c, loadaddr, im.size, &out, &uboot_crc, msg, sizeof(msg))) {
			step(&rep, false, "crc32", "%s", msg);
			goto fail_tail;
		}
		if (uboot_crc != im.crc) {
			step(&rep, false, "crc32",
			     "U-Boot computed %08x over what it received, the file has %08x: do not boot it", uboot_crc,
			     im.crc);
			goto fail_tail;
		}
		step(&rep, true, "crc32", "U-Boot's %08x equals the file's", uboot_crc);
	}

	/* 9. bootm. */
	if (!no_boot) {
		char cmd[1100];
		if (bootargs) {
			snprintf(cmd, sizeof(cmd), "setenv bootargs %s", bootargs);
			if (mtd_console_run(c, cmd, 5000, NULL, NULL, &d)) {
				step(&rep, false, "bootm", "%s", d.msg);
				goto fail_tail;
			}
		}
		snprintf(cmd, sizeof(cmd), "bootm 0x%08llx%s", (unsigned long long)loadaddr, co.eol);
		mtd_console_consume(c);
		if (mtd_console_send(c, cmd, strlen(cmd), &d)) {
			step(&rep, false, "bootm", "%s", d.msg);
			goto fail_tail;
		}
		char back[80];
		snprintf(back, sizeof(back), "\n%s", mtd_console_prompt(c));
		/*
		 * Where U-Boot hands over: "Starting kernel" (most boards and U-Boot 1.1.3),
		 * "Transferring control to Linux" (older MIPS), "Loading Kernel Image" (MIPS in
		 * U-Boot 2023 says nothing after it), "Uncompressing Kernel Image ... OK".
		 */
		const char *pats[] = {"Starting kernel",
		                      "Transferring control to Linux",
		                      "Loading Kernel Image",
		                      "Uncompressing Kernel Image ... OK",
		                      "Bad Magic Number",
		                      "Bad Data CRC",
		                      "Bad Header Checksum",
		                      "Wrong Image",
		                      "Unsupported",
		                      "ERROR",
		                      back};
		enum { NSTART = 4 };
		int which = -1;
		size_t npats = sizeof(pats) / sizeof(pats[0]);
		if (mtd_console_expect(c, pats, npats, boot_timeout_ms, &which, &d) || which >= NSTART) {
			if (which >= NSTART)
				step(&rep, false, "bootm", "%s",
				     which == (int)npats - 1 ? "U-Boot returned to its prompt" : pats[which]);
			else
				step(&rep, false, "bootm", "U-Boot did not hand over to the kernel within %d s",
				     boot_timeout_ms / 1000);
			goto fail_tail;
		}
		if (expect_boot) {
			const char *p2[] = {expect_boot};
			if (mtd_console_expect(c, p2, 1, boot_timeout_ms, NULL, &d)) {
				step(&rep, false, "bootm", "'%s' seen, but not '%s' within %d s", pats[which],
				     expect_boot, boot_timeout_ms / 1000);
				goto fail_tail;
			}
			/* the rest of that line */
			size_t n = 0;
			const char *pend = mtd_console_pending(c, &n);
			for (int i = 0; i < 100 && !memchr(pend, '\n', n); i++) {
				size_t got;
				if (mtd_console_pump(c, 20, &got, NULL))
					break;
				pend = mtd_console_pending(c, &n);
			}
			size_t l = 0;
			while (l < n && l < 120 && pend[l] != '\n' && pend[l] != '\r')
				l++;
			step(&rep, true, "bootm", "the kernel started: '%s%.*s'", expect_boot, (int)l, pend);
		} else {
			step(&rep, true, "bootm", "'%s' at %.1f s", pats[which], mtd_console_elapsed(c));
		}
	}
	rc = CLI_OK;
	goto done;

fail_tail:
	if (!json)
		console_view_tail(c, 12);
done:
	if (json) {
		struct mtd_buf b;
		struct mtd_json j;
		mtd_buf_init(&b, 2 << 20);
		mtd_json_init(&j, &b, false);
		cli_json_schema(&j, "netboot");
		mtd_json_begin_object(&j);
		mtd_json_kv_bool(&j, "ok", rc == CLI_OK);
		mtd_json_kv_str(&j, "image", image);
		mtd_json_kv_u64(&j, "size", im.size);
		char hx[16];
		snprintf(hx, sizeof(hx), "%08x", im.crc);
		mtd_json_kv_str(&j, "crc32", hx);
		if (uboot_crc) {
			snprintf(hx, sizeof(hx), "%08x", uboot_crc);
			mtd_json_kv_str(&j, "uboot_crc32", hx);
		}
		mtd_json_kv_u64(&j, "loadaddr", loadaddr);
		mtd_json_kv_str(&j, "via", serial ? "serial" : "tftp");
		if (serial) {
			mtd_json_key(&j, "transfer");
			mtd_json_begin_object(&j);
			mtd_json_kv_str(&j, "protocol", mtd_xfer_proto_name(proto));
			mtd_json_kv_bool(&j, "complete", sc.done);
			mtd_json_kv_u64(&j, "bytes", sc.bytes);
			mtd_json_kv_u64(&j, "wire_bytes", sc.wire);
			mtd_json_kv_u64(&j, "estimated_wire_bytes", write_plan ? sc.est_wire : est_wire);
			mtd_json_kv_u64(&j, "estimated_ms", (uint64_t)((write_plan ? sc.estimate : estimate) * 1000));
			mtd_json_kv_u64(&j, "elapsed_ms", (uint64_t)(sc.elapsed * 1000));
			mtd_json_kv_u64(&j, "baud", co.line ? co.baud : 0);
			mtd_json_kv_u64(&j, "packet", xr.packet);
			mtd_json_kv_u64(&j, "retries", sc.retries);
			mtd_json_end_object(&j);
		}
		mtd_json_key(&j, "steps");
		mtd_json_begin_array(&j);
		for (unsigned i = 0; i < rep.n; i++) {
			mtd_json_begin_object(&j);
			mtd_json_kv_str(&j, "step", rep.steps[i].name);
			mtd_json_kv_bool(&j, "ok", rep.steps[i].ok);
			mtd_json_kv_str(&j, "detail", rep.steps[i].detail);
			mtd_json_end_object(&j);
		}
		mtd_json_end_array(&j);
		mtd_json_end_object(&j);
		cli_print_json(&b);
		mtd_buf_release(&b);
	}
	if (c)
		mtd_console_close(c);
	if (srv) {
		mtd_tftp_server_stop(srv);
		if (th_started)
			pthread_join(th, NULL);
		mtd_tftp_server_free(srv);
	}
	if (cli_log_close(&lg) != CLI_OK)
		rc = CLI_FAIL;
	if (have_isrc)
		mtd_source_close(&isrc);
	free(layout);
	mtd_buf_release(&out);
	pthread_mutex_destroy(&st.lock);
	return rc;
}
