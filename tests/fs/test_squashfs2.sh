#!/usr/bin/env bash
# squashfs 2.x extraction, checked on images made by tests/fs/make_squashfs3.py --v2 (the 2.x layout;
# Debian's unsquashfs 4.5 extracts the zlib ones, so it checks them) and on a real image: binwalk's big-endian 2.0 test input
# ($TESTDATA/squashfs2/, tests/data/PROVENANCE.md), a Broadcom router root whose blocks are LZMA
# with the size left out of their headers.  Debian's unsquashfs 4.5 reads 2.x metadata but only
# zlib data, so it is the reference for the tree (unsquashfs -ll: every name, type, mode, size,
# mtime, symlink target and device number) and the files' contents are checked by what they are
# (ELF headers of the executables, the text files).
. "$SRCDIR/tests/lib.sh"
need unsquashfs python3 jq readelf sha256sum
img="$TESTDATA/squashfs2/binwalk-squashfs_v2.bin"

like "$(unsquashfs -s "$img" 2>&1)" "valid big endian SQUASHFS 2:0 superblock" "unsquashfs -s: big-endian squashfs 2.0"
used=$(unsquashfs -s "$img" | sed -n 's/^Filesystem size \([0-9]*\) bytes.*/\1/p')
{ head -c 4096 /dev/zero | tr '\0' '\377'; cat "$img"; } > "$T/flash.bin"
c=$("$MTDSCOPE" scan --json "$T/flash.bin" | jq -c '[.components[] | select(.type == "squashfs")][0]')
is "$(jq -r '"\(.offset) \(.size) \(.details.version) \(.details.endian)"' <<<"$c")" "4096 $used 2.0 big" \
	"scan: offset, bytes_used, version 2.0, big-endian"

"$MTDSCOPE" extract "$T/flash.bin" -C "$T/out" >/dev/null 2>&1
root="$T/out/0x00001000-squashfs/root"
is "$(jq '.refused | length' "$T/out/manifest.json")" 0 "extract: nothing refused"
# the tree as unsquashfs -ll lists it, and as extracted (devices and fifos from the manifest)
TZ=UTC unsquashfs -ll "$img" 2>/dev/null | python3 -c '
import sys, re
for l in sys.stdin:
    m = re.match(r"([-dlcbps])(\S{9}) \S+\s+(\S+(?:,\s+\d+)?) (\S+ \S+) squashfs-root(/.*)$", l.rstrip("\n"))
    if not m:
        continue
    t, perm, size, when, rest = m.groups()
    if t == "l":
        path, target = rest.split(" -> ", 1)
        print("l", path, target)
    elif t == "-":
        print("f", perm, size, when, rest)
    elif t == "d":
        print("d", perm, when, rest)
    elif t in "cb":
        print(t, perm, size.replace(",", ":").replace(" ", ""), rest)
    else:
        print(t, perm, rest)' | LC_ALL=C sort > "$T/want"
python3 - "$root" "$T/out/manifest.json" <<'PY' | LC_ALL=C sort > "$T/got"
import json, os, stat, sys, time
root, man = sys.argv[1], json.load(open(sys.argv[2]))
def perm(m):
    return stat.filemode(m)[1:]
def when(t):
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(t))
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        p = os.path.join(d, n); rel = p[len(root):]; s = os.lstat(p)
        if stat.S_ISLNK(s.st_mode):
            print("l", rel, os.readlink(p))
        elif stat.S_ISDIR(s.st_mode):
            print("d", perm(s.st_mode), when(s.st_mtime), rel)
        elif stat.S_ISREG(s.st_mode):
            print("f", perm(s.st_mode), s.st_size, when(s.st_mtime), rel)
kinds = {"chardev": "c", "blockdev": "b", "fifo": "p", "socket": "s"}
for o in man["outputs"]:
    if o["kind"] in kinds:
        rel = o["path"].split("/root", 1)[1]
        m = stat.filemode(int(o["mode"], 8))[1:]
        print(kinds[o["kind"]], m, *( [o["target"]] if o["kind"] in ("chardev", "blockdev") else []), rel)
PY
is "$(wc -l < "$T/got")" "$(wc -l < "$T/want")" "extract: as many entries as unsquashfs -ll lists ($(wc -l < "$T/want"))"
check "extract: every name, type, mode, size, mtime, link target and device number as unsquashfs -ll" diff "$T/want" "$T/got"
# contents: the executables are whole MIPS ELF files, the text files text
n=0 bad=0
while read -r f; do
	n=$((n + 1))
	readelf -h "$f" 2>/dev/null | grep -q 'Machine: *MIPS' || bad=$((bad + 1))
done < <(find "$root" -type f -size +1k -exec sh -c 'head -c 4 "$1" | grep -q "^.ELF" && echo "$1"' _ {} \;)
ok $((n < 20 || bad > 0)) "contents: $n ELF files, every one a MIPS ELF whose header readelf reads ($bad not)"
check "contents: /etc/fstab and /etc/inittab are plain text, mounting proc" python3 -c '
import sys
for f in sys.argv[1:]:
    b = open(f, "rb").read()
    assert b and all(c in (9, 10) or 32 <= c < 127 for c in b), f
assert b"proc" in open(sys.argv[1], "rb").read()' "$root/etc/fstab" "$root/etc/inittab"

# 2.1 images of a tree, both byte orders, zlib (checked by unsquashfs) and LZMA without the size field
GEN="$SRCDIR/tests/fs/make_squashfs3.py"
tree_view() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then echo "l $f $(readlink "$f")"
		elif [ -d "$f" ]; then echo "d $f $(stat -c %a "$f")"
		else echo "f $f $(stat -c %a "$f") $(sha256sum < "$f" | cut -d' ' -f1)"; fi
	done)
}
mkdir -p "$T/tree/etc/config" "$T/tree/bin" "$T/tree/www/a" "$T/tree/empty"
head -c 200000 /dev/urandom > "$T/tree/bin/busybox"
seq 1 30000 > "$T/tree/etc/config/network"
chmod 0600 "$T/tree/etc/config/network"
for i in $(seq 1 300); do echo "page $i" > "$T/tree/www/a/p$i.html"; done
ln -s busybox "$T/tree/bin/sh"
want=$(tree_view "$T/tree")
for v in "" "--be" "--block 16384" "--lzma --lzma-nosize" "--be --lzma --lzma-props 0x6d --lzma-nosize"; do
	# shellcheck disable=SC2086
	python3 "$GEN" --v2 $v "$T/tree" "$T/g.sq"
	endian=little; case "$v" in *--be*) endian=big ;; esac
	name="squashfs 2.1 ${v:-(le)}"
	case "$v" in
	*--lzma*) ;;
	*)
		like "$(unsquashfs -s "$T/g.sq" 2>&1)" "valid $endian endian SQUASHFS 2:1 superblock" "$name: unsquashfs -s reads it"
		rm -rf "$T/gu"; unsquashfs -d "$T/gu" "$T/g.sq" >/dev/null 2>&1
		is "$(tree_view "$T/gu")" "$want" "$name: unsquashfs extracts the tree it was made from"
		;;
	esac
	c=$("$MTDSCOPE" scan --json "$T/g.sq" | jq -c '[.components[] | select(.type == "squashfs")][0]')
	is "$(jq -r '"\(.offset) \(.valid) \(.details.version) \(.details.endian)"' <<<"$c")" "0 true 2.1 $endian" "$name: scan"
	rm -rf "$T/go"; "$MTDSCOPE" extract "$T/g.sq" -C "$T/go" >/dev/null 2>&1
	is "$(tree_view "$T/go/0x00000000-squashfs/root")" "$want" "$name: extracted tree = the tree it was made from"
done
done_testing
