/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <mtdscope/quote.h>

#include "layout_int.h"

static const char *chip_from_name(enum mtd_chip_size_from f)
{
	switch (f) {
	case MTD_CHIP_GIVEN: return "given";
	case MTD_CHIP_WHOLE: return "whole-chip entry";
	case MTD_CHIP_LOG: return "kernel log";
	case MTD_CHIP_TABLE: return "end of the table (guess)";
	case MTD_CHIP_UNKNOWN: break;
	}
	return "unknown";
}

static const char *level_name(enum mtd_issue_level lv)
{
	return lv == MTD_ISSUE_ERROR ? "error" : lv == MTD_ISSUE_WARNING ? "warning" : "info";
}

void mtd_layout_to_json(const struct mtd_layout *l, const struct mtd_layout_issue *is, size_t nis, struct mtd_json *j)
{
	mtd_json_begin_object(j);
	mtd_json_kv_str(j, "source", l->source);
	mtd_json_kv_str(j, "kind", mtd_layout_kind_name(l->kind));
	mtd_json_key(j, "device");
	if (l->device[0])
		mtd_json_string(j, l->device);
	else
		mtd_json_null(j);
	mtd_json_kv_u64(j, "chip_size", l->chip_size);
	mtd_json_kv_str(j, "chip_size_from", chip_from_name(l->chip_from));
	mtd_json_kv_u64(j, "erasesize", l->erasesize);
	mtd_json_key(j, "partitions");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		mtd_json_begin_object(j);
		mtd_json_kv_u64(j, "index", i);
		mtd_json_kv_str(j, "name", p->name);
		mtd_json_kv_u64(j, "offset", p->offset);
		mtd_json_kv_u64(j, "size", p->size);
		mtd_json_kv_u64(j, "end", p->offset + p->size);
		if (p->declared_size != p->size)
			mtd_json_kv_u64(j, "declared_size", p->declared_size);
		mtd_json_kv_u64(j, "erasesize", p->erasesize);
		mtd_json_kv_str(j, "role", mtd_part_role_name(p->role));
		mtd_json_key(j, "parent");
		if (p->parent >= 0)
			mtd_json_u64(j, (uint64_t)p->parent);
		else
			mtd_json_null(j);
		mtd_json_kv_bool(j, "read_only", p->flags & MTD_PART_RO);
		mtd_json_kv_bool(j, "whole_chip", p->flags & MTD_PART_WHOLE_CHIP);
		mtd_json_kv_bool(j, "nested", p->flags & MTD_PART_NESTED);
		mtd_json_kv_bool(j, "offset_inferred", p->flags & MTD_PART_INFERRED);
		mtd_json_kv_bool(j, "truncated", p->flags & MTD_PART_TRUNCATED);
		mtd_json_kv_bool(j, "auto", p->flags & MTD_PART_AUTO);
		mtd_json_kv_bool(j, "unit_data", p->flags & MTD_PART_UNIT_DATA);
		mtd_json_kv_bool(j, "protected", p->flags & MTD_PART_PROTECTED);
		if (p->ncells) {
			mtd_json_key(j, "nvmem_cells");
			mtd_json_begin_array(j);
			for (size_t c = 0; c < p->ncells; c++) {
				mtd_json_begin_object(j);
				mtd_json_kv_str(j, "name", p->cells[c].name);
				mtd_json_kv_u64(j, "offset", p->cells[c].offset);
				mtd_json_kv_u64(j, "size", p->cells[c].size);
				mtd_json_kv_bool(j, "mac", p->cells[c].is_mac);
				mtd_json_end_object(j);
			}
			mtd_json_end_array(j);
		}
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_key(j, "notes");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < l->nnotes; i++)
		mtd_json_string(j, l->notes[i]);
	mtd_json_end_array(j);
	mtd_json_key(j, "issues");
	mtd_json_begin_array(j);
	for (size_t i = 0; i < nis; i++) {
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "level", level_name(is[i].level));
		mtd_json_kv_str(j, "code", is[i].code);
		mtd_json_key(j, "partition");
		if (is[i].part >= 0)
			mtd_json_string(j, l->parts[is[i].part].name);
		else
			mtd_json_null(j);
		mtd_json_kv_str(j, "message", is[i].msg);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_kv_u64(j, "errors", mtd_layout_errors(is, nis));
	mtd_json_end_object(j);
}

/* a DT label from a name: lowercase, [a-z0-9_] */
static void dt_label(const char *name, char *out, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; name[i] && k + 1 < n; i++) {
		unsigned char c = (unsigned char)name[i];
		out[k++] = isalnum(c) ? (char)tolower(c) : '_';
	}
	out[k] = 0;
	if (!k || isdigit((unsigned char)out[0])) {
		/* "p_" before the sanitised name, never the raw one */
		size_t m = k + 2 < n ? k : (n > 3 ? n - 3 : 0);
		memmove(out + 2, out, m);
		out[0] = 'p', out[1] = '_', out[m + 2] = 0;
	}
}

static void dt_string(struct mtd_buf *b, const char *s)
{
	mtd_buf_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f) {
			mtd_buf_printf(b, "\\x%02x", c); /* dtc reads \xHH in strings */
			continue;
		}
		if (*s == '"' || *s == '\\')
			mtd_buf_puts(b, "\\");
		mtd_buf_append(b, s, 1);
	}
	mtd_buf_puts(b, "\"");
}

static void indent(struct mtd_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		mtd_buf_puts(b, "\t");
}

static void dts_part(const struct mtd_layout *l, size_t i, uint64_t base, int depth, struct mtd_buf *b)
{
	const struct mtd_part *p = &l->parts[i];
	char lab[64];
	dt_label(p->name, lab, sizeof(lab));
	uint64_t rel = p->offset - base;
	indent(b, depth);
	if (p->role == MTD_ROLE_FACTORY || p->ncells)
		mtd_buf_printf(b, "%s: ", lab);
	mtd_buf_printf(b, "partition@%llx {\n", (unsigned long long)rel);
	bool split_children = false;
	for (size_t k = 0; k < l->nparts; k++)
		if (l->parts[k].parent == (int)i)
			split_children = true;
	if (p->role == MTD_ROLE_FIRMWARE && split_children) {
		indent(b, depth + 1);
		mtd_buf_puts(b, "compatible = \"denx,uimage\";\n");
	}
	indent(b, depth + 1);
	mtd_buf_puts(b, "label = ");
	dt_string(b, p->name);
	mtd_buf_puts(b, ";\n");
	indent(b, depth + 1);
	mtd_buf_printf(b, "reg = <0x%llx 0x%llx>;\n", (unsigned long long)rel, (unsigned long long)p->size);
	if ((p->flags & MTD_PART_RO) || p->role == MTD_ROLE_BOOTLOADER || p->role == MTD_ROLE_FACTORY) {
		indent(b, depth + 1);
		mtd_buf_puts(b, "read-only;\n");
	}
	if (p->ncells) {
		mtd_buf_puts(b, "\n");
		indent(b, depth + 1);
		mtd_buf_puts(b, "nvmem-layout {\n");
		indent(b, depth + 2);
		mtd_buf_puts(b, "compatible = \"fixed-layout\";\n");
		indent(b, depth + 2);
		mtd_buf_puts(b, "#address-cells = <1>;\n");
		indent(b, depth + 2);
		mtd_buf_puts(b, "#size-cells = <1>;\n");
		for (size_t c = 0; c < p->ncells; c++) {
			const struct mtd_nvmem_cell *cell = &p->cells[c];
			const char *kind = cell->is_mac ? "macaddr" : "eeprom";
			mtd_buf_puts(b, "\n");
			indent(b, depth + 2);
			mtd_buf_printf(b, "%s_%s_%llx: %s@%llx {\n", kind, lab, (unsigned long long)cell->offset, kind,
			               (unsigned long long)cell->offset);
			indent(b, depth + 3);
			mtd_buf_printf(b, "reg = <0x%llx 0x%llx>;\n", (unsigned long long)cell->offset,
			               (unsigned long long)cell->size);
			if (cell->is_mac) {
				indent(b, depth + 3);
				mtd_buf_puts(b, "compatible = \"mac-base\";\n");
				indent(b, depth + 3);
				mtd_buf_puts(b, "#nvmem-cell-cells = <1>;\n");
			}
			indent(b, depth + 2);
			mtd_buf_puts(b, "};\n");
		}
		indent(b, depth + 1);
		mtd_buf_puts(b, "};\n");
	}
	if (split_children && p->role == MTD_ROLE_FIRMWARE) {
		indent(b, depth + 1);
		mtd_buf_puts(b, "/* split at boot by the firmware parser:");
		for (size_t k = 0; k < l->nparts; k++)
			if (l->parts[k].parent == (int)i) {
				char rn[80];
				mtd_layout_region_name(l, k, rn,
				                       sizeof(rn)); /* nothing of the name can end the comment */
				mtd_buf_printf(b, " %s", rn);
			}
		mtd_buf_puts(b, " */\n");
	} else if (split_children) {
		mtd_buf_puts(b, "\n");
		indent(b, depth + 1);
		mtd_buf_puts(b, "partitions {\n");
		indent(b, depth + 2);
		mtd_buf_puts(b, "compatible = \"fixed-partitions\";\n");
		indent(b, depth + 2);
		mtd_buf_puts(b, "#address-cells = <1>;\n");
		indent(b, depth + 2);
		mtd_buf_puts(b, "#size-cells = <1>;\n");
		for (size_t k = 0; k < l->nparts; k++)
			if (l->parts[k].parent == (int)i && depth < 8) {
				mtd_buf_puts(b, "\n");
				dts_part(l, k, p->offset, depth + 2, b);
			}
		indent(b, depth + 1);
		mtd_buf_puts(b, "};\n");
	}
	indent(b, depth);
	mtd_buf_puts(b, "};\n");
}

int mtd_layout_to_dts(const struct mtd_layout *l, struct mtd_buf *b)
{
	mtd_buf_printf(
	    b, "partitions {\n\tcompatible = \"fixed-partitions\";\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n");
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (p->flags & MTD_PART_WHOLE_CHIP) {
			char rn[80];
			mtd_layout_region_name(l, i, rn, sizeof(rn));
			mtd_buf_printf(b, "\n\t/* \"%s\" (whole chip, 0x%llx bytes) left out */\n", rn,
			               (unsigned long long)p->size);
			continue;
		}
		if (p->parent >= 0)
			continue;
		mtd_buf_puts(b, "\n");
		dts_part(l, i, 0, 1, b);
	}
	mtd_buf_puts(b, "};\n");
	return b->err;
}

static void size_str(uint64_t v, char *out, size_t n)
{
	if (v && v % (1024 * 1024) == 0)
		snprintf(out, n, "%llum", (unsigned long long)(v >> 20));
	else if (v && v % 1024 == 0)
		snprintf(out, n, "%lluk", (unsigned long long)(v >> 10));
	else
		snprintf(out, n, "%llu", (unsigned long long)v);
}

int mtd_layout_to_mtdparts(const struct mtd_layout *l, const char *dev, struct mtd_buf *b)
{
	mtd_buf_printf(b, "mtdparts=%s:", dev && *dev ? dev : l->device[0] ? l->device : "spi0.0");
	uint64_t cursor = 0;
	bool first = true;
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (p->parent >= 0 || (p->flags & MTD_PART_WHOLE_CHIP))
			continue;
		char sz[32], off[32];
		size_str(p->size, sz, sizeof(sz));
		mtd_buf_printf(b, "%s%s", first ? "" : ",", sz);
		if (p->offset != cursor) {
			size_str(p->offset, off, sizeof(off));
			if (p->offset % 1024)
				snprintf(off, sizeof(off), "0x%llx", (unsigned long long)p->offset);
			mtd_buf_printf(b, "@%s", off);
		}
		mtd_buf_puts(b, "(");
		/* the name goes into a kernel command line or a U-Boot setenv: [A-Za-z0-9._-] only */
		for (const char *c = p->name; *c; c++) {
			unsigned char ch = (unsigned char)*c;
			bool keep = isalnum(ch) || ch == '.' || ch == '_' || ch == '-';
			mtd_buf_append(b, keep ? c : "_", 1);
		}
		mtd_buf_puts(b, ")");
		if ((p->flags & MTD_PART_RO) || p->role == MTD_ROLE_BOOTLOADER || p->role == MTD_ROLE_FACTORY)
			mtd_buf_puts(b, "ro");
		cursor = p->offset + p->size;
		first = false;
	}
	mtd_buf_puts(b, "\n");
	return b->err;
}

int mtd_layout_to_flashrom(const struct mtd_layout *l, struct mtd_buf *b)
{
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (p->parent >= 0 || (p->flags & MTD_PART_WHOLE_CHIP) || !p->size)
			continue;
		mtd_buf_printf(b, "%08llx:%08llx ", (unsigned long long)p->offset,
		               (unsigned long long)(p->offset + p->size - 1));
		char rn[80];
		mtd_layout_region_name(l, i, rn, sizeof(rn));
		mtd_buf_printf(b, "%s\n", rn);
	}
	return b->err;
}

void mtd_layout_part_filename(const struct mtd_layout *l, size_t i, char *out, size_t size)
{
	char fb[32];
	snprintf(fb, sizeof(fb), "part%zu", i);
	mtd_safe_filename(l->parts[i].name, fb, ".bin", out, size);
}

void mtd_layout_region_name(const struct mtd_layout *l, size_t i, char *out, size_t size)
{
	if (mtd_word_safe(l->parts[i].name) && strlen(l->parts[i].name) < size)
		snprintf(out, size, "%s", l->parts[i].name);
	else
		snprintf(out, size, "part%zu", i);
}
