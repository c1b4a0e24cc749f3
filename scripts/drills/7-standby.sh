#!/usr/bin/env bash
# Drill 7, standby: readers on a hot standby (issue 15, item 5). A primary and a streaming standby on this machine
# (scripts/cluster.sh standby: pg_basebackup -R -X stream), each on its own private socket directory. parleyd, the
# mailer and every recording command use the primary (PARLEY_DATABASE_URL); the commands that only read use the
# standby (PARLEY_READ_DATABASE_URL).
# Checks: a change recorded with `parley` on the primary is seen by a reader on the standby, after the replication
# lag (measured each time: from the primary's commit, by its commit timestamp, until a reader polling the standby
# sees it; and as the primary reports it in pg_stat_replication); row-level security holds on the standby (a reader
# without clearance does not see a secret commitment there, nor in commitments_as_of; one cleared for secret does);
# every command that only reads — each listing, show and report, from parley's own command tree — exits 0 against
# the standby while PARLEY_DATABASE_URL points nowhere (so none of them used the primary), and `parley status` there
# sees the leader on the primary; a recording command pointed at the standby fails with exit 78 and says to point it
# at the primary.
DRILL_NAME=standby
source "$(dirname "$0")/lib.sh"

rounds=30
[ "$DRILL_SHORT" = 1 ] && rounds=10

cluster_start "$DRILL_WORK/primary"
primary=$(socket_of "$DRILL_WORK/primary")
SOCKET=$primary
DB=parley
# Commit timestamps, so that each change's lag runs from the moment the primary committed it.
DB=postgres q -c "alter system set track_commit_timestamp = on" >/dev/null
"$DRILL_TOP/scripts/cluster.sh" stop "$DRILL_WORK/primary" && "$DRILL_TOP/scripts/cluster.sh" start "$DRILL_WORK/primary" \
    || { broken "the primary did not restart"; finish; }
create_database parley
seed_world
DB=postgres q >/dev/null <<'SQL'
do $$ begin
    if not exists (select 1 from pg_roles where rolname = 'drill_reader') then
        create role drill_reader login in role parley_reader;
        create role drill_cleared login in role parley_reader, parley_clearance_secret;
        create role drill_writer login in role parley_writer, parley_clearance_secret;
    end if;
end $$;
SQL

say "making the streaming standby (pg_basebackup -R)"
mkdir -p "$DRILL_WORK/standby"
"$DRILL_TOP/scripts/cluster.sh" standby "$DRILL_WORK/standby" "$primary" || { broken "the standby did not start"; finish; }
DRILL_CLUSTERS+=("$DRILL_WORK/standby")
standby=$(socket_of "$DRILL_WORK/standby")
for i in $(seq 100); do
    [ "$(DB=postgres q -c "select count(*) from pg_stat_replication where state = 'streaming'")" = 1 ] && break
    sleep 0.1
done
figure "standby streaming from the primary" "$(DB=postgres q -c "select count(*) from pg_stat_replication where state = 'streaming'")"
[ "$(SOCKET=$standby DB=postgres q -c "select pg_is_in_recovery()")" = t ] || broken "the standby is not in recovery"

writer_url=$(url_of "$primary" parley drill_writer)
read_as() { url_of "$standby" parley "$1"; }
# As a reader on the standby, in psql: read SQL…
read_sql() { local login=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$(read_as "$login")" "$@"; }

q -c "select parley.add_agreement(code => 'istanbul-memo', title => 'Memorandum on the exchange', tracks => array['istanbul'],
                                  kind => 'memorandum', drafted_on => current_date - 5)" >/dev/null

# parleyd and one mailer run on the primary, as in production: what `parley status` reads on the standby.
start_daemon daemon "$(url_of "$primary" parley drill_daemon)"
wait_for_log "$DRILL_WORK/daemon.log" "leading" 20 || broken "parleyd did not lead on the primary"
mkdir -p "$DRILL_WORK/mail"
PARLEY_DATABASE_URL=$(url_of "$primary" parley drill_daemon) "$DRILL_BIN/parley" alerts send --to-dir "$DRILL_WORK/mail" \
    >/dev/null 2>>"$DRILL_WORK/mailer.errors" || broken "the mailer failed on the primary"

# A secret commitment, recorded with the CLI on the primary.
PARLEY_DATABASE_URL=$writer_url "$DRILL_BIN/parley" commitments add --code standby-secret --track istanbul \
    --item exchange --obligor RU --beneficiary UA --text "Secret back-channel promise" --due-on "$(date -u -d '+20 days' +%F)" \
    --classification secret >/dev/null || broken "recording the secret commitment failed"

# The lag: a deadline moved with the CLI on the primary, watched for by a reader on the standby. The reader is
# connected and polling (every millisecond, each query with a snapshot of its own) before the change is recorded,
# and says when it saw it; the lag is from the primary's commit of the change (its commit timestamp) to that moment.
watch_for() {
    read_sql drill_reader -c "do \$\$ begin
        for i in 1..20000 loop
            if (select due_on from parley.commitments where code = 'seed-1') = date '$1' then
                raise notice 'seen %', extract(epoch from clock_timestamp());
                return;
            end if;
            perform pg_sleep(0.001);
        end loop;
    end \$\$" 2>&1 | sed -n 's/.*seen //p'
}
say "$rounds changes on the primary, each awaited on the standby"
: > "$DRILL_WORK/lags"
for n in $(seq "$rounds"); do
    due=$(date -u -d "+$((30 + n)) days" +%F)
    watch_for "$due" > "$DRILL_WORK/seen" &
    watcher=$!
    sleep 0.3
    PARLEY_DATABASE_URL=$writer_url "$DRILL_BIN/parley" commitments set-due seed-1 "$due" >/dev/null \
        || { broken "parley commitments set-due failed on the primary"; break; }
    wait "$watcher"
    seen=$(cat "$DRILL_WORK/seen")
    [ -n "$seen" ] || { broken "change $n not seen on the standby within 20 s"; break; }
    committed=$(q -c "select extract(epoch from pg_xact_commit_timestamp(xmin)) from parley_data.commitments where code = 'seed-1'")
    awk -v a="$committed" -v b="$seen" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }' >> "$DRILL_WORK/lags"
    DB=postgres q -c "select coalesce(extract(epoch from replay_lag) * 1000, 0) from pg_stat_replication" >> "$DRILL_WORK/replay-lags"
done
sort -n "$DRILL_WORK/lags" > "$DRILL_WORK/lags.sorted"
pick() { awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p + 0.999); if (i < 1) i = 1; printf "%.1f", v[i] }' "$2"; }
sort -n "$DRILL_WORK/replay-lags" > "$DRILL_WORK/replay-lags.sorted"
figure "changes recorded on the primary (parley commitments set-due)" "$(wc -l < "$DRILL_WORK/lags")"
figure "seen by a reader on the standby, ms after the commit: p50 / max" \
    "$(pick 0.5 "$DRILL_WORK/lags.sorted") / $(pick 1 "$DRILL_WORK/lags.sorted")"
figure "replay lag the primary reports (pg_stat_replication, ms): p50 / max" \
    "$(pick 0.5 "$DRILL_WORK/replay-lags.sorted") / $(pick 1 "$DRILL_WORK/replay-lags.sorted")"
shown=$(PARLEY_DATABASE_URL='postgresql:///parley?host=/nonexistent' PARLEY_READ_DATABASE_URL=$(read_as drill_reader) \
    "$DRILL_BIN/parley" commitments show seed-1 2>&1)
grep -q "$(date -u -d "+$((30 + rounds)) days" +%F)" <<< "$shown" \
    || broken "parley commitments show on the standby does not show the last deadline: $shown"

# Row-level security on the standby.
uncleared=$(read_sql drill_reader -c "select count(*) from parley.commitments where code = 'standby-secret'")
cleared=$(read_sql drill_cleared -c "select count(*) from parley.commitments where code = 'standby-secret'")
uncleared_as_of=$(read_sql drill_reader -c "select count(*) from parley.commitments_as_of(now(), track_code => 'istanbul') where code = 'standby-secret'")
cleared_as_of=$(read_sql drill_cleared -c "select count(*) from parley.commitments_as_of(now(), track_code => 'istanbul') where code = 'standby-secret'")
listed_uncleared=$(PARLEY_READ_DATABASE_URL=$(read_as drill_reader) "$DRILL_BIN/parley" commitments list --format csv | grep -c standby-secret)
listed_cleared=$(PARLEY_READ_DATABASE_URL=$(read_as drill_cleared) "$DRILL_BIN/parley" commitments list --format csv | grep -c standby-secret)
figure "secret commitment on the standby: without clearance / cleared (view)" "$uncleared / $cleared"
figure "… in commitments_as_of / in parley commitments list" "$uncleared_as_of / $cleared_as_of, $listed_uncleared / $listed_cleared"
[ "$uncleared" = 0 ] && [ "$uncleared_as_of" = 0 ] && [ "$listed_uncleared" = 0 ] \
    || broken "a reader without clearance sees the secret commitment on the standby"
[ "$cleared" = 1 ] && [ "$cleared_as_of" = 1 ] && [ "$listed_cleared" = 1 ] \
    || broken "the reader cleared for secret does not see the secret commitment on the standby"

# Every command that only reads, against the standby, with PARLEY_DATABASE_URL pointing nowhere.
code_of() { q -c "select code from parley_data.$1 order by id limit 1"; }
track=istanbul commitment=seed-1 agreement=istanbul-memo
meeting=$(code_of meetings)
commands=$("$DRILL_BIN/parley" --experimental-dump-help | python3 -c '
import json, sys
def walk(c, path):
    subs = [s for s in c.get("subcommands") or [] if s["commandName"] != "help"]
    if not subs:
        print(" ".join(path))
    for s in subs:
        walk(s, path + [s["commandName"]])
walk(json.load(sys.stdin)["command"], [])')
ran=0 failed=0
while read -r command; do
    case $command in
    *" list"|"alerts silences"|status|export|calendar) arguments=($command) ;;
    "tracks show") arguments=(tracks show "$track") ;;
    "commitments show") arguments=(commitments show "$commitment") ;;
    "agreements show") arguments=(agreements show "$agreement") ;;
    *" show") broken "a show command this drill does not know: $command"; continue ;;
    digest) arguments=(digest) ;;
    brief) arguments=(brief "$meeting" -o "$DRILL_WORK/brief.html") ;;
    *) continue ;;
    esac
    login=drill_cleared
    [ "$command" = digest ] && login=drill_daemon
    ran=$((ran + 1))
    if ! PARLEY_DATABASE_URL='postgresql:///parley?host=/nonexistent&connect_timeout=2' \
        PARLEY_READ_DATABASE_URL=$(read_as "$login") "$DRILL_BIN/parley" "${arguments[@]}" \
        >/dev/null 2>"$DRILL_WORK/read.err"; then
        failed=$((failed + 1))
        broken "parley ${arguments[*]} on the standby: $(head -c 300 "$DRILL_WORK/read.err")"
    fi
done <<< "$commands"
figure "reading commands run on the standby (failed)" "$ran ($failed)"
[ "$ran" -ge 20 ] || broken "only $ran reading commands found in parley's command tree"
check=$(PARLEY_READ_DATABASE_URL=$(read_as drill_cleared) "$DRILL_BIN/parley" status --check)
figure "parley status --check on the standby" "${check%% |*}"
[[ $check == "PARLEY OK"* ]] || broken "parley status --check on the standby: $check"

# A recording command pointed at the standby.
refused=$(PARLEY_DATABASE_URL=$(read_as drill_writer) "$DRILL_BIN/parley" parties add ZZ --name Zedland 2>&1)
status=$?
figure "parley parties add pointed at the standby: exit status" "$status"
printf '  %s\n' "$refused" | head -n 3
[ "$status" = 78 ] || broken "a recording command on the standby exited $status, not 78"
grep -q "PARLEY_DATABASE_URL" <<< "$refused" && grep -q "standby" <<< "$refused" \
    || broken "the refusal on the standby does not say to point PARLEY_DATABASE_URL at the primary: $refused"
[ "$(q -c "select count(*) from parley_data.parties where code = 'ZZ'")" = 0 ] || broken "the refused party was recorded"
finish
