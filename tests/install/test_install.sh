#!/usr/bin/env bash
# meson install --destdir: what a user or a packager gets, and a program built
# against it through pkg-config.  Environment from tests/install/meson.build:
# BUILDDIR, SRCDIR, CC, SANITIZE (b_sanitize of the build, empty for none),
# SAMPLE (the bundled sample, empty when the build has none).
. "$SRCDIR/tests/lib.sh"
need meson pkg-config readelf jq
root=$T/root
if ! meson install -C "$BUILDDIR" --destdir "$root" --no-rebuild --quiet >"$T/install.log" 2>&1; then
	sed 's/^/#   /' "$T/install.log" | tail -20
	ok 1 "meson install --destdir succeeds"
	done_testing
	exit 1
fi
ok 0 "meson install --destdir succeeds"

# every file meson says it installs is there
# (meson introspect --installed: build or source path -> installed path)
missing=$(meson introspect "$BUILDDIR" --installed | jq -r '.[]' | while read -r f; do
	[ -e "$root$f" ] || [ -L "$root$f" ] || echo "$f"
done)
is "$missing" "" "every file of meson introspect --installed is in the destdir"

# the shared library: real file, soname symlink, development symlink
so=$(find "$root" -name 'libmtdscope.so.0.*' -type f | head -1)
ok "$([ -n "$so" ]; echo $?)" "libmtdscope.so.0.<version> installed"
libdir=$(dirname "${so:-$root/none/x}")
is "$(readelf -d "$so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" "libmtdscope.so.0" "its soname is libmtdscope.so.0"
is "$(readlink "$libdir/libmtdscope.so.0")" "${so##*/}" "libmtdscope.so.0 -> ${so##*/}"
is "$(readlink "$libdir/libmtdscope.so")" "libmtdscope.so.0" "libmtdscope.so -> libmtdscope.so.0 (for -lmtdscope)"
ok "$([ -f "$libdir/libmtdscope.a" ]; echo $?)" "libmtdscope.a installed beside it"
# hidden visibility: the .so exports only mtd_ names, fewer than the static library defines
nexp=$(nm -D --defined-only "$so" | awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ && $3 !~ /^(__odr_asan|__asan_|__ubsan_)/' | wc -l)
nstatic=$(nm -g --defined-only "$libdir/libmtdscope.a" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ && $3 ~ /^mtd_/' | sort -u | wc -l)
nbad=$(nm -D --defined-only "$so" | awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ && $3 !~ /^(mtd_|__odr_asan|__asan_|__ubsan_)/' | wc -l)
is "$nbad" 0 "the .so exports no symbol outside mtd_"
ok "$([ "$nexp" -gt 0 ] && [ "$nexp" -lt "$nstatic" ]; echo $?)" "the .so exports the public API only ($nexp of the $nstatic global mtd_ symbols)"
# the whole check, in both directions, against the headers
check "scripts/check-symbols.sh: exports == declarations of the installed headers" \
	bash "$SRCDIR/scripts/check-symbols.sh" "$BUILDDIR"

# the headers: every public header of the tree, and version.h
incdir=$(find "$root" -type d -path '*/include/mtdscope' | head -1)
for h in "$SRCDIR"/include/mtdscope/*.h; do
	cmp -s "$h" "$incdir/${h##*/}"
	ok $? "header mtdscope/${h##*/} installed"
done
ok "$([ -f "$incdir/version.h" ]; echo $?)" "header mtdscope/version.h installed"
# each header compiles on its own (includes what it uses), as a user includes it
for h in "$incdir"/*.h; do
	printf '#include <mtdscope/%s>\n' "${h##*/}" >"$T/one.c"
	"$CC" -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$incdir/.." "$T/one.c" >"$T/one.log" 2>&1
	ok $? "mtdscope/${h##*/} compiles alone with -std=c11 -Wall -Wextra"
	[ $? -eq 0 ] || sed 's/^/#   /' "$T/one.log" | head -5
done

# pkg-config file
pc=$(find "$root" -name mtdscope.pc | head -1)
ok "$([ -n "$pc" ]; echo $?)" "mtdscope.pc installed"
export PKG_CONFIG_PATH=$(dirname "${pc:-$root/x/x}") PKG_CONFIG_SYSROOT_DIR=$root
is "$(pkg-config --modversion mtdscope 2>&1)" "$(meson introspect "$BUILDDIR" --projectinfo | jq -r .version)" \
	"pkg-config --modversion mtdscope is the project version"

# man pages (from conv's generator) and completions, whatever the build installs
man=$(find "$root" -path '*/man/man1/mtdscope*.1*' | wc -l)
ok "$([ "$man" -ge 1 ]; echo $?)" "man pages installed under share/man/man1 ($man)"
if [ -d "$SRCDIR/completion" ] || [ -d "$SRCDIR/doc/completion" ] || grep -rqs completion "$SRCDIR/doc/meson.build"; then
	comp=$(find "$root" -path '*completion*' -type f | wc -l)
	ok "$([ "$comp" -ge 1 ]; echo $?)" "shell completions installed ($comp)"
fi

# a program of a user, built with pkg-config against the destdir
flags=()
[ -z "$SANITIZE" ] || flags=(-fsanitize="$SANITIZE")
cflags=$(pkg-config --cflags mtdscope) && libs=$(pkg-config --libs mtdscope)
ok $? "pkg-config --cflags --libs mtdscope"
# shellcheck disable=SC2086
"$CC" -std=c11 -Wall -Wextra -Werror "${flags[@]}" "$SRCDIR/tests/install/scan_example.c" -o "$T/scan_example" \
	$cflags $libs >"$T/cc.log" 2>&1
ok $? "scan_example.c builds with \$(pkg-config --cflags --libs mtdscope): $cflags $libs"
sed 's/^/#   /' "$T/cc.log" | head -10
export LD_LIBRARY_PATH=$libdir
like "$(ldd "$T/scan_example" 2>&1 | grep libmtdscope)" "^[[:space:]]*libmtdscope\.so\.0 => $libdir/libmtdscope\.so\.0 " \
	"scan_example runs with the installed libmtdscope.so.0"

img=$SAMPLE
if [ -z "$img" ] || [ ! -f "$img" ]; then
	need mkimage gzip
	head -c 200000 "$SRCDIR/README.md" "$SRCDIR"/src/lib/*/*.c 2>/dev/null | gzip -9n >"$T/payload.gz"
	mkimage -A mips -O linux -T kernel -C gzip -a 0x80000000 -e 0x80000000 -n test -d "$T/payload.gz" \
		"$T/img" >/dev/null
	img=$T/img
fi
"$T/scan_example" "$img" >"$T/lib.json" 2>"$T/lib.err"
ok $? "scan_example scans ${img##*/}"
sed 's/^/#   /' "$T/lib.err" | head -5
bin=$(find "$root" -path '*/bin/mtdscope' -type f | head -1)
like "$(ldd "$bin" 2>&1 | grep libmtdscope)" "=> $libdir/libmtdscope\.so\.0 " "the installed mtdscope links the installed library"
"$bin" scan --json "$img" >"$T/cli.json" 2>"$T/cli.err"
ok $? "the installed mtdscope scans ${img##*/}"
# the CLI's document may carry members of its own (a schema version): compare the components
is "$(jq -S '.components' "$T/lib.json" 2>&1 | sha256sum)" "$(jq -S '.components' "$T/cli.json" 2>&1 | sha256sum)" \
	"the library's scan is the CLI's (components of scan --json)"
n=$(jq '.components | length' "$T/lib.json" 2>/dev/null || echo 0)
ok "$([ "$n" -ge 2 ]; echo $?)" "the scan found the image's components ($n)"
done_testing
