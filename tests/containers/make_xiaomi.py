#!/usr/bin/env python3
"""Write a Xiaomi "HDR1" firmware image by the layout OpenWrt's firmware-utils xiaomifw documents.

xiaomifw is not in Debian, so the tests write the layout: the 48-byte header ("HDR1",
signature offset, CRC-32 from offset 12 to the end seeded with ~0 and not inverted, device
id, up to 8 blob offsets), each blob (48-byte header: magic 0x0000babe, flash offset, size,
type, 32-byte name; content padded with zeros to 4 bytes), then the signature (16-byte
header whose first word is 0x100, and 0x100 bytes).  --bad-crc flips one CRC bit.

usage: make_xiaomi.py [--bad-crc] DEVICE_ID OUT FLASH_OFFSET:TYPE:NAME:FILE...
"""
import struct
import sys
import zlib

args = sys.argv[1:]
bad = "--bad-crc" in args
args = [x for x in args if x != "--bad-crc"]
dev, out, blobs = int(args[0], 0), args[1], args[2:]
body = bytearray()
offsets = []
for b in blobs:
    flash, typ, name, path = b.split(":", 3)
    data = open(path, "rb").read()
    offsets.append(48 + len(body))
    body += struct.pack("<IIIHH32s", 0x0000BABE, int(flash, 0) if flash else 0xFFFFFFFF, len(data),
                        int(typ, 0) if typ else 0xFFFF, 0, name.encode())
    body += data + b"\0" * (-len(data) % 4)
sig = 48 + len(body)
body += struct.pack("<IIII", 0x100, 0, 0, 0) + bytes(range(256))
hdr = bytearray(b"HDR1" + struct.pack("<IIHH", sig, 0, 0, dev) + b"".join(struct.pack("<I", o) for o in offsets).ljust(32, b"\0"))
img = hdr + body
crc = (zlib.crc32(bytes(img[12:])) ^ 0xFFFFFFFF) & 0xFFFFFFFF  # seeded with ~0, not inverted
if bad:
    crc ^= 1
struct.pack_into("<I", img, 8, crc)
open(out, "wb").write(img)
