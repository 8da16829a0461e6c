#!/usr/bin/env bash
# Garbage, binary, empty and huge inputs: one clear line on stderr, exit 1, no crash.
. "$SRCDIR/tests/lib.sh"

one_line() { # DESCRIPTION REGEX CMD...
	local d=$1 re=$2 err rc; shift 2
	err=$("$@" 2>&1 >/dev/null); rc=$?
	is "$rc" 1 "$d: exits 1"
	is "$(printf '%s\n' "$err" | wc -l | tr -d ' ')" 1 "$d: one line"
	like "$err" "$re" "$d: message"
}
: > "$T/empty"
one_line "empty file" 'empty \(0 bytes\)' "$MTDSCOPE" report "$T/empty"
head -c 200000 /dev/urandom > "$T/random.bin"
one_line "random bytes" 'binary data.*mtdscope scan' "$MTDSCOPE" assess "$T/random.bin"
printf 'hello\0world\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\n' > "$T/nul.txt"
one_line "text with NULs" 'binary data' "$MTDSCOPE" report "$T/nul.txt"
printf 'the quick brown fox\njumps over the lazy dog\n' > "$T/prose.txt"
one_line "prose without facts" 'no device facts found in 2 lines' "$MTDSCOPE" assess "$T/prose.txt"
one_line "missing file" 'missing.*No such file' "$MTDSCOPE" report "$T/missing"
one_line "/dev/zero" 'character device' "$MTDSCOPE" report /dev/zero
mkdir "$T/emptydir"
one_line "empty directory" 'no files in the directory' "$MTDSCOPE" report "$T/emptydir"
# huge: 33 MiB of log lines, from a file and from a pipe
yes '[    0.000000] Linux version 2.6.36 (gcc version 4.6.3) #1' | head -c $((33 << 20)) > "$T/huge.log"
one_line "huge file" 'at most 33554432' "$MTDSCOPE" report "$T/huge.log"
err=$("$MTDSCOPE" report - < "$T/huge.log" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "huge stdin: exits 1"; like "$err" 'logs above 32 MiB are not read' "huge stdin: message"
# a long line and UART garbage do not crash, facts around them still count
{ head -c 100000 /dev/zero | tr '\0' 'A'; echo; printf '\xe2\x96\x92\xe2\x96\x92\xff\xfe garbage\n'; echo 'DRAM:  64 MB'; } > "$T/long.txt"
out=$("$MTDSCOPE" report --json "$T/long.txt"); ok $? "very long line: runs"
is "$(printf '%s' "$out" | jq -r .profile.ram_bytes.value)" $((64 << 20)) "very long line: later facts still read"
is "$(printf '%s' "$out" | jq -r .profile.ram_bytes.source.line)" 3 "very long line: line numbers stay right"
# mixed inputs: a bad file is reported, the good one still answers
printf 'system type : MT7628\n' > "$T/cpuinfo"
out=$("$MTDSCOPE" report --json "$T/random.bin" "$T/cpuinfo" 2>"$T/err"); rc=$?
is "$rc" 0 "bad + good file: answers"; is "$(wc -l < "$T/err" | tr -d ' ')" 1 "bad + good file: one warning line"
# CRLF, logread prefixes, timestamps and a 0xFF first byte
printf '\xffU-Boot 1.1.3 (Nov 22 2023 - 16:37:42)\r\nThu Nov 16 06:09:33 2023 kern.info kernel: [    0.000000] Linux version 5.15.1 (x@y) (mipsel-openwrt-linux-musl-gcc (OpenWrt GCC 11.2.0 r1-0) 11.2.0) #0\r\n[ 3.510000] spi-nor spi0.0: mx25l1606e (2048 Kbytes)\r\n' > "$T/crlf.txt"
out=$("$MTDSCOPE" report --json "$T/crlf.txt")
is "$(printf '%s' "$out" | jq -r .profile.kernel.value)" 5.15.1 "logread prefix + CRLF: kernel"
is "$(printf '%s' "$out" | jq -r .profile.flash_chip.value)" mx25l1606e "collapsed timestamp: flash chip"
is "$(printf '%s' "$out" | jq -r .profile.flash_bytes.value)" $((2 << 20)) "collapsed timestamp: flash size"
like "$(printf '%s' "$out" | jq -r .profile.bootloader.value)" '^U-Boot 1.1.3' "leading 0xFF byte: bootloader"
# standard input
out=$(printf 'MemTotal:          59960 kB\n' | "$MTDSCOPE" report --json)
is "$(printf '%s' "$out" | jq -r .profile.ram_bytes.source.file)" "<stdin>" "stdin: source file named <stdin>"
"$MTDSCOPE" report --bogus >/dev/null 2>&1; is "$?" 2 "bad option exits 2"
# a directory: every file in it, each fact naming its own file
mkdir "$T/dir"; printf 'system type\t\t: MT7628\n' > "$T/dir/cpuinfo.txt"
printf 'dev:    size   erasesize  name\nmtd0: 00800000 00010000 "ALL"\n' > "$T/dir/mtd.txt"
out=$("$MTDSCOPE" report --json "$T/dir")
is "$(printf '%s' "$out" | jq -r '.profile.soc.source.file | sub(".*/"; "")')" cpuinfo.txt "directory: SoC from cpuinfo.txt"
is "$(printf '%s' "$out" | jq -r '.profile.flash_bytes.source.file | sub(".*/"; "")')" mtd.txt "directory: flash size from mtd.txt"
# PCI names from pci.ids when the device is not in the wifi table
mkdir -p "$T/ids"; printf '1234  Test Vendor\n\t5678  Test Radio\n' > "$T/ids/pci.ids"
printf 'pci 0000:01:00.0: [1234:5678] type 00 class 0x028000\n' > "$T/pci.txt"
out=$(MTD_IDS_DIR="$T/ids" "$MTDSCOPE" report --json "$T/pci.txt")
is "$(printf '%s' "$out" | jq -r '.profile.radios[0].chip')" "PCI 1234:5678 Test Vendor Test Radio" "pci.ids name for an unknown radio"
out=$(MTD_IDS_DIR="$T/none" "$MTDSCOPE" report --json "$T/pci.txt")
is "$(printf '%s' "$out" | jq -r '.profile.radios[0].chip')" "PCI 1234:5678" "no pci.ids: the id alone"
done_testing
