#!/usr/bin/env python3
"""Round-4 truth, written from the tools that made the files / the other tools' own tests, before mtdscope ran."""
import hashlib, json, os, sys
root = os.path.dirname(os.path.abspath(__file__))
FX = 'fkie-cad/fact_extractor@86f39b4 fact_extractor/plugins/unpacking/'
XZ = 'tukaani-project/xz@28a66a3 tests/files/'
ZS = 'facebook/zstd@2dddf09 tests/'
def C(off, typ, children=None, damage=None):
    d = {'offset': off, 'type': typ, 'children': children}
    if damage: d['damage'] = damage
    return d
imgs = []
def I(f, origin, checked, comps, scope='router', notes=None):
    imgs.append({'file': f, 'origin': origin, 'scope': scope, 'checked_with': checked, 'components': comps, 'notes': notes})

# ---- fact_extractor (GPL-3.0) ----
for n, v in [('gzip.sqfs', '4.0 zlib'), ('lz4.sqfs', '4.0 lz4'), ('lzma.sqfs', '4.0 lzma'), ('lzo.sqfs', '4.0 lzo'),
             ('xz.sqfs', '4.0 xz'), ('zstd.sqfs', '4.0 zstd'), ('zlib_be.sqfs3', '3.1 big endian'),
             ('zlib_le.sqfs3', '3.1 little endian'), ('lzma_le.sqfs2', '2.x little endian (AVM lzma)'),
             ('lzma1_be.sqfs3', '3.x big endian (lzma)'), ('avm_be.sqfs4', '4.0 big endian xz (AVM)')]:
    vendor = n in ('lzma_le.sqfs2', 'lzma1_be.sqfs3', 'avm_be.sqfs4')
    I('files/fx-sq-' + n, FX + 'squashFS/test/data/' + n, 'file(1): Squashfs %s; test_squashFS.py unpacks it (sasquatch / unsquashfs4-avm-be)' % v
      + ('; a vendor (AVM / sasquatch) variant: Debian unsquashfs 4.5 finds no valid superblock' if vendor else '; unsquashfs -s: valid superblock'),
      [C(0, 'squashfs')])
for e in ('be', 'le'):
    I('files/fx-jffs2_%s.img' % e, FX + 'jffs2/test/data/jffs2_%s.img' % e, 'file(1): jffs2 %s endian; test_jffs2.py: 4 raw inodes' % {'be': 'big', 'le': 'little'}[e], [C(0, 'jffs2')])
    I('files/fx-yaffs2_%s.img' % e, FX + 'yaffs/test/data/yaffs2_%s.img' % e, 'test_yaffs.py unpacks the standard set; object header at 0 (type 1, name testfile1)', [C(0, 'yaffs2')])
I('files/fx-ubi.img', FX + 'ubi/test/data/ubi.img', 'EC headers every 1 KiB (1904 PEBs, VID 64, data 128); layout volume + volume 1 (1902 LEBs), LEB 0 opens with the UBIFS magic; test_ubi.py extracts 1 file',
  [C(0, 'ubi', [C(0, 'ubifs')])])
I('files/fx-test.ubifs', FX + 'ubi/test/data/test.ubifs', 'file(1): UBIfs image; test_ubifs.py unpacks the standard set', [C(0, 'ubifs')])
I('files/fx-uboot.dtb', FX + 'uboot/test/data/uboot.dtb', 'uImage header (ARM kernel, "DD-XYZ") claims 2363353 bytes of data, 35257 present; header CRC 0x72a8f1be stored, 0x5fb85923 computed; a DTB at 0x980 inside the data (test_uboot.py: extract-dtb dumps it)',
  [C(0, 'uimage', None, 'truncated (data size 2363353, 35257 bytes present) and header CRC fails (stored 0x72a8f1be, computed 0x5fb85923)')])
I('files/fx-uboot.image_with_header', FX + 'uboot/test/data/uboot.image_with_header',
  'test_uboot_header.py: data size 32753, arch 5 (MIPS), type 5 (firmware), name "u-boot image", data CRC 0x385A8513 (python: header and data CRC match, lzma decodes 93576 bytes); 0xFF to 0x1c5b0; a TP-Link v1 header there ("TP-LINK Technologies", ver. 1.0, hw 0x07100001) claims fw length 0x7c0000, kernel +0x200 length 0xe434e, rootfs 0x100000; the file ends at 0x50089 (the lzma kernel does not reach its end)',
  [C(0, 'uimage'), C(0x1c5b0, 'tplink-header', None, 'truncated: the header claims 0x7c0000 bytes of firmware (kernel 0xe434e at +0x200, rootfs at 0x100000), the file ends 0x33ad9 bytes in')])
I('files/fx-trx.img', FX + 'trx/test/data/trx.img', 'TRX v1 length 0x1000, CRC32 0xe154686c verified; partition 0 at 0x1c is a zip (test_untrx.py lists its 3 files)', [C(0, 'trx')])
I('files/fx-xiaomi.hdr1', FX + 'xiaomi_hdr/test/data/test.hdr1', 'HDR1 magic, blobs at 0x30, 0x74, 0xe2; test_xiaomi_hdr.py unpacks testfile1', [C(0, 'xiaomi')])
I('files/fx-romfs.img', FX + 'generic_fs/test/data/romfs.img', 'file(1): romfs, 432 bytes, named rom 56f292f7', [C(0, 'romfs')])
I('files/fx-cramfs.img', FX + 'sevenz/test/data/cramfs.img', 'file(1): cramfs little endian size 4096, CRC 0xb7b2d091, 5 files', [C(0, 'cramfs')])
for n, what in [('ext2', 'ext2, 2 MiB'), ('ext3', 'ext3, 10 MiB'), ('ext4', 'ext4 (extents), 10 MiB')]:
    I('files/fx-%s.img.xz' % n, FX + 'sevenz/test/data/%s.img.xz' % n, 'xz -t ok; file(1) of the decoded bytes: %s' % what, [C(0, 'xz', [C(0, 'ext4')])])
I('files/fx-mbr.img.xz', FX + 'generic_fs/test/data/mbr.img.xz', 'xz -t ok; decoded 9000000 bytes; sfdisk -d: dos label, 4 partitions (2048+4096 type 7, 6144+6144, 12288+4096, 16384+2048 type 83)', [C(0, 'xz', [C(0, 'mbr')])])
I('files/fx-fat.img.xz', FX + 'sevenz/test/data/fat.img.xz', 'xz -t ok; decoded: a FAT boot sector by mkfs.fat (no partition table: nothing known inside)', [C(0, 'xz', [])])
I('files/fx-test.tar', FX + 'patool/test/data/test.tar', 'file(1): POSIX tar (GNU); tar tv: get_files_test/ with 3 files', [C(0, 'tar')])
I('files/fx-test.tar.bz2', FX + 'patool/test/data/test.tar.bz2', 'bzip2 -dc | tar t: get_files_test/', [C(0, 'bzip2', [C(0, 'tar')])])
I('files/fx-test.cpio', FX + 'patool/test/data/test.cpio', 'old binary cpio, little endian (0x71c7); cpio -itv lists 5 entries', [C(0, 'cpio')])
I('files/fx-test.7z', 'fkie-cad/fact_extractor@86f39b4 fact_extractor/test/data/container/test.7z', '7z l: 3 files', [C(0, '7z')])
I('files/fx-test_zip.tar.gz', 'fkie-cad/fact_extractor@86f39b4 fact_extractor/test/data/container/test_zip.tar.gz', 'gzip -dc | tar tv: testfile2, testfile1.zip', [C(0, 'gzip', [C(0, 'tar')])])
I('files/fx-test.zip', 'fkie-cad/fact_extractor@86f39b4 fact_extractor/test/data/container/test.zip', 'unzip -t: no errors', [C(0, 'zip')])
I('files/fx-trailing_data.zip', 'fkie-cad/fact_extractor@86f39b4 fact_extractor/test/data/trailing_data.zip', 'unzip -l: foo (14 bytes); random bytes after the end of central directory (not a component)', [C(0, 'zip')])
I('files/fx-test.deb', FX + 'patool/test/data/test.deb', 'ar t: debian-binary, control.tar.xz (data at 132, 324 bytes), data.tar.xz (data at 516, 130904 bytes); file(1): Debian binary package; the ar itself is not a router format',
  [C(132, 'xz', [C(0, 'tar')]), C(516, 'xz', [C(0, 'tar')])])
I('files/fx-test.iso', FX + 'sevenz/test/data/test.iso', '7z l: ISO 9660 with 3 text files', [], scope='other')
# ---- xz (0BSD / public domain test files) ----
readme = 'tests/files/README says: '
for n, say, kids in [('good-1-check-crc32.xz', 'one Stream, one Block, two uncompressed LZMA2 chunks, CRC32 check', []),
                     ('good-1-check-sha256.xz', 'like good-1-check-crc32.xz but with SHA256', []),
                     ('good-1-arm64-lzma2-1.xz', 'ARM64 filter and LZMA2', None),
                     ('good-1-delta-lzma2.tiff.xz', 'an image file (TIFF) compressed with Delta+LZMA2', []),
                     ('good-2-lzma2.xz', 'one Stream with two Blocks', []),
                     ('good-1-block_header-1.xz', 'Compressed and Uncompressed Size in the Block Header, four bytes of Header Padding', [])]:
    I('files/xz-' + n, XZ + n, readme + say + '; xz -t ok', [C(0, 'xz', kids)])
for n, say in [('good-known_size-with_eopm.lzma', 'known size in the header and end of payload marker'),
               ('good-unknown_size-with_eopm.lzma', 'unknown size in the header and end of payload marker')]:
    I('files/xz-' + n, XZ + n, readme + say + '; xz --format=lzma -dc: 13 bytes of text', [C(0, 'lzma', [])])
for n, say, kind in [('bad-1-check-crc32.xz', 'has wrong Check (CRC32)', 'xz'), ('bad-1-check-crc64.xz', 'has wrong Check (CRC64)', 'xz'),
                     ('bad-0-footer_magic.xz', 'is good-0-empty.xz but with one byte wrong in the Footer Magic Bytes field', 'xz'),
                     ('bad-2-index-1.xz', 'has wrong Unpadded Sizes in Index', 'xz'),
                     ('bad-1-stream_flags-1.xz', 'has different Stream Flags in Stream Header and Stream Footer', 'xz'),
                     ('bad-1-lzma2-7.xz', 'has EOPM at LZMA level (not allowed in LZMA2)', 'xz'),
                     ('bad-too_big_size-with_eopm.lzma', 'has too big uncompressed size in the header and the end of payload marker is detected before that many bytes are decoded', 'lzma')]:
    I('files/xz-' + n, XZ + n, readme + n + ' ' + say + '; xz -t: Compressed data is corrupt', [C(0, kind, None, say)])
I('files/xz-good-1-v1.lz', XZ + 'good-1-v1.lz', 'lzip member version 1 (not a router format)', [], scope='other')
for n, say in [('golden-decompression/block-128k.zst', 'zstd -t ok: 131068 bytes'), ('golden-decompression/rle-first-block.zst', 'zstd -t ok: 1 MiB')]:
    I('files/zstd-' + os.path.basename(n), ZS + n, say + ' (reference input of the golden decompression test)', [C(0, 'zstd', [])])

# ---- py7zr (LGPL-2.1+) test archives ----
P7 = 'miurahr/py7zr@9ff1dc7 tests/data/'
for n, say in [('copy', 'COPY coder'), ('lzma2_bcj_arm', 'LZMA2 + ARM BCJ'), ('lzma2delta_1', 'LZMA2 + Delta'),
               ('zstd', 'zstd coder (p7zip-zstd; Debian 7z says Unsupported Method but lists the archive)'),
               ('test_lzma2bcj2', 'LZMA2 + BCJ2'), ('symlink', 'archive with symlinks'),
               ('extra_payload_data', '7z l / 7z t: Everything is Ok')]:
    I('files/p7-%s.7z' % n, P7 + n + '.7z', 'py7zr test archive: %s; 7z t reads its headers' % say, [C(0, '7z')])
I('files/p7-crc_corrupted.7z', P7 + 'crc_corrupted.7z', 'test_basic.py test_digests_crc_corrupted: testzip() returns "src/scripts/py7zr"; 7z t: CRC Failed for 3 files',
  [C(0, '7z', None, 'CRC of the unpacked files fails (src/scripts/py7zr, src/setup.cfg, src/setup.py)')])
I('files/p7-data_corrupted.7z', P7 + 'data_corrupted.7z', 'test_basic.py test_digests_data_corrupted: LZMAError; 7z t: Data Error in setup.py',
  [C(0, '7z', None, 'the LZMA stream of the packed data is corrupt (Data Error in setup.py)')])
# ---- go-diskfs (MIT) ----
GD = 'diskfs/go-diskfs@c5b3b50 filesystem/squashfs/testdata/'
I('files/gd-dir_read.sqs', GD + 'dir_read.sqs', 'unsquashfs -s: valid 4.0 superblock, zstd, 4 KiB blocks, 301 inodes', [C(0, 'squashfs')])
I('files/gd-unsquashfs.elf', GD + 'tools/unsquashfs', 'file(1): ELF 64-bit x86-64 executable (unsquashfs; "hsqs"/"sqsh" occur in its code and data, no squashfs is in it)', [C(0, 'elf')])

# ---- generated by gen.sh ----
G = 'gen.sh'
I('gen/g01-fit-mips-ramdisk.bin', G, 'dumpimage -l: FIT with kernel-1 (gzip, sha256), fdt-1, ramdisk-1 (gzip cpio, crc32)', [C(0, 'fit')])
I('gen/g02-uimage-multi.bin', G, 'dumpimage -l: ARM multi-file image, 2 images (200000, 91136 bytes)', [C(0, 'uimage')])
I('gen/g03-uimage-mips-lz4.bin', G, 'dumpimage -l: MIPS kernel, lz4 compressed', [C(0, 'uimage')])
for n, s in [('g04-squashfs-xz-bcj-1m.bin', 'xz, 1 MiB blocks'), ('g05-squashfs-gzip-16k-nofrag.bin', 'zlib, 16 KiB blocks'), ('g06-squashfs-zstd22-noI.bin', 'zstd, 64 KiB blocks')]:
    I('gen/' + n, G, 'unsquashfs -s: valid 4.0 superblock (%s); unsquashfs extracts it' % s, [C(0, 'squashfs')])
I('gen/g07-jffs2-le-lzo.bin', G, 'jffs2dump -c: no CRC errors', [C(0, 'jffs2')])
I('gen/g08-jffs2-be-summary.bin', G, 'jffs2dump -b -c: no CRC errors; sumtool added erase block summaries', [C(0, 'jffs2')])
I('gen/g09-ubi-4k-ubifs.bin', G, 'ubinize -p 256KiB -m 4096; 15 PEBs, volume 0 (13 LEBs) opens with the UBIFS magic', [C(0, 'ubi', [C(0, 'ubifs')])])
I('gen/g10-ubi-nor-2vol.bin', G, 'ubinize -p 64KiB -m 1; volume 0 "rootfs" (static, squashfs), volume 1 "rootfs_data" (UBIFS)', [C(0, 'ubi', [C(0, 'squashfs'), C(0, 'ubifs')])])
I('gen/g11-ubifs-lzo.bin', G, 'mkfs.ubifs -m 2048 -x lzo; file(1): UBIfs image', [C(0, 'ubifs')])
I('gen/g12-erased-cramfs.bin', G, '128 KiB of 0xFF, then mkfs.cramfs -N little (fsck.cramfs ok), erased to 512 KiB', [C(0x20000, 'cramfs')])
I('gen/g13-romfs-align512.bin', G, 'file(1): romfs, named heldout4', [C(0, 'romfs')])
I('gen/g14-ext2-4k.bin', G, 'e2fsck -fn clean; ext2, 4 KiB blocks, 1 MiB', [C(0, 'ext4')])
I('gen/g15-dtb-symbols.bin', G, 'dtc -I dtb decompiles it (with __symbols__)', [C(0, 'dtb', [])])
I('gen/g16-xz-sha256-cpio-crc.bin', G, 'xz -dc | cpio -it; the cpio opens with 070702', [C(0, 'xz', [C(0, 'cpio')])])
I('gen/g17-lzma9-tar-pax.bin', G, 'xz --format=lzma -dc | tar tv', [C(0, 'lzma', [C(0, 'tar')])])
I('gen/g18-zstd-long-tar-gnu.bin', G, 'zstd -dc --long=20 | tar t', [C(0, 'zstd', [C(0, 'tar')])])
I('gen/g19-lz4-bx-tar-oldgnu.bin', G, 'lz4 -dc | file: POSIX tar (GNU)', [C(0, 'lz4', [C(0, 'tar')])])
I('gen/g20-lzop-cpio-newc.bin', G, 'lzop -dc: 070701 (newc cpio)', [C(0, 'lzo', [C(0, 'cpio')])])
I('gen/g21-cpio-bin.bin', G, 'cpio -H bin; cpio -it lists the tree', [C(0, 'cpio')])
I('gen/g22-tar-v7.bin', G, 'tar -H v7; tar t lists the tree', [C(0, 'tar')])
I('gen/g23-tar-ustar.bin', G, 'tar -H ustar; file(1): POSIX tar', [C(0, 'tar')])
I('gen/g24-7z-bcj.bin', G, '7z t: ok (BCJ + LZMA2)', [C(0, '7z')])
I('gen/g25-zip-mixed.bin', G, 'unzip -Z: 16 entries, stored and deflated', [C(0, 'zip')])
flash = [C(0, 'uboot'), C(0x60000, 'uboot-env'), C(0x70000, 'mtk-eeprom'), C(0x80000, 'uimage'), C(0xc0000, 'squashfs')]
I('gen/g26-flash-mt7628-openwrt.bin', G, 'u-boot-qemu maltael u-boot.bin (2023.01) at 0; mkenvimage env at 0x60000 (CRC ok; mtdparts 384k(u-boot),64k(u-boot-env),64k(factory),-(firmware)); MT7628 EEPROM at 0x70000; uImage (lzma) at 0x80000; squashfs (g04) at 0xc0000',
  flash)
I('gen/g27-nand-oob-ubi.bin', G, 'NAND dump: 2048+64 byte pages, OOB Hamming ECC at 40..63 for written pages; without OOB it is ubinize -p 128KiB -m 2048 of a UBIFS (15 PEBs, LEB 0 UBIFS magic); offsets are raw (with OOB)', [C(0, 'ubi', [C(0, 'ubifs')])])
I('gen/g28-dual-firmware.bin', G, 'two sysupgrade firmwares (uImage + squashfs at the next 64 KiB) at 0 and 2 MiB', [C(0, 'uimage'), C(0x40000, 'squashfs'), C(0x200000, 'uimage'), C(0x240000, 'squashfs')])
I('gen/d01-uimage-hcrc-flip.bin', G, 'g03 with bit 2 of header byte 8 (timestamp) flipped; dumpimage -l no longer takes it as a uImage', [C(0, 'uimage', None, 'header CRC fails: one bit of the timestamp flipped (data CRC intact)')])
f2 = [dict(c) for c in flash]; f2[4]['damage'] = 'the squashfs is erased (0xFF) from 0xca333, 60% into it: its inode/directory/fragment/id tables (at its end) are gone'
I('gen/d02-flash-squashfs-half-erased.bin', G, 'g26 with everything from 0xca333 to the end 0xFF', f2)
I('gen/d03-flash-factory-erased.bin', G, 'g26 with 0x70000..0x80000 (factory) all 0xFF', [flash[0], flash[1], flash[3], flash[4]],
  notes='image-level defect, not scored by score_scan.py: the factory partition (mtdparts: 64k(factory) at 0x70000) is erased: calibration data and MACs lost')
I('gen/d04-flash-env-factory-swapped.bin', G, 'g26 with factory at 0x60000 and env at 0x70000 (swapped); the env still says 384k(u-boot),64k(u-boot-env),64k(factory)',
  [C(0, 'uboot'), C(0x60000, 'mtk-eeprom'), C(0x70000, 'uboot-env', None, 'partitions swapped: the environment lies where its mtdparts puts factory (0x70000), the EEPROM where it puts u-boot-env (0x60000)'), C(0x80000, 'uimage'), C(0xc0000, 'squashfs')])
I('gen/d05-flash-factory-other-unit.bin', G, 'g26 with the factory of another unit: EEPROM MAC 00:0c:43:76:99:aa, env ethaddr 00:0c:43:76:28:01',
  [flash[0], flash[1], C(0x70000, 'mtk-eeprom', None, "factory from another unit: its MAC 00:0c:43:76:99:aa is not the environment's ethaddr 00:0c:43:76:28:01"), flash[3], flash[4]])
I('gen/d06-flash-firmware-concatenated.bin', G, 'g26 whose firmware partition holds firmware1 (uImage 0x80000, squashfs 0xc0000) and right after it, at 0xe0000 where rootfs_data starts, firmware2 (uImage, squashfs g05 at 0x120000)',
  [flash[0], flash[1], flash[2], flash[3], flash[4], C(0xe0000, 'uimage', None, 'a second firmware concatenated after the first one in the firmware partition (where rootfs_data belongs)'), C(0x120000, 'squashfs')])
I('gen/d07-ubi-vid-flip.bin', G, 'g09 with bit 6 of the lnum (byte 15 of the VID header) of the PEB at 0x100000 (LEB 2 of volume 0) flipped: its VID header CRC fails',
  [C(0, 'ubi', [C(0, 'ubifs')], 'VID header CRC of PEB 4 (at 0x100000) fails: one bit of its LEB number flipped, so LEB 2 of volume 0 is lost')])
I('gen/d08-jffs2-data-crc.bin', G, 'g07 with one byte of an inode node\'s data flipped; jffs2dump -c: "Wrong data_crc at 0x000004d8"', [C(0, 'jffs2', None, 'data CRC of the inode node at 0x4d8 fails (one byte of its compressed data flipped)')])
I('gen/d09-fit-truncated.bin', G, 'g01 cut 3000 bytes before its end; dumpimage -l rejects it', [C(0, 'fit', None, 'truncated: the FDT totalsize is 268944, 265944 bytes present (the ramdisk data is cut)')])
I('gen/d10-env-crc.bin', G, "mkenvimage env (64 KiB) with 'bootdelay=1' changed to 'bootdelay=5': stored CRC 0x3c9699fe, computed 0x56b11678", [C(0, 'uboot-env', None, 'CRC32 fails (one byte of a variable changed)')])
I('gen/d11-gzip-crc-flip.bin', G, 'gzip of a ustar tar with one bit of the trailer CRC32 flipped; gzip -t: crc error', [C(0, 'gzip', [C(0, 'tar')], 'the trailer CRC32 does not match the data (one bit flipped)')])
I('gen/d12-cramfs-crc-flip.bin', G, 'mkfs.cramfs image with one bit flipped in the middle; fsck.cramfs: crc error', [C(0, 'cramfs', None, 'superblock CRC fails (one bit flipped at 0x8800)')])

I('gen/g29-gzip-ext4.bin', G, 'gzip -dc | file: ext4 (extents, 64bit), 2 MiB by mke2fs -d', [C(0, 'gzip', [C(0, 'ext4')])])
I('gen/g30-erased-zstd-cpio.bin', G, '64 KiB of 0xFF, zstd frame at 0x10000 (zstd -dc: 070701 newc cpio), erased to 256 KiB', [C(0x10000, 'zstd', [C(0, 'cpio')])])
fl13 = [dict(c) for c in flash]; fl13[4]['damage'] = 'truncated: the dump ends at 0xd0000, the squashfs (bytes_used 66244 from 0xc0000) needs 0x2c4 bytes more'
I('gen/d13-flash-dump-truncated.bin', G, 'g26 cut at 0xd0000 (852 KiB of a 4 MiB flash)', fl13,
  notes='image-level defect as well: the dump is shorter than the flash (mtdparts ends with -(firmware))')
I('gen/d14-tar-header-checksum.bin', G, 'g23 with one bit of the third header (./etc/hostname) name flipped; tar tv: Skipping to next header', [C(0, 'tar', None, 'header checksum of the third member (at 0x400) fails')])
I('gen/d15-zip-member-crc.bin', G, 'g25 with one byte of the deflated usr/share/doc/COPYING flipped; unzip -t: bad CRC 183cdc78 (should be 935d64ba)', [C(0, 'zip', None, 'CRC-32 of usr/share/doc/COPYING fails (one byte of its deflated data flipped)')])
I('gen/d16-lz4-block-checksum.bin', G, 'g19 with one byte of its first block flipped; lz4 -t: ERROR_blockChecksum_invalid', [C(0, 'lz4', None, 'block checksum of the first block fails (one byte flipped)')])

for im in imgs:
    p = os.path.join(root, im['file'])
    b = open(p, 'rb').read()
    im['sha256'] = hashlib.sha256(b).hexdigest(); im['size'] = len(b)
doc = {'schema': 'mtdscope.scan-truth/1',
       'about': "Round-4 scan held-out corpus (issue 12): truth written before mtdscope scan ran on any of these files. 'children': null = what lies inside is not scored; [] = nothing known inside (a finding there is false). Offsets of children count in the parent's decoded bytes.",
       'images': imgs}
json.dump(doc, open(os.path.join(root, 'truth.json'), 'w'), indent=1)
n = sum(1 for _ in imgs)
def cnt(cs):
    return sum(1 + cnt(c['children'] or []) for c in cs)
print(n, 'images', sum(cnt(i['components']) for i in imgs), 'components', sum(len(i['components']) for i in imgs), 'top')
