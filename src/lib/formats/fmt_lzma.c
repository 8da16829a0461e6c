/* SPDX-License-Identifier: MIT */
#include "format.h"

/* PLACEHOLDER: not implemented yet. */
static int probe(struct mtd_probe *p)
{
	(void)p;
	return MTD_ERR_NO_MATCH;
}

const struct mtd_format mtd_fmt_lzma = {
	.name = "lzma",
	.probe = probe,
};
