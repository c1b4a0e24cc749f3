-- Each party's latest stance on each agenda entry, stored per clearance (parley_data.agenda_stances, 000014), which
-- parley.agenda reads for the entries not queued; the queued ones (agenda_activity_queue, which writers append to
-- and refresh_agenda_activity empties) it works out from the records. Checked here: the stored rows are right for
-- every clearance once refreshed (worked out here another way), never counting a position or membership above the
-- clearance a row is kept for; and parley.agenda answers as it did when it worked every entry's stances out per
-- query (its earlier text is kept below), for a reader at every level, with every entry queued, none, and queued
-- and stored entries mixed, after each way of writing a position or a membership. (Two writers to one entry, one
-- leaving its transaction open: AgendaActivityConcurrencyTests, and CI drill 4: writers only queue, as for 205.)
begin;
set local jit = off;
\ir 400_rls_fixture.psql
select plan(50);

-- What each party's latest stance on each entry is for each clearance, worked out here per party with a window
-- (the view and the refresh use DISTINCT ON): the latest position on the track, or stated generally by a member of
-- the track, the one on the track first on the same day; only positions and memberships at that clearance or below.
create function pg_temp.expected()
    returns table (track_id bigint, item_id bigint, entry_classification parley.classification,
                   clearance parley.classification, party_id bigint, stance parley.stance, stated_on date)
    language sql as $$
    select r.track_id, r.item_id, r.entry_classification, r.lvl, r.party_id, r.stance, r.stated_on
      from (select ta.track_id, ta.item_id, ta.effective_classification as entry_classification, lvl,
                   p.party_id, p.stance, p.stated_on,
                   row_number() over (partition by ta.track_id, ta.item_id, lvl, p.party_id
                                      order by p.stated_on desc, p.track_id is null) as n
              from parley_data.track_agenda ta
             cross join unnest(enum_range(null::parley.classification)) lvl
              join parley_data.positions p
                on p.item_id = ta.item_id and p.effective_classification <= lvl
               and (p.track_id = ta.track_id
                    or (p.track_id is null
                        and exists (select 1 from parley_data.track_members tm
                                     where tm.track_id = ta.track_id and tm.party_id = p.party_id
                                       and tm.effective_classification <= lvl)))
             where lvl >= ta.effective_classification) r
     where r.n = 1
$$;
-- What the stored rows get wrong: empty when they are right.
create function pg_temp.off() returns text
    language sql as $$
    select coalesce(string_agg(format('%s %s/%s for %s: %s %s', x.side, t.code, i.code, x.clearance, x.party_id, x.stance),
                               '; ' order by x.side, t.code, i.code, x.clearance, x.party_id), '')
      from (select 'missing' as side, e.* from (select * from pg_temp.expected()
                                                except all select * from parley_data.agenda_stances) e
            union all
            select 'wrong', s.* from (select * from parley_data.agenda_stances
                                      except all select * from pg_temp.expected()) s) x
      left join parley_data.tracks t on t.id = x.track_id
      left join parley_data.agenda_items i on i.id = x.item_id
$$;
create function pg_temp.refreshed_off() returns text
    language plpgsql as $$
begin
    perform parley_data.refresh_agenda_activity();
    if exists (select 1 from parley_data.agenda_activity_queue) then
        return 'the queue is not empty after a refresh';
    end if;
    return pg_temp.off();
end
$$;
create function pg_temp.queued(track text, item text) returns boolean
    language sql as $$
    select exists (select 1 from parley_data.agenda_activity_queue q
                     join parley_data.tracks t on t.id = q.track_id join parley_data.agenda_items i on i.id = q.item_id
                    where t.code = queued.track and i.code = queued.item)
$$;

-- parley.agenda as it was before 000014, working every entry's stances out per query, to compare answers with.
create view pg_temp.agenda_before with (security_invoker = true) as
select t.code                                   as track,
       i.code                                   as item,
       i.title,
       ta.status,
       ta.status_since                          as since,
       (now() at time zone t.timezone)::date - ta.status_since as days_in_status,
       coalesce(cc.commitments, 0)              as commitments,
       coalesce(cc.open_commitments, 0)         as open_commitments,
       coalesce(cc.fulfilled_commitments, 0)    as fulfilled_commitments,
       st.stances,
       ta.note,
       ag.agreements_in_force
  from parley_data.track_agenda ta
  join parley_data.tracks t on t.id = ta.track_id
  join parley_data.agenda_items i on i.id = ta.item_id
  -- Counted from the tallies (000008): a row per obligor and level instead of every commitment (the levels the
  -- reader may not see are not read), for all entries at once and joined on the track's code too, as the stances.
  left join (
        select x.track_id, tt.code as track, x.item_id,
               sum(x.made) as commitments,
               sum(x.open) as open_commitments,
               sum(x.fulfilled) as fulfilled_commitments
          from parley_data.commitment_tallies x
          join parley_data.tracks tt on tt.id = x.track_id
         group by x.track_id, tt.code, x.item_id
       ) cc on cc.track_id = ta.track_id and cc.track = t.code and cc.item_id = ta.item_id
  -- Each party's stance on this track, or its general stance when it is a member of the track and said nothing
  -- specific here later: for all agenda entries in one pass (a whole-table query at 50,000 entries), joined on the
  -- track's code as well as the item so that `where track = '…'` reaches into it (a condition on a grouping
  -- column is pushed down; one on an id the query does not name is not) and a single track reads only its own.
  left join (
        select s.track_id, s.track, s.item_id,
               string_agg(p.name || ': ' || s.stance || ' (' || s.stated_on || ')', '; ' order by p.name) as stances
          from (select distinct on (x.track_id, x.track, x.item_id, x.party_id)
                       x.track_id, x.track, x.item_id, x.party_id, x.stance, x.stated_on
                  from (select st.id as track_id, st.code as track, pos.item_id, pos.party_id, pos.stance,
                               pos.stated_on, false as general
                          from parley_data.tracks st
                          join parley_data.positions pos on pos.track_id = st.id
                        union all
                        select st.id, st.code, pos.item_id, pos.party_id, pos.stance, pos.stated_on, true
                          from parley_data.tracks st
                          join parley_data.track_agenda a on a.track_id = st.id
                          join parley_data.track_members tm on tm.track_id = st.id
                          join parley_data.positions pos
                            on pos.party_id = tm.party_id and pos.item_id = a.item_id and pos.track_id is null) x
                 -- The track's id first: sorting 200,000 positions by a number is quicker than by a code.
                 order by x.track_id, x.track, x.item_id, x.party_id, x.stated_on desc, x.general) s
          join parley_data.parties p on p.id = s.party_id
         group by s.track_id, s.track, s.item_id
       ) st on st.track_id = ta.track_id and st.track = t.code and st.item_id = ta.item_id
  -- The agreements in force with a provision about this item on this track, for all entries at once.
  left join (
        select c.track_id, c.item_id, string_agg(distinct a.code, ', ' order by a.code) as agreements_in_force
          from parley_data.agreements a
          join parley_data.commitments c on c.agreement_id = a.id
         where a.status = 'in_force'
         group by c.track_id, c.item_id
       ) ag on ag.track_id = ta.track_id and ag.item_id = ta.item_id
 order by t.code, i.code;

grant select on pg_temp.agenda_before to public;

-- How parley.agenda differs from its earlier text for a reader: rows missing or more, and whether all rows come in
-- the same order.
create function pg_temp.agenda_differs(who name) returns text
    language plpgsql as $$
declare
    missing bigint;
    extra bigint;
    same_order boolean;
    n bigint;
    with_stances bigint;
begin
    execute format('set local role %I', who);
    select count(*) into missing from (select * from pg_temp.agenda_before except all select * from parley.agenda) x;
    select count(*) into extra from (select * from parley.agenda except all select * from pg_temp.agenda_before) x;
    select (select array_agg(v::text) from (select * from parley.agenda) v)
           is not distinct from (select array_agg(v::text) from (select * from pg_temp.agenda_before) v),
           (select count(*) from parley.agenda),
           (select count(*) from parley.agenda where stances is not null)
      into same_order, n, with_stances;
    reset role;
    return format('%s rows (%s with stances), %s missing, %s more, %s', n, with_stances, missing, extra,
                  case when same_order then 'in the same order' else 'in another order' end);
end
$$;
grant execute on function pg_temp.agenda_differs(name) to public;
-- Every reader at once: the levels whose answer differs, empty when none does.
create function pg_temp.readers_differ() returns text
    language sql as $$
    select coalesce(string_agg(l.level || ': ' || pg_temp.agenda_differs(l.role), '; ' order by l.level), '')
      from levels l
     where pg_temp.agenda_differs(l.role) !~ ', 0 missing, 0 more, in the same order$'
$$;

-- 1. What the fixture's statements wrote: every entry queued, no stance stored; parley.agenda works every entry's
-- stances out, as before, for a reader at each level.
select is((select count(*) from parley_data.agenda_stances), 0::bigint, 'no writer wrote a stored stance');
select is(regexp_replace(pg_temp.agenda_differs(l.role), '^.*\), ', ''), '0 missing, 0 more, in the same order',
          format('every entry queued, agenda as %s: the same rows as before, in the same order', l.role))
  from levels l order by l.level;
select ok(parley_data.refresh_agenda_activity() > 0, 'refresh_agenda_activity works the queued entries out');
select is(pg_temp.off(), '', 'each party''s latest stance on every agenda entry, per clearance, as refreshed');
select is((select count(*) from parley_data.agenda_stances a where a.clearance < a.entry_classification), 0::bigint,
          'no entry has a stance for a clearance below its own level');
select ok((select count(distinct a.clearance) from parley_data.agenda_stances a) = 4
          and exists (select 1 from pg_temp.expected() e where e.clearance = 'unclassified')
          and (select count(*) from pg_temp.expected() e where e.clearance = 'secret')
              > (select count(*) from pg_temp.expected() e where e.clearance = 'unclassified'),
          'the fixture has stances at every clearance, more for the cleared');
-- 2. Nothing queued: every entry read from its stored stances.
select is(regexp_replace(pg_temp.agenda_differs(l.role), '^.*\), ', ''), '0 missing, 0 more, in the same order',
          format('nothing queued, agenda as %s: the same rows as before, in the same order', l.role))
  from levels l order by l.level;
select ok(pg_temp.agenda_differs('rls_unclassified') !~ '^\d+ rows \(0 with',
          'the comparison has stances to compare');
-- The check can fail: a stored stance changed behind the refresh's back is what the view shows.
set local session_replication_role = replica;
update parley_data.agenda_stances set stance = case when stance = 'opposes' then 'supports'::parley.stance
                                                    else 'opposes' end
 where clearance = 'restricted';
set local session_replication_role = origin;
select matches(pg_temp.readers_differ(), '^restricted: .* [1-9]\d* missing, [1-9]\d* more',
               'a wrong stored stance shows, for the clearance it is kept for only');
select matches(pg_temp.off(), 'missing .* for restricted.*wrong .* for restricted', 'and the check on the stored rows finds it');
select ok(parley_data.rebuild_agenda_activity() > 0, 'rebuild_agenda_activity works everything out again');
select is(pg_temp.off(), '', 'after the rebuild, every stance is right');
select is(pg_temp.readers_differ(), '', 'and parley.agenda answers as before for every reader');
-- 3. Writes. A secret position today on an unclassified entry: queued at secret only; the readers cleared lower read
-- the entry's stored stances (which do not count it), the secret reader works it out.
select parley.record_position(party => 'UA', item => 'ceasefire', stance => 'opposes', stated_on => current_date,
                              track => 'istanbul', classification => 'secret', statement => 'ZSECRET refusal');
select ok(pg_temp.queued('istanbul', 'ceasefire') and not pg_temp.queued('istanbul', 'exchange'),
          'record_position queues its entry, and no other');
select is((select array_agg(distinct q.classification) from parley_data.agenda_activity_queue q),
          array['secret']::parley.classification[], 'at the level of the position (secret)');
select is(pg_temp.readers_differ(), '', 'queued and stored entries mixed: parley.agenda answers as before for every reader');
set local role rls_secret;
select matches((select stances from parley.agenda where track = 'istanbul' and item = 'ceasefire'),
               'Ukraine: opposes \(' || current_date || '\)', 'the secret reader sees the secret stance at once');
reset role;
set local role rls_unclassified;
select ok((select stances from parley.agenda where track = 'istanbul' and item = 'ceasefire')
          !~ ('opposes \(' || current_date), 'a reader without clearance does not');
reset role;
select is(pg_temp.refreshed_off(), '', 'record_position (secret, on a track), refreshed');
select is(pg_temp.readers_differ(), '', 'and parley.agenda answers as before for every reader');
-- Re-recording the same day corrects the stance: only the stance changes.
select parley.record_position(party => 'UA', item => 'ceasefire', stance => 'conditional', stated_on => current_date,
                              track => 'istanbul', classification => 'secret', statement => 'ZSECRET refusal');
select ok(pg_temp.queued('istanbul', 'ceasefire'), 'a stance corrected the same day queues its entry');
select is(pg_temp.readers_differ(), '', 'queued: parley.agenda answers as before for every reader');
select is(pg_temp.refreshed_off(), '', 'a stance corrected, refreshed');
-- A general position: every track the party is a member of.
select parley.record_position(party => 'TR', item => 'exchange', stance => 'supports', stated_on => current_date - 1,
                              statement => 'General support');
select is(pg_temp.readers_differ(), '', 'record_position stated generally, queued: as before for every reader');
select is(pg_temp.refreshed_off(), '', 'record_position stated generally, refreshed');
select parley.declassify_position('UA', 'ceasefire', current_date, 'unclassified', 'Published', track => 'istanbul');
select is(pg_temp.readers_differ(), '', 'declassify_position, queued: as before for every reader');
select is(pg_temp.refreshed_off(), '', 'declassify_position, refreshed');
select parley.record_position(party => 'QA', item => 'ceasefire', stance => 'supports', stated_on => current_date,
                              statement => 'Qatar supports a ceasefire');
select parley.add_member('istanbul', 'QA', 'observer');
select is(pg_temp.readers_differ(), '', 'add_member (a party with a general position joins), queued: as before');
select is(pg_temp.refreshed_off(), '', 'add_member, refreshed');
select matches((select stances from parley.agenda where track = 'istanbul' and item = 'ceasefire'),
               'Qatar: supports', 'the new member''s general stance is on the track''s entry');
select parley.add_agenda_item(code => 'demining', title => 'Demining', track => 'istanbul');
select parley.record_position(party => 'UA', item => 'demining', stance => 'supports', stated_on => current_date,
                              statement => 'Demining first');
select is(pg_temp.readers_differ(), '', 'add_agenda_item and a general position on it, queued: as before');
select is(pg_temp.refreshed_off(), '', 'add_agenda_item, refreshed');
select parley.declassify('track', 'zrestr-nato', 'unclassified', 'The briefings were published');
select is(pg_temp.readers_differ(), '', 'declassify a track, queued: as before for every reader');
select is(pg_temp.refreshed_off(), '', 'declassify a track (its agenda, members and positions come down with it), refreshed');
select parley.import_world($${
  "tracks": [{"code": "istanbul", "name": "Istanbul direct talks", "format": "bilateral", "timezone": "Europe/Istanbul",
              "members": [{"party": "AE", "role": "observer"}],
              "agenda": [{"item": "exchange", "status": "agreed", "status_since": "2020-01-01"}]}],
  "positions": [{"party": "RU", "item": "exchange", "track": "istanbul", "stance": "conditional",
                 "stated_on": "2031-01-01", "statement": "Imported stance"}]
}$$::jsonb);
select is(pg_temp.readers_differ(), '', 'import_world (a member, a position), queued: as before for every reader');
select is(pg_temp.refreshed_off(), '', 'import_world, refreshed');
-- Deletion: no recording function deletes these; the triggers queue whoever does.
delete from parley_data.positions where statement = 'Imported stance';
select is(pg_temp.readers_differ(), '', 'a position deleted, queued: as before for every reader');
select is(pg_temp.refreshed_off(), '', 'a position deleted, refreshed');
delete from parley_data.track_members where party_id = (select id from parley_data.parties where code = 'QA');
select is(pg_temp.readers_differ(), '', 'a member deleted, queued: as before for every reader');
select is(pg_temp.refreshed_off(), '', 'a member deleted, refreshed');
delete from parley_data.track_agenda where item_id = (select id from parley_data.agenda_items where code = 'demining');
select is(pg_temp.refreshed_off(), '', 'an agenda entry deleted, refreshed');
select is((select count(*) from parley_data.agenda_stances
            where item_id = (select id from parley_data.agenda_items where code = 'demining')), 0::bigint,
          'a deleted entry has no stance left');
-- 4. After all that, as before for every reader, and one track alone reads only its own.
select is(pg_temp.readers_differ(), '', 'after the writes: as before for every reader');
select is((select stances from parley.agenda where track = 'istanbul' and item = 'ceasefire'),
          (select stances from pg_temp.agenda_before where track = 'istanbul' and item = 'ceasefire'),
          'one entry asked for by track and item: the same stances');
select * from finish();
rollback;
