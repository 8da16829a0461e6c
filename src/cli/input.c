/* SPDX-License-Identifier: MIT */
#include <mtdscope/view.h>

#include "cli.h"

int cli_open_input(const char *cmd, const char *path, const char *view, struct mtd_source *s)
{
	struct mtd_diag d;
	char desc[200];
	mtd_diag_clear(&d);
	if (cli_input(path)) /* no output of this run may be it */
		return CLI_FAIL;
	/* layout offsets count in the MTD address space: bad blocks stay in place */
	if (mtd_source_open_view(s, path, view, MTD_VIEW_KEEP_BAD, desc, sizeof(desc), &d)) {
		cli_diag(&d);
		return d.err == MTD_ERR_ARG ? CLI_USAGE : CLI_FAIL;
	}
	if (desc[0])
		fprintf(stderr, "mtdscope %s: %s: read through the view %s (--view none reads the raw bytes)\n", cmd,
		        cli_txt(path), cli_txt(desc));
	return CLI_OK;
}
