#!/usr/bin/env bash
# The standing fault-injection run: 2 silos and 2 web hosts under steady load while faults land on
# a seeded schedule, then a checker compares the history with the database and the API.
#
#   deploy/chaos.sh [--minutes N] [--seed S] [--no-build]
#
# --minutes: how long load and faults run (default 20); --seed: the fault schedule and load
# choices (default random; printed, so a failure can be replayed); --no-build: use the Release
# build already there (deploy/test.sh's smoke run). Starts a fresh cluster in .local/chaos-pg
# (wiped first) which the run itself stops and starts as one of its faults, prints the table and
# writes the history and figures to .local/chaos/chaos-SEED.json, then stops the cluster (also on
# failure or Ctrl-C). Exit code: 0 no violation, 1 violations, 2 the run failed to run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=deploy/lib/postgres.sh
source "$ROOT/deploy/lib/postgres.sh"

LOCAL="$ROOT/.local"
PG_DIR="$LOCAL/chaos-pg"
CHAOS_DLL="$ROOT/tests/Coordination.Chaos/bin/Release/net10.0/Coordination.Chaos.dll"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[chaos] %s\n' "$*" >&2; }

build=1
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0 ;;
        --minutes | --seed)
            [[ $# -ge 2 ]] || { log "$1 needs a value"; exit 2; }
            args+=("$1" "$2")
            shift
            ;;
        *) log "unknown argument $1 (use --minutes N, --seed S, --no-build)"; exit 2 ;;
    esac
    shift
done

mkdir -p "$LOCAL"
# Two runs in one checkout would wipe each other's cluster; take turns. Long-lived children get
# fd 9 closed ("9>&-") so they cannot hold the lock after we exit.
exec 9>"$LOCAL/chaos.lock"
if ! flock -n 9; then
    log "another deploy/chaos.sh is running in this checkout; waiting for it to finish"
    flock 9
fi

# The console and the hosts it starts run in their own process group, so Ctrl-C or a TERM stops
# them, and nothing else.
child_pid=""
# shellcheck disable=SC2317
on_signal() {
    if [[ -n "$child_pid" ]]; then
        kill -CONT -- "-$child_pid" 2>/dev/null || true
        kill -TERM -- "-$child_pid" 2>/dev/null || true
        sleep 2
        kill -KILL -- "-$child_pid" 2>/dev/null || true
    fi
    exit "$1"
}
# shellcheck disable=SC2317
cleanup() { pg_stop_cluster "$PG_DIR" || log "WARNING: could not stop the cluster in $PG_DIR"; }
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

if [[ $build -eq 1 ]]; then
    log "building the chaos console and the system (Release)"
    build_args=()
    [[ -z "${CI:-}" ]] || build_args+=(--disable-build-servers)
    dotnet build tests/Coordination.Chaos/Coordination.Chaos.csproj -c Release "${build_args[@]}" 9>&-
fi

pg_ensure_installed
pg_stop_cluster "$PG_DIR"
rm -rf "$PG_DIR"
pg_start_cluster "$PG_DIR" 9>&-
export COORDINATION_TEST_PG="$PG_CONNECTION"
export COORDINATION_CHAOS_PG_DIR="$PG_CLUSTER_DIR"
log "COORDINATION_TEST_PG=$COORDINATION_TEST_PG (server log: $PG_DIR/log)"
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

rc=0
setsid dotnet "$CHAOS_DLL" "${args[@]}" 9>&- &
child_pid=$!
wait "$child_pid" || rc=$?
child_pid=""
exit "$rc"
