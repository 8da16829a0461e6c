#!/usr/bin/env bash
# Archives from before POSIX: old binary cpio (cpio -H bin, both byte orders) and v7 tar (tar
# --format=v7, no "ustar" magic): exact extents, entry lists as cpio -t / tar -tvR, extraction equal
# to what cpio -i / tar -x make, and no such component in random bytes, text or executables.
. "$SRCDIR/tests/lib.sh"
need cpio tar gzip jq python3

mkdir -p "$T/root/bin" "$T/root/etc/init.d" "$T/root/a directory with spaces"
head -c 70000 /dev/urandom > "$T/root/bin/busybox"
echo "#!/bin/sh" > "$T/root/etc/init.d/rcS"
seq 1 3001 > "$T/root/a directory with spaces/odd-sized file"
ln -s busybox "$T/root/bin/sh"
ln "$T/root/etc/init.d/rcS" "$T/root/etc/rcS.hard"
mkfifo "$T/root/etc/fifo"
chmod 0750 "$T/root/etc/init.d"

first() { jq -c "[.components[] | select(.type == \"$2\")][0]" <<<"$1"; }
sorted() { sort | tr '\n' '|'; }
# the extracted tree equals the reference tree (special files are recorded, not created)
same_tree() { diff -r --no-dereference -x fifo "$1" "$2" && [ "$(stat -c %a "$1/etc/init.d")" = 750 ]; }

# ---- old binary cpio ----
(cd "$T/root" && find . | LC_ALL=C sort | cpio -o -H bin --quiet) > "$T/le.cpio"
# the same archive as a big-endian machine writes it (the header words swapped: tests/fs/cpio_bin_swap.py)
python3 "$SRCDIR/tests/fs/cpio_bin_swap.py" "$T/le.cpio" "$T/be.cpio"
like "$(cpio -t < "$T/be.cpio" 2>&1 >/dev/null)" "reverse byte-order" "cpio itself reads the converted archive as reverse byte-order"
is "$(cpio -t --quiet < "$T/be.cpio" 2>/dev/null | sorted)" "$(cpio -t --quiet < "$T/le.cpio" | sorted)" \
	"and lists the same entries from it"
mkdir "$T/ref-cpio" && (cd "$T/ref-cpio" && cpio -id --quiet < "$T/le.cpio")
for order in le be; do
	a="$T/$order.cpio"
	size=$(stat -c %s "$a")
	{ printf 'some leading bytes\n'; cat "$a"; head -c 8192 /dev/zero | tr '\0' '\377'; } > "$T/blob.bin"
	j=$("$MTDSCOPE" scan --json "$T/blob.bin")
	c=$(first "$j" cpio)
	is "$(jq -r .offset <<<"$c")" 19 "bin $order: offset"
	is "$(jq -r .size <<<"$c")" "$size" "bin $order: extent through TRAILER!!! and the 512-byte fill"
	is "$(jq -r '"\(.details.format) \(.details.endian)"' <<<"$c")" "bin $([ $order = le ] && echo little || echo big)" \
		"bin $order: format and byte order"
	want=$(cpio -t --quiet < "$a" 2>/dev/null)
	is "$(jq -r .details.entries <<<"$c")" "$(wc -l <<<"$want")" "bin $order: entry count as cpio -t"
	is "$(jq -r '.details.names[]' <<<"$c" | sorted)" "$(sorted <<<"$want")" "bin $order: names as cpio -t"
	is "$(jq -r .valid <<<"$c")" true "bin $order: valid"
	is "$(jq "[.components[] | select(.parent == $(jq .id <<<"$c"))] | length > 0" <<<"$j")" true \
		"bin $order: file data scanned inside"
	"$MTDSCOPE" extract "$a" -C "$T/x-$order" >/dev/null 2>&1
	check "bin $order: extracted tree equals cpio -i's" same_tree "$T/x-$order/0x00000000-cpio/root" "$T/ref-cpio"
	is "$(jq -r '[.outputs[] | select(.kind == "fifo") | .path] | join(" ")' "$T/x-$order/manifest.json")" \
		0x00000000-cpio/root/etc/fifo "bin $order: the fifo recorded"
done
# cut in the middle: clamped, truncated, and what is there extracted
head -c 40000 "$T/be.cpio" > "$T/cut.cpio"
c=$(first "$("$MTDSCOPE" scan --json "$T/cut.cpio")" cpio)
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "40000 false" "cut bin cpio: clamped, invalid"
like "$(jq -r '.problems | join(";")' <<<"$c")" "truncated" "cut bin cpio: truncated"
# a header whose name is not NUL-terminated: the archive ends there, named
at=$(grep -abo 'etc/init.d/rcS' "$T/le.cpio" | head -1 | cut -d: -f1)
cp "$T/le.cpio" "$T/badname.cpio"
namesize=$(od -An -tu2 -j $((at - 6)) -N2 "$T/le.cpio" | tr -d ' ')
printf 'Z' | dd of="$T/badname.cpio" bs=1 seek=$((at + namesize - 1)) conv=notrunc status=none
c=$(first "$("$MTDSCOPE" scan --json "$T/badname.cpio")" cpio)
is "$(jq -r '"\(.size) \(.valid)"' <<<"$c")" "$((at - 26)) false" "bad name: the archive ends before that header, invalid"
like "$(jq -r '.problems | join(";")' <<<"$c")" "not a valid bin header" "bad name: named"

# ---- v7 tar ----
tar --format=v7 -cf "$T/v7.tar" -C "$T/root" . 2>/dev/null # the fifo: 'Unknown file type; file ignored'
nul=$(tar -tvR -f "$T/v7.tar" | sed -n 's/^block \([0-9]*\): \*\* Block of NULs \*\*/\1/p' | head -1)
check "tar --format=v7 writes no ustar magic" test "$(grep -c ustar "$T/v7.tar")" = 0
mkdir "$T/ref-tar" && tar -xf "$T/v7.tar" -C "$T/ref-tar"
{ head -c 8192 /dev/zero | tr '\0' '\377'; cat "$T/v7.tar"; } > "$T/blob.bin"
j=$("$MTDSCOPE" scan --json "$T/blob.bin")
t=$(first "$j" tar)
is "$(jq -r .offset <<<"$t")" 8192 "v7 tar in erased flash: offset"
is "$(jq -r .size <<<"$t")" $(((nul + 2) * 512)) "v7 tar: extent through the two zero blocks (tar -tvR)"
is "$(jq -r .details.format <<<"$t")" v7 "v7 tar: format"
is "$(jq -r .details.entries <<<"$t")" "$(tar -tf "$T/v7.tar" | wc -l)" "v7 tar: entry count as tar -t"
is "$(jq -r '.details.names[]' <<<"$t" | sorted)" "$(tar -tf "$T/v7.tar" | sorted)" "v7 tar: names as tar -t"
is "$(jq -r .valid <<<"$t")" true "v7 tar: valid"
"$MTDSCOPE" extract "$T/v7.tar" -C "$T/x-v7" >/dev/null 2>&1
check "v7 tar: extracted tree equals tar -x's" same_tree "$T/x-v7/0x00000000-tar/root" "$T/ref-tar"
# in a gzip stream: the decoded space starts with it
gzip -9n < "$T/v7.tar" > "$T/v7.tar.gz"
j=$("$MTDSCOPE" scan --json "$T/v7.tar.gz")
is "$(jq -r '[.components[] | select(.type == "tar")][0] | "\(.offset) \(.details.format) \(.valid)"' <<<"$j")" "0 v7 true" \
	"v7 tar inside gzip: found at the start of the decoded stream"
# one header byte changed: no checksum holds and there is no magic, so there is no tar
cp "$T/v7.tar" "$T/v7bad.tar"
printf 'Q' | dd of="$T/v7bad.tar" bs=1 seek=1 conv=notrunc status=none
is "$("$MTDSCOPE" scan --json "$T/v7bad.tar" | jq '[.components[] | select(.type == "tar" and .offset == 0)] | length')" 0 \
	"v7 header failing its checksum: not taken"
# cut in the data of a file: truncated, named
off=$(tar -tvR -f "$T/v7.tar" | awk '/bin\/busybox/ {sub(":", "", $2); print $2}')
head -c $(((off + 1) * 512 + 20000)) "$T/v7.tar" > "$T/v7cut.tar"
t=$(first "$("$MTDSCOPE" scan --json "$T/v7cut.tar")" tar)
like "$(jq -r '.problems | join(";")' <<<"$t")" "truncated: './bin/busybox' claims 0x11170 bytes" "cut v7 tar: the entry named"

# ---- no false findings: the two-byte cpio magic and the magic-less tar header ----
head -c $((8 << 20)) /dev/urandom > "$T/random.bin"
cat /usr/include/*.h /usr/share/common-licenses/* 2>/dev/null | head -c $((8 << 20)) > "$T/text.bin"
cat /usr/bin/cpio /usr/bin/tar /usr/bin/gzip /usr/bin/python3 > "$T/exec.bin"
# every position where the two bytes of the cpio bin magic are
for f in random text exec; do
	n=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(d.count(b"\xc7\x71") + d.count(b"\x71\xc7"))' "$T/$f.bin")
	got=$("$MTDSCOPE" scan --json "$T/$f.bin" | jq '[.components[] | select(.type == "tar" or .type == "cpio")] | length')
	is "$got" 0 "$f ($(stat -c %s "$T/$f.bin") bytes, $n cpio bin magics): no tar or cpio found"
done
done_testing
