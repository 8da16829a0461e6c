#!/bin/bash
# Recreate files/ff-* and files/sq-* of the round-3 scan held-out corpus:
#   ff-*: tests/*.testfile of github.com/file/file at commit 9de57c0b (file(1)'s own test suite; each
#         tests/NAME.result holds what file(1) must say of it)            (BSD-2-Clause)
#   sq-*: github.com/AgentD/squashfs-tools-ng at commit e3dcf17: lib/tar/test/data/*/*.tar (mgorny's
#         tar-test-inputs, per lib/tar/test/data/CREDITS) and bin/rdsquashfs/test/pathtraversal.sqfs
#                                                                          (GPL-3.0+ / see CREDITS)
# usage: recreate-others.sh FILE_GIT SQUASHFS_TOOLS_NG_GIT OUTDIR
set -euo pipefail
fg=$1; sg=$2; out=$3; mkdir -p "$out"
for t in ext4 rpm-v3.0-bin-aarch64 gpkg-1-zst escapevel issue311docx xilinx uf2 bcachefs cl8m8ocofedso matilde.arm \
	android-vdex-1 fit-map-data; do
  git -C "$fg" show 9de57c0b0607c53c6196967fbad53499022a0991:tests/$t.testfile > "$out/ff-$t"
done
for f in format-acceptance/v7 format-acceptance/ustar-pre-posix format-acceptance/pax format-acceptance/gnu-g \
	sparse-files/pax-gnu1-0 long-paths/ustar file-size/12-digit; do
  git -C "$sg" show e3dcf17:lib/tar/test/data/$f.tar > "$out/sq-${f//\//-}.tar"
done
git -C "$sg" show e3dcf17:bin/rdsquashfs/test/pathtraversal.sqfs > "$out/sq-pathtraversal.sqfs"
ls "$out" | wc -l
