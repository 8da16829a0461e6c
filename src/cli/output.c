/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void vmsg(const char *kind, enum cli_color col, const char *fmt, va_list ap)
{
	fprintf(stderr, "mtdscope: %s%s%s", cli_c(stderr, col), kind, cli_c(stderr, CLI_RESET));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
