-- Short notice (issue 12, item 3): a meeting or deadline recorded (or moved) so close that a reminder's moment has
-- already passed is announced at once: one catch-up alert per kind, to the same people as the reminder it stands
-- for, never for an event already past, never twice. The clock is the parameter of plan_alerts.
begin;
select plan(21);

\ir 300_alert_fixture.psql

-- Only the subjects of this test: not the fixture's commitments.
delete from parley_data.commitments where code in ('CT', 'CN');
select is(pg_temp.plan('2030-04-02 00:00Z'), '{}'::text[], 'nothing is due on 2 April');

-- A meeting recorded on 9 June at 14:00 Tokyo time (05:00 UTC) for the next morning at 10:00 (01:00 UTC): 20 hours
-- ahead, inside the 2-day lead of meeting_upcoming.
insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, created_at)
values ('MS', (select id from parley_data.tracks where code = 'tokyo'), 'Short-notice round',
        '2030-06-10 01:00Z', '2030-06-10 03:00Z', '2030-06-09 05:00Z');
select is(pg_temp.plan('2030-06-09 05:00Z'),
          array['MS meeting_upcoming 2030-06-10T01:00:00Z -2 days'],
          'a meeting recorded 20 hours ahead is announced by the first plan after it is recorded');
select is((select due_at from parley_data.alerts where subject_code = 'MS'), timestamptz '2030-06-09 05:00Z',
          'due when it was recorded');
select is(pg_temp.recipients('MS', 'meeting_upcoming', '2030-06-10T01:00:00Z -2 days'),
          array['leo:responsible:pending', 'una:subscription:pending'],
          'to the track''s lead and the subscribers, as a reminder on time would be');
select is((select min(send_after) from parley_data.deliveries d join parley_data.alerts a on a.id = d.alert_id
            where a.subject_code = 'MS'), timestamptz '2030-06-09 05:00Z', 'waiting to be mailed at once');
select is(pg_temp.plan('2030-06-09 05:00Z'), '{}'::text[], 'replanning at the same moment creates nothing');
select is(pg_temp.plan('2030-06-09 20:00Z'), '{}'::text[], 'nor later before the meeting: one catch-up, never twice');
select is((select next_at from parley_data.alert_schedule s join parley_data.meetings m on m.id = s.subject_id
            where s.subject_type = 'meeting' and m.code = 'MS'), null::timestamptz,
          'and nothing more is scheduled for the meeting before it is held');

-- A meeting recorded after it started: nothing.
insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, created_at)
values ('MP', (select id from parley_data.tracks where code = 'tokyo'), 'Recorded afterwards',
        '2030-06-09 01:00Z', '2030-06-09 03:00Z', '2030-06-09 21:00Z');
select is(pg_temp.plan('2030-06-09 21:00Z'), '{}'::text[], 'a meeting recorded after it started is not announced');

-- A commitment recorded on 12 June for the 15th (Tokyo): the 7-day reminder's moment had passed, the deadline is
-- ahead. Then the 1-day reminder comes on time; an update in between sends nothing again.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at)
values ('C3', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'UA'), 'due in 3 days', '2030-06-12', '2030-06-15',
        pg_temp.person('olga@example.org'), '2030-06-12', '2030-06-12 03:00Z');
select is(pg_temp.plan('2030-06-12 03:00Z'), array['C3 due_soon 2030-06-15 -7 days'],
          'a commitment recorded 3 days before its deadline gets its reminder at once, not on its last day');
select is(pg_temp.recipients('C3', 'due_soon', '2030-06-15 -7 days'),
          array['olga:responsible:pending', 'una:subscription:pending'], 'to its owner and the subscribers');
select is((select next_at from parley_data.alert_schedule where subject_type = 'commitment'
             and subject_id = pg_temp.commitment('C3')), timestamptz '2030-06-14 15:00Z',
          'the 1-day reminder is still scheduled');
insert into parley_data.commitment_updates (commitment_id, reported_on, note)
values (pg_temp.commitment('C3'), '2030-06-13', 'lists being drawn up');
select is(pg_temp.plan('2030-06-13 03:00Z'), '{}'::text[], 'an update recorded in between sends nothing again');
select is(pg_temp.plan('2030-06-14 15:00Z'), array['C3 due_soon 2030-06-15 -1 day'], 'the 1-day reminder comes on time');

-- Recorded 12 hours before its deadline: one catch-up, the 1-day reminder, not the 7-day one as well.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at)
values ('C0', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'UA'), 'due tonight', '2030-06-15', '2030-06-15',
        pg_temp.person('olga@example.org'), '2030-06-15', '2030-06-15 03:00Z');
select is(pg_temp.plan('2030-06-15 03:00Z'), array['C0 due_soon 2030-06-15 -1 day'],
          'recorded 12 hours before its deadline: one catch-up, the latest reminder reached');

-- Recorded after its deadline: overdue, and no reminder for a deadline already past.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at)
values ('CP', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'UA'), 'due yesterday', '2030-06-10', '2030-06-14',
        pg_temp.person('olga@example.org'), '2030-06-10', '2030-06-15 04:00Z');
select is(pg_temp.plan('2030-06-15 04:00Z'), array['CP overdue 2030-06-14 #0'],
          'a commitment recorded after its deadline is overdue, with no reminder before it');

-- Moved: a deadline far away moved to 3 days ahead gets its reminder at once; moved to the past, none.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at)
values ('CM', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'UA'), 'moved', '2030-06-01', '2030-09-30',
        pg_temp.person('olga@example.org'), '2030-06-01', '2030-06-01 00:00Z');
select ok(not (pg_temp.plan('2030-06-16 00:00Z') && array['CM due_soon 2030-09-30 -7 days']), 'CM is due at the end of September');
update parley_data.commitments set due_on = '2030-06-19' where code = 'CM';
select is(pg_temp.plan('2030-06-16 01:00Z'), array['CM due_soon 2030-06-19 -7 days'],
          'moved to fall due in 3 days, its reminder goes out at once');
update parley_data.commitments set due_on = '2030-06-20' where code = 'CM';
select is(pg_temp.plan('2030-06-16 02:00Z'), array['CM due_soon 2030-06-20 -7 days'],
          'moved again (a new deadline), the reminder for the new deadline goes out');
select is((select array_agg(state || ':' || coalesce(cancel_reason, '') order by id) from parley_data.alerts
            where subject_code = 'CM'), array['cancelled:deadline changed', 'planned:'],
          'and the one for the old deadline, not yet sent, is cancelled');
update parley_data.commitments set due_on = '2030-06-15' where code = 'CM';
select is(pg_temp.plan('2030-06-16 03:00Z'), array['CM overdue 2030-06-15 #0'],
          'moved to a day already past, it is overdue and gets no reminder');

select * from finish();
rollback;
