#!/usr/bin/env bash
# mtdscope --version: the program's version, then each library in use with its version,
# checked against what the system's packages say (pkg-config, the .so the binary loads).
. "$SRCDIR/tests/lib.sh"
export ASAN_OPTIONS=detect_leaks=0
need python3
out=$("$MTDSCOPE" --version)
ok $? "mtdscope --version exits 0"
want=$(sed -n "s/^ *version : '\([^']*\)'.*/\1/p" "$SRCDIR/meson.build" | head -1)
is "$(printf '%s\n' "$out" | head -1)" "mtdscope $want" "first line: mtdscope and the project's version"
libver() { printf '%s\n' "$out" | awk -v n="$1" '$1 == n { print $2 }'; }
for pair in zlib:zlib liblzma:liblzma libzstd:libzstd liblz4:liblz4 lzo2:lzo2 libsquashfs:libsquashfs1 \
	libdeflate:libdeflate libext2fs:ext2fs libcrypto:libcrypto; do
	name=${pair%%:*} pc=${pair#*:}
	if command -v pkg-config >/dev/null && pkg-config --exists "$pc"; then
		is "$(libver "$name")" "$(pkg-config --modversion "$pc")" "$name: the version pkg-config reports"
	else
		ok 0 "# SKIP $name: pkg-config has no $pc"
	fi
done
fdt=$(libver libfdt)
so=$(ldd "$MTDSCOPE" 2>/dev/null | awk '/libfdt/ { print $3 }')
if [ -n "$so" ]; then
	real=$(basename "$(readlink -f "$so")")
	is "libfdt-$fdt.so" "$real" "libfdt: the version of the loaded $real"
else
	is "$fdt" unknown "libfdt linked statically: unknown"
fi
json=$("$MTDSCOPE" --version --json)
ok $? "mtdscope --version --json exits 0"
printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == "mtdscope.version/1", d["schema"]
assert d["program"] == "mtdscope"
names = [l["name"] for l in d["libraries"]]
for n in ("zlib", "liblzma", "libzstd", "liblz4", "lzo2", "libsquashfs", "libfdt", "libext2fs"):
    assert n in names, n
for l in d["libraries"]:
    assert set(l) == {"name", "version", "source"}, l
    assert l["source"] in ("runtime", "compile-time", "file-name", "unknown"), l
' 2>"$T/err"
ok $? "--version --json: schema, program, every library with name, version, source"
[ -s "$T/err" ] && sed 's/^/#   /' "$T/err"
text_libs=$(printf '%s\n' "$out" | sed 1d | awk '{print $1 "=" $2}')
json_libs=$(printf '%s' "$json" | python3 -c 'import json,sys; [print(l["name"] + "=" + l["version"]) for l in json.load(sys.stdin)["libraries"]]')
is "$json_libs" "$text_libs" "--json lists the same libraries and versions as the text"
done_testing
