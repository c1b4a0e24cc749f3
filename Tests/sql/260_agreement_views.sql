-- What the agreement views answer: where each agreement stands (its current term, days left, renewals, contested
-- terms, who suspended or withdrew, how it relates to others), each term in order with the claims about it, what
-- expires soon, and how far each provision is implemented, by the rule written once or by staff, as of any day and
-- rolled up per agreement, party and item; and what the other views say about agreements (track_overview and agenda
-- show those in force; a provision of an agreement that ended is no longer owed and counts as lapsed in compliance;
-- the calendar holds term ends and last days to object).
begin;
-- The agreements here are on the Istanbul track, and their views count days on its clock (days left, the last day
-- to object, expiring). The fixture's dates are written from current_date, so "today" must be Istanbul's: in UTC
-- it is still yesterday there from 21:00 (UTC+3), and every count would be one day off at that hour.
set local timezone = 'Europe/Istanbul';
select plan(55);

\ir 100_recording_fixture.psql

-- The rule, written once (parley_data.implementation_score) ------------------------------------------------------------

select is(parley_data.implementation_score(s.status, s.delivered, s.target), s.score::smallint,
          format('%s, %s of %s delivered: %s', s.status, s.delivered, coalesce(s.target::text, 'no target'), coalesce(s.score::text, 'no score')))
  from (values ('fulfilled'::parley.commitment_status, 0, null::numeric, 3),
               ('pending', 0, 1000, 0),
               ('in_progress', 0, 1000, 1),
               ('partially_fulfilled', 390, 1000, 1),
               ('partially_fulfilled', 500, 1000, 2),
               ('partially_fulfilled', 1000, 1000, 3),
               ('partially_fulfilled', 0, null, 2),
               ('breached', 390, 1000, 1),
               ('breached', 0, null, 0),
               ('withdrawn', 500, 1000, null),
               ('superseded', 0, null, null)) s(status, delivered, target, score);

-- A world of agreements ---------------------------------------------------------------------------------------------

do $$
begin
    -- In force 20 days ago for 30 days, renewed automatically; a term claim by Russia that differs.
    perform parley.add_agreement(code => 'ag-bodies', title => 'Return of bodies', tracks => array['istanbul'],
                                 term_length => '30 days', owner => 'desk@example.org', source => 'src-1');
    perform parley.add_agreement_party('ag-bodies', 'TR', 'mediator');
    perform parley.sign_agreement('ag-bodies', 'UA', current_date - 20);
    perform parley.sign_agreement('ag-bodies', 'RU', current_date - 20);
    perform parley.enter_into_force('ag-bodies', current_date - 20);
    perform parley.renew_agreement('ag-bodies', ends_on => current_date + 20, agreed_by => array['UA', 'RU'],
                                   agreed_on => current_date - 5, renewal => 'automatic', objection_notice => '10 days');
    perform parley.claim_term('ag-bodies', 'RU', stated_on => current_date - 4, ends_on => current_date + 15,
                              statement => 'Fifteen days more, not twenty', source => 'src-1');
    perform parley.claim_term('ag-bodies', 'UA', stated_on => current_date - 4, ends_on => current_date + 20);
    perform parley.suspend_agreement('ag-bodies', party => 'RU', announced_on => current_date - 2);
    -- Provisions: Russia's 6,000 bodies (article 1), Ukraine's (article 1).
    perform parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU', beneficiaries => array['UA'],
                                  text => 'Return 6,000 bodies', made_on => current_date - 20, due_on => current_date + 10,
                                  target_quantity => 6000, unit => 'bodies', code => 'bodies-ru');
    perform parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'UA', beneficiaries => array['RU'],
                                  text => 'Return 6,000 bodies', made_on => current_date - 20, due_on => current_date + 10,
                                  target_quantity => 6000, unit => 'bodies', code => 'bodies-ua');
    perform parley.add_provision('ag-bodies', 'bodies-ru', '1');
    perform parley.add_provision('ag-bodies', 'bodies-ua', '1');
    perform parley.record_update(commitment => 'bodies-ru', reported_on => current_date - 10, delivered => 1212,
                                 new_status => 'partially_fulfilled', note => 'First stage', source => 'src-1',
                                 reported_by => 'UA', verification => 'one_party');
    perform parley.record_update(commitment => 'bodies-ru', reported_on => current_date - 6, delivered => 2400,
                                 note => 'Second and third stages', reported_by => 'UA', verification => 'one_party');
    perform parley.override_implementation('bodies-ua', 1, 'src-1', as_of => current_date - 3,
                                           note => 'Russia says it received 78');
    -- A second agreement, ended: a provision still pending lapses.
    perform parley.add_agreement(code => 'ag-old', title => 'An old truce', tracks => array['istanbul'], term_length => '10 days');
    perform parley.sign_agreement('ag-old', 'UA', current_date - 60);
    perform parley.enter_into_force('ag-old', current_date - 60);
    perform parley.add_commitment(track => 'istanbul', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'],
                                  text => 'Hold fire', made_on => current_date - 60, due_on => current_date - 40,
                                  code => 'old-truce-ru');
    perform parley.add_provision('ag-old', 'old-truce-ru');
    perform parley.end_agreement('ag-old', 'expired', current_date - 50);
    perform parley.relate_agreements('ag-bodies', 'supersedes', 'ag-old');
    -- A draft.
    perform parley.add_agreement(code => 'ag-draft', title => 'A memorandum', tracks => array['istanbul'], kind => 'memorandum');
end
$$;

-- agreements ----------------------------------------------------------------------------------------------------------

set local role parley_reader;
select is((select status || ' since ' || (status_since = current_date - 5 or status_since = current_date - 20)
             from parley.agreements where code = 'ag-bodies'), 'in_force since true', 'in force');
select is((select current_term || '/' || renewals || '/' || days_left || '/' || renewal || '/' || (objection_deadline_on = current_date + 10)
             from parley.agreements where code = 'ag-bodies'),
          '2/1/20/automatic/true', 'its current term, renewals, days left and the last day to object');
select is((select parties from parley.agreements where code = 'ag-bodies'),
          format('Russia (signatory, signed %s), Ukraine (signatory, signed %s), Türkiye (mediator)',
                 current_date - 20, current_date - 20), 'its parties, their roles and signatures');
select is((select term_contested from parley.agreements where code = 'ag-bodies'), true,
          'a claim that differs from the recorded term makes it contested');
select is((select suspended_parties || '|' || coalesce(withdrawn_parties, '-') from parley.agreements where code = 'ag-bodies'),
          'Russia|-', 'who suspended its participation');
select is((select related from parley.agreements where code = 'ag-bodies'), 'supersedes ag-old', 'what it supersedes');
select is((select related from parley.agreements where code = 'ag-old'), 'superseded by ag-bodies', 'seen from the other side');
select is((select provisions || ' at ' || implementation_pct || ' %' from parley.agreements where code = 'ag-bodies'),
          '2 at 50.0 %', 'its provisions and how far they are implemented (Russia''s at 2 by the rule, Ukraine''s at 1 by staff)');
select is((select days_left is null and status = 'expired' from parley.agreements where code = 'ag-old'), true,
          'an agreement that ended has no days left');
reset role;

-- agreement_terms -------------------------------------------------------------------------------------------------

select is((select array_agg(term || ':' || current || ':' || contested order by term) from parley.agreement_terms
            where agreement = 'ag-bodies'), '{1:false:false,2:true:true}', 'its terms in order, the current one contested');
select is((select agreed_by from parley.agreement_terms where agreement = 'ag-bodies' and term = 2), 'Russia, Ukraine',
          'who agreed the renewal');
select matches((select claims from parley.agreement_terms where agreement = 'ag-bodies' and term = 2),
               '^Russia: to [0-9-]+ \(stated [0-9-]+, Round 1 readout\) — Fifteen days more, not twenty; Ukraine: to [0-9-]+ \(stated [0-9-]+\)$',
               'each claim with its claimant, date and source');

-- expiring_agreements -----------------------------------------------------------------------------------------------

select is((select array_agg(what || ' in ' || days_left order by days_left) from parley.expiring_agreements
            where agreement = 'ag-bodies'),
          '{"last day to object to automatic renewal in 10","term ends in 20"}',
          'its term ending within the window, and the last day to object first');
set local parley.expiring_within_days = 15;
select is((select array_agg(what order by days_left) from parley.expiring_agreements where agreement = 'ag-bodies'),
          '{"last day to object to automatic renewal"}', 'a narrower window for the session leaves the term end out');
reset parley.expiring_within_days;
select is((select count(*)::int from parley.expiring_agreements where agreement in ('ag-old', 'ag-draft')), 0,
          'an agreement that ended, or a draft, expires no more');

-- implementation -------------------------------------------------------------------------------------------------------

select is((select array_agg(commitment || ' ' || status || ' ' || delivered || ' ' || score || ' ' || scored_by order by commitment)
             from parley.implementation where agreement = 'ag-bodies'),
          '{"bodies-ru partially_fulfilled 3612 2 rule","bodies-ua pending 0 1 staff"}',
          'today: Russia''s provision at 2 by the rule (3,612 of 6,000), Ukraine''s at 1 by staff');
select is((select evidence || ' | ' || coalesce(evidence_source, '-') from parley.implementation where commitment = 'bodies-ru'),
          'Second and third stages; delivered 2400; reported by Ukraine; verification: one party | -',
          'with the evidence of the last update');
select is((select evidence || ' | ' || evidence_source from parley.implementation where commitment = 'bodies-ua'),
          'Russia says it received 78 | Round 1 readout', 'staff''s score with its note and source');
select is((select array_agg(commitment || ' ' || status || ' ' || delivered || ' ' || score || ' ' || scored_by order by commitment)
             from parley.implementation_as_of(current_date - 8) where agreement = 'ag-bodies'),
          '{"bodies-ru partially_fulfilled 1212 1 rule","bodies-ua pending 0 0 rule"}',
          'as of eight days ago: the first stage only, and no score set by staff yet');
select is((select count(*)::int from parley.implementation_as_of(current_date - 30) where agreement = 'ag-bodies'), 0,
          'before the provisions were made, there is nothing to score');
select is((select array_agg(scope || ':' || coalesce(agreement, party, item) || ':' || provisions || ':' || implementation_pct
                            order by scope, coalesce(agreement, party, item))
             from parley.implementation_summary()),
          '{agreement:ag-bodies:2:50.0,agreement:ag-old:1:0.0,item:ceasefire:1:0.0,item:pow-exchange:2:50.0,party:Russia:2:33.3,party:Ukraine:1:33.3}',
          'rolled up per agreement, per item and per party');
select is((select implementation_pct from parley.implementation_summary(current_date - 8) where scope = 'agreement' and agreement = 'ag-bodies'),
          16.7, 'and as of any day');

-- What the other views say about agreements --------------------------------------------------------------------------

select is((select agreements_in_force from parley.track_overview where track = 'istanbul'), 'ag-bodies',
          'track_overview shows the agreements in force on the track');
select is((select agreements_in_force from parley.agenda where track = 'istanbul' and item = 'pow-exchange'), 'ag-bodies',
          'agenda shows those with a provision on the item');
select is((select agreements_in_force from parley.agenda where track = 'istanbul' and item = 'ceasefire'), null::text,
          'and none where their provisions are not');
select is((select count(*)::int from parley.open_commitments where code = 'old-truce-ru'), 0,
          'a provision of an agreement that ended is no longer owed');
select is((select count(*)::int from parley.overdue_commitments where code = 'old-truce-ru'), 0, 'nor overdue');
select is((select open from parley.commitments where code = 'old-truce-ru'), false, 'nor open');
select is((select agreement || ' ' || article from parley.commitments where code = 'bodies-ru'), 'ag-bodies 1',
          'parley.commitments names the agreement and article of a provision');
select is((select lapsed || '/' || open from parley.compliance where party = 'Russia' and track is null), '1/2',
          'compliance counts it as lapsed, not open');
select is((select made from parley.compliance where party = 'Russia' and track is null),
          (select fulfilled + partially_fulfilled + breached + open + withdrawn + superseded + lapsed
             from parley.compliance where party = 'Russia' and track is null), 'made is still the sum of all');

-- agreement_events ---------------------------------------------------------------------------------------------------

select is((select array_agg(kind order by occurred_on, kind) from parley.agreement_events where ref = 'ag-bodies'),
          array['agreement signed', 'agreement signed', 'entered into force', 'agreement renewed', 'term claimed',
                'term claimed', 'participation suspended'],
          'its history, with the timeline''s columns');
select matches((select description from parley.agreement_events where ref = 'ag-bodies' and kind = 'agreement renewed'),
               '^renewed: term 2 to [0-9-]+ \(was to end [0-9-]+\), agreed by Russia, Ukraine$', 'a renewal: old end → new end');
select is((select array_agg(kind order by occurred_on, kind) from parley.agreement_events where ref = 'ag-old'),
          array['agreement signed', 'entered into force', 'agreement expired'], 'an expiry');
select is((select count(*)::int from parley.agreement_events where ref = 'ag-draft'), 0, 'a draft of no known day has no event yet');
select is((select array_agg(kind order by occurred_on, kind) from parley.timeline where ref = 'ag-bodies'),
          (select array_agg(kind order by occurred_on, kind) from parley.agreement_events where ref = 'ag-bodies'),
          'the timeline tells the agreements'' events among the rest');
select is((select count(*)::int from parley.timeline where ref = 'ag-old' and kind = 'agreement expired' and track = 'istanbul'), 1,
          'an expiry is on the timeline of its track');

-- The calendar -------------------------------------------------------------------------------------------------------

select is((select array_agg(kind || ' ' || code || ' ' || (due_on - current_date) order by kind, code)
             from parley.calendar_entries(track => 'istanbul') where kind in ('term-end', 'objection-deadline')),
          array['objection-deadline ag-bodies/2 10', 'term-end ag-bodies/1 9', 'term-end ag-bodies/2 20', 'term-end ag-old/1 -51'],
          'the calendar holds each term''s last day and the last day to object');
select is((select count(*)::int from parley.calendar_entries(person => 'desk@example.org') where code like 'ag-bodies/%'), 3,
          'the owner''s calendar holds those of the agreement they follow');

-- Classification: a reader sees an agreement and its provisions only when cleared for the agreement -------------------

select parley.add_agreement(code => 'ag-quiet', title => 'Quiet understanding', tracks => array['istanbul'],
                            classification => 'confidential', term_length => '30 days');
select parley.sign_agreement('ag-quiet', 'UA', current_date - 5);
select parley.enter_into_force('ag-quiet', current_date - 5);
select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'UA', beneficiaries => array['RU'],
                             text => 'An open promise', made_on => current_date - 5, code => 'quiet-provision');
select parley.add_provision('ag-quiet', 'quiet-provision');
create role av_reader in role parley_reader;
create role av_confidential in role parley_reader, parley_clearance_confidential;
set local role av_reader;
select is((select count(*)::int from parley.agreements where code = 'ag-quiet'), 0, 'without clearance: no such agreement');
select is((select count(*)::int from parley.commitments where code = 'quiet-provision'), 0, 'nor its provision');
select is((select agreements_in_force from parley.track_overview where track = 'istanbul'), 'ag-bodies', 'nor in the overview');
reset role;
set local role av_confidential;
select is((select count(*)::int from parley.agreements where code = 'ag-quiet'), 1, 'cleared: the agreement');
select is((select agreements_in_force from parley.track_overview where track = 'istanbul'), 'ag-bodies, ag-quiet',
          'and in the overview');
reset role;

select * from finish();
rollback;
