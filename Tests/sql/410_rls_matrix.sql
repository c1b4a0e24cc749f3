-- The row-level security matrix: every staff query (every view of schema parley, and every function of it that a
-- reader may call) × every clearance level, on a world with rows at every level, alerts and deliveries included.
--
-- Two checks per query and level, so that nothing leaks either as a row or as a count:
--   1. no row it returns mentions a marker of a level above the clearance (ZRESTR, ZCONF, ZSECRET are written into
--      a code or a text of every row classified at that level, or belonging to a track of that level);
--   2. deleting every row above the clearance changes nothing it returns: a total, a count, a "last activity", an
--      "open commitments" column that counted a hidden row would change.
-- The queries are enumerated from the catalogue, so a new view or reader function is covered without editing this
-- file. The rows are deleted with triggers off (see pg_temp.remove_above in 400_rls_fixture.psql).
begin;
\ir 400_rls_fixture.psql

-- The staff queries, from the catalogue: every view, and every function of parley a reader may execute that only
-- reads (required arguments: timestamptz gets now(), anything else NULL).
create temporary table staff_queries (name text primary key, query text not null);
insert into staff_queries
select c.relname, format('parley.%I', c.relname)
  from pg_class c
 where c.relnamespace = 'parley'::regnamespace and c.relkind in ('v', 'm');
insert into staff_queries
select p.oid::regprocedure::text,
       format('parley.%I(%s)', p.proname, coalesce((
           select string_agg(format('%I => %s', a.name,
                                    case when a.type = 'timestamptz'::regtype then 'now()' else 'null::' || a.type::regtype end),
                             ', ' order by a.n)
             from unnest(p.proargnames[1:p.pronargs - p.pronargdefaults], p.proargtypes::oid[]) with ordinality a(name, type, n)
            where a.n <= p.pronargs - p.pronargdefaults), ''))
  from pg_proc p
 where p.pronamespace = 'parley'::regnamespace and p.prokind = 'f' and p.provolatile <> 'v'
   and has_function_privilege('parley_reader', p.oid, 'execute');
grant select on staff_queries, levels to public;

create function pg_temp.marked(query text, pattern text) returns bigint
    language plpgsql as $$
declare
    n bigint;
begin
    execute format('select count(*) from %s v where v::text ~ %L', query, pattern) into n;
    return n;
end
$$;
create function pg_temp.digest(query text) returns text
    language plpgsql as $$
declare
    d text;
begin
    execute format('select md5(coalesce(string_agg(v::text, E''\n'' order by v::text), '''')) from %s v', query) into d;
    return d;
end
$$;
create temporary table seen (level parley.classification, moment text, name text, digest text, leaked bigint,
                             primary key (level, moment, name));
grant select, insert on seen to public;

-- Reads every staff query as the reader of `lvl`.
create function pg_temp.look(lvl parley.classification, moment text) returns void
    language plpgsql as $$
declare
    r name := (select role from levels where level = lvl);
    pattern text := (select markers from levels where level = lvl);
begin
    execute format('set local role %I', r);
    insert into seen
    select lvl, moment, q.name, pg_temp.digest(q.query),
           case when pattern is null then 0 else pg_temp.marked(q.query, pattern) end
      from staff_queries q;
    reset role;
end
$$;

select plan(((select count(*) from staff_queries) * 7 + 6)::int);

-- The fixture holds what it must: rows of every level, alerts of every level, deliveries in every state.
select is((select array_agg(distinct effective_classification order by effective_classification)::text
             from parley_data.commitments), '{unclassified,restricted,confidential,secret}', 'commitments at every level');
select is((select array_agg(distinct classification order by classification)::text from parley_data.alerts),
          '{unclassified,restricted,confidential,secret}', 'alerts at every level');
select is((select array_agg(distinct effective_classification order by effective_classification)::text
             from parley_data.meetings), '{unclassified,restricted,confidential,secret}', 'meetings at every level');
select ok((select count(distinct state) >= 3 from parley_data.deliveries), 'deliveries pending, sent and retried');

select pg_temp.look(l.level, 'before') from levels l;

-- A control: the secret reader does see the markers, so a query that hid everything would not pass unnoticed.
set local role rls_secret;
select ok((select count(*) from staff_queries q where pg_temp.marked(q.query, 'ZSECRET') > 0) >= 10,
          'a reader cleared for secret sees secret rows in many views (the markers work)');
reset role;
set local role rls_unclassified;
select ok((select count(*) from staff_queries q where pg_temp.marked(q.query, '.') > 0) >= 10,
          'a reader without clearance sees unclassified rows in many views');
reset role;

-- 1. No row above the clearance: 4 levels × every query.
select is(s.leaked, 0::bigint, format('%s as %s: no row above %s', s.name, l.role, l.level))
  from seen s join levels l using (level)
 where s.moment = 'before'
 order by l.level, s.name;

-- 2. No count above the clearance: what a level sees is the same with every row above it deleted. From the top
-- down, so that each level's "after" is taken when exactly the rows above it are gone.
select pg_temp.remove_above('confidential');
select pg_temp.look('confidential', 'after');
select pg_temp.remove_above('restricted');
select pg_temp.look('restricted', 'after');
select pg_temp.remove_above('unclassified');
select pg_temp.look('unclassified', 'after');

select is(a.digest, b.digest, format('%s as %s: unchanged when every row above %s is deleted', b.name, l.role, l.level))
  from seen b join seen a using (level, name) join levels l using (level)
 where b.moment = 'before' and a.moment = 'after'
 order by l.level, b.name;

select * from finish();
rollback;
