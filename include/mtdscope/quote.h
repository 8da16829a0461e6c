/* SPDX-License-Identifier: MIT */
#ifndef MTDSCOPE_QUOTE_H
#define MTDSCOPE_QUOTE_H

/*
 * Names on the command lines mtdscope prints for the user to paste (plan, netboot,
 * console, help texts).  Partition names, image and file names come from untrusted
 * input (a /proc/mtd of a hostile firmware, a layout file, a device tree, a file
 * name with a newline or "$(...)"), so:
 *
 *  - a shell command gets a name through mtd_buf_put_shell(): as it is when it is a
 *    plain word, else in single quotes ('\'' for a quote inside); a name that cannot
 *    be shown on one line of a terminal at all (control characters, bidi overrides,
 *    invalid UTF-8: !mtd_shell_printable()) is not put on a command line: the caller
 *    refers to the thing another way (/dev/mtdN, a sanitised file name) or refuses;
 *  - a U-Boot command line has no quoting that every U-Boot understands (U-Boot 1.1.x
 *    of the MT7628/MT7621 SDKs splits on ';' even in what looks like a comment, and has
 *    no comment syntax), so only names passing mtd_word_safe() appear there as they
 *    are; any other is referred to by index or a sanitised file name, and the reason
 *    goes on a separate explanatory line that holds no text from the input;
 *  - file names made from untrusted names go through mtd_safe_filename().
 */

#include <stdbool.h>
#include <stddef.h>

#include <mtdscope/util.h>

/** true when s is a non-empty word of [A-Za-z0-9._-] that does not start with '-'. */
bool mtd_word_safe(const char *s);

/** true when s can be shown on one terminal line as it is (see mtd_text_is_plain()). */
bool mtd_shell_printable(const char *s);

/**
 * Append s to b as one POSIX shell word: unquoted when it holds only
 * [A-Za-z0-9._/+:=,@%-] and is non-empty (and does not start with '-' or '='), else
 * in single quotes with each ' written as '\''.  Returns b's error state.
 */
int mtd_buf_put_shell(struct mtd_buf *b, const char *s);

/**
 * true when s can be the rest of a U-Boot command line as it is (a setenv value such
 * as bootargs): printable, and none of ; $ ' " \ # or a control character, which one
 * U-Boot parser or another takes as syntax.
 */
bool mtd_uboot_text_ok(const char *s);

/**
 * A file name made from an untrusted name into out (size bytes): [A-Za-z0-9._-]
 * kept, every other byte '_', no leading '.' or '-', at most 60 bytes, then suffix
 * (e.g. ".bin", may be ""); fallback (e.g. "part3") when nothing usable is left.
 */
void mtd_safe_filename(const char *name, const char *fallback, const char *suffix, char *out, size_t size);

#endif
