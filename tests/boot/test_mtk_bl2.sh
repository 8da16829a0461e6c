#!/usr/bin/env bash
# MediaTek BootROM images (BL2 of MT7622/MT798x) made by mkimage -T mtk_image for every media it
# builds: found at their exact extent (= the file mkimage wrote), media and load address as dumpimage
# -l says, the SHA-256 after the GFH checked (a flipped byte is named), a cut image truncated; in an
# MT7981 NOR flash (BL2, env with mtdparts, FIP, firmware) the bl2 partition is judged to hold it;
# header magics over random bytes give nothing; a FIP on its own is not "a flash without BL2".
. "$SRCDIR/tests/lib.sh"
need mkimage dumpimage mkenvimage fiptool jq python3
head -c 70000 /dev/urandom > "$T/bl2.bin"
comp() { "$MTDSCOPE" scan --json "$1" | jq -c '[.components[] | select(.type == "mtk-bl2")][0]'; }
# media (what mkimage prints as Boot Media), ours, and the arch flag
for m in "nor;arm64=1|Serial NOR|SPI NOR|arm64" "emmc|eMMC|eMMC|arm" "nand;nandinfo=2k+64|Parallel NAND|NAND|arm" \
	"nand;nandinfo=2k+128;arm64=1|Parallel NAND|NAND|arm64" "snand;nandinfo=2k+64;arm64=1|Serial NAND|SPI NAND|arm64" \
	"snand;nandinfo=4k+256|Serial NAND|SPI NAND|arm"; do
	IFS='|' read -r media said want arch <<<"$m"
	f="$T/bl2-${media//[;=+]/_}.img"
	out=$(mkimage -T mtk_image -a 0x201000 -e 0x201000 -n "media=$media" -d "$T/bl2.bin" "$f") ||
		{ ok 1 "mkimage -T mtk_image media=$media"; continue; }
	like "$out" "Boot Media: +$said" "mkimage media=$media: it says $said"
	like "$out" "Load Address: 00201000" "mkimage media=$media: load address 0x201000"
	c=$(comp "$f")
	is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.media) \(.details.load_addr) \(.details.bl2_size) \(.details.arch)"' <<<"$c")" \
		"0 $(stat -c %s "$f") true $want $((0x201000)) 70000 $arch" \
		"media=$media: the whole file, valid, $want, BL2 at 0x201000, 70000 bytes, $arch"
	case $out in *"Page Size:    2KB"*) is "$(jq -r .details.page_size <<<"$c")" 2048 "media=$media: 2 KiB pages" ;;
	*"Page Size:    4KB"*) is "$(jq -r .details.page_size <<<"$c")" 4096 "media=$media: 4 KiB pages" ;; esac
done
f="$T/bl2-nor_arm64_1.img"
# one byte of BL2 flipped: the SHA-256 after the GFH no longer matches
python3 -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); d[0x2000]^=1; open(sys.argv[2],"wb").write(d)' "$f" "$T/flip.img"
c=$(comp "$T/flip.img")
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "$(stat -c %s "$f") false" "flipped byte: same extent, invalid"
like "$(jq -r '.problems[0]' <<<"$c")" "SHA-256 of the GFH and BL2 .* does not match" "flipped byte: the SHA-256 mismatch is named"
head -c 40000 "$f" > "$T/cut.img"
c=$(comp "$T/cut.img")
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "40000 false" "cut image: clamped to the end, invalid"
like "$(jq -r '.problems[0]' <<<"$c")" "^truncated" "cut image: says truncated"

# the GFH alone (the NOR image without its 0x600-byte device header): found when its SHA-256 holds, not at all
# when it does not (the magic is all the evidence it has)
tail -c +$((0x600 + 1)) "$f" > "$T/gfh.bin"
c=$(comp "$T/gfh.bin")
is "$(jq -r '"\(.offset) \(.size) \(.valid)"' <<<"$c")" "0 $(stat -c %s "$T/gfh.bin") true" "the GFH alone: found, whole, valid"
python3 -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); d[0x1000]^=1; open(sys.argv[2],"wb").write(d)' "$T/gfh.bin" "$T/gfh-bad.bin"
is "$(comp "$T/gfh-bad.bin")" "null" "the GFH alone with a flipped byte: not taken"
# an MT7981 16 MiB NOR flash: bl2 | u-boot-env (mtdparts) | factory | fip | firmware
head -c 50000 /dev/urandom > "$T/bl31"; head -c 90000 /dev/urandom > "$T/bl33"
fiptool create --soc-fw "$T/bl31" --nt-fw "$T/bl33" "$T/fip.bin"
printf 'bootcmd=bootm\nmtdparts=nor0:256k(bl2),64k(u-boot-env),704k(factory),1024k(fip),-(firmware)\n' > "$T/env.txt"
mkenvimage -s 0x10000 -o "$T/env.bin" "$T/env.txt"
flash() { # OUT BL2|none
	python3 - "$1" "$2" "$T/env.bin" "$T/fip.bin" <<'PY'
import sys
out, bl2, env, fip = sys.argv[1:]
d = bytearray(b"\xff" * 0x1000000)
if bl2 != "none":
    b = open(bl2, "rb").read(); d[0:len(b)] = b
e = open(env, "rb").read(); d[0x40000:0x40000 + len(e)] = e
f = open(fip, "rb").read(); d[0x100000:0x100000 + len(f)] = f
open(out, "wb").write(d)
PY
}
flash "$T/flash.bin" "$f"
"$MTDSCOPE" scan --json "$T/flash.bin" > "$T/j.json"
is "$(jq -r '[.partitions[] | select(.name == "bl2")][0] | "\(.state) \(.problems | length)"' "$T/j.json")" "ok 0" \
	"MT7981 flash: the bl2 partition holds a valid BL2, no problem"
like "$(jq -r '[.partitions[] | select(.name == "bl2")][0].what' "$T/j.json")" "^mtk-bl2 at 0x0" "MT7981 flash: bl2 partition: mtk-bl2 at 0"
is "$(jq -r '[.layout_problems[] | select(test("BL2"))] | length' "$T/j.json")" 0 "MT7981 flash: no BL2 problem"
flash "$T/nobl2.bin" none
"$MTDSCOPE" scan --json "$T/nobl2.bin" > "$T/j.json"
like "$(jq -r '[.partitions[] | select(.name == "bl2")][0].problems[0]' "$T/j.json")" "erased" "bl2 erased: its partition says so"
like "$(jq -r '.layout_problems | join(" ")' "$T/j.json")" "FIP at 0x100000 but no BL2 at 0" "bl2 erased: the FIP without BL2 is named"
# a FIP file on its own is not a flash dump missing its BL2
"$MTDSCOPE" scan --json "$T/fip.bin" > "$T/j.json"
is "$(jq -r '[(.layout_problems // [])[] | select(test("BL2"))] | length' "$T/j.json")" 0 "FIP file alone: no 'no BL2' problem"
# the header magics over random bytes: nothing
python3 - "$T/rnd.bin" <<'PY'
import os, sys
heads = [b"SF_BOOT\0", b"EMMC_BOOT\0", b"SDMMC_BOOT\0", b"BOOTLOADER!\0V006NFIINFO\0", b"MMM\x01\x38\x00\x00\x00FILE_INFO\0"]
d = bytearray(os.urandom(4 << 20))
for i in range(2000):
    h = heads[i % len(heads)]
    at = (i * 2097) % (len(d) - 4096)
    d[at:at + len(h)] = h
open(sys.argv[1], "wb").write(d)
PY
is "$("$MTDSCOPE" scan --json "$T/rnd.bin" | jq '[.components[] | select(.type == "mtk-bl2")] | length')" 0 \
	"2000 header magics over random bytes: no mtk-bl2"
done_testing
