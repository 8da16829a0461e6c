#!/usr/bin/env bash
# The serial senders against receivers that misbehave (tests/serial/bad_receiver.py): silence,
# NAK for everything, CAN CAN, an E packet, a cancel in an ACK, lost and damaged answers and
# noise (the file must still arrive whole), and a cancel from the sending side (rb must stop).
# Every failure must be one clear line, within the timeouts given.
. "$SRCDIR/tests/lib.sh"
XS=${1:?usage: test_hostile.sh XFER_SEND}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
BR="$SRCDIR/tests/serial/bad_receiver.py"
head -c 40000 /dev/urandom >"$T/img.bin"
"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 100)' >>"$T/img.bin"

run() { # PROTO ARGS... -- RECEIVER...: the driver's output in $out, status in $rc, seconds in $secs
	out=$(timeout 60 "$XS" "$@" 2>&1)
	rc=$?
	secs=$(printf '%s\n' "$out" | sed -n 's/^sender seconds=\([0-9]*\).*/\1/p')
}

run ymodem "$T/img.bin" --start-ms 2000 -- "$PY" "$BR" ymodem-silent
is "$rc" 1 "ymodem, silent receiver: fails"
like "$out" "error: the receiver did not ask for the file within 2 s" "ymodem, silent receiver: says no 'C' or NAK came"
ok $([ "${secs:-99}" -le 3 ] && echo 0 || echo 1) "ymodem, silent receiver: gives up at the start timeout (${secs:-?} s)"

run ymodem "$T/img.bin" --retries 3 --timeout-ms 1000 -- "$PY" "$BR" ymodem-nak
is "$rc" 1 "ymodem, NAK for everything: fails"
like "$out" "error: the header block \(name and size\): no ACK after 3 tries \(3 NAK" "ymodem, NAK for everything: gives up after 3 tries, says so"

run ymodem "$T/img.bin" -- "$PY" "$BR" ymodem-can
is "$rc" 1 "ymodem, CAN CAN: fails"
like "$out" "error: the receiver cancelled the transfer \(CAN CAN\).*cancelled=1" "ymodem, CAN CAN: reported as the receiver's cancel"

run ymodem "$T/img.bin" --timeout-ms 2000 -- "$PY" "$BR" ymodem-flaky "$T/flaky.y"
is "$rc" 0 "ymodem, lost answers and noise: succeeds"
like "$out" "^ok bytes=$(stat -c %s "$T/img.bin") .*retries=([1-9][0-9]*)" "ymodem, lost answers and noise: blocks sent again"
check "ymodem, lost answers and noise: the file arrives whole" cmp "$T/img.bin" "$T/flaky.y"

run kermit "$T/img.bin" --start-ms 3000 --timeout-ms 1000 -- "$PY" "$BR" kermit-silent
is "$rc" 1 "kermit, silent receiver: fails"
like "$out" "error: the Send-Init packet: no answer after [0-9]+ tries" "kermit, silent receiver: says nothing answered the Send-Init"
ok $([ "${secs:-99}" -le 4 ] && echo 0 || echo 1) "kermit, silent receiver: gives up at the start timeout (${secs:-?} s)"

run kermit "$T/img.bin" -- "$PY" "$BR" kermit-error
is "$rc" 1 "kermit, E packet: fails"
like "$out" "error: the receiver stopped at the Send-Init packet: 'Disk full'" "kermit, E packet: its text is reported"

run kermit "$T/img.bin" --retries 4 --timeout-ms 1000 -- "$PY" "$BR" kermit-nak
is "$rc" 1 "kermit, NAK for everything: fails"
like "$out" "not acknowledged after [0-9]+ tries \([0-9]+ NAK" "kermit, NAK for everything: gives up, says so"

run kermit "$T/img.bin" -- "$PY" "$BR" kermit-cancel "$T/cancel.k"
is "$rc" 1 "kermit, X in an ACK: fails"
like "$out" "error: the receiver cancelled the file at offset" "kermit, X in an ACK: reported as the receiver's cancel"

run kermit "$T/img.bin" --timeout-ms 2000 -- "$PY" "$BR" kermit-flaky "$T/flaky.k"
is "$rc" 0 "kermit, NAKs and a damaged ACK: succeeds"
like "$out" "^ok bytes=$(stat -c %s "$T/img.bin") .*retries=([1-9][0-9]*) .*long=1" "kermit, NAKs and a damaged ACK: packets sent again, long packets"
check "kermit, NAKs and a damaged ACK: the file arrives whole" cmp "$T/img.bin" "$T/flaky.k"

if command -v rb >/dev/null; then
	mkdir -p "$T/rx"
	t0=$SECONDS
	out=$(cd "$T/rx" && timeout 60 "$XS" ymodem "$T/img.bin" --turnaround-ms 5 --timeout-ms 2000 --cancel-after 10000 -- rb 2>/dev/null)
	rc=$?
	is "$rc" 1 "ymodem, cancelled by the sender: fails"
	like "$out" "error: stopped on request.*aborted=1" "ymodem, cancelled by the sender: says so"
	like "$out" "receiver exit [1-9]" "ymodem, cancelled by the sender: rb saw the CANs and stopped with an error"
	ok $([ $((SECONDS - t0)) -le 15 ] && echo 0 || echo 1) "ymodem, cancelled by the sender: rb stopped at once"
else
	ok 0 "# SKIP lrzsz (rb) not installed"
fi
done_testing
