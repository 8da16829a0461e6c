/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtdscope/extract.h>

#include "format.h"

/*
 * UBI (drivers/mtd/ubi/ubi-media.h).  Every physical eraseblock (PEB) opens
 * with a 64-byte big-endian erase-counter header "UBI#"; a mapped PEB also
 * holds a 64-byte volume-id header "UBI!" at vid_hdr_offset, and its data at
 * data_offset.  Both headers end with a CRC-32 of the first 60 bytes (Linux
 * crc32 seeded with 0xFFFFFFFF, not inverted).  The layout volume (id
 * 0x7FFFEFFF, two copies) holds the volume table: 172-byte records with
 * their own CRC.
 *
 * The PEB size is not stored anywhere: it is the distance to the next EC
 * header of the same image (a power of two above data_offset: 1 KiB on NOR
 * with 1-byte writes, 2 KiB on small-page NAND, up to 16 MiB).  The extent is
 * the run of PEBs that carry EC headers of the same image sequence (erased
 * PEBs inside the run are part of it), ending after the last one.
 * A PEB whose EC header is damaged (its CRC fails, or its magic is gone but
 * a good VID header follows) still belongs to the image, as the kernel's
 * attach treats it (drivers/mtd/ubi/attach.c: a bad EC header makes the
 * erase counter unknown, the VID header is still read and the LEB used):
 * it counts for the PEB size and the run, its VID header is read, and the
 * damage is a problem naming the PEB, its offset and the stored and
 * computed CRCs.  When PEB 0's own EC header is the damaged one, the
 * geometry comes from the first good EC header at a power-of-two distance,
 * and PEB 0 must then hold a good VID header at that vid_offset.  The
 * volumes are assembled (LEBs in order, highest sqnum wins, unmapped LEBs
 * read as 0xFF, data_pad bytes dropped) by ubi_volume_fill(): the probe
 * hands all of them to the scanner as the component's decoded content (so
 * UBIFS and whatever else they hold is scanned) and the unpacker writes each
 * one as `<name>.img`.  Both read the image through ubi_read() below.
 */

#define EC_MAGIC   0x55424923u
#define VID_MAGIC  0x55424921u
#define HDR        64u
#define LAYOUT_VOL 0x7fffefffu
#define VTBL_REC   172u
#define MAX_VOLS   128u
#define MAX_PEBS   (1u << 20)
#define MIN_PEB    128u
#define MAX_PEB    (16u << 20)
#define MAX_VOLUME (1ull << 30) /* unpacker: larger volumes are not assembled */

/* ---- header decoders ---- */

/* An erase-counter header at the start of `peb`: magic (checked by the caller), version, offsets, sequence. */
struct ubi_ec {
	uint8_t version;
	uint32_t vid_off, data_off, seq;
	uint32_t crc_stored, crc_computed;
	bool crc_ok;
};

static bool hdr_crc_ok(const struct mtd_reader *h)
{
	uint32_t c;
	return mtd_rd_crc32_raw(h, 0, 60, 0xffffffffu, &c) && c == mtd_rd_be32_at(h, 60);
}

/* A good VID header at `at` of r: its magic and its CRC. */
static bool vid_ok_at(const struct mtd_reader *r, uint64_t at)
{
	struct mtd_reader v;
	return at <= SIZE_MAX && mtd_rd_window(r, (size_t)at, HDR, &v) && mtd_rd_be32_at(&v, 0) == VID_MAGIC &&
	       hdr_crc_ok(&v);
}

/* false: no EC magic (or fewer than HDR bytes) */
static bool ec_decode(const struct mtd_reader *peb, struct ubi_ec *ec)
{
	struct mtd_reader h;
	if (!mtd_rd_window(peb, 0, HDR, &h) || mtd_rd_be32_at(&h, 0) != EC_MAGIC)
		return false;
	ec->version = mtd_rd_u8_at(&h, 4);
	ec->vid_off = mtd_rd_be32_at(&h, 16);
	ec->data_off = mtd_rd_be32_at(&h, 20);
	ec->seq = mtd_rd_be32_at(&h, 24);
	ec->crc_stored = mtd_rd_be32_at(&h, 60);
	ec->crc_computed = 0;
	mtd_rd_crc32_raw(&h, 0, 60, 0xffffffffu, &ec->crc_computed);
	ec->crc_ok = ec->crc_computed == ec->crc_stored;
	return true;
}

/* The geometry an EC header gives, checked in 64 bits (a hostile vid_off must not wrap). */
static bool ec_geometry_ok(const struct ubi_ec *ec)
{
	return ec->crc_ok && ec->version == 1 && ec->vid_off >= HDR &&
	       (uint64_t)ec->data_off >= (uint64_t)ec->vid_off + HDR && ec->data_off <= MAX_PEB;
}

/* A LEB: where its data lies and what the VID header says of it. */
struct leb {
	uint32_t vol, lnum, data_size, used_ebs;
	uint64_t sqnum, peb;
	uint8_t type;
};

struct vol {
	bool present;
	uint32_t reserved, data_pad;
	uint8_t type, flags;
	char name[129];
	uint32_t max_lnum;  /* highest mapped LEB + 1, 0 when none */
	uint32_t last_data; /* static volumes: data bytes in the last LEB */
	uint64_t size;      /* bytes in the assembled content */
	uint64_t at;        /* offset in the assembled content of all volumes */
};

/* Everything ubi_read() learns about one image. */
struct ubi {
	struct mtd_reader in; /* the image, from its first PEB */
	struct ubi_ec ec;
	uint64_t peb;
	uint32_t leb_size;
	uint64_t pebs;      /* PEBs in the run (the extent is pebs * peb) */
	bool cut;           /* the space ends inside a PEB that opens with an EC header */
	uint64_t cut_bytes; /* bytes of that PEB present */
	uint64_t bad_ec, bad_vid, bad_data, erased, free_pebs, first_bad_vid;
	uint64_t first_bad_ec;                   /* PEB number of the first damaged EC header */
	bool first_bad_ec_magic;                 /* ... whose magic is gone (else its CRC fails) */
	uint32_t bad_ec_stored, bad_ec_computed; /* ... its CRCs */
	struct leb *lebs;                        /* sorted by volume, LEB, newest first */
	size_t nlebs;
	struct vol *vols; /* MAX_VOLS */
	bool have_vtbl;
	unsigned vtbl_bad;
	unsigned nvols;
	uint64_t total; /* assembled size of all volumes */
};

static int cmp_leb(const void *a, const void *b)
{
	const struct leb *x = a, *y = b;
	if (x->vol != y->vol)
		return x->vol < y->vol ? -1 : 1;
	if (x->lnum != y->lnum)
		return x->lnum < y->lnum ? -1 : 1;
	return x->sqnum < y->sqnum ? 1 : x->sqnum > y->sqnum ? -1 : 0; /* newest first */
}

/*
 * Does a PEB of the image (geometry ec0) start at `at` of in?  A good EC
 * header of the same image sequence; or a damaged one (the magic with a
 * failing CRC, or no magic at all) followed by a good VID header, or (magic
 * kept) by an erased VID header area.  *damaged says which.
 */
static bool peb_belongs(const struct mtd_reader *in, uint64_t at, const struct ubi_ec *ec0, bool *damaged)
{
	struct mtd_reader w, v;
	struct ubi_ec ec;
	*damaged = false;
	if (at > mtd_rd_left(in) || !mtd_rd_window(in, (size_t)at, mtd_rd_left(in) - (size_t)at, &w))
		return false;
	bool magic = ec_decode(&w, &ec);
	if (magic && ec.crc_ok)
		return ec.seq == ec0->seq;
	*damaged = true;
	if (vid_ok_at(&w, ec0->vid_off))
		return true;
	return magic && mtd_rd_window(&w, ec0->vid_off, HDR, &v) && mtd_rd_uniform_at(&v, 0, HDR, 0xff);
}

/*
 * The PEB size: the smallest power of two above data_offset where a PEB of
 * this image starts (peb_belongs).  0 when there is none (a lone PEB, or
 * not UBI).
 */
static uint64_t find_peb_size(const struct mtd_reader *in, const struct ubi_ec *ec0)
{
	uint64_t s = MIN_PEB;
	while (s <= ec0->data_off)
		s <<= 1;
	for (; s <= MAX_PEB && s < mtd_rd_left(in); s <<= 1) {
		bool damaged;
		if (peb_belongs(in, s, ec0, &damaged))
			return s;
	}
	return 0;
}

/*
 * PEB 0's EC header fails its CRC: the geometry of the first good EC header
 * at a power-of-two distance, when PEB 0 holds a good VID header at its
 * vid_offset.  false when there is none.
 */
static bool geometry_from_next(const struct mtd_reader *in, struct ubi_ec *out)
{
	for (uint64_t s = MIN_PEB; s <= MAX_PEB && s < mtd_rd_left(in); s <<= 1) {
		struct mtd_reader w;
		struct ubi_ec ec;
		if (!mtd_rd_eq_at(in, (size_t)s, "UBI#", 4) ||
		    !mtd_rd_window(in, (size_t)s, mtd_rd_left(in) - (size_t)s, &w) || !ec_decode(&w, &ec) ||
		    !ec_geometry_ok(&ec) || ec.data_off >= s)
			continue;
		if (!vid_ok_at(in, ec.vid_off))
			return false;
		*out = ec;
		return true;
	}
	return false;
}

/* Read the volume table from one copy of the layout volume; true when every record passed its CRC. */
static bool read_vtbl(const struct ubi *u, const struct leb *l, struct vol *vols, unsigned *bad)
{
	uint32_t n = u->leb_size / VTBL_REC;
	if (n > MAX_VOLS)
		n = MAX_VOLS;
	*bad = 0;
	struct mtd_reader data;
	if (!mtd_rd_window(&u->in, (size_t)(l->peb * u->peb + u->ec.data_off), u->leb_size, &data))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		struct mtd_reader rec;
		uint32_t crc;
		if (!mtd_rd_window(&data, (size_t)i * VTBL_REC, VTBL_REC, &rec) ||
		    !mtd_rd_crc32_raw(&rec, 0, 168, 0xffffffffu, &crc) || crc != mtd_rd_be32_at(&rec, 168)) {
			(*bad)++;
			continue;
		}
		uint32_t reserved = mtd_rd_be32_at(&rec, 0);
		if (!reserved)
			continue;
		struct vol *v = &vols[i];
		v->present = true;
		v->reserved = reserved;
		v->data_pad = mtd_rd_be32_at(&rec, 8);
		v->type = mtd_rd_u8_at(&rec, 12);
		v->flags = mtd_rd_u8_at(&rec, 144);
		uint16_t nl = mtd_rd_be16_at(&rec, 14);
		if (nl > 127)
			nl = 127;
		size_t k = 0;
		for (uint8_t c; k < nl && (c = mtd_rd_u8_at(&rec, 16 + k)) != 0; k++)
			v->name[k] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		v->name[k] = 0;
	}
	return *bad == 0;
}

static uint64_t usable(const struct ubi *u, const struct vol *v)
{
	return v->data_pad < u->leb_size ? u->leb_size - v->data_pad : 0;
}

/* The volumes' sizes and their places in the assembled content, from the LEBs mapped to them. */
static void size_volumes(struct ubi *u)
{
	for (size_t i = 0; i < u->nlebs; i++) {
		struct leb *l = &u->lebs[i];
		if (l->vol >= MAX_VOLS || !u->vols[l->vol].present || l->lnum >= u->vols[l->vol].reserved)
			continue;
		if (l->lnum + 1 > u->vols[l->vol].max_lnum) {
			u->vols[l->vol].max_lnum = l->lnum + 1;
			u->vols[l->vol].last_data = l->data_size;
		}
	}
	u->nvols = 0;
	u->total = 0;
	for (unsigned i = 0; i < MAX_VOLS; i++) {
		struct vol *v = &u->vols[i];
		if (!v->present)
			continue;
		u->nvols++;
		uint64_t us = usable(u, v);
		v->size = (uint64_t)v->max_lnum * us;
		/* a static volume ends with the data of its last LEB */
		if (v->type == 2 && v->max_lnum && v->last_data <= us)
			v->size -= us - v->last_data;
		v->at = u->total;
		u->total += v->size;
	}
}

static void ubi_release(struct ubi *u)
{
	free(u->lebs);
	free(u->vols);
	u->lebs = NULL;
	u->vols = NULL;
}

/*
 * Walk the image at the start of `in`: geometry, every PEB of the run, the
 * volume table and the volumes' sizes.  MTD_ERR_NO_MATCH when it does not
 * open with a UBI image.
 */
static int ubi_read(const struct mtd_reader *in, struct ubi *u)
{
	memset(u, 0, sizeof(*u));
	u->in = *in;
	uint64_t len = mtd_rd_left(in);
	if (len < 2 * HDR || !ec_decode(in, &u->ec))
		return MTD_ERR_NO_MATCH;
	if (!u->ec.crc_ok && !geometry_from_next(in, &u->ec))
		return MTD_ERR_NO_MATCH;
	if (!ec_geometry_ok(&u->ec))
		return MTD_ERR_NO_MATCH;
	u->peb = find_peb_size(in, &u->ec);
	if (!u->peb)
		return MTD_ERR_NO_MATCH;
	u->leb_size = (uint32_t)(u->peb - u->ec.data_off);

	uint64_t npeb_max = len / u->peb, last = 0, erased_run = 0;
	if (npeb_max > MAX_PEBS)
		npeb_max = MAX_PEBS;
	size_t cap = 0;
	for (uint64_t i = 0; i < npeb_max; i++) {
		struct mtd_reader b, v;
		struct ubi_ec ec;
		bool damaged;
		mtd_rd_window(in, (size_t)(i * u->peb), (size_t)u->peb, &b);
		bool magic = ec_decode(&b, &ec);
		if (!magic && mtd_rd_uniform_at(&b, 0, HDR, 0xff) && !vid_ok_at(&b, u->ec.vid_off)) {
			erased_run++; /* erased: part of the image only if a UBI PEB follows */
			continue;
		}
		if (!peb_belongs(in, i * u->peb, &u->ec, &damaged))
			break; /* not UBI, or another UBI image */
		if (damaged) {
			if (!u->bad_ec) {
				u->first_bad_ec = i;
				u->first_bad_ec_magic = !magic;
				u->bad_ec_stored = magic ? ec.crc_stored : 0;
				u->bad_ec_computed = magic ? ec.crc_computed : 0;
			}
			u->bad_ec++;
		}
		u->erased += erased_run;
		erased_run = 0;
		last = i + 1;
		if (!mtd_rd_window(&b, u->ec.vid_off, HDR, &v)) /* cannot fail: vid_off + HDR <= data_off < peb */
			break;
		uint64_t vid_at = mtd_rd_offset(&v);
		if (mtd_rd_be32_at(&v, 0) != VID_MAGIC || !hdr_crc_ok(&v)) {
			if (mtd_rd_be32_at(&v, 0) != VID_MAGIC && mtd_rd_uniform_at(&v, 0, HDR, 0xff)) {
				u->free_pebs++;
				continue;
			}
			if (!u->bad_vid)
				u->first_bad_vid = vid_at;
			u->bad_vid++;
			continue;
		}
		if (u->nlebs == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct leb *n = mtd_realloc_array(u->lebs, ncap, sizeof(*u->lebs));
			if (!n) {
				ubi_release(u);
				return MTD_ERR_NOMEM;
			}
			u->lebs = n;
			cap = ncap;
		}
		struct leb *l = &u->lebs[u->nlebs++];
		l->type = mtd_rd_u8_at(&v, 5);
		l->vol = mtd_rd_be32_at(&v, 8);
		l->lnum = mtd_rd_be32_at(&v, 12);
		l->data_size = mtd_rd_be32_at(&v, 20);
		l->used_ebs = mtd_rd_be32_at(&v, 24);
		l->sqnum = mtd_rd_be64_at(&v, 40);
		l->peb = i;
		/* static volumes (and copied LEBs) carry a data CRC */
		uint32_t crc;
		if ((l->type == 2 || mtd_rd_u8_at(&v, 6)) && l->data_size <= u->leb_size &&
		    mtd_rd_crc32_raw(&b, u->ec.data_off, l->data_size, 0xffffffffu, &crc) &&
		    crc != mtd_rd_be32_at(&v, 32))
			u->bad_data++;
	}
	u->pebs = last;
	/* a dump cut inside a PEB: the partial PEB still opens with an EC header */
	if (last == len / u->peb && len % u->peb >= 4 && mtd_rd_be32_at(in, (size_t)(last * u->peb)) == EC_MAGIC) {
		u->cut = true;
		u->cut_bytes = len % u->peb;
	}

	if (u->nlebs)
		qsort(u->lebs, u->nlebs, sizeof(*u->lebs), cmp_leb);
	/* volume table: the first copy whose records all pass, else the other */
	u->vols = calloc(MAX_VOLS, sizeof(*u->vols));
	if (!u->vols) {
		ubi_release(u);
		return MTD_ERR_NOMEM;
	}
	for (size_t i = 0; i < u->nlebs && !u->have_vtbl; i++) {
		if (u->lebs[i].vol != LAYOUT_VOL || u->lebs[i].lnum > 1)
			continue;
		memset(u->vols, 0, MAX_VOLS * sizeof(*u->vols));
		u->have_vtbl = read_vtbl(u, &u->lebs[i], u->vols, &u->vtbl_bad);
	}
	/* without a good copy, the records that passed in the last one tried still name volumes */
	size_volumes(u);
	return MTD_OK;
}

/* Copy volume `id`'s content (vols[id].size bytes) into dst, unmapped LEBs 0xFF. */
static void ubi_volume_fill(const struct ubi *u, unsigned id, uint8_t *dst)
{
	const struct vol *v = &u->vols[id];
	uint64_t us = usable(u, v);
	memset(dst, 0xff, (size_t)v->size);
	uint32_t prev_lnum = UINT32_MAX;
	for (size_t i = 0; i < u->nlebs; i++) {
		const struct leb *l = &u->lebs[i];
		if (l->vol != id || l->lnum == prev_lnum)
			continue; /* another volume, or an older copy */
		prev_lnum = l->lnum;
		if (l->lnum >= v->max_lnum)
			continue;
		uint64_t at = (uint64_t)l->lnum * us, n = us;
		if (at >= v->size)
			continue;
		if (n > v->size - at)
			n = v->size - at;
		mtd_rd_copy_at(&u->in, (size_t)(l->peb * u->peb + u->ec.data_off), dst + at, (size_t)n);
	}
}

/* ---- scan ---- */

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	struct ubi u;
	mtd_probe_reader(p, &r);
	int rc = ubi_read(&r, &u);
	if (rc)
		return rc;

	p->size = u.pebs * u.peb;
	p->valid = !u.bad_ec && !u.bad_vid && !u.bad_data;
	if (u.cut) {
		mtd_probe_problem(p, "truncated: the last PEB is cut off after 0x%llx of 0x%llx bytes",
		                  (unsigned long long)u.cut_bytes, (unsigned long long)u.peb);
		p->size = mtd_rd_left(&r);
		p->valid = false;
	}
	mtd_probe_hex(p, "peb_size", true, u.peb);
	mtd_probe_hex(p, "leb_size", false, u.leb_size);
	mtd_probe_u64(p, "pebs", true, u.pebs);
	mtd_probe_hex(p, "vid_header_offset", false, u.ec.vid_off);
	mtd_probe_hex(p, "data_offset", false, u.ec.data_off);
	mtd_probe_hex(p, "image_seq", false, u.ec.seq);
	mtd_probe_u64(p, "free_pebs", false, u.free_pebs);
	if (u.erased)
		mtd_probe_u64(p, "erased_pebs", false, u.erased);
	if (u.bad_ec) {
		char what[120];
		uint64_t at = p->off + u.first_bad_ec * u.peb;
		if (u.first_bad_ec_magic)
			snprintf(what, sizeof(what), "PEB %llu at 0x%llx: no EC header magic",
			         (unsigned long long)u.first_bad_ec, (unsigned long long)at);
		else
			snprintf(what, sizeof(what), "PEB %llu at 0x%llx: stored CRC 0x%08x, computed 0x%08x",
			         (unsigned long long)u.first_bad_ec, (unsigned long long)at, u.bad_ec_stored,
			         u.bad_ec_computed);
		if (u.bad_ec == 1)
			mtd_probe_problem(
			    p, "EC header damaged (%s): its erase counter is lost, its VID header still read", what);
		else
			mtd_probe_problem(
			    p, "%llu EC headers damaged (first %s): erase counters lost, VID headers still read",
			    (unsigned long long)u.bad_ec, what);
		mtd_probe_u64(p, "bad_ec_headers", false, u.bad_ec);
	}
	if (u.bad_vid)
		mtd_probe_problem(p, "%llu VID headers fail their CRC (first at 0x%llx)", (unsigned long long)u.bad_vid,
		                  (unsigned long long)u.first_bad_vid);
	if (u.bad_data)
		mtd_probe_problem(p, "%llu static LEBs fail their data CRC", (unsigned long long)u.bad_data);
	if (!u.have_vtbl && (u.vtbl_bad || u.nlebs)) {
		mtd_probe_problem(p, u.vtbl_bad ? "volume table records fail their CRC"
		                                : "no volume table (layout volume missing)");
		p->valid = false;
	} else if (!u.have_vtbl) {
		mtd_probe_str(p, "note", false, "no volumes: formatted but never attached");
	}
	for (size_t i = 0; i < u.nlebs; i++) {
		const struct leb *l = &u.lebs[i];
		if (l->vol < MAX_VOLS && u.vols[l->vol].present && l->lnum >= u.vols[l->vol].reserved) {
			mtd_probe_problem(p, "volume %u: LEB %u beyond its %u reserved PEBs", l->vol, l->lnum,
			                  u.vols[l->vol].reserved);
			p->valid = false;
		}
	}
	for (unsigned i = 0; i < MAX_VOLS; i++) {
		const struct vol *v = &u.vols[i];
		if (!v->present)
			continue;
		mtd_probe_list_add(p, "volume_names", true, "%s", v->name);
		mtd_probe_list_add(p, "volumes", false, "%u:%s %s reserved=%u lebs=%u%s content_offset=0x%llx", i,
		                   v->name, v->type == 2 ? "static" : "dynamic", v->reserved, v->max_lnum,
		                   (v->flags & 1) ? " autoresize" : "", (unsigned long long)v->at);
	}
	mtd_probe_u64(p, "volume_count", false, u.nvols);

	/* assemble the volumes for the nested scan */
	const struct mtd_scan_options *opt = mtd_probe_options(p);
	if (opt->descend && u.total) {
		if (u.total > mtd_probe_decode_budget(p, p->size)) {
			mtd_probe_problem(p, "volumes not scanned: 0x%llx bytes exceed the decode limit",
			                  (unsigned long long)u.total);
		} else {
			uint8_t *buf = malloc((size_t)u.total);
			if (buf) {
				for (unsigned i = 0; i < MAX_VOLS; i++)
					if (u.vols[i].present && u.vols[i].size)
						ubi_volume_fill(&u, i, buf + u.vols[i].at);
				mtd_probe_decoded(p, buf, u.total);
			}
		}
	}
	ubi_release(&u);
	return MTD_OK;
}

/* ---- extract: every volume as <name>.img (the UBIFS inside is a component of its own) ---- */

static int unpack(const struct mtd_reader *in, struct mtd_fs_sink *sink)
{
	struct ubi u;
	int rc = ubi_read(in, &u);
	if (rc == MTD_ERR_NOMEM)
		return rc;
	if (rc) {
		mtd_sink_problem(sink, NULL, "no UBI image at 0x%llx", (unsigned long long)mtd_rd_offset(in));
		return 0;
	}
	if (u.bad_ec)
		mtd_sink_problem(sink, NULL, "%llu EC headers damaged (first: PEB %llu): their VID headers were used",
		                 (unsigned long long)u.bad_ec, (unsigned long long)u.first_bad_ec);
	if (u.bad_vid)
		mtd_sink_problem(sink, NULL, "%llu VID headers failed their CRCs and were ignored",
		                 (unsigned long long)u.bad_vid);
	/*
	 * Volumes without a good record in the volume table still have their
	 * LEBs: write them as volume<N>.img (no data_pad known, the type from the
	 * VID headers) rather than lose them.
	 */
	unsigned orphans = 0;
	for (size_t i = 0; i < u.nlebs; i++) {
		const struct leb *l = &u.lebs[i];
		if (l->vol >= MAX_VOLS || u.vols[l->vol].present)
			continue;
		struct vol *v = &u.vols[l->vol];
		memset(v, 0, sizeof(*v));
		v->present = true;
		v->reserved = UINT32_MAX;
		v->type = l->type == 2 ? 2 : 1;
		orphans++;
	}
	if (orphans) {
		for (unsigned i = 0; i < MAX_VOLS; i++)
			u.vols[i].max_lnum = 0;
		size_volumes(&u);
		mtd_sink_problem(sink, NULL,
		                 "%u volume(s) without a good record in the volume table: written as volume<N>.img",
		                 orphans);
	}
	rc = mtd_sink_dir(sink, "", 0755, -1);
	for (unsigned i = 0; i < MAX_VOLS && !rc; i++) {
		const struct vol *v = &u.vols[i];
		char name[160], file[200];
		if (!v->present || !v->max_lnum)
			continue;
		snprintf(name, sizeof(name), "%s", v->name);
		if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
			snprintf(name, sizeof(name), "volume%u", i);
		if (v->size > MAX_VOLUME) {
			mtd_sink_problem(sink, name, "volume %u larger than 1 GiB: not assembled", i);
			continue;
		}
		uint8_t *img = malloc(v->size ? (size_t)v->size : 1);
		if (!img) {
			rc = MTD_ERR_NOMEM;
			break;
		}
		ubi_volume_fill(&u, i, img);
		snprintf(file, sizeof(file), "%s.img", name);
		rc = mtd_sink_file(sink, file, 0644, -1, img, (size_t)v->size);
		free(img);
	}
	ubi_release(&u);
	return rc == MTD_ERR_LIMIT || rc == MTD_ERR_NOMEM ? rc : 0;
}

const struct mtd_format mtd_fmt_ubi = {
    .name = "ubi",
    .magics = {{"UBI#", 4, 0}},
    .probe = probe,
    .unpack = unpack,
};
