#!/usr/bin/env bash
# mtdscope layout / split / join / verify on the seeds' layouts and real logs,
# with whole-chip images made by mkimage, mksquashfs, mkfs.jffs2, mkenvimage.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/layout/fixtures.sh"
need dtc dumpimage unsquashfs sha256sum fw_printenv

seed2_mtd >"$T/seed2.txt"
seed0_mtd >"$T/seed0.txt"

# ---- layout: the seeds as given ----
out=$("$MTDSCOPE" layout --color=never "$T/seed2.txt"); rc=$?
is "$rc" 0 "seed 002 layout: no errors"
like "$out" 'rootfs +0x0019b1b1 0x00800000' "seed 002: rootfs inferred inside firmware1, to its end"
like "$out" 'firmware2 +0x00800000' "seed 002: firmware2 after firmware1"
j=$("$MTDSCOPE" layout --json "$T/seed2.txt")
is "$(jq -r '.partitions[] | select(.name=="rootfs_data") | .parent' <<<"$j")" 5 "json: rootfs_data parent is rootfs (mtd5)"
is "$(jq -r '[.partitions[] | select(.offset_inferred)] | length' <<<"$j")" 8 "json: 8 offsets marked inferred"
is "$(jq -r '.chip_size_from' <<<"$j")" "whole-chip entry" "json: chip size from ALL"

sed -n '/^Creating 5 MTD/,/truncated/p' "$TESTDATA/seeds/"000_*.txt >"$T/seed0-log.txt"
out=$("$MTDSCOPE" layout --color=never "$T/seed0-log.txt"); rc=$?
is "$rc" 1 "seed 000 kernel log: the truncated table is an error (exit 1)"
like "$out" "declared 0xfb0000 bytes.*chip ends at 0x400000" "seed 000: says the table is larger than the 4 MiB chip"
out=$("$MTDSCOPE" layout --color=never "$TESTDATA/seeds/"000_*.txt)
like "$out" "kernel-log layout of raspi, chip 0x400000" "seed 000 thread text read whole: chip size from the kernel's raspi line"
out=$("$MTDSCOPE" layout --color=never --flash-size 4M "$TESTDATA/real-logs/afoundry-q500-mt7628/mtd.txt"); rc=$?
is "$rc" 1 "--flash-size 4M under a 16 MiB table: error"
like "$out" "past the end of the 0x400000-byte chip" "past-end named with the given chip size"

for c in afoundry-q500-mt7628 kingston-mlwg3 xiaomi-mi-router-4a-gigabit-mt7621 ubnt-amplifi-hd-afi-r-qca9563 \
	tplink-tl-wa855re-v1-16mb-mod asus-rt-ac57u-v3-qcn5502 rtl8197f-rtl8822b-ac-router tplink-tl-wr841n-qca9533-4m32m \
	aerohive-ap130-bcm4707-nand; do
	j=$("$MTDSCOPE" layout --json "$TESTDATA/real-logs/$c/dmesg.txt" 2>/dev/null)
	is "$(jq -r '.errors' <<<"$j")" 0 "real log $c: parsed, no errors"
done
for c in afoundry-q500-mt7628 kingston-mlwg3 innbox-e80-econet-en7512 meraki-mr70-ipq4029-nand tplink-tl-wa855re-v1-16mb-mod; do
	j=$("$MTDSCOPE" layout --json "$TESTDATA/real-logs/$c/mtd.txt" 2>/dev/null)
	n=$(grep -cE '^(mtd[0-9]+:|0x)' "$TESTDATA/real-logs/$c/mtd.txt")
	is "$(jq -r '.partitions | length' <<<"$j")" "$n" "real mtd.txt $c: every line is a partition"
done
# /proc/mtd and the kernel log of the same q500 give the same offsets
a=$("$MTDSCOPE" layout --json "$TESTDATA/real-logs/afoundry-q500-mt7628/mtd.txt" | jq -c '[.partitions[] | [.name,.offset,.size,.parent]]')
b=$("$MTDSCOPE" layout --json "$TESTDATA/real-logs/afoundry-q500-mt7628/dmesg.txt" | jq -c '[.partitions[] | [.name,.offset,.size,.parent]]')
is "$a" "$b" "q500: offsets inferred from /proc/mtd equal the kernel log's"

# ---- output forms, read back by their tools ----
"$MTDSCOPE" layout --dts "$T/seed2.txt" -o "$T/p.dtsi"
{ echo '/dts-v1/; / { flash {'; cat "$T/p.dtsi"; echo '}; };'; } >"$T/p.dts"
check "dts output compiles with dtc" dtc -I dts -O dtb -o "$T/p.dtb" "$T/p.dts"
a=$("$MTDSCOPE" layout --json "$T/seed2.txt" | jq -c '[.partitions[] | select(.parent==null and (.whole_chip|not)) | [.name,.offset,.size]]')
b=$("$MTDSCOPE" layout --json "$T/p.dtb" | jq -c '[.partitions[] | [.name,.offset,.size]]')
is "$b" "$a" "dtb from our dts gives the same top-level partitions"
like "$(cat "$T/p.dtsi")" 'macaddr@4' "dts has a MAC nvmem cell in Factory"
mp=$("$MTDSCOPE" layout --mtdparts=raspi "$T/seed2.txt")
is "$mp" "mtdparts=raspi:192k(Bootloader)ro,64k(Config),64k(Factory)ro,7872k(firmware1),7872k(firmware2),320k(reserved)" "mtdparts string"
echo "$mp" >"$T/mp.txt"
b=$("$MTDSCOPE" layout --json --kind mtdparts "$T/mp.txt" | jq -c '[.partitions[] | [.name,.offset,.size]]')
is "$b" "$a" "mtdparts read back gives the same partitions"
"$MTDSCOPE" layout --flashrom "$T/seed2.txt" -o "$T/fl.txt"
is "$(sed -n 4p "$T/fl.txt")" "00050000:007fffff firmware1" "flashrom layout line (inclusive end)"
dts=$TESTDATA/openwrt-dts/target/linux/ramips/dts/mt7621_tplink_mr600-v2-eu.dts
j=$("$MTDSCOPE" layout --json "$dts")
is "$(jq -c '[.partitions[] | [.name,.offset,.size]]' <<<"$j")" \
	'[["uboot",0,131072],["firmware",131072,16384000],["romfile",16515072,65536],["config",16580608,65536],["filler",16646144,65536],["radio",16711680,65536]]' \
	"OpenWrt .dts (MR600 v2, seed 001's family) partitions"
# GPT made by sfdisk
if command -v sfdisk >/dev/null; then
	truncate -s 64K "$T/g.img"
	printf 'label: gpt\nstart=40, size=20, name="u-boot"\nstart=60, size=30, name="firmware"\n' | sfdisk -q "$T/g.img" >/dev/null 2>&1
	j=$("$MTDSCOPE" layout --json "$T/g.img")
	is "$(jq -c '[.partitions[] | [.name,.offset,.size]]' <<<"$j")" '[["u-boot",20480,10240],["firmware",30720,15360]]' "GPT by sfdisk"
fi

# ---- images ----
make_chip2 "$T/donor.bin" 00:0c:43:76:28:01 00:0c:43:76:28:01 1 || { echo "Bail out! fixture"; exit 1; }
# (dumpimage mistakes a uImage followed by padding for a GP header: give it the uImage alone)
slice "$T/donor.bin" 0x50000 0x14b1b1 >"$T/kernel.bin"
like "$(dumpimage -l "$T/kernel.bin")" "Image Name: +MIPS OpenWrt Linux" "fixture: dumpimage sees the uImage at firmware1"

d=$("$MTDSCOPE" layout --dts --image "$T/donor.bin" "$T/seed2.txt")
like "$d" "macaddr@28 \{" "dts --image: the board MAC cells found in the factory data (0x28)"
like "$d" "macaddr@2e \{" "dts --image: and 0x2e"
# split: files equal dd slices, manifest checks with sha256sum, tools read them
mkdir -p "$T/split"
check "split" "$MTDSCOPE" split "$T/donor.bin" --layout "$T/seed2.txt" -C "$T/split"
check "manifest passes sha256sum -c" sh -c "cd '$T/split' && sha256sum -c --quiet manifest.sha256"
cmp -s "$T/split/Factory.bin" <(slice "$T/donor.bin" 0x40000 0x10000); ok $? "Factory.bin = bytes 0x40000..0x50000"
check "unsquashfs reads the split rootfs" unsquashfs -s "$T/split/rootfs.bin"
j=$("$MTDSCOPE" scan --json --top-level "$T/split/firmware1.bin")
is "$(jq -r '[.components[] | select(.type=="uimage")][0].details.name' <<<"$j")" "$(dumpimage -l "$T/kernel.bin" | sed -n 's/^Image Name: *//p')" \
	"split firmware1: scan's uImage name = dumpimage's"
echo "$T/split/Config.bin 0x0 0x1000" >"$T/fw_env.config"
is "$(fw_printenv -c "$T/fw_env.config" -n ethaddr 2>/dev/null)" "00:0c:43:76:28:01" "fw_printenv reads the split Config"
"$MTDSCOPE" split "$T/split/firmware1.bin" --layout "$T/seed2.txt" -C "$T/x" >/dev/null 2>"$T/err"; rc=$?
is "$rc" 1 "split of a partition dump refused"
like "$(cat "$T/err")" "partition 'firmware1' alone" "split says what the input is"

# join: back to the same image
rm -f "$T/split/ALL.bin"
check "join" "$MTDSCOPE" join --layout "$T/seed2.txt" -o "$T/joined.bin" "$T/split"
cmp -s "$T/joined.bin" "$T/donor.bin"; ok $? "join(split(x)) == x"
mkdir -p "$T/short"; cp "$T/split/"*.bin "$T/short/"; head -c 1000 "$T/split/Config.bin" >"$T/short/Config.bin"
"$MTDSCOPE" join --layout "$T/seed2.txt" -o "$T/j2.bin" "$T/short" 2>"$T/err"; rc=$?
is "$rc" 1 "join with a short file refused"
like "$(cat "$T/err")" "smaller than partition 'Config'" "join names the short file"
[ ! -e "$T/j2.bin" ]; ok $? "a refused join writes nothing"

# ---- verify: a backup like seed 000 (mtd0ro..mtd4ro) ----
make_chip0 "$T/chip0.bin" 78:20:06:1b:0c:a8 78:20:06:1b:0c:a8 || { echo "Bail out! fixture"; exit 1; }
mkdir -p "$T/bk"
cp "$T/chip0.bin" "$T/bk/mtd0ro"
slice "$T/chip0.bin" 0 0x30000 >"$T/bk/mtd1ro"
slice "$T/chip0.bin" 0x30000 0x10000 >"$T/bk/mtd2ro"
slice "$T/chip0.bin" 0x40000 0x10000 >"$T/bk/mtd3ro"
slice "$T/chip0.bin" 0x50000 0x3b0000 >"$T/bk/mtd4ro"
out=$("$MTDSCOPE" verify --layout "$T/seed0.txt" --manifest "$T/bk.sha256" "$T/bk"); rc=$?
is "$rc" 0 "seed 000 backup mtd0ro..mtd4ro verifies"
like "$out" "backup complete and consistent" "verify says complete"
like "$out" "Factory .*ok: MT7628" "verify decodes the factory EEPROM"
like "$out" "Config .*U-Boot environment.*CRC ok" "verify checks the environment CRC"
like "$out" "Kernel .*uimage 'MIPS OpenWrt Linux'.*checks ok" "verify checks the firmware CRCs"
check "verify manifest passes sha256sum -c" sha256sum -c --quiet "$T/bk.sha256"

cp -r "$T/bk" "$T/bk2"; head -c 100000 "$T/bk/mtd4ro" >"$T/bk2/mtd4ro"
out=$("$MTDSCOPE" verify --layout "$T/seed0.txt" "$T/bk2"); rc=$?
is "$rc" 1 "truncated dump: verify fails"
like "$out" "mtd4ro: 'Kernel' should be 0x3b0000 bytes but is 0x186a0 \(truncated\)" "truncated part named"
rm -rf "$T/bk2"; cp -r "$T/bk" "$T/bk2"; cp "$T/bk/mtd2ro" "$T/bk2/x"; cp "$T/bk/mtd3ro" "$T/bk2/mtd2ro"; mv "$T/bk2/x" "$T/bk2/mtd3ro"
out=$("$MTDSCOPE" verify --layout "$T/seed0.txt" "$T/bk2"); rc=$?
is "$rc" 1 "swapped dumps: verify fails"
like "$out" "mtd2ro: holds 'Factory' \(mtd3\), not 'Config'" "swapped parts named"
rm -rf "$T/bk2"; mkdir "$T/bk2"; cp "$T/bk/mtd1ro" "$T/bk/mtd2ro" "$T/bk/mtd3ro" "$T/bk2/"
out=$("$MTDSCOPE" verify --layout "$T/seed0.txt" "$T/bk2"); rc=$?
is "$rc" 1 "missing dump: verify fails"
like "$out" "partition 'Kernel' \(mtd4, 0x3b0000 bytes\) is missing" "missing part named"
rm -rf "$T/bk2"; mkdir "$T/bk2"; cp "$T/bk/mtd"[1-4]ro "$T/bk2/"; ff $((0x10000)) >"$T/bk2/mtd3ro"
out=$("$MTDSCOPE" verify --layout "$T/seed0.txt" "$T/bk2"); rc=$?
is "$rc" 1 "erased factory: verify fails"
like "$out" "'Factory' content: erased" "erased factory named"
rm -rf "$T/bk2"; mkdir "$T/bk2"; cp "$T/bk/mtd"[0-4]ro "$T/bk2/"; cp "$T/bk/mtd2ro" "$T/bk2/Config.bin"
out=$("$MTDSCOPE" verify --layout "$T/seed0.txt" "$T/bk2"); rc=$?
is "$rc" 1 "two files for one partition: verify fails"
like "$out" "are both partition 'Config'" "duplicate named"
# --json of split, join and plan: what the tools say about the same bytes
js=$("$MTDSCOPE" split "$T/donor.bin" --layout "$T/seed2.txt" -C "$T/splitj" --json)
is "$(printf '%s' "$js" | jq -r '.files[] | select(.partition=="Factory") | .sha256')" \
   "$(sha256sum < "$T/splitj/Factory.bin" | cut -c1-64)" "split --json: SHA-256 as sha256sum says"
is "$(printf '%s' "$js" | jq -r '[.files[].file] | sort | join(" ")')" \
   "$(cd "$T/splitj" && ls *.bin | sort | tr '\n' ' ' | sed 's/ $//')" "split --json: exactly the files written"
jj=$("$MTDSCOPE" join --layout "$T/seed2.txt" -o "$T/joined.bin" --json "$T/splitj/Bootloader.bin" "$T/splitj/Config.bin" \
	"$T/splitj/Factory.bin" "$T/splitj/firmware1.bin" "$T/splitj/firmware2.bin" "$T/splitj/reserved.bin")
is "$(printf '%s' "$jj" | jq -r .sha256)" "$(sha256sum < "$T/joined.bin" | cut -c1-64)" "join --json: SHA-256 of the output"
cmp -s "$T/joined.bin" "$T/donor.bin"; ok $? "join of the split parts gives back the donor image"
jp=$("$MTDSCOPE" plan --layout "$T/seed2.txt" --image "$T/donor.bin" --via uboot --json)
is "$(printf '%s' "$jp" | jq -r .image_crc32)" "$(python3 -c "import zlib,sys; print(zlib.crc32(open(sys.argv[1],'rb').read()))" "$T/donor.bin")" \
   "plan --json: the image CRC-32 is zlib's"
like "$(printf '%s' "$jp" | jq -r '.script[]')" "crc32 " "plan --json: the script lines are there"
done_testing
