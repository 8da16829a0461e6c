#!/usr/bin/env bash
# TRX and TP-Link firmware headers around a real lzma kernel and a real squashfs.
# Debian ships no tool that writes them (they come from OpenWrt's firmware-utils: trx/otrx,
# mktplinkfw, mktplinkfw2), so the test builds them from those tools' public layouts with
# python3 (zlib.crc32, hashlib.md5) and compares mtdscope's view with the values written and,
# for TRX, with binwalk's reading of the header.  (binwalk 2.3.4 reads TP-Link v1 fields 4 bytes
# early, e.g. hw_id as "product version", so it is no reference for those.)  Then damage and
# hostile offsets.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/containers/lib_containers.sh"
need jq python3 lzma mksquashfs

bb=$(command -v busybox || echo /bin/ls)
head -c 400000 "$bb" | lzma -c >"$T/kernel.lzma"
mkdir -p "$T/root/bin" "$T/root/etc"
cp "$bb" "$T/root/bin/"
echo "OpenWrt test" >"$T/root/etc/banner"
mksquashfs "$T/root" "$T/root.sqfs" -comp xz -noappend -quiet >/dev/null 2>&1 || mksquashfs "$T/root" "$T/root.sqfs" -noappend >/dev/null
ok $? "mksquashfs made a rootfs"

cat >"$T/mk.py" <<'EOF'
# Fixture writers following OpenWrt firmware-utils (trx.c/otrx.c, mktplinkfw.c, mktplinkfw2.c).
import hashlib, struct, sys, zlib

def crc_raw(b):  # seeded with ~0, not inverted at the end (otrx_crc32)
    return zlib.crc32(b) ^ 0xffffffff

def trx(out, parts, version=1, offsets=None, length=None):
    hdr = 28 if version == 1 else 32
    body, offs = b"", []
    for p in parts:
        offs.append(hdr + len(body))
        body += p + b"\0" * (-len(p) % 4)
    total = hdr + len(body)
    body += b"\0" * (-total % 0x1000)          # otrx pads the end to 4 KiB
    total = hdr + len(body)
    offs = offsets or offs
    offs = offs + [0] * ((3 if version == 1 else 4) - len(offs))
    h = struct.pack("<4sIIHH", b"HDR0", length or total, 0, 0, version) + struct.pack("<%dI" % len(offs), *offs)
    img = bytearray(h + body)
    struct.pack_into("<I", img, 8, crc_raw(bytes(img[12:total])))
    open(out, "wb").write(img)

SALT_V1 = bytes([0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb, 0xdd, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x38])
SALT_V2 = bytes([0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb, 0xdc, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x37])

def tplink_v1(out, kernel, rootfs, rootfs_ofs, fw_length, strip, vendor=b"TP-LINK Technologies"):
    h = bytearray(0x200)
    struct.pack_into(">I", h, 0, 0x01000000)
    h[4:4 + len(vendor)] = vendor
    h[0x1c:0x1c + 8] = b"ver. 1.0"
    struct.pack_into(">III", h, 0x40, 0x08400004, 1, 0)            # hw_id, hw_rev, region
    struct.pack_into(">9I", h, 0x74, 0x80000000, 0x8000c310, fw_length, 0x200, len(kernel),
                     rootfs_ofs, len(rootfs), 0, 0)
    struct.pack_into(">HHH", h, 0x98, 3, 16, 9)
    img = bytearray(h) + kernel
    img += b"\xff" * (rootfs_ofs - len(img)) + rootfs
    if not strip:
        img += b"\xff" * (fw_length - len(img))
    img[0x4c:0x5c] = SALT_V1
    img[0x4c:0x5c] = hashlib.md5(img).digest()
    open(out, "wb").write(img)

def tplink_v2(out, kernel, rootfs, rootfs_ofs, fw_length, hdr_ver=3):
    h = bytearray(b"\xff" * 0x200)                                   # mktplinkfw2 fills with 0xff
    struct.pack_into("<I", h, 0, hdr_ver)
    h[4:4 + 9] = b"ver. 2.0\0"
    struct.pack_into(">III", h, 0x34, 0x08400004, 1, 0)
    struct.pack_into(">I", h, 0x50, 0)
    struct.pack_into(">I", h, 0x64, 0xffffffff)
    struct.pack_into(">9I", h, 0x68, 0x80000000, 0x80000000, fw_length, 0x200, len(kernel),
                     rootfs_ofs, len(rootfs), 0, 0)
    struct.pack_into(">HBBBBBB", h, 0x8c, 0x55aa, 1, 0, 0xa5, 0, 4, 2)
    img = bytearray(h) + kernel
    img += b"\xff" * (rootfs_ofs - len(img)) + rootfs
    img[0x40:0x50] = SALT_V2
    img[0x40:0x50] = hashlib.md5(img).digest()
    open(out, "wb").write(img)

k = open(sys.argv[2], "rb").read()
r = open(sys.argv[3], "rb").read()
o = sys.argv[4]
kind = sys.argv[1]
if kind == "trx":
    trx(o, [k, r])
elif kind == "trx2":
    trx(o, [k, r], version=2)
elif kind == "trx-self":          # partition offsets into the header and backwards
    trx(o, [k, r], offsets=[4, 28 + len(k) + (-len(k) % 4), 40])
elif kind == "trx-long":          # length far beyond the file
    trx(o, [k, r], length=0x7fffffff)
elif kind == "tpl1":
    tplink_v1(o, k, r, 0x200 + ((len(k) + 0xffff) & ~0xffff), 0x200 + ((len(k) + 0xffff) & ~0xffff) + len(r) + 0x30000, False)
elif kind == "tpl1-strip":
    tplink_v1(o, k, r, 0x200 + ((len(k) + 0xffff) & ~0xffff), 0x7c0000, True, vendor=b"OpenWrt")
elif kind == "tpl2":
    tplink_v2(o, k, r, 0x200 + ((len(k) + 0xffff) & ~0xffff), 0x7a0000)
EOF
mk() { python3 "$T/mk.py" "$1" "$T/kernel.lzma" "$T/root.sqfs" "$T/$1.bin"; ok $? "built $1 from the public layout"; }
# binwalk restricted to the one signature (its full scan of these files takes minutes)
bw() { timeout 60 binwalk -y "$3" "$1" 2>/dev/null | grep -F "$2" | head -1; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
# what this build finds at the start of the bare squashfs: the same must be found inside the parts
sq_type=$("$MTDSCOPE" scan --json "$T/root.sqfs" | jq -r '.components[0].type')
K=$(stat -c %s "$T/kernel.lzma")
R=$(stat -c %s "$T/root.sqfs")

# ---- TRX v1 and v2 ----
for v in trx trx2; do
	mk $v
	f=$T/$v.bin
	scan_json "$f"
	c=$(comp trx 0)
	is "$(field "$c" .valid)" true "$v: valid (CRC over [12, len) holds)"
	is "$(field "$c" .size)" "$(stat -c %s "$f")" "$v: extent = file size"
	if command -v binwalk >/dev/null; then
		b=$(bw "$f" "TRX firmware header" trx)
		like "$b" "TRX firmware header" "$v: binwalk sees a TRX header"
		is "$(field "$c" .size)" "$(printf '%s' "$b" | sed -n 's/.*image size: \([0-9]*\) bytes.*/\1/p')" "$v: extent = image size as binwalk"
		is "$(printf '0x%X' "$(field "$c" .details.crc)")" "$(printf '%s' "$b" | sed -n 's/.*CRC32: \(0x[0-9A-F]*\).*/\1/p')" "$v: CRC as binwalk"
		is "$(field "$c" .details.version)" "$(printf '%s' "$b" | sed -n 's/.*version: \([0-9]*\).*/\1/p')" "$v: version as binwalk"
	else
		skip "$v: header fields as binwalk" "binwalk not installed"
	fi
	hdr=$([ $v = trx ] && echo 28 || echo 32)
	want="1@0x$(printf '%x' $hdr)+0x$(printf '%x' $(((K + 3) / 4 * 4))) 2@0x$(printf '%x' $((hdr + (K + 3) / 4 * 4)))"
	got=$(field "$c" '.details.partitions | join(" ")' | sed 's/+0x[0-9a-f]*$//')
	is "$got" "$want" "$v: partition offsets"
	command -v binwalk >/dev/null && like "$b" "loader offset: 0x$(printf '%X' $hdr)," "$v: binwalk agrees on the first offset"
	id=$(field "$c" .id)
	is "$(children "$id" part | jq -s -r 'map(.offset) | join(" ")')" "$hdr $((hdr + (K + 3) / 4 * 4))" "$v: partitions are children"
	p2=$(children "$id" part | jq -s -c '.[1]')
	if inside "$(field "$p2" .id)" "$v: rootfs partition scanned inside"; then
		is "$(jq --argjson p "$(field "$p2" .id)" -r '[.components[] | select(.parent == $p)][0].type' "$T/scan.json")" \
			"$sq_type" "$v: the rootfs partition's content found as in the bare file ($sq_type)"
	fi
done

f=$T/trx.bin
cp "$f" "$T/trx-bad.bin"
printf '\x01' | dd of="$T/trx-bad.bin" bs=1 seek=5000 conv=notrunc 2>/dev/null
scan_json "$T/trx-bad.bin"
c=$(comp trx 0)
is "$(field "$c" .valid)/$(field "$c" .details.crc_ok)" false/false "TRX flipped byte: CRC fails"
like "$(field "$c" '.problems[0]')" "CRC .* does not match" "TRX flipped byte: the reason"
mk trx-self
scan_json "$T/trx-self.bin"
c=$(comp trx 0)
is "$(field "$c" .valid)" false "TRX offsets into the header / backwards: invalid"
like "$(field "$c" '.problems | join(" ")')" "partition 1 offset 0x4 is outside" "TRX offset into the header reported"
like "$(field "$c" '.problems | join(" ")')" "partition 3 offset 0x28 .*not after the previous" "TRX backwards offset reported"
is "$(jq '[.components[] | select(.type == "part")] | length' "$T/scan.json")" 1 "TRX hostile offsets: only the sound partition kept"
mk trx-long
scan_json "$T/trx-long.bin"
c=$(comp trx 0)
is "$(field "$c" .valid)/$(field "$c" .size)" "false/$(stat -c %s "$T/trx-long.bin")" "TRX 2 GiB length: invalid, clamped"
like "$(field "$c" '.problems[0]')" "truncated" "TRX 2 GiB length: the reason"

# ---- TP-Link v1 (mktplinkfw), padded to fw_length, then stripped (-s, vendor OpenWrt) ----
mk tpl1
f=$T/tpl1.bin
scan_json "$f"
c=$(comp tplink-header 0)
is "$(field "$c" .valid)/$(field "$c" .details.md5_ok)" true/true "tpl1: valid, MD5 with the salt holds"
is "$(field "$c" .size)" "$(stat -c %s "$f")" "tpl1: extent = fw_length"
is "$(field "$c" .details.vendor)" "TP-LINK Technologies" "tpl1: vendor"
is "$(field "$c" .details.version_string)" "ver. 1.0" "tpl1: version string"
is "$(printf '0x%x' "$(field "$c" .details.hw_id)")" 0x8400004 "tpl1: hw_id (TL-WR840N v4)"
is "$(field "$c" .details.fw_version)" 3.16.9 "tpl1: firmware version triple"
is "$(printf '0x%x/0x%x' "$(field "$c" .details.kernel_load)" "$(field "$c" .details.kernel_entry)")" 0x80000000/0x8000c310 \
	"tpl1: kernel load address and entry point (8Mmtk layout)"
id=$(field "$c" .id)
kern=$(children "$id" part | jq -c 'select(.details.name == "kernel")')
root=$(children "$id" part | jq -c 'select(.details.name == "rootfs")')
is "$(field "$kern" .offset),$(field "$kern" .size)" "512,$K" "tpl1: kernel part right after the header"
is "$(field "$root" .offset),$(field "$root" .size)" "$((0x200 + (K + 0xffff) / 0x10000 * 0x10000)),$R" "tpl1: rootfs part at its 64 KiB aligned offset"
if inside "$(field "$root" .id)" "tpl1: rootfs part scanned inside"; then
	is "$(jq --argjson p "$(field "$root" .id)" -r '[.components[] | select(.parent == $p)][0].type' "$T/scan.json")" \
		"$sq_type" "tpl1: the rootfs part's content found as in the bare file ($sq_type)"
fi

mk tpl1-strip
f=$T/tpl1-strip.bin
scan_json "$f"
c=$(comp tplink-header 0)
is "$(field "$c" .valid)/$(field "$c" .size)" "true/$(stat -c %s "$f")" "stripped (-s): MD5 over the file, extent = file"
is "$(field "$c" .details.vendor)" "OpenWrt" "stripped: vendor OpenWrt (as OpenWrt's build sets it)"
is "$(printf '0x%x' "$(field "$c" .details.fw_length)")" 0x7c0000 "stripped: fw_length from the header kept as a detail"
# the same image inside a flash dump, followed by more data: MD5 found over the data end
{ head -c 131072 /dev/zero | tr '\0' '\377'; cat "$f"; head -c 65536 /dev/urandom; } >"$T/tpl-flash.bin"
scan_json "$T/tpl-flash.bin"
c=$(comp tplink-header 0x20000)
is "$(field "$c" .valid)/$(field "$c" .size)" "true/$(stat -c %s "$f")" "stripped image in flash: MD5 over the data end"
cp "$f" "$T/tpl-bad.bin"
printf '\x00' | dd of="$T/tpl-bad.bin" bs=1 seek=4096 conv=notrunc 2>/dev/null
scan_json "$T/tpl-bad.bin"
c=$(comp tplink-header 0)
is "$(field "$c" .valid)/$(field "$c" .details.md5_ok)" false/false "TP-Link flipped kernel byte: MD5 fails"
like "$(field "$c" '.problems | join(" ")')" "MD5 does not match" "TP-Link flipped byte: the reason"
like "$(field "$c" '.problems | join(" ")')" "truncated" "TP-Link without a matching MD5 falls back to fw_length: truncated"

# ---- TP-Link v2 (mktplinkfw2, MediaTek boards) ----
mk tpl2
f=$T/tpl2.bin
scan_json "$f"
c=$(comp tplink-header 0)
is "$(field "$c" .valid)/$(field "$c" .details.md5_ok)" true/true "tpl2: valid, MD5 holds"
is "$(field "$c" .details.header)" "v2 (version 3)" "tpl2: header layout and version"
is "$(field "$c" .details.fw_version)" "0.4.2-1.0" "tpl2: firmware version triple and secondary version"
is "$(printf '0x%x' "$(field "$c" .details.hw_id)")" 0x8400004 "tpl2: hw_id"
is "$(field "$c" .size)" "$(stat -c %s "$f")" "tpl2: extent = the data end (the file)"
is "$(children "$(field "$c" .id)" part | jq -s -r 'map(.details.name) | join(" ")')" "kernel rootfs" "tpl2: kernel and rootfs parts"

done_testing
