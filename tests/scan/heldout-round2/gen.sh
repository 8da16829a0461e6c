#!/bin/bash
# Recreate the generated half of the round-2 scan held-out corpus with the field's own tools (Debian packages).
# usage: gen.sh OUTDIR     (needs mksquashfs, xz, zstd, lz4, bzip2, cpio, mkimage, mkfs.cramfs, genromfs,
#                           mkfs.ubifs, ubinize, mkfs.jffs2, fiptool, 7z)
set -euo pipefail
out=$(realpath -m "$1"); mkdir -p "$out"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cd "$w"
py() { python3 -c "$@"; }
# a small tree: text, a seeded-random binary, a subdirectory
mkdir -p tree/sub
py 'import random; r=random.Random(7); open("tree/blob.bin","wb").write(bytes(r.getrandbits(8) for _ in range(40000)))'
for i in $(seq 1 200); do echo "line $i of a config file"; done > tree/config.txt
printf 'hello from sub\n' > tree/sub/readme
touch -d '2020-01-01 00:00:00' tree tree/* tree/sub/*
tar --sort=name --mtime='2020-01-01' --owner=0 --group=0 -cf t.tar -C tree .
(cd tree && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > t.cpio
rnd() { py "import random,sys; r=random.Random($2); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range($1)))"; }
ff() { py "import sys; sys.stdout.buffer.write(b'\xff'*$1)"; }

# g01 squashfs with LZO (issue 12: refused at extraction)
mksquashfs tree "$out/g01-squashfs-lzo.bin" -comp lzo -noappend -quiet -all-root -mkfs-time 0 >/dev/null
# g02 legacy .lzma with a 4 KiB dictionary, payload a tar
xz --format=lzma --lzma1=dict=4KiB -c t.tar > "$out/g02-lzma-dict4k.bin"
# g03 legacy .lzma with props lc=0 lp=2 pb=2 (0x6c), payload a newc cpio
xz --format=lzma --lzma1=lc=0,lp=2,pb=2 -c t.cpio > "$out/g03-lzma-props6c.bin"
# g04 zstd that starts with a skippable frame (magic 0x184D2A50, 16 bytes of user data), payload a tar
{ printf '\x50\x2a\x4d\x18\x10\x00\x00\x00'; printf 'skippable-frame!'; zstd -q -c t.tar; } > "$out/g04-zstd-skippable.bin"
zstd -q -t "$out/g04-zstd-skippable.bin"
# g05 lz4 frame that starts with a skippable frame (magic 0x184D2A5F), payload a tar
{ printf '\x5f\x2a\x4d\x18\x10\x00\x00\x00'; printf 'skippable-frame!'; lz4 -q -c t.tar; } > "$out/g05-lz4-skippable.bin"
lz4 -q -t "$out/g05-lz4-skippable.bin"
# kernel-like payload for uImages: lzma of the seeded blob
xz --format=lzma -c tree/blob.bin > k.lzma
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n 'MIPS OpenWrt Linux-6.6' -d k.lzma u1.bin >/dev/null
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n 'MIPS OpenWrt Linux-6.6 second' -d k.lzma u2.bin >/dev/null
# g06 uImage whose header has one flipped bit in the name (header CRC fails)
cp u1.bin "$out/g06-uimage-hcrc-flip.bin"
py "f=open('$out/g06-uimage-hcrc-flip.bin','r+b'); f.seek(40); b=f.read(1); f.seek(40); f.write(bytes([b[0]^0x01]))"
# g07 firmware1 + firmware2 concatenated (two uImages back to back)
cat u1.bin u2.bin > "$out/g07-uimage-concat.bin"
# g08 tar whose last member's header claims more than the file holds (cut 3000 bytes into blob.bin's data)
py "
import tarfile
t=open('t.tar','rb').read()
tf=tarfile.open('t.tar'); m=[x for x in tf.getmembers() if x.name.endswith('blob.bin')][0]
open('$out/g08-tar-overclaim.bin','wb').write(t[:m.offset_data+3000])"
# g09 cramfs
mkfs.cramfs tree "$out/g09-cramfs.bin"
# g10 romfs
genromfs -f "$out/g10-romfs.bin" -d tree -V heldout
# g11 random + gzip(tar) + erased pad to 64 KiB + squashfs xz at 64 KiB
gzip -n -c t.tar > t.tar.gz
mksquashfs tree sq.xz -comp xz -noappend -quiet -all-root -mkfs-time 0 >/dev/null
{ rnd 4096 11; cat t.tar.gz; } > g11
py "import os; n=os.path.getsize('g11'); open('g11','ab').write(b'\xff'*(65536-n))"
cat sq.xz >> g11; mv g11 "$out/g11-random-gzip-squashfs.bin"
# g12 UBI (2 KiB pages, 128 KiB PEB) with one UBIFS volume
mkfs.ubifs -q -r tree -m 2048 -e 126976 -c 64 -x lzo -o ubifs.img
printf '[rootfs_data]\nmode=ubi\nimage=ubifs.img\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs_data\nvol_flags=autoresize\n' > ubi.ini
ubinize -o "$out/g12-ubi-2k.bin" -p 128KiB -m 2048 -s 2048 ubi.ini
# g13 UBI with 1 KiB pages (16 KiB PEB) and a UBIFS volume
mkfs.ubifs -q -r tree -m 1024 -e 30720 -c 256 -x lzo -o ubifs1k.img
printf '[data]\nmode=ubi\nimage=ubifs1k.img\nvol_id=0\nvol_type=dynamic\nvol_name=data\n' > ubi1k.ini
ubinize -o "$out/g13-ubi-1k.bin" -p 32KiB -m 1024 -s 1024 ubi1k.ini
# g14 ATF FIP with BL31 and BL33 images
rnd 20000 21 > bl31.bin; rnd 30000 22 > bl33.bin
fiptool create --soc-fw bl31.bin --nt-fw bl33.bin "$out/g14-fip.bin" >/dev/null
# g15 JFFS2 (64 KiB erase blocks, little endian)
mkfs.jffs2 -q -l -e 64KiB -r tree -o "$out/g15-jffs2.bin"
# g16 bzip2 of a newc cpio
bzip2 -c t.cpio > "$out/g16-bzip2-cpio.bin"
# g17 7z of the tree
(cd tree && 7z a -bd -bso0 -bsp0 "$w/t.7z" . >/dev/null); cp t.7z "$out/g17-7z.bin"
# g18 xz of a tar inside 0xFF padding at 128 KiB (flash-like)
{ ff 131072; xz -c t.tar; } > "$out/g18-erased-xz.bin"
ls -l "$out" | tail -n +2 | wc -l
