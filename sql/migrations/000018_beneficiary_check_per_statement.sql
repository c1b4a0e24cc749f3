-- The check that a commitment is owed to somebody (040_model_rules) ran at commit once per commitment inserted:
-- an import of 20,000 commitments at L made 20,000 calls of a security-definer trigger function at its COMMIT
-- (0.26-0.44 s of the import). It now runs once per statement that inserted commitments, over all of that
-- statement's new commitments at once: the statement's trigger notes their ids in this table, and a deferred
-- constraint trigger on the note checks them at commit and deletes it.
set local role parley_owner;

-- Unlogged: a note never outlives the transaction that wrote it (the check deletes it, a rollback takes it back),
-- so there is nothing for the WAL to keep or a crash to lose; other transactions never see one.
create unlogged table parley_data.commitments_to_check (
    id              bigint generated always as identity primary key,
    commitment_ids  bigint[] not null
);
comment on table parley_data.commitments_to_check is
    'The commitments a statement of the current transaction inserted, one row per statement, until the deferred check that each is owed to somebody (commitments_have_beneficiary, 040_model_rules) checks them at commit and deletes the row. Empty outside a transaction.';

-- The check once per commitment, which 040 made before; it makes the new one.
drop trigger if exists commitments_have_beneficiary on parley_data.commitments;
drop function if exists parley_data.check_commitment_has_beneficiary();
