-- Alert planning over time: every kind falls due at its moment and not before, deadlines are the end of the day
-- in the track's time zone (Asia/Tokyo vs America/New_York, and across a daylight-saving change), replanning creates
-- nothing, only the latest missed occurrence is created, and escalation adds the track's lead.
begin;
select plan(48);

\ir 300_alert_fixture.psql

-- CL is recorded on 20 May, after its 7-day reminder would have fallen due. CW (New York) is due 5 November 2030,
-- two days after clocks go back. M1 is a Tokyo round on 10 June; F1 is about the Tokyo track, F2 about CN.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at, track_classification, effective_classification)
select v.code, t.id, i.id, (select id from parley_data.parties where code = 'UA'), 'promise', v.made_on, v.due_on,
       pg_temp.person('olga@example.org'), v.made_on, v.created_at, t.classification, t.classification
  from (values ('CL', 'tokyo', 'ceasefire', date '2030-05-20', date '2030-05-25', timestamptz '2030-05-20 00:00Z'),
               ('CW', 'nyc', 'exchange', date '2030-10-01', date '2030-11-05', timestamptz '2030-10-01 00:00Z'))
       v(code, track, item, made_on, due_on, created_at)
  join parley_data.tracks t on t.code = v.track
  join parley_data.agenda_items i on i.code = v.item;
insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, created_at)
values ('M1', (select id from parley_data.tracks where code = 'tokyo'), 'Round 3',
        '2030-06-10 01:00Z', '2030-06-10 03:00Z', '2030-04-01 00:00Z');
insert into parley_data.follow_ups (code, track_id, commitment_id, assignee_id, due_at, note, created_at,
                                    effective_classification) values
    ('F1', (select id from parley_data.tracks where code = 'tokyo'), null, pg_temp.person('fay@example.org'),
     '2030-06-01 09:00Z', 'Brief the delegation', '2030-04-01 00:00Z', 'unclassified'),
    ('F2', null, pg_temp.commitment('CN'), pg_temp.person('fay@example.org'),
     '2030-06-01 09:00Z', 'Chase the exchange lists', '2030-04-01 00:00Z', 'restricted');

-- Stale: 30 days without an update after 1 April, i.e. the end of 1 May in each track's time zone.
select is(pg_temp.plan('2030-05-01 14:59:59Z'), '{}'::text[], 'first plan (everything) before any alert is due creates nothing');
select is(pg_temp.plan('2030-05-01 15:00Z'), array['CT stale 2030-04-01'], 'stale in Tokyo at the end of 1 May Tokyo time');
select is(pg_temp.plan('2030-05-01 15:00Z'), '{}'::text[], 'replanning at the same moment creates nothing');
select is(pg_temp.plan('2030-05-02 03:59:59Z'), '{}'::text[], 'not yet stale in New York a second before the end of 1 May there');
select is(pg_temp.plan('2030-05-02 04:00Z'), array['CN stale 2030-04-01'], 'stale in New York at the end of 1 May New York time');

-- Due soon: 7 days and 1 day before the end of 25 May, on each track's clock.
select is(pg_temp.plan('2030-05-18 14:59:59Z'), '{}'::text[], 'no 7-day reminder a second early');
select is(pg_temp.plan('2030-05-18 15:00Z'), array['CT due_soon 2030-05-25 -7 days'], '7-day reminder for Tokyo at the end of 18 May Tokyo time');
select is(pg_temp.plan('2030-05-19 03:59:59Z'), '{}'::text[], 'New York''s 7-day reminder not a second early');
select is(pg_temp.plan('2030-05-19 04:00Z'), array['CN due_soon 2030-05-25 -7 days'], '7-day reminder for New York at the end of 18 May New York time');
select is(pg_temp.plan('2030-05-20 00:00Z'), array['CL due_soon 2030-05-25 -7 days'],
          'a commitment recorded after its 7-day moment gets that reminder at once (short notice, issue 12)');
select is((select due_at from parley_data.alerts where subject_code = 'CL' and kind = 'due_soon'),
          timestamptz '2030-05-20 00:00Z', 'due when it was recorded, not at the 7-day moment before that');
select is(pg_temp.plan('2030-05-24 15:00Z'), array['CL due_soon 2030-05-25 -1 day', 'CT due_soon 2030-05-25 -1 day'],
          '1-day reminders for Tokyo, also for the commitment recorded late');
select is(pg_temp.plan('2030-05-25 04:00Z'), array['CN due_soon 2030-05-25 -1 day'], '1-day reminder for New York');

-- Overdue: at the deadline itself.
select is(pg_temp.plan('2030-05-25 14:59:59Z'), '{}'::text[], 'not overdue in Tokyo a second before the end of 25 May');
select is(pg_temp.plan('2030-05-25 15:00Z'), array['CL overdue 2030-05-25 #0', 'CT overdue 2030-05-25 #0'],
          'overdue in Tokyo at 2030-05-25 15:00 UTC');
select is((select due_at from parley_data.alerts where subject_code = 'CT' and kind = 'overdue'),
          timestamptz '2030-05-25 15:00Z', 'Tokyo deadline: 25 May 24:00 Asia/Tokyo');
select is(pg_temp.plan('2030-05-26 03:59:59Z'), '{}'::text[], 'not overdue in New York a second before the end of 25 May there');
select is(pg_temp.plan('2030-05-26 04:00Z'), array['CN overdue 2030-05-25 #0'], 'overdue in New York at 2030-05-26 04:00 UTC');
select is((select due_at from parley_data.alerts where subject_code = 'CN' and kind = 'overdue'),
          timestamptz '2030-05-26 04:00Z', 'New York deadline: 25 May 24:00 America/New_York (EDT)');
select is((select next_alert_at from parley.plan_alerts('2030-05-26 04:00Z')), timestamptz '2030-05-28 15:00Z',
          'next alert: Tokyo''s first overdue repeat, 3 days after the deadline');
select is((select row(alerts_created, subjects_planned)::text from parley.plan_alerts('2030-05-26 04:00Z')), '(0,0)',
          'a replan with nothing due plans no subject at all');
select is(parley.next_alert_at('2030-05-26 04:00Z'), timestamptz '2030-05-28 15:00Z', 'next_alert_at agrees');

-- After an outage: only the latest missed repeat (#2), not #1 as well. Follow-ups fall due at their time.
select is(pg_temp.plan('2030-06-01 08:59:59Z'),
          array['CL overdue 2030-05-25 #2', 'CN overdue 2030-05-25 #2', 'CT overdue 2030-05-25 #2'],
          'a plan after days without one creates only the latest overdue repeat');
select is(pg_temp.plan('2030-06-01 09:00Z'),
          array['F1 follow_up_due 2030-06-01T09:00:00Z', 'F2 follow_up_due 2030-06-01T09:00:00Z'],
          'follow-ups fall due at their due time');
select is(pg_temp.recipients('F1', 'follow_up_due', '2030-06-01T09:00:00Z'),
          array['fay:responsible:pending', 'sam:subscription:pending', 'una:subscription:pending'],
          'a follow-up goes to its assignee and the track''s subscribers');
select is(pg_temp.recipients('F2', 'follow_up_due', '2030-06-01T09:00:00Z'),
          array['ivan:subscription:pending'],
          'a follow-up about a restricted commitment is as restricted: the unclassified assignee does not get it');
select is((select classification::text from parley_data.alerts where subject_code = 'F2'), 'restricted',
          'the follow-up''s alert carries its commitment''s classification');

-- Meetings: upcoming 2 days before the start, on the track's clock.
select is(pg_temp.plan('2030-06-08 00:59:59Z'),
          array['CL overdue 2030-05-25 #4', 'CN overdue 2030-05-25 #4', 'CT overdue 2030-05-25 #4'],
          'no meeting reminder a second early');
select is(pg_temp.plan('2030-06-08 01:00Z'), array['M1 meeting_upcoming 2030-06-10T01:00:00Z -2 days'],
          'meeting reminder 2 days before it starts');
select is(pg_temp.recipients('M1', 'meeting_upcoming', '2030-06-10T01:00:00Z -2 days'),
          array['leo:responsible:pending', 'una:subscription:pending'],
          'a meeting reminder goes to the track''s lead and to subscribers whose minimum severity it meets');

-- Escalation: repeats from 14 days after the deadline on also go to the track's lead.
select is(pg_temp.recipients('CT', 'overdue', '2030-05-25 #4'),
          array['olga:responsible:pending', 'sam:subscription:pending', 'una:subscription:pending'],
          'day 12: owner and subscribers, not yet the lead');
update parley_data.meetings set status = 'held' where code = 'M1';
select is(pg_temp.plan('2030-06-12 02:59:59Z'),
          array['CL overdue 2030-05-25 #5', 'CN overdue 2030-05-25 #5', 'CT overdue 2030-05-25 #5'],
          'the repeat on day 15 (held meeting: no outcome alert yet)');
select is(pg_temp.recipients('CT', 'overdue', '2030-05-25 #5'),
          array['leo:escalation:pending', 'olga:responsible:pending', 'sam:subscription:pending', 'una:subscription:pending'],
          'day 15: escalated to the track''s lead');
select is(pg_temp.recipients('CN', 'overdue', '2030-05-25 #5'),
          array['ivan:subscription:pending', 'leo:escalation:pending', 'olga:responsible:pending'],
          'restricted track: the item subscriber and the lead, not the unclassified or the inactive subscriber');
select ok((select escalated and escalated_to_id = pg_temp.person('leo@example.org')
             from parley_data.alerts where subject_code = 'CT' and kind = 'overdue' and occurrence = '2030-05-25 #5'),
          'the escalated alert names the lead');
select is((select array_agg(escalated order by occurrence) from parley_data.alerts where subject_code = 'CT' and kind = 'overdue'),
          array[false, false, false, true], 'only the repeats from day 14 on are escalated');

-- A held meeting without an outcome: 2 days after it ended.
select is(pg_temp.plan('2030-06-12 03:00Z'), array['M1 meeting_outcome_missing 2030-06-10T03:00:00Z'],
          'outcome missing 2 days after the meeting ended');
select is(pg_temp.recipients('M1', 'meeting_outcome_missing', '2030-06-10T03:00:00Z'),
          array['leo:responsible:pending', 'sam:subscription:pending', 'una:subscription:pending'],
          'outcome-missing alert (a warning) also reaches the warning-level subscriber');

-- Every kind but resolved (310) has now been created; replanning the whole lot creates nothing more.
select is((select count(distinct kind)::integer from parley_data.alerts), 6, 'six kinds planned');
select is((select alerts_created from parley.plan_alerts('2030-06-12 03:00Z', rebuild => true)), 0,
          'replanning everything at the same moment creates nothing');
select is((select alerts_created from parley.plan_alerts('2030-06-12 03:00Z')), 0, 'and neither does a normal plan');

-- Across the end of daylight saving (3 November 2030 in New York): lead times count on the wall clock.
select is((select count(*)::integer from parley_data.alerts where subject_code = 'CW'), 0, 'CW has no alert before October');
select ok(not (pg_temp.plan('2030-10-30 03:59:59Z') && array['CW due_soon 2030-11-05 -7 days']),
          'no CW reminder a second before the end of 29 October, New York time');
select ok(pg_temp.plan('2030-10-30 04:00Z') @> array['CW due_soon 2030-11-05 -7 days'],
          'CW 7-day reminder at the end of 29 October: 04:00 UTC, clocks still on EDT');
select ok(pg_temp.plan('2030-11-06 05:00Z') @> array['CW overdue 2030-11-05 #0'],
          'CW overdue at the end of 5 November: 05:00 UTC, clocks on EST');
select is((select array_agg(kind::text || ' ' || occurrence order by kind::text) from parley_data.alerts where subject_code = 'CW'),
          array['due_soon 2030-11-05 -7 days', 'overdue 2030-11-05 #0'],
          'CW: the 1-day reminder, missed while nobody planned, is not created once the deadline has passed; nor is the stale alert due meanwhile (overdue wins over stale)');
select is((select due_at from parley_data.alerts where subject_code = 'CW' and kind = 'due_soon'),
          timestamptz '2030-10-30 04:00Z', 'CW 7-day reminder due 7 wall-clock days (7 days and an hour) before the deadline');
select is((select due_at from parley_data.alerts where subject_code = 'CW' and kind = 'overdue'),
          timestamptz '2030-11-06 05:00Z', 'CW deadline: 5 November 24:00 America/New_York (EST)');

select * from finish();
rollback;
