#!/usr/bin/env bash
# Extraction time and peak memory of `mtdscope extract` (squashfs blocks decoded on all cores,
# one writer in on-disk order), side by side with `unsquashfs` at its default (all cores),
# `unsquashfs -p 1` (one thread) and `binwalk -e` on the same inputs: the bundled sample and a
# large squashfs.  The issue 12 target: faster than unsquashfs at its default, with less memory.
# usage: bench/bench-extract.sh [BUILDDIR [WORKDIR]]   (default: build, build-bench)
# Each figure is the best of $REPS runs (default 3; wall and CPU user+sys each at their best), peak RSS
# the largest; binwalk -e runs once (BINWALK=0 skips it: it takes minutes).
# The large squashfs is kept in WORKDIR under a name made of a hash of what it is built from (the
# listing of its source trees with sizes, times and modes, and mksquashfs's version): it is rebuilt
# only when one of those changes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
work=${2:-$top/build-bench}
M="$build/src/cli/mtdscope"
[ -x "$M" ] || { echo "bench-extract: build first (ninja -C $build)" >&2; exit 1; }
reps=${REPS:-3}
W=$(mktemp -d /tmp/mtdscope-bench-extract.XXXXXX)
trap 'rm -rf "$W"' EXIT

measure() { # measure LABEL OUTDIR CMD... -> best of $reps runs: wall, CPU (user+sys), largest peak RSS
	local label=$1 out=$2 i secs kb u sy best= cpu= rss=0 c; shift 2
	for i in $(seq "$reps"); do
		rm -rf "$out"
		/usr/bin/time -f '%e %M %U %S' -o "$W/time" "$@" >/dev/null 2>&1 || true
		read -r secs kb u sy < "$W/time"
		c=$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')
		[ -n "$best" ] && awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a >= b) }' || best=$secs
		[ -n "$cpu" ] && awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a >= b) }' || cpu=$c
		[ "$kb" -le "$rss" ] 2>/dev/null || rss=$kb
	done
	local files; files=$(find "$out" -type f 2>/dev/null | wc -l)
	printf '%-34s %8.2f s %8.2f s %8d KiB %8d files   load %s\n' "$label" "$best" "$cpu" "$rss" "$files" "$(cut -d' ' -f1 /proc/loadavg)"
	echo "$best" > "$W/last"
	echo "$rss" > "$W/last.kb"
}

# a large squashfs: /usr/include and /usr/lib/gcc of this machine (xz, 128 KiB blocks): about 535 MB of
# headers and compiler files, ~11k files, ~78 MB compressed on Debian 12
mkdir -p "$work"
key=$({ mksquashfs -version 2>&1 | head -1; find /usr/include /usr/lib/gcc -printf '%p %s %T@ %m %l\n' | LC_ALL=C sort; } |
	sha256sum | cut -c1-16)
big=$work/big-$key.sqfs
if [ ! -f "$big" ]; then
	rm -f "$work"/big-*.sqfs
	mksquashfs /usr/include /usr/lib/gcc "$big.tmp" -comp xz -noappend -quiet -processors 2 >/dev/null 2>&1
	mv "$big.tmp" "$big"
fi
inputs=("$big")
[ -f "$build/sample/sample.bin" ] && inputs=("$build/sample/sample.bin" "${inputs[@]}")

echo "$(nproc) online CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (each row: the 1-minute load when it ended)"
printf '%-34s %10s %10s %12s %14s\n' "" wall "CPU (u+s)" "peak RSS" files
for f in "${inputs[@]}"; do
	echo "== $(basename "$f"): $(du -h "$f" | cut -f1)"
	measure "mtdscope extract" "$W/m" "$M" extract "$f" -C "$W/m" --max-bytes 64G --max-files 10000000
	m=$(cat "$W/last")
	if [ "$f" = "$big" ]; then
		mk=$(cat "$W/last.kb")
		measure "unsquashfs ($(nproc) cores)" "$W/u" unsquashfs -q -n -d "$W/u" "$f"
		u=$(cat "$W/last") uk=$(cat "$W/last.kb")
		measure "mtdscope extract --threads 1" "$W/m" "$M" extract --threads 1 "$f" -C "$W/m" --max-bytes 64G --max-files 10000000
		awk -v m="$m" -v u="$u" 'BEGIN { if (m > 0) printf "%-34s %8.2fx\n", "ratio unsquashfs/mtdscope", u / m }'
		measure "unsquashfs -p 1" "$W/u" unsquashfs -p 1 -q -n -d "$W/u" "$f"
		awk -v m="$m" -v u="$(cat "$W/last")" 'BEGIN { if (m > 0) printf "%-34s %8.2fx\n", "ratio unsquashfs -p 1/mtdscope", u / m }'
		awk -v m="$m" -v u="$u" -v mk="$mk" -v uk="$uk" 'BEGIN {
			printf "target: faster than unsquashfs (all cores): %s; less memory: %s (%d vs %d KiB)\n",
				(m < u ? "met" : "MISSED"), (mk < uk ? "met" : "MISSED"), mk, uk }'
	fi
	if [ "${BINWALK:-1}" != 0 ] && command -v binwalk >/dev/null; then
		runas=(); [ "$(id -u)" -eq 0 ] && runas=(--run-as=root)
		reps=1 measure "binwalk -e (timeout 600 s)" "$W/b" timeout 600 binwalk "${runas[@]}" -e -q -C "$W/b" "$f"
		b=$(cat "$W/last")
		awk -v m="$m" -v b="$b" 'BEGIN { if (m > 0) printf "%-34s %8.2fx\n", "ratio binwalk/mtdscope", b / m }'
	fi
done
