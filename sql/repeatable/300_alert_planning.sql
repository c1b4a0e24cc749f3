-- Alert planning: parley.plan_alerts and its steps. See 000004_alerts.sql for the words used (subject,
-- occurrence, basis, delivery) and how planning stays cheap.
set local role parley_owner;

-- Alerts: the rules that say when something deserves a reminder, the planner that turns the negotiation model into
-- alerts at the right moment (once each), the deliveries the mailer sends, and what staff do with alerts
-- (acknowledge, snooze, silence).
--
-- The words used below:
--   subject     what an alert is about: a commitment, a meeting or a follow-up.
--   occurrence  one firing of a rule for a subject: "7 days before the 25 May deadline", "overdue, repeat #3".
--               (subject, kind, occurrence) is the alert's dedup key: planning twice creates nothing twice.
--   basis       the fact an occurrence hangs on (the deadline, the meeting's start, the last update). When the
--               basis changes (deadline moved) the alerts on the old basis that have not gone out are cancelled.
--   delivery    one alert for one recipient: what the mailer claims, sends and marks.
--
-- How planning stays cheap at 1M commitments:
--   * alert_schedule keeps, for every subject that will deserve an alert later, the moment it next does (next_at,
--     indexed). A plan with nothing due reads that index and the change queue, finds nothing and stops.
--   * Statement-level triggers on the model tables put WHICH subjects changed into plan_queue, set-based from the
--     transition tables, and NOTIFY parley_plan once per statement. The daemon then plans just those subjects.
--   * Planning a set of subjects is a fixed handful of set-based statements, whether the set is one subject, the
--     100,000 of a bulk update, or everything (the first plan, or after an alert rule changed).
-- Times: every planning function takes the moment to plan for (at); nothing in planning reads the clock. Deadlines
-- are the end of due_on in the track's time zone; lead times are counted on the track's wall clock.
--
-- Privileges: staff read the views (security_invoker) and reach the tables underneath only through them (SELECT on
-- the tables, no USAGE on parley_data, as 000006 does for the model). Row-level security hides alerts about rows
-- above the reader's clearance. Writers acknowledge, snooze and silence; the daemon (parleyd and the mailer) plans,
-- claims and marks. Every function is SECURITY DEFINER, owned by parley_owner, and so not subject to row-level
-- security: planning sees everything, as it must.
-- Small helpers ---------------------------------------------------------------------------------------------------
-- A moment as text for dedup keys: UTC, second precision, whatever the session's TimeZone or DateStyle.
create or replace function parley_data.utc_text(moment timestamptz) returns text
    language sql stable parallel safe
    return to_char(moment at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
comment on function parley_data.utc_text(timestamptz) is 'A moment written in UTC (2025-05-25T21:00:00Z), as alert keys spell it.';

-- The staff alert functions run as parley_owner, so current_user says nothing about the caller: they judge the
-- login's clearance with 000003's parley_data.session_clearance(), and refuse input with its parley_data.refuse().

-- Planning --------------------------------------------------------------------------------------------------------

-- The scratch tables of one plan, private to the session and dropped at commit. Created on first use in a
-- transaction, emptied when planning runs again in the same transaction.
create or replace function parley_data.plan_prepare() returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if to_regclass('pg_temp.plan_subjects') is null then
        -- Keyed, so that a join the planner misjudges (statistics lag behind big changes) stays an index probe.
        create temp table plan_subjects (
            subject_type  parley.alert_subject not null,
            subject_id    bigint not null,
            primary key (subject_type, subject_id)
        ) on commit drop;
        create temp table plan_taken (
            subject_type  text not null,
            subject_id    bigint
        ) on commit drop;
        -- The subjects as they are now: when each next deserves an alert, which bases its kinds currently hang
        -- on (kind -> basis, only for kinds that apply), and what alerts about it carry.
        create temp table plan_state (
            subject_type    parley.alert_subject not null,
            subject_id      bigint not null,
            subject_code    text not null,
            next_at         timestamptz,
            bases           jsonb not null,
            state_label     text,
            classification  parley.classification not null,
            track_id        bigint,
            item_id         bigint,
            commitment_id   bigint,
            responsible_id  bigint,
            lead_id         bigint,
            primary key (subject_type, subject_id)
        ) on commit drop;
        -- The alerts due at the moment planned for (at most one per subject and kind), ready to insert.
        create temp table plan_due (
            subject_type      parley.alert_subject not null,
            subject_id        bigint not null,
            kind              parley.alert_kind not null,
            subject_code      text not null,
            basis             text not null,
            occurrence        text not null,
            due_at            timestamptz not null,
            classification    parley.classification not null,
            track_id          bigint,
            item_id           bigint,
            commitment_id     bigint,
            responsible_id    bigint,
            escalated         boolean not null,
            escalated_to_id   bigint,
            related_alert_id  bigint
        ) on commit drop;
        -- Alerts whose recipients are (re)considered: the ones just created and those of the planned subjects
        -- that still have deliveries waiting.
        create temp table plan_targets (
            alert_id  bigint primary key,
            is_new    boolean not null
        ) on commit drop;
    else
        truncate pg_temp.plan_subjects, pg_temp.plan_taken, pg_temp.plan_state, pg_temp.plan_due, pg_temp.plan_targets;
    end if;
end
$$;
comment on function parley_data.plan_prepare() is 'Planning: creates (or empties) the session''s scratch tables of one plan.';

-- What the subjects in plan_subjects deserve at the moment `at`: fills plan_due (alerts due now, at most the
-- latest occurrence of each kind) and plan_state (next moment, current bases, what alerts carry).
create or replace function parley_data.plan_collect(at timestamptz) returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    ds parley_data.alert_rules;   -- due_soon
    od parley_data.alert_rules;   -- overdue
    st parley_data.alert_rules;   -- stale
    rs parley_data.alert_rules;   -- resolved
    mu parley_data.alert_rules;   -- meeting_upcoming
    mo parley_data.alert_rules;   -- meeting_outcome_missing
    fu parley_data.alert_rules;   -- follow_up_due
    repeat_secs double precision;
    escalate_secs double precision;
begin
    select * into ds from parley_data.alert_rules where kind = 'due_soon';
    select * into od from parley_data.alert_rules where kind = 'overdue';
    select * into st from parley_data.alert_rules where kind = 'stale';
    select * into rs from parley_data.alert_rules where kind = 'resolved';
    select * into mu from parley_data.alert_rules where kind = 'meeting_upcoming';
    select * into mo from parley_data.alert_rules where kind = 'meeting_outcome_missing';
    select * into fu from parley_data.alert_rules where kind = 'follow_up_due';
    -- Repeats are counted in elapsed time from the deadline (n = floor((at - deadline) / repeat)), so that
    -- the count does not depend on daylight-saving changes in between.
    repeat_secs := extract(epoch from od.repeat_every);
    escalate_secs := extract(epoch from od.escalate_after);

    -- Commitments: due_soon, overdue, stale, resolved.
    with f as materialized (
        select c.id, c.code, c.track_id, c.item_id, c.owner_id, t.lead_id, c.effective_classification as classification,
               c.created_at, t.timezone as tz, c.status, c.due_on,
               parley_data.commitment_is_live(c.status) as live,
               (c.due_on + 1)::timestamp as deadline_local,
               ((c.due_on + 1)::timestamp at time zone t.timezone) as deadline_at,
               -- A reopened commitment starts a new overdue series: acknowledgements and repeat numbers of the
               -- old one do not carry over.
               c.due_on::text || coalesce(' reopened ' || parley_data.utc_text(c.reopened_at), '') as series,
               greatest(c.made_on, c.last_update_on, c.status_changed_on) as quiet_since
          from pg_temp.plan_subjects s
          join parley_data.commitments c on c.id = s.subject_id
          join parley_data.tracks t on t.id = c.track_id
         where s.subject_type = 'commitment'
    ),
    g as materialized (
        select f.*,
               f.live and ds.enabled and f.due_on is not null as ds_applies,
               f.live and od.enabled and f.due_on is not null as od_applies,
               f.live and st.enabled as st_applies,
               (((f.quiet_since + 1)::timestamp + st.delay) at time zone f.tz) as stale_at,
               case when f.live and od.enabled and at >= f.deadline_at then
                    coalesce(floor(extract(epoch from at - f.deadline_at) / repeat_secs)::bigint, 0)
               end as od_n,
               dsn.lead as ds_lead,
               dsx.next_at as ds_next_at,
               coalesce(h.acknowledged, false) as acknowledged,
               h.snoozed_until,
               r.through_id
          from f
          -- The latest lead time already reached (before the deadline): the one due_soon alert to have now.
          left join lateral (
                select min(l) as lead
                  from unnest(ds.lead_times) l
                 where f.live and ds.enabled and at < f.deadline_at
                   and ((f.deadline_local - l) at time zone f.tz) <= at
               ) dsn on true
          -- The next lead time to come, not before the commitment was recorded.
          left join lateral (
                select min((f.deadline_local - l) at time zone f.tz) as next_at
                  from unnest(ds.lead_times) l
                 where f.live and ds.enabled and f.due_on is not null
                   and ((f.deadline_local - l) at time zone f.tz) > at
                   and ((f.deadline_local - l) at time zone f.tz) >= f.created_at
               ) dsx on true
          left join lateral (
                select bool_or(a.acknowledged_at is not null) as acknowledged, max(a.snoozed_until) as snoozed_until
                  from parley_data.alerts a
                 where f.live and od.enabled and f.due_on is not null
                   and a.subject_type = 'commitment' and a.kind = 'overdue' and a.subject_id = f.id
                   and a.basis = f.series and a.state <> 'cancelled'
                   and (a.acknowledged_at is not null or a.snoozed_until is not null)
               ) h on true
          -- A fulfilled commitment with overdue alerts not yet settled by a resolved alert.
          left join lateral (
                select max(a.id) as through_id
                  from parley_data.alerts a
                 where f.status = 'fulfilled' and rs.enabled
                   and a.subject_type = 'commitment' and a.subject_id = f.id and a.kind = 'overdue'
                   and a.state <> 'cancelled'
                   and a.id > coalesce((select max(r.related_alert_id)
                                          from parley_data.alerts r
                                         where r.subject_type = 'commitment' and r.subject_id = f.id
                                           and r.kind = 'resolved'), 0)
               ) r on true
    ),
    due as (
        insert into pg_temp.plan_due (subject_type, subject_id, kind, subject_code, basis, occurrence, due_at,
                                      classification, track_id, item_id, commitment_id, responsible_id,
                                      escalated, escalated_to_id, related_alert_id)
        select 'commitment', g.id, x.kind, g.code, x.basis, x.occurrence, x.due_at,
               g.classification, g.track_id, g.item_id, g.id, g.owner_id,
               x.escalated, case when x.escalated then g.lead_id end, x.related_alert_id
          from g
         cross join lateral (
                -- Due soon: only the latest lead time reached, and only if it came after the commitment was recorded.
                select 'due_soon'::parley.alert_kind as kind, g.due_on::text as basis,
                       g.due_on::text || ' -' || g.ds_lead::text as occurrence,
                       ((g.deadline_local - g.ds_lead) at time zone g.tz) as due_at,
                       false as escalated, null::bigint as related_alert_id
                 where g.ds_lead is not null
                   and ((g.deadline_local - g.ds_lead) at time zone g.tz) >= g.created_at
                union all
                -- Overdue: the latest repeat only (after an outage, one alert, not a burst), unless acknowledged or
                -- snoozed.
                select 'overdue', g.series, g.series || ' #' || g.od_n,
                       g.deadline_at + make_interval(secs => g.od_n * coalesce(repeat_secs, 0)),
                       escalate_secs is not null and g.od_n * coalesce(repeat_secs, 0) >= escalate_secs,
                       null
                 where g.od_n is not null and g.due_on is not null and not g.acknowledged
                   and (g.snoozed_until is null or g.snoozed_until <= at)
                union all
                select 'stale', g.quiet_since::text, g.quiet_since::text, g.stale_at, false, null
                 where g.st_applies and g.stale_at <= at
                union all
                select 'resolved', 'overdue alerts to #' || g.through_id, 'overdue alerts to #' || g.through_id,
                       at, false, g.through_id
                 where g.through_id is not null
               ) x
         -- Most of what is due was created by an earlier plan. (Checked here, not in the INSERT into alerts: an
         -- anti-join there would read the table it fills, row by row, while its statistics still say it is empty.)
         where not exists (select 1 from parley_data.alerts a
                            where a.subject_type = 'commitment' and a.subject_id = g.id and a.kind = x.kind
                              and a.occurrence = x.occurrence and a.state <> 'cancelled')
        returning 1
    )
    insert into pg_temp.plan_state (subject_type, subject_id, subject_code, next_at, bases, state_label, classification,
                                    track_id, item_id, commitment_id, responsible_id, lead_id)
    select 'commitment', g.id, g.code,
           least(g.ds_next_at,
                 case when g.od_applies and not g.acknowledged then
                      case when g.snoozed_until > at then g.snoozed_until
                           when at < g.deadline_at then g.deadline_at
                           when repeat_secs is not null
                                then g.deadline_at + make_interval(secs => (g.od_n + 1) * repeat_secs)
                      end
                 end,
                 case when g.st_applies and g.stale_at > at then g.stale_at end),
           jsonb_strip_nulls(jsonb_build_object(
               'due_soon', case when g.ds_applies then g.due_on::text end,
               'overdue', case when g.od_applies then g.series end,
               'stale', case when g.st_applies then g.quiet_since::text end)),
           case when not g.live then 'commitment ' || g.status when g.due_on is null then 'deadline removed' end,
           g.classification, g.track_id, g.item_id, g.id, g.owner_id, g.lead_id
      from g;

    -- Meetings: meeting_upcoming (told to the track's lead: a meeting has no owner), meeting_outcome_missing.
    with f as materialized (
        select m.id, m.code, m.track_id, t.lead_id, m.effective_classification as classification, m.created_at,
               t.timezone as tz, m.status, m.starts_at,
               nullif(btrim(m.outcome_summary), '') is not null as has_outcome,
               (m.starts_at at time zone t.timezone) as start_local,
               (coalesce(m.ends_at, m.starts_at) at time zone t.timezone) as end_local,
               parley_data.utc_text(m.starts_at) as start_basis,
               parley_data.utc_text(coalesce(m.ends_at, m.starts_at)) as end_basis
          from pg_temp.plan_subjects s
          join parley_data.meetings m on m.id = s.subject_id
          join parley_data.tracks t on t.id = m.track_id
         where s.subject_type = 'meeting'
    ),
    g as materialized (
        select f.*,
               f.status = 'scheduled' and mu.enabled as mu_applies,
               f.status = 'held' and not f.has_outcome and mo.enabled as mo_applies,
               ((f.end_local + mo.delay) at time zone f.tz) as mo_at,
               un.lead as mu_lead,
               ux.next_at as mu_next_at
          from f
          left join lateral (
                select min(l) as lead
                  from unnest(mu.lead_times) l
                 where f.status = 'scheduled' and mu.enabled and at < f.starts_at
                   and ((f.start_local - l) at time zone f.tz) <= at
               ) un on true
          left join lateral (
                select min((f.start_local - l) at time zone f.tz) as next_at
                  from unnest(mu.lead_times) l
                 where f.status = 'scheduled' and mu.enabled
                   and ((f.start_local - l) at time zone f.tz) > at
                   and ((f.start_local - l) at time zone f.tz) >= f.created_at
               ) ux on true
    ),
    due as (
        insert into pg_temp.plan_due (subject_type, subject_id, kind, subject_code, basis, occurrence, due_at,
                                      classification, track_id, item_id, commitment_id, responsible_id,
                                      escalated, escalated_to_id, related_alert_id)
        select 'meeting', g.id, x.kind, g.code, x.basis, x.occurrence, x.due_at,
               g.classification, g.track_id, null, null, g.lead_id, false, null, null
          from g
         cross join lateral (
                select 'meeting_upcoming'::parley.alert_kind as kind, g.start_basis as basis,
                       g.start_basis || ' -' || g.mu_lead::text as occurrence,
                       ((g.start_local - g.mu_lead) at time zone g.tz) as due_at
                 where g.mu_lead is not null
                   and ((g.start_local - g.mu_lead) at time zone g.tz) >= g.created_at
                union all
                select 'meeting_outcome_missing', g.end_basis, g.end_basis, g.mo_at
                 where g.mo_applies and g.mo_at <= at
               ) x
         where not exists (select 1 from parley_data.alerts a
                            where a.subject_type = 'meeting' and a.subject_id = g.id and a.kind = x.kind
                              and a.occurrence = x.occurrence and a.state <> 'cancelled')
        returning 1
    )
    insert into pg_temp.plan_state (subject_type, subject_id, subject_code, next_at, bases, state_label, classification,
                                    track_id, item_id, commitment_id, responsible_id, lead_id)
    select 'meeting', g.id, g.code,
           least(g.mu_next_at, case when g.mo_applies and g.mo_at > at then g.mo_at end),
           jsonb_strip_nulls(jsonb_build_object(
               'meeting_upcoming', case when g.mu_applies then g.start_basis end,
               'meeting_outcome_missing', case when g.mo_applies then g.end_basis end)),
           case when g.status = 'held' and g.has_outcome then 'outcome recorded' else 'meeting ' || g.status end,
           g.classification, g.track_id, null, null, g.lead_id, g.lead_id
      from g;

    -- Follow-ups: follow_up_due, told to the assignee. A follow-up is as classified as what it is about.
    with f as materialized (
        select x.id, coalesce(x.code, 'F' || x.id) as code,
               coalesce(x.track_id, c.track_id, m.track_id) as track_id, c.item_id, x.commitment_id,
               x.assignee_id, t.lead_id,
               coalesce(c.effective_classification, m.effective_classification, t.classification, 'secret') as classification,
               x.due_at, x.done_at is null and fu.enabled as applies,
               parley_data.utc_text(x.due_at) as basis
          from pg_temp.plan_subjects s
          join parley_data.follow_ups x on x.id = s.subject_id
          left join parley_data.commitments c on c.id = x.commitment_id
          left join parley_data.meetings m on m.id = x.meeting_id
          left join parley_data.tracks t on t.id = coalesce(x.track_id, c.track_id, m.track_id)
         where s.subject_type = 'follow_up'
    ),
    due as (
        insert into pg_temp.plan_due (subject_type, subject_id, kind, subject_code, basis, occurrence, due_at,
                                      classification, track_id, item_id, commitment_id, responsible_id,
                                      escalated, escalated_to_id, related_alert_id)
        select 'follow_up', f.id, 'follow_up_due', f.code, f.basis, f.basis, f.due_at,
               f.classification, f.track_id, f.item_id, f.commitment_id, f.assignee_id, false, null, null
          from f
         where f.applies and f.due_at <= at
           and not exists (select 1 from parley_data.alerts a
                            where a.subject_type = 'follow_up' and a.subject_id = f.id and a.kind = 'follow_up_due'
                              and a.occurrence = f.basis and a.state <> 'cancelled')
        returning 1
    )
    insert into pg_temp.plan_state (subject_type, subject_id, subject_code, next_at, bases, state_label, classification,
                                    track_id, item_id, commitment_id, responsible_id, lead_id)
    select 'follow_up', f.id, f.code,
           case when f.applies and f.due_at > at then f.due_at end,
           jsonb_strip_nulls(jsonb_build_object('follow_up_due', case when f.applies then f.basis end)),
           case when not f.applies and fu.enabled then 'follow-up done' end,
           f.classification, f.track_id, f.item_id, f.commitment_id, f.assignee_id, f.lead_id
      from f;
end
$$;
comment on function parley_data.plan_collect(timestamptz) is
    'Planning: for the subjects being planned, the alerts due at the given moment and when each subject next deserves one.';

create or replace function parley.plan_alerts(at timestamptz, only_changed boolean default false, rebuild boolean default false)
    returns table (
        alerts_created      integer,
        alerts_cancelled    integer,
        deliveries_created  integer,
        subjects_planned    integer,
        next_alert_at       timestamptz)
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    -- Dedup keys spell dates and intervals as text: the same spelling in every session.
    set datestyle = 'ISO, YMD'
    set intervalstyle = 'postgres'
    -- The planner's cost estimates for these statements are large enough to trigger JIT compilation, which costs
    -- seconds and saves nothing on queries this simple.
    set jit = off
as $$
#variable_conflict use_column
declare
    everything boolean := coalesce(plan_alerts.rebuild, false);
    recipients_changed boolean;
    n_subjects integer;
    n_created integer;
    n_cancelled integer;
    n_deliveries integer;
begin
    if plan_alerts.at is null then
        perform parley_data.refuse('23502', 'at', 'at_present', 'at is required',
            'Pass the moment to plan for, normally now().');
    end if;
    -- One planner at a time (a transaction lock: released at commit). The daemon's leader lock is a separate,
    -- session-level advisory lock of its own.
    perform pg_advisory_xact_lock(hashtext('parley.plan_alerts'));

    -- Nothing changed and nothing due: the common case, answered by two index probes. "Nothing due" is asked as
    -- the earliest next_at, which is always the first entry of the index on next_at; as `exists (… where next_at
    -- <= at)` the cached generic plan of this function guesses a third of the schedule matches and scans it all
    -- (50 ms at a million commitments, for every wake-up of the daemon).
    if not everything
       and not exists (select 1 from parley_data.plan_queue)
       and (only_changed
            or not coalesce((select min(s.next_at) from parley_data.alert_schedule s) <= plan_alerts.at, false)) then
        return query select 0, 0, 0, 0, parley.next_alert_at(plan_alerts.at);
        return;
    end if;

    perform parley_data.plan_prepare();

    -- Which subjects to plan: what the triggers queued, what falls due, or everything.
    with taken as (delete from parley_data.plan_queue q returning q.subject_type, q.subject_id)
    insert into pg_temp.plan_taken (subject_type, subject_id)
    select distinct t.subject_type, t.subject_id from taken t;
    everything := everything or exists (select 1 from pg_temp.plan_taken t where t.subject_type = 'all');
    recipients_changed := exists (select 1 from pg_temp.plan_taken t where t.subject_type = 'recipients');

    if everything then
        insert into pg_temp.plan_subjects (subject_type, subject_id)
        select 'commitment'::parley.alert_subject, c.id from parley_data.commitments c
        union all
        select 'meeting', m.id from parley_data.meetings m
        union all
        select 'follow_up', f.id from parley_data.follow_ups f
        union all
        -- Subjects deleted since, whose waiting deliveries must be cancelled.
        select distinct a.subject_type, a.subject_id
          from parley_data.deliveries d
          join parley_data.alerts a on a.id = d.alert_id
         where d.state = 'pending'
           and not exists (select 1 from parley_data.commitments c where a.subject_type = 'commitment' and c.id = a.subject_id)
           and not exists (select 1 from parley_data.meetings m where a.subject_type = 'meeting' and m.id = a.subject_id)
           and not exists (select 1 from parley_data.follow_ups f where a.subject_type = 'follow_up' and f.id = a.subject_id);
    else
        insert into pg_temp.plan_subjects (subject_type, subject_id)
        select t.subject_type::parley.alert_subject, t.subject_id
          from pg_temp.plan_taken t
         where t.subject_type in ('commitment', 'meeting', 'follow_up')
        union
        -- People or subscriptions changed: reconsider the recipients of every alert still waiting to go out.
        select a.subject_type, a.subject_id
          from parley_data.deliveries d
          join parley_data.alerts a on a.id = d.alert_id
         where recipients_changed and d.state = 'pending'
        union
        select s.subject_type, s.subject_id
          from parley_data.alert_schedule s
         where not only_changed and s.next_at <= plan_alerts.at;
    end if;
    get diagnostics n_subjects = row_count;
    -- The scratch tables are analyzed whatever their size (under a millisecond each when small): a temporary
    -- table never analyzed is taken for ten pages of rows, and against that guess PostgreSQL hash-joins whole
    -- tables where one subject needs a few index probes (0.1 s instead of a few ms for one changed commitment
    -- at a million commitments: the delay between a change and its alert, BENCHMARKS.md figure 3).
    if n_subjects > 0 then
        analyze pg_temp.plan_subjects;
    end if;

    perform parley_data.plan_collect(plan_alerts.at);
    if n_subjects > 0 then
        analyze pg_temp.plan_state;
        analyze pg_temp.plan_due;
    end if;

    -- Alerts carry the subject as it is now: its classification (what readers may see), code, track and item.
    -- An alert that had stopped applying and applies again (a deadline moved back) loses its cancel reason.
    update parley_data.alerts a
       set subject_code = s.subject_code, classification = s.classification, track_id = s.track_id,
           item_id = s.item_id, commitment_id = s.commitment_id,
           cancel_reason = case when s.bases ->> a.kind::text = a.basis then null else a.cancel_reason end
      from pg_temp.plan_state s
     where a.subject_type = s.subject_type and a.subject_id = s.subject_id and a.state <> 'cancelled'
       and (a.subject_code, a.classification, a.track_id, a.item_id, a.commitment_id, a.cancel_reason)
           is distinct from
           (s.subject_code, s.classification, s.track_id, s.item_id, s.commitment_id,
            case when s.bases ->> a.kind::text = a.basis then null else a.cancel_reason end);
    -- Who answers for it (owner, assignee, lead) is kept current only while it still waits to go out: what was
    -- sent was sent on the facts of its day.
    update parley_data.alerts a
       set responsible_id = s.responsible_id, escalated_to_id = case when a.escalated then s.lead_id end
      from pg_temp.plan_state s
     where a.subject_type = s.subject_type and a.subject_id = s.subject_id and a.state <> 'cancelled'
       and (a.responsible_id, a.escalated_to_id)
           is distinct from (s.responsible_id, case when a.escalated then s.lead_id end)
       and exists (select 1 from parley_data.deliveries d where d.alert_id = a.id and d.state = 'pending');

    -- Cancel what no longer applies: an alert whose kind no longer applies to its subject, or whose basis moved.
    -- Deliveries still waiting are cancelled. The alert itself is cancelled only if nothing of it went out; one
    -- that was (or is being) sent stays history, keeps its dedup key so that it is not sent again, and only
    -- records why it no longer applies (a delivery of it that fails now is not retried).
    with doomed as (
        select a.id,
               case when st.subject_id is null then 'subject deleted'
                    when not r.enabled then 'alert rule disabled'
                    when st.bases ? a.kind::text then
                         case a.kind
                             when 'due_soon' then 'deadline changed'
                             when 'overdue' then 'deadline changed or commitment reopened'
                             when 'stale' then 'update recorded'
                             when 'meeting_upcoming' then 'meeting rescheduled'
                             when 'meeting_outcome_missing' then 'meeting time changed'
                             when 'follow_up_due' then 'due time changed'
                         end
                    else coalesce(st.state_label, 'no longer applies')
               end as reason
          from pg_temp.plan_subjects p
          join parley_data.alerts a on a.subject_type = p.subject_type and a.subject_id = p.subject_id
          join parley_data.alert_rules r on r.kind = a.kind
          left join pg_temp.plan_state st on st.subject_type = p.subject_type and st.subject_id = p.subject_id
         where a.state <> 'cancelled' and a.kind <> 'resolved'
           and (st.bases ->> a.kind::text) is distinct from a.basis
           -- Replanning everything looks only at alerts still waiting to go out, not at all of history.
           and (not everything
                or exists (select 1 from parley_data.deliveries d where d.alert_id = a.id and d.state = 'pending'))
    ),
    waiting as (
        update parley_data.deliveries d
           set state = 'cancelled', cancelled_at = plan_alerts.at, cancel_reason = x.reason
          from doomed x
         where d.alert_id = x.id and d.state = 'pending'
        returning d.alert_id
    ),
    closed as (
        update parley_data.alerts a
           set state = case when w.went_out then a.state else 'cancelled' end,
               cancelled_at = case when w.went_out then null else plan_alerts.at end,
               cancel_reason = x.reason
          from doomed x
         cross join lateral (
                select exists (select 1 from parley_data.deliveries d
                                where d.alert_id = x.id and d.state in ('sending', 'sent')) as went_out
               ) w
         where a.id = x.id and (not w.went_out or a.cancel_reason is distinct from x.reason)
        returning a.state
    )
    select count(*) filter (where c.state = 'cancelled') into n_cancelled from closed c;

    -- Create the alerts due (plan_collect left out those created before); the dedup key makes this idempotent.
    with created as (
        insert into parley_data.alerts (kind, subject_type, subject_id, subject_code, basis, occurrence, due_at,
                                        severity, classification, track_id, item_id, commitment_id, responsible_id,
                                        escalated, escalated_to_id, related_alert_id, planned_at)
        select d.kind, d.subject_type, d.subject_id, d.subject_code, d.basis, d.occurrence, d.due_at,
               r.severity, d.classification, d.track_id, d.item_id, d.commitment_id, d.responsible_id,
               d.escalated, d.escalated_to_id, d.related_alert_id, plan_alerts.at
          from pg_temp.plan_due d
          join parley_data.alert_rules r on r.kind = d.kind
        on conflict (subject_type, subject_id, kind, occurrence, classification) where state <> 'cancelled' do nothing
        returning id
    )
    insert into pg_temp.plan_targets (alert_id, is_new)
    select c.id, true from created c;
    get diagnostics n_created = row_count;
    -- A big first plan changes the alert table's size by orders of magnitude: tell the planner before the
    -- recipients are joined to it.
    if n_created > 10000 then
        analyze parley_data.alerts;
    end if;

    -- Alerts already there whose recipients may change: those still waiting to go out, and live ones with a
    -- delivery cancelled while the alert did not apply (it applies again: that delivery is owed again).
    insert into pg_temp.plan_targets (alert_id, is_new)
    select distinct a.id, false
      from pg_temp.plan_subjects p
      join parley_data.alerts a on a.subject_type = p.subject_type and a.subject_id = p.subject_id
      join parley_data.deliveries d on d.alert_id = a.id
     where a.state <> 'cancelled'
       and (d.state = 'pending'
            or (d.state = 'cancelled' and a.cancel_reason is null
                and d.cancel_reason is distinct from 'no longer a recipient'));

    analyze pg_temp.plan_targets;
    n_deliveries := parley_data.plan_recipients(plan_alerts.at);
    if n_deliveries > 10000 then
        analyze parley_data.deliveries;
    end if;

    -- When each planned subject next deserves an alert.
    if everything then
        delete from parley_data.alert_schedule;
        insert into parley_data.alert_schedule (subject_type, subject_id, next_at)
        select s.subject_type, s.subject_id, s.next_at from pg_temp.plan_state s where s.next_at is not null;
    else
        delete from parley_data.alert_schedule x
         using pg_temp.plan_subjects p
         where x.subject_type = p.subject_type and x.subject_id = p.subject_id
           and not exists (select 1 from pg_temp.plan_state s
                            where s.subject_type = p.subject_type and s.subject_id = p.subject_id
                              and s.next_at is not null);
        insert into parley_data.alert_schedule (subject_type, subject_id, next_at)
        select s.subject_type, s.subject_id, s.next_at from pg_temp.plan_state s where s.next_at is not null
        on conflict (subject_type, subject_id) do update set next_at = excluded.next_at
         where alert_schedule.next_at is distinct from excluded.next_at;
    end if;

    return query select n_created, n_cancelled, n_deliveries, n_subjects, parley.next_alert_at(plan_alerts.at);
end
$$;
comment on function parley.plan_alerts(timestamptz, boolean, boolean) is
    'Plans alerts for the moment `at` (the daemon passes now()): creates every alert due by then and not yet created (at most the latest occurrence of each kind per subject), with deliveries to its recipients, and cancels alerts that no longer apply before they go out. Plans the subjects that changed since the last plan (queued by triggers) and, unless only_changed, those falling due; rebuild => true (or a changed alert rule) replans everything. Calling it again at the same moment creates nothing. Returns counts and the moment the next alert falls due.';

create or replace function parley_data.plan_recipients(at timestamptz) returns integer
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    n_created integer;
begin
    -- Who should receive each target alert: the person responsible (not for resolved), the track's lead when
    -- escalated, subscribers whose track and item match (empty = any) and whose minimum severity is met (not for
    -- resolved: that goes to those told about the overdue), minus inactive people and people not cleared for the
    -- alert's classification. One delivery per alert and person; the strongest reason is recorded.
    with targets as materialized (
        select t.alert_id, t.is_new, a.kind, a.subject_id, a.track_id, a.item_id, a.commitment_id, a.severity,
               a.classification, a.responsible_id, a.escalated_to_id, a.related_alert_id,
               greatest(a.due_at, a.snoozed_until) as send_after
          from pg_temp.plan_targets t
          join parley_data.alerts a on a.id = t.alert_id
    ),
    -- A silence holds back alerts at or below its ceiling (the clearance of whoever set it); the first that
    -- applies is the one recorded.
    silenced as (
        select distinct on (t.alert_id) t.alert_id, s.id as silence_id, s.effective_classification as silence_classification
          from targets t
          join parley_data.silences s
            on s.lifted_at is null and s.ends_at > plan_recipients.at and t.classification <= s.ceiling
           and (s.track_id is null or s.track_id = t.track_id)
           and (s.item_id is null or s.item_id = t.item_id)
           and (s.commitment_id is null or s.commitment_id = t.commitment_id)
           and (s.kind is null or s.kind = t.kind)
         order by t.alert_id, s.id
    ),
    candidates as (
        select t.alert_id, t.responsible_id as person_id, 1 as rank, t.classification, t.send_after, t.is_new
          from targets t
         where t.kind <> 'resolved' and t.responsible_id is not null
        union all
        select t.alert_id, t.escalated_to_id, 2, t.classification, t.send_after, t.is_new
          from targets t
         where t.escalated_to_id is not null
        union all
        -- Subscriptions, in four equality joins rather than one join with ORs, so that each can hash.
        select t.alert_id, s.person_id, 3, t.classification, t.send_after, t.is_new
          from targets t
          join parley_data.subscriptions s on s.track_id = t.track_id and s.item_id = t.item_id
         where t.kind <> 'resolved' and s.min_severity <= t.severity
        union all
        select t.alert_id, s.person_id, 3, t.classification, t.send_after, t.is_new
          from targets t
          join parley_data.subscriptions s on s.track_id = t.track_id and s.item_id is null
         where t.kind <> 'resolved' and s.min_severity <= t.severity
        union all
        select t.alert_id, s.person_id, 3, t.classification, t.send_after, t.is_new
          from targets t
          join parley_data.subscriptions s on s.track_id is null and s.item_id = t.item_id
         where t.kind <> 'resolved' and s.min_severity <= t.severity
        union all
        select t.alert_id, s.person_id, 3, t.classification, t.send_after, t.is_new
          from targets t
          join parley_data.subscriptions s on s.track_id is null and s.item_id is null
         where t.kind <> 'resolved' and s.min_severity <= t.severity
        union all
        -- Resolved: everyone who received, or was to receive, an overdue alert about the commitment (not those a
        -- silence held back, nor those cancelled for another reason than the fulfilment itself).
        -- (Lateral, so that the few resolved alerts drive index lookups whatever the statistics say.)
        select t.alert_id, x.person_id, 4, t.classification, t.send_after, t.is_new
          from targets t
         cross join lateral (
                select d.person_id
                  from parley_data.alerts o
                  join parley_data.deliveries d on d.alert_id = o.id
                 where o.subject_type = 'commitment' and o.subject_id = t.subject_id and o.kind = 'overdue'
                   and o.id <= t.related_alert_id
                   and (d.state in ('pending', 'sending', 'sent', 'failed')
                        or (d.state = 'cancelled' and d.cancel_reason = 'commitment fulfilled'))
               ) x
         where t.kind = 'resolved'
    ),
    wanted as materialized (
        select c.alert_id, c.person_id, min(c.rank) as rank, min(c.send_after) as send_after, bool_or(c.is_new) as is_new,
               max(c.classification) as classification
          from candidates c
          join parley_data.people p on p.id = c.person_id
         where p.active and p.clearance >= c.classification
         group by c.alert_id, c.person_id
    ),
    created as (
        insert into parley_data.deliveries
               (alert_id, person_id, reason, state, send_after, silence_id, silence_classification, classification)
        select w.alert_id, w.person_id,
               (array['responsible', 'escalation', 'subscription', 'alerted about overdue'])[w.rank],
               case when si.silence_id is null then 'pending' else 'suppressed' end::parley.delivery_state,
               w.send_after, si.silence_id, si.silence_classification, w.classification
          from wanted w
          left join silenced si on si.alert_id = w.alert_id
        -- A delivery cancelled while its alert did not apply (deadline moved away and back, a lapsed claim on an
        -- alert that no longer applied) is waiting again now that the alert applies: the same delivery, so the
        -- Message-ID of a retry stays stable. (One cancelled because its person stopped being a recipient stays
        -- cancelled: a restored person gets what is planned from then on.)
        on conflict (alert_id, person_id, classification) do update
           set state = excluded.state, send_after = excluded.send_after, silence_id = excluded.silence_id,
               silence_classification = excluded.silence_classification, cancelled_at = null, cancel_reason = null
         where deliveries.state = 'cancelled' and deliveries.cancel_reason is distinct from 'no longer a recipient'
        returning 1
    ),
    -- Alerts that were already waiting: recipients no longer wanted (deactivated, clearance lowered,
    -- unsubscribed, no longer responsible) are cancelled; those a silence now covers are suppressed.
    dropped as (
        update parley_data.deliveries d
           set state = 'cancelled', cancelled_at = plan_recipients.at, cancel_reason = 'no longer a recipient'
          from targets t
         where not t.is_new and d.alert_id = t.alert_id and d.state = 'pending'
           and not exists (select 1 from wanted w where w.alert_id = d.alert_id and w.person_id = d.person_id)
        returning 1
    ),
    hushed as (
        update parley_data.deliveries d
           set state = 'suppressed', silence_id = si.silence_id, silence_classification = si.silence_classification
          from silenced si
          join targets t on t.alert_id = si.alert_id
         where not t.is_new and d.alert_id = si.alert_id and d.state = 'pending'
           and exists (select 1 from wanted w where w.alert_id = d.alert_id and w.person_id = d.person_id)
        returning 1
    )
    select count(*) into n_created from created;
    return n_created;
end
$$;
comment on function parley_data.plan_recipients(timestamptz) is
    'Planning: creates the deliveries of new alerts and reconsiders the recipients of alerts still waiting to go out; returns how many deliveries it created.';

create or replace function parley.next_alert_at(at timestamptz) returns timestamptz
    language sql stable security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    return case when exists (select 1 from parley_data.plan_queue) then next_alert_at.at
                else (select min(s.next_at) from parley_data.alert_schedule s) end;
comment on function parley.next_alert_at(timestamptz) is
    'When planning next has something to do: `at` itself if changes are waiting to be planned, else the moment the next alert falls due (which may be in the past if nobody planned since); empty when nothing is scheduled. The daemon sleeps until then unless notified.';
