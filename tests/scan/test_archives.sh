#!/usr/bin/env bash
# Archive damage scan names, and archives it reads whole (issue 12, round 5).  Fixtures by the field's
# tools (GNU tar, zip, 7z, mkimage, dtc), damage by hand here:
# - tar: a header in the middle that fails its checksum is skipped as `tar -t` skips it: one tar,
#   invalid, naming the bad header; GNU tar's old sparse format ('S' with extension blocks) is one
#   valid tar;
# - zip and 7z: a member whose CRC fails is named (libarchive decodes the members at scan time);
#   a zip with junk between its members is one zip at 0; a 7z signature header with a version no
#   reader knows is a 7z with a problem;
# - a FIT cut short is a fit, truncated, not a dtb.
. "$SRCDIR/tests/lib.sh"
need jq python3 tar zip unzip 7z mkimage dtc

scanj() { "$MTDSCOPE" scan --json "$1"; }
top() { scanj "$1" | jq -c "[.components[] | select(.type == \"$2\") | [.offset, .valid]]"; }
probs() { scanj "$1" | jq -r "[.components[] | select(.type == \"$2\")][0].problems[]?"; }
sz() { stat -c %s "$1"; }

mkdir -p "$T/tree/bin" "$T/tree/etc"
head -c 30000 /dev/urandom > "$T/tree/bin/busybox"
seq 1 5000 > "$T/tree/etc/numbers"
for i in 1 2 3 4 5; do seq "$i" 700 > "$T/tree/etc/f$i"; done

# ---- tar: a bad header checksum in the middle ----
tar --sort=name --owner=0 --group=0 -C "$T/tree" -cf "$T/t.tar" .
# the header of etc/f3, found as tar lays it out (python's tarfile reads the offsets)
off=$(python3 -c 'import tarfile, sys
print([m.offset for m in tarfile.open(sys.argv[1]) if m.name.endswith("etc/f3")][0])' "$T/t.tar")
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[int(sys.argv[2]) + 10] ^= 0x20
open(sys.argv[3], "wb").write(d)' "$T/t.tar" "$off" "$T/bad.tar"
tar -tf "$T/bad.tar" > "$T/bad.list" 2> "$T/bad.err"
like "$(cat "$T/bad.err")" "Skipping to next header" "tar -t skips the damaged header"
like "$(cat "$T/bad.list")" "etc/f4" "...and lists the members after it"
is "$(top "$T/bad.tar" tar)" "[[0,false]]" "tar with a bad header in the middle: one tar at 0, invalid"
like "$(probs "$T/bad.tar" tar)" "header at $(printf '0x%x' "$off") fails its checksum: skipped to the next header" \
	"...naming the bad header's offset"
end=$(python3 -c 'import sys, tarfile
t = tarfile.open(sys.argv[1]); t.getmembers(); print(t.offset + 1024)' "$T/t.tar")
is "$(scanj "$T/bad.tar" | jq '[.components[] | select(.type == "tar")][0].size')" "$end" \
	"...whose extent runs through its end-of-archive blocks"
# the size field damaged too: the next header is found block by block, as tar does
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); o = int(sys.argv[2]); d[o + 10] ^= 0x20; d[o + 124:o + 136] = b"77777777777\0"
open(sys.argv[3], "wb").write(d)' "$T/t.tar" "$off" "$T/bad2.tar"
is "$(top "$T/bad2.tar" tar)" "[[0,false]]" "bad header whose size field is garbage too: still one tar, invalid"
# an intact tar stays valid
is "$(top "$T/t.tar" tar)" "[[0,true]]" "the intact tar: one valid tar"

# ---- GNU tar old sparse format ('S' headers with extension blocks) ----
python3 -c 'import sys
f = open(sys.argv[1], "wb")
for i in range(12):  # 12 data regions: more than the header holds (4), so extension blocks follow it
    f.seek(i * 65536); f.write(bytes([65 + i]) * 700)
f.truncate(12 * 65536 + 4096)' "$T/tree/etc/sparse"
tar --format=gnu -S --sort=name --owner=0 --group=0 -C "$T/tree" -cf "$T/s.tar" .
typ=$(python3 -c 'import tarfile, sys
m = [m for m in tarfile.open(sys.argv[1]) if m.name.endswith("sparse")][0]
d = open(sys.argv[1], "rb").read()[m.offset:m.offset + 512]; print(chr(d[156]), d[482])' "$T/s.tar")
is "$typ" "S 1" "GNU tar wrote the sparse file as an 'S' header with extension blocks"
is "$(top "$T/s.tar" tar)" "[[0,true]]" "sparse GNU tar: one valid tar"
is "$(scanj "$T/s.tar" | jq '[.components[] | select(.type == "tar")][0].details.entries')" "$(tar -tf "$T/s.tar" | wc -l)" \
	"...with every entry tar -t lists"

# ---- zip: a member's CRC fails ----
(cd "$T/tree" && zip -q -9 -X -r "$T/z.zip" bin etc/numbers etc/f1)
is "$(top "$T/z.zip" zip)" "[[0,true]]" "intact zip: valid"
read -r zoff zdata < <(python3 -c 'import zipfile, sys, struct
z = zipfile.ZipFile(sys.argv[1]); i = z.getinfo("etc/numbers"); d = open(sys.argv[1], "rb").read()
n, x = struct.unpack("<HH", d[i.header_offset + 26:i.header_offset + 30])
print(i.header_offset, i.header_offset + 30 + n + x + i.compress_size // 2)' "$T/z.zip")
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[int(sys.argv[2])] ^= 0x01; open(sys.argv[3], "wb").write(d)' "$T/z.zip" "$zdata" "$T/zbad.zip"
like "$(unzip -t "$T/zbad.zip" 2>&1)" "etc/numbers .*(bad CRC|error)" "unzip -t finds etc/numbers damaged"
is "$(top "$T/zbad.zip" zip)" "[[0,false]]" "zip with a member's data damaged: invalid"
like "$(probs "$T/zbad.zip" zip)" "member 'etc/numbers' \(header at $(printf '0x%x' "$zoff")\)" \
	"...naming the member and its local header"

# ---- zip with junk between members (as libarchive's test_compat_zip_2.zip) ----
(cd "$T/tree" && zip -q -0 -X "$T/j.zip" etc/f1 etc/f2)
python3 -c 'import sys, struct, zipfile
src = open(sys.argv[1], "rb").read(); z = zipfile.ZipFile(sys.argv[1]); second = z.getinfo("etc/f2").header_offset
junk = b"-JUNK-"; d = bytearray(src[:second] + junk + src[second:])
e = d.rfind(b"PK\x05\x06"); cd = struct.unpack("<I", d[e + 16:e + 20])[0] + len(junk)
d[e + 16:e + 20] = struct.pack("<I", cd)
p = cd
for k in range(2):
    lo = struct.unpack("<I", d[p + 42:p + 46])[0]
    if lo >= second: d[p + 42:p + 46] = struct.pack("<I", lo + len(junk))
    n, x, c = struct.unpack("<HHH", d[p + 28:p + 34]); p += 46 + n + x + c
open(sys.argv[2], "wb").write(d)' "$T/j.zip" "$T/junk.zip"
check "unzip -t reads the zip with junk between its members" unzip -tq "$T/junk.zip"
is "$(scanj "$T/junk.zip" | jq -c '[.components[] | select(.type != "gap" and .type != "unknown") | [.type, .offset, .valid]]')" \
	'[["zip",0,true]]' "zip with junk between members: one valid zip at 0, nothing at the second member"

# ---- 7z: a member's CRC fails; a version no reader knows ----
(cd "$T/tree" && 7z a -bd -m0=Copy "$T/c.7z" bin etc > /dev/null)
is "$(top "$T/c.7z" 7z)" "[[0,true]]" "intact 7z: valid"
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[32 + 1000] ^= 0x01; open(sys.argv[2], "wb").write(d)' "$T/c.7z" "$T/cbad.7z"
bad=$(7z t "$T/cbad.7z" 2>&1 | sed -n 's/^ERROR: CRC Failed : //p; s/^CRC Failed : //p' | head -1)
ok "$([ -n "$bad" ]; echo $?)" "7z t names a member whose CRC fails ($bad)"
is "$(top "$T/cbad.7z" 7z)" "[[0,false]]" "7z with a member's data damaged: invalid"
like "$(probs "$T/cbad.7z" 7z)" "member '$bad'" "...naming the member 7z t names"
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[6:8] = b"00"; open(sys.argv[2], "wb").write(d)' "$T/c.7z" "$T/cver.7z"
ok "$(7z t "$T/cver.7z" >/dev/null 2>&1; echo $((! $?)))" "7z t refuses version 48.48"
is "$(top "$T/cver.7z" 7z)" "[[0,false]]" "7z signature header with version 48.48: a 7z, invalid"
like "$(probs "$T/cver.7z" 7z)" "version 48.48" "...saying which version"
# the 7z magic and a version over random bytes (its signature CRC fails): nothing
n=0
for i in $(seq 1 50); do
	{ head -c 100 /dev/urandom; printf '7z\xbc\xaf\x27\x1c\x00\x04'; head -c 200 /dev/urandom; } > "$T/r7"
	[ "$(top "$T/r7" 7z)" = "[]" ] || n=$((n + 1))
done
is "$n" 0 "50 7z magics over random bytes: no 7z"

# ---- a FIT cut short ----
head -c 80000 /dev/urandom > "$T/kernel"
printf '/dts-v1/;\n/ { model = "cut"; compatible = "test,cut"; };\n' > "$T/b.dts"
dtc -q -I dts -O dtb -o "$T/b.dtb" "$T/b.dts"
cat > "$T/f.its" <<EOF
/dts-v1/;
/ {
	description = "cut FIT";
	#address-cells = <1>;
	images {
		kernel-1 { data = /incbin/("$T/kernel"); type = "kernel"; arch = "arm"; os = "linux";
			compression = "none"; load = <0x80000000>; entry = <0x80000000>; hash-1 { algo = "crc32"; }; };
		fdt-1 { data = /incbin/("$T/b.dtb"); type = "flat_dt"; arch = "arm"; compression = "none"; };
	};
	configurations { default = "conf-1"; conf-1 { kernel = "kernel-1"; fdt = "fdt-1"; }; };
};
EOF
mkimage -f "$T/f.its" "$T/f.itb" > /dev/null
head -c $(($(sz "$T/f.itb") - 5000)) "$T/f.itb" > "$T/fcut"
is "$(top "$T/f.itb" fit)" "[[0,true]]" "the FIT mkimage made: a valid fit"
is "$(scanj "$T/fcut" | jq -c '[.components[] | select(.type == "fit" or .type == "dtb") | [.type, .offset, .valid]]')" \
	'[["fit",0,false]]' "FIT cut 5000 bytes short: a fit (not a dtb), invalid"
like "$(probs "$T/fcut" fit)" "^truncated: totalsize" "...truncated"
# a plain device tree cut short stays a dtb
head -c $(($(sz "$T/b.dtb") - 20)) "$T/b.dtb" > "$T/dcut"
is "$(scanj "$T/dcut" | jq -c '[.components[] | select(.type == "fit" or .type == "dtb") | [.type, .valid]]')" \
	'[["dtb",false]]' "a device tree (no /images) cut short: still a dtb"

done_testing
