# Shared by the drills (sourced by scripts/drills/N-*.sh; see scripts/drills.sh and RELIABILITY.md).
#
# Each drill runs PostgreSQL clusters of its own under $DRILL_WORK (Unix sockets in private directories, no TCP),
# the built parleyd and parley from $DRILL_BIN, and prints its figures. A guarantee that fails calls `broken`, and
# the drill exits non-zero at the end. Everything it started is stopped on exit, by process id.
set -uo pipefail

DRILL_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DRILL_BIN=${DRILL_BIN:?DRILL_BIN: the directory with the built parley and parleyd}
DRILL_WORK=${DRILL_WORK:?DRILL_WORK: a scratch directory}
DRILL_SHORT=${DRILL_SHORT:-0}
DRILL_FIGURES=${DRILL_FIGURES:-$DRILL_WORK/figures}
DRILL_NAME=${DRILL_NAME:-drill}
export PARLEY_SQL_DIR=${PARLEY_SQL_DIR:-$DRILL_TOP/sql}
# No settings file: every setting comes from the environment the drill gives.
export PARLEY_ENV_FILE=
export PARLEY_MAIL_FROM='Parley drills <parley@drills.example>'
unset PARLEY_DATABASE_URL PGSERVICE PGPASSWORD PGDATABASE PGHOST PGPORT PGUSER

BROKEN=0
DRILL_PIDS=()
DRILL_CLUSTERS=()

say() { printf '[%s %s] %s\n' "$DRILL_NAME" "$(date +%T)" "$*"; }

# A figure for the report: printed, and kept in $DRILL_FIGURES as "drill|name|value".
figure() {
    printf '  %-58s  %s\n' "$1" "$2"
    printf '%s|%s|%s\n' "$DRILL_NAME" "$1" "$2" >> "$DRILL_FIGURES"
}

# A guarantee that did not hold.
broken() {
    printf '  GUARANTEE BROKEN: %s\n' "$*"
    printf '%s|BROKEN|%s\n' "$DRILL_NAME" "$*" >> "$DRILL_FIGURES"
    BROKEN=$((BROKEN + 1))
}

finish() {
    if [ "$BROKEN" -gt 0 ]; then
        say "FAILED: $BROKEN guarantee(s) broken"
        exit 1
    fi
    say "passed"
    exit 0
}

# Stops what this drill started: processes by pid (their process groups when they lead one), then clusters.
drill_cleanup() {
    local pid
    for pid in "${DRILL_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    sleep 0.3
    for pid in "${DRILL_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null
    done
    local dir
    for dir in "${DRILL_CLUSTERS[@]}"; do
        "$DRILL_TOP/scripts/cluster.sh" stop "$dir" >/dev/null 2>&1
    done
}
trap drill_cleanup EXIT

# Remembers a background process to stop at the end.
track() { DRILL_PIDS+=("$1"); }

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bindir() {
    local d
    for d in "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -n "$d" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
    done
}
PGBIN=$(pg_bindir)

# cluster_start DIR: a private cluster (durable: restarts and failovers are what the drills are about).
cluster_start() {
    mkdir -p "$1"
    "$DRILL_TOP/scripts/cluster.sh" start "$1" || { broken "PostgreSQL did not start in $1"; finish; }
    DRILL_CLUSTERS+=("$1")
}

# The socket directory of the cluster in DIR.
socket_of() { echo "$(cd "$1" && pwd)/run"; }

# psql on database $DB of the cluster whose socket directory is $SOCKET (as the superuser): q SQL…
# With DRILL_CONNINFO set, on that connection string instead (the failover drill's multi-host one).
q() {
    if [ -n "${DRILL_CONNINFO:-}" ]; then
        psql -X -q -At -v ON_ERROR_STOP=1 -d "$DRILL_CONNINFO" "$@"
    else
        psql -X -q -At -v ON_ERROR_STOP=1 -h "$SOCKET" -U postgres -d "${DB:-parley}" "$@"
    fi
}

# Seconds since the epoch, with microseconds.
now() { echo "$EPOCHREALTIME"; }
# elapsed START [END]: seconds between two `now` values, with one decimal (0 when END came first: an event seen
# before the command that caused it had returned, such as a reconnect before `pg_ctl promote -w` returned).
elapsed() { awk -v a="$1" -v b="${2:-$EPOCHREALTIME}" 'BEGIN { d = b - a; if (d < 0) d = 0; printf "%.1f", d }'; }

# Prefixes each line of stdin with the moment it arrived.
timestamped() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }

# start_daemon NAME URL [VAR=value…]: runs parleyd in the background, its stderr timestamped in $DRILL_WORK/NAME.log.
# Sets DAEMON_PID.
start_daemon() {
    local name=$1 url=$2
    shift 2
    env PARLEY_DATABASE_URL="$url" PARLEY_STANDBY_CHECK_SECONDS=1 "$@" "$DRILL_BIN/parleyd" \
        2> >(timestamped >> "$DRILL_WORK/$name.log") &
    DAEMON_PID=$!
    track "$DAEMON_PID"
}

# wait_for_log FILE TEXT SECONDS [FROM_LINE]: true when a line of FILE (after line FROM_LINE) contains TEXT in time.
wait_for_log() {
    local file=$1 text=$2 seconds=$3 from=${4:-0} deadline
    deadline=$(awk -v n="$EPOCHREALTIME" -v s="$seconds" 'BEGIN { printf "%.3f", n + s }')
    while awk -v n="$EPOCHREALTIME" -v d="$deadline" 'BEGIN { exit !(n < d) }'; do
        tail -n +"$((from + 1))" "$file" 2>/dev/null | grep -qF -- "$text" && return 0
        sleep 0.1
    done
    return 1
}

# The moment (epoch seconds) of the first line of FILE after line FROM that contains TEXT.
moment_of() { tail -n +"$(( ${3:-0} + 1 ))" "$1" | grep -F -- "$2" | head -n 1 | cut -d' ' -f1; }

lines_of() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }

# "${MAILER_RUN[@]}" COMMAND…: runs COMMAND (env … parley alerts send) with DRILL_MAILER_PID set to its own pid,
# which the drills' sendmail records with what it accepts. A prefix, not a function, so that `$!` of a background
# run is the mailer's pid (bash execs into it).
MAILER_RUN=(bash -c 'export DRILL_MAILER_PID=$$; exec "$@"' mailer)

# start_notify_socket NAME: a notify socket whose messages go to $DRILL_WORK/NAME.notify; sets NOTIFY_PATH.
start_notify_socket() {
    NOTIFY_PATH="$DRILL_WORK/$1.sock"
    python3 "$DRILL_TOP/scripts/drills/notify-listener.py" "$NOTIFY_PATH" "$DRILL_WORK/$1.notify" &
    track $!
    local i
    for i in $(seq 50); do [ -S "$NOTIFY_PATH" ] && return 0; sleep 0.1; done
    broken "the notify socket did not come up"
}

# The longest gap, in seconds, between WATCHDOG=1 messages in a notify log, from START to END (epoch seconds).
watchdog_max_gap() {
    awk -v s="$2" -v e="$3" '
        $2 ~ /WATCHDOG=1/ && $1 >= s && $1 <= e { if (last != "") { g = $1 - last; if (g > max) max = g } last = $1 }
        END { if (last == "") print "none"; else printf "%.2f\n", (e - last > max ? e - last : max) }' "$1"
}

# CPU seconds (user + system) a process has used so far.
cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo "?"
}

# create_database DB: creates and migrates database DB on $SOCKET, and a login `drill_daemon` with only
# parley_daemon, as the README's access section gives the service.
create_database() {
    DB=postgres q -c "create database $1" >/dev/null
    PARLEY_DATABASE_URL="postgresql:///$1?host=$SOCKET&user=postgres" "$DRILL_BIN/parley" migrate >/dev/null \
        || { broken "parley migrate failed"; finish; }
    DB=postgres q -c "do \$\$ begin
        if not exists (select 1 from pg_roles where rolname = 'drill_daemon') then
            create role drill_daemon login in role parley_daemon;
        end if; end \$\$" >/dev/null
}

# The URL of database DB on the socket directory SOCKET, as login USER (default postgres).
url_of() { echo "postgresql:///$2?host=$1&user=${3:-postgres}"; }

# seed_world: people, parties, tracks in three time zones, and commitments, meetings and follow-ups whose alerts
# fall due at once (overdue, due soon, stale, meeting upcoming, follow-up due). Every person is cleared for
# secret and subscribed to everything, so each alert has a delivery per person.
seed_world() {
    q >/dev/null <<'SQL'
select parley.add_person(email => format('officer%s@drills.example', i), name => format('Officer %s', i),
                         timezone => 'Europe/Kyiv', clearance => 'secret')
  from generate_series(1, 4) i;
select parley.add_subscription(person => format('officer%s@drills.example', i)) from generate_series(1, 4) i;
select parley.add_party(code => 'UA', name => 'Ukraine');
select parley.add_party(code => 'RU', name => 'Russia');
select parley.add_party(code => 'TR', name => 'Türkiye');
select parley.add_track(code => t.code, name => t.name, format => 'bilateral', timezone => t.tz,
                        lead => 'officer1@drills.example')
  from (values ('istanbul', 'Istanbul direct talks', 'Europe/Istanbul'),
               ('tokyo', 'Tokyo channel', 'Asia/Tokyo'),
               ('newyork', 'New York contacts', 'America/New_York')) t(code, name, tz);
select parley.add_agenda_item(code => 'exchange', title => 'All-for-all exchange', track => 'istanbul');
select parley.set_agenda_status(track => t, item => 'exchange', status => 'under_discussion')
  from unnest(array['tokyo', 'newyork']) t;
select parley.add_commitment(
           track => (array['istanbul', 'tokyo', 'newyork'])[1 + i % 3], item => 'exchange',
           obligor => case when i % 2 = 0 then 'RU' else 'UA' end,
           beneficiaries => array[case when i % 2 = 0 then 'UA' else 'RU' end],
           text => format('Seed commitment %s', i), made_on => current_date - 40, due_on => current_date + (i % 21) - 10,
           code => format('seed-%s', i), owner => format('officer%s@drills.example', 1 + i % 4))
  from generate_series(1, 30) i;
select parley.add_meeting(code => format('meet-%s', i), track => 'istanbul', title => format('Round %s', i),
                          starts_at => now() + make_interval(hours => 6 * i))
  from generate_series(1, 4) i;
select parley.add_follow_up(assignee => format('officer%s@drills.example', 1 + i % 4),
                            due_at => now() - make_interval(hours => i), note => format('Seed follow-up %s', i),
                            track => 'istanbul', code => format('seed-fu-%s', i))
  from generate_series(1, 4) i;
SQL
}

# One random change of the kind staff make all day, through the recording functions (as the superuser, so the
# history names postgres). Used by the workloads: workload_step N.
workload_step() {
    local n=$1 action=$((RANDOM % 6))
    case $action in
    0|1) q -c "select parley.add_commitment(track => (array['istanbul', 'tokyo', 'newyork'])[1 + $n % 3],
                   item => 'exchange', obligor => 'RU', beneficiaries => array['UA'],
                   text => 'Workload commitment $n', made_on => current_date - 20,
                   due_on => current_date + ($RANDOM % 16) - 6, code => 'w-$n',
                   owner => 'officer$((1 + n % 4))@drills.example')" ;;
    2) q -c "select parley.change_due_date(commitment => c.code, due_on => current_date + ($RANDOM % 16) - 6)
               from parley_data.commitments c where c.code like 'w-%' and c.status not in ('fulfilled', 'withdrawn')
              order by random() limit 1" ;;
    3) q -c "select parley.record_update(commitment => c.code, reported_on => current_date, delivered => 1,
                                         note => 'progress $n')
               from parley_data.commitments c where c.status in ('pending', 'in_progress') order by random() limit 1" ;;
    4) q -c "select parley.add_follow_up(assignee => 'officer$((1 + n % 4))@drills.example',
                   due_at => now() - interval '1 minute', note => 'Workload follow-up $n', track => 'tokyo',
                   code => 'wf-$n')" ;;
    5) q -c "select parley.add_meeting(code => 'wm-$n', track => 'newyork', title => 'Contact $n',
                   starts_at => now() + interval '1 day')" ;;
    esac
}

# run_workload STOPFILE PAUSE: changes until STOPFILE exists, one every PAUSE seconds; counts in $DRILL_WORK/workload.
run_workload() {
    local stop=$1 pause=$2 n=0
    while [ ! -e "$stop" ]; do
        n=$((n + 1))
        if workload_step "$n" >/dev/null 2>>"$DRILL_WORK/workload.errors"; then
            echo ok >> "$DRILL_WORK/workload.count"
        else
            echo failed >> "$DRILL_WORK/workload.count"
        fi
        sleep "$pause"
    done
}

# The alerts that should exist at moment AT according to an independent computation: the database is copied, its
# alerts and deliveries are deleted, and the copy plans everything from scratch at AT in one uninterrupted call.
# Prints "subject_type subject_id kind occurrence" lines of the live alerts, sorted.
oracle_alerts() {
    local at=$1 copy=${DB}_oracle
    DB=postgres q -c "drop database if exists $copy" -c "create database $copy template $DB" >/dev/null || return 1
    DB=$copy q >/dev/null <<SQL
set session_replication_role = replica;
delete from parley_data.deliveries;
delete from parley_data.alerts;
delete from parley_data.alert_schedule;
delete from parley_data.plan_queue;
set session_replication_role = origin;
select count(*) from parley.plan_alerts('$at'::timestamptz, rebuild => true);
SQL
    DB=$copy q -F ' ' -c "select subject_type, subject_id, kind, occurrence from parley_data.alerts
                           where state <> 'cancelled' and kind <> 'resolved' order by 1, 2, 3, 4"
    DB=postgres q -c "drop database $copy" >/dev/null
}
