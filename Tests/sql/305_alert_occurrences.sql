-- Each alert rule's occurrence arithmetic (sql/repeatable/300_alert_occurrences.sql), tested directly with the
-- clock as a parameter: which occurrence is due at a moment, when it was due, and when the next one falls.
-- Tokyo has no daylight saving (UTC+9); New York changes clocks on 3 November 2030 (EDT UTC-4 → EST UTC-5).
begin;
select plan(47);

-- Deadlines: the end of due_on on the track's clock.
select is(parley_data.deadline_at('2030-05-25', 'Asia/Tokyo'), timestamptz '2030-05-25 15:00Z',
          'a Tokyo deadline is 24:00 Tokyo time');
select is(parley_data.deadline_at('2030-05-25', 'America/New_York'), timestamptz '2030-05-26 04:00Z',
          'a New York deadline in summer is 24:00 EDT');
select is(parley_data.deadline_at('2030-11-05', 'America/New_York'), timestamptz '2030-11-06 05:00Z',
          'and after the clocks went back, 24:00 EST');

-- due_soon: lead times 7 days and 1 day before the end of 25 May in Tokyo (18 May and 24 May, 15:00 UTC).
create function pg_temp.due_soon(at timestamptz, recorded_at timestamptz default '2030-04-01 00:00Z') returns text
    language sql as $$
    select concat_ws(' | ', coalesce(o.lead::text, '-'), coalesce(o.due_at::text, '-'), coalesce(o.next_at::text, '-'))
      from parley_data.due_soon_occurrence('2030-05-25', 'Asia/Tokyo', '{7 days, 1 day}', recorded_at, at) o
$$;
set local timezone = 'UTC';
select is(pg_temp.due_soon('2030-05-18 14:59:59Z'), '- | - | 2030-05-18 15:00:00+00',
          'due_soon: a second before the 7-day moment nothing is due, the 7-day reminder is next');
select is(pg_temp.due_soon('2030-05-18 15:00Z'), '7 days | 2030-05-18 15:00:00+00 | 2030-05-24 15:00:00+00',
          'due_soon: at the 7-day moment the 7-day reminder is due, the 1-day one is next');
select is(pg_temp.due_soon('2030-05-22 00:00Z'), '7 days | 2030-05-18 15:00:00+00 | 2030-05-24 15:00:00+00',
          'due_soon: between the two, the 7-day reminder stays the one due');
select is(pg_temp.due_soon('2030-05-24 15:00Z'), '1 day | 2030-05-24 15:00:00+00 | -',
          'due_soon: at the 1-day moment only the latest reminder is due, nothing is next');
select is(pg_temp.due_soon('2030-05-25 15:00Z'), '- | - | -', 'due_soon: nothing at or after the deadline');
select is(pg_temp.due_soon('2030-04-01 00:00Z'), '- | - | 2030-05-18 15:00:00+00',
          'due_soon: weeks before, the 7-day reminder is next');
-- Short notice (issue 12): recorded after a reminder's moment, with the deadline still ahead, the latest reminder
-- reached is due at once (when it was recorded), once; never for a deadline already past.
select is(pg_temp.due_soon('2030-05-22 09:00Z', recorded_at => '2030-05-22 09:00Z'),
          '7 days | 2030-05-22 09:00:00+00 | 2030-05-24 15:00:00+00',
          'due_soon: recorded 3 days before the deadline, the 7-day reminder is due at once, the 1-day one next');
select is(pg_temp.due_soon('2030-05-23 00:00Z', recorded_at => '2030-05-22 09:00Z'),
          '7 days | 2030-05-22 09:00:00+00 | 2030-05-24 15:00:00+00',
          'due_soon: planned later, it is still that one reminder, due when it was recorded');
select is(pg_temp.due_soon('2030-05-25 03:00Z', recorded_at => '2030-05-25 03:00Z'),
          '1 day | 2030-05-25 03:00:00+00 | -',
          'due_soon: recorded 12 hours before the deadline, only the 1-day reminder is due (one per kind)');
select is(pg_temp.due_soon('2030-05-26 00:00Z', recorded_at => '2030-05-26 00:00Z'), '- | - | -',
          'due_soon: recorded after its deadline, no reminder (it is overdue instead)');
select is((select row(o.lead, o.due_at, o.next_at)::text
             from parley_data.meeting_upcoming_occurrence('2030-06-10 01:00Z', 'Asia/Tokyo', '{2 days}',
                                                          '2030-06-09 05:00Z', '2030-06-09 05:00Z') o),
          '("2 days","2030-06-09 05:00:00+00",)',
          'meeting_upcoming: a meeting recorded 20 hours before it starts is announced at once');
select is((select row(o.lead, o.due_at, o.next_at)::text
             from parley_data.meeting_upcoming_occurrence('2030-06-10 01:00Z', 'Asia/Tokyo', '{2 days}',
                                                          '2030-06-10 02:00Z', '2030-06-10 02:00Z') o),
          '(,,)', 'meeting_upcoming: a meeting recorded after it started is not announced');
select is((select o.due_at from parley_data.due_soon_occurrence('2030-11-05', 'America/New_York', '{7 days}',
                                                                '2030-10-01 00:00Z', '2030-10-30 04:00Z') o),
          timestamptz '2030-10-30 04:00Z',
          'due_soon: lead times count on the wall clock (7 days and an hour before an EST deadline, from EDT)');
select is((select row(o.lead, o.due_at, o.next_at)::text
             from parley_data.due_soon_occurrence(null, 'Asia/Tokyo', '{7 days}', '2030-04-01', '2030-05-01') o),
          '(,,)', 'due_soon: a commitment without a deadline has no reminder');

-- meeting_upcoming: 2 days before a Tokyo meeting that starts 10 June 2030 at 10:00 Tokyo time (01:00 UTC).
select is((select row(o.lead, o.due_at, o.next_at)::text
             from parley_data.meeting_upcoming_occurrence('2030-06-10 01:00Z', 'Asia/Tokyo', '{2 days}',
                                                          '2030-04-01 00:00Z', '2030-06-08 00:59:59Z') o),
          '(,,"2030-06-08 01:00:00+00")', 'meeting_upcoming: a second early, the reminder is next');
select is((select row(o.lead, o.due_at, o.next_at)::text
             from parley_data.meeting_upcoming_occurrence('2030-06-10 01:00Z', 'Asia/Tokyo', '{2 days}',
                                                          '2030-04-01 00:00Z', '2030-06-08 01:00Z') o),
          '("2 days","2030-06-08 01:00:00+00",)', 'meeting_upcoming: due 2 days before the start');
select is((select row(o.lead, o.due_at, o.next_at)::text
             from parley_data.meeting_upcoming_occurrence('2030-06-10 01:00Z', 'Asia/Tokyo', '{2 days}',
                                                          '2030-04-01 00:00Z', '2030-06-10 01:00Z') o),
          '(,,)', 'meeting_upcoming: nothing once the meeting has started');

-- overdue: deadline 25 May 15:00 UTC, repeating every 3 days, escalated from 14 days on.
create function pg_temp.overdue(at timestamptz, repeat_every interval default '3 days',
                                escalate_after interval default '14 days') returns text
    language sql as $$
    select concat_ws(' | ', coalesce('#' || o.repeat_number, '-'), coalesce(o.due_at::text, '-'), o.escalated::text,
                     coalesce(o.next_at::text, '-'))
      from parley_data.overdue_occurrence('2030-05-25 15:00Z', repeat_every, escalate_after, at) o
$$;
select is(pg_temp.overdue('2030-05-25 14:59:59Z'), '- | - | false | 2030-05-25 15:00:00+00',
          'overdue: before the deadline nothing is due and the deadline is next');
select is(pg_temp.overdue('2030-05-25 15:00Z'), '#0 | 2030-05-25 15:00:00+00 | false | 2030-05-28 15:00:00+00',
          'overdue: #0 at the deadline, the first repeat 3 days later is next');
select is(pg_temp.overdue('2030-05-28 14:59:59Z'), '#0 | 2030-05-25 15:00:00+00 | false | 2030-05-28 15:00:00+00',
          'overdue: still #0 a second before the first repeat');
select is(pg_temp.overdue('2030-06-01 09:00Z'), '#2 | 2030-05-31 15:00:00+00 | false | 2030-06-03 15:00:00+00',
          'overdue: after days without a plan, only the latest repeat (#2) is due');
select is(pg_temp.overdue('2030-06-06 15:00Z'), '#4 | 2030-06-06 15:00:00+00 | false | 2030-06-09 15:00:00+00',
          'overdue: day 12 is not escalated');
select is(pg_temp.overdue('2030-06-09 15:00Z'), '#5 | 2030-06-09 15:00:00+00 | true | 2030-06-12 15:00:00+00',
          'overdue: day 15, past escalate_after, is escalated');
select is(pg_temp.overdue('2030-06-09 15:00Z', null), '#0 | 2030-05-25 15:00:00+00 | false | -',
          'overdue: without repeats, #0 stays the only one and nothing is next');
select is(pg_temp.overdue('2030-06-09 15:00Z', '3 days', null), '#5 | 2030-06-09 15:00:00+00 | false | 2030-06-12 15:00:00+00',
          'overdue: without escalation, never escalated');

-- stale: quiet since 1 April, 30 days: the end of 1 May on the track's clock.
select is((select row(o.due_at, o.next_at)::text
             from parley_data.stale_occurrence('2030-04-01', 'Asia/Tokyo', '30 days', null, '2030-05-01 14:59:59Z') o),
          '(,"2030-05-01 15:00:00+00")', 'stale: a second early it is next');
select is((select row(o.due_at, o.next_at)::text
             from parley_data.stale_occurrence('2030-04-01', 'Asia/Tokyo', '30 days', null, '2030-05-01 15:00Z') o),
          '("2030-05-01 15:00:00+00",)', 'stale: due at the end of 1 May Tokyo time');
select is((select o.due_at from parley_data.stale_occurrence('2030-04-01', 'America/New_York', '30 days', null, '2030-06-01') o),
          timestamptz '2030-05-02 04:00Z', 'stale: the end of 1 May New York time');
-- Overdue wins over stale (one subject once in a digest): from the deadline on, stale is neither due nor next.
select is((select row(o.due_at, o.next_at)::text
             from parley_data.stale_occurrence('2030-04-01', 'Asia/Tokyo', '30 days', '2030-05-25 15:00Z', '2030-05-25 15:00Z') o),
          '(,)', 'stale: not due once the commitment is overdue');
select is((select row(o.due_at, o.next_at)::text
             from parley_data.stale_occurrence('2030-04-01', 'Asia/Tokyo', '30 days', '2030-04-25 15:00Z', '2030-04-20 00:00Z') o),
          '(,)', 'stale: not next when the deadline comes first');
select is((select row(o.due_at, o.next_at)::text
             from parley_data.stale_occurrence('2030-04-01', 'Asia/Tokyo', '30 days', '2030-05-25 15:00Z', '2030-05-20 00:00Z') o),
          '("2030-05-01 15:00:00+00",)', 'stale: due before the deadline');

-- meeting_outcome_missing: 2 days after the meeting ended.
select is((select row(o.due_at, o.next_at)::text
             from parley_data.meeting_outcome_missing_occurrence('2030-06-10 03:00Z', 'Asia/Tokyo', '2 days',
                                                                 '2030-06-12 02:59:59Z') o),
          '(,"2030-06-12 03:00:00+00")', 'meeting_outcome_missing: a second early it is next');
select is((select row(o.due_at, o.next_at)::text
             from parley_data.meeting_outcome_missing_occurrence('2030-06-10 03:00Z', 'Asia/Tokyo', '2 days',
                                                                 '2030-06-12 03:00Z') o),
          '("2030-06-12 03:00:00+00",)', 'meeting_outcome_missing: due 2 days after the end');

-- follow_up_due: at its due time.
select is((select row(o.due_at, o.next_at)::text
             from parley_data.follow_up_due_occurrence('2030-06-01 09:00Z', '2030-06-01 08:59:59Z') o),
          '(,"2030-06-01 09:00:00+00")', 'follow_up_due: a second early it is next');
select is((select row(o.due_at, o.next_at)::text
             from parley_data.follow_up_due_occurrence('2030-06-01 09:00Z', '2030-06-02 00:00Z') o),
          '("2030-06-01 09:00:00+00",)', 'follow_up_due: due at its time, also when planned later');

-- The functions are inlined into planning's statements (no function call per subject): SQL, not strict, not
-- volatile, no SET clauses, not SECURITY DEFINER.
select is(p.prolang, (select oid from pg_language where lanname = 'sql'), p.proname || ' is an SQL function')
  from pg_proc p
 where p.pronamespace = 'parley_data'::regnamespace and p.proname like '%\_occurrence'
 order by p.proname;
select is(count(*)::integer, 0, 'none of them is strict, volatile, security definer or has SET clauses')
  from pg_proc p
 where p.pronamespace = 'parley_data'::regnamespace and p.proname like '%\_occurrence'
   and (p.proisstrict or p.provolatile = 'v' or p.prosecdef or p.proconfig is not null);
select is(count(*)::integer, 7, 'seven of them: lead times, due_soon, meeting_upcoming, overdue, stale, outcome missing, follow-up')
  from pg_proc p
 where p.pronamespace = 'parley_data'::regnamespace and p.proname like '%\_occurrence';

select * from finish();
rollback;
