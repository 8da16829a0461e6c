#!/usr/bin/env bash
# U-Boot environments made by mkenvimage (single and -r redundant, several
# sizes), read by the scan probe and by `env`, compared key by key with
# fw_printenv on the same bytes; `env --set/--unset` compared byte for byte
# with the same edit done by fw_setenv.
. "$SRCDIR/tests/lib.sh"
need mkenvimage fw_printenv fw_setenv jq cmp sha256sum

# libubootenv 0.3.2 builds the new environment in a malloc()ed buffer it never
# clears (libuboot_env_store), so the padding after the variables, which the
# CRC covers, is whatever the heap held (meson also sets MALLOC_PERTURB_).
# Run it with fresh zeroed pages (mmap for every allocation, no perturbing):
# then its padding is the 0x00 that U-Boot's own saveenv writes.
fw_setenv() { MALLOC_PERTURB_=0 MALLOC_MMAP_THRESHOLD_=0 command fw_setenv "$@"; }

cat > "$T/env.txt" <<'EOF'
bootcmd=tftpboot 0x80100000 openwrt.bin; bootm 0x80100000
bootargs=console=ttyS0,57600 rootfstype=squashfs,jffs2
baudrate=57600
bootdelay=3
ipaddr=192.168.1.1
serverip=192.168.1.2
ethaddr=00:0c:43:76:28:01
Zone=upper case sorts first
with_equals=a=b=c
EOF

ours() { # FILE [env options]: name=value lines as `env --json` sees them
	local f=$1; shift
	"$MTDSCOPE" env --json "$@" "$f" | jq -r '(.env // .) | .vars | to_entries[] | "\(.key)=\(.value)"' | sort
}
theirs() { # CONFIG
	fw_printenv -c "$1" | sort
}

# single environments, several sizes
for size in 0x1000 0x2000 0x4000 0x10000 0x20000; do
	mkenvimage -s $size -o "$T/e$size.bin" "$T/env.txt"
	echo "$T/e$size.bin 0x0 $size" > "$T/c$size"
	is "$(ours "$T/e$size.bin")" "$(theirs "$T/c$size")" "single $size: env equals fw_printenv"
	js=$("$MTDSCOPE" scan --json "$T/e$size.bin")
	is "$(printf '%s' "$js" | jq -r '.components[0] | "\(.type) \(.size) \(.valid) \(.details.redundant)"')" \
		"uboot-env $((size)) true false" "single $size: scan type, size, CRC"
done
js=$("$MTDSCOPE" scan --json "$T/e0x1000.bin")
is "$(printf '%s' "$js" | jq -r '.components[0].details | "\(.bootcmd)|\(.ipaddr)|\(.serverip)"')" \
	"tftpboot 0x80100000 openwrt.bin; bootm 0x80100000|192.168.1.1|192.168.1.2" "scan details bootcmd/ipaddr/serverip"

# redundant: mkenvimage -r copy + an erased second copy, as fw_env.config describes it
for size in 0x1000 0x8000 0x20000; do
	mkenvimage -r -s $size -o "$T/r.bin" "$T/env.txt"
	{ cat "$T/r.bin"; head -c $((size)) /dev/zero | tr '\0' '\377'; } > "$T/p$size.bin"
	printf '%s 0x0 %s\n%s %s %s\n' "$T/p$size.bin" $size "$T/p$size.bin" $size $size > "$T/pc$size"
	is "$(ours "$T/p$size.bin")" "$(theirs "$T/pc$size")" "redundant $size: env equals fw_printenv"
	js=$("$MTDSCOPE" scan --json "$T/p$size.bin")
	is "$(printf '%s' "$js" | jq -r '.components[0] | "\(.type) \(.size) \(.valid) \(.details.redundant) \(.details.flag)"')" \
		"uboot-env $((size)) true true 1" "redundant $size: scan type, size, flag"
done

# an environment inside a whole flash image, found by scanning
head -c $((1 << 20)) /dev/zero | tr '\0' '\377' > "$T/img.bin"
dd if="$T/e0x10000.bin" of="$T/img.bin" bs=1 seek=$((0x50000)) conv=notrunc status=none
js=$("$MTDSCOPE" scan --json "$T/img.bin")
is "$(printf '%s' "$js" | jq -r '[.components[] | select(.type == "uboot-env")][0] | "\(.offset) \(.size)"')" \
	"$((0x50000)) $((0x10000))" "env found at 0x50000 in an image"
is "$(ours "$T/img.bin")" "$(theirs "$T/c0x10000")" "env IMAGE equals fw_printenv of the partition"
echo 'mtdparts=spi0.0:320k(u-boot),64k(u-boot-env),-(firmware)' > "$T/mtdparts"
is "$(ours "$T/img.bin" --layout "$T/mtdparts")" "$(theirs "$T/c0x10000")" "env --layout (mtdparts=) equals fw_printenv"

# edits: the same change by fw_setenv and by env --set/--unset, byte for byte
for size in 0x1000 0x4000 0x20000; do
	cp "$T/e$size.bin" "$T/fw.bin"
	echo "$T/fw.bin 0x0 $size" > "$T/fwc"
	fw_setenv -c "$T/fwc" newvar "hello world" && fw_setenv -c "$T/fwc" bootdelay
	before=$(sha256sum < "$T/e$size.bin")
	"$MTDSCOPE" env "$T/e$size.bin" --set "newvar=hello world" --unset bootdelay -o "$T/ours.bin" 2>/dev/null
	check "single $size: --set/--unset equals fw_setenv byte for byte" cmp "$T/ours.bin" "$T/fw.bin"
	is "$(sha256sum < "$T/e$size.bin")" "$before" "single $size: input untouched"
	echo "$T/ours.bin 0x0 $size" > "$T/oc"
	is "$(fw_printenv -c "$T/oc" newvar)" "newvar=hello world" "single $size: fw_printenv reads our output"
done
# edit inside the image: only the environment's bytes change
"$MTDSCOPE" env "$T/img.bin" --set ipaddr=10.0.0.1 -o "$T/img2.bin" 2>/dev/null
n=$(cmp -l "$T/img.bin" "$T/img2.bin" | awk -v lo=$((0x50000)) -v hi=$((0x60000)) '$1-1 < lo || $1-1 >= hi' | wc -l)
is "$n" 0 "edit in an image touches only the environment"
dd if="$T/img2.bin" of="$T/part.bin" bs=65536 skip=5 count=1 status=none
echo "$T/part.bin 0x0 0x10000" > "$T/partc"
is "$(fw_printenv -c "$T/partc" ipaddr)" "ipaddr=10.0.0.1" "fw_printenv reads the edited image's env"

# redundant pair: fw_setenv writes the other copy with flag+1; so do we
size=0x2000
mkenvimage -r -s $size -o "$T/r.bin" "$T/env.txt"
{ cat "$T/r.bin"; head -c $((size)) /dev/zero | tr '\0' '\377'; } > "$T/pair.bin"
cp "$T/pair.bin" "$T/fwpair.bin"
printf '%s 0x0 %s\n%s %s %s\n' "$T/fwpair.bin" $size "$T/fwpair.bin" $size $size > "$T/fwpc"
fw_setenv -c "$T/fwpc" serverip 192.168.1.254
"$MTDSCOPE" env "$T/pair.bin" --redund-offset $size --set serverip=192.168.1.254 -o "$T/ourpair.bin" 2>/dev/null
check "redundant: first edit equals fw_setenv (second copy, flag 2)" cmp "$T/ourpair.bin" "$T/fwpair.bin"
fw_setenv -c "$T/fwpc" ipaddr 192.168.1.20
"$MTDSCOPE" env "$T/ourpair.bin" --set ipaddr=192.168.1.20 -o "$T/ourpair2.bin" 2>/dev/null
check "redundant: second edit equals fw_setenv (first copy, flag 3)" cmp "$T/ourpair2.bin" "$T/fwpair.bin"
js=$("$MTDSCOPE" env --json "$T/ourpair2.bin")
is "$(printf '%s' "$js" | jq -r '"\(.active) \(.copies[0].flag) \(.copies[1].flag)"')" "0 3 2" "pair: active copy and flags"

# damaged CRC: reported invalid with the reason; no rewrite without --force
cp "$T/e0x1000.bin" "$T/bad.bin"
printf 'X' | dd of="$T/bad.bin" bs=1 seek=20 conv=notrunc status=none
err=$("$MTDSCOPE" env "$T/bad.bin" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "damaged env exits 1"
like "$err" "environment invalid: CRC 0x[0-9a-f]{8} stored, 0x[0-9a-f]{8} computed" "damaged env: the reason"
js=$("$MTDSCOPE" scan --json "$T/bad.bin")
is "$(printf '%s' "$js" | jq -r '.components[0] | "\(.type) \(.valid)"')" "uboot-env false" "scan: damaged env invalid"
like "$(printf '%s' "$js" | jq -r '.components[0].problems[0]')" "CRC 0x.* no environment size" "scan: problem names the CRC"
"$MTDSCOPE" env "$T/bad.bin" --set a=b -o "$T/bad2.bin" 2>/dev/null
is "$?:$([ -e "$T/bad2.bin" ] && echo exists)" "1:" "damaged env not rewritten, no output"
"$MTDSCOPE" env "$T/bad.bin" --force --set a=b -o "$T/bad2.bin" 2>/dev/null
echo "$T/bad2.bin 0x0 0x1000" > "$T/b2c"
is "$(fw_printenv -c "$T/b2c" a 2>/dev/null)" "a=b" "--force rewrites with a good CRC"

# usage and refusals
"$MTDSCOPE" env "$T/e0x1000.bin" --set novalue -o "$T/x" 2>/dev/null; is "$?" 2 "--set without '=' is a usage error"
"$MTDSCOPE" env "$T/e0x1000.bin" --set a=b 2>/dev/null; is "$?" 2 "--set without -o is a usage error"
"$MTDSCOPE" env "$T/e0x1000.bin" --set a=b -o "$T/e0x1000.bin" 2>/dev/null; is "$?" 1 "output over the input refused"
head -c 65536 /dev/zero | tr '\0' '\377' > "$T/erased.bin"
err=$("$MTDSCOPE" env "$T/erased.bin" 2>&1); is "$?" 1 "erased: exits 1"
like "$err" "no U-Boot environment found" "erased: says nothing was found"
done_testing
