-- Alert planning, part 3: collect, per subject type, what the chosen subjects deserve at the moment planned for.
-- Each collector reads its subjects with the facts the rules need, asks each rule's occurrence function (300)
-- what is due and what comes next, and writes
--   pg_temp.plan_due    the alerts due now that no earlier plan created (at most one per subject and kind), and
--   pg_temp.plan_state  each subject as it is now: when it next deserves an alert, the basis each kind that
--                       applies hangs on (the cancel step compares alerts with it), and what its alerts carry.
set local role parley_owner;

-- An alert of this subject, kind and occurrence that an earlier plan created and that still stands (not cancelled):
-- a row when there is one. The collectors below probe it for each alert due, so as not to create one twice. (Checked
-- there, not in the INSERT into alerts: an anti-join there would read the table it fills, row by row, while its
-- statistics still say it is empty.) Probed per alert due (limit 1), never joined: as `not exists`, PostgreSQL may
-- merge-anti-join every alert against one planned subject, when its estimates of the subjects run high (they do:
-- neither the partitions above unclassified nor the partitioned tables have statistics; 94 ms of a one-change plan
-- at L).
create or replace function parley_data.existing_alert(subject_type parley.alert_subject, subject_id bigint,
                                                      kind parley.alert_kind, occurrence text)
    returns table (found integer)
    language sql stable
    -- Plain SQL with no settings, so that PostgreSQL inlines it into the collector's statement (a lateral subquery).
begin atomic
    select 1 from parley_data.alerts a
     where a.subject_type = existing_alert.subject_type and a.subject_id = existing_alert.subject_id
       and a.kind = existing_alert.kind and a.occurrence = existing_alert.occurrence and a.state <> 'cancelled'
     limit 1;
end;
comment on function parley_data.existing_alert(parley.alert_subject, bigint, parley.alert_kind, text) is
    'Planning: a row when an alert of the subject, kind and occurrence exists that is not cancelled (limit 1).';

-- Commitments: due_soon, overdue, stale while the commitment is live; resolved or breached once, when a commitment
-- that was alerted as overdue is fulfilled or recorded as breached. At the deadline the overdue alerts take over:
-- reminders and stale alerts still waiting are cancelled and stale is not raised beside them, so that one
-- commitment appears once in a digest.
--
-- `many`: the plan is big (a first plan, a rebuild). Two lookups into alerts below are made for every commitment
-- planned (held overdue series; overdue alerts to settle): a million index probes into each of the alert table's
-- partitions at L, which find nothing when no alert of that sort exists yet, as in the first plan of an existing
-- database. A big plan asks once whether any exists, and skips the probes when none does; so too the probe, for
-- each alert due, that no earlier plan created it (some 200,000 probes into four partitions at L, none finding
-- anything when no commitment has an alert yet).
drop function if exists parley_data.plan_collect_commitments(timestamptz);
create or replace function parley_data.plan_collect_commitments(at timestamptz, many boolean default false)
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    due_soon_rule parley_data.alert_rules;
    overdue_rule parley_data.alert_rules;
    stale_rule parley_data.alert_rules;
    resolved_rule parley_data.alert_rules;
    breached_rule parley_data.alert_rules;
    -- Whether any overdue series is acknowledged or snoozed, and any overdue alert is live (true: look).
    any_held boolean := true;
    any_overdue boolean := true;
    -- Whether any commitment has an alert that stands (true: look for the one due before creating it).
    any_alert boolean := true;
begin
    select * into due_soon_rule from parley_data.alert_rules r where r.kind = 'due_soon';
    select * into overdue_rule from parley_data.alert_rules r where r.kind = 'overdue';
    select * into stale_rule from parley_data.alert_rules r where r.kind = 'stale';
    select * into resolved_rule from parley_data.alert_rules r where r.kind = 'resolved';
    select * into breached_rule from parley_data.alert_rules r where r.kind = 'breached';
    if plan_collect_commitments.many then
        any_held := exists (select 1 from parley_data.alerts a
                             where a.subject_type = 'commitment' and a.kind = 'overdue' and a.state <> 'cancelled'
                               and (a.acknowledged_at is not null or a.snoozed_until is not null));
        any_overdue := exists (select 1 from parley_data.alerts a
                                where a.subject_type = 'commitment' and a.kind = 'overdue' and a.state <> 'cancelled');
        any_alert := exists (select 1 from parley_data.alerts a
                              where a.subject_type = 'commitment' and a.state <> 'cancelled');
    end if;

    -- Each commitment's facts are worked out once, in the subquery's own projection (OFFSET 0 keeps PostgreSQL from
    -- copying its expressions into each use below), and flow straight into the rules' arithmetic: only `timing`,
    -- read twice, is materialised.
    with commitment as not materialized (
        select c.id, c.code, c.track_id, c.item_id, c.owner_id, t.lead_id, c.effective_classification as classification,
               c.created_at, t.timezone as time_zone, c.status, c.due_on,
               -- A provision of an agreement that ended (frozen) is no longer chased, whatever its status.
               parley_data.commitment_is_live(c.status) and c.frozen_on is null as live, c.frozen_on is not null as frozen,
               parley_data.deadline_at(c.due_on, t.timezone) as deadline_at,
               -- A reopened commitment starts a new overdue series: acknowledgements and repeat numbers of the
               -- old one do not carry over.
               c.due_on::text || coalesce(' reopened ' || parley_data.utc_text(c.reopened_at), '') as overdue_series,
               greatest(c.made_on, c.last_update_on, c.status_changed_on) as quiet_since,
               parley_data.commitment_is_live(c.status) and c.frozen_on is null and due_soon_rule.enabled
                   and c.due_on is not null
                   as due_soon_applies,
               parley_data.commitment_is_live(c.status) and c.frozen_on is null and overdue_rule.enabled
                   and c.due_on is not null
                   as overdue_applies,
               parley_data.commitment_is_live(c.status) and c.frozen_on is null and stale_rule.enabled as stale_applies,
               -- The alert that ends a chase: it settles the overdue alerts sent so far.
               case when c.status = 'fulfilled' and resolved_rule.enabled then 'resolved'
                    when c.status = 'breached' and breached_rule.enabled then 'breached'
               end::parley.alert_kind as settling_kind
          from pg_temp.plan_subjects s
          join parley_data.commitments c on c.id = s.subject_id
          join parley_data.tracks t on t.id = c.track_id
         where s.subject_type = 'commitment'
        offset 0
    ),
    timing as materialized (
        select commitment.*,
               due_soon.lead as due_soon_lead, due_soon.due_at as due_soon_due_at, due_soon.next_at as due_soon_next_at,
               overdue.repeat_number as overdue_repeat, overdue.due_at as overdue_due_at,
               overdue.escalated as overdue_escalated, overdue.next_at as overdue_next_at,
               stale.due_at as stale_due_at, stale.next_at as stale_next_at,
               -- An acknowledged overdue series stops repeating; a snoozed one waits. (Subqueries asked only where
               -- they can find something: a CASE whose condition is false costs nothing, a lateral join a row each.)
               case when any_held and commitment.overdue_applies then
                    exists (select 1 from parley_data.alerts a
                             where a.subject_type = 'commitment' and a.kind = 'overdue' and a.subject_id = commitment.id
                               and a.basis = commitment.overdue_series and a.state <> 'cancelled'
                               and a.acknowledged_at is not null)
                    else false end as overdue_acknowledged,
               case when any_held and commitment.overdue_applies then
                    (select max(a.snoozed_until) from parley_data.alerts a
                      where a.subject_type = 'commitment' and a.kind = 'overdue' and a.subject_id = commitment.id
                        and a.basis = commitment.overdue_series and a.state <> 'cancelled'
                        and a.snoozed_until is not null)
                    end as overdue_snoozed_until,
               -- A fulfilled or breached commitment with overdue alerts that no resolved or breached alert settled yet.
               case when any_overdue and commitment.settling_kind is not null then
                    (select max(a.id)
                       from parley_data.alerts a
                      where a.subject_type = 'commitment' and a.subject_id = commitment.id and a.kind = 'overdue'
                        and a.state <> 'cancelled'
                        and a.id > coalesce((select max(r.related_alert_id)
                                               from parley_data.alerts r
                                              where r.subject_type = 'commitment' and r.subject_id = commitment.id
                                                and r.kind in ('resolved', 'breached')), 0))
                    end as settles_through_alert_id
          from commitment
          -- Each rule's arithmetic, only where the rule applies: the condition gates the whole subquery (OFFSET 0
          -- keeps PostgreSQL from pulling the function's expressions up into the join, where they would be worked
          -- out for every commitment and the condition applied after).
          left join lateral (
                select o.* from parley_data.due_soon_occurrence(commitment.due_on, commitment.time_zone,
                                                                due_soon_rule.lead_times, commitment.created_at, at) o
                 where commitment.due_soon_applies offset 0
               ) due_soon on true
          left join lateral (
                select o.* from parley_data.overdue_occurrence(commitment.deadline_at, overdue_rule.repeat_every,
                                                               overdue_rule.escalate_after, at) o
                 where commitment.overdue_applies offset 0
               ) overdue on true
          left join lateral (
                select o.* from parley_data.stale_occurrence(commitment.quiet_since, commitment.time_zone,
                                                             stale_rule.delay,
                                                             case when commitment.overdue_applies
                                                                  then commitment.deadline_at end, at) o
                 where commitment.stale_applies offset 0
               ) stale on true
    ),
    due as (
        insert into pg_temp.plan_due (subject_type, subject_id, kind, subject_code, basis, occurrence, due_at,
                                      classification, track_id, item_id, commitment_id, responsible_id,
                                      escalated, escalated_to_id, related_alert_id)
        select 'commitment', timing.id, alert.kind, timing.code, alert.basis, alert.occurrence, alert.due_at,
               timing.classification, timing.track_id, timing.item_id, timing.id, timing.owner_id,
               alert.escalated, case when alert.escalated then timing.lead_id end, alert.related_alert_id
          from timing
         cross join lateral (
                select 'due_soon'::parley.alert_kind as kind, timing.due_on::text as basis,
                       timing.due_on::text || ' -' || timing.due_soon_lead::text as occurrence,
                       timing.due_soon_due_at as due_at, false as escalated, null::bigint as related_alert_id
                 where timing.due_soon_lead is not null
                union all
                -- Overdue: the latest repeat only, unless acknowledged or snoozed.
                select 'overdue', timing.overdue_series, timing.overdue_series || ' #' || timing.overdue_repeat,
                       timing.overdue_due_at, timing.overdue_escalated, null
                 where timing.overdue_repeat is not null and not timing.overdue_acknowledged
                   and (timing.overdue_snoozed_until is null or timing.overdue_snoozed_until <= at)
                union all
                select 'stale', timing.quiet_since::text, timing.quiet_since::text, timing.stale_due_at, false, null
                 where timing.stale_due_at is not null
                union all
                select timing.settling_kind, 'overdue alerts to #' || timing.settles_through_alert_id,
                       'overdue alerts to #' || timing.settles_through_alert_id, at, false,
                       timing.settles_through_alert_id
                 where timing.settles_through_alert_id is not null
               ) alert
         -- Most of what is due was created by an earlier plan (existing_alert).
         left join lateral (
                select e.found from parley_data.existing_alert('commitment', timing.id, alert.kind, alert.occurrence) e
                 where any_alert
               ) existing on true
         where existing.found is null
           -- Only the commitments with something due (a fifth of them in a first plan) go through the four
           -- branches above: the same conditions, asked once per commitment.
           and (timing.due_soon_lead is not null or timing.overdue_repeat is not null
                or timing.stale_due_at is not null or timing.settles_through_alert_id is not null)
        returning 1
    )
    insert into pg_temp.plan_state (subject_type, subject_id, subject_code, next_at, bases, state_label, classification,
                                    track_id, item_id, commitment_id, responsible_id, lead_id)
    select 'commitment', timing.id, timing.code,
           least(timing.due_soon_next_at,
                 case when timing.overdue_applies and not timing.overdue_acknowledged then
                      case when timing.overdue_snoozed_until > at then timing.overdue_snoozed_until
                           else timing.overdue_next_at end
                 end,
                 timing.stale_next_at),
           -- The basis each kind hangs on while it applies. Reminders and stale apply until the deadline passes.
           -- (None applies to a commitment no longer live: its empty object is written without building one.)
           case when not timing.live then '{}'::jsonb
                else jsonb_strip_nulls(jsonb_build_object(
                         'due_soon', case when timing.due_soon_lead is not null or timing.due_soon_next_at is not null
                                          then timing.due_on::text end,
                         'overdue', case when timing.overdue_applies then timing.overdue_series end,
                         'stale', case when timing.stale_due_at is not null or timing.stale_next_at is not null
                                       then timing.quiet_since::text end)) end,
           -- Why alerts of the kinds that no longer apply are cancelled.
           case when timing.frozen then 'agreement ended'
                when not timing.live then 'commitment ' || timing.status
                when timing.due_on is null then 'deadline removed'
                when timing.deadline_at <= at then 'commitment overdue' end,
           timing.classification, timing.track_id, timing.item_id, timing.id, timing.owner_id, timing.lead_id
      from timing;
end
$$;
comment on function parley_data.plan_collect_commitments(timestamptz, boolean) is
    'Planning: for the commitments being planned, the alerts due at `at` (due_soon, overdue, stale; resolved or breached once the chase ends) and when each next deserves one; `many` for a big plan, which first asks whether any alert it would look up exists.';

-- Meetings: meeting_upcoming (told to the track's lead: a meeting has no owner), meeting_outcome_missing.
create or replace function parley_data.plan_collect_meetings(at timestamptz) returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    upcoming_rule parley_data.alert_rules;
    outcome_missing_rule parley_data.alert_rules;
begin
    select * into upcoming_rule from parley_data.alert_rules r where r.kind = 'meeting_upcoming';
    select * into outcome_missing_rule from parley_data.alert_rules r where r.kind = 'meeting_outcome_missing';

    with meeting as not materialized (
        select m.id, m.code, m.track_id, t.lead_id, m.effective_classification as classification, m.created_at,
               t.timezone as time_zone, m.status, m.starts_at, coalesce(m.ends_at, m.starts_at) as ends_at,
               nullif(btrim(m.outcome_summary), '') is not null as has_outcome,
               parley_data.utc_text(m.starts_at) as start_basis,
               parley_data.utc_text(coalesce(m.ends_at, m.starts_at)) as end_basis,
               m.status = 'scheduled' and upcoming_rule.enabled as upcoming_applies,
               m.status = 'held' and nullif(btrim(m.outcome_summary), '') is null and outcome_missing_rule.enabled
                   as outcome_missing_applies
          from pg_temp.plan_subjects s
          join parley_data.meetings m on m.id = s.subject_id
          join parley_data.tracks t on t.id = m.track_id
         where s.subject_type = 'meeting'
        -- Worked out once per meeting, as for commitments (plan_collect_commitments).
        offset 0
    ),
    timing as materialized (
        select meeting.*,
               upcoming.lead as upcoming_lead, upcoming.due_at as upcoming_due_at, upcoming.next_at as upcoming_next_at,
               outcome_missing.due_at as outcome_missing_due_at, outcome_missing.next_at as outcome_missing_next_at
          from meeting
          left join lateral (
                select o.* from parley_data.meeting_upcoming_occurrence(meeting.starts_at, meeting.time_zone,
                                                                        upcoming_rule.lead_times, meeting.created_at, at) o
                 where meeting.upcoming_applies offset 0
               ) upcoming on true
          left join lateral (
                select o.* from parley_data.meeting_outcome_missing_occurrence(meeting.ends_at, meeting.time_zone,
                                                                               outcome_missing_rule.delay, at) o
                 where meeting.outcome_missing_applies offset 0
               ) outcome_missing on true
    ),
    due as (
        insert into pg_temp.plan_due (subject_type, subject_id, kind, subject_code, basis, occurrence, due_at,
                                      classification, track_id, item_id, commitment_id, responsible_id,
                                      escalated, escalated_to_id, related_alert_id)
        select 'meeting', timing.id, alert.kind, timing.code, alert.basis, alert.occurrence, alert.due_at,
               timing.classification, timing.track_id, null, null, timing.lead_id, false, null, null
          from timing
         cross join lateral (
                select 'meeting_upcoming'::parley.alert_kind as kind, timing.start_basis as basis,
                       timing.start_basis || ' -' || timing.upcoming_lead::text as occurrence,
                       timing.upcoming_due_at as due_at
                 where timing.upcoming_lead is not null
                union all
                select 'meeting_outcome_missing', timing.end_basis, timing.end_basis, timing.outcome_missing_due_at
                 where timing.outcome_missing_due_at is not null
               ) alert
         -- Most of what is due was created by an earlier plan (existing_alert).
         left join lateral parley_data.existing_alert('meeting', timing.id, alert.kind, alert.occurrence) existing on true
         where existing.found is null
        returning 1
    )
    insert into pg_temp.plan_state (subject_type, subject_id, subject_code, next_at, bases, state_label, classification,
                                    track_id, item_id, commitment_id, responsible_id, lead_id)
    select 'meeting', timing.id, timing.code,
           least(timing.upcoming_next_at, timing.outcome_missing_next_at),
           jsonb_strip_nulls(jsonb_build_object(
               'meeting_upcoming', case when timing.upcoming_applies then timing.start_basis end,
               'meeting_outcome_missing', case when timing.outcome_missing_applies then timing.end_basis end)),
           case when timing.status = 'held' and timing.has_outcome then 'outcome recorded'
                else 'meeting ' || timing.status end,
           timing.classification, timing.track_id, null, null, timing.lead_id, timing.lead_id
      from timing;
end
$$;
comment on function parley_data.plan_collect_meetings(timestamptz) is
    'Planning: for the meetings being planned, the alerts due at `at` (meeting_upcoming, meeting_outcome_missing) and when each next deserves one.';

-- Follow-ups: follow_up_due, told to the assignee. A follow-up is as classified as what it is about.
create or replace function parley_data.plan_collect_follow_ups(at timestamptz) returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    follow_up_rule parley_data.alert_rules;
begin
    select * into follow_up_rule from parley_data.alert_rules r where r.kind = 'follow_up_due';

    with follow_up as materialized (
        select f.id, coalesce(f.code, 'F' || f.id) as code,
               coalesce(f.track_id, c.track_id, m.track_id) as track_id, c.item_id, f.commitment_id,
               f.assignee_id, t.lead_id,
               coalesce(c.effective_classification, m.effective_classification, t.classification, 'secret') as classification,
               f.due_at, f.done_at is null and follow_up_rule.enabled as applies,
               parley_data.utc_text(f.due_at) as basis
          from pg_temp.plan_subjects s
          join parley_data.follow_ups f on f.id = s.subject_id
          left join parley_data.commitments c on c.id = f.commitment_id
          left join parley_data.meetings m on m.id = f.meeting_id
          left join parley_data.tracks t on t.id = coalesce(f.track_id, c.track_id, m.track_id)
         where s.subject_type = 'follow_up'
    ),
    timing as materialized (
        select follow_up.*, occurrence.due_at as occurrence_due_at, occurrence.next_at
          from follow_up
          left join lateral (
                select o.* from parley_data.follow_up_due_occurrence(follow_up.due_at, at) o where follow_up.applies
               ) occurrence on true
    ),
    due as (
        insert into pg_temp.plan_due (subject_type, subject_id, kind, subject_code, basis, occurrence, due_at,
                                      classification, track_id, item_id, commitment_id, responsible_id,
                                      escalated, escalated_to_id, related_alert_id)
        select 'follow_up', timing.id, 'follow_up_due', timing.code, timing.basis, timing.basis,
               timing.occurrence_due_at, timing.classification, timing.track_id, timing.item_id,
               timing.commitment_id, timing.assignee_id, false, null, null
          from timing
         where timing.occurrence_due_at is not null
           and not exists (select 1 from parley_data.alerts a
                            where a.subject_type = 'follow_up' and a.subject_id = timing.id
                              and a.kind = 'follow_up_due' and a.occurrence = timing.basis and a.state <> 'cancelled')
        returning 1
    )
    insert into pg_temp.plan_state (subject_type, subject_id, subject_code, next_at, bases, state_label, classification,
                                    track_id, item_id, commitment_id, responsible_id, lead_id)
    select 'follow_up', timing.id, timing.code, timing.next_at,
           jsonb_strip_nulls(jsonb_build_object('follow_up_due', case when timing.applies then timing.basis end)),
           case when not timing.applies and follow_up_rule.enabled then 'follow-up done' end,
           timing.classification, timing.track_id, timing.item_id, timing.commitment_id, timing.assignee_id,
           timing.lead_id
      from timing;
end
$$;
comment on function parley_data.plan_collect_follow_ups(timestamptz) is
    'Planning: for the follow-ups being planned, the follow_up_due alerts due at `at` and when each next deserves one.';

-- Collect per subject type, then tell PostgreSQL how big the results are before the next steps join them.
-- A collector is called only when subjects of its type are planned: without any it would write nothing, but
-- PostgreSQL would still plan its statements, afresh in every plan (the scratch tables are new in each): 7 ms of a
-- 25 ms plan of one changed commitment at L (BENCHMARKS.md, figure 3), for meetings, follow-ups and agreements.
create or replace function parley_data.plan_collect(at timestamptz, n_subjects integer) returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    -- A big plan (a first plan, a rebuild: a row per subject, 1,150,000 at L) builds the key of plan_state once
    -- the rows are in, by one sort, instead of adding each entry as it is written (a sixth of collecting the
    -- commitments at M). The collectors write disjoint subject types, and the key checks the same rows.
    if plan_collect.n_subjects > 1000 then
        alter table pg_temp.plan_state drop constraint plan_state_pkey;
    end if;
    if exists (select 1 from pg_temp.plan_subjects s where s.subject_type = 'commitment') then
        perform parley_data.plan_collect_commitments(plan_collect.at, plan_collect.n_subjects > 1000);
    end if;
    if exists (select 1 from pg_temp.plan_subjects s where s.subject_type = 'meeting') then
        perform parley_data.plan_collect_meetings(plan_collect.at);
    end if;
    if exists (select 1 from pg_temp.plan_subjects s where s.subject_type = 'follow_up') then
        perform parley_data.plan_collect_follow_ups(plan_collect.at);
    end if;
    if exists (select 1 from pg_temp.plan_subjects s where s.subject_type = 'agreement') then
        perform parley_data.plan_collect_agreements(plan_collect.at);
    end if;
    if plan_collect.n_subjects > 1000 then
        alter table pg_temp.plan_state add constraint plan_state_pkey primary key (subject_type, subject_id);
    end if;
    -- Statistics only of the columns the next steps join or filter on: the others are text and jsonb, whose
    -- statistics (sorting a sample of 30,000 values by collation) cost more than the rest of the analyze and
    -- would guide no plan (two thirds of its time at M).
    if plan_collect.n_subjects > 0 then
        analyze pg_temp.plan_state (subject_type, subject_id, next_at);
        analyze pg_temp.plan_due (subject_type, subject_id, kind);
    end if;
end
$$;
comment on function parley_data.plan_collect(timestamptz, integer) is
    'Planning: collects, for each type of subject being planned, the alerts due at `at` and when each subject next deserves one.';
