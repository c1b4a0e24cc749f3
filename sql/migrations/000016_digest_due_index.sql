-- The mailer's claim finds the digests due again without reading the rounds in flight, and a mark writes one index
-- entry fewer per delivery (issue 17, item 1).
--
-- parley.claim_round first takes whole the digests an earlier claim fixed that are due again: pending after a
-- failed attempt (or a release) with their digest kept, or claimed by a run whose lease ran out. It found them in
-- deliveries_digest_idx (every delivery in a digest, pending or sending), which holds every delivery that a running
-- mailer has claimed and not yet marked, and the entries each mark leaves dead until the index is next vacuumed:
-- each round read them all again to find, almost always, none (at M 125,000-450,000 buffer reads and 130-480 ms of
-- a run of 20,000 deliveries, the more the two rounds in flight kept the dead entries from being cleared). The
-- lapsed claims are found in deliveries_leased_idx by their lease (only those whose lease ran out are read); the
-- pending ones in this index, which holds only deliveries that wait again in a digest: the claim and the mark of
-- a round never write it.
set local role parley_owner;

create index deliveries_digest_due_idx on parley_data.deliveries (send_after)
    where state = 'pending' and digest_message_id is not null;
comment on index parley_data.deliveries_digest_due_idx is
    'Deliveries that wait again in a digest an earlier claim fixed (a failed attempt, a release), by when they fall due: what parley.claim_round takes first.';

call parley_data.name_partition_indexes();

-- The index on sent deliveries by when they went out is read by nothing (parley.alert_log lists them by
-- deliveries_log_idx; no query asks for deliveries by sent_at), but every delivery marked sent wrote an entry in it:
-- one of the five index entries a mark writes (about 14 % of the mark's WAL records at M).
drop index parley_data.deliveries_sent_idx;
