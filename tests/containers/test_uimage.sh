#!/usr/bin/env bash
# Legacy uImages made by mkimage (kernel with lzma/gzip/none, multi-file), compared with
# `dumpimage -l`; then damage: data CRC, truncation, a bogus multi-file table.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/containers/lib_containers.sh"
need jq mkimage dumpimage dtc lzma gzip

# a payload that is real code: the start of a static busybox
bb=$(command -v busybox || true)
[ -n "$bb" ] || bb=/bin/ls
head -c 300000 "$bb" >"$T/payload"
lzma -k -c "$T/payload" >"$T/payload.lzma"
gzip -9 -n -c "$T/payload" >"$T/payload.gz"
printf '/dts-v1/;\n/ { model = "Test Board"; compatible = "test,board", "mediatek,mt7628an-soc"; };\n' |
	dtc -q -I dts -O dtb -o "$T/board.dtb" -

# ---- one kernel image per compression, each compared with dumpimage -l ----
for c in lzma gzip none; do
	case $c in lzma) d=$T/payload.lzma ;; gzip) d=$T/payload.gz ;; none) d=$T/payload ;; esac
	img=$T/k-$c.uimg
	mkimage -A mips -O linux -T kernel -C "$c" -a 0x80000000 -e 0x80001234 -n "Linux-5.10.1 $c" -d "$d" "$img" >/dev/null
	ok $? "mkimage made a $c kernel"
	l=$(dumpimage -l "$img")
	scan_json "$img"
	u=$(comp uimage 0)
	is "$(field "$u" .valid)" true "$c: uImage valid"
	is "$(field "$u" .size)" "$(stat -c %s "$img")" "$c: extent is the whole file (64 + data size)"
	is "$(field "$u" .details.name)" "$(kv "$l" 'Image Name')" "$c: name as dumpimage"
	is "$(field "$u" .details.data_size)" "$(kv "$l" 'Data Size' | sed 's/ Bytes.*//')" "$c: data size as dumpimage"
	is "$(printf '%08x' "$(field "$u" .details.load)")" "$(kv "$l" 'Load Address')" "$c: load address as dumpimage"
	is "$(printf '%08x' "$(field "$u" .details.entry)")" "$(kv "$l" 'Entry Point')" "$c: entry point as dumpimage"
	want=$(kv "$l" 'Image Type' | sed -n 's/.*(\(.*\) compressed).*/\1/p; s/.*(uncompressed).*/none/p')
	is "$(field "$u" .details.compression)" "$want" "$c: compression as dumpimage"
	like "$(kv "$l" 'Image Type')" "^MIPS Linux Kernel Image" "$c: dumpimage sees a MIPS kernel"
	is "$(field "$u" .details.arch)/$(field "$u" .details.image_type)" mips/kernel "$c: arch and type"
	is "$(date -u -d "$(field "$u" .details.created)" +%s)" "$(date -d "$(kv "$l" Created)" +%s)" \
		"$c: creation time as dumpimage"
	is "$(field "$u" .details.data_crc_ok)" true "$c: data CRC checked"
done

# ---- the same image inside a flash-like dump: exact offset and extent, the rest accounted ----
img=$T/k-lzma.uimg
{ head -c 65536 /dev/zero | tr '\0' '\377'; cat "$img"; head -c 70000 /dev/zero | tr '\0' '\377'; } >"$T/dump.bin"
scan_json "$T/dump.bin"
u=$(comp uimage 0x10000)
is "$(field "$u" .size)" "$(stat -c %s "$img")" "embedded uImage at 0x10000 with its exact extent"
tiles "$T/dump.bin" "top level covers the dump"
is "$(jq '[.components[] | select(.parent == null and .type == "erased")] | length' "$T/scan.json")" 2 \
	"erased before and after"

# ---- multi-file: lzma kernel + device tree + raw part, parts as children like dumpimage's Contents ----
m=$T/multi.uimg
mkimage -A mips -O linux -T multi -C none -n "multi test" -d "$T/payload.lzma:$T/board.dtb:$T/payload" "$m" >/dev/null
l=$(dumpimage -l "$m")
scan_json "$m"
u=$(comp uimage 0)
id=$(field "$u" .id)
is "$(field "$u" .valid)" true "multi: valid"
is "$(field "$u" .details.parts)" 3 "multi: 3 parts"
want=$(printf '%s\n' "$l" | sed -n 's/^ *Image [0-9]*: \([0-9]*\) Bytes.*/\1/p' | paste -sd' ')
got=$(children "$id" part | jq -r .size | paste -sd' ')
is "$got" "$want" "multi: part sizes as dumpimage Contents ($want)"
# parts start after the header and the 4-entry size table, each 4-aligned
s0=$(stat -c %s "$T/payload.lzma")
o1=$((64 + 16 + (s0 + 3) / 4 * 4))
is "$(children "$id" part | jq -r .offset | paste -sd' ')" "80 $o1 $((o1 + 164))" "multi: part offsets"
p1=$(children "$id" part | jq -s -c '.[1]')
if inside "$(field "$p1" .id)" "multi: the device tree part is scanned inside"; then
	d=$(comp dtb "$o1")
	is "$(field "$d" .details.model)" "$(fdtget -t s "$T/board.dtb" / model)" "multi: the device tree part is scanned inside"
	is "$(field "$d" .parent)" "$(field "$p1" .id)" "multi: the device tree is the part's child"
fi

# ---- damage ----
cp "$T/k-none.uimg" "$T/bad.uimg"
printf '\x00' | dd of="$T/bad.uimg" bs=1 seek=5000 conv=notrunc 2>/dev/null
scan_json "$T/bad.uimg"
u=$(comp uimage 0)
is "$(field "$u" .valid)" false "broken data CRC: invalid"
like "$(field "$u" '.problems[0]')" "data CRC" "broken data CRC: the reason"
head -c 100000 "$T/k-none.uimg" >"$T/half.uimg"
scan_json "$T/half.uimg"
u=$(comp uimage 0)
is "$(field "$u" .valid)/$(field "$u" .size)" false/100000 "truncated: invalid and clamped to the file"
like "$(field "$u" '.problems | join(" ")')" "truncated" "truncated: the reason"
tiles "$T/half.uimg" "truncated image still tiles"

done_testing
