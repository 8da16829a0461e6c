#!/usr/bin/env bash
# squashfs 4.0 with LZMA blocks (compression id 2) and the LZMA properties vendors use besides the
# default 0x5d (lc=3 lp=0 pb=2): 0x6d (lc=1 lp=2 pb=2, OpenWrt-era MIPS kernels), 0x02, 0x04, 0x66.
# Fixtures: mksquashfs -comp lzma and squashfs-tools-ng's gensquashfs -c lzma -X lc=,lp=,pb= (which
# writes those properties into every block's LZMA-alone header); unsquashfs checks each image and
# mtdscope's scan (extent, validity) and extraction (the tree) are compared with it.
. "$SRCDIR/tests/lib.sh"
need mksquashfs gensquashfs unsquashfs jq sha256sum

tree_view() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then echo "l $f $(readlink "$f")"
		elif [ -d "$f" ]; then echo "d $f $(stat -c %a "$f")"
		else echo "f $f $(stat -c %a "$f") $(sha256sum < "$f" | cut -d' ' -f1)"; fi
	done)
}
mkdir -p "$T/root/etc/config" "$T/root/bin" "$T/root/www"
head -c 300000 /dev/urandom > "$T/root/bin/busybox"
seq 1 60000 > "$T/root/etc/config/network"
echo OpenWrt > "$T/root/etc/banner"
for i in $(seq 1 30); do echo "page $i" > "$T/root/www/p$i.html"; done
ln -s busybox "$T/root/bin/sh"
want=$(tree_view "$T/root")

# props byte (pb * 5 + lp) * 9 + lc, as the block headers carry it
n=0
for v in "mksquashfs" "5d 3 0 2" "6d 1 2 2" "02 2 0 0" "04 4 0 0" "66 3 1 2"; do
	n=$((n + 1))
	img="$T/s$n.sq"
	if [ "$v" = mksquashfs ]; then
		mksquashfs "$T/root" "$img" -comp lzma -noappend -quiet >/dev/null
		name="mksquashfs -comp lzma"; props=5d
	else
		set -- $v
		props=$1
		gensquashfs -c lzma -X "lc=$2,lp=$3,pb=$4" -D "$T/root" -f -q "$img" >/dev/null 2>&1
		name="gensquashfs lc=$2 lp=$3 pb=$4"
	fi
	# the first compressed metadata block: 2-byte header, then the LZMA-alone header opening with the props
	ino=$(od -An -tu8 -j 64 -N8 "$img" | tr -d ' ')
	is "$(od -An -tx1 -j $((ino + 2)) -N1 "$img" | tr -d ' ')" "$props" "$name: the inode table's LZMA header has props 0x$props"
	used=$(unsquashfs -s "$img" | sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p')
	rm -rf "$T/u$n"; unsquashfs -d "$T/u$n" "$img" >/dev/null 2>&1
	is "$(tree_view "$T/u$n")" "$want" "$name: unsquashfs extracts the tree"
	{ head -c 5000 /dev/urandom; cat "$img"; } > "$T/blob"
	c=$("$MTDSCOPE" scan --json "$T/blob" | jq -c '[.components[] | select(.type == "squashfs")][0]')
	is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.compression)"' <<<"$c")" "5000 $used true lzma" \
		"$name: scan: offset, bytes_used (unsquashfs -s), valid, lzma"
	rm -rf "$T/o$n"; "$MTDSCOPE" extract "$T/blob" -C "$T/o$n" >/dev/null 2>&1
	r=$(ls -d "$T"/o$n/0x*-squashfs/root 2>/dev/null | head -1)
	is "$(tree_view "${r:-$T/none}")" "$(tree_view "$T/u$n")" "$name: extracted tree = unsquashfs's"
done
done_testing
