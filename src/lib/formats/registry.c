/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "format.h"

/*
 * Every format the scanner knows, in the order candidates are tried when
 * several magics match at one place.  Containers and headers with strong
 * checksums come first (a uImage header CRC, a FIT's structure), then
 * filesystems, then streams whose only confirmation is decoding (the most
 * expensive to reject), then weak signatures (MBR's 0x55AA).  Anchored
 * formats (no magic) are tried at aligned offsets in this same order.
 */
extern const struct mtd_format mtd_fmt_uimage;
extern const struct mtd_format mtd_fmt_fit;
extern const struct mtd_format mtd_fmt_fip;
extern const struct mtd_format mtd_fmt_mtk_bl2;
extern const struct mtd_format mtd_fmt_trx;
extern const struct mtd_format mtd_fmt_tplink_header;
extern const struct mtd_format mtd_fmt_tplink_safeloader;
extern const struct mtd_format mtd_fmt_seama;
extern const struct mtd_format mtd_fmt_xiaomi;
extern const struct mtd_format mtd_fmt_sercomm;
extern const struct mtd_format mtd_fmt_netgear_chk;
extern const struct mtd_format mtd_fmt_openwrt_metadata;
extern const struct mtd_format mtd_fmt_squashfs;
extern const struct mtd_format mtd_fmt_ubi;
extern const struct mtd_format mtd_fmt_ubifs;
extern const struct mtd_format mtd_fmt_jffs2;
extern const struct mtd_format mtd_fmt_cramfs;
extern const struct mtd_format mtd_fmt_romfs;
extern const struct mtd_format mtd_fmt_yaffs2;
extern const struct mtd_format mtd_fmt_ext4;
extern const struct mtd_format mtd_fmt_gpt;
extern const struct mtd_format mtd_fmt_cpio;
extern const struct mtd_format mtd_fmt_tar;
extern const struct mtd_format mtd_fmt_zip;
extern const struct mtd_format mtd_fmt_7z;
extern const struct mtd_format mtd_fmt_elf;
extern const struct mtd_format mtd_fmt_pe;
extern const struct mtd_format mtd_fmt_dtb;
extern const struct mtd_format mtd_fmt_uboot_env;
extern const struct mtd_format mtd_fmt_mtk_eeprom;
extern const struct mtd_format mtd_fmt_ralink_nvram;
extern const struct mtd_format mtd_fmt_uboot;
extern const struct mtd_format mtd_fmt_xz;
extern const struct mtd_format mtd_fmt_zstd;
extern const struct mtd_format mtd_fmt_lz4;
extern const struct mtd_format mtd_fmt_gzip;
extern const struct mtd_format mtd_fmt_bzip2;
extern const struct mtd_format mtd_fmt_lzo;
extern const struct mtd_format mtd_fmt_lzma;
extern const struct mtd_format mtd_fmt_arcadyan;
extern const struct mtd_format mtd_fmt_mbr;

const struct mtd_format *const mtd_formats[] = {
    &mtd_fmt_uimage,
    &mtd_fmt_fit,
    &mtd_fmt_fip,
    &mtd_fmt_mtk_bl2,
    &mtd_fmt_trx,
    &mtd_fmt_tplink_header,
    &mtd_fmt_tplink_safeloader,
    &mtd_fmt_seama,
    &mtd_fmt_xiaomi,
    &mtd_fmt_sercomm,
    &mtd_fmt_netgear_chk,
    &mtd_fmt_openwrt_metadata,
    &mtd_fmt_squashfs,
    &mtd_fmt_ubi,
    &mtd_fmt_ubifs,
    &mtd_fmt_jffs2,
    &mtd_fmt_cramfs,
    &mtd_fmt_romfs,
    &mtd_fmt_yaffs2,
    &mtd_fmt_ext4,
    &mtd_fmt_gpt,
    &mtd_fmt_cpio,
    &mtd_fmt_tar,
    &mtd_fmt_zip,
    &mtd_fmt_7z,
    &mtd_fmt_elf,
    &mtd_fmt_pe,
    &mtd_fmt_dtb,
    &mtd_fmt_uboot_env,
    &mtd_fmt_mtk_eeprom,
    &mtd_fmt_ralink_nvram,
    &mtd_fmt_uboot,
    &mtd_fmt_xz,
    &mtd_fmt_zstd,
    &mtd_fmt_lz4,
    &mtd_fmt_gzip,
    &mtd_fmt_bzip2,
    &mtd_fmt_lzo,
    &mtd_fmt_lzma,
    &mtd_fmt_arcadyan,
    &mtd_fmt_mbr,
};

const size_t mtd_nformats = sizeof(mtd_formats) / sizeof(mtd_formats[0]);

const struct mtd_format *mtd_format_find(const char *name)
{
	for (size_t i = 0; i < mtd_nformats; i++)
		if (!strcmp(mtd_formats[i]->name, name))
			return mtd_formats[i];
	return NULL;
}
