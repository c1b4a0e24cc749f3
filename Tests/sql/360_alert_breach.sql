-- A breach is an outcome, not a chase (issue 12, item 4): a commitment recorded as breached gets one alert that
-- says so, to its owner and everyone alerted that it was overdue, and then nothing more (no overdue repeats, no
-- escalation, no stale); compliance counts the breach; reopening restores the chase. And one subject appears once
-- in a digest: overdue wins over stale. The clock is the parameter of plan_alerts.
begin;
select plan(36);

\ir 300_alert_fixture.psql

-- CT (Tokyo, ceasefire, due 25 May, owned by Olga, quiet since 1 April) alone: Sam (Tokyo, warning and up) and Una
-- (everything) subscribe; Leo leads the track.
delete from parley_data.commitments where code = 'CN';
create function pg_temp.kinds(subject text) returns text[] language sql as $$
    select coalesce(array_agg(kind::text || ':' || state order by id), '{}') from parley_data.alerts where subject_code = subject
$$;
create function pg_temp.record(commitment text, reported_on date, status parley.commitment_status, reopen boolean default false)
    returns void language sql as $$
    insert into parley_data.commitment_updates (commitment_id, reported_on, new_status, reopen, note)
    values (pg_temp.commitment(commitment), reported_on, status, reopen, 'status ' || status)
$$;

-- Chased: stale on 1 May, reminders, overdue at the deadline and every 3 days; Olga's first overdue mail went out.
select is(pg_temp.plan('2030-05-25 15:00Z'), array['CT overdue 2030-05-25 #0'], 'CT is overdue at its deadline');
update parley_data.deliveries d set state = 'sent', sent_at = '2030-05-25 15:05Z', message_id = '<ct0@example.org>'
  from parley_data.alerts a
 where a.id = d.alert_id and a.subject_code = 'CT' and a.kind = 'overdue' and d.person_id = pg_temp.person('olga@example.org');
select is(pg_temp.plan('2030-05-28 15:00Z'), array['CT overdue 2030-05-25 #1'], 'and again 3 days later');

-- The breach is recorded on 29 May.
select pg_temp.record('CT', '2030-05-29', 'breached');
select is(pg_temp.plan('2030-05-29 09:00Z'),
          array['CT breached overdue alerts to #' || (select max(id) from parley_data.alerts where subject_code = 'CT' and kind = 'overdue')],
          'a recorded breach gets one alert that says so');
select is((select severity::text from parley_data.alerts where subject_code = 'CT' and kind = 'breached'), 'warning',
          'a warning, as its rule says');
select is(pg_temp.recipients('CT', 'breached', (select occurrence from parley_data.alerts where subject_code = 'CT' and kind = 'breached')),
          array['olga:responsible:pending', 'sam:alerted about overdue:pending', 'una:alerted about overdue:pending'],
          'to its owner and to everyone alerted that it was overdue');
select is(pg_temp.recipients('CT', 'overdue', '2030-05-25 #1'),
          array['olga:responsible:cancelled', 'sam:subscription:cancelled', 'una:subscription:cancelled'],
          'the overdue repeat still waiting is not sent');
select is((select array_agg(distinct d.cancel_reason) from parley_data.deliveries d join parley_data.alerts a on a.id = d.alert_id
            where a.subject_code = 'CT' and d.state = 'cancelled'), array['commitment breached'], 'because the commitment was breached');
select is(pg_temp.recipients('CT', 'overdue', '2030-05-25 #0'),
          array['olga:responsible:sent', 'sam:subscription:cancelled', 'una:subscription:cancelled'],
          'what went out stays sent');
select is((select count(*)::integer from parley_data.alert_schedule where subject_type = 'commitment'
             and subject_id = pg_temp.commitment('CT')), 0, 'nothing is scheduled for a breached commitment');

-- Then silence: no repeats, no escalation (from day 14), no second breached alert, whatever the moment.
select is(pg_temp.plan('2030-06-01 15:00Z'), '{}'::text[], 'no overdue repeat after the breach');
select is(pg_temp.plan('2030-06-10 15:00Z'), '{}'::text[], 'no escalation');
select is((select alerts_created from parley.plan_alerts('2031-05-25 15:00Z', rebuild => true)), 0,
          'a year later, replanning everything creates nothing for it');
select is(pg_temp.kinds('CT'), array['overdue:planned', 'overdue:cancelled', 'breached:planned'],
          'CT''s alerts: the overdue mail that went out, the repeat never sent, the breach');

-- Compliance keeps counting it; the open and overdue views no longer list it.
select is((select (breached, open, assessed) from parley.compliance where party = 'Russia' and track = 'tokyo'),
          (1::bigint, 0::bigint, 1::bigint), 'compliance counts the breach');
select is((select count(*)::integer from parley.open_commitments where code = 'CT'), 0, 'open_commitments no longer lists it');
select is((select status::text from parley.commitments where code = 'CT'), 'breached', 'parley.commitments still does');

-- Leaving a breach is a reopen.
select throws_ok($$select parley.record_update(commitment => 'CT', reported_on => '2030-06-20', new_status => 'fulfilled')$$,
                 '23514', null, 'a breached commitment cannot be marked fulfilled without a reopen');
select throws_ok($$update parley_data.commitments set status = 'in_progress' where code = 'CT'$$,
                 '23514', null, 'nor put back in progress');

-- Reopened on 1 July: the chase starts again at once, as a new overdue series (escalated: the deadline is 37 days past).
select pg_temp.record('CT', '2030-07-01', 'in_progress', reopen => true);
select is((select array_agg(split_part(x, ' ', 2) order by x) from unnest(pg_temp.plan('2030-07-01 09:00Z')) x),
          array['overdue'], 'reopening restores the chase: an overdue alert at once');
select ok((select escalated and occurrence like '2030-05-25 reopened %#12' from parley_data.alerts
            where subject_code = 'CT' and kind = 'overdue' and state <> 'cancelled' order by id desc limit 1),
          'the latest repeat of a new series, escalated');
select is((select array_agg(split_part(p.email, '@', 1) || ':' || d.reason order by p.email)
             from parley_data.deliveries d join parley_data.people p on p.id = d.person_id
            where d.alert_id = (select max(id) from parley_data.alerts where subject_code = 'CT' and kind = 'overdue')),
          array['leo:escalation', 'olga:responsible', 'sam:subscription', 'una:subscription'], 'to all it went to before, and the lead');
select ok((select next_at from parley_data.alert_schedule where subject_type = 'commitment'
             and subject_id = pg_temp.commitment('CT')) = '2030-07-03 15:00Z', 'and the next repeat is scheduled');
select is((select (breached, open) from parley.compliance where party = 'Russia' and track = 'tokyo'),
          (0::bigint, 1::bigint), 'compliance: in progress again');

-- Breached again: one more breached alert, about the new series.
select pg_temp.record('CT', '2030-07-05', 'breached');
select is((select array_agg(split_part(x, ' ', 2)) from unnest(pg_temp.plan('2030-07-05 09:00Z')) x), array['breached'],
          'a second breach, after a reopen, is told again');
select is((select count(*)::integer from parley_data.alerts where subject_code = 'CT' and kind = 'breached'), 2,
          'one alert per breach');
select is(pg_temp.plan('2030-08-05 09:00Z'), '{}'::text[], 'and silence again');

-- A commitment breached before anything was overdue: the reminders stop, without an alert of its own (no chase to end).
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at)
values ('CB', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'RU'), 'breached early', '2030-08-01', '2030-08-20',
        pg_temp.person('olga@example.org'), '2030-08-01', '2030-08-01 00:00Z');
select is(pg_temp.plan('2030-08-13 15:00Z'), array['CB due_soon 2030-08-20 -7 days'], 'CB''s 7-day reminder');
select pg_temp.record('CB', '2030-08-14', 'breached');
select is(pg_temp.plan('2030-08-14 09:00Z'), '{}'::text[], 'breached before its deadline: no alert of its own');
select is(pg_temp.plan('2030-08-25 09:00Z'), '{}'::text[], 'and never overdue');
select is(pg_temp.recipients('CB', 'due_soon', '2030-08-20 -7 days'),
          array['olga:responsible:cancelled', 'una:subscription:cancelled'], 'its reminder still waiting is not sent');

-- Overdue wins over stale: CQ is quiet since 1 September; its deadline (10 October) passes before a plan that would
-- find it stale (1 October, Tokyo) as well. One subject, one alert in the digest.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at)
values ('CQ', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'RU'), 'quiet and late', '2030-09-01', '2030-10-10',
        pg_temp.person('olga@example.org'), '2030-09-01', '2030-09-01 00:00Z');
select is(pg_temp.plan('2030-10-11 00:00Z'), array['CQ overdue 2030-10-10 #0'],
          'quiet for 40 days and overdue: the overdue alert only, no stale alert beside it');
select is((select count(*)::integer from parley.digest_preview('2030-10-11 00:01Z', 'secret', 'olga@example.org')
            where subject_code = 'CQ'), 1, 'the owner''s digest shows it once');
-- CS went stale on 1 October (its alert still waiting: the mailer was down), then its deadline passed.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at)
values ('CS', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'RU'), 'stale, then late', '2030-09-01', '2030-10-20',
        pg_temp.person('olga@example.org'), '2030-09-01', '2030-09-01 00:00Z');
select ok(pg_temp.plan('2030-10-12 00:00Z') @> array['CS stale 2030-09-01'], 'CS is stale before its deadline');
select is(pg_temp.plan('2030-10-20 15:00Z'), array['CQ overdue 2030-10-10 #3', 'CS overdue 2030-10-20 #0'],
          'then overdue (with CQ''s repeat)');
select is(pg_temp.recipients('CS', 'stale', '2030-09-01'), array['olga:responsible:cancelled', 'una:subscription:cancelled'],
          'the stale alert still waiting is not sent beside it');
select is((select count(*)::integer from parley.digest_preview('2030-10-20 15:01Z', 'secret', 'olga@example.org')
            where subject_code = 'CS'), 1, 'the owner''s digest shows CS once');

select * from finish();
rollback;
