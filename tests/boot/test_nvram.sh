#!/usr/bin/env bash
# Ralink/MediaTek SDK Config partition (lib/libnvram of the SDK; no Debian
# tool writes it, so the blocks are made here exactly as nvram_commit() does:
# CRC-32 of the zero-padded block, then NUL-separated key=value).  Scan names
# the blocks (2860, rtdev) and counts keys; a damaged CRC is reported.
. "$SRCDIR/tests/lib.sh"
need jq python3

python3 - "$T" <<'EOF'
import struct, sys, zlib
T = sys.argv[1]
def block(pairs, size):
    data = b''.join(b'%s=%s\0' % (k.encode(), v.encode()) for k, v in pairs) + b'\0'
    data = data.ljust(size - 4, b'\0')
    return struct.pack('<I', zlib.crc32(data)) + data
main = [('HostName', 'H3S'), ('lan_ipaddr', '192.168.10.1'), ('lan_netmask', '255.255.255.0'),
        ('SSID1', 'LTE-Router'), ('WPAPSK1', 'secretsecret'), ('AuthMode', 'WPA2PSK'),
        ('WirelessMode', '9'), ('CountryCode', 'CO'), ('wanConnectionMode', 'DHCP')]
rtdev = [('SSID1', 'LTE-Router-5G'), ('WPAPSK1', 'secretsecret'), ('Channel', '36'), ('HT_BW', '1')]
cfg = bytearray(b'\xff' * 0x10000)
cfg[0:0x4000] = block(main, 0x4000)          # "2860": ENV_BLK_SIZE*4 at 0x0
cfg[0x4000:0x6000] = block(rtdev, 0x2000)    # "rtdev": ENV_BLK_SIZE*2
open(T + '/config.bin', 'wb').write(cfg)
bad = bytearray(cfg); bad[0x20] ^= 0x01
open(T + '/config-bad.bin', 'wb').write(bad)
EOF

js=$("$MTDSCOPE" scan --json "$T/config.bin")
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "ralink-nvram") | "\(.offset):\(.size):\(.details.block):\(.details.keys):\(.valid)"] | join(" ")')" \
	"0:$((0x4000)):2860:9:true $((0x4000)):$((0x2000)):rtdev:4:true" "two nvram blocks: 2860 and rtdev, key counts"
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "uboot-env")] | length')" 0 "not taken for U-Boot environments"
is "$(printf '%s' "$js" | jq -r '.components[0].details | "\(.HostName) \(.lan_ipaddr) \(.SSID1)"')" \
	"H3S 192.168.10.1 LTE-Router" "2860 details"
if printf '%s' "$js" | grep -q secretsecret; then ok 1 "WPA key not shown"; else ok 0 "WPA key not shown"; fi

js=$("$MTDSCOPE" scan --json "$T/config-bad.bin")
is "$(printf '%s' "$js" | jq -r '.components[0] | "\(.type) \(.valid) \(.details.crc_ok)"')" "ralink-nvram false false" \
	"damaged block: invalid"
like "$(printf '%s' "$js" | jq -r '.components[0].problems[0]')" "CRC 0x[0-9a-f]{8} stored" "damaged block: the reason"

# env reads a block and edits it as nvram_commit() would (same order, zero padding)
out=$("$MTDSCOPE" env --color=never "$T/config.bin")
like "$out" "Ralink SDK nvram block '2860' at 0x0, 0x4000 bytes" "env: names the nvram block"
like "$out" "lan_ipaddr=192.168.10.1" "env: lists its keys"
"$MTDSCOPE" env "$T/config.bin" --set lan_ipaddr=10.0.0.1 -o "$T/config2.bin" 2>/dev/null
python3 - "$T" <<'EOF'
import struct, sys, zlib
T = sys.argv[1]
pairs = [('HostName', 'H3S'), ('lan_ipaddr', '10.0.0.1'), ('lan_netmask', '255.255.255.0'),
         ('SSID1', 'LTE-Router'), ('WPAPSK1', 'secretsecret'), ('AuthMode', 'WPA2PSK'),
         ('WirelessMode', '9'), ('CountryCode', 'CO'), ('wanConnectionMode', 'DHCP')]
data = b''.join(b'%s=%s\0' % (k.encode(), v.encode()) for k, v in pairs) + b'\0'
data = data.ljust(0x4000 - 4, b'\0')
want = bytearray(open(T + '/config.bin', 'rb').read())
want[0:0x4000] = struct.pack('<I', zlib.crc32(data)) + data
open(T + '/config-want.bin', 'wb').write(want)
EOF
check "env --set on nvram equals nvram_commit() byte for byte" cmp "$T/config2.bin" "$T/config-want.bin"
done_testing
