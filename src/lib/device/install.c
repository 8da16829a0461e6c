/* SPDX-License-Identifier: MIT */
/*
 * Install paths a person can follow, from the boot loader facts: the word that stops it, the
 * TFTP server address and file name it asks for, its menu, the console speed; the images of the
 * device itself or of its twin; the 'mtdscope netboot' / 'serve' command lines and the steps.
 * Values from the text reach a command line only through shell_word() (quoted unless plain).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mtdscope/device.h>
#include <mtdscope/util.h>

#include "kb.h"

/* a word for a POSIX shell: as is when plain, else in single quotes */
static void shell_word(const char *s, char *out, size_t size)
{
	bool plain = *s != 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("._/:=@+-,", *p)))
			plain = false;
	if (plain) {
		snprintf(out, size, "%s", s);
		return;
	}
	size_t o = 0;
	if (o + 1 < size)
		out[o++] = '\'';
	for (const char *p = s; *p && o + 5 < size; p++) {
		if (*p == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else if ((unsigned char)*p >= 0x20 && *p != 0x7f) {
			out[o++] = *p;
		}
	}
	if (o + 1 < size)
		out[o++] = '\'';
	out[o < size ? o : size - 1] = 0;
}

static void step(struct mtd_assessment *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(struct mtd_assessment *a, const char *fmt, ...)
{
	struct mtd_install *in = &a->install;
	if (in->nsteps >= MTD_INSTALL_MAX_STEPS)
		return;
	char buf[1400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	const char *s = mtd_arena_strdup(&a->arena, buf);
	if (s)
		in->steps[in->nsteps++] = s;
}

static const char *dup(struct mtd_assessment *a, const char *s)
{
	const char *r = mtd_arena_strdup(&a->arena, s);
	return r ? r : "";
}

/* the console speed: the first usual line speed in the console fact ("ttyS1,57600n8", "115200 8n1") */
static unsigned console_baud(const struct mtd_profile *p)
{
	static const unsigned speeds[] = {115200, 57600, 38400, 19200, 9600};
	if (!p->console.src)
		return 0;
	for (const char *q = p->console.s; *q; q++) {
		if (*q < '0' || *q > '9' || (q > p->console.s && q[-1] >= '0' && q[-1] <= '9'))
			continue;
		unsigned long v = 0;
		const char *e = q;
		while (*e >= '0' && *e <= '9' && v < 10000000)
			v = v * 10 + (unsigned long)(*e++ - '0');
		for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
			if (v == speeds[i])
				return speeds[i];
	}
	return 0;
}

/* the images of the device itself, a twin that fits, else the closest device (a port) */
static const struct mtd_twin *image_twin(const struct mtd_assessment *a, bool *port)
{
	*port = false;
	for (size_t i = 0; i < a->ntwins; i++)
		if (a->twins[i].identical || a->twins[i].fits)
			return &a->twins[i];
	if (a->ntwins) {
		*port = true;
		return &a->twins[0];
	}
	return NULL;
}

/*
 * The twin's initramfs and sysupgrade image names (OpenWrt's own file names for its
 * image prefix) into IMG and SUP, recorded in the install path; the placeholders
 * stay when there is no twin with an image.
 */
static void twin_images(struct mtd_assessment *a, const struct mtd_twin *tw, char *img, size_t imgsz, char *sup,
                        size_t supsz)
{
	if (!tw || !tw->image || !tw->image[0])
		return;
	snprintf(img, imgsz, "%s-initramfs-kernel.bin", tw->image);
	snprintf(sup, supsz, "%s-squashfs-sysupgrade.bin", tw->image);
	a->install.device = tw->model;
	a->install.initramfs = dup(a, img);
	a->install.sysupgrade = dup(a, sup);
}

/*
 * No Ethernet: no TFTP.  The console at the speed the log gives, the image sent over that line
 * (netboot --via serial: YMODEM to U-Boot's loady, Kermit to the Ralink SDK menu's loadb), written
 * for good at the loader with --write, and an SPI programmer on the flash chip as the last resort.
 */
static void serial_install(const struct mtd_profile *p, struct mtd_assessment *a)
{
	struct mtd_install *in = &a->install;
	bool port;
	const struct mtd_twin *tw = image_twin(a, &port);
	char img[300] = "<initramfs image>", sup[300] = "<sysupgrade image>", imgq[320], word[64] = "";
	twin_images(a, tw, img, sizeof(img), sup, sizeof(sup));
	shell_word(img, imgq, sizeof(imgq));
	if (p->interrupt.src)
		shell_word(p->interrupt.s, word, sizeof(word));
	unsigned baud = console_baud(p);
	unsigned b = baud ? baud : 115200;
	const char *boot = p->boot_cmd.src ? p->boot_cmd.s : "bootm";
	in->method = "serial";
	char cmd[900];
	snprintf(cmd, sizeof(cmd), "mtdscope netboot --via serial --line /dev/ttyUSB0 --baud %u%s%s --image %s", b,
	         word[0] ? " --interrupt " : "", word, imgq);
	in->netboot = dup(a, cmd);
	/* YMODEM: 1029 bytes on the wire for each 1 KiB block, 10 bits a byte at 8N1 */
	uint64_t chip = p->flash_size.src ? p->flash_size.n : 0;
	char chip_time[160] = "";
	if (chip) {
		double sec = (double)((chip + 1023) / 1024 * 1029) * 10.0 / b;
		char sz[32];
		mtd_format_size(chip, sz, sizeof(sz));
		snprintf(chip_time, sizeof(chip_time), " (the whole %s chip at %u baud: about %.0f minutes)", sz, b,
		         sec / 60.0);
	}
	const char *chipname = p->flash_chip.src ? p->flash_chip.s : "";
	const char *ftype = p->flash_type.src ? p->flash_type.s : "";

	step(a,
	     "No Ethernet, so no TFTP: everything goes through the serial console%s.  A 3.3 V USB-UART adapter "
	     "(never 5 V, VCC left unconnected) on the board's console pads, TX to RX, RX to TX, GND to GND, at "
	     "%u 8N1%s%s%s; 'mtdscope console --line /dev/ttyUSB0 --baud %u%s%s --interactive' shows the boot: stop "
	     "the loader at power-on%s%s%s and check that it offers loady (U-Boot, YMODEM) or a serial load in its "
	     "menu (Kermit, loadb).",
	     a->verdict == MTD_VERDICT_NOT_VIABLE ? " (no current OpenWrt release fits: these steps install the image "
	                                            "you choose, an older release or a port, and recover the unit)"
	                                          : "",
	     b, baud ? " (the console the log gives: " : " (the usual speed: the text does not say)",
	     baud ? p->console.s : "", baud ? ")" : "", b, word[0] ? " --interrupt " : "", word,
	     word[0] ? " (it waits for '" : "", word[0] ? p->interrupt.s : "", word[0] ? "')" : "");
	char imgs[700];
	if (tw)
		snprintf(imgs, sizeof(imgs), "the %s's images (OpenWrt %s/%s%s): %s from RAM, %s to install", tw->model,
		         tw->target, tw->subtarget, port ? "; a port: it may not boot on this board unchanged" : "",
		         img, sup);
	else
		snprintf(imgs, sizeof(imgs),
		         "OpenWrt's initramfs-kernel image of this device's target from RAM, its "
		         "squashfs-sysupgrade image to install");
	step(a,
	     "Boot from RAM over the line, with %s: %s -- it says how long the transfer takes before it starts "
	     "(YMODEM moves about %u bytes a second at %u baud), then checks U-Boot's crc32 against the file's and "
	     "boots it with %s; for the Ralink SDK menu add --protocol kermit.",
	     imgs, in->netboot, (unsigned)((double)b / 10.0 * 1024.0 / 1029.0), b, boot);
	step(a, "Back up the whole flash before writing anything: from a running shell with 'mtdscope collect' "
	        "(copied in with 'mtdscope collect --paste' when only a shell exists, then 'collect --twice' over "
	        "any link the device has), or with the programmer of the last step; keep the Factory partition "
	        "(MACs, wifi calibration) safe.");
	step(a,
	     "Install for good at the loader: make the whole-chip image (this unit's own Factory kept: 'mtdscope "
	     "rebuild'), then 'mtdscope netboot --via serial --write --layout LAYOUT --line /dev/ttyUSB0 --baud %u "
	     "--image FULL.bin' sends each partition over the line and checks its crc32 after the load and after "
	     "the read-back%s.",
	     b, chip_time);
	step(a,
	     "Last resort, when the loader has no serial load or the unit does not start: an SPI programmer on the "
	     "%s%sflash chip%s%s (a CH341A-class programmer at 3.3 V with a SOIC-8 clip, the board unpowered): "
	     "read it twice and compare ('flashrom -p ch341a_spi -r a.bin', again into b.bin, 'cmp a.bin b.bin'), "
	     "keep that backup, then write the whole-chip image with the lines 'mtdscope plan --via flashrom "
	     "--layout LAYOUT --image FULL.bin' prints.",
	     ftype, ftype[0] ? " " : "", chipname[0] ? ", " : "", chipname);
}

void mtd_assess_install(const struct mtd_profile *p, struct mtd_assessment *a)
{
	struct mtd_install *in = &a->install;
	memset(in, 0, sizeof(*in));
	in->method = in->device = in->for_device = in->initramfs = in->sysupgrade = in->netboot = in->serve = "";
	bool no_eth = p->eth_ports.src && p->eth_ports.n == 0;
	bool uboot = p->bootloader.src && strstr(p->bootloader.s, "U-Boot");
	bool loader = uboot || p->tftp.src || p->interrupt.src || p->nmenu || p->tftp_server.src;
	if (no_eth) {
		serial_install(p, a);
		return;
	}
	if (!loader || a->verdict == MTD_VERDICT_NOT_VIABLE)
		return;
	/* whose images: the device itself, a twin that fits, else the closest device (a port) */
	const struct mtd_twin *tw = NULL;
	for (size_t i = 0; i < a->ntwins && !tw; i++)
		if (a->twins[i].identical || a->twins[i].fits)
			tw = &a->twins[i];
	bool port = false;
	if (!tw && a->ntwins) {
		tw = &a->twins[0];
		port = true;
	}
	in->method = "tftp";
	/* the model the text names that is not the twin ("MR500 v1" beside the MR600 v2) */
	for (size_t i = 0; i < p->nnamed && tw && !in->for_device[0]; i++) {
		char a1[64], b1[128];
		size_t n = 0, m = 0;
		for (const char *q = p->named[i]->value; *q && n + 1 < sizeof(a1); q++)
			if (isalnum((unsigned char)*q))
				a1[n++] = (char)tolower((unsigned char)*q);
		a1[n] = 0;
		for (const char *q = tw->model; *q && m + 1 < sizeof(b1); q++)
			if (isalnum((unsigned char)*q))
				b1[m++] = (char)tolower((unsigned char)*q);
		b1[m] = 0;
		if (n && !strstr(b1, a1))
			in->for_device = p->named[i]->value;
	}
	char img[300] = "<initramfs image>", sup[300] = "<sysupgrade image>";
	twin_images(a, tw, img, sizeof(img), sup, sizeof(sup));
	unsigned baud = console_baud(p);
	char word[64] = "", server[64] = "", client[64] = "", file[128] = "", imgq[320];
	if (p->interrupt.src)
		shell_word(p->interrupt.s, word, sizeof(word));
	if (p->tftp_server.src)
		shell_word(p->tftp_server.s, server, sizeof(server));
	if (p->tftp_client.src)
		shell_word(p->tftp_client.s, client, sizeof(client));
	if (p->tftp_file.src)
		shell_word(p->tftp_file.s, file, sizeof(file));
	shell_word(img, imgq, sizeof(imgq));
	const char *boot = p->boot_cmd.src ? p->boot_cmd.s : "bootm";

	/* the command lines */
	char cmd[900];
	int w = snprintf(cmd, sizeof(cmd), "mtdscope netboot --line /dev/ttyUSB0 --baud %u", baud ? baud : 115200);
#define ADD(...)                                                                                                       \
	do {                                                                                                           \
		if (w >= 0 && (size_t)w < sizeof(cmd))                                                                 \
			w += snprintf(cmd + w, sizeof(cmd) - (size_t)w, __VA_ARGS__);                                  \
	} while (0)
	if (word[0])
		ADD(" --interrupt %s", word);
	if (server[0])
		ADD(" --serverip %s", server);
	if (client[0])
		ADD(" --ipaddr %s", client);
	ADD(" --image %s", imgq);
#undef ADD
	in->netboot = dup(a, cmd);
	snprintf(cmd, sizeof(cmd), "mtdscope serve%s%s --any-name %s", server[0] ? " --bind " : "", server, imgq);
	in->serve = dup(a, cmd);

	/* the steps */
	step(a, "Serial console: a 3.3 V USB-UART adapter on the board's console pins (TX, RX, GND), %u 8N1%s.",
	     baud ? baud : 115200, baud ? "" : " (the usual speed: the text does not say)");
	if (tw)
		step(a, "Images of the %s (OpenWrt %s/%s%s): %s to boot from RAM, %s to install.", tw->model,
		     tw->target, tw->subtarget, port ? "; a port: it may not boot on this board unchanged" : "", img,
		     sup);
	else
		step(a, "Images: OpenWrt's initramfs-kernel image of this device's target to boot from RAM, its "
		        "squashfs-sysupgrade image to install.");
	if (server[0])
		step(a,
		     "Network: give this computer the address %s/24 (the TFTP server address the loader uses%s%s) and "
		     "connect it to a LAN port.",
		     server, client[0] ? "; it calls itself " : "", client);
	else
		step(a, "Network: connect this computer to a LAN port; the loader's TFTP server address is not in the "
		        "text: 'printenv serverip' at its prompt shows it (or give --serverip and --ipaddr).");
	if (file[0])
		step(a,
		     "The loader asks for the file '%s': mtdscope netboot serves the image under any name asked (a "
		     "plain TFTP server needs it renamed to %s).",
		     p->tftp_file.s, file);
	if (word[0])
		step(a,
		     "Run this, then power the board on: %s -- it sends '%s' from power-on (this loader waits for the "
		     "word silently, without a countdown), stops at the prompt, loads the image over TFTP, checks its "
		     "CRC-32 and boots it with %s.",
		     in->netboot, p->interrupt.s, boot);
	else
		step(a,
		     "Run this, then power the board on: %s -- it stops the autoboot countdown (Ctrl-C; give "
		     "--interrupt if the loader wants a word), loads the image over TFTP, checks its CRC-32 and boots "
		     "it with %s.",
		     in->netboot, boot);
	for (size_t i = 0; i < p->nmenu; i++)
		if (strstr(p->menu[i]->value, "SDRAM via TFTP"))
			step(a,
			     "Or with the loader's own menu: type %.1s during its countdown ('%s'), give it the server "
			     "address%s%s and the file name, with '%s' running.",
			     p->menu[i]->value, p->menu[i]->value, server[0] ? " " : "", server, in->serve);
	step(a,
	     "By hand instead: start '%s', stop the loader%s%s%s, then at its prompt: %s%s%stftpboot <load "
	     "address> %s; %s.",
	     in->serve, word[0] ? " by typing '" : "", word[0] ? p->interrupt.s : "", word[0] ? "' at power-on" : "",
	     server[0] ? "setenv serverip " : "", server, server[0] ? "; " : "", file[0] ? file : imgq, boot);
	step(a,
	     "In the OpenWrt running from RAM: back up every partition first (cat /dev/mtdN > /tmp/mtdN.bin, "
	     "copied off with scp), then install %s with 'sysupgrade -n' (or LuCI).",
	     sup);
}
