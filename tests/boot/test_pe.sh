#!/usr/bin/env bash
# PE/COFF (EFI applications): made by binutils' objcopy -O pei-x86-64 (how gnu-efi and U-Boot's own
# EFI apps are linked), compared with objdump -h / objdump -p: extent, sections, machine, subsystem.
. "$SRCDIR/tests/lib.sh"
need gcc ld objcopy objdump jq
objdump -i 2>/dev/null | grep -q pei-x86-64 || skip_all "binutils without the pei-x86-64 target"

cat > "$T/app.c" <<'C'
static const char banner[] = "mtdscope test EFI application";
int efi_main(void *image, void *systab) { return (int)sizeof(banner) + (image != systab); }
C
gcc -c -O2 -fpic -fno-stack-protector -o "$T/app.o" "$T/app.c"
ld -shared -Bsymbolic -nostdlib -e efi_main -o "$T/app.so" "$T/app.o"
for sub in 10 11 12; do
	objcopy -j .text -j .rodata -j .data -j .dynamic -j .rela -O pei-x86-64 --subsystem=$sub "$T/app.so" "$T/app$sub.efi"
done
head -c 3000 /dev/urandom > "$T/junk"
first() { "$MTDSCOPE" scan --json "$1" | jq -c '[.components[] | select(.type == "pe" and .space == null)][0]'; }

for sub in 10 11 12; do
	f="$T/app$sub.efi"
	size=$(stat -c %s "$f")
	{ cat "$T/junk"; head -c 1096 /dev/zero; cat "$f"; head -c 3000 /dev/zero | tr '\0' '\377'; } > "$T/blob"
	c=$(first "$T/blob")
	is "$(jq -r '"\(.offset) \(.size) \(.valid)"' <<<"$c")" "4096 $size true" "pe subsystem $sub: exact extent (the whole objcopy output)"
	is "$(jq -r '.details.sections | join(" ")' <<<"$c")" "$(objdump -h "$f" | awk '$1 ~ /^[0-9]+$/ { printf "%s%s", s, $2; s = " " }')" \
		"pe subsystem $sub: sections = objdump -h"
	want=$(objdump -p "$f" | sed -n 's/^Subsystem.*(\(.*\))$/\1/p' | tr 'A-Z ' 'a-z-')
	is "$(jq -r '.details.subsystem' <<<"$c")" "$want" "pe subsystem $sub: subsystem = objdump -p"
	is "$(jq -r '"\(.details.machine) \(.details.format)"' <<<"$c")" "x86-64 PE32+" "pe subsystem $sub: machine and format"
done
n=$(stat -c %s "$T/app10.efi")
head -c $((n - 100)) "$T/app10.efi" > "$T/cut.efi"
c=$(first "$T/cut.efi")
is "$(jq -r '"\(.size) \(.valid) \(.problems[0] | test("truncated"))"' <<<"$c")" "$((n - 100)) false true" "pe cut: clamped, truncated"
# MZ alone (a DOS stub, or two bytes in data) is not a PE
{ printf 'MZ'; head -c 4000 /dev/urandom; } > "$T/mz"
is "$("$MTDSCOPE" scan --json "$T/mz" | jq '[.components[] | select(.type == "pe")] | length')" 0 "MZ without PE header: nothing"
# "MZ" and "PE\0\0" by chance: the real header with one field the specification does not allow is no PE
pe_at=$(od -An -tu4 -j 60 -N4 "$T/app10.efi" | tr -d ' ')
put16() { python3 -c "import struct,sys; f=open(sys.argv[1],'r+b'); f.seek(int(sys.argv[2])); f.write(struct.pack('<H', int(sys.argv[3], 0)))" "$@"; }
put32() { python3 -c "import struct,sys; f=open(sys.argv[1],'r+b'); f.seek(int(sys.argv[2])); f.write(struct.pack('<I', int(sys.argv[3], 0)))" "$@"; }
npe() { "$MTDSCOPE" scan --json "$1" | jq '[.components[] | select(.type == "pe")] | length'; }
opt=$((pe_at + 24))
cp "$T/app10.efi" "$T/bad"; put16 "$T/bad" $((pe_at + 4)) 0x1234
is "$(npe "$T/bad")" 0 "machine the specification does not name: no pe"
cp "$T/app10.efi" "$T/bad"; put16 "$T/bad" $((pe_at + 20)) 100
is "$(npe "$T/bad")" 0 "SizeOfOptionalHeader shorter than a PE32+ optional header: no pe"
cp "$T/app10.efi" "$T/bad"; put32 "$T/bad" $((opt + 108)) 40
is "$(npe "$T/bad")" 0 "NumberOfRvaAndSizes 40: no pe"
cp "$T/app10.efi" "$T/bad"; put32 "$T/bad" $((opt + 36)) 0x300
is "$(npe "$T/bad")" 0 "FileAlignment not a power of two: no pe"
cp "$T/app10.efi" "$T/bad"; put32 "$T/bad" $((opt + 56)) 0x100
is "$(npe "$T/bad")" 0 "SizeOfImage smaller than the headers and sections: no pe"
cp "$T/app10.efi" "$T/bad"; put32 "$T/bad" $((opt + 60)) 0x40
is "$(npe "$T/bad")" 0 "SizeOfHeaders not covering the section table: no pe"

done_testing
