/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include <mtdscope/reader.h>
#include <mtdscope/unitdata.h>

/*
 * U-Boot environment (env/common.c, tools/env in U-Boot; libubootenv):
 *   u32 crc (little-endian on the MIPS/ARM boards we meet), [u8 flag when
 *   redundant], then "name=value\0...name=value\0\0" and padding up to the
 *   configured size.  The CRC-32 covers everything after the header, the
 *   padding included, so the size is found by trying each candidate size.
 * The Ralink SDK nvram blocks of the Config partition use the same layout.
 */

#define NAME_MAX_LEN 256u
#define STEP         0x1000u

static bool name_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && c != '=';
}
static bool name_start(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* A name (identifier-like) and '=' at p: the cheap first test. */
static bool plausible_start(const uint8_t *p, size_t n)
{
	if (n < 2 || !name_start(p[0]))
		return false;
	size_t lim = n < 128 ? n : 128;
	for (size_t i = 1; i < lim; i++) {
		if (p[i] == '=')
			return true;
		if (!name_char(p[i]))
			return false;
	}
	return false;
}

/*
 * Walk the variables from p (at most n bytes).  strict: names and values of
 * printable text only.  Returns the length through the terminating empty
 * string (0 when the list is not terminated or breaks the rules) and the
 * count of variables.
 */
static size_t walk_vars(const uint8_t *p, size_t n, bool strict, size_t *nvars)
{
	size_t i = 0, count = 0;
	while (i < n) {
		if (p[i] == 0) {
			*nvars = count;
			return i + 1;
		}
		size_t s = i;
		bool eq = false;
		while (i < n && p[i]) {
			uint8_t c = p[i];
			if (!eq && c == '=') {
				if (i == s)
					return 0;
				eq = true;
			} else if (strict) {
				if (!eq && (!name_char(c) || i - s > NAME_MAX_LEN))
					return 0;
				if (eq && c < 0x20 && c != '\t' && c != '\n' && c != '\r')
					return 0;
				if (eq && c == 0x7f)
					return 0;
			}
			i++;
		}
		if (i >= n)
			return 0;
		if (strict && !eq)
			return 0;
		count++;
		i++; /* the NUL */
	}
	return 0;
}

/* Try the CRC at every size; 0 when none holds. */
static size_t find_size(const uint8_t *data, size_t len, size_t h, size_t min_size, size_t max_size, uint32_t stored,
                        uint32_t *computed)
{
	size_t s = min_size;
	if (s < STEP)
		s = STEP;
	if (s > len || s <= h)
		return 0;
	uint32_t crc = mtd_crc32(0, data + h, s - h);
	for (;;) {
		if (crc == stored) {
			*computed = crc;
			return s;
		}
		if (s + STEP > max_size || s + STEP > len)
			return 0;
		crc = mtd_crc32(crc, data + s, STEP);
		s += STEP;
	}
}

static size_t pow2_at_least(size_t v)
{
	size_t s = STEP;
	while (s < v && s < MTD_ENV_MAX_SIZE)
		s <<= 1;
	return s;
}

int mtd_env_measure(const uint8_t *data, size_t len, size_t min_size, size_t max_size, struct mtd_env_measure *m)
{
	memset(m, 0, sizeof(*m));
	if (len < 8)
		return MTD_ERR_NO_MATCH;
	if (max_size > MTD_ENV_MAX_SIZE)
		max_size = MTD_ENV_MAX_SIZE;
	bool cand[2];
	cand[0] = plausible_start(data + 4, len - 4);
	cand[1] = plausible_start(data + 5, len - 5);
	if (!cand[0] && !cand[1])
		return MTD_ERR_NO_MATCH;
	uint32_t stored = mtd_le32(data);
	size_t lim = len < max_size ? len : max_size;
	for (int r = 0; r < 2; r++) {
		if (!cand[r])
			continue;
		size_t h = 4 + (size_t)r;
		uint32_t computed = 0;
		size_t s = find_size(data, len, h, min_size, max_size, stored, &computed);
		if (!s)
			continue;
		m->size = s;
		m->redundant = r;
		m->flag = r ? data[4] : 0;
		m->crc_ok = true;
		m->crc_stored = stored;
		m->crc_computed = computed;
		m->data_len = walk_vars(data + h, s - h, false, &m->nvars);
		if (!m->data_len)
			m->data_len = s - h; /* unterminated but CRC-covered */
		return 0;
	}
	/* No CRC held: still an environment if the text is unmistakable. */
	for (int r = 0; r < 2; r++) {
		if (!cand[r])
			continue;
		size_t h = 4 + (size_t)r, nvars = 0;
		size_t dl = walk_vars(data + h, lim - h, true, &nvars);
		if (!dl || nvars < 2 || h + dl >= lim)
			continue;
		uint8_t pad = data[h + dl];
		if (pad != 0 && pad != 0xff)
			continue;
		size_t s = pow2_at_least(h + dl + 1);
		if (s > len)
			s = len;
		/* the rest of the area must be padding (a few damaged bytes allowed) */
		size_t padded = 0;
		for (size_t i = h + dl; i < s; i++)
			padded += data[i] == pad;
		if (s - (h + dl) < 256 || padded * 20 < (s - (h + dl)) * 19)
			continue;
		m->size = s;
		m->redundant = r;
		m->flag = r ? data[4] : 0;
		m->crc_ok = false;
		m->size_guessed = true;
		m->crc_stored = stored;
		m->crc_computed = mtd_crc32(0, data + h, s - h);
		m->data_len = dl;
		m->nvars = nvars;
		return 0;
	}
	return MTD_ERR_NO_MATCH;
}

static int add_var(struct mtd_env *e, const char *name, size_t nlen, const char *value, size_t vlen)
{
	if (e->nvars == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 32;
		struct mtd_env_var *n = mtd_arena_alloc(&e->arena, cap * sizeof(*n));
		if (!n)
			return MTD_ERR_NOMEM;
		if (e->nvars)
			memcpy(n, e->vars, e->nvars * sizeof(*n));
		e->vars = n;
		e->cap = cap;
	}
	char *nm = mtd_arena_strndup(&e->arena, name, nlen);
	char *vl = mtd_arena_strndup(&e->arena, value, vlen);
	if (!nm || !vl)
		return MTD_ERR_NOMEM;
	e->vars[e->nvars].name = nm;
	e->vars[e->nvars].value = vl;
	e->nvars++;
	return 0;
}

static int parse_vars(struct mtd_env *e, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i]) {
		size_t s = i;
		while (i < n && p[i])
			i++;
		const uint8_t *eq = memchr(p + s, '=', i - s);
		/* U-Boot's himport skips entries without '=' too */
		if (eq && eq != p + s) {
			size_t nl = (size_t)(eq - (p + s));
			int rc = add_var(e, (const char *)p + s, nl, (const char *)eq + 1, i - s - nl - 1);
			if (rc)
				return rc;
		}
		i++;
	}
	e->data_len = i < n ? i + 1 : n;
	return 0;
}

int mtd_env_parse(const uint8_t *data, size_t len, size_t size, int redundant, struct mtd_env *out, struct mtd_diag *d)
{
	memset(out, 0, sizeof(*out));
	mtd_arena_init(&out->arena);
	if (!data)
		return mtd_diag_set(d, MTD_ERR_ARG, "env", "no data");
	if (size == 0) {
		struct mtd_env_measure m;
		if (mtd_env_measure(data, len, MTD_ENV_MIN_SIZE, MTD_ENV_MAX_SIZE, &m))
			return mtd_diag_at(d, MTD_ERR_NO_MATCH, "env", 0,
			                   "expected a CRC-32 and name=value text (a U-Boot environment)");
		if (redundant >= 0 && (int)m.redundant != redundant) {
			/* the caller knows the layout: recompute for it */
			size_t sz = m.size;
			return mtd_env_parse(data, len, sz, redundant, out, d);
		}
		out->size = m.size;
		out->redundant = m.redundant;
		out->size_guessed = m.size_guessed;
	} else {
		if (size > len)
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, "env", len,
			                   "expected an environment of 0x%zx bytes, only 0x%zx present", size, len);
		if (size < 8)
			return mtd_diag_set(d, MTD_ERR_ARG, "env", "environment size 0x%zx is too small", size);
		out->size = size;
		if (redundant < 0) {
			/* the header byte after the CRC: text means single, anything else a flag */
			uint32_t st = mtd_le32(data);
			bool c0 = mtd_crc32(0, data + 4, size - 4) == st;
			bool c1 = mtd_crc32(0, data + 5, size - 5) == st;
			out->redundant = c1 && !c0 ? true : c0 ? false : !plausible_start(data + 4, size - 4);
		} else {
			out->redundant = redundant != 0;
		}
	}
	size_t h = out->redundant ? 5 : 4;
	out->flag = out->redundant ? data[4] : 0;
	out->crc_stored = mtd_le32(data);
	out->crc_computed = mtd_crc32(0, data + h, out->size - h);
	out->crc_ok = out->crc_stored == out->crc_computed;
	int rc = parse_vars(out, data + h, out->size - h);
	if (rc) {
		mtd_env_release(out);
		return mtd_diag_set(d, rc, "env", "out of memory");
	}
	out->pad = h + out->data_len < out->size ? data[h + out->data_len] : 0;
	return 0;
}

void mtd_env_release(struct mtd_env *e)
{
	mtd_arena_release(&e->arena);
	e->vars = NULL;
	e->nvars = e->cap = 0;
}

const char *mtd_env_get(const struct mtd_env *e, const char *name)
{
	for (size_t i = e->nvars; i-- > 0;)
		if (strcmp(e->vars[i].name, name) == 0)
			return e->vars[i].value;
	return NULL;
}

int mtd_env_set(struct mtd_env *e, const char *name, const char *value)
{
	if (!name || !*name || strchr(name, '='))
		return MTD_ERR_ARG;
	for (const char *c = name; *c; c++)
		if ((uint8_t)*c <= 0x20 || *c == 0x7f)
			return MTD_ERR_ARG;
	/* the last occurrence keeps its place (earlier ones go); a new name is appended */
	size_t w = 0;
	bool found = false;
	const char *nv = NULL;
	if (value && !(nv = mtd_arena_strdup(&e->arena, value)))
		return MTD_ERR_NOMEM;
	for (size_t i = e->nvars; i-- > 0;) {
		if (strcmp(e->vars[i].name, name) != 0)
			continue;
		if (!found && value) {
			e->vars[i].value = nv;
			found = true;
			continue;
		}
		e->vars[i].name = NULL; /* dropped */
	}
	for (size_t i = 0; i < e->nvars; i++)
		if (e->vars[i].name)
			e->vars[w++] = e->vars[i];
	e->nvars = w;
	if (!value || found)
		return 0;
	return add_var(e, name, strlen(name), value, strlen(value));
}

static int cmp_var(const void *a, const void *b)
{
	const struct mtd_env_var *x = *(const struct mtd_env_var *const *)a, *y = *(const struct mtd_env_var *const *)b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

int mtd_env_serialise(const struct mtd_env *e, uint8_t *out, size_t size, struct mtd_diag *d)
{
	size_t h = e->redundant ? 5 : 4;
	if (size < h + 2)
		return mtd_diag_set(d, MTD_ERR_ARG, "env", "environment size 0x%zx is too small", size);
	const struct mtd_env_var **v = mtd_alloc_array(e->nvars ? e->nvars : 1, sizeof(*v));
	if (!v)
		return mtd_diag_set(d, MTD_ERR_NOMEM, "env", "out of memory");
	for (size_t i = 0; i < e->nvars; i++)
		v[i] = &e->vars[i];
	if (!e->keep_order)
		qsort(v, e->nvars, sizeof(*v), cmp_var);
	memset(out, 0, size);
	size_t pos = h;
	for (size_t i = 0; i < e->nvars; i++) {
		/* one per name: the last occurrence in file order wins */
		bool later = e->keep_order ? mtd_env_get(e, v[i]->name) != v[i]->value
		                           : i + 1 < e->nvars && strcmp(v[i]->name, v[i + 1]->name) == 0;
		if (later)
			continue;
		size_t nl = strlen(v[i]->name), vl = strlen(v[i]->value), need;
		if (!mtd_size_add(nl, vl, &need) || !mtd_size_add(need, 2, &need) || need > size - 1 - pos) {
			free(v);
			return mtd_diag_set(d, MTD_ERR_LIMIT, "env",
			                    "variables do not fit in an environment of 0x%zx bytes", size);
		}
		memcpy(out + pos, v[i]->name, nl);
		out[pos + nl] = '=';
		memcpy(out + pos + nl + 1, v[i]->value, vl);
		pos += nl + vl + 2;
	}
	free(v);
	if (e->redundant)
		out[4] = e->flag;
	uint32_t crc = mtd_crc32(0, out + h, size - h);
	out[0] = (uint8_t)crc, out[1] = (uint8_t)(crc >> 8), out[2] = (uint8_t)(crc >> 16),
	out[3] = (uint8_t)(crc >> 24);
	return 0;
}

/* ---- Ralink SDK nvram ---- */

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

const char *mtd_env_nvram_block(const struct mtd_env *e)
{
	static const char *const uboot_keys[] = {
	    "bootcmd",  "bootargs", "bootdelay", "baudrate", "ethaddr",  "ipaddr",       "serverip", "stdin", "stdout",
	    "stderr",   "loadaddr", "mtdparts",  "bootfile", "fdt_high", "arch",         "board",    "cpu",   "ethact",
	    "filesize", "fileaddr", "netmask",   "autoload", "ver",      "boot_targets", "preboot",  NULL};
	static const char *const sys_keys[] = {"HostName",    "lan_ipaddr",    "lan_netmask", "wanConnectionMode",
	                                       "Login",       "Password",      "dhcpEnabled", "WebInit",
	                                       "wan_ipaddr",  "lan_gateway",   "Language",    "TZ",
	                                       "NTPServerIP", "OperationMode", NULL};
	static const char *const wifi_keys[] = {"SSID1",        "WPAPSK1",       "AuthMode", "EncrypType",
	                                        "WirelessMode", "CountryCode",   "Channel",  "BssidNum",
	                                        "TxPower",      "BeaconPeriod",  "RadioOff", "CountryRegion",
	                                        "HT_BW",        "WscModeOption", NULL};
	size_t ub = 0, sys = 0, wifi = 0, wapi = 0, cert = 0;
	for (size_t i = 0; i < e->nvars; i++) {
		const char *n = e->vars[i].name;
		if (in_list(n, uboot_keys))
			ub++;
		else if (in_list(n, sys_keys))
			sys++;
		else if (in_list(n, wifi_keys))
			wifi++;
		else if (strncmp(n, "wapi", 4) == 0 || strncmp(n, "WAPI", 4) == 0)
			wapi++;
		else if (strstr(n, "Cert") || strstr(n, "CACL"))
			cert++;
	}
	size_t sdk = sys + wifi + wapi + cert;
	if (sdk == 0 || ub >= sdk)
		return NULL;
	if (sys)
		return "2860";
	if (wifi)
		return "rtdev";
	return wapi >= cert ? "wapi" : "cert";
}
