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

-- The entries (track and item, two arrays side by side) worked out again from the tables: one row per clearance
-- from the entry's level up, each counting only the records at that clearance or below, as row-level security
-- shows them to a reader cleared that high (the same sources parley.stale read for each entry before: the status
-- date, the tallies' last activity, the positions on the track, and the general positions of the track's members).
-- An entry no longer on the agenda has no row.
create or replace function parley_data.recount_agenda_activity(track_ids bigint[], item_ids bigint[])
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
    select ta.track_id, ta.item_id, ta.effective_classification, lvl.level,
           greatest(ta.status_since,
                    (select max(x.last_activity_on)
                       from parley_data.commitment_tallies x
                      where x.track_id = ta.track_id and x.item_id = ta.item_id
                        and x.classification <= lvl.level),
                    (select max(p.stated_on)
                       from parley_data.positions p
                      where p.track_id = ta.track_id and p.item_id = ta.item_id
                        and p.effective_classification <= lvl.level),
                    (select max(p.stated_on)
                       from parley_data.track_members tm
                       join parley_data.positions p
                         on p.party_id = tm.party_id and p.item_id = ta.item_id and p.track_id is null
                      where tm.track_id = ta.track_id
                        and tm.effective_classification <= lvl.level
                        and p.effective_classification <= lvl.level))
      from (select distinct x.track_id, x.item_id from unnest(track_ids, item_ids) x(track_id, item_id)) x
      join parley_data.track_agenda ta on ta.track_id = x.track_id and ta.item_id = x.item_id
      join unnest(enum_range(null::parley.classification)) lvl(level) on lvl.level >= ta.effective_classification;
end
$$;
comment on function parley_data.recount_agenda_activity(bigint[], bigint[]) is
    'Works out again the last activity per clearance of some agenda entries (track and item, as two arrays side by side).';

-- The stances of some entries (track and item, two arrays side by side) worked out again from the tables: for each
-- clearance from the entry's level up, each party's latest position on the item, on the track or stated generally
-- while a member of the track, counting only the positions and memberships at that clearance or below, as row-level
-- security shows them to a reader cleared that high (what parley.agenda worked out for every entry before 000014;
-- on the same day the one on the track wins). An entry no longer on the agenda has no row.
create or replace function parley_data.recount_agenda_stances(track_ids bigint[], item_ids bigint[])
    returns void
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
begin
    if cardinality(track_ids) = 0 then
        return;
    end if;
    delete from parley_data.agenda_stances a
     using unnest(track_ids, item_ids) x(track_id, item_id)
     where a.track_id = x.track_id and a.item_id = x.item_id;
    insert into parley_data.agenda_stances
           (track_id, item_id, entry_classification, clearance, party_id, stance, stated_on)
    select distinct on (e.track_id, e.item_id, e.level, s.party_id)
           e.track_id, e.item_id, e.entry_classification, e.level, s.party_id, s.stance, s.stated_on
      from (select ta.track_id, ta.item_id, ta.effective_classification as entry_classification, lvl.level
              from (select distinct x.track_id, x.item_id
                      from unnest(track_ids, item_ids) x(track_id, item_id)) x
              join parley_data.track_agenda ta on ta.track_id = x.track_id and ta.item_id = x.item_id
              join unnest(enum_range(null::parley.classification)) lvl(level)
                on lvl.level >= ta.effective_classification) e
      join (select p.track_id, p.item_id, p.party_id, p.stance, p.stated_on, false as general,
                   p.effective_classification as level
              from parley_data.positions p
             where p.track_id is not null
            union all
            select tm.track_id, p.item_id, p.party_id, p.stance, p.stated_on, true,
                   greatest(p.effective_classification, tm.effective_classification)
              from parley_data.track_members tm
              join parley_data.positions p on p.party_id = tm.party_id and p.track_id is null) s
        on s.track_id = e.track_id and s.item_id = e.item_id and s.level <= e.level
     order by e.track_id, e.item_id, e.level, s.party_id, s.stated_on desc, s.general;
end
$$;
comment on function parley_data.recount_agenda_stances(bigint[], bigint[]) is
    'Works out again each party''s latest stance per clearance on some agenda entries (track and item, as two arrays side by side).';

-- Queue some entries (track, item and level: three arrays side by side) to be worked out again: what the writers'
-- triggers do instead of working them out. An insert into a table with no unique key never waits for another
-- transaction. The level is that of the record written (for a general position, the higher of its level and the
-- membership's): the entry's stored rows for the clearances below it do not count that record, so a reader cleared
-- lower reads them as they are, and row-level security leaves the queue row in a partition that reader never reads.
create or replace function parley_data.queue_agenda_activity(track_ids bigint[], item_ids bigint[],
                                                             levels parley.classification[])
    returns void
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
begin
    if cardinality(track_ids) = 0 then
        return;
    end if;
    insert into parley_data.agenda_activity_queue (track_id, item_id, classification)
    select distinct x.track_id, x.item_id, x.level from unnest(track_ids, item_ids, levels) x(track_id, item_id, level);
end
$$;
comment on function parley_data.queue_agenda_activity(bigint[], bigint[], parley.classification[]) is
    'Queues some agenda entries (track, item and the level of the record written, as three arrays side by side) for refresh_agenda_activity to work their last activity out again.';

-- Positions: a stance stated on a track is activity of that track's entry for the item; one stated generally (no
-- track) is activity of the item's entry on every track the party is a member of.
create or replace function parley_data.agenda_activity_of_positions() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off
as $$
declare
    -- What a position adds to an entry's activity and stances (agenda_stances, 000014): its party, item, track,
    -- date, level and stance; a change of anything else (the statement, the source) changes neither.
    touched constant text :=
        'select p.track_id, p.item_id, p.level from (%1$s) p where p.track_id is not null '
        'union '
        'select tm.track_id, p.item_id, greatest(p.level, tm.effective_classification) from (%1$s) p '
        '  join parley_data.track_members tm on tm.party_id = p.party_id where p.track_id is null';
    gather constant text :=
        'select coalesce(array_agg(k.track_id), ''{}''), coalesce(array_agg(k.item_id), ''{}''), '
        'coalesce(array_agg(k.level), ''{}'') from (%s) k';
    rows_changed text;
    track_ids bigint[];
    item_ids bigint[];
    levels parley.classification[];
begin
    if tg_op = 'INSERT' then
        rows_changed := 'select n.party_id, n.item_id, n.track_id, n.effective_classification as level from new_rows n';
    elsif tg_op = 'DELETE' then
        rows_changed := 'select o.party_id, o.item_id, o.track_id, o.effective_classification as level from old_rows o';
    else
        rows_changed :=
            'select k.party_id, k.item_id, k.track_id, k.level '
            'from old_rows o join new_rows n on n.id = o.id '
            'cross join lateral (values (o.party_id, o.item_id, o.track_id, o.effective_classification), '
            '                           (n.party_id, n.item_id, n.track_id, n.effective_classification)) '
            '                   k(party_id, item_id, track_id, level) '
            'where (o.party_id, o.item_id, o.track_id, o.stated_on, o.effective_classification, o.stance) '
            '      is distinct from (n.party_id, n.item_id, n.track_id, n.stated_on, n.effective_classification, '
            '                        n.stance)';
    end if;
    execute format(gather, format(touched, rows_changed)) into track_ids, item_ids, levels;
    perform parley_data.queue_agenda_activity(track_ids, item_ids, levels);
    return null;
end
$$;
comment on function parley_data.agenda_activity_of_positions() is
    'Trigger: queues the agenda entries whose positions a statement changed (their last activity is worked out again by refresh_agenda_activity), once per statement.';

call parley_data.create_statement_triggers('positions', 'agenda_activity', 'parley_data.agenda_activity_of_positions()');

-- Track members: a member's general positions count for the track's entries on those items.
create or replace function parley_data.agenda_activity_of_members() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off
as $$
declare
    touched constant text :=
        'select coalesce(array_agg(k.track_id), ''{}''), coalesce(array_agg(k.item_id), ''{}''), '
        'coalesce(array_agg(k.level), ''{}'') '
        'from (select distinct ta.track_id, ta.item_id, m.level '
        '        from (%s) m '
        '        join parley_data.track_agenda ta on ta.track_id = m.track_id '
        '       where exists (select 1 from parley_data.positions p '
        '                      where p.party_id = m.party_id and p.item_id = ta.item_id and p.track_id is null)) k';
    rows_changed text;
    track_ids bigint[];
    item_ids bigint[];
    levels parley.classification[];
begin
    -- The membership's level: no higher than what the change can matter to (a position counts for a track's entry
    -- at the higher of its level and the membership's).
    if tg_op = 'INSERT' then
        rows_changed := 'select n.track_id, n.party_id, n.effective_classification as level from new_rows n';
    elsif tg_op = 'DELETE' then
        rows_changed := 'select o.track_id, o.party_id, o.effective_classification as level from old_rows o';
    else
        -- Only its level changes, with its track's (no recording function moves a membership): both sides.
        rows_changed := 'select o.track_id, o.party_id, o.effective_classification as level from old_rows o '
                        'union all select n.track_id, n.party_id, n.effective_classification from new_rows n';
    end if;
    execute format(touched, rows_changed) into track_ids, item_ids, levels;
    perform parley_data.queue_agenda_activity(track_ids, item_ids, levels);
    return null;
end
$$;
comment on function parley_data.agenda_activity_of_members() is
    'Trigger: queues the agenda entries of the tracks whose members a statement changed (those on which a member stated a general position), once per statement.';

call parley_data.create_statement_triggers('track_members', 'agenda_activity', 'parley_data.agenda_activity_of_members()');

-- The agenda: an entry put on a track, its status date changed, its level changed with its track's, or removed.
create or replace function parley_data.agenda_activity_of_agenda() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off
as $$
declare
    gather constant text :=
        'select coalesce(array_agg(k.track_id), ''{}''), coalesce(array_agg(k.item_id), ''{}''), '
        'coalesce(array_agg(k.level), ''{}'') '
        'from (select distinct track_id, item_id, level from (%s) g) k';
    track_ids bigint[];
    item_ids bigint[];
    levels parley.classification[];
begin
    -- The entry's own level (its track's): every clearance that sees the entry.
    if tg_op = 'INSERT' then
        execute format(gather, 'select n.track_id, n.item_id, n.effective_classification as level from new_rows n')
            into track_ids, item_ids, levels;
    elsif tg_op = 'DELETE' then
        execute format(gather, 'select o.track_id, o.item_id, o.effective_classification as level from old_rows o')
            into track_ids, item_ids, levels;
    else
        execute format(gather,
            'select o.track_id, o.item_id, o.effective_classification as level from old_rows o '
            ' where not exists (select 1 from new_rows n '
            '                    where (n.track_id, n.item_id, n.status_since, n.effective_classification) '
            '                        = (o.track_id, o.item_id, o.status_since, o.effective_classification)) '
            'union all '
            'select n.track_id, n.item_id, n.effective_classification from new_rows n '
            ' where not exists (select 1 from old_rows o '
            '                    where (n.track_id, n.item_id, n.status_since, n.effective_classification) '
            '                        = (o.track_id, o.item_id, o.status_since, o.effective_classification))')
            into track_ids, item_ids, levels;
    end if;
    perform parley_data.queue_agenda_activity(track_ids, item_ids, levels);
    return null;
end
$$;
comment on function parley_data.agenda_activity_of_agenda() is
    'Trigger: queues the agenda entries a statement added, removed, moved to another level or gave another status date, once per statement.';

call parley_data.create_statement_triggers('track_agenda', 'agenda_activity', 'parley_data.agenda_activity_of_agenda()');

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
    perform parley_data.recount_agenda_activity(track_ids, item_ids);
    perform parley_data.recount_agenda_stances(track_ids, item_ids);
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
    perform parley_data.recount_agenda_activity(array_agg(ta.track_id), array_agg(ta.item_id))
       from parley_data.track_agenda ta;
    perform parley_data.recount_agenda_stances(array_agg(ta.track_id), array_agg(ta.item_id))
       from parley_data.track_agenda ta;
    select count(*) into n from parley_data.agenda_activity;
    return n;
end
$$;
comment on function parley_data.rebuild_agenda_activity() is
    'Works out again the last activity and the stances (agenda_stances) per clearance of every agenda entry and empties the queue. Returns the number of rows of last activity (entries × clearances).';
