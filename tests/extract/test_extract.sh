#!/usr/bin/env bash
# extract: trees equal to the reference tools' on images they made, and
# hostile archives contained with the reason printed.
. "$SRCDIR/tests/lib.sh"
need mksquashfs unsquashfs cpio tar python3 jq

# listing of a tree: path, type, permission bits, symlink target, content hash
tree_listing() {
	(cd "$1" && find . -mindepth 1 \( -type f -o -type d -o -type l \) -printf '%P %y %m %l\n' | LC_ALL=C sort)
	(cd "$1" && find . -type f -printf '%P\n' | LC_ALL=C sort | while read -r f; do printf '%s %s\n' "$f" "$(sha256sum < "$f" | cut -c1-64)"; done)
}

# a root filesystem like a router's
R="$T/rootfs"
mkdir -p "$R/bin" "$R/etc/config" "$R/usr/lib" "$R/tmp" "$R/www/cgi-bin" "$R/empty"
printf 'DISTRIB_ID=OpenWrt\nDISTRIB_RELEASE=23.05.3\n' > "$R/etc/openwrt_release"
printf 'config interface lan\n' > "$R/etc/config/network"
head -c 300000 /dev/urandom > "$R/usr/lib/libbig.so"
printf '#!/bin/sh\necho hi\n' > "$R/www/cgi-bin/luci"; chmod 755 "$R/www/cgi-bin/luci"
chmod 1777 "$R/tmp"; chmod 700 "$R/etc/config"
cp /bin/true "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
ln -s /tmp/resolv.conf "$R/etc/resolv.conf"      # absolute target: kept, never followed
ln -s ../../etc/openwrt_release "$R/usr/lib/rel" # relative target going up: kept as is
ln "$R/bin/busybox" "$R/bin/hardlinked"
touch -d '2023-05-01 12:00:00' "$R/etc/openwrt_release"

# ---- squashfs vs unsquashfs
mksquashfs "$R" "$T/root.sqfs" -comp xz -noappend -quiet >/dev/null 2>&1
"$MTDSCOPE" extract "$T/root.sqfs" -C "$T/x1" 2>"$T/err1"
ok $? "extract squashfs"
unsquashfs -q -n -d "$T/ref1" "$T/root.sqfs" >/dev/null 2>&1
ours=$(ls -d "$T"/x1/0x*-squashfs/root 2>/dev/null | head -1)
check "squashfs unpacked into root/" test -d "$ours"
is "$(tree_listing "$ours")" "$(tree_listing "$T/ref1")" "squashfs tree equals unsquashfs (names, types, modes, targets, contents)"
is "$(readlink "$ours/etc/resolv.conf")" "/tmp/resolv.conf" "absolute symlink kept as it was"
is "$(stat -c %Y "$ours/etc/openwrt_release")" "$(stat -c %Y "$T/ref1/etc/openwrt_release")" "mtime kept"
is "$(stat -c %i "$ours/bin/busybox")" "$(stat -c %i "$ours/bin/hardlinked")" "hard link kept as a hard link"
m="$T/x1/manifest.json"
check "manifest is JSON" jq -e . "$m"
is "$(jq -r '.outputs[] | select(.path|endswith("etc/openwrt_release")) | .sha256' "$m")" \
   "$(sha256sum < "$R/etc/openwrt_release" | cut -c1-64)" "manifest SHA-256 of a file"
is "$(jq -r '[.outputs[] | select(.kind=="carve")] | length' "$m")" \
   "$("$MTDSCOPE" scan --json "$T/root.sqfs" | jq '[.components[] | select(.type!="erased" and .type!="zero")] | length')" \
   "one carve per non-uniform component of the scan"
carve=$(jq -r '.outputs[] | select(.kind=="carve" and (.path|test("squashfs/carve.bin$"))) | .path' "$m" | head -1)
used=$(unsquashfs -s "$T/root.sqfs" | sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p')
is "$(stat -c %s "$T/x1/$carve")" "$used" "squashfs carve is bytes_used long, as unsquashfs -s says (padding excluded)"
is "$(sha256sum < "$T/x1/$carve" | cut -c1-64)" "$(head -c "$used" "$T/root.sqfs" | sha256sum | cut -c1-64)" "squashfs carve equals the image's bytes"

# ---- UBI + UBIFS end to end: volumes as images, the UBIFS tree once, from the scan's ubifs component
if command -v mkfs.ubifs >/dev/null && command -v ubinize >/dev/null; then
	mkfs.ubifs -q -x lzo -m 2048 -e 126976 -c 200 -r "$R" -o "$T/r.ubifs"
	printf '[rootfs]\nmode=ubi\nimage=%s\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\nvol_flags=autoresize\n' "$T/r.ubifs" > "$T/u.ini"
	ubinize -o "$T/r.ubi" -m 2048 -p 128KiB -s 2048 "$T/u.ini" >/dev/null 2>&1
	"$MTDSCOPE" extract "$T/r.ubi" -C "$T/x7" 2>/dev/null
	ok $? "extract UBI"
	trees=$(find "$T/x7" -path '*ubifs/root/etc/openwrt_release' | wc -l)
	is "$trees" 1 "the UBIFS tree is written once"
	ours=$(ls -d "$T"/x7/0x*-ubi/0x*-ubifs/root 2>/dev/null | head -1)
	# mkfs.ubifs keeps hard links as hard links and the listing compares contents: equal trees
	is "$(tree_listing "$ours")" "$(tree_listing "$R")" "UBIFS in UBI equals the directory given to mkfs.ubifs"
	check "volume image named from the volume table" test -f "$T"/x7/0x00000000-ubi/root/rootfs.img
fi

# ---- an existing non-empty directory is never mixed with new output
"$MTDSCOPE" extract "$T/root.sqfs" -C "$T/x1" >/dev/null 2>"$T/err"
is "$?" 1 "non-empty output directory refused"
like "$(cat "$T/err")" "not empty" "refusal says why"

# ---- --list writes nothing
"$MTDSCOPE" extract --list "$T/root.sqfs" > "$T/list"
like "$(cat "$T/list")" "root/etc/openwrt_release" "--list names the files"
check "--list created nothing" test ! -e "$T/list-dir"

# ---- cpio (newc) vs cpio -t and cpio -i
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$T/root.cpio"
"$MTDSCOPE" extract "$T/root.cpio" -C "$T/x2" 2>/dev/null
ok $? "extract cpio"
mkdir "$T/ref2"; (cd "$T/ref2" && cpio -idm --quiet < "$T/root.cpio")
ours=$(ls -d "$T"/x2/0x*-cpio/root 2>/dev/null | head -1)
is "$(tree_listing "$ours")" "$(tree_listing "$T/ref2")" "cpio tree equals cpio -idm"
is "$(cd "$ours" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort)" \
   "$(cpio -t --quiet < "$T/root.cpio" | grep -v '^\.$' | LC_ALL=C sort)" "cpio names equal cpio -t"

# ---- tar vs tar -t and tar -x
tar -C "$R" -cf "$T/root.tar" .
"$MTDSCOPE" extract "$T/root.tar" -C "$T/x3" 2>/dev/null
ok $? "extract tar"
mkdir "$T/ref3"; tar -C "$T/ref3" -xpf "$T/root.tar"
ours=$(ls -d "$T"/x3/0x*-tar/root 2>/dev/null | head -1)
is "$(tree_listing "$ours")" "$(tree_listing "$T/ref3")" "tar tree equals tar -x"

# ---- hostile archives (python's tarfile writes headers no well-behaved tool would)
mkdir -p "$T/outside"
python3 - "$T" <<'PY'
import io, sys, tarfile
t = sys.argv[1]
def add(tf, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    for k, v in kw.items(): setattr(ti, k, v)
    ti.size = len(data) if ti.type == tarfile.REGTYPE else 0
    tf.addfile(ti, io.BytesIO(data) if data else None)
with tarfile.open(t + "/evil.tar", "w", format=tarfile.GNU_FORMAT) as tf:
    add(tf, "../escape.txt", b"dotdot\n")
    add(tf, "/abs.txt", b"absolute\n")
    add(tf, "link", type=tarfile.SYMTYPE, linkname=t + "/outside")
    add(tf, "link/planted.txt", b"through the symlink\n")
    add(tf, "passwd", type=tarfile.LNKTYPE, linkname="/etc/passwd")
    add(tf, "up", type=tarfile.LNKTYPE, linkname="../../../etc/passwd")
    add(tf, "dev/console", type=tarfile.CHRTYPE, devmajor=5, devminor=1)
    add(tf, "ok.txt", b"fine\n")
PY
mkdir "$T/x4"
"$MTDSCOPE" extract "$T/evil.tar" -C "$T/x4/out" 2>"$T/err4"
check "nothing written next to the output dir" test ! -e "$T/x4/escape.txt"
check "nothing written at the absolute path" test ! -e /abs.txt
check "nothing planted through the symlink" test ! -e "$T/outside/planted.txt"
ours=$(ls -d "$T"/x4/out/0x*-tar/root 2>/dev/null | head -1)
is "$(cat "$ours/ok.txt" 2>/dev/null)" "fine" "good entries still extracted"
is "$(readlink "$ours/link")" "$T/outside" "the symlink itself is kept"
check "hard link to /etc/passwd not created" test ! -e "$ours/passwd"
check "device node not created" test ! -e "$ours/dev/console"
m="$T/x4/out/manifest.json"
is "$(jq -r '.outputs[] | select(.path|endswith("dev/console")) | .kind + " " + .target' "$m")" "chardev 5:1" "device recorded in the manifest"
reasons=$(jq -r '.refused[] | .path + ": " + .reason' "$m")
like "$reasons" "\.\./escape.txt: '\.\.' in path refused" "'..' refused with reason"
like "$reasons" "/abs.txt: absolute path refused" "absolute name refused with reason"
like "$reasons" "planted.txt: path goes through a symlink" "write through symlink refused with reason"
like "$reasons" "passwd: absolute path refused" "hard link to /etc/passwd refused"
like "$(cat "$T/err4")" "refused" "refusals reported on stderr"

# ---- a squashfs whose directory refers back to its parent (no tool makes one: patch mksquashfs output
# built with uncompressed metadata so the directory entry can be found and rewritten)
mkdir -p "$T/loop/a/b" && echo inside > "$T/loop/a/b/f" && echo top > "$T/loop/top"
mksquashfs "$T/loop" "$T/loop.sqfs" -noI -noD -noF -noX -noappend -quiet >/dev/null
python3 - "$T/loop.sqfs" <<'PY'
import struct, sys
p = sys.argv[1]; d = bytearray(open(p, 'rb').read())
dirs = struct.unpack_from('<Q', d, 72)[0]
n = struct.unpack_from('<H', d, dirs)[0] & 0x7fff
blk, i, ent = d[dirs + 2:dirs + 2 + n], 0, {}
while i + 12 <= len(blk):
    count, start, ino = struct.unpack_from('<IIi', blk, i); i += 12
    for _ in range(count + 1):
        off, delta, typ, size = struct.unpack_from('<HhHH', blk, i)
        ent[bytes(blk[i + 8:i + 9 + size])] = (dirs + 2 + i, off, ino + delta)
        i += 9 + size
b_at, _, b_ino = ent[b'b']; _, a_off, a_ino = ent[b'a']
struct.pack_into('<Hh', d, b_at, a_off, a_ino - (b_ino - struct.unpack_from('<h', d, b_at + 2)[0]))
open(p, 'wb').write(d)
PY
timeout 60 "$MTDSCOPE" extract "$T/loop.sqfs" -C "$T/x8" 2>"$T/err8"
ok $? "squashfs with a directory loop: extraction finishes"
like "$(jq -r '.refused[] | .path + ": " + .reason' "$T/x8/manifest.json")" "a/b: directory loop" "the loop is named and not followed"
is "$(cat "$T"/x8/0x*-squashfs/root/top 2>/dev/null)" "top" "the rest of that squashfs is extracted"

# ---- a 367-byte gzip whose content is a zstd frame of 10 GiB of zeros (RLE blocks: hand-made,
# since making it with zstd means compressing 10 GiB): stops at the expansion limit with the reason
python3 - "$T/bomb.gz" <<'PY'
import gzip, struct, sys
blocks = (10 << 30) // (128 << 10)
f = bytearray(b'\x28\xb5\x2f\xfd\x00\x38')
rle = struct.pack('<I', 2 | ((128 << 10) << 3))[:3] + b'\0'
f += rle * (blocks - 1) + struct.pack('<I', 3 | ((128 << 10) << 3))[:3] + b'\0'
open(sys.argv[1], 'wb').write(gzip.compress(bytes(f), 9))
PY
start=$(date +%s)
"$MTDSCOPE" extract "$T/bomb.gz" -C "$T/x9" 2>"$T/err9"
is "$?" 1 "bomb: extraction reports the limit as a failure"
like "$(cat "$T/err9")" "expansion ratio limit 250 reached \(raise with --max-ratio\)" "bomb: the reason and the option are printed"
total=$(du -sb "$T/x9" | cut -f1)
check "bomb: output stays bounded (under 100 MB)" test "$total" -lt 100000000
check "bomb: stops within 30 s" test $(( $(date +%s) - start )) -lt 30

# ---- limits: file count and bytes stop with a reason, keeping what was written
"$MTDSCOPE" extract --max-files 5 "$T/root.tar" -C "$T/x5" 2>"$T/err5"
is "$?" 1 "file limit reported as failure"
like "$(cat "$T/err5")" "file count limit 5 reached" "file limit reason printed"
check "manifest still written" jq -e '.limit|test("file count")' "$T/x5/manifest.json"
"$MTDSCOPE" extract --max-bytes 100000 "$T/root.sqfs" -C "$T/x6" 2>"$T/err6"
like "$(cat "$T/err6")" "output size limit 100000 bytes reached" "byte limit reason printed"
total=$(find "$T/x6" -type f ! -name manifest.json -printf '%s\n' | awk '{s+=$1} END {print s+0}')
check "no more than the byte limit written" test "$total" -le 100000

# ---- runs as an ordinary user
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	mkdir "$T/user"; chmod 777 "$T/user"; chmod 755 "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MTDSCOPE" extract "$T/root.sqfs" -C "$T/user/out" 2>/dev/null
	ok $? "extract as nobody"
fi
done_testing
