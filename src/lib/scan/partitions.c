/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/reader.h>
#include <mtdscope/unitdata.h>

#include "partitions_int.h"
#include "view_int.h"

/*
 * The partitions an image carries, and what each holds (include/mtdscope/scan.h).
 *
 * While the scan runs, every claimed component is offered to
 * mtd_parts_note() with the bytes of its space (decoded streams are freed
 * right after their scan): device trees are parsed for fixed-partitions
 * (libfdt, through src/lib/layout), U-Boot environments for mtdparts= in
 * `mtdparts` or `bootargs` and for `ethaddr`, decoded streams searched for a
 * built-in kernel command line's mtdparts=.  At the end mtd_parts_finish()
 * picks the best layout (device tree, then environment, then command line,
 * then the MediaTek/Ralink vendor layout inferred from U-Boot at 0 and the
 * factory EEPROM where the scan found it), adds OpenWrt's firmware split
 * (kernel, rootfs, rootfs_data) when the layout has a bare firmware
 * partition, and judges every partition from the components found in it.
 */

enum cand_kind { CAND_DTB, CAND_ENV, CAND_CMDLINE, CAND_GPT, NCAND };

struct mtd_parts_state {
	struct mtd_layout *cand[NCAND];
	char cand_src[NCAND][160];
	int64_t cand_space[NCAND]; /* the space the layout was found in */
	int64_t note_space;        /* the space of the component being noted */
	char ethaddr[24];
	uint64_t ethaddr_at;
	bool have_ethaddr;
};

struct mtd_parts_state *mtd_parts_state_new(void)
{
	return calloc(1, sizeof(struct mtd_parts_state));
}

void mtd_parts_state_free(struct mtd_parts_state *s)
{
	if (!s)
		return;
	for (int i = 0; i < NCAND; i++)
		free(s->cand[i]);
	free(s);
}

static void where(char *out, size_t n, const struct mtd_component *c)
{
	if (c->space < 0)
		snprintf(out, n, "at 0x%llx", (unsigned long long)c->offset);
	else
		snprintf(out, n, "at ~0x%llx inside a decoded stream", (unsigned long long)c->offset);
}

/* Parse `text` as a mtdparts= layout into candidate k (first one found wins). */
static void take_mtdparts(struct mtd_parts_state *s, enum cand_kind k, const char *text, size_t len, const char *src)
{
	if (s->cand[k])
		return;
	struct mtd_layout *l = malloc(sizeof(*l));
	struct mtd_diag d;
	mtd_diag_clear(&d);
	if (!l)
		return;
	if (mtd_layout_parse((const uint8_t *)text, len, MTD_LK_MTDPARTS, "mtdparts", 0, l, &d) || !l->nparts) {
		free(l);
		return;
	}
	s->cand[k] = l;
	s->cand_space[k] = s->note_space;
	snprintf(s->cand_src[k], sizeof(s->cand_src[k]), "%s", src);
}

/* The mtdparts=... word in a command line (up to white space or the end). */
static bool mtdparts_word(const char *line, size_t len, const char **w, size_t *wlen)
{
	for (size_t i = 0; i + 9 <= len; i++) {
		if (memcmp(line + i, "mtdparts=", 9) != 0 || (i > 0 && line[i - 1] != ' '))
			continue;
		size_t e = i;
		while (e < len && line[e] != ' ' && line[e] != '\n' && line[e] && line[e] != '"')
			e++;
		*w = line + i;
		*wlen = e - i;
		return true;
	}
	return false;
}

void mtd_parts_note(struct mtd_parts_state *s, const struct mtd_component *c, const uint8_t *space, uint64_t space_len)
{
	if (!s || !c->size || !mtd_range_ok(c->offset, c->size, space_len) || c->size > SIZE_MAX)
		return;
	struct mtd_reader r, sub;
	mtd_rd_init(&r, space, (size_t)space_len, 0);
	if (!mtd_rd_window(&r, (size_t)c->offset, (size_t)c->size, &sub))
		return;
	const uint8_t *bytes;
	if (!mtd_rd_bytes_at(&sub, 0, (size_t)c->size, &bytes))
		return;
	char at[96];
	where(at, sizeof(at), c);
	s->note_space = c->space;
	if (!strcmp(c->type, "dtb") && c->valid && !s->cand[CAND_DTB]) {
		struct mtd_layout *l = malloc(sizeof(*l));
		struct mtd_diag d;
		mtd_diag_clear(&d);
		/* libfdt wants the blob 8-byte aligned: a FIT holds it wherever its data lands */
		uint8_t *copy = l && c->size <= (4u << 20) ? malloc((size_t)c->size) : NULL;
		if (copy)
			memcpy(copy, bytes, (size_t)c->size);
		int prc = copy ? mtd_layout_parse(copy, (size_t)c->size, MTD_LK_DTB, "dtb", 0, l, &d) : -1;
		free(copy);
		if (l && !prc && l->nparts) {
			s->cand[CAND_DTB] = l;
			s->cand_space[CAND_DTB] = c->space;
			snprintf(s->cand_src[CAND_DTB], sizeof(s->cand_src[CAND_DTB]),
			         "device tree fixed-partitions (dtb %s)", at);
		} else {
			free(l);
		}
	} else if (!strcmp(c->type, "gpt") && c->offset == 0 && !s->cand[CAND_GPT] && space_len <= SIZE_MAX) {
		/* a disk image (eMMC, SD card): its GPT from the start of the space it lies in */
		struct mtd_layout *l = malloc(sizeof(*l));
		struct mtd_diag d;
		mtd_diag_clear(&d);
		if (l && !mtd_layout_parse(space, (size_t)space_len, MTD_LK_GPT, "gpt", 0, l, &d) && l->nparts) {
			s->cand[CAND_GPT] = l;
			s->cand_space[CAND_GPT] = c->space;
			snprintf(s->cand_src[CAND_GPT], sizeof(s->cand_src[CAND_GPT]), "GPT %s", at);
		} else {
			free(l);
		}
	} else if (!strcmp(c->type, "uboot-env")) {
		struct mtd_env e;
		struct mtd_diag d;
		mtd_diag_clear(&d);
		if (mtd_env_parse(bytes, (size_t)c->size, (size_t)c->size, -1, &e, &d))
			return;
		char src[160];
		const char *v = mtd_env_get(&e, "mtdparts");
		if (v) {
			snprintf(src, sizeof(src), "mtdparts in the U-Boot environment %s", at);
			size_t n = strlen(v);
			if (n > 9 && !memcmp(v, "mtdparts=", 9))
				take_mtdparts(s, CAND_ENV, v, n, src);
			else {
				char *t = malloc(n + 10);
				if (t) {
					memcpy(t, "mtdparts=", 9);
					memcpy(t + 9, v, n + 1);
					take_mtdparts(s, CAND_ENV, t, n + 9, src);
					free(t);
				}
			}
		}
		const char *w;
		size_t wl;
		if ((v = mtd_env_get(&e, "bootargs")) && mtdparts_word(v, strlen(v), &w, &wl)) {
			snprintf(src, sizeof(src), "mtdparts= in bootargs of the U-Boot environment %s", at);
			take_mtdparts(s, CAND_ENV, w, wl, src);
		}
		if ((v = mtd_env_get(&e, "ethaddr")) && !s->have_ethaddr) {
			snprintf(s->ethaddr, sizeof(s->ethaddr), "%s", v);
			s->ethaddr_at = c->offset;
			s->have_ethaddr = true;
		}
		mtd_env_release(&e);
	}
	if (c->decoded && c->decoded_size && !s->cand[CAND_CMDLINE] && c->decoded_size <= SIZE_MAX) {
		/* a built-in command line (CONFIG_CMDLINE) in a decoded kernel */
		struct mtd_reader dr;
		mtd_rd_init(&dr, c->decoded, (size_t)c->decoded_size, 0);
		size_t pos = 0, hit;
		for (int tries = 0; tries < 16 && mtd_rd_find(&dr, pos, "mtdparts=", 9, &hit); tries++) {
			size_t n = 0;
			const uint8_t *line;
			while (hit + n < c->decoded_size && n < 1024 && mtd_rd_u8_at(&dr, hit + n) >= 0x20 &&
			       mtd_rd_u8_at(&dr, hit + n) < 0x7f)
				n++;
			if (mtd_rd_bytes_at(&dr, hit, n, &line)) {
				const char *w;
				size_t wl;
				char src[160];
				snprintf(src, sizeof(src), "mtdparts= in a kernel command line inside the stream %s",
				         at);
				if (mtdparts_word((const char *)line, n, &w, &wl))
					take_mtdparts(s, CAND_CMDLINE, w, wl, src);
			}
			if (s->cand[CAND_CMDLINE])
				break;
			pos = hit + 9;
		}
	}
}

/* ---- finishing: the layout and the judgments ---- */

static bool is_gap(const char *t)
{
	return !strcmp(t, "unknown") || !strcmp(t, "random") || !strcmp(t, "erased") || !strcmp(t, "zero");
}

static void jproblem(struct mtd_part_judgment *j, const char *fmt, ...)
{
	if (j->nproblems >= sizeof(j->problems) / sizeof(j->problems[0]))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->problems[j->nproblems++], sizeof(j->problems[0]), fmt, ap);
	va_end(ap);
}

static void lproblem(struct mtd_scan_partitions *sp, const char *fmt, ...)
{
	if (sp->nproblems >= sizeof(sp->problems) / sizeof(sp->problems[0]))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sp->problems[sp->nproblems++], sizeof(sp->problems[0]), fmt, ap);
	va_end(ap);
}

/* A problem on a component the partition judge found (the same text as the partition's, for its consumers). */
static void cproblem(struct mtd_scan_result *r, const struct mtd_component *cc, const char *fmt, ...)
{
	struct mtd_component *c = (struct mtd_component *)cc;
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	for (size_t k = 0; k < c->nproblems; k++)
		if (!strcmp(c->problems[k], tmp))
			return;
	if (c->nproblems == c->problems_cap) {
		size_t cap = c->problems_cap ? c->problems_cap * 2 : 4;
		const char **n = mtd_realloc_array(c->problems, cap, sizeof(*n));
		if (!n)
			return;
		c->problems = n;
		c->problems_cap = cap;
	}
	const char *t = mtd_arena_strdup(&r->arena, tmp);
	if (t)
		c->problems[c->nproblems++] = t;
}

/* the top-level components of the flash space (view or dump) */
/*
 * The flash space: the dump (space -1) or a view (its id), and the parent of
 * its top-level components there: none (-1), the view, or a GPT covering a
 * disk image (the contents of its partitions are the GPT component's children).
 */
struct fsel {
	int64_t space, parent;
};

static bool in_flash(const struct mtd_component *c, struct fsel fs)
{
	return c->space == fs.space && c->parent == fs.parent;
}

static const struct mtd_component *find_at(const struct mtd_scan_result *r, struct fsel fs, const char *type,
                                           uint64_t off)
{
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (in_flash(c, fs) && c->offset == off && (!type || !strcmp(c->type, type)))
			return c;
	}
	return NULL;
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static int add_part(struct mtd_layout *l, const char *name, uint64_t off, uint64_t size, int parent, uint32_t flags)
{
	if (l->nparts >= MTD_LAYOUT_MAX_PARTS || !size)
		return -1;
	struct mtd_part *p = &l->parts[l->nparts];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->offset = off;
	p->size = p->declared_size = size;
	p->parent = parent;
	p->flags = flags | (parent >= 0 ? MTD_PART_NESTED : 0);
	p->role = mtd_part_role_from_name(name);
	return (int)l->nparts++;
}

/* MediaTek/Ralink vendor layout: U-Boot at 0, the factory EEPROM in the first MiB (0x40000, 0x50000, 0x58000...). */
static bool vendor_layout(const struct mtd_scan_result *r, struct fsel fs, uint64_t flash_len, struct mtd_layout *l,
                          char *src, size_t srcn)
{
	const struct mtd_component *boot = NULL, *fac = NULL, *env = NULL;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (!in_flash(c, fs))
			continue;
		if (c->offset == 0 && !is_gap(c->type))
			boot = c;
		if (!fac && !strcmp(c->type, "mtk-eeprom") && c->offset >= 0x10000 && c->offset <= 0x100000 &&
		    c->offset % 0x8000 == 0)
			fac = c;
	}
	if (!boot)
		return false;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (in_flash(c, fs) && !strcmp(c->type, "uboot-env") && (!fac || c->offset < fac->offset) &&
		    c->offset > 0 && c->offset % 0x1000 == 0 && !env)
			env = c;
	}
	bool assumed = false;
	struct mtd_component assumed_fac;
	if (!fac) {
		/*
		 * No EEPROM: an erased Factory still has its place when the 64 KiB
		 * after the environment's block is erased and the firmware follows.
		 */
		if (!env || env->offset % 0x10000)
			return false;
		uint64_t f = env->offset + 0x10000;
		const struct mtd_component *fw = find_at(r, fs, NULL, f + 0x10000);
		bool erased = false;
		for (size_t i = 0; i < r->ncomps; i++) {
			const struct mtd_component *c = r->comps[i];
			if (in_flash(c, fs) && !strcmp(c->type, "erased") && c->offset <= f &&
			    c->offset + c->size >= f + 0x10000)
				erased = true;
		}
		if (!erased || !fw || is_gap(fw->type))
			return false;
		memset(&assumed_fac, 0, sizeof(assumed_fac));
		assumed_fac.offset = f;
		fac = &assumed_fac;
		assumed = true;
	}
	mtd_layout_init(l);
	l->kind = MTD_LK_AUTO;
	l->chip_size = flash_len;
	l->chip_from = MTD_CHIP_TABLE;
	uint64_t fsize = 0x10000 - fac->offset % 0x10000;
	add_part(l, "u-boot", 0, env ? env->offset : fac->offset, -1, 0);
	if (env)
		add_part(l, "u-boot-env", env->offset, fac->offset - env->offset, -1, 0);
	add_part(l, "factory", fac->offset, fsize, -1, 0);
	if (fac->offset + fsize < flash_len)
		add_part(l, "firmware", fac->offset + fsize, flash_len - fac->offset - fsize, -1, 0);
	snprintf(src, srcn, "MediaTek/Ralink vendor layout (%s at 0, %s%s at 0x%llx)", boot->type,
	         env ? "U-Boot environment, " : "",
	         assumed ? "factory between environment and firmware" : "factory EEPROM",
	         (unsigned long long)fac->offset);
	return true;
}

/* OpenWrt's dynamic split of a bare firmware partition: kernel (uImage/FIT), rootfs (squashfs), rootfs_data. */
static void openwrt_split(const struct mtd_scan_result *r, struct fsel fs, struct mtd_layout *l)
{
	int fw = -1;
	for (size_t i = 0; i < l->nparts; i++) {
		if (l->parts[i].role == MTD_ROLE_FIRMWARE && l->parts[i].parent < 0) {
			bool kids = false;
			for (size_t k = 0; k < l->nparts; k++)
				kids |= l->parts[k].parent == (int)i;
			if (!kids)
				fw = (int)i;
			break;
		}
	}
	if (fw < 0)
		return;
	uint64_t fo = l->parts[fw].offset, fend = fo + l->parts[fw].size;
	const struct mtd_component *k = find_at(r, fs, "uimage", fo);
	if (!k)
		k = find_at(r, fs, "fit", fo);
	if (!k)
		return;
	const struct mtd_component *sq = NULL;
	for (size_t i = 0; i < r->ncomps && !sq; i++) {
		const struct mtd_component *c = r->comps[i];
		if (in_flash(c, fs) && !strcmp(c->type, "squashfs") && c->offset >= k->offset + k->size &&
		    c->offset < fend)
			sq = c;
	}
	uint32_t f = MTD_PART_AUTO;
	if (!sq) {
		add_part(l, "kernel", fo, k->size < fend - fo ? k->size : fend - fo, fw, f);
		return;
	}
	add_part(l, "kernel", fo, sq->offset - fo, fw, f);
	int rf = add_part(l, "rootfs", sq->offset, fend - sq->offset, fw, f);
	uint64_t rd = round_up(sq->offset + sq->size, 0x10000);
	if (rf >= 0 && rd < fend)
		add_part(l, "rootfs_data", rd, fend - rd, rf, f);
}

static const struct mtd_component *first_content(const struct mtd_scan_result *r, struct fsel fs, uint64_t o,
                                                 uint64_t e)
{
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (in_flash(c, fs) && !is_gap(c->type) && c->offset >= o && c->offset < e)
			return c;
	}
	return NULL;
}

/* Erased from o to o+n: every top component of the flash there is an erased gap (the map covers every byte). */
static bool all_erased(const struct mtd_scan_result *r, struct fsel fs, uint64_t o, uint64_t n)
{
	bool any = false;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (!in_flash(c, fs) || c->offset + c->size <= o || c->offset >= o + n)
			continue;
		if (strcmp(c->type, "erased"))
			return false;
		any = true;
	}
	return any;
}

static bool mac_close(const uint8_t a[6], const uint8_t b[6])
{
	if (memcmp(a, b, 3))
		return false;
	long x = (long)a[3] << 16 | a[4] << 8 | a[5], y = (long)b[3] << 16 | b[4] << 8 | b[5];
	return labs(x - y) <= 8;
}

/* The component of the flash that holds byte o (its EEPROM, or the erased gap over it). */
static const struct mtd_component *comp_over(const struct mtd_scan_result *r, struct fsel fs, uint64_t o)
{
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (in_flash(c, fs) && c->offset <= o && o - c->offset < c->size)
			return c;
	}
	return NULL;
}

static void judge_factory(const struct mtd_parts_state *s, struct mtd_scan_result *r, struct fsel fs,
                          const struct mtd_layout *l, size_t i, const struct mtd_reader *fl,
                          struct mtd_part_judgment *j)
{
	const struct mtd_part *p = &l->parts[i];
	const struct mtd_component *fc = comp_over(r, fs, p->offset);
	const uint8_t *bytes;
	if (!mtd_rd_bytes_at(fl, (size_t)p->offset, (size_t)p->size, &bytes))
		return;
	struct mtd_part_check pc;
	mtd_layout_check_content(l, i, bytes, (size_t)p->size, &pc);
	snprintf(j->what, sizeof(j->what), "%s", pc.what);
	if (pc.state == MTD_CONTENT_ERASED || pc.state == MTD_CONTENT_ZERO) {
		snprintf(j->state, sizeof(j->state), "erased");
		jproblem(
		    j, "Factory is %s: the unit's MACs and wifi calibration are gone (restore this unit's own backup)",
		    pc.state == MTD_CONTENT_ERASED ? "erased" : "all zero");
		if (fc)
			cproblem(r, fc, "%s", j->problems[j->nproblems - 1]);
		return;
	}
	if (pc.state == MTD_CONTENT_BAD) {
		snprintf(j->state, sizeof(j->state), "bad");
		jproblem(j, "Factory holds no MediaTek EEPROM that is recognised");
		return;
	}
	snprintf(j->state, sizeof(j->state), "ok");
	/* the MACs the device tree's nvmem cells point at */
	uint8_t macs[12][6];
	size_t n = 0;
	for (size_t m = 0; m < pc.nmacs && n < 12; m++)
		memcpy(macs[n++], pc.macs[m], 6);
	for (size_t c = 0; c < p->ncells && n < 12; c++)
		if (p->cells[c].is_mac && p->cells[c].offset + 6 <= p->size)
			mtd_rd_copy_at(fl, (size_t)(p->offset + p->cells[c].offset), macs[n++], 6);
	uint8_t env[6];
	if (!s->have_ethaddr || !mtd_mac_parse(s->ethaddr, env) || !n)
		return;
	for (size_t m = 0; m < n; m++)
		if (mtd_mac_is_valid(macs[m]) && mac_close(macs[m], env))
			return;
	char first[18];
	mtd_mac_format(macs[0], first);
	snprintf(j->state, sizeof(j->state), "foreign");
	jproblem(j,
	         "Factory MACs (%s%s) are not this unit's: the U-Boot environment at 0x%llx says ethaddr=%s "
	         "(a Factory copied from another unit?)",
	         first, n > 1 ? ", ..." : "", (unsigned long long)s->ethaddr_at, s->ethaddr);
	if (fc)
		cproblem(r, fc, "%s", j->problems[j->nproblems - 1]);
}

/* A firmware's kernel: a FIT, or a uImage of a kernel (not a bootloader, script or filesystem). */
static bool is_kernel_image(const struct mtd_component *c)
{
	if (!strcmp(c->type, "fit"))
		return true;
	if (strcmp(c->type, "uimage"))
		return false;
	const struct mtd_detail *t = mtd_component_detail(c, "image_type");
	return t && t->kind == MTD_DV_STR &&
	       (!strcmp(t->s, "kernel") || !strcmp(t->s, "multi") || !strcmp(t->s, "kernel_noload"));
}

/* What follows a kernel inside one firmware image (its rootfs, overlay, metadata trailer, padding). */
static bool is_firmware_rest(const struct mtd_component *c)
{
	static const char *const t[] = {"squashfs", "jffs2", "ubi", "ubifs", "cramfs", "romfs", "openwrt-metadata"};
	if (is_gap(c->type) || is_kernel_image(c))
		return true;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		if (!strcmp(c->type, t[k]))
			return true;
	return false;
}

#define FW_ALIGN 0x10000u /* firmware images are padded to the 64 KiB erase block */

/*
 * Two firmware images one after the other in [lo, hi): kernels K1 < K2 with
 * only K1's rootfs, metadata and padding between them, and K2 at the first
 * 64 KiB boundary after them (sysupgrade images or firmware1+firmware2 cat
 * together).  In one firmware partition (`anywhere`) any second kernel counts.
 */
static bool concatenated(const struct mtd_scan_result *r, struct fsel fs, uint64_t lo, uint64_t hi, bool anywhere,
                         const struct mtd_component **k1, const struct mtd_component **k2)
{
	const struct mtd_component *ks[16];
	size_t nk = 0;
	for (size_t i = 0; i < r->ncomps && nk < 16; i++) {
		const struct mtd_component *c = r->comps[i];
		if (in_flash(c, fs) && c->offset >= lo && c->offset < hi && is_kernel_image(c)) {
			size_t at = nk++;
			while (at > 0 && ks[at - 1]->offset > c->offset) {
				ks[at] = ks[at - 1];
				at--;
			}
			ks[at] = c;
		}
	}
	for (size_t k = 0; k + 1 < nk; k++) {
		const struct mtd_component *a = ks[k], *b = ks[k + 1];
		uint64_t end = a->offset + a->size;
		bool clean = true;
		for (size_t i = 0; i < r->ncomps && clean; i++) {
			const struct mtd_component *c = r->comps[i];
			if (!in_flash(c, fs) || c->offset < a->offset || c->offset >= b->offset || is_gap(c->type))
				continue;
			clean = is_firmware_rest(c);
			if (c->offset + c->size > end)
				end = c->offset + c->size;
		}
		if (anywhere || (clean && round_up(end, FW_ALIGN) >= b->offset)) {
			*k1 = a, *k2 = b;
			return true;
		}
	}
	return false;
}

/* The MediaTek BootROM header BL2 starts with at o (mkimage -T mtk_image), or NULL. */
static const char *bl2_header(const struct mtd_reader *fl, uint64_t o)
{
	static const char *const heads[] = {"SF_BOOT", "EMMC_BOOT", "SDMMC_BOOT", "BOOTLOADER!", "BRLYT", "MMM"};
	for (size_t k = 0; k < sizeof(heads) / sizeof(heads[0]); k++)
		if (o <= SIZE_MAX && mtd_rd_eq_at(fl, (size_t)o, heads[k], strlen(heads[k])))
			return heads[k];
	return NULL;
}

static void judge(const struct mtd_parts_state *s, struct mtd_scan_result *r, struct fsel fs,
                  const struct mtd_reader *fl, const struct mtd_layout *l, size_t i, struct mtd_part_judgment *j)
{
	const struct mtd_part *p = &l->parts[i];
	uint64_t o = p->offset, e = p->offset + p->size;
	j->component = -1;
	if (!mtd_range_ok(o, p->size, mtd_rd_left(fl))) {
		snprintf(j->state, sizeof(j->state), "missing");
		jproblem(j, "lies past the end of the dump (0x%llx bytes)", (unsigned long long)mtd_rd_left(fl));
		return;
	}
	const struct mtd_component *c = first_content(r, fs, o, e);
	if (c)
		j->component = c->id;
	bool erased = all_erased(r, fs, o, p->size);
	switch (p->role) {
	case MTD_ROLE_FACTORY: judge_factory(s, r, fs, l, i, fl, j); return;
	case MTD_ROLE_ENV: {
		const uint8_t *bytes;
		struct mtd_part_check pc;
		if (!mtd_rd_bytes_at(fl, (size_t)o, (size_t)p->size, &bytes))
			return;
		mtd_layout_check_content(l, i, bytes, (size_t)p->size, &pc);
		if (pc.state == MTD_CONTENT_BAD && p->size <= (16u << 20)) {
			/* the size the check guessed from the text failed: an environment as large as its
			 * partition (MT798x: 0x80000) has its CRC over the whole partition */
			struct mtd_env env;
			struct mtd_diag d;
			mtd_diag_clear(&d);
			if (!mtd_env_parse(bytes, (size_t)p->size, (size_t)p->size, -1, &env, &d)) {
				if (env.crc_ok) {
					pc.state = MTD_CONTENT_OK;
					snprintf(pc.what, sizeof(pc.what),
					         "U-Boot environment 0x%zx bytes%s, %zu variables, CRC ok", env.size,
					         env.redundant ? " (redundant)" : "", env.nvars);
				}
				mtd_env_release(&env);
			}
		}
		snprintf(j->what, sizeof(j->what), "%s", pc.what);
		snprintf(j->state, sizeof(j->state), "%s",
		         pc.state == MTD_CONTENT_OK       ? "ok"
		         : pc.state == MTD_CONTENT_ERASED ? "erased"
		         : pc.state == MTD_CONTENT_BAD    ? "bad"
		                                          : "unknown");
		if (pc.state == MTD_CONTENT_BAD)
			jproblem(j, "environment CRC fails: U-Boot will use its built-in defaults");
		return;
	}
	case MTD_ROLE_ROOTFS_DATA:
		if (erased) {
			snprintf(j->state, sizeof(j->state), "erased");
			snprintf(j->what, sizeof(j->what),
			         "erased: no overlay yet (first boot, or after a factory reset)");
		} else if (c && (!strcmp(c->type, "jffs2") || !strcmp(c->type, "ubifs") || !strcmp(c->type, "ubi"))) {
			snprintf(j->state, sizeof(j->state), c->valid ? "ok" : "bad");
			snprintf(j->what, sizeof(j->what), "%s overlay at 0x%llx", c->type,
			         (unsigned long long)c->offset);
			if (!c->valid)
				jproblem(j, "the %s overlay fails its checks", c->type);
		} else {
			snprintf(j->state, sizeof(j->state), "unknown");
			snprintf(j->what, sizeof(j->what), "neither erased nor a JFFS2/UBIFS overlay");
		}
		return;
	default: break;
	}
	if (erased) {
		snprintf(j->state, sizeof(j->state), "erased");
		snprintf(j->what, sizeof(j->what), "erased (all 0xFF)");
		if (p->role == MTD_ROLE_BOOTLOADER && !strcmp(p->name, "bl2"))
			jproblem(j, "BL2 is erased: the board starts from BL2 and will not boot");
		else if (p->role == MTD_ROLE_BOOTLOADER)
			jproblem(j, "the bootloader is erased: the unit will not boot");
		else if (p->role == MTD_ROLE_FIRMWARE || p->role == MTD_ROLE_KERNEL)
			jproblem(j, "no firmware: the partition is erased");
		return;
	}
	const char *bl2 = p->role == MTD_ROLE_BOOTLOADER && (!c || c->offset != o) ? bl2_header(fl, o) : NULL;
	if (bl2) {
		snprintf(j->state, sizeof(j->state), "ok");
		snprintf(j->what, sizeof(j->what), "MediaTek BootROM image ('%s' header: BL2 or preloader) at 0x%llx",
		         bl2, (unsigned long long)o);
		return;
	}
	if (!c) {
		snprintf(j->state, sizeof(j->state), "unknown");
		snprintf(j->what, sizeof(j->what), "nothing recognised");
		if (p->role == MTD_ROLE_BOOTLOADER)
			jproblem(j, "no bootloader recognised at the start");
		return;
	}
	const struct mtd_detail *dv = mtd_component_detail(c, "version");
	const struct mtd_detail *dn = mtd_component_detail(c, "name");
	snprintf(j->what, sizeof(j->what), "%s%s%s%s at 0x%llx", c->type, dv || dn ? " '" : "",
	         dv && dv->kind == MTD_DV_STR   ? dv->s
	         : dn && dn->kind == MTD_DV_STR ? dn->s
	                                        : "",
	         dv || dn ? "'" : "", (unsigned long long)c->offset);
	snprintf(j->state, sizeof(j->state), "ok");
	if (c->offset != o && (p->role == MTD_ROLE_FIRMWARE || p->role == MTD_ROLE_KERNEL ||
	                       p->role == MTD_ROLE_BOOTLOADER || p->role == MTD_ROLE_ROOTFS))
		jproblem(j, "its content (%s) starts 0x%llx bytes after the partition start: shifted partitions?",
		         c->type, (unsigned long long)(c->offset - o));
	/* every component inside that fails a check */
	for (size_t k = 0; k < r->ncomps; k++) {
		const struct mtd_component *x = r->comps[k];
		if (!in_flash(x, fs) || is_gap(x->type) || x->offset < o || x->offset >= e || x->valid)
			continue;
		snprintf(j->state, sizeof(j->state), "bad");
		jproblem(j, "%s at 0x%llx fails its checks%s%s", x->type, (unsigned long long)x->offset,
		         x->nproblems ? ": " : "", x->nproblems ? x->problems[0] : "");
	}
	const struct mtd_component *k1, *k2;
	if (p->role == MTD_ROLE_FIRMWARE && p->parent < 0 && concatenated(r, fs, o, e, true, &k1, &k2)) {
		snprintf(j->state, sizeof(j->state), "bad");
		jproblem(j,
		         "holds two firmware images: %s at 0x%llx and %s at 0x%llx (a second firmware concatenated "
		         "after the first: only the first boots)",
		         k1->type, (unsigned long long)k1->offset, k2->type, (unsigned long long)k2->offset);
		cproblem(r, k2,
		         "a second firmware image in partition '%s': the first is %s at 0x%llx (two firmwares "
		         "concatenated: only the first boots)",
		         p->name, k1->type, (unsigned long long)k1->offset);
	}
}

/* mtdparts "-": the rest of the chip, which is this dump */
static void resolve_remainder(struct mtd_layout *l, uint64_t flash_len)
{
	for (size_t i = 0; i < l->nparts; i++) {
		struct mtd_part *p = &l->parts[i];
		if ((p->flags & MTD_PART_REMAINDER) && p->size == 0 && p->offset < flash_len)
			p->size = flash_len - p->offset;
	}
	/* a '-' partition parsed with no size yet may have been nested in the one before it, which ends
	 * where it starts: a partition not inside its parent is top level */
	for (size_t i = 0; i < l->nparts; i++) {
		struct mtd_part *p = &l->parts[i];
		if (p->parent < 0 || (size_t)p->parent >= l->nparts)
			continue;
		const struct mtd_part *q = &l->parts[p->parent];
		if (p->offset < q->offset || p->offset + p->size > q->offset + q->size) {
			p->parent = -1;
			p->flags &= ~MTD_PART_NESTED;
		}
	}
}

/*
 * How well a layout fits what the scan found: of its partitions whose role
 * says what they should hold (bootloader, env, factory, firmware...) and
 * that lie in the dump, how many hold it at their start.
 */
static void fit(const struct mtd_scan_result *r, struct fsel fs, uint64_t flash_len, const struct mtd_layout *l,
                int *match, int *checkable)
{
	*match = *checkable = 0;
	for (size_t i = 0; i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (p->offset >= flash_len)
			continue;
		const struct mtd_component *c = find_at(r, fs, NULL, p->offset);
		bool content = c && !is_gap(c->type);
		switch (p->role) {
		case MTD_ROLE_BOOTLOADER:
		case MTD_ROLE_FIRMWARE:
		case MTD_ROLE_KERNEL:
		case MTD_ROLE_ROOTFS: ++*checkable, *match += content; break;
		case MTD_ROLE_FACTORY: ++*checkable, *match += c && !strcmp(c->type, "mtk-eeprom"); break;
		case MTD_ROLE_ENV: ++*checkable, *match += c && !strcmp(c->type, "uboot-env"); break;
		default: break;
		}
	}
}

/*
 * MT798x boards boot BL2 from offset 0 (a device header made by mkimage -T
 * mtk_image: "SF_BOOT" for SPI NOR, "EMMC_BOOT", "BOOTLOADER!" for SPI NAND,
 * or a bare GFH "MMM"; "BRLYT" on older SoCs), then the ATF FIP (ToC header
 * 0xAA640001, 0x12345678) with BL31 and U-Boot.  A FIP (found by the scan or
 * on a 4 KiB boundary in the first 8 MiB) with none of those at 0 cannot boot.
 */
static void bl2_check(struct mtd_scan_result *r, struct fsel fs, const struct mtd_reader *fl,
                      const struct mtd_layout *l, struct mtd_scan_partitions *sp)
{
	static const uint8_t toc[8] = {0x01, 0x00, 0x64, 0xaa, 0x78, 0x56, 0x34, 0x12};
	uint64_t fip = UINT64_MAX;
	for (size_t i = 0; i < r->ncomps && fip == UINT64_MAX; i++)
		if (in_flash(r->comps[i], fs) && !strcmp(r->comps[i]->type, "fip"))
			fip = r->comps[i]->offset;
	for (size_t o = 0x1000; fip == UINT64_MAX && o < (8u << 20) && o + 8 <= mtd_rd_left(fl); o += 0x1000)
		if (mtd_rd_eq_at(fl, o, toc, 8))
			fip = o;
	/* a layout with a bl2 partition (MT798x GPT and NOR/NAND layouts): BL2 belongs there */
	for (size_t i = 0; l && i < l->nparts; i++) {
		const struct mtd_part *p = &l->parts[i];
		if (strcmp(p->name, "bl2") || p->parent >= 0 || !mtd_range_ok(p->offset, p->size, mtd_rd_left(fl)))
			continue;
		if (!all_erased(r, fs, p->offset, p->size))
			return;
		char withfip[96] = "";
		if (fip != UINT64_MAX && fip != 0)
			snprintf(withfip, sizeof(withfip), " (an ATF FIP at 0x%llx but no BL2 at 0x%llx)",
			         (unsigned long long)fip, (unsigned long long)p->offset);
		lproblem(sp,
		         "no BL2: the bl2 partition at 0x%llx (0x%llx bytes) is erased%s: an MT798x board starts from "
		         "BL2 and will not boot (write BL2 back)",
		         (unsigned long long)p->offset, (unsigned long long)p->size, withfip);
		const struct mtd_component *c = comp_over(r, fs, p->offset);
		if (c)
			cproblem(r, c, "%s", sp->problems[sp->nproblems - 1]);
		return;
	}
	/* a FIP at the start of the space is a FIP file, not a flash dump that lost its BL2 */
	if (fip == UINT64_MAX || fip == 0)
		return;
	if (bl2_header(fl, 0))
		return;
	lproblem(sp,
	         "an ATF FIP at 0x%llx but no BL2 at 0 (no SF_BOOT, EMMC_BOOT, BOOTLOADER! or GFH 'MMM' header): "
	         "the board will not boot (write BL2 back at 0)",
	         (unsigned long long)fip);
}

/* Without a layout: a firmware file (sysupgrade image) followed by another. */
static void concat_check(struct mtd_scan_result *r, struct fsel fs, uint64_t flash_len, struct mtd_scan_partitions *sp)
{
	const struct mtd_component *k1, *k2;
	if (!concatenated(r, fs, 0, flash_len, false, &k1, &k2))
		return;
	lproblem(sp,
	         "holds two firmware images: %s at 0x%llx and %s at 0x%llx right after it (two firmware images "
	         "concatenated: a flasher writes or boots only the first)",
	         k1->type, (unsigned long long)k1->offset, k2->type, (unsigned long long)k2->offset);
	cproblem(r, k2, "a second firmware image right after the one at 0x%llx (%s): two firmwares concatenated",
	         (unsigned long long)k1->offset, k1->type);
}

int mtd_parts_finish(struct mtd_parts_state *s, struct mtd_scan_result *r, const uint8_t *flash, uint64_t flash_len,
                     int64_t space)
{
	struct fsel fs = {space, space};
	if (!s || !flash || flash_len > SIZE_MAX)
		return 0;
	struct mtd_scan_partitions *sp = calloc(1, sizeof(*sp));
	if (!sp)
		return MTD_ERR_NOMEM;
	if (r->view && r->view->kind == MTD_VIEW_MIRROR && space >= 0) {
		/* a dump of the chip read twice (or more): say so, once, as the layout's first problem */
		char why[240];
		mtd_view_mirror_problem(r->view, why, sizeof(why));
		lproblem(sp, "%s", why);
		for (size_t i = 0; i < r->ncomps; i++)
			if (r->comps[i]->id == space)
				cproblem(r, r->comps[i], "%s", why);
	}
	/* every layout found, plus the vendor one; the one that fits the dump best wins (ties: this order) */
	struct mtd_layout *vendor = malloc(sizeof(*vendor));
	char vsrc[200];
	if (vendor && !vendor_layout(r, fs, flash_len, vendor, vsrc, sizeof(vsrc))) {
		free(vendor);
		vendor = NULL;
	}
	const struct mtd_layout *cands[NCAND + 1];
	const char *srcs[NCAND + 1];
	int n = 0, pick = -1;
	for (int k = 0; k < NCAND; k++) {
		if (!s->cand[k] || (k == CAND_GPT && s->cand_space[k] != space))
			continue;
		/* found at the top of a view (NAND, mirror): its offset is the view's, not a decoded stream's */
		char *ds =
		    space >= 0 && s->cand_space[k] == space ? strstr(s->cand_src[k], " inside a decoded stream") : NULL;
		char *tilde = ds ? strstr(s->cand_src[k], "at ~0x") : NULL;
		if (ds) {
			static const char phrase[] = " inside a decoded stream", repl[] = " of the view";
			char *rest = ds + sizeof(phrase) - 1;
			memmove(ds + sizeof(repl) - 1, rest, strlen(rest) + 1);
			memcpy(ds, repl, sizeof(repl) - 1);
			if (tilde && tilde < ds)
				memmove(tilde + 3, tilde + 4, strlen(tilde + 4) + 1);
		}
		cands[n] = s->cand[k], srcs[n++] = s->cand_src[k];
	}
	/* a GPT at 0 covering the flash: what its partitions hold are its children */
	struct fsel disk = fs;
	for (size_t i = 0; i < r->ncomps; i++)
		if (in_flash(r->comps[i], fs) && !strcmp(r->comps[i]->type, "gpt") && r->comps[i]->offset == 0)
			disk.parent = r->comps[i]->id;
	if (vendor)
		cands[n] = vendor, srcs[n++] = vsrc;
	/*
	 * A layout the image states (device tree, environment, command line)
	 * wins when at least two of its checkable partitions and three quarters
	 * of them hold what they should, even if the dump's size disagrees (that
	 * is then a finding); else the vendor inference; else the best stated one.
	 */
	int m[NCAND + 1], chk[NCAND + 1];
	for (int k = 0; k < n; k++) {
		resolve_remainder((struct mtd_layout *)cands[k], flash_len);
		fit(r, cands[k] == s->cand[CAND_GPT] ? disk : fs, flash_len, cands[k], &m[k], &chk[k]);
	}
	for (int k = 0; k < n && pick < 0; k++)
		if (cands[k] != vendor && m[k] >= 2 && m[k] * 4 >= chk[k] * 3)
			pick = k;
	for (int k = 0; k < n && pick < 0; k++)
		if (cands[k] == vendor)
			pick = k;
	/* a GPT that fits nothing found is a disk's table, not this flash's layout */
	if (pick < 0)
		for (int k = 0; k < n; k++)
			if ((pick < 0 || m[k] > m[pick]) && (cands[k] != s->cand[CAND_GPT] || m[k] > 0))
				pick = k;
	if (pick >= 0 && cands[pick] == s->cand[CAND_GPT])
		fs = disk;
	/*
	 * A file that is one component from its first byte to its last (an environment, a device tree,
	 * a firmware image saved on its own) is that component, not a dump of the flash its layout
	 * describes: a layout it carries that it does not fit (fewer than two partitions hold what they
	 * should) is noted, and no partition is judged "past the end of the dump".
	 */
	const struct mtd_component *lone = NULL;
	for (size_t i = 0; i < r->ncomps; i++) {
		const struct mtd_component *c = r->comps[i];
		if (in_flash(c, fs) && !is_gap(c->type))
			lone = !lone && c->offset == 0 && c->size == flash_len ? c : (const struct mtd_component *)-1;
	}
	if (lone == (const struct mtd_component *)-1 ||
	    (lone && (!strcmp(lone->type, "gpt") || !strcmp(lone->type, "mbr"))))
		lone = NULL;
	uint64_t lend = 0; /* where the layout's partitions end ('-' ones at their start) */
	for (size_t i = 0; pick >= 0 && i < cands[pick]->nparts; i++) {
		const struct mtd_part *p = &cands[pick]->parts[i];
		uint64_t e = p->offset + ((p->flags & MTD_PART_REMAINDER) ? 0 : p->size);
		lend = e > lend ? e : lend;
	}
	if (pick >= 0 && lone && m[pick] < 2 && flash_len < lend) {
		snprintf(
		    sp->notes[sp->nnotes++], sizeof(sp->notes[0]),
		    "the file is one %s: its layout (%s) describes the flash it came from, not this file, and is not "
		    "judged here",
		    lone->type, srcs[pick]);
		pick = -1;
	}
	struct mtd_reader fl;
	mtd_rd_init(&fl, flash, (size_t)flash_len, 0);
	if (pick < 0) {
		/* no layout: only what the dump says about itself */
		free(vendor);
		bl2_check(r, fs, &fl, NULL, sp);
		concat_check(r, fs, flash_len, sp);
		if (!sp->nproblems && !sp->nnotes) {
			free(sp);
			return 0;
		}
		r->partitions = sp;
		return 0;
	}
	sp->layout = *cands[pick];
	snprintf(sp->source, sizeof(sp->source), "%s", srcs[pick]);
	for (int k = 0; k < n; k++)
		if (k != pick && sp->nnotes < sizeof(sp->notes) / sizeof(sp->notes[0]))
			snprintf(sp->notes[sp->nnotes++], sizeof(sp->notes[0]),
			         "another layout fits the dump less well and was not used: %s", srcs[k]);
	free(vendor);
	struct mtd_layout *l = &sp->layout;
	/* the chip the layout describes */
	uint64_t end = 0;
	for (size_t i = 0; i < l->nparts; i++)
		if (l->parts[i].offset + l->parts[i].size > end && !(l->parts[i].flags & MTD_PART_REMAINDER))
			end = l->parts[i].offset + l->parts[i].size;
	for (size_t i = 0; i < l->nparts; i++)
		if ((l->parts[i].flags & MTD_PART_REMAINDER) && flash_len > end)
			end = flash_len;
	/* a table that ends in a '-' partition gives only a lower bound of the chip: the size taken from
	 * its end (mtd_lay_finish) is not the chip's, the dump's is */
	bool remainder = false;
	for (size_t i = 0; i < l->nparts; i++)
		if (l->parts[i].flags & MTD_PART_REMAINDER)
			remainder = true;
	if (!l->chip_size || (remainder && l->chip_from == MTD_CHIP_TABLE && end > l->chip_size))
		l->chip_size = end;
	size_t before = l->nparts;
	openwrt_split(r, fs, l);
	if (l->nparts > before)
		snprintf(sp->split, sizeof(sp->split), "the OpenWrt firmware split (kernel, rootfs, rootfs_data)");
	if (l->chip_size && l->chip_size != flash_len) {
		char why[200];
		mtd_layout_explain_size(l, flash_len, why, sizeof(why));
		if (why[0])
			lproblem(sp, "the dump does not match its own layout: %s", why);
		else
			lproblem(sp, "the dump is 0x%llx bytes but its layout describes a chip of 0x%llx bytes",
			         (unsigned long long)flash_len, (unsigned long long)l->chip_size);
	}
	for (size_t i = 0; i < l->nparts; i++)
		judge(s, r, fs, &fl, l, i, &sp->judg[i]);
	bl2_check(r, fs, &fl, l, sp);
	r->partitions = sp;
	return 0;
}

void mtd_scan_partitions_to_json(const struct mtd_scan_result *r, struct mtd_json *j)
{
	const struct mtd_scan_partitions *sp = r->partitions;
	mtd_json_key(j, "partitions");
	mtd_json_begin_array(j);
	for (size_t i = 0; sp && i < sp->layout.nparts; i++) {
		const struct mtd_part *p = &sp->layout.parts[i];
		const struct mtd_part_judgment *jd = &sp->judg[i];
		mtd_json_begin_object(j);
		mtd_json_kv_str(j, "name", p->name);
		mtd_json_kv_u64(j, "offset", p->offset);
		mtd_json_kv_u64(j, "size", p->size);
		mtd_json_kv_str(j, "role", mtd_part_role_name(p->role));
		mtd_json_key(j, "parent");
		if (p->parent < 0)
			mtd_json_null(j);
		else
			mtd_json_i64(j, p->parent);
		mtd_json_kv_str(j, "source", (p->flags & MTD_PART_AUTO) && sp->split[0] ? sp->split : sp->source);
		mtd_json_kv_str(j, "state", jd->state);
		mtd_json_kv_str(j, "what", jd->what);
		mtd_json_key(j, "component");
		if (jd->component < 0)
			mtd_json_null(j);
		else
			mtd_json_i64(j, jd->component);
		mtd_json_key(j, "problems");
		mtd_json_begin_array(j);
		for (size_t k = 0; k < jd->nproblems; k++)
			mtd_json_string(j, jd->problems[k]);
		mtd_json_end_array(j);
		mtd_json_end_object(j);
	}
	mtd_json_end_array(j);
	mtd_json_key(j, "partitions_source");
	if (sp && sp->source[0])
		mtd_json_string(j, sp->source);
	else
		mtd_json_null(j);
	mtd_json_key(j, "layout_notes");
	mtd_json_begin_array(j);
	for (size_t k = 0; sp && k < sp->nnotes; k++)
		mtd_json_string(j, sp->notes[k]);
	mtd_json_end_array(j);
	mtd_json_key(j, "layout_problems");
	mtd_json_begin_array(j);
	for (size_t k = 0; sp && k < sp->nproblems; k++)
		mtd_json_string(j, sp->problems[k]);
	mtd_json_end_array(j);
}
