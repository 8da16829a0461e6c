# Helpers shared by the container tests (sourced after tests/lib.sh).

# scan FILE into $T/scan.json; ok when it exits 0
scan_json() {
	"$MTDSCOPE" scan --json "$1" >"$T/scan.json" 2>"$T/scan.err"
	ok $? "scan --json $(basename "$1") exits 0"
}
# the first component of TYPE (optionally at OFFSET, in the input file's space), compact JSON or "null"
comp() { # TYPE [OFFSET]
	if [ $# -ge 2 ]; then
		jq -c --arg t "$1" --argjson o $(($2)) \
			'[.components[] | select(.type == $t and .offset == $o and .space == null)][0]' "$T/scan.json"
	else
		jq -c --arg t "$1" '[.components[] | select(.type == $t)][0]' "$T/scan.json"
	fi
}
# components of TYPE whose parent is component ID, as compact JSON lines
children() { # ID TYPE
	jq -c --argjson p "$1" --arg t "$2" '.components[] | select(.parent == $p and .type == $t)' "$T/scan.json"
}
field() { printf '%s' "$1" | jq -r "$2"; }
# the sizes of the top-level components add up to the file size
tiles() { # FILE DESCRIPTION
	is "$(jq '[.components[] | select(.parent == null and .space == null) | .size] | add' "$T/scan.json")" \
		"$(stat -c %s "$1")" "$2"
}
# a value from `dumpimage -l` / `mkimage -l` style "Key: value" lines
kv() { # TEXT KEY
	printf '%s\n' "$1" | sed -n "s/^ *$2: *//p" | head -1
}
# little helpers for fixtures built from public specs
pad_to() { # FILE SIZE BYTE(hex, e.g. ff)
	local n=$(($2 - $(stat -c %s "$1")))
	[ "$n" -gt 0 ] && head -c "$n" /dev/zero | tr '\0' "\\$(printf '%03o' $((0x$3)))" >>"$1"
	return 0
}
# Checks on what is found inside an explicit child (FIT image, TRX/TP-Link/multi-file part)
# need a scanner that descends into children: at the time of writing mtd_probe_child_done()'s
# scan is stopped by the "payload is the whole component" guard of mtd_probe_scan_range().
# Until that is fixed the checks are reported as skipped, not hidden.
inside() { # CHILD_ID DESCRIPTION: true when the scanner looked inside the child
	if [ "$(jq --argjson p "$1" '[.components[] | select(.parent == $p)] | length' "$T/scan.json")" -gt 0 ]; then
		return 0
	fi
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $2 # SKIP the scanner does not descend into explicit children yet"
	return 1
}
