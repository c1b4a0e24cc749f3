-- Found by the reliability drills (crash loop), reproduced here without any crash, and fixed in 000007: an alert
-- that stops applying and applies again used to lose the deliveries cancelled in between.
--
-- An overdue alert goes to A and B; one delivery is sent. The deadline moves into the future: the alert went out, so
-- it stays (with a cancel reason) and the other, waiting delivery is cancelled. The deadline moves back: the alert
-- is live again, and the cancelled delivery must be waiting again, or its person is never told. (The same happens when a mailer dies holding a delivery while the alert does
-- not apply: the next claim cancels the lapsed claim.)
begin;
select plan(3);

do $$
begin
    perform parley.add_person(email => 'a@example.org', name => 'A');
    perform parley.add_person(email => 'b@example.org', name => 'B');
    perform parley.add_subscription(person => 'b@example.org');
    perform parley.add_party(code => 'UA', name => 'Ukraine');
    perform parley.add_party(code => 'RU', name => 'Russia');
    perform parley.add_track(code => 'bug-t', name => 'T', format => 'bilateral');
    perform parley.add_agenda_item(code => 'bug-i', title => 'I', track => 'bug-t');
    perform parley.add_commitment(track => 'bug-t', item => 'bug-i', obligor => 'RU', beneficiaries => array['UA'],
        text => 'X', made_on => current_date - 10, due_on => current_date - 1, code => 'bug-c', owner => 'a@example.org');
    perform parley.plan_alerts(now());
    -- The mailer sends one of the two deliveries.
    perform parley.mark_deliveries_sent(array[c.delivery_id], '<bug.1@example.org>', c.claim_token, now())
       from parley.claim_round(now(), interval '5 minutes', 1, 'example.org') c;
    perform parley.change_due_date(commitment => 'bug-c', due_on => current_date + 10);
    perform parley.plan_alerts(now());
    perform parley.change_due_date(commitment => 'bug-c', due_on => current_date - 1);
    perform parley.plan_alerts(now());
end
$$;

select is((select count(*)::int from parley_data.alerts a
            where a.subject_code = 'bug-c' and a.kind = 'overdue' and a.state <> 'cancelled' and a.cancel_reason is null),
          1, 'the overdue alert applies again');
select is((select array_agg(d.state::text order by d.state::text) from parley_data.deliveries d
                                   join parley_data.alerts a on a.id = d.alert_id
            where a.subject_code = 'bug-c' and a.kind = 'overdue'),
          array['pending', 'sent'], 'the delivery cancelled while the alert did not apply is waiting again; the sent one stays sent');
select is((select count(*)::int from parley.claim_round(now() + interval '1 day', interval '5 minutes', 10, 'example.org')),
          1, 'the mailer can claim the revived delivery');

select * from finish();
rollback;
