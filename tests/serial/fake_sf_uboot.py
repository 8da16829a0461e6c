#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A U-Boot console with an SPI NOR flash, for netboot --via serial --write (tests/serial/test_write.sh).

No U-Boot QEMU runs has a flash it can write through sf (qemu_arm64's CFI pflash rejects its buffered
writes), so this plays one on stdin/stdout, the commands and messages as U-Boot 2023.01 prints them:
bdinfo, printenv, loady (a YMODEM receiver: 'C', block 0 with name and size, 1 KiB blocks with CRC-16,
EOT, the empty header), crc32, sf probe/read/erase/write with NOR semantics (erase sets 0xff in 4 KiB
sectors and must be aligned, a write can only clear bits).  The flash starts as FLASH_IN and is saved to
FLASH_OUT after every erase and write.

  fake_sf_uboot.py FLASH_IN FLASH_OUT [--bad-write]   (--bad-write: sf write drops one bit)
"""
import binascii
import os
import select
import sys
import time
import zlib

flash = bytearray(open(sys.argv[1], 'rb').read())
flash_out = sys.argv[2]
bad_write = '--bad-write' in sys.argv
RAM_BASE, RAM_SIZE = 0x80000000, 64 << 20
ram = bytearray(RAM_SIZE)
PROMPT = '=> '
fd_in, fd_out = 0, 1
buf = bytearray()

if os.isatty(fd_in):
    import tty
    tty.setraw(fd_in)


def out(s):
    os.write(fd_out, s.encode() if isinstance(s, str) else s)


def fill(timeout):
    r, _, _ = select.select([fd_in], [], [], timeout)
    if not r:
        return False
    chunk = os.read(fd_in, 65536)
    if not chunk:
        sys.exit(0)
    buf.extend(chunk)
    return True


def getc(timeout):
    end = time.monotonic() + timeout
    while not buf:
        left = end - time.monotonic()
        if left <= 0 or not fill(left):
            return None
    c = buf[0]
    del buf[0]
    return c


def getn(n, timeout):
    end = time.monotonic() + timeout
    while len(buf) < n:
        left = end - time.monotonic()
        if left <= 0 or not fill(left):
            return None
    b = bytes(buf[:n])
    del buf[:n]
    return b


def crc16(data):
    return binascii.crc_hqx(data, 0)  # CRC-16/XMODEM: polynomial 0x1021, initial 0


def block():
    while True:
        c = getc(2)
        if c is None:
            return None
        if c == 0x04:
            return 'EOT'
        if c in (1, 2):
            break
    size = 128 if c == 1 else 1024
    rest = getn(size + 4, 2)
    if rest is None or rest[0] ^ rest[1] != 0xFF or crc16(rest[2:2 + size]) != (rest[-2] << 8 | rest[-1]):
        return None
    return rest[0], rest[2:2 + size]


def loady(addr):
    out('## Ready for binary (ymodem) download to 0x%08X at 115200 bps...\n' % addr)
    out(b'C')
    hdr = None
    for _ in range(20):
        hdr = block()
        if hdr and hdr != 'EOT' and hdr[0] == 0:
            break
        out(b'C')
    if not hdr or hdr == 'EOT':
        return 0
    size = int(hdr[1].split(b'\0')[1].split(b' ')[0])
    out(b'\x06')
    data = bytearray()
    expect = 1
    while True:
        b = block()
        if b == 'EOT':
            out(b'\x06C')
            if block():
                out(b'\x06')
            break
        if b is None:
            out(b'C')
            continue
        if b[0] == expect & 0xFF:
            data += b[1]
            expect += 1
        out(b'\x06')
    data = data[:size]
    off = addr - RAM_BASE
    ram[off:off + len(data)] = data
    out('xyzModem - CRC mode, 1(SOH)/%d(STX)/0(CAN) packets, 0 retries\n' % (expect - 1))
    out('## Total Size      = 0x%08x = %d Bytes\n' % (len(data), len(data)))
    out('## Start Addr      = 0x%08X\n' % addr)
    return len(data)


def num(s):
    return int(s, 16)


def save():
    with open(flash_out + '.tmp', 'wb') as f:
        f.write(flash)
    os.replace(flash_out + '.tmp', flash_out)


def run(line):
    w = line.split()
    if not w:
        return
    if w[0] == 'bdinfo':
        out('DRAM bank   = 0x00000000\n-> start    = 0x%08x\n-> size     = 0x%08x\n'
            'relocaddr   = 0x%08x\n' % (RAM_BASE, RAM_SIZE, RAM_BASE + RAM_SIZE - 0x100000))
    elif w[0] == 'printenv':
        out('baudrate=115200\nloadaddr=0x82000000\n')
    elif w[0] == 'loady' and len(w) == 2:
        loady(num(w[1]))
    elif w[0] == 'crc32' and len(w) == 3:
        a, n = num(w[1]), num(w[2])
        if a >= RAM_BASE:
            data = ram[a - RAM_BASE:a - RAM_BASE + n]
        else:
            data = flash[a:a + n]
        out('crc32 for %08x ... %08x ==> %08x\n' % (a, a + n - 1, zlib.crc32(data)))
    elif w[0] == 'sf' and len(w) >= 2:
        if w[1] == 'probe':
            out('SF: Detected w25q80 with page size 256 Bytes, erase size 4 KiB, total %d KiB\n' % (len(flash) >> 10))
        elif w[1] == 'read' and len(w) == 5:
            a, off, n = num(w[2]), num(w[3]), num(w[4])
            out('device 0 offset 0x%x, size 0x%x\n' % (off, n))
            ram[a - RAM_BASE:a - RAM_BASE + n] = flash[off:off + n]
            out('SF: %d bytes @ %#x Read: OK\n' % (n, off))
        elif w[1] == 'erase' and len(w) == 4:
            off, n = num(w[2]), num(w[3])
            if off % 4096 or n % 4096 or off + n > len(flash):
                out('SF: Erase offset/length not multiple of erase size\n')
                return
            flash[off:off + n] = b'\xff' * n
            save()
            out('SF: %d bytes @ %#x Erased: OK\n' % (n, off))
        elif w[1] == 'write' and len(w) == 5:
            a, off, n = num(w[2]), num(w[3]), num(w[4])
            out('device 0 offset 0x%x, size 0x%x\n' % (off, n))
            src = ram[a - RAM_BASE:a - RAM_BASE + n]
            flash[off:off + n] = bytes(x & y for x, y in zip(flash[off:off + n], src))
            if bad_write:
                flash[off + n // 2] ^= 0x10
            save()
            out('SF: %d bytes @ %#x Written: OK\n' % (n, off))
        else:
            out('Usage:\nsf probe [[bus:]cs] [hz] [mode]\n')
    else:
        out("Unknown command '%s' - try 'help'\n" % w[0])


out('\nU-Boot 2023.01 (fake SPI NOR board)\n\nDRAM:  64 MiB\nHit any key to stop autoboot:  2 ')
if fill(2):
    buf.clear()
out('\n' + PROMPT)
line = b''
while True:
    c = getc(3600)
    if c is None:
        break
    if c == 3:
        out('<INTERRUPT>\n' + PROMPT)
        line = b''
    elif c in (13, 10):
        out('\n')
        run(line.decode(errors='replace'))
        line = b''
        out(PROMPT)
    else:
        line += bytes([c])
        out(bytes([c]))
