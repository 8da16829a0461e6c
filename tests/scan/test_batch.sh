#!/usr/bin/env bash
# scan over many inputs (issue 15): a corpus made by mksquashfs, mkimage, mkenvimage, gzip, tar and
# Debian's U-Boot binary, walked from a directory (a symlink out of it and a FIFO in it left alone)
# or read from a list on stdin; --jsonl documents equal scan --json's plus path and the sha256sum;
# an empty file fails without stopping the run (exit 1); --db stores one transaction per image,
# a kill -9 midway then a re-run leaves every image exactly once with all its components, and
# the queries of doc/batch-db.md answer what the tools put in.
. "$SRCDIR/tests/lib.sh"
need jq mkimage mksquashfs mkenvimage sqlite3 sha256sum gzip tar strings
UB=/usr/lib/u-boot/maltael/u-boot.bin
[ -r "$UB" ] || skip_all "$UB missing (u-boot-qemu, run scripts/setup.sh)"

C=$T/corpus
mkdir -p "$C/sub/deeper" "$T/outside" "$T/root/etc"
echo "hello" >"$T/root/etc/banner"
head -c 300000 /dev/urandom >"$T/root/blob"
mksquashfs "$T/root" "$C/good-xz.sqfs" -comp xz -noappend -quiet >/dev/null 2>&1
sz=$(stat -c %s "$C/good-xz.sqfs")
head -c $((sz / 2)) "$C/good-xz.sqfs" >"$C/sub/cut-xz.sqfs"
head -c 100000 /dev/urandom >"$T/payload"
mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n batch -d "$T/payload" \
	"$C/sub/kernel.uimage" >/dev/null
printf 'bootcmd=bootm 0x9f050000\nethaddr=00:0C:43:76:20:01\n' >"$T/env.txt"
mkenvimage -s 0x10000 -o "$C/sub/deeper/env.bin" "$T/env.txt"
cp "$UB" "$C/u-boot.bin"
gzip -9 -c "$T/payload" >"$C/sub/payload.gz"
tar -C "$T/root" -cf "$C/root.tar" .
head -c 65536 /dev/urandom >"$C/random.bin"
: >"$C/sub/empty.bin"
head -c 4096 /dev/urandom >"$T/outside/secret.bin"
ln -s "$T/outside/secret.bin" "$C/link-out.bin"
ln -s "$T/outside" "$C/dir-out"
mkfifo "$C/sub/fifo"
uver=$(strings "$UB" | grep -Eo '^U-Boot 20[0-9]{2}\.[0-9]{2}[^ ]*' | head -1)
check "fixtures made by the tools (U-Boot version '$uver')" test -n "$uver" -a -s "$C/good-xz.sqfs" -a -s "$C/sub/kernel.uimage" -a -s "$C/sub/deeper/env.bin"

# the regular files of the walk, as the walk names them
find "$C" -type f | sort >"$T/want.paths"
nwant=$(wc -l <"$T/want.paths")
is "$nwant" 9 "nine regular files in the corpus"

"$MTDSCOPE" scan --jsonl --jobs 2 "$C" >"$T/j2.jsonl" 2>"$T/j2.err"
is "$?" 1 "a corpus with one empty file exits 1"
is "$(jq -r .path "$T/j2.jsonl" | sort)" "$(cat "$T/want.paths")" "one JSON line per regular file; symlinks and the FIFO left alone"
like "$(cat "$T/j2.err")" "empty\.bin: empty file" "the failure is named on stderr"
is "$(jq -r 'select(.path | endswith("empty.bin")) | .error' "$T/j2.jsonl")" \
	"$C/sub/empty.bin: empty file (0 bytes); nothing to scan" "the failed image has its error in its line"
bad=0
while read -r p; do
	want=$(sha256sum "$p" | cut -d' ' -f1)
	got=$(jq -r --arg p "$p" 'select(.path == $p) | .sha256' "$T/j2.jsonl")
	[ "$got" = "$want" ] || { bad=1; echo "# $p: sha256 $got, sha256sum says $want"; }
done <"$T/want.paths"
ok $bad "every sha256 is what sha256sum says"
for f in good-xz.sqfs sub/kernel.uimage u-boot.bin; do
	"$MTDSCOPE" scan --json "$C/$f" >"$T/one.json"
	is "$(jq -c --arg p "$C/$f" 'select(.path == $p) | del(.path, .sha256)' "$T/j2.jsonl")" "$(jq -c . "$T/one.json")" \
		"the line of $f is scan --json's document"
done
like "$(jq -r 'select(.path | endswith("kernel.uimage")) | .components[].type' "$T/j2.jsonl")" uimage "the uImage is found"

"$MTDSCOPE" scan --jsonl --jobs 1 "$C" >"$T/j1.jsonl" 2>/dev/null
is "$(jq -c . "$T/j1.jsonl" | sort | md5sum)" "$(jq -c . "$T/j2.jsonl" | sort | md5sum)" "--jobs 1 and --jobs 2 give the same documents"

grep -v empty "$T/want.paths" | tr '\n' '\0' | "$MTDSCOPE" scan --jsonl --jobs 2 - >"$T/nul.jsonl" 2>/dev/null
is "$?" 0 "a list without the empty file exits 0"
is "$(jq -r .path "$T/nul.jsonl" | sort)" "$(grep -v empty "$T/want.paths")" "NUL-separated list on stdin"
printf '%s\n' "$C/random.bin" "$C/sub" | "$MTDSCOPE" scan --jsonl --from-stdin >"$T/nl.jsonl" 2>/dev/null
is "$(jq -r .path "$T/nl.jsonl" | sort | tr '\n' ' ')" \
	"$(printf '%s\n' "$C/random.bin" $(grep "$C/sub/" "$T/want.paths") | sort | tr '\n' ' ')" \
	"newline-separated list on stdin, a directory in it walked"
out=$("$MTDSCOPE" scan "$C/random.bin" "$C/sub/kernel.uimage" 2>/dev/null)
like "$out" "kernel\.uimage: [0-9]+ components, 0 failed a check" "text mode: one summary line per image"
"$MTDSCOPE" scan --json "$C" >/dev/null 2>&1
is "$?" 2 "--json with a directory is a usage error"

unlike() { if printf '%s' "$1" | grep -Eq -- "$2"; then ok 1 "$3"; else ok 0 "$3"; fi; }
unlike "$(cat "$T/j2.err")" "ETA" "no progress line when stderr is no terminal"
if command -v script >/dev/null 2>&1; then
	script -qec "$(printf '%q ' "$MTDSCOPE" scan --jobs 2 "$C/sub") >/dev/null" /dev/null >"$T/tty.out" 2>&1
	like "$(tr '\r' '\n' <"$T/tty.out")" "^scan: [0-9]+/5 images, 1 failed, [0-9.]+/s, ETA [0-9]+:[0-9]{2}:[0-9]{2}" \
		"on a terminal: a progress line with count, rate and ETA"
fi

# SQLite: one transaction per image, resume, the documented queries
db=$T/res.sqlite
"$MTDSCOPE" scan --db "$db" --jobs 2 "$C" >/dev/null 2>&1
is "$?" 1 "--db run exits 1 (the empty file)"
is "$(sqlite3 "$db" 'SELECT count(*) FROM images')" "$nwant" "every image has a row"
is "$(sqlite3 "$db" "SELECT status FROM images WHERE path LIKE '%empty.bin'")" failed "the empty file is recorded as failed"
is "$(sqlite3 "$db" 'SELECT count(*) FROM components')" \
	"$(jq -s '[.[] | (.components // []) | length] | add' "$T/j2.jsonl")" "as many component rows as --jsonl has components"
is "$(sqlite3 "$db" "SELECT count(*) FROM components c JOIN images i ON i.sha256 = c.image WHERE i.path LIKE '%kernel.uimage' AND c.type = 'uimage' AND c.valid = 1")" \
	1 "the uImage row is valid"
out=$("$MTDSCOPE" scan --db "$db" "$C" 2>&1)
like "$out" "0 scanned, $nwant already in the database" "a re-run skips every image"
is "$(sqlite3 "$db" 'SELECT count(*) FROM images')" "$nwant" "and adds no row"

query() { # the SQL of one named query in doc/batch-db.md
	awk -v q="<!-- query: $1 -->" '$0 == q {f = 1; next} f && /^```sql/ {g = 1; next} g && /^```/ {exit} g' \
		"$SRCDIR/doc/batch-db.md"
}
is "$(query squashfs-xz-failed | sqlite3 "$db")" "$C/sub/cut-xz.sqfs" "query: the cut xz squashfs, not the good one"
is "$(query uboot-versions | sqlite3 "$db" | cut -d'|' -f2)" 1 "query: one image with U-Boot"
v=$(query uboot-versions | sqlite3 "$db" | cut -d'|' -f1)
ok $(case "$v" in "$uver"?*) echo 0 ;; *) echo 1 ;; esac) "query: the version strings(1) finds in u-boot.bin ($v)"
is "$(query macs | sqlite3 "$db")" "$C/sub/deeper/env.bin|uboot-env|00:0c:43:76:20:01" "query: the MAC given to mkenvimage"
is "$(query failed | sqlite3 "$db" | cut -d'|' -f1)" "$C/sub/empty.bin" "query: the failed image"
query invalid-by-type | sqlite3 "$db" >/dev/null
ok $? "query: invalid components by type runs"

# kill -9 midway, then resume: every image exactly once, each complete
K=$T/many
mkdir -p "$K"
n=40
for i in $(seq 1 $n); do
	# 2 MiB of random bytes each, so that the run lasts long enough to be killed midway on a fast machine
	{ cat "$C/sub/kernel.uimage"; printf 'copy %d' "$i"; cat "$C/good-xz.sqfs"; head -c 2097152 /dev/urandom; } >"$K/img$i.bin"
done
kdb=$T/kill.sqlite
"$MTDSCOPE" scan --db "$kdb" --jobs 1 "$K" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
	c=$(sqlite3 "$kdb" 'SELECT count(*) FROM images' 2>/dev/null || echo 0)
	[ "${c:-0}" -ge 3 ] && break
	sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
got=$(sqlite3 "$kdb" 'SELECT count(*) FROM images')
ok $([ "$got" -ge 3 ] && [ "$got" -lt $n ] && echo 0 || echo 1) "killed midway ($got of $n images stored)"
"$MTDSCOPE" scan --db "$kdb" --jobs 2 "$K" >/dev/null 2>&1
is "$?" 0 "the re-run succeeds"
is "$(sqlite3 "$kdb" 'SELECT count(*), count(DISTINCT sha256), count(DISTINCT path) FROM images')" "$n|$n|$n" \
	"after the re-run every image is there exactly once"
"$MTDSCOPE" scan --db "$T/clean.sqlite" --jobs 2 "$K" >/dev/null 2>&1
per() { sqlite3 "$1" 'SELECT i.path, count(c.id) FROM images i LEFT JOIN components c ON c.image = i.sha256 GROUP BY i.sha256 ORDER BY i.path'; }
is "$(per "$kdb" | md5sum)" "$(per "$T/clean.sqlite" | md5sum)" "every image has all its components, as in an uninterrupted run"

# the database is an output: never scanned, even inside the directory
cp "$C/random.bin" "$K/"
"$MTDSCOPE" scan --db "$K/in.sqlite" --jsonl "$K" >"$T/self.jsonl" 2>/dev/null
is "$(jq -r .path "$T/self.jsonl" | grep -c 'in\.sqlite')" 0 "the database and its side files are not inputs"

# --shard I/N: the sorted list of every input, index modulo N; disjoint, complete, order-free
for i in 0 1 2; do
	"$MTDSCOPE" scan --jsonl --jobs 2 --shard $i/3 "$C" 2>/dev/null | jq -r .path | sort >"$T/shard$i"
done
is "$(cat "$T/shard0" "$T/shard1" "$T/shard2" | sort)" "$(cat "$T/want.paths")" "three shards cover every input"
is "$(cat "$T/shard0" "$T/shard1" "$T/shard2" | sort | uniq -d | wc -l)" 0 "and no input is in two shards"
is "$(LC_ALL=C sort "$T/want.paths" | awk 'NR % 3 == 2' | sort)" "$(cat "$T/shard1")" "shard 1/3: the 2nd, 5th, 8th of the sorted inputs"
"$MTDSCOPE" scan --jsonl --shard 1/3 $(sort -r "$T/want.paths") 2>/dev/null | jq -r .path | sort >"$T/shard1r"
is "$(cat "$T/shard1r")" "$(cat "$T/shard1")" "the same shard when the inputs are named in another order"
"$MTDSCOPE" scan --shard 3/3 "$C" >/dev/null 2>&1
is "$?" 2 "--shard 3/3 is a usage error"

# extract over many inputs: one directory per image, as 'extract FILE -C DIR' writes it
X=$T/xout
"$MTDSCOPE" extract --jobs 2 -C "$X" "$C" >"$T/x.out" 2>"$T/x.err"
is "$?" 1 "extract of the corpus exits 1 (the empty file)"
like "$(cat "$T/x.err")" "empty\.bin: empty file \(0 bytes\); nothing to extract" "the failure is named"
is "$(ls "$X" | wc -l)" $((nwant - 1)) "one directory per image that is not empty"
bad=0
while read -r p; do
	case $p in *empty.bin) continue ;; esac
	d=$X/$(basename "$p").$(sha256sum "$p" | cut -c1-12)
	rm -rf "$T/x1"
	"$MTDSCOPE" extract -C "$T/x1" "$p" >/dev/null 2>&1
	[ -f "$d/manifest.json" ] && cmp -s "$d/manifest.json" "$T/x1/manifest.json" &&
		[ "$(cd "$d" && find . | sort)" = "$(cd "$T/x1" && find . | sort)" ] ||
		{ bad=1; echo "# $p: $d differs from extract -C of the one file"; }
done <"$T/want.paths"
ok $bad "each directory holds what 'extract -C' of the one file writes"
out=$("$MTDSCOPE" extract --jobs 2 -C "$X" "$C" 2>&1)
like "$out" "0 extracted, $((nwant - 1)) extracted before, 1 failed" "a re-run skips every image extracted before"
"$MTDSCOPE" extract --jsonl --jobs 2 -C "$T/xj" "$C" >"$T/x.jsonl" 2>/dev/null
is "$(jq -r .path "$T/x.jsonl" | sort)" "$(cat "$T/want.paths")" "extract --jsonl: one line per input"
is "$(jq -r 'select(.error == null) | "\(.directory)|\(.summary.files)"' "$T/x.jsonl" | while IFS='|' read -r d n; do
	[ "$(jq .summary.files "$d/manifest.json")" = "$n" ] || echo "$d"; done)" "" "each line is the manifest in its directory"
is "$(jq -r 'select(.path | endswith("good-xz.sqfs")) | .outputs[].path' "$T/x.jsonl" | grep -c 'root/etc/banner$')" 1 \
	"the squashfs's banner is among the outputs"
cp -r "$C/sub" "$T/self"
"$MTDSCOPE" extract --jobs 2 -C "$T/self/out" "$T/self" >/dev/null 2>&1
"$MTDSCOPE" extract --jsonl --jobs 2 -C "$T/self/out" "$T/self" >"$T/self.jsonl" 2>/dev/null
is "$(jq -r .path "$T/self.jsonl" | grep -c "self/out/")" 0 "the output directory inside an input directory is not an input"
"$MTDSCOPE" extract --list --jobs 2 -C "$X" "$C" >/dev/null 2>&1
is "$?" 2 "--list with many inputs is a usage error"

# assess --each: every file one device's log, as 'assess --json FILE' judges it
A=$T/logs
mkdir -p "$A"
n=0
for f in "$TESTDATA"/real-logs/*/dmesg.txt; do
	n=$((n + 1))
	cp "$f" "$A/$(basename "$(dirname "$f")").txt"
	[ $n -ge 6 ] && break
done
printf 'nothing a device says\n' >"$A/zz-nothing.txt"
"$MTDSCOPE" assess --jsonl --jobs 2 "$A" >"$T/a.jsonl" 2>"$T/a.err"
is "$?" 1 "assess --each: a file without facts makes the exit status 1"
is "$(jq -r .path "$T/a.jsonl" | sort)" "$(find "$A" -type f | sort)" "one line per file"
like "$(jq -r 'select(.error) | .path' "$T/a.jsonl")" "zz-nothing\.txt" "the file without facts has an error line"
bad=0
for f in "$A"/*.txt; do
	[ "$f" = "$A/zz-nothing.txt" ] && continue
	"$MTDSCOPE" assess --json "$f" >"$T/a1.json" 2>/dev/null
	[ "$(jq -c --arg p "$f" 'select(.path == $p) | del(.path, .sha256)' "$T/a.jsonl")" = "$(jq -c . "$T/a1.json")" ] ||
		{ bad=1; echo "# $f: its line differs from assess --json"; }
done
ok $bad "each line is the assess --json document of that file"
out=$("$MTDSCOPE" assess --each "$A/$(ls "$A" | head -1)" 2>/dev/null)
like "$out" "^$A/[^:]+: (supported|possible-port|not-viable|unknown) - " "text: one verdict line per file"
done_testing
