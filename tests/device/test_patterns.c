/* SPDX-License-Identifier: MIT */
/* Every pattern of data/patterns/ (*.tsv) on the real line it was taken from: its regex compiles,
 * matches that line, and the fact it makes holds the value the table says. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../../src/lib/device/kb.h"
#include "../../src/lib/device/patterns.h"
#include "tap.h"

int main(void)
{
	struct mtd_pattern_set set;
	if (mtd_pattern_set_init(&set)) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	ok(mtd_patterns_count >= 100, "the tables hold %zu patterns", mtd_patterns_count);
	for (size_t i = 0; i < mtd_patterns_count; i++) {
		const struct mtd_pattern *pt = &mtd_patterns[i];
		struct mtd_pattern_hit h;
		/* the parser hands patterns the line without its indentation */
		const char *line = pt->example + strspn(pt->example, " \t");
		bool cue = mtd_pattern_cue(pt, line);
		int m = mtd_pattern_match(&set, i, line, &h);
		if (m < 0) {
			ok(0, "%s (%s): regex compiles: %s", pt->id, pt->where, pt->regex);
			continue;
		}
		if (!cue || m != 1) {
			ok(0, "%s (%s): cue %s and regex match the example '%s'", pt->id, pt->where,
			   cue ? "found" : "missing", pt->example);
			continue;
		}
		bool soc = !strncmp(pt->value, "soc", 3);
		int r = mtd_pattern_run(&set, i, line, &h);
		if (soc) {
			/* the capture names the SoC as printed; where the SoC table knows it, the fact is
			 * the table's name for it */
			char alias[32];
			const struct mtd_kb_soc *k = mtd_kb_soc_in_text(pt->expect, alias, sizeof(alias));
			bool got =
			    strcasestr(h.raw, pt->expect) != NULL || (r == 1 && !strcasecmp(h.value, pt->expect));
			if (k)
				got = got && r == 1 && !strcmp(h.value, k->name);
			ok(got, "%s (%s): '%s' gives soc %s (raw '%s', expected %s%s%s)", pt->id, pt->where,
			   pt->example, r == 1 ? h.value : "-", h.raw, pt->expect,
			   k ? " = " : " (not in the SoC table)", k ? k->name : "");
		} else {
			ok(r == 1 && !strcmp(h.value, pt->expect), "%s (%s): '%s' gives %s = %s (expected %s)", pt->id,
			   pt->where, pt->example, pt->key, r == 1 ? h.value : "-", pt->expect);
		}
	}
	/* cues keep the regexes from running on lines that cannot match */
	size_t nocue = 0;
	for (size_t i = 0; i < mtd_patterns_count; i++)
		nocue += strlen(mtd_patterns[i].cue) < 1;
	ok(nocue == 0, "every pattern has a cue (%zu without)", nocue);
	/* a kernel line that mentions a driver named like a brand is not a device fact */
	const char *noise = "usbcore: registered new interface driver pegasus";
	size_t hits = 0;
	for (size_t i = 0; i < mtd_patterns_count; i++) {
		struct mtd_pattern_hit h;
		if (mtd_pattern_cue(&mtd_patterns[i], noise) && mtd_pattern_run(&set, i, noise, &h) == 1)
			hits++;
	}
	ok(hits == 0, "'%s' gives no fact (%zu)", noise, hits);
	mtd_pattern_set_release(&set);
	return tap_done();
}
