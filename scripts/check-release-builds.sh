#!/usr/bin/env bash
# The builds a packager does must build clean, without -Werror to hide behind:
# the default build, -Dbuildtype=release with gcc and with clang, -O3, and LTO.
# Each is configured in a scratch directory with the project's default options
# (no -Dwerror), built, and its compiler warnings counted; any warning or any
# failed build fails the check.
#   check-release-builds.sh [--quick]   (--quick: gcc release and clang release only)
# Environment: JOBS (default 2), KEEP=1 keeps the build directories (printed).
# Last line: "release builds: N clean, N with warnings or failed".
set -uo pipefail
cd "$(dirname "$0")/.."
src=$PWD
jobs=${JOBS:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/mtdscope-release.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# name  CC  meson options
configs=(
	"gcc-default|gcc|"
	"gcc-release|gcc|-Dbuildtype=release"
	"clang-release|clang|-Dbuildtype=release"
	"gcc-O3|gcc|-Dbuildtype=release -Doptimization=3"
	"gcc-release-lto|gcc|-Dbuildtype=release -Db_lto=true"
	"clang-release-lto|clang|-Dbuildtype=release -Db_lto=true"
)
[ "${1:-}" = --quick ] && configs=("${configs[1]}" "${configs[2]}")

# clang's LTO needs a linker that reads LLVM bitcode (lld or the gold plugin)
clang_lto_ok() {
	local t rc
	t=$(mktemp -d)
	printf 'int main(void) { return 0; }\n' >"$t/m.c"
	clang -flto -O2 "$t/m.c" -o "$t/m" >/dev/null 2>&1
	rc=$?
	rm -rf "$t"
	return $rc
}

clean=0 bad=0
for c in "${configs[@]}"; do
	IFS='|' read -r name cc opts <<<"$c"
	if ! command -v "$cc" >/dev/null; then
		printf 'SKIP  %-18s (%s not installed)\n' "$name" "$cc"
		continue
	fi
	if [ "$name" = clang-release-lto ] && ! clang_lto_ok; then
		printf 'SKIP  %-18s (clang -flto cannot link here: no lld or LLVM gold plugin)\n' "$name"
		continue
	fi
	d=$work/$name log=$work/$name.log
	# the sample needs the mipsel .debs of setup.sh and compiles nothing: leave it out
	# shellcheck disable=SC2086
	if ! CC=$cc meson setup "$d" "$src" -Dsample=false $opts >"$log" 2>&1; then
		printf 'FAIL  %-18s meson setup failed (log: %s)\n' "$name" "$log"
		tail -5 "$log" | sed 's/^/      /'
		bad=$((bad + 1))
		KEEP=1
		continue
	fi
	start=$(date +%s)
	ninja -C "$d" -j"$jobs" >>"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	nwarn=$(grep -c 'warning:' "$log")
	if [ "$rc" -ne 0 ]; then
		printf 'FAIL  %-18s build failed, %d warning(s), %d s (log: %s)\n' "$name" "$nwarn" "$secs" "$log"
		grep -E 'error:|warning:' "$log" | sort -u | head -10 | sed 's/^/      /'
		bad=$((bad + 1))
		KEEP=1
	elif [ "$nwarn" -gt 0 ]; then
		printf 'FAIL  %-18s %d warning(s), %d s (log: %s)\n' "$name" "$nwarn" "$secs" "$log"
		grep 'warning:' "$log" | sort -u | head -10 | sed 's/^/      /'
		bad=$((bad + 1))
		KEEP=1
	else
		printf 'PASS  %-18s 0 warnings, %d s\n' "$name" "$secs"
		clean=$((clean + 1))
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$d" "$log"
done
[ -z "${KEEP:-}" ] || { trap - EXIT; echo "build directories kept in $work"; }
printf 'release builds: %d clean, %d with warnings or failed\n' "$clean" "$bad"
[ "$bad" -eq 0 ]
