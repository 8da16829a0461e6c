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

struct mtd_archive_list {
	uint64_t entries, files, dirs, links, data_bytes, encrypted;
	bool ok;         /* every header read */
	char error[200]; /* libarchive's message when not */
};

/**
 * List the entries of the archive in `in` (exactly its bytes): counts into
 * *out, names (up to 64) into the probe's "names" list.  MTD_ERR_NOMEM or 0.
 */
int mtd_archive_list(struct mtd_probe *p, const struct mtd_reader *in, mtd_archive_support_fn support,
                     struct mtd_archive_list *out);

/**
 * A probe's view of the archive in `in`: mtd_archive_list(), then the counts as details
 * (entries, files, directories, data_bytes, encrypted) and, when a header is unreadable,
 * a problem that makes the component invalid.  MTD_ERR_NOMEM or MTD_OK.
 */
int mtd_archive_probe_entries(struct mtd_probe *p, const struct mtd_reader *in, mtd_archive_support_fn support);

/** Unpack every entry of the archive in `in` through the sink (the format's unpack()). */
int mtd_archive_unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink, mtd_archive_support_fn support);

#endif
