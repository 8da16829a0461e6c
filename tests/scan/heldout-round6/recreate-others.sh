#!/bin/bash
# Recreate files/ of the round-6 scan held-out corpus from three other tools' test suites (nothing third-party is
# committed here):
#   xz-*     github.com/tukaani-project/xz at 28a66a3d, tests/files/ (0BSD, tests/files/README describes each file)
#   zstd-*   github.com/facebook/zstd at 2dddf090, tests/golden-decompression{,-errors}/ (BSD-3-Clause or GPL-2.0)
#   sqfsng-* github.com/AgentD/squashfs-tools-ng at e3dcf177, lib/tar/test/data/ and bin/tar2sqfs/test/ (the
#            tar reader's test inputs; GPL-3.0-or-later / LGPL-3.0-or-later project, used here as data only)
# None of these is a file of rounds 2-5 or of tests/data (sha256 checked when the corpus was made).
# usage: recreate-others.sh XZ_GIT ZSTD_GIT SQFSNG_GIT OUTDIR
set -euo pipefail
xz=$1; zs=$2; ng=$3; out=$(realpath -m "$4"); mkdir -p "$out"
xzrev=28a66a3d1b6af89ed6ee841384c339629fda8264
zsrev=2dddf0905619b70c25faeca7f1a39601dc97616f
ngrev=e3dcf1770fd77a0babcca422dcbe7b2cc7b8ab90
for f in good-0-empty.xz good-0pad-empty.xz good-1-3delta-lzma2.xz good-1-arm64-lzma2-2.xz good-1-block_header-2.xz \
         good-1-block_header-3.xz good-1-check-crc64.xz good-1-check-none.xz good-1-empty-bcj-lzma2.xz good-1-lzma2-1.xz \
         good-1-lzma2-2.xz good-1-lzma2-3.xz good-1-lzma2-4.xz good-1-lzma2-5.xz good-known_size-without_eopm.lzma \
         bad-0-backward_size.xz bad-0-empty-truncated.xz bad-0-nonempty_index.xz bad-0pad-empty.xz bad-1-block_header-3.xz \
         bad-1-block_header-4.xz bad-1-check-sha256.xz bad-1-lzma2-6.xz bad-1-lzma2-9.xz bad-1-stream_flags-2.xz \
         bad-1-stream_flags-3.xz bad-1-vli-2.xz bad-2-index-4.xz bad-2-compressed_data_padding.xz \
         bad-3-index-uncomp-overflow.xz bad-unknown_size-without_eopm.lzma bad-too_small_size-without_eopm-3.lzma \
         good-1-v1-trailing-1.lz good-2-v1-v1.lz; do
  git -C "$xz" show "$xzrev:tests/files/$f" > "$out/xz-$f"
done
for f in golden-decompression/empty-block.zst golden-decompression/zeroSeq_2B.zst golden-decompression-errors/zeroSeq_extraneous.zst; do
  git -C "$zs" show "$zsrev:tests/$f" > "$out/zstd-${f%%/*}-${f##*/}"
done
for f in file-size/gnu.tar file-size/pax.tar format-acceptance/gnu.tar format-acceptance/link_filled.tar \
         format-acceptance/ustar.tar iterator/sparse.tar large-mtime/12-digit.tar large-mtime/gnu.tar large-mtime/pax.tar \
         long-paths/gnu.tar long-paths/pax.tar negative-mtime/gnu.tar negative-mtime/pax.tar sparse-files/gnu-small.tar \
         sparse-files/gnu.tar sparse-files/pax-gnu0-0.tar sparse-files/pax-gnu0-1.tar user-group-largenum/8-digit.tar \
         user-group-largenum/gnu.tar user-group-largenum/pax.tar write/simple.tar xattr/acl.tar xattr/xattr-libarchive.tar \
         xattr/xattr-schily-binary.tar xattr/xattr-schily.tar; do
  git -C "$ng" show "$ngrev:lib/tar/test/data/$f" > "$out/sqfsng-${f%%/*}-${f##*/}"
done
git -C "$ng" show "$ngrev:bin/tar2sqfs/test/simple.tar" > "$out/sqfsng-tar2sqfs-simple.tar"
ls "$out" | wc -l
