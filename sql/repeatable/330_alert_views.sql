-- Staff views of alerting: alert_rules, alerts, alert_queue, alert_log, silences, delivery_failures.
set local role parley_owner;

-- Views -----------------------------------------------------------------------------------------------------------

create or replace view parley.alert_rules with (security_invoker = true) as
select r.kind, r.subject_type as about, r.enabled, r.severity, r.lead_times, r.delay, r.repeat_every,
       r.escalate_after, r.description, r.updated_at, r.updated_by
  from parley_data.alert_rules r
 order by r.kind;
comment on view parley.alert_rules is 'The alert rules in force: what each kind of alert is about, whether it is on, its severity and timing. Change them with parley.set_alert_rule.';
comment on column parley.alert_rules.lead_times is 'How long before the deadline (due_soon), the meeting (meeting_upcoming), the end of an agreement''s term (term_ending) or the last day to object to its automatic renewal (objection_deadline) to alert, on the track''s (the agreement''s) clock.';
comment on column parley.alert_rules.delay is 'How long without an update (stale), or after a meeting ended (meeting_outcome_missing); for agreement_suspended and agreement_withdrawal, how long after the day it was announced a suspension or withdrawal may be recorded and still be told (later, it is history, not news).';
comment on column parley.alert_rules.repeat_every is 'How often an overdue alert repeats; empty: it does not.';
comment on column parley.alert_rules.escalate_after is 'From how long after the deadline the track''s lead also gets the overdue alerts; empty: never.';

create or replace view parley.alerts with (security_invoker = true) as
select a.id, a.kind, a.severity, a.subject_type, a.subject_code as subject, t.code as track, a.occurrence, a.due_at,
       a.state, a.escalated, resp.name as responsible,
       (select count(*) from parley_data.deliveries d where d.alert_id = a.id) as recipients,
       (select count(*) from parley_data.deliveries d where d.alert_id = a.id and d.state = 'sent') as sent,
       a.acknowledged_at, a.acknowledged_by, a.acknowledgement_note, a.snoozed_until, a.cancelled_at, a.cancel_reason,
       parley_data.shown_level(a.classification) as classification, a.created_at
  from parley_data.alerts a
  left join parley_data.tracks t on t.id = a.track_id
  left join parley_data.people resp on resp.id = a.responsible_id
 order by a.due_at desc, a.id desc;
comment on view parley.alerts is 'Every alert you are cleared to see, newest first: what, about what, when due, and what became of it (acknowledged, snoozed, cancelled and why). Use its id with acknowledge_alert and snooze_alert.';
comment on column parley.alerts.subject is 'The code of the commitment, meeting, follow-up or agreement.';
comment on column parley.alerts.occurrence is 'Which firing this is, e.g. "2025-05-25 -7 days" (a week before the 25 May deadline) or "2025-05-25 #3" (fourth overdue reminder).';
comment on column parley.alerts.escalated is 'An overdue alert late enough for the track''s lead to be told too.';
comment on column parley.alerts.responsible is 'Who answers for the subject: commitment owner, follow-up assignee, the track''s lead for a meeting, the agreement''s owner (else its first track''s lead) for an agreement.';
comment on column parley.alerts.recipients is 'How many people it is addressed to (including suppressed and cancelled deliveries).';
comment on column parley.alerts.sent is 'How many of them it has been mailed to.';

create or replace view parley.alert_queue with (security_invoker = true) as
select d.id as delivery_id, a.id as alert_id, a.kind, a.severity, a.subject_type, a.subject_code as subject,
       t.code as track, a.due_at, d.send_after, d.state, p.name as recipient, p.email as recipient_email,
       d.reason as recipient_because, d.attempts, d.last_error, a.escalated, a.snoozed_until,
       case when d.state = 'suppressed'
            then format('silenced (silence %s, until %s): %s', s.id, s.ends_at, s.reason) end as held_back_because,
       d.lease_until
  from parley_data.deliveries d
  join parley_data.alerts a on a.id = d.alert_id
  join parley_data.people p on p.id = d.person_id
  left join parley_data.tracks t on t.id = a.track_id
  left join parley_data.silences s on s.id = d.silence_id
 -- Written so that the condition on the delivery alone comes first: it is the predicate of the partial index on
 -- waiting deliveries in send order (000010), which hands out a page without sorting them all (8 s → a few ms for
 -- `limit 50` at a million commitments). An OR across the two tables would hide it from the planner.
 where d.state in ('pending', 'sending', 'suppressed')
   and (d.state <> 'suppressed' or (s.lifted_at is null and s.ends_at > now()))
 order by d.send_after, d.id;
comment on view parley.alert_queue is
    'Alerts planned and not yet sent: to whom, when (send_after), and whether they are being sent now; also those a silence in force is holding back, and why.';
comment on column parley.alert_queue.send_after is 'Not mailed before this moment: the alert''s due time, a snooze, or a retry after a failed attempt.';
comment on column parley.alert_queue.state is 'pending (waiting for the mailer), sending (a mailer run has it), suppressed (held back by a silence: it will not be sent).';
comment on column parley.alert_queue.recipient_because is 'responsible, escalation, subscription, or alerted about overdue (for resolved and breached).';
comment on column parley.alert_queue.attempts is 'How many times the mailer has tried; last_error says why the last try failed.';
comment on column parley.alert_queue.held_back_because is 'For a suppressed delivery: the silence, until when, and its reason.';
comment on column parley.alert_queue.lease_until is 'While sending: when the mailer run''s claim lapses.';

create or replace view parley.alert_log with (security_invoker = true) as
select d.id as delivery_id, a.id as alert_id, a.kind, a.severity, a.subject_type, a.subject_code as subject,
       t.code as track, a.due_at, d.state as outcome,
       coalesce(d.sent_at, d.last_failed_at, d.cancelled_at, d.created_at) as at,
       d.sent_at, d.message_id, p.name as recipient, p.email as recipient_email, d.reason as recipient_because,
       case d.state
           when 'suppressed' then format('silenced (silence %s): %s', s.id, s.reason)
           when 'cancelled' then d.cancel_reason
           when 'failed' then format('gave up after %s attempts: %s', d.attempts, d.last_error)
       end as why,
       a.acknowledged_at, a.acknowledged_by
  from parley_data.deliveries d
  join parley_data.alerts a on a.id = d.alert_id
  join parley_data.people p on p.id = d.person_id
  left join parley_data.tracks t on t.id = a.track_id
  left join parley_data.silences s on s.id = d.silence_id
 where d.state in ('sent', 'suppressed', 'cancelled', 'failed')
 order by coalesce(d.sent_at, d.last_failed_at, d.cancelled_at, d.created_at) desc, d.id desc;
comment on view parley.alert_log is
    'What became of each alert for each recipient, newest first: sent (when, with which Message-ID), suppressed by a silence, cancelled before it went out, or failed; why, for all but sent.';
comment on column parley.alert_log.outcome is 'sent, suppressed (a silence held it back), cancelled (it no longer applied before it went out), failed (the mailer gave up).';
comment on column parley.alert_log.at is 'When it was sent, failed, cancelled, or (suppressed) recorded.';
comment on column parley.alert_log.message_id is 'The Message-ID of the mail that carried it: search your mailbox or the mail log for it.';
comment on column parley.alert_log.why is 'For an alert not sent: the silence and its reason, why it was cancelled, or the last error.';

create or replace view parley.silences with (security_invoker = true) as
select s.id, t.code as track, i.code as item, c.code as commitment, s.kind, s.reason, s.ends_at as until,
       s.lifted_at is null and s.ends_at > now() as in_force,
       s.created_at, s.created_by, s.lifted_at, s.lifted_by,
       (select count(*) from parley_data.deliveries d where d.silence_id = s.id) as deliveries_suppressed
  from parley_data.silences s
  left join parley_data.tracks t on t.id = s.track_id
  left join parley_data.agenda_items i on i.id = s.item_id
  left join parley_data.commitments c on c.id = s.commitment_id
 order by s.lifted_at is null and s.ends_at > now() desc, s.ends_at desc, s.id desc;
comment on view parley.silences is
    'Silences, those in force first: what they cover (track, item, commitment, kind: all given must match), until when, why, who asked, and how many deliveries they held back. parley.silence adds one, parley.lift_silence ends one.';
comment on column parley.silences.in_force is 'True while it holds alerts back: not lifted and not yet ended.';
comment on column parley.silences.deliveries_suppressed is 'How many alert deliveries it has held back.';

create or replace view parley.delivery_failures with (security_invoker = true) as
select d.id as delivery_id, a.id as alert_id, a.kind, a.severity, a.subject_type, a.subject_code as subject,
       t.code as track, a.due_at, p.name as recipient, p.email as recipient_email, d.attempts,
       d.last_failed_at as failed_at, d.last_error
  from parley_data.deliveries d
  join parley_data.alerts a on a.id = d.alert_id
  join parley_data.people p on p.id = d.person_id
  left join parley_data.tracks t on t.id = a.track_id
 where d.state = 'failed'
 order by d.last_failed_at desc, d.id desc;
comment on view parley.delivery_failures is
    'Alert deliveries the mailer gave up on after its last attempt, newest first, with the last error. The recipient was not told: tell them another way.';
