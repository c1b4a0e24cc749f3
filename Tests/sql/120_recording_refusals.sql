-- Every recording function checks its input first and refuses bad input with a stable SQLSTATE, the field
-- (COLUMN), the rule (CONSTRAINT) and a hint, writing nothing; and it applies the caller's clearance.
begin;
select plan(115);

\ir 100_recording_fixture.psql

-- More to refuse against: a figure, a completed follow-up, and two logins, one without clearance, one cleared for
-- secret.
do $$
begin
    perform parley.add_figure(indicator => 'bodies-returned', value => 6057, as_of => '2025-06-16', claimant => 'UA');
    perform parley.add_follow_up(assignee => 'desk@example.org', due_at => '2025-05-20 17:00+03', note => 'Done already',
                                 track => 'istanbul', code => 'fu-done');
    perform parley.complete_follow_up(follow_up => 'fu-done');
end
$$;
create role recording_test_plain login in role parley_writer;
create role recording_test_cleared login in role parley_writer, parley_clearance_secret;

-- Each row: the refusal, the call (run as parley_writer), "SQLSTATE field rule". refusal() also flags a refusal
-- that wrote anything or came without a hint.
select is(pg_temp.refusal(t.call), t.expected, t.description)
  from (values
    ('add_party: a code with a space', $$select parley.add_party(code => 'U A', name => 'X')$$, '23514 code parties_code_format'),
    ('add_party: no name', $$select parley.add_party(code => 'QA', name => null)$$, '23502 name name_required'),
    ('add_party: a blank name', $$select parley.add_party(code => 'QA', name => '  ')$$, '23502 name name_required'),
    ('add_party: a duplicate code', $$select parley.add_party(code => 'UA', name => 'Ukraine')$$, '23505 code parties_code_key'),
    ('add_source: a url that is not a web address', $$select parley.add_source(code => 's2', title => 'T', url => 'www.example.org')$$, '23514 url sources_url_format'),
    ('add_source: a duplicate code', $$select parley.add_source(code => 'src-1', title => 'T')$$, '23505 code sources_code_key'),
    ('add_person: an invalid e-mail', $$select parley.add_person(email => 'not an address', name => 'X')$$, '23514 email people_email_format'),
    ('add_person: an e-mail with a display name', $$select parley.add_person(email => 'X <x@example.org>', name => 'X')$$, '23514 email people_email_format'),
    ('add_person: an invalid time zone', $$select parley.add_person(email => 'x@example.org', name => 'X', timezone => 'Mars/Olympus')$$, '23503 timezone time_zone_exists'),
    ('add_person: a time zone in the wrong case', $$select parley.add_person(email => 'x@example.org', name => 'X', timezone => 'europe/kyiv')$$, '23503 timezone time_zone_exists'),
    ('add_person: an e-mail taken in another case', $$select parley.add_person(email => 'Desk@EXAMPLE.org', name => 'X')$$, '23505 email people_email_key'),
    ('add_person: a name with a line break', $$select parley.add_person(email => 'x@example.org', name => e'X\nY')$$, '23514 name people_name_format'),
    ('update_person: an unknown person', $$select parley.update_person(person => 'nobody@example.org', name => 'X')$$, '23503 person person_exists'),
    ('update_person: an e-mail taken by another', $$select parley.update_person(person => 'desk@example.org', email => 'LEAD@example.org')$$, '23505 email people_email_key'),
    ('update_person: an invalid time zone', $$select parley.update_person(person => 'desk@example.org', timezone => 'Kyiv')$$, '23503 timezone time_zone_exists'),
    ('deactivate_person: an unknown person', $$select parley.deactivate_person('nobody@example.org')$$, '23503 person person_exists'),
    ('add_track: a duplicate code', $$select parley.add_track(code => 'istanbul', name => 'X', format => 'bilateral')$$, '23505 code tracks_code_key'),
    ('add_track: an invalid time zone', $$select parley.add_track(code => 't2', name => 'X', format => 'bilateral', timezone => 'Istanbul')$$, '23503 timezone time_zone_exists'),
    ('add_track: an unknown lead', $$select parley.add_track(code => 't2', name => 'X', format => 'bilateral', lead => 'nobody@example.org')$$, '23503 lead person_exists'),
    ('add_track: an inactive lead', $$select parley.add_track(code => 't2', name => 'X', format => 'bilateral', lead => 'gone@example.org')$$, '23514 lead person_active'),
    ('add_track: no format', $$select parley.add_track(code => 't2', name => 'X', format => null)$$, '23502 format format_required'),
    ('add_track: an invalid code', $$select parley.add_track(code => 't 2', name => 'X', format => 'bilateral')$$, '23514 code tracks_code_format'),
    ('update_track: an unknown track', $$select parley.update_track(track => 'nowhere', status => 'paused')$$, '23503 track track_exists'),
    ('update_track: an invalid time zone', $$select parley.update_track(track => 'istanbul', timezone => 'Mars/Olympus')$$, '23503 timezone time_zone_exists'),
    ('update_track: an inactive lead', $$select parley.update_track(track => 'istanbul', lead => 'gone@example.org')$$, '23514 lead person_active'),
    ('add_member: an unknown party', $$select parley.add_member(track => 'istanbul', party => 'XX', role => 'observer')$$, '23503 party party_exists'),
    ('add_member: an unknown track', $$select parley.add_member(track => 'nowhere', party => 'US', role => 'observer')$$, '23503 track track_exists'),
    ('add_member: the same role twice', $$select parley.add_member(track => 'istanbul', party => 'TR', role => 'host')$$, '23505 role track_members_pkey'),
    ('add_agenda_item: a duplicate code', $$select parley.add_agenda_item(code => 'ceasefire', title => 'X')$$, '23505 code agenda_items_code_key'),
    ('add_agenda_item: an unknown track', $$select parley.add_agenda_item(code => 'truce', title => 'Truce', track => 'nowhere')$$, '23503 track track_exists'),
    ('set_agenda_status: an unknown item', $$select parley.set_agenda_status(track => 'istanbul', item => 'nothing', status => 'agreed')$$, '23503 item agenda_item_exists'),
    ('set_agenda_status: no status', $$select parley.set_agenda_status(track => 'istanbul', item => 'children', status => null)$$, '23502 status status_required'),
    ('add_meeting: ending before it starts', $$select parley.add_meeting(code => 'r3', track => 'istanbul', title => 'Round 3', starts_at => '2025-07-23 19:00+03', ends_at => '2025-07-23 18:00+03')$$, '23514 ends_at meetings_ends_after_start'),
    ('add_meeting: an unknown track', $$select parley.add_meeting(code => 'r3', track => 'nowhere', title => 'Round 3', starts_at => now())$$, '23503 track track_exists'),
    ('add_meeting: a duplicate code', $$select parley.add_meeting(code => 'ist-r1', track => 'istanbul', title => 'Round 1', starts_at => now())$$, '23505 code meetings_code_key'),
    ('add_meeting: no start', $$select parley.add_meeting(code => 'r3', track => 'istanbul', title => 'Round 3', starts_at => null)$$, '23502 starts_at starts_at_required'),
    ('add_meeting: an unknown source', $$select parley.add_meeting(code => 'r3', track => 'istanbul', title => 'Round 3', starts_at => now(), source => 'rumour')$$, '23503 source source_exists'),
    ('record_meeting_outcome: an unknown meeting', $$select parley.record_meeting_outcome(meeting => 'r9', outcome => 'X')$$, '23503 meeting meeting_exists'),
    ('record_meeting_outcome: a blank outcome', $$select parley.record_meeting_outcome(meeting => 'ist-r2', outcome => ' ')$$, '23502 outcome outcome_required'),
    ('record_meeting_outcome: ending before it starts', $$select parley.record_meeting_outcome(meeting => 'ist-r2', outcome => 'X', ends_at => '2025-06-01')$$, '23514 ends_at meetings_ends_after_start'),
    ('set_meeting_status: postponing a meeting that has an outcome', $$select parley.set_meeting_status(meeting => 'ist-r1', status => 'postponed')$$, '23514 status meetings_outcome_when_held'),
    ('set_meeting_status: a new start after the end', $$select parley.set_meeting_status(meeting => 'ist-r1', status => 'held', starts_at => '2025-05-16 15:00+03')$$, '23514 starts_at meetings_ends_after_start'),
    ('record_position: an unknown party', $$select parley.record_position(party => 'XX', item => 'ceasefire', stance => 'supports')$$, '23503 party party_exists'),
    ('record_position: no stance', $$select parley.record_position(party => 'UA', item => 'ceasefire', stance => null)$$, '23502 stance stance_required'),
    ('add_deal: a duplicate code', $$select parley.add_deal(code => 'ist-1000', title => 'X')$$, '23505 code deals_code_key'),
    ('add_commitment: an unknown track', $$select parley.add_commitment(track => 'nowhere', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X')$$, '23503 track track_exists'),
    ('add_commitment: an unknown item', $$select parley.add_commitment(track => 'istanbul', item => 'nothing', obligor => 'RU', beneficiaries => array['UA'], text => 'X')$$, '23503 item agenda_item_exists'),
    ('add_commitment: an item not on the track''s agenda', $$select parley.add_commitment(track => 'istanbul', item => 'children', obligor => 'RU', beneficiaries => array['UA'], text => 'X')$$, '23503 item commitments_on_track_agenda'),
    ('add_commitment: an unknown obligor', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'XX', beneficiaries => array['UA'], text => 'X')$$, '23503 obligor party_exists'),
    ('add_commitment: no beneficiaries', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array[]::text[], text => 'X')$$, '23502 beneficiaries beneficiaries_required'),
    ('add_commitment: a null beneficiary', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA', null], text => 'X')$$, '23502 beneficiaries beneficiaries_required'),
    ('add_commitment: an unknown beneficiary', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA', 'XX'], text => 'X')$$, '23503 beneficiaries party_exists'),
    ('add_commitment: the obligor as beneficiary', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA', 'RU'], text => 'X')$$, '23514 beneficiaries commitment_beneficiaries_not_obligor'),
    ('add_commitment: a blank text', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => '')$$, '23502 text text_required'),
    ('add_commitment: due_on before made_on', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', made_on => '2025-05-16', due_on => '2025-05-01')$$, '23514 due_on commitments_due_after_made'),
    ('add_commitment: a negative target', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', target_quantity => -1000)$$, '23514 target_quantity commitments_target_positive'),
    ('add_commitment: a zero target', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', target_quantity => 0)$$, '23514 target_quantity commitments_target_positive'),
    ('add_commitment: a unit without a target', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', unit => 'people')$$, '23514 unit commitments_unit_with_target'),
    ('add_commitment: an invalid code', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', code => 'no spaces please')$$, '23514 code commitments_code_format'),
    ('add_commitment: a code reserved for numbering', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', code => 'C99')$$, '23514 code commitments_code_reserved'),
    ('add_commitment: a duplicate code', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', code => 'pow-ru')$$, '23505 code commitments_code_key'),
    ('add_commitment: an unknown owner', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', owner => 'nobody@example.org')$$, '23503 owner person_exists'),
    ('add_commitment: an inactive owner', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', owner => 'gone@example.org')$$, '23514 owner person_active'),
    ('add_commitment: an unknown meeting', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', meeting => 'r9')$$, '23503 meeting meeting_exists'),
    ('add_commitment: a meeting of another track', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', meeting => 'tri-1')$$, '23503 meeting commitments_meeting_on_track'),
    ('add_commitment: an unknown source', $$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'], text => 'X', source => 'rumour')$$, '23503 source source_exists'),
    ('add_commitment: a second side for the same obligor in a deal', $$select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU', beneficiaries => array['UA'], text => 'X', deal => 'ist-1000')$$, '23505 deal commitments_one_per_obligor_in_deal'),
    ('record_update: an unknown commitment', $$select parley.record_update(commitment => 'nothing', delivered => 1)$$, '23503 commitment commitment_exists'),
    ('record_update: a negative delivery', $$select parley.record_update(commitment => 'pow-ru', reported_on => '2025-05-23', delivered => -390)$$, '23514 delivered commitment_updates_delivered_not_negative'),
    ('record_update: an update that says nothing', $$select parley.record_update(commitment => 'pow-ru', reported_on => '2025-05-23', note => ' ')$$, '23514 delivered commitment_updates_says_something'),
    ('record_update: fulfilled back to pending without a reopen', $$select parley.record_update(commitment => 'pow-ua', reported_on => '2025-05-26', new_status => 'pending')$$, '23514 new_status commitment_status_transition'),
    ('record_update: fulfilled to in_progress without a reopen', $$select parley.record_update(commitment => 'pow-ua', reported_on => '2025-05-26', new_status => 'in_progress', note => 'more to come')$$, '23514 new_status commitment_status_transition'),
    ('record_update: a reopen without a new status', $$select parley.record_update(commitment => 'pow-ua', reported_on => '2025-05-26', reopen => true, note => 'why')$$, '23502 new_status new_status_required'),
    ('record_update: a reopen without a reason', $$select parley.record_update(commitment => 'pow-ua', reported_on => '2025-05-26', reopen => true, new_status => 'in_progress')$$, '23502 note note_required'),
    ('record_update: a report before the commitment was made', $$select parley.record_update(commitment => 'pow-ru', reported_on => '2025-05-01', delivered => 1)$$, '23514 reported_on reported_after_made'),
    ('record_update: an unknown reporting party', $$select parley.record_update(commitment => 'pow-ru', reported_on => '2025-05-23', delivered => 1, reported_by => 'XX')$$, '23503 reported_by party_exists'),
    ('record_update: an unknown recorder', $$select parley.record_update(commitment => 'pow-ru', reported_on => '2025-05-23', delivered => 1, recorded_by => 'nobody@example.org')$$, '23503 recorded_by person_exists'),
    ('change_due_date: before made_on', $$select parley.change_due_date(commitment => 'pow-ru', due_on => '2025-05-15')$$, '23514 due_on commitments_due_after_made'),
    ('change_due_date: an unknown commitment', $$select parley.change_due_date(commitment => 'nothing', due_on => '2025-06-01')$$, '23503 commitment commitment_exists'),
    ('update_commitment: due_on before made_on', $$select parley.update_commitment(commitment => 'pow-ru', due_on => '2025-01-01')$$, '23514 due_on commitments_due_after_made'),
    ('update_commitment: a negative target', $$select parley.update_commitment(commitment => 'pow-ru', target_quantity => -1)$$, '23514 target_quantity commitments_target_positive'),
    ('update_commitment: a blank text', $$select parley.update_commitment(commitment => 'pow-ru', text => ' ')$$, '23502 text text_required'),
    ('update_commitment: a unit without a target', $$select parley.update_commitment(commitment => 'secret-pause', unit => 'days')$$, '23514 unit commitments_unit_with_target'),
    ('update_commitment: an inactive owner', $$select parley.update_commitment(commitment => 'pow-ru', owner => 'gone@example.org')$$, '23514 owner person_active'),
    ('add_figure: an invalid indicator', $$select parley.add_figure(indicator => 'children deported', value => 1, as_of => '2025-08-18')$$, '23514 indicator figures_indicator_format'),
    ('add_figure: no value', $$select parley.add_figure(indicator => 'children-deported', value => null, as_of => '2025-08-18')$$, '23502 value value_required'),
    ('add_figure: an unknown claimant', $$select parley.add_figure(indicator => 'children-deported', value => 1, as_of => '2025-08-18', claimant => 'XX')$$, '23503 claimant party_exists'),
    ('add_figure: the same figure again without correction', $$select parley.add_figure(indicator => 'bodies-returned', value => 6060, as_of => '2025-06-16', claimant => 'UA')$$, '23505 indicator figures_natural_key'),
    ('add_follow_up: about two things', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => now(), note => 'X', track => 'istanbul', meeting => 'ist-r1')$$, '23514 commitment follow_ups_one_subject'),
    ('add_follow_up: about nothing', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => now(), note => 'X')$$, '23514 commitment follow_ups_one_subject'),
    ('add_follow_up: an inactive assignee', $$select parley.add_follow_up(assignee => 'gone@example.org', due_at => now(), note => 'X', track => 'istanbul')$$, '23514 assignee person_active'),
    ('add_follow_up: a blank note', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => now(), note => '', track => 'istanbul')$$, '23502 note note_required'),
    ('add_follow_up: no due time', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => null, note => 'X', track => 'istanbul')$$, '23502 due_at due_at_required'),
    ('add_follow_up: a code reserved for numbering', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => now(), note => 'X', track => 'istanbul', code => 'F12')$$, '23514 code follow_ups_code_reserved'),
    ('add_follow_up: a duplicate code', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => now(), note => 'X', track => 'istanbul', code => 'fu-1')$$, '23505 code follow_ups_code_key'),
    ('add_follow_up: an unknown commitment', $$select parley.add_follow_up(assignee => 'desk@example.org', due_at => now(), note => 'X', commitment => 'nothing')$$, '23503 commitment commitment_exists'),
    ('complete_follow_up: an unknown follow-up', $$select parley.complete_follow_up(follow_up => 'F999999')$$, '23503 follow_up follow_up_exists'),
    ('complete_follow_up: one already done', $$select parley.complete_follow_up(follow_up => 'fu-done')$$, '23514 follow_up follow_up_open'),
    ('add_subscription: an unknown person', $$select parley.add_subscription(person => 'nobody@example.org')$$, '23503 person person_exists'),
    ('add_subscription: an unknown item', $$select parley.add_subscription(person => 'desk@example.org', item => 'nothing')$$, '23503 item agenda_item_exists'),
    ('remove_subscription: an unknown track', $$select parley.remove_subscription(person => 'desk@example.org', track => 'nowhere')$$, '23503 track track_exists')
  ) as t(description, call, expected);

-- The messages name the field and the rule in words.
select is((pg_temp.attempt($$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'],
                                                           text => 'X', made_on => '2025-05-16', due_on => '2025-05-01')$$)).message,
          'due_on 2025-05-01 is before made_on 2025-05-16', 'the message says which date is before which');
select is((pg_temp.attempt($$select parley.add_meeting(code => 'r3', track => 'xyz', title => 'X', starts_at => now())$$)).message,
          'track "xyz" does not exist', 'the message names the unknown track');
select is((pg_temp.attempt($$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'XX', beneficiaries => array['UA'], text => 'X')$$)).message,
          'party "XX" given as obligor does not exist', 'the message names the unknown party and the field it was given as');
select is((pg_temp.attempt($$select parley.record_update(commitment => 'pow-ua', reported_on => '2025-05-26', new_status => 'pending')$$)).message,
          'new_status pending needs a reopen: commitment "pow-ua" is fulfilled', 'the message explains the refused status change');
select is((pg_temp.attempt($$select parley.record_update(commitment => 'pow-ua', reported_on => '2025-05-26', new_status => 'pending')$$)).hint,
          'Leaving fulfilled, breached, withdrawn or superseded, or going back to pending, is a reopen: pass reopen => true and say why in note.',
          'the hint says how to reopen');
select is((pg_temp.attempt($$select parley.add_person(email => 'x@example.org', name => 'X', timezone => 'Mars/Olympus')$$)).message,
          'timezone "Mars/Olympus" is not a known IANA time zone', 'the message names the invalid time zone');
select is((pg_temp.attempt($$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['RU'], text => 'X')$$)).message,
          'beneficiary "RU" is the obligor: a party cannot owe a commitment to itself', 'the message explains the beneficiary rule');

-- Clearance: rows above the login's clearance do not exist for it, and nobody classifies above their own.
select is(t.outcome, t.expected, t.description)
  from (values
    ('a writer without clearance cannot classify a track secret',
     pg_temp.refusal($$select parley.add_track(code => 't2', name => 'X', format => 'bilateral', classification => 'secret')$$, null, 'recording_test_plain'),
     '42501 classification within_clearance'),
    ('a writer without clearance cannot give a person a clearance',
     pg_temp.refusal($$select parley.add_person(email => 'x@example.org', name => 'X', clearance => 'restricted')$$, null, 'recording_test_plain'),
     '42501 clearance within_clearance'),
    ('a writer without clearance cannot raise a commitment''s classification',
     pg_temp.refusal($$select parley.update_commitment(commitment => 'pow-ru', classification => 'confidential')$$, null, 'recording_test_plain'),
     '42501 classification within_clearance'),
    ('a secret commitment does not exist for a writer without clearance',
     pg_temp.refusal($$select parley.record_update(commitment => 'secret-pause', reported_on => '2025-07-02', note => 'X')$$, null, 'recording_test_plain'),
     '23503 commitment commitment_exists'),
    ('a secret track does not exist for a writer without clearance',
     pg_temp.refusal($$select parley.update_track(track => 'secret-track', status => 'paused')$$, null, 'recording_test_plain'),
     '23503 track track_exists'),
    ('a meeting of a secret track does not exist for a writer without clearance',
     pg_temp.refusal($$select parley.add_follow_up(assignee => 'desk@example.org', due_at => now(), note => 'X', meeting => 'sec-1')$$, null, 'recording_test_plain'),
     '23503 meeting meeting_exists'),
    ('a writer cleared for secret records against a secret commitment',
     regexp_replace(pg_temp.run($$select parley.record_update(commitment => 'secret-pause', reported_on => '2025-07-02', note => 'Holding')$$, null, 'recording_test_cleared'), '[0-9]+', 'an id'),
     'an id')
  ) as t(description, outcome, expected);

select * from finish();
rollback;
