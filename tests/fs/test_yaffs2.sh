#!/usr/bin/env bash
# YAFFS2: Debian has no generator (unyaffs reads only), so images come from two places: a real
# mkyaffs2image output (binwalk's test input, tests/data/yaffs2/) and make_yaffs2.py, which writes the
# documented layout (2048+64 tags in the spare at 0 and at 2, 4096+128, 512+16, inband tags, big
# endian, the "extra header" tags, a rewritten file, a deleted one).  Compared with unyaffs where it
# reads the layout, else with the tree the image was made from.
. "$SRCDIR/tests/lib.sh"
need unyaffs jq python3 sha256sum
GEN="$SRCDIR/tests/fs/make_yaffs2.py"

tree_view() { # "type path [sha|target]" of every entry under a tree
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then echo "l $f $(readlink "$f")"
		elif [ -d "$f" ]; then echo "d $f"
		else echo "f $f $(sha256sum < "$f" | cut -d' ' -f1)"; fi
	done)
}
first() { "$MTDSCOPE" scan --json "$1" | jq -c "[.components[] | select(.type == \"yaffs2\" and .space == null)][0]"; }
root_of() { ls -d "$1"/0x*-yaffs2/root 2>/dev/null | head -1; }

# ---- the real mkyaffs2image image ----
img="$TESTDATA/yaffs2/mkyaffs2image-2k64.bin"
c=$(first "$img")
is "$(jq -r '"\(.offset) \(.valid) \(.details.page_size) \(.details.spare_size) \(.details.tags) \(.details.endian)"' <<<"$c")" \
	"0 true 2048 64 spare+0 little" "mkyaffs2image image: found at 0, geometry = unyaffs -d"
like "$(unyaffs -d "$img")" "chunk size =  2K, spare size =  64" "...unyaffs -d sees the same geometry"
is "$(jq -r .details.object_headers <<<"$c")" "$(unyaffs -t "$img" | wc -l)" "mkyaffs2image image: object headers = unyaffs -t entries"
is "$("$MTDSCOPE" scan --json "$img" | jq '[.components[] | select(.type != "yaffs2" and .type != "erased")] | length')" 0 \
	"mkyaffs2image image: nothing else found inside (no stream headers in its tags)"
mkdir -p "$T/uy" && (cd "$T/uy" && unyaffs "$img" >/dev/null)
"$MTDSCOPE" extract "$img" -C "$T/o0" >/dev/null 2>&1
is "$(tree_view "$(root_of "$T/o0")")" "$(tree_view "$T/uy")" "mkyaffs2image image: extracted tree = unyaffs"

# ---- images written by the documented layout ----
mkdir -p "$T/root/etc/config" "$T/root/bin" "$T/root/empty" "$T/root/deep/a/b/c"
head -c 70000 /dev/urandom > "$T/root/bin/busybox"
seq 1 3000 > "$T/root/etc/config/network"
printf 'x' > "$T/root/etc/one-byte"
: > "$T/root/etc/empty-file"
head -c 4096 /dev/urandom > "$T/root/deep/a/b/c/page"
ln -s busybox "$T/root/bin/sh"
ln -s ../etc/config/network "$T/root/bin/net-link"
ln "$T/root/bin/busybox" "$T/root/bin/hardlinked"
seq 1 500 > "$T/root/changed"
seq 501 1000 > "$T/root/gone"
head -c 3000 /dev/urandom > "$T/junk"
want=$(tree_view "$T/root")

n=0
for v in "2048 64 0" "2048 64 2" "4096 128 0" "512 16 0" "2048 0 inband" "2048 64 0 be" "2048 64 0 extra" "4096 0 inband be"; do
	set -- $v
	args=(--page "$1" --spare "$2")
	tags="spare+$3"
	case "$3" in inband) args+=(--inband); tags=inband ;; *) args+=(--tags-at "$3") ;; esac
	endian=little
	case "${4:-}" in be) args+=(--be); endian=big ;; extra) args+=(--extra) ;; esac
	n=$((n + 1))
	f="$T/y$n.img"
	python3 "$GEN" "${args[@]}" "$T/root" "$f"
	size=$(stat -c %s "$f")
	# after junk and followed by erased flash
	{ cat "$T/junk"; cat "$f"; head -c 70000 /dev/zero | tr '\0' '\377'; } > "$T/blob"
	c=$(first "$T/blob")
	is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.page_size) \(.details.spare_size) \(.details.tags) \(.details.endian)"' <<<"$c")" \
		"3000 $size true $1 $([ "$3" = inband ] && echo 0 || echo "$2") $tags $endian" "yaffs2 $v: exact extent and geometry"
	"$MTDSCOPE" extract "$T/blob" -C "$T/o$n" >/dev/null 2>&1
	is "$(tree_view "$(root_of "$T/o$n")")" "$want" "yaffs2 $v: extracted tree = the tree it was made from"
	if [ "$3" = 0 ] && [ -z "${4:-}" ] && [ "$1" -ge 1024 ]; then # what unyaffs reads: mkyaffs2image's layouts
		rm -rf "$T/u$n" && mkdir -p "$T/u$n" && (cd "$T/u$n" && unyaffs "$f" >/dev/null 2>&1)
		is "$(tree_view "$(root_of "$T/o$n")")" "$(tree_view "$T/u$n")" "yaffs2 $v: extracted tree = unyaffs"
	fi
done

# a rewritten file (newer sequence number, older copies still on the flash) and a deleted one
python3 "$GEN" --update changed --delete gone "$T/root" "$T/upd.img"
"$MTDSCOPE" extract "$T/upd.img" -C "$T/ou" >/dev/null 2>&1
r=$(root_of "$T/ou")
is "$(head -c 8 "$r/changed" 2>/dev/null)" "UPDATED!" "rewritten file: the newest chunk wins"
is "$(tail -c +9 "$r/changed" | sha256sum | cut -d' ' -f1)" "$(tail -c +9 "$T/root/changed" | sha256sum | cut -d' ' -f1)" \
	"rewritten file: the rest from the older chunks"
check "deleted file (moved to object 4): not extracted" test ! -e "$r/gone"
is "$(tree_view "$r" | grep -v -e ' ./changed ' -e ' ./gone ')" "$(tree_view "$T/root" | grep -v -e ' ./changed ' -e ' ./gone ')" \
	"rewritten/deleted: the rest of the tree intact"

# damage: one chunk's tags overwritten in the middle; the image cut short
f="$T/y1.img"; size=$(stat -c %s "$f")
cp "$f" "$T/bad.img"
printf 'JUNKJUNKJUNKJUNK' | dd of="$T/bad.img" bs=1 seek=$((2112 * 10 + 2048)) conv=notrunc status=none
c=$(first "$T/bad.img")
is "$(jq -r '"\(.size) \(.valid) \(.details.damaged_chunks)"' <<<"$c")" "$size false 1" "one damaged chunk: extent kept, invalid, counted"
like "$(jq -r '.problems[0]' <<<"$c")" "neither valid nor erased" "one damaged chunk: says so"
head -c $((size - 2112 * 3 - 100)) "$f" > "$T/cut.img"
c=$(first "$T/cut.img")
is "$(jq -r '.size' <<<"$c")" "$((size - 2112 * 4))" "image cut short: extent ends at the last whole chunk"
"$MTDSCOPE" extract "$T/cut.img" -C "$T/oc" >/dev/null 2>&1
check "image cut short: the files before the cut extracted" test -s "$(root_of "$T/oc")/bin/busybox"

# magic-like bytes without the tags: not yaffs2
{ head -c 3000 /dev/urandom; printf '\x01\x00\x00\x00\x01\x00\x00\x00\xff\xffname\x00'; head -c 9000 /dev/urandom; } > "$T/fake"
is "$("$MTDSCOPE" scan --json "$T/fake" | jq '[.components[] | select(.type == "yaffs2")] | length')" 0 \
	"object-header bytes with no valid tags after them: not yaffs2"

done_testing
