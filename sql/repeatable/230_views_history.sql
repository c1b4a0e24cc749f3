-- Staff views about the past: agreement_events (the agreements' history), timeline (everything, agreements'
-- events included), changes (the change history made readable), commitments_as_of, agenda_as_of (the versions
-- of 000008) and agreements_as_of (000015).
set local role parley_owner;

-- agreement_events ----------------------------------------------------------------------------------------------------
-- The agreements' history as events, with the columns of parley.timeline (occurred_on, kind, track, item, party,
-- ref, description, source, source_url), one row per track of the agreement: the timeline shows them among the
-- rest, and this view shows them alone.

create or replace view parley.agreement_events with (security_invoker = true) as
select e.occurred_on, e.kind, t.code as track, null::text as item, e.party, a.code as ref, e.description,
       s.title as source, s.url as source_url
  from (
        -- Changes of status (signatures are told party by party below).
        select x.agreement_id, x.happened_on as occurred_on,
               case x.status
                   when 'drafted' then 'agreement drafted'
                   when 'in_force' then case when exists (select 1 from parley_data.agreement_status_events y
                                                           where y.agreement_id = x.agreement_id and y.status = 'suspended'
                                                             and (y.happened_on, y.id) < (x.happened_on, x.id))
                                             then 'agreement resumed' else 'entered into force' end
                   else 'agreement ' || replace(x.status::text, '_', ' ')
               end as kind,
               p.name as party,
               (select g.code from parley_data.agreements g where g.id = x.agreement_id) || ': '
                   || case x.status when 'drafted' then 'drafted'
                                    when 'in_force' then 'in force'
                                    else replace(x.status::text, '_', ' ') end
                   || coalesce(' — ' || x.note, '') as description,
               x.source_id
          from parley_data.agreement_status_events x
          left join parley_data.parties p on p.id = x.party_id
         where x.status <> 'signed' and x.happened_on is not null
        union all
        select ap.agreement_id, ap.signed_on, 'agreement signed', p.name,
               p.name || ' signed as ' || replace(ap.role::text, '_', ' '), null
          from parley_data.agreement_parties ap
          join parley_data.parties p on p.id = ap.party_id
         where ap.signed_on is not null
        union all
        select t.agreement_id, t.agreed_on, 'agreement renewed', null,
               'renewed: term ' || t.number || ' to ' || t.ends_on || ' (was to end ' || prev.ends_on || ')'
                   || coalesce(', agreed by ' || (select string_agg(p.name, ', ' order by p.name)
                                                    from parley_data.agreement_term_parties tp
                                                    join parley_data.parties p on p.id = tp.party_id
                                                   where tp.agreement_id = t.agreement_id and tp.term_number = t.number), ''),
               t.source_id
          from parley_data.agreement_terms t
          join parley_data.agreement_terms prev on prev.agreement_id = t.agreement_id and prev.number = t.number - 1
         where t.number > 1
        union all
        select x.agreement_id, x.effective_on,
               case x.change when 'suspended' then 'participation suspended' when 'resumed' then 'participation resumed'
                             else 'party withdrew' end,
               p.name,
               p.name || case x.change when 'suspended' then ' suspended its participation'
                                       when 'resumed' then ' resumed its participation'
                                       else ' withdrew' end
                   || ' (announced ' || x.announced_on || ')'
                   || case when x.provisions_closed_as is not null
                           then '; its open provisions closed as ' || x.provisions_closed_as else '' end
                   || coalesce(' — ' || x.note, ''),
               x.source_id
          from parley_data.agreement_participation x
          join parley_data.parties p on p.id = x.party_id
        union all
        select c.agreement_id, c.stated_on, 'term claimed', p.name,
               p.name || ' says term ' || c.term_number || ' runs '
                   || concat_ws(' ', 'from ' || c.starts_on, 'to ' || c.ends_on, 'for ' || c.length)
                   || coalesce(' — ' || c.statement, ''),
               c.source_id
          from parley_data.agreement_term_claims c
          join parley_data.parties p on p.id = c.claimant_id
       ) e
  join parley_data.agreements a on a.id = e.agreement_id
  join parley_data.agreement_tracks l on l.agreement_id = e.agreement_id
  join parley_data.tracks t on t.id = l.track_id
  left join parley_data.sources s on s.id = e.source_id
 order by e.occurred_on, a.code, e.kind, t.code;

comment on view parley.agreement_events is
    'What happened to agreements, one row per event and track, with the columns of parley.timeline: drafted, signed (party by party), entered into force, suspended and resumed, renewed (old end → new end), a party suspending, resuming or withdrawing, a term claimed, expired, terminated, superseded.';
select parley_data.comment_columns('parley.agreement_events', array[
    ['occurred_on', 'The day it happened (a party''s change: the day it took effect).'],
    ['kind', 'agreement drafted, agreement signed, entered into force, agreement suspended, agreement resumed, agreement renewed, participation suspended, participation resumed, party withdrew, term claimed, agreement expired, agreement terminated, agreement superseded.'],
    ['track', 'A track the agreement belongs to (an agreement on two tracks has a row on each).'],
    ['item', 'Empty: an agreement is about its provisions'' items (parley.implementation).'],
    ['party', 'The party concerned: the signatory, the party suspending or withdrawing, the claimant, the party that ended it.'],
    ['ref', 'The agreement''s code.'],
    ['description', 'What happened, in one line.'],
    ['source', 'The title of the source it is recorded from.'],
    ['source_url', 'Its address.']]);

-- timeline ------------------------------------------------------------------------------------------------------

-- The events as written when they happened (parley_data.timeline_events, 000008; 070_timeline_events keeps them).
-- No ORDER BY: a view's own order would be kept under the reader's, so `order by occurred_on desc limit 50` would
-- sort every event first; without one, the newest or the oldest page is read from the index on the date.
create or replace view parley.timeline with (security_invoker = true) as
select u.occurred_on, u.kind, u.track, u.item, u.party, u.ref, u.description, u.source, u.source_url
  from (select e.occurred_on,
               e.shown_kind                     as kind,
               e.track,
               e.item,
               e.party,
               e.ref,
               e.description,
               e.source,
               e.source_url,
               e.classification
          from parley_data.timeline_events e
        union all
        -- The agreements' events, worked out from their tables (a few per agreement): parley.agreement_events above,
        -- whose own tables' row-level security keeps what the reader may not see (the level here is only a stand-in).
        select x.occurred_on, x.kind, x.track, x.item, x.party, x.ref, x.description, x.source, x.source_url,
               'unclassified'::parley.classification
          from parley.agreement_events x) u
 -- The stored events' policy (900_security) said again over the union: under a UNION ALL, PostgreSQL prunes the
 -- partitions of timeline_events by the union's conditions only, not by the table's policy, and would otherwise
 -- open (and count rows in) the partitions above the reader's clearance.
 where u.classification <= (select parley_data.current_clearance());

comment on view parley.timeline is
    'Everything that happened, one row per event, in date order: meetings held, commitments made, updates recorded, status changes, deadlines moved, positions stated, figures reported, and the agreements'' events (parley.agreement_events: signed, in force, renewed, suspended, resumed, withdrawn from, expired, terminated, superseded). Filter by track or item, and say the order: order by occurred_on (desc for the latest first).';
select parley_data.comment_columns('parley.timeline', array[
    ['occurred_on', 'The date of the event: a meeting''s start date in the track''s time zone; made_on of a commitment; reported_on of an update; stated_on of a position; as_of of a figure; for a status change the date recorded with it (a commitment''s status date, an agenda item''s status_since), else the day it was recorded (in your session''s time zone; a track''s in the track''s time zone).'],
    ['kind', 'meeting held, commitment made, update recorded, status changed (of a commitment, an agenda item on a track, or a track), deadline moved, position stated, figure reported, or an agreement''s event (the kinds of parley.agreement_events).'],
    ['track', 'The code of the track concerned; empty for figures and for positions stated generally.'],
    ['item', 'The code of the agenda item concerned; empty for meetings and track status changes.'],
    ['party', 'The name of the party concerned: the obligor (commitment made, its status changed), the party reporting an update, the party stating a position, the claimant of a figure; empty otherwise.'],
    ['ref', 'The code of the meeting, commitment, agenda item (its status changed), track (its status changed), indicator (a figure) or agreement concerned; empty for a position.'],
    ['description', 'What happened, in one line, e.g. "Russia commits: … (1000 prisoners), due 2025-06-20" or "ist-r3-swap-ru: pending → in_progress".'],
    ['source', 'The title of the source the event is recorded from (see source_url); empty for status changes and when none was cited.'],
    ['source_url', 'That source''s web address; empty when there is none.']]);

-- changes -------------------------------------------------------------------------------------------------------

-- A recorded field as a desk officer reads it: references by code (people by e-mail) instead of ids. The lookups
-- run as the person querying, so a reference they may not see stays a bare number.
create or replace function parley_data.readable_field(field text) returns text
    language sql immutable parallel safe
    return case
        when field in ('track_id', 'item_id', 'party_id', 'obligor_id', 'claimant_id', 'reported_by_party_id',
                       'meeting_id', 'source_id', 'deal_id', 'commitment_id', 'person_id', 'owner_id', 'lead_id',
                       'assignee_id', 'recorded_by_id')
            then regexp_replace(field, '_id$', '')
        else field
    end;

create or replace function parley_data.readable_value(field text, value jsonb) returns text
    language sql stable
    return case
        when value is null or jsonb_typeof(value) = 'null' then '(none)'
        when field = 'track_id' then
            coalesce((select t.code from parley_data.tracks t where t.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'item_id' then
            coalesce((select i.code from parley_data.agenda_items i where i.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field in ('party_id', 'obligor_id', 'claimant_id', 'reported_by_party_id') then
            coalesce((select p.code from parley_data.parties p where p.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'meeting_id' then
            coalesce((select m.code from parley_data.meetings m where m.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'source_id' then
            coalesce((select s.code from parley_data.sources s where s.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'deal_id' then
            coalesce((select d.code from parley_data.deals d where d.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'commitment_id' then
            coalesce((select c.code from parley_data.commitments c where c.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field in ('person_id', 'owner_id', 'lead_id', 'assignee_id', 'recorded_by_id') then
            coalesce((select p.email from parley_data.people p where p.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        else value #>> '{}'
    end;

-- Fields a change shows no line for: stamps the database keeps by itself, and the levels a row carries of what
-- it refers to (its own level, effective_classification, is shown).
create or replace function parley_data.derived_field(field text) returns boolean
    language sql immutable parallel safe
    return field in ('created_at', 'updated_at', 'track_classification', 'meeting_classification',
                     'deal_classification', 'commitment_classification', 'silence_classification');
comment on function parley_data.derived_field(text) is
    'For parley.changes: whether a recorded field is kept by the database itself (stamps, levels copied from what a row refers to).';

create or replace view parley.changes with (security_invoker = true) as
select l.id,
       l.changed_at,
       l.changed_by,
       l.table_name                             as entity,
       case l.table_name
           when 'commitment_updates' then ref.commitment
           when 'commitment_beneficiaries' then ref.commitment || ' → ' || ref.party
           when 'track_members' then ref.track || '/' || ref.party
           when 'track_agenda' then ref.track || '/' || ref.item
           when 'positions' then ref.party || '/' || ref.item || coalesce('/' || ref.track, '')
           when 'figures' then r.r ->> 'indicator'
           when 'people' then r.r ->> 'email'
           when 'subscriptions' then ref.person
           else coalesce(r.r ->> 'code', l.row_id)
       end                                      as code,
       l.operation,
       case l.operation
           -- The fields the update changed: those of old_row (since 000008 it holds only those; before, the
           -- whole record, whose unchanged fields the comparison leaves out).
           when 'update' then
               (select string_agg(parley_data.readable_field(o.key) || ': '
                                  || parley_data.readable_value(o.key, o.value) || ' → '
                                  || parley_data.readable_value(o.key, l.new_row -> o.key), '; ' order by parley_data.readable_field(o.key))
                  from jsonb_each(l.old_row) o
                 where not parley_data.derived_field(o.key) and o.value is distinct from l.new_row -> o.key)
           else
               (select string_agg(parley_data.readable_field(n.key) || ': '
                                  || parley_data.readable_value(n.key, n.value), '; ' order by parley_data.readable_field(n.key))
                  from jsonb_each(r.r) n
                 where n.key <> 'id' and not parley_data.derived_field(n.key) and jsonb_typeof(n.value) <> 'null')
       end                                      as change,
       l.row_id,
       l.transaction_id,
       l.reason,
       parley_data.shown_level(l.classification) as classification
  from parley_data.change_log l
 -- The record as it is after the change, or as it was before a delete. (CASE rather than COALESCE: row-level
 -- security lets an index serve the lookups above only for expressions it knows cannot leak, and it does not
 -- know COALESCE.)
 cross join lateral (select case when l.operation = 'delete' then l.old_row else l.new_row end as r) r
 -- What the record refers to, by code (a person by e-mail), each lookup written once: this subquery is merged into
 -- the view, each use above becoming its own lookup, made only for the records whose code shows it.
 cross join lateral (
        select (select c.code from parley_data.commitments c where c.id = (r.r ->> 'commitment_id')::bigint) as commitment,
               (select p.code from parley_data.parties p where p.id = (r.r ->> 'party_id')::bigint) as party,
               (select t.code from parley_data.tracks t where t.id = (r.r ->> 'track_id')::bigint) as track,
               (select i.code from parley_data.agenda_items i where i.id = (r.r ->> 'item_id')::bigint) as item,
               (select p.email from parley_data.people p where p.id = (r.r ->> 'person_id')::bigint) as person
       ) ref
 order by l.id desc;

comment on view parley.changes is
    'The change history made readable, newest first (in the order recorded): when, who, which record, and field by field "old → new". Changes to rows you are not cleared to see are not shown.';
select parley_data.comment_columns('parley.changes', array[
    ['id', 'The change''s number in the history, in the order it was recorded.'],
    ['changed_at', 'When the change was made: the start of its transaction (all changes made together share it), shown in your session''s time zone.'],
    ['changed_by', 'The database login that made it (session_user: the person logged in, even when a recording function or an import did the writing).'],
    ['entity', 'What kind of record changed, by table name: commitments, commitment_updates, commitment_beneficiaries, deals, tracks, track_members, track_agenda, agenda_items, meetings, positions, figures, follow_ups, parties, sources, people or subscriptions.'],
    ['code', 'The record''s code where it has one (commitment, track, meeting, party, ...); for a link, both ends (track/party, track/item, commitment → party); for an update, its commitment; for a position, party/item[/track]; for a figure its indicator, for a person or subscription an e-mail; else row_id.'],
    ['operation', 'insert, update or delete; declassify for a record''s level being lowered (recorded at the new level, with the record as it became and the reason).'],
    ['change', 'For an update, each changed field as "field: old → new"; for an insert, a delete or a declassification, the record''s fields as "field: value". References are by code (people by e-mail); one to a record you may not see stays #<id>. Stamps and copied levels are left out.'],
    ['row_id', 'The record''s key as text: its id (as in open_commitments.id), or for a link the key columns joined with commas.'],
    ['transaction_id', 'The transaction that made the change: changes made together share it.'],
    ['reason', 'Why, when the change says so: the reason given for a declassification; empty otherwise.'],
    ['classification', 'The level the change is kept and shown at: the higher of the record''s levels before and after it (raised with the record later, never lowered; a declassification is also recorded at the new level). You see only changes at or below your clearance.']]);

-- commitments_as_of, agenda_as_of, agreements_as_of -----------------------------------------------------------------

-- Read from versions (000008), not rebuilt from the change history: each version says when it was valid, so a
-- moment's answer is the versions whose period holds it, through the index of the filter given (track, party, item)
-- or, for a page, in the order listed (deadline, then id). Row-level security applies to the versions as to any
-- table: a commitment more classified then than the reader's clearance is not shown for that time, and from its
-- declassification on it is (its versions from then on are at the new level).
-- The filters are parameters as well as columns: `where track = …` on the result works too when PostgreSQL inlines
-- the function (a plain call from psql does), and the parameters work however it is called.
drop function if exists parley.commitments_as_of(timestamptz);
-- Which read the change history through this before versions existed.
drop function if exists parley_data.has_history(text, text);
create or replace function parley.commitments_as_of(at timestamptz, track_code text default null,
                                                    party_code text default null, item_code text default null)
    returns table (
        id              bigint,
        code            text,
        track           text,
        item            text,
        obligor         text,
        text            text,
        made_on         date,
        due_on          date,
        status          parley.commitment_status,
        target          numeric,
        unit            text,
        delivered       numeric,
        owner           text,
        classification  parley.classification,
        recorded_at     timestamptz,
        recorded_by     name)
    language sql stable
begin atomic
    select v.commitment_id, v.code, t.code, i.code, ob.name, v.text, v.made_on, v.due_on, v.status,
           v.target_quantity, v.unit, v.delivered_quantity, o.name, parley_data.shown_level(v.effective_classification),
           v.valid_from, v.recorded_by
      from parley_data.commitment_versions v
      join parley_data.tracks t on t.id = v.track_id
      join parley_data.agenda_items i on i.id = v.item_id
      join parley_data.parties ob on ob.id = v.obligor_id
      left join parley_data.people o on o.id = v.owner_id
     where v.valid_from <= commitments_as_of.at and v.valid_to > commitments_as_of.at
       and (commitments_as_of.track_code is null or t.code = commitments_as_of.track_code)
       and (commitments_as_of.party_code is null or ob.code = commitments_as_of.party_code)
       and (commitments_as_of.item_code is null or i.code = commitments_as_of.item_code)
     order by v.due_on, v.commitment_id;
end;

comment on function parley.commitments_as_of(timestamptz, text, text, text) is
    'The commitments as they stood at a moment, read from their versions: "what did we know on 1 June?" — select * from parley.commitments_as_of(''2025-06-01 18:00 Europe/Istanbul''), or for one track, party or item: commitments_as_of(''2025-06-01'', track_code => ''istanbul'') (party_code, item_code). One row per commitment that existed then (deleted ones not), soonest deadline first, showing only what you may see now as it was then (one more classified then than your clearance is left out). Tracks, items, parties and people are named as they are now. Result columns: id (the commitment''s number), code, track (the track''s code), item (the agenda item''s code), obligor (the party''s name), text, made_on, due_on (the deadline then: the end of that day in the track''s time zone), status (then), target, unit, delivered (the total delivered then), owner (the name of who followed it up then; empty when nobody), classification (the level it was kept at then), recorded_at (when the version shown was recorded; for a commitment with no history, when it was created), recorded_by (the login that recorded that version; empty for a commitment with no history).';

create or replace function parley.agenda_as_of(at timestamptz, track_code text default null)
    returns table (
        track           text,
        item            text,
        title           text,
        status          parley.agenda_status,
        since           date,
        note            text,
        classification  parley.classification,
        recorded_at     timestamptz,
        recorded_by     name)
    language sql stable
begin atomic
    select t.code, i.code, i.title, v.status, v.status_since, v.note, parley_data.shown_level(v.effective_classification),
           v.valid_from, v.recorded_by
      from parley_data.agenda_versions v
      join parley_data.tracks t on t.id = v.track_id
      join parley_data.agenda_items i on i.id = v.item_id
     where v.valid_from <= agenda_as_of.at and v.valid_to > agenda_as_of.at
       and (agenda_as_of.track_code is null or t.code = agenda_as_of.track_code)
     order by t.code, i.code;
end;

comment on function parley.agenda_as_of(timestamptz, text) is
    'Where each item stood on each track''s agenda at a moment, read from the agenda''s versions: select * from parley.agenda_as_of(''2025-06-01'', track_code => ''istanbul''). Only what you may see now as it was then. Result columns: track (the track''s code), item (the agenda item''s code), title (the item''s title now), status (its status on the track then), since (the date it had reached that status), note (the note on its place on the agenda then; empty when none), classification (the level it was kept at then), recorded_at (when that state was recorded; for an entry with no history, when it was put on the agenda), recorded_by (the login that recorded it; empty for an entry with no history).';

-- agreements_as_of: the agreements as they stood at a moment, from their versions (000015). The tracks an agreement
-- belongs to are its tracks now (a table of its own, with no versions), named as they are now, as commitments_as_of
-- names tracks and parties; the track filter reads the agreements of that track through its index.
create or replace function parley.agreements_as_of(at timestamptz, track_code text default null)
    returns table (
        code            text,
        title           text,
        kind            parley.agreement_kind,
        status          parley.agreement_status,
        status_since    date,
        tracks          text,
        signed_on       date,
        signed_at       text,
        in_force_since  date,
        ended_on        date,
        owner           text,
        source          text,
        summary         text,
        classification  parley.classification,
        recorded_at     timestamptz,
        recorded_by     name)
    language sql stable
begin atomic
    select v.code, v.title, v.kind, v.status, v.status_since,
           (select string_agg(t.code, ', ' order by l.position)
              from parley_data.agreement_tracks l
              join parley_data.tracks t on t.id = l.track_id
             where l.agreement_id = v.agreement_id),
           v.signed_on, v.signed_at, v.in_force_on, v.ended_on, o.name, s.code, v.summary,
           parley_data.shown_level(v.classification), v.valid_from, v.recorded_by
      from parley_data.agreement_versions v
      left join parley_data.people o on o.id = v.owner_id
      left join parley_data.sources s on s.id = v.source_id
     where v.valid_from <= agreements_as_of.at and v.valid_to > agreements_as_of.at
       and (agreements_as_of.track_code is null
            or v.agreement_id in (select l.agreement_id
                                    from parley_data.agreement_tracks l
                                    join parley_data.tracks t on t.id = l.track_id
                                   where t.code = agreements_as_of.track_code))
     order by v.code, v.agreement_id;
end;
comment on function parley.agreements_as_of(timestamptz, text) is
    'The agreements as they stood at a moment, read from their versions: "was the memorandum in force on 1 June?" — select * from parley.agreements_as_of(''2025-06-01 18:00 Europe/Istanbul''), or for one track: agreements_as_of(''2025-06-01'', track_code => ''istanbul''). One row per agreement that existed then (deleted ones not), by code. Only what you may see now as it was then (one kept at a higher level than your clearance is left out). Its tracks, owner and source are named as they are now. Result columns: code, title, kind, status (then), status_since (the day it had reached that status), tracks (the codes of the tracks it belongs to now, its first track first), signed_on, signed_at, in_force_since, ended_on (as recorded then), owner (the name of who followed it up then; empty when nobody), source (the code of its source then), summary, classification (the level the state is kept at), recorded_at (when the state shown was recorded; for an agreement with no history, when it was created), recorded_by (the login that recorded it; empty for an agreement with no history).';

-- changes_in_this_transaction -----------------------------------------------------------------------------------

-- What the running transaction has changed, field by field: for `parley import --dry-run` and `--verbose`, which
-- list each change before they roll back or commit, so that nobody undoes recorded work by importing an old file
-- without being told. Only changes the caller may see (the change log's policies), and only those recorded after
-- a change number the caller read before starting (so that the primary key, not the whole log, is searched).
create or replace function parley.changes_in_this_transaction(after_change bigint)
    returns table (
        id          bigint,
        entity      text,
        code        text,
        row_id      text,
        operation   text,
        field       text,
        old_value   text,
        new_value   text)
    language sql stable
begin atomic
    select c.id, c.entity, c.code, c.row_id, c.operation, f.field, f.old_value, f.new_value
      from parley.changes c
      join parley_data.change_log l on l.id = c.id and l.transaction_id = c.transaction_id
      left join lateral (
          -- The fields the update changed: those of old_row (since 000008 it holds only those, while new_row
          -- also holds the fields that name the record).
          select parley_data.readable_field(o.key) as field,
                 parley_data.readable_value(o.key, o.value) as old_value,
                 parley_data.readable_value(o.key, l.new_row -> o.key) as new_value
            from jsonb_each(l.old_row) o
           where l.operation = 'update'
             and not parley_data.derived_field(o.key)
             and o.value is distinct from l.new_row -> o.key) f on true
     where c.id > $1
       and l.id > $1
       and c.transaction_id = pg_current_xact_id()
       and (c.operation <> 'update' or f.field is not null)
     order by c.id, f.field;
end;
comment on function parley.changes_in_this_transaction(bigint) is
    'What the running transaction has changed so far, one row per changed field: for an update each field with its value before and after (references by code, as in parley.changes), for an insert or a delete one row with no field. Only changes numbered above after_change (read select coalesce(max(id), 0) from parley.changes first) and that you may see. Used by parley import --dry-run and --verbose. Result columns: id (the change''s number), entity (the table: commitments, tracks, ...), code (the record''s code, as in parley.changes), row_id, operation (insert, update, delete), field, old_value, new_value.';
