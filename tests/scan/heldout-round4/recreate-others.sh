#!/bin/bash
# Recreate files/p7-* and files/gd-unsquashfs.elf of the round-4 scan held-out corpus:
#   p7-*: github.com/miurahr/py7zr at commit 9ff1dc795f9e0b6f4873d5282489b00e83bddb5d, tests/data/*.7z (LGPL-2.1+;
#         tests/test_basic.py says what crc_corrupted.7z and data_corrupted.7z must fail with)
#   gd-unsquashfs.elf: github.com/diskfs/go-diskfs at commit c5b3b50cec49faf58e1564d249f1c407b8d4b281,
#         filesystem/squashfs/testdata/tools/unsquashfs (an x86-64 build of squashfs-tools' unsquashfs, GPL-2.0)
# usage: recreate-others.sh PY7ZR_GIT GO_DISKFS_GIT OUTDIR
set -euo pipefail
pg=$1; gg=$2; out=$(realpath -m "$3"); mkdir -p "$out"
for n in copy lzma2_bcj_arm lzma2delta_1 zstd test_lzma2bcj2 symlink crc_corrupted data_corrupted extra_payload_data; do
  git -C "$pg" show "9ff1dc795f9e0b6f4873d5282489b00e83bddb5d:tests/data/$n.7z" > "$out/p7-$n.7z"
done
git -C "$gg" show c5b3b50cec49faf58e1564d249f1c407b8d4b281:filesystem/squashfs/testdata/tools/unsquashfs > "$out/gd-unsquashfs.elf"
