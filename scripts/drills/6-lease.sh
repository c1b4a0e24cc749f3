#!/usr/bin/env bash
# Drill 6, lease (issue 19): a leader that stops answering without its session ending must hand over when its lease
# lapses, and must not plan when it comes back. Two parleyd with PARLEY_HEARTBEAT_SECONDS=2, PARLEY_LEASE_SECONDS=6
# and PARLEY_STANDBY_CHECK_SECONDS=1, while a workload changes things.
#   a. frozen: the leader gets SIGSTOP (a paused VM, a stuck mount), and SIGCONT 10 s after the takeover (4 s in
#      --short);
#   b. cut off: the leader reaches PostgreSQL through a TCP proxy on loopback (scripts/drills/hold-proxy.py), which
#      stops forwarding without closing anything: first what the leader sends (a change is recorded at that moment,
#      so that the plan it sends for it is held up), a second later both ways; forwarding resumes 10 s after the
#      takeover (4 s), and what was held up reaches the server.
# Checks, each time: the standby leads within the lease plus a few seconds (lease + standby check + 3 s); a
# follow-up that fell due while nobody led is planned; the old leader, back, writes no plan (its log, at debug
# level, logs every plan it completes), rejoins as a standby and says so; the database refused what it sent late
# (server log); no two live alerts share a dedup key; the lease is held by the new leader alone.
DRILL_NAME=lease
source "$(dirname "$0")/lib.sh"

heartbeat=2
lease=6
away=10
[ "$DRILL_SHORT" = 1 ] && away=4
takeover_limit=$((lease + 1 + 3))

cluster_start "$DRILL_WORK/pg"
SOCKET=$(socket_of "$DRILL_WORK/pg")
DB=parley
create_database parley
seed_world
server_log="$DRILL_WORK/pg/postgresql.log"
direct_url=$(url_of "$SOCKET" parley drill_daemon)
lease_env=(PARLEY_HEARTBEAT_SECONDS=$heartbeat PARLEY_LEASE_SECONDS=$lease PARLEY_LOG_LEVEL=debug)

control="$DRILL_WORK/proxy.control"
echo flow > "$control"
python3 "$DRILL_TOP/scripts/drills/hold-proxy.py" "$DRILL_WORK/proxy.port" "$SOCKET/.s.PGSQL.5432" "$control" &
track $!
for i in $(seq 50); do [ -s "$DRILL_WORK/proxy.port" ] && break; sleep 0.1; done
[ -s "$DRILL_WORK/proxy.port" ] || { broken "the proxy did not start"; finish; }
proxy_url="postgresql://drill_daemon@127.0.0.1:$(cat "$DRILL_WORK/proxy.port")/parley?sslmode=disable&gssencmode=disable"

run_workload "$DRILL_WORK/stop-workload" 0.3 &
track $!

# The pid in daemon_status of the instance whose process is PID, and whether it holds the lease: "role holds".
standing_of() { q -F ' ' -c "select role, holds_lease from parley.daemon_status where pid = $1"; }

duplicates() {
    q -c "select count(*) from (select 1 from parley_data.alerts where state <> 'cancelled'
           group by subject_type, subject_id, kind, occurrence having count(*) > 1) d"
}

# A follow-up falling due SECONDS from now, while the leader is away: prints its code.
due_in_gap() {
    q -c "select parley.add_follow_up(assignee => 'officer3@drills.example', due_at => now() + interval '$2 seconds',
                                      note => 'Falls due while nobody leads', track => 'istanbul', code => '$1')" >/dev/null
}

# When (epoch seconds, database clock) the follow-up CODE's alert was planned; empty if it was not.
planned_at() {
    q -c "select extract(epoch from min(created_at)) from parley_data.alerts where subject_code = '$1' and kind = 'follow_up_due'"
}

# round PART OLD NEW T_AWAY LINES_OLD LINES_NEW GAP_CODE: the checks after the leader went away at T_AWAY.
check_takeover() {
    local part=$1 old=$2 new=$3 t_away=$4 new_lines=$5 code=$6 took
    if wait_for_log "$DRILL_WORK/$new.log" "leading" "$takeover_limit" "$new_lines"; then
        took=$(elapsed "$t_away" "$(moment_of "$DRILL_WORK/$new.log" "leading" "$new_lines")")
        figure "$part. standby leads after the leader went away (s; lease $lease)" "$took"
        TAKEOVERS+=("$took")
    else
        broken "$part: the standby did not lead within $takeover_limit s (lease $lease s)"
        return
    fi
    local due planned
    due=$(q -c "select extract(epoch from due_at) from parley_data.follow_ups where code = '$code'")
    for i in $(seq 50); do
        planned=$(planned_at "$code")
        [ -n "$planned" ] && break
        sleep 0.1
    done
    if [ -n "$planned" ]; then
        figure "$part. follow-up due in the gap: planned after its due time (s)" "$(elapsed "$due" "$planned")"
    else
        broken "$part: the follow-up that fell due while nobody led was not planned"
    fi
}

# check_return PART OLD NEW T_AWAY T_BACK OLD_LINES REFUSALS_BEFORE: the old leader is back.
check_return() {
    local part=$1 old=$2 new=$3 t_away=$4 t_back=$5 old_lines=$6 refusals_before=$7 back said
    if wait_for_log "$DRILL_WORK/$old.log" "rejoining as a standby" 10 "$old_lines"; then
        back=$(elapsed "$t_back" "$(moment_of "$DRILL_WORK/$old.log" "rejoining as a standby" "$old_lines")")
        figure "$part. old leader back: rejoined as a standby after (s)" "$back"
        said=$(tail -n +"$((old_lines + 1))" "$DRILL_WORK/$old.log" | grep -F "rejoining as a standby" | head -n 1 \
               | sed -e 's/^[0-9.]* <[0-9]>lost the leadership: //' -e 's/; rejoining as a standby$//' \
                     -e 's/ (last renewed .*)$//' -e 's/ epoch [0-9]*/ epoch N/g' -e 's/ at [0-9-]* [0-9:]* UTC//' \
                     -e 's/instance [0-9a-f-]*/instance …/' -e "s/ is no longer this session's//")
        figure "$part. why, as it logged it" "$said"
    else
        broken "$part: the old leader did not say it rejoined as a standby within 10 s of coming back"
    fi
    sleep 3
    local plans
    plans=$(tail -n +"$((old_lines + 1))" "$DRILL_WORK/$old.log" | grep -c "planned")
    figure "$part. plans completed by the old leader after it came back" "$plans"
    [ "$plans" = 0 ] || broken "$part: the old leader planned $plans time(s) after it came back"
    local refused=$(( $(grep -c "is no longer this session's" "$server_log") - refusals_before ))
    figure "$part. its statements the database refused (server log)" "$refused"
    figure "$part. old / new leader in daemon_status (role, holds the lease)" \
        "$(standing_of "$(cat "$DRILL_WORK/$old.pid")" | tr ' ' ',') / $(standing_of "$(cat "$DRILL_WORK/$new.pid")" | tr ' ' ',')"
    [ "$(standing_of "$(cat "$DRILL_WORK/$new.pid")")" = "leader t" ] || broken "$part: the new leader does not hold the lease"
    [ "$(standing_of "$(cat "$DRILL_WORK/$old.pid")")" = "standby f" ] || broken "$part: the old leader is not a standby"
    local dup
    dup=$(duplicates)
    figure "$part. duplicate live alerts" "$dup"
    [ "$dup" = 0 ] || broken "$part: $dup duplicate alert(s)"
}

start_parleyd() {
    local name=$1 url=$2
    start_daemon "$name" "$url" "${lease_env[@]}"
    echo "$DAEMON_PID" > "$DRILL_WORK/$name.pid"
}

standbys() { q -c "select count(*) from parley.daemon_status where role = 'standby'"; }

TAKEOVERS=()

# a. Frozen -------------------------------------------------------------------------------------------------------
say "a. two parleyd; the leader is frozen (SIGSTOP)"
start_parleyd A "$direct_url"
wait_for_log "$DRILL_WORK/A.log" "leading" 20 || { broken "parleyd A did not lead"; finish; }
start_parleyd B "$direct_url"
for i in $(seq 100); do [ "$(standbys)" = 1 ] && break; sleep 0.1; done
due_in_gap gap-a 3
sleep 1
lines_b=$(lines_of "$DRILL_WORK/B.log")
lines_a=$(lines_of "$DRILL_WORK/A.log")
refusals=$(grep -c "is no longer this session's" "$server_log")
t_away=$EPOCHREALTIME
kill -STOP "$(cat "$DRILL_WORK/A.pid")"
check_takeover a A B "$t_away" "$lines_b" gap-a
sleep "$away"
t_back=$EPOCHREALTIME
kill -CONT "$(cat "$DRILL_WORK/A.pid")"
check_return a A B "$t_away" "$t_back" "$lines_a" "$refusals"
kill -TERM "$(cat "$DRILL_WORK/A.pid")" "$(cat "$DRILL_WORK/B.pid")"
sleep 1

# b. Cut off ------------------------------------------------------------------------------------------------------
say "b. the leader reaches PostgreSQL through a proxy, which stops forwarding"
start_parleyd C "$proxy_url"
wait_for_log "$DRILL_WORK/C.log" "leading" 20 || { broken "parleyd C (through the proxy) did not lead"; finish; }
start_parleyd D "$direct_url"
for i in $(seq 100); do [ "$(standbys)" = 1 ] && break; sleep 0.1; done
due_in_gap gap-b 3
sleep 1
lines_d=$(lines_of "$DRILL_WORK/D.log")
lines_c=$(lines_of "$DRILL_WORK/C.log")
refusals=$(grep -c "is no longer this session's" "$server_log")
t_away=$EPOCHREALTIME
echo hold-up > "$control"
# A change now: its notification still reaches C, whose plan for it is held up in the proxy.
q -c "select parley.add_commitment(track => 'tokyo', item => 'exchange', obligor => 'RU', beneficiaries => array['UA'],
          text => 'Recorded as the leader is cut off', made_on => current_date - 3, due_on => current_date - 1,
          code => 'at-the-cut', owner => 'officer2@drills.example')" >/dev/null
sleep 1
echo hold > "$control"
check_takeover b C D "$t_away" "$lines_d" gap-b
at_cut=$(q -c "select count(*) from parley_data.alerts where subject_code = 'at-the-cut' and state <> 'cancelled'")
figure "b. the change recorded at the cut: live alerts after the takeover" "$at_cut"
[ "$at_cut" -gt 0 ] || broken "b: the change recorded at the cut was not planned by the new leader"
sleep "$away"
t_back=$EPOCHREALTIME
echo flow > "$control"
check_return b C D "$t_away" "$t_back" "$lines_c" "$refusals"
[ "$(( $(grep -c "is no longer this session's" "$server_log") - refusals ))" -ge 1 ] \
    || broken "b: the database refused nothing the cut-off leader sent: did it send anything?"

touch "$DRILL_WORK/stop-workload"
figure "workload changes (failed)" "$(grep -c ok "$DRILL_WORK/workload.count") ($(grep -c failed "$DRILL_WORK/workload.count"))"
finish
