/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_EXPORT_H
#define MTDSCOPE_EXPORT_H

/*
 * MTD_API marks the public API: the functions declared in the installed
 * headers (include/mtdscope/), and only those.  libmtdscope is compiled with
 * -fvisibility=hidden, so a function without MTD_API is internal to the
 * library and not exported by libmtdscope.so; scripts/check-symbols.sh
 * checks that the exported set and the headers' declarations are the same.
 */
#if defined(__GNUC__) || defined(__clang__)
#define MTD_API __attribute__((visibility("default")))
#else
#define MTD_API
#endif

#endif
