#!/usr/bin/env bash
# The musl sysroot collect (src/collect) cross-builds against, for ARCH (default mipsel):
# Debian 12's own musl-dev:ARCH (crt files, libc.a, headers) and the kernel headers of
# linux-libc-dev:ARCH (linux/, asm/, mtd/ for the MTD ioctls), fetched with
# `apt-get download` and unpacked with `dpkg -x` into cross/musl-ARCH/, and a gcc specs
# file (musl-dev's own musl-gcc.specs with its paths moved into that directory) so the
# Debian cross gcc links a static program against musl.  Writes cross/musl-ARCH.ini
# (the constant `musl`, use before cross/ARCH-linux-musl.ini).  Idempotent; needs the
# ARCH architecture in dpkg (setup.sh adds it) and the Debian mirror.
# usage: scripts/cross-musl.sh [ARCH]
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-mipsel}
case $arch in
mipsel) mt=mipsel-linux-musl gt=mipsel-linux-gnu ;;
armel) mt=arm-linux-musleabi gt=arm-linux-gnueabi ;;
armhf) mt=arm-linux-musleabihf gt=arm-linux-gnueabihf ;;
arm64) mt=aarch64-linux-musl gt=aarch64-linux-gnu ;;
*) echo "cross-musl: no triplets known for $arch" >&2; exit 2 ;;
esac
root=$PWD/cross/musl-$arch
ini=$PWD/cross/musl-$arch.ini
want="musl-dev:$arch linux-libc-dev:$arch"
write_ini() {
	printf "# Made by scripts/cross-musl.sh: where the %s musl sysroot is (use before cross/%s-linux-musl.ini)\n[constants]\nmusl = '%s'\n" \
		"$arch" "$arch" "$root" >"$ini.tmp"
	mv "$ini.tmp" "$ini"
}
if [ -f "$root/.complete" ] && [ "$(cat "$root/.complete")" = "$want" ]; then
	write_ini
	echo "cross-musl: $root is ready"
	exit 0
fi
# (the list read whole first: grep -q exiting early would SIGPIPE dpkg under pipefail)
grep -qx "$arch" <<<"$(dpkg --print-foreign-architectures)" ||
	{ echo "cross-musl: dpkg has no $arch architecture (dpkg --add-architecture $arch; apt-get update)" >&2; exit 1; }
tmp=$(mktemp -d "${root}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/debs" "$tmp/x" "$tmp/root"
(cd "$tmp/debs" && apt-get download $want >"$tmp/download.log" 2>&1) ||
	{ tail -5 "$tmp/download.log" >&2; echo "cross-musl: apt-get download failed" >&2; exit 1; }
for d in "$tmp"/debs/*.deb; do dpkg -x "$d" "$tmp/x"; done
r=$tmp/root
mkdir -p "$r/include" "$r/lib"
cp -a "$tmp/x/usr/include/$mt/." "$r/include/"
# the kernel's uapi headers beside musl's (musl ships none): linux/, asm-generic/, mtd/, asm/
for d in linux asm-generic mtd; do cp -a "$tmp/x/usr/include/$d" "$r/include/"; done
cp -a "$tmp/x/usr/include/$gt/asm" "$r/include/asm"
cp -a "$tmp/x/usr/lib/$mt/." "$r/lib/"
rm -f "$r/lib/musl-gcc.specs"
# musl-gcc.specs with our paths (and crtbeginT/crtend for a static link)
sed -e "s|/usr/include/$mt|$root/include|g" -e "s|/usr/lib/$mt|$root/lib|g" \
	"$tmp/x/usr/lib/$mt/musl-gcc.specs" >"$r/musl-gcc.specs"
grep -q "$root/include" "$r/musl-gcc.specs" || { echo "cross-musl: musl-gcc.specs has an unexpected form" >&2; exit 1; }
printf '%s' "$want" >"$r/.complete"
rm -rf "$root"
mv "$r" "$root"
write_ini
echo "cross-musl: $root (musl $(dpkg-deb -f "$tmp"/debs/musl-dev_*.deb Version))"
