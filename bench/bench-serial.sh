#!/usr/bin/env bash
# The serial senders (include/mtdscope/serial.h, through tests/serial/xfer_send) beside the
# reference senders of the field, over the same pseudo-terminal pair and into the same receivers:
#   YMODEM: mtdscope  vs  lrzsz's `sb -k` (1 KiB blocks), both into `rb`
#   Kermit: mtdscope  vs  C-Kermit's `kermit -s`, both into `kermit -r`
# and, when u-boot-qemu is there, mtdscope into a real U-Boot's loady and loadb (qemu_arm64,
# whose emulated UART sets the pace).  Wall time, KiB/s, and whether the file arrived whole.
# A pty has no line speed: what differs is the protocol's turnaround and how each side recovers
# from a receiver that drops what arrives while it answers (rb flushes its input after each ACK).
#
#   bash bench/bench-serial.sh [--build DIR] [--size KIB]   (default build, 1024 KiB)
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build kib=1024
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift ;;
	--size) kib=$2; shift ;;
	-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-serial: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
xs=$PWD/$build/tests/serial/xfer_send
mtdscope=$PWD/$build/src/cli/mtdscope
[ -x "$xs" ] || { echo "bench-serial: $xs missing (build $build first)" >&2; exit 2; }
for t in rb sb kermit socat; do command -v $t >/dev/null || { echo "bench-serial: $t not installed (scripts/setup.sh)" >&2; exit 2; }; done
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
head -c $((kib * 1024)) /dev/urandom >"$w/img.bin"
now() { date +%s.%N; }
row() { # NAME START END FILE
	awk -v n="$1" -v s="$2" -v e="$3" -v b=$((kib * 1024)) -v ok="$4" \
		'BEGIN { t = e - s; printf "  %-34s %8.2f s %9.1f KiB/s  %s\n", n, t, b / 1024 / t, ok }'
}
same() { cmp -s "$w/img.bin" "$1" && echo "arrived whole" || echo "DIFFERS or missing"; }
echo "bench-serial: $kib KiB of random bytes over a pty pair"
echo "YMODEM into rb:"
rm -rf "$w/r" && mkdir "$w/r"
s=$(now); (cd "$w/r" && timeout 900 "$xs" ymodem "$w/img.bin" --name img.bin --timeout-ms 2000 --turnaround-ms 5 -- rb >/dev/null 2>&1) || true; e=$(now)
row "mtdscope (1 KiB blocks, 5 ms turnaround)" "$s" "$e" "$(same "$w/r/img.bin")"
rm -rf "$w/r" && mkdir "$w/r"
s=$(now); (cd "$w/r" && timeout 900 socat EXEC:"sb -k $w/img.bin",pty,raw,echo=0 EXEC:rb,pty,raw,echo=0 >/dev/null 2>&1) || true; e=$(now)
row "lrzsz sb -k" "$s" "$e" "$(same "$w/r/img.bin")"
echo "Kermit into kermit -r:"
rm -rf "$w/r" && mkdir "$w/r"
s=$(now); (cd "$w/r" && timeout 900 "$xs" kermit "$w/img.bin" --name img.bin -- kermit -Y -B -i -q -r >/dev/null 2>&1) || true; e=$(now)
row "mtdscope (long packets, check 1)" "$s" "$e" "$(same "$w/r/img.bin")"
rm -rf "$w/r" && mkdir "$w/r"
s=$(now); (cd "$w/r" && timeout 900 socat EXEC:"kermit -Y -B -i -q -s $w/img.bin",pty,raw,echo=0,setsid,ctty \
	EXEC:"kermit -Y -B -i -q -r",pty,raw,echo=0,setsid,ctty >/dev/null 2>&1) || true; e=$(now)
row "C-Kermit kermit -s" "$s" "$e" "$(same "$w/r/img.bin")"
ub=/usr/lib/u-boot/qemu_arm64/u-boot.bin
if command -v qemu-system-aarch64 >/dev/null && [ -r "$ub" ]; then
	echo "Into a real U-Boot (qemu_arm64, netboot --via serial --no-boot; includes ~2 s to reach the prompt):"
	q="qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256 -nographic -monitor none -nic none -bios $ub"
	for p in ymodem kermit; do
		s=$(now)
		out=$(timeout 900 "$mtdscope" netboot --via serial --protocol $p --exec "$q" --image "$w/img.bin" --no-boot 2>&1) || true
		e=$(now)
		row "mtdscope $p -> loady/loadb" "$s" "$e" "$(grep -q 'ok  *crc32' <<<"$out" && echo "crc32 equal" || echo FAILED)"
		printf '%s\n' "$out" | sed -n 's/^ok  *transfer  *\(.*\)/      \1/p'
	done
fi
