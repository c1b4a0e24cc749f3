-- The mailer's rounds (issue 17): parley.claim_round claims whole digests and fixes each new digest's Message-ID
-- in the claim's own statement; a digest claimed again (its run died, its attempt failed) comes back whole with the same Message-ID, never regrouped
-- with what fell due since and never split; the round is marked in one statement with those Message-IDs; the older
-- claim never takes a fixed digest apart.
begin;
select plan(38);

\ir 300_alert_fixture.psql

select ok(cardinality(pg_temp.plan('2030-05-25 15:00Z')) > 0, 'alerts planned');
-- As in 330: CT's overdue alert (3 deliveries) waits until 26 May; 4 other deliveries are due now.
select parley.snooze_alert((select id from parley_data.alerts where subject_code = 'CT' and kind = 'overdue'), '2030-05-26 00:00Z');

-- Refusals.
select throws_ok($$select * from parley.claim_round(null, '5 minutes', 10, 'parley.example')$$, '23502', 'at is required', 'a round needs at');
select throws_ok($$select * from parley.claim_round('2030-05-25 15:00Z', '0', 10, 'parley.example')$$, '23514', null, 'a lease must last');
select throws_ok($$select * from parley.claim_round('2030-05-25 15:00Z', '5 minutes', 0, 'parley.example')$$, '23514', null, 'a round holds one at least');

-- The first round: four deliveries, each recipient's share one digest, fixed with its Message-ID by the claim.
select throws_ok($$select * from parley.claim_round('2030-05-25 15:00Z', '5 minutes', 10, null)$$, '23514', null,
                 'a round needs the Message-ID''s domain');
create temp table r1 as select * from parley.claim_round('2030-05-25 15:00Z', '5 minutes', 10, 'parley.example');
select is((select count(*)::integer from r1), 4, 'the round claims what is due');
select is((select count(distinct claim_token)::integer from r1), 1, 'under one claim token');
select ok((select bool_and(attempt = 1) from r1), 'first attempt');
create temp table digests as select delivery_id, digest_message_id as message_id from r1;
select ok((select bool_and(message_id ~ '^<parley\.[0-9]+-[0-9]+-[0-9]+\.[0-9a-f]{16}@parley\.example>$') from digests),
          'each delivery in a digest named by its Message-ID');
select is((select count(distinct message_id)::integer from digests), (select count(distinct person_id)::integer from r1),
          'one digest per recipient');
select is((select array_agg(d.id || ' ' || d.digest_message_id order by d.id) from parley_data.deliveries d
            where d.id in (select delivery_id from r1)),
          (select array_agg(delivery_id || ' ' || message_id order by delivery_id) from digests),
          'fixed by the claim''s own statement, in its commit');

-- The run dies after handing the round over, before marking it. Meanwhile CT's overdue alert falls due for two of
-- the same recipients' peers; at 26 May 00:00 the lease has long lapsed.
select is((select count(*)::integer from parley.claim_round('2030-05-25 15:04:59Z', '5 minutes', 10, 'parley.example')), 0,
          'nothing while the lease lasts');
-- A round of one: the first fixed digest comes back whole, however big.
create temp table r2 as select * from parley.claim_round('2030-05-26 00:00Z', '5 minutes', 1, 'parley.example');
select is((select count(distinct digest_message_id)::integer from r2), 1, 'a round of one takes one digest');
select is((select count(*)::integer from r2),
          (select count(*)::integer from digests where message_id = (select min(digest_message_id) from r2)),
          'whole, though bigger than the round');
create temp table r3 as select * from parley.claim_round('2030-05-26 00:00Z', '5 minutes', 100, 'parley.example');
select is((select array_agg(delivery_id || ' ' || digest_message_id order by delivery_id)
             from (select * from r2 union all select * from r3) x where digest_message_id in (select message_id from digests)),
          (select array_agg(delivery_id || ' ' || message_id order by delivery_id) from digests),
          'every digest of the dead run comes back as it was fixed: same deliveries, same Message-ID');
select is((select count(*)::integer from r3 where digest_message_id not in (select message_id from digests)), 3,
          'what fell due since (CT''s overdue alert) is in new digests: not regrouped with the retry');
select ok((select bool_and(attempt = 2) from (select * from r2 union all select * from r3) x where digest_message_id in (select message_id from digests)),
          'as the second attempt');

-- Marking the round: one statement, each delivery with its digest's Message-ID; a stale token marks nothing.
select is((select count(*)::integer from parley.mark_round_sent(array(select delivery_id from r1), (select claim_token from r1 limit 1),
                                                               '2030-05-26 00:01Z')), 0, 'a run that lost its claim cannot mark');
select throws_ok(format($$select * from parley.mark_round_sent('{}', %L, '2030-05-26 00:01Z')$$, (select claim_token from r2 limit 1)),
                 '23502', null, 'a round to mark needs its deliveries');
select is((select count(*)::integer from parley.mark_round_sent(array(select delivery_id from r2), (select claim_token from r2 limit 1),
                                                               '2030-05-26 00:01Z')),
          (select count(*)::integer from r2), 'the round is marked');
select is((select array_agg(distinct d.state || ' ' || d.message_id) from parley_data.deliveries d join r2 on r2.delivery_id = d.id),
          array['sent ' || (select min(digest_message_id) from r2)], 'sent, with the Message-ID fixed at the claim');

-- A failed attempt keeps the digest: after the back-off it comes back whole, with the same Message-ID.
select is((select count(*)::integer from parley.mark_deliveries_failed(array(select delivery_id from r3), 'sendmail exited with 75',
                                                                       (select claim_token from r3 limit 1), '2030-05-26 00:01Z')),
          (select count(*)::integer from r3), 'the rest of the round failed');
create temp table r4 as select * from parley.claim_round('2030-05-26 01:00Z', '5 minutes', 100, 'parley.example');
select is((select array_agg(delivery_id || ' ' || digest_message_id order by delivery_id) from r4),
          (select array_agg(d.id || ' ' || d.digest_message_id order by d.id) from parley_data.deliveries d
            where d.id in (select delivery_id from r3)), 'a failed digest is retried as it was fixed');
select is((select count(distinct digest_message_id)::integer from r4), (select count(distinct digest_message_id)::integer from r3),
          'the same digests: the dead run''s other one and CT''s');

-- A delivery that waits again after it had stopped leaves its digest: its mates may have gone out under the
-- Message-ID without it.
update parley_data.deliveries set state = 'cancelled', cancelled_at = '2030-05-26 01:01Z', cancel_reason = 'deadline changed',
       claim_token = null, lease_until = null
 where id = (select min(delivery_id) from r4);
update parley_data.deliveries set state = 'pending', cancelled_at = null, cancel_reason = null
 where id = (select min(delivery_id) from r4);
select is((select digest_message_id from parley_data.deliveries where id = (select min(delivery_id) from r4)), null,
          'a delivery waiting again after it was cancelled is grouped afresh');

-- Given the Message-ID's domain, the claim fixes each recipient's new digest itself, in the same statement: one
-- Message-ID per recipient, the same for the same deliveries in any order, another for other deliveries or another
-- installation. (The deliveries still held are put back in no digest, so that the round has several recipients.)
update parley_data.deliveries set state = 'pending', claim_token = null, lease_until = null, digest_message_id = null
 where state = 'sending';
select throws_ok($$select * from parley.claim_round('2030-05-26 02:00Z', '5 minutes', 100, 'bad domain')$$,
                 '23514', null, 'a domain that cannot end a Message-ID is refused');
-- A recipient deactivated since the plan is checked again as the round is claimed.
create temp table gone as
    select d.person_id from parley_data.deliveries d
     where d.state = 'pending' and d.send_after <= '2030-05-26 02:00Z' order by d.id desc limit 1;
update parley_data.people set active = false where id = (select person_id from gone);
create temp table r5 as select * from parley.claim_round('2030-05-26 02:00Z', '5 minutes', 100, 'mfa.example');
update parley_data.people set active = true where id = (select person_id from gone);
select is((select count(*)::integer from r5 where person_id = (select person_id from gone)), 0,
          'a recipient no longer active is left out of the round');
select ok((select count(*) > 0 and bool_and(d.state = 'cancelled' and d.cancel_reason = 'no longer a recipient')
             from parley_data.deliveries d
            where d.person_id = (select person_id from gone) and d.cancelled_at = '2030-05-26 02:00Z'),
          'their deliveries are cancelled, as no longer a recipient');
select ok((select count(distinct person_id) >= 2 from r5), 'a round of several recipients');
select ok((select bool_and(digest_message_id ~ '^<parley\.[0-9]+-[0-9]+-[0-9]+\.[0-9a-f]{16}@mfa\.example>$') from r5),
          'every delivery of the round comes back in a digest named by its Message-ID');
select is((select count(distinct digest_message_id)::integer from r5), (select count(distinct person_id)::integer from r5),
          'one digest per recipient');
select is((select array_agg(r5.delivery_id || ' ' || r5.digest_message_id order by r5.delivery_id) from r5),
          (select array_agg(d.id || ' ' || d.digest_message_id order by d.id) from parley_data.deliveries d
            where d.id in (select delivery_id from r5) and d.state = 'sending'),
          'fixed by the claim''s own statement');
select is((select bool_and(g.digest_message_id = parley.digest_message_id(parley.installation_id(), g.ids, 'mfa.example'))
             from (select digest_message_id, array_agg(delivery_id) as ids from r5 group by digest_message_id) g), true,
          'each named by parley.digest_message_id of its deliveries');
select is(parley.digest_message_id('00000000-0000-0000-0000-000000000001', array[17, 3, 9, 3], 'mfa.example'),
          parley.digest_message_id('00000000-0000-0000-0000-000000000001', array[3, 9, 17], 'mfa.example'),
          'the same deliveries in any order get the same Message-ID');
select ok(parley.digest_message_id('00000000-0000-0000-0000-000000000001', array[3, 9, 17], 'mfa.example')
              not in (parley.digest_message_id('00000000-0000-0000-0000-000000000001', array[3, 9], 'mfa.example'),
                      parley.digest_message_id('00000000-0000-0000-0000-000000000001', array[3, 10, 17], 'mfa.example'),
                      parley.digest_message_id('00000000-0000-0000-0000-000000000002', array[3, 9, 17], 'mfa.example')),
          'other deliveries, or another installation, get another');

-- Privileges and documentation.
select ok(bool_and(has_function_privilege('parley_daemon', f, 'execute') and not has_function_privilege('parley_writer', f, 'execute')
                   and not has_function_privilege('parley_reader', f, 'execute')), 'claiming and marking rounds are for the daemon only')
  from unnest(array['parley.claim_round(timestamptz, interval, integer, text)',
                    'parley.mark_round_sent(bigint[], uuid, timestamptz)']) f;
select is((select count(*)::integer from pg_proc p
            where p.proname in ('claim_round', 'mark_round_sent')
              and p.pronamespace = 'parley'::regnamespace and obj_description(p.oid, 'pg_proc') is not null), 2,
          'each has a comment');
select isnt(col_description('parley_data.deliveries'::regclass,
                            (select attnum from pg_attribute where attrelid = 'parley_data.deliveries'::regclass
                                                              and attname = 'digest_message_id')), null,
            'digest_message_id has a comment');

select * from finish();
rollback;
