/* SPDX-License-Identifier: MIT */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mtdscope/extract.h>

#include "archive_common.h"

#define AR_LIST_MAX 64u
#define AR_CHUNK    (256u << 10)

static struct archive *open_mem(const struct mtd_reader *in, mtd_archive_support_fn support)
{
	const uint8_t *all = NULL;
	size_t len = mtd_rd_left(in);
	if (!mtd_rd_bytes_at(in, 0, len, &all))
		return NULL;
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	if (support(a) != ARCHIVE_OK || archive_read_open_memory(a, all, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static void copy_error(struct archive *a, char *dst, size_t n)
{
	const char *e = archive_error_string(a);
	snprintf(dst, n, "%s", e && *e ? e : "unreadable entry header");
}

/*
 * Decode one member's data (what is left of the budget) so that libarchive
 * checks it; the first member that fails is remembered.  False when out of
 * memory.
 */
static void check_data(struct archive *a, struct archive_entry *e, const struct mtd_reader *in,
                       mtd_archive_locate_fn locate, uint8_t *buf, struct mtd_archive_list *out)
{
	if (out->checked_bytes >= MTD_ARCHIVE_CHECK_BUDGET) {
		out->budget_hit = true;
		return;
	}
	la_ssize_t n;
	while ((n = archive_read_data(a, buf, AR_CHUNK)) > 0) {
		out->checked_bytes += (uint64_t)n;
		if (out->checked_bytes >= MTD_ARCHIVE_CHECK_BUDGET) {
			out->budget_hit = true;
			return; /* not known to the end: neither good nor bad */
		}
	}
	if (n == 0) {
		out->checked_files++;
		return;
	}
	if (out->bad_files++)
		return;
	const char *name = archive_entry_pathname(e), *why = archive_error_string(a);
	snprintf(out->bad_name, sizeof(out->bad_name), "%s", name ? name : "?");
	snprintf(out->bad_error, sizeof(out->bad_error), "%s", why && *why ? why : "data unreadable");
	out->bad_off_known = name && locate && locate(in, name, &out->bad_off);
}

int mtd_archive_list(struct mtd_probe *p, const struct mtd_reader *in, mtd_archive_support_fn support,
                     mtd_archive_locate_fn locate, struct mtd_archive_list *out)
{
	memset(out, 0, sizeof(*out));
	struct archive *a = open_mem(in, support);
	if (!a) {
		snprintf(out->error, sizeof(out->error), "libarchive does not open it");
		return 0;
	}
	uint8_t *buf = malloc(AR_CHUNK);
	if (!buf) {
		archive_read_free(a);
		return MTD_ERR_NOMEM;
	}
	struct archive_entry *e;
	int rc;
	out->ok = true;
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
		out->entries++;
		const char *name = archive_entry_pathname(e);
		if (out->entries <= AR_LIST_MAX)
			mtd_probe_list_add(p, "names", false, "%.255s", name ? name : "?");
		if (archive_entry_is_encrypted(e))
			out->encrypted++;
		switch (archive_entry_filetype(e)) {
		case 0: /* no type recorded (py7zr writes no Unix mode): a file, as unpack takes it */
		case AE_IFREG:
			if (archive_entry_hardlink(e))
				out->links++;
			else
				out->files++;
			out->data_bytes += archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
			if (!archive_entry_hardlink(e) && !archive_entry_is_encrypted(e))
				check_data(a, e, in, locate, buf, out);
			break;
		case AE_IFDIR: out->dirs++; break;
		case AE_IFLNK: out->links++; break;
		default: break;
		}
	}
	if (rc != ARCHIVE_EOF) {
		out->ok = false;
		copy_error(a, out->error, sizeof(out->error));
	}
	free(buf);
	archive_read_free(a);
	return 0;
}

int mtd_archive_probe_entries(struct mtd_probe *p, const struct mtd_reader *in, mtd_archive_support_fn support,
                              mtd_archive_locate_fn locate)
{
	struct mtd_archive_list l;
	if (mtd_archive_list(p, in, support, locate, &l))
		return MTD_ERR_NOMEM;
	mtd_probe_u64(p, "entries", true, l.entries);
	mtd_probe_u64(p, "files", false, l.files);
	mtd_probe_u64(p, "directories", false, l.dirs);
	mtd_probe_u64(p, "data_bytes", false, l.data_bytes);
	if (l.encrypted)
		mtd_probe_u64(p, "encrypted", false, l.encrypted);
	mtd_probe_u64(p, "files_checked", false, l.checked_files);
	if (l.budget_hit)
		mtd_probe_str(p, "data_not_checked", false, "members past the first %llu MiB of data",
		              (unsigned long long)(MTD_ARCHIVE_CHECK_BUDGET >> 20));
	if (l.bad_files) {
		char at[48] = "";
		if (l.bad_off_known)
			snprintf(at, sizeof(at), " (header at 0x%llx)", (unsigned long long)(p->off + l.bad_off));
		mtd_probe_problem(p, "member '%.200s'%s: %s%s", l.bad_name, at, l.bad_error,
		                  l.bad_files > 1 ? " (and more members)" : "");
		p->valid = false;
	}
	if (!l.ok) {
		mtd_probe_problem(p, "entries unreadable after %llu: %s", (unsigned long long)l.entries, l.error);
		p->valid = false;
	}
	return MTD_OK;
}

int mtd_archive_unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink, mtd_archive_support_fn support)
{
	struct archive *a = open_mem(in, support);
	if (!a) {
		mtd_sink_problem(sink, NULL, "libarchive does not open the archive at 0x%llx",
		                 (unsigned long long)mtd_rd_offset(in));
		return 0;
	}
	uint8_t *buf = malloc(AR_CHUNK);
	if (!buf) {
		archive_read_free(a);
		return MTD_ERR_NOMEM;
	}
	struct archive_entry *e;
	int ar = ARCHIVE_EOF, rc = 0;
	while (!rc && ((ar = archive_read_next_header(a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN)) {
		const char *name = archive_entry_pathname(e);
		if (!name || !*name) {
			mtd_sink_problem(sink, NULL, "entry without a name skipped");
			continue;
		}
		uint32_t perm = (uint32_t)archive_entry_perm(e) & 07777;
		int64_t mtime = archive_entry_mtime_is_set(e) ? (int64_t)archive_entry_mtime(e) : 0;
		const char *hard = archive_entry_hardlink(e);
		mode_t type = archive_entry_filetype(e);
		if (hard) {
			rc = mtd_sink_hardlink(sink, name, hard);
		} else if (type == AE_IFDIR) {
			rc = mtd_sink_dir(sink, name, perm ? perm : 0755, mtime);
		} else if (type == AE_IFLNK) {
			const char *t = archive_entry_symlink(e);
			rc = mtd_sink_symlink(sink, name, t ? t : "", mtime);
		} else if (type == AE_IFREG || type == 0) {
			if (archive_entry_is_encrypted(e)) {
				mtd_sink_problem(sink, name, "encrypted entry not extracted");
				continue;
			}
			rc = mtd_sink_file_begin(sink, name, perm ? perm : 0644, mtime);
			la_ssize_t n;
			while (!rc && (n = archive_read_data(a, buf, AR_CHUNK)) > 0)
				rc = mtd_sink_file_write(sink, buf, (size_t)n);
			if (!rc && n < 0) {
				const char *why = archive_error_string(a);
				mtd_sink_problem(sink, name, "data unreadable (%s): file cut",
				                 why ? why : "libarchive error");
			}
			int end = mtd_sink_file_end(sink);
			if (!rc)
				rc = end;
		} else {
			rc = mtd_sink_special(sink, name, (uint32_t)type | perm, (uint32_t)archive_entry_rdevmajor(e),
			                      (uint32_t)archive_entry_rdevminor(e));
		}
		if (rc && rc != MTD_ERR_LIMIT && rc != MTD_ERR_NOMEM)
			rc = 0; /* a refused entry is recorded by the sink; go on */
	}
	if (!rc && ar != ARCHIVE_EOF) {
		const char *why = archive_error_string(a);
		mtd_sink_problem(sink, NULL, "archive at 0x%llx: %s: the entries after it are not extracted",
		                 (unsigned long long)mtd_rd_offset(in), why ? why : "unreadable entry header");
	}
	free(buf);
	archive_read_free(a);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
}
