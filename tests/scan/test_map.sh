#!/usr/bin/env bash
# The readable map: gaps inside decoded streams collapse into one summary line per stream
# (counted and summed from scan --json, which keeps every gap); --all lists them; gaps of the
# flash itself stay.  On the bundled sample (sample/README.md) and on a gzip stream made by gzip.
. "$SRCDIR/tests/lib.sh"
need jq gzip

S="$BUILDDIR/sample/sample.bin"
[ -r "$S" ] || skip_all "no $S (run scripts/setup.sh, then ninja)"

"$MTDSCOPE" scan --json "$S" >"$T/s.json"; ok $? "scan --json exits 0"
"$MTDSCOPE" scan --color=never "$S" >"$T/s.txt"; ok $? "scan exits 0"
"$MTDSCOPE" scan --color=never --all "$S" >"$T/all.txt"; ok $? "scan --all exits 0"

GAPS='select(.type | IN("erased", "zero", "random", "unknown"))'
# gaps inside decoded streams (space is a component that is not a view of the flash)
ngap=$(jq "[.components[] | $GAPS | select(.space != null)] | length" "$T/s.json")
ok $([ "$ngap" -gt 50 ]; echo $?) "the sample's decoded kernel holds many gaps in JSON ($ngap)"
lines=$(wc -l <"$T/s.txt")
ok $([ "$lines" -le 40 ]; echo $?) "default text map fits a page ($lines lines)"
is "$(grep -c '^ *~0x.* \(erased\|zero\|random\|unknown\) ' "$T/s.txt")" 0 "no gap line inside a decoded stream by default"
is "$(grep -c '^ *~0x.* \(erased\|zero\|random\|unknown\) ' "$T/all.txt")" "$ngap" "--all lists every gap of the JSON"
top=$(jq "[.components[] | $GAPS | select(.space == null)] | length" "$T/s.json")
is "$(grep -c '^ *0x.* \(erased\|zero\|random\|unknown\) ' "$T/s.txt")" "$top" "gaps of the flash itself all shown"

# one summary per decoded space that has gaps, with the JSON's count and byte total
nspaces=$(jq "[.components[] | $GAPS | select(.space != null) | .space] | unique | length" "$T/s.json")
is "$(grep -c '^ *~ [0-9]* gaps\?, ' "$T/s.txt")" "$nspaces" "one summary line per decoded stream with gaps"
lz=$(jq '[.components[] | select(.type == "lzma")][0].id' "$T/s.json")
want=$(jq "[.components[] | $GAPS | select(.space == $lz)] | length" "$T/s.json")
like "$(grep -m1 '^ *~ [0-9]* gaps' "$T/s.txt")" "^ *~ $want gaps, " "the kernel's summary counts its $want gaps"
unk=$(jq "[.components[] | select(.space == $lz and .type == \"unknown\") | .size] | add" "$T/s.json")
# the text shows sizes rounded as mtdscope prints them; compare in KiB to one decimal
want_mib=$(awk -v b="$unk" 'BEGIN { printf "%.1f MiB", b / 1048576 }')
like "$(grep -m1 '^ *~ [0-9]* gaps' "$T/s.txt")" "unknown $want_mib" "the summary sums the unknown bytes ($want_mib)"
# every non-gap line of --all is in the default map too, in the same order
grep -v '^ *~ [0-9]* gap' "$T/s.txt" >"$T/s.kept"
grep -v '^ *~0x.* \(erased\|zero\|random\|unknown\) ' "$T/all.txt" >"$T/all.kept"
check "the default map is --all minus the collapsed gaps" cmp "$T/s.kept" "$T/all.kept"

# a gzip stream of text with a zero run inside: one summary line, --all shows the run
{ seq 1 3000; head -c 8192 /dev/zero; seq 1 3000; } >"$T/plain"
gzip -9n <"$T/plain" >"$T/g.gz"
"$MTDSCOPE" scan --json "$T/g.gz" >"$T/g.json"
n=$(jq "[.components[] | $GAPS | select(.space != null)] | length" "$T/g.json")
is "$(jq '[.components[] | select(.type == "zero" and .space != null) | .size] | add' "$T/g.json")" 8192 "gzip: the zero run is in the JSON"
out=$("$MTDSCOPE" scan --color=never "$T/g.gz")
like "$out" "~ $n gaps?, .*zero 8 KiB" "gzip: one summary line naming the zero run"
like "$("$MTDSCOPE" scan --color=never --all "$T/g.gz")" "~0x00003645 0x00002000 +8 KiB +zero" "gzip: --all shows the run at its decoded offset"
like "$("$MTDSCOPE" scan --help)" "--all" "--help documents --all"
done_testing
