-- The change history's recording: a statement-level trigger on every data table writes what each statement
-- inserted, updated, deleted or truncated to parley_data.change_log (000003, kept by year since 000008), once per
-- statement; and the guard that keeps the history append-only. Also what this file and the later ones (versions,
-- timeline, alert queueing) make their statement-level triggers with: parley_data.create_statement_triggers, and
-- parley_data.rows_differ for the statements that pair old and new rows.
set local role parley_owner;

-- The statement-level triggers a concern keeps on a table: for each of `events`, a trigger named
-- <table>_<concern>_<event> that runs `call` (the trigger function with its arguments) after the statement (before
-- it for truncate), with the statement's rows as new_rows (insert), old_rows and new_rows (update) or old_rows
-- (delete).
create or replace procedure parley_data.create_statement_triggers(
    table_name text, concern text, call text, events text[] default array['insert', 'update', 'delete'])
    language plpgsql
    set search_path = pg_catalog, pg_temp
as $$
declare
    event text;
begin
    foreach event in array events loop
        execute format('create or replace trigger %I %s %s on parley_data.%I %s for each statement execute function %s',
                       table_name || '_' || concern || '_' || event,
                       case event when 'truncate' then 'before' else 'after' end, event, table_name,
                       case event when 'insert' then 'referencing new table as new_rows'
                                  when 'update' then 'referencing old table as old_rows new table as new_rows'
                                  when 'delete' then 'referencing old table as old_rows'
                                  else '' end,
                       call);
    end loop;
end
$$;
comment on procedure parley_data.create_statement_triggers is
    'Makes (or replaces) the statement-level triggers <table>_<concern>_<event> on parley_data.<table> that run call with the transition tables new_rows and old_rows.';

-- The condition that an old row o and a new row n differ in any of `columns` (names separated by commas), for a
-- statement that pairs the old and new rows of an update: (o.a, o.b) is distinct from (n.a, n.b).
create or replace function parley_data.rows_differ(columns text) returns text
    language sql immutable strict
    set search_path = pg_catalog, pg_temp
    return format('(%s) is distinct from (%s)',
                  (select string_agg('o.' || quote_ident(trim(c)), ', ') from unnest(string_to_array(columns, ',')) c),
                  (select string_agg('n.' || quote_ident(trim(c)), ', ') from unnest(string_to_array(columns, ',')) c));
comment on function parley_data.rows_differ(text) is
    'The SQL condition that old row o and new row n differ in any of the comma-separated columns.';

-- The recording trigger. It runs as parley_owner so that every write path is recorded, whatever the writer may
-- do itself; session_user (not current_user, which is parley_owner here) names who made the change.
-- TG_ARGV holds the table's level column ('-' for a table that is never classified) and then its key columns, so
-- that each statement runs one set-based insert. Updates pair old and new rows on the key; rows that an update
-- left exactly as they were are not recorded.
--
-- An insert or a delete keeps the whole record. An update keeps what changed: old_row holds the fields that
-- changed, as they were; new_row the same fields as they became, and the fields that name the record (its key,
-- its code, what it belongs to), so that parley.changes can say which record it was. (Two whole copies of every
-- row made the history most of the cost of a bulk update: 100,000 deadlines moved wrote 290 MB of WAL for the
-- history alone at a million commitments.)
--
-- A change is recorded at the higher of the row's levels before and after it. When an update raises a row (its
-- own classification, or its track's: the foreign keys cascade the move to every child row, each recorded by its
-- own table's trigger), the row's earlier history is raised with it: what a reader may no longer see now, they may
-- not see the past of either. Nothing lowers the history: a declassified row's past stays at the level it had;
-- the row as it became is recorded once more, as 'declassify', at its new level.
-- A reason given for the statement (parley.change_reason, set by parley.declassify) is kept with its changes.
create or replace function parley_data.record_changes() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    -- Statement-level work over transition tables: the estimates of their joins run high enough to JIT-compile,
    -- which costs seconds (most of a bulk update's trigger time) and saves nothing here.
    set jit = off
as $$
declare
    level_column constant text := tg_argv[0];
    key_of_old text;
    key_of_new text;
    join_on text;
    changed_old text;
    changed_new text;
    old_level text := quote_literal('unclassified') || '::parley.classification';
    new_level text := quote_literal('unclassified') || '::parley.classification';
    header constant text :=
        'insert into parley_data.change_log '
        || '(changed_at, transaction_id, changed_by, table_name, row_id, operation, old_row, new_row, '
        || 'classification, reason) '
        || 'select now(), pg_current_xact_id(), session_user, $1, ';
    reason constant text := nullif(current_setting('parley.change_reason', true), '');
    lowered boolean;
    raised boolean;
begin
    select string_agg(format('o.%I::text', k), ' || '','' || ' order by position),
           string_agg(format('n.%I::text', k), ' || '','' || ' order by position),
           string_agg(format('o.%I = n.%I', k, k), ' and ' order by position)
      into key_of_old, key_of_new, join_on
      from unnest(tg_argv[1:]) with ordinality as key_column(k, position);
    -- What an update changed, field by field, and (in new_row) what names the record.
    select string_agg(format('case when o.%1$I is distinct from n.%1$I then jsonb_build_object(%1$L, o.%1$I) '
                             'else ''{}''::jsonb end', a.attname), ' || ' order by a.attnum),
           'jsonb_build_object(' || string_agg(format('%1$L, n.%1$I', a.attname), ', ' order by a.attnum)
               filter (where a.attname = any (tg_argv[1:])
                          or a.attname in ('code', 'commitment_id', 'party_id', 'track_id', 'item_id', 'person_id',
                                           'indicator', 'email'))
           || ') || '
           || string_agg(format('case when o.%1$I is distinct from n.%1$I then jsonb_build_object(%1$L, n.%1$I) '
                                'else ''{}''::jsonb end', a.attname), ' || ' order by a.attnum)
      into changed_old, changed_new
      from pg_catalog.pg_attribute a
     where a.attrelid = tg_relid and a.attnum > 0 and not a.attisdropped;
    if level_column <> '-' then
        old_level := format('o.%I', level_column);
        new_level := format('n.%I', level_column);
    end if;

    if tg_op = 'INSERT' then
        execute header || key_of_new || ', ''insert'', null, to_jsonb(n), ' || new_level || ', $2 from new_rows n'
            using tg_table_name, reason;
    elsif tg_op = 'DELETE' then
        execute header || key_of_old || ', ''delete'', to_jsonb(o), null, ' || old_level || ', $2 from old_rows o'
            using tg_table_name, reason;
    elsif tg_op = 'UPDATE' then
        execute header
            || format('coalesce(%s, %s), ', key_of_new, key_of_old)
            || 'case when o is null then ''insert'' when n is null then ''delete'' else ''update'' end, '
            || format('case when o is null then null when n is null then to_jsonb(o) else %s end, ', changed_old)
            || format('case when n is null then null when o is null then to_jsonb(n) else %s end, ', changed_new)
            || format('greatest(%s, %s), $2 ', old_level, new_level)
            || 'from old_rows o full join new_rows n on ' || join_on || ' '
            || 'where o is null or n is null or row(o.*) is distinct from row(n.*)'
            using tg_table_name, reason;
        if level_column <> '-' then
            -- Which levels moved, asked first: most updates move none, and the statements below would otherwise
            -- plan joins against the whole history before finding that out (seconds for a bulk update).
            execute 'select coalesce(bool_or(' || format('%s < %s', new_level, old_level) || '), false), '
                || 'coalesce(bool_or(' || format('%s > %s', new_level, old_level) || '), false) '
                || 'from old_rows o join new_rows n on ' || join_on
                into lowered, raised;
            -- Declassified rows: the row as it became, at its new level, for those who may see it from now on.
            if lowered then
                execute header || key_of_new || ', ''declassify'', null, to_jsonb(n), ' || new_level || ', $2 '
                    || 'from old_rows o join new_rows n on ' || join_on || ' '
                    || format('where %s < %s', new_level, old_level)
                    using tg_table_name, reason;
            end if;
            if raised then
                execute 'update parley_data.change_log l set classification = x.level '
                    || format('from (select %s as row_id, %s as level ', key_of_new, new_level)
                    || 'from old_rows o join new_rows n on ' || join_on || ' '
                    || format('where %s > %s) x ', new_level, old_level)
                    || 'where l.table_name = $1 and l.row_id = x.row_id and l.classification < x.level'
                    using tg_table_name;
            end if;
        end if;
    elsif tg_op = 'TRUNCATE' then
        -- The table still holds its rows here: keep each one, as if deleted.
        execute header || replace(key_of_old, 'o.', 't.') || ', ''delete'', to_jsonb(t), null, '
            || replace(old_level, 'o.', 't.') || ', $2 from '
            || format('%I.%I t', tg_table_schema, tg_table_name)
            using tg_table_name, reason;
    end if;
    return null;
end
$$;
comment on function parley_data.record_changes is
    'Trigger: writes the rows a statement inserted, updated, deleted or truncated to the change history, once per statement, at the rows'' level; raises the history of rows an update raised.';

-- Every data table of the model, with its level column and its key (the primary key without the level, which
-- says where a row is kept, not which row it is). Not time_zones and commitment_transitions: they are vocabulary
-- that migrations maintain.
do $$
declare
    t text;
    arguments text;
begin
    foreach t in array array[
        'people', 'sources', 'parties', 'tracks', 'track_members', 'meetings', 'agenda_items', 'track_agenda',
        'positions', 'deals', 'commitments', 'commitment_beneficiaries', 'commitment_updates', 'figures',
        'follow_ups', 'subscriptions', 'agreements', 'agreement_tracks', 'agreement_parties',
        'agreement_status_events', 'agreement_relations', 'agreement_terms', 'agreement_term_parties',
        'agreement_term_claims', 'agreement_participation', 'implementation_overrides']
    loop
        select quote_literal(coalesce(
                   (select pa.attname::text from pg_catalog.pg_partitioned_table pt
                      join pg_catalog.pg_attribute pa on pa.attrelid = pt.partrelid and pa.attnum = pt.partattrs[0]
                     where pt.partrelid = format('parley_data.%I', t)::regclass), '-'))
               || coalesce(', ' || string_agg(quote_literal(a.attname), ', ' order by k.ordinality)
                                   filter (where a.attname not in ('classification', 'effective_classification')), '')
          into arguments
          from pg_catalog.pg_index i
         cross join lateral unnest(i.indkey) with ordinality k(attnum, ordinality)
          join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
         where i.indrelid = format('parley_data.%I', t)::regclass and i.indisprimary;
        if arguments is null or arguments !~ ',' then
            raise exception 'table parley_data.% has no primary key to record its changes by', t;
        end if;
        call parley_data.create_statement_triggers(t, 'history', format('parley_data.record_changes(%s)', arguments),
                                                   array['insert', 'update', 'delete', 'truncate']);
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
    -- The recording trigger inserts (and raises what a raised row recorded before) from inside another table's
    -- trigger; a direct statement comes from nowhere.
    if tg_op in ('INSERT', 'UPDATE') and pg_trigger_depth() > 1 then
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
