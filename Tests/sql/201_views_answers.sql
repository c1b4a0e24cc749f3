-- Each staff view answers its question correctly on the shared fixture, read by a reader without clearance.
begin;
select plan(43);
\ir 200_views_fixture.psql

set local role views_reader;

-- track_overview
select is(parties, 'Russia (principal), Ukraine (principal), Türkiye (host)', 'track_overview names the parties with their roles, principals first')
  from parley.track_overview where track = 'istanbul';
select is(agenda, 'ceasefire (under_discussion), children (proposed), exchange (implementing)', 'track_overview summarises the agenda')
  from parley.track_overview where track = 'istanbul';
select is((open_commitments, overdue_commitments), (6::bigint, 3::bigint),
          'track_overview counts open and overdue commitments (not the breached one: a verdict, not a chase)')
  from parley.track_overview where track = 'istanbul';
select is((last_meeting_on, next_meeting_local, last_activity_on),
          (date '2025-06-02', (date_trunc('hour', now()) + interval '5 days') at time zone 'Europe/Istanbul',
           (select ist from fx_today) - 1),
          'track_overview gives the last meeting, the next one in local time, and the last activity')
  from parley.track_overview where track = 'istanbul';

-- agenda
select is((status, since, commitments, open_commitments, fulfilled_commitments),
          ('under_discussion'::parley.agenda_status, date '2025-05-16', 4::bigint, 2::bigint, 1::bigint),
          'agenda gives the status, since when, and the commitments on the item (open: neither fulfilled nor breached)')
  from parley.agenda where track = 'istanbul' and item = 'ceasefire';
select is(stances, 'Russia: conditional (2025-07-23); Ukraine: supports (2025-05-16)',
          'agenda gives each party''s latest stance, on the track or stated generally by a member')
  from parley.agenda where track = 'istanbul' and item = 'ceasefire';
select is(days_in_status, 60, 'agenda counts the days in the current status')
  from parley.agenda where track = 'istanbul' and item = 'children';

-- open_commitments
select is((days_left, target, delivered, progress_pct, owner, beneficiaries, status, last_update_on),
          (10, 339::numeric, 120::numeric, 35.4, 'Anna Desk'::text, 'Russia'::text, 'in_progress'::parley.commitment_status,
           (select ist from fx_today) - 1),
          'open_commitments gives days left, progress and the owner')
  from parley.open_commitments where code = 'LIST-UA';
select is(deadline_at, ((select ist from fx_today) + 11)::timestamp at time zone 'Europe/Istanbul',
          'a deadline is the end of due_on in the track''s time zone')
  from parley.open_commitments where code = 'LIST-UA';
select set_eq('select code from parley.open_commitments',
              array['BODIES-RU', 'OVER10-UA', 'OVER3-RU', 'LIST-UA', 'FAR-RU', 'QUIET-RU'],
              'open_commitments lists what is still owed, partially fulfilled ones included, breached ones not (compliance counts them)');
select is(days_left, null, 'a commitment without deadline has no days left')
  from parley.open_commitments where code = 'QUIET-RU';
select is((select array_agg(track order by track) from (select distinct track from parley.open_commitments) t),
          array['istanbul'], 'a track filter finds the track''s commitments by code');

-- overdue_commitments
select is(array_agg(code), array['BODIES-RU', 'OVER10-UA', 'OVER3-RU'],
          'overdue_commitments lists the open ones past due, most overdue first (not the breached TRUCE-RU)')
  from parley.overdue_commitments;
select is((days_overdue, days_left), (3, -3), 'days_overdue counts whole days since the deadline (days_left negative)')
  from parley.overdue_commitments where code = 'OVER3-RU';

-- due_soon
select is(array_agg(kind || ' ' || code || ' ' || days_left order by due_at),
          array['follow-up F-BRIEF 3', 'commitment LIST-UA 10'],
          'due_soon lists commitments and follow-ups due in the next 14 days, and nothing overdue or later')
  from parley.due_soon;

-- compliance
select is((made, fulfilled, partially_fulfilled, breached, open, withdrawn, assessed, score, score_pct, on_time_pct),
          (7::bigint, 2::bigint, 1::bigint, 1::bigint, 3::bigint, 0::bigint, 4::bigint, 0.25, 62.5, 40.0),
          'compliance scores a party on the G7 scale (+1, 0, −1 averaged; 0.25 is 62.5 %) with its on-time rate')
  from parley.compliance where party = 'Russia' and track = 'istanbul';
select is((made, score, score_pct), (7::bigint, 0.25, 62.5), 'compliance has an overall row per party (track empty)')
  from parley.compliance where party = 'Russia' and track is null;
select is((score, score_pct, on_time_pct), (1.00, 100.0, 50.0), 'one fulfilled of one assessed scores +1 (100 %)')
  from parley.compliance where party = 'Ukraine' and track is null;

-- upcoming_meetings
select is((meeting, days_until, local_start, open_due_before),
          ('IST-R4'::text, 5, (date_trunc('hour', now()) + interval '5 days') at time zone 'Europe/Istanbul', 3::bigint),
          'upcoming_meetings gives the local start and how many open commitments fall due before it')
  from parley.upcoming_meetings;
select is(due_before, 'BODIES-RU (2025-06-30), OVER10-UA ('
                      || (select ist from fx_today) - 10 || '), OVER3-RU (' || (select ist from fx_today) - 3 || ')',
          'upcoming_meetings lists those commitments with their deadlines')
  from parley.upcoming_meetings where meeting = 'IST-R4';

-- positions
select is((stance, stated_on, previous_stance, previous_stated_on, changed_on),
          ('conditional'::parley.stance, date '2025-07-23', 'opposes'::parley.stance, date '2025-05-16', date '2025-06-02'),
          'positions gives the latest stance, the one before it and when it changed')
  from parley.positions where party = 'Russia' and item = 'ceasefire' and track = 'istanbul';
select is((stance, previous_stance, changed_on), ('supports'::parley.stance, null::parley.stance, null::date),
          'a stance that never changed has no previous stance')
  from parley.positions where party = 'Ukraine' and item = 'ceasefire' and track is null;

-- figures, contested_figures
select is(count(*), 6::bigint, 'figures gives the latest figure of each indicator per claimant and source') from parley.figures;
select is(array_agg(value order by as_of), array[1247, 1641]::numeric[],
          'figures keeps one row per source of a claimant''s series')
  from parley.figures where indicator = 'children_returned';
select is((claims, min_value, max_value, spread, spread_pct, claims_by),
          (2::bigint, 6057::numeric, 6060::numeric, 3::numeric, 0.05, 'Ukraine: 6057 (2025-06-16); Russia: 6060 (2025-06-16)'::text),
          'contested_figures gives min, max, spread in % and who claims what')
  from parley.contested_figures where indicator = 'bodies_returned';
select is((claims, spread_pct), (2::bigint, 79.06), 'an unattributed report counts as a claim of its own source')
  from parley.contested_figures where indicator = 'children_deported';
select is(count(*), 0::bigint, 'one claimant''s series over time is not a dispute')
  from parley.contested_figures where indicator = 'children_returned';

-- timeline
select is(array_agg(kind || ' ' || n order by kind),
          array['commitment made 10', 'meeting held 2', 'position stated 3', 'status changed 3', 'update recorded 7'],
          'timeline has one row per event of the track')
  from (select kind, count(*) as n from parley.timeline where track = 'istanbul' group by kind) k;
select is(description, 'EX-RU: delivered 390 people; status → in_progress; First stage: 270 military, 120 civilians; verification: both_parties',
          'timeline describes an update in one line')
  from parley.timeline where kind = 'update recorded' and occurred_on = '2025-05-23';
select is(count(*), 6::bigint, 'timeline shows the figures reported') from parley.timeline where kind = 'figure reported';

-- follow_ups
select is(array_agg(code || ' ' || about || ' ' || overdue || ' ' || days_left order by due_at),
          array['F-CHASE commitment OVER3-RU true -1', 'F-BRIEF meeting IST-R4 false 3'],
          'follow_ups lists open follow-ups with what they are about, overdue flagged')
  from parley.follow_ups;

-- stale
select is((kind, days_quiet, threshold_days), ('commitment'::text, 60, 30), 'stale lists an open commitment quiet for 60 days')
  from parley.stale where ref = 'QUIET-RU';
select is(count(*), 0::bigint, 'a commitment updated yesterday is not stale') from parley.stale where ref = 'LIST-UA';
set local parley.stale_after_days = 90;
select is(count(*), 0::bigint, 'the session may raise the threshold (parley.stale_after_days)') from parley.stale where ref = 'QUIET-RU';
set local parley.stale_after_days = 3;
select is((select count(*) from parley.stale where kind = 'agenda item' and track = 'istanbul' and item = 'exchange'), 1::bigint,
          'a live agenda item with nothing new for longer than the threshold is stale');
reset parley.stale_after_days;

-- The stored threshold applies to everybody: administrators change it, readers and writers may not.
select throws_ok('select parley.set_stale_after_days(10)', '42501', null, 'a reader cannot change the stale threshold');
reset role;
set local role views_writer;
select throws_ok('select parley.set_stale_after_days(10)', '42501', null, 'a writer cannot change the stale threshold');
reset role;
set local role views_admin;
select throws_ok('select parley.set_stale_after_days(0)', '23514', 'days 0 is outside 1..3650', 'the threshold must be a sensible number of days');
select is(parley.set_stale_after_days(45), 45, 'an administrator sets the stale threshold');
reset role;
set local role views_reader;
select is((select distinct threshold_days from parley.stale), 45, 'the stored threshold applies to everybody');

-- whoami
select is(w, row('views_reader'::name, 'unclassified'::parley.classification, 'unclassified'::text, true, false),
          'whoami: a reader without clearance sees unclassified rows and may not record')
  from (select row(role, clearance, sees, may_read, may_record) as w from parley.whoami) x;
reset role;
set local role views_confidential;
select is((clearance, sees), ('confidential'::parley.classification, 'unclassified, restricted, confidential'::text),
          'whoami: confidential clearance implies restricted')
  from parley.whoami;
reset role;
set local role views_writer;
select is(may_record, true, 'whoami: a writer may record') from parley.whoami;
reset role;

select * from finish();
rollback;
