#!/usr/bin/env bash
# THE test command (README.md; .ci/run runs exactly this):
#   1. gcc build with -Werror             build-ci/
#   2. ASan+UBSan build                   build-asan/
#   3. meson test, whole suite, under ASan (each test counts)
#   4. scripts/check-banned.sh, scripts/check-symbols.sh, clang-format check
#   5. with clang: libFuzzer harnesses    build-fuzz/ (-Dfuzz=true), each run a few seconds
# Logs in build-logs/.  Last line: "N passed, N failed"; exit status 1 on any failure.
# Environment: FUZZ_SECONDS (default 3), TEST_JOBS (default 2), NO_FUZZ=1 to skip step 5.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=build-logs
mkdir -p "$logs"
jobs=${TEST_JOBS:-2}
passed=0 failed=0 skipped=0
start=$(date +%s)

pass() { passed=$((passed + 1)); printf 'PASS  %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$1"; }
# step NAME CMD...: one pass or fail; the tail of the log on failure
step() {
	local name=$1 log="$logs/$(printf '%s' "$1" | tr -c 'a-zA-Z0-9_.-' '_').log"; shift
	if "$@" >"$log" 2>&1; then
		pass "$name"
		return 0
	fi
	fail "$name (log: $log)"
	tail -25 "$log" | sed 's/^/      /'
	return 1
}
# build CC DIR MESON-ARGS...: configure (or reconfigure) and build
build() {
	local cc=$1 d=$2; shift 2
	if [ -f "$d/build.ninja" ]; then
		meson setup --reconfigure "$d" "$@" || return 1
	else
		rm -rf "$d"
		CC=$cc meson setup "$d" "$@" || return 1
	fi
	ninja -C "$d" -j"$jobs"
}
have_libfuzzer() {
	command -v clang >/dev/null || return 1
	local t; t=$(mktemp -d)
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$t/f.c"
	clang -fsanitize=fuzzer "$t/f.c" -o "$t/f" >/dev/null 2>&1
	local rc=$?
	rm -rf "$t"
	return $rc
}

# ---- 1, 2: builds ----
ci_ok=0 asan_ok=0
step "gcc -Werror build (build-ci)" build gcc build-ci -Dwerror=true -Dsample=false && ci_ok=1
step "ASan+UBSan build (build-asan)" build gcc build-asan -Dwerror=true \
	-Db_sanitize=address,undefined -Db_lundef=false && asan_ok=1

# ---- 3: the whole suite under ASan ----
if [ "$asan_ok" = 1 ]; then
	meson test -C build-asan --num-processes "$jobs" --print-errorlogs >"$logs/meson-test.log" 2>&1
	json=build-asan/meson-logs/testlog.json
	if [ -s "$json" ] && command -v jq >/dev/null; then
		while IFS=$'\t' read -r result name; do
			case $result in
			OK | EXPECTEDFAIL) pass "test $name" ;;
			SKIP) skipped=$((skipped + 1)); printf 'SKIP  test %s\n' "$name" ;;
			*) fail "test $name ($result)" ;;
			esac
		done < <(jq -r '[.result, .name] | @tsv' "$json")
		grep -q '^Ok:' "$logs/meson-test.log" || fail "meson test did not finish (log: $logs/meson-test.log)"
	else
		fail "meson test (no build-asan/meson-logs/testlog.json; log: $logs/meson-test.log)"
	fi
	[ "$failed" -eq 0 ] || grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|ERROR|TIMEOUT)' "$logs/meson-test.log" | head -40 | sed 's/^/      /'
else
	fail "meson test (not run: the ASan build failed)"
fi

# ---- 4: static checks ----
step "banned functions (scripts/check-banned.sh)" bash scripts/check-banned.sh
if [ "$ci_ok" = 1 ]; then
	step "exported symbols (scripts/check-symbols.sh)" bash scripts/check-symbols.sh build-ci/libmtdscope.a
else
	fail "exported symbols (not run: the gcc build failed)"
fi
if command -v clang-format >/dev/null; then
	step "clang-format --dry-run -Werror src/ include/" bash -c \
		'find src include -type f \( -name "*.c" -o -name "*.h" \) -print0 | sort -z | xargs -0 clang-format --dry-run -Werror'
else
	fail "clang-format not installed (run scripts/setup.sh)"
fi

# ---- 5: fuzzers ----
if [ -n "${NO_FUZZ:-}" ]; then
	printf 'SKIP  fuzzers (NO_FUZZ set)\n'
elif have_libfuzzer; then
	if step "clang libFuzzer build (build-fuzz)" build clang build-fuzz -Dwerror=true -Dfuzz=true -Dsample=false; then
		secs=${FUZZ_SECONDS:-3}
		work=$(mktemp -d)
		for f in build-fuzz/fuzz/fuzz_*; do
			[ -f "$f" ] && [ -x "$f" ] || continue
			name=${f##*/fuzz_}
			name=${name//_/-}
			corpus=fuzz/corpus/$name
			mkdir -p "$work/$name" "$logs/fuzz-artifacts"
			step "fuzz $name (${secs}s)" "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
				-artifact_prefix="$logs/fuzz-artifacts/$name-" "$work/$name" $( [ -d "$corpus" ] && echo "$corpus")
		done
		rm -rf "$work"
	fi
else
	printf 'SKIP  fuzzers (clang with libFuzzer not installed: run scripts/setup.sh)\n'
fi

printf '%d skipped; %d s\n' "$skipped" "$(($(date +%s) - start))"
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
