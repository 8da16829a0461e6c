#!/usr/bin/env bash
# Hostile traffic against `mtdscope serve` (tests/net/tftp_hostile.py): malformed and
# truncated packets, unknown opcodes, bad option values, path escapes, overwrite attempts,
# a flood of requests, vanishing clients.  Right TFTP error or ignored; keeps serving others;
# leaks no file descriptor.
. "$SRCDIR/tests/lib.sh"
need tftp
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || skip_all "python3 not installed"
. "$SRCDIR/tests/net/net_lib.sh"

mkdir -p "$T/srv/sub" "$T/up" "$T/outside"
for n in 512 14680 65536; do head -c $n /dev/urandom > "$T/srv/f$n.bin"; done
head -c 100 /dev/urandom > "$T/srv/sub/inner.bin"
echo secret > "$T/outside/passwd"
ln -s "$T/outside/passwd" "$T/srv/link-out"
ln -s "$T/outside" "$T/srv/dir-out"
ln -s f512.bin "$T/srv/link-in"
mkfifo "$T/srv/fifo"
echo existing > "$T/up/f512.bin"
serve_start "$T/srv" --upload "$T/up" --upload-max 1M --timeout 100 --retries 2 --max-transfers 32 -q
"$PY" "$SRCDIR/tests/net/tftp_hostile.py" "$PORT" "$SPID" "$LOG" "$T/srv" "$T/up"
rc=$?
[ $rc -eq 0 ] || tail -5 "$LOG" | sed 's/^/# server: /'
exit $rc
