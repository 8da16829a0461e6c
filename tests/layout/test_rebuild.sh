#!/usr/bin/env bash
# Seed 002: two identical MT7628 LTE routers, one bricked.  diff, rebuild (with
# the seed's mistakes refused) and flashing plans, the flashrom one run for
# real on flashrom's dummy programmer.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/layout/fixtures.sh"
need flashrom dumpimage fw_printenv sha256sum cmp

seed2_mtd >"$T/L.txt"
make_chip2 "$T/donor.bin" 00:0c:43:76:28:01 00:0c:43:76:28:01 1 || { echo "Bail out! fixture"; exit 1; }
make_chip2 "$T/unit.bin" 00:0c:43:76:28:a0 00:0c:43:76:28:a0 2 || { echo "Bail out! fixture"; exit 1; }
# the brick: its firmware1 is damaged (a failed write in the middle of the kernel)
printf 'BROKEN' | dd of="$T/unit.bin" bs=1 seek=$((0x50000 + 0x1000)) conv=notrunc status=none
sums() { sha256sum "$T/donor.bin" "$T/unit.bin"; }
before=$(sums)

# ---- diff ----
j=$("$MTDSCOPE" diff --json --layout "$T/L.txt" "$T/donor.bin" "$T/unit.bin"); rc=$?
is "$rc" 1 "diff: the dumps differ"
is "$(jq -r '.partitions[] | select(.name=="Factory") | .diff' <<<"$j")" "unit-data" "diff: Factory differs in unit data"
like "$(jq -r '.partitions[] | select(.name=="Factory") | .detail' <<<"$j")" "00:0c:43:76:28:01 vs 00:0c:43:76:28:a0" "diff: names both MACs"
is "$(jq -r '.partitions[] | select(.name=="Config") | .diff' <<<"$j")" "unit-data" "diff: Config is unit data"
is "$(jq -r '.partitions[] | select(.name=="firmware1") | .diff' <<<"$j")" "firmware" "diff: firmware1 differs in firmware"
is "$(jq -r '.partitions[] | select(.name=="firmware2") | .diff' <<<"$j")" "same" "diff: firmware2 identical"
"$MTDSCOPE" diff "$T/donor.bin" "$T/donor.bin" >/dev/null; is "$?" 0 "diff of identical dumps exits 0"

refused() { # DESCRIPTION REGEX ARGS...: rebuild must refuse, say REGEX, and write nothing
	local desc=$1 re=$2 err rc
	shift 2
	rm -f "$T/OUT.bin"
	err=$("$MTDSCOPE" rebuild --layout "$T/L.txt" -o "$T/OUT.bin" "$@" 2>&1 >/dev/null); rc=$?
	is "$rc" 1 "$desc: refused"
	like "$err" "$re" "$desc: explanation"
	like "$err" "Way out" "$desc: says the way out"
	[ ! -e "$T/OUT.bin" ] && [ -z "$(ls "$T" | grep 'OUT.bin.tmp')" ]; ok $? "$desc: nothing written"
}

# ---- the seed's mistakes ----
# 1. cat /dev/mtd4 > fw.bin; cat /dev/mtd7 >> fw.bin, then flashed as if it were the chip
{ slice "$T/donor.bin" 0x50000 0x7b0000; slice "$T/donor.bin" 0x800000 0x7b0000; } >"$T/cat.bin"
refused "firmware1+firmware2 as the unit" "'firmware1' \+ 'firmware2'.*concatenation" --donor "$T/donor.bin" --unit "$T/cat.bin"
refused "firmware1+firmware2 as the donor" "concatenation of two partition dumps" --donor "$T/cat.bin" --unit "$T/unit.bin"
slice "$T/donor.bin" 0x50000 0x7b0000 >"$T/mtd4.bin"
refused "one partition dump as the donor" "partition 'firmware1' alone" --donor "$T/mtd4.bin" --unit "$T/unit.bin"
# 2. cat /dev/mtd0 (ALL) of the donor copied over the brick: its Factory is now the donor's
cp "$T/donor.bin" "$T/clobbered.bin"
refused "Factory clobbered by the donor's ALL" "byte-identical to the donor's.*copying \"ALL\".*00:0c:43:76:28:01" \
	--donor "$T/donor.bin" --unit "$T/clobbered.bin"
# 3. an erased Factory
cp "$T/unit.bin" "$T/erased.bin"
ff $((0x10000)) | dd of="$T/erased.bin" bs=64k seek=4 conv=notrunc status=none
refused "erased Factory" "'Factory' .* is erased \(all 0xFF\).*MAC addresses and wifi calibration are gone" \
	--donor "$T/donor.bin" --unit "$T/erased.bin"
# 4. garbage where the factory data should be
cp "$T/unit.bin" "$T/garbage.bin"
head -c $((0x10000)) /dev/urandom | dd of="$T/garbage.bin" bs=64k seek=4 conv=notrunc status=none
refused "invalid Factory" "not valid factory data" --donor "$T/donor.bin" --unit "$T/garbage.bin"
# 5. a damaged donor
cp "$T/donor.bin" "$T/baddonor.bin"
printf 'X' | dd of="$T/baddonor.bin" bs=1 seek=$((0x800000 + 0x2000)) conv=notrunc status=none
refused "donor firmware fails its CRC" "donor's 'firmware2' fails its checks" --donor "$T/baddonor.bin" --unit "$T/unit.bin"
# 6. the unit holds data the donor does not (reserved)
cp "$T/unit.bin" "$T/res.bin"
printf 'modem calibration' | dd of="$T/res.bin" bs=1 seek=$((0xfb0000)) conv=notrunc status=none
refused "unit data in 'reserved'" "unit's 'reserved'.*would lose it.*--keep reserved" --donor "$T/donor.bin" --unit "$T/res.bin"
check "--keep reserved accepts it" "$MTDSCOPE" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/res.bin" --keep reserved -o "$T/res-out.bin"
cmp -s <(slice "$T/res-out.bin" 0xfb0000 0x50000) <(slice "$T/res.bin" 0xfb0000 0x50000); ok $? "--keep: reserved is the unit's"
"$MTDSCOPE" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/unit.bin" -o "$T/unit.bin" >/dev/null 2>&1
is "$?" 1 "output over an input refused (a refusal, exit 1)"

# ---- the way out for the clobbered unit: its Factory from an old backup ----
slice "$T/unit.bin" 0x40000 0x10000 >"$T/old-factory.bin"
out=$("$MTDSCOPE" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/clobbered.bin" --factory "$T/old-factory.bin" -o "$T/OUT2.bin"); rc=$?
is "$rc" 0 "clobbered unit + --factory old backup: rebuilt"
cmp -s <(slice "$T/OUT2.bin" 0x40000 0x10000) "$T/old-factory.bin"; ok $? "--factory bytes are in the result"
like "$out" "Factory .*from factory file.*00:0c:43:76:28:a0" "report says where Factory came from, with the MAC"

# ---- the round trip: donor firmware + unit's own data ----
out=$("$MTDSCOPE" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/unit.bin" -o "$T/OUT.bin"); rc=$?
is "$rc" 0 "rebuild donor + unit"
is "$(stat -c %s "$T/OUT.bin")" $((0x1000000)) "result is the whole chip"
for r in "Config 0x30000 0x10000" "Factory 0x40000 0x10000" "Bootloader 0 0x30000"; do
	set -- $r
	cmp -s <(slice "$T/OUT.bin" $2 $3) <(slice "$T/unit.bin" $2 $3); ok $? "$1: the unit's own bytes exactly"
done
for r in "firmware1 0x50000 0x7b0000" "firmware2 0x800000 0x7b0000" "reserved 0xfb0000 0x50000"; do
	set -- $r
	cmp -s <(slice "$T/OUT.bin" $2 $3) <(slice "$T/donor.bin" $2 $3); ok $? "$1: the donor's bytes"
done
like "$out" "Factory .*from unit .*MT7628.*00:0c:43:76:28:a0" "report names the unit's MAC kept"
like "$out" "firmware1 .*from donor .*uimage 'MIPS OpenWrt Linux'.*checks ok" "report: donor firmware checked"
is "$(sums)" "$before" "inputs unchanged"
# (dumpimage mistakes a uImage followed by padding for a GP header: give it the uImage alone)
slice "$T/OUT.bin" 0x50000 0x14b1b1 >"$T/out-fw1.bin"
like "$(dumpimage -l "$T/out-fw1.bin")" "Image Name: +MIPS OpenWrt Linux" "dumpimage reads the result's firmware1 kernel"
j=$("$MTDSCOPE" scan --json --top-level "$T/OUT.bin")
is "$(jq '[.components[] | select(.type=="uimage" and .valid)] | length' <<<"$j")" 2 "scan of the result: both uImages valid"
echo "$T/OUT.bin 0x30000 0x1000" >"$T/fw_env.config"
is "$(fw_printenv -c "$T/fw_env.config" -n ethaddr 2>/dev/null)" "00:0c:43:76:28:a0" "fw_printenv: the unit's environment survived"

j=$("$MTDSCOPE" rebuild --json --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/unit.bin" -o "$T/OUTj.bin")
is "$(jq -r '[.partitions[] | .name + ":" + .from] | join(",")' <<<"$j")" \
	"Bootloader:unit,Config:unit,Factory:unit,firmware1:donor,firmware2:donor,reserved:donor" "rebuild --json: where each partition came from"
cmp -s "$T/OUTj.bin" "$T/OUT.bin"; ok $? "rebuild is deterministic"
# the unit's OpenWrt settings (rootfs_data, nested in firmware1 > rootfs): donor's by default, --keep keeps them
cp "$T/unit.bin" "$T/settings.bin"
printf 'unit settings' | dd of="$T/settings.bin" bs=1 seek=$((0x6a0100)) conv=notrunc status=none
out=$("$MTDSCOPE" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/settings.bin" -o "$T/S1.bin")
like "$out" "'rootfs_data' .* is the donor's; --keep rootfs_data keeps the unit's" "rebuild notes the settings overlay it replaces"
check "rebuild --keep rootfs_data (a nested partition)" "$MTDSCOPE" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/settings.bin" --keep rootfs_data -o "$T/S2.bin"
cmp -s <(slice "$T/S2.bin" 0x6a0000 0x160000) <(slice "$T/settings.bin" 0x6a0000 0x160000); ok $? "--keep rootfs_data: the unit's overlay inside the donor's firmware1"
cmp -s <(slice "$T/S2.bin" 0x50000 0x650000) <(slice "$T/donor.bin" 0x50000 0x650000); ok $? "--keep rootfs_data: the rest of firmware1 is the donor's"

# ---- plans ----
# flashrom, for real: the dummy chip holds the brick, the plan writes the donor image;
# the protected regions (Bootloader, Config, Factory) must keep the chip's own bytes
cp "$T/unit.bin" "$T/chip.bin"
plan=$("$MTDSCOPE" plan --layout "$T/L.txt" --image "$T/donor.bin" --via flashrom --layout-out "$T/fl.txt" \
	--programmer "dummy:emulate=VARIABLE_SIZE,size=$((0x1000000)),image=$T/chip.bin"); rc=$?
is "$rc" 0 "flashrom plan"
first_write=$(grep -n -- ' -w ' <<<"$plan" | head -1 | cut -d: -f1)
first_read=$(grep -n -- ' -r ' <<<"$plan" | head -1 | cut -d: -f1)
[ -n "$first_read" ] && [ "$first_read" -lt "$first_write" ]; ok $? "flashrom plan: backup before write"
(cd "$T" && grep -- '^flashrom .* -r backup-1.bin' <<<"$plan" | sh >/dev/null 2>&1)
cmp -s "$T/backup-1.bin" "$T/unit.bin"; ok $? "flashrom plan: its backup step reads the chip"
wcmd=$(grep -- '^flashrom .* -w ' <<<"$plan")
like "$wcmd" "-i firmware1 -i firmware2 -i reserved -w donor.bin" "flashrom plan writes only the unprotected regions"
(cd "$T" && sh -c "$wcmd" >"$T/flashrom.log" 2>&1); ok $? "flashrom ran the plan's write"
cmp -s <(slice "$T/chip.bin" 0 0x50000) <(slice "$T/unit.bin" 0 0x50000); ok $? "flashrom: Bootloader/Config/Factory untouched"
cmp -s <(slice "$T/chip.bin" 0x50000 0xfb0000) <(slice "$T/donor.bin" 0x50000 0xfb0000); ok $? "flashrom: firmware is the image's"
cp "$T/unit.bin" "$T/chip.bin"
(cd "$T" && sh -c "$(grep -- '^flashrom .* -w ' <<<"$("$MTDSCOPE" plan --layout "$T/L.txt" --image "$T/OUT.bin" --via flashrom \
	--layout-out "$T/fl.txt" --programmer "dummy:emulate=VARIABLE_SIZE,size=$((0x1000000)),image=$T/chip.bin")")" >/dev/null 2>&1)
cmp -s "$T/chip.bin" "$T/OUT.bin"; ok $? "flashrom: the chip ends exactly as the rebuilt image"

# U-Boot: tftpboot + crc32 (CRC computed here) + sf erase/write, protected never touched, backups first
plan=$("$MTDSCOPE" plan --layout "$T/L.txt" --image "$T/OUT.bin" --via uboot); rc=$?
is "$rc" 0 "uboot plan"
crc=$(python3 -c "import zlib,sys; d=open(sys.argv[1],'rb').read()[0x50000:0x800000]; print('%08x' % zlib.crc32(d))" "$T/OUT.bin")
like "$plan" "firmware1: 0x50000-0x800000, CRC32 $crc: the crc32 after tftpboot must print it" "uboot plan: CRC of firmware1 equals zlib's"
like "$plan" "crc32 0x80100000 0x7b0000" "uboot plan: crc32 of firmware1"
if grep -v '^#' <<<"$plan" | grep -q '[#;]'; then ok 1 "uboot plan: no '#' or ';' on a U-Boot command line"; else ok 0 "uboot plan: no '#' or ';' on a U-Boot command line"; fi
like "$plan" "tftpboot 0x80100000 firmware1.bin" "uboot plan: tftpboot"
like "$plan" "sf erase 0x50000 0x7b0000" "uboot plan: sf erase firmware1"
like "$plan" "sf write 0x80100000 0x50000 0x7b0000" "uboot plan: sf write firmware1"
if grep -qE 'sf (erase|write) [^ ]* ?0x(0|30000|40000) ' <<<"$plan" || grep -qE 'sf erase 0x(0|30000|40000) ' <<<"$plan"; then ok 1 "uboot plan never writes Bootloader/Config/Factory"; else ok 0 "uboot plan never writes Bootloader/Config/Factory"; fi
first_write=$(grep -n 'sf erase' <<<"$plan" | head -1 | cut -d: -f1)
last_backup=$(grep -n 'tftpput' <<<"$plan" | tail -1 | cut -d: -f1)
[ "$last_backup" -lt "$first_write" ]; ok $? "uboot plan: every backup before the first erase"
plan=$("$MTDSCOPE" plan --layout "$T/L.txt" --image "$T/OUT.bin" --via uboot --cp)
like "$plan" "erase 0xbc050000 \+0x7b0000" "uboot --cp plan: erase at the mapped address"
like "$plan" "cp.b 0x80100000 0xbc050000 0x7b0000" "uboot --cp plan: cp.b"
"$MTDSCOPE" plan --layout "$T/L.txt" --image "$T/OUT.bin" --via uboot --ram 8M >/dev/null 2>"$T/err"
is "$?" 1 "uboot plan: image that does not fit the RAM refused"
"$MTDSCOPE" plan --layout "$T/L.txt" --image "$T/cat.bin" --via uboot >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "concatenation" "plan refuses the concatenated image too"
plan=$("$MTDSCOPE" plan --layout "$T/L.txt" --image "$T/OUT.bin" --via mtd -C "$T/files")
h=$(sha256sum <"$T/files/firmware1.bin" | cut -d' ' -f1)
like "$plan" "mtd write /tmp/firmware1.bin firmware1" "mtd plan: mtd write"
like "$plan" "mtd verify /tmp/firmware1.bin firmware1" "mtd plan: mtd verify"
like "$plan" "sha256 $h" "mtd plan: the file's sha256"
like "$plan" "cat /dev/mtd4 > /tmp/backup-firmware1.bin" "mtd plan: backup of mtd4 first"
plan=$("$MTDSCOPE" plan --layout "$T/L.txt" --image "$T/OUT.bin" --via shell)
like "$plan" "flashcp -v /tmp/firmware1.bin /dev/mtd4" "shell plan: flashcp"
like "$plan" "cat /dev/mtd4 \| sha256sum    # must print $h" "shell plan: read-back hash"
done_testing
