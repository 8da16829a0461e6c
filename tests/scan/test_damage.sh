#!/usr/bin/env bash
# Damage scan names instead of dropping: a uImage (made by mkimage) with one flipped header bit is an
# invalid uimage with the stored and the computed header CRC (computed here with Python's zlib),
# not a miss; random bytes behind a uImage magic stay no uImage.
. "$SRCDIR/tests/lib.sh"
need jq mkimage python3

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

# hostile: the magic followed by random bytes is no uImage
{ printf '\x27\x05\x19\x56'; head -c 100000 /dev/urandom; } >"$T/noise.bin"
"$MTDSCOPE" scan --json "$T/noise.bin" >"$T/noise.json"
is "$(jq '[.components[] | select(.type == "uimage")] | length' "$T/noise.json")" 0 "magic + random bytes: no uImage"
done_testing
