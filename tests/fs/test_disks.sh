#!/usr/bin/env bash
# ext4 (mke2fs vs dumpe2fs -h), GPT (sgdisk vs sgdisk -p) and MBR (sfdisk vs sfdisk -d), with
# partition contents scanned as children and damaged or hostile tables.
. "$SRCDIR/tests/lib.sh"
need mke2fs dumpe2fs sgdisk sfdisk jq

mkdir -p "$T/root/etc"
seq 1 5000 > "$T/root/etc/numbers"

first() { jq -c "[.components[] | select(.type == \"$2\")][0]" <<<"$1"; }
dfield() { sed -n "s/^$2: *//p" <<<"$1"; }
ff() { head -c "$1" /dev/zero | tr '\0' '\377'; }

# ---- ext2/3/4 ----
for spec in "ext4 8M 1024 ext4" "ext4 16M 4096 ext4" "ext3 4M 1024 ext3" "ext2 4M 4096 ext2"; do
	read -r t sz bs variant <<<"$spec"
	rm -f "$T/fs.img"
	mke2fs -q -F -t "$t" -b "$bs" -d "$T/root" -L "lbl-$t" "$T/fs.img" "$sz" >/dev/null 2>&1 || { ok 1 "mke2fs $spec"; continue; }
	h=$(dumpe2fs -h "$T/fs.img" 2>/dev/null)
	{ ff 65536; cat "$T/fs.img"; ff 65536; } > "$T/flash.bin"
	e=$(first "$("$MTDSCOPE" scan --json "$T/flash.bin")" ext4)
	n="$t/$bs"
	is "$(jq -r .offset <<<"$e")" 65536 "$n: offset"
	is "$(jq -r .size <<<"$e")" $(($(dfield "$h" 'Block count') * $(dfield "$h" 'Block size'))) "$n: extent = blocks x block size"
	is "$(jq -r .details.blocks <<<"$e")" "$(dfield "$h" 'Block count')" "$n: block count as dumpe2fs"
	is "$(jq -r .details.block_size <<<"$e")" "$(dfield "$h" 'Block size')" "$n: block size as dumpe2fs"
	is "$(jq -r .details.inodes <<<"$e")" "$(dfield "$h" 'Inode count')" "$n: inode count as dumpe2fs"
	is "$(jq -r .details.label <<<"$e")" "$(dfield "$h" 'Filesystem volume name')" "$n: volume name"
	is "$(jq -r .details.uuid <<<"$e")" "$(dfield "$h" 'Filesystem UUID')" "$n: uuid"
	is "$(jq -r .details.features <<<"$e")" "$(dfield "$h" 'Filesystem features')" "$n: features as dumpe2fs"
	is "$(jq -r .details.variant <<<"$e")" "$variant" "$n: variant"
	is "$(jq -r .valid <<<"$e")" true "$n: valid"
done

# metadata_csum: a superblock byte changed without fixing its checksum
rm -f "$T/fs.img"
mke2fs -q -F -t ext4 -O metadata_csum -d "$T/root" -L good "$T/fs.img" 8M >/dev/null 2>&1
printf 'X' | dd of="$T/fs.img" bs=1 seek=$((1024 + 120)) conv=notrunc status=none
like "$(dumpe2fs -h "$T/fs.img" 2>&1)" "checksum" "dumpe2fs objects to the superblock checksum"
e=$(first "$("$MTDSCOPE" scan --json "$T/fs.img")" ext4)
is "$(jq -r .details.sb_checksum_ok <<<"$e")" false "ext4 bad superblock checksum"
is "$(jq -r .valid <<<"$e")" false "ext4 bad superblock checksum: invalid"
head -c 3000000 "$T/fs.img" > "$T/cut.img"
e=$(first "$("$MTDSCOPE" scan --json "$T/cut.img")" ext4)
like "$(jq -r '.problems | join(";")' <<<"$e")" truncated "ext4 cut: truncated"

# ---- GPT ----
rm -f "$T/fs.img"
mke2fs -q -F -t ext4 -d "$T/root" -L rootfs "$T/fs.img" 8M >/dev/null 2>&1
truncate -s 32M "$T/gpt.img"
sgdisk -o -n 1:2048:+4M -c 1:boot -t 1:ef00 -n 2:0:+8M -c 2:rootfs -n 3:0:0 -c 3:rootfs_data "$T/gpt.img" >/dev/null
dd if="$T/fs.img" of="$T/gpt.img" bs=512 seek=10240 conv=notrunc status=none
j=$("$MTDSCOPE" scan --json "$T/gpt.img")
g=$(first "$j" gpt)
sg=$(sgdisk -p "$T/gpt.img")
is "$(jq -r .size <<<"$g")" $((32 << 20)) "gpt: extent through the backup header"
is "$(jq -r '.details.names[]' <<<"$g" | tr '\n' ' ')" "$(awk '/^ +[0-9]+ / {print $7}' <<<"$sg" | tr '\n' ' ')" "gpt: names as sgdisk -p"
is "$(jq -r '.details.partitions[]' <<<"$g" | sed 's/.*start=\([0-9]*\) end=\([0-9]*\).*/\1-\2/' | tr '\n' ' ')" \
	"$(awk '/^ +[0-9]+ / {print $2 "-" $3}' <<<"$sg" | tr '\n' ' ')" "gpt: start/end sectors as sgdisk -p"
is "$(jq -r .details.partition_count <<<"$g")" 3 "gpt: partition count"
is "$(jq -r .details.disk_guid <<<"$g")" "$(sed -n 's/^Disk identifier (GUID): //p' <<<"$sg")" "gpt: disk GUID"
is "$(jq -r .valid <<<"$g")" true "gpt: valid"
e=$(first "$j" ext4)
is "$(jq -r .parent <<<"$e")" "$(jq -r .id <<<"$g")" "gpt: ext4 found inside partition 2"
is "$(jq -r .offset <<<"$e")" $((10240 * 512)) "gpt: ext4 at the partition start"

# damaged entry array: sgdisk -v and we both object
cp "$T/gpt.img" "$T/bad.img"
printf 'Q' | dd of="$T/bad.img" bs=1 seek=$((1024 + 128 + 60)) conv=notrunc status=none
g=$(first "$("$MTDSCOPE" scan --json "$T/bad.img")" gpt)
is "$(jq -r .details.entries_crc_ok <<<"$g")" false "gpt: broken entry array CRC"
is "$(jq -r .valid <<<"$g")" false "gpt: broken entry array: invalid"
# cut before the backup header
head -c $((16 << 20)) "$T/gpt.img" > "$T/cut.img"
g=$(first "$("$MTDSCOPE" scan --json "$T/cut.img")" gpt)
like "$(jq -r '.problems | join(";")' <<<"$g")" "truncated" "gpt cut: truncated"
# hostile: an entry count of 0xFFFFFFFF (header CRC then fails too): no crash, invalid
cp "$T/gpt.img" "$T/hostile.img"
printf '\377\377\377\377' | dd of="$T/hostile.img" bs=1 seek=$((512 + 80)) conv=notrunc status=none
g=$(first "$("$MTDSCOPE" scan --json "$T/hostile.img")" gpt)
is "$(jq -r .valid <<<"$g")" false "gpt hostile entry count: invalid"
like "$(jq -r '.problems | join(";")' <<<"$g")" "unreasonable" "gpt hostile entry count: reported"

# ---- MBR ----
truncate -s 64M "$T/mbr.img"
printf 'label: dos\nstart=2048, size=8192, type=c, bootable\nstart=10240, size=16384, type=83\nstart=26624, type=5\nstart=28672, size=4096, type=83\nstart=34816, size=2048, type=82\n' |
	sfdisk -q "$T/mbr.img" >/dev/null
dd if="$T/fs.img" of="$T/mbr.img" bs=512 seek=10240 conv=notrunc status=none
j=$("$MTDSCOPE" scan --json "$T/mbr.img")
m=$(first "$j" mbr)
sd=$(sfdisk -d "$T/mbr.img")
want=$(sed -n 's/.*img\([0-9]*\) : start= *\([0-9]*\), size= *\([0-9]*\), type=\([0-9a-f]*\).*/\1 \2 \3/p' <<<"$sd" | tr '\n' ' ')
got=$(jq -r '.details.partitions[]' <<<"$m" | sed 's/^\([0-9]*\) .*start=\([0-9]*\) sectors=\([0-9]*\).*/\1 \2 \3/' | tr '\n' ' ')
is "$got" "$want" "mbr: partitions (number, start, size) as sfdisk -d, logicals included"
is "$(jq -r .details.partition_count <<<"$m")" "$(grep -c ' : start=' <<<"$sd")" "mbr: partition count"
is "$(jq -r .details.disk_signature <<<"$m")" "$(($(sed -n 's/^label-id: //p' <<<"$sd")))" "mbr: disk signature"
like "$(jq -r '.details.partitions[0]' <<<"$m")" "fat32 .*bootable" "mbr: type and boot flag"
is "$(jq -r .size <<<"$m")" $((64 << 20)) "mbr: extent = end of the last partition"
is "$(jq -r .valid <<<"$m")" true "mbr: valid"
e=$(first "$j" ext4)
is "$(jq -r .parent <<<"$e")" "$(jq -r .id <<<"$m")" "mbr: ext4 found inside partition 2"

# hostile: the second EBR's link points back at itself
ebr2=$(((26624 + $(od -An -t u4 -j $((26624 * 512 + 462 + 8)) -N 4 "$T/mbr.img" | tr -d ' ')) * 512))
cp "$T/mbr.img" "$T/loop.img"
rel=$(((ebr2 / 512) - 26624))
printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((rel & 255)) $((rel >> 8 & 255)) $((rel >> 16 & 255)) $((rel >> 24)))" |
	dd of="$T/loop.img" bs=1 seek=$((ebr2 + 462 + 8)) conv=notrunc status=none
printf '\5\0\0\0\0\0\0\0\0\0\0\1' | dd of="$T/loop.img" bs=1 seek=$((ebr2 + 462 + 4)) count=4 conv=notrunc status=none
m=$(timeout 10 "$MTDSCOPE" scan --json "$T/loop.img" | jq -c '[.components[] | select(.type == "mbr")][0]')
is "$(jq -r .valid <<<"$m")" false "mbr EBR loop: terminates, invalid"
like "$(jq -r '.problems | join(";")' <<<"$m")" "loops back" "mbr EBR loop: reported"

# 0x55AA alone is not a partition table
{ head -c 510 /dev/zero; printf '\125\252'; head -c 3584 /dev/zero; } > "$T/sig.bin"
is "$("$MTDSCOPE" scan --json "$T/sig.bin" | jq '[.components[] | select(.type == "mbr")] | length')" 0 "bare 0x55AA ignored"
done_testing
