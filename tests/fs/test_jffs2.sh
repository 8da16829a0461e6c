#!/usr/bin/env bash
# jffs2: both endiannesses, erase sizes and padding from mkfs.jffs2; node counts and CRC verdicts
# compared with jffs2dump -c (mtd-utils), one component per filesystem.
. "$SRCDIR/tests/lib.sh"
need mkfs.jffs2 jffs2dump jq

mkdir -p "$T/root/bin" "$T/root/etc/config" "$T/root/www"
head -c 120000 /dev/urandom > "$T/root/bin/blob"
seq 1 30000 > "$T/root/etc/numbers"
echo "config system" > "$T/root/etc/config/system"
ln -s blob "$T/root/bin/link"

first() { jq -c "[.components[] | select(.type == \"jffs2\")][0]" <<<"$1"; }
count_type() { jq "[.components[] | select(.type == \"$2\")] | length" <<<"$1"; }
# jffs2dump's view: number of lines of a node kind
dump_count() { grep -c "^ *$2 " <<<"$1"; }
# end of the last node jffs2dump lists, 4-byte aligned
dump_end() {
	local at len
	read -r at len < <(sed -n 's/.* at *\(0x[0-9a-f]*\), totlen *\(0x[0-9a-f]*\).*/\1 \2/p' <<<"$1" | tail -1)
	echo $(((at + len + 3) & ~3))
}

for spec in "-l -e 0x10000:little:-l" "-b -e 0x20000:big:-b" "-l -e 0x10000 -p 0x80000:little:-l" "-b -e 0x10000 -p:big:-b"; do
	IFS=: read -r opts endian dopt <<<"$spec"
	name=$(tr -d ' ' <<<"$opts")
	# shellcheck disable=SC2086
	mkfs.jffs2 $opts -d "$T/root" -o "$T/j.img" 2>/dev/null || { ok 1 "mkfs.jffs2 $opts"; continue; }
	dump=$(jffs2dump -cv $dopt "$T/j.img" 2>&1)
	# rootfs_data behind 64 KiB of erased flash, followed by erased flash
	{ head -c 65536 /dev/zero | tr '\0' '\377'; cat "$T/j.img"; head -c 131072 /dev/zero | tr '\0' '\377'; } > "$T/flash.bin"
	j=$("$MTDSCOPE" scan --json "$T/flash.bin")
	q=$(first "$j")
	is "$(count_type "$j" jffs2)" 1 "$name: one component for the filesystem"
	is "$(jq -r .offset <<<"$q")" 65536 "$name: offset"
	is "$(jq -r .details.endian <<<"$q")" "$endian" "$name: endianness"
	is "$(jq -r .size <<<"$q")" "$(dump_end "$dump")" "$name: extent ends after the last node"
	is "$(jq -r .details.inode_nodes <<<"$q")" "$(dump_count "$dump" Inode)" "$name: inode nodes as jffs2dump"
	is "$(jq -r .details.dirent_nodes <<<"$q")" "$(dump_count "$dump" Dirent)" "$name: dirent nodes as jffs2dump"
	is "$(jq -r .details.inodes <<<"$q")" "$(sed -n 's/.*Inode .*#ino *\([0-9]*\),.*/\1/p' <<<"$dump" | sort -u | wc -l)" "$name: distinct inodes as jffs2dump"
	is "$(jq -r .details.cleanmarkers <<<"$q")" "$(dump_count "$dump" Cleanmarker)" "$name: cleanmarkers as jffs2dump"
	total=$(grep -c ' at *0x' <<<"$dump")
	is "$(jq -r .details.nodes <<<"$q")" "$total" "$name: all nodes walked"
	is "$(jq -r .details.bad_crc <<<"$q")" 0 "$name: no bad CRC"
	is "$(jq -r .valid <<<"$q")" true "$name: valid"
done

# erase size seen from the cleanmarkers
mkfs.jffs2 -l -e 0x10000 -d "$T/root" -o "$T/j.img"
q=$(first "$("$MTDSCOPE" scan --json "$T/j.img")")
is "$(jq -r .details.erase_size <<<"$q")" 65536 "erase size from cleanmarker spacing"
is "$(jq -r .size <<<"$q")" "$(stat -c %s "$T/j.img")" "unpadded image: extent is the whole file"

# one inode whose data CRC is broken: jffs2dump says so, and so do we
dump=$(jffs2dump -cv "$T/j.img")
at=$(sed -n 's/.*Inode *node at *\(0x[0-9a-f]*\), totlen 0x0000104.*/\1/p' <<<"$dump" | head -1)
cp "$T/j.img" "$T/bad-data.img"
printf '\125' | dd of="$T/bad-data.img" bs=1 seek=$((at + 68 + 100)) conv=notrunc status=none
like "$(jffs2dump -c "$T/bad-data.img" 2>&1)" "Wrong data_crc" "jffs2dump sees the bad data CRC"
q=$(first "$("$MTDSCOPE" scan --json "$T/bad-data.img")")
is "$(jq -r .valid <<<"$q")" false "bad data CRC: invalid"
is "$(jq -r .details.bad_crc <<<"$q")" 1 "bad data CRC: one bad node"
is "$(jq -r .details.first_bad_node <<<"$q")" "$(printf '0x%x' $((at)))" "bad data CRC: where"
is "$(jq -r .size <<<"$q")" "$(stat -c %s "$T/j.img")" "bad data CRC: still one whole filesystem"

# a broken header CRC: the walk resyncs on the next node, the filesystem stays whole
at2=$(sed -n 's/.*Inode *node at *\(0x[0-9a-f]*\), totlen 0x0000104.*/\1/p' <<<"$dump" | sed -n 2p)
cp "$T/j.img" "$T/bad-hdr.img"
printf '\0' | dd of="$T/bad-hdr.img" bs=1 seek=$((at2 + 8)) conv=notrunc status=none
like "$(jffs2dump -c "$T/bad-hdr.img" 2>&1)" "Wrong hdr_crc" "jffs2dump sees the bad header CRC"
j=$("$MTDSCOPE" scan --json "$T/bad-hdr.img")
q=$(first "$j")
is "$(count_type "$j" jffs2)" 1 "bad header CRC: still one component"
is "$(jq -r .details.nodes <<<"$q")" $(($(grep -c ' at *0x' <<<"$dump") - 1)) "bad header CRC: every other node walked"
like "$(jq -r '.problems | join(";")' <<<"$q")" "1 node headers fail their CRC \\(first bad node at $(printf '0x%x' $((at2)))\\)" "bad header CRC: reported"

# cut in the middle of a node: clamped and invalid
head -c $((at + 2000)) "$T/j.img" > "$T/cut.img"
q=$(first "$("$MTDSCOPE" scan --json "$T/cut.img")")
is "$(jq -r .size <<<"$q")" $((at + 2000)) "cut: clamped"
like "$(jq -r '.problems | join(";")' <<<"$q")" truncated "cut: says truncated"
done_testing
