#!/usr/bin/env bash
# The smaller items of issue 10: report DIR reads every entry and never follows a symlink out of
# DIR; every "raise with --X" hint names an option of the command that shows it; a stopped
# decoder says how much it decoded and how much it kept; the system's reason appears once; the
# path given (not a basename) is named; a /proc/mtd entry that cannot be read and a '-64k' size
# are refused with file, line and position.  Bytes: logs and layouts written here, the
# decompression bomb by xz from Debian.
. "$SRCDIR/tests/lib.sh"
need xz
M=$MTDSCOPE

# 1. report DIR: 300 files, and a symlink to a secret outside
mkdir "$T/logs"
for i in $(seq 1 300); do
	printf 'system type             : MediaTek MT7628AN ver:1 eco:2\nline %d\n' "$i" > "$T/logs/log$(printf %03d "$i").txt"
done
echo "SECRET-0123456789" > "$T/secret"
ln -s "$T/secret" "$T/logs/zz-secret.txt"
out=$("$M" report "$T/logs" 2> "$T/err")
is "$?" 0 "report of a directory of 300 logs exits 0"
like "$out" "^300 files, 600 lines" "every one of the 300 files is read (not 256)"
like "$(cat "$T/err")" "zz-secret\.txt: a symlink: skipped" "the symlink is named and skipped"
"$M" report --json "$T/logs" > "$T/j" 2>/dev/null
check "the secret behind the symlink is not read" sh -c "! grep -q SECRET '$T/j' && ! printf '%s' \"\$1\" | grep -q SECRET" _ "$out"
mkdir "$T/onlylink"
ln -s "$T/secret" "$T/onlylink/a.txt"
err=$("$M" report "$T/onlylink" 2>&1 >/dev/null)
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "a directory holding only a symlink: fails"
like "$err" "only symlinks, which are not followed" "and says why"

# 2. every "raise with --X" hint is an option of the commands that show it
hints=$(grep -rhoE 'raise with --[a-z-]+' "$SRCDIR/src/lib/scan" "$SRCDIR/src/lib/formats" | sed 's/raise with //' | sort -u)
scan_help=$("$M" scan --help)
extract_help=$("$M" extract --help)
for h in $hints; do
	like "$scan_help" "^ +$h\b" "scan --help has $h (a hint of the scan)"
	like "$extract_help" "^ +$h\b" "extract --help has $h (extract shows the scan's hints)"
done
for h in $(grep -rhoE 'raise with --[a-z-]+' "$SRCDIR/src/lib/extract" | sed 's/raise with //' | sort -u); do
	like "$extract_help" "^ +$h\b" "extract --help has $h (a hint of the extraction)"
done
like "$hints" "--max-depth" "the scan's nesting hint is among them"

# 3. a stopped decoder says what it decoded and what it kept
head -c 100M /dev/zero | xz -c > "$T/bomb.xz"
out=$("$M" scan "$T/bomb.xz" 2>&1)
like "$out" "decoding stopped after [0-9.]+ MiB decoded \(1 MiB of it kept\)" \
	"an xz bomb: how far decoding went and how much was kept"

# 4. the system's reason once
err=$("$M" serve "$T/no-such-dir" 2>&1)
like "$err" "No such file or directory" "serve of a missing directory says why"
check "and says it once" sh -c "! printf '%s' \"\$1\" | grep -q 'directory: No such file or directory: No such'" _ "$err"
err=$("$M" console --line "$T/no-such-tty" 2>&1)
is "$(printf '%s' "$err" | grep -o 'No such file or directory' | wc -l)" 1 "console --line of a missing device: the reason once"

# 5. /proc/mtd and mtdparts mistakes: refused with the path given, the line and the position
mkdir -p "$T/sub"
printf 'dev:    size   erasesize  name\nmtd0: 00030000 00010000 "u-boot"\nmtd1: 1ffffffffffffffffff 00010000 "big"\nmtd2: 00010000 00010000 "x"\n' > "$T/sub/pm.txt"
err=$("$M" layout "$T/sub/pm.txt" 2>&1 >/dev/null)
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "a /proc/mtd entry with a 19-digit size: refused (dropping it would shift every offset after it)"
like "$err" "$T/sub/pm\.txt: line 3: mtd1: the size is not a hex number" "named by the path given, line and why"
printf 'dev:    size   erasesize  name\nmtd0: 00030000 00010000 "u-boot"\nmtd1: 0fffffffffffff 00010000 "big"\n' > "$T/sub/pm2.txt"
err=$("$M" layout "$T/sub/pm2.txt" 2>&1 >/dev/null)
like "$err" "pm2\.txt: line 3: mtd1: size 0xfffffffffffff .* out of range" "an absurd size: line and the size"
echo 'mtdparts=spi0.0:192k(u-boot),-64k(a)' > "$T/mp.txt"
err=$("$M" layout --flash-size 4M "$T/mp.txt" 2>&1 >/dev/null)
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "-64k(a) is refused (not a size-0 partition)"
like "$err" "mp\.txt: offset 0x1e: line 1: '-' \(the rest of the chip\) followed by a size" "with the position"
echo 'mtdparts=spi0.0:192k(u-boot)junk,-(a)' > "$T/mp2.txt"
err=$("$M" layout --flash-size 4M "$T/mp2.txt" 2>&1 >/dev/null)
like "$err" "unexpected 'j' after partition 'u-boot'" "trailing text after a partition is refused"
echo 'mtdparts=spi0.0:192k(u-boot),64k(art)ro,-(firmware)' > "$T/mp3.txt"
"$M" layout --flash-size 4M "$T/mp3.txt" > /dev/null
is "$?" 0 "a good mtdparts line still loads"

done_testing
