#!/usr/bin/env python3
"""A scripted bootloader console for the autoboot-interrupt tests.

QEMU's Malta U-Boot has no autoboot countdown, so the countdown logic is
tested against this script.  Mode "mt7621" replays the TP-Link MR500 boot
log of seed 001 (U-Boot 1.1.3, Ralink SDK): the "Please choose the operation"
menu and a one-second window in which only the keyed string "tpl" stops
autoboot; then "MT7621 # ".  Mode "modern" is a mainline U-Boot: "Hit any
key to stop autoboot:  3", any key stops, prompt "=> ".  Mode "tplink-silent" is
the seed-001 log as posted: the same loader, but it prints no menu and no
countdown; after --delay seconds of power-on it prints its banner and waits
--window seconds, silently, for "tpl" (bytes typed earlier count: they wait in
the UART's buffer); without it, it boots Linux.  Like a real UART it
echoes what it gets, and keys typed after the stop land on the command line.

Without --pty it talks on stdin/stdout (run it under `mtdscope console
--exec`); with --pty FILE it opens a pseudo-terminal, writes the device name
to FILE and talks on it (for `--line`).
"""
import os
import select
import sys
import time

args = sys.argv[1:]
mode = args[0] if args else "mt7621"
pty_file = None
window = 1.0
if "--pty" in args:
    pty_file = args[args.index("--pty") + 1]
if "--window" in args:
    window = float(args[args.index("--window") + 1])
delay = 0.0
if "--delay" in args:
    delay = float(args[args.index("--delay") + 1])

if pty_file:
    import pty
    import tty
    master, slave = pty.openpty()
    tty.setraw(slave)
    with open(pty_file + ".tmp", "w") as f:
        f.write(os.ttyname(slave))
    os.rename(pty_file + ".tmp", pty_file)
    fd_in = fd_out = master
    # wait for the other side to open the line before booting
    time.sleep(0.5)
else:
    fd_in, fd_out = 0, 1

env = {"ipaddr": "192.168.0.1", "serverip": "192.168.0.5", "bootdelay": "1"}


def out(s):
    os.write(fd_out, s.replace("\n", "\r\n").encode())


def read_for(seconds):
    """Bytes received within `seconds`."""
    end = time.time() + seconds
    got = b""
    while True:
        left = end - time.time()
        if left <= 0:
            return got
        r, _, _ = select.select([fd_in], [], [], left)
        if r:
            try:
                b = os.read(fd_in, 256)
            except OSError:
                sys.exit(0)
            if not b:
                sys.exit(0)
            got += b


def read_some():
    """Whatever arrives next (blocks)."""
    select.select([fd_in], [], [])
    try:
        b = os.read(fd_in, 256)
    except OSError:
        sys.exit(0)
    if not b:
        sys.exit(0)
    return b


MT7621_LOG = """
U-Boot 1.1.3 (Nov 22 2023 - 16:37:42)

Board: Ralink APSoC DRAM:  128 MB
relocate_code Pointer at: 87fa0000
Config XHCI 40M PLL
******************************
Software System Reset Occurred
******************************
flash manufacture id: 1c, device id 70 18
find flash: EN25QH128A
*** Warning - bad CRC, using default environment

============================================
Ralink UBoot Version: 5.0.0.0
--------------------------------------------
ASIC MT7621A DualCore (MAC to MT7530 Mode)
DRAM_CONF_FROM: Auto-Detection
DRAM_TYPE: DDR3
DRAM bus: 16 bit
Xtal Mode=3 OCP Ratio=1/3
Flash component: SPI Flash
Date:Nov 22 2023  Time:16:37:42
============================================
icache: sets:256, ways:4, linesz:32 ,total:32768
dcache: sets:256, ways:4, linesz:32 ,total:32768

 ##### The CPU freq = 880 MHZ ####
 estimate memory size =128 Mbytes
#Reset_MT7530
set LAN/WAN WLLLL

Please choose the operation:
   1: Load system code to SDRAM via TFTP.
   2: Load system code then write to Flash via TFTP.
   3: Boot system code via Flash (default).
   4: Entr boot command line interface.
   7: Load Boot Loader code then write to Flash via Serial.
   9: Load Boot Loader code then write to Flash via TFTP.
"""


def boot_linux():
    out("\n3: System Boot system code via Flash.\n## Booting image at bc050000 ...\n")
    out("   Image Name:   MIPS OpenWrt Linux-5.4\n   Verifying Checksum ... OK\n")
    out("Starting kernel ...\n\n")
    time.sleep(30)
    sys.exit(0)


def stop_mt7621():
    """TP-Link's keyed stop: the countdown runs; only 'tpl' within it stops."""
    out(MT7621_LOG)
    got = b""
    ticks = max(1, int(round(window / 0.25)))
    out("default: 3\n %d " % int(window + 0.99))
    for _ in range(ticks):
        got += read_for(0.25)
        if b"tpl" in got:
            break
        out(".")
    if b"tpl" not in got:
        boot_linux()
    rest = got[got.index(b"tpl") + 3:]
    out("\n\n4: System Enter Boot Command Line Interface.\n\nU-Boot 1.1.3 (Nov 22 2023 - 16:37:42)\n")
    return "MT7621 # ", rest


def stop_tplink_silent():
    """The loader of seed 001 as posted: no menu, no countdown; 'tpl' within the window stops it."""
    time.sleep(delay)
    log = MT7621_LOG[:MT7621_LOG.index("set LAN/WAN WLLLL") + len("set LAN/WAN WLLLL\n")]
    out(log)
    got = read_for(window)
    if b"tpl" not in got:
        boot_linux()
    rest = got[got.index(b"tpl") + 3:]
    out("\n4: System Enter Boot Command Line Interface.\n\nU-Boot 1.1.3 (Nov 22 2023 - 16:37:42)\n")
    return "MT7621 # ", rest


def stop_modern():
    out("\n\nU-Boot 2023.01 (Jan 01 2023 - 00:00:00 +0000)\n\nDRAM:  256 MiB\nNet:   eth0: ethernet@1e100000\n")
    secs = 3
    got = b""
    for s in range(secs, 0, -1):
        out("\rHit any key to stop autoboot: %2d " % s)
        got += read_for(1.0)
        if got:
            break
    if not got:
        boot_linux()
    out("\rHit any key to stop autoboot:  0 \n")
    return "=> ", got[1:]  # one key consumed, the rest stays typed


if mode == "mt7621":
    prompt, typed = stop_mt7621()
elif mode == "tplink-silent":
    prompt, typed = stop_tplink_silent()
else:
    prompt, typed = stop_modern()


def run(cmd):
    words = cmd.split()
    if not words:
        return
    c = words[0]
    if c == "printenv":
        for k in words[1:] or sorted(env):
            if k in env:
                out("%s=%s\n" % (k, env[k]))
            else:
                out("## Error: \"%s\" not defined\n" % k)
    elif c == "setenv":
        if len(words) > 2:
            env[words[1]] = " ".join(words[2:])
        elif len(words) == 2:
            env.pop(words[1], None)
    elif c == "version":
        out("\nU-Boot 1.1.3 (Nov 22 2023 - 16:37:42)\n" if mode == "mt7621" else "\nU-Boot 2023.01\n")
    elif c == "sleep":
        time.sleep(float(words[1]) if len(words) > 1 else 1)
    elif c == "bootm":
        out("## Booting image at %s ...\nStarting kernel ...\n\n" % (words[1] if len(words) > 1 else "80a00000"))
        time.sleep(30)
        sys.exit(0)
    else:
        out("Unknown command '%s' - try 'help'\n" % c)


line = b""
out(prompt)
pending = typed
while True:
    data = pending or read_some()
    pending = b""
    for ch in data:
        b = bytes([ch])
        if b == b"\x03":
            out("<INTERRUPT>\n" + prompt)
            line = b""
        elif b in (b"\r", b"\n"):
            out("\n")
            run(line.decode(errors="replace"))
            line = b""
            out(prompt)
        elif b in (b"\x08", b"\x7f"):
            if line:
                line = line[:-1]
                out("\b \b")
        elif b == b"\x15":
            out("\b \b" * len(line))
            line = b""
        else:
            line += b
            os.write(fd_out, b)
