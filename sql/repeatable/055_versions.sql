-- Versions (000008, 000015): each state of a commitment, an agenda entry and an agreement, with the period it was
-- valid, written by the statement that changes the record; and the guard that keeps them from being edited.
set local role parley_owner;

-- The recording trigger, statement-level, one set-based statement per step whatever the number of rows.
-- TG_ARGV: the versions table, the recorded table's level column, then its key columns ('version_column=column'
-- where the names differ: 'commitment_id=id'). Every other column of the versions table, except valid_from,
-- valid_to, recorded_by and classification, is a column of the recorded table of the same name: what a version
-- holds. A statement that leaves all of them as they were (a note, a stamp) makes no version.
--
-- For each record a statement changed, at the start time of its transaction (now(), the change log's changed_at):
--   1. raised: the versions it had are raised to its new level (they are never lowered);
--   2. a version that began at or after now() (made earlier in this transaction, or by a transaction that started
--      later and committed first) is taken back: the state a moment shows is the last one recorded for it, as the
--      change log's latest entry was;
--   3. the version in force is closed at now();
--   4. the new state is a version from now(), at the record's new level.
-- A delete does 2 and 3; an insert 4. Agreements (and any later record with a history) take the same trigger with
-- a versions table of their own.
create or replace function parley_data.record_versions() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
declare
    versions constant text := tg_argv[0];
    level_column constant text := tg_argv[1];
    version_keys text[];
    record_keys text[];
    held text[];
    join_on text;
    version_key_list text;
    new_key_list text;
    match_version text;
    changed text;
    raised boolean;
begin
    select array_agg(split_part(k, '=', 1) order by position),
           array_agg(coalesce(nullif(split_part(k, '=', 2), ''), k) order by position)
      into version_keys, record_keys
      from unnest(tg_argv[2:]) with ordinality as key_column(k, position);
    select array_agg(a.attname::text order by a.attnum)
      into held
      from pg_catalog.pg_attribute a
     where a.attrelid = format('parley_data.%I', versions)::regclass and a.attnum > 0 and not a.attisdropped
       and a.attname <> all (version_keys || array['valid_from', 'valid_to', 'recorded_by', 'classification']);
    select string_agg(format('o.%1$I = n.%1$I', r), ' and '),
           string_agg(format('%I', v), ', '),
           string_agg(format('n.%I', r), ', '),
           string_agg(format('v.%I = x.%I', v, r), ' and ')
      into join_on, version_key_list, new_key_list, match_version
      from unnest(version_keys, record_keys) as k(v, r);
    -- The records whose held columns or level changed, with their levels before and after, one row each: a record
    -- changed twice by one statement (two foreign keys cascading a track's new level to a provision: its track's,
    -- and its agreement's) is in the transition tables twice. (The level counts of itself: an agreement's versions
    -- hold no column of its level, and one raised must raise its past with it.)
    changed := format('(select %s, min(o.%I) as old_level, max(n.%I) as new_level from old_rows o join new_rows n on %s '
                      'where (%s) is distinct from (%s) or o.%I is distinct from n.%I group by %s) x',
                      (select string_agg(format('n.%I', r), ', ') from unnest(record_keys) r),
                      level_column, level_column, join_on,
                      (select string_agg(format('o.%I', h), ', ') from unnest(held) h),
                      (select string_agg(format('n.%I', h), ', ') from unnest(held) h),
                      level_column, level_column,
                      (select string_agg(format('n.%I', r), ', ') from unnest(record_keys) r));

    if tg_op = 'UPDATE' then
        -- Raising, only when a level rose (rarely: asked first, so that a bulk update does not plan the join).
        execute format('select exists (select 1 from %s where x.new_level > x.old_level)', changed) into raised;
        if raised then
            execute format('update parley_data.%I v set classification = x.new_level from %s '
                           'where x.new_level > x.old_level and %s and v.classification < x.new_level',
                           versions, changed, match_version);
        end if;
        execute format('delete from parley_data.%I v using %s where %s and v.valid_from >= now()',
                       versions, changed, match_version);
        execute format('update parley_data.%I v set valid_to = now() from %s where %s and v.valid_to > now()',
                       versions, changed, match_version);
        -- The state the record is in now (the last of the statement's, when it changed one record twice).
        execute format('insert into parley_data.%I (%s, %s, valid_from, recorded_by, classification) '
                       'select %s, %s, now(), session_user, n.%I from parley_data.%I n join %s on %s',
                       versions, version_key_list,
                       (select string_agg(format('%I', h), ', ') from unnest(held) h),
                       new_key_list, (select string_agg(format('n.%I', h), ', ') from unnest(held) h),
                       level_column, tg_table_name, changed,
                       (select string_agg(format('x.%1$I = n.%1$I', r), ' and ') from unnest(record_keys) r));
    elsif tg_op = 'INSERT' then
        execute format('insert into parley_data.%I (%s, %s, valid_from, recorded_by, classification) '
                       'select %s, %s, now(), session_user, n.%I from new_rows n',
                       versions, version_key_list,
                       (select string_agg(format('%I', h), ', ') from unnest(held) h),
                       new_key_list, (select string_agg(format('n.%I', h), ', ') from unnest(held) h),
                       level_column);
    elsif tg_op = 'DELETE' then
        execute format('delete from parley_data.%I v using old_rows x where %s and v.valid_from >= now()',
                       versions, match_version);
        execute format('update parley_data.%I v set valid_to = now() from old_rows x where %s and v.valid_to > now()',
                       versions, match_version);
    elsif tg_op = 'TRUNCATE' then
        execute format('delete from parley_data.%I v where v.valid_from >= now()', versions);
        execute format('update parley_data.%I v set valid_to = now() where v.valid_to > now()', versions);
    end if;
    return null;
end
$$;
comment on function parley_data.record_versions() is
    'Trigger: keeps the versions of the records a statement inserted, changed or deleted (each state with the period it was valid), set-based, once per statement.';

call parley_data.create_statement_triggers('commitments', 'versions',
    $$parley_data.record_versions('commitment_versions', 'effective_classification', 'commitment_id=id')$$,
    array['insert', 'update', 'delete', 'truncate']);
call parley_data.create_statement_triggers('track_agenda', 'versions',
    $$parley_data.record_versions('agenda_versions', 'effective_classification', 'track_id', 'item_id')$$,
    array['insert', 'update', 'delete', 'truncate']);
call parley_data.create_statement_triggers('agreements', 'versions',
    $$parley_data.record_versions('agreement_versions', 'classification', 'agreement_id=id')$$,
    array['insert', 'update', 'delete', 'truncate']);

-- Versions are history: nobody edits them but the recording trigger (and the timeline's and tallies' rebuilds,
-- which do not touch them), unless maintenance is declared as for the change log (050_history).
create or replace function parley_data.keep_versions_append_only() returns trigger
    language plpgsql as $$
begin
    if coalesce(current_setting('parley.change_log_maintenance', true), '') = 'on' or pg_trigger_depth() > 1 then
        return null;
    end if;
    raise exception 'versions are history: % on % is refused', lower(tg_op), tg_table_name
        using errcode = 'insufficient_privilege', table = tg_table_name, constraint = 'versions_append_only',
              hint = 'Versions are written by triggers only. For maintenance, the owner first runs: set local parley.change_log_maintenance = ''on''.';
end
$$;
comment on function parley_data.keep_versions_append_only() is
    'Trigger: refuses any change to the versions other than the recording trigger''s, unless parley.change_log_maintenance is on.';
create or replace trigger commitment_versions_append_only
    before insert or update or delete or truncate on parley_data.commitment_versions
    for each statement execute function parley_data.keep_versions_append_only();
create or replace trigger agenda_versions_append_only
    before insert or update or delete or truncate on parley_data.agenda_versions
    for each statement execute function parley_data.keep_versions_append_only();
create or replace trigger agreement_versions_append_only
    before insert or update or delete or truncate on parley_data.agreement_versions
    for each statement execute function parley_data.keep_versions_append_only();
