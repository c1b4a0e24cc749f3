-- The change history records every insert, update and delete on the data tables, whoever makes it and however,
-- with the login, the old and new values, the time and the transaction; and nobody edits it.
begin;
select plan(41);

\ir 100_recording_fixture.psql

create role recording_test_desk login in role parley_writer;

-- Every data table records its history; the vocabulary tables do not.
select is((select array_agg(c.relname::text order by c.relname) from pg_class c
            where c.relnamespace = 'parley_data'::regnamespace
              and (select count(*) from pg_trigger t where t.tgrelid = c.oid and t.tgname like c.relname || '\_history\_%') = 4),
          array['agenda_items', 'agreement_participation', 'agreement_parties', 'agreement_relations',
                'agreement_status_events', 'agreement_term_claims', 'agreement_term_parties', 'agreement_terms',
                'agreement_tracks', 'agreements', 'commitment_beneficiaries', 'commitment_updates', 'commitments',
                'deals', 'figures', 'follow_ups', 'implementation_overrides', 'meetings', 'parties', 'people',
                'positions', 'sources', 'subscriptions', 'track_agenda', 'track_members', 'tracks'],
          'the twenty-six data tables record inserts, updates, deletes and truncates');
select is((select count(*)::integer from parley_data.change_log where table_name = 'parties' and operation = 'insert' and changed_by = 'postgres'),
          4, 'the fixture''s parties are recorded as inserted by the login that ran it');
select is((select l.new_row ->> 'name' from parley_data.change_log l join parley_data.parties p on l.row_id = p.id::text
            where l.table_name = 'parties' and p.code = 'UA'),
          'Ukraine', 'an insert keeps the new row');
select is((select l.row_id from parley_data.change_log l
            where l.table_name = 'track_members' and l.operation = 'insert' and (l.new_row ->> 'role') = 'host'),
          (select track_id || ',' || party_id || ',host' from parley_data.track_members where role = 'host'),
          'a composite key is recorded as its columns joined with commas');

-- Who moved this deadline, when, and from what? A desk officer moves it through a recording function.
select max(id) as before_move from parley_data.change_log \gset
select is(pg_temp.run($$select parley.change_due_date(commitment => 'pow-ru', due_on => '2025-06-01')$$, null, 'recording_test_desk'),
          'pow-ru', 'a desk officer moves a deadline');
select is((select count(*)::integer from parley_data.change_log where id > :before_move), 1, 'moving it is recorded as one change');
select is((select table_name || ' ' || operation || ' ' || changed_by from parley_data.change_log where id > :before_move),
          'commitments update recording_test_desk', 'the change names the desk officer (session_user), not the function''s owner');
select is((select (old_row ->> 'due_on') || ' → ' || (new_row ->> 'due_on') from parley_data.change_log where id > :before_move),
          '2025-05-25 → 2025-06-01', 'the change keeps the old and the new deadline');
select is((select row_id from parley_data.change_log where id > :before_move),
          (select id::text from parley_data.commitments where code = 'pow-ru'), 'the change names the commitment by its id');
select ok((select transaction_id = pg_current_xact_id() and changed_at = now() from parley_data.change_log where id > :before_move),
          'the change carries its transaction and the transaction''s time');

-- A recorded update changes two tables; both are recorded under the same login.
select max(id) as before_update from parley_data.change_log \gset
select ok(pg_temp.run($$select parley.record_update(commitment => 'pow-ru', reported_on => '2025-05-23', delivered => 390)$$, null, 'recording_test_desk') ~ '^[0-9]+$',
          'a desk officer records a delivery');
select is((select string_agg(table_name || ' ' || operation || ' ' || changed_by, '; ' order by table_name)
             from parley_data.change_log where id > :before_update),
          'commitment_updates insert recording_test_desk; commitments update recording_test_desk',
          'the update and the commitment it moved are both recorded');
select is((select (old_row ->> 'delivered_quantity') || ' → ' || (new_row ->> 'delivered_quantity') from parley_data.change_log
            where id > :before_update and table_name = 'commitments'),
          '0 → 390', 'the commitment''s change shows the delivered total before and after');

-- Direct SQL by the owner is recorded too, under the login.
select max(id) as before_direct from parley_data.change_log \gset
select is(pg_temp.run($$update parley_data.tracks set venue = 'Çırağan Palace' where code = 'istanbul' returning code$$, 'parley_owner'),
          'istanbul', 'the owner updates a track directly');
select is((select changed_by || ' ' || coalesce(old_row ->> 'venue', 'none') || ' → ' || (new_row ->> 'venue')
             from parley_data.change_log where id > :before_direct),
          'postgres none → Çırağan Palace', 'a direct update by the owner is recorded with the login and both values');

-- One statement, many rows: one history row per changed row.
select max(id) as before_bulk from parley_data.change_log \gset
update parley_data.parties set kind = 'other';
select is((select count(*)::integer from parley_data.change_log where id > :before_bulk and table_name = 'parties' and operation = 'update'),
          4, 'a four-row update is recorded as four changes');
select is((select count(distinct row_id)::integer from parley_data.change_log where id > :before_bulk),
          4, 'each changed row is recorded under its own key');

-- Rows an update leaves exactly as they were are not recorded.
select max(id) as before_noop from parley_data.change_log \gset
update parley_data.track_members set note = note;
update parley_data.deals set title = title;
select is((select count(*)::integer from parley_data.change_log where id > :before_noop), 0, 'an update that changes nothing records nothing');

-- Deletes keep the old row; a change of key is a delete and an insert; a truncate keeps every row.
select max(id) as before_delete from parley_data.change_log \gset
delete from parley_data.follow_ups where code = 'fu-1';
select is((select operation || ' ' || (old_row ->> 'note') || ' ' || coalesce(new_row::text, 'no new row')
             from parley_data.change_log where id > :before_delete),
          'delete Chase the written conditions no new row', 'a delete keeps the old row');
select max(id) as before_rekey from parley_data.change_log \gset
update parley_data.track_members set role = 'mediator' where role = 'host';
select is((select string_agg(operation || ' ' || split_part(row_id, ',', 3), ', ' order by operation)
             from parley_data.change_log where id > :before_rekey),
          'delete host, insert mediator', 'an update of a key is recorded as the delete of the old key and the insert of the new');
do $$
begin
    perform parley.add_figure(indicator => 'bodies-returned', value => 6057, as_of => '2025-06-16', claimant => 'UA');
    perform parley.add_figure(indicator => 'bodies-returned', value => 6060, as_of => '2025-06-16', claimant => 'RU');
end
$$;
select max(id) as before_truncate from parley_data.change_log \gset
truncate parley_data.figures;
select is((select string_agg(operation || ' ' || (old_row ->> 'value'), ', ' order by old_row ->> 'value')
             from parley_data.change_log where id > :before_truncate),
          'delete 6057, delete 6060', 'a truncate is recorded as the delete of every row');

-- A bulk statement is recorded in one pass, row by row.
select max(id) as before_big from parley_data.change_log \gset
insert into parley_data.positions (party_id, item_id, stance, stated_on)
select p.id, i.id, 'undecided', date '2000-01-01' + n
  from parley_data.parties p, parley_data.agenda_items i, generate_series(1, 2000) n
 where p.code = 'UA' and i.code = 'children';
update parley_data.positions set stance = 'supports' where stance = 'undecided';
select is((select string_agg(operation || ' ' || n, ', ' order by operation)
             from (select operation, count(*) n from parley_data.change_log where id > :before_big group by operation) s),
          'insert 2000, update 2000', 'a 2,000-row insert and update are recorded as 2,000 changes each');

-- Staff cannot touch the history at all.
select is(pg_temp.refusal(t.statement, r.role), '42501 (no hint)', r.role || ' may not ' || t.operation || ' the change history')
  from (values ('parley_reader'), ('parley_writer'), ('parley_daemon')) r(role),
       (values ('insert', $$insert into parley_data.change_log (changed_at, transaction_id, changed_by, table_name, row_id, operation)
                           values (now(), pg_current_xact_id(), 'someone', 'commitments', '1', 'update')$$),
               ('update', $$update parley_data.change_log set changed_by = 'someone else'$$),
               ('delete', $$delete from parley_data.change_log$$),
               ('truncate', $$truncate parley_data.change_log$$)) t(operation, statement);

-- Its owner cannot change it by accident either.
select is(pg_temp.refusal(t.statement, 'parley_owner'), '42501 change_log_append_only', 'parley_owner may not ' || t.operation || ' the change history')
  from (values ('insert', $$insert into parley_data.change_log (changed_at, transaction_id, changed_by, table_name, row_id, operation)
                           values (now(), pg_current_xact_id(), 'someone', 'commitments', '1', 'update')$$),
               ('update', $$update parley_data.change_log set changed_by = 'someone else'$$),
               ('delete', $$delete from parley_data.change_log$$)) t(operation, statement);
-- TRUNCATE would lock the real history against every concurrent writer until this test ends: the guard is checked
-- on the real table's trigger and exercised on a copy that carries it.
select ok(exists (select 1 from pg_trigger where tgrelid = 'parley_data.change_log'::regclass
                     and tgname = 'change_log_append_only' and tgtype & 32 <> 0),
          'the append-only guard also fires on TRUNCATE');
create temp table change_log_copy (like parley_data.change_log);
insert into change_log_copy select * from parley_data.change_log limit 1;
create trigger change_log_append_only before truncate on change_log_copy
    for each statement execute function parley_data.keep_change_log_append_only();
select is(pg_temp.refusal($$truncate change_log_copy$$, null), '42501 change_log_append_only', 'the guard refuses a TRUNCATE');

-- Maintenance, declared, is possible for the owner.
select is(pg_temp.run($q$do $x$
begin
    set local parley.change_log_maintenance = 'on';
    delete from parley_data.change_log where table_name = 'deals';
    set local parley.change_log_maintenance = 'off';
end
$x$$q$, 'parley_owner'), null, 'parley_owner deletes from the history after declaring maintenance');
select is((select count(*)::integer from parley_data.change_log where table_name = 'deals'), 0,
          'parley_owner may prune the history after declaring maintenance');

select * from finish();
rollback;
