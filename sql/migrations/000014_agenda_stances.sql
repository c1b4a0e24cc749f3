-- Each party's latest stance on each agenda entry, stored per clearance (issue 15, item 3: parley.agenda whole
-- within 1 s at L).
--
-- parley.agenda gives each entry (track and item) each party's latest stance: on the track, or stated generally by
-- a member of the track. It worked them out for every entry at every read: the members' general positions joined to
-- every entry (600,000 rows at a million commitments), then the latest per party: about two thirds of the view's
-- time at L. They are now kept in parley_data.agenda_stances, worked out again for the queued entries by the same
-- refresh as their last activity (000013, 085_agenda_activity): a statement that changes a position, a membership or
-- the agenda already queues the entries it touches (agenda_activity_queue), and writers never write the stored rows,
-- so no writer waits for another. parley.agenda reads the stored stances of the entries not queued and works the
-- queued ones out as it did before, so it stays exact without the daemon.
--
-- What a reader may see depends on their clearance: a secret position, or a secret membership, counts only for a
-- reader cleared for secret. So an entry's stances are kept once per clearance it is shown to (its own level and
-- each above), each worked out from the positions and members at that clearance or below, in the partition of that
-- level, which row-level security leaves unread for a reader cleared lower (900_security). A reader reads the rows
-- of their own clearance. The party's name is not kept: parley.agenda joins it, so that a renamed party reads
-- under its new name at once.
set local role parley_owner;

create table parley_data.agenda_stances (
    track_id              bigint not null,
    item_id               bigint not null,
    -- The agenda entry's own level (its track's): the lowest clearance it is shown to.
    entry_classification  parley.classification not null,
    -- The clearance this stance is worked out for: what a reader cleared exactly this high sees.
    clearance             parley.classification not null,
    party_id              bigint not null,
    stance                parley.stance not null,
    stated_on             date not null,
    primary key (track_id, item_id, clearance, party_id),
    constraint agenda_stances_seen_by_cleared check (clearance >= entry_classification)
) partition by list (clearance);
call parley_data.partition_by_level('parley_data.agenda_stances');
comment on table parley_data.agenda_stances is
    'Each party''s latest stance on each agenda entry (track and item) as a reader of each clearance sees it, one set of rows per clearance from the entry''s level up: the latest position of the party on the item on the track, or stated generally while the party is a member of the track (the one on the track when both are of the same day), counting only positions and memberships at that clearance or below. Worked out again for the queued entries (agenda_activity_queue) by parley_data.refresh_agenda_activity (085_agenda_activity); what parley.agenda reads.';
comment on column parley_data.agenda_stances.entry_classification is
    'The agenda entry''s level (its track''s): it has rows for this clearance and each above.';
comment on column parley_data.agenda_stances.clearance is
    'The clearance this stance is for: worked out from the positions and memberships at this level or below only, and kept in this level''s partition.';
comment on column parley_data.agenda_stances.stated_on is
    'The date of the party''s latest position on the item (on the track, or general) at this clearance or below.';

call parley_data.name_partition_indexes();

-- Nobody but the owner writes it; staff read it through parley.agenda (the grants are in 900_security).
revoke all on parley_data.agenda_stances from public;

-- Worked out for the entries recorded so far by sql/repeatable/990_asked_rebuilds.sql: rebuilding the agenda
-- entries' last activity (085_agenda_activity) rebuilds their stances too. Derived data: no change history.
insert into parley_data.rebuilds_asked (what) values ('agenda_activity') on conflict (what) do nothing;
