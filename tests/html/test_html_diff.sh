#!/usr/bin/env bash
# diff --html in headless chromium: the sample against a copy with one MAC byte of Factory and one
# kernel byte changed (partition by partition: unit data vs firmware marked), and against itself.
. "$SRCDIR/tests/lib.sh"
need python3
. "$SRCDIR/tests/html/lib_html.sh"
M=$MTDSCOPE
S="$BUILDDIR/sample/sample.bin"
L="$SRCDIR/sample/layout.txt"
[ -s "$S" ] || { echo "not ok 1 - the sample $S was not built"; echo 1..1; exit 1; }
cp "$S" "$T/b.bin"
python3 - "$T/b.bin" <<'PY'
import sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
d[0x60004] ^= 0x01   # wifi0 MAC, Factory: unit data
d[0x300000] ^= 0xff  # inside the kernel uImage: firmware
open(p, 'wb').write(d)
PY
"$M" diff --layout "$L" --json "$S" "$T/b.bin" >"$T/d.json"
"$M" diff --layout "$L" --html "$T/d.html" "$S" "$T/b.bin" >"$T/d.txt"
is "$?" 1 "diff --html: exit 1, the dumps differ"
like "$(cat "$T/d.txt")" "factory +unit-data" "the text output is still printed"
shot "$T/d.html" "$T/d.png"
nonblank "$T/d.png" "diff"
dom "$T/d.html" "$T/d.dom"
is "$(python3 "$CHK" json "$T/d.dom" diff-json)" "$(python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))' <"$T/d.json")" \
	"the page's JSON is the diff --json document"
python3 "$CHK" text "$T/d.dom" >"$T/d.text"
n=$(jq '.partitions | length' "$T/d.json")
is "$(grep -o 'class="part"' "$T/d.dom" | wc -l)" "$n" "one row a partition ($n)"
# each row: the partition's name and its kind as the badge word
while IFS=$'\t' read -r name kind; do
	want=$(case $kind in same) echo SAME ;; unit-data) echo "UNIT DATA" ;; firmware) echo FIRMWARE ;; erased) echo ERASED ;; esac)
	row=$(python3 - "$T/d.dom" "$name" <<'PY'
import sys, re
dom = open(sys.argv[1]).read()
for tr in re.findall(r'<tr id="d-p\d+" class="part">(.*?)</tr>', dom, re.S):
    text = re.sub(r'<[^>]+>', '|', tr)
    cells = [c for c in text.split('|') if c.strip()]
    if cells and cells[0] == sys.argv[2]:
        print(' '.join(cells))
PY
)
	like "$row" "$want" "partition $name: marked $want"
done < <(jq -r '.partitions[] | [.name, .diff] | @tsv' "$T/d.json")
is "$(grep -c 'id="mA-p' "$T/d.dom")" "$(grep -c 'id="mB-p' "$T/d.dom")" "both sides drawn"
like "$(grep -o 'The dumps differ[^<]*' "$T/d.dom")" "2 partitions in firmware, 1 only in unit data" "the verdict counts firmware and unit data"
"$M" diff --layout "$L" --html "$T/same.html" "$S" "$S" >/dev/null
is "$?" 0 "a dump against itself: exit 0"
dom "$T/same.html" "$T/same.dom"
like "$(python3 "$CHK" text "$T/same.dom")" "The dumps are identical" "and the page says identical"
"$M" diff --html "$S" "$S" "$T/b.bin" >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "refusing to write over it" "--html onto an input is refused"
cmp -s "$S" "$BUILDDIR/sample/sample.bin"
ok $? "the input is untouched"
done_testing
