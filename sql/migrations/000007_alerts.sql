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
set local role parley_owner;

-- Vocabulary ------------------------------------------------------------------------------------------------------

create type parley.alert_kind as enum (
    'due_soon', 'overdue', 'stale', 'meeting_upcoming', 'meeting_outcome_missing', 'follow_up_due', 'resolved');
comment on type parley.alert_kind is
    'What an alert says: due_soon (a deadline is near), overdue (it passed; repeats), stale (no update for a while), meeting_upcoming, meeting_outcome_missing (held, no outcome recorded), follow_up_due, resolved (an overdue commitment was fulfilled).';

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

-- Small helpers ---------------------------------------------------------------------------------------------------

-- Live commitments still need chasing; fulfilled, withdrawn and superseded ones are closed (see commitment_status).
create function parley_data.commitment_is_live(status parley.commitment_status) returns boolean
    language sql immutable parallel safe
    return status not in ('fulfilled', 'withdrawn', 'superseded');
comment on function parley_data.commitment_is_live(parley.commitment_status) is
    'True for the statuses that still need chasing: pending, in_progress, partially_fulfilled, breached.';

-- A moment as text for dedup keys: UTC, second precision, whatever the session's TimeZone or DateStyle.
create function parley_data.utc_text(moment timestamptz) returns text
    language sql stable parallel safe
    return to_char(moment at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
comment on function parley_data.utc_text(timestamptz) is 'A moment written in UTC (2025-05-25T21:00:00Z), as alert keys spell it.';

-- The staff alert functions run as parley_owner, so current_user says nothing about the caller: they judge the
-- login's clearance with 000003's parley_data.session_clearance(), and refuse input with its parley_data.refuse().

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
     'An overdue commitment was fulfilled: everyone who was alerted that it was overdue hears that it is settled.');

create table parley_data.alert_settings (
    singleton            boolean primary key default true,
    max_attempts         integer not null default 6,
    retry_backoff        interval[] not null default '{1 minute, 5 minutes, 30 minutes, 2 hours, 6 hours}',
    daemon_alive_within  interval not null default '2 minutes',
    mailer_runs_kept     interval not null default '90 days',
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

-- Silences, alerts, deliveries ------------------------------------------------------------------------------------

create table parley_data.silences (
    id             bigint generated always as identity primary key,
    track_id       bigint references parley_data.tracks (id) on delete cascade,
    item_id        bigint references parley_data.agenda_items (id) on delete cascade,
    commitment_id  bigint references parley_data.commitments (id) on delete cascade,
    kind           parley.alert_kind,
    reason         text not null constraint silences_reason_length check (parley_data.is_free_text(reason)),
    ends_at        timestamptz not null,
    created_at     timestamptz not null default now(),
    created_by     name not null default session_user,
    lifted_at      timestamptz,
    lifted_by      name,
    constraint silences_scope_given check (num_nonnulls(track_id, item_id, commitment_id, kind) > 0),
    constraint silences_reason_present check (btrim(reason) <> ''),
    constraint silences_lifted_with_whom check ((lifted_at is null) = (lifted_by is null))
);
create index silences_in_force_idx on parley_data.silences (ends_at) where lifted_at is null;
create index silences_track_idx on parley_data.silences (track_id);
create index silences_commitment_idx on parley_data.silences (commitment_id);
create index silences_item_idx on parley_data.silences (item_id);
comment on table parley_data.silences is
    'Quiet periods asked for by staff: alerts about a track, an item, a commitment and/or of a kind (all that are given must match) are still recorded until ends_at, but their deliveries are suppressed.';

create table parley_data.alerts (
    id                    bigint generated always as identity primary key,
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
    constraint alerts_acknowledged_state check ((state = 'acknowledged') = (acknowledged_at is not null) or state = 'cancelled'),
    constraint alerts_cancelled_state check ((state = 'cancelled') = (cancelled_at is not null))
);
-- The dedup key. Cancelled alerts step aside, so that an occurrence that applies again (a deadline moved back)
-- is planned again.
create unique index alerts_dedup_key on parley_data.alerts (subject_type, subject_id, kind, occurrence)
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
comment on column parley_data.alerts.related_alert_id is 'For resolved: the last overdue alert it settles.';
comment on column parley_data.alerts.planned_at is 'The moment planning was run for when it created the alert.';
comment on column parley_data.alerts.snoozed_until is 'Deliveries (and, for overdue, further repeats) held back until then.';
comment on column parley_data.alerts.cancel_reason is 'Why it no longer applies: deadline changed, commitment fulfilled, meeting cancelled, ... For an alert already (partly) sent the state stays as it was: what went out is history.';

create table parley_data.deliveries (
    id              bigint generated always as identity primary key,
    alert_id        bigint not null references parley_data.alerts (id) on delete cascade,
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
    silence_id      bigint references parley_data.silences (id) on delete set null,
    cancelled_at    timestamptz,
    cancel_reason   text,
    created_at      timestamptz not null default now(),
    constraint deliveries_one_per_recipient unique (alert_id, person_id),
    constraint deliveries_claim_complete check ((state = 'sending') = (claim_token is not null and lease_until is not null)),
    constraint deliveries_sent_complete check ((state = 'sent') = (sent_at is not null and message_id is not null)),
    constraint deliveries_attempts_not_negative check (attempts >= 0)
);
create index deliveries_pending_idx on parley_data.deliveries (send_after) where state = 'pending';
create index deliveries_leased_idx on parley_data.deliveries (lease_until) where state = 'sending';
create index deliveries_failed_idx on parley_data.deliveries (last_failed_at) where state = 'failed';
create index deliveries_person_idx on parley_data.deliveries (person_id);
create index deliveries_silence_idx on parley_data.deliveries (silence_id) where silence_id is not null;
create index deliveries_sent_idx on parley_data.deliveries (sent_at) where state = 'sent';
comment on table parley_data.deliveries is
    'One alert for one recipient, with what the mailer needs: its state, when it may be sent, the claim (token and lease) of the run sending it, attempts and the last error, and once sent its Message-ID. A retry re-claims the same row, so its id never changes.';
comment on column parley_data.deliveries.reason is 'Why this person receives it: responsible, escalation, subscription, alerted about overdue.';
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

-- Planning --------------------------------------------------------------------------------------------------------

-- The scratch tables of one plan, private to the session and dropped at commit. Created on first use in a
-- transaction, emptied when planning runs again in the same transaction.
create function parley_data.plan_prepare() returns void
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
create function parley_data.plan_collect(at timestamptz) returns void
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

create function parley.plan_alerts(at timestamptz, only_changed boolean default false, rebuild boolean default false)
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
        on conflict (subject_type, subject_id, kind, occurrence) where state <> 'cancelled' do nothing
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

create function parley_data.plan_recipients(at timestamptz) returns integer
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
    return n_created;
end
$$;
comment on function parley_data.plan_recipients(timestamptz) is
    'Planning: creates the deliveries of new alerts and reconsiders the recipients of alerts still waiting to go out; returns how many deliveries it created.';

create function parley.next_alert_at(at timestamptz) returns timestamptz
    language sql stable security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    return case when exists (select 1 from parley_data.plan_queue) then next_alert_at.at
                else (select min(s.next_at) from parley_data.alert_schedule s) end;
comment on function parley.next_alert_at(timestamptz) is
    'When planning next has something to do: `at` itself if changes are waiting to be planned, else the moment the next alert falls due (which may be in the past if nobody planned since); empty when nothing is scheduled. The daemon sleeps until then unless notified.';

-- Change notification ---------------------------------------------------------------------------------------------
--
-- Statement-level triggers: a statement touching 100,000 rows writes 100,000 queue rows in one INSERT ... SELECT
-- and sends one notification. (NOTIFY also folds identical notifications within a transaction into one.)
-- commitment_updates needs no trigger of its own: what an update changes (last_update_on, status) it changes
-- through an UPDATE of commitments, which the commitments trigger sees.

-- The UPDATE branches pair old and new rows with EXECUTE: a static statement's plan is made once per session, with
-- the row count of the first statement's transition tables; planned for one row, the pairing becomes a nested loop
-- that turns quadratic when a later statement updates thousands of rows.
create function parley_data.queue_commitment_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    queued bigint := 0;
    n bigint;
begin
    if tg_op = 'INSERT' then
        insert into parley_data.plan_queue (subject_type, subject_id) select 'commitment', r.id from new_rows r;
        get diagnostics queued = row_count;
    elsif tg_op = 'DELETE' then
        insert into parley_data.plan_queue (subject_type, subject_id) select 'commitment', r.id from old_rows r;
        get diagnostics queued = row_count;
    else
        execute $q$insert into parley_data.plan_queue (subject_type, subject_id)
        select 'commitment', n.id
          from new_rows n
          join old_rows o on o.id = n.id
         where (n.due_on, n.status, n.reopened_at, n.made_on, n.last_update_on, n.status_changed_on, n.created_at,
                n.track_id, n.item_id, n.owner_id, n.effective_classification, n.code)
               is distinct from
               (o.due_on, o.status, o.reopened_at, o.made_on, o.last_update_on, o.status_changed_on, o.created_at,
                o.track_id, o.item_id, o.owner_id, o.effective_classification, o.code)$q$;
        get diagnostics queued = row_count;
        -- Follow-ups about a commitment take its track, item and classification.
        execute $q$insert into parley_data.plan_queue (subject_type, subject_id)
        select 'follow_up', f.id
          from new_rows n
          join old_rows o on o.id = n.id
          join parley_data.follow_ups f on f.commitment_id = n.id
         where (n.track_id, n.item_id, n.effective_classification)
               is distinct from (o.track_id, o.item_id, o.effective_classification)$q$;
        get diagnostics n = row_count;
        queued := queued + n;
        -- A reclassified commitment's alerts (and those of follow-ups about it) follow at once, not at the next
        -- plan: who may see an alert and who may be mailed its details must not wait for the daemon.
        execute $q$update parley_data.alerts a
           set classification = n.effective_classification
          from new_rows n
          join old_rows o on o.id = n.id
          left join parley_data.follow_ups f on f.commitment_id = n.id
         where n.effective_classification is distinct from o.effective_classification
           and ((a.subject_type = 'commitment' and a.subject_id = n.id)
                or (a.subject_type = 'follow_up' and a.subject_id = f.id))$q$;
    end if;
    if queued > 0 then
        perform pg_notify('parley_plan', '');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_commitment_changes() is
    'Trigger: queues the commitments a statement inserted, deleted or changed in a way alerts depend on, and notifies the daemon once.';

create trigger commitments_plan_insert after insert on parley_data.commitments
    referencing new table as new_rows for each statement execute function parley_data.queue_commitment_changes();
create trigger commitments_plan_update after update on parley_data.commitments
    referencing old table as old_rows new table as new_rows
    for each statement execute function parley_data.queue_commitment_changes();
create trigger commitments_plan_delete after delete on parley_data.commitments
    referencing old table as old_rows for each statement execute function parley_data.queue_commitment_changes();

create function parley_data.queue_meeting_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    queued bigint := 0;
    n bigint;
begin
    if tg_op = 'INSERT' then
        insert into parley_data.plan_queue (subject_type, subject_id) select 'meeting', r.id from new_rows r;
        get diagnostics queued = row_count;
    elsif tg_op = 'DELETE' then
        insert into parley_data.plan_queue (subject_type, subject_id) select 'meeting', r.id from old_rows r;
        get diagnostics queued = row_count;
    else
        execute $q$insert into parley_data.plan_queue (subject_type, subject_id)
        select 'meeting', n.id
          from new_rows n
          join old_rows o on o.id = n.id
         where (n.starts_at, n.ends_at, n.status, n.outcome_summary, n.created_at, n.track_id,
                n.effective_classification, n.code)
               is distinct from
               (o.starts_at, o.ends_at, o.status, o.outcome_summary, o.created_at, o.track_id,
                o.effective_classification, o.code)$q$;
        get diagnostics queued = row_count;
        execute $q$insert into parley_data.plan_queue (subject_type, subject_id)
        select 'follow_up', f.id
          from new_rows n
          join old_rows o on o.id = n.id
          join parley_data.follow_ups f on f.meeting_id = n.id
         where (n.track_id, n.effective_classification) is distinct from (o.track_id, o.effective_classification)$q$;
        get diagnostics n = row_count;
        queued := queued + n;
        -- As for commitments: a reclassified meeting's alerts follow at once.
        execute $q$update parley_data.alerts a
           set classification = n.effective_classification
          from new_rows n
          join old_rows o on o.id = n.id
          left join parley_data.follow_ups f on f.meeting_id = n.id
         where n.effective_classification is distinct from o.effective_classification
           and ((a.subject_type = 'meeting' and a.subject_id = n.id)
                or (a.subject_type = 'follow_up' and a.subject_id = f.id))$q$;
    end if;
    if queued > 0 then
        perform pg_notify('parley_plan', '');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_meeting_changes() is
    'Trigger: queues the meetings a statement inserted, deleted or changed in a way alerts depend on, and notifies the daemon once.';

create trigger meetings_plan_insert after insert on parley_data.meetings
    referencing new table as new_rows for each statement execute function parley_data.queue_meeting_changes();
create trigger meetings_plan_update after update on parley_data.meetings
    referencing old table as old_rows new table as new_rows
    for each statement execute function parley_data.queue_meeting_changes();
create trigger meetings_plan_delete after delete on parley_data.meetings
    referencing old table as old_rows for each statement execute function parley_data.queue_meeting_changes();

create function parley_data.queue_follow_up_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    queued bigint := 0;
begin
    if tg_op = 'INSERT' then
        insert into parley_data.plan_queue (subject_type, subject_id) select 'follow_up', r.id from new_rows r;
    elsif tg_op = 'DELETE' then
        insert into parley_data.plan_queue (subject_type, subject_id) select 'follow_up', r.id from old_rows r;
    else
        execute $q$insert into parley_data.plan_queue (subject_type, subject_id)
        select 'follow_up', n.id
          from new_rows n
          join old_rows o on o.id = n.id
         where (n.due_at, n.done_at, n.assignee_id, n.commitment_id, n.meeting_id, n.track_id, n.code)
               is distinct from
               (o.due_at, o.done_at, o.assignee_id, o.commitment_id, o.meeting_id, o.track_id, o.code)$q$;
    end if;
    get diagnostics queued = row_count;
    if queued > 0 then
        perform pg_notify('parley_plan', '');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_follow_up_changes() is
    'Trigger: queues the follow-ups a statement inserted, deleted or changed in a way alerts depend on, and notifies the daemon once.';

create trigger follow_ups_plan_insert after insert on parley_data.follow_ups
    referencing new table as new_rows for each statement execute function parley_data.queue_follow_up_changes();
create trigger follow_ups_plan_update after update on parley_data.follow_ups
    referencing old table as old_rows new table as new_rows
    for each statement execute function parley_data.queue_follow_up_changes();
create trigger follow_ups_plan_delete after delete on parley_data.follow_ups
    referencing old table as old_rows for each statement execute function parley_data.queue_follow_up_changes();

-- A track's time zone moves every deadline and meeting time on it; its lead receives meeting alerts and
-- escalations; its classification is that of follow-ups about the track itself (commitments and meetings get
-- theirs from 000002's propagation, which their own triggers see).
create function parley_data.queue_track_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    queued bigint := 0;
begin
    with changed as materialized (
        select n.id,
               (n.timezone, n.lead_id) is distinct from (o.timezone, o.lead_id) as moved,
               n.classification is distinct from o.classification as reclassified
          from new_rows n
          join old_rows o on o.id = n.id
         where (n.timezone, n.lead_id, n.classification) is distinct from (o.timezone, o.lead_id, o.classification)
    )
    insert into parley_data.plan_queue (subject_type, subject_id)
    select 'commitment', c.id from changed t join parley_data.commitments c on c.track_id = t.id where t.moved
    union all
    select 'meeting', m.id from changed t join parley_data.meetings m on m.track_id = t.id where t.moved
    union all
    select 'follow_up', f.id from changed t join parley_data.follow_ups f on f.track_id = t.id
     where t.moved or t.reclassified;
    get diagnostics queued = row_count;
    -- Alerts of follow-ups about a reclassified track follow at once (commitments and meetings on it are
    -- reclassified by their own trigger, which updates their alerts).
    update parley_data.alerts a
       set classification = n.classification
      from new_rows n
      join old_rows o on o.id = n.id
      join parley_data.follow_ups f on f.track_id = n.id
     where n.classification is distinct from o.classification
       and a.subject_type = 'follow_up' and a.subject_id = f.id;
    if queued > 0 then
        perform pg_notify('parley_plan', '');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_track_changes() is
    'Trigger: when tracks change time zone, lead or classification, queues the commitments, meetings and follow-ups on them and notifies the daemon once.';

create trigger tracks_plan_update after update on parley_data.tracks
    referencing old table as old_rows new table as new_rows
    for each statement execute function parley_data.queue_track_changes();

-- Who may receive what changed: reconsider the recipients of alerts still waiting to go out.
create function parley_data.queue_recipient_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if tg_table_name = 'people' then
        if not exists (select 1 from new_rows n join old_rows o on o.id = n.id
                        where (n.active, n.clearance) is distinct from (o.active, o.clearance)) then
            return null;
        end if;
    end if;
    insert into parley_data.plan_queue (subject_type) values ('recipients');
    perform pg_notify('parley_plan', '');
    return null;
end
$$;
comment on function parley_data.queue_recipient_changes() is
    'Trigger: after people change clearance or active, or subscriptions change, queues a review of the recipients of alerts not yet sent and notifies the daemon once.';

create trigger people_plan_update after update on parley_data.people
    referencing old table as old_rows new table as new_rows
    for each statement execute function parley_data.queue_recipient_changes();
create trigger subscriptions_plan_change after insert or update or delete on parley_data.subscriptions
    for each statement execute function parley_data.queue_recipient_changes();

create function parley_data.queue_rule_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if exists (select 1 from new_rows n join old_rows o on o.kind = n.kind
                where (n.enabled, n.severity, n.lead_times, n.delay, n.repeat_every, n.escalate_after)
                      is distinct from (o.enabled, o.severity, o.lead_times, o.delay, o.repeat_every, o.escalate_after)) then
        insert into parley_data.plan_queue (subject_type) values ('all');
        perform pg_notify('parley_plan', '');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_rule_changes() is 'Trigger: a changed alert rule replans everything; notifies the daemon once.';

create trigger alert_rules_plan_update after update on parley_data.alert_rules
    referencing old table as old_rows new table as new_rows
    for each statement execute function parley_data.queue_rule_changes();

-- A new silence takes effect at once: deliveries it covers that are still waiting are suppressed.
create function parley_data.apply_new_silences() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    update parley_data.deliveries d
       set state = 'suppressed', silence_id = s.id
      from parley_data.alerts a, new_rows s
     where d.state = 'pending' and a.id = d.alert_id and a.state <> 'cancelled'
       and s.lifted_at is null and s.ends_at > now()
       and (s.track_id is null or s.track_id = a.track_id)
       and (s.item_id is null or s.item_id = a.item_id)
       and (s.commitment_id is null or s.commitment_id = a.commitment_id)
       and (s.kind is null or s.kind = a.kind);
    return null;
end
$$;
comment on function parley_data.apply_new_silences() is 'Trigger: suppresses the waiting deliveries of alerts that new silences cover.';

create trigger silences_apply after insert on parley_data.silences
    referencing new table as new_rows for each statement execute function parley_data.apply_new_silences();

-- What staff do with alerts ---------------------------------------------------------------------------------------

-- The alert with this id if the caller may see it (refuses otherwise, as if it did not exist), locked.
create function parley_data.visible_alert(alert_id bigint) returns parley_data.alerts
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    found_alert parley_data.alerts;
begin
    if visible_alert.alert_id is null then
        perform parley_data.refuse('23502', 'alert_id', 'alert_id_present', 'alert_id is required',
            'Give the alert''s number, as parley.alerts and parley.alert_queue show it.');
    end if;
    select * into found_alert from parley_data.alerts a where a.id = visible_alert.alert_id for update;
    if not found or found_alert.classification > parley_data.session_clearance() then
        perform parley_data.refuse('23503', 'alert_id', 'alert_exists',
            format('alert %s does not exist', visible_alert.alert_id),
            'Look the alert up in parley.alerts or parley.alert_queue.');
    end if;
    return found_alert;
end
$$;
comment on function parley_data.visible_alert(bigint) is 'The alert with this id, locked; refuses one that does not exist or is above the caller''s clearance.';

create function parley.acknowledge_alert(alert_id bigint, note text default null) returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    target parley_data.alerts;
begin
    perform parley_data.check_free_text('note', acknowledge_alert.note, 'alerts_acknowledgement_note_length');
    target := parley_data.visible_alert(acknowledge_alert.alert_id);
    if target.state = 'cancelled' then
        perform parley_data.refuse('23514', 'alert_id', 'alert_not_cancelled',
            format('alert %s was cancelled (%s) and needs no acknowledgement', target.id, target.cancel_reason),
            'Acknowledge an alert that is planned.');
    end if;
    update parley_data.alerts a
       set state = 'acknowledged',
           acknowledged_at = coalesce(a.acknowledged_at, now()),
           acknowledged_by = coalesce(a.acknowledged_by, session_user),
           acknowledgement_note = coalesce(nullif(btrim(acknowledge_alert.note), ''), a.acknowledgement_note)
     where a.id = target.id;
    -- The subject's next alert changes (an overdue series stops repeating).
    insert into parley_data.plan_queue (subject_type, subject_id) values (target.subject_type::text, target.subject_id);
    perform pg_notify('parley_plan', '');
    return target.id;
end
$$;
comment on function parley.acknowledge_alert(bigint, text) is
    'Says you have an alert in hand: acknowledge_alert(alert_id => 42, note => ''chasing the Ministry''). An overdue commitment then gets no further repeats until its deadline moves (or it is reopened). Returns the alert''s number.';

create function parley.snooze_alert(alert_id bigint, until timestamptz) returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    target parley_data.alerts;
begin
    if snooze_alert.until is null then
        perform parley_data.refuse('23502', 'until', 'until_present', 'until is required',
            'Say until when, e.g. until => now() + interval ''2 days''.');
    end if;
    target := parley_data.visible_alert(snooze_alert.alert_id);
    if target.state = 'cancelled' then
        perform parley_data.refuse('23514', 'alert_id', 'alert_not_cancelled',
            format('alert %s was cancelled (%s) and cannot be snoozed', target.id, target.cancel_reason),
            'Snooze an alert that is planned.');
    end if;
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
    insert into parley_data.plan_queue (subject_type, subject_id) values (target.subject_type::text, target.subject_id);
    perform pg_notify('parley_plan', '');
    return target.id;
end
$$;
comment on function parley.snooze_alert(bigint, timestamptz) is
    'Holds an alert back: snooze_alert(alert_id => 42, until => ''2025-06-02 09:00 Europe/Kyiv''). Its deliveries not yet sent wait until then, and an overdue commitment gets no repeat before then. Returns the alert''s number.';

create function parley.silence(
    track text default null, item text default null, commitment text default null,
    kind parley.alert_kind default null, until timestamptz default null, reason text default null)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    mine constant parley.classification := parley_data.session_clearance();
    this_track bigint;
    this_item bigint;
    this_commitment bigint;
    level parley.classification;
    new_id bigint;
begin
    perform parley_data.check_free_text('reason', silence.reason, 'silences_reason_length');
    if num_nonnulls(silence.track, silence.item, silence.commitment, silence.kind) = 0 then
        perform parley_data.refuse('23502', 'track', 'silence_scope_given',
            'say what to silence: a track, an item, a commitment or a kind',
            'E.g. silence(track => ''istanbul'', until => now() + interval ''3 days'', reason => ''round in progress'').');
    end if;
    if silence.until is null then
        perform parley_data.refuse('23502', 'until', 'until_present', 'until is required',
            'A silence always ends: give until => a moment in the future.');
    end if;
    if silence.until <= now() then
        perform parley_data.refuse('23514', 'until', 'until_in_future',
            format('until %s is not in the future', silence.until), 'Give a moment in the future.');
    end if;
    if nullif(btrim(silence.reason), '') is null then
        perform parley_data.refuse('23502', 'reason', 'reason_present', 'reason is required',
            'Say why, for the colleagues who will wonder where their alerts went.');
    end if;
    if silence.track is not null then
        select t.id, t.classification into this_track, level from parley_data.tracks t where t.code = silence.track;
        if this_track is null or level > mine then
            perform parley_data.refuse('23503', 'track', 'track_exists',
                format('track "%s" does not exist', silence.track), 'See parley.track_overview for track codes.');
        end if;
    end if;
    if silence.item is not null then
        select i.id into this_item from parley_data.agenda_items i where i.code = silence.item;
        if this_item is null then
            perform parley_data.refuse('23503', 'item', 'item_exists',
                format('item "%s" does not exist', silence.item), 'See parley.agenda for item codes.');
        end if;
    end if;
    if silence.commitment is not null then
        select c.id, c.effective_classification into this_commitment, level
          from parley_data.commitments c where c.code = silence.commitment;
        if this_commitment is null or level > mine then
            perform parley_data.refuse('23503', 'commitment', 'commitment_exists',
                format('commitment "%s" does not exist', silence.commitment),
                'See parley.open_commitments for commitment codes.');
        end if;
    end if;
    insert into parley_data.silences (track_id, item_id, commitment_id, kind, reason, ends_at)
    values (this_track, this_item, this_commitment, silence.kind, btrim(silence.reason), silence.until)
    returning id into new_id;
    return new_id;
end
$$;
comment on function parley.silence(text, text, text, parley.alert_kind, timestamptz, text) is
    'Silences alerts until a moment, for a reason: silence(track => ''istanbul'', item => ..., commitment => ..., kind => ''stale'', until => now() + interval ''3 days'', reason => ''round in progress''). What is given must all match. Matching alerts are still recorded, but their deliveries (also those already waiting) are suppressed; parley.silences and parley.alert_log show why. Returns the silence''s number.';

create function parley.lift_silence(silence_id bigint) returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    target parley_data.silences;
begin
    if lift_silence.silence_id is null then
        perform parley_data.refuse('23502', 'silence_id', 'silence_id_present', 'silence_id is required',
            'Give the silence''s number, as parley.silences shows it.');
    end if;
    select * into target from parley_data.silences s where s.id = lift_silence.silence_id for update;
    if not found
       or coalesce((select t.classification from parley_data.tracks t where t.id = target.track_id), 'unclassified')
          > parley_data.session_clearance()
       or coalesce((select c.effective_classification from parley_data.commitments c where c.id = target.commitment_id),
                   'unclassified') > parley_data.session_clearance() then
        perform parley_data.refuse('23503', 'silence_id', 'silence_exists',
            format('silence %s does not exist', lift_silence.silence_id), 'See parley.silences.');
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

create function parley.set_alert_rule(
    kind parley.alert_kind, enabled boolean default null, severity parley.severity default null,
    lead_times interval[] default null, delay interval default null, repeat_every interval default null,
    escalate_after interval default null)
    returns parley.alert_kind
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if set_alert_rule.kind is null then
        perform parley_data.refuse('23502', 'kind', 'kind_present', 'kind is required',
            'Name the rule, e.g. kind => ''overdue''; parley.alert_rules lists them.');
    end if;
    if set_alert_rule.lead_times is not null then
        if set_alert_rule.kind not in ('due_soon', 'meeting_upcoming') then
            perform parley_data.refuse('23514', 'lead_times', 'alert_rules_lead_times_where_used',
                format('lead_times do not apply to %s', set_alert_rule.kind),
                'Only due_soon and meeting_upcoming have lead times.');
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
        if set_alert_rule.kind not in ('stale', 'meeting_outcome_missing') then
            perform parley_data.refuse('23514', 'delay', 'alert_rules_delay_where_used',
                format('delay does not apply to %s', set_alert_rule.kind),
                'Only stale and meeting_outcome_missing have a delay.');
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
    'Changes an alert rule for everybody: set_alert_rule(kind => ''overdue'', enabled, severity, lead_times => ''{7 days, 1 day}'', delay => ''30 days'', repeat_every => ''3 days'', escalate_after => ''14 days''). Parameters left out keep their value; repeat_every or escalate_after ''0'' turns repeats or escalation off. Disabling a rule cancels its alerts not yet sent. Everything is replanned. Returns the kind.';

-- The mailer ------------------------------------------------------------------------------------------------------

create function parley.installation_id() returns uuid
    language sql stable security definer
    set search_path = parley_data, pg_catalog, pg_temp
    return (select s.installation_id from parley_data.alert_settings s);
comment on function parley.installation_id() is
    'This installation''s identity: part of every Message-ID the mailer writes and of every UID in parley calendar, so that two Parley databases never collide.';
grant execute on function parley.installation_id() to parley_daemon, parley_reader;

create function parley.claim_deliveries(at timestamptz, lease interval, max_count integer)
    returns table (
        delivery_id         bigint,
        alert_id            bigint,
        claim_token         uuid,
        attempt             integer,
        person_id           bigint,
        recipient_email     text,
        recipient_name      text,
        recipient_timezone  text,
        reason              text,
        kind                parley.alert_kind,
        severity            parley.severity,
        subject_type        parley.alert_subject,
        subject_id          bigint,
        subject_code        text,
        track_id            bigint,
        item_id             bigint,
        commitment_id       bigint,
        due_at              timestamptz,
        escalated           boolean)
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    token constant uuid := gen_random_uuid();
    settings parley_data.alert_settings;
begin
    if claim_deliveries.at is null then
        perform parley_data.refuse('23502', 'at', 'at_present', 'at is required', 'Pass now().');
    end if;
    if claim_deliveries.lease is null or claim_deliveries.lease <= interval '0' then
        perform parley_data.refuse(case when claim_deliveries.lease is null then '23502' else '23514' end,
            'lease', 'lease_positive', format('lease %s must be longer than 0', claim_deliveries.lease),
            'Give how long the run may take to send what it claims, e.g. interval ''5 minutes''.');
    end if;
    if claim_deliveries.max_count is null or claim_deliveries.max_count < 1 then
        perform parley_data.refuse(case when claim_deliveries.max_count is null then '23502' else '23514' end,
            'max_count', 'max_count_positive', format('max_count %s must be at least 1', claim_deliveries.max_count),
            'Give how many deliveries to claim at most, e.g. 500.');
    end if;
    select * into settings from parley_data.alert_settings;

    -- A claim whose lease ran out is taken over below, unless its alert stopped applying meanwhile, or it was
    -- the last allowed attempt (the run died with it).
    update parley_data.deliveries d
       set state = 'cancelled', cancelled_at = claim_deliveries.at, cancel_reason = a.cancel_reason,
           lease_until = null, claim_token = null
      from parley_data.alerts a
     where d.state = 'sending' and d.lease_until <= claim_deliveries.at
       and a.id = d.alert_id and a.cancel_reason is not null;
    update parley_data.deliveries d
       set state = 'failed', last_failed_at = claim_deliveries.at, lease_until = null, claim_token = null,
           last_error = concat_ws('; ', d.last_error, format('claim lapsed on attempt %s of %s', d.attempts, settings.max_attempts))
     where d.state = 'sending' and d.lease_until <= claim_deliveries.at and d.attempts >= settings.max_attempts;

    -- Recipients are checked again at the moment of sending: a person deactivated, or no longer cleared for the
    -- alert's classification, since the plan is not mailed (the plan would drop them too, but the daemon may be
    -- stopped or behind).
    update parley_data.deliveries d
       set state = 'cancelled', cancelled_at = claim_deliveries.at, cancel_reason = 'no longer a recipient',
           lease_until = null, claim_token = null
      from parley_data.alerts a, parley_data.people p
     where a.id = d.alert_id and p.id = d.person_id
       and ((d.state = 'pending' and d.send_after <= claim_deliveries.at)
            or (d.state = 'sending' and d.lease_until <= claim_deliveries.at))
       and (not p.active or p.clearance < a.classification);

    return query
    with picked as (
        select d.id
          from parley_data.deliveries d
         where (d.state = 'pending' and d.send_after <= claim_deliveries.at)
            or (d.state = 'sending' and d.lease_until <= claim_deliveries.at)
         order by d.send_after, d.id
         limit claim_deliveries.max_count
           for update skip locked
    ),
    claimed as (
        update parley_data.deliveries d
           set state = 'sending', attempts = d.attempts + 1, claim_token = token, claimed_at = claim_deliveries.at,
               lease_until = claim_deliveries.at + claim_deliveries.lease
          from picked p
         where d.id = p.id
        returning d.id, d.alert_id, d.person_id, d.attempts, d.reason
    )
    select c.id, c.alert_id, token, c.attempts, c.person_id, p.email, p.name, p.timezone, c.reason,
           a.kind, a.severity, a.subject_type, a.subject_id, a.subject_code, a.track_id, a.item_id, a.commitment_id,
           a.due_at, a.escalated
      from claimed c
      join parley_data.alerts a on a.id = c.alert_id
      join parley_data.people p on p.id = c.person_id
     order by c.person_id, c.id;
end
$$;
comment on function parley.claim_deliveries(timestamptz, interval, integer) is
    'For the mailer: claims up to max_count deliveries due by `at` (and claims of dead runs whose lease ran out) with FOR UPDATE SKIP LOCKED, so overlapping runs never get the same one, and leases them until at + lease under one claim token. Returns them ordered by recipient (to make one digest each), with what the mail needs. A retry re-claims the same delivery row.';

create function parley.mark_deliveries_sent(ids bigint[], message_id text, claim_token uuid, at timestamptz)
    returns integer
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    marked integer;
begin
    if mark_deliveries_sent.ids is null or cardinality(mark_deliveries_sent.ids) = 0 then
        perform parley_data.refuse('23502', 'ids', 'ids_present', 'ids is required',
            'Pass the ids of the deliveries the mail carried.');
    end if;
    if mark_deliveries_sent.claim_token is null then
        perform parley_data.refuse('23502', 'claim_token', 'claim_token_present', 'claim_token is required',
            'Pass the token claim_deliveries returned.');
    end if;
    if mark_deliveries_sent.at is null then
        perform parley_data.refuse('23502', 'at', 'at_present', 'at is required', 'Pass now().');
    end if;
    if mark_deliveries_sent.message_id is null or mark_deliveries_sent.message_id !~ '^<[^<>@\s]+@[^<>@\s]+>$' then
        perform parley_data.refuse(case when mark_deliveries_sent.message_id is null then '23502' else '23514' end,
            'message_id', 'message_id_format',
            format('message_id %s is not of the form <left@right>', coalesce(mark_deliveries_sent.message_id, '(none)')),
            'Pass the Message-ID header of the mail, angle brackets included.');
    end if;
    -- Only deliveries this run still holds: if its lease ran out and another run re-claimed them, that run marks.
    update parley_data.deliveries d
       set state = 'sent', sent_at = mark_deliveries_sent.at, message_id = mark_deliveries_sent.message_id,
           claim_token = null, lease_until = null
     where d.id = any (mark_deliveries_sent.ids) and d.state = 'sending'
       and d.claim_token = mark_deliveries_sent.claim_token;
    get diagnostics marked = row_count;
    return marked;
end
$$;
comment on function parley.mark_deliveries_sent(bigint[], text, uuid, timestamptz) is
    'For the mailer: marks the deliveries a mail carried as sent with its Message-ID, if this run (claim_token) still holds them. Returns how many it marked; fewer than given means another run took some over.';

create function parley.mark_deliveries_failed(ids bigint[], error text, claim_token uuid, at timestamptz)
    returns table (delivery_id bigint, state parley.delivery_state, attempts integer, retry_at timestamptz)
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    settings parley_data.alert_settings;
begin
    if mark_deliveries_failed.ids is null or cardinality(mark_deliveries_failed.ids) = 0 then
        perform parley_data.refuse('23502', 'ids', 'ids_present', 'ids is required',
            'Pass the ids of the deliveries that could not be sent.');
    end if;
    if mark_deliveries_failed.claim_token is null then
        perform parley_data.refuse('23502', 'claim_token', 'claim_token_present', 'claim_token is required',
            'Pass the token claim_deliveries returned.');
    end if;
    if mark_deliveries_failed.at is null then
        perform parley_data.refuse('23502', 'at', 'at_present', 'at is required', 'Pass now().');
    end if;
    if nullif(btrim(mark_deliveries_failed.error), '') is null then
        perform parley_data.refuse('23502', 'error', 'error_present', 'error is required',
            'Say what went wrong, e.g. the exit status and output of sendmail.');
    end if;
    select * into settings from parley_data.alert_settings;
    -- Back off: after attempt n wait retry_backoff[n] (the last entry repeats); after max_attempts, failed. A
    -- delivery whose alert stopped applying meanwhile (see cancel_reason) is cancelled instead of retried.
    return query
    update parley_data.deliveries d
       set state = case when a.cancel_reason is not null then 'cancelled'
                        when d.attempts >= settings.max_attempts then 'failed'
                        else 'pending' end::parley.delivery_state,
           send_after = case when a.cancel_reason is null and d.attempts < settings.max_attempts
                             then mark_deliveries_failed.at
                                  + settings.retry_backoff[least(greatest(d.attempts, 1), cardinality(settings.retry_backoff))]
                             else d.send_after end,
           cancelled_at = case when a.cancel_reason is not null then mark_deliveries_failed.at end,
           cancel_reason = a.cancel_reason,
           last_error = left(mark_deliveries_failed.error, 2000), last_failed_at = mark_deliveries_failed.at,
           claim_token = null, lease_until = null
      from parley_data.alerts a
     where a.id = d.alert_id and d.id = any (mark_deliveries_failed.ids) and d.state = 'sending'
       and d.claim_token = mark_deliveries_failed.claim_token
    returning d.id, d.state, d.attempts, case when d.state = 'pending' then d.send_after end;
end
$$;
comment on function parley.mark_deliveries_failed(bigint[], text, uuid, timestamptz) is
    'For the mailer: records that this run (claim_token) could not send these deliveries. Each is retried after the back-off of alert_settings (1 min, 5 min, 30 min, 2 h, 6 h ...) or, after max_attempts, failed (see parley.delivery_failures). Returns each one''s new state and when it will be retried.';

-- A run that stops sending (its MTA is down, its lease runs short) hands back what it claimed and never tried:
-- those deliveries wait again, with the attempt the claim counted undone, so an MTA outage does not use up the
-- attempts of mail that was never handed to it.
create function parley.release_deliveries(ids bigint[], claim_token uuid, at timestamptz, retry_after interval)
    returns integer
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    released integer;
begin
    if release_deliveries.ids is null or release_deliveries.claim_token is null or release_deliveries.at is null
       or release_deliveries.retry_after is null then
        perform parley_data.refuse('23502',
            case when release_deliveries.ids is null then 'ids' when release_deliveries.claim_token is null then 'claim_token'
                 when release_deliveries.at is null then 'at' else 'retry_after' end,
            'release_complete', 'ids, claim_token, at and retry_after are required', 'Pass them all.');
    end if;
    update parley_data.deliveries d
       set state = 'pending', attempts = greatest(d.attempts - 1, 0), claim_token = null, lease_until = null,
           send_after = release_deliveries.at + release_deliveries.retry_after
     where d.id = any (release_deliveries.ids) and d.state = 'sending' and d.claim_token = release_deliveries.claim_token;
    get diagnostics released = row_count;
    return released;
end
$$;
comment on function parley.release_deliveries(bigint[], uuid, timestamptz, interval) is
    'For the mailer: gives back claimed deliveries it did not try to send (waiting again after retry_after, the claim''s attempt undone). Only the run holding the claim can. Returns how many.';
grant execute on function parley.release_deliveries(bigint[], uuid, timestamptz, interval) to parley_daemon;

create function parley.record_mailer_run(
    started_at timestamptz, finished_at timestamptz, claimed integer, sent integer, failed integer, exit_status integer)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    new_id bigint;
begin
    if num_nulls(record_mailer_run.started_at, record_mailer_run.finished_at, record_mailer_run.claimed,
                 record_mailer_run.sent, record_mailer_run.failed, record_mailer_run.exit_status) > 0 then
        perform parley_data.refuse('23502',
            case when record_mailer_run.started_at is null then 'started_at'
                 when record_mailer_run.finished_at is null then 'finished_at'
                 when record_mailer_run.claimed is null then 'claimed'
                 when record_mailer_run.sent is null then 'sent'
                 when record_mailer_run.failed is null then 'failed'
                 else 'exit_status' end,
            'mailer_run_complete', 'every field of a mailer run is required', 'Pass all six values.');
    end if;
    if record_mailer_run.finished_at < record_mailer_run.started_at then
        perform parley_data.refuse('23514', 'finished_at', 'mailer_runs_finished_after_start',
            format('finished_at %s is before started_at %s', record_mailer_run.finished_at, record_mailer_run.started_at),
            'Pass the moments the run started and finished.');
    end if;
    if least(record_mailer_run.claimed, record_mailer_run.sent, record_mailer_run.failed) < 0 then
        perform parley_data.refuse('23514', 'claimed', 'mailer_runs_counts_not_negative',
            'claimed, sent and failed cannot be negative', 'Pass counts.');
    end if;
    insert into parley_data.mailer_runs (started_at, finished_at, claimed, sent, failed, exit_status)
    values (record_mailer_run.started_at, record_mailer_run.finished_at, record_mailer_run.claimed,
            record_mailer_run.sent, record_mailer_run.failed, record_mailer_run.exit_status)
    returning id into new_id;
    delete from parley_data.mailer_runs r
     where r.started_at < record_mailer_run.started_at - (select s.mailer_runs_kept from parley_data.alert_settings s);
    return new_id;
end
$$;
comment on function parley.record_mailer_run(timestamptz, timestamptz, integer, integer, integer, integer) is
    'For the mailer: records one run (what parley status shows as the last mailer run) and prunes runs older than alert_settings.mailer_runs_kept. Returns the run''s number.';

-- The daemon's heartbeat ------------------------------------------------------------------------------------------

create function parley.daemon_heartbeat(
    instance_id uuid, host text, pid integer, version text, role text, waiting_for text default null,
    at timestamptz default now())
    returns void
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if num_nulls(daemon_heartbeat.instance_id, daemon_heartbeat.host, daemon_heartbeat.pid, daemon_heartbeat.version,
                 daemon_heartbeat.role, daemon_heartbeat.at) > 0 then
        perform parley_data.refuse('23502',
            case when daemon_heartbeat.instance_id is null then 'instance_id'
                 when daemon_heartbeat.host is null then 'host'
                 when daemon_heartbeat.pid is null then 'pid'
                 when daemon_heartbeat.version is null then 'version'
                 when daemon_heartbeat.role is null then 'role'
                 else 'at' end,
            'heartbeat_complete', 'instance_id, host, pid, version, role and at are required', 'Pass them all.');
    end if;
    if daemon_heartbeat.role not in ('leader', 'standby') then
        perform parley_data.refuse('23514', 'role', 'daemon_role_known',
            format('role "%s" is neither leader nor standby', daemon_heartbeat.role), 'Pass leader or standby.');
    end if;
    if daemon_heartbeat.pid <= 0 then
        perform parley_data.refuse('23514', 'pid', 'daemon_instances_pid_positive',
            format('pid %s is not a process id', daemon_heartbeat.pid), 'Pass getpid().');
    end if;
    if btrim(daemon_heartbeat.host) = '' or btrim(daemon_heartbeat.version) = '' then
        perform parley_data.refuse('23514', case when btrim(daemon_heartbeat.host) = '' then 'host' else 'version' end,
            'heartbeat_labels_present', 'host and version cannot be blank', 'Pass the host name and the program version.');
    end if;
    insert into parley_data.daemon_instances as i
           (instance_id, host, pid, version, role, started_at, last_heartbeat_at, waiting_for)
    values (daemon_heartbeat.instance_id, daemon_heartbeat.host, daemon_heartbeat.pid, daemon_heartbeat.version,
            daemon_heartbeat.role::parley.daemon_role, daemon_heartbeat.at, daemon_heartbeat.at,
            left(daemon_heartbeat.waiting_for, 500))
    on conflict on constraint daemon_instances_pkey do update
       set host = excluded.host, pid = excluded.pid, version = excluded.version, role = excluded.role,
           last_heartbeat_at = excluded.last_heartbeat_at, waiting_for = excluded.waiting_for,
           database_user = session_user, backend_pid = pg_backend_pid();
end
$$;
comment on function parley.daemon_heartbeat(uuid, text, integer, text, text, text, timestamptz) is
    'For parleyd: records that this instance is alive (first call: started), its role (leader or standby) and what it is waiting for.';

create function parley.daemon_plan_finished(instance_id uuid, duration interval, planned integer,
                                            at timestamptz default now())
    returns void
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if num_nulls(daemon_plan_finished.instance_id, daemon_plan_finished.duration, daemon_plan_finished.planned,
                 daemon_plan_finished.at) > 0 then
        perform parley_data.refuse('23502',
            case when daemon_plan_finished.instance_id is null then 'instance_id'
                 when daemon_plan_finished.duration is null then 'duration'
                 when daemon_plan_finished.planned is null then 'planned' else 'at' end,
            'plan_report_complete', 'instance_id, duration, planned and at are required', 'Pass them all.');
    end if;
    if daemon_plan_finished.duration < interval '0' or daemon_plan_finished.planned < 0 then
        perform parley_data.refuse('23514',
            case when daemon_plan_finished.duration < interval '0' then 'duration' else 'planned' end,
            'plan_report_not_negative', 'duration and planned cannot be negative', 'Pass what the plan took and created.');
    end if;
    update parley_data.daemon_instances i
       set last_plan_at = daemon_plan_finished.at, last_plan_duration = daemon_plan_finished.duration,
           last_plan_alerts = daemon_plan_finished.planned, plans = i.plans + 1,
           alerts_planned = i.alerts_planned + daemon_plan_finished.planned,
           last_heartbeat_at = greatest(i.last_heartbeat_at, daemon_plan_finished.at)
     where i.instance_id = daemon_plan_finished.instance_id;
    if not found then
        perform parley_data.refuse('23503', 'instance_id', 'daemon_instance_exists',
            format('daemon instance %s has sent no heartbeat', daemon_plan_finished.instance_id),
            'Call parley.daemon_heartbeat first.');
    end if;
end
$$;
comment on function parley.daemon_plan_finished(uuid, interval, integer, timestamptz) is
    'For parleyd: records a finished plan (when, how long it took, how many alerts it created).';

create function parley.daemon_stopped(instance_id uuid) returns boolean
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    delete from parley_data.daemon_instances i where i.instance_id = daemon_stopped.instance_id;
    return found;
end
$$;
comment on function parley.daemon_stopped(uuid) is
    'For parleyd (on a clean stop) or an operator (for an instance that died): removes the instance from daemon_status. Returns whether it was there.';

-- Views -----------------------------------------------------------------------------------------------------------

create view parley.alert_rules with (security_invoker = true) as
select r.kind, r.subject_type as about, r.enabled, r.severity, r.lead_times, r.delay, r.repeat_every,
       r.escalate_after, r.description, r.updated_at, r.updated_by
  from parley_data.alert_rules r
 order by r.kind;
comment on view parley.alert_rules is 'The alert rules in force: what each kind of alert is about, whether it is on, its severity and timing. Change them with parley.set_alert_rule.';
comment on column parley.alert_rules.lead_times is 'How long before the deadline (due_soon) or the meeting (meeting_upcoming) to alert, on the track''s clock.';
comment on column parley.alert_rules.delay is 'How long without an update (stale), or after a meeting ended (meeting_outcome_missing).';
comment on column parley.alert_rules.repeat_every is 'How often an overdue alert repeats; empty: it does not.';
comment on column parley.alert_rules.escalate_after is 'From how long after the deadline the track''s lead also gets the overdue alerts; empty: never.';

create view parley.alerts with (security_invoker = true) as
select a.id, a.kind, a.severity, a.subject_type, a.subject_code as subject, t.code as track, a.occurrence, a.due_at,
       a.state, a.escalated, resp.name as responsible,
       (select count(*) from parley_data.deliveries d where d.alert_id = a.id) as recipients,
       (select count(*) from parley_data.deliveries d where d.alert_id = a.id and d.state = 'sent') as sent,
       a.acknowledged_at, a.acknowledged_by, a.acknowledgement_note, a.snoozed_until, a.cancelled_at, a.cancel_reason,
       a.classification, a.created_at
  from parley_data.alerts a
  left join parley_data.tracks t on t.id = a.track_id
  left join parley_data.people resp on resp.id = a.responsible_id
 order by a.due_at desc, a.id desc;
comment on view parley.alerts is 'Every alert you are cleared to see, newest first: what, about what, when due, and what became of it (acknowledged, snoozed, cancelled and why). Use its id with acknowledge_alert and snooze_alert.';
comment on column parley.alerts.subject is 'The code of the commitment, meeting or follow-up.';
comment on column parley.alerts.occurrence is 'Which firing this is, e.g. "2025-05-25 -7 days" (a week before the 25 May deadline) or "2025-05-25 #3" (fourth overdue reminder).';
comment on column parley.alerts.escalated is 'An overdue alert late enough for the track''s lead to be told too.';
comment on column parley.alerts.responsible is 'Who answers for the subject: commitment owner, follow-up assignee, or the track''s lead for a meeting.';
comment on column parley.alerts.recipients is 'How many people it is addressed to (including suppressed and cancelled deliveries).';
comment on column parley.alerts.sent is 'How many of them it has been mailed to.';

create view parley.alert_queue with (security_invoker = true) as
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
comment on column parley.alert_queue.recipient_because is 'responsible, escalation, subscription, or alerted about overdue (for resolved).';
comment on column parley.alert_queue.attempts is 'How many times the mailer has tried; last_error says why the last try failed.';
comment on column parley.alert_queue.held_back_because is 'For a suppressed delivery: the silence, until when, and its reason.';
comment on column parley.alert_queue.lease_until is 'While sending: when the mailer run''s claim lapses.';

create view parley.alert_log with (security_invoker = true) as
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

create view parley.silences with (security_invoker = true) as
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

create view parley.daemon_status with (security_invoker = true) as
select i.instance_id, i.host, i.pid, i.version, i.role, i.started_at, i.last_heartbeat_at,
       round(extract(epoch from now() - i.last_heartbeat_at))::bigint as seconds_since_heartbeat,
       i.last_heartbeat_at > now() - st.daemon_alive_within as looks_alive,
       i.waiting_for, i.last_plan_at, round(extract(epoch from i.last_plan_duration), 3) as last_plan_seconds,
       -- Counts of alerts include classified ones: shown only to those cleared for everything (nothing leaks
       -- through a total).
       case when (select parley_data.current_clearance()) = 'secret' then i.last_plan_alerts end as last_plan_alerts,
       i.plans,
       case when (select parley_data.current_clearance()) = 'secret' then i.alerts_planned end as alerts_planned,
       i.database_user, i.backend_pid
  from parley_data.daemon_instances i
 cross join parley_data.alert_settings st
 order by i.role, i.started_at;
comment on view parley.daemon_status is
    'The parleyd instances that reported in: is alerting alive? One leader plans; standbys wait to take over. looks_alive turns false when no heartbeat came for alert_settings.daemon_alive_within.';
comment on column parley.daemon_status.waiting_for is 'What the instance says it is waiting for, e.g. the next alert time or the leader lock.';
comment on column parley.daemon_status.last_plan_seconds is 'How long its last plan took.';
comment on column parley.daemon_status.last_plan_alerts is 'How many alerts its last plan created.';
comment on column parley.daemon_status.alerts_planned is 'Alerts it has created since it started.';
comment on column parley.daemon_status.backend_pid is 'Its database connection''s process id (pg_stat_activity.pid).';

create view parley.delivery_failures with (security_invoker = true) as
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

create view parley.mailer_runs with (security_invoker = true) as
select r.id, r.started_at, r.finished_at, round(extract(epoch from r.finished_at - r.started_at), 3) as seconds,
       -- Counts of deliveries include classified ones: shown only to those cleared for everything.
       case when (select parley_data.current_clearance()) = 'secret' then r.claimed end as claimed,
       case when (select parley_data.current_clearance()) = 'secret' then r.sent end as sent,
       case when (select parley_data.current_clearance()) = 'secret' then r.failed end as failed,
       r.exit_status, r.run_by
  from parley_data.mailer_runs r
 order by r.started_at desc, r.id desc;
comment on view parley.mailer_runs is 'Runs of the alert mailer, newest first: deliveries claimed, sent and failed, and the exit status (0 fine, 75 temporary failure).';

create view parley.alert_status with (security_invoker = true) as
select (select count(*) from parley_data.deliveries d where d.state = 'pending' and d.send_after <= now()) as pending_due,
       (select count(*) from parley_data.deliveries d where d.state = 'pending' and d.send_after > now()) as pending_later,
       (select count(*) from parley_data.deliveries d where d.state = 'sending') as sending,
       (select count(*) from parley_data.deliveries d where d.state = 'failed') as failed,
       (select min(d.send_after) from parley_data.deliveries d where d.state = 'pending') as oldest_pending_since,
       r.finished_at as last_mailer_run_at, r.exit_status as last_mailer_exit_status,
       case when (select parley_data.current_clearance()) = 'secret' then r.sent end as last_mailer_sent,
       case when (select parley_data.current_clearance()) = 'secret' then r.failed end as last_mailer_failed,
       exists (select 1 from parley_data.daemon_instances i cross join parley_data.alert_settings st
                where i.role = 'leader' and i.last_heartbeat_at > now() - st.daemon_alive_within) as planner_alive
  from (select 1) one
  left join lateral (select * from parley_data.mailer_runs m order by m.started_at desc, m.id desc limit 1) r on true;
comment on view parley.alert_status is
    'Alerting at a glance (one row): deliveries waiting (due now, later), being sent, failed; the last mailer run; whether a planning daemon is alive. Counts cover only alerts you are cleared to see.';
comment on column parley.alert_status.pending_due is 'Deliveries due that the mailer has not sent yet; a number that keeps growing means the mailer is not running.';
comment on column parley.alert_status.planner_alive is 'True when a leading parleyd sent a heartbeat recently.';

-- Security --------------------------------------------------------------------------------------------------------

-- Alerts are as classified as their subject; deliveries and silences follow what they are about.
alter table parley_data.alerts enable row level security;
create policy alerts_cleared on parley_data.alerts for select to public
    using (classification <= (select parley_data.current_clearance()));

alter table parley_data.deliveries enable row level security;
create policy deliveries_with_alert on parley_data.deliveries for select to public
    using (exists (select 1 from parley_data.alerts a where a.id = deliveries.alert_id));

alter table parley_data.silences enable row level security;
create policy silences_with_target on parley_data.silences for select to public
    using ((silences.track_id is null or exists (select 1 from parley_data.tracks t where t.id = silences.track_id))
           and (silences.commitment_id is null
                or exists (select 1 from parley_data.commitments c where c.id = silences.commitment_id)));

revoke all on parley_data.alert_schedule, parley_data.plan_queue from public, parley_reader, parley_writer, parley_daemon;

grant select on
    parley.alert_rules, parley.alerts, parley.alert_queue, parley.alert_log, parley.silences,
    parley.daemon_status, parley.delivery_failures, parley.mailer_runs, parley.alert_status
to parley_reader, parley_daemon;

-- Underneath the views: reachable only through them (no USAGE on parley_data), filtered by the policies. The model
-- tables and current_clearance() are granted by 000006 already; repeated here because these views need them.
grant select on
    parley_data.alert_rules, parley_data.alert_settings, parley_data.alerts, parley_data.deliveries,
    parley_data.silences, parley_data.daemon_instances, parley_data.mailer_runs,
    parley_data.tracks, parley_data.people, parley_data.agenda_items, parley_data.commitments
to parley_reader, parley_daemon;
grant execute on function parley_data.current_clearance() to parley_reader, parley_daemon;

grant execute on function
    parley.plan_alerts(timestamptz, boolean, boolean),
    parley.next_alert_at(timestamptz),
    parley.claim_deliveries(timestamptz, interval, integer),
    parley.mark_deliveries_sent(bigint[], text, uuid, timestamptz),
    parley.mark_deliveries_failed(bigint[], text, uuid, timestamptz),
    parley.record_mailer_run(timestamptz, timestamptz, integer, integer, integer, integer),
    parley.daemon_heartbeat(uuid, text, integer, text, text, text, timestamptz),
    parley.daemon_plan_finished(uuid, interval, integer, timestamptz),
    parley.daemon_stopped(uuid)
to parley_daemon;

grant execute on function
    parley.acknowledge_alert(bigint, text),
    parley.snooze_alert(bigint, timestamptz),
    parley.silence(text, text, text, parley.alert_kind, timestamptz, text),
    parley.lift_silence(bigint),
    parley.set_alert_rule(parley.alert_kind, boolean, parley.severity, interval[], interval, interval, interval)
to parley_writer;
