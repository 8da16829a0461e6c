/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <mtdscope/error.h>
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

static const struct mtd_kb_soc *soc_exact(const char *token, size_t len)
{
	struct tok_ctx t = {token, len};
	for (size_t i = 0; i < mtd_kb_socs_count; i++)
		if (each_item(mtd_kb_socs[i].aliases, item_equals, &t) ||
		    (strlen(mtd_kb_socs[i].name) == len && strncasecmp(mtd_kb_socs[i].name, token, len) == 0))
			return &mtd_kb_socs[i];
	return NULL;
}

/* A package or revision suffix after the digits of a chip name: 1-3 letters, optionally one digit
 * (DAT, AT, F, A0, C0, KN). */
static bool chip_suffix(const char *s, size_t n)
{
	size_t letters = 0;
	while (letters < n && isalpha((unsigned char)s[letters]))
		letters++;
	if (letters < 1 || letters > 3)
		return false;
	return n == letters || (n == letters + 1 && isdigit((unsigned char)s[letters]));
}

const struct mtd_kb_soc *mtd_kb_soc_by_token(const char *token, size_t len)
{
	const struct mtd_kb_soc *k = soc_exact(token, len);
	if (k || len < 5)
		return k;
	for (size_t cut = len - 1; cut >= 4 && cut + 4 >= len; cut--) {
		if (!isdigit((unsigned char)token[cut - 1]) || !chip_suffix(token + cut, len - cut))
			continue;
		k = soc_exact(token, cut);
		if (k)
			return k;
	}
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

/* flashrom writes families with '.' for any one character: W25Q128.V is W25Q128BV, W25Q128FV... */
static bool wild_equals(const char *pat, const char *s)
{
	if (!strchr(pat, '.'))
		return false;
	for (; *pat && *s; pat++, s++)
		if (*pat != '.' && toupper((unsigned char)*pat) != toupper((unsigned char)*s))
			return false;
	return !*pat && !*s;
}

const struct mtd_kb_flash *mtd_kb_flash_by_name(const char *name)
{
	size_t n = strlen(name);
	struct tok_ctx t = {name, n};
	for (size_t i = 0; i < mtd_kb_flashes_count; i++)
		if (strcasecmp(mtd_kb_flashes[i].name, name) == 0 ||
		    each_item(mtd_kb_flashes[i].aliases, item_equals, &t))
			return &mtd_kb_flashes[i];
	for (size_t i = 0; i < mtd_kb_flashes_count; i++)
		if (wild_equals(mtd_kb_flashes[i].name, name))
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

/* a row of the kernel's tables with a full JEDEC id (flashrom -L prints none, raw NAND rows hold one byte) */
static bool has_full_id(const struct mtd_kb_flash *f)
{
	return strlen(f->jedec) >= 4 && strncmp(f->source, "linux", 5) == 0;
}

const struct mtd_kb_flash *mtd_kb_flash_id_by_name(const char *name)
{
	size_t n = strlen(name);
	struct tok_ctx t = {name, n};
	const struct mtd_kb_flash *hit = NULL;
	for (size_t i = 0; i < mtd_kb_flashes_count; i++) {
		const struct mtd_kb_flash *f = &mtd_kb_flashes[i];
		if (!has_full_id(f) || (strcasecmp(f->name, name) && !each_item(f->aliases, item_equals, &t)))
			continue;
		if (hit && strcasecmp(hit->jedec, f->jedec))
			return NULL; /* one name, two ids */
		hit = f;
	}
	if (hit)
		return hit;
	size_t best_len = 0;
	bool two_ids = false; /* two ids for the longest prefix so far: only a longer one decides */
	for (size_t i = 0; i < mtd_kb_flashes_count; i++) {
		const struct mtd_kb_flash *f = &mtd_kb_flashes[i];
		size_t m = strlen(f->name);
		if (!has_full_id(f) || m < 6 || m > n || m < best_len || strncasecmp(name, f->name, m))
			continue;
		if (m == best_len) {
			two_ids = two_ids || strcasecmp(hit->jedec, f->jedec);
			continue;
		}
		hit = f;
		best_len = m;
		two_ids = false;
	}
	return two_ids ? NULL : hit;
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

const struct mtd_kb_usbid *mtd_kb_usb_name(uint16_t vid, uint16_t pid)
{
	const struct mtd_kb_usbid *maker = NULL;
	for (size_t i = 0; i < mtd_kb_usbids_count; i++) {
		const char *id = mtd_kb_usbids[i].usb_id;
		uint64_t v;
		if (strlen(id) < 6 || id[4] != ':' || !mtd_parse_hex_n(id, 4, &v) || v != vid)
			continue;
		if (!strcmp(id + 5, "*"))
			maker = &mtd_kb_usbids[i];
		else if (id_matches(id, vid, pid))
			return &mtd_kb_usbids[i];
	}
	return maker;
}

/* ---- JEDEC ids ---- */

/* Hex digits of IN (optional 0x, spaces, ':' or '-' between bytes), lowercased into out; false if not hex. */
static bool norm_hex(const char *in, char *out, size_t size)
{
	size_t n = 0;
	const char *p = in;
	while (*p == ' ')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; *p; p++) {
		if (*p == ' ' || *p == ':' || *p == '-')
			continue;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && n) {
			p++;
			continue;
		}
		if (!isxdigit((unsigned char)*p) || n + 1 >= size)
			return false;
		out[n++] = (char)tolower((unsigned char)*p);
	}
	out[n] = 0;
	return n >= 2 && n % 2 == 0;
}

static unsigned hexbyte(const char *s)
{
	uint64_t v = 0;
	return mtd_parse_hex_n(s, 2, &v) ? (unsigned)v : 0;
}

/* For the manufacturer of JEDEC (first byte), true when every NOR chip the kernel lists for it with a
 * plausible capacity byte has size 1 << byte, and there are at least 4 of them. */
static bool capacity_rule_holds(const char *jedec, const char **vendor)
{
	size_t n = 0;
	for (size_t i = 0; i < mtd_kb_flashes_count; i++) {
		const struct mtd_kb_flash *f = &mtd_kb_flashes[i];
		if (strlen(f->jedec) != 6 || strncmp(f->jedec, jedec, 2) != 0 || strcmp(f->type, "nor") != 0)
			continue;
		unsigned cap = hexbyte(f->jedec + 4);
		if (cap < 0x10 || cap > 0x20)
			continue;
		if (f->size != (uint64_t)1 << cap)
			return false;
		*vendor = f->vendor;
		n++;
	}
	return n >= 4;
}

int mtd_kb_flash_lookup(const char *jedec_hex, struct mtd_kb_flash_match *m)
{
	char id[32];
	memset(m, 0, sizeof(*m));
	if (!jedec_hex || !norm_hex(jedec_hex, id, sizeof(id)))
		return MTD_ERR_ARG;
	size_t idn = strlen(id);
	/* SPI NOR: the 3 id bytes (more bytes are the extended id); NAND: maker + device byte */
	for (size_t i = 0; i < mtd_kb_flashes_count; i++) {
		const struct mtd_kb_flash *f = &mtd_kb_flashes[i];
		size_t fn = strlen(f->jedec);
		if (fn < 4 || fn > idn || strncmp(f->jedec, id, fn) != 0)
			continue;
		if (f->ext_id[0] && idn > fn && strncmp(f->ext_id, id + fn, strlen(f->ext_id)) != 0 &&
		    strlen(id + fn) >= strlen(f->ext_id))
			continue; /* a different extended id */
		if (m->ncand < MTD_KB_FLASH_MAX_CAND)
			m->cand[m->ncand++] = f;
	}
	if (!m->ncand && idn == 4) {
		/* maker + device byte of a raw NAND: a device byte listed for any maker (LEGACY/EXTENDED_ID_NAND) */
		for (size_t i = 0; i < mtd_kb_flashes_count; i++) {
			const struct mtd_kb_flash *f = &mtd_kb_flashes[i];
			if (strlen(f->jedec) == 2 && strncmp(f->jedec, id + 2, 2) == 0 &&
			    m->ncand < MTD_KB_FLASH_MAX_CAND)
				m->cand[m->ncand++] = f;
		}
	}
	if (m->ncand) {
		m->size = m->cand[0]->size;
		for (size_t i = 0; i < m->ncand; i++) {
			if (m->cand[i]->vendor[0] && !m->vendor)
				m->vendor = m->cand[i]->vendor;
			if (m->cand[i]->size != m->size)
				m->ambiguous = true;
		}
		if (m->ambiguous)
			m->size = 0;
		return 0;
	}
	if (idn >= 6) {
		unsigned cap = hexbyte(id + 4);
		const char *vendor = NULL;
		if (cap >= 0x10 && cap <= 0x20 && capacity_rule_holds(id, &vendor)) {
			m->size = (uint64_t)1 << cap;
			m->inferred = true;
			m->vendor = vendor;
			return 0;
		}
	}
	return MTD_ERR_NOT_FOUND;
}

/* ---- devices ---- */

/* letters and digits of S, lowercased, into out (truncated to size-1) */
static size_t alnum_key(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; s && *s && n + 1 < size; s++)
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = 0;
	return n;
}

/* Is WORD one of the SEP-separated items of LIST (exact, case-insensitive)? */
static bool in_list(const char *list, char sep, const char *word)
{
	size_t wn = strlen(word);
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, sep);
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == wn && strncasecmp(p, word, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

const struct mtd_kb_device *mtd_kb_device_by_compatible(const char *compat)
{
	if (!compat || !compat[0])
		return NULL;
	for (size_t i = 0; i < mtd_kb_devices_count; i++)
		if (strcasecmp(mtd_kb_devices[i].compatible, compat) == 0)
			return &mtd_kb_devices[i];
	for (size_t i = 0; i < mtd_kb_devices_count; i++)
		if (in_list(mtd_kb_devices[i].boards, ' ', compat))
			return &mtd_kb_devices[i];
	return NULL;
}

const struct mtd_kb_device *mtd_kb_device_by_board(const char *board)
{
	if (!board || !board[0])
		return NULL;
	const struct mtd_kb_device *d = mtd_kb_device_by_compatible(board);
	if (d)
		return d;
	for (size_t i = 0; i < mtd_kb_devices_count; i++)
		if (strcasecmp(mtd_kb_devices[i].device, board) == 0)
			return &mtd_kb_devices[i];
	/* "tplink_archer-c6-v3" <-> "tplink,archer-c6-v3": the image name is the board name with '_' for ',' */
	char alt[128];
	size_t n = strlen(board);
	if (n >= sizeof(alt))
		return NULL;
	memcpy(alt, board, n + 1);
	char *u = strchr(alt, '_'), *c = strchr(alt, ',');
	if (u)
		*u = ',';
	else if (c)
		*c = '_';
	else
		return NULL;
	for (size_t i = 0; i < mtd_kb_devices_count; i++)
		if (strcasecmp(mtd_kb_devices[i].device, alt) == 0 ||
		    strcasecmp(mtd_kb_devices[i].compatible, alt) == 0 || in_list(mtd_kb_devices[i].boards, ' ', alt))
			return &mtd_kb_devices[i];
	return NULL;
}

const struct mtd_kb_device *mtd_kb_device_by_dts(const char *dts)
{
	if (!dts)
		return NULL;
	const char *b = strrchr(dts, '/');
	b = b ? b + 1 : dts;
	size_t n = strlen(b);
	if (n > 4 && (!strcasecmp(b + n - 4, ".dts") || !strcasecmp(b + n - 4, ".dtb")))
		n -= 4;
	if (!n)
		return NULL;
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const char *d = mtd_kb_devices[i].dts;
		const char *db = strrchr(d, '/');
		db = db ? db + 1 : d;
		if (strlen(db) == n && strncasecmp(db, b, n) == 0)
			return &mtd_kb_devices[i];
	}
	return NULL;
}

/* Does "vendor|model|variant" (or the device's own fields) match the keys? an empty variant key matches any */
static bool title_parts_match(const char *v, size_t vn, const char *mo, size_t mn, const char *va, size_t van,
                              const char *kv, const char *km, const char *kva)
{
	char a[96], b[128], c[64];
	char t1[96], t2[128], t3[64];
	snprintf(t1, sizeof(t1), "%.*s", (int)vn, v);
	snprintf(t2, sizeof(t2), "%.*s", (int)mn, mo);
	snprintf(t3, sizeof(t3), "%.*s", (int)van, va);
	alnum_key(t1, a, sizeof(a));
	alnum_key(t2, b, sizeof(b));
	alnum_key(t3, c, sizeof(c));
	if (strcmp(a, kv) != 0 || strcmp(b, km) != 0)
		return false;
	return !kva[0] || strcmp(c, kva) == 0;
}

const struct mtd_kb_device *mtd_kb_device_by_model(const char *vendor, const char *model, const char *variant)
{
	char kv[96], km[128], kva[64];
	if (!alnum_key(vendor, kv, sizeof(kv)) || !alnum_key(model, km, sizeof(km)))
		return NULL;
	alnum_key(variant, kva, sizeof(kva));
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		if (title_parts_match(d->vendor, strlen(d->vendor), d->name, strlen(d->name), d->variant,
		                      strlen(d->variant), kv, km, kva))
			return d;
	}
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const char *p = mtd_kb_devices[i].alt_titles;
		while (*p) {
			const char *e = strchr(p, ';');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			const char *b1 = memchr(p, '|', n);
			const char *b2 = b1 ? memchr(b1 + 1, '|', n - (size_t)(b1 + 1 - p)) : NULL;
			if (b1 && b2 &&
			    title_parts_match(p, (size_t)(b1 - p), b1 + 1, (size_t)(b2 - b1 - 1), b2 + 1,
			                      n - (size_t)(b2 + 1 - p), kv, km, kva))
				return &mtd_kb_devices[i];
			if (!e)
				break;
			p = e + 1;
		}
	}
	return NULL;
}

const struct mtd_kb_device *mtd_kb_device_by_title(const char *title)
{
	char key[160], t[160], k2[160];
	if (alnum_key(title, key, sizeof(key)) < 3)
		return NULL;
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		snprintf(t, sizeof(t), "%s %s %s", d->vendor, d->name, d->variant);
		alnum_key(t, k2, sizeof(k2));
		if (strcmp(k2, key) == 0)
			return d;
	}
	for (size_t i = 0; i < mtd_kb_devices_count; i++) {
		const struct mtd_kb_device *d = &mtd_kb_devices[i];
		alnum_key(d->model, k2, sizeof(k2));
		if (strcmp(k2, key) == 0)
			return d;
		const char *p = d->alt_titles;
		while (*p) {
			const char *e = strchr(p, ';');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			snprintf(t, sizeof(t), "%.*s", (int)(n < sizeof(t) - 1 ? n : sizeof(t) - 1), p);
			alnum_key(t, k2, sizeof(k2)); /* '|' separators drop out */
			if (strcmp(k2, key) == 0)
				return d;
			if (!e)
				break;
			p = e + 1;
		}
	}
	return NULL;
}

const struct mtd_kb_device *mtd_kb_device_next_with_soc(const struct mtd_kb_soc *soc, const struct mtd_kb_device *after)
{
	if (!soc)
		return NULL;
	size_t i = after ? (size_t)(after - mtd_kb_devices) + 1 : 0;
	for (; i < mtd_kb_devices_count; i++)
		if (mtd_kb_devices[i].soc[0] && mtd_kb_soc_by_name(mtd_kb_devices[i].soc) == soc)
			return &mtd_kb_devices[i];
	return NULL;
}

/* ---- brands ---- */

const struct mtd_kb_brand *mtd_kb_brand_find(const char *token, size_t len)
{
	struct tok_ctx t = {token, len};
	if (!len)
		return NULL;
	for (size_t i = 0; i < mtd_kb_brands_count; i++)
		if ((strlen(mtd_kb_brands[i].name) == len && strncasecmp(mtd_kb_brands[i].name, token, len) == 0) ||
		    each_item(mtd_kb_brands[i].aliases, item_equals, &t))
			return &mtd_kb_brands[i];
	return NULL;
}

/* Brand names hold '-', '.', '!' and spaces ("TP-Link", "GL.iNet", "Western Digital"): a match is whole
 * when the characters around it are not letters or digits. */
static bool brand_at(const char *text, const char *p, const char *name, size_t n)
{
	if (strncasecmp(p, name, n) != 0)
		return false;
	if (p > text && isalnum((unsigned char)p[-1]))
		return false;
	return !isalnum((unsigned char)p[n]);
}

struct brand_ctx {
	const char *text, *p;
	size_t best;
};

static bool alias_at(const char *item, size_t n, void *ctx)
{
	struct brand_ctx *b = ctx;
	if (n > b->best && brand_at(b->text, b->p, item, n))
		b->best = n;
	return false;
}

const struct mtd_kb_brand *mtd_kb_brand_in_text(const char *text, size_t *pos)
{
	if (!text)
		return NULL;
	for (const char *p = text; *p; p++) {
		if (!isalnum((unsigned char)*p) || (p > text && isalnum((unsigned char)p[-1])))
			continue;
		const struct mtd_kb_brand *best = NULL;
		size_t best_len = 0;
		for (size_t i = 0; i < mtd_kb_brands_count; i++) {
			struct brand_ctx b = {text, p, 0};
			size_t n = strlen(mtd_kb_brands[i].name);
			if (brand_at(text, p, mtd_kb_brands[i].name, n))
				b.best = n;
			each_item(mtd_kb_brands[i].aliases, alias_at, &b);
			if (b.best > best_len) {
				best_len = b.best;
				best = &mtd_kb_brands[i];
			}
		}
		if (best) {
			if (pos)
				*pos = (size_t)(p - text);
			return best;
		}
	}
	return NULL;
}
