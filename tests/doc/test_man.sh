#!/usr/bin/env bash
# The man pages: one a command plus mtdscope(1), each renders with man(1) without a
# warning, has the sections of a man page, and names every option the command's
# --help shows (the options are read from --help here, independently of the generator).
. "$SRCDIR/tests/lib.sh"
need man groff
export LC_ALL=C MANWIDTH=100 ASAN_OPTIONS=detect_leaks=0
commands=$("$MTDSCOPE" help | sed -n '/^commands:/,/^$/p' | awk 'NF >= 2 && $1 != "commands:" && $1 != "help" {print $1}')
is "$(printf '%s\n' $commands | wc -l)" 18 "mtdscope help lists 18 commands (plus help)"

render() { # PAGE -> rendered text in $T/out, man's and groff's warnings in $T/err
	man --warnings=w -E ascii -l "$1" >"$T/out" 2>"$T/err"
}
check_page() { # PAGE TITLE
	local page=$1 title=$2
	render "$page"
	ok $? "$title: man -l renders it"
	is "$(cat "$T/err")" "" "$title: no warning from man/groff"
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
		grep -q "^$s\$" "$T/out"
		ok $? "$title: has $s"
	done
}

check_page "$DOCDIR/mtdscope.1" "mtdscope(1)"
grep -q "^COMMANDS\$" "$T/out"
ok $? "mtdscope(1): has COMMANDS"
for c in $commands; do
	grep -q "mtdscope-$c(1)" "$T/out"
	ok $? "mtdscope(1) lists mtdscope-$c(1)"
done
"$MTDSCOPE" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$T/top-opts"
miss=$(while read -r o; do grep -q -- "$o" "$T/out" || echo "$o"; done <"$T/top-opts")
is "$miss" "" "mtdscope(1) has every option of mtdscope --help"

for c in $commands; do
	page=$DOCDIR/mtdscope-$c.1
	[ -f "$page" ]
	ok $? "mtdscope-$c.1 exists"
	check_page "$page" "mtdscope-$c(1)"
	summary=$("$MTDSCOPE" help | awk -v c="$c" '$1 == c { $1 = ""; sub(/^ +/, ""); print }')
	# the NAME line, rejoined when man wrapped it
	name=$(sed -n '/^NAME$/,/^SYNOPSIS$/p' "$T/out" | sed '1d;$d' | tr -s ' \n' '  ' | sed 's/^ //;s/ $//')
	is "$name" "mtdscope-$c - $summary" "mtdscope-$c(1): NAME is the table's summary"
	"$MTDSCOPE" "$c" --help >"$T/help"
	# every option on an option line of --help (two spaces, then -x or --long ...)
	grep -E '^ {1,4}-' "$T/help" | sed -E 's/^ +//; s/  .*//' | grep -oE -- '(^|[ ,/])--?[A-Za-z][A-Za-z0-9-]*' |
		sed 's/^[ ,\/]//' | sort -u >"$T/opts"
	[ -s "$T/opts" ]
	ok $? "mtdscope $c --help shows options"
	sed -n '/^OPTIONS$/,/^EXIT STATUS$/p' "$T/out" >"$T/optsec"
	miss=$(while read -r o; do grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" "$T/optsec" || echo "$o"; done <"$T/opts")
	is "$miss" "" "mtdscope-$c(1): OPTIONS has every option of --help"
	# an exit status the help states is the page's
	want=$(tr '\n' ' ' <"$T/help" | grep -o 'Exit status: [^.]*' | sed 's/^Exit status: //' | tr -s ' ')
	if [ -n "$want" ]; then
		got=$(sed -n '/^EXIT STATUS$/,/^SEE ALSO$/p' "$T/out" | sed '1d;$d' | tr '\n' ' ' | tr -s ' ' | sed 's/^ //')
		like "$got" "^$(printf '%s' "$want" | sed 's/[][\.*^$()|+?{}]/\\&/g')" "mtdscope-$c(1): EXIT STATUS is the help's"
	fi
done

# the generator refuses a program whose commands are not the table's
out=$(python3 "$SRCDIR/doc/gen-cli-docs.py" "$MTDSCOPE" "$T" scan 2>&1)
ok $((! $?)) "gen-cli-docs.py fails when the table and the program disagree"
like "$out" "command table" "... and says so"
done_testing
