#!/usr/bin/env bash
# scan over a corpus (issue 15), beside binwalk over the same corpus:
#   a corpus of COUNT images (default 200) made by the real tools - mkimage (uImage), mksquashfs
#   (xz), mkfs.jffs2, ubinize (a UBI image of a squashfs volume), xz, gzip, tar - contents cycling
#   from 64 KiB to 16 MiB (compressed images are smaller), cached in WORK/corpus; then scan --jobs 1 and --jobs 2 (speed-up,
#   images/s, peak RSS of the process: with --jobs 1 that is one worker), --db SQLite and
#   --db PostgreSQL (a throwaway server, as tests/scan/pg.sh) against no database, and binwalk.
#   The load average is printed with the figures: the machine may be shared.
#
#   bash bench/bench-batch.sh [--build DIR] [--work DIR] [--count N]
# Each mtdscope figure is the best of 3 runs (a fresh database each time; the PostgreSQL runs are
# listed one by one).  Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build work= count=200
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift ;;
	--work) work=$2; shift ;;
	--count) count=$2; shift ;;
	-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-batch: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
work=${work:-$build/bench-batch}
M=$build/src/cli/mtdscope
[ -x "$M" ] || { echo "bench-batch: $M missing: build first" >&2; exit 1; }
C=$work/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gen() { # i: one image, its kind and size from i
	local i=$1 kb=$((64 << ($1 % 9))) out
	local d=$tmp/g$i
	mkdir -p "$d/root"
	# half random, half text: compressors have work to do, sizes stay near kb
	head -c $((kb * 512)) /dev/urandom >"$d/root/blob"
	{ yes "image $i of the mtdscope batch corpus" || :; } | head -c $((kb * 512)) >"$d/root/text" || :
	case $((i % 7)) in
	0) cat "$d/root/blob" "$d/root/text" >"$d/payload"
	   mkimage -A mips -O linux -T kernel -C none -a 0x80000000 -e 0x80000000 -n "bench $i" \
		-d "$d/payload" "$C/$i.uimage" >/dev/null ;;
	1) mksquashfs "$d/root" "$C/$i.sqfs" -comp xz -noappend -quiet >/dev/null 2>&1 ;;
	2) mkfs.jffs2 -r "$d/root" -e 0x10000 -p -o "$C/$i.jffs2" ;;
	3) mksquashfs "$d/root" "$d/vol.sqfs" -comp xz -noappend -quiet >/dev/null 2>&1
	   printf '[rootfs]\nmode=ubi\nimage=%s\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\nvol_flags=autoresize\n' \
		"$d/vol.sqfs" >"$d/ubi.ini"
	   ubinize -o "$C/$i.ubi" -m 2048 -p 128KiB -s 2048 "$d/ubi.ini" >/dev/null ;;
	4) cat "$d/root/blob" "$d/root/text" | xz -6 >"$C/$i.xz" ;;
	5) cat "$d/root/blob" "$d/root/text" | gzip -6 >"$C/$i.gz" ;;
	6) tar -C "$d/root" -cf "$C/$i.tar" . ;;
	esac
	rm -rf "$d"
}
if [ "$(find "$C" -type f 2>/dev/null | wc -l)" -ne "$count" ]; then
	rm -rf "$C"
	mkdir -p "$C"
	echo "bench-batch: making $count images in $C ..." >&2
	for i in $(seq 0 $((count - 1))); do gen "$i"; done
fi
n=$(find "$C" -type f | wc -l)
bytes=$(du -sb "$C" | cut -f1)
lo=$(find "$C" -type f -printf '%s\n' | sort -n | head -1) hi=$(find "$C" -type f -printf '%s\n' | sort -n | tail -1)
echo "corpus: $n images, $((bytes >> 20)) MiB, $((lo >> 10)) KiB to $((hi >> 10)) KiB each"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

reps=3
run() { # label cmd...: the best wall time of $reps runs, its peak RSS KiB
	local label=$1 wall= rss w r k
	shift
	for k in $(seq 1 "$reps"); do
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || true
		read -r w r <"$tmp/time"
		if [ -z "$wall" ] || awk -v a="$w" -v b="$wall" 'BEGIN { exit !(a < b) }'; then wall=$w rss=$r; fi
		case $label in *sqlite*) rm -f "$tmp/r.sqlite"* ;; esac
	done
	printf '%-28s %8.2f s %8.1f images/s %9d KiB peak RSS  (load %s)\n' "$label" "$wall" \
		"$(awk -v a="$n" -v b="$wall" 'BEGIN { print a / b }')" "$rss" "$(cut -d' ' -f1 /proc/loadavg)"
	eval "t_${label//[^a-z0-9]/_}=$wall"
}
run "mtdscope --jobs 1" "$M" scan --jobs 1 "$C"
run "mtdscope --jobs 2" "$M" scan --jobs 2 "$C"
printf 'speed-up --jobs 2 / --jobs 1: %.2fx (target >= 1.8x)\n' "$(awk -v a="$t_mtdscope___jobs_1" -v b="$t_mtdscope___jobs_2" 'BEGIN { print a / b }')"
rm -f "$tmp/r.sqlite"
run "mtdscope --jobs 2 --db sqlite" "$M" scan --jobs 2 --db "$tmp/r.sqlite" "$C"
PGBIN=/usr/lib/postgresql/15/bin
if [ -x "$PGBIN/initdb" ] && [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
	mkdir -p "$tmp/pg" && chown postgres "$tmp/pg" && chmod 755 "$tmp"
	runuser -u postgres -- "$PGBIN/initdb" -D "$tmp/pg/data" -A trust -U mtd -E UTF8 --locale=C >/dev/null 2>&1
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w \
		-o "-k $tmp/pg -c listen_addresses=" start >/dev/null
	trap 'runuser -u postgres -- "$PGBIN/pg_ctl" -D "$tmp/pg/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
	for k in 1 2 3; do psql -X -q "postgresql:///postgres?host=$tmp/pg&user=mtd" -c "CREATE DATABASE r$k"; done
	reps=1
	for k in 1 2 3; do run "mtdscope --jobs 2 --db pg #$k" "$M" scan --jobs 2 --db "postgresql:///r$k?host=$tmp/pg&user=mtd" "$C"; done
	reps=3
else
	echo "mtdscope --db pg: skipped (needs root, the postgres user and postgresql-15)"
fi
if command -v binwalk >/dev/null 2>&1; then
	reps=1
	run "binwalk (all files)" binwalk -q -f /dev/null $(find "$C" -type f | sort)
	printf 'binwalk / mtdscope --jobs 1: %.2fx\n' "$(awk -v a="$t_binwalk__all_files_" -v b="$t_mtdscope___jobs_1" 'BEGIN { print a / b }')"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
