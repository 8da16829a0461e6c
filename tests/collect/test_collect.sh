#!/usr/bin/env bash
# collect (src/collect), built natively, on a device tree made by collect_lib.sh: the bundle's
# layout (doc/collect.md), its SHA256SUMS checked by sha256sum -c, every dump equal to the
# partition it read, the geometry and the PCI/USB lines, --twice on a flash that reads
# differently each time, a device shorter than /proc/mtd says, and the three other ways out:
# standard output, a TCP listener (socat) and TFTP to `mtdscope serve --upload`.
# Environment from tests/collect/meson.build: COLLECT (the native binary), MTDSCOPE.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/collect/collect_lib.sh"
need_tree jq tar sha256sum socat
make_root "$T/root"
sha() { sha256sum "$1" | cut -d' ' -f1; }

"$COLLECT" --root "$T/root" --klog "$KLOG" -o "$T/b.tar" 2>"$T/err"
st=$?
ok $st "collect writes the bundle (exit 0)"
[ $st -eq 0 ] || sed 's/^/#   /' "$T/err"
like "$(tail -1 "$T/err")" "^collect: bundle $T/b.tar: [0-9]+ bytes, sha256 $(sha "$T/b.tar")\$" \
	"its last line gives the bundle's size and SHA-256"
is "$(tar tf "$T/b.tar" | tr '\n' ' ')" "collect/proc/cpuinfo collect/proc/meminfo collect/proc/mtd collect/proc/cmdline collect/dmesg collect/device-tree/model collect/device-tree/compatible collect/lspci collect/lsusb collect/mtd/mtd0ro collect/mtd/mtd1ro collect/mtd/mtd2ro collect/mtd/mtd3ro collect/mtd/mtd4ro collect/mtd/mtd5ro collect/manifest.json collect/SHA256SUMS " \
	"the bundle's members in the documented order"
mkdir "$T/x"
tar xf "$T/b.tar" -C "$T/x"
check "GNU tar reads it and sha256sum -c accepts its SHA256SUMS" sh -c "cd '$T/x/collect' && sha256sum -c --quiet SHA256SUMS"
is "$(wc -l <"$T/x/collect/SHA256SUMS")" 16 "SHA256SUMS names every member but itself"
for i in 0 1 2 3 4 5; do
	cmp -s "$T/x/collect/mtd/mtd${i}ro" "$T/root/dev/mtd${i}ro"
	ok $? "mtd${i}ro in the bundle equals the device's bytes"
done
cmp -s "$T/x/collect/proc/cpuinfo" "$T/root/proc/cpuinfo"
ok $? "proc/cpuinfo copied byte for byte"
cmp -s "$T/x/collect/dmesg" "$KLOG"
ok $? "the kernel log from --klog"
is "$(cat "$T/x/collect/device-tree/compatible")" "$(printf 'kingston,mlwg3\nmediatek,mt7628an-soc')" \
	"device-tree/compatible: one string a line"
is "$(cat "$T/x/collect/lspci")" "$(printf '00:00.0 PCI bridge [0604]: Device [14c3:0801]\n01:00.0 Network controller [0280]: Device [14c3:7603]')" \
	"lspci: lspci -nn's lines from sysfs"
is "$(cat "$T/x/collect/lsusb")" "Bus 001 Device 002: ID 2c7c:0125 Quectel EC25" "lsusb: lsusb's line from sysfs (interfaces left out)"
m=$T/x/collect/manifest.json
check "manifest.json is JSON" jq -e . "$m"
is "$(jq -r .schema "$m")" "mtdscope.collect-manifest/1" "manifest schema mtdscope.collect-manifest/1"
is "$(jq -r '[.mtd[] | "\(.index):\(.name):\(.size):\(.erasesize):\(.geometry_from)"] | join(" ")' "$m")" \
	"0:Bootloader:196608:65536:sysfs 1:Config:65536:65536:proc-mtd 2:Factory:65536:65536:proc-mtd 3:KernelA:8060928:65536:proc-mtd 4:KernelB:8060928:65536:proc-mtd 5:User_CFG:327680:65536:proc-mtd" \
	"manifest: each MTD device's index, name, size, erase size and where they came from"
is "$(jq -r '.mtd[0].type' "$m")" nor "mtd0's type from sysfs"
is "$(jq -r '[.mtd[] | .sha256] | join(" ")' "$m")" \
	"$(for i in 0 1 2 3 4 5; do sha "$T/root/dev/mtd${i}ro"; done | tr '\n' ' ' | sed 's/ $//')" \
	"manifest: each dump's SHA-256 equals sha256sum's of the device"
is "$(jq -r '[.files[] | select(.name == "proc/mtd") | .sha256] | .[0]' "$m")" "$(sha "$T/root/proc/mtd")" \
	"manifest: each file's SHA-256"
is "$(jq -r '.notes | length' "$m")" 2 "manifest notes what was missing (/proc/version, /proc/partitions)"

# --twice: equal reads say so; a flash that reads differently (here /dev/urandom) is reported
"$COLLECT" --root "$T/root" --klog "$KLOG" --twice -o "$T/t.tar" 2>"$T/err"
ok $? "--twice on a stable flash: exit 0"
is "$(tar xOf "$T/t.tar" collect/manifest.json | jq -r '[.mtd[] | .stable] | unique | join(",")')" true \
	"--twice: every partition stable, sha256_second recorded"
cp -a "$T/root" "$T/flaky"
rm "$T/flaky/dev/mtd2ro"
ln -s /dev/urandom "$T/flaky/dev/mtd2ro"
"$COLLECT" --root "$T/flaky" --klog "$KLOG" --twice -q -o "$T/f.tar" 2>"$T/err"
is "$?" 1 "--twice on a flash that reads differently: exit 1"
like "$(cat "$T/err")" "mtd2 Factory: the two reads differ" "and it names the partition"
is "$(tar xOf "$T/f.tar" collect/manifest.json | jq -r '[.mtd[] | select(.stable == false) | .index] | join(",")')" 2 \
	"the manifest marks mtd2 unstable"
# a device shorter than its size: the tar stays whole, 0xff fill, exit 1, bytes_read says it
truncate -s 4096 "$T/flaky/dev/mtd5ro"
"$COLLECT" --root "$T/flaky" --klog "$KLOG" -q -o "$T/s.tar" 2>"$T/err"
is "$?" 1 "a short device: exit 1"
like "$(cat "$T/err")" "mtd5 User_CFG: the device ended after 4096 of 327680 bytes" "and one line says where it ended"
is "$(tar xOf "$T/s.tar" collect/manifest.json | jq -r '.mtd[5].bytes_read')" 4096 "bytes_read 4096 in the manifest"
is "$(tar xOf "$T/s.tar" collect/mtd/mtd5ro | wc -c)" 327680 "the member still has the promised size"

# standard output, TCP, TFTP
"$COLLECT" --root "$T/root" --klog "$KLOG" -q -o - >"$T/o.tar" 2>"$T/err"
ok $? "-o - writes the bundle to standard output"
is "$(tar xOf "$T/o.tar" collect/mtd/mtd3ro | sha256sum | cut -d' ' -f1)" "$(sha "$T/root/dev/mtd3ro")" "and it holds the same dumps"
socat -u TCP-LISTEN:0,bind=127.0.0.1,reuseaddr OPEN:"$T/tcp.tar",creat,trunc 2>"$T/socat.err" &
spid=$!
port=
for _ in $(seq 50); do
	port=$(ss -ltnp 2>/dev/null | grep "pid=$spid," | grep -oE '127.0.0.1:[0-9]+' | cut -d: -f2 | head -1)
	[ -n "$port" ] && break
	sleep 0.1
done
"$COLLECT" --root "$T/root" --klog "$KLOG" -q --tcp "127.0.0.1:${port:-1}" 2>"$T/err"
ok $? "--tcp streams the bundle to a listener"
wait $spid
is "$(tar xOf "$T/tcp.tar" collect/mtd/mtd3ro 2>/dev/null | sha256sum | cut -d' ' -f1)" "$(sha "$T/root/dev/mtd3ro")" \
	"the listener's copy holds the dumps"
. "$SRCDIR/tests/net/net_lib.sh"
mkdir -p "$T/srv" "$T/up"
serve_start "$T/srv" --upload "$T/up" --upload-max 64M -q
"$COLLECT" --root "$T/root" --klog "$KLOG" -q --tftp "127.0.0.1:$PORT" --name dev1.tar 2>"$T/err"
st=$?
ok $st "--tftp uploads the bundle to mtdscope serve --upload"
[ $st -eq 0 ] || sed 's/^/#   /' "$T/err" "$LOG"
serve_stop
like "$(cat "$T/err")" "^collect: bundle dev1.tar: [0-9]+ bytes, sha256 $(sha "$T/up/dev1.tar" 2>/dev/null)" \
	"the uploaded file's SHA-256 is the one collect printed"
"$COLLECT" --root "$T/root" -q --tftp "127.0.0.1:1" --name x.tar 2>"$T/err" &
cpid=$!
is "$(tar xOf "$T/up/dev1.tar" collect/mtd/mtd4ro 2>/dev/null | sha256sum | cut -d' ' -f1)" "$(sha "$T/root/dev/mtd4ro")" \
	"the uploaded bundle holds the dumps"
wait $cpid
is "$?" 1 "--tftp to a port nobody answers: exit 1"
is "$(tail -1 "$T/err")" "collect: tftp: no answer from the server" "with one line saying so"
# The host takes the bundle directly: verify (against the bundle's own /proc/mtd), report, assess, scan
"$MTDSCOPE" verify "$T/b.tar" >"$T/v.out" 2>"$T/v.err"
ok $? "mtdscope verify BUNDLE: the backup verifies (exit 0)"
like "$(cat "$T/v.err")" "^mtdscope verify: $T/b.tar: a collect bundle, every member equal to its SHA256SUMS; its dumps against its own /proc/mtd\$" \
	"and says it checked the bundle's SHA256SUMS"
like "$(cat "$T/v.out")" "3 +KernelA +$T/b.tar:mtd/mtd3ro +0x007b0000 ok .*uimage 'collect test'" "the dumps are named as members of the bundle"
is "$("$MTDSCOPE" verify --json "$T/b.tar" 2>/dev/null | jq -r '[.partitions[] | .sha256] | join(" ")')" \
	"$(for i in 0 1 2 3 4 5; do sha "$T/root/dev/mtd${i}ro"; done | tr '\n' ' ' | sed 's/ $//')" \
	"verify --json: every partition's SHA-256 is the device's"
is "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'mtdscope-bundle.*' -newer "$T/b.tar" 2>/dev/null | wc -l)" 0 \
	"no temporary copy left behind"
"$MTDSCOPE" verify --layout "$T/root/proc/mtd" --json "$T/b.tar" >"$T/v2.json" 2>/dev/null
is "$(jq -r .ok "$T/v2.json")" true "verify --layout L BUNDLE uses the layout given"
"$MTDSCOPE" report --json "$T/b.tar" >"$T/r.json" 2>"$T/r.err"
ok $? "mtdscope report BUNDLE"
is "$(jq -r '.profile.soc.value // .profile.soc // empty' "$T/r.json" 2>/dev/null | head -1 | cut -c1-6)" MT7628 "report: the SoC from the bundle's cpuinfo"
like "$("$MTDSCOPE" report "$T/b.tar" 2>&1)" "b.tar:lspci:2 +01:00.0 Network controller \[0280\]: Device \[14c3:7603\]" \
	"report: the radio from collect's lspci lines, named BUNDLE:lspci"
like "$("$MTDSCOPE" report "$T/b.tar" 2>&1)" "2c7c:0125 Quectel EC25" "report: the USB modem from collect's lsusb"
like "$("$MTDSCOPE" assess "$T/b.tar" 2>&1 | head -1)" "^POSSIBLE PORT" "mtdscope assess BUNDLE: the verdict"
is "$("$MTDSCOPE" scan --json "$T/b.tar" | jq -r '[.components[] | .type] | map(select(. == "uimage" or . == "squashfs" or . == "tar")) | join(" ")')" \
	"tar uimage squashfs uimage" "mtdscope scan BUNDLE: the tar and the uImages and squashfs inside its dumps"
# a damaged bundle is refused with one line naming the file, the offset and what was expected
cp "$T/b.tar" "$T/bad.tar"
off=$(( $(tar tvf "$T/b.tar" --block-number | grep 'collect/mtd/mtd3ro' | sed 's/^block \([0-9]*\):.*/\1/') * 512 + 512 + 70000 ))
printf 'X' | dd of="$T/bad.tar" bs=1 seek=$off conv=notrunc 2>/dev/null
"$MTDSCOPE" verify "$T/bad.tar" >/dev/null 2>"$T/bad.err"
is "$?" 1 "a byte changed in a dump: verify fails"
like "$(cat "$T/bad.err")" "^mtdscope: $T/bad.tar: offset 0x[0-9a-f]+: collect/mtd/mtd3ro: its SHA-256 is not the one SHA256SUMS gives \(damaged\)\$" \
	"one line naming the member"
is "$(wc -l <"$T/bad.err")" 1 "one line only"
head -c 1000000 "$T/b.tar" >"$T/cut.tar"
"$MTDSCOPE" verify "$T/cut.tar" >/dev/null 2>"$T/cut.err"
is "$?" 1 "a bundle cut short: verify fails"
like "$(cat "$T/cut.err")" "^mtdscope: $T/cut.tar: offset 0x[0-9a-f]+: the member runs past the end of the file \(cut short\?\)\$" \
	"and says where"
mkdir -p "$T/evil/collect"
echo x >"$T/evil/collect/a"
(cd "$T/evil" && tar --format=ustar --transform 's,^collect/a$,collect/../../etc/x,' -cf "$T/evil.tar" collect/a)
"$MTDSCOPE" verify "$T/evil.tar" >/dev/null 2>"$T/evil.err"
is "$?" 1 "a member named collect/../../etc/x: refused"
like "$(cat "$T/evil.err")" "expected a regular file named collect/" "before anything is written"
"$MTDSCOPE" report "$T/bad.tar" >/dev/null 2>&1
is "$?" 1 "report refuses the damaged bundle too"

# usage
"$COLLECT" --root "$T/root" 2>"$T/err"
is "$?" 2 "no destination: usage error (exit 2)"
"$COLLECT" --help | grep -q -- '--twice'
ok $? "--help names --twice"
done_testing
