#!/usr/bin/env bash
# The Debian packages of debian/: built in a copy of the tree with
# DEB_BUILD_OPTIONS="nocheck parallel=2", checked by lintian (no error), unpacked
# with dpkg -x into a scratch root, and the packaged mtdscope run from there.
. "$SRCDIR/tests/lib.sh"
need dpkg-buildpackage dh dpkg-deb tar mkimage gzip jq
src=$T/src/mtdscope
mkdir -p "$src"
# the tree without build directories, logs, the sample's .debs or .git
(cd "$SRCDIR" && tar --exclude='./build*' --exclude=./sample/debs --exclude=./.git -cf - .) | tar -xf - -C "$src"
(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
rc=$?
ok $rc "dpkg-buildpackage -us -uc -b"
[ $rc -eq 0 ] || { tail -30 "$T/build.log" | sed 's/^/#   /'; done_testing; exit 1; }
for p in mtdscope libmtdscope0 libmtdscope-dev; do
	deb=$(ls "$T/src/${p}_"*.deb 2>/dev/null | head -1)
	ok "$([ -n "$deb" ]; echo $?)" "package $p built (${deb##*/}, $(stat -c %s "$deb" 2>/dev/null) bytes)"
done
if command -v lintian >/dev/null; then
	lintian --tag-display-limit 0 "$T"/src/*.changes >"$T/lintian.log" 2>&1
	nerr=$(grep -c '^E: ' "$T/lintian.log")
	is "$nerr" 0 "lintian: no errors ($(grep -c '^W: ' "$T/lintian.log") warnings)"
	grep -E '^[EW]: ' "$T/lintian.log" | sed 's/^/#   /'
fi
root=$T/root
for d in "$T"/src/*.deb; do dpkg -x "$d" "$root"; done
libdir=$(dirname "$(find "$root" -name 'libmtdscope.so.0' | head -1)")
like "$(readlink "$libdir/libmtdscope.so.0")" '^libmtdscope\.so\.0\.[0-9.]+$' "libmtdscope0 ships libmtdscope.so.0 -> libmtdscope.so.0.<version>"
ok "$([ -f "$root/usr/include/mtdscope/scan.h" ] && [ -f "$libdir/pkgconfig/mtdscope.pc" ]; echo $?)" \
	"libmtdscope-dev ships the headers and mtdscope.pc"
ok "$([ -f "$root/usr/share/man/man1/mtdscope-scan.1.gz" ]; echo $?)" "mtdscope ships the man pages"
bin=$root/usr/bin/mtdscope
head -c 200000 "$SRCDIR"/src/lib/*/*.c | gzip -9n >"$T/payload.gz"
mkimage -A mips -O linux -T kernel -C gzip -a 0x80000000 -e 0x80000000 -n pkgtest -d "$T/payload.gz" "$T/img" >/dev/null
export LD_LIBRARY_PATH=$libdir
like "$(ldd "$bin" | grep libmtdscope)" "=> $libdir/libmtdscope\.so\.0 " "the packaged mtdscope uses the packaged library"
"$bin" scan --json "$T/img" >"$T/scan.json" 2>"$T/scan.err"
ok $? "the packaged mtdscope scans an image"
is "$(jq -r '.components[0].type' "$T/scan.json")" "uimage" "and finds the uImage"
done_testing
