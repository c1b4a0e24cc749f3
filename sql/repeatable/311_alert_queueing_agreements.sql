-- Change notification for agreements, as 310 does for commitments, meetings and follow-ups (with its trigger
-- function): statement-level triggers that queue the agreements a statement changed in a way their alerts depend on
-- (status, clock, owner, level, code; a term recorded or changed; a suspension or withdrawal recorded; a track
-- added) and wake the daemon once.
set local role parley_owner;

-- An agreement itself: as a commitment (310's queue_subject_changes), its level in classification.
call parley_data.create_statement_triggers('agreements', 'plan', $$parley_data.queue_subject_changes('agreement',
    'status, timezone, owner_id, classification, code', '-', '-', 'classification')$$);

-- Its terms, participation and tracks: whatever is new or changed about an agreement queues it.
create or replace function parley_data.queue_agreement_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
begin
    insert into parley_data.plan_queue (subject_type, subject_id)
    select distinct 'agreement', r.agreement_id from new_rows r;
    if found then
        perform pg_notify('parley_plan', '');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_agreement_changes() is
    'Trigger: queues the agreements whose terms, participation or tracks a statement added or changed, and notifies the daemon once.';

call parley_data.create_statement_triggers('agreement_terms', 'plan', 'parley_data.queue_agreement_changes()',
                                           array['insert', 'update']);
call parley_data.create_statement_triggers('agreement_participation', 'plan', 'parley_data.queue_agreement_changes()',
                                           array['insert']);
call parley_data.create_statement_triggers('agreement_tracks', 'plan', 'parley_data.queue_agreement_changes()',
                                           array['insert']);
