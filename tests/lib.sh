# TAP helpers for shell tests.  Source this, then call ok/is/..., then done_testing.
# Environment from meson: MTDSCOPE (the binary), SRCDIR (source root), TESTDATA (tests/data: the
# real logs, seeds and device trees the tests use; tests/data/PROVENANCE.md says where each came from).
set -u
_tap_n=0
_tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/mtdscope-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

ok() { # ok COND_EXIT_STATUS DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2"; else echo "not ok $_tap_n - $2"; _tap_failed=$((_tap_failed + 1)); fi
}
check() { # check DESCRIPTION CMD...: ok when CMD succeeds
	local d=$1; shift
	if "$@" >"$T/.out" 2>&1; then ok 0 "$d"; else ok 1 "$d"; sed 's/^/#   /' "$T/.out" | head -20; fi
}
is() { # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   got:  '$1'"; echo "#   want: '$2'"; fi
}
like() { # like TEXT REGEX DESCRIPTION
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else ok 1 "$3"; printf '%s\n' "$1" | head -10 | sed 's/^/#   got: /'; echo "#   want match: $2"; fi
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
need() { for t in "$@"; do command -v "$t" >/dev/null 2>&1 || skip_all "$t not installed (run scripts/setup.sh)"; done; }
done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; }
