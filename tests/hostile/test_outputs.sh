#!/usr/bin/env bash
# No output is ever an input (issue 10, item 1): every command that writes is tried with its output
# spelled as one of its inputs (same path, ./x, ../d/x, a symlink, a hard link, -C . with a dump named
# like a partition); the input's SHA-256 must not change, the exit status must be non-zero and the
# message must say so.  Also: -o /dev/stdout keeps the symlink, -o - is standard output, a failing
# split/extract leaves nothing behind and a refused split does not create -C DIR.
# Fixtures: a /proc/mtd listing written here, a random 1 MiB "dump" (no format: split only cuts),
# mkenvimage for the environment; the full disk is a 256 KiB tmpfs in a private mount namespace.
. "$SRCDIR/tests/lib.sh"
need sha256sum
M=$MTDSCOPE

mkdir -p "$T/d/sub"
cd "$T/d" || exit 1
printf 'dev:    size   erasesize  name\nmtd0: 00010000 00010000 "u-boot"\nmtd1: 00010000 00010000 "factory"\nmtd2: 000e0000 00010000 "firmware"\n' > proc-mtd.txt
head -c 1048576 /dev/urandom > dump.bin
sha() { sha256sum "$1" | cut -d' ' -f1; }
D0=$(sha dump.bin)
L0=$(sha proc-mtd.txt)

# refused CMD...: runs CMD, records status and message
refused() { # refused WHAT FILE-TO-KEEP SHA CMD...
	local what=$1 keep=$2 want=$3
	shift 3
	"$@" > "$T/out" 2> "$T/err"
	local st=$?
	ok "$([ "$st" -ne 0 ] && echo 0 || echo 1)" "$what: exit status non-zero ($st)"
	like "$(cat "$T/err")" 'is the input .* of this command' "$what: the message says the output is an input"
	is "$(sha "$keep")" "$want" "$what: $keep unchanged"
}

# 1. split with the default -C . and a dump named like a partition, in every spelling
cp dump.bin firmware.bin
refused "split firmware.bin (-C .)" firmware.bin "$D0" "$M" split firmware.bin --layout proc-mtd.txt
is "$(ls -A | sort | tr '\n' ' ')" "dump.bin firmware.bin proc-mtd.txt sub " "split left no file or temporary behind"
refused "split -C ./" firmware.bin "$D0" "$M" split firmware.bin --layout proc-mtd.txt -C ./
cd sub
refused "split -C ../sub/.. from sub" ../firmware.bin "$D0" "$M" split ../firmware.bin --layout ../proc-mtd.txt -C ../sub/..
cd ..
rm firmware.bin
ln -s dump.bin firmware.bin
refused "split via a symlink named firmware.bin" dump.bin "$D0" "$M" split firmware.bin --layout proc-mtd.txt
is "$(readlink firmware.bin)" dump.bin "the symlink is untouched"
rm firmware.bin
ln dump.bin firmware.bin
refused "split of a hard link named firmware.bin" dump.bin "$D0" "$M" split firmware.bin --layout proc-mtd.txt
rm firmware.bin
cp dump.bin "$T/x.bin"
ln -s "$T/x.bin" firmware.bin
refused "split of a dump beside a link named firmware.bin to it" "$T/x.bin" "$D0" "$M" split "$T/x.bin" --layout proc-mtd.txt
rm firmware.bin
cp proc-mtd.txt factory.bin
F0=$(sha factory.bin)
refused "split whose layout is named like a partition" factory.bin "$F0" "$M" split dump.bin --layout factory.bin
rm factory.bin

# 2. plan -C . and --layout-out
cp dump.bin firmware.bin
refused "plan --image firmware.bin -C ." firmware.bin "$D0" "$M" plan --layout proc-mtd.txt --image firmware.bin -C . --via mtd
refused "plan --layout-out the layout" proc-mtd.txt "$L0" "$M" plan --layout proc-mtd.txt --image dump.bin --via flashrom --layout-out ./proc-mtd.txt
refused "plan --layout-out the image" dump.bin "$D0" "$M" plan --layout proc-mtd.txt --image dump.bin --via flashrom --layout-out "../d/dump.bin"
is "$(ls -A | sort | tr '\n' ' ')" "dump.bin firmware.bin proc-mtd.txt sub " "plan left nothing behind"
rm firmware.bin

# 3. layout -o in every spelling
cp proc-mtd.txt l.txt
ln -s l.txt l-link.txt
ln l.txt l-hard.txt
for o in l.txt ./l.txt ../d/l.txt l-link.txt l-hard.txt "$T/d/sub/../l.txt"; do
	refused "layout -o $o l.txt" l.txt "$L0" "$M" layout --mtdparts -o "$o" l.txt
done
is "$(readlink l-link.txt)" l.txt "layout: the symlink is untouched"
refused "layout -o - with stdout redirected onto the input" l.txt "$L0" sh -c '"$1" layout --mtdparts -o - l.txt >> l.txt' _ "$M"
rm l-link.txt l-hard.txt

# 4. verify --manifest: an input is refused before anything; a failed verify writes no manifest
"$M" split dump.bin --layout proc-mtd.txt -C parts > /dev/null
cat parts/u-boot.bin parts/factory.bin parts/firmware.bin > ALL.bin
A0=$(sha ALL.bin)
refused "verify --manifest ALL.bin ALL.bin" ALL.bin "$A0" "$M" verify --layout proc-mtd.txt --manifest ALL.bin ALL.bin
refused "verify --manifest a partition dump" parts/factory.bin "$(sha parts/factory.bin)" \
	"$M" verify --layout proc-mtd.txt --manifest ./parts/../parts/factory.bin parts
"$M" verify --layout proc-mtd.txt --manifest m.sha256 parts/u-boot.bin > /dev/null 2> "$T/err"
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "verify of an incomplete backup fails"
check "a failed verify leaves no manifest" test ! -e m.sha256
like "$(cat "$T/err")" 'm\.sha256: not written' "and says the manifest was not written"
sed 's/"u-boot"/"a"/; s/"factory"/"b"/; s/"firmware"/"c"/' proc-mtd.txt > neutral.txt # names with no content check
"$M" split dump.bin --layout neutral.txt -C nparts > /dev/null
"$M" verify --layout neutral.txt --manifest m.sha256 nparts > /dev/null
is "$?" 0 "verify of a whole backup passes"
check "its manifest checks with sha256sum -c" sha256sum -c --quiet m.sha256

# 5. join, rebuild, env, eeprom
P0=$(sha parts/firmware.bin)
refused "join -o an input" parts/firmware.bin "$P0" "$M" join --layout proc-mtd.txt -o parts/firmware.bin parts/u-boot.bin parts/factory.bin parts/firmware.bin
ln -s parts/u-boot.bin ub-link
U0=$(sha parts/u-boot.bin)
refused "join -o a symlink to an input" parts/u-boot.bin "$U0" "$M" join --layout proc-mtd.txt -o ub-link parts
refused "rebuild -o the donor" ALL.bin "$A0" "$M" rebuild --layout proc-mtd.txt --donor ALL.bin --unit dump.bin -o ./ALL.bin
ln ALL.bin all-hard.bin
refused "rebuild -o a hard link to the donor" ALL.bin "$A0" "$M" rebuild --layout proc-mtd.txt --donor ALL.bin --unit dump.bin -o all-hard.bin
refused "rebuild -o the layout" proc-mtd.txt "$L0" "$M" rebuild --layout proc-mtd.txt --donor ALL.bin --unit dump.bin -o proc-mtd.txt
if command -v mkenvimage > /dev/null; then
	printf 'bootdelay=3\nbootcmd=bootm\n' > env.txt
	mkenvimage -s 0x1000 -o env.bin env.txt
	E0=$(sha env.bin)
	refused "env --set -o the input" env.bin "$E0" "$M" env --set bootdelay=5 -o ./env.bin env.bin
	ln -s env.bin env-link
	refused "env --set -o a symlink to it" env.bin "$E0" "$M" env --set bootdelay=5 -o env-link env.bin
	"$M" env --set bootdelay=5 -o - env.bin > "$T/env-out.bin"
	is "$?" 0 "env --set -o - writes standard output"
	like "$("$M" env "$T/env-out.bin")" 'bootdelay=5' "and that output is the edited environment"
	check "no file named '-'" test ! -e ./-
fi
refused "eeprom --set-mac -o the input" parts/factory.bin "$(sha parts/factory.bin)" \
	"$M" eeprom --set-mac 0x4=02:11:22:33:44:55 -o parts/../parts/factory.bin parts/factory.bin

# join -o -: the image alone on standard output (the report goes to stderr); --json with it refused
"$M" join --layout proc-mtd.txt -o - parts/u-boot.bin parts/factory.bin parts/firmware.bin > "$T/joined.bin" 2> "$T/err"
is "$?" 0 "join -o - exits 0"
is "$(sha "$T/joined.bin")" "$D0" "standard output holds exactly the joined image"
like "$(cat "$T/err")" "0x100000 bytes from 3 files" "the report went to stderr"
"$M" join --json --layout proc-mtd.txt -o - parts > /dev/null 2>&1
is "$?" 2 "join --json -o - is a usage error (both want standard output)"

# console --log over its --script; netboot --log over its --image
printf 'cmd version\n' > script.txt
S0=$(sha script.txt)
refused "console --log the --script" script.txt "$S0" "$M" console --exec true --script script.txt --log ./script.txt
refused "netboot --log the --image" dump.bin "$D0" "$M" netboot --image dump.bin --exec true --log ../d/dump.bin

# 6. -o /dev/stdout keeps the symlink; -o - is standard output
if [ -L /dev/stdout ]; then
	before=$(readlink /dev/stdout)
	"$M" layout --mtdparts -o /dev/stdout proc-mtd.txt > "$T/so.txt"
	is "$?" 0 "layout -o /dev/stdout exits 0"
	is "$(readlink /dev/stdout)" "$before" "/dev/stdout is still the symlink to $before"
	like "$(cat "$T/so.txt")" '^mtdparts=' "the output went to standard output"
	"$M" layout --mtdparts -o /dev/stdout proc-mtd.txt | cat > "$T/so2.txt"
	like "$(cat "$T/so2.txt")" '^mtdparts=' "-o /dev/stdout into a pipe"
	check "no temporary left in /dev" sh -c '! ls /dev | grep -q "stdout.tmp-"'
fi
"$M" layout --mtdparts -o - proc-mtd.txt > "$T/dash.txt"
like "$(cat "$T/dash.txt")" '^mtdparts=' "layout -o - writes standard output"
check "layout -o - makes no file named '-'" test ! -e ./-

# 7. failures leave nothing behind; a refused split does not create -C DIR
head -c 1000 /dev/urandom > short.bin
"$M" split short.bin --layout proc-mtd.txt -C never > /dev/null 2>&1
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "split of a dump of the wrong size fails"
check "and -C never was not created" test ! -e never
mkdir -p busy/firmware.bin
"$M" split dump.bin --layout proc-mtd.txt -C busy > /dev/null 2> "$T/err"
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "split fails when a later partition cannot be written (a directory in the way)"
is "$(ls -A busy | tr '\n' ' ')" "firmware.bin " "u-boot.bin and factory.bin were not left behind, nor temporaries"
like "$(cat "$T/err")" 'busy/firmware\.bin' "the message names the file in the way"
# extract: a new DIR appears whole (no temporary beside it); a non-empty DIR is refused
if command -v mksquashfs > /dev/null; then
	mkdir "$T/fsrc"
	for i in 1 2 3 4; do head -c 300000 /dev/urandom > "$T/fsrc/f$i"; done
	mksquashfs "$T/fsrc" "$T/fs.sqfs" -quiet -noappend > /dev/null
	"$M" extract "$T/fs.sqfs" -C ex > /dev/null 2>&1
	is "$?" 0 "extract into a new DIR"
	is "$(ls -d ex* | tr '\n' ' ')" "ex " "the DIR is in place and no temporary is left beside it"
	check "its manifest is there" test -s ex/manifest.json
	"$M" extract "$T/fs.sqfs" -C ex > /dev/null 2>&1
	ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "extract into a non-empty DIR is refused"
fi
if unshare -m true 2> /dev/null && [ -f "$T/fs.sqfs" ]; then
	mkdir full
	unshare -m sh -c 'mount -t tmpfs -o size=256k tmpfs full || exit 77
		"$1" split dump.bin --layout proc-mtd.txt -C full/new > /dev/null 2> "$2/err1"; echo "split=$?"
		ls -A full | tr "\n" " "; echo
		mkdir full/old; "$1" split dump.bin --layout proc-mtd.txt -C full/old > /dev/null 2>> "$2/err1"; echo "split2=$?"
		ls -A full/old | tr "\n" " "; echo
		"$1" extract "$2/fs.sqfs" -C full/ex > /dev/null 2>> "$2/err1"; echo "extract=$?"
		ls -A full | tr "\n" " "; echo
		"$1" extract "$2/fs.sqfs" -C full/old > /dev/null 2>> "$2/err1"; echo "extract2=$?"
		ls -A full/old | tr "\n" " "; echo' _ "$M" "$T" > "$T/full.txt"
	if [ "$(head -c 5 "$T/full.txt")" = split ]; then
		like "$(sed -n 1p "$T/full.txt")" '^split=1$' "split on a full disk fails"
		is "$(sed -n 2p "$T/full.txt")" "" "a new -C DIR does not appear, nor its temporary"
		like "$(sed -n 3p "$T/full.txt")" '^split2=1$' "split into an existing dir on a full disk fails"
		is "$(sed -n 4p "$T/full.txt")" "" "and leaves the directory empty"
		like "$(cat "$T/err1")" 'full/(new|old)/.*(No space|write failed)' "the message names the file that could not be written"
		is "$(sed -n 5p "$T/full.txt")" "extract=1" "extract on a full disk fails"
		is "$(sed -n 6p "$T/full.txt")" "old " "and leaves no new DIR, nor its temporary"
		is "$(sed -n 7p "$T/full.txt")" "extract2=1" "extract into an empty existing DIR on a full disk fails"
		is "$(sed -n 8p "$T/full.txt")" "" "and leaves it empty"
	else
		ok 0 "# SKIP tmpfs cannot be mounted here"
	fi
fi

done_testing
