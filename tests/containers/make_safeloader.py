#!/usr/bin/env python3
"""Write a TP-Link safeloader factory image by the layout OpenWrt's firmware-utils documents.

tplink-safeloader is not in Debian, so the tests write the documented layout: a 0x14-byte
preamble (size, MD5 of the 16-byte salt and bytes 0x14..end), the vendor block (length +
text, 0xFF padding to 0x1014), the partition table at 0x1014 ("fwup-ptn NAME base 0x%05x
size 0x%05x\\t\\r\\n" lines, a NUL, 0xFF to 0x800 bytes; bases relative to 0x1014), then
partition-table, soft-version, support-list (8-byte meta header each), os-image and
file-system.  --bad-md5 flips one byte of the stored MD5.

usage: make_safeloader.py [--bad-md5] VENDOR KERNEL ROOTFS OUT
"""
import hashlib
import struct
import sys

args = sys.argv[1:]
bad = "--bad-md5" in args
args = [x for x in args if x != "--bad-md5"]
vendor, kernel, rootfs, out = args
SALT = bytes([0x7a, 0x2b, 0x15, 0xed, 0x9b, 0x98, 0x59, 0x6d, 0xe5, 0x04, 0xab, 0x44, 0xac, 0x2a, 0x9f, 0x4e])


def meta(data):
    return struct.pack(">II", len(data), 0) + data


parts = [
    ("partition-table", meta(b"partition fs-uboot base 0x00000 size 0x20000\n"
                             b"partition partition-table base 0x20000 size 0x02000\n"
                             b"partition firmware base 0x40000 size 0x770000\n\0")),
    ("soft-version", meta(struct.pack(">BBBBBBBBII", 0, 1, 0, 0, 0x20, 0x24, 1, 2, 1, 0))),
    ("support-list", meta(vendor.encode() + b"SupportList:\r\n{product_name:TEST,product_ver:1.0.0,special_id:00000000}\r\n")),
    ("os-image", open(kernel, "rb").read()),
    ("file-system", open(rootfs, "rb").read()),
]
table = bytearray()
body = bytearray()
base = 0x800
for name, data in parts:
    table += b"fwup-ptn %s base 0x%05x size 0x%05x\t\r\n" % (name.encode(), base, len(data))
    body += data
    base += len(data)
table += b"\0"
assert len(table) <= 0x800
v = vendor.encode()
img = bytearray(b"\xff" * (0x1014 + 0x800)) + body
struct.pack_into(">I", img, 0x14, len(v))
img[0x18:0x18 + len(v)] = v
img[0x1014:0x1014 + len(table)] = table
struct.pack_into(">I", img, 0, len(img))
md5 = hashlib.md5(SALT + bytes(img[0x14:])).digest()
if bad:
    md5 = bytes([md5[0] ^ 1]) + md5[1:]
img[4:20] = md5
open(out, "wb").write(img)
