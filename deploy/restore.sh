#!/usr/bin/env bash
# Restores a backup taken by deploy/backup.sh into the database of the connection string.
#
#   deploy/restore.sh --input FILE [--connection STRING | --env-file FILE] [--replace] [--keep-owner]
#
#   --input FILE         the backup (pg_dump custom format)
#   --connection STRING  the database to restore into, as the hosts' Npgsql connection string
#   --env-file FILE      read ConnectionStrings__Coordination from an environment file
#   --replace            drop the database first when it exists and holds data (refused while
#                        anyone is still connected to it)
#   --keep-owner         keep the backup's owners and privileges (needs a superuser); by default
#                        every object belongs to the user of the connection string
#
# Without --connection or --env-file, ConnectionStrings__Coordination is taken from the
# environment. Stop every web host and silo first (docs/operations.md): a running silo holds
# grain state and membership of the database being replaced.
#
# The database is created when it does not exist (the user needs CREATEDB), or used as it is
# when it exists and is empty (e.g. created by a DBA). The restore runs as one transaction:
# it either restores everything or leaves the database empty. Then it updates the planner's
# statistics and prints what it restored.
set -euo pipefail

usage() { sed -n '2,/^set /{s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" | sed '$d'; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck source=deploy/lib/database.sh
source "$ROOT/deploy/lib/database.sh"

log() { printf '[restore] %s\n' "$*" >&2; }
die() { printf '[restore] ERROR: %s\n' "$*" >&2; exit 1; }

input="" connection="${ConnectionStrings__Coordination:-}" replace=0 keep_owner=0
while (($# > 0)); do
    case "$1" in
        --input | --connection | --env-file)
            (($# >= 2)) || die "$1 needs a value"
            case "$1" in
                --input) input="$2" ;;
                --connection) connection="$2" ;;
                --env-file) connection="$(db_env_connection "$2")" ;;
            esac
            shift
            ;;
        --replace) replace=1 ;;
        --keep-owner) keep_owner=1 ;;
        -h | --help) usage; exit 0 ;;
        *) printf 'unknown option: %s\n\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

[[ -n "$input" ]] || { printf -- '--input is required\n\n' >&2; usage >&2; exit 2; }
[[ -r "$input" ]] || die "cannot read $input"
db_use_connection "$connection"
target="$PGDATABASE"

psql="$(db_tool psql)"
pg_restore="$(db_tool pg_restore)"
"$pg_restore" --list "$input" >/dev/null || die "$input is not a backup pg_restore can read"

# SQL with the target's name as a psql variable (:'db' literal, :"db" identifier): psql quotes
# it, so any database name is safe. Variables are interpolated only in SQL read from stdin.
admin_sql() { printf '%s\n' "$1" | "$psql" -X -q -v ON_ERROR_STOP=1 --no-password -tA -d postgres -v db="$target"; }
target_sql() { printf '%s\n' "$1" | "$psql" -X -q -v ON_ERROR_STOP=1 --no-password -tA -d "$target"; }

exists="$(admin_sql "SELECT count(*) FROM pg_database WHERE datname = :'db';")"
if [[ "$exists" == 1 ]]; then
    # Relations outside the system schemas: anything at all means the database is in use.
    relations="$(target_sql "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%';")"
    if ((relations > 0)); then
        ((replace == 1)) || die "database $target already holds data ($relations relations); pass --replace to drop it, or name another database"
        sessions="$(admin_sql "SELECT coalesce(string_agg(DISTINCT coalesce(nullif(application_name, ''), 'unnamed') || '@' || coalesce(host(client_addr), 'local'), ', '), '')
            FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid();")"
        [[ -z "$sessions" ]] || die "database $target is in use ($sessions): stop every web host and silo first"
        log "dropping database $target (--replace)"
        admin_sql 'DROP DATABASE :"db";'
        exists=0
    else
        log "database $target exists and is empty; restoring into it"
    fi
fi
if [[ "$exists" != 1 ]]; then
    log "creating database $target"
    admin_sql "CREATE DATABASE :\"db\" TEMPLATE template0 ENCODING 'UTF8';"
fi

ownership=(--no-owner --no-privileges)
((keep_owner == 0)) || ownership=()
log "restoring $input into $target on $PGHOST:${PGPORT:-5432}"
started=$SECONDS
"$pg_restore" --no-password --exit-on-error --single-transaction "${ownership[@]}" --dbname="$target" "$input" ||
    die "restore failed; nothing was restored (it runs in one transaction)"

# Membership rows describe processes, not data: a backup from deploy/backup.sh has none, and
# any left by another tool would make the new cluster wait for silos that no longer exist.
target_sql "DO \$\$ BEGIN
    IF to_regclass('orleansmembershiptable') IS NOT NULL THEN DELETE FROM orleansmembershiptable; END IF;
    IF to_regclass('orleansmembershipversiontable') IS NOT NULL THEN DELETE FROM orleansmembershipversiontable; END IF;
END \$\$;"
# pg_restore does not carry the planner's statistics over.
target_sql "ANALYZE;"

summary="$(target_sql "SELECT concat_ws(', ',
    (SELECT count(*) || ' cases' FROM cases),
    (SELECT count(*) || ' feed items' FROM feed_items),
    (SELECT count(*) || ' agencies' FROM agencies),
    (SELECT count(*) || ' users' FROM users),
    (SELECT 'schema ' || max(version) FROM schema_migrations));" 2>/dev/null || echo "not a Coordination database?")"
log "restored in $((SECONDS - started)) s: $summary"
log "start the silos, then the web hosts (docs/operations.md)"
