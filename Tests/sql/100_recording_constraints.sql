-- The tables refuse bad data on their own, whatever path it comes by (direct SQL, an import): each constraint of
-- the model, with its SQLSTATE and its name, and nothing written.
begin;
select plan(73);

\ir 100_recording_fixture.psql

-- Each row: what is refused, the statement (direct SQL, bypassing the recording functions), "SQLSTATE rule". A key
-- of a table kept apart by classification is each level partition's own, named after the parent's key and the
-- level (tracks_code_key_unclassified): codes are unique at each level.
select is(pg_temp.violation(t.statement), t.expected, t.description)
  from (values
    -- people
    ('people: an invalid e-mail', $$insert into parley_data.people (email, name) values ('not an address', 'X')$$,
     '23514 people_email_format'),
    ('people: a blank name', $$insert into parley_data.people (email, name) values ('x@example.org', '  ')$$,
     '23514 people_name_format'),
    ('people: an invalid time zone', $$insert into parley_data.people (email, name, timezone) values ('x@example.org', 'X', 'Mars/Olympus')$$,
     '23503 people_timezone_valid'),
    ('people: a duplicate e-mail in another case', $$insert into parley_data.people (email, name) values ('DESK@Example.org', 'X')$$,
     '23505 people_email_key'),
    -- sources
    ('sources: a duplicate code', $$insert into parley_data.sources (code, title) values ('src-1', 'Again')$$,
     '23505 sources_code_key'),
    ('sources: a code with a space', $$insert into parley_data.sources (code, title) values ('src 2', 'T')$$,
     '23514 sources_code_format'),
    ('sources: a blank title', $$insert into parley_data.sources (code, title) values ('src-2', '')$$,
     '23514 sources_title_format'),
    ('sources: a url that is not a web address', $$insert into parley_data.sources (code, title, url) values ('src-2', 'T', 'ftp://x')$$,
     '23514 sources_url_format'),
    -- parties
    ('parties: a duplicate code', $$insert into parley_data.parties (code, name) values ('UA', 'Again')$$,
     '23505 parties_code_key'),
    ('parties: an invalid code', $$insert into parley_data.parties (code, name) values ('-UA', 'X')$$,
     '23514 parties_code_format'),
    ('parties: a name with a line break', $$insert into parley_data.parties (code, name) values ('QA', e'Qa\ntar')$$,
     '23514 parties_name_format'),
    -- tracks
    ('tracks: a duplicate code', $$insert into parley_data.tracks (code, name, format) values ('istanbul', 'X', 'bilateral')$$,
     '23505 tracks_code_key_unclassified'),
    ('tracks: an invalid code', $$insert into parley_data.tracks (code, name, format) values ('a/b', 'X', 'bilateral')$$,
     '23514 tracks_code_format'),
    ('tracks: a blank name', $$insert into parley_data.tracks (code, name, format) values ('t2', ' ', 'bilateral')$$,
     '23514 tracks_name_format'),
    ('tracks: an invalid time zone', $$insert into parley_data.tracks (code, name, format, timezone) values ('t2', 'X', 'bilateral', 'Europe/Atlantis')$$,
     '23503 tracks_timezone_valid'),
    ('tracks: an unknown lead', $$insert into parley_data.tracks (code, name, format, lead_id) values ('t2', 'X', 'bilateral', -1)$$,
     '23503 tracks_lead_id_fkey'),
    -- track members
    ('track_members: an unknown track', $$insert into parley_data.track_members (track_id, party_id, role) values (-1, (select id from parley_data.parties where code = 'US'), 'observer')$$,
     '23503 track_members_track_id_fkey'),
    ('track_members: an unknown party', $$insert into parley_data.track_members (track_id, party_id, role) values ((select id from parley_data.tracks where code = 'istanbul'), -1, 'observer')$$,
     '23503 track_members_party_id_fkey'),
    ('track_members: the same role twice', $$insert into parley_data.track_members (track_id, party_id, role) select t.id, p.id, 'host' from parley_data.tracks t, parley_data.parties p where t.code = 'istanbul' and p.code = 'TR'$$,
     '23505 track_members_pkey_unclassified'),
    -- meetings
    ('meetings: a duplicate code', $$insert into parley_data.meetings (code, track_id, title, starts_at) select 'ist-r1', id, 'X', now() from parley_data.tracks where code = 'istanbul'$$,
     '23505 meetings_code_key_unclassified'),
    ('meetings: an invalid code', $$insert into parley_data.meetings (code, track_id, title, starts_at) select 'r 3', id, 'X', now() from parley_data.tracks where code = 'istanbul'$$,
     '23514 meetings_code_format'),
    ('meetings: a blank title', $$insert into parley_data.meetings (code, track_id, title, starts_at) select 'r3', id, '', now() from parley_data.tracks where code = 'istanbul'$$,
     '23514 meetings_title_format'),
    ('meetings: ending before it starts', $$update parley_data.meetings set ends_at = starts_at - interval '1 minute' where code = 'ist-r1'$$,
     '23514 meetings_ends_after_start'),
    ('meetings: an outcome on a meeting not held', $$update parley_data.meetings set status = 'postponed' where code = 'ist-r1'$$,
     '23514 meetings_outcome_when_held'),
    ('meetings: an unknown track', $$insert into parley_data.meetings (code, track_id, title, starts_at) values ('r3', -1, 'X', now())$$,
     '23503 meetings_track_id_fkey'),
    -- agenda items and the agenda of a track
    ('agenda_items: a duplicate code', $$insert into parley_data.agenda_items (code, title) values ('ceasefire', 'X')$$,
     '23505 agenda_items_code_key'),
    ('agenda_items: an invalid code', $$insert into parley_data.agenda_items (code, title) values ('', 'X')$$,
     '23514 agenda_items_code_format'),
    ('agenda_items: a blank title', $$insert into parley_data.agenda_items (code, title) values ('truce', ' ')$$,
     '23514 agenda_items_title_format'),
    ('track_agenda: an unknown item', $$insert into parley_data.track_agenda (track_id, item_id) select id, -1 from parley_data.tracks where code = 'istanbul'$$,
     '23503 track_agenda_item_id_fkey'),
    ('track_agenda: an unknown track', $$insert into parley_data.track_agenda (track_id, item_id) select -1, id from parley_data.agenda_items where code = 'children'$$,
     '23503 track_agenda_track_id_fkey'),
    ('track_agenda: the same item twice', $$insert into parley_data.track_agenda (track_id, item_id) select t.id, i.id from parley_data.tracks t, parley_data.agenda_items i where t.code = 'istanbul' and i.code = 'ceasefire'$$,
     '23505 track_agenda_pkey_unclassified'),
    -- positions
    ('positions: an unknown party', $$insert into parley_data.positions (party_id, item_id, stance, stated_on) select -1, id, 'supports', '2025-05-16' from parley_data.agenda_items where code = 'ceasefire'$$,
     '23503 positions_party_id_fkey'),
    ('positions: an unknown item', $$insert into parley_data.positions (party_id, item_id, stance, stated_on) select id, -1, 'supports', '2025-05-16' from parley_data.parties where code = 'UA'$$,
     '23503 positions_item_id_fkey'),
    ('positions: two stances the same day', $$insert into parley_data.positions (party_id, item_id, stance, stated_on) select p.id, i.id, s, '2025-05-16' from parley_data.parties p, parley_data.agenda_items i, unnest(array['supports', 'opposes']::parley.stance[]) s where p.code = 'UA' and i.code = 'ceasefire'$$,
     '23505 positions_natural_key_unclassified'),
    -- deals
    ('deals: a duplicate code', $$insert into parley_data.deals (code, title) values ('ist-1000', 'X')$$,
     '23505 deals_code_key_unclassified'),
    ('deals: an invalid code', $$insert into parley_data.deals (code, title) values ('ist 1000', 'X')$$,
     '23514 deals_code_format'),
    ('deals: a blank title', $$insert into parley_data.deals (code, title) values ('d2', '')$$,
     '23514 deals_title_format'),
    -- commitments
    ('commitments: a duplicate code', $$update parley_data.commitments set code = 'pow-ru' where code = 'pow-ua'$$,
     '23505 commitments_code_key_unclassified'),
    ('commitments: an invalid code', $$update parley_data.commitments set code = 'pow ru' where code = 'pow-ru'$$,
     '23514 commitments_code_format'),
    ('commitments: a blank text', $$update parley_data.commitments set text = ' ' where code = 'pow-ru'$$,
     '23514 commitments_text_present'),
    ('commitments: due_on before made_on', $$update parley_data.commitments set due_on = '2025-05-01' where code = 'pow-ru'$$,
     '23514 commitments_due_after_made'),
    ('commitments: a negative target quantity', $$update parley_data.commitments set target_quantity = -5 where code = 'pow-ru'$$,
     '23514 commitments_target_positive'),
    ('commitments: a unit without a target', $$update parley_data.commitments set target_quantity = null where code = 'pow-ru'$$,
     '23514 commitments_unit_with_target'),
    ('commitments: a negative delivered total', $$update parley_data.commitments set delivered_quantity = -1 where code = 'pow-ru'$$,
     '23514 commitments_delivered_not_negative'),
    ('commitments: an item not on the track''s agenda', $$update parley_data.commitments set item_id = (select id from parley_data.agenda_items where code = 'children') where code = 'pow-ru'$$,
     '23503 commitments_on_track_agenda'),
    ('commitments: a meeting of another track', $$update parley_data.commitments set meeting_id = (select id from parley_data.meetings where code = 'tri-1') where code = 'pow-ru'$$,
     '23503 commitments_meeting_on_track'),
    ('commitments: an unknown obligor', $$update parley_data.commitments set obligor_id = -1 where code = 'pow-ru'$$,
     '23503 commitments_obligor_id_fkey'),
    ('commitments: an unknown owner', $$update parley_data.commitments set owner_id = -1 where code = 'pow-ru'$$,
     '23503 commitments_owner_id_fkey'),
    ('commitments: an unknown deal', $$update parley_data.commitments set deal_id = -1 where code = 'pow-ru'$$,
     '23503 commitments_deal_id_fkey'),
    ('commitments: two commitments of one obligor in a deal', $$update parley_data.commitments set obligor_id = (select id from parley_data.parties where code = 'UA') where code = 'pow-ru'$$,
     '23505 commitments_one_per_obligor_in_deal_unclassified'),
    ('commitments: fulfilled back to pending without a reopen', $$update parley_data.commitments set status = 'pending' where code = 'pow-ua'$$,
     '23514 commitment_status_transition'),
    ('commitments: fulfilled to in_progress without a reopen', $$update parley_data.commitments set status = 'in_progress' where code = 'pow-ua'$$,
     '23514 commitment_status_transition'),
    ('commitments: no beneficiary (checked at commit)', $q$do $x$ begin
        insert into parley_data.commitments (track_id, item_id, obligor_id, text, made_on)
        select t.id, i.id, p.id, 'Owed to nobody', '2025-05-16' from parley_data.tracks t, parley_data.agenda_items i, parley_data.parties p
         where t.code = 'istanbul' and i.code = 'ceasefire' and p.code = 'RU';
        set constraints parley_data.commitments_have_beneficiary immediate;
    end $x$$q$,
     '23514 commitment_has_beneficiary'),
    -- beneficiaries
    ('commitment_beneficiaries: the obligor itself', $$insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id) select id, obligor_id, obligor_id from parley_data.commitments where code = 'pow-ru'$$,
     '23514 commitment_beneficiaries_not_obligor'),
    ('commitment_beneficiaries: an unknown party', $$insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id) select id, obligor_id, -1 from parley_data.commitments where code = 'pow-ru'$$,
     '23503 commitment_beneficiaries_party_id_fkey'),
    ('commitment_beneficiaries: a wrong obligor', $$insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id) select c.id, p.id, b.id from parley_data.commitments c, parley_data.parties p, parley_data.parties b where c.code = 'pow-ru' and p.code = 'TR' and b.code = 'US'$$,
     '23503 commitment_beneficiaries_commitment_fkey'),
    ('commitment_beneficiaries: the same party twice', $$insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id) select c.id, c.obligor_id, p.id from parley_data.commitments c, parley_data.parties p where c.code = 'pow-ru' and p.code = 'UA'$$,
     '23505 commitment_beneficiaries_pkey_unclassified'),
    -- updates
    ('commitment_updates: a negative delivery', $$insert into parley_data.commitment_updates (commitment_id, reported_on, delivered_quantity) select id, '2025-05-23', -390 from parley_data.commitments where code = 'pow-ru'$$,
     '23514 commitment_updates_delivered_not_negative'),
    ('commitment_updates: an update that says nothing', $$insert into parley_data.commitment_updates (commitment_id, reported_on, note) select id, '2025-05-23', '  ' from parley_data.commitments where code = 'pow-ru'$$,
     '23514 commitment_updates_says_something'),
    ('commitment_updates: an unknown commitment', $$insert into parley_data.commitment_updates (commitment_id, reported_on, delivered_quantity) values (-1, '2025-05-23', 1)$$,
     '23503 commitment_updates_commitment_id_fkey'),
    ('commitment_updates: reopening nothing still obeys the status rule', $$insert into parley_data.commitment_updates (commitment_id, reported_on, new_status) select id, '2025-05-26', 'pending' from parley_data.commitments where code = 'pow-ua'$$,
     '23514 commitment_status_transition'),
    -- figures
    ('figures: an invalid indicator', $$insert into parley_data.figures (indicator, value, as_of) values ('children deported', 1, '2025-08-01')$$,
     '23514 figures_indicator_format'),
    ('figures: the same figure twice', $$insert into parley_data.figures (indicator, value, as_of) values ('bodies', 1, '2025-06-16'), ('bodies', 2, '2025-06-16')$$,
     '23505 figures_natural_key_unclassified'),
    ('figures: an unknown claimant', $$insert into parley_data.figures (indicator, value, as_of, claimant_id) values ('bodies', 1, '2025-06-16', -1)$$,
     '23503 figures_claimant_id_fkey'),
    -- follow-ups
    ('follow_ups: a duplicate code', $$insert into parley_data.follow_ups (code, track_id, assignee_id, due_at, note) select 'fu-1', t.id, p.id, now(), 'x' from parley_data.tracks t, parley_data.people p where t.code = 'istanbul' and p.email = 'desk@example.org'$$,
     '23505 follow_ups_code_key_unclassified'),
    ('follow_ups: an invalid code', $$insert into parley_data.follow_ups (code, track_id, assignee_id, due_at, note) select 'fu 2', t.id, p.id, now(), 'x' from parley_data.tracks t, parley_data.people p where t.code = 'istanbul' and p.email = 'desk@example.org'$$,
     '23514 follow_ups_code_format'),
    ('follow_ups: about two things', $$insert into parley_data.follow_ups (track_id, meeting_id, assignee_id, due_at, note) select t.id, m.id, p.id, now(), 'x' from parley_data.tracks t, parley_data.meetings m, parley_data.people p where t.code = 'istanbul' and m.code = 'ist-r1' and p.email = 'desk@example.org'$$,
     '23514 follow_ups_one_subject'),
    ('follow_ups: about nothing', $$insert into parley_data.follow_ups (assignee_id, due_at, note) select p.id, now(), 'x' from parley_data.people p where p.email = 'desk@example.org'$$,
     '23514 follow_ups_one_subject'),
    ('follow_ups: a blank note', $$insert into parley_data.follow_ups (track_id, assignee_id, due_at, note) select t.id, p.id, now(), ' ' from parley_data.tracks t, parley_data.people p where t.code = 'istanbul' and p.email = 'desk@example.org'$$,
     '23514 follow_ups_note_present'),
    ('follow_ups: an unknown assignee', $$insert into parley_data.follow_ups (track_id, assignee_id, due_at, note) select t.id, -1, now(), 'x' from parley_data.tracks t where t.code = 'istanbul'$$,
     '23503 follow_ups_assignee_id_fkey'),
    -- subscriptions
    ('subscriptions: the same subscription twice', $$insert into parley_data.subscriptions (person_id) select id from parley_data.people p, generate_series(1, 2) where p.email = 'desk@example.org'$$,
     '23505 subscriptions_natural_key_unclassified'),
    ('subscriptions: an unknown person', $$insert into parley_data.subscriptions (person_id) values (-1)$$,
     '23503 subscriptions_person_id_fkey')
  ) as t(description, statement, expected);

-- A reopen is what makes the same change acceptable.
select is(pg_temp.run($$update parley_data.commitments set status = 'in_progress', reopened_at = clock_timestamp()
                         where code = 'pow-ua' returning status::text$$, null),
          'in_progress', 'commitments: fulfilled to in_progress is accepted with a reopen');

select * from finish();
rollback;
