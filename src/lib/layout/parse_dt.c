/* SPDX-License-Identifier: MIT */
/*
 * Device-tree layouts.  A .dtb is read with libfdt; .dts text goes through a
 * small bounded parser of the node/property structure (no preprocessor: the
 * #include lines of OpenWrt's files are skipped, &label overlays become
 * extra roots).  Both become the same little tree, from which every
 * "fixed-partitions" node is read: partitions (reg, label, read-only),
 * nested fixed-partitions (offsets relative to the parent) and nvmem cells
 * (nvmem-layout children or the older nvmem-cells partitions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "layout_int.h"

#define DT_MAX_NODES 4096
#define DT_MAX_PROPS 16384
#define DT_MAX_DEPTH 32

struct dprop {
	int node;
	char name[40];
	size_t ncells;
	uint64_t cells[4];
	char strs[128]; /* string list, NUL-separated */
	size_t strs_len;
	bool has_str;
};

struct dnode {
	char name[64];
	int parent;
};

struct dtree {
	struct dnode *nodes;
	size_t nnodes;
	struct dprop *props;
	size_t nprops;
};

static int dt_add_node(struct dtree *t, const char *name, size_t nl, int parent)
{
	if (t->nnodes >= DT_MAX_NODES)
		return -1;
	struct dnode *n = &t->nodes[t->nnodes];
	snprintf(n->name, sizeof(n->name), "%.*s", (int)(nl > 63 ? 63 : nl), name);
	n->parent = parent;
	return (int)t->nnodes++;
}

static struct dprop *dt_add_prop(struct dtree *t, int node, const char *name, size_t nl)
{
	if (t->nprops >= DT_MAX_PROPS)
		return NULL;
	struct dprop *p = &t->props[t->nprops++];
	memset(p, 0, sizeof(*p));
	p->node = node;
	snprintf(p->name, sizeof(p->name), "%.*s", (int)(nl > 39 ? 39 : nl), name);
	return p;
}

static const struct dprop *dt_prop(const struct dtree *t, int node, const char *name)
{
	for (size_t i = 0; i < t->nprops; i++)
		if (t->props[i].node == node && !strcmp(t->props[i].name, name))
			return &t->props[i];
	return NULL;
}

static bool dt_compat(const struct dtree *t, int node, const char *c)
{
	const struct dprop *p = dt_prop(t, node, "compatible");
	if (!p)
		return false;
	for (size_t i = 0; i < p->strs_len;) {
		const char *s = p->strs + i;
		size_t k = strnlen(s, p->strs_len - i);
		if (k == strlen(c) && !memcmp(s, c, k))
			return true;
		i += k + 1;
	}
	return false;
}

static uint32_t dt_cells(const struct dtree *t, int node, const char *name, uint32_t def)
{
	const struct dprop *p = dt_prop(t, node, name);
	return p && p->ncells == 1 && p->cells[0] <= 2 ? (uint32_t)p->cells[0] : def;
}

static bool dt_reg(const struct dtree *t, int node, uint32_t ac, uint32_t sc, uint64_t *off, uint64_t *size)
{
	const struct dprop *p = dt_prop(t, node, "reg");
	if (!p || ac < 1 || sc < 1 || p->ncells < ac + sc)
		return false;
	uint64_t o = 0, s = 0;
	for (uint32_t i = 0; i < ac; i++)
		o = o << 32 | (p->cells[i] & 0xffffffffu);
	for (uint32_t i = 0; i < sc; i++)
		s = s << 32 | (p->cells[ac + i] & 0xffffffffu);
	*off = o;
	*size = s;
	return true;
}

static void add_cells(struct mtd_layout *l, struct mtd_part *part, const struct dtree *t, int holder)
{
	uint32_t ac = dt_cells(t, holder, "#address-cells", 1), sc = dt_cells(t, holder, "#size-cells", 1);
	for (size_t c = 0; c < t->nnodes; c++) {
		if (t->nodes[c].parent != holder)
			continue;
		uint64_t off, size;
		if (!dt_reg(t, (int)c, ac, sc, &off, &size))
			continue;
		if (part->ncells >= MTD_LAYOUT_MAX_CELLS) {
			mtd_lay_note(l, "'%s': more than %d nvmem cells, the rest left out", part->name,
			             MTD_LAYOUT_MAX_CELLS);
			return;
		}
		struct mtd_nvmem_cell *cell = &part->cells[part->ncells++];
		snprintf(cell->name, sizeof(cell->name), "%.47s", t->nodes[c].name);
		cell->offset = off;
		cell->size = size;
		cell->is_mac = size == 6 && (strstr(t->nodes[c].name, "mac") || dt_compat(t, (int)c, "mac-base"));
		if (size == 6 && !cell->is_mac)
			cell->is_mac = true;
	}
}

static int walk_partitions(struct mtd_layout *l, const struct dtree *t, int pnode, uint64_t base, int parent, int depth,
                           struct mtd_diag *d)
{
	if (depth > 4)
		return 0;
	uint32_t ac = dt_cells(t, pnode, "#address-cells", 1), sc = dt_cells(t, pnode, "#size-cells", 1);
	for (size_t c = 0; c < t->nnodes; c++) {
		if (t->nodes[c].parent != pnode)
			continue;
		uint64_t off, size;
		if (!dt_reg(t, (int)c, ac, sc, &off, &size))
			continue;
		const struct dprop *lab = dt_prop(t, (int)c, "label");
		const char *name = lab && lab->has_str ? lab->strs : t->nodes[c].name;
		uint64_t abs;
		if (!mtd_add_ov(base, off, &abs) || size > (1ull << 40))
			return mtd_diag_set(d, MTD_ERR_OVERFLOW, l->source, "partition '%s': offset overflows", name);
		int k = mtd_lay_add(l, name, strlen(name), abs, size, 0, d);
		if (k < 0)
			return k;
		if (dt_prop(t, (int)c, "read-only"))
			l->parts[k].flags |= MTD_PART_RO;
		if (parent >= 0) {
			l->parts[k].parent = parent;
			l->parts[k].flags |= MTD_PART_NESTED;
		}
		if (dt_compat(t, (int)c, "nvmem-cells"))
			add_cells(l, &l->parts[k], t, (int)c);
		for (size_t g = 0; g < t->nnodes; g++) {
			if (t->nodes[g].parent != (int)c)
				continue;
			if (!strcmp(t->nodes[g].name, "nvmem-layout"))
				add_cells(l, &l->parts[k], t, (int)g);
			else if (dt_compat(t, (int)g, "fixed-partitions") || !strcmp(t->nodes[g].name, "partitions")) {
				int rc = walk_partitions(l, t, (int)g, abs, k, depth + 1, d);
				if (rc)
					return rc;
			}
		}
		if (dt_compat(t, (int)c, "fixed-partitions")) {
			int rc = walk_partitions(l, t, (int)c, abs, k, depth + 1, d);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int read_tree(struct mtd_layout *l, const struct dtree *t, struct mtd_diag *d)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		if (!dt_compat(t, (int)i, "fixed-partitions"))
			continue;
		/* only the outermost: a nested one is read through its parent partition */
		int p = t->nodes[i].parent;
		if (p >= 0 && dt_prop(t, p, "reg") &&
		    (dt_prop(t, p, "label") || !strncmp(t->nodes[p].name, "partition", 9)))
			continue;
		if (p >= 0 && dt_prop(t, (int)i, "reg") &&
		    (dt_compat(t, p, "fixed-partitions") || !strcmp(t->nodes[p].name, "partitions")))
			continue; /* a partition that is itself split: read through its parent */
		if (l->nparts)
			mtd_lay_note(l, "a second fixed-partitions node (%s) read as well", t->nodes[i].name);
		int rc = walk_partitions(l, t, (int)i, 0, -1, 0, d);
		if (rc)
			return rc;
	}
	return 0;
}

static int tree_alloc(struct dtree *t)
{
	memset(t, 0, sizeof(*t));
	t->nodes = mtd_alloc_array(DT_MAX_NODES, sizeof(*t->nodes));
	t->props = mtd_alloc_array(DT_MAX_PROPS, sizeof(*t->props));
	return t->nodes && t->props ? 0 : MTD_ERR_NOMEM;
}

static void tree_free(struct dtree *t)
{
	free(t->nodes);
	free(t->props);
}

/* ---- .dtb through libfdt ---- */

static void fdt_fill_prop(struct dprop *dp, const uint8_t *v, int len)
{
	/* as cells */
	if (len % 4 == 0)
		for (int i = 0; i + 4 <= len && dp->ncells < 4; i += 4)
			dp->cells[dp->ncells++] = mtd_be32(v + i);
	/* as a string list when printable */
	bool printable = len > 0 && v[len - 1] == 0;
	for (int i = 0; i < len && printable; i++)
		if (v[i] && (v[i] < 0x20 || v[i] > 0x7e))
			printable = false;
	if (printable) {
		size_t n = (size_t)len < sizeof(dp->strs) - 1 ? (size_t)len : sizeof(dp->strs) - 1;
		memcpy(dp->strs, v, n);
		dp->strs[n] = 0;
		dp->strs_len = n;
		dp->has_str = true;
	}
}

int mtd_lay_parse_dtb(const uint8_t *p, size_t n, struct mtd_layout *l, struct mtd_diag *d)
{
	if (n < 40 || fdt_check_header(p) != 0 || fdt_totalsize(p) > n)
		return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, 0, "expected a valid flattened device tree header");
	if (fdt_totalsize(p) > LAYOUT_MAX_TEXT)
		return mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "device tree larger than 16 MiB");
	struct dtree t;
	if (tree_alloc(&t)) {
		tree_free(&t);
		return mtd_diag_set(d, MTD_ERR_NOMEM, l->source, "out of memory");
	}
	int map[DT_MAX_DEPTH + 1];
	int depth = 0, off = 0;
	int rc = 0;
	map[0] = -1;
	for (off = fdt_next_node(p, -1, &depth); off >= 0; off = fdt_next_node(p, off, &depth)) {
		if (depth > DT_MAX_DEPTH || depth < 0) {
			rc = mtd_diag_at(d, MTD_ERR_LIMIT, l->source, (uint64_t)off,
			                 "device tree nested deeper than %d", DT_MAX_DEPTH);
			break;
		}
		int nl = 0;
		const char *name = fdt_get_name(p, off, &nl);
		if (!name || nl < 0)
			break;
		int parent = depth > 0 ? map[depth - 1] : -1;
		int idx = dt_add_node(&t, name, (size_t)nl, parent);
		if (idx < 0) {
			rc = mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "more than %d device tree nodes", DT_MAX_NODES);
			break;
		}
		map[depth] = idx;
		int po;
		fdt_for_each_property_offset(po, p, off)
		{
			const char *pn;
			int plen;
			const void *v = fdt_getprop_by_offset(p, po, &pn, &plen);
			if (!v || !pn || plen < 0)
				continue;
			struct dprop *dp = dt_add_prop(&t, idx, pn, strlen(pn));
			if (!dp) {
				rc = mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "more than %d device tree properties",
				                  DT_MAX_PROPS);
				break;
			}
			fdt_fill_prop(dp, v, plen);
		}
		if (rc)
			break;
	}
	if (!rc)
		rc = read_tree(l, &t, d);
	tree_free(&t);
	return rc;
}

/* ---- .dts text ---- */

struct tok {
	const char *s;
	size_t n, i;
	unsigned line;
};

static bool is_cpp(const char *s, size_t n)
{
	static const char *const kw[] = {"#include", "#if",    "#define", "#endif", "#else",
	                                 "#elif",    "#undef", "#error",  "#pragma"};
	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (n >= strlen(kw[i]) && !memcmp(s, kw[i], strlen(kw[i])))
			return true;
	return false;
}

static void ws(struct tok *k)
{
	for (;;) {
		while (k->i < k->n &&
		       (k->s[k->i] == ' ' || k->s[k->i] == '\t' || k->s[k->i] == '\r' || k->s[k->i] == '\n')) {
			if (k->s[k->i] == '\n')
				k->line++;
			k->i++;
		}
		if (k->n - k->i >= 2 && k->s[k->i] == '/' && k->s[k->i + 1] == '*') {
			k->i += 2;
			while (k->n - k->i >= 2 && !(k->s[k->i] == '*' && k->s[k->i + 1] == '/')) {
				if (k->s[k->i] == '\n')
					k->line++;
				k->i++;
			}
			k->i = k->n - k->i >= 2 ? k->i + 2 : k->n;
			continue;
		}
		if (k->n - k->i >= 2 && k->s[k->i] == '/' && k->s[k->i + 1] == '/') {
			while (k->i < k->n && k->s[k->i] != '\n')
				k->i++;
			continue;
		}
		/* preprocessor lines: #include, #define, #if...; not #address-cells */
		if (k->i < k->n && k->s[k->i] == '#' && is_cpp(k->s + k->i, k->n - k->i)) {
			while (k->i < k->n && (k->s[k->i] != '\n' || k->s[k->i - 1] == '\\'))
				k->i++;
			continue;
		}
		if (k->n - k->i >= 2 && k->s[k->i] == '\\' && (k->s[k->i + 1] == '\n' || k->s[k->i + 1] == '\r')) {
			k->i++; /* a line continuation */
			continue;
		}
		break;
	}
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ',' || c == '.' ||
	       c == '_' || c == '+' || c == '-' || c == '#' || c == '@' || c == '?';
}

static bool ident(struct tok *k, const char **s, size_t *n)
{
	size_t st = k->i;
	while (k->i < k->n && name_char(k->s[k->i]))
		k->i++;
	*s = k->s + st;
	*n = k->i - st;
	return *n > 0;
}

static int dts_error(struct mtd_layout *l, struct tok *k, struct mtd_diag *d, const char *what)
{
	return mtd_diag_at(d, MTD_ERR_FORMAT, l->source, k->i, "line %u: expected %s", k->line, what);
}

/* a property value list after '=' up to ';' */
static int dts_value(struct mtd_layout *l, struct tok *k, struct dprop *p, struct mtd_diag *d)
{
	for (;;) {
		ws(k);
		if (k->i >= k->n)
			return dts_error(l, k, d, "a property value");
		char c = k->s[k->i];
		if (c == '"') {
			size_t st = ++k->i;
			while (k->i < k->n && k->s[k->i] != '"') {
				if (k->s[k->i] == '\\' && k->i + 1 < k->n)
					k->i++;
				k->i++;
			}
			if (k->i >= k->n)
				return dts_error(l, k, d, "a closing '\"'");
			size_t len = k->i - st;
			k->i++;
			if (p && p->strs_len + len + 1 < sizeof(p->strs)) {
				memcpy(p->strs + p->strs_len, k->s + st, len);
				p->strs_len += len;
				p->strs[p->strs_len++] = 0;
				p->has_str = true;
			}
		} else if (c == '<') {
			k->i++;
			for (;;) {
				ws(k);
				if (k->i >= k->n)
					return dts_error(l, k, d, "'>'");
				if (k->s[k->i] == '>') {
					k->i++;
					break;
				}
				if (k->s[k->i] == '(') { /* an expression: skip it, count a cell */
					int lvl = 0;
					do {
						if (k->s[k->i] == '(')
							lvl++;
						else if (k->s[k->i] == ')')
							lvl--;
						k->i++;
					} while (k->i < k->n && lvl > 0);
					if (p && p->ncells < 4)
						p->cells[p->ncells++] = 0;
					continue;
				}
				const char *s;
				size_t n;
				if (k->s[k->i] == '&')
					k->i++;
				if (!ident(k, &s, &n))
					return dts_error(l, k, d, "a cell value");
				uint64_t v = 0;
				if (!mtd_lay_num(s, n, &v))
					v = 0; /* a reference or macro */
				if (p && p->ncells < 4)
					p->cells[p->ncells++] = v;
			}
		} else if (c == '[') {
			while (k->i < k->n && k->s[k->i] != ']')
				k->i++;
			if (k->i >= k->n)
				return dts_error(l, k, d, "']'");
			k->i++;
		} else if (c == '&') {
			const char *s;
			size_t n;
			k->i++;
			ident(k, &s, &n);
		} else if (k->n - k->i >= 6 && !memcmp(k->s + k->i, "/bits/", 6)) {
			const char *s;
			size_t n;
			k->i += 6;
			ws(k);
			ident(k, &s, &n);
			continue;          /* the <cells> follow */
		} else if (name_char(c)) { /* a macro from an #include: its value is unknown */
			const char *s;
			size_t n;
			ident(k, &s, &n);
			ws(k);
			if (k->i < k->n && k->s[k->i] == '(') { /* MACRO(args) */
				int lvl = 0;
				do {
					if (k->s[k->i] == '(')
						lvl++;
					else if (k->s[k->i] == ')')
						lvl--;
					k->i++;
				} while (k->i < k->n && lvl > 0);
			}
		} else {
			return dts_error(l, k, d, "a string, <cells> or [bytes]");
		}
		ws(k);
		if (k->i < k->n && k->s[k->i] == ',') {
			k->i++;
			continue;
		}
		if (k->i < k->n && k->s[k->i] == ';') {
			k->i++;
			return 0;
		}
		return dts_error(l, k, d, "';' after a property value");
	}
}

static int dts_body(struct mtd_layout *l, struct dtree *t, struct tok *k, int node, int depth, struct mtd_diag *d)
{
	if (depth > DT_MAX_DEPTH)
		return mtd_diag_at(d, MTD_ERR_LIMIT, l->source, k->i, "line %u: nodes nested deeper than %d", k->line,
		                   DT_MAX_DEPTH);
	for (;;) {
		ws(k);
		if (k->i >= k->n)
			return dts_error(l, k, d, "'}'");
		if (k->s[k->i] == '}') {
			k->i++;
			ws(k);
			if (k->i < k->n && k->s[k->i] == ';')
				k->i++;
			return 0;
		}
		if (k->s[k->i] == '/') { /* /delete-node/ x; /delete-property/ y; */
			while (k->i < k->n && k->s[k->i] != ';')
				k->i++;
			if (k->i < k->n)
				k->i++;
			continue;
		}
		const char *s;
		size_t n;
		if (!ident(k, &s, &n))
			return dts_error(l, k, d, "a property or node name");
		ws(k);
		if (k->i < k->n && k->s[k->i] == ':') { /* label: node */
			k->i++;
			ws(k);
			if (!ident(k, &s, &n))
				return dts_error(l, k, d, "a node name after a label");
			ws(k);
		}
		if (k->i >= k->n)
			return dts_error(l, k, d, "'{', '=' or ';'");
		char c = k->s[k->i];
		if (c == '{') {
			k->i++;
			size_t nl = n;
			const char *at = memchr(s, '@', n);
			if (at)
				nl = n; /* keep the unit address in the name */
			int child = dt_add_node(t, s, nl, node);
			if (child < 0)
				return mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "more than %d nodes", DT_MAX_NODES);
			int rc = dts_body(l, t, k, child, depth + 1, d);
			if (rc)
				return rc;
		} else if (c == '=') {
			k->i++;
			struct dprop *p = dt_add_prop(t, node, s, n);
			if (!p)
				return mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "more than %d properties",
				                    DT_MAX_PROPS);
			int rc = dts_value(l, k, p, d);
			if (rc)
				return rc;
		} else if (c == ';') {
			k->i++;
			if (!dt_add_prop(t, node, s, n))
				return mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "more than %d properties",
				                    DT_MAX_PROPS);
		} else {
			return dts_error(l, k, d, "'{', '=' or ';'");
		}
	}
}

int mtd_lay_parse_dts(const char *text, size_t n, struct mtd_layout *l, struct mtd_diag *d)
{
	struct dtree t;
	if (tree_alloc(&t)) {
		tree_free(&t);
		return mtd_diag_set(d, MTD_ERR_NOMEM, l->source, "out of memory");
	}
	struct tok k = {text, n, 0, 1};
	int rc = 0;
	for (;;) {
		ws(&k);
		if (k.i >= k.n)
			break;
		if (k.n - k.i >= 9 && !memcmp(k.s + k.i, "/dts-v1/;", 9)) {
			k.i += 9;
			continue;
		}
		if (k.n - k.i >= 9 && !memcmp(k.s + k.i, "/include/", 9)) {
			while (k.i < k.n && k.s[k.i] != '\n')
				k.i++;
			continue;
		}
		if (k.n - k.i >= 8 && !memcmp(k.s + k.i, "/plugin/", 8)) {
			while (k.i < k.n && k.s[k.i] != ';')
				k.i++;
			if (k.i < k.n) /* past the ';' (none: the text ends here) */
				k.i++;
			continue;
		}
		if (k.s[k.i] == '/' && k.n - k.i >= 2 && k.s[k.i + 1] != '{' && k.s[k.i + 1] != ' ') {
			/* /delete-node/ &x; /memreserve/ ... ; */
			while (k.i < k.n && k.s[k.i] != ';')
				k.i++;
			if (k.i < k.n) /* past the ';' (none: the text ends here) */
				k.i++;
			continue;
		}
		int root;
		if (k.s[k.i] == '/') {
			k.i++;
			root = dt_add_node(&t, "/", 1, -1);
		} else if (k.s[k.i] == '&') {
			k.i++;
			const char *s;
			size_t sn;
			if (k.i < k.n && k.s[k.i] == '{') { /* &{/path} */
				while (k.i < k.n && k.s[k.i] != '}')
					k.i++;
				if (k.i < k.n)
					k.i++;
				s = "&path";
				sn = 5;
			} else if (!ident(&k, &s, &sn)) {
				rc = dts_error(l, &k, d, "a label after '&'");
				break;
			}
			root = dt_add_node(&t, s, sn, -1);
		} else {
			rc = dts_error(l, &k, d, "'/ {' or '&label {'");
			break;
		}
		if (root < 0) {
			rc = mtd_diag_set(d, MTD_ERR_LIMIT, l->source, "more than %d nodes", DT_MAX_NODES);
			break;
		}
		ws(&k);
		if (k.i < k.n && k.s[k.i] == ';') { /* &label; alone */
			k.i++;
			continue;
		}
		if (k.i >= k.n || k.s[k.i] != '{') {
			rc = dts_error(l, &k, d, "'{'");
			break;
		}
		k.i++;
		rc = dts_body(l, &t, &k, root, 1, d);
		if (rc)
			break;
	}
	if (!rc)
		rc = read_tree(l, &t, d);
	tree_free(&t);
	if (!rc)
		mtd_lay_parents_by_containment(l);
	return rc;
}
