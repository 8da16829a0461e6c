/* SPDX-License-Identifier: MIT */
/*
 * Test driver for the serial senders (include/mtdscope/serial.h): runs a
 * receiver program with a pseudo-terminal as its controlling terminal,
 * standard input and output (a serial line, as lrzsz's rb and C-Kermit see
 * one), sends FILE to it with mtd_xfer_send() on the master side, and says
 * how it went on one line:
 *   ok bytes=N wire=N packets=N retries=N packet=N seconds=S
 *   error: <the library's diagnostic>
 * then "receiver exit N".  Exit status 0 when the transfer succeeded.
 *   xfer_send ymodem|kermit FILE [--name N] [--start-ms MS] [--timeout-ms MS] [--retries N]
 *             [--kermit-max N] [--cancel-after BYTES] -- RECEIVER [ARGS...]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <mtdscope/serial.h>
#include <mtdscope/util.h>

struct prog {
	uint64_t cancel_after;
	uint64_t last;
};

static void on_progress(void *ctx, const struct mtd_xfer_progress *p)
{
	struct prog *g = ctx;
	g->last = p->done;
}

static bool want_cancel(void *ctx)
{
	struct prog *g = ctx;
	return g->cancel_after && g->last >= g->cancel_after;
}

static int num(const char *s, uint64_t max, uint64_t *v)
{
	if (mtd_parse_u64(s, max, v)) {
		fprintf(stderr, "xfer_send: bad number '%s'\n", s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: xfer_send ymodem|kermit FILE [options] -- RECEIVER [ARGS...]\n");
		return 2;
	}
	struct mtd_xfer_options o;
	mtd_xfer_options_init(&o);
	struct prog g = {0, 0};
	o.proto = strcmp(argv[1], "kermit") == 0 ? MTD_XFER_KERMIT : MTD_XFER_YMODEM;
	const char *file = argv[2];
	int i = 3;
	uint64_t v;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (i + 1 >= argc)
			return 2;
		if (!strcmp(argv[i], "--name"))
			o.name = argv[++i];
		else if (!strcmp(argv[i], "--start-ms") && !num(argv[++i], 600000, &v))
			o.start_timeout_ms = (int)v;
		else if (!strcmp(argv[i], "--timeout-ms") && !num(argv[++i], 600000, &v))
			o.timeout_ms = (int)v;
		else if (!strcmp(argv[i], "--retries") && !num(argv[++i], 1000, &v))
			o.retries = (unsigned)v;
		else if (!strcmp(argv[i], "--turnaround-ms") && !num(argv[++i], 1000, &v))
			o.turnaround_ms = (unsigned)v;
		else if (!strcmp(argv[i], "--kermit-max") && !num(argv[++i], 9024, &v))
			o.kermit_max = (unsigned)v;
		else if (!strcmp(argv[i], "--cancel-after") && !num(argv[++i], UINT64_MAX, &v))
			g.cancel_after = v;
		else {
			fprintf(stderr, "xfer_send: bad option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (i + 1 >= argc)
		return 2;
	char **rcv = argv + i + 1;

	int fd = open(file, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "xfer_send: cannot open %s\n", file);
		return 2;
	}
	size_t len = (size_t)st.st_size;
	uint8_t *data = malloc(len ? len : 1);
	size_t got = 0;
	while (data && got < len) {
		ssize_t n = read(fd, data + got, len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!data || got != len) {
		fprintf(stderr, "xfer_send: cannot read %s\n", file);
		return 2;
	}

	int m = posix_openpt(O_RDWR | O_NOCTTY);
	char slave[128];
	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, slave, sizeof(slave))) {
		fprintf(stderr, "xfer_send: no pseudo-terminal\n");
		return 2;
	}
	struct termios t;
	tcgetattr(m, &t);
	cfmakeraw(&t);
	tcsetattr(m, TCSANOW, &t);
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		int s = open(slave, O_RDWR);
		if (s < 0)
			_exit(127);
		ioctl(s, TIOCSCTTY, 0);
		struct termios ts;
		tcgetattr(s, &ts);
		cfmakeraw(&ts);
		cfsetispeed(&ts, B115200);
		cfsetospeed(&ts, B115200);
		tcsetattr(s, TCSANOW, &ts);
		dup2(s, 0);
		dup2(s, 1);
		if (s > 2)
			close(s);
		close(m);
		execvp(rcv[0], rcv);
		_exit(127);
	}
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	o.progress = on_progress;
	o.cancel = want_cancel;
	o.ctx = &g;
	o.progress_ms = 1;
	static struct mtd_xfer_result r;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = mtd_xfer_send(m, data, len, &o, &r, &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == 0)
		printf("ok bytes=%llu wire=%llu packets=%u retries=%u packet=%u long=%d crc16=%d closed_at_end=%d "
		       "seconds=%.2f\n",
		       (unsigned long long)r.p.done, (unsigned long long)r.p.wire, r.p.packets, r.p.retries, r.packet,
		       r.long_packets, r.crc16, r.closed_at_end, r.p.elapsed);
	else
		printf("error: %s (done=%llu retries=%u cancelled=%d aborted=%d)\n", d.msg,
		       (unsigned long long)r.p.done, r.p.retries, r.cancelled, r.aborted);
	printf("sender seconds=%.1f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	fflush(stdout);
	/* Let the receiver finish writing its file, then end it if it does not. */
	int status = 0;
	pid_t w = 0;
	for (int k = 0; k < 100 && (w = waitpid(pid, &status, WNOHANG)) == 0; k++) {
		char junk[4096];
		while (read(m, junk, sizeof(junk)) > 0) {
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (w == 0) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
		printf("receiver killed\n");
	} else {
		printf("receiver exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	close(m);
	free(data);
	return rc == 0 ? 0 : 1;
}
