#!/usr/bin/env bash
# Damage scan names instead of dropping: a uImage (made by mkimage) with one flipped header bit is an
# invalid uimage with the stored and the computed header CRC (computed here with Python's zlib),
# not a miss, also when the dump is cut inside its data (then truncated too, and a device tree in its
# data, made by dtc, is found inside it, not beside it); random bytes behind a uImage magic stay no uImage.
. "$SRCDIR/tests/lib.sh"
need jq mkimage python3 dtc

head -c 200000 /dev/urandom >"$T/payload"
mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "damage test" -d "$T/payload" "$T/ok.img" >/dev/null
check "mkimage made the uImage" test -s "$T/ok.img"
{ head -c 65536 /dev/zero | tr '\0' '\377'; cat "$T/ok.img"; head -c 65536 /dev/zero | tr '\0' '\377'; } >"$T/flash.bin"
# flip one bit of the image name (header byte 40)
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[65536 + 40] ^= 0x04; open(sys.argv[2], "wb").write(d)' "$T/flash.bin" "$T/bad.bin"
read -r stored computed < <(python3 -c "
import sys, zlib
d = bytearray(open('$T/bad.bin', 'rb').read()); h = bytearray(d[65536:65600])
s = int.from_bytes(h[4:8], 'big'); h[4:8] = b'\0\0\0\0'; print('%08x %08x' % (s, zlib.crc32(bytes(h)) & 0xffffffff))")

"$MTDSCOPE" scan --json "$T/flash.bin" >"$T/ok.json"
is "$(jq -c '[.components[] | select(.type == "uimage") | [.offset, .valid]]' "$T/ok.json")" "[[65536,true]]" "intact uImage is valid"
"$MTDSCOPE" scan --json "$T/bad.bin" >"$T/bad.json"
u=$(jq -c '[.components[] | select(.type == "uimage")][0]' "$T/bad.json")
is "$(printf '%s' "$u" | jq .offset)" 65536 "damaged uImage still found at its offset"
is "$(printf '%s' "$u" | jq .valid)" false "damaged uImage is invalid"
is "$(printf '%s' "$u" | jq .size)" $((64 + 200000)) "damaged uImage keeps its extent"
is "$(printf '%s' "$u" | jq .details.header_crc_ok)" false "header_crc_ok is false"
like "$(printf '%s' "$u" | jq -r '.problems[]')" "header CRC 0x$stored does not match the 0x$computed computed" \
	"problem names the stored and computed header CRC"
is "$(printf '%s' "$u" | jq .details.data_crc_ok)" true "its data CRC still holds"
like "$("$MTDSCOPE" scan --color=never "$T/bad.bin")" "uimage +BAD" "text map marks it BAD"

# a header whose size field is damaged too (data CRC cannot hold) is still named while its fields read as a uImage
python3 - "$T/flash.bin" "$T/bad2.bin" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[65536 + 15] ^= 0x01
open(sys.argv[2], 'wb').write(d)
PY
"$MTDSCOPE" scan --json "$T/bad2.bin" >"$T/bad2.json"
is "$(jq -c '[.components[] | select(.type == "uimage") | [.offset, .valid]]' "$T/bad2.json")" "[[65536,false]]" \
	"uImage with a damaged size field: invalid, not missing"

# the dump cut inside the data of a uImage whose header is damaged too; a device tree in its data
printf '/dts-v1/;\n/ { model = "damage board"; compatible = "test,damage"; };\n' >"$T/b.dts"
dtc -I dts -O dtb -o "$T/b.dtb" "$T/b.dts" 2>/dev/null
{ head -c 2000 /dev/urandom; cat "$T/b.dtb"; head -c 3000 /dev/urandom; } >"$T/dpay"
mkimage -A arm -O linux -T kernel -C none -a 0 -e 0 -n "cut test" -d "$T/dpay" "$T/d.img" >/dev/null
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()[:2500]); d[9] ^= 0x10; open(sys.argv[2], "wb").write(d)' "$T/d.img" "$T/cut.bin"
"$MTDSCOPE" scan --json "$T/cut.bin" >"$T/cut.json"
is "$(jq -c '[.components[] | select(.parent == null) | [.offset, .type, .valid]]' "$T/cut.json")" '[[0,"uimage",false]]' \
	"cut dump, damaged header: one invalid uimage at 0 over the whole file"
is "$(jq -r '[.components[] | select(.type == "uimage")][0].problems | map(select(test("header CRC|truncated"))) | length' "$T/cut.json")" 2 \
	"its problems name the header CRC and the truncation"
is "$(jq -c '[.components[] | select(.type == "dtb") | [.offset, (.parent != null)]]' "$T/cut.json")" '[[2064,true]]' \
	"the device tree in its data is found inside it, not at the top level"

# hostile: the magic followed by random bytes is no uImage
{ printf '\x27\x05\x19\x56'; head -c 100000 /dev/urandom; } >"$T/noise.bin"
"$MTDSCOPE" scan --json "$T/noise.bin" >"$T/noise.json"
is "$(jq '[.components[] | select(.type == "uimage")] | length' "$T/noise.json")" 0 "magic + random bytes: no uImage"
# and 1024 magics in 4 MiB of random bytes, each followed by a header that may run past the end:
# a header that fails its CRC is taken only when every field reads as one
python3 -c '
import os, sys
b = bytearray(os.urandom(4 << 20))
for i in range(0, len(b), 4096): b[i:i + 4] = bytes.fromhex("27051956")
open(sys.argv[1], "wb").write(b)' "$T/magics.bin"
"$MTDSCOPE" scan --json "$T/magics.bin" >"$T/magics.json"
is "$(jq '[.components[] | select(.type == "uimage")] | length' "$T/magics.json")" 0 "1024 magics in random bytes: no uImage"
done_testing
