/* SPDX-License-Identifier: MIT */
/* Names on printed command lines (include/mtdscope/quote.h). */
#include <stdlib.h>

#include <mtdscope/quote.h>

#include "tap.h"

static void shq(const char *in, const char *want)
{
	struct mtd_buf b;
	mtd_buf_init(&b, 0);
	mtd_buf_put_shell(&b, in);
	is_str(mtd_buf_str(&b), want, "shell word of '%s'", in);
	mtd_buf_release(&b);
}

static void fname(const char *in, const char *want)
{
	char out[80];
	mtd_safe_filename(in, "part3", ".bin", out, sizeof(out));
	/* the description in one TAP line: control bytes of IN shown as \xNN */
	char d[80];
	size_t n = 0;
	for (const char *q = in; *q && n + 5 < sizeof(d); q++)
		n += (unsigned char)*q < 0x20 ? (size_t)snprintf(d + n, sizeof(d) - n, "\\x%02x", (unsigned char)*q)
		                              : (size_t)snprintf(d + n, sizeof(d) - n, "%c", *q);
	d[n] = 0;
	is_str(out, want, "file name of '%s'", d);
}

int main(void)
{
	ok(mtd_word_safe("firmware"), "firmware is a plain word");
	ok(mtd_word_safe("u-boot-env"), "u-boot-env is a plain word");
	ok(mtd_word_safe("Kernel.1_a"), "dots, digits, underscore");
	ok(!mtd_word_safe("fw;sf erase 0x0 0x800000"), "';' and spaces are not");
	ok(!mtd_word_safe("-rf"), "a leading '-' is not (it would be an option)");
	ok(!mtd_word_safe(""), "the empty name is not");
	ok(!mtd_word_safe(NULL), "NULL is not");
	ok(!mtd_word_safe("a#b"), "'#' is not");
	ok(!mtd_word_safe("caf\xc3\xa9"), "non-ASCII is not");

	shq("image.bin", "image.bin");
	shq("dir/x+y:z=1,2@h%", "dir/x+y:z=1,2@h%");
	shq("a b", "'a b'");
	shq("it's", "'it'\\''s'");
	shq("$(reboot)", "'$(reboot)'");
	shq("`id`", "'`id`'");
	shq("-w", "'-w'");
	shq("", "''");
	shq("a;b", "'a;b'");

	ok(mtd_uboot_text_ok("console=ttyS0,115200 root=/dev/mtdblock5"), "plain bootargs are fine for U-Boot");
	ok(!mtd_uboot_text_ok("console=ttyS0;reset"), "';' is refused for U-Boot");
	ok(!mtd_uboot_text_ok("a $(x)"), "'$' is refused for U-Boot");
	ok(!mtd_uboot_text_ok("a\nb"), "a newline is refused for U-Boot");
	ok(!mtd_uboot_text_ok("a # b"), "'#' is refused for U-Boot");

	fname("firmware", "firmware.bin");
	fname("fw;sf erase 0x0 0x800000", "fw_sf_erase_0x0_0x800000.bin");
	fname("../../etc/passwd", "_._.._etc_passwd.bin");
	fname("-rf", "_rf.bin");
	fname(".hidden", "_hidden.bin");
	fname("$()", "part3.bin");
	fname("", "part3.bin");
	fname("a\nb", "a_b.bin");
	char small[8];
	mtd_safe_filename("abcdefghijkl", "p", ".bin", small, sizeof(small));
	is_str(small, "abc.bin", "a long name is cut so the suffix fits");
	return tap_done();
}
