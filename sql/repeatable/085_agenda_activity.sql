-- The last activity of each agenda entry per clearance (000013): what parley.stale walks in date order.
-- And each party's latest stance on each entry per clearance (000014): what parley.agenda reads. Both are worked
-- out again for the entries queued, by the same refresh, in the same transaction.
--
-- Writers do not work it out: the statement triggers of commitments (the tallies' trigger, 080_commitment_tallies),
-- positions, track members and the agenda only append the entries a statement touched to
-- parley_data.agenda_activity_queue, which has no unique key, so that no writer waits for another (two writers to one
-- entry, one of them leaving its transaction open, would otherwise queue up behind the rows of that entry).
-- parley_data.refresh_agenda_activity, which the leader daemon runs at each plan (425_leadership), takes the queued
-- entries and works them out again; parley.stale works a queued entry out from the records itself meanwhile. A queue
-- row is kept at the level of the record written, in that level's partition, so that row-level security shows a
-- reader only the queue rows that can matter to them (a reader cleared lower reads the entry's stored rows, which do
-- not count that record), and not even how many hidden records were written.
set local role parley_owner;

-- The clearance whose stored rows of agenda entries (the last activity in parley_data.agenda_activity, 000013, and
-- the stances in parley_data.agenda_stances, 000014) the querying role reads (parley.stale, parley.agenda): its
-- own, as row-level security applies it; every level for a role that row-level security does not filter (the
-- owner), which sees every row.
create or replace function parley_data.activity_clearance() returns parley.classification
    language sql stable parallel safe
    return case when row_security_active('parley_data.agenda_activity'::regclass) then parley_data.current_clearance()
                else 'secret'::parley.classification end;
comment on function parley_data.activity_clearance() is
    'The clearance of the rows of parley_data.agenda_activity and parley_data.agenda_stances the querying role reads: current_clearance(), or secret for a role row-level security does not filter (it sees every level).';

-- The agenda entries named (track and item, two arrays side by side), once each, with every clearance that sees
-- them: one row per clearance from the entry's level up. An entry no longer on the agenda has no row. What both
-- recounts below work out their rows for.
create or replace function parley_data.agenda_entry_clearances(track_ids bigint[], item_ids bigint[])
    returns table (track_id bigint, item_id bigint, entry_classification parley.classification, status_since date,
                   clearance parley.classification)
    language sql stable
    -- Plain SQL with no settings, so that PostgreSQL inlines it into the statement that calls it.
begin atomic
    select ta.track_id, ta.item_id, ta.effective_classification, ta.status_since, lvl.level
      from (select distinct x.track_id, x.item_id from unnest(track_ids, item_ids) x(track_id, item_id)) x
      join parley_data.track_agenda ta on ta.track_id = x.track_id and ta.item_id = x.item_id
      join unnest(enum_range(null::parley.classification)) lvl(level) on lvl.level >= ta.effective_classification;
end;
comment on function parley_data.agenda_entry_clearances(bigint[], bigint[]) is
    'The agenda entries named (track and item, as two arrays side by side) with its status date and each clearance from the entry''s level up: one row per entry and clearance.';

-- Some entries (track and item, two arrays side by side) worked out again from the tables: one row per clearance
-- from the entry's level up, each counting only the records at that clearance or below, as row-level security
-- shows them to a reader cleared that high. An entry no longer on the agenda has no row.
--   The last activity (agenda_activity): the same sources parley.stale read for each entry before, the status date,
--     the tallies' last activity, the positions on the track, and the general positions of the track's members.
--   The stances (agenda_stances): each party's latest position on the item, on the track or stated generally while
--     a member of the track (what parley.agenda worked out for every entry before 000014; on the same day the one on
--     the track wins).
-- parley.stale (210) and parley.agenda (200) state these two rules once more, for the queued entries, as row-level
-- security shows the records to the reader; a change to a rule here is a change there too (Tests/sql/205 and 206
-- compare the views, queued and stored entries mixed, with their earlier texts, which worked every entry out per
-- query). They do not call a function of this file: tried for stale, a set-returning function in its third part
-- kept that part from being merged in date order as one table (its plan at L changed), and one called per entry
-- would read agenda's queued entries one by one instead of in one join.
create or replace function parley_data.recount_agenda_entries(track_ids bigint[], item_ids bigint[])
    returns void
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
begin
    if cardinality(track_ids) = 0 then
        return;
    end if;
    -- Plain statements, whose plans the session keeps: a statement usually names one or a few entries, and planning
    -- the subqueries on four partitions each anew would cost more than running them.
    delete from parley_data.agenda_activity a
     using unnest(track_ids, item_ids) x(track_id, item_id)
     where a.track_id = x.track_id and a.item_id = x.item_id;
    insert into parley_data.agenda_activity (track_id, item_id, entry_classification, clearance, last_activity_on)
    select e.track_id, e.item_id, e.entry_classification, e.clearance,
           greatest(e.status_since,
                    (select max(x.last_activity_on)
                       from parley_data.commitment_tallies x
                      where x.track_id = e.track_id and x.item_id = e.item_id
                        and x.classification <= e.clearance),
                    (select max(p.stated_on)
                       from parley_data.positions p
                      where p.track_id = e.track_id and p.item_id = e.item_id
                        and p.effective_classification <= e.clearance),
                    (select max(p.stated_on)
                       from parley_data.track_members tm
                       join parley_data.positions p
                         on p.party_id = tm.party_id and p.item_id = e.item_id and p.track_id is null
                      where tm.track_id = e.track_id
                        and tm.effective_classification <= e.clearance
                        and p.effective_classification <= e.clearance))
      from parley_data.agenda_entry_clearances(track_ids, item_ids) e;

    delete from parley_data.agenda_stances a
     using unnest(track_ids, item_ids) x(track_id, item_id)
     where a.track_id = x.track_id and a.item_id = x.item_id;
    insert into parley_data.agenda_stances
           (track_id, item_id, entry_classification, clearance, party_id, stance, stated_on)
    select distinct on (e.track_id, e.item_id, e.clearance, s.party_id)
           e.track_id, e.item_id, e.entry_classification, e.clearance, s.party_id, s.stance, s.stated_on
      from parley_data.agenda_entry_clearances(track_ids, item_ids) e
      join (select p.track_id, p.item_id, p.party_id, p.stance, p.stated_on, false as general,
                   p.effective_classification as level
              from parley_data.positions p
             where p.track_id is not null
            union all
            select tm.track_id, p.item_id, p.party_id, p.stance, p.stated_on, true,
                   greatest(p.effective_classification, tm.effective_classification)
              from parley_data.track_members tm
              join parley_data.positions p on p.party_id = tm.party_id and p.track_id is null) s
        on s.track_id = e.track_id and s.item_id = e.item_id and s.level <= e.clearance
     order by e.track_id, e.item_id, e.clearance, s.party_id, s.stated_on desc, s.general;
end
$$;
comment on function parley_data.recount_agenda_entries(bigint[], bigint[]) is
    'Works out again the last activity and each party''s latest stance per clearance of some agenda entries (track and item, as two arrays side by side).';
drop function if exists parley_data.recount_agenda_activity(bigint[], bigint[]);
drop function if exists parley_data.recount_agenda_stances(bigint[], bigint[]);

-- Queueing entries (track, item and level) to be worked out again: what the writers' triggers do instead of working
-- them out. An insert into a table with no unique key never waits for another transaction. The level is that of the
-- record written (for a general position, the higher of its level and the membership's): the entry's stored rows for
-- the clearances below it do not count that record, so a reader cleared lower reads them as they are, and row-level
-- security leaves the queue row in a partition that reader never reads.
-- The statement that queues the entries of `touched`, a query of track_id, item_id and level: a trigger runs it
-- itself, over its transition tables (a function it calls does not see them), or over arrays it gathered (the
-- tallies' trigger, 080_commitment_tallies).
create or replace function parley_data.queue_agenda_statement(touched text) returns text
    language sql immutable strict
    set search_path = pg_catalog, pg_temp
    return format('insert into parley_data.agenda_activity_queue (track_id, item_id, classification) '
                  'select distinct k.track_id, k.item_id, k.level from (%s) k', touched);
comment on function parley_data.queue_agenda_statement(text) is
    'The statement that queues the agenda entries of a query of track_id, item_id and level (the level of the record written) for refresh_agenda_activity.';

drop function if exists parley_data.queue_agenda_activity(bigint[], bigint[], parley.classification[]);

-- The writers' trigger, one for positions, track members and the agenda, told by its arguments: TG_ARGV[0] the
-- columns of a row that an entry's activity and stances depend on, TG_ARGV[1] the query of the entries (track_id,
-- item_id, level) that rows of those columns (the relation %1$s) touch. The rows of an update are those as they
-- were and as they became that differ in those columns: an update that leaves them as they were queues nothing.
create or replace function parley_data.agenda_activity_of_rows() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off
as $$
declare
    depends_on constant text := tg_argv[0];
    touched constant text := tg_argv[1];
    rows_changed text;
begin
    if tg_op = 'INSERT' then
        rows_changed := format('select %s from new_rows', depends_on);
    elsif tg_op = 'DELETE' then
        rows_changed := format('select %s from old_rows', depends_on);
    else
        rows_changed := format('(select %1$s from old_rows except select %1$s from new_rows) '
                               'union all (select %1$s from new_rows except select %1$s from old_rows)', depends_on);
    end if;
    execute parley_data.queue_agenda_statement(format(touched, rows_changed));
    return null;
end
$$;
comment on function parley_data.agenda_activity_of_rows() is
    'Trigger: queues the agenda entries that the rows a statement changed touch (TG_ARGV[0]: the columns that matter; TG_ARGV[1]: the query of the entries they touch), for refresh_agenda_activity, once per statement.';

-- Positions: a stance stated on a track is activity of that track's entry for the item; one stated generally (no
-- track) is activity of the item's entry on every track the party is a member of, at the higher of its level and
-- the membership's. What a position adds to an entry's activity and stances (agenda_stances, 000014): its party,
-- item, track, date, level and stance; a change of anything else (the statement, the source) changes neither.
call parley_data.create_statement_triggers('positions', 'agenda_activity', $$parley_data.agenda_activity_of_rows(
    'party_id, item_id, track_id, stated_on, effective_classification, stance',
    'select p.track_id, p.item_id, p.effective_classification as level from (%1$s) p where p.track_id is not null '
    'union '
    'select tm.track_id, p.item_id, greatest(p.effective_classification, tm.effective_classification) from (%1$s) p '
    '  join parley_data.track_members tm on tm.party_id = p.party_id where p.track_id is null')$$);

-- Track members: a member's general positions count for the track's entries on those items, at the membership's
-- level (no higher than what the change can matter to). Only its level changes, with its track's (no recording
-- function moves a membership).
-- Each member's track's entries are looked up by the track (a probe of track_agenda's key): joined as a whole, the
-- general positions of the members' parties led, each item's entries on every track were read and all but the
-- member's track's thrown away (150,000 rows for the 300 members of 100 tracks an import adds, 34 ms at M; a new
-- track has no entries yet when its members are written).
call parley_data.create_statement_triggers('track_members', 'agenda_activity', $$parley_data.agenda_activity_of_rows(
    'track_id, party_id, effective_classification',
    'select ta.track_id, ta.item_id, m.effective_classification as level from (%1$s) m '
    '  cross join lateral (select a.track_id, a.item_id from parley_data.track_agenda a '
    '                       where a.track_id = m.track_id offset 0) ta '
    ' where exists (select 1 from parley_data.positions p '
    '                where p.party_id = m.party_id and p.item_id = ta.item_id and p.track_id is null)')$$);

-- The agenda: an entry put on a track, its status date changed, its level changed with its track's, or removed; at
-- the entry's own level (its track's): every clearance that sees the entry.
call parley_data.create_statement_triggers('track_agenda', 'agenda_activity', $$parley_data.agenda_activity_of_rows(
    'track_id, item_id, status_since, effective_classification',
    'select e.track_id, e.item_id, e.effective_classification as level from (%1$s) e')$$);

drop function if exists parley_data.agenda_activity_of_positions();
drop function if exists parley_data.agenda_activity_of_members();
drop function if exists parley_data.agenda_activity_of_agenda();

-- Refreshing: the queued entries worked out again, in the caller's transaction (the leader's plan, a test, the
-- bench). The queue rows it deletes are those committed when the delete starts (READ COMMITTED): an entry queued by
-- a transaction that commits later stays queued, and is worked out again at the next refresh; the recount, a later
-- statement, sees at least what the deleted rows stood for. Readers see the queue rows and the stored rows change
-- in one commit, so parley.stale reads either an entry's old rows with the entry still queued (and works it out) or
-- its new rows. One refresh at a time (a transaction-level advisory lock): a second one meanwhile returns 0 at once
-- rather than wait. Writers never wait for it: they only add queue rows, which it does not see until they commit.
create or replace function parley_data.refresh_agenda_activity() returns integer
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off
as $$
declare
    track_ids bigint[];
    item_ids bigint[];
begin
    if not pg_try_advisory_xact_lock(hashtext('parley_data.agenda_activity')) then
        return 0;
    end if;
    with taken as (delete from parley_data.agenda_activity_queue q returning q.track_id, q.item_id)
    select coalesce(array_agg(k.track_id), '{}'), coalesce(array_agg(k.item_id), '{}')
      into track_ids, item_ids
      from (select distinct t.track_id, t.item_id from taken t) k;
    perform parley_data.recount_agenda_entries(track_ids, item_ids);
    return cardinality(track_ids);
end
$$;
comment on function parley_data.refresh_agenda_activity() is
    'Works out again the last activity and the stances (agenda_stances) per clearance of the queued agenda entries and takes them off the queue (those committed when it starts). Returns the number of entries; 0 when another refresh is running.';

-- Every entry worked out again from scratch, and the queue emptied: what 000013 asked for, what the bench data
-- generator runs, and what the tests compare the stored rows with.
create or replace function parley_data.rebuild_agenda_activity() returns bigint
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    n bigint;
begin
    -- After a refresh running meanwhile, if any.
    perform pg_advisory_xact_lock(hashtext('parley_data.agenda_activity'));
    delete from parley_data.agenda_activity_queue;
    delete from parley_data.agenda_activity;
    delete from parley_data.agenda_stances;
    perform parley_data.recount_agenda_entries(array_agg(ta.track_id), array_agg(ta.item_id))
       from parley_data.track_agenda ta;
    select count(*) into n from parley_data.agenda_activity;
    return n;
end
$$;
comment on function parley_data.rebuild_agenda_activity() is
    'Works out again the last activity and the stances (agenda_stances) per clearance of every agenda entry and empties the queue. Returns the number of rows of last activity (entries × clearances).';
