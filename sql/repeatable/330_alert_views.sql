-- Staff views of alerting: alert_rules, alerts, alert_queue, alert_log, silences, delivery_failures.
set local role parley_owner;

-- Views -----------------------------------------------------------------------------------------------------------

create or replace view parley.alert_rules with (security_invoker = true) as
select r.kind, r.subject_type as about, r.enabled, r.severity, r.lead_times, r.delay, r.repeat_every,
       r.escalate_after, r.description, r.updated_at, r.updated_by
  from parley_data.alert_rules r
 order by r.kind;
comment on view parley.alert_rules is 'The alert rules in force: what each kind of alert is about, whether it is on, its severity and timing. Change them with parley.set_alert_rule.';
select parley_data.comment_columns('parley.alert_rules', array[
    ['kind', 'The kind of alert the rule makes: due_soon, overdue, stale, meeting_upcoming, meeting_outcome_missing, follow_up_due, resolved, breached, term_ending, objection_deadline, term_expired, agreement_suspended or agreement_withdrawal (the name set_alert_rule takes).'],
    ['about', 'What its alerts are about: commitment, meeting, follow_up or agreement.'],
    ['enabled', 'Whether alerts of this kind are planned; turning a rule off cancels its alerts not yet sent.'],
    ['severity', 'The severity its alerts get when created: info, warning or critical (subscribers receive those at or above their min_severity).'],
    ['lead_times', 'How long before the deadline (due_soon), the meeting''s start (meeting_upcoming), the end of an agreement''s term (term_ending) or the last day to object to its automatic renewal (objection_deadline) to alert, one alert per lead, e.g. {7 days, 1 day}, counted on the track''s (the agreement''s) clock; empty for the other kinds.'],
    ['delay', 'How long without activity before a stale alert (after the end of the last active day, track time), or after a meeting ended before meeting_outcome_missing; for agreement_suspended and agreement_withdrawal, how long after the day it was announced a suspension or withdrawal may be recorded and still be told (later, it is history, not news); empty for the other kinds.'],
    ['repeat_every', 'How often an overdue alert repeats while the commitment stays open and unacknowledged, counted from the deadline; empty: it does not repeat (and for kinds other than overdue).'],
    ['escalate_after', 'From how long after the deadline the track''s lead also gets the overdue alerts; empty: never (and for kinds other than overdue).'],
    ['description', 'What the rule does, in words.'],
    ['updated_at', 'When the rule was last changed (with parley.set_alert_rule) or installed, shown in your session''s time zone.'],
    ['updated_by', 'The login that last changed it.']]);

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
select parley_data.comment_columns('parley.alerts', array[
    ['id', 'The alert''s number: give it to acknowledge_alert and snooze_alert (alert_queue and alert_log show it as alert_id).'],
    ['kind', 'due_soon, overdue, stale, meeting_upcoming, meeting_outcome_missing, follow_up_due, resolved, breached, term_ending, objection_deadline, term_expired, agreement_suspended or agreement_withdrawal (see parley.alert_rules).'],
    ['severity', 'info, warning or critical: the rule''s severity when the alert was created.'],
    ['subject_type', 'What the alert is about: commitment, meeting, follow_up or agreement.'],
    ['subject', 'The code of the commitment, meeting, follow-up (F<number> for a follow-up without a code) or agreement, kept current while the alert applies.'],
    ['track', 'The code of the subject''s track.'],
    ['occurrence', 'Which firing this is: for due_soon "2025-05-25 -7 days" (a week before the 25 May deadline); for overdue "2025-05-25 #3" (the fourth: #0 is at the deadline; " reopened <time>" follows the date after a reopen); for stale the last active day; for meetings and follow-ups the start, end or due time in UTC (followed by the lead, e.g. " -2 days", for meeting_upcoming); for resolved and breached "overdue alerts to #<alert id>".'],
    ['due_at', 'When the alert was due to go out, shown in your session''s time zone: a lead time before the event (or, at short notice, when the subject was recorded), the deadline or a repeat after it, delay after the last activity or the meeting''s end, the follow-up''s due time; for resolved and breached the moment planning found it.'],
    ['state', 'planned (created; delivered or being delivered), acknowledged (someone has it in hand: an overdue series stops repeating), cancelled (it no longer applied before anything of it went out; see cancel_reason).'],
    ['escalated', 'True for an overdue alert due escalate_after or longer after the deadline: the track''s lead is told too.'],
    ['responsible', 'The name of who answers for the subject: the commitment''s owner, the follow-up''s assignee, the track''s lead for a meeting, or the agreement''s owner (else its first track''s lead) for an agreement (kept current until it has gone out); empty when there is nobody.'],
    ['recipients', 'How many people it is addressed to (one delivery each, including suppressed and cancelled deliveries).'],
    ['sent', 'How many of them it has been mailed to.'],
    ['acknowledged_at', 'When it was first acknowledged, shown in your session''s time zone; empty when it was not.'],
    ['acknowledged_by', 'The login that acknowledged it; empty when nobody did.'],
    ['acknowledgement_note', 'The note given with the acknowledgement; empty when none.'],
    ['snoozed_until', 'Until when it was snoozed: its deliveries not yet sent wait until then, and an overdue commitment gets no repeat before then; empty when never snoozed.'],
    ['cancelled_at', 'When it was cancelled (state cancelled), shown in your session''s time zone; empty otherwise.'],
    ['cancel_reason', 'Why it no longer applies, e.g. deadline changed, commitment fulfilled, update recorded, meeting rescheduled, follow-up done, alert rule disabled, no longer a recipient. Also set, with the state left as it was, on an alert that had already gone out: what went out is history. Empty while it applies.'],
    ['classification', 'The level it is kept and shown at: its subject''s (kept current). You see only alerts at or below your clearance, and people receive only alerts at or below theirs.'],
    ['created_at', 'When planning created it, shown in your session''s time zone.']]);

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
-- What alert_queue shows as parley.alerts does (about the alert, not its delivery) has its comment from there.
select parley_data.comment_columns_as('parley.alerts', 'parley.alert_queue',
    'kind', 'severity', 'subject_type', 'subject', 'track', 'due_at', 'escalated');
select parley_data.comment_columns('parley.alert_queue', array[
    ['delivery_id', 'The delivery''s number: one alert for one recipient (the mailer sends each recipient''s deliveries together, in one digest).'],
    ['alert_id', 'The alert''s number (parley.alerts.id), for acknowledge_alert and snooze_alert.'],
    ['send_after', 'Not mailed before this moment (your session''s time zone): the alert''s due time, a snooze, or a retry after a failed attempt.'],
    ['state', 'pending (waiting for the mailer), sending (a mailer run has it), suppressed (held back by a silence still in force: it will not be sent).'],
    ['recipient', 'The name of the person it goes to.'],
    ['recipient_email', 'Their e-mail address.'],
    ['recipient_because', 'Why they receive it: responsible, escalation, subscription, or alerted about overdue (for resolved and breached).'],
    ['attempts', 'How many times a mailer run has claimed it to send it; last_error says why the last try failed.'],
    ['last_error', 'Why the last attempt failed (e.g. sendmail''s exit status and output); empty when none has.'],
    ['snoozed_until', 'Until when the alert was snoozed, shown in your session''s time zone; empty when never.'],
    ['held_back_because', 'For a suppressed delivery: the silence (its number), until when, and its reason; empty otherwise.'],
    ['lease_until', 'While sending: when the mailer run''s claim lapses and another run may take it over, shown in your session''s time zone; empty otherwise.']]);

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
-- What alert_log shows as alert_queue does has its comment from there.
select parley_data.comment_columns_as('parley.alert_queue', 'parley.alert_log',
    'delivery_id', 'kind', 'severity', 'subject_type', 'subject', 'track', 'due_at', 'recipient_email');
select parley_data.comment_columns('parley.alert_log', array[
    ['alert_id', 'The alert''s number (parley.alerts.id).'],
    ['outcome', 'sent, suppressed (a silence held it back), cancelled (it or its recipient no longer applied before it went out), failed (the mailer gave up).'],
    ['at', 'When it happened, shown in your session''s time zone: when it was sent; otherwise when its last attempt failed, if one did; otherwise when it was cancelled, or (suppressed) when the delivery was planned.'],
    ['sent_at', 'When the mailer marked it sent, shown in your session''s time zone; empty unless sent.'],
    ['message_id', 'The Message-ID of the mail that carried it: search your mailbox or the mail log for it; empty unless sent.'],
    ['recipient', 'The name of the person it was for.'],
    ['recipient_because', 'Why they were to receive it: responsible, escalation, subscription, or alerted about overdue (for resolved and breached).'],
    ['why', 'For an alert not sent: the silence (its number) and its reason, why it was cancelled, or how many attempts failed and the last error; empty when sent.'],
    ['acknowledged_at', 'When the alert was first acknowledged, shown in your session''s time zone; empty when it was not.'],
    ['acknowledged_by', 'The login that acknowledged it; empty when nobody did.']]);

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
select parley_data.comment_columns('parley.silences', array[
    ['id', 'The silence''s number: give it to lift_silence.'],
    ['track', 'The code of the track whose alerts it holds back; empty: any track.'],
    ['item', 'The code of the agenda item whose alerts it holds back; empty: any item.'],
    ['commitment', 'The code of the commitment whose alerts it holds back; empty: any commitment.'],
    ['kind', 'The kind of alert it holds back; empty: every kind. An alert is held back only when everything given matches.'],
    ['reason', 'Why, as its author gave it.'],
    ['until', 'When it ends by itself, shown in your session''s time zone.'],
    ['in_force', 'True while it holds alerts back: not lifted and not yet ended.'],
    ['created_at', 'When it was set, shown in your session''s time zone.'],
    ['created_by', 'The login that set it: it holds back alerts classified up to the clearance that person had then, and only someone cleared as high may lift it.'],
    ['lifted_at', 'When it was lifted before its end, shown in your session''s time zone; empty when it was not.'],
    ['lifted_by', 'The login that lifted it; empty when nobody did.'],
    ['deliveries_suppressed', 'How many alert deliveries it has held back (they stay suppressed after it ends or is lifted).']]);

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
-- What delivery_failures shows as alert_queue does has its comment from there.
select parley_data.comment_columns_as('parley.alert_queue', 'parley.delivery_failures',
    'kind', 'severity', 'subject_type', 'subject', 'track', 'due_at', 'recipient_email');
select parley_data.comment_columns('parley.delivery_failures', array[
    ['delivery_id', 'The delivery''s number: one alert for one recipient.'],
    ['alert_id', 'The alert''s number (parley.alerts.id).'],
    ['recipient', 'The name of the person who was not told.'],
    ['attempts', 'How many attempts were made: alert_settings.max_attempts (6 unless changed), counting a mailer run that died while holding it.'],
    ['failed_at', 'When the last attempt failed and the mailer gave up, shown in your session''s time zone.'],
    ['last_error', 'Why the last attempt failed (e.g. sendmail''s exit status and output, or that a run''s claim lapsed).']]);
