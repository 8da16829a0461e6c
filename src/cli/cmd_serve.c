/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include <mtdscope/tftp.h>

#include "cli.h"
#include "net_render.h"

static const char help[] = "usage: mtdscope serve [options] DIR\n"
                           "\n"
                           "Serve the files of DIR over TFTP to bootloaders (U-Boot tftpboot), vendor\n"
                           "recovery modes and ordinary clients.  Speaks RFC 1350 with option\n"
                           "negotiation: blksize, tsize, timeout and windowsize; an answered option is\n"
                           "never larger than asked.  Read-only unless --upload is given.  File names\n"
                           "that leave DIR (.., absolute paths, backslashes, control characters,\n"
                           "symlinks pointing outside) are refused.  Every request is logged with the\n"
                           "client, its port, the name, the options and the outcome; a request for a\n"
                           "missing file lists what DIR holds.\n"
                           "\n"
                           "options:\n"
                           "  --bind ADDR          listen on this address (default 0.0.0.0)\n"
                           "  --port N             UDP port (default 69; below 1024 needs root)\n"
                           "  --any-name FILE      serve FILE whatever name is asked (vendor recovery\n"
                           "                       modes ask for fixed names); DIR may then be left out\n"
                           "  --upload DIR         accept uploads (WRQ) into DIR: create-only, never\n"
                           "                       overwrite, written under a temporary name first\n"
                           "  --upload-max SIZE    refuse uploads larger than SIZE (default 256M)\n"
                           "  --once               exit after the first transfer ends\n"
                           "  --timeout MS         first retransmission timeout (default 1000; doubles\n"
                           "                       on each retry up to 8 times as long)\n"
                           "  --retries N          retransmissions before giving up (default 6)\n"
                           "  --max-blksize N      largest block size to answer (default 65464)\n"
                           "  --max-windowsize N   largest window to answer (default 64)\n"
                           "  --max-transfers N    transfers at once (default 64)\n"
                           "  --json               one JSON object a line per event\n"
                           "  -q, --quiet          log only refusals, failures and warnings\n"
                           "  --color=WHEN         auto (default), always or never\n"
                           "  -h, --help           show this help\n"
                           "\n"
                           "Ctrl-C stops the server.  Exit status: 0, or 1 when --once and the\n"
                           "transfer failed.\n";

static struct mtd_tftp_server *g_server;

static void on_signal(int sig)
{
	(void)sig;
	if (g_server)
		mtd_tftp_server_stop(g_server);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bind", required_argument, NULL, 'b'},
	    {"port", required_argument, NULL, 'p'},
	    {"any-name", required_argument, NULL, 'a'},
	    {"upload", required_argument, NULL, 'u'},
	    {"upload-max", required_argument, NULL, 'U'},
	    {"once", no_argument, NULL, '1'},
	    {"timeout", required_argument, NULL, 't'},
	    {"retries", required_argument, NULL, 'r'},
	    {"max-blksize", required_argument, NULL, 'B'},
	    {"max-windowsize", required_argument, NULL, 'W'},
	    {"max-transfers", required_argument, NULL, 'M'},
	    {"json", no_argument, NULL, 'j'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"color", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct mtd_tftp_options o;
	struct net_render nr;
	uint64_t v;
	mtd_tftp_options_init(&o);
	net_render_init(&nr);
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (ch) {
		case 'b': o.bind_addr = optarg; break;
		case 'p':
			if (mtd_parse_u64(optarg, 65535, &v))
				return cli_usage_error("serve", "--port takes a number from 0 to 65535, not '%s'",
				                       optarg);
			o.port = (uint16_t)v;
			break;
		case 'a': o.any_name_file = optarg; break;
		case 'u': o.upload_dir = optarg; break;
		case 'U':
			if (mtd_parse_size(optarg, UINT64_MAX, &v) || v == 0)
				return cli_usage_error("serve", "--upload-max takes a size such as 64M, not '%s'",
				                       optarg);
			o.upload_max = v;
			break;
		case '1': o.max_transfers_done = 1; break;
		case 't':
			if (mtd_parse_u64(optarg, 600000, &v) || v < 10)
				return cli_usage_error(
				    "serve", "--timeout takes milliseconds from 10 to 600000, not '%s'", optarg);
			o.timeout_ms = (unsigned)v;
			o.max_timeout_ms = (unsigned)v * 8;
			break;
		case 'r':
			if (mtd_parse_u64(optarg, 100, &v))
				return cli_usage_error("serve", "--retries takes a number from 0 to 100, not '%s'",
				                       optarg);
			o.retries = (unsigned)v;
			break;
		case 'B':
			if (mtd_parse_u64(optarg, MTD_TFTP_BLKSIZE_MAX, &v) || v < 512)
				return cli_usage_error(
				    "serve", "--max-blksize takes a number from 512 to 65464, not '%s'", optarg);
			o.max_blksize = (unsigned)v;
			break;
		case 'W':
			if (mtd_parse_u64(optarg, 65535, &v) || v == 0)
				return cli_usage_error(
				    "serve", "--max-windowsize takes a number from 1 to 65535, not '%s'", optarg);
			o.max_windowsize = (unsigned)v;
			break;
		case 'M':
			if (mtd_parse_u64(optarg, 256, &v) || v == 0)
				return cli_usage_error(
				    "serve", "--max-transfers takes a number from 1 to 256, not '%s'", optarg);
			o.max_transfers = (unsigned)v;
			break;
		case 'j': nr.json = true; break;
		case 'q': nr.quiet = true; break;
		case 'C':
			if (!cli_set_color_mode(optarg))
				return cli_usage_error("serve", "--color takes auto, always or never");
			break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("serve", "bad option");
		}
	}
	if (optind == argc - 1)
		o.root = argv[optind];
	else if (optind != argc || !o.any_name_file)
		return cli_usage_error("serve", "expected exactly one DIR to serve");
	nr.root = o.root ? o.root : o.any_name_file;
	nr.upload = o.upload_dir;
	o.event = net_render_tftp_event;
	o.ctx = &nr;

	struct mtd_diag d;
	mtd_diag_clear(&d);
	struct mtd_tftp_server *s;
	if (mtd_tftp_server_open(&s, &o, &d)) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	g_server = s;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	int rc = mtd_tftp_server_run(s, &d);
	g_server = NULL;
	net_render_progress_clear(&nr);
	struct mtd_tftp_stats st;
	mtd_tftp_server_stats(s, &st);
	mtd_tftp_server_free(s);
	if (rc) {
		cli_diag(&d);
		return CLI_FAIL;
	}
	if (!nr.json && !nr.quiet)
		fprintf(stderr, "mtdscope: served %llu request%s: %llu done, %llu failed, %llu refused\n",
		        (unsigned long long)st.requests, st.requests == 1 ? "" : "s", (unsigned long long)st.done,
		        (unsigned long long)st.failed, (unsigned long long)st.refused);
	if (o.max_transfers_done && st.done == 0)
		return CLI_FAIL;
	return CLI_OK;
}
