-- Tallies of commitments (000008): per track, item, obligor and level, by status, and open commitments per owner
-- and level, kept by statement-level triggers on commitments; what parley.agenda, track_overview, compliance and
-- people sum instead of counting a million commitments.
set local role parley_owner;

-- The tallies of the given groups (track, item, obligor, level; the four arrays side by side), counted again from
-- the commitments: a group with no commitment left has no row.
create or replace function parley_data.recount_tallies(track_ids bigint[], item_ids bigint[], obligor_ids bigint[],
                                                       levels parley.classification[])
    returns void
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
begin
    if cardinality(track_ids) = 0 then
        return;
    end if;
    -- The groups' own statement each time, planned for their number (see 310_alert_queueing on EXECUTE).
    execute 'delete from parley_data.commitment_tallies t '
            'using unnest($1, $2, $3, $4) x(track_id, item_id, obligor_id, level) '
            'where t.track_id = x.track_id and t.item_id = x.item_id and t.obligor_id = x.obligor_id '
            'and t.classification = x.level'
        using track_ids, item_ids, obligor_ids, levels;
    execute $q$insert into parley_data.commitment_tallies
        (track_id, item_id, obligor_id, classification, made, pending, in_progress, partially_fulfilled, fulfilled,
         breached, withdrawn, superseded, open, lapsed, fulfilled_on_time, fulfilled_with_deadline, last_activity_on)
        select c.track_id, c.item_id, c.obligor_id, c.effective_classification, count(*),
               count(*) filter (where c.status = 'pending'),
               count(*) filter (where c.status = 'in_progress'),
               count(*) filter (where c.status = 'partially_fulfilled'),
               count(*) filter (where c.status = 'fulfilled'),
               count(*) filter (where c.status = 'breached'),
               count(*) filter (where c.status = 'withdrawn'),
               count(*) filter (where c.status = 'superseded'),
               count(*) filter (where parley_data.commitment_is_live(c.status) and c.frozen_on is null),
               count(*) filter (where c.status in ('pending', 'in_progress') and c.frozen_on is not null),
               count(*) filter (where c.status = 'fulfilled' and c.status_changed_on <= c.due_on),
               count(*) filter (where c.status = 'fulfilled' and c.due_on is not null),
               max(greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end))
          from unnest($1, $2, $3, $4) x(track_id, item_id, obligor_id, level)
          join parley_data.commitments c
            on c.track_id = x.track_id and c.item_id = x.item_id and c.obligor_id = x.obligor_id
           and c.effective_classification = x.level
         group by c.track_id, c.item_id, c.obligor_id, c.effective_classification$q$
        using track_ids, item_ids, obligor_ids, levels;
end
$$;
comment on function parley_data.recount_tallies(bigint[], bigint[], bigint[], parley.classification[]) is
    'Counts the tallies of some groups of commitments again (track, item, obligor and level, as four arrays side by side).';

-- The open commitments (live, not frozen by an agreement's end) of the given owners at the given levels (two
-- arrays side by side), counted again.
create or replace function parley_data.recount_owner_tallies(owner_ids bigint[], levels parley.classification[])
    returns void
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
begin
    if cardinality(owner_ids) = 0 then
        return;
    end if;
    execute 'delete from parley_data.owner_tallies t using unnest($1, $2) x(owner_id, level) '
            'where t.owner_id = x.owner_id and t.classification = x.level'
        using owner_ids, levels;
    execute 'insert into parley_data.owner_tallies (owner_id, classification, open_commitments) '
            'select c.owner_id, c.effective_classification, count(*) '
            '  from (select distinct x.owner_id, x.level from unnest($1, $2) x(owner_id, level)) x '
            '  join parley_data.commitments c on c.owner_id = x.owner_id and c.effective_classification = x.level '
            ' where parley_data.commitment_is_live(c.status) and c.frozen_on is null '
            ' group by c.owner_id, c.effective_classification'
        using owner_ids, levels;
end
$$;
comment on function parley_data.recount_owner_tallies(bigint[], parley.classification[]) is
    'Counts again the open commitments of some owners at some levels (two arrays side by side).';

-- What a commitment adds to its group's tally; a statement that leaves it as it was (a deadline moved on a live
-- commitment, a note) touches no tally. Its agreement's end (frozen_on set by end_agreement or a withdrawal) does:
-- a frozen provision is no longer open, and a pending or in-progress one has lapsed. The groups are gathered here,
-- where the statement's transition tables are
-- visible (a function called from here does not see them).
create or replace function parley_data.tally_commitments() returns trigger
    language plpgsql security definer
    set search_path = parley_data, pg_catalog, pg_temp
    set jit = off  -- as record_changes (050_history): JIT costs seconds here and saves nothing
as $$
declare
    contribution constant text :=
        '(%1$s.track_id, %1$s.item_id, %1$s.obligor_id, %1$s.effective_classification, %1$s.status, '
        '%1$s.frozen_on is null, '
        '%1$s.status = ''fulfilled'' and %1$s.status_changed_on <= %1$s.due_on, '
        '%1$s.status = ''fulfilled'' and %1$s.due_on is not null, '
        'greatest(%1$s.made_on, %1$s.last_update_on, case when %1$s.status <> ''pending'' then %1$s.status_changed_on end))';
    gather constant text :=
        'select coalesce(array_agg(k.track_id), ''{}''), coalesce(array_agg(k.item_id), ''{}''), '
        'coalesce(array_agg(k.obligor_id), ''{}''), coalesce(array_agg(k.level), ''{}'') '
        'from (select distinct track_id, item_id, obligor_id, level from (%s) g) k';
    owners constant text :=
        'select coalesce(array_agg(k.owner_id), ''{}''), coalesce(array_agg(k.level), ''{}'') '
        'from (select distinct owner_id, level from (%s) g where owner_id is not null) k';
    track_ids bigint[];
    item_ids bigint[];
    obligor_ids bigint[];
    levels parley.classification[];
    owner_ids bigint[];
    owner_levels parley.classification[];
begin
    if tg_op = 'INSERT' then
        execute format(gather, 'select n.track_id, n.item_id, n.obligor_id, n.effective_classification as level from new_rows n')
            into track_ids, item_ids, obligor_ids, levels;
        -- New commitments only add to their owners' counts: added here, not counted again. (An owner holds
        -- thousands of open commitments at scale; counting them all again for each import was most of its tally
        -- time at 100,000 commitments.) The other statements count again, as below.
        insert into parley_data.owner_tallies as t (owner_id, classification, open_commitments)
        select n.owner_id, n.effective_classification, count(*)
          from new_rows n
         where n.owner_id is not null and parley_data.commitment_is_live(n.status) and n.frozen_on is null
         group by n.owner_id, n.effective_classification
            on conflict (owner_id, classification)
            do update set open_commitments = t.open_commitments + excluded.open_commitments;
        owner_ids := '{}';
        owner_levels := '{}';
    elsif tg_op = 'DELETE' then
        execute format(gather, 'select o.track_id, o.item_id, o.obligor_id, o.effective_classification as level from old_rows o')
            into track_ids, item_ids, obligor_ids, levels;
        execute format(owners, 'select o.owner_id, o.effective_classification as level from old_rows o '
                               'where parley_data.commitment_is_live(o.status) and o.frozen_on is null')
            into owner_ids, owner_levels;
    else
        execute format(gather, format(
            'select k.track_id, k.item_id, k.obligor_id, k.level '
            'from old_rows o join new_rows n on n.id = o.id '
            'cross join lateral (values (o.track_id, o.item_id, o.obligor_id, o.effective_classification), '
            '                           (n.track_id, n.item_id, n.obligor_id, n.effective_classification)) '
            '                   k(track_id, item_id, obligor_id, level) '
            'where %s is distinct from %s', format(contribution, 'o'), format(contribution, 'n')))
            into track_ids, item_ids, obligor_ids, levels;
        execute format(owners,
            'select k.owner_id, k.level '
            'from old_rows o join new_rows n on n.id = o.id '
            'cross join lateral (values (o.owner_id, o.effective_classification), (n.owner_id, n.effective_classification)) '
            '                   k(owner_id, level) '
            'where (o.owner_id, o.effective_classification, parley_data.commitment_is_live(o.status) and o.frozen_on is null) '
            '      is distinct from (n.owner_id, n.effective_classification, parley_data.commitment_is_live(n.status) and n.frozen_on is null)')
            into owner_ids, owner_levels;
    end if;
    perform parley_data.recount_tallies(track_ids, item_ids, obligor_ids, levels);
    perform parley_data.recount_owner_tallies(owner_ids, owner_levels);
    -- The agenda entries of those groups: their last activity per clearance is worked out from these tallies, later,
    -- by refresh_agenda_activity; here they are only queued, which never waits for another writer (085_agenda_activity).
    execute parley_data.queue_agenda_statement(
        'select x.track_id, x.item_id, x.level from unnest($1, $2, $3) x(track_id, item_id, level)')
        using track_ids, item_ids, levels;
    return null;
end
$$;
comment on function parley_data.tally_commitments() is
    'Trigger: counts again the tallies of the groups of commitments a statement changed (an insert adds its open commitments to their owners'' counts) and queues their agenda entries (refresh_agenda_activity), once per statement.';

call parley_data.create_statement_triggers('commitments', 'tally', 'parley_data.tally_commitments()');

-- Every tally counted again from scratch: what 000008 asked for, and what the tests compare the triggers' work with.
create or replace function parley_data.rebuild_commitment_tallies() returns bigint
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
declare
    n bigint;
begin
    delete from parley_data.commitment_tallies;
    perform parley_data.recount_tallies(array_agg(g.track_id), array_agg(g.item_id), array_agg(g.obligor_id),
                                        array_agg(g.level))
       from (select distinct c.track_id, c.item_id, c.obligor_id, c.effective_classification as level
               from parley_data.commitments c) g;
    delete from parley_data.owner_tallies;
    perform parley_data.recount_owner_tallies(array_agg(g.owner_id), array_agg(g.level))
       from (select distinct c.owner_id, c.effective_classification as level
               from parley_data.commitments c where c.owner_id is not null) g;
    select count(*) into n from parley_data.commitment_tallies;
    return n;
end
$$;
comment on function parley_data.rebuild_commitment_tallies() is
    'Counts every tally of commitments (and of open commitments per owner) again from the commitments. Returns the number of tally rows per track, item and obligor.';
