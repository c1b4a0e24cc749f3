#!/usr/bin/env bash
# Applies sql/migrations/*.sql to a database with psql, the way `parley migrate` does (one transaction each,
# recorded in parley_data.schema_migrations), for working on SQL before or without the Swift build.
#   scripts/dev-migrate.sh DBNAME        (PG* environment selects the server)
set -euo pipefail
db=${1:?usage: dev-migrate.sh DBNAME}
cd "$(dirname "$0")/.."
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
set client_min_messages = warning;
create schema if not exists parley_data;
create table if not exists parley_data.schema_migrations (
    version     integer primary key,
    name        text not null,
    checksum    text not null,
    applied_at  timestamptz not null default now(),
    applied_by  name not null default session_user
);
SQL
for f in sql/migrations/[0-9][0-9][0-9][0-9][0-9][0-9]_*.sql; do
    base=$(basename "$f" .sql); version=$((10#${base%%_*})); name=${base#*_}
    applied=$(psql -X -qtA -d "$db" -c "select 1 from parley_data.schema_migrations where version = $version")
    [ -n "$applied" ] && continue
    sum=$(sha256sum "$f" | cut -d' ' -f1)
    { echo "set client_min_messages = warning;"; cat "$f";
      echo; echo "insert into parley_data.schema_migrations (version, name, checksum) values ($version, '$name', '$sum');"; } \
        | psql -X -q -v ON_ERROR_STOP=1 -1 -d "$db" -f - >/dev/null
done
