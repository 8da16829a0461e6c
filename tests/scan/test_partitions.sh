#!/usr/bin/env bash
# Partitions from the image itself, and their judgments.  The bundled sample (its layout.txt is the truth)
# gets the MediaTek/Ralink vendor layout plus OpenWrt's firmware split; a flash built here from the
# sample's U-Boot, an environment from mkenvimage and a FIT from mkimage whose device tree (dtc) carries
# fixed-partitions and an nvmem MAC cell gets the device tree's layout; an environment with mtdparts=
# gets that.  Damage made by the test must be named: erased or foreign Factory (MACs vs ethaddr), erased
# bootloader, a uImage with a bad header CRC, erased rootfs_data, a concatenation of two partitions, a
# truncated dump, a second firmware concatenated into the firmware partition (and a sysupgrade image followed
# by another), a chip read at twice (four times) its size, an MT798x dump whose bl2 partition is erased.
. "$SRCDIR/tests/lib.sh"
need jq python3 mkimage mkenvimage dtc mksquashfs

S="$BUILDDIR/sample/sample.bin"
[ -r "$S" ] || skip_all "no $S (run scripts/setup.sh, then ninja)"
scanj() { "$MTDSCOPE" scan --json "$1" >"$T/j.json"; }
scan_json() { "$MTDSCOPE" scan --json "$1"; }
part() { jq -c --arg n "$1" '[.partitions[] | select(.name == $n)][0]' "$T/j.json"; }
pf() { part "$1" | jq -r "$2"; }
patch() { # IN OUT OFFSET HEX|ff:LEN
	python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()); o = int(sys.argv[3], 0); v = sys.argv[4]
if v.startswith("ff:"):
    n = int(v[3:], 0); d[o:o + n] = b"\xff" * n
elif v.startswith("flip"):
    d[o] ^= 4
else:
    b = bytes.fromhex(v); d[o:o + len(b)] = b
open(sys.argv[2], "wb").write(d)' "$@"
}

# ---- the sample: vendor layout + OpenWrt split, against layout.txt ----
scanj "$S"
like "$(jq -r .partitions_source "$T/j.json")" "MediaTek/Ralink vendor layout .*factory EEPROM at 0x60000" "sample: vendor layout"
"$MTDSCOPE" layout --json "$BUILDDIR/sample/layout.txt" >"$T/truth.json"
for n in u-boot u-boot-env factory firmware kernel rootfs; do
	want=$(jq -c --arg n $n '[.partitions[] | select(.name == $n)][0] | [.offset, .size]' "$T/truth.json")
	got=$(part $n | jq -c '[.offset, .size]')
	if [ $n = kernel ]; then
		is "$(part $n | jq .offset)" "$(jq -r '.[0]' <<<"$want")" "sample: kernel starts where layout.txt says"
	else
		is "$got" "$want" "sample: $n at the offset and size of layout.txt"
	fi
done
is "$(jq -r '[.partitions[] | .state] | unique | join(",")' "$T/j.json")" ok "sample: every partition judged ok"
is "$(jq '[.partitions[] | .problems[]] | length' "$T/j.json")" 0 "sample: no partition problems"
is "$(pf rootfs_data .what)" "jffs2 overlay at 0x660000" "sample: rootfs_data holds the JFFS2 overlay"
is "$(pf kernel .source)" "the OpenWrt firmware split (kernel, rootfs, rootfs_data)" "kernel comes from the OpenWrt split"
like "$(jq -r '.layout_notes[]' "$T/j.json")" "device tree fixed-partitions" "the Malta kernel's own flash layout is noted, not used"
txt=$("$MTDSCOPE" scan --color=never "$S")
is "$(sed -n 2p <<<"$txt" | cut -c1-10)" "PARTITIONS" "text: partitions come first"

# ---- damage on the sample ----
patch "$S" "$T/hdr.bin" 0x70028 flip
scanj "$T/hdr.bin"
is "$(pf firmware .state)" bad "uImage header bit flipped: firmware is bad"
like "$(pf firmware '.problems[]')" "uimage at 0x70000 fails its checks: header CRC 0x[0-9a-f]+ does not match" \
	"and the problem names the header CRC"
patch "$S" "$T/rd.bin" 0x660000 ff:0x1a0000
scanj "$T/rd.bin"
is "$(pf rootfs_data .state)" erased "rootfs_data erased: named"
patch "$S" "$T/facff.bin" 0x60000 ff:0x10000
scanj "$T/facff.bin"
like "$(jq -r .partitions_source "$T/j.json")" "factory between environment and firmware at 0x60000" \
	"erased Factory, no stated layout: its place is still inferred (between env and firmware)"
is "$(pf factory .state)" erased "and the erased Factory is named"
# ---- mtdparts= in the environment wins over the inferred layout ----
printf 'bootcmd=bootm 0xbc070000\nethaddr=00:0c:43:e1:76:29\nmtdparts=spi0.0:320k(u-boot),64k(u-boot-env),64k(factory),-(firmware)\n' >"$T/env.txt"
mkenvimage -s 0x1000 -o "$T/env.bin" "$T/env.txt"
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()); e = open(sys.argv[2], "rb").read(); d[0x50000:0x50000 + len(e)] = e
open(sys.argv[3], "wb").write(d)' "$S" "$T/env.bin" "$T/envparts.bin"
scanj "$T/envparts.bin"
is "$(jq -r .partitions_source "$T/j.json")" "mtdparts in the U-Boot environment at 0x50000" "mtdparts from the environment"
is "$(pf firmware '[.offset, .size] | join(" ")')" "458752 7929856" "env mtdparts: firmware is the rest of the chip"
is "$(jq -r '.layout_problems | length' "$T/j.json")" 0 \
	"...and the chip is the dump's size: the '-' partition's table end (0x70000) is not taken for the chip"

# ---- a layout whose firmware starts before its content: shifted partitions ----
printf 'bootcmd=bootm 0xbc070000\nethaddr=00:0c:43:e1:76:29\nmtdparts=spi0.0:320k(u-boot),64k(u-boot-env),32k(factory),-(firmware)\n' >"$T/env2.txt"
mkenvimage -s 0x1000 -o "$T/env2.bin" "$T/env2.txt"
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()); e = open(sys.argv[2], "rb").read(); d[0x50000:0x50000 + len(e)] = e
open(sys.argv[3], "wb").write(d)' "$S" "$T/env2.bin" "$T/shifted.bin"
scanj "$T/shifted.bin"
is "$(pf firmware .offset)" $((0x68000)) "shifted: the environment's firmware starts at 0x68000"
like "$(pf firmware '.problems[]')" "its content \(uimage\) starts 0x8000 bytes after the partition start: shifted partitions\?" \
	"shifted partitions named"

# ---- a flash whose FIT carries the board's device tree with fixed-partitions ----
cat >"$T/board.dts" <<'DTS'
/dts-v1/;
/ {
	compatible = "test,mt7628-board";
	model = "Test MT7628 board";
	#address-cells = <1>;
	#size-cells = <1>;
	flash@0 {
		compatible = "jedec,spi-nor";
		reg = <0 0>;
		partitions {
			compatible = "fixed-partitions";
			#address-cells = <1>;
			#size-cells = <1>;
			partition@0 { label = "u-boot"; reg = <0x0 0x50000>; read-only; };
			partition@50000 { label = "u-boot-env"; reg = <0x50000 0x10000>; };
			partition@60000 {
				label = "factory";
				reg = <0x60000 0x10000>;
				read-only;
				nvmem-layout {
					compatible = "fixed-layout";
					#address-cells = <1>;
					#size-cells = <1>;
					macaddr_factory_28: macaddr@28 { reg = <0x28 0x6>; };
				};
			};
			partition@70000 { label = "firmware"; reg = <0x70000 0x3c8000>; };
			partition@438000 { label = "firmware2"; reg = <0x438000 0x3c8000>; };
		};
	};
};
DTS
dtc -q -I dts -O dtb -o "$T/board.dtb" "$T/board.dts"
head -c 200000 /dev/urandom >"$T/kernel.bin"
mkimage -f auto -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -d "$T/kernel.bin" -b "$T/board.dtb" \
	"$T/fit.itb" >/dev/null
check "mkimage made the FIT" test -s "$T/fit.itb"
build_flash() { # OUT ETHADDR
	printf 'bootcmd=bootm 0xbc070000\nethaddr=%s\n' "$2" >"$T/e.txt"
	mkenvimage -s 0x1000 -o "$T/e.bin" "$T/e.txt"
	python3 -c '
import sys
s = open(sys.argv[1], "rb").read(); d = bytearray(b"\xff" * 0x800000)
d[0:0x50000] = s[0:0x50000]; d[0x60000:0x70000] = s[0x60000:0x70000]
e = open(sys.argv[2], "rb").read(); d[0x50000:0x50000 + len(e)] = e
f = open(sys.argv[3], "rb").read(); d[0x70000:0x70000 + len(f)] = f; d[0x438000:0x438000 + len(f)] = f
open(sys.argv[4], "wb").write(d)' "$S" "$T/e.bin" "$T/fit.itb" "$1"
}
build_flash "$T/fit.bin" 00:0c:43:e1:76:29
scanj "$T/fit.bin"
like "$(jq -r .partitions_source "$T/j.json")" "^device tree fixed-partitions \(dtb at 0x" "FIT flash: the device tree's layout"
is "$(jq -r '[.partitions[] | .name] | join(" ")' "$T/j.json")" "u-boot u-boot-env factory firmware firmware2 kernel" \
	"FIT flash: the device tree's partitions (and the kernel split from firmware)"
is "$(jq -r '[.partitions[] | .state] | unique | join(",")' "$T/j.json")" ok "FIT flash: all ok"
is "$(pf firmware2 .what | cut -d' ' -f1)" fit "firmware2 holds the second FIT"

build_flash "$T/foreign.bin" 00:11:22:33:44:55
scanj "$T/foreign.bin"
is "$(pf factory .state)" foreign "env ethaddr of another unit: Factory is foreign"
like "$(pf factory '.problems[]')" "Factory MACs \(00:0c:43:e1:76:2[89].*ethaddr=00:11:22:33:44:55 \(a Factory copied from another unit\?\)" \
	"the problem names both MACs"
patch "$T/fit.bin" "$T/fac-erased.bin" 0x60000 ff:0x10000
scanj "$T/fac-erased.bin"
is "$(pf factory .state)" erased "erased Factory: named"
like "$(pf factory '.problems[]')" "Factory is erased: the unit's MACs and wifi calibration are gone" "with what it means"
patch "$T/fit.bin" "$T/boot-erased.bin" 0 ff:0x50000
scanj "$T/boot-erased.bin"
is "$(pf u-boot .state)" erased "erased bootloader: named"
like "$(pf u-boot '.problems[]')" "the bootloader is erased" "with what it means"
# the partition after the cell's MAC changed (DT nvmem cell only): still this unit when close to ethaddr
patch "$T/fit.bin" "$T/cell.bin" 0x60028 000c43e17630
scanj "$T/cell.bin"
is "$(pf factory .state)" ok "a MAC within a few addresses of ethaddr is the same unit"

# ---- dumps that do not match their own layout ----
tail -c +$((0x70000 + 1)) "$T/fit.bin" >"$T/concat.bin"
scanj "$T/concat.bin"
like "$(jq -r '.layout_problems[]' "$T/j.json")" "= 'firmware' \+ 'firmware2' \(0x3c8000 \+ 0x3c8000\): a concatenation of two partition dumps" \
	"firmware + firmware2 concatenation named"
head -c $((4 << 20)) "$T/fit.bin" >"$T/trunc.bin"
scanj "$T/trunc.bin"
like "$(jq -r '.layout_problems[]' "$T/j.json")" "is 0x400000 bytes, smaller than the 0x800000-byte chip" "truncated dump named"
is "$(pf firmware2 .state)" missing "the partition past the end is missing"
like "$("$MTDSCOPE" scan --color=never "$T/trunc.bin")" "! the dump does not match its own layout" "text names it too"

# ---- the partition judge's findings on the components themselves (a consumer of the component sees them) ----
scanj "$T/fit.bin"
is "$(jq '[.components[] | select(.type == "mtk-eeprom") | .problems[]] | length' "$T/j.json")" 0 \
	"this unit's Factory: its mtk-eeprom component has no problem"
scanj "$T/foreign.bin"
like "$(jq -r '[.components[] | select(.type == "mtk-eeprom")][0].problems[]' "$T/j.json")" \
	"Factory MACs \(00:0c:43:e1:76:2[89].*are not this unit's: .*ethaddr=00:11:22:33:44:55" \
	"foreign Factory: the mtk-eeprom component carries the problem too"
scanj "$T/fac-erased.bin"
like "$(jq -r '[.components[] | select(.space == null and .offset <= 393216 and .offset + .size > 393216)][0] | .type + ": " + (.problems | join("; "))' "$T/j.json")" \
	"^erased: Factory is erased: the unit's MACs and wifi calibration are gone" "erased Factory: named on its (erased) component"

# ---- a second firmware concatenated into the firmware partition (firmware1 + firmware2 in one partition) ----
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()); f = open(sys.argv[2], "rb").read()
at = 0x70000 + (len(f) + 0xffff) // 0x10000 * 0x10000
d[at:at + len(f)] = f
open(sys.argv[3], "wb").write(d); print(hex(at))' "$T/fit.bin" "$T/fit.itb" "$T/fw12.bin" >"$T/at"
at2=$(cat "$T/at")
scanj "$T/fw12.bin"
is "$(pf firmware .state)" bad "two FITs in the firmware partition: firmware is bad"
like "$(pf firmware '.problems[]')" "holds two firmware images: fit at 0x70000 and fit at $at2 \(a second firmware concatenated after the first" \
	"and the problem names both images"
like "$(jq -r --argjson o $((at2)) '[.components[] | select(.type == "fit" and .offset == $o and .space == null)][0].problems[]' "$T/j.json")" \
	"a second firmware image in partition 'firmware': the first is fit at 0x70000" "the second FIT carries the problem"
is "$(jq '[.partitions[] | .problems[] | select(test("two firmware"))] | length' <(scan_json "$T/fit.bin"))" 0 \
	"one FIT per firmware partition (firmware, firmware2): no concatenation found"

# ---- a sysupgrade image (uImage kernel + squashfs, each padded to 64 KiB) followed by another ----
mkdir -p "$T/sq1/etc" "$T/sq2/etc"; seq 1 3000 >"$T/sq1/etc/a"; seq 5 9000 >"$T/sq2/etc/b"
mksquashfs "$T/sq1" "$T/sq1.img" -quiet -noappend -all-root >/dev/null
mksquashfs "$T/sq2" "$T/sq2.img" -quiet -noappend -all-root >/dev/null
mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "sysupgrade kernel" -d "$T/kernel.bin" \
	"$T/k.uimage" >/dev/null
python3 -c '
import sys
def pad(b): return b + b"\xff" * (-len(b) % 0x10000)
k = open(sys.argv[1], "rb").read(); a = open(sys.argv[2], "rb").read(); b = open(sys.argv[3], "rb").read()
s1 = pad(pad(k) + a); s2 = pad(pad(k) + b)
open(sys.argv[4], "wb").write(s1); open(sys.argv[5], "wb").write(s1 + s2)
d = bytearray(b"\xff" * 0x800000); d[0:len(s1)] = s1; d[0x400000:0x400000 + len(s2)] = s2
open(sys.argv[6], "wb").write(d); print(hex(len(s1)))' "$T/k.uimage" "$T/sq1.img" "$T/sq2.img" "$T/sysup.bin" "$T/sysup2.bin" "$T/dual.bin" >"$T/at"
at2=$(cat "$T/at")
scanj "$T/sysup2.bin"
like "$(jq -r '.layout_problems[]' "$T/j.json")" "holds two firmware images: uimage at 0x0 and uimage at $at2 right after it" \
	"a sysupgrade image followed by another: named"
like "$(jq -r --argjson o $((at2)) '[.components[] | select(.type == "uimage" and .offset == $o)][0].problems[]' "$T/j.json")" \
	"a second firmware image right after the one at 0x0 \(uimage\)" "and on the second uImage"
scanj "$T/sysup.bin"
is "$(jq '.layout_problems | length' "$T/j.json")" 0 "one sysupgrade image: no layout problem"
scanj "$T/dual.bin"
is "$(jq '[.layout_problems[] | select(test("two firmware"))] | length' "$T/j.json")" 0 \
	"a dual-firmware flash (second image at 4 MiB, erased between): no concatenation"

# ---- a chip read at the wrong size: the upper half repeats the lower half byte for byte ----
cat "$T/fit.bin" "$T/fit.bin" >"$T/mirror2.bin"
cat "$T/fit.bin" "$T/fit.bin" "$T/fit.bin" "$T/fit.bin" >"$T/mirror4.bin"
scanj "$T/fit.bin"
nfit=$(jq '[.components[] | select(.type == "fit")] | length' "$T/j.json")
is "$(jq -r .view "$T/j.json")" null "the 8 MiB flash itself: no mirror view"
scanj "$T/mirror2.bin"
is "$(jq -r '.view.kind + " " + (.view.chip_size | tostring) + " " + (.view.copies | tostring)' "$T/j.json")" "mirror 8388608 2" \
	"16 MiB read of the 8 MiB chip: a mirror view of 8 MiB, 2 copies"
is "$(jq -r '.layout_problems[0]' "$T/j.json")" \
	"the upper half 0x800000.. repeats the lower half byte for byte: the chip is 8 MiB, read as 16 MiB (the programmer was set to the wrong chip size; only the first 8 MiB is the flash)" \
	"named as a layout problem"
is "$(jq '[.components[] | select(.type == "fit")] | length' "$T/j.json")" "$nfit" "every component once, not twice"
is "$(jq '[.components[] | select(.offset >= 8388608 and .type != "mirror")] | length' "$T/j.json")" 0 "nothing at or past 0x800000"
is "$(jq -r '[.partitions[] | .state] | unique | join(",")' "$T/j.json")" ok "the partitions of the chip are judged ok"
like "$(jq -r .partitions_source "$T/j.json")" "^device tree fixed-partitions \(dtb at 0x[0-9a-f]+ of the view\)$" \
	"the layout's source is placed in the view (not 'inside a decoded stream')"
like "$("$MTDSCOPE" scan --color=never "$T/mirror2.bin")" "! the upper half 0x800000.. repeats the lower half" "text names it"
scanj "$T/mirror4.bin"
is "$(jq -r '.layout_problems[0]' "$T/j.json")" \
	"from 0x800000 the dump repeats its first 8 MiB byte for byte (4 copies): the chip is 8 MiB, read as 32 MiB (the programmer was set to the wrong chip size; only the first 8 MiB is the flash)" \
	"32 MiB read of the 8 MiB chip: 4 copies named"
is "$("$MTDSCOPE" scan --json --view none "$T/mirror2.bin" | jq -r .view)" null "--view none: no mirror view"
head -c $((2 << 20)) /dev/zero | tr '\0' '\377' >"$T/allff.bin"
scanj "$T/allff.bin"
is "$(jq -r .view "$T/j.json")" null "an erased dump (every half the same) is no mirror"

# ---- an MT7981 SPI-NOR dump: BL2 (mkimage -T mtk_image) at 0, the ATF FIP (fiptool) at 1 MiB; then BL2 erased ----
if command -v fiptool >/dev/null; then
	head -c 50000 /dev/urandom >"$T/bl2.bin"
	head -c 30000 /dev/urandom >"$T/bl31.bin"
	mkimage -T mtk_image -a 0x201000 -e 0x201000 -n "media=nor;arm64=1" -d "$T/bl2.bin" "$T/bl2.img" >/dev/null
	fiptool create --soc-fw "$T/bl31.bin" "$T/fip.bin"
	scanj "$T/fip.bin"
	is "$(jq '.layout_problems | length' "$T/j.json")" 0 "a fip.bin file (the FIP at 0): no BL2 problem, it is no flash"
	python3 -c '
import sys
d = bytearray(b"\xff" * 0x400000)
b = open(sys.argv[1], "rb").read(); f = open(sys.argv[2], "rb").read()
d[0:len(b)] = b; d[0x100000:0x100000 + len(f)] = f
open(sys.argv[3], "wb").write(d)
d[0:len(b)] = b"\xff" * len(b)
open(sys.argv[4], "wb").write(d)' "$T/bl2.img" "$T/fip.bin" "$T/mt7981.bin" "$T/nobl2.bin"
	scanj "$T/mt7981.bin"
	is "$(jq '[.layout_problems[] | select(test("BL2"))] | length' "$T/j.json")" 0 "MT7981 with BL2 at 0: no BL2 problem"
	scanj "$T/nobl2.bin"
	like "$(jq -r '.layout_problems[]' "$T/j.json")" "an ATF FIP at 0x100000 but no BL2 at 0" "MT7981 dump with no BL2: named"
	like "$("$MTDSCOPE" scan --color=never "$T/nobl2.bin")" "! an ATF FIP at 0x100000 but no BL2 at 0" "and in the text map"
	# the same NOR dump with mtdparts in an environment (bl2, u-boot-env, fip): the bl2 partition judged
	printf 'bootcmd=bootm\nmtdparts=spi0.0:256k(bl2),768k(u-boot-env),-(fip)\n' >"$T/e7981.txt"
	mkenvimage -s 0x1000 -o "$T/e7981.bin" "$T/e7981.txt"
	python3 -c '
import sys
e = open(sys.argv[1], "rb").read()
for a, b in ((sys.argv[2], sys.argv[4]), (sys.argv[3], sys.argv[5])):
    d = bytearray(open(a, "rb").read()); d[0x40000:0x40000 + len(e)] = e; open(b, "wb").write(d)' \
		"$T/e7981.bin" "$T/mt7981.bin" "$T/nobl2.bin" "$T/mt7981-env.bin" "$T/nobl2-env.bin"
	scanj "$T/mt7981-env.bin"
	is "$(jq -r .partitions_source "$T/j.json")" "mtdparts in the U-Boot environment at 0x40000" "MT7981 NOR: the environment's layout"
	is "$(jq '[.layout_problems[], .partitions[].problems[]] | length' "$T/j.json")" 0 "MT7981 NOR with BL2: no problem"
	scanj "$T/nobl2-env.bin"
	like "$(jq -r '.layout_problems[]' "$T/j.json")" \
		"no BL2: the bl2 partition at 0x0 \(0x40000 bytes\) is erased \(an ATF FIP at 0x100000 but no BL2 at 0x0\): an MT798x board starts from BL2 and will not boot" \
		"MT7981 NOR layout whose bl2 partition is erased: named"
	like "$(pf bl2 '.problems[]')" "BL2 is erased: the board starts from BL2 and will not boot" "and on the bl2 partition"
	# an MT7981 SD card / eMMC disk (sgdisk): GPT with bl2, u-boot-env, factory and fip partitions
	if command -v sgdisk >/dev/null; then
		mkimage -T mtk_image -a 0x201000 -e 0x201000 -n "media=sdmmc;arm64=1" -d "$T/bl2.bin" "$T/bl2sd.img" >/dev/null
		printf 'bootcmd=run sd_boot\nbootdelay=0\n' >"$T/esd.txt"
		mkenvimage -s 0x80000 -o "$T/esd.bin" "$T/esd.txt"
		head -c $((8 << 20)) /dev/zero >"$T/sd.bin"
		sgdisk -a 1 -n 1:2048:3071 -c 1:bl2 -n 2:3072:4095 -c 2:u-boot-env -n 3:4096:8191 -c 3:factory \
			-n 4:8192:12287 -c 4:fip -n 5:12288:16000 -c 5:production "$T/sd.bin" >/dev/null 2>&1
		python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
b = open(sys.argv[2], "rb").read(); f = open(sys.argv[3], "rb").read(); e = open(sys.argv[4], "rb").read()
d[0x100000:0x180000] = b"\xff" * 0x80000; d[0x100000:0x100000 + len(b)] = b
d[0x180000:0x180000 + len(e)] = e; d[0x400000:0x400000 + len(f)] = f
open(sys.argv[5], "wb").write(d)
d[0x100000:0x180000] = b"\xff" * 0x80000
open(sys.argv[6], "wb").write(d)' "$T/sd.bin" "$T/bl2sd.img" "$T/fip.bin" "$T/esd.bin" "$T/sd-ok.bin" "$T/sd-nobl2.bin"
		scanj "$T/sd-ok.bin"
		is "$(jq -r .partitions_source "$T/j.json")" "GPT at 0x0" "MT7981 SD image: the GPT's layout"
		is "$(jq '[.layout_problems[], .partitions[].problems[]] | map(select(test("BL2|bootloader"))) | length' "$T/j.json")" 0 \
			"MT7981 SD image with BL2: no BL2 problem"
		scanj "$T/sd-nobl2.bin"
		like "$(jq -r '.layout_problems[]' "$T/j.json")" \
			"no BL2: the bl2 partition at 0x100000 \(0x80000 bytes\) is erased \(an ATF FIP at 0x400000 but no BL2 at 0x100000\): an MT798x board starts from BL2" \
			"MT7981 GPT whose bl2 partition is erased: named"
	else
		echo "# SKIP MT7981 GPT: sgdisk not installed"
	fi
else
	echo "# SKIP MT7981 BL2 check: fiptool (arm-trusted-firmware-tools) not installed"
fi
# ---- a file that is one component is that component, not a dump of the flash its layout describes ----
printf 'bootcmd=bootm\nmtdparts=spi0.0:192k(u-boot),64k(u-boot-env),64k(factory),-(firmware)\n' >"$T/alone.txt"
mkenvimage -s 0x2000 -o "$T/alone-env.bin" "$T/alone.txt"
scanj "$T/alone-env.bin"
is "$(jq '(.partitions | length) + (.layout_problems | length)' "$T/j.json")" 0 \
	"an environment saved on its own: no partition judged, no layout problem"
like "$(jq -r '.layout_notes[]' "$T/j.json")" "the file is one uboot-env: its layout \(mtdparts in the U-Boot environment" \
	"and a note says why"
scanj "$T/fit.itb"
is "$(jq '[(.partitions[] | .problems[]), .layout_problems[]] | length' "$T/j.json")" 0 \
	"a FIT saved on its own (its DTB has fixed-partitions): no 'past the end' problems"
like "$(jq -r '.layout_notes[]' "$T/j.json")" "the file is one fit" "and a note says why"
done_testing
