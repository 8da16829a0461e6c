#!/usr/bin/env bash
# collect (src/collect), the program for the device: its size and its memory, beside busybox.
#   - size: the static musl mipsel build (cross/mipsel-linux-musl.ini, -Dbuildtype=minsize),
#     stripped, against the 150 KiB target; busybox-static:mipsel's size beside it when
#     sample/debs has the package;
#   - peak RSS and time: the same source built static against musl for this machine (musl-gcc,
#     package musl-tools; qemu-user cannot measure a guest's RSS), run on the device tree of
#     tests/collect/collect_lib.sh with its dumps grown to SIZE MiB (default 64), writing the
#     bundle to a file and to standard output (-o -, into /dev/null), once and with --twice;
#     beside busybox's sha256sum reading the same dumps (what an owner would run by hand);
#   - the mipsel build under qemu-mipsel on the same tree (emulated: a time, not the device's).
#   bash bench/bench-collect.sh [--size MIB] [--work DIR]
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
size=64 work=
while [ $# -gt 0 ]; do
	case $1 in
	--size) size=$2; shift ;;
	--work) work=$2; shift ;;
	-h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-collect: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
work=${work:-$(mktemp -d)}
mkdir -p "$work"
for t in mipsel-linux-gnu-gcc mipsel-linux-gnu-strip musl-gcc qemu-mipsel busybox meson ninja /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench-collect: $t missing (scripts/setup.sh)" >&2; exit 1; }
done
bash scripts/cross-musl.sh mipsel >/dev/null
b=$work/build-mipsel
[ -f "$b/build.ninja" ] || meson setup --cross-file cross/musl-mipsel.ini --cross-file cross/mipsel-linux-musl.ini \
	-Dcollect_only=true -Dbuildtype=minsize "$b" >/dev/null
ninja -C "$b" >/dev/null
mipsel-linux-gnu-strip -o "$work/collect-mipsel" "$b/src/collect/collect"
# the same source for this machine, static against musl (kernel uapi headers after musl's own)
musl-gcc -static -Os -std=c11 -D_GNU_SOURCE -DCOLLECT_VERSION='"bench"' -idirafter /usr/include \
	-idirafter "/usr/include/$(gcc -dumpmachine)" -o "$work/collect-host" src/collect/collect.c src/collect/sha256.c
strip "$work/collect-host"
msize=$(stat -c %s "$work/collect-mipsel")
printf '%-44s %10s\n' "size" "bytes"
printf '%-44s %10d  (%s the 150 KiB target)\n' "collect mipsel, musl, -Os, stripped" "$msize" \
	"$([ "$msize" -le 153600 ] && echo within || echo OVER)"
deb=$(ls sample/debs/busybox-static_*_mipsel.deb 2>/dev/null | head -1 || true)
if [ -n "$deb" ]; then
	mkdir -p "$work/bb"
	dpkg -x "$deb" "$work/bb"
	printf '%-44s %10d\n' "busybox-static:mipsel (for scale)" "$(stat -c %s "$work/bb/bin/busybox")"
fi
printf '%-44s %10d\n' "collect x86-64, musl, -Os, stripped" "$(stat -c %s "$work/collect-host")"

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
printf '%-52s %8s %10s\n' "run" "seconds" "peak RSS"
run() { # LABEL CMD...
	local label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
	read -r s k <"$work/time"
	printf '%-52s %8s %7s KiB\n' "$label" "$s" "$k"
}
run "collect (x86-64 musl) -o FILE" "$work/collect-host" --root "$r" -q -o "$work/b.tar"
rm -f "$work/b.tar"
run "collect (x86-64 musl) -o - > /dev/null" "$work/collect-host" --root "$r" -q -o -
run "collect (x86-64 musl) --twice -o - > /dev/null" "$work/collect-host" --root "$r" -q --twice -o -
run "busybox sha256sum of the same dumps" busybox sha256sum "$r"/dev/mtd0ro "$r"/dev/mtd1ro "$r"/dev/mtd2ro \
	"$r"/dev/mtd3ro "$r"/dev/mtd4ro "$r"/dev/mtd5ro
run "collect (mipsel) under qemu-mipsel -o - > /dev/null" qemu-mipsel "$work/collect-mipsel" --root "$r" -q -o -
echo "(qemu-mipsel's RSS is the emulator's, not the guest's; the x86-64 musl build is the same source and libc.)"
