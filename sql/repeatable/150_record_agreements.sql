-- Recording agreements: adding one (with its tracks and first term), changing it, its parties and their
-- signatures, how agreements relate, and its status: entry into force and its end. Terms and renewals are in 152,
-- suspensions and withdrawals in 154, provisions and implementation scores in 156.
--
-- An agreement the caller may not see is, for every function here, an agreement that does not exist (its code
-- is free at the caller's level, parley_data.agreement_id); every refusal names the field and the rule, and
-- writes nothing.
set local role parley_owner;

-- Helpers -----------------------------------------------------------------------------------------------------------

-- The agreement a reference names, locked for the change.
create or replace function parley_data.agreement_for_change(reference text, field text default 'agreement')
    returns parley_data.agreements
    language plpgsql as $$
declare
    this_id constant bigint := parley_data.agreement_id(reference, field);
    found_agreement parley_data.agreements;
begin
    select * into found_agreement from parley_data.agreements a where a.id = this_id for no key update;
    return found_agreement;
end
$$;
comment on function parley_data.agreement_for_change(text, text) is
    'The agreement a reference names among those the caller may see, locked for a change; refuses (23503) otherwise.';

-- Refuses a change to an agreement that has ended.
create or replace function parley_data.check_agreement_not_ended(agreement parley_data.agreements, reference text,
                                                                  doing text)
    returns void
    language plpgsql as $$
begin
    if parley_data.agreement_has_ended(agreement.status) then
        perform parley_data.refuse('23514', 'agreement', 'agreement_has_ended',
            format('agreement "%s" %s on %s: it cannot be %s', reference,
                   case agreement.status when 'expired' then 'expired' when 'terminated' then 'was terminated'
                                         else 'was superseded' end,
                   agreement.ended_on, doing),
            'An agreement that has ended is final. Record a new agreement (parley.add_agreement) and relate it to this one (parley.relate_agreements).');
    end if;
end
$$;
comment on function parley_data.check_agreement_not_ended(parley_data.agreements, text, text) is
    'Refuses (23514) a change to an agreement that has ended (expired, terminated, superseded).';

-- Records a change of status: the change must be one the transitions allow (status_field names what asked for it)
-- and dated no earlier than the status it leaves (date_field names the date).
create or replace function parley_data.record_agreement_status(
    agreement parley_data.agreements, reference text, new_status parley.agreement_status, happened_on date,
    status_field text, date_field text, party_id bigint default null, source_id bigint default null,
    note text default null)
    returns void
    language plpgsql as $$
begin
    if not exists (select 1 from parley_data.agreement_transitions t
                    where t.from_status = agreement.status and t.to_status = new_status) then
        perform parley_data.check_agreement_not_ended(agreement, reference, 'made ' || replace(new_status::text, '_', ' '));
        perform parley_data.refuse('23514', status_field, 'agreement_status_transition',
            format('agreement "%s" is %s: it cannot become %s', reference, replace(agreement.status::text, '_', ' '),
                   replace(new_status::text, '_', ' ')),
            case
                when new_status = 'expired' then 'Only an agreement that entered into force can expire; a draft or a signed text that never did is terminated or superseded.'
                when new_status = 'in_force' and agreement.status = 'suspended' then 'A suspended agreement comes back into force with parley.resume_agreement.'
                when new_status = 'in_force' then 'It is in force already.'
                when new_status = 'suspended' then 'Only an agreement in force can be suspended.'
                else 'drafted → signed → in force → suspended ⇄ in force → expired, terminated or superseded.'
            end);
    end if;
    perform parley_data.require(date_field, happened_on is not null);
    if happened_on < agreement.status_since then
        perform parley_data.refuse('23514', date_field,
            case when new_status in ('expired', 'terminated', 'superseded') and agreement.in_force_on is not null
                 then 'agreements_ended_after_in_force'
                 when new_status = 'in_force' and agreement.status = 'signed' then 'agreements_in_force_after_signature'
                 else 'agreement_status_in_order' end,
            format('%s %s is before agreement "%s" became %s (%s)', date_field, happened_on, reference,
                   replace(agreement.status::text, '_', ' '), agreement.status_since),
            'An agreement''s history runs forward: each change is dated on or after the one before it (parley.agreement_events lists them).');
    end if;
    perform parley_data.check_free_text('note', note, 'agreement_status_events_note_length');
    insert into parley_data.agreement_status_events (agreement_id, status, happened_on, party_id, note, source_id,
                                                     classification)
    values (agreement.id, new_status, happened_on, party_id, nullif(btrim(note), ''), source_id,
            agreement.classification);
end
$$;
comment on function parley_data.record_agreement_status is
    'Records a change of an agreement''s status, dated and sourced, after checking that the change is allowed and that it does not predate the status it leaves.';

-- A party's roles in an agreement must go together (parley_data.agreement_role_conflicts).
create or replace function parley_data.check_agreement_role(agreement_id bigint, party_id bigint, party text,
                                                             role parley.agreement_role)
    returns void
    language plpgsql as $$
declare
    held parley.agreement_role;
begin
    select p.role into held
      from parley_data.agreement_parties p
      join parley_data.agreement_role_conflicts c on c.role = check_agreement_role.role and c.conflicting_role = p.role
     where p.agreement_id = check_agreement_role.agreement_id and p.party_id = check_agreement_role.party_id
     limit 1;
    if held is not null then
        perform parley_data.refuse('23514', 'role', 'agreement_parties_compatible_roles',
            format('party "%s" is %s of this agreement and cannot also be its %s', party, held, role),
            'A signatory is not also the mediator, witness or observer of what it signs; an observer is not a guarantor or mediator.');
    end if;
end
$$;
comment on function parley_data.check_agreement_role(bigint, bigint, text, parley.agreement_role) is
    'Refuses (23514) a role that conflicts with one the party already holds in the agreement.';

-- Adding and changing agreements ------------------------------------------------------------------------------------

create or replace function parley.add_agreement(
    code text, title text, tracks text[], kind parley.agreement_kind default 'agreement',
    classification parley.classification default 'unclassified', summary text default null,
    timezone text default null, owner text default null, source text default null, drafted_on date default null,
    ends_on date default null, term_length interval default null,
    renewal parley.renewal_kind default 'by_decision', objection_notice interval default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    track_ids bigint[] := '{}';
    reference text;
    this_track bigint;
    this_owner bigint;
    this_source bigint;
    level parley.classification;
    zone text := add_agreement.timezone;
    new_id bigint;
begin
    perform parley_data.check_code('code', add_agreement.code, 'agreements_code_format');
    perform parley_data.check_label('title', add_agreement.title, 'agreements_title_format');
    perform parley_data.require('kind', add_agreement.kind is not null);
    perform parley_data.check_free_text('summary', add_agreement.summary, 'agreements_summary_length');
    -- Its tracks, the first one first; a track named twice counts once.
    perform parley_data.require('tracks', coalesce(cardinality(add_agreement.tracks), 0) > 0);
    foreach reference in array add_agreement.tracks loop
        perform parley_data.require('tracks', reference is not null);
        this_track := parley_data.track_id(reference, 'tracks');
        if not this_track = any (track_ids) then
            track_ids := track_ids || this_track;
        end if;
    end loop;
    if zone is null then
        select t.timezone into zone from parley_data.tracks t where t.id = track_ids[1];
    end if;
    perform parley_data.check_timezone('timezone', zone);
    if add_agreement.owner is not null then
        this_owner := parley_data.person_id(add_agreement.owner, 'owner', active_only => true);
    end if;
    this_source := parley_data.given_source_id(add_agreement.source);
    perform parley_data.require('classification', add_agreement.classification is not null);
    perform parley_data.check_clearance('classification', add_agreement.classification);
    -- The first term: its end, or its length from the day the agreement enters into force.
    if add_agreement.term_length <= interval '0' then
        perform parley_data.refuse('23514', 'term_length', 'agreement_terms_length_positive',
            format('term_length %s is not a length of time', add_agreement.term_length),
            'Give the term''s length, e.g. ''30 days'' or ''1 year'', or leave it out for an open-ended agreement.');
    end if;
    perform parley_data.require('renewal', add_agreement.renewal is not null);
    if add_agreement.objection_notice is not null and add_agreement.renewal <> 'automatic' then
        perform parley_data.refuse('23514', 'objection_notice', 'agreement_terms_notice_when_automatic',
            'objection_notice is given for a term that is not renewed automatically',
            'A notice period to object belongs to a term that renews automatically: pass renewal => ''automatic'' too.');
    end if;
    if add_agreement.objection_notice <= interval '0' then
        perform parley_data.refuse('23514', 'objection_notice', 'agreement_terms_notice_positive',
            format('objection_notice %s is not a length of time', add_agreement.objection_notice),
            'Give how long before the end a party must object, e.g. ''30 days''.');
    end if;
    if add_agreement.ends_on < add_agreement.drafted_on then
        perform parley_data.refuse('23514', 'ends_on', 'agreement_terms_ends_after_start',
            format('ends_on %s is before the agreement was drafted (%s)', add_agreement.ends_on, add_agreement.drafted_on),
            'Check the dates: a term ends after the agreement is made.');
    end if;
    if parley_data.code_taken('parley_data.agreements', 'classification', add_agreement.code) is not null then
        perform parley_data.refuse('23505', 'code', 'agreements_code_key',
            format('agreement "%s" already exists', add_agreement.code),
            'Choose another code; to change the existing agreement use parley.update_agreement.');
    end if;

    -- Kept at the level given, or at its most classified track's.
    select greatest(add_agreement.classification, max(t.classification)) into level
      from parley_data.tracks t where t.id = any (track_ids);
    insert into parley_data.agreements (code, title, kind, status, status_since, timezone, summary, owner_id,
                                        source_id, classification)
    values (add_agreement.code, add_agreement.title, add_agreement.kind, 'drafted', add_agreement.drafted_on, zone,
            nullif(btrim(add_agreement.summary), ''), this_owner, this_source, level)
    returning id into new_id;
    insert into parley_data.agreement_tracks (agreement_id, track_id, position, agreement_classification,
                                              track_classification, effective_classification)
    select new_id, t.id, x.position, level, t.classification, greatest(level, t.classification)
      from unnest(track_ids) with ordinality x(track_id, position)
      join parley_data.tracks t on t.id = x.track_id;
    insert into parley_data.agreement_status_events (agreement_id, status, happened_on, source_id, classification)
    values (new_id, 'drafted', add_agreement.drafted_on, this_source, level);
    insert into parley_data.agreement_terms (agreement_id, number, ends_on, length, renewal, objection_notice,
                                             source_id, classification)
    values (new_id, 1, add_agreement.ends_on, add_agreement.term_length, add_agreement.renewal,
            add_agreement.objection_notice, this_source, level);
    return add_agreement.code;
end
$$;
comment on function parley.add_agreement is
    'Records an agreement as drafted: add_agreement(code => ''moratorium-2025'', title => ..., tracks => array[''trilateral''], kind => ''announced_understanding'', classification, summary, timezone (default: its first track''s), owner, source, drafted_on, ends_on or term_length => ''30 days'' (its first term, from entry into force), renewal => ''by_decision'' or ''automatic'', objection_notice => ''30 days''). Its parties are added with parley.sign_agreement and parley.add_agreement_party, its status moved with parley.enter_into_force, parley.suspend_agreement, parley.end_agreement. Returns the code.';

-- Leave a parameter out to keep the value; '' clears summary, owner or source.
create or replace function parley.update_agreement(
    agreement text, title text default null, kind parley.agreement_kind default null, summary text default null,
    timezone text default null, owner text default null, source text default null,
    classification parley.classification default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(update_agreement.agreement);
    this_owner bigint;
    this_source bigint;
    clash text;
begin
    if update_agreement.title is not null then
        perform parley_data.check_label('title', update_agreement.title, 'agreements_title_format');
    end if;
    perform parley_data.check_free_text('summary', update_agreement.summary, 'agreements_summary_length');
    if update_agreement.timezone is not null then
        perform parley_data.check_timezone('timezone', update_agreement.timezone);
    end if;
    if nullif(update_agreement.owner, '') is not null then
        this_owner := parley_data.person_id(update_agreement.owner, 'owner', active_only => true);
    end if;
    if nullif(update_agreement.source, '') is not null then
        this_source := parley_data.source_id(update_agreement.source);
    end if;
    perform parley_data.check_reclassification(existing.classification, update_agreement.classification,
                                               format('agreement "%s"', update_agreement.agreement));
    -- Raising it moves it, everything that belongs to it and its provisions to the new level.
    begin
        update parley_data.agreements a
           set title = coalesce(update_agreement.title, a.title),
               kind = coalesce(update_agreement.kind, a.kind),
               summary = case when update_agreement.summary is null then a.summary
                              else nullif(btrim(update_agreement.summary), '') end,
               timezone = coalesce(update_agreement.timezone, a.timezone),
               owner_id = case when update_agreement.owner is null then a.owner_id else this_owner end,
               source_id = case when update_agreement.source is null then a.source_id else this_source end,
               classification = coalesce(update_agreement.classification, a.classification)
         where a.id = existing.id;
    exception when unique_violation then
        get stacked diagnostics clash = pg_exception_detail;
        perform parley_data.refuse_level_clash('classification', clash);
    end;
    return update_agreement.agreement;
end
$$;
comment on function parley.update_agreement is
    'Changes an agreement: update_agreement(agreement => ..., title, kind, summary, timezone, owner, source, classification). Parameters left out keep their value; '''' clears summary, owner or source. Raising the classification raises its provisions with it; lowering it is parley.declassify''s. Returns the code.';

create or replace function parley.add_agreement_track(agreement text, track text)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(add_agreement_track.agreement);
    this_track constant bigint := parley_data.track_id(add_agreement_track.track);
    track_level constant parley.classification := parley_data.track_level(this_track);
begin
    if exists (select 1 from parley_data.agreement_tracks l
                where l.agreement_id = existing.id and l.track_id = this_track) then
        perform parley_data.refuse('23505', 'track', 'agreement_tracks_pkey',
            format('agreement "%s" is already on track "%s"', add_agreement_track.agreement, add_agreement_track.track),
            'Nothing to do: the track is recorded.');
    end if;
    -- A more classified track raises the agreement (a trigger), and with it everything that belongs to it.
    insert into parley_data.agreement_tracks (agreement_id, track_id, position, agreement_classification,
                                              track_classification, effective_classification)
    select existing.id, this_track, coalesce(max(l.position), 0) + 1, existing.classification, track_level,
           greatest(existing.classification, track_level)
      from parley_data.agreement_tracks l where l.agreement_id = existing.id;
    return add_agreement_track.agreement;
end
$$;
comment on function parley.add_agreement_track(text, text) is
    'Records that an agreement belongs to one more track: add_agreement_track(agreement => ..., track => ...). A track more classified than the agreement raises it. Returns the agreement''s code.';

-- Parties -------------------------------------------------------------------------------------------------------------

create or replace function parley.add_agreement_party(agreement text, party text, role parley.agreement_role,
                                                      note text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(add_agreement_party.agreement);
    this_party constant bigint := parley_data.party_id(add_agreement_party.party);
begin
    perform parley_data.require('role', add_agreement_party.role is not null);
    perform parley_data.check_free_text('note', add_agreement_party.note, 'agreement_parties_note_length');
    if exists (select 1 from parley_data.agreement_parties p
                where p.agreement_id = existing.id and p.party_id = this_party and p.role = add_agreement_party.role) then
        perform parley_data.refuse('23505', 'role', 'agreement_parties_pkey',
            format('party "%s" is already %s of agreement "%s"', add_agreement_party.party, add_agreement_party.role,
                   add_agreement_party.agreement),
            'Nothing to do; to record its signature use parley.sign_agreement.');
    end if;
    perform parley_data.check_agreement_role(existing.id, this_party, add_agreement_party.party, add_agreement_party.role);
    insert into parley_data.agreement_parties (agreement_id, party_id, role, note, classification)
    values (existing.id, this_party, add_agreement_party.role, nullif(btrim(add_agreement_party.note), ''),
            existing.classification);
    return add_agreement_party.agreement;
end
$$;
comment on function parley.add_agreement_party(text, text, parley.agreement_role, text) is
    'Records a party to an agreement and its role, without a signature: add_agreement_party(agreement => ..., party => ''US'', role => ''mediator''). Roles that conflict (a signatory as its own mediator, witness or observer; an observer as guarantor or mediator) are refused. Returns the agreement''s code.';

create or replace function parley.sign_agreement(
    agreement text, party text, signed_on date default current_date,
    role parley.agreement_role default 'signatory', signed_at text default null, source text default null,
    note text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(sign_agreement.agreement);
    this_party constant bigint := parley_data.party_id(sign_agreement.party);
    this_source bigint;
    already date;
    held boolean;
begin
    perform parley_data.require('role', sign_agreement.role is not null);
    perform parley_data.require('signed_on', sign_agreement.signed_on is not null);
    perform parley_data.check_optional_label('signed_at', sign_agreement.signed_at, 'agreements_signed_at_format');
    perform parley_data.check_free_text('note', sign_agreement.note, 'agreement_parties_note_length');
    this_source := parley_data.given_source_id(sign_agreement.source);
    perform parley_data.check_agreement_not_ended(existing, sign_agreement.agreement, 'signed');
    select true, p.signed_on into held, already
      from parley_data.agreement_parties p
     where p.agreement_id = existing.id and p.party_id = this_party and p.role = sign_agreement.role;
    if already is not null then
        perform parley_data.refuse('23505', 'party', 'agreement_parties_signed_once',
            format('party "%s" signed agreement "%s" as %s on %s already', sign_agreement.party,
                   sign_agreement.agreement, sign_agreement.role, already),
            'Nothing to do.');
    end if;
    if held is null then
        perform parley_data.check_agreement_role(existing.id, this_party, sign_agreement.party, sign_agreement.role);
    end if;
    -- The first signature of a draft signs it.
    if sign_agreement.role = 'signatory' and existing.status = 'drafted' then
        perform parley_data.record_agreement_status(existing, sign_agreement.agreement, 'signed', sign_agreement.signed_on,
                                                    'agreement', 'signed_on', this_party, this_source);
    end if;
    if held then
        update parley_data.agreement_parties p
           set signed_on = sign_agreement.signed_on, note = coalesce(nullif(btrim(sign_agreement.note), ''), p.note)
         where p.agreement_id = existing.id and p.party_id = this_party and p.role = sign_agreement.role;
    else
        insert into parley_data.agreement_parties (agreement_id, party_id, role, signed_on, note, classification)
        values (existing.id, this_party, sign_agreement.role, sign_agreement.signed_on,
                nullif(btrim(sign_agreement.note), ''), existing.classification);
    end if;
    if nullif(btrim(sign_agreement.signed_at), '') is not null then
        update parley_data.agreements a set signed_at = coalesce(a.signed_at, btrim(sign_agreement.signed_at))
         where a.id = existing.id;
    end if;
    return sign_agreement.agreement;
end
$$;
comment on function parley.sign_agreement is
    'Records a party''s signature: sign_agreement(agreement => ..., party => ''UA'', signed_on => ''2025-06-02'', role => ''signatory'' (or guarantor, witness, mediator), signed_at => ''Istanbul'', source => ...). The first signatory''s signature moves a draft to signed. Returns the agreement''s code.';

-- Relations -----------------------------------------------------------------------------------------------------------

create or replace function parley.relate_agreements(agreement text, relation parley.agreement_relation, related text,
                                                    note text default null, source text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(relate_agreements.agreement);
    other constant parley_data.agreements := parley_data.agreement_for_change(relate_agreements.related, 'related');
    this_source bigint;
begin
    perform parley_data.require('relation', relate_agreements.relation is not null);
    perform parley_data.check_free_text('note', relate_agreements.note, 'agreement_relations_note_length');
    this_source := parley_data.given_source_id(relate_agreements.source);
    if existing.id = other.id then
        perform parley_data.refuse('23514', 'related', 'agreement_relations_not_itself',
            format('agreement "%s" cannot %s itself', relate_agreements.agreement, relate_agreements.relation),
            'Name another agreement.');
    end if;
    if exists (select 1 from parley_data.agreement_relations r
                where r.relation = relate_agreements.relation
                  and ((r.agreement_id = existing.id and r.related_id = other.id)
                       or (relate_agreements.relation = 'mirrors' and r.agreement_id = other.id and r.related_id = existing.id))) then
        perform parley_data.refuse('23505', 'related', 'agreement_relations_pkey',
            format('agreement "%s" already %s "%s"', relate_agreements.agreement, relate_agreements.relation,
                   relate_agreements.related),
            'Nothing to do: the relation is recorded.');
    end if;
    insert into parley_data.agreement_relations (agreement_id, relation, related_id, note, source_id,
                                                 agreement_classification, related_classification,
                                                 effective_classification)
    values (existing.id, relate_agreements.relation, other.id, nullif(btrim(relate_agreements.note), ''), this_source,
            existing.classification, other.classification, greatest(existing.classification, other.classification));
    return relate_agreements.agreement;
end
$$;
comment on function parley.relate_agreements is
    'Records how one agreement relates to another: relate_agreements(agreement => ''riyadh-us-ua'', relation => ''mirrors'', related => ''riyadh-us-ru''); relations: mirrors (both ways), amends, supersedes, implements. Kept at the higher level of the two. Returns the agreement''s code.';

-- Entry into force and end ------------------------------------------------------------------------------------------

create or replace function parley.enter_into_force(agreement text, in_force_on date default current_date,
                                                   source text default null, note text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(enter_into_force.agreement);
    this_source bigint;
    first_term parley_data.agreement_terms;
begin
    this_source := parley_data.given_source_id(enter_into_force.source);
    if existing.status = 'suspended' then
        perform parley_data.refuse('23514', 'agreement', 'agreement_status_transition',
            format('agreement "%s" is suspended: it entered into force on %s already', enter_into_force.agreement,
                   existing.in_force_on),
            'A suspended agreement comes back into force with parley.resume_agreement.');
    end if;
    perform parley_data.record_agreement_status(existing, enter_into_force.agreement, 'in_force',
                                                enter_into_force.in_force_on, 'agreement', 'in_force_on', null,
                                                this_source, enter_into_force.note);
    -- The first term starts now; its end follows from its length when none was given.
    select * into first_term from parley_data.agreement_terms t where t.agreement_id = existing.id and t.number = 1;
    if first_term.ends_on < enter_into_force.in_force_on then
        perform parley_data.refuse('23514', 'in_force_on', 'agreement_terms_ends_after_start',
            format('in_force_on %s is after the end of its term (%s)', enter_into_force.in_force_on, first_term.ends_on),
            'Check the date, or correct the term''s end.');
    end if;
    update parley_data.agreement_terms t
       set starts_on = enter_into_force.in_force_on,
           ends_on = coalesce(t.ends_on, parley_data.term_last_day(enter_into_force.in_force_on, t.length)),
           source_id = coalesce(t.source_id, this_source)
     where t.agreement_id = existing.id and t.number = 1;
    return enter_into_force.agreement;
end
$$;
comment on function parley.enter_into_force(text, date, text, text) is
    'Records that a drafted or signed agreement entered into force on a day (not before it was signed): enter_into_force(agreement => ..., in_force_on => ''2025-03-18'', source => ...). Its first term starts that day (and ends after its length, when only a length was given). Returns the code.';

create or replace function parley.end_agreement(
    agreement text, status parley.agreement_status, ended_on date default current_date,
    superseded_by text default null, party text default null, source text default null, note text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(end_agreement.agreement);
    successor parley_data.agreements;
    this_party bigint;
    this_source bigint;
begin
    perform parley_data.require('status', end_agreement.status is not null);
    if not parley_data.agreement_has_ended(end_agreement.status) then
        perform parley_data.refuse('23514', 'status', 'agreement_end_status',
            format('status %s does not end an agreement', end_agreement.status),
            'An agreement ends as expired, terminated or superseded.');
    end if;
    if end_agreement.superseded_by is not null then
        if end_agreement.status <> 'superseded' then
            perform parley_data.refuse('23514', 'superseded_by', 'agreement_superseded_by_when_superseded',
                format('superseded_by is given for an agreement that %s', end_agreement.status),
                'Give superseded_by with status => ''superseded'' only.');
        end if;
        successor := parley_data.agreement_for_change(end_agreement.superseded_by, 'superseded_by');
        if successor.id = existing.id then
            perform parley_data.refuse('23514', 'superseded_by', 'agreement_relations_not_itself',
                format('agreement "%s" cannot supersede itself', end_agreement.agreement), 'Name the agreement that replaced it.');
        end if;
    end if;
    if end_agreement.party is not null then
        this_party := parley_data.party_id(end_agreement.party);
    end if;
    this_source := parley_data.given_source_id(end_agreement.source);
    if end_agreement.ended_on < existing.in_force_on then
        perform parley_data.refuse('23514', 'ended_on', 'agreements_ended_after_in_force',
            format('ended_on %s is before agreement "%s" entered into force (%s)', end_agreement.ended_on,
                   end_agreement.agreement, existing.in_force_on),
            'An agreement ends on or after the day it entered into force.');
    end if;
    perform parley_data.record_agreement_status(existing, end_agreement.agreement, end_agreement.status,
                                                end_agreement.ended_on, 'status', 'ended_on', this_party, this_source,
                                                end_agreement.note);
    if successor.id is not null
       and not exists (select 1 from parley_data.agreement_relations r
                        where r.agreement_id = successor.id and r.related_id = existing.id and r.relation = 'supersedes') then
        insert into parley_data.agreement_relations (agreement_id, relation, related_id, source_id,
                                                     agreement_classification, related_classification,
                                                     effective_classification)
        values (successor.id, 'supersedes', existing.id, this_source, successor.classification,
                existing.classification, greatest(successor.classification, existing.classification));
    end if;
    -- Its provisions are no longer chased, and their outcome stands as it was.
    update parley_data.commitments c
       set frozen_on = end_agreement.ended_on
     where c.agreement_id = existing.id and c.frozen_on is null;
    return end_agreement.agreement;
end
$$;
comment on function parley.end_agreement is
    'Records that an agreement ended: end_agreement(agreement => ..., status => ''expired'' | ''terminated'' | ''superseded'', ended_on => ..., superseded_by => ..., party => (who ended it), source => ..., note => ...). Not before it entered into force; only one that was in force expires. Its provisions are no longer chased from then on, and their status stands as it was for parley.compliance. Returns the code.';
