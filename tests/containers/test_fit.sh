#!/usr/bin/env bash
# Device trees made by dtc (OpenWrt's own TL-WR840N v4 tree from tests/data, preprocessed as
# OpenWrt does) compared with fdtget / dtc -I dtb; FIT images made by mkimage -f (embedded
# and -E external data, crc32/sha1/sha256 hash nodes) compared with dumpimage -l; then
# damage and hostile trees written with dtc (offsets into the tree, overlapping and oversized
# external data, too many images).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/containers/lib_containers.sh"
need jq mkimage dumpimage dtc fdtget cpp lzma

# ---- a real OpenWrt device tree: stub dt-bindings with the kernel's values, then cpp + dtc ----
D=$TESTDATA/openwrt-dts/target/linux/ramips/dts
dts=$D/mt7628an_tplink_tl-wr840n-v4.dts
mkdir -p "$T/inc/dt-bindings/leds" "$T/inc/dt-bindings/input" "$T/inc/dt-bindings/gpio"
cat >"$T/inc/dt-bindings/leds/common.h" <<'EOF'
#define LED_COLOR_ID_GREEN 2
#define LED_FUNCTION_POWER "power"
#define LED_FUNCTION_LAN "lan"
#define LED_FUNCTION_WAN "wan"
#define LED_FUNCTION_WLAN "wlan"
#define LED_FUNCTION_WPS "wps"
EOF
printf '#define KEY_RESTART 0x198\n' >"$T/inc/dt-bindings/input/input.h"
printf '#define GPIO_ACTIVE_HIGH 0\n#define GPIO_ACTIVE_LOW 1\n' >"$T/inc/dt-bindings/gpio/gpio.h"
cpp -nostdinc -I"$D" -I"$T/inc" -undef -D__DTS__ -x assembler-with-cpp "$dts" -o "$T/board.pp.dts" &&
	dtc -q -I dts -O dtb -o "$T/board.dtb" "$T/board.pp.dts"
ok $? "OpenWrt's TL-WR840N v4 tree compiles with dtc"
B=$T/board.dtb
scan_json "$B"
d=$(comp dtb 0)
is "$(field "$d" .valid)" true "dtb valid"
is "$(field "$d" .size)" "$(stat -c %s "$B")" "dtb extent is totalsize (the file dtc wrote)"
is "$(field "$d" .details.model)" "$(fdtget -t s "$B" / model)" "model as fdtget"
is "$(field "$d" '.details.compatible | join(" ")')" "$(fdtget -t s "$B" / compatible)" "compatible as fdtget"
is "$(field "$d" .details.nodes)" "$(dtc -q -I dtb -O dts "$B" | grep -c '{$')" "node count as dtc -I dtb"
is "$(field "$d" .details.version)" "$(fdtdump "$B" 2>/dev/null | sed -n 's/.*version:[[:space:]]*\([0-9]*\).*/\1/p' | head -1)" \
	"version as fdtdump"

# padding inside totalsize (dtc -p) belongs to the tree; a tree in the middle of erased flash
dtc -q -I dtb -O dtb -p 4096 -o "$T/padded.dtb" "$B"
{ head -c 12345 /dev/zero | tr '\0' '\377'; cat "$T/padded.dtb"; head -c 5000 /dev/zero | tr '\0' '\377'; } >"$T/flash.bin"
scan_json "$T/flash.bin"
d=$(comp dtb 12345)
is "$(field "$d" .size)" "$(stat -c %s "$T/padded.dtb")" "padded tree at an odd offset: extent is totalsize"
is "$(field "$d" .details.model)" "$(fdtget -t s "$B" / model)" "unaligned tree read (copied for libfdt)"
tiles "$T/flash.bin" "flash image tiles"

# truncated and damaged trees
head -c $(($(stat -c %s "$B") / 2)) "$B" >"$T/half.dtb"
scan_json "$T/half.dtb"
d=$(comp dtb 0)
is "$(field "$d" .valid)/$(field "$d" .size)" "false/$(stat -c %s "$T/half.dtb")" "truncated tree: invalid, clamped"
like "$(field "$d" '.problems[0]')" "truncated: totalsize" "truncated tree: the reason"
cp "$B" "$T/bad.dtb"
# break the first structure token (FDT_BEGIN_NODE at off_dt_struct) so libfdt's walk fails
off=$(fdtdump "$B" 2>/dev/null | sed -n 's/.*off_dt_struct:[[:space:]]*\(0x[0-9a-f]*\).*/\1/p')
printf '\x00\x00\x00\x0a' | dd of="$T/bad.dtb" bs=1 seek=$((off)) conv=notrunc 2>/dev/null
scan_json "$T/bad.dtb"
d=$(comp dtb 0)
is "$(field "$d" .valid)" false "broken structure block: invalid"
like "$(field "$d" '.problems[0]')" "structure does not hold" "broken structure block: the reason"

# ---- FIT: lzma kernel (real code) + the device tree, crc32/sha1/sha256 ----
bb=$(command -v busybox || echo /bin/ls)
head -c 300000 "$bb" | lzma -c >"$T/kernel.lzma"
cat >"$T/fit.its" <<EOF
/dts-v1/;
/ {
	description = "MIPS OpenWrt FIT (Flattened Image Tree)";
	#address-cells = <1>;
	images {
		kernel-1 {
			description = "MIPS OpenWrt Linux-5.15.137";
			data = /incbin/("$T/kernel.lzma");
			type = "kernel";
			arch = "mips";
			os = "linux";
			compression = "lzma";
			load = <0x80000000>;
			entry = <0x80001000>;
			hash-1 { algo = "crc32"; };
			hash-2 { algo = "sha1"; };
			hash-3 { algo = "sha256"; };
		};
		fdt-1 {
			description = "TL-WR840N v4 device tree blob";
			data = /incbin/("$B");
			type = "flat_dt";
			arch = "mips";
			compression = "none";
			hash-1 { algo = "crc32"; };
			hash-2 { algo = "sha256"; };
		};
	};
	configurations {
		default = "config-1";
		config-1 {
			description = "OpenWrt tplink_tl-wr840n-v4";
			kernel = "kernel-1";
			fdt = "fdt-1";
		};
	};
};
EOF
check "mkimage -f makes a FIT" mkimage -f "$T/fit.its" "$T/fit.itb"
check "mkimage -E -f makes a FIT with external data" mkimage -E -f "$T/fit.its" "$T/fit-ext.itb"

fit_vs_dumpimage() { # FILE LABEL
	local f=$1 lab=$2 l id
	l=$(dumpimage -l "$f")
	scan_json "$f"
	local c; c=$(comp fit 0)
	id=$(field "$c" .id)
	is "$(field "$c" .valid)" true "$lab: FIT valid"
	is "$(field "$c" .size)" "$(stat -c %s "$f")" "$lab: extent is the whole file"
	is "$(field "$c" .details.description)" "$(kv "$l" 'FIT description')" "$lab: description as dumpimage"
	is "$(field "$c" '.details.images | join(" ")')" \
		"$(printf '%s\n' "$l" | sed -n 's/^ *Image [0-9]* (\(.*\))$/\1/p' | paste -sd' ')" "$lab: image names as dumpimage"
	is "$(field "$c" .details.default_config)" "$(kv "$l" 'Default Configuration' | tr -d "'")" "$lab: default configuration"
	is "$(date -u -d "$(field "$c" .details.created)" +%s)" "$(date -d "$(kv "$l" Created)" +%s)" "$lab: timestamp as dumpimage"
	# per image: data size, every hash value, type details
	local i=0 name
	for name in kernel-1 fdt-1; do
		local blk im
		blk=$(printf '%s\n' "$l" | awk -v n="$name" '/^ Image [0-9]+ \(/ {on = index($0, "(" n ")") > 0; next} /^ [^ ]/ {on = 0} on')
		im=$(children "$id" fit-image | jq -c --arg n "$name" 'select(.details.name == $n)')
		is "$(field "$im" .size)" "$(kv "$blk" 'Data Size' | sed 's/ Bytes.*//')" "$lab: $name data size as dumpimage"
		is "$(field "$im" .valid)" true "$lab: $name valid"
		is "$(field "$im" .details.description)" "$(kv "$blk" Description)" "$lab: $name description"
		local algos values got=""
		algos=$(printf '%s\n' "$blk" | sed -n 's/^ *Hash algo: *//p')
		values=$(printf '%s\n' "$blk" | sed -n 's/^ *Hash value: *//p')
		for a in $algos; do got="$got$(field "$im" ".details[\"$a\"]")"$'\n'; done
		is "$(printf '%s' "$got" | sed '/^$/d')" "$values" "$lab: $name hash values ($(echo $algos)) as dumpimage"
		is "$(field "$im" '.details.hashes | map(select(endswith(":ok"))) | length')" "$(echo $algos | wc -w)" \
			"$lab: $name every hash verified"
		i=$((i + 1))
	done
	local k; k=$(children "$id" fit-image | jq -c 'select(.details.name == "kernel-1")')
	is "$(field "$k" .details.compression)/$(field "$k" .details.image_type)/$(printf '%x' "$(field "$k" .details.load)")" \
		"lzma/kernel/$(kv "$l" 'Load Address' | sed 's/^0x//')" "$lab: kernel compression, type, load address"
	local fd; fd=$(children "$id" fit-image | jq -c 'select(.details.name == "fdt-1")')
	if inside "$(field "$fd" .id)" "$lab: the device tree image is scanned inside"; then
		local inner; inner=$(children "$(field "$fd" .id)" dtb)
		is "$(field "$inner" .details.model)" "$(fdtget -t s "$B" / model)" "$lab: the embedded tree's model"
		is "$(field "$inner" .offset)" "$(field "$fd" .offset)" "$lab: the embedded tree starts at the image data"
	fi
}
fit_vs_dumpimage "$T/fit.itb" "embedded"
fit_vs_dumpimage "$T/fit-ext.itb" "external (-E)"
is "$(jq '[.components[] | select(.type == "fit-image") | .details.external] | all' "$T/scan.json")" true \
	"external (-E): images marked external"

# -p: external data at fixed positions (data-position) after a padded tree, as OpenWrt's static FITs
check "mkimage -E -p 0x1000 makes a FIT with data-position" mkimage -E -p 0x1000 -f "$T/fit.its" "$T/fit-pos.itb"
scan_json "$T/fit-pos.itb"
c=$(comp fit 0)
is "$(field "$c" .valid)/$(field "$c" .size)" "true/$(stat -c %s "$T/fit-pos.itb")" "data-position: valid, extent is the file"
is "$(jq -r '.components[] | select(.details.name == "kernel-1") | .offset' "$T/scan.json")" \
	"$(($(fdtget "$T/fit-pos.itb" /images/kernel-1 data-position)))" "data-position: kernel where fdtget says"

# a FIT inside flash, after a 64 KiB erased block
{ head -c 65536 /dev/zero | tr '\0' '\377'; cat "$T/fit-ext.itb"; head -c 4096 /dev/zero | tr '\0' '\377'; } >"$T/flash-fit.bin"
scan_json "$T/flash-fit.bin"
is "$(field "$(comp fit 0x10000)" .size)" "$(stat -c %s "$T/fit-ext.itb")" "FIT in flash: exact extent with external data"
tiles "$T/flash-fit.bin" "FIT in flash: top level tiles"

# ---- damage: a flipped kernel byte fails exactly the kernel's hashes ----
cp "$T/fit.itb" "$T/bad.itb"
koff=$(jq '.components[] | select(.details.name == "kernel-1") | .offset' <("$MTDSCOPE" scan --json "$T/fit.itb"))
printf '\x5a' | dd of="$T/bad.itb" bs=1 seek=$((koff + 1000)) conv=notrunc 2>/dev/null
scan_json "$T/bad.itb"
is "$(field "$(comp fit 0)" .valid)" false "flipped kernel byte: FIT invalid"
k=$(jq -c '.components[] | select(.details.name == "kernel-1")' "$T/scan.json")
is "$(field "$k" '.details.hashes | join(" ")')" "crc32:BAD sha1:BAD sha256:BAD" "flipped kernel byte: all three kernel hashes fail"
like "$(field "$k" '.problems | join(" ")')" "crc32 hash of the data does not match" "flipped kernel byte: the reason"
is "$(jq -r '.components[] | select(.details.name == "fdt-1") | .valid' "$T/scan.json")" true "the device tree image still holds"
# cut in the middle: a truncated FIT (its /images node is named before the cut), not a dtb
head -c 50000 "$T/fit.itb" >"$T/half.itb"
scan_json "$T/half.itb"
d=$(comp fit 0)
is "$(field "$d" .valid)/$(field "$d" .size)" false/50000 "FIT cut in the middle: invalid fit, clamped"

# ---- hostile trees (dtc writes them; no tool would make such a FIT on purpose) ----
hostile() { # NAME IMAGES_DTS
	printf '/dts-v1/;\n/ { description = "hostile"; images { %s }; };\n' "$2" | dtc -q -I dts -O dtb -o "$T/$1.itb" -
	head -c 8192 /dev/urandom >>"$T/$1.itb"
	scan_json "$T/$1.itb"
}
hostile self 'k { data-size = <0x100>; data-position = <0>; };'
c=$(comp fit 0)
is "$(field "$c" .valid)" false "data-position into the tree itself: invalid"
like "$(field "$c" '.problems | join(" ")')" "overlaps the tree itself" "data-position into the tree: the reason"
is "$(jq '[.components[] | select(.type == "fit-image")] | length' "$T/scan.json")" 0 "data-position into the tree: no child"
hostile overlap 'a { data-size = <0x1000>; data-offset = <0>; }; b { data-size = <0x1000>; data-offset = <0x800>; };'
is "$(jq '[.components[] | select(.type == "fit-image")] | length' "$T/scan.json")" 2 "overlapping images: both listed"
like "$(jq -r '.components[] | select(.details.name == "b") | .problems[0]' "$T/scan.json")" "overlaps an earlier image" \
	"overlapping images: the second is reported and not scanned again"
hostile huge 'k { data-size = <0xffffffff>; data-offset = <0>; hash-1 { algo = "sha256"; value = [00]; }; };'
c=$(comp fit 0)
is "$(field "$c" .valid)/$(field "$c" .size)" "false/$(stat -c %s "$T/huge.itb")" "4 GiB data-size: invalid, clamped to the file"
like "$(field "$c" '.problems | join(" ")')" "runs past the end" "4 GiB data-size: the reason"
hostile wrap 'k { data-size = /bits/ 64 <0x10>; data-position = /bits/ 64 <0xfffffffffffffff8>; };'
c=$(comp fit 0)
is "$(field "$c" .valid)" false "64-bit data-position that wraps around: invalid"
like "$(field "$c" '.problems | join(" ")')" "overflows" "64-bit data-position that wraps around: the reason"
many=""
for i in $(seq 1 70); do many="$many i$i { data = [01 02 03 04]; hash-1 { algo = \"crc32\"; value = [00 00 00 00]; }; };"; done
hostile many "$many"
c=$(comp fit 0)
is "$(jq '[.components[] | select(.type == "fit-image")] | length' "$T/scan.json")" 64 "70 images: 64 examined"
like "$(field "$c" '.problems | join(" ")')" "more than 64 images" "70 images: the limit is reported"
hostile badconf 'k { data = [01 02 03]; }; }; configurations { default = "nosuch"; c1 { kernel = "k"; fdt = "missing"; };'
c=$(comp fit 0)
is "$(field "$c" .valid)" false "configuration naming a missing image: invalid"
like "$(field "$c" '.problems | join(" ")')" "default configuration 'nosuch' does not exist" "missing default configuration reported"
like "$(field "$c" '.problems | join(" ")')" "configuration 'c1' names fdt image 'missing'" "missing fdt image reported"
hostile unknownalgo 'k { data = [01 02 03]; hash-1 { algo = "nosuch"; value = [00]; }; };'
is "$(jq -r '.components[] | select(.type == "fit-image") | .details.hashes[0]' "$T/scan.json")" "nosuch:unchecked" \
	"unknown hash algorithm: reported as unchecked"

done_testing
