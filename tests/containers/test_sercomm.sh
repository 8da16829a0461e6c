#!/usr/bin/env bash
# Sercomm/Netgear firmware header: mksercommfw (OpenWrt's firmware-utils) is not in Debian, so
# make_sercomm.py writes the documented 512-byte header before a real zip (zip) holding a uImage
# (mkimage): fields, the whole-file byte sum, the zip found at 512 with its exact size; a flipped byte
# named; the magic alone is nothing.
. "$SRCDIR/tests/lib.sh"
need zip mkimage python3 jq
GEN="$SRCDIR/tests/containers/make_sercomm.py"
head -c 40000 /dev/urandom > "$T/k"
mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "MIPS OpenWrt Linux" -d "$T/k" "$T/uImage" >/dev/null
(cd "$T" && zip -q -X fw.zip uImage)
python3 "$GEN" "DNI_SERCOMM_ID12" "1.0" 0x01020304 "$T/fw.zip" "$T/fw.bin"
size=$(stat -c %s "$T/fw.bin")
js=$("$MTDSCOPE" scan --json "$T/fw.bin")
c=$(jq -c '[.components[] | select(.type == "sercomm")][0]' <<<"$js")
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.checksum_ok) \(.details.hw_id) \(.details.hw_version) \(.details.sw_version)"' <<<"$c")" \
	"0 $size true true DNI_SERCOMM_ID12 1.0 16909060" "sercomm: header fields, whole-file byte sum"
is "$(jq -r '[.components[] | select(.type == "zip")][0] | "\(.offset) \(.size) \(.valid)"' <<<"$js")" "512 $(stat -c %s "$T/fw.zip") true" \
	"sercomm: the zip after the header, exact"
cp "$T/fw.bin" "$T/bad.bin"; printf '\x55' | dd of="$T/bad.bin" bs=1 seek=$((size - 5)) conv=notrunc status=none
c=$("$MTDSCOPE" scan --json "$T/bad.bin" | jq -c '[.components[] | select(.type == "sercomm")][0]')
is "$(jq -r '"\(.valid) \(.details.checksum_ok)"' <<<"$c")" "false false" "sercomm, a byte changed: checksum fails"
like "$(jq -r '.problems[0]' <<<"$c")" "8-bit sum" "sercomm, a byte changed: says so"
{ printf 'sErCoMm\x00\x01\x00\x00'; head -c 8000 /dev/urandom; } > "$T/fake"
is "$("$MTDSCOPE" scan --json "$T/fake" | jq '[.components[] | select(.type == "sercomm")] | length')" 0 "sercomm magic alone: nothing"
done_testing
