#!/usr/bin/env bash
# Generate mtdscope.1 from the program itself: `mtdscope --help`, `--version`
# and every command's `--help`, so the man page always matches the program.
# Uses help2man when installed, otherwise writes the same page directly.
#   gen-man.sh MTDSCOPE OUTPUT
set -euo pipefail
exe=$1 out=$2
export LC_ALL=C ASAN_OPTIONS=detect_leaks=0

roff() { # plain text -> roff-safe lines
	sed -e 's/\\/\\e/g' -e 's/^\([.'"'"'[]\)/\\\&\1/'
}
commands=$("$exe" help | sed -n '/^commands:/,/^$/p' | awk 'NF >= 2 && $1 != "commands:" && $1 != "help" {print $1}')
[ -n "$commands" ] || { echo "gen-man: '$exe help' lists no commands" >&2; exit 1; }

inc=$(mktemp)
trap 'rm -f "$inc" "$inc.page" "$inc.help"' EXIT
{
	echo '[COMMAND DETAILS]'
	for c in $commands; do
		echo ".SS \"mtdscope $c\""
		echo '.nf'
		if ! "$exe" "$c" --help >"$inc.help" 2>&1; then
			echo "gen-man: warning: 'mtdscope $c --help' failed: $(head -1 "$inc.help")" >&2
		fi
		roff <"$inc.help"
		echo '.fi'
	done
	echo '[SEE ALSO]'
	echo 'The JSON output of \fBmtdscope scan \-\-json\fR is documented in doc/scan\-json.md of the source tree.'
} >"$inc"

if command -v help2man >/dev/null; then
	help2man --no-info --section=1 --name="know, back up, flash and recover MediaTek routers" \
		--include="$inc" --output="$inc.page" "$exe"
else
	ver=$("$exe" --version | awk '{print $2}')
	{
		echo ".TH MTDSCOPE 1 \"\" \"mtdscope $ver\" \"User Commands\""
		echo '.SH NAME'
		echo 'mtdscope \- know, back up, flash and recover MediaTek routers'
		echo '.SH SYNOPSIS'
		echo '.nf'
		"$exe" --help | roff
		echo '.fi'
		sed -e 's/^\[\(.*\)\]$/.SH "\1"/' "$inc"
	} >"$inc.page"
fi
mv "$inc.page" "$out"
