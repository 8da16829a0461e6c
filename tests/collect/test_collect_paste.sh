#!/usr/bin/env bash
# mtdscope collect --paste: the printf lines, run by a real busybox shell (busybox-static's sh,
# and the mipsel busybox of busybox-static:mipsel under qemu-mipsel when sample/debs has it),
# rebuild the file byte for byte, and the md5sum the shell prints equals the expected value on
# the last line; every line is printable ASCII and within --line-max.
. "$SRCDIR/tests/lib.sh"
need busybox md5sum jq
prog=${COLLECT_MIPSEL:-}
[ -n "$prog" ] && [ -f "$prog" ] || prog=$COLLECT
mkdir -p "$T/dev"
"$MTDSCOPE" collect --paste "$prog" --to "$T/dev/collect" -o "$T/paste.sh" --json >"$T/paste.json" 2>"$T/err"
ok $? "collect --paste writes the lines"
like "$(cat "$T/err")" "^mtdscope collect: $T/paste.sh: [0-9]+ lines \\([0-9]+ bytes, the longest [0-9]+\\) for $T/dev/collect; the device must print MD5 [0-9a-f]{32}\$" \
	"and says how many lines and the MD5 to expect"
want=$(md5sum <"$prog" | cut -d' ' -f1)
is "$(jq -r .md5 "$T/paste.json")" "$want" "--json: the MD5 is md5sum's"
is "$(tail -1 "$T/paste.sh")" "# the device must print: $want  $T/dev/collect" "the last line: what the device must print"
is "$(LC_ALL=C grep -c '[^ -~]' "$T/paste.sh")" 0 "printable ASCII only"
longest=$(awk '{ if (length($0) + 1 > m) m = length($0) + 1 } END { print m }' "$T/paste.sh")
ok $([ "$longest" -le 900 ]; echo $?) "every line within 900 bytes with its newline (longest $longest)"
is "$(jq -r .longest_line "$T/paste.json")" "$longest" "--json: longest_line"
is "$(jq -r .lines "$T/paste.json")" "$(wc -l <"$T/paste.sh")" "--json: lines"
out=$(busybox sh "$T/paste.sh" 2>&1)
is "$out" "$want  $T/dev/collect" "busybox sh runs the lines: the only output is md5sum's, equal to the expected"
cmp -s "$T/dev/collect" "$prog"
ok $? "the file rebuilt equals the program"
is "$(stat -c %a "$T/dev/collect")" 755 "executable"
[ ! -e "$T/dev/collect.part" ]
ok $? "no .part left"
# a shorter line limit, and all 256 byte values (NUL, quote, backslash, percent)

LC_ALL=C awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i }' >"$T/bytes"
is "$(stat -c %s "$T/bytes")" 256 "a file of the 256 byte values"
"$MTDSCOPE" collect --paste "$T/bytes" --to "$T/dev/bytes" --line-max 200 >"$T/b.sh" 2>/dev/null
ok $? "--line-max 200 (to standard output)"
ok $(awk '{ if (length($0) + 1 > 200) bad = 1 } END { print bad + 0 }' "$T/b.sh") "every line within 200 bytes"
"$MTDSCOPE" collect --paste "$T/bytes" --to "/tmp/$(printf "x%.0s" $(seq 60))" --line-max 80 >/dev/null 2>"$T/err"
is "$?" 2 "--line-max too small for the path: usage error"
busybox sh "$T/b.sh" >/dev/null 2>&1
cmp -s "$T/dev/bytes" "$T/bytes"
ok $? "busybox sh rebuilds every byte value"
if command -v qemu-mipsel >/dev/null && ls "$SRCDIR"/sample/debs/busybox-static_*_mipsel.deb >/dev/null 2>&1; then
	mkdir "$T/bb"
	dpkg -x "$(ls "$SRCDIR"/sample/debs/busybox-static_*_mipsel.deb | head -1)" "$T/bb"
	rm -f "$T/dev/collect"
	out=$(qemu-mipsel "$T/bb/bin/busybox" sh "$T/paste.sh" 2>&1)
	is "$out" "$want  $T/dev/collect" "the mipsel busybox's sh (qemu-mipsel) prints the expected MD5"
	cmp -s "$T/dev/collect" "$prog"
	ok $? "and rebuilds the program"
else
	echo "# no busybox-static mipsel deb in sample/debs: the mipsel shell's run is left out"
fi
"$MTDSCOPE" collect --paste "$prog" --to 'relative/x' >/dev/null 2>&1
is "$?" 2 "--to must be an absolute path of plain words (exit 2)"
"$MTDSCOPE" collect --paste "$prog" --to '/tmp/$(reboot)' >/dev/null 2>&1
is "$?" 2 "no shell syntax in --to"
"$MTDSCOPE" collect --paste "$prog" --json >/dev/null 2>&1
is "$?" 2 "--json without -o: usage error"
done_testing
