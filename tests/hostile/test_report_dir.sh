#!/usr/bin/env bash
# Issue 10, smaller items: report DIR reads every entry (not 256) and never follows a symlink out
# of DIR; every "raise with --X" hint names an option of the commands that show it (scan, extract).
# The logs are written here.  (The other message items: tests/hostile/test_messages.sh.)
. "$SRCDIR/tests/lib.sh"
M=$MTDSCOPE

# 1. report DIR: 300 files, and a symlink to a secret outside
mkdir "$T/logs"
for i in $(seq 1 300); do
	printf 'system type             : MediaTek MT7628AN ver:1 eco:2\nline %d\n' "$i" > "$T/logs/log$(printf %03d "$i").txt"
done
echo "SECRET-0123456789" > "$T/secret"
ln -s "$T/secret" "$T/logs/zz-secret.txt"
out=$("$M" report "$T/logs" 2> "$T/err")
is "$?" 0 "report of a directory of 300 logs exits 0"
like "$out" "^300 files, 600 lines" "every one of the 300 files is read (not 256)"
like "$(cat "$T/err")" "zz-secret\.txt: a symlink: skipped" "the symlink is named and skipped"
"$M" report --json "$T/logs" > "$T/j" 2>/dev/null
check "the secret behind the symlink is not read" sh -c "! grep -q SECRET '$T/j' && ! printf '%s' \"\$1\" | grep -q SECRET" _ "$out"
mkdir "$T/onlylink"
ln -s "$T/secret" "$T/onlylink/a.txt"
err=$("$M" report "$T/onlylink" 2>&1 >/dev/null)
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "a directory holding only a symlink: fails"
like "$err" "only symlinks, which are not followed" "and says why"

# 2. every "raise with --X" hint is an option of the commands that show it
hints=$(grep -rhoE 'raise with --[a-z-]+' "$SRCDIR/src/lib/scan" "$SRCDIR/src/lib/formats" | sed 's/raise with //' | sort -u)
scan_help=$("$M" scan --help)
extract_help=$("$M" extract --help)
for h in $hints; do
	like "$scan_help" "^ +$h\b" "scan --help has $h (a hint of the scan)"
	like "$extract_help" "^ +$h\b" "extract --help has $h (extract shows the scan's hints)"
done
for h in $(grep -rhoE 'raise with --[a-z-]+' "$SRCDIR/src/lib/extract" | sed 's/raise with //' | sort -u); do
	like "$extract_help" "^ +$h\b" "extract --help has $h (a hint of the extraction)"
done
like "$hints" "--max-depth" "the scan's nesting hint is among them"

done_testing
