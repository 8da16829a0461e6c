/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* One row per command; `mtdscope help` lists them in this order. */
const struct cli_command cli_commands[] = {
    {"scan", cmd_scan, "map every component of a flash dump or firmware file"},
    {"extract", cmd_extract, "unpack every component safely into a directory tree"},
    {"layout", cmd_layout, "read, check and convert a flash layout (/proc/mtd, dmesg, mtdparts, DT, GPT)"},
    {"verify", cmd_verify, "check a backup: every partition present, right size, content valid"},
    {"split", cmd_split, "cut a whole-chip dump into partition files with a manifest"},
    {"join", cmd_join, "join partition files into a whole-chip image"},
    {"diff", cmd_diff, "compare two dumps partition by partition: unit data or firmware"},
    {"rebuild", cmd_rebuild, "donor firmware + the unit's own factory data: a recovery image"},
    {"plan", cmd_plan, "the exact, checked steps to flash an image (U-Boot, mtd, shell, flashrom)"},
    {"eeprom", cmd_eeprom, "decode factory data (chip, MACs, calibration); patch MACs"},
    {"env", cmd_env, "print or edit a U-Boot environment offline (CRC checked)"},
    {"report", cmd_report, "hardware profile from pasted logs, /proc files, lspci/lsusb, with evidence"},
    {"assess", cmd_assess, "can OpenWrt run: verdict, reasons, install paths, closest supported devices"},
    {"modem", cmd_modem, "LTE modem by USB id: protocol, packages, UCI config, AT commands, traps"},
    {"serve", cmd_serve, "TFTP server for U-Boot, recovery modes and uploads"},
    {"console", cmd_console, "drive a bootloader console: stop autoboot, run checked commands"},
    {"netboot", cmd_netboot, "serve an image, stop U-Boot, tftpboot it, check its CRC, boot it"},
    {"collect", cmd_collect, "put collect on a device by pasting printf lines into its shell (md5sum checked)"},
    {"help", cmd_help, "show help for mtdscope or one command"},
    {NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: mtdscope [--version [--json]] [--help] <command> [<args>]\n\n"
	             "Know, back up, flash and recover MediaTek (and kin) routers.\n\ncommands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\nEvery command takes --help and --json.  See 'mtdscope <command> --help'.\n");
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	for (const struct cli_command *c = cli_commands; c->name; c++) {
		if (strcmp(c->name, argv[1]) == 0) {
			char *args[] = {argv[1], "--help", NULL};
			return c->fn(2, args);
		}
	}
	cli_error("'%s' is not a mtdscope command; see 'mtdscope help'", argv[1]);
	return CLI_USAGE;
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
			bool json = false;
			for (int k = 1; k < argc; k++)
				json |= strcmp(argv[k], "--json") == 0;
			return cli_print_version(json);
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return CLI_OK;
		}
		if (strncmp(argv[i], "--color=", 8) == 0 && cli_set_color_mode(argv[i] + 8))
			continue;
		cli_error("unknown option '%s'", argv[i]);
		usage(stderr);
		return CLI_USAGE;
	}
	if (i >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, argv[i]) == 0)
			return c->fn(argc - i, argv + i);
	cli_error("'%s' is not a mtdscope command; see 'mtdscope help'", argv[i]);
	return CLI_USAGE;
}
