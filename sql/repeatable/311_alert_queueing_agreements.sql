-- Change notification for agreements, as 310 does for commitments, meetings and follow-ups: statement-level
-- triggers that queue the agreements a statement changed in a way their alerts depend on (status, clock, owner,
-- level, code; a term recorded or changed; a suspension or withdrawal recorded) and wake the daemon once.
set local role parley_owner;

create or replace function parley_data.queue_agreement_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
declare
    queued bigint := 0;
begin
    if tg_table_name = 'agreements' and tg_op = 'UPDATE' then
        execute $q$insert into parley_data.plan_queue (subject_type, subject_id)
        select 'agreement', n.id
          from new_rows n
          join old_rows o on o.id = n.id
         where (n.status, n.timezone, n.owner_id, n.classification, n.code)
               is distinct from (o.status, o.timezone, o.owner_id, o.classification, o.code)$q$;
        get diagnostics queued = row_count;
        -- A reclassified agreement's alerts follow it in the same statement, as a commitment's do.
        execute $q$update parley_data.alerts a
           set classification = n.classification
          from new_rows n
          join old_rows o on o.id = n.id
         where n.classification is distinct from o.classification
           and a.subject_type = 'agreement' and a.subject_id = n.id$q$;
    elsif tg_op in ('INSERT', 'UPDATE') then
        -- Terms, status events, participation: whatever is new or changed about an agreement.
        insert into parley_data.plan_queue (subject_type, subject_id)
        select distinct 'agreement', coalesce((to_jsonb(r) ->> 'agreement_id')::bigint, (to_jsonb(r) ->> 'id')::bigint)
          from new_rows r;
        get diagnostics queued = row_count;
    else
        insert into parley_data.plan_queue (subject_type, subject_id)
        select distinct 'agreement', coalesce((to_jsonb(r) ->> 'agreement_id')::bigint, (to_jsonb(r) ->> 'id')::bigint)
          from old_rows r;
        get diagnostics queued = row_count;
    end if;
    if queued > 0 then
        perform pg_notify('parley_plan', '');
    end if;
    return null;
end
$$;
comment on function parley_data.queue_agreement_changes() is
    'Trigger: queues the agreements a statement added, deleted or changed in a way alerts depend on (an agreement, its terms, its status history, a party''s participation), and notifies the daemon once.';

call parley_data.create_statement_triggers('agreements', 'plan', 'parley_data.queue_agreement_changes()');
call parley_data.create_statement_triggers('agreement_terms', 'plan', 'parley_data.queue_agreement_changes()',
                                           array['insert', 'update']);
call parley_data.create_statement_triggers('agreement_participation', 'plan', 'parley_data.queue_agreement_changes()',
                                           array['insert']);
call parley_data.create_statement_triggers('agreement_tracks', 'plan', 'parley_data.queue_agreement_changes()',
                                           array['insert']);
