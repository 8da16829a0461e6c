#!/usr/bin/env bash
# --html FILE never writes over an input, whatever the spelling (same path, ./x, ../d/x, a symlink,
# a hard link), on every command that takes it; and a big map stays bounded: 3000 small uImages
# (mkimage) packed in a 64 MiB image are drawn as clusters, a lone one far from them keeps its own
# place, and the page stays small.  No browser needed.
. "$SRCDIR/tests/lib.sh"
need sha256sum mkimage python3
M=$MTDSCOPE
mkdir -p "$T/d/sub" "$T/logs"
cd "$T/d" || exit 1
printf 'dev:    size   erasesize  name\nmtd0: 00010000 00010000 "u-boot"\nmtd1: 00010000 00010000 "factory"\nmtd2: 000e0000 00010000 "firmware"\n' >proc-mtd.txt
head -c 1048576 /dev/urandom >dump.bin
cp dump.bin other.bin
printf '[    0.000000] SoC Type: MediaTek MT7621 ver:1 eco:3\n' >"$T/logs/dmesg.txt"
sha() { sha256sum "$1" | cut -d' ' -f1; }
refused() { # refused WHAT FILE-TO-KEEP CMD...
	local what=$1 keep=$2 want
	want=$(sha "$2")
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local st=$?
	ok "$([ "$st" -ne 0 ] && echo 0 || echo 1)" "$what: exit status non-zero ($st)"
	like "$(cat "$T/err")" 'is the input .* of this command' "$what: the message says the output is an input"
	is "$(sha "$keep")" "$want" "$what: $keep unchanged"
}
ln -s dump.bin link.bin
ln dump.bin hard.bin
refused "scan --html dump.bin dump.bin" dump.bin "$M" scan --html dump.bin dump.bin
refused "scan --html ./dump.bin" dump.bin "$M" scan --html ./dump.bin dump.bin
refused "scan --html via a symlink" dump.bin "$M" scan --html link.bin dump.bin
refused "scan --html via a hard link" dump.bin "$M" scan --html hard.bin dump.bin
cd sub
refused "scan --html ../d/dump.bin from sub" ../dump.bin "$M" scan --html ../../d/dump.bin ../dump.bin
cd ..
refused "diff --html B" other.bin "$M" diff --html ./other.bin dump.bin other.bin
refused "diff --html the layout" proc-mtd.txt "$M" diff --layout proc-mtd.txt --html proc-mtd.txt dump.bin other.bin
refused "assess --html a log of a directory" "$T/logs/dmesg.txt" "$M" assess --html "$T/logs/../logs/dmesg.txt" "$T/logs"
refused "report --html a log" "$T/logs/dmesg.txt" "$M" report --html "$T/logs/dmesg.txt" "$T/logs/dmesg.txt"
refused "verify --html a dump" dump.bin "$M" verify --layout proc-mtd.txt --html link.bin dump.bin
is "$(ls -A | sort | tr '\n' ' ')" "dump.bin hard.bin link.bin other.bin proc-mtd.txt sub " "no temporary left behind"

# ---- a bounded map ----
head -c 900 /dev/urandom >"$T/pay"
mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n small -d "$T/pay" "$T/u.img" >/dev/null
python3 - "$T/u.img" "$T/big.bin" <<'PY'
import sys
u = open(sys.argv[1], 'rb').read()
size = 64 << 20
d = bytearray(b'\xff' * size)
one = u + b'\xff' * (1024 - len(u))
for i in range(3000):
    d[0x100000 + i * 1024:0x100000 + i * 1024 + len(one)] = one
d[0x3000000:0x3000000 + len(u)] = u       # a lone one at 48 MiB
open(sys.argv[2], 'wb').write(d)
PY
"$M" scan --json "$T/big.bin" >"$T/big.json"
is "$(jq '[.components[] | select(.type == "uimage")] | length' "$T/big.json")" 3001 "scan finds the 3001 uImages"
"$M" scan --html "$T/big.html" "$T/big.bin" >/dev/null
ok $? "scan --html of the 64 MiB image"
sz=$(stat -c %s "$T/big.html")
ok $(( sz < 2000000 ? 0 : 1 )) "the page stays under 2 MB ($sz bytes)"
like "$(grep -o 'id="json-note">[^<]*' "$T/big.html")" "leaves out the [0-9]+ gaps" "the page says its JSON leaves the gaps out"
is "$(python3 "$SRCDIR/tests/html/check_dom.py" json "$T/big.html" scan-json | jq '[.components[] | select(.type == "uimage")] | length')" 3001 \
	"and still has every uImage"
map=$(python3 -c 'import sys; s = open(sys.argv[1]).read(); print(s[s.index("<h2 id=\"map\">"):s.index("<p class=\"legend\">")])' "$T/big.html")
n=$(printf '%s' "$map" | grep -o '<a href="#t-c' | wc -l)
ok $(( n < 200 ? 0 : 1 )) "the map draws few shapes for 3000 small components ($n)"
like "$map" '<title>[0-9]+ small components' "they are drawn as clusters that say how many"
lone=$(jq '[.components[] | select(.type == "uimage" and .offset == 50331648)][0].id' "$T/big.json")
like "$map" "id=\"m-c$lone\"" "the lone uImage keeps its own place on the map"
w=$(python3 -c 'import re, sys
m = re.search(r"id=\"m-c%s\">.*?<svg x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"([0-9.]+)\"" % sys.argv[2], open(sys.argv[1]).read(), re.S)
print(m.group(1) if m else "")' "$T/big.html" "$lone")
ok "$(awk -v w="$w" 'BEGIN { print (w >= 2) ? 0 : 1 }')" "and stays visible (width $w of 1000)"
done_testing
