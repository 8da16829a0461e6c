#!/usr/bin/env bash
# Fuzz seeds for the filesystem and partition-table probes, made by the real tools plus the damaged
# and hostile variants no tool makes.  Run by hand; the files are committed under
# fuzz/corpus/<format>/ and replayed by the fuzz suite and by tests/fs/test_hostile.sh.
#   bash tests/fs/make-fs-seeds.sh
set -euo pipefail
cd "$(dirname "$0")/../../fuzz/corpus"
export SOURCE_DATE_EPOCH=1700000000 LC_ALL=C
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
seed() { mkdir -p "$1"; cp "$2" "$1/$3"; }
# patch FILE OFFSET BYTES...: overwrite bytes (octal escapes)
patch() { local f=$1 at=$2; shift 2; printf "$*" | dd of="$f" bs=1 seek="$at" conv=notrunc status=none; }

mkdir -p "$w/root/etc" "$w/root/bin"
printf 'OpenWrt\n' >"$w/root/etc/hostname"
seq 1 200 >"$w/root/etc/numbers"
ln -s hostname "$w/root/etc/link"

# squashfs: every compressor, cut, damaged metadata, absurd bytes_used
for c in lzo lz4 zstd; do
	mksquashfs "$w/root" "$w/s.sqfs" -comp $c -noappend -all-root -quiet >/dev/null
	seed squashfs "$w/s.sqfs" tiny-$c.sqfs
done
mksquashfs "$w/root" "$w/s.sqfs" -comp xz -noappend -all-root -quiet >/dev/null
head -c 200 "$w/s.sqfs" >"$w/cut.sqfs"; seed squashfs "$w/cut.sqfs" cut-200.sqfs
cp "$w/s.sqfs" "$w/bad.sqfs"
it=$(od -An -t u8 -j 64 -N 8 "$w/s.sqfs" | tr -d ' ')
patch "$w/bad.sqfs" "$it" '\252\252\252\252\252\252\252\252'; seed squashfs "$w/bad.sqfs" bad-inode-table.sqfs
cp "$w/s.sqfs" "$w/huge.sqfs"; patch "$w/huge.sqfs" 40 '\377\377\377\377\377\377\377\177'; seed squashfs "$w/huge.sqfs" huge-bytes-used.sqfs
cp "$w/s.sqfs" "$w/root.sqfs"; patch "$w/root.sqfs" 32 '\377\377\377\377\0\0'; seed squashfs "$w/root.sqfs" bad-root-ref.sqfs

# jffs2: one node's CRCs broken, padded, cut
mkfs.jffs2 -l -e 0x10000 -U -r "$w/root" -o "$w/j.jffs2"
cp "$w/j.jffs2" "$w/bh.jffs2"; patch "$w/bh.jffs2" $((12 + 8)) '\0\0'; seed jffs2 "$w/bh.jffs2" bad-hdr-crc.jffs2
cp "$w/j.jffs2" "$w/bd.jffs2"; patch "$w/bd.jffs2" "$(grep -abo OpenWrt "$w/j.jffs2" | head -1 | cut -d: -f1)" 'X'; seed jffs2 "$w/bd.jffs2" bad-data-crc.jffs2
head -c 100 "$w/j.jffs2" >"$w/cut.jffs2"; seed jffs2 "$w/cut.jffs2" cut.jffs2
mkfs.jffs2 -b -e 0x1000 -p 0x3000 -U -r "$w/root" -o "$w/p.jffs2"; seed jffs2 "$w/p.jffs2" padded-be.jffs2

# ubi and ubifs: smallest geometry the tools accept
mkfs.ubifs -m 512 -e 15872 -c 32 -r "$w/root" -o "$w/u.ubifs"
head -c $((15872 * 2)) "$w/u.ubifs" >"$w/sb.ubifs"; seed ubifs "$w/sb.ubifs" sb-master.ubifs
cp "$w/sb.ubifs" "$w/badsb.ubifs"; patch "$w/badsb.ubifs" 200 '\377'; seed ubifs "$w/badsb.ubifs" bad-sb-crc.ubifs
cp "$w/sb.ubifs" "$w/badcnt.ubifs"; patch "$w/badcnt.ubifs" 40 '\377\377\377\177'; seed ubifs "$w/badcnt.ubifs" huge-leb-count.ubifs
head -c 20 /dev/zero >"$w/v"
printf '[v]\nmode=ubi\nimage=%s\nvol_id=0\nvol_type=dynamic\nvol_name=data\n[s]\nmode=ubi\nimage=%s\nvol_id=1\nvol_type=static\nvol_name=kernel\n' "$w/v" "$w/v" >"$w/u.ini"
ubinize -o "$w/u.ubi" -m 512 -p 16KiB -s 512 "$w/u.ini" >/dev/null 2>&1
seed ubi "$w/u.ubi" tiny.ubi
cp "$w/u.ubi" "$w/bv.ubi"; patch "$w/bv.ubi" $((2 * 16384 + 512 + 9)) '\177'; seed ubi "$w/bv.ubi" bad-vid-crc.ubi
cp "$w/u.ubi" "$w/bt.ubi"; patch "$w/bt.ubi" $((1024 + 3)) '\377'; patch "$w/bt.ubi" $((16384 + 1024 + 3)) '\377'; seed ubi "$w/bt.ubi" bad-vtbl.ubi

# cpio: crc and odc, a huge namesize, a huge filesize
(cd "$w/root" && find . | sort | cpio -o -H crc 2>/dev/null) >"$w/c.cpio"; seed cpio "$w/c.cpio" tiny-crc.cpio
(cd "$w/root" && find . | sort | cpio -o -H odc 2>/dev/null) >"$w/o.cpio"; seed cpio "$w/o.cpio" tiny-odc.cpio
cp "$w/c.cpio" "$w/hn.cpio"; patch "$w/hn.cpio" 94 'FFFFFFFF'; seed cpio "$w/hn.cpio" huge-namesize.cpio
cp "$w/c.cpio" "$w/hf.cpio"; patch "$w/hf.cpio" 54 'FFFFFFF0'; seed cpio "$w/hf.cpio" huge-filesize.cpio

# tar: 512-byte records, gnu long names, pax, a broken checksum, a base-256 size
mkdir -p "$w/root/a-directory-name-long-enough-to-need-a-gnu-long-name-record-in-any-ustar-header-at-all/x"
: >"$w/root/a-directory-name-long-enough-to-need-a-gnu-long-name-record-in-any-ustar-header-at-all/x/y"
tar --format=gnu -b 1 -cf "$w/g.tar" -C "$w/root" .; seed tar "$w/g.tar" gnu.tar
tar --format=pax -b 1 -cf "$w/p.tar" -C "$w/root" .; seed tar "$w/p.tar" pax.tar
cp "$w/g.tar" "$w/bc.tar"; patch "$w/bc.tar" $((512 + 150)) '9'; seed tar "$w/bc.tar" bad-checksum.tar
cp "$w/g.tar" "$w/b256.tar"; patch "$w/b256.tar" 124 '\200\377\377\377\377\377\377\377\377\377\377\377'; seed tar "$w/b256.tar" base256-size.tar

# ext4: superblock region of a real image (the rest is not needed by the probe)
mke2fs -q -F -t ext4 -L seed "$w/e.img" 1M >/dev/null 2>&1
head -c 8192 "$w/e.img" >"$w/e.head"; seed ext4 "$w/e.head" ext4-head.img
cp "$w/e.head" "$w/ec.head"; patch "$w/ec.head" $((1024 + 4)) '\377\377\377\377'; seed ext4 "$w/ec.head" huge-blocks.img

# gpt and mbr: table sectors of real images
truncate -s 2M "$w/g.img"
sgdisk -o -n 1:2048:+100K -c 1:boot -n 2:0:0 -c 2:rootfs "$w/g.img" >/dev/null
head -c $((34 * 512)) "$w/g.img" >"$w/g.head"; seed gpt "$w/g.head" gpt-head.img
cp "$w/g.head" "$w/gh.head"; patch "$w/gh.head" $((512 + 80)) '\377\377\377\377'; seed gpt "$w/gh.head" huge-entry-count.img
truncate -s 1M "$w/m.img"
printf 'label: dos\nstart=8, size=16, type=83\nstart=24, size=40, type=5\nstart=28, size=8, type=83\nstart=40, size=8, type=82\n' | sfdisk -q "$w/m.img" >/dev/null
head -c $((64 * 512)) "$w/m.img" >"$w/m.head"; seed mbr "$w/m.head" mbr-logical.img
echo "seeds written"
