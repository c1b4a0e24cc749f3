-- The last activity of each agenda entry, stored per clearance, and the queue of entries to work out again
-- (issue 15, item 3: parley.stale within target at L).
--
-- parley.stale lists open commitments and live agenda entries quiet for longer than the threshold, quietest first.
-- An entry's last activity was worked out for every live entry from its commitments' tallies and the positions
-- stated on it, so a page (`limit 50`) built and sorted the whole list: 1.2–1.8 s at a million commitments. It is
-- now kept in parley_data.agenda_activity, so that parley.stale reads both its parts from an index in date order.
--
-- What a reader may see of an entry's activity depends on their clearance: a secret commitment or position on an
-- unclassified entry is activity only for a reader cleared for secret. So the date is kept once per clearance the
-- entry is shown to (its own level and each above): the row for `clearance` is worked out from the commitments,
-- positions and members at that level or below only, and is kept in the partition of that level, which row-level
-- security leaves unread for a reader cleared lower (900_security). A reader reads the rows of their own clearance.
--
-- Writers never write it. An earlier design worked the rows out again in the writers' own triggers (delete and
-- insert of the entry's rows): a transaction left open after recording an update then held its entry's rows, and
-- every other writer to that entry waited until it ended, then failed on the primary key (CI drill 4). Here a
-- statement that changes what an entry's activity is worked out from only appends the entry to
-- parley_data.agenda_activity_queue, a table with no unique key, so no writer ever waits for another. The leader
-- daemon works the queued entries out again at each plan (parley_data.refresh_agenda_activity, 085_agenda_activity),
-- and parley.stale stays exact meanwhile: it reads the stored rows of the entries not queued, and works the queued
-- ones (few) out as it did before.
set local role parley_owner;

create table parley_data.agenda_activity (
    track_id              bigint not null,
    item_id               bigint not null,
    -- The agenda entry's own level (its track's): the lowest clearance it is shown to.
    entry_classification  parley.classification not null,
    -- The clearance this date is worked out for: what a reader cleared exactly this high sees.
    clearance             parley.classification not null,
    last_activity_on      date not null,
    primary key (track_id, item_id, clearance),
    constraint agenda_activity_seen_by_cleared check (clearance >= entry_classification)
) partition by list (clearance);
call parley_data.partition_by_level('parley_data.agenda_activity');
comment on table parley_data.agenda_activity is
    'The last activity of each agenda entry (track and item) as a reader of each clearance sees it, one row per clearance from the entry''s level up: the latest of its status date, its commitments'' activity and the positions stated on it (on the track, or generally by a member of the track), counting only those at that clearance or below. Worked out again for the queued entries by parley_data.refresh_agenda_activity (085_agenda_activity); what parley.stale walks in date order.';
comment on column parley_data.agenda_activity.entry_classification is
    'The agenda entry''s level (its track''s): it has a row for this clearance and each above.';
comment on column parley_data.agenda_activity.clearance is
    'The clearance this date is for: worked out from the records at this level or below only, and kept in this level''s partition.';
comment on column parley_data.agenda_activity.last_activity_on is
    'The latest of the entry''s status date (status_since), the last activity of its commitments (commitment_tallies.last_activity_on) and the dates of the positions stated on the item on the track or generally by a member of the track, at this clearance or below.';

-- Quietest first: a page of parley.stale reads the first entries of the reader's clearance.
create index agenda_activity_last_idx on parley_data.agenda_activity (last_activity_on)
    include (track_id, item_id, entry_classification);
comment on index parley_data.agenda_activity_last_idx is
    'Agenda entries by their last activity (per clearance): what parley.stale walks.';

-- The entries whose stored activity may be out of date: appended to by the writers' statement triggers, emptied by
-- parley_data.refresh_agenda_activity. No key, nothing unique: an insert never waits for another transaction, and
-- an entry may be queued several times. Each row at the level of the record written (a secret commitment on an
-- unclassified entry: secret), in that level's partition: the entry's stored rows for the clearances below do not
-- count that record, so a reader cleared lower reads them and never sees the queue row (row-level security, as for
-- every table partitioned by level: 900_security), not even in a plan's counts.
create table parley_data.agenda_activity_queue (
    -- Only to tell two rows of one entry apart (parley.stale gives the entry once): a sequence never waits.
    id              bigint generated always as identity,
    track_id        bigint not null,
    item_id         bigint not null,
    classification  parley.classification not null,
    queued_at       timestamptz not null default now()
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agenda_activity_queue');
comment on table parley_data.agenda_activity_queue is
    'Agenda entries (track and item) whose stored last activity (agenda_activity) is to be worked out again: appended to by the triggers of commitments, positions, track members and the agenda, emptied by refresh_agenda_activity. parley.stale works a queued entry''s activity out from the records instead of reading it.';
comment on column parley_data.agenda_activity_queue.classification is
    'The level of the record whose change queued the entry: the clearances from this level up may see the entry''s stored rows out of date.';
comment on column parley_data.agenda_activity_queue.queued_at is
    'When the statement that queued it started (its transaction''s now()).';
create index agenda_activity_queue_entry_idx on parley_data.agenda_activity_queue (track_id, item_id);
comment on index parley_data.agenda_activity_queue_entry_idx is
    'Queued entries by track and item: whether parley.stale reads an entry''s stored activity or works it out.';

call parley_data.name_partition_indexes();

-- Nobody but the owner writes them; staff read them through parley.stale (the grants are in 900_security).
revoke all on parley_data.agenda_activity, parley_data.agenda_activity_queue from public;

-- Worked out for the entries recorded so far by sql/repeatable/990_asked_rebuilds.sql, once the functions of
-- 085_agenda_activity are in place. Derived data: no change history is written for it.
insert into parley_data.rebuilds_asked (what) values ('agenda_activity');
