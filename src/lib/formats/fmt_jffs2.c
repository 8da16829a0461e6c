/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * JFFS2 (include/uapi/linux/jffs2.h): a log of nodes, each starting with a
 * 12-byte header {magic 0x1985, nodetype, totlen, hdr_crc} in the flash's
 * endianness, 4-byte aligned.  CRCs are Linux crc32 seeded with 0 and not
 * inverted.  The 2-byte magic is too weak for the magic filter, so the probe
 * is anchored at 4 KiB boundaries (erase blocks start there) and rejects on
 * the first two bytes.
 *
 * One component per filesystem: the walk goes over consecutive nodes, the
 * 0xFF tails of erase blocks and the cleanmarkers that open the next ones,
 * and ends after the last node that belongs to the log.  A node whose header
 * CRC fails is skipped word by word as the kernel does (bounded resync); a
 * node whose body or data CRC fails is counted and stepped over by totlen.
 */

#define HDR        12u
#define MAGIC      0x1985u
#define ACCURATE   0x2000u
#define T_DIRENT   0xe001u
#define T_INODE    0xe002u
#define T_CLEAN    0x2003u
#define T_PAD      0x2004u
#define T_SUMMARY  0x2006u
#define T_XATTR    0xe008u
#define T_XREF     0xe009u
#define RESYNC_MAX (8u << 10) /* past one data node (<= 4 KiB of data + header) */
#define MAX_NODE   (16u << 20)
#define INO_BITS   65536u

struct walk {
	bool be;
	uint64_t nodes, inodes, dirents, unlinks, clean, pad, summary, xattr, other, obsolete;
	uint64_t bad_hdr, bad_node, bad_data, bad_name, garbage;
	uint32_t max_ino, compr_mask;
	uint64_t first_clean, erase_size;
	uint64_t first_bad;
	bool have_first_clean, have_bad;
	/* distinct inode numbers of inode nodes: exact below INO_BITS, counted apart above */
	uint8_t seen[INO_BITS / 8];
	uint64_t distinct, high_inos;
};

static uint16_t rd16(const struct walk *w, const uint8_t *b)
{
	return w->be ? mtd_be16(b) : mtd_le16(b);
}
static uint32_t rd32(const struct walk *w, const uint8_t *b)
{
	return w->be ? mtd_be32(b) : mtd_le32(b);
}

static const char *compr_name(unsigned c)
{
	static const char *const t[] = {"none", "zero", "rtime", "rubin", "copy", "dynrubin", "zlib", "lzo", "lzma"};
	return c < sizeof(t) / sizeof(t[0]) ? t[c] : "unknown";
}

/* Header at b (HDR bytes readable): valid magic, sane totlen, header CRC ok. */
static bool header_ok(const struct walk *w, const uint8_t *b, uint64_t avail)
{
	if (rd16(w, b) != MAGIC)
		return false;
	uint32_t totlen = rd32(w, b + 4);
	if (totlen < HDR || totlen > MAX_NODE || totlen > avail)
		return false;
	return mtd_crc32_raw(0, b, 8) == rd32(w, b + 8);
}

static void note_bad(struct walk *w, uint64_t at)
{
	if (!w->have_bad) {
		w->first_bad = at;
		w->have_bad = true;
	}
}

static void check_node(struct walk *w, const uint8_t *b, uint32_t totlen, uint64_t at)
{
	uint16_t type = rd16(w, b + 2);
	w->nodes++;
	if (!(type & ACCURATE))
		w->obsolete++;
	switch (type | ACCURATE) {
	case T_INODE:
		w->inodes++;
		if (totlen < 68) {
			w->bad_node++, note_bad(w, at);
			break;
		}
		if (mtd_crc32_raw(0, b, 60) != rd32(w, b + 64)) {
			w->bad_node++, note_bad(w, at);
			break;
		}
		uint32_t ino = rd32(w, b + 12), csize = rd32(w, b + 48);
		if (ino > w->max_ino)
			w->max_ino = ino;
		if (ino < INO_BITS) {
			if (!(w->seen[ino / 8] & (1u << (ino % 8))))
				w->distinct++;
			w->seen[ino / 8] |= (uint8_t)(1u << (ino % 8));
		} else {
			w->high_inos++;
		}
		w->compr_mask |= 1u << (b[56] < 31 ? b[56] : 31);
		if (csize > totlen - 68 || mtd_crc32_raw(0, b + 68, csize) != rd32(w, b + 60))
			w->bad_data++, note_bad(w, at);
		break;
	case T_DIRENT:
		w->dirents++;
		if (totlen < 40 || mtd_crc32_raw(0, b, 32) != rd32(w, b + 32)) {
			w->bad_node++, note_bad(w, at);
			break;
		}
		if (rd32(w, b + 20) == 0)
			w->unlinks++;
		uint8_t nsize = b[28];
		if (nsize > totlen - 40 || mtd_crc32_raw(0, b + 40, nsize) != rd32(w, b + 36))
			w->bad_name++, note_bad(w, at);
		break;
	case T_CLEAN:
		w->clean++;
		if (!w->have_first_clean) {
			w->first_clean = at;
			w->have_first_clean = true;
		} else if (!w->erase_size) {
			w->erase_size = at - w->first_clean;
		}
		break;
	case T_PAD: w->pad++; break;
	case T_SUMMARY: w->summary++; break;
	case T_XATTR:
	case T_XREF: w->xattr++; break;
	default: w->other++; break;
	}
}

/* Offset of the first non-0xFF 32-bit word at or after pos (4-aligned, relative to base), or len. */
static uint64_t skip_erased(const uint8_t *d, uint64_t pos, uint64_t len)
{
	while (pos + 8 <= len) {
		uint64_t x;
		memcpy(&x, d + pos, 8);
		if (x != UINT64_MAX)
			break;
		pos += 8;
	}
	while (pos + 4 <= len && d[pos] == 0xff && d[pos + 1] == 0xff && d[pos + 2] == 0xff && d[pos + 3] == 0xff)
		pos += 4;
	return pos + 4 <= len ? pos : len;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	const uint8_t *h;
	mtd_probe_reader(p, &r);
	if (!mtd_rd_bytes(&r, HDR, &h))
		return MTD_ERR_NO_MATCH;
	/* anchored at every 4 KiB: reject in two byte compares before any work */
	bool be;
	if (h[0] == 0x19 && h[1] == 0x85)
		be = true;
	else if (h[0] == 0x85 && h[1] == 0x19)
		be = false;
	else
		return MTD_ERR_NO_MATCH;
	uint16_t t0 = (be ? mtd_be16(h + 2) : mtd_le16(h + 2)) | ACCURATE;
	if (t0 != T_DIRENT && t0 != T_INODE && t0 != T_CLEAN && t0 != T_PAD && t0 != T_SUMMARY && t0 != T_XATTR &&
	    t0 != T_XREF)
		return MTD_ERR_NO_MATCH;
	uint32_t totlen0 = be ? mtd_be32(h + 4) : mtd_le32(h + 4);
	if (totlen0 < HDR || totlen0 > MAX_NODE || mtd_crc32_raw(0, h, 8) != (be ? mtd_be32(h + 8) : mtd_le32(h + 8)))
		return MTD_ERR_NO_MATCH;

	struct walk w;
	memset(&w, 0, sizeof(w));
	w.be = be;
	/* d/len: the rest of the space from the component start; positions are relative to it */
	const uint8_t *d = p->data + p->off;
	uint64_t len = p->len - p->off;

	uint64_t pos = 0, end = 0;
	bool truncated = false;
	while (pos + HDR <= len) {
		const uint8_t *b = d + pos;
		if (rd16(&w, b) == MAGIC && mtd_crc32_raw(0, b, 8) == rd32(&w, b + 8)) {
			uint32_t totlen = rd32(&w, b + 4);
			if (totlen >= HDR && totlen <= MAX_NODE && totlen > len - pos) {
				truncated = true;
				end = len;
				break;
			}
			if (totlen >= HDR && totlen <= MAX_NODE) {
				check_node(&w, b, totlen, p->off + pos);
				/* the 4-byte alignment after a node belongs to it */
				pos = (pos + totlen + 3) & ~(uint64_t)3;
				if (pos > len)
					pos = len;
				end = pos;
				continue;
			}
		}
		if (rd16(&w, b) == MAGIC) {
			/* magic with a broken header: skip it word by word, as the kernel does */
			w.bad_hdr++;
			note_bad(&w, p->off + pos);
		} else if (b[0] == 0xff && b[1] == 0xff && b[2] == 0xff && b[3] == 0xff) {
			/* erased tail of a block: continue only if a node follows */
			uint64_t next = skip_erased(d, pos, len);
			if (next + HDR > len || !header_ok(&w, d + next, len - next))
				break;
			pos = next;
			continue;
		}
		/* garbage right after the log: resync on the next good header, a bounded distance ahead */
		uint64_t limit = pos + RESYNC_MAX < len ? pos + RESYNC_MAX : len, k = pos + 4, found = 0;
		for (; k + HDR <= limit; k += 4)
			if (header_ok(&w, d + k, len - k)) {
				found = k;
				break;
			}
		if (!found)
			break;
		if (rd16(&w, b) != MAGIC) {
			w.garbage += found - pos;
			note_bad(&w, p->off + pos);
		}
		pos = found;
	}
	if (end == 0)
		return MTD_ERR_NO_MATCH;

	p->size = end;
	p->valid = !truncated && !w.have_bad;
	mtd_probe_str(p, "endian", true, "%s", w.be ? "big" : "little");
	mtd_probe_u64(p, "nodes", true, w.nodes);
	mtd_probe_u64(p, "inode_nodes", false, w.inodes);
	mtd_probe_u64(p, "dirent_nodes", false, w.dirents);
	mtd_probe_u64(p, "unlink_nodes", false, w.unlinks);
	mtd_probe_u64(p, "cleanmarkers", false, w.clean);
	mtd_probe_u64(p, "padding_nodes", false, w.pad);
	mtd_probe_u64(p, "summary_nodes", false, w.summary);
	if (w.xattr)
		mtd_probe_u64(p, "xattr_nodes", false, w.xattr);
	if (w.other)
		mtd_probe_u64(p, "unknown_nodes", false, w.other);
	mtd_probe_u64(p, "obsolete_nodes", false, w.obsolete);
	mtd_probe_u64(p, "highest_inode", false, w.max_ino);
	if (!w.high_inos)
		mtd_probe_u64(p, "inodes", true, w.distinct);
	for (unsigned c = 0; c < 32; c++)
		if (w.compr_mask & (1u << c))
			mtd_probe_list_add(p, "compression", false, "%s", compr_name(c));
	if (w.erase_size)
		mtd_probe_hex(p, "erase_size", false, w.erase_size);
	uint64_t bad = w.bad_hdr + w.bad_node + w.bad_data + w.bad_name;
	mtd_probe_u64(p, "bad_crc", true, bad);
	if (w.bad_hdr)
		mtd_probe_problem(p, "%llu node headers fail their CRC (first bad node at 0x%llx)",
		                  (unsigned long long)w.bad_hdr, (unsigned long long)w.first_bad);
	if (w.bad_node)
		mtd_probe_problem(p, "%llu node bodies fail their CRC", (unsigned long long)w.bad_node);
	if (w.bad_data)
		mtd_probe_problem(p, "%llu inode nodes fail their data CRC", (unsigned long long)w.bad_data);
	if (w.bad_name)
		mtd_probe_problem(p, "%llu directory entries fail their name CRC", (unsigned long long)w.bad_name);
	if (w.garbage)
		mtd_probe_problem(p, "0x%llx bytes between nodes are not JFFS2", (unsigned long long)w.garbage);
	if (bad && !w.bad_hdr)
		mtd_probe_str(p, "first_bad_node", false, "0x%llx", (unsigned long long)w.first_bad);
	if (truncated)
		mtd_probe_problem(p, "truncated: the last node runs past the end of the space");
	return MTD_OK;
}

const struct mtd_format mtd_fmt_jffs2 = {
    .name = "jffs2",
    .anchor_align = 4096,
    .probe = probe,
};
