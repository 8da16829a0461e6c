#!/usr/bin/env bash
# Xiaomi "HDR1" firmware: xiaomifw (OpenWrt's firmware-utils) is not in Debian, so make_xiaomi.py writes
# the documented layout around a real uImage (mkimage) and squashfs (mksquashfs): exact extent, the
# header CRC, device, one xiaomi-blob child per blob with the uImage and squashfs found inside at their
# offsets; a damaged CRC and a cut image named; HDR1 with no blob magic is nothing.
. "$SRCDIR/tests/lib.sh"
need mkimage mksquashfs unsquashfs python3 jq
GEN="$SRCDIR/tests/containers/make_xiaomi.py"
mkdir -p "$T/root/etc" && seq 1 3000 > "$T/root/etc/seq"
mksquashfs "$T/root" "$T/root.sqfs" -comp xz -noappend -all-root -quiet >/dev/null
head -c 50001 /dev/urandom > "$T/k"
mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "MIPS OpenWrt Linux" -d "$T/k" "$T/uImage" >/dev/null
python3 "$GEN" 0x12 "$T/x.bin" "0x160000:4:kernel:$T/uImage" "::rootfs:$T/root.sqfs"
size=$(stat -c %s "$T/x.bin")
head -c 3000 /dev/urandom > "$T/junk"
{ cat "$T/junk"; cat "$T/x.bin"; head -c 4096 /dev/zero | tr '\0' '\377'; } > "$T/blob"
js=$("$MTDSCOPE" scan --json "$T/blob")
c=$(jq -c '[.components[] | select(.type == "xiaomi")][0]' <<<"$js")
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.crc_ok) \(.details.device) \(.details.blobs)"' <<<"$c")" \
	"3000 $size true true r4cm 2" "xiaomi: exact extent (to the end of the signature), CRC, device, blobs"
ku=$(stat -c %s "$T/uImage")
is "$(jq -r '[.components[] | select(.type == "xiaomi-blob") | "\(.offset) \(.size) \(.details.name) \(.details.blob_type)"] | join(",")' <<<"$js")" \
	"$((3000 + 96)) $ku kernel uimage,$((3000 + 96 + ku + (4 - ku % 4) % 4 + 48)) $(stat -c %s "$T/root.sqfs") rootfs 65535" \
	"xiaomi: blobs at their offsets, sizes, names and types"
is "$(jq -r '[.components[] | select(.type == "uimage")][0] | "\(.offset) \(.details.name)"' <<<"$js")" "$((3000 + 96)) MIPS OpenWrt Linux" \
	"xiaomi: the uImage found inside the kernel blob"
is "$(jq -r '[.components[] | select(.type == "squashfs")][0].size' <<<"$js")" \
	"$(unsquashfs -s "$T/root.sqfs" | sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p')" "xiaomi: the squashfs inside the rootfs blob, exact"
python3 "$GEN" --bad-crc 0x12 "$T/bad.bin" "0x160000:4:kernel:$T/uImage" "::rootfs:$T/root.sqfs"
c=$("$MTDSCOPE" scan --json "$T/bad.bin" | jq -c '[.components[] | select(.type == "xiaomi")][0]')
is "$(jq -r '"\(.size) \(.valid) \(.details.crc_ok)"' <<<"$c")" "$size false false" "xiaomi, CRC damaged: invalid, extent kept"
like "$(jq -r '.problems[0]' <<<"$c")" "CRC-32" "xiaomi, CRC damaged: says so"
head -c $((size - 100)) "$T/x.bin" > "$T/cut.bin"
c=$("$MTDSCOPE" scan --json "$T/cut.bin" | jq -c '[.components[] | select(.type == "xiaomi")][0]')
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "$((size - 100)) false" "xiaomi cut: clamped, invalid"
{ printf 'HDR1'; head -c 8000 /dev/urandom; } > "$T/fake"
is "$("$MTDSCOPE" scan --json "$T/fake" | jq '[.components[] | select(.type == "xiaomi")] | length')" 0 "HDR1 without blobs: nothing"
done_testing
