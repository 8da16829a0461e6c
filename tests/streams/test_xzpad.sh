#!/usr/bin/env bash
# xz Stream Padding at the end of an .xz file: zero bytes after the last stream that reach the end of
# the space belong to the file when they are a multiple of four (xz -l counts them, xz -t accepts the
# file) and are a named defect when they are not (xz -t: "Compressed data is corrupt").  Inside a
# larger space (a dump) zeros after a stream stay what they are.
. "$SRCDIR/tests/lib.sh"
DUMP=$1
need xz stat
line() { "$DUMP" "$1" | awk -F'\t' '$2 == "xz" && $3 == -1 { print $4, $5, $6; exit }'; }
problems() { "$DUMP" "$1" | awk -F'\t' '$2 == "xz" && $3 == -1 { print $9; exit }'; }
seq 1 3000 | xz -c > "$T/s.xz"
n=$(stat -c %s "$T/s.xz")
for pad in 4 8 1024; do
	{ cat "$T/s.xz"; head -c "$pad" /dev/zero; } > "$T/p$pad.xz"
	xz -t "$T/p$pad.xz" 2>/dev/null; ok $? "xz -t accepts $pad bytes of padding"
	is "$(line "$T/p$pad.xz")" "0 $((n + pad)) 1" "$pad zero bytes after the stream: Stream Padding, in the xz's extent"
done
for pad in 1 5 7; do
	{ cat "$T/s.xz"; head -c "$pad" /dev/zero; } > "$T/b$pad.xz"
	xz -t "$T/b$pad.xz" 2>/dev/null; ok $([ $? -ne 0 ]; echo $?) "xz -t refuses $pad bytes of padding"
	is "$(line "$T/b$pad.xz")" "0 $n 0" "$pad zero bytes after the stream: the stream alone, invalid"
	like "$(problems "$T/b$pad.xz")" "the $pad zero bytes? after the last stream.*not a multiple of four" \
		"$pad zero bytes: the defect is named"
done
# an empty stream (no blocks: xz of nothing) with 5 zero bytes after it, as xz's bad-0pad-empty.xz
xz -c </dev/null > "$T/empty.xz"
{ cat "$T/empty.xz"; head -c 5 /dev/zero; } > "$T/e5.xz"
xz -t "$T/e5.xz" 2>/dev/null; ok $([ $? -ne 0 ]; echo $?) "xz -t refuses an empty stream with 5 bytes of padding"
like "$(problems "$T/e5.xz")" "the 5 zero bytes after the last stream.*not a multiple of four" \
	"empty stream + 5 zero bytes: the defect is named (4 of them are not an appended size 0)"
{ cat "$T/empty.xz"; head -c 4 /dev/zero; } > "$T/e4.xz"
is "$(line "$T/e4.xz")" "0 $(($(stat -c %s "$T/empty.xz") + 4)) 1" "empty stream + 4 zero bytes: Stream Padding, valid"
# the same stream inside other data, followed by zeros that end the space: not the file's padding
{ head -c 100 /dev/urandom | tr '\0' 'x'; cat "$T/s.xz"; head -c 5 /dev/zero; } > "$T/in.bin"
is "$(line "$T/in.bin")" "100 $n 1" "inside other data: the stream alone, valid (the zeros are not its padding)"
# zeros followed by something else are not padding either
{ cat "$T/s.xz"; head -c 8 /dev/zero; printf 'tail'; } > "$T/t.bin"
is "$(line "$T/t.bin")" "0 $n 1" "zeros then other bytes: the stream alone, valid"
done_testing
