/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <string.h>

#include <mtdscope/device.h>

#include "cli.h"

static const char help[] = "usage: mtdscope modem [options] VID:PID | FILE...\n"
                           "\n"
                           "Get an LTE modem working on OpenWrt.  From a USB id (2cb7:0a05) or from lsusb\n"
                           "output / a boot log: vendor and model, the USB mode the modem runs (QMI, MBIM,\n"
                           "NCM, ECM, RNDIS, PPP), the OpenWrt packages and interface proto it needs, a UCI\n"
                           "/etc/config/network snippet, the AT port, AT commands for signal and bands, and\n"
                           "the known traps (a modem still in mass-storage mode, NCM where QMI is assumed).\n"
                           "\n"
                           "options:\n"
                           "  --json          the same as JSON (one object per modem, with its source line)\n"
                           "  --color=WHEN    auto (default), always or never\n"
                           "  -h, --help      show this help\n"
                           "\n"
                           "Exit status: 0 when a known modem was found, 1 otherwise.\n";

static void list(const char *label, const char *s, char sep)
{
	if (!s[0])
		return;
	printf("  %-10s ", label);
	for (const char *p = s; *p; p++) {
		if (*p == sep) {
			printf("\n  %-10s ", "");
			while (p[1] == ' ')
				p++;
		} else {
			putchar(*p);
		}
	}
	putchar('\n');
}

static void text(const struct mtd_modem_info *m, const struct mtd_fact *src)
{
	char name[256];
	if (!m->known) {
		int rc = mtd_ids_name(true, m->vid, m->pid, name, sizeof(name));
		printf("%04x:%04x  %s: not in the LTE modem table\n", m->vid, m->pid,
		       rc ? "(no name in usb.ids)" : name);
		if (src)
			cli_device_evidence(src, 2);
		return;
	}
	printf("%s%04x:%04x  %s %s%s - %s\n", cli_c(stdout, CLI_BOLD), m->vid, m->pid, m->vendor, m->model,
	       cli_c(stdout, CLI_RESET), m->mode);
	if (src)
		cli_device_evidence(src, 2);
	list("packages", m->packages, ' ');
	if (m->proto[0])
		printf("  %-10s %s on %s\n", "proto", m->proto, m->device);
	if (m->at_port[0])
		printf("  %-10s %s\n", "AT port", m->at_port);
	list("signal", m->at_signal, ';');
	list("bands", m->at_bands, ';');
	if (m->at_apn[0])
		printf("  %-10s %s (on %s: the APN and PDP contexts in use)\n", "APN", m->at_apn,
		       m->at_port[0] ? m->at_port : "the AT port");
	if (m->traps[0])
		printf("  %s%-10s%s %s\n", cli_c(stdout, CLI_YELLOW), "traps", cli_c(stdout, CLI_RESET), m->traps);
	struct mtd_buf b;
	mtd_buf_init(&b, 4096);
	if (mtd_modem_uci(m, &b) == 0) {
		printf("  /etc/config/network:\n");
		const char *s = mtd_buf_str(&b);
		while (*s) {
			size_t n = strcspn(s, "\n");
			printf("    %.*s\n", (int)n, s);
			s += n + (s[n] == '\n');
		}
	}
	mtd_buf_release(&b);
}

int cmd_modem(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"color", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'C':
			if (!cli_set_color_mode(optarg))
				return cli_usage_error("modem", "--color takes auto, always or never");
			break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("modem", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("modem", "expected VID:PID (such as 2cb7:0a05) or a file with lsusb output");
	struct mtd_modem_info mods[16];
	const struct mtd_fact *srcs[16];
	size_t n = 0;
	struct mtd_facts f;
	mtd_facts_init(&f);
	uint16_t vid, pid;
	if (argc - optind == 1 && mtd_usb_id_parse(argv[optind], &vid, &pid)) {
		mtd_modem_lookup(vid, pid, &mods[0]);
		srcs[0] = NULL;
		n = 1;
	} else {
		if (argc - optind == 1 && strchr(argv[optind], ':') && strlen(argv[optind]) < 12) {
			mtd_facts_release(&f);
			return cli_usage_error(
			    "modem", "'%s' is not a USB id: expected 4 hex digits, ':', 4 hex digits", argv[optind]);
		}
		int rc = cli_device_load(&f, argc - optind, argv + optind);
		if (rc) {
			mtd_facts_release(&f);
			return rc;
		}
		struct mtd_profile p;
		mtd_profile_build(&f, &p);
		for (size_t i = 0; i < p.nusb && n < 16; i++) {
			if (p.usb[i].hub)
				continue;
			mtd_modem_lookup(p.usb[i].vid, p.usb[i].pid, &mods[n]);
			srcs[n++] = p.usb[i].src;
		}
		mtd_profile_release(&p);
		if (!n) {
			cli_error("no USB devices other than hubs in the input: expected lsusb output or 'New USB "
			          "device found' "
			          "lines");
			mtd_facts_release(&f);
			return CLI_FAIL;
		}
	}
	size_t known = 0;
	int ret = CLI_OK;
	if (json) {
		struct mtd_buf b;
		struct mtd_json j;
		mtd_buf_init(&b, 0);
		mtd_json_init(&j, &b, false);
		cli_json_schema(&j, "modem");
		mtd_json_begin_object(&j);
		mtd_json_key(&j, "modems");
		mtd_json_begin_array(&j);
		for (size_t i = 0; i < n; i++) {
			mtd_json_begin_object(&j);
			mtd_modem_to_json(&mods[i], &j);
			mtd_json_key(&j, "source");
			if (srcs[i]) {
				mtd_json_begin_object(&j);
				mtd_json_kv_str(&j, "file", srcs[i]->file);
				mtd_json_kv_u64(&j, "line", srcs[i]->line);
				mtd_json_kv_str(&j, "text", srcs[i]->text);
				mtd_json_end_object(&j);
			} else {
				mtd_json_string(&j, "command line");
			}
			mtd_json_end_object(&j);
			known += mods[i].known;
		}
		mtd_json_end_array(&j);
		mtd_json_end_object(&j);
		ret = cli_print_json(&b);
		mtd_buf_release(&b);
	} else {
		for (size_t i = 0; i < n; i++) {
			text(&mods[i], srcs[i]);
			known += mods[i].known;
		}
	}
	mtd_facts_release(&f);
	if (ret == CLI_OK && !known)
		ret = CLI_FAIL;
	return ret;
}
