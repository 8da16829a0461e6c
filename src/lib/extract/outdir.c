/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outdir.h"

/*
 * Every write below the root goes through resolve(): the path is split into
 * components, "", "." are skipped, ".." and absolute paths are refused, and
 * each directory is opened with openat(O_DIRECTORY | O_NOFOLLOW) from its
 * parent's descriptor.  A symlink (planted by the image itself) anywhere on
 * the way fails with ELOOP/ENOTDIR instead of being followed.
 */

#define PATH_MAX_LEN 4096
#define NAME_MAX_LEN 255

void mtd_extract_limits_init(struct mtd_extract_limits *l)
{
	l->max_bytes = 4ull << 30;
	l->max_files = 200000;
	l->max_depth = 16;
}

/* The umask from /proc/self/status (umask() itself would change it under other threads); -1 when unknown. */
static int read_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int m = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Umask:", 6)) {
			char *end;
			long v = strtol(line + 6, &end, 8);
			if (end != line + 6 && v >= 0 && v <= 0777)
				m = (int)v;
			break;
		}
	fclose(f);
	return m;
}

int mtd_outdir_open(struct mtd_outdir *o, const char *dir, bool list_only, const struct mtd_extract_limits *lim,
                    struct mtd_diag *d)
{
	memset(o, 0, sizeof(*o));
	o->rootfd = -1;
	o->filefd = -1;
	o->cache_fd = -1;
	o->list_only = list_only;
	o->limits = *lim;
	o->umask = read_umask();
	mtd_arena_init(&o->arena);
	mtd_buf_init(&o->manifest, 256u << 20);
	mtd_json_init(&o->json, &o->manifest, true);
	if (list_only)
		return 0;
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (!dl || dl >= sizeof(o->dir) - 64)
		return mtd_diag_set(d, MTD_ERR_ARG, dir, "bad output directory path");
	memcpy(o->dir, dir, dl);
	o->dir[dl] = 0;
	struct stat st;
	if (lstat(o->dir, &st) != 0) {
		if (errno != ENOENT)
			return mtd_diag_set(d, MTD_ERR_IO, dir, "cannot check the output directory");
		/* a new DIR is built beside it and appears whole at the end, or not at all */
		snprintf(o->work, sizeof(o->work), "%s.tmp-XXXXXX", o->dir);
		if (!mkdtemp(o->work)) {
			o->work[0] = 0;
			return mtd_diag_set(d, MTD_ERR_IO, dir, "cannot create output directory");
		}
		o->made = true;
		o->rootfd = open(o->work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (o->rootfd < 0) {
			rmdir(o->work);
			return mtd_diag_set(d, MTD_ERR_IO, dir, "cannot open output directory");
		}
		return 0;
	}
	o->rootfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (o->rootfd < 0)
		return mtd_diag_set(d, MTD_ERR_IO, dir, "cannot open output directory");
	/* An existing directory is used only when empty: output is never mixed with old files. */
	int probe = dup(o->rootfd);
	DIR *ds = probe >= 0 ? fdopendir(probe) : NULL;
	bool empty = true;
	if (ds) {
		struct dirent *e;
		while ((e = readdir(ds)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = false;
		closedir(ds);
	} else if (probe >= 0) {
		close(probe);
	}
	if (!empty) {
		close(o->rootfd);
		o->rootfd = -1;
		return mtd_diag_set(
		    d, MTD_ERR_EXISTS, dir,
		    "output directory is not empty; choose a new one (output is never mixed with old files)");
	}
	return 0;
}

static void record_limit(struct mtd_outdir *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void record_limit(struct mtd_outdir *o, const char *fmt, ...)
{
	if (o->limit_hit)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->limit_reason, sizeof(o->limit_reason), fmt, ap);
	va_end(ap);
	o->limit_hit = true;
}

void mtd_outdir_refuse(struct mtd_outdir *o, int64_t comp, const char *path, const char *reason)
{
	o->refused++;
	if (o->nrefusals < MTD_OUTDIR_MAX_REFUSALS) {
		struct mtd_refusal *r = &o->refusals[o->nrefusals++];
		r->component = comp;
		r->path = path ? mtd_arena_strdup(&o->arena, path) : NULL;
		r->reason = mtd_arena_strdup(&o->arena, reason);
	}
}

/* Split and check `base/path`; the checked relative path goes to out. */
static int clean_path(const char *base, const char *path, char *out, size_t outsz, const char **why)
{
	size_t n = 0;
	const char *parts[2] = {base, path};
	if (path[0] == '/') {
		*why = "absolute path refused";
		return MTD_ERR_REFUSED;
	}
	for (int k = 0; k < 2; k++) {
		const char *s = parts[k];
		while (s && *s) {
			while (*s == '/')
				s++;
			const char *e = strchr(s, '/');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			if (len == 0)
				break;
			if (len == 1 && s[0] == '.') {
				s += len;
				continue;
			}
			if (len == 2 && s[0] == '.' && s[1] == '.') {
				*why = "'..' in path refused";
				return MTD_ERR_REFUSED;
			}
			if (len > NAME_MAX_LEN) {
				*why = "name longer than 255 bytes refused";
				return MTD_ERR_REFUSED;
			}
			if (n + len + 2 > outsz) {
				*why = "path too long";
				return MTD_ERR_REFUSED;
			}
			if (n)
				out[n++] = '/';
			memcpy(out + n, s, len);
			n += len;
			s += len;
		}
	}
	out[n] = 0;
	if (n == 0) {
		*why = "empty path refused";
		return MTD_ERR_REFUSED;
	}
	return 0;
}

/*
 * Open the parent directory of rel (creating missing directories, never
 * following links) and point *name at the last component.
 */
static int resolve_parent(struct mtd_outdir *o, const char *rel, int *parentfd, const char **name, const char **why)
{
	/*
	 * Directories are never replaced once created (replace_existing leaves
	 * them alone), so a descriptor of one resolved earlier stays right.
	 */
	const char *slash = strrchr(rel, '/');
	size_t plen = slash ? (size_t)(slash - rel) : 0;
	if (o->cache_fd >= 0 && plen && plen < sizeof(o->cache_rel) && !strncmp(o->cache_rel, rel, plen) &&
	    o->cache_rel[plen] == 0) {
		int fd = dup(o->cache_fd);
		if (fd >= 0) {
			*parentfd = fd;
			*name = slash + 1;
			return 0;
		}
	}
	int fd = dup(o->rootfd);
	if (fd < 0) {
		*why = "cannot duplicate directory descriptor";
		return MTD_ERR_IO;
	}
	const char *s = rel;
	for (;;) {
		const char *e = strchr(s, '/');
		if (!e)
			break;
		char comp[NAME_MAX_LEN + 1];
		size_t len = (size_t)(e - s);
		memcpy(comp, s, len);
		comp[len] = 0;
		int nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT) {
			if (mkdirat(fd, comp, 0700) != 0 && errno != EEXIST) {
				close(fd);
				*why = "cannot create directory";
				return MTD_ERR_IO;
			}
			o->files++;
			nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		close(fd);
		if (nfd < 0) {
			*why = (errno == ELOOP || errno == ENOTDIR)
			           ? "path goes through a symlink or non-directory; refused"
			           : "cannot open directory";
			return MTD_ERR_REFUSED;
		}
		fd = nfd;
		s = e + 1;
	}
	*parentfd = fd;
	*name = s;
	if (plen && plen < sizeof(o->cache_rel)) {
		int keep = dup(fd);
		if (keep >= 0) {
			if (o->cache_fd >= 0)
				close(o->cache_fd);
			o->cache_fd = keep;
			memcpy(o->cache_rel, rel, plen);
			o->cache_rel[plen] = 0;
		}
	}
	return 0;
}

/*
 * The parent of rel when it is the one resolved last (or the root): its descriptor itself, not a
 * duplicate (the caller must not close it); false otherwise.
 */
static bool borrow_parent(struct mtd_outdir *o, const char *rel, int *parentfd, const char **name)
{
	const char *slash = strrchr(rel, '/');
	size_t plen = slash ? (size_t)(slash - rel) : 0;
	if (!slash) {
		*parentfd = o->rootfd;
		*name = rel;
		return true;
	}
	if (o->cache_fd >= 0 && plen < sizeof(o->cache_rel) && !strncmp(o->cache_rel, rel, plen) &&
	    o->cache_rel[plen] == 0) {
		*parentfd = o->cache_fd;
		*name = slash + 1;
		return true;
	}
	return false;
}

static bool over_limits(struct mtd_outdir *o, uint64_t more_bytes)
{
	if (o->files + 1 > o->limits.max_files) {
		record_limit(o, "file count limit %llu reached (raise with --max-files)",
		             (unsigned long long)o->limits.max_files);
		return true;
	}
	if (o->bytes + more_bytes > o->limits.max_bytes) {
		record_limit(o, "output size limit %llu bytes reached (raise with --max-bytes)",
		             (unsigned long long)o->limits.max_bytes);
		return true;
	}
	return false;
}

static void manifest_entry(struct mtd_outdir *o, const char *kind, const char *rel, int64_t comp, int64_t size,
                           uint32_t mode, const char *sha, const char *target)
{
	struct mtd_json *j = &o->json;
	if (!o->entries_open) {
		mtd_json_begin_array(j);
		o->entries_open = true;
	}
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "path", rel);
	mtd_json_kv_str(j, "kind", kind);
	mtd_json_kv_i64(j, "component", comp);
	if (size >= 0)
		mtd_json_kv_i64(j, "size", size);
	if (mode) {
		char m[16];
		snprintf(m, sizeof(m), "0%o", mode & 07777);
		mtd_json_kv_str(j, "mode", m);
	}
	if (sha)
		mtd_json_kv_str(j, "sha256", sha);
	if (target)
		mtd_json_kv_str(j, "target", target);
	mtd_json_end_object(j);
}

/* Remove whatever non-directory sits at name so that a later entry replaces it (never followed). */
static void replace_existing(int parentfd, const char *name)
{
	struct stat st;
	if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
		unlinkat(parentfd, name, 0);
}

/*
 * The common start of every entry: nothing more once a limit tripped; a
 * path (and a hard link's target) that fails clean_path is refused and
 * recorded; then the limits.  Returns MTD_ERR_LIMIT, or 0 with *go telling
 * whether the entry may be written (rel, and trel when given, filled).
 */
static int entry_start(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, char *rel, size_t relsz,
                       const char *target, char *trel, size_t trelsz, bool *go)
{
	const char *why;
	*go = false;
	if (o->limit_hit)
		return MTD_ERR_LIMIT;
	if (clean_path(base, path, rel, relsz, &why) || (target && clean_path(base, target, trel, trelsz, &why))) {
		mtd_outdir_refuse(o, comp, path, why);
		return 0;
	}
	if (over_limits(o, 0))
		return MTD_ERR_LIMIT;
	*go = true;
	return 0;
}

int mtd_outdir_mkdir(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, uint32_t mode,
                     int64_t mtime)
{
	char rel[PATH_MAX_LEN];
	const char *why, *name;
	int pfd;
	bool go;
	int rc = entry_start(o, comp, base, path, rel, sizeof(rel), NULL, NULL, 0, &go);
	if (!go)
		return rc;
	o->dirs++;
	manifest_entry(o, "dir", rel, comp, -1, mode ? mode : 0755, NULL, NULL);
	if (o->list_only)
		return 0;
	if (resolve_parent(o, rel, &pfd, &name, &why)) {
		mtd_outdir_refuse(o, comp, rel, why);
		return 0;
	}
	replace_existing(pfd, name);
	if (mkdirat(pfd, name, 0700) == 0)
		o->files++;
	struct stat st;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
		close(pfd);
		mtd_outdir_refuse(o, comp, rel, "cannot create directory");
		return 0;
	}
	close(pfd);
	/* Modes and times of directories are applied at the end, deepest first. */
	if (o->ndirfix == o->dirfix_cap) {
		size_t cap = o->dirfix_cap ? o->dirfix_cap * 2 : 64;
		struct mtd_dirfix *n = mtd_realloc_array(o->dirfix, cap, sizeof(*n));
		if (!n)
			return MTD_ERR_NOMEM;
		o->dirfix = n;
		o->dirfix_cap = cap;
	}
	o->dirfix[o->ndirfix++] = (struct mtd_dirfix){mtd_arena_strdup(&o->arena, rel), mode, mtime};
	return 0;
}

int mtd_outdir_file_begin(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, uint32_t mode,
                          int64_t mtime, const char *kind)
{
	const char *why, *name;
	int pfd;
	bool go;
	o->file_ok = false;
	int rc = entry_start(o, comp, base, path, o->file_rel, sizeof(o->file_rel), NULL, NULL, 0, &go);
	if (!go)
		return rc;
	o->file_comp = comp;
	o->file_mode = mode ? mode : 0644;
	o->file_mtime = mtime;
	o->file_size = 0;
	o->file_kind = kind;
	if (mtd_sha256_init(&o->file_sha))
		return MTD_ERR_NOMEM;
	o->file_ok = true;
	if (o->list_only)
		return 0;
	if (!borrow_parent(o, o->file_rel, &pfd, &name) && resolve_parent(o, o->file_rel, &pfd, &name, &why)) {
		mtd_outdir_refuse(o, comp, o->file_rel, why);
		o->file_ok = false;
		return 0;
	}
	/* Created with its final mode when the umask keeps it (no fchmod at the end); whatever sits at the
	 * name is removed only when the name is taken (no fstatat for every new file). */
	bool keeps = o->umask >= 0 && !(o->file_mode & 01777 & (uint32_t)o->umask);
	mode_t cmode = keeps ? (o->file_mode & 01777) : 0600;
	o->file_chmod = !keeps;
	o->filefd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, cmode);
	if (o->filefd < 0 && errno == EEXIST) {
		replace_existing(pfd, name);
		o->filefd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, cmode);
	}
	if (pfd != o->cache_fd && pfd != o->rootfd)
		close(pfd);
	if (o->filefd < 0) {
		mtd_outdir_refuse(o, comp, o->file_rel, "cannot create file");
		o->file_ok = false;
		return 0;
	}
	o->files++;
	return 0;
}

int mtd_outdir_file_write(struct mtd_outdir *o, const void *data, size_t len)
{
	if (!o->file_ok)
		return o->limit_hit ? MTD_ERR_LIMIT : 0;
	if (over_limits(o, len)) {
		o->file_ok = false;
		return MTD_ERR_LIMIT;
	}
	mtd_sha256_update(&o->file_sha, data, len);
	o->bytes += len;
	o->file_size += len;
	if (o->list_only)
		return 0;
	const uint8_t *p = data;
	while (len) {
		ssize_t w = write(o->filefd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			mtd_outdir_refuse(o, o->file_comp, o->file_rel, "write failed");
			o->file_ok = false;
			return MTD_ERR_IO;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int mtd_outdir_file_end(struct mtd_outdir *o)
{
	char sha[65] = "";
	if (o->file_sha.ctx)
		mtd_sha256_final_hex(&o->file_sha, sha);
	if (o->filefd >= 0) {
		/* setuid/setgid bits are dropped: an extracted tree is for reading, not running as root */
		if (o->file_chmod)
			fchmod(o->filefd, o->file_mode & 01777);
		if (o->file_mtime >= 0) {
			struct timespec ts[2] = {{o->file_mtime, 0}, {o->file_mtime, 0}};
			futimens(o->filefd, ts);
		}
		close(o->filefd);
		o->filefd = -1;
	}
	if (o->file_ok) {
		manifest_entry(o, o->file_kind, o->file_rel, o->file_comp, (int64_t)o->file_size, o->file_mode, sha,
		               NULL);
		if (strcmp(o->file_kind, "file") == 0)
			o->regular++;
	}
	o->file_ok = false;
	return o->limit_hit ? MTD_ERR_LIMIT : 0;
}

int mtd_outdir_symlink(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, const char *target,
                       int64_t mtime)
{
	char rel[PATH_MAX_LEN];
	const char *why, *name;
	int pfd;
	bool go;
	int rc = entry_start(o, comp, base, path, rel, sizeof(rel), NULL, NULL, 0, &go);
	if (!go)
		return rc;
	o->symlinks++;
	manifest_entry(o, "symlink", rel, comp, -1, 0, NULL, target);
	if (o->list_only)
		return 0;
	if (resolve_parent(o, rel, &pfd, &name, &why)) {
		mtd_outdir_refuse(o, comp, rel, why);
		return 0;
	}
	replace_existing(pfd, name);
	/* The target is stored as it was; nothing here ever follows it. */
	if (symlinkat(target, pfd, name) != 0)
		mtd_outdir_refuse(o, comp, rel, "cannot create symlink");
	else {
		o->files++;
		if (mtime >= 0) {
			struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
			utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
		}
	}
	close(pfd);
	return 0;
}

int mtd_outdir_hardlink(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, const char *target)
{
	char rel[PATH_MAX_LEN], trel[PATH_MAX_LEN];
	const char *why, *name, *tname;
	int pfd, tfd;
	bool go;
	int rc = entry_start(o, comp, base, path, rel, sizeof(rel), target, trel, sizeof(trel), &go);
	if (!go)
		return rc;
	o->hardlinks++;
	manifest_entry(o, "hardlink", rel, comp, -1, 0, NULL, trel);
	if (o->list_only)
		return 0;
	if (resolve_parent(o, trel, &tfd, &tname, &why)) {
		mtd_outdir_refuse(o, comp, rel, why);
		return 0;
	}
	struct stat st;
	if (fstatat(tfd, tname, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
		close(tfd);
		mtd_outdir_refuse(o, comp, rel, "hard link target is not a file extracted here; refused");
		return 0;
	}
	if (resolve_parent(o, rel, &pfd, &name, &why)) {
		close(tfd);
		mtd_outdir_refuse(o, comp, rel, why);
		return 0;
	}
	replace_existing(pfd, name);
	if (linkat(tfd, tname, pfd, name, 0) != 0)
		mtd_outdir_refuse(o, comp, rel, "cannot create hard link");
	else
		o->files++;
	close(tfd);
	close(pfd);
	return 0;
}

int mtd_outdir_special(struct mtd_outdir *o, int64_t comp, const char *base, const char *path, uint32_t mode,
                       uint32_t major, uint32_t minor)
{
	char rel[PATH_MAX_LEN], dev[32];
	const char *why;
	if (clean_path(base, path, rel, sizeof(rel), &why)) {
		mtd_outdir_refuse(o, comp, path, why);
		return 0;
	}
	o->specials++;
	const char *kind = S_ISCHR(mode) ? "chardev" : S_ISBLK(mode) ? "blockdev" : S_ISFIFO(mode) ? "fifo" : "socket";
	snprintf(dev, sizeof(dev), "%u:%u", major, minor);
	manifest_entry(o, kind, rel, comp, -1, mode, NULL, (S_ISCHR(mode) || S_ISBLK(mode)) ? dev : NULL);
	return 0;
}

static int cmp_depth(const void *a, const void *b)
{
	const struct mtd_dirfix *x = a, *y = b;
	size_t dx = 0, dy = 0;
	for (const char *p = x->rel; *p; p++)
		dx += *p == '/';
	for (const char *p = y->rel; *p; p++)
		dy += *p == '/';
	return dx < dy ? 1 : dx > dy ? -1 : 0;
}

void mtd_outdir_finish(struct mtd_outdir *o)
{
	if (o->entries_open) {
		mtd_json_end_array(&o->json);
		o->entries_open = false;
	}
	if (o->rootfd < 0)
		return;
	if (o->ndirfix)
		qsort(o->dirfix, o->ndirfix, sizeof(*o->dirfix), cmp_depth);
	for (size_t i = 0; i < o->ndirfix; i++) {
		const struct mtd_dirfix *f = &o->dirfix[i];
		const char *name, *why;
		int pfd;
		if (!f->rel || resolve_parent(o, f->rel, &pfd, &name, &why))
			continue;
		/* directories stay writable by their owner so the tree can be removed again */
		fchmodat(pfd, name, ((f->mode ? f->mode : 0755) & 01777) | 0700, 0);
		if (f->mtime >= 0) {
			struct timespec ts[2] = {{f->mtime, 0}, {f->mtime, 0}};
			utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
		}
		close(pfd);
	}
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	if (f->level == 0)
		return 0; /* the root itself is the caller's */
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* directories made read-only from the image's modes are opened up again before removal */
static int open_dir(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	if (f->level > 0 && flag == FTW_D && S_ISDIR(st->st_mode)) /* not the root: the user's */
		chmod(path, 0700);
	return 0;
}

int mtd_outdir_commit(struct mtd_outdir *o, bool ok, struct mtd_diag *d)
{
	if (o->list_only)
		return 0;
	if (o->filefd >= 0) {
		close(o->filefd);
		o->filefd = -1;
	}
	const char *root = o->made ? o->work : o->dir;
	if (ok && o->made) {
		fchmod(o->rootfd, 0755);
		if (renameat2(AT_FDCWD, o->work, AT_FDCWD, o->dir, RENAME_NOREPLACE) == 0) {
			o->made = false;
			return 0;
		}
		int e = errno;
		ok = false;
		errno = e;
		mtd_diag_set(d, e == EEXIST ? MTD_ERR_EXISTS : MTD_ERR_IO, o->dir,
		             e == EEXIST ? "appeared during the extraction; nothing written"
		                         : "cannot move the output directory into place");
	}
	if (ok)
		return 0;
	/* everything below root was written by this run (root was new or empty): remove it */
	nftw(root, open_dir, 16, FTW_PHYS | FTW_MOUNT);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (o->made)
		rmdir(o->work);
	o->made = false;
	return d->err ? d->err : 0;
}

void mtd_outdir_close(struct mtd_outdir *o)
{
	if (o->filefd >= 0)
		close(o->filefd);
	if (o->rootfd >= 0)
		close(o->rootfd);
	if (o->cache_fd >= 0)
		close(o->cache_fd);
	if (o->file_sha.ctx) {
		char sink[65];
		mtd_sha256_final_hex(&o->file_sha, sink);
	}
	free(o->dirfix);
	mtd_buf_release(&o->manifest);
	mtd_arena_release(&o->arena);
}

/* ---- the sink API for filesystem unpackers ---- */

int mtd_sink_dir(struct mtd_fs_sink *s, const char *path, uint32_t mode, int64_t mtime)
{
	return mtd_outdir_mkdir(s->out, s->component, s->base, path, mode, mtime);
}

int mtd_sink_file_begin(struct mtd_fs_sink *s, const char *path, uint32_t mode, int64_t mtime)
{
	return mtd_outdir_file_begin(s->out, s->component, s->base, path, mode, mtime, "file");
}

int mtd_sink_file_write(struct mtd_fs_sink *s, const void *data, size_t len)
{
	return mtd_outdir_file_write(s->out, data, len);
}

int mtd_sink_file_end(struct mtd_fs_sink *s)
{
	return mtd_outdir_file_end(s->out);
}

int mtd_sink_file(struct mtd_fs_sink *s, const char *path, uint32_t mode, int64_t mtime, const void *data, size_t len)
{
	int rc = mtd_sink_file_begin(s, path, mode, mtime);
	if (rc)
		return rc;
	rc = mtd_sink_file_write(s, data, len);
	int rc2 = mtd_sink_file_end(s);
	return rc ? rc : rc2;
}

int mtd_sink_symlink(struct mtd_fs_sink *s, const char *path, const char *target, int64_t mtime)
{
	return mtd_outdir_symlink(s->out, s->component, s->base, path, target, mtime);
}

int mtd_sink_hardlink(struct mtd_fs_sink *s, const char *path, const char *target)
{
	return mtd_outdir_hardlink(s->out, s->component, s->base, path, target);
}

int mtd_sink_special(struct mtd_fs_sink *s, const char *path, uint32_t mode, uint32_t major, uint32_t minor)
{
	return mtd_outdir_special(s->out, s->component, s->base, path, mode, major, minor);
}

void mtd_sink_problem(struct mtd_fs_sink *s, const char *path, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	mtd_outdir_refuse(s->out, s->component, path, tmp);
}

int mtd_outdir_write_manifest(struct mtd_outdir *o)
{
	const char *text = mtd_buf_str(&o->manifest);
	size_t n = o->manifest.len;
	int fd = openat(o->rootfd, "manifest.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	bool ok = fd >= 0 && text && write(fd, text, n) == (ssize_t)n;
	if (fd >= 0 && close(fd))
		ok = false;
	return ok ? 0 : -1;
}

void mtd_outdir_copy_manifest(struct mtd_outdir *o, struct mtd_buf *b)
{
	const char *text = mtd_buf_str(&o->manifest);
	if (text)
		mtd_buf_append(b, text, o->manifest.len);
}
