#!/usr/bin/env bash
# squashfs: superblock fields, exact extent and root listing against unsquashfs -s / -l / -lls.
. "$SRCDIR/tests/lib.sh"
need mksquashfs unsquashfs jq
export TZ=UTC

mkdir -p "$T/root/bin" "$T/root/etc" "$T/root/www/cgi-bin"
echo "hello" > "$T/root/etc/motd"
head -c 150000 /dev/urandom > "$T/root/bin/blob"
seq 1 20000 > "$T/root/etc/numbers"
ln -s blob "$T/root/bin/sh"
mkfifo "$T/root/etc/fifo"

# value of a "Key N" line of unsquashfs -s
sq_field() { sed -n "s/^$2 \([0-9]*\).*/\1/p" <<<"$1" | head -1; }

# first component of a type: as compact JSON
first() { jq -c "[.components[] | select(.type == \"$2\")][0]" <<<"$1"; }

prefix=65536
for spec in xz:131072 gzip:4096 lzo:65536 lz4:1048576 zstd:262144; do
	c=${spec%%:*} b=${spec#*:}
	img="$T/sq-$c.img"
	mksquashfs "$T/root" "$img" -comp "$c" -b "$b" -noappend -quiet >/dev/null 2>&1 ||
		{ ok 1 "mksquashfs -comp $c"; continue; }
	# embed it between erased flash so the offset and the exact end are checked too
	{ head -c $prefix /dev/zero | tr '\0' '\377'; cat "$img"; head -c 70000 /dev/zero | tr '\0' '\377'; } > "$T/flash-$c.bin"
	s=$(unsquashfs -s "$img")
	j=$("$MTDSCOPE" scan --json "$T/flash-$c.bin")
	q=$(first "$j" squashfs)
	is "$(jq -r .offset <<<"$q")" $prefix "$c: found at its offset"
	is "$(jq -r .size <<<"$q")" "$(sq_field "$s" 'Filesystem size')" "$c: extent is bytes_used (unsquashfs -s)"
	is "$(jq -r .details.bytes_used <<<"$q")" "$(sq_field "$s" 'Filesystem size')" "$c: bytes_used"
	is "$(jq -r .details.compression <<<"$q")" "$(sed -n 's/^Compression //p' <<<"$s")" "$c: compression"
	is "$(jq -r .details.block_size <<<"$q")" "$(sq_field "$s" 'Block size')" "$c: block size $b"
	is "$(jq -r .details.inodes <<<"$q")" "$(sq_field "$s" 'Number of inodes')" "$c: inode count"
	is "$(jq -r .details.version <<<"$q")" "4.0" "$c: version"
	when=$(sed -n 's/^Creation or last append time //p' <<<"$s")
	is "$(jq -r .details.mkfs_time <<<"$q")" "$(date -u -d "$when" +%Y-%m-%dT%H:%M:%SZ)" "$c: mkfs time"
	is "$(jq -r .valid <<<"$q")" true "$c: valid"
	want=$(unsquashfs -l "$img" | sed -n 's|^squashfs-root/\([^/]*\)$|\1|p' | sort | tr '\n' ' ')
	got=$(jq -r '.details.root[]' <<<"$q" | sed 's|[/@]$||' | sort | tr '\n' ' ')
	is "$got" "$want" "$c: root listing matches unsquashfs -l"
	# types: directories end in /, symlinks in @ (unsquashfs -lls shows d / l)
	wantd=$(unsquashfs -lls "$img" | awk '$1 ~ /^d/ {print $NF}' | sed -n 's|^squashfs-root/\([^/]*\)$|\1/|p' | sort | tr '\n' ' ')
	gotd=$(jq -r '.details.root[]' <<<"$q" | grep '/$' | sort | tr '\n' ' ')
	is "$gotd" "$wantd" "$c: root directories match unsquashfs -lls"
	is "$(jq -r '.components[] | select(.offset == 0) | .type' <<<"$j" | head -1)" erased "$c: erased flash before it"
done

# a filesystem cut in the middle: clamped, invalid, with the reason
img="$T/sq-xz.img"
used=$(stat -c %s "$img")
head -c $((used / 2)) "$img" > "$T/cut.img"
q=$(first "$("$MTDSCOPE" scan --json "$T/cut.img")" squashfs)
is "$(jq -r .valid <<<"$q")" false "cut: invalid"
is "$(jq -r .size <<<"$q")" $((used / 2)) "cut: clamped to the file"
like "$(jq -r '.problems | join(";")' <<<"$q")" 'truncated: bytes_used' "cut: says truncated"

# a root directory too big to list in full: counted, the list capped
mkdir "$T/big"
for i in $(seq 1 300); do : > "$T/big/f$i"; done
mksquashfs "$T/big" "$T/big.img" -noappend -quiet >/dev/null 2>&1
q=$(first "$("$MTDSCOPE" scan --json "$T/big.img")" squashfs)
is "$(jq -r .details.root_entries <<<"$q")" "$(unsquashfs -l "$T/big.img" | grep -c '^squashfs-root/')" "300 entries counted"
is "$(jq -r '.details.root | length' <<<"$q")" 64 "listed names capped at 64"

# damaged metadata: the inode table overwritten, never a crash, invalid with a reason
cp "$img" "$T/bad.img"
inode_tab=$(od -An -t u8 -j 64 -N 8 "$img" | tr -d ' ')
printf '\252%.0s' $(seq 1 64) | dd of="$T/bad.img" bs=1 seek="$inode_tab" conv=notrunc status=none
j=$("$MTDSCOPE" scan --json "$T/bad.img"); rc=$?
is "$rc" 0 "damaged metadata: scan completes"
q=$(first "$j" squashfs)
is "$(jq -r .valid <<<"$q")" false "damaged metadata: invalid"
like "$(jq -r '.problems | join(";")' <<<"$q")" 'unreadable|broken|decompress|corrupt' "damaged metadata: reason given"

# a stray magic is not a filesystem
{ printf 'hsqs'; head -c 4000 /dev/zero; } > "$T/stray.bin"
is "$("$MTDSCOPE" scan --json "$T/stray.bin" | jq '[.components[] | select(.type == "squashfs")] | length')" 0 "stray hsqs ignored"
done_testing
