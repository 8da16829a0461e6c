/* SPDX-License-Identifier: MIT */
/*
 * collect: the small static program that runs on the router.  It gathers what mtdscope needs
 * (the /proc files, the kernel log through klogctl, the device tree's model, PCI and USB ids
 * from sysfs, each MTD device's geometry through MEMGETINFO) and a SHA-256-checked dump of every
 * /dev/mtdNro, and writes one ustar bundle (layout in doc/collect.md) to a file, to standard
 * output, to a TCP listener or by TFTP (WRQ) to `mtdscope serve --upload`.  It streams: the
 * dumps pass through one 64 KiB buffer, so its memory stays small whatever the flash size.
 * No libmtdscope: plain C and the C library (musl, static).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <mtd/mtd-user.h>

#include "collect.h"

#ifndef COLLECT_VERSION
#define COLLECT_VERSION "0"
#endif

#define CHUNK       65536u
#define TEXT_MAX    (1u << 20) /* a /proc file or the kernel log larger than this is cut */
#define MAX_MTD     64
#define MAX_MEMBERS 96
#define TFTP_BLK    1468u

static const char help[] = "usage: collect [options] -o FILE|-\n"
                           "       collect [options] --tcp HOST:PORT\n"
                           "       collect [options] --tftp HOST[:PORT] [--name NAME]\n"
                           "\n"
                           "Gather what mtdscope needs from this device into one tar bundle: /proc/cpuinfo,\n"
                           "meminfo, mtd, cmdline, version and partitions, the kernel log (klogctl), the\n"
                           "device tree's model and compatible, PCI and USB ids from sysfs, each MTD\n"
                           "device's type, size, erase, page and OOB size, and a dump of every /dev/mtdNro\n"
                           "with its SHA-256.  Nothing on the device is written.\n"
                           "\n"
                           "options:\n"
                           "  -o FILE            write the bundle to FILE (- : standard output)\n"
                           "  --tcp HOST:PORT    stream the bundle to a TCP listener (nc -l PORT > b.tar)\n"
                           "  --tftp HOST[:PORT] upload it by TFTP (mtdscope serve --upload DIR)\n"
                           "  --name NAME        the bundle's name on the TFTP server (default\n"
                           "                     collect-HOSTNAME.tar)\n"
                           "  --twice            read every flash twice and report the partitions whose two\n"
                           "                     reads differ\n"
                           "  --no-dumps         only the logs and the MTD geometry, no flash contents\n"
                           "  --root DIR         read /proc, /sys and /dev under DIR (a copied tree)\n"
                           "  --klog FILE        take the kernel log from FILE instead of klogctl\n"
                           "  -q, --quiet        no progress on standard error\n"
                           "  -V, --version      print the version\n"
                           "  -h, --help         show this help\n"
                           "\n"
                           "Exit status: 0 the bundle was written and every dump read cleanly (and twice\n"
                           "the same with --twice), 1 the bundle was not written or a dump had read errors\n"
                           "or differed between reads (the bundle says which), 2 usage error.\n";

/* ---- output: one byte stream to a file, a socket or TFTP, hashed as it goes ---- */

struct out {
	int fd;    /* file, stdout or TCP socket; -1 for TFTP */
	bool tftp; /* upload by TFTP */
	struct sockaddr_storage peer;
	socklen_t peerlen;
	unsigned blksize; /* TFTP block size agreed */
	uint16_t block;   /* TFTP: the last block sent */
	uint8_t pkt[4 + TFTP_BLK];
	size_t fill; /* TFTP: bytes waiting in pkt + 4 */
	uint64_t total;
	struct sha256 sha;
	bool failed;
};

static bool quiet;

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("collect: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static bool write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}

/* One TFTP packet out, then wait for the answer the state wants: ACK of `want` (or OACK when want is 0). */
static bool tftp_exchange(struct out *o, const void *pkt, size_t n, uint16_t want, bool first)
{
	uint8_t in[516];
	for (int tries = 0; tries < 6; tries++) {
		if (sendto(o->fd, pkt, n, 0, (struct sockaddr *)&o->peer, o->peerlen) < 0) {
			msg("tftp: send failed: %s", strerror(errno));
			return false;
		}
		struct pollfd pf = {.fd = o->fd, .events = POLLIN};
		int deadline = 2000;
		while (deadline > 0) {
			struct timespec t0, t1;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			int pr = poll(&pf, 1, deadline);
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr <= 0)
				break;
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t r = recvfrom(o->fd, in, sizeof(in) - 1, 0, (struct sockaddr *)&from, &fl);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			deadline -= (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
			if (r < 4)
				continue;
			if (first) { /* the server answers from its transfer port: talk to that one from now on */
				memcpy(&o->peer, &from, fl);
				o->peerlen = fl;
			}
			unsigned op = (unsigned)in[0] << 8 | in[1], num = (unsigned)in[2] << 8 | in[3];
			if (op == 5) {
				in[r] = 0;
				msg("tftp: the server refused: %s (error %u)", (char *)in + 4, num);
				return false;
			}
			if (op == 4 && num == want)
				return true;
			if (op == 6 && first) { /* OACK: blksize accepted (or lowered) */
				in[r] = 0;
				for (size_t i = 2; i < (size_t)r;) {
					const char *key = (const char *)in + i;
					size_t kl = strlen(key);
					const char *val = key + kl + 1;
					if (i + kl + 1 >= (size_t)r)
						break;
					if (!strcasecmp(key, "blksize")) {
						unsigned long v = strtoul(val, NULL, 10);
						if (v >= 8 && v <= TFTP_BLK)
							o->blksize = (unsigned)v;
					}
					i += kl + 1 + strlen(val) + 1;
				}
				return true;
			}
		}
	}
	msg("tftp: no answer from the server");
	return false;
}

static bool tftp_send_block(struct out *o)
{
	o->block++;
	o->pkt[0] = 0;
	o->pkt[1] = 3;
	o->pkt[2] = (uint8_t)(o->block >> 8);
	o->pkt[3] = (uint8_t)o->block;
	bool ok = tftp_exchange(o, o->pkt, 4 + o->fill, o->block, false);
	o->fill = 0;
	return ok;
}

static void out_put(struct out *o, const void *p, size_t n)
{
	if (o->failed || !n)
		return;
	sha256_update(&o->sha, p, n);
	o->total += n;
	if (!o->tftp) {
		if (!write_all(o->fd, p, n)) {
			msg("writing the bundle failed: %s", strerror(errno));
			o->failed = true;
		}
		return;
	}
	const uint8_t *b = p;
	while (n && !o->failed) {
		size_t take = o->blksize - o->fill < n ? o->blksize - o->fill : n;
		memcpy(o->pkt + 4 + o->fill, b, take);
		o->fill += take;
		b += take;
		n -= take;
		if (o->fill == o->blksize && !tftp_send_block(o))
			o->failed = true;
	}
}

static bool tftp_start(struct out *o, const char *hostport, const char *name)
{
	char host[256];
	const char *port = "69";
	snprintf(host, sizeof(host), "%s", hostport);
	char *c = strrchr(host, ':');
	if (c && !strchr(c + 1, ']') && strchr(host, ':') == c) {
		*c = 0;
		port = c + 1;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV}, *ai;
	int e = getaddrinfo(host, port, &hints, &ai);
	if (e) {
		msg("tftp: %s: %s", hostport, gai_strerror(e));
		return false;
	}
	o->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memcpy(&o->peer, ai->ai_addr, ai->ai_addrlen);
	o->peerlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (o->fd < 0) {
		msg("tftp: socket: %s", strerror(errno));
		return false;
	}
	uint8_t wrq[512];
	size_t n = 2;
	wrq[0] = 0;
	wrq[1] = 2;
	int w = snprintf((char *)wrq + n, sizeof(wrq) - n, "%s%coctet%cblksize%c%u", name, 0, 0, 0, TFTP_BLK);
	if (w < 0 || (size_t)w + 1 >= sizeof(wrq) - n) {
		msg("tftp: the name is too long");
		return false;
	}
	n += (size_t)w + 1;
	o->tftp = true;
	o->blksize = 512;
	return tftp_exchange(o, wrq, n, 0, true);
}

static bool tcp_start(struct out *o, const char *hostport)
{
	char host[256];
	snprintf(host, sizeof(host), "%s", hostport);
	char *c = strrchr(host, ':');
	if (!c || !c[1]) {
		msg("--tcp takes HOST:PORT, not '%s'", hostport);
		return false;
	}
	*c = 0;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *ai;
	int e = getaddrinfo(host, c + 1, &hints, &ai);
	if (e) {
		msg("tcp: %s: %s", hostport, gai_strerror(e));
		return false;
	}
	o->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (o->fd < 0 || connect(o->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		msg("tcp: cannot connect to %s: %s", hostport, strerror(errno));
		freeaddrinfo(ai);
		return false;
	}
	freeaddrinfo(ai);
	return true;
}

/* ---- ustar ---- */

static uint8_t zero_block[512];

static void octal(char *dst, size_t width, uint64_t v)
{
	/* width-1 octal digits and a NUL, as ustar wants */
	dst[width - 1] = 0;
	for (size_t i = width - 1; i-- > 0; v >>= 3)
		dst[i] = (char)('0' + (v & 7));
}

static uint64_t mtime;

static void tar_header(struct out *o, const char *name, uint64_t size)
{
	char h[512];
	memset(h, 0, sizeof(h));
	snprintf(h, 100, "%s", name);
	octal(h + 100, 8, 0644);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, size);
	octal(h + 136, 12, mtime);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 5);
	memcpy(h + 297, "root", 5);
	unsigned sum = 0;
	for (size_t i = 0; i < sizeof(h); i++)
		sum += (uint8_t)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	h[155] = ' ';
	out_put(o, h, sizeof(h));
}

static void tar_pad(struct out *o, uint64_t size)
{
	if (size % 512)
		out_put(o, zero_block, 512 - size % 512);
}

/* ---- the members, remembered for manifest.json and SHA256SUMS ---- */

struct member {
	char name[64];
	uint64_t size;
	char sha[65];
	char source[128];
};
static struct member members[MAX_MEMBERS];
static size_t nmembers;

static void add_member(struct out *o, const char *name, const void *data, size_t n, const char *source)
{
	if (nmembers == MAX_MEMBERS)
		return;
	struct member *m = &members[nmembers++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->source, sizeof(m->source), "%s", source);
	m->size = n;
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, data, n);
	sha256_hex(&s, m->sha);
	char full[96];
	snprintf(full, sizeof(full), "collect/%s", name);
	tar_header(o, full, n);
	out_put(o, data, n);
	tar_pad(o, n);
}

/* ---- small growable text ---- */

struct text {
	char *p;
	size_t n, cap;
	bool cut;
};

static void text_add(struct text *t, const void *p, size_t n)
{
	if (t->n + n > TEXT_MAX) {
		n = TEXT_MAX - t->n;
		t->cut = true;
	}
	if (t->n + n + 1 > t->cap) {
		size_t nc = t->cap ? t->cap : 4096;
		while (nc < t->n + n + 1)
			nc *= 2;
		char *q = realloc(t->p, nc);
		if (!q) {
			t->cut = true;
			return;
		}
		t->p = q;
		t->cap = nc;
	}
	memcpy(t->p + t->n, p, n);
	t->n += n;
	t->p[t->n] = 0;
}

static void text_puts(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(struct text *t, const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > 0)
		text_add(t, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

/* JSON string: quotes, backslashes and control bytes escaped; other bytes as they are. */
static void text_json(struct text *t, const char *s)
{
	text_add(t, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			text_printf(t, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			text_printf(t, "\\u%04x", c);
		else
			text_add(t, s, 1);
	}
	text_add(t, "\"", 1);
}

static void text_free(struct text *t)
{
	free(t->p);
	memset(t, 0, sizeof(*t));
}

static const char *root = "";

static void path_of(char *dst, size_t n, const char *p)
{
	snprintf(dst, n, "%s%s", root, p);
}

/* The whole of a (proc or sysfs) file, at most TEXT_MAX bytes; false when it cannot be opened. */
static bool read_text(const char *path, struct text *t)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	char b[4096];
	for (;;) {
		ssize_t r = read(fd, b, sizeof(b));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		text_add(t, b, (size_t)r);
		if (t->cut)
			break;
	}
	close(fd);
	if (!t->p && (t->p = calloc(1, 1)))
		t->cap = 1;
	return t->p != NULL;
}

/* One line of a sysfs attribute without its newline ("" when absent). */
static void read_attr(const char *dir, const char *name, char *out, size_t n)
{
	char p[1024];
	out[0] = 0;
	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		return;
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t r = read(fd, out, n - 1);
	close(fd);
	if (r < 0)
		r = 0;
	out[r] = 0;
	out[strcspn(out, "\n")] = 0;
}

struct notes {
	struct text t; /* manifest "notes": what could not be gathered */
	unsigned n;
};
static struct notes notes;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	char b[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (!quiet)
		msg("%s", b);
	if (notes.n++)
		text_add(&notes.t, ", ", 2);
	text_json(&notes.t, b);
}

static void gather_file(struct out *o, const char *sys, const char *member)
{
	char p[512];
	path_of(p, sizeof(p), sys);
	struct text t = {0};
	if (!read_text(p, &t)) {
		note("%s: %s", sys, strerror(errno));
		return;
	}
	if (t.cut)
		note("%s: cut at %u bytes", sys, TEXT_MAX);
	add_member(o, member, t.p, t.n, sys);
	text_free(&t);
}

/* The device tree's model and compatible: NUL-separated strings become lines. */
static void gather_dt(struct out *o, const char *name)
{
	char sys[64], p[512], member[64];
	snprintf(sys, sizeof(sys), "/proc/device-tree/%s", name);
	snprintf(member, sizeof(member), "device-tree/%s", name);
	path_of(p, sizeof(p), sys);
	struct text t = {0};
	if (!read_text(p, &t))
		return; /* no device tree (an older kernel): nothing to say */
	for (size_t i = 0; i < t.n; i++)
		if (!t.p[i])
			t.p[i] = '\n';
	add_member(o, member, t.p, t.n, sys);
	text_free(&t);
}

static void gather_klog(struct out *o, const char *klog_file)
{
	struct text t = {0};
	if (klog_file) {
		if (!read_text(klog_file, &t)) {
			note("%s: %s", klog_file, strerror(errno));
			return;
		}
		add_member(o, "dmesg", t.p, t.n, klog_file);
		text_free(&t);
		return;
	}
	int size = klogctl(10, NULL, 0); /* SYSLOG_ACTION_SIZE_BUFFER */
	if (size <= 0)
		size = 1 << 17;
	if ((unsigned)size > TEXT_MAX)
		size = (int)TEXT_MAX;
	char *b = malloc((size_t)size);
	int n = b ? klogctl(3, b, size) : -1; /* SYSLOG_ACTION_READ_ALL */
	if (n < 0) {
		note("klogctl: %s", b ? strerror(errno) : "out of memory");
		free(b);
		return;
	}
	add_member(o, "dmesg", b, (size_t)n, "klogctl");
	free(b);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a sysfs directory, sorted; the caller frees the array and names. */
static size_t list_dir(const char *path, char ***out)
{
	*out = NULL;
	DIR *d = opendir(path);
	if (!d)
		return 0;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **q = realloc(*out, cap * sizeof(*q));
			if (!q)
				break;
			*out = q;
		}
		if (!((*out)[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(*out, n, sizeof(**out), cmp_name);
	return n;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static const char *pci_class_name(unsigned cls)
{
	/* base class and sub-class names as lspci prints them (PCI code and ID assignment spec) */
	switch (cls >> 8) {
	case 0x01: return "Mass storage controller";
	case 0x02: return (cls & 0xff) == 0x80 ? "Network controller" : "Ethernet controller";
	case 0x03: return "Display controller";
	case 0x04: return "Multimedia controller";
	case 0x05: return "Memory controller";
	case 0x06: return (cls & 0xff) == 0x04 ? "PCI bridge" : "Bridge";
	case 0x07: return "Communication controller";
	case 0x0c: return (cls & 0xff) == 0x03 ? "USB controller" : "Serial bus controller";
	case 0x0d: return "Wireless controller";
	default: return "Class";
	}
}

/* lspci -nn's lines from /sys/bus/pci/devices: "01:00.0 Network controller [0280]: Device [14c3:7662]" */
static void gather_pci(struct out *o)
{
	char dir[512];
	path_of(dir, sizeof(dir), "/sys/bus/pci/devices");
	char **v;
	size_t n = list_dir(dir, &v);
	if (!n) {
		free_list(v, n);
		return;
	}
	struct text t = {0};
	for (size_t i = 0; i < n; i++) {
		char d[768], ven[16], dev[16], cls[16], rev[16];
		snprintf(d, sizeof(d), "%s/%s", dir, v[i]);
		read_attr(d, "vendor", ven, sizeof(ven));
		read_attr(d, "device", dev, sizeof(dev));
		read_attr(d, "class", cls, sizeof(cls));
		read_attr(d, "revision", rev, sizeof(rev));
		unsigned long c = strtoul(cls, NULL, 16) >> 8;
		const char *addr = v[i];
		if (!strncmp(addr, "0000:", 5))
			addr += 5;
		text_printf(&t, "%s %s [%04lx]: Device [%s:%s]", addr, pci_class_name((unsigned)c), c,
		            ven[0] ? ven + (ven[1] == 'x' ? 2 : 0) : "????",
		            dev[0] ? dev + (dev[1] == 'x' ? 2 : 0) : "????");
		if (rev[0])
			text_printf(&t, " (rev %s)", rev + (rev[1] == 'x' ? 2 : 0));
		text_puts(&t, "\n");
	}
	free_list(v, n);
	add_member(o, "lspci", t.p, t.n, "/sys/bus/pci/devices");
	text_free(&t);
}

/* lsusb's lines from /sys/bus/usb/devices: "Bus 001 Device 002: ID 2cb7:0a05 Fibocom FG621" */
static void gather_usb(struct out *o)
{
	char dir[512];
	path_of(dir, sizeof(dir), "/sys/bus/usb/devices");
	char **v;
	size_t n = list_dir(dir, &v);
	struct text t = {0};
	for (size_t i = 0; i < n; i++) {
		if (strchr(v[i], ':')) /* interfaces */
			continue;
		char d[768], ven[16], prod[16], bus[16], num[16], man[128], name[128];
		snprintf(d, sizeof(d), "%s/%s", dir, v[i]);
		read_attr(d, "idVendor", ven, sizeof(ven));
		read_attr(d, "idProduct", prod, sizeof(prod));
		if (!ven[0] || !prod[0])
			continue;
		read_attr(d, "busnum", bus, sizeof(bus));
		read_attr(d, "devnum", num, sizeof(num));
		read_attr(d, "manufacturer", man, sizeof(man));
		read_attr(d, "product", name, sizeof(name));
		text_printf(&t, "Bus %03lu Device %03lu: ID %s:%s%s%s%s%s\n", strtoul(bus, NULL, 10),
		            strtoul(num, NULL, 10), ven, prod, man[0] ? " " : "", man, name[0] ? " " : "", name);
	}
	free_list(v, n);
	if (t.p)
		add_member(o, "lsusb", t.p, t.n, "/sys/bus/usb/devices");
	text_free(&t);
}

/* ---- MTD ---- */

struct mtd {
	unsigned index;
	char name[64];
	uint64_t size, erasesize, writesize, oobsize;
	char type[16];
	char info[16]; /* where the geometry came from: "ioctl", "sysfs" or "proc-mtd" */
	char sha[65], sha2[65];
	uint64_t read, errors, first_error;
	bool dumped;
	uint64_t bad[32];
	unsigned nbad;
};
static struct mtd mtds[MAX_MTD];
static size_t nmtd;

static bool hexnum(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	int digits = 0;
	for (; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'); p++, digits++) {
		if (digits >= 16)
			return false;
		x = x * 16 + (uint64_t)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
	}
	*s = p;
	*v = x;
	return digits > 0;
}

/* /proc/mtd: `mtd3: 007b0000 00010000 "firmware"` */
static void parse_proc_mtd(const char *t)
{
	for (const char *l = t; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, "mtd", 3) || nmtd == MAX_MTD)
			continue;
		const char *p = l + 3;
		unsigned idx = 0;
		int dg = 0;
		for (; *p >= '0' && *p <= '9' && dg < 4; p++, dg++)
			idx = idx * 10 + (unsigned)(*p - '0');
		if (!dg || *p++ != ':' || *p++ != ' ')
			continue;
		uint64_t size, es;
		if (!hexnum(&p, &size) || *p++ != ' ' || !hexnum(&p, &es) || *p++ != ' ' || *p++ != '"')
			continue;
		struct mtd *m = &mtds[nmtd++];
		memset(m, 0, sizeof(*m));
		m->index = idx;
		size_t nl = strcspn(p, "\"\n");
		snprintf(m->name, sizeof(m->name), "%.*s", (int)nl, p);
		m->size = size;
		m->erasesize = es;
		snprintf(m->info, sizeof(m->info), "proc-mtd");
	}
}

static const char *mtd_type_name(unsigned t)
{
	switch (t) {
	case MTD_ABSENT: return "absent";
	case MTD_RAM: return "ram";
	case MTD_ROM: return "rom";
	case MTD_NORFLASH: return "nor";
	case MTD_NANDFLASH: return "nand";
	case MTD_DATAFLASH: return "dataflash";
	case MTD_UBIVOLUME: return "ubi";
	case MTD_MLCNANDFLASH: return "mlc-nand";
	default: return "unknown";
	}
}

/* Geometry: MEMGETINFO on the device, else /sys/class/mtd/mtdN, else what /proc/mtd said. */
static void mtd_geometry(struct mtd *m, int fd)
{
	struct mtd_info_user mi;
	if (fd >= 0 && ioctl(fd, MEMGETINFO, &mi) == 0) {
		snprintf(m->type, sizeof(m->type), "%s", mtd_type_name(mi.type));
		m->size = mi.size;
		m->erasesize = mi.erasesize;
		m->writesize = mi.writesize;
		m->oobsize = mi.oobsize;
		snprintf(m->info, sizeof(m->info), "ioctl");
		return;
	}
	char dir[512], sys[64], v[64];
	snprintf(sys, sizeof(sys), "/sys/class/mtd/mtd%u", m->index);
	path_of(dir, sizeof(dir), sys);
	read_attr(dir, "size", v, sizeof(v));
	if (!v[0])
		return;
	m->size = strtoull(v, NULL, 10);
	read_attr(dir, "erasesize", v, sizeof(v));
	m->erasesize = strtoull(v, NULL, 10);
	read_attr(dir, "writesize", v, sizeof(v));
	m->writesize = strtoull(v, NULL, 10);
	read_attr(dir, "oobsize", v, sizeof(v));
	m->oobsize = strtoull(v, NULL, 10);
	read_attr(dir, "type", m->type, sizeof(m->type));
	snprintf(m->info, sizeof(m->info), "sysfs");
}

static uint8_t chunk[CHUNK];

static void progress(const struct mtd *m, uint64_t done, int pass)
{
	if (quiet || !isatty(2))
		return;
	fprintf(stderr, "\rcollect: mtd%u %s%s: %llu/%llu KiB ", m->index, m->name, pass == 2 ? " (2nd read)" : "",
	        (unsigned long long)(done >> 10), (unsigned long long)(m->size >> 10));
}

/*
 * One pass over the device: m->size bytes in CHUNK reads, hashed; into the bundle when o is not
 * NULL.  A read error fills that chunk with 0xff, is counted and the read goes on after it; a
 * device shorter than its size is filled with 0xff to the size the tar header promised.
 */
static void mtd_pass(struct mtd *m, int fd, struct out *o, char sha[65], int pass)
{
	struct sha256 s;
	sha256_init(&s);
	uint64_t off = 0, errors = 0, first = 0, got = 0;
	bool ended = false;
	if (lseek(fd, 0, SEEK_SET) != 0)
		errors++;
	while (off < m->size) {
		size_t want = m->size - off < CHUNK ? (size_t)(m->size - off) : CHUNK;
		size_t have = 0;
		bool bad = false;
		while (have < want && !ended) {
			ssize_t r = read(fd, chunk + have, want - have);
			if (r < 0 && errno == EINTR)
				continue;
			if (r == 0)
				ended = true;
			if (r < 0) {
				bad = true;
				break;
			}
			have += r > 0 ? (size_t)r : 0;
		}
		got += have;
		if (bad && !errors++)
			first = off + have;
		if (have < want) {
			memset(chunk + have, 0xff, want - have);
			lseek(fd, (off_t)(off + want), SEEK_SET);
		}
		sha256_update(&s, chunk, want);
		if (o)
			out_put(o, chunk, want);
		off += want;
		if (!(off & 0xfffff) || off == m->size)
			progress(m, off, pass);
	}
	sha256_hex(&s, sha);
	if (pass == 1) {
		m->read = got;
		m->errors = errors;
		m->first_error = first;
	} else if (errors && !m->errors) {
		m->errors = errors;
		m->first_error = first;
	}
	if (!quiet && isatty(2))
		fputc('\n', stderr);
}

static void mtd_bad_blocks(struct mtd *m, int fd)
{
	if (strcmp(m->type, "nand") && strcmp(m->type, "mlc-nand"))
		return;
	for (uint64_t off = 0; m->erasesize && off < m->size; off += m->erasesize) {
		loff_t at = (loff_t)off;
		if (ioctl(fd, MEMGETBADBLOCK, &at) > 0 && m->nbad < sizeof(m->bad) / sizeof(m->bad[0]))
			m->bad[m->nbad++] = off;
	}
}

static bool gather_mtd(struct out *o, bool dumps, bool twice)
{
	bool clean = true;
	for (size_t i = 0; i < nmtd; i++) {
		struct mtd *m = &mtds[i];
		char dev[64], p[512], member[64];
		snprintf(dev, sizeof(dev), "/dev/mtd%uro", m->index);
		path_of(p, sizeof(p), dev);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(dev, sizeof(dev), "/dev/mtd%u", m->index);
			path_of(p, sizeof(p), dev);
			fd = open(p, O_RDONLY | O_CLOEXEC);
		}
		mtd_geometry(m, fd);
		if (fd < 0) {
			note("/dev/mtd%uro: %s", m->index, strerror(errno));
			if (dumps)
				clean = false;
			continue;
		}
		mtd_bad_blocks(m, fd);
		if (!dumps) {
			close(fd);
			continue;
		}
		snprintf(member, sizeof(member), "collect/mtd/mtd%uro", m->index);
		tar_header(o, member, m->size);
		mtd_pass(m, fd, o, m->sha, 1);
		tar_pad(o, m->size);
		m->dumped = true;
		if (twice)
			mtd_pass(m, fd, NULL, m->sha2, 2);
		close(fd);
		if (m->read < m->size) {
			clean = false;
			msg("mtd%u %s: the device ended after %llu of %llu bytes (the rest filled with 0xff)", m->index,
			    m->name, (unsigned long long)m->read, (unsigned long long)m->size);
		}
		if (m->errors) {
			clean = false;
			msg("mtd%u %s: %llu read error%s, the first at offset 0x%llx (filled with 0xff)", m->index,
			    m->name, (unsigned long long)m->errors, m->errors == 1 ? "" : "s",
			    (unsigned long long)m->first_error);
		}
		if (twice && strcmp(m->sha, m->sha2)) {
			clean = false;
			msg("mtd%u %s: the two reads differ (%.16s... then %.16s...): this flash is not read reliably",
			    m->index, m->name, m->sha, m->sha2);
		} else if (!quiet) {
			msg("mtd%u %s: %llu bytes, sha256 %s%s", m->index, m->name, (unsigned long long)m->size, m->sha,
			    twice ? " (read twice, equal)" : "");
		}
		if (o->failed)
			break;
	}
	return clean;
}

static void manifest(struct out *o, bool dumps, bool twice)
{
	struct text t = {0};
	struct utsname u;
	memset(&u, 0, sizeof(u));
	uname(&u);
	text_printf(&t, "{\n  \"schema\": \"mtdscope.collect-manifest/1\",\n  \"collect_version\": \"%s\",\n",
	            COLLECT_VERSION);
	text_printf(&t, "  \"time\": %llu,\n  \"uname\": {\"sysname\": ", (unsigned long long)mtime);
	text_json(&t, u.sysname);
	text_puts(&t, ", \"nodename\": ");
	text_json(&t, u.nodename);
	text_puts(&t, ", \"release\": ");
	text_json(&t, u.release);
	text_puts(&t, ", \"version\": ");
	text_json(&t, u.version);
	text_puts(&t, ", \"machine\": ");
	text_json(&t, u.machine);
	text_printf(&t, "},\n  \"root\": ");
	text_json(&t, root[0] ? root : "/");
	text_printf(&t, ",\n  \"dumps\": %s,\n  \"twice\": %s,\n  \"files\": [", dumps ? "true" : "false",
	            twice ? "true" : "false");
	for (size_t i = 0; i < nmembers; i++) {
		text_printf(&t, "%s\n    {\"name\": ", i ? "," : "");
		text_json(&t, members[i].name);
		text_printf(&t,
		            ", \"size\": %llu, \"sha256\": \"%s\", \"source\": ", (unsigned long long)members[i].size,
		            members[i].sha);
		text_json(&t, members[i].source);
		text_puts(&t, "}");
	}
	text_printf(&t, "\n  ],\n  \"mtd\": [");
	for (size_t i = 0; i < nmtd; i++) {
		const struct mtd *m = &mtds[i];
		text_printf(&t, "%s\n    {\"index\": %u, \"name\": ", i ? "," : "", m->index);
		text_json(&t, m->name);
		text_puts(&t, ", \"type\": ");
		text_json(&t, m->type[0] ? m->type : "unknown");
		text_printf(&t,
		            ", \"size\": %llu, \"erasesize\": %llu, \"writesize\": %llu, \"oobsize\": %llu, "
		            "\"geometry_from\": \"%s\"",
		            (unsigned long long)m->size, (unsigned long long)m->erasesize,
		            (unsigned long long)m->writesize, (unsigned long long)m->oobsize, m->info);
		if (m->dumped) {
			text_printf(&t,
			            ", \"dump\": \"mtd/mtd%uro\", \"sha256\": \"%s\", \"bytes_read\": %llu, "
			            "\"read_errors\": %llu",
			            m->index, m->sha, (unsigned long long)m->read, (unsigned long long)m->errors);
			if (m->errors)
				text_printf(&t, ", \"first_error\": %llu", (unsigned long long)m->first_error);
			if (twice)
				text_printf(&t, ", \"sha256_second\": \"%s\", \"stable\": %s", m->sha2,
				            strcmp(m->sha, m->sha2) ? "false" : "true");
		}
		text_puts(&t, ", \"bad_blocks\": [");
		for (unsigned b = 0; b < m->nbad; b++)
			text_printf(&t, "%s%llu", b ? ", " : "", (unsigned long long)m->bad[b]);
		text_puts(&t, "]}");
	}
	text_printf(&t, "\n  ],\n  \"notes\": [%s]\n}\n", notes.t.p ? notes.t.p : "");
	add_member(o, "manifest.json", t.p, t.n, "collect");
	text_free(&t);
	/* SHA256SUMS last: `cd collect && sha256sum -c SHA256SUMS` checks every member, manifest included */
	for (size_t i = 0; i < nmembers; i++)
		text_printf(&t, "%s  %s\n", members[i].sha, members[i].name);
	for (size_t i = 0; i < nmtd; i++)
		if (mtds[i].dumped)
			text_printf(&t, "%s  mtd/mtd%uro\n", mtds[i].sha, mtds[i].index);
	char full[] = "collect/SHA256SUMS";
	tar_header(o, full, t.n);
	out_put(o, t.p, t.n);
	tar_pad(o, t.n);
	text_free(&t);
}

static void default_name(char *out, size_t n)
{
	struct utsname u;
	memset(&u, 0, sizeof(u));
	uname(&u);
	char host[65];
	size_t j = 0;
	for (size_t i = 0; u.nodename[i] && j < sizeof(host) - 1; i++) {
		char c = u.nodename[i];
		host[j++] =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ? c : '_';
	}
	host[j] = 0;
	snprintf(out, n, "collect-%s.tar", j ? host : "device");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"tcp", required_argument, NULL, 't'},
	    {"tftp", required_argument, NULL, 'T'},
	    {"name", required_argument, NULL, 'n'},
	    {"twice", no_argument, NULL, '2'},
	    {"no-dumps", no_argument, NULL, 'D'},
	    {"root", required_argument, NULL, 'r'},
	    {"klog", required_argument, NULL, 'k'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *outpath = NULL, *tcp = NULL, *tftp = NULL, *name = NULL, *klog = NULL;
	bool twice = false, dumps = true;
	int ch;
	while ((ch = getopt_long(argc, argv, "o:qVh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': outpath = optarg; break;
		case 't': tcp = optarg; break;
		case 'T': tftp = optarg; break;
		case 'n': name = optarg; break;
		case '2': twice = true; break;
		case 'D': dumps = false; break;
		case 'r': root = optarg; break;
		case 'k': klog = optarg; break;
		case 'q': quiet = true; break;
		case 'V': printf("collect %s\n", COLLECT_VERSION); return 0;
		case 'h': fputs(help, stdout); return 0;
		default: fputs("collect: bad option (collect --help)\n", stderr); return 2;
		}
	}
	if (optind != argc || (!!outpath + !!tcp + !!tftp) != 1) {
		fputs("collect: give exactly one of -o FILE|-, --tcp HOST:PORT, --tftp HOST (collect --help)\n",
		      stderr);
		return 2;
	}
	if (name && !tftp) {
		fputs("collect: --name is for --tftp\n", stderr);
		return 2;
	}
	if (!strcmp(root, "/"))
		root = "";
	signal(SIGPIPE, SIG_IGN);
	mtime = (uint64_t)time(NULL);

	static struct out o;
	o.fd = -1;
	sha256_init(&o.sha);
	char tmp[4096] = "", tname[256];
	if (outpath && !strcmp(outpath, "-")) {
		if (isatty(1)) {
			fputs("collect: not writing a tar bundle to a terminal (-o FILE, or redirect)\n", stderr);
			return 2;
		}
		o.fd = 1;
	} else if (outpath) {
		snprintf(tmp, sizeof(tmp), "%s.part", outpath);
		o.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (o.fd < 0) {
			msg("%s: cannot create: %s", tmp, strerror(errno));
			return 1;
		}
	} else if (tcp) {
		if (!tcp_start(&o, tcp))
			return 1;
	} else {
		if (!name)
			default_name(tname, sizeof(tname));
		if (!tftp_start(&o, tftp, name ? name : tname))
			return 1;
	}

	/* the text files first (small, read whole), then the geometry and the dumps, then the manifest */
	static const char *const procs[] = {"cpuinfo", "meminfo", "mtd", "cmdline", "version", "partitions"};
	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		char sys[32], member[32];
		snprintf(sys, sizeof(sys), "/proc/%s", procs[i]);
		snprintf(member, sizeof(member), "proc/%s", procs[i]);
		gather_file(&o, sys, member);
		if (!strcmp(procs[i], "mtd")) {
			char p[512];
			struct text t = {0};
			path_of(p, sizeof(p), "/proc/mtd");
			if (read_text(p, &t))
				parse_proc_mtd(t.p);
			text_free(&t);
		}
	}
	gather_klog(&o, klog);
	gather_dt(&o, "model");
	gather_dt(&o, "compatible");
	gather_pci(&o);
	gather_usb(&o);
	bool clean = gather_mtd(&o, dumps, twice);
	manifest(&o, dumps, twice);
	out_put(&o, zero_block, 512);
	out_put(&o, zero_block, 512);
	if (o.tftp && !o.failed && !tftp_send_block(&o)) /* the last, short block ends the transfer */
		o.failed = true;
	if (o.fd > 1 && !o.tftp && !tcp && fsync(o.fd) != 0 && errno != EINVAL) {
		msg("%s: %s", tmp, strerror(errno));
		o.failed = true;
	}
	if (o.fd > 1 && close(o.fd) != 0)
		o.failed = true;
	if (o.failed) {
		if (tmp[0])
			unlink(tmp);
		msg("the bundle was not written");
		return 1;
	}
	if (tmp[0] && rename(tmp, outpath) != 0) {
		msg("%s: cannot rename into place: %s", outpath, strerror(errno));
		unlink(tmp);
		return 1;
	}
	char sha[65];
	sha256_hex(&o.sha, sha);
	msg("bundle %s: %llu bytes, sha256 %s",
	    outpath ? outpath
	    : tcp   ? tcp
	    : name  ? name
	            : tname,
	    (unsigned long long)o.total, sha);
	return clean ? 0 : 1;
}
