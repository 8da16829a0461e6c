#!/usr/bin/env bash
# Generate a large mixed flash-like image from real tool outputs, for bench-scan.sh:
#   gen-mixed.sh SAMPLE OUTPUT [SIZE_MIB]      (default 1024 MiB, a multiple of 64)
# Every 64 MiB block holds: the bundled sample (8 MiB: U-Boot, env, EEPROM, lzma
# uImage, squashfs, JFFS2), a gzip squashfs made by mksquashfs (the sample and
# random files inside), 16 MiB of random bytes, a zero run, and erased (0xFF) flash.
set -euo pipefail
sample=$1 out=$2 mib=${3:-1024}
[ -r "$sample" ] || { echo "gen-mixed: no $sample (build first: ninja -C build)" >&2; exit 1; }
[ $((mib % 64)) -eq 0 ] && [ "$mib" -gt 0 ] || { echo "gen-mixed: SIZE_MIB must be a multiple of 64" >&2; exit 1; }
command -v mksquashfs >/dev/null || { echo "gen-mixed: mksquashfs missing (scripts/setup.sh)" >&2; exit 1; }

w=$(mktemp -d "${TMPDIR:-/tmp}/mtdscope-mixed.XXXXXX")
trap 'rm -rf "$w"' EXIT
mkdir "$w/fs"
cp "$sample" "$w/fs/sample.bin"
head -c $((2 << 20)) /dev/urandom >"$w/fs/random.bin"
mksquashfs "$w/fs" "$w/fs.sqfs" -comp gzip -noappend -all-root -quiet >/dev/null
sq=$(stat -c %s "$w/fs.sqfs")
block=$((64 << 20))
used=$(((8 << 20) + sq + (16 << 20) + (1 << 20)))
[ "$used" -le "$block" ] || { echo "gen-mixed: squashfs too big ($sq bytes)" >&2; exit 1; }
head -c $((block - used)) /dev/zero | tr '\0' '\377' >"$w/erased"
head -c $((1 << 20)) /dev/zero >"$w/zero"

: >"$out.tmp"
for _ in $(seq $((mib / 64))); do
	cat "$sample" "$w/fs.sqfs" >>"$out.tmp"
	head -c $((16 << 20)) /dev/urandom >>"$out.tmp"
	cat "$w/zero" "$w/erased" >>"$out.tmp"
done
mv "$out.tmp" "$out"
echo "gen-mixed: $out: $mib MiB, $((mib / 64)) blocks of sample + squashfs ($sq bytes) + 16 MiB random + zero + erased"
