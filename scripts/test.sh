#!/usr/bin/env bash
# `make test`: every test against a throwaway PostgreSQL cluster that this script starts and always stops.
#   1. install what is missing (as root), build;
#   2. start a private cluster in a temporary directory (separate from the one `make run` uses);
#   3. migrate a template database; each Swift suite copies it into a database of its own;
#   4. run `swift test` and the SQL tests (pgTAP with pg_prove);
#   5. stop the cluster (also on failure or Ctrl-C) and exit non-zero when anything failed.
# Extra arguments go to `swift test` (e.g. `make test ARGS="--filter PQTests"`).
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

scripts/ensure-packages.sh test || exit 1
# PARLEY_SCRATCH_PATH: a build folder of one's own (.build-NAME), for several builds side by side.
scratch=()
[ -n "${PARLEY_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$PARLEY_SCRATCH_PATH")
swift build "${scratch[@]}" --build-tests || exit 1
bindir=$(swift build "${scratch[@]}" --show-bin-path)

tmp=$(mktemp -d /tmp/parley-test.XXXXXX)
chmod 0755 "$tmp"
cleanup() {
    "$top/scripts/cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

scripts/cluster.sh start "$tmp/pg" --throwaway || exit 1
eval "$(scripts/cluster.sh env "$tmp/pg")"
export PGDATABASE=postgres
unset PARLEY_DATABASE_URL PGSERVICE PGPASSWORD
# The programs read /etc/parley/parley.env by default: a Parley installed on this host must not steer the tests.
export PARLEY_ENV_FILE=

createdb parley_template || exit 1
PGDATABASE=parley_template "$bindir/parley" migrate || exit 1

# Where the Swift suites find what they need.
export PARLEY_TEST_TEMPLATE=parley_template
export PARLEY_BIN_DIR="$bindir"
export PARLEY_SQL_DIR="$top/sql"

status=0
swift test "${scratch[@]}" --skip-build "$@" || status=1

if [ $# -eq 0 ] && compgen -G "Tests/sql/*.sql" >/dev/null; then
    # A copy does not inherit the template's settings: jit = off again, as 000001 sets it on a Parley database.
    createdb -T parley_template parley_sqltest \
        && psql -X -q -d parley_sqltest -c 'alter database parley_sqltest set jit = off' -c 'create extension pgtap' \
        || exit 1
    pg_prove -d parley_sqltest --failures Tests/sql/*.sql || status=1
fi

if [ $status -eq 0 ]; then echo "make test: all tests passed"; else echo "make test: FAILED" >&2; fi
exit $status
