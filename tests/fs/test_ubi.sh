#!/usr/bin/env bash
# ubi and ubifs: images from mkfs.ubifs + ubinize (NAND and NOR geometries); volume names and
# counts compared with the .ini given to ubinize, UBIFS superblock with what mkfs.ubifs was told.
. "$SRCDIR/tests/lib.sh"
need mkfs.ubifs ubinize mksquashfs unsquashfs jq python3

mkdir -p "$T/root/etc" "$T/root/bin"
seq 1 20000 > "$T/root/etc/numbers"
head -c 50000 /dev/urandom > "$T/root/bin/blob"
head -c 300000 /dev/urandom > "$T/kernel.bin"

first() { jq -c "[.components[] | select(.type == \"$2\")][0]" <<<"$1"; }

# geometry: name min_io peb leb sub_page compressor
for geo in "nand 2048 131072 126976 2048 lzo" "nor 1 65536 65408 1 zlib"; do
	read -r g minio peb leb sub comp <<<"$geo"
	mkfs.ubifs -m "$minio" -e "$leb" -c 200 -x "$comp" -r "$T/root" -o "$T/ubifs.img" 2>/dev/null ||
		{ ok 1 "$g: mkfs.ubifs"; continue; }
	cat > "$T/ubi.ini" <<-EOF
	[kernel]
	mode=ubi
	image=$T/kernel.bin
	vol_id=0
	vol_type=static
	vol_name=kernel
	[rootfs]
	mode=ubi
	image=$T/ubifs.img
	vol_id=1
	vol_type=dynamic
	vol_name=rootfs
	[rootfs_data]
	mode=ubi
	vol_id=2
	vol_type=dynamic
	vol_size=1MiB
	vol_name=rootfs_data
	vol_flags=autoresize
	EOF
	ubinize -o "$T/ubi.img" -m "$minio" -p "$peb" -s "$sub" "$T/ubi.ini" >/dev/null 2>&1 || { ok 1 "$g: ubinize"; continue; }
	size=$(stat -c %s "$T/ubi.img")
	# a NAND partition: the UBI image, then erased flash
	{ cat "$T/ubi.img"; head -c $((peb * 4)) /dev/zero | tr '\0' '\377'; } > "$T/flash.bin"
	j=$("$MTDSCOPE" scan --json "$T/flash.bin")
	u=$(first "$j" ubi)
	is "$(jq -r .size <<<"$u")" "$size" "$g: extent is the run of PEBs"
	is "$(jq -r .details.peb_size <<<"$u")" "$peb" "$g: PEB size"
	is "$(jq -r .details.leb_size <<<"$u")" "$leb" "$g: LEB size"
	is "$(jq -r .details.pebs <<<"$u")" $((size / peb)) "$g: PEB count"
	want=$(sed -n 's/^vol_name=//p' "$T/ubi.ini" | tr '\n' ' ')
	is "$(jq -r '.details.volume_names[]' <<<"$u" | tr '\n' ' ')" "$want" "$g: volume names as in the .ini"
	is "$(jq -r .details.volume_count <<<"$u")" "$(grep -c '^\[' "$T/ubi.ini")" "$g: volume count"
	like "$(jq -r '.details.volumes[0]' <<<"$u")" '^0:kernel static' "$g: static volume"
	like "$(jq -r '.details.volumes[2]' <<<"$u")" 'autoresize' "$g: autoresize flag"
	is "$(jq -r .valid <<<"$u")" true "$g: valid"
	kbytes=$(stat -c %s "$T/kernel.bin")
	is "$(jq -r .details.decoded_size <<<"$u")" $((kbytes + $(stat -c %s "$T/ubifs.img"))) "$g: volumes assembled"
	f=$(first "$j" ubifs)
	is "$(jq -r .space <<<"$f")" "$(jq -r .id <<<"$u")" "$g: ubifs found inside the volumes"
	is "$(jq -r .offset <<<"$f")" "$kbytes" "$g: ubifs at the start of the rootfs volume"
	is "$(jq -r .details.leb_size <<<"$f")" "$leb" "$g: ubifs LEB size"
	is "$(jq -r .details.min_io_size <<<"$f")" $((minio < 8 ? 8 : minio)) "$g: ubifs min I/O (mkfs.ubifs raises it to 8)"
	is "$(jq -r .details.leb_count <<<"$f")" $(($(stat -c %s "$T/ubifs.img") / leb)) "$g: ubifs LEB count"
	is "$(jq -r .details.max_leb_count <<<"$f")" 200 "$g: ubifs max LEB count"
	is "$(jq -r .details.compression <<<"$f")" "$comp" "$g: ubifs compression"
	is "$(jq -r .valid <<<"$f")" true "$g: ubifs CRCs hold"

	# the bare UBIFS image
	f=$(first "$("$MTDSCOPE" scan --json "$T/ubifs.img")" ubifs)
	is "$(jq -r .size <<<"$f")" "$(stat -c %s "$T/ubifs.img")" "$g: bare ubifs extent"
done

# issue 12: small eraseblocks (NOR with 1-byte writes and 1 KiB PEBs, small-page NAND with 512-byte
# pages and 256-byte sub-pages in 2 KiB PEBs, 1 KiB pages in 16 KiB PEBs) were read as 4 KiB PEBs.
# Geometry compared with what ubinize -v says it wrote; the static volume comes back byte for byte.
head -c 30000 /dev/urandom > "$T/small.bin"
printf '[k]\nmode=ubi\nimage=%s\nvol_id=0\nvol_type=static\nvol_name=kern\n' "$T/small.bin" > "$T/small.ini"
for geo in "512 2048 256" "1 1024 1" "1024 16384 1024"; do
	read -r minio peb sub <<<"$geo"
	v=$(ubinize -v -o "$T/small.ubi" -m "$minio" -p "$peb" -s "$sub" "$T/small.ini" 2>&1) || { ok 1 "ubinize -m $minio -p $peb"; continue; }
	tool() { sed -n "s/^ubinize: $1: *//p" <<<"$v"; }
	u=$(first "$("$MTDSCOPE" scan --json "$T/small.ubi")" ubi)
	g="ubinize -m $minio -p $peb -s $sub"
	is "$(jq -r .details.peb_size <<<"$u")" "$(tool 'PEB size')" "$g: PEB size"
	is "$(jq -r .details.leb_size <<<"$u")" "$(tool 'LEB size')" "$g: LEB size"
	is "$(jq -r .details.vid_header_offset <<<"$u")" "$(tool 'VID offset')" "$g: VID header offset"
	is "$(jq -r .details.data_offset <<<"$u")" "$(tool 'data offset')" "$g: data offset"
	is "$(jq -r .size <<<"$u")" "$(stat -c %s "$T/small.ubi")" "$g: extent is the whole image"
	is "$(jq -r .valid <<<"$u")" true "$g: valid"
	rm -rf "$T/small.out"
	"$MTDSCOPE" extract "$T/small.ubi" -C "$T/small.out" >/dev/null 2>&1
	check "$g: extracted volume equals the image given to ubinize" cmp "$T/small.out/0x00000000-ubi/root/kern.img" "$T/small.bin"
done

# NAND image again for the damage cases
mkfs.ubifs -m 2048 -e 126976 -c 200 -r "$T/root" -o "$T/ubifs.img"
sed -i "s|^image=.*ubifs.img|image=$T/ubifs.img|" "$T/ubi.ini"
ubinize -o "$T/ubi.img" -m 2048 -p 131072 -s 2048 "$T/ubi.ini" >/dev/null 2>&1
size=$(stat -c %s "$T/ubi.img")

# a VID header with a broken CRC (PEB 3): invalid, located, the image still whole
cp "$T/ubi.img" "$T/bad-vid.img"
printf '\377' | dd of="$T/bad-vid.img" bs=1 seek=$((3 * 131072 + 2048 + 50)) conv=notrunc status=none
u=$(first "$("$MTDSCOPE" scan --json "$T/bad-vid.img")" ubi)
is "$(jq -r .valid <<<"$u")" false "bad VID CRC: invalid"
like "$(jq -r '.problems | join(";")' <<<"$u")" "1 VID headers fail their CRC \\(first at $(printf '0x%x' $((3 * 131072 + 2048)))\\)" "bad VID CRC: reported with its offset"
is "$(jq -r .size <<<"$u")" "$size" "bad VID CRC: extent unchanged"

# an EC header with a broken CRC (PEB 5)
cp "$T/ubi.img" "$T/bad-ec.img"
printf '\1' | dd of="$T/bad-ec.img" bs=1 seek=$((5 * 131072 + 8)) conv=notrunc status=none
u=$(first "$("$MTDSCOPE" scan --json "$T/bad-ec.img")" ubi)
stored=$(od -An -tx1 -j $((5 * 131072 + 60)) -N4 "$T/bad-ec.img" | tr -d ' ')
computed=$(python3 -c 'import sys, zlib; d = open(sys.argv[1], "rb").read()[5 * 131072:][:60]; print("%08x" % (~zlib.crc32(d) & 0xffffffff))' "$T/bad-ec.img")
like "$(jq -r '.problems | join(";")' <<<"$u")" "EC header damaged \\(PEB 5 at 0xa0000: stored CRC 0x$stored, computed 0x$computed\\)" \
	"bad EC CRC: named with the PEB, its offset, the stored and the computed CRC"
is "$(jq -r '"\(.size) \(.details.peb_size) \(.valid)"' <<<"$u")" "$size 131072 false" "bad EC CRC: extent and PEB size unchanged, invalid"

# issue 12: a bad EC header in PEB 1 of a three-PEB image (the second copy of the volume table) made
# the PEB size 256 KiB and lost the squashfs volume.  The kernel's attach uses the VID header of a
# PEB whose EC header is bad; so do we, in each of the PEBs and for a lost magic as for a bad CRC.
mkdir -p "$T/sqroot/etc" && seq 1 5000 > "$T/sqroot/etc/numbers" && echo x > "$T/sqroot/etc/x"
mksquashfs "$T/sqroot" "$T/sq.img" -comp xz -noappend -quiet -all-root >/dev/null
printf '[rootfs]\nmode=ubi\nimage=%s\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\n' "$T/sq.img" > "$T/sq.ini"
ubinize -o "$T/sq.ubi" -p 128KiB -m 2048 -s 2048 "$T/sq.ini" >/dev/null 2>&1
is "$(stat -c %s "$T/sq.ubi")" $((3 * 131072)) "three PEBs: two volume table copies and the squashfs"
sqsize=$(stat -c %s "$T/sq.img")
sqused=$(unsquashfs -s "$T/sq.img" | sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p')
for damage in "1 crc" "0 crc" "2 crc" "1 magic"; do
	set -- $damage
	cp "$T/sq.ubi" "$T/d.ubi"
	if [ "$2" = crc ]; then
		python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2]) * 131072 + 8); b = f.read(1); f.seek(-1, 1); f.write(bytes([b[0] ^ 1]))' "$T/d.ubi" "$1"
	else
		printf 'XXXX' | dd of="$T/d.ubi" bs=1 seek=$(($1 * 131072)) conv=notrunc status=none
	fi
	j=$("$MTDSCOPE" scan --json "$T/d.ubi")
	u=$(first "$j" ubi)
	is "$(jq -r '"\(.offset) \(.size) \(.details.peb_size) \(.details.pebs) \(.valid)"' <<<"$u")" "0 $((3 * 131072)) 131072 3 false" \
		"EC $2 damaged in PEB $1: the image whole, PEB size 128 KiB, invalid"
	[ "$2" = crc ] && want="PEB $1 at $(printf '0x%x' $(($1 * 131072))): stored CRC" || want="PEB $1 at $(printf '0x%x' $(($1 * 131072))): no EC header magic"
	like "$(jq -r '.problems | join(";")' <<<"$u")" "EC header damaged \\($want" "EC $2 damaged in PEB $1: named"
	q=$(first "$j" squashfs)
	is "$(jq -r '"\(.parent) \(.size) \(.valid)"' <<<"$q")" "$(jq -r .id <<<"$u") $sqused true" "EC $2 damaged in PEB $1: the squashfs volume still found"
	rm -rf "$T/d.out"
	"$MTDSCOPE" extract "$T/d.ubi" -C "$T/d.out" >/dev/null 2>&1
	check "EC $2 damaged in PEB $1: the volume extracted holds the squashfs" \
		cmp -n "$sqsize" "$T/d.out/0x00000000-ubi/root/rootfs.img" "$T/sq.img"
done

# both volume table copies broken: no names, invalid, no crash
cp "$T/ubi.img" "$T/bad-vtbl.img"
for peb in 0 1; do
	printf '\1' | dd of="$T/bad-vtbl.img" bs=1 seek=$((peb * 131072 + 4096 + 20)) conv=notrunc status=none
done
u=$(first "$("$MTDSCOPE" scan --json "$T/bad-vtbl.img")" ubi)
is "$(jq -r .valid <<<"$u")" false "broken volume table: invalid"
like "$(jq -r '.problems | join(";")' <<<"$u")" "volume table" "broken volume table: reported"

# a dump cut in the middle of a PEB
head -c $((size / 2 + 1000)) "$T/ubi.img" > "$T/cut.ubi"
u=$(first "$("$MTDSCOPE" scan --json "$T/cut.ubi")" ubi)
is "$(jq -r .size <<<"$u")" $((size / 2 + 1000)) "cut UBI: clamped to the file"
like "$(jq -r '.problems | join(";")' <<<"$u")" "truncated: the last PEB is cut off" "cut UBI: truncated"

# a UBIFS superblock with a broken CRC
cp "$T/ubifs.img" "$T/bad-sb.img"
printf '\7' | dd of="$T/bad-sb.img" bs=1 seek=200 conv=notrunc status=none
f=$(first "$("$MTDSCOPE" scan --json "$T/bad-sb.img")" ubifs)
is "$(jq -r .details.sb_crc_ok <<<"$f")" false "ubifs bad superblock CRC"
is "$(jq -r .valid <<<"$f")" false "ubifs bad superblock CRC: invalid"

# UBIFS cut in half in the file itself: truncated
head -c $(($(stat -c %s "$T/ubifs.img") / 2)) "$T/ubifs.img" > "$T/cut.img"
f=$(first "$("$MTDSCOPE" scan --json "$T/cut.img")" ubifs)
like "$(jq -r '.problems | join(";")' <<<"$f")" truncated "ubifs cut: truncated"
done_testing
