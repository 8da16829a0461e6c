#!/usr/bin/env bash
# Untrusted text never reaches the terminal raw (issue 10, item 3): environment values,
# names inside images, layout names, file names and a device's console bytes are shown
# with visible escapes (include/mtdscope/text.h), and --json keeps the exact values.
# Fixtures: mkenvimage, mkimage and dtc from Debian; the hostile console is a script.
. "$SRCDIR/tests/lib.sh"
need mkenvimage python3
PY=$(command -v python3)

# no_raw FILE: exit 0 when FILE holds no control byte but newline (no ESC, CR, NUL, DEL, C1)
cat > "$T/noraw.py" <<'PYEOF'
import sys
b = open(sys.argv[1], 'rb').read()
bad = [i for i, c in enumerate(b) if (c < 0x20 and c != 0x0a) or c == 0x7f]
t = b.decode('utf-8', 'replace')
bad += [i for i, ch in enumerate(t) if 0x80 <= ord(ch) <= 0x9f or ord(ch) in
        (0x61c, 0x200e, 0x200f, 0x2028, 0x2029) or 0x202a <= ord(ch) <= 0x202e or 0x2066 <= ord(ch) <= 0x2069]
if bad:
    print("raw control at", bad[:5], repr(b[max(0, bad[0] - 20):bad[0] + 20]))
    sys.exit(1)
PYEOF
no_raw() { "$PY" "$T/noraw.py" "$1"; }

# 1. env: a value holding a newline (mkenvimage keeps "\<newline>" as a newline in the value)
printf 'foo=1\\\nbootcmd=tftp evil.bin\nbootdelay=3\n' > "$T/env1.txt"
mkenvimage -s 0x1000 -o "$T/env1.bin" "$T/env1.txt"
"$MTDSCOPE" env "$T/env1.bin" > "$T/o1" 2>&1
is "$?" 0 "env of a value with a newline exits 0"
is "$(grep -vc '^#' "$T/o1")" 2 "env shows two variables, not three"
is "$(grep -c '^bootcmd=' "$T/o1")" 0 "no line starts bootcmd= (the newline is not a line break)"
like "$(cat "$T/o1")" '^foo=1\\nbootcmd=tftp evil\.bin$' "the newline shows as a visible \\n"
"$MTDSCOPE" env --json "$T/env1.bin" > "$T/j1"
is "$("$PY" -c 'import json,sys; print(repr(json.load(open(sys.argv[1]))["vars"]["foo"]))' "$T/j1")" \
	"'1\\nbootcmd=tftp evil.bin'" "env --json keeps the exact value"

# 2. scan of an env whose bootcmd holds ESC[31m, a bidi override and a C1 CSI
printf 'bootcmd=run \033[31mboot\nbootargs=console=ttyS0 \342\200\256nib.live\nver=\302\2332J\nbootdelay=1\n' > "$T/env2.txt"
mkenvimage -s 0x2000 -o "$T/env2.bin" "$T/env2.txt"
"$MTDSCOPE" scan "$T/env2.bin" > "$T/o2" 2>&1
is "$?" 0 "scan of the hostile env exits 0"
like "$(cat "$T/o2")" 'bootcmd="run \\x1b\[31mboot"' "scan shows ESC[31m as \\x1b[31m"
check "scan text holds no raw control or bidi character" no_raw "$T/o2"
"$MTDSCOPE" env "$T/env2.bin" > "$T/o3" 2>&1
like "$(cat "$T/o3")" 'bootargs=console=ttyS0 \\u202enib\.live' "env shows U+202E as \\u202e"
like "$(cat "$T/o3")" 'ver=\\u009b2J' "env shows the C1 CSI as \\u009b"
check "env text holds no raw control or bidi character" no_raw "$T/o3"
"$MTDSCOPE" scan --json "$T/env2.bin" > "$T/j2"
is "$("$PY" -c '
import json,sys
d = json.load(open(sys.argv[1]))
print(repr([x["details"]["bootcmd"] for x in d["components"] if x["type"] == "uboot-env"][0]))' "$T/j2")" \
	"'run \\x1b[31mboot'" "scan --json keeps the ESC byte exactly (as \\u001b)"

# 3. names inside images: a uImage name and a device-tree string with escapes
if command -v mkimage >/dev/null; then
	head -c 3000 /dev/urandom > "$T/k"
	mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "$(printf 'evil\033]0;pwned\007')" \
		-d "$T/k" "$T/uimg" >/dev/null
	"$MTDSCOPE" scan "$T/uimg" > "$T/o4" 2>&1
	# (the uImage probe already turns control bytes of the name into '?'; either way none is raw)
	like "$(cat "$T/o4")" 'evil(\\x1b|\?)\]0;pwned(\\x07|\?)' "a uImage name with an OSC title sequence is shown defused"
	check "uImage scan holds no raw control" no_raw "$T/o4"
else
	ok 0 "# SKIP mkimage not installed"
fi
if command -v dtc >/dev/null; then
	printf '/dts-v1/;\n/ { compatible = "acme\\x1b[2J,router"; model = "line1\\nline2"; };\n' > "$T/t.dts"
	dtc -I dts -O dtb -o "$T/t.dtb" "$T/t.dts" 2>/dev/null
	"$MTDSCOPE" scan "$T/t.dtb" > "$T/o5" 2>&1
	check "device-tree strings holding ESC and a newline are shown escaped" no_raw "$T/o5"
else
	ok 0 "# SKIP dtc not installed"
fi

# 4. a layout (/proc/mtd) whose names hold escapes and a newline-like sequence
printf 'dev:    size   erasesize  name\nmtd0: 00030000 00010000 "u-boot\033[8m"\nmtd1: 00010000 00010000 "conf\302\205ig"\nmtd2: 007c0000 00010000 "firm\342\200\256ware"\n' > "$T/mtd"
"$MTDSCOPE" layout "$T/mtd" > "$T/o6" 2>&1
like "$(cat "$T/o6")" 'u-boot(\\x1b|\?)\[8m' "layout shows a name's ESC defused (parser: '?', renderer: \\x1b)"
like "$(cat "$T/o6")" 'firm\\u202eware' "layout shows U+202E in a name as \\u202e"
check "layout text holds no raw control or bidi character" no_raw "$T/o6"

# 5. file names given by the user are shown escaped, and a message stays one line
nl=$(printf 'dump\nmtdscope: all good\033[2K.bin')
cp "$T/env2.bin" "$T/$nl"
"$MTDSCOPE" scan "$T/$nl" > "$T/o7" 2>&1
check "a file name with a newline and ESC is escaped in scan" no_raw "$T/o7"
is "$(grep -c '^mtdscope: all good' "$T/o7")" 0 "the file name cannot forge a line of its own"
"$MTDSCOPE" scan "$T/missing$nl" > "$T/o8" 2>&1
is "$?" 1 "a missing file fails"
is "$(wc -l < "$T/o8")" 1 "the error about it is one line"
check "the error holds no raw control" no_raw "$T/o8"

# 6. console: a hostile device that never shows a prompt; the failure summary shows its bytes escaped
cat > "$T/dev.py" <<'PYEOF'
import sys, time
w = sys.stdout.buffer
w.write(b"U-Boot 1.1.3\r\n\x1b[2J\x1b]0;owned\x07clear screen\r\n\xc2\x9b31m C1 \xe2\x80\xae rlo\r\n\x9b bad byte\r\n")
w.flush()
time.sleep(3)
PYEOF
"$MTDSCOPE" console --exec "$PY $T/dev.py" --window 1 -c version > "$T/o9" 2>&1
is "$?" 1 "console without a prompt fails"
like "$(cat "$T/o9")" "last lines" "the failure summary shows the console's last lines"
like "$(cat "$T/o9")" '\\x1b\[2J\\x1b\]0;owned\\x07clear screen' "device ESC and BEL bytes are shown as escapes"
check "console output (live view and summary) holds no raw control or bidi character" no_raw "$T/o9"
done_testing
