#!/usr/bin/env bash
# Arcadyan obfuscated LZMA: the stream is made by xz --format=lzma (a tar inside), then obfuscated the
# way binwalk's arcadyan signature documents (4 leading bytes; the 32-byte blocks at 4 and 0x68 swapped,
# the one moved to 0x68 with its byte pairs swapped and its nibbles swapped): found at its start with
# the exact extent, decoded, the tar inside; the magic over random bytes is nothing.
. "$SRCDIR/tests/lib.sh"
need xz tar python3 jq
mkdir -p "$T/root/etc" && seq 1 20000 > "$T/root/etc/seq" && head -c 30000 /dev/urandom > "$T/root/blob"
tar -C "$T/root" -cf "$T/t.tar" .
xz --format=lzma -c "$T/t.tar" > "$T/s.lzma"
python3 - "$T/s.lzma" "$T/a.bin" <<'PY'
import sys
p = bytearray(b"\x30\x05\x11\x20" + open(sys.argv[1], "rb").read())
ns = lambda b: ((b << 4) | (b >> 4)) & 0xFF
o = bytearray(p)
o[4:36] = p[0x68:0x88]
for j in range(32):
    o[0x68 + j] = ns(p[4 + (j ^ 1)])
open(sys.argv[2], "wb").write(o)
PY
is "$(od -An -tx1 -j $((0x68)) -N4 "$T/a.bin" | tr -d ' ')" "00d50800" "obfuscated header reads 00 D5 08 00 at 0x68 (props 0x5d, 8 MiB dictionary)"
head -c 3000 /dev/urandom > "$T/junk"
{ cat "$T/junk"; cat "$T/a.bin"; head -c 4096 /dev/zero | tr '\0' '\377'; } > "$T/blob"
js=$("$MTDSCOPE" scan --json "$T/blob")
c=$(jq -c '[.components[] | select(.type == "arcadyan")][0]' <<<"$js")
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.uncompressed_size)"' <<<"$c")" "3000 $(stat -c %s "$T/a.bin") true $(stat -c %s "$T/t.tar")" \
	"arcadyan: at its start, exact extent, decoded to the tar's size"
id=$(jq -r .id <<<"$c")
is "$(jq -r --argjson id "$id" '[.components[] | select(.space == $id and .type == "tar")][0].offset' <<<"$js")" 0 \
	"arcadyan: the tar found inside the decoded stream"
# the stream cut short does not decode to its end: not claimed
head -c 20000 "$T/a.bin" > "$T/cut.bin"
is "$("$MTDSCOPE" scan --json "$T/cut.bin" | jq '[.components[] | select(.type == "arcadyan")] | length')" 0 \
	"arcadyan cut short: not claimed (only a stream decoding to its end is one)"
{ head -c 200 /dev/urandom; printf '\x00\xd5\x08\x00'; head -c 9000 /dev/urandom; } > "$T/fake"
is "$("$MTDSCOPE" scan --json "$T/fake" | jq '[.components[] | select(.type == "arcadyan")] | length')" 0 "magic over random bytes: nothing"
done_testing
