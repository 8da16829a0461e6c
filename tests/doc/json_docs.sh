#!/usr/bin/env bash
# Run every command with --json on real inputs (the sample, its layout, real logs, the fake
# U-Boot console, a TFTP transfer on loopback) and write each JSON document into OUTDIR as
# <command>.<case>.json (JSON-lines outputs: one file a line).  Sourced by test_schema.sh;
# usage: json_docs.sh OUTDIR  (MTDSCOPE, SRCDIR, TESTDATA, BUILDDIR from the environment).
set -u
out=$1
mkdir -p "$out"
M=$MTDSCOPE S=$BUILDDIR/sample/sample.bin L=$BUILDDIR/sample/layout.txt
w=$out/work
mkdir -p "$w"
doc() { # NAME CMD... : stdout of CMD -> OUTDIR/NAME.json (one file a line for JSON lines)
	local name=$1
	shift
	"$@" >"$w/stdout" 2>"$w/stderr"
	# one document (pretty or not), or JSON lines: one file a document
	python3 -c '
import json, sys
text, base = open(sys.argv[1]).read(), sys.argv[2]
try:
    docs = [json.loads(text)] if text.strip() else []
except ValueError:
    docs = [json.loads(l) for l in text.splitlines() if l.strip()]
for i, d in enumerate(docs, 1):
    json.dump(d, open("%s.%d.json" % (base, i), "w"))
sys.exit(0 if docs else 3)' "$w/stdout" "$out/$name" ||
		echo "json_docs: '$*' printed no JSON document: $(head -c 300 "$w/stderr")" >&2
}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
doc version "$M" --version --json
doc scan.sample "$M" scan --json "$S"
doc scan.toplevel "$M" scan --json --top-level "$S"
doc extract.sample "$M" extract --json -C "$w/x" "$S"
doc extract.list "$M" extract --json --list "$S"
# many inputs (--jsonl): the sample and an empty file (whose line carries only its error)
mkdir -p "$w/corpus"
cp "$S" "$w/corpus/sample.bin"
: >"$w/corpus/empty.bin"
doc scan.jsonl "$M" scan --jsonl --jobs 2 "$w/corpus"
doc extract.jsonl "$M" extract --jsonl --jobs 2 -C "$w/xl" "$w/corpus"
doc assess.jsonl "$M" assess --jsonl --jobs 2 "$TESTDATA/real-logs/asus-rt-n14u-mt7620n" "$w/corpus/empty.bin"
doc layout.proc "$M" layout --json "$L"
doc layout.log "$M" layout --json "$TESTDATA/real-logs/asus-rt-n14u-mt7620n/dmesg.txt"
doc split.sample "$M" split "$S" --layout "$L" -C "$w/parts" --json
doc verify.parts "$M" verify --layout "$L" --json "$w/parts"
doc verify.whole "$M" verify --layout "$L" --json "$S"
doc join.parts "$M" join --layout "$L" -o "$w/joined.bin" --json "$w/parts"
cp "$S" "$w/unit.bin"
"$M" eeprom --set-mac 0x4=02:11:22:33:44:55 -o "$w/unit2.bin" "$S" >/dev/null 2>&1
"$M" env --set bootdelay=9 -o "$w/unit3.bin" "$w/unit2.bin" >/dev/null 2>&1
doc diff.same "$M" diff "$S" "$w/unit.bin" --layout "$L" --json
doc diff.unit "$M" diff "$S" "$w/unit3.bin" --layout "$L" --json
doc diff.whole "$M" diff "$S" "$w/unit3.bin" --json
doc rebuild.unit "$M" rebuild --layout "$L" --donor "$S" --unit "$w/unit3.bin" -o "$w/rebuilt.bin" --json
for via in uboot mtd shell flashrom; do
	doc plan.$via "$M" plan --layout "$L" --image "$S" --via $via --json
done
doc eeprom.sample "$M" eeprom --json "$S"
doc eeprom.patched "$M" eeprom --json "$w/unit2.bin"
doc env.sample "$M" env --json "$S"
doc env.edited "$M" env --json "$w/unit3.bin"
for d in asus-rt-n14u-mt7620n afoundry-q500-mt7628 alfa-ap121-ar9331; do
	doc report.$d "$M" report --json "$TESTDATA/real-logs/$d"
	doc assess.$d "$M" assess --json "$TESTDATA/real-logs/$d"
done
for s in "$TESTDATA"/seeds/00[0-2]_*.txt; do
	b=$(basename "$s" .txt)
	doc report.seed$b "$M" report --json "$s"
	doc assess.seed$b "$M" assess --json "$s"
done
doc modem.id "$M" modem --json 2cb7:0a05
doc modem.id2 "$M" modem --json 1199:9071
FAKE=$SRCDIR/tests/net/fake_uboot.py
doc console.ok "$M" console -q --exec "$PY $FAKE mt7621" --interrupt tpl -c version -c 'printenv ipaddr' --expect ipaddr= --json
doc console.timeout "$M" console -q --exec "$PY $FAKE mt7621" --interrupt tpl -c 'sleep 5' --timeout 1 --json
doc console.noprompt "$M" console -q --exec "$PY $FAKE modern" --interrupt x --window 2 --wait 3 --json
doc netboot.fail "$M" netboot --exec "$PY $FAKE modern" --image "$S" --bind 127.0.0.1 --port $((20000 + RANDOM % 20000)) --wait 3 --window 2 --no-boot --json
doc netboot.serialfail "$M" netboot --via serial --exec "$PY $FAKE modern" --image "$S" --loadaddr 0x80a00000 --wait 3 --window 2 --no-boot --json
# collect --paste: the lines for a device shell, of a real program (mtdscope's own binary)
doc collect.paste "$M" collect --paste "$M" -o "$w/paste.sh" --json
# netboot --via serial --write into the scripted SPI-flash U-Boot of tests/serial
echo 'mtdparts=spi0.0:64k(u-boot)ro,64k(u-boot-env)ro,64k(factory)ro,448k(kernel),384k(rootfs)' >"$w/sf-layout.txt"
head -c 1048576 "$S" >"$w/sf-new.bin"
head -c 1048576 /dev/zero >"$w/sf-old.bin"
doc netboot.write "$M" netboot --via serial --write --layout "$w/sf-layout.txt" --image "$w/sf-new.bin" --json \
	--exec "$PY $SRCDIR/tests/serial/fake_sf_uboot.py $w/sf-old.bin $w/sf-flash.bin"
# netboot --via serial into a real U-Boot (u-boot-qemu qemu_arm64), when QEMU is there
UB64=/usr/lib/u-boot/qemu_arm64/u-boot.bin
if command -v qemu-system-aarch64 >/dev/null && [ -r "$UB64" ]; then
	head -c 100000 "$S" >"$w/serial.bin"
	doc netboot.serial "$M" netboot --via serial --protocol kermit --no-boot --json --image "$w/serial.bin" \
		--exec "qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256 -nographic -monitor none -nic none -bios $UB64"
fi
# serve: a real transfer over loopback on a free port
if command -v tftp >/dev/null; then
	mkdir -p "$w/tftp" && head -c 100000 "$S" >"$w/tftp/fw.bin"
	port=$((20000 + RANDOM % 20000))
	"$M" serve --bind 127.0.0.1 --port "$port" --once --json "$w/tftp" >"$w/serve.out" 2>"$w/serve.err" &
	sp=$!
	sleep 1
	(cd "$w" && tftp -m binary 127.0.0.1 "$port" -c get fw.bin got.bin >/dev/null 2>&1)
	(cd "$w" && tftp -m binary 127.0.0.1 "$port" -c get missing.bin >/dev/null 2>&1)
	sleep 1
	kill "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
	doc serve.get cat "$w/serve.out"
fi
rm -rf "$w"
