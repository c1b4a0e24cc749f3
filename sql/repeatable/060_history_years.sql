-- The change history by year (000008): preparing the years ahead, and archiving old years — detach, dump, drop
-- (README, "Archiving old history") — or bringing one back.
--
-- Run by the database's owner (a member of parley_owner), like parley migrate; no staff role may call these.
set local role parley_owner;

-- The change log's table of one level for one year: parley_data.change_log_<level>_<year>, a partition of
-- change_log_<level> while the year is in the log, a table of its own once detached (000008 names them so too).
create or replace function parley_data.history_year_table(level parley.classification, year integer) returns text
    language sql immutable parallel safe
    return format('change_log_%s_%s', level, year);
comment on function parley_data.history_year_table(parley.classification, integer) is
    'The name of the change log''s table of a level for a year (change_log_<level>_<year>), in parley_data.';

-- How many changes a year's tables hold, at every level: what detaching a year records, and what attaching it
-- brings back.
create or replace function parley_data.history_year_rows(year integer)
    returns bigint
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    level parley.classification;
    n bigint;
    total bigint := 0;
begin
    foreach level in array enum_range(null::parley.classification) loop
        execute format('select count(*) from parley_data.%I', parley_data.history_year_table(level, year)) into n;
        total := total + n;
    end loop;
    return total;
end
$$;
comment on function parley_data.history_year_rows(integer) is
    'How many rows the change log''s tables of a year hold, at every level (attached or detached).';

-- Makes sure every year up to that of `through` has its partitions, under every level. A change made in a year
-- without one went to its level's default partition (change_log_<level>_default): its rows are moved into their
-- year here. Returns how many rows were moved. Takes a brief lock on the change log: run it when convenient (each
-- archive run does; once a year is enough, since 000008 prepared two years ahead).
create or replace function parley_data.prepare_history_years(through timestamptz default now() + interval '2 years')
    returns bigint
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    level parley.classification;
    year integer;
    years integer[];
    moved bigint := 0;
    n bigint;
    this_year constant integer := extract(year from now() at time zone 'UTC')::integer;
    last_year constant integer := extract(year from through at time zone 'UTC')::integer;
    partition_name text;
begin
    perform set_config('parley.change_log_maintenance', 'on', true);
    foreach level in array enum_range(null::parley.classification) loop
        execute format('select array_agg(distinct extract(year from changed_at at time zone ''UTC'')::integer) from parley_data.%I',
                       'change_log_' || level || '_default') into years;
        foreach year in array coalesce(years, '{}') loop
            -- Built beside the default partition, then attached (which checks the default holds none of its rows).
            partition_name := parley_data.history_year_table(level, year);
            execute format('create table parley_data.%I '
                           '(like parley_data.change_log including defaults including constraints)', partition_name);
            execute format('with gone as (delete from parley_data.%I where changed_at >= %L and changed_at < %L returning *) '
                           'insert into parley_data.%I select * from gone',
                           'change_log_' || level || '_default', make_timestamptz(year, 1, 1, 0, 0, 0, 'UTC'),
                           make_timestamptz(year + 1, 1, 1, 0, 0, 0, 'UTC'), partition_name);
            get diagnostics n = row_count;
            moved := moved + n;
            execute format('alter table parley_data.%I attach partition parley_data.%I for values from (%L) to (%L)',
                           'change_log_' || level, partition_name, make_timestamptz(year, 1, 1, 0, 0, 0, 'UTC'),
                           make_timestamptz(year + 1, 1, 1, 0, 0, 0, 'UTC'));
        end loop;
    end loop;
    call parley_data.add_change_log_years(this_year, greatest(last_year, this_year));
    perform set_config('parley.change_log_maintenance', '', true);
    return moved;
end
$$;
comment on function parley_data.prepare_history_years(timestamptz) is
    'Creates the change log''s yearly partitions up to the year of `through` (default: two years ahead) and moves into them what their level''s default partition holds. Returns the rows moved.';

-- The first step of archiving a year: its partitions (one per level) are taken out of the change log and stand
-- alone as parley_data.change_log_<level>_<year>, ready for pg_dump. From then on parley.changes no longer shows
-- that year; parley.commitments_as_of still answers for it (it reads versions, which stay). Only a year that has
-- ended may go, and only one whose every level has a partition. Returns the tables to dump.
create or replace function parley_data.detach_history_year(year integer)
    returns text[]
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    level parley.classification;
    tables text[] := '{}';
begin
    if year is null or year >= extract(year from now() at time zone 'UTC') then
        raise exception 'year % has not ended: only a past year''s history can be archived', year
            using errcode = 'check_violation', column = 'year', constraint = 'archive_past_years',
                  hint = 'Give a year before this one.';
    end if;
    if exists (select 1 from parley_data.history_archives a where a.year = detach_history_year.year) then
        raise exception 'the history of % is archived already', year
            using errcode = 'unique_violation', column = 'year', constraint = 'history_archives_pkey',
                  hint = 'See parley_data.history_archives; parley_data.attach_history_year brings a year back.';
    end if;
    perform parley_data.prepare_history_years();
    foreach level in array enum_range(null::parley.classification) loop
        if to_regclass('parley_data.' || parley_data.history_year_table(level, year)) is null then
            raise exception 'the change log has no partition for % at %', year, level
                using errcode = 'undefined_table', column = 'year', constraint = 'history_year_exists',
                      hint = 'Only years with partitions can be archived (see \d+ parley_data.change_log_unclassified).';
        end if;
    end loop;
    foreach level in array enum_range(null::parley.classification) loop
        execute format('alter table parley_data.%I detach partition parley_data.%I',
                       'change_log_' || level, parley_data.history_year_table(level, year));
        tables := tables || ('parley_data.' || parley_data.history_year_table(level, year));
    end loop;
    insert into parley_data.history_archives (year, rows)
    values (detach_history_year.year, parley_data.history_year_rows(detach_history_year.year));
    return tables;
end
$$;
comment on function parley_data.detach_history_year(integer) is
    'Archiving, step 1: takes a past year''s partitions out of the change log (they stay as tables, to be dumped) and records it in history_archives. Returns the tables to dump.';

-- The last step, once the dump is kept safe: the year's tables are dropped.
create or replace function parley_data.drop_history_year(year integer)
    returns bigint
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    level parley.classification;
    archived parley_data.history_archives;
begin
    select * into archived from parley_data.history_archives a where a.year = drop_history_year.year for update;
    if not found or archived.dropped_at is not null then
        raise exception 'the history of % is not detached (or was dropped already)', year
            using errcode = 'no_data_found', column = 'year', constraint = 'history_year_detached',
                  hint = 'Run parley_data.detach_history_year first, and dump its tables.';
    end if;
    foreach level in array enum_range(null::parley.classification) loop
        execute format('drop table if exists parley_data.%I', parley_data.history_year_table(level, year));
    end loop;
    update parley_data.history_archives a set dropped_at = now(), dropped_by = session_user
     where a.year = drop_history_year.year;
    return archived.rows;
end
$$;
comment on function parley_data.drop_history_year(integer) is
    'Archiving, step 3 (after pg_dump): drops a detached year''s tables. Returns how many rows they held.';

-- Bringing a year back: its tables restored from the dump (pg_restore) or still detached are put back in place.
create or replace function parley_data.attach_history_year(year integer)
    returns bigint
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    level parley.classification;
begin
    foreach level in array enum_range(null::parley.classification) loop
        if to_regclass('parley_data.' || parley_data.history_year_table(level, year)) is null then
            raise exception 'parley_data.change_log_%_% is not there', level, year
                using errcode = 'undefined_table', column = 'year', constraint = 'history_year_restored',
                      hint = 'Restore the year''s tables first: pg_restore -d DATABASE the-dump-file.';
        end if;
    end loop;
    foreach level in array enum_range(null::parley.classification) loop
        execute format('alter table parley_data.%I attach partition parley_data.%I for values from (%L) to (%L)',
                       'change_log_' || level, parley_data.history_year_table(level, year),
                       make_timestamptz(year, 1, 1, 0, 0, 0, 'UTC'), make_timestamptz(year + 1, 1, 1, 0, 0, 0, 'UTC'));
    end loop;
    call parley_data.name_partition_indexes();
    call parley_data.name_partition_indexes();
    delete from parley_data.history_archives a where a.year = attach_history_year.year;
    return parley_data.history_year_rows(attach_history_year.year);
end
$$;
comment on function parley_data.attach_history_year(integer) is
    'Brings an archived year back into the change log (its tables restored with pg_restore, or still detached). Returns its rows.';
