#!/usr/bin/env bash
# /proc/device-tree/model and compatible as files (collect's bundle members device-tree/model and
# device-tree/compatible, or a user's copy): their first string names the board, NUL-terminated as
# the kernel shows them.  Boards are taken from data/openwrt-devices.tsv (OpenWrt's own DTS model and
# compatible strings), the CPU from a real MT7628 /proc/cpuinfo (tests/data/real-logs).
. "$SRCDIR/tests/lib.sh"
need jq awk
cpu=$TESTDATA/real-logs/afoundry-q500-mt7628/cpuinfo.txt
tsv=$SRCDIR/data/openwrt-devices.tsv
# five MT7628AN boards of ramips/mt76x8 with a model and a compatible, spread over the table
mapfile -t rows < <(awk -F'\t' '$1 == "ramips" && $2 == "mt76x8" && $3 == "MT7628AN" && $5 != "-" && $6 != "-" { print $5 "\t" $6 }' "$tsv" |
	awk 'NR % 7 == 1' | head -5)
ok "$([ "${#rows[@]}" -eq 5 ]; echo $?)" "five MT7628AN boards from the device table"
for r in "${rows[@]}"; do
	compat=${r%%$'\t'*} model=${r#*$'\t'}
	d=$T/$compat/device-tree
	mkdir -p "$d"
	printf '%s\0' "$model" >"$d/model"
	printf '%s\0mediatek,mt7628an-soc\0' "$compat" >"$d/compatible"
	j=$("$MTDSCOPE" assess --json "$cpu" "$d/model" "$d/compatible")
	is "$(jq -r .verdict <<<"$j")" supported "$model: supported from device-tree/model + compatible"
	is "$(jq -r .profile.machine.value <<<"$j")" "$model" "$model: machine is the model string"
	is "$(jq -r .profile.compatible.value <<<"$j")" "$compat" "$compat: compatible is its first string"
	is "$(jq -r .profile.machine.source.layer <<<"$j")" devicetree "$model: evidence layer devicetree"
	# the model alone, one a line as collect writes it
	printf '%s\n' "$model" >"$T/$compat/model-only"
	mkdir -p "$T/$compat/m/device-tree" && cp "$T/$compat/model-only" "$T/$compat/m/device-tree/model"
	is "$("$MTDSCOPE" assess --json "$cpu" "$T/$compat/m/device-tree/model" | jq -r .verdict)" supported \
		"$model: the model line alone names it"
done
# a board OpenWrt does not know stays a possible port; a file merely named 'model' is a log
d=$T/foo/device-tree
mkdir -p "$d"
printf 'Foo Bar 9000\0' >"$d/model"
printf 'foo,bar-9000\0mediatek,mt7628an-soc\0' >"$d/compatible"
j=$("$MTDSCOPE" assess --json "$cpu" "$d/model" "$d/compatible")
is "$(jq -r .verdict <<<"$j")" possible-port "an unknown board on a supported SoC: possible-port"
is "$(jq -r .profile.machine.value <<<"$j")" "Foo Bar 9000" "... its model is reported"
printf 'TP-Link Archer C50 v4\n' >"$T/model"
is "$("$MTDSCOPE" assess --json "$cpu" "$T/model" | jq -r '.profile.machine.source.layer // "none"')" none \
	"a file called model outside device-tree/ is not read as one"
# what a user copies with 'cat /proc/device-tree/model >model.txt': NUL-terminated strings under any
# name, in a directory given to assess; a list of vendor,name strings is the compatible list
r=${rows[0]}
compat=${r%%$'\t'*} model=${r#*$'\t'}
u=$T/user-copy
mkdir -p "$u"
cp "$cpu" "$u/cpuinfo.txt"
printf '%s\0' "$model" >"$u/model.txt"
printf '%s\0mediatek,mt7628an-soc\0' "$compat" >"$u/dt-compat"
j=$("$MTDSCOPE" assess --json "$u" 2>"$T/err")
is "$(jq -r .profile.machine.value <<<"$j")" "$model" "a NUL-terminated model.txt in a directory is the model"
is "$(jq -r .profile.compatible.value <<<"$j")" "$compat" "a NUL-separated vendor,name list is the compatible"
is "$(jq -r .verdict <<<"$j")" supported "... and the board is recognised from them"
is "$(cat "$T/err")" "" "neither is refused as binary data"
printf 'Evil\001Board\0' >"$u/blob"
"$MTDSCOPE" report "$u/blob" >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "blob: offset 0x0: expected text" "NUL-terminated bytes with a control byte are not a model"
# hostile: escape bytes in the model reach the terminal escaped
printf 'Evil\033[2J\033]0;x\007 Board\0' >"$d/model"
out=$("$MTDSCOPE" report "$cpu" "$d/model" 2>&1)
ok "$(printf '%s' "$out" | grep -q $'\033\\[2J'; echo $((! $?)))" "an escape sequence in the model is not printed raw"
done_testing
