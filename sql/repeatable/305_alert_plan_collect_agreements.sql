-- Alert planning, part 3 (continued): collect what the agreements being planned deserve, as 304 does for
-- commitments, meetings and follow-ups (plan_collect calls this with them).
set local role parley_owner;

-- Agreements: term_ending and objection_deadline (reminders before the end of the current term's last day, and
-- before the end of the last day to object to its automatic renewal: due_soon's arithmetic), term_expired (at the
-- end of the term: follow_up_due's, a moment), while the agreement is in force or suspended; a renewal makes a new
-- current term, so that what was planned about the old one no longer applies. agreement_suspended and
-- agreement_withdrawal are told at once, one per suspension (of a party, or of the agreement) and withdrawal, when
-- it is recorded within the rule's delay after the end of the day it was announced (a history entered long after
-- the fact is not news). Told to the agreement's owner, else its first track's lead, and (307) the subscribers of
-- its tracks.
create or replace function parley_data.plan_collect_agreements(at timestamptz) returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    ending_rule parley_data.alert_rules;
    objection_rule parley_data.alert_rules;
    expired_rule parley_data.alert_rules;
    suspended_rule parley_data.alert_rules;
    withdrawal_rule parley_data.alert_rules;
begin
    select * into ending_rule from parley_data.alert_rules r where r.kind = 'term_ending';
    select * into objection_rule from parley_data.alert_rules r where r.kind = 'objection_deadline';
    select * into expired_rule from parley_data.alert_rules r where r.kind = 'term_expired';
    select * into suspended_rule from parley_data.alert_rules r where r.kind = 'agreement_suspended';
    select * into withdrawal_rule from parley_data.alert_rules r where r.kind = 'agreement_withdrawal';

    with agreement as materialized (
        select a.id, a.code, a.classification, a.timezone as time_zone, a.status, l.track_id,
               coalesce(a.owner_id, t.lead_id) as responsible_id, t.lead_id,
               term.ends_on, term.created_at as term_recorded_at,
               parley_data.objection_deadline(term.ends_on, term.objection_notice) as objection_on,
               parley_data.deadline_at(term.ends_on, a.timezone) as term_end_at,
               a.status in ('in_force', 'suspended') and term.ends_on is not null as running,
               'term ' || term.number || ' ends ' || term.ends_on as term_basis,
               'term ' || term.number || ' objections by '
                   || parley_data.objection_deadline(term.ends_on, term.objection_notice) as objection_basis
          from pg_temp.plan_subjects s
          join parley_data.agreements a on a.id = s.subject_id
          join parley_data.agreement_tracks l on l.agreement_id = a.id and l.position = 1
          join parley_data.tracks t on t.id = l.track_id
          left join lateral (select x.* from parley_data.agreement_terms x
                              where x.agreement_id = a.id order by x.number desc limit 1) term on true
         where s.subject_type = 'agreement'
    ),
    timing as materialized (
        select agreement.*,
               ending.lead as ending_lead, ending.due_at as ending_due_at, ending.next_at as ending_next_at,
               objection.lead as objection_lead, objection.due_at as objection_due_at,
               objection.next_at as objection_next_at,
               expired.due_at as expired_due_at, expired.next_at as expired_next_at
          from agreement
          left join lateral (
                select o.* from parley_data.due_soon_occurrence(agreement.ends_on, agreement.time_zone,
                                                                ending_rule.lead_times, agreement.term_recorded_at, at) o
                 where agreement.running and ending_rule.enabled
               ) ending on true
          left join lateral (
                select o.* from parley_data.due_soon_occurrence(agreement.objection_on, agreement.time_zone,
                                                                objection_rule.lead_times, agreement.term_recorded_at, at) o
                 where agreement.running and agreement.objection_on is not null and objection_rule.enabled
               ) objection on true
          left join lateral (
                select o.* from parley_data.follow_up_due_occurrence(agreement.term_end_at, at) o
                 where agreement.running and expired_rule.enabled
               ) expired on true
    ),
    news as (
        select p.agreement_id,
               case p.change when 'withdrawn' then 'agreement_withdrawal' else 'agreement_suspended' end::parley.alert_kind
                   as kind,
               'participation #' || p.id as occurrence, p.created_at as due_at
          from parley_data.agreement_participation p
          join agreement on agreement.id = p.agreement_id
         where p.change in ('suspended', 'withdrawn') and p.created_at <= at
           and case p.change when 'withdrawn' then withdrawal_rule.enabled else suspended_rule.enabled end
           and p.created_at <= parley_data.deadline_at(p.announced_on, agreement.time_zone)
                               + case p.change when 'withdrawn' then withdrawal_rule.delay else suspended_rule.delay end
        union all
        select e.agreement_id, 'agreement_suspended', 'status #' || e.id, e.created_at
          from parley_data.agreement_status_events e
          join agreement on agreement.id = e.agreement_id
         where e.status = 'suspended' and e.created_at <= at and suspended_rule.enabled
           and e.created_at <= parley_data.deadline_at(e.happened_on, agreement.time_zone) + suspended_rule.delay
    ),
    due as (
        insert into pg_temp.plan_due (subject_type, subject_id, kind, subject_code, basis, occurrence, due_at,
                                      classification, track_id, item_id, commitment_id, responsible_id,
                                      escalated, escalated_to_id, related_alert_id)
        select 'agreement', timing.id, alert.kind, timing.code, alert.basis, alert.occurrence, alert.due_at,
               timing.classification, timing.track_id, null, null, timing.responsible_id, false, null, null
          from timing
         cross join lateral (
                select 'term_ending'::parley.alert_kind as kind, timing.term_basis as basis,
                       timing.term_basis || ' -' || timing.ending_lead::text as occurrence,
                       timing.ending_due_at as due_at
                 where timing.ending_lead is not null
                union all
                select 'objection_deadline', timing.objection_basis,
                       timing.objection_basis || ' -' || timing.objection_lead::text, timing.objection_due_at
                 where timing.objection_lead is not null
                union all
                select 'term_expired', timing.term_basis, timing.term_basis, timing.expired_due_at
                 where timing.expired_due_at is not null
                union all
                -- One basis for all news: it never moves, so only a disabled rule or a deletion cancels it.
                select news.kind, 'announced', news.occurrence, news.due_at from news where news.agreement_id = timing.id
               ) alert
         -- Most of what is due was created by an earlier plan (existing_alert).
         left join lateral parley_data.existing_alert('agreement', timing.id, alert.kind, alert.occurrence) existing on true
         where existing.found is null
        returning 1
    )
    insert into pg_temp.plan_state (subject_type, subject_id, subject_code, next_at, bases, state_label, classification,
                                    track_id, item_id, commitment_id, responsible_id, lead_id)
    select 'agreement', timing.id, timing.code,
           least(timing.ending_next_at, timing.objection_next_at, timing.expired_next_at),
           jsonb_strip_nulls(jsonb_build_object(
               'term_ending', case when timing.ending_lead is not null or timing.ending_next_at is not null
                                   then timing.term_basis end,
               'objection_deadline', case when timing.objection_lead is not null or timing.objection_next_at is not null
                                          then timing.objection_basis end,
               'term_expired', case when timing.running and expired_rule.enabled then timing.term_basis end,
               'agreement_suspended', case when suspended_rule.enabled then 'announced' end,
               'agreement_withdrawal', case when withdrawal_rule.enabled then 'announced' end)),
           case when timing.status not in ('in_force', 'suspended') then 'agreement ' || replace(timing.status::text, '_', ' ')
                when timing.ends_on is null then 'term without end'
                when timing.term_end_at <= at then 'term ended'
                when parley_data.deadline_at(timing.objection_on, timing.time_zone) <= at then 'last day to object passed' end,
           timing.classification, timing.track_id, null, null, timing.responsible_id, timing.lead_id
      from timing;
end
$$;
comment on function parley_data.plan_collect_agreements(timestamptz) is
    'Planning: for the agreements being planned, the alerts due at `at` (term_ending, objection_deadline, term_expired about the current term; agreement_suspended and agreement_withdrawal at once, for news) and when each next deserves one.';
