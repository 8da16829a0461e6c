/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/util.h>

#include "kb.h"

static bool is_word(char c)
{
	return isalnum((unsigned char)c);
}

/* Position of NEEDLE (n bytes) in TEXT as a whole token, case-insensitive; NULL if absent. */
static const char *find_token(const char *text, const char *needle, size_t n)
{
	if (!n)
		return NULL;
	for (const char *p = text; *p; p++) {
		if (strncasecmp(p, needle, n) != 0)
			continue;
		if (p > text && is_word(p[-1]))
			continue;
		if (is_word(p[n]))
			continue;
		return p;
	}
	return NULL;
}

/* Call fn for each comma-separated item of list; stop when it returns true. */
static bool each_item(const char *list, bool (*fn)(const char *item, size_t n, void *ctx), void *ctx)
{
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n && fn(p, n, ctx))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

struct tok_ctx {
	const char *tok;
	size_t len;
};

static bool item_equals(const char *item, size_t n, void *ctx)
{
	struct tok_ctx *t = ctx;
	return n == t->len && strncasecmp(item, t->tok, n) == 0;
}

const struct mtd_kb_soc *mtd_kb_soc_by_token(const char *token, size_t len)
{
	struct tok_ctx t = {token, len};
	for (size_t i = 0; i < mtd_kb_socs_count; i++)
		if (each_item(mtd_kb_socs[i].aliases, item_equals, &t))
			return &mtd_kb_socs[i];
	return NULL;
}

const struct mtd_kb_soc *mtd_kb_soc_by_name(const char *name)
{
	for (size_t i = 0; i < mtd_kb_socs_count; i++)
		if (strcasecmp(mtd_kb_socs[i].name, name) == 0)
			return &mtd_kb_socs[i];
	return mtd_kb_soc_by_token(name, strlen(name));
}

struct text_ctx {
	const char *text;
	size_t best_len;
	const char *best_item;
	size_t best_pos;
};

static bool item_in_text(const char *item, size_t n, void *ctx)
{
	struct text_ctx *t = ctx;
	const char *p = find_token(t->text, item, n);
	if (p && n > t->best_len) {
		t->best_len = n;
		t->best_item = item;
		t->best_pos = (size_t)(p - t->text);
	}
	return false;
}

const struct mtd_kb_soc *mtd_kb_soc_in_text(const char *text, char *alias, size_t alias_size)
{
	const struct mtd_kb_soc *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < mtd_kb_socs_count; i++) {
		struct text_ctx t = {text, 0, NULL, 0};
		each_item(mtd_kb_socs[i].aliases, item_in_text, &t);
		if (t.best_len > best_len) {
			best_len = t.best_len;
			best = &mtd_kb_socs[i];
			if (alias && alias_size) {
				size_t n = t.best_len < alias_size - 1 ? t.best_len : alias_size - 1;
				memcpy(alias, text + t.best_pos, n); /* as printed */
				alias[n] = 0;
			}
		}
	}
	return best;
}

const struct mtd_kb_flash *mtd_kb_flash_by_jedec(const char *jedec_hex)
{
	for (size_t i = 0; i < mtd_kb_flashes_count; i++)
		if (strcasecmp(mtd_kb_flashes[i].jedec, jedec_hex) == 0)
			return &mtd_kb_flashes[i];
	return NULL;
}

const struct mtd_kb_flash *mtd_kb_flash_by_name(const char *name)
{
	size_t n = strlen(name);
	struct tok_ctx t = {name, n};
	for (size_t i = 0; i < mtd_kb_flashes_count; i++)
		if (strcasecmp(mtd_kb_flashes[i].name, name) == 0 ||
		    each_item(mtd_kb_flashes[i].aliases, item_equals, &t))
			return &mtd_kb_flashes[i];
	/* a longer marking of a known part ("W25Q128BVFG", "EN25QH128A-104HIP") */
	const struct mtd_kb_flash *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < mtd_kb_flashes_count; i++) {
		size_t m = strlen(mtd_kb_flashes[i].name);
		if (m >= 6 && m <= n && m > best_len && strncasecmp(name, mtd_kb_flashes[i].name, m) == 0) {
			best = &mtd_kb_flashes[i];
			best_len = m;
		}
	}
	return best;
}

static bool id_matches(const char *id, uint16_t vendor, uint16_t device)
{
	uint64_t v, d;
	if (strlen(id) != 9 || id[4] != ':' || !mtd_parse_hex_n(id, 4, &v) || !mtd_parse_hex_n(id + 5, 4, &d))
		return false;
	return v == vendor && d == device;
}

const struct mtd_kb_wifi *mtd_kb_wifi_by_pci(uint16_t vendor, uint16_t device)
{
	for (size_t i = 0; i < mtd_kb_wifis_count; i++)
		if (id_matches(mtd_kb_wifis[i].pci_id, vendor, device))
			return &mtd_kb_wifis[i];
	return NULL;
}

const struct mtd_kb_wifi *mtd_kb_wifi_by_chip(const char *chip)
{
	for (size_t i = 0; i < mtd_kb_wifis_count; i++)
		if (strcasecmp(mtd_kb_wifis[i].chip, chip) == 0)
			return &mtd_kb_wifis[i];
	return NULL;
}

const struct mtd_kb_wifi *mtd_kb_wifi_in_text(const char *text)
{
	const struct mtd_kb_wifi *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < mtd_kb_wifis_count; i++) {
		struct text_ctx t = {text, 0, NULL, 0};
		if (mtd_kb_wifis[i].pci_id[0]) /* SoC-integrated radios are not named in text this way */
			item_in_text(mtd_kb_wifis[i].chip, strlen(mtd_kb_wifis[i].chip), &t);
		each_item(mtd_kb_wifis[i].aliases, item_in_text, &t);
		if (t.best_len > best_len) {
			best_len = t.best_len;
			best = &mtd_kb_wifis[i];
		}
	}
	return best;
}

const struct mtd_kb_modem *mtd_kb_modem_by_usb(uint16_t vid, uint16_t pid)
{
	for (size_t i = 0; i < mtd_kb_modems_count; i++)
		if (id_matches(mtd_kb_modems[i].usb_id, vid, pid))
			return &mtd_kb_modems[i];
	return NULL;
}
