#!/usr/bin/env bash
# extract --threads N (issue 12): squashfs blocks decoded by N threads while one writer keeps the
# on-disk order.  For every compressor mksquashfs offers here (xz, gzip, zstd, lzo, lz4) and N = 1, 2
# and 5, the tree extracted equals unsquashfs's byte for byte and in its metadata (type, mode, size,
# mtime, symlink target, hard links), and the manifest is the same whatever N.  The tree holds what
# takes each path of the parallel code: many small files sharing fragment blocks, files of several
# MiB (more than one chunk, more than the writer holds in memory), sparse and empty files, symlinks
# and a hard link.  Fixtures: mksquashfs and unsquashfs (squashfs-tools).
. "$SRCDIR/tests/lib.sh"
need mksquashfs unsquashfs python3 jq

R="$T/tree"
mkdir -p "$R/lib/modules" "$R/etc" "$R/www/static" "$R/bin" "$R/empty"
i=0
while [ $i -lt 300 ]; do # small files, text and random, sharing fragment blocks
	printf 'option %d value %d\n' $i $((i * 7)) >"$R/etc/conf$i"
	[ $((i % 3)) -eq 0 ] && head -c $((i * 37 + 1)) /dev/urandom >"$R/www/static/blob$i.bin"
	i=$((i + 1))
done
head -c $((5 << 20)) /dev/urandom >"$R/lib/modules/big-random.ko"                                  # 5 MiB, incompressible
seq 1 700000 | sed 's/$/ kernel log line/' >"$R/lib/modules/big-text.txt"                            # ~15 MiB, compressible
{ head -c $((1 << 20)) /dev/urandom; head -c $((2 << 20)) /dev/zero; head -c 4097 /dev/urandom; } >"$R/bin/sparse.bin" # a hole
cp /bin/true "$R/bin/busybox"
ln "$R/bin/busybox" "$R/bin/hardlink"
ln -s busybox "$R/bin/sh"
ln -s /tmp/resolv.conf "$R/etc/resolv.conf"
: >"$R/etc/empty-file"
chmod 755 "$R/bin/busybox"
chmod 444 "$R/etc/conf1"
chmod 600 "$R/etc/conf2"
chmod 1777 "$R/empty"
touch -d '2021-03-04 05:06:07' "$R/etc/conf3" "$R/lib/modules/big-text.txt"

# meta DIR: what is compared besides the bytes: path, type, mode, size, mtime, link target, link count
meta() {
	(cd "$1" && find . -mindepth 1 -not -type d -printf '%P %y %m %s %T@ %l %n\n' | LC_ALL=C sort
	 find . -mindepth 1 -type d -printf '%P %y %m %T@\n' | LC_ALL=C sort)
}

for comp in xz gzip zstd lzo lz4; do
	img="$T/$comp.sqfs"
	if ! mksquashfs "$R" "$img" -comp "$comp" -noappend -all-root -quiet >/dev/null 2>&1; then
		ok 0 "# SKIP mksquashfs cannot make $comp"
		continue
	fi
	rm -rf "$T/ref"
	unsquashfs -q -n -d "$T/ref" "$img" >/dev/null 2>&1
	meta "$T/ref" >"$T/ref.meta"
	for n in 1 2 5; do
		out="$T/x-$comp-$n"
		"$MTDSCOPE" extract --threads "$n" "$img" -C "$out" >/dev/null 2>"$T/err"
		ok $? "$comp, --threads $n: extract succeeds"
		root=$(ls -d "$out"/0x*-squashfs/root 2>/dev/null | head -1)
		if [ -z "$root" ]; then
			ok 1 "$comp, --threads $n: a root/ directory"
			continue
		fi
		diff -r --no-dereference "$T/ref" "$root" >"$T/diff" 2>&1
		ok $? "$comp, --threads $n: every file byte for byte as unsquashfs wrote it"
		[ -s "$T/diff" ] && head -5 "$T/diff" | sed 's/^/#   /'
		meta "$root" >"$T/our.meta"
		cmp -s "$T/ref.meta" "$T/our.meta"
		ok $? "$comp, --threads $n: types, modes, sizes, mtimes, link targets and hard links as unsquashfs's"
		cmp -s "$T/ref.meta" "$T/our.meta" || diff "$T/ref.meta" "$T/our.meta" | head -5 | sed 's/^/#   /'
		jq -S 'del(.file)' "$out/manifest.json" >"$T/man-$n.json"
		if [ "$n" != 1 ]; then
			cmp -s "$T/man-1.json" "$T/man-$n.json"
			ok $? "$comp, --threads $n: the manifest is the one --threads 1 wrote"
		fi
	done
done
"$MTDSCOPE" extract --threads 0 "$T/xz.sqfs" -C "$T/bad" >/dev/null 2>"$T/err"
is "$?" 2 "--threads 0 is a usage error"
done_testing
