#!/usr/bin/env bash
# The library's symbols:
#   1. every global symbol libmtdscope.a defines starts with mtd_ (the static
#      library shares the program's namespace with everything it is linked into);
#   2. libmtdscope.so exports exactly the functions the installed headers
#      (include/mtdscope/*.h) declare, in both directions: an exported symbol no
#      header declares is a leak (mark it static or leave MTD_API off), a declared
#      function the .so does not export has no MTD_API (or no definition).
# The declarations come from the compiler (gcc -aux-info over every header), not
# from a pattern over the text.
#   check-symbols.sh [BUILDDIR | BUILDDIR/libmtdscope.a] [INCLUDEDIR]
# (default: build-ci, then build; INCLUDEDIR, the directory holding mtdscope/*.h: include)
set -euo pipefail
cd "$(dirname "$0")/.."
arg=${1:-}
incdir=${2:-include}
dir=
if [ -z "$arg" ]; then
	for b in build-ci build; do
		[ -f "$b/libmtdscope.a" ] && { dir=$b; break; }
	done
elif [ -d "$arg" ]; then
	dir=$arg
else
	dir=$(dirname "$arg")
fi
lib=$dir/libmtdscope.a so=$dir/libmtdscope.so
[ -n "$dir" ] && [ -f "$lib" ] || { echo "check-symbols: no libmtdscope.a in ${dir:-build-ci or build} (build first)"; exit 1; }
[ -f "$so" ] || { echo "check-symbols: no libmtdscope.so beside $lib"; exit 1; }
status=0
# what a sanitizer build adds beside each global (ASan's ODR indicators) is not ours
not_ours='^(__odr_asan[._]|__asan_|__ubsan_|__sancov_)'

# 1. defined globals of the static library: nm types in upper case except U; weak (W/V) count too
bad=$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ { print $3 }' |
	grep -v -E "^mtd_|$not_ours" | sort -u || true)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | sed 's/^/  /'
	echo "check-symbols: $(printf '%s\n' "$bad" | wc -l) global symbol(s) in $lib without the mtd_ prefix (make them static or rename)"
	status=1
else
	echo "check-symbols: $(nm -g --defined-only "$lib" | awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ { print $3 }' |
		grep -c -v -E "$not_ours") global symbols in $lib, all mtd_"
fi

# 2. the shared library's exports against the headers' declarations
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for h in "$incdir"/mtdscope/*.h; do
	printf '#include <mtdscope/%s>\n' "${h##*/}"
done >"$work/all.c"
gcc -std=c11 -D_GNU_SOURCE -I"$incdir" -aux-info "$work/aux" -fsyntax-only "$work/all.c" ||
	{ echo "check-symbols: the public headers do not compile on their own"; exit 1; }
# lines: /* include/mtdscope/x.h:12:NC */ extern int mtd_f (int);  (static inline ones are not API)
sed -n 's|^/\* [^ ]*/mtdscope/[a-z0-9_]*\.h:[0-9]*:[A-Z]* \*/ extern .*[ *]\([A-Za-z_][A-Za-z0-9_]*\) (.*|\1|p' \
	"$work/aux" | sort -u >"$work/declared"
nm -D --defined-only "$so" | awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ { print $3 }' | grep -v -E "$not_ours" |
	sort -u >"$work/exported" || true
leaked=$(comm -13 "$work/declared" "$work/exported")
missing=$(comm -23 "$work/declared" "$work/exported")
if [ -n "$leaked" ]; then
	printf '%s\n' "$leaked" | sed 's/^/  /'
	echo "check-symbols: $(printf '%s\n' "$leaked" | wc -l) symbol(s) exported by $so that no header in $incdir/mtdscope/ declares"
	status=1
fi
if [ -n "$missing" ]; then
	printf '%s\n' "$missing" | sed 's/^/  /'
	echo "check-symbols: $(printf '%s\n' "$missing" | wc -l) function(s) declared in $incdir/mtdscope/ that $so does not export (add MTD_API to the declaration, or define it)"
	status=1
fi
[ -n "$leaked$missing" ] ||
	echo "check-symbols: $(wc -l <"$work/exported") symbols exported by $so, the $(wc -l <"$work/declared") functions the headers declare"
exit $status
