/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

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
 * header (a power of two above data_offset).  The extent is the run of PEBs
 * that carry EC headers of the same image sequence (erased PEBs inside the
 * run are part of it), ending after the last one.  The volumes are assembled
 * (LEBs in order, highest sqnum wins, unmapped LEBs read as 0xFF) into the
 * component's decoded content so UBIFS and whatever else they hold is
 * scanned; details list each volume and where it starts in that content.
 */

#define EC_MAGIC   0x55424923u
#define VID_MAGIC  0x55424921u
#define HDR        64u
#define LAYOUT_VOL 0x7fffefffu
#define VTBL_REC   172u
#define MAX_VOLS   128u
#define MAX_PEBS   (1u << 20)

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
	uint64_t at;        /* offset in the assembled content */
};

static bool ec_ok(const uint8_t *b)
{
	return mtd_be32(b) == EC_MAGIC && mtd_crc32_raw(0xffffffffu, b, 60) == mtd_be32(b + 60);
}

static bool all_ff(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != 0xff)
			return false;
	return true;
}

static int cmp_leb(const void *a, const void *b)
{
	const struct leb *x = a, *y = b;
	if (x->vol != y->vol)
		return x->vol < y->vol ? -1 : 1;
	if (x->lnum != y->lnum)
		return x->lnum < y->lnum ? -1 : 1;
	return x->sqnum < y->sqnum ? 1 : x->sqnum > y->sqnum ? -1 : 0; /* newest first */
}

/* Read the volume table from the PEB that holds one copy of the layout volume. */
static bool read_vtbl(const uint8_t *d, uint64_t peb_off, uint32_t data_off, uint32_t leb_size, struct vol *vols,
                      unsigned *bad)
{
	uint32_t n = leb_size / VTBL_REC;
	if (n > MAX_VOLS)
		n = MAX_VOLS;
	*bad = 0;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *rec = d + peb_off + data_off + (uint64_t)i * VTBL_REC;
		if (mtd_crc32_raw(0xffffffffu, rec, 168) != mtd_be32(rec + 168)) {
			(*bad)++;
			continue;
		}
		uint32_t reserved = mtd_be32(rec);
		if (!reserved)
			continue;
		struct vol *v = &vols[i];
		v->present = true;
		v->reserved = reserved;
		v->data_pad = mtd_be32(rec + 8);
		v->type = rec[12];
		v->flags = rec[144];
		uint16_t nl = mtd_be16(rec + 14);
		if (nl > 127)
			nl = 127;
		size_t k = 0;
		for (; k < nl && rec[16 + k]; k++)
			v->name[k] = (rec[16 + k] >= 0x20 && rec[16 + k] < 0x7f) ? (char)rec[16 + k] : '?';
		v->name[k] = 0;
	}
	return *bad == 0;
}

static int probe(struct mtd_probe *p)
{
	const uint8_t *d = p->data + p->off;
	uint64_t len = p->len - p->off;
	if (len < 2 * HDR || !ec_ok(d))
		return MTD_ERR_NO_MATCH;
	uint32_t vid_off = mtd_be32(d + 16), data_off = mtd_be32(d + 20), seq = mtd_be32(d + 24);
	if (d[4] != 1 || vid_off < HDR || data_off < vid_off + HDR || data_off > (16u << 20))
		return MTD_ERR_NO_MATCH;

	/* PEB size: the smallest power of two above data_offset with an EC header of this image after it */
	uint64_t peb = 0;
	for (uint64_t s = 4096; s <= (16u << 20) && s + HDR <= len; s <<= 1) {
		if (s <= data_off)
			continue;
		if (ec_ok(d + s) && mtd_be32(d + s + 24) == seq) {
			peb = s;
			break;
		}
	}
	if (!peb)
		return MTD_ERR_NO_MATCH;
	uint32_t leb_size = (uint32_t)(peb - data_off);

	/* walk the PEBs */
	uint64_t npeb_max = len / peb, last = 0, bad_ec = 0, bad_vid = 0, bad_data = 0, erased = 0, free_pebs = 0;
	if (npeb_max > MAX_PEBS)
		npeb_max = MAX_PEBS;
	struct leb *lebs = NULL;
	size_t nlebs = 0, cap = 0;
	uint64_t first_bad_vid = 0;
	for (uint64_t i = 0; i < npeb_max; i++) {
		const uint8_t *b = d + i * peb;
		if (mtd_be32(b) != EC_MAGIC) {
			if (all_ff(b, HDR))
				continue; /* erased: part of the image only if a UBI PEB follows */
			break;
		}
		if (!ec_ok(b)) {
			bad_ec++;
			last = i + 1;
			continue;
		}
		if (mtd_be32(b + 24) != seq)
			break; /* another UBI image */
		last = i + 1;
		const uint8_t *v = b + vid_off;
		if (mtd_be32(v) != VID_MAGIC) {
			if (all_ff(v, HDR))
				free_pebs++;
			else
				bad_vid++, first_bad_vid = first_bad_vid ? first_bad_vid : p->off + i * peb + vid_off;
			continue;
		}
		if (mtd_crc32_raw(0xffffffffu, v, 60) != mtd_be32(v + 60)) {
			bad_vid++;
			if (!first_bad_vid)
				first_bad_vid = p->off + i * peb + vid_off;
			continue;
		}
		if (nlebs == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct leb *n = mtd_realloc_array(lebs, ncap, sizeof(*lebs));
			if (!n) {
				free(lebs);
				return MTD_ERR_NOMEM;
			}
			lebs = n;
			cap = ncap;
		}
		struct leb *l = &lebs[nlebs++];
		l->type = v[5];
		l->vol = mtd_be32(v + 8);
		l->lnum = mtd_be32(v + 12);
		l->data_size = mtd_be32(v + 20);
		l->used_ebs = mtd_be32(v + 24);
		l->sqnum = mtd_be64(v + 40);
		l->peb = i;
		/* static volumes (and copied LEBs) carry a data CRC */
		if ((l->type == 2 || v[6]) && l->data_size <= leb_size &&
		    mtd_crc32_raw(0xffffffffu, b + data_off, l->data_size) != mtd_be32(v + 32))
			bad_data++;
	}
	for (uint64_t i = 0; i < last; i++)
		if (mtd_be32(d + i * peb) != EC_MAGIC)
			erased++;

	p->size = last * peb;
	p->valid = !bad_ec && !bad_vid && !bad_data;
	/* a dump cut inside a PEB: the partial PEB still opens with an EC header */
	if (last == len / peb && len % peb >= 4 && mtd_be32(d + last * peb) == EC_MAGIC) {
		mtd_probe_problem(p, "truncated: the last PEB is cut off after 0x%llx of 0x%llx bytes",
		                  (unsigned long long)(len % peb), (unsigned long long)peb);
		p->size = len;
		p->valid = false;
	}
	mtd_probe_hex(p, "peb_size", true, peb);
	mtd_probe_hex(p, "leb_size", false, leb_size);
	mtd_probe_u64(p, "pebs", true, last);
	mtd_probe_hex(p, "vid_header_offset", false, vid_off);
	mtd_probe_hex(p, "data_offset", false, data_off);
	mtd_probe_hex(p, "image_seq", false, seq);
	mtd_probe_u64(p, "free_pebs", false, free_pebs);
	if (erased)
		mtd_probe_u64(p, "erased_pebs", false, erased);
	if (bad_ec) {
		mtd_probe_problem(p, "%llu EC headers fail their CRC", (unsigned long long)bad_ec);
	}
	if (bad_vid)
		mtd_probe_problem(p, "%llu VID headers fail their CRC (first at 0x%llx)", (unsigned long long)bad_vid,
		                  (unsigned long long)first_bad_vid);
	if (bad_data)
		mtd_probe_problem(p, "%llu static LEBs fail their data CRC", (unsigned long long)bad_data);

	if (nlebs)
		qsort(lebs, nlebs, sizeof(*lebs), cmp_leb);
	/* volume table: the first copy whose records all pass, else the other */
	struct vol *vols = calloc(MAX_VOLS, sizeof(*vols));
	if (!vols) {
		free(lebs);
		return MTD_ERR_NOMEM;
	}
	bool have_vtbl = false;
	unsigned vbad = 0;
	for (size_t i = 0; i < nlebs && !have_vtbl; i++) {
		if (lebs[i].vol != LAYOUT_VOL || lebs[i].lnum > 1)
			continue;
		memset(vols, 0, MAX_VOLS * sizeof(*vols));
		have_vtbl = read_vtbl(d, lebs[i].peb * peb, data_off, leb_size, vols, &vbad);
	}
	if (!have_vtbl && (vbad || nlebs)) {
		mtd_probe_problem(p, vbad ? "volume table records fail their CRC"
		                          : "no volume table (layout volume missing)");
		p->valid = false;
	} else if (!have_vtbl) {
		mtd_probe_str(p, "note", false, "no volumes: formatted but never attached");
	}

	/* map LEBs to volumes: sizes */
	for (size_t i = 0; i < nlebs; i++) {
		struct leb *l = &lebs[i];
		if (l->vol >= MAX_VOLS || !vols[l->vol].present)
			continue;
		if (l->lnum >= vols[l->vol].reserved) {
			mtd_probe_problem(p, "volume %u: LEB %u beyond its %u reserved PEBs", l->vol, l->lnum,
			                  vols[l->vol].reserved);
			p->valid = false;
			continue;
		}
		if (l->lnum + 1 > vols[l->vol].max_lnum) {
			vols[l->vol].max_lnum = l->lnum + 1;
			vols[l->vol].last_data = l->data_size;
		}
	}
	uint64_t total = 0;
	unsigned nvol = 0;
	for (unsigned i = 0; i < MAX_VOLS; i++) {
		struct vol *v = &vols[i];
		if (!v->present)
			continue;
		nvol++;
		uint32_t usable = v->data_pad < leb_size ? leb_size - v->data_pad : 0;
		v->size = (uint64_t)v->max_lnum * usable;
		/* a static volume ends with the data of its last LEB */
		if (v->type == 2 && v->max_lnum && v->last_data <= usable)
			v->size -= usable - v->last_data;
		v->at = total;
		total += v->size;
		mtd_probe_list_add(p, "volume_names", true, "%s", v->name);
		mtd_probe_list_add(p, "volumes", false, "%u:%s %s reserved=%u lebs=%u%s content_offset=0x%llx", i,
		                   v->name, v->type == 2 ? "static" : "dynamic", v->reserved, v->max_lnum,
		                   (v->flags & 1) ? " autoresize" : "", (unsigned long long)v->at);
	}
	mtd_probe_u64(p, "volume_count", false, nvol);

	/* assemble the volumes for the nested scan */
	const struct mtd_scan_options *opt = mtd_probe_options(p);
	if (opt->descend && total) {
		if (total > mtd_probe_decode_budget(p, p->size)) {
			mtd_probe_problem(p, "volumes not scanned: 0x%llx bytes exceed the decode limit",
			                  (unsigned long long)total);
		} else {
			uint8_t *buf = malloc((size_t)total);
			if (buf) {
				memset(buf, 0xff, (size_t)total);
				uint32_t prev_vol = UINT32_MAX, prev_lnum = UINT32_MAX;
				for (size_t i = 0; i < nlebs; i++) {
					struct leb *l = &lebs[i];
					if (l->vol == prev_vol && l->lnum == prev_lnum)
						continue; /* an older copy */
					prev_vol = l->vol, prev_lnum = l->lnum;
					if (l->vol >= MAX_VOLS || !vols[l->vol].present ||
					    l->lnum >= vols[l->vol].max_lnum)
						continue;
					struct vol *v = &vols[l->vol];
					uint64_t usable = v->data_pad < leb_size ? leb_size - v->data_pad : 0;
					uint64_t at = (uint64_t)l->lnum * usable, n = usable;
					if (at >= v->size)
						continue;
					if (n > v->size - at)
						n = v->size - at;
					memcpy(buf + v->at + at, d + l->peb * peb + data_off, (size_t)n);
				}
				mtd_probe_decoded(p, buf, total);
			}
		}
	}
	free(vols);
	free(lebs);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_ubi = {
    .name = "ubi",
    .magics = {{"UBI#", 4, 0}},
    .probe = probe,
};
