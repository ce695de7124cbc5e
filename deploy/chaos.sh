#!/usr/bin/env bash
# The standing fault-injection run: 2 silos and 2 web hosts under steady load while faults land on
# a seeded schedule, then a checker compares the history with the database and the API.
#
#   deploy/chaos.sh [--minutes N] [--seed S] [--smoke] [--no-build]
#
# --minutes: how long load and faults run (default 20); --seed: the fault schedule and load
# choices (default random; printed, so a failure can be replayed); --smoke: deploy/test.sh's
# short run (90 seconds by default; checks behaviour, with time bounds wide enough for a loaded
# machine); --no-build: use the Release build already there. Starts a fresh cluster in .local/chaos-pg
# (wiped first) which the run itself stops and starts as one of its faults, prints the table and
# writes the history and figures to .local/chaos/chaos-SEED.json, then stops the cluster (also on
# failure or Ctrl-C). Exit code: 0 no violation, 1 violations, 2 the run failed to run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=deploy/lib/postgres.sh
source "$ROOT/deploy/lib/postgres.sh"
# shellcheck source=deploy/lib/console.sh
source "$ROOT/deploy/lib/console.sh"

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
        --smoke) args+=("$1") ;;
        --minutes | --seed)
            [[ $# -ge 2 ]] || { log "$1 needs a value"; exit 2; }
            args+=("$1" "$2")
            shift
            ;;
        *) log "unknown argument $1 (use --minutes N, --seed S, --smoke, --no-build)"; exit 2 ;;
    esac
    shift
done

mkdir -p "$LOCAL"
console_take_turns "$LOCAL/chaos.lock" chaos
console_guard "$PG_DIR"

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
console_run dotnet "$CHAOS_DLL" "${args[@]}" || rc=$?
exit "$rc"
