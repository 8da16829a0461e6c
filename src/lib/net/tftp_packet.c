/* SPDX-License-Identifier: MIT */
/* TFTP datagrams (RFC 1350, 2347) read through the bounded reader. */
#include <string.h>

#include <mtdscope/reader.h>
#include <mtdscope/tftp.h>

/*
 * The next NUL-terminated string: copied into out (cut to size-1 bytes,
 * *cut set), lowercased when asked.  False when no NUL is left.
 */
static bool rd_cstring(struct mtd_reader *r, char *out, size_t size, bool lower, bool *cut)
{
	size_t n = 0;
	const uint8_t *p;
	while (n < mtd_rd_left(r) && mtd_rd_ptr(r)[n] != 0)
		n++;
	if (n == mtd_rd_left(r))
		return false;
	if (!mtd_rd_bytes(r, n + 1, &p))
		return false;
	size_t k = n < size - 1 ? n : size - 1;
	for (size_t i = 0; i < k; i++) {
		char c = (char)p[i];
		if (lower && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[i] = c;
	}
	out[k] = '\0';
	if (cut)
		*cut = n > k;
	return true;
}

static int parse_options(struct mtd_reader *r, struct mtd_tftp_packet *out, struct mtd_diag *d)
{
	while (mtd_rd_left(r) > 0) {
		struct mtd_tftp_option tmp, *o = out->nopts < MTD_TFTP_MAX_OPTIONS ? &out->opts[out->nopts] : &tmp;
		bool cut_name = false, cut_value = false;
		uint64_t at = mtd_rd_offset(r);
		if (!rd_cstring(r, o->name, sizeof(o->name), true, &cut_name))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, "tftp", at, "expected a NUL-terminated option name");
		if (!o->name[0] && !cut_name) {
			/* Some clients pad with NULs; trailing zero bytes are harmless. */
			while (mtd_rd_left(r) > 0) {
				uint8_t z;
				if (!mtd_rd_u8(r, &z) || z != 0)
					return mtd_diag_at(d, MTD_ERR_FORMAT, "tftp", at,
					                   "expected an option name, not an empty string");
			}
			return 0;
		}
		at = mtd_rd_offset(r);
		if (!rd_cstring(r, o->value, sizeof(o->value), false, &cut_value))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, "tftp", at, "expected a value for option '%s'",
			                   o->name);
		o->cut = cut_name || cut_value;
		if (o == &tmp)
			out->opts_dropped = true;
		else
			out->nopts++;
	}
	return 0;
}

int mtd_tftp_parse(const uint8_t *pkt, size_t len, struct mtd_tftp_packet *out, struct mtd_diag *d)
{
	struct mtd_reader r;
	memset(out, 0, sizeof(*out));
	mtd_rd_init(&r, pkt, len, 0);
	if (!mtd_rd_u16be(&r, &out->opcode))
		return mtd_diag_at(d, MTD_ERR_TRUNCATED, "tftp", 0, "expected a 2-byte opcode, got %zu bytes", len);
	switch (out->opcode) {
	case MTD_TFTP_RRQ:
	case MTD_TFTP_WRQ: {
		bool cut = false;
		if (!rd_cstring(&r, out->filename, sizeof(out->filename), false, &out->filename_cut))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, "tftp", 2, "expected a NUL-terminated file name");
		if (!out->filename[0])
			return mtd_diag_at(d, MTD_ERR_FORMAT, "tftp", 2, "expected a file name, not an empty string");
		uint64_t at = mtd_rd_offset(&r);
		if (!rd_cstring(&r, out->mode, sizeof(out->mode), true, &cut))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, "tftp", at, "expected a NUL-terminated transfer mode");
		if (cut)
			return mtd_diag_at(d, MTD_ERR_FORMAT, "tftp", at,
			                   "expected mode octet or netascii, not a long string");
		return parse_options(&r, out, d);
	}
	case MTD_TFTP_DATA:
		if (!mtd_rd_u16be(&r, &out->block))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, "tftp", 2, "expected a block number");
		out->data_len = mtd_rd_left(&r);
		if (!mtd_rd_bytes(&r, out->data_len, &out->data))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, "tftp", 4, "expected data");
		return 0;
	case MTD_TFTP_ACK:
		if (!mtd_rd_u16be(&r, &out->block))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, "tftp", 2, "expected a block number");
		/* Trailing bytes after an ACK are tolerated (some stacks pad to 60 bytes). */
		return 0;
	case MTD_TFTP_ERROR:
		if (!mtd_rd_u16be(&r, &out->error_code))
			return mtd_diag_at(d, MTD_ERR_TRUNCATED, "tftp", 2, "expected an error code");
		/* A missing NUL after the message is common; keep what is there. */
		if (!rd_cstring(&r, out->error_msg, sizeof(out->error_msg), false, NULL)) {
			size_t n = mtd_rd_left(&r);
			if (n > sizeof(out->error_msg) - 1)
				n = sizeof(out->error_msg) - 1;
			mtd_rd_copy(&r, out->error_msg, n);
			out->error_msg[n] = '\0';
		}
		return 0;
	case MTD_TFTP_OACK: return parse_options(&r, out, d);
	default: return mtd_diag_at(d, MTD_ERR_FORMAT, "tftp", 0, "expected opcode 1 to 6, got %u", out->opcode);
	}
}

int mtd_tftp_check_name(const char *name, const char **why)
{
	size_t n = strlen(name);
	if (n == 0) {
		*why = "empty file name";
		return MTD_ERR_REFUSED;
	}
	if (name[0] == '/') {
		*why = "absolute path";
		return MTD_ERR_REFUSED;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f) {
			*why = "control character in file name";
			return MTD_ERR_REFUSED;
		}
		if (c == '\\') {
			*why = "backslash in file name";
			return MTD_ERR_REFUSED;
		}
	}
	/* ".." as a whole path component. */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && name[j] != '/')
			j++;
		if (j - i == 2 && name[i] == '.' && name[i + 1] == '.') {
			*why = "'..' in file name";
			return MTD_ERR_REFUSED;
		}
		i = j + 1;
	}
	*why = NULL;
	return 0;
}
