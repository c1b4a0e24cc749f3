-- Alerts about agreements, with the clock as a parameter: a term ending (30, 7 and 1 days before the end of its
-- last day on the agreement's clock, unless a renewal is recorded), the last day to object to an automatic renewal,
-- a term that ended with no renewal, and a party suspending or withdrawing (at once, to the owner and the
-- subscribers of every track of the agreement; not for history recorded long after the fact). Tokyo (UTC+9) and
-- New York (UTC−4 in summer) put the same last day at different moments. Provisions of an agreement that ended are
-- no longer chased.
begin;
select plan(35);

\ir 300_alert_fixture.psql

-- Only the subjects of this test: not the fixture's commitments.
delete from parley_data.commitments where code in ('CT', 'CN');
insert into parley_data.tracks (code, name, format, timezone) values ('geneva', 'Geneva contacts', 'bilateral', 'UTC');
insert into parley_data.subscriptions (person_id, track_id) values
    (pg_temp.person('fay@example.org'), (select id from parley_data.tracks where code = 'geneva'));
-- An agreement of Ukraine and Russia in force from `from_day` for `length`, owned by `owner` (null: the track's lead
-- answers for it), its first term recorded long before.
create function pg_temp.agreement(code text, tracks text[], from_day date, length interval, owner text default null,
                                  renewal parley.renewal_kind default 'by_decision', notice interval default null)
    returns void language plpgsql as $$
begin
    perform parley.add_agreement(code => code, title => 'Agreement ' || code, tracks => tracks, term_length => length,
                                 owner => owner, renewal => renewal, objection_notice => notice);
    perform parley.sign_agreement(code, 'UA', from_day);
    perform parley.sign_agreement(code, 'RU', from_day);
    perform parley.enter_into_force(code, from_day);
    update parley_data.agreement_terms t set created_at = '2030-01-01 00:00Z'
      from parley_data.agreements a where a.id = t.agreement_id and a.code = agreement.code;
end
$$;
-- Plans at a moment; returns what that plan created about one subject, as pg_temp.plan does.
create function pg_temp.planned(moment timestamptz, subject text) returns text[] language sql as $$
    select coalesce(array_agg(x order by x), '{}') from unnest(pg_temp.plan(moment)) x where x like subject || ' %';
$$;
-- The latest change of participation of an agreement, as if recorded at `moment`.
create function pg_temp.recorded_at(moment timestamptz) returns void language sql as $$
    update parley_data.agreement_participation set created_at = moment
     where id = (select max(id) from parley_data.agreement_participation);
$$;

-- A term ending in Tokyo --------------------------------------------------------------------------------------------

-- In force from 1 May 2030 for 30 days: its last day is 30 May, which ends at 2030-05-30 15:00 UTC in Tokyo.
select pg_temp.agreement('AT', array['tokyo', 'geneva'], '2030-05-01', '30 days', 'olga@example.org');
select is((select ends_on::text from parley.agreement_terms where agreement = 'AT'), '2030-05-30',
          'a 30-day term from 1 May has 30 May as its last day');
select is(pg_temp.planned('2030-04-30 14:59Z', 'AT'), '{}'::text[], 'nothing a minute before 30 days ahead (Tokyo''s clock)');
select is(pg_temp.planned('2030-04-30 15:00Z', 'AT'), array['AT term_ending term 1 ends 2030-05-30 -30 days'],
          '30 days before the end of its last day, on Tokyo''s clock');
select is(pg_temp.recipients('AT', 'term_ending', 'term 1 ends 2030-05-30 -30 days'),
          array['fay:subscription:pending', 'olga:responsible:pending', 'una:subscription:pending'],
          'to its owner and the subscribers of both its tracks (not those who want warnings only)');
select is(pg_temp.planned('2030-05-23 15:00Z', 'AT'), array['AT term_ending term 1 ends 2030-05-30 -7 days'], '7 days before');
select is(pg_temp.planned('2030-05-29 15:00Z', 'AT'), array['AT term_ending term 1 ends 2030-05-30 -1 day'], '1 day before');
select is(pg_temp.planned('2030-05-29 15:00Z', 'AT'), '{}'::text[], 'planning again at the same moment creates nothing');
select is(pg_temp.planned('2030-05-30 14:59Z', 'AT'), '{}'::text[], 'nothing before the term is over');
select is(pg_temp.planned('2030-05-30 15:00Z', 'AT'), array['AT term_expired term 1 ends 2030-05-30'],
          'at the end of its last day with no renewal recorded: expired, no renewal');
select is(pg_temp.recipients('AT', 'term_expired', 'term 1 ends 2030-05-30'),
          array['fay:subscription:pending', 'olga:responsible:pending', 'sam:subscription:pending', 'una:subscription:pending'],
          'a warning: those who want warnings hear it too');
select is(pg_temp.planned('2030-06-15 00:00Z', 'AT'), '{}'::text[], 'once');
select is(pg_temp.planned('2030-06-20 00:00Z', 'AT'), '{}'::text[], 'and only once');

-- Renewed in New York -------------------------------------------------------------------------------------------------

-- In force from 1 July 2030 for 30 days, on the New York track (restricted): its last day, 30 July, ends at
-- 2030-07-31 04:00 UTC (EDT), thirteen hours after the same day ends in Tokyo. The track's lead answers for it.
select pg_temp.agreement('AR', array['nyc'], '2030-07-01', '30 days');
select is(pg_temp.planned('2030-07-01 04:00Z', 'AR'), array['AR term_ending term 1 ends 2030-07-30 -30 days'],
          '30 days before the end of 30 July in New York');
select is(pg_temp.planned('2030-07-24 03:59Z', 'AR'), '{}'::text[], 'not yet 7 days before, on New York''s clock');
select is(pg_temp.planned('2030-07-24 04:00Z', 'AR'), array['AR term_ending term 1 ends 2030-07-30 -7 days'],
          '7 days before');
select is((select classification::text || ' ' || responsible from parley.alerts where subject = 'AR' and occurrence like '%-7 days'),
          'restricted Leo Lead', 'kept at the track''s level; the track''s lead answers for an agreement without owner');
select is(parley.renew_agreement('AR', term_length => '30 days', agreed_by => array['UA', 'RU'], agreed_on => '2030-07-25'),
          2, 'renewed on 25 July: term 2, to 29 August');
update parley_data.agreement_terms set created_at = '2030-07-25 12:00Z' where number = 2;
select is(pg_temp.planned('2030-07-25 12:00Z', 'AR'), '{}'::text[], 'the renewal announces nothing by itself');
select is((select state::text || ': ' || cancel_reason from parley.alerts where subject = 'AR' and occurrence like '%-7 days'),
          'cancelled: renewal recorded or term changed', 'the reminder about the old term, not sent yet, is cancelled');
select is(pg_temp.planned('2030-07-31 04:00Z', 'AR'), array['AR term_ending term 2 ends 2030-08-29 -30 days'],
          'no expiry of the old term: the new term''s 30-day reminder comes instead');

-- The last day to object to an automatic renewal ------------------------------------------------------------------------

-- In force from 1 August 2030 for 30 days, renewing automatically unless a party objects 10 days ahead: objections
-- are due by the end of 20 August (Tokyo).
select pg_temp.agreement('AO', array['tokyo'], '2030-08-01', '30 days', 'olga@example.org', 'automatic', '10 days');
select is((select objection_deadline_on::text from parley.agreement_terms where agreement = 'AO'), '2030-08-20',
          'the last day to object: 10 days before the end of the term');
select is(pg_temp.planned('2030-08-13 15:00Z', 'AO'),
          array['AO objection_deadline term 1 objections by 2030-08-20 -7 days', 'AO term_ending term 1 ends 2030-08-30 -30 days'],
          'a week before the end of the last day to object (and the term''s own 30-day reminder, due since 31 July)');
select is(pg_temp.planned('2030-08-19 15:00Z', 'AO'), array['AO objection_deadline term 1 objections by 2030-08-20 -1 day'],
          'and the day before it');
select is(pg_temp.recipients('AO', 'objection_deadline', 'term 1 objections by 2030-08-20 -1 day'),
          array['olga:responsible:pending', 'sam:subscription:pending', 'una:subscription:pending'], 'a warning');

-- Provisions of an agreement that ended are not chased ------------------------------------------------------------------

select pg_temp.agreement('AF', array['tokyo'], '2030-09-01', '30 days', 'olga@example.org');
insert into parley_data.commitments (code, track_id, item_id, obligor_id, text, made_on, due_on, owner_id,
                                     status_changed_on, created_at)
values ('FP', (select id from parley_data.tracks where code = 'tokyo'), (select id from parley_data.agenda_items where code = 'ceasefire'),
        (select id from parley_data.parties where code = 'RU'), 'a provision', '2030-09-01', '2030-09-25',
        pg_temp.person('olga@example.org'), '2030-09-01', '2030-09-01 00:00Z');
select parley.add_provision('AF', 'FP', '1');
select is(pg_temp.planned('2030-09-18 15:00Z', 'FP'), array['FP due_soon 2030-09-25 -7 days'],
          'a provision is chased like any commitment');
select parley.end_agreement('AF', 'terminated', '2030-09-20');
select is(pg_temp.planned('2030-09-26 00:00Z', 'FP'), '{}'::text[],
          'once its agreement ended, no reminder, no overdue: it is no longer chased');
select is(pg_temp.planned('2030-09-29 15:00Z', 'AF'), '{}'::text[], 'nor are its own terms');

-- Suspension and withdrawal, at once -----------------------------------------------------------------------------------

select pg_temp.agreement('AN', array['tokyo', 'geneva'], '2030-10-01', '90 days', 'olga@example.org');
select parley.suspend_agreement('AN', party => 'RU', announced_on => '2030-10-10');
select pg_temp.recorded_at('2030-10-10 09:00Z');
select is(pg_temp.planned('2030-10-10 09:00Z', 'AN'),
          array['AN agreement_suspended participation #' || (select max(id) from parley_data.agreement_participation)],
          'Russia suspending its participation is told at once');
select is(pg_temp.recipients('AN', 'agreement_suspended', 'participation #' || (select max(id) from parley_data.agreement_participation)),
          array['fay:subscription:pending', 'olga:responsible:pending', 'sam:subscription:pending', 'una:subscription:pending'],
          'to the owner and the subscribers of all its tracks');
select parley.withdraw_from_agreement('AN', 'RU', announced_on => '2030-10-12');
select pg_temp.recorded_at('2030-10-12 06:00Z');
select is(pg_temp.planned('2030-10-12 06:00Z', 'AN'),
          array['AN agreement_withdrawal participation #' || (select max(id) from parley_data.agreement_participation)],
          'Russia withdrawing is told at once');
select is((select severity::text from parley.alerts where kind = 'agreement_withdrawal'), 'critical', 'as critical');
select parley.suspend_agreement('AN', announced_on => '2030-10-14');
update parley_data.agreement_status_events set created_at = '2030-10-14 01:00Z'
 where id = (select max(id) from parley_data.agreement_status_events);
select is(pg_temp.planned('2030-10-14 01:00Z', 'AN'),
          array['AN agreement_suspended status #' || (select max(id) from parley_data.agreement_status_events)],
          'the whole agreement suspended is told at once too');
-- History entered long after the fact is not news.
select parley.suspend_agreement('AR', party => 'UA', announced_on => '2030-08-02');
select pg_temp.recorded_at('2030-10-15 00:00Z');
select ok(not exists (select 1 from unnest(pg_temp.planned('2030-10-15 00:00Z', 'AR')) x where x like '% agreement_suspended %'),
          'a suspension recorded ten weeks after it was announced is history, not news');

-- Rules as data --------------------------------------------------------------------------------------------------------

select is(parley.set_alert_rule(kind => 'term_ending', lead_times => '{14 days}')::text, 'term_ending',
          'term_ending''s lead times are a rule staff may change');
select throws_ok($$select parley.set_alert_rule(kind => 'term_expired', lead_times => '{14 days}')$$, '23514', null,
                 'term_expired has no lead times');

select * from finish();
rollback;
