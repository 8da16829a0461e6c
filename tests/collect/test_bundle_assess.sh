#!/usr/bin/env bash
# Bundles written by collect (the native build) as the inputs of the batch modes, one device a
# bundle: assess --each / --jsonl over a directory of bundles and a plain log, each bundle's
# verdict the one `assess BUNDLE` gives, its --jsonl line valid against doc/schema/assess.json
# with the bundle's SHA-256 and evidence named BUNDLE:MEMBER; a damaged bundle reported in one
# line while the run goes on; scan --db storing each bundle as one image.
# Environment from tests/collect/meson.build: COLLECT (the native binary), MTDSCOPE.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/collect/collect_lib.sh"
need_tree jq sqlite3
need_schema
make_root "$T/root"
A=$TESTDATA/real-logs/asus-rt-n14u-mt7620n
mkdir -p "$T/in" "$T/r2/proc"
# device 1: the MT7628 tree with its dumps; device 2: only the Asus RT-N14U's kernel log (--no-dumps)
"$COLLECT" --root "$T/root" --klog "$KLOG" -q -o "$T/in/kingston.tar" 2>/dev/null
ok $? "collect: the first device's bundle"
"$COLLECT" --root "$T/r2" --klog "$A/dmesg.txt" --no-dumps -q -o "$T/in/asus.tar" 2>/dev/null
ok $? "collect: the second device's bundle (no dumps)"
cp "$TESTDATA/seeds/"000_*.txt "$T/in/pstr2.txt"

"$MTDSCOPE" assess --each --jobs 2 "$T/in" >"$T/each.txt" 2>"$T/err"
ok $? "assess --each over two bundles and a log: exit 0"
is "$(wc -l <"$T/each.txt")" 3 "one line a device"
for b in kingston asus; do
	want=$("$MTDSCOPE" assess --json "$T/in/$b.tar" 2>/dev/null | jq -r .verdict)
	like "$(grep "^$T/in/$b.tar: " "$T/each.txt")" "^$T/in/$b.tar: $want - " "$b.tar: the verdict assess BUNDLE gives ($want)"
done
like "$(grep "^$T/in/asus.tar: " "$T/each.txt")" "supported - supported: this is the Asus RT-N14U" \
	"the Asus bundle is recognised as the device in its kernel log"
like "$(grep "^$T/in/pstr2.txt: " "$T/each.txt")" "not-viable" "the plain log beside them is its own device"

"$MTDSCOPE" assess --jsonl --jobs 2 "$T/in" >"$T/each.jsonl" 2>/dev/null
ok $? "assess --jsonl: exit 0"
valid_lines assess "$T/each.jsonl" "every --jsonl line is valid against doc/schema/assess.json"
k=$(grep "\"$T/in/kingston.tar\"" "$T/each.jsonl")
is "$(jq -r .sha256 <<<"$k")" "$(sha256sum "$T/in/kingston.tar" | cut -d' ' -f1)" "the line's sha256 is the bundle's"
is "$(jq -r '.profile.soc.source.file' <<<"$k")" "$T/in/kingston.tar:proc/cpuinfo" "evidence named BUNDLE:MEMBER (the SoC from proc/cpuinfo)"
is "$(jq -r '.profile.flash_chip.value' <<<"$k")" W25Q128BV "the flash chip from the bundle's dmesg"
is "$(jq -r '[.. | objects | select(has("file")) | .file | select(test("^'"$T"'/in/kingston.tar:") | not)] | length' <<<"$k")" 0 \
	"every evidence line of that device comes from its own bundle"

# a damaged bundle among them: one line naming it and the offset, the others assessed, exit 1
cp "$T/in/kingston.tar" "$T/in/bad.tar"
off=$(($(stat -c %s "$T/in/bad.tar") / 2))
printf 'X' | dd of="$T/in/bad.tar" bs=1 seek=$off conv=notrunc 2>/dev/null
"$MTDSCOPE" assess --each --jobs 2 "$T/in" >"$T/each2.txt" 2>"$T/err2"
is "$?" 1 "a damaged bundle in the batch: exit 1"
like "$(cat "$T/err2")" "$T/in/bad.tar: offset 0x[0-9a-f]+: collect/mtd/mtd[0-9]ro: its SHA-256 is not the one SHA256SUMS gives \(damaged\)" \
	"one line naming the bundle, the offset and the member"
is "$(wc -l <"$T/each2.txt")" 3 "the other three are assessed"
"$MTDSCOPE" assess --jsonl "$T/in/bad.tar" >"$T/bad.jsonl" 2>/dev/null
like "$(jq -r .error "$T/bad.jsonl")" "collect/mtd/mtd[0-9]ro: its SHA-256 is not the one" "--jsonl: its line carries the error"
rm "$T/in/bad.tar"

# scan BUNDLE: the bundle's own checks first; a good one scans quietly, a damaged one is named and still scanned
"$MTDSCOPE" scan "$T/in/kingston.tar" >"$T/scan.txt" 2>"$T/scan.err"
ok $? "scan of a good bundle: exit 0"
is "$(cat "$T/scan.err")" "" "...nothing on standard error"
mkdir -p "$T/bad"
cp "$T/in/kingston.tar" "$T/bad/bad.tar"
printf 'X' | dd of="$T/bad/bad.tar" bs=1 seek=$(($(stat -c %s "$T/bad/bad.tar") / 2)) conv=notrunc 2>/dev/null
"$MTDSCOPE" scan "$T/bad/bad.tar" >"$T/scanb.txt" 2>"$T/scanb.err"
is "$?" 1 "scan of a damaged bundle: exit 1"
like "$(cat "$T/scanb.err")" "$T/bad/bad.tar: offset 0x[0-9a-f]+: collect/mtd/mtd[0-9]ro: its SHA-256 is not the one SHA256SUMS gives" \
	"...the member whose SHA-256 fails named with the offset"
is "$(grep -c squashfs "$T/scanb.txt")" "$(grep -c squashfs "$T/scan.txt")" "...and its bytes still scanned (the same squashfs found)"

# scan --db: each bundle one image (the tar and the dumps' components inside)
"$MTDSCOPE" scan --db "$T/r.sqlite" --jobs 2 "$T/in/kingston.tar" "$T/in/asus.tar" >/dev/null 2>&1
ok $? "scan --db over the bundles"
is "$(sqlite3 "$T/r.sqlite" "select count(*) from images where status = 'ok'")" 2 "two images"
is "$(sqlite3 "$T/r.sqlite" "select sha256 from images where path like '%kingston.tar'")" \
	"$(sha256sum "$T/in/kingston.tar" | cut -d' ' -f1)" "stored under the bundle's SHA-256"
like "$(sqlite3 "$T/r.sqlite" "select group_concat(type, ' ') from components c join images i on c.image = i.sha256 where i.path like '%kingston.tar' order by c.id")" \
	"tar.*uimage.*squashfs" "its components: the tar and the uImage and squashfs of its dumps"
done_testing
