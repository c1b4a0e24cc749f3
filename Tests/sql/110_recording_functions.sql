-- Every recording function works for a writer (parley_writer) and records what it says, with natural keys.
begin;
select plan(62);

\ir 100_recording_fixture.psql

-- Everything below runs as parley_writer, the way staff record.

-- Parties, sources, people
select is(pg_temp.run($$select parley.add_party(code => 'QA', name => 'Qatar')$$), 'QA', 'add_party returns the code');
select is((select name || '/' || kind from parley_data.parties where code = 'QA'), 'Qatar/state', 'add_party stores name and kind (state by default)');
select is(pg_temp.run($$select parley.add_source(code => 'tass-1993459', title => 'Round 3', publisher => 'TASS',
                                                  url => 'https://tass.com/politics/1993459', published_on => '2025-07-23')$$),
          'tass-1993459', 'add_source returns the code');
select is((select publisher || ' ' || url || ' ' || published_on from parley_data.sources where code = 'tass-1993459'),
          'TASS https://tass.com/politics/1993459 2025-07-23', 'add_source stores publisher, url and date');
select is(pg_temp.run($$select parley.add_person(email => 'Analyst@Example.org', name => 'Analyst', timezone => 'Europe/Istanbul',
                                                  clearance => 'confidential')$$),
          'Analyst@Example.org', 'add_person returns the e-mail');
select is((select timezone || ' ' || clearance || ' ' || active from parley_data.people where email = 'Analyst@Example.org'),
          'Europe/Istanbul confidential true', 'add_person stores time zone and clearance, active');
select is(pg_temp.run($$select parley.update_person(person => 'analyst@example.org', email => 'analyst2@example.org', name => 'Senior Analyst')$$),
          'analyst2@example.org', 'update_person finds the person in any case and returns the new e-mail');
select is((select name || ' ' || timezone from parley_data.people where email = 'analyst2@example.org'),
          'Senior Analyst Europe/Istanbul', 'update_person changes what is given and keeps the rest');
select is(pg_temp.run($$select parley.deactivate_person('analyst2@example.org')$$), 'analyst2@example.org', 'deactivate_person returns the e-mail');
select is((select active from parley_data.people where email = 'analyst2@example.org'), false, 'deactivate_person marks the person inactive');

-- Tracks, members, agenda
select is(pg_temp.run($$select parley.add_track(code => 'nato', name => 'NATO briefings', format => 'briefing',
                                                 timezone => 'Europe/Brussels', venue => 'The Hague', lead => 'LEAD@example.org')$$),
          'nato', 'add_track returns the code');
select is((select t.format || ' ' || t.timezone || ' ' || t.venue || ' ' || p.email || ' ' || t.status || ' ' || t.classification
             from parley_data.tracks t join parley_data.people p on p.id = t.lead_id where t.code = 'nato'),
          'briefing Europe/Brussels The Hague lead@example.org active unclassified', 'add_track stores the track with its lead');
select is(pg_temp.run($$select parley.update_track(track => 'nato', status => 'paused', venue => 'Brussels', lead => '',
                                                    classification => 'restricted')$$),
          'nato', 'update_track returns the code');
select is((select status || ' ' || venue || ' ' || classification || ' ' || coalesce(lead_id::text, 'no lead') || ' ' || timezone
             from parley_data.tracks where code = 'nato'),
          'paused Brussels restricted no lead Europe/Brussels', 'update_track changes what is given; '''' clears the lead');
select is(pg_temp.run($$select parley.add_member(track => 'nato', party => 'US', role => 'briefer', note => 'Military leaders')$$),
          '', 'add_member returns nothing');
select is((select m.role || ' ' || m.note from parley_data.track_members m join parley_data.tracks t on t.id = m.track_id
            where t.code = 'nato'), 'briefer Military leaders', 'add_member records the party and role');
select is(pg_temp.run($$select parley.add_agenda_item(code => 'security-guarantees', title => 'Security guarantees')$$),
          'security-guarantees', 'add_agenda_item returns the code');
select is(pg_temp.run($$select parley.add_agenda_item(code => 'defence-spending', title => 'Defence spending', track => 'nato', status => 'agreed')$$),
          'defence-spending', 'add_agenda_item with a track returns the code');
select is((select a.status::text from parley_data.track_agenda a join parley_data.agenda_items i on i.id = a.item_id
            where i.code = 'defence-spending'), 'agreed', 'add_agenda_item with a track puts the item on its agenda');
select is(pg_temp.run($$select parley.set_agenda_status(track => 'nato', item => 'security-guarantees', status => 'proposed',
                                                         status_since => '2025-08-18')$$),
          '', 'set_agenda_status returns nothing');
select is((select a.status || ' ' || a.status_since from parley_data.track_agenda a
             join parley_data.agenda_items i on i.id = a.item_id join parley_data.tracks t on t.id = a.track_id
            where i.code = 'security-guarantees' and t.code = 'nato'),
          'proposed 2025-08-18', 'set_agenda_status puts an item that is not there yet on the agenda');
select pg_temp.run($$select parley.set_agenda_status(track => 'nato', item => 'security-guarantees', status => 'proposed', note => 'still')$$);
select is((select a.status_since from parley_data.track_agenda a join parley_data.agenda_items i on i.id = a.item_id
            where i.code = 'security-guarantees'), '2025-08-18'::date, 'set_agenda_status keeps status_since when the status stays');
select pg_temp.run($$select parley.set_agenda_status(track => 'nato', item => 'security-guarantees', status => 'under_discussion')$$);
select is((select a.status || ' ' || (a.status_since = current_date) from parley_data.track_agenda a
             join parley_data.agenda_items i on i.id = a.item_id where i.code = 'security-guarantees'),
          'under_discussion true', 'set_agenda_status dates a new status today when no date is given');

-- Meetings
select is(pg_temp.run($$select parley.add_meeting(code => 'hague-2025', track => 'nato', title => 'NATO summit',
                                                   starts_at => '2025-06-24 09:00+02', ends_at => '2025-06-25 18:00+02',
                                                   location => 'The Hague', source => 'src-1')$$),
          'hague-2025', 'add_meeting returns the code');
select is((select status || ' ' || starts_at || ' ' || ends_at || ' ' || location from parley_data.meetings where code = 'hague-2025'),
          'scheduled 2025-06-24 07:00:00+00 2025-06-25 16:00:00+00 The Hague', 'add_meeting stores a scheduled meeting');
select is(pg_temp.run($$select parley.record_meeting_outcome(meeting => 'hague-2025', outcome => 'Allies committed to 5% of GDP by 2035.')$$),
          'hague-2025', 'record_meeting_outcome returns the code');
select is((select status || ' ' || outcome_summary || ' ' || (outcome_recorded_at is not null) from parley_data.meetings where code = 'hague-2025'),
          'held Allies committed to 5% of GDP by 2035. true', 'record_meeting_outcome marks the meeting held with its outcome');
select is(pg_temp.run($$select parley.set_meeting_status(meeting => 'ist-r2', status => 'postponed')$$), 'ist-r2',
          'set_meeting_status returns the code');
select is((select status::text from parley_data.meetings where code = 'ist-r2'), 'postponed', 'set_meeting_status postpones');
select pg_temp.run($$select parley.set_meeting_status(meeting => 'ist-r2', status => 'scheduled', starts_at => '2025-06-02 13:00+03',
                                                       ends_at => '2025-06-02 14:00+03', location => 'Çırağan Palace')$$);
select is((select status || ' ' || starts_at || ' ' || location from parley_data.meetings where code = 'ist-r2'),
          'scheduled 2025-06-02 10:00:00+00 Çırağan Palace', 'set_meeting_status reschedules');

-- Positions
select ok(pg_temp.run($$select parley.record_position(party => 'RU', item => 'ceasefire', stance => 'conditional', stated_on => '2025-06-02',
                                                       track => 'istanbul', statement => 'Offers 2-3 day local truces', source => 'src-1')$$) ~ '^[0-9]+$',
          'record_position returns the id');
select is(pg_temp.run($$select parley.record_position(party => 'RU', item => 'ceasefire', stance => 'opposes', stated_on => '2025-06-02',
                                                       track => 'istanbul')$$),
          (select id::text from parley_data.positions where stated_on = '2025-06-02'),
          'record_position on the same day corrects the same position');
select is((select stance || ' ' || coalesce(statement, 'no statement') from parley_data.positions where stated_on = '2025-06-02'),
          'opposes no statement', 'the corrected position holds the new stance');

-- Deals and commitments
select is(pg_temp.run($$select parley.add_deal(code => 'ist-1200', title => '1,200-for-1,200 exchange')$$), 'ist-1200', 'add_deal returns the code');
select is(pg_temp.run($$select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU',
        beneficiaries => array['UA', 'UA'], text => 'Return 6,000 bodies', made_on => '2025-06-02', due_on => '2025-06-20',
        target_quantity => 6000, unit => 'bodies', code => 'bodies-ru', deal => 'ist-6000', deal_title => '6,000-for-6,000 bodies',
        owner => 'desk@example.org', classification => 'restricted', source => 'src-1', meeting => 'ist-r1')$$),
          'bodies-ru', 'add_commitment returns the code');
select is((select c.status || ' ' || c.due_on || ' ' || c.target_quantity || ' ' || c.unit || ' ' || c.effective_classification || ' '
                  || d.title || ' ' || o.email || ' ' || m.code
             from parley_data.commitments c join parley_data.deals d on d.id = c.deal_id
             join parley_data.people o on o.id = c.owner_id join parley_data.meetings m on m.id = c.meeting_id
            where c.code = 'bodies-ru'),
          'pending 2025-06-20 6000 bodies restricted 6,000-for-6,000 bodies desk@example.org ist-r1',
          'add_commitment stores the commitment and creates the new deal');
select is((select array_agg(p.code) from parley_data.commitment_beneficiaries b join parley_data.parties p on p.id = b.party_id
             join parley_data.commitments c on c.id = b.commitment_id where c.code = 'bodies-ru'),
          array['UA'], 'add_commitment records each beneficiary once');
select pg_temp.run($$select parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'UA', beneficiaries => array['RU', 'TR'],
                                                   text => 'Set out ceasefire conditions in writing', made_on => '2025-05-16')$$) as new_code \gset
select is(:'new_code', (select 'C' || max(id) from parley_data.commitments), 'add_commitment without a code names it C and its number');
select is(pg_temp.run($$select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'UA', beneficiaries => array['RU'],
                                                      text => 'Return bodies', made_on => '2025-06-02', code => 'bodies-ua', deal => 'ist-6000')$$),
          'bodies-ua', 'add_commitment joins an existing deal');

-- Delivery
select ok(pg_temp.run($$select parley.record_update(commitment => 'pow-ru', reported_on => '2025-05-23', delivered => 390,
                                                     new_status => 'partially_fulfilled', note => '270 military, 120 civilians',
                                                     source => 'src-1', reported_by => 'UA', verification => 'both_parties',
                                                     recorded_by => 'desk@example.org')$$) ~ '^[0-9]+$',
          'record_update returns the id');
select is((select c.delivered_quantity || ' ' || c.status || ' ' || c.last_update_on || ' ' || c.status_changed_on
             from parley_data.commitments c where c.code = 'pow-ru'),
          '390 partially_fulfilled 2025-05-23 2025-05-23', 'record_update adds the delivery and applies the status');
select is((select u.verification || ' ' || p.code || ' ' || r.email from parley_data.commitment_updates u
             join parley_data.parties p on p.id = u.reported_by_party_id join parley_data.people r on r.id = u.recorded_by_id
            where u.note = '270 military, 120 civilians'),
          'both_parties UA desk@example.org', 'record_update stores who reported, who recorded and how it is verified');
select ok(pg_temp.run($$select parley.record_update(commitment => 'pow-ua', reported_on => '2025-06-01', new_status => 'in_progress',
                                                     reopen => true, note => 'Russia disputes the count')$$) ~ '^[0-9]+$',
          'record_update reopens a fulfilled commitment when asked to');
select is((select c.status || ' ' || (c.reopened_at is not null) from parley_data.commitments c where c.code = 'pow-ua'),
          'in_progress true', 'the reopened commitment is live again and says when it was reopened');
select is(pg_temp.run($$select parley.change_due_date(commitment => 'pow-ru', due_on => '2025-06-01')$$), 'pow-ru',
          'change_due_date returns the code');
select is((select due_on from parley_data.commitments where code = 'pow-ru'), '2025-06-01'::date, 'change_due_date moves the deadline');
select is(pg_temp.run($$select parley.update_commitment(commitment => 'pow-ru', owner => 'lead@example.org', classification => 'confidential',
                                                         text => 'Release 1,000 prisoners of war')$$), 'pow-ru',
          'update_commitment returns the code');
select is((select o.email || ' ' || c.classification || ' ' || c.text || ' ' || c.due_on
             from parley_data.commitments c join parley_data.people o on o.id = c.owner_id where c.code = 'pow-ru'),
          'lead@example.org confidential Release 1,000 prisoners of war 2025-06-01', 'update_commitment changes what is given');

-- Figures
select ok(pg_temp.run($$select parley.add_figure(indicator => 'children-deported', value => 19546, as_of => '2025-08-18', unit => 'children',
                                                  item => 'children', claimant => 'UA', source => 'src-1')$$) ~ '^[0-9]+$',
          'add_figure returns the id');
select is(pg_temp.run($$select parley.add_figure(indicator => 'children-deported', value => 19547, as_of => '2025-08-18', unit => 'children',
                                                  item => 'children', claimant => 'UA', source => 'src-1', confidence => 'confirmed',
                                                  correction => true)$$),
          (select id::text from parley_data.figures where indicator = 'children-deported'), 'add_figure with correction replaces the same figure');
select is((select value || ' ' || confidence from parley_data.figures where indicator = 'children-deported'), '19547 confirmed',
          'the corrected figure holds the new value');

-- Follow-ups
select pg_temp.run($$select parley.add_follow_up(assignee => 'desk@example.org', due_at => '2025-05-24 17:00+03',
                                                  note => 'Confirm the first stage', commitment => 'pow-ru')$$) as new_code \gset
select is(:'new_code', (select 'F' || max(id) from parley_data.follow_ups), 'add_follow_up without a code names it F and its number');
select is(pg_temp.run(format($$select parley.complete_follow_up(follow_up => %L, done_at => '2025-05-23 20:00+03', note => '390 back')$$,
                             (select 'F' || max(id) from parley_data.follow_ups))),
          (select 'F' || max(id) from parley_data.follow_ups), 'complete_follow_up finds it by F and its number');
select is((select done_at || ' ' || done_note from parley_data.follow_ups where id = (select max(id) from parley_data.follow_ups)),
          '2025-05-23 17:00:00+00 390 back', 'complete_follow_up records when and how');
select is(pg_temp.run($$select parley.add_follow_up(assignee => 'desk@example.org', due_at => '2025-06-01 17:00+03', note => 'Brief the minister',
                                                     meeting => 'ist-r2', code => 'brief-r2')$$), 'brief-r2', 'add_follow_up returns its code');
select is(pg_temp.run($$select parley.complete_follow_up(follow_up => 'fu-1')$$), 'fu-1', 'complete_follow_up finds it by code');

-- Subscriptions
select ok(pg_temp.run($$select parley.add_subscription(person => 'desk@example.org', track => 'istanbul')$$) ~ '^[0-9]+$',
          'add_subscription returns the id');
select is(pg_temp.run($$select parley.add_subscription(person => 'desk@example.org', track => 'istanbul', min_severity => 'warning')$$),
          (select id::text from parley_data.subscriptions), 'subscribing again changes the same subscription');
select is((select min_severity::text from parley_data.subscriptions), 'warning', 'the subscription has the new minimum severity');
select is(pg_temp.run($$select parley.remove_subscription(person => 'desk@example.org', track => 'istanbul')$$), 'true',
          'remove_subscription says it removed one');
select is(pg_temp.run($$select parley.remove_subscription(person => 'desk@example.org', track => 'istanbul')$$), 'false',
          'remove_subscription says when there was none');

-- The functions are what they should be: run as their owner with a fixed search_path, and reach no one but writers.
select is((select count(*)::integer from pg_proc p
            where p.pronamespace = 'parley'::regnamespace and p.prosecdef
              and 'search_path=parley_data, parley, pg_catalog, pg_temp' = any (p.proconfig)
              and p.proname in ('add_party', 'add_source', 'add_person', 'update_person', 'deactivate_person', 'add_track',
                                'update_track', 'add_member', 'add_agenda_item', 'set_agenda_status', 'add_meeting',
                                'record_meeting_outcome', 'set_meeting_status', 'record_position', 'add_deal', 'add_commitment',
                                'record_update', 'change_due_date', 'update_commitment', 'add_figure', 'add_follow_up',
                                'complete_follow_up', 'add_subscription', 'remove_subscription')),
          24, 'every recording function is security definer with a fixed search_path');

select * from finish();
rollback;
