# shellcheck shell=bash
#
# What deploy/test.sh, deploy/bench.sh and deploy/chaos.sh share: each runs dotnet (the tests or a
# console) against a throwaway PostgreSQL cluster of its own. Source this file after deploy/lib/postgres.sh; do not run it.
#
# Functions:
#   console_take_turns LOCK NAME   one run per checkout at a time: holds LOCK on fd 9, waiting
#                                  for a run that holds it to finish
#   console_guard PG_DIR           on any exit stop the cluster in PG_DIR; on INT/TERM stop the
#                                  console's process group first
#   console_run CMD...             runs CMD in its own process group; returns its exit code

_console_child=""
_console_pg_dir=""

console_take_turns() {
    local lock="${1:?usage: console_take_turns LOCK NAME}" name="${2:?usage: console_take_turns LOCK NAME}"
    # Two runs in one checkout would wipe each other's cluster. Long-lived children get fd 9
    # closed ("9>&-") so they cannot hold the lock after we exit.
    exec 9>"$lock"
    if ! flock -n 9; then
        printf '[%s] another run is going on in this checkout; waiting for it to finish\n' "$name" >&2
        flock 9
    fi
}

# The functions below run from the traps, which shellcheck cannot see.
# shellcheck disable=SC2317
_console_on_signal() {
    if [[ -n "$_console_child" ]]; then
        printf 'interrupted; stopping %s (pid %s)\n' "$(ps -o comm= -p "$_console_child" 2>/dev/null || echo child)" "$_console_child" >&2
        # CONT first: a process the chaos run froze would not act on TERM. Then give the group up
        # to 30 s to stop (a test host closes its connections), and kill what is left.
        kill -CONT -- "-$_console_child" 2>/dev/null || true
        kill -TERM -- "-$_console_child" 2>/dev/null || true
        local i
        for ((i = 0; i < 300; i++)); do
            kill -0 -- "-$_console_child" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$_console_child" 2>/dev/null || true
        wait "$_console_child" 2>/dev/null || true
    fi
    exit "$1"
}
# shellcheck disable=SC2317
_console_cleanup() {
    pg_stop_cluster "$_console_pg_dir" || printf 'WARNING: could not stop the cluster in %s\n' "$_console_pg_dir" >&2
}

console_guard() {
    _console_pg_dir="${1:?usage: console_guard PG_DIR}"
    trap _console_cleanup EXIT
    trap '_console_on_signal 130' INT
    trap '_console_on_signal 143' TERM
}

# CMD runs in the background and we wait for it: bash runs a signal trap only after a foreground
# command finishes, so a TERM would otherwise wait for the whole run. It gets its own process group
# (setsid) because `dotnet test` and the consoles are front ends whose grandchildren (vstest, test
# hosts, silos) would survive a signal sent to `dotnet` alone; the trap signals that whole group,
# which holds only processes this script started.
console_run() {
    local rc=0
    setsid "$@" 9>&- &
    _console_child=$!
    wait "$_console_child" || rc=$?
    _console_child=""
    return "$rc"
}
