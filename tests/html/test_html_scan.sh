#!/usr/bin/env bash
# scan --html in a real browser: Debian's chromium renders the report of the sample, of a damaged
# copy of it (a uImage header bit flipped, Factory erased) and of an image whose uImage names and
# U-Boot environment values are hostile markup (made with mkimage -n and mkenvimage); the screenshot
# is not blank, the DOM holds every partition and problem of scan --json, the embedded JSON is the
# --json document, and no element or attribute came from the names.
. "$SRCDIR/tests/lib.sh"
need mkimage mkenvimage python3
. "$SRCDIR/tests/html/lib_html.sh"
M=$MTDSCOPE
S="$BUILDDIR/sample/sample.bin"
[ -s "$S" ] || { echo "not ok 1 - the sample $S was not built"; echo 1..1; exit 1; }

report() { # report NAME IMAGE: scan --json and --html, screenshot, DOM, the checks common to every report
	local n=$1 img=$2
	"$M" scan --json "$img" >"$T/$n.json"
	"$M" scan --html "$T/$n.html" "$img" >/dev/null
	ok $? "$n: scan --html exits 0"
	! grep -Eiq '(src|href)="?(https?:)?//' "$T/$n.html"
	ok $? "$n: nothing in the page is fetched from anywhere"
	shot "$T/$n.html" "$T/$n.png"
	check "$n: chromium screenshot" test -s "$T/$n.png"
	nonblank "$T/$n.png" "$n"
	dom "$T/$n.html" "$T/$n.dom"
	check "$n: chromium --dump-dom" test -s "$T/$n.dom"
	covers "$T/$n.dom" "$T/$n.json" "$n"
	is "$(python3 "$CHK" json "$T/$n.dom" scan-json)" "$(jq -S -c . "$T/$n.json" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')" \
		"$n: the page's JSON is the scan --json document"
	python3 "$CHK" tags "$T/$n.dom" >"$T/$n.tags"
	is "$(jq '.tags.script' "$T/$n.tags")" 2 "$n: two script elements (the JSON blocks), no other"
	is "$(jq '[.attrs | keys[] | select(startswith("on"))] | length' "$T/$n.tags")" 0 "$n: no event handler attribute"
	is "$(jq '.tags.img // 0' "$T/$n.tags")" 0 "$n: no img element"
}

# ---- the sample ----
report sample "$S"
python3 "$CHK" text "$T/sample.dom" >"$T/sample.text"
is "$(grep -c . "$T/sample.text" | awk '$1 > 100 {print "many"}')" many "sample: the page has text"
n_parts=$(jq '.partitions | length' "$T/sample.json")
is "$(grep -o 'class="part"' "$T/sample.dom" | wc -l)" "$n_parts" "sample: one table row a partition ($n_parts)"
is "$(grep -o 'id="m-p[0-9]*"' "$T/sample.dom" | sort -u | wc -l)" "$n_parts" "sample: every partition drawn on the map"
for id in $(jq '.components[] | select(.space == null or .space == -1) | select(.size * 1000 / '"$(jq .size "$T/sample.json")"' >= 2) | .id' "$T/sample.json"); do
	grep -q "id=\"m-c$id\"" "$T/sample.dom" || echo "$id"
done >"$T/missing"
is "$(cat "$T/missing")" "" "sample: every component of 0.2% of the flash or more has its own place on the map"
is "$(python3 "$CHK" json "$T/sample.dom" entropy-json | jq '.block_size, (.columns | length)' | tr '\n' ' ')" "4096 1000 " \
	"sample: entropy of 4 KiB blocks in 1000 columns"
"$M" scan --html "$T/e.html" --entropy-block 64K "$S" >/dev/null
is "$(python3 "$CHK" json "$T/e.html" entropy-json | jq '.block_size, (.columns | length)' | tr '\n' ' ')" "65536 128 " \
	"--entropy-block 64K: 128 columns"
# erased blocks are 0 bits, the squashfs (xz) near 8
is "$(python3 "$CHK" json "$T/e.html" entropy-json | jq '[.columns[127][2] < 0.01, .columns[86][0] > 7.5] | all')" true \
	"entropy: erased end at 0, compressed squashfs near 8"

# prints: the print stylesheet gives chromium's PDF of the page
chrome --no-pdf-header-footer --print-to-pdf="$T/sample.pdf" "file://$T/sample.html" >/dev/null
like "$(head -c 5 "$T/sample.pdf" 2>/dev/null)" '^%PDF-' "sample: chromium prints the page to PDF"
grep -q '@media print' "$T/sample.html"
ok $? "sample: the page has a print stylesheet"

# ---- a damaged copy: a uImage header bit flipped, Factory erased ----
cp "$S" "$T/bad.bin"
python3 - "$T/bad.bin" <<'PY'
import sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
d[0x70000 + 40] ^= 0x04                      # a bit of the kernel uImage's name: its header CRC fails
d[0x60000:0x70000] = b'\xff' * 0x10000       # Factory erased
open(p, 'wb').write(d)
PY
report damaged "$T/bad.bin"
is "$(jq '[.components[] | select(.type == "uimage" and .valid == false)] | length' "$T/damaged.json")" 1 \
	"damaged: scan --json has the invalid uImage"
like "$(grep -o 'badge s-error">ERROR' "$T/damaged.dom" | wc -l)" '^[1-9]' "damaged: findings carry ERROR badges"
uid=$(jq '[.components[] | select(.type == "uimage" and .valid == false)][0].id' "$T/damaged.json")
grep -q "<a href=\"#m-c$uid\">uimage at 0x70000</a>" "$T/damaged.dom"
ok $? "damaged: the uImage's finding links to its place on the map"
grep -q "id=\"m-c$uid\"" "$T/damaged.dom"
ok $? "damaged: that place exists"

# ---- hostile names ----
head -c 70000 /dev/urandom >"$T/pay"
names=('<script>alert(1)</script>' '<img src=x onerror=alert(1)>' '</script><b>bold</b><!--')
i=0
for n in "${names[@]}"; do
	mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "$n" -d "$T/pay" "$T/h$i.img" >/dev/null
	i=$((i + 1))
done
printf 'bootcmd=<script>alert(2)</script>\nbootargs=<img src=y onerror=alert(3)> </script>\nipaddr=1.2.3.4\n' >"$T/env.txt"
mkenvimage -s 0x1000 -o "$T/env.bin" "$T/env.txt"
# a FIT (mkimage -f, dtc) whose descriptions are markup
head -c 5000 /dev/urandom >"$T/k.bin"
cat >"$T/f.its" <<ITS
/dts-v1/;
/ {
	description = "<script>alert(5)</script>";
	#address-cells = <1>;
	images {
		kernel-1 {
			description = "<img src=z onerror=alert(6)>";
			data = /incbin/("$T/k.bin");
			type = "kernel"; arch = "mips"; os = "linux"; compression = "none";
			load = <0x80000000>; entry = <0x80000000>;
			hash-1 { algo = "crc32"; };
		};
	};
	configurations {
		default = "conf-1";
		conf-1 { description = "</script><b>fit</b>"; kernel = "kernel-1"; };
	};
};
ITS
fit=
if command -v dtc >/dev/null && mkimage -f "$T/f.its" "$T/f.itb" >/dev/null 2>&1; then fit=1; fi
ff() { head -c "$1" /dev/zero | tr '\0' '\377'; }
{ cat "$T/env.bin"; ff $((0x10000 - 0x1000)); for i in 0 1 2; do cat "$T/h$i.img"; ff $((0x20000 - $(stat -c %s "$T/h$i.img"))); done
  [ -z "$fit" ] || { cat "$T/f.itb"; ff $((0x20000 - $(stat -c %s "$T/f.itb"))); }; } >"$T/hostile.bin"
report hostile "$T/hostile.bin"
is "$(jq -r '[.components[] | select(.type == "uimage") | .details.name] | join("|")' "$T/hostile.json")" "$(IFS='|'; echo "${names[*]}")" \
	"hostile: scan --json has the three names as they are"
is "$(python3 "$CHK" json "$T/hostile.dom" scan-json | jq -r '[.components[] | select(.type == "uimage") | .details.name] | join("|")')" \
	"$(IFS='|'; echo "${names[*]}")" "hostile: the page's JSON holds them exactly ('</script>' did not end the block)"
is "$(jq '.tags.b // 0' "$T/hostile.tags")" 0 "hostile: no b element"
python3 "$CHK" text "$T/hostile.dom" >"$T/hostile.text"
if [ -n "$fit" ]; then
	is "$(jq -r '[.components[] | select(.type == "fit" or .type == "fit-image") | .details.description] | join("|")' "$T/hostile.json")" \
		'<script>alert(5)</script>|<img src=z onerror=alert(6)>' "hostile: scan --json has the FIT descriptions"
	fitnames=('<script>alert(5)</script>' '<img src=z onerror=alert(6)>' '</script><b>fit</b>')
else
	echo "# mkimage -f (dtc) unavailable: no FIT in the hostile image"
	fitnames=()
fi
for n in "${names[@]}" '<script>alert(2)</script>' "${fitnames[@]}"; do
	grep -qF -- "$n" "$T/hostile.text"
	ok $? "hostile: '$n' is shown as text"
done
# the page itself (before any browser): outside the JSON blocks every '<' of a name is a character reference
grep -v '^<script type="application/json"' "$T/hostile.html" >"$T/hostile.markup"
! grep -qF -e '<img src=' -e '<script>alert' -e '<b>bold' "$T/hostile.markup"
ok $? "hostile: no raw '<img', '<script>' or '<b>' outside the JSON blocks"
is "$(grep -o '</script>' "$T/hostile.html" | wc -l)" 2 "hostile: '</script>' only ends the two JSON blocks"

# ---- the output discipline ----
"$M" scan --html "$S" "$S" >/dev/null 2>"$T/err"
is "$?" 1 "--html onto the input: exit 1"
like "$(cat "$T/err")" "refusing to write over it" "--html onto the input is refused"
cmp -s "$S" "$BUILDDIR/sample/sample.bin"
ok $? "the input is untouched"
"$M" scan --html - "$S" >"$T/stdout.html"
like "$(head -c 15 "$T/stdout.html")" '^<!DOCTYPE html>' "--html - writes the page on standard output"
"$M" scan --html "$T/x.html" --jobs 2 "$S" "$S" >/dev/null 2>&1
is "$?" 2 "--html with several inputs is a usage error"
done_testing
