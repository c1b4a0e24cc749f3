#!/usr/bin/env bash
# `make run`: Parley on an embedded default, for a newcomer. Installs what is missing (as root), builds, starts a
# private PostgreSQL cluster under .parley/ (unless PARLEY_DATABASE_URL says where the database is), migrates it,
# loads the demo scenario and its agreements into an empty database, and runs the daemon in the foreground (Ctrl-C
# stops it; the cluster keeps running for `make psql` until `make stop`).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-packages.sh run
swift build
bindir=$(swift build --show-bin-path)

if [ -z "${PARLEY_DATABASE_URL:-}" ]; then
    scripts/cluster.sh start .parley
    eval "$(scripts/cluster.sh env .parley)"
    if [ -z "$(psql -X -qtA -d postgres -c "select 1 from pg_database where datname = 'parley'")" ]; then
        createdb parley
    fi
    export PARLEY_DATABASE_URL="postgresql:///parley?host=$PGHOST&user=postgres"
    echo "make run: PostgreSQL is running in .parley/ (socket $PGHOST); 'make psql' opens psql, 'make stop' stops it."
fi

"$bindir/parley" migrate

# The demo goes into an empty database only: a database with tracks of its own is left alone.
empty=$(psql -X -qtA "${PARLEY_DATABASE_URL:-}" -c "select not exists (select 1 from parley_data.tracks)")
if [ "$empty" = t ]; then
    "$bindir/parley" import examples/demo.yaml
    # Its agreements are recorded through the recording functions: the import format does not carry them yet.
    psql -X -q -v ON_ERROR_STOP=1 "${PARLEY_DATABASE_URL:-}" -f examples/agreements.sql >/dev/null
    echo "make run: loaded the demo scenario (examples/demo.yaml, examples/agreements.sql); try: make psql, then select * from parley.overdue_commitments;"
fi

echo "make run: starting parleyd in the foreground (Ctrl-C stops it; 'make stop' stops PostgreSQL)."
exec "$bindir/parleyd"
