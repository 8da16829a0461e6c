#!/usr/bin/env bash
# Printed commands are safe to paste (issue 10, item 2): partition names from a hostile
# /proc/mtd and hostile image file names never reach a command line unquoted.  Shell plans
# are parsed with bash -n and split with python's shlex to check that every token is what
# was meant; U-Boot plans carry no ';' '#' '$' quote or backtick from the input on any line
# (U-Boot 1.1.x splits on ';' even in what looks like a comment).  The flashrom plan is run
# against flashrom's dummy programmer.  netboot refuses what cannot be typed into U-Boot.
. "$SRCDIR/tests/lib.sh"
need python3
cd "$T" || exit 1

# the names of mtd3..mtd6: a command after ';', command substitutions, a quote and a backslash
cat > mtd.txt <<'MTD'
dev:    size   erasesize  name
mtd0: 00030000 00010000 "u-boot"
mtd1: 00010000 00010000 "u-boot-env"
mtd2: 00010000 00010000 "factory"
mtd3: 00720000 00010000 "fw;sf erase 0x0 0x800000"
mtd4: 00040000 00010000 "$(reboot)"
mtd5: 00040000 00010000 "`id` -rf"
mtd6: 00010000 00010000 "it's \"q\""
MTD
img='img;reboot $(touch pwned) `id` '"'"'q".bin'
head -c $((0x800000)) /dev/urandom > "$img"

cat > check_shell.py <<'PYEOF'
# check_shell.py PLAN IMAGE LAYOUT: every command line of a shell plan splits into the
# expected words; a name from the input appears only as one whole, quoted word
import shlex, sys
plan, image, layout = open(sys.argv[1]).read().splitlines(), sys.argv[2], sys.argv[3]
bad = []
for line in plan:
    if line.startswith('#') or not line.strip():
        continue
    try:
        words = shlex.split(line, comments=True, posix=True)
    except ValueError as e:
        bad.append('unparsable: %r (%s)' % (line, e)); continue
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    lex.commenters = '#'
    ops = [t for t in lex if t and all(c in ';&|<>()' for c in t)]
    # the only operators a plan uses: one pipe into sha256sum, one redirection to a backup
    if any(o not in ('|', '>') for o in ops):
        bad.append('operator %r in %r' % (ops, line))
    for w in words:
        if w in (image, layout):
            continue
        if any(c in w for c in ';`$\'"\n\\') or '$(' in w:
            bad.append('word %r in %r' % (w, line))
    if words[0] == 'flashrom' and '-w' in words and words[words.index('-w') + 1] != image:
        bad.append('flashrom -w %r, want %r' % (words[words.index('-w') + 1], image))
    if words[0] == 'flashrom' and '-l' in words and words[words.index('-l') + 1] != layout:
        bad.append('flashrom -l %r, want %r' % (words[words.index('-l') + 1], layout))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PYEOF

lay='my layout;$(id).txt'
for via in mtd shell flashrom; do
	"$MTDSCOPE" plan --layout mtd.txt --image "$img" --via $via --layout-out "$lay" > "plan.$via" 2> "err.$via"
	is "$?" 0 "plan --via $via with hostile partition and image names"
	check "plan --via $via: bash -n accepts the whole plan" bash -n "plan.$via"
	check "plan --via $via: every command line splits into the intended words (shlex)" \
		python3 check_shell.py "plan.$via" "$img" "$lay"
	if grep -E '^(mtd (write|verify)|flashcp)' "plan.$via" | grep -vqE ' (/dev/mtd[0-9]+|[A-Za-z0-9._-]+)$'; then
		ok 1 "plan --via $via: no unsafe name as a write target"
	else
		ok 0 "plan --via $via: no unsafe name as a write target"
	fi
	like "$(cat "err.$via")" "partition \[3\] 'fw;sf erase 0x0 0x800000': its name is not safe" \
		"plan --via $via: stderr says which partition is which"
done
like "$(cat plan.mtd)" 'mtd write /tmp/fw_sf_erase_0x0_0x800000\.bin /dev/mtd3' "mtd plan: an unsafe name is written by index"
like "$(cat plan.mtd)" "partition \[3\] 'fw;sf erase 0x0 0x800000': its name is not safe to type on a command line, so it is written as /dev/mtd3" \
	"mtd plan: an explanatory line says why"
like "$(cat plan.shell)" 'flashcp -v /tmp/fw_sf_erase_0x0_0x800000\.bin /dev/mtd3' "shell plan: the sanitised file name"
like "$(cat plan.shell)" 'cat /dev/mtd5 > /tmp/backup-_id__-rf\.bin' "shell plan: backup file names are sanitised"
like "$(cat plan.flashrom)" ' -i part3 -i part4 -i part5 -i part6 -w ' "flashrom plan: regions of unsafe names are partN"
is "$(grep -c '^00' "$lay")" 7 "flashrom layout file: one line a partition"
like "$(cat "$lay")" '^00050000:0076ffff part3$' "flashrom layout file: the region partN is mapped to the partition's range"

# nothing in the plans ran anything when parsed; the flashrom write works against the dummy chip
if command -v flashrom >/dev/null; then
	head -c $((0x800000)) /dev/urandom > chip.bin
	cp chip.bin chip.orig
	"$MTDSCOPE" plan --layout mtd.txt --image "$img" --via flashrom --layout-out "$lay" \
		--programmer "dummy:emulate=VARIABLE_SIZE,size=$((0x800000)),image=$T/chip.bin" > plan.fr 2>/dev/null
	wline=$(grep '^flashrom .* -w ' plan.fr)
	[ -n "$wline" ] && sh -c "$wline" > flashrom.log 2>&1
	ok $? "flashrom runs the plan's write line with the hostile image name"
	cmp -s <(head -c $((0x50000)) chip.bin) <(head -c $((0x50000)) chip.orig); ok $? "flashrom: the protected regions are untouched"
	cmp -s <(tail -c +$((0x50001)) chip.bin) <(tail -c +$((0x50001)) "$img"); ok $? "flashrom: regions part3..part6 hold the image's bytes"
else
	ok 0 "# SKIP flashrom not installed"
fi
[ ! -e pwned ]; ok $? "no command substitution ran"

# U-Boot: only plain words from the input, no ';' '#' anywhere after a command
"$MTDSCOPE" plan --layout mtd.txt --image "$img" --via uboot > plan.uboot 2> err.uboot
is "$?" 0 "plan --via uboot with hostile names"
is "$(grep -c '^sf write' plan.uboot)" 4 "uboot plan: four partitions written"
if grep -v '^#' plan.uboot | grep -vqE '^(sf (probe|read|erase|write)|crc32|tftpboot|tftpput|protect off|erase|cp\.b)( [A-Za-z0-9._+x-]+)*$'; then
	ok 1 "uboot plan: every command line is a known command with plain-word arguments"
	grep -v '^#' plan.uboot | grep -vE '^(sf (probe|read|erase|write)|crc32|tftpboot|tftpput|protect off|erase|cp\.b)( [A-Za-z0-9._+x-]+)*$' | sed 's/^/#   /'
else
	ok 0 "uboot plan: every command line is a known command with plain-word arguments"
fi
if grep -q ';' plan.uboot; then ok 1 "uboot plan: no ';' on any line, comments included"; else ok 0 "uboot plan: no ';' on any line, comments included"; fi
if grep -qE '\$|`|"' plan.uboot; then ok 1 "uboot plan: no \$, backtick or double quote"; else ok 0 "uboot plan: no \$, backtick or double quote"; fi
like "$(cat plan.uboot)" 'tftpboot 0x80100000 fw_sf_erase_0x0_0x800000\.bin' "uboot plan: tftpboot of the sanitised file"
like "$(cat plan.uboot)" 'tftpput 0x80100000 0x720000 backup-fw_sf_erase_0x0_0x800000\.bin' "uboot plan: backup name sanitised"
like "$(cat plan.uboot)" 'partition \[3\]: its name is not safe to type on a command line, so it is called \[3\] here' \
	"uboot plan: the reason on its own line, without the name"
"$MTDSCOPE" plan --layout mtd.txt --image "$img" --via uboot --cp > plan.cp 2>/dev/null
if grep -q ';' plan.cp || grep -v '^#' plan.cp | grep -q '#'; then ok 1 "uboot --cp plan: no ';' or '#' from anywhere"; else ok 0 "uboot --cp plan: no ';' or '#' from anywhere"; fi
# what split writes is what the plan asks for
"$MTDSCOPE" split "$img" --layout mtd.txt -C parts >/dev/null 2>&1
for f in $(grep -oE '^tftpboot [^ ]+ [^ ]+' plan.uboot | cut -d' ' -f3); do
	[ -f "parts/$f" ]; ok $? "split wrote $f, the file the uboot plan loads"
done

# an image name with a newline: no plan shows it on a line of its own; flashrom is refused
nlimg=$(printf 'new\nreboot.bin')
cp "$img" "$nlimg"
"$MTDSCOPE" plan --layout mtd.txt --image "$nlimg" --via mtd > plan.nl 2>/dev/null
is "$?" 0 "mtd plan of an image named with a newline"
is "$(grep -c '^reboot' plan.nl)" 0 "the newline does not start a line of the plan"
check "the plan still parses" bash -n plan.nl
"$MTDSCOPE" plan --layout mtd.txt --image "$nlimg" --via flashrom > plan.nl2 2> err.nl2
is "$?" 1 "flashrom plan of an image named with a newline is refused"
like "$(cat err.nl2)" "cannot be shown on a command line: rename the file" "the refusal says what to do"

# netboot: what goes into U-Boot's command line is checked before anything starts
"$MTDSCOPE" netboot --image "$img" --exec true --bootargs 'console=ttyS0;reset' > nb1 2>&1
is "$?" 2 "netboot --bootargs with ';' is refused"
like "$(cat nb1)" "splits its command line on ';'" "the refusal says why"
"$MTDSCOPE" netboot --image "$img" --exec true --ipaddr '192.168.1.2;reset' > nb2 2>&1
is "$?" 2 "netboot --ipaddr that is not an address is refused"
"$MTDSCOPE" netboot --image "$img" --exec true --serverip '$(reboot)' > nb3 2>&1
is "$?" 2 "netboot --serverip that is not an address is refused"
done_testing
