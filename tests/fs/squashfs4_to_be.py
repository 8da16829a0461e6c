#!/usr/bin/env python3
"""Rewrite a little-endian squashfs 4.0 image as the big-endian 4.0 that old big-endian vendor builds
of mksquashfs wrote ("sqsh": every integer of every structure byte-swapped; sasquatch reads them).

Debian's mksquashfs writes little-endian only.  The image must have uncompressed metadata
(mksquashfs -noI -noF: the inode, directory, fragment, export and id tables stored, so swapping
their fields keeps every size and offset); data blocks are byte streams (gzip, xz, lzma) and are
copied unchanged.  Structures as squashfs-tools 4.x's squashfs_fs.h defines them: the 96-byte
superblock, the 2-byte metadata block headers, every inode type (base, then per type; file block
lists; long directories' indexes), directory headers and entries, fragment entries, export and id
entries and the three tables' indexes.
usage: squashfs4_to_be.py IN OUT
"""
import struct
import sys

d = bytearray(open(sys.argv[1], "rb").read())
out = bytearray(d)
SB = "<4sIIIIHHHHHHQQQQQQQQ"
f = list(struct.unpack_from(SB, d, 0))
(magic, inodes, mkfs, bsize, frags, comp, blog, flags, nids, major, minor, root, used, id_tab, xattr_tab,
 ino_tab, dir_tab, frag_tab, lookup_tab) = f
assert magic == b"hsqs" and major == 4, "not a little-endian squashfs 4.0"
assert not flags & 0x400, "compressor options: not handled"
assert xattr_tab == 0xFFFFFFFFFFFFFFFF, "xattrs: not handled (mksquashfs -no-xattrs)"
struct.pack_into(">4s" + SB[3:], out, 0, b"sqsh", *f[1:])


def swap(off, n):
    out[off:off + n] = d[off:off + n][::-1]


class Table:
    """Metadata blocks from start to end: their payloads as one decoded stream, with file offsets."""

    def __init__(self, start, end):
        self.buf, self.pos = bytearray(), []
        at = start
        while at < end:
            h = struct.unpack_from("<H", d, at)[0]
            assert h & 0x8000, f"metadata block at {at:#x} is compressed: make the image with -noI -noF"
            n = h & 0x7FFF or 0x8000
            swap(at, 2)
            self.buf += d[at + 2:at + 2 + n]
            self.pos += range(at + 2, at + 2 + n)
            at += 2 + n

    def u(self, off, n):
        return int.from_bytes(self.buf[off:off + n], "little")

    def swap(self, off, n):
        b = self.buf[off:off + n][::-1]
        for k in range(n):
            out[self.pos[off + k]] = b[k]


def index_table(idx_at, count, entry):
    """A table whose metadata blocks an index of 64-bit pointers lists: swap the index and each entry."""
    if count == 0 or idx_at == 0xFFFFFFFFFFFFFFFF:
        return
    nblk = (count * entry + 8191) // 8192
    ptrs = [struct.unpack_from("<Q", d, idx_at + 8 * i)[0] for i in range(nblk)]
    for i in range(nblk):
        swap(idx_at + 8 * i, 8)
    t = Table(ptrs[0], idx_at)
    for i in range(count):
        if entry == 16:  # fragment: start, size, unused
            t.swap(16 * i, 8), t.swap(16 * i + 8, 4), t.swap(16 * i + 12, 4)
        else:
            t.swap(entry * i, entry)


# inode table: every inode, by its type
it = Table(ino_tab, dir_tab)
p = 0
while p < len(it.buf):
    typ = it.u(p, 2)
    for o, n in ((0, 2), (2, 2), (4, 2), (6, 2), (8, 4), (12, 4)):
        it.swap(p + o, n)
    q = p + 16
    if typ == 1:  # dir: start, nlink, file_size (16), offset (16), parent
        for o, n in ((0, 4), (4, 4), (8, 2), (10, 2), (12, 4)):
            it.swap(q + o, n)
        p = q + 16
    elif typ == 8:  # ldir: nlink, file_size, start, parent, i_count (16), offset (16), xattr, index
        icount = it.u(q + 16, 2)
        for o, n in ((0, 4), (4, 4), (8, 4), (12, 4), (16, 2), (18, 2), (20, 4)):
            it.swap(q + o, n)
        q += 24
        for _ in range(icount):  # index, start, size (name length - 1), name
            size = it.u(q + 8, 4)
            it.swap(q, 4), it.swap(q + 4, 4), it.swap(q + 8, 4)
            q += 12 + size + 1
        p = q
    elif typ in (2, 9):  # reg / lreg, then the block list
        if typ == 2:
            frag, size = it.u(q + 4, 4), it.u(q + 12, 4)
            for o in (0, 4, 8, 12):
                it.swap(q + o, 4)
            q += 16
        else:
            size, frag = it.u(q + 8, 8), it.u(q + 28, 4)
            for o, n in ((0, 8), (8, 8), (16, 8), (24, 4), (28, 4), (32, 4), (36, 4)):
                it.swap(q + o, n)
            q += 40
        nb = (size + bsize - 1) // bsize if frag == 0xFFFFFFFF else size // bsize
        for k in range(nb):
            it.swap(q + 4 * k, 4)
        p = q + 4 * nb
    elif typ in (3, 10):  # symlink: nlink, size, target (+ xattr)
        size = it.u(q + 4, 4)
        it.swap(q, 4), it.swap(q + 4, 4)
        q += 8 + size
        if typ == 10:
            it.swap(q, 4)
            q += 4
        p = q
    elif typ in (4, 5, 11, 12):  # devices: nlink, rdev (+ xattr)
        it.swap(q, 4), it.swap(q + 4, 4)
        if typ > 7:
            it.swap(q + 8, 4)
        p = q + (12 if typ > 7 else 8)
    elif typ in (6, 7, 13, 14):  # fifo, socket: nlink (+ xattr)
        it.swap(q, 4)
        if typ > 7:
            it.swap(q + 4, 4)
        p = q + (8 if typ > 7 else 4)
    else:
        sys.exit(f"inode type {typ} at {p} of the inode table")

# directory table: listings of headers (count - 1, start, inode number) and entries
nxt = min(x for x in (frag_tab, lookup_tab, id_tab) if x != 0xFFFFFFFFFFFFFFFF and x > dir_tab)
for at in (frag_tab, lookup_tab, id_tab):
    if at != 0xFFFFFFFFFFFFFFFF and at > dir_tab:
        first = struct.unpack_from("<Q", d, at)[0]
        if dir_tab < first < nxt:
            nxt = first
dt = Table(dir_tab, nxt)
p = 0
while p < len(dt.buf):
    count = dt.u(p, 4) + 1
    dt.swap(p, 4), dt.swap(p + 4, 4), dt.swap(p + 8, 4)
    p += 12
    for _ in range(count):  # offset, inode number difference, type, name length - 1, name
        n = dt.u(p + 6, 2) + 1
        for o in (0, 2, 4, 6):
            dt.swap(p + o, 2)
        p += 8 + n

index_table(frag_tab, frags, 16)
index_table(lookup_tab, inodes, 8)
index_table(id_tab, nids, 4)
open(sys.argv[2], "wb").write(out)
