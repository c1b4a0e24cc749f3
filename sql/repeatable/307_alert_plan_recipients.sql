-- Alert planning, part 5: who receives the alerts of a plan. The targets are the alerts just created and the
-- alerts of the planned subjects still waiting to go out (whose recipients may have changed); each target gets
-- one delivery per recipient, and recipients no longer wanted lose theirs.
set local role parley_owner;

-- Each delivery written is checked against its alert (a foreign key to alerts, which is partitioned by level) by
-- a query PostgreSQL prepares once per session. Left to choose, it plans that query again for every delivery: a
-- plan for one partition looks cheaper than the one plan for all four, which prunes the other three when it runs.
-- Planning each check made them 175 µs apiece, most of the recipients step of a first plan (5 s of 7 for 29,184
-- deliveries at 100,000 commitments); the one prepared plan, forced here, takes a third of that.
create or replace function parley_data.plan_recipients(at timestamptz) returns integer
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
    set plan_cache_mode = force_generic_plan
    -- Gathering the recipients of a first plan (370,000 deliveries at L) hashes and sorts more than the default
    -- 4 MB, which spills to disk in batches; one planner runs at a time (plan_alerts' lock), so this is per
    -- installation, not per connection.
    set work_mem = '64MB'
as $$
declare
    n_created integer;
begin
    -- Alerts already there whose recipients may change: those still waiting to go out, and live ones with a
    -- delivery cancelled while the alert did not apply (it applies again: that delivery is owed again). Not looked
    -- for when there is no delivery at all (a first plan: its join of every subject to the alerts it just created
    -- would find nothing). Any delivery, not a waiting or cancelled one: on a database of years the sent ones are
    -- nearly all, and a scan for the few others would read past them in every plan.
    if exists (select 1 from parley_data.deliveries) then
        insert into pg_temp.plan_targets (alert_id, is_new)
        select distinct a.id, false
          from pg_temp.plan_subjects planned
          join parley_data.alerts a on a.subject_type = planned.subject_type and a.subject_id = planned.subject_id
          join parley_data.deliveries d on d.alert_id = a.id
         where a.state <> 'cancelled'
           and (d.state = 'pending'
                or (d.state = 'cancelled' and a.cancel_reason is null
                    and d.cancel_reason is distinct from 'no longer a recipient'));
    end if;
    -- No alert to consider (a plan that created none and has none waiting): the statement below would write
    -- nothing, and planning it (afresh in every plan) costs more than the rest of a small plan's recipients step.
    if not exists (select 1 from pg_temp.plan_targets) then
        return 0;
    end if;
    analyze pg_temp.plan_targets;

    -- Who should receive each target alert: the person responsible (not for resolved), the track's lead when
    -- escalated, subscribers whose track and item match (empty = any) and whose minimum severity is met (not for
    -- resolved and breached, which end a chase: they go to those told about the overdue, and breached to the
    -- owner as well), minus inactive people and people not cleared for the alert's classification. One delivery
    -- per alert and person; the strongest reason is recorded.
    with target as materialized (
        select planned.alert_id, planned.is_new, a.kind, a.subject_type, a.subject_id, a.track_id, a.item_id, a.commitment_id,
               a.severity, a.classification, a.responsible_id, a.escalated_to_id, a.related_alert_id,
               greatest(a.due_at, a.snoozed_until) as send_after
          from pg_temp.plan_targets planned
          join parley_data.alerts a on a.id = planned.alert_id
    ),
    -- A silence holds back alerts at or below its ceiling (the clearance of whoever set it); the first that
    -- applies is the one recorded.
    silenced as (
        select distinct on (target.alert_id) target.alert_id, silence.id as silence_id,
               silence.effective_classification as silence_classification
          from target
          join parley_data.silences silence
            on silence.lifted_at is null and silence.ends_at > plan_recipients.at
           and target.classification <= silence.ceiling
           and (silence.track_id is null or silence.track_id = target.track_id)
           and (silence.item_id is null or silence.item_id = target.item_id)
           and (silence.commitment_id is null or silence.commitment_id = target.commitment_id)
           and (silence.kind is null or silence.kind = target.kind)
         order by target.alert_id, silence.id
    ),
    candidate as (
        select target.alert_id, target.responsible_id as person_id, 1 as rank, target.classification,
               target.send_after, target.is_new
          from target
         where target.kind <> 'resolved' and target.responsible_id is not null
        union all
        select target.alert_id, target.escalated_to_id, 2, target.classification, target.send_after, target.is_new
          from target
         where target.escalated_to_id is not null
        union all
        -- Subscriptions, in four equality joins rather than one join with ORs, so that each can hash.
        select target.alert_id, subscription.person_id, 3, target.classification, target.send_after, target.is_new
          from target
          join parley_data.subscriptions subscription
            on subscription.track_id = target.track_id and subscription.item_id = target.item_id
         where target.kind not in ('resolved', 'breached') and subscription.min_severity <= target.severity
        union all
        select target.alert_id, subscription.person_id, 3, target.classification, target.send_after, target.is_new
          from target
          join parley_data.subscriptions subscription
            on subscription.track_id = target.track_id and subscription.item_id is null
         where target.kind not in ('resolved', 'breached') and subscription.min_severity <= target.severity
        union all
        select target.alert_id, subscription.person_id, 3, target.classification, target.send_after, target.is_new
          from target
          join parley_data.subscriptions subscription
            on subscription.track_id is null and subscription.item_id = target.item_id
         where target.kind not in ('resolved', 'breached') and subscription.min_severity <= target.severity
        union all
        select target.alert_id, subscription.person_id, 3, target.classification, target.send_after, target.is_new
          from target
          join parley_data.subscriptions subscription
            on subscription.track_id is null and subscription.item_id is null
         where target.kind not in ('resolved', 'breached') and subscription.min_severity <= target.severity
        union all
        -- An agreement on several tracks: the subscribers of its other tracks as well (to the track as a whole).
        select target.alert_id, subscription.person_id, 3, target.classification, target.send_after, target.is_new
          from target
          join parley_data.agreement_tracks link
            on target.subject_type = 'agreement' and link.agreement_id = target.subject_id and link.track_id <> target.track_id
          join parley_data.subscriptions subscription on subscription.track_id = link.track_id and subscription.item_id is null
         where subscription.min_severity <= target.severity
        union all
        -- Resolved, breached: everyone who received, or was to receive, an overdue alert about the commitment (not
        -- those a silence held back, nor those cancelled for another reason than the fulfilment or breach itself).
        -- (Lateral, so that the few resolved and breached alerts drive index lookups whatever the statistics say.)
        select target.alert_id, told.person_id, 4, target.classification, target.send_after, target.is_new
          from target
         cross join lateral (
                select delivery.person_id
                  from parley_data.alerts overdue_alert
                  join parley_data.deliveries delivery on delivery.alert_id = overdue_alert.id
                 where overdue_alert.subject_type = 'commitment' and overdue_alert.subject_id = target.subject_id
                   and overdue_alert.kind = 'overdue' and overdue_alert.id <= target.related_alert_id
                   and (delivery.state in ('pending', 'sending', 'sent', 'failed')
                        or (delivery.state = 'cancelled'
                            and delivery.cancel_reason = case target.kind when 'resolved' then 'commitment fulfilled'
                                                                          else 'commitment breached' end))
               ) told
         where target.kind in ('resolved', 'breached')
    ),
    wanted as materialized (
        select candidate.alert_id, candidate.person_id, min(candidate.rank) as rank,
               min(candidate.send_after) as send_after, bool_or(candidate.is_new) as is_new,
               max(candidate.classification) as classification
          from candidate
          join parley_data.people person on person.id = candidate.person_id
         where person.active and person.clearance >= candidate.classification
         group by candidate.alert_id, candidate.person_id
    ),
    -- Each wanted delivery as it is written: its reason, and suppressed when a silence holds its alert back. (Not
    -- materialized: each insert below reads it with its own condition, as if written there.)
    owed as not materialized (
        select wanted.alert_id, wanted.person_id,
               (array['responsible', 'escalation', 'subscription', 'alerted about overdue'])[wanted.rank] as reason,
               case when silenced.silence_id is null then 'pending' else 'suppressed' end::parley.delivery_state
                   as state,
               wanted.send_after, silenced.silence_id, silenced.silence_classification, wanted.classification,
               wanted.is_new
          from wanted
          left join silenced on silenced.alert_id = wanted.alert_id
    ),
    -- The deliveries of alerts this plan created: none can be there yet (the alert is new), so a plain insert,
    -- in the order of the unique index on alert and person (the new alerts' ids ascend), each entry at its end.
    created_new as (
        insert into parley_data.deliveries
               (alert_id, person_id, reason, state, send_after, silence_id, silence_classification, classification)
        select owed.alert_id, owed.person_id, owed.reason, owed.state, owed.send_after, owed.silence_id,
               owed.silence_classification, owed.classification
          from owed where owed.is_new
         order by owed.alert_id, owed.person_id
        returning 1
    ),
    created as (
        insert into parley_data.deliveries
               (alert_id, person_id, reason, state, send_after, silence_id, silence_classification, classification)
        select owed.alert_id, owed.person_id, owed.reason, owed.state, owed.send_after, owed.silence_id,
               owed.silence_classification, owed.classification
          from owed where not owed.is_new
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
    -- (Each waiting alert's deliveries are looked up per alert, by its id and level, and the ones no longer wanted
    -- cancelled by id: joined to the targets, PostgreSQL merge-joined every pending delivery against them when it
    -- took one target for 800,000 rows (the partitions above unclassified have no statistics), 120 ms of a plan
    -- of one commitment with an alert waiting at L; BENCHMARKS.md, figure 3.)
    dropped as (
        update parley_data.deliveries delivery
           set state = 'cancelled', cancelled_at = plan_recipients.at, cancel_reason = 'no longer a recipient'
         where delivery.state = 'pending'
           and delivery.id = any (array(
                select waiting.id
                  from target
                 cross join lateral (
                        select d.id, d.person_id
                          from parley_data.deliveries d
                         where d.alert_id = target.alert_id and d.classification = target.classification
                           and d.state = 'pending'
                        offset 0
                       ) waiting
                 where not target.is_new
                   and not exists (select 1 from wanted
                                    where wanted.alert_id = target.alert_id and wanted.person_id = waiting.person_id)))
        returning 1
    ),
    hushed as (
        update parley_data.deliveries delivery
           set state = 'suppressed', silence_id = silenced.silence_id,
               silence_classification = silenced.silence_classification
          from silenced
          join target on target.alert_id = silenced.alert_id
         where not target.is_new and delivery.alert_id = silenced.alert_id and delivery.state = 'pending'
           and exists (select 1 from wanted
                        where wanted.alert_id = delivery.alert_id and wanted.person_id = delivery.person_id)
        returning 1
    )
    select (select count(*) from created_new) + (select count(*) from created) into n_created;
    perform parley_data.plan_analyze_grown('parley_data.deliveries', n_created);
    return n_created;
end
$$;
comment on function parley_data.plan_recipients(timestamptz) is
    'Planning: creates the deliveries of new alerts and reconsiders the recipients of alerts still waiting to go out; returns how many deliveries it created.';
