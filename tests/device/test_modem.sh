#!/usr/bin/env bash
# mtdscope modem: by id, from lsusb output, unknown ids, bad ids.
. "$SRCDIR/tests/lib.sh"
need jq
j=$("$MTDSCOPE" modem --json 2cb7:0a05); ok $? "2cb7:0a05 known"
q() { printf '%s' "$j" | jq -r "$1"; }
is "$(q '.modems[0].model')" FG621 "Fibocom FG621"
is "$(q '.modems[0].mode')" ncm "NCM, not QMI"
like "$(q '.modems[0].packages | join(" ")')" 'kmod-usb-net-cdc-ncm' "NCM driver package"
like "$(q '.modems[0].uci')" "option proto 'dhcp'" "UCI snippet"
is "$(q '.modems[0].at_port')" /dev/ttyUSB0 "AT port"
like "$(q '.modems[0].uci')" "^config interface 'wwan0'" "UCI interface named wwan0 as in the seed-001 thread"
is "$(q '.modems[0].at_apn')" 'AT+CGDCONT?' "AT command to read the APN"
out=$("$MTDSCOPE" modem --color=never 2CB7:0A05)
like "$out" 'traps +runs NCM' "text output names the trap (upper-case id accepted)"
like "$out" 'APN +AT\+CGDCONT\? \(on /dev/ttyUSB0' "text output says how to read the APN"
like "$out" "config interface 'wwan0'" "text output: wwan0"
j=$("$MTDSCOPE" modem --json 05c6:f000); ok $? "05c6:f000 known"
is "$(q '.modems[0].mode')" storage "Qualcomm id in mass-storage mode"
like "$(q '.modems[0].traps')" 'usb-modeswitch' "mass-storage trap"
j=$("$MTDSCOPE" modem --json 2c7c:0125)
is "$(q '.modems[0].proto')" qmi "Quectel EC25 uses QMI"
like "$(q '.modems[0].uci')" "cdc-wdm0" "QMI snippet names the control device"
"$MTDSCOPE" modem 1234:5678 >/dev/null 2>&1; is "$?" 1 "unknown id exits 1"
"$MTDSCOPE" modem 12345:678 >/dev/null 2>&1; is "$?" 2 "malformed id exits 2"
"$MTDSCOPE" modem >/dev/null 2>&1; is "$?" 2 "no argument exits 2"
printf 'Bus 001 Device 001: ID 1d6b:0002 Linux Foundation 2.0 root hub\nBus 001 Device 003: ID 12d1:1f01 Huawei Technologies Co., Ltd. E353/E3131 (Mass storage mode)\n' > "$T/lsusb"
j=$("$MTDSCOPE" modem --json "$T/lsusb"); ok $? "lsusb file"
is "$(q '.modems | length')" 1 "root hub skipped"
is "$(q '.modems[0].mode')" storage "Huawei in mass-storage mode"
is "$(q '.modems[0].source.line')" 2 "source line of the lsusb entry"
# usb.ids names when present (graceful fallback when not)
mkdir -p "$T/ids"; printf '1234  Test Vendor\n\t5678  Test Device\n' > "$T/ids/usb.ids"
out=$(MTD_IDS_DIR="$T/ids" "$MTDSCOPE" modem 1234:5678)
like "$out" 'Test Vendor Test Device: not in the LTE modem table' "usb.ids name for an unknown id"
out=$(MTD_IDS_DIR="$T/none" "$MTDSCOPE" modem 1234:5678)
like "$out" 'no name in usb.ids' "no usb.ids: graceful"
done_testing
