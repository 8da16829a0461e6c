#!/usr/bin/env bash
# collect (src/collect), the program for the device: its size and its memory on every
# architecture it is built for, side by side, beside busybox.
#   - size: the static musl build for mipsel, armhf, armel and arm64 (cross/ARCH-linux-musl.ini,
#     -Dbuildtype=minsize), stripped, against the 150 KiB target, with text/data/bss;
#     busybox-static:mipsel's size beside it when sample/debs has the package;
#   - peak RSS and time, on the device tree of tests/collect/collect_lib.sh with its dumps grown
#     to SIZE MiB (default 64), writing the bundle to standard output (-o -, into /dev/null),
#     once and with --twice:
#     - each architecture's build under its qemu user mode: the guest's own peak RSS, sampled
#       from the emulator's mappings by bench/guest-rss.py (qemu's own RSS beside it; the time
#       is the emulator's, not the device's);
#     - the same source built static against musl for this machine (musl-gcc, package
#       musl-tools), measured exactly by /usr/bin/time, and busybox's sha256sum reading the same
#       dumps (what an owner would run by hand).
#   bash bench/bench-collect.sh [--size MIB] [--work DIR] [--arch "mipsel armhf armel arm64"]
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
size=64 work= arches="mipsel armhf armel arm64"
while [ $# -gt 0 ]; do
	case $1 in
	--size) size=$2; shift ;;
	--work) work=$2; shift ;;
	--arch) arches=$2; shift ;;
	-h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-collect: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
work=${work:-$(mktemp -d)}
mkdir -p "$work"
for t in musl-gcc busybox meson ninja python3 /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench-collect: $t missing (scripts/setup.sh)" >&2; exit 1; }
done
# the Debian cross gcc's prefix and the user-mode emulator of each architecture
triplet() { case $1 in mipsel) echo mipsel-linux-gnu ;; armhf) echo arm-linux-gnueabihf ;;
	armel) echo arm-linux-gnueabi ;; arm64) echo aarch64-linux-gnu ;; *) return 1 ;; esac; }
emulator() { case $1 in mipsel) echo qemu-mipsel ;; armhf | armel) echo qemu-arm ;; arm64) echo qemu-aarch64 ;; esac; }
built=()
for a in $arches; do
	t=$(triplet "$a") || { echo "bench-collect: no cross file for '$a'" >&2; exit 2; }
	for x in "$t-gcc" "$t-strip" "$t-size" "$(emulator "$a")"; do
		command -v "$x" >/dev/null || { echo "bench-collect: $x missing (scripts/setup.sh)" >&2; exit 1; }
	done
	bash scripts/cross-musl.sh "$a" >/dev/null
	b=$work/build-$a
	[ -f "$b/build.ninja" ] || meson setup --cross-file "cross/musl-$a.ini" --cross-file "cross/$a-linux-musl.ini" \
		-Dcollect_only=true -Dbuildtype=minsize -Dwerror=true "$b" >/dev/null
	ninja -C "$b" >/dev/null
	"$t-strip" -o "$work/collect-$a" "$b/src/collect/collect"
	built+=("$a")
done
# the same source for this machine, static against musl (kernel uapi headers after musl's own)
musl-gcc -static -Os -std=c11 -D_GNU_SOURCE -DCOLLECT_VERSION='"bench"' -idirafter /usr/include \
	-idirafter "/usr/include/$(gcc -dumpmachine)" -o "$work/collect-host" src/collect/collect.c src/collect/sha256.c
strip "$work/collect-host"
printf '%-40s %10s %8s %6s %8s\n' "size (stripped)" "bytes" "text" "data" "bss"
for a in "${built[@]}"; do
	n=$(stat -c %s "$work/collect-$a")
	read -r tx da bs _ < <("$(triplet "$a")-size" "$work/collect-$a" | tail -1)
	printf '%-40s %10d %8d %6d %8d  (%s the 150 KiB target)\n' "collect $a, musl, -Os" "$n" "$tx" "$da" "$bs" \
		"$([ "$n" -le 153600 ] && echo within || echo OVER)"
done
deb=$(ls sample/debs/busybox-static_*_mipsel.deb 2>/dev/null | head -1 || true)
if [ -n "$deb" ]; then
	mkdir -p "$work/bb"
	dpkg -x "$deb" "$work/bb"
	printf '%-40s %10d\n' "busybox-static:mipsel (for scale)" "$(stat -c %s "$work/bb/bin/busybox")"
fi
printf '%-40s %10d\n' "collect x86-64, musl, -Os" "$(stat -c %s "$work/collect-host")"

# the tree, with each firmware slot grown so the dumps total SIZE MiB
export TESTDATA=$PWD/tests/data
. tests/collect/collect_lib.sh
rm -rf "$work/t"
mkdir -p "$work/t"
make_root "$work/t/root" >/dev/null
r=$work/t/root
slot=$(( (size * 1048576 - 0x30000 - 0x20000 - 0x50000) / 2 / 65536 * 65536 ))
for i in 3 4; do
	truncate -s "$slot" "$r/dev/mtd${i}ro"
done
python3 - "$r/proc/mtd" "$slot" <<'PY'
import sys
p, slot = sys.argv[1], int(sys.argv[2])
out = []
for l in open(p):
    if l.startswith(("mtd3:", "mtd4:")):
        f = l.split(" ", 3)
        l = "%s %08x %s %s" % (f[0], slot, f[2], f[3])
    out.append(l)
open(p, "w").write("".join(out))
PY
total=$(cat "$r"/dev/mtd*ro | wc -c)
echo
echo "dumps: $((total / 1048576)) MiB in 6 partitions; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-52s %8s %10s %12s\n' "run (-o - > /dev/null unless said)" "seconds" "peak RSS" "qemu's own"
run() { # LABEL CMD...
	local label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
	read -r s k <"$work/time"
	printf '%-52s %8s %6s KiB\n' "$label" "$s" "$k"
}
qrun() { # LABEL ARCH ARGS...: the ARCH build under its emulator, the guest's peak RSS
	local label=$1 a=$2 g q s
	shift 2
	if python3 bench/guest-rss.py "$work/collect-$a" "$(emulator "$a")" "$work/collect-$a" "$@" \
		>"$work/grss" 2>"$work/err" || [ -s "$work/grss" ]; then
		read -r g q s <"$work/grss"
		printf '%-52s %8s %6s KiB %8s KiB\n' "$label" "$s" "$g" "$q"
	else
		printf '%-52s %s\n' "$label" "$(head -1 "$work/err")"
	fi
}
for a in "${built[@]}"; do
	qrun "collect $a under $(emulator "$a")" "$a" --root "$r" -q -o -
	qrun "collect $a under $(emulator "$a") --twice" "$a" --root "$r" -q --twice -o -
done
run "collect (x86-64 musl) --version (what exec costs)" "$work/collect-host" --version
run "collect (x86-64 musl) -o FILE" "$work/collect-host" --root "$r" -q -o "$work/b.tar"
rm -f "$work/b.tar"
run "collect (x86-64 musl)" "$work/collect-host" --root "$r" -q -o -
run "collect (x86-64 musl) --twice" "$work/collect-host" --root "$r" -q --twice -o -
run "busybox sha256sum of the same dumps" busybox sha256sum "$r"/dev/mtd0ro "$r"/dev/mtd1ro "$r"/dev/mtd2ro \
	"$r"/dev/mtd3ro "$r"/dev/mtd4ro "$r"/dev/mtd5ro
echo "(under qemu: the guest's pages, sampled every 2 ms from the emulator's mappings below 2^32 or 2^40"
echo " by bench/guest-rss.py; qemu's own is the whole emulator's.  x86-64: /usr/bin/time's maximum RSS,"
echo " which a bare --version already reaches: the kernel's count, not collect's streaming.)"
