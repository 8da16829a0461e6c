#!/usr/bin/env bash
# Seeds for the stream format harnesses (fuzz/corpus/{lzma,xz,gzip,bzip2,zstd,lz4,lzo}/),
# made by the real tools, plus the damaged variants the tests use.  Run by hand:
#   bash tests/streams/make-fuzz-seeds.sh
set -euo pipefail
cd "$(dirname "$0")/../../fuzz/corpus"
export LC_ALL=C
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
{ head -c 3000 /usr/bin/bash; seq 1 600; } > "$w/in"
put() { mkdir -p "$1"; cp "$2" "$1/$3"; }
flip() { # FILE OFFSET
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(((b ^ 0x55) & 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cut_half() { head -c $(($(stat -c %s "$1") / 2)) "$1" > "$2"; }

lzma_alone e "$w/in" "$w/sdk.lzma" -lc1 -lp2 -pb2 >/dev/null 2>&1; put lzma "$w/sdk.lzma" openwrt-lc1-lp2-pb2.lzma
lzma_alone e "$w/in" "$w/eos.lzma" -eos -d16 >/dev/null 2>&1; put lzma "$w/eos.lzma" eos-d16.lzma
cut_half "$w/sdk.lzma" "$w/t"; put lzma "$w/t" truncated.lzma

xz -C sha256 --block-size=4000 -c "$w/in" > "$w/a.xz"; put xz "$w/a.xz" sha256-blocks.xz
xz -c "$w/in" > "$w/b.xz"
{ cat "$w/b.xz"; printf '\0\0\0\0'; cat "$w/a.xz"; } > "$w/t"; put xz "$w/t" two-streams-padded.xz
cp "$w/b.xz" "$w/t"; flip "$w/t" 8; put xz "$w/t" header-crc-broken.xz
n=$(stat -c %s "$w/b.xz"); cp "$w/b.xz" "$w/t"; flip "$w/t" $((n - 40)); put xz "$w/t" data-broken.xz
cut_half "$w/b.xz" "$w/t"; put xz "$w/t" truncated.xz

gzip -9 -c "$w/in" > "$w/a.gz"; put gzip "$w/a.gz" named.gz
cat "$w/a.gz" "$w/a.gz" > "$w/t"; put gzip "$w/t" two-members.gz
n=$(stat -c %s "$w/a.gz"); cp "$w/a.gz" "$w/t"; flip "$w/t" $((n - 8)); put gzip "$w/t" crc-broken.gz
cut_half "$w/a.gz" "$w/t"; put gzip "$w/t" truncated.gz

zstd -q -c "$w/in" > "$w/a.zst"; put zstd "$w/a.zst" checksum.zst
zstd -q --no-check -c "$w/in" > "$w/b.zst"
{ cat "$w/a.zst"; printf '\x50\x2a\x4d\x18\x04\x00\x00\x00seek'; cat "$w/b.zst"; } > "$w/t"; put zstd "$w/t" frames-and-skippable.zst
n=$(stat -c %s "$w/a.zst"); cp "$w/a.zst" "$w/t"; flip "$w/t" $((n - 1)); put zstd "$w/t" checksum-broken.zst
cut_half "$w/a.zst" "$w/t"; put zstd "$w/t" truncated.zst

lz4 -q -c "$w/in" > "$w/a.lz4"; put lz4 "$w/a.lz4" frame.lz4
lz4 -q -BD -B4 -BX --content-size -c "$w/in" > "$w/t"; put lz4 "$w/t" blockchecksum-contentsize.lz4
lz4 -l -q -c "$w/in" > "$w/t"; n=$(stat -c %s "$w/in")
printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n & 255)) $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255)))" >> "$w/t"
put lz4 "$w/t" legacy-size-appended.lz4
cp "$w/a.lz4" "$w/t"; flip "$w/t" 6; put lz4 "$w/t" header-checksum-broken.lz4

lzop -c "$w/in" > "$w/a.lzo"; put lzo "$w/a.lzo" default.lzo
lzop -9 --crc32 -c "$w/in" > "$w/t"; put lzo "$w/t" lzo1x-999-crc32.lzo
cp "$w/a.lzo" "$w/t"; flip "$w/t" 50; put lzo "$w/t" block-broken.lzo
cut_half "$w/a.lzo" "$w/t"; put lzo "$w/t" truncated.lzo

bzip2 -1 -c "$w/in" > "$w/a.bz2"; put bzip2 "$w/a.bz2" level1.bz2
cat "$w/a.bz2" "$w/a.bz2" > "$w/t"; put bzip2 "$w/t" two-streams.bz2
n=$(stat -c %s "$w/a.bz2"); cp "$w/a.bz2" "$w/t"; flip "$w/t" $((n / 2)); put bzip2 "$w/t" block-broken.bz2
cut_half "$w/a.bz2" "$w/t"; put bzip2 "$w/t" truncated.bz2

xz --format=lzma --lzma1=dict=4KiB,lc=0,lp=4,pb=0 -c "$w/in" > "$w/t"; put lzma "$w/t" dict4k-lc0-lp4-pb0.lzma
lzma_alone e "$w/in" "$w/t" -lc4 -lp0 -pb2 -d12 >/dev/null 2>&1; put lzma "$w/t" sdk-lc4-lp0-pb2-d12.lzma
pzstd -q -p 1 -c "$w/in" > "$w/t"; put zstd "$w/t" pzstd-skippable-first.zst
{ printf '\x5a\x2a\x4d\x18\x03\x00\x00\x00abc'; cat "$w/a.lz4"; } > "$w/t"; put lz4 "$w/t" skippable-first.lz4
