#!/usr/bin/env bash
# Drill 5, failover: a primary with a streaming replica on this machine (pg_basebackup -R), both on Unix sockets in
# private directories. parleyd, the mailer and the workload connect with one multi-host libpq URL,
#     postgresql:///parley?host=PRIMARY_SOCKET,REPLICA_SOCKET&target_session_attrs=read-write
# which reaches whichever of the two accepts writes. Then the primary is stopped (pg_ctl stop -m fast: what an
# operator does before maintenance, and what a managed failover does) and the replica promoted (pg_ctl promote).
# Checks: parleyd and the mailer follow to the new primary within the backoff cap (30 s); new changes are alerted
# and mailed there; nothing committed before the failover is lost (the old primary's data directory, started
# aside on a socket nobody else knows, is compared with the new primary: every alert and every "sent" mark is
# there); and no delivery is sent twice, unless the run that sent it first lost the database before marking it.
DRILL_NAME=failover
source "$(dirname "$0")/lib.sh"

before=20
after=20
[ "$DRILL_SHORT" = 1 ] && { before=6; after=4; }
cap=30

cluster_start "$DRILL_WORK/primary"
primary=$(socket_of "$DRILL_WORK/primary")
SOCKET=$primary
DB=parley
create_database parley
seed_world

say "making the streaming replica (pg_basebackup -R)"
mkdir -p "$DRILL_WORK/replica"
[ "$(id -u)" = 0 ] && chown postgres: "$DRILL_WORK/replica"
as_postgres "$PGBIN/pg_basebackup" -h "$primary" -U postgres -D "$DRILL_WORK/replica/data" -R -X stream -c fast \
    || { broken "pg_basebackup failed"; finish; }
replica="$DRILL_WORK/replica/run"
echo "unix_socket_directories = '$replica'" | as_postgres tee -a "$DRILL_WORK/replica/data/postgresql.conf" >/dev/null
cluster_start "$DRILL_WORK/replica"
for i in $(seq 100); do
    [ "$(DB=postgres q -c "select count(*) from pg_stat_replication where state = 'streaming'")" = 1 ] && break
    sleep 0.1
done
[ "$(SOCKET=$replica DB=postgres q -c "select pg_is_in_recovery()")" = t ] || broken "the replica is not in recovery"
figure "replica streaming from the primary" "$(DB=postgres q -c "select count(*) from pg_stat_replication where state = 'streaming'")"

hosts="$primary,$replica"
daemon_url="postgresql:///parley?host=$hosts&target_session_attrs=read-write&user=drill_daemon"
mailer_url=$daemon_url
# The workload and the checks, as the superuser, through the same hosts.
export DRILL_CONNINFO="postgresql:///parley?host=$hosts&target_session_attrs=read-write&user=postgres"
export DRILL_MAIL_LOG="$DRILL_WORK/mail.log"
: > "$DRILL_MAIL_LOG"
stop="$DRILL_WORK/stop"

run_mailers() {
    local started
    while [ ! -e "$stop" ]; do
        started=$EPOCHREALTIME
        "${MAILER_RUN[@]}" env PARLEY_DATABASE_URL="$mailer_url" PARLEY_SENDMAIL="$DRILL_TOP/scripts/drills/sendmail" \
            "$DRILL_BIN/parley" alerts send 2>> "$DRILL_WORK/mailer.errors" &
        pid=$!
        wait "$pid"
        echo "$EPOCHREALTIME $? $started $pid" >> "$DRILL_WORK/mailer.exits"
        sleep 0.5
    done
}

start_daemon daemon "$daemon_url" PARLEY_RECONNECT_MAX_SECONDS=$cap
daemon=$DAEMON_PID
wait_for_log "$DRILL_WORK/daemon.log" "leading" 20 || { broken "parleyd did not lead"; finish; }
run_mailers &
track $!
run_workload "$DRILL_WORK/stop-workload" 0.2 &
track $!
say "parleyd, the mailer and the workload run on the primary for $before s"
sleep "$before"

lines=$(lines_of "$DRILL_WORK/daemon.log")
say "stopping the primary (fast) and promoting the replica"
t_stop=$EPOCHREALTIME
as_postgres "$PGBIN/pg_ctl" -D "$DRILL_WORK/primary/data" -m fast -w stop >/dev/null || broken "stopping the primary failed"
as_postgres "$PGBIN/pg_ctl" -D "$DRILL_WORK/replica/data" -w promote >/dev/null || broken "pg_ctl promote failed"
t_promoted=$EPOCHREALTIME
figure "primary stopped → replica promoted (s)" "$(elapsed "$t_stop" "$t_promoted")"

if wait_for_log "$DRILL_WORK/daemon.log" "connected to the database again" $((cap + 5)) "$lines"; then
    followed=$(elapsed "$t_promoted" "$(moment_of "$DRILL_WORK/daemon.log" "connected to the database again" "$lines")")
    figure "parleyd on the new primary after the promotion (s)" "$followed"
    awk -v r="$followed" -v c="$cap" 'BEGIN { exit !(r > c) }' && broken "parleyd took $followed s to follow (cap $cap s)"
else
    broken "parleyd did not reconnect within $((cap + 5)) s of the promotion"
fi
wait_for_log "$DRILL_WORK/daemon.log" "leading" 10 "$lines" || broken "parleyd did not lead on the new primary"
# The mailer: the first run that started after the promotion and succeeded.
mailer_followed=""
for i in $(seq $(( (cap + 5) * 10 ))); do
    mailer_followed=$(awk -v p="$t_promoted" '$3 >= p && $2 == 0 { printf "%.1f", $1 - p; exit }' "$DRILL_WORK/mailer.exits")
    [ -n "$mailer_followed" ] && break
    sleep 0.1
done
figure "mailer: first successful run after the promotion, done after (s)" "${mailer_followed:-none}"
[ -n "$mailer_followed" ] || broken "no successful mailer run within $((cap + 5)) s of the promotion"
failed_runs=$(awk -v s="$t_stop" '$1 >= s && $2 != 0' "$DRILL_WORK/mailer.exits" | wc -l)
figure "mailer runs that failed during the switch (exit status)" "$failed_runs ($(awk -v s="$t_stop" '$1 >= s && $2 != 0 { print $2 }' "$DRILL_WORK/mailer.exits" | sort -u | tr '\n' ' '))"

# Work goes on on the new primary: a new overdue commitment is alerted and mailed there.
q -c "select parley.add_commitment(track => 'istanbul', item => 'exchange', obligor => 'RU', beneficiaries => array['UA'],
          text => 'After the failover', made_on => current_date - 3, due_on => current_date - 1, code => 'after-failover',
          owner => 'officer2@drills.example')" >/dev/null || broken "recording on the new primary failed"
t_added=$EPOCHREALTIME
alerted=""
for i in $(seq 100); do
    n=$(q -c "select count(*) from parley_data.deliveries d join parley_data.alerts a on a.id = d.alert_id
               where a.subject_code = 'after-failover' and d.state = 'sent'")
    [ "${n:-0}" -gt 0 ] && { alerted=$(elapsed "$t_added"); break; }
    sleep 0.1
done
figure "new overdue commitment on the new primary: alerted and mailed after (s)" "${alerted:-not within 10 s}"
[ -n "$alerted" ] || broken "a change on the new primary was not alerted and mailed within 10 s"
sleep "$after"
touch "$DRILL_WORK/stop-workload"
sleep 2
touch "$stop"
sleep 2
kill -TERM "$daemon" 2>/dev/null
# A run that lost its connection in the switch left its claims leased (5 minutes): a run 10 minutes later, as
# cron's next runs would be, takes them over.
env PARLEY_DATABASE_URL="$mailer_url" PARLEY_SENDMAIL="$DRILL_TOP/scripts/drills/sendmail" "$DRILL_BIN/parley" alerts send \
    --at "$(date -u -d '+10 minutes' +'%Y-%m-%d %H:%M:%S+00')" 2>> "$DRILL_WORK/mailer.errors"

# Nothing committed before the failover is lost: the old primary, started aside, against the new one.
aside="$DRILL_WORK/old-primary-run"
mkdir -p "$aside"
[ "$(id -u)" = 0 ] && chown postgres: "$aside"
chmod 0700 "$aside"
as_postgres "$PGBIN/pg_ctl" -D "$DRILL_WORK/primary/data" -l "$DRILL_WORK/primary/old-primary.log" -w \
    -o "-c unix_socket_directories=$aside" start >/dev/null || broken "the old primary did not start aside"
SOCKET=$aside DRILL_CONNINFO='' q -F ' ' -c "select 'alert', id, kind::text, subject_type::text, subject_id, occurrence from parley_data.alerts
                                            union all
                                            select 'sent', id, message_id, '', 0, '' from parley_data.deliveries where state = 'sent'
                                            order by 1, 2" > "$DRILL_WORK/old-primary.rows"
as_postgres "$PGBIN/pg_ctl" -D "$DRILL_WORK/primary/data" -m fast -w stop >/dev/null
q -F ' ' -c "select 'alert', id, kind::text, subject_type::text, subject_id, occurrence from parley_data.alerts
             union all
             select 'sent', id, message_id, '', 0, '' from parley_data.deliveries where state = 'sent'
             order by 1, 2" > "$DRILL_WORK/new-primary.rows"
committed_before=$(wc -l < "$DRILL_WORK/old-primary.rows")
lost=$(comm -23 <(sort "$DRILL_WORK/old-primary.rows") <(sort "$DRILL_WORK/new-primary.rows") | wc -l)
duplicates=$(awk '{ print $4 }' "$DRILL_MAIL_LOG" | sort | uniq -d | wc -l)
# A duplicate is explained when the run that handed the first copy to sendmail failed (it lost the database
# between sendmail and marking the delivery sent).
unexplained=$(awk 'FILENAME == ARGV[1] { if ($2 != 0) failed[$4] = 1; next }
                   { count[$4]++; if (count[$4] > 1 && !(prev[$4] in failed)) bad++; prev[$4] = $2 }
                   END { print bad + 0 }' "$DRILL_WORK/mailer.exits" <(sort -k1,1n "$DRILL_MAIL_LOG"))
left=$(q -c "select count(*) from parley_data.deliveries d join parley_data.alerts a on a.id = d.alert_id
              where d.state in ('pending', 'sending') and a.cancel_reason is null")
figure "alerts and sent marks committed on the old primary" "$committed_before"
figure "of those missing on the new primary (lost)" "$lost"
figure "deliveries sent twice (explained by a run that lost the database)" "$duplicates ($((duplicates - unexplained)))"
figure "deliveries left unsent at the end" "$left"
figure "workload changes (failed during the switch)" "$(grep -c ok "$DRILL_WORK/workload.count") ($(grep -c failed "$DRILL_WORK/workload.count"))"
[ "$lost" = 0 ] || broken "$lost alert(s) or sent mark(s) committed before the failover are missing: $(comm -23 <(sort "$DRILL_WORK/old-primary.rows") <(sort "$DRILL_WORK/new-primary.rows") | head -n 3 | tr '\n' ';')"
[ "$unexplained" = 0 ] || broken "$unexplained delivery(ies) sent twice without a failed run to explain it"
[ "$left" = 0 ] || broken "$left delivery(ies) left unsent"
finish
