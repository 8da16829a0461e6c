#!/usr/bin/env bash
# Stream formats made by the real tools: the extent is the exact compressed
# length (alone, after junk, before junk, before another stream), the decoded
# bytes are the tool's own -d output, and the details are its -l view.
. "$SRCDIR/tests/lib.sh"
DUMP=$1
need xz gzip zstd lz4 lzop jq sha256sum lzma_alone bzip2

# Part of a real binary plus text: compressible like a kernel, ~600 KiB.
{ head -c 400000 /usr/bin/bash; seq 1 30000; } > "$T/in"
in_sha=$(sha256sum < "$T/in" | cut -d' ' -f1)
in_size=$(stat -c %s "$T/in")
head -c 1000 /dev/urandom > "$T/junk1"
head -c 777 /dev/urandom > "$T/junk2"

make_stream() { # KIND OUT: compress $T/in with the real tool
	case $1 in
	xz) xz -c "$T/in" > "$2" ;;
	xz-sha256) xz -C sha256 --block-size=200000 -c "$T/in" > "$2" ;;
	lzma) xz --format=lzma -c "$T/in" > "$2" ;;
	lzma-sdk) lzma_alone e "$T/in" "$2" -lc1 -lp2 -pb2 >/dev/null 2>&1 ;; # OpenWrt's kernel options
	lzma-eos) lzma_alone e "$T/in" "$2" -eos >/dev/null 2>&1 ;;
	gzip) gzip -9 -c "$T/in" > "$2" ;;
	bzip2) bzip2 -9 -c "$T/in" > "$2" ;;
	bzip2-1) bzip2 -1 -c "$T/in" > "$2" ;; # 100k blocks: several
	zstd) zstd -q -c "$T/in" > "$2" ;;
	lz4) lz4 -q -c "$T/in" > "$2" ;;
	lz4-bc) lz4 -q -BD -B4 --content-size -BX -c "$T/in" > "$2" ;;
	lz4-legacy) lz4 -l -q -c "$T/in" > "$2" ;;
	lzo) lzop -c "$T/in" > "$2" ;;
	lzo-crc) lzop -9 --crc32 -c "$T/in" > "$2" ;;
	esac
}
tool_decode() { # KIND FILE: the tool's own decoding
	case $1 in
	xz*|lzma) xz -dc "$2" ;;
	lzma-sdk|lzma-eos) lzma_alone d "$2" "$T/sdk.out" >/dev/null 2>&1 && cat "$T/sdk.out" ;;
	gzip) gzip -dc "$2" ;;
	bzip2*) bzip2 -dc "$2" ;;
	zstd) zstd -q -dc "$2" ;;
	lz4*) lz4 -q -dc "$2" ;;
	lzo*) lzop -dc "$2" ;;
	esac
}
type_of() { case $1 in lzma-*) echo lzma ;; *) echo "${1%%-*}" ;; esac; }

# "offset size valid decoded_len sha" of the first TYPE component of the input file's space
comp_line() { # FILE TYPE [stream_dump options]
	local f=$1 t=$2
	shift 2
	"$DUMP" "$@" "$f" | awk -F'\t' -v t="$t" '$2 == t && $3 == -1 { print $4, $5, $6, $7, $8; exit }'
}
json_comp() { # FILE TYPE JQ-EXPR [scan options]: evaluate on the first TYPE component
	local f=$1 t=$2 e=$3
	shift 3
	"$MTDSCOPE" scan --json "$@" "$f" | jq -r "[.components[] | select(.type == \"$t\" and .space == null)][0] | $e"
}

for kind in xz xz-sha256 lzma lzma-sdk lzma-eos gzip bzip2 bzip2-1 zstd lz4 lz4-bc lz4-legacy lzo lzo-crc; do
	s="$T/s.$kind"
	make_stream "$kind" "$s"
	t=$(type_of "$kind")
	size=$(stat -c %s "$s")
	tool_sha=$(tool_decode "$kind" "$s" | sha256sum | cut -d' ' -f1)
	is "$tool_sha" "$in_sha" "$kind: the tool itself round-trips"
	is "$(comp_line "$s" "$t")" "0 $size 1 $in_size $in_sha" "$kind: alone: exact extent, valid, decoded bytes = the tool's"

	cat "$T/junk1" "$s" "$T/junk2" > "$T/j"
	is "$(comp_line "$T/j" "$t" | cut -d' ' -f1-4)" "1000 $size 1 $in_size" "$kind: between junk: exact extent"

	# followed directly by another stream of another format
	if [ "$t" = gzip ]; then other=zstd; else other=gzip; fi
	make_stream "$other" "$T/o"
	cat "$s" "$T/o" > "$T/two"
	out=$("$DUMP" "$T/two")
	is "$(printf '%s\n' "$out" | awk -F'\t' -v t="$t" '$2 == t && $3 == -1 { print $4, $5, $6 }')" "0 $size 1" \
		"$kind: followed by $other: exact extent"
	is "$(printf '%s\n' "$out" | awk -F'\t' -v t="$other" '$2 == t && $3 == -1 { print $4, $6 }')" "$size 1" \
		"$kind: the $other after it starts where it ends"

	# top-level scan: same extent, size known, nothing kept
	is "$(comp_line "$s" "$t" --top-level | cut -d' ' -f1-5)" "0 $size 1 0 -" "$kind: top-level: exact extent, nothing kept"
	is "$(json_comp "$s" "$t" '.details.uncompressed_size' --top-level)" "$in_size" "$kind: top-level: uncompressed size"
done

# ---- details against each tool's -l view ----
x="$T/s.xz-sha256"
want=$(xz -l --robot "$x" | awk -F'\t' '$1 == "totals" { print $2, $3, $5, $7 }')
is "$(json_comp "$x" xz '"\(.details.streams) \(.details.blocks) \(.details.uncompressed_size) \(.details.check)"')" \
	"$want" "xz: streams, blocks, size, check = xz -l --robot"
cat "$T/s.xz" "$T/s.xz" > "$T/xx"
printf '\0\0\0\0\0\0\0\0' >> "$T/s.xz-sha256.pad"
cat "$T/s.xz" "$T/s.xz-sha256.pad" "$T/s.xz-sha256" > "$T/xpad"
for f in "$T/xx" "$T/xpad"; do
	want=$(xz -l --robot "$f" | awk -F'\t' '$1 == "totals" { print $2, $3, $5, $8, $4 }')
	is "$(json_comp "$f" xz '"\(.details.streams) \(.details.blocks) \(.details.uncompressed_size) \(.details.stream_padding // 0) \(.size)"')" \
		"$want" "xz: concatenated streams$( [ "$f" = "$T/xpad" ] && echo ' with padding') = xz -l --robot"
done
is "$(comp_line "$T/xpad" xz | cut -d' ' -f5)" "$(xz -dc "$T/xpad" | sha256sum | cut -d' ' -f1)" "xz: padded streams decode like xz -d"

g="$T/s.gzip"
want=$(gzip -lvN "$g" | awk 'NR == 2 { n = split($9, a, "/"); print $2, $7, a[n] }')
read -r c u n < <(json_comp "$g" gzip '"\(.details.crc32) \(.details.uncompressed_size) \(.details.name)"')
is "$(printf '%08x %s %s' "$c" "$u" "$n")" \
	"$want" "gzip: CRC32, size, stored name = gzip -lvN"
cat "$g" "$g" > "$T/gg"
is "$(json_comp "$T/gg" gzip '"\(.details.members) \(.size) \(.details.uncompressed_size)"')" \
	"2 $(stat -c %s "$T/gg") $((2 * in_size))" "gzip: two members are one component"
is "$(comp_line "$T/gg" gzip | cut -d' ' -f5)" "$(gzip -dc "$T/gg" | sha256sum | cut -d' ' -f1)" "gzip: two members decode like gzip -d"

z="$T/s.zstd"
want=$(zstd -lv "$z" 2>/dev/null | awk '/Zstandard Frames/ { f = $4 } /^Check:/ { c = $2 } /Decompressed Size/ { gsub(/[()]/, "", $5); d = $5 } END { print f, c, d }')
is "$(json_comp "$z" zstd '"\(.details.frames) \(.details.checksum) \(.details.content_size)"')" "$want" \
	"zstd: frames, check, content size = zstd -lv"
# frames with a skippable frame between them (as pzstd and the seekable format write)
printf '\x50\x2a\x4d\x18\x05\x00\x00\x00hello' > "$T/skip"
cat "$z" "$T/skip" "$z" > "$T/zz"
# zstd -l counts skippable frames among its frames
want=$(zstd -l "$T/zz" 2>/dev/null | awk 'NR == 2 { print $1, $2 }')
is "$(json_comp "$T/zz" zstd '"\(.details.frames + .details.skippable_frames) \(.details.skippable_frames) \(.size)"')" \
	"$want $(stat -c %s "$T/zz")" "zstd: frames and skippable frames = zstd -l, one component"
is "$(comp_line "$T/zz" zstd | cut -d' ' -f5)" "$(zstd -q -dc "$T/zz" | sha256sum | cut -d' ' -f1)" "zstd: decodes like zstd -d"

for k in lz4 lz4-bc; do
	l="$T/s.$k"
	want=$(lz4 -v --list "$l" 2>&1 | awk '$2 == "LZ4Frame" { print $3, $4, $5 }')
	got=$(json_comp "$l" lz4 '"\(.details.block_max) \(.details.content_checksum) \(.size)"' |
		sed 's/^64 KiB/B4/; s/^256 KiB/B5/; s/^1 MiB/B6/; s/^4 MiB/B7/; s/ true / XXH32 /; s/ false / - /')
	want=$(printf '%s' "$want" | sed 's/^\(B[4-7]\)[ID]/\1/')
	is "$got" "$want" "$k: block size, content checksum, compressed size = lz4 --list"
done
is "$(json_comp "$T/s.lz4-bc" lz4 '"\(.details.block_checksum) \(.details.content_size)"')" "true $in_size" \
	"lz4: block checksums and content size flags"
want=$(lz4 -v --list "$T/s.lz4-legacy" 2>&1 | awk '$2 == "LegacyFrame" { print $5 }')
is "$(json_comp "$T/s.lz4-legacy" lz4 '"\(.details.variant) \(.size)"')" "legacy $want" "lz4 legacy: size = lz4 --list"
# the kernel appends the decoded size (LE32) after a legacy lz4 payload
cp "$T/s.lz4-legacy" "$T/kl"
printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((in_size & 255)) $((in_size >> 8 & 255)) $((in_size >> 16 & 255)) $((in_size >> 24 & 255)))" >> "$T/kl"
is "$(json_comp "$T/kl" lz4 '"\(.size) \(.details.size_appended)"')" "$(stat -c %s "$T/kl") true" \
	"lz4 legacy: the kernel's appended size is part of it"
# more than one 8 MiB block
for i in $(seq 1 18); do cat "$T/in"; done > "$T/big"
lz4 -l -q -c "$T/big" > "$T/big.lz4"
is "$(comp_line "$T/big.lz4" lz4 | cut -d' ' -f1-5)" \
	"0 $(stat -c %s "$T/big.lz4") 1 $(stat -c %s "$T/big") $(sha256sum < "$T/big" | cut -d' ' -f1)" "lz4 legacy: several 8 MiB blocks"

for k in lzo lzo-crc; do
	# lzop -l writes LZO1X-999 with its level: LZO1X-999/9
	want=$(lzop -lN "$T/s.$k" | awk 'NR == 2 { n = split($5, a, "/"); print $1, $3, a[n] }')
	is "$(json_comp "$T/s.$k" lzo '"\(.details.method)\(if .details.method == "LZO1X-999" then "/\(.details.level)" else "" end) \(.details.uncompressed_size) \(.details.name)"')" \
		"$want" "$k: method, size, stored name = lzop -lN"
done

is "$(json_comp "$T/s.lzma-sdk" lzma '"\(.details.properties) \(.details.dict_size) \(.details.size_in_header)"')" \
	"lc=1 lp=2 pb=2 8 MiB $in_size" "lzma (LZMA SDK, OpenWrt options): properties and sizes from the header"
is "$(json_comp "$T/s.lzma" lzma '"\(.details.properties) \(.details.size_in_header)"')" \
	"lc=3 lp=0 pb=2 unknown (end marker)" "lzma (xz --format=lzma): default properties, size unknown"

# ---- bzip2: block size, concatenated streams, damage against bzip2 -t ----
is "$(json_comp "$T/s.bzip2-1" bzip2 '.details.block_size')" "100k" "bzip2 -1: block size from the header"
is "$(json_comp "$T/s.bzip2" bzip2 '.details.block_size')" "900k" "bzip2 -9: block size from the header"
cat "$T/s.bzip2" "$T/s.bzip2-1" > "$T/bb"
is "$(json_comp "$T/bb" bzip2 '"\(.details.streams) \(.size) \(.details.uncompressed_size)"')" \
	"2 $(stat -c %s "$T/bb") $((2 * in_size))" "bzip2: two streams are one component"
is "$(comp_line "$T/bb" bzip2 | cut -d' ' -f5)" "$(bzip2 -dc "$T/bb" | sha256sum | cut -d' ' -f1)" "bzip2: two streams decode like bzip2 -d"
: | bzip2 -c > "$T/empty.bz2"
cat "$T/junk1" "$T/empty.bz2" "$T/junk2" > "$T/ebz"
is "$(json_comp "$T/ebz" bzip2 '"\(.offset) \(.size) \(.valid)"')" "1000 $(stat -c %s "$T/empty.bz2") true" "bzip2: an empty stream (end mark only)"
cp "$T/s.bzip2-1" "$T/bzbad"
n=$(stat -c %s "$T/bzbad")
printf '\x55' | dd of="$T/bzbad" bs=1 seek=$((n / 2)) conv=notrunc status=none
bzip2 -t "$T/bzbad" 2>/dev/null && r=1 || r=0
ok "$r" "bzip2 -t rejects the damaged stream"
is "$(json_comp "$T/bzbad" bzip2 '"\(.offset) \(.valid) \(.problems | length > 0)"')" "0 false true" \
	"bzip2, a block damaged: invalid, with a problem"
head -c $((n / 2)) "$T/s.bzip2-1" > "$T/bzcut"
is "$(json_comp "$T/bzcut" bzip2 '"\(.size) \(.valid) \(.problems[0] | test("truncated"))"')" "$((n / 2)) false true" \
	"bzip2, cut in the middle: truncated at the end of the file"

# ---- lzma: every properties byte and dictionary size xz writes (size unknown), the common ones with a known size ----
# props = lc + lp*9 + pb*45; xz allows lc+lp <= 4, the LZMA SDK lc <= 8, lp <= 4, pb <= 4.
lz_props() { echo "lc=$(($1 % 9)) lp=$(($1 / 9 % 5)) pb=$(($1 / 45))"; }
lz_case() { # NAME FILE: exact extent, valid, decoded like the tool, properties and dictionary from the header
	local name=$1 f=$2 pb dict
	pb=$(od -An -tu1 -N1 "$f" | tr -d ' ')
	dict=$(od -An -tu4 -j1 -N4 "$f" | tr -d ' ')
	is "$(comp_line "$f" lzma | cut -d' ' -f1-5)" "0 $(stat -c %s "$f") 1 $in_size $in_sha" "lzma $name: exact extent, valid, decoded bytes = the input"
	is "$(json_comp "$f" lzma '"\(.details.properties) \(.details.dict_size)"')" \
		"$(lz_props "$pb") $(if [ $((dict % 1048576)) -eq 0 ]; then echo "$((dict >> 20)) MiB"; else echo "$((dict >> 10)) KiB"; fi)" \
		"lzma $name: properties and dictionary size from the header"
	cat "$T/junk1" "$f" "$T/junk2" > "$T/lzj"
	is "$(comp_line "$T/lzj" lzma | cut -d' ' -f1-3)" "1000 $(stat -c %s "$f") 1" "lzma $name: between junk: exact extent"
}
for o in lc=0,lp=0,pb=0 lc=4,lp=0,pb=4 lc=0,lp=4,pb=1 lc=2,lp=2,pb=3; do
	xz --format=lzma --lzma1=dict=4KiB,$o -c "$T/in" > "$T/lz.$o"
	is "$(od -An -tx1 -j5 -N8 "$T/lz.$o" | tr -d ' ')" ffffffffffffffff "xz --lzma1=$o writes no size"
	lz_case "xz --lzma1=dict=4KiB,$o (size unknown)" "$T/lz.$o"
done
xz --format=lzma --lzma1=dict=6KiB,lc=1,lp=3,pb=0 < "$T/in" > "$T/lz.6k" # from a pipe: size unknown
lz_case "xz dict=6KiB lc=1 lp=3 pb=0" "$T/lz.6k"
cp "$T/in" "$T/lzin"
lzma -1 -k -c "$T/lzin" > "$T/lz.lzma1"
is "$(od -An -tu8 -j5 -N8 "$T/lz.lzma1" | tr -d ' ')" "$in_size" "lzma -1 on a file writes the size"
lz_case "lzma -1 (1 MiB, size known)" "$T/lz.lzma1"
# known size: the properties the tools use (liblzma decodes lc + lp <= 4 only; see fmt_lzma.c)
for o in "-lc4 -lp0 -pb2 -d12" "-lc0 -lp2 -pb2 -d16" "-lc2 -lp0 -pb2 -d17" "-lc3 -lp0 -pb2 -d25" "-lc2 -lp2 -pb2 -d13"; do
	# shellcheck disable=SC2086 # the options are words
	lzma_alone e "$T/in" "$T/lzsdk" $o >/dev/null 2>&1
	lz_case "LZMA SDK $o (size known)" "$T/lzsdk"
done
# the header patterns are everywhere in binaries: none of it is an lzma stream
{ head -c 3000000 /usr/bin/bash 2>/dev/null; head -c 2000000 "$(command -v xz)"; } > "$T/bin"
is "$("$DUMP" "$T/bin" | awk -F'\t' '$2 == "lzma"' | wc -l)" 0 "lzma: no false findings in executables"

# ---- skippable frames before the first frame: part of the file, the component starts at them ----
if command -v pzstd > /dev/null; then
	pzstd -q -p 2 -c "$T/in" > "$T/p.zst"
	is "$(od -An -tx4 -N4 "$T/p.zst" | tr -d ' ')" "184d2a50" "pzstd opens with a skippable frame"
	is "$(comp_line "$T/p.zst" zstd | cut -d' ' -f1-5)" "0 $(stat -c %s "$T/p.zst") 1 $in_size $in_sha" \
		"zstd (pzstd): starts at its skippable frame, exact extent, decodes like the input"
	cat "$T/junk1" "$T/p.zst" > "$T/pj"
	is "$(json_comp "$T/pj" zstd '"\(.offset) \(.size) \(.details.skippable_frames > 0)"')" "1000 $(stat -c %s "$T/p.zst") true" \
		"zstd (pzstd) after junk: at the skippable frame's offset"
	is "$("$MTDSCOPE" scan --json "$T/pj" | jq '[.components[] | select(.space == null and .type != "unknown" and .type != "random")] | length')" 1 \
		"zstd (pzstd) after junk: one component"
else
	ok 0 "pzstd # SKIP pzstd not installed"
fi
printf '\x5a\x2a\x4d\x18\x03\x00\x00\x00abc' > "$T/skip3"
cat "$T/junk1" "$T/skip3" "$T/s.lz4" > "$T/lj"
is "$(json_comp "$T/lj" lz4 '"\(.offset) \(.size) \(.details.skippable_frames)"')" "1000 $((11 + $(stat -c %s "$T/s.lz4"))) 1" \
	"lz4: a skippable frame (0x184D2A5A) before the frame: one component from its offset"
is "$(cat "$T/skip3" "$T/s.lz4" | lz4 -q -dc | sha256sum | cut -d' ' -f1)" "$in_sha" "lz4 -d itself skips it"
cat "$T/junk1" "$T/skip3" > "$T/lonely"
is "$("$DUMP" "$T/lonely" | awk -F'\t' '$2 == "lz4" || $2 == "zstd"' | wc -l)" 0 "a skippable frame with no frame after it: not a stream"

# ---- nesting: the decoded content is scanned in turn ----
if command -v mkimage > /dev/null; then
	# a uImage kernel compressed the OpenWrt way: uImage -> lzma -> kernel
	mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n "MIPS OpenWrt Linux" \
		-d "$T/s.lzma-sdk" "$T/uimage" > /dev/null
	dsize=$(dumpimage -l "$T/uimage" | awk '/^Data Size:/ { print $3 }')
	out=$("$DUMP" "$T/uimage")
	is "$(printf '%s\n' "$out" | awk -F'\t' '$2 == "lzma" && $3 == -1 { print $4, $5, $6, $8 }')" \
		"64 $dsize 1 $in_sha" "uImage payload: lzma at 64, as long as dumpimage's Data Size, decoded like lzma_alone"
fi

gzip -c "$T/s.xz" > "$T/nest.gz"
out=$("$DUMP" "$T/nest.gz")
gid=$(printf '%s\n' "$out" | awk -F'\t' '$2 == "gzip" && $3 == -1 { print $1 }')
is "$(printf '%s\n' "$out" | awk -F'\t' -v g="$gid" '$2 == "xz" && $3 == g { print $4, $5, $6, $8 }')" \
	"0 $(stat -c %s "$T/s.xz") 1 $in_sha" "xz inside gzip: found in the decoded space, decoded in turn"
printf '%s\n' "$out" | awk -F'\t' '$2 == "xz" && $3 == -1' | grep -q . && r=1 || r=0
ok "$r" "xz inside gzip: not also reported in the file's own space"

# ---- the real Debian mipsel kernel (sample/debs, fetched by scripts/setup.sh): its xz piggy ----
deb=$(ls "$SRCDIR"/sample/debs/linux-image-*mipsel*.deb 2>/dev/null | head -1)
if [ -n "$deb" ] && dpkg-deb -x "$deb" "$T/k" 2>/dev/null && [ -f "$(ls "$T"/k/boot/vmlinuz-* 2>/dev/null | head -1)" ]; then
	k=$(ls "$T"/k/boot/vmlinuz-* | head -1)
	line=$("$DUMP" "$k" | awk -F'\t' '$2 == "xz" && $4 > 0 { print $4, $5, $6, $7, $8; exit }')
	read -r off size valid dlen dsha <<< "$line"
	# the kernel build appends the decoded size (4 bytes) after the stream: xz sees the stream alone
	dd if="$k" of="$T/piggy.xz" bs=1 skip="$off" count=$((size - 4)) status=none
	want=$(xz -l --robot "$T/piggy.xz" | awk -F'\t' '$1 == "totals" { print $4, $5 }')
	is "$((size - 4)) $dlen $valid" "$want 1" "real mipsel vmlinuz: xz piggy measured as xz -l does (plus the appended size)"
	is "$dsha" "$(xz -dc "$T/piggy.xz" | sha256sum | cut -d' ' -f1)" "real mipsel vmlinuz: decoded like xz -d"
	is "$(od -An -tu4 -j $((off + size - 4)) -N4 "$k" | tr -d ' ')" "$dlen" "real mipsel vmlinuz: the appended size is the decoded size"
else
	ok 0 "real mipsel kernel # SKIP sample/debs has no linux-image mipsel .deb"
fi

done_testing
