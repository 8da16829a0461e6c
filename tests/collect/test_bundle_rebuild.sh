#!/usr/bin/env bash
# rebuild with a bundle written by collect (the native build) as the unit: the bundle's dumps,
# joined by its own /proc/mtd, are the unit's whole chip.  The device tree is collect_lib.sh's
# (real MT7628 /proc files, dumps made by the real tools); the donor is the same chip with its
# own Factory (another MAC) and a newer kernel in KernelA.  A dump that reads differently twice
# or ends early is refused when the image would take it, and noted when it would not.
# Environment from tests/collect/meson.build: COLLECT (the native binary), MTDSCOPE.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/collect/collect_lib.sh"
need_tree jq tar
need_schema
make_root "$T/root"
range() { tail -c +$(($2 + 1)) "$1" | head -c "$3"; } # range FILE OFFSET LENGTH
sha() { sha256sum | cut -d' ' -f1; }

# the donor: the same layout, its own Factory (MAC ...:02), a newer kernel in KernelA
cp "$FLASH" "$T/donor.bin"
printf '\x28\x76\x00\x00\x00\x0c\x43\x76\x28\x02' | dd of="$T/donor.bin" bs=1 seek=$((0x40000)) conv=notrunc 2>/dev/null
head -c 300000 /dev/urandom | lzma -c >"$T/k2.lzma"
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n 'donor kernel' -d "$T/k2.lzma" "$T/k2.uImage" >/dev/null
dd if="$T/k2.uImage" of="$T/donor.bin" bs=1 seek=$((0x50000)) conv=notrunc 2>/dev/null
# the unit is bricked: its KernelA erased
head -c $((0x7b0000)) /dev/zero | tr '\0' '\377' >"$T/root/dev/mtd3ro"
"$COLLECT" --root "$T/root" --klog "$KLOG" --twice -q -o "$T/unit.tar" 2>"$T/err"
ok $? "collect --twice writes the unit's bundle"

"$MTDSCOPE" rebuild --donor "$T/donor.bin" --unit "$T/unit.tar" -o "$T/out.bin" >"$T/out.txt" 2>"$T/err"
ok $? "rebuild --unit BUNDLE (no --layout): exit 0"
like "$(cat "$T/err")" "the layout from $T/unit.tar:collect/proc/mtd" "the layout is the bundle's /proc/mtd"
is "$(stat -c %s "$T/out.bin")" $((0x1000000)) "the image is the whole chip"
is "$(range "$T/out.bin" $((0x40000)) $((0x10000)) | sha)" "$(sha <"$T/root/dev/mtd2ro")" \
	"its Factory is the unit's own (from collect/mtd/mtd2ro)"
is "$(range "$T/out.bin" $((0x30000)) $((0x10000)) | sha)" "$(sha <"$T/root/dev/mtd1ro")" "its Config is the unit's"
is "$(range "$T/out.bin" $((0x50000)) $((0x7b0000)) | sha)" "$(range "$T/donor.bin" $((0x50000)) $((0x7b0000)) | sha)" \
	"its KernelA is the donor's"
like "$(cat "$T/out.txt")" "Factory +0x00040000 \+0x10000 +from unit +MT7628 EEPROM.*00:0c:43:76:28:01" \
	"the report names the unit's MAC for Factory"
# the same from a bundle of the unit read once, and --json
"$COLLECT" --root "$T/root" --klog "$KLOG" -q -o "$T/once.tar" 2>/dev/null
"$MTDSCOPE" rebuild --json --donor "$T/donor.bin" --unit "$T/once.tar" -o "$T/out1.bin" >"$T/r.json" 2>/dev/null
ok $? "rebuild --json with a bundle read once"
cmp -s "$T/out.bin" "$T/out1.bin"
ok $? "the same image as from the bundle read twice"
valid rebuild "$T/r.json" "rebuild --json: valid against doc/schema/rebuild.json"
is "$(jq -r '[.partitions[] | "\(.name)=\(.from)"] | join(" ")' "$T/r.json")" \
	"Bootloader=unit Config=unit Factory=unit KernelA=donor KernelB=donor User_CFG=unit" "--json: where each partition comes from"
"$MTDSCOPE" rebuild --donor "$T/donor.bin" --unit "$T/unit.tar" --layout "$T/root/proc/mtd" -o "$T/out2.bin" >/dev/null 2>&1
cmp -s "$T/out.bin" "$T/out2.bin"
ok $? "--layout L with a bundle: the same image"

# Factory reads differently twice: refused, one line naming the member, nothing written
cp -a "$T/root" "$T/flaky"
rm "$T/flaky/dev/mtd2ro"
ln -s /dev/urandom "$T/flaky/dev/mtd2ro"
"$COLLECT" --root "$T/flaky" --klog "$KLOG" --twice -q -o "$T/flaky.tar" 2>/dev/null
"$MTDSCOPE" rebuild --donor "$T/donor.bin" --unit "$T/flaky.tar" -o "$T/bad.bin" >/dev/null 2>"$T/err"
is "$?" 1 "a Factory that read differently twice: refused (exit 1)"
is "$(grep -c '^mtdscope: refused' "$T/err")" 1 "one refusal line"
like "$(grep '^mtdscope: refused' "$T/err")" \
	"^mtdscope: refused: $T/flaky.tar:collect/mtd/mtd2ro: the two reads differ .*the unit's 'Factory' would come from it" \
	"it names the bundle member and the partition"
[ ! -e "$T/bad.bin" ]
ok $? "nothing written"
# verify of that bundle: not a backup to trust, the member named among the problems
"$MTDSCOPE" verify "$T/flaky.tar" >"$T/v.txt" 2>/dev/null
is "$?" 1 "verify BUNDLE whose Factory read differently twice: exit 1"
like "$(grep '^problem:' "$T/v.txt")" "problem: $T/flaky.tar:collect/mtd/mtd2ro: the two reads differ" "the member named among its problems"
"$MTDSCOPE" verify --json "$T/flaky.tar" >"$T/v.json" 2>/dev/null
is "$(jq -r .ok "$T/v.json")" false "--json: ok false"
valid verify "$T/v.json" "verify --json: valid against doc/schema/verify.json"
# with the unit's Factory from an older backup, the unstable dump is not used: noted, and the image is made
"$MTDSCOPE" rebuild --donor "$T/donor.bin" --unit "$T/flaky.tar" --factory "$T/root/dev/mtd2ro" -o "$T/f.bin" >"$T/f.txt" 2>"$T/err"
ok $? "--factory FILE: the unstable Factory dump is not needed (exit 0)"
like "$(cat "$T/f.txt")" "note: $T/flaky.tar:collect/mtd/mtd2ro: the two reads differ .*not used" "a note says the dump was not used"
cmp -s "$T/f.bin" "$T/out.bin"
ok $? "and the image equals the one from the clean bundle"

# KernelB (taken from the donor) reads differently: noted, not refused
cp -a "$T/root" "$T/flaky2"
rm "$T/flaky2/dev/mtd4ro"
ln -s /dev/urandom "$T/flaky2/dev/mtd4ro"
"$COLLECT" --root "$T/flaky2" --klog "$KLOG" --twice -q -o "$T/flaky2.tar" 2>/dev/null
"$MTDSCOPE" rebuild --json --donor "$T/donor.bin" --unit "$T/flaky2.tar" -o "$T/k.bin" >"$T/k.json" 2>"$T/err"
ok $? "an unstable KernelB the image takes from the donor: exit 0"
like "$(jq -r '.notes[]' "$T/k.json")" "flaky2.tar:collect/mtd/mtd4ro: the two reads differ.*not used: the image takes 'KernelB' from elsewhere" \
	"--json notes name the member that was not used"
valid rebuild "$T/k.json" "that document is valid too"

# User_CFG ended early (a device shorter than /proc/mtd says): refused, naming the member
cp -a "$T/root" "$T/short"
truncate -s 4096 "$T/short/dev/mtd5ro"
"$COLLECT" --root "$T/short" --klog "$KLOG" -q -o "$T/short.tar" 2>/dev/null
"$MTDSCOPE" rebuild --donor "$T/donor.bin" --unit "$T/short.tar" -o "$T/s.bin" >/dev/null 2>"$T/err"
is "$?" 1 "a truncated User_CFG dump: refused"
like "$(grep '^mtdscope: refused' "$T/err")" \
	"collect/mtd/mtd5ro: the device ended after 4096 of 327680 bytes.*truncated; the unit's 'User_CFG' would come from it" \
	"it names the member and says where it ended"
# --take User_CFG: the donor's instead, and the short dump only noted
"$MTDSCOPE" rebuild --donor "$T/donor.bin" --unit "$T/short.tar" --take User_CFG -o "$T/s.bin" >"$T/s.txt" 2>/dev/null
ok $? "--take User_CFG: made"
like "$(cat "$T/s.txt")" "note: .*mtd5ro: the device ended after 4096 of 327680 bytes.*not used" "and the short dump noted"

# a bundle whose dump is not its /proc/mtd size (member shorter than the layout given)
printf 'dev:    size   erasesize  name\nmtd0: 00030000 00010000 "Bootloader"\nmtd1: 00010000 00010000 "Config"\nmtd2: 00020000 00010000 "Factory"\nmtd3: 007a0000 00010000 "KernelA"\nmtd4: 007b0000 00010000 "KernelB"\nmtd5: 00050000 00010000 "User_CFG"\n' >"$T/other.mtd"
"$MTDSCOPE" rebuild --donor "$T/donor.bin" --unit "$T/unit.tar" --layout "$T/other.mtd" -o "$T/o.bin" >/dev/null 2>"$T/err"
is "$?" 1 "--layout whose Factory is larger than the bundle's dump: refused"
like "$(grep '^mtdscope: refused' "$T/err")" "collect/mtd/mtd2ro: 0x10000 bytes, but partition 'Factory' of the layout is 0x20000 bytes: truncated" \
	"it names the member and both sizes"
# the bundle as the donor, with --view: a usage error
"$MTDSCOPE" rebuild --donor "$T/unit.tar" --unit "$T/unit.tar" --view none -o "$T/v.bin" 2>/dev/null
is "$?" 2 "--view with a bundle: usage error"
done_testing
