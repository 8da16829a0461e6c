#!/usr/bin/env bash
# The kernel and the flash for collect's end-to-end test on 64-bit ARM (tests/collect/
# test_collect_system.sh arm64, QEMU virt): Debian's own linux-image-ARCH kernel package and
# busybox-static:arm64 into sample/debs, and mtdram.ko for that kernel in cross/kmod-arm64/.
# Debian's arm64 kernel builds none of mtdram, block2mtd, phram, CFI/physmap-of or nandsim (none
# of the ways QEMU's virt board could show the kernel an MTD device), so the module is built here
# from the same kernel's source (mtdram.c out of Debian's linux-source-6.1 of that version)
# against its headers (linux-headers-ABI-arm64, -common, and linux-kbuild-6.1 for this
# machine's fixdep and modpost) with Debian's aarch64-linux-gnu-gcc-12: the kernel loads it
# unsigned (tainted), its vermagic equal to the kernel's.  Idempotent (cross/kmod-arm64/.complete
# names the kernel package); needs the arm64 dpkg architecture (setup.sh adds it) and the mirror.
# usage: scripts/cross-kmod.sh
set -euo pipefail
cd "$(dirname "$0")/.."
arch=arm64 gt=aarch64-linux-gnu
debs=$PWD/sample/debs out=$PWD/cross/kmod-$arch
kpkg=$(apt-cache depends "linux-image-$arch:$arch" 2>/dev/null |
	sed -n "s/^ *Depends: \(linux-image-[0-9].*-$arch\)\(:$arch\)\{0,1\}\$/\1/p" | head -1)
[ -n "$kpkg" ] || { echo "cross-kmod: cannot resolve linux-image-$arch:$arch (dpkg --add-architecture $arch?)" >&2; exit 1; }
abi=${kpkg#linux-image-}        # 6.1.0-57-arm64
flavourless=${abi%-"$arch"}     # 6.1.0-57
ver=$(apt-cache show "$kpkg:$arch" | sed -n 's/^Version: //p' | head -1)
series=${abi%%-*}                # 6.1.0
series=${series%.*}             # 6.1
have() { ls "$debs"/"$kpkg"_*_"$arch".deb >/dev/null 2>&1 && ls "$debs"/busybox-static_*_"$arch".deb >/dev/null 2>&1; }
if have && [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$kpkg $ver" ]; then
	echo "cross-kmod: $out/mtdram.ko for $kpkg $ver is ready"
	exit 0
fi
mkdir -p "$debs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cross-kmod.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
chown _apt "$tmp" 2>/dev/null || true # apt-get download as root: _apt writes the directory
(cd "$tmp" && apt-get download "$kpkg:$arch=$ver" "busybox-static:$arch" "linux-headers-$abi:$arch=$ver" \
	"linux-headers-$flavourless-common=$ver" "linux-kbuild-$series=$ver" "linux-source-$series=$ver") \
	>"$tmp/download.log" 2>&1 || { tail -5 "$tmp/download.log" >&2; echo "cross-kmod: apt-get download failed" >&2; exit 1; }
x=$tmp/x
mkdir "$x"
for p in "linux-headers-$abi" "linux-headers-$flavourless-common" "linux-kbuild-$series"; do
	dpkg-deb -x "$tmp/${p}"_*.deb "$x"
done
h=$x/usr/src/linux-headers-$abi
# its Makefile includes the common headers by their installed path: point it at ours
sed -i "s|^include /usr/src/|include $x/usr/src/|" "$h/Makefile"
grep -q "^include $x/" "$h/Makefile" || { echo "cross-kmod: $h/Makefile has an unexpected form" >&2; exit 1; }
mkdir "$tmp/mod"
dpkg-deb --fsys-tarfile "$tmp/linux-source-$series"_*.deb | tar xO "./usr/src/linux-source-$series.tar.xz" |
	xz -dc | tar x -C "$tmp/mod" --strip-components=4 "linux-source-$series/drivers/mtd/devices/mtdram.c"
# CONFIG_MTDRAM_*: the defaults of drivers/mtd/devices/Kconfig (the test sets both as parameters)
printf 'obj-m := mtdram.o\nccflags-y := -DCONFIG_MTDRAM_TOTAL_SIZE=4096 -DCONFIG_MTDRAM_ERASE_SIZE=128\n' >"$tmp/mod/Kbuild"
make -C "$h" M="$tmp/mod" DEB_BUILD_ARCH=amd64 DEB_HOST_ARCH="$arch" DEB_HOST_GNU_TYPE="$gt" modules \
	>"$tmp/make.log" 2>&1 || { tail -15 "$tmp/make.log" >&2; echo "cross-kmod: building mtdram.ko failed" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$tmp/$kpkg"_*.deb | tar xO "./lib/modules/$abi/kernel/drivers/mtd/mtd.ko" >"$tmp/mtd.ko"
want=$(modinfo -F vermagic "$tmp/mtd.ko")
got=$(modinfo -F vermagic "$tmp/mod/mtdram.ko")
[ -n "$want" ] && [ "$got" = "$want" ] || { echo "cross-kmod: vermagic '$got', the kernel's '$want'" >&2; exit 1; }
rm -f "$debs"/linux-image-*-"$arch"_*_"$arch".deb "$debs"/busybox-static_*_"$arch".deb
mv "$tmp/$kpkg"_*.deb "$tmp"/busybox-static_*_"$arch".deb "$debs"/
rm -rf "$out.tmp"
mkdir "$out.tmp"
cp "$tmp/mod/mtdram.ko" "$tmp/mod/mtdram.c" "$out.tmp/"
printf '%s %s' "$kpkg" "$ver" >"$out.tmp/.complete"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "cross-kmod: $out/mtdram.ko for $kpkg $ver ($got)"
