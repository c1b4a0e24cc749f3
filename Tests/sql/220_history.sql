-- The change history made readable (changes), rebuilt at a moment (commitments_as_of), and kept from people
-- not cleared for the rows it copies.
begin;
select plan(15);
\ir 200_views_fixture.psql

-- Everything so far was recorded ten days ago, so that later changes happen at a different moment.
set local parley.change_log_maintenance = 'on';
update parley_data.change_log set changed_at = changed_at - interval '10 days';
update parley_data.commitment_versions set valid_from = valid_from - interval '10 days', valid_to = valid_to - interval '10 days';
reset parley.change_log_maintenance;

set local role views_writer;
select parley.change_due_date('LIST-UA', (select ist from fx_today) + 12);
reset role;

set local role views_reader;
select is((entity, operation, change, changed_by),
          ('commitments'::text, 'update'::text,
           'due_on: ' || (select ist from fx_today) + 10 || ' → ' || (select ist from fx_today) + 12, session_user),
          'changes shows a moved deadline field by field, old → new, and who moved it')
  from parley.changes where code = 'LIST-UA' and changed_at = now();
select is(change, 'classification: unclassified; code: istanbul; format: bilateral; lead: anna.desk@parley.example; name: Istanbul direct talks; status: active; timezone: Europe/Istanbul; venue: Istanbul',
          'an insert shows the record''s fields')
  from parley.changes where entity = 'tracks' and code = 'istanbul' and operation = 'insert';
select is(array_agg(code order by code), array['istanbul/RU', 'istanbul/TR', 'istanbul/UA'],
          'a link is named by both ends')
  from parley.changes where entity = 'track_members';
select is(count(*), 2::bigint, 'a commitment update is named by its commitment')
  from parley.changes where entity = 'commitment_updates' and code = 'EX-RU';
select is((kind, description, party),
          ('deadline moved'::text, 'LIST-UA: due ' || (select ist from fx_today) + 10 || ' → ' || (select ist from fx_today) + 12,
           'Ukraine'::text),
          'the timeline shows a moved deadline, old → new, on the day it was recorded')
  from parley.timeline where ref = 'LIST-UA' and kind = 'deadline moved';

-- What did we know then?
select is(due_on, (select ist from fx_today) + 10, 'commitments_as_of returns the old deadline before it was moved')
  from parley.commitments_as_of(now() - interval '5 days') where code = 'LIST-UA';
select is((due_on, recorded_by), ((select ist from fx_today) + 12, session_user), 'and the new one after')
  from parley.commitments_as_of(now()) where code = 'LIST-UA';
select is(count(*), 0::bigint, 'a commitment recorded later did not exist yet')
  from parley.commitments_as_of(now() - interval '11 days');
select is(count(*), (select count(*) from parley.open_commitments) + 4,
          'as of now, commitments_as_of shows every commitment the reader may see (open ones, three closed and one breached)')
  from parley.commitments_as_of(now());
select is((status, delivered), ('fulfilled'::parley.commitment_status, 1000::numeric),
          'commitments_as_of gives status and delivery as they stood')
  from parley.commitments_as_of(now() - interval '5 days') where code = 'EX-RU';
reset role;

-- A status changed directly (not by a recorded update) is an event of the timeline.
update parley_data.commitments set status = 'withdrawn' where code = 'FAR-RU';
select made_on as far_made_on from parley_data.commitments where code = 'FAR-RU' \gset
set local role views_reader;
select is(array_agg(description), array['FAR-RU: pending → withdrawn'], 'the timeline shows a status changed directly')
  from parley.timeline where kind = 'status changed' and ref = 'FAR-RU';
select is(change, 'status: pending → withdrawn; status_changed_on: ' || :'far_made_on' || ' → ' || current_date,
          'changes skips updated_at and shows only what changed (the status and the date it changed)')
  from parley.changes where code = 'FAR-RU' and operation = 'update' and changed_at = now();
reset role;

-- Raising a track's classification hides its whole history, including what was recorded while it was open.
insert into parley_data.tracks (code, name, format, timezone) values ('plain', 'Plain track', 'bilateral', 'UTC');
insert into parley_data.track_agenda (track_id, item_id)
select t.id, i.id from parley_data.tracks t, parley_data.agenda_items i where t.code = 'plain' and i.code = 'ceasefire';
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on)
select 'PLAIN-1', t.id, i.id, p.id, 'Talk again', current_date
  from parley_data.tracks t, parley_data.agenda_items i, parley_data.parties p
 where t.code = 'plain' and i.code = 'ceasefire' and p.code = 'RU';
insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id)
select c.id, c.obligor_id, (select id from parley_data.parties where code = 'UA') from parley_data.commitments c where c.code = 'PLAIN-1';

set local role views_reader;
select is(count(*), 4::bigint, 'a reader sees the history of an unclassified track')
  from parley.changes where code in ('plain', 'plain/ceasefire', 'PLAIN-1', 'PLAIN-1 → UA');
reset role;
update parley_data.tracks set classification = 'secret' where code = 'plain';
set local role views_reader;
select is(count(*), 0::bigint, 'once the track is secret, none of its history is shown to a reader')
  from parley.changes where code in ('plain', 'plain/ceasefire', 'PLAIN-1', 'PLAIN-1 → UA') or row_id like '%PLAIN%';
reset role;
set local role views_secret;
select ok(count(*) >= 4, 'a reader cleared for secret still sees it')
  from parley.changes where code in ('plain', 'plain/ceasefire', 'PLAIN-1', 'PLAIN-1 → UA');
reset role;

select * from finish();
rollback;
