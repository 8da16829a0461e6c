#!/usr/bin/env bash
# Limits: decompression bombs stop at the ratio limit quickly, with bounded
# memory and the reason printed; the limits the user can raise (--max-ratio,
# --max-decoded) cut what is kept, never the extent of a normal stream.
. "$SRCDIR/tests/lib.sh"
DUMP=$1
need xz gzip zstd jq sha256sum /usr/bin/time

# cpu_mem CMD...: run, print "CPU-seconds peak-KiB" (user + system time, max RSS)
cpu_mem() {
	/usr/bin/time -f '%U %S %M' -o "$T/time" "$@" > "$T/out" 2>&1
	awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$T/time"
}
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
# Sanitizers keep freed memory in quarantine: peak memory is only meaningful without them.
asan=0
ldd "$MTDSCOPE" 2>/dev/null | grep -q 'libasan' && asan=1
mem_ok() { # KIB DESCRIPTION
	if [ "$asan" = 1 ]; then ok 0 "$2 # SKIP peak memory not measured under ASan"; else ok "$(lt "$1" 65536 && echo 0 || echo 1)" "$2"; fi
}
first() { # FILE TYPE JQ [scan options]: evaluate on the first TYPE component of the file's space
	local f=$1 t=$2 e=$3
	shift 3
	"$MTDSCOPE" scan --json "$@" "$f" | jq -r "[.components[] | select(.type == \"$t\" and .space == null)][0] | $e"
}

# ---- xz: 10 GiB of zeros as 80 streams of 128 MiB, 1.5 MiB on disk ----
head -c 128M /dev/zero | xz -0 -T1 > "$T/z.xz"
for i in $(seq 1 80); do cat "$T/z.xz"; done > "$T/bomb.xz"
n=$(stat -c %s "$T/bomb.xz")
want_streams=$(xz -l --robot "$T/bomb.xz" | awk -F'\t' '$1 == "totals" { print $2 }')
for mode in "" --top-level; do
	read -r cpu kib < <(cpu_mem "$MTDSCOPE" scan --json $mode "$T/bomb.xz")
	j=$(cat "$T/out")
	c='[.components[] | select(.type == "xz")][0]'
	is "$(printf '%s' "$j" | jq -r "$c | \"\(.offset) \(.size) \(.valid) \(.details.streams)\"")" "0 $n false $want_streams" \
		"xz bomb ${mode:-(descending)}: one component, exact extent from the footers, $want_streams streams as xz -l"
	like "$(printf '%s' "$j" | jq -r "$c | .problems | join(\" / \")")" "decoding stopped after .*not checked.*raise with --max-ratio" \
		"xz bomb ${mode:-(descending)}: the reason names the limit and the option"
	ok "$(lt "$cpu" 2 && echo 0 || echo 1)" "xz bomb ${mode:-(descending)}: ${cpu}s of CPU for 10 GiB"
	mem_ok "$kib" "xz bomb ${mode:-(descending)}: peak memory ${kib} KiB"
done
is "$(first "$T/bomb.xz" xz '.details.decoded_size <= 4194304')" true "xz bomb: at most 4 MiB kept"

# ---- gzip: 80 members of 128 MiB of zeros (10 GiB, 10 MiB on disk): deflate has no footer to find ----
head -c 128M /dev/zero | gzip -9 > "$T/z.gz"
for i in $(seq 1 80); do cat "$T/z.gz"; done > "$T/bomb.gz"
read -r cpu kib < <(cpu_mem "$MTDSCOPE" scan --json "$T/bomb.gz")
j=$(cat "$T/out")
is "$(printf '%s' "$j" | jq '[.components[] | select(.type == "gzip" and .valid)] | length')" 0 "gzip bomb: no member passes as valid"
like "$(printf '%s' "$j" | jq -r '[.components[] | select(.type == "gzip")][0].problems | join(" / ")')" \
	"extent unknown: decoding stopped after .* MiB decoded.* without reaching the end: expansion ratio limit 250 reached \(raise with --max-ratio\)" \
	"gzip bomb: extent unknown, the reason names the limit and the option"
ok "$(lt "$cpu" 4 && echo 0 || echo 1)" "gzip bomb: ${cpu}s of CPU for 10 GiB"
mem_ok "$kib" "gzip bomb: peak memory ${kib} KiB"

# ---- zstd: 10 frames of 1 GiB of zeros: the extent is exact without decoding ----
head -c 1G /dev/zero | zstd -q -1 > "$T/z.zst"
for i in $(seq 1 10); do cat "$T/z.zst"; done > "$T/bomb.zst"
n=$(stat -c %s "$T/bomb.zst")
read -r cpu kib < <(cpu_mem "$MTDSCOPE" scan --json "$T/bomb.zst")
c=$(jq -c '[.components[] | select(.type == "zstd")][0]' "$T/out")
is "$(printf '%s' "$c" | jq -r '"\(.offset) \(.size) \(.valid) \(.details.frames)"')" "0 $n false 10" \
	"zstd bomb: one component, exact extent, 10 frames"
like "$(printf '%s' "$c" | jq -r '.problems | join(" / ")')" "content checksum not checked.*--max-ratio" \
	"zstd bomb: checksum not checked, says why"
ok "$(lt "$cpu" 2 && echo 0 || echo 1)" "zstd bomb: ${cpu}s of CPU for 10 GiB"

# ---- lzma (no structure to walk): stops, extent unknown ----
head -c 256M /dev/zero | xz --format=lzma -0 > "$T/z.lzma"
read -r cpu kib < <(cpu_mem "$MTDSCOPE" scan --json "$T/z.lzma")
c=$(jq -c '[.components[] | select(.type == "lzma")][0]' "$T/out")
is "$(printf '%s' "$c" | jq -r '.valid')" false "lzma bomb: invalid"
like "$(printf '%s' "$c" | jq -r '.problems | join(" / ")')" "extent unknown.*--max-ratio" "lzma bomb: extent unknown, says why"
ok "$(lt "$cpu" 1 && echo 0 || echo 1)" "lzma bomb: ${cpu}s of CPU for 256 MiB"

# ---- normal streams under tight limits: content cut, extent and checks intact ----
for i in 1 2 3 4 5; do head -c 400000 /usr/bin/bash; seq 1 30000; done > "$T/in"
in_size=$(stat -c %s "$T/in")
xz -c "$T/in" > "$T/s.xz"
gzip -c "$T/in" > "$T/s.gz"
line=$("$DUMP" --max-decoded 100K "$T/s.xz" | awk -F'\t' '$2 == "xz" && $3 == -1')
is "$(printf '%s' "$line" | awk -F'\t' '{ print $4, $5, $6, $7 }')" "0 $(stat -c %s "$T/s.xz") 1 102400" \
	"--max-decoded 100K: exact extent, still valid, 100 KiB kept"
is "$(printf '%s' "$line" | cut -f8)" "$(head -c 102400 "$T/in" | sha256sum | cut -d' ' -f1)" \
	"--max-decoded 100K: what is kept is the start of the content"
like "$(printf '%s' "$line" | cut -f9)" "kept only up to 100 KiB of .*: total decoded limit 100 KiB reached \(raise with --max-decoded\)" \
	"--max-decoded 100K: the reason names the option"
is "$(first "$T/s.xz" xz '.details.uncompressed_size' --max-decoded 100K)" "$in_size" "--max-decoded 100K: full size still measured"

gz=$(stat -c %s "$T/s.gz")
line=$("$DUMP" --max-ratio 1 "$T/s.gz" | awk -F'\t' '$2 == "gzip" && $3 == -1')
kept=$(printf '%s' "$line" | cut -f7)
is "$(printf '%s' "$line" | awk -F'\t' '{ print $4, $5, $6 }')" "0 $gz 1" "--max-ratio 1: exact extent, CRC32 checked"
ok "$(lt "$kept" $((gz + 1)) && lt $((gz / 2)) "$kept" && echo 0 || echo 1)" "--max-ratio 1: about one compressed size kept ($kept of $in_size)"
like "$(printf '%s' "$line" | cut -f9)" "expansion ratio limit 1 reached \(raise with --max-ratio\)" "--max-ratio 1: says so"
line=$("$DUMP" --max-ratio 1 --max-decoded 0 "$T/s.gz" | awk -F'\t' '$2 == "gzip" && $3 == -1')
is "$(printf '%s' "$line" | awk -F'\t' '{ print $4, $5, $6, $7 }')" "0 $gz 1 0" \
	"--max-decoded 0: nothing kept, the extent is still exact"

done_testing
