#!/usr/bin/env python3
# Write truth.json of the round-6 scan held-out corpus (run with the corpus directory: files/ and gen/ present).
# The components come from how gen.sh built each image (checked with dumpimage -l, unsquashfs -s, jffs2dump -c,
# fsck.cramfs, fiptool info, dtc, 7z t, unzip -t, tar t, cpio -it --only-verify-crc, xz/zstd/lz4/bzip2/gzip/lzop -t)
# and from the other suites' own expectations (xz tests/files/README: good-* decode, bad-* must fail; zstd's
# golden-decompression decode, golden-decompression-errors must fail; squashfs-tools-ng's tar reader tests read
# every lib/tar/test/data file). The damage descriptions are checked here against the bytes (CRCs recomputed).
import hashlib, json, os, struct, sys, zlib, subprocess
root = sys.argv[1] if len(sys.argv) > 1 else '.'
imgs = []
def C(off, typ, children=None, damage=None):
    d = {'offset': off, 'type': typ, 'children': children}
    if damage: d['damage'] = damage
    return d
def I(f, origin, checked, comps, scope='router', notes=None):
    assert os.path.exists(os.path.join(root, f)), f
    imgs.append({'file': f, 'origin': origin, 'scope': scope, 'checked_with': checked, 'components': comps, 'notes': notes})
rd = lambda f: open(os.path.join(root, f), 'rb').read()
up64k = lambda n: (n + 0xffff) & ~0xffff
ubicrc = lambda b: zlib.crc32(b) ^ 0xffffffff   # crc32_le(0xffffffff, ...) without the final inversion

# ---- xz's test files (0BSD), tests/files at 28a66a3d ----
XZ = 'tukaani-project/xz@28a66a3d tests/files/'
xgood = {'good-0-empty.xz': 'one Stream with no Blocks', 'good-0pad-empty.xz': 'one empty Stream and four-byte Stream Padding',
         'good-1-3delta-lzma2.xz': 'three Delta filters and LZMA2', 'good-1-arm64-lzma2-2.xz': 'ARM64 filter with a start offset, LZMA2',
         'good-1-block_header-2.xz': 'known Compressed Size', 'good-1-block_header-3.xz': 'known Uncompressed Size',
         'good-1-check-crc64.xz': 'CRC64 check', 'good-1-check-none.xz': 'no integrity check',
         'good-1-empty-bcj-lzma2.xz': 'an empty Block with PowerPC BCJ and LZMA2', 'good-1-lzma2-1.xz': 'second LZMA2 chunk sets new properties',
         'good-1-lzma2-2.xz': 'second chunk resets the state', 'good-1-lzma2-3.xz': 'uncompressed chunk then LZMA chunk',
         'good-1-lzma2-4.xz': 'three LZMA2 chunks', 'good-1-lzma2-5.xz': 'an empty LZMA2 stream with only the end marker'}
for f, s in xgood.items():
    I('files/xz-' + f, XZ + f, "xz's README: good (%s), must decode; xz -t: ok" % s, [C(0, 'xz')])
I('files/xz-good-known_size-without_eopm.lzma', XZ + 'good-known_size-without_eopm.lzma',
  "xz's README: .lzma with a known size and no end marker, good; xz -t --format=lzma: ok", [C(0, 'lzma')])
xbad = {'bad-0-backward_size.xz': 'wrong Backward Size in the Stream Footer',
        'bad-0-empty-truncated.xz': 'an empty Stream without its last byte (truncated)',
        'bad-0-nonempty_index.xz': 'no Blocks but the Index claims one',
        'bad-0pad-empty.xz': 'five-byte Stream Padding (not a multiple of four)',
        'bad-1-block_header-3.xz': 'wrong CRC32 in the Block Header',
        'bad-1-block_header-4.xz': 'Compressed Size in the Block Header too big (2^63 - 1)',
        'bad-1-check-sha256.xz': 'wrong SHA-256 check',
        'bad-1-lzma2-6.xz': 'reserved LZMA2 control byte 0x03',
        'bad-1-lzma2-9.xz': 'LZMA2 truncated at the end of a chunk, more output than the Block Header says',
        'bad-1-stream_flags-2.xz': 'wrong CRC32 in the Stream Header',
        'bad-1-stream_flags-3.xz': 'wrong CRC32 in the Stream Footer',
        'bad-1-vli-2.xz': 'ten-byte variable-length integer as Uncompressed Size in the Block Header',
        'bad-2-compressed_data_padding.xz': 'non-null byte in the Compressed Data padding of the first Block',
        'bad-2-index-4.xz': 'wrong CRC32 in the Index',
        'bad-3-index-uncomp-overflow.xz': 'Index Uncompressed Sizes that sum to 2^64'}
for f, s in xbad.items():
    I('files/xz-' + f, XZ + f, "xz's README: bad (%s), the decoder must give an error; xz -t: error" % s, [C(0, 'xz', None, s)])
I('files/xz-bad-unknown_size-without_eopm.lzma', XZ + 'bad-unknown_size-without_eopm.lzma',
  "xz's README: bad; xz -t --format=lzma: Unexpected end of input", [C(0, 'lzma', None, 'unknown size in the header and no end of payload marker (reads as truncated)')])
I('files/xz-bad-too_small_size-without_eopm-3.lzma', XZ + 'bad-too_small_size-without_eopm-3.lzma',
  "xz's README: bad; xz -t --format=lzma: Compressed data is corrupt", [C(0, 'lzma', None, 'uncompressed size in the header too small (the data goes on in the middle of a match)')])
for f in ['good-1-v1-trailing-1.lz', 'good-2-v1-v1.lz']:
    I('files/xz-' + f, XZ + f, "xz's README: good lzip; xz -t --format=lzip: ok", [], scope='other',
      notes='lzip is not a router format of the scan: scored for false findings only')

# ---- zstd's golden files (BSD-3-Clause), tests/ at 2dddf090 ----
ZS = 'facebook/zstd@2dddf090 tests/'
I('files/zstd-golden-decompression-empty-block.zst', ZS + 'golden-decompression/empty-block.zst',
  "zstd's golden-decompression (must decode); zstd -t: 0 bytes", [C(0, 'zstd')])
I('files/zstd-golden-decompression-zeroSeq_2B.zst', ZS + 'golden-decompression/zeroSeq_2B.zst',
  "zstd's golden-decompression (must decode with zstd at 2dddf090); Debian's zstd -t: Decoding error (36): Src size is incorrect",
  [C(0, 'zstd')], notes="valid by zstd's own suite; the older libzstd in Debian rejects it")
I('files/zstd-golden-decompression-errors-zeroSeq_extraneous.zst', ZS + 'golden-decompression-errors/zeroSeq_extraneous.zst',
  "zstd's golden-decompression-errors (must fail at 2dddf090); Debian's zstd -t: 13 bytes, ok",
  [C(0, 'zstd', None, 'a block with zero sequences and extraneous bytes after them (zstd at 2dddf090 rejects it)')],
  notes="damaged by zstd's own suite; the older libzstd in Debian accepts it")

# ---- squashfs-tools-ng's tar reader test inputs, lib/tar/test/data and bin/tar2sqfs/test at e3dcf177 ----
NG = 'AgentD/squashfs-tools-ng@e3dcf177 '
NGDIRS = ['file-size', 'format-acceptance', 'iterator', 'large-mtime', 'long-paths', 'negative-mtime', 'sparse-files',
          'user-group-largenum', 'write', 'xattr']
for f in sorted(os.listdir(os.path.join(root, 'files'))):
    if not f.startswith('sqfsng-'):
        continue
    if f == 'sqfsng-tar2sqfs-simple.tar':
        src = 'bin/tar2sqfs/test/simple.tar'
    else:
        p = [p for p in NGDIRS if f.startswith('sqfsng-' + p + '-')][0]
        src = 'lib/tar/test/data/%s/%s' % (p, f[len('sqfsng-' + p + '-'):])
    assert subprocess.run(['git', '-C', os.environ.get('NG_GIT', '/work/.mirror/AgentD+squashfs-tools-ng/repo'), 'cat-file', '-e',
                           'e3dcf1770fd77a0babcca422dcbe7b2cc7b8ab90:' + src]).returncode == 0, src
    if f.startswith('sqfsng-file-size-'):
        I('files/' + f, NG + src, "squashfs-tools-ng's tar test reads the header of an 8 GiB member (size only); GNU tar t: lists it, then 'rmtlseek not stopped at a record boundary'",
          [C(0, 'tar', None, 'member big-file.bin claims 8589934592 bytes of data, the file ends 1 KiB after its header')],
          notes='the test file holds only the header: as a tar it is truncated')
    else:
        I('files/' + f, NG + src, "squashfs-tools-ng's tar reader tests read it; GNU tar tvf lists its entries", [C(0, 'tar')])

# ---- generated by gen.sh ----
G = 'gen.sh'
g = lambda n: 'gen/' + n
I(g('g01-fit-mips-lzma-ramdisk.bin'), G, 'mkimage -f; dumpimage -l: kernel (mips lzma), ramdisk (gzip), fdt', [C(0, 'fit')])
I(g('g02-fit-arm-external-static.bin'), G, 'mkimage -E -p 0x2000; dumpimage -l: kernel-1 (arm gzip), fdt-1, data-position', [C(0, 'fit')])
I(g('g03-fit-arm64-overlay.bin'), G, 'mkimage -f; dumpimage -l: kernel-1 (none), kernel-2 (lz4), fdt-1, fdt-2 (overlay)', [C(0, 'fit')])
for n, s in [('g04-uimage-mips-lzma.bin', 'MIPS Linux Kernel Image (lzma)'), ('g05-uimage-multi.bin', 'ARM Linux Multi-File Image'),
             ('g06-uimage-arm64-lz4.bin', 'AArch64 Linux Kernel Image (lz4)'), ('g07-uimage-x86-firmware.bin', 'Intel x86 U-Boot Firmware')]:
    I(g(n), G, 'mkimage legacy; dumpimage -l: ' + s, [C(0, 'uimage')])
for n, s in [('g08-squashfs-gzip-w12-64k.bin', 'gzip window 12, 64 KiB blocks'), ('g09-squashfs-xz-arm-1m.bin', 'xz ARM+ARMthumb BCJ, 1 MiB blocks'),
             ('g10-squashfs-lzo1x1.bin', 'lzo lzo1x_1'), ('g11-squashfs-lz4-noI.bin', 'lz4, uncompressed inodes'),
             ('g12-squashfs-zstd3-nopad.bin', 'zstd level 3, no padding'), ('g13-squashfs-lzma-8k-frag.bin', 'lzma, 8 KiB blocks, always fragments')]:
    I(g(n), G, 'mksquashfs 4.5.1 (%s); unsquashfs -s and a full unsquashfs read it' % s, [C(0, 'squashfs')])
I(g('g14-jffs2-be-64k-zlib.bin'), G, 'mkfs.jffs2 -b -e 64KiB -x rtime; jffs2dump -b -c: no errors', [C(0, 'jffs2')])
I(g('g15-jffs2-le-256k-pad.bin'), G, 'mkfs.jffs2 -l -e 256KiB -c 12 -p (padded to its erase block); jffs2dump -l -c: no errors', [C(0, 'jffs2')])
I(g('g16-ubi-2k-squashfs-ubifs.bin'), G, "ubinize -p 128KiB -m 2048 -s 2048: static squashfs 'rootfs' + dynamic UBIFS 'rootfs_data'", [C(0, 'ubi')],
  notes='children not scored (two volumes: where the second sits in the decoded space is the scan\'s convention)')
I(g('g17-ubi-4k-256k-ubifs.bin'), G, 'ubinize -p 256KiB -m 4096: one UBIFS (zlib) volume', [C(0, 'ubi', [C(0, 'ubifs')])])
I(g('g18-ubifs-favor-lzo.bin'), G, 'mkfs.ubifs -m 2048 -e 126976 -x favor_lzo', [C(0, 'ubifs')])
I(g('g19-nand-2k-oob64-ubi.bin'), G, 'NAND dump 2048+64 (erased OOB 0xFF, written pages with 24 ECC-like bytes at the end of the OOB) of ubinize -p 128KiB -m 2048 of a UBIFS; offsets raw',
  [C(0, 'ubi', [C(0, 'ubifs')])])
I(g('g20-nand-4k-oob128-ubi-squashfs.bin'), G, 'NAND dump 4096+128 (48 ECC-like bytes) of ubinize -p 256KiB -m 4096 of a static squashfs volume; offsets raw',
  [C(0, 'ubi', [C(0, 'squashfs')])])
I(g('g21-cramfs-le.bin'), G, 'mkfs.cramfs -N little -b 4096 -e 2; fsck.cramfs: ok', [C(0, 'cramfs')])
I(g('g22-zero-romfs-a512.bin'), G, '32 KiB of zeros, genromfs -a 512, zeros to 192 KiB', [C(0x8000, 'romfs')])
I(g('g23-dtbo-overlay.bin'), G, 'dtc -@ of a /plugin/ overlay; dtc -I dtb reads it', [C(0, 'dtb', [])])
I(g('g24-fip-5.bin'), G, 'fiptool create --tb-fw --soc-fw --tos-fw --nt-fw (qemu_arm u-boot.bin) --hw-config; fiptool info: 5 images', [C(0, 'fip')])
for n, a in [('g25-uboot-malta64el.bin', 'malta64el'), ('g26-uboot-maltael.bin', 'maltael'), ('g27-uboot-riscv64-smode.bin', 'qemu-riscv64_smode'),
             ('g28-uboot-x86.bin', 'qemu-x86'), ('g29-uboot-arm.bin', 'qemu_arm')]:
    I(g(n), 'u-boot-qemu /usr/lib/u-boot/%s/u-boot.bin' % a, "Debian u-boot-qemu's U-Boot for " + a, [C(0, 'uboot')])
I(g('g30-elf-uboot-maltael.bin'), 'u-boot-qemu /usr/lib/u-boot/maltael/uboot.elf', 'file(1): ELF 32-bit LSB executable, MIPS', [C(0, 'elf')])
for n, t, k, s in [('g31-gzip-fname-tar.bin', 'gzip', 'tar', 'gzip -6 with FNAME of ustar'), ('g32-xz-9e-sha256-cpio.bin', 'xz', 'cpio', 'xz -9e --check=sha256 of newc'),
                   ('g33-xz-arm-crc32-tar.bin', 'xz', 'tar', 'xz --arm --check=crc32 of gnu tar'),
                   ('g34-lzma-4k-lc0lp2pb0-tar.bin', 'lzma', 'tar', 'xz --format=lzma dict=4KiB lc=0 lp=2 pb=0 of ustar'),
                   ('g35-zstd-long-tar.bin', 'zstd', 'tar', 'zstd -3 --long=24 --check of pax tar'),
                   ('g36-zstd-skippable-cpio.bin', 'zstd', 'cpio', 'a 24-byte zstd skippable frame then zstd -12 of newc'),
                   ('g37-lz4-b4-bd-tar.bin', 'lz4', 'tar', 'lz4 -B4 -BD --content-size of gnu tar'),
                   ('g38-lz4-skippable-tar.bin', 'lz4', 'tar', 'a 16-byte lz4 skippable frame then lz4 of ustar'),
                   ('g39-bzip2-1-cpio.bin', 'bzip2', 'cpio', 'bzip2 -1 of newc crc'), ('g40-lzop9-tar.bin', 'lzo', 'tar', 'lzop -9 of pax tar')]:
    I(g(n), G, s + '; decompresses with its tool and lists', [C(0, t, [C(0, k)])])
I(g('g41-zip-stored.bin'), G, 'zip -0; unzip -t: no errors', [C(0, 'zip')])
I(g('g42-7z-bzip2.bin'), G, '7z a -m0=BZip2; 7z t: Everything is Ok', [C(0, '7z')])
I(g('g43-7z-bcj-lzma2.bin'), G, '7z a -m0=BCJ -m1=LZMA2 -ms=on; 7z t: Everything is Ok', [C(0, '7z')])
I(g('g44-tar-gnu-longname.bin'), G, 'tar -H gnu with a 99+ character name (././@LongLink); tar t: 24 entries', [C(0, 'tar')])
I(g('g45-cpio-newc-crc.bin'), G, 'cpio -H crc; cpio -it --only-verify-crc: ok', [C(0, 'cpio')])
# flashes
g04 = len(rd(g('g04-uimage-mips-lzma.bin'))); g01 = len(rd(g('g01-fit-mips-lzma-ramdisk.bin'))); g09 = len(rd(g('g09-squashfs-xz-arm-1m.bin')))
f8 = [C(0, 'uboot'), C(0x50000, 'uboot-env'), C(0x60000, 'mtk-eeprom'), C(0x70000, 'uimage'), C(0x70000 + up64k(g04), 'squashfs')]
d = rd(g('g46-flash-mt7628-8m.bin')); assert d[0x70000 + up64k(g04):][:4] == b'hsqs' and d[0x70000:0x70004] == b'\x27\x05\x19\x56'
f8d = "8 MiB MT7628 NOR: maltael u-boot.bin at 0; mkenvimage -s 0x1000 env at 0x50000 (mtdparts 320k(u-boot),64k(u-boot-env),64k(factory),-(firmware), ethaddr 00:0c:43:76:28:60); MT7628 EEPROM (id 0x7628, MAC = ethaddr) at 0x60000; uImage g04 at 0x70000; squashfs g13 at 0x%x" % (0x70000 + up64k(g04))
I(g('g46-flash-mt7628-8m.bin'), G, f8d, f8)
sq16 = 0x80000 + up64k(g01)
f16 = [C(0, 'uboot'), C(0x60000, 'uboot-env'), C(0x70000, 'mtk-eeprom'), C(0x80000, 'fit'), C(sq16, 'squashfs'), C(0xe00000, 'jffs2')]
d = rd(g('g47-flash-mt7621-16m.bin')); assert d[sq16:sq16 + 4] == b'hsqs' and d[0x80000:0x80004] == b'\xd0\x0d\xfe\xed' and d[0xe00000:0xe00002] == b'\x85\x19'
f16d = "16 MiB MT7621 NOR: malta64el u-boot.bin at 0; mkenvimage -s 0x10000 env at 0x60000 (mtdparts 384k(u-boot),64k(u-boot-env),64k(factory),14848k(firmware),2048k(rootfs_data), ethaddr 00:0c:43:76:21:6a); MT7615 EEPROM at 0x70000 (MAC = ethaddr); FIT g01 at 0x80000; squashfs g09 at 0x%x; JFFS2 (mkfs.jffs2 -l -e 64KiB of /etc) at 0xe00000" % sq16
I(g('g47-flash-mt7621-16m.bin'), G, f16d, f16)
f81 = [C(0x40000, 'uboot-env'), C(0x50000, 'mtk-eeprom'), C(0x100000, 'fip'), C(0x200000, 'fit')]
I(g('g48-flash-mt7981-nor.bin'), G, "16 MiB MT7981 NOR: BL2 (mkimage -T mtk_image -n 'media=nor;arm64=1', SF_BOOT header) at 0; env at 0x40000 (mtdparts 256k(bl2),64k(u-boot-env),704k(factory),1024k(fip),-(firmware)); MT7981 EEPROM at 0x50000; FIP g24 at 0x100000; FIT g03 at 0x200000",
  f81, notes='the BL2 at 0 (a MediaTek BROM image, SF_BOOT) is no component type of the scan; a finding there counts false')

# ---- damage ----
d = rd(g('e01-uimage-hcrc-load-bit.bin')); h = bytearray(d[:64]); st = struct.unpack('>I', h[4:8])[0]; h[4:8] = b'\0' * 4
assert zlib.crc32(bytes(h)) != st
I(g('e01-uimage-hcrc-load-bit.bin'), G, 'g04 with bit 0 of the load address flipped; dumpimage -l no longer lists it',
  [C(0, 'uimage', None, 'header CRC fails (stored 0x%08x, computed 0x%08x): one bit of the load address flipped' % (st, zlib.crc32(bytes(h))))])
d = rd(g('e02-uimage-multi-dcrc.bin')); sz, dc = struct.unpack('>I', d[12:16])[0], struct.unpack('>I', d[24:28])[0]; assert zlib.crc32(d[64:64 + sz]) != dc
I(g('e02-uimage-multi-dcrc.bin'), G, 'g05 (multi-file) with one data byte flipped; dumpimage -l rejects it',
  [C(0, 'uimage', None, 'data CRC fails (stored 0x%08x, computed 0x%08x)' % (dc, zlib.crc32(d[64:64 + sz])))])
d = rd(g('e03-flash-mt7628-uimage-hcrc.bin')); h = bytearray(d[0x70000:0x70040]); st = struct.unpack('>I', h[4:8])[0]; h[4:8] = b'\0' * 4
assert zlib.crc32(bytes(h)) != st
I(g('e03-flash-mt7628-uimage-hcrc.bin'), G, 'g46 with one bit of the kernel uImage name flipped (header CRC fails)',
  f8[:3] + [C(0x70000, 'uimage', None, 'header CRC fails (stored 0x%08x, computed 0x%08x)' % (st, zlib.crc32(bytes(h))))] + f8[4:])
d = rd(g('e04-flash-mt7628-factory-erased.bin')); assert d[0x60000:0x70000] == b'\xff' * 0x10000
I(g('e04-flash-mt7628-factory-erased.bin'), G, 'g46 with the factory (0x60000..0x70000) 0xFF', f8[:2] + f8[3:],
  notes='image-level defect, not scored by score_scan.py: the factory partition is erased (calibration and MACs lost)')
I(g('e05-flash-mt7621-factory-other-unit.bin'), G, "g47 with the factory of another unit: EEPROM MAC 00:0c:43:76:21:b2, env ethaddr 00:0c:43:76:21:6a",
  f16[:2] + [C(0x70000, 'mtk-eeprom', None, "factory from another unit: MAC 00:0c:43:76:21:b2 is not the env's ethaddr 00:0c:43:76:21:6a")] + f16[3:])
fw2 = 0x80000 + up64k(sq16 - 0x80000 + g09)
d = rd(g('e06-flash-mt7621-firmware-concatenated.bin')); assert d[fw2:fw2 + 4] == b'\x27\x05\x19\x56' and d[fw2 + up64k(g04):][:4] == b'hsqs'
I(g('e06-flash-mt7621-firmware-concatenated.bin'), G, 'g47 whose firmware partition holds firmware1 (FIT + squashfs) and at 0x%x firmware2 (uImage g04, squashfs g13 at 0x%x)' % (fw2, fw2 + up64k(g04)),
  f16[:5] + [C(fw2, 'uimage', None, 'a second firmware concatenated after the first in the firmware partition'), C(fw2 + up64k(g04), 'squashfs'), f16[5]])
mir = lambda fl, o, what: fl + [C(fl[0]['offset'] + o, fl[0]['type'], None, what)] + [C(c['offset'] + o, c['type']) for c in fl[1:]]
I(g('e07-flash-mt7628-read-16m.bin'), G, "g46 (8 MiB) twice: a 16 MiB read of an 8 MiB chip (upper half mirrors the lower)",
  mir(f8, 0x800000, 'the dump is twice the chip: from 0x800000 it repeats the first 8 MiB (wrong chip size, address wrap)'))
I(g('e08-flash-mt7621-read-32m.bin'), G, "g47 (16 MiB) twice: a 32 MiB read of a 16 MiB chip",
  mir(f16, 0x1000000, 'the dump is twice the chip: from 0x1000000 it repeats the first 16 MiB (wrong chip size, address wrap)'))
d = rd(g('e09-flash-mt7981-no-bl2.bin')); assert d[:0x40000] == b'\xff' * 0x40000
I(g('e09-flash-mt7981-no-bl2.bin'), G, 'g48 with 0..0x40000 (BL2) erased', f81,
  notes='image-level defect, not scored by score_scan.py: no BL2 at 0 (the board does not boot)')
I(g('e10-xz-truncated70.bin'), G, 'g32 cut to 70%; xz -t: Unexpected end of input', [C(0, 'xz', None, 'truncated (70% of the stream)')])
I(g('e11-zstd-truncated33.bin'), G, 'g35 cut to a third; zstd -t: premature end', [C(0, 'zstd', None, 'truncated (a third of the frame)')])
I(g('e12-lz4-truncated60.bin'), G, 'g37 cut to 60%; lz4 -t: Unfinished stream', [C(0, 'lz4', None, 'truncated (60% of the frame)')])
I(g('e13-bzip2-truncated80.bin'), G, 'g39 cut to 80%; bzip2 -t: unexpected end of file', [C(0, 'bzip2', None, 'truncated (80% of the stream)')])
I(g('e14-lzma-truncated50.bin'), G, 'g34 cut in half; xz -t --format=lzma: Unexpected end of input', [C(0, 'lzma', None, 'truncated (half of the stream)')])
d = rd(g('e15-squashfs-truncated40.bin')); bu = struct.unpack('<Q', d[40:48])[0]
I(g('e15-squashfs-truncated40.bin'), G, 'g08 cut to 40%%; unsquashfs fails', [C(0, 'squashfs', None, 'truncated: bytes_used %d, %d bytes present' % (bu, len(d)))])
d = rd(g('e16-gzip-crc32.bin')); c = struct.unpack('<I', d[-8:-4])[0]; o = zlib.decompress(rd(g('g31-gzip-fname-tar.bin')), 31); assert zlib.crc32(o) != c
I(g('e16-gzip-crc32.bin'), G, 'g31 with the trailer CRC32 changed; gzip -t: crc error', [C(0, 'gzip', [C(0, 'tar')], 'trailer CRC32 does not match the decoded data')])
I(g('e17-xz-data-flip.bin'), G, 'g33 with a byte in the middle flipped; xz -t: Compressed data is corrupt', [C(0, 'xz', None, 'compressed data corrupt (one byte flipped)')])
I(g('e18-zstd-checksum.bin'), G, "g35 with the frame's content checksum changed; zstd -t: Restored data doesn't match checksum",
  [C(0, 'zstd', [C(0, 'tar')], 'content checksum fails')])
I(g('e19-lzop-flip.bin'), G, 'g40 with a byte in the middle flipped; lzop -t: Compressed data violation', [C(0, 'lzo', None, 'a block fails to decode or its checksum fails')])
I(g('e20-jffs2-le-data-crc.bin'), G, "g15 with one byte of a node's compressed data flipped; jffs2dump -l -c: Wrong data_crc at 0x00000460",
  [C(0, 'jffs2', None, 'data CRC of the node at 0x460 fails')])
d = rd(g('e21-ubi-vid-crc.bin')); v = d[3 * 262144 + 4096:][:64]; assert v[:4] == b'UBI!' and ubicrc(v[:60]) != struct.unpack('>I', v[60:64])[0]
I(g('e21-ubi-vid-crc.bin'), G, 'g17 with byte 12 (lnum) of the VID header of PEB 3 flipped: its CRC fails', [C(0, 'ubi', None, 'VID header CRC of PEB 3 (0xc1000) fails')])
d = rd(g('e22-ubifs-node-flip.bin')); n = d[126976:126976 + 512]; ln = struct.unpack('<I', n[16:20])[0]
assert n[:4] == b'\x31\x18\x10\x06' and ubicrc(n[8:ln]) != struct.unpack('<I', n[4:8])[0]
I(g('e22-ubifs-node-flip.bin'), G, 'g18 with byte 100 of LEB 1 (the first master node) flipped: its node CRC fails', [C(0, 'ubifs', None, 'master node in LEB 1 fails its CRC (LEB 2 holds the other copy)')])
d = rd(g('e23-fit-kernel-hash.bin'))
I(g('e23-fit-kernel-hash.bin'), G, "g01 with one byte of the kernel's data flipped: its crc32 and sha256 hashes fail (dumpimage -l still lists it)",
  [C(0, 'fit', None, "image 'kernel' fails its crc32 and sha256 hashes")])
I(g('e24-fip-truncated.bin'), G, 'g24 cut 3000 bytes short; fiptool info: FIP is corrupted', [C(0, 'fip', None, 'truncated: HW_CONFIG and the last 2418 bytes of BL33 are past the end')])
d = rd(g('e25-fit-external-data-missing.bin'))
I(g('e25-fit-external-data-missing.bin'), G, 'g02 (external data at 0x2000) cut 100 bytes after 0x2000: kernel-1 data (62614 bytes) missing',
  [C(0, 'fit', None, 'external data past the end: kernel-1 at data-position 0x2000, 62614 bytes, 100 present')])
d = rd(g('e26-flash-mt7621-env-crc.bin')); e = d[0x60000:0x70000]; assert zlib.crc32(e[4:]) != struct.unpack('<I', e[:4])[0]
I(g('e26-flash-mt7621-env-crc.bin'), G, 'g47 with one byte of ipaddr in the env changed (CRC fails)', f16[:1] + [C(0x60000, 'uboot-env', None, 'CRC32 fails')] + f16[2:])
d = rd(g('e27-env-redundant-crc.bin')); assert zlib.crc32(d[5:]) != struct.unpack('<I', d[:4])[0]
I(g('e27-env-redundant-crc.bin'), G, 'mkenvimage -r -s 0x2000 (CRC, flag byte, data) with one byte of serverip flipped', [C(0, 'uboot-env', None, 'CRC32 fails')])
I(g('e28-cpio-crc-member.bin'), G, 'g45 with a byte of sbin/procd flipped; cpio --only-verify-crc: sbin/procd: checksum error', [C(0, 'cpio', None, 'checksum of sbin/procd fails')])
I(g('e29-tar-header-checksum.bin'), G, "g44 with a byte of the second member's header flipped; tar t: Skipping to next header", [C(0, 'tar', None, 'header of the second member fails its checksum')])
I(g('e30-zip-no-central-dir.bin'), G, "g41 cut before its central directory; unzip -t: cannot find zipfile directory", [C(0, 'zip', None, 'no central directory or end record (truncated)')])
I(g('e31-7z-no-end-header.bin'), G, "g42 cut before its end header; 7z t: Open Errors", [C(0, '7z', None, 'truncated: the end header is past the end')])
I(g('e32-cramfs-le-crc.bin'), G, 'g21 with one byte flipped in the middle; fsck.cramfs: crc error', [C(0, 'cramfs', None, 'CRC fails')])
d = rd(g('e33-romfs-checksum.bin'))[0x8000:]; n = min(512, struct.unpack('>I', d[8:12])[0]); assert sum(struct.unpack('>%dI' % (n // 4), d[:n])) & 0xffffffff != 0
I(g('e33-romfs-checksum.bin'), G, "g22 with the volume name's first byte changed: the superblock checksum fails", [C(0x8000, 'romfs', None, 'superblock checksum fails')])
I(g('e34-dtb-totalsize.bin'), G, 'g23 with totalsize raised by 4096; dtc: EOF before reading 4356 bytes', [C(0, 'dtb', None, 'truncated: totalsize 4356, 260 present')])
d = rd(g('e35-nand-dump-cut.bin'))
I(g('e35-nand-dump-cut.bin'), G, 'g19 cut 1000 bytes into page %d (of 2112-byte pages): a dump stopped early' % (len(d) // 2112),
  [C(0, 'ubi', None, 'truncated: the dump ends in the middle of a page, the UBI volume is cut')])

for im in imgs:
    b = rd(im['file']); im['sha256'] = hashlib.sha256(b).hexdigest(); im['size'] = len(b)
doc = {'schema': 'mtdscope.scan-truth/1',
       'about': "Round-6 scan held-out corpus (issue 12): truth written before mtdscope scan ran on any of these files. 'children': null = what lies inside is not scored; [] = nothing known inside (a finding there is false). Offsets of children count in the parent's decoded bytes.",
       'images': imgs}
json.dump(doc, open(os.path.join(root, 'truth.json'), 'w'), indent=1)
cnt = lambda cs: sum(1 + cnt(c['children'] or []) for c in cs)
dmg = lambda cs: sum(bool(c.get('damage')) + dmg(c['children'] or []) for c in cs)
print(len(imgs), 'images', sum(cnt(i['components']) for i in imgs), 'components', sum(len(i['components']) for i in imgs), 'top',
      sum(dmg(i['components']) for i in imgs), 'damaged components', sum(1 for i in imgs if dmg(i['components']) or (i['notes'] or '').startswith('image-level')), 'damaged images')
