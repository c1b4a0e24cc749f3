-- Who may see what: staff reach the data only through the views of schema parley, and every view shows (and
-- counts) only the rows the querying role is cleared for.
begin;
select plan(101);
\ir 200_views_fixture.psql

-- What the staff see: every view, and the as-of function, each as one query.
create temporary table staff_queries (name text primary key, query text not null);
insert into staff_queries
select v, 'parley.' || v from unnest(array[
    'track_overview', 'agenda', 'open_commitments', 'overdue_commitments', 'due_soon', 'compliance',
    'upcoming_meetings', 'positions', 'figures', 'contested_figures', 'timeline', 'follow_ups', 'changes', 'stale',
    'whoami']) v;
insert into staff_queries values ('commitments_as_of', 'parley.commitments_as_of(now())');
grant select on staff_queries to public;

-- How many rows of a view mention a marker (ZRESTR, ZCONF, ZSECRET), as the current role sees them.
create function pg_temp.marked(query text, pattern text) returns bigint
    language plpgsql as $$
declare
    n bigint;
begin
    execute format('select count(*) from %s v where v::text ~* %L', query, pattern) into n;
    return n;
end
$$;
-- Everything a view shows the current role, as one digest.
create function pg_temp.digest(query text) returns text
    language plpgsql as $$
declare
    d text;
begin
    execute format('select md5(coalesce(string_agg(v::text, E''\n'' order by v::text), '''')) from %s v', query) into d;
    return d;
end
$$;
create temporary table seen (who text, moment text, name text, digest text);
grant select, insert on seen to public;

-- Privileges ----------------------------------------------------------------------------------------------------

select ok(not has_schema_privilege(r, 'parley_data', 'usage'), r || ' has no USAGE on schema parley_data')
  from unnest(array['parley_reader', 'parley_writer', 'parley_daemon']) r;
select ok(has_schema_privilege(r, 'parley', 'usage'), r || ' may use schema parley')
  from unnest(array['parley_reader', 'parley_writer', 'parley_daemon']) r;
select is(array(select q.name from staff_queries q
                 where q.name <> 'commitments_as_of' and not has_table_privilege(r, q.query, 'select')),
          '{}'::text[], r || ' may select every staff view')
  from unnest(array['parley_reader', 'parley_writer', 'parley_daemon']) r;
select is(array(select q.name from staff_queries q
                 where q.name <> 'commitments_as_of'
                   and has_table_privilege(r, q.query, 'insert, update, delete, truncate, references, trigger')),
          '{}'::text[], r || ' may only read the staff views')
  from unnest(array['parley_reader', 'parley_writer', 'parley_daemon']) r;
select is(array(select c.relname::text from pg_class c
                 where c.relnamespace = 'parley_data'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
                   and has_table_privilege(r, c.oid, 'insert, update, delete, truncate, references, trigger')),
          '{}'::text[], r || ' may not write any table of parley_data directly')
  from unnest(array['parley_reader', 'parley_writer', 'parley_daemon']) r;
select ok(has_function_privilege('parley_reader', 'parley.commitments_as_of(timestamptz, text, text, text)', 'execute'),
          'a reader may ask what was known at a moment (commitments_as_of)');
select is(array(select p.oid::regprocedure::text from pg_proc p
                 where p.pronamespace = 'parley'::regnamespace and p.prosecdef
                   and has_function_privilege('parley_reader', p.oid, 'execute')
                 order by 1),
          array['parley.applied_migrations()', 'parley.applied_repeatables()', 'parley.installation_id()'],
          'a reader may call no recording function (of the SECURITY DEFINER functions of parley, only the read-only lists of applied migrations and repeatable files, and the installation''s identity, which parley calendar writes into UIDs)');
select ok(not has_function_privilege('parley_writer', 'parley.set_stale_after_days(integer)', 'execute')
          and has_function_privilege('parley_admin', 'parley.set_stale_after_days(integer)', 'execute'),
          'the stale threshold is the administrators'' to change, not a writer''s');
select is(array(select t from unnest(array[
                    'tracks', 'commitments', 'meetings', 'positions', 'figures', 'track_members', 'track_agenda',
                    'commitment_beneficiaries', 'commitment_updates', 'follow_ups', 'subscriptions', 'change_log',
                    'agreements', 'agreement_tracks', 'agreement_parties', 'agreement_status_events',
                    'agreement_relations', 'agreement_terms', 'agreement_term_parties', 'agreement_term_claims',
                    'agreement_participation', 'implementation_overrides']) t
                 where not (select c.relrowsecurity from pg_class c where c.oid = ('parley_data.' || t)::regclass)),
          '{}'::text[], 'row-level security is on for every classified table');
select ok(pg_has_role('parley_daemon', 'parley_clearance_secret', 'member'), 'the daemon is cleared for secret');
select ok(not pg_has_role('parley_reader', 'parley_clearance_restricted', 'member'), 'being a reader brings no clearance');

-- A reader: no way around the views ----------------------------------------------------------------------------

set local role views_reader;
select throws_ok('select * from parley_data.commitments', '42501', 'permission denied for schema parley_data',
                 'a reader cannot read a table of parley_data directly');
select throws_ok('select * from parley_data.change_log', '42501', 'permission denied for schema parley_data',
                 'a reader cannot read the change history directly');
select throws_ok($$select parley.add_party('XX', 'Nowhere')$$, '42501', null,
                 'a reader cannot call a recording function');
reset role;
select is(count(*), 0::bigint, 'and nothing was written') from parley_data.parties where code = 'XX';
analyze parley_data.commitments;
select ok(count(*) > 0, 'the owner sees column statistics of unclassified commitments')
  from pg_stats where schemaname = 'parley_data' and tablename = 'commitments_unclassified';
set local role views_reader;
select is(count(*), 0::bigint, 'a reader sees no column statistics (most common values) of a table under row-level security')
  from pg_stats where schemaname = 'parley_data' and tablename like 'commitments%';

select lives_ok('select * from ' || query, 'a reader can select ' || name) from staff_queries order by name;

-- Row-level security through the views ---------------------------------------------------------------------------

select is(pg_temp.marked(query, 'ZRESTR|ZCONF|ZSECRET'), 0::bigint, name || ' shows a reader without clearance nothing classified')
  from staff_queries order by name;
select is((open_commitments, overdue_commitments), (6::bigint, 3::bigint),
          'track counts include only what a reader without clearance may see')
  from parley.track_overview where track = 'istanbul';
select is((made, breached), (7::bigint, 1::bigint), 'compliance counts only what a reader may see')
  from parley.compliance where party = 'Russia' and track is null;
select is((claims, min_value), (2::bigint, 19546::numeric), 'a hidden figure does not move a contested range')
  from parley.contested_figures where indicator = 'children_deported';
reset role;

set local role views_confidential;
select is(array(select q.name from staff_queries q where pg_temp.marked(q.query, 'ZSECRET') > 0),
          '{}'::text[], 'a confidential reader sees nothing secret in any view');
select is(array(select q.name from staff_queries q
                 where q.name not in ('whoami', 'contested_figures') and pg_temp.marked(q.query, 'ZCONF') = 0),
          '{}'::text[], 'a confidential reader sees the confidential rows in every view that lists rows');
select is((open_commitments, overdue_commitments), (8::bigint, 4::bigint),
          'with confidential clearance the counts include restricted and confidential commitments')
  from parley.track_overview where track = 'istanbul';
select is((made, breached), (10::bigint, 2::bigint), 'and so does compliance')
  from parley.compliance where party = 'Russia' and track is null;
select is((claims, min_value), (3::bigint, 700::numeric), 'and the contested range')
  from parley.contested_figures where indicator = 'children_deported';
reset role;

grant parley_clearance_confidential to views_reader;
set local role views_reader;
select ok(pg_temp.marked('parley.open_commitments', 'ZCONF') > 0, 'the same reader, given parley_clearance_confidential, sees them');
reset role;
revoke parley_clearance_confidential from views_reader;

set local role parley_daemon;
select ok(pg_temp.marked('parley.open_commitments', 'ZSECRET') > 0, 'the daemon sees every classification');
reset role;

-- Nothing leaks through a total: removing every row a role may not see changes nothing that role sees.

set local role views_reader;
insert into seen select 'reader', 'before', name, pg_temp.digest(query) from staff_queries;
reset role;
set local role views_confidential;
insert into seen select 'confidential', 'before', name, pg_temp.digest(query) from staff_queries;
reset role;

create function pg_temp.remove_above(level parley.classification) returns void
    language sql as $$
    delete from parley_data.commitments where effective_classification > level;
    delete from parley_data.positions where effective_classification > level;
    delete from parley_data.figures where classification > level;
    delete from parley_data.meetings where effective_classification > level;
    delete from parley_data.tracks where classification > level;
$$;

select pg_temp.remove_above('confidential');
set local role views_confidential;
insert into seen select 'confidential', 'after', name, pg_temp.digest(query) from staff_queries;
reset role;
select is(a.digest, b.digest, name || ': deleting secret rows changes nothing a confidential reader sees')
  from seen b join seen a using (who, name)
 where who = 'confidential' and b.moment = 'before' and a.moment = 'after'
 order by name;

select pg_temp.remove_above('unclassified');
set local role views_reader;
insert into seen select 'reader', 'after', name, pg_temp.digest(query) from staff_queries;
reset role;
select is(a.digest, b.digest, name || ': deleting every classified row changes nothing a reader without clearance sees')
  from seen b join seen a using (who, name)
 where who = 'reader' and b.moment = 'before' and a.moment = 'after'
 order by name;

select * from finish();
rollback;
