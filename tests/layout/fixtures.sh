# Fixtures for the layout tests, sourced after tests/lib.sh.  Whole-chip
# images of the seed layouts, made by the real tools: mkimage (uImage kernel),
# mksquashfs (rootfs), mkfs.jffs2 (rootfs_data), mkenvimage (the Config
# environment).  Factory data is hand-made (no tool makes it): a MT7628 EEPROM
# with its MAC at 0x4 and board MACs at 0x28/0x2e, calibration bytes after.

need mkimage mksquashfs mkfs.jffs2 mkenvimage python3 jq

pad_to() { # FILE SIZE: pad with 0xFF (fail if larger)
	local n
	n=$(stat -c %s "$1")
	[ "$n" -le "$2" ] || { echo "# $1 is $n bytes, more than $2" >&2; return 1; }
	head -c $(($2 - n)) /dev/zero | tr '\0' '\377' >>"$1"
}

ff() { head -c "$1" /dev/zero | tr '\0' '\377'; } # N bytes of 0xFF

# factory OUT MAC(aa:bb:..) SEED: 64 KiB factory partition
make_factory() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys, random
out, mac, seed = sys.argv[1], bytes.fromhex(sys.argv[2].replace(':', '')), int(sys.argv[3])
r = random.Random(seed)
e = bytearray(b'\xff' * 0x10000)
e[0:2] = (0x7628).to_bytes(2, 'little')   # chip id
e[2:4] = (0x0001).to_bytes(2, 'little')   # version
e[4:10] = mac                             # wifi MAC
for i in range(0x10, 0x28):
    e[i] = r.randrange(1, 255)            # calibration
m2 = bytearray(mac); m2[5] = (m2[5] + 1) & 0xff
m3 = bytearray(mac); m3[5] = (m3[5] + 2) & 0xff
e[0x28:0x2e] = m2                          # lan
e[0x2e:0x34] = m3                          # wan
for i in range(0x34, 0x200):
    e[i] = r.randrange(1, 255)
open(out, 'wb').write(e)
EOF
}

# firmware OUT SIZE KERNEL_BYTES ROOTFS_DATA_OFFSET(rel) : uImage + squashfs [+ jffs2 at the offset]
make_firmware() {
	local out=$1 size=$2 kbytes=$3 rdo=${4:-0} w="$T/fw.$$"
	mkdir -p "$w/root/etc" "$w/root/bin" "$w/jffs"
	echo "OpenWrt test" >"$w/root/etc/banner"
	head -c 200000 /dev/urandom >"$w/root/bin/busybox"
	echo "config" >"$w/jffs/.keep"
	head -c $((kbytes - 64)) /dev/urandom >"$w/kernel"
	mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "MIPS OpenWrt Linux" \
		-d "$w/kernel" "$w/uImage" >/dev/null || return 1
	mksquashfs "$w/root" "$w/root.sqfs" -comp xz -b 256k -noappend -quiet -all-root >/dev/null || return 1
	cat "$w/uImage" "$w/root.sqfs" >"$out"
	if [ "$rdo" -gt 0 ]; then
		pad_to "$out" "$rdo" || return 1
		mkfs.jffs2 -l -e 0x10000 -p -r "$w/jffs" -o "$w/data.jffs2" || return 1
		cat "$w/data.jffs2" >>"$out"
	fi
	pad_to "$out" "$size"
	rm -rf "$w"
}

# env OUT ETHADDR: a 64 KiB Config partition holding a 4 KiB U-Boot environment
make_env() {
	printf 'bootcmd=tftp\nbootdelay=1\nethaddr=%s\nipaddr=10.10.10.123\nserverip=10.10.10.3\n' "$2" >"$T/env.txt"
	mkenvimage -s 0x1000 -o "$1" "$T/env.txt" || return 1
	pad_to "$1" $((0x10000))
}

# bootloader OUT: 192 KiB, a stand-in (the unit's own U-Boot is never rewritten)
make_boot() {
	{ printf 'U-Boot 1.1.3 (test)\0'; head -c 100000 /dev/urandom; } >"$1"
	pad_to "$1" $((0x30000))
}

# seed 002 layout (16 MiB): chip OUT MAC ETHADDR
make_chip2() {
	local out=$1 p="$T/parts.$$"
	mkdir -p "$p"
	make_boot "$p/boot" && make_env "$p/config" "$3" && make_factory "$p/factory" "$2" "${4:-1}" || return 1
	if [ ! -f "$T/fw1.cache" ]; then
		# firmware1 0x50000+0x7b0000; rootfs (seed) starts at 0x19b1b1 = kernel 0x14b1b1 bytes; rootfs_data at 0x6a0000
		make_firmware "$T/fw1.cache" $((0x7b0000)) $((0x14b1b1)) $((0x6a0000 - 0x50000)) || return 1
	fi
	cat "$p/boot" "$p/config" "$p/factory" "$T/fw1.cache" "$T/fw1.cache" >"$out"
	ff $((0x50000)) >>"$out"
	rm -rf "$p"
}

# seed 000 layout (4 MiB): chip OUT MAC ETHADDR
make_chip0() {
	local out=$1 p="$T/parts0.$$"
	mkdir -p "$p"
	make_boot "$p/boot" && make_env "$p/config" "$3" && make_factory "$p/factory" "$2" 7 || return 1
	make_firmware "$p/kernel" $((0x3b0000)) $((0xe0000)) || return 1
	cat "$p/boot" "$p/config" "$p/factory" "$p/kernel" >"$out"
	rm -rf "$p"
}

slice() { dd if="$1" bs=64k iflag=skip_bytes,count_bytes skip=$(($2)) count=$(($3)) status=none; } # FILE OFF LEN

seed2_mtd() {
	cat <<'EOF'
mtd0: 01000000 00010000 "ALL"
mtd1: 00030000 00010000 "Bootloader"
mtd2: 00010000 00010000 "Config"
mtd3: 00010000 00010000 "Factory"
mtd4: 007b0000 00010000 "firmware1"
mtd5: 00664e4f 00010000 "rootfs"
mtd6: 00160000 00010000 "rootfs_data"
mtd7: 007b0000 00010000 "firmware2"
mtd8: 00050000 00010000 "reserved"
EOF
}

seed0_mtd() {
	cat <<'EOF'
dev:    size   erasesize  name
mtd0: 00400000 00010000 "ALL"
mtd1: 00030000 00010000 "Bootloader"
mtd2: 00010000 00010000 "Config"
mtd3: 00010000 00010000 "Factory"
mtd4: 003b0000 00010000 "Kernel"
EOF
}
