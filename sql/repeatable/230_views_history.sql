-- Staff views about the past: timeline, changes (the change history made readable), commitments_as_of and
-- agenda_as_of (the versions of 000008).
set local role parley_owner;

-- timeline ------------------------------------------------------------------------------------------------------

-- The events as written when they happened (parley_data.timeline_events, 000008; 070_timeline_events keeps them).
-- No ORDER BY: a view's own order would be kept under the reader's, so `order by occurred_on desc limit 50` would
-- sort every event first; without one, the newest or the oldest page is read from the index on the date.
create or replace view parley.timeline with (security_invoker = true) as
select e.occurred_on,
       e.shown_kind                             as kind,
       e.track,
       e.item,
       e.party,
       e.ref,
       e.description,
       e.source,
       e.source_url
  from parley_data.timeline_events e;

comment on view parley.timeline is
    'Everything that happened, one row per event: meetings held, commitments made, updates recorded, status changes, positions stated, figures reported. Filter by track or item, and say the order: order by occurred_on (desc for the latest first).';
comment on column parley.timeline.occurred_on is 'The date of the event (a meeting''s date in the track''s time zone).';
comment on column parley.timeline.kind is 'meeting held, commitment made, update recorded, status changed, position stated or figure reported.';
comment on column parley.timeline.party is 'The party concerned: the obligor, the party reporting an update, the party stating a position, the claimant of a figure.';
comment on column parley.timeline.ref is 'The code of the meeting, commitment, item, track or indicator concerned.';
comment on column parley.timeline.description is 'What happened, in one line.';
comment on column parley.timeline.source is 'Title of the source the event is recorded from, if any (see source_url).';

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
           when 'commitment_updates' then
               (select c.code from parley_data.commitments c where c.id = (r.r ->> 'commitment_id')::bigint)
           when 'commitment_beneficiaries' then
               (select c.code from parley_data.commitments c where c.id = (r.r ->> 'commitment_id')::bigint)
               || ' → ' || (select p.code from parley_data.parties p where p.id = (r.r ->> 'party_id')::bigint)
           when 'track_members' then
               (select t.code from parley_data.tracks t where t.id = (r.r ->> 'track_id')::bigint)
               || '/' || (select p.code from parley_data.parties p where p.id = (r.r ->> 'party_id')::bigint)
           when 'track_agenda' then
               (select t.code from parley_data.tracks t where t.id = (r.r ->> 'track_id')::bigint)
               || '/' || (select i.code from parley_data.agenda_items i where i.id = (r.r ->> 'item_id')::bigint)
           when 'positions' then
               (select p.code from parley_data.parties p where p.id = (r.r ->> 'party_id')::bigint)
               || '/' || (select i.code from parley_data.agenda_items i where i.id = (r.r ->> 'item_id')::bigint)
               || coalesce('/' || (select t.code from parley_data.tracks t where t.id = (r.r ->> 'track_id')::bigint), '')
           when 'figures' then r.r ->> 'indicator'
           when 'people' then r.r ->> 'email'
           when 'subscriptions' then
               (select p.email from parley_data.people p where p.id = (r.r ->> 'person_id')::bigint)
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
 order by l.id desc;

comment on view parley.changes is
    'The change history made readable, newest first (in the order recorded): when, who, which record, and field by field "old → new". Changes to rows you are not cleared to see are not shown.';
comment on column parley.changes.changed_at is 'When the change was made (the time of its transaction).';
comment on column parley.changes.changed_by is 'The database user who made it (the person logged in, even when a recording function did the writing).';
comment on column parley.changes.entity is 'What kind of record changed: commitments, tracks, meetings, positions, ...';
comment on column parley.changes.code is 'The record''s code where it has one (commitment, track, meeting, party, ...); for a link, both ends (track/party, commitment → party).';
comment on column parley.changes.operation is 'insert, update or delete.';
comment on column parley.changes.reason is 'Why, when the change says so: the reason given for a declassification.';
comment on column parley.changes.classification is 'The level the change is kept at: the higher of the record''s levels before and after it (raised with the record later, never lowered).';
comment on column parley.changes.change is 'For an update, each changed field as "field: old → new" (references by code, people by e-mail); for an insert or a delete, the record''s fields.';

-- commitments_as_of, agenda_as_of ------------------------------------------------------------------------------

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
    'The commitments as they stood at a moment: "what did we know on 1 June?" — select * from parley.commitments_as_of(''2025-06-01 18:00 Europe/Istanbul''), or for one track (party, item): commitments_as_of(''2025-06-01'', track_code => ''istanbul''). Tracks, items, parties and people are named as they are now; recorded_at and recorded_by say when and by whom that state was recorded.';

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
    'Where each item stood on each track''s agenda at a moment: select * from parley.agenda_as_of(''2025-06-01'', track_code => ''istanbul'').';
