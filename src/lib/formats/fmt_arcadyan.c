/* SPDX-License-Identifier: MIT */
#include <lzma.h>
#include <string.h>

#include "stream_common.h"

/*
 * Arcadyan obfuscated LZMA (the kernel images of Arcadyan-made routers, as
 * binwalk's arcadyan signature describes them): an LZMA-alone stream that
 * starts 4 bytes into the file, whose first bytes are hidden by swapping two
 * 32-byte blocks, the one at 4 and the one at 0x68, after the one that lands
 * at 4 had each byte's nibbles swapped and then each pair of bytes swapped.
 * The obfuscated LZMA header at 0x68 therefore reads 00 D5 08 00 for the
 * usual properties 0x5D and an 8 MiB dictionary.  Undone here on a copy of
 * the first 0x88 bytes; the stream is decoded with liblzma (it must decode
 * to its end) and its output scanned like any decoded stream.  The extent is
 * the 4 leading bytes plus the bytes the stream consumed.
 */

#define AR_LEAD   4u
#define AR_BLOCK  32u
#define AR_B2     0x68u
#define AR_HEAD   (AR_B2 + AR_BLOCK) /* 0x88: what the obfuscation touches */
#define AR_MEMLIM (256ull << 20)
#define AR_MIN    0x100u

/* The de-obfuscated bytes 4..0x88 of the image at r (0x84 bytes). */
static bool deobfuscate(const struct mtd_reader *r, uint8_t out[AR_HEAD - AR_LEAD])
{
	uint8_t in[AR_HEAD];
	if (!mtd_rd_copy_at(r, 0, in, AR_HEAD))
		return false;
	/* the block now at 4 is the one stored at 0x68: nibbles swapped, then byte pairs swapped */
	for (unsigned i = 0; i < AR_BLOCK; i++) {
		uint8_t b = in[AR_B2 + (i ^ 1)];
		out[i] = (uint8_t)((b << 4) | (b >> 4));
	}
	memcpy(out + AR_BLOCK, in + AR_LEAD + AR_BLOCK, AR_B2 - AR_LEAD - AR_BLOCK);
	memcpy(out + AR_B2 - AR_LEAD, in + AR_LEAD, AR_BLOCK);
	return true;
}

static int probe(struct mtd_probe *p)
{
	struct mtd_reader r;
	mtd_probe_reader(p, &r);
	uint64_t avail = mtd_rd_left(&r);
	uint8_t head[AR_HEAD - AR_LEAD];
	if (avail < AR_MIN || !deobfuscate(&r, head))
		return MTD_ERR_NO_MATCH;
	uint8_t props = head[0];
	uint32_t dict = mtd_le32(head + 1);
	uint64_t usize = mtd_le64(head + 5);
	if (props >= 225 || dict < 4096 || (dict & (dict - 1) && dict != UINT32_MAX) || head[13] != 0 ||
	    (usize != UINT64_MAX && usize > (1ull << 36)))
		return MTD_ERR_NO_MATCH;

	struct mtd_stream_out o;
	mtd_stream_out_init(&o, p);
	uint8_t *chunk = mtd_stream_out_scratch(&o, STREAM_CHUNK);
	if (!chunk) {
		mtd_stream_out_release(&o);
		return MTD_ERR_NOMEM;
	}
	/* first the de-obfuscated head, then the rest as stored */
	uint64_t used;
	bool go;
	int ret = mtd_stream_lzma_alone(&o, chunk, AR_MEMLIM, head, sizeof(head), &r, AR_HEAD,
	                                (size_t)(avail - AR_HEAD), &used, &go);
	if (ret == LZMA_MEM_ERROR) {
		mtd_stream_out_release(&o);
		return MTD_ERR_NOMEM;
	}
	if (ret != LZMA_STREAM_END) {
		/* no magic to lean on beyond four bytes: only a stream that decodes to its end is one */
		mtd_stream_out_release(&o);
		return MTD_ERR_NO_MATCH;
	}
	char ds[32];
	mtd_probe_str(p, "properties", false, "lc=%u lp=%u pb=%u", props % 9, props / 9 % 5, props / 45);
	mtd_probe_str(p, "dict_size", true, "%s", mtd_stream_size_str(dict, ds, sizeof(ds)));
	p->valid = true;
	p->size = AR_LEAD + used;
	mtd_stream_out_finish(&o, true);
	return MTD_OK;
}

const struct mtd_format mtd_fmt_arcadyan = {
    .name = "arcadyan",
    .magics = {{"\x00\xd5\x08\x00", 4, AR_B2}},
    .probe = probe,
};
