#!/usr/bin/env bash
# The three seed threads, fed whole as a user would paste them (forum text + command output).
. "$SRCDIR/tests/lib.sh"
need jq
S="$TESTDATA/seeds"
s0=$(ls "$S"/000_*.txt); s1=$(ls "$S"/001_*.txt); s2=$(ls "$S"/002_*.txt)

# ---- seed 000: Mosaic Powerstream PSTR2, MT7628, 4 MiB flash, no Ethernet port ----
j=$("$MTDSCOPE" assess --json "$s0"); ok $? "seed 000 assess --json runs"
q() { printf '%s' "$j" | jq -r "$1"; }
is "$(q .profile.soc.value)" MT7628 "seed 000: SoC MT7628"
is "$(q .profile.ram_bytes.value)" $((64 << 20)) "seed 000: 64 MiB RAM"
is "$(q .profile.flash_chip.value)" W25Q32BV "seed 000: flash chip W25Q32BV"
is "$(q .profile.flash_jedec.value)" ef4016 "seed 000: JEDEC ef4016"
is "$(q .profile.flash_bytes.value)" $((4 << 20)) "seed 000: 4 MiB flash"
like "$(q '.profile.conflicts[].what')" 'partition table larger than the flash chip.*Kernel' "seed 000: truncated Kernel partition noticed"
is "$(q '.profile.partitions | map(.name) | join(",")')" "ALL,Bootloader,Config,Factory,Kernel" "seed 000: partitions"
is "$(q .verdict)" not-viable "seed 000: not viable"
like "$(q '.assessment.reasons[] | select(.kind=="blocker") | .text')" 'flash is 4 MiB' "seed 000: because of flash"
is "$(q .profile.ethernet_ports.value)" 0 "seed 000: no Ethernet port"
like "$(q '.assessment.reasons[] | select(.topic=="install") | .text')" 'UART.*SPI programmer' "seed 000: UART/SPI needed"
is "$(q '[.. | objects | select(has("source")) | .source | select(. != null) | select((.file|length)==0 or .line<1)] | length')" 0 "seed 000: every source has file and line"
is "$(q '.profile.flash_chip.source.text')" 'W25Q32BV(ef 40160000) (4096 Kbytes)' "seed 000: evidence line for the chip"
line=$(q '.profile.flash_chip.source.line'); is "$(sed -n "${line}p" "$s0")" 'W25Q32BV(ef 40160000) (4096 Kbytes)' "seed 000: evidence line number points at the line"
like "$(q '.assessment.reasons[] | select(.topic=="ram") | .text')" 'RAM is 64 MiB \(MemTotal: 59960 kB usable\)' "seed 000: MemTotal shown next to the 64 MiB"
is "$(q '[.assessment.closest_devices[] | select(.why | test("shares the limit: 4 MiB flash|would need a bigger chip") | not)] | length')" 0 "seed 000: every closest device says whether it shares the 4 MiB limit"
like "$(q '.assessment.closest_devices[0].why')" 'shares the limit: 4 MiB flash' "seed 000: the closest 4 MiB board shares the limit"
is "$(q '.profile.partitions[] | select(.name=="Kernel") | .size_on_chip')" $((0x3b0000)) "seed 000: the Kernel partition holds 0x3b0000 on the chip"
out=$("$MTDSCOPE" assess --color=never "$s0")
like "$(printf '%s\n' "$out" | head -1)" '^NOT VIABLE - ' "seed 000 text: verdict first"
is "$(printf '%s\n' "$out" | grep -c 'below OpenWrt.s 8 MiB minimum')" 1 "seed 000 text: the headline is not repeated as a reason"
rep=$("$MTDSCOPE" report --color=never "$s0")
like "$rep" 'Kernel@0x50000\+15\.7 MiB \(cut to 3\.7 MiB on the chip: 3\.7 MiB of a declared 15\.7 MiB\)' "seed 000 report: the truncated kernel size shown as such"
like "$rep" 'RAM +64 MiB, 59960 kB usable \(MemTotal\)' "seed 000 report: MemTotal beside the RAM"
like "$out" '000_c3ef2c37ca65cee8.txt:[0-9]+ +W25Q32BV' "seed 000 text: evidence line with file:line"
is "$(printf '%s\n' "$out" | sed '/^Install path/,/^Closest/d' | wc -l | tr -d ' ')" "$(printf '%s\n' "$out" | sed '/^Install path/,/^Closest/d' | head -40 | wc -l | tr -d ' ')" \
	"seed 000 text: fits in 40 lines, the install path's steps aside"
# issue 13 item 3, the seed-000 path end to end: no Ethernet -> UART at the console the log gives
# (line 179: console=ttyS1,57600n8), the image over that line with the exact command, the SPI
# programmer last, each with its steps
is "$(q .assessment.install.method)" serial "seed 000: the install path goes over the serial line"
con=$(sed -n 179p "$s0"); like "$con" 'console=ttyS1,57600n8' "seed 000: line 179 gives the console"
is "$(q .assessment.install.netboot)" \
	"mtdscope netboot --via serial --line /dev/ttyUSB0 --baud 57600 --image $(q .assessment.install.initramfs)" \
	"seed 000: the exact command: netboot --via serial at the log's 57600 baud with the initramfs image"
like "$(q .assessment.install.initramfs)" '^openwrt-ramips-mt76x8-.*-initramfs-kernel\.bin$' "seed 000: an initramfs image of the SoC's target"
like "$(q '.assessment.install.steps[0]')" '^No Ethernet, so no TFTP.*USB-UART.*TX to RX, RX to TX, GND to GND, at 57600 8N1 \(the console the log gives: ttyS1,57600n8\).*mtdscope console --line /dev/ttyUSB0 --baud 57600' \
	"seed 000 step 1: UART wiring at the log's console settings, and how to watch the boot"
like "$(q '.assessment.install.steps[0]')" 'no current OpenWrt release fits' "seed 000 step 1: says the verdict still holds"
like "$(q '.assessment.install.steps[1]')" "^Boot from RAM over the line.*$(q .assessment.install.netboot | sed 's/[.]/[.]/g').*crc32" \
	"seed 000 step 2: the serial install command and its crc32 check"
like "$(q '.assessment.install.steps[] | select(test("^Back up"))')" 'collect' "seed 000: a backup step (collect) before writing"
like "$(q '.assessment.install.steps[] | select(test("^Install for good"))')" 'netboot --via serial --write --layout .* --baud 57600.*4 MiB chip at 57600 baud: about 12 minutes' \
	"seed 000: writing for good over the line, with the time the 4 MiB chip takes"
last=$(q '.assessment.install.steps[-1]')
like "$last" '^Last resort.*SPI programmer on the nor flash chip, W25Q32BV.*flashrom -p ch341a_spi -r a[.]bin.*cmp a[.]bin b[.]bin.*mtdscope plan --via flashrom' \
	"seed 000: the SPI programmer last, on the log's chip, with read-twice-and-compare and the write"
like "$out" 'Install path with the images of the .*
  1\. No Ethernet, so no TFTP' "seed 000 text: the install path printed, numbered"

# ---- seed 001: TP-Link MR500 v1, MT7621 + MT7603E + MT7613 + Fibocom FG621 ----
j=$("$MTDSCOPE" assess --json "$s1"); ok $? "seed 001 assess --json runs"
is "$(q .profile.soc.value)" MT7621 "seed 001: SoC MT7621"
is "$(q .profile.ram_bytes.value)" $((128 << 20)) "seed 001: 128 MiB RAM"
is "$(q .profile.flash_chip.value)" EN25QH128A "seed 001: flash EN25QH128A"
is "$(q .profile.flash_bytes.value)" $((16 << 20)) "seed 001: 16 MiB flash"
is "$(q .profile.cpu_mhz.value)" 880 "seed 001: 880 MHz"
is "$(q '.profile.radios | map(.chip) | sort | join(",")')" "MT7603E,MT7613" "seed 001: radios MT7603E + MT7613"
is "$(q '.profile.radios | map(.open) | unique | join(",")')" "yes" "seed 001: both radios have open drivers"
is "$(q '.profile.usb[] | select(.lte_modem) | .id')" "2cb7:0a05" "seed 001: Fibocom FG621 2cb7:0a05 found"
like "$(q '.assessment.reasons[] | select(.topic=="modem") | .text')" 'Fibocom FG621.*ncm mode' "seed 001: modem runs NCM"
# the MR500 is not an OpenWrt device and the MR600 v2's RAM and layout cannot be compared: a port from the MR600 v2
is "$(q .verdict)" possible-port "seed 001: possible port (not every item of the twin can be compared)"
like "$(q .assessment.headline)" 'start from the TP-Link MR600 v2' "seed 001: start from the MR600 v2"
is "$(q '.assessment.closest_devices[0].compatible')" "tplink,mr600-v2-eu" "seed 001: MR600 v2 is the near twin"
like "$(q '.assessment.closest_devices[0].why')" 'named in the text.*LTE' "seed 001: twin reasons name the mention and LTE"
like "$(q '.assessment.closest_devices[0].compared')" 'flash 16 MiB: same.*RAM: the twin.s is not known.*radios .*same' "seed 001: what was compared, item by item"
# the install path of the thread: tpl, 192.168.0.5, test.bin, bootm, the netboot line, MR600 v2 images
is "$(q .assessment.install.method)" tftp "seed 001: install over TFTP from U-Boot"
is "$(q .assessment.install.device)" "TP-Link MR600 v2 (EU)" "seed 001: with the MR600 v2's images"
is "$(q .assessment.install.for_device)" "MR500 v1" "seed 001: for the MR500 v1 the text names"
is "$(q .assessment.install.netboot)" "mtdscope netboot --line /dev/ttyUSB0 --baud 115200 --interrupt tpl --serverip 192.168.0.5 --image openwrt-ramips-mt7621-tplink_mr600-v2-eu-initramfs-kernel.bin" "seed 001: the netboot line to run"
is "$(q .assessment.install.sysupgrade)" "openwrt-ramips-mt7621-tplink_mr600-v2-eu-squashfs-sysupgrade.bin" "seed 001: the sysupgrade image named"
steps=$(q '.assessment.install.steps | join("\n")')
like "$steps" "sends 'tpl' from power-on" "seed 001 steps: tpl from power-on"
like "$steps" "192\.168\.0\.5/24" "seed 001 steps: the server address"
like "$steps" "asks for the file 'test\.bin'" "seed 001 steps: the file name the loader asks for"
like "$steps" "tftpboot <load address> test\.bin; bootm" "seed 001 steps: tftpboot and bootm by hand"
like "$(q '.assessment.reasons[] | select(.topic=="device") | .text')" 'names MR500 v1, MR600 v2' "seed 001: MR500 and MR600 are named"
out=$("$MTDSCOPE" assess --color=never "$s1")
like "$out" 'Install path for the MR500 v1 with the images of the TP-Link MR600 v2' "seed 001 text: install path header"
like "$out" 'mtdscope netboot --line /dev/ttyUSB0 --baud 115200 --interrupt tpl --serverip 192\.168\.0\.5' "seed 001 text: the netboot line printed"
# the same thread cut into the files an owner pastes one by one: still an install path
j=$("$MTDSCOPE" assess --json "$S/001-cut"); ok $? "seed 001 cut files: assess runs"
is "$(q .profile.soc.value)" MT7621 "seed 001 cut: MT7621 from uboot.txt"
is "$(q '.profile.radios | length')" 2 "seed 001 cut: two radios from lspci.txt"
is "$(q '.profile.usb[] | select(.lte_modem) | .id')" "2cb7:0a05" "seed 001 cut: the modem from lsusb.txt"
is "$(q .assessment.install.method)" tftp "seed 001 cut: an install path"
like "$(q .assessment.install.netboot)" '^mtdscope netboot --line /dev/ttyUSB0 --baud 115200 --interrupt tpl --image openwrt-ramips-mt7621-tplink_mr600-v2-eu-initramfs-kernel\.bin$' "seed 001 cut: netboot with tpl and the MR600 v2 image"
like "$(q '.assessment.install.steps | join("\n")')" "printenv serverip" "seed 001 cut: how to find the server address"
is "$(q '.assessment.closest_devices[0].compatible')" "tplink,mr600-v2-eu" "seed 001 cut: the MR600 v2 is the closest device"
m=$("$MTDSCOPE" modem --json "$s1"); ok $? "seed 001 modem from the pasted thread"
is "$(printf '%s' "$m" | jq -r '.modems[] | select(.known) | .mode')" ncm "seed 001: modem mode NCM"
like "$(printf '%s' "$m" | jq -r '.modems[] | select(.known) | .traps')" 'not QMI' "seed 001: NCM-not-QMI trap"
is "$(printf '%s' "$m" | jq -r '.modems[] | select(.known) | .source.line')" "$(grep -n '2cb7:0a05 Fibocom' "$s1" | head -1 | cut -d: -f1)" "seed 001: modem source line"

# ---- seed 002: dual-firmware layout on a 16 MiB MT7628 ----
j=$("$MTDSCOPE" report --json "$s2"); ok $? "seed 002 report --json runs"
is "$(q '.profile.partitions | map(.name) | join(",")')" "ALL,Bootloader,Config,Factory,firmware1,rootfs,rootfs_data,firmware2,reserved" "seed 002: /proc/mtd without header read"
is "$(q .profile.flash_bytes.value)" $((16 << 20)) "seed 002: 16 MiB flash from ALL"
is "$(q .profile.soc.value)" MT7628 "seed 002: MT7628 from the text"
like "$(q .profile.layout.value)" 'dual firmware.*firmware1.*firmware2.*0x7b0000' "seed 002: dual-firmware layout understood"
j=$("$MTDSCOPE" assess --json "$s2")
like "$(q '.assessment.reasons[] | select(.topic=="flash") | .text')" 'Factory.*MACs and Wi-Fi calibration' "seed 002: copying ALL clobbers Factory (warned)"
out=$("$MTDSCOPE" report --color=never "$s2")
like "$out" 'firmware1.*firmware2' "seed 002 text: both firmware slots listed"
done_testing
