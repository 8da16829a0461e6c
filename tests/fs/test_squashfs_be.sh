#!/usr/bin/env bash
# Big-endian squashfs 4.0: Debian's mksquashfs writes little-endian only, so the test swaps the
# 96-byte superblock of a real mksquashfs image field by field (layout: squashfs-tools
# squashfs_fs.h struct squashfs_super_block) and expects the same fields and extent, big-endian.
# Extraction: tests/fs/squashfs4_to_be.py swaps every structure of mksquashfs images made with stored
# metadata (-noI -noF; gzip, xz and lzma data blocks unchanged), and the big-endian image must extract
# to the tree unsquashfs extracts from the little-endian one (files, hard links, long directories
# with their index, symlinks; devices and fifos as the manifest records them for both).
. "$SRCDIR/tests/lib.sh"
need mksquashfs unsquashfs python3 jq

mkdir -p "$T/root/etc" && seq 1 5000 > "$T/root/etc/seq" && echo OpenWrt > "$T/root/etc/banner"
mksquashfs "$T/root" "$T/le.sqfs" -comp xz -b 65536 -noappend -all-root -quiet >/dev/null
python3 - "$T/le.sqfs" "$T/be.sqfs" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
f = struct.unpack('<4sIIIIHHHHHHQQQQQQQQ', d[:96])
d[:96] = struct.pack('>4sIIIIHHHHHHQQQQQQQQ', b'sqsh', *f[1:])
open(sys.argv[2], 'wb').write(d)
PY
head -c 3000 /dev/urandom > "$T/junk"
cat "$T/junk" "$T/be.sqfs" > "$T/blob"
c=$("$MTDSCOPE" scan --json "$T/blob" | jq -c '[.components[] | select(.type == "squashfs")][0]')
used=$(unsquashfs -s "$T/le.sqfs" | sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p')
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.version) \(.details.endian)"' <<<"$c")" "3000 $used true 4.0 big" \
	"big-endian squashfs 4.0: exact extent (bytes_used as unsquashfs -s says of the original), version, byte order"
is "$(jq -r '"\(.details.compression) \(.details.block_size) \(.details.inodes)"' <<<"$c")" \
	"xz 65536 $(unsquashfs -s "$T/le.sqfs" | sed -n 's/^Number of inodes \([0-9]*\)$/\1/p')" \
	"big-endian squashfs 4.0: compression, block size, inodes"
like "$(jq -r .details.note <<<"$c")" "big-endian" "big-endian squashfs 4.0: says it is big-endian"
head -c 2000 "$T/be.sqfs" > "$T/cut"
c=$("$MTDSCOPE" scan --json "$T/cut" | jq -c '[.components[] | select(.type == "squashfs")][0]')
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "2000 false" "big-endian squashfs 4.0 cut: clamped, invalid"


need sha256sum
tree_view() {
	(cd "$1" && find . | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then echo "l $f $(readlink "$f")"
		elif [ -d "$f" ]; then echo "d $f $(stat -c '%a %Y' "$f")"
		elif [ -f "$f" ]; then echo "f $f $(stat -c '%a %Y %h' "$f") $(sha256sum < "$f" | cut -d' ' -f1)"; fi
	done)
}
specials() { jq -r '.outputs[] | select(.kind == "chardev" or .kind == "blockdev" or .kind == "fifo") | "\(.kind) \(.path | sub("^[^/]*/"; "")) \(.mode) \(.target)"' "$1" | LC_ALL=C sort; }
mkdir -p "$T/t/etc/sub" "$T/t/bin" "$T/t/www" "$T/t/dev"
head -c 300000 /dev/urandom > "$T/t/bin/busybox"
seq 1 40000 > "$T/t/etc/numbers"
ln "$T/t/etc/numbers" "$T/t/etc/numbers.hard"
ln -s busybox "$T/t/bin/sh"
for i in $(seq 1 700); do echo "page $i" > "$T/t/www/a-long-file-name-for-page-number-$i.html"; done
chmod 0700 "$T/t/etc/sub"
mknod "$T/t/dev/ttyS0" c 4 64 && mknod "$T/t/dev/mtdblock0" b 31 0 && mknod "$T/t/dev/big-minor" c 300 70000
mkfifo "$T/t/dev/initctl"
for comp in gzip xz lzma; do
	mksquashfs "$T/t" "$T/le.sq" -comp $comp -noI -noF -no-xattrs -noappend -quiet >/dev/null
	python3 "$SRCDIR/tests/fs/squashfs4_to_be.py" "$T/le.sq" "$T/be.sq"
	is "$(head -c 4 "$T/be.sq")" sqsh "$comp: the converted image opens with sqsh"
	rm -rf "$T/ul" "$T/ob" "$T/ol"
	unsquashfs -d "$T/ul" "$T/le.sq" >/dev/null 2>&1
	"$MTDSCOPE" extract "$T/be.sq" -C "$T/ob" >/dev/null 2>&1
	"$MTDSCOPE" extract "$T/le.sq" -C "$T/ol" >/dev/null 2>&1
	is "$(jq '.refused | length' "$T/ob/manifest.json")" 0 "$comp: big-endian extraction refuses nothing"
	is "$(tree_view "$T/ob/0x00000000-squashfs/root")" "$(tree_view "$T/ul")" \
		"$comp: big-endian extraction = unsquashfs of the little-endian image (contents, modes, mtimes, links)"
	is "$(specials "$T/ob/manifest.json")" "$(specials "$T/ol/manifest.json")" "$comp: devices and fifos as the little-endian extraction records them"
	like "$(specials "$T/ob/manifest.json")" "chardev root/dev/big-minor [0-9]+ 300:70000" "$comp: a device minor above 255"
done
done_testing
