#!/usr/bin/env bash
# Small seed inputs made by the real tools, for the format harnesses.  Run once
# by hand when adding a format; the files are committed under fuzz/corpus/<format>/.
#   bash fuzz/make-seeds.sh
set -euo pipefail
cd "$(dirname "$0")/corpus"
export SOURCE_DATE_EPOCH=1700000000 LC_ALL=C
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
printf 'Linux version 6.1.0 (seed) mips\n%.0s' $(seq 20) >"$w/payload"
seed() { mkdir -p "$1"; cp "$2" "$1/$3"; }

lzma -9 -c "$w/payload" >"$w/p.lzma"; seed lzma "$w/p.lzma" payload.lzma
xz -9 -c "$w/payload" >"$w/p.xz"; seed xz "$w/p.xz" payload.xz
gzip -9 -n -c "$w/payload" >"$w/p.gz"; seed gzip "$w/p.gz" payload.gz
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n seed -d "$w/p.lzma" "$w/uImage" >/dev/null
seed uimage "$w/uImage" kernel-lzma.uImage
printf 'bootcmd=bootm 0xbc050000\nbootargs=console=ttyS0,57600\nipaddr=192.168.1.1\nserverip=192.168.1.100\n' >"$w/env.txt"
mkenvimage -s 0x1000 -o "$w/env.bin" "$w/env.txt"; seed uboot-env "$w/env.bin" env-0x1000.bin
mkenvimage -r -s 0x1000 -o "$w/env-r.bin" "$w/env.txt"; seed uboot-env "$w/env-r.bin" env-redundant-0x1000.bin
mkdir -p "$w/root/etc"; printf 'OpenWrt\n' >"$w/root/etc/hostname"; ln -s hostname "$w/root/etc/link"
mksquashfs "$w/root" "$w/root.sqfs" -comp xz -noappend -all-root -quiet >/dev/null; seed squashfs "$w/root.sqfs" tiny-xz.sqfs
mksquashfs "$w/root" "$w/root-gz.sqfs" -comp gzip -noappend -all-root -quiet >/dev/null; seed squashfs "$w/root-gz.sqfs" tiny-gzip.sqfs
# squashfs 3.x: Debian's mksquashfs writes 4.0 only; tests/fs/make_squashfs3.py writes the 3.x layout
python3 ../../tests/fs/make_squashfs3.py "$w/root" "$w/v3.sqfs"; seed squashfs "$w/v3.sqfs" tiny-v3-le.sqfs
python3 ../../tests/fs/make_squashfs3.py --be --lzma --check "$w/root" "$w/v3b.sqfs"; seed squashfs "$w/v3b.sqfs" tiny-v3-be-lzma-check.sqfs
mkfs.jffs2 -l -e 0x10000 -U -r "$w/root" -o "$w/le.jffs2"; seed jffs2 "$w/le.jffs2" tiny-le.jffs2
mkfs.jffs2 -b -e 0x10000 -U -r "$w/root" -o "$w/be.jffs2"; seed jffs2 "$w/be.jffs2" tiny-be.jffs2
(cd "$w/root" && find . | cpio -o -H newc 2>/dev/null) >"$w/root.cpio"; seed cpio "$w/root.cpio" tiny-newc.cpio
printf '/dts-v1/;\n/ { model = "seed"; compatible = "mediatek,mt7628an-soc"; };\n' | dtc -I dts -O dtb -o "$w/seed.dtb" -
seed dtb "$w/seed.dtb" seed.dtb
(cd "$w/root" && zip -q -r -y -X "$w/root.zip" .); seed zip "$w/root.zip" tiny.zip
(cd "$w/root" && zip -q -r -X - etc </dev/null | cat >"$w/desc.zip"); seed zip "$w/desc.zip" data-descriptors.zip
(cd "$w/root" && 7z a -bd -t7z "$w/root.7z" . >/dev/null); seed 7z "$w/root.7z" tiny.7z
(cd "$w/root" && 7z a -bd -t7z -mx=0 "$w/stored.7z" . >/dev/null); seed 7z "$w/stored.7z" stored.7z

# fuzz_view: 16-block NAND dumps of 512+16 pages laid out by tests/scan/nand_layout.py (a bad block,
# an NMBM table; a BMT v2 table written here), cut to what the harness places: block 0, then blocks 14-15.
L="python3 ../../tests/scan/nand_layout.py --page 512 --oob 16 --ppb 32 --blocks 16 --bad 3"
cat "$w/payload" "$w/payload" "$w/payload" >"$w/pay"
$L --table nmbm --remap 2:11 "$w/n.bin" "$w/n.want" 0:"$w/pay"
$L "$w/p.bin" "$w/p.want" 0:"$w/pay"
mkdir -p view
python3 - "$w" <<'PY'
import struct, sys
w = sys.argv[1]; RB = 528 * 32
cut = lambda d: bytes(d[:RB] + d[14 * RB:16 * RB])
open('view/nmbm.bin', 'wb').write(cut(open(w + '/n.bin', 'rb').read()))
d = bytearray(open(w + '/p.bin', 'rb').read())
open('view/plain-bad-block.bin', 'wb').write(cut(d))
tbl = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10] + [0xffff] * 6
page = (b'BMT\x02' + struct.pack('<16H', *tbl)).ljust(512, b'\xff')
d[15 * RB:15 * RB + 528] = page + b'\xffbmt' + b'\xff' * 12
open('view/bmt.bin', 'wb').write(cut(d))
PY
mkfs.cramfs "$w/root" "$w/le.cramfs" >/dev/null; seed cramfs "$w/le.cramfs" tiny-le.cramfs
mkfs.cramfs -N big "$w/root" "$w/be.cramfs" >/dev/null; seed cramfs "$w/be.cramfs" tiny-be.cramfs
genromfs -d "$w/root" -f "$w/root.romfs" -V seed; seed romfs "$w/root.romfs" tiny.romfs
# yaffs2: Debian has no generator; tests/fs/make_yaffs2.py writes the documented layout
python3 ../../tests/fs/make_yaffs2.py "$w/root" "$w/y.img"; seed yaffs2 "$w/y.img" tiny-2k64.yaffs2
python3 ../../tests/fs/make_yaffs2.py --inband --be --extra "$w/root" "$w/yb.img"; seed yaffs2 "$w/yb.img" tiny-inband-be-extra.yaffs2
fiptool create --soc-fw "$w/payload" --nt-fw "$w/p.lzma" "$w/a.fip"; seed fip "$w/a.fip" bl31-bl33.fip
fiptool create --align 64 --tb-fw "$w/payload" --nt-fw-config "$w/seed.dtb" "$w/b.fip"; seed fip "$w/b.fip" bl2-config-aligned.fip
mkimage -T mtk_image -a 0x201000 -e 0x201000 -n 'media=nor;arm64=1' -d "$w/payload" "$w/bl2-nor.img" >/dev/null; seed mtk-bl2 "$w/bl2-nor.img" bl2-nor-arm64.img
mkimage -T mtk_image -a 0x201000 -e 0x201000 -n 'media=snand;nandinfo=2k+64' -d "$w/payload" "$w/bl2-snand.img" >/dev/null; seed mtk-bl2 "$w/bl2-snand.img" bl2-snand-2k.img
python3 ../../tests/containers/make_seama_chk.py seama "$w/fw.seama" seed_signature "$w/uImage" "$w/root.sqfs"; seed seama "$w/fw.seama" seal-two-entities.seama
python3 ../../tests/containers/make_safeloader.py 'CPE510(TP-LINK|UN|N300-5):1.0' "$w/uImage" "$w/root.sqfs" "$w/sl.bin"; seed tplink-safeloader "$w/sl.bin" cpe510-factory.bin
python3 ../../tests/containers/make_xiaomi.py 0x12 "$w/xm.bin" "0x160000:4:kernel:$w/uImage" "::rootfs:$w/root.sqfs"; seed xiaomi "$w/xm.bin" r4cm-two-blobs.bin
python3 ../../tests/containers/make_sercomm.py DNI_SERCOMM_ID12 1.0 0x01020304 "$w/root.zip" "$w/sc.bin"; seed sercomm "$w/sc.bin" zip-uimage.bin
# arcadyan: an LZMA-alone stream obfuscated as binwalk's arcadyan signature documents
mkdir -p arcadyan && python3 - <<'PY'
import lzma, sys, random
r = random.Random(5)
data = b"Linux version 6.1.0 (seed) mips\n" * 20 + bytes(r.getrandbits(8) for _ in range(600))
p = bytearray(b"\x30\x05\x11\x20" + lzma.compress(data, format=lzma.FORMAT_ALONE))
ns = lambda b: ((b << 4) | (b >> 4)) & 0xFF
o = bytearray(p)
o[4:36] = p[0x68:0x88]
for j in range(32):
    o[0x68 + j] = ns(p[4 + (j ^ 1)])
open("arcadyan/payload.bin", "wb").write(o)
PY
python3 ../../tests/containers/make_seama_chk.py chk "$w/fw.chk" U12H072T00_NETGEAR "$w/uImage" "$w/root.sqfs"; seed netgear-chk "$w/fw.chk" kernel-rootfs.chk
printf 'int efi_main(void *a, void *b) { return a != b; }\n' >"$w/app.c" && gcc -c -O2 -fpic -fno-stack-protector -o "$w/app.o" "$w/app.c" &&
	ld -shared -Bsymbolic -nostdlib -e efi_main -o "$w/app.so" "$w/app.o" &&
	objcopy -j .text -j .dynamic -O pei-x86-64 --subsystem=10 "$w/app.so" "$w/app.efi" && seed pe "$w/app.efi" efi-app-x86-64.efi
# big-endian squashfs 4.0: the superblock of the xz seed swapped field by field (as tests/fs/test_squashfs_be.sh)
python3 -c 'import struct,sys; d=bytearray(open(sys.argv[1],"rb").read()); f=struct.unpack("<4sIIIIHHHHHHQQQQQQQQ",d[:96]); d[:96]=struct.pack(">4sIIIIHHHHHHQQQQQQQQ",b"sqsh",*f[1:]); open(sys.argv[2],"wb").write(d)' "$w/root.sqfs" "$w/be.sqfs"; seed squashfs "$w/be.sqfs" tiny-xz-be.sqfs
# old binary cpio (cpio -H bin) in both byte orders (the big-endian one by tests/fs/cpio_bin_swap.py), a v7 tar
(cd "$w/root" && find . | cpio -o -H bin 2>/dev/null) >"$w/bin.cpio"; seed cpio "$w/bin.cpio" tiny-bin-le.cpio
python3 ../../tests/fs/cpio_bin_swap.py "$w/bin.cpio" "$w/bin-be.cpio"; seed cpio "$w/bin-be.cpio" tiny-bin-be.cpio
tar --format=v7 -cf "$w/v7.tar" -C "$w/root" .; seed tar "$w/v7.tar" tiny-v7.tar
# UBI of 1 KiB PEBs (NOR, 1-byte writes) whose PEB 1 has a flipped bit in its EC header (CRC fails)
printf '[k]\nmode=ubi\nimage=%s\nvol_id=0\nvol_type=static\nvol_name=k\n' "$w/payload" >"$w/ubi.ini"
ubinize -Q 1 -o "$w/nor.ubi" -m 1 -p 1KiB "$w/ubi.ini" 2>/dev/null
python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[1024 + 8] ^= 1; open(sys.argv[2], "wb").write(d)' "$w/nor.ubi" "$w/bad-ec.ubi"
seed ubi "$w/bad-ec.ubi" nor-bad-ec-peb1.ubi
# fuzz_unpack: the first byte picks the unpacker (1 cpio, 2 tar, 5 ubi: fuzz/fuzz_unpack.c)
{ printf '\001'; cat cpio/tiny-bin-be.cpio; } >unpack/cpio-bin-be; { printf '\002'; cat tar/tiny-v7.tar; } >unpack/tar-v7
{ printf '\005'; cat ubi/nor-bad-ec-peb1.ubi; } >unpack/ubi-bad-ec
# squashfs 3.x LZMA blocks with props 0x6d and no size field (tests/fs/make_squashfs3.py --lzma-nosize)
python3 ../../tests/fs/make_squashfs3.py --be --lzma --lzma-props 0x6d --lzma-nosize "$w/root" "$w/v3n.sqfs"
seed squashfs "$w/v3n.sqfs" tiny-v3-be-lzma-6d-nosize.sqfs
# squashfs 2.1 (tests/fs/make_squashfs3.py --v2): zlib little-endian, LZMA without the size field big-endian
python3 ../../tests/fs/make_squashfs3.py --v2 "$w/root" "$w/v2.sqfs"; seed squashfs "$w/v2.sqfs" tiny-v2-le.sqfs
python3 ../../tests/fs/make_squashfs3.py --v2 --be --lzma --lzma-nosize "$w/root" "$w/v2b.sqfs"; seed squashfs "$w/v2b.sqfs" tiny-v2-be-lzma-nosize.sqfs
{ printf '\000'; cat squashfs/tiny-v2-be-lzma-nosize.sqfs; } >unpack/squashfs-v2-be-lzma
# big-endian squashfs 4.0 with every structure swapped (tests/fs/squashfs4_to_be.py of a -noI -noF image)
mksquashfs "$w/root" "$w/st.sqfs" -comp gzip -noI -noF -no-xattrs -noappend -all-root -quiet >/dev/null
python3 ../../tests/fs/squashfs4_to_be.py "$w/st.sqfs" "$w/be4.sqfs"; seed squashfs "$w/be4.sqfs" tiny-gzip-be-full.sqfs
{ printf '\000'; cat squashfs/tiny-gzip-be-full.sqfs; } >unpack/squashfs-4-be

# issue 12 round 5: damage the probes must name (hand damage after the real tools)
setsz() { python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[5:13] = int(sys.argv[2]).to_bytes(8, "little"); open(sys.argv[3], "wb").write(d)' "$@"; }
printf 'Hello\nWorld!\n' | xz --format=lzma -c >"$w/t.lzma"
setsz "$w/t.lzma" 13 "$w/k.lzma"; seed lzma "$w/k.lzma" known-size-eopm.lzma
setsz "$w/t.lzma" 14 "$w/kb.lzma"; seed lzma "$w/kb.lzma" known-size-too-big-eopm.lzma
seq 1 3000 | zstd -q -19 -c >"$w/s.zst"; head -c $(($(stat -c %s "$w/s.zst") / 2)) "$w/s.zst" >"$w/cut.zst"
seed zstd "$w/cut.zst" cut-first-block.zst
mkdir -p "$w/sp"; python3 -c 'import sys
f = open(sys.argv[1], "wb")
for i in range(6): f.seek(i * 4096); f.write(bytes([65 + i]) * 100)
f.truncate(6 * 4096 + 512)' "$w/sp/sparse"
tar --format=gnu -S --owner=0 --group=0 --mtime=@1700000000 -C "$w/sp" -cf "$w/sp.tar" sparse; seed tar "$w/sp.tar" gnu-sparse-ext.tar
printf 'seed\n' >"$w/sp/a"; (cd "$w/sp" && 7z a -bd -m0=Copy "$w/a.7z" a >/dev/null)
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[6:8] = b"00"; open(sys.argv[2], "wb").write(d)' "$w/a.7z" "$w/v.7z"
seed 7z "$w/v.7z" version-48.48.7z
