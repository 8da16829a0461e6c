# A throwaway PostgreSQL server for a test (sourced after tests/lib.sh): initdb and pg_ctl of
# Debian's postgresql-15 run as the unprivileged user "postgres" (or "nobody"), listening only on a
# unix socket in the test's directory; stopped when the test exits.  Sets PGSOCK and pg_uri DB.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] || skip_all "$PGBIN/initdb missing (postgresql-15, run scripts/setup.sh)"
need psql
pg_user=postgres
id "$pg_user" >/dev/null 2>&1 || pg_user=nobody
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }
PGSOCK=$T/pg
mkdir -p "$PGSOCK"
chmod 755 "$T"
[ "$(id -u)" -eq 0 ] && chown "$pg_user" "$PGSOCK"
as_pg "$PGBIN/initdb" -D "$PGSOCK/data" -A trust -U mtd -E UTF8 --locale=C --no-sync >"$T/initdb.log" 2>&1 ||
	skip_all "initdb failed: $(tail -1 "$T/initdb.log")"
as_pg "$PGBIN/pg_ctl" -D "$PGSOCK/data" -l "$PGSOCK/log" -w -t 60 \
	-o "-k $PGSOCK -c listen_addresses= -c fsync=off -c max_connections=40" start >/dev/null 2>&1 ||
	skip_all "the PostgreSQL server did not start: $(tail -1 "$PGSOCK/log")"
trap 'as_pg "$PGBIN/pg_ctl" -D "$PGSOCK/data" -m immediate -w stop >/dev/null 2>&1; rm -rf "$T"' EXIT
pg_uri() { printf 'postgresql:///%s?host=%s&user=mtd' "$1" "$PGSOCK"; }
pg_createdb() { psql -q "$(pg_uri postgres)" -c "CREATE DATABASE $1" >/dev/null; }
# The result set, canonical: the same text from SQLite (sqlite3) and PostgreSQL (psql).
canon_sql="SELECT 'image', sha256, path, size, tool_version, status, coalesce(error, '') FROM images ORDER BY sha256;
SELECT 'component', image, id, coalesce(parent, -2), coalesce(space, -2), byte_offset, size, type, valid, depth, details
FROM components ORDER BY image, id;
SELECT 'problem', image, component, seq, text FROM problems ORDER BY image, component, seq;"
dump_sqlite() { sqlite3 -separator '|' "$1" "$canon_sql"; }
dump_pg() { psql -X -q -At -F '|' "$1" -c "$canon_sql"; }
