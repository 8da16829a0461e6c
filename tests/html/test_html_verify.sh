#!/usr/bin/env bash
# verify --html in headless chromium: a backup made by 'mtdscope split' of the sample, whole and
# then with Factory missing and the kernel truncated; the verdict, a row a partition, every problem.
. "$SRCDIR/tests/lib.sh"
need python3
. "$SRCDIR/tests/html/lib_html.sh"
M=$MTDSCOPE
S="$BUILDDIR/sample/sample.bin"
L="$SRCDIR/sample/layout.txt"
[ -s "$S" ] || { echo "not ok 1 - the sample $S was not built"; echo 1..1; exit 1; }
sorted() { python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))'; }
"$M" split --layout "$L" -C "$T/bk" "$S" >/dev/null
check "split made the backup" test -s "$T/bk/factory.bin"
rm -f "$T/bk/manifest.sha256"

"$M" verify --layout "$L" --html "$T/ok.html" "$T/bk" >/dev/null
ok $? "a whole backup: verify --html exits 0"
dom "$T/ok.html" "$T/ok.dom"
like "$(python3 "$CHK" text "$T/ok.dom")" "backup complete and consistent" "the page says complete and consistent"

rm "$T/bk/factory.bin"
head -c 100000 "$T/bk/kernel.bin" >"$T/k" && mv "$T/k" "$T/bk/kernel.bin"
"$M" verify --layout "$L" --json "$T/bk" >"$T/bad.json"
"$M" verify --layout "$L" --html "$T/bad.html" "$T/bk" >"$T/bad.txt"
is "$?" 1 "a broken backup: exit 1"
like "$(tail -1 "$T/bad.txt")" "INCOMPLETE" "the text output is still printed"
shot "$T/bad.html" "$T/bad.png"
nonblank "$T/bad.png" "verify"
dom "$T/bad.html" "$T/bad.dom"
is "$(python3 "$CHK" json "$T/bad.dom" verify-json)" "$(sorted <"$T/bad.json")" "the page's JSON is the verify --json document"
python3 "$CHK" text "$T/bad.dom" >"$T/bad.text"
is "$(grep -A1 -x 'Backup check' "$T/bad.text" | sed -n 2p)" "backup INCOMPLETE: see the problems" "the verdict comes first"
miss=
while IFS= read -r s; do grep -qF -- "$s" "$T/bad.text" || miss+="$s; "; done < <(jq -r '.problems[], .partitions[].name' "$T/bad.json")
is "$miss" "" "every problem and partition of verify --json is in the DOM"
is "$(grep -o 'class="part"' "$T/bad.dom" | wc -l)" "$(jq '.partitions | length' "$T/bad.json")" "one row a partition"
row=$(grep -o '<tr id="v-p[0-9]*" class="part"><td class="n">[0-9]*</td><td><a href="#m-p[0-9]*">factory</a></td><td class="mono"><strong>MISSING</strong>' "$T/bad.dom")
like "$row" "MISSING" "factory is marked MISSING"
"$M" verify --layout "$L" --html "$T/bk/u-boot.bin" "$T/bk" >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "refusing to write over it" "--html onto a file of the backup is refused"
done_testing
