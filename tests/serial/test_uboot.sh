#!/usr/bin/env bash
# netboot --via serial end to end against a real U-Boot: Debian's u-boot-qemu qemu_arm64 build
# in qemu-system-aarch64 -M virt, its serial console on a pseudo-terminal (under --exec, and as
# QEMU's own -serial pty device opened with --line).  The image goes over YMODEM (loady) and
# Kermit (loadb); U-Boot's "## Total Size" and its crc32 must equal the file's.  Also: the time
# estimate said before starting, and a U-Boot without loady refused in one line.
. "$SRCDIR/tests/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
crc() { "$PY" -c 'import sys,zlib; print("%08x" % zlib.crc32(open(sys.argv[1],"rb").read()))' "$1"; }

# 1. The estimate, before anything starts: 4 MiB by YMODEM at 57600 baud is about 12 minutes.
head -c 4194304 /dev/zero >"$T/4m.bin"
out=$(timeout 30 "$MTDSCOPE" netboot --via serial --exec 'exit 0' --baud 57600 --image "$T/4m.bin" --wait 2 2>&1)
like "$out" "ok +estimate +YMODEM over the serial line: 4215051 bytes on the wire .* at 57600 baud 8N1 about 12 min [0-9]+ s" \
	"4 MiB by YMODEM at 57600 baud: about 12 minutes, said first"
out=$(timeout 30 "$MTDSCOPE" netboot --via serial --protocol kermit --exec 'exit 0' --baud 57600 --image "$T/4m.bin" --wait 2 2>&1)
like "$out" "ok +estimate +Kermit over the serial line: 8[0-9]{6} bytes on the wire .* about 2[0-9] min" \
	"4 MiB of zeros by Kermit at 57600: every byte prefixed, about twice as long"

# 2. A U-Boot without loady (the scripted console of tests/net): one clear line.
head -c 5000 /dev/urandom >"$T/small.bin"
out=$(timeout 60 "$MTDSCOPE" netboot --via serial --exec "$PY $SRCDIR/tests/net/fake_uboot.py modern" \
	--image "$T/small.bin" --loadaddr 0x80a00000 --no-boot --wait 5 2>&1)
is "$?" 1 "no loady: fails"
like "$out" "FAILED +loady +this U-Boot has no such command" "no loady: says the command is missing"

need qemu-system-aarch64
UBOOT=/usr/lib/u-boot/qemu_arm64/u-boot.bin
[ -r "$UBOOT" ] || { echo "# SKIP u-boot-qemu not installed ($UBOOT)"; done_testing; exit; }
QEMU="qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256 -nographic -monitor none -nic none -bios $UBOOT"
head -c 300000 /dev/urandom >"$T/image.bin"
want=$(crc "$T/image.bin")

# 3. YMODEM to loady, JSON report.
out=$(timeout 150 "$MTDSCOPE" netboot --via serial --exec "$QEMU" --image "$T/image.bin" --no-boot --json \
	--log "$T/y.console" 2>"$T/y.err")
rc=$?
is "$rc" 0 "ymodem to U-Boot's loady: succeeds"
is "$(printf '%s' "$out" | jq -r .uboot_crc32)" "$want" "ymodem: U-Boot's crc32 equals ours ($want)"
is "$(printf '%s' "$out" | jq -r '[.via, .transfer.protocol, .transfer.complete, .transfer.bytes] | join(" ")')" \
	"serial ymodem true 300000" "ymodem: --json names the way and the transfer"
is "$(printf '%s' "$out" | jq -r '.transfer.wire_bytes == .transfer.estimated_wire_bytes')" true \
	"ymodem: the bytes on the wire are the ones estimated"
like "$(printf '%s' "$out" | jq -r '.steps[] | select(.step == "transfer") | .detail')" \
	"^300000 bytes by YMODEM to 0x40200000 .* CRC-16, 0 sent again; U-Boot's Total Size 300000$" "ymodem: U-Boot counted every byte"
like "$(cat "$T/y.console")" "loady 0x40200000" "ymodem: the transcript has the loady command"
[ $rc -eq 0 ] || { printf '%s\n' "$out"; tail -20 "$T/y.err"; } | sed 's/^/#   /'

# 4. Kermit to loadb, text report.
out=$(timeout 150 "$MTDSCOPE" netboot --via serial --protocol kermit --exec "$QEMU" --image "$T/image.bin" --no-boot 2>&1)
rc=$?
is "$rc" 0 "kermit to U-Boot's loadb: succeeds"
like "$out" "ok +transfer +300000 bytes by Kermit to 0x40200000 .*\(long packets\).*U-Boot's Total Size 300000" \
	"kermit: long packets, U-Boot counted every byte"
like "$out" "ok +crc32 +U-Boot's $want equals the file's" "kermit: U-Boot's crc32 equals ours ($want)"
[ $rc -eq 0 ] || printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'

# 5. Ctrl-C in the middle: the transfer stops, U-Boot is told (CAN CAN) and comes back to its prompt.
head -c 2000000 /dev/urandom >"$T/big.bin"
"$MTDSCOPE" netboot --via serial --exec "$QEMU" --image "$T/big.bin" --no-boot --log "$T/c.console" >"$T/c.out" 2>&1 &
npid=$!
# the --log transcript is written when netboot ends: wait for the first progress line instead
for _ in $(seq 300); do grep -Eq 'transfer +[0-9]+%' "$T/c.out" 2>/dev/null && break; sleep 0.1; done
sleep 1
kill -INT $npid
wait $npid
is "$?" 1 "Ctrl-C during the transfer: fails"
like "$(cat "$T/c.out")" "FAILED +transfer +stopped by Ctrl-C after [0-9]+ of 2000000 bytes; the receiver was told to cancel, U-Boot is back at its prompt" \
	"Ctrl-C during the transfer: stopped cleanly, U-Boot back at its prompt"

# 6. QEMU's serial as a pty device (-serial pty) opened with --line, like a USB serial adapter.
#    QEMU starts stopped (-S) and is let go through its monitor once mtdscope holds the line.
qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256 -display none -nic none -bios "$UBOOT" -S \
	-serial pty -monitor "unix:$T/mon,server=on,wait=off" >"$T/qemu.out" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do grep -q 'redirected to /dev/pts' "$T/qemu.out" && break; sleep 0.1; done
pts=$(sed -n 's/.*redirected to \(\/dev\/pts\/[0-9]*\).*/\1/p' "$T/qemu.out" | head -1)
if [ -n "$pts" ]; then
	( sleep 1.5; "$PY" -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.send(b"cont\n"); time.sleep(0.5)' "$T/mon" ) &
	out=$(timeout 150 "$MTDSCOPE" netboot --via serial --line "$pts" --baud 115200 --image "$T/image.bin" --no-boot 2>&1)
	rc=$?
	is "$rc" 0 "ymodem over --line $pts (QEMU -serial pty): succeeds"
	like "$out" "ok +stop autoboot +prompt '=>'.*'Hit any key to stop" "--line: autoboot interrupted"
	like "$out" "ok +crc32 +U-Boot's $want equals the file's" "--line: U-Boot's crc32 equals ours"
	[ $rc -eq 0 ] || printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'
else
	ok 1 "QEMU named no pty for its serial"
	sed 's/^/#   /' "$T/qemu.out"
fi
kill $qpid 2>/dev/null
wait $qpid 2>/dev/null
done_testing
