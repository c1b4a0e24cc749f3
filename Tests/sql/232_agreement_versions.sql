-- "Was the memorandum in force on 1 June?" from versions (000015): parley.agreements_as_of answers, at every moment
-- of a recorded run (drafted, signed, in force, suspended and renamed, ended; a party added, which changes no column
-- of the agreement), what the agreement was then; one agreement whose track is raised takes its past with it
-- (a reader below the new level no longer sees it at any moment); a secret one is never seen by a reader without
-- clearance; one deleted is gone from then on but not before; the track filter gives the rows of the whole answer on
-- that track; the migration's backfill from the change history gives the versions the trigger wrote; nobody edits
-- versions.
--
-- Time: a test runs in one transaction, where now() stands still. After each step, everything recorded so far (the
-- history and the versions) is moved an hour into the past, so that the steps happened an hour apart.
begin;
select plan(24);
\ir 100_recording_fixture.psql
set local client_min_messages = warning;

create role agv_unclassified in role parley_reader;
create role agv_confidential in role parley_reader, parley_clearance_confidential;
create role agv_secret in role parley_reader, parley_clearance_secret;

create function pg_temp.an_hour_passes() returns void
    language plpgsql as $$
begin
    perform set_config('parley.change_log_maintenance', 'on', true);
    update parley_data.change_log set changed_at = changed_at - interval '1 hour';
    -- By way of a millennium ago, so that no row passes through another's key on the way.
    update parley_data.agreement_versions
       set valid_from = valid_from - interval '1000 years', valid_to = valid_to - interval '1000 years';
    update parley_data.agreement_versions
       set valid_from = valid_from + interval '1000 years' - interval '1 hour',
           valid_to = valid_to + interval '1000 years' - interval '1 hour';
    perform set_config('parley.change_log_maintenance', '', true);
end
$$;

-- What a reader sees of one agreement at a moment some hours ago: "status/title", or "-" when nothing.
create function pg_temp.seen(reader name, agreement text, hours_ago numeric) returns text
    language plpgsql as $$
declare
    answer text;
begin
    execute format('set local role %I', reader);
    select coalesce(max(a.status || '/' || a.title), '-') into answer
      from parley.agreements_as_of(now() - make_interval(secs => hours_ago * 3600)) a
     where a.code = agreement;
    reset role;
    return answer;
end
$$;

-- The run, a step an hour.
select parley.add_agreement(code => 'mou-1', title => 'Memorandum on exchanges', tracks => array['istanbul'],
                            source => 'src-1', owner => 'desk@example.org');
select parley.add_agreement(code => 'tri-deal', title => 'Trilateral framework', tracks => array['trilateral']);
select parley.add_agreement(code => 'back-channel', title => 'Back channel', tracks => array['istanbul'],
                            classification => 'secret');
select parley.add_agreement(code => 'short-lived', title => 'Short-lived note', tracks => array['istanbul']);
select pg_temp.an_hour_passes();
select parley.add_agreement_party('mou-1', 'TR', 'mediator');
select is((select count(*)::int from parley_data.agreement_versions v join parley_data.agreements a on a.id = v.agreement_id
            where a.code = 'mou-1'), 1, 'adding a party changes no column of the agreement: no new version');
select parley.sign_agreement('mou-1', 'UA', current_date - 2);
select parley.sign_agreement('mou-1', 'RU', current_date - 2);
select pg_temp.an_hour_passes();
select parley.enter_into_force('mou-1', current_date - 1);
select pg_temp.an_hour_passes();
select parley.suspend_agreement('mou-1', announced_on => current_date);
update parley_data.agreements set title = 'Memorandum on prisoner exchanges' where code = 'mou-1';
select pg_temp.an_hour_passes();
-- The trilateral track is raised: its agreement with it, and that agreement's past.
select parley.update_track('trilateral', classification => 'confidential');
delete from parley_data.agreements where code = 'short-lived';
select pg_temp.an_hour_passes();
select parley.end_agreement('mou-1', 'terminated', current_date);
-- Now: mou-1 was drafted 5 h ago, signed 4 h ago, in force 3 h ago, suspended and renamed 2 h ago, terminated now;
-- trilateral raised and short-lived deleted 1 h ago.

select is(pg_temp.seen('agv_unclassified', 'mou-1', 5.5), '-', 'before it was drafted, it did not exist');
select is(pg_temp.seen('agv_unclassified', 'mou-1', 4.5), 'drafted/Memorandum on exchanges', 'a draft at first');
select is(pg_temp.seen('agv_unclassified', 'mou-1', 3.5), 'signed/Memorandum on exchanges', 'then signed');
select is(pg_temp.seen('agv_unclassified', 'mou-1', 2.5), 'in_force/Memorandum on exchanges', 'then in force');
select is(pg_temp.seen('agv_unclassified', 'mou-1', 1.5), 'suspended/Memorandum on prisoner exchanges',
          'then suspended, under its new title');
select is(pg_temp.seen('agv_unclassified', 'mou-1', 0), 'terminated/Memorandum on prisoner exchanges', 'terminated now');
select is((select in_force_since || '/' || coalesce(ended_on::text, '-') || '/' || owner || '/' || source
             from parley.agreements_as_of(now() - interval '150 minutes') where code = 'mou-1'),
          (current_date - 1) || '/-/Desk Officer/src-1', 'with its days, owner and source as they were then');
select is((select count(*)::int from parley.agreements_as_of(now()) where code = 'mou-1'), 1,
          'one row per agreement at a moment');

select is(pg_temp.seen('agv_unclassified', 'short-lived', 1.5), 'drafted/Short-lived note', 'deleted: there before');
select is(pg_temp.seen('agv_unclassified', 'short-lived', 0.5), '-', 'and gone from its deletion on');

select is(pg_temp.seen('agv_unclassified', 'back-channel', 4.5), '-', 'a secret agreement: never seen without clearance');
select is(pg_temp.seen('agv_confidential', 'back-channel', 0), '-', 'nor by a reader cleared below secret');
select is(pg_temp.seen('agv_secret', 'back-channel', 4.5), 'drafted/Back channel', 'a reader cleared for secret sees it');

select is(pg_temp.seen('agv_unclassified', 'tri-deal', 4.5), '-',
          'raised with its track: a reader below the new level no longer sees even its past');
select is(pg_temp.seen('agv_confidential', 'tri-deal', 4.5), 'drafted/Trilateral framework',
          'a reader cleared for it does');
select is((select string_agg(distinct v.classification::text, ',') from parley_data.agreement_versions v
             join parley_data.agreements a on a.id = v.agreement_id where a.code = 'tri-deal'), 'confidential',
          'every version of it is kept at its new level');

-- The track filter is the whole answer on that track, at every moment, for every reader: rows that differ, counted.
create function pg_temp.filter_differs(reader name, track text) returns integer
    language plpgsql as $$
declare
    differ integer := 0;
    n integer;
    h integer;
begin
    execute format('set local role %I', reader);
    for h in 0..6 loop
        select count(*) into n from (
            (select * from parley.agreements_as_of(now() - make_interval(hours => h))
              where ', ' || tracks || ',' like '%, ' || track || ',%'
             except all
             select * from parley.agreements_as_of(now() - make_interval(hours => h), track_code => track))
            union all
            (select * from parley.agreements_as_of(now() - make_interval(hours => h), track_code => track)
             except all
             select * from parley.agreements_as_of(now() - make_interval(hours => h))
              where ', ' || tracks || ',' like '%, ' || track || ',%')) d;
        differ := differ + n;
    end loop;
    reset role;
    return differ;
end
$$;
select is(pg_temp.filter_differs(r, t), 0, format('the track filter (%s) is the whole answer on that track, as %s', t, r))
  from (values ('agv_unclassified'), ('agv_secret')) readers(r), (values ('istanbul'), ('trilateral')) tracks(t);
select isnt_empty($$select from parley.agreements_as_of(now() - interval '3 hours', track_code => 'istanbul')$$,
                  'the filter finds something (the comparison above would pass on nothing)');

-- The migration's backfill (000015; its query, as 230_history_states.psql folds it), over the change history, gives
-- the versions the trigger wrote (who recorded them included), for every agreement this run recorded.
\ir 230_history_states.psql
select is_empty($$
    with backfilled as (
        select h.row_id as agreement_id, h.changed_at as valid_from, h.valid_to, a.code, a.title, a.kind,
               a.status, a.status_since, a.signed_on, a.in_force_on, a.ended_on, a.signed_at, a.timezone, a.summary,
               a.owner_id, a.source_id, h.changed_by as recorded_by, h.classification
          from history_states h
         cross join lateral jsonb_populate_record(null::parley_data.agreements, h.state) a
         where h.table_name = 'agreements'),
    written as (
        select agreement_id, valid_from, valid_to, code, title, kind, status, status_since, signed_on, in_force_on,
               ended_on, signed_at, timezone, summary, owner_id, source_id, recorded_by, classification
          from parley_data.agreement_versions)
    (select 'backfill only', * from backfilled except all select 'backfill only', * from written)
    union all
    (select 'trigger only', * from written except all select 'trigger only', * from backfilled)
    $$, 'the backfill from the change history gives the versions the trigger wrote');

-- Versions are history.
select throws_ok($$update parley_data.agreement_versions set title = 'Rewritten'$$, '42501', null,
                 'nobody edits an agreement''s versions, the owner included');

select * from finish();
rollback;
