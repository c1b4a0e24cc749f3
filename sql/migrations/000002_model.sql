-- The negotiation model: who talks (parties, tracks, members), about what (agenda items and each track's agenda),
-- when (meetings), what they say (positions) and promise (commitments, with the updates that track delivery), the
-- figures they dispute, where each fact comes from (sources), and the staff who follow it all up (people,
-- follow-ups, subscriptions).
--
-- Constraints here are the last line of defence: the recording functions of schema parley check the same rules
-- first and say in plain words which field broke which rule.
--
-- Classified rows are kept apart by level. Every table holding something a classification can hide (tracks and
-- what belongs to them, meetings, positions, deals, commitments with their beneficiaries and updates, figures,
-- follow-ups, subscriptions; alerts, deliveries, silences and the change history in later migrations) is
-- partitioned by the level its rows are shown at, one partition per classification. Row-level security (see
-- sql/repeatable/900_security.sql) then prunes the partitions above the reader's clearance before any index is
-- touched: no statement a staff login runs reads a row it may not see, not as a result, not in a filter, not in
-- a count. The level is part of every key (codes are unique per level: a code taken at a level you cannot see is
-- free at yours), and each child row carries its parent's level in its foreign key, declared ON UPDATE CASCADE:
-- raising a track's classification moves everything on it with it.
set local role parley_owner;

-- Vocabulary. The types live in schema parley so that staff can name them in queries and function calls.
create type parley.classification as enum ('unclassified', 'restricted', 'confidential', 'secret');
comment on type parley.classification is 'How sensitive a row is, in increasing order. A row is shown only to people cleared for it.';

create type parley.party_kind as enum ('state', 'organisation', 'other');
create type parley.track_format as enum ('bilateral', 'trilateral', 'multilateral', 'briefing');
create type parley.track_status as enum ('active', 'paused', 'concluded');
create type parley.member_role as enum ('principal', 'mediator', 'host', 'guarantor', 'observer', 'briefer');
create type parley.meeting_status as enum ('scheduled', 'held', 'postponed', 'cancelled');
create type parley.agenda_status as enum (
    'proposed', 'under_discussion', 'agreed_in_principle', 'agreed', 'implementing', 'implemented',
    'stalled', 'rejected', 'withdrawn');
comment on type parley.agenda_status is
    'Where an item stands on a track: proposed → under_discussion → agreed_in_principle → agreed → implementing → implemented, or stalled / rejected / withdrawn.';
create type parley.stance as enum ('supports', 'conditional', 'opposes', 'refuses', 'undecided');
create type parley.commitment_status as enum (
    'pending', 'in_progress', 'partially_fulfilled', 'fulfilled', 'breached', 'withdrawn', 'superseded');
comment on type parley.commitment_status is
    'pending, in_progress and partially_fulfilled are live (still owed, still chased); fulfilled and breached are verdicts and withdrawn and superseded are closed: none of these is chased any more (leaving one is a reopen). parley.compliance counts every status.';
create type parley.verification as enum ('both_parties', 'one_party', 'mediator', 'media', 'unverified');
comment on type parley.verification is 'Who confirms a reported delivery: both parties, one party, a mediator, the media, or nobody yet.';
create type parley.confidence as enum ('confirmed', 'reported', 'estimated', 'disputed');
create type parley.severity as enum ('info', 'warning', 'critical');
comment on type parley.severity is 'How urgent an alert is, in increasing order; subscriptions name the lowest they want.';

-- Creates the four partitions of a table partitioned by classification: <table>_unclassified, _restricted,
-- _confidential, _secret.
create procedure parley_data.partition_by_level(parent regclass)
    language plpgsql as $$
declare
    level parley.classification;
begin
    foreach level in array enum_range(null::parley.classification) loop
        execute format('create table %s partition of %s for values in (%L)',
                       parent::text || '_' || level::text, parent, level);
    end loop;
end
$$;
comment on procedure parley_data.partition_by_level(regclass) is
    'Creates one partition per classification level of a table partitioned by its level (list partitioning).';

-- Gives each partition's index the name of the parent's index it belongs to and the partition's level
-- (tracks_code_key_secret), so that a refusal by a partition's key names the rule as the parent does.
create procedure parley_data.name_partition_indexes()
    language plpgsql as $$
declare
    i record;
begin
    for i in
        select child.relname as child_name, parent.relname || '_' || split_part(part.relname, '_', -1) as wanted
          from pg_catalog.pg_inherits inh
          join pg_catalog.pg_class child on child.oid = inh.inhrelid and child.relkind = 'i'
          join pg_catalog.pg_class parent on parent.oid = inh.inhparent
          join pg_catalog.pg_index ix on ix.indexrelid = child.oid
          join pg_catalog.pg_class part on part.oid = ix.indrelid
         where child.relnamespace = 'parley_data'::regnamespace
           and child.relname <> parent.relname || '_' || split_part(part.relname, '_', -1)
    loop
        execute format('alter index parley_data.%I rename to %I', i.child_name, i.wanted);
    end loop;
end
$$;
comment on procedure parley_data.name_partition_indexes() is
    'Names every partition''s index after its parent''s index and the partition''s level.';

-- Validation helpers, shared by the constraints below and the recording functions.

-- The IANA time zone names PostgreSQL knows (Europe/Istanbul), copied once so that tracks and people can refer
-- to them with a foreign key: looking a name up in pg_timezone_names reads the zone files and takes ~50 ms.
-- After a PostgreSQL upgrade that brings new zones, run parley_data.refresh_time_zones().
create table parley_data.time_zones (
    name text primary key
);
comment on table parley_data.time_zones is 'IANA time zone names a track or a person may use (a copy of pg_timezone_names).';

create function parley_data.refresh_time_zones() returns integer
    language sql as $$
    insert into parley_data.time_zones (name)
    select name from pg_catalog.pg_timezone_names
     where name !~ '^(posix|right)/' and name not in ('localtime', 'posixrules', 'Factory')
    on conflict do nothing;
    select count(*)::integer from parley_data.time_zones;
$$;
select parley_data.refresh_time_zones();

-- A plain ASCII addr-spec with a dotted domain: safe to put in a mail header as it is.
create function parley_data.is_email(address text) returns boolean
    language sql immutable strict parallel safe
    return length(address) <= 254
        and address ~ '^[A-Za-z0-9.!#$%&''*+/=?^_`{|}~-]+@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$';

-- Codes are what staff type: short, no spaces, stable.
create function parley_data.is_code(code text) returns boolean
    language sql immutable strict parallel safe
    return code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$';

-- Free text that names something: not blank, no control characters that would break a listing or a mail header.
create function parley_data.is_label(label text) returns boolean
    language sql immutable strict parallel safe
    return btrim(label) <> '' and label !~ '[\x01-\x1f\x7f]' and length(label) <= 300;

-- Free text (a commitment, a note, a statement, an outcome): long enough for any readout, short enough that a
-- view, a digest or a calendar stays usable.
create function parley_data.is_free_text(body text) returns boolean
    language sql immutable strict parallel safe
    return length(body) <= 10000;

-- A quantity that is a number: numeric also holds NaN and ±Infinity, which no count of prisoners or bodies is.
create function parley_data.is_finite(quantity numeric) returns boolean
    language sql immutable strict parallel safe
    return quantity > '-Infinity' and quantity < 'Infinity';

-- Live commitments are still owed and still chased: what the open and overdue views list, what alerts chase, what
-- a status may leave without a reopen. The one place that says which statuses those are. A breach is an outcome,
-- not a chase: recorded as breached, a commitment is no longer live (one alert says so, 3xx planning), and
-- parley.compliance counts it as breached.
create function parley_data.commitment_is_live(status parley.commitment_status) returns boolean
    language sql immutable parallel safe
    return status not in ('fulfilled', 'breached', 'withdrawn', 'superseded');
comment on function parley_data.commitment_is_live(parley.commitment_status) is
    'True for the statuses still owed and chased: pending, in_progress, partially_fulfilled. Not for the verdicts (fulfilled, breached) nor for withdrawn and superseded.';

-- People: the staff who own commitments, lead tracks, receive alerts.
create table parley_data.people (
    id          bigint generated always as identity primary key,
    email       text not null,
    name        text not null,
    timezone    text not null default 'UTC',
    clearance   parley.classification not null default 'unclassified',
    active      boolean not null default true,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint people_email_format check (parley_data.is_email(email)),
    constraint people_name_format check (parley_data.is_label(name)),
    constraint people_timezone_valid foreign key (timezone) references parley_data.time_zones (name)
);
create unique index people_email_key on parley_data.people (lower(email));
comment on table parley_data.people is 'Staff: they own commitments, lead tracks and receive alerts. E-mail is unique regardless of case.';

create table parley_data.sources (
    id            bigint generated always as identity primary key,
    code          text not null,
    title         text not null,
    publisher     text,
    url           text,
    published_on  date,
    note          text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint sources_code_key unique (code),
    constraint sources_code_format check (parley_data.is_code(code)),
    constraint sources_title_format check (parley_data.is_label(title)),
    constraint sources_url_format check (url ~ '^https?://[^\s]+$'),
    constraint sources_note_length check (parley_data.is_free_text(note))
);
comment on table parley_data.sources is 'Where a fact comes from: an article, a statement, a readout. Every position, update and figure can cite one.';

create table parley_data.parties (
    id          bigint generated always as identity primary key,
    code        text not null,
    name        text not null,
    kind        parley.party_kind not null default 'state',
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint parties_code_key unique (code),
    constraint parties_code_format check (parley_data.is_code(code)),
    constraint parties_name_format check (parley_data.is_label(name))
);
comment on table parley_data.parties is 'States and organisations that negotiate, host, mediate or are briefed.';

create table parley_data.tracks (
    id              bigint generated always as identity,
    code            text not null,
    name            text not null,
    format          parley.track_format not null,
    status          parley.track_status not null default 'active',
    venue           text,
    timezone        text not null default 'UTC',
    description     text,
    classification  parley.classification not null default 'unclassified',
    lead_id         bigint references parley_data.people (id),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (id, classification),
    constraint tracks_code_key unique (code, classification),
    constraint tracks_code_format check (parley_data.is_code(code)),
    constraint tracks_name_format check (parley_data.is_label(name)),
    constraint tracks_timezone_valid foreign key (timezone) references parley_data.time_zones (name),
    constraint tracks_description_length check (parley_data.is_free_text(description))
) partition by list (classification);
call parley_data.partition_by_level('parley_data.tracks');
create index tracks_lead_idx on parley_data.tracks (lead_id);
comment on table parley_data.tracks is 'A channel of negotiation (the Istanbul talks, a trilateral track, NATO briefings). Deadlines on a track are dates in its time zone.';

create table parley_data.track_members (
    track_id                  bigint not null,
    party_id                  bigint not null references parley_data.parties (id),
    role                      parley.member_role not null,
    note                      text,
    -- The track's classification: a membership is shown at its track's level.
    effective_classification  parley.classification not null default 'unclassified',
    created_at                timestamptz not null default now(),
    primary key (track_id, party_id, role, effective_classification),
    constraint track_members_track_id_fkey foreign key (track_id, effective_classification)
        references parley_data.tracks (id, classification) on update cascade on delete cascade,
    constraint track_members_note_length check (parley_data.is_free_text(note))
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.track_members');
create index track_members_party_idx on parley_data.track_members (party_id);
comment on table parley_data.track_members is 'Which party takes part in a track, and as what; a party may hold several roles on one track.';

create table parley_data.meetings (
    id                   bigint generated always as identity,
    code                 text not null,
    track_id             bigint not null,
    title                text not null,
    starts_at            timestamptz not null,
    ends_at              timestamptz,
    location             text,
    status               parley.meeting_status not null default 'scheduled',
    outcome_summary      text,
    outcome_recorded_at  timestamptz,
    classification            parley.classification not null default 'unclassified',
    track_classification      parley.classification not null default 'unclassified',
    effective_classification  parley.classification not null default 'unclassified',
    source_id            bigint references parley_data.sources (id),
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    primary key (id, effective_classification),
    constraint meetings_code_key unique (code, effective_classification),
    constraint meetings_id_track_key unique (id, track_id, effective_classification),
    constraint meetings_track_id_fkey foreign key (track_id, track_classification)
        references parley_data.tracks (id, classification) on update cascade,
    constraint meetings_effective_classification check (
        effective_classification = greatest(classification, track_classification)),
    constraint meetings_code_format check (parley_data.is_code(code)),
    constraint meetings_title_format check (parley_data.is_label(title)),
    constraint meetings_ends_after_start check (ends_at >= starts_at),
    constraint meetings_outcome_when_held check (outcome_summary is null or status = 'held'),
    constraint meetings_outcome_length check (parley_data.is_free_text(outcome_summary))
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.meetings');
create index meetings_track_starts_idx on parley_data.meetings (track_id, starts_at);
create index meetings_starts_idx on parley_data.meetings (starts_at);
comment on table parley_data.meetings is 'Rounds of talks and briefings. A held meeting should get an outcome summary.';

create table parley_data.agenda_items (
    id           bigint generated always as identity primary key,
    code         text not null,
    title        text not null,
    description  text,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint agenda_items_code_key unique (code),
    constraint agenda_items_code_format check (parley_data.is_code(code)),
    constraint agenda_items_title_format check (parley_data.is_label(title)),
    constraint agenda_items_description_length check (parley_data.is_free_text(description))
);
comment on table parley_data.agenda_items is 'Subjects under negotiation (ceasefire, prisoner exchange, return of children), shared across tracks.';

create table parley_data.track_agenda (
    track_id                  bigint not null,
    item_id                   bigint not null references parley_data.agenda_items (id),
    status                    parley.agenda_status not null default 'proposed',
    status_since              date not null default current_date,
    note                      text,
    -- The track's classification: an agenda entry is shown at its track's level.
    effective_classification  parley.classification not null default 'unclassified',
    created_at                timestamptz not null default now(),
    updated_at                timestamptz not null default now(),
    primary key (track_id, item_id, effective_classification),
    constraint track_agenda_track_id_fkey foreign key (track_id, effective_classification)
        references parley_data.tracks (id, classification) on update cascade on delete cascade,
    constraint track_agenda_note_length check (parley_data.is_free_text(note))
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.track_agenda');
create index track_agenda_item_idx on parley_data.track_agenda (item_id);
comment on table parley_data.track_agenda is 'The agenda of each track: where each item stands there, and since when.';

create table parley_data.positions (
    id                        bigint generated always as identity,
    party_id                  bigint not null references parley_data.parties (id),
    item_id                   bigint not null references parley_data.agenda_items (id),
    track_id                  bigint,
    stance                    parley.stance not null,
    statement                 text,
    stated_on                 date not null,
    source_id                 bigint references parley_data.sources (id),
    classification            parley.classification not null default 'unclassified',
    -- The track's classification; unclassified for a stance stated generally (no track).
    track_classification      parley.classification not null default 'unclassified',
    effective_classification  parley.classification not null default 'unclassified',
    created_at                timestamptz not null default now(),
    updated_at                timestamptz not null default now(),
    primary key (id, effective_classification),
    constraint positions_track_id_fkey foreign key (track_id, track_classification)
        references parley_data.tracks (id, classification) on update cascade,
    constraint positions_general_unclassified_track check (track_id is not null or track_classification = 'unclassified'),
    constraint positions_effective_classification check (
        effective_classification = greatest(classification, track_classification)),
    constraint positions_statement_length check (parley_data.is_free_text(statement)),
    -- One stance per party, item, track and day at each level: re-recording the same day corrects it.
    constraint positions_natural_key
        unique nulls not distinct (party_id, item_id, track_id, stated_on, effective_classification)
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.positions');
create index positions_item_idx on parley_data.positions (item_id, party_id, stated_on desc);
-- By track and item: what a track's agenda says about each item (parley.agenda, parley.stale).
create index positions_track_idx on parley_data.positions (track_id, item_id, party_id, stated_on desc);
comment on table parley_data.positions is 'What a party says about an agenda item (optionally on one track), and when.';

-- A reciprocal deal (1,000-for-1,000): one commitment per obligor, each knowing the deal it belongs to. A deal
-- is as classified as the most classified of its commitments (its title names the exchange): its level is raised
-- by a trigger when a more classified commitment joins it, and lowered only by declassifying it.
create table parley_data.deals (
    id              bigint generated always as identity,
    code            text not null,
    title           text not null,
    classification  parley.classification not null default 'unclassified',
    created_at      timestamptz not null default now(),
    primary key (id, classification),
    constraint deals_code_key unique (code, classification),
    constraint deals_code_format check (parley_data.is_code(code)),
    constraint deals_title_format check (parley_data.is_label(title))
) partition by list (classification);
call parley_data.partition_by_level('parley_data.deals');
comment on table parley_data.deals is 'Reciprocal deals: the commitments of each side of an exchange belong to one deal, one per obligor.';

create table parley_data.commitments (
    id                        bigint generated always as identity,
    code                      text not null,
    track_id                  bigint not null,
    item_id                   bigint not null,
    meeting_id                bigint,
    obligor_id                bigint not null references parley_data.parties (id),
    deal_id                   bigint,
    text                      text not null,
    made_on                   date not null,
    due_on                    date,
    target_quantity           numeric,
    unit                      text,
    status                    parley.commitment_status not null default 'pending',
    -- Set on insert to made_on (pending since it was made), then to the date of each status change.
    status_changed_on         date not null,
    reopened_at               timestamptz,
    owner_id                  bigint references parley_data.people (id),
    classification            parley.classification not null default 'unclassified',
    -- The levels of what it refers to, kept by the cascading foreign keys below.
    track_classification      parley.classification not null default 'unclassified',
    meeting_classification    parley.classification,
    deal_classification       parley.classification,
    -- The level it is shown at: the highest of its own, its track's and its meeting's.
    effective_classification  parley.classification not null default 'unclassified',
    source_id                 bigint references parley_data.sources (id),
    -- Kept by the triggers on commitment_updates: the sum of delivered quantities and the last report's date.
    delivered_quantity        numeric not null default 0,
    last_update_on            date,
    created_at                timestamptz not null default now(),
    updated_at                timestamptz not null default now(),
    primary key (id, effective_classification),
    constraint commitments_code_key unique (code, effective_classification),
    constraint commitments_id_obligor_key unique (id, obligor_id, effective_classification),
    constraint commitments_one_per_obligor_in_deal unique (deal_id, obligor_id, effective_classification),
    constraint commitments_effective_classification check (
        effective_classification = greatest(classification, track_classification, meeting_classification)),
    constraint commitments_meeting_level check ((meeting_id is null) = (meeting_classification is null)),
    constraint commitments_deal_level check ((deal_id is null) = (deal_classification is null)),
    constraint commitments_code_format check (parley_data.is_code(code)),
    constraint commitments_text_present check (btrim(text) <> ''),
    constraint commitments_text_length check (parley_data.is_free_text(text)),
    constraint commitments_due_after_made check (due_on >= made_on),
    constraint commitments_target_positive check (target_quantity > 0),
    constraint commitments_target_finite check (parley_data.is_finite(target_quantity)),
    constraint commitments_unit_with_target check (unit is null or target_quantity is not null),
    constraint commitments_delivered_not_negative check (delivered_quantity >= 0),
    -- The item must be on the track's agenda (which names the track), and the meeting (if any) must belong to
    -- the track.
    constraint commitments_on_track_agenda foreign key (track_id, item_id, track_classification)
        references parley_data.track_agenda (track_id, item_id, effective_classification) on update cascade,
    constraint commitments_meeting_on_track foreign key (meeting_id, track_id, meeting_classification)
        references parley_data.meetings (id, track_id, effective_classification) on update cascade,
    constraint commitments_deal_id_fkey foreign key (deal_id, deal_classification)
        references parley_data.deals (id, classification) on update cascade
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.commitments');
-- By track and item (the agenda entry a commitment belongs to), carrying what the staff views count and date, so
-- that counting a track's or an agenda item's commitments reads this index only (an index-only scan): at a million
-- commitments, parley.agenda, parley.track_overview and parley.stale count 20 to 100 commitments per row.
create index commitments_track_idx on parley_data.commitments (track_id, item_id)
    include (status, effective_classification, due_on, made_on, last_update_on, status_changed_on);
create index commitments_item_idx on parley_data.commitments (item_id);
create index commitments_obligor_idx on parley_data.commitments (obligor_id);
-- Carrying status and classification: parley.people counts each person's open commitments from this index alone.
create index commitments_owner_idx on parley_data.commitments (owner_id) include (status, effective_classification);
-- Most commitments come from no particular meeting: only those that do are indexed. Commitments by deal are found
-- through the unique index on (deal_id, obligor_id, effective_classification). Every index is written by every change of a deadline or a
-- status (which no HOT update can avoid: both are indexed), so there is none to spare.
create index commitments_meeting_idx on parley_data.commitments (meeting_id) where meeting_id is not null;
-- Live commitments by deadline: what the overdue and due-soon questions walk.
create index commitments_live_due_idx on parley_data.commitments (due_on)
    where parley_data.commitment_is_live(status);
comment on table parley_data.commitments is
    'What a party promised on a track about an agenda item, by when, and how much. Delivery is recorded as commitment updates.';
comment on column parley_data.commitments.due_on is 'The deadline: the end of this day in the track''s time zone.';
comment on column parley_data.commitments.effective_classification is
    'The highest of the commitment''s own classification, its track''s and its meeting''s: the level it is kept and shown at (its partition).';

-- Allowed status changes. Leaving a status that is not live (fulfilled, breached, withdrawn, superseded) or going
-- back to pending needs an explicit reopen, which stamps commitments.reopened_at (and restarts the chase).
create table parley_data.commitment_transitions (
    from_status  parley.commitment_status not null,
    to_status    parley.commitment_status not null,
    primary key (from_status, to_status)
);
insert into parley_data.commitment_transitions (from_status, to_status)
select f, t
from unnest(enum_range(null::parley.commitment_status)) f,
     unnest(enum_range(null::parley.commitment_status)) t
where f <> t
  and parley_data.commitment_is_live(f)
  and t <> 'pending';
comment on table parley_data.commitment_transitions is
    'Status changes that need no reopen. Any other change (out of fulfilled, breached, withdrawn, superseded, or back to pending) must reopen the commitment.';
create table parley_data.commitment_beneficiaries (
    commitment_id             bigint not null,
    obligor_id                bigint not null,
    party_id                  bigint not null references parley_data.parties (id),
    effective_classification  parley.classification not null default 'unclassified',
    primary key (commitment_id, party_id, effective_classification),
    -- Carrying the obligor lets a plain CHECK refuse a party that would owe something to itself.
    constraint commitment_beneficiaries_commitment_fkey foreign key (commitment_id, obligor_id, effective_classification)
        references parley_data.commitments (id, obligor_id, effective_classification) on update cascade on delete cascade,
    constraint commitment_beneficiaries_not_obligor check (party_id <> obligor_id)
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.commitment_beneficiaries');
create index commitment_beneficiaries_party_idx on parley_data.commitment_beneficiaries (party_id);
comment on table parley_data.commitment_beneficiaries is 'The parties a commitment is owed to: one or more, never the obligor itself.';

create table parley_data.commitment_updates (
    id                    bigint generated always as identity,
    commitment_id         bigint not null,
    reported_on           date not null,
    delivered_quantity    numeric,
    new_status            parley.commitment_status,
    reopen                boolean not null default false,
    note                  text,
    source_id             bigint references parley_data.sources (id),
    reported_by_party_id  bigint references parley_data.parties (id),
    recorded_by_id        bigint references parley_data.people (id),
    verification          parley.verification not null default 'unverified',
    effective_classification  parley.classification not null default 'unclassified',
    created_at            timestamptz not null default now(),
    primary key (id, effective_classification),
    constraint commitment_updates_commitment_id_fkey foreign key (commitment_id, effective_classification)
        references parley_data.commitments (id, effective_classification) on update cascade on delete cascade,
    constraint commitment_updates_delivered_not_negative check (delivered_quantity >= 0),
    constraint commitment_updates_delivered_finite check (parley_data.is_finite(delivered_quantity)),
    constraint commitment_updates_note_length check (parley_data.is_free_text(note)),
    constraint commitment_updates_says_something check (
        delivered_quantity is not null or new_status is not null or nullif(btrim(note), '') is not null)
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.commitment_updates');
create index commitment_updates_commitment_idx on parley_data.commitment_updates (commitment_id, reported_on);
create index commitment_updates_reported_on_idx on parley_data.commitment_updates (reported_on);
comment on table parley_data.commitment_updates is
    'Reports of delivery against a commitment: how much was delivered (an increment), a new status, evidence and how it is verified.';
comment on column parley_data.commitment_updates.delivered_quantity is
    'Delivered in this stage (not a running total); progress is the sum over all updates against the target.';

create table parley_data.figures (
    id                        bigint generated always as identity,
    indicator                 text not null,
    item_id                   bigint references parley_data.agenda_items (id),
    value                     numeric not null,
    unit                      text,
    as_of                     date not null,
    claimant_id               bigint references parley_data.parties (id),
    source_id                 bigint references parley_data.sources (id),
    confidence                parley.confidence not null default 'reported',
    note                      text,
    classification            parley.classification not null default 'unclassified',
    created_at                timestamptz not null default now(),
    updated_at                timestamptz not null default now(),
    constraint figures_indicator_format check (parley_data.is_code(indicator)),
    constraint figures_value_finite check (parley_data.is_finite(value)),
    constraint figures_note_length check (parley_data.is_free_text(note)),
    primary key (id, classification),
    -- One figure per indicator, claimant, source and date at each level: adding it again corrects it.
    constraint figures_natural_key unique nulls not distinct (indicator, claimant_id, source_id, as_of, classification)
) partition by list (classification);
call parley_data.partition_by_level('parley_data.figures');
create index figures_indicator_idx on parley_data.figures (indicator, as_of desc);
create index figures_item_idx on parley_data.figures (item_id);
comment on table parley_data.figures is 'Numbers the parties report and dispute (children deported, bodies returned), each with its claimant, source and confidence.';

create table parley_data.follow_ups (
    id              bigint generated always as identity,
    code            text,
    commitment_id   bigint,
    meeting_id      bigint,
    track_id        bigint,
    assignee_id     bigint not null references parley_data.people (id),
    due_at          timestamptz not null,
    note            text not null,
    done_at         timestamptz,
    done_note       text,
    -- The level of what it is about: a follow-up is shown at its subject's level.
    effective_classification  parley.classification not null default 'unclassified',
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (id, effective_classification),
    constraint follow_ups_code_key unique (code, effective_classification),
    constraint follow_ups_commitment_id_fkey foreign key (commitment_id, effective_classification)
        references parley_data.commitments (id, effective_classification) on update cascade on delete cascade,
    constraint follow_ups_meeting_id_fkey foreign key (meeting_id, effective_classification)
        references parley_data.meetings (id, effective_classification) on update cascade on delete cascade,
    constraint follow_ups_track_id_fkey foreign key (track_id, effective_classification)
        references parley_data.tracks (id, classification) on update cascade on delete cascade,
    constraint follow_ups_code_format check (parley_data.is_code(code)),
    constraint follow_ups_one_subject check (num_nonnulls(commitment_id, meeting_id, track_id) = 1),
    constraint follow_ups_note_present check (btrim(note) <> ''),
    constraint follow_ups_note_length check (parley_data.is_free_text(note) and parley_data.is_free_text(done_note))
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.follow_ups');
create index follow_ups_assignee_idx on parley_data.follow_ups (assignee_id);
create index follow_ups_commitment_idx on parley_data.follow_ups (commitment_id);
create index follow_ups_meeting_idx on parley_data.follow_ups (meeting_id);
create index follow_ups_track_idx on parley_data.follow_ups (track_id);
create index follow_ups_open_due_idx on parley_data.follow_ups (due_at) where done_at is null;
comment on table parley_data.follow_ups is 'Things staff owe: chase a party, prepare a brief. About one commitment, meeting or track.';

create table parley_data.subscriptions (
    id            bigint generated always as identity,
    person_id     bigint not null references parley_data.people (id) on delete cascade,
    track_id      bigint,
    item_id       bigint references parley_data.agenda_items (id) on delete cascade,
    min_severity  parley.severity not null default 'info',
    -- The track's level (a subscription to a track names it); unclassified for one to an item or to everything.
    effective_classification  parley.classification not null default 'unclassified',
    created_at    timestamptz not null default now(),
    primary key (id, effective_classification),
    constraint subscriptions_track_id_fkey foreign key (track_id, effective_classification)
        references parley_data.tracks (id, classification) on update cascade on delete cascade,
    constraint subscriptions_untracked_unclassified check (track_id is not null or effective_classification = 'unclassified'),
    constraint subscriptions_natural_key
        unique nulls not distinct (person_id, track_id, item_id, effective_classification)
) partition by list (effective_classification);
call parley_data.partition_by_level('parley_data.subscriptions');
comment on table parley_data.subscriptions is
    'Who wants alerts beyond their own commitments: about a track, an item, or (both empty) everything, from a minimum severity.';

-- Settings staff may change. One row per setting; a session may override a setting for itself with a
-- configuration parameter of the same name (`set parley.stale_after_days = 14`).
create table parley_data.settings (
    key          text primary key,
    value        text not null,
    description  text not null,
    updated_at   timestamptz not null default now(),
    updated_by   name not null default session_user
);
comment on table parley_data.settings is 'Settings of the staff views (for now: after how many quiet days a commitment or agenda item is stale).';
insert into parley_data.settings (key, value, description) values
    ('stale_after_days', '30',
     'Days without activity after which an open commitment or a live agenda item is listed in parley.stale.');


-- A commitment's activity: made, updated, or its status changed. A pending commitment's status_changed_on is the
-- day it was recorded (or reopened) rather than anything the parties did, so it counts only for other statuses
-- (track_overview and agenda count activity the same way).

create index commitments_live_activity_idx on parley_data.commitments
    (greatest(made_on, last_update_on, case when status <> 'pending' then status_changed_on end))
    where parley_data.commitment_is_live(status);
comment on index parley_data.commitments_live_activity_idx is 'Live commitments by their last activity: what parley.stale walks.';

-- parley.commitments lists every commitment by deadline and code. Without an index in that order, a page
-- (`limit 50`) sorted all of them: 2–3 s at 1,000,000. With it, a page reads fifty index entries. The cost is one
-- more index entry per written row version; an update of a deadline or status already writes one in every index
-- of the table (those columns are indexed, so such updates are never HOT), so this adds one to a dozen.
create index commitments_listing_idx on parley_data.commitments (due_on nulls last, code);
comment on index parley_data.commitments_listing_idx is 'Commitments in the order parley.commitments lists them (deadline, then code).';

-- The partitions' indexes carry their parent's name and their level.
call parley_data.name_partition_indexes();
