/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/layout.h>
#include <mtdscope/quote.h>
#include <mtdscope/source.h>

#include "cli.h"

static const char help[] = "usage: mtdscope plan --layout L --image OUT.bin --via uboot|mtd|shell|flashrom [options]\n"
                           "\n"
                           "Print the exact steps to write a whole-chip image safely, partition by\n"
                           "partition: backups of what will be overwritten first, then for U-Boot\n"
                           "tftpboot + crc32 (the CRC computed here) + sf erase/sf write (or erase/cp.b),\n"
                           "for OpenWrt mtd write + verify, for a busybox shell flashcp and a read-back\n"
                           "hash, for flashrom a layout file and -i regions.  Bootloader, factory and\n"
                           "environment partitions are never written unless named with --also.\n"
                           "\n"
                           "options:\n"
                           "  --layout L          the layout\n"
                           "  --kind K            layout kind (default: detect)\n"
                           "  --flash-size SIZE   the real chip size\n"
                           "  --image FILE        the whole-chip image to write\n"
                           "  --via WAY           uboot (default), mtd, shell or flashrom\n"
                           "  --only NAME         write only this partition (repeatable)\n"
                           "  --also NAME         also write this protected partition (repeatable)\n"
                           "  --force             with --also Factory: write it even when it is erased or\n"
                           "                      not valid factory data (refused otherwise)\n"
                           "  --cp                U-Boot: erase + cp.b to memory-mapped flash instead of sf\n"
                           "  --flash-base ADDR   U-Boot --cp: where the flash is mapped (0xbc000000)\n"
                           "  --load-addr ADDR    U-Boot: RAM address for tftpboot (0x80100000)\n"
                           "  --ram SIZE          RAM size (64M); the load must fit below U-Boot\n"
                           "  --programmer P      flashrom -p value (ch341a_spi)\n"
                           "  --layout-out FILE   flashrom: write the layout file here\n"
                           "  -C DIR              also write NAME.bin for every partition into DIR (all or\n"
                           "                      none, never over the image or the layout)\n"
                           "  --json              the plan as JSON: via, image, its size and CRC-32, the script lines\n"
                           "  -h, --help          show this help\n";

int cmd_plan(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"layout", required_argument, NULL, 'l'},
	    {"kind", required_argument, NULL, 'k'},
	    {"flash-size", required_argument, NULL, 'f'},
	    {"image", required_argument, NULL, 'i'},
	    {"via", required_argument, NULL, 'v'},
	    {"only", required_argument, NULL, 'O'},
	    {"also", required_argument, NULL, 'A'},
	    {"cp", no_argument, NULL, 'c'},
	    {"flash-base", required_argument, NULL, 'B'},
	    {"load-addr", required_argument, NULL, 'L'},
	    {"ram", required_argument, NULL, 'R'},
	    {"programmer", required_argument, NULL, 'p'},
	    {"layout-out", required_argument, NULL, 'W'},
	    {"force", no_argument, NULL, 'F'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *lpath = NULL, *kind = NULL, *fsize = NULL, *image = NULL, *lout = NULL, *dir = NULL;
	bool json = false;
	struct mtd_plan_options o;
	mtd_plan_options_init(&o);
	uint64_t v;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "hC:", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': lpath = optarg; break;
		case 'k': kind = optarg; break;
		case 'f': fsize = optarg; break;
		case 'i': image = optarg; break;
		case 'C': dir = optarg; break;
		case 'v':
			if (!strcmp(optarg, "uboot"))
				o.via = MTD_PLAN_UBOOT;
			else if (!strcmp(optarg, "mtd"))
				o.via = MTD_PLAN_MTD;
			else if (!strcmp(optarg, "shell"))
				o.via = MTD_PLAN_SHELL;
			else if (!strcmp(optarg, "flashrom"))
				o.via = MTD_PLAN_FLASHROM;
			else
				return cli_usage_error("plan", "--via takes uboot, mtd, shell or flashrom, not '%s'",
				                       optarg);
			break;
		case 'O':
			if (o.nonly == 16)
				return cli_usage_error("plan", "at most 16 --only");
			o.only[o.nonly++] = optarg;
			break;
		case 'A':
			if (o.nalso == 16)
				return cli_usage_error("plan", "at most 16 --also");
			o.also[o.nalso++] = optarg;
			break;
		case 'c': o.sf = false; break;
		case 'B':
			if (mtd_parse_u64(optarg, UINT32_MAX, &v))
				return cli_usage_error("plan", "--flash-base takes an address such as 0xbc000000");
			o.flash_base = v;
			break;
		case 'L':
			if (mtd_parse_u64(optarg, UINT32_MAX, &v))
				return cli_usage_error("plan", "--load-addr takes an address such as 0x80100000");
			o.load_addr = v;
			break;
		case 'R':
			if (mtd_parse_size(optarg, 1ull << 32, &v) || !v)
				return cli_usage_error("plan", "--ram takes a size such as 64M");
			o.ram_size = v;
			break;
		case 'p': o.programmer = optarg; break;
		case 'W': lout = optarg; break;
		case 'F': o.force = true; break;
		case 'j': json = true; break;
		case 'h': fputs(help, stdout); return CLI_OK;
		default: return cli_usage_error("plan", "bad option");
		}
	}
	if (optind != argc)
		return cli_usage_error("plan", "unexpected argument '%s'", argv[optind]);
	if (!image)
		return cli_usage_error("plan", "--image FILE is required");
	struct mtd_layout *l;
	int rc = cli_load_layout("plan", lpath, kind, fsize, &l);
	if (rc)
		return rc;
	const char *base = strrchr(image, '/');
	o.image_name = base ? base + 1 : image;
	if (lout) {
		base = strrchr(lout, '/');
		o.layout_name = base ? base + 1 : lout;
	}
	struct mtd_source s;
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (cli_input(image)) {
		free(l);
		return CLI_FAIL;
	}
	if (mtd_source_open(&s, image, &d)) {
		cli_diag(&d);
		free(l);
		return CLI_FAIL;
	}
	struct mtd_buf b;
	mtd_buf_init(&b, 4u << 20);
	int ret = CLI_OK;
	if (mtd_layout_plan(l, s.data, (size_t)s.size, &o, &b, &d)) {
		if (!strcmp(d.file, o.image_name)) /* the plan knows the name it prints; say the path given */
			snprintf(d.file, sizeof(d.file), "%s", image);
		cli_diag(&d);
		ret = CLI_FAIL;
	}
	if (ret == CLI_OK && lout && mtd_inputs_check(cli_inputs(), lout, &d)) {
		cli_diag(&d);
		ret = CLI_FAIL;
	}
	if (ret == CLI_OK && dir) {
		struct mtd_split_options so = {.top_level_only = true, .inputs = cli_inputs()};
		if (mtd_layout_split(l, &s, dir, &so, &d)) {
			cli_diag(&d);
			ret = CLI_FAIL;
		}
	}
	if (ret == CLI_OK && lout) {
		struct mtd_buf fl;
		mtd_buf_init(&fl, 1u << 20);
		mtd_layout_to_flashrom(l, &fl);
		if (fl.err || mtd_write_file_atomic(lout, fl.data, fl.len, false, cli_inputs(), &d)) {
			cli_diag(&d);
			ret = CLI_FAIL;
		}
		mtd_buf_release(&fl);
	}
	if (ret == CLI_OK && json) {
		static const char *const via[] = {"uboot", "mtd", "shell", "flashrom"};
		struct mtd_buf jb;
		struct mtd_json j;
		mtd_buf_init(&jb, 0);
		mtd_json_init(&j, &jb, false);
		cli_json_schema(&j, "plan");
		mtd_json_begin_object(&j);
		mtd_json_kv_str(&j, "via", via[o.via]);
		mtd_json_kv_str(&j, "image", image);
		mtd_json_kv_u64(&j, "image_size", s.size);
		mtd_json_kv_u64(&j, "image_crc32", mtd_crc32(0, s.data, (size_t)s.size));
		mtd_json_key(&j, "script");
		mtd_json_begin_array(&j);
		const char *p = mtd_buf_str(&b);
		while (*p) {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			mtd_json_string_n(&j, p, len);
			p += len + (e ? 1 : 0);
		}
		mtd_json_end_array(&j);
		mtd_json_end_object(&j);
		ret = cli_print_json(&jb);
		mtd_buf_release(&jb);
	} else if (ret == CLI_OK) {
		fwrite(b.data, 1, b.len, stdout);
		/* the plan itself names such partitions by index only (mtdscope/quote.h); say which is which here */
		for (size_t i = 0; i < l->nparts; i++)
			if (!mtd_word_safe(l->parts[i].name))
				cli_warn("partition [%zu] '%s': its name is not safe on a command line, the plan calls "
				         "it [%zu]",
				         i, l->parts[i].name, i);
	}
	mtd_buf_release(&b);
	mtd_source_close(&s);
	free(l);
	return ret;
}
