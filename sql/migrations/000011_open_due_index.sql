-- Overdue commitments counted from an index alone (issue 15, item 3: whole-table aggregates at a million commitments).
--
-- parley.track_overview counts each track's overdue commitments: live, not a provision of an agreement that has
-- ended (frozen_on empty), deadline passed on the track's clock. The index on live commitments by deadline (000008)
-- carries the track and the level but not frozen_on, so at L each reader's count visited the table for every live
-- commitment past its deadline (about 7,600 heap pages, and a sequential scan of a partition whose estimates are
-- rough, 127,000 rows, for the cleared reader) to leave out the frozen ones. This index holds exactly the open
-- commitments by deadline, with their track and level, so the count is read from the index alone. It is written
-- only for open commitments, as the live one is; parley.overdue_commitments (open and overdue) can use it too.
-- The live index stays: parley.compliance counts deadlines passed of live commitments, frozen or not.
set local role parley_owner;

create index commitments_open_due_idx on parley_data.commitments (due_on) include (track_id, effective_classification)
    where parley_data.commitment_is_live(status) and frozen_on is null;
comment on index parley_data.commitments_open_due_idx is
    'Open commitments (live, not frozen by an agreement''s end) by deadline, with their track: what parley.track_overview counts as overdue, from the index alone.';

call parley_data.name_partition_indexes();
