#!/usr/bin/env python3
"""Write a squashfs 3.1 (or, with --v2, 2.1) image of a directory tree by the documented layout.

Debian's squashfs-tools 4.5 reads 3.x images (unsquashfs) but writes 4.0 only, so the tests
write 3.x images themselves, by the layout squashfs-tools 4.x keeps for reading them
(squashfs_compat.h: packed bit fields, least significant bit first in little-endian images,
most significant bit first with --be).  Tables as mksquashfs 3.x orders them: data blocks
and fragment blocks after the 119-byte superblock, inode table, directory table, fragment
table blocks, fragment index, uid table; bytes_used excludes the 4 KiB padding.  Files
smaller than a block go into fragments (the 3.x default), larger ones into whole blocks.
--lzma compresses every block as an LZMA-alone stream (13-byte header, properties 0x5d),
as the vendor builds sasquatch reads do; --lzma-props P takes another properties byte
(P = (pb * 5 + lp) * 9 + lc, e.g. 0x6d for lc=1 lp=2 pb=2, the kernel LZMA settings of
OpenWrt-era MIPS builds); --lzma-nosize leaves the 8-byte uncompressed size out of each
block's header (the properties are followed directly by the data: the variant sasquatch's
lzma_standard_uncompress accepts).  --check sets flag 2 (a marker byte after each metadata
block header).  --v2 writes the 2.x layout instead (squashfs_compat.h's *_2 structures, read by
unsquash-2.c): 4-byte base inodes without mtime or inode number, 24-bit directory blocks, 4-byte
directory headers and 3-byte entries, the listing size without 3.x's "+ 3", 8-byte fragment
entries behind 32-bit index entries, and the 32-bit table offsets of the superblock only.
Regular files, directories and symlinks only.

usage: make_squashfs3.py [--v2] [--be] [--lzma [--lzma-props P] [--lzma-nosize]] [--check] [--block N]
                         [--mtime T] TREE OUT
"""
import argparse
import lzma
import os
import stat
import struct
import zlib

p = argparse.ArgumentParser()
p.add_argument("--be", action="store_true")
p.add_argument("--v2", action="store_true")
p.add_argument("--lzma", action="store_true")
p.add_argument("--lzma-props", type=lambda v: int(v, 0), default=0x5d)
p.add_argument("--lzma-nosize", action="store_true")
p.add_argument("--check", action="store_true")
p.add_argument("--block", type=int, default=65536)
p.add_argument("--mtime", type=int, default=1600000000)
p.add_argument("tree")
p.add_argument("out")
a = p.parse_args()
BE = a.be
E = ">" if BE else "<"
BS = a.block
META = 8192


def bits(fields):
    """Pack (value, width) fields in the image's bit order."""
    total = sum(n for _, n in fields)
    assert total % 8 == 0
    v = 0
    if BE:
        for val, n in fields:
            v = (v << n) | (val & ((1 << n) - 1))
        return v.to_bytes(total // 8, "big")
    pos = 0
    for val, n in fields:
        v |= (val & ((1 << n) - 1)) << pos
        pos += n
    return v.to_bytes(total // 8, "little")


def compress(data):
    if a.lzma:
        pr = a.lzma_props
        c = lzma.compress(data, format=lzma.FORMAT_ALONE,
                          filters=[{"id": lzma.FILTER_LZMA1, "dict_size": 1 << 20,
                                    "lc": pr % 9, "lp": pr // 9 % 5, "pb": pr // 45}])
        assert c[0] == pr
        return c[:5] + c[13:] if a.lzma_nosize else c
    return zlib.compress(data, 9)


class Meta:
    def __init__(self):
        self.out = bytearray()
        self.cur = bytearray()

    def ref(self):
        return len(self.out), len(self.cur)

    def add(self, b):
        self.cur += b
        while len(self.cur) >= META:
            self.flush(META)

    def flush(self, n):
        blk, self.cur = bytes(self.cur[:n]), self.cur[n:]
        c = compress(blk)
        hdr = len(c) if len(c) < len(blk) else len(blk) | 0x8000
        if hdr & 0x8000:
            c = blk
        self.out += struct.pack(E + "H", hdr) + (b"\xff" if a.check else b"") + c

    def finish(self):
        if self.cur:
            self.flush(len(self.cur))
        return bytes(self.out)


image = bytearray(b"\0" * 119)
inodes, dirs = Meta(), Meta()
frag_buf = bytearray()
frags = []  # (start, size word)


def block_word(c, raw):
    return len(c) if len(c) < len(raw) else len(raw) | (1 << 24)


def flush_frag():
    global frag_buf
    if not frag_buf:
        return
    c = compress(bytes(frag_buf))
    w = block_word(c, frag_buf)
    frags.append((len(image), w))
    image.extend(c if not w & (1 << 24) else frag_buf)
    frag_buf = bytearray()


# inode numbers: children before their directory (post-order), the root last
numbers = {}


def number(path):
    if os.path.isdir(path) and not os.path.islink(path):
        for n in sorted(os.listdir(path)):
            number(os.path.join(path, n))
    numbers[path] = len(numbers) + 1


number(a.tree)
parent_of = {}


V2 = a.v2


def base(typ, mode, ino):
    b = bits([(typ, 4), (mode & 0o7777, 12), (0, 8), (255, 8)])
    return b if V2 else b + struct.pack(E + "iI", a.mtime, ino)


def write(path):
    """Write the inode of path (children first); its (block, offset) reference and type."""
    st = os.lstat(path)
    ino = numbers[path]
    if stat.S_ISLNK(st.st_mode):
        t = os.readlink(path).encode()
        r = inodes.ref()
        inodes.add(base(3, st.st_mode, ino) + (b"" if V2 else struct.pack(E + "I", 1)) + struct.pack(E + "H", len(t)) + t)
        return r, 3
    if stat.S_ISREG(st.st_mode):
        data = open(path, "rb").read()
        frag, off, start, words = 0xFFFFFFFF, 0, len(image), []
        if 0 < len(data) < BS:
            if len(frag_buf) + len(data) > BS:
                flush_frag()
            frag, off = len(frags), len(frag_buf)
            frag_buf.extend(data)
        else:
            for k in range(0, len(data), BS):
                raw = data[k:k + BS]
                c = compress(raw)
                w = block_word(c, raw)
                words.append(w)
                image.extend(c if not w & (1 << 24) else raw)
        r = inodes.ref()
        head = struct.pack(E + "iIIII", a.mtime, start, frag, off, len(data)) if V2 else \
            struct.pack(E + "QIII", start, frag, off, len(data))
        inodes.add(base(2, st.st_mode, ino) + head +
                   b"".join(struct.pack(E + "I", w) for w in words))
        return r, 2
    # a directory: children, then its listing, then its inode
    names = sorted(os.listdir(path))
    kids = [(n, write(os.path.join(path, n))) for n in names]
    lref = dirs.ref()
    listing = bytearray()
    i = 0
    while i < len(kids):
        blk = kids[i][1][0][0]
        group = []
        while i < len(kids) and len(group) < 256 and kids[i][1][0][0] == blk:
            group.append(kids[i])
            i += 1
        b0 = numbers[os.path.join(path, group[0][0])]
        listing += bits([(len(group) - 1, 8), (blk, 24)]) if V2 else bits([(len(group) - 1, 8), (blk, 32), (b0, 32)])
        for n, ((_, off), typ) in group:
            nb = n.encode()
            if V2:
                listing += bits([(off, 13), (typ, 3), (len(nb) - 1, 8)]) + nb
            else:
                listing += bits([(off, 13), (typ, 3), (len(nb) - 1, 8),
                                 (numbers[os.path.join(path, n)] - b0, 16)]) + nb
    dirs.add(bytes(listing))
    parent = numbers.get(os.path.dirname(path), len(numbers) + 1) if path != a.tree else len(numbers) + 1
    r = inodes.ref()
    if V2:
        inodes.add(base(1, st.st_mode, ino) + bits([(len(listing), 19), (lref[1], 13)]) +
                   struct.pack(E + "i", a.mtime) + bits([(lref[0], 24)]))
        return r, 1
    inodes.add(base(1, st.st_mode, ino) + struct.pack(E + "I", 2 + sum(1 for _, (_, t) in kids if t == 1)) +
               bits([(len(listing) + 3, 19), (lref[1], 13)]) + struct.pack(E + "II", lref[0], parent))
    return r, 1


(root_blk, root_off), _ = write(a.tree)
flush_frag()
inode_start = len(image)
image += inodes.finish()
dir_start = len(image)
image += dirs.finish()
# fragment table: 16-byte entries in metadata blocks, then the index of those blocks
fm = bytearray(b"".join(struct.pack(E + ("II" if V2 else "QII"), s, w, *(() if V2 else (0,))) for s, w in frags))
index = []
for k in range(0, len(fm), META):
    index.append(len(image))
    m = Meta()
    m.add(bytes(fm[k:k + META]))
    image += m.finish()
frag_start = len(image)
image += b"".join(struct.pack(E + ("I" if V2 else "Q"), x) for x in index)
uid_start = len(image)
image += struct.pack(E + "I", 0)
used = len(image)
sb = bytearray()
sb += (b"sqsh" if BE else b"hsqs")
sb += struct.pack(E + "IIIIII", len(numbers), used & 0xFFFFFFFF, uid_start & 0xFFFFFFFF, 0, inode_start, dir_start)
sb += struct.pack(E + "HHHH", 2 if V2 else 3, 1, BS & 0xFFFF, BS.bit_length() - 1)
sb += struct.pack(E + "BBB", 4 if a.check else 0, 1, 0)
sb += struct.pack(E + "iQIII", a.mtime, (root_blk << 16) | root_off, BS, len(frags), frag_start & 0xFFFFFFFF)
sb += bytes(56) if V2 else struct.pack(E + "qqqqqqq", used, uid_start, 0, inode_start, dir_start, frag_start, -1)
assert len(sb) == 119
image[:119] = sb
image += b"\0" * (-len(image) % 4096)
open(a.out, "wb").write(image)
