#!/usr/bin/env bash
# collect for the router, per architecture: test_collect_cross.sh ARCH (mipsel, armhf, armel,
# arm64).  The static build (cross/ARCH-linux-musl.ini against Debian's musl-dev:ARCH,
# scripts/cross-musl.sh, -Werror) is a static executable of ARCH's class, byte order and machine
# within 150 KiB stripped, and run under qemu user mode (the oldest CPU of the Debian ABI) on the
# device tree of collect_lib.sh it writes the same members as the native build (every dump, log
# and SHA-256), which the host's mtdscope verifies, over a file and TFTP.
# Environment from tests/collect/meson.build: SRCDIR, BUILDDIR, COLLECT (native), MTDSCOPE.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/collect/collect_lib.sh"
arch=${1:?usage: test_collect_cross.sh ARCH}
collect_arch "$arch" || exit 1
need_tree meson ninja readelf jq tar
musl=$SRCDIR/cross/musl-$arch
if [ ! -f "$musl/.complete" ]; then
	ok 1 "the $arch musl sysroot exists ($musl: run scripts/setup.sh or scripts/cross-musl.sh $arch)"
	done_testing
	exit 1
fi
build_collect "$arch"
st=$?
ok $([ $st -ne 1 ]; echo $?) "meson setup -Dcollect_only=true with cross/$arch-linux-musl.ini"
[ $st -ne 1 ] || { tail -15 "$T/setup.log" | sed 's/^/#   /'; done_testing; exit 1; }
ok $st "collect cross-builds against musl with -Werror"
[ $st -eq 0 ] || { tail -15 "$T/build.log" | sed 's/^/#   /'; done_testing; exit 1; }
x=$XCOLLECT
is "$(grep -c 'warning:' "$T/build.log")" 0 "without a compiler warning"
like "$(readelf -h "$x" | sed -n 's/^ *\(Class\|Data\|Type\|Machine\): *//p' | tr '\n' ' ')" \
	"$XELF" "a $arch executable ($XELF)"
is "$(readelf -l "$x" | grep -c -E 'INTERP|DYNAMIC')" 0 "static: no interpreter, no dynamic section"
if [ -n "$XFLOAT" ]; then
	f=$(readelf -A "$x" | sed -n 's/^ *Tag_ABI_VFP_args: *//p')
	is "${f:-none}" "$XFLOAT" "floating-point arguments passed as the $arch ABI says ($XFLOAT)"
fi
"$XTRIPLET-strip" -o "$T/collect.stripped" "$x"
size=$(stat -c %s "$T/collect.stripped")
echo "# collect $arch (musl, -Os, stripped): $size bytes"
ok $([ "$size" -le $((150 * 1024)) ]; echo $?) "stripped size $size <= 150 KiB"
export QEMU_CPU=$XCPU
like "$("$XQEMU" "$x" --version)" '^collect [0-9]' "it runs under $XQEMU on a $XCPU (no -L: static)"

make_root "$T/root"
"$COLLECT" --root "$T/root" --klog "$KLOG" -q -o "$T/native.tar" 2>"$T/native.err"
ok $? "the native collect writes its bundle"
"$XQEMU" "$T/collect.stripped" --root "$T/root" --klog "$KLOG" --twice -o "$T/x.tar" 2>"$T/x.err"
st=$?
ok $st "the $arch collect writes its bundle (--twice)"
[ $st -eq 0 ] || sed 's/^/#   /' "$T/x.err"
mkdir "$T/n" "$T/m"
tar xf "$T/native.tar" -C "$T/n" && tar xf "$T/x.tar" -C "$T/m"
is "$(tar tf "$T/x.tar" | tr '\n' ' ')" "$(tar tf "$T/native.tar" | tr '\n' ' ')" "the same members in the same order"
diff -r -x manifest.json -x SHA256SUMS "$T/n" "$T/m" >"$T/diff" 2>&1
ok $? "every member but the manifest and SHA256SUMS byte-identical to the native build's"
head -5 "$T/diff" | sed 's/^/#   /'
check "sha256sum -c accepts the $arch bundle's SHA256SUMS" sh -c "cd '$T/m/collect' && sha256sum -c --quiet SHA256SUMS"
is "$(jq -c '[.mtd[] | del(.sha256_second, .stable)]' "$T/m/collect/manifest.json")" \
	"$(jq -c '.mtd' "$T/n/collect/manifest.json")" "the manifests' MTD entries agree"
is "$(jq -r '[.mtd[] | .stable] | unique | join(",")' "$T/m/collect/manifest.json")" true "--twice: every partition stable"
is "$(jq -r .uname.machine "$T/m/collect/manifest.json")" "$XUNAME" "uname says $XUNAME"
if [ -n "${MTDSCOPE:-}" ]; then
	# the host reads the bundle back: verify's SHA-256 of each dump is that of the device's partition
	"$MTDSCOPE" verify --json "$T/x.tar" >"$T/v.json" 2>"$T/v.err"
	st=$?
	ok $st "the host's mtdscope verify accepts the $arch bundle"
	[ $st -eq 0 ] || sed 's/^/#   /' "$T/v.err" | head -5
	want=$(for i in 0 1 2 3 4 5; do sha256sum <"$T/root/dev/mtd${i}ro" | cut -d' ' -f1; done | tr '\n' ' ')
	is "$(jq -r '.partitions[].sha256' "$T/v.json" | tr '\n' ' ')" "$want" \
		"verify's SHA-256 of every dump equals the partition's on the device tree"
	. "$SRCDIR/tests/net/net_lib.sh"
	mkdir -p "$T/srv" "$T/up"
	serve_start "$T/srv" --upload "$T/up" --upload-max 64M -q
	"$XQEMU" "$T/collect.stripped" --root "$T/root" --klog "$KLOG" -q --tftp "127.0.0.1:$PORT" 2>"$T/tftp.err"
	ok $? "the $arch collect uploads by TFTP to mtdscope serve --upload"
	serve_stop
	up=$(ls "$T/up" | head -1)
	like "$up" '^collect-[A-Za-z0-9_-]+\.tar$' "under its default name collect-HOSTNAME.tar"
	like "$(cat "$T/tftp.err")" "sha256 $(sha256sum "$T/up/$up" 2>/dev/null | cut -d' ' -f1)\$" "with the SHA-256 collect printed"
	bad=
	for i in 0 1 2 3 4 5; do
		tar xOf "$T/up/$up" "collect/mtd/mtd${i}ro" 2>/dev/null | cmp -s - "$T/root/dev/mtd${i}ro" || bad="$bad mtd$i"
	done
	is "${bad:-none}" none "every dump in the uploaded bundle equals the device's partition, byte for byte"
fi
done_testing
