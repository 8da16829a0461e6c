#!/usr/bin/env bash
# Seeds for fuzz_bundle: small bundles written by collect itself (src/collect) on device trees
# whose /proc/mtd gives small partitions, filled by the real tools (mkenvimage, mksquashfs):
# read once, read twice, a partition that reads differently twice (/dev/urandom), one that ends
# early, and one without dumps.  Run once by hand after building collect; the files are
# committed under fuzz/corpus/bundle/.
#   bash fuzz/make-bundle-seeds.sh build/src/collect/collect
set -euo pipefail
collect=$(realpath "${1:?usage: make-bundle-seeds.sh COLLECT}")
out=$(cd "$(dirname "$0")/corpus" && pwd)/bundle
export SOURCE_DATE_EPOCH=1700000000 LC_ALL=C
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
r=$w/root
mkdir -p "$r/proc/device-tree" "$r/dev" "$w/sq/etc"
printf 'system type\t\t: MT7628\nmachine\t\t\t: seed\ncpu model\t\t: MIPS 24KEc V5.5\n' >"$r/proc/cpuinfo"
printf 'MemTotal:          61416 kB\n' >"$r/proc/meminfo"
printf 'dev:    size   erasesize  name\nmtd0: 00001000 00001000 "u-boot-env"\nmtd1: 00001000 00001000 "factory"\nmtd2: 00004000 00001000 "firmware"\n' >"$r/proc/mtd"
printf 'console=ttyS0,57600 rootfstype=squashfs\n' >"$r/proc/cmdline"
printf 'seed board\0' >"$r/proc/device-tree/model"
printf 'seed,board\0mediatek,mt7628an-soc\0' >"$r/proc/device-tree/compatible"
printf '<6>[    0.000000] Linux version 5.15.0 (seed) #1\n<6>[    0.100000] SoC Type: MediaTek MT7628AN ver:1 eco:2\n' >"$w/klog"
printf 'bootcmd=bootm 0xbc050000\nethaddr=00:0c:43:76:28:01\n' >"$w/env.txt"
mkenvimage -s 0x1000 -o "$r/dev/mtd0ro" "$w/env.txt"
{ printf '\x28\x76\x00\x00\x00\x0c\x43\x76\x28\x01'; head -c $((0x1000 - 10)) /dev/zero | tr '\0' '\377'; } >"$r/dev/mtd1ro"
printf 'OpenWrt\n' >"$w/sq/etc/hostname"
mksquashfs "$w/sq" "$w/root.sqfs" -comp xz -noappend -all-root -quiet >/dev/null
cp "$w/root.sqfs" "$r/dev/mtd2ro"
n=$(stat -c %s "$r/dev/mtd2ro")
head -c $((0x4000 - n)) /dev/zero | tr '\0' '\377' >>"$r/dev/mtd2ro"
run() { "$collect" --root "$1" --klog "$w/klog" -q "${@:3}" -o "$out/$2" || true; }
run "$r" once.tar
run "$r" twice.tar --twice
cp -a "$r" "$w/flaky"
rm "$w/flaky/dev/mtd1ro"
ln -s /dev/urandom "$w/flaky/dev/mtd1ro"
truncate -s 100 "$w/flaky/dev/mtd2ro"
run "$w/flaky" unstable-short.tar --twice
run "$r" no-dumps.tar --no-dumps
ls -l "$out"
