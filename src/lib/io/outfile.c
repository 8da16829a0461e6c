/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/util.h>

int mtd_outfile_open(struct mtd_outfile *o, const char *path, bool no_overwrite, struct mtd_diag *d)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->no_overwrite = no_overwrite;
	if (snprintf(o->path, sizeof(o->path), "%s", path) >= (int)sizeof(o->path))
		return mtd_diag_set(d, MTD_ERR_ARG, path, "output path too long");
	struct stat st;
	if (no_overwrite && lstat(path, &st) == 0)
		return mtd_diag_set(d, MTD_ERR_EXISTS, path, "already exists; refusing to overwrite");
	snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-XXXXXX", path);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0)
		return mtd_diag_set(d, MTD_ERR_IO, path, "cannot create temporary output");
	fchmod(o->fd, 0644);
	return 0;
}

int mtd_outfile_write(struct mtd_outfile *o, const void *p, size_t n, struct mtd_diag *d)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = write(o->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return mtd_diag_set(d, MTD_ERR_IO, o->path, "write failed");
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int mtd_outfile_commit(struct mtd_outfile *o, struct mtd_diag *d)
{
	if (fsync(o->fd) != 0 && errno != EINVAL) {
		mtd_outfile_abort(o);
		return mtd_diag_set(d, MTD_ERR_IO, o->path, "fsync failed");
	}
	close(o->fd);
	o->fd = -1;
	int rc;
	if (o->no_overwrite) {
		/* link() fails if the name exists: no window where an existing file is replaced. */
		rc = link(o->tmp, o->path);
		if (rc == 0)
			unlink(o->tmp);
		else if (errno == EEXIST) {
			unlink(o->tmp);
			return mtd_diag_set(d, MTD_ERR_EXISTS, o->path, "already exists; refusing to overwrite");
		}
	} else {
		rc = rename(o->tmp, o->path);
	}
	if (rc != 0) {
		int e = errno;
		unlink(o->tmp);
		errno = e;
		return mtd_diag_set(d, MTD_ERR_IO, o->path, "cannot move output into place");
	}
	return 0;
}

void mtd_outfile_abort(struct mtd_outfile *o)
{
	if (o->fd >= 0) {
		close(o->fd);
		o->fd = -1;
	}
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = 0;
}

int mtd_write_file_atomic(const char *path, const void *p, size_t n, bool no_overwrite, struct mtd_diag *d)
{
	struct mtd_outfile o;
	int rc = mtd_outfile_open(&o, path, no_overwrite, d);
	if (rc)
		return rc;
	rc = mtd_outfile_write(&o, p, n, d);
	if (rc) {
		mtd_outfile_abort(&o);
		return rc;
	}
	return mtd_outfile_commit(&o, d);
}
