#!/usr/bin/env bash
# Reformat src/ and include/ with clang-format (.clang-format) in place: what
# scripts/test.sh checks with --dry-run -Werror.  Pass files to format only those.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
	clang-format -i "$@"
else
	find src include -type f \( -name '*.c' -o -name '*.h' \) -print0 | xargs -0 clang-format -i
fi
