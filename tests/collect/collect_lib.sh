# shellcheck shell=bash
# A device tree for `collect --root`: the /proc files of a real MT7628 device
# (tests/data/real-logs/kingston-mlwg3: cpuinfo, mtd, cmdline; its dmesg for --klog),
# /sys attributes as the kernel shows them (no tool writes sysfs: these few values are
# typed here, the PCI ids being the MT7628's own root bridge 14c3:0801 and its MT7603E
# radio 14c3:7603, an LTE modem 2c7c:0125 on USB), and regular files standing in for
# /dev/mtdNro, made by the real tools: U-Boot (u-boot-qemu's Malta build, cut to the
# partition), a U-Boot environment (mkenvimage), an MT7628 factory EEPROM (no tool makes
# one: its id 0x7628 and a MAC), a uImage (mkimage) followed by a squashfs (mksquashfs)
# and a JFFS2 (mkfs.jffs2), each padded with 0xff to its partition's size from /proc/mtd.
# make_root DIR: the tree; FLASH=DIR/../flash.bin is the whole chip (the parts in order).
make_root() {
	local r=$1 k=$TESTDATA/real-logs/kingston-mlwg3 w
	w=$(dirname "$r")/work
	mkdir -p "$r/proc/device-tree" "$r/dev" "$w/sq/etc" "$w/jf"
	cp "$k/cpuinfo.txt" "$r/proc/cpuinfo"
	cp "$k/mtd.txt" "$r/proc/mtd"
	cp "$k/cmdline.txt" "$r/proc/cmdline"
	printf 'MemTotal:          61416 kB\nMemFree:           21340 kB\n' >"$r/proc/meminfo"
	printf 'Kingston MLWG3\0' >"$r/proc/device-tree/model"
	printf 'kingston,mlwg3\0mediatek,mt7628an-soc\0' >"$r/proc/device-tree/compatible"
	local p
	for p in "0000:00:00.0 0x14c3 0x0801 0x060400" "0000:01:00.0 0x14c3 0x7603 0x028000"; do
		set -- $p
		mkdir -p "$r/sys/bus/pci/devices/$1"
		echo "$2" >"$r/sys/bus/pci/devices/$1/vendor"
		echo "$3" >"$r/sys/bus/pci/devices/$1/device"
		echo "$4" >"$r/sys/bus/pci/devices/$1/class"
	done
	mkdir -p "$r/sys/bus/usb/devices/1-1" "$r/sys/bus/usb/devices/1-1:1.0"
	echo 2c7c >"$r/sys/bus/usb/devices/1-1/idVendor"
	echo 0125 >"$r/sys/bus/usb/devices/1-1/idProduct"
	echo 1 >"$r/sys/bus/usb/devices/1-1/busnum"
	echo 2 >"$r/sys/bus/usb/devices/1-1/devnum"
	echo Quectel >"$r/sys/bus/usb/devices/1-1/manufacturer"
	echo EC25 >"$r/sys/bus/usb/devices/1-1/product"
	# mtd0 reports its geometry through sysfs as a NOR chip would (the others: /proc/mtd only)
	mkdir -p "$r/sys/class/mtd/mtd0"
	printf '196608\n' >"$r/sys/class/mtd/mtd0/size"
	printf '65536\n' >"$r/sys/class/mtd/mtd0/erasesize"
	printf '1\n' >"$r/sys/class/mtd/mtd0/writesize"
	printf '0\n' >"$r/sys/class/mtd/mtd0/oobsize"
	printf 'nor\n' >"$r/sys/class/mtd/mtd0/type"
	# the partitions' contents
	head -c $((0x30000)) /usr/lib/u-boot/maltael/u-boot.bin >"$r/dev/mtd0ro"
	printf 'bootcmd=bootm 0xbc050000\nbaudrate=57600\nethaddr=00:0c:43:76:28:01\n' >"$w/env.txt"
	mkenvimage -s 0x10000 -o "$r/dev/mtd1ro" "$w/env.txt"
	{ printf '\x28\x76\x00\x00\x00\x0c\x43\x76\x28\x01'; head -c $((0x10000 - 10)) /dev/zero | tr '\0' '\377'; } >"$r/dev/mtd2ro"
	for i in $(seq 1 30); do printf 'file %d\n' "$i" >"$w/sq/etc/f$i"; done
	head -c 200000 /dev/urandom >"$w/sq/blob"
	mksquashfs "$w/sq" "$w/root.sqfs" -comp xz -noappend -quiet >/dev/null 2>&1
	head -c 400000 /dev/urandom | base64 | lzma -c >"$w/kernel.lzma"
	mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n 'collect test' \
		-d "$w/kernel.lzma" "$w/uImage" >/dev/null
	cat "$w/uImage" "$w/root.sqfs" >"$r/dev/mtd3ro"
	cp "$w/uImage" "$r/dev/mtd4ro"
	printf 'user config\n' >"$w/jf/cfg"
	mkfs.jffs2 -l -e 0x10000 -r "$w/jf" -o "$r/dev/mtd5ro" 2>/dev/null
	pad_to() { local n; n=$(stat -c %s "$1"); head -c $(($2 - n)) /dev/zero | tr '\0' '\377' >>"$1"; }
	pad_to "$r/dev/mtd3ro" $((0x7b0000))
	pad_to "$r/dev/mtd4ro" $((0x7b0000))
	pad_to "$r/dev/mtd5ro" $((0x50000))
	FLASH=$(dirname "$r")/flash.bin
	cat "$r"/dev/mtd{0,1,2,3,4,5}ro >"$FLASH"
	KLOG=$k/dmesg.txt
}

# collect_arch ARCH: what the static musl collect for ARCH (a Debian architecture with a
# cross/ARCH-linux-musl.ini) is, in variables: XTRIPLET (the Debian cross gcc's prefix), XQEMU
# (the user-mode emulator) and XCPU (the CPU it emulates, QEMU_CPU: the oldest the Debian ABI
# targets), XELF (readelf -h's Class, Data, Type and Machine, a regex), XUNAME (uname -m under
# XQEMU with XCPU), XFLOAT (readelf -A's Tag_ABI_VFP_args: how floats are passed, ARM only).
# Skips the test (need) when the cross gcc or the emulator is missing.
collect_arch() {
	XFLOAT=
	case $1 in
	mipsel)
		need mipsel-linux-gnu-gcc mipsel-linux-gnu-strip qemu-mipsel
		XTRIPLET=mipsel-linux-gnu XQEMU=qemu-mipsel XCPU=24Kf XUNAME=mips
		XELF='^ELF32 2.s complement, little endian EXEC .*MIPS' ;;
	armhf)
		need arm-linux-gnueabihf-gcc arm-linux-gnueabihf-strip qemu-arm
		XTRIPLET=arm-linux-gnueabihf XQEMU=qemu-arm XCPU=cortex-a7 XUNAME=armv7l XFLOAT='VFP registers'
		XELF='^ELF32 2.s complement, little endian EXEC .*ARM $' ;;
	armel)
		need arm-linux-gnueabi-gcc arm-linux-gnueabi-strip qemu-arm
		XTRIPLET=arm-linux-gnueabi XQEMU=qemu-arm XCPU=arm926 XUNAME=armv5tel XFLOAT=none
		XELF='^ELF32 2.s complement, little endian EXEC .*ARM $' ;;
	arm64)
		need aarch64-linux-gnu-gcc aarch64-linux-gnu-strip qemu-aarch64
		XTRIPLET=aarch64-linux-gnu XQEMU=qemu-aarch64 XCPU=cortex-a53 XUNAME=aarch64
		XELF='^ELF64 2.s complement, little endian EXEC .*AArch64 $' ;;
	*) echo "collect_arch: no cross file for '$1'" >&2; return 2 ;;
	esac
}

# build_collect ARCH: the static musl collect for ARCH in $BUILDDIR/collect-ARCH
# (cross/ARCH-linux-musl.ini against cross/musl-ARCH, -Dbuildtype=minsize -Dwerror=true); sets
# XCOLLECT to the binary; returns 1 when meson setup fails ($T/setup.log), 2 when the build does
# ($T/build.log).
build_collect() {
	local a=$1 b=$BUILDDIR/collect-$1 ini=$BUILDDIR/collect-$1-musl.ini
	printf "[constants]\nmusl = '%s'\n" "$SRCDIR/cross/musl-$a" >"$ini"
	if [ ! -f "$b/build.ninja" ]; then
		rm -rf "$b"
		meson setup --cross-file "$ini" --cross-file "$SRCDIR/cross/$a-linux-musl.ini" -Dcollect_only=true \
			-Dbuildtype=minsize -Dwerror=true "$b" "$SRCDIR" >"$T/setup.log" 2>&1 || return 1
	else
		meson setup --reconfigure --cross-file "$ini" --cross-file "$SRCDIR/cross/$a-linux-musl.ini" \
			-Dwerror=true "$b" "$SRCDIR" >"$T/setup.log" 2>&1 || return 1
	fi
	ninja -C "$b" >"$T/build.log" 2>&1 || return 2
	XCOLLECT=$b/src/collect/collect
}

# need_tree [TOOL...]: the tools make_root needs, and TOOL..., else the test is skipped; the
# tree's U-Boot is u-boot-qemu's Malta build.
need_tree() {
	need mkenvimage mkimage mksquashfs mkfs.jffs2 lzma "$@"
	[ -f /usr/lib/u-boot/maltael/u-boot.bin ] || skip_all "u-boot-qemu not installed (run scripts/setup.sh)"
}

# need_schema: python3-jsonschema, which valid and valid_lines use, else the test is skipped
need_schema() {
	python3 -c 'import jsonschema' 2>/dev/null || skip_all "python3-jsonschema not installed (run scripts/setup.sh)"
}

# valid SCHEMA FILE DESCRIPTION: FILE is one document valid against doc/schema/SCHEMA.json;
# valid_lines SCHEMA FILE DESCRIPTION: every line of FILE is (JSON Lines)
valid() { schema_check "$1" "$2" doc "$3"; }
valid_lines() { schema_check "$1" "$2" lines "$3"; }
schema_check() {
	python3 - "$SRCDIR/doc/schema/$1.json" "$2" "$3" <<'E'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
with open(sys.argv[2]) as f:
    docs = [json.load(f)] if sys.argv[3] == "doc" else [json.loads(l) for l in f]
if not docs:
    sys.exit("no document in " + sys.argv[2])
for d in docs:
    jsonschema.validate(d, schema)
E
	ok $? "$4"
}
