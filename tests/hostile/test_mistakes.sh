#!/usr/bin/env bash
# The third story's mistakes are refused or said loudly (issue 10, item 6): an erased donor, a Factory
# shared by two units (diff, rebuild --allow-donor-factory), an erased Factory written with
# plan --also, a firmware1+firmware2 concatenation and missing partitions in verify.  Each message
# says what is wrong and the way out.  Fixtures: tests/layout/fixtures.sh (mkimage, mksquashfs,
# mkenvimage; the MT7628 EEPROM is hand-made: no tool writes one).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/layout/fixtures.sh"
need sha256sum mkimage mksquashfs mkenvimage
M=$MTDSCOPE
nz() { [ "$1" -ne 0 ] && echo 0 || echo 1; }

seed2_mtd > "$T/L.txt"
make_chip2 "$T/donor.bin" 00:0c:43:76:28:01 00:0c:43:76:28:01 1 || { echo "Bail out! fixture"; exit 1; }
# the same Factory as the donor (the story: "ALL" of one unit written to the other), other firmware bytes
cp "$T/donor.bin" "$T/twin.bin"
printf 'BROKEN' | dd of="$T/twin.bin" bs=1 seek=$((0x50000 + 0x1000)) conv=notrunc status=none
make_chip2 "$T/unit.bin" 00:0c:43:76:28:a0 00:0c:43:76:28:a0 2 || { echo "Bail out! fixture"; exit 1; }

# 1. rebuild refuses an erased donor
ff $((0x1000000)) > "$T/erased.bin"
err=$("$M" rebuild --layout "$T/L.txt" --donor "$T/erased.bin" --unit "$T/unit.bin" -o "$T/out.bin" 2>&1 >/dev/null)
ok "$(nz $?)" "rebuild with an erased donor: refused"
like "$err" "donor's 'firmware1' .* is erased \(all 0xFF\)" "it says the donor's firmware is erased"
like "$err" "Way out: .*--take firmware1" "and the way out"
check "nothing written" test ! -e "$T/out.bin"
"$M" rebuild --layout "$T/L.txt" --donor "$T/erased.bin" --unit "$T/unit.bin" -o "$T/out.bin" \
	--take firmware1 --take firmware2 > /dev/null 2>&1
is "$?" 0 "--take firmware1 --take firmware2 forces it"

# a donor whose root filesystem is damaged (squashfs bytes_used past the end) is refused too
cp "$T/donor.bin" "$T/badfs.bin"
for base in 0x19b1b1 0x94b1b1; do printf '\377\377\377\177' | dd of="$T/badfs.bin" bs=1 seek=$((base + 40)) conv=notrunc status=none; done
err=$("$M" rebuild --layout "$T/L.txt" --donor "$T/badfs.bin" --unit "$T/unit.bin" -o "$T/out4.bin" 2>&1 >/dev/null)
ok "$(nz $?)" "rebuild with a donor whose squashfs superblock is damaged: refused"
like "$err" "donor's 'firmware1' fails its checks \(uimage ok, but the squashfs at 0x14b1b1 FAILS its checks" \
	"it names the squashfs that fails"
like "$err" "Way out" "and the way out"
mkdir "$T/v" && cp "$T/badfs.bin" "$T/v/ALL.bin"
out=$("$M" verify --layout "$T/L.txt" "$T/v/ALL.bin")
like "$out" "firmware1 .*bad: uimage ok, but the squashfs" "verify shows the damaged firmware as bad"

# 2. rebuild --allow-donor-factory with a Factory identical to the donor's warns loudly
cp "$T/unit.bin" "$T/u2.bin"
slice "$T/donor.bin" 0x40000 0x10000 | dd of="$T/u2.bin" bs=64k seek=4 conv=notrunc status=none
err=$("$M" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/u2.bin" -o "$T/out2.bin" 2>&1 >/dev/null)
ok "$(nz $?)" "rebuild with the donor's Factory in the unit: refused without --allow-donor-factory"
err=$("$M" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/u2.bin" -o "$T/out2.bin" \
	--allow-donor-factory 2>&1 >/dev/null)
is "$?" 0 "with --allow-donor-factory: rebuilt"
like "$err" "warning: DUPLICATE MACs: .*byte-identical to the donor's.*00:0c:43:76:28:01" \
	"and a warning names the shared MAC"
like "$err" "eeprom --set-mac" "and the way out"
j=$("$M" rebuild --json --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/u2.bin" -o "$T/out3.bin" \
	--allow-donor-factory 2>/dev/null)
like "$j" '"warnings": ?\[ *"DUPLICATE MACs' "--json carries the warning"

# rebuild -o -: the image alone on standard output
"$M" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/unit.bin" -o "$T/r-file.bin" > /dev/null 2>&1
"$M" rebuild --layout "$T/L.txt" --donor "$T/donor.bin" --unit "$T/unit.bin" -o - > "$T/r-out.bin" 2> "$T/r-err"
is "$?" 0 "rebuild -o - exits 0"
check "standard output holds exactly the image -o FILE writes" cmp "$T/r-file.bin" "$T/r-out.bin"
like "$(cat "$T/r-err")" "^standard output: 0x1000000 bytes, sha256" "the report went to stderr"

# 3. diff: two units with one Factory
err=$("$M" diff --layout "$T/L.txt" "$T/donor.bin" "$T/twin.bin" 2>&1 >/dev/null)
like "$err" "DUPLICATE MACs: 'Factory' is byte-identical in both dumps.*00:0c:43:76:28:01" \
	"diff warns when two dumps share their Factory and differ elsewhere"
like "$err" "Way out" "with the way out"
err=$("$M" diff --layout "$T/L.txt" "$T/donor.bin" "$T/donor.bin" 2>&1 >/dev/null)
is "$?" 0 "diff of identical dumps exits 0"
like "$err" "identical, Factory 'Factory' included" "and says both carry one Factory"
err=$("$M" diff --layout "$T/L.txt" "$T/donor.bin" "$T/unit.bin" 2>&1 >/dev/null)
is "$err" "" "two units with their own Factory: no warning"
: > "$T/empty"
err=$("$M" diff --layout "$T/L.txt" "$T/donor.bin" "$T/empty" 2>&1 >/dev/null)
like "$err" "empty is 0x0 bytes" "diff S empty names the empty file"
check "and not the layout" sh -c "! printf '%s' '$err' | grep -q 'L.txt'"

# 4. plan --also Factory refuses an erased or invalid Factory unless --force
cp "$T/donor.bin" "$T/noff.bin"
ff $((0x10000)) | dd of="$T/noff.bin" bs=64k seek=4 conv=notrunc status=none
err=$("$M" plan --layout "$T/L.txt" --image "$T/noff.bin" --via mtd --also Factory 2>&1 >/dev/null)
ok "$(nz $?)" "plan --also Factory with an erased Factory: refused"
like "$err" "'Factory' .* is erased \(all 0xFF\).*Way out: drop --also Factory" "with the reason and the way out"
like "$err" "^mtdscope: $T/noff\.bin: its 'Factory'" "naming the image by the path given"
head -c $((0x10000)) /dev/urandom | dd of="$T/noff.bin" bs=64k seek=4 conv=notrunc status=none
err=$("$M" plan --layout "$T/L.txt" --image "$T/noff.bin" --via mtd --also Factory 2>&1 >/dev/null)
ok "$(nz $?)" "plan --also Factory with random bytes as Factory: refused"
like "$err" "not valid factory data \(no MediaTek EEPROM" "saying why"
"$M" plan --layout "$T/L.txt" --image "$T/noff.bin" --via mtd --also Factory --force > "$T/plan.txt"
is "$?" 0 "--force writes it anyway"
like "$(cat "$T/plan.txt")" "Factory" "and the plan writes Factory"
"$M" plan --layout "$T/L.txt" --image "$T/noff.bin" --via mtd > /dev/null
is "$?" 0 "without --also the Factory is not written, so not checked"
"$M" plan --layout "$T/L.txt" --image "$T/donor.bin" --via mtd --also Factory > /dev/null
is "$?" 0 "a valid Factory with --also: planned"

# 5. verify: a concatenation and missing partitions are named
mkdir "$T/b"
slice "$T/donor.bin" 0 0x30000 > "$T/b/Bootloader.bin"
{ slice "$T/donor.bin" 0x50000 0x7b0000; slice "$T/donor.bin" 0x800000 0x7b0000; } > "$T/b/firmware1.bin"
out=$("$M" verify --layout "$T/L.txt" "$T/b")
ok "$(nz $?)" "verify of an incomplete backup fails"
like "$out" "firmware1\.bin: .*= 'firmware1' \+ 'firmware2' .*a concatenation of two partition dumps, not 'firmware1'" \
	"it names the firmware1+firmware2 concatenation"
like "$out" "Factory +MISSING .*MISSING: no file holds this partition" "a missing partition says MISSING"
check "no partition shows 'ok: -'" sh -c "! printf '%s' \"\$1\" | grep -q 'ok: -'" _ "$out"
like "$out" "$T/b/Bootloader\.bin" "the file column shows the path given, not a basename"
j=$("$M" verify --json --layout "$T/L.txt" "$T/b")
like "$j" '"name": ?"Factory", ?"file": ?null, ?"missing": ?true' "verify --json says Factory is missing"
like "$j" '"name": ?"Bootloader", ?"file": ?"[^"]*", ?"missing": ?false' "and Bootloader is not"

done_testing
