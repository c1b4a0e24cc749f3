-- An imported commitment is written once, as its updates leave it (issue 14, item 1): the change history holds one
-- insert of its final state (its updates' own entries say how it got there), and what it is, its versions and its
-- timeline are those of the same commitment recorded by parley.add_commitment and parley.record_update. A
-- recorded commitment that a document brings new updates for still has them applied to it.
begin;
select plan(10);
\ir 100_recording_fixture.psql
set local client_min_messages = warning;

-- The same commitment and four updates (deliveries, a status moved on twice, a reopen with its note), recorded...
select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU', beneficiaries => array['UA'],
                             text => 'Release 100 prisoners', made_on => '2025-06-01', due_on => '2025-07-01',
                             target_quantity => 100, unit => 'prisoners', code => 'ow-direct');
select parley.record_update(commitment => 'ow-direct', reported_on => '2025-06-10', delivered => 10, new_status => 'in_progress');
select parley.record_update(commitment => 'ow-direct', reported_on => '2025-06-20', delivered => 5, new_status => 'fulfilled');
select parley.record_update(commitment => 'ow-direct', reported_on => '2025-06-25', new_status => 'in_progress', reopen => true,
                            note => 'Short by 85');
select parley.record_update(commitment => 'ow-direct', reported_on => '2025-06-28', delivered => 3);
-- ... and imported (the updates out of date order: they take effect in date order).
select parley.import_world($${"parley": 1, "commitments": [
    {"code": "ow-import", "track": "istanbul", "item": "pow-exchange", "obligor": "RU", "beneficiaries": ["UA"],
     "text": "Release 100 prisoners", "made_on": "2025-06-01", "due_on": "2025-07-01", "target_quantity": 100,
     "unit": "prisoners",
     "updates": [{"reported_on": "2025-06-20", "delivered": 5, "new_status": "fulfilled"},
                 {"reported_on": "2025-06-10", "delivered": 10, "new_status": "in_progress"},
                 {"reported_on": "2025-06-28", "delivered": 3},
                 {"reported_on": "2025-06-25", "new_status": "in_progress", "reopen": true, "note": "Short by 85"}]}]}$$::jsonb);

create function pg_temp.state(code text) returns table (status text, delivered numeric, last_update_on date,
                                                        status_changed_on date, reopened_at timestamptz, updated_at timestamptz)
    language sql as $$
    select c.status::text, c.delivered_quantity, c.last_update_on, c.status_changed_on, c.reopened_at, c.updated_at
      from parley_data.commitments c where c.code = state.code
$$;
select results_eq($$select * from pg_temp.state('ow-import')$$, $$select * from pg_temp.state('ow-direct')$$,
                  'an imported commitment is what its updates leave it, as one recorded update by update');
select results_eq($$select status, delivered, last_update_on, status_changed_on, reopened_at is not null from pg_temp.state('ow-import')$$,
                  $$values ('in_progress', 18::numeric, '2025-06-28'::date, '2025-06-25'::date, true)$$,
                  'its status, delivered total, last report, status date and reopen are its updates''');

-- The history: one insert of the final state, and each update's own insert.
select results_eq($$select l.operation::text, l.new_row ->> 'status', (l.new_row ->> 'delivered_quantity')::numeric,
                           l.new_row ->> 'last_update_on', l.new_row ->> 'status_changed_on'
                      from parley_data.change_log l
                     where l.table_name = 'commitments' and l.row_id = (select id::text from parley_data.commitments where code = 'ow-import')$$,
                  $$values ('insert', 'in_progress', 18::numeric, '2025-06-28', '2025-06-25')$$,
                  'the history holds one insert of the imported commitment, in its final state');
select is((select count(*) from parley_data.change_log l
            where l.table_name = 'commitment_updates'
              and (l.new_row ->> 'commitment_id')::bigint = (select id from parley_data.commitments where code = 'ow-import')),
          4::bigint, 'and an insert of each of its updates');

-- Versions and timeline: the same as recorded one by one.
create function pg_temp.versions(code text) returns table (status text, delivered numeric, valid_from timestamptz,
                                                           valid_to timestamptz, level text, classification text)
    language sql as $$
    select v.status::text, v.delivered_quantity, v.valid_from, v.valid_to, v.effective_classification::text,
           v.classification::text
      from parley_data.commitment_versions v join parley_data.commitments c on c.id = v.commitment_id
     where c.code = versions.code order by v.valid_from, v.classification
$$;
select results_eq($$select * from pg_temp.versions('ow-import')$$, $$select * from pg_temp.versions('ow-direct')$$,
                  'its versions are those of the commitment recorded update by update');
select is((select count(*) from pg_temp.versions('ow-import')), 1::bigint, 'one version: its state after import');
create function pg_temp.events(code text) returns table (kind text, occurred_on date, old_value text, new_value text)
    language sql as $$
    select e.kind, e.occurred_on, e.old_value, e.new_value
      from parley_data.timeline_events e join parley_data.commitments c on c.code = events.code
     where e.subject_id = case when e.kind = 'update_recorded'
                               then (select u.id from parley_data.commitment_updates u
                                      where u.id = e.subject_id and u.commitment_id = c.id)
                               else c.id end
       and e.kind like any (array['commitment%', 'update%'])
     order by e.kind, e.occurred_on, e.old_value, e.new_value
$$;
select results_eq($$select * from pg_temp.events('ow-import')$$, $$select * from pg_temp.events('ow-direct')$$,
                  'its timeline is that of the commitment recorded update by update');
select is((select count(*) from pg_temp.events('ow-import') where kind = 'update_recorded'), 4::bigint,
          'an event for each of its updates');

-- A recorded commitment a document brings a new update for: applied to it, as record_update does.
select parley.import_world($${"parley": 1, "commitments": [
    {"code": "ow-import", "track": "istanbul", "item": "pow-exchange", "obligor": "RU", "beneficiaries": ["UA"],
     "text": "Release 100 prisoners", "made_on": "2025-06-01", "due_on": "2025-07-01", "target_quantity": 100,
     "unit": "prisoners",
     "updates": [{"reported_on": "2025-06-20", "delivered": 5, "new_status": "fulfilled"},
                 {"reported_on": "2025-06-10", "delivered": 10, "new_status": "in_progress"},
                 {"reported_on": "2025-06-28", "delivered": 3},
                 {"reported_on": "2025-06-25", "new_status": "in_progress", "reopen": true, "note": "Short by 85"},
                 {"reported_on": "2025-06-30", "delivered": 82, "new_status": "fulfilled"}]}]}$$::jsonb);
select parley.record_update(commitment => 'ow-direct', reported_on => '2025-06-30', delivered => 82, new_status => 'fulfilled');
select results_eq($$select * from pg_temp.state('ow-import')$$, $$select * from pg_temp.state('ow-direct')$$,
                  'a new update of a recorded commitment is applied to it on import, as record_update applies it');

-- The trigger heeds only the import's own word: a table of the same name made by another login (here the test's)
-- does not stop a recorded update of a commitment the import just brought in from being applied.
select parley.import_world($${"parley": 1, "commitments": [
    {"code": "ow-later", "track": "istanbul", "item": "pow-exchange", "obligor": "RU", "beneficiaries": ["UA"],
     "text": "Release 10 prisoners", "made_on": "2025-06-01", "target_quantity": 10, "unit": "prisoners"}]}$$::jsonb);
create temp table import_updates_applied ();
select parley.record_update(commitment => 'ow-later', reported_on => '2025-07-01', delivered => 1);
drop table pg_temp.import_updates_applied;
select is((select delivered_quantity from parley_data.commitments where code = 'ow-later'), 1::numeric,
          'a table of that name made by another login does not keep an update from its commitment');

select * from finish();
rollback;
