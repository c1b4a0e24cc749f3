-- What staff do with alerts, and who receives them: acknowledge (stops an overdue series), snooze (defers its
-- deliveries and repeats), silence (suppresses with a reason; lifting restores later alerts); recipients follow
-- subscriptions, clearance and who is active; the privileges of each role; the views show only what the reader is
-- cleared for.
begin;
select plan(63);

\ir 300_alert_fixture.psql

-- Logins for the tests: session_user is what the staff functions check clearance against.
create role alerts_t_writer;                       -- unclassified
grant parley_writer to alerts_t_writer;
create role alerts_t_admin in role parley_admin;   -- changes rules for everybody
create role alerts_t_restricted_writer;
grant parley_writer, parley_clearance_restricted to alerts_t_restricted_writer;
create role alerts_t_restricted_reader;
grant parley_reader, parley_clearance_restricted to alerts_t_restricted_reader;

-- Runs one statement as a login (session_user and current_user both become it) and returns its first value, or
-- 'SQLSTATE field' when refused. The login is reset afterwards, also after an error.
create function pg_temp.attempt(sql text, as_login text) returns text language plpgsql as $$
declare
    result text;
    state text;
    field text;
begin
    begin
        execute format('set local session authorization %I', as_login);
        execute sql into result;
        reset session authorization;
        return coalesce(result, 'null');
    exception when others then
        get stacked diagnostics state = returned_sqlstate, field = column_name;
        return concat_ws(' ', state, nullif(field, ''));
    end;
end
$$;
create function pg_temp.alert(subject text, wanted_kind parley.alert_kind, wanted_occurrence text) returns bigint
    language sql as $$
    select id from parley_data.alerts where subject_code = subject and kind = wanted_kind and occurrence = wanted_occurrence
$$;

-- A day before the deadline: CT's 1-day reminder, an info alert.
select ok(pg_temp.plan('2030-05-24 15:00Z') @> array['CT due_soon 2030-05-25 -1 day'], 'CT is due tomorrow');
select is(pg_temp.recipients('CT', 'due_soon', '2030-05-25 -1 day'),
          array['olga:responsible:pending', 'una:subscription:pending'],
          'an info alert does not reach a subscriber who wants warnings and above');
select ok(pg_temp.plan('2030-05-25 15:00Z') @> array['CT overdue 2030-05-25 #0'], 'CT is overdue');

-- Recipients ------------------------------------------------------------------------------------------------------
select is(pg_temp.recipients('CT', 'overdue', '2030-05-25 #0'),
          array['olga:responsible:pending', 'sam:subscription:pending', 'una:subscription:pending'],
          'owner, the track subscriber at warning, the subscriber to everything; not the inactive one');
select is(pg_temp.recipients('CN', 'due_soon', '2030-05-25 -1 day'),
          array['ivan:subscription:pending', 'olga:responsible:pending'],
          'restricted track: the item subscriber and the cleared owner; not the unclassified subscriber');
select is(pg_temp.recipients('CT', 'stale', '2030-04-01'),
          array['olga:responsible:cancelled', 'una:subscription:cancelled'],
          'CT''s stale alert, waiting when the deadline passed, is not sent beside the overdue one');

-- People and subscriptions change: the recipients of alerts not yet sent are reconsidered.
update parley_data.people set clearance = 'unclassified' where email = 'olga@example.org';
update parley_data.people set active = false where email = 'una@example.org';
insert into parley_data.subscriptions (person_id, track_id, min_severity)
values (pg_temp.person('fay@example.org'), (select id from parley_data.tracks where code = 'tokyo'), 'info');
select is((select array_agg(distinct subject_type) from parley_data.plan_queue), array['recipients'],
          'changes to clearance, activity and subscriptions queue a review of recipients');
select is((select deliveries_created from parley.plan_alerts('2030-05-25 15:00Z', only_changed => true)), 1,
          'the new subscriber gets the Tokyo alert still waiting (the overdue one)');
select is(pg_temp.recipients('CT', 'overdue', '2030-05-25 #0'),
          array['fay:subscription:pending', 'olga:responsible:pending', 'sam:subscription:pending', 'una:subscription:cancelled'],
          'the deactivated subscriber''s delivery is cancelled');
select is(pg_temp.recipients('CN', 'due_soon', '2030-05-25 -1 day'),
          array['ivan:subscription:pending', 'olga:responsible:cancelled'],
          'the owner, no longer cleared for the restricted track, loses its waiting delivery');
select is((select cancel_reason from parley_data.deliveries where person_id = pg_temp.person('una@example.org') and state = 'cancelled'
              and alert_id = pg_temp.alert('CT', 'overdue', '2030-05-25 #0')),
          'no longer a recipient', 'with the reason');
update parley_data.people set clearance = 'confidential' where email = 'olga@example.org';
update parley_data.people set active = true where email = 'una@example.org';
delete from parley_data.subscriptions where person_id = pg_temp.person('fay@example.org');
select is((select deliveries_created from parley.plan_alerts('2030-05-25 15:00Z', only_changed => true)), 0,
          'restored people do not get back deliveries already cancelled');
select is(pg_temp.recipients('CT', 'overdue', '2030-05-25 #0'),
          array['fay:subscription:cancelled', 'olga:responsible:pending', 'sam:subscription:pending', 'una:subscription:cancelled'],
          'the unsubscribed person''s waiting delivery is cancelled');

-- Acknowledge -----------------------------------------------------------------------------------------------------
select is(pg_temp.attempt('select parley.acknowledge_alert(null)', 'alerts_t_writer'), '23502 alert_id', 'acknowledge needs an alert');
select is(pg_temp.attempt('select parley.acknowledge_alert(999999)', 'alerts_t_writer'), '23503 alert_id', 'an unknown alert is refused');
select is(pg_temp.attempt(format('select parley.acknowledge_alert(%s)', pg_temp.alert('CN', 'due_soon', '2030-05-25 -1 day')),
                          'alerts_t_writer'),
          '23503 alert_id', 'an alert above the caller''s clearance is refused as if it did not exist');
select is(pg_temp.attempt(format('select parley.acknowledge_alert(%s, ''chasing the Ministry'')', pg_temp.alert('CT', 'overdue', '2030-05-25 #0')),
                          'alerts_t_restricted_writer'),
          pg_temp.alert('CT', 'overdue', '2030-05-25 #0')::text, 'a writer acknowledges the overdue alert');
select is((select (state, acknowledged_by, acknowledgement_note)::text from parley_data.alerts where id = pg_temp.alert('CT', 'overdue', '2030-05-25 #0')),
          '(acknowledged,alerts_t_restricted_writer,"chasing the Ministry")', 'recorded with who and why');
select is(pg_temp.plan('2030-06-10 00:00Z'), array['CN overdue 2030-05-25 #4'], 'no more repeats for CT; CN carries on');
select ok(not exists (select 1 from parley_data.alert_schedule where subject_id = pg_temp.commitment('CT') and subject_type = 'commitment'
                        and next_at < '2030-06-28'), 'nothing overdue is scheduled for CT any more');
update parley_data.commitments set due_on = '2030-05-26' where code = 'CT';
select is(pg_temp.plan('2030-06-10 00:01Z'), array['CT overdue 2030-05-26 #4'],
          'a moved deadline starts a new overdue series, which the old acknowledgement does not silence');

-- Snooze ----------------------------------------------------------------------------------------------------------
select is(pg_temp.attempt(format('select parley.snooze_alert(%s, null)', pg_temp.alert('CN', 'overdue', '2030-05-25 #4')), 'alerts_t_restricted_writer'),
          '23502 until', 'snooze needs until');
select is(pg_temp.attempt(format('select parley.snooze_alert(%s, ''2030-06-01 00:00Z'')', pg_temp.alert('CN', 'overdue', '2030-05-25 #4')), 'alerts_t_restricted_writer'),
          '23514 until', 'snoozing until before the alert was due is refused');
select is(pg_temp.attempt(format('select parley.snooze_alert(%s, ''2030-06-15 00:00Z'')', pg_temp.alert('CN', 'overdue', '2030-05-25 #4')), 'alerts_t_restricted_writer'),
          pg_temp.alert('CN', 'overdue', '2030-05-25 #4')::text, 'a writer snoozes CN''s overdue alert until 15 June');
select is((select array_agg(distinct send_after) from parley_data.deliveries where alert_id = pg_temp.alert('CN', 'overdue', '2030-05-25 #4')),
          array[timestamptz '2030-06-15 00:00Z'], 'its deliveries wait until then');
select is(pg_temp.plan('2030-06-14 23:59Z'), array['CT overdue 2030-05-26 #6'], 'no CN repeat during the snooze (#5 on 10 June is held back)');
select is((select next_at from parley_data.alert_schedule where subject_type = 'commitment' and subject_id = pg_temp.commitment('CN')),
          timestamptz '2030-06-15 00:00Z', 'CN is next due when the snooze ends');
select is(pg_temp.plan('2030-06-15 00:00Z'), array['CN overdue 2030-05-25 #6'], 'then the latest repeat comes');

-- A cancelled alert is refused by both, saying why (23514, alert_not_cancelled), before anything else is checked.
select throws_ok(format('select parley.acknowledge_alert(%s)', a.id), '23514',
                 format('alert %s was cancelled (%s) and needs no acknowledgement', a.id, a.cancel_reason),
                 'a cancelled alert needs no acknowledgement')
  from (select id, cancel_reason from parley_data.alerts where state = 'cancelled' order by id limit 1) a;
select throws_ok(format('select parley.snooze_alert(%s, ''2000-01-01'')', a.id), '23514',
                 format('alert %s was cancelled (%s) and cannot be snoozed', a.id, a.cancel_reason),
                 'nor can it be snoozed')
  from (select id, cancel_reason from parley_data.alerts where state = 'cancelled' order by id limit 1) a;

-- Silence ---------------------------------------------------------------------------------------------------------
select is(pg_temp.attempt('select parley.silence(until => ''2099-01-01'', reason => ''x'')', 'alerts_t_writer'),
          '23502 track', 'a silence must say what it covers');
select is(pg_temp.attempt('select parley.silence(track => ''tokyo'', reason => ''x'')', 'alerts_t_writer'),
          '23502 until', 'a silence must end');
select is(pg_temp.attempt('select parley.silence(track => ''tokyo'', until => now() - interval ''1 day'', reason => ''x'')', 'alerts_t_writer'),
          '23514 until', 'in the future');
select is(pg_temp.attempt('select parley.silence(track => ''tokyo'', until => ''2099-01-01'', reason => '' '')', 'alerts_t_writer'),
          '23502 reason', 'and say why');
select is(pg_temp.attempt('select parley.silence(track => ''nowhere'', until => ''2099-01-01'', reason => ''x'')', 'alerts_t_writer'),
          '23503 track', 'an unknown track is refused');
select is(pg_temp.attempt('select parley.silence(track => ''nyc'', until => ''2099-01-01'', reason => ''x'')', 'alerts_t_writer'),
          '23503 track', 'so is a track above the caller''s clearance');
select is((select count(*)::integer from parley_data.silences), 0, 'the refusals wrote nothing');

select is(pg_temp.attempt('select parley.silence(track => ''tokyo'', until => ''2099-01-01'', reason => ''round in progress'')',
                          'alerts_t_writer') ~ '^\d+$', true, 'a writer silences the Tokyo track');
select is((select array_agg(distinct d.state::text) from parley_data.deliveries d join parley_data.alerts a on a.id = d.alert_id
            where a.subject_code = 'CT' and a.kind = 'overdue' and a.occurrence = '2030-05-26 #4'),
          array['suppressed'], 'the Tokyo deliveries still waiting are suppressed at once');
select ok((select bool_and(held_back_because like 'silenced (silence %, until %): round in progress')
             from parley.alert_queue where subject = 'CT' and state = 'suppressed'),
          'alert_queue says why they are held back');
select is(pg_temp.plan('2030-06-16 15:00Z'), array['CN overdue 2030-05-25 #7', 'CT overdue 2030-05-26 #7'],
          'alerts for the silenced track are still created');
select is(pg_temp.recipients('CT', 'overdue', '2030-05-26 #7'),
          array['leo:escalation:suppressed', 'olga:responsible:suppressed', 'sam:subscription:suppressed', 'una:subscription:suppressed'],
          'but every delivery is suppressed');
select is((select array_agg(distinct why) from parley.alert_log where subject = 'CT' and outcome = 'suppressed'),
          array['silenced (silence ' || (select max(id) from parley_data.silences) || '): round in progress'],
          'alert_log says why');
select is(pg_temp.recipients('CN', 'overdue', '2030-05-25 #7'),
          array['ivan:subscription:pending', 'leo:escalation:pending', 'olga:responsible:pending'],
          'the New York track is not silenced');
select is(pg_temp.attempt(format('select parley.lift_silence(%s)', (select max(id) from parley_data.silences)), 'alerts_t_writer'),
          (select max(id) from parley_data.silences)::text, 'a writer lifts the silence');
select is(pg_temp.attempt(format('select parley.lift_silence(%s)', (select max(id) from parley_data.silences)), 'alerts_t_writer'),
          '23514 silence_id', 'lifting it twice is refused');
select is((select in_force from parley.silences), false, 'parley.silences shows it is no longer in force');
select is(pg_temp.plan('2030-06-19 15:00Z'), array['CN overdue 2030-05-25 #8', 'CT overdue 2030-05-26 #8'], 'the next repeats');
select is(pg_temp.recipients('CT', 'overdue', '2030-05-26 #8'),
          array['leo:escalation:pending', 'olga:responsible:pending', 'sam:subscription:pending', 'una:subscription:pending'],
          'is delivered again');
select is(pg_temp.recipients('CT', 'overdue', '2030-05-26 #7'),
          array['leo:escalation:suppressed', 'olga:responsible:suppressed', 'sam:subscription:suppressed', 'una:subscription:suppressed'],
          'while what the silence suppressed stays suppressed');
select is(pg_temp.attempt('select parley.silence(commitment => ''CN'', kind => ''overdue'', until => ''2099-01-01'', reason => ''agreed delay'')',
                          'alerts_t_restricted_writer') ~ '^\d+$', true, 'a silence for one kind of alert about one commitment');
select is(pg_temp.plan('2030-06-22 04:00Z'), array['CN overdue 2030-05-25 #9'], 'CN''s next repeat');
select is(pg_temp.recipients('CN', 'overdue', '2030-05-25 #9'),
          array['ivan:subscription:suppressed', 'leo:escalation:suppressed', 'olga:responsible:suppressed'],
          'is suppressed');

-- Rules -----------------------------------------------------------------------------------------------------------
select is(pg_temp.attempt('select parley.set_alert_rule(''due_soon'', enabled => false)', 'alerts_t_writer'),
          '42501', 'a writer may not change a rule for everybody: rules are the administrators''');
select is(pg_temp.attempt('select parley.set_alert_rule(''overdue'', lead_times => ''{1 day}'')', 'alerts_t_admin'),
          '23514 lead_times', 'overdue has no lead times');
select is(pg_temp.attempt('select parley.set_alert_rule(''overdue'', repeat_every => ''10 minutes'')', 'alerts_t_admin'),
          '23514 repeat_every', 'repeats at least an hour apart');
select is(pg_temp.attempt('select parley.set_alert_rule(''due_soon'', lead_times => ''{14 days, 2 days}'', severity => ''warning'')', 'alerts_t_admin'),
          'due_soon', 'an administrator changes the due-soon lead times');
select is((select lead_times::text || ' ' || severity from parley.alert_rules where kind = 'due_soon'), '{"14 days","2 days"} warning',
          'parley.alert_rules shows the change');

-- Privileges and visibility ---------------------------------------------------------------------------------------
select is(pg_temp.attempt('select (parley.plan_alerts(now())).alerts_created', 'alerts_t_writer'), '42501', 'staff cannot plan');
select is(pg_temp.attempt('select count(*) from parley_data.alerts', 'alerts_t_restricted_reader'), '42501',
          'nor read the alert tables directly');
select is(pg_temp.attempt('select count(*) from parley.alert_queue where subject = ''CN''', 'alerts_t_writer'), '0',
          'an unclassified reader sees nothing of the restricted track''s alerts');
select isnt(pg_temp.attempt('select count(*) from parley.alert_log where subject = ''CN''', 'alerts_t_restricted_reader'), '0',
          'a reader cleared for restricted does');
select is(pg_temp.attempt('select count(*) from parley.alerts where subject = ''CN''', 'alerts_t_writer'), '0',
          'parley.alerts too');

select * from finish();
rollback;
