/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "cli.h"

/*
 * The version of each JSON document the commands print, one row a document
 * (doc/schema/README.md: the schemas and when a version goes up).  A document
 * not in this table gets version 1.
 */
static const struct {
	const char *doc;
	unsigned version;
} schema_versions[] = {
    {"version", 1},
};

void cli_json_begin(struct mtd_json *j, const char *doc)
{
	unsigned v = 1;
	for (size_t i = 0; i < sizeof schema_versions / sizeof schema_versions[0]; i++)
		if (strcmp(schema_versions[i].doc, doc) == 0)
			v = schema_versions[i].version;
	char id[64];
	snprintf(id, sizeof id, "mtdscope.%s/%u", doc, v);
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "schema", id);
}
