/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <mtdscope/util.h>

#include "cli.h"
#include "net_render.h"

void net_render_init(struct net_render *r)
{
	memset(r, 0, sizeof(*r));
	r->out = stdout;
}

static const char *kind_name(enum mtd_tftp_event_kind k)
{
	switch (k) {
	case MTD_TFTP_EV_LISTENING: return "listening";
	case MTD_TFTP_EV_REQUEST: return "request";
	case MTD_TFTP_EV_PROGRESS: return "progress";
	case MTD_TFTP_EV_DONE: return "done";
	case MTD_TFTP_EV_FAILED: return "failed";
	case MTD_TFTP_EV_REFUSED: return "refused";
	case MTD_TFTP_EV_IGNORED: return "ignored";
	case MTD_TFTP_EV_WARNING: return "warning";
	}
	return "?";
}

static void stamp(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	snprintf(buf, size, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
}

void net_render_progress_clear(struct net_render *r)
{
	if (r->progress_shown)
		fputs("\r\033[K", stderr);
	r->progress_shown = false;
}

static void render_json(struct net_render *r, const struct mtd_tftp_event *ev)
{
	struct mtd_buf b;
	struct mtd_json j;
	char ts[32];
	stamp(ts, sizeof(ts));
	mtd_buf_init(&b, 1 << 16);
	mtd_json_init(&j, &b, false);
	cli_json_schema(&j, "serve"); /* one event a line: serve's stdout, netboot's stderr */
	mtd_json_begin_object(&j);
	mtd_json_kv_str(&j, "time", ts);
	mtd_json_kv_str(&j, "event", kind_name(ev->kind));
	if (ev->id)
		mtd_json_kv_u64(&j, "id", ev->id);
	if (ev->client) {
		mtd_json_kv_str(&j, ev->kind == MTD_TFTP_EV_LISTENING ? "address" : "client", ev->client);
		mtd_json_kv_u64(&j, "port", ev->port);
	}
	if (ev->name) {
		mtd_json_kv_str(&j, "name", ev->name);
		mtd_json_kv_str(&j, "op", ev->upload ? "write" : "read");
	}
	if (ev->path)
		mtd_json_kv_str(&j, "file", ev->path);
	if (ev->options)
		mtd_json_kv_str(&j, "options", ev->options);
	if (ev->answer && ev->kind != MTD_TFTP_EV_REFUSED)
		mtd_json_kv_str(&j, "answer", ev->answer);
	if (ev->kind == MTD_TFTP_EV_REQUEST || ev->kind == MTD_TFTP_EV_DONE || ev->kind == MTD_TFTP_EV_FAILED ||
	    ev->kind == MTD_TFTP_EV_PROGRESS) {
		mtd_json_kv_u64(&j, "blksize", ev->blksize);
		mtd_json_kv_u64(&j, "windowsize", ev->windowsize);
		mtd_json_kv_u64(&j, "bytes", ev->bytes);
		mtd_json_kv_u64(&j, "total", ev->total);
		mtd_json_key(&j, "seconds");
		mtd_json_double(&j, ev->seconds);
		mtd_json_kv_u64(&j, "retransmits", ev->retransmits);
	}
	if (ev->tftp_error >= 0)
		mtd_json_kv_i64(&j, "tftp_error", ev->tftp_error);
	if (ev->message && ev->message[0])
		mtd_json_kv_str(&j, "message", ev->message);
	mtd_json_end_object(&j);
	if (!b.err) {
		fputs(mtd_buf_str(&b), r->out);
		fputc('\n', r->out);
		fflush(r->out);
	}
	mtd_buf_release(&b);
}

void net_render_tftp_event(void *ctx, const struct mtd_tftp_event *ev)
{
	struct net_render *r = ctx;
	if (ev->kind == MTD_TFTP_EV_PROGRESS) {
		if (!isatty(2) || r->json)
			return;
		char a[24], t[24];
		mtd_format_size(ev->bytes, a, sizeof(a));
		mtd_format_size(ev->total, t, sizeof(t));
		double rate = ev->seconds > 0 ? (double)ev->bytes / ev->seconds / 1048576.0 : 0;
		if (ev->total)
			fprintf(stderr, "\r#%u %s %s: %llu%% %s of %s, %.1f MiB/s\033[K", ev->id,
			        ev->upload ? "<-" : "->", ev->name, (unsigned long long)(ev->bytes * 100 / ev->total),
			        a, t, rate);
		else
			fprintf(stderr, "\r#%u %s %s: %s, %.1f MiB/s\033[K", ev->id, ev->upload ? "<-" : "->", ev->name,
			        a, rate);
		r->progress_shown = true;
		return;
	}
	net_render_progress_clear(r);
	if (r->json) {
		if (r->quiet && (ev->kind == MTD_TFTP_EV_REQUEST || ev->kind == MTD_TFTP_EV_DONE ||
		                 ev->kind == MTD_TFTP_EV_IGNORED))
			return;
		render_json(r, ev);
		return;
	}
	char ts[32];
	stamp(ts, sizeof(ts));
	FILE *o = r->out;
	const char *op = ev->upload ? "write" : "read";
	switch (ev->kind) {
	case MTD_TFTP_EV_LISTENING:
		fprintf(o, "%s serving %s on %s port %u (%s%s)\n", ts, cli_txt(r->root ? r->root : "?"), ev->client,
		        ev->port, r->upload ? "uploads into " : "read-only", r->upload ? cli_txt(r->upload) : "");
		break;
	case MTD_TFTP_EV_REQUEST:
		if (r->quiet)
			return;
		fprintf(o, "%s #%u %s:%u %s '%s'", ts, ev->id, ev->client, ev->port, op, ev->name);
		if (ev->path && strcmp(ev->path, ev->name) != 0)
			fprintf(o, " -> serving '%s'", ev->path);
		if (ev->total && !ev->upload)
			fprintf(o, " (%llu bytes)", (unsigned long long)ev->total);
		fprintf(o, " options: %s", ev->options && ev->options[0] ? ev->options : "none");
		if (ev->answer && ev->answer[0])
			fprintf(o, "; answered %s", ev->answer);
		if (ev->message && ev->message[0])
			fprintf(o, "; %s", ev->message);
		fputc('\n', o);
		break;
	case MTD_TFTP_EV_DONE: {
		if (r->quiet)
			return;
		double rate = ev->seconds > 0 ? (double)ev->bytes / ev->seconds / 1048576.0 : 0;
		fprintf(o,
		        "%s #%u %s:%u %s '%s' %sdone%s: %llu bytes in %.2f s (%.1f MiB/s), blksize %u, window %u, %llu "
		        "retransmission%s\n",
		        ts, ev->id, ev->client, ev->port, op, ev->name, cli_c(o, CLI_GREEN), cli_c(o, CLI_RESET),
		        (unsigned long long)ev->bytes, ev->seconds, rate, ev->blksize, ev->windowsize,
		        (unsigned long long)ev->retransmits, ev->retransmits == 1 ? "" : "s");
		break;
	}
	case MTD_TFTP_EV_FAILED:
		fprintf(o, "%s #%u %s:%u %s '%s' %sfailed%s after %llu bytes: %s\n", ts, ev->id, ev->client, ev->port,
		        op, ev->name, cli_c(o, CLI_RED), cli_c(o, CLI_RESET), (unsigned long long)ev->bytes,
		        ev->message);
		break;
	case MTD_TFTP_EV_REFUSED:
		fprintf(o, "%s %s:%u %s '%s' options: %s %srefused%s (error %d): %s\n", ts, ev->client, ev->port,
		        ev->name && ev->name[0] ? op : "?", ev->name ? ev->name : "",
		        ev->options && ev->options[0] ? ev->options : "none", cli_c(o, CLI_RED), cli_c(o, CLI_RESET),
		        ev->tftp_error, ev->message);
		break;
	case MTD_TFTP_EV_IGNORED:
		if (r->quiet)
			return;
		fprintf(o, "%s %s:%u ignored: %s\n", ts, ev->client, ev->port, ev->message);
		break;
	case MTD_TFTP_EV_WARNING:
		fprintf(o, "%s #%u %s:%u %s '%s' %swarning%s: %s\n", ts, ev->id, ev->client, ev->port, op,
		        ev->name ? ev->name : "", cli_c(o, CLI_YELLOW), cli_c(o, CLI_RESET), ev->message);
		break;
	case MTD_TFTP_EV_PROGRESS: break;
	}
	fflush(o);
}

/* ---- console views ---- */

void console_view_init(struct console_view *v)
{
	memset(v, 0, sizeof(*v));
	v->at_bol = true;
}

static void view_line(void *ctx, enum mtd_console_dir dir, double t, const char *text, size_t len)
{
	struct console_view *v = ctx;
	static const char mark[] = {'<', '>', '*'};
	if (v->log) {
		fprintf(v->log, "[%9.3f] %c %.*s\n", t, mark[dir], (int)len, text);
		fflush(v->log);
	}
	if (v->live && dir == MTD_CONSOLE_NOTE) {
		fprintf(stdout, "%s[mtdscope: %s]\n", v->at_bol ? "" : "\n", cli_txtn(text, len));
		fflush(stdout);
		v->at_bol = true;
	}
}

static void view_bytes(void *ctx, const uint8_t *p, size_t n)
{
	struct console_view *v = ctx;
	if (!v->live || !n)
		return;
	/* the device's bytes as lines: carriage returns dropped, everything else a terminal would act
	 * on (ESC sequences, other controls, invalid UTF-8) shown as escapes */
	size_t i = 0;
	while (i < n) {
		size_t k = i;
		while (k < n && p[k] != '\n' && p[k] != '\r')
			k++;
		cli_put_text(stdout, (const char *)p + i, k - i);
		if (k < n && p[k] == '\n')
			fputc('\n', stdout);
		i = k < n ? k + 1 : k;
	}
	v->at_bol = p[n - 1] == '\n';
	fflush(stdout);
}

void console_view_attach(struct console_view *v, struct mtd_console_options *o)
{
	o->on_line = view_line;
	o->on_bytes = view_bytes;
	o->ctx = v;
}

void console_view_tail(const struct mtd_console *c, int n)
{
	const char *t = mtd_console_transcript(c);
	size_t len = strlen(t);
	const char *p = t + len;
	int lines = 0;
	while (p > t && lines <= n) {
		p--;
		if (*p == '\n' && p + 1 < t + len)
			lines++;
	}
	if (p > t)
		p++;
	fprintf(stderr, "mtdscope: the console's last lines:\n");
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		fputs("    ", stderr);
		cli_put_text(stderr, p, l);
		fputc('\n', stderr);
		p += l + (e ? 1 : 0);
	}
}

bool console_unescape(const char *in, char *out, size_t size)
{
	size_t j = 0;
	for (size_t i = 0; in[i]; i++) {
		if (j + 1 >= size)
			return false;
		char c = in[i];
		if (c == '\\') {
			char e = in[++i];
			if (e == 'r')
				c = '\r';
			else if (e == 'n')
				c = '\n';
			else if (e == 't')
				c = '\t';
			else if (e == '\\')
				c = '\\';
			else if (e == 'x') {
				int v = 0;
				for (int k = 0; k < 2; k++) {
					char h = in[i + 1];
					int dv = h >= '0' && h <= '9'   ? h - '0'
					         : h >= 'a' && h <= 'f' ? h - 'a' + 10
					         : h >= 'A' && h <= 'F' ? h - 'A' + 10
					                                : -1;
					if (dv < 0)
						return false;
					v = v * 16 + dv;
					i++;
				}
				c = (char)v;
			} else
				return false;
		}
		out[j++] = c;
	}
	out[j] = '\0';
	return j > 0;
}

bool console_interrupt_is_word(const char *s)
{
	if (!s || strlen(s) < 2)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return true;
}
