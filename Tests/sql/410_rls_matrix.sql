-- The row-level security matrix: every staff query (every view of schema parley, and every function of it that a
-- reader may call) × every clearance level, on a world with rows at every level, alerts and deliveries included.
--
-- Two checks per query and level, so that nothing leaks either as a row or as a count:
--   1. no row it returns mentions a marker of a level above the clearance (ZRESTR, ZCONF, ZSECRET are written into
--      a code or a text of every row classified at that level, or belonging to a track of that level);
--   2. deleting every row above the clearance changes nothing it returns: a total, a count, a "last activity", an
--      "open commitments" column that counted a hidden row would change.
-- The queries are enumerated from the catalogue, so a new view or reader function is covered without editing this
-- file. The rows are deleted with triggers off (session_replication_role = replica): the change history stays as it
-- was (its own policy hides what it records about hidden rows), and children of a deleted row are left without
-- their parent, which their policies hide exactly as they hid them before.
begin;
\ir 200_views_fixture.psql
set local client_min_messages = warning;

-- More rows above unclassified, so that every kind of classified row exists at every level ------------------------
insert into parley_data.people (email, name, timezone, clearance) values
    ('zz.cleared@parley.example', 'Cleared Officer', 'Europe/Kyiv', 'secret');

insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, status, classification,
                                  track_classification, effective_classification)
select m.code, t.id, m.title, now() + m.starts_in, now() + m.starts_in + interval '2 hours', 'scheduled',
       m.level::parley.classification, t.classification, greatest(m.level::parley.classification, t.classification)
  from (values ('ZRESTR-MTG', 'istanbul', 'Restricted call ZRESTR', interval '1 day', 'restricted'),
               ('ZRESTR-NATO-MTG', 'zrestr-nato', 'NATO briefing ZRESTR', interval '3 days', 'unclassified'),
               ('ZSECRET-MTG-2', 'istanbul', 'Secret side meeting ZSECRET', interval '1 day', 'secret'))
       m(code, track, title, starts_in, level)
  join parley_data.tracks t on t.code = m.track;

insert into parley_data.positions (party_id, item_id, track_id, stance, statement, stated_on, classification,
                                   track_classification, effective_classification)
select p.id, i.id, t.id, x.stance::parley.stance, x.statement, current_date - 1, x.level::parley.classification,
       t.classification, greatest(x.level::parley.classification, t.classification)
  from (values ('UA', 'exchange', 'istanbul', 'supports', 'ZRESTR all for all', 'restricted'),
               ('RU', 'exchange', 'zsecret-back', 'conditional', 'ZSECRET terms', 'unclassified'),
               ('TR', 'ceasefire', 'istanbul', 'supports', 'ZSECRET mediation offer', 'secret'))
       x(party, item, track, stance, statement, level)
  join parley_data.parties p on p.code = x.party
  join parley_data.agenda_items i on i.code = x.item
  join parley_data.tracks t on t.code = x.track;

insert into parley_data.figures (indicator, item_id, value, unit, as_of, claimant_id, confidence, note, classification)
select x.indicator, (select id from parley_data.agenda_items where code = 'children'), x.value, 'children',
       current_date - 1, (select id from parley_data.parties where code = x.claimant), 'reported', x.note,
       x.level::parley.classification
  from (values ('children_deported', 25000, 'UA', 'ZRESTR briefing figure', 'restricted'),
               ('children_deported', 900, 'RU', 'ZSECRET back-channel figure', 'secret'),
               ('bodies_returned', 6100, 'UA', 'ZCONF count', 'confidential'))
       x(indicator, value, claimant, note, level);

-- Commitments on the restricted and secret tracks, and one of each level that is overdue (alerts at every level).
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, classification, owner_id,
                                     track_classification, effective_classification)
select c.code, t.id, i.id, ob.id, c.text, current_date - 40, current_date + c.due_in, c.level::parley.classification,
       (select id from parley_data.people where email = 'zz.cleared@parley.example'),
       t.classification, greatest(c.level::parley.classification, t.classification)
  from (values ('ZRESTR-NATO-1', 'zrestr-nato', 'ceasefire', 'RU', 'ZRESTR monitoring mission', -4, 'unclassified'),
               ('ZRESTR-LATE', 'istanbul', 'exchange', 'UA', 'ZRESTR late list', -6, 'restricted'),
               ('ZCONF-LATE', 'istanbul', 'exchange', 'RU', 'ZCONF late exchange', -6, 'confidential'),
               ('ZSECRET-LATE', 'istanbul', 'children', 'RU', 'ZSECRET late return', -6, 'secret'),
               ('ZSECRET-BACK-2', 'zsecret-back', 'children', 'RU', 'ZSECRET back-channel promise', -5, 'unclassified'),
               ('UNCL-LATE', 'istanbul', 'exchange', 'RU', 'Return 10 civilians', -6, 'unclassified'))
       c(code, track, item, obligor, text, due_in, level)
  join parley_data.tracks t on t.code = c.track
  join parley_data.agenda_items i on i.code = c.item
  join parley_data.parties ob on ob.code = c.obligor;
insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id, effective_classification)
select c.id, c.obligor_id, (select id from parley_data.parties where code = case when c.obligor_id =
           (select id from parley_data.parties where code = 'UA') then 'RU' else 'UA' end), c.effective_classification
  from parley_data.commitments c
 where not exists (select 1 from parley_data.commitment_beneficiaries b where b.commitment_id = c.id);
insert into parley_data.commitment_updates (commitment_id, reported_on, delivered_quantity, new_status, note, verification,
                                            effective_classification)
select c.id, current_date - 2, null, 'in_progress', 'ZRESTR progress note', 'one_party', c.effective_classification
  from parley_data.commitments c where c.code = 'ZRESTR-LATE';

insert into parley_data.follow_ups (code, commitment_id, meeting_id, track_id, assignee_id, due_at, note,
                                    effective_classification)
select f.code, (select id from parley_data.commitments where code = f.commitment),
       (select id from parley_data.meetings where code = f.meeting), (select id from parley_data.tracks where code = f.track),
       (select id from parley_data.people where email = 'zz.cleared@parley.example'), now() - interval '1 hour', f.note,
       coalesce((select effective_classification from parley_data.commitments where code = f.commitment),
                (select effective_classification from parley_data.meetings where code = f.meeting),
                (select classification from parley_data.tracks where code = f.track))
  from (values ('F-ZRESTR', null, 'ZRESTR-MTG', null, 'ZRESTR call notes'),
               ('F-ZRESTR-T', null, null, 'zrestr-nato', 'ZRESTR briefing notes'),
               ('F-ZSECRET-T', null, null, 'zsecret-back', 'ZSECRET channel notes'),
               ('F-ZCONF-C', 'ZCONF-LATE', null, null, 'ZCONF chase'))
       f(code, commitment, meeting, track, note);

-- Everyone is subscribed to everything; the cleared officer receives the alerts of every level.
insert into parley_data.subscriptions (person_id, track_id, effective_classification)
select p.id, t.id, t.classification from parley_data.people p cross join parley_data.tracks t;
insert into parley_data.subscriptions (person_id) select id from parley_data.people;

-- Alerts and deliveries at every level, some of them sent, failed or silenced.
select count(*) >= 0 from parley.plan_alerts(now());
do $$
declare
    claimed record;
    token uuid;
begin
    for claimed in select * from parley.claim_deliveries(now(), interval '5 minutes', 1000) order by delivery_id loop
        token := claimed.claim_token;
        if claimed.delivery_id % 3 = 0 then
            perform parley.mark_deliveries_failed(array[claimed.delivery_id], 'the relay said no', token, now());
        elsif claimed.delivery_id % 3 = 1 then
            perform parley.mark_deliveries_sent(array[claimed.delivery_id],
                format('<parley.%s@parley.example>', claimed.delivery_id), token, now());
        end if;
    end loop;
end
$$;
select parley.silence(track => t.code, until => now() + interval '3 days', reason => 'quiet period ' || t.code)
  from parley_data.tracks t where t.classification > 'unclassified';
select parley.silence(commitment => c.code, until => now() + interval '3 days', reason => 'quiet ' || c.code)
  from parley_data.commitments c where c.effective_classification > 'unclassified' and c.code like 'Z%LATE';
select parley.record_mailer_run(now() - interval '1 minute', now(), 3, 2, 1, 75);
select parley.daemon_heartbeat(gen_random_uuid(), 'drill-host', 4242, 'test', 'leader');

-- The clearance levels and a reader at each ----------------------------------------------------------------------
create temporary table levels (level parley.classification primary key, role name not null, markers text);
insert into levels values
    ('unclassified', 'rls_unclassified', 'ZRESTR|ZCONF|ZSECRET'),
    ('restricted',   'rls_restricted',   'ZCONF|ZSECRET'),
    ('confidential', 'rls_confidential', 'ZSECRET'),
    ('secret',       'rls_secret',       null);
create role rls_unclassified in role parley_reader;
create role rls_restricted in role parley_reader, parley_clearance_restricted;
create role rls_confidential in role parley_reader, parley_clearance_confidential;
create role rls_secret in role parley_reader, parley_clearance_secret;

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

-- Removes every row classified above `lvl`, without triggers (so no history, no cascades, no re-planning).
create function pg_temp.remove_above(lvl parley.classification) returns void
    language plpgsql as $$
begin
    set local session_replication_role = replica;
    delete from parley_data.deliveries d using parley_data.alerts a where a.id = d.alert_id and a.classification > lvl;
    delete from parley_data.alerts where classification > lvl;
    delete from parley_data.commitment_updates u using parley_data.commitments c
     where c.id = u.commitment_id and c.effective_classification > lvl;
    delete from parley_data.commitments where effective_classification > lvl;
    delete from parley_data.positions where effective_classification > lvl;
    delete from parley_data.figures where classification > lvl;
    delete from parley_data.meetings where effective_classification > lvl;
    delete from parley_data.tracks where classification > lvl;
    set local session_replication_role = origin;
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
