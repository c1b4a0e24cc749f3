-- Scheduled meetings by start and alerts by track (issue 15, item 3; 000012): parley.upcoming_meetings reads a page
-- from the partial index on scheduled meetings in its order, and the alert views for one track find the track's
-- alerts from the index on alerts by track, instead of reading every meeting or every alert.
begin;
select plan(6);
\ir 200_views_fixture.psql

select has_index('parley_data', 'meetings', 'meetings_scheduled_starts_idx',
                 'scheduled meetings are indexed by start and code (000012)');
select has_index('parley_data', 'alerts', 'alerts_track_idx', 'alerts are indexed by track (000012)');

create function pg_temp.plan_of(query text) returns text language plpgsql as $$
declare
    line text;
    plan text := '';
begin
    for line in execute 'explain (costs off) ' || query loop
        plan := plan || line || E'\n';
    end loop;
    return plan;
end
$$;

-- The plans as staff get them (row-level security on), with sequential scans discouraged as at L, where every
-- other path reads every row.
set local enable_seqscan = off;
set local role views_secret;
select ok(pg_temp.plan_of('select * from parley.upcoming_meetings order by starts_at, meeting limit 50')
          like '%meetings_scheduled_starts_idx%',
          'a page of upcoming_meetings reads the index on scheduled meetings');
reset role;

-- Alerts spread over many tracks (20,000, 200 a track; the fixture has none), so that the planner knows one
-- track's alerts are few; joins by hash or merge (which read every alert) discouraged as at L.
insert into parley_data.alerts (kind, subject_type, subject_id, subject_code, basis, occurrence, due_at, severity,
                                classification, track_id, planned_at)
select 'overdue', 'commitment', g, 'fx-' || g, 'fixture', 'fx-' || g, now(), 'info', 'unclassified',
       (select id from parley_data.tracks order by id offset (g % 4) limit 1) + 1000 * (g % 50), now()
  from generate_series(1, 20000) g;
analyze parley_data.alerts;
set local enable_hashjoin = off;
set local enable_mergejoin = off;
set local role views_secret;
select ok(pg_temp.plan_of($$select * from parley.alerts where track = 'istanbul'$$) like '%alerts_track_idx%',
          'the alerts of one track are found from the index on alerts by track');
select is((select count(*) from parley.alerts where track = 'istanbul'), 200::bigint,
          'and they are all found: two hundred for the track');
reset role;
set local enable_hashjoin = on;
set local enable_mergejoin = on;

-- The page read from the index is the page read without it (the partial index leaves out no meeting to come).
set local role views_secret;
create temporary table fx_indexed as select * from parley.upcoming_meetings order by starts_at, meeting limit 50;
set local enable_seqscan = on;
set local enable_indexscan = off;
set local enable_bitmapscan = off;
set local enable_indexonlyscan = off;
select results_eq('select * from parley.upcoming_meetings order by starts_at, meeting limit 50',
                  'select * from fx_indexed',
                  'upcoming_meetings gives the same page with the index as without');
reset role;

select * from finish();
rollback;
