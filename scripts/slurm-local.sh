#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests and for trying the jobs/ scripts: munge
# (as user munge), slurmctld and slurmd from Debian's packages, every file (keys, sockets, state,
# logs, PIDs, slurm.conf) under $TELRISK_SLURM_DIR (default /tmp/telrisk-slurm). Nothing is
# installed as a service and nothing starts by itself; `stop` ends the daemons by their PIDs.
#
#   scripts/slurm-local.sh start    start (or find running) and wait until the node is idle
#   scripts/slurm-local.sh stop     stop the daemons and leave the folder
#   scripts/slurm-local.sh env      print the exports that point sbatch/srun/squeue at it
#
# After `start`, `eval "$(scripts/slurm-local.sh env)"` lets sbatch, srun and squeue use it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${TELRISK_SLURM_DIR:-/tmp/telrisk-slurm}
conf="$dir/slurm.conf"
host=$(hostname -s)
# Ports of our own, so a site's Slurm on the default ports (6817/6818) is left alone.
ctld_port=${TELRISK_SLURM_PORT:-16817}
slurmd_port=$((ctld_port + 1))

say() { echo "slurm-local: $*" >&2; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_conf() {
    local cpus mem
    cpus=$(nproc)
    mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
    cat >"$conf" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster for telrisk's tests.
ClusterName=telrisk
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/slurmd
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=pmix
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=5
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
}

start_munge() {
    alive "$dir/munge/munged.pid" && return
    mkdir -p "$dir/munge"
    if [ ! -s "$dir/munge/munge.key" ]; then
        dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    fi
    chown -R munge:munge "$dir/munge"
    chmod 0700 "$dir/munge"
    chmod 0400 "$dir/munge/munge.key"
    # --force: the state folder may sit under a world-writable /tmp.
    runuser -u munge -- munged --force --socket="$dir/munge/munge.socket" \
        --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
        --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
    # The clients (slurmctld, slurmd, sbatch) run as root and need to reach the socket.
    chmod 0755 "$dir/munge"
}

start() {
    command -v slurmctld >/dev/null && command -v munged >/dev/null ||
        { say "slurm-wlm and munge are not installed (scripts/setup.sh installs them)"; exit 1; }
    mkdir -p "$dir/ctld" "$dir/slurmd"
    start_munge
    write_conf
    alive "$dir/slurmctld.pid" || slurmctld -f "$conf" -i
    alive "$dir/slurmd.pid" || slurmd -f "$conf"
    for _ in $(seq 1 60); do
        state=$(SLURM_CONF="$conf" sinfo -h -N -o %T 2>/dev/null || true)
        case "$state" in
        idle* | mixed* | allocated*) say "up: node $host $state, SLURM_CONF=$conf"; return ;;
        esac
        sleep 0.5
    done
    say "the node did not become idle in 30 s (state '$state'); logs in $dir"
    tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
    exit 1
}

stop_pid() { # PIDFILE NAME
    if alive "$1"; then
        local pid
        pid=$(cat "$1")
        kill "$pid"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$1"
}

stop() {
    stop_pid "$dir/slurmd.pid" slurmd
    stop_pid "$dir/slurmctld.pid" slurmctld
    stop_pid "$dir/munge/munged.pid" munged
    say "stopped (state and logs left in $dir)"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
env) echo "export SLURM_CONF=$conf" ;;
*) echo "usage: $0 start|stop|env" >&2; exit 1 ;;
esac
