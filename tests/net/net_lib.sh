# Helpers for the net tests: a `mtdscope serve` on 127.0.0.1 and a free port.
SPID=
PORT=
LOG=
_serve_n=0
trap 'serve_cleanup' EXIT
serve_cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	[ -n "${EXTRA_CLEANUP:-}" ] && eval "$EXTRA_CLEANUP"
	rm -rf "$T"
}
serve_start() { # serve_start ARGS... : starts the server, sets SPID, PORT, LOG
	_serve_n=$((_serve_n + 1))
	LOG="$T/serve$_serve_n.log"
	"$MTDSCOPE" serve --bind 127.0.0.1 --port 0 "$@" >"$LOG" 2>&1 &
	SPID=$!
	PORT=
	for _ in $(seq 100); do
		PORT=$(grep -oE 'port [0-9]+' "$LOG" | head -1 | cut -d' ' -f2)
		[ -z "$PORT" ] && PORT=$(grep -oE '"port":[0-9]+' "$LOG" | head -1 | cut -d: -f2)
		[ -n "$PORT" ] && break
		sleep 0.05
	done
	[ -n "$PORT" ] || { echo "# server did not start:"; sed 's/^/#   /' "$LOG"; }
}
serve_stop() {
	[ -n "$SPID" ] || return 0
	kill -INT "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}
