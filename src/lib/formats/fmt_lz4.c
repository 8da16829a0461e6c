/* SPDX-License-Identifier: MIT */
#include "format.h"

/* PLACEHOLDER: not implemented yet. */
static int probe(struct mtd_probe *p)
{
	(void)p;
	return MTD_ERR_NO_MATCH;
}

const struct mtd_format mtd_fmt_lz4 = {
	.name = "lz4",
	.probe = probe,
};
