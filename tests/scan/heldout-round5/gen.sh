#!/bin/bash
# Recreate the generated half of the round-5 scan held-out corpus with the field's own tools (Debian packages).
# usage: gen.sh OUTDIR   (needs mkimage, dtc, mksquashfs, mkfs.jffs2, mkfs.ubifs, ubinize, mkfs.cramfs, genromfs,
#                         mkenvimage, mke2fs, fiptool, zstd, lz4, lzop, bzip2, xz, gzip, zip, 7z, cpio, tar,
#                         u-boot-qemu's qemu-riscv64, qemu-ppce500, qemu_arm64 and qemu-x86_64 u-boot.bin)
set -euo pipefail
export SOURCE_DATE_EPOCH=1672531200 E2FSPROGS_FAKE_TIME=1672531200
out=$(realpath -m "$1"); mkdir -p "$out"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cd "$w"
py() { python3 -c "$@"; }
rnd() { py "import random,sys; r=random.Random($2); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range($1)))"; }
padff() { py "import os,sys; n=os.path.getsize(sys.argv[1]); m=int(sys.argv[2],0); assert n<=m, (n,m); open(sys.argv[1],'ab').write(b'\xff'*(m-n))" "$@"; }
ff() { py "import sys; sys.stdout.buffer.write(b'\xff'*int(sys.argv[1],0))" "$1"; }
# a tree unlike rounds 2-4: www/ pages, bin/ with seeded-random "binaries", a config dir, a symlink and a fifo-free /dev
mkdir -p tree/bin tree/www/cgi-bin tree/etc/config tree/usr/lib/opkg
rnd 60000 51 > tree/bin/busybox; rnd 9000 52 > tree/usr/lib/libuci.so; rnd 3000 53 > tree/www/cgi-bin/luci
for i in $(seq 1 300); do echo "<tr><td>row $i of the round-5 status page</td></tr>"; done > tree/www/index.html
for i in $(seq 1 30); do printf "config interface 'lan%d'\n\toption proto 'static'\n" $i; done > tree/etc/config/network
printf 'heldout5\n' > tree/etc/hostname; ln -s ../bin/busybox tree/bin/sh; ln -s /tmp/opkg tree/usr/lib/opkg/lists
touch -h -d '2023-01-01 00:00:00' tree tree/* tree/*/* tree/*/*/* tree/*/*/*/*
lst() { (cd tree && find . | LC_ALL=C sort); }
tarc() { tar --sort=name --mtime='2023-01-01' --owner=0 --group=0 --numeric-owner -C tree "$@" .; }
rnd 300000 54 > vmlinux.bin; gzip -n -9 -c vmlinux.bin > k.gz; xz --format=lzma -c vmlinux.bin > k.lzma
bzip2 -9 -c vmlinux.bin > k.bz2; zstd -q -19 -c vmlinux.bin > k.zst; lz4 -q -c vmlinux.bin > k.lz4
printf '/dts-v1/;\n/ { model = "heldout5 router"; compatible = "heldout,router5", "mediatek,mt7621-soc";\n #address-cells = <1>; #size-cells = <1>;\n memory@0 { device_type = "memory"; reg = <0x0 0x8000000>; };\n chosen { bootargs = "console=ttyS0,115200"; };\n };\n' > b.dts
dtc -q -I dts -O dtb -o b.dtb b.dts
printf '/dts-v1/;\n/ { model = "heldout5 router B"; compatible = "heldout,router5b", "mediatek,mt7981";\n #address-cells = <2>; #size-cells = <2>;\n memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x10000000>; };\n };\n' > b2.dts
dtc -q -I dts -O dtb -o b2.dtb b2.dts
(lst | cpio -o -H newc --reproducible --quiet -D tree) > t.newc.cpio
tarc -H ustar -cf t.ustar.tar; tarc -H gnu -cf t.gnu.tar; tarc -H posix --pax-option=delete=atime,delete=ctime -cf t.pax.tar

# h01 FIT arm64: lzma kernel, two fdts, two configurations; h02 FIT with external data (mkimage -E, -B 0x1000);
# h03 FIT riscv: zstd kernel (compression = "zstd"), fdt
fit() { # $1 its out, $2 arch, $3 kernel file, $4 compression
cat > "$1" <<ITS
/dts-v1/;
/ { description = "heldout5 FIT $2"; #address-cells = <1>;
  images { kernel-1 { data = /incbin/("$3"); type = "kernel"; arch = "$2"; os = "linux"; compression = "$4";
             load = <0x80000>; entry = <0x80000>; hash-1 { algo = "crc32"; }; };
           fdt-1 { data = /incbin/("b.dtb"); type = "flat_dt"; arch = "$2"; compression = "none"; hash-1 { algo = "sha1"; }; };
           fdt-2 { data = /incbin/("b2.dtb"); type = "flat_dt"; arch = "$2"; compression = "none"; }; };
  configurations { default = "config-1"; config-1 { kernel = "kernel-1"; fdt = "fdt-1"; }; config-2 { kernel = "kernel-1"; fdt = "fdt-2"; }; }; };
ITS
}
fit a.its arm64 k.lzma lzma; mkimage -f a.its "$out/h01-fit-arm64-lzma-2fdt.bin" >/dev/null
mkimage -E -B 0x1000 -f a.its "$out/h02-fit-external-data.bin" >/dev/null
fit r.its riscv k.zst zstd; mkimage -f r.its "$out/h03-fit-riscv-zstd.bin" >/dev/null
# h04..h08 legacy uImages: PowerPC gzip kernel; ARM bzip2 kernel; MIPS zstd kernel; a U-Boot script; an ARM ramdisk (gzip cpio)
mkimage -A ppc -O linux -T kernel -C gzip -a 0 -e 0 -n 'PPC heldout5' -d k.gz "$out/h04-uimage-ppc-gzip.bin" >/dev/null
mkimage -A arm -O linux -T kernel -C bzip2 -a 0x40008000 -e 0x40008000 -n 'ARM bzip2 heldout5' -d k.bz2 "$out/h05-uimage-arm-bzip2.bin" >/dev/null
mkimage -A mips -O linux -T kernel -C zstd -a 0x80000000 -e 0x80000000 -n 'MIPS zstd heldout5' -d k.zst "$out/h06-uimage-mips-zstd.bin" >/dev/null
printf 'setenv bootargs console=ttyS0\nbootm 0x9f050000\n' > boot.cmd
mkimage -A arm -O linux -T script -C none -n 'boot script' -d boot.cmd "$out/h07-uimage-script.bin" >/dev/null
gzip -n -9 -c t.newc.cpio > rd.gz
mkimage -A arm -O linux -T ramdisk -C gzip -n 'initramfs heldout5' -d rd.gz "$out/h08-uimage-ramdisk.bin" >/dev/null
# h09..h15 squashfs 4.0 by mksquashfs: lzo, lz4 -Xhc, lzma, xz with x86 BCJ and 50% dictionary, gzip level 1 with
#     4 KiB blocks, zstd with 128 KiB blocks and -no-xattrs, xz with -noD -noF (uncompressed data and fragments)
mksquashfs tree "$out/h09-squashfs-lzo.bin" -comp lzo -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/h10-squashfs-lz4hc.bin" -comp lz4 -Xhc -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/h11-squashfs-lzma.bin" -comp lzma -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/h12-squashfs-xz-x86-dict50.bin" -comp xz -Xbcj x86 -Xdict-size 50% -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/h13-squashfs-gzip1-4k.bin" -comp gzip -Xcompression-level 1 -b 4096 -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/h14-squashfs-zstd-128k.bin" -comp zstd -b 131072 -no-xattrs -noappend -quiet -all-root >/dev/null
mksquashfs tree "$out/h15-squashfs-xz-noD-noF.bin" -comp xz -noD -noF -noappend -quiet -all-root >/dev/null
# h16 JFFS2 big endian zlib, 128 KiB erase blocks, padded to 1 MiB; h17 little endian, 16 KiB erase blocks, no cleanmarkers
mkfs.jffs2 -q -b -e 128KiB -p 0x100000 -r tree -o "$out/h16-jffs2-be-128k.bin"
mkfs.jffs2 -q -l -e 16KiB -n -r tree -o "$out/h17-jffs2-le-16k-nocm.bin"
# h18 UBI with 2 KiB pages, 128 KiB PEB, 512-byte subpages, two UBIFS volumes; h19 UBIFS with zstd; h20 UBI of a squashfs
mkfs.ubifs -q -r tree -m 2048 -e 126976 -c 40 -x lzo -o u18a.ubifs
mkfs.ubifs -q -r tree/etc -m 2048 -e 126976 -c 20 -l 2 -x zlib -o u18b.ubifs
printf '[a]\nmode=ubi\nimage=u18a.ubifs\nvol_id=0\nvol_size=3MiB\nvol_type=dynamic\nvol_name=rootfs\n[b]\nmode=ubi\nimage=u18b.ubifs\nvol_id=1\nvol_size=2MiB\nvol_type=dynamic\nvol_name=rootfs_data\n' > u18.ini
ubinize -Q 5050505 -o "$out/h18-ubi-2k-sub512-2ubifs.bin" -p 128KiB -m 2048 -s 512 u18.ini
mkfs.ubifs -q -r tree -m 4096 -e 258048 -c 20 -l 2 -x zstd -o "$out/h19-ubifs-zstd.bin"
mksquashfs tree s20.sq -comp xz -noappend -quiet -all-root >/dev/null
printf '[r]\nmode=ubi\nimage=s20.sq\nvol_id=0\nvol_type=static\nvol_name=rootfs\n' > u20.ini
ubinize -Q 2020202 -o "$out/h20-ubi-static-squashfs.bin" -p 128KiB -m 2048 u20.ini
# h21 cramfs big endian; h22 romfs (default alignment) at 64 KiB in erased flash; h23 ext4 with a journal (4 MiB, 1 KiB blocks)
mkfs.cramfs -N big -n heldout5 tree "$out/h21-cramfs-be.bin" >/dev/null
genromfs -f r22.romfs -d tree -V heldout5
ff 0x10000 > h22; cat r22.romfs >> h22; padff h22 0x40000; mv h22 "$out/h22-erased-romfs.bin"
mke2fs -q -t ext4 -b 1024 -d tree -E root_owner=0:0,hash_seed=55555555-5555-5555-5555-555555555555 -U 55555555-5555-5555-5555-555555555555 -F e23.img 4M
mv e23.img "$out/h23-ext4-journal.bin"
# h24 DTB; h25 ATF FIP (fiptool: BL2 + BL31 + BL33 = u-boot.bin of qemu_arm64)
cp b2.dtb "$out/h24-dtb-mt7981.bin"
rnd 20000 55 > bl2.bin; rnd 40000 56 > bl31.bin
fiptool create --tb-fw bl2.bin --soc-fw bl31.bin --nt-fw /usr/lib/u-boot/qemu_arm64/u-boot.bin "$out/h25-fip.bin" >/dev/null
# h26..h29 U-Boot as shipped for other architectures (u-boot-qemu): riscv64, ppc e500, x86-64, arm64
cp /usr/lib/u-boot/qemu-riscv64/u-boot.bin "$out/h26-uboot-riscv64.bin"
cp /usr/lib/u-boot/qemu-ppce500/u-boot.bin "$out/h27-uboot-ppce500.bin"
cp /usr/lib/u-boot/qemu-x86_64/u-boot.bin "$out/h28-uboot-x86_64.bin"
cp /usr/lib/u-boot/qemu_arm64/u-boot.bin "$out/h29-uboot-arm64.bin"
# h30..h39 streams and archives
bzip2 -9 -c t.ustar.tar > "$out/h30-bzip2-tar.bin"
gzip -n -1 -c t.newc.cpio > "$out/h31-gzip-cpio.bin"
xz --check=none -c t.gnu.tar > "$out/h32-xz-nocheck-tar.bin"
xz --x86 --lzma2=preset=6 -c t.pax.tar > "$out/h33-xz-x86-tar.bin"
xz --format=lzma -0 -c t.ustar.tar > "$out/h34-lzma0-tar.bin"
zstd -q -19 -c t.newc.cpio > "$out/h35-zstd19-cpio.bin"
lz4 -q -l -c t.gnu.tar > "$out/h36-lz4-legacy-tar.bin"
(cd tree && zip -q -X -r -y -9 "$w/t.zip" .); cp t.zip "$out/h37-zip-deflate9.bin"
(cd tree && 7z a -bso0 -bsp0 -t7z -m0=LZMA -mtm=off -mtc=off -mta=off "$w/t.7z" . >/dev/null); cp t.7z "$out/h38-7z-lzma.bin"
(lst | cpio -o -H odc --reproducible --quiet -D tree) > "$out/h39-cpio-odc.bin"
# h40 a 16 MiB MT7621 SPI flash: U-Boot (qemu_arm64 u-boot.bin as the bootloader bytes) | env at 0x30000 (mkenvimage,
#     64 KiB) | factory at 0x40000 (MT7603 EEPROM, MAC 00:0c:43:76:21:10) | firmware at 0x50000: FIT (h01) and, at the
#     next 64 KiB, squashfs (h12); rest erased
mac='00:0c:43:76:21:10'
printf 'bootcmd=bootm 0xbc120000\nbootdelay=3\nethaddr=%s\nipaddr=192.168.1.1\nmtdparts=spi0.0:1024k(u-boot),64k(u-boot-env),64k(factory),-(firmware)\n' "$mac" > env.txt
mkenvimage -s 0x10000 -o env.bin env.txt
eeprom() { # $1 MAC, $2 file: MT7603 calibration: chip id 0x7603, version, MAC at 4, power tables, the rest of 1 KiB 0xFF-free
  py "
import sys
m=bytes(int(x,16) for x in sys.argv[1].split(':'))
e=bytearray(0x400); e[0:2]=b'\x03\x76'; e[2:4]=b'\x0c\x00'; e[4:10]=m
for i in range(0x34,0x120): e[i]=(0x20+((i*7)%24))&0xff
for i in range(0x120,0x200): e[i]=(0x80+(i%5))
open(sys.argv[2],'wb').write(bytes(e)+b'\xff'*(65536-len(e)))" "$1" "$2"; }
eeprom "$mac" fac.bin
fw() { cp "$out/h01-fit-arm64-lzma-2fdt.bin" "$1"; local n; n=$(stat -c %s "$1"); padff "$1" $(( (n + 0xffff) & ~0xffff )); cat "$2" >> "$1"; }
fw fw.bin "$out/h12-squashfs-xz-x86-dict50.bin"
flash() { # $1 out, $2 env, $3 factory, $4 firmware, $5 size
  cp /usr/lib/u-boot/qemu_arm64/u-boot.bin "$1"; padff "$1" 0x100000; cat "$2" >> "$1"; cat "$3" >> "$1"; cat "$4" >> "$1"; padff "$1" "$5"; }
flash "$out/h40-flash-mt7621.bin" env.bin fac.bin fw.bin 0x1000000
# h41 a NAND dump (4096+128 byte pages, 256 KiB blocks, OOB 0xFF except a 0xFF bad-block marker area and a fake ECC
#     pattern is NOT written: plain erased OOB) of a UBI (ubinize -p 256KiB -m 4096) with a UBIFS volume
mkfs.ubifs -q -r tree -m 4096 -e 253952 -c 30 -x lzo -o u41.ubifs
printf '[u]\nmode=ubi\nimage=u41.ubifs\nvol_id=0\nvol_size=8MiB\nvol_type=dynamic\nvol_name=ubi\n' > u41.ini
ubinize -Q 4141414 -o u41.ubi -p 256KiB -m 4096 u41.ini
py "
import sys
d=open('u41.ubi','rb').read(); d+=b'\xff'*(-len(d)%262144); o=bytearray()
for p in range(0,len(d),4096): o+=d[p:p+4096]+b'\xff'*128
open(sys.argv[1],'wb').write(o)" "$out/h41-nand-4k-oob128-ubi.bin"
# h42 two firmwares one after the other in a dual-boot flash: firmware at 0 and at 4 MiB (both intact)
cp fw.bin h42; padff h42 0x400000; fw fw2.bin "$out/h13-squashfs-gzip1-4k.bin"; cat fw2.bin >> h42; padff h42 0x800000; mv h42 "$out/h42-dual-fit-firmware.bin"

# ---- damage ----
# e01 h04 (PPC uImage) with one flipped bit in its header's name (header CRC fails)
py "d=bytearray(open('$out/h04-uimage-ppc-gzip.bin','rb').read()); d[40]^=0x20; open('$out/e01-uimage-hcrc-flip.bin','wb').write(d)"
# e02 h05 (ARM bzip2 uImage) with one byte of its data flipped (data CRC fails, header CRC intact)
py "d=bytearray(open('$out/h05-uimage-arm-bzip2.bin','rb').read()); d[64+5000]^=0x01; open('$out/e02-uimage-dcrc-flip.bin','wb').write(d)"
# e03 h40 flash with the factory erased; e04 with the factory of another unit (MAC 00:0c:43:76:21:99)
py "d=bytearray(open('$out/h40-flash-mt7621.bin','rb').read()); d[0x110000:0x120000]=b'\xff'*0x10000; open('$out/e03-flash-factory-erased.bin','wb').write(d)"
eeprom 00:0c:43:76:21:99 fac2.bin; flash "$out/e04-flash-factory-other-unit.bin" env.bin fac2.bin fw.bin 0x1000000
# e05 h40 flash with the firmware partition holding firmware1 and, right after it at the next 64 KiB, firmware2
cp fw.bin fw12.bin; n=$(stat -c %s fw12.bin); padff fw12.bin $(( (n + 0xffff) & ~0xffff )); cat fw2.bin >> fw12.bin
flash "$out/e05-flash-firmware-concatenated.bin" env.bin fac.bin fw12.bin 0x1000000
# e06 h40 flash read from a chip of the wrong size: 8 MiB read twice (the second half mirrors the first) of a flash
#     whose bootloader and firmware fit in 8 MiB: a 16 MiB file whose upper half repeats the lower
py "d=open('$out/h40-flash-mt7621.bin','rb').read()[:0x800000]; open('$out/e06-flash-mirrored-8m.bin','wb').write(d+d)"
# e07 xz stream (h32's tar) cut in the middle; e08 zstd (h35) cut in the middle; e09 bzip2 (h30) with a flipped byte
py "d=open('$out/h33-xz-x86-tar.bin','rb').read(); open('$out/e07-xz-truncated.bin','wb').write(d[:len(d)//2])"
py "d=open('$out/h35-zstd19-cpio.bin','rb').read(); open('$out/e08-zstd-truncated.bin','wb').write(d[:len(d)//2])"
py "d=bytearray(open('$out/h30-bzip2-tar.bin','rb').read()); d[len(d)//2]^=0x01; open('$out/e09-bzip2-flip.bin','wb').write(d)"
# e10 squashfs (h11, lzma) cut to its first 60%; e11 gzip (h31) with the trailer ISIZE changed
py "d=open('$out/h11-squashfs-lzma.bin','rb').read(); open('$out/e10-squashfs-truncated.bin','wb').write(d[:len(d)*6//10])"
py "d=bytearray(open('$out/h31-gzip-cpio.bin','rb').read()); d[-4]^=0x10; open('$out/e11-gzip-isize.bin','wb').write(d)"
# e12 zip (h37) with one byte of a deflated member flipped (member CRC fails); e13 7z (copy coder) with a byte of a file flipped
py "
import struct
d=bytearray(open('$out/h37-zip-deflate9.bin','rb').read()); o=0
while d[o:o+4]==b'PK\x03\x04':
    meth,=struct.unpack('<H',d[o+8:o+10]); cs,=struct.unpack('<I',d[o+18:o+22]); nl,xl=struct.unpack('<HH',d[o+26:o+30])
    if meth==8 and cs>1000: d[o+30+nl+xl+cs//2]^=0x01; break
    o+=30+nl+xl+cs
else: raise SystemExit('no deflated member')
open('$out/e12-zip-member-crc.bin','wb').write(d)"
(cd tree && 7z a -bso0 -bsp0 -t7z -m0=Copy -mtm=off -mtc=off -mta=off "$w/c.7z" . >/dev/null)
py "d=bytearray(open('c.7z','rb').read()); d[32+1000]^=0x01; open('$out/e13-7z-copy-crc.bin','wb').write(d)"
# e14 tar (gnu) whose last member's header claims 1 MiB more than the file holds (size field raised; checksum fixed)
py "
d=bytearray(open('t.gnu.tar','rb').read()); o=0; last=None
while d[o]!=0:
    sz=int(d[o+124:o+136].rstrip(b'\0 ') or b'0',8)
    if sz>0: last=o
    o+=512+((sz+511)//512)*512
o=last; sz=int(d[o+124:o+136].rstrip(b'\0 '),8)+0x100000; d[o+124:o+136]=b'%011o\0'%sz
d[o+148:o+156]=b' '*8; c=sum(d[o:o+512]); d[o+148:o+156]=b'%06o\0 '%c
open('$out/e14-tar-size-overrun.bin','wb').write(d[:last+512+4096])"
# e15 JFFS2 (h16) with one bit of a node header flipped (its header CRC fails); e16 UBI (h20) with an EC header CRC broken
py "
d=bytearray(open('$out/h16-jffs2-be-128k.bin','rb').read()); i=d.find(b'\x19\x85\xe0\x02',4096); d[i+7]^=0x02
open('$out/e15-jffs2-hdr-crc.bin','wb').write(d)"
py "d=bytearray(open('$out/h20-ubi-static-squashfs.bin','rb').read()); d[2*131072+20]^=0x01; open('$out/e16-ubi-ec-crc.bin','wb').write(d)"
# e17 DTB (h24) cut 40 bytes before its end; e18 U-Boot env with a flipped byte (CRC fails) at 0 of a 64 KiB file
py "d=open('$out/h24-dtb-mt7981.bin','rb').read(); open('$out/e17-dtb-truncated.bin','wb').write(d[:len(d)-40])"
py "d=bytearray(open('env.bin','rb').read()); i=d.find(b'ipaddr=192'); d[i+7]=ord('7'); open('$out/e18-env-crc.bin','wb').write(d)"
# e19 FIT (h03) cut 5000 bytes before its end; e20 lz4 frame (h36 is legacy: use a frame lz4 with content checksum) with a flipped byte
py "d=open('$out/h03-fit-riscv-zstd.bin','rb').read(); open('$out/e19-fit-truncated.bin','wb').write(d[:len(d)-5000])"
lz4 -q --content-size -c t.ustar.tar > t20.lz4
py "d=bytearray(open('t20.lz4','rb').read()); d[len(d)//2]^=0x01; open('$out/e20-lz4-content-checksum.bin','wb').write(d)"
# e21 cpio newc (t.newc.cpio) cut inside a member (no trailer); e22 cramfs (h21) with one flipped bit (CRC fails)
py "d=open('t.newc.cpio','rb').read(); open('$out/e21-cpio-truncated.bin','wb').write(d[:len(d)//2])"
py "d=bytearray(open('$out/h21-cramfs-be.bin','rb').read()); d[len(d)//2]^=0x08; open('$out/e22-cramfs-crc-flip.bin','wb').write(d)"
# e23 h40 flash whose FIT firmware has a uImage-style defect: the FIT header's totalsize bigger than the partition;
#     instead: the flash with one bit of the squashfs superblock's bytes_used raised past the flash end
py "
import struct
d=bytearray(open('$out/h40-flash-mt7621.bin','rb').read()); s=d.find(b'hsqs',0x120000)
d[s+40:s+48]=struct.pack('<Q',0x2000000); open('$out/e23-flash-squashfs-bytes-used.bin','wb').write(d)"
ls "$out" | wc -l
