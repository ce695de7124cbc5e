#!/usr/bin/env bash
# Run the benchmark console against a throwaway PostgreSQL, started exactly as deploy/test.sh
# starts its own.
#
#   deploy/bench.sh [--smoke] [--only 1,2,...] [--out FILE]
#
# Full run: about 10 minutes on 2 cores. --smoke runs every scenario tiny (seconds each) to check
# that it works. Builds Release, starts a fresh cluster in .local/bench-pg (wiped first), runs the
# console (which starts the silo and web host itself, loopback only), prints the table and writes
# JSON to .local/bench/results.json (smoke.json with --smoke), then stops the cluster (also on
# failure or Ctrl-C). Exits with the console's exit code: non-zero when a scenario failed or lost
# anything.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=deploy/lib/postgres.sh
source "$ROOT/deploy/lib/postgres.sh"
# shellcheck source=deploy/lib/console.sh
source "$ROOT/deploy/lib/console.sh"

LOCAL="$ROOT/.local"
PG_DIR="$LOCAL/bench-pg"
BENCH_DLL="$ROOT/tests/Coordination.Benchmarks/bin/Release/net10.0/Coordination.Benchmarks.dll"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[bench] %s\n' "$*" >&2; }

mkdir -p "$LOCAL"
console_take_turns "$LOCAL/bench.lock" bench
console_guard "$PG_DIR"

# Scenario 3 holds 10,000 WebSocket connections: both ends live on this machine, so the web host
# and the client processes each need that many descriptors.
hard_limit="$(ulimit -Hn)"
wanted=65536
if [[ "$hard_limit" != unlimited && "$hard_limit" -lt "$wanted" ]]; then
    wanted="$hard_limit"
fi
ulimit -n "$wanted"
if (($(ulimit -n) < 20000)); then
    log "WARNING: only $(ulimit -n) file descriptors allowed; the fan-out scenario needs more than 10,000"
fi

log "building the benchmark console and the system (Release)"
build_args=()
[[ -z "${CI:-}" ]] || build_args+=(--disable-build-servers)
dotnet build tests/Coordination.Benchmarks/Coordination.Benchmarks.csproj -c Release "${build_args[@]}" 9>&-

pg_ensure_installed
pg_stop_cluster "$PG_DIR"
rm -rf "$PG_DIR"
pg_start_cluster "$PG_DIR" 9>&-
export COORDINATION_TEST_PG="$PG_CONNECTION"
log "COORDINATION_TEST_PG=$COORDINATION_TEST_PG (server log: $PG_DIR/log)"
log "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') memory, load average $(cut -d' ' -f1-3 /proc/loadavg)"

rc=0
console_run dotnet "$BENCH_DLL" "$@" || rc=$?
exit "$rc"
