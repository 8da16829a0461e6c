#!/usr/bin/env bash
# Generate a large, realistic disk image for bench-scan.sh from real tool outputs:
#   gen-mixed.sh SAMPLE OUTPUT [SIZE_MIB]      (default 1024 MiB, at least 512)
# A GPT disk (sgdisk) whose partitions hold:
#   fit-a, fit-b  FIT images (mkimage -f auto) of a kernel made of this machine's executables,
#                 lzma- and gzip-compressed, each with a DTB (dtc)
#   flash         a nested flash dump: the bundled sample (8 MiB NOR: U-Boot, env, EEPROM,
#                 lzma uImage, squashfs, JFFS2)
#   rootfs        an xz squashfs (mksquashfs) of shared libraries
#   rootfs2       a gzip squashfs of /usr/share files
#   data          an ext4 file system (mke2fs -d, no journal) full of executables and data files
#   backup        a zstd-compressed tar of headers and documentation
#   crypt         random bytes (what an encrypted or already compressed partition looks like)
# Every file is taken once (distinct contents, picked from /usr in a fixed order), so no 4 KiB
# block repeats a block elsewhere (scan memoises repeated streams: copies would overstate its
# speed); partitions are sized to their contents, so erased (0xFF) and zero blocks stay below
# 10% (issue 12).  bench/image-stats.py checks both on the result and fails the generation
# otherwise.
set -euo pipefail
export LC_ALL=C
sample=$1 out=$2 mib=${3:-1024}
[ -r "$sample" ] || { echo "gen-mixed: no $sample (build first: ninja -C build)" >&2; exit 1; }
[ "$mib" -ge 512 ] 2>/dev/null || { echo "gen-mixed: SIZE_MIB must be at least 512" >&2; exit 1; }
for t in mksquashfs zstd gzip xz tar sgdisk mkimage dtc mke2fs python3; do
	command -v "$t" >/dev/null || { echo "gen-mixed: $t missing (scripts/setup.sh)" >&2; exit 1; }
done
here=$(cd "$(dirname "$0")" && pwd)

w=$(mktemp -d "${TMPDIR:-/tmp}/mtdscope-mixed.XXXXXX")
trap 'rm -rf "$w"' EXIT
M=$((1 << 20))
# Shares of the disk, in MiB of source files (what the compressed parts hold before compression)
ext4_mib=$((mib * 3 / 8)) # raw files in ext4
sqx_mib=$((mib / 10))      # xz squashfs input
sqg_mib=$((mib / 10))      # gzip squashfs input
tar_mib=$((mib / 16))      # zstd tar input (decoded whole by the scan: what bounds its memory)
# Pick distinct files (by content) from /usr, in sorted order, into the part directories.
python3 - "$w" "$ext4_mib" "$sqx_mib" "$sqg_mib" "$tar_mib" <<'EOF'
import hashlib, os, shutil, sys
w = sys.argv[1]
want = {"ext4": int(sys.argv[2]) << 20, "sqx": int(sys.argv[3]) << 20, "sqg": int(sys.argv[4]) << 20,
        "tar": int(sys.argv[5]) << 20, "ka": 8 << 20, "kb": 6 << 20}
# which trees feed which part: libraries into squashfs, data into the other squashfs, text into the tar
roots = {"sqx": ["/usr/lib/x86_64-linux-gnu"], "sqg": ["/usr/share"], "tar": ["/usr/include", "/usr/share/doc", "/usr/lib/python3", "/usr/share/perl", "/usr/lib/python3.11"],
         "ka": ["/usr/bin"], "kb": ["/usr/sbin", "/usr/libexec"], "ext4": ["/usr/bin", "/usr/lib", "/usr/share"]}
seen, seen_blocks = set(), set()
def files(root):
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            if os.path.isfile(p) and not os.path.islink(p) and 1024 <= st.st_size <= (16 << 20):
                yield p, st.st_size
for part in ["ka", "kb", "sqx", "sqg", "tar", "ext4"]:
    dst = os.path.join(w, part)
    os.makedirs(dst)
    got = 0
    for root in roots[part]:
        for p, size in files(root):
            if got >= want[part]:
                break
            try:
                with open(p, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            h = hashlib.blake2b(data, digest_size=16).digest()
            if h in seen:
                continue
            if part == "ext4":  # stored as they are: no 4 KiB block of one may repeat a block of another
                nb = [hashlib.blake2b(b, digest_size=16).digest()
                      for b in (data[o:o + 4096].ljust(4096, b"\0") for o in range(0, len(data), 4096))
                      if b.count(b[0]) != 4096]
                blks = set(nb)
                if len(blks) != len(nb) or not blks.isdisjoint(seen_blocks):
                    continue
                seen_blocks.update(blks)
            seen.add(h)
            q = os.path.join(dst, os.path.relpath(p, "/"))
            os.makedirs(os.path.dirname(q), exist_ok=True)
            with open(q, "wb") as f:
                f.write(data)
            got += size
    if got < want[part] * 9 // 10:
        sys.exit(f"gen-mixed: only {got} bytes of distinct files for {part} (wanted {want[part]})")
EOF

# kernels: the executables concatenated, one lzma and one gzip; the FIT images around them
find "$w/ka" -type f | sort | xargs cat >"$w/ka.bin"
find "$w/kb" -type f | sort | xargs cat >"$w/kb.bin"
xz --format=lzma -6 -c "$w/ka.bin" >"$w/ka.lzma"
gzip -9 -n -c "$w/kb.bin" >"$w/kb.gz"
for b in a b; do
	cat >"$w/board-$b.dts" <<EOF
/dts-v1/;
/ {
	model = "mtdscope benchmark board $b";
	compatible = "mtdscope,bench-$b";
	#address-cells = <1>; #size-cells = <1>;
	memory@80000000 { device_type = "memory"; reg = <0x80000000 0x20000000>; };
	chosen { bootargs = "console=ttyS0,115200 root=/dev/mmcblk0p4 rootwait"; };
};
EOF
	dtc -q -I dts -O dtb -o "$w/board-$b.dtb" "$w/board-$b.dts"
done
mkimage -f auto -A arm64 -O linux -T kernel -C lzma -a 0x80080000 -e 0x80080000 -n "bench kernel a" \
	-d "$w/ka.lzma" -b "$w/board-a.dtb" "$w/fit-a.itb" >/dev/null
mkimage -f auto -A arm64 -O linux -T kernel -C gzip -a 0x80080000 -e 0x80080000 -n "bench kernel b" \
	-d "$w/kb.gz" -b "$w/board-b.dtb" "$w/fit-b.itb" >/dev/null
rm -rf "$w/ka" "$w/kb" "$w/ka.bin" "$w/kb.bin" "$w/ka.lzma" "$w/kb.gz"

mksquashfs "$w/sqx" "$w/rootfs.sqfs" -comp xz -noappend -all-root -quiet >/dev/null
mksquashfs "$w/sqg" "$w/rootfs2.sqfs" -comp gzip -noappend -all-root -quiet >/dev/null
tar -C "$w/tar" --sort=name --owner=0 --group=0 -cf - . | zstd -3 -q >"$w/backup.tar.zst"
rm -rf "$w/sqx" "$w/sqg" "$w/tar"
# ext4 just large enough for its files: no journal, few inodes, so little of it is zero
used=$(du -s --block-size=4096 "$w/ext4" | cut -f1)
nfiles=$(find "$w/ext4" | wc -l)
blocks=$((used + used / 50 + 2048))
mke2fs -q -t ext4 -O ^has_journal -m 0 -N $((nfiles + 256)) -b 4096 -L data -d "$w/ext4" "$w/data.ext4" "$blocks" >/dev/null
rm -rf "$w/ext4"
cp "$sample" "$w/flash.bin"

# the disk: partitions 1 MiB aligned, sized to their contents; what is left becomes `crypt`
mibs() { echo $((($(stat -c %s "$1") + M - 1) / M)); }
parts=(fit-a:fit-a.itb fit-b:fit-b.itb flash:flash.bin rootfs:rootfs.sqfs rootfs2:rootfs2.sqfs data:data.ext4
	backup:backup.tar.zst)
total=1
for p in "${parts[@]}"; do total=$((total + $(mibs "$w/${p#*:}"))); done
crypt=$((mib - total - 1))
[ "$crypt" -ge 16 ] || { echo "gen-mixed: $mib MiB is too small for the parts ($total MiB)" >&2; exit 1; }
truncate -s 0 "$out.tmp"
truncate -s $((mib * M)) "$out.tmp"
args=() start=1 n=0
declare -a offs
for p in "${parts[@]}"; do
	n=$((n + 1)) s=$(mibs "$w/${p#*:}")
	args+=(-n "$n:$((start * 2048)):+$((s * 2048))" -c "$n:${p%%:*}")
	offs[$n]=$start start=$((start + s))
done
n=$((n + 1))
args+=(-n "$n:$((start * 2048)):+$((crypt * 2048))" -c "$n:crypt" -t "$n:8309")
sgdisk -Z "${args[@]}" "$out.tmp" >/dev/null
n=0
for p in "${parts[@]}"; do
	n=$((n + 1))
	dd if="$w/${p#*:}" of="$out.tmp" bs=1M seek="${offs[$n]}" conv=notrunc status=none
done
head -c $((crypt * M)) /dev/urandom | dd of="$out.tmp" bs=1M seek="$start" conv=notrunc status=none iflag=fullblock
python3 "$here/image-stats.py" "$out.tmp" --max-uniform 10 --max-repeated 1 >"$w/stats" ||
	{ cat "$w/stats"; echo "gen-mixed: the image is not realistic enough (see above)" >&2; exit 1; }
mv "$out.tmp" "$out"
echo "gen-mixed: $out: $mib MiB GPT disk:" \
	"$(for p in "${parts[@]}"; do printf '%s %s MiB, ' "${p%%:*}" "$(mibs "$w/${p#*:}")"; done)crypt $crypt MiB"
sed 's/^[^:]*: /gen-mixed: /' "$w/stats"
