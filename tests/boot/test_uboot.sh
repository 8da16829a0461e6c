#!/usr/bin/env bash
# U-Boot binaries: the real Malta little-endian U-Boot from u-boot-qemu, alone
# and in a flash image, found with its version as `strings` shows it and its
# exact size (u-boot-nodtb.bin + appended DTB, whose totalsize `fdtdump`/dtc
# confirms); a Ralink SDK style U-Boot 1.1.3 behind a mkimage "SPI Flash
# Image" header (checked with dumpimage -l) found inside the uImage payload.
. "$SRCDIR/tests/lib.sh"
need jq strings mkimage dumpimage mkenvimage python3
UB=/usr/lib/u-boot/maltael/u-boot.bin
[ -r "$UB" ] || skip_all "u-boot-qemu not installed ($UB)"

size=$(stat -c %s "$UB")
ver=$(strings -n 8 "$UB" | grep -m1 -E '^U-Boot [0-9]{4}\.[0-9]{2}')
js=$("$MTDSCOPE" scan --json "$UB")
is "$(printf '%s' "$js" | jq -r '.components[0].type')" uboot "Malta u-boot.bin: type uboot"
is "$(printf '%s' "$js" | jq -r '.components[0].details.version')" "$ver" "version as strings shows it"
is "$(printf '%s' "$js" | jq -r '.components[0].size')" "$size" "size is the whole u-boot.bin"
is "$(printf '%s' "$js" | jq -r '.components[0].details.arch')" mips-le "arch mips-le"
dtb_off=$(printf '%s' "$js" | jq -r '.components[0].details.dtb_offset')
dtb_size=$(printf '%s' "$js" | jq -r '.components[0].details.dtb_size')
is "$((dtb_off + dtb_size))" "$size" "appended DTB ends the binary"
if command -v dtc >/dev/null; then
	dd if="$UB" of="$T/app.dtb" bs=1 skip="$dtb_off" status=none
	check "appended DTB is one dtc reads" dtc -I dtb -O dts -o "$T/app.dts" "$T/app.dtb"
fi

# in a flash image: u-boot, 0xFF padding, an environment at 0x50000
printf 'bootcmd=bootm 0xbc060000\nipaddr=192.168.1.1\nserverip=192.168.1.2\n' > "$T/env.txt"
mkenvimage -s 0x10000 -o "$T/env.bin" "$T/env.txt"
head -c $((0x100000)) /dev/zero | tr '\0' '\377' > "$T/img.bin"
dd if="$UB" of="$T/img.bin" conv=notrunc status=none
dd if="$T/env.bin" of="$T/img.bin" bs=65536 seek=5 conv=notrunc status=none
js=$("$MTDSCOPE" scan --json "$T/img.bin")
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.parent == null)][0] | "\(.type) \(.offset) \(.size)"')" \
	"uboot 0 $size" "image: u-boot at 0 with its exact size"
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.parent == null)][1] | "\(.type) \(.offset)"')" \
	"erased $size" "image: erased padding right after it"
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "uboot-env")][0].offset')" "$((0x50000))" \
	"image: environment at 0x50000"

# zero padding and an environment right after (no erased gap): still exact
head -c $((0x50000)) /dev/zero > "$T/zimg.bin"
dd if="$UB" of="$T/zimg.bin" conv=notrunc status=none
cat "$T/env.bin" >> "$T/zimg.bin"
js=$("$MTDSCOPE" scan --json "$T/zimg.bin")
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.parent == null) | "\(.type)@\(.offset)+\(.size)"] | join(" ")')" \
	"uboot@0+$size zero@$size+$((0x50000 - size)) uboot-env@$((0x50000))+$((0x10000))" "zero-padded u-boot, env right after"

# truncated after its version string: found, size clamped to the file
head -c $((0x40000)) "$UB" > "$T/cut.bin"
js=$("$MTDSCOPE" scan --json "$T/cut.bin")
is "$(printf '%s' "$js" | jq -r '.components[0] | "\(.type) \(.size)"')" "uboot $((0x40000))" "truncated u-boot: to the end of the file"
# a reset vector without any version string is not U-Boot
head -c 8 "$UB" > "$T/vec.bin"; head -c 8192 /dev/zero >> "$T/vec.bin"
js=$("$MTDSCOPE" scan --json "$T/vec.bin")
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "uboot")] | length')" 0 "vector alone is not U-Boot"

# Ralink SDK U-Boot 1.1.3 (hand-made vector table + version) behind mkimage's header
python3 - "$T/vendor.bin" <<'EOF'
import struct, sys, random
random.seed(7)
v = bytearray()
while len(v) < 0x400:   # RVECENT(f, n): "b f; nop" x 128, reset at 0x400
    v += struct.pack('<II', 0x10000000 | ((0x400 - len(v) - 4) // 4), 0)
v += bytes(random.getrandbits(8) for _ in range(0x9000))
v += b'U-Boot 1.1.3 (Dec  5 2016 - 10:57:54)\0'
v += bytes(random.getrandbits(8) for _ in range(0x2000 - 3)) + b'END'
open(sys.argv[1], 'wb').write(v)
EOF
mkimage -A mips -O u-boot -T firmware -C none -a 0xbc000000 -e 0xbc000000 -n "SPI Flash Image" \
	-d "$T/vendor.bin" "$T/uboot.img" >/dev/null
like "$(dumpimage -l "$T/uboot.img")" "Image Name:   SPI Flash Image" "dumpimage sees the SPI Flash Image header"
js=$("$MTDSCOPE" scan --json "$T/uboot.img")
is "$(printf '%s' "$js" | jq -r '.components[0] | "\(.type) \(.details.name)"')" "uimage SPI Flash Image" "uImage header"
is "$(printf '%s' "$js" | jq -r '.components[1] | "\(.type) \(.offset) \(.size) \(.parent)"')" \
	"uboot 64 $(stat -c %s "$T/vendor.bin") 0" "vendor U-Boot found in the payload with its size"
is "$(printf '%s' "$js" | jq -r '.components[1].details.version')" "U-Boot 1.1.3 (Dec  5 2016 - 10:57:54)" \
	"vendor U-Boot version"
# the same payload at a 4 KiB boundary of an image (no header) is found too
head -c $((0x40000)) /dev/zero | tr '\0' '\377' > "$T/img2.bin"
dd if="$T/vendor.bin" of="$T/img2.bin" bs=4096 seek=16 conv=notrunc status=none
js=$("$MTDSCOPE" scan --json "$T/img2.bin")
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "uboot")][0] | "\(.offset) \(.size)"')" \
	"$((0x10000)) $(stat -c %s "$T/vendor.bin")" "raw vendor U-Boot at 0x10000, exact to its last non-0xFF byte"

# u-boot.bin of the other architectures u-boot-qemu ships (RISC-V M- and S-mode, x86, x86-64, PowerPC
# e500): found by their start.S instructions and version, exact size (appended DTB on x86, else to the
# last non-0xFF byte before erased flash), in a flash image with 0xFF padding and an env after it
for b in qemu-riscv64:riscv qemu-riscv64_smode:riscv qemu-x86:x86 qemu-x86_64:x86-64 qemu-ppce500:powerpc; do
	f=/usr/lib/u-boot/${b%%:*}/u-boot.bin
	[ -r "$f" ] || { ok 0 "$f missing from u-boot-qemu"; continue; }
	n=$(stat -c %s "$f")
	v=$(strings -n 8 "$f" | grep -m1 -E '^U-Boot [0-9]{4}\.[0-9]{2}')
	js=$("$MTDSCOPE" scan --json "$f")
	is "$(jq -r '.components[0] | "\(.type) \(.offset) \(.size) \(.details.arch)"' <<<"$js")" "uboot 0 $n ${b#*:}" \
		"${b%%:*} u-boot.bin: uboot, exact size, arch"
	is "$(jq -r '.components[0].details.version' <<<"$js")" "$v" "${b%%:*} u-boot.bin: version as strings shows it"
	head -c $((0x100000)) /dev/zero | tr '\0' '\377' > "$T/img.bin"
	dd if="$f" of="$T/img.bin" conv=notrunc status=none
	dd if="$T/env.bin" of="$T/img.bin" bs=65536 seek=14 conv=notrunc status=none
	js=$("$MTDSCOPE" scan --json "$T/img.bin")
	is "$(jq -r '[.components[] | select(.parent == null and .type != "erased") | "\(.type)@\(.offset)+\(.size)"] | join(" ")' <<<"$js")" \
		"uboot@0+$n uboot-env@$((0xe0000))+$((0x10000))" "${b%%:*} u-boot.bin in a flash image: exact, env after it"
done
# the first instructions alone, without a version string: not U-Boot
for b in qemu-riscv64 qemu-x86 qemu-x86_64 qemu-ppce500; do
	{ head -c 64 "/usr/lib/u-boot/$b/u-boot.bin"; head -c 8192 /dev/urandom; } > "$T/vec.bin"
	is "$("$MTDSCOPE" scan --json "$T/vec.bin" | jq '[.components[] | select(.type == "uboot")] | length')" 0 \
		"$b start instructions without a version string: not U-Boot"
done

# the bundled sample (real kernel, busybox, Malta U-Boot): unit data found once
# each at the top level, nothing mistaken for it inside the decoded kernel
S="${BUILDDIR:-}/sample/sample.bin"
if [ -r "$S" ]; then
	js=$("$MTDSCOPE" scan --json "$S")
	is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "uboot" or .type == "uboot-env" or .type == "mtk-eeprom" or .type == "ralink-nvram") | "\(.type)/\(.space)"] | join(" ")')" \
		"uboot/null uboot-env/null mtk-eeprom/null" "sample: bootloader, env, factory; no false matches"
fi
done_testing
