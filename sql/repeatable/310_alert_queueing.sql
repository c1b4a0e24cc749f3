-- Change notification: statement-level triggers that queue the subjects a statement changed for planning and
-- wake the daemon, and the trigger that applies new silences at once.
set local role parley_owner;

-- Change notification ---------------------------------------------------------------------------------------------
--
-- Statement-level triggers: a statement touching 100,000 rows writes 100,000 queue rows in one INSERT ... SELECT
-- and sends one notification. (NOTIFY also folds identical notifications within a transaction into one.)
-- commitment_updates needs no trigger of its own: what an update changes (last_update_on, status) it changes
-- through an UPDATE of commitments, which the commitments trigger sees.

-- One entry queued and the daemon woken, for what changes one thing rather than rows of subjects: a staff action on
-- an alert (320) queues its subject; a change of who may receive what, 'recipients'; a changed rule, 'all'
-- (subject_id null for those two).
create or replace function parley_data.queue_plan(subject_type text, subject_id bigint default null) returns void
    language sql
begin atomic
    insert into parley_data.plan_queue (subject_type, subject_id)
    values (queue_plan.subject_type, queue_plan.subject_id);
    select pg_notify('parley_plan', '');
end;
comment on function parley_data.queue_plan(text, bigint) is
    'Queues one subject (or ''recipients'', ''all'' without subject_id) for the next plan and notifies the daemon.';

-- Commitments, meetings, follow-ups and agreements, one trigger function for the four, told by its arguments: the
-- subject type the table's rows are queued as; the columns whose change alerts depend on; for the subjects that
-- follow-ups can be about, the follow_ups column that names one and the columns of the subject that follow-ups take
-- (its track, item and level), '-' for the others; and the column of the subject's level when it is not
-- effective_classification (an agreement's classification, 311).
-- The UPDATE branches pair old and new rows with EXECUTE: a static statement's plan is made once per session, with
-- the row count of the first statement's transition tables; planned for one row, the pairing becomes a nested loop
-- that turns quadratic when a later statement updates thousands of rows.
create or replace function parley_data.queue_subject_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
declare
    subject constant text := tg_argv[0];
    watched constant text := tg_argv[1];
    follow_up_link constant text := tg_argv[2];
    follow_ups_take constant text := tg_argv[3];
    level_column constant text := coalesce(tg_argv[4], 'effective_classification');
    queued bigint := 0;
    n bigint;
begin
    if tg_op = 'INSERT' then
        insert into parley_data.plan_queue (subject_type, subject_id) select subject, r.id from new_rows r;
        get diagnostics queued = row_count;
    elsif tg_op = 'DELETE' then
        insert into parley_data.plan_queue (subject_type, subject_id) select subject, r.id from old_rows r;
        get diagnostics queued = row_count;
    else
        execute format($q$insert into parley_data.plan_queue (subject_type, subject_id)
        select %L, n.id
          from new_rows n
          join old_rows o on o.id = n.id
         where %s$q$, subject, parley_data.rows_differ(watched));
        get diagnostics queued = row_count;
        -- Follow-ups about a commitment or a meeting take its track, item and classification.
        if follow_up_link <> '-' then
            execute format($q$insert into parley_data.plan_queue (subject_type, subject_id)
            select 'follow_up', f.id
              from new_rows n
              join old_rows o on o.id = n.id
              join parley_data.follow_ups f on f.%I = n.id
             where %s$q$, follow_up_link, parley_data.rows_differ(follow_ups_take));
            get diagnostics n = row_count;
            queued := queued + n;
        end if;
        -- A reclassified subject's alerts follow it in the same statement, not at the next plan: who may see an
        -- alert and who may be mailed its details must not wait for the daemon. (Follow-ups about a commitment or
        -- a meeting move with it, by their foreign key, and their own trigger moves their alerts; a follow-up
        -- given another subject moves to that subject's level.)
        execute format($q$update parley_data.alerts a
           set classification = n.%1$I
          from new_rows n
          join old_rows o on o.id = n.id
         where n.%1$I is distinct from o.%1$I
           and a.subject_type = %2$L and a.subject_id = n.id$q$, level_column, subject);
    end if;
    if queued > 0 then
        perform pg_notify('parley_plan', '');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_subject_changes() is
    'Trigger: queues the commitments, meetings, follow-ups or agreements (TG_ARGV[0]) a statement inserted, deleted or changed in a way alerts depend on, with the follow-ups that take their track, item and level, moves the alerts of reclassified ones, and notifies the daemon once.';

call parley_data.create_statement_triggers('commitments', 'plan', $$parley_data.queue_subject_changes('commitment',
    'due_on, status, reopened_at, made_on, last_update_on, status_changed_on, created_at, track_id, item_id, owner_id, effective_classification, code, frozen_on',
    'commitment_id', 'track_id, item_id, effective_classification')$$);
call parley_data.create_statement_triggers('meetings', 'plan', $$parley_data.queue_subject_changes('meeting',
    'starts_at, ends_at, status, outcome_summary, created_at, track_id, effective_classification, code',
    'meeting_id', 'track_id, effective_classification')$$);
call parley_data.create_statement_triggers('follow_ups', 'plan', $$parley_data.queue_subject_changes('follow_up',
    'due_at, done_at, assignee_id, commitment_id, meeting_id, track_id, code', '-', '-')$$);
drop function if exists parley_data.queue_commitment_changes();
drop function if exists parley_data.queue_meeting_changes();
drop function if exists parley_data.queue_follow_up_changes();

-- A track's time zone moves every deadline and meeting time on it; its lead receives meeting alerts and
-- escalations.
create or replace function parley_data.queue_track_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
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
     where t.moved or t.reclassified
    union all
    select 'agreement', l.agreement_id from changed t join parley_data.agreement_tracks l on l.track_id = t.id
     where t.moved and l.position = 1;
    get diagnostics queued = row_count;
    -- (What is on a reclassified track moves with it, by the foreign keys; the triggers of commitments, meetings
    -- and follow-ups take their alerts along.)
    if queued > 0 then
        perform pg_notify('parley_plan', '');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_track_changes() is
    'Trigger: when tracks change time zone, lead or classification, queues the commitments, meetings and follow-ups on them (and the agreements whose first track it is) and notifies the daemon once.';

call parley_data.create_statement_triggers('tracks', 'plan', 'parley_data.queue_track_changes()', array['update']);

-- Who may receive what changed: reconsider the recipients of alerts still waiting to go out.
create or replace function parley_data.queue_recipient_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
begin
    -- A statement trigger runs even when its statement touched nothing (an import's upsert of subscriptions that
    -- are all there already): only a row that changed what recipients get queues a review.
    if tg_table_name = 'people' then
        if not exists (select 1 from new_rows n join old_rows o on o.id = n.id
                        where (n.active, n.clearance) is distinct from (o.active, o.clearance)) then
            return null;
        end if;
    elsif tg_op = 'INSERT' then
        if not exists (select 1 from new_rows) then
            return null;
        end if;
    elsif tg_op = 'DELETE' then
        if not exists (select 1 from old_rows) then
            return null;
        end if;
    elsif not exists (select 1 from new_rows n join old_rows o on o.id = n.id
                       where (n.person_id, n.track_id, n.item_id, n.min_severity, n.effective_classification)
                             is distinct from
                             (o.person_id, o.track_id, o.item_id, o.min_severity, o.effective_classification)) then
        return null;
    end if;
    perform parley_data.queue_plan('recipients');
    return null;
end
$$;
comment on function parley_data.queue_recipient_changes() is
    'Trigger: after people change clearance or active, or subscriptions change, queues a review of the recipients of alerts not yet sent and notifies the daemon once.';

call parley_data.create_statement_triggers('people', 'plan', 'parley_data.queue_recipient_changes()', array['update']);
drop trigger if exists subscriptions_plan_change on parley_data.subscriptions;
call parley_data.create_statement_triggers('subscriptions', 'plan', 'parley_data.queue_recipient_changes()');

create or replace function parley_data.queue_rule_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
begin
    if exists (select 1 from new_rows n join old_rows o on o.kind = n.kind
                where (n.enabled, n.severity, n.lead_times, n.delay, n.repeat_every, n.escalate_after)
                      is distinct from (o.enabled, o.severity, o.lead_times, o.delay, o.repeat_every, o.escalate_after)) then
        perform parley_data.queue_plan('all');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_rule_changes() is 'Trigger: a changed alert rule replans everything; notifies the daemon once.';

call parley_data.create_statement_triggers('alert_rules', 'plan', 'parley_data.queue_rule_changes()', array['update']);

-- A new silence takes effect at once: deliveries it covers that are still waiting are suppressed.
create or replace function parley_data.apply_new_silences() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
begin
    update parley_data.deliveries d
       set state = 'suppressed', silence_id = s.id, silence_classification = s.effective_classification
      from parley_data.alerts a, new_rows s
     where d.state = 'pending' and a.id = d.alert_id and a.state <> 'cancelled'
       and a.classification <= s.ceiling
       and s.lifted_at is null and s.ends_at > now()
       and (s.track_id is null or s.track_id = a.track_id)
       and (s.item_id is null or s.item_id = a.item_id)
       and (s.commitment_id is null or s.commitment_id = a.commitment_id)
       and (s.kind is null or s.kind = a.kind);
    return null;
end
$$;
comment on function parley_data.apply_new_silences() is 'Trigger: suppresses the waiting deliveries of alerts that new silences cover.';

drop trigger if exists silences_apply on parley_data.silences;
call parley_data.create_statement_triggers('silences', 'apply', 'parley_data.apply_new_silences()', array['insert']);
