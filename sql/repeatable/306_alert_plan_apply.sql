-- Alert planning, part 4: what the collected plan does to the alerts table and the schedule: refresh what alerts
-- carry, cancel what no longer applies, create what is due, and record when each subject next deserves an alert.
set local role parley_owner;

-- Refresh: alerts carry the subject as it is now: its classification (what readers may see), code, track and
-- item. An alert that had stopped applying and applies again (a deadline moved back) loses its cancel reason.
-- Who answers for it (owner, assignee, lead) is kept current only while it still waits to go out: what was sent
-- was sent on the facts of its day.
create or replace function parley_data.plan_refresh_alerts() returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
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
    update parley_data.alerts a
       set responsible_id = s.responsible_id, escalated_to_id = case when a.escalated then s.lead_id end
      from pg_temp.plan_state s
     where a.subject_type = s.subject_type and a.subject_id = s.subject_id and a.state <> 'cancelled'
       and (a.responsible_id, a.escalated_to_id)
           is distinct from (s.responsible_id, case when a.escalated then s.lead_id end)
       and exists (select 1 from parley_data.deliveries d where d.alert_id = a.id and d.state = 'pending');
end
$$;
comment on function parley_data.plan_refresh_alerts() is
    'Planning: brings the alerts of the planned subjects up to date with their subject (code, classification, track, item; owner and lead while still waiting).';

-- Cancel what no longer applies: an alert whose kind no longer applies to its subject, or whose basis moved.
-- Deliveries still waiting are cancelled. The alert itself is cancelled only if nothing of it went out; one that
-- was (or is being) sent stays history, keeps its dedup key so that it is not sent again, and only records why
-- it no longer applies (a delivery of it that fails now is not retried). Replanning everything looks only at
-- alerts still waiting to go out, not at all of history.
create or replace function parley_data.plan_cancel_alerts(at timestamptz, everything boolean) returns integer
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    n_cancelled integer;
begin
    with doomed as (
        select a.id, a.classification,
               case when state.subject_id is null then 'subject deleted'
                    when not rule.enabled then 'alert rule disabled'
                    when state.bases ? a.kind::text then
                         case a.kind
                             when 'due_soon' then 'deadline changed'
                             when 'overdue' then 'deadline changed or commitment reopened'
                             when 'stale' then 'update recorded'
                             when 'meeting_upcoming' then 'meeting rescheduled'
                             when 'meeting_outcome_missing' then 'meeting time changed'
                             when 'follow_up_due' then 'due time changed'
                             when 'term_ending' then 'renewal recorded or term changed'
                             when 'term_expired' then 'renewal recorded or term changed'
                             when 'objection_deadline' then 'renewal recorded or term changed'
                         end
                    else coalesce(state.state_label, 'no longer applies')
               end as reason
          from pg_temp.plan_subjects planned
          join parley_data.alerts a on a.subject_type = planned.subject_type and a.subject_id = planned.subject_id
          join parley_data.alert_rules rule on rule.kind = a.kind
          left join pg_temp.plan_state state
            on state.subject_type = planned.subject_type and state.subject_id = planned.subject_id
         -- What ends a chase (resolved, breached) is owed once created, whatever happens next.
         where a.state <> 'cancelled' and a.kind not in ('resolved', 'breached')
           and (state.bases ->> a.kind::text) is distinct from a.basis
           and (not plan_cancel_alerts.everything
                or exists (select 1 from parley_data.deliveries d where d.alert_id = a.id and d.state = 'pending'))
    ),
    waiting as (
        update parley_data.deliveries d
           set state = 'cancelled', cancelled_at = plan_cancel_alerts.at, cancel_reason = doomed.reason
          from doomed
         where d.alert_id = doomed.id and d.classification = doomed.classification and d.state = 'pending'
        returning d.alert_id
    ),
    -- Whether any of a doomed alert's deliveries went out is probed per alert (a lateral lookup, limit 1), never
    -- asked as `exists`: as a subplan, PostgreSQL may hash every sending or sent delivery (two scans of the whole
    -- table, 90 ms of a one-change plan at L: BENCHMARKS.md, figure 3) when it guesses an alert's id matches 0.5 %
    -- of a partition (the partitions above unclassified have no statistics: 900_security). Deliveries are looked
    -- up here and in `waiting` by the alert's id and level, so that only that level's partition is read.
    closed as (
        update parley_data.alerts a
           set state = case when sent.went_out then a.state else 'cancelled' end,
               cancelled_at = case when sent.went_out then null else plan_cancel_alerts.at end,
               cancel_reason = doomed.reason
          from doomed
          left join lateral (
                select true as went_out
                  from parley_data.deliveries d
                 where d.alert_id = doomed.id and d.classification = doomed.classification
                   and d.state in ('sending', 'sent')
                 limit 1
               ) sent on true
         where a.id = doomed.id and a.classification = doomed.classification
           and (sent.went_out is null or a.cancel_reason is distinct from doomed.reason)
        returning a.state
    )
    select count(*) filter (where closed.state = 'cancelled') into n_cancelled from closed;
    return n_cancelled;
end
$$;
comment on function parley_data.plan_cancel_alerts(timestamptz, boolean) is
    'Planning: cancels the alerts of the planned subjects that no longer apply (and their deliveries still waiting), with the reason; returns how many alerts were cancelled.';

-- A big first plan changes the size of the alerts and deliveries tables by orders of magnitude: a step that wrote
-- more than 10,000 rows into one (alerts created, deliveries created by the recipients step, 307) tells the planner
-- before anything joins it again.
create or replace function parley_data.plan_analyze_grown(tbl regclass, written integer) returns void
    language plpgsql
    set search_path = pg_catalog, pg_temp
as $$
begin
    if written > 10000 then
        execute format('analyze %s', tbl);
    end if;
end
$$;
comment on function parley_data.plan_analyze_grown(regclass, integer) is
    'Planning: analyzes the table a step wrote when it wrote more than 10,000 rows into it.';

-- Create the alerts due (the collectors left out those created before); the dedup key makes this idempotent.
-- The new alerts become targets of the recipients step.
create or replace function parley_data.plan_create_alerts(at timestamptz) returns integer
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    n_created integer;
begin
    -- The dedup key's check before each row (ON CONFLICT) is left out of the first plan of an installation, which
    -- cannot meet it: no alert at all yet, and the collectors give at most one alert per subject and kind (a
    -- quarter of this step at M, 20,959 alerts). EXECUTE costs nothing here: this plan's statements are planned
    -- afresh anyway (the scratch tables are new in each plan).
    execute format($q$
        with created as (
            insert into parley_data.alerts (kind, subject_type, subject_id, subject_code, basis, occurrence, due_at,
                                            severity, classification, track_id, item_id, commitment_id, responsible_id,
                                            escalated, escalated_to_id, related_alert_id, planned_at)
            select due.kind, due.subject_type, due.subject_id, due.subject_code, due.basis, due.occurrence, due.due_at,
                   rule.severity, due.classification, due.track_id, due.item_id, due.commitment_id, due.responsible_id,
                   due.escalated, due.escalated_to_id, due.related_alert_id, $1
              from pg_temp.plan_due due
              join parley_data.alert_rules rule on rule.kind = due.kind
             -- In the order of the dedup key: each new entry of that index, and of the one by subject, goes at its
             -- end (PostgreSQL then skips the descent from the root), and the ids follow the same order, so that the
             -- deliveries written in the order of their alerts add to their own unique index at its end too.
             order by due.subject_type, due.subject_id, due.kind, due.occurrence
            %s
            returning id
        )
        insert into pg_temp.plan_targets (alert_id, is_new)
        select created.id, true from created$q$,
        case when exists (select 1 from parley_data.alerts)
             then $c$on conflict (subject_type, subject_id, kind, occurrence, classification) where state <> 'cancelled' do nothing$c$
             else '' end)
    using at;
    get diagnostics n_created = row_count;
    perform parley_data.plan_analyze_grown('parley_data.alerts', n_created);
    return n_created;
end
$$;
comment on function parley_data.plan_create_alerts(timestamptz) is
    'Planning: creates the alerts due (each once: the dedup key) and lists them for the recipients step; returns how many alerts were created.';

-- Schedule: when each planned subject next deserves an alert. A plan of everything rewrites the whole schedule.
create or replace function parley_data.plan_schedule(everything boolean) returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if plan_schedule.everything then
        delete from parley_data.alert_schedule;
        insert into parley_data.alert_schedule (subject_type, subject_id, next_at)
        select s.subject_type, s.subject_id, s.next_at from pg_temp.plan_state s where s.next_at is not null;
    else
        delete from parley_data.alert_schedule x
         using pg_temp.plan_subjects planned
         where x.subject_type = planned.subject_type and x.subject_id = planned.subject_id
           and not exists (select 1 from pg_temp.plan_state s
                            where s.subject_type = planned.subject_type and s.subject_id = planned.subject_id
                              and s.next_at is not null);
        insert into parley_data.alert_schedule (subject_type, subject_id, next_at)
        select s.subject_type, s.subject_id, s.next_at from pg_temp.plan_state s where s.next_at is not null
        on conflict (subject_type, subject_id) do update set next_at = excluded.next_at
         where alert_schedule.next_at is distinct from excluded.next_at;
    end if;
end
$$;
comment on function parley_data.plan_schedule(boolean) is
    'Planning: records when each planned subject next deserves an alert (alert_schedule), which is what a plan with nothing due reads.';
