#!/usr/bin/env bash
# SPL + payload, the layout of u-boot-with-spl.bin on MT7628/MT7621 (mtmips): an SPL followed directly by
# an LZMA uImage of U-Boot proper.  Built from Debian's malta U-Boot: its first 250000 bytes (reset
# vector and version string) stand in for the SPL, mkimage -C lzma wraps the whole u-boot.bin after it.
. "$SRCDIR/tests/lib.sh"
need mkimage lzma jq
U=/usr/lib/u-boot/maltael/u-boot.bin
[ -f "$U" ] || skip_all "u-boot-qemu's maltael U-Boot not installed"

head -c 250000 "$U" > "$T/spl"
lzma -c "$U" > "$T/proper.lzma"
mkimage -A mips -O u-boot -T firmware -C lzma -a 0x80200000 -e 0x80200000 -n "U-Boot proper" -d "$T/proper.lzma" "$T/proper.img" >/dev/null
cat "$T/spl" "$T/proper.img" > "$T/with-spl.bin"
j=$("$MTDSCOPE" scan --json "$T/with-spl.bin")
top() { jq -r "[.components[] | select(.space == null and .parent == null and .type == \"$1\")][0] | $2" <<<"$j"; }
is "$(top uboot '"\(.offset) \(.size) \(.details.spl)"')" "0 250000 true" "the SPL ends where the uImage of U-Boot proper starts"
is "$(top uimage '"\(.offset) \(.size) \(.valid) \(.details.compression)"')" "250000 $(stat -c %s "$T/proper.img") true lzma" \
	"the LZMA uImage after the SPL is found, exact extent as mkimage wrote it"
is "$(jq '[.components[] | select(.type == "uboot" and .space != null)] | length' <<<"$j")" 1 \
	"U-Boot proper found inside the decoded LZMA payload"

done_testing
