#!/usr/bin/env bash
# Drill 1, crash loop: while a workload keeps changing commitments, meetings and follow-ups, parleyd and
# `parley alerts send` are killed with SIGKILL at random moments (200 kills; 40 in --short), with a sendmail that
# fails 10% of the time. parleyd is restarted like systemd would (Restart=on-failure, 0.2 s); the mailer runs
# back to back like an impatient cron. Then everything runs to quiescence and is checked:
#   - alerts lost: an independent plan from scratch (a copy of the database, alerts deleted, one uninterrupted
#     plan_alerts at the same moment) finds no alert the crash-looped system does not have;
#   - every delivery of a live alert is sent (or suppressed by a silence), and was accepted by sendmail;
#   - every delivery accepted twice (a duplicate) is explained by a mailer killed after sendmail accepted it and
#     before the run marked it sent, no killed run caused more duplicates than one round (500 deliveries), and
#     every copy sent again carries the first copy's Message-ID (the claim fixed the digest).
# The mailers act on a drill clock running 20 times faster than the wall clock (`parley alerts send --at`), so
# that a dead run's 5-minute lease lapses in 15 s and the retry back-off (1 min, 5 min, …) passes in seconds.
DRILL_NAME=crash-loop
source "$(dirname "$0")/lib.sh"

kills_wanted=200
[ "$DRILL_SHORT" = 1 ] && kills_wanted=40
speedup=20

cluster_start "$DRILL_WORK/pg"
SOCKET=$(socket_of "$DRILL_WORK/pg")
DB=parley
create_database parley
seed_world
# parleyd and the mailer log in as the service does: a login with only parley_daemon.
daemon_url=$(url_of "$SOCKET" parley drill_daemon)
mailer_url=$(url_of "$SOCKET" parley drill_daemon)
export DRILL_MAIL_LOG="$DRILL_WORK/mail.log"
: > "$DRILL_MAIL_LOG"
: > "$DRILL_MAIL_LOG.failures"
stop="$DRILL_WORK/stop"
stop_mailer="$DRILL_WORK/stop-mailer"
t0=$EPOCHREALTIME

# The drill clock: t0 + speedup × (now − t0), as a timestamp PostgreSQL reads; plus OFFSET seconds.
drill_clock() {
    local offset=${1:-0}
    date -u -d "@$(awk -v t0="$t0" -v n="$EPOCHREALTIME" -v k="$speedup" -v o="$offset" 'BEGIN { printf "%.3f", t0 + k * (n - t0) + o }')" \
        +'%Y-%m-%d %H:%M:%S.%N+00'
}

supervise_daemon() {
    while [ ! -e "$stop" ]; do
        env PARLEY_DATABASE_URL="$daemon_url" "$DRILL_BIN/parleyd" 2> >(timestamped >> "$DRILL_WORK/daemon.log") &
        echo $! > "$DRILL_WORK/daemon.pid"
        wait $!
        echo "$EPOCHREALTIME $?" >> "$DRILL_WORK/daemon.exits"
        sleep 0.2
    done
}

run_mailers() {
    while [ ! -e "$stop_mailer" ]; do
        "${MAILER_RUN[@]}" env PARLEY_DATABASE_URL="$mailer_url" PARLEY_SENDMAIL="$DRILL_TOP/scripts/drills/sendmail" \
            DRILL_SENDMAIL_FAIL_PERCENT=10 "$DRILL_BIN/parley" alerts send --at "$(drill_clock)" \
            2>> "$DRILL_WORK/mailer.errors" &
        echo $! > "$DRILL_WORK/mailer.pid"
        wait $!
        echo "$EPOCHREALTIME $?" >> "$DRILL_WORK/mailer.exits"
        sleep 0.1
    done
}

say "starting parleyd (supervised), the mailer loop and the workload; $kills_wanted kills to come"
supervise_daemon 2>/dev/null &
track $!
wait_for_log "$DRILL_WORK/daemon.log" "leading" 20 || broken "parleyd did not lead within 20 s"
run_mailers 2>/dev/null &
track $!
run_workload "$DRILL_WORK/stop-workload" 0.15 &
track $!

: > "$DRILL_WORK/kills"
daemon_kills=0
mailer_kills=0
while [ $((daemon_kills + mailer_kills)) -lt "$kills_wanted" ]; do
    if [ "$DRILL_SHORT" = 1 ]; then sleep "0.$((1 + RANDOM % 5))$((RANDOM % 10))"; else sleep "0.$((2 + RANDOM % 8))$((RANDOM % 10))"; fi
    if [ $((RANDOM % 2)) = 0 ]; then victim=daemon; else victim=mailer; fi
    pid=$(cat "$DRILL_WORK/$victim.pid" 2>/dev/null) || continue
    if kill -KILL "$pid" 2>/dev/null; then
        echo "$EPOCHREALTIME $victim $pid" >> "$DRILL_WORK/kills"
        if [ "$victim" = daemon ]; then daemon_kills=$((daemon_kills + 1)); else mailer_kills=$((mailer_kills + 1)); fi
    fi
done
say "$daemon_kills parleyd and $mailer_kills mailer kills done; stopping the workload, running to quiescence"
touch "$DRILL_WORK/stop-workload"
sleep 0.5
touch "$stop"            # no more restarts: the daemon running now (or one started here) plans the last changes
sleep 0.5
daemon_pid=$(cat "$DRILL_WORK/daemon.pid")
if ! kill -0 "$daemon_pid" 2>/dev/null; then
    # Killed just before the stop: run one more, as systemd would.
    env PARLEY_DATABASE_URL="$daemon_url" "$DRILL_BIN/parleyd" 2> >(timestamped >> "$DRILL_WORK/daemon.log") &
    daemon_pid=$!
    track "$daemon_pid"
fi
# Wait until the leader has planned everything queued.
for i in $(seq 100); do
    [ "$(q -c "select count(*) from parley_data.plan_queue")" = 0 ] && break
    sleep 0.2
done
sleep 1
touch "$stop_mailer"
mailer_pid=$(cat "$DRILL_WORK/mailer.pid" 2>/dev/null)
while kill -0 "$mailer_pid" 2>/dev/null; do sleep 0.1; done
# Later and later runs: retries whose back-off has passed, claims of killed runs whose lease ran out.
offset=0
final_runs=0
for i in $(seq 40); do
    left=$(q -c "select count(*) from parley_data.deliveries where state in ('pending', 'sending')")
    [ "$left" = 0 ] && break
    offset=$((offset + 3600))
    final_runs=$((final_runs + 1))
    "${MAILER_RUN[@]}" env PARLEY_DATABASE_URL="$mailer_url" PARLEY_SENDMAIL="$DRILL_TOP/scripts/drills/sendmail" \
        DRILL_SENDMAIL_FAIL_PERCENT=10 "$DRILL_BIN/parley" alerts send --at "$(drill_clock "$offset")" \
        2>> "$DRILL_WORK/mailer.errors"
    echo "$EPOCHREALTIME $?" >> "$DRILL_WORK/mailer.exits"
done
# The daemon at rest: nothing changes, nothing falls due; it should sleep in poll().
cpu_before=$(cpu_seconds "$daemon_pid")
sleep 5
daemon_cpu=$(awk -v a="$cpu_before" -v b="$(cpu_seconds "$daemon_pid")" 'BEGIN { printf "%.2f", b - a }')
kill -TERM "$daemon_pid" 2>/dev/null
for i in $(seq 30); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
at=$(q -c "select now()")

# The checks -------------------------------------------------------------------------------------------------------
export LC_ALL=C    # one collation for sort, comm and join
oracle_alerts "$at" | sort > "$DRILL_WORK/oracle" || broken "the independent plan failed"
q -F ' ' -c "select subject_type, subject_id, kind, occurrence from parley_data.alerts
              where state <> 'cancelled' and kind <> 'resolved'" | sort > "$DRILL_WORK/actual"
lost=$(comm -23 "$DRILL_WORK/oracle" "$DRILL_WORK/actual" | wc -l)
q -F ' ' -c "select subject_type, subject_id, kind from parley_data.alerts
              where state <> 'cancelled' and kind <> 'resolved' and cancel_reason is null" \
    | sort -u > "$DRILL_WORK/actual-kinds"
cut -d' ' -f1-3 "$DRILL_WORK/oracle" | sort -u > "$DRILL_WORK/oracle-kinds"
uncancelled=$(comm -23 "$DRILL_WORK/actual-kinds" "$DRILL_WORK/oracle-kinds" | wc -l)

# Deliveries of live alerts, and what sendmail accepted.
q -F ' ' -c "select d.id, d.state, coalesce(d.message_id, '-'), d.attempts
               from parley_data.deliveries d join parley_data.alerts a on a.id = d.alert_id
              where a.state <> 'cancelled' and a.cancel_reason is null order by d.id" > "$DRILL_WORK/deliveries"
awk '{ print $4 }' "$DRILL_MAIL_LOG" | sort -n | uniq -c | awk '{ print $2, $1 }' > "$DRILL_WORK/accepted"
live=$(wc -l < "$DRILL_WORK/deliveries")
# Not marked sent: lost, unless sendmail accepted it anyway (a run died between sendmail and the mark, and the
# delivery was then cancelled rather than retried).
unsent=$(awk 'NR == FNR { accepted[$1] = 1; next } $2 != "sent" && $2 != "suppressed" && !($1 in accepted)' \
             "$DRILL_WORK/accepted" "$DRILL_WORK/deliveries" | wc -l)
unsent_but_mailed=$(awk 'NR == FNR { accepted[$1] = 1; next } $2 != "sent" && $2 != "suppressed" && ($1 in accepted)' \
             "$DRILL_WORK/accepted" "$DRILL_WORK/deliveries" | wc -l)
suppressed=$(awk '$2 == "suppressed"' "$DRILL_WORK/deliveries" | wc -l)
failed_deliveries=$(awk '$2 == "failed"' "$DRILL_WORK/deliveries" | wc -l)
# Marked sent, but sendmail never accepted it: a lost mail.
never_accepted=$(join -a1 -e 0 -o 1.1,1.2,2.2 <(awk '$2 == "sent" { print $1, $2 }' "$DRILL_WORK/deliveries" | sort -k1,1) \
                     <(sort -k1,1 "$DRILL_WORK/accepted") | awk '$3 == 0' | wc -l)
# The Message-ID recorded is one that sendmail accepted for that delivery.
wrong_id=$(awk 'NR == FNR { ok[$4 " " $3] = 1; next } $2 == "sent" && !(($1 " " $3) in ok)' \
               "$DRILL_MAIL_LOG" "$DRILL_WORK/deliveries" | wc -l)
sends=$(wc -l < "$DRILL_MAIL_LOG")
duplicates=$(awk '$2 > 1 { n += $2 - 1 } END { print n + 0 }' "$DRILL_WORK/accepted")
# A duplicate is explained when the run that handed the earlier copy to sendmail was killed: it died after
# starting sendmail (sendmail, orphaned, may finish a moment after the kill) and before marking the delivery sent.
unexplained=$(awk '
    FILENAME == ARGV[1] { if ($2 == "mailer") killed[$3] = 1; next }
    { count[$4]++; if (count[$4] > 1 && !(prev[$4] in killed)) bad++; prev[$4] = $2 }
    END { print bad + 0 }' "$DRILL_WORK/kills" <(sort -k1,1n "$DRILL_MAIL_LOG"))
# A copy sent again carries the first copy's Message-ID (the claim fixed the digest and its Message-ID), so that the
# recipient's mail system can recognise it: every duplicate must.
same_id=$(sort -k1,1n "$DRILL_MAIL_LOG" | awk '{ if (($4) in first) { if (first[$4] == $3) n++ } else first[$4] = $3 } END { print n + 0 }')
# At most a round sent again per killed run: the duplicates whose earlier copy a run handed over, per run.
round_size=500
most_per_kill=$(sort -k1,1n "$DRILL_MAIL_LOG" | awk '{ if ($4 in prev) n[prev[$4]]++; prev[$4] = $2 }
    END { m = 0; for (p in n) if (n[p] > m) m = n[p]; print m }')
mailer_runs=$(wc -l < "$DRILL_WORK/mailer.exits")
exit_codes=$(awk '{ print $2 }' "$DRILL_WORK/mailer.exits" | sort -n | uniq -c | awk '{ printf "%s%s×%s", sep, $2, $1; sep = ", " }')
injected=$(wc -l < "$DRILL_MAIL_LOG.failures")
restarts=$(wc -l < "$DRILL_WORK/daemon.exits")
changes=$(grep -c ok "$DRILL_WORK/workload.count")
workload_failed=$(grep -c failed "$DRILL_WORK/workload.count")
alerts=$(q -c "select count(*) from parley_data.alerts")
cancelled=$(q -c "select count(*) from parley_data.alerts where state = 'cancelled'")

figure "kills (SIGKILL): parleyd + mailer = total" "$daemon_kills + $mailer_kills = $((daemon_kills + mailer_kills))"
figure "parleyd restarts" "$restarts"
figure "mailer runs (exit status × count)" "$mailer_runs ($exit_codes)"
figure "quiescence: later mailer runs needed" "$final_runs"
figure "workload changes (failed)" "$changes ($workload_failed)"
figure "alerts planned (cancelled since)" "$alerts ($cancelled)"
figure "sendmail failures injected (10%)" "$injected"
figure "deliveries of live alerts: sent / suppressed / not sent" "$((live - unsent - unsent_but_mailed - suppressed)) / $suppressed / $((unsent + unsent_but_mailed))"
figure "  of those not sent: mailed before a kill anyway / never mailed (lost)" "$unsent_but_mailed / $unsent"
figure "deliveries given up (failed)" "$failed_deliveries"
figure "messages accepted by sendmail (per delivery)" "$sends"
figure "alerts lost (independent plan has, system lacks)" "$lost"
figure "alerts that should have been cancelled" "$uncancelled"
figure "deliveries marked sent that sendmail never accepted" "$never_accepted"
figure "deliveries whose Message-ID sendmail never saw" "$wrong_id"
figure "duplicate sends (explained by a mailer kill)" "$duplicates ($((duplicates - unexplained)))"
figure "duplicates carrying the first copy's Message-ID" "$same_id"
figure "most duplicates from one killed run (≤ a round, $round_size)" "$most_per_kill"
figure "parleyd CPU seconds over 5 s at rest after the drill" "$daemon_cpu"

[ "$lost" = 0 ] || broken "$lost alert(s) lost: $(comm -23 "$DRILL_WORK/oracle" "$DRILL_WORK/actual" | head -n 5 | tr '\n' ';')"
[ "$uncancelled" = 0 ] || broken "$uncancelled alert(s) still live that no longer apply"
[ "$unsent" = 0 ] || broken "$unsent delivery(ies) of live alerts never mailed (id state message-id attempts): $(awk 'NR == FNR { accepted[$1] = 1; next } $2 != "sent" && $2 != "suppressed" && !($1 in accepted)' "$DRILL_WORK/accepted" "$DRILL_WORK/deliveries" | head -n 5 | tr '\n' ';')"
[ "$never_accepted" = 0 ] || broken "$never_accepted delivery(ies) marked sent without sendmail accepting them"
[ "$wrong_id" = 0 ] || broken "$wrong_id delivery(ies) recorded with a Message-ID sendmail did not accept for them"
[ "$unexplained" = 0 ] || broken "$unexplained duplicate send(s) not explained by a mailer kill"
[ "$same_id" = "$duplicates" ] || broken "$((duplicates - same_id)) duplicate send(s) under another Message-ID than the first copy's"
[ "$most_per_kill" -le "$round_size" ] || broken "one killed run caused $most_per_kill duplicates, more than a round ($round_size)"
[ "$((daemon_kills + mailer_kills))" -ge "$kills_wanted" ] || broken "only $((daemon_kills + mailer_kills)) kills"
finish
