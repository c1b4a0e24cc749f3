-- The change history's recording: a statement-level trigger on every data table writes what each statement
-- inserted, updated, deleted or truncated to parley_data.change_log (000003), once per statement; and the guard
-- that keeps the history append-only.
set local role parley_owner;

-- The recording trigger. It runs as parley_owner so that every write path is recorded, whatever the writer may
-- do itself; session_user (not current_user, which is parley_owner here) names who made the change.
-- TG_ARGV holds the table's key columns, so that each statement runs one set-based insert. Updates pair old and
-- new rows on the key; rows that an update left exactly as they were are not recorded.
create or replace function parley_data.record_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    key_of_old text;
    key_of_new text;
    join_on text;
    header constant text :=
        'insert into parley_data.change_log '
        || '(changed_at, transaction_id, changed_by, table_name, row_id, operation, old_row, new_row) '
        || 'select now(), pg_current_xact_id(), session_user, $1, ';
begin
    select string_agg(format('o.%I::text', k), ' || '','' || ' order by position),
           string_agg(format('n.%I::text', k), ' || '','' || ' order by position),
           string_agg(format('o.%I = n.%I', k, k), ' and ' order by position)
      into key_of_old, key_of_new, join_on
      from unnest(tg_argv) with ordinality as key_column(k, position);

    if tg_op = 'INSERT' then
        execute header || key_of_new || ', ''insert'', null, to_jsonb(n) from new_rows n'
            using tg_table_name;
    elsif tg_op = 'DELETE' then
        execute header || key_of_old || ', ''delete'', to_jsonb(o), null from old_rows o'
            using tg_table_name;
    elsif tg_op = 'UPDATE' then
        execute header
            || format('coalesce(%s, %s), ', key_of_new, key_of_old)
            || 'case when o is null then ''insert'' when n is null then ''delete'' else ''update'' end, '
            || 'to_jsonb(o), to_jsonb(n) '
            || 'from old_rows o full join new_rows n on ' || join_on || ' '
            || 'where o is null or n is null or row(o.*) is distinct from row(n.*)'
            using tg_table_name;
    elsif tg_op = 'TRUNCATE' then
        -- The table still holds its rows here: keep each one, as if deleted.
        execute header || replace(key_of_old, 'o.', 't.') || ', ''delete'', to_jsonb(t), null from '
            || format('%I.%I t', tg_table_schema, tg_table_name)
            using tg_table_name;
    end if;
    return null;
end
$$;
comment on function parley_data.record_changes is
    'Trigger: writes the rows a statement inserted, updated, deleted or truncated to the change history, once per statement.';

-- Every data table of the model, with its key. Not time_zones and commitment_transitions: they are vocabulary
-- that migrations maintain.
do $$
declare
    t text;
    key_columns text;
begin
    foreach t in array array[
        'people', 'sources', 'parties', 'tracks', 'track_members', 'meetings', 'agenda_items', 'track_agenda',
        'positions', 'deals', 'commitments', 'commitment_beneficiaries', 'commitment_updates', 'figures',
        'follow_ups', 'subscriptions']
    loop
        select string_agg(quote_literal(a.attname), ', ' order by k.ordinality)
          into key_columns
          from pg_catalog.pg_index i
         cross join lateral unnest(i.indkey) with ordinality k(attnum, ordinality)
          join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
         where i.indrelid = format('parley_data.%I', t)::regclass and i.indisprimary;
        if key_columns is null then
            raise exception 'table parley_data.% has no primary key to record its changes by', t;
        end if;
        execute format('create or replace trigger %I after insert on parley_data.%I referencing new table as new_rows '
                       'for each statement execute function parley_data.record_changes(%s)',
                       t || '_history_insert', t, key_columns);
        execute format('create or replace trigger %I after update on parley_data.%I '
                       'referencing old table as old_rows new table as new_rows '
                       'for each statement execute function parley_data.record_changes(%s)',
                       t || '_history_update', t, key_columns);
        execute format('create or replace trigger %I after delete on parley_data.%I referencing old table as old_rows '
                       'for each statement execute function parley_data.record_changes(%s)',
                       t || '_history_delete', t, key_columns);
        execute format('create or replace trigger %I before truncate on parley_data.%I '
                       'for each statement execute function parley_data.record_changes(%s)',
                       t || '_history_truncate', t, key_columns);
    end loop;
end
$$;

-- The history is append-only, even for its owner, unless maintenance is declared (see the top of this file).
create or replace function parley_data.keep_change_log_append_only() returns trigger
    language plpgsql as $$
begin
    if coalesce(current_setting('parley.change_log_maintenance', true), '') = 'on' then
        return null;
    end if;
    -- The recording trigger inserts from inside another table's trigger; a direct insert comes from nowhere.
    if tg_op = 'INSERT' and pg_trigger_depth() > 1 then
        return null;
    end if;
    raise exception 'the change history is append-only: % on change_log is refused', lower(tg_op)
        using errcode = 'insufficient_privilege', table = 'change_log', constraint = 'change_log_append_only',
              hint = 'History is written by triggers only. For maintenance, the owner first runs: set local parley.change_log_maintenance = ''on''.';
end
$$;
create or replace trigger change_log_append_only before insert or update or delete or truncate on parley_data.change_log
    for each statement execute function parley_data.keep_change_log_append_only();
comment on function parley_data.keep_change_log_append_only is
    'Trigger: refuses any change to the history other than the recording trigger''s inserts, unless parley.change_log_maintenance is on.';
