#!/usr/bin/env bash
# Big-endian squashfs 4.0: Debian's mksquashfs writes little-endian only, so the test swaps the
# 96-byte superblock of a real mksquashfs image field by field (layout: squashfs-tools
# squashfs_fs.h struct squashfs_super_block) and expects the same fields and extent, big-endian.
. "$SRCDIR/tests/lib.sh"
need mksquashfs unsquashfs python3 jq

mkdir -p "$T/root/etc" && seq 1 5000 > "$T/root/etc/seq" && echo OpenWrt > "$T/root/etc/banner"
mksquashfs "$T/root" "$T/le.sqfs" -comp xz -b 65536 -noappend -all-root -quiet >/dev/null
python3 - "$T/le.sqfs" "$T/be.sqfs" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
f = struct.unpack('<4sIIIIHHHHHHQQQQQQQQ', d[:96])
d[:96] = struct.pack('>4sIIIIHHHHHHQQQQQQQQ', b'sqsh', *f[1:])
open(sys.argv[2], 'wb').write(d)
PY
head -c 3000 /dev/urandom > "$T/junk"
cat "$T/junk" "$T/be.sqfs" > "$T/blob"
c=$("$MTDSCOPE" scan --json "$T/blob" | jq -c '[.components[] | select(.type == "squashfs")][0]')
used=$(unsquashfs -s "$T/le.sqfs" | sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p')
is "$(jq -r '"\(.offset) \(.size) \(.valid) \(.details.version) \(.details.endian)"' <<<"$c")" "3000 $used true 4.0 big" \
	"big-endian squashfs 4.0: exact extent (bytes_used as unsquashfs -s says of the original), version, byte order"
is "$(jq -r '"\(.details.compression) \(.details.block_size) \(.details.inodes)"' <<<"$c")" \
	"xz 65536 $(unsquashfs -s "$T/le.sqfs" | sed -n 's/^Number of inodes \([0-9]*\)$/\1/p')" \
	"big-endian squashfs 4.0: compression, block size, inodes"
like "$(jq -r .details.note <<<"$c")" "big-endian" "big-endian squashfs 4.0: says it is read as a superblock only"
head -c 2000 "$T/be.sqfs" > "$T/cut"
c=$("$MTDSCOPE" scan --json "$T/cut" | jq -c '[.components[] | select(.type == "squashfs")][0]')
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "2000 false" "big-endian squashfs 4.0 cut: clamped, invalid"

done_testing
