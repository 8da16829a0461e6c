#!/usr/bin/env bash
# scan --db postgresql://... (issue 15): a PostgreSQL server started by the test (tests/scan/pg.sh);
# a corpus made by mkimage, mksquashfs, mkenvimage and gzip; two writers at once on overlapping
# inputs, shards written concurrently, and GNU parallel's --sshlogin recipe give the very result
# set SQLite has; a kill -9 midway then a re-run leaves every image exactly once and complete.
. "$SRCDIR/tests/lib.sh"
need jq mkimage mksquashfs mkenvimage sqlite3 gzip psql runuser
. "$SRCDIR/tests/scan/pg.sh"

C=$T/corpus
mkdir -p "$C/a" "$C/b" "$T/root/etc"
echo "pg" >"$T/root/etc/banner"
head -c 300000 /dev/urandom >"$T/root/blob"
mksquashfs "$T/root" "$T/root.sqfs" -comp xz -noappend -quiet >/dev/null 2>&1
for i in $(seq 1 12); do
	head -c $((20000 + i * 3000)) /dev/urandom >"$T/payload"
	mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "pg $i" -d "$T/payload" \
		"$C/a/k$i.uimage" >/dev/null
	gzip -9 -c "$T/payload" >"$C/b/p$i.gz"
	printf 'bootcmd=bootm\nethaddr=00:0c:43:00:00:%02x\n' "$i" >"$T/env.txt"
	mkenvimage -s 0x4000 -o "$C/b/env$i.bin" "$T/env.txt"
done
sz=$(stat -c %s "$T/root.sqfs")
cp "$T/root.sqfs" "$C/a/good.sqfs"
head -c $((sz / 2)) "$T/root.sqfs" >"$C/a/cut.sqfs"
: >"$C/empty.bin"
find "$C" -type f | LC_ALL=C sort >"$T/all"
n=$(wc -l <"$T/all")
check "a corpus of $n images from the tools" test "$n" -eq 39

"$MTDSCOPE" scan --db "$T/ref.sqlite" --jobs 2 "$C" >/dev/null 2>&1
is "$?" 1 "SQLite reference run (the empty file fails)"
dump_sqlite "$T/ref.sqlite" >"$T/ref.dump"

# two writers at once, inputs overlapping in the middle third
pg_createdb two
head -n 26 "$T/all" >"$T/first"
tail -n 26 "$T/all" >"$T/second"
"$MTDSCOPE" scan --db "$(pg_uri two)" --jobs 2 - <"$T/first" >/dev/null 2>"$T/w1.err" &
p1=$!
"$MTDSCOPE" scan --db "$(pg_uri two)" --jobs 2 - <"$T/second" >/dev/null 2>"$T/w2.err" &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
is "$r1/$r2" "0/1" "both writers finish (the second has the empty file: exit 1)"
unlike() { if printf '%s' "$1" | grep -Eq -- "$2"; then ok 1 "$3"; else ok 0 "$3"; fi; }
unlike "$(cat "$T/w1.err" "$T/w2.err")" "cannot|PostgreSQL" "no database error from either"
dump_pg "$(pg_uri two)" >"$T/two.dump"
is "$(wc -l <"$T/two.dump")" "$(wc -l <"$T/ref.dump")" "as many rows in PostgreSQL as in SQLite"
is "$(md5sum <"$T/two.dump")" "$(md5sum <"$T/ref.dump")" "the PostgreSQL result set is SQLite's, row for row"
is "$(psql -X -At "$(pg_uri two)" -c 'SELECT count(*), count(DISTINCT sha256) FROM images')" "$n|$n" \
	"every image once, though 13 were given to both writers"
is "$(psql -X -At "$(pg_uri two)" -c "SELECT value FROM meta WHERE key = 'schema'")" "mtdscope.batch-db/1" "the schema is named"
out=$("$MTDSCOPE" scan --db "$(pg_uri two)" "$C" 2>&1)
like "$out" "0 scanned, $n already in the database" "a re-run skips every image"

# the documented queries run on PostgreSQL too (details cast to jsonb)
is "$(psql -X -At "$(pg_uri two)" -c "SELECT DISTINCT i.path FROM images i JOIN components c ON c.image = i.sha256
WHERE c.type = 'squashfs' AND c.details::jsonb->>'compression' = 'xz' AND c.valid = 0")" "$C/a/cut.sqfs" \
	"query: the cut xz squashfs"
is "$(psql -X -At "$(pg_uri two)" -c "SELECT count(*) FROM components c, jsonb_each_text(c.details::jsonb) j
WHERE c.type = 'uboot-env' AND j.key LIKE 'eth%addr'")" 12 "query: the twelve MACs given to mkenvimage"

# shards written concurrently, and the GNU parallel recipe (--sshlogin : is this machine)
pg_createdb shards
for i in 0 1 2; do
	"$MTDSCOPE" scan --db "$(pg_uri shards)" --jobs 1 --shard $i/3 "$C" >/dev/null 2>&1 &
done
wait
is "$(dump_pg "$(pg_uri shards)" | md5sum)" "$(md5sum <"$T/ref.dump")" "three shards at once: SQLite's result set"
if command -v parallel >/dev/null 2>&1; then
	pg_createdb par
	parallel --will-cite --sshlogin : "$MTDSCOPE" scan --db "'$(pg_uri par)'" --shard {}/2 "$C" ::: 0 1 \
		>/dev/null 2>"$T/par.err"
	is "$?" 1 "parallel: both shards ran (one failure: the empty file, in one of them)" ||
		sed 's/^/# /' "$T/par.err"
	is "$(dump_pg "$(pg_uri par)" | md5sum)" "$(md5sum <"$T/ref.dump")" "parallel --sshlogin : with --shard {}/2: SQLite's result set"
else
	ok 0 "# SKIP parallel not installed"
	ok 0 "# SKIP parallel not installed"
fi

# kill -9 midway, then resume, in PostgreSQL
K=$T/many
mkdir -p "$K"
m=30
for i in $(seq 1 $m); do
	{ cat "$C/a/k1.uimage"; printf 'copy %d' "$i"; cat "$T/root.sqfs"; head -c 2097152 /dev/urandom; } >"$K/img$i.bin"
done
pg_createdb kill
"$MTDSCOPE" scan --db "$(pg_uri kill)" --jobs 1 "$K" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
	c=$(psql -X -At "$(pg_uri kill)" -c 'SELECT count(*) FROM images' 2>/dev/null || echo 0)
	[ "${c:-0}" -ge 3 ] && break
	sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
got=$(psql -X -At "$(pg_uri kill)" -c 'SELECT count(*) FROM images')
ok $([ "$got" -ge 3 ] && [ "$got" -lt $m ] && echo 0 || echo 1) "killed midway ($got of $m images stored)"
"$MTDSCOPE" scan --db "$(pg_uri kill)" --jobs 2 "$K" >/dev/null 2>&1
is "$?" 0 "the re-run succeeds"
is "$(psql -X -At "$(pg_uri kill)" -c 'SELECT count(*), count(DISTINCT sha256), count(DISTINCT path) FROM images')" "$m|$m|$m" \
	"after the re-run every image is there exactly once"
"$MTDSCOPE" scan --db "$T/kill.sqlite" --jobs 2 "$K" >/dev/null 2>&1
is "$(dump_pg "$(pg_uri kill)" | md5sum)" "$(dump_sqlite "$T/kill.sqlite" | md5sum)" \
	"every image complete: the result set of an uninterrupted SQLite run"

"$MTDSCOPE" scan --db "postgresql:///nosuch?host=$PGSOCK&user=mtd" "$C/a/k1.uimage" >/dev/null 2>"$T/bad.err"
is "$?" 1 "a database that does not exist: exit 1"
like "$(cat "$T/bad.err")" "^mtdscope: PostgreSQL: cannot connect: .*nosuch" "one line naming what failed"
done_testing
