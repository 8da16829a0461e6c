#!/bin/bash
# Recreate files/ of the round-2 scan held-out corpus from a clone of github.com/ReFirmLabs/binwalk
# (git directory or work tree).  usage: recreate-binwalk.sh BINWALK_GIT OUTDIR
# bw3-*: tests/inputs/*.bin at commit 4b09fca (binwalk 3, the Rust rewrite; each tests/<name>.rs expects one
# signature of its type at offset 0);  bw2-*: testing/tests/input-vectors/* at commit cddfede (binwalk 2).
set -euo pipefail
g=$1; out=$2; mkdir -p "$out"
for f in 7z arcadyan arj bmp bzip2 cramfs gzip jpeg matter_ota mbr pdf png_malformed qcow riff romfs squashfs squashfs_v2 yaffs2 zip zip_truncated; do
  git -C "$g" show 4b09fca:tests/inputs/$f.bin > "$out/bw3-$f.bin"
done
for f in firmware.squashfs foobar.lzma dirtraversal.tar; do
  git -C "$g" show cddfede795971045d99422bd7a9676c8803ec5ee:testing/tests/input-vectors/$f > "$out/bw2-$f"
done
ls "$out" | wc -l
