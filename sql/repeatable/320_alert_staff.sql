-- What staff do with alerts: acknowledge, snooze, silence, lift a silence, change a rule.
set local role parley_owner;

-- What staff do with alerts ---------------------------------------------------------------------------------------

-- The alert with this id if the caller may see it (refuses otherwise, as if it did not exist), locked, for a staff
-- action on it: a cancelled alert is refused too, saying what it then is (`cancelled_means`, e.g. 'needs no
-- acknowledgement') and, in `hint`, what to do instead.
drop function if exists parley_data.visible_alert(bigint);
create or replace function parley_data.visible_alert(alert_id bigint, cancelled_means text, hint text)
    returns parley_data.alerts
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    found_alert parley_data.alerts;
begin
    perform parley_data.require_argument('alert_id', visible_alert.alert_id is not null,
        'Give the alert''s number, as parley.alerts and parley.alert_queue show it.');
    select * into found_alert from parley_data.alerts a where a.id = visible_alert.alert_id for update;
    if not found or found_alert.classification > parley_data.session_clearance() then
        perform parley_data.refuse('23503', 'alert_id', 'alert_exists',
            format('alert %s does not exist', visible_alert.alert_id),
            'Look the alert up in parley.alerts or parley.alert_queue.');
    end if;
    if found_alert.state = 'cancelled' then
        perform parley_data.refuse('23514', 'alert_id', 'alert_not_cancelled',
            format('alert %s was cancelled (%s) and %s', found_alert.id, found_alert.cancel_reason,
                   visible_alert.cancelled_means),
            visible_alert.hint);
    end if;
    return found_alert;
end
$$;
comment on function parley_data.visible_alert(bigint, text, text) is
    'The alert with this id, locked, for a staff action; refuses one that does not exist or is above the caller''s clearance, and one that was cancelled (cancelled_means and hint say what that means for the action).';

create or replace function parley.acknowledge_alert(alert_id bigint, note text default null) returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    target parley_data.alerts;
begin
    perform parley_data.check_free_text('note', acknowledge_alert.note, 'alerts_acknowledgement_note_length');
    target := parley_data.visible_alert(acknowledge_alert.alert_id, 'needs no acknowledgement',
        'Acknowledge an alert that is planned.');
    update parley_data.alerts a
       set state = 'acknowledged',
           acknowledged_at = coalesce(a.acknowledged_at, now()),
           acknowledged_by = coalesce(a.acknowledged_by, session_user),
           acknowledgement_note = coalesce(nullif(btrim(acknowledge_alert.note), ''), a.acknowledgement_note)
     where a.id = target.id;
    -- The subject's next alert changes (an overdue series stops repeating).
    perform parley_data.queue_plan(target.subject_type::text, target.subject_id);
    return target.id;
end
$$;
comment on function parley.acknowledge_alert(bigint, text) is
    'Says you have an alert in hand: acknowledge_alert(alert_id => 42, note => ''chasing the Ministry''). An overdue commitment then gets no further repeats until its deadline moves (or it is reopened). Returns the alert''s number.';

create or replace function parley.snooze_alert(alert_id bigint, until timestamptz) returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    target parley_data.alerts;
begin
    perform parley_data.require_argument('until', snooze_alert.until is not null,
        'Say until when, e.g. until => now() + interval ''2 days''.');
    target := parley_data.visible_alert(snooze_alert.alert_id, 'cannot be snoozed', 'Snooze an alert that is planned.');
    if snooze_alert.until <= target.due_at then
        perform parley_data.refuse('23514', 'until', 'snooze_after_due',
            format('until %s is not after the alert''s due time %s', snooze_alert.until, target.due_at),
            'Snooze until a later moment.');
    end if;
    update parley_data.alerts a
       set snoozed_until = snooze_alert.until, snoozed_by = session_user
     where a.id = target.id;
    update parley_data.deliveries d
       set send_after = greatest(d.send_after, snooze_alert.until)
     where d.alert_id = target.id and d.state = 'pending';
    perform parley_data.queue_plan(target.subject_type::text, target.subject_id);
    return target.id;
end
$$;
comment on function parley.snooze_alert(bigint, timestamptz) is
    'Holds an alert back: snooze_alert(alert_id => 42, until => ''2025-06-02 09:00 Europe/Kyiv''). Its deliveries not yet sent wait until then, and an overdue commitment gets no repeat before then. Returns the alert''s number.';

create or replace function parley.silence(
    track text default null, item text default null, commitment text default null,
    kind parley.alert_kind default null, until timestamptz default null, reason text default null)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_track bigint;
    this_item bigint;
    this_commitment bigint;
    new_id bigint;
begin
    perform parley_data.check_free_text('reason', silence.reason, 'silences_reason_length');
    if num_nonnulls(silence.track, silence.item, silence.commitment, silence.kind) = 0 then
        perform parley_data.refuse('23502', 'track', 'silence_scope_given',
            'say what to silence: a track, an item, a commitment or a kind',
            'E.g. silence(track => ''istanbul'', until => now() + interval ''3 days'', reason => ''round in progress'').');
    end if;
    perform parley_data.require_argument('until', silence.until is not null,
        'A silence always ends: give until => a moment in the future.');
    if silence.until <= now() then
        perform parley_data.refuse('23514', 'until', 'until_in_future',
            format('until %s is not in the future', silence.until), 'Give a moment in the future.');
    end if;
    perform parley_data.require_argument('reason', nullif(btrim(silence.reason), '') is not null,
        'Say why, for the colleagues who will wonder where their alerts went.');
    -- What it names, each looked up only when given.
    this_track := case when silence.track is not null then parley_data.track_id(silence.track) end;
    this_item := case when silence.item is not null then parley_data.item_id(silence.item) end;
    this_commitment := case when silence.commitment is not null then parley_data.commitment_id(silence.commitment) end;
    -- It holds back alerts up to the clearance of whoever sets it, and is shown at the level of what it names.
    insert into parley_data.silences (track_id, item_id, commitment_id, kind, reason, ends_at, ceiling,
                                      track_classification, commitment_classification, effective_classification)
    values (this_track, this_item, this_commitment, silence.kind, btrim(silence.reason), silence.until,
            parley_data.session_clearance(),
            parley_data.track_level(this_track), parley_data.commitment_level(this_commitment),
            greatest('unclassified', parley_data.track_level(this_track), parley_data.commitment_level(this_commitment)))
    returning id into new_id;
    return new_id;
end
$$;
comment on function parley.silence(text, text, text, parley.alert_kind, timestamptz, text) is
    'Silences alerts until a moment, for a reason: silence(track => ''istanbul'', item => ..., commitment => ..., kind => ''stale'', until => now() + interval ''3 days'', reason => ''round in progress''). What is given must all match. Matching alerts classified no higher than your clearance are still recorded, but their deliveries (also those already waiting) are suppressed; parley.silences and parley.alert_log show why. Only someone cleared as high as you may lift it. Returns the silence''s number.';

create or replace function parley.lift_silence(silence_id bigint) returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    target parley_data.silences;
begin
    perform parley_data.require_argument('silence_id', lift_silence.silence_id is not null,
        'Give the silence''s number, as parley.silences shows it.');
    select * into target from parley_data.silences s
     where s.id = lift_silence.silence_id and s.effective_classification <= parley_data.session_clearance()
       for update;
    if not found then
        perform parley_data.refuse('23503', 'silence_id', 'silence_exists',
            format('silence %s does not exist', lift_silence.silence_id), 'See parley.silences.');
    end if;
    if target.ceiling > parley_data.session_clearance() then
        perform parley_data.refuse('42501', 'silence_id', 'silence_within_clearance',
            format('silence %s holds back alerts up to %s, above your clearance: only someone cleared that high may lift it',
                   target.id, target.ceiling),
            format('Ask %s, who set it, or a colleague cleared for %s.', target.created_by, target.ceiling));
    end if;
    if target.lifted_at is not null then
        perform parley_data.refuse('23514', 'silence_id', 'silence_not_lifted',
            format('silence %s was already lifted at %s by %s', target.id, target.lifted_at, target.lifted_by),
            'Nothing to do.');
    end if;
    update parley_data.silences s set lifted_at = now(), lifted_by = session_user where s.id = target.id;
    return target.id;
end
$$;
comment on function parley.lift_silence(bigint) is
    'Ends a silence now: alerts planned from now on are delivered again (deliveries it already suppressed stay suppressed). Returns the silence''s number.';

create or replace function parley.set_alert_rule(
    kind parley.alert_kind, enabled boolean default null, severity parley.severity default null,
    lead_times interval[] default null, delay interval default null, repeat_every interval default null,
    escalate_after interval default null)
    returns parley.alert_kind
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.require_argument('kind', set_alert_rule.kind is not null,
        'Name the rule, e.g. kind => ''overdue''; parley.alert_rules lists them.');
    if set_alert_rule.lead_times is not null then
        if set_alert_rule.kind not in ('due_soon', 'meeting_upcoming', 'term_ending', 'objection_deadline') then
            perform parley_data.refuse('23514', 'lead_times', 'alert_rules_lead_times_where_used',
                format('lead_times do not apply to %s', set_alert_rule.kind),
                'Only due_soon, meeting_upcoming, term_ending and objection_deadline have lead times.');
        end if;
        if cardinality(set_alert_rule.lead_times) not between 1 and 10
           or exists (select 1 from unnest(set_alert_rule.lead_times) l
                       where l is null or l <= interval '0' or l > interval '366 days') then
            perform parley_data.refuse('23514', 'lead_times', 'alert_rules_lead_times_positive',
                format('lead_times %s must be 1 to 10 periods, each longer than 0 and at most 366 days', set_alert_rule.lead_times),
                'E.g. lead_times => ''{7 days, 1 day}''.');
        end if;
    end if;
    if set_alert_rule.delay is not null then
        if set_alert_rule.kind not in ('stale', 'meeting_outcome_missing', 'agreement_suspended', 'agreement_withdrawal') then
            perform parley_data.refuse('23514', 'delay', 'alert_rules_delay_where_used',
                format('delay does not apply to %s', set_alert_rule.kind),
                'Only stale, meeting_outcome_missing, agreement_suspended and agreement_withdrawal have a delay.');
        end if;
        if set_alert_rule.delay < interval '0' or set_alert_rule.delay > interval '3660 days' then
            perform parley_data.refuse('23514', 'delay', 'alert_rules_delay_not_negative',
                format('delay %s is outside 0 .. 3660 days', set_alert_rule.delay), 'E.g. delay => ''30 days''.');
        end if;
    end if;
    if (set_alert_rule.repeat_every is not null or set_alert_rule.escalate_after is not null)
       and set_alert_rule.kind <> 'overdue' then
        perform parley_data.refuse('23514',
            case when set_alert_rule.repeat_every is not null then 'repeat_every' else 'escalate_after' end,
            'alert_rules_repeat_for_overdue',
            format('repeats and escalation do not apply to %s', set_alert_rule.kind), 'Only overdue repeats and escalates.');
    end if;
    if set_alert_rule.repeat_every is not null and set_alert_rule.repeat_every <> interval '0'
       and set_alert_rule.repeat_every < interval '1 hour' then
        perform parley_data.refuse('23514', 'repeat_every', 'alert_rules_repeat_at_least_an_hour',
            format('repeat_every %s is shorter than an hour', set_alert_rule.repeat_every),
            'E.g. repeat_every => ''3 days''; ''0'' stops repeats.');
    end if;
    if set_alert_rule.escalate_after is not null and set_alert_rule.escalate_after < interval '0' then
        perform parley_data.refuse('23514', 'escalate_after', 'alert_rules_escalation_positive',
            format('escalate_after %s is negative', set_alert_rule.escalate_after),
            'E.g. escalate_after => ''14 days''; ''0'' stops escalation.');
    end if;
    update parley_data.alert_rules r
       set enabled = coalesce(set_alert_rule.enabled, r.enabled),
           severity = coalesce(set_alert_rule.severity, r.severity),
           lead_times = coalesce(set_alert_rule.lead_times, r.lead_times),
           delay = coalesce(set_alert_rule.delay, r.delay),
           repeat_every = case when set_alert_rule.repeat_every is null then r.repeat_every
                               else nullif(set_alert_rule.repeat_every, interval '0') end,
           escalate_after = case when set_alert_rule.escalate_after is null then r.escalate_after
                                 else nullif(set_alert_rule.escalate_after, interval '0') end,
           updated_at = now(), updated_by = session_user
     where r.kind = set_alert_rule.kind;
    return set_alert_rule.kind;
end
$$;
comment on function parley.set_alert_rule(parley.alert_kind, boolean, parley.severity, interval[], interval, interval, interval) is
    'Changes an alert rule for everybody (administrators only, parley_admin): set_alert_rule(kind => ''overdue'', enabled, severity, lead_times => ''{7 days, 1 day}'', delay => ''30 days'', repeat_every => ''3 days'', escalate_after => ''14 days''). Parameters left out keep their value; repeat_every or escalate_after ''0'' turns repeats or escalation off. Disabling a rule cancels its alerts not yet sent. Everything is replanned. Returns the kind.';

-- The mail ceiling: what may leave by e-mail is the administrator's to decide, not the mailer's environment's.
create or replace function parley.set_mail_ceiling(classification parley.classification)
    returns parley.classification
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.require('classification', set_mail_ceiling.classification is not null);
    perform parley_data.check_clearance('classification', set_mail_ceiling.classification);
    update parley_data.alert_settings
       set mail_ceiling = set_mail_ceiling.classification, updated_at = now(), updated_by = session_user;
    return set_mail_ceiling.classification;
end
$$;
comment on function parley.set_mail_ceiling(parley.classification) is
    'Sets the highest classification whose details alert e-mails may carry (administrators only, parley_admin; default restricted): set_mail_ceiling(''confidential''). Above it a mail says only that an alert exists and how to look it up. A mailer''s PARLEY_MAIL_MAX_CLASSIFICATION can lower it, never raise it.';
