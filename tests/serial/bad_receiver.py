#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Receivers that misbehave, for tests/serial/test_hostile.sh.  Run with the pty as stdin/stdout.

  bad_receiver.py MODE [OUT]
  ymodem-silent     reads, never answers
  ymodem-nak        asks with 'C', then NAKs every block
  ymodem-can        asks with 'C', cancels (CAN CAN) after the header
  ymodem-flaky OUT  a real YMODEM receiver that NAKs the first try of every 4th block, answers one
                    block with noise first, and writes the file (cut to the header's size) to OUT
  kermit-silent     reads, never answers
  kermit-error      answers the Send-Init with an E packet
  kermit-nak        NAKs every packet
  kermit-cancel OUT ACKs the third data packet with X (cancel the file)
  kermit-flaky OUT  a real Kermit receiver (type-1 check, '#' prefix, long packets) that NAKs the
                    first try of every 3rd packet, sends one damaged ACK, and writes the file to OUT
"""
import os
import select
import sys
import time
import tty

fd_in, fd_out = 0, 1
buf = bytearray()


def getc(timeout):
    global buf
    end = time.monotonic() + timeout
    while not buf:
        left = end - time.monotonic()
        if left <= 0:
            return None
        r, _, _ = select.select([fd_in], [], [], left)
        if r:
            chunk = os.read(fd_in, 65536)
            if not chunk:
                sys.exit(3)
            buf += chunk
    c = buf[0]
    del buf[0]
    return c


def put(b):
    os.write(fd_out, bytes(b))


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def ymodem_block(timeout=5):
    """(blk, payload) or None on timeout/damage; 'EOT' at end of file."""
    while True:
        c = getc(timeout)
        if c is None:
            return None
        if c == 0x04:
            return 'EOT'
        if c in (0x01, 0x02):
            break
    size = 128 if c == 0x01 else 1024
    rest = bytearray()
    for _ in range(2 + size + 2):
        b = getc(2)
        if b is None:
            return None
        rest.append(b)
    blk, cblk, data, crc = rest[0], rest[1], bytes(rest[2:2 + size]), rest[2 + size] << 8 | rest[3 + size]
    if blk ^ cblk != 0xFF or crc16(data) != crc:
        return None
    return blk, data


def ymodem_flaky(out):
    put(b'C')
    hdr = ymodem_block()
    while hdr is None:
        put(b'C')
        hdr = ymodem_block()
    name, _, rest = hdr[1].partition(b'\0')
    size = int(rest.split(b'\0')[0].split(b' ')[0])
    put(b'\x06')
    put(b'C')
    data = bytearray()
    expect, tries, noisy = 1, {}, False
    while True:
        b = ymodem_block()
        if b == 'EOT':
            put(b'\x15')  # NAK the first EOT, as lrzsz may
            while getc(5) != 0x04:
                pass
            put(b'\x06')
            break
        if b is None:
            put(b'\x15')
            continue
        blk, payload = b
        if blk == expect & 0xFF:
            tries[blk] = tries.get(blk, 0) + 1
            if expect % 4 == 0 and tries[blk] == 1:
                put(b'\x15')
                continue
            if expect == 6 and not noisy:
                noisy = True
                put(b'xyz?!')  # noise the sender must skip before the ACK
            data += payload
            expect += 1
            put(b'\x06')
        elif blk == (expect - 1) & 0xFF:
            put(b'\x06')  # a repeat of the block already taken
        else:
            put(b'\x18\x18')
            sys.exit(4)
    put(b'C')
    end = ymodem_block()
    if end and end != 'EOT' and end[0] == 0:
        put(b'\x06')
    with open(out, 'wb') as f:
        f.write(data[:size])


# ---- Kermit ----
def tochar(x):
    return x + 32


def unchar(c):
    return c - 32


def chk1(s):
    return tochar((s + ((s >> 6) & 3)) & 63)


def kpacket(t, seq, data=b''):
    body = bytes([tochar(len(data) + 3), tochar(seq), ord(t)]) + data
    return b'\x01' + body + bytes([chk1(sum(body))]) + b'\r'


def kread(timeout=10):
    """(type, seq, data) or None on timeout; 'BAD' on a damaged packet."""
    while True:
        c = getc(timeout)
        if c is None:
            return None
        if c == 0x01:
            break
    got = []

    def nxt():
        b = getc(5)
        if b is None:
            raise TimeoutError
        got.append(b)
        return b
    try:
        ln = unchar(nxt())
        seq = unchar(nxt())
        t = chr(nxt())
        if ln == 0:
            x1, x2 = unchar(nxt()), unchar(nxt())
            h = nxt()
            if h != chk1(sum(got[:5])):
                return 'BAD'
            dlen = x1 * 95 + x2 - 1
        else:
            dlen = ln - 3
        data = bytes(nxt() for _ in range(dlen))
        c = getc(5)
        if c != chk1(sum(got)):
            return 'BAD'
        return t, seq, data
    except TimeoutError:
        return 'BAD'


def kdecode(data):
    out = bytearray()
    i = 0
    while i < len(data):
        b = data[i]
        if b == ord('#'):
            i += 1
            q = data[i]
            if (q & 0x7F) in range(0x3F, 0x60) and (q & 0x7F) != ord('#'):
                q ^= 64
            out.append(q)
        else:
            out.append(b)
        i += 1
    return bytes(out)


def kermit_recv(out, flaky, cancel):
    data = bytearray()
    n, damaged, last = 0, False, -1
    dpackets = 0
    while True:
        p = kread(20)
        if p is None:
            sys.exit(5)
        if p == 'BAD':
            put(kpacket('N', 0))
            continue
        t, seq, d = p
        n += 1
        if flaky and n % 3 == 0 and seq != last:
            last = seq
            put(kpacket('N', seq))
            continue
        if flaky and n == 5 and not damaged:
            damaged = True
            bad = bytearray(kpacket('Y', seq))
            bad[-2] ^= 1  # a wrong check
            put(bad)
            continue
        last = seq
        if t == 'S':
            # MAXL 94, TIME 5, no padding, EOL CR, '#', no 8th-bit, check 1, no repeats, long packets, 2000
            put(kpacket('Y', seq, bytes([tochar(94), tochar(5), tochar(0), 64, tochar(13), ord('#'), ord('N'),
                                         ord('1'), ord(' '), tochar(2), tochar(0), tochar(2000 // 95),
                                         tochar(2000 % 95)])))
        elif t == 'D':
            dpackets += 1
            if cancel and dpackets == 3:
                put(kpacket('Y', seq, b'X'))
                continue
            if seq != getattr(kermit_recv, 'lastd', None):
                data += kdecode(d)
            kermit_recv.lastd = seq
            put(kpacket('Y', seq))
        else:
            put(kpacket('Y', seq))
            if t == 'B':
                break
    with open(out, 'wb') as f:
        f.write(data)


def main():
    mode = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else None
    if os.isatty(fd_in):
        tty.setraw(fd_in)
    if mode in ('ymodem-silent', 'kermit-silent'):
        end = time.monotonic() + 60
        while time.monotonic() < end:
            getc(1)
            buf.clear()
    elif mode == 'ymodem-nak':
        put(b'C')
        while True:
            b = ymodem_block(30)
            if b is None:
                continue
            put(b'\x15')
    elif mode == 'ymodem-can':
        put(b'C')
        if ymodem_block():
            put(b'\x18\x18\x18')
        time.sleep(1)
    elif mode == 'ymodem-flaky':
        ymodem_flaky(out)
    elif mode == 'kermit-error':
        p = kread(30)
        put(kpacket('E', p[1] if isinstance(p, tuple) else 0, b'Disk full'))
        time.sleep(1)
    elif mode == 'kermit-nak':
        while True:
            p = kread(30)
            if p is None:
                break
            put(kpacket('N', p[1] if isinstance(p, tuple) else 0))
    elif mode == 'kermit-flaky':
        kermit_recv(out, True, False)
    elif mode == 'kermit-cancel':
        kermit_recv(out, False, True)
    else:
        sys.exit(2)


main()
