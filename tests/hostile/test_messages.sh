#!/usr/bin/env bash
# Messages say the truth (issue 10, "Smaller" list): the file to blame is the one named, as the
# user gave it; a hint names an option that exists; the system's reason is said once; sizes that
# were decoded and kept are told apart; layout lines that are left out or wrong say their line.
. "$SRCDIR/tests/lib.sh"
need gzip xz
cd "$T" || exit 1

# diff of two dumps of different sizes names them, not the layout
printf 'dev:    size   erasesize  name\nmtd0: 00030000 00010000 "u-boot"\nmtd1: 007d0000 00010000 "firmware"\n' > L.txt
head -c $((0x800000)) /dev/urandom > S.bin
: > empty
out=$("$MTDSCOPE" diff --layout L.txt S.bin empty 2>&1)
is "$?" 1 "diff of dumps of different sizes fails"
like "$out" "S\.bin is 0x800000 bytes and empty is 0x0 bytes" "diff names both dumps"
if grep -q 'L\.txt' <<<"$out"; then ok 1 "diff does not blame the layout"; else ok 0 "diff does not blame the layout"; fi

# a layout's message names the path given, not its basename
mkdir -p sub/dir
printf 'garbage\n' > sub/dir/g.txt
like "$("$MTDSCOPE" layout sub/dir/g.txt 2>&1)" "^mtdscope: sub/dir/g\.txt: expected a layout" "layout error names sub/dir/g.txt as given"

# the system's reason once
out=$("$MTDSCOPE" console --line "$T/no-such-tty" 2>&1)
is "$(grep -o 'No such file or directory' <<<"$out" | wc -l)" 1 "console: 'No such file or directory' said once"

# extract's hint names extract's own option
cp /etc/hostname n0 2>/dev/null || echo hello > n0
for i in $(seq 1 12); do gzip -nc "n$((i - 1))" > "n$i"; done
out=$("$MTDSCOPE" extract n12 -C x 2>&1)
like "$out" "nesting depth limit 8 reached \(raise with --depth\)" "extract's depth hint says --depth"
if grep -q -- '--max-depth' <<<"$out"; then ok 1 "extract never suggests --max-depth (scan's option)"; else ok 0 "extract never suggests --max-depth (scan's option)"; fi
rm -rf x
"$MTDSCOPE" extract n12 -C x --depth 20 >/dev/null 2>&1
is "$?" 0 "the option the hint names works"

# decoded and kept told apart
head -c 20000000 /dev/zero | xz -c > z.xz
out=$("$MTDSCOPE" scan --max-decoded 1M z.xz 2>&1)
like "$out" "decoding stopped after [0-9.]+ MiB decoded \(the first 1 MiB kept for the scan" \
	"a stopped decode says how much was decoded and how much kept"

# /proc/mtd: a line that does not parse is said with its number; mtdparts '-64k' is refused
printf 'mtd0: 00030000 00010000 "u-boot"\nmtd1: fffffffffffffffffff 00010000 "x"\nmtd2: 00010000 00010000 "y"\n' > ab.txt
like "$("$MTDSCOPE" layout ab.txt 2>&1)" "note: line 2: mtd1 left out" "an absurd /proc/mtd size is reported with its line"
echo 'mtdparts=spi0.0:192k(u-boot),-64k(a)' > mp.txt
out=$("$MTDSCOPE" layout mp.txt 2>&1)
is "$?" 1 "mtdparts '-64k(a)' is refused"
like "$out" "line 1: '-' \(the rest of the device\) followed by a number" "the refusal says why"
done_testing
