-- The rules the model keeps by itself, as triggers: updated_at stamps, a commitment's default code, its
-- beneficiaries (checked at commit), the level each classified row is kept at, deals raised to their commitments'
-- level, delivery totals kept from updates, and the allowed status changes.
set local role parley_owner;

create or replace function parley_data.touch_updated_at() returns trigger
    language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end
$$;

create or replace trigger people_touch before update on parley_data.people for each row execute function parley_data.touch_updated_at();
create or replace trigger sources_touch before update on parley_data.sources for each row execute function parley_data.touch_updated_at();
create or replace trigger parties_touch before update on parley_data.parties for each row execute function parley_data.touch_updated_at();
create or replace trigger tracks_touch before update on parley_data.tracks for each row execute function parley_data.touch_updated_at();
create or replace trigger meetings_touch before update on parley_data.meetings for each row execute function parley_data.touch_updated_at();
create or replace trigger agenda_items_touch before update on parley_data.agenda_items for each row execute function parley_data.touch_updated_at();
create or replace trigger track_agenda_touch before update on parley_data.track_agenda for each row execute function parley_data.touch_updated_at();
create or replace trigger positions_touch before update on parley_data.positions for each row execute function parley_data.touch_updated_at();
create or replace trigger commitments_touch before update on parley_data.commitments for each row execute function parley_data.touch_updated_at();
create or replace trigger figures_touch before update on parley_data.figures for each row execute function parley_data.touch_updated_at();
create or replace trigger follow_ups_touch before update on parley_data.follow_ups for each row execute function parley_data.touch_updated_at();

-- Commitments get a code when the caller gives none, so that every commitment can be named, and are in their
-- first status since the day they were made.
create or replace function parley_data.set_commitment_defaults() returns trigger
    language plpgsql as $$
begin
    new.code := coalesce(new.code, 'C' || new.id);
    new.status_changed_on := coalesce(new.status_changed_on, new.made_on);
    return new;
end
$$;
-- (Only a row that lacks one of them calls it: an import gives both, for 10,000 commitments at a time.)
create or replace trigger commitments_defaults before insert on parley_data.commitments
    for each row when (new.code is null or new.status_changed_on is null)
    execute function parley_data.set_commitment_defaults();

-- A follow-up keeps the track of what it is about (000010): its own track, or its commitment's or meeting's (which
-- never move to another track), so that parley.follow_ups reads a page, or one track's follow-ups, from an index.
-- Worked out whenever the subject is written, whoever writes it (recording functions, import); a value written
-- directly is replaced.
create or replace function parley_data.set_follow_up_subject_track() returns trigger
    language plpgsql security definer set search_path = parley_data, pg_catalog, pg_temp as $$
begin
    new.subject_track_id := coalesce(
        new.track_id,
        (select c.track_id from parley_data.commitments c where c.id = new.commitment_id),
        (select m.track_id from parley_data.meetings m where m.id = new.meeting_id));
    return new;
end
$$;
create or replace trigger follow_ups_subject_track
    before insert or update of commitment_id, meeting_id, track_id, subject_track_id on parley_data.follow_ups
    for each row execute function parley_data.set_follow_up_subject_track();

-- A commitment is owed to somebody: checked at commit, so a commitment and its beneficiaries can be written in
-- either order within one transaction. Being deferred, it runs at COMMIT as the login that commits, after the
-- recording function (security definer) has returned; staff have no access to parley_data, so it runs as its owner.
-- It runs once per statement that inserted commitments, over all of them: a constraint trigger runs once per row,
-- and one per commitment cost an import of 20,000 commitments 0.26-0.44 s at its commit (000018). So the
-- statement's trigger notes its new commitments in parley_data.commitments_to_check, one row per statement, and the
-- deferred trigger on that note checks them together and deletes it.
create or replace function parley_data.note_commitments_to_check() returns trigger
    language plpgsql security definer set search_path = parley_data, pg_catalog, pg_temp as $$
begin
    insert into parley_data.commitments_to_check (commitment_ids)
    select array_agg(n.id) from new_rows n having count(*) > 0;
    return null;
end
$$;
comment on function parley_data.note_commitments_to_check() is
    'Trigger: notes the commitments a statement inserted, for the check at commit that each is owed to somebody.';
create or replace trigger commitments_beneficiary_check_insert after insert on parley_data.commitments
    referencing new table as new_rows
    for each statement execute function parley_data.note_commitments_to_check();

create or replace function parley_data.check_commitments_have_beneficiary() returns trigger
    language plpgsql security definer set search_path = parley_data, pg_catalog, pg_temp
    -- Each commitment looked up by key, however many a statement inserted: planned for a long list's length, the
    -- check would read every beneficiary of the database to find those of the new commitments.
    set plan_cache_mode = force_generic_plan as $$
declare
    owed_to_nobody bigint;
begin
    -- The first by id that no beneficiary names and that is still there (one deleted since is owed nothing). An
    -- aggregate, not ORDER BY id LIMIT 1: with a limit the planner walks every commitment in id order, hoping to
    -- meet one early, and when none is owed to nobody (almost always) that is all of them (minutes at L).
    select min(n.id) into owed_to_nobody
      from unnest(new.commitment_ids) n(id)
     where not exists (select 1 from parley_data.commitment_beneficiaries b where b.commitment_id = n.id)
       and exists (select 1 from parley_data.commitments c where c.id = n.id);
    if owed_to_nobody is not null then
        perform parley_data.refuse_row('commitments', 'beneficiaries', 'commitment_has_beneficiary',
            format('commitment %s has no beneficiary', (select c.code from parley_data.commitments c where c.id = owed_to_nobody)),
            'Name at least one party the commitment is owed to.');
    end if;
    delete from parley_data.commitments_to_check where id = new.id;
    return null;
end
$$;
comment on function parley_data.check_commitments_have_beneficiary() is
    'Trigger, deferred to commit: refuses when a commitment a statement inserted (and not deleted since) has no beneficiary; then deletes the note.';
drop trigger if exists commitments_have_beneficiary on parley_data.commitments_to_check;
create constraint trigger commitments_have_beneficiary after insert on parley_data.commitments_to_check
    deferrable initially deferred
    for each row execute function parley_data.check_commitments_have_beneficiary();

-- Levels. Each classified row is kept in the partition of the level it is shown at (see 000002): the higher of its
-- own classification and the levels of what it belongs to, which the cascading foreign keys keep on the row
-- (track_classification, meeting_classification). Whoever inserts a row gives its level; the table's CHECK says
-- whether it is right. When a row's own classification or a level it refers to changes, this trigger works the
-- level out again, and PostgreSQL moves the row to its new partition (and the foreign keys move its children).
-- The trigger names its table (tg_argv[0]): a row trigger of a partitioned table runs on the partition, whose name
-- (commitments_secret) is what tg_table_name says. (The agreements' links keep their level by it too, 045.)
create or replace function parley_data.set_effective_classification() returns trigger
    language plpgsql as $$
begin
    if tg_argv[0] = 'commitments' then
        new.effective_classification := greatest(new.classification, new.track_classification,
                                                 new.meeting_classification, new.agreement_classification);
    elsif tg_argv[0] = 'silences' then
        new.effective_classification := greatest('unclassified', new.track_classification,
                                                 new.commitment_classification);
    elsif tg_argv[0] = 'agreement_tracks' then
        new.effective_classification := greatest(new.agreement_classification, new.track_classification);
    elsif tg_argv[0] = 'agreement_relations' then
        new.effective_classification := greatest(new.agreement_classification, new.related_classification);
    else
        new.effective_classification := greatest(new.classification, new.track_classification);
    end if;
    return new;
end
$$;
comment on function parley_data.set_effective_classification() is
    'Trigger: works out the level a row is kept and shown at from its own classification and the levels of what it refers to.';
create or replace trigger commitments_effective_classification
    before update of classification, track_classification, meeting_classification, agreement_classification
    on parley_data.commitments
    for each row execute function parley_data.set_effective_classification('commitments');
create or replace trigger meetings_effective_classification
    before update of classification, track_classification on parley_data.meetings
    for each row execute function parley_data.set_effective_classification('meetings');
create or replace trigger positions_effective_classification
    before update of classification, track_classification on parley_data.positions
    for each row execute function parley_data.set_effective_classification('positions');
create or replace trigger silences_effective_classification
    before update of track_classification, commitment_classification on parley_data.silences
    for each row execute function parley_data.set_effective_classification('silences');

-- A deal is as classified as the most classified of its commitments: its title names the exchange. Raised when a
-- commitment joins it or is raised (moving the deal, whose level the commitments then carry by their foreign
-- key); never lowered by a commitment leaving or being declassified: lowering is parley.declassify's.
create or replace function parley_data.raise_deals() returns trigger
    language plpgsql as $$
begin
    update parley_data.deals d
       set classification = x.level
      from (select n.deal_id, max(n.effective_classification) as level
              from new_commitments n
             where n.deal_id is not null
             group by n.deal_id) x
     where d.id = x.deal_id and d.classification < x.level;
    return null;
end
$$;
comment on function parley_data.raise_deals() is
    'Trigger: raises a deal to the level of its most classified commitment.';
create or replace trigger commitments_raise_deals_on_insert after insert on parley_data.commitments
    referencing new table as new_commitments
    for each statement execute function parley_data.raise_deals();
create or replace trigger commitments_raise_deals_on_update after update on parley_data.commitments
    referencing new table as new_commitments
    for each statement execute function parley_data.raise_deals();

-- Recorded updates move their commitment: delivered quantities add up, the last report's date is kept, and a
-- new status is applied (through the transition rule above). Statement-level, so a bulk import of many updates
-- touches each commitment once. An import writes its new commitments as their updates leave them
-- (parley_data.import_commitments, which says so for the statement that inserts their updates): those are not
-- applied again.
create or replace function parley_data.apply_new_commitment_updates() returns trigger
    language plpgsql as $$
declare
    written bigint[] := '{}';
begin
    -- An import says so with pg_temp.import_updates_applied, a table of its session that the owner of parley_data
    -- made for the statement (one another login made is not heeded); its list of commitments is another.
    if (select c.relowner from pg_catalog.pg_class c where c.oid = to_regclass('pg_temp.import_updates_applied'))
       = (select n.nspowner from pg_catalog.pg_namespace n where n.nspname = 'parley_data') then
        written := array(select k.id from pg_temp.import_commitments k where k.existing is null);
    end if;
    update parley_data.commitments c
       set delivered_quantity = c.delivered_quantity + s.delivered,
           last_update_on = greatest(c.last_update_on, s.last_reported_on),
           status = coalesce(s.last_status, c.status),
           status_changed_on = case when s.last_status is not null and s.last_status is distinct from c.status
                                    then s.last_status_on else c.status_changed_on end,
           reopened_at = case when s.reopens then now() else c.reopened_at end
      from (select n.commitment_id,
                   coalesce(sum(n.delivered_quantity), 0) as delivered,
                   max(n.reported_on) as last_reported_on,
                   (array_agg(n.new_status order by n.reported_on desc, n.id desc)
                        filter (where n.new_status is not null))[1] as last_status,
                   (array_agg(n.reported_on order by n.reported_on desc, n.id desc)
                        filter (where n.new_status is not null))[1] as last_status_on,
                   bool_or(n.reopen) as reopens
              from new_updates n
             where n.commitment_id not in (select unnest(written))
             group by n.commitment_id) s
     where c.id = s.commitment_id;
    return null;
end
$$;
create or replace trigger commitment_updates_apply after insert on parley_data.commitment_updates
    referencing new table as new_updates
    for each statement execute function parley_data.apply_new_commitment_updates();

-- Correcting or deleting an update recomputes the delivered total and last report date from what remains.
create or replace function parley_data.recompute_commitment_progress() returns trigger
    language plpgsql as $$
begin
    -- Updates moved to another level with their commitment change no total. (Nested: the transition table
    -- new_updates exists only for an UPDATE.)
    if tg_op = 'UPDATE' then
        if not exists (select 1 from old_updates o join new_updates n on n.id = o.id
                        where (o.commitment_id, o.delivered_quantity, o.reported_on)
                              is distinct from (n.commitment_id, n.delivered_quantity, n.reported_on)) then
            return null;
        end if;
    end if;
    update parley_data.commitments c
       set delivered_quantity = coalesce(t.delivered, 0),
           last_update_on = t.last_reported_on
      from (select k.commitment_id,
                   (select sum(u.delivered_quantity) from parley_data.commitment_updates u
                     where u.commitment_id = k.commitment_id) as delivered,
                   (select max(u.reported_on) from parley_data.commitment_updates u
                     where u.commitment_id = k.commitment_id) as last_reported_on
              from (select commitment_id from old_updates) k
             group by k.commitment_id) t
     where c.id = t.commitment_id;
    if tg_op = 'UPDATE' then
        -- An update moved to another commitment counts there now.
        update parley_data.commitments c
           set delivered_quantity = coalesce((select sum(u.delivered_quantity) from parley_data.commitment_updates u
                                               where u.commitment_id = c.id), 0),
               last_update_on = (select max(u.reported_on) from parley_data.commitment_updates u
                                  where u.commitment_id = c.id)
         where c.id in (select commitment_id from new_updates except select commitment_id from old_updates);
    end if;
    return null;
end
$$;
create or replace trigger commitment_updates_recompute_on_update after update on parley_data.commitment_updates
    referencing old table as old_updates new table as new_updates
    for each statement execute function parley_data.recompute_commitment_progress();
create or replace trigger commitment_updates_recompute_on_delete after delete on parley_data.commitment_updates
    referencing old table as old_updates
    for each statement execute function parley_data.recompute_commitment_progress();

create or replace function parley_data.check_commitment_transition() returns trigger
    language plpgsql as $$
begin
    if new.status is distinct from old.status then
        if new.reopened_at is not distinct from old.reopened_at
           and not exists (select 1 from parley_data.commitment_transitions
                           where from_status = old.status and to_status = new.status) then
            perform parley_data.refuse_row('commitments', 'status', 'commitment_status_transition',
                format('commitment %s cannot go from %s to %s without a reopen', old.code, old.status, new.status),
                'Record an update that reopens the commitment (reopen => true) and says why.');
        end if;
        -- A direct change of status dates itself today; a change made by a recorded update (a nested trigger)
        -- carries the update's own date.
        if new.status_changed_on is not distinct from old.status_changed_on and pg_trigger_depth() = 1 then
            new.status_changed_on := current_date;
        end if;
    end if;
    return new;
end
$$;
create or replace trigger commitments_status_transition before update of status on parley_data.commitments
    for each row execute function parley_data.check_commitment_transition();
