#!/usr/bin/env bash
# zip (zip/unzip) and 7z (p7zip): exact extents found by mtdscope from the archives' own structure
# (zip: local headers, central directory, end record; 7z: signature header), entries listed and
# extracted with libarchive, compared with unzip -Z1 / unzip -t and 7z l -slt / 7z t / 7z x.
. "$SRCDIR/tests/lib.sh"
need zip unzip 7z jq

mkdir -p "$T/root/bin" "$T/root/etc/config" "$T/root/empty"
head -c 100000 /dev/urandom > "$T/root/bin/busybox"
seq 1 20000 > "$T/root/etc/config/network"
echo "#!/bin/sh" > "$T/root/etc/rc.local"
ln -s busybox "$T/root/bin/sh"
head -c 3000 /dev/urandom > "$T/junk"

first() { jq -c "[.components[] | select(.type == \"$2\" and .space == null)][0]" <<<"$1"; }
sorted() { sed 's|/$||' | LC_ALL=C sort | tr '\n' '|'; }
# the files, links and directories under a tree as "type path [sha]" lines
tree_view() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then echo "l $f $(readlink "$f")"
		elif [ -d "$f" ]; then echo "d $f"
		else echo "f $f $(sha256sum < "$f" | cut -d' ' -f1)"; fi
	done)
}

# ---- zip: deflated (seekable output), stored, streamed with data descriptors ----
(cd "$T/root" && zip -q -r -y "$T/a.zip" .)
(cd "$T/root" && zip -q -r -y -0 "$T/s.zip" .)
# (zip writes no symlinks to a pipe)
(cd "$T/root" && zip -q -r - etc bin/busybox < /dev/null | cat > "$T/d.zip")
(cd "$T/root" && zip -q -r -y -z "$T/c.zip" . <<<"an archive comment")
for k in a s d c; do
	z="$T/$k.zip"
	check "zip $k: unzip -t accepts it" unzip -tq "$z"
	size=$(stat -c %s "$z")
	cat "$T/junk" "$z" "$T/junk" > "$T/blob"
	j=$("$MTDSCOPE" scan --json "$T/blob")
	c=$(first "$j" zip)
	is "$(jq -r '"\(.offset) \(.size) \(.valid)"' <<<"$c")" "3000 $size true" "zip $k: between junk: exact extent, valid"
	want=$(unzip -Z1 "$z")
	is "$(jq -r .details.entries <<<"$c")" "$(wc -l <<<"$want")" "zip $k: entry count as unzip -Z1"
	is "$(jq -r '.details.names[]' <<<"$c" | sorted)" "$(sorted <<<"$want")" "zip $k: names as unzip -Z1"
done
is "$(zipinfo -v "$T/d.zip" | grep -c 'extended local header: *yes' | awk '{ print ($1 > 0) }')" 1 "zip to a pipe: data descriptors (flag bit 3)"

rm -rf "$T/ux" && mkdir "$T/ux" && (cd "$T/ux" && unzip -q "$T/a.zip")
"$MTDSCOPE" extract "$T/blob" -C "$T/zo" >/dev/null 2>&1
r=$(ls -d "$T"/zo/0x*-zip/root 2>/dev/null | head -1)
check "zip: extract unpacks the archive" test -n "$r"
is "$(tree_view "${r:-$T/none}")" "$(tree_view "$T/ux")" "zip: extracted tree = unzip's (files, symlinks, directories)"

# damage: a byte of the deflated busybox; unzip -t and extract both object
cp "$T/a.zip" "$T/bad.zip"
at=$(($(grep -abo 'bin/busybox' "$T/bad.zip" | head -1 | cut -d: -f1) + 11 + 5000))
printf '\x00\x55' | dd of="$T/bad.zip" bs=1 seek="$at" conv=notrunc status=none
unzip -tq "$T/bad.zip" >/dev/null 2>&1 && r=1 || r=0
ok "$r" "zip damaged: unzip -t fails"
"$MTDSCOPE" extract "$T/bad.zip" -C "$T/bo" >/dev/null 2>&1
like "$(jq -r '[.. | .reason? // empty] | join(";")' "$T/bo/manifest.json")" "busybox|unreadable|CRC|crc" \
	"zip damaged: extract names the damaged entry"
# cut short: no end record (unzip: "cannot find zipfile directory"); found from its local headers, clamped
n=$(stat -c %s "$T/a.zip")
files_of() { tree_view "$1" | grep '^f' | grep -v ' ./bin/sh '; } # (a symlink's mode is only in the central directory)
for cut in 10 200; do
	head -c $((n - cut)) "$T/a.zip" > "$T/cut.zip"
	unzip -l "$T/cut.zip" >/dev/null 2>&1 && r=1 || r=0
	ok "$r" "zip cut $cut bytes short: unzip cannot read it"
	c=$(first "$("$MTDSCOPE" scan --json "$T/cut.zip")" zip)
	is "$(jq -r '"\(.offset) \(.size) \(.valid)"' <<<"$c")" "0 $((n - cut)) false" "zip cut $cut bytes short: found, clamped, invalid"
	like "$(jq -r '.problems[0]' <<<"$c")" "truncated: no end of central directory" "zip cut $cut bytes short: says so"
	is "$(jq -r .details.local_headers <<<"$c")" "$(unzip -Z1 "$T/a.zip" | wc -l)" "zip cut $cut bytes short: every local header walked"
	rm -rf "$T/co"; "$MTDSCOPE" extract "$T/cut.zip" -C "$T/co" >/dev/null 2>&1
	r=$(ls -d "$T"/co/0x*-zip/root 2>/dev/null | head -1)
	is "$(files_of "${r:-$T/none}")" "$(files_of "$T/ux")" "zip cut $cut bytes short: extracted files = unzip's of the whole archive"
done
# streamed (data descriptors), the central directory and end record gone, junk after it
cdo=$(od -An -tu4 -j $(($(stat -c %s "$T/d.zip") - 6)) -N4 "$T/d.zip" | tr -d ' ')
{ cat "$T/junk"; head -c "$cdo" "$T/d.zip"; cat "$T/junk"; } > "$T/blob"
c=$(first "$("$MTDSCOPE" scan --json "$T/blob")" zip)
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.local_headers) \(.details.central_entries)"' <<<"$c")" \
	"3000 $cdo false $(unzip -Z1 "$T/d.zip" | wc -l) 0" "zip with data descriptors, no central directory: local headers walked, exact end"
like "$(jq -r '.problems[0]' <<<"$c")" "no end of central directory record" "zip with no central directory: says so"
# one local header alone (a "PK\3\4" in data): nothing
(cd "$T/root" && zip -q "$T/one.zip" bin/busybox)
{ cat "$T/junk"; head -c 300 "$T/one.zip"; cat "$T/junk"; } > "$T/blob"
is "$("$MTDSCOPE" scan --json "$T/blob" | jq '[.components[] | select(.type == "zip")] | length')" 0 \
	"one local header and no other zip structure: no zip component"

# ---- 7z ----
(cd "$T/root" && 7z a -bd -t7z "$T/a.7z" . >/dev/null)
(cd "$T/root" && 7z a -bd -t7z -mx=0 "$T/s.7z" . >/dev/null)
for k in a s; do
	z="$T/$k.7z"
	check "7z $k: 7z t accepts it" 7z t -bd "$z"
	size=$(stat -c %s "$z")
	cat "$T/junk" "$z" "$T/junk" > "$T/blob7"
	c=$(first "$("$MTDSCOPE" scan --json "$T/blob7")" 7z)
	is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.header_crc_ok)"' <<<"$c")" "3000 $size true true" \
		"7z $k: between junk: exact extent, valid, header CRC"
	want=$(7z l -slt "$z" | awk -F' = ' '/^----------/ { go = 1 } go && $1 == "Path" { print $2 }')
	is "$(jq -r .details.entries <<<"$c")" "$(wc -l <<<"$want")" "7z $k: entry count as 7z l -slt"
	is "$(jq -r '.details.names[]' <<<"$c" | sorted)" "$(sorted <<<"$want")" "7z $k: names as 7z l -slt"
done
rm -rf "$T/sx" && mkdir "$T/sx" && (cd "$T/sx" && 7z x -bd "$T/a.7z" >/dev/null)
"$MTDSCOPE" extract "$T/blob7" -C "$T/so" >/dev/null 2>&1
r=$(ls -d "$T"/so/0x*-7z/root 2>/dev/null | head -1)
check "7z: extract unpacks the archive" test -n "$r"
is "$(tree_view "${r:-$T/none}")" "$(tree_view "$T/sx")" "7z: extracted tree = 7z x's"
# damage in the header: its CRC (in the signature header) fails, as 7z t says
cp "$T/a.7z" "$T/bad.7z"
n=$(stat -c %s "$T/bad.7z")
printf '\x55' | dd of="$T/bad.7z" bs=1 seek=$((n - 3)) conv=notrunc status=none
7z t -bd "$T/bad.7z" >/dev/null 2>&1 && r=1 || r=0
ok "$r" "7z damaged header: 7z t fails"
c=$(first "$("$MTDSCOPE" scan --json "$T/bad.7z")" 7z)
is "$(jq -r '"\(.size) \(.valid) \(.details.header_crc_ok)"' <<<"$c")" "$n false false" "7z damaged header: exact extent, invalid, CRC named"
head -c $((n - 100)) "$T/a.7z" > "$T/cut.7z"
c=$(first "$("$MTDSCOPE" scan --json "$T/cut.7z")" 7z)
is "$(jq -r '"\(.size) \(.valid) \(.problems[0] | test("truncated"))"' <<<"$c")" "$((n - 100)) false true" "7z cut: clamped, truncated"

done_testing
