-- Overdue counts per track (issue 15, item 3): parley.track_overview counts each track's overdue commitments from
-- the index on open commitments by deadline (000011), and must count exactly what parley.overdue_commitments lists
-- for the same reader, at every clearance: open (live, not frozen by an agreement's end), past the deadline on the
-- track's clock, and visible to that reader. A breached commitment past its deadline is not counted; one fulfilled,
-- then the count read again, drops out.
begin;
select plan(9);
\ir 200_views_fixture.psql

select has_index('parley_data', 'commitments', 'commitments_open_due_idx',
                 'open commitments are indexed by deadline with their track and level (000011)');

-- Every track's overdue count against the overdue commitments listed for it, per reader (both ways: a track
-- counted but not listed, or listed but counted differently, shows up).
create temporary table fx_compare (reader text, track text, counted bigint, listed bigint);
grant insert, select on fx_compare to public;

create function pg_temp.compare_overdue() returns void language sql as $$
    insert into fx_compare
    select current_user, coalesce(o.track, l.track), coalesce(o.overdue_commitments, 0), coalesce(l.n, 0)
      from (select track, classification, overdue_commitments from parley.track_overview) o
      full join (select r.track, count(*) as n from parley.overdue_commitments r group by r.track) l
        on l.track = o.track
$$;

set local role views_reader;
select pg_temp.compare_overdue();
reset role;
set local role views_confidential;
select pg_temp.compare_overdue();
reset role;
set local role views_secret;
select pg_temp.compare_overdue();
reset role;

select is((select count(*) from fx_compare where reader = 'views_reader' and counted > 0), 1::bigint,
          'without clearance, one track has overdue commitments in the fixture');
select is_empty($$select * from fx_compare where reader = 'views_reader' and counted is distinct from listed$$,
                'without clearance, each track counts as overdue what overdue_commitments lists for it');
select is_empty($$select * from fx_compare where reader = 'views_confidential' and counted is distinct from listed$$,
                'cleared for confidential, the same');
select is_empty($$select * from fx_compare where reader = 'views_secret' and counted is distinct from listed$$,
                'cleared for secret, the same');
select ok((select sum(counted) from fx_compare where reader = 'views_secret')
          >= (select sum(counted) from fx_compare where reader = 'views_reader'),
          'a cleared reader counts at least what an uncleared one does');

-- An overdue commitment that is fulfilled is no longer counted, nor listed. (This fixture has no frozen provision;
-- 260_agreement_views checks that overdue_commitments leaves one out.)
create temporary table fx_before as
select track, overdue_commitments from parley.track_overview where track = 'istanbul';
update parley_data.commitments c
   set status = 'fulfilled'
 where c.id = (select r.id from parley.overdue_commitments r where r.track = 'istanbul' order by r.code limit 1);
select is((select overdue_commitments from parley.track_overview where track = 'istanbul'),
          (select overdue_commitments - 1 from fx_before),
          'a commitment past its deadline, once fulfilled, is no longer counted as overdue');
select is((select overdue_commitments from parley.track_overview where track = 'istanbul'),
          (select count(*) from parley.overdue_commitments where track = 'istanbul'),
          'and the count still matches the list');

-- The count is read from the index on open commitments (a whole-table overview at a million commitments).
create function pg_temp.plan_lines() returns setof text language plpgsql as $$
begin
    return query execute 'explain (costs off) select * from parley.track_overview';
end
$$;
set local enable_seqscan = off;
select ok((select string_agg(l, E'\n') from pg_temp.plan_lines() l) like '%commitments_open_due_idx%',
          'track_overview counts overdue commitments from the index on open commitments by deadline');

select * from finish();
rollback;
