#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests: data directory, Unix socket in a private directory,
# no TCP port. PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
#
#   scripts/cluster.sh start DIR [--throwaway]   initialise (first time) and start; prints nothing on success
#   scripts/cluster.sh stop DIR                  stop (fast shutdown); harmless when not running
#   scripts/cluster.sh env DIR                   print the PG* variables that reach it, as shell assignments
#   scripts/cluster.sh standby DIR PRIMARY_SOCKET_DIR [--throwaway]
#                                                make DIR a hot standby streaming from the cluster whose socket is in
#                                                PRIMARY_SOCKET_DIR (pg_basebackup -R -X stream, the first time), with
#                                                a socket of its own in DIR/run, and start it; stop it with `stop DIR`
#
# The superuser is always `postgres` and local connections are trusted: the socket directory is the access
# control (mode 0700 for the server's user; root reaches it anyway).
set -euo pipefail

die() { echo "cluster: $*" >&2; exit 1; }

bindir() {
    local d
    for d in "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    die "initdb not found: install PostgreSQL (apt-get install -y postgresql)"
}

# Runs a command as the server's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: cluster.sh start|stop|env DIR [--throwaway], or standby DIR PRIMARY_SOCKET_DIR [--throwaway]"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"; run="$dir/run"; log="$dir/postgresql.log"
BIN=$(bindir)

case "$cmd" in
start)
    throwaway=${3:-}
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' user: install PostgreSQL (apt-get install -y postgresql)"
        chown postgres: "$dir"
        runuser -u postgres -- test -w "$dir" \
            || die "the postgres user cannot reach $dir (a parent directory is closed to it); set PARLEY_DATABASE_URL or move the checkout"
    fi
    if [ ! -s "$data/PG_VERSION" ]; then
        as_owner "$BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
        {
            echo "listen_addresses = ''"
            echo "unix_socket_directories = '$run'"
            echo "unix_socket_permissions = 0700"
            echo "max_connections = 200"
            echo "timezone = 'UTC'"
            if [ "$throwaway" = --throwaway ]; then
                # A throwaway test cluster: durability buys nothing, speed does.
                echo "fsync = off"
                echo "synchronous_commit = off"
                echo "full_page_writes = off"
            fi
        } | as_owner tee -a "$data/postgresql.conf" >/dev/null
    fi
    as_owner mkdir -p "$run"
    chmod 0700 "$run"
    if as_owner "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then exit 0; fi
    as_owner "$BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null \
        || { tail -n 20 "$log" >&2; die "PostgreSQL did not start (log: $log)"; }
    ;;
standby)
    primary=${3:-}
    [ -n "$primary" ] && [ -S "$primary/.s.PGSQL.5432" ] || die "standby: no PostgreSQL socket in '${primary}'"
    throwaway=${4:-}
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    if [ ! -s "$data/PG_VERSION" ]; then
        # A base backup taken through the primary's socket as its superuser (local replication connections are
        # trusted, as initdb sets them up); -R writes primary_conninfo and standby.signal, so it starts streaming.
        sync=()
        [ "$throwaway" = --throwaway ] && sync=(--no-sync)
        as_owner "$BIN/pg_basebackup" -h "$primary" -U postgres -D "$data" -R -X stream -c fast "${sync[@]}" \
            >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; die "pg_basebackup failed"; }
        # Its own socket directory (the primary's settings came with the backup); hot_standby is on by default.
        # hot_standby_feedback: the primary keeps the row versions a reader's query on the standby still needs,
        # instead of the standby cancelling that query ("conflict with recovery") after 30 s of holding up replay.
        printf '%s\n' "unix_socket_directories = '$run'" "hot_standby_feedback = on" \
            | as_owner tee -a "$data/postgresql.conf" >/dev/null
    fi
    exec "$0" start "$dir"
    ;;
stop)
    if [ -s "$data/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    ;;
env)
    echo "export PGHOST='$run' PGPORT=5432 PGUSER=postgres"
    ;;
*) die "unknown command '$cmd'" ;;
esac
