#!/usr/bin/env bash
# Creates the knowledge_base schema (pgvector) and its search functions in the target database.
#
# Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
#
# Usage: scripts/setup_knowledge_base.sh
# The connection comes from libpq's environment: DATABASE_URL if set, otherwise PGHOST,
# PGPORT, PGDATABASE (default below), PGUSER, and the password from ~/.pgpass or an IAM token
# in PGPASSWORD. Nothing here prints the connection string or the password.
# Safe to run again: both files create only what is missing.
set -euo pipefail

deploy_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
default_database='veris'
export PGDATABASE="${PGDATABASE:-$default_database}"

if ! command -v psql >/dev/null 2>&1; then
    echo "error: psql not found" >&2
    echo "hint: apt-get install postgresql-client" >&2
    exit 2
fi

psql_args=(--no-psqlrc --quiet --set ON_ERROR_STOP=1)
if [ -n "${DATABASE_URL:-}" ]; then
    psql_args+=(--dbname "$DATABASE_URL")
fi

for file in schema.sql functions.sql; do
    echo "applying sql/knowledge_base/$file" >&2
    psql "${psql_args[@]}" --file "$deploy_root/sql/knowledge_base/$file"
done

tables="$(psql "${psql_args[@]}" --tuples-only --no-align --command \
    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'knowledge_base'")"
echo "knowledge_base ready in database $(psql "${psql_args[@]}" --tuples-only --no-align \
    --command 'SELECT current_database()'): $tables tables"
