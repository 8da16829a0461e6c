#!/usr/bin/env bash
# Damaged and hostile streams: truncated (invalid, clamped to the end, with
# the reason), broken checksums (invalid, exact extent, which check failed),
# corrupt data, hand-made headers over random bytes (no false matches).
. "$SRCDIR/tests/lib.sh"
DUMP=$1
need xz gzip zstd lz4 lzop sha256sum od dd

{ head -c 300000 /usr/bin/bash; seq 1 20000; } > "$T/in"
in_sha=$(sha256sum < "$T/in" | cut -d' ' -f1)
head -c 500 /dev/zero | tr '\0' 'J' > "$T/junk"

flip() { # FILE OFFSET: change one byte in place
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(((b ^ 0x55) & 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
u32le() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
sz() { stat -c %s "$1"; }
# "offset size valid" and, separately, the problems of the first TYPE component in the file's space
line() { "$DUMP" "$1" | awk -F'\t' -v t="$2" '$2 == t && $3 == -1 { print $4, $5, $6; exit }'; }
problems() { "$DUMP" "$1" | awk -F'\t' -v t="$2" '$2 == t && $3 == -1 { print $9; exit }'; }
decoded_sha() { "$DUMP" "$1" | awk -F'\t' -v t="$2" '$2 == t && $3 == -1 { print $8; exit }'; }

xz -c "$T/in" > "$T/s.xz"
xz --format=lzma -c "$T/in" > "$T/s.lzma"
gzip -c "$T/in" > "$T/s.gz"
zstd -q -c "$T/in" > "$T/s.zst"
lz4 -q -c "$T/in" > "$T/s.lz4"
lz4 -q -BX -c "$T/in" > "$T/s.bx.lz4"
lz4 -l -q -c "$T/in" > "$T/s.lz4l"
lzop -c "$T/in" > "$T/s.lzo"

# ---- truncated: invalid, clamped to the end of the file, reason given ----
for f in s.xz:xz s.lzma:lzma s.gz:gzip s.zst:zstd s.lz4:lz4 s.lz4l:lz4 s.lzo:lzo; do
	file=${f%%:*} t=${f##*:}
	half=$(($(sz "$T/$file") / 2))
	head -c "$half" "$T/$file" > "$T/cut"
	is "$(line "$T/cut" "$t")" "0 $half 0" "$file cut in half: $t, invalid, clamped to the end"
	like "$(problems "$T/cut" "$t")" "truncated" "$file cut in half: says truncated"
done
# gzip missing only its trailer
head -c $(($(sz "$T/s.gz") - 5)) "$T/s.gz" > "$T/cut"
like "$(problems "$T/cut" gzip)" "trailer missing" "gzip without its full trailer: says so"

# ---- xz ----
x="$T/x"
n=$(sz "$T/s.xz")
bsize=$((($(u32le "$T/s.xz" $((n - 8))) + 1) * 4)) # footer backward size: the index
cp "$T/s.xz" "$x"; flip "$x" $((n - 12 - bsize - 1)) # last byte of the block's CRC64
is "$(line "$x" xz)" "0 $n 0" "xz, CRC64 damaged: invalid, exact extent"
like "$(problems "$x" xz)" "integrity check \(CRC64\)" "xz, CRC64 damaged: names the check"
is "$(decoded_sha "$x" xz)" "$in_sha" "xz, CRC64 damaged: content still decoded"
cp "$T/s.xz" "$x"; flip "$x" 8
is "$(line "$x" xz)" "0 $n 0" "xz, stream header CRC32 damaged: invalid, exact extent"
like "$(problems "$x" xz)" "stream header at 0x0: CRC32" "xz, header CRC32 damaged: says so"
is "$(decoded_sha "$x" xz)" "$in_sha" "xz, header CRC32 damaged: content still decoded"
cp "$T/s.xz" "$x"; flip "$x" $((n / 2))
is "$(line "$x" xz)" "0 $n 0" "xz, data damaged: invalid, extent from the footer"
like "$(problems "$x" xz)" "corrupt.*stream footer" "xz, data damaged: says so"
cp "$T/s.xz" "$x"; flip "$x" $((n - 10))
like "$(line "$x" xz)" "^0 [0-9]+ 0$" "xz, footer damaged: invalid"
# data and footer damaged, another xz file after some junk: the other file's footer is not taken
cp "$T/s.xz" "$x"; flip "$x" $((n / 2)); flip "$x" $((n - 12))
cat "$x" "$T/junk" "$T/s.xz" > "$T/x2"
out=$("$DUMP" "$T/x2" | awk -F'\t' '$2 == "xz" && $3 == -1 { print $4, $5, $6 }')
first=$(printf '%s\n' "$out" | head -1)
like "$first" "^0 [0-9]+ 0$" "xz, data and footer damaged: invalid"
ok "$([ "$(echo "$first" | cut -d' ' -f2)" -lt "$n" ] && echo 0 || echo 1)" "xz, data and footer damaged: extent does not reach into the next file"
is "$(printf '%s\n' "$out" | sed -n 2p)" "$((n + 500)) $n 1" "xz, data and footer damaged: the next xz file is found intact"

# ---- gzip ----
g="$T/g"
n=$(sz "$T/s.gz")
cp "$T/s.gz" "$g"; flip "$g" $((n - 8))
is "$(line "$g" gzip)" "0 $n 0" "gzip, CRC32 damaged: invalid, exact extent"
like "$(problems "$g" gzip)" "CRC32 0x[0-9a-f]{8} of the decoded data does not match the trailer" "gzip, CRC32 damaged: says so"
is "$(decoded_sha "$g" gzip)" "$in_sha" "gzip, CRC32 damaged: content still decoded"
cp "$T/s.gz" "$g"; flip "$g" $((n - 2))
is "$(line "$g" gzip)" "0 $n 0" "gzip, ISIZE damaged: invalid, exact extent"
like "$(problems "$g" gzip)" "ISIZE" "gzip, ISIZE damaged: says so"
cp "$T/s.gz" "$g"; flip "$g" $((n / 2))
like "$(line "$g" gzip)" "^0 [0-9]+ 0$" "gzip, deflate data damaged: invalid"
like "$(problems "$g" gzip)" "corrupt|CRC32" "gzip, deflate data damaged: says why"
gzip --rsyncable -c "$T/in" > /dev/null # (tool sanity)
printf '\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\x03' > "$g"; head -c 3000 /dev/urandom | tr -d '\0' >> "$g"
out=$("$DUMP" "$g")
printf '%s\n' "$out" | grep -q "	gzip	" && r=1 || r=0
ok "$r" "gzip header whose name never ends: not a gzip"

# ---- zstd ----
z="$T/z"
n=$(sz "$T/s.zst")
cp "$T/s.zst" "$z"; flip "$z" $((n - 1))
is "$(line "$z" zstd)" "0 $n 0" "zstd, content checksum damaged: invalid, exact extent"
like "$(problems "$z" zstd)" "content checksum \(XXH64\) does not match" "zstd, checksum damaged: says so"
is "$(decoded_sha "$z" zstd)" "$in_sha" "zstd, checksum damaged: content still decoded"
cp "$T/s.zst" "$z"; flip "$z" $((n / 2))
like "$(line "$z" zstd)" "^0 [0-9]+ 0$" "zstd, data damaged: invalid"

# ---- lz4 ----
l="$T/l"
n=$(sz "$T/s.lz4")
cp "$T/s.lz4" "$l"; flip "$l" $((n - 1))
is "$(line "$l" lz4)" "0 $n 0" "lz4, content checksum damaged: invalid, exact extent"
like "$(problems "$l" lz4)" "ontentChecksum" "lz4, content checksum damaged: says so"
cp "$T/s.lz4" "$l"; flip "$l" 6
is "$(line "$l" lz4)" "0 $n 0" "lz4, header checksum damaged: invalid, exact extent (blocks walked)"
like "$(problems "$l" lz4)" "header checksum does not match" "lz4, header checksum damaged: says so"
n=$(sz "$T/s.bx.lz4")
b1=$(u32le "$T/s.bx.lz4" 7)
cp "$T/s.bx.lz4" "$l"; flip "$l" $((7 + 4 + (b1 & 0x7fffffff)))
is "$(line "$l" lz4)" "0 $n 0" "lz4, block checksum damaged: invalid, exact extent"
like "$(problems "$l" lz4)" "lockChecksum" "lz4, block checksum damaged: says so"

# ---- lzo ----
o="$T/o"
n=$(sz "$T/s.lzo")
cp "$T/s.lzo" "$o"; flip "$o" 34 # a byte of the stored name: the header checksum fails
is "$(line "$o" lzo)" "0 $n 0" "lzo, header damaged: invalid, exact extent"
like "$(problems "$o" lzo)" "header Adler-32" "lzo, header damaged: says so"
hdr=$((38 + 2)) # lzop 1.04 header with the 2-byte name "in"
cp "$T/s.lzo" "$o"; flip "$o" $((hdr + 8)) # the first block's Adler-32 of the decoded data
is "$(line "$o" lzo)" "0 $n 0" "lzo, block checksum damaged: invalid, exact extent"
like "$(problems "$o" lzo)" "Adler-32 of the decoded data" "lzo, block checksum damaged: says so"
cp "$T/s.lzo" "$o"; printf '\xff\xff\xff\xff' | dd of="$o" bs=1 seek="$hdr" conv=notrunc status=none
like "$(problems "$o" lzo)" "impossible" "lzo, block claiming 4 GiB: refused without allocating"

# ---- lzma: no checksum, damage shows as corrupt data ----
m="$T/m"
n=$(sz "$T/s.lzma")
cp "$T/s.lzma" "$m"; flip "$m" $((n / 2))
like "$(line "$m" lzma)" "^0 [0-9]+ 0$" "lzma, data damaged: invalid"

# ---- hand-made headers over random bytes: no false matches, quickly ----
head -c 4194304 /dev/urandom > "$T/rand"
for hdr in '\x5d\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00' '\x6d\x00\x00\x00\x01\x00\x00\x10\x00\x00\x00\x00\x00\x00' \
	'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03' '\x02\x21\x4c\x18' '\x89LZO\x00\x0d\x0a\x1a\x0a'; do
	for k in $(seq 1 40); do
		printf "$hdr" | dd of="$T/rand" bs=1 seek=$((k * 100003)) conv=notrunc status=none
	done
done
start=$(date +%s%N)
out=$("$DUMP" --max-ratio 250 "$T/rand")
ms=$((($(date +%s%N) - start) / 1000000))
is "$(printf '%s\n' "$out" | awk -F'\t' '$2 ~ /^(lzma|xz|gzip|zstd|lz4|lzo)$/' | wc -l)" 0 \
	"200 stream headers over random bytes: no stream reported"
ok $((ms > 10000)) "...rejected quickly (${ms} ms for 4 MiB)"

# magic numbers as decompressors keep them in their data, near the end of a file: no claim to the end
for m in '\x28\xb5\x2f\xfd' '\x02\x21\x4c\x18\x00\x00\x10\x00' '\x04\x22\x4d\x18\x64\x40\xa7'; do
	for k in $(seq 1 20); do
		{ head -c 8192 /dev/urandom; printf "$m"; head -c $((k * 97)) /dev/urandom; } > "$T/h"
		"$DUMP" "$T/h" | awk -F'\t' '$2 ~ /^(zstd|lz4)$/ && $3 == -1 && $5 > 64 { print }'
	done > "$T/claims"
	is "$(wc -l < "$T/claims")" 0 "magic $m then random bytes to the end: no stream claims them"
done
# a zstd header random bytes gave (frame header 90 6b fe ab 71 f6, then a raw block of 119 KB that the end
# cuts): the magic and nine header bytes are all the evidence, so no stream is claimed
{ head -c 8192 /dev/urandom; printf '\x28\xb5\x2f\xfd\x90\x6b\xfe\xab\x71\xf6\x51\x86\x0e'; head -c 767 /dev/urandom; } > "$T/h"
is "$("$DUMP" "$T/h" | awk -F'\t' '$2 == "zstd"' | wc -l)" 0 "zstd frame whose first raw block runs past the end: not claimed"
# a frame whose first raw block (200 bytes) is whole and whose second runs past the end is a truncated stream
{ head -c 8192 /dev/urandom; printf '\x28\xb5\x2f\xfd\x00\x40\x40\x06\x00'; head -c 200 /dev/urandom
  printf '\x00\x35\x0c'; head -c 50 /dev/urandom; } > "$T/h"
is "$("$DUMP" "$T/h" | awk -F'\t' '$2 == "zstd" { print $4, ($9 ~ /^truncated/) }')" "8192 1" \
	"...while one whose first block is whole is still found, as truncated"
# the real mipsel vmlinuz keeps the xz magic + zeros in its decompressor, 16 bytes before the real stream
{ head -c 4096 /dev/urandom; printf '\xfd7zXZ\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'; cat "$T/s.xz"; } > "$T/h"
is "$("$DUMP" "$T/h" | awk -F'\t' '$2 == "xz" && $3 == -1 { print $4, $5, $6 }')" "4112 $(sz "$T/s.xz") 1" \
	"xz magic constant just before a real stream: only the real stream, exact"

# an xz stream header with nothing after it, an LZMA header claiming 256 GiB over zeros
printf '\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46' > "$T/h"
like "$(line "$T/h" xz)" "^0 12 0$" "bare xz stream header: invalid, 12 bytes"
{ printf '\x5d\x00\x00\x80\x00\x00\x00\x00\x00\x40\x00\x00\x00'; head -c 65536 /dev/zero; } > "$T/h"
is "$("$DUMP" "$T/h" | awk -F'\t' '$2 == "lzma"' | wc -l)" 0 "LZMA header over zeros: not a stream"
# an LZMA-looking header whose data is a run of 0xFF (yaffs2 packed tags then the erased rest of the spare
# area: 'n', dictionary 4 KiB, a sequence number and object id read as the size), inside text: it decodes
# 16 KiB of repeated matches from under 100 bytes, then fails; not a stream
{ for k in $(seq 1 6); do
	seq 1 900
	printf 'n\x00\x10\x00\x00\x0b\x01\x00\x00\x06\x00\x00\x00\x00\x08\x00\x00'
	head -c 48 /dev/zero | tr '\0' '\377'
done; } > "$T/h"
is "$("$DUMP" "$T/h" | awk -F'\t' '$2 == "lzma"' | wc -l)" 0 "LZMA header over 0xFF runs in text, the last to the end: not a stream"

done_testing
