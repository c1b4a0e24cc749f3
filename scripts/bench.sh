#!/usr/bin/env bash
# `make bench SIZE=S|M|L`: the benchmark of BENCHMARKS.md, on a PostgreSQL cluster of its own that this script
# starts and always stops.
#   1. install what is missing (as root), build everything in release mode (PARLEY_SCRATCH_PATH: a build folder of
#      one's own);
#   2. start a private cluster in a temporary directory with PostgreSQL's durable defaults (fsync and synchronous
#      commit on: commit latency is part of what is measured), create and migrate an empty database;
#   3. run parley-bench: it generates the data (bench/generate.sql), measures the nine figures, prints the table
#      on stdout and writes bench-results-SIZE.json (not committed);
#   4. stop the cluster and remove it (also on failure or Ctrl-C).
# PARLEY_BENCH_FIGURES=4,8 measures only those figures (the data is generated all the same; 2 and 4 bring the first
# plan, 1, and 3, 6 and 7 parleyd, which they need).
# Exit status: 0 when the benchmark ran, whether or not the targets were met; non-zero when it broke.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

size=${1:-S}
case "$size" in
    S|M|L) ;;
    *) echo "bench: SIZE must be S, M or L, not '$size'" >&2; exit 64 ;;
esac

scripts/ensure-packages.sh run || exit 1
scratch=()
[ -n "${PARLEY_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$PARLEY_SCRATCH_PATH")
echo "bench: building (release)" >&2
# The release build make install and make deb use too (scripts/release-build.sh): each reuses the others'.
scripts/release-build.sh "${scratch[@]}" >&2 || exit 1
bindir=$(scripts/release-build.sh "${scratch[@]}" --show-bin-path) || exit 1
for program in parley parleyd parley-bench; do
    [ -x "$bindir/$program" ] || { echo "bench: $bindir/$program was not built" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/parley-bench.XXXXXX)
chmod 0755 "$tmp"
cleanup() {
    # parleyd, should parley-bench have died before stopping it (it runs in a process group of its own).
    if [ -s "$tmp/work/parleyd.pid" ]; then kill "$(cat "$tmp/work/parleyd.pid")" 2>/dev/null || true; fi
    "$top/scripts/cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Durable defaults: no --throwaway (which turns fsync and synchronous_commit off).
scripts/cluster.sh start "$tmp/pg" || exit 1
eval "$(scripts/cluster.sh env "$tmp/pg")"
unset PARLEY_DATABASE_URL PGSERVICE PGPASSWORD
export PGDATABASE=parley_bench
createdb parley_bench || exit 1
# The SQL as it is now, for the migration and for parleyd's schema check during the run alike.
cp -r sql "$tmp/sql"
export PARLEY_SQL_DIR="$tmp/sql"
"$bindir/parley" migrate >&2 || exit 1

mkdir -p "$tmp/work"
results="$top/bench-results-$size.json"
"$bindir/parley-bench" "$size" --bin-dir "$bindir" --bench-dir "$top/bench" --sql-dir "$tmp/sql" --work-dir "$tmp/work" \
    --results "$results"
status=$?
if [ $status -eq 0 ]; then
    echo "bench: results in $results" >&2
else
    echo "bench: FAILED (exit $status); the PostgreSQL log was $tmp/pg/postgresql.log:" >&2
    tail -n 20 "$tmp/pg/postgresql.log" >&2 || true
fi
exit $status
