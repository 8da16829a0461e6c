#!/usr/bin/env bash
# cramfs (mkfs.cramfs from util-linux, both byte orders) and romfs (genromfs): exact extents, the
# CRC of cramfs against fsck.cramfs, the extracted trees against fsck.cramfs --extract and against the
# tree genromfs was given (Debian has no romfs reader).
. "$SRCDIR/tests/lib.sh"
need mkfs.cramfs fsck.cramfs genromfs jq

mkdir -p "$T/root/bin" "$T/root/etc/config" "$T/root/empty"
head -c 70000 /dev/urandom > "$T/root/bin/busybox"
chmod 755 "$T/root/bin/busybox"
seq 1 20000 > "$T/root/etc/config/network"
echo "#!/bin/sh" > "$T/root/etc/rc.local"
: > "$T/root/etc/empty-file"
ln -s busybox "$T/root/bin/sh"
head -c 3000 /dev/urandom > "$T/junk"

first() { jq -c "[.components[] | select(.type == \"$2\" and .space == null)][0]" <<<"$1"; }
tree_view() { # "type path [sha|target]" of every entry under a tree
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then echo "l $f $(readlink "$f")"
		elif [ -d "$f" ]; then echo "d $f"
		else echo "f $f $(sha256sum < "$f" | cut -d' ' -f1)"; fi
	done)
}

for e in little big; do
	img="$T/$e.cramfs"
	mkfs.cramfs -N "$e" "$T/root" "$img" >/dev/null
	check "cramfs $e: fsck.cramfs accepts it" fsck.cramfs "$img"
	size=$(stat -c %s "$img")
	# after junk and followed by erased flash, at a 4-byte aligned offset
	{ cat "$T/junk"; cat "$img"; head -c 8192 /dev/zero | tr '\0' '\377'; } > "$T/blob"
	c=$(first "$("$MTDSCOPE" scan --json "$T/blob")" cramfs)
	is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.endian) \(.details.crc_ok)"' <<<"$c")" "3000 $size true $e true" \
		"cramfs $e: exact extent, byte order, CRC"
	is "$(jq -r .details.files <<<"$c")" "$(od -An -tu4 -j44 -N4 --endian="$e" "$img" | tr -d ' ')" "cramfs $e: file count from the superblock"
	rm -rf "$T/fx" "$T/o"
	fsck.cramfs --extract="$T/fx" "$img" >/dev/null 2>&1
	"$MTDSCOPE" extract "$T/blob" -C "$T/o" >/dev/null 2>&1
	r=$(ls -d "$T"/o/0x*-cramfs/root 2>/dev/null | head -1)
	check "cramfs $e: extract unpacks it" test -n "$r"
	# (fsck.cramfs --extract leaves empty directories out: those are compared with the source tree)
	is "$(tree_view "${r:-$T/none}" | grep -v '^d')" "$(tree_view "$T/fx" | grep -v '^d')" \
		"cramfs $e: extracted files and symlinks = fsck.cramfs --extract"
	is "$(tree_view "${r:-$T/none}")" "$(tree_view "$T/root")" "cramfs $e: extracted tree = the tree mkfs.cramfs was given"
done

# damage: one byte of a compressed block; fsck.cramfs and scan both see the CRC fail
img="$T/little.cramfs"
cp "$img" "$T/bad.cramfs"
n=$(stat -c %s "$T/bad.cramfs")
printf '\x55' | dd of="$T/bad.cramfs" bs=1 seek=$((n / 2)) conv=notrunc status=none
fsck.cramfs "$T/bad.cramfs" >/dev/null 2>&1 && r=1 || r=0
ok "$r" "cramfs damaged: fsck.cramfs fails"
c=$(first "$("$MTDSCOPE" scan --json "$T/bad.cramfs")" cramfs)
is "$(jq -r '"\(.size) \(.valid) \(.details.crc_ok)"' <<<"$c")" "$n false false" "cramfs damaged: exact extent, CRC fails"
head -c $((n - 4096)) "$img" > "$T/cut.cramfs"
c=$(first "$("$MTDSCOPE" scan --json "$T/cut.cramfs")" cramfs)
is "$(jq -r '"\(.size) \(.valid) \(.problems[0] | test("truncated"))"' <<<"$c")" "$((n - 4096)) false true" "cramfs cut: clamped, truncated"
"$MTDSCOPE" extract "$T/cut.cramfs" -C "$T/co" >/dev/null 2>&1
check "cramfs cut: extract still writes a manifest" test -f "$T/co/manifest.json"

# ---- romfs ----
genromfs -d "$T/root" -f "$T/a.romfs" -V "test volume"
size=$(od -An -tu4 -j8 -N4 --endian=big "$T/a.romfs" | tr -d ' ')
{ cat "$T/junk"; head -c 96 /dev/zero; cat "$T/a.romfs"; } > "$T/blob"
c=$(first "$("$MTDSCOPE" scan --json "$T/blob")" romfs)
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.volume) \(.details.checksum_ok)"' <<<"$c")" \
	"3096 $size true test volume true" "romfs: exact extent (the superblock's full size), volume name, checksum"
"$MTDSCOPE" extract "$T/blob" -C "$T/ro" >/dev/null 2>&1
r=$(ls -d "$T"/ro/0x*-romfs/root 2>/dev/null | head -1)
check "romfs: extract unpacks it" test -n "$r"
is "$(tree_view "${r:-$T/none}")" "$(tree_view "$T/root")" "romfs: extracted tree = the tree genromfs was given"
cp "$T/a.romfs" "$T/bad.romfs"
printf '\x55' | dd of="$T/bad.romfs" bs=1 seek=20 conv=notrunc status=none
c=$(first "$("$MTDSCOPE" scan --json "$T/bad.romfs")" romfs)
is "$(jq -r '"\(.valid) \(.details.checksum_ok)"' <<<"$c")" "false false" "romfs, superblock damaged: checksum fails"

done_testing
