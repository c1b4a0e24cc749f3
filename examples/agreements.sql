-- Parley demo scenario, part two: the agreements the demo's tracks produced, recorded through the staff's own
-- functions on top of examples/demo.yaml (parley export then writes them in the document format, docs/import-format.md).
--
--   parley import examples/demo.yaml && psql -X -v ON_ERROR_STOP=1 -f examples/agreements.sql
--
-- (make run does both once, into an empty database.) Every fact cites its source; the sources that demo.yaml does
-- not already hold are added here. What is real and what is not:
--   * The dates, parties, terms and endings are those of the sources. Several are partisan (TASS, the Kremlin's
--     statements as reported by Pravda.ru); the moratorium's implementation is contested and scored as such, each
--     score citing the side's accusation it rests on.
--   * The energy moratorium of March 2025 predates the trilateral track's meetings but was brokered by the same
--     mediator between the same sides; it is kept on that track so that the demo has one fixed-term arrangement.
--   * The agreements' owners are the demo's invented staff.
begin;
set local search_path = parley, pg_catalog;

select add_source(code => 'pravda-2025-05-28', title => 'Umerov hands over Ukraine''s document to Russia, awaits Russian "memorandum"',
                  publisher => 'Ukrainska Pravda', url => 'https://www.pravda.com.ua/eng/news/2025/05/28/7514538/',
                  published_on => '2025-05-28');
select add_source(code => 'interfax-1076721', title => 'Umerov: Russia only today hands over ''its document'' on ceasefire',
                  publisher => 'Interfax-Ukraine', url => 'https://en.interfax.com.ua/news/general/1076721.html',
                  published_on => '2025-06-02');
select add_source(code => 'kyivindependent-2025-03-18', title => 'Trump-Putin call: Russia agrees to 30-day pause of energy infrastructure strikes',
                  publisher => 'The Kyiv Independent',
                  url => 'https://kyivindependent.com/trump-putin-call-russia-agrees-to-30-day-pause-of-energy-infrastructure-strikes/',
                  published_on => '2025-03-18');
select add_source(code => 'pravdaru-2025-04-17', title => 'Russia says moratorium on strikes targeting Ukraine''s energy infrastructure expires',
                  publisher => 'Pravda.ru (Russian media)', url => 'https://english.pravda.ru/news/world/162103-energy-strikes-moratorium',
                  published_on => '2025-04-17', note => 'Russian media; gives the Kremlin''s count of the term.');
select add_source(code => 'moscowtimes-2025-04-18', title => 'Pause in air strikes on Ukraine''s energy grid has expired, Kremlin says',
                  publisher => 'The Moscow Times',
                  url => 'https://themoscowtimes.com/2025/04/18/pause-in-air-strikes-on-ukraines-energy-grid-has-expired-kremlin-says-a88791',
                  published_on => '2025-04-18');

-- Istanbul, round 2 (2 June 2025): the memoranda each side presented. Ukraine handed its document with its terms
-- for a ceasefire to Russia's delegation on 28 May; Russia handed over its two-part "memorandum" at the meeting.
-- Neither was signed by the other side: they stay drafts, each by its author.
select add_agreement(code => 'ist-memo-ua', title => 'Ukraine''s memorandum on the terms of a ceasefire',
                     tracks => array['istanbul'], kind => 'memorandum', owner => 'ukraine.desk@example.org',
                     source => 'pravda-2025-05-28', drafted_on => '2025-05-28',
                     summary => 'Ukraine''s position: a full and unconditional ceasefire, then talks; handed to the head of Russia''s delegation.');
select add_agreement_party(agreement => 'ist-memo-ua', party => 'UA', role => 'signatory', note => 'Its author.');
select add_agreement(code => 'ist-memo-ru', title => 'Russia''s memorandum on a ceasefire and a settlement',
                     tracks => array['istanbul'], kind => 'memorandum', owner => 'ukraine.desk@example.org',
                     source => 'interfax-1076721', drafted_on => '2025-06-02',
                     summary => 'Two parts, as Medinsky described it: how to reach a long-term peace, and the steps towards a ceasefire. Ukraine took a week to study it.');
select add_agreement_party(agreement => 'ist-memo-ru', party => 'RU', role => 'signatory', note => 'Its author.');
select add_agreement_party(agreement => 'ist-memo-ru', party => 'TR', role => 'witness', note => 'Handed over through the Turkish side.');

-- Istanbul, round 2: the humanitarian arrangements, agreed at the meeting and in force from that day, with no end
-- date: the exchange of the severely wounded and ill and of those aged 18–25, and the 6,000-for-6,000 return of
-- bodies. Their provisions are the commitments demo.yaml records.
select add_agreement(code => 'ist-humanitarian', title => 'Istanbul humanitarian arrangements (exchanges and the return of bodies)',
                     tracks => array['istanbul'], kind => 'announced_understanding', owner => 'ukraine.desk@example.org',
                     source => 'pravda-2025-06-02',
                     summary => 'All-for-all exchange of the severely wounded and ill and of those aged 18–25; 6,000-for-6,000 return of bodies.');
select add_agreement_party(agreement => 'ist-humanitarian', party => 'TR', role => 'mediator', note => 'Host; chaired by Hakan Fidan.');
select sign_agreement(agreement => 'ist-humanitarian', party => 'UA', signed_on => '2025-06-02', signed_at => 'Çırağan Palace, Istanbul',
                      source => 'pravda-2025-06-02');
select sign_agreement(agreement => 'ist-humanitarian', party => 'RU', signed_on => '2025-06-02', signed_at => 'Çırağan Palace, Istanbul',
                      source => 'pravda-2025-06-02');
select enter_into_force(agreement => 'ist-humanitarian', in_force_on => '2025-06-02', source => 'pravda-2025-06-02');
select add_provision(agreement => 'ist-humanitarian', commitment => 'ist-r2-wounded-ru', article => 'Exchanges');
select add_provision(agreement => 'ist-humanitarian', commitment => 'ist-r2-wounded-ua', article => 'Exchanges');
select add_provision(agreement => 'ist-humanitarian', commitment => 'ist-r2-bodies-ru', article => 'Return of bodies');
select add_provision(agreement => 'ist-humanitarian', commitment => 'ist-r2-bodies-ua', article => 'Return of bodies');

-- Abu Dhabi (4–5 February 2026): the trilateral track's exchange arrangement, the 157-for-157 swap, carried out
-- the day it was agreed.
select add_agreement(code => 'tri-exchange', title => 'Abu Dhabi exchange arrangement (157 for 157)',
                     tracks => array['trilateral'], kind => 'announced_understanding', owner => 'head.of.unit@example.org',
                     source => 'turkiyetoday-2026-02');
select add_agreement_party(agreement => 'tri-exchange', party => 'US', role => 'mediator');
select add_agreement_party(agreement => 'tri-exchange', party => 'AE', role => 'witness', note => 'Host.');
select sign_agreement(agreement => 'tri-exchange', party => 'UA', signed_on => '2026-02-05', signed_at => 'Abu Dhabi',
                      source => 'turkiyetoday-2026-02');
select sign_agreement(agreement => 'tri-exchange', party => 'RU', signed_on => '2026-02-05', signed_at => 'Abu Dhabi',
                      source => 'turkiyetoday-2026-02');
select enter_into_force(agreement => 'tri-exchange', in_force_on => '2026-02-05', source => 'turkiyetoday-2026-02');
select add_provision(agreement => 'tri-exchange', commitment => 'tri-swap-ru', article => 'Exchange');
select add_provision(agreement => 'tri-exchange', commitment => 'tri-swap-ua', article => 'Exchange');

-- The 30-day moratorium on strikes on energy infrastructure: proposed by the United States in the Trump–Putin call
-- of 18 March 2025 and ordered by Russia that day; a 30-day term from 18 March runs to the end of 16 April. The
-- Kremlin said on 17–18 April that it had expired and that no new order was given. Both sides accused each other
-- of striking energy sites throughout: its implementation is contested.
select add_agreement(code => 'energy-moratorium', title => '30-day moratorium on strikes on energy infrastructure',
                     tracks => array['trilateral'], kind => 'ceasefire_arrangement', owner => 'head.of.unit@example.org',
                     source => 'kyivindependent-2025-03-18', term_length => '30 days', renewal => 'by_decision',
                     summary => 'A mutual refusal to strike energy infrastructure for 30 days, proposed by the United States.');
select add_agreement_party(agreement => 'energy-moratorium', party => 'US', role => 'mediator', note => 'Proposed it.');
select sign_agreement(agreement => 'energy-moratorium', party => 'RU', signed_on => '2025-03-18',
                      source => 'kyivindependent-2025-03-18', note => 'Putin "immediately gave the appropriate command" (Kremlin readout).');
select sign_agreement(agreement => 'energy-moratorium', party => 'UA', signed_on => '2025-03-18',
                      source => 'moscowtimes-2025-04-18', note => 'Both sides agreed to halt strikes on each other''s energy infrastructure.');
select enter_into_force(agreement => 'energy-moratorium', in_force_on => '2025-03-18', source => 'kyivindependent-2025-03-18');
select claim_term(agreement => 'energy-moratorium', claimant => 'RU', stated_on => '2025-04-17', term => 1,
                  starts_on => '2025-03-18', term_length => '30 days',
                  statement => 'Counting from 18 March, the moratorium expired on 16 April; no new directives (Peskov).',
                  source => 'pravdaru-2025-04-17');
select add_commitment(track => 'trilateral', item => 'ceasefire', obligor => 'RU', beneficiaries => array['UA'],
                      text => 'Refrain from strikes on Ukraine''s energy infrastructure for 30 days.', made_on => '2025-03-18',
                      due_on => '2025-04-16', code => 'energy-moratorium-ru', owner => 'head.of.unit@example.org',
                      source => 'kyivindependent-2025-03-18');
select add_commitment(track => 'trilateral', item => 'ceasefire', obligor => 'UA', beneficiaries => array['RU'],
                      text => 'Refrain from strikes on Russia''s energy infrastructure for 30 days.', made_on => '2025-03-18',
                      due_on => '2025-04-16', code => 'energy-moratorium-ua', owner => 'head.of.unit@example.org',
                      source => 'moscowtimes-2025-04-18');
select add_provision(agreement => 'energy-moratorium', commitment => 'energy-moratorium-ru', article => 'Moratorium');
select add_provision(agreement => 'energy-moratorium', commitment => 'energy-moratorium-ua', article => 'Moratorium');
select override_implementation(commitment => 'energy-moratorium-ru', score => 1, source => 'moscowtimes-2025-04-18',
                               as_of => '2025-04-18',
                               note => 'Contested: Ukraine accused Russia of strikes on energy sites throughout; Zelensky called the pause hollow.');
select override_implementation(commitment => 'energy-moratorium-ua', score => 1, source => 'pravdaru-2025-04-17',
                               as_of => '2025-04-17',
                               note => 'Contested: Russia accused Ukraine of violating the moratorium and took it to the UN Security Council.');
select end_agreement(agreement => 'energy-moratorium', status => 'expired', ended_on => '2025-04-17',
                     source => 'moscowtimes-2025-04-18', note => '"A month has indeed passed" (Peskov); no instruction to extend it.');

commit;
