#!/usr/bin/env bash
# netboot --via serial --write: the steps of 'mtdscope plan --via uboot' run at a U-Boot prompt,
# each partition sent by YMODEM (loady), checked by crc32, erased, written, read back and checked.
# The U-Boot with an SPI NOR flash is tests/serial/fake_sf_uboot.py (no U-Boot in QEMU can write
# its flash through sf); the flash it ends with is compared with the image, partition by partition.
. "$SRCDIR/tests/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
FAKE="$SRCDIR/tests/serial/fake_sf_uboot.py"
crc() { "$PY" -c 'import sys,zlib; d=open(sys.argv[1],"rb").read()[int(sys.argv[2]):int(sys.argv[3])]; print("%08x" % zlib.crc32(d))' "$@"; }
same() { # A B FROM TO: the byte range equal in both files
	"$PY" -c 'import sys; f,t=int(sys.argv[3]),int(sys.argv[4]); sys.exit(open(sys.argv[1],"rb").read()[f:t] != open(sys.argv[2],"rb").read()[f:t])' "$@"
}
echo 'mtdparts=spi0.0:64k(u-boot)ro,64k(u-boot-env)ro,64k(factory)ro,448k(kernel),384k(rootfs)' >"$T/layout.txt"
head -c 1048576 /dev/urandom >"$T/new.bin"
head -c 1048576 /dev/urandom >"$T/old.bin"
K0=$((192 * 1024)) K1=$((640 * 1024)) R1=$((1024 * 1024))

# 1. Both partitions written; the bootloader, environment and factory partitions untouched.
out=$(timeout 150 "$MTDSCOPE" netboot --via serial --write --layout "$T/layout.txt" --image "$T/new.bin" \
	--exec "$PY $FAKE $T/old.bin $T/flash.bin" --json 2>"$T/err")
rc=$?
is "$rc" 0 "--write: succeeds"
check "--write: kernel and rootfs hold the image's bytes" same "$T/new.bin" "$T/flash.bin" $K0 $R1
check "--write: u-boot, u-boot-env and factory kept as they were" same "$T/old.bin" "$T/flash.bin" 0 $K0
steps=$(printf '%s' "$out" | jq -r '.steps[] | "\(.ok) \(.step) \(.detail)"')
like "$steps" "true plan writes kernel rootfs \(2 partitions, 851968 bytes\)" "--write: the plan names what it writes"
like "$steps" "true estimate YMODEM over the serial line: 856662 bytes on the wire" "--write: the estimate covers both partitions"
like "$steps" "true crc32 kernel: U-Boot's $(crc "$T/new.bin" $K0 $K1) over 0x70000 bytes" "--write: kernel's crc32 checked"
is "$(printf '%s' "$steps" | grep -c "^true crc32 rootfs: U-Boot's $(crc "$T/new.bin" $K1 $R1) ")" 2 \
	"--write: rootfs's crc32 checked after loady and after the read-back"
like "$steps" "true backup crc32 0x70000 bytes .*CRC-32 $(crc "$T/old.bin" $K0 $K1)" "--write: the old kernel's CRC noted first"
like "$steps" "true written kernel rootfs: every crc32 matched.*not saved" "--write: says the backups were not saved"
is "$(printf '%s' "$out" | jq -r '[.transfer.bytes, .transfer.wire_bytes == .transfer.estimated_wire_bytes] | join(" ")')" \
	"851968 true" "--write --json: the transfers' figures"
[ $rc -eq 0 ] || { printf '%s\n' "$steps"; tail -5 "$T/err"; } | sed 's/^/#   /'

# 2. A write that does not read back as sent: stopped at that partition's check.
out=$(timeout 150 "$MTDSCOPE" netboot --via serial --write --layout "$T/layout.txt" --image "$T/new.bin" \
	--exec "$PY $FAKE $T/old.bin $T/flash2.bin --bad-write" 2>&1)
is "$?" 1 "--write, a bad flash write: fails"
like "$out" "FAILED +crc32 +kernel: U-Boot's crc32 of 0x70000 bytes at 0x82000000 is [0-9a-f]{8}, the image's $(crc "$T/new.bin" $K0 $K1): stop here" \
	"--write, a bad flash write: the read-back check stops it"
like "$out" "ok +sf +sf write 0x82000000 0x30000 0x70000" "--write, a bad flash write: after the write it ran"
ok $(printf '%s' "$out" | grep -Eq "(transfer|sf) +(rootfs|sf erase 0xa0000)" && echo 1 || echo 0) "--write, a bad flash write: rootfs never sent nor erased"

# 3. Usage.
"$MTDSCOPE" netboot --via serial --write --exec true --image "$T/new.bin" >/dev/null 2>&1
is "$?" 2 "--write without --layout: a usage error"
"$MTDSCOPE" netboot --write --layout "$T/layout.txt" --exec true --image "$T/new.bin" >/dev/null 2>&1
is "$?" 2 "--write without --via serial: a usage error"
done_testing
