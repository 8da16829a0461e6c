/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <mtdscope/console.h>

#include "cli.h"
#include "net_render.h"

static const char help[] = "usage: mtdscope console (--line DEV [--baud N] | --exec CMD) [options]\n"
                           "\n"
                           "Drive a bootloader's serial console.  Watch for the autoboot message\n"
                           "(\"Hit any key to stop autoboot\", \"Please choose the operation\", vendor\n"
                           "variants), send the interrupt string in bursts through the whole window,\n"
                           "clear what the bursts typed, find the prompt, then run the commands given,\n"
                           "each waiting for the prompt with its own timeout and optional expected\n"
                           "text.  Stops at the first failure and shows the end of the transcript.\n"
                           "\n"
                           "options:\n"
                           "  --line DEV         serial device (raw 8N1, no flow control)\n"
                           "  --baud N           line speed (default 115200)\n"
                           "  --exec CMD         run CMD under a pseudo-terminal instead (QEMU with\n"
                           "                     -nographic, a scripted console)\n"
                           "  --interrupt STR    what stops autoboot (default Ctrl-C; TP-Link: tpl);\n"
                           "                     escapes \\r \\n \\t \\xHH\n"
                           "  --interrupt-from-start  send the interrupt from power-on through --wait,\n"
                           "                     no countdown line needed (the default for a word\n"
                           "                     such as tpl: vendor loaders wait for it silently)\n"
                           "  --interrupt-after-countdown  send it only after an autoboot message\n"
                           "                     (the default for a single key such as Ctrl-C)\n"
                           "  --prompt STR       the prompt, when detection should not guess (MT7621 #)\n"
                           "  --no-stop          the bootloader already sits at its prompt: only find it\n"
                           "  --wait SEC         how long to wait for the autoboot message (default 60)\n"
                           "  --window SEC       how long to keep interrupting (default 10)\n"
                           "  -c, --cmd CMD      a command to run at the prompt (repeatable, in order)\n"
                           "  --expect TEXT      the output of the preceding --cmd must contain TEXT\n"
                           "  --timeout SEC      time allowed to the preceding --cmd (default 10)\n"
                           "  --script FILE      commands from FILE: one a line; indented lines\n"
                           "                     'expect TEXT' and 'timeout SEC' belong to the command\n"
                           "                     above them; '#' starts a comment\n"
                           "  --log FILE         keep a timestamped transcript in FILE\n"
                           "  --char-delay MS    pause between characters sent (slow consoles)\n"
                           "  --interactive      hand the console to the terminal afterwards (Ctrl-]\n"
                           "                     quits)\n"
                           "  -q, --quiet        do not echo the console to stdout\n"
                           "  --json             a JSON report at the end (prompt, each command's output)\n"
                           "  -h, --help         show this help\n";

struct step {
	char *cmd;
	char *expect;
	int timeout_ms;
	bool ran, ok;
	char *output;
	char *error;
};

struct steps {
	struct step *v;
	size_t n, cap;
};

static struct step *steps_add(struct steps *s, const char *cmd)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 8;
		struct step *nv = mtd_realloc_array(s->v, nc, sizeof(*nv));
		if (!nv)
			return NULL;
		s->v = nv;
		s->cap = nc;
	}
	struct step *st = &s->v[s->n++];
	st->cmd = strdup(cmd);
	st->expect = NULL;
	st->timeout_ms = 10000;
	st->ran = st->ok = false;
	st->output = st->error = NULL;
	return st->cmd ? st : NULL;
}

static void steps_free(struct steps *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].cmd);
		free(s->v[i].expect);
		free(s->v[i].output);
		free(s->v[i].error);
	}
	free(s->v);
}

static int parse_seconds(const char *s, int *ms)
{
	uint64_t v;
	if (mtd_parse_u64(s, 86400, &v) || v == 0)
		return -1;
	*ms = (int)v * 1000;
	return 0;
}

static int load_script(const char *path, struct steps *s)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		cli_error("%s: cannot open: %s", path, strerror(errno));
		return CLI_FAIL;
	}
	char line[1100];
	unsigned ln = 0;
	int rc = CLI_OK;
	while (fgets(line, sizeof(line), f)) {
		ln++;
		size_t n = strlen(line);
		if (n && line[n - 1] != '\n' && !feof(f)) {
			cli_error("%s:%u: line too long", path, ln);
			rc = CLI_FAIL;
			break;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		char *p = line;
		bool indented = *p == ' ' || *p == '\t';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (indented) {
			if (!s->n) {
				cli_error("%s:%u: '%s' belongs to no command", path, ln, p);
				rc = CLI_FAIL;
				break;
			}
			struct step *st = &s->v[s->n - 1];
			if (strncmp(p, "expect ", 7) == 0) {
				free(st->expect);
				st->expect = strdup(p + 7);
			} else if (strncmp(p, "timeout ", 8) == 0 && parse_seconds(p + 8, &st->timeout_ms) == 0) {
			} else {
				cli_error("%s:%u: expected 'expect TEXT' or 'timeout SEC', not '%s'", path, ln, p);
				rc = CLI_FAIL;
				break;
			}
			continue;
		}
		if (!steps_add(s, p)) {
			rc = CLI_FAIL;
			break;
		}
	}
	fclose(f);
	return rc;
}

static const char *const no_messages[] = {NULL};
static volatile sig_atomic_t g_quit;
static void on_signal(int sig)
{
	(void)sig;
	g_quit = 1;
}

/* Relay between the terminal and the console until Ctrl-] or end of input. */
static int interactive(struct mtd_console *c)
{
	struct termios saved, raw;
	bool tty = isatty(0) && tcgetattr(0, &saved) == 0;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		fprintf(stderr, "mtdscope: interactive; Ctrl-] quits\r\n");
	}
	struct mtd_diag d;
	int rc = CLI_OK;
	bool in_open = true;
	while (!g_quit) {
		struct pollfd pf[2] = {{.fd = 0, .events = POLLIN}, {.fd = mtd_console_fd(c), .events = POLLIN}};
		int r = poll(in_open ? pf : pf + 1, in_open ? 2 : 1, in_open ? -1 : 500);
		if (r < 0 && errno != EINTR)
			break;
		if (!in_open && r == 0)
			break; /* input ended and the console went quiet */
		if (in_open && (pf[0].revents & (POLLIN | POLLHUP))) {
			char buf[256];
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				in_open = false;
				continue;
			}
			void *esc = memchr(buf, 0x1d, (size_t)n);
			if (esc)
				n = (char *)esc - buf;
			mtd_diag_clear(&d);
			if (n > 0 && mtd_console_send(c, buf, (size_t)n, &d)) {
				rc = CLI_FAIL;
				break;
			}
			if (esc)
				break;
		}
		size_t got;
		mtd_diag_clear(&d);
		if (mtd_console_pump(c, 0, &got, &d)) {
			if (!tty)
				break;
			cli_diag(&d);
			rc = CLI_FAIL;
			break;
		}
		mtd_console_consume(c);
	}
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	return rc;
}

int cmd_console(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"line", required_argument, NULL, 'L'},
	    {"baud", required_argument, NULL, 'b'},
	    {"exec", required_argument, NULL, 'e'},
	    {"interrupt", required_argument, NULL, 'i'},
	    {"interrupt-from-start", no_argument, NULL, 'F'},
	    {"interrupt-after-countdown", no_argument, NULL, 'G'},
	    {"prompt", required_argument, NULL, 'P'},
	    {"no-stop", no_argument, NULL, 'N'},
	    {"wait", required_argument, NULL, 'w'},
	    {"window", required_argument, NULL, 'W'},
	    {"cmd", required_argument, NULL, 'c'},
	    {"expect", required_argument, NULL, 'x'},
	    {"timeout", required_argument, NULL, 't'},
	    {"script", required_argument, NULL, 's'},
	    {"log", required_argument, NULL, 'l'},
	    {"char-delay", required_argument, NULL, 'D'},
	    {"interactive", no_argument, NULL, 'I'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct mtd_console_options co;
	struct mtd_console_stop_options so;
	struct console_view view;
	struct steps steps = {0};
	char intr[64] = "", prompt[64] = "";
	const char *log_path = NULL;
	struct cli_log lg = {.f = NULL};
	bool no_stop = false, inter = false, json = false;
	struct mtd_console_stop_result sr;
	memset(&sr, 0, sizeof(sr));
	uint64_t v;
	int rc = CLI_USAGE;
	mtd_console_options_init(&co);
	mtd_console_stop_options_init(&so);
	int from_start = -1; /* -1: by the interrupt (a word: from power-on) */
	console_view_init(&view);
	view.live = true;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "hqc:", opts, NULL)) != -1) {
		switch (ch) {
		case 'L': co.line = optarg; break;
		case 'b':
			if (mtd_parse_u64(optarg, 4000000, &v) || v == 0) {
				cli_usage_error("console", "--baud takes a line speed such as 115200, not '%s'",
				                optarg);
				goto out;
			}
			co.baud = (unsigned)v;
			break;
		case 'e': co.exec = optarg; break;
		case 'i':
			if (!console_unescape(optarg, intr, sizeof(intr))) {
				cli_usage_error("console", "--interrupt takes a short string, not '%s'", optarg);
				goto out;
			}
			so.interrupt = intr;
			break;
		case 'F': from_start = 1; break;
		case 'G': from_start = 0; break;
		case 'P':
			snprintf(prompt, sizeof(prompt), "%s", optarg);
			so.prompt = prompt;
			break;
		case 'N': no_stop = true; break;
		case 'w':
			if (parse_seconds(optarg, &so.wait_ms)) {
				cli_usage_error("console", "--wait takes seconds, not '%s'", optarg);
				goto out;
			}
			break;
		case 'W':
			if (parse_seconds(optarg, &so.window_ms)) {
				cli_usage_error("console", "--window takes seconds, not '%s'", optarg);
				goto out;
			}
			break;
		case 'c':
			if (!steps_add(&steps, optarg)) {
				rc = CLI_FAIL;
				goto out;
			}
			break;
		case 'x':
			if (!steps.n) {
				cli_usage_error("console", "--expect belongs after a --cmd");
				goto out;
			}
			free(steps.v[steps.n - 1].expect);
			steps.v[steps.n - 1].expect = strdup(optarg);
			break;
		case 't':
			if (!steps.n || parse_seconds(optarg, &steps.v[steps.n - 1].timeout_ms)) {
				cli_usage_error("console", "--timeout takes seconds and belongs after a --cmd");
				goto out;
			}
			break;
		case 's':
			if ((rc = cli_input(optarg)) != CLI_OK || (rc = load_script(optarg, &steps)) != CLI_OK)
				goto out;
			rc = CLI_USAGE;
			break;
		case 'l': log_path = optarg; break;
		case 'D':
			if (mtd_parse_u64(optarg, 1000, &v)) {
				cli_usage_error("console", "--char-delay takes milliseconds, not '%s'", optarg);
				goto out;
			}
			co.char_delay_ms = (unsigned)v;
			break;
		case 'I': inter = true; break;
		case 'q': view.live = false; break;
		case 'j': json = true; break;
		case 'h':
			fputs(help, stdout);
			rc = CLI_OK;
			goto out;
		default: cli_usage_error("console", "bad option"); goto out;
		}
	}
	so.from_start = from_start < 0 ? console_interrupt_is_word(so.interrupt) : from_start == 1;
	if (optind != argc) {
		cli_usage_error("console", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!!co.line == !!co.exec) {
		cli_usage_error("console", "give one of --line DEV or --exec CMD");
		goto out;
	}
	if (log_path) {
		struct mtd_diag ld;
		mtd_diag_clear(&ld);
		view.log = cli_log_open(&lg, log_path, &ld);
		if (!view.log) {
			cli_diag(&ld);
			rc = CLI_FAIL;
			goto out;
		}
	}
	if (json) {
		view.live = false;
		inter = false;
	}
	console_view_attach(&view, &co);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct mtd_diag d;
	mtd_diag_clear(&d);
	struct mtd_console *c;
	if (mtd_console_open(&c, &co, &d)) {
		cli_diag(&d);
		rc = CLI_FAIL;
		goto out;
	}
	rc = CLI_OK;
	if (no_stop) {
		so.wait_ms = so.wait_ms < 5000 ? so.wait_ms : 5000;
		so.nudge_ms = 1;
		so.autoboot = no_messages;
	} else if (co.line) {
		so.nudge_ms = 3000;
	}
	if (mtd_console_stop_autoboot(c, &so, &sr, &d)) {
		if (view.live)
			fputc('\n', stdout);
		cli_diag(&d);
		if (!json)
			console_view_tail(c, 12);
		rc = CLI_FAIL;
		goto close;
	}
	if (view.live)
		fflush(stdout);
	if (!json)
		fprintf(stderr, "mtdscope: at the prompt '%s' after %.1f s%s", cli_txt(sr.prompt), sr.prompt_at,
		        sr.saw_autoboot || so.from_start ? "" : " (no autoboot countdown seen)\n");
	if (so.from_start && !json)
		fprintf(stderr, "; the interrupt '%s' sent from power-on, %u burst%s\n", cli_txt(so.interrupt),
		        sr.bursts, sr.bursts == 1 ? "" : "s");
	if (sr.saw_autoboot && !json)
		fprintf(stderr, "; autoboot message '%s' at %.1f s, %u interrupt burst%s\n", cli_txt(sr.autoboot),
		        sr.autoboot_at, sr.bursts, sr.bursts == 1 ? "" : "s");
	struct mtd_buf outb;
	mtd_buf_init(&outb, 1 << 20);
	for (size_t i = 0; i < steps.n && !g_quit; i++) {
		struct step *st = &steps.v[i];
		mtd_diag_clear(&d);
		int r = mtd_console_run(c, st->cmd, st->timeout_ms, st->expect, &outb, &d);
		st->ran = true;
		st->ok = r == 0;
		st->output = strdup(mtd_buf_str(&outb));
		if (r)
			st->error = strdup(d.msg);
		if (r) {
			mtd_buf_release(&outb);
			if (view.live)
				fputc('\n', stdout);
			cli_error("step %zu of %zu failed: %s", i + 1, steps.n, d.msg);
			if (!json)
				console_view_tail(c, 12);
			rc = CLI_FAIL;
			goto close;
		}
	}
	mtd_buf_release(&outb);
	if (steps.n && !json) {
		if (view.live)
			fputc('\n', stdout);
		fprintf(stderr, "mtdscope: %zu command%s ran%s\n", steps.n, steps.n == 1 ? "" : "s",
		        g_quit ? " (interrupted)" : ", all as expected");
	}
	if (g_quit)
		rc = CLI_FAIL;
	else if (inter)
		rc = interactive(c);
close:
	if (json) {
		struct mtd_buf b;
		struct mtd_json j;
		mtd_buf_init(&b, 16 << 20);
		mtd_json_init(&j, &b, false);
		cli_json_schema(&j, "console");
		mtd_json_begin_object(&j);
		mtd_json_kv_bool(&j, "ok", rc == CLI_OK);
		mtd_json_kv_str(&j, "prompt", sr.prompt);
		mtd_json_kv_bool(&j, "autoboot_seen", sr.saw_autoboot);
		if (sr.saw_autoboot)
			mtd_json_kv_str(&j, "autoboot", sr.autoboot);
		mtd_json_kv_u64(&j, "bursts", sr.bursts);
		mtd_json_key(&j, "steps");
		mtd_json_begin_array(&j);
		for (size_t i = 0; i < steps.n; i++) {
			struct step *st = &steps.v[i];
			mtd_json_begin_object(&j);
			mtd_json_kv_str(&j, "cmd", st->cmd);
			mtd_json_kv_bool(&j, "ran", st->ran);
			mtd_json_kv_bool(&j, "ok", st->ok);
			if (st->output)
				mtd_json_kv_str(&j, "output", st->output);
			if (st->error)
				mtd_json_kv_str(&j, "error", st->error);
			mtd_json_end_object(&j);
		}
		mtd_json_end_array(&j);
		mtd_json_kv_str(&j, "transcript", mtd_console_transcript(c));
		mtd_json_end_object(&j);
		if (cli_print_json(&b) != CLI_OK)
			rc = CLI_FAIL;
		mtd_buf_release(&b);
	}
	mtd_console_close(c);
out:
	if (cli_log_close(&lg) != CLI_OK)
		rc = CLI_FAIL;
	steps_free(&steps);
	return rc;
}
