#!/usr/bin/env bash
# The YMODEM and Kermit senders (include/mtdscope/serial.h) against the real receivers of the
# field on a pseudo-terminal: lrzsz's rb (YMODEM batch receive) and C-Kermit (kermit -r).  The
# file each receiver writes is compared byte for byte with what was sent.
. "$SRCDIR/tests/lib.sh"
XS=${1:?usage: test_receivers.sh XFER_SEND}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

mkfile() { # NAME BYTES: random bytes
	head -c "$2" /dev/urandom >"$T/$1"
}
# every byte value, many times: control characters, DEL, 0x80-0x9f, 0xff and the prefix '#'
"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 300)' >"$T/allbytes.bin"

if command -v rb >/dev/null; then
	for f in "random.bin 300000" "tail128.bin 51300" "exact.bin 65536" "allbytes.bin"; do
		set -- $f
		[ $# -eq 2 ] && mkfile "$1" "$2"
		rm -rf "$T/rx" && mkdir "$T/rx"
		out=$(cd "$T/rx" && timeout 100 "$XS" ymodem "$T/$1" --name "$1" --timeout-ms 2000 --turnaround-ms 5 -- rb 2>/dev/null)
		rc=$?
		is "$rc" 0 "ymodem to rb: $1 ($(stat -c %s "$T/$1") bytes) acknowledged to its end"
		like "$out" "^ok bytes=$(stat -c %s "$T/$1") .*packet=1024 .*crc16=1" "ymodem to rb: $1 in 1 KiB blocks with CRC-16"
		check "ymodem to rb: $1 received byte for byte (name and size from the header)" cmp "$T/$1" "$T/rx/$1"
		[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'
	done
else
	ok 0 "# SKIP lrzsz (rb) not installed"
fi

if command -v kermit >/dev/null; then
	mkfile big.bin 2000000
	for f in "big.bin" "allbytes.bin" "allbytes.bin --kermit-max 94"; do
		set -- $f
		name=$1; shift
		rm -rf "$T/rx" && mkdir "$T/rx"
		out=$(cd "$T/rx" && timeout 100 "$XS" kermit "$T/$name" --name "$name" --timeout-ms 3000 "$@" -- kermit -Y -B -i -q -r 2>&1)
		rc=$?
		is "$rc" 0 "kermit to C-Kermit: $name $* acknowledged to its end"
		if [ $# -eq 0 ]; then
			like "$out" "^ok bytes=$(stat -c %s "$T/$name") .*long=1" "kermit to C-Kermit: $name in long packets"
		else
			like "$out" "^ok bytes=$(stat -c %s "$T/$name") .*packet=91 long=0" "kermit to C-Kermit: $name in 94-byte packets"
		fi
		check "kermit to C-Kermit: $name $* received byte for byte" cmp "$T/$name" "$T/rx/$name"
		[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'
	done
else
	ok 0 "# SKIP ckermit not installed"
fi
done_testing
