#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Peak resident memory of a static guest program run under qemu user mode.

usage: guest-rss.py PROGRAM QEMU [ARGS...]   (runs QEMU ARGS..., standard output to /dev/null)

qemu-user's own RSS (its code cache, its libraries) says nothing about the guest's, and
qemu has no way to report the guest's.  But with guest_base 0 (what qemu 7.2 picks for a
static non-PIE executable when the guest's addresses are free on the host) a guest page is
the host page at the same address, and every guest mapping lies below 2^32 for a 32-bit
guest and, for a 64-bit one, below 2^40 (qemu maps the guest's stack and mmap area from
0x5500000000; its own pages sit at 0x55xxxxxxxxxx and 0x7fxxxxxxxxxx).  So the guest's RSS
is the sum of the Rss of the emulator's mappings below that limit, sampled from
/proc/PID/smaps every 2 ms; prints `GUEST_KIB QEMU_KIB SECONDS` (the sampled peaks and the
wall time).  Refuses (exit 2) when PROGRAM is not mapped inside its own PT_LOAD addresses,
i.e. qemu chose another guest_base and the rule above does not hold.
"""
import os
import struct
import subprocess
import sys
import time


def elf_info(path):
    """(64-bit?, (lowest, highest) address of the PT_LOAD segments) of a little-endian ELF."""
    with open(path, "rb") as f:
        h = f.read(64)
        if h[:4] != b"\x7fELF" or h[5] != 1:
            sys.exit("guest-rss: %s: not a little-endian ELF" % path)
        is64 = h[4] == 2
        if is64:
            phoff, = struct.unpack_from("<Q", h, 32)
            phentsize, phnum = struct.unpack_from("<HH", h, 54)
        else:
            phoff, = struct.unpack_from("<I", h, 28)
            phentsize, phnum = struct.unpack_from("<HH", h, 42)
        span = None
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p = f.read(phentsize)
            ptype, = struct.unpack_from("<I", p, 0)
            if ptype != 1:
                continue
            if is64:
                vaddr, = struct.unpack_from("<Q", p, 16)
                memsz, = struct.unpack_from("<Q", p, 40)
            else:
                vaddr, memsz = struct.unpack_from("<I", p, 8)[0], struct.unpack_from("<I", p, 20)[0]
            lo, hi = vaddr & ~0xFFF, vaddr + memsz
            span = (lo, hi) if span is None else (min(span[0], lo), max(span[1], hi))
    if span is None:
        sys.exit("guest-rss: %s: no PT_LOAD" % path)
    return is64, span


def sample(pid, limit, prog):
    """(guest KiB, qemu KiB, program mapped at) from one read of /proc/PID/smaps, or None."""
    try:
        with open("/proc/%d/smaps" % pid) as f:
            text = f.read()
    except OSError:
        return None
    guest = total = 0
    start = 0
    at = None
    for line in text.splitlines():
        if line[:1] in "0123456789abcdef" and "-" in line.split(" ", 1)[0]:
            fields = line.split()
            start = int(fields[0].split("-")[0], 16)
            if at is None and len(fields) >= 6 and os.path.realpath(fields[5]) == prog:
                at = start
        elif line.startswith("Rss:"):
            kib = int(line.split()[1])
            total += kib
            if start < limit:
                guest += kib
    return guest, total, at


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.split("\n\n")[1])
    prog = os.path.realpath(sys.argv[1])
    is64, span = elf_info(prog)
    limit = 1 << 40 if is64 else 1 << 32
    t0 = time.monotonic()
    p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
    peak_guest = peak_total = 0
    where = None
    while p.poll() is None:
        s = sample(p.pid, limit, prog)
        if s:
            peak_guest = max(peak_guest, s[0])
            peak_total = max(peak_total, s[1])
            if where is None and s[2] is not None:
                where = s[2]
        time.sleep(0.002)
    secs = time.monotonic() - t0
    if where is None:
        sys.exit("guest-rss: %s was never seen mapped (the run was too short to sample)" % prog)
    if not span[0] <= where < span[1]:
        print("guest-rss: %s mapped at 0x%x, outside its own 0x%x-0x%x: qemu chose another guest_base" %
              (prog, where, span[0], span[1]), file=sys.stderr)
        sys.exit(2)
    print("%d %d %.2f" % (peak_guest, peak_total, secs))
    sys.exit(p.returncode)


main()
