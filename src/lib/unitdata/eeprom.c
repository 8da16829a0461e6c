/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include <mtdscope/reader.h>
#include <mtdscope/unitdata.h>

/*
 * MediaTek (and Ralink) wifi EEPROM as stored in the Factory partition:
 * u16 chip id at 0x0 and u16 version at 0x2 (little-endian), the radio's MAC
 * at 0x4, calibration (TX power, frequency offset, DC offsets...) after it.
 * A second radio's EEPROM sits at 0x8000 on MT7621/MT7628 dual-band boards.
 * Boards keep their Ethernet MACs in the same partition at offsets fixed by
 * convention (OpenWrt's nvmem cells macaddr_factory_28, _2e, _e000, _e006...).
 */

struct chip {
	uint16_t id;
	const char *name;
	const char *driver;
	uint32_t size;
	uint32_t mac2; /* a second band's MAC inside the same EEPROM (0: none) */
};

/* EEPROM sizes as the OpenWrt drivers read them (mt76 *_EEPROM_SIZE, rt2x00). */
static const struct chip chips[] = {
    {0x7628, "MT7628/MT7688", "mt7603", 0x400, 0},   {0x7603, "MT7603", "mt7603", 0x400, 0},
    {0x7620, "MT7620", "rt2800soc", 0x200, 0},       {0x7610, "MT7610", "mt76x0", 0x200, 0},
    {0x7630, "MT7630", "mt76x0", 0x200, 0},          {0x7650, "MT7650", "mt76x0", 0x200, 0},
    {0x7612, "MT7612", "mt76x2", 0x200, 0},          {0x7602, "MT7602", "mt76x2", 0x200, 0},
    {0x7662, "MT7662", "mt76x2", 0x200, 0},          {0x7613, "MT7613", "mt7615 (mt7663)", 0x600, 0},
    {0x7663, "MT7663", "mt7615 (mt7663)", 0x600, 0}, {0x7615, "MT7615", "mt7615", 0x400, 0},
    {0x7622, "MT7622", "mt7615", 0x400, 0},          {0x7629, "MT7629", "mt7615", 0x400, 0},
    {0x7915, "MT7915", "mt7915", 0xe00, 0xa},        {0x7916, "MT7916", "mt7915", 0x1000, 0xa},
    {0x7906, "MT7906", "mt7915", 0x1000, 0xa},       {0x7981, "MT7981", "mt7915", 0x1000, 0xa},
    {0x7986, "MT7986", "mt7915", 0x1000, 0xa},       {0x7990, "MT7990", "mt7996", 0x1e00, 0},
    {0x7992, "MT7992", "mt7996", 0x1e00, 0},         {0x7996, "MT7996", "mt7996", 0x1e00, 0},
    {0x3050, "RT3050", "rt2800soc", 0x200, 0},       {0x3052, "RT3052", "rt2800soc", 0x200, 0},
    {0x3350, "RT3350", "rt2800soc", 0x200, 0},       {0x3352, "RT3352", "rt2800soc", 0x200, 0},
    {0x3883, "RT3883", "rt2800soc", 0x200, 0},       {0x5350, "RT5350", "rt2800soc", 0x200, 0},
    {0x3090, "RT3090", "rt2800pci", 0x200, 0},       {0x3092, "RT3092", "rt2800pci", 0x200, 0},
    {0x3593, "RT3593", "rt2800pci", 0x200, 0},       {0x5390, "RT5390", "rt2800pci", 0x200, 0},
    {0x5392, "RT5392", "rt2800pci", 0x200, 0},
};

const char *mtd_eeprom_chip_name(uint16_t chip_id, uint32_t *eeprom_size)
{
	for (size_t i = 0; i < sizeof(chips) / sizeof(chips[0]); i++)
		if (chips[i].id == chip_id) {
			if (eeprom_size)
				*eeprom_size = chips[i].size;
			return chips[i].name;
		}
	return NULL;
}

static const struct chip *find_chip(uint16_t id)
{
	for (size_t i = 0; i < sizeof(chips) / sizeof(chips[0]); i++)
		if (chips[i].id == id)
			return &chips[i];
	return NULL;
}

/* Board conventions for Ethernet MACs kept in Factory (the most used OpenWrt nvmem cells). */
static const struct mtd_mac_location board_macs[] = {
    {0x28, "board convention 0x28 (lan)"},     {0x2e, "board convention 0x2e (wan)"},
    {0xe000, "board convention 0xe000 (lan)"}, {0xe006, "board convention 0xe006 (wan)"},
    {0x22, "board convention 0x22"},           {0x24, "board convention 0x24"},
    {0x2a, "board convention 0x2a"},           {0xf100, "board convention 0xf100"},
    {0x1000, "board convention 0x1000"},       {0x4000, "board convention 0x4000"},
    {0xfff4, "board convention 0xfff4"},       {0xfffa, "board convention 0xfffa"},
};

void mtd_mac_format(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool mtd_mac_parse(const char *s, uint8_t mac[6])
{
	if (!s || strlen(s) != 17)
		return false;
	char sep = s[2];
	if (sep != ':' && sep != '-')
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != sep))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

bool mtd_mac_is_valid(const uint8_t mac[6])
{
	static const uint8_t ff[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, zero[6] = {0};
	return memcmp(mac, ff, 6) != 0 && memcmp(mac, zero, 6) != 0 && !(mac[0] & 1);
}

static bool all_byte(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void add_mac(struct mtd_eeprom_info *o, const uint8_t *data, size_t len, uint32_t off, const char *role,
                    bool always)
{
	struct mtd_reader r;
	const uint8_t *m;
	if (o->nmacs >= MTD_EEPROM_MAX_MACS || !mtd_rd_window(&(struct mtd_reader){data, len, 0, 0}, off, 6, &r) ||
	    !mtd_rd_bytes(&r, 6, &m))
		return;
	bool valid = mtd_mac_is_valid(m);
	if (!valid && !always)
		return;
	for (size_t i = 0; i < o->nmacs; i++)
		if (o->macs[i].offset < off + 6 && off < o->macs[i].offset + 6)
			return; /* overlaps one already found */
	struct mtd_mac_entry *e = &o->macs[o->nmacs++];
	e->offset = off;
	memcpy(e->mac, m, 6);
	e->role = role;
	e->valid = valid;
}

/*
 * Calibration present: the EEPROM past its header and MAC holds data, i.e.
 * a fair number of bytes that are neither 0xFF nor 0x00.
 */
static bool calibrated(const uint8_t *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0x10; i < n; i++)
		if (p[i] != 0xff && p[i] != 0)
			k++;
	return k >= 16;
}

int mtd_eeprom_decode(const uint8_t *data, size_t len, struct mtd_eeprom_info *out)
{
	if (!out)
		return MTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	if (!data)
		return MTD_ERR_ARG;
	size_t end = len;
	while (end > 0 && data[end - 1] == 0xff)
		end--;
	out->data_end = end;
	if (len == 0 || end == 0 || all_byte(data, len, 0)) {
		out->erased = true;
		return 0;
	}
	if (len < 2)
		return 0;
	out->chip_id = mtd_le16(data);
	if (len >= 4)
		out->version = mtd_le16(data + 2);
	const struct chip *c = find_chip(out->chip_id);
	if (c) {
		out->recognised = true;
		out->chip_name = c->name;
		out->driver = c->driver;
		out->eeprom_size = c->size;
		out->truncated = len < c->size;
		size_t n = len < c->size ? len : c->size;
		out->has_calibration = calibrated(data, n);
		add_mac(out, data, len, 0x4, "wifi0", true);
		if (c->mac2)
			add_mac(out, data, len, c->mac2, "wifi0 band 2", false);
	}
	/* second radio at 0x8000 (MT7621 + MT7603/MT7612/MT7615/MT7915 boards, MT7628 + MT7612) */
	if (len >= 0x8002) {
		const struct chip *c2 = find_chip(mtd_le16(data + 0x8000));
		if (c2) {
			out->second_offset = 0x8000;
			out->second_chip_id = c2->id;
			if (len >= 0x8004)
				out->second_version = mtd_le16(data + 0x8002);
			size_t n2 = len - 0x8000 < c2->size ? len - 0x8000 : c2->size;
			out->second_has_calibration = calibrated(data + 0x8000, n2);
			add_mac(out, data, len, 0x8004, "wifi1", true);
			if (c2->mac2)
				add_mac(out, data, len, 0x8000 + c2->mac2, "wifi1 band 2", false);
		}
	}
	const uint8_t *oui = out->nmacs && out->macs[0].valid ? out->macs[0].mac : NULL;
	for (size_t i = 0; i < sizeof(board_macs) / sizeof(board_macs[0]); i++) {
		uint32_t off = board_macs[i].offset;
		/*
		 * Inside a radio's EEPROM those bytes are calibration on boards that do
		 * not use the slot: count them only when they share the radio MAC's OUI.
		 */
		bool inside = (out->recognised && off < out->eeprom_size) ||
		              (out->second_offset && off >= out->second_offset && off < out->second_offset + 0x1000);
		if (inside && (!oui || off + 6 > len || memcmp(data + off, oui, 3) != 0))
			continue;
		add_mac(out, data, len, off, board_macs[i].role, false);
	}
	return 0;
}
