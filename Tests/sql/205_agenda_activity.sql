-- The last activity of each agenda entry, stored per clearance (parley_data.agenda_activity, 000013), which
-- parley.stale reads in date order. Writers only queue the entries they touch (agenda_activity_queue);
-- refresh_agenda_activity works the queued ones out again. Checked here: every way of writing what the activity is
-- worked out from (commitments and their updates, positions, track members, the agenda; recording functions,
-- declassification, import, deletion) queues its entries, and once refreshed the stored rows are right, never
-- counting a record above the clearance a row is kept for; the refresh empties the queue; and parley.stale answers as
-- it did when it worked each entry's activity out per query (its earlier text is kept below), for a reader at every
-- level, before and after a refresh, with queued and unqueued entries mixed. (Two writers to one entry, one leaving
-- its transaction open: AgendaActivityConcurrencyTests, and CI drill 4.)
begin;
-- As on a Parley database (000001 turns JIT off for it): a database copied from the migrated template does not
-- inherit that, and JIT-compiling each of this file's hundred-odd queries of parley.stale and its earlier text
-- made the file take ten minutes instead of seconds.
set local jit = off;
\ir 400_rls_fixture.psql
select plan(57);

-- What each entry's last activity is for each clearance, worked out here from the records themselves (the
-- commitments, not their tallies), counting only those at that clearance or below.
create function pg_temp.expected()
    returns table (track_id bigint, item_id bigint, entry_classification parley.classification,
                   clearance parley.classification, last_activity_on date)
    language sql as $$
    select ta.track_id, ta.item_id, ta.effective_classification, lvl,
           greatest(ta.status_since,
                    (select max(greatest(c.made_on, c.last_update_on,
                                         case when c.status <> 'pending' then c.status_changed_on end))
                       from parley_data.commitments c
                      where c.track_id = ta.track_id and c.item_id = ta.item_id and c.effective_classification <= lvl),
                    (select max(p.stated_on) from parley_data.positions p
                      where p.track_id = ta.track_id and p.item_id = ta.item_id and p.effective_classification <= lvl),
                    (select max(p.stated_on) from parley_data.positions p
                      where p.track_id is null and p.item_id = ta.item_id and p.effective_classification <= lvl
                        and exists (select 1 from parley_data.track_members tm
                                     where tm.track_id = ta.track_id and tm.party_id = p.party_id
                                       and tm.effective_classification <= lvl)))
      from parley_data.track_agenda ta
     cross join unnest(enum_range(null::parley.classification)) lvl
     where lvl >= ta.effective_classification
$$;
-- What the stored rows get wrong: empty when they are right.
create function pg_temp.off() returns text
    language sql as $$
    select coalesce(string_agg(format('%s %s/%s for %s: %s', x.side, t.code, i.code, x.clearance, x.last_activity_on),
                               '; ' order by x.side, t.code, i.code, x.clearance), '')
      from (select 'missing' as side, e.* from (select * from pg_temp.expected()
                                                except all select * from parley_data.agenda_activity) e
            union all
            select 'wrong', s.* from (select * from parley_data.agenda_activity
                                      except all select * from pg_temp.expected()) s) x
      left join parley_data.tracks t on t.id = x.track_id
      left join parley_data.agenda_items i on i.id = x.item_id
$$;
-- Refreshed, then what the stored rows get wrong, and whether anything is left queued.
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
-- Whether the entry track/item is queued.
create function pg_temp.queued(track text, item text) returns boolean
    language sql as $$
    select exists (select 1 from parley_data.agenda_activity_queue q
                     join parley_data.tracks t on t.id = q.track_id join parley_data.agenda_items i on i.id = q.item_id
                    where t.code = queued.track and i.code = queued.item)
$$;
create function pg_temp.stored(track text, item text, lvl parley.classification) returns date
    language sql as $$
    select a.last_activity_on from parley_data.agenda_activity a
      join parley_data.tracks t on t.id = a.track_id join parley_data.agenda_items i on i.id = a.item_id
     where t.code = stored.track and i.code = stored.item and a.clearance = lvl
$$;

-- parley.stale as it was before 000011, working each entry's activity out per query, to compare answers with.
create view pg_temp.stale_before with (security_invoker = true) as
select s.*
  from (
        select 'commitment'::text as kind, t.code as track, i.code as item, c.code as ref, c.text as what,
               c.status::text as status, o.name as owner,
               greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end) as last_activity_on,
               (now() at time zone t.timezone)::date
                   - greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end) as days_quiet,
               th.days as threshold_days
          from parley_data.commitments c
          join parley_data.tracks t on t.id = c.track_id
          join parley_data.agenda_items i on i.id = c.item_id
          left join parley_data.people o on o.id = c.owner_id
         cross join (select (select parley_data.stale_after_days()) as days) th
         where parley_data.commitment_is_live(c.status) and c.frozen_on is null
           and greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end)
               < (now() at time zone 'UTC')::date + 1 - (select parley_data.stale_after_days())
           and greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end)
               < (now() at time zone t.timezone)::date - th.days
        union all
        select 'agenda item', t.code, i.code, i.code, i.title, ta.status::text, lead.name,
               act.last_activity_on,
               (now() at time zone t.timezone)::date - act.last_activity_on,
               th.days
          from parley_data.track_agenda ta
          join parley_data.tracks t on t.id = ta.track_id
          join parley_data.agenda_items i on i.id = ta.item_id
          left join parley_data.people lead on lead.id = t.lead_id
         cross join (select (select parley_data.stale_after_days()) as days) th
         cross join lateral (
                select greatest(ta.status_since,
                                (select max(x.last_activity_on)
                                   from parley_data.commitment_tallies x
                                  where x.track_id = ta.track_id and x.item_id = ta.item_id),
                                (select max(p.stated_on)
                                   from parley_data.positions p
                                  where p.track_id = ta.track_id and p.item_id = ta.item_id),
                                (select max(p.stated_on)
                                   from parley_data.track_members tm
                                   join parley_data.positions p
                                     on p.party_id = tm.party_id and p.item_id = ta.item_id and p.track_id is null
                                  where tm.track_id = ta.track_id)
                       ) as last_activity_on
               ) act
         where t.status = 'active'
           and ta.status not in ('implemented', 'rejected', 'withdrawn')
           and ta.status_since < (now() at time zone 'UTC')::date + 1 - (select parley_data.stale_after_days())
           and not exists (select 1 from parley_data.commitment_tallies x
                            where x.track_id = ta.track_id and x.item_id = ta.item_id
                              and x.last_activity_on >= (now() at time zone 'UTC')::date + 1 - (select parley_data.stale_after_days()))
           and act.last_activity_on < (now() at time zone t.timezone)::date - th.days
       ) s
 order by s.last_activity_on, s.track, s.ref;
grant select on pg_temp.stale_before to public;

-- What parley.stale answers differently from its earlier text for the reader `who` at the session's threshold:
-- rows one gives and the other does not (either way, duplicates counted), and the first 300 rows in order.
create function pg_temp.stale_differs(who name) returns text
    language plpgsql as $$
declare
    missing bigint;
    extra bigint;
    same_order boolean;
    n bigint;
begin
    execute format('set local role %I', who);
    select count(*) into missing from (select * from pg_temp.stale_before except all select * from parley.stale) x;
    select count(*) into extra from (select * from parley.stale except all select * from pg_temp.stale_before) x;
    select (select array_agg(v::text) from (select * from parley.stale limit 300) v)
           is not distinct from (select array_agg(v::text) from (select * from pg_temp.stale_before limit 300) v),
           (select count(*) from parley.stale)
      into same_order, n;
    reset role;
    return format('%s rows, %s missing, %s more, first 300 %s', n, missing, extra,
                  case when same_order then 'in the same order' else 'in another order' end);
end
$$;
grant execute on function pg_temp.stale_differs(name) to public;

-- 1. What the fixture's statements wrote (every table written with its triggers on): every entry queued, nothing
-- stored yet; parley.stale works every entry out, as before, for a reader at each level.
select is_empty('select track_id, item_id from parley_data.track_agenda
                 except select track_id, item_id from parley_data.agenda_activity_queue',
                'the fixture''s writes queued every agenda entry');
select is((select count(*) from parley_data.agenda_activity), 0::bigint, 'and no writer wrote a stored row');
set local parley.stale_after_days = 3;
select is(regexp_replace(pg_temp.stale_differs(l.role), '^\d+ rows, ', ''), '0 missing, 0 more, first 300 in the same order',
          format('every entry queued, stale as %s (threshold 3 days): the same rows as before, in the same order', l.role))
  from levels l order by l.level;
reset parley.stale_after_days;
select is(parley_data.refresh_agenda_activity(),
          (select count(distinct (track_id, item_id))::integer from parley_data.agenda_activity_queue),
          'refresh_agenda_activity works every queued entry out, once each, and says how many');
select is((select count(*) from parley_data.agenda_activity_queue), 0::bigint, 'and leaves the queue empty');
select is(pg_temp.off(), '', 'the last activity of every agenda entry, per clearance, as refreshed');
select is(parley_data.refresh_agenda_activity(), 0, 'a refresh with nothing queued works nothing out');
select is((select count(*) from parley_data.agenda_activity a
            where a.clearance < a.entry_classification), 0::bigint,
          'no entry has a row for a clearance below its own level');
-- The fixture's restricted position and restricted commitment update on istanbul/exchange are activity for the
-- restricted reader only: the row kept for a reader without clearance does not count them.
select ok(pg_temp.stored('istanbul', 'exchange', 'unclassified') < pg_temp.stored('istanbul', 'exchange', 'restricted'),
          'a restricted record is activity for the restricted clearance, not for a reader without clearance');

-- The check can fail: a row off by a day, or one missing, is found.
set local session_replication_role = replica;
update parley_data.agenda_activity set last_activity_on = last_activity_on - 1
 where clearance = 'secret' and track_id = (select id from parley_data.tracks where code = 'istanbul')
   and item_id = (select id from parley_data.agenda_items where code = 'ceasefire');
delete from parley_data.agenda_activity
 where clearance = 'confidential' and track_id = (select id from parley_data.tracks where code = 'zconf-trilateral');
set local session_replication_role = origin;
select matches(pg_temp.off(), 'missing istanbul/ceasefire for secret.*wrong istanbul/ceasefire for secret',
               'the check finds a row off by a day and rows missing');
select is(parley_data.rebuild_agenda_activity(), (select count(*) from pg_temp.expected()),
          'rebuild_agenda_activity works every row out again');
select is(pg_temp.off(), '', 'after the rebuild, every row is right');

-- 2. parley.stale answers as before, for a reader at each level, at a threshold that lists agenda entries: nothing
-- queued (every entry read from its stored rows).
set local parley.stale_after_days = 3;
select is(regexp_replace(pg_temp.stale_differs(l.role), '^\d+ rows, ', ''), '0 missing, 0 more, first 300 in the same order',
          format('nothing queued, stale as %s (threshold 3 days): the same rows as before, in the same order', l.role))
  from levels l order by l.level;
select ok((select count(*) from pg_temp.stale_before where kind = 'agenda item') >= 3,
          'the comparison has agenda entries to compare');
-- istanbul/exchange at a threshold of two days: listed for the reader without clearance (its last unclassified
-- activity is three days old), not for the restricted one, who sees the restricted position of yesterday. Two days,
-- not one: the fixture dates by the session's day (UTC) and parley.stale counts days on the track's clock
-- (Europe/Istanbul, UTC+3), on which "yesterday" is two days ago from 21:00 to midnight UTC.
set local parley.stale_after_days = 2;
set local role rls_unclassified;
select is((select count(*) from parley.stale where kind = 'agenda item' and track = 'istanbul' and item = 'exchange'),
          1::bigint, 'istanbul/exchange is stale for a reader without clearance (its recent activity is restricted)');
reset role;
set local role rls_restricted;
select is((select count(*) from parley.stale where kind = 'agenda item' and track = 'istanbul' and item = 'exchange'),
          0::bigint, 'and not for a reader cleared for restricted, who sees that activity');
reset role;
reset parley.stale_after_days;
-- The same with the entry queued (as a writer leaves it): worked out by the view from what each reader may see.
insert into parley_data.agenda_activity_queue (track_id, item_id, classification)
select t.id, i.id, 'unclassified' from parley_data.tracks t, parley_data.agenda_items i
 where t.code = 'istanbul' and i.code = 'exchange';
create temporary table exchange_unclassified as select pg_temp.stored('istanbul', 'exchange', 'unclassified') as d;
grant select on exchange_unclassified to public;
set local parley.stale_after_days = 2;
set local role rls_unclassified;
select is((select last_activity_on from parley.stale where kind = 'agenda item' and track = 'istanbul' and item = 'exchange'),
          (select d from exchange_unclassified),
          'queued, istanbul/exchange is still stale for a reader without clearance, as of its unclassified activity');
reset role;
set local role rls_restricted;
select is((select count(*) from parley.stale where kind = 'agenda item' and track = 'istanbul' and item = 'exchange'),
          0::bigint, 'and still not for a reader cleared for restricted');
reset role;
reset parley.stale_after_days;
select is(parley_data.refresh_agenda_activity(), 1, 'the refresh takes the one queued entry');

-- 3. Every way of writing what the activity is worked out from. (The session is a superuser: cleared for secret.)
-- A secret commitment made today on an unclassified entry: activity for the secret clearance only.
create temporary table before_secret as
select pg_temp.stored('istanbul', 'children', 'unclassified') as d,
       pg_temp.stored('istanbul', 'children', 'secret') as secret_d;
select parley.add_commitment(track => 'istanbul', item => 'children', obligor => 'RU', beneficiaries => array['UA'],
                             text => 'ZSECRET quiet promise', made_on => current_date, code => 'ZSECRET-NEW',
                             classification => 'secret');
select ok(pg_temp.queued('istanbul', 'children') and not pg_temp.queued('istanbul', 'ceasefire'),
          'add_commitment queues its entry, and no other');
select is((select array_agg(distinct q.classification) from parley_data.agenda_activity_queue q),
          array['secret']::parley.classification[],
          'at the level of the record written (secret): a reader cleared lower reads the entry''s stored rows, which do not count it, and never sees the queue row');
select is(pg_temp.stored('istanbul', 'children', 'secret'), (select secret_d from before_secret),
          'the writer wrote no stored row: the secret row of the entry is as it was until a refresh');
-- A confidential commitment made today on zconf-trilateral/ceasefire, stale until now for the readers who see it:
-- its stored rows say stale, the records say not.
select parley.add_commitment(track => 'zconf-trilateral', item => 'ceasefire', obligor => 'RU',
                             beneficiaries => array['UA'], text => 'ZCONF fresh promise', made_on => current_date,
                             code => 'ZCONF-NEW', classification => 'confidential');
-- Two entries queued, the others not: stale works the queued ones out, reads the others, at every level.
set local parley.stale_after_days = 3;
select is(regexp_replace(pg_temp.stale_differs(l.role), '^\d+ rows, ', ''), '0 missing, 0 more, first 300 in the same order',
          format('queued and stored entries mixed, stale as %s: the same rows as before, in the same order', l.role))
  from levels l order by l.level;
reset parley.stale_after_days;
select is(pg_temp.refreshed_off(), '', 'add_commitment (secret, on an unclassified entry), refreshed');
select is((pg_temp.stored('istanbul', 'children', 'unclassified'), pg_temp.stored('istanbul', 'children', 'secret')),
          ((select d from before_secret), current_date),
          'a secret commitment is activity for the secret clearance, and changes nothing a reader without clearance sees');

select parley.record_update(commitment => 'OVER3-RU', reported_on => current_date, delivered => 10,
                            new_status => 'partially_fulfilled', note => 'Ten more');
select is(pg_temp.refreshed_off(), '', 'record_update with a new status');
select parley.update_commitment(commitment => 'CF-RU', classification => 'confidential');
select is(pg_temp.refreshed_off(), '', 'update_commitment raising a commitment''s classification');
select parley.declassify('commitment', 'ZSECRET-NEW', 'unclassified', 'Released');
select is(pg_temp.refreshed_off(), '', 'declassify a commitment');
select is(pg_temp.stored('istanbul', 'children', 'unclassified'), current_date,
          'a declassified commitment''s activity is now every reader''s');

select parley.record_position(party => 'UA', item => 'ceasefire', stance => 'supports', stated_on => current_date,
                              track => 'istanbul', classification => 'confidential', statement => 'ZCONF offer');
select is(pg_temp.refreshed_off(), '', 'record_position on a track (confidential)');
select parley.record_position(party => 'TR', item => 'exchange', stance => 'supports', stated_on => current_date - 1,
                              statement => 'General support');
select is(pg_temp.refreshed_off(), '', 'record_position stated generally (the track''s members'' entries)');
select parley.declassify_position('UA', 'ceasefire', current_date, 'unclassified', 'Published', track => 'istanbul');
select is(pg_temp.refreshed_off(), '', 'declassify_position');

select parley.record_position(party => 'QA', item => 'ceasefire', stance => 'supports', stated_on => current_date,
                              statement => 'Qatar supports a ceasefire');
select parley.add_member('istanbul', 'QA', 'observer');
select is(pg_temp.refreshed_off(), '', 'add_member (a party with a general position joins the track)');

select parley.set_agenda_status('zrestr-nato', 'ceasefire', 'stalled', status_since => current_date - 2);
select is(pg_temp.refreshed_off(), '', 'set_agenda_status');
select parley.add_agenda_item(code => 'demining', title => 'Demining', track => 'istanbul');
select is(pg_temp.refreshed_off(), '', 'add_agenda_item on a track');

select parley.declassify('track', 'zrestr-nato', 'unclassified', 'The briefings were published');
select is(pg_temp.refreshed_off(), '', 'declassify a track (its agenda, members, positions and commitments come down with it)');
select is((select count(*) from parley_data.agenda_activity a join parley_data.tracks t on t.id = a.track_id
            where t.code = 'zrestr-nato'), 4::bigint, 'the declassified track''s entry now has a row for every clearance');

select parley.import_world($${
  "tracks": [{"code": "istanbul", "name": "Istanbul direct talks", "format": "bilateral", "timezone": "Europe/Istanbul",
              "members": [{"party": "AE", "role": "observer"}],
              "agenda": [{"item": "exchange", "status": "agreed", "status_since": "2020-01-01"}]}],
  "positions": [{"party": "RU", "item": "exchange", "track": "istanbul", "stance": "conditional",
                 "stated_on": "2031-01-01", "statement": "Imported stance"}],
  "commitments": [{"code": "IMPORTED-1", "track": "zconf-trilateral", "item": "exchange", "obligor": "UA",
                   "beneficiaries": ["RU"], "text": "Imported promise", "made_on": "2030-12-01"}]
}$$::jsonb);
select is(pg_temp.refreshed_off(), '', 'import_world (a track''s members and agenda, a position, a commitment)');

-- Deletion: no recording function deletes these; the triggers keep the rows right whoever does.
delete from parley_data.positions where statement = 'Imported stance';
select is(pg_temp.refreshed_off(), '', 'a position deleted');
delete from parley_data.track_members
 where party_id = (select id from parley_data.parties where code = 'QA');
select is(pg_temp.refreshed_off(), '', 'a track member deleted');
delete from parley_data.commitments where code = 'IMPORTED-1';
select is(pg_temp.refreshed_off(), '', 'a commitment deleted');
delete from parley_data.track_agenda
 where item_id = (select id from parley_data.agenda_items where code = 'demining');
select is(pg_temp.refreshed_off(), '', 'an agenda entry deleted');
select is((select count(*) from parley_data.agenda_activity
            where item_id = (select id from parley_data.agenda_items where code = 'demining')), 0::bigint,
          'a deleted entry has no row left');

-- 4. After all that, parley.stale still answers as before at every level.
set local parley.stale_after_days = 3;
select is(regexp_replace(pg_temp.stale_differs(l.role), '^\d+ rows, ', ''), '0 missing, 0 more, first 300 in the same order',
          format('after the writes, stale as %s: the same rows as before, in the same order', l.role))
  from levels l order by l.level;
reset parley.stale_after_days;
select is(regexp_replace(pg_temp.stale_differs('rls_unclassified'), '^\d+ rows, ', ''),
          '0 missing, 0 more, first 300 in the same order', 'and at the default threshold');

select * from finish();
rollback;
