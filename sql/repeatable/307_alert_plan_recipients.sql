-- Alert planning, part 5: who receives the alerts of a plan. The targets are the alerts just created and the
-- alerts of the planned subjects still waiting to go out (whose recipients may have changed); each target gets
-- one delivery per recipient, and recipients no longer wanted lose theirs.
set local role parley_owner;

create or replace function parley_data.plan_recipients(at timestamptz) returns integer
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    n_created integer;
begin
    -- Alerts already there whose recipients may change: those still waiting to go out, and live ones with a
    -- delivery cancelled while the alert did not apply (it applies again: that delivery is owed again).
    insert into pg_temp.plan_targets (alert_id, is_new)
    select distinct a.id, false
      from pg_temp.plan_subjects planned
      join parley_data.alerts a on a.subject_type = planned.subject_type and a.subject_id = planned.subject_id
      join parley_data.deliveries d on d.alert_id = a.id
     where a.state <> 'cancelled'
       and (d.state = 'pending'
            or (d.state = 'cancelled' and a.cancel_reason is null
                and d.cancel_reason is distinct from 'no longer a recipient'));
    analyze pg_temp.plan_targets;

    -- Who should receive each target alert: the person responsible (not for resolved), the track's lead when
    -- escalated, subscribers whose track and item match (empty = any) and whose minimum severity is met (not for
    -- resolved and breached, which end a chase: they go to those told about the overdue, and breached to the
    -- owner as well), minus inactive people and people not cleared for the alert's classification. One delivery
    -- per alert and person; the strongest reason is recorded.
    with targets as materialized (
        select t.alert_id, t.is_new, a.kind, a.subject_id, a.track_id, a.item_id, a.commitment_id, a.severity,
               a.classification, a.responsible_id, a.escalated_to_id, a.related_alert_id,
               greatest(a.due_at, a.snoozed_until) as send_after
          from pg_temp.plan_targets t
          join parley_data.alerts a on a.id = t.alert_id
    ),
    silenced as (
        select t.alert_id, min(s.id) as silence_id
          from targets t
          join parley_data.silences s
            on s.lifted_at is null and s.ends_at > plan_recipients.at
           and (s.track_id is null or s.track_id = t.track_id)
           and (s.item_id is null or s.item_id = t.item_id)
           and (s.commitment_id is null or s.commitment_id = t.commitment_id)
           and (s.kind is null or s.kind = t.kind)
         group by t.alert_id
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
         where t.kind not in ('resolved', 'breached') and s.min_severity <= t.severity
        union all
        select t.alert_id, s.person_id, 3, t.classification, t.send_after, t.is_new
          from targets t
          join parley_data.subscriptions s on s.track_id = t.track_id and s.item_id is null
         where t.kind not in ('resolved', 'breached') and s.min_severity <= t.severity
        union all
        select t.alert_id, s.person_id, 3, t.classification, t.send_after, t.is_new
          from targets t
          join parley_data.subscriptions s on s.track_id is null and s.item_id = t.item_id
         where t.kind not in ('resolved', 'breached') and s.min_severity <= t.severity
        union all
        select t.alert_id, s.person_id, 3, t.classification, t.send_after, t.is_new
          from targets t
          join parley_data.subscriptions s on s.track_id is null and s.item_id is null
         where t.kind not in ('resolved', 'breached') and s.min_severity <= t.severity
        union all
        -- Resolved, breached: everyone who received, or was to receive, an overdue alert about the commitment (not
        -- those a silence held back, nor those cancelled for another reason than the fulfilment or breach itself).
        -- (Lateral, so that the few resolved and breached alerts drive index lookups whatever the statistics say.)
        select t.alert_id, x.person_id, 4, t.classification, t.send_after, t.is_new
          from targets t
         cross join lateral (
                select d.person_id
                  from parley_data.alerts o
                  join parley_data.deliveries d on d.alert_id = o.id
                 where o.subject_type = 'commitment' and o.subject_id = t.subject_id and o.kind = 'overdue'
                   and o.id <= t.related_alert_id
                   and (d.state in ('pending', 'sending', 'sent', 'failed')
                        or (d.state = 'cancelled'
                            and d.cancel_reason = case t.kind when 'resolved' then 'commitment fulfilled'
                                                              else 'commitment breached' end))
               ) x
         where t.kind in ('resolved', 'breached')
    ),
    wanted as materialized (
        select c.alert_id, c.person_id, min(c.rank) as rank, min(c.send_after) as send_after, bool_or(c.is_new) as is_new
          from candidates c
          join parley_data.people p on p.id = c.person_id
         where p.active and p.clearance >= c.classification
         group by c.alert_id, c.person_id
    ),
    created as (
        insert into parley_data.deliveries (alert_id, person_id, reason, state, send_after, silence_id)
        select w.alert_id, w.person_id,
               (array['responsible', 'escalation', 'subscription', 'alerted about overdue'])[w.rank],
               case when si.silence_id is null then 'pending' else 'suppressed' end::parley.delivery_state,
               w.send_after, si.silence_id
          from wanted w
          left join silenced si on si.alert_id = w.alert_id
        -- A delivery cancelled while its alert did not apply (deadline moved away and back, a lapsed claim on an
        -- alert that no longer applied) is waiting again now that the alert applies: the same delivery, so the
        -- Message-ID of a retry stays stable. (One cancelled because its person stopped being a recipient stays
        -- cancelled: a restored person gets what is planned from then on.)
        on conflict (alert_id, person_id) do update
           set state = excluded.state, send_after = excluded.send_after, silence_id = excluded.silence_id,
               cancelled_at = null, cancel_reason = null
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
           set state = 'suppressed', silence_id = si.silence_id
          from silenced si
          join targets t on t.alert_id = si.alert_id
         where not t.is_new and d.alert_id = si.alert_id and d.state = 'pending'
           and exists (select 1 from wanted w where w.alert_id = d.alert_id and w.person_id = d.person_id)
        returning 1
    )
    select count(*) into n_created from created;
    if n_created > 10000 then
        analyze parley_data.deliveries;
    end if;
    return n_created;
end
$$;
comment on function parley_data.plan_recipients(timestamptz) is
    'Planning: creates the deliveries of new alerts and reconsiders the recipients of alerts still waiting to go out; returns how many deliveries it created.';
