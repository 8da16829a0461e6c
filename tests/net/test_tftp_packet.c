/* SPDX-License-Identifier: MIT */
/* The TFTP datagram parser and the file name check, on hand-made datagrams (the damaged ones no
 * client sends) and on the shapes real clients send (as seen from tftp-hpa, curl, U-Boot). */
#include <string.h>

#include <mtdscope/tftp.h>

#include "tap.h"

static int parse(const void *p, size_t n, struct mtd_tftp_packet *pk)
{
	struct mtd_diag d;
	mtd_diag_clear(&d);
	return mtd_tftp_parse(p, n, pk, &d);
}

int main(void)
{
	static struct mtd_tftp_packet pk;
	/* U-Boot's request: name, octet, timeout, tsize, blksize */
	static const char uboot[] = "\0\1openwrt-initramfs.bin\0octet\0timeout\0"
	                            "5\0tsize\0"
	                            "0\0blksize\0"
	                            "1468";
	is_int(parse(uboot, sizeof(uboot), &pk), 0, "U-Boot RRQ parses");
	is_int(pk.opcode, MTD_TFTP_RRQ, "opcode RRQ");
	is_str(pk.filename, "openwrt-initramfs.bin", "file name");
	is_str(pk.mode, "octet", "mode");
	is_int(pk.nopts, 3, "three options");
	is_str(pk.opts[2].name, "blksize", "option name");
	is_str(pk.opts[2].value, "1468", "option value");

	static const char upper[] = "\0\2UP.BIN\0OCTET\0BLKSIZE\0"
	                            "512";
	is_int(parse(upper, sizeof(upper), &pk), 0, "WRQ parses");
	is_str(pk.mode, "octet", "mode lowercased");
	is_str(pk.opts[0].name, "blksize", "option name lowercased");
	is_str(pk.filename, "UP.BIN", "file name kept as sent");

	static const char padded[] = "\0\1a\0octet\0\0\0\0";
	is_int(parse(padded, sizeof(padded) - 1, &pk), 0, "trailing NUL padding tolerated");
	is_int(pk.nopts, 0, "no options in padding");

	static const uint8_t data[] = {0, 3, 0xff, 0xff, 'x', 'y'};
	is_int(parse(data, sizeof(data), &pk), 0, "DATA parses");
	is_int(pk.block, 65535, "block 65535");
	is_int(pk.data_len, 2, "payload length");
	static const uint8_t data0[] = {0, 3, 0, 0};
	is_int(parse(data0, sizeof(data0), &pk), 0, "empty DATA (final block of a multiple) parses");
	is_int(pk.data_len, 0, "zero payload");
	static const uint8_t ack[] = {0, 4, 0x12, 0x34, 0, 0};
	is_int(parse(ack, sizeof(ack), &pk), 0, "padded ACK parses");
	is_int(pk.block, 0x1234, "ACK block");
	static const char err[] = "\0\5\0\1File not found";
	is_int(parse(err, sizeof(err) - 1, &pk), 0, "ERROR without its NUL still parses");
	is_str(pk.error_msg, "File not found", "error message");
	static const char oack[] = "\0\6blksize\0"
	                           "1468\0";
	is_int(parse(oack, sizeof(oack) - 1, &pk), 0, "OACK parses");
	is_str(pk.opts[0].value, "1468", "OACK value");

	/* damaged */
	is_int(parse("", 0, &pk), MTD_ERR_TRUNCATED, "empty datagram");
	is_int(parse("\0", 1, &pk), MTD_ERR_TRUNCATED, "one byte");
	is_int(parse("\0\7", 2, &pk), MTD_ERR_FORMAT, "opcode 7");
	is_int(parse("\0\0", 2, &pk), MTD_ERR_FORMAT, "opcode 0");
	is_int(parse("\0\1abc", 5, &pk), MTD_ERR_TRUNCATED, "name without NUL");
	is_int(parse("\0\1abc\0", 6, &pk), MTD_ERR_TRUNCATED, "no mode");
	is_int(parse("\0\1\0octet\0", 9, &pk), MTD_ERR_FORMAT, "empty name");
	is_int(parse("\0\1a\0octet\0blksize\0", 18, &pk), MTD_ERR_TRUNCATED, "option without value");
	is_int(parse("\0\1a\0octet\0blksize", 17, &pk), MTD_ERR_TRUNCATED, "option name without NUL");
	is_int(parse("\0\1a\0octet\0\0x\0", 13, &pk), MTD_ERR_FORMAT, "junk after the NUL padding");
	is_int(parse("\0\3\0", 3, &pk), MTD_ERR_TRUNCATED, "DATA without block number");
	is_int(parse("\0\4\1", 3, &pk), MTD_ERR_TRUNCATED, "ACK cut short");

	/* long strings are cut, never overflow */
	static uint8_t big[2000];
	big[1] = 1;
	memset(big + 2, 'a', 1500);
	memcpy(big + 1503, "octet\0", 6);
	is_int(parse(big, 1509, &pk), 0, "1500-byte name parses");
	ok(pk.filename_cut && strlen(pk.filename) == MTD_TFTP_NAME_MAX - 1, "and is cut and marked");
	/* more options than the table holds */
	char many[1400];
	size_t n = 0;
	memcpy(many, "\0\1f\0octet\0", 10);
	n = 10;
	for (int i = 0; i < 40; i++) {
		memcpy(many + n,
		       "opt\0"
		       "1\0",
		       6);
		n += 6;
	}
	is_int(parse(many, n, &pk), 0, "40 options parse");
	is_int(pk.nopts, MTD_TFTP_MAX_OPTIONS, "table filled");
	ok(pk.opts_dropped, "the rest marked dropped");

	/* names */
	const char *why;
	is_int(mtd_tftp_check_name("openwrt.bin", &why), 0, "plain name accepted");
	is_int(mtd_tftp_check_name("dir/sub/file", &why), 0, "relative path accepted");
	is_int(mtd_tftp_check_name("a..b", &why), 0, "'..' inside a component accepted");
	is_int(mtd_tftp_check_name("../x", &why), MTD_ERR_REFUSED, "leading .. refused");
	is_int(mtd_tftp_check_name("a/../../x", &why), MTD_ERR_REFUSED, "inner .. refused");
	is_int(mtd_tftp_check_name("a/..", &why), MTD_ERR_REFUSED, "trailing .. refused");
	is_int(mtd_tftp_check_name("/etc/passwd", &why), MTD_ERR_REFUSED, "absolute refused");
	is_str(why, "absolute path", "reason given");
	is_int(mtd_tftp_check_name("a\\b", &why), MTD_ERR_REFUSED, "backslash refused");
	is_int(mtd_tftp_check_name("a\nb", &why), MTD_ERR_REFUSED, "newline refused");
	is_int(mtd_tftp_check_name("a\x7f", &why), MTD_ERR_REFUSED, "DEL refused");
	is_int(mtd_tftp_check_name("", &why), MTD_ERR_REFUSED, "empty refused");
	return tap_done();
}
