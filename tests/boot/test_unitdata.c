/* SPDX-License-Identifier: MIT */
/*
 * Unit data on hand-made bytes: what no tool makes (factory EEPROMs, damaged
 * and hostile environments).  Environments made by mkenvimage and edited by
 * fw_setenv are compared in test_env.sh.
 */
#include <stdlib.h>

#include <mtdscope/unitdata.h>

#include "tap.h"

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* An environment as U-Boot writes it: text, zero padding, CRC. */
static void make_env(uint8_t *p, size_t size, bool redundant, const char *text, size_t tlen)
{
	size_t h = redundant ? 5 : 4;
	memset(p, 0, size);
	memcpy(p + h, text, tlen);
	if (redundant)
		p[4] = 1;
	put_le32(p, mtd_crc32(0, p + h, size - h));
}

static void test_env(void)
{
	static const char text[] = "bootcmd=bootm 0xbc050000\0ipaddr=10.10.10.123\0serverip=10.10.10.3\0";
	uint8_t *b = calloc(1, 0x20000);
	struct mtd_env e;
	struct mtd_diag d;
	struct mtd_env_measure m;

	make_env(b, 0x4000, false, text, sizeof(text));
	memset(b + 0x4000, 0xff, 0x1000);
	ok(mtd_env_measure(b, 0x5000, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m) == 0, "measure finds a single env");
	is_int(m.size, 0x4000, "size from the CRC");
	ok(m.crc_ok && !m.redundant && m.nvars == 3, "crc ok, single, 3 vars");
	ok(mtd_env_parse(b, 0x5000, 0, -1, &e, &d) == 0, "parse");
	is_str(mtd_env_get(&e, "ipaddr"), "10.10.10.123", "ipaddr");
	is_int(e.data_len, sizeof(text), "data length through the final NUL");

	/* edit and serialise: sorted, zero padded, CRC right */
	ok(mtd_env_set(&e, "aaa", "1") == 0 && mtd_env_set(&e, "ipaddr", NULL) == 0, "set and unset");
	ok(mtd_env_set(&e, "bad=name", "x") == MTD_ERR_ARG && mtd_env_set(&e, "", "x") == MTD_ERR_ARG,
	   "bad names refused");
	uint8_t *o = malloc(0x4000);
	ok(mtd_env_serialise(&e, o, 0x4000, &d) == 0, "serialise");
	static const char want[] = "aaa=1\0bootcmd=bootm 0xbc050000\0serverip=10.10.10.3\0";
	ok(memcmp(o + 4, want, sizeof(want)) == 0 && o[4 + sizeof(want)] == 0, "sorted text");
	is_int(mtd_le32(o), mtd_crc32(0, o + 4, 0x4000 - 4), "CRC of the result");
	ok(mtd_env_serialise(&e, o, 16, &d) == MTD_ERR_LIMIT, "too small an area refused");
	mtd_env_release(&e);
	free(o);

	/* redundant */
	make_env(b, 0x2000, true, text, sizeof(text));
	ok(mtd_env_measure(b, 0x2000, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m) == 0 && m.redundant && m.flag == 1 &&
	       m.size == 0x2000,
	   "redundant env with its flag");

	/* damaged CRC: still an env, with the reason */
	make_env(b, 0x1000, false, text, sizeof(text));
	memset(b + 0x1000, 0xff, 0x1000);
	b[10] ^= 1;
	ok(mtd_env_measure(b, 0x2000, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m) == 0 && !m.crc_ok && m.size_guessed,
	   "damaged env: found, crc bad, size guessed");
	ok(mtd_env_parse(b, 0x2000, 0x1000, 0, &e, &d) == 0 && !e.crc_ok && e.crc_stored != e.crc_computed,
	   "parse reports the CRC mismatch");
	mtd_env_release(&e);

	/* hostile: no terminator, text to the end of the buffer, tiny inputs */
	memset(b, 'A', 0x20000);
	b[4] = 'x', b[5] = '=';
	ok(mtd_env_measure(b, 0x20000, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m) == MTD_ERR_NO_MATCH,
	   "unterminated text is not an env");
	ok(mtd_env_measure(b, 5, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m) == MTD_ERR_NO_MATCH, "5 bytes are not an env");
	memset(b, 0xff, 0x20000);
	ok(mtd_env_measure(b, 0x20000, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m) == MTD_ERR_NO_MATCH,
	   "erased flash is not an env");
	ok(mtd_env_parse(b, 0x1000, 0x2000, 0, &e, &d) == MTD_ERR_TRUNCATED, "size past the data refused");

	/* Ralink SDK nvram vs U-Boot */
	static const char nv[] = "HostName=AP\0lan_ipaddr=192.168.10.1\0SSID1=Home\0WPAPSK1=secret\0";
	make_env(b, 0x4000, false, nv, sizeof(nv));
	ok(mtd_env_parse(b, 0x4000, 0, 0, &e, &d) == 0, "nvram parses as an env");
	is_str(mtd_env_nvram_block(&e), "2860", "router settings: block 2860");
	mtd_env_release(&e);
	static const char rt[] = "SSID1=Home5G\0WPAPSK1=x\0Channel=36\0";
	make_env(b, 0x2000, false, rt, sizeof(rt));
	ok(mtd_env_parse(b, 0x2000, 0, 0, &e, &d) == 0, "rtdev parses");
	is_str(mtd_env_nvram_block(&e), "rtdev", "wireless only: block rtdev");
	mtd_env_release(&e);
	make_env(b, 0x1000, false, text, sizeof(text));
	ok(mtd_env_parse(b, 0x1000, 0, 0, &e, &d) == 0 && mtd_env_nvram_block(&e) == NULL, "U-Boot env is not nvram");
	mtd_env_release(&e);
	free(b);
}

static void test_eeprom(void)
{
	uint8_t *f = malloc(0x10000);
	struct mtd_eeprom_info in;
	char m[18];

	memset(f, 0xff, 0x10000);
	ok(mtd_eeprom_decode(f, 0x10000, &in) == 0 && in.erased && !in.recognised && in.nmacs == 0,
	   "erased factory reported as erased");
	memset(f, 0, 0x10000);
	ok(mtd_eeprom_decode(f, 0x10000, &in) == 0 && in.erased, "zeroed factory reported as erased");

	/* MT7621 board: MT7603 at 0, MT7612 at 0x8000, Ethernet MACs at 0xe000/0xe006 */
	memset(f, 0xff, 0x10000);
	f[0] = 0x03, f[1] = 0x76, f[2] = 0x01, f[3] = 0x00;
	memcpy(f + 4, "\x00\x0c\x43\x76\x03\x01", 6);
	for (int i = 0x30; i < 0x120; i++)
		f[i] = (uint8_t)(i * 13);
	f[0x8000] = 0x12, f[0x8001] = 0x76, f[0x8002] = 0x02, f[0x8003] = 0x00;
	memcpy(f + 0x8004, "\x00\x0c\x43\x76\x12\x01", 6);
	for (int i = 0x8030; i < 0x8120; i++)
		f[i] = (uint8_t)(i * 7);
	memcpy(f + 0xe000, "\x00\x0c\x43\x76\x21\x01", 6);
	memcpy(f + 0xe006, "\x00\x0c\x43\x76\x21\x02", 6);
	ok(mtd_eeprom_decode(f, 0x10000, &in) == 0 && in.recognised && !in.erased, "MT7603 recognised");
	is_int(in.chip_id, 0x7603, "chip id");
	is_int(in.version, 1, "version");
	is_int(in.second_offset, 0x8000, "second radio at 0x8000");
	is_int(in.second_chip_id, 0x7612, "second chip MT7612");
	ok(in.has_calibration && in.second_has_calibration, "calibration present on both");
	is_int(in.nmacs, 4, "four MACs");
	mtd_mac_format(in.macs[0].mac, m);
	is_str(m, "00:0c:43:76:03:01", "wifi0 MAC at 0x4");
	ok(in.macs[1].offset == 0x8004 && strcmp(in.macs[1].role, "wifi1") == 0, "wifi1 MAC at 0x8004");
	ok(in.macs[2].offset == 0xe000 && in.macs[3].offset == 0xe006, "board MACs at 0xe000, 0xe006");

	/* truncated: an MT7628 EEPROM cut at 0x100 */
	memset(f, 0xff, 0x400);
	f[0] = 0x28, f[1] = 0x76;
	memcpy(f + 4, "\x00\x11\x22\x33\x44\x55", 6);
	ok(mtd_eeprom_decode(f, 0x100, &in) == 0 && in.recognised && in.truncated, "truncated EEPROM says so");
	/* wiped MAC */
	memset(f + 4, 0, 6);
	ok(mtd_eeprom_decode(f, 0x400, &in) == 0 && in.nmacs == 1 && !in.macs[0].valid, "zeroed MAC is not valid");
	/* unknown chip */
	f[0] = 0x34, f[1] = 0x12;
	ok(mtd_eeprom_decode(f, 0x400, &in) == 0 && !in.recognised && !in.erased, "unknown chip id");
	ok(mtd_eeprom_decode(f, 1, &in) == 0 && !in.recognised, "one byte is not a crash");
	ok(mtd_eeprom_decode(NULL, 0, &in) == MTD_ERR_ARG, "NULL refused");

	uint8_t mac[6];
	ok(mtd_mac_parse("00:11:22:33:44:5f", mac) && mac[5] == 0x5f, "parse MAC with colons");
	ok(mtd_mac_parse("00-11-22-33-44-55", mac), "parse MAC with dashes");
	ok(!mtd_mac_parse("00:11:22:33:44", mac) && !mtd_mac_parse("00:11:22:33:44:5g", mac) &&
	       !mtd_mac_parse("00:11-22:33:44:55", mac),
	   "bad MACs refused");
	ok(!mtd_mac_is_valid((const uint8_t *)"\x01\x00\x5e\x00\x00\x01"), "multicast is not valid");
	free(f);
}

int main(void)
{
	test_env();
	test_eeprom();
	return tap_done();
}
