#!/usr/bin/env bash
# The command line: help, version, and one-line errors for bad inputs.
. "$SRCDIR/tests/lib.sh"

out=$("$MTDSCOPE" --version); like "$out" '^mtdscope [0-9]+\.[0-9]+' "--version"
out=$("$MTDSCOPE" help); like "$out" 'scan' "help lists scan"
out=$("$MTDSCOPE" scan --help); like "$out" 'usage: mtdscope scan' "scan --help"
"$MTDSCOPE" nosuch >/dev/null 2>&1; is "$?" 2 "unknown command exits 2"
"$MTDSCOPE" scan --max-depth x f >/dev/null 2>&1; is "$?" 2 "bad option value exits 2"

one_line_error() { # FILE DESCRIPTION REGEX
	local err rc
	err=$("$MTDSCOPE" scan "$1" 2>&1 >/dev/null); rc=$?
	is "$rc" 1 "$2 exits 1"
	is "$(printf '%s\n' "$err" | wc -l)" 1 "$2 gives one line"
	like "$err" "$3" "$2 message"
}
: > "$T/empty"
one_line_error "$T/empty" "empty file" "empty.*0 bytes"
mkdir "$T/nothing"
one_line_error "$T/nothing" "directory without files" "nothing: no file to scan"
mkfifo "$T/fifo"
one_line_error "$T/fifo" "FIFO" "is a FIFO"
one_line_error /dev/zero "/dev/zero" "character device"
one_line_error "$T/missing" "missing file" "missing: cannot open: No such file"
if [ "$(id -u)" -ne 0 ]; then
	echo x > "$T/unreadable"; chmod 000 "$T/unreadable"
	one_line_error "$T/unreadable" "unreadable file" "Permission denied"
else
	echo x > "$T/unreadable"; chmod 000 "$T/unreadable"
	err=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$MTDSCOPE" scan "$T/unreadable" 2>&1 >/dev/null)
	# the temp dir itself may not be reachable for nobody: either message names the file
	like "$err" "unreadable: cannot open: Permission denied" "unreadable file message"
	chmod 700 "$T"; chmod o+x "$T" 2>/dev/null
fi

head -c 65536 /dev/urandom > "$T/rand"
out=$("$MTDSCOPE" scan --json "$T/rand")
is "$(printf '%s' "$out" | jq -r '.size')" 65536 "json size"
is "$(printf '%s' "$out" | jq '[.components[] | select(.parent == null) | .size] | add')" 65536 "top level covers every byte"
is "$(printf '%s' "$out" | jq -r '.components[0].type')" random "random bytes classified random"
out=$("$MTDSCOPE" scan --color=never "$T/rand")
like "$out" 'random' "text output"
if printf '%s' "$out" | grep -q $'\033'; then ok 1 "no colour when not a terminal"; else ok 0 "no colour when not a terminal"; fi
done_testing
