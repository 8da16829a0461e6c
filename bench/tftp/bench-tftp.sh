#!/usr/bin/env bash
# Throughput of `mtdscope serve` against in.tftpd (tftpd-hpa) on loopback: the same client, the
# same file, the same options, printed side by side.  windowsize only where the client sends it
# (atftp); tftpd-hpa 5.2 does not know windowsize and answers without it (shown as lockstep).
#
# usage: bash bench/tftp/bench-tftp.sh [MTDSCOPE] [SIZE_MB]   (default build-net/src/cli/mtdscope, 64)
set -u
MTDSCOPE=${1:-build-net/src/cli/mtdscope}
MB=${2:-64}
for t in in.tftpd atftp tftp curl; do command -v $t >/dev/null || { echo "need $t"; exit 1; }; done
D=$(mktemp -d)
SPID=
trap '[ -n "$SPID" ] && kill $SPID 2>/dev/null; rm -rf "$D"' EXIT
mkdir -p "$D/root"
head -c $((MB << 20)) /dev/urandom > "$D/root/img.bin"
want=$(sha256sum < "$D/root/img.bin" | cut -d' ' -f1)
port_free() { /usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() { # mtdscope|tftpd-hpa
	PORT=$(port_free)
	if [ "$1" = mtdscope ]; then
		"$MTDSCOPE" serve -q --bind 127.0.0.1 --port "$PORT" "$D/root" >/dev/null 2>&1 &
		SPID=$!
	else
		# -L: foreground, so the benchmark can stop it by its pid
		in.tftpd -L -s -B 65464 -a "127.0.0.1:$PORT" "$D/root" >/dev/null 2>&1 &
		SPID=$!
	fi
	sleep 0.3
}
stop() { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=; }

run() { # SERVER LABEL CMD... (CMD uses $PORT and $D/out)
	local server=$1 label=$2; shift 2
	start "$server"
	rm -f "$D/out"
	local t0 t1
	t0=$(date +%s.%N)
	eval "$@" >/dev/null 2>&1
	t1=$(date +%s.%N)
	stop
	local got
	got=$(sha256sum < "$D/out" 2>/dev/null | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then echo "FAILED"; return; fi
	awk -v a="$t0" -v b="$t1" -v mb="$MB" 'BEGIN { printf "%.1f MiB/s (%.2f s)", mb / (b - a), b - a }'
}

printf '%s MiB file on loopback, SHA-256 checked after every transfer\n\n' "$MB"
printf '%-44s %-26s %-26s\n' "client and options" "mtdscope serve" "in.tftpd (tftpd-hpa)"
row() { # LABEL CMD
	local label=$1 cmd=$2
	printf '%-44s %-26s %-26s\n' "$label" "$(run mtdscope "$label" "$cmd")" "$(run tftpd-hpa "$label" "$cmd")"
}
row "tftp-hpa, 512-byte blocks, lockstep" 'tftp -m binary 127.0.0.1 $PORT -c get img.bin $D/out'
row "curl, blksize 1468, tsize" 'curl -s --tftp-blksize 1468 tftp://127.0.0.1:$PORT/img.bin -o $D/out'
row "atftp, blksize 1468, windowsize off" 'atftp -g -r img.bin -l $D/out --option "blksize 1468" 127.0.0.1 $PORT'
row "atftp, blksize 1468, windowsize 16" 'atftp -g -r img.bin -l $D/out --option "blksize 1468" --option "windowsize 16" 127.0.0.1 $PORT'
row "atftp, blksize 8192, windowsize off" 'atftp -g -r img.bin -l $D/out --option "blksize 8192" 127.0.0.1 $PORT'
row "atftp, blksize 8192, windowsize 16" 'atftp -g -r img.bin -l $D/out --option "blksize 8192" --option "windowsize 16" 127.0.0.1 $PORT'
echo
echo "(tftpd-hpa 5.2 has no windowsize: with it asked, it answers lockstep transfers)"
