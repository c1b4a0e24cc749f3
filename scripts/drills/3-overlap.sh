#!/usr/bin/env bash
# Drill 3, overlap: two parleyd and two mailers that overlap all the time, for 2 minutes (20 s in --short), while a
# workload keeps changing things. Every 15 s (6 s) the leader is stopped with SIGTERM and started again, so the
# leadership changes hands. Checks: one leader at a time (from the daemons' own logs: no instance starts leading
# before the previous leader has stopped), zero duplicate alerts (no two live alerts with the same dedup key), and
# zero duplicate sends (every delivery accepted by sendmail exactly once; nothing is killed in this drill).
DRILL_NAME=overlap
source "$(dirname "$0")/lib.sh"

duration=120
handover_every=15
if [ "$DRILL_SHORT" = 1 ]; then duration=20; handover_every=6; fi

cluster_start "$DRILL_WORK/pg"
SOCKET=$(socket_of "$DRILL_WORK/pg")
DB=parley
create_database parley
seed_world
daemon_url=$(url_of "$SOCKET" parley drill_daemon)
mailer_url=$(url_of "$SOCKET" parley drill_daemon)
export DRILL_MAIL_LOG="$DRILL_WORK/mail.log"
: > "$DRILL_MAIL_LOG"
stop="$DRILL_WORK/stop"

supervise_daemon() {
    local name=$1 pid
    while [ ! -e "$stop" ]; do
        env PARLEY_DATABASE_URL="$daemon_url" PARLEY_STANDBY_CHECK_SECONDS=1 "$DRILL_BIN/parleyd" \
            2> >(timestamped >> "$DRILL_WORK/$name.log") &
        pid=$!
        echo "$pid" > "$DRILL_WORK/$name.pid"
        echo "$EPOCHREALTIME === start $pid" >> "$DRILL_WORK/$name.log"
        wait "$pid"
        echo "$EPOCHREALTIME === exit $?" >> "$DRILL_WORK/$name.log"
        # Longer than the standby's check interval, so that the other instance takes over (systemd would not
        # restart a daemon that stopped cleanly at all).
        sleep 3
    done
}

run_mailers() {
    local name=$1
    local started
    while [ ! -e "$stop" ]; do
        started=$EPOCHREALTIME
        env PARLEY_DATABASE_URL="$mailer_url" PARLEY_SENDMAIL="$DRILL_TOP/scripts/drills/sendmail" \
            "$DRILL_BIN/parley" alerts send 2>> "$DRILL_WORK/$name.errors"
        echo "$EPOCHREALTIME $? $started" >> "$DRILL_WORK/$name.exits"
        sleep "0.$((RANDOM % 3))"
    done
}

# The daemon that leads now: the one whose log says "leading" since its last start.
leader() {
    local name
    for name in A B; do
        awk '/=== start/ { lead = 0 } /leading/ { lead = 1 } END { exit !lead }' "$DRILL_WORK/$name.log" 2>/dev/null \
            && { echo "$name"; return; }
    done
}

supervise_daemon A &
track $!
wait_for_log "$DRILL_WORK/A.log" "leading" 20 || broken "the first parleyd did not lead"
supervise_daemon B &
track $!
wait_for_log "$DRILL_WORK/B.log" "starting" 20
run_mailers M1 &
mailer1=$!
track $mailer1
run_mailers M2 &
mailer2=$!
track $mailer2
run_workload "$DRILL_WORK/stop-workload" 0.1 &
track $!
say "two parleyd, two mailers and the workload run for $duration s; the leader is stopped every $handover_every s"

t_end=$(awk -v n="$EPOCHREALTIME" -v d="$duration" 'BEGIN { printf "%.0f", n + d }')
handovers=0
takeovers=()
while [ "${EPOCHREALTIME%.*}" -lt "$t_end" ]; do
    sleep "$handover_every"
    name=$(leader)
    [ -n "$name" ] || continue
    other=$([ "$name" = A ] && echo B || echo A)
    lines=$(lines_of "$DRILL_WORK/$other.log")
    sent=$EPOCHREALTIME
    kill -TERM "$(cat "$DRILL_WORK/$name.pid")" 2>/dev/null || continue
    handovers=$((handovers + 1))
    if wait_for_log "$DRILL_WORK/$other.log" "leading" 10 "$lines"; then
        takeovers+=("$(elapsed "$sent" "$(moment_of "$DRILL_WORK/$other.log" "leading" "$lines")")")
    else
        broken "no takeover within 10 s of stopping the leader"
    fi
done
touch "$DRILL_WORK/stop-workload"
sleep 3
touch "$stop"
# Let the mailers finish their last runs, then send what is left once more.
wait "$mailer1" "$mailer2"
env PARLEY_DATABASE_URL="$mailer_url" PARLEY_SENDMAIL="$DRILL_TOP/scripts/drills/sendmail" "$DRILL_BIN/parley" alerts send \
    2>> "$DRILL_WORK/final.errors"
for name in A B; do kill -TERM "$(cat "$DRILL_WORK/$name.pid")" 2>/dev/null; done
sleep 1

# One leader at a time: each leadership runs from "leading" to "stopping"/"lost"/exit; they must not overlap.
overlaps=$(for name in A B; do
    awk -v n="$name" '
        /leading/ { if (start == "") start = $1 }
        /stopping on signal|lost the database connection|rejoining as a standby|=== exit/ { if (start != "") { print start, $1, n; start = "" } }
        END { if (start != "") print start, 9999999999, n }' "$DRILL_WORK/$name.log"
done | sort -n | awk '{ if (NR > 1 && $1 < end) bad++; if ($2 > end) end = $2 } END { print bad + 0 }')
leaderships=$(cat "$DRILL_WORK/A.log" "$DRILL_WORK/B.log" | grep -c leading)
duplicate_alerts=$(q -c "select count(*) from (select 1 from parley_data.alerts where state <> 'cancelled'
                          group by subject_type, subject_id, kind, occurrence having count(*) > 1) d")
alerts=$(q -c "select count(*) from parley_data.alerts")
deliveries=$(q -c "select count(*) from parley_data.deliveries")
sent=$(q -c "select count(*) from parley_data.deliveries where state = 'sent'")
left=$(q -c "select count(*) from parley_data.deliveries d join parley_data.alerts a on a.id = d.alert_id
              where d.state in ('pending', 'sending') and a.cancel_reason is null")
accepted=$(wc -l < "$DRILL_MAIL_LOG")
duplicate_sends=$(awk '{ print $4 }' "$DRILL_MAIL_LOG" | sort | uniq -d | wc -l)
runs=$(cat "$DRILL_WORK/M1.exits" "$DRILL_WORK/M2.exits" | wc -l)
codes=$(cat "$DRILL_WORK/M1.exits" "$DRILL_WORK/M2.exits" | awk '{ print $2 }' | sort -n | uniq -c | awk '{ printf "%s%s×%s", s, $2, $1; s = ", " }')
# Runs of the two mailers that overlapped in time.
overlapping_runs=$(awk 'FILENAME == ARGV[1] { s[NR] = $3; e[NR] = $1; n = NR; next }
                        { for (i = 1; i <= n; i++) if (s[i] < $1 && $3 < e[i]) { c++; break } } END { print c + 0 }' \
                       "$DRILL_WORK/M1.exits" "$DRILL_WORK/M2.exits")
takeover_list=$(printf '%s ' "${takeovers[@]}")
max_takeover=$(printf '%s\n' "${takeovers[@]}" | sort -n | tail -n 1)

figure "duration (s), leader handovers (SIGTERM)" "$duration, $handovers"
figure "takeover after the leader's SIGTERM (s, each)" "${takeover_list:-none}"
figure "leaderships, overlapping leaderships" "$leaderships, $overlaps"
figure "mailer runs (exit status × count)" "$runs ($codes)"
figure "runs of the second mailer overlapping one of the first" "$overlapping_runs"
figure "workload changes" "$(grep -c ok "$DRILL_WORK/workload.count")"
figure "alerts planned, duplicate live alerts" "$alerts, $duplicate_alerts"
figure "deliveries, sent, accepted by sendmail, left unsent" "$deliveries, $sent, $accepted, $left"
figure "duplicate sends" "$duplicate_sends"
[ "$overlaps" = 0 ] || broken "$overlaps leadership(s) overlapped"
[ "$duplicate_alerts" = 0 ] || broken "$duplicate_alerts duplicate alert(s)"
[ "$duplicate_sends" = 0 ] || broken "$duplicate_sends delivery(ies) sent twice"
[ "$left" = 0 ] || broken "$left delivery(ies) left unsent"
[ "$accepted" = "$sent" ] || broken "sendmail accepted $accepted deliveries, $sent are marked sent"
[ -n "$max_takeover" ] && awk -v t="$max_takeover" 'BEGIN { exit !(t > 5) }' && broken "a takeover took $max_takeover s"
finish
