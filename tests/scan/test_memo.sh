#!/usr/bin/env bash
# The scan's memo (src/lib/scan/scan.c): a second copy of an lzma or zstd stream gets copies of the
# first one's components instead of a second decoding.  Each copy in an image holding several must
# come out exactly as the same bytes do when scanned alone (a scan with no earlier copy to remember):
# with and without the 4 bytes the kernel build appends after a stream (read past the stream's end),
# a copy nested in an archive, and a copy left with less of the decode budget (--max-decoded).
# Fixtures: xz --format=lzma, zstd and tar; the appended size is what the kernel's size_append writes.
. "$(dirname "$0")/../lib.sh"
need xz zstd tar python3
M=$MTDSCOPE

seq 1 300000 | sed 's/$/ memo test line/' >"$T/lines.txt"
zstd -q -19 "$T/lines.txt" -o "$T/inner.zst"
tar -C "$T" -cf "$T/payload.tar" lines.txt inner.zst
xz --format=lzma -c "$T/payload.tar" >"$T/p.lzma"
zstd -q -3 -c "$T/payload.tar" >"$T/p.zst"
dsize=$(stat -c %s "$T/payload.tar")
le32() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $((($1 >> 8) & 255)))\\$(printf %03o $((($1 >> 16) & 255)))\\$(printf %03o $((($1 >> 24) & 255)))"; }
pad() { head -c $((65536 - $(stat -c %s "$1") % 65536)) /dev/zero >>"$1"; }

# piece N FILE [append]: a stream, maybe the appended size, zero padding to 64 KiB
piece() {
	cp "$2" "$T/piece$1"
	[ "${3:-}" = append ] && le32 "$dsize" >>"$T/piece$1"
	pad "$T/piece$1"
}
piece 1 "$T/p.lzma" append
piece 2 "$T/p.lzma"
piece 3 "$T/p.zst"
piece 4 "$T/p.zst" append
tar -C "$T" -cf "$T/arch.tar" p.lzma # a copy inside an archive
cp "$T/arch.tar" "$T/piece5"
pad "$T/piece5"
piece 6 "$T/p.lzma" append
cat "$T"/piece1 "$T"/piece2 "$T"/piece3 "$T"/piece4 "$T"/piece5 "$T"/piece6 >"$T/all.bin"

# subtree ROOTOFFSET: the components under the top-level component at that file offset, offsets in
# their own spaces and ids relative to the root, so a copy compares with the same bytes scanned alone
cat >"$T/sub.py" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
root_off = int(sys.argv[2])
comps = doc["components"]
roots = [c for c in comps if c["parent"] is None and c["space"] is None and c["offset"] == root_off
         and c["type"] not in ("unknown", "zero", "erased", "random")]
if not roots:
    print("no component at", root_off)
    sys.exit(0)
r = roots[0]
ids = {r["id"]}
out = []
for c in comps:  # parents come before their children (the scan renumbers depth-first)
    if c["id"] == r["id"] or (c["parent"] in ids):
        ids.add(c["id"])
        d = dict(c)
        d["id"] -= r["id"]
        for k in ("parent", "space"):
            if c["id"] == r["id"]:
                d[k] = None
            elif d[k] is not None:
                d[k] -= r["id"]
        if c["space"] is None:  # the root, and what an archive holds in the same space
            d["offset"] -= root_off
        out.append(d)
print(json.dumps(out, sort_keys=True, indent=1))
EOF
sub() { python3 "$T/sub.py" "$1" "$2"; }

"$M" scan --json "$T/all.bin" >"$T/all.json"
off=0
for n in 1 2 3 4 5 6; do
	"$M" scan --json "$T/piece$n" >"$T/alone$n.json"
	is "$(sub "$T/all.json" "$off")" "$(sub "$T/alone$n.json" 0)" \
		"copy $n at 0x$(printf %x "$off") is what its bytes are alone"
	off=$((off + $(stat -c %s "$T/piece$n")))
done
like "$(sub "$T/all.json" 0)" '"size_appended": true' "the first copy has its appended size"
like "$(sub "$T/all.json" 0)" '"type": "zstd"' "and the zstd stream inside its tar"
second=$(stat -c %s "$T/piece1")
is "$(sub "$T/all.json" "$second" | grep -c size_appended)" 0 "the second copy, without it, has none"

# the budget: two copies, the second left with less than it decodes to; beside the same bytes after a
# different stream (xz -1: other compressed bytes, the same content) that leaves the same budget
xz --format=lzma -1 -c "$T/payload.tar" >"$T/p1.lzma"
piece 7 "$T/p1.lzma"
cat "$T/piece2" "$T/piece2" >"$T/two.bin"
cat "$T/piece7" "$T/piece2" >"$T/ref.bin"
one=$((dsize + $(stat -c %s "$T/lines.txt"))) # what one copy decodes: the tar, the file in its zstd
budget=$((one + dsize / 2))
"$M" scan --json --max-decoded "$budget" "$T/two.bin" >"$T/two.json"
"$M" scan --json --max-decoded "$budget" "$T/ref.bin" >"$T/ref.json"
is "$(sub "$T/two.json" "$(stat -c %s "$T/piece2")")" "$(sub "$T/ref.json" "$(stat -c %s "$T/piece7")")" \
	"a copy with less budget left is what its bytes are after a different stream"
like "$(sub "$T/two.json" "$(stat -c %s "$T/piece2")")" 'kept only up to' "and it says the budget cut it"
is "$(sub "$T/two.json" 0)" "$(sub "$T/alone2.json" 0)" "the first copy is whole"

done_testing
