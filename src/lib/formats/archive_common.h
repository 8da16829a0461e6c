/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_ARCHIVE_COMMON_H
#define MTDSCOPE_ARCHIVE_COMMON_H

/*
 * Archives read with libarchive (zip, 7z): the format module measures the
 * extent itself from the archive's own structure (zip's central directory
 * and end record, 7z's signature header), then hands exactly those bytes to
 * libarchive, from memory, to list the entries (probe) and to write them
 * (unpack).  libarchive reads only the buffer it is given and checks each
 * entry's CRC as the data is read.
 */

#include "format.h"

struct archive;

/** Which reader: archive_read_support_format_zip_seekable, archive_read_support_format_7zip... */
typedef int (*mtd_archive_support_fn)(struct archive *);

/*
 * Where a member lies in the archive, for naming it in a problem: the
 * offset (relative to the archive) of its header, found by name.  False when
 * the format cannot say.
 */
typedef bool (*mtd_archive_locate_fn)(const struct mtd_reader *in, const char *name, uint64_t *off);

/* Member data decoded (and so checked against their CRCs) per archive at scan time, at most. */
#define MTD_ARCHIVE_CHECK_BUDGET (256ull << 20)

struct mtd_archive_list {
	uint64_t entries, files, dirs, links, data_bytes, encrypted;
	bool ok;         /* every header read */
	char error[200]; /* libarchive's message when not */
	/* member data, decoded within MTD_ARCHIVE_CHECK_BUDGET */
	uint64_t checked_bytes, checked_files, bad_files;
	bool budget_hit;    /* some member data were not decoded */
	char bad_name[256]; /* the first member whose data fail */
	char bad_error[200];
	uint64_t bad_off;
	bool bad_off_known;
};

/**
 * List the entries of the archive in `in` (exactly its bytes): counts into
 * *out, names (up to 64) into the probe's "names" list.  MTD_ERR_NOMEM or 0.
 */
int mtd_archive_list(struct mtd_probe *p, const struct mtd_reader *in, mtd_archive_support_fn support,
                     mtd_archive_locate_fn locate, struct mtd_archive_list *out);

/**
 * A probe's view of the archive in `in`: mtd_archive_list(), which also decodes the
 * members' data (up to MTD_ARCHIVE_CHECK_BUDGET) so that libarchive checks their CRCs,
 * then the counts as details (entries, files, directories, data_bytes, encrypted) and,
 * when a header is unreadable or a member's data fail, a problem naming the member
 * (and where it lies, when `locate` says) that makes the component invalid.
 * MTD_ERR_NOMEM or MTD_OK.
 */
int mtd_archive_probe_entries(struct mtd_probe *p, const struct mtd_reader *in, mtd_archive_support_fn support,
                              mtd_archive_locate_fn locate);

/** Unpack every entry of the archive in `in` through the sink (the format's unpack()). */
int mtd_archive_unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink, mtd_archive_support_fn support);

#endif
