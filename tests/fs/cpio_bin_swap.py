#!/usr/bin/env python3
"""Rewrite an old binary cpio archive (cpio -H bin, cpio(5)) in the other byte order.

GNU cpio and libarchive write the 26-byte header (thirteen 16-bit words: magic 070707, dev, ino,
mode, uid, gid, nlink, rdev, mtime high/low, namesize, filesize high/low) in the byte order of the
machine that runs them, so a little-endian host cannot make the big-endian form that old
big-endian routers wrote.  Each header's words are byte-swapped (the two halves of mtime and
filesize keep their order: the most significant word comes first in both byte orders); names,
data, their 2-byte padding and what follows TRAILER!!! are copied unchanged.
usage: cpio_bin_swap.py IN OUT
"""
import struct
import sys

data = open(sys.argv[1], "rb").read()
out = bytearray(data)
pos = 0
while True:
    if len(data) - pos < 26:
        sys.exit(f"{sys.argv[1]}: header at {pos:#x} cut short")
    if struct.unpack_from("<H", data, pos)[0] == 0o70707:
        src = "<"
    elif struct.unpack_from(">H", data, pos)[0] == 0o70707:
        src = ">"
    else:
        sys.exit(f"{sys.argv[1]}: no binary cpio magic at {pos:#x}")
    words = struct.unpack_from(src + "13H", data, pos)
    struct.pack_into((">" if src == "<" else "<") + "13H", out, pos, *words)
    namesize = words[10]
    filesize = words[11] << 16 | words[12]
    name = data[pos + 26:pos + 26 + namesize - 1]
    pos += 26 + namesize
    pos += pos & 1
    if name == b"TRAILER!!!":
        break
    pos += filesize
    pos += pos & 1
open(sys.argv[2], "wb").write(out)
