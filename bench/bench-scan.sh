#!/usr/bin/env bash
# mtdscope's scan beside binwalk's default scan, on the same inputs:
#   the bundled sample, 64 MiB of random bytes, and a generated 1 GiB realistic disk image
#   (bench/gen-mixed.sh: a GPT disk with FIT images, squashfs, ext4, a nested flash dump, a zstd tar
#   and random bytes; no repeated blocks, < 10% erased or zero, measured by bench/image-stats.py).
#   For each: `cat FILE > /dev/null` of the cached file for scale, `mtdscope scan --top-level`,
#   `mtdscope scan` (full nested scan), `binwalk FILE` (on the big image only with --binwalk-big);
#   wall time, throughput, peak RSS (/usr/bin/time -v: Maximum resident set size) and the load
#   average when each figure was taken; then the issue's targets side by side with the figures.
#
#   bash bench/bench-scan.sh [--binwalk-big] [--quick] [--build DIR] [--work DIR] [--size MIB] [--reps N]
#     --binwalk-big  also run binwalk over the whole big image (minutes)
#     --quick        with --binwalk-big: binwalk scans only the first 64 MiB, its time extrapolated
#     --build        build directory with src/cli/mtdscope and sample/sample.bin (default build)
#     --work         where the generated inputs are kept between runs (default build-bench)
#     --size         size of the mixed image in MiB (default 1024)
#     --reps         runs of each mtdscope figure, the best kept (default 3; wall and CPU each at their best)
# Not part of the test suite.  On a machine shared with other jobs the figures are noisy: the load
# average is printed beside each.
set -euo pipefail
cd "$(dirname "$0")/.."
quick= bwbig= build=build work=build-bench mib=1024 reps=3
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--binwalk-big) bwbig=1 ;;
	--reps) reps=$2; shift ;;
	--build) build=$2; shift ;;
	--work) work=$2; shift ;;
	--size) mib=$2; shift ;;
	-h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-scan: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
mtdscope=$build/src/cli/mtdscope
sample=$build/sample/sample.bin
for f in "$mtdscope" "$sample"; do
	[ -e "$f" ] || { echo "bench-scan: no $f (run scripts/setup.sh, or ninja -C $build)" >&2; exit 1; }
done
for t in binwalk jq python3 /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench-scan: $t missing (run scripts/setup.sh)" >&2; exit 1; }
done
mkdir -p "$work"
random=$work/random-64M.bin mixed=$work/mixed3-${mib}M.bin # mixed3: the GPT disk of gen-mixed.sh
[ -s "$random" ] || head -c $((64 << 20)) /dev/urandom >"$random"
[ -s "$mixed" ] || bash bench/gen-mixed.sh "$sample" "$mixed" "$mib"
# the Debian package's version (2.3.4+dfsg1 still says "v2.3.3" in its --help)
bwver=$(dpkg-query -W -f='${Version}' binwalk 2>/dev/null | sed 's/+.*//' || true)
[ -n "$bwver" ] || bwver=$(binwalk --help 2>&1 | sed -n 's/^Binwalk v\([0-9.]*\).*/\1/p' | head -1)
echo "machine: $(nproc) online CPUs, $(uname -m); load average at start: $(cut -d' ' -f1-3 /proc/loadavg); mtdscope $("$mtdscope" --version | awk 'NR == 1 {print $2}'), binwalk ${bwver:-?}"
echo

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# timed REPEAT CMD...: sets secs (best wall time) and rss_kb (largest peak RSS)
timed() {
	local n=$1 i s e best= r c bcpu= rss=0; shift
	for i in $(seq "$n"); do
		s=$(date +%s%N)
		/usr/bin/time -v -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err" || {
			echo "bench-scan: '$*' failed: $(grep -v '^[0-9]*$' "$tmp/err" | head -1)" >&2; }
		e=$(date +%s%N)
		[ -n "$best" ] && [ $((e - s)) -ge "$best" ] || best=$((e - s))
		c=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.3f", t }' "$tmp/rss")
		[ -n "$bcpu" ] && awk -v a="$c" -v b="$bcpu" 'BEGIN { exit !(a >= b) }' || bcpu=$c
		r=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tmp/rss")
		[ "$r" -le "$rss" ] 2>/dev/null || rss=$r
	done
	secs=$(awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }')
	rss_kb=$rss
	cpu=$bcpu
	load=$(cut -d' ' -f1 /proc/loadavg)
}
row() { # INPUT_BYTES TOOL NOTE
	local mbs ratio=""
	mbs=$(awk -v b="$1" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "inf" }')
	printf '  %-26s %9.3f s %9s MB/s %8.3f s %8.1f MiB  load %5s %s\n' "$2" "$secs" "$mbs" "$cpu" \
		"$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" "$load" "${3:-}"
}

declare -A T R C
bench_input() { # NAME FILE
	local name=$1 f=$2 bytes
	bytes=$(stat -c %s "$f")
	echo "$name: $f ($bytes bytes)"
	python3 bench/image-stats.py "$f" | sed 's/^[^:]*: /  /'
	printf '  %-26s %11s %14s %10s %12s\n' "" "wall" "" "CPU (u+s)" "peak RSS"
	cat "$f" >/dev/null # warm the page cache: every tool reads from memory
	timed "$reps" cat "$f"; row "$bytes" "cat > /dev/null"; T[$name.cat]=$secs
	timed "$reps" "$mtdscope" scan --top-level --json "$f"; row "$bytes" "mtdscope scan --top-level"
	T[$name.top]=$secs R[$name.top]=$rss_kb
	timed "$reps" "$mtdscope" scan --json "$f"; row "$bytes" "mtdscope scan (nested)"
	T[$name.full]=$secs R[$name.full]=$rss_kb C[$name.full]=$cpu
	if [ "$bytes" -gt $((64 << 20)) ] && [ -z "$bwbig" ]; then
		T[$name.bw]=0
		printf '  %-26s (not run on the big image; --binwalk-big)\n\n' "binwalk ${bwver}"
		return
	fi
	if [ -n "$quick" ] && [ "$bytes" -gt $((64 << 20)) ]; then
		head -c $((64 << 20)) "$f" >"$tmp/slice"
		timed 1 binwalk "$tmp/slice"
		secs=$(awk -v s="$secs" -v b="$bytes" 'BEGIN { printf "%.3f", s * b / (64 * 1048576) }')
		row "$bytes" "binwalk ${bwver}" "(extrapolated from the first 64 MiB)"
		rm -f "$tmp/slice"
	else
		timed 1 binwalk "$f"; row "$bytes" "binwalk ${bwver}"
	fi
	T[$name.bw]=$secs C[$name.bw]=$cpu
	printf '  %-26s top-level %.0fx, nested %.0fx faster than binwalk; top-level at %.0f%% of cat\n\n' "ratio" \
		"$(awk -v a="${T[$name.bw]}" -v b="${T[$name.top]}" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
		"$(awk -v a="${T[$name.bw]}" -v b="${T[$name.full]}" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
		"$(awk -v a="${T[$name.cat]}" -v b="${T[$name.top]}" 'BEGIN { print (b > 0 ? 100 * a / b : 0) }')"
}
bench_input sample "$sample"
bench_input random "$random"
bench_input mixed "$mixed"

# ---- the issue's targets, on the big image, side by side with the figures ----
bytes=$(stat -c %s "$mixed")
target() { # DESCRIPTION FIGURE CONDITION_AWK
	local v=MISSED
	awk "BEGIN { exit !($3) }" && v=met
	printf '  %-58s %-26s %s\n' "$1" "$2" "$v"
}
echo "targets (issue 12) on the ${mib} MiB mixed image; $(nproc) online CPUs, load average now $(cut -d' ' -f1-3 /proc/loadavg):"
printf '  %-58s %-26s %s\n' target measured verdict
pct=$(python3 bench/image-stats.py "$mixed" | sed -n 's/.*(uniform \([0-9.]*\)%).*/\1/p')
target "a realistic image: erased or zero 4 KiB blocks <= 10%" "${pct}%" "$pct <= 10"
gbs=$(awk -v b="$bytes" -v s="${T[mixed.full]}" 'BEGIN { printf "%.2f", (s > 0 ? b / 1e9 / s : 0) }')
target "full nested scan >= 1 GB/s" "${gbs} GB/s (${T[mixed.full]} s)" "$gbs >= 1"
cgb=$(awk -v b="$bytes" -v s="${C[mixed.full]}" 'BEGIN { printf "%.2f", (s > 0 ? b / 1e9 / s : 0) }')
printf '  %-58s %-26s %s\n' "  (the same per CPU second: bytes / (user + sys))" "${cgb} GB/s (${C[mixed.full]} s)" "-"
m=$(awk -v k="${R[mixed.full]}" 'BEGIN { printf "%.1f", k / 1024 }')
target "peak RSS <= 128 MiB on the nested scan" "${m} MiB" "$m <= 128"
x=$(awk -v a="${T[random.bw]}" -v b="${T[random.full]}" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')
target "nested scan >= 300x binwalk on 64 MiB of random bytes" "${x}x (${T[random.bw]} s / ${T[random.full]} s)" "$x >= 300"
x=$(awk -v a="${C[random.bw]}" -v b="${C[random.full]}" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')
printf '  %-58s %-26s %s\n' "  (the same in CPU seconds, user + sys)" "${x}x (${C[random.bw]} s / ${C[random.full]} s)" "-"
gbs=$(awk -v b="$bytes" -v s="${T[mixed.top]}" 'BEGIN { printf "%.2f", (s > 0 ? b / 1e9 / s : 0) }')
cgbs=$(awk -v b="$bytes" -v s="${T[mixed.cat]}" 'BEGIN { printf "%.2f", (s > 0 ? b / 1e9 / s : 0) }')
printf '  (top-level scan: %s GB/s, peak RSS %.1f MiB; cat of the cached file: %s GB/s)\n' "$gbs" \
	"$(awk -v k="${R[mixed.top]}" 'BEGIN { print k / 1024 }')" "$cgbs"
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
