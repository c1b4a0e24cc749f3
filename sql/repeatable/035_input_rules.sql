-- The input rules of each kind of record, in the order they are checked, shared by the recording functions (1xx)
-- and import (5xx): parley_data.bad_<kind> is the first refusal of a party, source, person, item, track, member,
-- agenda entry, meeting, deal, commitment, update, position, figure or follow-up, its fields and references taken in
-- the order written below; before them, the rules between a record and what it refers to (its item on its track's
-- agenda, its meeting on its track, a status change that needs a reopen, ...).
--
-- References are given with what looking them up found (`<field>_found`, or the `matches` and `levels` of
-- parley_data.classified_matches for classified rows), so that a rule about a record can be one expression: a
-- recording function looks its few references up and raises the first refusal; an import looks up all those of a
-- document in one statement per kind and evaluates the same rule over every record. Both refuse the same record for
-- the same field and rule, however many things are wrong with it. `mine` is the caller's clearance
-- (parley_data.session_clearance()).
set local role parley_owner;

-- Between a record and what it refers to ------------------------------------------------------------------------

create or replace function parley_data.off_agenda(item text, track text, on_agenda boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when not on_agenda
                then parley_data.refused('23503', 'item', 'commitments_on_track_agenda',
                    format('agenda item "%s" is not on the agenda of track "%s"', item, track),
                    format('Put it on the track''s agenda first: select parley.set_agenda_status(track => %L, item => %L, status => ''agreed''); or, in a document, list it under the track''s agenda.',
                           track, item)) end;

create or replace function parley_data.owed_to_itself(field text, obligor text, is_obligor boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when is_obligor
                then parley_data.refused('23514', field, 'commitment_beneficiaries_not_obligor',
                    format('beneficiary "%s" is the obligor: a party cannot owe a commitment to itself', obligor),
                    'Name the parties the commitment is owed to, other than the obligor.') end;

create or replace function parley_data.off_track(meeting text, track text, on_track boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when not on_track
                then parley_data.refused('23503', 'meeting', 'commitments_meeting_on_track',
                    format('meeting "%s" is not a meeting of track "%s"', meeting, track),
                    'Name a meeting of the same track, or leave meeting out.') end;

-- `side`: the code of the commitment the obligor already has in the deal, if any.
create or replace function parley_data.deal_side_taken(deal text, obligor text, side text)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when side is not null
                then parley_data.refused('23505', 'deal', 'commitments_one_per_obligor_in_deal',
                    format('deal "%s" already has a commitment by %s (%s)', deal, obligor, side),
                    'A deal has one commitment per obligor; change that one (parley.update_commitment, or its record in a document).') end;

create or replace function parley_data.reported_before_made(reported_on date, made_on date)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when reported_on < made_on
                then parley_data.refused('23514', 'reported_on', 'reported_after_made',
                    format('reported_on %s is before the commitment was made (%s)', reported_on, made_on),
                    'Check the date of the report.') end;

-- A status change needs a reopen unless parley_data.commitment_transitions allows it. (The table is read in a
-- function of its own, so that the rule stays a plain expression, inlined where an import evaluates it.)
create or replace function parley_data.allowed_transition(from_status parley.commitment_status,
                                                          to_status parley.commitment_status) returns boolean
    language sql stable parallel safe
    return exists (select 1 from parley_data.commitment_transitions t
                    where t.from_status = allowed_transition.from_status and t.to_status = allowed_transition.to_status);

create or replace function parley_data.needs_reopen(commitment text, status_now parley.commitment_status,
                                                    new_status parley.commitment_status, reopen boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    -- The table is asked only about a status change without a reopen: an expression's AND asks every part that is
    -- not false, so an update that sets no status (new_status null) looked the pair up all the same (half the
    -- 20,000 lookups of an import of 10,000 commitments with two updates each).
    return case when new_status <> status_now and not reopen
                then case when not parley_data.allowed_transition(status_now, new_status)
                          then parley_data.refused('23514', 'new_status', 'commitment_status_transition',
                              format('new_status %s needs a reopen: commitment "%s" is %s', new_status, commitment, status_now),
                              'Leaving fulfilled, breached, withdrawn or superseded, or going back to pending, is a reopen: pass reopen => true and say why in note.') end end;

comment on function parley_data.off_agenda(text, text, boolean) is 'Rule: a commitment''s item is on its track''s agenda (23503).';
comment on function parley_data.owed_to_itself(text, text, boolean) is 'Rule: no beneficiary is the obligor (23514).';
comment on function parley_data.off_track(text, text, boolean) is 'Rule: a commitment''s meeting is a meeting of its track (23503).';
comment on function parley_data.deal_side_taken(text, text, text) is 'Rule: a deal has one commitment per obligor (23505).';
comment on function parley_data.reported_before_made(date, date) is 'Rule: an update is not reported before its commitment was made (23514).';
comment on function parley_data.allowed_transition(parley.commitment_status, parley.commitment_status) is
    'Whether commitment_transitions allows a status change without a reopen.';
comment on function parley_data.needs_reopen(text, parley.commitment_status, parley.commitment_status, boolean) is
    'Rule: a status change that commitment_transitions does not allow is a reopen (23514).';

-- A record and what it names --------------------------------------------------------------------------------------

create or replace function parley_data.bad_party(code text, name text, kind parley.party_kind)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_code('code', code, 'parties_code_format'),
                    parley_data.bad_label('name', name, 'parties_name_format'),
                    parley_data.missing('kind', kind is not null));

create or replace function parley_data.bad_source(code text, title text, publisher text, url text, note text)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_code('code', code, 'sources_code_format'),
                    parley_data.bad_label('title', title, 'sources_title_format'),
                    parley_data.bad_optional_label('publisher', publisher, 'sources_publisher_format'),
                    parley_data.bad_url('url', url),
                    parley_data.bad_free_text('note', note, 'sources_note_length'));

create or replace function parley_data.bad_person(email text, name text, timezone text, timezone_found boolean,
                                                  clearance parley.classification, mine parley.classification)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_email('email', email),
                    parley_data.bad_label('name', name, 'people_name_format'),
                    parley_data.bad_timezone('timezone', timezone, timezone_found),
                    parley_data.missing('clearance', clearance is not null),
                    parley_data.bad_level('clearance', clearance, mine));

create or replace function parley_data.bad_item(code text, title text, description text)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_code('code', code, 'agenda_items_code_format'),
                    parley_data.bad_label('title', title, 'agenda_items_title_format'),
                    parley_data.bad_free_text('description', description, 'agenda_items_description_length'));

create or replace function parley_data.bad_track(code text, name text, format parley.track_format, timezone text,
                                                 timezone_found boolean, venue text, description text,
                                                 classification parley.classification, mine parley.classification,
                                                 status parley.track_status, lead text, lead_found boolean,
                                                 lead_active boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_code('code', code, 'tracks_code_format'),
                    parley_data.bad_label('name', name, 'tracks_name_format'),
                    parley_data.missing('format', format is not null),
                    parley_data.bad_timezone('timezone', timezone, timezone_found),
                    parley_data.bad_optional_label('venue', venue, 'tracks_venue_format'),
                    parley_data.bad_free_text('description', description, 'tracks_description_length'),
                    parley_data.missing('classification', classification is not null),
                    parley_data.bad_level('classification', classification, mine),
                    parley_data.missing('status', status is not null),
                    case when lead is not null
                         then parley_data.bad_person_reference('lead', lead, lead_found, lead_active, true) end);

-- A party's part on a track (its track is checked first, by whoever names it).
create or replace function parley_data.bad_member(party text, party_found boolean, role parley.member_role, note text)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_reference('party', 'party', party, party_found),
                    parley_data.missing('role', role is not null),
                    parley_data.bad_free_text('note', note, 'track_members_note_length'));

-- An item on a track's agenda (its track is checked first, by whoever names it).
create or replace function parley_data.bad_agenda_entry(item text, item_found boolean, status parley.agenda_status,
                                                        note text)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_reference('agenda item', 'item', item, item_found),
                    parley_data.missing('status', status is not null),
                    parley_data.bad_free_text('note', note, 'track_agenda_note_length'));

-- The moments as written, when there are (an import's), are what a refusal repeats.
create or replace function parley_data.bad_meeting(code text, track text, track_matches integer,
                                                   track_levels parley.classification[], title text,
                                                   starts_at timestamptz, ends_at timestamptz, location text,
                                                   classification parley.classification, mine parley.classification,
                                                   source text, source_found boolean,
                                                   starts_as_written text default null, ends_as_written text default null)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_code('code', code, 'meetings_code_format'),
                    parley_data.bad_classified_reference('track', 'track', track, track_matches, track_levels),
                    parley_data.bad_label('title', title, 'meetings_title_format'),
                    parley_data.missing('starts_at', starts_at is not null),
                    parley_data.bad_meeting_times(starts_at, ends_at, 'ends_at', starts_as_written, ends_as_written),
                    parley_data.bad_optional_label('location', location, 'meetings_location_format'),
                    parley_data.missing('classification', classification is not null),
                    parley_data.bad_level('classification', classification, mine),
                    case when source is not null then parley_data.bad_reference('source', 'source', source, source_found) end);

create or replace function parley_data.bad_deal(code text, title text, classification parley.classification,
                                                mine parley.classification)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_code('code', code, 'deals_code_format'),
                    parley_data.bad_label('title', title, 'deals_title_format'),
                    parley_data.missing('classification', classification is not null),
                    parley_data.bad_level('classification', classification, mine));

-- What a commitment promises to deliver: a finite quantity, more than zero, and what it counts (one line, only with
-- a quantity).
create or replace function parley_data.bad_target(target_quantity numeric, unit text)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_number('target_quantity', target_quantity, 'commitments_target_finite'),
                    case when target_quantity <= 0
                         then parley_data.refused('23514', 'target_quantity', 'commitments_target_positive',
                             format('target_quantity %s is not positive', target_quantity),
                             'Give the quantity promised (more than zero), or leave it out when nothing is counted.') end,
                    parley_data.bad_optional_label('unit', unit, 'commitments_unit_format'),
                    case when nullif(btrim(unit), '') is not null and target_quantity is null
                         then parley_data.refused('23514', 'unit', 'commitments_unit_with_target',
                             format('unit "%s" is given without a target_quantity', unit),
                             'Give target_quantity too, or leave unit out.') end);

-- A commitment. Its code is optional when it is recorded (it is then named C and its number). Its beneficiaries are
-- one or more known parties, never the obligor: `unknown_beneficiary` is the first that names no party, and
-- `beneficiary_field` the field a refusal about one names (beneficiaries, or beneficiaries[2] in a document).
-- `deal_side` is the code of the commitment the obligor already has in the deal, if any.
create or replace function parley_data.bad_commitment(
    code text, track text, track_matches integer, track_levels parley.classification[], item text, item_found boolean,
    on_agenda boolean, obligor text, obligor_found boolean, beneficiaries text[], unknown_beneficiary text,
    beneficiary_field text, text text, made_on date, due_on date, target_quantity numeric, unit text, deal text,
    deal_side text, owner text, owner_found boolean, owner_active boolean, classification parley.classification,
    mine parley.classification, source text, source_found boolean, meeting text, meeting_matches integer,
    meeting_levels parley.classification[], meeting_on_track boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(case when code is not null then parley_data.bad_code('code', code, 'commitments_code_format') end,
                    parley_data.bad_classified_reference('track', 'track', track, track_matches, track_levels),
                    parley_data.bad_reference('agenda item', 'item', item, item_found),
                    parley_data.off_agenda(item, track, on_agenda),
                    parley_data.bad_reference('party', 'obligor', obligor, obligor_found),
                    parley_data.missing('beneficiaries', coalesce(cardinality(beneficiaries), 0) > 0
                                                         and array_position(beneficiaries, null) is null),
                    case when unknown_beneficiary is not null
                         then parley_data.bad_reference('party', beneficiary_field, unknown_beneficiary, false) end,
                    parley_data.owed_to_itself(beneficiary_field, obligor, obligor = any (beneficiaries)),
                    parley_data.missing('text', nullif(btrim(text), '') is not null),
                    parley_data.bad_free_text('text', text, 'commitments_text_length'),
                    parley_data.missing('made_on', made_on is not null),
                    parley_data.bad_due_on(due_on, made_on),
                    parley_data.bad_target(target_quantity, unit),
                    case when deal is not null then parley_data.bad_code('deal', deal, 'deals_code_format') end,
                    parley_data.deal_side_taken(deal, obligor, deal_side),
                    case when owner is not null
                         then parley_data.bad_person_reference('owner', owner, owner_found, owner_active, true) end,
                    parley_data.missing('classification', classification is not null),
                    parley_data.bad_level('classification', classification, mine),
                    case when source is not null then parley_data.bad_reference('source', 'source', source, source_found) end,
                    case when meeting is not null
                         then parley_data.bad_classified_reference('meeting', 'meeting', meeting, meeting_matches,
                                                                   meeting_levels) end,
                    parley_data.off_track(meeting, track, meeting_on_track));

-- An update of a commitment (its commitment is checked first, by whoever names it): `made_on` is the commitment's,
-- `status_now` its status when the update takes effect.
create or replace function parley_data.bad_update(
    commitment text, made_on date, status_now parley.commitment_status, reported_on date, delivered numeric,
    new_status parley.commitment_status, reopen boolean, note text, verification parley.verification, source text,
    source_found boolean, reported_by text, reported_by_found boolean, recorded_by text, recorded_by_found boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.missing('reported_on', reported_on is not null),
                    parley_data.reported_before_made(reported_on, made_on),
                    case when delivered < 0
                         then parley_data.refused('23514', 'delivered', 'commitment_updates_delivered_not_negative',
                             format('delivered %s is negative', delivered),
                             'Give what was delivered in this stage (zero or more); to correct an earlier report, ask for it to be corrected.') end,
                    parley_data.missing('reopen', reopen is not null),
                    case when reopen then parley_data.missing('new_status', new_status is not null) end,
                    case when reopen then parley_data.missing('note', nullif(btrim(note), '') is not null) end,
                    parley_data.bad_number('delivered', delivered, 'commitment_updates_delivered_finite'),
                    parley_data.bad_free_text('note', note, 'commitment_updates_note_length'),
                    case when delivered is null and new_status is null and nullif(btrim(note), '') is null
                         then parley_data.refused('23514', 'delivered', 'commitment_updates_says_something',
                             'an update must say something: delivered, new_status or note',
                             'Give a delivered quantity, a new status, or a note.') end,
                    parley_data.needs_reopen(commitment, status_now, new_status, reopen),
                    parley_data.missing('verification', verification is not null),
                    case when source is not null then parley_data.bad_reference('source', 'source', source, source_found) end,
                    case when reported_by is not null
                         then parley_data.bad_reference('party', 'reported_by', reported_by, reported_by_found) end,
                    case when recorded_by is not null
                         then parley_data.bad_person_reference('recorded_by', recorded_by, recorded_by_found, true, false) end);

create or replace function parley_data.bad_position(
    party text, party_found boolean, item text, item_found boolean, statement text, stance parley.stance,
    stated_on date, track text, track_matches integer, track_levels parley.classification[], source text,
    source_found boolean, classification parley.classification, mine parley.classification)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_reference('party', 'party', party, party_found),
                    parley_data.bad_reference('agenda item', 'item', item, item_found),
                    parley_data.bad_free_text('statement', statement, 'positions_statement_length'),
                    parley_data.missing('stance', stance is not null),
                    parley_data.missing('stated_on', stated_on is not null),
                    case when track is not null
                         then parley_data.bad_classified_reference('track', 'track', track, track_matches, track_levels) end,
                    case when source is not null then parley_data.bad_reference('source', 'source', source, source_found) end,
                    parley_data.bad_level('classification', classification, mine));

create or replace function parley_data.bad_figure(
    indicator text, value numeric, as_of date, unit text, item text, item_found boolean, claimant text,
    claimant_found boolean, source text, source_found boolean, confidence parley.confidence, note text,
    classification parley.classification, mine parley.classification)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_code('indicator', indicator, 'figures_indicator_format'),
                    parley_data.missing('value', value is not null),
                    parley_data.bad_number('value', value, 'figures_value_finite'),
                    parley_data.missing('as_of', as_of is not null),
                    parley_data.bad_optional_label('unit', unit, 'figures_unit_format'),
                    case when item is not null then parley_data.bad_reference('agenda item', 'item', item, item_found) end,
                    case when claimant is not null
                         then parley_data.bad_reference('party', 'claimant', claimant, claimant_found) end,
                    case when source is not null then parley_data.bad_reference('source', 'source', source, source_found) end,
                    parley_data.missing('confidence', confidence is not null),
                    parley_data.bad_free_text('note', note, 'figures_note_length'),
                    parley_data.bad_level('classification', classification, mine));

-- A follow-up is about exactly one of a commitment, a meeting or a track: `subject_field` is which one is given
-- (null when none or several are), and `subject` its code.
create or replace function parley_data.bad_follow_up(
    code text, assignee text, assignee_found boolean, assignee_active boolean, note text, due_at timestamptz,
    subjects integer, subject_field text, subject text, subject_matches integer,
    subject_levels parley.classification[])
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(case when code is not null then parley_data.bad_code('code', code, 'follow_ups_code_format') end,
                    parley_data.bad_person_reference('assignee', assignee, assignee_found, assignee_active, true),
                    parley_data.bad_free_text('note', note, 'follow_ups_note_length'),
                    parley_data.missing('due_at', due_at is not null),
                    parley_data.missing('note', nullif(btrim(note), '') is not null),
                    case when subjects <> 1
                         then parley_data.refused('23514', 'commitment', 'follow_ups_one_subject',
                             format('a follow-up is about exactly one of commitment, meeting or track; %s given', subjects),
                             'Give one of commitment, meeting or track.') end,
                    parley_data.bad_classified_reference(subject_field, subject_field, subject,
                                                         subject_matches, subject_levels));

create or replace function parley_data.bad_subscription(
    person text, person_found boolean, person_active boolean, person_clearance parley.classification,
    mine parley.classification, track text, track_matches integer, track_levels parley.classification[], item text,
    item_found boolean, min_severity parley.severity)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.bad_person_reference('person', person, person_found, person_active, true),
                    parley_data.cleared_above('person', person, person_clearance, mine),
                    case when track is not null
                         then parley_data.bad_classified_reference('track', 'track', track, track_matches, track_levels) end,
                    case when item is not null then parley_data.bad_reference('agenda item', 'item', item, item_found) end,
                    parley_data.missing('min_severity', min_severity is not null));

comment on function parley_data.bad_party(text, text, parley.party_kind) is 'The rules of a party, in order.';
comment on function parley_data.bad_source(text, text, text, text, text) is 'The rules of a source, in order.';
comment on function parley_data.bad_person is 'The rules of a person, in order.';
comment on function parley_data.bad_item(text, text, text) is 'The rules of an agenda item, in order.';
comment on function parley_data.bad_track is 'The rules of a track, in order.';
comment on function parley_data.bad_member is 'The rules of a party''s membership of a track, in order.';
comment on function parley_data.bad_agenda_entry is 'The rules of an item on a track''s agenda, in order.';
comment on function parley_data.bad_meeting is 'The rules of a meeting, in order.';
comment on function parley_data.bad_deal is 'The rules of a deal, in order.';
comment on function parley_data.bad_target(numeric, text) is 'The rules of what a commitment promises to deliver, in order.';
comment on function parley_data.bad_commitment is 'The rules of a commitment, in order.';
comment on function parley_data.bad_update is 'The rules of an update of a commitment, in order.';
comment on function parley_data.bad_position is 'The rules of a position, in order.';
comment on function parley_data.bad_figure is 'The rules of a figure, in order.';
comment on function parley_data.bad_follow_up is 'The rules of a follow-up, in order.';
comment on function parley_data.bad_subscription is 'The rules of a subscription, in order.';
