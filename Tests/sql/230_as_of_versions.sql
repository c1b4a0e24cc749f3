-- "What did we know then?" from versions (000008): parley.commitments_as_of answers exactly what the change history
-- says, for every reader, at every moment, after a random run of recorded changes — deadlines moved, deliveries and
-- statuses recorded, texts corrected, commitments made, raised, declassified and deleted, tracks raised — and its
-- filters by track, party and item give the same rows as filtering the whole answer.
--
-- The reference is the change history replayed: for each commitment, the entries the reader may see, recorded at
-- or before the moment, folded from the last whole record (an insert or a declassification) onwards (an update
-- keeps the fields it changed); a commitment whose last entry is its deletion did not exist. That is what
-- commitments_as_of answered before versions existed.
--
-- Time: a test runs in one transaction, where now() stands still. After each step, everything recorded so far (the
-- history and the versions) is moved an hour into the past, so that the steps happened an hour apart.
begin;
select plan(18);
\ir 100_recording_fixture.psql
set local client_min_messages = warning;

create role asof_unclassified in role parley_reader;
create role asof_restricted in role parley_reader, parley_clearance_restricted;
create role asof_confidential in role parley_reader, parley_clearance_confidential;
create role asof_secret in role parley_reader, parley_clearance_secret;
create temporary table readers (level parley.classification primary key, role name not null);
insert into readers values ('unclassified', 'asof_unclassified'), ('restricted', 'asof_restricted'),
                           ('confidential', 'asof_confidential'), ('secret', 'asof_secret');
grant select on readers to public;

create function pg_temp.an_hour_passes() returns void
    language plpgsql as $$
begin
    perform set_config('parley.change_log_maintenance', 'on', true);
    update parley_data.change_log set changed_at = changed_at - interval '1 hour';
    -- By way of a millennium ago, so that no row passes through another's key on the way.
    update parley_data.commitment_versions
       set valid_from = valid_from - interval '1000 years', valid_to = valid_to - interval '1000 years';
    update parley_data.commitment_versions
       set valid_from = valid_from + interval '1000 years' - interval '1 hour',
           valid_to = valid_to + interval '1000 years' - interval '1 hour';
    update parley_data.agenda_versions
       set valid_from = valid_from - interval '1000 years', valid_to = valid_to - interval '1000 years';
    update parley_data.agenda_versions
       set valid_from = valid_from + interval '1000 years' - interval '1 hour',
           valid_to = valid_to + interval '1000 years' - interval '1 hour';
    perform set_config('parley.change_log_maintenance', '', true);
end
$$;

-- The world of the fixture is a day old.
do $$ begin for i in 1..24 loop perform pg_temp.an_hour_passes(); end loop; end $$;
select parley.set_agenda_status(track => 'trilateral', item => 'children', status => 'proposed');
select parley.set_agenda_status(track => 'trilateral', item => 'ceasefire', status => 'proposed');
select pg_temp.an_hour_passes();

-- A random run: 60 steps an hour apart, each of one to three changes; a change the rules refuse (a status change
-- that needs a reopen, a level a commitment cannot take) is skipped.
select setseed(0.4242);
create temporary table steps (step integer primary key, changes text[]);
do $$
declare
    step integer;
    k integer;
    c record;
    what text;
    done text[];
    level parley.classification;
    levels constant parley.classification[] := enum_range(null::parley.classification);
begin
    for step in 1..60 loop
        done := '{}';
        for k in 1..(1 + floor(random() * 3))::integer loop
            select x.code, x.effective_classification, x.classification, x.status, x.due_on, x.made_on into c
              from parley_data.commitments x order by random() limit 1;
            what := (array['move', 'move', 'deliver', 'status', 'text', 'new', 'new', 'raise', 'declassify',
                           'delete', 'track'])[1 + floor(random() * 11)::integer];
            begin
                case what
                    when 'move' then
                        perform parley.change_due_date(c.code || '@' || c.effective_classification,
                            case when random() < 0.1 then null else c.made_on + (random() * 60)::integer end);
                    when 'deliver' then
                        perform parley.record_update(commitment => c.code || '@' || c.effective_classification,
                            reported_on => c.made_on + 1, delivered => (random() * 100)::integer);
                    when 'status' then
                        perform parley.record_update(commitment => c.code || '@' || c.effective_classification,
                            reported_on => c.made_on + 2,
                            new_status => (array['in_progress', 'partially_fulfilled', 'fulfilled', 'breached'])[1 + floor(random() * 4)::integer]::parley.commitment_status);
                    when 'text' then
                        perform parley.update_commitment(commitment => c.code || '@' || c.effective_classification,
                            text => 'Text of step ' || step);
                    when 'new' then
                        perform parley.add_commitment(
                            track => (array['istanbul', 'istanbul', 'trilateral', 'secret-track'])[1 + floor(random() * 4)::integer],
                            item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'],
                            text => 'Made at step ' || step, made_on => '2025-06-01', due_on => '2025-06-01'::date + step,
                            owner => 'desk@example.org', code => 'step-' || step || '-' || k,
                            classification => levels[1 + floor(random() * 4)::integer]);
                    when 'raise' then
                        level := levels[1 + floor(random() * 4)::integer];
                        if level > c.classification then
                            perform parley.update_commitment(commitment => c.code || '@' || c.effective_classification,
                                                             classification => level);
                        end if;
                    when 'declassify' then
                        if c.effective_classification > 'unclassified' and c.classification > 'unclassified' then
                            perform parley.declassify('commitment', c.code || '@' || c.effective_classification,
                                                      'unclassified', 'released at step ' || step);
                        end if;
                    when 'delete' then
                        delete from parley_data.commitments where code = c.code and effective_classification = c.effective_classification;
                    when 'track' then
                        if random() < 0.5 then
                            perform parley.update_track(track => 'trilateral', classification => 'confidential');
                        else
                            perform parley.declassify('track', 'trilateral', 'unclassified', 'released at step ' || step);
                        end if;
                end case;
                done := done || what;
            exception when others then
                null;
            end;
        end loop;
        insert into steps values (step, done);
        perform pg_temp.an_hour_passes();
    end loop;
end
$$;

-- The run did what it was meant to: deadlines moved, commitments made, declassified, raised and deleted.
select ok((select count(*) from parley_data.change_log where table_name = 'commitments' and old_row ? 'due_on') >= 10
          and (select count(*) from parley_data.change_log where table_name = 'commitments' and operation = 'insert') >= 15
          and (select count(*) from parley_data.change_log where table_name = 'commitments' and operation = 'declassify') >= 2
          and (select count(*) from parley_data.change_log where table_name = 'commitments' and operation = 'delete') >= 2
          and (select count(*) from parley_data.change_log
                where table_name = 'commitments' and operation = 'update' and old_row ? 'effective_classification') >= 4,
          'the random run moved deadlines, made, raised, declassified and deleted commitments');
select is((select array_agg(distinct effective_classification order by effective_classification)::text
             from parley_data.commitment_versions),
          '{unclassified,restricted,confidential,secret}', 'versions at every level');

-- The change history replayed (see the top).
create aggregate pg_temp.jsonb_merge(jsonb) (sfunc = jsonb_concat, stype = jsonb, initcond = '{}');
create function pg_temp.replayed(at timestamptz, lvl parley.classification)
    returns table (id bigint, code text, track text, item text, obligor text, text text, made_on date, due_on date,
                   status parley.commitment_status, target numeric, unit text, delivered numeric, owner text,
                   classification parley.classification)
    language sql stable as $$
    with entries as (
        select l.* from parley_data.change_log l
         where l.table_name = 'commitments' and l.changed_at <= at and l.classification <= lvl
    ), last_entry as (
        select distinct on (e.row_id) e.row_id, e.operation from entries e order by e.row_id, e.id desc
    ), first_whole as (
        select e.row_id, max(e.id) as id from entries e where e.operation in ('insert', 'declassify') group by e.row_id
    ), states as (
        select w.row_id, pg_temp.jsonb_merge(e.new_row order by e.id) as state
          from first_whole w
          join last_entry x on x.row_id = w.row_id and x.operation <> 'delete'
          join entries e on e.row_id = w.row_id and e.id >= w.id
         group by w.row_id
    )
    select c.id, c.code, t.code, i.code, ob.name, c.text, c.made_on, c.due_on, c.status, c.target_quantity, c.unit,
           c.delivered_quantity, o.name, c.effective_classification
      from states s
     cross join lateral jsonb_populate_record(null::parley_data.commitments, s.state) c
      join parley_data.tracks t on t.id = c.track_id and t.classification <= lvl
      join parley_data.agenda_items i on i.id = c.item_id
      join parley_data.parties ob on ob.id = c.obligor_id
      left join parley_data.people o on o.id = c.owner_id
$$;

-- The moments asked about: just after each step, half an hour after it, and before the run.
create temporary table moments as
select now() - (60 - s) * interval '1 hour' - x.offset_by as at
  from generate_series(0, 60) s cross join (values (interval '0'), (interval '30 minutes')) x(offset_by);
grant select on moments to public;

-- What commitments_as_of answers as the reader of each level, without recorded_at and recorded_by (the versions say
-- when the state shown began; the history's latest entry may be a change of a field as_of does not show).
create temporary table answered (level parley.classification, at timestamptz, id bigint, code text, track text,
                                 item text, obligor text, text text, made_on date, due_on date,
                                 status parley.commitment_status, target numeric, unit text, delivered numeric,
                                 owner text, classification parley.classification);
grant insert, select on answered to public;
create function pg_temp.ask(lvl parley.classification) returns void
    language plpgsql as $$
begin
    execute format('set local role %I', (select role from readers where level = lvl));
    insert into answered
    select lvl, m.at, a.id, a.code, a.track, a.item, a.obligor, a.text, a.made_on, a.due_on, a.status, a.target,
           a.unit, a.delivered, a.owner, a.classification
      from moments m cross join lateral parley.commitments_as_of(m.at) a;
    reset role;
end
$$;
select pg_temp.ask(level) from readers;

create temporary table expected as
select r.level, m.at, x.*
  from readers r cross join moments m cross join lateral pg_temp.replayed(m.at, r.level) x;

select ok((select count(*) from expected where level = 'unclassified') > 100
          and (select count(*) from expected where level = 'secret') > (select count(*) from expected where level = 'unclassified'),
          'the comparison has hundreds of rows, more for a cleared reader');
select is((select count(*) from (select * from answered where level = r.level except all
                                 select * from expected where level = r.level) x)
          + (select count(*) from (select * from expected where level = r.level except all
                                   select * from answered where level = r.level) x),
          0::bigint, format('as %s, commitments_as_of answers what the history says, at all %s moments', r.level,
                            (select count(*) from moments)))
  from readers r order by r.level;

-- The migration's backfill (000008; its query, as 230_history_states.psql folds it) gives, from the change history of
-- this run, the states the triggers wrote.
\ir 230_history_states.psql
create temporary view backfilled_commitments as
select h.row_id as commitment_id, h.changed_at as valid_from, h.valid_to, c.code, c.track_id, c.item_id,
       c.obligor_id, c.text, c.made_on, c.due_on, c.status, c.target_quantity, c.unit, c.delivered_quantity, c.owner_id,
       least(c.effective_classification, h.classification) as effective_classification, h.changed_by as recorded_by,
       h.classification
  from history_states h
 cross join lateral jsonb_populate_record(null::parley_data.commitments, h.state) c
 where h.table_name = 'commitments';
create temporary view backfilled_agenda as
select a.track_id, a.item_id, h.changed_at as valid_from, h.valid_to, a.status, a.status_since, a.note,
       least(a.effective_classification, h.classification) as effective_classification, h.changed_by as recorded_by,
       h.classification
  from history_states h
 cross join lateral jsonb_populate_record(null::parley_data.track_agenda, h.state) a
 where h.table_name = 'track_agenda';
-- Compared as what each gives at every moment asked about (a history entry that changed nothing a version holds,
-- such as a stamp, begins a new backfilled version with the same content where the trigger made none: the same
-- answers, another recorded_at).
select is((select count(*) from (
              select m.at, b.commitment_id, b.code, b.track_id, b.item_id, b.obligor_id, b.text, b.made_on, b.due_on,
                     b.status, b.target_quantity, b.unit, b.delivered_quantity, b.owner_id, b.effective_classification,
                     b.classification
                from moments m join backfilled_commitments b on b.valid_from <= m.at and b.valid_to > m.at
              except all
              select m.at, v.commitment_id, v.code, v.track_id, v.item_id, v.obligor_id, v.text, v.made_on, v.due_on,
                     v.status, v.target_quantity, v.unit, v.delivered_quantity, v.owner_id, v.effective_classification,
                     v.classification
                from moments m join parley_data.commitment_versions v on v.valid_from <= m.at and v.valid_to > m.at) x)
          + (select count(*) from (
              select m.at, v.commitment_id, v.code, v.track_id, v.item_id, v.obligor_id, v.text, v.made_on, v.due_on,
                     v.status, v.target_quantity, v.unit, v.delivered_quantity, v.owner_id, v.effective_classification,
                     v.classification
                from moments m join parley_data.commitment_versions v on v.valid_from <= m.at and v.valid_to > m.at
              except all
              select m.at, b.commitment_id, b.code, b.track_id, b.item_id, b.obligor_id, b.text, b.made_on, b.due_on,
                     b.status, b.target_quantity, b.unit, b.delivered_quantity, b.owner_id, b.effective_classification,
                     b.classification
                from moments m join backfilled_commitments b on b.valid_from <= m.at and b.valid_to > m.at) x),
          0::bigint, format('the backfill gives the commitments'' states the trigger wrote, at all %s moments',
                            (select count(*) from moments)));
select is((select count(*) from (
              select m.at, b.track_id, b.item_id, b.status, b.status_since, b.note, b.effective_classification, b.classification
                from moments m join backfilled_agenda b on b.valid_from <= m.at and b.valid_to > m.at
              except all
              select m.at, v.track_id, v.item_id, v.status, v.status_since, v.note, v.effective_classification, v.classification
                from moments m join parley_data.agenda_versions v on v.valid_from <= m.at and v.valid_to > m.at) x)
          + (select count(*) from (
              select m.at, v.track_id, v.item_id, v.status, v.status_since, v.note, v.effective_classification, v.classification
                from moments m join parley_data.agenda_versions v on v.valid_from <= m.at and v.valid_to > m.at
              except all
              select m.at, b.track_id, b.item_id, b.status, b.status_since, b.note, b.effective_classification, b.classification
                from moments m join backfilled_agenda b on b.valid_from <= m.at and b.valid_to > m.at) x),
          0::bigint, 'and the agenda''s');
select ok((select count(*) from moments m join backfilled_commitments b on b.valid_from <= m.at and b.valid_to > m.at)
          > 100, 'the comparison has hundreds of states');

-- The filters are pushed down and give what filtering the whole answer gives.
set local role asof_secret;
select is((select count(*) from moments m cross join lateral parley.commitments_as_of(m.at, track_code => 'istanbul')),
          (select count(*) from moments m cross join lateral parley.commitments_as_of(m.at) a where a.track = 'istanbul'),
          'track_code gives the track''s commitments');
select is((select count(*) from moments m cross join lateral parley.commitments_as_of(m.at, party_code => 'UA')),
          (select count(*) from moments m cross join lateral parley.commitments_as_of(m.at) a where a.obligor = 'Ukraine'),
          'party_code gives what the party owes');
select is((select count(*) from moments m cross join lateral parley.commitments_as_of(m.at, item_code => 'ceasefire')),
          (select count(*) from moments m cross join lateral parley.commitments_as_of(m.at) a where a.item = 'ceasefire'),
          'item_code gives the commitments on the item');
select ok((select count(*) from parley.commitments_as_of(now(), track_code => 'istanbul', item_code => 'ceasefire')) > 0,
          'the filters combine');
reset role;

-- A state says when it began and who recorded it.
select is((select (recorded_by, recorded_at = now()) from parley.commitments_as_of(now()) where code = 'late-one'),
          null, 'a commitment that does not exist is not shown');
select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'UA', beneficiaries => array['RU'],
                             text => 'Late one', made_on => '2025-06-01', code => 'late-one');
select is((select (recorded_by::text, recorded_at = now()) from parley.commitments_as_of(now()) where code = 'late-one'),
          (session_user::text, true), 'a state carries the moment it began and the login that recorded it');
select is((select count(*) from parley.commitments_as_of(now() - interval '1 second') where code = 'late-one'), 0::bigint,
          'and did not exist a moment before');

-- Versions are history: nobody edits them by hand.
select is(pg_temp.refusal($$update parley_data.commitment_versions set status = 'fulfilled'$$, 'parley_owner'),
          '42501 versions_append_only', 'the owner may not edit versions without declaring maintenance');

select * from finish();
rollback;
