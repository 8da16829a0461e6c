#!/usr/bin/env bash
# ARM Trusted Firmware FIP made by fiptool (arm-trusted-firmware-tools): extent, entries and their
# names, offsets and sizes against `fiptool info`; Debian's qemu_arm64 U-Boot as BL33 is found inside.
. "$SRCDIR/tests/lib.sh"
need fiptool jq

head -c 30000 /dev/urandom > "$T/bl2"
head -c 50000 /dev/urandom > "$T/bl31"
uboot=/usr/lib/u-boot/qemu_arm64/u-boot.bin
if [ -f "$uboot" ]; then cp "$uboot" "$T/bl33"; else head -c 70000 /dev/urandom > "$T/bl33"; fi
head -c 3000 /dev/urandom > "$T/junk"
fiptool create --align 4096 --tb-fw "$T/bl2" --soc-fw "$T/bl31" --nt-fw "$T/bl33" "$T/a.fip"
fiptool create --soc-fw "$T/bl31" --nt-fw "$T/bl33" --nt-fw-config "$T/bl2" "$T/b.fip"

for k in a b; do
	f="$T/$k.fip"
	size=$(stat -c %s "$f")
	{ cat "$T/junk"; head -c 1096 /dev/zero; cat "$f"; head -c 5000 /dev/zero | tr '\0' '\377'; } > "$T/blob"
	j=$("$MTDSCOPE" scan --json "$T/blob")
	c=$(jq -c '[.components[] | select(.type == "fip")][0]' <<<"$j")
	is "$(jq -r '"\(.offset) \(.size) \(.valid)"' <<<"$c")" "4096 $size true" "fip $k: exact extent, valid"
	want=$(fiptool info "$f" | sed -n 's/^\(.*\): offset=\(0x[0-9a-fA-F]*\), size=\(0x[0-9a-fA-F]*\), cmdline="\(.*\)"$/\1|\2|\3|\4/p' |
		while IFS='|' read -r name off sz opt; do echo "$name $((off + 4096)) $((sz)) $opt"; done)
	got=$(jq -r --argjson id "$(jq .id <<<"$c")" '.components[] | select(.parent == $id and .type == "fip-image") |
		"\(.details.image) \(.offset) \(.size) \(.details.fiptool_option)"' <<<"$j")
	is "$got" "$want" "fip $k: images, offsets, sizes, fiptool options = fiptool info"
done
if [ -f "$uboot" ]; then
	j=$("$MTDSCOPE" scan --json "$T/a.fip")
	bl33=$(jq '[.components[] | select(.type == "fip-image" and (.details.image | test("BL33")))][0].id' <<<"$j")
	is "$(jq --argjson p "$bl33" '[.components[] | select(.parent == $p and .type == "uboot")] | length' <<<"$j")" 1 \
		"fip: Debian's qemu_arm64 U-Boot found inside BL33"
else
	ok 0 "U-Boot inside BL33 # SKIP u-boot-qemu not installed"
fi
# cut: the last image is past the end
n=$(stat -c %s "$T/a.fip")
head -c $((n - 1000)) "$T/a.fip" > "$T/cut.fip"
c=$("$MTDSCOPE" scan --json "$T/cut.fip" | jq -c '[.components[] | select(.type == "fip")][0]')
is "$(jq -r '"\(.size) \(.valid) \(.problems[0] | test("truncated"))"' <<<"$c")" "$((n - 1000)) false true" "fip cut: clamped, truncated"

done_testing
