#!/usr/bin/env bash
# Takes a consistent backup of the Coordination database while the system runs: pg_dump in its
# custom format (-Fc), one snapshot of the whole database, restorable with deploy/restore.sh.
#
#   deploy/backup.sh [--output FILE] [--connection STRING | --env-file FILE]
#
#   --output FILE        where to write it (default ./coordination-<UTC time>.dump); the file
#                        exists only once it is complete and readable by pg_restore
#   --connection STRING  the database, as the hosts' Npgsql connection string
#   --env-file FILE      read ConnectionStrings__Coordination from an environment file, e.g.
#                        /etc/coordination/coordination.env (deploy/systemd)
#
# Without --connection or --env-file, ConnectionStrings__Coordination is taken from the
# environment. The PostgreSQL client tools must be installed (Debian: postgresql-client), at
# least as new as the server.
#
# Everything is backed up — cases, timelines, feeds with their sequence heads and deadlines,
# users, the audit log, idempotency keys, Orleans grain state and reminders, sequences — except
# the rows of the Orleans membership tables: they list the processes that were alive at the
# time, which means nothing to the cluster that is started on a restored database.
# Prints the backup's path on stdout; everything else goes to stderr.
set -euo pipefail

usage() { sed -n '2,/^set /{s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" | sed '$d'; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck source=deploy/lib/database.sh
source "$ROOT/deploy/lib/database.sh"

log() { printf '[backup] %s\n' "$*" >&2; }
die() { printf '[backup] ERROR: %s\n' "$*" >&2; exit 1; }

output="" connection="${ConnectionStrings__Coordination:-}"
while (($# > 0)); do
    case "$1" in
        --output | --connection | --env-file)
            (($# >= 2)) || die "$1 needs a value"
            case "$1" in
                --output) output="$2" ;;
                --connection) connection="$2" ;;
                --env-file) connection="$(db_env_connection "$2")" ;;
            esac
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) printf 'unknown option: %s\n\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

db_use_connection "$connection"
output="${output:-coordination-$(date -u +%Y%m%dT%H%M%SZ).dump}"
[[ ! -e "$output" ]] || die "$output already exists; a backup never overwrites another"
mkdir -p "$(dirname "$output")"

pg_dump="$(db_tool pg_dump)"
pg_restore="$(db_tool pg_restore)"
partial="$output.partial"
# A failed or interrupted dump leaves nothing that could be mistaken for a backup.
trap 'rm -f "$partial"' EXIT

log "dumping database $PGDATABASE on $PGHOST:${PGPORT:-5432} with $("$pg_dump" --version)"
started=$SECONDS
# --no-password: fail instead of prompting. The membership tables keep their definitions but
# not their rows (see above). pg_dump reads everything in one transaction snapshot, so the
# backup is consistent while silos keep writing.
"$pg_dump" --format=custom --no-password \
    --exclude-table-data=orleansmembershiptable \
    --exclude-table-data=orleansmembershipversiontable \
    --file="$partial"

# A backup that cannot be read is not a backup: check its table of contents before keeping it.
"$pg_restore" --list "$partial" >/dev/null || die "pg_restore cannot read the dump just written"
sync "$partial" 2>/dev/null || true
mv "$partial" "$output"
trap - EXIT

log "wrote $output ($(du -h "$output" | cut -f1), $((SECONDS - started)) s)"
printf '%s\n' "$output"
