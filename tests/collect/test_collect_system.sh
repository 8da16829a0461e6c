#!/usr/bin/env bash
# collect end to end in a QEMU system running Debian's own kernel: test_collect_system.sh ARCH
#   mipsel: QEMU Malta, linux-image-4kc-malta, the kernel package's mtdram, a PCnet NIC;
#   arm64:  QEMU virt (Cortex-A53), linux-image-arm64, mtdram built for that kernel from its own
#           source by scripts/cross-kmod.sh (Debian's arm64 kernel has no MTD device QEMU can
#           feed), a virtio-net NIC.
# An initramfs of busybox (busybox-static:ARCH) and the static collect; the flash is mtdram
# holding the image of collect_lib.sh; collect runs in the guest with --twice and uploads its
# bundle by TFTP through QEMU's user network to `mtdscope serve --upload` on the host; the host's
# verify checks the bundle and its dump equals the image the guest was given; the guest's peak
# RSS (VmHWM) is printed.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/collect/collect_lib.sh"
arch=${1:?usage: test_collect_system.sh ARCH}
collect_arch "$arch" || exit 1
need_tree meson ninja cpio gzip dpkg-deb modinfo jq
case $arch in
mipsel)
	need qemu-system-mipsel
	kdeb=$(ls "$SRCDIR"/sample/debs/linux-image-*-4kc-malta_*_mipsel.deb 2>/dev/null | head -1)
	mtdram=kernel/drivers/mtd/devices/mtdram.ko
	# modules in load order, from the kernel package (mtd is built in)
	mods="drivers/net/mii.ko drivers/net/ethernet/amd/pcnet32.ko"
	qsys=(qemu-system-mipsel -M malta -m 256 -netdev user,id=n0 -device pcnet,netdev=n0) con=ttyS0
	nic='\[1022:2000\]' nicname="the Malta's PCnet (1022:2000)" report=MIPS ;;
arm64)
	need qemu-system-aarch64
	kdeb=$(ls "$SRCDIR"/sample/debs/linux-image-*-arm64_*_arm64.deb 2>/dev/null | head -1)
	mtdram=$SRCDIR/cross/kmod-arm64/mtdram.ko
	[ -f "$mtdram" ] || { ok 1 "cross/kmod-arm64/mtdram.ko exists (scripts/setup.sh runs scripts/cross-kmod.sh)"; done_testing; exit 1; }
	mods="drivers/mtd/mtd.ko drivers/virtio/virtio_pci_legacy_dev.ko drivers/virtio/virtio_pci_modern_dev.ko
		drivers/virtio/virtio_pci.ko net/core/failover.ko drivers/net/net_failover.ko drivers/net/virtio_net.ko"
	qsys=(qemu-system-aarch64 -M virt -cpu cortex-a53 -m 256 -netdev user,id=n0 -device virtio-net-pci,netdev=n0)
	con=ttyAMA0
	nic='\[1af4:1000\]' nicname="QEMU's virtio-net (1af4:1000)" report='Machine +linux,dummy-virt' ;;
*) skip_all "no QEMU system for $arch" ;;
esac
bdeb=$(ls "$SRCDIR"/sample/debs/busybox-static_*_"$arch".deb 2>/dev/null | head -1)
if [ -z "$kdeb" ] || [ -z "$bdeb" ]; then
	ok 1 "sample/debs holds the $arch kernel and busybox-static packages (scripts/setup.sh downloads them)"
	done_testing
	exit 1
fi
[ -f "$SRCDIR/cross/musl-$arch/.complete" ] || { ok 1 "the $arch musl sysroot exists (scripts/cross-musl.sh $arch)"; done_testing; exit 1; }
build_collect "$arch"
ok $? "the static $arch collect builds"
make_root "$T/root"
dpkg-deb -x "$kdeb" "$T/k"
dpkg-deb -x "$bdeb" "$T/bb"
kernel=$(ls "$T"/k/boot/vmlinuz-* | head -1)
kmods=$(ls -d "$T"/k/lib/modules/* | head -1)
ird=$T/ird
mkdir -p "$ird/bin" "$ird/dev" "$ird/proc" "$ird/sys" "$ird/mod"
cp "$T/bb/bin/busybox" "$ird/bin/"
"$XTRIPLET-strip" -o "$ird/bin/collect" "$XCOLLECT"
case $mtdram in /*) ;; *) mtdram=$kmods/$mtdram ;; esac
is "$(modinfo -F vermagic "$mtdram" 2>&1)" "$(modinfo -F vermagic "$(find "$kmods" -name '*.ko' | head -1)")" \
	"mtdram.ko is for the guest's kernel (vermagic)"
load=
for m in $mods; do
	cp "$kmods/kernel/$m" "$ird/mod/" || { ok 1 "the kernel package has $m"; done_testing; exit 1; }
	load="$load $(basename "$m")"
done
cp "$mtdram" "$ird/mod/mtdram.ko"
cp "$FLASH" "$ird/flash.bin"
kib=$(($(stat -c %s "$FLASH") / 1024))
cat >"$ird/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $load mtdram.ko; do
	case \$m in
	mtdram.ko) insmod /mod/\$m total_size=$kib erase_size=64 || echo "INSMOD-FAILED \$m" ;;
	*) insmod /mod/\$m || echo "INSMOD-FAILED \$m" ;;
	esac
done
cat /flash.bin >/dev/mtd0 && rm /flash.bin
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
port=\$(sed -n 's/.*collect_port=\([0-9]*\).*/\1/p' /proc/cmdline)
/bin/collect -q --twice --tftp 10.0.2.2:\$port --name guest.tar &
pid=\$!
hwm=
while kill -0 \$pid 2>/dev/null; do
	h=\$(sed -n 's/^VmHWM: *//p' /proc/\$pid/status 2>/dev/null)
	[ -n "\$h" ] && hwm=\$h
	usleep 20000
done
wait \$pid
echo "COLLECT-RC=\$? VmHWM=\$hwm"
poweroff -f
INIT
chmod +x "$ird/init"
(cd "$ird" && find . | cpio -o -H newc 2>/dev/null | gzip -1 >"$T/initrd.gz")
. "$SRCDIR/tests/net/net_lib.sh"
mkdir -p "$T/srv" "$T/up"
serve_start "$T/srv" --upload "$T/up" --upload-max 64M
timeout 600 "${qsys[@]}" -kernel "$kernel" -initrd "$T/initrd.gz" -nographic -no-reboot \
	-append "console=$con rdinit=/init collect_port=$PORT" </dev/null >"$T/qemu.log" 2>&1
st=$?
serve_stop
ok $st "the $arch guest boots, runs collect and powers off"
is "$(grep -a 'INSMOD-FAILED' "$T/qemu.log" | tr -d '\r' | tr '\n' ' ')" "" "every module loads"
line=$(grep -a 'COLLECT-RC=' "$T/qemu.log" | tr -d '\r' | tail -1)
like "$line" '^COLLECT-RC=0 ' "collect in the guest exits 0 (read twice, equal; uploaded)"
[ -n "$line" ] || tail -20 "$T/qemu.log" | sed 's/^/#   /'
echo "# guest: $line"
b=$T/up/guest.tar
[ -f "$b" ]
ok $? "mtdscope serve --upload received guest.tar"
"$MTDSCOPE" verify --json "$b" >"$T/v.json" 2>"$T/v.err"
ok $? "the host's verify accepts the bundle (every member equal to SHA256SUMS, the dump against the guest's /proc/mtd)"
is "$(jq -r '.partitions[0].sha256' "$T/v.json")" "$(sha256sum <"$FLASH" | cut -d' ' -f1)" \
	"the guest's mtd0 dump equals the image it was given (SHA-256)"
tar xOf "$b" collect/mtd/mtd0ro | cmp -s - "$FLASH"
ok $? "byte for byte"
m=$(tar xOf "$b" collect/manifest.json)
is "$(jq -r '.mtd[0] | "\(.type) \(.size) \(.erasesize) \(.writesize) \(.geometry_from) \(.stable)"' <<<"$m")" \
	"ram $((kib * 1024)) 65536 1 ioctl true" "the geometry came from MEMGETINFO (mtdram: type ram, 64 KiB erase)"
is "$(jq -r .uname.machine <<<"$m")" "$XUNAME" "uname: $XUNAME"
like "$(tar xOf "$b" collect/dmesg | head -c 4000)" 'Linux version 6\.' "the kernel log through klogctl"
like "$(tar xOf "$b" collect/lspci)" "$nic" "lspci from sysfs: $nicname"
like "$("$MTDSCOPE" report "$b" 2>&1)" "$report" "report reads the guest's bundle"
done_testing
