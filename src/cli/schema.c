/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/*
 * The versioned name of every JSON document the commands print, in one place:
 * doc/schema/<doc>.json is its JSON Schema.  The version goes up when a member
 * changes meaning or disappears (doc/schema/README.md); new members do not bump it.
 */
static const struct {
	const char *doc, *id;
} schema_ids[] = {
    {"scan", "mtdscope.scan/1"},       {"extract", "mtdscope.extract/1"}, {"layout", "mtdscope.layout/1"},
    {"verify", "mtdscope.verify/1"},   {"split", "mtdscope.split/1"},     {"join", "mtdscope.join/1"},
    {"diff", "mtdscope.diff/1"},       {"rebuild", "mtdscope.rebuild/1"}, {"plan", "mtdscope.plan/1"},
    {"eeprom", "mtdscope.eeprom/1"},   {"env", "mtdscope.env/1"},         {"report", "mtdscope.report/1"},
    {"assess", "mtdscope.assess/1"},   {"modem", "mtdscope.modem/1"},     {"serve", "mtdscope.serve/1"},
    {"console", "mtdscope.console/1"}, {"netboot", "mtdscope.netboot/1"}, {"version", "mtdscope.version/1"},
    {"collect", "mtdscope.collect/1"},
};

const char *cli_schema_id(const char *doc)
{
	for (size_t i = 0; i < sizeof schema_ids / sizeof schema_ids[0]; i++)
		if (strcmp(schema_ids[i].doc, doc) == 0)
			return schema_ids[i].id;
	return "mtdscope.unknown/0"; /* a document missing from the table: the schema test fails on it */
}

void cli_json_schema(struct mtd_json *j, const char *doc)
{
	mtd_json_set_schema(j, cli_schema_id(doc));
}

void cli_json_begin(struct mtd_json *j, const char *doc)
{
	cli_json_schema(j, doc);
	mtd_json_begin_object(j);
}
