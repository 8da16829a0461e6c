/* SPDX-License-Identifier: MIT */
/*
 * The console engine.  Received bytes go into a window (the last 256 KiB);
 * `mark` separates what an expect already consumed from what is pending.
 * Lines are timestamped when their first byte arrives and go to the
 * transcript and to the caller's line callback when they end (or when
 * something is sent, so a prompt shows before the command typed at it).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <mtdscope/console.h>

#define WINDOW         (256 * 1024)
#define LINE_MAX_BYTES 4096
#define TRANSCRIPT_MAX (8u << 20)

struct mtd_console {
	struct mtd_console_options o;
	int fd;
	pid_t pid;
	bool is_line;
	struct termios saved;
	bool have_saved;
	int64_t t0;
	char *win;
	size_t len, mark;
	char line[LINE_MAX_BYTES];
	size_t line_len;
	double line_t;
	struct mtd_buf transcript;
	char prompt[64];
	bool closed;
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t now_ms(void)
{
	return now_us() / 1000;
}

double mtd_console_elapsed(const struct mtd_console *c)
{
	return (double)(now_us() - c->t0) / 1e6;
}

void mtd_console_options_init(struct mtd_console_options *o)
{
	memset(o, 0, sizeof(*o));
	o->baud = 115200;
	o->eol = "\r";
}

void mtd_console_stop_options_init(struct mtd_console_stop_options *o)
{
	memset(o, 0, sizeof(*o));
	o->interrupt = "\x03";
	o->wait_ms = 60000;
	o->window_ms = 10000;
	o->burst_ms = 50;
}

/* ---- transcript ---- */

static void emit_line(struct mtd_console *c, enum mtd_console_dir dir, double t, const char *text, size_t n)
{
	static const char mark[] = {'<', '>', '*'};
	char clean[LINE_MAX_BYTES * 4 + 1];
	size_t j = 0;
	for (size_t i = 0; i < n && j + 5 < sizeof(clean); i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '\r')
			continue;
		if (ch < 0x20 && ch != '\t') {
			j += (size_t)snprintf(clean + j, sizeof(clean) - j, "^%c", ch + '@');
		} else if (ch == 0x7f) {
			j += (size_t)snprintf(clean + j, sizeof(clean) - j, "^?");
		} else {
			clean[j++] = (char)ch;
		}
	}
	clean[j] = '\0';
	if (c->transcript.len < TRANSCRIPT_MAX)
		mtd_buf_printf(&c->transcript, "[%9.3f] %c %s\n", t, mark[dir], clean);
	if (c->o.on_line)
		c->o.on_line(c->o.ctx, dir, t, clean, j);
}

static void flush_partial(struct mtd_console *c)
{
	if (c->line_len) {
		emit_line(c, MTD_CONSOLE_RX, c->line_t, c->line, c->line_len);
		c->line_len = 0;
	}
}

void mtd_console_note(struct mtd_console *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	flush_partial(c);
	emit_line(c, MTD_CONSOLE_NOTE, mtd_console_elapsed(c), msg, strlen(msg));
}

const char *mtd_console_transcript(const struct mtd_console *c)
{
	return mtd_buf_str((struct mtd_buf *)&c->transcript);
}

static void take_bytes(struct mtd_console *c, const char *p, size_t n)
{
	if (c->o.on_bytes)
		c->o.on_bytes(c->o.ctx, (const uint8_t *)p, n);
	double t = mtd_console_elapsed(c);
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (c->line_len == 0)
			c->line_t = t;
		if (ch == '\n') {
			emit_line(c, MTD_CONSOLE_RX, c->line_t, c->line, c->line_len);
			c->line_len = 0;
		} else if (c->line_len < sizeof(c->line)) {
			c->line[c->line_len++] = ch;
		} else {
			emit_line(c, MTD_CONSOLE_RX, c->line_t, c->line, c->line_len);
			c->line_len = 0;
			c->line[c->line_len++] = ch;
			c->line_t = t;
		}
	}
	/* The window keeps the last WINDOW bytes; drop the oldest half when full. */
	if (n > WINDOW) {
		p += n - WINDOW;
		n = WINDOW;
	}
	if (c->len + n > WINDOW) {
		size_t drop = c->len + n - WINDOW;
		if (drop < WINDOW / 2)
			drop = WINDOW / 2 < c->len ? WINDOW / 2 : c->len;
		memmove(c->win, c->win + drop, c->len - drop);
		c->len -= drop;
		c->mark = c->mark > drop ? c->mark - drop : 0;
	}
	memcpy(c->win + c->len, p, n);
	c->len += n;
}

/* ---- open / close ---- */

static speed_t baud_const(unsigned b)
{
	switch (b) {
	case 1200: return B1200;
	case 2400: return B2400;
	case 4800: return B4800;
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	case 230400: return B230400;
	case 460800: return B460800;
	case 500000: return B500000;
	case 921600: return B921600;
	case 1000000: return B1000000;
	case 1500000: return B1500000;
	case 3000000: return B3000000;
	default: return 0;
	}
}

static int open_line(struct mtd_console *c, struct mtd_diag *d)
{
	speed_t sp = baud_const(c->o.baud ? c->o.baud : 115200);
	if (!sp)
		return mtd_diag_set(d, MTD_ERR_ARG, c->o.line, "unsupported baud rate %u", c->o.baud);
	c->fd = open(c->o.line, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (c->fd < 0)
		return mtd_diag_set(d, MTD_ERR_IO, c->o.line, "cannot open the serial line: %s", strerror(errno));
	if (!isatty(c->fd))
		return mtd_diag_set(d, MTD_ERR_ARG, c->o.line, "not a terminal device");
	if (ioctl(c->fd, TIOCEXCL) != 0 && errno != ENOTTY)
		return mtd_diag_set(d, MTD_ERR_IO, c->o.line, "cannot get exclusive use: %s", strerror(errno));
	struct termios t;
	if (tcgetattr(c->fd, &t) != 0)
		return mtd_diag_set(d, MTD_ERR_IO, c->o.line, "cannot read the line settings: %s", strerror(errno));
	c->saved = t;
	c->have_saved = true;
	cfmakeraw(&t);
	t.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS | CSIZE);
	t.c_cflag |= CS8 | CLOCAL | CREAD;
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, sp);
	cfsetospeed(&t, sp);
	if (tcsetattr(c->fd, TCSANOW, &t) != 0)
		return mtd_diag_set(d, MTD_ERR_IO, c->o.line, "cannot set the line to %u 8N1 raw: %s", c->o.baud,
		                    strerror(errno));
	tcflush(c->fd, TCIFLUSH);
	return 0;
}

static int open_exec(struct mtd_console *c, struct mtd_diag *d)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
		if (m >= 0)
			close(m);
		return mtd_diag_set(d, MTD_ERR_IO, "console", "cannot open a pseudo-terminal: %s", strerror(errno));
	}
	char slave[128];
	if (ptsname_r(m, slave, sizeof(slave)) != 0) {
		close(m);
		return mtd_diag_set(d, MTD_ERR_IO, "console", "cannot name the pseudo-terminal");
	}
	c->fd = m;
	pid_t pid = fork();
	if (pid < 0)
		return mtd_diag_set(d, MTD_ERR_IO, "console", "cannot start '%s': %s", c->o.exec, strerror(errno));
	if (pid == 0) {
		/* Child: a session of its own, the pty as controlling terminal, raw like a serial line. */
		setsid();
		int s = open(slave, O_RDWR);
		if (s < 0)
			_exit(127);
		ioctl(s, TIOCSCTTY, 0);
		struct termios t;
		if (tcgetattr(s, &t) == 0) {
			cfmakeraw(&t);
			tcsetattr(s, TCSANOW, &t);
		}
		struct winsize ws = {.ws_row = 24, .ws_col = 80};
		ioctl(s, TIOCSWINSZ, &ws);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		if (s > 2)
			close(s);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execl("/bin/sh", "sh", "-c", c->o.exec, (char *)NULL);
		_exit(127);
	}
	c->pid = pid;
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	return 0;
}

int mtd_console_open(struct mtd_console **out, const struct mtd_console_options *o, struct mtd_diag *d)
{
	*out = NULL;
	if (!!o->line == !!o->exec)
		return mtd_diag_set(d, MTD_ERR_ARG, "console",
		                    "expected a serial line or a program to run, one of them");
	struct mtd_console *c = calloc(1, sizeof(*c));
	if (!c)
		return mtd_diag_set(d, MTD_ERR_NOMEM, "console", "out of memory");
	c->o = *o;
	if (!c->o.eol)
		c->o.eol = "\r";
	c->fd = -1;
	c->pid = -1;
	c->t0 = now_us();
	mtd_buf_init(&c->transcript, TRANSCRIPT_MAX + 65536);
	c->win = malloc(WINDOW);
	if (!c->win) {
		mtd_console_close(c);
		return mtd_diag_set(d, MTD_ERR_NOMEM, "console", "out of memory");
	}
	int rc = o->line ? open_line(c, d) : open_exec(c, d);
	if (rc) {
		mtd_console_close(c);
		return rc;
	}
	c->is_line = o->line != NULL;
	*out = c;
	return 0;
}

void mtd_console_close(struct mtd_console *c)
{
	if (!c)
		return;
	flush_partial(c);
	if (c->fd >= 0) {
		if (c->have_saved)
			tcsetattr(c->fd, TCSANOW, &c->saved);
		if (c->is_line)
			ioctl(c->fd, TIOCNXCL);
		close(c->fd);
	}
	if (c->pid > 0) {
		int st;
		kill(-c->pid, SIGTERM);
		kill(c->pid, SIGTERM);
		int64_t end = now_ms() + 3000;
		pid_t w = 0;
		while ((w = waitpid(c->pid, &st, WNOHANG)) == 0 && now_ms() < end)
			usleep(20000);
		if (w == 0) {
			kill(-c->pid, SIGKILL);
			kill(c->pid, SIGKILL);
			waitpid(c->pid, &st, 0);
		} else {
			kill(-c->pid, SIGKILL); /* anything the shell left behind */
		}
	}
	free(c->win);
	mtd_buf_release(&c->transcript);
	free(c);
}

int mtd_console_fd(const struct mtd_console *c)
{
	return c->fd;
}

/* ---- I/O ---- */

static int write_all(struct mtd_console *c, const char *p, size_t n, struct mtd_diag *d)
{
	size_t done = 0;
	while (done < n) {
		size_t chunk = c->o.char_delay_ms ? 1 : n - done;
		ssize_t w = write(c->fd, p + done, chunk);
		if (w < 0 && (errno == EINTR))
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = {.fd = c->fd, .events = POLLOUT};
			if (poll(&pf, 1, 5000) <= 0)
				return mtd_diag_set(d, MTD_ERR_TIMEOUT, "console", "the console does not take input");
			continue;
		}
		if (w <= 0)
			return mtd_diag_set(d, MTD_ERR_IO, "console", "cannot write to the console: %s",
			                    strerror(errno));
		done += (size_t)w;
		if (c->o.char_delay_ms && done < n) {
			size_t got;
			mtd_console_pump(c, (int)c->o.char_delay_ms, &got, NULL);
		}
	}
	return 0;
}

int mtd_console_send(struct mtd_console *c, const void *p, size_t n, struct mtd_diag *d)
{
	flush_partial(c);
	emit_line(c, MTD_CONSOLE_TX, mtd_console_elapsed(c), p, n);
	return write_all(c, p, n, d);
}

int mtd_console_pump(struct mtd_console *c, int timeout_ms, size_t *got, struct mtd_diag *d)
{
	*got = 0;
	if (c->closed)
		return d ? mtd_diag_set(d, MTD_ERR_IO, "console", "the console closed (program exited or line hung up)")
		         : MTD_ERR_IO;
	struct pollfd pf = {.fd = c->fd, .events = POLLIN};
	int r = poll(&pf, 1, timeout_ms < 0 ? 0 : timeout_ms);
	if (r < 0 && errno == EINTR)
		return 0;
	if (r <= 0)
		return 0;
	char buf[8192];
	for (;;) {
		ssize_t n = read(c->fd, buf, sizeof(buf));
		if (n > 0) {
			take_bytes(c, buf, (size_t)n);
			*got += (size_t)n;
			if ((size_t)n < sizeof(buf))
				return 0;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return 0;
		/* EOF, or EIO on a pty whose program exited. */
		c->closed = true;
		flush_partial(c);
		if (*got)
			return 0;
		return d ? mtd_diag_set(d, MTD_ERR_IO, "console", "the console closed (program exited or line hung up)")
		         : MTD_ERR_IO;
	}
}

const char *mtd_console_pending(const struct mtd_console *c, size_t *n)
{
	*n = c->len - c->mark;
	return c->win + c->mark;
}

void mtd_console_feed(struct mtd_console *c, const void *p, size_t n)
{
	if (n)
		take_bytes(c, p, n);
}

void mtd_console_consume(struct mtd_console *c)
{
	c->mark = c->len;
}

int mtd_console_expect(struct mtd_console *c, const char *const *strings, size_t n, int timeout_ms, int *which,
                       struct mtd_diag *d)
{
	int64_t end = now_ms() + timeout_ms;
	for (;;) {
		const char *best = NULL;
		size_t best_end = 0;
		int best_i = -1;
		for (size_t i = 0; i < n; i++) {
			size_t sl = strlen(strings[i]);
			if (!sl)
				continue;
			const char *hit = memmem(c->win + c->mark, c->len - c->mark, strings[i], sl);
			if (hit && (!best || hit < best)) {
				best = hit;
				best_end = (size_t)(hit - c->win) + sl;
				best_i = (int)i;
			}
		}
		if (best) {
			c->mark = best_end;
			if (which)
				*which = best_i;
			return 0;
		}
		int64_t left = end - now_ms();
		if (left <= 0)
			return mtd_diag_set(d, MTD_ERR_TIMEOUT, "console", "expected '%s'%s within %.1f s",
			                    n ? strings[0] : "", n > 1 ? " (or another)" : "", timeout_ms / 1000.0);
		size_t got;
		int rc = mtd_console_pump(c, (int)(left < 200 ? left : 200), &got, d);
		if (rc)
			return rc;
	}
}

/* ---- prompts ---- */

static bool prompt_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
	       ch == '-' || ch == '.' || ch == '=' || ch == ' ' || ch == '(' || ch == ')' || ch == '@';
}

bool mtd_console_looks_like_prompt(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	if (n < 2 || n > 40)
		return false;
	if (s[n - 1] != '#' && s[n - 1] != '>')
		return false;
	if (s[0] == ' ')
		return false;
	for (size_t i = 0; i + 1 < n; i++)
		if (!prompt_char(s[i]))
			return false;
	return true;
}

/*
 * When a line starts with a prompt followed by typed junk ("MT7621 # tpltpl"),
 * the length of the prompt part, else 0.
 */
static size_t prompt_prefix(const char *s, size_t n)
{
	for (size_t i = 1; i < n && i < 40; i++) {
		if ((s[i] == '#' || s[i] == '>') && (i + 1 == n || s[i + 1] == ' ') &&
		    mtd_console_looks_like_prompt(s, i + 1))
			return i + 1;
		if (!prompt_char(s[i]) && s[i] != '#' && s[i] != '>')
			return 0;
	}
	return 0;
}

/* The text after the last line end of the window, '\r' stripped from its ends. */
static void last_partial(const struct mtd_console *c, const char **p, size_t *n)
{
	size_t i = c->len;
	while (i > 0 && c->win[i - 1] != '\n')
		i--;
	const char *s = c->win + i;
	size_t k = c->len - i;
	/* After a lone CR (progress counters), only the text after it shows. */
	for (size_t j = k; j > 0; j--) {
		if (s[j - 1] == '\r') {
			s += j;
			k -= j;
			break;
		}
	}
	*p = s;
	*n = k;
}

static void set_prompt_from(struct mtd_console *c, const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	if (n >= sizeof(c->prompt))
		n = sizeof(c->prompt) - 1;
	memcpy(c->prompt, s, n);
	c->prompt[n] = '\0';
}

const char *mtd_console_prompt(const struct mtd_console *c)
{
	return c->prompt;
}

void mtd_console_set_prompt(struct mtd_console *c, const char *prompt)
{
	set_prompt_from(c, prompt, strlen(prompt));
}

/* Read until the console has been quiet for quiet_ms (or until end). */
static int settle(struct mtd_console *c, int quiet_ms, int64_t end, struct mtd_diag *d)
{
	int64_t last = now_ms();
	for (;;) {
		int64_t t = now_ms();
		if (t - last >= quiet_ms || t >= end)
			return 0;
		size_t got;
		int rc = mtd_console_pump(c, 20, &got, d);
		if (rc)
			return rc;
		if (got)
			last = now_ms();
	}
}

static const char *const builtin_autoboot[] = {
    "Hit any key to stop autoboot",
    "Hit any key to stop",
    "Please choose the operation",
    "Press any key to stop",
    "Autobooting in",
    "autoboot in",
    "Hit 'tpl' to stop",
    "press 'q' to stop",
    "Hit ESC key to stop autoboot",
    "Press Ctrl+C to abort autoboot",
    "to stop autoboot",
    "Booting in",
    NULL,
};

const char *const *mtd_console_autoboot_messages(void)
{
	return builtin_autoboot;
}

static bool find_autoboot(struct mtd_console *c, const char *const *pats, struct mtd_console_stop_result *r)
{
	for (size_t i = 0; pats[i]; i++) {
		const char *hit = memmem(c->win + c->mark, c->len - c->mark, pats[i], strlen(pats[i]));
		if (hit) {
			snprintf(r->autoboot, sizeof(r->autoboot), "%s", pats[i]);
			c->mark = (size_t)(hit - c->win) + strlen(pats[i]);
			return true;
		}
	}
	return false;
}

/* The boot loader going on to boot without stopping: the line that says so, in the pending output. */
static const char *const went_past_markers[] = {"Starting kernel", "Uncompressing Linux", "Booting Linux",
                                                "Linux version ", NULL};

static bool find_went_past(struct mtd_console *c, size_t from, struct mtd_console_stop_result *r)
{
	for (size_t i = 0; went_past_markers[i]; i++) {
		const char *hit =
		    memmem(c->win + from, c->len - from, went_past_markers[i], strlen(went_past_markers[i]));
		if (hit) {
			size_t n = 0;
			while (hit + n < c->win + c->len && hit[n] != '\r' && hit[n] != '\n' && n + 1 < sizeof(r->past))
				n++;
			memcpy(r->past, hit, n);
			r->past[n] = 0;
			r->went_past = true;
			r->past_at = mtd_console_elapsed(c);
			return true;
		}
	}
	return false;
}

static int went_past_error(struct mtd_console *c, const struct mtd_console_stop_result *r, const char *intr,
                           struct mtd_diag *d)
{
	mtd_console_note(c, "the boot loader went past without stopping: '%s' at %.1f s", r->past, r->past_at);
	return mtd_diag_set(
	    d, MTD_ERR_TIMEOUT, "console",
	    "the boot loader went past without stopping ('%s' at %.1f s, %u interrupt burst%s of '%s'): "
	    "start mtdscope first, then power the board on; check the interrupt word (--interrupt)",
	    r->past, r->past_at, r->bursts, r->bursts == 1 ? "" : "s", intr[0] == 3 ? "^C" : intr);
}

/* A prompt at the start of some line of the pending output, or as the last partial line. */
static bool find_prompt(struct mtd_console *c, const char *known, bool partial_only)
{
	const char *p;
	size_t n;
	last_partial(c, &p, &n);
	if (known && *known) {
		size_t kl = strlen(known);
		const char *hit = memmem(c->win + c->mark, c->len - c->mark, known, kl);
		if (hit && (hit == c->win || hit[-1] == '\n' || hit[-1] == '\r'))
			return true;
		return false;
	}
	if (mtd_console_looks_like_prompt(p, n)) {
		set_prompt_from(c, p, n);
		return true;
	}
	if (partial_only)
		return false;
	/* Scan the pending lines for "PROMPT junk". */
	size_t i = c->mark;
	while (i < c->len) {
		size_t j = i;
		while (j < c->len && c->win[j] != '\n')
			j++;
		const char *ls = c->win + i;
		size_t ll = j - i;
		while (ll && (*ls == '\r')) {
			ls++;
			ll--;
		}
		size_t pl = prompt_prefix(ls, ll);
		if (pl) {
			set_prompt_from(c, ls, pl);
			return true;
		}
		i = j + 1;
	}
	return false;
}

int mtd_console_stop_autoboot(struct mtd_console *c, const struct mtd_console_stop_options *o,
                              struct mtd_console_stop_result *r, struct mtd_diag *d)
{
	struct mtd_console_stop_options def;
	mtd_console_stop_options_init(&def);
	if (!o)
		o = &def;
	const char *intr = o->interrupt && *o->interrupt ? o->interrupt : "\x03";
	const char *const *pats = o->autoboot ? o->autoboot : builtin_autoboot;
	int burst_ms = o->burst_ms > 0 ? o->burst_ms : 50;
	memset(r, 0, sizeof(*r));
	if (o->prompt && *o->prompt)
		mtd_console_set_prompt(c, o->prompt);
	const char *known = o->prompt && *o->prompt ? c->prompt : NULL;
	int64_t end = now_ms() + (o->wait_ms > 0 ? o->wait_ms : 60000);
	int64_t last_rx = now_ms();
	bool nudged = false;
	int rc;

	/* From power-on: bursts at once, through the whole wait, until a prompt shows. */
	if (o->from_start) {
		mtd_console_note(c, "sending the interrupt '%s' in bursts from power-on (no countdown needed)",
		                 intr[0] == 3 ? "^C" : intr);
		size_t from0 = c->mark;
		int64_t next = 0;
		for (;;) {
			int64_t t = now_ms();
			if (t >= next) {
				if ((rc = write_all(c, intr, strlen(intr), d)))
					return rc;
				r->bursts++;
				next = t + burst_ms;
			}
			size_t got;
			if ((rc = mtd_console_pump(c, 10, &got, d)))
				return rc;
			size_t keep = c->mark;
			c->mark = from0;
			bool hit = find_prompt(c, known, false);
			c->mark = keep;
			if (hit)
				break;
			if (find_went_past(c, from0, r))
				return went_past_error(c, r, intr, d);
			if (t >= end)
				return mtd_diag_set(
				    d, MTD_ERR_TIMEOUT, "console",
				    "sent the interrupt %u times over %.0f s from the start but no prompt came "
				    "(is the board powered, the line and baud rate right?)",
				    r->bursts, (o->wait_ms > 0 ? o->wait_ms : 60000) / 1000.0);
		}
		mtd_console_note(c, "prompt seen after %u interrupt burst%s of '%s' sent from power-on", r->bursts,
		                 r->bursts == 1 ? "" : "s", intr[0] == 3 ? "^C" : intr);
		goto settle_bursts;
	}

	/* Phase 1: an autoboot message, or a prompt on a board without a countdown. */
	size_t from1 = c->mark;
	for (;;) {
		if (find_autoboot(c, pats, r)) {
			r->saw_autoboot = true;
			r->autoboot_at = mtd_console_elapsed(c);
			mtd_console_note(c, "autoboot message '%s' seen: sending the interrupt in bursts", r->autoboot);
			break;
		}
		if (now_ms() - last_rx >= 300 && find_prompt(c, known, true)) {
			r->prompt_at = mtd_console_elapsed(c);
			mtd_console_note(c, "prompt '%s' without an autoboot countdown", c->prompt);
			goto found;
		}
		if (find_went_past(c, from1, r))
			return went_past_error(c, r, intr, d);
		if (now_ms() >= end)
			return mtd_diag_set(
			    d, MTD_ERR_TIMEOUT, "console",
			    "no autoboot message and no prompt within %.0f s (is the board powered, the "
			    "line and baud rate right?)",
			    (o->wait_ms > 0 ? o->wait_ms : 60000) / 1000.0);
		if (o->nudge_ms > 0 && !nudged && now_ms() - last_rx >= o->nudge_ms) {
			nudged = true;
			mtd_console_note(c, "console silent for %.1f s: sending Ctrl-C to wake a prompt",
			                 o->nudge_ms / 1000.0);
			if ((rc = mtd_console_send(c, "\x03", 1, d)))
				return rc;
		}
		size_t got;
		if ((rc = mtd_console_pump(c, 20, &got, d)))
			return rc;
		if (got)
			last_rx = now_ms();
	}

	/* Phase 2: bursts through the window until a prompt shows. */
	int64_t wend = now_ms() + (o->window_ms > 0 ? o->window_ms : 10000);
	int64_t next_burst = 0;
	size_t from = c->mark;
	for (;;) {
		int64_t t = now_ms();
		if (t >= next_burst) {
			if ((rc = write_all(c, intr, strlen(intr), d)))
				return rc;
			r->bursts++;
			next_burst = t + burst_ms;
		}
		size_t got;
		if ((rc = mtd_console_pump(c, 10, &got, d)))
			return rc;
		size_t keep = c->mark;
		c->mark = from;
		bool hit = find_prompt(c, known, false);
		c->mark = keep;
		if (hit)
			break;
		if (!r->went_past && find_went_past(c, from, r))
			mtd_console_note(c, "the boot loader went past without stopping: '%s' at %.1f s", r->past,
			                 r->past_at);
		if (t >= wend) {
			char past[160] = "";
			if (r->went_past)
				snprintf(past, sizeof(past),
				         "; the boot loader went past without stopping ('%s' at %.1f s)", r->past,
				         r->past_at);
			return mtd_diag_set(
			    d, MTD_ERR_TIMEOUT, "console",
			    "sent the interrupt %u times over %.1f s after '%s' but no prompt came (try "
			    "another --interrupt)%s",
			    r->bursts, (o->window_ms > 0 ? o->window_ms : 10000) / 1000.0, r->autoboot, past);
		}
	}
	mtd_console_note(c, "prompt seen after %u interrupt burst%s of '%s'", r->bursts, r->bursts == 1 ? "" : "s",
	                 intr[0] == 3 ? "^C" : intr);
settle_bursts:
	/* Let the bursts already sent arrive, then clear what they typed with Ctrl-C. */
	if ((rc = settle(c, 300, now_ms() + 3000, d)))
		return rc;
	if ((rc = mtd_console_send(c, "\x03", 1, d)))
		return rc;
	if ((rc = settle(c, 300, now_ms() + 3000, d)))
		return rc;

found:
	/* Confirm: an empty line brings the prompt back. */
	mtd_console_consume(c);
	if ((rc = mtd_console_send(c, c->o.eol, strlen(c->o.eol), d)))
		return rc;
	{
		char want[80];
		snprintf(want, sizeof(want), "%s", c->prompt);
		const char *pats2[] = {want};
		if (want[0]) {
			if ((rc = mtd_console_expect(c, pats2, 1, 3000, NULL, d)))
				return mtd_diag_set(d, MTD_ERR_TIMEOUT, "console",
				                    "prompt '%s' did not come back after an empty line", c->prompt);
		} else {
			if ((rc = settle(c, 300, now_ms() + 3000, d)))
				return rc;
			if (!find_prompt(c, NULL, true))
				return mtd_diag_set(d, MTD_ERR_NOT_FOUND, "console", "no prompt after the interrupt");
		}
	}
	if ((rc = settle(c, 150, now_ms() + 1000, d)))
		return rc;
	mtd_console_consume(c);
	snprintf(r->prompt, sizeof(r->prompt), "%s", c->prompt);
	if (!r->prompt_at)
		r->prompt_at = mtd_console_elapsed(c);
	mtd_console_note(c, "at the prompt '%s'", c->prompt);
	return 0;
}

int mtd_console_run(struct mtd_console *c, const char *cmd, int timeout_ms, const char *expect, struct mtd_buf *output,
                    struct mtd_diag *d)
{
	if (!c->prompt[0])
		return mtd_diag_set(d, MTD_ERR_ARG, "console", "no prompt known; stop the bootloader first");
	mtd_console_consume(c);
	int rc;
	size_t start = c->len;
	char line[1024];
	int ln = snprintf(line, sizeof(line), "%s%s", cmd, c->o.eol);
	if (ln < 0 || (size_t)ln >= sizeof(line))
		return mtd_diag_set(d, MTD_ERR_ARG, "console", "command too long");
	if ((rc = mtd_console_send(c, line, (size_t)ln, d)))
		return rc;
	/* The prompt coming back at the start of a line ends the command. */
	char pat[80];
	snprintf(pat, sizeof(pat), "\n%s", c->prompt);
	const char *pats[] = {pat};
	rc = mtd_console_expect(c, pats, 1, timeout_ms, NULL, d);
	if (rc == MTD_ERR_TIMEOUT)
		rc = mtd_diag_set(d, MTD_ERR_TIMEOUT, "console", "'%s' did not return to the prompt within %.0f s", cmd,
		                  timeout_ms / 1000.0);
	/* What the command printed: after the echoed line, before the prompt. */
	size_t s = start, e = c->mark >= strlen(pat) && rc == 0 ? c->mark - strlen(pat) + 1 : c->len;
	if (s > c->len)
		s = c->len; /* the window slid: keep what is left */
	if (e < s)
		e = s;
	const char *nl = memchr(c->win + s, '\n', e - s);
	if (nl)
		s = (size_t)(nl - c->win) + 1;
	struct mtd_buf tmp;
	mtd_buf_init(&tmp, WINDOW + 1);
	for (size_t i = s; i < e; i++)
		if (c->win[i] != '\r')
			mtd_buf_append(&tmp, &c->win[i], 1);
	if (output) {
		output->len = 0;
		mtd_buf_append(output, tmp.data ? tmp.data : "", tmp.len);
	}
	if (rc == 0 && expect && *expect && !memmem(mtd_buf_str(&tmp), tmp.len, expect, strlen(expect))) {
		/* The last line printed says most about what went wrong. */
		const char *out = mtd_buf_str(&tmp);
		size_t ol = tmp.len;
		while (ol && (out[ol - 1] == '\n'))
			ol--;
		size_t ls = ol;
		while (ls && out[ls - 1] != '\n')
			ls--;
		rc = mtd_diag_set(d, MTD_ERR_NOT_FOUND, "console",
		                  "'%s': expected '%s' in its output; it ended with '%.*s'", cmd, expect,
		                  (int)(ol - ls > 200 ? 200 : ol - ls), out + ls);
	}
	mtd_buf_release(&tmp);
	return rc;
}
