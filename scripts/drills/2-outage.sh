#!/usr/bin/env bash
# Drill 2, database restart and outage: parleyd runs with a watchdog (WATCHDOG_USEC = 2 s) on a notify socket.
#   a. an alert falling due while everything runs is planned on time (within 2 s);
#   b. `pg_ctl restart -m fast`: parleyd reconnects within its backoff cap;
#   c. a 60-second stop (12 s in --short), during which a follow-up falls due: parleyd keeps the watchdog fed (it is
#      healthy, only waiting), logs the outage once rather than per attempt, reconnects within the backoff cap
#      (30 s) after PostgreSQL returns, and plans the alert that fell due meanwhile.
DRILL_NAME=outage
source "$(dirname "$0")/lib.sh"

outage=60
[ "$DRILL_SHORT" = 1 ] && outage=12
cap=30

cluster_start "$DRILL_WORK/pg"
SOCKET=$(socket_of "$DRILL_WORK/pg")
DB=parley
create_database parley
seed_world
data="$DRILL_WORK/pg/data"

start_notify_socket daemon
start_daemon daemon "$(url_of "$SOCKET" parley drill_daemon)" NOTIFY_SOCKET="$NOTIFY_PATH" WATCHDOG_USEC=2000000 \
    PARLEY_RECONNECT_MAX_SECONDS=$cap
daemon=$DAEMON_PID
t_start=$EPOCHREALTIME
wait_for_log "$DRILL_WORK/daemon.notify" "READY=1" 20 || { broken "no READY=1 within 20 s"; finish; }
say "parleyd is ready; phase a: an alert falling due while all runs"

# a. On time.
q -c "select parley.add_follow_up(assignee => 'officer1@drills.example', due_at => now() + interval '4 seconds',
                                  note => 'Due in 4 s', track => 'istanbul', code => 'due-now')" >/dev/null
due=$(q -c "select extract(epoch from due_at) from parley_data.follow_ups where code = 'due-now'")
cpu_before=$(cpu_seconds "$daemon")
planned_late=none
for i in $(seq 70); do
    planned=$(q -c "select extract(epoch from min(created_at)) from parley_data.alerts
                     where subject_code = 'due-now' and kind = 'follow_up_due'")
    if [ -n "$planned" ]; then planned_late=$(awk -v a="$due" -v b="$planned" 'BEGIN { printf "%.1f", b - a }'); break; fi
    sleep 0.1
done
cpu_waiting=$(awk -v a="$cpu_before" -v b="$(cpu_seconds "$daemon")" 'BEGIN { printf "%.2f", b - a }')
figure "a. follow-up due while running: planned after its due time (s)" "$planned_late"
figure "a. parleyd CPU seconds from recording it to its alert (or 7 s)" "$cpu_waiting"
if [ "$planned_late" = none ]; then
    broken "a follow-up that fell due while parleyd ran was not planned within 3 s of its due time"
elif awk -v l="$planned_late" 'BEGIN { exit !(l > 2) }'; then
    broken "a follow-up that fell due while parleyd ran was planned $planned_late s late"
fi

# b. Restart.
say "phase b: pg_ctl restart -m fast"
lines=$(lines_of "$DRILL_WORK/daemon.log")
as_postgres "$PGBIN/pg_ctl" -D "$data" -m fast -w restart >/dev/null || broken "pg_ctl restart failed"
t_up=$EPOCHREALTIME
if wait_for_log "$DRILL_WORK/daemon.log" "connected to the database again" $((cap + 5)) "$lines"; then
    reconnected=$(elapsed "$t_up" "$(moment_of "$DRILL_WORK/daemon.log" "connected to the database again" "$lines")")
    figure "b. restart: reconnected after PostgreSQL was back (s)" "$reconnected"
    awk -v r="$reconnected" -v c="$cap" 'BEGIN { exit !(r > c) }' && broken "reconnect after restart took $reconnected s (cap $cap s)"
else
    broken "no reconnect within $((cap + 5)) s of the restart"
fi
wait_for_log "$DRILL_WORK/daemon.log" "leading" 10 "$lines" || broken "parleyd did not lead again after the restart"

# c. Outage.
sleep 2
half=$((outage / 2))
q -c "select parley.add_follow_up(assignee => 'officer2@drills.example', due_at => now() + interval '$half seconds',
                                  note => 'Falls due during the outage', track => 'tokyo', code => 'due-in-outage')" >/dev/null
due=$(q -c "select extract(epoch from due_at) from parley_data.follow_ups where code = 'due-in-outage'")
sleep 1
say "phase c: PostgreSQL stopped for $outage s; a follow-up falls due after $half s"
lines=$(lines_of "$DRILL_WORK/daemon.log")
notify_lines=$(lines_of "$DRILL_WORK/daemon.notify")
as_postgres "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null || broken "pg_ctl stop failed"
t_down=$EPOCHREALTIME
cpu_before=$(cpu_seconds "$daemon")
sleep "$outage"
cpu_outage=$(awk -v a="$cpu_before" -v b="$(cpu_seconds "$daemon")" 'BEGIN { printf "%.2f", b - a }')
outage_log_lines=$(( $(lines_of "$DRILL_WORK/daemon.log") - lines ))
as_postgres "$PGBIN/pg_ctl" -D "$data" -l "$DRILL_WORK/pg/postgresql.log" -w start >/dev/null || broken "pg_ctl start failed"
t_up=$EPOCHREALTIME
if wait_for_log "$DRILL_WORK/daemon.log" "connected to the database again" $((cap + 5)) "$lines"; then
    reconnected=$(elapsed "$t_up" "$(moment_of "$DRILL_WORK/daemon.log" "connected to the database again" "$lines")")
    figure "c. outage of $outage s: reconnected after PostgreSQL was back (s)" "$reconnected"
    awk -v r="$reconnected" -v c="$cap" 'BEGIN { exit !(r > c) }' && broken "reconnect after the outage took $reconnected s (cap $cap s)"
else
    broken "no reconnect within $((cap + 5)) s of PostgreSQL's return"
fi
planned=""
for i in $(seq 100); do
    planned=$(q -c "select extract(epoch from min(created_at)) from parley_data.alerts
                     where subject_code = 'due-in-outage' and kind = 'follow_up_due'")
    [ -n "$planned" ] && break
    sleep 0.1
done
if [ -n "$planned" ]; then
    figure "c. alert that fell due in the outage: planned after PostgreSQL returned (s)" "$(elapsed "$t_up" "$planned")"
else
    broken "the follow-up that fell due during the outage was not planned within 10 s of the reconnect"
fi
t_end=$EPOCHREALTIME

gap=$(watchdog_max_gap "$DRILL_WORK/daemon.notify" "$t_start" "$t_end")
pings=$(awk -v s="$t_start" '$1 >= s && /WATCHDOG=1/' "$DRILL_WORK/daemon.notify" | wc -l)
outage_status=$(tail -n +"$((notify_lines + 1))" "$DRILL_WORK/daemon.notify" | grep -o 'STATUS=[^|]*' | sort -u | tr '\n' ';')
figure "watchdog: pings, longest gap (s; WATCHDOG_USEC = 2 s)" "$pings, $gap"
figure "c. STATUS during the outage" "${outage_status:-none}"
figure "c. log lines during the $outage s outage" "$outage_log_lines"
figure "c. parleyd CPU seconds during the outage" "$cpu_outage"
[ "$gap" != none ] && awk -v g="$gap" 'BEGIN { exit !(g <= 2.0) }' || broken "the watchdog starved: longest gap $gap s (> 2 s)"
[ "$outage_log_lines" -le 3 ] || broken "$outage_log_lines log lines during the outage (one per state change expected)"
case $outage_status in *reconnecting*|*waiting*) ;; *) broken "no STATUS saying it waits for the database during the outage" ;; esac
kill -0 "$daemon" 2>/dev/null || broken "parleyd exited"
finish
