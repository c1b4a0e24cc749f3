-- Agreements as recorded by staff: every status transition the model allows (and each one it refuses, naming the
-- field and the rule, writing nothing), parties and roles, terms and renewals, contested claims, suspensions,
-- resumptions and withdrawals (a withdrawal by an obligor closing its open provisions as breached, with the
-- withdrawal as evidence), provisions (on the agreement's tracks, one per obligor and article, frozen once the
-- agreement ended), implementation scores set by hand, and classification (an agreement above the caller's
-- clearance is one that does not exist; a provision is kept at its agreement's level; raising a track raises its
-- agreements and their provisions).
begin;
select plan(105);

\ir 100_recording_fixture.psql

-- A writer without clearance, as a login (the functions judge session_user).
create role ag_writer in role parley_writer;

-- An agreement from draft to expiry -------------------------------------------------------------------------------

select is(pg_temp.run($$select parley.add_agreement(code => 'ag-hum', title => 'Humanitarian arrangements',
                          tracks => array['istanbul', 'trilateral'], kind => 'agreement', source => 'src-1',
                          term_length => '30 days', owner => 'desk@example.org')$$),
          'ag-hum', 'add_agreement returns the code');
select is((select status || '/' || coalesce(status_since::text, '-') || '/' || timezone || '/' || classification
             from parley_data.agreements where code = 'ag-hum'),
          'drafted/-/Europe/Istanbul/unclassified', 'it is a draft of no known day, on its first track''s clock');
select is((select string_agg(t.code || ':' || l.position, ',' order by l.position) from parley_data.agreement_tracks l
             join parley_data.tracks t on t.id = l.track_id join parley_data.agreements a on a.id = l.agreement_id
            where a.code = 'ag-hum'), 'istanbul:1,trilateral:2', 'on both tracks, in the order given');
select is((select number || '/' || coalesce(starts_on::text, '-') || '/' || length from parley_data.agreement_terms t
             join parley_data.agreements a on a.id = t.agreement_id where a.code = 'ag-hum'),
          '1/-/30 days', 'its first term is 30 days from entry into force, not yet started');

-- Parties and roles.
select is(pg_temp.run($$select parley.add_agreement_party('ag-hum', 'TR', 'mediator')$$), 'ag-hum', 'a mediator');
select is(pg_temp.refusal($$select parley.sign_agreement('ag-hum', 'TR', '2025-06-02')$$),
          '23514 role agreement_parties_compatible_roles', 'the mediator cannot sign as a signatory too');
select is(pg_temp.refusal($$select parley.add_agreement_party('ag-hum', 'TR', 'observer')$$),
          '23514 role agreement_parties_compatible_roles', 'nor be its observer');
select is(pg_temp.refusal($$select parley.add_agreement_party('ag-hum', 'TR', 'mediator')$$),
          '23505 role agreement_parties_pkey', 'nor be recorded twice in one role');
select is(pg_temp.refusal($$select parley.add_agreement_party('ag-hum', 'XX', 'observer')$$),
          '23503 party party_exists', 'an unknown party is refused by name');
select is(pg_temp.violation($$insert into parley_data.agreement_parties (agreement_id, party_id, role, classification)
                              select a.id, p.id, 'signatory', 'unclassified' from parley_data.agreements a, parley_data.parties p
                               where a.code = 'ag-hum' and p.code = 'TR'$$),
          '23514 agreement_parties_compatible_roles', 'the table refuses conflicting roles too');

-- drafted → signed: the first signatory's signature.
select is(pg_temp.run($$select parley.sign_agreement('ag-hum', 'UA', '2025-06-02', signed_at => 'Istanbul')$$), 'ag-hum',
          'Ukraine signs');
select is((select status || '/' || status_since || '/' || signed_on || '/' || signed_at from parley_data.agreements where code = 'ag-hum'),
          'signed/2025-06-02/2025-06-02/Istanbul', 'drafted → signed, on the day of the first signature, where it was signed');
select is(pg_temp.run($$select parley.sign_agreement('ag-hum', 'RU', '2025-06-03')$$), 'ag-hum', 'Russia signs a day later');
select is((select status::text from parley_data.agreements where code = 'ag-hum'), 'signed', 'still signed');
select is(pg_temp.refusal($$select parley.sign_agreement('ag-hum', 'RU', '2025-06-04')$$),
          '23505 party agreement_parties_signed_once', 'a party signs once in a role');
select is(pg_temp.run($$select parley.sign_agreement('ag-hum', 'US', '2025-06-03', role => 'guarantor')$$), 'ag-hum',
          'a guarantor signs');
select is((select string_agg(p.code || ':' || x.role || ':' || coalesce(x.signed_on::text, '-'), ',' order by p.code, x.role)
             from parley_data.agreement_parties x join parley_data.parties p on p.id = x.party_id
             join parley_data.agreements a on a.id = x.agreement_id where a.code = 'ag-hum'),
          'RU:signatory:2025-06-03,TR:mediator:-,UA:signatory:2025-06-02,US:guarantor:2025-06-03',
          'each party with its role and its own day of signature');

-- signed → in force.
select is(pg_temp.refusal($$select parley.enter_into_force('ag-hum', '2025-06-01')$$),
          '23514 in_force_on agreements_in_force_after_signature', 'not before it was signed');
select is(pg_temp.run($$select parley.enter_into_force('ag-hum', '2025-06-02', source => 'src-1')$$), 'ag-hum',
          'it enters into force');
select is((select status || '/' || in_force_on from parley_data.agreements where code = 'ag-hum'), 'in_force/2025-06-02',
          'signed → in force');
select is((select starts_on || '..' || ends_on from parley_data.agreement_terms t join parley_data.agreements a on a.id = t.agreement_id
            where a.code = 'ag-hum' and t.number = 1), '2025-06-02..2025-07-01',
          'its first term starts that day and runs 30 days (2 June is its first day, 1 July its last)');
select is(pg_temp.refusal($$select parley.enter_into_force('ag-hum', '2025-06-05')$$),
          '23514 agreement agreement_status_transition', 'in force once');

-- in force ⇄ suspended.
select is(pg_temp.refusal($$select parley.resume_agreement('ag-hum', announced_on => '2025-06-05')$$),
          '23514 agreement agreement_status_transition', 'an agreement in force cannot be resumed');
select is(pg_temp.run($$select parley.suspend_agreement('ag-hum', announced_on => '2025-06-10', source => 'src-1')$$),
          'ag-hum', 'it is suspended');
select is((select status || '/' || status_since from parley_data.agreements where code = 'ag-hum'), 'suspended/2025-06-10',
          'in force → suspended');
select is(pg_temp.refusal($$select parley.suspend_agreement('ag-hum', announced_on => '2025-06-11')$$),
          '23514 agreement agreement_status_transition', 'a suspended agreement cannot be suspended again');
select is(pg_temp.refusal($$select parley.enter_into_force('ag-hum', '2025-06-12')$$),
          '23514 agreement agreement_status_transition', 'a suspended agreement comes back by resumption, not entry into force');
select is(pg_temp.refusal($$select parley.resume_agreement('ag-hum', announced_on => '2025-06-09')$$),
          '23514 effective_on agreement_status_in_order', 'not before it was suspended');
select is(pg_temp.run($$select parley.resume_agreement('ag-hum', announced_on => '2025-06-12')$$), 'ag-hum', 'it is resumed');
select is((select status || '/' || status_since from parley_data.agreements where code = 'ag-hum'), 'in_force/2025-06-12',
          'suspended → in force');

-- Renewals.
select is(pg_temp.refusal($$select parley.renew_agreement('ag-hum', term_length => '30 days', agreed_by => array['TR', 'QA'])$$),
          '23503 agreed_by party_exists', 'an unknown party among those who agreed is refused');
select is(pg_temp.refusal($$select parley.renew_agreement('ag-hum', ends_on => '2025-06-30', agreed_on => '2025-06-20')$$),
          '23514 ends_on renewal_extends_term', 'a renewal runs beyond the current term');
select is(pg_temp.refusal($$select parley.renew_agreement('ag-hum', agreed_on => '2025-06-20')$$),
          '23502 ends_on renewal_end_given', 'a renewal says how far it runs');
select is(pg_temp.refusal($$select parley.renew_agreement('ag-hum', term_length => '30 days', agreed_on => '2025-05-01')$$),
          '23514 agreed_on renewal_agreed_in_force', 'a renewal is agreed after entry into force');
select is(pg_temp.refusal($$select parley.renew_agreement('ag-hum', term_length => '30 days', objection_notice => '10 days', agreed_on => '2025-06-20')$$),
          '23514 objection_notice agreement_terms_notice_when_automatic', 'a notice to object belongs to an automatic renewal');
select is(pg_temp.run($$select parley.renew_agreement('ag-hum', term_length => '30 days', agreed_by => array['UA', 'RU'],
                          agreed_on => '2025-06-25', source => 'src-1')$$), '2', 'renewed: term 2');
select is((select starts_on || '..' || ends_on || '/' || agreed_on from parley_data.agreement_terms t
             join parley_data.agreements a on a.id = t.agreement_id where a.code = 'ag-hum' and t.number = 2),
          '2025-07-02..2025-07-31/2025-06-25', 'from the day after the first term, for 30 days, agreed on the day given');
select is((select string_agg(p.code, ',' order by p.code) from parley_data.agreement_term_parties x
             join parley_data.parties p on p.id = x.party_id join parley_data.agreements a on a.id = x.agreement_id
            where a.code = 'ag-hum' and x.term_number = 2), 'RU,UA', 'with who agreed it');
select is(pg_temp.run($$select parley.renew_agreement('ag-hum', ends_on => '2025-12-31', renewal => 'automatic',
                          objection_notice => '30 days', agreed_by => array['UA', 'RU'], agreed_on => '2025-07-20')$$),
          '3', 'renewed again, now automatically unless a party objects');

-- Contested claims about a term.
select is(pg_temp.refusal($$select parley.claim_term('ag-hum', 'QA', ends_on => '2025-12-01')$$),
          '23503 claimant party_exists', 'a claimant must be a known party');
select is(pg_temp.refusal($$select parley.claim_term('ag-hum', 'UA', term => 9, ends_on => '2025-12-01')$$),
          '23503 term agreement_term_exists', 'about a term that exists');
select is(pg_temp.refusal($$select parley.claim_term('ag-hum', 'UA', statement => 'no')$$),
          '23502 ends_on agreement_term_claims_says_something', 'saying something about the term');
select ok(pg_temp.run($$select parley.claim_term('ag-hum', 'RU', stated_on => '2025-07-21', ends_on => '2025-10-31',
                          statement => 'Three months only', source => 'src-1')$$) ~ '^\d+$',
          'Russia says the renewal runs to the end of October');
select is((select term_number || '/' || ends_on from parley_data.agreement_term_claims c
             join parley_data.agreements a on a.id = c.agreement_id where a.code = 'ag-hum'),
          '3/2025-10-31', 'the claim is about the current term');

-- Ending.
select is(pg_temp.refusal($$select parley.end_agreement('ag-hum', 'in_force', '2025-08-01')$$),
          '23514 status agreement_end_status', 'an agreement ends as expired, terminated or superseded');
select is(pg_temp.refusal($$select parley.end_agreement('ag-hum', 'expired', '2025-06-01')$$),
          '23514 ended_on agreements_ended_after_in_force', 'not before it entered into force');
select is(pg_temp.refusal($$select parley.end_agreement('ag-hum', 'terminated', '2025-08-01', superseded_by => 'ag-hum')$$),
          '23514 superseded_by agreement_superseded_by_when_superseded', 'superseded_by goes with superseded');
select is(pg_temp.run($$select parley.end_agreement('ag-hum', 'expired', '2026-01-01', source => 'src-1')$$), 'ag-hum',
          'it expires');
select is((select status || '/' || ended_on from parley_data.agreements where code = 'ag-hum'), 'expired/2026-01-01',
          'in force → expired');
select is((select string_agg(e.status || '@' || coalesce(e.happened_on::text, '-'), ' ' order by e.id)
             from parley_data.agreement_status_events e join parley_data.agreements a on a.id = e.agreement_id
            where a.code = 'ag-hum'),
          'drafted@- signed@2025-06-02 in_force@2025-06-02 suspended@2025-06-10 in_force@2025-06-12 expired@2026-01-01',
          'its dated history');
select is(pg_temp.refusal($$select parley.renew_agreement('ag-hum', term_length => '30 days', agreed_on => '2026-01-02')$$),
          '23514 agreement agreement_has_ended', 'an agreement that ended is not renewed');
select is(pg_temp.refusal($$select parley.suspend_agreement('ag-hum', announced_on => '2026-01-02')$$),
          '23514 agreement agreement_has_ended', 'nor suspended');
select is(pg_temp.refusal($$select parley.withdraw_from_agreement('ag-hum', 'RU', announced_on => '2026-01-02')$$),
          '23514 agreement agreement_has_ended', 'nor withdrawn from');
select is(pg_temp.refusal($$select parley.end_agreement('ag-hum', 'terminated', '2026-01-02')$$),
          '23514 agreement agreement_has_ended', 'nor ended twice');
select is(pg_temp.refusal($$select parley.sign_agreement('ag-hum', 'US', '2026-01-02', role => 'witness')$$),
          '23514 agreement agreement_has_ended', 'nor signed');
select is(pg_temp.violation($$update parley_data.agreements set status = 'in_force' where code = 'ag-hum'$$),
          '23514 agreement_status_transition', 'the table refuses a status change the transitions do not allow');

-- Drafts: what they may and may not become.
select parley.add_agreement(code => 'ag-draft', title => 'A draft', tracks => array['istanbul'], kind => 'memorandum',
                            drafted_on => '2025-06-01');
select is(pg_temp.refusal($$select parley.end_agreement('ag-draft', 'expired', '2025-06-05')$$),
          '23514 status agreement_status_transition', 'a draft never in force cannot expire');
select is(pg_temp.refusal($$select parley.suspend_agreement('ag-draft', announced_on => '2025-06-05')$$),
          '23514 agreement agreement_status_transition', 'nor be suspended');
select is(pg_temp.refusal($$select parley.renew_agreement('ag-draft', term_length => '30 days')$$),
          '23514 agreement agreement_renewed_in_force', 'nor renewed');
select parley.add_agreement_party('ag-draft', 'RU', 'signatory');
select is(pg_temp.refusal($$select parley.withdraw_from_agreement('ag-draft', 'RU', announced_on => '2025-06-05')$$),
          '23514 agreement participation_after_signature', 'nobody withdraws from a draft nobody signed');
select is(pg_temp.refusal($$select parley.sign_agreement('ag-draft', 'UA', '2025-05-31')$$),
          '23514 signed_on agreement_status_in_order', 'a draft is signed on or after the day it was drafted');
select is(pg_temp.run($$select parley.add_agreement(code => 'ag-draft-2', title => 'The second draft', tracks => array['istanbul'])$$),
          'ag-draft-2', 'a second draft');
select is(pg_temp.run($$select parley.end_agreement('ag-draft', 'superseded', '2025-06-10', superseded_by => 'ag-draft-2')$$),
          'ag-draft', 'the first draft is superseded by it');
select is((select r.relation::text from parley_data.agreement_relations r join parley_data.agreements a on a.id = r.agreement_id
             join parley_data.agreements b on b.id = r.related_id where a.code = 'ag-draft-2' and b.code = 'ag-draft'),
          'supersedes', 'and the relation says so');
select is(pg_temp.run($$select parley.end_agreement('ag-draft-2', 'terminated', '2025-06-20')$$), 'ag-draft-2',
          'a draft may be abandoned (terminated)');

-- Relations.
select parley.add_agreement(code => 'ag-side-a', title => 'Side A text', tracks => array['trilateral']);
select parley.add_agreement(code => 'ag-side-b', title => 'Side B text', tracks => array['trilateral']);
select is(pg_temp.run($$select parley.relate_agreements('ag-side-a', 'mirrors', 'ag-side-b')$$), 'ag-side-a', 'two mirror texts');
select is(pg_temp.refusal($$select parley.relate_agreements('ag-side-b', 'mirrors', 'ag-side-a')$$),
          '23505 related agreement_relations_pkey', 'mirroring goes both ways: recorded once');
select is(pg_temp.refusal($$select parley.relate_agreements('ag-side-a', 'amends', 'ag-side-a')$$),
          '23514 related agreement_relations_not_itself', 'an agreement does not amend itself');

-- Participation and withdrawal --------------------------------------------------------------------------------------

select parley.add_agreement(code => 'ag-swap', title => 'Exchange arrangement', tracks => array['istanbul']);
select parley.sign_agreement('ag-swap', 'UA', '2025-05-16');
select parley.sign_agreement('ag-swap', 'RU', '2025-05-17');
select parley.enter_into_force('ag-swap', '2025-05-17');
select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU', beneficiaries => array['UA'],
                             text => 'Return 6,000 bodies', made_on => '2025-05-17', code => 'swap-bodies-ru');
select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'UA', beneficiaries => array['RU'],
                             text => 'Return 6,000 bodies', made_on => '2025-05-17', code => 'swap-bodies-ua');
select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'RU', beneficiaries => array['UA'],
                             text => 'Hand over the lists', made_on => '2025-05-17', code => 'swap-lists-ru');
select parley.add_commitment(track => 'trilateral', item => 'pow-exchange', obligor => 'RU', beneficiaries => array['UA'],
                             text => 'Elsewhere', made_on => '2025-05-17', code => 'tri-other')
  from (select parley.set_agenda_status(track => 'trilateral', item => 'pow-exchange', status => 'agreed')) x;

-- Provisions.
select is(pg_temp.refusal($$select parley.add_provision('ag-swap', 'tri-other', '1')$$),
          '23503 agreement commitments_provision_on_agreement_track',
          'a commitment on another track is no provision of this agreement');
select is(pg_temp.run($$select parley.add_provision('ag-swap', 'swap-bodies-ru', '2')$$), 'swap-bodies-ru', 'article 2, Russia''s side');
select is(pg_temp.run($$select parley.add_provision('ag-swap', 'swap-bodies-ua', '2')$$), 'swap-bodies-ua',
          'article 2 carries Ukraine''s side too: one commitment per obligor');
select is(pg_temp.refusal($$select parley.add_provision('ag-swap', 'swap-lists-ru', '2')$$),
          '23505 article commitments_one_per_obligor_in_provision', 'but not a second one of Russia''s');
select is(pg_temp.refusal($$select parley.add_provision('ag-side-a', 'swap-bodies-ru')$$),
          '23505 commitment commitments_one_agreement', 'a commitment is a provision of one agreement');
select is(pg_temp.run($$select parley.add_provision('ag-swap', 'swap-lists-ru', '3')$$), 'swap-lists-ru', 'article 3');
select parley.record_update(commitment => 'swap-lists-ru', reported_on => '2025-05-20', new_status => 'fulfilled',
                            note => 'Lists handed over');

-- Suspension and resumption of one party's participation.
select is(pg_temp.refusal($$select parley.suspend_agreement('ag-swap', party => 'US', announced_on => '2025-06-01')$$),
          '23503 party agreement_party_exists', 'only a party to it suspends its participation');
select is(pg_temp.refusal($$select parley.suspend_agreement('ag-swap', party => 'RU', announced_on => '2025-05-16')$$),
          '23514 effective_on participation_after_signature', 'not before it signed');
select is(pg_temp.refusal($$select parley.resume_agreement('ag-swap', party => 'RU', announced_on => '2025-06-01')$$),
          '23514 party participation_suspended', 'a party that did not suspend has nothing to resume');
select is(pg_temp.run($$select parley.suspend_agreement('ag-swap', party => 'RU', announced_on => '2025-06-01', source => 'src-1')$$),
          'ag-swap', 'Russia suspends its participation');
select is((select status::text from parley_data.agreements where code = 'ag-swap'), 'in_force',
          'the agreement itself stays in force');
select is(pg_temp.refusal($$select parley.suspend_agreement('ag-swap', party => 'RU', announced_on => '2025-06-02')$$),
          '23514 party participation_not_suspended', 'a suspended party does not suspend again');
select is(pg_temp.run($$select parley.resume_agreement('ag-swap', party => 'RU', announced_on => '2025-06-05')$$),
          'ag-swap', 'and resumes it');

-- Withdrawal: the obligor's open provisions close as breached, citing the withdrawal.
select is(pg_temp.refusal($$select parley.withdraw_from_agreement('ag-swap', 'RU', announced_on => '2025-06-10', provisions => 'in_progress')$$),
          '23514 provisions agreement_participation_closed_status', 'provisions close as a closed status');
select is(pg_temp.refusal($$select parley.withdraw_from_agreement('ag-swap', 'RU', announced_on => '2025-06-03')$$),
          '23514 effective_on participation_in_order', 'not before its last change of participation');
select is(pg_temp.run($$select parley.withdraw_from_agreement('ag-swap', 'RU', announced_on => '2025-06-10',
                          effective_on => '2025-06-20', source => 'src-1', note => 'Says the exchange is over')$$),
          'ag-swap', 'Russia withdraws');
select is((select string_agg(code || ':' || status, ',' order by code) from parley_data.commitments where code like 'swap-%'),
          'swap-bodies-ru:breached,swap-bodies-ua:pending,swap-lists-ru:fulfilled',
          'its open provision is breached; the fulfilled one and the other side''s stay as they were');
select is((select u.reported_on || ' ' || u.verification || ' ' || s.code || ' ' || u.note from parley_data.commitment_updates u
             join parley_data.commitments c on c.id = u.commitment_id join parley_data.sources s on s.id = u.source_id
            where c.code = 'swap-bodies-ru'),
          '2025-06-20 one_party src-1 Russia withdrew from agreement ag-swap (announced 2025-06-10, effective 2025-06-20): Says the exchange is over',
          'with an update that cites the withdrawal as its evidence');
select is(pg_temp.refusal($$select parley.suspend_agreement('ag-swap', party => 'RU', announced_on => '2025-07-01')$$),
          '23514 party participation_withdrawn', 'a withdrawal is final for that party');
select is(pg_temp.run($$select parley.withdraw_from_agreement('ag-swap', 'UA', announced_on => '2025-06-21', provisions => null)$$),
          'ag-swap', 'Ukraine withdraws too, staff saying its provisions stay as they are');
select is((select status::text from parley_data.commitments where code = 'swap-bodies-ua'), 'pending', 'they do');

-- An agreement that ended: its provisions are frozen.
select is(pg_temp.run($$select parley.end_agreement('ag-swap', 'terminated', '2025-07-01')$$), 'ag-swap', 'it is terminated');
select is((select frozen_on::text from parley_data.commitments where code = 'swap-bodies-ua'), '2025-07-01',
          'its provisions are frozen from that day');
select is(pg_temp.refusal($$select parley.record_update(commitment => 'swap-bodies-ua', reported_on => '2025-07-05', new_status => 'fulfilled')$$),
          '23514 reported_on provision_frozen', 'a report of what happened after it ended is refused');
select ok(pg_temp.run($$select parley.record_update(commitment => 'swap-bodies-ua', reported_on => '2025-06-30', delivered => 10)$$) ~ '^\d+$',
          'a report of what happened while it was in force is taken');

-- Implementation scores by hand.
select is(pg_temp.refusal($$select parley.override_implementation('swap-bodies-ua', 4, 'src-1')$$),
          '23514 score implementation_overrides_score_range', 'a score is 0 to 3');
select is(pg_temp.refusal($$select parley.override_implementation('swap-bodies-ua', 2, null)$$),
          '23502 source source_required', 'and needs a source');
select is(pg_temp.refusal($$select parley.override_implementation('pow-ru', 2, 'src-1')$$),
          '23514 commitment provision_of_agreement', 'for a provision of an agreement only');
select ok(pg_temp.run($$select parley.override_implementation('swap-bodies-ua', 1, 'src-1', as_of => '2025-06-30')$$) ~ '^\d+$',
          'staff score a provision, with a source');

-- Classification ----------------------------------------------------------------------------------------------------

select parley.add_agreement(code => 'ag-quiet', title => 'Quiet understanding', tracks => array['istanbul'],
                            classification => 'secret');
select is(pg_temp.refusal($$select parley.sign_agreement('ag-quiet', 'UA')$$, 'parley_writer', 'ag_writer'),
          '23503 agreement agreement_exists', 'to a writer without clearance a secret agreement does not exist');
select is(pg_temp.run($$select parley.add_agreement(code => 'ag-quiet', title => 'Mine', tracks => array['istanbul'])$$,
                      'parley_writer', 'ag_writer'),
          'ag-quiet', 'and its code is free at their level');
select is(pg_temp.refusal($$select parley.add_agreement(code => 'ag-x', title => 'X', tracks => array['secret-track'])$$,
                          'parley_writer', 'ag_writer'),
          '23503 tracks track_exists', 'a track they may not see names nothing');
select parley.add_agreement(code => 'ag-back', title => 'Back-channel text', tracks => array['istanbul', 'secret-track']);
select is((select classification::text from parley_data.agreements where code = 'ag-back'), 'secret',
          'an agreement on a secret track is kept at secret');
select parley.add_commitment(track => 'istanbul', item => 'pow-exchange', obligor => 'UA', beneficiaries => array['RU'],
                             text => 'An open promise', made_on => '2025-06-01', code => 'open-promise');
select parley.add_provision('ag-back', 'open-promise');
select is((select effective_classification || '/' || classification from parley_data.commitments where code = 'open-promise'),
          'secret/unclassified', 'its provision is kept at its level: the provision names it');
select parley.remove_provision('open-promise');
select is((select effective_classification || '/' || classification || '/' || coalesce(agreement_id::text, '-')
             from parley_data.commitments where code = 'open-promise'),
          'secret/secret/-', 'taken out again, it stays at the level it was kept at');
select parley.add_agreement(code => 'ag-rise', title => 'Open, then confidential', tracks => array['trilateral']);
select parley.add_commitment(track => 'trilateral', item => 'pow-exchange', obligor => 'UA', beneficiaries => array['RU'],
                             text => 'A provision', made_on => '2025-06-01', code => 'rise-c');
select parley.add_provision('ag-rise', 'rise-c');
select parley.update_track('trilateral', classification => 'confidential');
select is((select a.classification || '/' || c.effective_classification from parley_data.agreements a, parley_data.commitments c
            where a.code = 'ag-rise' and c.code = 'rise-c'),
          'confidential/confidential', 'raising a track raises its agreements and their provisions');
select is(pg_temp.refusal($$select parley.declassify('agreement', 'ag-rise', 'unclassified', 'released')$$),
          '23514 classification agreements_cover_tracks', 'an agreement is not declassified below its tracks');

select * from finish();
rollback;
