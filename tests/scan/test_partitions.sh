#!/usr/bin/env bash
# Partitions from the image itself, and their judgments.  The bundled sample (its layout.txt is the truth)
# gets the MediaTek/Ralink vendor layout plus OpenWrt's firmware split; a flash built here from the
# sample's U-Boot, an environment from mkenvimage and a FIT from mkimage whose device tree (dtc) carries
# fixed-partitions and an nvmem MAC cell gets the device tree's layout; an environment with mtdparts=
# gets that.  Damage made by the test must be named: erased or foreign Factory (MACs vs ethaddr), erased
# bootloader, a uImage with a bad header CRC, erased rootfs_data, a concatenation of two partitions, a
# truncated dump.
. "$SRCDIR/tests/lib.sh"
need jq python3 mkimage mkenvimage dtc

S="$BUILDDIR/sample/sample.bin"
[ -r "$S" ] || skip_all "no $S (run scripts/setup.sh, then ninja)"
scanj() { "$MTDSCOPE" scan --json "$1" >"$T/j.json"; }
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

# ---- an MT7981 SPI-NOR dump: BL2 (mkimage -T mtk_image) at 0, the ATF FIP (fiptool) at 1 MiB; then BL2 erased ----
if command -v fiptool >/dev/null; then
	head -c 50000 /dev/urandom >"$T/bl2.bin"
	head -c 30000 /dev/urandom >"$T/bl31.bin"
	mkimage -T mtk_image -a 0x201000 -e 0x201000 -n "media=nor;arm64=1" -d "$T/bl2.bin" "$T/bl2.img" >/dev/null
	fiptool create --soc-fw "$T/bl31.bin" "$T/fip.bin"
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
else
	echo "# SKIP MT7981 BL2 check: fiptool (arm-trusted-firmware-tools) not installed"
fi
done_testing
