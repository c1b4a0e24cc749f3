-- Alert planning, part 1: each rule's occurrence arithmetic, one function per rule. Given a subject's facts, the
-- rule's timing and the moment planned for (`at`), each says which occurrence is due at `at` (if any) and when
-- the next one falls. They read no table and no clock, so that pgTAP can test them with any moment
-- (Tests/sql/305_alert_occurrences.sql). Whether a rule applies to a subject at all (the rule is on, the
-- commitment is live, the meeting is scheduled ...) is decided by the planning steps (302–309), not here.
--
-- Times: deadlines are the end of due_on in the track's time zone; lead times and delays are counted on the
-- track's wall clock (a "7 days" lead before a deadline just after a change of clocks is 7 days and an hour);
-- overdue repeats are counted in elapsed time from the deadline, so that their count does not depend on
-- daylight-saving changes in between.
--
-- The functions are SQL functions returning one row (a table of one row, so that PostgreSQL inlines them into the
-- planning statements: they cost what the same expressions written out would). A moment used more than once is
-- worked out once, in a subquery with OFFSET 0 (without it PostgreSQL copies the expression into every use: the
-- time-zone arithmetic of a million commitments done four times over).
set local role parley_owner;

-- A moment as text for dedup keys: UTC, second precision, whatever the session's TimeZone or DateStyle.
create or replace function parley_data.utc_text(moment timestamptz) returns text
    language sql stable parallel safe
    return to_char(moment at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
comment on function parley_data.utc_text(timestamptz) is 'A moment written in UTC (2025-05-25T21:00:00Z), as alert keys spell it.';

-- The end of due_on on the track's clock: midnight after it, in the track's time zone.
create or replace function parley_data.deadline_at(due_on date, time_zone text) returns timestamptz
    language sql immutable parallel safe
    return (due_on + 1)::timestamp at time zone time_zone;
comment on function parley_data.deadline_at(date, text) is
    'The moment a commitment due on due_on is due: the end of that day in the track''s time zone (2025-05-25, Europe/Istanbul: 2025-05-25 21:00 UTC).';

-- Reminders before an event (due_soon before a deadline, meeting_upcoming before a meeting): one per lead time,
-- at the event's wall-clock time minus the lead. Only the latest lead already reached is due (after a pause in
-- planning, one reminder, not a burst), and only while the event is ahead.
--
-- Short notice: a lead's moment is never before the subject was recorded. A meeting recorded for tomorrow, a
-- deadline recorded three days ahead, would otherwise be announced late (the 1-day reminder) or never; instead the
-- latest lead already passed when it was recorded is due at once, at the moment it was recorded. That is one
-- catch-up per kind (leads passed before the recording share that moment, and only the latest counts), sent once
-- (it is that lead's occurrence, with its dedup key), and the mail says the real time left. A deadline or meeting
-- moved closer needs nothing more: its lead's moment has passed since the subject was recorded, so it is due now.
create or replace function parley_data.lead_time_occurrence(
    event_at timestamptz, event_local timestamp, time_zone text, lead_times interval[], recorded_at timestamptz,
    at timestamptz)
    returns table (lead interval, due_at timestamptz, next_at timestamptz)
    language sql immutable parallel safe
begin atomic
    select min(x.lead) filter (where x.moment <= lead_time_occurrence.at),
           max(x.moment) filter (where x.moment <= lead_time_occurrence.at),
           min(x.moment) filter (where x.moment > lead_time_occurrence.at and x.moment < event_at)
      -- Each lead time's moment, worked out once (OFFSET 0 keeps PostgreSQL from copying the expression into every
      -- use), only while the event is ahead.
      from (select l as lead, greatest((event_local - l) at time zone time_zone, recorded_at) as moment
              from unnest(lead_times) l
             where lead_time_occurrence.at < event_at
            offset 0) x;
end;
comment on function parley_data.lead_time_occurrence(timestamptz, timestamp, text, interval[], timestamptz, timestamptz) is
    'Reminders before an event at event_at (event_local on the wall clock of time_zone, where lead times are counted), one per lead time, each at the event''s wall-clock time minus the lead but never before the subject was recorded (recorded_at): lead is the latest lead time due at `at` while the event is still ahead (empty if none) and due_at its moment; next_at is when the next falls. A subject recorded at short notice thus gets one reminder at once, when it was recorded.';

create or replace function parley_data.due_soon_occurrence(
    due_on date, time_zone text, lead_times interval[], recorded_at timestamptz, at timestamptz)
    returns table (lead interval, due_at timestamptz, next_at timestamptz)
    language sql immutable parallel safe
begin atomic
    select o.lead, o.due_at, o.next_at
      from parley_data.lead_time_occurrence(parley_data.deadline_at(due_on, time_zone), (due_on + 1)::timestamp,
                                            time_zone, lead_times, recorded_at, due_soon_occurrence.at) o;
end;
comment on function parley_data.due_soon_occurrence(date, text, interval[], timestamptz, timestamptz) is
    'due_soon: which reminder before the end of due_on (track time) is due at `at` (lead, due_at), and when the next falls (next_at). See lead_time_occurrence.';

create or replace function parley_data.meeting_upcoming_occurrence(
    starts_at timestamptz, time_zone text, lead_times interval[], recorded_at timestamptz, at timestamptz)
    returns table (lead interval, due_at timestamptz, next_at timestamptz)
    language sql immutable parallel safe
begin atomic
    select o.lead, o.due_at, o.next_at
      from parley_data.lead_time_occurrence(starts_at, starts_at at time zone time_zone, time_zone, lead_times,
                                            recorded_at, meeting_upcoming_occurrence.at) o;
end;
comment on function parley_data.meeting_upcoming_occurrence(timestamptz, text, interval[], timestamptz, timestamptz) is
    'meeting_upcoming: which reminder before the meeting''s start (lead times on the track''s clock) is due at `at` (lead, due_at), and when the next falls (next_at). See lead_time_occurrence.';

-- Overdue: at the deadline, then every repeat_every after it. repeat_number n is the latest repeat reached at `at`
-- (0 at the deadline itself); only that one is due, so that a plan after a pause sends one alert, not a burst.
create or replace function parley_data.overdue_occurrence(
    deadline_at timestamptz, repeat_every interval, escalate_after interval, at timestamptz)
    returns table (repeat_number bigint, due_at timestamptz, escalated boolean, next_at timestamptz)
    language sql immutable parallel safe
begin atomic
    select n.repeat_number,
           deadline_at + make_interval(secs => n.repeat_number * coalesce(date_part('epoch', repeat_every), 0)),
           coalesce(n.repeat_number * coalesce(date_part('epoch', repeat_every), 0)
                    >= date_part('epoch', escalate_after), false),
           case when overdue_occurrence.at < deadline_at then deadline_at
                when repeat_every is not null
                     then deadline_at + make_interval(secs => (n.repeat_number + 1) * date_part('epoch', repeat_every))
           end
      from (select case when overdue_occurrence.at >= deadline_at
                        then coalesce(floor(date_part('epoch', overdue_occurrence.at - deadline_at)
                                            / date_part('epoch', repeat_every))::bigint, 0)
                   end as repeat_number offset 0) n;
end;
comment on function parley_data.overdue_occurrence(timestamptz, interval, interval, timestamptz) is
    'overdue: the repeat due at `at` (repeat_number 0 at the deadline, n after n × repeat_every, counted in elapsed time; empty before the deadline), when it was due, whether it is escalated (escalate_after or more after the deadline), and when the next falls (the deadline itself before it; empty when repeats are off).';

-- Stale: delay after the end of the day of the last activity, on the track's clock. Once the commitment is
-- overdue (overdue_from: its deadline, when the overdue rule chases it), the overdue alerts say all a stale alert
-- would and more: stale is then neither due nor next, so that one subject appears once in a digest.
create or replace function parley_data.stale_occurrence(
    quiet_since date, time_zone text, delay interval, overdue_from timestamptz, at timestamptz)
    returns table (due_at timestamptz, next_at timestamptz)
    language sql immutable parallel safe
begin atomic
    select case when s.moment <= stale_occurrence.at and stale_occurrence.at < coalesce(overdue_from, 'infinity')
                then s.moment end,
           case when s.moment > stale_occurrence.at and s.moment < coalesce(overdue_from, 'infinity') then s.moment end
      from (select ((quiet_since + 1)::timestamp + delay) at time zone time_zone as moment offset 0) s;
end;
comment on function parley_data.stale_occurrence(date, text, interval, timestamptz, timestamptz) is
    'stale: a commitment quiet since quiet_since is stale delay after the end of that day (track time): due_at once that moment is reached at `at`, else next_at; neither from overdue_from on (the deadline, when overdue alerts take over).';

-- Meeting outcome missing: delay after the meeting ended (or started, without an end), on the track's clock.
create or replace function parley_data.meeting_outcome_missing_occurrence(
    ends_at timestamptz, time_zone text, delay interval, at timestamptz)
    returns table (due_at timestamptz, next_at timestamptz)
    language sql immutable parallel safe
begin atomic
    select case when m.moment <= meeting_outcome_missing_occurrence.at then m.moment end,
           case when m.moment > meeting_outcome_missing_occurrence.at then m.moment end
      from (select ((ends_at at time zone time_zone) + delay) at time zone time_zone as moment offset 0) m;
end;
comment on function parley_data.meeting_outcome_missing_occurrence(timestamptz, text, interval, timestamptz) is
    'meeting_outcome_missing: delay after the meeting ended (track time): due_at once reached at `at`, else next_at.';

-- A follow-up is due at its own due time.
create or replace function parley_data.follow_up_due_occurrence(due_at timestamptz, at timestamptz)
    returns table (due_at timestamptz, next_at timestamptz)
    language sql immutable parallel safe
begin atomic
    select case when follow_up_due_occurrence.due_at <= follow_up_due_occurrence.at then follow_up_due_occurrence.due_at end,
           case when follow_up_due_occurrence.due_at > follow_up_due_occurrence.at then follow_up_due_occurrence.due_at end;
end;
comment on function parley_data.follow_up_due_occurrence(timestamptz, timestamptz) is
    'follow_up_due: due at the follow-up''s due time: due_at once reached at `at`, else next_at.';
