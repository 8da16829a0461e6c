/* SPDX-License-Identifier: MIT */
/* PCI and USB: lspci with and without names, the kernel PCI enumeration, vendor drivers, lsusb, usb ids. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/device.h>
#include <mtdscope/reader.h>

#include "facts_int.h"
#include "kb.h"

bool mtd_fx_parse_id_pair(const char **pp, uint16_t *v, uint16_t *d)
{
	const char *p = *pp;
	unsigned a = 0, b = 0;
	for (int i = 0; i < 4; i++) {
		int h = mtd_fx_hexdig(p[i]);
		if (h < 0)
			return false;
		a = a * 16 + (unsigned)h;
	}
	if (p[4] != ':')
		return false;
	for (int i = 0; i < 4; i++) {
		int h = mtd_fx_hexdig(p[5 + i]);
		if (h < 0)
			return false;
		b = b * 16 + (unsigned)h;
	}
	if (mtd_fx_hexdig(p[9]) >= 0)
		return false;
	*v = (uint16_t)a;
	*d = (uint16_t)b;
	*pp = p + 9;
	return true;
}

void mtd_fx_add_wifi(struct pctx *c, const char *layer, int weight, const struct mtd_kb_wifi *w, bool has_id,
                     uint16_t v, uint16_t d, const char *raw)
{
	struct mtd_fact *x = mtd_fx_add(c, "wifi", layer, weight, w ? w->chip : raw);
	if (x && has_id) {
		x->has_id = true;
		x->id_vendor = v;
		x->id_device = d;
	}
}

static const struct {
	const char *name;
	uint16_t id;
} pci_vendors[] = {{"MEDIATEK", 0x14c3}, {"Qualcomm Atheros", 0x168c}, {"Atheros", 0x168c}, {"Realtek", 0x10ec},
                   {"Broadcom", 0x14e4}, {"Ralink", 0x1814},           {"Intel", 0x8086}};

/* lspci: "01:00.0 Network controller: MEDIATEK Corp. MT7603E ..." (ids optional) */
bool mtd_fx_r_lspci(struct pctx *c)
{
	const char *s = c->s;
	if (!(isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1]) && s[2] == ':' &&
	      isxdigit((unsigned char)s[3]) && isxdigit((unsigned char)s[4]) && s[5] == '.' &&
	      isdigit((unsigned char)s[6]) && s[7] == ' '))
		return false;
	const char *cls = s + 8;
	const char *colon = strstr(cls, ": ");
	if (!colon)
		return false;
	const char *rest = colon + 2;
	uint16_t v = 0, d = 0;
	bool has = false;
	const char *p;
	/* lspci -nn "[14c3:7662]" or unnamed "Device 0e8d:0801" */
	for (p = rest; *p; p++) {
		const char *q = p;
		if ((p == rest || p[-1] == '[' || p[-1] == ' ') && mtd_fx_parse_id_pair(&q, &v, &d)) {
			has = true;
			break;
		}
	}
	struct mtd_fact *x = mtd_fx_add(c, "pci", "lspci", 80, mtd_fx_trimmed(c, rest, NULL));
	if (x && has) {
		x->has_id = true;
		x->id_vendor = v;
		x->id_device = d;
	}
	if (strstr(cls, "bridge") || strstr(cls, "Bridge"))
		return true;
	if (strncmp(s, "00:", 3)) {
		char addr[16];
		snprintf(addr, sizeof(addr), "0000:%.7s", s);
		struct mtd_fact *e = mtd_fx_add(c, "pci_endpoint", "lspci", 50, addr);
		if (e)
			e->note = "identified";
	}
	const struct mtd_kb_wifi *w = has ? mtd_kb_wifi_by_pci(v, d) : NULL;
	if (!w)
		w = mtd_kb_wifi_in_text(rest);
	if (!w && !has) {
		/* "MEDIATEK Corp. Device 7663" */
		for (size_t i = 0; i < sizeof(pci_vendors) / sizeof(pci_vendors[0]); i++) {
			if (strncasecmp(rest, pci_vendors[i].name, strlen(pci_vendors[i].name)) == 0 &&
			    (p = mtd_fx_after(rest, "Device "))) {
				uint64_t dev;
				if (mtd_fx_parse_hex(&p, &dev) && dev <= 0xffff) {
					v = pci_vendors[i].id;
					d = (uint16_t)dev;
					has = true;
					w = mtd_kb_wifi_by_pci(v, d);
				}
				break;
			}
		}
	}
	if (w || strstr(cls, "Network controller") || strstr(rest, "Wireless") || strstr(rest, "802.11"))
		mtd_fx_add_wifi(c, "lspci", 80, w, has, v, d, mtd_fx_trimmed(c, rest, NULL));
	return true;
}

void mtd_fx_r_wifi(struct pctx *c)
{
	const char *s = c->s, *p;
	uint16_t v, d;
	/* kernel PCI enumeration: "pci 0000:01:00.0: [14c3:7662] type 00 class 0x028000" */
	if ((p = mtd_fx_after(s, "pci ")) && (p = strstr(p, ": [")) && (p += 3, mtd_fx_parse_id_pair(&p, &v, &d)) &&
	    *p == ']') {
		const char *cls = mtd_fx_after(s, "class 0x");
		bool bridge = cls && strncmp(cls, "0604", 4) == 0;
		struct mtd_fact *x =
		    mtd_fx_add(c, "pci", "kernel", 70, mtd_fx_trimmed(c, strchr(s, '[') ? strchr(s, '[') : s, NULL));
		if (x) {
			x->has_id = true;
			x->id_vendor = v;
			x->id_device = d;
		}
		const struct mtd_kb_wifi *w = mtd_kb_wifi_by_pci(v, d);
		if (!bridge && (w || (cls && strncmp(cls, "0280", 4) == 0)))
			mtd_fx_add_wifi(c, "kernel", 75, w, true, v, d, "PCIe wireless device");
		if (strncmp(s + 4, "0000:00", 7)) {
			/* this slot is named (a radio, a bridge or another controller): not an unknown radio */
			struct mtd_fact *e = mtd_fx_add(c, "pci_endpoint", "kernel", 50, mtd_fx_dupn(c, s + 4, 12));
			if (e)
				e->note = "identified";
		}
		return;
	}
	/* any device behind a PCIe port, identified or not: "pci 0000:02:00.0: BAR 0: assigned" */
	if (!strncmp(s, "pci 000", 7) && s[8] == ':' && isxdigit((unsigned char)s[9]) &&
	    isxdigit((unsigned char)s[10]) && strncmp(s + 9, "00", 2) && s[11] == ':' && s[14] == '.' && s[16] == ':') {
		mtd_fx_add(c, "pci_endpoint", "kernel", 50, mtd_fx_dupn(c, s + 4, 12));
		return;
	}
	if ((p = mtd_fx_after(s, "Device:Vender ID=")) || (p = mtd_fx_after(s, "Device:Vendor ID="))) {
		uint64_t id;
		if (mtd_fx_parse_hex(&p, &id) && id <= 0xffffffffu) {
			v = (uint16_t)(id & 0xffff);
			d = (uint16_t)(id >> 16);
			mtd_fx_add_wifi(c, "vendor-driver", 70, mtd_kb_wifi_by_pci(v, d), true, v, d,
			                "PCIe wireless device");
		}
		return;
	}
	if ((p = mtd_fx_after(s, "device_id =0x")) || (p = mtd_fx_after(s, "device_id = 0x"))) {
		uint64_t id;
		p -= 2;
		if (mtd_fx_parse_hex(&p, &id) && id <= 0xffff) {
			const struct mtd_kb_wifi *w = mtd_kb_wifi_by_pci(0x14c3, (uint16_t)id);
			if (w)
				mtd_fx_add_wifi(c, "vendor-driver", 65, w, true, 0x14c3, (uint16_t)id, NULL);
		}
		return;
	}
	if ((p = mtd_fx_after(s, "ChipID = "))) {
		char name[16];
		snprintf(name, sizeof(name), "MT%.4s", p);
		const struct mtd_kb_wifi *w = mtd_kb_wifi_in_text(name);
		if (w)
			mtd_fx_add_wifi(c, "vendor-driver", 65, w, false, 0, 0, NULL);
		return;
	}
	static const char *const cues[] = {"CHIPID(", "ath10k",  "ath9k",    "found 8822B", "Atheros 5500",
	                                   "mt76",    "MT7603E", "RTL8192C", "wifi0:",      "MT7615",
	                                   "mt7915",  "hif_pci", "mt7603"};
	for (size_t i = 0; i < sizeof(cues) / sizeof(cues[0]); i++) {
		if (strstr(s, cues[i])) {
			const struct mtd_kb_wifi *w = mtd_kb_wifi_in_text(s);
			if (w)
				mtd_fx_add_wifi(
				    c, strstr(s, "CHIPID(") || strstr(s, "wifi0:") ? "vendor-driver" : "kernel", 60, w,
				    false, 0, 0, NULL);
			return;
		}
	}
}

void mtd_fx_r_usb(struct pctx *c)
{
	const char *s = c->s, *p;
	uint16_t v, d;
	/* lsusb: "Bus 001 Device 002: ID 2cb7:0a05 Fibocom FG621 Module" */
	if (strncmp(s, "Bus ", 4) == 0 && (p = mtd_fx_after(s, ": ID ")) && mtd_fx_parse_id_pair(&p, &v, &d)) {
		struct mtd_fact *x = mtd_fx_add(c, "usb", "lsusb", 80, mtd_fx_trimmed(c, p, NULL));
		if (x) {
			x->has_id = true;
			x->id_vendor = v;
			x->id_device = d;
		}
		/* root hubs leak the running kernel: "Linux 6.6.67 xhci-hcd" */
		if ((p = mtd_fx_after(s, " Linux ")) && isdigit((unsigned char)*p))
			mtd_fx_add(c, "kernel", "lsusb", 40, mtd_fx_dupn(c, p, strcspn(p, " ")));
		return;
	}
	uint64_t a, b;
	if ((p = mtd_fx_after(s, "idVendor=")) && mtd_fx_parse_hex(&p, &a) && (p = mtd_fx_after(p, "idProduct=")) &&
	    mtd_fx_parse_hex(&p, &b) && a <= 0xffff && b <= 0xffff) {
		struct mtd_fact *x = mtd_fx_add(c, "usb", "kernel", 70, "");
		if (x) {
			x->has_id = true;
			x->id_vendor = (uint16_t)a;
			x->id_device = (uint16_t)b;
		}
		return;
	}
	if ((p = mtd_fx_after(s, "Vendor=")) && mtd_fx_parse_hex(&p, &a) && (p = mtd_fx_after(p, "ProdID=")) &&
	    mtd_fx_parse_hex(&p, &b) && a <= 0xffff && b <= 0xffff) {
		struct mtd_fact *x = mtd_fx_add(c, "usb", "kernel", 65, "");
		if (x) {
			x->has_id = true;
			x->id_vendor = (uint16_t)a;
			x->id_device = (uint16_t)b;
		}
	}
}
