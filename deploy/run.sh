#!/usr/bin/env bash
# Build and run the whole system locally: a project-local PostgreSQL cluster, N silos and
# M web instances (default one of each). PostgreSQL and every HTTP endpoint listen on
# 127.0.0.1 only; the silos advertise 127.0.0.1 to each other.
#
#   deploy/run.sh [--no-build] [--silos N] [--webs M]
#
#   --no-build    use the existing Release build
#   --silos N     start N silos (default 1); they form one Orleans cluster through the
#                 PostgreSQL membership table (ADO.NET clustering)
#   --webs M      start M web instances (default 1), each an Orleans client of that cluster
#
# Environment (all optional):
#   PORT                          port of the first web (default 5080; a free port if taken);
#                                 web i prefers PORT+i-1
#   COORDINATION_ADMIN_PASSWORD   admin password (default: generated once, kept in .local/secrets.env)
#   Orleans__ClusterId            cluster id for every silo and web (default coordination)
#   Orleans__ServiceId            service id for every silo and web (default coordination)
#
# The silos and webs connect to PostgreSQL as coordination_runtime (no superuser, owns nothing);
# the schema belongs to coordination_owner, as which the silos migrate (docs/security.md).
# A local SMTP server with a web inbox (smtp4dev, the repository's dotnet tool) receives every
# e-mail the system sends; its inbox URL is printed beside the system's (SMTP port 2525 and inbox
# port 5380 preferred). Everything lives under .local/ (git-ignored): pg/ (the cluster), logs/
# (silo1.log, silo2.log, ..., web1.log, ...; silo.log and web.log link to the first of each;
# smtp4dev.log), secrets.env (mode 600),
# data-protection-keys/ (the key ring that encrypts passport numbers and phones; back it up).
# Ctrl-C stops the webs, then the silos, then PostgreSQL.
set -euo pipefail

usage() { sed -n '2,/^set /{s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; }

build=1 silos=1 webs=1
# Stores the value of a counted option ("--silos 3" or "--silos=3") in the named variable.
set_count() {
    local -n _sc_out="$1"
    [[ "$3" =~ ^[1-9][0-9]*$ ]] || { printf '%s needs a positive number, got "%s"\n\n' "$2" "$3" >&2; usage >&2; exit 2; }
    _sc_out="$3"
}
while (($# > 0)); do
    case "$1" in
        --no-build) build=0 ;;
        --silos | --webs)
            (($# >= 2)) || { printf '%s needs a number\n\n' "$1" >&2; usage >&2; exit 2; }
            set_count "${1#--}" "$1" "$2"
            shift
            ;;
        --silos=* | --webs=*) name="${1%%=*}"; set_count "${name#--}" "$name" "${1#*=}" ;;
        -h | --help) usage; exit 0 ;;
        *) printf 'unknown option: %s\n\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
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
# Every silo and every web must use the same ids, or they form separate clusters that never
# see each other; they are passed explicitly to each process rather than left to appsettings.
CLUSTER_ID="${Orleans__ClusterId:-coordination}"
SERVICE_ID="${Orleans__ServiceId:-coordination}"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[run] %s\n' "$*" >&2; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$CLUSTER_ID" =~ ^[A-Za-z0-9_-]+$ ]] || die "Orleans__ClusterId may contain only letters, digits, '_' and '-'"
[[ "$SERVICE_ID" =~ ^[A-Za-z0-9_-]+$ ]] || die "Orleans__ServiceId may contain only letters, digits, '_' and '-'"

mkdir -p "$LOCAL" "$LOGS"

# One running system per checkout: a second copy would share the cluster and the web port.
# Children are started with fd 9 closed ("9>&-") so that a server outliving this script
# (e.g. after kill -9) cannot hold the lock.
exec 9>"$LOCAL/run.lock"
flock -n 9 || die "deploy/run.sh is already running in this checkout (lock: $LOCAL/run.lock)"

# Every child this script starts, by index: its name (silo1, web2, ...), pid, HTTP port and
# log file. A pid is blanked once the process has been reaped, because its number may then
# belong to someone else's process.
proc_names=() proc_pids=() proc_ports=() proc_logs=()
silo_procs=() web_procs=() cleaned=0 smtp_pid=
# The functions below run from the traps, which shellcheck cannot see.
# shellcheck disable=SC2317
# Succeeds if any of the given children (indexes into proc_*) is still running.
any_running() {
    local i
    for i in "$@"; do
        [[ -n "${proc_pids[i]}" ]] && kill -0 "${proc_pids[i]}" 2>/dev/null && return 0
    done
    return 1
}
# shellcheck disable=SC2317
# Stops the given children politely, all at once: SIGTERM lets the .NET host shut down (a
# silo deactivates its grains and marks itself dead in the membership table). Whatever has
# not finished after 30 s is killed.
stop_processes() {
    local i tick
    local -a running=()
    for i in "$@"; do
        any_running "$i" || continue
        log "stopping ${proc_names[i]} (pid ${proc_pids[i]})"
        kill -TERM "${proc_pids[i]}" 2>/dev/null || true
        running+=("$i")
    done
    for ((tick = 0; tick < 300; tick++)); do
        any_running "${running[@]}" || break
        sleep 0.1
    done
    for i in "${running[@]}"; do
        if any_running "$i"; then
            log "${proc_names[i]} did not stop within 30 s; killing it"
            kill -KILL "${proc_pids[i]}" 2>/dev/null || true
        fi
        wait "${proc_pids[i]}" 2>/dev/null || true
        proc_pids[i]=""
    done
}
# shellcheck disable=SC2317
cleanup() {
    [[ $cleaned -eq 0 ]] || return 0
    cleaned=1
    local k
    # Reverse start order: webs are clients of the silos, and everything needs PostgreSQL.
    # The webs are independent of each other, so they stop together. Silos stop one at a time,
    # newest first, so each leaving silo hands its grains and directory entries to silos that
    # are still up instead of to one that is leaving too.
    stop_processes "${web_procs[@]}"
    for ((k = ${#silo_procs[@]} - 1; k >= 0; k--)); do
        stop_processes "${silo_procs[k]}"
    done
    stop_inbox
    pg_stop_cluster "$PG_DIR" || log "WARNING: could not stop the cluster in $PG_DIR"
    log "stopped"
}
# shellcheck disable=SC2317
# smtp4dev runs as a child of `dotnet tool run`, in a session of its own: the whole group stops.
stop_inbox() {
    local tick
    [[ -n "$smtp_pid" ]] || return 0
    log "stopping smtp4dev (pid $smtp_pid)"
    kill -TERM -- "-$smtp_pid" 2>/dev/null || true
    for ((tick = 0; tick < 100; tick++)); do
        kill -0 -- "-$smtp_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$smtp_pid" 2>/dev/null || true
    wait "$smtp_pid" 2>/dev/null || true
    smtp_pid=""
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
# The silos and web hosts run as coordination_runtime, which is no superuser and owns nothing, so
# the audit log's append-only triggers bind it; the first silo migrates as coordination_owner.
pg_create_app_roles coordination
connection="Host=127.0.0.1;Port=$PG_PORT;Username=coordination_runtime;Database=coordination"
migrations_connection="Host=127.0.0.1;Port=$PG_PORT;Username=coordination_owner;Database=coordination"

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
# Waits until /health/ready answers 200 on every given child (indexes into proc_*), polling
# them together so that several hosts starting in parallel share one deadline. Fails early if
# one exits, and shows the end of its log either way so the reason is on screen.
wait_ready() {
    local i deadline=$((SECONDS + READY_TIMEOUT)) names=""
    local -a pending=("$@") still
    for i in "$@"; do names+="${names:+, }${proc_names[i]}"; done
    log "waiting for $names to be ready (/health/ready, up to ${READY_TIMEOUT}s)"
    while :; do
        still=()
        for i in "${pending[@]}"; do
            if ! kill -0 "${proc_pids[i]}" 2>/dev/null; then
                tail -n 40 "${proc_logs[i]}" >&2 || true
                die "${proc_names[i]} exited during start-up (log above; full log: ${proc_logs[i]})"
            fi
            if [[ "$(http_status "${proc_ports[i]}" /health/ready)" == 200 ]]; then
                log "${proc_names[i]} is ready"
            else
                still+=("$i")
            fi
        done
        pending=("${still[@]}")
        ((${#pending[@]} > 0)) || return 0
        ((SECONDS < deadline)) || break
        sleep 1
    done
    names=""
    for i in "${pending[@]}"; do
        printf '\n---- end of %s ----\n' "${proc_logs[i]}" >&2
        tail -n 40 "${proc_logs[i]}" >&2 || true
        names+="${names:+, }${proc_names[i]}"
    done
    die "$names not ready after ${READY_TIMEOUT}s (logs above)"
}
# Keeps the previous run's log next to the new one: the interesting failure is often the
# one before the restart.
rotate_log() { [[ ! -f "$1" ]] || mv -f "$1" "$1.1"; }

# Starts one host in the background and records it in proc_*.
#   start_host NAME PROJECT_DIR DLL HTTP_PORT [VAR=VALUE...]
# The working directory is the project directory: ASP.NET Core and the generic host use it as
# the content root, so appsettings*.json (and the web's wwwroot) are found from a plain
# `dotnet build` output as well.
start_host() {
    local name="$1" dir="$2" dll="$3" http_port="$4" logfile="$LOGS/$1.log"
    shift 4
    rotate_log "$logfile"
    (
        cd "$dir"
        exec env "$@" ASPNETCORE_URLS="http://127.0.0.1:$http_port" dotnet "$dll"
    ) </dev/null >"$logfile" 2>&1 9>&- &
    proc_names+=("$name") proc_pids+=("$!") proc_ports+=("$http_port") proc_logs+=("$logfile")
}
# silo.log and web.log (the names of the single-instance days, used in the README) point at
# the first instance's log. A regular file by that name is an old run's log: keep it as .1.
link_log() {
    local link="$LOGS/$1.log"
    [[ -L "$link" || ! -e "$link" ]] || mv -f "$link" "$link.1"
    ln -sfn "${1}1.log" "$link"
}

# Settings every silo and every web share: the same database and the same cluster.
common_env=(
    ConnectionStrings__Coordination="$connection"
    Orleans__ClusterId="$CLUSTER_ID"
    Orleans__ServiceId="$SERVICE_ID"
)

# ---- local SMTP server with a web inbox ----------------------------------------------------
# Every e-mail the system sends lands in smtp4dev's inbox (kept in memory), so a newcomer sees
# them in a browser. Production points Coordination__Smtp__* at the agency's real server.
dotnet tool restore >/dev/null 9>&-
smtp_port="" inbox_port=""
free_port smtp_port 2525
free_port inbox_port 5380
inbox_url="http://127.0.0.1:$inbox_port"
rotate_log "$LOGS/smtp4dev.log"
log "starting smtp4dev (SMTP 127.0.0.1:$smtp_port, inbox $inbox_url)"
setsid dotnet tool run smtp4dev -- --urls="$inbox_url" --smtpport="$smtp_port" --bindaddress=127.0.0.1 \
    --db= --imapport= --pop3port= --nousersettings </dev/null >"$LOGS/smtp4dev.log" 2>&1 9>&- &
smtp_pid=$!
for ((tick = 0; tick < READY_TIMEOUT; tick++)); do
    [[ "$(http_status "$inbox_port" /api/messages)" != 200 ]] || break
    kill -0 "$smtp_pid" 2>/dev/null || { tail -n 20 "$LOGS/smtp4dev.log" >&2; die "smtp4dev exited during start-up"; }
    sleep 1
done
[[ "$(http_status "$inbox_port" /api/messages)" == 200 ]] || die "smtp4dev not ready after ${READY_TIMEOUT}s ($LOGS/smtp4dev.log)"

# ---- silos --------------------------------------------------------------------------------
# Silo 1 starts alone and must be ready before any other: it applies the database migrations
# (including the Orleans tables), which the others would otherwise race. The rest then start
# in parallel and find the cluster through the membership table. Silo i prefers ports
# 11111+i-1 and 30000+i-1 so that the membership table is easy to read.
silo_ports=() gateway_ports=()
start_silo() {
    local n="$1" silo_port="" gateway_port="" http_port=""
    free_port silo_port $((11111 + n - 1))
    free_port gateway_port $((30000 + n - 1))
    free_port http_port
    log "starting silo$n (silo port $silo_port, gateway port $gateway_port, health http://127.0.0.1:$http_port)"
    start_host "silo$n" "$SILO_DIR" "$SILO_DLL" "$http_port" "${common_env[@]}" \
        Orleans__SiloPort="$silo_port" \
        Orleans__GatewayPort="$gateway_port" \
        Orleans__AdvertisedAddress=127.0.0.1 \
        ConnectionStrings__CoordinationMigrations="$migrations_connection" \
        Coordination__DataProtection__KeyDirectory="$LOCAL/data-protection-keys" \
        Coordination__Smtp__Host=127.0.0.1 \
        Coordination__Smtp__Port="$smtp_port" \
        Coordination__Smtp__Tls=None \
        Coordination__Notify__DashboardUrl="http://127.0.0.1:${PORT:-5080}"
    silo_procs+=($((${#proc_pids[@]} - 1)))
    silo_ports+=("$silo_port") gateway_ports+=("$gateway_port")
}
start_silo 1
link_log silo
wait_ready "${silo_procs[0]}"
if ((silos > 1)); then
    for ((n = 2; n <= silos; n++)); do start_silo "$n"; done
    wait_ready "${silo_procs[@]:1}"
fi

# ---- webs ---------------------------------------------------------------------------------
# The webs are stateless Orleans clients that find the silo gateways in the membership table;
# they start together once the whole cluster is up.
wanted_port="${PORT:-5080}"
if ! [[ "$wanted_port" =~ ^[1-9][0-9]*$ ]] || ((wanted_port + webs - 1 > 65535)); then
    die "PORT must be a TCP port number with room for $webs web(s) from it up, got '$wanted_port'"
fi
web_urls=()
for ((n = 1; n <= webs; n++)); do
    web_port=""
    free_port web_port $((wanted_port + n - 1))
    [[ "$web_port" == $((wanted_port + n - 1)) ]] || log "port $((wanted_port + n - 1)) is taken; using $web_port for web$n"
    log "starting web$n on http://127.0.0.1:$web_port"
    start_host "web$n" "$WEB_DIR" "$WEB_DLL" "$web_port" "${common_env[@]}" \
        COORDINATION_ADMIN_PASSWORD="$admin_password" \
        Coordination__Auth__SigningKey="$signing_key"
    web_procs+=($((${#proc_pids[@]} - 1)))
    web_urls+=("http://127.0.0.1:$web_port")
done
link_log web
wait_ready "${web_procs[@]}"

# ---- summary ------------------------------------------------------------------------------
# Prints a labelled block: the label on the first line only.
rows() {
    local label="$1:" item
    shift
    for item in "$@"; do
        printf '  %-11s %s\n' "$label" "$item"
        label=""
    done
}
silo_rows=() web_rows=() log_rows=()
for ((n = 1; n <= silos; n++)); do
    i="${silo_procs[n - 1]}"
    silo_rows+=("silo$n: silo port ${silo_ports[n - 1]}, gateway port ${gateway_ports[n - 1]}, health http://127.0.0.1:${proc_ports[i]}/health/ready")
    log_rows+=("${proc_logs[i]}$([[ $n -gt 1 ]] || echo " (also $LOGS/silo.log)")")
done
# Every web serves the whole API and UI against the same cluster, so any of them will do; the
# first is "the" URL. Put a load balancer in front to spread users over all of them.
for ((n = 1; n <= webs; n++)); do
    i="${web_procs[n - 1]}"
    web_rows+=("web$n: ${web_urls[n - 1]}$([[ $n -gt 1 ]] || echo ' (the URL above)')")
    log_rows+=("${proc_logs[i]}$([[ $n -gt 1 ]] || echo " (also $LOGS/web.log)")")
done
log_rows+=("$PG_DIR/log (PostgreSQL)" "$LOGS/smtp4dev.log (e-mail inbox)")
{
    printf '\n  Coordination is running at %s\n' "${web_urls[0]}"
    printf '  e-mail inbox: %s (smtp4dev; SMTP 127.0.0.1:%s)\n' "$inbox_url" "$smtp_port"
    printf '  admin password: %s\n\n' "$admin_password"
    rows webs "${web_rows[@]}"
    rows silos "${silo_rows[@]}"
    rows cluster "ClusterId $CLUSTER_ID, ServiceId $SERVICE_ID (membership: table orleansmembershiptable)"
    rows logs "${log_rows[@]}"
    rows database "$connection" "migrations: $migrations_connection"
    rows secrets "$SECRETS"
    printf '  Press Ctrl-C to stop.\n\n'
}

# ---- supervision --------------------------------------------------------------------------
# An instance that exits is reported; the others keep running as long as at least one silo
# and one web are left (with several silos, killing one on purpose to watch the cluster
# recover is a legitimate experiment). When the last silo or the last web is gone, or a signal
# arrives (the traps then clean up), everything stops.
alive() { # alive INDEX... -> succeeds if any of them has not been reaped yet
    local i
    for i in "$@"; do [[ -z "${proc_pids[i]}" ]] || return 0; done
    return 1
}
exit_code=0
while alive "${silo_procs[@]}" && alive "${web_procs[@]}"; do
    live=()
    for i in "${!proc_pids[@]}"; do [[ -z "${proc_pids[i]}" ]] || live+=("${proc_pids[i]}"); done
    exited="" rc=0
    wait -n -p exited "${live[@]}" || rc=$?
    [[ -n "$exited" ]] || continue
    for i in "${!proc_pids[@]}"; do
        [[ "${proc_pids[i]}" == "$exited" ]] || continue
        proc_pids[i]=""
        log "${proc_names[i]} exited unexpectedly (exit code $rc); see ${proc_logs[i]}"
    done
    exit_code=$rc
done
alive "${silo_procs[@]}" || log "no silo is left; stopping"
alive "${web_procs[@]}" || log "no web is left; stopping"
exit $((exit_code == 0 ? 1 : exit_code))
