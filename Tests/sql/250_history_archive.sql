-- Archiving an old year of the change history (README, "Archiving old history"): detached, it leaves parley.changes
-- but not parley.commitments_as_of (which reads versions); it can be brought back; dropped once dumped; only a year
-- that has ended, once, by the owner; and changes go on being recorded throughout.
begin;
select plan(15);
\ir 200_views_fixture.psql

create temporary table archived (year integer, changes bigint, as_of text);
grant select, update on archived to public;
insert into archived (year) values (extract(year from now() at time zone 'UTC')::integer - 2);

-- Everything so far was recorded two years ago (a year with no partition yet: its rows wait in each level's
-- default partition until the archive run moves them into their year).
set local parley.change_log_maintenance = 'on';
update parley_data.change_log set changed_at = changed_at - interval '2 years';
update parley_data.commitment_versions
   set valid_from = valid_from - interval '2 years', valid_to = valid_to - interval '2 years';
reset parley.change_log_maintenance;

set local role views_writer;
select parley.change_due_date('LIST-UA', (select ist from fx_today) + 12);
reset role;

-- What a cleared reader sees of that year, before it is archived.
set local role views_secret;
update archived set changes = (select count(*) from parley.changes
                                where extract(year from changed_at at time zone 'UTC') = archived.year),
                    as_of = (select string_agg(code || ' ' || status || ' ' || coalesce(due_on::text, '-'), ', ' order by code)
                               from parley.commitments_as_of(make_timestamptz(archived.year, 12, 31, 0, 0, 0, 'UTC')));
reset role;
select ok((select changes > 10 and as_of like '%LIST-UA%' from archived), 'the year to archive has changes and commitments');

-- Staff may not archive.
set local role views_writer;
select throws_ok(format('select parley_data.detach_history_year(%s)', (select year from archived)), '42501', null,
                 'a writer may not archive history');
reset role;

set local role parley_owner;
select throws_ok(format('select parley_data.detach_history_year(%s)', extract(year from now() at time zone 'UTC')),
                 '23514', null, 'the current year may not be archived');
select is(parley_data.detach_history_year(year),
          array['parley_data.change_log_unclassified_' || year, 'parley_data.change_log_restricted_' || year,
                'parley_data.change_log_confidential_' || year, 'parley_data.change_log_secret_' || year],
          'step 1 detaches the year''s partition of each level and names the tables to dump')
  from archived;
select throws_ok(format('select parley_data.detach_history_year(%s)', (select year from archived)), '23505', null,
                 'a year is archived once');
reset role;

set local role views_secret;
select is((select count(*) from parley.changes c, archived a
            where extract(year from c.changed_at at time zone 'UTC') = a.year), 0::bigint,
          'a detached year is no longer in changes');
select is((select count(*) from parley.changes where code = 'LIST-UA' and changed_at = now()), 1::bigint,
          'this year''s changes still are');
select is((select string_agg(code || ' ' || status || ' ' || coalesce(due_on::text, '-'), ', ' order by code)
             from archived a, parley.commitments_as_of(make_timestamptz(a.year, 12, 31, 0, 0, 0, 'UTC'))),
          (select as_of from archived), 'commitments_as_of answers for the detached year as before');
reset role;

-- Brought back (its tables still there, or restored with pg_restore).
set local role parley_owner;
select is(parley_data.attach_history_year(year), changes, 'a detached year can be brought back, every row of it')
  from archived;
reset role;
set local role views_secret;
select is((select count(*) from parley.changes c, archived a
            where extract(year from c.changed_at at time zone 'UTC') = a.year), (select changes from archived),
          'and changes shows it again');
reset role;

-- Detached again and, once dumped, dropped.
set local role parley_owner;
select parley_data.detach_history_year(year) from archived;
select ok(parley_data.drop_history_year(year) >= changes, 'step 3 drops the year''s tables, and says how many rows went')
  from archived;
select is((select count(*) from archived a, unnest(enum_range(null::parley.classification)) l
            where to_regclass(format('parley_data.change_log_%s_%s', l, a.year)) is not null), 0::bigint,
          'its tables are gone');
select ok((select dropped_at is not null and dropped_by = session_user
             from parley_data.history_archives h join archived a using (year)),
          'history_archives says when it was dropped and by whom');
select throws_ok(format('select parley_data.drop_history_year(%s)', (select year from archived)), 'P0002', null,
                 'a year is dropped once');
reset role;

-- Recording goes on as before.
set local role views_writer;
select parley.change_due_date('LIST-UA', (select ist from fx_today) + 14);
reset role;
set local role views_reader;
select is((select count(*) from parley.changes where code = 'LIST-UA' and changed_at = now()), 2::bigint,
          'changes are still recorded and shown after an archive');
reset role;

select * from finish();
rollback;
