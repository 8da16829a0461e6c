#!/usr/bin/env bash
# Build the bundled sample: an 8 MiB MT7628-style NOR dump made by the real tools
# (mkimage, mkenvimage, mksquashfs, mkfs.jffs2, lzma) from real mipsel binaries.
#
#   make-sample.sh DEBS_DIR OUTPUT LAYOUT_TXT
#
# DEBS_DIR holds linux-image-*-4kc-malta_*_mipsel.deb and busybox-static_*_mipsel.deb
# (scripts/setup.sh downloads them).  The layout (sample/layout.txt, sample/README.md)
# is fixed: this script places every piece at its partition's offset and fails if
# one does not fit.
set -euo pipefail
export LC_ALL=C

debs=$1 out=$2 layout=$3
uboot_bin=/usr/lib/u-boot/maltael/u-boot.bin

fail() { echo "make-sample: $*" >&2; exit 1; }

kdeb=$(ls "$debs"/linux-image-*-4kc-malta_*_mipsel.deb 2>/dev/null | grep -v 'linux-image-4kc-malta_' | sort -V | tail -1 || true)
bdeb=$(ls "$debs"/busybox-static_*_mipsel.deb 2>/dev/null | sort -V | tail -1 || true)
[ -n "$kdeb" ] && [ -n "$bdeb" ] ||
	fail "missing mipsel kernel/busybox packages in $debs: run 'bash scripts/setup.sh' first"
[ -r "$uboot_bin" ] || fail "missing $uboot_bin (package u-boot-qemu): run 'bash scripts/setup.sh' first"
for t in dpkg-deb xz lzma mkimage mkenvimage mksquashfs mkfs.jffs2 od dd; do
	command -v "$t" >/dev/null || fail "missing tool '$t': run 'bash scripts/setup.sh' first"
done

# Partitions (offset size), erase block 64 KiB.  The Malta U-Boot is 292516 bytes,
# so u-boot gets 0x50000 instead of the usual 0x30000 of MT7628 boards.
FLASH=0x800000
UBOOT_OFF=0x000000 UBOOT_SIZE=0x050000
ENV_OFF=0x050000 ENV_SIZE=0x010000 ENV_DATA=0x1000
FACTORY_OFF=0x060000 FACTORY_SIZE=0x010000
FIRMWARE_OFF=0x070000 FIRMWARE_SIZE=0x790000
KERNEL_OFF=0x070000 KERNEL_SIZE=0x4e0000
ROOTFS_OFF=0x550000 ROOTFS_SIZE=0x2b0000
SQUASHFS_MAX=0x110000
DATA_OFF=0x660000 DATA_SIZE=0x1a0000

w=$(mktemp -d "${TMPDIR:-/tmp}/mtdscope-sample.XXXXXX")
trap 'rm -rf "$w"' EXIT
export SOURCE_DATE_EPOCH=1700000000

size_of() { stat -c %s "$1"; }
fits() { # FILE MAX NAME
	local s; s=$(size_of "$1")
	[ "$s" -le $(($2)) ] || fail "$3 is $s bytes, more than its $(printf 0x%x $(($2))) byte slot"
}
place() { # FILE OFFSET
	dd if="$1" of="$w/flash" bs=65536 seek=$(($2)) oflag=seek_bytes conv=notrunc status=none
}
hexbytes() { # "aa bb cc ..." -> raw bytes on stdout
	local b s=""
	for b in $1; do s+="\\x$b"; done
	printf "$s"
}

# ---- erased flash ----
head -c $((FLASH)) /dev/zero | tr '\0' '\377' >"$w/flash"

# ---- u-boot: the real Malta little-endian U-Boot ----
fits "$uboot_bin" $UBOOT_SIZE u-boot
place "$uboot_bin" $UBOOT_OFF

# ---- u-boot-env: mkenvimage, 0x1000 bytes as on most MT7628 boards ----
cat >"$w/env.txt" <<EOF
bootcmd=bootm 0xbc$(printf %06x $((KERNEL_OFF)))
bootargs=console=ttyS0,57600 rootfstype=squashfs,jffs2
bootdelay=1
baudrate=57600
ethaddr=00:0c:43:e1:76:29
ipaddr=192.168.1.1
serverip=192.168.1.100
bootfile=firmware.bin
stdin=serial
stdout=serial
stderr=serial
EOF
mkenvimage -s $((ENV_DATA)) -o "$w/env.bin" "$w/env.txt"
place "$w/env.bin" $ENV_OFF

# ---- factory: MT7628 wifi EEPROM ----
# No Debian tool makes a MediaTek EEPROM (vendors write it with their ATE tools at
# the factory), so it is laid out here by hand, following the mt7603/mt7628 EEPROM
# map used by the mt76 driver and the vendor SDK.
{
	hexbytes "28 76"                   # 0x00 chip id 0x7628, little-endian
	hexbytes "01 00"                   # 0x02 EEPROM version
	hexbytes "00 0c 43 e1 76 28"       # 0x04 wifi MAC
	head -c $((0x28 - 0x0a)) /dev/zero # 0x0a..0x27 unused on MT7628
} >"$w/factory"
{
	hexbytes "00 0c 43 e1 76 29"       # 0x28 lan MAC (vendor SDK convention)
	hexbytes "00 0c 43 e1 76 2a"       # 0x2e wan MAC
	hexbytes "22 34"                   # 0x34 NIC configuration 0 (2T2R)
	hexbytes "00 00"                   # 0x36 NIC configuration 1
	hexbytes "00 00"                   # 0x38 country region
	hexbytes "1c 00"                   # 0x3a crystal trim
	hexbytes "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" # 0x3c..0x51
	hexbytes "c2 c2"                   # 0x52 tx power delta bw40
	hexbytes "00 00"                   # 0x54
	hexbytes "23 23 22 21 20 1f"       # 0x56 tx0 power per 2.4 GHz channel group
	hexbytes "23 23 22 21 20 1f"       # 0x5c tx1 power per 2.4 GHz channel group
} >>"$w/factory"
# 0x62..0x9f: temperature and per-chain calibration, then per-rate power (0xa0..0xbf)
for i in $(seq $((0x62)) $((0x9f))); do printf "\\x$(printf %02x $(((i * 37 + 11) & 0x3f)))"; done >>"$w/factory"
hexbytes "c4 c4 c4 c4 c2 c2 c0 c0 c0 c0 c4 c4 c2 c2 c0 c0 c4 c4 c2 c2 c0 c0 c0 c0 00 00 00 00 00 00 00 00" >>"$w/factory"
head -c $((0x400 - 0xc0)) /dev/zero >>"$w/factory"
head -c $((FACTORY_SIZE - 0x400)) /dev/zero | tr '\0' '\377' >>"$w/factory"
[ "$(size_of "$w/factory")" -eq $((FACTORY_SIZE)) ] || fail "factory partition has the wrong size"
place "$w/factory" $FACTORY_OFF

# ---- kernel: the real mipsel Malta kernel, lzma-compressed in a uImage ----
mkdir "$w/k"
dpkg-deb -x "$kdeb" "$w/k"
vmlinuz=$(ls "$w"/k/boot/vmlinuz-* | head -1)
kver=$(basename "$vmlinuz" | sed 's/^vmlinuz-//')
# Debian ships a self-decompressing ELF (zboot) whose .data holds vmlinux.bin as xz.
magic=$(od -An -tx1 -N6 -j0 "$vmlinuz" | tr -d ' ')
if [ "$magic" = "7f454c460101" ]; then
	# the first match may be the magic as a string constant: take the first that decodes
	ok=
	for xzoff in $(grep -abo $'\xfd7zXZ' "$vmlinuz" | cut -d: -f1 | head -4); do
		if tail -c +$((xzoff + 1)) "$vmlinuz" | xz -dc --single-stream >"$w/vmlinux.bin" 2>/dev/null; then
			ok=1
			break
		fi
	done
	[ -n "$ok" ] || fail "no xz stream decodes in $(basename "$vmlinuz")"
else
	cp "$vmlinuz" "$w/vmlinux.bin"
fi
# The raw kernel loads at 0x80100000; with CONFIG_BOOT_RAW its word at +0x400 is
# "j kernel_entry": take the entry point from it.
load=0x80100000 entry=$load
word=$(od -An -tu4 --endian=little -N4 -j $((0x400)) "$w/vmlinux.bin" | tr -d ' ')
if [ -n "$word" ] && [ $((word >> 26)) -eq 2 ]; then
	entry=$(printf 0x%08x $(((load + 0x404) & 0xf0000000 | (word & 0x3ffffff) << 2)))
fi
lzma -9 -c "$w/vmlinux.bin" >"$w/vmlinux.bin.lzma"
mkimage -A mips -O linux -T kernel -C lzma -a $load -e "$entry" \
	-n "MIPS Linux-$kver" -d "$w/vmlinux.bin.lzma" "$w/uImage" >/dev/null
fits "$w/uImage" $KERNEL_SIZE kernel
place "$w/uImage" $KERNEL_OFF

# ---- rootfs: squashfs (xz) with the real mipsel busybox ----
mkdir "$w/b" "$w/root"
dpkg-deb -x "$bdeb" "$w/b"
r="$w/root"
mkdir -p "$r"/{bin,sbin,etc/config,dev,proc,sys,tmp,overlay,rom,root,lib,usr/bin,usr/sbin,www,var}
install -m 755 "$w/b/bin/busybox" "$r/bin/busybox"
for a in sh ash ls cat cp mv rm mkdir mount umount ps dmesg grep sed vi; do ln -s busybox "$r/bin/$a"; done
for a in init reboot ifconfig route; do ln -s ../bin/busybox "$r/sbin/$a"; done
cat >"$r/etc/openwrt_release" <<'EOF'
DISTRIB_ID='OpenWrt'
DISTRIB_RELEASE='23.05.3'
DISTRIB_REVISION='r23809-234f1a2efa'
DISTRIB_TARGET='ramips/mt76x8'
DISTRIB_ARCH='mipsel_24kc'
DISTRIB_DESCRIPTION='OpenWrt 23.05.3 r23809-234f1a2efa'
DISTRIB_TAINTS=''
EOF
cat >"$r/etc/banner" <<'EOF'
  _______                     ________        __
 |       |.-----.-----.-----.|  |  |  |.----.|  |_
 |   -   ||  _  |  -__|     ||  |  |  ||   _||   _|
 |_______||   __|_____|__|__||________||__|  |____|
          |__| W I R E L E S S   F R E E D O M
 -----------------------------------------------------
 mtdscope sample: OpenWrt-style layout, Debian busybox
 -----------------------------------------------------
EOF
printf 'root:x:0:0:root:/root:/bin/ash\n' >"$r/etc/passwd"
printf 'OpenWrt\n' >"$r/etc/hostname"
printf "config system\n\toption hostname 'OpenWrt'\n\toption timezone 'UTC'\n" >"$r/etc/config/system"
mksquashfs "$r" "$w/root.sqfs" -comp xz -b 256k -nopad -noappend -all-root -quiet >/dev/null
fits "$w/root.sqfs" $SQUASHFS_MAX squashfs
place "$w/root.sqfs" $ROOTFS_OFF

# ---- rootfs_data: the JFFS2 overlay OpenWrt creates on first boot ----
o="$w/overlay"
mkdir -p "$o/upper/etc/config" "$o/work"
ln -s 2 "$o/.fs_state"
cat >"$o/upper/etc/config/network" <<'EOF'
config interface 'loopback'
	option device 'lo'
	option proto 'static'
	option ipaddr '127.0.0.1'
	option netmask '255.0.0.0'

config interface 'lan'
	option device 'br-lan'
	option proto 'static'
	option ipaddr '192.168.1.1'
	option netmask '255.255.255.0'
EOF
cat >"$o/upper/etc/config/wireless" <<'EOF'
config wifi-device 'radio0'
	option type 'mac80211'
	option path 'platform/10300000.wmac'
	option channel '1'
	option band '2g'

config wifi-iface 'default_radio0'
	option device 'radio0'
	option network 'lan'
	option mode 'ap'
	option ssid 'OpenWrt'
	option encryption 'none'
EOF
mkfs.jffs2 -l -e 64KiB -U -r "$o" -o "$w/data.jffs2"
fits "$w/data.jffs2" $DATA_SIZE jffs2
place "$w/data.jffs2" $DATA_OFF

# ---- outputs ----
cat >"$w/layout.txt" <<EOF
dev:    size   erasesize  name
mtd0: $(printf %08x $((UBOOT_SIZE))) 00010000 "u-boot"
mtd1: $(printf %08x $((ENV_SIZE))) 00010000 "u-boot-env"
mtd2: $(printf %08x $((FACTORY_SIZE))) 00010000 "factory"
mtd3: $(printf %08x $((FIRMWARE_SIZE))) 00010000 "firmware"
mtd4: $(printf %08x $((KERNEL_SIZE))) 00010000 "kernel"
mtd5: $(printf %08x $((ROOTFS_SIZE))) 00010000 "rootfs"
mtd6: $(printf %08x $((DATA_SIZE))) 00010000 "rootfs_data"
EOF
[ "$(size_of "$w/flash")" -eq $((FLASH)) ] || fail "image grew past 8 MiB"
mv "$w/layout.txt" "$layout"
mv "$w/flash" "$out"
