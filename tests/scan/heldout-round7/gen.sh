#!/bin/bash
# Round-7 held-out scan corpus (issue 12): generated with Debian's tools. usage: gen.sh OUTDIR
set -euo pipefail
export SOURCE_DATE_EPOCH=1690848000
out=$(realpath -m "$1"); mkdir -p "$out"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cd "$w"
py() { python3 -c "$@"; }
rnd() { py "import random,sys; r=random.Random($2); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range($1)))"; }
txt() { py "import random,sys; r=random.Random($2); v=[bytes(r.getrandbits(8) for _ in range(r.randint(2,9))) for _ in range(500)]
o=bytearray()
while len(o)<$1: o+=r.choice(v)
sys.stdout.buffer.write(bytes(o[:$1]))"; }
padff() { py "import os,sys; n=os.path.getsize(sys.argv[1]); m=int(sys.argv[2],0); assert n<=m, (n,m); open(sys.argv[1],'ab').write(b'\xff'*(m-n))" "$@"; }
# tree: many small files plus one big one
mkdir -p tree/bin tree/etc/config tree/www/cgi-bin tree/lib/firmware
txt 300000 71 > tree/bin/busybox; rnd 90000 72 > tree/lib/firmware/wifi.bin
for i in $(seq 1 60); do printf 'config host\n\toption name h%d\n\toption ip 10.7.0.%d\n' $i $i > tree/etc/config/host$i; done
printf '<html>round7</html>\n' > tree/www/index.html; ln -s ../bin/busybox tree/www/cgi-bin/luci
touch -h -d '2023-08-01 00:00:00' tree tree/* tree/*/* tree/*/*/*
lst() { (cd tree && find . | LC_ALL=C sort); }
tarc() { tar --sort=name --mtime='2023-08-01' --owner=0 --group=0 --numeric-owner -C tree "$@" .; }
tarc -H ustar -cf t.tar; (lst | cpio -o -H odc --reproducible --quiet -D tree) > t.odc.cpio
(lst | cpio -o -H newc --reproducible --quiet -D tree) > t.newc.cpio
txt 500000 73 > vmlinux.bin
sq() { mksquashfs tree "$out/$1" -noappend -quiet -all-root "${@:2}" >/dev/null; }
# r01..r05 squashfs: gzip 4 KiB blocks; zstd-19 128 KiB; lz4 -Xhc 1 MiB; lzo 1 MiB; xz 4 KiB
sq r01-squashfs-gzip-4k.bin -comp gzip -b 4K
sq r02-squashfs-zstd19-128k.bin -comp zstd -Xcompression-level 19 -b 128K
sq r03-squashfs-lz4hc-1m.bin -comp lz4 -Xhc -b 1M
sq r04-squashfs-lzo-1m.bin -comp lzo -b 1M
sq r05-squashfs-xz-4k.bin -comp xz -b 4K
# r06 jffs2 big endian 128 KiB; r07 cramfs big endian; r08 romfs at 0; r09 ext4 small (mke2fs -d)
mkfs.jffs2 -q -b -e 128KiB -r tree -o "$out/r06-jffs2-be-128k.bin"
mkfs.cramfs -N big -n round7 tree "$out/r07-cramfs-be.bin" >/dev/null
genromfs -f "$out/r08-romfs.bin" -d tree -V round7
E2FSPROGS_FAKE_TIME=1690848000 mke2fs -q -t ext4 -b 1024 -N 256 -E root_owner=0:0,hash_seed=7a7a7a7a-0000-4000-8000-000000000070 -U 7a7a7a7a-0000-4000-8000-000000000007 -d tree "$out/r09-ext4-small.bin" 4096 >/dev/null
# r10 FIT with three configurations; r11 uImage multi with three files (MIPS)
xz --format=lzma -c vmlinux.bin > k.lzma; printf '/dts-v1/;\n/ { model = "round7"; compatible = "r7,board"; };\n' > b.dts; dtc -q -I dts -O dtb -o b.dtb b.dts
cp b.dtb b2.dtb
cat > r10.its <<'ITS'
/dts-v1/;
/ { description = "round7 FIT 3 configs"; #address-cells = <1>;
  images { kernel { data = /incbin/("k.lzma"); type = "kernel"; arch = "mips"; os = "linux"; compression = "lzma"; load = <0x80001000>; entry = <0x80001000>; hash-1 { algo = "crc32"; }; };
           fdt-a { data = /incbin/("b.dtb"); type = "flat_dt"; arch = "mips"; compression = "none"; };
           fdt-b { data = /incbin/("b2.dtb"); type = "flat_dt"; arch = "mips"; compression = "none"; };
           fdt-c { data = /incbin/("b.dtb"); type = "flat_dt"; arch = "mips"; compression = "none"; }; };
  configurations { default = "c2"; c1 { kernel = "kernel"; fdt = "fdt-a"; }; c2 { kernel = "kernel"; fdt = "fdt-b"; }; c3 { kernel = "kernel"; fdt = "fdt-c"; }; }; };
ITS
mkimage -f r10.its "$out/r10-fit-3conf.bin" >/dev/null
gzip -n -9 -c t.newc.cpio > rd.gz
mkimage -A mips -O linux -T multi -C none -a 0x80000000 -e 0x80000000 -n 'round7 multi3' -d vmlinux.bin:rd.gz:b.dtb "$out/r11-uimage-multi3.bin" >/dev/null
# r12..r14 U-Boot qemu-x86_64, qemu-riscv64 (M-mode), qemu_arm64
cp /usr/lib/u-boot/qemu-x86_64/u-boot.bin "$out/r12-uboot-x86_64.bin"
cp /usr/lib/u-boot/qemu-riscv64/u-boot.bin "$out/r13-uboot-riscv64.bin"
cp /usr/lib/u-boot/qemu_arm64/u-boot.bin "$out/r14-uboot-arm64.bin"
# r15 lzma_alone -d16 -lc1 -lp1 -pb1 of a tar; r16 bzip2 -9 of a cpio odc; r17 lz4 legacy of a tar; r18 zstd -19 of cpio newc
lzma_alone e t.tar "$out/r15-lzma-d16-lc1lp1pb1-tar.bin" -d16 -lc1 -lp1 -pb1 >/dev/null 2>&1
bzip2 -9 -c t.odc.cpio > "$out/r16-bzip2-9-cpio.bin"
lz4 -q -l -c t.tar > "$out/r17-lz4-legacy-tar.bin"
zstd -q -19 -c t.newc.cpio > "$out/r18-zstd19-cpio.bin"
# r19 cpio odc; r20 FIP with BL31 + BL33 (qemu_arm64 U-Boot)
cp t.odc.cpio "$out/r19-cpio-odc.bin"
rnd 40000 74 > bl31.bin
fiptool create --soc-fw bl31.bin --nt-fw /usr/lib/u-boot/qemu_arm64/u-boot.bin "$out/r20-fip-2.bin" >/dev/null
# r21 Broadcom TRX v1: lzma kernel + squashfs (r02); header CRC = ~crc32 from offset 12 (as the trx tools)
py "
import struct,zlib,sys
k=open('k.lzma','rb').read(); s=open('$out/r02-squashfs-zstd19-128k.bin','rb').read()
o1=28; o2=(o1+len(k)+0xfff)&~0xfff; body=bytearray(o2+len(s)); body[o1:o1+len(k)]=k; body[o2:]=s
n=(len(body)+0xfff)&~0xfff; body+=b'\0'*(n-len(body))
struct.pack_into('<4sII HH III',body,0,b'HDR0',n,0,0,1,o1,o2,0)
c=zlib.crc32(bytes(body[12:]))^0xffffffff; struct.pack_into('<I',body,8,c)
open('$out/r21-trx.bin','wb').write(body); print(o2)" > trx.off
# r22 NAND 2048+128 dump of a UBI (UBIFS) with block 5 bad (marker 0x00 at OOB byte 0 of its first page, data 0x00)
mkfs.ubifs -q -r tree -m 2048 -e 126976 -c 40 -x zlib -o u.ubifs
printf '[u]\nmode=ubi\nimage=u.ubifs\nvol_id=0\nvol_size=5MiB\nvol_type=dynamic\nvol_name=rootfs_data\n' > u.ini
ubinize -Q 7222222 -o u22.ubi -p 128KiB -m 2048 u.ini
mksquashfs tree s.sq -comp xz -noappend -quiet -all-root >/dev/null
printf '[r]\nmode=ubi\nimage=s.sq\nvol_id=0\nvol_type=static\nvol_name=rootfs\n' > s.ini
ubinize -Q 7232323 -o u23.ubi -p 256KiB -m 4096 s.ini
nand() { # $1 in, $2 page, $3 oob, $4 peb, $5 out, $6 bad PEB index (inserted, the UBI PEBs after it move one block on)
py "
import hashlib,sys
d=open(sys.argv[1],'rb').read(); pg,oob,peb,bad=int(sys.argv[2]),int(sys.argv[3]),int(sys.argv[4]),int(sys.argv[6])
d+=b'\xff'*(-len(d)%peb); d=d[:bad*peb]+b'\0'*peb+d[bad*peb:]; o=bytearray(); ne=oob//4
for p in range(0,len(d),pg):
    b=d[p:p+pg]
    if p//peb==bad: o+=b+(b'\0' if p%peb==0 else b'\xff')+b'\xff'*(oob-1); continue
    if b==b'\xff'*pg: o+=b+b'\xff'*oob
    else:
        e=b''
        while len(e)<ne: e+=hashlib.sha256(b+bytes([len(e)])).digest()
        o+=b+b'\xff'*(oob-ne)+e[:ne]
open(sys.argv[5],'wb').write(o)" "$@"; }
nand u22.ubi 2048 128 131072 "$out/r22-nand-2k-oob128-bad5-ubi.bin" 5
nand u23.ubi 4096 256 262144 "$out/r23-nand-4k-oob256-bad2-ubi-squashfs.bin" 2
# r24 Qualcomm-style 32 MiB NOR: U-Boot (qemu_arm) at 0 | env 0xd0000 (64 KiB) | ART 0xe0000 (random cal data) | firmware
#     0xf0000: uImage (arm, lzma kernel) then squashfs (r05) at the next 64 KiB | rest erased
mkimage -A arm -O linux -T kernel -C lzma -a 0x80208000 -e 0x80208000 -n 'round7 ipq kernel' -d k.lzma ki.bin >/dev/null
printf 'bootcmd=bootm 0x9f0f0000\nethaddr=00:03:7f:12:34:56\nmtdparts=spi0.0:832k(u-boot),64k(u-boot-env),64k(ART),-(firmware)\n' > envq.txt
mkenvimage -s 0x10000 -o envq.bin envq.txt
cp /usr/lib/u-boot/qemu_arm/u-boot.bin q.bin; padff q.bin 0xd0000; cat envq.bin >> q.bin; rnd 4096 75 >> q.bin; padff q.bin 0xf0000
cat ki.bin >> q.bin; n=$(stat -c %s q.bin); padff q.bin $(( (n+0xffff) & ~0xffff )); echo $(( (n+0xffff) & ~0xffff )) > q.sqoff
cat "$out/r05-squashfs-xz-4k.bin" >> q.bin; padff q.bin 0x2000000; mv q.bin "$out/r24-flash-qca-32m.bin"
# ---- damage ----
pyd() { py "import sys,struct; d=bytearray(open(sys.argv[1],'rb').read()); $2; open(sys.argv[3],'wb').write(d)" "$1" "" "$3"; }
cut() { py "d=open('$1','rb').read(); open('$3','wb').write(d[:len(d)*$2//100])"; }
# d01 uImage multi (r11) with a byte of the stored header CRC changed; d02 squashfs zstd (r02) cut at 55%; d03 zstd (r18) cut at 45%;
# d04 TRX (r21) with a byte of the squashfs flipped (TRX CRC fails); d05 Qualcomm flash with the kernel uImage header CRC byte changed
pyd "$out/r11-uimage-multi3.bin" 'd[5]^=0x10' "$out/d01-uimage-multi-hcrc.bin"
cut "$out/r02-squashfs-zstd19-128k.bin" 55 "$out/d02-squashfs-zstd-truncated55.bin"
cut "$out/r18-zstd19-cpio.bin" 45 "$out/d03-zstd-truncated45.bin"
pyd "$out/r21-trx.bin" 'd[-5000]^=0x01' "$out/d04-trx-crc.bin"
pyd "$out/r24-flash-qca-32m.bin" 'd[0xf0000+4]^=0x01' "$out/d05-flash-qca-uimage-hcrc.bin"
# r25 tar holding a squashfs (r01); r26 cpio newc holding a gzip; r27 zip deflate -9; r28 7z LZMA; r29 lzma_alone -d24 lc0 lp0 pb0 of
#     a cpio; r30 gzip -1 of the ext4 (r09); d06 xz (lzma2 preset 2) of a tar cut at 30%
mkdir n25; cp "$out/r01-squashfs-gzip-4k.bin" n25/rootfs.sqsh; touch -d '2023-08-01' n25/rootfs.sqsh
tar --mtime='2023-08-01' --owner=0 --group=0 --numeric-owner -H ustar -C n25 -cf "$out/r25-tar-squashfs.bin" rootfs.sqsh
mkdir n26; cp rd.gz n26/initrd.gz; touch -d '2023-08-01' n26/initrd.gz
(cd n26 && echo initrd.gz | cpio -o -H newc --reproducible --quiet) > "$out/r26-cpio-gzip.bin"
(cd tree && zip -q -X -r -y -9 "$w/t9.zip" .); cp t9.zip "$out/r27-zip-deflate9.bin"
(cd tree && 7z a -bso0 -bsp0 -t7z -m0=LZMA -mtm=off -mtc=off -mta=off "$w/l.7z" . >/dev/null); cp l.7z "$out/r28-7z-lzma.bin"
lzma_alone e t.newc.cpio "$out/r29-lzma-d24-lc0lp0pb0-cpio.bin" -d24 -lc0 -lp0 -pb0 >/dev/null 2>&1
gzip -n -1 -c "$out/r09-ext4-small.bin" > "$out/r30-gzip1-ext4.bin"
xz --lzma2=preset=2 -c t.tar > x6.xz; cut x6.xz 30 "$out/d06-xz-truncated30.bin"
# r31 MT7621-style 128 MiB SPI-NAND dump, 2048+64: malta64el U-Boot 0 | env 0x80000 (4 KiB) | factory 0x100000 (MT7615
#     EEPROM, MAC at 4) | UBI (r22's ubinize image) 0x200000 | rest erased; written pages carry sha256 "ECC" in the last 16 OOB bytes
printf 'bootcmd=nand read 0x80001000 0x200000 0x400000; bootm\nethaddr=00:0c:43:76:21:77\nmtdparts=nand0:512k(u-boot),512k(env),1m(factory),-(ubi)\n' > envn.txt
mkenvimage -s 0x1000 -o envn.bin envn.txt
py "
import hashlib
m=bytes.fromhex('000c43762177'); e=bytearray(0x200); e[0:2]=(0x7615).to_bytes(2,'little'); e[2:4]=b'\\x01\\x00'; e[4:10]=m
for i in range(0x34,0x200): e[i]=(0x20+i%11)&0xff
d=bytearray(b'\\xff'*(128<<20)); ub=open('/usr/lib/u-boot/malta64el/u-boot.bin','rb').read(); assert len(ub)<0x80000
d[0:len(ub)]=ub; en=open('envn.bin','rb').read(); d[0x80000:0x80000+len(en)]=en; d[0x100000:0x100200]=e
u=open('u22.ubi','rb').read(); d[0x200000:0x200000+len(u)]=u
o=bytearray(); pg,oob=2048,64
for p in range(0,len(d),pg):
    b=bytes(d[p:p+pg])
    if b==b'\\xff'*pg: o+=b+b'\\xff'*oob
    else: o+=b+b'\\xff'*48+hashlib.sha256(b).digest()[:16]
open('$out/r31-spinand-mt7621-128m.bin','wb').write(o)"
cp trx.off q.sqoff "$out/" 2>/dev/null || true
ls "$out" | wc -l
