#!/bin/bash
# Recreate the generated half of the round-4 scan held-out corpus with the field's own tools (Debian packages).
# usage: gen.sh OUTDIR   (needs mkimage, dtc, mksquashfs, mkfs.jffs2, sumtool, mkfs.ubifs, ubinize, mkfs.cramfs,
#                         genromfs, mkenvimage, mke2fs, zstd, lz4, lzop, bzip2, xz, gzip, zip, 7z, cpio, tar,
#                         u-boot-qemu's qemu_arm and maltael u-boot.bin)
set -euo pipefail
export SOURCE_DATE_EPOCH=1654041600 E2FSPROGS_FAKE_TIME=1654041600   # mkimage, mke2fs
out=$(realpath -m "$1"); mkdir -p "$out"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cd "$w"
py() { python3 -c "$@"; }
rnd() { py "import random,sys; r=random.Random($2); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range($1)))"; }
padff() { py "import os,sys; n=os.path.getsize(sys.argv[1]); m=int(sys.argv[2],0); assert n<=m, (n,m); open(sys.argv[1],'ab').write(b'\xff'*(m-n))" "$@"; }
# a tree unlike rounds 2 and 3: an lib/ with seeded-random "libraries", a sbin/, usr/share text, a hard link
mkdir -p tree/lib/modules tree/sbin tree/usr/share/doc tree/etc/init.d
rnd 45000 41 > tree/lib/libc.so; rnd 12000 42 > tree/lib/modules/mt7603e.ko; rnd 7000 43 > tree/sbin/procd
for i in $(seq 1 400); do echo "line $i of the round-4 licence text, repeated to compress"; done > tree/usr/share/doc/COPYING
for i in $(seq 1 40); do echo "#!/bin/sh /etc/rc.common"; echo "START=$i"; done > tree/etc/init.d/boot
printf 'heldout4\n' > tree/etc/hostname; ln tree/etc/hostname tree/etc/hostname.bak; ln -s /lib/libc.so tree/lib/ld.so
touch -h -d '2022-06-01 00:00:00' tree tree/* tree/*/* tree/*/*/* tree/*/*/*/*
lst() { (cd tree && find . | LC_ALL=C sort); }
tarc() { tar --sort=name --mtime='2022-06-01' --owner=0 --group=0 --numeric-owner -C tree "$@" .; }
rnd 200000 44 > vmlinux.bin; gzip -n -9 -c vmlinux.bin > k.gz; xz --format=lzma -c vmlinux.bin > k.lzma
lz4 -q -c vmlinux.bin > k.lz4
printf '/dts-v1/;\n/ { model = "heldout4 router"; compatible = "heldout,router4", "mediatek,mt7628an-soc";\n #address-cells = <1>; #size-cells = <1>;\n memory@0 { device_type = "memory"; reg = <0x0 0x4000000>; };\n chosen { bootargs = "console=ttyS0,57600"; };\n leds { compatible = "gpio-leds"; wan { label = "green:wan"; gpios = <&gpio 11 1>; }; };\n gpio: gpio@600 { reg = <0x600 0x100>; #gpio-cells = <2>; gpio-controller; }; };\n' > b.dts
dtc -q -@ -I dts -O dtb -o b.dtb b.dts
(lst | cpio -o -H newc --reproducible --quiet -D tree) > t.newc.cpio

# g01 FIT (mkimage -f): gzip kernel (MIPS), fdt, gzip ramdisk, sha256 hashes
gzip -n -9 -c t.newc.cpio > rd.gz
cat > f.its <<ITS
/dts-v1/;
/ { description = "heldout4 FIT"; #address-cells = <1>;
  images { kernel-1 { data = /incbin/("k.gz"); type = "kernel"; arch = "mips"; os = "linux"; compression = "gzip";
             load = <0x80000000>; entry = <0x80000000>; hash-1 { algo = "sha256"; }; };
           fdt-1 { data = /incbin/("b.dtb"); type = "flat_dt"; arch = "mips"; compression = "none"; hash-1 { algo = "sha256"; }; };
           ramdisk-1 { data = /incbin/("rd.gz"); type = "ramdisk"; arch = "mips"; os = "linux"; compression = "gzip";
             hash-1 { algo = "crc32"; }; }; };
  configurations { default = "config-1"; config-1 { kernel = "kernel-1"; fdt = "fdt-1"; ramdisk = "ramdisk-1"; }; }; };
ITS
mkimage -f f.its "$out/g01-fit-mips-ramdisk.bin" >/dev/null
# g02 legacy multi-file uImage (kernel + ramdisk), ARM; g03 legacy uImage MIPS with lz4 frame payload
mkimage -A arm -O linux -T multi -C none -a 0x40008000 -e 0x40008000 -n 'multi heldout4' -d vmlinux.bin:t.newc.cpio "$out/g02-uimage-multi.bin" >/dev/null
mkimage -A mips -O linux -T kernel -C lz4 -a 0x80000000 -e 0x80000000 -n 'MIPS lz4 heldout4' -d k.lz4 "$out/g03-uimage-mips-lz4.bin" >/dev/null
# g04 squashfs xz with the ARM BCJ filter and 1 MiB blocks; g05 gzip, 16 KiB blocks, no fragments;
# g06 zstd level 22, 64 KiB blocks, uncompressed inodes
mksquashfs tree "$out/g04-squashfs-xz-bcj-1m.bin" -comp xz -Xbcj arm -b 1048576 -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/g05-squashfs-gzip-16k-nofrag.bin" -comp gzip -b 16384 -no-fragments -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/g06-squashfs-zstd22-noI.bin" -comp zstd -Xcompression-level 22 -b 65536 -noI -noappend -quiet -all-root >/dev/null
# g07 JFFS2 little endian, 64 KiB erase blocks, lzo preferred, padded; g08 big endian 256 KiB with summary (sumtool)
mkfs.jffs2 -q -l -e 64KiB -p -X lzo -r tree -o "$out/g07-jffs2-le-lzo.bin"
mkfs.jffs2 -q -b -e 256KiB -n -r tree -o j8.raw
sumtool -b -e 256KiB -n -p -i j8.raw -o "$out/g08-jffs2-be-summary.bin"
# g09 UBI, 4 KiB pages, 256 KiB PEB, one UBIFS volume (mkfs.ubifs); g10 UBI for NOR (min I/O 1, 64 KiB PEB)
#     with two volumes: squashfs "rootfs" (static) and UBIFS "rootfs_data"
mkfs.ubifs -q -r tree -m 4096 -e 253952 -c 40 -x zlib -o u9.ubifs
printf '[ubifs]\nmode=ubi\nimage=u9.ubifs\nvol_id=0\nvol_size=4MiB\nvol_type=dynamic\nvol_name=ubi_rootfs\n' > u9.ini
ubinize -Q 4040404 -o "$out/g09-ubi-4k-ubifs.bin" -p 256KiB -m 4096 u9.ini
mksquashfs tree s10.sq -comp xz -noappend -quiet -all-root >/dev/null
mkfs.ubifs -q -r tree/etc -m 1 -e 65408 -c 24 -l 2 -o u10.ubifs
printf '[rootfs]\nmode=ubi\nimage=s10.sq\nvol_id=0\nvol_type=static\nvol_name=rootfs\n[data]\nmode=ubi\nimage=u10.ubifs\nvol_id=1\nvol_type=dynamic\nvol_size=1MiB\nvol_name=rootfs_data\n' > u10.ini
ubinize -Q 1010101 -o "$out/g10-ubi-nor-2vol.bin" -p 64KiB -m 1 u10.ini
# g11 UBIFS alone (2 KiB pages, lzo)
mkfs.ubifs -q -r tree -m 2048 -e 126976 -c 64 -x lzo -o "$out/g11-ubifs-lzo.bin"
# g12 cramfs little endian with an edition and a name, at 128 KiB in erased flash
mkfs.cramfs -N little -e 4 -n heldout4 tree c12.cramfs >/dev/null
py "import sys; sys.stdout.buffer.write(b'\xff'*131072)" > g12; cat c12.cramfs >> g12; padff g12 0x80000
mv g12 "$out/g12-erased-cramfs.bin"
# g13 romfs with 512-byte alignment; g14 ext2 (no journal) by mke2fs -d, 4 KiB blocks
genromfs -f "$out/g13-romfs-align512.bin" -d tree -V heldout4 -a 512
mke2fs -q -t ext2 -b 4096 -d tree -E root_owner=0:0,hash_seed=44444444-4444-4444-4444-444444444444 -U 44444444-4444-4444-4444-444444444444 -F e14.img 1M
mv e14.img "$out/g14-ext2-4k.bin"
# g15 DTB with __symbols__ (dtc -@)
cp b.dtb "$out/g15-dtb-symbols.bin"
# g16..g20 streams: xz (SHA-256 check) of a crc cpio; lzma -9 of a pax tar; zstd with checksum and --long of a gnu tar;
#     lz4 frame with block checksums of an oldgnu tar; lzop of a newc cpio
(lst | cpio -o -H crc --reproducible --quiet -D tree) > t.crc.cpio
xz --check=sha256 -c t.crc.cpio > "$out/g16-xz-sha256-cpio-crc.bin"
tarc -H pax --pax-option=delete=atime,delete=ctime -cf t.pax.tar; xz --format=lzma -9 -c t.pax.tar > "$out/g17-lzma9-tar-pax.bin"
tarc -H gnu -cf t.gnu.tar; zstd -q --long=20 -C -c t.gnu.tar > "$out/g18-zstd-long-tar-gnu.bin"
tarc -H oldgnu -cf t.oldgnu.tar; lz4 -q -BX -BD -c t.oldgnu.tar > "$out/g19-lz4-bx-tar-oldgnu.bin"
touch -d '2022-06-01 00:00:00' t.newc.cpio; lzop -c t.newc.cpio > "$out/g20-lzop-cpio-newc.bin"
# g21 cpio old binary (-H bin); g22 tar v7; g23 tar ustar; g24 7z (LZMA2 + BCJ); g25 zip (deflate, store) by zip
(lst | cpio -o -H bin --reproducible --quiet -D tree) > "$out/g21-cpio-bin.bin"
tarc -H v7 -cf "$out/g22-tar-v7.bin"
tarc -H ustar -cf "$out/g23-tar-ustar.bin"
(cd tree && 7z a -bso0 -bsp0 -t7z -m0=BCJ -m1=LZMA2 -mtm=off -mtc=off -mta=off "$w/t.7z" . >/dev/null); cp t.7z "$out/g24-7z-bcj.bin"
(cd tree && zip -q -X -r -y -n .txt:.so "$w/t.zip" .); cp t.zip "$out/g25-zip-mixed.bin"
# g26 OpenWrt-style 4 MiB SPI flash of a MT7628 router: U-Boot (maltael u-boot.bin) | env (mkenvimage, 64 KiB)
#     at 0x60000 | factory (MT7628 EEPROM: chip id 0x7628, MAC 00:0c:43:76:28:01) at 0x70000 | firmware at 0x80000:
#     uImage (lzma kernel) and, at the next 64 KiB, squashfs; rootfs_data erased to the end
mac='00:0c:43:76:28:01'
printf 'bootcmd=bootm 0xbc080000\nbootdelay=1\nethaddr=%s\nmtdparts=spi0.0:384k(u-boot),64k(u-boot-env),64k(factory),-(firmware)\n' "$mac" > env.txt
mkenvimage -s 0x10000 -o env.bin env.txt
eeprom() { # $1 MAC, $2 file: the first 512 bytes of an MT7628 factory (chip id, version, MAC at 4/0x28/0x2e), rest erased
  py "
import random,sys
m=bytes(int(x,16) for x in sys.argv[1].split(':')); r=random.Random(45)
e=bytearray(r.getrandbits(8) for _ in range(512)); e[0:2]=b'\x28\x76'; e[2:4]=b'\x02\x00'; e[4:10]=m
e[0x28:0x2e]=m[:5]+bytes([m[5]+1]); e[0x2e:0x34]=m[:5]+bytes([m[5]+2])
open(sys.argv[2],'wb').write(bytes(e)+b'\xff'*(65536-512))" "$1" "$2"; }
eeprom "$mac" fac.bin
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n 'MIPS OpenWrt Linux-5.15.150' -d k.lzma uk.bin >/dev/null
fw() { # $1 out: uImage | squashfs at the next 64 KiB boundary (OpenWrt sysupgrade layout); prints the squashfs offset
  cp uk.bin "$1"; local n; n=$(stat -c %s "$1"); n=$(( (n + 0xffff) & ~0xffff )); padff "$1" $n; cat "$out/g04-squashfs-xz-bcj-1m.bin" >> "$1"; }
fw fw.bin
flash() { # $1 out, $2 env, $3 factory, $4 firmware
  cp /usr/lib/u-boot/maltael/u-boot.bin "$1"; padff "$1" 0x60000; cat "$2" >> "$1"; cat "$3" >> "$1"; cat "$4" >> "$1"; padff "$1" 0x400000; }
flash "$out/g26-flash-mt7628-openwrt.bin" env.bin fac.bin fw.bin
# g27 a NAND dump (2 KiB pages + 64 bytes OOB, 128 KiB blocks): the UBI of an UBIFS, OOB with the Linux software
#     Hamming ECC (3 bytes per 256, at OOB 40..63, nand_ecc.c layout), bad-block markers 0xFF
mkfs.ubifs -q -r tree -m 2048 -e 126976 -c 40 -o u27.ubifs
printf '[ubifs]\nmode=ubi\nimage=u27.ubifs\nvol_id=0\nvol_size=3MiB\nvol_type=dynamic\nvol_name=rootfs\n' > u27.ini
ubinize -Q 2727 -o u27.ubi -p 128KiB -m 2048 u27.ini
py "
import sys
def ecc256(b):
    rp=[0]*16; col=0
    for i,x in enumerate(b):
        col^=x; p=bin(x).count('1')&1
        for k in range(8):
            rp[2*k+((i>>k)&1)]^=p
    cp=[0]*6
    for bit in range(8):
        v=(col>>bit)&1
        cp[0 if bit%2==0 else 1]^=v; cp[2 if bit%4<2 else 3]^=v; cp[4 if bit<4 else 5]^=v
    c0=sum(rp[j]<<j for j in range(8)); c1=sum(rp[8+j]<<j for j in range(8)); c2=sum(cp[j]<<j for j in range(6))<<2
    return bytes([(~c1)&255,(~c0)&255,((~c2)&255)|3])   # nand_ecc.c's default (not SmartMedia) byte order
d=open('u27.ubi','rb').read(); d+=b'\xff'*(-len(d)%131072); o=bytearray()
for p in range(0,len(d),2048):
    pg=d[p:p+2048]; oob=bytearray(b'\xff'*64)
    if pg!=b'\xff'*2048:
        oob[40:64]=b''.join(ecc256(pg[i:i+256]) for i in range(0,2048,256))
    o+=pg+oob
open(sys.argv[1],'wb').write(o)" "$out/g27-nand-oob-ubi.bin"
# g28 a Broadcom-style TRX is not made by a Debian tool; instead: a firmware pair as dual-image flash: firmware1 at 0,
#     firmware2 (same tools, other kernel name) at 2 MiB (both intact: not a defect)
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n 'MIPS OpenWrt Linux-5.15.150 B' -d k.lzma uk2.bin >/dev/null
cp fw.bin g28; padff g28 0x200000; cp uk2.bin fw2.bin; n=$(stat -c %s fw2.bin); padff fw2.bin $(( (n + 0xffff) & ~0xffff ))
cat "$out/g05-squashfs-gzip-16k-nofrag.bin" >> fw2.bin; cat fw2.bin >> g28; padff g28 0x400000; mv g28 "$out/g28-dual-firmware.bin"

# g29 gzip (with its name, -N) of an ext4 by mke2fs -d; g30 zstd of a newc cpio at 64 KiB in erased flash
mke2fs -q -t ext4 -b 1024 -d tree -E root_owner=0:0,hash_seed=29292929-2929-2929-2929-292929292929 -U 29292929-2929-2929-2929-292929292929 -F rootfs.ext4 2M
touch -d '2022-06-01 00:00:00' rootfs.ext4; gzip -N -9 -c rootfs.ext4 > "$out/g29-gzip-ext4.bin"
py "import sys; sys.stdout.buffer.write(b'\xff'*65536)" > g30; zstd -q -9 -c t.newc.cpio >> g30; padff g30 0x40000
mv g30 "$out/g30-erased-zstd-cpio.bin"

# ---- damage (each copy differs from an intact one above by what the comment says) ----
# d01 legacy uImage with one flipped bit in its header's timestamp (header CRC fails; data CRC intact)
py "d=bytearray(open('$out/g03-uimage-mips-lz4.bin','rb').read()); d[8]^=0x04; open('$out/d01-uimage-hcrc-flip.bin','wb').write(d)"
# d02 the g26 flash with the last 40% of its squashfs erased (a flash write that stopped: 0xFF to the end)
py "
d=bytearray(open('$out/g26-flash-mt7628-openwrt.bin','rb').read()); s=d.find(b'hsqs'); n=len(open('$out/g04-squashfs-xz-bcj-1m.bin','rb').read())
cut=s+n*6//10; d[cut:]=b'\xff'*(len(d)-cut); open('$out/d02-flash-squashfs-half-erased.bin','wb').write(d)"
# d03 the g26 flash with the factory partition erased (calibration and MACs lost)
py "
d=bytearray(open('$out/g26-flash-mt7628-openwrt.bin','rb').read()); d[0x70000:0x80000]=b'\xff'*0x10000
open('$out/d03-flash-factory-erased.bin','wb').write(d)"
# d04 the g26 flash with u-boot-env and factory swapped (factory at 0x60000, env at 0x70000)
flash "$out/d04-flash-env-factory-swapped.bin" fac.bin env.bin fw.bin
# d05 the g26 flash whose factory comes from another unit (MAC 00:0c:43:76:99:aa; env's ethaddr still the first unit's)
eeprom 00:0c:43:76:99:aa fac2.bin; flash "$out/d05-flash-factory-other-unit.bin" env.bin fac2.bin fw.bin
# d06 the g26 flash with firmware1 and firmware2 concatenated in the firmware partition (the second sysupgrade written
#     right after the first one's squashfs, at its next 64 KiB boundary, where rootfs_data should be)
cp fw.bin fw12.bin; n=$(stat -c %s fw12.bin); padff fw12.bin $(( (n + 0xffff) & ~0xffff )); cat fw2.bin >> fw12.bin
flash "$out/d06-flash-firmware-concatenated.bin" env.bin fac.bin fw12.bin
# d07 the g09 UBI with one flipped bit in the VID header of the PEB holding LEB 2 of volume 0 (its VID header CRC fails)
py "
import struct
d=bytearray(open('$out/g09-ubi-4k-ubifs.bin','rb').read()); P=256*1024
for p in range(0,len(d),P):
    vo=struct.unpack('>I',d[p+16:p+20])[0]; v=d[p+vo:p+vo+64]
    if v[:4]==b'UBI!' and struct.unpack('>II',v[8:16])==(0,2): d[p+vo+12+3]^=0x40; break
else: raise SystemExit('no LEB 2')
open('$out/d07-ubi-vid-flip.bin','wb').write(d)"
# d08 the g07 JFFS2 with one flipped byte in the data of a node (its data CRC fails)
py "
import struct
d=bytearray(open('$out/g07-jffs2-le-lzo.bin','rb').read()); i=0
while True:
    i=d.find(b'\x85\x19\x02\xe0',i)   # JFFS2_NODETYPE_INODE, little endian
    assert i>=0
    csize=struct.unpack('<I',d[i+0x30:i+0x34])[0]
    if csize>200: d[i+0x44+100]^=0xff; break
    i+=4
open('$out/d08-jffs2-data-crc.bin','wb').write(d)"
# d09 the g01 FIT cut 3000 bytes before its end (its last image's data is cut, the FDT totalsize points past the end)
py "d=open('$out/g01-fit-mips-ramdisk.bin','rb').read(); open('$out/d09-fit-truncated.bin','wb').write(d[:len(d)-3000])"
# d10 a U-Boot environment (mkenvimage) with one byte of a variable changed (its CRC32 fails)
py "
d=bytearray(open('env.bin','rb').read()); i=d.find(b'bootdelay=1'); d[i+10]=ord('5'); open('$out/d10-env-crc.bin','wb').write(d)"
# d11 gzip of a tar whose trailer CRC32 has one flipped bit; d12 the g12 cramfs image alone with one flipped bit in a
#     compressed block (its superblock CRC fails)
tarc -H ustar -cf t.ustar.tar; gzip -n -9 -c t.ustar.tar > t11.gz
py "d=bytearray(open('t11.gz','rb').read()); d[-8]^=0x01; open('$out/d11-gzip-crc-flip.bin','wb').write(d)"
py "d=bytearray(open('c12.cramfs','rb').read()); d[len(d)//2]^=0x10; open('$out/d12-cramfs-crc-flip.bin','wb').write(d)"
# d13 the g26 flash dump cut at 0xd0000 (a read that stopped inside the squashfs)
py "d=open('$out/g26-flash-mt7628-openwrt.bin','rb').read(); open('$out/d13-flash-dump-truncated.bin','wb').write(d[:0xd0000])"
# d14 the g23 ustar tar with one byte of the third member's header name changed (its header checksum fails)
py "
d=bytearray(open('$out/g23-tar-ustar.bin','rb').read()); o=0; k=0
while True:
    sz=int(d[o+124:o+136].rstrip(b'\0 ') or b'0',8)
    k+=1
    if k==3: d[o+1]^=0x01; break
    o+=512+((sz+511)//512)*512
open('$out/d14-tar-header-checksum.bin','wb').write(d)"
# d15 the g25 zip with one byte of a deflated member's data flipped (unzip -t: bad CRC)
py "
import struct
d=bytearray(open('$out/g25-zip-mixed.bin','rb').read()); o=0
while d[o:o+4]==b'PK\x03\x04':
    meth,=struct.unpack('<H',d[o+8:o+10]); cs,=struct.unpack('<I',d[o+18:o+22]); nl,xl=struct.unpack('<HH',d[o+26:o+30])
    if meth==8 and cs>1000: d[o+30+nl+xl+cs//2]^=0x01; break
    o+=30+nl+xl+cs
else: raise SystemExit('no deflated member')
open('$out/d15-zip-member-crc.bin','wb').write(d)"
# d16 the g19 lz4 frame (block checksums on) with one byte of its first block flipped (the block checksum fails)
py "d=bytearray(open('$out/g19-lz4-bx-tar-oldgnu.bin','rb').read()); d[7+4+500]^=0x01; open('$out/d16-lz4-block-checksum.bin','wb').write(d)"
ls "$out" | wc -l
