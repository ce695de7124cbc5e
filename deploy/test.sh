#!/usr/bin/env bash
# Run the whole test suite against a real, throwaway PostgreSQL cluster.
#
#   deploy/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Feed]
#
# Starts a fresh cluster in .local/test-pg (wiped first, so every run starts clean), exports
# COORDINATION_TEST_PG for the tests, builds, runs `dotnet test`, stops the cluster (also on
# failure or Ctrl-C), then a 90-second chaos run (deploy/chaos.sh --smoke, seed
# COORDINATION_CHAOS_SEED, default 14), counted as one test: always after the whole suite, after a
# filtered run only with COORDINATION_CHAOS_SMOKE=1, never with COORDINATION_CHAOS_SMOKE=0.
# Exits non-zero if either failed.
# The last line printed is the summary "N passed, N failed[, N skipped]", computed from the TRX
# files of this run and the chaos run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=deploy/lib/postgres.sh
source "$ROOT/deploy/lib/postgres.sh"
# shellcheck source=deploy/lib/console.sh
source "$ROOT/deploy/lib/console.sh"

LOCAL="$ROOT/.local"
PG_DIR="$LOCAL/test-pg"
RESULTS="$LOCAL/test-results"

# Quiet, reproducible dotnet on CI machines (no banner, no telemetry, no first-run work).
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[test] %s\n' "$*" >&2; }

# ---- Browser for the headless UI tests -------------------------------------------------
# Browser tests drive a headless Chromium; the Debian package is the only browser we can get
# (the network reaches Debian, NuGet and npm only, not Playwright's CDN). Tests find it at
# /usr/bin/chromium.
ensure_browser() {
    if [[ -x /usr/bin/chromium ]]; then
        return 0
    fi
    log "installing Chromium for the browser tests (apt-get install chromium)"
    # A missing browser must not hide the results of every other test: warn, carry on, and
    # let the browser tests themselves fail visibly.
    apt_install chromium || log "WARNING: could not install Chromium; browser tests will fail"
}

mkdir -p "$LOCAL"

# Two runs in the same checkout would wipe each other's cluster and results; take turns. On every
# exit path (success, failure, Ctrl-C, CI's TERM) the cluster is stopped, and dotnet's whole process
# group first on a signal (deploy/lib/console.sh).
console_take_turns "$LOCAL/test.lock" test
console_guard "$PG_DIR"

pg_ensure_installed
ensure_browser

# A previous run that was killed hard may have left its server running: stop it by its data
# directory, then start from an empty directory.
pg_stop_cluster "$PG_DIR"
rm -rf "$PG_DIR" "$RESULTS"
pg_start_cluster "$PG_DIR" 9>&-
export COORDINATION_TEST_PG="$PG_CONNECTION"
log "COORDINATION_TEST_PG=$COORDINATION_TEST_PG (server log: $PG_DIR/log)"

log "building Coordination.sln (Release)"
build_args=()
# On CI, no compiler/MSBuild servers: they would outlive the job holding its output pipes.
[[ -z "${CI:-}" ]] || build_args+=(--disable-build-servers)
build_rc=0
console_run dotnet build Coordination.sln -c Release "${build_args[@]}" || build_rc=$?
if [[ $build_rc -ne 0 ]]; then
    log "BUILD FAILED (exit code $build_rc); no tests were run"
    exit "$build_rc"
fi

test_rc=0
# --blame-hang-timeout: a deadlocked test fails the run with a clear message instead of
# silently eating CI's 90-minute budget.
console_run dotnet test Coordination.sln -c Release --no-build \
    --logger "console;verbosity=normal" \
    --logger trx \
    --results-directory "$RESULTS" \
    --blame-hang-timeout "${COORDINATION_TEST_HANG_TIMEOUT:-20m}" \
    "$@" || test_rc=$?

# Stop the server now rather than in the EXIT trap, so the summary below is the last line.
pg_stop_cluster "$PG_DIR"

# ---- Chaos smoke ------------------------------------------------------------------------
# A short run of the standing fault-injection run on its own PostgreSQL: a few faults under
# load, and the checker's verdict (docs/guarantees.md, "Under chaos"): part of the whole suite.
chaos_ran=0 chaos_rc=0
chaos_smoke="${COORDINATION_CHAOS_SMOKE:-}"
if [[ -z "$chaos_smoke" ]]; then
    chaos_smoke=$([[ $# -eq 0 ]] && echo 1 || echo 0)
fi
if [[ "$chaos_smoke" == 1 ]]; then
    chaos_seed="${COORDINATION_CHAOS_SEED:-14}"
    log "chaos smoke run: bash deploy/chaos.sh --smoke --seed $chaos_seed"
    chaos_ran=1
    console_run bash deploy/chaos.sh --smoke --seed "$chaos_seed" --no-build || chaos_rc=$?
    log "chaos smoke run exit code: $chaos_rc"
fi

# ---- Summary from the TRX files ---------------------------------------------------------
# Each test project writes one TRX with a <Counters total=".." passed=".." failed=".." .../>
# element. Skipped tests are not counted in any attribute of their own: VSTest leaves them
# out of "executed" (and its notExecuted counter stays 0 for xUnit skips), so skipped is
# total - executed. error/timeout/aborted are failures too, so they count as failed.
counter() { # counter NAME COUNTERS-ELEMENT -> the attribute's value or 0
    local value
    value="$(sed -n -E "s/.*[[:space:]]$1=\"([0-9]+)\".*/\1/p" <<<"$2")"
    printf '%s' "${value:-0}"
}
passed=0 failed=0 skipped=0 trx_files=0
while IFS= read -r -d '' trx; do
    trx_files=$((trx_files + 1))
    counters="$(tr '\n' ' ' <"$trx" | grep -o '<Counters [^>]*>' | head -n 1 || true)"
    [[ -n "$counters" ]] || { log "WARNING: no <Counters> in $trx"; continue; }
    passed=$((passed + $(counter passed "$counters")))
    failed=$((failed + $(counter failed "$counters") + $(counter error "$counters") \
        + $(counter timeout "$counters") + $(counter aborted "$counters")))
    not_run=$(($(counter total "$counters") - $(counter executed "$counters")))
    not_executed=$(counter notExecuted "$counters")
    skipped=$((skipped + (not_run > not_executed ? not_run : not_executed)))
done < <(find "$RESULTS" -name '*.trx' -print0 2>/dev/null)

if [[ $chaos_ran -eq 1 ]]; then
    if [[ $chaos_rc -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        [[ $test_rc -ne 0 ]] || test_rc=$chaos_rc
    fi
fi

# The names of the failed tests and the first lines of their messages, here at the end, where a
# log that keeps only its tail still shows them.
failed_tests() { # failed_tests TRX -> "FAILED name" and up to 6 lines of its message
    awk '
        /<UnitTestResult / {
            failing = ($0 ~ /outcome="Failed"/)
            if (failing && match($0, /testName="[^"]*"/)) print "FAILED " substr($0, RSTART + 10, RLENGTH - 11)
        }
        failing && /<Message>/ { in_message = 1; lines = 0; sub(/.*<Message>/, "") }
        in_message {
            text = $0; done = sub(/<\/Message>.*/, "", text)
            if (lines++ < 6) print "    " text
            if (done) in_message = 0
        }
        /<\/UnitTestResult>/ { failing = 0; in_message = 0 }
    ' "$1"
}
while IFS= read -r -d '' trx; do
    failed_tests "$trx"
done < <(find "$RESULTS" -name '*.trx' -print0 2>/dev/null)

if [[ $trx_files -eq 0 ]]; then
    log "WARNING: no TRX files in $RESULTS (did the test host crash before reporting?)"
fi
log "dotnet test exit code: $test_rc; TRX files: $trx_files in $RESULTS"
summary="$passed passed, $failed failed"
if [[ $skipped -gt 0 ]]; then
    summary+=", $skipped skipped"
fi
echo
echo "$summary"
exit "$test_rc"
