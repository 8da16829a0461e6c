#!/bin/bash
# Recreate files/la-* of the round-5 scan held-out corpus: github.com/libarchive/libarchive at commit
# 4fe6c584b6e5d0028877b3b58872e5474629bc74, libarchive/test/*.uu (BSD-2-Clause), uudecoded. None of these is one of
# the 17 round 3 took from the same directory.
# usage: recreate-libarchive.sh LIBARCHIVE_GIT OUTDIR
set -euo pipefail
g=$1; out=$(realpath -m "$2"); mkdir -p "$out"
rev=4fe6c584b6e5d0028877b3b58872e5474629bc74
files="test_read_format_7zip_bcj2_bzip2.7z test_read_format_7zip_bcj_copy.7z test_read_format_7zip_bcj_deflate.7z
 test_read_format_7zip_bcj_lzma1.7z test_read_format_7zip_bzip2.7z test_read_format_7zip_deflate.7z
 test_read_format_7zip_deflate_arm64.7z test_read_format_7zip_delta4_lzma2.7z test_read_format_7zip_lzma1.7z
 test_read_format_7zip_lzma2_arm64.7z test_read_format_7zip_lzma2_powerpc.7z test_read_format_7zip_lzma2_riscv.7z
 test_read_format_7zip_lzma2_sparc.7z test_read_format_7zip_ppmd.7z test_read_format_7zip_zstd_bcj.7z
 test_read_format_7zip_symbolic_name.7z test_read_format_7zip_packinfo_digests.7z test_read_format_7zip_malformed.7z
 test_compat_lz4_B4BD.tar.lz4 test_compat_lz4_B5.tar.lz4 test_compat_lz4_B6BD.tar.lz4 test_compat_lz4_B7.tar.lz4
 test_compat_lzop_2.tar.lzo test_compat_gzip_2.tgz
 test_compat_zip_2.zip test_compat_zip_6.zip test_read_format_zip_symlink.zip test_read_format_zip_ux.zip
 test_read_format_zip_msdos.zip test_read_format_zip_7z_deflate.zip test_read_format_zip_jar.jar
 test_read_format_zip_zip64a.zip test_read_format_zip_comment_stored_1.zip
 test_read_format_cpio_symlink_trailer.cpio test_read_format_cpio_filename_utf8_ru.cpio
 test_compat_tar_hardlink_1.tar test_read_format_gtar_sparse_1_17.tar test_read_format_tar_pax_timestamps.tar"
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
