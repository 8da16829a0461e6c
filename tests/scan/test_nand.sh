#!/usr/bin/env bash
# Views of the flash: NAND dumps with spare areas.  A UBI image from mkfs.ubifs + ubinize (2048-byte pages,
# 128 KiB blocks) and a uImage from mkimage are laid out by tests/scan/nand_layout.py into page+OOB form as
# a NAND holds them (erased pages all 0xFF, Hamming ECC in the spare of written pages, a factory bad block
# skipped), plain, under a MediaTek BMT v2 table and under an NMBM table.  scan must detect the geometry,
# find the UBI and the uImage in the view (at the right dump offsets), and the view extract writes must be
# byte for byte the data that was laid out (sha256).  The same with every spare all 0xFF (no ECC) for
# 2048+64/128 and 4096+128/224/256.  nandsim + nanddump --oob when the kernel allows it.
. "$SRCDIR/tests/lib.sh"
need jq python3 mkfs.ubifs ubinize mkimage sha256sum

L="python3 $SRCDIR/tests/scan/nand_layout.py"
BLK=$((2048 * 64)) RAWBLK=$((2112 * 64))
mkdir -p "$T/root/etc"
seq 1 20000 >"$T/root/etc/numbers"
head -c 300000 /dev/urandom >"$T/root/blob"
mkfs.ubifs -q -m 2048 -e 126976 -c 64 -r "$T/root" -o "$T/ubifs.img"
cat >"$T/ubi.ini" <<INI
[data]
mode=ubi
image=$T/ubifs.img
vol_id=0
vol_type=dynamic
vol_name=rootfs_data
vol_size=3MiB
INI
ubinize -o "$T/ubi.img" -m 2048 -p 128KiB -s 2048 "$T/ubi.ini" 2>/dev/null
check "ubinize made the UBI image" test -s "$T/ubi.img"
ubiblocks=$(($(stat -c %s "$T/ubi.img") / BLK))
head -c 90000 /dev/urandom >"$T/k"
mkimage -A arm -O linux -T kernel -C none -a 0x40000000 -e 0x40000000 -n "nand kernel" -d "$T/k" "$T/uimage" >/dev/null

scanj() { "$MTDSCOPE" scan --json "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# the decoded content (the view) of the top nand component, written by extract
view_bytes() { # DUMP OUT [scan options]
	local dump=$1 out=$2; shift 2
	rm -rf "$T/x"
	"$MTDSCOPE" extract "$@" -C "$T/x" "$dump" >/dev/null 2>&1
	cp "$(find "$T/x" -path '*nand*' -name decoded.bin | head -1)" "$out" 2>/dev/null
}

# ---- plain: 128 blocks, block 5 bad, UBI at logical 0, the uImage at logical 100 ----
$L "$T/plain.bin" "$T/plain.want" --blocks 128 --bad 5 0:"$T/ubi.img" 100:"$T/uimage"
scanj "$T/plain.bin" >"$T/p.json"; ok $? "scan of the NAND dump exits 0"
is "$(jq -r .view.name "$T/p.json")" "nand:2048+64" "geometry detected: 2048+64"
is "$(jq -r .view.detected "$T/p.json")" true "the view was detected, not named"
is "$(jq -c .view.bad_blocks "$T/p.json")" "[5]" "bad block 5 reported"
is "$(jq -r .view.view_blocks "$T/p.json")" 127 "the view skips the bad block (127 blocks)"
is "$(jq -r '.components[0].type' "$T/p.json")" nand "the top component is the nand view"
is "$(jq -r '.components[0].size' "$T/p.json")" $((128 * RAWBLK)) "it covers the whole dump"
u=$(jq -c '[.components[] | select(.type == "ubi" and .space == 0)][0]' "$T/p.json")
is "$(jq -r .offset <<<"$u")" 0 "UBI at offset 0 of the view"
is "$(jq -r .valid <<<"$u")" true "UBI is valid"
is "$(jq -r .details.raw_offset <<<"$u")" 0 "UBI raw offset 0"
k=$(jq -c '[.components[] | select(.type == "uimage" and .space == 0)][0]' "$T/p.json")
is "$(jq -r .offset <<<"$k")" $((100 * BLK)) "uImage at logical block 100 of the view"
is "$(jq -r .valid <<<"$k")" true "uImage valid (data read across page boundaries without spare bytes)"
is "$(jq -r .details.raw_offset <<<"$k")" $((101 * RAWBLK)) "uImage raw offset: physical block 101 (bad block 5 skipped)"
is "$(jq '[.components[] | select(.space == 0 and .type == "ubi")] | length' "$T/p.json")" 1 "one UBI, no false copies"
is "$(jq '[.components[] | select(.space == null and .parent == 0)] | length' "$T/p.json")" 0 "nothing scanned in the raw dump besides the view"
view_bytes "$T/plain.bin" "$T/plain.view"
is "$(sha "$T/plain.view")" "$(sha "$T/plain.want")" "the view's bytes are the data that was laid out (sha256)"
head -c $(stat -c %s "$T/ubi.img") "$T/plain.view" >"$T/ubi.back"
is "$(sha "$T/ubi.back")" "$(sha "$T/ubi.img")" "the UBI image comes back whole from the view (sha256)"
txt=$("$MTDSCOPE" scan --color=never "$T/plain.bin")
like "$txt" "view nand:2048\+64, 128 blocks of 128 KiB, 1 bad block skipped \(detected\)" "text names the view"
like "$txt" "raw_offset=0x$(printf %x $((101 * RAWBLK)))" "text shows the raw offset"

# ---- the same data read without the view, or through a wrong geometry ----
scanj --view none "$T/plain.bin" >"$T/none.json"
is "$(jq -r .view "$T/none.json")" null "--view none: no view"
scanj --view nand:4096+128 "$T/plain.bin" >"$T/wrong.json"
is "$(jq -r .view.name "$T/wrong.json")" "nand:4096+128" "--view nand:4096+128 is taken as named"
is "$(jq -r .view.detected "$T/wrong.json")" false "a named view is not 'detected'"
"$MTDSCOPE" scan --view nand:2048+65 "$T/plain.bin" >/dev/null 2>"$T/err"; rc=$?
is "$rc" 1 "--view nand:2048+65 (not whole blocks) fails"
like "$(cat "$T/err")" "not whole blocks of 64 pages of 2048\+65 bytes" "and says why"
"$MTDSCOPE" scan --view bogus "$T/plain.bin" >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "unknown view 'bogus'" "an unknown view is named in the error"
# a NOR-sized file (power of two) is never taken for NAND
head -c $((128 * BLK)) "$T/plain.want" >"$T/nor.bin"
is "$(scanj "$T/nor.bin" | jq -r .view)" null "a power-of-two dump gets no NAND view"

# ---- MediaTek BMT v2: logical block 10 moved to pool block 120 ----
$L "$T/bmt.bin" "$T/bmt.want" --blocks 128 --bad 5 --table bmt --remap 10:120 0:"$T/ubi.img" 40:"$T/uimage"
scanj "$T/bmt.bin" >"$T/b.json"
is "$(jq -r .view.remap.table "$T/b.json")" bmt "BMT table found"
is "$(jq -r .view.remap.block "$T/b.json")" 127 "BMT table in the last block"
is "$(jq -r .view.view_blocks "$T/b.json")" 46 "BMT view: the blocks before the PMT and the pool (128-80-2)"
view_bytes "$T/bmt.bin" "$T/bmt.view"
is "$(sha "$T/bmt.view")" "$(sha "$T/bmt.want")" "BMT view equals the logical data (sha256)"
is "$(jq '[.components[] | select(.type == "ubi" and .space == 0 and .valid)] | length' "$T/b.json")" 1 "UBI valid under BMT"
is "$(jq -r '[.components[] | select(.type == "uimage")][0].details.raw_offset' "$T/b.json")" $((41 * RAWBLK)) \
	"uImage under BMT: logical 40 is physical 41"

# ---- NMBM: signature in the last block, info table at the management area, logical 10 moved to 110 ----
$L "$T/nmbm.bin" "$T/nmbm.want" --blocks 128 --bad 5 --table nmbm --remap 10:110 0:"$T/ubi.img" 60:"$T/uimage"
scanj "$T/nmbm.bin" >"$T/n.json"
is "$(jq -r .view.remap.table "$T/n.json")" nmbm "NMBM table found"
is "$(jq -r .view.view_blocks "$T/n.json")" $(($(stat -c %s "$T/nmbm.want") / BLK)) "NMBM view: the mapped logical blocks"
view_bytes "$T/nmbm.bin" "$T/nmbm.view"
is "$(sha "$T/nmbm.view")" "$(sha "$T/nmbm.want")" "NMBM view equals the logical data (sha256)"
is "$(jq '[.components[] | select(.type == "ubi" and .space == 0 and .valid)] | length' "$T/n.json")" 1 "UBI valid under NMBM"
# a damaged NMBM info table (one byte) is not trusted: plain bad-block skipping instead
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[112 * 2112 * 64 + 40] ^= 1; open(sys.argv[2], "wb").write(d)' "$T/nmbm.bin" "$T/nmbm-bad.bin"
is "$(scanj "$T/nmbm-bad.bin" | jq -r .view.remap)" null "NMBM info table failing its CRC: not used"

# ---- the MediaTek NFI raw layout (MT7621 NAND): spare after every 512-byte sector, marker swapped ----
$L "$T/mtk.bin" "$T/mtk.want" --mtk --blocks 128 --bad 5 0:"$T/ubi.img" 100:"$T/uimage"
scanj "$T/mtk.bin" >"$T/m.json"
is "$(jq -r .view.name "$T/m.json")" "nand-mtk:2048+64" "NFI layout detected: nand-mtk:2048+64"
is "$(jq -r .view.layout "$T/m.json")" mediatek-nfi "layout named mediatek-nfi"
is "$(jq -c .view.bad_blocks "$T/m.json")" "[5]" "NFI layout: the bad block found at the swapped marker"
view_bytes "$T/mtk.bin" "$T/mtk.view"
is "$(sha "$T/mtk.view")" "$(sha "$T/mtk.want")" "NFI view: sectors joined and the swapped byte put back (sha256)"
is "$(jq -r '[.components[] | select(.type == "uimage")][0].valid' "$T/m.json")" true "uImage valid in the NFI view"
is "$(jq -r .view.layout "$T/p.json")" linear "the plain dump stays linear"
scanj --view nand:2048+64 "$T/mtk.bin" >"$T/m2.json"
is "$(jq '[.components[] | select(.type == "uimage" and .valid)] | length' "$T/m2.json")" 0 \
	"read as linear, the NFI dump's uImage fails (the layout matters)"
$L "$T/mtkbmt.bin" "$T/mtkbmt.want" --mtk --blocks 128 --bad 5 --table bmt --remap 10:120 0:"$T/ubi.img"
scanj "$T/mtkbmt.bin" >"$T/mb.json"
is "$(jq -r '.view.name + " " + .view.remap.table' "$T/mb.json")" "nand-mtk:2048+64 bmt" "NFI layout with a BMT table"
view_bytes "$T/mtkbmt.bin" "$T/mtkbmt.view"
is "$(sha "$T/mtkbmt.view")" "$(sha "$T/mtkbmt.want")" "NFI + BMT view equals the logical data (sha256)"

# ---- hostile tables: nothing crashes, nothing reads outside the dump ----
python3 -c '
import struct, sys, zlib
d = bytearray(open(sys.argv[1], "rb").read()); RB = 2112 * 64
# BMT: every logical block mapped to block 1, then to block numbers past the chip
t = 127 * RB
d[t + 4:t + 4 + 2 * 40] = struct.pack("<40H", *([1] * 20 + [0xfffe] * 20))
open(sys.argv[2], "wb").write(d)' "$T/bmt.bin" "$T/bmt-hostile.bin"
scanj "$T/bmt-hostile.bin" >"$T/bh.json"; ok $? "hostile BMT table: scan exits 0"
is "$(jq -r .view.remap.table "$T/bh.json")" bmt "hostile BMT: the table is still read"
is "$(jq -r .view.view_blocks "$T/bh.json")" 18 "hostile BMT: the map ends at the first block past the chip (20 - 2)"
python3 -c '
import struct, sys, zlib
def crc(b): return (~zlib.crc32(b, 0xFFFFFFFF)) & 0xFFFFFFFF
d = bytearray(open(sys.argv[1], "rb").read()); RB = 2112 * 64
# NMBM info table at block 112 (page 0 data): a mapping table offset far past its size, CRC made to hold
o = 112 * RB
size = struct.unpack_from("<I", d, o + 8)[0]
struct.pack_into("<I", d, o + 24, 0x7ffffff0)
info = bytearray(d[o:o + size]); info[12:16] = b"\0" * 4
struct.pack_into("<I", d, o + 12, crc(bytes(info)))
open(sys.argv[2], "wb").write(d)' "$T/nmbm.bin" "$T/nmbm-hostile.bin"
scanj "$T/nmbm-hostile.bin" >"$T/nh.json"; ok $? "hostile NMBM info table: scan exits 0"
is "$(jq -r .view.remap "$T/nh.json")" null "NMBM table whose map lies outside it: not used"
head -c $((128 * RAWBLK)) /dev/urandom >"$T/random.bin"
is "$(scanj "$T/random.bin" | jq -r .view)" null "random bytes of a NAND dump's size: no view"

# ---- split and diff read the dump through the view too, bad blocks kept in place (MTD addresses) ----
echo 'mtdparts=nand0:0x240000(ubi),-(rest)' >"$T/parts.txt"
mkdir -p "$T/split"
"$MTDSCOPE" split --layout "$T/parts.txt" --flash-size 16M -C "$T/split" "$T/plain.bin" >/dev/null 2>"$T/err"
ok $? "split of the NAND dump with a 16 MiB layout works on the view"
like "$(cat "$T/err")" "read through the view nand:2048\+64, 128 blocks of 128 KiB, 1 bad block kept in place" \
	"split says it reads through the view"
is "$(stat -c %s "$T/split/ubi.bin")" $((18 * BLK)) "ubi partition: 18 blocks (17 of UBI + the bad one)"
python3 -c '
import sys
d = open(sys.argv[1], "rb").read(); B = 2048 * 64
u = open(sys.argv[2], "rb").read()
good = d[:5 * B] + d[6 * B:]
sys.exit(0 if good[:len(u)] == u else 1)' "$T/split/ubi.bin" "$T/ubi.img"
ok $? "split ubi.bin minus bad block 5 is the UBI image"
"$MTDSCOPE" verify --layout "$T/parts.txt" --flash-size 16M "$T/plain.bin" >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "mtdscope verify: .*plain.bin: read through the view nand:2048\+64" "verify reads the dump through the view"
"$MTDSCOPE" diff "$T/plain.bin" "$T/plain.bin" >/dev/null 2>&1; ok $? "diff of the dump with itself through the view: same"
"$MTDSCOPE" split --view none --layout "$T/parts.txt" --flash-size 16M -C "$T/split2" "$T/plain.bin" >/dev/null 2>&1
ok $([ $? -ne 0 ]; echo $?) "split --view none refuses the raw dump (its size is not the chip's)"

# ---- spare areas all 0xFF (no ECC in the dump: nanddump --oob of a clean UBI area, or a programmer read) ----
# every common geometry, a UBI (ubinize) with its UBIFS (mkfs.ubifs) for that page size at block 0; few blocks
# (15 of 256 KiB: the size a 4 MiB UBI takes) must be enough
for g in 2048+64 2048+128 4096+128 4096+224 4096+256; do
	pg=${g%+*} oob=${g#*+} blk=$((${g%+*} * 64))
	mkfs.ubifs -q -m "$pg" -e $((blk - 2 * pg)) -c 40 -r "$T/root" -o "$T/ff$pg.ubifs"
	printf '[data]\nmode=ubi\nimage=%s\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs_data\nvol_size=8MiB\n' \
		"$T/ff$pg.ubifs" >"$T/ff.ini"
	ubinize -o "$T/ff$g.ubi" -m "$pg" -p "$blk" "$T/ff.ini" 2>/dev/null
	nb=$((($(stat -c %s "$T/ff$g.ubi") + blk - 1) / blk))
	[ "$nb" -lt 15 ] && nb=15
	$L --erased-oob --page "$pg" --oob "$oob" --blocks "$nb" "$T/ff$g.bin" "$T/ff$g.want" 0:"$T/ff$g.ubi"
	scanj "$T/ff$g.bin" >"$T/ff.json"
	is "$(jq -r .view.name "$T/ff.json")" "nand:$g" "erased spares, $nb blocks: $g detected"
	is "$(jq -r '[.components[] | select(.space == 0 and .parent == 0)][0] | .type + "@" + (.offset | tostring) + " " + (.valid | tostring)' "$T/ff.json")" \
		"ubi@0 true" "$g: ubi@0 of the view, valid"
	is "$(jq -r '[.components[] | select(.type == "ubifs")][0] | (.parent | tostring) + " " + (.valid | tostring)' "$T/ff.json")" \
		"1 true" "$g: its UBIFS volume inside the UBI, valid"
	is "$(jq '[.components[] | select(.space == null and .type != "nand")] | length' "$T/ff.json")" 0 \
		"$g: nothing (no false ubifs) at the top level of the raw dump"
done

# ---- nandsim + nanddump --oob: the kernel's own NAND layout ----
if modprobe nandsim first_id_byte=0xec second_id_byte=0xd3 third_id_byte=0x51 fourth_id_byte=0x95 2>/dev/null &&
	[ -c /dev/mtd0 ] && command -v nanddump >/dev/null; then
	ok 0 "nandsim loaded"
	rmmod nandsim
else
	echo "# SKIP nandsim: the kernel module cannot be loaded here (no modules in this kernel/container)"
fi
done_testing
