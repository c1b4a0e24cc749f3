-- An alert carries its subject's classification, which decides who may see it and who may be mailed its details.
-- When the subject is reclassified, the alert follows at once (not at the next plan: the daemon may be stopped),
-- and a claim never hands a delivery to a person no longer cleared for it or no longer active.
begin;
select plan(8);

select parley.add_person(email => 'low@mfa.example', name => 'Low', clearance => 'unclassified');
select parley.add_person(email => 'high@mfa.example', name => 'High', clearance => 'secret');
select parley.add_subscription(person => 'high@mfa.example');
select parley.add_party(code => 'UA', name => 'Ukraine');
select parley.add_party(code => 'RU', name => 'Russia');
select parley.add_track(code => 'rc-t', name => 'T', format => 'bilateral');
select parley.add_agenda_item(code => 'rc-i', title => 'I', track => 'rc-t');
select parley.add_commitment(track => 'rc-t', item => 'rc-i', obligor => 'RU', beneficiaries => array['UA'],
    text => 'SECRET-MARKER', made_on => current_date - 5, due_on => current_date - 1, code => 'rc-c',
    owner => 'low@mfa.example');
select * from parley.plan_alerts(now());

-- Reclassified while no daemon plans.
select parley.update_commitment(commitment => 'rc-c', classification => 'secret');
select is((select array_agg(distinct classification::text) from parley_data.alerts where subject_code = 'rc-c'),
          array['secret'], 'the alert takes the commitment''s new classification in the same transaction');

create role rc_reader login;
grant parley_reader to rc_reader;
set local role rc_reader;
select is((select count(*)::int from parley.alerts where subject = 'rc-c'), 0,
          'an uncleared reader no longer sees the alert');
reset role;

create temp table claimed as
select c.*, p.email as recipient_email
  from parley.claim_round(now(), interval '5 minutes', 10, 'mfa.example') c join parley_data.people p on p.id = c.person_id;
select is((select array_agg(recipient_email order by recipient_email) from claimed), array['high@mfa.example'],
          'the claim hands out only the cleared recipient''s delivery');
select is((select d.state::text || ': ' || d.cancel_reason from parley_data.deliveries d
             join parley_data.people p on p.id = d.person_id where p.email = 'low@mfa.example'),
          'cancelled: no longer a recipient', 'the under-cleared owner''s delivery is cancelled, not sent');

-- A person deactivated after planning is not mailed either.
select parley.update_commitment(commitment => 'rc-c', due_on => current_date - 2);
select * from parley.plan_alerts(now());
update parley_data.people set active = false where email = 'high@mfa.example';
select is((select count(*)::int from parley.claim_round(now() + interval '1 hour', interval '5 minutes', 10, 'mfa.example')), 0,
          'nothing is claimed for a person deactivated since the plan');

-- Stored totals count classified deliveries too: a reader not cleared for everything does not see them.
select parley.record_mailer_run(now() - interval '1 minute', now(), 1, 1, 0, 0);
set local role rc_reader;
select is((select (claimed, sent, failed)::text from parley.mailer_runs limit 1), '(,,)',
          'an uncleared reader sees when the mailer ran, not how much it sent');
reset role;

-- A follow-up takes its subject's level: raising the commitment it is about raises the follow-up's alert in the same
-- transaction, before any plan (the mailer must never send secret details to the assignee cleared lower).
select parley.add_commitment(track => 'rc-t', item => 'rc-i', obligor => 'RU', beneficiaries => array['UA'],
    text => 'Later secret', made_on => current_date - 5, code => 'rc-c2');
select parley.add_follow_up(assignee => 'low@mfa.example', due_at => now() - interval '1 hour',
    note => 'FOLLOW-UP-MARKER', commitment => 'rc-c2', code => 'rc-fu');
select * from parley.plan_alerts(now());
select is((select array_agg(distinct classification::text) from parley_data.alerts
            where subject_type = 'follow_up' and subject_code = 'rc-fu'),
          array['unclassified'], 'the follow-up''s alert is planned at its level');
select parley.update_commitment(commitment => 'rc-c2', classification => 'secret');
select is((select array_agg(distinct classification::text) from parley_data.alerts
            where subject_type = 'follow_up' and subject_code = 'rc-fu'),
          array['secret'], 'raising its commitment raises the follow-up''s alert in the same transaction');

select * from finish();
rollback;
