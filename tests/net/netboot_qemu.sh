#!/usr/bin/env bash
# End to end: a real U-Boot (u-boot-qemu, maltael) on QEMU's MIPS Malta board.  QEMU's user
# network answers TFTP port 69 itself and this U-Boot always asks port 69, so the test makes a
# network namespace with a tap device: `mtdscope netboot` runs inside it, its TFTP server on
# 192.168.77.1:69, QEMU's pcnet on the tap.  Checked: the prompt is reached, tftpboot gets the
# image from the server, U-Boot's crc32 equals ours, at U-Boot's default block size and at 512.
# Bonus: Debian's real mipsel Malta kernel as a uImage bootm's and prints "Linux version".
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for a network namespace and a tap device"
need qemu-system-mipsel ip objcopy mkimage
UBOOT=/usr/lib/u-boot/maltael/u-boot.bin
[ -r "$UBOOT" ] || skip_all "u-boot-qemu not installed ($UBOOT)"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

NS="mtdscope-net-$$"
cleanup() {
	# QEMU and anything else left in the namespace, then the namespace itself
	for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace"
if ! { ip -n "$NS" link set lo up && ip -n "$NS" tuntap add dev tap0 mode tap &&
	ip -n "$NS" addr add 192.168.77.1/24 dev tap0 && ip -n "$NS" link set tap0 up; } 2>/dev/null; then
	skip_all "cannot create a tap device in a network namespace"
fi

# QEMU swaps the 32-bit words of a little-endian Malta firmware given with -bios: swap them first.
objcopy -I binary -O binary --reverse-bytes=4 "$UBOOT" "$T/u-boot.swapped" 2>/dev/null ||
	"$PY" -c 'import sys; d=open(sys.argv[1],"rb").read(); d+=b"\0"*(-len(d)%4); open(sys.argv[2],"wb").write(b"".join(d[i:i+4][::-1] for i in range(0,len(d),4)))' "$UBOOT" "$T/u-boot.swapped"
QEMU="qemu-system-mipsel -M malta -m 256 -nographic -monitor none -bios $T/u-boot.swapped -netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device pcnet,netdev=n0"
crc() { "$PY" -c 'import sys,zlib; print("%08x" % zlib.crc32(open(sys.argv[1],"rb").read()))' "$1"; }

netboot() { # LOG ARGS...
	local log=$1; shift
	timeout 150 ip netns exec "$NS" "$MTDSCOPE" netboot --exec "$QEMU" --bind 192.168.77.1 \
		--ipaddr 192.168.77.2 --serverip 192.168.77.1 --log "$log.console" "$@" >"$log" 2>&1
}

head -c 600000 /dev/urandom > "$T/image.bin"
want=$(crc "$T/image.bin")

# 1. U-Boot's default block size (1468)
netboot "$T/nb1" --image "$T/image.bin" --no-boot
rc=$?
is "$rc" 0 "netboot at U-Boot's default block size succeeds"
out=$(cat "$T/nb1")
like "$out" "ok +stop autoboot +prompt 'maltael #'.*no autoboot countdown" "the U-Boot prompt is reached"
like "$out" "ok +load address +0x81000000 \(RAM 0x80000000 \+ 256 MiB" "load address from bdinfo's RAM"
like "$out" "read 'image.bin' done: 600000 bytes.* blksize 1468," "the server logs the transfer at blksize 1468"
like "$out" "ok +tftpboot +600000 bytes to 0x81000000" "tftpboot checked by its byte count"
like "$out" "ok +crc32 +U-Boot's $want equals the file's" "U-Boot's crc32 equals ours ($want)"
like "$(cat "$T/nb1.console")" "crc32 0x81000000 0x927c0" "the transcript has the crc32 command"
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/nb1" | tail -20

# 2. 512-byte blocks (tftpblocksize), JSON report
netboot "$T/nb2" --image "$T/image.bin" --no-boot --blksize 512 --json
rc=$?
is "$rc" 0 "netboot with tftpblocksize 512 succeeds"
json=$(grep '^{"schema":"mtdscope.netboot/' "$T/nb2")
is "$(printf '%s' "$json" | jq -r '.uboot_crc32')" "$want" "--json: U-Boot's crc32 at 512-byte blocks equals ours"
is "$(printf '%s' "$json" | jq -r '[.steps[] | select(.ok == false)] | length')" 0 "--json: every step ok"
like "$(cat "$T/nb2")" '"event":"done".*"blksize":512' "the server transfer used 512-byte blocks"
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/nb2" | tail -20

# 3. A --loadaddr outside RAM is refused before anything is sent.
netboot "$T/nb3" --image "$T/image.bin" --no-boot --loadaddr 0x9f000000
is "$?" 1 "a load address outside RAM is refused"
like "$(cat "$T/nb3")" "FAILED +load address +0x9f000000 \+ 600000 bytes is not inside RAM" "and says why"

# 4. Bonus: Debian's mipsel Malta kernel as a uImage; bootm; "Linux version" on the console.
# the package is fetched once with apt-get download and kept in the build directory
KCACHE="${BUILDDIR:-$T}/net-cache"
mkdir -p "$KCACHE"
KDEB=$(ls "$KCACHE"/linux-image-*-4kc-malta_*_mipsel.deb 2>/dev/null | head -1)
if [ -z "$KDEB" ] && command -v apt-get >/dev/null; then
	kpkg=$(apt-cache depends linux-image-4kc-malta:mipsel 2>/dev/null | awk '/Depends:/ {print $2; exit}')
	[ -n "$kpkg" ] && (cd "$KCACHE" && apt-get download "$kpkg" >/dev/null 2>&1)
	KDEB=$(ls "$KCACHE"/linux-image-*-4kc-malta_*_mipsel.deb 2>/dev/null | head -1)
fi
if [ -n "$KDEB" ]; then
	mkdir -p "$T/k"
	dpkg-deb --fsys-tarfile "$KDEB" | tar -C "$T/k" -xf - --wildcards './boot/vmlinuz-*'
	VMLINUZ=$(ls "$T"/k/boot/vmlinuz-* | head -1)
	load=$(readelf -lW "$VMLINUZ" | awk '$1 == "LOAD" {print $3; exit}')
	entry=$(readelf -hW "$VMLINUZ" | awk '/Entry point/ {print $4}')
	mipsel-linux-gnu-objcopy -O binary "$VMLINUZ" "$T/vmlinuz.bin" 2>/dev/null || objcopy -O binary "$VMLINUZ" "$T/vmlinuz.bin"
	mkimage -A mips -O linux -T kernel -C none -a "$load" -e "$entry" -n "Debian Malta $(basename "$VMLINUZ")" \
		-d "$T/vmlinuz.bin" "$T/uImage" >/dev/null
	netboot "$T/nb4" --image "$T/uImage" --bootargs "console=ttyS0,115200" \
		--expect-boot "Linux version" --boot-timeout 60
	rc=$?
	is "$rc" 0 "the real Malta kernel uImage boots"
	like "$(cat "$T/nb4")" "ok +bootm +the kernel started: 'Linux version 6\." "console shows Linux version"
	like "$(cat "$T/nb4")" "ok +load address +0x8[0-9a-f]{7} .*above the decompressed kernel" "load address kept clear of the kernel"
	[ $rc -eq 0 ] || sed 's/^/#   /' "$T/nb4" | tail -20
else
	echo "# SKIP bonus: no linux-image-*-4kc-malta:mipsel package at hand"
fi
done_testing
