-- Open commitments per owner (parley_data.owner_tallies, 000008; what parley.people shows as each person's open
-- commitments) must always be what counting the commitments gives: live, not frozen by an agreement's end, per
-- owner and level. An insert adds its commitments to their owners' counts (issue 14: an import no longer counts every
-- commitment of each owner again); every other statement counts the owners it moved again. Checked after the
-- fixture, after an import whose updates fulfil one of its commitments and move another on, after direct inserts
-- of a commitment already closed and of one without an owner, and against a rebuild from scratch.
begin;
select plan(5);
\ir 200_views_fixture.psql

create function pg_temp.counted() returns table (owner_id bigint, classification parley.classification, n bigint)
    language sql as $$
    select c.owner_id, c.effective_classification, count(*)
      from parley_data.commitments c
     where c.owner_id is not null and parley_data.commitment_is_live(c.status) and c.frozen_on is null
     group by c.owner_id, c.effective_classification
     order by 1, 2
$$;
create function pg_temp.tallied() returns table (owner_id bigint, classification parley.classification, n bigint)
    language sql as $$
    select t.owner_id, t.classification, t.open_commitments::bigint from parley_data.owner_tallies t order by 1, 2
$$;

select results_eq('select * from pg_temp.tallied()', 'select * from pg_temp.counted()',
                  'after the fixture, each owner''s open commitments are tallied as counted');

-- An import: three new commitments of Anna's (one fulfilled by its second update, one moved on by its update) and
-- one of Omar's.
set local role views_writer;
select parley.import_world($${"parley": 1, "commitments": [
    {"code": "tally-1", "track": "istanbul", "item": "exchange", "obligor": "RU", "beneficiaries": ["UA"],
     "text": "Tally one", "made_on": "2025-06-01", "due_on": "2025-07-01", "owner": "anna.desk@parley.example",
     "updates": [{"reported_on": "2025-06-10", "new_status": "in_progress"},
                 {"reported_on": "2025-06-20", "new_status": "fulfilled"}]},
    {"code": "tally-2", "track": "istanbul", "item": "exchange", "obligor": "RU", "beneficiaries": ["UA"],
     "text": "Tally two", "made_on": "2025-06-01", "due_on": "2025-07-01", "owner": "anna.desk@parley.example",
     "updates": [{"reported_on": "2025-06-10", "new_status": "in_progress"}]},
    {"code": "tally-3", "track": "istanbul", "item": "exchange", "obligor": "UA", "beneficiaries": ["RU"],
     "text": "Tally three", "made_on": "2025-06-01", "due_on": "2025-07-01", "owner": "anna.desk@parley.example"},
    {"code": "tally-4", "track": "istanbul", "item": "ceasefire", "obligor": "UA", "beneficiaries": ["RU"],
     "text": "Tally four", "made_on": "2025-06-01", "due_on": "2025-07-01", "owner": "omar.analyst@parley.example"}]}$$::jsonb);
reset role;
select is((select count(*)::int from parley_data.commitments where code like 'tally-%' and status = 'fulfilled'), 1,
          'the import fulfilled one of its commitments');
select results_eq('select * from pg_temp.tallied()', 'select * from pg_temp.counted()',
                  'after the import, each owner''s open commitments are tallied as counted');

-- Inserted directly: one already closed (not open, so not tallied) and one without an owner, in one statement.
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, status,
                                     classification, track_classification, effective_classification, owner_id)
select x.code, t.id, i.id, p.id, x.code, date '2025-06-01', date '2025-07-01', x.status::parley.commitment_status,
       'unclassified', t.classification, t.classification, (select id from parley_data.people where email = x.owner)
  from (values ('tally-5', 'withdrawn', 'anna.desk@parley.example'), ('tally-6', 'pending', null),
               ('tally-7', 'pending', 'omar.analyst@parley.example')) x(code, status, owner)
  join parley_data.tracks t on t.code = 'istanbul'
  join parley_data.agenda_items i on i.code = 'ceasefire'
  join parley_data.parties p on p.code = 'UA';
insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id, effective_classification)
select c.id, c.obligor_id, (select id from parley_data.parties where code = 'RU'), c.effective_classification
  from parley_data.commitments c where c.code in ('tally-5', 'tally-6', 'tally-7');
select results_eq('select * from pg_temp.tallied()', 'select * from pg_temp.counted()',
                  'after direct inserts (one closed, one without owner), each owner''s open commitments are tallied as counted');

-- A rebuild from scratch finds nothing to correct.
create temporary table fx_before as select * from pg_temp.tallied();
select parley_data.rebuild_commitment_tallies();
select results_eq('select * from pg_temp.tallied()', 'select * from fx_before',
                  'rebuilding the tallies from scratch changes no owner''s count');

select * from finish();
rollback;
