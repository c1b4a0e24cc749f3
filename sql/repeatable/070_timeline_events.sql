-- The stored timeline (000008): how each kind of event is worded from what it tells of, and the statement-level
-- triggers that write events when things happen and word them again when what they name changes.
--
-- The agreements' events are not stored here: parley.timeline adds the rows of parley.agreement_events
-- (230_views_history), worked out from the agreements' own tables (a few per agreement).
--
-- Adding a kind:
--   1. a migration inserts it into parley_data.timeline_kinds (kind, shown_as, subject table, tells_of);
--   2. a function parley_data.timeline_<kind>(subject_ids bigint[]) returns setof parley_data.timeline_events:
--        tells_of 'record': the events of those records as they are now (one per record at most);
--        tells_of 'change': the kind's existing events about those records, worded again (the same ids), at the
--        higher of their level and the record's;
--   3. statement-level triggers on the subject table: for a record kind, parley_data.add_timeline(kind, ids) after
--      an insert and parley_data.refresh_timeline(kind, ids) after every update and delete; for a change kind, an insert of the events when the change is made,
--      parley_data.refresh_timeline(kind, ids) when the record is renamed or raised, and
--      parley_data.forget_timeline(subject table, ids) when it is deleted;
--   4. a rebuild of everything (parley_data.rebuild_timeline) picks the kind up by itself.
-- parley.timeline shows the new kind with no change.
set local role parley_owner;

-- Wording ---------------------------------------------------------------------------------------------------------

create or replace function parley_data.commitment_status_description(code text, old_status text, new_status text)
    returns text
    language sql immutable parallel safe
    return code || ': ' || old_status || ' → ' || new_status;

create or replace function parley_data.deadline_moved_description(code text, old_due text, new_due text)
    returns text
    language sql immutable parallel safe
    return code || ': due ' || coalesce(old_due, '(none)') || ' → ' || coalesce(new_due, '(none)');

-- A commitment's change as its event shows it: the kind shown and the description, for a status changed or a
-- deadline moved (the trigger that writes the event and the function that words it again both ask here).
create or replace function parley_data.commitment_change_shown_kind(kind text)
    returns text
    language sql immutable parallel safe
    return case kind when 'commitment_status_changed' then 'status changed' else 'deadline moved' end;

create or replace function parley_data.commitment_change_description(kind text, code text, old_value text,
                                                                     new_value text)
    returns text
    language sql immutable parallel safe
    return case kind when 'commitment_status_changed'
                     then parley_data.commitment_status_description(code, old_value, new_value)
                     else parley_data.deadline_moved_description(code, old_value, new_value) end;

create or replace function parley_data.agenda_status_description(item text, track text, old_status text, new_status text)
    returns text
    language sql immutable parallel safe
    return item || ' on ' || track || ': '
        || coalesce(old_status || ' → ' || new_status, 'put on the agenda as ' || new_status);

create or replace function parley_data.track_status_description(track text, old_status text, new_status text)
    returns text
    language sql immutable parallel safe
    return 'track ' || track || ': ' || old_status || ' → ' || new_status;

-- The kinds that tell of a record: its event as the record is now ------------------------------------------------
--
-- Each looks its records up by the ids it is given: the new rows of a statement (20,000 commitments and 40,000
-- updates of an import), or every row (a rebuild). The tables are read from memory or SSD, not seeked on a disk:
-- at PostgreSQL's default random_page_cost of 4 the planner scanned all 5 million updates at L to word 40,000 new
-- ones (0.6-1.1 s), where reading them by their key takes 0.1-0.2 s (BENCHMARKS.md, import at L, 2026-12-06).
-- At 1.1 it still scans when most of a table is asked for, as in a rebuild.

create or replace function parley_data.timeline_meeting_held(subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
    set random_page_cost = 1.1  -- see above: by key, not a scan of the table
begin atomic
    select null::bigint, 'meeting_held', (m.starts_at at time zone t.timezone)::date, m.id, m.track_id, null::bigint,
           null::bigint, m.source_id, null::text, null::text, 'meeting held', t.code, null::text, null::text, m.code,
           m.title || coalesce(': ' || m.outcome_summary, ''), s.title, s.url, m.effective_classification, now()
      from parley_data.meetings m
      join parley_data.tracks t on t.id = m.track_id
      left join parley_data.sources s on s.id = m.source_id
     where m.id = any (subject_ids) and m.status = 'held';
end;

-- With the deadline as it is now (as the timeline has always shown it): a deadline moved words the event again.
create or replace function parley_data.timeline_commitment_made(subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
    set random_page_cost = 1.1  -- see above: by key, not a scan of the table
begin atomic
    select null::bigint, 'commitment_made', c.made_on, c.id, c.track_id, c.item_id, c.obligor_id, c.source_id,
           null::text, null::text, 'commitment made', t.code, i.code, ob.name, c.code,
           ob.name || ' commits: ' || c.text
               || coalesce(' (' || trim_scale(c.target_quantity) || coalesce(' ' || c.unit, '') || ')', '')
               || coalesce(', due ' || c.due_on, ''),
           s.title, s.url, c.effective_classification, now()
      from parley_data.commitments c
      join parley_data.tracks t on t.id = c.track_id
      join parley_data.agenda_items i on i.id = c.item_id
      join parley_data.parties ob on ob.id = c.obligor_id
      left join parley_data.sources s on s.id = c.source_id
     where c.id = any (subject_ids);
end;

create or replace function parley_data.timeline_update_recorded(subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
    set random_page_cost = 1.1  -- see above: by key, not a scan of the table
begin atomic
    select null::bigint, 'update_recorded', u.reported_on, u.id, c.track_id, c.item_id, u.reported_by_party_id,
           u.source_id, null::text, null::text, 'update recorded', t.code, i.code, rp.name, c.code,
           c.code || ': ' || concat_ws('; ',
               'delivered ' || trim_scale(u.delivered_quantity) || coalesce(' ' || c.unit, ''),
               'status → ' || u.new_status,
               case when u.reopen then 'reopened' end,
               u.note,
               'verification: ' || u.verification),
           s.title, s.url, u.effective_classification, now()
      from parley_data.commitment_updates u
      -- Each update's commitment, looked up by its id: joined as a whole, the commitments were read in full (with
      -- their tracks and items) for a few thousand updates, the estimate of `any (subject_ids)` being too high
      -- across the level partitions (1.1 s for 20,000 updates at M, against 0.25 s so; a full rebuild takes as long).
      cross join lateral (select y.track_id, y.item_id, y.code, y.unit from parley_data.commitments y
                           where y.id = u.commitment_id limit 1) c
      join parley_data.tracks t on t.id = c.track_id
      join parley_data.agenda_items i on i.id = c.item_id
      left join parley_data.parties rp on rp.id = u.reported_by_party_id
      left join parley_data.sources s on s.id = u.source_id
     where u.id = any (subject_ids);
end;

create or replace function parley_data.timeline_position_stated(subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
    set random_page_cost = 1.1  -- see above: by key, not a scan of the table
begin atomic
    select null::bigint, 'position_stated', p.stated_on, p.id, p.track_id, p.item_id, p.party_id, p.source_id,
           null::text, null::text, 'position stated', t.code, i.code, pa.name, null::text,
           pa.name || ' on ' || i.code || ': ' || p.stance || coalesce(' — ' || p.statement, ''),
           s.title, s.url, p.effective_classification, now()
      from parley_data.positions p
      join parley_data.parties pa on pa.id = p.party_id
      join parley_data.agenda_items i on i.id = p.item_id
      left join parley_data.tracks t on t.id = p.track_id
      left join parley_data.sources s on s.id = p.source_id
     where p.id = any (subject_ids);
end;

create or replace function parley_data.timeline_figure_reported(subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
    set random_page_cost = 1.1  -- see above: by key, not a scan of the table
begin atomic
    select null::bigint, 'figure_reported', f.as_of, f.id, null::bigint, f.item_id, f.claimant_id, f.source_id,
           null::text, null::text, 'figure reported', null::text, i.code, cl.name, f.indicator,
           coalesce(cl.name || ': ', '') || f.indicator || ' = ' || trim_scale(f.value)
               || coalesce(' ' || f.unit, '') || ' (' || f.confidence || ')',
           s.title, s.url, f.classification, now()
      from parley_data.figures f
      left join parley_data.agenda_items i on i.id = f.item_id
      left join parley_data.parties cl on cl.id = f.claimant_id
      left join parley_data.sources s on s.id = f.source_id
     where f.id = any (subject_ids);
end;

-- The kinds that tell of a change: their events worded again from what they recorded -------------------------------

-- A commitment's changes of status and of deadline, worded alike but for what they say.
create or replace function parley_data.timeline_commitment_changes(kind text, subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
begin atomic
    select e.id, e.kind, e.occurred_on, e.subject_id, c.track_id, c.item_id, c.obligor_id, e.source_id, e.old_value,
           e.new_value, parley_data.commitment_change_shown_kind(e.kind), t.code, i.code, ob.name, c.code,
           parley_data.commitment_change_description(e.kind, c.code, e.old_value, e.new_value), null::text, null::text, greatest(e.classification, c.effective_classification), e.recorded_at
      from parley_data.timeline_events e
      join parley_data.commitments c on c.id = e.subject_id
      join parley_data.tracks t on t.id = c.track_id
      join parley_data.agenda_items i on i.id = c.item_id
      join parley_data.parties ob on ob.id = c.obligor_id
     where e.kind = timeline_commitment_changes.kind and e.subject_id = any (subject_ids);
end;

create or replace function parley_data.timeline_commitment_status_changed(subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
begin atomic
    select * from parley_data.timeline_commitment_changes('commitment_status_changed', subject_ids);
end;

create or replace function parley_data.timeline_commitment_deadline_moved(subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
begin atomic
    select * from parley_data.timeline_commitment_changes('commitment_deadline_moved', subject_ids);
end;

-- An agenda entry's events are about its track (subject_id) and item (item_id).
create or replace function parley_data.timeline_agenda_status_changed(subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
begin atomic
    select e.id, e.kind, e.occurred_on, e.subject_id, e.track_id, e.item_id, null::bigint, e.source_id, e.old_value,
           e.new_value, 'status changed', t.code, i.code, null::text, i.code,
           parley_data.agenda_status_description(i.code, t.code, e.old_value, e.new_value), null::text, null::text,
           greatest(e.classification, a.effective_classification), e.recorded_at
      from parley_data.timeline_events e
      join parley_data.track_agenda a on a.track_id = e.track_id and a.item_id = e.item_id
      join parley_data.tracks t on t.id = e.track_id
      join parley_data.agenda_items i on i.id = e.item_id
     where e.kind = 'agenda_status_changed' and e.subject_id = any (subject_ids);
end;

create or replace function parley_data.timeline_track_status_changed(subject_ids bigint[])
    returns setof parley_data.timeline_events
    language sql stable
begin atomic
    select e.id, e.kind, e.occurred_on, e.subject_id, e.track_id, null::bigint, null::bigint, e.source_id, e.old_value,
           e.new_value, 'status changed', t.code, null::text, null::text, t.code,
           parley_data.track_status_description(t.code, e.old_value, e.new_value), null::text, null::text,
           greatest(e.classification, t.classification), e.recorded_at
      from parley_data.timeline_events e
      join parley_data.tracks t on t.id = e.subject_id
     where e.kind = 'track_status_changed' and e.subject_id = any (subject_ids);
end;

-- Keeping the events -----------------------------------------------------------------------------------------------

-- Writes the events of a record kind about records that have none: records just inserted (an event is removed
-- with its record, parley_data.forget_timeline), so that their insert does not first look for events to remove
-- (two index scans per level for each record: 50 ms for an import of 10,000 commitments at M).
create or replace function parley_data.add_timeline(kind text, subject_ids bigint[]) returns void
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
begin
    if (select k.tells_of from parley_data.timeline_kinds k where k.kind = add_timeline.kind) is distinct from 'record' then
        raise exception 'not a kind of timeline event that tells of a record: %', kind using errcode = 'invalid_parameter_value';
    end if;
    if coalesce(cardinality(subject_ids), 0) = 0 then
        return;
    end if;
    execute format('insert into parley_data.timeline_events (kind, occurred_on, subject_id, track_id, item_id, '
                   'party_id, source_id, old_value, new_value, shown_kind, track, item, party, ref, description, '
                   'source, source_url, classification) '
                   'select r.kind, r.occurred_on, r.subject_id, r.track_id, r.item_id, r.party_id, r.source_id, '
                   'r.old_value, r.new_value, r.shown_kind, r.track, r.item, r.party, r.ref, r.description, '
                   'r.source, r.source_url, r.classification from %s($1) r', format('parley_data.%I', 'timeline_' || kind))
        using subject_ids;
end
$$;
comment on function parley_data.add_timeline(text, bigint[]) is
    'Writes the timeline events of a kind that tells of a record about records that have none yet (just inserted).';

-- Words the events of `kind` about these records again (and, for a record kind, writes or removes them as the
-- records now say). Set-based: one statement per step, whatever the number of records.
create or replace function parley_data.refresh_timeline(kind text, subject_ids bigint[]) returns void
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    tells_of constant text := (select k.tells_of from parley_data.timeline_kinds k where k.kind = refresh_timeline.kind);
    wording constant text := format('parley_data.%I', 'timeline_' || kind);
begin
    if tells_of is null then
        raise exception 'unknown kind of timeline event: %', kind using errcode = 'invalid_parameter_value';
    end if;
    if cardinality(subject_ids) = 0 then
        return;
    end if;
    if tells_of = 'record' then
        delete from parley_data.timeline_events e where e.kind = refresh_timeline.kind and e.subject_id = any (subject_ids);
        perform parley_data.add_timeline(kind, subject_ids);
    else
        execute format('update parley_data.timeline_events e set track_id = r.track_id, item_id = r.item_id, '
                       'party_id = r.party_id, shown_kind = r.shown_kind, track = r.track, item = r.item, '
                       'party = r.party, ref = r.ref, description = r.description, source = r.source, '
                       'source_url = r.source_url, classification = r.classification '
                       'from %s($1) r where e.id = r.id '
                       'and (e.track_id, e.item_id, e.party_id, e.shown_kind, e.track, e.item, e.party, e.ref, '
                       'e.description, e.source, e.source_url, e.classification) is distinct from '
                       '(r.track_id, r.item_id, r.party_id, r.shown_kind, r.track, r.item, r.party, r.ref, '
                       'r.description, r.source, r.source_url, r.classification)', wording)
            using subject_ids;
    end if;
end
$$;
comment on function parley_data.refresh_timeline(text, bigint[]) is
    'Writes again the timeline events of one kind about these records (ids of the kind''s subject table), as they now are.';

-- Removes every event about deleted records of a subject table.
create or replace function parley_data.forget_timeline(subject text, subject_ids bigint[]) returns void
    language sql
begin atomic
    delete from parley_data.timeline_events e
     where e.subject_id = any (subject_ids)
       and e.kind in (select k.kind from parley_data.timeline_kinds k where k.subject = forget_timeline.subject);
end;

-- Words again every event that names one of these records (a party renamed, an item's or source's code or title
-- changed): `naming` is the column of timeline_events that holds the reference (party_id, item_id, source_id,
-- track_id).
create or replace function parley_data.refresh_timeline_naming(naming text, ids bigint[]) returns void
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    k record;
begin
    for k in execute format('select e.kind, array_agg(distinct e.subject_id) as subjects '
                            'from parley_data.timeline_events e where e.%I = any ($1) group by e.kind', naming)
             using ids
    loop
        perform parley_data.refresh_timeline(k.kind, k.subjects);
    end loop;
end
$$;
comment on function parley_data.refresh_timeline_naming(text, bigint[]) is
    'Writes again the timeline events that name these parties, items, sources or tracks (naming: the column that refers to them).';

-- Everything again: every event that tells of a record, re-derived from the tables; every event that tells of a
-- change, worded again. What 000008 asked for after its backfill, and what repairs the timeline if it is ever in
-- doubt (it changes nothing when the timeline is right: parley_data.timeline_differences says so).
create or replace function parley_data.rebuild_timeline() returns bigint
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    k record;
    ids bigint[];
    n bigint;
    maintenance constant text := coalesce(current_setting('parley.change_log_maintenance', true), '');
begin
    perform set_config('parley.change_log_maintenance', 'on', true);
    for k in select * from parley_data.timeline_kinds order by kind loop
        if k.tells_of = 'record' then
            execute format('select coalesce(array_agg(id), ''{}'') from parley_data.%I', k.subject) into ids;
            delete from parley_data.timeline_events e where e.kind = k.kind;
        else
            select coalesce(array_agg(distinct e.subject_id), '{}') into ids
              from parley_data.timeline_events e where e.kind = k.kind;
        end if;
        perform parley_data.refresh_timeline(k.kind, ids);
    end loop;
    perform set_config('parley.change_log_maintenance', maintenance, true);
    select count(*) into n from parley_data.timeline_events;
    return n;
end
$$;
comment on function parley_data.rebuild_timeline() is
    'Derives the whole timeline again from the tables (events that tell of a change are kept and worded again). Returns the number of events.';

-- The triggers -----------------------------------------------------------------------------------------------------
--
-- Each is statement-level over the statement's transition tables, and does nothing when nothing the timeline shows
-- changed (100,000 deadlines moved word 100,000 "commitment made" events again and touch nothing else). Changes are
-- compared with EXECUTE, planned for the statement at hand (see 310_alert_queueing for why).

create or replace function parley_data.timeline_on_commitments() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
declare
    ids bigint[];
    moved bigint[];
    status_changed boolean;
begin
    if tg_op = 'INSERT' then
        select array_agg(n.id) into ids from new_rows n;
        perform parley_data.add_timeline('commitment_made', ids);
        return null;
    elsif tg_op = 'DELETE' then
        select array_agg(o.id) into ids from old_rows o;
        perform parley_data.forget_timeline('commitments', ids);
        return null;
    end if;
    -- What all its events name; and its deadline, which only its own event words.
    execute $q$select array_agg(n.id) filter (where (n.code, n.text, n.target_quantity, n.unit, n.made_on, n.obligor_id,
                                                     n.track_id, n.item_id, n.source_id, n.effective_classification)
                                                    is distinct from
                                                    (o.code, o.text, o.target_quantity, o.unit, o.made_on, o.obligor_id,
                                                     o.track_id, o.item_id, o.source_id, o.effective_classification)),
                       array_agg(n.id) filter (where n.due_on is distinct from o.due_on),
                       bool_or(n.status is distinct from o.status)
                  from old_rows o join new_rows n on n.id = o.id$q$ into ids, moved, status_changed;
    if moved is not null then
        perform parley_data.refresh_timeline('commitment_made', moved);
    end if;
    if ids is not null then
        perform parley_data.refresh_timeline('commitment_made', ids);
        perform parley_data.refresh_timeline('commitment_status_changed', ids);
        perform parley_data.refresh_timeline('commitment_deadline_moved', ids);
        -- Its updates' events carry its code, unit, track and item (its level reaches them by their own table).
        perform parley_data.refresh_timeline('update_recorded',
            (select array_agg(u.id) from parley_data.commitment_updates u where u.commitment_id = any (ids)));
    end if;
    -- Its changes, events of the moment at the higher of the levels before and after, in one statement:
    --   a status changed directly (a status set by a recorded update is that update's event). Each commitment's
    --     updates of this transaction are looked up by its id (a probe of the updates' index): as an anti-join, all
    --     the updates were read for the few of the statement (0.1 s at 500,000 updates for an import of 2,000
    --     commitments, growing with the table);
    --   a deadline moved (parley.change_due_date, update_commitment), dated the day it was recorded on the track's
    --     clock.
    if not status_changed and moved is null then
        return null;
    end if;
    execute $q$insert into parley_data.timeline_events (kind, occurred_on, subject_id, track_id, item_id, party_id,
                                                      old_value, new_value, shown_kind, track, item, party, ref,
                                                      description, classification)
        select change.kind, change.occurred_on, n.id, n.track_id, n.item_id, n.obligor_id, change.old_value,
               change.new_value, parley_data.commitment_change_shown_kind(change.kind), t.code, i.code, ob.name, n.code,
               parley_data.commitment_change_description(change.kind, n.code, change.old_value, change.new_value),
               greatest(o.effective_classification, n.effective_classification)
          from old_rows o
          join new_rows n on n.id = o.id
          join parley_data.tracks t on t.id = n.track_id
          join parley_data.agenda_items i on i.id = n.item_id
          join parley_data.parties ob on ob.id = n.obligor_id
         cross join lateral (
                select 'commitment_status_changed' as kind, n.status_changed_on as occurred_on,
                       o.status::text as old_value, n.status::text as new_value
                 where n.status is distinct from o.status
                   and (select true from parley_data.commitment_updates u
                         where u.commitment_id = n.id and u.created_at = now() and u.new_status = n.status
                         limit 1) is null
                union all
                select 'commitment_deadline_moved', (now() at time zone t.timezone)::date,
                       to_char(o.due_on, 'YYYY-MM-DD'), to_char(n.due_on, 'YYYY-MM-DD')
                 where n.due_on is distinct from o.due_on
               ) change
         where n.status is distinct from o.status or n.due_on is distinct from o.due_on$q$;
    return null;
end
$$;
call parley_data.create_statement_triggers('commitments', 'timeline', 'parley_data.timeline_on_commitments()');

-- The tables whose rows are events as they are (meetings held, updates, positions, figures): their events are
-- written again for every row a statement touched whose event could change.
create or replace function parley_data.timeline_on_records() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
declare
    kind constant text := tg_argv[0];
    ids bigint[];
begin
    if tg_op = 'INSERT' then
        select array_agg(n.id) into ids from new_rows n;
        perform parley_data.add_timeline(kind, ids);
        return null;
    elsif tg_op = 'DELETE' then
        select array_agg(o.id) into ids from old_rows o;
    else
        execute 'select array_agg(n.id) from old_rows o join new_rows n on n.id = o.id where row(o.*) is distinct from row(n.*)'
            into ids;
    end if;
    perform parley_data.refresh_timeline(kind, coalesce(ids, '{}'));
    return null;
end
$$;
do $$
declare
    t record;
begin
    for t in select * from (values ('meetings', 'meeting_held'), ('commitment_updates', 'update_recorded'),
                                   ('positions', 'position_stated'), ('figures', 'figure_reported')) x(name, kind) loop
        call parley_data.create_statement_triggers(t.name, 'timeline',
                                                   format('parley_data.timeline_on_records(%L)', t.kind));
    end loop;
end
$$;

-- An item put on a track's agenda, or its status there changed; a raised entry raises its events.
create or replace function parley_data.timeline_on_agenda() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
declare
    raised bigint[];
begin
    if tg_op = 'DELETE' then
        delete from parley_data.timeline_events e
         using old_rows o
         where e.kind = 'agenda_status_changed' and e.subject_id = o.track_id and e.item_id = o.item_id;
        return null;
    end if;
    if tg_op = 'UPDATE' then
        execute $q$select array_agg(distinct n.track_id) from old_rows o
                    join new_rows n on n.track_id = o.track_id and n.item_id = o.item_id
                   where n.effective_classification > o.effective_classification$q$ into raised;
        perform parley_data.refresh_timeline('agenda_status_changed', coalesce(raised, '{}'));
        execute $q$insert into parley_data.timeline_events (kind, occurred_on, subject_id, track_id, item_id, old_value,
                                                          new_value, shown_kind, track, item, ref, description,
                                                          classification)
            select 'agenda_status_changed', n.status_since, n.track_id, n.track_id, n.item_id, o.status::text,
                   n.status::text, 'status changed', t.code, i.code, i.code,
                   parley_data.agenda_status_description(i.code, t.code, o.status::text, n.status::text),
                   greatest(o.effective_classification, n.effective_classification)
              from old_rows o
              join new_rows n on n.track_id = o.track_id and n.item_id = o.item_id
              join parley_data.tracks t on t.id = n.track_id
              join parley_data.agenda_items i on i.id = n.item_id
             where n.status is distinct from o.status$q$;
    else
        insert into parley_data.timeline_events (kind, occurred_on, subject_id, track_id, item_id, new_value,
                                                 shown_kind, track, item, ref, description, classification)
        select 'agenda_status_changed', n.status_since, n.track_id, n.track_id, n.item_id, n.status::text,
               'status changed', t.code, i.code, i.code,
               parley_data.agenda_status_description(i.code, t.code, null, n.status::text), n.effective_classification
          from new_rows n
          join parley_data.tracks t on t.id = n.track_id
          join parley_data.agenda_items i on i.id = n.item_id;
    end if;
    return null;
end
$$;
call parley_data.create_statement_triggers('track_agenda', 'timeline', 'parley_data.timeline_on_agenda()');

-- A track's status changed (an event of the moment, dated on the track's clock); its code or time zone, which its
-- events show (a meeting's day is on the track's clock); its level, which raises its status events.
create or replace function parley_data.timeline_on_tracks() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
declare
    renamed bigint[];
    moved bigint[];
begin
    if tg_op = 'DELETE' then
        select array_agg(o.id) into renamed from old_rows o;
        perform parley_data.forget_timeline('tracks', coalesce(renamed, '{}'));
        return null;
    end if;
    execute $q$insert into parley_data.timeline_events (kind, occurred_on, subject_id, track_id, old_value, new_value,
                                                      shown_kind, track, ref, description, classification)
        select 'track_status_changed', (now() at time zone n.timezone)::date, n.id, n.id, o.status::text,
               n.status::text, 'status changed', n.code, n.code,
               parley_data.track_status_description(n.code, o.status::text, n.status::text),
               greatest(o.classification, n.classification)
          from old_rows o join new_rows n on n.id = o.id
         where n.status is distinct from o.status$q$;
    execute 'select array_agg(n.id) from old_rows o join new_rows n on n.id = o.id where n.code is distinct from o.code'
        into renamed;
    if renamed is not null then
        perform parley_data.refresh_timeline_naming('track_id', renamed);
    end if;
    execute $q$select array_agg(n.id) from old_rows o join new_rows n on n.id = o.id
                where n.timezone is distinct from o.timezone or n.classification > o.classification$q$ into moved;
    if moved is not null then
        perform parley_data.refresh_timeline('meeting_held',
            (select array_agg(m.id) from parley_data.meetings m where m.track_id = any (moved)));
        perform parley_data.refresh_timeline('track_status_changed', moved);
    end if;
    return null;
end
$$;
call parley_data.create_statement_triggers('tracks', 'timeline', 'parley_data.timeline_on_tracks()',
                                           array['update', 'delete']);

-- Names and codes the events show: a party's name, an item's code, a source's title and address.
create or replace function parley_data.timeline_on_names() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
declare
    naming constant text := tg_argv[0];
    shown constant text := tg_argv[1];
    ids bigint[];
begin
    execute format('select array_agg(n.id) from old_rows o join new_rows n on n.id = o.id where %s',
                   parley_data.rows_differ(shown))
        into ids;
    if ids is not null then
        perform parley_data.refresh_timeline_naming(naming, ids);
    end if;
    return null;
end
$$;
call parley_data.create_statement_triggers('parties', 'timeline', $$parley_data.timeline_on_names('party_id', 'name')$$,
                                           array['update']);
call parley_data.create_statement_triggers('agenda_items', 'timeline',
                                           $$parley_data.timeline_on_names('item_id', 'code')$$, array['update']);
call parley_data.create_statement_triggers('sources', 'timeline',
                                           $$parley_data.timeline_on_names('source_id', 'title,url')$$, array['update']);

-- The timeline is written by these triggers only (and rebuilt by its owner on purpose).
create or replace function parley_data.keep_timeline_by_triggers() returns trigger
    language plpgsql as $$
begin
    if coalesce(current_setting('parley.change_log_maintenance', true), '') = 'on' or pg_trigger_depth() > 1 then
        return null;
    end if;
    raise exception 'the timeline is written by triggers: % on timeline_events is refused', lower(tg_op)
        using errcode = 'insufficient_privilege', table = 'timeline_events', constraint = 'timeline_by_triggers',
              hint = 'Record what happened with the parley functions; to rebuild it, the owner runs select parley_data.rebuild_timeline().';
end
$$;
create or replace trigger timeline_events_by_triggers
    before insert or update or delete or truncate on parley_data.timeline_events
    for each statement execute function parley_data.keep_timeline_by_triggers();
