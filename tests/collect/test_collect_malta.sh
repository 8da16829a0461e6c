#!/usr/bin/env bash
# collect end to end on a MIPS system: QEMU Malta running Debian's own linux-image-4kc-malta
# kernel with an initramfs of busybox (busybox-static:mipsel) and the static mipsel collect; the
# flash is the kernel's mtdram (a module of the kernel package) holding the image of
# collect_lib.sh; collect runs in the guest with --twice and uploads its bundle by TFTP through
# QEMU's user network to `mtdscope serve --upload` on the host; the host's verify checks the
# bundle and its dump equals the image the guest was given; the guest's peak RSS (VmHWM) is printed.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/collect/collect_lib.sh"
need qemu-system-mipsel mipsel-linux-gnu-strip meson ninja cpio gzip dpkg-deb mkenvimage mkimage mksquashfs mkfs.jffs2 lzma jq
kdeb=$(ls "$SRCDIR"/sample/debs/linux-image-*-4kc-malta_*_mipsel.deb 2>/dev/null | head -1)
bdeb=$(ls "$SRCDIR"/sample/debs/busybox-static_*_mipsel.deb 2>/dev/null | head -1)
if [ -z "$kdeb" ] || [ -z "$bdeb" ]; then
	ok 1 "sample/debs holds linux-image-4kc-malta and busybox-static for mipsel (scripts/setup.sh downloads them)"
	done_testing
	exit 1
fi
[ -f /usr/lib/u-boot/maltael/u-boot.bin ] || skip_all "u-boot-qemu not installed (run scripts/setup.sh)"
[ -f "$SRCDIR/cross/musl-mipsel/.complete" ] || { ok 1 "the mipsel musl sysroot exists (scripts/cross-musl.sh mipsel)"; done_testing; exit 1; }
build_collect mipsel
ok $? "the static mipsel collect builds"
make_root "$T/root"
dpkg-deb -x "$kdeb" "$T/k"
dpkg-deb -x "$bdeb" "$T/bb"
kernel=$(ls "$T"/k/boot/vmlinuz-* | head -1)
mods=$(ls -d "$T"/k/lib/modules/* | head -1)
ird=$T/ird
mkdir -p "$ird/bin" "$ird/dev" "$ird/proc" "$ird/sys" "$ird/mod"
cp "$T/bb/bin/busybox" "$ird/bin/"
mipsel-linux-gnu-strip -o "$ird/bin/collect" "$XCOLLECT"
for m in drivers/mtd/devices/mtdram.ko drivers/net/mii.ko drivers/net/ethernet/amd/pcnet32.ko; do
	cp "$mods/kernel/$m" "$ird/mod/" || { ok 1 "the kernel package has $m"; done_testing; exit 1; }
done
cp "$FLASH" "$ird/flash.bin"
kib=$(($(stat -c %s "$FLASH") / 1024))
cat >"$ird/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /mod/mtdram.ko total_size=$kib erase_size=64
cat /flash.bin >/dev/mtd0 && rm /flash.bin
insmod /mod/mii.ko
insmod /mod/pcnet32.ko
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
port=\$(sed -n 's/.*collect_port=\([0-9]*\).*/\1/p' /proc/cmdline)
/bin/collect -q --twice --tftp 10.0.2.2:\$port --name malta.tar &
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
timeout 600 qemu-system-mipsel -M malta -m 256 -kernel "$kernel" -initrd "$T/initrd.gz" \
	-append "console=ttyS0 rdinit=/init collect_port=$PORT" -nographic -no-reboot \
	-netdev user,id=n0 -device pcnet,netdev=n0 </dev/null >"$T/qemu.log" 2>&1
st=$?
serve_stop
ok $st "the Malta guest boots, runs collect and powers off"
line=$(grep -a 'COLLECT-RC=' "$T/qemu.log" | tr -d '\r' | tail -1)
like "$line" '^COLLECT-RC=0 ' "collect in the guest exits 0 (read twice, equal; uploaded)"
[ -n "$line" ] || tail -20 "$T/qemu.log" | sed 's/^/#   /'
echo "# guest: $line"
b=$T/up/malta.tar
[ -f "$b" ]
ok $? "mtdscope serve --upload received malta.tar"
"$MTDSCOPE" verify --json "$b" >"$T/v.json" 2>"$T/v.err"
ok $? "the host's verify accepts the bundle (every member equal to SHA256SUMS, the dump against the guest's /proc/mtd)"
is "$(jq -r '.partitions[0].sha256' "$T/v.json")" "$(sha256sum <"$FLASH" | cut -d' ' -f1)" \
	"the guest's mtd0 dump equals the image it was given (SHA-256)"
tar xOf "$b" collect/mtd/mtd0ro | cmp -s - "$FLASH"
ok $? "byte for byte"
m=$(tar xOf "$b" collect/manifest.json)
is "$(jq -r '.mtd[0] | "\(.type) \(.size) \(.erasesize) \(.writesize) \(.geometry_from) \(.stable)"' <<<"$m")" \
	"ram $((kib * 1024)) 65536 1 ioctl true" "the geometry came from MEMGETINFO (mtdram: type ram, 64 KiB erase)"
is "$(jq -r .uname.machine <<<"$m")" mips "uname: mips"
like "$(tar xOf "$b" collect/dmesg | head -c 4000)" 'Linux version 6\.' "the kernel log through klogctl"
like "$(tar xOf "$b" collect/lspci)" '\[1022:2000\]' "lspci from sysfs: the Malta's PCnet (1022:2000)"
like "$("$MTDSCOPE" report "$b" 2>&1)" 'MIPS' "report reads the guest's bundle"
done_testing
