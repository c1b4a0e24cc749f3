-- A commitment's status changed directly is an event of its own on the timeline ('commitment_status_changed'); a
-- status set by a recorded update is that update's event ('update_recorded') and makes no other, whether the update
-- is recorded by parley.record_update or brought in by an import. (Issue 14: the trigger now looks up each
-- commitment's updates by its id instead of reading every update; this holds it to what it wrote before.)
begin;
select plan(6);
\ir 100_recording_fixture.psql
set local client_min_messages = warning;

create function pg_temp.events(what text, code text) returns bigint language sql as $$
    select count(*) from parley_data.timeline_events e
      join parley_data.commitments c on c.code = events.code
     where e.kind = what
       and case when what = 'update_recorded'
                then e.subject_id in (select u.id from parley_data.commitment_updates u where u.commitment_id = c.id)
                else e.subject_id = c.id end
$$;

-- Recorded by parley.record_update (the fixture's pow-ua was fulfilled so; pow-ru is moved on here).
select is(pg_temp.events('commitment_status_changed', 'pow-ua'), 0::bigint,
          'a status set by a recorded update (the fixture''s) makes no status-changed event');
create temporary table fx_before as select pg_temp.events('update_recorded', 'pow-ru') as updates;
select parley.record_update(commitment => 'pow-ru', reported_on => '2025-05-20', delivered => 10,
                            new_status => 'in_progress');
select is((pg_temp.events('commitment_status_changed', 'pow-ru'), pg_temp.events('update_recorded', 'pow-ru')),
          (0::bigint, (select updates + 1 from fx_before)), 'record_update moving a status on makes the update''s event only');

-- Changed directly: an event of its own, once.
update parley_data.commitments set status = 'withdrawn' where code = 'pow-ru';
select is(pg_temp.events('commitment_status_changed', 'pow-ru'), 1::bigint,
          'a status changed directly makes one status-changed event');

-- Brought in by an import, with two updates moving the status on twice.
select parley.import_world($${"parley": 1, "commitments": [
    {"code": "tl-import", "track": "istanbul", "item": "pow-exchange", "obligor": "RU", "beneficiaries": ["UA"],
     "text": "Imported", "made_on": "2025-06-01", "due_on": "2025-07-01",
     "updates": [{"reported_on": "2025-06-10", "new_status": "in_progress"},
                 {"reported_on": "2025-06-20", "new_status": "fulfilled"}]}]}$$::jsonb);
select is((select status::text from parley_data.commitments where code = 'tl-import'), 'fulfilled',
          'the import''s updates moved its commitment on');
select is((pg_temp.events('commitment_status_changed', 'tl-import'), pg_temp.events('update_recorded', 'tl-import')),
          (0::bigint, 2::bigint), 'an import''s updates make their own events only');

-- One statement touching two commitments, changing the status of one only: one event, about that one.
update parley_data.commitments set status = (case code when 'tl-import' then 'fulfilled' else 'withdrawn' end)::parley.commitment_status
 where code in ('tl-import', 'secret-pause');
select is((pg_temp.events('commitment_status_changed', 'secret-pause'), pg_temp.events('commitment_status_changed', 'tl-import')),
          (1::bigint, 0::bigint), 'a statement touching two commitments makes an event for the one whose status it changed');

select * from finish();
rollback;
