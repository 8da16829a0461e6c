#!/usr/bin/env bash
# Streams whose damage must be named, not dropped (issue 12, round 5):
# - legacy .lzma with a known size AND an end marker (xz's good-known_size-with_eopm.lzma and
#   bad-too_big_size-with_eopm.lzma): xz writes the marker, the size field is set here (hand damage,
#   as xz's own test files have it); the right size is a valid stream, a size larger than the data
#   is an invalid one that says where the end marker came; small headers over random bytes stay
#   no stream;
# - a zstd frame cut inside its first block (half of a zstd -19 output): zstd, truncated, while
#   magic numbers over random bytes stay no stream.
. "$SRCDIR/tests/lib.sh"
DUMP=$1
need xz zstd python3

sz() { stat -c %s "$1"; }
line() { "$DUMP" "$1" | awk -F'\t' -v t="$2" '$2 == t && $3 == -1 { print $4, $5, $6; exit }'; }
problems() { "$DUMP" "$1" | awk -F'\t' -v t="$2" '$2 == t && $3 == -1 { print $9; exit }'; }
setsize() { # FILE SIZE OUT: the 8-byte size field of FILE's .lzma header set to SIZE
	python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[5:13] = int(sys.argv[2]).to_bytes(8, "little")
open(sys.argv[3], "wb").write(d)' "$@"
}

# ---- .lzma: known size with an end marker ----
printf 'Hello\nWorld!\n' | xz --format=lzma -c > "$T/t.lzma"
setsize "$T/t.lzma" 13 "$T/k.lzma"
setsize "$T/t.lzma" 14 "$T/kbad.lzma"
check "xz decodes the known-size file with its end marker" xz -dc --format=lzma "$T/k.lzma"
ok "$(xz -dc --format=lzma "$T/kbad.lzma" >/dev/null 2>&1; echo $((! $?)))" "xz refuses the one whose size is one too large"
is "$(line "$T/k.lzma" lzma)" "0 $(sz "$T/k.lzma") 1" "known size 13 + end marker, the whole file: a valid lzma"
is "$(line "$T/kbad.lzma" lzma)" "0 $(sz "$T/kbad.lzma") 0" "size one too large: an invalid lzma, its whole extent"
like "$(problems "$T/kbad.lzma" lzma)" "end marker after 13 decoded bytes, before the 14 the header gives" \
	"...that says where the end marker came"
# the same with a large stream: xz's end marker, the size set to the real size and to 100 more
seq 1 30000 > "$T/big"
xz --format=lzma -c "$T/big" > "$T/b.lzma"
setsize "$T/b.lzma" "$(sz "$T/big")" "$T/bk.lzma"
setsize "$T/b.lzma" $(($(sz "$T/big") + 100)) "$T/bkbad.lzma"
check "xz decodes the large known-size file with its end marker" xz -t --format=lzma "$T/bk.lzma"
is "$(line "$T/bk.lzma" lzma)" "0 $(sz "$T/bk.lzma") 1" "large known size + end marker: a valid lzma"
is "$(line "$T/bkbad.lzma" lzma)" "0 $(sz "$T/bkbad.lzma") 0" "large size 100 too large: an invalid lzma, exact extent"
like "$(problems "$T/bkbad.lzma" lzma)" "end marker after $(sz "$T/big") decoded bytes, before the $(($(sz "$T/big") + 100))" \
	"...naming both sizes"
# inside other data, a known size too large is still found (large sizes are not small-header patterns)
{ head -c 1000 /dev/urandom; cat "$T/bkbad.lzma"; head -c 1000 /dev/urandom; } > "$T/bin"
is "$("$DUMP" "$T/bin" | awk -F'\t' '$2 == "lzma" && $3 == -1 { print $4, $5, $6 }')" "1000 $(sz "$T/bkbad.lzma") 0" \
	"...and so is the same stream inside other bytes, exact"
# a small known size elsewhere than at the start: a header pattern, no stream
{ head -c 1000 /dev/urandom; cat "$T/k.lzma"; head -c 1000 /dev/urandom; } > "$T/kin"
is "$("$DUMP" "$T/kin" | awk -F'\t' '$2 == "lzma" && $3 == -1' | wc -l)" 0 "a small known size inside other data: not a stream"
# false claims: small known-size headers over random bytes at a file's start
mkdir "$T/rl"
python3 -c 'import os, sys
for i in range(1, 401):
    open("%s/%d" % (sys.argv[1], i), "wb").write(b"\x5d\x00\x10\x00\x00" + (i % 31 + 1).to_bytes(8, "little") + b"\x00" + os.urandom(20 + i % 40))' "$T/rl"
n=0
for i in $(seq 1 400); do
	[ -z "$(line "$T/rl/$i" lzma)" ] || { n=$((n + 1)); cp "$T/rl/$i" "$T/claim$n.lzma"; }
done
is "$n" 0 "400 small known-size headers over random bytes at a file's start: no stream"
[ "$n" = 0 ] || for f in "$T"/claim*.lzma; do echo "# claimed: $(od -An -tx1 "$f" | tr -d '\n')"; done

# ---- zstd cut inside its first block ----
# compressible input under one 128 KiB block: zstd -19 makes one compressed block (Huffman literals)
{ seq 1 9000; head -c 20000 /dev/urandom | od -An -tx1; } | head -c 100000 > "$T/z.in"
zstd -q -19 -c "$T/z.in" > "$T/z.zst"
half=$(($(sz "$T/z.zst") / 2))
head -c "$half" "$T/z.zst" > "$T/zcut"
ok "$(zstd -t "$T/zcut" >/dev/null 2>&1; echo $((! $?)))" "zstd -t refuses the frame cut in half"
is "$(line "$T/zcut" zstd)" "0 $half 0" "zstd -19 frame cut inside its first (compressed) block: zstd, invalid, to the end"
like "$(problems "$T/zcut" zstd)" "truncated" "...truncated"
# cut inside the Huffman literals themselves (a file that is the cut .zst): zstd, truncated
seq 1 3000 | zstd -q -19 -c > "$T/zl.zst"
head -c $(($(sz "$T/zl.zst") / 2)) "$T/zl.zst" > "$T/zlcut"
is "$(line "$T/zlcut" zstd)" "0 $(($(sz "$T/zl.zst") / 2)) 0" "zstd -19 frame cut inside its first block's literals: zstd, invalid"
# incompressible input: one raw block of the whole content
head -c 60000 /dev/urandom > "$T/zr.in"
zstd -q -19 -c "$T/zr.in" > "$T/zr.zst"
head -c $(($(sz "$T/zr.zst") / 2)) "$T/zr.zst" > "$T/zrcut"
is "$(line "$T/zrcut" zstd)" "0 $(($(sz "$T/zr.zst") / 2)) 0" "zstd frame of one raw block cut in half: zstd, invalid"
# the same cut frames inside other bytes, cut by the end of the file
{ head -c 5000 /dev/urandom; cat "$T/zcut"; } > "$T/zin"
is "$(line "$T/zin" zstd)" "5000 $half 0" "...and after other bytes, at its offset"
# false claims: the magic then random bytes to the end (the first block cut by the end)
mkdir "$T/rz"
python3 -c 'import os, sys
for i in range(1, 401):
    open("%s/%d" % (sys.argv[1], i), "wb").write(os.urandom(64) + b"\x28\xb5\x2f\xfd" + os.urandom(50 + 37 * i))' "$T/rz"
n=0
for i in $(seq 1 400); do
	[ -z "$(line "$T/rz/$i" zstd)" ] || n=$((n + 1))
done
is "$n" 0 "400 zstd magics over random bytes running to the end: no stream"

done_testing
