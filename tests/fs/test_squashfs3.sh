#!/usr/bin/env bash
# squashfs 3.x, both byte orders, zlib and the vendor LZMA variants (LZMA-alone blocks with props 0x5d,
# 0x6d or 0x02, or the properties without the size field: what sasquatch reads): Debian's mksquashfs 4.5 writes 4.0 only, so tests/fs/make_squashfs3.py writes 3.1
# images by the documented 3.x layout; Debian's unsquashfs 4.5 (which reads 3.x) checks the zlib ones
# (-s superblock, the extracted tree), and mtdscope's extraction is compared with it and with the tree.
. "$SRCDIR/tests/lib.sh"
need unsquashfs python3 jq sha256sum
GEN="$SRCDIR/tests/fs/make_squashfs3.py"

tree_view() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then echo "l $f $(readlink "$f")"
		elif [ -d "$f" ]; then echo "d $f"
		else echo "f $f $(sha256sum < "$f" | cut -d' ' -f1)"; fi
	done)
}
mkdir -p "$T/root/etc/config" "$T/root/bin" "$T/root/empty" "$T/root/www/a/b"
head -c 200000 /dev/urandom > "$T/root/bin/busybox"
seq 1 30000 > "$T/root/etc/config/network"
echo OpenWrt > "$T/root/etc/banner"
: > "$T/root/etc/empty-file"
for i in $(seq 1 40); do echo "page $i" > "$T/root/www/a/b/p$i.html"; done
ln -s busybox "$T/root/bin/sh"
ln -s ../etc/config/network "$T/root/bin/net"
head -c 3000 /dev/urandom > "$T/junk"
want=$(tree_view "$T/root")

n=0
for v in "" "--be" "--check" "--block 16384" "--lzma" "--be --lzma" "--be --lzma --check" \
	"--lzma --lzma-props 0x6d" "--be --lzma --lzma-props 0x02" "--lzma --lzma-nosize" "--be --lzma --lzma-props 0x6d --lzma-nosize"; do
	n=$((n + 1))
	img="$T/s$n.sq"
	# shellcheck disable=SC2086
	python3 "$GEN" $v "$T/root" "$img"
	endian=little; case "$v" in *--be*) endian=big ;; esac
	used=$(od -An -tu8 -j 63 -N8 --endian=$endian "$img" | tr -d ' ')
	case "$v" in
	*--lzma*) ;;
	*)
		like "$(unsquashfs -s "$img" 2>&1)" "valid $endian endian SQUASHFS 3:1 superblock" \
			"squashfs 3.1 ${v:-(le)}: unsquashfs -s reads the superblock"
		rm -rf "$T/u$n"; unsquashfs -d "$T/u$n" "$img" >/dev/null 2>&1
		is "$(tree_view "$T/u$n")" "$want" "squashfs 3.1 ${v:-(le)}: unsquashfs extracts the tree it was made from"
		;;
	esac
	{ cat "$T/junk"; cat "$img"; } > "$T/blob"
	c=$("$MTDSCOPE" scan --json "$T/blob" | jq -c '[.components[] | select(.type == "squashfs")][0]')
	is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.version) \(.details.endian)"' <<<"$c")" "3000 $used true 3.1 $endian" \
		"squashfs 3.1 ${v:-(le)}: exact extent (bytes_used), version, byte order"
	rm -rf "$T/o$n"; "$MTDSCOPE" extract "$T/blob" -C "$T/o$n" >/dev/null 2>&1
	r=$(ls -d "$T"/o$n/0x*-squashfs/root 2>/dev/null | head -1)
	is "$(tree_view "${r:-$T/none}")" "$want" "squashfs 3.1 ${v:-(le)}: extracted tree = the tree it was made from"
done

# damage: the first data block (zlib) of a file overwritten; the rest still extracted, the damage named
mkdir -p "$T/t2/etc"; seq 1 40000 > "$T/t2/etc/big"; echo small > "$T/t2/etc/small"
python3 "$GEN" "$T/t2" "$T/bad.sq"
printf 'JUNKJUNKJUNKJUNK' | dd of="$T/bad.sq" bs=1 seek=$((119 + 40)) conv=notrunc status=none
rm -rf "$T/ob"; "$MTDSCOPE" extract "$T/bad.sq" -C "$T/ob" >/dev/null 2>&1
like "$(jq -r '[.refused[]?.reason] | join(";")' "$T/ob/manifest.json")" "block 0 at 0x[0-9a-f]+ does not decode" "damaged data block: named"
r=$(ls -d "$T"/ob/0x*-squashfs/root 2>/dev/null | head -1)
is "$(cat "${r:-$T/none}/etc/small")" "small" "damaged data block: other files intact"
# cut short: superblock found, clamped; extraction does not crash and says what it could not read
head -c 100000 "$T/s1.sq" > "$T/cut.sq"
c=$("$MTDSCOPE" scan --json "$T/cut.sq" | jq -c '[.components[] | select(.type == "squashfs")][0]')
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "100000 false" "squashfs 3.1 cut: clamped, invalid"
check "squashfs 3.1 cut: extract finishes" "$MTDSCOPE" extract "$T/cut.sq" -C "$T/oc"

done_testing
