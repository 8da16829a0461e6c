#!/bin/bash
# Recreate files/ of the round-3 scan held-out corpus from a clone of github.com/libarchive/libarchive
# (git directory or work tree): libarchive/test/*.uu at commit 4fe6c584 (BSD-2-Clause), uudecoded.
# Each file is a reference input of libarchive's own test suite (libarchive/test/test_*.c say what it holds).
# usage: recreate-libarchive.sh LIBARCHIVE_GIT OUTDIR
set -euo pipefail
g=$1; out=$(realpath -m "$2"); mkdir -p "$out"
rev=4fe6c584
files="test_compat_bzip2_2.tbz test_compat_lz4_3.tar.lz4
 test_compat_lz4_skippable_frames_B4.tar.lz4 test_compat_lzma_1.tlz test_compat_lzma_2.tlz test_compat_lzma_3.tlz test_compat_zstd_2.tar.zst
 test_compat_lzop_1.tar.lzo test_compat_zip_1.zip test_read_format_7zip_lzma2_arm.7z
 test_read_format_cpio_bin_be.cpio test_read_format_cpio_bin_le.cpio test_compat_cpio_1.cpio
 test_compat_gtar_1.tar test_read_format_cpio_svr4_gzip_rpm.rpm
 test_read_format_ar.ar test_read_format_cab_1.cab"
for f in $files; do
  git -C "$g" show "$rev:libarchive/test/$f.uu" | python3 -c '
import binascii, sys
out = bytearray(); body = False
for line in sys.stdin.buffer:
    line = line.rstrip(b"\r\n")
    if not body:
        body = line.startswith(b"begin ")
        continue
    if line == b"end":
        break
    if line in (b"", b"`"):
        continue
    n = (line[0] - 32) & 63
    out += binascii.a2b_uu(line)[:n] if n else b""
sys.stdout.buffer.write(out)' > "$out/la-$f"
done
ls "$out" | wc -l
