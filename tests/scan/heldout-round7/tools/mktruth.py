#!/usr/bin/env python3
"""Write truth.json for the round-7 scan corpus from how gen.sh built each image; rechecks offsets and defects
against the bytes and the field's tools. usage: tools/mktruth.py CORPUSDIR (holding gen/)"""
import hashlib, json, os, struct, subprocess, sys, zlib
root = sys.argv[1]; G = os.path.join(root, 'gen')
def rd(f): return open(os.path.join(G, f), 'rb').read()
def run(*a): return subprocess.run(a, capture_output=True, text=True)
def C(off, t, ch=None, dmg=None):
    c = {'offset': off, 'type': t, 'children': ch}
    if dmg: c['damage'] = dmg
    return c
def sq_ok(f, off=0):
    d = rd(f); assert d[off:off+4] == b'hsqs', f
    if off == 0:
        r = run('unsquashfs', '-s', os.path.join(G, f)); assert r.returncode == 0, (f, r.stderr)
        return r.stdout.splitlines()[0]
def uimg_hcrc(d, o):
    h = bytearray(d[o:o+64]); assert h[:4] == b'\x27\x05\x19\x56'; st = struct.unpack('>I', h[4:8])[0]; h[4:8] = b'\0'*4
    return st, zlib.crc32(bytes(h))
def ok(cmd): r = subprocess.run(cmd, shell=True, capture_output=True); assert r.returncode == 0, (cmd, r.stderr[:200]); return r.stdout
imgs = []
def add(f, comps, chk, notes=None, origin='gen.sh'):
    d = rd(f); imgs.append({'file': 'gen/' + f, 'origin': origin, 'scope': 'router', 'checked_with': chk, 'components': comps,
        'notes': notes, 'sha256': hashlib.sha256(d).hexdigest(), 'size': len(d)})
for f, how in [('r01-squashfs-gzip-4k.bin', 'gzip -b 4K'), ('r02-squashfs-zstd19-128k.bin', 'zstd-19 -b 128K'),
               ('r03-squashfs-lz4hc-1m.bin', 'lz4 -Xhc -b 1M'), ('r04-squashfs-lzo-1m.bin', 'lzo -b 1M'), ('r05-squashfs-xz-4k.bin', 'xz -b 4K')]:
    add(f, [C(0, 'squashfs')], 'mksquashfs %s; unsquashfs -s: %s' % (how, sq_ok(f)))
d = rd('r06-jffs2-be-128k.bin'); assert d[:2] == b'\x19\x85'
add('r06-jffs2-be-128k.bin', [C(0, 'jffs2')], 'mkfs.jffs2 -b -e 128KiB; magic 0x1985 big endian; file: ' + ok('file -b ' + G + '/r06*').decode().strip())
d = rd('r07-cramfs-be.bin'); assert d[:4] == b'\x28\xcd\x3d\x45'
add('r07-cramfs-be.bin', [C(0, 'cramfs')], 'mkfs.cramfs -N big; file: ' + ok('file -b ' + G + '/r07*').decode().strip()[:90])
assert rd('r08-romfs.bin')[:8] == b'-rom1fs-'
add('r08-romfs.bin', [C(0, 'romfs')], 'genromfs -V round7; -rom1fs- at 0')
assert rd('r09-ext4-small.bin')[0x438:0x43a] == b'\x53\xef'
add('r09-ext4-small.bin', [C(0, 'ext4')], 'mke2fs -t ext4 -b 1024 -d, 4 MiB; e2fsck -n: ' + str(run('e2fsck', '-fn', G + '/r09-ext4-small.bin').returncode))
assert rd('r10-fit-3conf.bin')[:4] == b'\xd0\x0d\xfe\xed'; ok('dumpimage -l ' + G + '/r10-fit-3conf.bin')
add('r10-fit-3conf.bin', [C(0, 'fit')], 'mkimage -f: kernel lzma + 3 fdts, configurations c1 c2 c3 (default c2); dumpimage -l lists them')
s, c = uimg_hcrc(rd('r11-uimage-multi3.bin'), 0); assert s == c; ok('dumpimage -l ' + G + '/r11-uimage-multi3.bin')
add('r11-uimage-multi3.bin', [C(0, 'uimage')], 'mkimage -T multi with 3 files (kernel, gzip cpio, dtb); dumpimage -l: Multi-File Image, header CRC ok')
for f, src in [('r12-uboot-x86_64.bin', 'qemu-x86_64'), ('r13-uboot-riscv64.bin', 'qemu-riscv64'), ('r14-uboot-arm64.bin', 'qemu_arm64')]:
    assert rd(f) == open('/usr/lib/u-boot/%s/u-boot.bin' % src, 'rb').read() and b'U-Boot 20' in rd(f)
    add(f, [C(0, 'uboot')], 'u-boot-qemu %s u-boot.bin unchanged; "U-Boot 2023.01" version string present' % src, origin='u-boot-qemu /usr/lib/u-boot/%s/u-boot.bin' % src)
for f, t, ch, cmd in [('r15-lzma-d16-lc1lp1pb1-tar.bin', 'lzma', 'tar', 'xz --format=lzma -dc'), ('r16-bzip2-9-cpio.bin', 'bzip2', 'cpio', 'bzip2 -dc'),
                      ('r17-lz4-legacy-tar.bin', 'lz4', 'tar', 'lz4 -dc'), ('r18-zstd19-cpio.bin', 'zstd', 'cpio', 'zstd -dc')]:
    out = ok('%s %s/%s' % (cmd, G, f))
    if ch == 'tar': assert out[257:262] == b'ustar'
    else: assert out[:6] == b'070707' or out[:6] == b'070701', out[:6]
    add(f, [C(0, t, [C(0, ch)])], '%s decodes it to a %s (magic checked)' % (cmd, ch))
assert rd('r17-lz4-legacy-tar.bin')[:4] == b'\x02\x21\x4c\x18'
assert rd('r19-cpio-odc.bin')[:6] == b'070707'; ok('cpio -it < %s/r19-cpio-odc.bin' % G)
add('r19-cpio-odc.bin', [C(0, 'cpio')], 'cpio -H odc (070707); cpio -it lists it')
assert rd('r20-fip-2.bin')[:4] == b'\x01\x00\x64\xaa'; ok('fiptool info ' + G + '/r20-fip-2.bin')
add('r20-fip-2.bin', [C(0, 'fip')], 'fiptool create --soc-fw --nt-fw (qemu_arm64 U-Boot); fiptool info lists 2 images')
def trx(f):
    d = rd(f); m, n, crc = struct.unpack('<4sII', d[:12]); assert m == b'HDR0' and n == len(d)
    o1, o2 = struct.unpack('<II', d[16:24]); return d, crc, zlib.crc32(d[12:]) ^ 0xffffffff, o1, o2
d, s, c, o1, o2 = trx('r21-trx.bin'); assert s == c and d[o1] == 0x5d and d[o2:o2+4] == b'hsqs'
add('r21-trx.bin', [C(0, 'trx')], 'TRX v1 written by gen.sh: header CRC ok, lzma kernel at %d, squashfs at %d' % (o1, o2),
    notes='TRX children (lzma@%d, squashfs@%d) not scored (children null)' % (o1, o2))
for f, pg, oob, peb, bad, ch in [('r22-nand-2k-oob128-bad5-ubi.bin', 2048, 128, 131072, 5, 'ubifs'), ('r23-nand-4k-oob256-bad2-ubi-squashfs.bin', 4096, 256, 262144, 2, 'squashfs')]:
    d = rd(f); st = pg + oob; ppb = peb // pg; assert len(d) % st == 0
    assert d[:4] == b'UBI#' and d[bad*ppb*st + pg] == 0 and d[(bad+1)*ppb*st:(bad+1)*ppb*st+4] == b'UBI#'
    add(f, [C(0, 'ubi', [C(0, ch)])], 'NAND dump %d+%d of a ubinize image, PEB %d bad (OOB byte 0 = 0x00, data zero), UBI# at 0 and after the bad block; one %s volume' % (pg, oob, bad, ch),
        notes='raw layout: page then OOB; ECC-like bytes (sha256) in the last quarter of each written page\'s OOB')
d = rd('r24-flash-qca-32m.bin'); sqo = int(open(G + '/q.sqoff').read())
assert d[0xd0004:0xd000c] == b'bootcmd=' and zlib.crc32(d[0xd0004:0xe0000]) == struct.unpack('<I', d[0xd0000:0xd0004])[0]
s, c = uimg_hcrc(d, 0xf0000); assert s == c; sq_ok('r24-flash-qca-32m.bin', sqo); assert len(d) == 32 << 20
qc = lambda dm=None: [C(0, 'uboot'), C(0xd0000, 'uboot-env'), C(0xf0000, 'uimage', None, dm), C(sqo, 'squashfs')]
add('r24-flash-qca-32m.bin', qc(), 'NOR 32 MiB: qemu_arm U-Boot 0, env 0xd0000 (CRC ok), ART (random) 0xe0000, uImage 0xf0000 (hcrc ok), squashfs %#x' % sqo)
# damage
d = rd('d01-uimage-multi-hcrc.bin'); s, c = uimg_hcrc(d, 0); assert s != c
add('d01-uimage-multi-hcrc.bin', [C(0, 'uimage', None, 'header CRC fails (stored %#010x, computed %#010x)' % (s, c))], 'r11 with byte 5 (header CRC) changed; recomputed')
d = rd('d02-squashfs-zstd-truncated55.bin'); bu = struct.unpack('<Q', d[40:48])[0]; assert bu > len(d)
add('d02-squashfs-zstd-truncated55.bin', [C(0, 'squashfs', None, 'truncated: bytes_used %d, %d bytes present' % (bu, len(d)))], 'r02 cut at 55%')
r = run('zstd', '-t', G + '/d03-zstd-truncated45.bin'); assert r.returncode != 0
add('d03-zstd-truncated45.bin', [C(0, 'zstd', None, 'truncated (45% of the frame)')], 'r18 cut at 45%; zstd -t fails')
d, s, c, o1, o2 = trx('d04-trx-crc.bin'); assert s != c
add('d04-trx-crc.bin', [C(0, 'trx', None, 'TRX CRC fails (stored %#010x, computed %#010x): a byte of the squashfs flipped' % (s, c))], 'r21 with one byte 5000 from the end flipped; CRC recomputed')
d = rd('d05-flash-qca-uimage-hcrc.bin'); s, c = uimg_hcrc(d, 0xf0000); assert s != c
add('d05-flash-qca-uimage-hcrc.bin', qc('header CRC fails (stored %#010x, computed %#010x)' % (s, c)), 'r24 with a byte of the uImage header CRC changed; recomputed')
d = rd('r25-tar-squashfs.bin'); assert d[257:262] == b'ustar' and d[512:516] == b'hsqs'
add('r25-tar-squashfs.bin', [C(0, 'tar')], 'ustar tar with one member rootfs.sqsh (r01, hsqs at 512)', notes='the squashfs member at 512 is not scored (children null)')
d = rd('r26-cpio-gzip.bin'); assert d[:6] == b'070701' and d[120:122] == b'\x1f\x8b'
add('r26-cpio-gzip.bin', [C(0, 'cpio')], 'cpio newc with one member initrd.gz (gzip at 120)', notes='the gzip member at 120 is not scored (children null)')
ok('unzip -tq ' + G + '/r27-zip-deflate9.bin'); add('r27-zip-deflate9.bin', [C(0, 'zip')], 'zip -9 -r; unzip -t ok')
ok('7z t ' + G + '/r28-7z-lzma.bin'); add('r28-7z-lzma.bin', [C(0, '7z')], '7z a -m0=LZMA; 7z t ok')
out = ok('xz --format=lzma -dc %s/r29-lzma-d24-lc0lp0pb0-cpio.bin' % G); assert out[:6] == b'070701' and rd('r29-lzma-d24-lc0lp0pb0-cpio.bin')[0] == 0
add('r29-lzma-d24-lc0lp0pb0-cpio.bin', [C(0, 'lzma', [C(0, 'cpio')])], 'lzma_alone -d24 -lc0 -lp0 -pb0 (props byte 0x00); xz -dc gives a newc cpio')
out = ok('gzip -dc %s/r30-gzip1-ext4.bin' % G); assert out == rd('r09-ext4-small.bin')
add('r30-gzip1-ext4.bin', [C(0, 'gzip', [C(0, 'ext4')])], 'gzip -n -1 of r09; gzip -dc gives it back')
r = run('xz', '-t', G + '/d06-xz-truncated30.bin'); assert r.returncode != 0
add('d06-xz-truncated30.bin', [C(0, 'xz', None, 'truncated (30% of the stream)')], 'xz preset 2 of a tar cut at 30%; xz -t fails')
d = rd('r31-spinand-mt7621-128m.bin'); R = lambda a: a // 2048 * 2112
assert len(d) == (128 << 20) // 2048 * 2112 and d[:len(open('/usr/lib/u-boot/malta64el/u-boot.bin','rb').read()) and 2048] == open('/usr/lib/u-boot/malta64el/u-boot.bin','rb').read()[:2048]
ev = b''.join(d[R(0x80000) + i*2112:R(0x80000) + i*2112 + 2048] for i in range(2)); assert zlib.crc32(ev[4:]) == struct.unpack('<I', ev[:4])[0]
assert d[R(0x100000):R(0x100000)+2] == b'\x15\x76' and d[R(0x200000):R(0x200000)+4] == b'UBI#'
add('r31-spinand-mt7621-128m.bin', [C(0, 'uboot'), C(R(0x80000), 'uboot-env'), C(R(0x100000), 'mtk-eeprom'), C(R(0x200000), 'ubi', [C(0, 'ubifs')])],
    'SPI-NAND 128 MiB 2048+64 written by gen.sh: malta64el U-Boot at 0, env at data 0x80000 (CRC ok over the de-interleaved pages), MT7615 EEPROM at data 0x100000, UBI at data 0x200000',
    notes='offsets are raw (data offset / 2048 * 2112): env 0x80000 -> %d, factory 0x100000 -> %d, UBI 0x200000 -> %d' % (R(0x80000), R(0x100000), R(0x200000)))
json.dump({'schema': 'mtdscope.scan-truth/1', 'images': imgs}, open(os.path.join(root, 'truth.json'), 'w'), indent=1)
print(len(imgs), 'images', sum(len(i['components']) for i in imgs), 'top-level components')
