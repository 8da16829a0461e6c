#!/usr/bin/env bash
# ELF: the real mipsel busybox and mipsel kernel (busybox-static:mipsel and
# linux-image-*-4kc-malta:mipsel, fetched by scripts/setup.sh into sample/debs) and a host
# x86-64 binary, each compared with `readelf -h -l -S`; the extent is checked against the file
# and against readelf's tables.  Then: embedded in a dump, truncated, section headers removed,
# and hostile header edits.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/containers/lib_containers.sh"
need jq readelf dpkg-deb python3

debs=$SRCDIR/sample/debs
elves=()
if ls "$debs"/busybox-static_*_mipsel.deb >/dev/null 2>&1; then
	dpkg-deb -x "$(ls "$debs"/busybox-static_*_mipsel.deb | head -1)" "$T/bb"
	cp "$T/bb/bin/busybox" "$T/busybox-mipsel"
	elves+=("$T/busybox-mipsel")
fi
k=$(ls "$debs"/linux-image-*-4kc-malta_*_mipsel.deb 2>/dev/null | head -1)
if [ -n "$k" ]; then
	dpkg-deb --fsys-tarfile "$k" | tar -x -C "$T" --wildcards './boot/vmlinu*'
	cp "$(ls "$T"/boot/vmlinu* | head -1)" "$T/vmlinuz-mipsel"
	elves+=("$T/vmlinuz-mipsel")
fi
[ ${#elves[@]} -eq 2 ] || echo "# mipsel packages not in $debs (run scripts/setup.sh): host binaries only"
host=$(readlink -f "$MTDSCOPE")
elves+=("$host")

rh() { readelf -h "$1" | sed -n "s/^ *$2: *//p"; }
machine_of() {
	case "$1" in
	"MIPS R3000") echo mips ;; "Advanced Micro Devices X86-64") echo x86-64 ;; "AArch64") echo aarch64 ;;
	ARM) echo arm ;; *) echo "$1" ;;
	esac
}
for f in "${elves[@]}"; do
	n=$(basename "$f")
	scan_json "$f"
	e=$(comp elf 0)
	is "$(field "$e" .valid)" true "$n: valid"
	is "$(field "$e" .size)" "$(stat -c %s "$f")" "$n: extent is the whole file"
	is "$(field "$e" .details.class)" "$(rh "$f" Class)" "$n: class as readelf"
	is "$(field "$e" .details.endian)" "$(rh "$f" Data | sed 's/.*, \([a-z]*\) endian/\1/')" "$n: endianness as readelf"
	is "$(field "$e" .details.machine)" "$(machine_of "$(rh "$f" Machine)")" "$n: machine as readelf"
	is "$(printf '0x%x' "$(field "$e" .details.entry)")" "$(rh "$f" 'Entry point address')" "$n: entry as readelf"
	is "$(printf '0x%x' "$(field "$e" .details.flags)")" "$(rh "$f" Flags | sed 's/,.*//')" "$n: flags as readelf"
	is "$(field "$e" .details.segments)" "$(rh "$f" 'Number of program headers')" "$n: segment count as readelf"
	is "$(field "$e" .details.sections)" "$(rh "$f" 'Number of section headers')" "$n: section count as readelf"
	is "$(field "$e" .details.elf_type)" "$(rh "$f" Type | sed 's/ .*//' | tr A-Z a-z)" "$n: type as readelf"
	want=$(readelf -l -W "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	is "$(field "$e" '.details.interpreter // ""')" "$want" "$n: interpreter as readelf ('$want')"
done

if [ -f "$T/busybox-mipsel" ]; then
	B=$T/busybox-mipsel
	bs=$(stat -c %s "$B")
	# in the middle of a dump, at an odd offset
	{ head -c 4661 /dev/urandom; cat "$B"; head -c 8192 /dev/zero; } >"$T/dump.bin"
	scan_json "$T/dump.bin"
	e=$(comp elf 4661)
	is "$(field "$e" .size)" "$bs" "busybox at an odd offset in a dump: exact extent"
	tiles "$T/dump.bin" "dump tiles"
	# truncated
	head -c 1000000 "$B" >"$T/half"
	scan_json "$T/half"
	e=$(comp elf 0)
	is "$(field "$e" .valid)/$(field "$e" .size)" false/1000000 "truncated busybox: invalid, clamped"
	like "$(field "$e" '.problems[0]')" "truncated" "truncated busybox: the reason"
	# section headers removed (e_shoff = e_shnum = 0): the extent is the furthest segment data
	python3 - "$B" "$T/noshdr" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<I", b, 0x20, 0)        # e_shoff (ELF32)
struct.pack_into("<HHH", b, 0x2e, 40, 0, 0)  # e_shentsize, e_shnum, e_shstrndx
open(sys.argv[2], "wb").write(b)
EOF
	want=$(readelf -l -W "$T/noshdr" | awk '$2 ~ /^0x/ && $5 ~ /^0x/ {print $2, $5}' |
		while read -r o s; do echo $((o + s)); done | sort -n | tail -1)
	scan_json "$T/noshdr"
	e=$(comp elf 0)
	is "$(field "$e" .size)" "$want" "no section headers: extent = furthest segment end per readelf -l ($want)"
	# hostile: section header table 4 GiB away; program header entry size that is not ELF32's
	python3 - "$B" "$T/far" "$T/badph" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
f = bytearray(b); struct.pack_into("<I", f, 0x20, 0xfffffff0); open(sys.argv[2], "wb").write(f)
p = bytearray(b); struct.pack_into("<H", p, 0x2a, 33); open(sys.argv[3], "wb").write(p)
EOF
	scan_json "$T/far"
	e=$(comp elf 0)
	is "$(field "$e" .valid)/$(field "$e" .size)" "false/$bs" "section table 4 GiB away: invalid, clamped to the file"
	scan_json "$T/badph"
	is "$(comp elf 0)" null "program header entry size 33: not taken for ELF"
	tiles "$T/badph" "bad header still tiles"
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - mipsel busybox cases # SKIP busybox-static:mipsel not in $debs"
fi

done_testing
