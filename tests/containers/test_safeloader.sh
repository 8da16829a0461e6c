#!/usr/bin/env bash
# TP-Link safeloader factory images: tplink-safeloader (OpenWrt's firmware-utils) is not in Debian, so
# make_safeloader.py writes the documented layout around a real kernel uImage (mkimage) and squashfs
# (mksquashfs): exact extent, the salted MD5, vendor, the partition table (against the table's own text),
# the uImage and squashfs found inside os-image and file-system; damage and a cut image named.
. "$SRCDIR/tests/lib.sh"
need mkimage mksquashfs unsquashfs python3 jq
GEN="$SRCDIR/tests/containers/make_safeloader.py"
mkdir -p "$T/root/etc" && seq 1 3000 > "$T/root/etc/seq"
mksquashfs "$T/root" "$T/root.sqfs" -comp xz -noappend -all-root -quiet >/dev/null
head -c 50000 /dev/urandom > "$T/k"
mkimage -A mips -O linux -T kernel -C none -a 0x80060000 -e 0x80060000 -n "MIPS OpenWrt Linux" -d "$T/k" "$T/uImage" >/dev/null
V='CPE510(TP-LINK|UN|N300-5):1.0'$'\r\n'
python3 "$GEN" "$V" "$T/uImage" "$T/root.sqfs" "$T/f.bin"
size=$(stat -c %s "$T/f.bin")
head -c 3000 /dev/urandom > "$T/junk"
{ cat "$T/junk"; cat "$T/f.bin"; head -c 4096 /dev/zero | tr '\0' '\377'; } > "$T/blob"
js=$("$MTDSCOPE" scan --json "$T/blob")
c=$(jq -c '[.components[] | select(.type == "tplink-safeloader")][0]' <<<"$js")
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.md5_ok)"' <<<"$c")" "3000 $size true true" "safeloader: exact extent, salted MD5 holds"
is "$(jq -r .details.vendor <<<"$c")" "CPE510(TP-LINK|UN|N300-5):1.0" "safeloader: vendor information"
want=$(dd if="$T/f.bin" bs=1 skip=$((0x1014)) count=2048 status=none | tr -d '\0\377' | awk '$1 == "fwup-ptn" { print $2 }' | paste -sd' ')
is "$(jq -r '.details.partition_names | join(" ")' <<<"$c")" "$want" "safeloader: partitions = the table's text"
id=$(jq -r .id <<<"$c")
ku=$(( $(dd if="$T/f.bin" bs=1 skip=$((0x1014)) count=2048 status=none | tr -d '\0\377' | awk '$2 == "os-image" { print $4 }') ))
is "$(jq -r --argjson id "$id" '[.components[] | select(.parent == $id) | .details.name] | join(" ")' <<<"$js")" "$want" "safeloader: one child per partition"
is "$(jq -r '[.components[] | select(.type == "uimage")][0] | "\(.offset) \(.details.name)"' <<<"$js")" \
	"$((3000 + 0x1014 + ku)) MIPS OpenWrt Linux" "safeloader: the kernel uImage inside os-image, at its base"
is "$(jq -r '[.components[] | select(.type == "squashfs")][0].size' <<<"$js")" "$(unsquashfs -s "$T/root.sqfs" 2>/dev/null | sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p')" \
	"safeloader: the squashfs inside file-system, exact"
python3 "$GEN" --bad-md5 "$V" "$T/uImage" "$T/root.sqfs" "$T/bad.bin"
c=$("$MTDSCOPE" scan --json "$T/bad.bin" | jq -c '[.components[] | select(.type == "tplink-safeloader")][0]')
is "$(jq -r '"\(.size) \(.valid) \(.details.md5_ok)"' <<<"$c")" "$size false false" "safeloader, MD5 damaged: invalid, extent kept"
like "$(jq -r '.problems[0]' <<<"$c")" "MD5" "safeloader, MD5 damaged: says so"
head -c $((size - 1000)) "$T/f.bin" > "$T/cut.bin"
c=$("$MTDSCOPE" scan --json "$T/cut.bin" | jq -c '[.components[] | select(.type == "tplink-safeloader")][0]')
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "$((size - 1000)) false" "safeloader cut: clamped, invalid"
# the table text alone, with partitions past the size: nothing
{ head -c $((0x1014)) /dev/zero; printf 'fwup-ptn partition-table base 0x00800 size 0x00100\t\r\nfwup-ptn os-image base 0x90000 size 0x90000\t\r\n\0'; head -c 4096 /dev/zero; } > "$T/fake"
is "$("$MTDSCOPE" scan --json "$T/fake" | jq '[.components[] | select(.type == "tplink-safeloader")] | length')" 0 \
	"safeloader table whose partitions run past the size: nothing"
done_testing
