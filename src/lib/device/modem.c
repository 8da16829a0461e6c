/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <mtdscope/device.h>

#include <mtdscope/util.h>

#include "kb.h"

bool mtd_usb_id_parse(const char *s, uint16_t *vid, uint16_t *pid)
{
	if (strlen(s) != 9 || s[4] != ':')
		return false;
	uint64_t v, p;
	if (!mtd_parse_hex_n(s, 4, &v) || !mtd_parse_hex_n(s + 5, 4, &p))
		return false;
	*vid = (uint16_t)v;
	*pid = (uint16_t)p;
	return true;
}

int mtd_modem_lookup(uint16_t vid, uint16_t pid, struct mtd_modem_info *out)
{
	memset(out, 0, sizeof(*out));
	out->vid = vid;
	out->pid = pid;
	const struct mtd_kb_modem *m = mtd_kb_modem_by_usb(vid, pid);
	if (!m) {
		out->vendor = out->model = out->mode = out->packages = out->proto = out->device = "";
		out->at_port = out->at_signal = out->at_bands = out->traps = out->at_apn = "";
		return MTD_ERR_NOT_FOUND;
	}
	out->known = true;
	out->vendor = m->vendor;
	out->model = m->model;
	out->mode = m->mode;
	out->packages = m->packages;
	out->proto = m->proto;
	out->device = m->device;
	out->at_port = m->at_port;
	out->at_signal = m->at_signal;
	out->at_bands = m->at_bands;
	out->traps = m->traps;
	/* 3GPP TS 27.007 +CGDCONT: the read form lists the PDP contexts, i.e. the APN in use */
	out->at_apn = "AT+CGDCONT?";
	return 0;
}

int mtd_modem_uci(const struct mtd_modem_info *m, struct mtd_buf *out)
{
	if (!m->known || !m->proto[0])
		return MTD_ERR_NOT_FOUND;
	/* 'wwan0': the name OpenWrt's LTE boards preconfigure and the threads tell owners to recreate */
	mtd_buf_puts(out, "config interface 'wwan0'\n");
	mtd_buf_printf(out, "\toption proto '%s'\n", m->proto);
	if (!strcmp(m->proto, "qmi") || !strcmp(m->proto, "mbim")) {
		mtd_buf_printf(out, "\toption device '%s'\n", m->device);
		mtd_buf_puts(out, "\toption apn 'internet'\n\toption pdptype 'ipv4v6'\n");
	} else if (!strcmp(m->proto, "ncm")) {
		mtd_buf_printf(out, "\toption device '%s'\n", m->device);
		mtd_buf_puts(out, "\toption apn 'internet'\n\toption mode 'auto'\n");
	} else if (!strcmp(m->proto, "3g")) {
		mtd_buf_printf(out, "\toption device '%s'\n", m->device);
		mtd_buf_puts(out, "\toption service 'umts'\n\toption apn 'internet'\n");
	} else {
		/* dhcp on the modem's network device (ECM/RNDIS, or NCM brought up by the modem itself) */
		mtd_buf_printf(out, "\toption device '%s'\n", m->device);
	}
	return out->err;
}
