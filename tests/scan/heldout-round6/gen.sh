#!/bin/bash
# Recreate the generated half of the round-6 scan held-out corpus with the field's own tools (Debian packages).
# usage: gen.sh OUTDIR   (needs mkimage, dtc, fdtget, mksquashfs, mkfs.jffs2, mkfs.ubifs, ubinize, mkfs.cramfs,
#                         genromfs, mkenvimage, fiptool, zstd, lz4, lzop, bzip2, xz, gzip, zip, 7z, cpio, tar and
#                         u-boot-qemu's malta64el, maltael, qemu-riscv64_smode, qemu-x86 and qemu_arm U-Boot)
# Parameters differ from round 5's gen.sh: other compressors' options, block and erase sizes, page geometries,
# other U-Boot builds, MT7628/MT7621/MT7981 layouts with the env, factory and firmware at other offsets.
set -euo pipefail
export SOURCE_DATE_EPOCH=1688169600
out=$(realpath -m "$1"); mkdir -p "$out"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cd "$w"
py() { python3 -c "$@"; }
rnd() { py "import random,sys; r=random.Random($2); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range($1)))"; }
# compressible pseudo-code: random words from a small vocabulary (kernels and binaries compress about 2-4x)
txt() { py "import random,sys; r=random.Random($2); v=[bytes(r.getrandbits(8) for _ in range(r.randint(2,9))) for _ in range(700)]
o=bytearray()
while len(o)<$1: o+=r.choice(v)
sys.stdout.buffer.write(bytes(o[:$1]))"; }
padff() { py "import os,sys; n=os.path.getsize(sys.argv[1]); m=int(sys.argv[2],0); assert n<=m, (n,m); open(sys.argv[1],'ab').write(b'\xff'*(m-n))" "$@"; }
pad00() { py "import os,sys; n=os.path.getsize(sys.argv[1]); m=int(sys.argv[2],0); assert n<=m, (n,m); open(sys.argv[1],'ab').write(b'\0'*(m-n))" "$@"; }
ff() { py "import sys; sys.stdout.buffer.write(b'\xff'*int(sys.argv[1],0))" "$1"; }
# a tree unlike rounds 2-5: an OpenWrt-like /etc with uci files, /lib/modules with fake .ko, /sbin, a long name
mkdir -p tree/sbin tree/lib/modules/5.15.150 tree/etc/config tree/etc/init.d tree/usr/share/ucode tree/overlay
txt 70000 61 > tree/sbin/procd; txt 24000 62 > tree/lib/modules/5.15.150/mt7915e.ko; rnd 5000 63 > tree/lib/modules/5.15.150/firmware.bin
for i in $(seq 1 120); do printf "config rule\n\toption name 'Allow-%d'\n\toption src 'wan'\n\toption dest_port '%d'\n" $i $((1000+i)); done > tree/etc/config/firewall
for s in boot network firewall dnsmasq; do printf '#!/bin/sh /etc/rc.common\nSTART=%d\nstart() { echo %s; }\n' ${#s} $s > tree/etc/init.d/$s; done
printf 'heldout6\n' > tree/etc/hostname; ln -s /tmp/resolv.conf tree/etc/resolv.conf; ln -s procd tree/sbin/init
printf 'let x = 6;\n' > "tree/usr/share/ucode/a_rather_long_file_name_for_the_round_six_corpus_of_mtdscope_held_out_scans.uc"
touch -h -d '2023-07-01 00:00:00' tree tree/* tree/*/* tree/*/*/* tree/*/*/*/*
lst() { (cd tree && find . | LC_ALL=C sort); }
tarc() { tar --sort=name --mtime='2023-07-01' --owner=0 --group=0 --numeric-owner -C tree "$@" .; }
txt 400000 64 > vmlinux.bin; txt 150000 65 > vmlinux2.bin
xz --format=lzma --lzma1=preset=6,dict=1MiB -c vmlinux.bin > k.lzma
gzip -n -6 -c vmlinux2.bin > k2.gz; lz4 -q -9 -c vmlinux2.bin > k2.lz4
printf '/dts-v1/;\n/ { model = "heldout6 MT7621 board"; compatible = "heldout,r6", "mediatek,mt7621-soc";\n #address-cells = <1>; #size-cells = <1>;\n memory@0 { device_type = "memory"; reg = <0x0 0x10000000>; };\n chosen { bootargs = "console=ttyS0,57600"; };\n palmbus@1e000000 { compatible = "palmbus"; reg = <0x1e000000 0x100000>; #address-cells = <1>; #size-cells = <1>; ranges = <0x0 0x1e000000 0x0fffff>;\n  serial@c00 { compatible = "ns16550a"; reg = <0xc00 0x100>; reg-shift = <2>; }; };\n };\n' > b.dts
dtc -q -I dts -O dtb -o b.dtb b.dts
printf '/dts-v1/;\n/plugin/;\n&{/} { overlay-6 { compatible = "heldout,overlay6"; status = "okay"; label = "round six"; }; };\n' > o.dts
dtc -q -@ -I dts -O dtb -o o.dtbo o.dts
(lst | cpio -o -H newc --reproducible --quiet -D tree) > t.newc.cpio
(lst | cpio -o -H crc --reproducible --quiet -D tree) > t.crc.cpio
tarc -H ustar -cf t.ustar.tar; tarc -H gnu -cf t.gnu.tar; tarc -H posix --pax-option=delete=atime,delete=ctime -cf t.pax.tar

# g01 FIT mips: lzma kernel, gzip ramdisk (a cpio), one fdt, sha256 and crc32 hashes
cat > g01.its <<'ITS'
/dts-v1/;
/ { description = "heldout6 FIT mips kernel+ramdisk+fdt"; #address-cells = <1>;
  images { kernel { data = /incbin/("k.lzma"); type = "kernel"; arch = "mips"; os = "linux"; compression = "lzma";
             load = <0x80001000>; entry = <0x80001000>; hash-1 { algo = "crc32"; }; hash-2 { algo = "sha256"; }; };
           ramdisk { data = /incbin/("rd.gz"); type = "ramdisk"; arch = "mips"; os = "linux"; compression = "gzip"; hash-1 { algo = "crc32"; }; };
           fdt { data = /incbin/("b.dtb"); type = "flat_dt"; arch = "mips"; compression = "none"; hash-1 { algo = "crc32"; }; }; };
  configurations { default = "conf"; conf { kernel = "kernel"; ramdisk = "ramdisk"; fdt = "fdt"; }; }; };
ITS
gzip -n -9 -c t.newc.cpio > rd.gz
mkimage -f g01.its "$out/g01-fit-mips-lzma-ramdisk.bin" >/dev/null
# g02 FIT arm (gzip kernel) with external data at a static position (mkimage -E -p 0x2000)
cat > g02.its <<'ITS'
/dts-v1/;
/ { description = "heldout6 FIT arm static external"; #address-cells = <1>;
  images { kernel-1 { data = /incbin/("k2.gz"); type = "kernel"; arch = "arm"; os = "linux"; compression = "gzip";
             load = <0x40008000>; entry = <0x40008000>; hash-1 { algo = "sha1"; }; };
           fdt-1 { data = /incbin/("b.dtb"); type = "flat_dt"; arch = "arm"; compression = "none"; }; };
  configurations { default = "config-1"; config-1 { kernel = "kernel-1"; fdt = "fdt-1"; }; }; };
ITS
mkimage -E -p 0x2000 -f g02.its "$out/g02-fit-arm-external-static.bin" >/dev/null
# g03 FIT arm64: uncompressed kernel, fdt and an fdt overlay, lz4 kernel variant in a second configuration
cat > g03.its <<'ITS'
/dts-v1/;
/ { description = "heldout6 FIT arm64 overlay"; #address-cells = <1>;
  images { kernel-1 { data = /incbin/("vmlinux2.bin"); type = "kernel"; arch = "arm64"; os = "linux"; compression = "none";
             load = <0x48080000>; entry = <0x48080000>; hash-1 { algo = "crc32"; }; };
           kernel-2 { data = /incbin/("k2.lz4"); type = "kernel"; arch = "arm64"; os = "linux"; compression = "lz4";
             load = <0x48080000>; entry = <0x48080000>; };
           fdt-1 { data = /incbin/("b.dtb"); type = "flat_dt"; arch = "arm64"; compression = "none"; };
           fdt-2 { data = /incbin/("o.dtbo"); type = "flat_dt"; arch = "arm64"; compression = "none"; }; };
  configurations { default = "c1"; c1 { kernel = "kernel-1"; fdt = "fdt-1", "fdt-2"; }; c2 { kernel = "kernel-2"; fdt = "fdt-1"; }; }; };
ITS
mkimage -f g03.its "$out/g03-fit-arm64-overlay.bin" >/dev/null
# g04..g07 legacy uImages: MIPS lzma kernel (the usual router kernel); a multi-file image (kernel + ramdisk);
#     an arm64 lz4 kernel; an x86 firmware image (no compression)
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n 'MIPS OpenWrt Linux-5.15.150' -d k.lzma "$out/g04-uimage-mips-lzma.bin" >/dev/null
mkimage -A arm -O linux -T multi -C none -a 0x40008000 -e 0x40008000 -n 'multi heldout6' -d vmlinux2.bin:rd.gz "$out/g05-uimage-multi.bin" >/dev/null
mkimage -A arm64 -O linux -T kernel -C lz4 -a 0x48080000 -e 0x48080000 -n 'arm64 lz4 heldout6' -d k2.lz4 "$out/g06-uimage-arm64-lz4.bin" >/dev/null
mkimage -A x86 -O u-boot -T firmware -C none -a 0x1110000 -e 0x1110000 -n 'x86 firmware heldout6' -d vmlinux2.bin "$out/g07-uimage-x86-firmware.bin" >/dev/null
# g08..g13 squashfs 4.0 (mksquashfs 4.5): gzip window 12 with 64 KiB blocks; xz with ARM+ARMthumb BCJ and 1 MiB
#     blocks; lzo lzo1x_1; lz4 with uncompressed inodes; zstd level 3 without padding; lzma with 8 KiB blocks
#     and always-use-fragments
sq() { mksquashfs tree "$out/$1" -noappend -quiet -all-root "${@:2}" >/dev/null; }
sq g08-squashfs-gzip-w12-64k.bin -comp gzip -Xwindow-size 12 -b 65536
sq g09-squashfs-xz-arm-1m.bin -comp xz -Xbcj arm,armthumb -b 1M
sq g10-squashfs-lzo1x1.bin -comp lzo -Xalgorithm lzo1x_1
sq g11-squashfs-lz4-noI.bin -comp lz4 -noI
sq g12-squashfs-zstd3-nopad.bin -comp zstd -Xcompression-level 3 -nopad
sq g13-squashfs-lzma-8k-frag.bin -comp lzma -b 8192 -always-use-fragments
# g14 JFFS2 big endian, 64 KiB erase blocks, zlib only (no rtime); g15 little endian, 256 KiB erase blocks, 12-byte
#     cleanmarkers, padded to the end of its erase block (-p takes no separate argument: the 0x200000 is ignored)
mkfs.jffs2 -q -b -e 64KiB -x rtime -r tree -o "$out/g14-jffs2-be-64k-zlib.bin"
mkfs.jffs2 -q -l -e 256KiB -c 12 -p 0x200000 -r tree -o "$out/g15-jffs2-le-256k-pad.bin"
# g16 UBI 2 KiB pages no subpages (-s 2048), an OpenWrt-like pair: static squashfs 'rootfs' + UBIFS 'rootfs_data';
# g17 UBI 4 KiB pages, 256 KiB PEBs, one UBIFS (zlib) volume; g18 UBIFS 2 KiB pages favor_lzo
mksquashfs tree s16.sq -comp xz -noappend -quiet -all-root >/dev/null
mkfs.ubifs -q -r tree/etc -m 2048 -e 126976 -c 24 -x lzo -o u16.ubifs
printf '[r]\nmode=ubi\nimage=s16.sq\nvol_id=0\nvol_type=static\nvol_name=rootfs\n[d]\nmode=ubi\nimage=u16.ubifs\nvol_id=1\nvol_size=3MiB\nvol_type=dynamic\nvol_name=rootfs_data\nvol_flags=autoresize\n' > u16.ini
ubinize -Q 6161616 -o "$out/g16-ubi-2k-squashfs-ubifs.bin" -p 128KiB -m 2048 -s 2048 u16.ini
mkfs.ubifs -q -r tree -m 4096 -e 253952 -c 24 -x zlib -o u17.ubifs
printf '[u]\nmode=ubi\nimage=u17.ubifs\nvol_id=0\nvol_size=6MiB\nvol_type=dynamic\nvol_name=data\n' > u17.ini
ubinize -Q 6171717 -o "$out/g17-ubi-4k-256k-ubifs.bin" -p 256KiB -m 4096 u17.ini
mkfs.ubifs -q -r tree -m 2048 -e 126976 -c 40 -x favor_lzo -o "$out/g18-ubifs-favor-lzo.bin"
# g19 a NAND dump with 2048+64 pages of a UBI (128 KiB PEB) with one UBIFS volume; g20 4096+128 of a UBI (256 KiB
#     PEB) with a static squashfs volume. OOB: 0xFF for erased pages; for written pages byte 0 (bad-block marker)
#     0xFF and the last 24 (2048) / 56 (4096) bytes ECC-like bytes (sha256 of the page, not a real ECC).
mkfs.ubifs -q -r tree -m 2048 -e 126976 -c 30 -x zlib -o u19.ubifs
printf '[u]\nmode=ubi\nimage=u19.ubifs\nvol_id=0\nvol_size=4MiB\nvol_type=dynamic\nvol_name=ubi_rootfs\n' > u19.ini
ubinize -Q 6191919 -o u19.ubi -p 128KiB -m 2048 u19.ini
printf '[r]\nmode=ubi\nimage=s16.sq\nvol_id=0\nvol_type=static\nvol_name=rootfs\n' > u20.ini
ubinize -Q 6202020 -o u20.ubi -p 256KiB -m 4096 u20.ini
nand() { # $1 in, $2 page, $3 oob, $4 peb, $5 out
py "
import hashlib,sys
d=open(sys.argv[1],'rb').read(); pg,oob,peb=int(sys.argv[2]),int(sys.argv[3]),int(sys.argv[4])
d+=b'\xff'*(-len(d)%peb); o=bytearray(); ne=oob*3//8 if oob>64 else 24
for p in range(0,len(d),pg):
    b=d[p:p+pg]
    if b==b'\xff'*pg: o+=b+b'\xff'*oob
    else:
        e=b''
        while len(e)<ne: e+=hashlib.sha256(b+bytes([len(e)])).digest()
        o+=b+b'\xff'*(oob-ne)+e[:ne]
open(sys.argv[5],'wb').write(o)" "$@"; }
nand u19.ubi 2048 64 131072 "$out/g19-nand-2k-oob64-ubi.bin"
nand u20.ubi 4096 128 262144 "$out/g20-nand-4k-oob128-ubi-squashfs.bin"
# g21 cramfs little endian, 4 KiB blocks, edition 2; g22 romfs with 512-byte alignment, in zero-filled space at 0x8000
mkfs.cramfs -N little -b 4096 -e 2 -n heldout6 tree "$out/g21-cramfs-le.bin" >/dev/null
genromfs -f r22.romfs -d tree -V heldout6 -a 512
py "import sys; sys.stdout.buffer.write(b'\0'*0x8000)" > g22; cat r22.romfs >> g22; pad00 g22 0x30000; mv g22 "$out/g22-zero-romfs-a512.bin"
# g23 DTB overlay (dtc -@); g24 ATF FIP with BL2, BL31, BL32, BL33 (qemu_arm U-Boot) and HW_CONFIG (a dtb)
cp o.dtbo "$out/g23-dtbo-overlay.bin"
rnd 30000 66 > bl2.bin; rnd 50000 67 > bl31.bin; rnd 20000 68 > bl32.bin
fiptool create --tb-fw bl2.bin --soc-fw bl31.bin --tos-fw bl32.bin --nt-fw /usr/lib/u-boot/qemu_arm/u-boot.bin --hw-config b.dtb "$out/g24-fip-5.bin" >/dev/null
# g25..g29 U-Boot as shipped by u-boot-qemu for malta64el, maltael, qemu-riscv64_smode, qemu-x86, qemu_arm; g30 an ELF U-Boot
cp /usr/lib/u-boot/malta64el/u-boot.bin "$out/g25-uboot-malta64el.bin"
cp /usr/lib/u-boot/maltael/u-boot.bin "$out/g26-uboot-maltael.bin"
cp /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin "$out/g27-uboot-riscv64-smode.bin"
cp /usr/lib/u-boot/qemu-x86/u-boot.bin "$out/g28-uboot-x86.bin"
cp /usr/lib/u-boot/qemu_arm/u-boot.bin "$out/g29-uboot-arm.bin"
cp /usr/lib/u-boot/maltael/uboot.elf "$out/g30-elf-uboot-maltael.bin"
# g31..g45 streams and archives with other options than round 5
cp t.ustar.tar heldout6.tar; gzip -6 -c heldout6.tar > "$out/g31-gzip-fname-tar.bin"   # FNAME heldout6.tar, mtime kept
xz -9e --check=sha256 -c t.newc.cpio > "$out/g32-xz-9e-sha256-cpio.bin"
xz --arm --lzma2=preset=3 --check=crc32 -c t.gnu.tar > "$out/g33-xz-arm-crc32-tar.bin"
xz --format=lzma --lzma1=dict=4KiB,lc=0,lp=2,pb=0 -c t.ustar.tar > "$out/g34-lzma-4k-lc0lp2pb0-tar.bin"
zstd -q -3 --long=24 --check -c t.pax.tar > "$out/g35-zstd-long-tar.bin"
py "import struct,sys; sys.stdout.buffer.write(struct.pack('<II',0x184D2A50,16)+b'heldout6 skip 16')" > skip.bin
zstd -q -12 -c t.newc.cpio > z36.zst; cat skip.bin z36.zst > "$out/g36-zstd-skippable-cpio.bin"
lz4 -q -B4 -BD --content-size -c t.gnu.tar > "$out/g37-lz4-b4-bd-tar.bin"
py "import struct,sys; sys.stdout.buffer.write(struct.pack('<II',0x184D2A5F,8)+b'lz4skip6')" > skip4.bin
lz4 -q -c t.ustar.tar > l38.lz4; cat skip4.bin l38.lz4 > "$out/g38-lz4-skippable-tar.bin"
bzip2 -1 -c t.crc.cpio > "$out/g39-bzip2-1-cpio.bin"
lzop -9 -c t.pax.tar > "$out/g40-lzop9-tar.bin"
(cd tree && zip -q -X -r -y -0 "$w/t0.zip" .); cp t0.zip "$out/g41-zip-stored.bin"
(cd tree && 7z a -bso0 -bsp0 -t7z -m0=BZip2 -mtm=off -mtc=off -mta=off "$w/b.7z" . >/dev/null); cp b.7z "$out/g42-7z-bzip2.bin"
(cd tree && 7z a -bso0 -bsp0 -t7z -m0=BCJ -m1=LZMA2 -ms=on -mtm=off -mtc=off -mta=off "$w/l2.7z" . >/dev/null); cp l2.7z "$out/g43-7z-bcj-lzma2.bin"
cp t.gnu.tar "$out/g44-tar-gnu-longname.bin"
cp t.crc.cpio "$out/g45-cpio-newc-crc.bin"

# ---- flash images ----
# MT7628 8 MiB SPI NOR: bootloader maltael u-boot.bin 0..0x50000 | env 0x50000 (4 KiB env, mkenvimage -s 0x1000, rest
#   of the 64 KiB erased) | factory 0x60000 (MT7628 EEPROM) | firmware 0x70000: uImage (g04) and, at the next 64 KiB,
#   squashfs (g13); rest erased
eeprom() { # $1 chip id hex, $2 MAC, $3 file: EEPROM (chip id LE at 0, version, MAC at 4; ethernet MACs at 0x28, 0x2e)
  py "
import sys
cid=int(sys.argv[1],16); m=bytes(int(x,16) for x in sys.argv[2].split(':'))
e=bytearray(0x200); e[0:2]=cid.to_bytes(2,'little'); e[2:4]=b'\x01\x00'; e[4:10]=m
e[0x28:0x2e]=m[:5]+bytes([(m[5]+1)&255]); e[0x2e:0x34]=m[:5]+bytes([(m[5]+2)&255])
for i in range(0x34,0x100): e[i]=(0x1c+((i*5)%20))&0xff
for i in range(0x100,0x200): e[i]=0x40+(i%7)
open(sys.argv[3],'wb').write(bytes(e)+b'\xff'*(65536-len(e)))" "$@"; }
mac8='00:0c:43:76:28:60'
printf 'bootcmd=bootm 0xbc070000\nbootdelay=1\nbaudrate=57600\nethaddr=%s\nserverip=192.168.1.254\nipaddr=192.168.1.6\nmtdparts=spi0.0:320k(u-boot),64k(u-boot-env),64k(factory),-(firmware)\n' "$mac8" > env8.txt
mkenvimage -s 0x1000 -o env8.bin env8.txt; padff env8.bin 0x10000
eeprom 7628 "$mac8" fac8.bin
fwc() { # $1 out, $2 first, $3 second (at the next 64 KiB)
  cp "$2" "$1"; local n; n=$(stat -c %s "$1"); padff "$1" $(( (n + 0xffff) & ~0xffff )); cat "$3" >> "$1"; }
fwc fw8.bin "$out/g04-uimage-mips-lzma.bin" "$out/g13-squashfs-lzma-8k-frag.bin"
flash() { # $1 out, $2 bootloader, $3 env, $4 factory, $5 firmware, $6 size
  cp "$2" "$1"; padff "$1" "${BLS:-0x50000}"; cat "$3" >> "$1"; cat "$4" >> "$1"; cat "$5" >> "$1"; padff "$1" "$6"; }
flash "$out/g46-flash-mt7628-8m.bin" /usr/lib/u-boot/maltael/u-boot.bin env8.bin fac8.bin fw8.bin 0x800000
# MT7621 16 MiB: bootloader malta64el u-boot.bin 0..0x60000 | env 0x60000 (64 KiB env) | factory 0x70000 (MT7615
#   EEPROM) | firmware 0x80000: FIT (g01) and squashfs (g09) at the next 64 KiB | JFFS2 rootfs_data (little endian, 64 KiB
#   erase blocks) at 0xe00000; rest erased
mac16='00:0c:43:76:21:6a'
printf 'bootcmd=bootm 0xbc080000\nbootdelay=2\nethaddr=%s\nipaddr=10.0.0.6\nmtdparts=spi0.0:384k(u-boot),64k(u-boot-env),64k(factory),14848k(firmware),2048k(rootfs_data)\n' "$mac16" > env16.txt
mkenvimage -s 0x10000 -o env16.bin env16.txt
eeprom 7615 "$mac16" fac16.bin
fwc fw16.bin "$out/g01-fit-mips-lzma-ramdisk.bin" "$out/g09-squashfs-xz-arm-1m.bin"
mkfs.jffs2 -q -l -e 64KiB -r tree/etc -o j16.jffs2
mk16() { # $1 out, $2 env, $3 factory, $4 firmware
  BLS=0x60000 flash "$1" /usr/lib/u-boot/malta64el/u-boot.bin "$2" "$3" "$4" 0xe00000; cat j16.jffs2 >> "$1"; padff "$1" 0x1000000; }
mk16 "$out/g47-flash-mt7621-16m.bin" env16.bin fac16.bin fw16.bin
# MT7981 16 MiB SPI NOR: BL2 (mkimage -T mtk_image, media=nor) at 0 | env 0x40000 | factory 0x50000 (MT7981
#   EEPROM) | FIP (g24) at 0x100000 | firmware FIT (g03) at 0x200000
mac81='00:0c:43:79:81:06'
printf 'bootcmd=bootm 0x0\nethaddr=%s\nmtdparts=nor0:256k(bl2),64k(u-boot-env),704k(factory),1024k(fip),-(firmware)\n' "$mac81" > env81.txt
mkenvimage -s 0x10000 -o env81.bin env81.txt
eeprom 7981 "$mac81" fac81.bin
mkimage -T mtk_image -a 0x201000 -e 0x201000 -n 'media=nor;arm64=1' -d bl2.bin bl2.img >/dev/null
mk81() { # $1 out, $2 bl2 (or 'none')
  if [ "$2" = none ]; then ff 0x40000 > "$1"; else cp "$2" "$1"; padff "$1" 0x40000; fi
  cat env81.bin fac81.bin >> "$1"; padff "$1" 0x100000; cat "$out/g24-fip-5.bin" >> "$1"; padff "$1" 0x200000
  cat "$out/g03-fit-arm64-overlay.bin" >> "$1"; padff "$1" 0x1000000; }
mk81 "$out/g48-flash-mt7981-nor.bin" bl2.img

# ---- damage ----
pyd() { py "import sys,struct; d=bytearray(open(sys.argv[1],'rb').read()); $2; open(sys.argv[3],'wb').write(d)" "$1" "" "$3"; }
# e01 g04 (MIPS lzma uImage) with one bit of the load address flipped (header CRC fails)
pyd "$out/g04-uimage-mips-lzma.bin" 'd[16]^=0x01' "$out/e01-uimage-hcrc-load-bit.bin"
# e02 g05 (multi uImage) with one byte of its data flipped (data CRC fails)
pyd "$out/g05-uimage-multi.bin" 'd[64+12+40000]^=0x80' "$out/e02-uimage-multi-dcrc.bin"
# e03 the MT7628 flash (g46) with one bit of the kernel uImage header flipped (its header CRC fails, in a flash)
pyd "$out/g46-flash-mt7628-8m.bin" 'd[0x70000+32+3]^=0x04' "$out/e03-flash-mt7628-uimage-hcrc.bin"
# e04 g46 with the factory erased; e05 g47 with the factory of another unit (MAC 00:0c:43:76:21:b2)
pyd "$out/g46-flash-mt7628-8m.bin" 'd[0x60000:0x70000]=b"\xff"*0x10000' "$out/e04-flash-mt7628-factory-erased.bin"
eeprom 7615 00:0c:43:76:21:b2 fac16b.bin; mk16 "$out/e05-flash-mt7621-factory-other-unit.bin" env16.bin fac16b.bin fw16.bin
# e06 g47 whose firmware partition holds firmware1 and, after it at the next 64 KiB, firmware2 (uImage g04 + squashfs g13)
cp fw16.bin fw16c.bin; n=$(stat -c %s fw16c.bin); padff fw16c.bin $(( (n + 0xffff) & ~0xffff )); cat fw8.bin >> fw16c.bin
mk16 "$out/e06-flash-mt7621-firmware-concatenated.bin" env16.bin fac16.bin fw16c.bin
# e07 g46 (8 MiB) read as 16 MiB: the upper half repeats the lower; e08 g47 (16 MiB) read as 32 MiB
py "d=open('$out/g46-flash-mt7628-8m.bin','rb').read(); open('$out/e07-flash-mt7628-read-16m.bin','wb').write(d+d)"
py "d=open('$out/g47-flash-mt7621-16m.bin','rb').read(); open('$out/e08-flash-mt7621-read-32m.bin','wb').write(d+d)"
# e09 the MT7981 flash with no BL2 (0..0x40000 erased)
mk81 "$out/e09-flash-mt7981-no-bl2.bin" none
# e10 xz (g32) cut at 70%; e11 zstd (g35) cut at a third; e12 lz4 frame (g37) cut at 60%; e13 bzip2 (g39) cut at 80%;
# e14 lzma (g34) cut at half; e15 squashfs (g08) cut at 40%
cut() { py "d=open('$1','rb').read(); open('$3','wb').write(d[:len(d)*$2//100])"; }
cut "$out/g32-xz-9e-sha256-cpio.bin" 70 "$out/e10-xz-truncated70.bin"
cut "$out/g35-zstd-long-tar.bin" 33 "$out/e11-zstd-truncated33.bin"
cut "$out/g37-lz4-b4-bd-tar.bin" 60 "$out/e12-lz4-truncated60.bin"
cut "$out/g39-bzip2-1-cpio.bin" 80 "$out/e13-bzip2-truncated80.bin"
cut "$out/g34-lzma-4k-lc0lp2pb0-tar.bin" 50 "$out/e14-lzma-truncated50.bin"
cut "$out/g08-squashfs-gzip-w12-64k.bin" 40 "$out/e15-squashfs-truncated40.bin"
# e16 gzip (g31) with its CRC32 trailer changed; e17 xz (g33) with a byte of compressed data flipped; e18 zstd with a
#     content checksum (g35) with its last byte (the checksum) changed; e19 lzop (g40) with a byte of a block flipped
pyd "$out/g31-gzip-fname-tar.bin" 'd[-8]^=0x40' "$out/e16-gzip-crc32.bin"
pyd "$out/g33-xz-arm-crc32-tar.bin" 'd[len(d)//2]^=0x10' "$out/e17-xz-data-flip.bin"
pyd "$out/g35-zstd-long-tar.bin" 'd[-1]^=0x01' "$out/e18-zstd-checksum.bin"
pyd "$out/g40-lzop9-tar.bin" 'd[len(d)//2]^=0x02' "$out/e19-lzop-flip.bin"
# e20 JFFS2 little endian (g15) with one byte of a node's data flipped (its data CRC fails); e21 UBI (g17) with a
#     byte of the VID header of PEB 3 flipped (VID header CRC fails); e22 UBIFS (g18) with a byte of a node flipped
py "
import struct
d=bytearray(open('$out/g15-jffs2-le-256k-pad.bin','rb').read()); o=0
while True:
    i=d.find(b'\x85\x19\x02\xe0',o)
    if i<0: raise SystemExit('no inode node')
    tl,=struct.unpack('<I',d[i+4:i+8]); csize,=struct.unpack('<I',d[i+48:i+52])
    if csize>200: d[i+68+csize//2]^=0x01; print(hex(i)); break
    o=i+4
open('$out/e20-jffs2-le-data-crc.bin','wb').write(d)" > e20.off
pyd "$out/g17-ubi-4k-256k-ubifs.bin" 'd[3*262144+4096+12]^=0x01' "$out/e21-ubi-vid-crc.bin"
pyd "$out/g18-ubifs-favor-lzo.bin" 'd[126976+100]^=0x01' "$out/e22-ubifs-node-flip.bin"
# e23 FIT g01 with one byte of the kernel data flipped (its crc32 and sha256 hashes no longer match)
py "
import subprocess
f='$out/g01-fit-mips-lzma-ramdisk.bin'; d=bytearray(open(f,'rb').read())
k=open('k.lzma','rb').read(); i=d.find(k[:4096]); assert i>0; d[i+len(k)//2]^=0x01; print(i)
open('$out/e23-fit-kernel-hash.bin','wb').write(d)" > e23.off
# e24 the FIP (g24) cut inside its last image; e25 FIT with external data (g02) cut after the FDT (its data missing)
py "d=open('$out/g24-fip-5.bin','rb').read(); open('$out/e24-fip-truncated.bin','wb').write(d[:len(d)-3000])"
py "
import struct
d=open('$out/g02-fit-arm-external-static.bin','rb').read(); ts=struct.unpack('>I',d[4:8])[0]
open('$out/e25-fit-external-data-missing.bin','wb').write(d[:max(ts,0x2000)+100])"
# e26 the MT7621 flash (g47) with one byte of the env changed (its CRC fails); e27 a redundant env (mkenvimage -r) with a
#     flipped byte (CRC fails)
py "d=bytearray(open('$out/g47-flash-mt7621-16m.bin','rb').read()); i=d.find(b'ipaddr=10.0.0.6',0x60000); d[i+14]=ord('9'); open('$out/e26-flash-mt7621-env-crc.bin','wb').write(d)"
mkenvimage -r -s 0x2000 -o envr.bin env8.txt
pyd envr.bin 'i=d.find(b"serverip"); d[i+9]^=0x01' "$out/e27-env-redundant-crc.bin"
# e28 cpio -H crc (g45) with one byte of a member's data flipped (its checksum fails); e29 tar (g44) with a byte of the
#     second member's header flipped (checksum fails); e30 zip (g41) cut before its central directory; e31 7z (g42)
#     cut before its end header
py "
d=bytearray(open('$out/g45-cpio-newc-crc.bin','rb').read()); i=d.find(b'sbin/procd\0'); d[i+4000]^=0x01
open('$out/e28-cpio-crc-member.bin','wb').write(d)"
py "
d=bytearray(open('$out/g44-tar-gnu-longname.bin','rb').read()); sz=int(d[124:136].rstrip(b'\0 ') or b'0',8)
o=512+((sz+511)//512)*512; d[o+1]^=0x01; open('$out/e29-tar-header-checksum.bin','wb').write(d)"
py "
d=open('$out/g41-zip-stored.bin','rb').read(); i=d.find(b'PK\x01\x02')
open('$out/e30-zip-no-central-dir.bin','wb').write(d[:i])"
py "
import struct
d=open('$out/g42-7z-bzip2.bin','rb').read(); no=struct.unpack('<Q',d[12:20])[0]
open('$out/e31-7z-no-end-header.bin','wb').write(d[:32+no])"
# e32 cramfs (g21) with one byte flipped in the middle (CRC fails); e33 romfs (g22) with the volume name changed (the
#     superblock checksum fails); e34 DTB overlay (g23) with its magic intact and totalsize raised by 4 KiB
pyd "$out/g21-cramfs-le.bin" 'd[len(d)//2]^=0x20' "$out/e32-cramfs-le-crc.bin"
pyd "$out/g22-zero-romfs-a512.bin" 'i=d.find(b"heldout6",0x8000); d[i]=ord("H")' "$out/e33-romfs-checksum.bin"
pyd "$out/g23-dtbo-overlay.bin" 'n=struct.unpack(">I",d[4:8])[0]; d[4:8]=struct.pack(">I",n+4096)' "$out/e34-dtb-totalsize.bin"
# e35 the NAND dump (g19) cut in the middle of a page (a dump stopped early)
py "d=open('$out/g19-nand-2k-oob64-ubi.bin','rb').read(); n=(len(d)//2)//2112*2112+1000; open('$out/e35-nand-dump-cut.bin','wb').write(d[:n])"
ls "$out" | wc -l
