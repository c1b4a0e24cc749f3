-- Staff views about commitments: open_commitments, overdue_commitments, due_soon, compliance, follow_ups and
-- stale (with its threshold setting).
set local role parley_owner;

create or replace function parley_data.stale_after_days() returns integer
    language sql stable
    return coalesce(
        nullif(btrim(current_setting('parley.stale_after_days', true)), '')::integer,
        (select s.value::integer from parley_data.settings s where s.key = 'stale_after_days'),
        30);
comment on function parley_data.stale_after_days() is
    'The stale threshold in days: the session''s parley.stale_after_days if set, else the stored setting, else 30.';

create or replace function parley.set_stale_after_days(days integer) returns integer
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if days is null then
        raise exception 'days is required'
            using errcode = 'not_null_violation', column = 'days', constraint = 'stale_after_days_present',
                  hint = 'Give the number of quiet days after which something counts as stale, e.g. 30.';
    end if;
    if days < 1 or days > 3650 then
        raise exception 'days % is outside 1..3650', days
            using errcode = 'check_violation', column = 'days', constraint = 'stale_after_days_range',
                  hint = 'Give a number of days between 1 and 3650.';
    end if;
    update parley_data.settings
       set value = days::text, updated_at = now(), updated_by = session_user
     where key = 'stale_after_days';
    return days;
end
$$;
comment on function parley.set_stale_after_days(integer) is
    'Sets (administrators only, parley_admin), for everybody, after how many days without activity parley.stale lists an open commitment or a live agenda item (default 30). To look with another threshold in your own session only: set parley.stale_after_days = 14.';

-- One commitment as the staff views show it ---------------------------------------------------------------------

-- Every commitment with what the views show of it: its track, item, parties, owner, meeting, deal and agreement by
-- code or name, and its deadline and progress worked out. No ORDER BY, so that a view selecting from it is merged
-- into the query on that view: a column a query does not use is not worked out (the beneficiaries lists, and the
-- meeting, deal and agreement: subqueries rather than joins, because PostgreSQL does not drop an unused LEFT JOIN
-- to a table partitioned by level, and a page's subqueries run after its LIMIT), and the conditions of each view
-- (written on status, frozen_on and due_on, as the partial indexes on live commitments are) reach those indexes.
create or replace view parley_data.commitment_rows with (security_invoker = true) as
select c.id,
       c.code,
       c.track_id,
       t.code                                   as track,
       t.timezone,
       i.code                                   as item,
       ob.name                                  as obligor,
       ob.code                                  as obligor_code,
       (select string_agg(p.name, ', ' order by p.name)
          from parley_data.commitment_beneficiaries b
          join parley_data.parties p on p.id = b.party_id
         where b.commitment_id = c.id)          as beneficiaries,
       (select string_agg(p.code, ', ' order by p.code)
          from parley_data.commitment_beneficiaries b
          join parley_data.parties p on p.id = b.party_id
         where b.commitment_id = c.id)          as beneficiary_codes,
       c.text,
       c.made_on,
       c.due_on,
       ((c.due_on + 1)::timestamp at time zone t.timezone) as deadline_at,
       c.due_on - (now() at time zone t.timezone)::date as days_left,
       c.status,
       c.frozen_on,
       c.target_quantity                        as target,
       c.unit,
       c.delivered_quantity                     as delivered,
       round(100 * c.delivered_quantity / c.target_quantity, 1) as progress_pct,
       o.name                                   as owner,
       o.email                                  as owner_email,
       c.last_update_on,
       parley_data.shown_level(c.effective_classification) as classification,
       (select m.code from parley_data.meetings m where m.id = c.meeting_id) as meeting,
       (select d.code from parley_data.deals d where d.id = c.deal_id) as deal,
       (select ag.code from parley_data.agreements ag where ag.id = c.agreement_id) as agreement,
       c.article
  from parley_data.commitments c
  join parley_data.tracks t on t.id = c.track_id
  join parley_data.agenda_items i on i.id = c.item_id
  join parley_data.parties ob on ob.id = c.obligor_id
  left join parley_data.people o on o.id = c.owner_id;
comment on view parley_data.commitment_rows is
    'Every commitment as the staff views show it (open_commitments, overdue_commitments, due_soon, commitments): references by code or name, deadline and progress worked out. Unordered, so that those views are merged into the queries on them.';

-- open_commitments, overdue_commitments ---------------------------------------------------------------------------

-- The columns of open_commitments, in its order; overdue_commitments adds days_overdue.
create or replace view parley.open_commitments with (security_invoker = true) as
select r.id, r.code, r.track, r.item, r.obligor, r.beneficiaries, r.text, r.made_on, r.due_on, r.deadline_at,
       r.days_left, r.status, r.target, r.unit, r.delivered, r.progress_pct, r.owner, r.last_update_on,
       r.classification, r.meeting, r.deal
  from parley_data.commitment_rows r
 where parley_data.commitment_is_live(r.status) and r.frozen_on is null
 order by r.due_on, r.id;

comment on view parley.open_commitments is
    'Every commitment still owed: pending, in progress or partially fulfilled, soonest deadline first. Fulfilled and breached ones have their verdict (parley.compliance counts them), withdrawn and superseded ones are closed, and the provisions of an agreement that has ended are no longer owed; parley.commitments lists them all.';
select parley_data.comment_columns('parley.open_commitments', array[
    ['id', 'The commitment''s number (unique across levels), as the change history''s row_id and commitments_as_of give it.'],
    ['code', 'The commitment''s code (C followed by its id unless one was given), as the recording functions take it. Codes are unique per classification level: when two rows show one code, classification tells them apart, and a reference names one as code@level.'],
    ['track', 'The code of the track it was made on.'],
    ['item', 'The code of the agenda item it concerns.'],
    ['obligor', 'The name of the party that promised.'],
    ['beneficiaries', 'The names of the parties it was promised to, alphabetically, comma-separated.'],
    ['text', 'What was promised, in the words recorded.'],
    ['made_on', 'The date it was made.'],
    ['due_on', 'The deadline: the end of this day in the track''s time zone; empty when it has none (listed last).'],
    ['deadline_at', 'The exact moment the deadline passes: midnight after due_on in the track''s time zone, shown in your session''s time zone; empty without a deadline.'],
    ['days_left', 'Days from today to due_on, today being the date in the track''s time zone: 0 means due today, negative means overdue by that many days; empty without a deadline.'],
    ['status', 'pending, in_progress or partially_fulfilled: the statuses still owed and chased.'],
    ['target', 'How much was promised (e.g. 1000), in unit; empty when no quantity was promised.'],
    ['unit', 'The unit of target and delivered (e.g. prisoners); empty when none was given.'],
    ['delivered', 'How much has been reported delivered so far: the sum of the quantities of all its updates (0 before any), in unit.'],
    ['progress_pct', 'delivered as a percentage of target, to one decimal (more than 100 when more was delivered than promised); empty when no target was set.'],
    ['owner', 'The name of the member of staff who follows this commitment up (and receives its alerts); empty when nobody does.'],
    ['last_update_on', 'The latest reported_on of its updates (parley.commitment_updates); empty when none was recorded.'],
    ['classification', 'The level it is kept and shown at: the highest of its own classification, its track''s and its meeting''s (unclassified, restricted, confidential, secret). You see only commitments at or below your clearance (whoami).'],
    ['meeting', 'The code of the meeting at which it was made; empty when it came from no particular meeting.'],
    ['deal', 'The code of the reciprocal deal it belongs to (one commitment per side of an exchange); empty when it is part of none.']]);

-- Selected from commitment_rows rather than from open_commitments: a view with ORDER BY is not merged into a query
-- on it, and the beneficiaries list would then be built for every overdue commitment before sorting, instead of for
-- the rows a LIMIT keeps.
create or replace view parley.overdue_commitments with (security_invoker = true) as
select r.id, r.code, r.track, r.item, r.obligor, r.beneficiaries, r.text, r.made_on, r.due_on, r.deadline_at,
       r.days_left, r.status, r.target, r.unit, r.delivered, r.progress_pct, r.owner, r.last_update_on,
       r.classification, r.meeting, r.deal,
       (now() at time zone r.timezone)::date - r.due_on as days_overdue
  from parley_data.commitment_rows r
 where parley_data.commitment_is_live(r.status) and r.frozen_on is null
   -- Overdue means the track-local date is past due_on. That date is at most UTC today + 1, so this cheaper test
   -- (it can use the index on live commitments by due_on) never drops a row the exact test below keeps.
   and r.due_on < (now() at time zone 'UTC')::date + 1
   and r.due_on < (now() at time zone r.timezone)::date
 -- Earliest deadline first: the most overdue first, in an order the index on live commitments by due_on keeps,
 -- so that `limit 50` reads 50 rows. (Across time zones two deadlines on neighbouring dates may swap.)
 order by r.due_on, r.id;

comment on view parley.overdue_commitments is
    'Open commitments (still owed: not fulfilled, breached, withdrawn or superseded) whose deadline has passed (end of due_on in the track''s time zone), most overdue first.';
-- What overdue_commitments shows as open_commitments does has its comment from there.
select parley_data.comment_columns_as('parley.open_commitments', 'parley.overdue_commitments',
    'id', 'code', 'track', 'item', 'obligor', 'beneficiaries', 'text', 'made_on', 'status', 'target', 'unit',
    'delivered', 'progress_pct', 'owner', 'last_update_on', 'classification', 'meeting', 'deal');
select parley_data.comment_columns('parley.overdue_commitments', array[
    ['due_on', 'The deadline that passed: the end of this day in the track''s time zone.'],
    ['deadline_at', 'The exact moment the deadline passed: midnight after due_on in the track''s time zone, shown in your session''s time zone.'],
    ['days_left', 'Days from today to due_on in the track''s time zone: always negative here (minus days_overdue).'],
    ['days_overdue', 'Days from due_on to today, today being the date in the track''s time zone (1 = the deadline passed at the end of yesterday).']]);

-- due_soon ------------------------------------------------------------------------------------------------------

create or replace view parley.due_soon with (security_invoker = true) as
select d.kind, d.code, d.track,
       -- For a follow-up about a commitment, that commitment's item: looked up for the rows returned only.
       coalesce(d.item, (select i.code
                           from parley_data.commitments fc
                           join parley_data.agenda_items i on i.id = fc.item_id
                          where fc.id = d.commitment_id and fc.effective_classification = d.level)) as item,
       d.what, d.party, d.owner, d.due_on, d.due_at, d.days_left, d.status
  -- Day by day, soonest first: each day's commitments (from the index on live commitments by deadline) and
  -- follow-ups (from the index on open follow-ups by due time) are worked out and sorted on their own, so that a
  -- page reads its first days only; `where track = …` reaches into each day's part (a condition on a column of a
  -- subquery is pushed into it). The ORDER BY inside keeps the day's part a subquery of its own: as one union over
  -- the two weeks, every commitment and follow-up due was read and sorted for a page (0.3 s at a million
  -- commitments). A follow-up is on the track it keeps of its subject (000010). The days run from UTC yesterday to
  -- UTC today + 15, which holds every track's and assignee's today to today + 14.
  from (select g.day::date as day
          from generate_series((now() at time zone 'UTC')::date - 1, (now() at time zone 'UTC')::date + 15,
                               interval '1 day') g(day)
         order by 1) days
 cross join lateral (
        select 'commitment'::text as kind, r.code, r.track, r.item, r.text as what, r.obligor as party, r.owner,
               r.due_on, r.deadline_at as due_at, r.days_left, r.status::text as status,
               null::bigint as commitment_id, null::parley.classification as level
          from parley_data.commitment_rows r
         where parley_data.commitment_is_live(r.status) and r.frozen_on is null
           and r.due_on = days.day
           and r.days_left between 0 and 14
        union all
        select 'follow-up', coalesce(f.code, 'F' || f.id), t.code, null, f.note, null, a.name,
               (f.due_at at time zone a.timezone)::date, f.due_at,
               (f.due_at at time zone a.timezone)::date - (now() at time zone a.timezone)::date, 'open',
               f.commitment_id, f.effective_classification
          from parley_data.follow_ups f
          join parley_data.people a on a.id = f.assignee_id
          join parley_data.tracks t on t.id = f.subject_track_id
         where f.done_at is null and f.due_at >= now() and f.due_at < now() + interval '14 days'
           -- Due on this day on the assignee's clock (UTC−12 to UTC+14): within a day either side in UTC first,
           -- which the index serves.
           and f.due_at >= (days.day - 1)::timestamp at time zone 'UTC'
           and f.due_at < (days.day + 2)::timestamp at time zone 'UTC'
           and (f.due_at at time zone a.timezone)::date = days.day
        order by 9, 1, 2
       ) d
 -- By the day it falls due (each row's due_on is its day), then the exact moment. (Across time zones a deadline
 -- may thus come before one of the next day that passes a few hours sooner.)
 order by days.day, d.due_at, d.kind, d.code;

comment on view parley.due_soon is
    'Open commitments whose deadline falls in the next 14 days, and open follow-ups due in the next 14 days, soonest first (by day, then by the moment). Overdue ones are in overdue_commitments and follow_ups.';
select parley_data.comment_columns('parley.due_soon', array[
    ['kind', 'commitment or follow-up.'],
    ['code', 'The commitment''s code, or the follow-up''s code (F<number> for a follow-up recorded without one, as the recording functions name it).'],
    ['track', 'The code of the commitment''s track; for a follow-up, of its track or of the track of the commitment or meeting it is about.'],
    ['item', 'The code of the commitment''s agenda item (for a follow-up about a commitment, that commitment''s item); empty for other follow-ups.'],
    ['what', 'The commitment''s text or the follow-up''s note.'],
    ['party', 'For a commitment, the name of the party that owes it; empty for a follow-up.'],
    ['owner', 'The name of the member of staff responsible: the commitment''s owner (empty when it has none) or the follow-up''s assignee.'],
    ['due_on', 'The due date: for a commitment its deadline (the end of this day in the track''s time zone), for a follow-up the date of its due time in the assignee''s time zone.'],
    ['due_at', 'The exact moment it falls due (a commitment: midnight after due_on, track time), shown in your session''s time zone.'],
    ['days_left', 'Days from today to due_on, both dates in the track''s time zone for a commitment and in the assignee''s for a follow-up: 0 = due today, at most 14.'],
    ['status', 'For a commitment its status (pending, in_progress or partially_fulfilled); for a follow-up, open.']]);

-- compliance ----------------------------------------------------------------------------------------------------

-- Commitments whose deadline has passed (by the track's clock) without their being fulfilled, withdrawn or
-- superseded, counted per obligor and track: what today's date adds to parley.compliance's deadlines passed. Read
-- through the partial indexes on live and on breached commitments by deadline (the local date is at most UTC
-- today + 1, the cheaper test the indexes serve); run as the reader (security_invoker), so row-level security
-- leaves out what they may not see.
create or replace view parley_data.late_commitments with (security_invoker = true) as
select c.obligor_id, c.track_id, tz.code as track, count(*) as n
  from parley_data.commitments c
  join parley_data.tracks tz on tz.id = c.track_id
 where parley_data.commitment_is_live(c.status)
   and c.due_on < (now() at time zone 'UTC')::date + 1
   and c.due_on < (now() at time zone tz.timezone)::date
 group by c.obligor_id, c.track_id, tz.code
union all
select c.obligor_id, c.track_id, tz.code, count(*)
  from parley_data.commitments c
  join parley_data.tracks tz on tz.id = c.track_id
 where c.status = 'breached'
   and c.due_on < (now() at time zone 'UTC')::date + 1
   and c.due_on < (now() at time zone tz.timezone)::date
 group by c.obligor_id, c.track_id, tz.code;
comment on view parley_data.late_commitments is
    'Per obligor and track: commitments live or breached whose deadline has passed on the track''s clock (for parley.compliance).';

create or replace view parley.compliance with (security_invoker = true) as
select p.name                                   as party,
       a.track,
       a.made,
       a.fulfilled,
       a.partially_fulfilled,
       a.breached,
       a.open,
       a.withdrawn,
       a.superseded,
       a.fulfilled + a.partially_fulfilled + a.breached as assessed,
       round((a.fulfilled - a.breached)::numeric
             / nullif(a.fulfilled + a.partially_fulfilled + a.breached, 0), 2) as score,
       round(100 * ((a.fulfilled - a.breached)::numeric
                    / nullif(a.fulfilled + a.partially_fulfilled + a.breached, 0) + 1) / 2, 1) as score_pct,
       round(100 * a.on_time::numeric / nullif(a.with_deadline, 0), 1) as on_time_pct,
       a.lapsed
  -- The counts come from the tallies (000008), per obligor, track, item and level: the levels the reader may not see
  -- are never read. What depends on today's date — a deadline passed on a commitment neither fulfilled nor closed
  -- (live or breached) — is counted from the indexes on live and breached commitments by deadline (`late`).
  -- The overall rows and the per-track rows are two aggregates, not one GROUPING SETS: grouped by the track's
  -- code, the per-track part takes `where track = '…'` inside (a condition on a grouping column is pushed down,
  -- and the overall part, whose track is null, drops out), so one track's compliance reads that track's rows
  -- only. The two lists of counts are the same and must stay so.
  from (select x.obligor_id,
               null::text                                                  as track,
               sum(x.made)                                                 as made,
               sum(x.fulfilled)                                            as fulfilled,
               sum(x.partially_fulfilled)                                  as partially_fulfilled,
               sum(x.breached)                                             as breached,
               sum(x.pending + x.in_progress - x.lapsed)                   as open,
               sum(x.lapsed)                                               as lapsed,
               sum(x.withdrawn)                                            as withdrawn,
               sum(x.superseded)                                           as superseded,
               sum(x.fulfilled_on_time)                                    as on_time,
               sum(x.fulfilled_with_deadline) + coalesce(max(late.n), 0)   as with_deadline
          from parley_data.commitment_tallies x
          left join (select l.obligor_id, sum(l.n) as n
                       from parley_data.late_commitments l
                      group by l.obligor_id) late on late.obligor_id = x.obligor_id
         group by x.obligor_id
        union all
        select x.obligor_id,
               tz.code,
               sum(x.made),
               sum(x.fulfilled),
               sum(x.partially_fulfilled),
               sum(x.breached),
               sum(x.pending + x.in_progress - x.lapsed),
               sum(x.lapsed),
               sum(x.withdrawn),
               sum(x.superseded),
               sum(x.fulfilled_on_time),
               sum(x.fulfilled_with_deadline) + coalesce(max(late.n), 0)
          from parley_data.commitment_tallies x
          join parley_data.tracks tz on tz.id = x.track_id
          left join (select l.obligor_id, l.track_id, l.track, sum(l.n) as n
                       from parley_data.late_commitments l
                      group by l.obligor_id, l.track_id, l.track) late
            on late.obligor_id = x.obligor_id and late.track_id = tz.id and late.track = tz.code
         group by x.obligor_id, tz.code) a
  join parley_data.parties p on p.id = a.obligor_id
 order by p.name, a.track nulls first;

comment on view parley.compliance is
    'How well each party keeps its commitments, over all tracks (track empty) and per track. Score on the G7/G20 Research Group scale: fulfilled +1, partially fulfilled 0, breached −1, averaged over the assessed commitments; score_pct maps −1..+1 to 0..100 %. Only commitments you are cleared to see are counted.';
select parley_data.comment_columns('parley.compliance', array[
    ['party', 'The name of the party that made the commitments (the obligor).'],
    ['track', 'The track''s code; empty on the party''s overall row, which counts every track.'],
    ['made', 'All commitments the party made (= fulfilled + partially_fulfilled + breached + open + withdrawn + superseded + lapsed). Counts only those you are cleared to see.'],
    ['fulfilled', 'Commitments fulfilled.'],
    ['partially_fulfilled', 'Commitments partially fulfilled (still chased, and assessed as 0 in score).'],
    ['breached', 'Commitments recorded as breached.'],
    ['open', 'Commitments still pending or in progress and still owed (not a provision of an agreement that has ended); partially fulfilled ones, though still owed, count under partially_fulfilled.'],
    ['withdrawn', 'Commitments withdrawn: not assessed.'],
    ['superseded', 'Commitments superseded by another: not assessed.'],
    ['assessed', 'Commitments with a verdict: fulfilled + partially_fulfilled + breached.'],
    ['score', 'Average of +1 (fulfilled), 0 (partially) and −1 (breached) over the assessed commitments, to two decimals, from −1 to +1; empty when none is assessed.'],
    ['score_pct', 'The score as a percentage, to one decimal: (score + 1) / 2 × 100, so −1 is 0 %, 0 is 50 %, +1 is 100 %; empty when none is assessed.'],
    ['on_time_pct', 'Of the commitments with a deadline that were fulfilled or whose deadline has passed (end of due_on, track time; withdrawn and superseded ones aside), the percentage fulfilled by their deadline (the date their fulfilment was recorded for is on or before due_on), to one decimal; empty when there are none.'],
    ['lapsed', 'Commitments that were pending or in progress when the agreement they are provisions of ended: no longer owed, kept as they stood (neither kept nor breached). A provision partly fulfilled or breached by then counts as such.']]);

-- follow_ups ----------------------------------------------------------------------------------------------------

create or replace view parley.follow_ups with (security_invoker = true) as
select f.id,
       f.code,
       case when f.commitment_id is not null
                 then 'commitment ' || (select fc.code from parley_data.commitments fc where fc.id = f.commitment_id)
            when f.meeting_id is not null
                 then 'meeting ' || (select fm.code from parley_data.meetings fm where fm.id = f.meeting_id)
            else 'track ' || t.code end         as about,
       t.code                                   as track,
       f.note,
       a.name                                   as assignee,
       a.email                                  as assignee_email,
       f.due_at,
       (f.due_at at time zone a.timezone)       as due_local,
       f.due_at < now()                         as overdue,
       (f.due_at at time zone a.timezone)::date - (now() at time zone a.timezone)::date as days_left,
       f.created_at
  -- The track is the one each follow-up keeps of its subject (subject_track_id, 000010), so that a page is read
  -- from the index on open follow-ups in this order (due time, then number) and `where track = …` from the index
  -- on open follow-ups by that track; the subject's code is looked up for the rows returned only. (What a
  -- follow-up is about is at its level, and its track at that level or below: both are there for whoever sees it.)
  from parley_data.follow_ups f
  left join parley_data.tracks t on t.id = f.subject_track_id
  join parley_data.people a on a.id = f.assignee_id
 where f.done_at is null
 order by f.due_at, f.id;

comment on view parley.follow_ups is 'Follow-ups staff still owe (not done), soonest first, overdue ones flagged.';
select parley_data.comment_columns('parley.follow_ups', array[
    ['id', 'The follow-up''s number; one recorded without a code is named F<number> by the recording functions.'],
    ['code', 'The follow-up''s code, unique per classification level; empty when it was recorded without one (then F<number>, from id).'],
    ['about', 'What the follow-up is about: "commitment <code>", "meeting <code>" or "track <code>". It is as classified as that record.'],
    ['track', 'The code of its track, or of the track of the commitment or meeting it is about.'],
    ['note', 'What is to be done, as recorded.'],
    ['assignee', 'The name of the member of staff who owes it (and receives its follow_up_due alert).'],
    ['assignee_email', 'The assignee''s e-mail (filter with it).'],
    ['due_at', 'When it is due, shown in your session''s time zone.'],
    ['due_local', 'The due time on the assignee''s own clock (a wall-clock time in their time zone, without offset).'],
    ['overdue', 'True when the due time has passed.'],
    ['days_left', 'Days from today to the due date, both dates in the assignee''s time zone: 0 = due today, negative when overdue by that many days.'],
    ['created_at', 'When it was recorded, shown in your session''s time zone.']]);

-- stale ---------------------------------------------------------------------------------------------------------

-- The clearance whose stored rows of agenda entries the querying role reads: parley_data.activity_clearance()
-- (085_agenda_activity).

create or replace view parley.stale with (security_invoker = true) as
select s.kind,
       t.code                                   as track,
       i.code                                   as item,
       coalesce(s.ref, i.code)                  as ref,
       coalesce(s.what, i.title)                as what,
       coalesce(s.status, ta.status::text)      as status,
       o.name                                   as owner,
       s.last_activity_on,
       (now() at time zone t.timezone)::date - s.last_activity_on as days_quiet,
       th.days                                  as threshold_days
  -- Three parts, each of one table only, so that PostgreSQL merges them in date order (a Merge
  -- Append) from two indexes: live commitments by their last activity, and agenda entries by their stored last
  -- activity (000013). The joins and the rest of each part's conditions come after the merge, and a page (`limit
  -- 50`) reads about fifty entries of each index. (A part with a join of its own, or a condition of its own, is
  -- planned apart and returns its rows unordered: every stale commitment was then worked out and sorted for a page,
  -- 1.2–1.8 s at a million commitments, 184,000 of them stale.) So each part says what the conditions below test:
  -- `listed` (a commitment still owed, not a provision of an agreement that has ended), its level, the clearance it
  -- is read at (an agenda entry's last activity is kept once per clearance, and a reader reads the rows of their
  -- own), and whether it is a stored row. Conditions on the level columns are on the partition keys of both tables:
  -- the partitions above the reader's clearance are left unread when the query starts, as row-level security's own
  -- condition leaves them (900_security).
  -- The third part is the agenda entries queued since their stored rows were last worked out
  -- (agenda_activity_queue: writers queue the entries they touch, the leader daemon works them out again at each
  -- plan), worked out from the records as the reader sees them, as this view did for every entry before 000013; their
  -- stored rows are left out below. They are few (what was written since the last plan): worked out and sorted, then
  -- merged with the other two; for one track, read by track like the other two.
  from (select 'commitment'::text                                        as kind,
               c.track_id,
               c.item_id,
               null::parley.classification                                as entry_level,
               c.code                                                     as ref,
               c.text                                                     as what,
               c.status::text                                             as status,
               c.owner_id,
               -- A commitment's activity: made, updated, or its status changed. A pending commitment's
               -- status_changed_on is the day it was recorded (or reopened) rather than anything the parties did, so
               -- it counts only for other statuses (track_overview and agenda count activity the same way).
               greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end)
                                                                          as last_activity_on,
               parley_data.commitment_is_live(c.status) and c.frozen_on is null as listed,
               c.effective_classification                                 as level,
               (select parley_data.activity_clearance())                  as read_at,
               false                                                      as stored,
               null::bigint                                               as queue_id
          from parley_data.commitments c
        union all
        -- Each entry's last activity as a reader of the querying role's clearance sees it, kept per clearance
        -- (085_agenda_activity): the latest of its status date, the activity of its commitments there, and the
        -- positions stated on it there or generally by the track's members, at that clearance or below.
        select 'agenda item', a.track_id, a.item_id, a.entry_classification, null, null, null, null,
               a.last_activity_on, true, a.clearance, a.clearance, true, null
          from parley_data.agenda_activity a
        union all
        -- The queued entries, worked out from the records as the reader may see them (row-level security on every
        -- table read; an entry the reader may not see has no level here, and the conditions below leave it out). One
        -- table too, so that a query for one track reads the queue, as the other two parts, by track.
        select 'agenda item', q.track_id, q.item_id,
               (select ta.effective_classification from parley_data.track_agenda ta
                 where ta.track_id = q.track_id and ta.item_id = q.item_id),
               null, null, null, null,
               greatest((select ta.status_since from parley_data.track_agenda ta
                          where ta.track_id = q.track_id and ta.item_id = q.item_id),
                        (select max(x.last_activity_on)
                           from parley_data.commitment_tallies x
                          where x.track_id = q.track_id and x.item_id = q.item_id),
                        (select max(p.stated_on)
                           from parley_data.positions p
                          where p.track_id = q.track_id and p.item_id = q.item_id),
                        (select max(p.stated_on)
                           from parley_data.track_members tm
                           join parley_data.positions p
                             on p.party_id = tm.party_id and p.item_id = q.item_id and p.track_id is null
                          where tm.track_id = q.track_id)),
               -- Its level: the queue row's (the record written, never below the entry's), the queue's partition key,
               -- so that the partitions above the reader's clearance are left unread as for the other two parts.
               true, q.classification, (select parley_data.activity_clearance()), false, q.id
          from parley_data.agenda_activity_queue q) s
  join parley_data.tracks t on t.id = s.track_id
  join parley_data.agenda_items i on i.id = s.item_id
  -- An agenda entry's status (a commitment has no entry_level: nothing to join).
  left join parley_data.track_agenda ta
    on ta.track_id = s.track_id and ta.item_id = s.item_id and ta.effective_classification = s.entry_level
  -- Who should act: the commitment's owner, or the track's lead for an agenda entry.
  left join parley_data.people o on o.id = case when s.kind = 'commitment' then s.owner_id else t.lead_id end
 -- The threshold as a scalar subquery: worked out once per query. (Called bare, the function is run for every row
 -- it filters: a sub-select on the settings per commitment.)
 cross join (select (select parley_data.stale_after_days()) as days) th
 where s.listed
   and s.level <= (select parley_data.activity_clearance())
   and s.read_at = (select parley_data.activity_clearance())
   -- The track-local date is at most UTC today + 1: a cheaper test first, on the date alone.
   and s.last_activity_on < (now() at time zone 'UTC')::date + 1 - (select parley_data.stale_after_days())
   and s.last_activity_on < (now() at time zone t.timezone)::date - th.days
   -- Agenda entries of active tracks only, and only while the item is live there.
   and (s.kind = 'commitment' or (t.status = 'active' and ta.status not in ('implemented', 'rejected', 'withdrawn')))
   -- A queued entry's stored rows may be out of date: the third part gives it instead.
   and not (s.stored and exists (select 1 from parley_data.agenda_activity_queue q
                                  where q.track_id = s.track_id and q.item_id = s.item_id))
   -- An entry queued more than once is given once, by its first queue row.
   and not exists (select 1 from parley_data.agenda_activity_queue q
                    where q.track_id = s.track_id and q.item_id = s.item_id and q.id < s.queue_id)
 -- Quietest first, by the date of the last activity: the order of the merge, so that the rest of the order is
 -- sorted a day's rows at a time (an incremental sort). (Days quiet count on each track's clock, so across time
 -- zones two rows a day apart may show the same days_quiet.)
 order by s.last_activity_on, t.code, coalesce(s.ref, i.code);

comment on view parley.stale is
    'Open commitments and live agenda items (on active tracks) where nothing has happened for longer than the stale threshold (default 30 days; parley.set_stale_after_days changes it for everybody, `set parley.stale_after_days = 14` for your session). Quietest first (the earliest last activity).';
select parley_data.comment_columns('parley.stale', array[
    ['kind', 'commitment or agenda item.'],
    ['item', 'The agenda item''s code (for a commitment, the item it concerns).'],
    ['ref', 'The commitment''s code, or the agenda item''s code.'],
    ['what', 'The commitment''s text, or the agenda item''s title.'],
    ['status', 'The commitment''s status (pending, in_progress, partially_fulfilled), or the item''s status on the track (any but implemented, rejected and withdrawn).'],
    ['owner', 'The name of who should act: the commitment''s owner, or the track''s lead for an agenda item; empty when there is nobody.'],
    ['last_activity_on', 'The last date something happened: for a commitment the latest of made_on, its last update and its last status change (the day it became pending aside); for an agenda item also its status date on the track, the activity of its commitments there and the positions stated on it there or generally by the track''s members.'],
    ['days_quiet', 'Days from last_activity_on to today, today being the date in the track''s time zone; always more than threshold_days.'],
    ['threshold_days', 'The threshold in force for this query, in days: your session''s parley.stale_after_days if set, else the stored setting (parley.set_stale_after_days), else 30.']]);
select parley_data.comment_columns_as('parley.upcoming_meetings', 'parley.stale', 'track');
