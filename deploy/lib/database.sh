# shellcheck shell=bash
#
# Helpers for deploy/backup.sh and deploy/restore.sh. Source this file; do not run it.
#
# Both scripts take the database exactly as the silos and web hosts do: the Npgsql connection
# string ConnectionStrings__Coordination (from the environment, an environment file, or
# --connection). It is turned into libpq's PG* environment variables, so the PostgreSQL client
# tools reach the same database and the password never appears on a command line.
#
# Functions:
#   db_env_connection FILE     prints ConnectionStrings__Coordination of a KEY=VALUE file (parsed, not sourced)
#   db_use_connection STRING   exports PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE...
#   db_tool NAME               prints the path of the newest installed PostgreSQL client tool NAME

_db_die() { printf '[database] ERROR: %s\n' "$*" >&2; exit 1; }

db_env_connection() {
    local file="$1" line key value found=""
    [[ -r "$file" ]] || _db_die "cannot read $file"
    while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line%$'\r'}"
        [[ "$line" == *=* && "$line" != \#* ]] || continue
        key="${line%%=*}" value="${line#*=}"
        # systemd and docker env files may quote the whole value.
        if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        fi
        [[ "$key" != ConnectionStrings__Coordination ]] || found="$value"
    done <"$file"
    [[ -n "$found" ]] || _db_die "$file sets no ConnectionStrings__Coordination"
    printf '%s' "$found"
}

# Npgsql's SSL Mode values, in libpq's spelling.
_db_sslmode() {
    local mode="${1,,}"
    case "$mode" in
        disable | allow | prefer | require) printf '%s' "$mode" ;;
        verifyca | verify-ca) printf 'verify-ca' ;;
        verifyfull | verify-full) printf 'verify-full' ;;
        *) _db_die "unsupported SSL Mode '$1' in the connection string" ;;
    esac
}

# Splits an Npgsql connection string (Key=Value;... with optional '...' or "..." quoting, a doubled
# quote inside quotes standing for one) and exports the libpq variables for the keys that matter
# to a client tool. Keys are case-insensitive and may contain spaces ("User ID").
db_use_connection() {
    local text="$1" i c quote="" part="" key value
    local -a parts=()
    [[ -n "$text" ]] || _db_die "no connection string: set ConnectionStrings__Coordination, or pass --connection or --env-file"
    for ((i = 0; i < ${#text}; i++)); do
        c="${text:i:1}"
        if [[ -n "$quote" ]]; then
            if [[ "$c" == "$quote" ]]; then
                if [[ "${text:i+1:1}" == "$quote" ]]; then
                    part+="$c"
                    i=$((i + 1))
                else
                    quote=""
                fi
            else
                part+="$c"
            fi
        elif [[ "$c" == "'" || "$c" == '"' ]] && [[ "$part" =~ =[[:space:]]*$ ]]; then
            quote="$c"
        elif [[ "$c" == ";" ]]; then
            parts+=("$part")
            part=""
        else
            part+="$c"
        fi
    done
    [[ -z "$quote" ]] || _db_die "unterminated quote in the connection string"
    parts+=("$part")

    unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE PGSSLROOTCERT
    for part in "${parts[@]}"; do
        [[ "$part" == *=* ]] || continue
        key="${part%%=*}" value="${part#*=}"
        key="${key,,}" key="${key//[[:space:]]/}"
        value="${value#"${value%%[![:space:]]*}"}" value="${value%"${value##*[![:space:]]}"}"
        case "$key" in
            host | server) export PGHOST="$value" ;;
            port) export PGPORT="$value" ;;
            username | userid | user | uid) export PGUSER="$value" ;;
            password | pwd | psw) export PGPASSWORD="$value" ;;
            database | db) export PGDATABASE="$value" ;;
            sslmode) PGSSLMODE="$(_db_sslmode "$value")"; export PGSSLMODE ;;
            rootcertificate) export PGSSLROOTCERT="$value" ;;
        esac
    done
    [[ -n "${PGHOST:-}" ]] || _db_die "the connection string names no Host"
    [[ -n "${PGDATABASE:-}" ]] || _db_die "the connection string names no Database"
    # Never prompt: scripts run unattended (timers, CI), and a prompt would hang them.
    export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
}

db_tool() {
    local name="$1" dir best=""
    # The newest installed major version: pg_dump must be at least as new as the server.
    while IFS= read -r dir; do
        [[ -x "$dir/$name" ]] && best="$dir/$name"
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V)
    [[ -n "$best" ]] || best="$(command -v "$name" || true)"
    [[ -n "$best" ]] || _db_die "$name not found: install the PostgreSQL client (Debian: apt-get install postgresql-client)"
    printf '%s' "$best"
}
