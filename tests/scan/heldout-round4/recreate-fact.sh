#!/bin/bash
# Recreate files/fx-* of the round-4 scan held-out corpus from a clone of github.com/fkie-cad/fact_extractor
# (git directory or work tree) at commit 86f39b4772ee1075ca410bcfaa74b08ea84b0323 (GPL-3.0): the test inputs of
# its unpacker plugins (fact_extractor/plugins/unpacking/*/test/data/) and of its own tests (fact_extractor/test/data/),
# byte for byte.  Each plugin's test_*.py says what the file holds.   usage: recreate-fact.sh FACT_EXTRACTOR_GIT OUTDIR
set -euo pipefail
g=$1; out=$(realpath -m "$2"); mkdir -p "$out"
rev=86f39b4772ee1075ca410bcfaa74b08ea84b0323
P=fact_extractor/plugins/unpacking
while read -r p n; do
  git -C "$g" show "$rev:$p" > "$out/fx-$n"
done <<LIST
$P/squashFS/test/data/gzip.sqfs sq-gzip.sqfs
$P/squashFS/test/data/lz4.sqfs sq-lz4.sqfs
$P/squashFS/test/data/lzma.sqfs sq-lzma.sqfs
$P/squashFS/test/data/lzo.sqfs sq-lzo.sqfs
$P/squashFS/test/data/xz.sqfs sq-xz.sqfs
$P/squashFS/test/data/zstd.sqfs sq-zstd.sqfs
$P/squashFS/test/data/zlib_be.sqfs3 sq-zlib_be.sqfs3
$P/squashFS/test/data/zlib_le.sqfs3 sq-zlib_le.sqfs3
$P/squashFS/test/data/lzma_le.sqfs2 sq-lzma_le.sqfs2
$P/squashFS/test/data/lzma1_be.sqfs3 sq-lzma1_be.sqfs3
$P/squashFS/test/data/avm_be.sqfs4 sq-avm_be.sqfs4
$P/jffs2/test/data/jffs2_be.img jffs2_be.img
$P/jffs2/test/data/jffs2_le.img jffs2_le.img
$P/yaffs/test/data/yaffs2_be.img yaffs2_be.img
$P/yaffs/test/data/yaffs2_le.img yaffs2_le.img
$P/ubi/test/data/ubi.img ubi.img
$P/ubi/test/data/test.ubifs test.ubifs
$P/uboot/test/data/uboot.dtb uboot.dtb
$P/uboot/test/data/uboot.image_with_header uboot.image_with_header
$P/trx/test/data/trx.img trx.img
$P/xiaomi_hdr/test/data/test.hdr1 xiaomi.hdr1
$P/generic_fs/test/data/romfs.img romfs.img
$P/sevenz/test/data/cramfs.img cramfs.img
$P/sevenz/test/data/ext2.img.xz ext2.img.xz
$P/sevenz/test/data/ext3.img.xz ext3.img.xz
$P/sevenz/test/data/ext4.img.xz ext4.img.xz
$P/generic_fs/test/data/mbr.img.xz mbr.img.xz
$P/sevenz/test/data/fat.img.xz fat.img.xz
$P/patool/test/data/test.tar test.tar
$P/patool/test/data/test.tar.bz2 test.tar.bz2
$P/patool/test/data/test.cpio test.cpio
$P/patool/test/data/test.deb test.deb
$P/sevenz/test/data/test.iso test.iso
fact_extractor/test/data/container/test.7z test.7z
fact_extractor/test/data/container/test_zip.tar.gz test_zip.tar.gz
fact_extractor/test/data/container/test.zip test.zip
fact_extractor/test/data/trailing_data.zip trailing_data.zip
LIST
ls "$out"/fx-* | wc -l
