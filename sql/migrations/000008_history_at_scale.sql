-- History and the staff's window at a million commitments (issue 15):
--
--   * the change log kept by year within each level, so that old years can be archived (detached, dumped, dropped;
--     sql/repeatable/060_history_years.sql and README, "Archiving old history");
--   * versions of commitments and of the agenda's status, each with the period it was valid (system-versioned in the
--     manner of SQL:2011), written by the transaction that changes the row: what "as of" questions read;
--   * the timeline stored as events, written when they happen, instead of a union worked out at every read;
--   * tallies of commitments per track, item, obligor and level, which the whole-table views sum instead of
--     counting a million rows.
-- Each is backfilled here from what the database holds. The functions and triggers that keep them are in
-- sql/repeatable/055_versions.sql, 060_history_years.sql, 070_timeline_events.sql and 080_commitment_tallies.sql.
--
-- Fixed after it was applied (2026-12-05): the versions' backfill now folds each update's entry into the state before
-- it (below). A database that applied the earlier text had no commitment update in its history (else that text
-- failed); it is not migrated again (at worst an agenda entry's note is missing from its versions before a status
-- change that kept it):
-- parley: also applied as sha256 28f8e0bd5ff86120ad855506c6934124158f19e53ee73cfc038d852ff1b4f33c
--
-- Every table here is kept apart by level (partitioned by the level its rows are shown at, like the tables of
-- 000002), so that row-level security (900_security) prunes what a reader may not see before anything is read.
set local role parley_owner;

-- The change log by year ----------------------------------------------------------------------------------------
--
-- Each level's part of the change log is itself divided by the year of changed_at (UTC): change_log_<level>_<year>,
-- plus change_log_<level>_default for a change in a year that has no partition yet (nothing is ever refused for
-- want of one; parley_data.prepare_history_years moves such rows where they belong). Row-level security still
-- prunes by level first: a reader's query never opens a partition of a level above their clearance, whatever year.
-- A unique key of a partitioned table must hold its partition keys, so the key is (id, changed_at, classification).

-- Creates the partitions of the years first_year..last_year under each level that lack one.
create procedure parley_data.add_change_log_years(first_year integer, last_year integer)
    language plpgsql as $$
declare
    level parley.classification;
    year integer;
begin
    foreach level in array enum_range(null::parley.classification) loop
        for year in first_year .. last_year loop
            if to_regclass(format('parley_data.change_log_%s_%s', level, year)) is null then
                execute format('create table parley_data.%I partition of parley_data.%I for values from (%L) to (%L)',
                               format('change_log_%s_%s', level, year), 'change_log_' || level,
                               make_timestamptz(year, 1, 1, 0, 0, 0, 'UTC'),
                               make_timestamptz(year + 1, 1, 1, 0, 0, 0, 'UTC'));
            end if;
        end loop;
    end loop;
    -- Twice: a year's index takes its name from its level's, which the first pass may have just renamed.
    call parley_data.name_partition_indexes();
    call parley_data.name_partition_indexes();
end
$$;
comment on procedure parley_data.add_change_log_years(integer, integer) is
    'Creates the yearly partitions of the change log (every level) for the years given that have none.';

-- The rows are copied once into their years; the indexes are built afterwards, which is quicker than keeping them
-- row by row.
drop index parley_data.change_log_row_idx;
drop index parley_data.change_log_changed_at_idx;
alter table parley_data.change_log drop constraint change_log_pkey;
do $$
declare
    level parley.classification;
    first_year integer;
    this_year constant integer := extract(year from now() at time zone 'UTC')::integer;
begin
    select coalesce(least(extract(year from min(l.changed_at) at time zone 'UTC')::integer, this_year), this_year)
      into first_year from parley_data.change_log l;
    foreach level in array enum_range(null::parley.classification) loop
        execute format('alter table parley_data.change_log detach partition parley_data.%I', 'change_log_' || level);
        execute format('alter table parley_data.%I rename to %I', 'change_log_' || level, 'change_log_' || level || '_before_years');
        execute format('create table parley_data.%I partition of parley_data.change_log for values in (%L) '
                       'partition by range (changed_at)', 'change_log_' || level, level);
        execute format('create table parley_data.%I partition of parley_data.%I default',
                       'change_log_' || level || '_default', 'change_log_' || level);
    end loop;
    call parley_data.add_change_log_years(first_year, this_year + 2);
    -- Through the parent, whose guard lets the owner write only when maintenance is declared (050_history).
    perform set_config('parley.change_log_maintenance', 'on', true);
    foreach level in array enum_range(null::parley.classification) loop
        execute format('insert into parley_data.change_log overriding system value select * from parley_data.%I',
                       'change_log_' || level || '_before_years');
        execute format('drop table parley_data.%I', 'change_log_' || level || '_before_years');
    end loop;
    perform set_config('parley.change_log_maintenance', '', true);
end
$$;
alter table parley_data.change_log add primary key (id, changed_at, classification);
create index change_log_row_idx on parley_data.change_log (table_name, row_id, id);
create index change_log_changed_at_idx on parley_data.change_log (changed_at);
call parley_data.name_partition_indexes();
call parley_data.name_partition_indexes();
revoke all on parley_data.change_log from public, parley_reader, parley_writer, parley_daemon;
comment on table parley_data.change_log is
    'The change history: one row per inserted, updated or deleted record of the data tables, with the values before and after (for an update: the fields that changed, and what names the record), who made the change and when. Append-only. Kept by level, then by year (change_log_<level>_<year>), so that old years can be archived.';
comment on column parley_data.change_log.old_row is 'The record as it was, for a delete; for an update, the fields that changed, as they were.';
comment on column parley_data.change_log.new_row is 'The record as it became, for an insert or a declassification; for an update, the fields that changed and those that name the record (its code, what it belongs to).';

-- Old years taken out of the database: what parley_data.detach_history_year recorded.
create table parley_data.history_archives (
    year         integer primary key,
    rows         bigint not null,
    detached_at  timestamptz not null default now(),
    detached_by  name not null default session_user,
    dropped_at   timestamptz,
    dropped_by   name,
    note         text,
    constraint history_archives_dropped_with_whom check ((dropped_at is null) = (dropped_by is null))
);
comment on table parley_data.history_archives is
    'Years of the change history taken out of the database: detached (the tables change_log_<level>_<year> stand alone, to be dumped), then dropped once the dump is kept elsewhere. parley.changes no longer shows them; parley.commitments_as_of still answers for them (it reads versions).';

-- Versions ------------------------------------------------------------------------------------------------------
--
-- Each state a record had, with the period it was valid: [valid_from, valid_to), valid_to 'infinity' for the state
-- it is in now. valid_from is the start of the transaction that made the state (now(), as the change log's
-- changed_at). A version is kept at the level it was shown at then, and raised with the record when the record is
-- raised (a track made secret hides its past too); never lowered: a declassified record's earlier versions stay at
-- their level, its versions from then on are at the new one ("what you may see now, as it was then"). So
-- `classification` (where it is kept, what row-level security compares) may be above effective_classification
-- (the record's own level in that state).

create table parley_data.commitment_versions (
    commitment_id             bigint not null,
    valid_from                timestamptz not null,
    valid_to                  timestamptz not null default 'infinity',
    code                      text not null,
    track_id                  bigint not null,
    item_id                   bigint not null,
    obligor_id                bigint not null,
    text                      text not null,
    made_on                   date not null,
    due_on                    date,
    status                    parley.commitment_status not null,
    target_quantity           numeric,
    unit                      text,
    delivered_quantity        numeric not null,
    owner_id                  bigint,
    effective_classification  parley.classification not null,
    recorded_by               name,
    classification            parley.classification not null,
    primary key (commitment_id, valid_from, classification),
    constraint commitment_versions_period check (valid_from < valid_to),
    constraint commitment_versions_level check (classification >= effective_classification)
) partition by list (classification);
call parley_data.partition_by_level('parley_data.commitment_versions');
-- Closing a version (valid_to) changes no indexed column: with room on the page the update stays there (HOT).
do $$
declare
    level parley.classification;
begin
    foreach level in array enum_range(null::parley.classification) loop
        execute format('alter table parley_data.%I set (fillfactor = 90)', 'commitment_versions_' || level);
    end loop;
end
$$;
-- "As of" by track, by obligor, by item, and a page in the order it lists them (deadline, then id).
create index commitment_versions_track_idx on parley_data.commitment_versions (track_id);
create index commitment_versions_obligor_idx on parley_data.commitment_versions (obligor_id);
create index commitment_versions_item_idx on parley_data.commitment_versions (item_id);
create index commitment_versions_listing_idx on parley_data.commitment_versions (due_on, commitment_id);
comment on table parley_data.commitment_versions is
    'Every state each commitment has had, with the period it was valid (valid_to infinity: its state now); what parley.commitments_as_of reads. Written by the statement that changes the commitment.';
comment on column parley_data.commitment_versions.valid_from is 'When this state began: the start of the transaction that made it.';
comment on column parley_data.commitment_versions.valid_to is 'When it ended (the next change, or the deletion); infinity while it is the commitment''s state.';
comment on column parley_data.commitment_versions.effective_classification is 'The commitment''s level in this state.';
comment on column parley_data.commitment_versions.recorded_by is 'Who made this state (the login); empty for a state recorded before the history was kept.';
comment on column parley_data.commitment_versions.classification is
    'The level the version is kept and shown at: its own, raised with the commitment later, never lowered.';

create table parley_data.agenda_versions (
    track_id                  bigint not null,
    item_id                   bigint not null,
    valid_from                timestamptz not null,
    valid_to                  timestamptz not null default 'infinity',
    status                    parley.agenda_status not null,
    status_since              date not null,
    note                      text,
    effective_classification  parley.classification not null,
    recorded_by               name,
    classification            parley.classification not null,
    primary key (track_id, item_id, valid_from, classification),
    constraint agenda_versions_period check (valid_from < valid_to),
    constraint agenda_versions_level check (classification >= effective_classification)
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agenda_versions');
comment on table parley_data.agenda_versions is
    'Every status each item has had on each track''s agenda, with the period it was valid; what parley.agenda_as_of reads.';

-- Backfill from the change history. The state at a moment was, for the old parley.commitments_as_of, the latest
-- entry (by id) recorded at or before it; so an entry's state holds from its changed_at until the earliest
-- changed_at of any later entry, and an entry overtaken at once (a declassification's update entry, two changes
-- in one transaction) holds for no time at all and makes no version. A deletion ends the one before it. A version
-- is kept at its entry's level (the history's levels were raised and lowered exactly as versions are).
-- An update's entry holds only the fields it changed (and what names the record), so each entry's state is folded:
-- the record's entries up to it merged in order, each field as the latest entry that has it says (an insert's and
-- a declassification's entries hold them all; a deletion's holds none). Without the fold, the first update in the
-- history made a version with its other fields empty, and the migration failed on their not-null constraints.
create aggregate parley_data.merged_in_order(jsonb) (sfunc = pg_catalog.jsonb_concat, stype = jsonb, initcond = '{}');
insert into parley_data.commitment_versions
      (commitment_id, valid_from, valid_to, code, track_id, item_id, obligor_id, text, made_on, due_on, status,
       target_quantity, unit, delivered_quantity, owner_id, effective_classification, recorded_by, classification)
select e.row_id::bigint, e.changed_at, e.valid_to, c.code, c.track_id, c.item_id, c.obligor_id, c.text, c.made_on,
       c.due_on, c.status, c.target_quantity, c.unit, c.delivered_quantity, c.owner_id,
       least(c.effective_classification, e.classification), e.changed_by, e.classification
  from (select l.row_id, l.id, l.changed_at, l.changed_by, l.operation, l.classification,
               parley_data.merged_in_order(l.new_row) over (partition by l.row_id order by l.id) as state,
               coalesce(min(l.changed_at) over (partition by l.row_id order by l.id
                                                rows between 1 following and unbounded following),
                        'infinity') as valid_to
          from parley_data.change_log l
         where l.table_name = 'commitments') e
 cross join lateral jsonb_populate_record(null::parley_data.commitments, e.state) c
 where e.operation <> 'delete' and e.valid_to > e.changed_at;
-- Commitments with no history at all (recorded before it was kept, or pruned from it): as they are now, since
-- they were created.
insert into parley_data.commitment_versions
      (commitment_id, valid_from, code, track_id, item_id, obligor_id, text, made_on, due_on, status, target_quantity,
       unit, delivered_quantity, owner_id, effective_classification, classification)
select c.id, c.created_at, c.code, c.track_id, c.item_id, c.obligor_id, c.text, c.made_on, c.due_on, c.status,
       c.target_quantity, c.unit, c.delivered_quantity, c.owner_id, c.effective_classification,
       c.effective_classification
  from parley_data.commitments c
 where not exists (select 1 from parley_data.change_log l where l.table_name = 'commitments' and l.row_id = c.id::text);

insert into parley_data.agenda_versions
      (track_id, item_id, valid_from, valid_to, status, status_since, note, effective_classification, recorded_by,
       classification)
select a.track_id, a.item_id, e.changed_at, e.valid_to, a.status, a.status_since, a.note,
       least(a.effective_classification, e.classification), e.changed_by, e.classification
  from (select l.row_id, l.id, l.changed_at, l.changed_by, l.operation, l.classification,
               parley_data.merged_in_order(l.new_row) over (partition by l.row_id order by l.id) as state,
               coalesce(min(l.changed_at) over (partition by l.row_id order by l.id
                                                rows between 1 following and unbounded following),
                        'infinity') as valid_to
          from parley_data.change_log l
         where l.table_name = 'track_agenda') e
 cross join lateral jsonb_populate_record(null::parley_data.track_agenda, e.state) a
 where e.operation <> 'delete' and e.valid_to > e.changed_at;
insert into parley_data.agenda_versions
      (track_id, item_id, valid_from, status, status_since, note, effective_classification, classification)
select a.track_id, a.item_id, a.created_at, a.status, a.status_since, a.note, a.effective_classification,
       a.effective_classification
  from parley_data.track_agenda a
 where not exists (select 1 from parley_data.change_log l
                    where l.table_name = 'track_agenda' and l.row_id = a.track_id || ',' || a.item_id);
drop aggregate parley_data.merged_in_order(jsonb);

-- The timeline ----------------------------------------------------------------------------------------------------
--
-- One row per event, written by the transaction in which it happens. Two sorts of kind:
--   * events that tell of a record as it is (a meeting held, a commitment made, an update, a position, a figure):
--     re-derived whenever the record or what it names changes, and kept at the record's level;
--   * events that tell of a change (a status changed): written once, when the change is made,
--     with what it changed from and to, kept at the higher of the levels before and after it, raised with the
--     record later, never lowered (as the change history).
-- A kind is a row of timeline_kinds: another part of Parley adds its own (an agreement signed, in force, renewed,
-- suspended, withdrawn, expired) with a migration that inserts the kind and a trigger on its table that writes its
-- events (sql/repeatable/070_timeline_events.sql says how).

create table parley_data.timeline_kinds (
    kind         text primary key,
    shown_as     text not null,
    subject      text not null,
    tells_of     text not null,
    description  text not null,
    constraint timeline_kinds_tells_of check (tells_of in ('record', 'change'))
);
comment on table parley_data.timeline_kinds is
    'The kinds of event of the timeline: what each is shown as, the table it is written from (subject), and whether it tells of a record as it is (re-derived when the record changes) or of a change (written once, when made).';
insert into parley_data.timeline_kinds (kind, shown_as, subject, tells_of, description) values
    ('meeting_held', 'meeting held', 'meetings', 'record', 'A meeting that was held, with its outcome.'),
    ('commitment_made', 'commitment made', 'commitments', 'record', 'A commitment, on the day it was made, with its deadline as it is now.'),
    ('update_recorded', 'update recorded', 'commitment_updates', 'record', 'A report of delivery against a commitment.'),
    ('commitment_status_changed', 'status changed', 'commitments', 'change', 'A commitment''s status changed directly (not by a recorded update, which is an event of its own).'),
    ('commitment_deadline_moved', 'deadline moved', 'commitments', 'change', 'A commitment''s deadline moved (parley.change_due_date, update_commitment), dated the day it was recorded on the track''s clock.'),
    ('agenda_status_changed', 'status changed', 'track_agenda', 'change', 'An item was put on a track''s agenda, or its status there changed.'),
    ('track_status_changed', 'status changed', 'tracks', 'change', 'A track''s status changed (active, paused, concluded).'),
    ('position_stated', 'position stated', 'positions', 'record', 'A party stated its stance on an item.'),
    ('figure_reported', 'figure reported', 'figures', 'record', 'A party or a source reported a figure.');

create table parley_data.timeline_events (
    id              bigint generated always as identity,
    kind            text not null references parley_data.timeline_kinds (kind),
    occurred_on     date not null,
    -- What it is about: the id of the record of its kind's subject table (for an agenda entry, the track; item_id
    -- says which item), and the records it names.
    subject_id      bigint not null,
    track_id        bigint,
    item_id         bigint,
    party_id        bigint,
    source_id       bigint,
    -- For an event that tells of a change: the value before and after.
    old_value       text,
    new_value       text,
    -- As the timeline shows it (codes and names as they are now): rendered when written, again when what it names
    -- changes.
    shown_kind      text not null,
    track           text,
    item            text,
    party           text,
    ref             text,
    description     text not null,
    source          text,
    source_url      text,
    classification  parley.classification not null,
    recorded_at     timestamptz not null default now(),
    primary key (id, classification)
) partition by list (classification);
call parley_data.partition_by_level('parley_data.timeline_events');
-- The newest or oldest page, a track's events, general events about an item (positions stated without a track,
-- figures), and the events of a record (to re-derive them when it changes).
create index timeline_events_occurred_idx on parley_data.timeline_events (occurred_on);
create index timeline_events_track_idx on parley_data.timeline_events (track, occurred_on);
create index timeline_events_item_idx on parley_data.timeline_events (item, occurred_on) where track is null;
create index timeline_events_subject_idx on parley_data.timeline_events (subject_id, kind);
comment on table parley_data.timeline_events is
    'The timeline, one row per event, written when it happens (parley.timeline shows it). See timeline_kinds.';

-- Events that tell of a change are facts of the moment: taken from the change history here (their wording is
-- rendered by the rebuild asked for below). A commitment's status set by a recorded update is the update's event
-- already; only direct changes are status events.
insert into parley_data.timeline_events (kind, occurred_on, subject_id, track_id, item_id, party_id, old_value,
                                         new_value, shown_kind, description, classification, recorded_at)
select 'commitment_status_changed', coalesce((l.new_row ->> 'status_changed_on')::date, l.changed_at::date),
       l.row_id::bigint, (l.new_row ->> 'track_id')::bigint, (l.new_row ->> 'item_id')::bigint,
       (l.new_row ->> 'obligor_id')::bigint, l.old_row ->> 'status', l.new_row ->> 'status', 'status changed', '',
       l.classification, l.changed_at
  from parley_data.change_log l
 where l.table_name = 'commitments' and l.operation = 'update'
   and (l.old_row ->> 'status') is distinct from (l.new_row ->> 'status')
   and not exists (select 1 from parley_data.commitment_updates u
                    where u.commitment_id = l.row_id::bigint and u.created_at = l.changed_at
                      and u.new_status::text = (l.new_row ->> 'status'));
-- A deadline moved: the day it was recorded, on the track's clock (the history does not say when the parties moved
-- it).
insert into parley_data.timeline_events (kind, occurred_on, subject_id, track_id, item_id, party_id, old_value,
                                         new_value, shown_kind, description, classification, recorded_at)
select 'commitment_deadline_moved', (l.changed_at at time zone t.timezone)::date, c.id, c.track_id, c.item_id,
       c.obligor_id, l.old_row ->> 'due_on', l.new_row ->> 'due_on', 'deadline moved', '', l.classification,
       l.changed_at
  from parley_data.change_log l
  join parley_data.commitments c on c.id = l.row_id::bigint
  join parley_data.tracks t on t.id = c.track_id
 where l.table_name = 'commitments' and l.operation = 'update'
   and (l.old_row ->> 'due_on') is distinct from (l.new_row ->> 'due_on');
insert into parley_data.timeline_events (kind, occurred_on, subject_id, track_id, item_id, old_value, new_value,
                                         shown_kind, description, classification, recorded_at)
select 'agenda_status_changed', coalesce((l.new_row ->> 'status_since')::date, l.changed_at::date),
       (l.new_row ->> 'track_id')::bigint, (l.new_row ->> 'track_id')::bigint, (l.new_row ->> 'item_id')::bigint,
       l.old_row ->> 'status', l.new_row ->> 'status', 'status changed', '', l.classification, l.changed_at
  from parley_data.change_log l
 where l.table_name = 'track_agenda' and l.operation in ('insert', 'update')
   and (l.old_row ->> 'status') is distinct from (l.new_row ->> 'status');
insert into parley_data.timeline_events (kind, occurred_on, subject_id, track_id, old_value, new_value, shown_kind,
                                         description, classification, recorded_at)
select 'track_status_changed', (l.changed_at at time zone t.timezone)::date, t.id, t.id, l.old_row ->> 'status',
       l.new_row ->> 'status', 'status changed', '', l.classification, l.changed_at
  from parley_data.change_log l
  join parley_data.tracks t on t.id = l.row_id::bigint
 where l.table_name = 'tracks' and l.operation = 'update'
   and (l.old_row ->> 'status') is distinct from (l.new_row ->> 'status');

-- Tallies ---------------------------------------------------------------------------------------------------------
--
-- How many commitments there are per track, item, obligor and level, by status, with what the whole-table views
-- need besides (fulfilled by the deadline, fulfilled with one, the last activity). Kept per level: a view sums the
-- levels its reader may see (row-level security leaves the others unread), so no total ever includes a commitment
-- above the reader's clearance. What depends on today's date (overdue, deadlines passed) is not tallied: the views
-- count it from the index on live commitments by deadline.
create table parley_data.commitment_tallies (
    track_id                 bigint not null,
    item_id                  bigint not null,
    obligor_id               bigint not null,
    classification           parley.classification not null,
    made                     integer not null,
    pending                  integer not null,
    in_progress              integer not null,
    partially_fulfilled      integer not null,
    fulfilled                integer not null,
    breached                 integer not null,
    withdrawn                integer not null,
    superseded               integer not null,
    open                     integer not null,
    lapsed                   integer not null,
    fulfilled_on_time        integer not null,
    fulfilled_with_deadline  integer not null,
    last_activity_on         date,
    primary key (track_id, item_id, obligor_id, classification),
    constraint commitment_tallies_add_up check (
        made = pending + in_progress + partially_fulfilled + fulfilled + breached + withdrawn + superseded and made > 0)
) partition by list (classification);
call parley_data.partition_by_level('parley_data.commitment_tallies');
comment on table parley_data.commitment_tallies is
    'How many commitments each obligor made on each track and item, at each level, by status; kept by statement-level triggers on commitments (080_commitment_tallies) and summed by parley.agenda, track_overview and compliance over the levels the reader may see.';
comment on column parley_data.commitment_tallies.open is
    'Still owed: live (parley_data.commitment_is_live) and not a provision of an agreement that has ended (frozen_on empty).';
comment on column parley_data.commitment_tallies.lapsed is
    'Pending or in progress when the agreement they are provisions of ended (frozen_on set): no longer owed (parley.compliance.lapsed).';
comment on column parley_data.commitment_tallies.fulfilled_on_time is 'Fulfilled, with the status changed on or before the deadline.';
comment on column parley_data.commitment_tallies.fulfilled_with_deadline is 'Fulfilled, with a deadline.';
comment on column parley_data.commitment_tallies.last_activity_on is
    'The latest day one of them was made, updated, or changed status (other than to pending).';

-- Open commitments per owner and level: what parley.people shows for each person (a thousand commitments each at
-- a million), kept by the same triggers as the tallies above.
create table parley_data.owner_tallies (
    owner_id          bigint not null,
    classification    parley.classification not null,
    open_commitments  integer not null,
    primary key (owner_id, classification),
    constraint owner_tallies_positive check (open_commitments > 0)
) partition by list (classification);
call parley_data.partition_by_level('parley_data.owner_tallies');
comment on table parley_data.owner_tallies is
    'How many open commitments (live, and not a provision of an agreement that has ended) each person owns, at each level; kept by statement-level triggers on commitments (080_commitment_tallies), summed by parley.people over the levels the reader may see.';

-- Indexes for the staff views at a million commitments (BENCHMARKS.md) ---------------------------------------------

-- What depends on today's date is not something a tally can hold: parley.track_overview counts each track's overdue
-- commitments, parley.compliance each party's deadlines passed on each track, from the live (and breached)
-- commitments whose deadline is past. With the track, the obligor and the level (which row-level security compares)
-- in the index, that is read from the index alone (130,000 entries at a million commitments) instead of every
-- commitment's entry by track. The live index
-- is written by every change of a live commitment's deadline anyway; the breached one only for breached rows.
drop index parley_data.commitments_live_due_idx;
create index commitments_live_due_idx on parley_data.commitments (due_on) include (track_id, obligor_id, effective_classification)
    where parley_data.commitment_is_live(status);
comment on index parley_data.commitments_live_due_idx is 'Live commitments by deadline, with their track and obligor: what overdue questions walk.';
create index commitments_breached_due_idx on parley_data.commitments (due_on) include (track_id, obligor_id, effective_classification)
    where status = 'breached';
comment on index parley_data.commitments_breached_due_idx is 'Breached commitments by deadline: what parley.compliance counts as deadlines passed.';

-- parley.parties lists each party's tracks and roles: with these in the index, memberships are read from it alone
-- (a party is on a hundred tracks at a million commitments, each membership on a page of its own).
drop index parley_data.track_members_party_idx;
create index track_members_party_idx on parley_data.track_members (party_id) include (track_id, role);

-- parley.people counts each person's open follow-ups: from this index alone.
create index follow_ups_open_assignee_idx on parley_data.follow_ups (assignee_id) where done_at is null;

-- Derived data asked for ------------------------------------------------------------------------------------------
--
-- What can be worked out again from the tables at any time (the timeline's wording and its events that tell of a
-- record, the tallies) is built by functions of the repeatable files; a migration that needs it built asks here,
-- and sql/repeatable/990_asked_rebuilds.sql, applied after every migration, builds what was asked and clears it.
create table parley_data.rebuilds_asked (
    what      text primary key,
    asked_at  timestamptz not null default now()
);
comment on table parley_data.rebuilds_asked is
    'Derived data a migration asked to be built again; built and cleared by the repeatable file 990_asked_rebuilds.';
insert into parley_data.rebuilds_asked (what) values ('timeline'), ('commitment_tallies');


-- The partitions' indexes carry their parent's name and their level.
call parley_data.name_partition_indexes();

-- Nobody but the owner writes these; staff read the versions, the timeline and the tallies through the views (the
-- grants are in 900_security).
revoke all on parley_data.commitment_versions, parley_data.agenda_versions, parley_data.timeline_events,
    parley_data.timeline_kinds, parley_data.commitment_tallies, parley_data.owner_tallies, parley_data.history_archives,
    parley_data.rebuilds_asked
from public;
