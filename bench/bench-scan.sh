#!/usr/bin/env bash
# mtdscope's scan beside binwalk's default scan, on the same inputs:
#   the bundled sample, 64 MiB of random bytes, and a generated 1 GiB mixed image
#   (bench/gen-mixed.sh: about 5% erased or zero bytes).  For each: `cat FILE > /dev/null` for scale,
#   `mtdscope scan --top-level`, `mtdscope scan` (full nested scan), `binwalk FILE`;
#   wall time, throughput, peak RSS (/usr/bin/time -f %M) and binwalk's time / ours.
#   Then the issue's targets, and which components binwalk and mtdscope find on the sample.
#
#   bash bench/bench-scan.sh [--quick] [--build DIR] [--work DIR] [--size MIB]
#     --quick    binwalk scans only the first 64 MiB of the big image; its time is
#                extrapolated to the whole image (labelled "extrapolated")
#     --build    build directory with src/cli/mtdscope and sample/sample.bin (default build)
#     --work     where the generated inputs are kept between runs (default build-bench)
#     --size     size of the mixed image in MiB (default 1024)
# Not part of the test suite: binwalk alone takes minutes on 1 GiB.
set -euo pipefail
cd "$(dirname "$0")/.."
quick= build=build work=build-bench mib=1024
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--build) build=$2; shift ;;
	--work) work=$2; shift ;;
	--size) mib=$2; shift ;;
	-h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-scan: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
mtdscope=$build/src/cli/mtdscope
sample=$build/sample/sample.bin
for f in "$mtdscope" "$sample"; do
	[ -e "$f" ] || { echo "bench-scan: no $f (run scripts/setup.sh, or ninja -C $build)" >&2; exit 1; }
done
for t in binwalk jq /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench-scan: $t missing (run scripts/setup.sh)" >&2; exit 1; }
done
mkdir -p "$work"
random=$work/random-64M.bin mixed=$work/mixed2-${mib}M.bin # mixed2: gen-mixed.sh with <= 10% erased/zero
[ -s "$random" ] || head -c $((64 << 20)) /dev/urandom >"$random"
[ -s "$mixed" ] || bash bench/gen-mixed.sh "$sample" "$mixed" "$mib"
# the Debian package's version (2.3.4+dfsg1 still says "v2.3.3" in its --help)
bwver=$(dpkg-query -W -f='${Version}' binwalk 2>/dev/null | sed 's/+.*//' || true)
[ -n "$bwver" ] || bwver=$(binwalk --help 2>&1 | sed -n 's/^Binwalk v\([0-9.]*\).*/\1/p' | head -1)
echo "machine: $(nproc) cores, $(uname -m); mtdscope $("$mtdscope" --version | awk 'NR == 1 {print $2}'), binwalk ${bwver:-?}"
echo

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# timed REPEAT CMD...: sets secs (best wall time) and rss_kb (largest peak RSS)
timed() {
	local n=$1 i s e best= r rss=0; shift
	for i in $(seq "$n"); do
		s=$(date +%s%N)
		/usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err" || {
			echo "bench-scan: '$*' failed: $(grep -v '^[0-9]*$' "$tmp/err" | head -1)" >&2; }
		e=$(date +%s%N)
		[ -n "$best" ] && [ $((e - s)) -ge "$best" ] || best=$((e - s))
		r=$(tail -1 "$tmp/rss"); [ "$r" -le "$rss" ] 2>/dev/null || rss=$r
	done
	secs=$(awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }')
	rss_kb=$rss
}
row() { # INPUT_BYTES TOOL NOTE
	local mbs ratio=""
	mbs=$(awk -v b="$1" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "inf" }')
	printf '  %-26s %9.3f s %9s MB/s %8.1f MiB %s\n' "$2" "$secs" "$mbs" "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" "${3:-}"
}

declare -A T R
bench_input() { # NAME FILE
	local name=$1 f=$2 bytes reps=3
	bytes=$(stat -c %s "$f")
	[ "$bytes" -lt $((256 << 20)) ] || reps=1
	echo "$name: $f ($bytes bytes)"
	cat "$f" >/dev/null # warm the page cache: every tool reads from memory
	timed "$reps" cat "$f"; row "$bytes" "cat > /dev/null"; T[$name.cat]=$secs
	timed "$reps" "$mtdscope" scan --top-level --json "$f"; row "$bytes" "mtdscope scan --top-level"
	T[$name.top]=$secs R[$name.top]=$rss_kb
	timed "$reps" "$mtdscope" scan --json "$f"; row "$bytes" "mtdscope scan (nested)"
	T[$name.full]=$secs R[$name.full]=$rss_kb
	if [ -n "$quick" ] && [ "$bytes" -gt $((64 << 20)) ]; then
		head -c $((64 << 20)) "$f" >"$tmp/slice"
		timed 1 binwalk "$tmp/slice"
		secs=$(awk -v s="$secs" -v b="$bytes" 'BEGIN { printf "%.3f", s * b / (64 * 1048576) }')
		row "$bytes" "binwalk ${bwver}" "(extrapolated from the first 64 MiB)"
		rm -f "$tmp/slice"
	else
		timed 1 binwalk "$f"; row "$bytes" "binwalk ${bwver}"
	fi
	T[$name.bw]=$secs
	printf '  %-26s top-level %.0fx, nested %.0fx faster than binwalk; top-level at %.0f%% of cat\n\n' "ratio" \
		"$(awk -v a="${T[$name.bw]}" -v b="${T[$name.top]}" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
		"$(awk -v a="${T[$name.bw]}" -v b="${T[$name.full]}" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
		"$(awk -v a="${T[$name.cat]}" -v b="${T[$name.top]}" 'BEGIN { print (b > 0 ? 100 * a / b : 0) }')"
}
bench_input sample "$sample"
bench_input random "$random"
bench_input mixed "$mixed"

# ---- the issue's targets, on the big image ----
bytes=$(stat -c %s "$mixed")
target() { # DESCRIPTION CONDITION_AWK
	if awk "BEGIN { exit !($2) }"; then printf '  met     %s\n' "$1"; else printf '  MISSED  %s\n' "$1"; fi
}
echo "targets (issue 12) on the ${mib} MiB mixed image${quick:+ (binwalk extrapolated)}:"
ez=$("$mtdscope" scan --top-level --json "$mixed" | jq '[.components[] | select(.space == null) |
	select(.type == "erased" or .type == "zero") | .size] | add // 0')
pct=$(awk -v a="$ez" -v b="$bytes" 'BEGIN { printf "%.1f", 100 * a / b }')
target "a realistic image: erased or zero bytes <= 10% (${pct}%)" "$pct <= 10"
gbs=$(awk -v b="$bytes" -v s="${T[mixed.full]}" 'BEGIN { printf "%.2f", (s > 0 ? b / 1e9 / s : 0) }')
target "full nested scan >= 1 GB/s on $(nproc) cores (${gbs} GB/s)" "$gbs >= 1"
m=$(awk -v k="${R[mixed.full]}" 'BEGIN { printf "%.1f", k / 1024 }')
target "peak RSS <= 128 MiB on the nested scan (${m} MiB)" "$m <= 128"
x=$(awk -v a="${T[random.bw]}" -v b="${T[random.full]}" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')
target "nested scan >= 300x faster than binwalk on 64 MiB of random bytes (${x}x)" "$x >= 300"
gbs=$(awk -v b="$bytes" -v s="${T[mixed.top]}" 'BEGIN { printf "%.2f", (s > 0 ? b / 1e9 / s : 0) }')
printf '  (top-level scan: %s GB/s, peak RSS %.1f MiB)\n' "$gbs" "$(awk -v k="${R[mixed.top]}" 'BEGIN { print k / 1024 }')"
echo

# ---- what each finds on the sample ----
echo "components on the sample (file offsets; binwalk's hits beside mtdscope's components):"
binwalk "$sample" | awk '/^[0-9]+ +0x/ { o = $1; $1 = ""; $2 = ""; sub(/^ +/, ""); print o "\t" substr($0, 1, 60) }' >"$tmp/bw"
"$mtdscope" scan --json "$sample" | jq -r '.components[] | select(.space == null) |
	select(.type | IN("erased", "zero", "random", "unknown") | not) |
	"\(.offset)\t\(.offset + .size)\t\(.type)\t\(if .valid then "ok" else "BAD" end)\t\(.parent // -1)"' >"$tmp/ours"
printf '  %-10s  %-60s  %s\n' offset binwalk mtdscope
cut -f1 "$tmp/bw" "$tmp/ours" | sort -n -u | while read -r o; do
	b=$(awk -F'\t' -v o="$o" '$1 == o { print $2; exit }' "$tmp/bw")
	m=$(awk -F'\t' -v o="$o" '$1 == o { printf "%s%s (%s)", sep, $3, $4; sep = ", " }' "$tmp/ours")
	if [ -z "$m" ]; then # binwalk hit inside one of ours?
		m=$(awk -F'\t' -v o="$o" '$1 < o && o < $2 { in_ = $3 " 0x" sprintf("%x", $1) } END { if (in_) print "- (inside " in_ ")"; else print "- (missed)" }' "$tmp/ours")
	fi
	printf '  0x%08x  %-60s  %s\n' "$o" "${b:--}" "$m"
done
