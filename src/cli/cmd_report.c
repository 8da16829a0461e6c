/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/bundle.h>
#include <mtdscope/device.h>
#include <mtdscope/reader.h>
#include <mtdscope/source.h>
#include <mtdscope/util.h>

#include "cli.h"
#include "html.h"

static const char help[] = "usage: mtdscope report [options] [FILE|DIR|-]...\n"
                           "\n"
                           "What hardware is this?  Reads what an owner can paste - shell transcripts with\n"
                           "prompts, dmesg, boot logs (U-Boot, boot ROMs), /proc/cpuinfo, /proc/mtd,\n"
                           "/proc/meminfo, free, lspci, lsusb, forum text around them - and prints the SoC,\n"
                           "CPU, RAM, flash chip and size, partitions, radios, USB devices, Ethernet,\n"
                           "bootloader, kernel and console, each with the file and line that says it.\n"
                           "Sources that disagree are shown (a partition table bigger than the chip, a\n"
                           "pre-PLL clock, a reference-design name).  No FILE or '-' reads standard input.\n"
                           "A bundle written by 'mtdscope collect' is read as its text members.\n"
                           "\n"
                           "A directory means the files a person gathered for one device, in name order\n"
                           "(hidden files and symlinks left out): every text file is read as the device's\n"
                           "text, notes included (prose counts as the poster's word, the weakest evidence);\n"
                           "a collect bundle as its members; binary data (flash dumps, firmware, archives:\n"
                           "over 1 in 100 of the first 64 KiB bytes no text holds) and a file that is one\n"
                           "JSON document other than the two a device prints ('ubus call system board',\n"
                           "/etc/board.json) - a tool's or a test corpus's truth file - are named on\n"
                           "standard error and left out.  A file given by name is always read as text.\n"
                           "\n"
                           "options:\n"
                           "  --json          facts, recognised parts and the profile as one JSON document\n"
                           "  --facts         also list every fact found (text output)\n"
                           "  --html FILE     also write a self-contained HTML report to FILE ('-': standard\n"
                           "                  output, instead of the text): the profile with the line\n"
                           "                  proving each value and the --json document\n"
                           "  --color=WHEN    auto (default), always or never\n"
                           "  -h, --help      show this help\n"
                           "\n"
                           "See also 'mtdscope assess' (the OpenWrt verdict) and 'mtdscope modem'.\n";

static int load_one(struct mtd_facts *f, const char *path, bool *any_ok)
{
	struct mtd_diag d;
	mtd_diag_clear(&d);
	char *buf = NULL;
	size_t len = 0;
	int rc;
	if (!strcmp(path, "-")) {
		size_t cap = 0;
		for (;;) {
			if (len == cap) {
				size_t ncap = cap ? cap * 2 : 65536;
				if (ncap > (size_t)MTD_FACTS_MAX_INPUT + 1)
					ncap = (size_t)MTD_FACTS_MAX_INPUT + 1;
				if (ncap == cap)
					break;
				char *nb = realloc(buf, ncap);
				if (!nb) {
					free(buf);
					cli_error("standard input: out of memory");
					return CLI_FAIL;
				}
				buf = nb;
				cap = ncap;
			}
			ssize_t n = read(0, buf + len, cap - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				free(buf);
				cli_error("standard input: read failed: %s", strerror(errno));
				return CLI_FAIL;
			}
			if (n == 0)
				break;
			len += (size_t)n;
		}
		rc = mtd_facts_parse(f, "<stdin>", (const uint8_t *)(buf ? buf : ""), len, &d);
	} else {
		rc = mtd_read_small_file(path, MTD_FACTS_MAX_INPUT, &buf, &len, &d);
		if (!rc)
			rc = mtd_facts_parse(f, path, (const uint8_t *)buf, len, &d);
	}
	free(buf);
	if (rc) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	*any_ok = true;
	return CLI_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Bytes no text file holds: NUL (unless it ends a printable string, as /proc/device-tree/model
 * and compatible show them), C0 controls other than TAB LF VT FF CR BS ESC, DEL, and 0xff (never
 * in UTF-8, unused by GBK and Big5, erased flash).  Binary when more than 1 in 100 of the first
 * 64 KiB are such: flash dumps, firmware, compressed data, archives.
 */
static bool looks_binary(const struct mtd_reader *r)
{
	size_t n = mtd_rd_left(r) < 65536 ? mtd_rd_left(r) : 65536, bad = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = mtd_rd_u8_at(r, i);
		if (c == 0) {
			uint8_t prev = i ? mtd_rd_u8_at(r, i - 1) : 0, next = i + 1 < n ? mtd_rd_u8_at(r, i + 1) : ' ';
			bad += !(prev >= 0x20 && prev < 0x7f && next >= 0x20 && next < 0x7f);
		} else if ((c < 0x20 && !strchr("\t\n\v\f\r\b\033", c)) || c == 0x7f || c == 0xff) {
			bad++;
		}
	}
	return bad * 100 > n;
}

/*
 * A whole-file JSON document is device output only in the shapes a device prints: `ubus call
 * system board` (its "board_name") and OpenWrt's /etc/board.json (a "model" beside "network",
 * "switch", "led" or "system").  Anything else (a tool's or a test corpus's JSON) is no log.
 */
static bool foreign_json(const struct mtd_reader *r)
{
	struct mtd_json_key keys[32];
	size_t n = 0, at = 0;
	while (at < mtd_rd_left(r) && strchr(" \t\r\n", mtd_rd_u8_at(r, at)))
		at++;
	uint8_t c = mtd_rd_u8_at(r, at);
	if ((c != '{' && c != '[') || mtd_json_doc_keys(r, keys, 32, &n, NULL))
		return false;
	bool model = false, board = false;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(keys[i].name, "board_name"))
			return false;
		model |= !strcmp(keys[i].name, "model");
		board |= !strcmp(keys[i].name, "network") || !strcmp(keys[i].name, "switch") ||
		         !strcmp(keys[i].name, "led") || !strcmp(keys[i].name, "system");
	}
	return !(model && board);
}

static int load_bundle(struct mtd_facts *f, const char *path, bool *any_ok);

/*
 * One regular file of DIR, opened from DIR's descriptor without following a symlink.  A collect
 * bundle is read as one (its text members); binary data and JSON no device prints are named on
 * standard error and left out (given by name instead of in a directory, they are read as text).
 */
static int load_at(struct mtd_facts *f, int dfd, const char *name, const char *path, bool *any_ok)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cli_error("%s: cannot open: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return CLI_FAIL;
	}
	/* a file of a directory is an input too: an output (--html) may not be it */
	if (cli_input(path)) {
		close(fd);
		return CLI_FAIL;
	}
	/* the first 64 KiB say what it is; a text file is then read whole */
	bool big = (uint64_t)st.st_size > MTD_FACTS_MAX_INPUT;
	size_t len = 0, cap = big || st.st_size > 65536 ? 65536 : (size_t)st.st_size;
	char *buf = malloc(big ? cap : st.st_size ? (size_t)st.st_size : 1);
	int rc = buf ? CLI_OK : CLI_FAIL;
	for (int pass = 0; pass < 2 && rc == CLI_OK; pass++) {
		while (rc == CLI_OK && len < cap) {
			ssize_t n = read(fd, buf + len, cap - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				cli_error("%s: read failed: %s", path, strerror(errno));
				rc = CLI_FAIL;
			}
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		if (pass == 1 || rc != CLI_OK)
			break;
		struct mtd_reader r;
		mtd_rd_init(&r, buf, len, 0);
		if (mtd_bundle_detect(&r)) {
			close(fd);
			free(buf);
			return load_bundle(f, path, any_ok);
		}
		if (looks_binary(&r)) {
			cli_warn("%s: binary data (a flash dump or firmware?), not a log: left out (mtdscope scan or "
			         "verify read dumps)",
			         path);
			close(fd);
			free(buf);
			return CLI_OK;
		}
		if (big) {
			cli_error("%s: larger than %u MiB: not a log", path, MTD_FACTS_MAX_INPUT >> 20);
			rc = CLI_FAIL;
			break;
		}
		cap = (size_t)st.st_size;
	}
	close(fd);
	struct mtd_reader r;
	mtd_rd_init(&r, buf, rc == CLI_OK ? len : 0, 0);
	if (rc == CLI_OK && foreign_json(&r)) {
		cli_warn("%s: a JSON document no device prints (not 'ubus call system board' or /etc/board.json): "
		         "left out (name the file to read it as text)",
		         path);
	} else if (rc == CLI_OK) {
		struct mtd_diag d;
		mtd_diag_clear(&d);
		if (mtd_facts_parse(f, path, (const uint8_t *)buf, len, &d)) {
			cli_diag(&d);
			rc = CLI_FAIL;
		} else {
			*any_ok = true;
		}
	}
	free(buf);
	return rc;
}

/*
 * Every regular file of DIR (hidden ones left out), in name order.  Entries are looked at with
 * fstatat(AT_SYMLINK_NOFOLLOW) and opened with openat(O_NOFOLLOW) from DIR's descriptor: a
 * symlink (to /etc/shadow or anywhere else) is never followed, it is named and skipped.
 */
static int load_dir(struct mtd_facts *f, const char *dir, bool *any_ok, int *failures)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dfd2 = dfd >= 0 ? dup(dfd) : -1;
	DIR *dp = dfd2 >= 0 ? fdopendir(dfd2) : NULL;
	if (!dp) {
		cli_error("%s: cannot open directory: %s", dir, strerror(errno));
		if (dfd2 >= 0)
			close(dfd2);
		if (dfd >= 0)
			close(dfd);
		return CLI_FAIL;
	}
	char **names = NULL;
	size_t n = 0, cap = 0, links = 0;
	bool read_one = false;
	struct dirent *e;
	int rc = CLI_OK;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		struct stat st;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			cli_warn("%s/%s: a symlink: skipped (report DIR reads only the files in DIR)", dir, e->d_name);
			links++;
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **nn = realloc(names, nc * sizeof(*nn));
			if (!nn) {
				rc = CLI_FAIL;
				break;
			}
			names = nn;
			cap = nc;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = CLI_FAIL;
			break;
		}
		n++;
	}
	closedir(dp);
	if (rc != CLI_OK)
		cli_error("%s: out of memory listing the directory", dir);
	if (n)
		qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(names[i]) + 2;
		char *p = malloc(len);
		if (p) {
			snprintf(p, len, "%s/%s", dir, names[i]);
			if (rc == CLI_OK && load_at(f, dfd, names[i], p, &read_one))
				(*failures)++;
		}
		free(p);
		free(names[i]);
	}
	free(names);
	close(dfd);
	if (read_one)
		*any_ok = true;
	else if (n && rc == CLI_OK) {
		cli_error("%s: no log among its %zu file%s (each left out: see above)", dir, n, n == 1 ? "" : "s");
		rc = CLI_FAIL;
	}
	if (!n && rc == CLI_OK) {
		cli_error("%s: no files in the directory%s", dir,
		          links ? " (only symlinks, which are not followed)" : "");
		rc = CLI_FAIL;
	}
	return rc;
}

static void bundle_skipped(const char *name)
{
	cli_warn("%s: larger than %u MiB: skipped", name, MTD_FACTS_MAX_INPUT >> 20);
}

/* A collect bundle: every text member (not the dumps, the manifest or SHA256SUMS), named BUNDLE:MEMBER. */
static int load_bundle(struct mtd_facts *f, const char *path, bool *any_ok)
{
	struct cli_bundle b;
	if (cli_bundle_open(&b, path))
		return CLI_FAIL;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	size_t n = 0;
	int rc = CLI_OK;
	if (cli_bundle_facts(&b.b, path, f, &n, bundle_skipped, &d)) {
		cli_diag(&d);
		rc = CLI_FAIL;
	}
	if (n)
		*any_ok = true;
	cli_bundle_close(&b);
	return rc;
}

int cli_device_load(struct mtd_facts *f, int argc, char **argv)
{
	bool any_ok = false;
	int failures = 0;
	if (argc == 0) {
		if (isatty(0)) {
			cli_error(
			    "no input: give log files, a directory, or pipe the text in ('-' for standard input)");
			return CLI_USAGE;
		}
		if (load_one(f, "-", &any_ok))
			return CLI_FAIL;
	}
	for (int i = 0; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (load_dir(f, argv[i], &any_ok, &failures))
				failures++;
		} else if (cli_is_bundle(argv[i])) {
			if (load_bundle(f, argv[i], &any_ok))
				failures++;
		} else if (load_one(f, argv[i], &any_ok)) {
			failures++;
		}
	}
	if (!any_ok)
		return CLI_FAIL;
	if (!mtd_facts_useful(f)) {
		cli_error("no device facts found in %zu line%s: expected a boot log, dmesg, /proc/cpuinfo, /proc/mtd, "
		          "/proc/meminfo, lspci or lsusb output",
		          f->lines, f->lines == 1 ? "" : "s");
		return CLI_FAIL;
	}
	return CLI_OK;
}

const char *cli_fact_base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The length of s up to max bytes, for a shortened view. */
static size_t cut(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

void cli_device_evidence(const struct mtd_fact *x, int indent)
{
	if (!x)
		return;
	char loc[80];
	snprintf(loc, sizeof(loc), "%s:%u", cli_fact_base(x->file), x->line);
	printf("%*s%s%-22s %s%s\n", indent, "", cli_c(stdout, CLI_DIM), cli_txt(loc),
	       cli_txtn(x->text, cut(x->text, 96)), cli_c(stdout, CLI_RESET));
}

static void row(const char *label, const char *value, const struct mtd_fact *src)
{
	if (!value || !value[0])
		return;
	char loc[80] = "";
	if (src)
		snprintf(loc, sizeof(loc), "%s:%u", cli_fact_base(src->file), src->line);
	printf("%s%-11s%s %-44s", cli_c(stdout, CLI_BOLD), label, cli_c(stdout, CLI_RESET), cli_txt(value));
	if (!src) {
		printf("\n");
		return;
	}
	/* a long value gets its evidence on the next line, aligned */
	if (strlen(value) > 44)
		printf("\n%57s", "");
	else
		printf(" ");
	printf("%s%-18s %s%s\n", cli_c(stdout, CLI_DIM), cli_txt(loc), cli_txtn(src->text, cut(src->text, 60)),
	       cli_c(stdout, CLI_RESET));
}

void cli_device_profile_out(const struct mtd_profile *p, const struct cli_profile_out *o)
{
	char v[256], a[32], b[32];
	if (p->soc.src) {
		snprintf(v, sizeof(v), "%s%s%s%s%s", p->soc_variant.src ? p->soc_variant.s : p->soc.s,
		         p->target[0] ? " (OpenWrt " : "", p->target, p->target[0] ? "/" : "",
		         p->target[0] ? p->subtarget : "");
		if (p->target[0])
			snprintf(v + strlen(v), sizeof(v) - strlen(v), ")");
		o->row(o->ctx, "SoC", v, p->soc_variant.src ? p->soc_variant.src : p->soc.src);
	}
	if (p->machine.src)
		o->row(o->ctx, "Machine", p->machine.s, p->machine.src);
	if (p->cpu.src || p->cpu_mhz.src) {
		snprintf(v, sizeof(v), "%s%s", p->cpu.src ? p->cpu.s : "?", p->cpu_mhz.src ? " @ " : "");
		if (p->cpu_mhz.src)
			snprintf(v + strlen(v), sizeof(v) - strlen(v), "%llu MHz", (unsigned long long)p->cpu_mhz.n);
		o->row(o->ctx, "CPU", v, p->cpu_mhz.src ? p->cpu_mhz.src : p->cpu.src);
	}
	if (p->ram.src) {
		mtd_format_size(p->ram.n, a, sizeof(a));
		snprintf(v, sizeof(v), "%s%s", a, p->ram_estimated ? " (estimated)" : "");
		if (p->ram_usable.src && p->ram_usable.src != p->ram.src)
			snprintf(v + strlen(v), sizeof(v) - strlen(v), ", %s usable (%s)", p->ram_usable.s,
			         !strcmp(p->ram_usable.src->layer, "meminfo") ? "MemTotal" : "kernel");
		o->row(o->ctx, "RAM", v, p->ram.src);
	}
	if (p->flash_size.src || p->flash_chip.src || p->flash_jedec.src) {
		if (p->flash_size.src)
			mtd_format_size(p->flash_size.n, b, sizeof(b));
		snprintf(v, sizeof(v), "%s%s%s%s%s%s%s", p->flash_size.src ? b : "size ?", p->flash_type.src ? " " : "",
		         p->flash_type.src ? p->flash_type.s : "", p->flash_chip.src ? ", " : "",
		         p->flash_chip.src ? p->flash_chip.s : "", p->flash_jedec.src ? ", JEDEC " : "",
		         p->flash_jedec.src ? p->flash_jedec.s : "");
		o->row(o->ctx, "Flash", v,
		       p->flash_chip.src   ? p->flash_chip.src
		       : p->flash_size.src ? p->flash_size.src
		                           : p->flash_jedec.src);
	}
	if (p->nparts) {
		struct mtd_buf l;
		mtd_buf_init(&l, 0);
		mtd_buf_printf(&l, "%zu from %s:", p->nparts, p->parts_from);
		for (size_t i = 0; i < p->nparts; i++) {
			mtd_format_size(p->parts[i]->size, a, sizeof(a));
			mtd_buf_printf(&l, "%s %s", i ? "," : "", p->parts[i]->value);
			if (p->parts[i]->has_offset)
				mtd_buf_printf(&l, "@0x%llx", (unsigned long long)p->parts[i]->offset);
			mtd_buf_printf(&l, "+%s", a);
			if (p->truncated && !strcmp(p->truncated->value, p->parts[i]->value) &&
			    p->truncated->num < p->parts[i]->size) {
				mtd_format_size(p->truncated->num, b, sizeof(b));
				mtd_buf_printf(&l, " (cut to %s on the chip: %s of a declared %s)", b, b, a);
			}
		}
		o->line(o->ctx, "Partitions", mtd_buf_str(&l));
		mtd_buf_release(&l);
	}
	if (p->layout.src)
		o->line(o->ctx, "", p->layout.s);
	for (size_t i = 0; i < p->nradios; i++) {
		const struct mtd_radio *r = &p->radios[i];
		snprintf(v, sizeof(v), "%s (%s%s%s), %s%s", r->chip, r->bus, r->bands[0] ? ", " : "", r->bands,
		         r->driver[0] ? r->driver : "no driver",
		         !strcmp(r->open, "yes")  ? ""
		         : !strcmp(r->open, "no") ? " [closed]"
		                                  : " [limited]");
		o->row(o->ctx, i ? "" : "Wi-Fi", v, r->src);
	}
	for (size_t i = 0; i < p->nusb; i++) {
		const struct mtd_usb_device *u = &p->usb[i];
		snprintf(v, sizeof(v), "%04x:%04x %s%s", u->vid, u->pid, u->name,
		         u->modem ? " [LTE modem]"
		         : u->hub ? " [hub]"
		                  : "");
		o->row(o->ctx, i ? "" : "USB", v, u->src);
	}
	if (p->ethernet.src)
		o->row(o->ctx, "Ethernet", p->ethernet.s, p->ethernet.src);
	if (p->eth_ports.src) {
		snprintf(v, sizeof(v), "%llu%s", (unsigned long long)p->eth_ports.n,
		         p->eth_ports.n == 0 ? " (none)" : "");
		o->row(o->ctx, "Eth ports", v, p->eth_ports.src);
	}
	if (p->bootloader.src)
		o->row(o->ctx, "Bootloader", p->bootloader.s, p->bootloader.src);
	if (p->kernel.src) {
		snprintf(v, sizeof(v), "Linux %s%s%s", p->kernel.s, p->toolchain.src ? ", " : "",
		         p->toolchain.src ? p->toolchain.s : "");
		o->row(o->ctx, "Kernel", v, p->kernel.src);
	}
	if (p->firmware.src)
		o->row(o->ctx, "Firmware", p->firmware.s, p->firmware.src);
	if (p->console.src)
		o->row(o->ctx, "Console", p->console.s, p->console.src);
	if (p->cmdline.src)
		o->row(o->ctx, "Cmdline", p->cmdline.s, p->cmdline.src);
	for (size_t i = 0; i < p->nconflicts; i++)
		o->conflict(o->ctx, &p->conflicts[i], i);
}

static void text_row(void *ctx, const char *label, const char *value, const struct mtd_fact *src)
{
	(void)ctx;
	row(label, value, src);
}

static void text_line(void *ctx, const char *label, const char *value)
{
	(void)ctx;
	if (label[0])
		printf("%s%-11s%s %s\n", cli_c(stdout, CLI_BOLD), label, cli_c(stdout, CLI_RESET), cli_txt(value));
	else
		printf("%-11s %s\n", "", cli_txt(value));
}

static void text_conflict(void *ctx, const struct mtd_conflict *c, size_t i)
{
	(void)ctx;
	if (i == 0)
		printf("%sConflicts%s\n", cli_c(stdout, CLI_YELLOW), cli_c(stdout, CLI_RESET));
	printf("  %s!%s %s\n", cli_c(stdout, CLI_YELLOW), cli_c(stdout, CLI_RESET), cli_txt(c->what));
	cli_device_evidence(c->a, 4);
	cli_device_evidence(c->b, 4);
}

void cli_device_profile_text(const struct mtd_profile *p)
{
	const struct cli_profile_out o = {.row = text_row, .line = text_line, .conflict = text_conflict};
	cli_device_profile_out(p, &o);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},       {"facts", no_argument, NULL, 'f'},
	    {"html", required_argument, NULL, 'W'}, {"color", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
	};
	bool json = false, facts = false;
	const char *html = NULL;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'f': facts = true; break;
		case 'W': html = optarg; break;
		case 'C':
			if (!cli_set_color_mode(optarg))
				return cli_usage_error("report", "--color takes auto, always or never");
			break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("report", "bad option");
		}
	}
	if (html && json && cli_output_is_stdout(html))
		return cli_usage_error("report", "--html - and --json both write standard output");
	for (int i = optind; html && i < argc; i++)
		if (strcmp(argv[i], "-") && cli_input(argv[i]))
			return CLI_FAIL;
	struct mtd_facts f;
	mtd_facts_init(&f);
	int rc = cli_device_load(&f, argc - optind, argv + optind);
	if (rc) {
		mtd_facts_release(&f);
		return rc;
	}
	struct mtd_profile p;
	mtd_profile_build(&f, &p);
	int ret = CLI_OK;
	struct mtd_buf b;
	mtd_buf_init(&b, 0);
	if (json || html) {
		struct mtd_json j;
		mtd_json_init(&j, &b, false);
		cli_json_schema(&j, "report");
		mtd_json_begin_object(&j);
		mtd_profile_to_json(&p, &j);
		mtd_facts_to_json(&f, &j);
		mtd_json_end_object(&j);
	}
	if (html)
		ret = cli_report_html(&f, &p, mtd_buf_str(&b), b.len, html);
	if (html && cli_output_is_stdout(html)) {
		/* the report is the output */
	} else if (json) {
		if (cli_print_json(&b))
			ret = CLI_FAIL;
	} else {
		printf("%s%zu file%s, %zu lines, %zu facts%s; parts:", cli_c(stdout, CLI_DIM), f.files,
		       f.files == 1 ? "" : "s", f.lines, f.n, "");
		size_t shown = 0;
		for (size_t i = 0; i < f.nparts && shown < 12; i++) {
			if (!strcmp(f.parts[i].kind, "text") || !strcmp(f.parts[i].kind, "shell"))
				continue;
			printf(" %s %u-%u", cli_txt(f.parts[i].kind), f.parts[i].first, f.parts[i].last);
			shown++;
		}
		printf("%s\n", cli_c(stdout, CLI_RESET));
		cli_device_profile_text(&p);
		if (facts) {
			printf("\nFacts\n");
			for (size_t i = 0; i < f.n; i++) {
				const struct mtd_fact *x = &f.v[i];
				printf("  %-18s %-30s %-8s w%-3d %s:%u\n", cli_txt(x->key),
				       cli_txtn(x->value, cut(x->value, 30)), cli_txt(x->layer), x->weight,
				       cli_txt(cli_fact_base(x->file)), x->line);
			}
		}
	}
	mtd_buf_release(&b);
	mtd_profile_release(&p);
	mtd_facts_release(&f);
	return ret;
}
