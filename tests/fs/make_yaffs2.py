#!/usr/bin/env python3
"""Write a YAFFS2 image of a directory tree by the documented on-flash layout.

Debian ships no YAFFS2 generator (only unyaffs, a reader), so the tests write images
themselves, by the layout of the YAFFS project's yaffs_guts.h / yaffs_packedtags2.h as
mkyaffs2image lays it out: one chunk per NAND page, each followed by its spare area;
packed tags (sequence number, object id, chunk id, byte count) in the spare at --tags-at
(0: mkyaffs2image, 2: after the bad-block marker) or, with --inband, in the last 16 bytes
of the page; object headers (512 bytes, rest of the page 0xFF) with chunk id 0, or with
--extra the "extra header info" form (chunk id 0x80000000 | parent, type in the top bits
of the object id, size in the byte count).  Object ids from 257, as mkyaffs2image.
--update NAME rewrites that root file's first data chunk and header later, under a newer
sequence number (the older copies stay on the flash); --delete NAME writes a newer header
moving it to the deleted directory (object 4).

usage: make_yaffs2.py [--page N] [--spare N] [--tags-at N] [--inband] [--be] [--extra]
                      [--update NAME] [--delete NAME] TREE OUT
"""
import argparse
import os
import stat
import struct

p = argparse.ArgumentParser()
p.add_argument("--page", type=int, default=2048)
p.add_argument("--spare", type=int, default=64)
p.add_argument("--tags-at", type=int, default=0)
p.add_argument("--inband", action="store_true")
p.add_argument("--be", action="store_true")
p.add_argument("--extra", action="store_true")
p.add_argument("--update")
p.add_argument("--delete")
p.add_argument("tree")
p.add_argument("out")
a = p.parse_args()
E = ">" if a.be else "<"
spare = 0 if a.inband else a.spare
data_per_chunk = a.page - 16 if a.inband else a.page
FILE, SYMLINK, DIR, HARDLINK = 1, 2, 3, 4
chunks = []


def chunk(seq, obj, cid, nbytes, data):
    page = bytearray(data.ljust(data_per_chunk, b"\xff"))
    tags = struct.pack(E + "IIII", seq, obj, cid, nbytes)
    if a.inband:
        page += tags
        chunks.append(bytes(page))
    else:
        oob = bytearray(b"\xff" * spare)
        oob[a.tags_at:a.tags_at + 16] = tags
        chunks.append(bytes(page) + bytes(oob))


def header(seq, obj, typ, parent, name, st, size=0, equiv=0xFFFFFFFF, alias=b""):
    h = bytearray(b"\xff" * 512)
    struct.pack_into(E + "IIH", h, 0, typ, parent, 0xFFFF)
    h[10:266] = name.encode().ljust(256, b"\0")
    mode = st.st_mode if st else 0
    mt = int(st.st_mtime) if st else 0
    struct.pack_into(E + "IIIIIIIi", h, 268, mode, 0, 0, mt, mt, mt, size & 0xFFFFFFFF,
                     equiv if equiv != 0xFFFFFFFF else -1)
    h[300:460] = alias.ljust(160, b"\0")
    struct.pack_into(E + "I", h, 460, 0)
    struct.pack_into(E + "I", h, 496, size >> 32)
    if a.extra:
        cid = 0x80000000 | parent
        o = (obj & 0x0FFFFFFF) | (typ << 28)
        nb = size if typ == FILE else (equiv if typ == HARDLINK else 0)
        chunk(seq, o, cid, nb & 0xFFFFFFFF, bytes(h))
    else:
        chunk(seq, obj, 0, 0xFFFF, bytes(h))


next_id = [257]
inodes = {}
later = []
SEQ = 0x1000


def add(path, parent):
    names = sorted(os.listdir(path))
    for n in names:
        full = os.path.join(path, n)
        st = os.lstat(full)
        obj = next_id[0]
        next_id[0] += 1
        if stat.S_ISLNK(st.st_mode):
            header(SEQ, obj, SYMLINK, parent, n, st, alias=os.readlink(full).encode())
        elif stat.S_ISDIR(st.st_mode):
            header(SEQ, obj, DIR, parent, n, st)
            add(full, obj)
        elif stat.S_ISREG(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if st.st_nlink > 1 and key in inodes:
                header(SEQ, obj, HARDLINK, parent, n, st, equiv=inodes[key])
                continue
            inodes[key] = obj
            body = open(full, "rb").read()
            header(SEQ, obj, FILE, parent, n, st, size=len(body))
            for k in range(0, len(body), data_per_chunk):
                part = body[k:k + data_per_chunk]
                chunk(SEQ, obj, k // data_per_chunk + 1, len(part), part)
            if parent == 1 and n in (a.update, a.delete):
                later.append((n, obj, st, body))


add(a.tree, 1)
for n, obj, st, body in later:
    if n == a.update:
        new = b"UPDATED!" + body[8:]
        part = new[:data_per_chunk]
        chunk(SEQ + 1, obj, 1, len(part), part)
        header(SEQ + 1, obj, FILE, 1, n, st, size=len(new))
    else:
        header(SEQ + 1, obj, FILE, 4, n, st, size=len(body))
open(a.out, "wb").write(b"".join(chunks))
