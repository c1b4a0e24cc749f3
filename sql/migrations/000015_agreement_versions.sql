-- Versions of agreements (issue 15, item 1: "agreements and the agenda's status get the same"): each state of an
-- agreement, with the period it was valid, as commitment_versions and agenda_versions (000008) keep theirs; what
-- parley.agreements_as_of reads. Written by the statement that changes the agreement (the trigger
-- parley_data.record_versions, sql/repeatable/055_versions.sql); backfilled here from the change history.
set local role parley_owner;

-- A version holds the agreement's own columns (what it was called, its status and days, where it was signed, its
-- owner and source), not the tracks and parties it has (tables of their own, named as they are now). It is kept at
-- the agreement's level then, raised with the agreement later, never lowered, as commitment versions are.
create table parley_data.agreement_versions (
    agreement_id    bigint not null,
    valid_from      timestamptz not null,
    valid_to        timestamptz not null default 'infinity',
    code            text not null,
    title           text not null,
    kind            parley.agreement_kind not null,
    status          parley.agreement_status not null,
    status_since    date,
    signed_on       date,
    in_force_on     date,
    ended_on        date,
    signed_at       text,
    timezone        text not null,
    summary         text,
    owner_id        bigint,
    source_id       bigint,
    recorded_by     name,
    classification  parley.classification not null,
    primary key (agreement_id, valid_from, classification),
    constraint agreement_versions_period check (valid_from < valid_to)
) partition by list (classification);
call parley_data.partition_by_level('parley_data.agreement_versions');
-- Closing a version (valid_to) changes no indexed column: with room on the page the update stays there (HOT).
do $$
declare
    level parley.classification;
begin
    foreach level in array enum_range(null::parley.classification) loop
        execute format('alter table parley_data.%I set (fillfactor = 90)', 'agreement_versions_' || level);
    end loop;
end
$$;
-- A page in the order agreements_as_of lists them.
create index agreement_versions_code_idx on parley_data.agreement_versions (code, agreement_id);
-- The partitions' indexes carry their parent's name and their level.
call parley_data.name_partition_indexes();
comment on table parley_data.agreement_versions is
    'Every state each agreement has had (title, status and its days, where signed, owner, source), with the period it was valid (valid_to infinity: its state now); what parley.agreements_as_of reads. Written by the statement that changes the agreement.';
comment on column parley_data.agreement_versions.valid_from is 'When this state began: the start of the transaction that made it.';
comment on column parley_data.agreement_versions.valid_to is 'When it ended (the next change, or the deletion); infinity while it is the agreement''s state.';
comment on column parley_data.agreement_versions.recorded_by is 'Who made this state (the login); empty for a state recorded before the history was kept.';
comment on column parley_data.agreement_versions.classification is
    'The level the version is kept and shown at: the agreement''s then, raised with the agreement later, never lowered.';

-- Backfill from the change history. An entry's state holds from its changed_at until the earliest changed_at of any
-- later entry; an entry overtaken at once makes no version; a deletion ends the one before it. An update's entry
-- holds only the fields it changed (and the key and code), so a state is folded: each field as the latest entry up
-- to this one that has it says (an insert's and a declassification's entries hold them all). A version is kept at
-- its entry's level (the history's levels are raised exactly as versions are). As 000008 does.
create aggregate parley_data.merged_in_order(jsonb) (sfunc = pg_catalog.jsonb_concat, stype = jsonb, initcond = '{}');
insert into parley_data.agreement_versions
      (agreement_id, valid_from, valid_to, code, title, kind, status, status_since, signed_on, in_force_on, ended_on,
       signed_at, timezone, summary, owner_id, source_id, recorded_by, classification)
select e.row_id::bigint, e.changed_at, e.valid_to, a.code, a.title, a.kind, a.status, a.status_since, a.signed_on,
       a.in_force_on, a.ended_on, a.signed_at, a.timezone, a.summary, a.owner_id, a.source_id, e.changed_by,
       e.classification
  from (select l.row_id, l.id, l.changed_at, l.changed_by, l.operation, l.classification,
               parley_data.merged_in_order(l.new_row) over (partition by l.row_id order by l.id) as state,
               coalesce(min(l.changed_at) over (partition by l.row_id order by l.id
                                                rows between 1 following and unbounded following),
                        'infinity') as valid_to
          from parley_data.change_log l
         where l.table_name = 'agreements') e
 cross join lateral jsonb_populate_record(null::parley_data.agreements, e.state) a
 where e.operation <> 'delete' and e.valid_to > e.changed_at;
-- Agreements with no history (recorded before it was kept, or pruned from it): as they are now, since created.
insert into parley_data.agreement_versions
      (agreement_id, valid_from, code, title, kind, status, status_since, signed_on, in_force_on, ended_on, signed_at,
       timezone, summary, owner_id, source_id, classification)
select a.id, a.created_at, a.code, a.title, a.kind, a.status, a.status_since, a.signed_on, a.in_force_on, a.ended_on,
       a.signed_at, a.timezone, a.summary, a.owner_id, a.source_id, a.classification
  from parley_data.agreements a
 where not exists (select 1 from parley_data.change_log l where l.table_name = 'agreements' and l.row_id = a.id::text);
drop aggregate parley_data.merged_in_order(jsonb);

-- Nobody but the owner writes them; staff read them through parley.agreements_as_of (grants: 900_security).
revoke all on parley_data.agreement_versions from public;
