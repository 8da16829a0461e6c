#!/usr/bin/env bash
# collect for the router: the static mipsel build (cross/mipsel-linux-musl.ini against Debian's
# musl-dev:mipsel, scripts/cross-musl.sh) is a static MIPS32 little-endian executable within
# 150 KiB stripped, and run under qemu-mipsel on the device tree of collect_lib.sh it writes
# the same members as the native build (every dump, log and SHA-256), over a file and TFTP.
# Environment from tests/collect/meson.build: SRCDIR, BUILDDIR, COLLECT (native), MTDSCOPE.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/collect/collect_lib.sh"
need mipsel-linux-gnu-gcc mipsel-linux-gnu-strip qemu-mipsel meson ninja readelf mkenvimage mkimage mksquashfs mkfs.jffs2 lzma jq tar
[ -f /usr/lib/u-boot/maltael/u-boot.bin ] || skip_all "u-boot-qemu not installed (run scripts/setup.sh)"
musl=$SRCDIR/cross/musl-mipsel
if [ ! -f "$musl/.complete" ]; then
	ok 1 "the mipsel musl sysroot exists ($musl: run scripts/setup.sh or scripts/cross-musl.sh mipsel)"
	done_testing
	exit 1
fi
b=$BUILDDIR/collect-mipsel
ini=$BUILDDIR/collect-mipsel-musl.ini
printf "[constants]\nmusl = '%s'\n" "$musl" >"$ini"
if [ ! -f "$b/build.ninja" ]; then
	rm -rf "$b"
	meson setup --cross-file "$ini" --cross-file "$SRCDIR/cross/mipsel-linux-musl.ini" -Dcollect_only=true \
		-Dbuildtype=minsize "$b" "$SRCDIR" >"$T/setup.log" 2>&1
else
	meson setup --reconfigure --cross-file "$ini" --cross-file "$SRCDIR/cross/mipsel-linux-musl.ini" \
		"$b" "$SRCDIR" >"$T/setup.log" 2>&1
fi
st=$?
ok $st "meson setup -Dcollect_only=true with cross/mipsel-linux-musl.ini"
[ $st -eq 0 ] || { tail -15 "$T/setup.log" | sed 's/^/#   /'; done_testing; exit 1; }
ninja -C "$b" >"$T/build.log" 2>&1
st=$?
ok $st "collect cross-builds against musl"
[ $st -eq 0 ] || { tail -15 "$T/build.log" | sed 's/^/#   /'; done_testing; exit 1; }
is "$(grep -c 'warning:' "$T/build.log")" 0 "without a compiler warning"
x=$b/src/collect/collect
like "$(readelf -h "$x" | sed -n 's/^ *\(Class\|Data\|Type\|Machine\): *//p' | tr '\n' ' ')" \
	'^ELF32 2.s complement, little endian EXEC .*MIPS' "a 32-bit little-endian MIPS executable"
is "$(readelf -l "$x" | grep -c -E 'INTERP|DYNAMIC')" 0 "static: no interpreter, no dynamic section"
mipsel-linux-gnu-strip -o "$T/collect.stripped" "$x"
size=$(stat -c %s "$T/collect.stripped")
echo "# collect mipsel (musl, -Os, stripped): $size bytes"
ok $([ "$size" -le $((150 * 1024)) ]; echo $?) "stripped size $size <= 150 KiB"
like "$(qemu-mipsel "$x" --version)" '^collect [0-9]' "it runs under qemu-mipsel (no -L: static)"

make_root "$T/root"
"$COLLECT" --root "$T/root" --klog "$KLOG" -q -o "$T/native.tar" 2>"$T/native.err"
ok $? "the native collect writes its bundle"
qemu-mipsel "$T/collect.stripped" --root "$T/root" --klog "$KLOG" --twice -o "$T/mips.tar" 2>"$T/mips.err"
st=$?
ok $st "the mipsel collect writes its bundle (--twice)"
[ $st -eq 0 ] || sed 's/^/#   /' "$T/mips.err"
mkdir "$T/n" "$T/m"
tar xf "$T/native.tar" -C "$T/n" && tar xf "$T/mips.tar" -C "$T/m"
is "$(tar tf "$T/mips.tar" | tr '\n' ' ')" "$(tar tf "$T/native.tar" | tr '\n' ' ')" "the same members in the same order"
diff -r -x manifest.json -x SHA256SUMS "$T/n" "$T/m" >"$T/diff" 2>&1
ok $? "every member but the manifest and SHA256SUMS byte-identical to the native build's"
head -5 "$T/diff" | sed 's/^/#   /'
check "sha256sum -c accepts the mipsel bundle's SHA256SUMS" sh -c "cd '$T/m/collect' && sha256sum -c --quiet SHA256SUMS"
is "$(jq -c '[.mtd[] | del(.sha256_second, .stable)]' "$T/m/collect/manifest.json")" \
	"$(jq -c '.mtd' "$T/n/collect/manifest.json")" "the manifests' MTD entries agree"
is "$(jq -r '[.mtd[] | .stable] | unique | join(",")' "$T/m/collect/manifest.json")" true "--twice: every partition stable"
is "$(jq -r .uname.machine "$T/m/collect/manifest.json")" mips "uname says mips"
if [ -n "${MTDSCOPE:-}" ]; then
	. "$SRCDIR/tests/net/net_lib.sh"
	mkdir -p "$T/srv" "$T/up"
	serve_start "$T/srv" --upload "$T/up" --upload-max 64M -q
	qemu-mipsel "$T/collect.stripped" --root "$T/root" --klog "$KLOG" -q --tftp "127.0.0.1:$PORT" 2>"$T/tftp.err"
	ok $? "the mipsel collect uploads by TFTP to mtdscope serve --upload"
	serve_stop
	up=$(ls "$T/up" | head -1)
	like "$up" '^collect-[A-Za-z0-9_-]+\.tar$' "under its default name collect-HOSTNAME.tar"
	like "$(cat "$T/tftp.err")" "sha256 $(sha256sum "$T/up/$up" 2>/dev/null | cut -d' ' -f1)\$" "with the SHA-256 collect printed"
fi
done_testing
