# shellcheck shell=bash
#
# PostgreSQL helpers for deploy/run.sh and deploy/test.sh. Source this file; do not run it.
#
# The project never uses the distribution's system cluster (port 5432, /var/lib/postgresql):
# every script runs its own cluster in a directory it owns, on a free TCP port bound to
# 127.0.0.1 only, so several checkouts, developers and CI jobs can share a machine.
#
# Functions:
#   pg_ensure_installed        sets PG_BIN (installs the `postgresql` package if needed)
#   pg_start_cluster DIR       creates/starts (or reuses) the cluster in DIR; exports PG_PORT,
#                              PG_CONNECTION, PG_CLUSTER_DIR
#   pg_stop_cluster DIR        stops the cluster whose data directory is DIR/data (only that one)
#   pg_crash_cluster DIR       stops it as a crash would (immediate: no checkpoint, clients cut);
#                              the fault injection of deploy/chaos.sh
#   pg_create_database NAME    creates NAME in the started cluster unless it already exists
#   pg_create_app_roles NAME   gives database NAME to the role coordination_owner (not a superuser;
#                              the migrations run as it) and creates coordination_runtime, a member
#                              of coordination_app, for the silos and web hosts (docs/security.md)
#   free_port VAR [PREFERRED]  stores a free 127.0.0.1 TCP port in VAR
#   apt_install PKG...         apt-get install, non-interactive, with one `apt-get update`

# Ports handed out by free_port during this shell's lifetime. Nothing is bound to them until
# the caller starts its process, so without this list two calls in a row could return the
# same port.
_FREE_PORTS_GIVEN=" "
_APT_UPDATED=0

_pg_log() { printf '[postgres] %s\n' "$*" >&2; }
_pg_die() { printf '[postgres] ERROR: %s\n' "$*" >&2; return 1; }

# Runs a command as root: directly when we are root, through sudo otherwise (a developer's
# own account). Package installation is the only thing that needs it.
_as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        _pg_die "need root to run: $* (no sudo available)"
    fi
}

apt_install() {
    # noninteractive: CI has no stdin, and a debconf prompt would hang the job until timeout.
    if [[ $_APT_UPDATED -eq 0 ]]; then
        # A fresh machine (or a slim image) may have empty package lists; install would fail.
        _as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        _APT_UPDATED=1
    fi
    _as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "$@"
}

# Prints the bin directory of the highest installed PostgreSQL major version, or nothing.
_pg_find_bin() {
    local dir best=""
    # sort -V so that 9.6 < 10 < 15 < 17.
    while IFS= read -r dir; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            best="$dir"
        fi
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V)
    printf '%s' "$best"
}

pg_ensure_installed() {
    PG_BIN="$(_pg_find_bin)"
    if [[ -z "$PG_BIN" ]]; then
        _pg_log "PostgreSQL binaries not found under /usr/lib/postgresql; installing the 'postgresql' package"
        # postgresql-common would create and start a system cluster ("main", port 5432) on
        # install. We never use it; it would only take memory and a port on CI machines.
        # Install postgresql-common first and turn cluster creation off before the server
        # package's post-install script runs.
        apt_install postgresql-common
        if [[ -f /etc/postgresql-common/createcluster.conf ]]; then
            _as_root sed -i -E 's/^[#[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' \
                /etc/postgresql-common/createcluster.conf
        fi
        apt_install postgresql
        PG_BIN="$(_pg_find_bin)"
        [[ -n "$PG_BIN" ]] || _pg_die "installed 'postgresql' but still found no /usr/lib/postgresql/*/bin" || return 1
    fi
    export PG_BIN
    _pg_log "using $("$PG_BIN/postgres" --version) from $PG_BIN"
}

# Is anything listening on 127.0.0.1:PORT (or on all addresses)?
_port_in_use() {
    local port="$1"
    if command -v ss >/dev/null 2>&1; then
        [[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]]
    else
        # No iproute2 on slim images: a refused connection means nobody listens.
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}

free_port() {
    # Locals are prefixed so they cannot shadow the caller's variable behind the nameref.
    local -n _fp_out="$1"
    local _fp_preferred="${2:-}" _fp_port _fp_attempt
    if [[ -n "$_fp_preferred" && "$_FREE_PORTS_GIVEN" != *" $_fp_preferred "* ]] &&
        ! _port_in_use "$_fp_preferred"; then
        _FREE_PORTS_GIVEN+="$_fp_preferred "
        _fp_out="$_fp_preferred"
        return 0
    fi
    for ((_fp_attempt = 1; _fp_attempt <= 200; _fp_attempt++)); do
        # 20000-31999 is below Linux's ephemeral range (32768+), so an outgoing connection
        # cannot grab the port between this check and the moment our process binds it.
        _fp_port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
        if [[ "$_FREE_PORTS_GIVEN" != *" $_fp_port "* ]] && ! _port_in_use "$_fp_port"; then
            _FREE_PORTS_GIVEN+="$_fp_port "
            _fp_out="$_fp_port"
            return 0
        fi
    done
    _pg_die "no free TCP port found after 200 attempts"
}

# Runs a PostgreSQL server tool as the cluster owner. initdb, pg_ctl and postgres refuse to
# run as root, so root uses the `postgres` OS user; anyone else owns their cluster directly.
# `cd /` because the caller's directory may not be readable by postgres (e.g. under /root).
_pg_as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# As root, make sure the postgres user exists and can reach DIR. It needs to traverse every
# parent directory; we add only the traverse bit (o+x), never read or write, and say so.
_pg_prepare_dir_for_postgres() {
    local dir="$1" path="" part
    if ! id -u postgres >/dev/null 2>&1; then
        _pg_log "creating system user 'postgres' to own the cluster"
        useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
            --shell /bin/bash postgres
    fi
    local -a parts
    IFS=/ read -r -a parts <<<"${dir#/}"
    for part in "${parts[@]}"; do
        [[ -n "$part" ]] || continue
        path+="/$part"
        [[ -d "$path" ]] || break
        if ! runuser -u postgres -- test -x "$path" 2>/dev/null; then
            _pg_log "granting traverse permission (chmod o+x) on $path so the postgres user can reach $dir"
            chmod o+x "$path" ||
                _pg_die "the postgres user cannot traverse $path and chmod o+x failed; put the cluster elsewhere" ||
                return 1
            runuser -u postgres -- test -x "$path" ||
                _pg_die "the postgres user still cannot traverse $path (ACL/mount options?); put the cluster elsewhere" ||
                return 1
        fi
    done
}

_pg_is_running() {
    local dir="$1"
    [[ -f "$dir/data/postmaster.pid" ]] || return 1
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

_pg_init_cluster() {
    local dir="$1" locale="C"
    # C.UTF-8 gives UTF-8 character semantics with byte-order collation (stable, fast, no
    # dependence on installed locales); plain C is the fallback on systems without it.
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale="C.UTF-8"
    fi
    _pg_log "initialising a new cluster in $dir/data (locale $locale)"
    # trust: the server listens on 127.0.0.1 only and holds development/test data; the
    # connection strings carry no password.
    _pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale="$locale" >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        _pg_die "initdb failed (output above, also in $dir/initdb.log)"
        return 1
    }

    local sockdir="$dir/sock"
    # A Unix socket path is limited to 107 bytes; in a deeply nested checkout fall back to
    # TCP only (pg_ctl -w does not need the socket, and all our clients use TCP).
    if (( ${#sockdir} + 20 > 107 )); then
        _pg_log "socket path $sockdir is too long for a Unix socket; using TCP only"
        sockdir=""
    fi
    # Appended last, so these win over initdb's defaults. The port is not here: it is given
    # to pg_ctl on each start, because a port that was free yesterday may be taken today.
    cat >>"$dir/data/postgresql.conf" <<EOF

# ---- Coordination project settings (deploy/lib/postgres.sh) ----
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockdir'
# Test fixtures create a database per class and Orleans silos keep pools open.
max_connections = 300
shared_buffers = 256MB
# Durability is a product claim ("a 2xx is committed to PostgreSQL"); the tests must run
# with the same guarantees as production, so these stay at their safe values on purpose.
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
}

pg_start_cluster() {
    local dir="${1:?usage: pg_start_cluster DIR}"
    [[ -n "${PG_BIN:-}" ]] || pg_ensure_installed
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd -P)"

    if [[ $EUID -eq 0 ]]; then
        _pg_prepare_dir_for_postgres "$dir"
        # The server writes its log and socket here and initdb creates data/, so the whole
        # cluster directory belongs to postgres. Root can still read and delete it.
        chown postgres:postgres "$dir"
    fi
    mkdir -p "$dir/sock"
    [[ $EUID -ne 0 ]] || chown postgres:postgres "$dir/sock"

    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
        if [[ -e "$dir/data" ]]; then
            _pg_die "$dir/data exists but is not a PostgreSQL cluster; remove it first"
            return 1
        fi
        _pg_init_cluster "$dir" || return 1
    fi

    local port=""
    if _pg_is_running "$dir"; then
        # Reuse: the port was recorded when we started it; postmaster.pid line 4 is the
        # authoritative fallback.
        port="$(cat "$dir/port" 2>/dev/null || true)"
        [[ "$port" =~ ^[0-9]+$ ]] || port="$(sed -n 4p "$dir/data/postmaster.pid")"
        _pg_log "reusing the running cluster in $dir on port $port"
    else
        local attempt previous
        previous="$(cat "$dir/port" 2>/dev/null || true)"
        [[ "$previous" =~ ^[0-9]+$ ]] || previous=""
        [[ $EUID -ne 0 ]] || { touch "$dir/log"; chown postgres:postgres "$dir/log"; }
        for attempt in 1 2 3 4 5; do
            # Prefer the previous port so connection strings the developer copied keep working.
            free_port port "$previous" || return 1
            previous=""
            _pg_log "starting cluster $dir on 127.0.0.1:$port (log: $dir/log)"
            if _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 120 \
                -o "-p $port" start >/dev/null; then
                break
            fi
            # Someone may have bound the port between our check and the server's bind.
            if [[ $attempt -lt 5 ]] && tail -n 20 "$dir/log" | grep -q 'could not bind\|Address already in use'; then
                _pg_log "port $port was taken meanwhile; retrying with another"
                continue
            fi
            tail -n 30 "$dir/log" >&2 || true
            _pg_die "PostgreSQL failed to start (log above, full log in $dir/log)"
            return 1
        done
        printf '%s\n' "$port" >"$dir/port"
    fi

    if [[ -x "$PG_BIN/pg_isready" ]] && ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -t 30; then
        _pg_die "cluster in $dir is not accepting connections on 127.0.0.1:$port (see $dir/log)"
        return 1
    fi
    PG_CLUSTER_DIR="$dir"
    PG_PORT="$port"
    PG_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
    export PG_CLUSTER_DIR PG_PORT PG_CONNECTION
}

pg_stop_cluster() {
    local dir="${1:?usage: pg_stop_cluster DIR}"
    # Only ever stop the cluster by its own data directory: other people's servers on this
    # machine are none of our business.
    [[ -f "$dir/data/postmaster.pid" ]] || return 0
    # Absolute, because _pg_as_owner runs pg_ctl from /: a relative DIR would make the
    # status check fail and the server would silently be left running.
    dir="$(cd "$dir" && pwd -P)"
    [[ -n "${PG_BIN:-}" ]] || PG_BIN="$(_pg_find_bin)"
    [[ -n "$PG_BIN" ]] || { _pg_die "cannot stop $dir: no PostgreSQL binaries found"; return 1; }
    _pg_is_running "$dir" || return 0
    _pg_log "stopping cluster $dir"
    # fast: roll back open transactions and disconnect clients, then a clean checkpoint.
    if ! _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null; then
        _pg_log "fast shutdown did not finish in 60 s; using immediate shutdown"
        _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null
    fi
}

pg_crash_cluster() {
    local dir="${1:?usage: pg_crash_cluster DIR}"
    [[ -f "$dir/data/postmaster.pid" ]] || return 0
    dir="$(cd "$dir" && pwd -P)"
    [[ -n "${PG_BIN:-}" ]] || PG_BIN="$(_pg_find_bin)"
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null
}

pg_create_database() {
    local name="${1:?usage: pg_create_database NAME}"
    [[ -n "${PG_PORT:-}" ]] || { _pg_die "pg_create_database: call pg_start_cluster first"; return 1; }
    # The name is interpolated into SQL, so allow only plain identifiers.
    [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || { _pg_die "invalid database name: $name"; return 1; }
    local -a psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)
    if [[ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" == 1 ]]; then
        return 0
    fi
    _pg_log "creating database $name"
    "${psql[@]}" -c "CREATE DATABASE \"$name\""
}

# The roles of docs/security.md, "Database roles": the schema belongs to coordination_owner, which
# is not a superuser and runs the migrations; the silos and web hosts connect as
# coordination_runtime, which gets its rights from coordination_app (every right the application
# needs except UPDATE, DELETE and TRUNCATE of audit_log, granted by the migrator:
# src/Silo/Database/Grants.sql) and owns nothing, so it
# can neither change the audit log nor disable its triggers. Idempotent; also hands over to the
# owner whatever an earlier run created as the superuser. The cluster trusts 127.0.0.1, so the
# roles need no password here; elsewhere give them one.
pg_create_app_roles() {
    local name="${1:?usage: pg_create_app_roles NAME}"
    [[ -n "${PG_PORT:-}" ]] || { _pg_die "pg_create_app_roles: call pg_start_cluster first"; return 1; }
    [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || { _pg_die "invalid database name: $name"; return 1; }
    local -a psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
    "${psql[@]}" -d postgres <<SQL
DO \$\$
DECLARE
    wanted text;
BEGIN
    FOREACH wanted IN ARRAY ARRAY['coordination_app', 'coordination_owner', 'coordination_runtime'] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', wanted);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- there already, or created concurrently (migration 0006 creates coordination_app too)
        END;
    END LOOP;
END
\$\$;
ALTER ROLE coordination_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE coordination_runtime LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
GRANT coordination_app TO coordination_runtime;
ALTER DATABASE "$name" OWNER TO coordination_owner;
SQL
    "${psql[@]}" -d "$name" <<'SQL'
ALTER SCHEMA public OWNER TO coordination_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- A database first migrated as the superuser: its objects go to the owner (a sequence that
-- belongs to a column follows its table).
DO $$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
          AND pg_get_userbyid(c.relowner) <> 'coordination_owner'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER %s %I OWNER TO coordination_owner',
            CASE item.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, item.relname);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> 'coordination_owner'
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO coordination_owner', item.signature);
    END LOOP;
END
$$;
SQL
}
