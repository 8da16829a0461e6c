#!/usr/bin/env bash
# Generate a large mixed flash-like image from real tool outputs, for bench-scan.sh:
#   gen-mixed.sh SAMPLE OUTPUT [SIZE_MIB]      (default 1024 MiB, a multiple of 64)
# Every 64 MiB block holds: the bundled sample (8 MiB: U-Boot, env, EEPROM, lzma uImage,
# squashfs, JFFS2), an xz squashfs made by mksquashfs (the sample, text and random files
# inside), a zstd tar and a gzip file of text and binary content, a gzip squashfs, random
# bytes (what encrypted or already compressed data looks like), then 512 KiB of zeros and
# 512 KiB of erased (0xFF) flash.  Erased and zero bytes are about 5% of the image
# (issue 12: a realistic image holds no more than 10%; bench-scan.sh measures it):
# the scanner skips them quickly, so an image made mostly of them overstates its speed.
set -euo pipefail
sample=$1 out=$2 mib=${3:-1024}
[ -r "$sample" ] || { echo "gen-mixed: no $sample (build first: ninja -C build)" >&2; exit 1; }
[ $((mib % 64)) -eq 0 ] && [ "$mib" -gt 0 ] || { echo "gen-mixed: SIZE_MIB must be a multiple of 64" >&2; exit 1; }
for t in mksquashfs zstd gzip tar; do
	command -v "$t" >/dev/null || { echo "gen-mixed: $t missing (scripts/setup.sh)" >&2; exit 1; }
done

w=$(mktemp -d "${TMPDIR:-/tmp}/mtdscope-mixed.XXXXXX")
trap 'rm -rf "$w"' EXIT
mkdir "$w/fs" "$w/tar"
cp "$sample" "$w/fs/sample.bin"
head -c $((2 << 20)) /dev/urandom >"$w/fs/random.bin"
# text that compresses about as well as logs and scripts do: numbered lines and base64 of random bytes
seq 1 200000 | sed 's/$/: mtdscope mixed benchmark line, some words to compress/' >"$w/fs/lines.txt"
head -c $((1 << 20)) /dev/urandom | base64 >"$w/fs/base64.txt"
mksquashfs "$w/fs" "$w/xz.sqfs" -comp xz -noappend -all-root -quiet >/dev/null
rm "$w/fs/lines.txt" "$w/fs/base64.txt"
mksquashfs "$w/fs" "$w/gz.sqfs" -comp gzip -noappend -all-root -quiet >/dev/null
head -c $((1 << 20)) /dev/urandom >"$w/tar/firmware.bin"
seq 1 100000 | sed 's/^/config option /' >"$w/tar/config.txt"
cp "$sample" "$w/tar/backup.bin"
tar -C "$w/tar" -cf - . | zstd -3 -q >"$w/tar.zst"
cat "$w/tar/config.txt" "$w/tar/firmware.bin" | gzip -6 >"$w/data.gz"
head -c $((512 << 10)) /dev/zero >"$w/zero"
head -c $((512 << 10)) /dev/zero | tr '\0' '\377' >"$w/erased"

block=$((64 << 20))
used=0
for f in "$sample" "$w/xz.sqfs" "$w/tar.zst" "$w/data.gz" "$w/gz.sqfs" "$w/zero" "$w/erased"; do
	used=$((used + $(stat -c %s "$f")))
done
[ "$used" -le $((block - (8 << 20))) ] || { echo "gen-mixed: the parts leave less than 8 MiB of random bytes" >&2; exit 1; }
rnd=$((block - used))

: >"$out.tmp"
for _ in $(seq $((mib / 64))); do
	cat "$sample" "$w/xz.sqfs" "$w/tar.zst" "$w/data.gz" "$w/gz.sqfs" >>"$out.tmp"
	head -c "$rnd" /dev/urandom >>"$out.tmp"
	cat "$w/zero" "$w/erased" >>"$out.tmp"
done
mv "$out.tmp" "$out"
echo "gen-mixed: $out: $mib MiB, $((mib / 64)) blocks of sample + xz squashfs + zstd tar + gzip + gzip squashfs" \
	"+ $((rnd >> 20)) MiB random + 512 KiB zero + 512 KiB erased"
