#!/usr/bin/env bash
# MediaTek factory data (no tool makes it: hand-made like the vendors' own
# factory partitions): decode, found in an image by scan, erased and
# truncated reported, `eeprom --set-mac` changing exactly 6 bytes per MAC.
. "$SRCDIR/tests/lib.sh"
need jq cmp python3 sha256sum

python3 - "$T" <<'EOF'
import struct, sys
T = sys.argv[1]
def eeprom(chip, ver, mac, size, seed):
    e = bytearray(b'\xff' * size)
    e[0:4] = struct.pack('<HH', chip, ver)
    e[4:10] = bytes.fromhex(mac)
    for i in range(0x30, min(size, 0x140)):   # TX power / calibration fields
        e[i] = (i * seed) & 0xff if i % 5 else 0
    return e
# MT7628 board: wifi MAC at 0x4, LAN at 0x28, WAN at 0x2e
f = bytearray(b'\xff' * 0x10000)
f[0:0x400] = eeprom(0x7628, 0x0002, '000c43762801', 0x400, 11)
f[0x28:0x2e] = bytes.fromhex('000c43762802')
f[0x2e:0x34] = bytes.fromhex('000c43762803')
open(T + '/f7628.bin', 'wb').write(f)
open(T + '/trunc.bin', 'wb').write(f[:0x100])
# MT7621 board: MT7603 at 0, MT7612 at 0x8000, Ethernet MACs at 0xe000/0xe006
g = bytearray(b'\xff' * 0x10000)
g[0:0x400] = eeprom(0x7603, 0x0001, '000c43760301', 0x400, 13)
g[0x8000:0x8200] = eeprom(0x7612, 0x0002, '000c43761201', 0x200, 7)
g[0xe000:0xe006] = bytes.fromhex('000c43762101')
g[0xe006:0xe00c] = bytes.fromhex('000c43762102')
open(T + '/f7621.bin', 'wb').write(g)
# an 1 MiB image with the MT7628 factory at 0x40000, and one whose factory is erased
img = bytearray(b'\xff' * 0x100000)
img[0x40000:0x50000] = f
open(T + '/img.bin', 'wb').write(img)
open(T + '/img-erased.bin', 'wb').write(b'\xff' * 0x100000)
open(T + '/erased.bin', 'wb').write(b'\xff' * 0x10000)
EOF

js=$("$MTDSCOPE" eeprom --json "$T/f7628.bin")
is "$(printf '%s' "$js" | jq -r '"\(.chip_id) \(.chip) \(.version) \(.calibration) \(.erased)"')" \
	"$((0x7628)) MT7628/MT7688 2 true false" "MT7628: chip, version, calibration"
is "$(printf '%s' "$js" | jq -r '[.macs[] | "\(.offset)=\(.mac)"] | join(" ")')" \
	"4=00:0c:43:76:28:01 40=00:0c:43:76:28:02 46=00:0c:43:76:28:03" "MT7628: MACs at 0x4, 0x28, 0x2e"
out=$("$MTDSCOPE" eeprom "$T/f7628.bin"); is "$?" 0 "MT7628: exit 0"
like "$out" "mac 0x28 +00:0c:43:76:28:02" "text output lists the LAN MAC"

js=$("$MTDSCOPE" eeprom --json "$T/f7621.bin")
is "$(printf '%s' "$js" | jq -r '"\(.chip) \(.second.chip) \(.second.offset) \(.second.calibration)"')" \
	"MT7603 MT7612 $((0x8000)) true" "MT7621 board: second radio MT7612 at 0x8000"
is "$(printf '%s' "$js" | jq -r '[.macs[] | "\(.offset)=\(.role)"] | join(",")')" \
	"4=wifi0,$((0x8004))=wifi1,$((0xe000))=board convention 0xe000 (lan),$((0xe006))=board convention 0xe006 (wan)" \
	"MT7621 board: MACs at 0x4, 0x8004, 0xe000, 0xe006"

# in an image: scan finds it, eeprom IMAGE decodes it
js=$("$MTDSCOPE" scan --json "$T/img.bin")
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "mtk-eeprom")][0] | "\(.offset) \(.valid) \(.details.chip)"')" \
	"$((0x40000)) true MT7628/MT7688" "scan: mtk-eeprom at 0x40000"
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "mtk-eeprom")][0].size')" "$((0x400))" \
	"scan: extent to the last non-0xFF byte"
is "$("$MTDSCOPE" eeprom --json "$T/img.bin" | jq -r '"\(.offset) \(.macs[0].mac)"')" "$((0x40000)) 00:0c:43:76:28:01" \
	"eeprom IMAGE finds the factory by scanning"

# --set-mac: exactly 6 bytes per MAC, nothing else; input untouched
before=$(sha256sum < "$T/img.bin")
"$MTDSCOPE" eeprom "$T/img.bin" --set-mac 0x4=10:11:12:13:14:15 --set-mac 0x28=10:11:12:23:24:25 -o "$T/img2.bin" 2>/dev/null
is "$?" 0 "--set-mac exits 0"
is "$(cmp -l "$T/img.bin" "$T/img2.bin" | wc -l)" 12 "two MACs: exactly 12 bytes differ"
is "$(cmp -l "$T/img.bin" "$T/img2.bin" | awk '{o=$1-1; if (!((o>=262148 && o<262154) || (o>=262184 && o<262190))) print o}' | wc -l)" 0 \
	"only the bytes at 0x40004 and 0x40028 changed"
is "$(sha256sum < "$T/img.bin")" "$before" "input untouched"
is "$("$MTDSCOPE" eeprom --json "$T/img2.bin" | jq -r '[.macs[0].mac, .macs[1].mac] | join(" ")')" \
	"10:11:12:13:14:15 10:11:12:23:24:25" "patched MACs read back"
# bare MAC: every MAC moves by the same amount
"$MTDSCOPE" eeprom "$T/f7628.bin" --set-mac 20:21:22:23:24:25 -o "$T/f2.bin" 2>/dev/null
is "$("$MTDSCOPE" eeprom --json "$T/f2.bin" | jq -r '[.macs[].mac] | join(" ")')" \
	"20:21:22:23:24:25 20:21:22:23:24:26 20:21:22:23:24:27" "bare --set-mac keeps the MACs' order"
is "$(cmp -l "$T/f7628.bin" "$T/f2.bin" | wc -l)" 18 "bare --set-mac: 6 bytes for each of 3 MACs"
"$MTDSCOPE" eeprom "$T/f7621.bin" --set-mac wifi1=30:31:32:33:34:35 -o "$T/g2.bin" 2>/dev/null
is "$(cmp -l "$T/f7621.bin" "$T/g2.bin" | awk '{print $1-1}' | tr '\n' ' ')" \
	"$((0x8004)) $((0x8005)) $((0x8006)) $((0x8007)) $((0x8008)) $((0x8009)) " "wifi1 role: bytes 0x8004..0x8009"
"$MTDSCOPE" eeprom "$T/f7628.bin" --set-mac 0x4=01:00:5e:00:00:01 -o "$T/bad.bin" 2>/dev/null
is "$?:$([ -e "$T/bad.bin" ] && echo exists)" "1:" "multicast MAC refused, nothing written"
"$MTDSCOPE" eeprom "$T/f7628.bin" --set-mac 0x4=10:11:12:13:14:15 -o "$T/f7628.bin" 2>/dev/null
is "$?" 1 "output over the input refused"

# erased (the seed-3 disaster) and truncated
err=$("$MTDSCOPE" eeprom "$T/erased.bin" 2>&1 >/dev/null); is "$?" 1 "erased factory exits 1"
like "$err" "factory data is erased \(all 0xFF\)" "erased factory: the message"
is "$("$MTDSCOPE" eeprom --json "$T/erased.bin" 2>/dev/null | jq -r .erased)" true "erased factory: json erased"
err=$("$MTDSCOPE" eeprom --offset 0x40000 "$T/img-erased.bin" 2>&1 >/dev/null); is "$?" 1 "erased factory in an image exits 1"
like "$err" "offset 0x40000: factory data is erased" "erased factory in an image: the message"
err=$("$MTDSCOPE" eeprom "$T/img-erased.bin" 2>&1 >/dev/null); is "$?" 1 "no factory found exits 1"
like "$err" "no MediaTek factory data found" "no factory found: the message"
err=$("$MTDSCOPE" eeprom "$T/trunc.bin" 2>&1 >/dev/null); is "$?" 1 "truncated factory exits 1"
like "$err" "truncated: the MT7628/MT7688 EEPROM has 0x400 bytes, only 0x100 present" "truncated: the message"

# with a layout (/proc/mtd of the seed-3 router family): Factory found by role
cat > "$T/proc-mtd" <<'EOF'
dev:    size   erasesize  name
mtd0: 00100000 00010000 "ALL"
mtd1: 00030000 00010000 "Bootloader"
mtd2: 00010000 00010000 "Config"
mtd3: 00010000 00010000 "Factory"
mtd4: 000b0000 00010000 "firmware"
EOF
js=$("$MTDSCOPE" eeprom --json --layout "$T/proc-mtd" "$T/img.bin" 2>&1)
is "$(printf '%s' "$js" | jq -r '"\(.offset) \(.size) \(.chip)"' 2>/dev/null)" "$((0x40000)) $((0x10000)) MT7628/MT7688" \
	"--layout: Factory partition at 0x40000"
err=$("$MTDSCOPE" eeprom --layout "$T/proc-mtd" "$T/img-erased.bin" 2>&1 >/dev/null); is "$?" 1 "--layout: erased Factory exits 1"
like "$err" "offset 0x40000: factory data is erased" "--layout: erased Factory named"
# MT7915 factory whose calibration fills the header densely (no 0x00/0xFF fields after 0x10) in an
# erased Factory block of a flash dump: found by its padding; the same 0xe00 bytes followed by other
# data (no padding) are not taken, and neither are they inside a gzip stream without their padding
python3 - "$T" <<'EOF2'
import sys
T = sys.argv[1]
e = bytearray(b'\xff' * 0xe00)
e[0:2] = (0x7915).to_bytes(2, 'little'); e[2:4] = b'\x00\x00'; e[4:10] = bytes.fromhex('000c43791501')
for i in range(0x10, 0xe00):
    e[i] = (i * 7 + 0x33) & 0x7f
img = bytearray(b'\xff' * 0x100000)
img[0x50000:0x50e00] = e
open(T + '/dense.bin', 'wb').write(img)
img[0x50e00:0x51000] = bytes((i * 5 + 1) & 0x7f | 1 for i in range(0x200))
open(T + '/dense-nopad.bin', 'wb').write(img)
open(T + '/dense-raw.bin', 'wb').write(bytes(e) + bytes((i * 3 + 1) & 0x7f | 1 for i in range(0x200)))
EOF2
js=$("$MTDSCOPE" scan --json "$T/dense.bin")
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "mtk-eeprom")][0] | "\(.offset) \(.details.chip) \(.size)"')" \
	"$((0x50000)) MT7915 $((0xe00))" "dense MT7915 calibration in an erased Factory block: found, extent 0xe00"
is "$("$MTDSCOPE" scan --json "$T/dense-nopad.bin" | jq '[.components[] | select(.type == "mtk-eeprom")] | length')" 0 \
	"the same bytes without the erased padding: not an EEPROM"
gzip -9 -c "$T/dense-raw.bin" > "$T/dense.gz"
is "$("$MTDSCOPE" scan --json "$T/dense.gz" | jq '[.. | objects | select(.type? == "mtk-eeprom")] | length')" 0 \
	"inside a gzip stream, without padding: not an EEPROM"
done_testing
