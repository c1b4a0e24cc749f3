#!/usr/bin/env bash
# Drill 6, lease (issue 19): a leader that stops answering without its session ending must hand over when its lease
# lapses, and must not plan when it comes back. Two parleyd with PARLEY_HEARTBEAT_SECONDS=2, PARLEY_LEASE_SECONDS=6
# and PARLEY_STANDBY_CHECK_SECONDS=1, while a workload changes things.
#   a. frozen: the leader gets SIGSTOP (a paused VM, a stuck mount), and SIGCONT 10 s after the takeover;
#   b. cut off: the leader reaches PostgreSQL through a TCP proxy on loopback (scripts/drills/hold-proxy.py), which
#      stops forwarding without closing anything: first what the leader sends (a change is recorded at that moment,
#      so that the plan it sends for it is held up), a second later both ways; forwarding resumes 10 s after the
#      takeover, and what was held up reaches the server.
# Three rounds of each with fresh daemons (--short: one round, back 4 s after the takeover).
# Checks, each time: the standby leads within the lease plus a few seconds (lease + standby check + 3 s); a
# follow-up that fell due while nobody led is planned; the old leader, back, writes no plan: the server completed no
# plan of its session after the new leader's election (the server log, which has every statement of the daemons'
# login, log_min_duration_statement = 0: an "execute" entry is a statement completed); it rejoins as a standby and
# says so; in b the database refused the statement held up; no two live alerts share a dedup key; the new leader
# alone holds the lease.
DRILL_NAME=lease
source "$(dirname "$0")/lib.sh"

heartbeat=2
lease=6
away=10
rounds=3
if [ "$DRILL_SHORT" = 1 ]; then away=4; rounds=1; fi
takeover_limit=$((lease + 1 + 3))

cluster_start "$DRILL_WORK/pg"
SOCKET=$(socket_of "$DRILL_WORK/pg")
DB=parley
create_database parley
seed_world
server_log="$DRILL_WORK/pg/postgresql.log"
# Every statement of the daemons, with its session's pid, in the server log.
DB=postgres q -c "alter role drill_daemon set log_min_duration_statement = 0" >/dev/null
direct_url=$(url_of "$SOCKET" parley drill_daemon)
lease_env=(PARLEY_HEARTBEAT_SECONDS=$heartbeat PARLEY_LEASE_SECONDS=$lease PARLEY_LOG_LEVEL=debug)

control="$DRILL_WORK/proxy.control"
echo flow > "$control"
python3 "$DRILL_TOP/scripts/drills/hold-proxy.py" "$DRILL_WORK/proxy.port" "$SOCKET/.s.PGSQL.5432" "$control" &
track $!
for i in $(seq 50); do [ -s "$DRILL_WORK/proxy.port" ] && break; sleep 0.1; done
[ -s "$DRILL_WORK/proxy.port" ] || { broken "the proxy did not start"; finish; }
proxy_url="postgresql://drill_daemon@127.0.0.1:$(cat "$DRILL_WORK/proxy.port")/parley?sslmode=disable&gssencmode=disable"

# proxy MODE: flow, hold-up or hold; returns once the proxy acts on it.
proxy() {
    echo "$1" > "$control"
    for i in $(seq 100); do
        [ "$(cat "$control.in-effect" 2>/dev/null)" = "$1" ] && return 0
        sleep 0.02
    done
    broken "the proxy did not switch to $1"
}

# The workload, paused while the file "pause" exists (around the cut, so that the leader is idle when it is cut off
# and the statement held up is the plan of the change recorded then).
(
    n=0
    while [ ! -e "$DRILL_WORK/stop-workload" ]; do
        if [ -e "$DRILL_WORK/pause" ]; then sleep 0.1; continue; fi
        n=$((n + 1))
        if workload_step "$n" >/dev/null 2>>"$DRILL_WORK/workload.errors"; then
            echo ok >> "$DRILL_WORK/workload.count"
        else
            echo failed >> "$DRILL_WORK/workload.count"
        fi
        sleep 0.3
    done
) &
track $!

# The role in daemon_status of the instance whose process is PID, and whether it holds the lease: "role t|f".
standing_of() { q -F ' ' -c "select role, holds_lease from parley.daemon_status where pid = $1"; }

duplicates() {
    q -c "select count(*) from (select 1 from parley_data.alerts where state <> 'cancelled'
           group by subject_type, subject_id, kind, occurrence having count(*) > 1) d"
}

# due_in_gap CODE SECONDS: a follow-up falling due SECONDS from now, while the leader is away.
due_in_gap() {
    q -c "select parley.add_follow_up(assignee => 'officer3@drills.example', due_at => now() + interval '$2 seconds',
                                      note => 'Falls due while nobody leads', track => 'istanbul', code => '$1')" >/dev/null
}

# The server log's entries of backend PID, one line each (continuation lines joined): "DATE TIME UTC [PID] …".
backend_entries() {
    awk -v pid="[$1]" '
        /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { if (entry != "") print entry; entry = (index($0, pid) ? $0 : ""); next }
        { if (entry != "") entry = entry " " $0 }
        END { if (entry != "") print entry }' "$server_log"
}

# The backend pid of the parleyd whose process is PID.
backend_of() { q -c "select backend_pid from parley.daemon_status where pid = $1"; }

# When the lease was last elected, as the server log writes times (UTC, milliseconds).
elected_at() {
    q -c "select to_char(elected_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') from parley_data.daemon_leadership"
}

# Why the old leader said it rejoined, in short: its plan or its renewal was refused by the database, or it found
# its lease lapsed by its own clock.
why() {
    sed -e 's/.*its plan was refused.*/plan refused/' -e 's/.*its lease renewal was refused.*/renewal refused/' \
        -e "s/.*lapsed by this instance's clock.*/lapsed by its clock/"
}

start_parleyd() {
    local name=$1 url=$2
    start_daemon "$name" "$url" "${lease_env[@]}"
    echo "$DAEMON_PID" > "$DRILL_WORK/$name.pid"
}
pid_of() { cat "$DRILL_WORK/$1.pid"; }

# Per part (a, b), one value per round.
declare -A TAKEOVER GAP BACK WRITTEN READ REFUSED WHY

# pair PART ROUND OLD_URL: starts the leader OLD and the standby NEW of this round; sets OLD and NEW.
pair() {
    OLD="$1$2-leader" NEW="$1$2-standby"
    start_parleyd "$OLD" "$3"
    wait_for_log "$DRILL_WORK/$OLD.log" "leading" 20 || { broken "$1$2: the first parleyd did not lead"; return 1; }
    start_parleyd "$NEW" "$direct_url"
    for i in $(seq 100); do
        [ "$(standing_of "$(pid_of "$NEW")")" = "standby f" ] && return 0
        sleep 0.1
    done
    broken "$1$2: the second parleyd did not stand by"
    return 1
}

# went_away PART ROUND T_AWAY NEW_LINES CODE: the standby leads in time, and plans what fell due meanwhile.
went_away() {
    local part=$1 round=$2 t_away=$3 new_lines=$4 code=$5 took due planned
    if ! wait_for_log "$DRILL_WORK/$NEW.log" "leading" "$takeover_limit" "$new_lines"; then
        broken "$part$round: the standby did not lead within $takeover_limit s (lease $lease s)"
        return 1
    fi
    took=$(elapsed "$t_away" "$(moment_of "$DRILL_WORK/$NEW.log" "leading" "$new_lines")")
    TAKEOVER[$part]+="$took "
    due=$(q -c "select extract(epoch from due_at) from parley_data.follow_ups where code = '$code'")
    for i in $(seq 50); do
        planned=$(q -c "select extract(epoch from min(created_at)) from parley_data.alerts
                         where subject_code = '$code' and kind = 'follow_up_due'")
        [ -n "$planned" ] && break
        sleep 0.1
    done
    if [ -n "$planned" ]; then
        GAP[$part]+="$(elapsed "$due" "$planned") "
    else
        broken "$part$round: the follow-up that fell due while nobody led was not planned"
    fi
}

# came_back PART ROUND T_BACK OLD_LINES OLD_BACKEND ELECTED: the old leader is back (at T_BACK, when its log had
# OLD_LINES lines); OLD_BACKEND is the session it led on, ELECTED when the new leader was elected.
came_back() {
    local part=$1 round=$2 t_back=$3 old_lines=$4 old_backend=$5 elected=$6 written refused
    if wait_for_log "$DRILL_WORK/$OLD.log" "rejoining as a standby" 10 "$old_lines"; then
        BACK[$part]+="$(elapsed "$t_back" "$(moment_of "$DRILL_WORK/$OLD.log" "rejoining as a standby" "$old_lines")") "
        WHY[$part]+="$(tail -n +"$((old_lines + 1))" "$DRILL_WORK/$OLD.log" | grep -F "rejoining as a standby" \
                       | head -n 1 | why); "
    else
        broken "$part$round: the old leader did not say it rejoined as a standby within 10 s of coming back"
    fi
    sleep 3
    written=$(backend_entries "$old_backend" | grep "duration: [0-9.]* ms  execute " | grep "plan_alerts_as_leader" \
              | awk -v e="$elected" '($1 " " $2) > e' | wc -l)
    WRITTEN[$part]+="$written "
    [ "$written" = 0 ] || broken "$part$round: the server completed $written plan(s) of the old leader after the new one was elected"
    # A plan the server completed before the election may be read after the leader is back: stopped between sending
    # it and reading its result, the leader reads it late. Counted, not a fault: the server log decides.
    READ[$part]+="$(tail -n +"$((old_lines + 1))" "$DRILL_WORK/$OLD.log" | grep -c "planned") "
    # Cut off while idle, the leader's statement held up is the plan of the change recorded at the cut (or, should
    # its heartbeat come due in those milliseconds, its renewal): the database must refuse it.
    refused=$(backend_entries "$old_backend" | grep -c "ERROR: .*is no longer this session's")
    REFUSED[$part]+="$refused "
    [ "$part" = a ] || [ "$refused" -ge 1 ] || broken "$part$round: the database refused nothing the cut-off leader sent"
    [ "$(standing_of "$(pid_of "$NEW")")" = "leader t" ] || broken "$part$round: the new leader does not hold the lease"
    [ "$(standing_of "$(pid_of "$OLD")")" = "standby f" ] || broken "$part$round: the old leader is not a standby"
    kill -TERM "$(pid_of "$OLD")" "$(pid_of "$NEW")"
    sleep 1
}

frozen() {
    local round=$1 new_lines old_backend t_away elected old_lines t_back
    say "a$round. two parleyd; the leader is frozen (SIGSTOP)"
    pair a "$round" "$direct_url" || return
    due_in_gap "gap-a$round" 3
    sleep 1
    new_lines=$(lines_of "$DRILL_WORK/$NEW.log")
    old_backend=$(backend_of "$(pid_of "$OLD")")
    t_away=$EPOCHREALTIME
    kill -STOP "$(pid_of "$OLD")"
    went_away a "$round" "$t_away" "$new_lines" "gap-a$round" || return
    elected=$(elected_at)
    sleep "$away"
    old_lines=$(lines_of "$DRILL_WORK/$OLD.log")
    t_back=$EPOCHREALTIME
    kill -CONT "$(pid_of "$OLD")"
    came_back a "$round" "$t_back" "$old_lines" "$old_backend" "$elected"
}

cut_off() {
    local round=$1 new_lines old_backend t_away elected old_lines t_back at_cut
    say "b$round. the leader reaches PostgreSQL through a proxy, which stops forwarding"
    pair b "$round" "$proxy_url" || return
    touch "$DRILL_WORK/pause"
    due_in_gap "gap-b$round" 3
    sleep 2
    new_lines=$(lines_of "$DRILL_WORK/$NEW.log")
    old_backend=$(backend_of "$(pid_of "$OLD")")
    t_away=$EPOCHREALTIME
    proxy hold-up
    # A change now: its notification still reaches the leader, whose plan for it is held up in the proxy.
    q -c "select parley.add_commitment(track => 'tokyo', item => 'exchange', obligor => 'RU', beneficiaries => array['UA'],
              text => 'Recorded as the leader is cut off', made_on => current_date - 3, due_on => current_date - 1,
              code => 'at-the-cut-$round', owner => 'officer2@drills.example')" >/dev/null
    sleep 1
    proxy hold
    rm -f "$DRILL_WORK/pause"
    went_away b "$round" "$t_away" "$new_lines" "gap-b$round" || { proxy flow; return; }
    elected=$(elected_at)
    at_cut=$(q -c "select count(*) from parley_data.alerts where subject_code = 'at-the-cut-$round' and state <> 'cancelled'")
    [ "$at_cut" -gt 0 ] || broken "b$round: the change recorded at the cut was not planned by the new leader"
    sleep "$away"
    old_lines=$(lines_of "$DRILL_WORK/$OLD.log")
    t_back=$EPOCHREALTIME
    proxy flow
    came_back b "$round" "$t_back" "$old_lines" "$old_backend" "$elected"
}

for round in $(seq "$rounds"); do
    frozen "$round"
    cut_off "$round"
done
touch "$DRILL_WORK/stop-workload"

dup=$(duplicates)
for part in a b; do
    [ "$part" = a ] && what="frozen (SIGSTOP)" || what="cut off (proxy)"
    figure "$part. $what: standby leads after the leader went away (s; lease $lease)" "${TAKEOVER[$part]:-none}"
    figure "$part. follow-up due in the gap: planned after its due time (s)" "${GAP[$part]:-none}"
    figure "$part. old leader back: rejoined as a standby after (s)" "${BACK[$part]:-none}"
    why=${WHY[$part]:-}
    figure "$part. why it rejoined, as it logged it" "${why%; }"
    figure "$part. plans of its session the server completed after the election" "${WRITTEN[$part]:-none}"
    figure "$part. plan results it read after it was back (completed before)" "${READ[$part]:-none}"
    figure "$part. its statements the database refused" "${REFUSED[$part]:-none}"
done
figure "duplicate live alerts" "$dup"
[ "$dup" = 0 ] || broken "$dup duplicate alert(s)"
figure "workload changes (failed)" "$(grep -c ok "$DRILL_WORK/workload.count") ($(grep -c failed "$DRILL_WORK/workload.count"))"
finish
