#!/usr/bin/env bash
# The library and the CLI cross-build for mipsel with cross/mipsel-linux-gnu.ini
# (Debian's gcc-mipsel-linux-gnu and the sysroot scripts/cross-sysroot.sh makes
# from Debian's own mipsel -dev packages), and the cross-built mtdscope, run under
# qemu-mipsel, says exactly what the native one says: on images made here with the
# real tools, on the bundled sample, and past 4 GiB (a 32-bit size_t with 64-bit
# file offsets).  Environment from tests/cross/meson.build: SRCDIR, BUILDDIR,
# MTDSCOPE (the native binary), SAMPLE (empty when the build has no sample).
. "$SRCDIR/tests/lib.sh"
need mipsel-linux-gnu-gcc qemu-mipsel meson ninja pkg-config readelf jq mksquashfs mkimage mkenvimage lzma xz unsquashfs
sysroot=$SRCDIR/cross/sysroot-mipsel
if [ ! -f "$sysroot/.complete" ]; then
	# data the build needs, made by setup.sh: its absence is a setup bug, not a skip
	ok 1 "the mipsel sysroot exists ($sysroot: run scripts/setup.sh or scripts/cross-sysroot.sh mipsel)"
	done_testing
	exit 1
fi
# Our own constants file (kept beside the build: meson rereads it when it regenerates):
# the committed cross file with this tree's sysroot.
b=$BUILDDIR/cross-mipsel
ini=$BUILDDIR/cross-mipsel-sysroot.ini
printf "[constants]\nsysroot = '%s'\n" "$sysroot" >"$ini"
if [ ! -f "$b/build.ninja" ]; then
	rm -rf "$b"
	meson setup --cross-file "$ini" --cross-file "$SRCDIR/cross/mipsel-linux-gnu.ini" \
		-Dsample=false -Dbuildtype=release "$b" "$SRCDIR" >"$T/setup.log" 2>&1
	st=$?
else
	meson setup --reconfigure --cross-file "$ini" --cross-file "$SRCDIR/cross/mipsel-linux-gnu.ini" \
		"$b" "$SRCDIR" >"$T/setup.log" 2>&1
	st=$?
fi
ok $st "meson setup with cross/mipsel-linux-gnu.ini"
[ $st -eq 0 ] || { tail -15 "$T/setup.log" | sed 's/^/#   /'; done_testing; exit 1; }
ninja -C "$b" -j2 src/cli/mtdscope libmtdscope.a >"$T/build.log" 2>&1
st=$?
ok $st "the library (shared and static) and the CLI cross-build"
[ $st -eq 0 ] || { tail -15 "$T/build.log" | sed 's/^/#   /'; done_testing; exit 1; }
is "$(grep -c 'warning:' "$T/build.log")" 0 "the cross build has no compiler warning"
x=$b/src/cli/mtdscope
elf() { readelf -h "$1" 2>/dev/null | sed -n 's/^ *\(Class\|Data\|Type\|Machine\): *//p' | tr '\n' ' '; }
like "$(elf "$x")" '^ELF32 2.s complement, little endian (DYN|EXEC) .*MIPS' "the CLI is a 32-bit little-endian MIPS executable"
like "$(elf "$b/libmtdscope.so.0")" '^ELF32 2.s complement, little endian DYN .*MIPS' "libmtdscope.so is a 32-bit little-endian MIPS shared object"
mips() { qemu-mipsel -L "$sysroot" "$x" "$@"; }
like "$(mips --version 2>&1)" '^mtdscope [0-9]' "it runs under qemu-mipsel (--version)"

# An image made by the real tools: U-Boot env, LZMA uImage, xz squashfs, each on a 64 KiB boundary.
mkdir -p "$T/root/etc" "$T/root/bin"
for i in $(seq 1 40); do printf 'file %d of the rootfs\n' "$i" >"$T/root/etc/f$i.conf"; done
head -c 300000 /dev/urandom >"$T/root/bin/blob"
ln -s f1.conf "$T/root/etc/link"
mksquashfs "$T/root" "$T/rootfs.sqfs" -comp xz -noappend -quiet >/dev/null 2>&1
printf 'bootcmd=bootm 0x9f050000\nbaudrate=57600\nethaddr=00:0c:43:76:28:01\n' >"$T/env.txt"
mkenvimage -s 0x1000 -o "$T/env.bin" "$T/env.txt"
head -c 600000 /dev/urandom | base64 >"$T/kernel"
lzma -c "$T/kernel" >"$T/kernel.lzma"
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n 'cross test kernel' \
	-d "$T/kernel.lzma" "$T/uImage" >/dev/null
pad() { # pad FILE SIZE: FILE grown with 0xff to SIZE
	local n; n=$(stat -c %s "$1")
	head -c $(($2 - n)) /dev/zero | tr '\0' '\377' >>"$1"
}
img=$T/flash.bin
cp "$T/env.bin" "$img"; pad "$img" 65536
cat "$T/uImage" >>"$img"; pad "$img" $(( ( ($(stat -c %s "$img") + 65535) / 65536) * 65536 ))
cat "$T/rootfs.sqfs" >>"$img"; pad "$img" $(( ( ($(stat -c %s "$img") + 65535) / 65536) * 65536 + 65536 ))

same() { # same DESCRIPTION ARGS...: native and mipsel print the same, both succeed
	local d=$1; shift
	"$MTDSCOPE" "$@" >"$T/native.out" 2>&1; local n=$?
	mips "$@" >"$T/mips.out" 2>&1; local m=$?
	if [ $n -eq $m ] && cmp -s "$T/native.out" "$T/mips.out" && [ -s "$T/native.out" ]; then
		ok 0 "$d"
	else
		ok 1 "$d (exit native $n, mipsel $m)"
		diff "$T/native.out" "$T/mips.out" | head -10 | sed 's/^/#   /'
	fi
}
same "scan --json: mipsel == native on the made image" scan --json "$img"
same "scan (text): mipsel == native" scan "$img"
like "$(mips scan --json "$img" | jq -r '[.components[].type] | join(" ")')" 'uboot.?env.*uimage.*squashfs' \
	"the mipsel scan finds the env, the uImage and the squashfs"
same "extract --list: mipsel == native" extract --list "$T/rootfs.sqfs"
# extraction through libsquashfs on a 32-bit host: the tree equals what unsquashfs extracts
unsquashfs -d "$T/ref" "$T/rootfs.sqfs" >/dev/null 2>&1
mips extract -C "$T/ex" "$T/rootfs.sqfs" >"$T/ex.log" 2>&1
st=$?
ok $st "mipsel extract of the squashfs succeeds"
got=$(find "$T/ex" -type f -name blob -exec sha256sum {} + | cut -d' ' -f1)
is "$got" "$(sha256sum <"$T/root/bin/blob" | cut -d' ' -f1)" "the extracted blob equals the original"
# the same tree as unsquashfs's: names, types, symlink targets and file contents
tree() { (cd "$1" && find . -mindepth 1 -printf '%P %y %l\n' | sort && find . -type f -exec sha256sum {} + | sort -k2); }
root=$(find "$T/ex" -maxdepth 2 -type d -name root | head -1)
is "$(tree "${root:-$T/none}")" "$(tree "$T/ref")" "the extracted tree equals unsquashfs's (names, types, links, contents)"
# A 32-bit host maps the whole input: 512 MiB + a uImage works (offsets above 2^29 in a
# 32-bit size_t), and an input past 4 GiB is refused with one line naming the file.
mid=$T/mid.bin
truncate -s $((512 * 1024 * 1024)) "$mid"
cat "$T/uImage" >>"$mid"
want=$((512 * 1024 * 1024))
got=$(mips scan --json "$mid" 2>"$T/mid.err" | jq -r '[.components[] | select(.type == "uimage") | .offset] | join(",")')
is "$got" "$want" "a 512 MiB input on the 32-bit build: the uImage at $want"
rm -f "$mid"
big=$T/big.bin
truncate -s $((4 * 1024 * 1024 * 1024 + 65536)) "$big"
mips scan "$big" >"$T/big.out" 2>"$T/big.err"
st=$?
is "$st" 1 "past 4 GiB on the 32-bit build: exit status 1"
like "$(cat "$T/big.err")" "^mtdscope: $big: is too large to map \\(4295032832 bytes\\)\$" \
	"and one line naming the file and its size"
is "$(wc -l <"$T/big.err")" 1 "one line only"
if [ -n "${SAMPLE:-}" ] && [ -f "$SAMPLE" ]; then
	same "scan --json of the bundled sample: mipsel == native" scan --json "$SAMPLE"
fi
done_testing
