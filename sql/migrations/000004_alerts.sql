-- Alerting's vocabulary and tables: alert rules and settings, silences, alerts, deliveries, what planning keeps
-- for itself (the schedule and the change queue), daemon instances and mailer runs, and the row type a digest
-- is made of. The functions, triggers and views that use them are in sql/repeatable/3xx and 4xx.
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
set local role parley_owner;

-- Vocabulary ------------------------------------------------------------------------------------------------------

create type parley.alert_kind as enum (
    'due_soon', 'overdue', 'stale', 'meeting_upcoming', 'meeting_outcome_missing', 'follow_up_due', 'resolved',
    'breached');
comment on type parley.alert_kind is
    'What an alert says: due_soon (a deadline is near), overdue (it passed; repeats), stale (no update for a while), meeting_upcoming, meeting_outcome_missing (held, no outcome recorded), follow_up_due, resolved (an overdue commitment was fulfilled), breached (an overdue commitment was recorded as breached: the chase ends).';

create type parley.alert_subject as enum ('commitment', 'meeting', 'follow_up');
comment on type parley.alert_subject is 'What an alert is about.';

create type parley.alert_state as enum ('planned', 'acknowledged', 'cancelled');
comment on type parley.alert_state is
    'planned: created, delivered or being delivered; acknowledged: a member of staff said they have it in hand (an overdue alert then stops repeating); cancelled: it no longer applied before anything went out (deadline moved, commitment fulfilled, meeting cancelled ...).';

create type parley.delivery_state as enum ('pending', 'sending', 'sent', 'failed', 'suppressed', 'cancelled');
comment on type parley.delivery_state is
    'pending: waiting to be mailed (not before send_after); sending: claimed by a mailer run until its lease ends; sent; failed: gave up after the last attempt; suppressed: held back by a silence, never sent; cancelled: the alert or the recipient no longer applied before it was sent.';

create type parley.daemon_role as enum ('leader', 'standby');
comment on type parley.daemon_role is 'leader: the one parleyd instance that plans alerts; standby: waits to take over.';

-- Rules and settings ----------------------------------------------------------------------------------------------

create table parley_data.alert_rules (
    kind            parley.alert_kind primary key,
    subject_type    parley.alert_subject not null,
    enabled         boolean not null default true,
    severity        parley.severity not null,
    lead_times      interval[],
    delay           interval,
    repeat_every    interval,
    escalate_after  interval,
    description     text not null,
    updated_at      timestamptz not null default now(),
    updated_by      name not null default session_user,
    constraint alert_rules_lead_times_where_used check (
        (kind in ('due_soon', 'meeting_upcoming')) = (lead_times is not null)),
    constraint alert_rules_lead_times_positive check (
        lead_times is null or (cardinality(lead_times) between 1 and 10
                               and interval '0' < all (lead_times) and interval '366 days' >= all (lead_times))),
    constraint alert_rules_delay_where_used check ((kind in ('stale', 'meeting_outcome_missing')) = (delay is not null)),
    constraint alert_rules_delay_not_negative check (delay >= interval '0' and delay <= interval '3660 days'),
    constraint alert_rules_repeat_for_overdue check (repeat_every is null or kind = 'overdue'),
    constraint alert_rules_repeat_at_least_an_hour check (repeat_every >= interval '1 hour'),
    constraint alert_rules_escalation_for_overdue check (escalate_after is null or kind = 'overdue'),
    constraint alert_rules_escalation_positive check (escalate_after > interval '0')
);
comment on table parley_data.alert_rules is
    'One rule per kind of alert: whether it is on, how severe it is, and its timing. Staff change it with parley.set_alert_rule; every subject is replanned after a change.';
comment on column parley_data.alert_rules.lead_times is 'due_soon, meeting_upcoming: how long before the deadline or the start of the meeting to alert, e.g. {7 days, 1 day}; on the track''s wall clock.';
comment on column parley_data.alert_rules.delay is 'stale: how long without an update; meeting_outcome_missing: how long after the meeting ended.';
comment on column parley_data.alert_rules.repeat_every is 'overdue: how often to repeat while the commitment stays open and nobody acknowledged; empty means no repeats.';
comment on column parley_data.alert_rules.escalate_after is 'overdue: from how long after the deadline the track''s lead also receives the repeats; empty means never.';

insert into parley_data.alert_rules (kind, subject_type, severity, lead_times, delay, repeat_every, escalate_after, description) values
    ('due_soon', 'commitment', 'info', '{7 days, 1 day}', null, null, null,
     'A live commitment''s deadline is near: alerts at each lead time before the end of due_on (track time).'),
    ('overdue', 'commitment', 'warning', null, null, '3 days', '14 days',
     'A live commitment''s deadline passed: alerts at the deadline and every repeat_every after it until it is resolved or someone acknowledges; from escalate_after on, the track''s lead is told too.'),
    ('stale', 'commitment', 'info', null, '30 days', null, null,
     'A live commitment has had no update (nor status change) for delay.'),
    ('meeting_upcoming', 'meeting', 'info', '{2 days}', null, null, null,
     'A scheduled meeting starts in lead time; told to the track''s lead and subscribers.'),
    ('meeting_outcome_missing', 'meeting', 'warning', null, '2 days', null, null,
     'A meeting was held but has no outcome summary delay after it ended.'),
    ('follow_up_due', 'follow_up', 'warning', null, null, null, null,
     'A follow-up that is not done reached its due time; told to its assignee.'),
    ('resolved', 'commitment', 'info', null, null, null, null,
     'An overdue commitment was fulfilled: everyone who was alerted that it was overdue hears that it is settled.'),
    ('breached', 'commitment', 'warning', null, null, null, null,
     'An overdue commitment was recorded as breached: the chase ends (no more overdue, reminders or stale alerts until it is reopened); its owner and everyone who was alerted that it was overdue hear it once.');

create table parley_data.alert_settings (
    singleton            boolean primary key default true,
    max_attempts         integer not null default 6,
    retry_backoff        interval[] not null default '{1 minute, 5 minutes, 30 minutes, 2 hours, 6 hours}',
    daemon_alive_within  interval not null default '2 minutes',
    mailer_runs_kept     interval not null default '90 days',
    -- The highest classification whose details may leave by e-mail, whatever a mailer's own setting says.
    mail_ceiling         parley.classification not null default 'restricted',
    -- Names this installation in the Message-IDs of its mails, so that another database (staging, a restored
    -- copy) that hands out the same delivery ids never mails under the same Message-ID.
    installation_id      uuid not null default gen_random_uuid(),
    updated_at           timestamptz not null default now(),
    updated_by           name not null default session_user,
    constraint alert_settings_one_row check (singleton),
    constraint alert_settings_attempts_range check (max_attempts between 1 and 100),
    constraint alert_settings_backoff_present check (
        cardinality(retry_backoff) between 1 and 100 and interval '0' < all (retry_backoff)),
    constraint alert_settings_alive_positive check (daemon_alive_within > interval '0'),
    constraint alert_settings_kept_positive check (mailer_runs_kept > interval '0')
);
insert into parley_data.alert_settings default values;
comment on table parley_data.alert_settings is
    'Settings of alert delivery, one row: how often the mailer retries a delivery and how long it waits between tries, when a daemon counts as alive, how long mailer runs are kept. The operator changes it as parley_owner with UPDATE.';
comment on column parley_data.alert_settings.max_attempts is 'Attempts per delivery (claims, counting a run that died with it) before it is failed.';
comment on column parley_data.alert_settings.retry_backoff is 'Wait after the 1st, 2nd, ... failed attempt; the last entry repeats.';
comment on column parley_data.alert_settings.daemon_alive_within is 'A daemon whose last heartbeat is older than this does not look alive in daemon_status.';
comment on column parley_data.alert_settings.mailer_runs_kept is 'Mailer runs older than this are pruned when a new run is recorded.';
comment on column parley_data.alert_settings.mail_ceiling is
    'The highest classification whose details a digest may carry, set by an administrator (parley.set_mail_ceiling); a mailer''s PARLEY_MAIL_MAX_CLASSIFICATION can only be lower.';

-- Silences, alerts, deliveries ------------------------------------------------------------------------------------

-- A silence holds back only alerts at or below the clearance of whoever set it (its ceiling), and only someone
-- cleared that high may lift it. It is shown at the level of what it names (a track, a commitment).
create table parley_data.silences (
    id             bigint generated always as identity,
    track_id       bigint,
    item_id        bigint references parley_data.agenda_items (id) on delete cascade,
    commitment_id  bigint,
    kind           parley.alert_kind,
    reason         text not null constraint silences_reason_length check (parley_data.is_free_text(reason)),
    ends_at        timestamptz not null,
    ceiling        parley.classification not null,
    track_classification       parley.classification,
    commitment_classification  parley.classification,
    effective_classification   parley.classification not null default 'unclassified',
    created_at     timestamptz not null default now(),
    created_by     name not null default session_user,
    lifted_at      timestamptz,
    lifted_by      name,
    primary key (id, effective_classification),
    constraint silences_track_id_fkey foreign key (track_id, track_classification)
        references parley_data.tracks (id, classification) on update cascade on delete cascade,
    constraint silences_commitment_id_fkey foreign key (commitment_id, commitment_classification)
        references parley_data.commitments (id, effective_classification) on update cascade on delete cascade,
    constraint silences_effective_classification check (
        effective_classification = greatest('unclassified', track_classification, commitment_classification)),
    constraint silences_scope_given check (num_nonnulls(track_id, item_id, commitment_id, kind) > 0),
    constraint silences_reason_present check (btrim(reason) <> ''),
    constraint silences_lifted_with_whom check ((lifted_at is null) = (lifted_by is null))
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.silences');
create index silences_in_force_idx on parley_data.silences (ends_at) where lifted_at is null;
create index silences_track_idx on parley_data.silences (track_id);
create index silences_commitment_idx on parley_data.silences (commitment_id);
create index silences_item_idx on parley_data.silences (item_id);
comment on table parley_data.silences is
    'Quiet periods asked for by staff: alerts about a track, an item, a commitment and/or of a kind (all that are given must match), at or below the ceiling, are still recorded until ends_at, but their deliveries are suppressed.';
comment on column parley_data.silences.ceiling is
    'The clearance of the person who set it: it holds back only alerts classified at or below this, and only someone cleared this high may lift it.';

-- Alerts are kept at their subject's level, which follows the subject in the same transaction (a trigger of
-- sql/repeatable/310_alert_queueing.sql), so that the mailer never holds an alert at a level its subject left.
create table parley_data.alerts (
    id                    bigint generated always as identity,
    kind                  parley.alert_kind not null,
    subject_type          parley.alert_subject not null,
    subject_id            bigint not null,
    subject_code          text not null,
    basis                 text not null,
    occurrence            text not null,
    due_at                timestamptz not null,
    severity              parley.severity not null,
    classification        parley.classification not null,
    track_id              bigint,
    item_id               bigint,
    commitment_id         bigint,
    responsible_id        bigint,
    escalated             boolean not null default false,
    escalated_to_id       bigint,
    related_alert_id      bigint,
    state                 parley.alert_state not null default 'planned',
    planned_at            timestamptz not null,
    created_at            timestamptz not null default now(),
    acknowledged_at       timestamptz,
    acknowledged_by       name,
    acknowledgement_note  text constraint alerts_acknowledgement_note_length check (parley_data.is_free_text(acknowledgement_note)),
    snoozed_until         timestamptz,
    snoozed_by            name,
    cancelled_at          timestamptz,
    cancel_reason         text,
    primary key (id, classification),
    constraint alerts_acknowledged_state check ((state = 'acknowledged') = (acknowledged_at is not null) or state = 'cancelled'),
    constraint alerts_cancelled_state check ((state = 'cancelled') = (cancelled_at is not null))
) partition by list (classification);
call parley_data.partition_by_level('parley_data.alerts');
-- The dedup key. Cancelled alerts step aside, so that an occurrence that applies again (a deadline moved back)
-- is planned again.
-- Its level is part of it, as every key of a table kept apart by level; an alert's level is its subject's, so
-- this is still one alert per subject, kind and occurrence.
create unique index alerts_dedup_key on parley_data.alerts (subject_type, subject_id, kind, occurrence, classification)
    where state <> 'cancelled';
create index alerts_subject_idx on parley_data.alerts (subject_type, subject_id, kind);
-- Acknowledged or snoozed overdue series hold back repeats; few, looked up for every overdue commitment planned.
create index alerts_overdue_holds_idx on parley_data.alerts (subject_id, basis)
    where subject_type = 'commitment' and kind = 'overdue' and (acknowledged_at is not null or snoozed_until is not null);
create index alerts_due_idx on parley_data.alerts (due_at);
comment on table parley_data.alerts is
    'Every alert planned: what kind, about what (subject), which occurrence, when it was due, how severe, and what staff did with it. Unique per (subject, kind, occurrence) among alerts not cancelled.';
comment on column parley_data.alerts.subject_code is 'The code of the commitment, meeting or follow-up (F<number> for one without a code).';
comment on column parley_data.alerts.basis is 'The fact this occurrence hangs on: the deadline (and reopening), the meeting time, the date of the last update, the follow-up''s due time.';
comment on column parley_data.alerts.occurrence is 'Which firing of the rule this is, e.g. "2025-05-25 -7 days" or "2025-05-25 #3" (the 4th overdue alert).';
comment on column parley_data.alerts.due_at is 'When the alert was due to go out.';
comment on column parley_data.alerts.classification is 'The subject''s effective classification (kept current): readers see only alerts they are cleared for.';
comment on column parley_data.alerts.responsible_id is 'Who answers for the subject: the commitment''s owner, the follow-up''s assignee, the track''s lead for a meeting.';
comment on column parley_data.alerts.escalated is 'An overdue alert from escalate_after on: the track''s lead is told too.';
comment on column parley_data.alerts.related_alert_id is 'For resolved and breached: the last overdue alert it settles.';
comment on column parley_data.alerts.planned_at is 'The moment planning was run for when it created the alert.';
comment on column parley_data.alerts.snoozed_until is 'Deliveries (and, for overdue, further repeats) held back until then.';
comment on column parley_data.alerts.cancel_reason is 'Why it no longer applies: deadline changed, commitment fulfilled, meeting cancelled, ... For an alert already (partly) sent the state stays as it was: what went out is history.';

create table parley_data.deliveries (
    id              bigint generated always as identity,
    alert_id        bigint not null,
    person_id       bigint not null references parley_data.people (id),
    reason          text not null,
    state           parley.delivery_state not null default 'pending',
    send_after      timestamptz not null,
    attempts        integer not null default 0,
    claim_token     uuid,
    claimed_at      timestamptz,
    lease_until     timestamptz,
    sent_at         timestamptz,
    message_id      text,
    last_error      text,
    last_failed_at  timestamptz,
    silence_id      bigint,
    silence_classification  parley.classification,
    cancelled_at    timestamptz,
    cancel_reason   text,
    -- The alert's level: a delivery is kept and shown with its alert.
    classification  parley.classification not null default 'unclassified',
    created_at      timestamptz not null default now(),
    primary key (id, classification),
    constraint deliveries_alert_id_fkey foreign key (alert_id, classification)
        references parley_data.alerts (id, classification) on update cascade on delete cascade,
    constraint deliveries_silence_id_fkey foreign key (silence_id, silence_classification)
        references parley_data.silences (id, effective_classification)
        on update cascade on delete set null (silence_id, silence_classification),
    constraint deliveries_silence_level check ((silence_id is null) = (silence_classification is null)),
    constraint deliveries_one_per_recipient unique (alert_id, person_id, classification),
    constraint deliveries_claim_complete check ((state = 'sending') = (claim_token is not null and lease_until is not null)),
    constraint deliveries_sent_complete check ((state = 'sent') = (sent_at is not null and message_id is not null)),
    constraint deliveries_attempts_not_negative check (attempts >= 0)
) partition by list (classification);
call parley_data.partition_by_level('parley_data.deliveries');
create index deliveries_pending_idx on parley_data.deliveries (send_after) where state = 'pending';
create index deliveries_leased_idx on parley_data.deliveries (lease_until) where state = 'sending';
create index deliveries_failed_idx on parley_data.deliveries (last_failed_at) where state = 'failed';
create index deliveries_person_idx on parley_data.deliveries (person_id);
create index deliveries_silence_idx on parley_data.deliveries (silence_id) where silence_id is not null;
create index deliveries_sent_idx on parley_data.deliveries (sent_at) where state = 'sent';
comment on table parley_data.deliveries is
    'One alert for one recipient, with what the mailer needs: its state, when it may be sent, the claim (token and lease) of the run sending it, attempts and the last error, and once sent its Message-ID. A retry re-claims the same row, so its id never changes.';
comment on column parley_data.deliveries.reason is 'Why this person receives it: responsible, escalation, subscription, alerted about overdue (resolved, breached).';
comment on column parley_data.deliveries.send_after is 'Not to be sent before: the alert''s due time, a snooze, or the back-off after a failed attempt.';
comment on column parley_data.deliveries.attempts is 'How many times a mailer run has claimed it.';
comment on column parley_data.deliveries.claim_token is 'The mailer run holding it (while sending): only that run may mark it sent or failed.';
comment on column parley_data.deliveries.lease_until is 'While sending: when the claim lapses and another run may take it over.';
comment on column parley_data.deliveries.message_id is 'The Message-ID of the mail that carried it.';
comment on column parley_data.deliveries.silence_id is 'The silence that suppressed it.';

-- What planning keeps for itself ----------------------------------------------------------------------------------

create table parley_data.alert_schedule (
    subject_type  parley.alert_subject not null,
    subject_id    bigint not null,
    next_at       timestamptz not null,
    primary key (subject_type, subject_id)
);
create index alert_schedule_next_idx on parley_data.alert_schedule (next_at);
comment on table parley_data.alert_schedule is
    'For each subject that will deserve an alert later: the moment it next does. Kept by planning; what makes a plan with nothing due cost one index probe.';

-- Not indexed: filled by bulk statements, emptied whole by planning.
create table parley_data.plan_queue (
    subject_type  text not null,
    subject_id    bigint,
    queued_at     timestamptz not null default now(),
    constraint plan_queue_subject_type check (
        subject_type in ('commitment', 'meeting', 'follow_up', 'all', 'recipients')),
    constraint plan_queue_subject_given check ((subject_type in ('all', 'recipients')) = (subject_id is null))
);
comment on table parley_data.plan_queue is
    'Subjects changed since the last plan, written by triggers: a commitment, meeting or follow-up by id; ''recipients'' when people or subscriptions changed (recipients of alerts not yet sent are reconsidered); ''all'' when everything must be replanned (a rule changed, a new installation).';

-- The first plan after this migration plans everything there already is.
insert into parley_data.plan_queue (subject_type) values ('all');

-- Daemon and mailer status ----------------------------------------------------------------------------------------

create table parley_data.daemon_instances (
    instance_id           uuid primary key,
    host                  text not null,
    pid                   integer not null,
    version               text not null,
    role                  parley.daemon_role not null,
    database_user         name not null default session_user,
    backend_pid           integer not null default pg_backend_pid(),
    started_at            timestamptz not null,
    last_heartbeat_at     timestamptz not null,
    waiting_for           text,
    last_plan_at          timestamptz,
    last_plan_duration    interval,
    last_plan_alerts      integer,
    plans                 bigint not null default 0,
    alerts_planned        bigint not null default 0,
    constraint daemon_instances_pid_positive check (pid > 0)
);
comment on table parley_data.daemon_instances is
    'One row per running parleyd instance, kept by its heartbeat: where it runs, which version, leader or standby, and its last plan.';

-- Who may plan: one row, the leadership lease (sql/repeatable/425_leadership.sql elects, renews and checks it).
create table parley_data.daemon_leadership (
    singleton      boolean primary key default true,
    epoch          bigint not null default 0,
    instance_id    uuid,
    backend_pid    integer,
    elected_at     timestamptz,
    renewed_at     timestamptz,
    expires_at     timestamptz,
    lease          interval,
    constraint daemon_leadership_one_row check (singleton),
    constraint daemon_leadership_epoch_not_negative check (epoch >= 0),
    constraint daemon_leadership_held_completely
        check (num_nulls(instance_id, backend_pid, elected_at, renewed_at, expires_at, lease) in (0, 6))
);
insert into parley_data.daemon_leadership default values;
comment on table parley_data.daemon_leadership is
    'The leadership lease, one row: which parleyd instance may plan alerts, until when, and the epoch that every plan must present. epoch grows by one at every election, so a leader that was frozen or cut off and comes back holds an old epoch and is refused.';
comment on column parley_data.daemon_leadership.epoch is 'The fencing token: the number of the current election.';
comment on column parley_data.daemon_leadership.backend_pid is 'The database session of the leader (pg_stat_activity.pid): when it has ended, the lease is free at once.';
comment on column parley_data.daemon_leadership.expires_at is 'When the lease lapses unless the leader renews it (each heartbeat and each plan does).';

create table parley_data.mailer_runs (
    id           bigint generated always as identity primary key,
    started_at   timestamptz not null,
    finished_at  timestamptz not null,
    claimed      integer not null,
    sent         integer not null,
    failed       integer not null,
    exit_status  integer not null,
    run_by       name not null default session_user,
    constraint mailer_runs_finished_after_start check (finished_at >= started_at),
    constraint mailer_runs_counts_not_negative check (claimed >= 0 and sent >= 0 and failed >= 0)
);
create index mailer_runs_started_idx on parley_data.mailer_runs (started_at);
comment on table parley_data.mailer_runs is 'Each run of the alert mailer (parley alerts send): when, how many deliveries it claimed, sent and failed, and its exit status.';

create type parley.digest_entry as (
    delivery_id                bigint,
    alert_id                   bigint,
    attempts                   integer,
    person_id                  bigint,
    recipient_email            text,
    recipient_name             text,
    recipient_timezone         text,
    reason                     text,
    kind                       parley.alert_kind,
    severity                   parley.severity,
    subject_type               parley.alert_subject,
    subject_id                 bigint,
    subject_code               text,
    occurrence                 text,
    due_at                     timestamptz,
    escalated                  boolean,
    classification             parley.classification,
    shown                      boolean,
    track_code                 text,
    track_name                 text,
    track_timezone             text,
    item_code                  text,
    item_title                 text,
    commitment_code            text,
    commitment_text            text,
    obligor                    text,
    beneficiaries              text,
    made_on                    date,
    due_on                     date,
    deadline_at                timestamptz,
    days_left                  integer,
    commitment_status          text,
    target_quantity            numeric,
    unit                       text,
    delivered_quantity         numeric,
    progress_pct               numeric,
    owner_name                 text,
    status_changed_on          date,
    last_update_on             date,
    last_update_note           text,
    last_update_status         text,
    last_update_delivered      numeric,
    last_update_verification   text,
    last_update_reported_by    text,
    last_update_source         text,
    last_update_source_url     text,
    meeting_code               text,
    meeting_title              text,
    meeting_starts_at          timestamptz,
    meeting_ends_at            timestamptz,
    meeting_location           text,
    meeting_status             text,
    follow_up_note             text,
    follow_up_due_at           timestamptz,
    follow_up_assignee         text,
    follow_up_about            text
);
comment on type parley.digest_entry is
    'One alert of one recipient''s digest e-mail, as the mailer writes it: the delivery and recipient, the alert, and (shown = true) its details; for an alert classified above what may be mailed, the details are empty. escalated: the track''s lead was told too, being someone other than the one responsible.';

-- parley.alert_queue lists what waits to go out, in the order it will go: pending and sending deliveries and the
-- suppressed ones of silences still in force, by send_after. With only the partial index on pending deliveries,
-- `select * from parley.alert_queue limit 50` sorted every waiting delivery (5 s at 600,000); this index hands
-- them out in order, so a page reads a page.
create index deliveries_queue_idx on parley_data.deliveries (send_after, id)
    where state in ('pending', 'sending', 'suppressed');
comment on index parley_data.deliveries_queue_idx is 'Deliveries waiting to go out (or held back by a silence), in the order parley.alert_queue lists them.';

-- parley.alert_log lists what became of deliveries, newest first, by the moment it happened. The log grows with
-- every delivery ever made; this index gives its newest page without reading the rest.
create index deliveries_log_idx on parley_data.deliveries
    ((coalesce(sent_at, last_failed_at, cancelled_at, created_at)) desc, id desc)
    where state in ('sent', 'suppressed', 'cancelled', 'failed');
comment on index parley_data.deliveries_log_idx is 'Deliveries that are done with (sent, suppressed, cancelled, failed), newest first, as parley.alert_log lists them.';

-- The plan queue is filled by bulk statements and emptied whole by every plan, and every plan (even one with
-- nothing to do) looks whether it holds anything. Emptied by DELETE, it keeps its dead rows until vacuumed, and
-- that look reads them all: after a first plan of 1,000,000 commitments a plan with nothing to do took 50 ms
-- instead of 1 until autovacuum came by. Vacuum it as soon as a thousand rows are dead, whatever its size.
alter table parley_data.plan_queue set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                                        autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);

-- The partitions' indexes carry their parent's name and their level.
call parley_data.name_partition_indexes();
