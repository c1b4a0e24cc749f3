-- What changes do to alerts: triggers queue the changed subjects once per statement; a moved deadline cancels the
-- alerts of the old one that have not gone out and plans the new ones; fulfilment cancels waiting overdue
-- deliveries and tells those alerted that it is resolved; cancelled or rescheduled meetings, finished follow-ups,
-- deleted commitments, disabled rules and a track's new time zone are all taken into account.
begin;
select plan(51);

\ir 300_alert_fixture.psql

insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at)
values ('CX', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'UA'), 'to be deleted', '2030-04-01', '2030-05-20',
        pg_temp.person('olga@example.org'), '2030-04-01', '2030-04-01 00:00Z');
insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, created_at)
select v.code, (select id from parley_data.tracks where code = 'tokyo'), v.title, v.starts_at, v.starts_at + interval '2 hours', '2030-04-01 00:00Z'
  from (values ('M1', 'Round 3', timestamptz '2030-06-10 01:00Z'), ('M2', 'Round 4', timestamptz '2030-06-10 05:00Z')) v(code, title, starts_at);
insert into parley_data.follow_ups (code, track_id, assignee_id, due_at, note, created_at) values
    ('F1', (select id from parley_data.tracks where code = 'tokyo'), pg_temp.person('fay@example.org'), '2030-06-09 00:00Z', 'Brief', '2030-04-01 00:00Z'),
    ('F3', (select id from parley_data.tracks where code = 'tokyo'), pg_temp.person('fay@example.org'), '2030-06-01 00:00Z', 'Call', '2030-04-01 00:00Z');

-- The triggers.
select is((select count(*)::integer from pg_trigger
            where tgname in ('commitments_plan_insert', 'commitments_plan_update', 'commitments_plan_delete',
                             'meetings_plan_insert', 'meetings_plan_update', 'meetings_plan_delete',
                             'follow_ups_plan_insert', 'follow_ups_plan_update', 'follow_ups_plan_delete',
                             'tracks_plan_update', 'people_plan_update', 'subscriptions_plan_insert',
                             'subscriptions_plan_update', 'subscriptions_plan_delete',
                             'alert_rules_plan_update', 'silences_apply_insert')
              and tgtype & 1 = 0), 16,
          'the 16 triggers that queue changes are statement-level (tgtype has no ROW bit)');
select ok((select bool_and(tgoldtable is not null or tgnewtable is not null) from pg_trigger
            where tgname like '%\_plan\_%' and tgname <> 'subscriptions_plan_change'),
          'and read transition tables');
select is((select array_agg(distinct subject_type order by subject_type) from parley_data.plan_queue),
          array['all', 'commitment', 'follow_up', 'meeting', 'recipients'], 'the fixture''s inserts were queued');

-- a. The first plan: CT's 1-day reminder, the stale alerts of CN and CT, CX's latest overdue repeat (overdue, CX
--    gets no stale alert beside it).
select is(pg_temp.plan('2030-05-24 15:00Z'),
          array['CN due_soon 2030-05-25 -7 days', 'CN stale 2030-04-01', 'CT due_soon 2030-05-25 -1 day', 'CT stale 2030-04-01', 'CX overdue 2030-05-20 #1'],
          'first plan');
select is((select count(*)::integer from parley_data.plan_queue), 0, 'planning consumed the queue');

-- Bulk changes: one queue row per changed subject, none for changes alerts do not depend on.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, status_changed_on, created_at)
select 'B' || g, (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
       (select id from parley_data.parties where code = 'UA'), 'bulk', '2030-05-01', '2030-09-01', '2030-05-01', '2030-05-01 00:00Z'
  from generate_series(1, 100) g;
select is((select count(*)::integer from parley_data.plan_queue where subject_type = 'commitment'), 100,
          'inserting 100 commitments in one statement queues 100 subjects');
select is((select (alerts_created, subjects_planned)::text from parley.plan_alerts('2030-05-24 15:00Z', only_changed => true)),
          '(0,100)', 'only_changed plans just them');
update parley_data.commitments set text = text || '.' where code like 'B%';
select is((select count(*)::integer from parley_data.plan_queue), 0, 'a change alerts do not depend on queues nothing');
update parley_data.commitments set owner_id = pg_temp.person('olga@example.org') where code like 'B%';
select is((select count(distinct subject_id)::integer from parley_data.plan_queue where subject_type = 'commitment'), 100,
          'a 100-row update queues each of the 100 commitments');
select is((select (alerts_created, subjects_planned)::text from parley.plan_alerts('2030-05-24 15:00Z', only_changed => true)),
          '(0,100)', 'and they are planned');

-- b. Moving a deadline: waiting deliveries of the old deadline's alerts are cancelled, sent ones are left alone,
--    and the new deadline is planned.
update parley_data.deliveries d set state = 'sent', sent_at = '2030-05-24 15:01Z', message_id = '<m1@example.org>'
  from parley_data.alerts a
 where a.id = d.alert_id and a.subject_code = 'CT' and a.kind = 'stale';
update parley_data.deliveries d set state = 'sent', sent_at = '2030-05-24 15:01Z', message_id = '<m2@example.org>'
  from parley_data.alerts a
 where a.id = d.alert_id and a.subject_code = 'CT' and a.kind = 'due_soon' and d.person_id = pg_temp.person('olga@example.org');
update parley_data.commitments set due_on = '2030-06-05' where code = 'CT';
select is((select array_agg(subject_type || ' ' || subject_id) from parley_data.plan_queue),
          array['commitment ' || pg_temp.commitment('CT')], 'the deadline change queued CT');
select is((select (alerts_created, alerts_cancelled)::text from parley.plan_alerts('2030-05-24 16:00Z', only_changed => true)),
          '(0,0)', 'nothing new is due yet; the half-sent reminder is not cancelled as a whole');
select is(pg_temp.recipients('CT', 'due_soon', '2030-05-25 -1 day'),
          array['olga:responsible:sent', 'una:subscription:cancelled'],
          'the old deadline''s reminder: the sent delivery stays sent, the waiting one is cancelled');
select is((select cancel_reason from parley_data.deliveries d join parley_data.people p on p.id = d.person_id
            where p.email = 'una@example.org'
              and d.alert_id = (select id from parley_data.alerts where subject_code = 'CT' and kind = 'due_soon')),
          'deadline changed', 'with the reason');
select is((select next_at from parley_data.alert_schedule where subject_type = 'commitment' and subject_id = pg_temp.commitment('CT')),
          timestamptz '2030-05-29 15:00Z', 'the new deadline''s 7-day reminder is scheduled');
select is(pg_temp.plan('2030-05-29 15:00Z'),
          array['CN overdue 2030-05-25 #1', 'CT due_soon 2030-06-05 -7 days', 'CX overdue 2030-05-20 #3'],
          'and created when due (with CN''s and CX''s overdue repeats)');

-- c, d. Fulfilment: CN's overdue alert went to Olga; Ivan's copy is still waiting. A recorded update fulfils it.
select is(pg_temp.plan('2030-05-30 00:00Z'), '{}'::text[], 'nothing more is due on 30 May');
update parley_data.deliveries d set state = 'sent', sent_at = '2030-05-30 00:01Z', message_id = '<m3@example.org>'
  from parley_data.alerts a
 where a.id = d.alert_id and a.subject_code = 'CN' and a.kind = 'overdue' and d.person_id = pg_temp.person('olga@example.org');
insert into parley_data.commitment_updates (commitment_id, reported_on, new_status, note, effective_classification)
values (pg_temp.commitment('CN'), '2030-05-30', 'fulfilled', 'lists exchanged', 'restricted');
select is((select status::text from parley_data.commitments where code = 'CN'), 'fulfilled', 'the update fulfilled CN');
select is(pg_temp.plan('2030-05-30 01:00Z'), array['CN resolved overdue alerts to #' ||
              (select id from parley_data.alerts where subject_code = 'CN' and kind = 'overdue')],
          'fulfilment creates one resolved alert');
select is(pg_temp.recipients('CN', 'overdue', '2030-05-25 #1'),
          array['ivan:subscription:cancelled', 'olga:responsible:sent'],
          'the waiting overdue delivery is cancelled, the sent one kept');
select is(pg_temp.recipients('CN', 'resolved', 'overdue alerts to #' ||
              (select id from parley_data.alerts where subject_code = 'CN' and kind = 'overdue')),
          array['ivan:alerted about overdue:pending', 'olga:alerted about overdue:pending'],
          'resolved goes to everyone who received or was to receive the overdue alert');
select is((select array_agg(kind::text || ':' || state order by kind) from parley_data.alerts where subject_code = 'CN'),
          array['due_soon:cancelled', 'overdue:planned', 'stale:cancelled', 'resolved:planned'],
          'the reminder and the stale alert nobody had received are cancelled; the overdue one, half sent, stays');
select is((select count(*)::integer from parley_data.alert_schedule where subject_type = 'commitment' and subject_id = pg_temp.commitment('CN')),
          0, 'a fulfilled commitment has nothing scheduled');
select is(pg_temp.plan('2030-06-01 00:00Z') && array['CN resolved'], false, 'no second resolved alert');

-- e, f. Meetings: a cancelled meeting's reminder and a rescheduled meeting's reminder are cancelled.
select ok(pg_temp.plan('2030-06-08 05:00Z') @> array['M1 meeting_upcoming 2030-06-10T01:00:00Z -2 days',
                                                   'M2 meeting_upcoming 2030-06-10T05:00:00Z -2 days'],
          'two meeting reminders');
update parley_data.meetings set status = 'cancelled' where code = 'M1';
update parley_data.meetings set starts_at = '2030-06-20 05:00Z', ends_at = '2030-06-20 07:00Z' where code = 'M2';
select is((select alerts_cancelled from parley.plan_alerts('2030-06-08 06:00Z', only_changed => true)), 2, 'both cancelled');
select is((select array_agg(subject_code || ':' || state || ':' || cancel_reason order by subject_code)
             from parley_data.alerts where kind = 'meeting_upcoming'),
          array['M1:cancelled:meeting cancelled', 'M2:cancelled:meeting rescheduled'], 'with their reasons');
select is(pg_temp.recipients('M1', 'meeting_upcoming', '2030-06-10T01:00:00Z -2 days'),
          array['leo:responsible:cancelled', 'una:subscription:cancelled'], 'and their deliveries');
select is((select next_at from parley_data.alert_schedule where subject_type = 'meeting'
             and subject_id = (select id from parley_data.meetings where code = 'M2')),
          timestamptz '2030-06-18 05:00Z', 'the rescheduled meeting''s reminder is scheduled anew');

-- g. Follow-ups: done before it is due, nothing is planned; done after, the waiting deliveries are cancelled.
select is((select count(*)::integer from parley_data.alerts where subject_code = 'F3'), 1, 'F3 fell due');
update parley_data.follow_ups set done_at = '2030-06-08 07:00Z' where code in ('F1', 'F3');
select is((select alerts_cancelled from parley.plan_alerts('2030-06-08 07:00Z', only_changed => true)), 1,
          'finishing the follow-ups cancels F3''s waiting alert');
select is((select state || ':' || cancel_reason from parley_data.alerts where subject_code = 'F3'), 'cancelled:follow-up done',
          'because it is done');
select is((select count(*)::integer from parley_data.alert_schedule where subject_type = 'follow_up'), 0,
          'nothing is scheduled for follow-ups that are done');
select is(pg_temp.plan('2030-06-09 00:00Z') && array['F1 follow_up_due 2030-06-09T00:00:00Z'], false,
          'F1 does not fall due once done');

-- Deleting a commitment cancels its alerts that have not gone out.
delete from parley_data.commitments where code = 'CX';
select is((select alerts_cancelled from parley.plan_alerts('2030-06-09 00:00Z', only_changed => true)), 3,
          'deleting CX cancels its three waiting alerts');
select is((select array_agg(distinct cancel_reason) from parley_data.alerts where subject_code = 'CX'), array['subject deleted'],
          'because it was deleted');
select is((select count(*)::integer from parley_data.alert_schedule where subject_type = 'commitment' and subject_id not in
             (select id from parley_data.commitments)), 0, 'and nothing stays scheduled for it');

-- h. Disabling a rule replans everything and cancels that rule's alerts still waiting; enabling it plans them again.
select is(parley.set_alert_rule('stale', enabled => false), 'stale'::parley.alert_kind, 'stale alerts disabled');
select is((select array_agg(subject_type) from parley_data.plan_queue), array['all'], 'a rule change queues a full replan');
select is((select alerts_cancelled from parley.plan_alerts('2030-06-09 01:00Z', only_changed => true)), 100,
          'the 100 waiting stale alerts of the bulk commitments are cancelled');
select is((select array_agg(distinct cancel_reason) from parley_data.alerts where kind = 'stale' and subject_code like 'B%'),
          array['alert rule disabled'], 'because the rule is disabled');
select is((select state::text from parley_data.alerts where kind = 'stale' and subject_code = 'CT'), 'planned',
          'a stale alert already sent stays as it was');
select is(parley.set_alert_rule('stale', enabled => true), 'stale'::parley.alert_kind, 'stale alerts enabled again');
select is((select alerts_created from parley.plan_alerts('2030-06-09 01:00Z')), 100, 'and the stale alerts are planned again');

-- i. A track's new time zone moves its deadlines: CT's next repeat follows the end of 5 June in Istanbul.
select is((select next_at from parley_data.alert_schedule where subject_type = 'commitment' and subject_id = pg_temp.commitment('CT')),
          timestamptz '2030-06-11 15:00Z', 'CT''s next overdue repeat, Tokyo time');
update parley_data.tracks set timezone = 'Europe/Istanbul' where code = 'tokyo';
select ok((select count(*) from parley_data.plan_queue where subject_type = 'commitment') = 101
          and (select count(*) from parley_data.plan_queue where subject_type = 'meeting') = 2,
          'the time zone change queues the track''s commitments and meetings');
select is((select alerts_created from parley.plan_alerts('2030-06-09 01:00Z', only_changed => true)), 0, 'nothing new is due');
select is((select next_at from parley_data.alert_schedule where subject_type = 'commitment' and subject_id = pg_temp.commitment('CT')),
          timestamptz '2030-06-11 21:00Z', 'CT''s next overdue repeat, Istanbul time');

-- parley_data.queue_plan: one entry for the next plan a call (staff actions on alerts, recipients, rules).
delete from parley_data.plan_queue;
select parley_data.queue_plan('commitment', 42);
select parley_data.queue_plan('all');
select results_eq($$select subject_type, subject_id from parley_data.plan_queue order by subject_type$$,
                  $$values ('all', null::bigint), ('commitment', 42::bigint)$$, 'queue_plan queues one entry a call');

-- parley_data.plan_analyze_grown: a step that wrote more than 10,000 rows into a table analyzes it, not fewer.
create temp table analyze_probe as select g from generate_series(1, 5) g;
select parley_data.plan_analyze_grown('pg_temp.analyze_probe', 10000);
select is((select c.reltuples from pg_class c where c.oid = 'pg_temp.analyze_probe'::regclass), real '-1',
          '10,000 rows written: not analyzed');
select parley_data.plan_analyze_grown('pg_temp.analyze_probe', 10001);
select is((select c.reltuples from pg_class c where c.oid = 'pg_temp.analyze_probe'::regclass), real '5',
          '10,001 rows written: analyzed');

select * from finish();
rollback;
