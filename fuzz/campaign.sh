#!/usr/bin/env bash
# A fuzzing campaign over every libFuzzer harness (or the ones named), one harness a worker.
#
#   fuzz/campaign.sh [--runs N | --seconds S] [--jobs J] [--build DIR] [--nice] [HARNESS...]
#
#   --runs N      executions per harness (libFuzzer -runs=N; default 100000)
#   --seconds S   or a time per harness instead (-max_total_time=S)
#   --jobs J      harnesses run at once (default: the number of cores)
#   --build DIR   the -Dfuzz=true build (default build-fuzz: CC=clang meson setup build-fuzz -Dfuzz=true)
#   --nice        run the fuzzers under nice -n 19 (a shared machine)
#   HARNESS       names as in fuzz/corpus/ (uimage, uboot-env, unpack...); default all
#
# Each harness runs on fuzz/corpus/<name>/ with fuzz/dict/<name>.dict; the new inputs it finds
# go to a scratch directory and are merged into fuzz/corpus/<name>/ with -merge=1 (only those
# that add coverage, minimised; the saved ones, regressions included, all stay).  Crash, leak,
# timeout and out-of-memory inputs are kept in fuzz/crashes/<name>/.  The harnesses of the
# checksummed formats fix CRCs after each mutation (fuzz/fixup.h).  At the end one line a
# harness: executions, new corpus entries, crashes, leaks, timeouts, ooms; the same table goes
# to fuzz/crashes/campaign-<date>.txt.  Exit status 1 when anything crashed, leaked or hung.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=100000 seconds= jobs=$(nproc) build=build-fuzz nice_cmd=()
names=()
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; seconds=; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--nice) nice_cmd=(nice -n 19); shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "campaign.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) names+=("$1"); shift ;;
	esac
done
[ -d "$build/fuzz" ] || { echo "campaign.sh: no $build/fuzz: CC=clang meson setup $build -Dfuzz=true && ninja -C $build" >&2; exit 2; }
if [ ${#names[@]} -eq 0 ]; then
	for d in fuzz/corpus/*/; do
		n=$(basename "$d")
		[ -x "$build/fuzz/fuzz_${n//-/_}" ] && names+=("$n")
	done
fi
mkdir -p fuzz/crashes
work=$(mktemp -d "${TMPDIR:-/tmp}/mtdscope-campaign.XXXXXX")
trap 'rm -rf "$work"' EXIT

one() { # one NAME: run a harness, merge, count; prints "NAME EXECS NEW CRASH LEAK TIMEOUT OOM SECONDS"
	local n=$1 bin="$build/fuzz/fuzz_${1//-/_}" corpus="fuzz/corpus/$1" crashes="fuzz/crashes/$1"
	local new="$work/$n.new" log="$work/$n.log" limit
	mkdir -p "$new" "$crashes" "$corpus"
	# inputs as large as the biggest seed (at least 4 KiB, at most 64 KiB)
	local max=4096 s
	for f in "$corpus"/*; do
		[ -f "$f" ] || continue
		s=$(stat -c %s "$f")
		[ "$s" -gt "$max" ] && max=$s
	done
	[ "$max" -gt 65536 ] && max=65536
	if [ -n "$seconds" ]; then limit=(-max_total_time="$seconds"); else limit=(-runs="$runs"); fi
	local dict=()
	[ -f "fuzz/dict/$n.dict" ] && dict=(-dict="fuzz/dict/$n.dict")
	local before_files start=$SECONDS art="$work/$n.art"
	mkdir -p "$art"
	before_files=$(ls "$corpus" | wc -l)
	"${nice_cmd[@]}" "$bin" "${limit[@]}" "${dict[@]}" -max_len="$max" -timeout=25 -rss_limit_mb=2560 \
		-print_final_stats=1 -artifact_prefix="$art/" "$new" "$corpus" >"$log" 2>&1 || true
	local execs
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
	# keep what adds coverage (minimised) in the corpus
	"${nice_cmd[@]}" "$bin" -merge=1 -max_len="$max" -timeout=25 -rss_limit_mb=2560 "$corpus" "$new" \
		>"$log.merge" 2>&1 || true
	local nnew=$(($(ls "$corpus" | wc -l) - before_files))
	local c l t o
	c=$(ls "$art" | grep -c '^crash-' || true)
	l=$(ls "$art" | grep -c '^leak-' || true)
	t=$(ls "$art" | grep -c '^timeout-' || true)
	o=$(ls "$art" | grep -c '^oom-' || true)
	if [ -n "$(ls "$art")" ]; then
		cp "$art"/* "$crashes/"
		cp "$log" "$crashes/$(ls "$art" | head -1).log"
	fi
	echo "$n ${execs:-0} $nnew $c $l $t $o $((SECONDS - start))"
}
export -f one
export build runs seconds work
export nice_cmd_s="${nice_cmd[*]}"

results="$work/results"
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash -c 'nice_cmd=($nice_cmd_s); one "$@"' _ {} >"$results"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
table="fuzz/crashes/campaign-$stamp.txt"
{
	if [ -n "$seconds" ]; then what="--seconds $seconds"; else what="--runs $runs"; fi
	echo "# fuzz/campaign.sh $what --jobs $jobs, $(date -u '+%F %T') UTC"
	printf '%-18s %12s %8s %7s %6s %8s %5s %8s\n' HARNESS EXECUTIONS NEW CRASHES LEAKS TIMEOUTS OOMS SECONDS
	sort "$results" | while read -r n e w c l t o s; do
		printf '%-18s %12s %8s %7s %6s %8s %5s %8s\n' "$n" "$e" "$w" "$c" "$l" "$t" "$o" "$s"
	done
	awk '{e += $2; w += $3; c += $4; l += $5; t += $6; o += $7} END {
		printf "%-18s %12d %8d %7d %6d %8d %5d\n", "total", e, w, c, l, t, o }' "$results"
} | tee "$table"
awk '$4 + $5 + $6 + $7 > 0 { bad = 1 } END { exit bad }' "$results"
