#!/usr/bin/env python3
"""Put a Sercomm/Netgear 512-byte header before an image, by the layout OpenWrt's mksercommfw documents.

mksercommfw is not in Debian, so the tests write the layout: "sErCoMm" at 0 and 63, version
00 01 00 00 at 7, hardware id (34 bytes) at 11, hardware revision (10) at 45, software
version (big-endian) at 55, and at 511 the byte that makes the 8-bit sum of the whole file 0.

usage: make_sercomm.py HWID HWVER SWVER IMAGE OUT
"""
import struct
import sys

hwid, hwver, swver, image, out = sys.argv[1:]
h = bytearray(512)
h[0:7] = b"sErCoMm"
h[7:11] = b"\x00\x01\x00\x00"
h[11:11 + len(hwid)] = hwid.encode()
h[45:45 + len(hwver)] = hwver.encode()
h[55:59] = struct.pack(">I", int(swver, 0))
h[63:70] = b"sErCoMm"
data = open(image, "rb").read()
h[511] = (-(sum(h) + sum(data))) & 0xFF
open(out, "wb").write(bytes(h) + data)
