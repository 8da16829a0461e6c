#!/usr/bin/env bash
# The bundled sample (sample/README.md): every component at its known offset with
# the right type and validity, and each carved piece read back by its own tool
# (dumpimage -l, lzma -d, unsquashfs -s, fw_printenv -c, jffs2dump -c).
. "$SRCDIR/tests/lib.sh"
need jq dumpimage unsquashfs fw_printenv jffs2dump lzma cpio dtc

S="$BUILDDIR/sample/sample.bin"
[ -r "$S" ] || skip_all "no $S (run scripts/setup.sh, then ninja)"
UBOOT=/usr/lib/u-boot/maltael/u-boot.bin

carve() { # OFFSET SIZE OUT
	tail -c +$(($1 + 1)) "$S" | head -c $(($2)) >"$3"
}
# the top-level component (not a gap) starting at OFFSET, as compact JSON ("null" if none)
comp() {
	jq -c --argjson o $(($1)) '[.components[] | select(.space == null and .parent == null and .offset == $o
		and (.type | IN("erased", "zero", "random", "unknown") | not))][0]' "$T/scan.json"
}
has() { # TEXT FIXED_STRING DESCRIPTION
	if [ -n "$2" ] && printf '%s' "$1" | grep -qF -- "$2"; then ok 0 "$3"; else ok 1 "$3"; printf '%s\n' "$1" | head -10 | sed 's/^/#   got: /'; echo "#   want: $2"; fi
}
field() { printf '%s' "$1" | jq -r "$2"; }
# "key=value" for every string or number detail, plus every list entry
detail_strings() { printf '%s' "$1" | jq -r '.details | to_entries[] |
	if (.value | type) == "array" then .value[] else "\(.key)=\(.value)" end'; }
# one check per known component: type, validity, and (when SIZE is given) exact extent
component() { # OFFSET TYPE SIZE|"" NAME
	local c; c=$(comp "$1")
	is "$(field "$c" .type)" "$2" "$4 at $1 is $2"
	is "$(field "$c" .valid)" true "$4 is valid"
	is "$(field "$c" '.problems | length')" 0 "$4 has no problems"
	[ -z "$3" ] || is "$(field "$c" .size)" "$(($3))" "$4 extent is $(($3)) bytes"
}

"$MTDSCOPE" scan --json "$S" >"$T/scan.json"; ok $? "scan --json exits 0"
is "$(jq -r .size "$T/scan.json")" 8388608 "size is 8 MiB"
is "$(jq -r .byteswapped "$T/scan.json")" false "not byte-swapped"
is "$(jq '[.components[] | select(.parent == null and .space == null) | .size] | add' "$T/scan.json")" 8388608 \
	"top-level components cover every byte"
is "$(jq '[.components[] | select(.parent == null and .space == null) | .type | select(IN("unknown", "random"))] | length' \
	"$T/scan.json")" 0 "no unknown or random bytes at top level: everything accounted for"
is "$(jq '[.components[] | .id] == [range(0; .components | length)]' "$T/scan.json")" true "ids are 0..n-1 in order"
# nothing in a clean image fails a check: an invalid component here is a false positive
bad=$(jq -r '.components[] | select(.valid | not) |
	"\(.type) at \(.offset) in space \(.space // "file") (parent \(.parent)): \(.problems[0] // "")"' "$T/scan.json")
if [ -z "$bad" ]; then ok 0 "every component of the sample is valid"; else
	ok 1 "every component of the sample is valid"; printf '%s\n' "$bad" | head -10 | sed 's/^/#   invalid: /'; fi
cmp -s "$BUILDDIR/sample/layout.txt" "$SRCDIR/sample/layout.txt"; ok $? "build/sample/layout.txt equals sample/layout.txt"

# ---- u-boot: the Malta U-Boot with its appended device tree ----
component 0x0 uboot "$(stat -c %s "$UBOOT")" "u-boot"
ver=$(strings "$UBOOT" | grep -m1 -E '^U-Boot 20[0-9]{2}' | sed 's/ (.*//; s/^U-Boot //')
c=$(comp 0)
has "$(detail_strings "$c")" "$ver" "u-boot version '$ver' reported"

# ---- u-boot-env: mkenvimage 0x1000, read back by fw_printenv ----
component 0x50000 uboot-env 0x1000 "u-boot-env"
c=$(comp 0x50000)
carve 0x50000 "$(field "$c" '.size // 0')" "$T/env.bin"
printf '%s 0x0 0x1000 0x10000\n' "$T/env.bin" >"$T/fw_env.config"
fw_printenv -c "$T/fw_env.config" >"$T/env.tool" 2>&1; ok $? "fw_printenv reads the carved environment"
is "$(field "$c" '.details.vars // 0')" "$(wc -l <"$T/env.tool")" "variable count as fw_printenv"
# every variable the details show has fw_printenv's value, and the ones that matter are shown
detail_strings "$c" | grep -v -E '^(env_size|redundant|crc_ok|crc|vars|flag)=' | sort >"$T/env.ours"
wrong=$(comm -23 "$T/env.ours" <(sort "$T/env.tool"))
if [ -z "$wrong" ]; then ok 0 "environment values as fw_printenv"; else
	ok 1 "environment values as fw_printenv"; printf '%s\n' "$wrong" | sed 's/^/#   not in fw_printenv: /'; fi
for v in bootcmd bootargs ipaddr serverip; do
	has "$(cat "$T/env.ours")" "$(grep "^$v=" "$T/env.tool")" "$v shown as fw_printenv prints it"
done

# ---- factory: MT7628 EEPROM (hand-made: no tool makes one) ----
component 0x60000 mtk-eeprom 0x400 "factory EEPROM"
c=$(comp 0x60000)
like "$(detail_strings "$c")" '(^|=)(0x)?(7628|30248)$|MT7628' "chip 0x7628 reported"
for mac in 00:0c:43:e1:76:28 00:0c:43:e1:76:29 00:0c:43:e1:76:2a; do
	like "$(detail_strings "$c" | tr 'A-F' 'a-f')" "$mac" "MAC $mac reported"
done

# ---- kernel: uImage (lzma) of the mipsel Malta kernel, read back by dumpimage ----
component 0x70000 uimage "" "kernel uImage"
c=$(comp 0x70000)
size=$(field "$c" '.size // 0')
carve 0x70000 "$size" "$T/uImage"
dumpimage -l "$T/uImage" >"$T/dumpimage.txt" 2>&1; ok $? "dumpimage -l accepts the carved uImage"
dsize=$(sed -n 's/^Data Size: *\([0-9]*\) Bytes.*/\1/p' "$T/dumpimage.txt")
is "$size" "$((dsize + 64))" "uImage extent is header + Data Size ($dsize)"
is "$(field "$c" .details.name)" "$(sed -n 's/^Image Name: *//p' "$T/dumpimage.txt")" "uImage name as dumpimage"
is "$(printf '%x' "$(field "$c" '.details.load // 0')")" "$(sed -n 's/^Load Address: *//p' "$T/dumpimage.txt")" \
	"load address as dumpimage"
is "$(printf '%x' "$(field "$c" '.details.entry // 0')")" "$(sed -n 's/^Entry Point: *//p' "$T/dumpimage.txt")" \
	"entry point as dumpimage"
is "$(field "$c" .details.compression)" lzma "compression lzma"

# the lzma payload, decoded and measured like lzma -d does
id=$(field "$c" .id)
l=$(jq -c --argjson p "$id" '[.components[] | select(.parent == $p and .type == "lzma")][0]' "$T/scan.json")
is "$(field "$l" .offset)" "$((0x70040))" "lzma stream found at 0x70040 inside the uImage"
is "$(field "$l" .size)" "$dsize" "lzma stream extent is the uImage data size"
is "$(field "$l" .valid)" true "lzma stream is valid"
tail -c +65 "$T/uImage" | lzma -dc >"$T/vmlinux.bin" 2>/dev/null; ok $? "lzma -d decodes the payload"
is "$(field "$l" '.details.decoded_size // 0')" "$(stat -c %s "$T/vmlinux.bin")" "decoded size as lzma -d"

# inside the decoded kernel: its built-in initramfs (cpio) and device tree, as cpio -t and dtc see them
lid=$(field "$l" '.id // -1')
carve_dec() { # OFFSET SIZE OUT: bytes of the decoded kernel
	tail -c +$(($1 + 1)) "$T/vmlinux.bin" | head -c $(($2)) >"$3"
}
k=$(jq -c --argjson s "$lid" '[.components[] | select(.space == $s and .type == "cpio")][0]' "$T/scan.json")
is "$(field "$k" .valid)" true "the kernel's built-in initramfs (cpio) is found in the decoded kernel"
carve_dec "$(field "$k" '.offset // 0')" "$(field "$k" '.size // 0')" "$T/initramfs.cpio"
list=$(cpio -it --quiet <"$T/initramfs.cpio" 2>/dev/null | sort | tr '\n' ' ')
like "$list" 'dev/console' "cpio -t reads the carved initramfs"
is "$(field "$k" '[.details.names // [] | .[]] | sort | join(" ")') " "$list" "initramfs entries as cpio -t"
k=$(jq -c --argjson s "$lid" '[.components[] | select(.space == $s and .type == "dtb")][0]' "$T/scan.json")
is "$(field "$k" .valid)" true "the kernel's built-in device tree is found in the decoded kernel"
carve_dec "$(field "$k" '.offset // 0')" "$(field "$k" '.size // 0')" "$T/kernel.dtb"
like "$(dtc -q -I dtb -O dts "$T/kernel.dtb" 2>&1)" 'compatible = "mti,malta"' "dtc reads the carved device tree"

# ---- rootfs: squashfs (xz), read back by unsquashfs ----
component 0x550000 squashfs "" "rootfs squashfs"
c=$(comp 0x550000)
size=$(field "$c" '.size // 0')
carve 0x550000 "$size" "$T/root.sqfs"
unsquashfs -s "$T/root.sqfs" >"$T/unsquashfs.txt" 2>&1; ok $? "unsquashfs -s accepts the carved squashfs"
is "$size" "$(sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p' "$T/unsquashfs.txt")" "squashfs extent is its bytes_used"
like "$(detail_strings "$c")" "=xz$" "squashfs compression xz"
like "$(detail_strings "$c")" "=$(sed -n 's/^Block size //p' "$T/unsquashfs.txt")$" "squashfs block size as unsquashfs"
like "$(detail_strings "$c")" "=$(sed -n 's/^Number of inodes //p' "$T/unsquashfs.txt")$" "squashfs inode count as unsquashfs"
unsquashfs -d "$T/root" "$T/root.sqfs" >/dev/null 2>&1; ok $? "unsquashfs extracts the carved squashfs"
like "$(cat "$T/root/etc/openwrt_release" 2>/dev/null)" "DISTRIB_ID='OpenWrt'" "squashfs holds /etc/openwrt_release"

# ---- rootfs_data: JFFS2, measured like jffs2dump walks it ----
component 0x660000 jffs2 "" "rootfs_data jffs2"
c=$(comp 0x660000)
carve 0x660000 0x1a0000 "$T/data.jffs2"
jffs2dump -c "$T/data.jffs2" >"$T/jffs2dump.txt" 2>&1
like "$(grep -c 'node at' "$T/jffs2dump.txt")" '^1[0-9]$' "jffs2dump walks the carved rootfs_data"
is "$(grep -ciE 'wrong|crc.*(error|fail)' "$T/jffs2dump.txt")" 0 "jffs2dump finds every node CRC right"
is "$(field "$c" '.details.nodes // 0')" "$(($(grep -c 'node at' "$T/jffs2dump.txt") + 1))" \
	"node count as jffs2dump (its nodes plus the cleanmarker)"
# JFFS2 nodes are 4-byte aligned (the kernel accounts PAD(totlen), and mkfs.jffs2
# writes the image to that length): the extent ends at the last node's padded end.
last=$(sed -n 's/.*node at \(0x[0-9a-f]*\), totlen \(0x[0-9a-f]*\).*/\1 \2/p' "$T/jffs2dump.txt" | tail -1)
if [ -n "$last" ]; then
	set -- $last
	is "$(field "$c" .size)" "$(((($1 + $2) + 3) & ~3))" "jffs2 extent ends with the last node jffs2dump walks"
else
	ok 1 "jffs2dump walks the carved rootfs_data"
fi

# ---- the gaps: erased flash between the components ----
erased_at() { # OFFSET NAME
	is "$(jq -r --argjson o $(($1)) '[.components[] | select(.space == null and .parent == null and .offset == $o)][0].type' \
		"$T/scan.json")" erased "$2"
}
erased_at $(stat -c %s "$UBOOT") "erased after u-boot"
erased_at 0x51000 "erased after the environment"
erased_at 0x60400 "erased after the EEPROM"

# ---- top level only ----
"$MTDSCOPE" scan --json --top-level "$S" >"$T/top.json"; ok $? "scan --top-level exits 0"
is "$(jq '[.components[] | select(.parent != null or .space != null)] | length' "$T/top.json")" 0 \
	"--top-level reports no nested components"
is "$(jq -c '[.components[] | select(.type | IN("erased", "zero", "random", "unknown") | not) | [.offset, .type]]' "$T/top.json")" \
	"$(jq -c '[.components[] | select(.parent == null and .space == null) | select(.type | IN("erased", "zero", "random", "unknown") | not) | [.offset, .type]]' "$T/scan.json")" \
	"--top-level finds the same top-level components"

# ---- text output ----
out=$("$MTDSCOPE" scan --color=never "$S"); ok $? "text scan exits 0"
like "$out" 'uimage' "text output names the uImage"
done_testing
