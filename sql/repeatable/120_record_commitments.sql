-- Recording positions, deals, commitments and their delivery (updates), and deadline changes.
set local role parley_owner;

-- Positions ---------------------------------------------------------------------------------------------------

-- One stance per party, item, track and day: recording the same day again corrects it. Positions the caller may
-- not see do not count (the caller records a position of their own, at their level); one they may see is
-- corrected, and raised if the classification given is higher — never lowered: that is parley.declassify's.
create or replace function parley.record_position(
    party text, item text, stance parley.stance, stated_on date default current_date, track text default null,
    statement text default null, source text default null, classification parley.classification default null)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_party constant bigint := parley_data.party_named(record_position.party);
    this_item constant bigint := parley_data.item_named(record_position.item);
    this_source constant bigint := parley_data.source_named(record_position.source);
    track_found record;
    track_level parley.classification;
    existing parley_data.positions;
    level parley.classification;
    result bigint;
    clash text;
begin
    track_found := parley_data.track_matches(record_position.track);
    perform parley_data.refuse_if(parley_data.bad_position(record_position.party, this_party is not null,
        record_position.item, this_item is not null, record_position.statement, record_position.stance,
        record_position.stated_on, record_position.track, track_found.matches, track_found.levels,
        record_position.source, this_source is not null, record_position.classification,
        parley_data.session_clearance()));
    track_level := coalesce(parley_data.track_level(track_found.id), 'unclassified');
    -- The position of that day the caller may see: the one at the level asked for, else the most classified.
    existing := parley_data.position_for_change(this_party, this_item, track_found.id, record_position.stated_on,
                                                greatest(record_position.classification, track_level));
    if existing.id is null then
        level := coalesce(record_position.classification, 'unclassified');
        insert into parley_data.positions
               (party_id, item_id, track_id, stance, statement, stated_on, source_id, classification,
                track_classification, effective_classification)
        values (this_party, this_item, track_found.id, record_position.stance,
                nullif(btrim(record_position.statement), ''), record_position.stated_on, this_source, level,
                track_level, greatest(level, track_level))
        returning id into result;
        return result;
    end if;
    level := coalesce(record_position.classification, existing.classification);
    perform parley_data.check_not_lowered('classification', existing.classification, level,
                                          format('position %s', existing.id));
    begin
        update parley_data.positions p
           set stance = record_position.stance,
               statement = nullif(btrim(record_position.statement), ''),
               source_id = this_source,
               classification = level
         where p.id = existing.id
        returning p.id into result;
    exception when unique_violation then
        get stacked diagnostics clash = pg_exception_detail;
        perform parley_data.refuse_level_clash('classification', clash);
    end;
    return result;
end
$$;
comment on function parley.record_position is
    'Records what a party says about an agenda item: record_position(party => ''RU'', item => ''ceasefire'', stance => ''conditional'', stated_on => ..., track => ..., statement => ..., source => ..., classification => ...). Recording the same party, item, track and day again corrects it (and raises its classification when a higher one is given; lowering it is parley.declassify_position). Returns the position''s id.';

-- Deals and commitments ---------------------------------------------------------------------------------------

create or replace function parley.add_deal(code text, title text,
                                           classification parley.classification default 'unclassified')
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.refuse_if(coalesce(
        parley_data.bad_deal(add_deal.code, add_deal.title, add_deal.classification, parley_data.session_clearance()),
        parley_data.taken('deal', 'code', add_deal.code, 'deals_code_key',
            parley_data.code_taken('parley_data.deals', 'classification', add_deal.code) is not null,
            'Choose another code, or name the existing deal in add_commitment.')));
    insert into parley_data.deals (code, title, classification)
    values (add_deal.code, add_deal.title, add_deal.classification);
    return add_deal.code;
end
$$;
comment on function parley.add_deal is
    'Adds a reciprocal deal (a 1,000-for-1,000 exchange) whose sides are commitments, one per obligor: add_deal(code => ''ist-r1-1000-for-1000'', title => ...). add_commitment(deal => ...) also creates it when new. Returns the code.';

create or replace function parley.add_commitment(
    track text, item text, obligor text, beneficiaries text[], text text, made_on date default current_date,
    due_on date default null, target_quantity numeric default null, unit text default null, code text default null,
    deal text default null, deal_title text default null, owner text default null,
    classification parley.classification default 'unclassified', source text default null, meeting text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    mine constant parley.classification := parley_data.session_clearance();
    track_found record;
    this_item constant bigint := parley_data.item_named(add_commitment.item);
    this_obligor constant bigint := parley_data.party_named(add_commitment.obligor);
    beneficiary_ids bigint[];
    unknown_beneficiary text;
    this_deal bigint;
    deal_side text;
    owner_person constant parley_data.people := parley_data.person_named(add_commitment.owner);
    this_source constant bigint := parley_data.source_named(add_commitment.source);
    meeting_found record;
    meeting_track bigint;
    track_level parley.classification;
    meeting_level parley.classification;
    level parley.classification;
    new_id bigint;
    new_code text;
begin
    -- What its references name (035_input_rules takes them as found, as an import finds them for a whole document).
    track_found := parley_data.track_matches(add_commitment.track);
    track_level := parley_data.track_level(track_found.id);
    select b into unknown_beneficiary from unnest(add_commitment.beneficiaries) b
     where parley_data.party_named(b) is null limit 1;
    select array_agg(distinct p.id) into beneficiary_ids
      from parley_data.parties p where p.code = any (add_commitment.beneficiaries);
    select m.id, m.matches, m.levels into meeting_found
      from parley_data.classified_matches('parley_data.meetings', 'effective_classification', array[add_commitment.meeting],
                                          mine) m;
    select x.track_id, x.effective_classification into meeting_track, meeting_level
      from parley_data.meetings x where x.id = meeting_found.id and meeting_found.matches = 1;
    -- A deal the caller may not see does not count: a new one is created, at the commitment's level.
    if parley_data.code_taken('parley_data.deals', 'classification', add_commitment.deal) is not null then
        this_deal := parley_data.deal_id(add_commitment.deal);
        select c.code into deal_side from parley_data.commitments c
         where c.deal_id = this_deal and c.obligor_id = this_obligor and c.effective_classification <= mine
         limit 1;
    end if;

    perform parley_data.refuse_if(coalesce(
        parley_data.bad_commitment(add_commitment.code, add_commitment.track, track_found.matches, track_found.levels,
            add_commitment.item, this_item is not null,
            exists (select 1 from parley_data.track_agenda a
                     where a.track_id = track_found.id and a.item_id = this_item),
            add_commitment.obligor, this_obligor is not null, add_commitment.beneficiaries, unknown_beneficiary,
            'beneficiaries', add_commitment.text, add_commitment.made_on, add_commitment.due_on,
            add_commitment.target_quantity, add_commitment.unit, add_commitment.deal, deal_side, add_commitment.owner,
            owner_person.id is not null, owner_person.active, add_commitment.classification, mine,
            add_commitment.source, this_source is not null, add_commitment.meeting, meeting_found.matches,
            meeting_found.levels, meeting_track = track_found.id),
        parley_data.reserved_code('code', 'commitment', add_commitment.code,
            'Choose a code that says what the commitment is, such as ist-r1-pow-ru, or leave code out.'),
        parley_data.taken('commitment', 'code', add_commitment.code, 'commitments_code_key',
            parley_data.code_taken('parley_data.commitments', 'effective_classification', add_commitment.code) is not null,
            'Choose another code; to change the existing commitment use parley.update_commitment.'),
        case when add_commitment.deal is not null and this_deal is null
             then parley_data.bad_label('deal_title', coalesce(add_commitment.deal_title, add_commitment.deal),
                                        'deals_title_format') end));

    -- The level it is kept at: the highest of its own, its track's and its meeting's.
    level := greatest(add_commitment.classification, track_level, meeting_level);
    -- The deal last: it is the only thing created besides the commitment, and only once all else is known good.
    if add_commitment.deal is not null and this_deal is null then
        insert into parley_data.deals (code, title, classification)
        values (add_commitment.deal, coalesce(add_commitment.deal_title, add_commitment.deal), level)
        returning id into this_deal;
    end if;

    insert into parley_data.commitments
           (code, track_id, item_id, meeting_id, obligor_id, deal_id, text, made_on, due_on, target_quantity, unit,
            owner_id, classification, track_classification, meeting_classification, deal_classification,
            effective_classification, source_id)
    values (add_commitment.code, track_found.id, this_item, meeting_found.id, this_obligor, this_deal,
            add_commitment.text, add_commitment.made_on, add_commitment.due_on, add_commitment.target_quantity,
            nullif(btrim(add_commitment.unit), ''), owner_person.id, add_commitment.classification, track_level,
            meeting_level, parley_data.deal_level(this_deal), level, this_source)
    returning id, commitments.code into new_id, new_code;
    insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id, effective_classification)
    select new_id, this_obligor, b, level from unnest(beneficiary_ids) b;
    return new_code;
end
$$;
comment on function parley.add_commitment is
    'Records what a party promised: add_commitment(track => ''istanbul'', item => ''pow-exchange'', obligor => ''RU'', beneficiaries => array[''UA''], text => ..., made_on => ..., due_on => ..., target_quantity => 1000, unit => ''prisoners'', code => ..., deal => ..., owner => ..., classification => ..., source => ..., meeting => ...). The item must be on the track''s agenda; a new deal code creates the deal. Returns the commitment''s code (C and its number when none is given).';

-- The commitment a reference names, locked for the change (as parley_data.agreement_for_change, 150).
create or replace function parley_data.commitment_for_change(reference text, field text default 'commitment')
    returns parley_data.commitments
    language plpgsql as $$
declare
    this_id constant bigint := parley_data.commitment_id(reference, field);
    found_commitment parley_data.commitments;
begin
    select * into found_commitment from parley_data.commitments c where c.id = this_id for no key update;
    return found_commitment;
end
$$;
comment on function parley_data.commitment_for_change(text, text) is
    'The commitment a reference names among those the caller may see, locked for a change; refuses (23503) otherwise.';

-- Delivery against a commitment. The triggers on commitment_updates (000002) add up the quantities and apply the
-- new status; this function only checks first, so that a refused status change names new_status.
create or replace function parley.record_update(
    commitment text, reported_on date default current_date, delivered numeric default null,
    new_status parley.commitment_status default null, reopen boolean default false, note text default null,
    source text default null, reported_by text default null,
    verification parley.verification default 'unverified', recorded_by text default null)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    -- Locked now so that the status checked is the status the trigger will change.
    existing constant parley_data.commitments := parley_data.commitment_for_change(record_update.commitment);
    this_source constant bigint := parley_data.source_named(record_update.source);
    this_party constant bigint := parley_data.party_named(record_update.reported_by);
    this_person bigint;
    result bigint;
begin
    -- A provision of an agreement that ended stands as it was then: only what happened before may be reported.
    -- (Import carries no agreements, so this rule is the recording function's alone.)
    if record_update.reported_on > existing.frozen_on then
        perform parley_data.refuse('23514', 'reported_on', 'provision_frozen',
            format('reported_on %s is after %s, when the agreement that commitment "%s" is a provision of ended: its outcome stands as it was',
                   record_update.reported_on, existing.frozen_on, record_update.commitment),
            'Report only what happened while the agreement was in force; what came after belongs to another commitment.');
    end if;
    this_person := (parley_data.person_named(record_update.recorded_by)).id;
    perform parley_data.refuse_if(parley_data.bad_update(record_update.commitment, existing.made_on, existing.status,
        record_update.reported_on, record_update.delivered, record_update.new_status, record_update.reopen,
        record_update.note, record_update.verification, record_update.source, this_source is not null,
        record_update.reported_by, this_party is not null, record_update.recorded_by, this_person is not null));
    if record_update.recorded_by is null then
        -- Logins named after their e-mail are recognised; others leave it to the change history.
        this_person := (parley_data.person_named(session_user::text)).id;
    end if;

    insert into parley_data.commitment_updates
           (commitment_id, reported_on, delivered_quantity, new_status, reopen, note, source_id,
            reported_by_party_id, recorded_by_id, verification, effective_classification)
    values (existing.id, record_update.reported_on, record_update.delivered, record_update.new_status,
            record_update.reopen, nullif(btrim(record_update.note), ''), this_source, this_party, this_person,
            record_update.verification, existing.effective_classification)
    returning id into result;
    return result;
end
$$;
comment on function parley.record_update is
    'Records a report against a commitment: record_update(commitment => ''ist-r1-pow-ru'', reported_on => ''2025-05-23'', delivered => 390, new_status => ''partially_fulfilled'', note => ..., source => ..., reported_by => ''UA'', verification => ''both_parties''). delivered is this stage only; the total and the status follow. Leaving fulfilled, breached, withdrawn or superseded (or going back to pending) needs reopen => true and a note; a reopened commitment is chased again. Returns the update''s id.';

-- Moving a deadline is common and must be traceable: the change history keeps who moved it, when, from what.
create or replace function parley.change_due_date(commitment text, due_on date)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.commitments := parley_data.commitment_for_change(change_due_date.commitment);
begin
    perform parley_data.check_due_on(change_due_date.due_on, existing.made_on);
    update parley_data.commitments c
       set due_on = change_due_date.due_on
     where c.id = existing.id and c.due_on is distinct from change_due_date.due_on;
    return change_due_date.commitment;
end
$$;
comment on function parley.change_due_date is
    'Moves a commitment''s deadline: change_due_date(commitment => ''ist-r1-pow-ru'', due_on => ''2025-06-01''); due_on => null removes it. The change history records who moved it and from what date. Returns the code.';

-- Leave a parameter out to keep the value; '' clears owner, unit or source.
create or replace function parley.update_commitment(
    commitment text, text text default null, due_on date default null, owner text default null,
    classification parley.classification default null, target_quantity numeric default null, unit text default null,
    source text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.commitments := parley_data.commitment_for_change(update_commitment.commitment);
    this_owner bigint;
    this_source bigint;
    new_unit text;
    clash text;
begin
    if update_commitment.text is not null then
        perform parley_data.require('text', nullif(btrim(update_commitment.text), '') is not null);
        perform parley_data.check_free_text('text', update_commitment.text, 'commitments_text_length');
    end if;
    perform parley_data.check_due_on(update_commitment.due_on, existing.made_on);
    if nullif(update_commitment.owner, '') is not null then
        this_owner := parley_data.person_id(update_commitment.owner, 'owner', active_only => true);
    end if;
    perform parley_data.check_reclassification(existing.classification, update_commitment.classification,
                                               format('commitment "%s"', update_commitment.commitment));
    perform parley_data.check_optional_label('unit', update_commitment.unit, 'commitments_unit_format');
    new_unit := case when update_commitment.unit is null then existing.unit else nullif(btrim(update_commitment.unit), '') end;
    perform parley_data.refuse_if(
        parley_data.bad_target(coalesce(update_commitment.target_quantity, existing.target_quantity), new_unit));
    if nullif(update_commitment.source, '') is not null then
        this_source := parley_data.source_id(update_commitment.source);
    end if;
    begin
    update parley_data.commitments c
       set text = coalesce(update_commitment.text, c.text),
           due_on = coalesce(update_commitment.due_on, c.due_on),
           owner_id = case when update_commitment.owner is null then c.owner_id else this_owner end,
           classification = coalesce(update_commitment.classification, c.classification),
           target_quantity = coalesce(update_commitment.target_quantity, c.target_quantity),
           unit = new_unit,
           source_id = case when update_commitment.source is null then c.source_id else this_source end
     where c.id = existing.id
       and (c.text, c.due_on, c.owner_id, c.classification, c.target_quantity, c.unit, c.source_id) is distinct from
           (coalesce(update_commitment.text, c.text), coalesce(update_commitment.due_on, c.due_on),
            case when update_commitment.owner is null then c.owner_id else this_owner end,
            coalesce(update_commitment.classification, c.classification),
            coalesce(update_commitment.target_quantity, c.target_quantity), new_unit,
            case when update_commitment.source is null then c.source_id else this_source end);
    exception when unique_violation then
        get stacked diagnostics clash = pg_exception_detail;
        perform parley_data.refuse_level_clash('classification', clash);
    end;
    return update_commitment.commitment;
end
$$;
comment on function parley.update_commitment is
    'Changes a commitment: update_commitment(commitment => ..., text, due_on, owner, classification, target_quantity, unit, source). Parameters left out keep their value; '''' clears owner, unit or source. Delivery and status are recorded with parley.record_update. Returns the code.';
