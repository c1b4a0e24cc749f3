-- The mailer's side and the daemon's heartbeat: claims never hand the same delivery to two runs, a lapsed lease can
-- be claimed again (same delivery id), a run that lost its claim cannot mark, failures back off on the schedule and
-- end as failed; mailer runs and daemon heartbeats feed the status views. Also the privileges and documentation of
-- every alert object.
begin;
select plan(65);

\ir 300_alert_fixture.psql

-- The mailer's claim, parley.claim_round, with what each claimed delivery is about.
create function pg_temp.claim(at timestamptz, lease interval, max_count integer)
    returns table (delivery_id bigint, claim_token uuid, attempt integer, person_id bigint, digest_message_id text,
                   recipient_email text, recipient_timezone text, kind parley.alert_kind, subject_code text)
    language sql as $$
    select r.delivery_id, r.claim_token, r.attempt, r.person_id, r.digest_message_id, p.email, p.timezone, a.kind,
           a.subject_code
      from parley.claim_round(at, lease, max_count, 'parley.example') r
      join parley_data.deliveries d on d.id = r.delivery_id
      join parley_data.alerts a on a.id = d.alert_id
      join parley_data.people p on p.id = r.person_id
$$;

select ok(cardinality(pg_temp.plan('2030-05-25 15:00Z')) > 0, 'alerts planned');
-- CT's overdue alert (3 deliveries) waits until 26 May; 4 other deliveries (CN's stale alert and reminder) are due
-- now. (CT, overdue, gets no stale alert beside it.)
select parley.snooze_alert((select id from parley_data.alerts where subject_code = 'CT' and kind = 'overdue'), '2030-05-26 00:00Z');
select is((select count(*)::integer from parley_data.deliveries where state = 'pending' and send_after <= '2030-05-25 15:00Z'), 4,
          'four deliveries are due');

-- Refusals.
select throws_ok($$select * from pg_temp.claim(null, '5 minutes', 10)$$, '23502', 'at is required', 'claim needs at');
select throws_ok($$select * from pg_temp.claim('2030-05-25 15:00Z', '0', 10)$$, '23514', null, 'a lease must last');
select throws_ok($$select * from pg_temp.claim('2030-05-25 15:00Z', '5 minutes', 0)$$, '23514', null, 'claim at least one');

-- Two runs: disjoint claims; while the leases last nobody else gets them.
create temp table c1 as select * from pg_temp.claim('2030-05-25 15:00Z', '5 minutes', 3);
create temp table c2 as select * from pg_temp.claim('2030-05-25 15:00Z', '5 minutes', 10);
select is((select count(*)::integer from c1), 3, 'the first run claims at most max_count');
select is((select count(*)::integer from c2), 1, 'the second run gets the other one');
select is((select count(*)::integer from c1 join c2 using (delivery_id)), 0, 'no delivery is claimed twice');
select is((select count(distinct claim_token)::integer from c1) + (select count(distinct claim_token)::integer from c2), 2,
          'one claim token per run');
select is((select array_agg(distinct attempt) from c1), array[1], 'first attempt');
select ok((select bool_and(recipient_email is not null and recipient_timezone is not null and kind is not null and subject_code is not null)
             from c1), 'a claim carries what the mailer needs');
select is((select count(distinct digest_message_id)::integer from c1), (select count(distinct person_id)::integer from c1),
          'one digest per recipient');
select is((select count(*)::integer from pg_temp.claim('2030-05-25 15:04:59Z', '5 minutes', 10)), 0,
          'nothing to claim while the leases last (and the snoozed ones are not due)');
select is((select array_agg(distinct state::text) from parley_data.deliveries d where d.id in (select delivery_id from c1)),
          array['sending'], 'claimed deliveries are sending');

-- The runs die; their leases lapse at 15:05. A third run takes over the same delivery rows.
create temp table c3 as select * from pg_temp.claim('2030-05-25 15:05Z', '5 minutes', 10);
select is((select array_agg(delivery_id order by delivery_id) from c3),
          (select array_agg(delivery_id order by delivery_id) from (select delivery_id from c1 union all select delivery_id from c2) x),
          'a lapsed claim is claimed again: the same deliveries, same ids');
select is((select array_agg(distinct attempt) from c3), array[2], 'as the second attempt');

-- The first run wakes up: its token is stale, it marks nothing.
select is(parley.mark_deliveries_sent(array(select delivery_id from c1), '<digest-1@parley.example>', (select claim_token from c1 limit 1),
                                      '2030-05-25 15:06Z'), 0, 'a run that lost its claim cannot mark it sent');
select is((select count(*)::integer from parley.mark_deliveries_failed(array(select delivery_id from c1), 'late',
                                                                         (select claim_token from c1 limit 1), '2030-05-25 15:06Z')), 0,
          'nor failed');
select throws_ok(format($$select parley.mark_deliveries_sent(array[%s], 'no-brackets', %L, '2030-05-25 15:06Z')$$,
                        (select min(delivery_id) from c3), (select claim_token from c3 limit 1)),
                 '23514', null, 'a Message-ID needs its angle brackets');
select is(parley.mark_deliveries_sent(array(select delivery_id from c3 where recipient_email = 'olga@example.org'),
                                      '<digest-2@parley.example>', (select claim_token from c3 limit 1), '2030-05-25 15:06Z'),
          (select count(*)::integer from c3 where recipient_email = 'olga@example.org'), 'the current run marks its digest sent');
select is((select array_agg(distinct state || ' ' || message_id) from parley_data.deliveries where id in
             (select delivery_id from c3 where recipient_email = 'olga@example.org')),
          array['sent <digest-2@parley.example>'], 'sent, with the Message-ID');
select is((select array_agg(distinct message_id) from parley.alert_log where recipient_email = 'olga@example.org' and outcome = 'sent'),
          array['<digest-2@parley.example>'], 'alert_log shows the Message-ID');
select is((select array_agg(distinct state::text || ' ' || attempts || ' ' || (retry_at - '2030-05-25 15:06Z'))
             from parley.mark_deliveries_failed(array(select delivery_id from c3 where recipient_email <> 'olga@example.org'),
                                                'sendmail exited with 75', (select claim_token from c3 limit 1), '2030-05-25 15:06Z')),
          array['pending 2 00:05:00'], 'a failed second attempt is retried 5 minutes later');

-- The back-off schedule, on one delivery never tried before: 1 min, 5 min, 30 min, 2 h, 6 h, then failed (6 attempts).
update parley_data.deliveries set state = 'sent', sent_at = '2030-05-25 15:07Z', message_id = '<elsewhere@parley.example>'
 where state = 'pending' and id <> (select min(d.id) from parley_data.deliveries d join parley_data.alerts a on a.id = d.alert_id
                                     where a.subject_code = 'CT' and a.kind = 'overdue');
create function pg_temp.tries(start timestamptz) returns text[] language plpgsql as $$
declare
    moment timestamptz := start;
    claim record;
    outcome record;
    seen text[] := '{}';
begin
    for i in 1..7 loop
        select * into claim from pg_temp.claim(moment, '5 minutes', 10);
        exit when not found;
        select * into outcome from parley.mark_deliveries_failed(array[claim.delivery_id], 'boom', claim.claim_token, moment);
        seen := seen || (outcome.state || ' ' || outcome.attempts || ' ' || coalesce((outcome.retry_at - moment)::text, '-'));
        moment := coalesce(outcome.retry_at, moment + interval '1 second');
    end loop;
    return seen;
end
$$;
select is(pg_temp.tries('2030-05-26 00:00Z'),
          array['pending 1 00:01:00', 'pending 2 00:05:00', 'pending 3 00:30:00', 'pending 4 02:00:00', 'pending 5 06:00:00', 'failed 6 -'],
          'failures back off 1 min, 5 min, 30 min, 2 h, 6 h, then the delivery is failed');
select is((select attempts || ' ' || last_error from parley.delivery_failures), '6 boom', 'delivery_failures shows it, with the last error');
select is((select why from parley.alert_log where outcome = 'failed'), 'gave up after 6 attempts: boom', 'and alert_log says why');

-- A run that dies with a delivery on its last allowed attempt: the lapsed claim is failed, not retried.
update parley_data.alert_settings set max_attempts = 2;
update parley_data.deliveries set state = 'pending', send_after = '2030-05-27 00:00Z', sent_at = null, message_id = null, attempts = 0
 where id = (select max(id) from parley_data.deliveries where state = 'sent');
select is((select count(*)::integer from pg_temp.claim('2030-05-27 00:00Z', '5 minutes', 10)), 1, 'claimed (attempt 1)');
select is((select count(*)::integer from pg_temp.claim('2030-05-27 00:05Z', '5 minutes', 10)), 1, 'lapsed, claimed again (attempt 2)');
select is((select count(*)::integer from pg_temp.claim('2030-05-27 00:10Z', '5 minutes', 10)), 0, 'lapsed on the last attempt: not claimed');
select is((select count(*)::integer from parley_data.deliveries
            where state = 'failed' and last_error like '%claim lapsed on attempt 2 of 2'), 1, 'but failed, with why');

-- A delivery whose alert stops applying while it is being sent is not retried after a failure.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id, status_changed_on, created_at)
values ('CZ', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'UA'), 'z', '2030-05-01', '2030-05-30', pg_temp.person('olga@example.org'),
        '2030-05-01', '2030-05-01 00:00Z');
select ok(pg_temp.plan('2030-05-29 15:00Z') @> array['CZ due_soon 2030-05-30 -1 day'], 'CZ reminder');
create temp table c4 as select * from pg_temp.claim('2030-05-29 15:00Z', '5 minutes', 10) where subject_code = 'CZ';
update parley_data.commitments set status = 'withdrawn' where code = 'CZ';
select is((select alerts_cancelled from parley.plan_alerts('2030-05-29 15:01Z', only_changed => true)), 0,
          'CZ withdrawn while its reminder is being sent: the reminder is not cancelled as a whole');
select is((select state || ' ' || cancel_reason from parley_data.alerts where subject_code = 'CZ'), 'planned commitment withdrawn',
          'but it records that it no longer applies');
select is((select array_agg(distinct state::text) from parley.mark_deliveries_failed(array(select delivery_id from c4), 'timeout',
                                                                                     (select claim_token from c4 limit 1), '2030-05-29 15:02Z')),
          array['cancelled'], 'a failed delivery of it is cancelled, not retried');
select is((select array_agg(distinct cancel_reason) from parley_data.deliveries where id in (select delivery_id from c4)),
          array['commitment withdrawn'], 'with the reason');

-- Mailer runs.
select throws_ok($$select parley.record_mailer_run('2030-05-25 15:00Z', '2030-05-25 14:00Z', 1, 1, 0, 0)$$, '23514', null,
                 'a run cannot finish before it started');
select throws_ok($$select parley.record_mailer_run('2030-05-25 15:00Z', null, 1, 1, 0, 0)$$, '23502', null, 'every value is required');
-- Values required together: one rule, naming the first value missing.
create function pg_temp.refused(sql text) returns text language plpgsql as $$
declare
    state text;
    field text;
    rule text;
begin
    execute sql;
    return 'accepted';
exception when others then
    get stacked diagnostics state = returned_sqlstate, field = column_name, rule = constraint_name;
    return concat_ws(' ', state, field, rule);
end
$$;
select is(pg_temp.refused($$select parley.record_mailer_run('2030-05-25 15:00Z', '2030-05-25 15:01Z', 1, null, null, 0)$$),
          '23502 sent mailer_run_complete', 'a mailer run''s refusal names the first value missing and the rule');
select is(pg_temp.refused($$select parley.release_deliveries(array[1::bigint], null, now(), null)$$),
          '23502 claim_token release_complete', 'so does a release''s');
select is(pg_temp.refused($$select parley.daemon_heartbeat(gen_random_uuid(), 'host-1', null, '1.0', null)$$),
          '23502 pid heartbeat_complete', 'and a heartbeat''s');
select is(pg_temp.refused($$select parley.daemon_plan_finished(gen_random_uuid(), '1 second', null, null)$$),
          '23502 planned plan_report_complete', 'and a plan report''s');
select is(pg_temp.refused($$select parley.daemon_claim_leadership(null, null)$$),
          '23502 instance_id leadership_claim_complete', 'and a claim of the leadership''s');
select ok(parley.record_mailer_run('2030-05-25 15:06Z', '2030-05-25 15:06:02Z', 3, 2, 1, 75) > 0, 'a run is recorded');
select is((select (seconds, claimed, sent, failed, exit_status)::text from parley.mailer_runs), '(2.000,3,2,1,75)', 'parley.mailer_runs shows it');
select is((select (last_mailer_exit_status, failed)::text from parley.alert_status), '(75,2)',
          'alert_status: the last run and the failed deliveries');

-- The daemon's heartbeat.
select lives_ok($$select parley.daemon_heartbeat('00000000-0000-4000-8000-000000000001', 'host-a', 4242, '1.2.0', 'leader',
                                                  'next alert at 2030-05-28 15:00 UTC')$$, 'a leader reports in');
select lives_ok($$select parley.daemon_heartbeat('00000000-0000-4000-8000-000000000002', 'host-b', 77, '1.2.0', 'standby',
                                                  'the leader lock', now() - interval '10 minutes')$$, 'a standby reported long ago');
select throws_ok($$select parley.daemon_heartbeat('00000000-0000-4000-8000-000000000003', 'host-c', 1, '1.2.0', 'boss')$$,
                 '23514', null, 'a role is leader or standby');
select lives_ok($$select parley.daemon_plan_finished('00000000-0000-4000-8000-000000000001', '1.5 seconds', 7)$$, 'the leader reports a plan');
select throws_ok($$select parley.daemon_plan_finished('00000000-0000-4000-8000-000000000009', '1 second', 1)$$, '23503', null,
                 'an instance that never reported in cannot report a plan');
select is((select array_agg((host, role, looks_alive, waiting_for, last_plan_seconds, last_plan_alerts, plans)::text order by host)
             from parley.daemon_status),
          array['(host-a,leader,t,"next alert at 2030-05-28 15:00 UTC",1.500,7,1)', '(host-b,standby,f,"the leader lock",,,0)'],
          'daemon_status: who is alive, what it waits for, its last plan');
select is((select planner_alive from parley.alert_status), false, 'alert_status: a heartbeat alone plans nothing');
select ok(parley.daemon_claim_leadership('00000000-0000-4000-8000-000000000001', '1 minute') > 0, 'the leader holds the lease');
select is((select planner_alive from parley.alert_status), true, 'alert_status: a planning daemon is alive');
select is(parley.daemon_stopped('00000000-0000-4000-8000-000000000002'), true, 'a stopped instance is removed');
select is(parley.daemon_stopped('00000000-0000-4000-8000-000000000002'), false, 'once');

-- Privileges.
select ok(bool_and(has_function_privilege('parley_daemon', f, 'execute') and not has_function_privilege('parley_writer', f, 'execute')
                   and not has_function_privilege('parley_reader', f, 'execute')),
          'planning, claiming, marking and heartbeats are for the daemon only')
  from unnest(array['parley.plan_alerts(timestamptz, boolean, boolean)', 'parley.next_alert_at(timestamptz)',
                    'parley.claim_round(timestamptz, interval, integer, text)', 'parley.mark_deliveries_sent(bigint[], text, uuid, timestamptz)',
                    'parley.mark_deliveries_failed(bigint[], text, uuid, timestamptz)',
                    'parley.record_mailer_run(timestamptz, timestamptz, integer, integer, integer, integer)',
                    'parley.daemon_heartbeat(uuid, text, integer, text, text, text, timestamptz)',
                    'parley.daemon_plan_finished(uuid, interval, integer, timestamptz)', 'parley.daemon_stopped(uuid)']) f;
select ok(bool_and(has_function_privilege('parley_writer', f, 'execute') and not has_function_privilege('parley_daemon', f, 'execute')
                   and not has_function_privilege('parley_reader', f, 'execute')),
          'acknowledging, snoozing and silencing are for writers')
  from unnest(array['parley.acknowledge_alert(bigint, text)', 'parley.snooze_alert(bigint, timestamptz)',
                    'parley.silence(text, text, text, parley.alert_kind, timestamptz, text)', 'parley.lift_silence(bigint)']) f;
select ok(bool_and(has_function_privilege('parley_admin', f, 'execute') and not has_function_privilege('parley_writer', f, 'execute')
                   and not has_function_privilege('parley_daemon', f, 'execute')
                   and not has_function_privilege('parley_reader', f, 'execute')),
          'rules and the mail ceiling, which hold for everybody, are for administrators')
  from unnest(array['parley.set_alert_rule(parley.alert_kind, boolean, parley.severity, interval[], interval, interval, interval)',
                    'parley.set_mail_ceiling(parley.classification)']) f;
select ok(bool_and(has_table_privilege(r, v, 'select')), 'readers and the daemon read the alert views')
  from unnest(array['parley.alert_rules', 'parley.alerts', 'parley.alert_queue', 'parley.alert_log', 'parley.silences',
                    'parley.daemon_status', 'parley.delivery_failures', 'parley.mailer_runs', 'parley.alert_status']) v
 cross join unnest(array['parley_reader', 'parley_daemon']) r;
select is((select count(*)::integer from pg_class c
            where c.oid in ('parley.alert_rules'::regclass, 'parley.alerts'::regclass, 'parley.alert_queue'::regclass,
                            'parley.alert_log'::regclass, 'parley.silences'::regclass, 'parley.daemon_status'::regclass,
                            'parley.delivery_failures'::regclass, 'parley.mailer_runs'::regclass, 'parley.alert_status'::regclass)
              and 'security_invoker=true' = any (c.reloptions)), 9, 'every alert view is security_invoker');
select ok(not has_schema_privilege(r, 'parley_data', 'usage'), 'no USAGE on parley_data for ' || r)
  from unnest(array['parley_reader', 'parley_daemon']) r limit 1;
select is((select count(*)::integer from unnest(array['parley_reader', 'parley_writer', 'parley_daemon']) r
            cross join unnest(array['parley_data.alert_schedule', 'parley_data.plan_queue']) t
            where has_table_privilege(r, t, 'select')), 0, 'planning''s own tables are not readable by any staff role');

-- Documentation: every alert table, view and function says what it is for.
select is((select array_agg(o order by o) from (
              select c.oid::regclass::text as o from pg_class c
               where c.oid::regclass::text in ('parley_data.alert_rules', 'parley_data.alert_settings', 'parley_data.silences',
                     'parley_data.alerts', 'parley_data.deliveries', 'parley_data.alert_schedule', 'parley_data.plan_queue',
                     'parley_data.daemon_instances', 'parley_data.mailer_runs', 'parley.alert_rules', 'parley.alerts',
                     'parley.alert_queue', 'parley.alert_log', 'parley.silences', 'parley.daemon_status',
                     'parley.delivery_failures', 'parley.mailer_runs', 'parley.alert_status')
                 and obj_description(c.oid, 'pg_class') is null
              union all
              select p.oid::regprocedure::text from pg_proc p
               where p.proname in ('plan_alerts', 'next_alert_at', 'claim_round', 'mark_deliveries_sent',
                     'mark_deliveries_failed', 'record_mailer_run', 'daemon_heartbeat', 'daemon_plan_finished',
                     'daemon_stopped', 'acknowledge_alert', 'snooze_alert', 'silence', 'lift_silence', 'set_alert_rule',
                     'plan_prepare', 'plan_collect', 'plan_recipients', 'queue_subject_changes', 'queue_track_changes', 'queue_recipient_changes', 'queue_rule_changes',
                     'apply_new_silences', 'visible_alert', 'commitment_is_live', 'utc_text')
                 and obj_description(p.oid, 'pg_proc') is null) x),
          null, 'every alert table, view and function has a comment');

-- What a run passes to mark what it claimed (ids, claim_token, at) is refused alike by the three that mark, each
-- refusal with its SQLSTATE, field, rule, message and hint, ids first.
create function pg_temp.refusal(call text) returns text language plpgsql as $f$
declare
    state text; field text; rule text; message text; hint text;
begin
    execute call;
    return 'not refused';
exception when others then
    get stacked diagnostics state = returned_sqlstate, field = column_name, rule = constraint_name,
                            message = message_text, hint = pg_exception_hint;
    return concat_ws(' | ', state, field, rule, message, hint);
end
$f$;
select is(array[
    pg_temp.refusal($$select parley.mark_round_sent('{}', gen_random_uuid(), now())$$),
    pg_temp.refusal($$select parley.mark_round_sent(null, null, null)$$),
    pg_temp.refusal($$select parley.mark_round_sent('{1}', null, now())$$),
    pg_temp.refusal($$select parley.mark_round_sent('{1}', gen_random_uuid(), null)$$),
    pg_temp.refusal($$select parley.mark_deliveries_sent('{}', '<a@b>', gen_random_uuid(), now())$$),
    pg_temp.refusal($$select parley.mark_deliveries_sent('{1}', '<a@b>', null, now())$$),
    pg_temp.refusal($$select parley.mark_deliveries_sent('{1}', null, gen_random_uuid(), null)$$),
    pg_temp.refusal($$select parley.mark_deliveries_failed(null, 'boom', gen_random_uuid(), now())$$),
    pg_temp.refusal($$select parley.mark_deliveries_failed('{1}', 'boom', null, now())$$),
    pg_temp.refusal($$select parley.mark_deliveries_failed('{1}', null, gen_random_uuid(), null)$$)],
  array[
    '23502 | ids | ids_present | ids is required | Pass the ids of the deliveries the round''s mails carried.',
    '23502 | ids | ids_present | ids is required | Pass the ids of the deliveries the round''s mails carried.',
    '23502 | claim_token | claim_token_present | claim_token is required | Pass the token claim_round returned.',
    '23502 | at | at_present | at is required | Pass now().',
    '23502 | ids | ids_present | ids is required | Pass the ids of the deliveries the mail carried.',
    '23502 | claim_token | claim_token_present | claim_token is required | Pass the token claim_round returned.',
    '23502 | at | at_present | at is required | Pass now().',
    '23502 | ids | ids_present | ids is required | Pass the ids of the deliveries that could not be sent.',
    '23502 | claim_token | claim_token_present | claim_token is required | Pass the token claim_round returned.',
    '23502 | at | at_present | at is required | Pass now().'],
  'the mark functions refuse a missing ids, claim_token or at, in that order, each with its hint');

select * from finish();
rollback;
