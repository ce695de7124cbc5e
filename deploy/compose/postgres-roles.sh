#!/bin/bash
# Run once by the postgres image on its first start (docker-entrypoint-initdb.d): the login role
# the silos and web hosts connect as. It is no superuser and owns nothing, and gets its rights
# from coordination_app (migration 0006: everything but UPDATE, DELETE and TRUNCATE of
# audit_log), so the audit log's append-only triggers bind it. The schema belongs to
# $POSTGRES_USER, as which the silos migrate (docs/security.md, "Database roles").
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v password="$COORDINATION_DB_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE coordination_app NOLOGIN;
CREATE ROLE coordination_runtime LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT IN ROLE coordination_app;
ALTER ROLE coordination_runtime PASSWORD :'password';
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
