#!/usr/bin/env bash
# `mtdscope serve` against real TFTP clients on loopback: tftp-hpa, atftp (blksize, windowsize),
# curl (blksize, tsize) and busybox tftp, for 0, 511, 512, 513 bytes, a multiple of the block
# size and a file over 32 MiB with 512-byte blocks (block numbers wrap).  Every transfer is
# checked by SHA-256; uploads too.
. "$SRCDIR/tests/lib.sh"
need tftp atftp curl busybox sha256sum
. "$SRCDIR/tests/net/net_lib.sh"

mkdir -p "$T/srv" "$T/up" "$T/out"
: > "$T/srv/zero.bin"
for n in 511 512 513 14680 65536; do head -c $n /dev/urandom > "$T/srv/f$n.bin"; done
# over 32 MiB: 65535 * 512 = 33553920 bytes is where 512-byte block numbers wrap
head -c 34000000 /dev/urandom > "$T/srv/big.bin"
printf 'line one\nline two\r\nend' > "$T/srv/text.txt"

serve_start "$T/srv" --upload "$T/up" --upload-max 2M
sha() { sha256sum "$1" | cut -d' ' -f1; }

check_get() { # CLIENT FILE DESCRIPTION-SUFFIX
	local c=$1 f=$2 out="$T/out/$1-$2" rc
	rm -f "$out"
	case $c in
	tftp-hpa) tftp -m binary 127.0.0.1 "$PORT" -c get "$f" "$out" >"$T/client.log" 2>&1 ;;
	atftp) atftp -g -r "$f" -l "$out" --option "blksize 1428" --option "windowsize 8" 127.0.0.1 "$PORT" \
		>"$T/client.log" 2>&1 ;;
	atftp-plain) atftp -g -r "$f" -l "$out" 127.0.0.1 "$PORT" >"$T/client.log" 2>&1 ;;
	curl) curl -sS --tftp-blksize 1024 "tftp://127.0.0.1:$PORT/$f" -o "$out" >"$T/client.log" 2>&1 ;;
	busybox) busybox tftp -g -r "$f" -l "$out" -b 1468 127.0.0.1 "$PORT" >"$T/client.log" 2>&1 ;;
	busybox-512) busybox tftp -g -r "$f" -l "$out" 127.0.0.1 "$PORT" >"$T/client.log" 2>&1 ;;
	esac
	rc=$?
	if [ $rc -eq 0 ] && [ -f "$out" ] && [ "$(sha "$out")" = "$(sha "$T/srv/$f")" ]; then
		ok 0 "$c get $f ($(stat -c %s "$T/srv/$f") bytes): SHA-256 matches"
	else
		ok 1 "$c get $f: SHA-256 matches"
		sed 's/^/#   /' "$T/client.log" | head -5
		tail -3 "$LOG" | sed 's/^/#   server: /'
	fi
}

for c in tftp-hpa atftp curl busybox; do
	for f in zero.bin f511.bin f512.bin f513.bin f14680.bin f65536.bin; do
		check_get $c $f
	done
done
# > 32 MiB with 512-byte blocks: tftp-hpa asks no options at all, busybox asks only tsize.
check_get tftp-hpa big.bin
check_get busybox-512 big.bin
like "$(grep "'big.bin'" "$LOG" | grep -c warning)" '^[1-9]' "warning logged for a 512-byte client fetching over 32 MiB"
# 34 MB with blksize 1428 and window 8 through atftp
check_get atftp big.bin

# The log: client, port, name, options asked and answered, outcome.
like "$(cat "$LOG")" "127\.0\.0\.1:[0-9]+ read 'f513.bin' \(513 bytes\) options: blksize=1428 windowsize=8; answered blksize=1428 windowsize=8" "request logged with client, port, name, options and answer"
like "$(cat "$LOG")" "read 'f513.bin' done: 513 bytes" "outcome logged"
like "$(cat "$LOG")" "options: tsize=0 blksize=1024.*answered tsize=513 blksize=1024" "curl's tsize answered with the size"

# netascii with tftp-hpa's default mode: LF becomes CR LF on the wire and back.
rm -f "$T/out/text.txt"
tftp 127.0.0.1 "$PORT" -m netascii -c get text.txt "$T/out/text.txt" >/dev/null 2>&1
is "$(sha "$T/out/text.txt")" "$(sha "$T/srv/text.txt")" "netascii read round-trips through tftp-hpa"

# Uploads: each client puts a file; the result is byte-identical.
head -c 100000 /dev/urandom > "$T/payload"
tftp -m binary 127.0.0.1 "$PORT" -c put "$T/payload" up-hpa.bin >/dev/null 2>&1
atftp -p -l "$T/payload" -r up-atftp.bin --option "blksize 1024" --option "windowsize 4" 127.0.0.1 "$PORT" >/dev/null 2>&1
curl -sS -T "$T/payload" "tftp://127.0.0.1:$PORT/up-curl.bin" >/dev/null 2>&1
busybox tftp -p -l "$T/payload" -r up-busybox.bin -b 1024 127.0.0.1 "$PORT" >/dev/null 2>&1
sleep 0.3
for u in up-hpa up-atftp up-curl up-busybox; do
	is "$(sha "$T/up/$u.bin" 2>/dev/null)" "$(sha "$T/payload")" "upload through ${u#up-}: SHA-256 matches"
done
is "$(ls -A "$T/up" | grep -c '\.part-')" 0 "no temporary files left after uploads"

# Create-only: a second upload of the same name is refused (error 6) and the first stays.
head -c 5000 /dev/urandom > "$T/other"
out=$(tftp -m binary 127.0.0.1 "$PORT" -c put "$T/other" up-hpa.bin 2>&1)
like "$out" "Error code 6" "overwrite attempt gets TFTP error 6"
is "$(sha "$T/up/up-hpa.bin")" "$(sha "$T/payload")" "the existing upload is untouched"
# Size cap: 3 MB into a 2 MiB cap fails and leaves nothing.
head -c 3000000 /dev/urandom > "$T/huge"
out=$(atftp -p -l "$T/huge" -r huge.bin --option "tsize 3000000" 127.0.0.1 "$PORT" 2>&1)
like "$out$(tail -2 "$LOG")" "size cap" "upload over the cap refused by its tsize"
out=$(tftp -m binary 127.0.0.1 "$PORT" -c put "$T/huge" huge2.bin 2>&1)
like "$out" "Error code 3" "upload over the cap without tsize stops with error 3"
sleep 0.2
ok "$([ ! -e "$T/up/huge.bin" ] && [ ! -e "$T/up/huge2.bin" ] && [ "$(ls -A "$T/up" | grep -c '\.part-')" = 0 ]; echo $?)" "nothing kept of refused uploads"

# A missing file: the client gets error 1, the log says what is there.
out=$(tftp -m binary 127.0.0.1 "$PORT" -c get F513.bin "$T/out/x" 2>&1)
like "$out" "Error code 1" "missing file gets error 1"
like "$(grep "'F513.bin'" "$LOG")" "did you mean 'f513.bin'.*holds 8 files: big.bin, f14680.bin, f511.bin" "missing file: log lists the served directory"

serve_stop
like "$(cat "$LOG")" "served [0-9]+ requests" "server exits cleanly on SIGINT"

# --any-name: any name gets the one file, the log says the name asked.
serve_start --any-name "$T/srv/f513.bin"
tftp -m binary 127.0.0.1 "$PORT" -c get tp_recovery.bin "$T/out/any" >/dev/null 2>&1
is "$(sha "$T/out/any")" "$(sha "$T/srv/f513.bin")" "--any-name serves its file for tp_recovery.bin"
like "$(cat "$LOG")" "read 'tp_recovery.bin' -> serving 'f513.bin'" "--any-name logs the name asked"
out=$(tftp -m binary 127.0.0.1 "$PORT" -c put "$T/payload" x.bin 2>&1)
like "$out" "Error code 2" "read-only server refuses uploads with error 2"
serve_stop

# --once: exits by itself after one transfer.
serve_start "$T/srv" --once
busybox tftp -g -r f512.bin -l "$T/out/once" 127.0.0.1 "$PORT" >/dev/null 2>&1
for _ in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
wait "$SPID"; rc=$?
is "$rc" 0 "--once exits 0 after one transfer"
SPID=

# JSON lines
serve_start "$T/srv" --json
curl -sS "tftp://127.0.0.1:$PORT/f511.bin" -o "$T/out/j" >/dev/null 2>&1
serve_stop
is "$(grep '"event":"done"' "$LOG" | jq -r '.bytes')" 511 "--json: done event carries the byte count"
like "$(grep '"event":"request"' "$LOG" | jq -r '.answer')" "^tsize=511 blksize=512" "--json: request event carries the answered options"
done_testing
