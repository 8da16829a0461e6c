#!/usr/bin/env bash
# The scan's memory stays bounded on a big image (issue 12): each decoded stream is released once its
# subtree is scanned, and the mapped pages of the file behind the walk are dropped (src/lib/scan/scan.c).
# A ~230 MiB image made by real tools (gzip, xz, zstd, lzma, mksquashfs, tar) from distinct random and
# text contents (no stream repeats another, so the scan's memo never stands in for a decoding), about
# 170 MiB decoded in all.  Peak RSS (VmHWM, from /usr/bin/time -v) of the full nested scan, above the
# same binary's peak on a 1 MiB file (so an ASan build's own overhead cancels out), must stay under a
# bound with a margin, well below what keeping every decoded stream costs (the undocumented
# --keep-decoded), and the JSON map must be byte-identical with and without keeping them.  Then a
# GPT disk (sgdisk) with a large random partition: the pages of a region scanned inside a component.
. "$(dirname "$0")/../lib.sh"
need gzip xz zstd tar mksquashfs python3 jq /usr/bin/time
M=$MTDSCOPE
# ASan keeps freed memory in a quarantine: let it hand large blocks back, as malloc does
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0

# part N: a tar of 20 MiB of random bytes and ~20 MiB of numbered text, distinct in every part
part() {
	mkdir -p "$T/p$1"
	head -c $((20 << 20)) /dev/urandom >"$T/p$1/blob.bin"
	seq "$1" 5 $((1800000 + $1)) | sed "s/\$/ part $1 of the release test, a line of text/" >"$T/p$1/lines.txt"
	tar -C "$T/p$1" -cf "$T/p$1.tar" .
	rm -rf "$T/p$1"
}
for i in 1 2 3 4 5; do part $i; done
gzip -1 -c "$T/p1.tar" >"$T/s1.gz"
xz -0 -T1 -c "$T/p2.tar" >"$T/s2.xz"
zstd -q -3 -c "$T/p3.tar" >"$T/s3.zst"
xz --format=lzma -0 -c "$T/p4.tar" >"$T/s4.lzma"
mkdir -p "$T/fs"
tar -C "$T/fs" -xf "$T/p5.tar"
mksquashfs "$T/fs" "$T/s5.sqfs" -comp gzip -noappend -all-root -quiet >/dev/null 2>&1
rm -rf "$T/fs" "$T"/p*.tar
pad() { head -c $((65536 - $(stat -c %s "$1") % 65536)) /dev/urandom >>"$1"; }
for f in "$T"/s1.gz "$T"/s2.xz "$T"/s3.zst "$T"/s4.lzma "$T"/s5.sqfs; do pad "$f"; done
head -c $((64 << 20)) /dev/urandom >"$T/r1"
head -c $((40 << 20)) /dev/urandom >"$T/r2"
cat "$T/s1.gz" "$T/r1" "$T/s2.xz" "$T/s3.zst" "$T/r2" "$T/s4.lzma" "$T/s5.sqfs" >"$T/big.bin"
rm -f "$T"/s* "$T"/r1 "$T"/r2
size=$(stat -c %s "$T/big.bin")
ok $((size < 200 << 20)) "the image is over 200 MiB ($((size >> 20)) MiB)"
head -c $((1 << 20)) /dev/urandom >"$T/small.bin"

hwm() { # hwm OUT ARGS...: the peak RSS in KiB of mtdscope ARGS, its stdout in OUT
	local out=$1; shift
	/usr/bin/time -v -o "$T/time" "$M" "$@" >"$out" 2>"$T/err" || { echo "# mtdscope $* failed: $(head -1 "$T/err")" >&2; echo 0; return; }
	sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$T/time"
}
base=$(hwm "$T/small.json" scan --json "$T/small.bin")
rel=$(hwm "$T/rel.json" scan --json "$T/big.bin")
keep=$(hwm "$T/keep.json" scan --json --keep-decoded "$T/big.bin")
ok $((base == 0 || rel == 0 || keep == 0)) "the three scans ran (peak RSS $base, $rel, $keep KiB)"

# what was decoded: every gzip/xz/zstd/lzma stream of the image, each with its decoded size
python3 - "$T/rel.json" >"$T/dec" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
top = [c["details"]["decoded_size"] for c in doc["components"]
       if c["space"] is None and c["details"].get("decoded_size")]
print(len(top), sum(top) >> 20, max(top) >> 20)
EOF
read -r nstreams decmib maxmib <"$T/dec"
ok $((nstreams < 4 || decmib < 120)) "the scan decoded $nstreams streams of the image, $decmib MiB (largest $maxmib MiB)"

# bound: one decoded stream at a time (the largest, twice: a decoder's buffer grows by reallocation,
# which an ASan build does by copying) and the walk's window of the file (16 MiB steps), with a margin
bound=$(((2 * maxmib + 64) << 10))
d_rel=$((rel - base)) d_keep=$((keep - base))
ok $((d_rel > bound)) "peak RSS above a 1 MiB scan: $((d_rel >> 10)) MiB <= $((bound >> 10)) MiB (keeping decoded streams: $((d_keep >> 10)) MiB)"
# keeping every stream costs at least half of what the streams other than the largest decoded to
ok $(((d_keep - d_rel) * 2 < (decmib - maxmib) << 10)) "releasing saves $(((d_keep - d_rel) >> 10)) MiB (the other streams decoded to $((decmib - maxmib)) MiB)"
cmp -s "$T/rel.json" "$T/keep.json"
ok $? "the JSON map is identical with and without releasing"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/rel.json"
ok $? "the JSON map parses"

# The same inside a component: a GPT disk (sgdisk) whose partition of 160 MiB of random bytes is
# scanned at depth 1; the pages the walk, the false candidates' probes and the entropy sample of
# the gap map (a page-cache folio at a time) go as the walk leaves them.
if command -v sgdisk >/dev/null; then
	truncate -s $((170 << 20)) "$T/disk.img"
	sgdisk -Z -n 1:2048:+160M -c 1:crypt "$T/disk.img" >/dev/null 2>&1
	head -c $((160 << 20)) /dev/urandom | dd of="$T/disk.img" bs=1M seek=1 conv=notrunc status=none iflag=fullblock
	# --view none: the detection of a NAND view samples every erase block's bad-block marker
	# (src/lib/scan/view_nand.c), which on some random contents maps most of the file before the
	# walk starts; that is not the walk's memory, and is measured apart from this test
	disk=$(hwm "$T/disk.json" scan --json --view none "$T/disk.img")
	like "$(jq -r '[.components[] | .type] | join(" ")' "$T/disk.json" 2>/dev/null)" '^gpt .*random' "the disk is a GPT with a random partition"
	d=$((disk - base))
	ok $((disk == 0 || d > 48 << 10)) "peak RSS scanning the 170 MiB disk, above a 1 MiB scan: $((d >> 10)) MiB <= 48 MiB"
else
	ok 0 "# SKIP sgdisk not installed"
fi
done_testing
