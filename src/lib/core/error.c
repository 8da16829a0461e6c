/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mtdscope/error.h>

const char *mtd_strerror(int err)
{
	switch (err) {
	case MTD_OK: return "success";
	case MTD_ERR_IO: return "input/output error";
	case MTD_ERR_NOMEM: return "out of memory";
	case MTD_ERR_TRUNCATED: return "input ends too early";
	case MTD_ERR_FORMAT: return "malformed input";
	case MTD_ERR_OVERFLOW: return "size overflow";
	case MTD_ERR_LIMIT: return "limit reached";
	case MTD_ERR_UNSUPPORTED: return "unsupported feature";
	case MTD_ERR_ARG: return "invalid argument";
	case MTD_ERR_CHECKSUM: return "checksum mismatch";
	case MTD_ERR_EXISTS: return "already exists";
	case MTD_ERR_NOT_FOUND: return "not found";
	case MTD_ERR_NO_MATCH: return "no match";
	case MTD_ERR_REFUSED: return "refused";
	case MTD_ERR_TIMEOUT: return "timed out";
	}
	return "unknown error";
}

void mtd_diag_clear(struct mtd_diag *d)
{
	if (d)
		memset(d, 0, sizeof(*d));
}

static void diag_fill(struct mtd_diag *d, int err, const char *file, const char *fmt, va_list ap)
{
	int saved = errno;
	d->err = err;
	d->sys_errno = err == MTD_ERR_IO ? saved : 0;
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
}

int mtd_diag_at(struct mtd_diag *d, int err, const char *file, uint64_t offset, const char *fmt, ...)
{
	if (!d)
		return err;
	va_list ap;
	va_start(ap, fmt);
	diag_fill(d, err, file, fmt, ap);
	va_end(ap);
	d->has_offset = true;
	d->offset = offset;
	return err;
}

int mtd_diag_set(struct mtd_diag *d, int err, const char *file, const char *fmt, ...)
{
	if (!d)
		return err;
	va_list ap;
	va_start(ap, fmt);
	diag_fill(d, err, file, fmt, ap);
	va_end(ap);
	d->has_offset = false;
	d->offset = 0;
	return err;
}

void mtd_diag_format(const struct mtd_diag *d, char *buf, size_t size)
{
	char where[320] = "";
	if (d->file[0] && d->has_offset)
		snprintf(where, sizeof(where), "%s: offset 0x%llx: ", d->file, (unsigned long long)d->offset);
	else if (d->file[0])
		snprintf(where, sizeof(where), "%s: ", d->file);
	else if (d->has_offset)
		snprintf(where, sizeof(where), "offset 0x%llx: ", (unsigned long long)d->offset);
	/* the system's reason once: not again when the message already ends with it */
	const char *se = d->sys_errno ? strerror(d->sys_errno) : "";
	size_t ml = strlen(d->msg), sl = strlen(se);
	bool said = sl && ml >= sl && !strcmp(d->msg + ml - sl, se);
	if (d->sys_errno && !said)
		snprintf(buf, size, "%s%s: %s", where, d->msg[0] ? d->msg : mtd_strerror(d->err), se);
	else
		snprintf(buf, size, "%s%s", where, d->msg[0] ? d->msg : mtd_strerror(d->err));
}
