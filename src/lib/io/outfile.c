/* SPDX-License-Identifier: MIT */
/* The one output discipline: include/mtdscope/outfile.h says what it guarantees. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mtdscope/outfile.h>

/* ---- the inputs of a command run ---- */

void mtd_inputs_init(struct mtd_inputs *in)
{
	memset(in, 0, sizeof(*in));
}

void mtd_inputs_free(struct mtd_inputs *in)
{
	for (size_t i = 0; i < in->n; i++) {
		free(in->v[i].path);
		free(in->v[i].real);
	}
	free(in->v);
	memset(in, 0, sizeof(*in));
}

int mtd_inputs_add(struct mtd_inputs *in, const char *path, struct mtd_diag *d)
{
	struct stat st;
	if (!path || !strcmp(path, "-") || stat(path, &st) != 0)
		return 0; /* nothing on disk to protect (opening it will fail with its own message) */
	for (size_t i = 0; i < in->n; i++)
		if (in->v[i].dev == st.st_dev && in->v[i].ino == st.st_ino)
			return 0;
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 8;
		struct mtd_input_id *v = realloc(in->v, cap * sizeof(*v));
		if (!v)
			return mtd_diag_set(d, MTD_ERR_NOMEM, path, "out of memory");
		in->v = v;
		in->cap = cap;
	}
	struct mtd_input_id *x = &in->v[in->n];
	x->dev = st.st_dev;
	x->ino = st.st_ino;
	x->path = strdup(path);
	x->real = realpath(path, NULL);
	if (!x->path) {
		free(x->real);
		return mtd_diag_set(d, MTD_ERR_NOMEM, path, "out of memory");
	}
	in->n++;
	return 0;
}

/* realpath of the directory of path + its last name (for a file that does not exist yet) */
static bool resolve_new(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	const char *name = path;
	if (slash) {
		size_t dl = slash == path ? 1 : (size_t)(slash - path);
		if (dl >= sizeof(dir))
			return false;
		memcpy(dir, path, dl);
		dir[dl] = 0;
		name = slash + 1;
	} else {
		dir[0] = '.';
		dir[1] = 0;
	}
	char *r = realpath(dir, NULL);
	if (!r)
		return false;
	int n = snprintf(out, size, "%s/%s", strcmp(r, "/") ? r : "", name);
	free(r);
	return n > 0 && (size_t)n < size;
}

static int refuse_input(const char *path, const struct mtd_input_id *x, struct mtd_diag *d)
{
	return mtd_diag_set(d, MTD_ERR_REFUSED, path,
	                    "is the input '%s' of this command (same file); refusing to write over it: choose "
	                    "another output",
	                    x->path);
}

int mtd_inputs_check(const struct mtd_inputs *in, const char *path, struct mtd_diag *d)
{
	if (!in || !in->n)
		return 0;
	struct stat st;
	int have = !strcmp(path, "-") ? fstat(STDOUT_FILENO, &st) : stat(path, &st);
	if (have == 0) {
		for (size_t i = 0; i < in->n; i++)
			if (in->v[i].dev == st.st_dev && in->v[i].ino == st.st_ino)
				return refuse_input(path, &in->v[i], d);
	}
	if (!strcmp(path, "-"))
		return 0;
	char res[PATH_MAX + 256];
	char *r = realpath(path, NULL);
	bool ok = false;
	if (r) {
		ok = (size_t)snprintf(res, sizeof(res), "%s", r) < sizeof(res);
		free(r);
	} else {
		ok = resolve_new(path, res, sizeof(res));
	}
	if (ok)
		for (size_t i = 0; i < in->n; i++)
			if (in->v[i].real && !strcmp(in->v[i].real, res))
				return refuse_input(path, &in->v[i], d);
	return 0;
}

/* ---- one output file ---- */

/* names the kernel resolves to an already open descriptor: write through it, never rename */
static bool is_fd_alias(const char *path)
{
	return !strcmp(path, "/dev/stdout") || !strcmp(path, "/dev/stderr") || !strncmp(path, "/dev/fd/", 8) ||
	       (!strncmp(path, "/proc/", 6) && strstr(path, "/fd/"));
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int mtd_outfile_open(struct mtd_outfile *o, const char *path, bool no_overwrite, const struct mtd_inputs *in,
                     struct mtd_diag *d)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->no_overwrite = no_overwrite;
	if (!path || !path[0])
		return mtd_diag_set(d, MTD_ERR_ARG, "", "empty output path");
	if (snprintf(o->path, sizeof(o->path), "%s", path) >= (int)sizeof(o->path))
		return mtd_diag_set(d, MTD_ERR_ARG, path, "output path too long");
	int rc = mtd_inputs_check(in, path, d);
	if (rc)
		return rc;
	if (!strcmp(path, "-")) {
		fflush(stdout); /* what the command printed before comes first */
		o->fd = STDOUT_FILENO;
		o->direct = true;
		return 0;
	}
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return mtd_diag_set(d, MTD_ERR_ARG, path, "is a directory, not an output file");
		if (S_ISBLK(st.st_mode))
			return mtd_diag_set(d, MTD_ERR_REFUSED, path,
			                    "is a block device; mtdscope writes files, not devices (write a file and "
			                    "copy it with dd if that is what you mean)");
		if (!S_ISREG(st.st_mode) || is_fd_alias(path)) {
			/* a terminal, pipe, /dev/null, or a descriptor the shell redirected: in place */
			o->fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
			if (o->fd < 0)
				return mtd_diag_set(d, MTD_ERR_IO, path, "cannot open the output");
			o->direct = true;
			o->own_fd = true;
			return 0;
		}
		if (no_overwrite)
			return mtd_diag_set(d, MTD_ERR_EXISTS, path,
			                    "already exists; refusing to overwrite (remove it or drop --no-overwrite)");
	} else if (errno != ENOENT) {
		return mtd_diag_set(d, MTD_ERR_IO, path, "cannot check the output");
	} else if (is_fd_alias(path)) {
		return mtd_diag_set(d, MTD_ERR_IO, path, "cannot open the output");
	}
	/* a symlink stays a symlink: the file it points to is what gets replaced */
	struct stat lst;
	char *real = NULL;
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
		real = realpath(path, NULL);
	int n = snprintf(o->target, sizeof(o->target), "%s", real ? real : path);
	free(real);
	if (n < 0 || (size_t)n >= sizeof(o->target))
		return mtd_diag_set(d, MTD_ERR_ARG, path, "output path too long");
	snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-XXXXXX", o->target);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		o->tmp[0] = 0;
		return mtd_diag_set(d, MTD_ERR_IO, path, "cannot create the output");
	}
	fchmod(o->fd, 0644);
	return 0;
}

int mtd_outfile_write(struct mtd_outfile *o, const void *p, size_t n, struct mtd_diag *d)
{
	if (write_all(o->fd, p, n) != 0)
		return mtd_diag_set(d, MTD_ERR_IO, o->path, "write failed");
	return 0;
}

/* move tmp to target: link() when the name must not exist (no window where it is replaced) */
static int put_in_place(const char *tmp, const char *target, bool no_overwrite)
{
	int rc;
	if (no_overwrite) {
		rc = link(tmp, target);
		int e = errno;
		unlink(tmp);
		errno = e;
	} else {
		rc = rename(tmp, target);
		if (rc != 0) {
			int e = errno;
			unlink(tmp);
			errno = e;
		}
	}
	return rc;
}

int mtd_outfile_commit(struct mtd_outfile *o, struct mtd_diag *d)
{
	if (o->direct) {
		int rc = 0;
		if (o->own_fd && close(o->fd) != 0)
			rc = mtd_diag_set(d, MTD_ERR_IO, o->path, "write failed");
		o->fd = -1;
		return rc;
	}
	if (fsync(o->fd) != 0 && errno != EINVAL) {
		mtd_outfile_abort(o);
		return mtd_diag_set(d, MTD_ERR_IO, o->path, "fsync failed");
	}
	if (close(o->fd) != 0) {
		o->fd = -1;
		mtd_outfile_abort(o);
		return mtd_diag_set(d, MTD_ERR_IO, o->path, "write failed");
	}
	o->fd = -1;
	int rc = put_in_place(o->tmp, o->target, o->no_overwrite);
	o->tmp[0] = 0;
	if (rc != 0) {
		if (errno == EEXIST)
			return mtd_diag_set(d, MTD_ERR_EXISTS, o->path,
			                    "already exists; refusing to overwrite (remove it or drop --no-overwrite)");
		return mtd_diag_set(d, MTD_ERR_IO, o->path, "cannot move the output into place");
	}
	return 0;
}

void mtd_outfile_abort(struct mtd_outfile *o)
{
	if (o->fd >= 0 && (!o->direct || o->own_fd))
		close(o->fd);
	o->fd = -1;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = 0;
}

int mtd_write_file_atomic(const char *path, const void *p, size_t n, bool no_overwrite, const struct mtd_inputs *in,
                          struct mtd_diag *d)
{
	struct mtd_outfile o;
	int rc = mtd_outfile_open(&o, path, no_overwrite, in, d);
	if (rc)
		return rc;
	rc = mtd_outfile_write(&o, p, n, d);
	if (rc) {
		mtd_outfile_abort(&o);
		return rc;
	}
	return mtd_outfile_commit(&o, d);
}

/* ---- several files that appear together ---- */

int mtd_outset_open(struct mtd_outset *s, const char *dir, bool no_overwrite, const struct mtd_inputs *in,
                    struct mtd_diag *d)
{
	memset(s, 0, sizeof(*s));
	s->in = in;
	s->no_overwrite = no_overwrite;
	if (!dir || !dir[0])
		return mtd_diag_set(d, MTD_ERR_ARG, "", "empty output directory");
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (dl >= sizeof(s->dir) - 256)
		return mtd_diag_set(d, MTD_ERR_ARG, dir, "output directory path too long");
	memcpy(s->dir, dir, dl);
	s->dir[dl] = 0;
	struct stat st;
	if (stat(s->dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return mtd_diag_set(d, MTD_ERR_ARG, dir, "exists and is not a directory");
		return 0;
	}
	if (errno != ENOENT)
		return mtd_diag_set(d, MTD_ERR_IO, dir, "cannot check the output directory");
	s->made_dir = true; /* the temporary directory is made with the first file */
	return 0;
}

static int outset_grow(struct mtd_outset *s, struct mtd_diag *d)
{
	if (s->n < s->cap)
		return 0;
	size_t cap = s->cap ? s->cap * 2 : 16;
	char **a = realloc(s->names, cap * sizeof(*a));
	if (!a)
		return mtd_diag_set(d, MTD_ERR_NOMEM, s->dir, "out of memory");
	s->names = a;
	char **b = realloc(s->tmps, cap * sizeof(*b));
	if (!b)
		return mtd_diag_set(d, MTD_ERR_NOMEM, s->dir, "out of memory");
	s->tmps = b;
	s->cap = cap;
	return 0;
}

int mtd_outset_write(struct mtd_outset *s, const char *name, const void *p, size_t n, struct mtd_diag *d)
{
	char final[4096 + 256];
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return mtd_diag_set(d, MTD_ERR_ARG, name, "not a plain file name");
	if ((size_t)snprintf(final, sizeof(final), "%s/%s", s->dir, name) >= sizeof(final))
		return mtd_diag_set(d, MTD_ERR_ARG, name, "output path too long");
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return mtd_diag_set(d, MTD_ERR_ARG, final, "written twice by one command");
	int rc = mtd_inputs_check(s->in, final, d);
	if (rc)
		return rc;
	if (outset_grow(s, d))
		return MTD_ERR_NOMEM;
	char tmp[sizeof(s->work) + 300];
	int fd;
	if (s->made_dir) {
		if (!s->work[0]) {
			snprintf(s->work, sizeof(s->work), "%s.tmp-XXXXXX", s->dir);
			if (!mkdtemp(s->work)) {
				s->work[0] = 0;
				return mtd_diag_set(d, MTD_ERR_IO, s->dir, "cannot create the output directory");
			}
		}
		snprintf(tmp, sizeof(tmp), "%s/%s", s->work, name);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	} else {
		struct stat st;
		if (lstat(final, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				return mtd_diag_set(d, MTD_ERR_ARG, final, "is a directory, not an output file");
			if (s->no_overwrite)
				return mtd_diag_set(
				    d, MTD_ERR_EXISTS, final,
				    "already exists; refusing to overwrite (remove it or drop --no-overwrite)");
		}
		snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", final);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd >= 0)
			fchmod(fd, 0644);
	}
	if (fd < 0)
		return mtd_diag_set(d, MTD_ERR_IO, final, "cannot create the output");
	char *nm = strdup(name), *tm = strdup(tmp);
	if (!nm || !tm) {
		free(nm);
		free(tm);
		close(fd);
		unlink(tmp);
		return mtd_diag_set(d, MTD_ERR_NOMEM, final, "out of memory");
	}
	s->names[s->n] = nm;
	s->tmps[s->n] = tm;
	s->n++;
	if (write_all(fd, p, n) != 0) {
		close(fd);
		return mtd_diag_set(d, MTD_ERR_IO, final, "write failed");
	}
	if ((fsync(fd) != 0 && errno != EINVAL) || close(fd) != 0)
		return mtd_diag_set(d, MTD_ERR_IO, final, "write failed");
	return 0;
}

static void outset_free(struct mtd_outset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->names[i]);
		free(s->tmps[i]);
	}
	free(s->names);
	free(s->tmps);
	s->names = s->tmps = NULL;
	s->n = s->cap = 0;
	s->work[0] = 0;
}

void mtd_outset_abort(struct mtd_outset *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->tmps[i])
			unlink(s->tmps[i]);
	if (s->made_dir && s->work[0])
		rmdir(s->work);
	outset_free(s);
}

int mtd_outset_commit(struct mtd_outset *s, struct mtd_diag *d)
{
	char final[4096 + 256];
	for (size_t i = 0; i < s->n; i++) {
		snprintf(final, sizeof(final), "%s/%s", s->dir, s->names[i]);
		int rc = mtd_inputs_check(s->in, final, d);
		if (rc) {
			mtd_outset_abort(s);
			return rc;
		}
	}
	if (s->made_dir) {
		if (!s->work[0]) { /* nothing written: an empty directory is still what was asked for */
			if (mkdir(s->dir, 0755) != 0 && errno != EEXIST)
				return mtd_diag_set(d, MTD_ERR_IO, s->dir, "cannot create the output directory");
			outset_free(s);
			return 0;
		}
		chmod(s->work, 0755);
		if (renameat2(AT_FDCWD, s->work, AT_FDCWD, s->dir, RENAME_NOREPLACE) != 0) {
			int e = errno;
			mtd_outset_abort(s);
			errno = e;
			if (e == EEXIST)
				return mtd_diag_set(d, MTD_ERR_EXISTS, s->dir,
				                    "appeared while the files were written; nothing written");
			return mtd_diag_set(d, MTD_ERR_IO, s->dir, "cannot move the output directory into place");
		}
		outset_free(s);
		return 0;
	}
	if (s->no_overwrite) /* all or nothing: look before the first one is moved */
		for (size_t i = 0; i < s->n; i++) {
			snprintf(final, sizeof(final), "%s/%s", s->dir, s->names[i]);
			struct stat st;
			if (lstat(final, &st) == 0) {
				mtd_outset_abort(s);
				return mtd_diag_set(
				    d, MTD_ERR_EXISTS, final,
				    "already exists; refusing to overwrite (remove it or drop --no-overwrite)");
			}
		}
	for (size_t i = 0; i < s->n; i++) {
		snprintf(final, sizeof(final), "%s/%s", s->dir, s->names[i]);
		if (put_in_place(s->tmps[i], final, s->no_overwrite) != 0) {
			int e = errno;
			free(s->tmps[i]);
			s->tmps[i] = NULL;
			mtd_outset_abort(s);
			errno = e;
			return mtd_diag_set(d, MTD_ERR_IO, final, "cannot move the output into place");
		}
		free(s->tmps[i]);
		s->tmps[i] = NULL;
	}
	outset_free(s);
	return 0;
}
