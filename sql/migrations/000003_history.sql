-- The change history: every insert, update and delete on the data tables, whoever made it and however (a
-- recording function, direct SQL by the owner, an import). It answers "who moved this deadline, and when, and
-- from what?".
--
-- Recorded by statement-level triggers reading the statement's transition tables: one insert into the history
-- per statement, however many rows it touched, so a bulk update of 100,000 rows stays one pass.
--
-- Nobody edits the history. Staff roles have no privilege on it at all (they read it through the views of
-- schema parley, which the views migration grants). Even parley_owner, which owns it, is refused an UPDATE,
-- DELETE or TRUNCATE, and an INSERT that does not come from the recording trigger, unless it first says, in the
-- same transaction, that it is doing maintenance (pruning old history, restoring it from a dump):
--     begin;
--     set local parley.change_log_maintenance = 'on';
--     delete from parley_data.change_log where changed_at < now() - interval '10 years';
--     commit;
-- The setting is a guard against accidents, not a permission: only roles that could already write the table get
-- past it.
set local role parley_owner;

-- The history is kept apart by level like the rows it copies (see 000002): a change is recorded at the higher of
-- the levels of the row before and after it, and raised with the row when the row is raised later (a track made
-- secret hides its past too). It is never lowered: what was written while a row was classified stays at that
-- level after the row is declassified ("what you may see now, as it was then").
create table parley_data.change_log (
    id              bigint generated always as identity,
    changed_at      timestamptz not null,
    transaction_id  xid8 not null,
    changed_by      name not null,
    table_name      text not null,
    row_id          text not null,
    operation       text not null check (operation in ('insert', 'update', 'delete', 'declassify')),
    old_row         jsonb,
    new_row         jsonb,
    classification  parley.classification not null default 'unclassified',
    reason          text,
    primary key (id, classification)
) partition by list (classification);
call parley_data.partition_by_level('parley_data.change_log');
create index change_log_row_idx on parley_data.change_log (table_name, row_id, id);
create index change_log_changed_at_idx on parley_data.change_log (changed_at);

comment on table parley_data.change_log is
    'The change history: one row per inserted, updated or deleted record of the data tables, with the values before and after, who made the change and when. Append-only.';
comment on column parley_data.change_log.changed_at is 'When the change was made: the start time of its transaction.';
comment on column parley_data.change_log.transaction_id is 'The transaction that made it; changes made together share it.';
comment on column parley_data.change_log.changed_by is
    'The login that made the change (session_user): the person, even when a recording function wrote on their behalf.';
comment on column parley_data.change_log.table_name is 'Which kind of record changed: commitments, tracks, meetings, ...';
comment on column parley_data.change_log.row_id is
    'The record''s key as text (its id; for a link such as a track membership, the key columns joined with commas).';
comment on column parley_data.change_log.operation is
    'insert, update or delete. An update that changes a record''s key is recorded as the delete of the old key and the insert of the new one; a TRUNCATE as the delete of every row. An update that lowers a record''s level is recorded twice: as the update, at the old level, and as ''declassify'' with the record as it became (new_row only), at the new level.';
comment on column parley_data.change_log.old_row is 'The record as it was, for an update or a delete.';
comment on column parley_data.change_log.new_row is 'The record as it became, for an insert or an update.';
comment on column parley_data.change_log.classification is
    'The level the change is shown at: the higher of the record''s level before and after it, raised when the record is raised later, never lowered.';
comment on column parley_data.change_log.reason is 'Why, when the change says so: a declassification''s reason.';

revoke all on parley_data.change_log from public, parley_reader, parley_writer, parley_daemon;

-- The partitions' indexes carry their parent's name and their level.
call parley_data.name_partition_indexes();
