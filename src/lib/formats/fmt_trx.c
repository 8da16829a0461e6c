/* SPDX-License-Identifier: MIT */
#include "format.h"

/*
 * Broadcom TRX (as written by OpenWrt's firmware-utils trx/otrx and by
 * vendor tools): a little-endian header "HDR0", the total length (header
 * included: the exact extent), a CRC-32 over [12, length) seeded with
 * 0xffffffff and not inverted at the end, flags and version (1 or 2), then 3
 * (version 1) or 4 (version 2) partition offsets from the header start; an
 * offset of 0 means "no partition".  A partition runs to the next present
 * offset or to the end.  Each partition becomes a `part` child scanned in
 * turn; offsets that point back into the header or run backwards are
 * reported and skipped.
 */

#define TRX_MAGIC 0x30524448u

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	uint32_t magic, len, crc, offs[4] = {0};
	uint16_t flags, version;
	mtd_probe_reader(p, &r);
	if (!mtd_rd_u32le(&r, &magic) || magic != TRX_MAGIC || !mtd_rd_u32le(&r, &len) || !mtd_rd_u32le(&r, &crc) ||
	    !mtd_rd_u16le(&r, &flags) || !mtd_rd_u16le(&r, &version))
		return MTD_ERR_NO_MATCH;
	if (version != 1 && version != 2)
		return MTD_ERR_NO_MATCH;
	unsigned nparts = version == 1 ? 3 : 4;
	uint32_t hdr = 16 + 4 * nparts;
	for (unsigned i = 0; i < nparts; i++)
		if (!mtd_rd_u32le(&r, &offs[i]))
			return MTD_ERR_NO_MATCH;
	if (len < hdr)
		return MTD_ERR_NO_MATCH;
	/* At least one offset must be a plausible partition start. */
	bool any = false;
	for (unsigned i = 0; i < nparts; i++)
		any |= offs[i] >= hdr && offs[i] < len;
	if (!any)
		return MTD_ERR_NO_MATCH;

	mtd_probe_u64(p, "version", true, version);
	mtd_probe_hex(p, "flags", false, flags);
	mtd_probe_hex(p, "length", false, len);
	mtd_probe_hex(p, "crc", false, crc);
	p->valid = true;
	uint64_t avail = p->len - p->off, size = len;
	if (size > avail) {
		mtd_probe_problem(p, "truncated: header says 0x%x bytes, only 0x%llx present", len,
		                  (unsigned long long)avail);
		p->valid = false;
		size = avail;
		mtd_probe_bool(p, "crc_ok", false, false);
	} else {
		uint32_t calc = 0;
		mtd_rd_crc32(&r, 12, len - 12, 0, &calc); /* len <= avail: inside r */
		calc = ~calc;
		mtd_probe_bool(p, "crc_ok", false, calc == crc);
		if (calc != crc) {
			mtd_probe_problem(p, "CRC 0x%08x over [12, 0x%x) does not match header 0x%08x", calc, len, crc);
			p->valid = false;
		}
	}
	p->size = size;

	/* Keep the offsets that move forward inside the image; report the others. */
	uint32_t good[4];
	unsigned idx[4], ng = 0;
	for (unsigned i = 0; i < nparts; i++) {
		uint32_t o = offs[i], prev = ng ? good[ng - 1] : 0;
		if (!o)
			continue;
		if (o < hdr || o >= len || o <= prev) {
			mtd_probe_problem(
			    p, "partition %u offset 0x%x is outside [0x%x, 0x%x) or not after the previous one", i + 1,
			    o, hdr, len);
			p->valid = false;
			continue;
		}
		good[ng] = o;
		idx[ng++] = i;
	}
	for (unsigned g = 0; g < ng; g++) {
		uint32_t o = good[g], next = g + 1 < ng ? good[g + 1] : len;
		mtd_probe_list_add(p, "partitions", true, "%u@0x%x+0x%x", idx[g] + 1, o, next - o);
		uint64_t poff = p->off + o, plen = next - o;
		if (poff >= p->off + size)
			continue;
		if (poff + plen > p->off + size)
			plen = p->off + size - poff;
		struct mtd_probe *c = mtd_probe_child(p, "part", poff, plen);
		if (!c)
			continue;
		mtd_probe_str(c, "name", true, "trx partition %u", idx[g] + 1);
		mtd_probe_child_done(c, true);
	}
	return MTD_OK;
}

const struct mtd_format mtd_fmt_trx = {
    .name = "trx",
    .magics = {{"HDR0", 4, 0}},
    .probe = probe,
};
