#!/usr/bin/env bash
# The filesystem unpackers on their own, against the tools that made the images.
. "$SRCDIR/tests/lib.sh"
need mkfs.jffs2 mksquashfs unsquashfs jq
U="$UNPACK"

listing() { (cd "$1" && find . -mindepth 1 \( -type f -o -type d -o -type l \) -printf '%P %y %m %l\n' | LC_ALL=C sort;
             find . -type f -printf '%P\n' | LC_ALL=C sort | while read -r f; do printf '%s %s\n' "$f" "$(sha256sum < "$f" | cut -c1-64)"; done); }

R="$T/root"
mkdir -p "$R/etc/config" "$R/usr/share" "$R/overlay/upper"
printf 'config system\n\toption hostname OpenWrt\n' > "$R/etc/config/system"
head -c 200000 /dev/urandom > "$R/usr/share/random.bin"
yes 'compressible line of text' | head -c 150000 > "$R/usr/share/text.txt"
: > "$R/etc/empty"
ln -s /etc/config/system "$R/etc/link"
chmod 600 "$R/etc/config/system"

for endian in -l -b; do
	for mode in "-m none" "-m priority" "-m priority -x zlib" "-m size -X lzo"; do
		img="$T/fs.jffs2"; rm -f "$img"; rm -rf "$T/out"
		mkfs.jffs2 $endian -e 64KiB -p -q $mode -r "$R" -o "$img" 2>/dev/null || { ok 1 "mkfs.jffs2 $endian $mode"; continue; }
		"$U" jffs2 "$img" "$T/out" > "$T/log" 2>&1
		ok $? "jffs2 $endian $mode unpacks"
		is "$(listing "$T/out")" "$(listing "$R")" "jffs2 $endian $mode equals the directory given to mkfs.jffs2"
	done
done

# newest version wins: a second image appended with a changed file (same inode, higher version) is not
# something mkfs.jffs2 makes, so corrupt one node instead and check the damage is reported, not fatal
mkfs.jffs2 -l -e 64KiB -q -r "$R" -o "$T/bad.jffs2"
printf '\xff\xff\xff\xff' | dd of="$T/bad.jffs2" bs=1 seek=200 conv=notrunc 2>/dev/null
rm -rf "$T/out"; out=$("$U" jffs2 "$T/bad.jffs2" "$T/out" 2>&1)
like "$out" "failed their CRCs" "corrupted node reported"

# every compressor mksquashfs offers (issue 12: LZO, which Debian's libsquashfs lacks, was refused)
for comp in gzip lzo xz lz4 zstd lzma; do
	rm -rf "$T/fs.sqfs" "$T/ref" "$T/out"
	mksquashfs "$R" "$T/fs.sqfs" -comp "$comp" -noappend -quiet >/dev/null 2>&1 ||
		{ echo "ok $((_tap_n += 1)) # skip mksquashfs here cannot write $comp"; continue; }
	"$U" squashfs "$T/fs.sqfs" "$T/out" >/dev/null
	unsquashfs -q -n -d "$T/ref" "$T/fs.sqfs" >/dev/null
	is "$(listing "$T/out")" "$(listing "$T/ref")" "squashfs ($comp) equals unsquashfs"
done
# and the same LZO image through extract itself
mksquashfs "$R" "$T/lzo.sqfs" -comp lzo -noappend -quiet >/dev/null 2>&1 && {
	rm -rf "$T/ref" "$T/x"
	unsquashfs -q -n -d "$T/ref" "$T/lzo.sqfs" >/dev/null
	"$MTDSCOPE" extract "$T/lzo.sqfs" -C "$T/x" >/dev/null 2>&1
	is "$(listing "$T/x/0x00000000-squashfs/root")" "$(listing "$T/ref")" "extract of an LZO squashfs equals unsquashfs"
	is "$(jq -r '.refused | length' "$T/x/manifest.json")" 0 "extract of an LZO squashfs: nothing refused"
}
mksquashfs "$R" "$T/fs.sqfs" -comp gzip -noappend -quiet >/dev/null
head -c 100000 "$T/fs.sqfs" > "$T/cut.sqfs"
rm -rf "$T/out"; out=$("$U" squashfs "$T/cut.sqfs" "$T/out" 2>&1)
like "$out" "unreadable|out of bounds|do not fit" "truncated squashfs reported, no crash"
# ext4 through libext2fs vs the directory given to mke2fs -d (lost+found is the filesystem's own)
if command -v mke2fs >/dev/null; then
	rm -f "$T/fs.ext4"; mke2fs -q -F -t ext4 -L rootfs -d "$R" "$T/fs.ext4" 8M >/dev/null 2>&1
	rm -rf "$T/out"; "$U" ext4 "$T/fs.ext4" "$T/out" >/dev/null
	ok $? "ext4 unpacks"
	rmdir "$T/out/lost+found" 2>/dev/null
	is "$(listing "$T/out")" "$(listing "$R")" "ext4 equals the directory given to mke2fs -d"
	head -c 300000 "$T/fs.ext4" > "$T/cut.ext4"
	rm -rf "$T/out"; "$U" ext4 "$T/cut.ext4" "$T/out" >/dev/null 2>&1
	ok 0 "truncated ext4: no crash"
fi
# UBIFS (bare and inside UBI, lzo/zlib/zstd/none) vs the directory given to mkfs.ubifs
if command -v mkfs.ubifs >/dev/null && command -v ubinize >/dev/null; then
	for comp in lzo zlib zstd none; do
		rm -f "$T/fs.ubifs"
		mkfs.ubifs -q -x "$comp" -m 2048 -e 126976 -c 200 -r "$R" -o "$T/fs.ubifs" 2>/dev/null || { ok 1 "mkfs.ubifs -x $comp"; continue; }
		rm -rf "$T/out"; "$U" ubifs "$T/fs.ubifs" "$T/out" >/dev/null
		is "$(listing "$T/out")" "$(listing "$R")" "bare UBIFS ($comp) equals the directory given to mkfs.ubifs"
	done
	cat > "$T/ubi.ini" <<INI
[rootfs]
mode=ubi
image=$T/fs.ubifs
vol_id=0
vol_type=dynamic
vol_name=rootfs
vol_flags=autoresize
[kernel]
mode=ubi
image=$T/root/usr/share/random.bin
vol_id=1
vol_type=static
vol_name=kernel
INI
	mkfs.ubifs -q -x lzo -m 2048 -e 126976 -c 200 -r "$R" -o "$T/fs.ubifs"
	ubinize -o "$T/fs.ubi" -m 2048 -p 128KiB -s 2048 "$T/ubi.ini" >/dev/null 2>&1
	rm -rf "$T/out" "$T/out2"; "$U" ubi "$T/fs.ubi" "$T/out" >/dev/null
	"$U" ubifs "$T/out/rootfs.img" "$T/out2" >/dev/null
	is "$(listing "$T/out2")" "$(listing "$R")" "UBIFS of the assembled UBI volume equals the directory given to mkfs.ubifs"
	is "$(sha256sum < "$T/out/kernel.img" | cut -c1-64)" "$(sha256sum < "$R/usr/share/random.bin" | cut -c1-64)" \
		"static UBI volume assembled exactly (named from the volume table)"
fi
done_testing
