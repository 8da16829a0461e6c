#!/usr/bin/env bash
# SEAMA (D-Link) and Netgear .chk: Debian has no generator, so make_seama_chk.py lays them out per the
# documented layouts (seama.h / oseama.c and mkchkimg.c of OpenWrt's firmware-utils, cited there) around
# a uImage made by mkimage and a squashfs made by mksquashfs, which must be found inside.
. "$SRCDIR/tests/lib.sh"
need mkimage mksquashfs python3 jq
GEN="python3 $SRCDIR/tests/containers/make_seama_chk.py"

{ head -c 200000 /usr/bin/bash; seq 1 20000; } | gzip -9 > "$T/k.gz"
mkimage -A mips -O linux -T kernel -C gzip -a 0x80001000 -e 0x80001000 -n "MIPS OpenWrt Linux" -d "$T/k.gz" "$T/uImage" >/dev/null
mkdir -p "$T/root/etc" && echo OpenWrt > "$T/root/etc/banner"
mksquashfs "$T/root" "$T/root.sqfs" -comp xz -noappend -all-root -quiet >/dev/null
head -c 3000 /dev/urandom > "$T/junk"
comps() { "$MTDSCOPE" scan --json "$1"; }

# ---- SEAMA: a seal with two entities (kernel, rootfs) ----
$GEN seama "$T/fw.seama" "wrgac13_dlink.2015_dir860l" "$T/uImage" "$T/root.sqfs"
size=$(stat -c %s "$T/fw.seama")
cat "$T/junk" "$T/fw.seama" "$T/junk" > "$T/blob"
j=$(comps "$T/blob")
c=$(jq -c '[.components[] | select(.type == "seama")][0]' <<<"$j")
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.kind) \(.details.entities)"' <<<"$c")" "3000 $size true seal 2" \
	"seama: seal with two entities, exact extent, valid"
is "$(jq -r '.details.meta[0]' <<<"$c")" "signature=wrgac13_dlink.2015_dir860l" "seama: the seal's signature"
id=$(jq .id <<<"$c")
is "$(jq -r --argjson p "$id" '[.components[] | select(.parent == $p) | "\(.type) \(.details.md5_ok)"] | join(",")' <<<"$j")" \
	"seama-image true,seama-image true" "seama: both images, MD5 checked"
ku=$(jq -r --argjson p "$id" '[.components[] | select(.parent == $p)][0].id' <<<"$j")
is "$(jq -r --argjson p "$ku" '[.components[] | select(.parent == $p) | .type] | join(",")' <<<"$j")" "uimage" \
	"seama: the uImage (mkimage) inside the first entity"
is "$(jq -r '[.components[] | select(.type == "squashfs")][0].offset' <<<"$j")" \
	"$((3000 + size - $(stat -c %s "$T/root.sqfs")))" "seama: the squashfs inside the second entity, at its offset"
# damage: a byte of the kernel; its MD5 fails
cp "$T/fw.seama" "$T/bad.seama"
printf '\x55' | dd of="$T/bad.seama" bs=1 seek=500 conv=notrunc status=none
j=$(comps "$T/bad.seama")
is "$(jq -r '[.components[] | select(.type == "seama")][0].valid' <<<"$j")" false "seama damaged: invalid"
is "$(jq -r '[.components[] | select(.type == "seama-image")][0].details.md5_ok' <<<"$j")" false "seama damaged: the kernel's MD5 fails"
head -c $((size - 100)) "$T/fw.seama" > "$T/cut.seama"
c=$(comps "$T/cut.seama" | jq -c '[.components[] | select(.type == "seama")][0]')
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "$((size - 100)) false" "seama cut: clamped, invalid"

# ---- Netgear .chk: kernel (uImage) + rootfs (squashfs) ----
$GEN chk "$T/fw.chk" "U12H270T00_NETGEAR" "$T/uImage" "$T/root.sqfs"
size=$(stat -c %s "$T/fw.chk")
cat "$T/junk" "$T/fw.chk" "$T/junk" > "$T/blob"
j=$(comps "$T/blob")
c=$(jq -c '[.components[] | select(.type == "netgear-chk")][0]' <<<"$j")
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.board_id) \(.details.image_checksum_ok)"' <<<"$c")" \
	"3000 $size true U12H270T00_NETGEAR true" "chk: exact extent, board id, checksums"
is "$(jq -r '"\(.details.kernel_len) \(.details.rootfs_len)"' <<<"$c")" \
	"$(stat -c %s "$T/uImage") $(stat -c %s "$T/root.sqfs")" "chk: kernel and rootfs lengths"
id=$(jq .id <<<"$c")
is "$(jq -r --argjson p "$id" '[.components[] | select(.parent == $p) | .type] | join(",")' <<<"$j")" "chk-kernel,chk-rootfs" \
	"chk: kernel and rootfs children"
is "$(jq -r '[.components[] | select(.type == "uimage")][0].offset' <<<"$j")" "$((3000 + 40 + 18))" "chk: the uImage after the header"
cp "$T/fw.chk" "$T/bad.chk"
printf '\x55' | dd of="$T/bad.chk" bs=1 seek=$((size - 10)) conv=notrunc status=none
c=$(comps "$T/bad.chk" | jq -c '[.components[] | select(.type == "netgear-chk")][0]')
is "$(jq -r '"\(.valid) \(.details.rootfs_checksum_ok) \(.details.kernel_checksum_ok)"' <<<"$c")" "false false true" \
	"chk, rootfs damaged: its checksum fails, the kernel's holds"
cp "$T/fw.chk" "$T/badh.chk"
printf '\x55' | dd of="$T/badh.chk" bs=1 seek=45 conv=notrunc status=none
c=$(comps "$T/badh.chk" | jq -c '[.components[] | select(.type == "netgear-chk")][0]')
is "$(jq -r '"\(.size) \(.valid) \(.details.header_checksum_ok) \(.problems[0] | test("header checksum"))"' <<<"$c")" \
	"$size false false true" "chk, header damaged: an invalid .chk naming its header checksum (the kernel's holds)"
printf '\x2a\x23\x24\x5e\x00\x00\x00\x30' > "$T/fake"; head -c 5000 /dev/urandom >> "$T/fake"
is "$(comps "$T/fake" | jq '[.components[] | select(.type == "netgear-chk")] | length')" 0 "chk magic over random bytes: nothing"

done_testing
