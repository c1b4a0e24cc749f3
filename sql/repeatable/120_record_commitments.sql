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
    this_party constant bigint := parley_data.party_id(record_position.party);
    this_item constant bigint := parley_data.item_id(record_position.item);
    this_track bigint;
    track_level parley.classification := 'unclassified';
    this_source bigint;
    existing parley_data.positions;
    level parley.classification;
    result bigint;
    clash text;
begin
    perform parley_data.check_free_text('statement', record_position.statement, 'positions_statement_length');
    perform parley_data.require('stance', record_position.stance is not null);
    perform parley_data.require('stated_on', record_position.stated_on is not null);
    if record_position.track is not null then
        this_track := parley_data.track_id(record_position.track);
        track_level := parley_data.track_level(this_track);
    end if;
    if record_position.source is not null then
        this_source := parley_data.source_id(record_position.source);
    end if;
    if record_position.classification is not null then
        perform parley_data.check_clearance('classification', record_position.classification);
    end if;
    -- The position of that day the caller may see: the one at the level asked for, else the most classified.
    select * into existing from parley_data.positions p
     where p.party_id = this_party and p.item_id = this_item and p.track_id is not distinct from this_track
       and p.stated_on = record_position.stated_on
       and p.effective_classification <= parley_data.session_clearance()
     order by p.effective_classification = greatest(record_position.classification, track_level) desc,
              p.effective_classification desc
     limit 1
       for no key update;
    if existing.id is null then
        level := coalesce(record_position.classification, 'unclassified');
        insert into parley_data.positions
               (party_id, item_id, track_id, stance, statement, stated_on, source_id, classification,
                track_classification, effective_classification)
        values (this_party, this_item, this_track, record_position.stance, nullif(btrim(record_position.statement), ''),
                record_position.stated_on, this_source, level, track_level, greatest(level, track_level))
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
    perform parley_data.check_code('code', add_deal.code, 'deals_code_format');
    perform parley_data.check_label('title', add_deal.title, 'deals_title_format');
    perform parley_data.require('classification', add_deal.classification is not null);
    perform parley_data.check_clearance('classification', add_deal.classification);
    if parley_data.code_taken('parley_data.deals', 'classification', add_deal.code) is not null then
        perform parley_data.refuse('23505', 'code', 'deals_code_key',
            format('deal "%s" already exists', add_deal.code), 'Choose another code, or name the existing deal in add_commitment.');
    end if;
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
    this_track constant bigint := parley_data.track_id(add_commitment.track);
    this_item constant bigint := parley_data.item_id(add_commitment.item);
    this_obligor constant bigint := parley_data.party_id(add_commitment.obligor, 'obligor');
    beneficiary_ids bigint[];
    bad text;
    this_deal bigint;
    this_owner bigint;
    this_source bigint;
    this_meeting bigint;
    meeting_track bigint;
    track_level constant parley.classification := parley_data.track_level(this_track);
    meeting_level parley.classification;
    level parley.classification;
    new_id bigint;
    new_code text;
begin
    if not exists (select 1 from parley_data.track_agenda a
                    where a.track_id = this_track and a.item_id = this_item) then
        perform parley_data.refuse('23503', 'item', 'commitments_on_track_agenda',
            format('agenda item "%s" is not on the agenda of track "%s"', add_commitment.item, add_commitment.track),
            format('Put it on the agenda first: select parley.set_agenda_status(track => %L, item => %L, status => ''agreed'');',
                   add_commitment.track, add_commitment.item));
    end if;

    -- Beneficiaries: at least one, each a known party, never the obligor; repeats count once.
    perform parley_data.require('beneficiaries', coalesce(cardinality(add_commitment.beneficiaries), 0) > 0);
    perform parley_data.require('beneficiaries', array_position(add_commitment.beneficiaries, null) is null);
    select b into bad from unnest(add_commitment.beneficiaries) b
     where not exists (select 1 from parley_data.parties p where p.code = b) limit 1;
    if bad is not null then
        perform parley_data.unknown('party', bad, 'beneficiaries',
            'Check the codes (codes are case-sensitive) or add the party first with parley.add_party.');
    end if;
    if add_commitment.obligor = any (add_commitment.beneficiaries) then
        perform parley_data.refuse('23514', 'beneficiaries', 'commitment_beneficiaries_not_obligor',
            format('beneficiary "%s" is the obligor: a party cannot owe a commitment to itself', add_commitment.obligor),
            'Name the parties the commitment is owed to, other than the obligor.');
    end if;
    select array_agg(distinct p.id) into beneficiary_ids
      from parley_data.parties p where p.code = any (add_commitment.beneficiaries);

    perform parley_data.require('text', nullif(btrim(add_commitment.text), '') is not null);
    perform parley_data.check_free_text('text', add_commitment.text, 'commitments_text_length');
    perform parley_data.check_finite('target_quantity', add_commitment.target_quantity, 'commitments_target_finite');
    perform parley_data.require('made_on', add_commitment.made_on is not null);
    if add_commitment.due_on < add_commitment.made_on then
        perform parley_data.refuse('23514', 'due_on', 'commitments_due_after_made',
            format('due_on %s is before made_on %s', add_commitment.due_on, add_commitment.made_on),
            'A deadline falls on or after the day the commitment was made.');
    end if;
    if add_commitment.target_quantity <= 0 then
        perform parley_data.refuse('23514', 'target_quantity', 'commitments_target_positive',
            format('target_quantity %s is not positive', add_commitment.target_quantity),
            'Give the quantity promised (more than zero), or leave it out when nothing is counted.');
    end if;
    perform parley_data.check_optional_label('unit', add_commitment.unit, 'commitments_unit_format');
    if nullif(btrim(add_commitment.unit), '') is not null and add_commitment.target_quantity is null then
        perform parley_data.refuse('23514', 'unit', 'commitments_unit_with_target',
            format('unit "%s" is given without a target_quantity', add_commitment.unit),
            'Give target_quantity too, or leave unit out.');
    end if;
    if add_commitment.code is not null then
        perform parley_data.check_code('code', add_commitment.code, 'commitments_code_format');
        if add_commitment.code ~ '^C[0-9]+$' then
            perform parley_data.refuse('23514', 'code', 'commitments_code_reserved',
                format('code "%s" is reserved: C followed by a number names commitments recorded without a code', add_commitment.code),
                'Choose a code that says what the commitment is, such as ist-r1-pow-ru, or leave code out.');
        end if;
        if parley_data.code_taken('parley_data.commitments', 'effective_classification', add_commitment.code) is not null then
            perform parley_data.refuse('23505', 'code', 'commitments_code_key',
                format('commitment "%s" already exists', add_commitment.code),
                'Choose another code; to change the existing commitment use parley.update_commitment.');
        end if;
    end if;
    if add_commitment.owner is not null then
        this_owner := parley_data.person_id(add_commitment.owner, 'owner', active_only => true);
    end if;
    perform parley_data.require('classification', add_commitment.classification is not null);
    perform parley_data.check_clearance('classification', add_commitment.classification);
    if add_commitment.source is not null then
        this_source := parley_data.source_id(add_commitment.source);
    end if;
    if add_commitment.meeting is not null then
        this_meeting := parley_data.meeting_id(add_commitment.meeting);
        select m.track_id, m.effective_classification into meeting_track, meeting_level
          from parley_data.meetings m where m.id = this_meeting;
        if meeting_track <> this_track then
            perform parley_data.refuse('23503', 'meeting', 'commitments_meeting_on_track',
                format('meeting "%s" is not a meeting of track "%s"', add_commitment.meeting, add_commitment.track),
                'Name a meeting of the same track, or leave meeting out.');
        end if;
    end if;

    -- The level it is kept at: the highest of its own, its track's and its meeting's.
    level := greatest(add_commitment.classification, track_level, meeting_level);

    -- The deal last: it is the only thing created besides the commitment, and only once all else is known good. A
    -- deal the caller may not see does not count: a new one is created, at the commitment's level.
    if add_commitment.deal is not null then
        perform parley_data.check_code('deal', add_commitment.deal, 'deals_code_format');
        if parley_data.code_taken('parley_data.deals', 'classification', add_commitment.deal) is not null then
            this_deal := parley_data.deal_id(add_commitment.deal);
        end if;
        if this_deal is null then
            perform parley_data.check_label('deal_title', coalesce(add_commitment.deal_title, add_commitment.deal), 'deals_title_format');
            insert into parley_data.deals (code, title, classification)
            values (add_commitment.deal, coalesce(add_commitment.deal_title, add_commitment.deal), level)
            returning id into this_deal;
        elsif exists (select 1 from parley_data.commitments c
                       where c.deal_id = this_deal and c.obligor_id = this_obligor
                         and c.effective_classification <= parley_data.session_clearance()) then
            perform parley_data.refuse('23505', 'deal', 'commitments_one_per_obligor_in_deal',
                format('deal "%s" already has a commitment by %s', add_commitment.deal, add_commitment.obligor),
                'A deal has one commitment per obligor; change that one with parley.update_commitment.');
        end if;
    end if;

    insert into parley_data.commitments
           (code, track_id, item_id, meeting_id, obligor_id, deal_id, text, made_on, due_on, target_quantity, unit,
            owner_id, classification, track_classification, meeting_classification, deal_classification,
            effective_classification, source_id)
    values (add_commitment.code, this_track, this_item, this_meeting, this_obligor, this_deal, add_commitment.text,
            add_commitment.made_on, add_commitment.due_on, add_commitment.target_quantity,
            nullif(btrim(add_commitment.unit), ''), this_owner, add_commitment.classification, track_level,
            meeting_level, parley_data.deal_level(this_deal), level, this_source)
    returning id, commitments.code into new_id, new_code;
    insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id, effective_classification)
    select new_id, this_obligor, b, level from unnest(beneficiary_ids) b;
    return new_code;
end
$$;
comment on function parley.add_commitment is
    'Records what a party promised: add_commitment(track => ''istanbul'', item => ''pow-exchange'', obligor => ''RU'', beneficiaries => array[''UA''], text => ..., made_on => ..., due_on => ..., target_quantity => 1000, unit => ''prisoners'', code => ..., deal => ..., owner => ..., classification => ..., source => ..., meeting => ...). The item must be on the track''s agenda; a new deal code creates the deal. Returns the commitment''s code (C and its number when none is given).';

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
    this_commitment constant bigint := parley_data.commitment_id(record_update.commitment);
    current_status parley.commitment_status;
    made date;
    frozen date;
    this_source bigint;
    this_party bigint;
    this_person bigint;
    result bigint;
begin
    -- Locked now so that the status checked is the status the trigger will change.
    select c.status, c.made_on, c.frozen_on into current_status, made, frozen
      from parley_data.commitments c where c.id = this_commitment for no key update;

    perform parley_data.require('reported_on', record_update.reported_on is not null);
    if record_update.reported_on < made then
        perform parley_data.refuse('23514', 'reported_on', 'reported_after_made',
            format('reported_on %s is before the commitment was made (%s)', record_update.reported_on, made),
            'Check the date of the report.');
    end if;
    -- A provision of an agreement that ended stands as it was then: only what happened before may be reported.
    if record_update.reported_on > frozen then
        perform parley_data.refuse('23514', 'reported_on', 'provision_frozen',
            format('reported_on %s is after %s, when the agreement that commitment "%s" is a provision of ended: its outcome stands as it was',
                   record_update.reported_on, frozen, record_update.commitment),
            'Report only what happened while the agreement was in force; what came after belongs to another commitment.');
    end if;
    if record_update.delivered < 0 then
        perform parley_data.refuse('23514', 'delivered', 'commitment_updates_delivered_not_negative',
            format('delivered %s is negative', record_update.delivered),
            'Give what was delivered in this stage (zero or more); to correct an earlier report, ask for it to be corrected.');
    end if;
    perform parley_data.require('reopen', record_update.reopen is not null);
    if record_update.reopen then
        perform parley_data.require('new_status', record_update.new_status is not null);
        perform parley_data.require('note', nullif(btrim(record_update.note), '') is not null);
    end if;
    perform parley_data.check_finite('delivered', record_update.delivered, 'commitment_updates_delivered_finite');
    perform parley_data.check_free_text('note', record_update.note, 'commitment_updates_note_length');
    if record_update.delivered is null and record_update.new_status is null
       and nullif(btrim(record_update.note), '') is null then
        perform parley_data.refuse('23514', 'delivered', 'commitment_updates_says_something',
            'an update must say something: delivered, new_status or note',
            'Give a delivered quantity, a new status, or a note.');
    end if;
    if record_update.new_status is distinct from current_status and record_update.new_status is not null
       and not record_update.reopen
       and not exists (select 1 from parley_data.commitment_transitions t
                        where t.from_status = current_status and t.to_status = record_update.new_status) then
        perform parley_data.refuse('23514', 'new_status', 'commitment_status_transition',
            format('new_status %s needs a reopen: commitment "%s" is %s', record_update.new_status,
                   record_update.commitment, current_status),
            'Leaving fulfilled, breached, withdrawn or superseded, or going back to pending, is a reopen: pass reopen => true and say why in note.');
    end if;
    perform parley_data.require('verification', record_update.verification is not null);
    if record_update.source is not null then
        this_source := parley_data.source_id(record_update.source);
    end if;
    if record_update.reported_by is not null then
        this_party := parley_data.party_id(record_update.reported_by, 'reported_by');
    end if;
    if record_update.recorded_by is not null then
        this_person := parley_data.person_id(record_update.recorded_by, 'recorded_by');
    else
        -- Logins named after their e-mail are recognised; others leave it to the change history.
        select p.id into this_person from parley_data.people p where lower(p.email) = lower(session_user::text);
    end if;

    insert into parley_data.commitment_updates
           (commitment_id, reported_on, delivered_quantity, new_status, reopen, note, source_id,
            reported_by_party_id, recorded_by_id, verification, effective_classification)
    values (this_commitment, record_update.reported_on, record_update.delivered, record_update.new_status,
            record_update.reopen, nullif(btrim(record_update.note), ''), this_source, this_party, this_person,
            record_update.verification, parley_data.commitment_level(this_commitment))
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
    this_commitment constant bigint := parley_data.commitment_id(change_due_date.commitment);
    made date;
begin
    select c.made_on into made from parley_data.commitments c where c.id = this_commitment for no key update;
    perform parley_data.check_due_on(change_due_date.due_on, made);
    update parley_data.commitments c
       set due_on = change_due_date.due_on
     where c.id = this_commitment and c.due_on is distinct from change_due_date.due_on;
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
    this_commitment constant bigint := parley_data.commitment_id(update_commitment.commitment);
    existing parley_data.commitments;
    this_owner bigint;
    this_source bigint;
    new_unit text;
    clash text;
begin
    perform parley_data.check_finite('target_quantity', update_commitment.target_quantity, 'commitments_target_finite');
    select * into existing from parley_data.commitments c where c.id = this_commitment for no key update;
    if update_commitment.text is not null then
        perform parley_data.require('text', nullif(btrim(update_commitment.text), '') is not null);
        perform parley_data.check_free_text('text', update_commitment.text, 'commitments_text_length');
    end if;
    perform parley_data.check_due_on(update_commitment.due_on, existing.made_on);
    if nullif(update_commitment.owner, '') is not null then
        this_owner := parley_data.person_id(update_commitment.owner, 'owner', active_only => true);
    end if;
    if update_commitment.classification is not null then
        perform parley_data.check_clearance('classification', update_commitment.classification);
        perform parley_data.check_not_lowered('classification', existing.classification,
            update_commitment.classification, format('commitment "%s"', update_commitment.commitment));
    end if;
    if update_commitment.target_quantity <= 0 then
        perform parley_data.refuse('23514', 'target_quantity', 'commitments_target_positive',
            format('target_quantity %s is not positive', update_commitment.target_quantity),
            'Give the quantity promised (more than zero).');
    end if;
    perform parley_data.check_optional_label('unit', update_commitment.unit, 'commitments_unit_format');
    new_unit := case when update_commitment.unit is null then existing.unit else nullif(btrim(update_commitment.unit), '') end;
    if new_unit is not null and coalesce(update_commitment.target_quantity, existing.target_quantity) is null then
        perform parley_data.refuse('23514', 'unit', 'commitments_unit_with_target',
            format('unit "%s" is given without a target_quantity', new_unit), 'Give target_quantity too.');
    end if;
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
     where c.id = this_commitment
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
