-- A commitment is owed to somebody, checked at commit (040_model_rules): once per statement that inserted
-- commitments, over all of them (000018). Whatever the number of commitments a statement or a transaction
-- inserts, in whichever order the beneficiaries come, the check refuses exactly the commitments no beneficiary
-- names, names the first of them, and leaves no note behind.
begin;
select plan(8);

\ir 100_recording_fixture.psql

-- New commitments on the fixture's track, written directly (as an import does), one statement inserting all of
-- `codes`; their beneficiaries are written by another statement.
create function pg_temp.insert_commitments(codes text[]) returns void
    language sql as $$
    insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on)
    select c, t.id, i.id, p.id, 'Owed to ' || c, '2025-05-16'
      from unnest(codes) c, parley_data.tracks t, parley_data.agenda_items i, parley_data.parties p
     where t.code = 'istanbul' and i.code = 'ceasefire' and p.code = 'RU'
$$;
create function pg_temp.owe_to_ukraine(codes text[]) returns void
    language sql as $$
    insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id)
    select c.id, c.obligor_id, p.id from parley_data.commitments c, parley_data.parties p
     where c.code = any (codes) and p.code = 'UA'
$$;

-- Runs `sql` and then the check, as COMMIT would, in a subtransaction that is always rolled back (with the
-- check's mode): the refusal ("rule: message"), or "accepted" with the new commitments (bc-...) and the notes
-- left after the check.
create function pg_temp.at_commit(sql text) returns text
    language plpgsql as $$
declare
    outcome text;
begin
    begin
        execute sql;
        set constraints parley_data.commitments_have_beneficiary immediate;
        outcome := format('accepted: %s new, %s notes left',
                          (select count(*) from parley_data.commitments where code like 'bc-%'),
                          (select count(*) from parley_data.commitments_to_check));
        raise exception 'roll back' using errcode = 'PLPGX';
    exception
        when sqlstate 'PLPGX' then null;
        when check_violation then
            get stacked diagnostics outcome = constraint_name;
            outcome := outcome || ': ' || sqlerrm;
    end;
    return outcome;
end
$$;

select is(pg_temp.at_commit($$select pg_temp.insert_commitments(array['bc-1', 'bc-2', 'bc-3']),
                                     pg_temp.owe_to_ukraine(array['bc-1', 'bc-3'])$$),
          'commitment_has_beneficiary: commitment bc-2 has no beneficiary',
          'one statement of three commitments, one owed to nobody: refused, naming it');
select is(pg_temp.at_commit($$select pg_temp.insert_commitments(array['bc-4', 'bc-5']),
                                     pg_temp.insert_commitments(array['bc-6']),
                                     pg_temp.owe_to_ukraine(array['bc-4'])$$),
          'commitment_has_beneficiary: commitment bc-5 has no beneficiary',
          'two statements, a commitment of each owed to nobody: refused, naming the first');
select is(pg_temp.at_commit($$select pg_temp.insert_commitments(array['bc-4', 'bc-5']),
                                     pg_temp.insert_commitments(array['bc-6']),
                                     pg_temp.owe_to_ukraine(array['bc-4', 'bc-5'])$$),
          'commitment_has_beneficiary: commitment bc-6 has no beneficiary',
          'the second statement''s commitment owed to nobody: refused too');
select is(pg_temp.at_commit($$select pg_temp.insert_commitments(array['bc-7', 'bc-8']),
                                     pg_temp.insert_commitments(array['bc-9']),
                                     pg_temp.owe_to_ukraine(array['bc-7', 'bc-8', 'bc-9'])$$),
          'accepted: 3 new, 0 notes left',
          'beneficiaries written after the commitments of two statements: accepted, and no note is left');
select is(pg_temp.at_commit($q$do $x$ begin
                                perform pg_temp.insert_commitments(array['bc-10', 'bc-11']);
                                perform pg_temp.owe_to_ukraine(array['bc-10']);
                                delete from parley_data.commitments where code = 'bc-11';
                            end $x$$q$),
          'accepted: 1 new, 0 notes left',
          'a commitment deleted again before the check is owed nothing');
select is(pg_temp.at_commit($$select pg_temp.insert_commitments(array['bc-12'])$$),
          'commitment_has_beneficiary: commitment bc-12 has no beneficiary',
          'a commitment alone, owed to nobody: refused');
select is(pg_temp.at_commit($$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'UA',
                                         beneficiaries => array['RU'], text => 'Owed to Russia', made_on => '2025-05-16',
                                         code => 'bc-13')$$),
          'accepted: 1 new, 0 notes left',
          'add_commitment, with its beneficiary: accepted');
select is((select count(*)::integer from parley_data.commitments where code like 'bc-%'), 0,
          'every case was rolled back');

select * from finish();
rollback;
