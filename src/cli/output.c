/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/quote.h>
#include <mtdscope/text.h>

#include "cli.h"

static int color_mode = -1; /* -1 auto, 0 never, 1 always */

bool cli_set_color_mode(const char *mode)
{
	if (strcmp(mode, "auto") == 0)
		color_mode = -1;
	else if (strcmp(mode, "always") == 0)
		color_mode = 1;
	else if (strcmp(mode, "never") == 0)
		color_mode = 0;
	else
		return false;
	return true;
}

static bool color_on(FILE *stream)
{
	if (color_mode >= 0)
		return color_mode == 1;
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	if (nc && *nc)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(stream));
}

const char *cli_c(FILE *stream, enum cli_color c)
{
	static const char *const seq[] = {"\033[0m",  "\033[1m",  "\033[2m",  "\033[31m", "\033[32m",
	                                  "\033[33m", "\033[34m", "\033[36m", "\033[35m"};
	return color_on(stream) ? seq[c] : "";
}

/* Every message is one line: whatever it quotes from input (names, file names, log text) is
 * escaped here, so no caller can put a control sequence or a second line on the terminal. */
static void vmsg(const char *kind, enum cli_color col, const char *fmt, va_list ap)
{
	char line[2048];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	fprintf(stderr, "mtdscope: %s%s%s", cli_c(stderr, col), kind, cli_c(stderr, CLI_RESET));
	cli_put_text(stderr, line, len);
	fputc('\n', stderr);
}

/* Escaped copies handed out by cli_txt(): a ring, so one printf can hold several. */
#define TXT_SLOTS 16
static struct mtd_buf txt_ring[TXT_SLOTS];
static unsigned txt_next;

const char *cli_txtn(const char *s, size_t n)
{
	if (!s)
		return "(null)";
	struct mtd_buf *b = &txt_ring[txt_next++ % TXT_SLOTS];
	mtd_buf_release(b);
	mtd_buf_init(b, 1u << 24);
	mtd_buf_put_text(b, s, n);
	return b->err ? "(text too long to show)" : mtd_buf_str(b);
}

const char *cli_shq(const char *s)
{
	struct mtd_buf *b = &txt_ring[txt_next++ % TXT_SLOTS];
	mtd_buf_release(b);
	mtd_buf_init(b, 1u << 24);
	mtd_buf_put_shell(b, s ? s : "");
	return b->err ? "FILE" : mtd_buf_str(b);
}

const char *cli_txt(const char *s)
{
	if (!s)
		return "(null)";
	size_t n = strlen(s);
	return mtd_text_is_plain(s, n) ? s : cli_txtn(s, n);
}

void cli_put_text(FILE *f, const char *s, size_t n)
{
	struct mtd_buf b;
	mtd_buf_init(&b, 0);
	mtd_buf_put_text(&b, s, n);
	fwrite(mtd_buf_str(&b), 1, b.len, f);
	mtd_buf_release(&b);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", CLI_RED, fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning: ", CLI_YELLOW, fmt, ap);
	va_end(ap);
}

void cli_diag(const struct mtd_diag *d)
{
	char line[1024];
	mtd_diag_format(d, line, sizeof(line));
	cli_error("%s", line);
}

int cli_print_json(struct mtd_buf *b)
{
	if (b->err) {
		cli_error("JSON output failed: %s", mtd_strerror(b->err));
		return CLI_FAIL;
	}
	if (fwrite(mtd_buf_str(b), 1, b->len, stdout) != b->len || fputc('\n', stdout) == EOF) {
		cli_error("cannot write to standard output");
		return CLI_FAIL;
	}
	return CLI_OK;
}

bool cli_stderr_is_tty(void)
{
	return isatty(2);
}

static bool progress_shown;

void cli_progress(const char *what, unsigned long long done, unsigned long long total)
{
	if (!isatty(2))
		return;
	if (total)
		fprintf(stderr, "\r%s: %llu%% (%llu/%llu MiB)\033[K", what, done * 100 / total, done >> 20,
		        total >> 20);
	else
		fprintf(stderr, "\r%s: %llu MiB\033[K", what, done >> 20);
	progress_shown = true;
}

void cli_progress_done(void)
{
	if (progress_shown && isatty(2))
		fputs("\r\033[K", stderr);
	progress_shown = false;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", CLI_RED, fmt, ap);
	va_end(ap);
	fprintf(stderr, "try 'mtdscope %s --help'\n", cmd);
	return CLI_USAGE;
}

/* ---- the inputs of this run ---- */

static struct mtd_inputs inputs; /* one command runs per process */

int cli_input(const char *path)
{
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (mtd_inputs_add(&inputs, path, &d)) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	return CLI_OK;
}

const struct mtd_inputs *cli_inputs(void)
{
	return &inputs;
}

bool cli_output_is_stdout(const char *path)
{
	if (!path)
		return false;
	if (!strcmp(path, "-"))
		return true;
	struct stat a, b;
	return stat(path, &a) == 0 && fstat(STDOUT_FILENO, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

FILE *cli_log_open(struct cli_log *lg, const char *path, struct mtd_diag *d)
{
	memset(lg, 0, sizeof(*lg));
	lg->of.fd = -1;
	if (mtd_outfile_open(&lg->of, path, false, &inputs, d))
		return NULL;
	int fd = dup(lg->of.fd);
	lg->f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!lg->f) {
		if (fd >= 0)
			close(fd);
		mtd_outfile_abort(&lg->of);
		mtd_diag_set(d, MTD_ERR_IO, path, "cannot open the log");
		return NULL;
	}
	return lg->f;
}

int cli_log_close(struct cli_log *lg)
{
	if (!lg->f)
		return CLI_OK;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	bool bad = fclose(lg->f) != 0;
	lg->f = NULL;
	if (bad) {
		mtd_outfile_abort(&lg->of);
		mtd_diag_set(&d, MTD_ERR_IO, lg->of.path, "write failed");
	} else if (!mtd_outfile_commit(&lg->of, &d)) {
		return CLI_OK;
	}
	cli_diag(&d);
	return CLI_FAIL;
}
