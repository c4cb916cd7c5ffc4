#!/usr/bin/env bash
# A sweep run as a Slurm job array on a one-node cluster started here, merged, and compared
# byte for byte with the same sweep run locally (issue 17 item 3).
#
# Installs Debian's slurm-wlm and munge with apt when sbatch is missing, writes
# /etc/slurm/slurm.conf only if there is none (and removes it afterwards), starts munged,
# slurmctld and slurmd with their state, logs and pid files in a temporary folder, and stops
# what it started by pid file when it ends, however it ends. The whole test runs under
# `timeout 600`. Without root, apt, or with a slurm.conf already there, it skips, saying why;
# with NSSIM_REQUIRE_SLURM=1 a skip is a failure (CI sets it).
#
# Usage: tests/slurm/run.sh   (from anywhere; NSSIM=path/to/nssim to use a built binary)
set -euo pipefail

if [ -z "${NSSIM_SLURM_TIMED:-}" ]; then
    NSSIM_SLURM_TIMED=1 exec timeout 600 "$0" "$@"
fi
cd "$(dirname "$0")/../.."
repo=$(pwd)

skip() {
    if [ "${NSSIM_REQUIRE_SLURM:-}" = 1 ]; then
        echo "slurm test: FAILED: cannot run: $*" >&2
        exit 1
    fi
    echo "slurm test: skipped: $*"
    exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root to install and start a one-node Slurm cluster"
[ -e /etc/slurm/slurm.conf ] && skip "/etc/slurm/slurm.conf exists; this test never overwrites a cluster's configuration"

if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! [ -x /usr/sbin/munged ]; then
    command -v apt-get >/dev/null || skip "slurm is not installed and there is no apt-get to install it"
    echo "slurm test: installing slurm-wlm and munge"
    apt-get update -qq || skip "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null ||
        skip "apt-get install slurm-wlm munge failed"
fi

nssim=${NSSIM:-}
if [ -z "$nssim" ]; then
    cargo build --release --locked --quiet
    nssim="${CARGO_TARGET_DIR:-$repo/target}/release/nssim"
fi
nssim=$(realpath "$nssim")

work=$(mktemp -d)
conf_written=
started_munge=
cleanup() {
    status=$?
    for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid"; do
        if [ -s "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    if [ -n "$started_munge" ] && [ -s /run/munge/munged.pid ]; then
        kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
    fi
    sleep 1
    [ -n "$conf_written" ] && rm -f /etc/slurm/slurm.conf
    if [ "$status" != 0 ]; then
        echo "slurm test: FAILED (exit $status); logs:" >&2
        for f in "$work"/*.log "$work"/out/*.log; do
            [ -f "$f" ] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }
        done
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 124' TERM INT

host=$(hostname -s)
mkdir -p "$work/spool" "$work/state" /etc/slurm
conf_written=1
cat >/etc/slurm/slurm.conf <<CONF
ClusterName=nssimtest
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmdSpoolDir=$work/spool
StateSaveLocation=$work/state
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

if ! { [ -s /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; }; then
    [ -f /etc/munge/munge.key ] || mungekey -c
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge && chown munge:munge /run/munge
    /usr/sbin/munged --force
    started_munge=1
fi
/usr/sbin/slurmctld
/usr/sbin/slurmd

idle=
for _ in $(seq 30); do
    if [ "$(sinfo -h -o %T 2>/dev/null | head -n 1)" = idle ]; then idle=1; break; fi
    sleep 1
done
if [ -z "$idle" ]; then
    echo "slurm test: the node is not idle after 30 s:" >&2
    sinfo >&2 || true
    exit 1
fi
echo "slurm test: one-node cluster up ($host, $(nproc) CPUs)"

sweep=(scenarios/fig-3-3-distributor.toml scenarios/parallel-listener.toml
    --param workload.rate=10000/s,15000/s,20000/s --replications 2
    --set run.duration=2s --warmup 1s --p99-limit 20ms)
SHARDS=4 NSSIM="$nssim" NSSIM_SLURM_WAIT=1 deploy/slurm/sweep.sbatch "$work/out" "${sweep[@]}"
"$nssim" sweep "${sweep[@]}" --out "$work/local" >/dev/null 2>&1

count=0
for f in "$work/local"/*; do
    name=$(basename "$f")
    cmp "$f" "$work/out/sweep/$name"
    count=$((count + 1))
done
[ "$count" -ge 9 ] || { echo "slurm test: only $count files in the local sweep" >&2; exit 1; }
[ "$(ls "$work/out/sweep" | wc -l)" = "$count" ] || { echo "slurm test: the merge wrote other files" >&2; exit 1; }
echo "slurm test: ok: the merged array job equals the local sweep, $count files byte for byte"
