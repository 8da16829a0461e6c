#!/usr/bin/env bash
# /proc/mtd lists sizes, not offsets: mtdscope adds the sizes up.  An entry that is
# missing (mtd2 absent) or unreadable (a size that is not hex) shifts every offset
# after it, so everything that writes or cuts at those offsets refuses, naming the
# line; what lies before the gap still works, and the complete list works.
. "$SRCDIR/tests/lib.sh"
M=$MTDSCOPE
hdr='dev:    size   erasesize  name'
printf '%s\nmtd0: 00030000 00010000 "u-boot"\nmtd1: 00010000 00010000 "u-boot-env"\nmtd2: 00010000 00010000 "factory"\nmtd3: 00100000 00010000 "kernel"\nmtd4: 006b0000 00010000 "rootfs"\n' "$hdr" >"$T/full.txt"
grep -v '^mtd2:' "$T/full.txt" >"$T/missing.txt"
sed 's/^mtd2: 00010000/mtd2: 0001X000/' "$T/full.txt" >"$T/bad.txt"
# an 8 MiB image with a recognisable byte at each partition start
head -c $((0x800000)) /dev/zero | tr '\0' '\377' >"$T/img.bin"
mark() { printf "$2" | dd of="$T/img.bin" bs=1 seek=$(($1)) conv=notrunc status=none; }
mark 0x40000 'FACT'; mark 0x50000 'KERN'; mark 0x150000 'ROOT'

# the control: the complete list splits, and each file starts where it should
check "split with the complete /proc/mtd" "$M" split "$T/img.bin" --layout "$T/full.txt" -C "$T/full"
is "$(head -c 4 "$T/full/kernel.bin" 2>/dev/null)" KERN "kernel.bin starts with the kernel's bytes"
is "$(head -c 4 "$T/full/rootfs.bin" 2>/dev/null)" ROOT "rootfs.bin starts with the rootfs's bytes"

for c in missing bad; do
	L=$T/$c.txt
	out=$("$M" layout "$L" 2>&1)
	st=$?
	is "$st" 1 "$c entry: layout exits 1"
	like "$out" "error: line 4: an entry before 'kernel' is missing or unreadable" "$c entry: layout names the gap and the first partition it shifts"
	js=$("$M" layout --json "$L")
	is "$(printf '%s' "$js" | jq -r '[.issues[] | select(.code == "offsets-unknown") | .partition] | join(",")')" kernel \
		"$c entry: --json has an offsets-unknown error at 'kernel'"
	for form in --dts --mtdparts --flashrom; do
		"$M" layout $form "$L" >"$T/form.out" 2>"$T/form.err"
		st=$?
		ok "$([ $st -ne 0 ] && [ ! -s "$T/form.out" ]; echo $?)" "$c entry: layout $form refuses and prints nothing"
	done
	like "$(cat "$T/form.err")" 'line 4: .*not known.*Way out: a complete /proc/mtd' "$c entry: the refusal says why and the way out"
	"$M" split "$T/img.bin" --layout "$L" -C "$T/split-$c" >"$T/split.out" 2>"$T/split.err"
	st=$?
	ok "$([ $st -ne 0 ] && [ ! -e "$T/split-$c" ]; echo $?)" "$c entry: split refuses and leaves no directory"
	like "$(cat "$T/split.err")" "splitting a dump into its partitions needs them" "$c entry: split says what needs the offsets"
	"$M" plan --layout "$L" --image "$T/img.bin" --via uboot --only kernel >"$T/plan.out" 2>"$T/plan.err"
	st=$?
	ok "$([ $st -ne 0 ] && [ ! -s "$T/plan.out" ]; echo $?)" "$c entry: plan of a partition past the gap refuses"
	like "$(cat "$T/plan.err")" "offset of 'kernel' .*not known, and a flashing plan needs them" "$c entry: plan says the offsets are not known"
	"$M" plan --layout "$L" --image "$T/img.bin" --via uboot --only kernel --force >"$T/plan.out" 2>"$T/plan.err"
	ok "$([ $? -ne 0 ]; echo $?)" "$c entry: --force does not make guessed offsets writable"
done
done_testing
