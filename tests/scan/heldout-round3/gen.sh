#!/bin/bash
# Recreate the generated half of the round-3 scan held-out corpus with the field's own tools (Debian packages).
# usage: gen.sh OUTDIR   (needs mkimage, dtc, mksquashfs, mkfs.jffs2, mkfs.ubifs, ubinize, mkfs.cramfs, genromfs,
#                         mkenvimage, mke2fs, zstd, lz4, bzip2, xz, gzip, zip, cpio, u-boot-qemu's u-boot.bin)
set -euo pipefail
export SOURCE_DATE_EPOCH=1622505600 E2FSPROGS_FAKE_TIME=1622505600   # mkimage, mke2fs: same bytes every run
out=$(realpath -m "$1"); mkdir -p "$out"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cd "$w"
py() { python3 -c "$@"; }
rnd() { py "import random,sys; r=random.Random($2); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range($1)))"; }
padff() { py "import os,sys; n=os.path.getsize(sys.argv[1]); m=int(sys.argv[2],0); assert n<=m; open(sys.argv[1],'ab').write(b'\xff'*(m-n))" "$@"; }
# a tree unlike round 2's: an etc/ with configs, a bin/ with seeded-random "binaries", a symlink
mkdir -p tree/etc/config tree/bin tree/www
for i in $(seq 1 300); do echo "option key$i 'value $i'"; done > tree/etc/config/network
printf 'root:x:0:0:root:/root:/bin/ash\n' > tree/etc/passwd
rnd 60000 31 > tree/bin/busybox; rnd 9000 32 > tree/bin/dropbear
for i in $(seq 1 120); do echo "<p>status row $i</p>"; done > tree/www/index.html
ln -s ../bin/busybox tree/bin/sh
touch -h -d '2021-06-01 00:00:00' tree tree/* tree/*/* tree/*/*/*
(cd tree && find . | LC_ALL=C sort | cpio -o -H odc --reproducible --quiet) > t.odc.cpio
(cd tree && find . | LC_ALL=C sort | cpio -o -H newc --reproducible --quiet) > t.newc.cpio
tar --sort=name --mtime='2021-06-01' --owner=0 --group=0 -cf t.tar -C tree .
# kernel-like payload: lzma of a seeded blob
rnd 150000 33 > vmlinux.bin; xz --format=lzma -c vmlinux.bin > k.lzma; gzip -n -9 -c vmlinux.bin > k.gz
printf '/dts-v1/;\n/ { model = "heldout3 board"; compatible = "heldout,board3";\n #address-cells = <1>; #size-cells = <1>;\n memory@0 { device_type = "memory"; reg = <0x0 0x8000000>; };\n chosen { bootargs = "console=ttyS0,115200"; }; };\n' > b.dts
dtc -q -I dts -O dtb -o b.dtb b.dts

# r01 FIT (mkimage -f) with an lzma kernel and a device tree
cat > f.its <<ITS
/dts-v1/;
/ { description = "heldout3 FIT"; #address-cells = <1>;
  images { kernel-1 { description = "Linux"; data = /incbin/("k.lzma"); type = "kernel"; arch = "arm64"; os = "linux";
             compression = "lzma"; load = <0x80080000>; entry = <0x80080000>; hash-1 { algo = "crc32"; }; };
           fdt-1 { description = "dtb"; data = /incbin/("b.dtb"); type = "flat_dt"; arch = "arm64"; compression = "none";
             hash-1 { algo = "sha1"; }; }; };
  configurations { default = "conf-1"; conf-1 { description = "boot"; kernel = "kernel-1"; fdt = "fdt-1"; }; }; };
ITS
mkimage -f f.its "$out/r01-fit.bin" >/dev/null
# r02 legacy uImage, ARM, gzip kernel
mkimage -A arm -O linux -T kernel -C gzip -a 0x80008000 -e 0x80008000 -n 'ARM Linux-5.15 heldout3' -d k.gz "$out/r02-uimage-arm-gzip.bin" >/dev/null
# r03..r06 squashfs with gzip, zstd, lz4, lzo (4 KiB blocks for lzo)
mksquashfs tree "$out/r03-squashfs-gzip.bin" -comp gzip -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/r04-squashfs-zstd.bin" -comp zstd -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/r05-squashfs-lz4.bin" -comp lz4 -Xhc -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/r06-squashfs-xz-4k.bin" -comp xz -b 4096 -noappend -quiet -all-root >/dev/null
# r07 JFFS2 big endian, 128 KiB erase blocks, padded to a whole block
mkfs.jffs2 -q -b -e 128KiB -p -r tree -o "$out/r07-jffs2-be.bin"
# r08 UBI, 2 KiB pages, 128 KiB PEB, one dynamic volume holding a squashfs (OpenWrt rootfs in UBI)
mksquashfs tree sq.xz -comp xz -noappend -quiet -all-root >/dev/null
printf '[rootfs]\nmode=ubi\nimage=sq.xz\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\n' > ubi.ini
ubinize -Q 1234567 -o "$out/r08-ubi-2k-squashfs.bin" -p 128KiB -m 2048 -s 2048 ubi.ini
# r09 cramfs, big endian
mkfs.cramfs -N big tree "$out/r09-cramfs-be.bin" >/dev/null
# r10 romfs at 64 KiB inside erased flash, an ramdisk uImage behind it at 256 KiB
genromfs -f rom.bin -d tree -V heldout3
rnd 2000 34 > r10; padff r10 0x10000; cat rom.bin >> r10; padff r10 0x40000
mkimage -A mips -O linux -T ramdisk -C none -n 'ramdisk heldout3' -d t.newc.cpio ur.bin >/dev/null
cat ur.bin >> r10; mv r10 "$out/r10-romfs-uimage-flash.bin"
# r11 a device tree blob (dtc)
cp b.dtb "$out/r11-dtb.bin"
# r12 flash layout: U-Boot (qemu-ppce500 u-boot.bin) | env (mkenvimage, 64 KiB) at 0x80000 | erased factory at
#     0x90000 | uImage at 0xa0000 | squashfs at 0x100000 | erased to 2 MiB
printf 'bootcmd=bootm 0xec0a0000\nbootdelay=3\nethaddr=00:11:22:33:44:55\nmtdparts=spi0.0:512k(u-boot),64k(u-boot-env),64k(factory),-(firmware)\n' > env.txt
mkenvimage -s 0x10000 -o env.bin env.txt
cp /usr/lib/u-boot/qemu-ppce500/u-boot.bin r12; padff r12 0x80000; cat env.bin >> r12; padff r12 0xa0000
mkimage -A ppc -O linux -T kernel -C lzma -a 0 -e 0 -n 'PPC Linux heldout3' -d k.lzma up.bin >/dev/null
cat up.bin >> r12; padff r12 0x100000; cat "$out/r03-squashfs-gzip.bin" >> r12; padff r12 0x200000
mv r12 "$out/r12-flash-uboot-env-uimage-squashfs.bin"
# r13 zstd of an odc cpio; r14 lz4 legacy frame (as the kernel's lz4 images) of a tar; r15 bzip2 of a tar
zstd -q -19 -c t.odc.cpio > "$out/r13-zstd-cpio-odc.bin"
lz4 -q -l -c t.tar > "$out/r14-lz4-legacy-tar.bin"
bzip2 -9 -c t.tar > "$out/r15-bzip2-tar.bin"
# r16 zip of the tree; r17 odc cpio as is
(cd tree && zip -q -X -r -y "$w/t.zip" .); cp t.zip "$out/r16-zip.bin"
cp t.odc.cpio "$out/r17-cpio-odc.bin"
# r18 ext4 by mke2fs -d (4 MiB, 1 KiB blocks)
mke2fs -q -t ext4 -b 1024 -d tree -E root_owner=0:0,hash_seed=12345678-1234-1234-1234-123456789abc -U 12345678-1234-1234-1234-123456789abc -F r18.img 4M
mv r18.img "$out/r18-ext4.bin"
# r19 damage: uImage whose data has one flipped byte (data CRC fails; header intact)
cp "$out/r02-uimage-arm-gzip.bin" r19
py "f=open('r19','r+b'); f.seek(64+5000); b=f.read(1); f.seek(64+5000); f.write(bytes([b[0]^0x20]))"
mv r19 "$out/r19-uimage-dcrc-flip.bin"
# r20 damage: squashfs cut to half its size (the superblock's bytes_used points past the end)
py "d=open('$out/r04-squashfs-zstd.bin','rb').read(); open('$out/r20-squashfs-truncated.bin','wb').write(d[:len(d)//2])"
# r21 damage: the r12 flash with its uImage truncated where the squashfs used to start is not it; instead:
#     gzip of a tar cut 1000 bytes before its end (no trailer)
gzip -n -c t.tar > tg; py "d=open('tg','rb').read(); open('$out/r21-gzip-truncated.bin','wb').write(d[:len(d)-1000])"
# r22 damage: a FIT whose kernel data has one flipped byte (its crc32 hash fails)
py "
d=bytearray(open('$out/r01-fit.bin','rb').read()); k=open('k.lzma','rb').read(); i=d.find(k[:64]); assert i>0
d[i+3000]^=0x01; open('$out/r22-fit-hash-flip.bin','wb').write(d)"
# r23 redundant U-Boot environment (mkenvimage -r, 16 KiB) alone
mkenvimage -r -s 0x4000 -o "$out/r23-env-redundant.bin" env.txt
# r24 xz (CRC32 check) of an ext4 image, inside 0xFF at 64 KiB
mke2fs -q -t ext4 -b 1024 -d tree -E hash_seed=12345678-1234-1234-1234-123456789abd -U 12345678-1234-1234-1234-123456789abd -F e2.img 2M
ff=$(mktemp -p "$w"); py "import sys; sys.stdout.buffer.write(b'\xff'*65536)" > "$ff"
{ cat "$ff"; xz --check=crc32 -c e2.img; } > "$out/r24-erased-xz-ext4.bin"
# r25 damage: r08's UBI with one flipped bit in PEB 1's erase-counter header (its EC header CRC fails; PEB 1 holds
#     the second copy of the volume table, the first copy and the squashfs volume are intact)
py "d=bytearray(open('$out/r08-ubi-2k-squashfs.bin','rb').read()); assert d[131072:131076]==b'UBI#'; d[131072+8]^=0x01
open('$out/r25-ubi-ec-flip.bin','wb').write(d)"
# r26 FIT with external data (mkimage -E, as OpenWrt builds some): the images' data after the FDT structure
mkimage -E -B 0x1000 -f f.its "$out/r26-fit-external.bin" >/dev/null
ls "$out" | wc -l
