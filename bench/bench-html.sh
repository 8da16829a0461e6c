#!/usr/bin/env bash
# scan --html on a 1 GiB image (issue 14): the page's size and the time headless chromium takes to
# render it, beside scan's own time and, with --binwalk, binwalk -E's entropy plot of the same image.
#   The image (cached in WORK): the bundled sample's 8 MiB at 0, then 63 MiB slices cycling through
#   a squashfs of random files (mksquashfs, xz), 256 small uImages 64 KiB apart (mkimage), random
#   bytes and erased flash - many components, most too small to draw one by one.
#
#   bash bench/bench-html.sh [--build DIR] [--work DIR] [--size MiB] [--sample FILE] [--binwalk]
# (--sample: the sample to put at 0, default DIR/sample/sample.bin; without one the image starts with a slice)
# Each figure is the best of 3 runs; the load average is printed (the machine may be shared).
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build work= size=1024 binwalk= sample=
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift ;;
	--work) work=$2; shift ;;
	--size) size=$2; shift ;;
	--binwalk) binwalk=1 ;;
	--sample) sample=$2; shift ;;
	-h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-html: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
work=${work:-$build/bench-html}
M=$build/src/cli/mtdscope
[ -x "$M" ] || { echo "bench-html: $M missing: build first" >&2; exit 1; }
for t in mkimage mksquashfs chromium python3; do
	command -v "$t" >/dev/null || { echo "bench-html: needs $t (scripts/setup.sh)" >&2; exit 1; }
done
mkdir -p "$work"
img=$work/flash-${size}M.bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -s "$img" ]; then
	echo "making $img ($size MiB)..."
	sample=${sample:-$build/sample/sample.bin}
	[ -s "$sample" ] || sample=
	head -c 70000 /dev/urandom >"$tmp/pay"
	mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "bench small" -d "$tmp/pay" "$tmp/u.img" >/dev/null
	mkdir -p "$tmp/root"
	for i in $(seq 1 24); do head -c 1048576 /dev/urandom >"$tmp/root/f$i"; done
	mksquashfs "$tmp/root" "$tmp/sq.img" -comp xz -noappend -quiet >/dev/null
	python3 - "$img" "$size" "${sample:-}" "$tmp/u.img" "$tmp/sq.img" <<'PY'
import os, sys
out, size, sample, uimg, sq = sys.argv[1], int(sys.argv[2]) << 20, sys.argv[3], sys.argv[4], sys.argv[5]
u, s = open(uimg, 'rb').read(), open(sq, 'rb').read()
slice_ = 63 << 20
with open(out + '.tmp', 'wb') as f:
    pos = 0
    if sample:
        d = open(sample, 'rb').read()
        f.write(d); pos = len(d)
    k = 0
    while pos < size:
        n = min(slice_, size - pos)
        kind = k % 4
        if kind == 0:
            blk = s + b'\xff' * (n - len(s)) if n > len(s) else b'\xff' * n
        elif kind == 1:
            one = u + b'\xff' * (65536 - len(u) % 65536)
            blk = (one * (n // len(one) + 1))[:n]
        elif kind == 2:
            blk = os.urandom(n)
        else:
            blk = b'\xff' * n
        f.write(blk[:n]); pos += n; k += 1
os.rename(out + '.tmp', out)
PY
fi
best() { # best CMD...: the best wall time of 3 runs, in seconds
	local b= t
	for _ in 1 2 3; do
		/usr/bin/time -f %e -o "$tmp/time" "$@" >/dev/null 2>&1 || :
		t=$(tail -1 "$tmp/time")
		b=$(awk -v a="${b:-1e9}" -v t="$t" 'BEGIN { print (t < a) ? t : a }')
	done
	echo "$b"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $img, $(stat -c %s "$img") bytes"
t_scan=$(best "$M" scan --color=never "$img")
t_json=$(best "$M" scan --json "$img")
t_html=$(best "$M" scan --html "$tmp/r.html" "$img")
"$M" scan --html "$tmp/r.html" "$img" >/dev/null
"$M" scan --json "$img" >"$tmp/r.json"
cp "$tmp/r.html" "$work/report.html"
ncomp=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["components"]))' "$tmp/r.json")
page=$(stat -c %s "$tmp/r.html")
chrome=(timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir="$tmp/prof")
t_shot=$(best "${chrome[@]}" --window-size=1280,2000 --screenshot="$tmp/r.png" "file://$tmp/r.html")
t_dom=$(best "${chrome[@]}" --dump-dom "file://$tmp/r.html")
# chromium's start-up alone, for comparison: an empty page
printf '<!DOCTYPE html><title>empty</title>' >"$tmp/empty.html"
t_empty=$(best "${chrome[@]}" --window-size=1280,2000 --screenshot="$tmp/e.png" "file://$tmp/empty.html")
printf '%-44s %10s\n' "what" "figure"
printf '%-44s %10s\n' "components in scan --json" "$ncomp"
printf '%-44s %10s\n' "scan (text), s" "$t_scan"
printf '%-44s %10s\n' "scan --json, s" "$t_json"
printf '%-44s %10s\n' "scan --html, s" "$t_html"
printf '%-44s %10s\n' "page size, bytes (goal < 2 MB)" "$page"
printf '%-44s %10s\n' "chromium --screenshot of the page, s" "$t_shot"
printf '%-44s %10s\n' "chromium --screenshot of an empty page, s" "$t_empty"
printf '%-44s %10s\n' "render time beyond start-up, s (goal < 2)" "$(awk -v a="$t_shot" -v b="$t_empty" 'BEGIN { printf "%.2f", a - b }')"
printf '%-44s %10s\n' "chromium --dump-dom, s" "$t_dom"
if [ -n "$binwalk" ]; then
	command -v binwalk >/dev/null || { echo "bench-html: --binwalk needs binwalk" >&2; exit 1; }
	t_bw=$(cd "$tmp" && best binwalk -E -N "$img")
	printf '%-44s %10s\n' "binwalk -E -N (entropy, no plot), s" "$t_bw"
fi
