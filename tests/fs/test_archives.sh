#!/usr/bin/env bash
# cpio (newc, crc, odc) and tar (gnu, ustar, pax): exact extents and entry lists compared with
# cpio -t, cpio --only-verify-crc and tar -tvR.
. "$SRCDIR/tests/lib.sh"
need cpio tar mksquashfs unsquashfs jq

mkdir -p "$T/root/bin" "$T/root/etc/init.d" "$T/root/a-rather-long-directory-name-to-need-more-than-one-hundred-characters-in-a-tar-header/sub"
head -c 70000 /dev/urandom > "$T/root/bin/busybox"
echo "#!/bin/sh" > "$T/root/etc/init.d/rcS"
seq 1 3000 > "$T/root/a-rather-long-directory-name-to-need-more-than-one-hundred-characters-in-a-tar-header/sub/file-with-a-long-name"
ln -s busybox "$T/root/bin/sh"

first() { jq -c "[.components[] | select(.type == \"$2\")][0]" <<<"$1"; }
sorted() { sort | tr '\n' '|'; }

for fmt in newc crc odc; do
	(cd "$T/root" && find . | LC_ALL=C sort | cpio -o -H $fmt --quiet) > "$T/a.cpio"
	size=$(stat -c %s "$T/a.cpio")
	# at an odd place after some text, followed by erased flash
	{ printf 'some leading bytes\n'; cat "$T/a.cpio"; head -c 8192 /dev/zero | tr '\0' '\377'; } > "$T/blob.bin"
	j=$("$MTDSCOPE" scan --json "$T/blob.bin")
	c=$(first "$j" cpio)
	is "$(jq -r .offset <<<"$c")" 19 "$fmt: offset"
	is "$(jq -r .size <<<"$c")" "$size" "$fmt: extent through TRAILER!!! and the 512-byte fill"
	is "$(jq -r .details.format <<<"$c")" $fmt "$fmt: format"
	want=$(cpio -t --quiet < "$T/a.cpio")
	is "$(jq -r .details.entries <<<"$c")" "$(wc -l <<<"$want")" "$fmt: entry count as cpio -t"
	is "$(jq -r '.details.names[]' <<<"$c" | sorted)" "$(sorted <<<"$want")" "$fmt: names as cpio -t"
	is "$(jq -r .valid <<<"$c")" true "$fmt: valid"
	# the busybox payload is scanned as a child
	is "$(jq "[.components[] | select(.parent == $(jq .id <<<"$c"))] | length > 0" <<<"$j")" true "$fmt: file data scanned inside"
done
(cd "$T/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$T/a.cpio"

# the kernel's initramfs has no 512-byte fill: the extent ends after the trailer's padding
tr_at=$(grep -abo 'TRAILER!!!' "$T/a.cpio" | cut -d: -f1)
end=$(((tr_at + 11 + 3) & ~3))
head -c $end "$T/a.cpio" > "$T/initramfs.cpio"
printf 'XYZW%.0s' $(seq 1 100) >> "$T/initramfs.cpio"
c=$(first "$("$MTDSCOPE" scan --json "$T/initramfs.cpio")" cpio)
is "$(jq -r .size <<<"$c")" $end "no fill: ends after the trailer"

# crc format: one file's data changed; cpio --only-verify-crc and we both object
(cd "$T/root" && find . | LC_ALL=C sort | cpio -o -H crc --quiet) > "$T/c.cpio"
at=$(grep -abo '#!/bin/sh' "$T/c.cpio" | head -1 | cut -d: -f1)
cp "$T/c.cpio" "$T/bad.cpio"
printf 'X' | dd of="$T/bad.cpio" bs=1 seek=$((at + 3)) conv=notrunc status=none
like "$(cd "$T" && cpio -i --only-verify-crc < "$T/bad.cpio" 2>&1)" "checksum error" "cpio sees the checksum error"
c=$(first "$("$MTDSCOPE" scan --json "$T/bad.cpio")" cpio)
is "$(jq -r .details.bad_checksums <<<"$c")" 1 "crc: one bad checksum"
is "$(jq -r .valid <<<"$c")" false "crc: invalid"

# cut in the middle: clamped, invalid
head -c 40000 "$T/a.cpio" > "$T/cut.cpio"
c=$(first "$("$MTDSCOPE" scan --json "$T/cut.cpio")" cpio)
is "$(jq -r .size <<<"$c")" 40000 "cut cpio: clamped"
like "$(jq -r '.problems | join(";")' <<<"$c")" "truncated" "cut cpio: truncated"
# extract keeps what is there: the cut file (the one cpio -i complains about) holds its first bytes
"$MTDSCOPE" extract "$T/cut.cpio" -C "$T/cut.out" >/dev/null 2>&1
cutname=$(jq -r '.refused[] | select(.reason | test("runs past")) | .path' "$T/cut.out/manifest.json")
check "cut cpio: the cut entry named ($cutname)" test -n "$cutname"
got="$T/cut.out/0x00000000-cpio/root/$cutname"
check "cut cpio: the cut file is there, not empty" test -s "$got"
check "cut cpio: its data up to the cut is written, equal to the original's" \
	cmp -n "$(stat -c %s "$got")" "$got" "$T/root/$cutname"

# hostile: second header with a huge namesize and filesize
{ head -c $(((tr_at - 110 + 3) & ~3)) "$T/a.cpio" | head -c 512; printf '070701'; printf 'FFFFFFFF%.0s' $(seq 1 13); } > "$T/hostile.cpio"
j=$("$MTDSCOPE" scan --json "$T/hostile.cpio"); rc=$?
is "$rc" 0 "hostile cpio: scan completes"

# tar: gnu, ustar, pax
for fmt in gnu ustar pax; do
	opt="--format=$fmt"
	[ $fmt = ustar ] && tar_root="$T/root/bin" || tar_root="$T/root"
	tar $opt -cf "$T/a.tar" -C "$tar_root" . 2>/dev/null || { ok 1 "tar $fmt"; continue; }
	nul=$(tar -tvR -f "$T/a.tar" | sed -n 's/^block \([0-9]*\): \*\* Block of NULs \*\*/\1/p' | head -1)
	{ head -c 4096 /dev/zero | tr '\0' '\377'; cat "$T/a.tar"; } > "$T/blob.bin"
	j=$("$MTDSCOPE" scan --json "$T/blob.bin")
	t=$(first "$j" tar)
	is "$(jq -r .offset <<<"$t")" 4096 "tar $fmt: offset"
	is "$(jq -r .size <<<"$t")" $(((nul + 2) * 512)) "tar $fmt: extent through the two zero blocks (tar -tvR)"
	is "$(jq -r .details.format <<<"$t")" $fmt "tar $fmt: format"
	is "$(jq -r .details.entries <<<"$t")" "$(tar -tf "$T/a.tar" | wc -l)" "tar $fmt: entry count as tar -t"
	is "$(jq -r '.details.names[]' <<<"$t" | sorted)" "$(tar -tf "$T/a.tar" | sorted)" "tar $fmt: names as tar -t"
	is "$(jq -r .valid <<<"$t")" true "tar $fmt: valid"
done

# a sysupgrade-style tar: the squashfs inside is found as a child of the tar
mkdir -p "$T/sysupgrade-test"
mksquashfs "$T/root" "$T/sysupgrade-test/root" -comp xz -noappend -quiet >/dev/null 2>&1
echo "BOARD=test" > "$T/sysupgrade-test/CONTROL"
tar --format=gnu -cf "$T/sysupgrade.tar" -C "$T" sysupgrade-test
j=$("$MTDSCOPE" scan --json "$T/sysupgrade.tar")
t=$(first "$j" tar); q=$(first "$j" squashfs)
is "$(jq -r .parent <<<"$q")" "$(jq -r .id <<<"$t")" "sysupgrade tar: squashfs is its child"
is "$(jq -r .size <<<"$q")" "$(unsquashfs -s "$T/sysupgrade-test/root" | sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p')" "sysupgrade tar: squashfs extent (unsquashfs -s)"

# a header checksum broken in the middle of the archive
tar --format=gnu -cf "$T/a.tar" -C "$T/root" .
cp "$T/a.tar" "$T/bad.tar"
printf 'Z' | dd of="$T/bad.tar" bs=1 seek=$((512 * 2 + 3)) conv=notrunc status=none
t=$(first "$("$MTDSCOPE" scan --json "$T/bad.tar")" tar)
is "$(jq -r .valid <<<"$t")" false "bad tar checksum: invalid"
like "$(jq -r '.problems | join(";")' <<<"$t")" "fails its checksum" "bad tar checksum: reported"

# cut before the end-of-archive blocks
head -c 20480 "$T/a.tar" > "$T/cut.tar"
t=$(first "$("$MTDSCOPE" scan --json "$T/cut.tar")" tar)
is "$(jq -r .valid <<<"$t")" false "cut tar: invalid"
like "$(jq -r '.problems | join(";")' <<<"$t")" "truncated" "cut tar: truncated"

# issue 12: the first header claims more data than the file holds (cut inside its data): a tar
# component clamped to the file with the problem named, not `unknown`; tar -tv still lists the
# entry (then fails with "Unexpected EOF"), and extract writes the part that is there.
head -c 100000 /dev/urandom > "$T/big.bin"
tar --format=gnu -cf "$T/big.tar" -C "$T" big.bin
head -c 20000 "$T/big.tar" > "$T/bigcut.tar"
t=$(first "$("$MTDSCOPE" scan --json "$T/bigcut.tar")" tar)
is "$(jq -r .offset <<<"$t")" 0 "header claiming too much: a tar component at 0"
is "$(jq -r .size <<<"$t")" 20000 "header claiming too much: clamped to the file"
is "$(jq -r .valid <<<"$t")" false "header claiming too much: invalid"
is "$(jq -r '.details.names[]' <<<"$t")" "$(tar -tf "$T/bigcut.tar" 2>/dev/null)" "header claiming too much: entry listed as tar -t lists it"
claimed=$(tar -tvf "$T/bigcut.tar" 2>/dev/null | awk '{print $3}')
like "$(jq -r '.problems | join(";")' <<<"$t")" "truncated: 'big.bin' claims $(printf '0x%x' "$claimed") bytes" \
	"header claiming too much: the problem names the entry and the size tar -tv shows"
"$MTDSCOPE" extract "$T/bigcut.tar" -C "$T/bigcut.out" >/dev/null 2>&1
check "header claiming too much: extract writes the data that is there" \
	cmp -n $((20000 - 512)) "$T/bigcut.out/0x00000000-tar/root/big.bin" "$T/big.bin"
is "$(stat -c %s "$T/bigcut.out/0x00000000-tar/root/big.bin")" $((20000 - 512)) "header claiming too much: and no more"
done_testing
