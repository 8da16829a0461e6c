#!/usr/bin/env python3
"""Hostile TFTP traffic against a running `mtdscope serve` (TAP on stdout).

Hand-made datagrams: malformed and truncated packets, unknown opcodes, bad
option values, path escapes, overwrite attempts, a flood of requests, clients
that vanish or misbehave mid-transfer.  The server must answer each with the
right TFTP error (or ignore it), keep serving a real client (tftp-hpa) during
the flood, and end with no transfer, socket or file descriptor left over.

usage: tftp_hostile.py PORT SERVER_PID LOG ROOT UPLOAD_DIR
"""
import os
import socket
import struct
import subprocess
import sys
import threading
import time

PORT, PID, LOG, ROOT, UP = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
HOST = "127.0.0.1"
n = 0
failed = 0


def ok(cond, name, extra=None):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, name))
    if not cond:
        failed += 1
        if extra is not None:
            print("#   " + str(extra).replace("\n", "\n#   "))
    sys.stdout.flush()


def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    s.settimeout(2.0)
    return s


def rrq(name, mode=b"octet", opts=(), op=1):
    p = struct.pack(">H", op) + name + b"\0" + mode + b"\0"
    for k, v in opts:
        p += k + b"\0" + v + b"\0"
    return p


def recv(s, timeout=2.0):
    s.settimeout(timeout)
    try:
        data, addr = s.recvfrom(70000)
        return data, addr
    except socket.timeout:
        return None, None


def exchange(pkt, timeout=2.0):
    s = sock()
    s.sendto(pkt, (HOST, PORT))
    d, a = recv(s, timeout)
    s.close()
    return d


def error_code(d):
    if d and len(d) >= 4 and d[:2] == b"\0\5":
        return struct.unpack(">H", d[2:4])[0]
    return None


def oack(d):
    if not d or d[:2] != b"\0\6":
        return None
    parts = d[2:].split(b"\0")
    return dict(zip(parts[0::2], parts[1::2]))


def nfds():
    return len(os.listdir("/proc/%d/fd" % PID))


fds_before = nfds()

# ---- malformed and truncated ----
ok(exchange(b"\x00", 0.4) is None, "1-byte datagram ignored")
ok(exchange(b"", 0.4) is None, "empty datagram ignored")
ok(error_code(exchange(b"\x00\x09hello\0octet\0")) == 4, "unknown opcode 9 gets error 4")
ok(error_code(exchange(b"\xff\xff")) == 4, "opcode 65535 gets error 4")
ok(error_code(exchange(b"\x00\x01f512.bin")) == 4, "RRQ without NUL gets error 4")
ok(error_code(exchange(b"\x00\x01f512.bin\0")) == 4, "RRQ without a mode gets error 4")
ok(error_code(exchange(b"\x00\x01\0octet\0")) == 4, "RRQ with an empty name gets error 4")
ok(error_code(exchange(b"\x00\x01f512.bin\0oc")) == 4, "RRQ with a truncated mode gets error 4")
ok(error_code(exchange(rrq(b"f512.bin", b"mail"))) == 4, "mode mail gets error 4")
ok(error_code(exchange(rrq(b"f512.bin", b"x" * 40))) == 4, "a 40-byte mode gets error 4")
ok(error_code(exchange(rrq(b"f512.bin", opts=[(b"blksize", b"1024")]) + b"tsize")) == 4,
   "option without a value gets error 4")
ok(exchange(b"\x00\x05\x00\x01oops\0", 0.4) is None, "ERROR on the request port is never answered")
ok(exchange(b"\x00\x04\x00\x01", 0.4) is None, "stray ACK on the request port ignored")
ok(exchange(b"\x00\x03\x00\x01data", 0.4) is None, "stray DATA on the request port ignored")
ok(error_code(exchange(rrq(b"a" * 600))) == 2, "a 600-byte file name gets error 2")

# ---- path escapes ----
for name, why in [(b"../etc/passwd", ".."), (b"sub/../../etc/passwd", "nested .."), (b"/etc/passwd", "absolute"),
                  (b"..", "bare .."), (b"a\\..\\b", "backslash"), (b"f512\x01.bin", "control character"),
                  (b"f512.bin\x1b[2J", "escape sequence"), (b"link-out", "symlink to a file outside"),
                  (b"dir-out/passwd", "symlink to a directory outside"), (b"sub", "a directory"),
                  (b"fifo", "a FIFO")]:
    ok(error_code(exchange(rrq(name))) in (1, 2), "path escape refused: %s" % why)
d = exchange(rrq(b"link-in"))
ok(d is not None and d[:4] == b"\0\3\0\1", "a symlink staying inside the root is served")
d = exchange(rrq(b"sub/inner.bin"))
ok(d is not None and d[:4] == b"\0\3\0\1", "a file in a subdirectory is served")

# ---- options ----
def first_reply(opts, name=b"f65536.bin"):
    return exchange(rrq(name, opts=opts))


for opts, what in [([(b"blksize", b"abc")], "blksize=abc"), ([(b"blksize", b"7")], "blksize=7"),
                   ([(b"blksize", b"-512")], "blksize=-512"), ([(b"blksize", b"")], "blksize empty"),
                   ([(b"windowsize", b"0")], "windowsize=0"), ([(b"timeout", b"0")], "timeout=0"),
                   ([(b"timeout", b"256")], "timeout=256"), ([(b"tsize", b"x")], "tsize=x"),
                   ([(b"windowsize", b"99999")], "windowsize=99999")]:
    d = first_reply(opts)
    ok(d is not None and d[:4] == b"\0\3\0\1" and len(d) == 516, "bad option %s ignored: plain DATA 1 of 512" % what,
       d[:40] if d else None)
o = oack(first_reply([(b"blksize", b"99999999999999999999999")]))
ok(o is not None and o.get(b"blksize") == b"65464", "huge blksize answered 65464", o)
o = oack(first_reply([(b"blksize", b"600"), (b"windowsize", b"1000"), (b"timeout", b"3"), (b"tsize", b"0")]))
ok(o == {b"blksize": b"600", b"windowsize": b"64", b"timeout": b"3", b"tsize": b"65536"},
   "answers never exceed what was asked", o)
o = oack(first_reply([(b"BlkSize", b"1024"), (b"blksize", b"2048"), (b"unknown-opt", b"1")]))
ok(o == {b"blksize": b"1024"}, "option names case-insensitive, repeats and unknown options ignored", o)
o = oack(first_reply([(b"x%d" % i, b"1") for i in range(40)] + [(b"blksize", b"800")]))
ok(o is None or o.get(b"blksize") in (None, b"800"), "40 unknown options do not break the request")

# ---- uploads ----
ok(error_code(exchange(rrq(b"f512.bin", op=2))) == 6, "WRQ over an existing upload gets error 6")
ok(error_code(exchange(rrq(b"../escape.bin", op=2))) == 2, "WRQ with .. gets error 2")
ok(error_code(exchange(rrq(b"sub/x.bin", op=2))) == 2, "WRQ into a subdirectory gets error 2")
ok(error_code(exchange(rrq(b".hidden", op=2))) == 2, "WRQ of a dot file gets error 2")
ok(error_code(exchange(rrq(b"big.bin", op=2, opts=[(b"tsize", b"999999999999")]))) == 3,
   "WRQ with tsize over the cap gets error 3")
# an upload whose DATA block is larger than the block size
s = sock()
s.sendto(rrq(b"odd.bin", op=2), (HOST, PORT))
d, a = recv(s)
ok(d == b"\0\4\0\0", "WRQ answered with ACK 0")
s.sendto(b"\0\3\0\1" + b"x" * 600, a)
d, _ = recv(s)
ok(error_code(d) == 4, "a 600-byte DATA block in a 512-byte transfer gets error 4")
s.close()
time.sleep(0.1)
ok(not [f for f in os.listdir(UP) if f.startswith(".") or f == "odd.bin"], "the broken upload left nothing behind",
   os.listdir(UP))

# ---- transfers that misbehave ----
# duplicate ACKs must not double the data (sorcerer's apprentice)
s = sock()
s.sendto(rrq(b"f65536.bin", opts=[(b"timeout", b"3")]), (HOST, PORT))
d, a = recv(s)
ok(oack(d) == {b"timeout": b"3"}, "OACK timeout=3")
s.sendto(b"\0\4\0\0", a)
d, _ = recv(s)
ok(d[:4] == b"\0\3\0\1", "DATA 1 arrives")
s.sendto(b"\0\4\0\1", a)
d, _ = recv(s)
ok(d is not None and d[:4] == b"\0\3\0\2", "ACK 1 brings DATA 2")
s.sendto(b"\0\4\0\1", a)  # duplicate
d, _ = recv(s, 0.5)
ok(d is None, "a duplicate ACK 1 brings no second DATA 2", d[:4] if d else None)
# a stranger writing to the transfer's port gets error 5, the transfer goes on
t = sock()
t.sendto(b"\0\4\0\2", a)
d, _ = recv(t)
ok(error_code(d) == 5, "a packet from another port gets error 5 (unknown transfer ID)")
t.close()
s.sendto(b"\0\4\0\2", a)
d, _ = recv(s)
ok(d is not None and d[:4] == b"\0\3\0\3", "the transfer goes on after the stranger")
# the client aborts with an ERROR: the server lets go quietly
s.sendto(b"\0\5\0\0bye\0", a)
d, _ = recv(s, 0.5)
ok(d is None, "a client ERROR ends the transfer without a reply")
s.close()
# RRQ repeated by the client (its first packet lost): one transfer, not two
s = sock()
s.sendto(rrq(b"f512.bin"), (HOST, PORT))
s.sendto(rrq(b"f512.bin"), (HOST, PORT))
ports = set()
end = time.time() + 0.5
while time.time() < end:
    d, a = recv(s, 0.1)
    if a:
        ports.add(a[1])
ok(len(ports) == 1, "a repeated RRQ does not start a second transfer", ports)
s.close()

# ---- a flood, vanishing clients, and a real client in the middle ----
def flood():
    socks = []
    for i in range(1500):
        f = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        f.bind((HOST, 0))
        # missing files, and real files whose client never answers (vanishing)
        f.sendto(rrq(b"missing%d.bin" % i if i % 5 else b"f65536.bin"), (HOST, PORT))
        socks.append(f)
        if len(socks) > 200:
            socks.pop(0).close()
    for f in socks:
        f.close()


th = threading.Thread(target=flood)
th.start()
time.sleep(0.05)
out = os.path.join(os.path.dirname(LOG), "flood-get.bin")
ok_real = False
for attempt in range(10):
    r = subprocess.run(["tftp", "-m", "binary", HOST, str(PORT), "-c", "get", "f14680.bin", out],
                       capture_output=True, text=True, timeout=30)
    if r.returncode == 0 and os.path.exists(out) and open(out, "rb").read() == open(os.path.join(ROOT, "f14680.bin"), "rb").read():
        ok_real = True
        break
    time.sleep(0.2)
th.join()
ok(ok_real, "a real client (tftp-hpa) is served during a flood of 1500 requests")
log = open(LOG, errors="replace").read()
ok("server busy" in log or "client stopped answering" in log, "the flood is bounded: busy refusals or timeouts logged")

# everything the flood and the vanished clients left must go away (timeout 100 ms, 2 retries)
deadline = time.time() + 15
while time.time() < deadline and nfds() > fds_before:
    time.sleep(0.2)
ok(nfds() <= fds_before, "no file descriptor left after the flood (%d before, %d after)" % (fds_before, nfds()))
d = exchange(rrq(b"f512.bin"))
ok(d is not None and d[:4] == b"\0\3\0\1" and len(d) == 516, "the server still serves after all that")
os.kill(PID, 0)
ok(True, "the server process is alive")
print("1..%d" % n)
sys.exit(1 if failed else 0)
