#!/usr/bin/env python3
"""Lay out SEAMA and Netgear .chk images from given kernel/rootfs files, per the documented layouts
(Debian ships no generator for either):
  SEAMA: seama.h of D-Link's GPL sources / OpenWrt firmware-utils oseama.c: big-endian magic 0x5EA3A417,
    reserved 16, meta size 16, image size 32, MD5 of the image (entities only), meta (NUL-separated,
    padded to 4), image.  A seal is the same 12-byte header and meta, with the entities after it.
  .chk: OpenWrt firmware-utils mkchkimg.c: magic 0x2A23245E, header_len = 40 + len(board id),
    reserved[8] = region, 1, 1, 99, 0..., kernel/rootfs checksums, kernel/rootfs lengths, image checksum,
    header checksum (with itself zero), board id, kernel, rootfs; Netgear's checksum as in mkchkimg.c.
usage: make_seama_chk.py seama OUT SIGNATURE FILE...   (a seal holding one entity per FILE)
       make_seama_chk.py chk OUT BOARD_ID KERNEL [ROOTFS]"""
import hashlib
import struct
import sys


def meta_block(strings):
    m = b''.join(s.encode() + b'\0' for s in strings)
    return m + b'\0' * (-len(m) % 4)


def seama(out, signature, files):
    ents = b''
    for i, f in enumerate(files):
        img = open(f, 'rb').read()
        meta = meta_block(['dev=/dev/mtdblock/%d' % (i + 1), 'type=firmware'])
        ents += struct.pack('>IHHI', 0x5EA3A417, 0, len(meta), len(img)) + hashlib.md5(img).digest() + meta + img
    meta = meta_block(['signature=' + signature])
    open(out, 'wb').write(struct.pack('>IHHI', 0x5EA3A417, 0, len(meta), len(ents)) + meta + ents)


def ngr(data):
    c0 = c1 = 0
    for b in data:
        c0 = (c0 + b) & 0xffffffff
        c1 = (c1 + c0) & 0xffffffff
    b = (c0 & 65535) + ((c0 >> 16) & 65535)
    c0 = ((b >> 16) + b) & 65535
    b = (c1 & 65535) + ((c1 >> 16) & 65535)
    c1 = ((b >> 16) + b) & 65535
    return (c1 << 16) | c0


def chk(out, board, kernel, rootfs):
    k = open(kernel, 'rb').read()
    r = open(rootfs, 'rb').read() if rootfs else b''
    bid = board.encode()
    hlen = 40 + len(bid)
    fields = lambda hcs: struct.pack('>II8sIIIIII', 0x2A23245E, hlen, bytes([1, 1, 1, 99, 0, 0, 0, 0]), ngr(k),
                                     ngr(r) if r else 0, len(k), len(r), ngr(k + r), hcs)
    hdr = fields(0)
    open(out, 'wb').write(fields(ngr(hdr + bid)) + bid + k + r)


if __name__ == '__main__':
    if sys.argv[1] == 'seama':
        seama(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        chk(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
