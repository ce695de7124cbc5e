#!/usr/bin/env bash
# Build and run the whole system locally: a project-local PostgreSQL cluster, one silo and
# one web instance, all bound to 127.0.0.1.
#
#   deploy/run.sh [--no-build]
#
# Environment (all optional):
#   PORT                          web port (default 5080; a free port if 5080 is taken)
#   COORDINATION_ADMIN_PASSWORD   admin password (default: generated once, kept in .local/secrets.env)
#
# Everything lives under .local/ (git-ignored): pg/ (the cluster), logs/ (silo.log, web.log),
# secrets.env (mode 600). Ctrl-C stops web, silo and PostgreSQL, in that order.
set -euo pipefail

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

build=1
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        -h | --help) usage; exit 0 ;;
        *) printf 'unknown option: %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=deploy/lib/postgres.sh
source "$ROOT/deploy/lib/postgres.sh"

LOCAL="$ROOT/.local"
PG_DIR="$LOCAL/pg"
LOGS="$LOCAL/logs"
SECRETS="$LOCAL/secrets.env"
SILO_DIR="$ROOT/src/Silo"
WEB_DIR="$ROOT/src/Web"
SILO_DLL="$SILO_DIR/bin/Release/net10.0/Coordination.Silo.dll"
WEB_DLL="$WEB_DIR/bin/Release/net10.0/Coordination.Web.dll"
READY_TIMEOUT=120

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[run] %s\n' "$*" >&2; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$LOCAL" "$LOGS"

# One running system per checkout: a second copy would share the cluster and the web port.
# Children are started with fd 9 closed ("9>&-") so that a server outliving this script
# (e.g. after kill -9) cannot hold the lock.
exec 9>"$LOCAL/run.lock"
flock -n 9 || die "deploy/run.sh is already running in this checkout (lock: $LOCAL/run.lock)"

silo_pid="" web_pid="" cleaned=0
# The functions below run from the traps, which shellcheck cannot see.
# shellcheck disable=SC2317
# Stops one child politely (SIGTERM lets the .NET host shut down: the silo leaves the
# cluster membership table cleanly), then forcefully if it does not finish in 30 s.
stop_process() {
    local name="$1" pid="$2" i
    if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
        return 0
    fi
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name did not stop within 30 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
# shellcheck disable=SC2317
cleanup() {
    [[ $cleaned -eq 0 ]] || return 0
    cleaned=1
    # Reverse start order: web is a client of the silo, and both need PostgreSQL.
    stop_process web "$web_pid"
    stop_process silo "$silo_pid"
    pg_stop_cluster "$PG_DIR" || log "WARNING: could not stop the cluster in $PG_DIR"
    log "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- secrets ------------------------------------------------------------------------------
# Generated once and kept in .local/secrets.env (git-ignored, mode 600) so that logins and
# issued tokens survive restarts. Never printed except the admin password, which the person
# running the system needs.
random_base64() { head -c "$1" /dev/urandom | base64 -w 0; }
load_secrets() {
    local line key value
    [[ -f "$SECRETS" ]] || return 0
    # Parsed rather than sourced: the file is data, not code.
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ "$line" == *=* && "$line" != \#* ]] || continue
        key="${line%%=*}" value="${line#*=}"
        case "$key" in
            COORDINATION_ADMIN_PASSWORD) file_admin_password="$value" ;;
            Coordination__Auth__SigningKey) file_signing_key="$value" ;;
        esac
    done <"$SECRETS"
}
file_admin_password="" file_signing_key=""
load_secrets
if [[ -z "$file_admin_password" || -z "$file_signing_key" ]]; then
    # 18 random bytes -> 24 characters; strip the characters that are awkward to type.
    [[ -n "$file_admin_password" ]] || file_admin_password="$(random_base64 18 | tr -d '/+=')"
    # 64 random bytes (>= 48 required) for the HMAC-SHA256/512 JWT signing key.
    [[ -n "$file_signing_key" ]] || file_signing_key="$(random_base64 64)"
    (
        umask 077
        printf '# Local secrets for deploy/run.sh. Never commit this file.\n' >"$SECRETS"
        printf 'COORDINATION_ADMIN_PASSWORD=%s\n' "$file_admin_password" >>"$SECRETS"
        printf 'Coordination__Auth__SigningKey=%s\n' "$file_signing_key" >>"$SECRETS"
    )
    log "generated secrets in $SECRETS"
fi
chmod 600 "$SECRETS"
# An admin password set in the environment wins over the stored one (and is not stored).
admin_password="${COORDINATION_ADMIN_PASSWORD:-$file_admin_password}"
signing_key="${Coordination__Auth__SigningKey:-$file_signing_key}"

# ---- build --------------------------------------------------------------------------------
pg_ensure_installed
if [[ $build -eq 1 ]]; then
    log "building Coordination.sln (Release)"
    dotnet build Coordination.sln -c Release 9>&-
fi
[[ -f "$SILO_DLL" ]] || die "$SILO_DLL not found (run without --no-build)"
[[ -f "$WEB_DLL" ]] || die "$WEB_DLL not found (run without --no-build)"

# ---- PostgreSQL ---------------------------------------------------------------------------
pg_start_cluster "$PG_DIR" 9>&-
pg_create_database coordination
connection="$PG_CONNECTION;Database=coordination"

# ---- readiness ----------------------------------------------------------------------------
# HTTP status of GET http://127.0.0.1:PORT/PATH, or 000 when nothing answers. curl when
# available; otherwise bash's /dev/tcp, because slim images have no curl.
http_status() {
    local port="$1" path="$2" status_line=""
    if command -v curl >/dev/null 2>&1; then
        curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port$path" || true
        return 0
    fi
    # In a subshell, so the descriptor is closed and a refused connection cannot end the script.
    status_line="$(
        (
            exec 3<>"/dev/tcp/127.0.0.1/$port" &&
                printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3 &&
                IFS= read -r -t 5 line <&3 &&
                printf '%s' "$line"
        ) 2>/dev/null || true
    )"
    status_line="${status_line#HTTP/* }"
    printf '%s' "${status_line:0:3}"
    [[ -n "$status_line" ]] || printf '000'
}
# Waits until /health/ready answers 200; fails early if the process exits, and shows the
# end of its log either way so the reason is on screen.
wait_ready() {
    local name="$1" pid="$2" port="$3" logfile="$4" deadline=$((SECONDS + READY_TIMEOUT))
    log "waiting for $name to be ready (http://127.0.0.1:$port/health/ready, up to ${READY_TIMEOUT}s)"
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$logfile" >&2 || true
            die "$name exited during start-up (log above; full log: $logfile)"
        fi
        if [[ "$(http_status "$port" /health/ready)" == 200 ]]; then
            log "$name is ready"
            return 0
        fi
        sleep 1
    done
    tail -n 40 "$logfile" >&2 || true
    die "$name was not ready after ${READY_TIMEOUT}s (log above; full log: $logfile)"
}
# Keeps the previous run's log next to the new one: the interesting failure is often the
# one before the restart.
rotate_log() { [[ ! -f "$1" ]] || mv -f "$1" "$1.1"; }

# ---- silo ---------------------------------------------------------------------------------
silo_port="" gateway_port="" silo_http_port="" web_port=""
free_port silo_port 11111
free_port gateway_port 30000
free_port silo_http_port
rotate_log "$LOGS/silo.log"
log "starting silo (silo port $silo_port, gateway port $gateway_port, health http://127.0.0.1:$silo_http_port)"
# The working directory is the project directory: ASP.NET Core and the generic host use it as
# the content root, so appsettings*.json (and the web's wwwroot) are found from a plain
# `dotnet build` output as well.
(
    cd "$SILO_DIR"
    exec env \
        ConnectionStrings__Coordination="$connection" \
        Orleans__SiloPort="$silo_port" \
        Orleans__GatewayPort="$gateway_port" \
        ASPNETCORE_URLS="http://127.0.0.1:$silo_http_port" \
        dotnet "$SILO_DLL"
) </dev/null >"$LOGS/silo.log" 2>&1 9>&- &
silo_pid=$!
wait_ready silo "$silo_pid" "$silo_http_port" "$LOGS/silo.log"

# ---- web ----------------------------------------------------------------------------------
wanted_port="${PORT:-5080}"
free_port web_port "$wanted_port"
[[ "$web_port" == "$wanted_port" ]] || log "port $wanted_port is taken; using $web_port for the web"
rotate_log "$LOGS/web.log"
log "starting web on http://127.0.0.1:$web_port"
(
    cd "$WEB_DIR"
    exec env \
        ConnectionStrings__Coordination="$connection" \
        COORDINATION_ADMIN_PASSWORD="$admin_password" \
        Coordination__Auth__SigningKey="$signing_key" \
        ASPNETCORE_URLS="http://127.0.0.1:$web_port" \
        dotnet "$WEB_DLL"
) </dev/null >"$LOGS/web.log" 2>&1 9>&- &
web_pid=$!
wait_ready web "$web_pid" "$web_port" "$LOGS/web.log"

cat <<EOF

  Coordination is running at http://127.0.0.1:$web_port
  admin password: $admin_password

  logs:       $LOGS/silo.log
              $LOGS/web.log
              $PG_DIR/log (PostgreSQL)
  database:   $connection
  secrets:    $SECRETS
  Press Ctrl-C to stop.

EOF

# Returns when either process exits (a crash) or a signal arrives (the traps then clean up).
exit_code=0
wait -n "$silo_pid" "$web_pid" || exit_code=$?
if kill -0 "$silo_pid" 2>/dev/null; then
    log "web exited unexpectedly (exit code $exit_code); see $LOGS/web.log"
else
    log "silo exited unexpectedly (exit code $exit_code); see $LOGS/silo.log"
fi
exit $((exit_code == 0 ? 1 : exit_code))
