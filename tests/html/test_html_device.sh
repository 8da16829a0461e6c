#!/usr/bin/env bash
# assess --html and report --html in headless chromium: the verdict first, every reason with its
# evidence (file:line), the install steps, the closest devices and the profile; a device whose logs
# carry markup (model, command line, partition names) stays text.
. "$SRCDIR/tests/lib.sh"
need python3
. "$SRCDIR/tests/html/lib_html.sh"
M=$MTDSCOPE
D="$TESTDATA/real-logs/asiarf-ap7621-004-v3-mt7621"
[ -d "$D" ] || { echo "not ok 1 - $D is missing"; echo 1..1; exit 1; }
logs=("$D"/*.txt)
sorted() { python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))'; }

"$M" assess --json "${logs[@]}" >"$T/a.json"
"$M" assess --html "$T/a.html" "${logs[@]}" >"$T/a.txt"
ok $? "assess --html exits 0"
like "$(head -1 "$T/a.txt")" "^(SUPPORTED|POSSIBLE PORT|NOT VIABLE|UNKNOWN)" "the text verdict is still printed"
shot "$T/a.html" "$T/a.png"
nonblank "$T/a.png" "assess"
dom "$T/a.html" "$T/a.dom"
is "$(python3 "$CHK" json "$T/a.dom" assess-json)" "$(sorted <"$T/a.json")" "the page's JSON is the assess --json document"
python3 "$CHK" text "$T/a.dom" >"$T/a.text"
verdict=$(jq -r '.verdict' "$T/a.json" | tr a-z- A-Z' ')
is "$(grep -A1 -x 'Can OpenWrt run on it?' "$T/a.text" | sed -n 2p)" "$(case $verdict in PORT) echo "POSSIBLE PORT" ;; *) echo "$verdict" ;; esac)" \
	"the verdict comes first, after the title"
miss=
while IFS= read -r s; do grep -qF -- "$s" "$T/a.text" || miss+="$s; "; done < <(
	jq -r '.assessment.reasons[] | select(.topic != "twin" or ((.evidence // []) | length) > 0) | .text' "$T/a.json"
	jq -r '.assessment.install.steps[]?' "$T/a.json"
	jq -r '.assessment.closest_devices[]? | .model' "$T/a.json")
is "$miss" "" "every reason, install step and closest device is in the DOM"
like "$(jq '.assessment.install.steps | length' "$T/a.json")" '^[1-9]' "(this device has an install path)"
# evidence as file:line: every line of the text output's evidence
miss=
while read -r loc; do grep -qF -- "$loc" "$T/a.text" || miss+="$loc "; done < <(
	"$M" assess --color=never "${logs[@]}" | grep -oE '^ +[A-Za-z0-9_.-]+\.txt:[0-9]+' | tr -d ' ' | sort -u)
is "$miss" "" "every evidence file:line of the text output is in the DOM"
python3 "$CHK" tags "$T/a.dom" >"$T/a.tags"
is "$(jq '.tags.script' "$T/a.tags")" 1 "assess: one script element (the JSON)"

"$M" report --json "${logs[@]}" >"$T/r.json"
"$M" report --html "$T/r.html" "${logs[@]}" >/dev/null
ok $? "report --html exits 0"
dom "$T/r.html" "$T/r.dom"
is "$(python3 "$CHK" json "$T/r.dom" report-json)" "$(sorted <"$T/r.json")" "the page's JSON is the report --json document"
python3 "$CHK" text "$T/r.dom" >"$T/r.text"
miss=
for label in $("$M" report --color=never "${logs[@]}" | grep -oE '^[A-Z][A-Za-z-]+' | sort -u); do
	grep -qx -- "$label" "$T/r.text" || miss+="$label "
done
is "$miss" "" "every row of the text profile is a row of the page"
like "$(grep -c 'class="prof"' "$T/r.dom")" '^[1-9]' "profile rows present"

# ---- hostile logs ----
mkdir "$T/h"
cat >"$T/h/dmesg.txt" <<'LOG'
[    0.000000] Linux version 5.4.0 (<script>alert(1)</script>@host) (gcc version 8.4.0) #0 SMP
[    0.000000] SoC Type: MediaTek MT7621 ver:1 eco:3
[    0.000000] Machine model: <img src=x onerror=alert(1)>
[    0.000000] Kernel command line: console=ttyS0,115200 </script><b>bold</b>
LOG
cat >"$T/h/mtd.txt" <<'LOG'
dev:    size   erasesize  name
mtd0: 00030000 00010000 "<script>alert(2)</script>"
mtd1: 00010000 00010000 "<img src=y onerror=alert(3)>"
mtd2: 00fc0000 00010000 "firmware"
LOG
"$M" assess --html "$T/h.html" "$T/h" >/dev/null
ok $? "hostile logs: assess --html exits 0"
dom "$T/h.html" "$T/h.dom"
python3 "$CHK" tags "$T/h.dom" >"$T/h.tags"
is "$(jq '.tags.script' "$T/h.tags")" 1 "hostile: one script element"
is "$(jq '(.tags.img // 0) + (.tags.b // 0)' "$T/h.tags")" 0 "hostile: no img or b element"
is "$(jq '[.attrs | keys[] | select(startswith("on"))] | length' "$T/h.tags")" 0 "hostile: no event handler attribute"
python3 "$CHK" text "$T/h.dom" >"$T/h.text"
for s in '<img src=x onerror=alert(1)>' '<script>alert(2)</script>'; do
	grep -qF -- "$s" "$T/h.text"
	ok $? "hostile: '$s' is shown as text"
done
is "$(python3 "$CHK" json "$T/h.dom" assess-json | jq -r '.profile | tostring | contains("<img src=x onerror=alert(1)>")')" true \
	"hostile: the page's JSON keeps the model exactly"
"$M" report --html "$T/h/dmesg.txt" "$T/h" >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "refusing to write over it" "report --html onto an input is refused"
done_testing
