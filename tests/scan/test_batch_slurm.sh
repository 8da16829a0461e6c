#!/usr/bin/env bash
# The Slurm recipe of doc/batch-db.md (issue 15): a single-node cluster started by the test (munged,
# slurmctld and slurmd in the foreground as root, slurm.conf in the test's directory, its own ports)
# runs `sbatch --array=0-1`, each task `scan --shard $SLURM_ARRAY_TASK_ID/2` into a PostgreSQL
# server started by the test (tests/scan/pg.sh); the result set is SQLite's of one plain run.
. "$SRCDIR/tests/lib.sh"
need jq mkimage mkenvimage gzip sqlite3 psql runuser munged slurmctld slurmd sbatch sinfo hostname
[ "$(id -u)" -eq 0 ] || skip_all "slurmctld/slurmd as SlurmUser=root need root"
. "$SRCDIR/tests/scan/pg.sh"

C=$T/corpus
mkdir -p "$C"
for i in $(seq 1 10); do
	head -c $((30000 + i * 5000)) /dev/urandom >"$T/payload"
	mkimage -A arm -O linux -T kernel -C none -a 0x8000 -e 0x8000 -n "slurm $i" -d "$T/payload" "$C/k$i.uimage" >/dev/null
	gzip -9 -c "$T/payload" >"$C/p$i.gz"
	printf 'ethaddr=02:00:00:00:00:%02x\n' "$i" >"$T/env.txt"
	mkenvimage -s 0x2000 -o "$C/env$i.bin" "$T/env.txt"
done
"$MTDSCOPE" scan --db "$T/ref.sqlite" --jobs 2 "$C" >/dev/null 2>&1
is "$?" 0 "SQLite reference run"

S=$T/slurm
mkdir -p "$S/munge" "$S/state" "$S/spool"
chmod 700 "$S/munge"
head -c 1024 /dev/urandom >"$S/munge/key"
chmod 600 "$S/munge/key"
munged -f --key-file="$S/munge/key" --socket="$S/munge/sock" --pid-file="$S/munge/pid" \
	--log-file="$S/munge/log" --seed-file="$S/munge/seed" || skip_all "munged did not start: $(tail -1 "$S/munge/log")"
pids=()
stop_all() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	[ -s "$S/munge/pid" ] && kill "$(cat "$S/munge/pid")" 2>/dev/null
	as_pg "$PGBIN/pg_ctl" -D "$PGSOCK/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$T"
}
trap stop_all EXIT
h=$(hostname -s)
port=$((20000 + $$ % 20000))
cat >"$S/slurm.conf" <<CONF
ClusterName=mtdscope
SlurmctldHost=$h(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge/sock
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/ctld.pid
SlurmdPidFile=$S/d.pid
SlurmctldPort=$port
SlurmdPort=$((port + 1))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/linear
SchedulerType=sched/builtin
ReturnToService=2
MessageTimeout=5
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SlurmctldLogFile=$S/ctld.log
SlurmdLogFile=$S/d.log
NodeName=$h NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$S/slurm.conf
slurmctld -D -i >"$S/ctld.out" 2>&1 &
pids+=($!)
slurmd -D >"$S/d.out" 2>&1 &
pids+=($!)
up= t0=$SECONDS
# by address, not by name: a fresh machine's /etc/hosts may not name its own host name
for _ in $(seq 1 100); do
	[ "$(timeout 5 sinfo -h -o %t 2>/dev/null)" = idle ] && up=1 && break
	[ $((SECONDS - t0)) -lt 60 ] || break
	sleep 0.2
done
[ -n "$up" ] || skip_all "slurmctld/slurmd did not come up in this container: $(tail -1 "$S/ctld.log" 2>/dev/null) $(tail -1 "$S/d.log" 2>/dev/null)"
ok 0 "a single-node Slurm cluster is up ($(sinfo -h -o '%P %t %N'))"

pg_createdb slurm
cat >"$T/job.sh" <<JOB
#!/bin/sh
exec "$MTDSCOPE" scan --jobs 1 --db '$(pg_uri slurm)' --shard "\$SLURM_ARRAY_TASK_ID/2" "$C"
JOB
job=$(timeout 150 sbatch --parsable --wait --array=0-1 -o "$T/task-%a.out" -e "$T/task-%a.err" "$T/job.sh")
is "$?" 0 "sbatch --array=0-1 --wait: both tasks exit 0 (job $job)"
like "$(cat "$T/task-0.err")" "^scan: 15 images" "task 0 scanned its shard (15 of 30)"
like "$(cat "$T/task-1.err")" "^scan: 15 images" "task 1 scanned the other 15"
is "$(dump_pg "$(pg_uri slurm)" | md5sum)" "$(dump_sqlite "$T/ref.sqlite" | md5sum)" \
	"the two array tasks together: SQLite's result set of one run"
done_testing
