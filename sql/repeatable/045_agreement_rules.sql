-- The rules agreements keep by themselves, as triggers: updated_at, the level of the rows that name two things
-- (an agreement's track, a relation between two agreements), agreements raised to cover their tracks, the status
-- history applied to the agreement, the allowed status changes, roles one party may not hold together, and the
-- last day to object to an automatic renewal.
set local role parley_owner;

create or replace trigger agreements_touch before update on parley_data.agreements
    for each row execute function parley_data.touch_updated_at();

-- A row that names two classified things is kept at the higher of their levels, which the cascading foreign keys
-- keep on the row; worked out again when either changes (PostgreSQL then moves the row to its new partition), by
-- the trigger function of every classified row (040_model_rules).
create or replace trigger agreement_tracks_level
    before update of agreement_classification, track_classification on parley_data.agreement_tracks
    for each row execute function parley_data.set_effective_classification('agreement_tracks');
create or replace trigger agreement_relations_level
    before update of agreement_classification, related_classification on parley_data.agreement_relations
    for each row execute function parley_data.set_effective_classification('agreement_relations');
drop function if exists parley_data.set_agreement_link_level();

-- An agreement is as classified as the most classified of its tracks: it names them. Raised when a track is raised
-- (the link follows the track, then the agreement follows the link, and with it everything that belongs to it, its
-- provisions included); never lowered by a track being declassified: lowering is parley.declassify's.
create or replace function parley_data.raise_agreements() returns trigger
    language plpgsql as $$
begin
    update parley_data.agreements a
       set classification = x.level
      from (select n.agreement_id, max(n.effective_classification) as level
              from new_links n
             group by n.agreement_id) x
     where a.id = x.agreement_id and a.classification < x.level;
    return null;
end
$$;
comment on function parley_data.raise_agreements() is 'Trigger: raises an agreement to the level of its most classified track.';
create or replace trigger agreement_tracks_raise_on_insert after insert on parley_data.agreement_tracks
    referencing new table as new_links for each statement execute function parley_data.raise_agreements();
create or replace trigger agreement_tracks_raise_on_update after update on parley_data.agreement_tracks
    referencing new table as new_links for each statement execute function parley_data.raise_agreements();

-- The status history moves the agreement: its status is that of its latest event (by date, then as recorded),
-- since that event's day; the days it was signed, entered into force and ended are those of the first such event.
-- Statement-level, so that a history recorded in one statement touches each agreement once.
create or replace function parley_data.apply_agreement_status_events() returns trigger
    language plpgsql as $$
begin
    update parley_data.agreements a
       set status = h.status,
           status_since = h.happened_on,
           signed_on = coalesce(a.signed_on, h.first_signed_on),
           in_force_on = coalesce(a.in_force_on, h.first_in_force_on),
           ended_on = case when parley_data.agreement_has_ended(h.status) then h.happened_on end
      from (select e.agreement_id,
                   (array_agg(e.status order by e.happened_on desc nulls last, e.id desc))[1] as status,
                   (array_agg(e.happened_on order by e.happened_on desc nulls last, e.id desc))[1] as happened_on,
                   min(e.happened_on) filter (where e.status = 'signed') as first_signed_on,
                   min(e.happened_on) filter (where e.status = 'in_force') as first_in_force_on
              from parley_data.agreement_status_events e
             where e.agreement_id in (select n.agreement_id from new_events n)
             group by e.agreement_id) h
     where a.id = h.agreement_id;
    return null;
end
$$;
comment on function parley_data.apply_agreement_status_events() is
    'Trigger: applies recorded status events to their agreements (status, since when, the days signed, in force, ended).';
create or replace trigger agreement_status_events_apply after insert on parley_data.agreement_status_events
    referencing new table as new_events for each statement execute function parley_data.apply_agreement_status_events();

-- A direct change of status must be one the transitions allow; the status history applies its events as they were
-- recorded (each checked by the recording function that wrote it).
create or replace function parley_data.check_agreement_transition() returns trigger
    language plpgsql as $$
begin
    if new.status is distinct from old.status and pg_trigger_depth() = 1
       and not exists (select 1 from parley_data.agreement_transitions t
                        where t.from_status = old.status and t.to_status = new.status) then
        perform parley_data.refuse_row('agreements', 'status', 'agreement_status_transition',
            format('agreement %s cannot go from %s to %s', old.code, old.status, new.status),
            'Record the change with the function for it (parley.enter_into_force, parley.suspend_agreement, parley.end_agreement, ...).');
    end if;
    return new;
end
$$;
create or replace trigger agreements_status_transition before update of status on parley_data.agreements
    for each row execute function parley_data.check_agreement_transition();

-- One party, two roles that do not go together (parley_data.agreement_role_conflicts).
create or replace function parley_data.check_agreement_roles() returns trigger
    language plpgsql as $$
begin
    if exists (select 1 from parley_data.agreement_parties p
                join parley_data.agreement_role_conflicts c on c.role = new.role and c.conflicting_role = p.role
               where p.agreement_id = new.agreement_id and p.party_id = new.party_id) then
        perform parley_data.refuse_row('agreement_parties', 'role', 'agreement_parties_compatible_roles',
            format('a party cannot be %s and hold a role that conflicts with it in one agreement', new.role),
            'A signatory is not also its mediator, witness or observer; an observer is not a guarantor or mediator.');
    end if;
    return new;
end
$$;
create or replace trigger agreement_parties_compatible_roles before insert or update of role on parley_data.agreement_parties
    for each row execute function parley_data.check_agreement_roles();

-- The last day a party may object to an automatic renewal: the notice period before the end of the term's last
-- day (30 days' notice on a term ending 30 June: objections by the end of 31 May).
create or replace function parley_data.objection_deadline(ends_on date, notice interval) returns date
    language sql immutable parallel safe
    return ((ends_on + 1) - notice)::date - 1;
comment on function parley_data.objection_deadline(date, interval) is
    'The last day to object to the automatic renewal of a term ending on ends_on with this notice period: objections are due by the end of it.';
