#!/usr/bin/env bash
# Every global symbol libmtdscope.a defines must start with mtd_ (the library
# shares the program's namespace with everything it is linked into).
#   check-symbols.sh [path/to/libmtdscope.a]   (default: build-ci, then build)
set -euo pipefail
cd "$(dirname "$0")/.."
lib=${1:-}
if [ -z "$lib" ]; then
	for b in build-ci build; do
		[ -f "$b/libmtdscope.a" ] && { lib=$b/libmtdscope.a; break; }
	done
fi
[ -n "$lib" ] && [ -f "$lib" ] || { echo "check-symbols: no libmtdscope.a (build first)"; exit 1; }
# defined globals: nm types in upper case except U (undefined); weak (W/V) count too
bad=$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ { print $3 }' |
	grep -v -E '^mtd_' | sort -u || true)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | sed 's/^/  /'
	echo "check-symbols: $(printf '%s\n' "$bad" | wc -l) global symbol(s) in $lib without the mtd_ prefix (make them static or rename)"
	exit 1
fi
echo "check-symbols: $(nm -g --defined-only "$lib" | awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/' | wc -l) global symbols in $lib, all mtd_"
