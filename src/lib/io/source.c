/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include <mtdscope/source.h>

static const char *kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* Open PATH for reading, refusing anything that is not a regular file or block device. */
static int open_input(const char *path, int *fd_out, uint64_t *size, bool *is_blk, struct mtd_diag *d)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return mtd_diag_set(d, MTD_ERR_IO, path, "cannot open");
	if (fstat(fd, &st) != 0) {
		close(fd);
		return mtd_diag_set(d, MTD_ERR_IO, path, "cannot stat");
	}
	*is_blk = S_ISBLK(st.st_mode);
	if (!S_ISREG(st.st_mode) && !*is_blk) {
		close(fd);
		return mtd_diag_set(d, MTD_ERR_ARG, path, "is %s; expected a regular file or block device",
		                    kind_of(st.st_mode));
	}
	if (*is_blk) {
		uint64_t bytes = 0;
		if (ioctl(fd, BLKGETSIZE64, &bytes) != 0) {
			close(fd);
			return mtd_diag_set(d, MTD_ERR_IO, path, "cannot read block device size");
		}
		*size = bytes;
	} else {
		*size = (uint64_t)st.st_size;
	}
	*fd_out = fd;
	return 0;
}

int mtd_source_open(struct mtd_source *s, const char *path, struct mtd_diag *d)
{
	int fd = -1;
	uint64_t size = 0;
	bool blk = false;
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", path);
	int rc = open_input(path, &fd, &size, &blk, d);
	if (rc)
		return rc;
	if (size > (uint64_t)SIZE_MAX / 2) {
		close(fd);
		return mtd_diag_set(d, MTD_ERR_LIMIT, path, "is too large to map (%llu bytes)",
		                    (unsigned long long)size);
	}
	if (size > 0) {
		void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			close(fd);
			return mtd_diag_set(d, MTD_ERR_IO, path, "cannot map");
		}
		madvise(m, (size_t)size, MADV_SEQUENTIAL);
		s->map = m;
		s->map_len = (size_t)size;
		s->data = m;
	} else {
		static const uint8_t empty[1];
		s->data = empty;
	}
	s->size = size;
	close(fd);
	return 0;
}

void mtd_source_from_memory(struct mtd_source *s, const char *name, const void *data, size_t size)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->data = data;
	s->size = size;
}

void mtd_source_release_range(struct mtd_source *s, uint64_t off, uint64_t len)
{
	if (!s->map || off >= s->map_len)
		return;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t start = (off + (uint64_t)page - 1) / (uint64_t)page * (uint64_t)page;
	uint64_t end = off + len > s->map_len ? s->map_len : off + len;
	end = end / (uint64_t)page * (uint64_t)page;
	if (end > start)
		madvise((uint8_t *)s->map + start, (size_t)(end - start), MADV_DONTNEED);
}

void mtd_source_close(struct mtd_source *s)
{
	if (s->map)
		munmap(s->map, s->map_len);
	free(s->owned);
	memset(s, 0, sizeof(*s));
}

int mtd_read_small_file(const char *path, size_t max, char **out, size_t *len, struct mtd_diag *d)
{
	int fd = -1;
	uint64_t size = 0;
	bool blk = false;
	int rc = open_input(path, &fd, &size, &blk, d);
	if (rc)
		return rc;
	if (blk || size > max) {
		close(fd);
		return mtd_diag_set(d, MTD_ERR_LIMIT, path, "is %llu bytes; at most %zu expected",
		                    (unsigned long long)size, max);
	}
	char *buf = malloc((size_t)size + 1);
	if (!buf) {
		close(fd);
		return mtd_diag_set(d, MTD_ERR_NOMEM, path, "out of memory");
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, (size_t)size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			close(fd);
			return mtd_diag_at(d, MTD_ERR_IO, path, got, "read failed");
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	*out = buf;
	*len = got;
	return 0;
}
