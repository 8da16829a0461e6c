#!/usr/bin/env bash
# report/assess DIR: the files a person gathered for one device.  Text files are read (notes too),
# binary data (a flash dump made by mkimage and mkenvimage, a tar.gz) and a JSON document no device
# prints (a case's truth.json) are named on stderr and left out; the JSON a device prints
# ('ubus call system board', taken from a real write-up) is read; a terminal capture (CRLF, colour
# escapes) stays text; a file given by name is read whatever it holds.
. "$SRCDIR/tests/lib.sh"
need jq mkimage mkenvimage lzma tar gzip
C=$TESTDATA/real-logs/asus-rt-n14u-mt7620n
d=$T/asus
mkdir -p "$d"
cp "$C"/* "$d/"
# a flash dump as a user saves it: an environment and a uImage, padded with 0xff
printf 'bootcmd=bootm 0xbc050000\nethaddr=00:0c:43:76:20:01\n' >"$T/env.txt"
mkenvimage -s 0x10000 -o "$T/env.bin" "$T/env.txt"
head -c 200000 /dev/urandom | lzma -c >"$T/k.lzma"
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n 'Linux Kernel Image' -d "$T/k.lzma" "$T/k.uImage" >/dev/null
{ cat "$T/env.bin" "$T/k.uImage"; head -c 300000 /dev/zero | tr '\0' '\377'; } >"$d/ALL.bin"
tar czf "$d/backup.tar.gz" -C "$T" env.txt

"$MTDSCOPE" report --json "$d" >"$T/r.json" 2>"$T/err"
ok $? "report DIR with truth.json, a dump and a tar.gz beside the logs: exit 0"
is "$(jq -r '[.facts[].file | sub(".*/"; "")] | unique | join(" ")' "$T/r.json")" "dmesg.txt source.txt uboot.txt" \
	"facts come from the logs and the notes only"
like "$(grep truth.json "$T/err")" "truth.json: a JSON document no device prints .*left out" "truth.json named and left out"
like "$(grep ALL.bin "$T/err")" "ALL.bin: binary data .*not a log: left out" "the dump named and left out"
like "$(grep backup.tar.gz "$T/err")" "backup.tar.gz: binary data" "the tar.gz too"
is "$(grep -c . "$T/err")" 3 "three lines, one a file left out"
want=$("$MTDSCOPE" assess --json "$d/dmesg.txt" "$d/source.txt" "$d/uboot.txt" 2>/dev/null | jq -c '[.verdict, .profile.soc.value, .profile.flash_chip.value, .profile.ram_bytes.value]')
is "$("$MTDSCOPE" assess --json "$d" 2>/dev/null | jq -c '[.verdict, .profile.soc.value, .profile.flash_chip.value, .profile.ram_bytes.value]')" \
	"$want" "assess DIR = assess of its text files given by name"
# given by name, a file is read as text
"$MTDSCOPE" report --json "$d/truth.json" >"$T/t.json" 2>/dev/null
like "$(jq -r '[.facts[].file] | unique | join(" ")' "$T/t.json")" "truth.json" "truth.json given by name: read"

# the JSON a device prints is read: ubus call system board (a real write-up's lines 24-37)
mkdir -p "$T/mh"
sed -n 24,37p "$TESTDATA/real-logs/motorola-mh7601-bcm6755/raw_readme.txt" >"$T/mh/board.json"
jq -e . "$T/mh/board.json" >/dev/null
ok $? "the ubus output is one JSON document"
"$MTDSCOPE" report --json "$T/mh" >"$T/u.json" 2>"$T/err"
ok $? "report DIR holding only the ubus JSON: exit 0"
is "$(jq -r '[.facts[] | select(.layer == "ubus" and .key == "compatible") | .value] | .[0]' "$T/u.json")" brcm,bcm947622 \
	"its board_name read (layer ubus)"
is "$(wc -c <"$T/err")" 0 "nothing left out"

# a terminal capture (CRLF line ends, colour escapes) is text
mkdir -p "$T/tty"
sed 's/$/\r/; 1s/^/\x1b[1;32m/' "$C/dmesg.txt" >"$T/tty/putty.log"
"$MTDSCOPE" report --json "$T/tty" >"$T/tty.json" 2>"$T/err"
is "$(wc -c <"$T/err")" 0 "a CRLF capture with colour escapes is not taken for binary"
is "$(jq -r .profile.soc.value "$T/tty.json")" "$(jq -r .profile.soc.value "$T/r.json")" "and it is read"

# nothing left to read: one line saying so, exit 1
mkdir -p "$T/none"
cp "$C/truth.json" "$d/ALL.bin" "$T/none/"
"$MTDSCOPE" assess "$T/none" >/dev/null 2>"$T/err"
is "$?" 1 "a directory of a truth file and a dump: exit 1"
like "$(tail -1 "$T/err")" "^mtdscope: $T/none: no log among its 2 files \(each left out: see above\)\$" "one line says why"
done_testing
