#!/usr/bin/env bash
# Hostile and damaged inputs for the filesystem and partition-table probes: every saved fuzz seed
# (fuzz/corpus/<format>/, made by tests/fs/make-fs-seeds.sh) and a few hand-made worst cases.
# Each must scan to completion, quickly, with every byte accounted for.
. "$SRCDIR/tests/lib.sh"
need jq

covers() { # FILE DESCRIPTION: scan completes in time and the top level adds up to the file size
	local out rc
	out=$(timeout 20 "$MTDSCOPE" scan --json "$1" 2>"$T/err"); rc=$?
	if [ $rc -ne 0 ]; then ok 1 "$2: scan exits 0 (got $rc)"; sed 's/^/#   /' "$T/err" | head -5; return; fi
	is "$(jq '[.components[] | select(.parent == null) | .size] | add // 0' <<<"$out")" "$(stat -c %s "$1")" "$2: scans, every byte accounted for"
}

for fmt in squashfs jffs2 ubi ubifs cpio tar ext4 gpt mbr; do
	for f in "$SRCDIR/fuzz/corpus/$fmt"/*; do
		[ -f "$f" ] || continue
		covers "$f" "seed $fmt/$(basename "$f")"
	done
done

# 4 MiB of JFFS2 magic with a valid first node, then bad header CRCs everywhere: bounded resync
python3 - "$T/jffs2-magic.bin" <<'EOF'
import sys, zlib, struct
def crc(b): return (zlib.crc32(b, 0xffffffff) ^ 0xffffffff) & 0xffffffff  # Linux crc32 seeded 0
hdr = struct.pack('<HHI', 0x1985, 0x2003, 12)
node = hdr + struct.pack('<I', crc(hdr))
blk = node + b'\x85\x19\x03\x20' * ((4096 - 12) // 4)
open(sys.argv[1], 'wb').write(blk * 1024)
EOF
start=$(date +%s%N)
covers "$T/jffs2-magic.bin" "jffs2 magic everywhere"
ms=$((($(date +%s%N) - start) / 1000000))
ok $((ms > 10000)) "jffs2 magic everywhere: bounded time (${ms} ms)"

# UBI EC headers with valid CRCs claiming absurd offsets, in every 4 KiB block
python3 - "$T/ubi-ec.bin" <<'EOF'
import sys, zlib, struct
def crc(b): return (zlib.crc32(b, 0) ^ 0xffffffff) & 0xffffffff  # Linux crc32 seeded ~0
h = b'UBI#' + bytes([1, 0, 0, 0]) + struct.pack('>QIII', 0, 64, 128, 7) + bytes(32)
h += struct.pack('>I', crc(h))
vid = b'UBI!' + bytes([1, 1, 0, 0]) + struct.pack('>II', 0x7fffefff, 0xffffffff) + bytes(44)
vid += struct.pack('>I', crc(vid))
peb = h + vid + b'\xff' * (4096 - 128)
open(sys.argv[1], 'wb').write(peb * 512)
EOF
covers "$T/ubi-ec.bin" "ubi headers everywhere"
u=$("$MTDSCOPE" scan --json "$T/ubi-ec.bin" | jq -c '[.components[] | select(.type == "ubi")][0]')
is "$(jq -r .valid <<<"$u")" false "ubi without a volume table: invalid"

# issue 10: 8 KiB of UBI whose vid_hdr_offset 0xfffffff0 wraps past 32 bits when 64 is added (the
# probe compared data_offset with it and then read 4 GiB past the header: scan, extract and env
# crashed).  The same bytes are kept in fuzz/corpus/ubi/ so every replay tries them.
python3 - "$T/ubi-wrap.bin" <<'EOF'
import sys, zlib, struct
def crc(b): return (zlib.crc32(b, 0) ^ 0xffffffff) & 0xffffffff  # Linux crc32 seeded ~0
h = b'UBI#' + bytes([1, 0, 0, 0]) + struct.pack('>QIII', 0, 0xfffffff0, 0x40, 0x1234) + bytes(32)
peb = h + struct.pack('>I', crc(h))
open(sys.argv[1], 'wb').write((peb + b'\xff' * (4096 - len(peb))) * 2)
EOF
check "wrapping UBI offsets: the corpus keeps these bytes" cmp "$T/ubi-wrap.bin" "$SRCDIR/fuzz/corpus/ubi/vid-offset-wrap.ubi"
covers "$T/ubi-wrap.bin" "wrapping UBI offsets"
is "$("$MTDSCOPE" scan --json "$T/ubi-wrap.bin" | jq '[.components[] | select(.type == "ubi")] | length')" 0 \
	"wrapping UBI offsets: not a UBI image"
"$MTDSCOPE" scan --top-level "$T/ubi-wrap.bin" >/dev/null 2>&1; rc=$?
ok $((rc != 0)) "wrapping UBI offsets: scan --top-level exits 0 (got $rc)"
"$MTDSCOPE" extract "$T/ubi-wrap.bin" -C "$T/ubi-wrap.out" >/dev/null 2>&1; rc=$?
ok $((rc != 0)) "wrapping UBI offsets: extract exits 0 (got $rc)"
for cmd in env eeprom; do
	"$MTDSCOPE" "$cmd" "$T/ubi-wrap.bin" >/dev/null 2>"$T/err"; rc=$?
	ok $((rc >= 2)) "wrapping UBI offsets: $cmd ends with 0 or 1, no signal (got $rc)"
done

# a squashfs superblock whose tables all point at the superblock itself
python3 - "$T/sq-self.bin" <<'EOF'
import sys, struct
sb = b'hsqs' + struct.pack('<IIIIHHHHHH', 1, 0, 131072, 0, 1, 17, 0, 1, 4, 0)
sb += struct.pack('<QQQQQQQQ', 0, 4096, 96, 0xffffffffffffffff, 96, 100, 0xffffffffffffffff, 0xffffffffffffffff)
open(sys.argv[1], 'wb').write(sb + bytes(4000))
EOF
covers "$T/sq-self.bin" "squashfs self-referencing tables"
q=$("$MTDSCOPE" scan --json "$T/sq-self.bin" | jq -c '[.components[] | select(.type == "squashfs")][0]')
is "$(jq -r .valid <<<"$q")" false "squashfs self-referencing tables: invalid"

# a GPT whose partitions overlap and point past the disk
if command -v sgdisk >/dev/null; then
	truncate -s 2M "$T/gpt.img"
	sgdisk -o -n 1:2048:+100K -n 2:0:+100K "$T/gpt.img" >/dev/null
	python3 - "$T/gpt.img" <<'EOF'
import sys, struct, zlib
f = open(sys.argv[1], 'r+b'); d = bytearray(f.read())
for lba in (1, len(d) // 512 - 1):
    h = lba * 512
    ent = struct.unpack_from('<Q', d, h + 72)[0] * 512
    struct.pack_into('<QQ', d, ent + 128 + 32, 40, 1 << 40)  # entry 2: overlaps 1, ends far away
    struct.pack_into('<I', d, h + 88, zlib.crc32(bytes(d[ent:ent + 128 * 128])))
    struct.pack_into('<I', d, h + 16, 0)
    struct.pack_into('<I', d, h + 16, zlib.crc32(bytes(d[h:h + 92])))
f.seek(0); f.write(d)
EOF
	covers "$T/gpt.img" "gpt with overlapping, oversized partitions"
	g=$("$MTDSCOPE" scan --json "$T/gpt.img" | jq -c '[.components[] | select(.type == "gpt")][0]')
	like "$(jq -r '.problems | join(";")' <<<"$g")" "outside the usable LBAs" "gpt oversized partition reported"
fi
done_testing
