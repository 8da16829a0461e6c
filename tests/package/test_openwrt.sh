#!/usr/bin/env bash
# contrib/openwrt/*/Makefile against the build it packages: every library
# meson.build links is a DEPENDS of the OpenWrt packages (by the OpenWrt package
# that provides it), libsquashfs, which OpenWrt's feeds lack, has its own Makefile,
# and every file the packages copy out of the install is one `meson install` makes.
# Environment: SRCDIR, BUILDDIR.
. "$SRCDIR/tests/lib.sh"
need meson jq
mk=$SRCDIR/contrib/openwrt/mtdscope/Makefile
sq=$SRCDIR/contrib/openwrt/squashfs-tools-ng/Makefile
ok "$([ -f "$mk" ] && [ -f "$sq" ]; echo $?)" "contrib/openwrt has the mtdscope and squashfs-tools-ng Makefiles"
# pkg-config or library name in meson.build -> the OpenWrt package that provides it
declare -A owrt=([zlib]=zlib [liblzma]=liblzma [libzstd]=libzstd [liblz4]=liblz4 [lzo2]=liblzo
	[libdeflate]=libdeflate [libsquashfs1]=libsquashfs [libcrypto]=libopenssl [ext2fs]=libext2fs
	[libarchive]=libarchive [fdt]=libfdt [bz2]=libbz2 [sqlite3]=libsqlite3 [libpq]=libpq [threads]= [m]=)
# a library behind a meson feature option may instead be turned off in MESON_ARGS
declare -A feature=([libpq]=postgresql)
names=$(sed -n "s/.*dependency('\([^']*\)'.*/\1/p; s/.*find_library('\([^']*\)'.*/\1/p" "$SRCDIR/meson.build" | sort -u)
ok "$([ "$(printf '%s\n' $names | wc -l)" -ge 10 ]; echo $?)" "meson.build's libraries read ($(printf '%s ' $names))"
# the DEPENDS lines of the Makefile, continuation lines joined
deps=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$mk" | sed -n 's/^ *DEPENDS:=//p' | tr ' \t' '\n\n' | sed -n 's/^+//p' | sort -u)
for n in $names; do
	if [ -z "${owrt[$n]+set}" ]; then
		ok 1 "meson.build uses '$n': name its OpenWrt package here and in DEPENDS"
		continue
	fi
	p=${owrt[$n]}
	[ -n "$p" ] || continue # from the C library
	if [ -n "${feature[$n]+set}" ] && grep -q -- "-D${feature[$n]}=disabled" "$mk"; then
		ok 0 "'$n' is turned off (-D${feature[$n]}=disabled)"
		continue
	fi
	ok "$(printf '%s\n' $deps | grep -qx "$p"; echo $?)" "'$n' is in DEPENDS as +$p"
done
ok "$(grep -q 'BuildPackage,libsquashfs' "$sq"; echo $?)" "libsquashfs is built by contrib/openwrt/squashfs-tools-ng"
like "$(sed -n 's/^PKG_VERSION:=//p' "$mk")" "^$(meson introspect "$BUILDDIR" --projectinfo | jq -r .version)\$" \
	"PKG_VERSION is the project's version"
ok "$(grep -q -- '-Dsample=false' "$mk"; echo $?)" "the package build turns the sample off (needs Debian's mipsel .debs)"
# every $(PKG_INSTALL_DIR)/usr/... path the Makefile copies is installed by meson (libdir as OpenWrt's lib)
prefix=$(meson introspect "$BUILDDIR" --buildoptions | jq -r '.[] | select(.name == "prefix") | .value')
libdir=$(meson introspect "$BUILDDIR" --buildoptions | jq -r '.[] | select(.name == "libdir") | .value')
meson introspect "$BUILDDIR" --installed | jq -r '.[]' | sed "s|^$prefix/||; s|^$libdir/|lib/|" >"$T/installed"
n=0
while read -r p; do
	n=$((n + 1))
	pat=${p#usr/}
	# a glob of the Makefile (*.h, .so*) matches at least one installed file
	if ! awk -v g="$pat" 'BEGIN { gsub(/\./, "\\.", g); gsub(/\*/, ".*", g); g = "^" g "$" } $0 ~ g { f = 1 } END { exit !f }' "$T/installed"; then
		ok 1 "the Makefile copies usr/$pat, which meson install does not make"
	fi
done < <(grep -o '\$(PKG_INSTALL_DIR)/usr/[^ ]*' "$mk" | sed 's|^\$(PKG_INSTALL_DIR)/||' | sort -u)
ok "$([ "$n" -ge 5 ]; echo $?)" "every one of the $n paths the Makefile copies is installed by meson"
done_testing
