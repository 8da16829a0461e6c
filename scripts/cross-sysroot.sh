#!/usr/bin/env bash
# Make the sysroot a cross build links against: Debian 12's own -dev packages of
# every library mtdscope uses, for ARCH (default mipsel), fetched with
# `apt-get download` and unpacked with `dpkg -x` into cross/sysroot-ARCH/ (not
# installed: installing them beside the amd64 ones would need equal versions of
# every Multi-Arch: same package, which the security archive breaks when it
# updates one architecture and not the other).  Idempotent; needs the ARCH
# architecture in dpkg (setup.sh adds it) and network access to the Debian mirror.
# usage: scripts/cross-sysroot.sh [ARCH]
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-mipsel}
root=$PWD/cross/sysroot-$arch
stamp=$root/.complete
# The -dev packages of the libraries in meson.build (keep in step with it).
devs="libsquashfs-dev liblzma-dev libzstd-dev liblz4-dev liblzo2-dev libdeflate-dev zlib1g-dev
	libfdt-dev libssl-dev libext2fs-dev libbz2-dev libarchive-dev libsqlite3-dev libc6-dev"
want=$(printf '%s\n' $devs | sed "s/\$/:$arch/" | sort | tr '\n' ' ')
ini=$PWD/cross/sysroot-$arch.ini
write_ini() {
	printf "# Made by scripts/cross-sysroot.sh: where the %s sysroot is (use before cross/%s-linux-gnu.ini)\n[constants]\nsysroot = '%s'\n" \
		"$arch" "$arch" "$root" >"$ini.tmp"
	mv "$ini.tmp" "$ini"
}
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	write_ini
	echo "cross-sysroot: $root is ready"
	exit 0
fi
grep -qx "$arch" <<<"$(dpkg --print-foreign-architectures)" ||
	{ echo "cross-sysroot: dpkg has no $arch architecture (dpkg --add-architecture $arch; apt-get update)" >&2; exit 1; }
# The closure of their dependencies for ARCH (the linker needs every library a
# shared library names, e.g. libarchive's libxml2 and libicu).
pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
	--no-replaces --no-enhances $want 2>/dev/null | grep -v '^[ <]' | grep ":$arch\$" | sort -u)
[ -n "$pkgs" ] || { echo "cross-sysroot: apt knows no $arch packages (apt-get update?)" >&2; exit 1; }
tmp=$(mktemp -d "${root}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/debs" "$tmp/root"
(cd "$tmp/debs" && apt-get download $pkgs >"$tmp/download.log" 2>&1) ||
	{ tail -5 "$tmp/download.log" >&2; echo "cross-sysroot: apt-get download failed" >&2; exit 1; }
for d in "$tmp"/debs/*.deb; do dpkg -x "$d" "$tmp/root"; done
# Absolute symlinks (/usr/lib/T/libz.so -> /lib/T/libz.so.1) must point inside the sysroot.
find "$tmp/root" -type l -lname '/*' | while read -r l; do
	t=$(readlink "$l")
	ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$tmp/root$t")" "$l"
done
# Debian's packages are not merged-/usr inside the .debs: give the sysroot the merged view
# the toolchain and the .pc files expect (/lib -> usr/lib).
for d in lib; do
	if [ -d "$tmp/root/$d" ] && [ ! -L "$tmp/root/$d" ]; then
		cp -a "$tmp/root/$d/." "$tmp/root/usr/$d/"
		rm -rf "${tmp:?}/root/$d"
		ln -s "usr/$d" "$tmp/root/$d"
	fi
done
printf '%s' "$want" >"$tmp/root/.complete"
rm -rf "$root"
mv "$tmp/root" "$root"
write_ini
echo "cross-sysroot: $root ($(printf '%s\n' $pkgs | wc -l) packages)"
