-- parleyd's leadership lease (425_leadership.sql, issue 19): one holder at a time; each election adds one to the
-- epoch; a plan proves in its own transaction that its epoch is current, the lease has not lapsed and its session
-- holds it, and plans nothing otherwise; a lapsed lease, or one whose session ended, goes to the next claimant.
-- Everything runs in this one session, so "another session" is a backend pid that does not exist (0).
begin;
select plan(28);

\ir 300_alert_fixture.psql

create function pg_temp.alerts() returns integer language sql as $$ select count(*)::integer from parley_data.alerts $$;
create function pg_temp.lapse() returns void language sql as $$
    -- Before the transaction's now(), which the views judge by.
    update parley_data.daemon_leadership set expires_at = now() - interval '1 second'
$$;

select parley.daemon_heartbeat('00000000-0000-4000-8000-00000000000a', 'host-a', 11, '1.0', 'leader');
select parley.daemon_heartbeat('00000000-0000-4000-8000-00000000000b', 'host-b', 12, '1.0', 'standby');

-- Electing.
select is((select (instance_id, expires_at) is null from parley_data.daemon_leadership), true, 'nobody holds the lease at first');
create temporary table elected (who text, epoch bigint);
insert into elected values ('a', parley.daemon_claim_leadership('00000000-0000-4000-8000-00000000000a', '1 minute'));
select ok((select epoch from elected where who = 'a') > 0, 'the first claimant is elected');
select is(parley.daemon_claim_leadership('00000000-0000-4000-8000-00000000000b', '1 minute'), null,
          'another instance is not elected while the lease runs and its holder''s session is open');
select is((select array_agg((instance_id, holds_lease, lease_expires_at > now())::text order by instance_id) from parley.daemon_status),
          array['(00000000-0000-4000-8000-00000000000a,t,t)', '(00000000-0000-4000-8000-00000000000b,f,)'],
          'daemon_status: who holds the lease, and until when');
select is((select planner_alive from parley.alert_status), true, 'alert_status: someone plans');

-- Renewing and planning as the leader.
select ok(parley.daemon_renew_leadership((select epoch from elected where who = 'a'), '2 minutes') > now() + interval '90 seconds',
          'a renewal extends the lease by its length');
select throws_ok(format('select * from parley.plan_alerts_as_leader(%s, %L)', (select epoch from elected where who = 'a') - 1, '2030-05-25 15:00Z'),
                 '55000', null, 'a plan with an old epoch is refused');
select is(pg_temp.alerts(), 0, 'and planned nothing');
select ok(exists (select 1 from parley_data.agenda_activity_queue),
          'the agenda entries the fixture wrote are still queued (their stored last activity not yet worked out again)');
select is((select row(alerts_created > 0, lease_expires_at > now())::text
             from parley.plan_alerts_as_leader((select epoch from elected where who = 'a'), '2030-05-25 15:00Z')),
          '(t,t)', 'the leader''s plan plans, and renews the lease at its end');
select is((select count(*) from parley_data.agenda_activity_queue), 0::bigint,
          'the leader''s plan first works the queued agenda entries out again (refresh_agenda_activity): none is left queued');
select is((select alerts_created from parley.plan_alerts_as_leader((select epoch from elected where who = 'a'), '2030-05-25 15:00Z')),
          0, 'planning as the leader is planning: again at the same moment creates nothing');

-- A lapsed lease: the old leader is refused, a standby is elected, the old epoch stays refused.
create temporary table planned as select pg_temp.alerts() as alerts;
select pg_temp.lapse();
select throws_ok(format('select parley.daemon_renew_leadership(%s, ''1 minute'')', (select epoch from elected where who = 'a')),
                 '55000', null, 'a lapsed lease cannot be renewed');
select throws_like(format('select * from parley.plan_alerts_as_leader(%s, %L)', (select epoch from elected where who = 'a'), '2030-05-30 15:00Z'),
                   '%is no longer this session''s: it lapsed % s ago', 'a plan on a lapsed lease is refused, saying why');
select is(pg_temp.alerts(), (select alerts from planned), 'and planned nothing');
select is((select planner_alive from parley.alert_status), false, 'alert_status: nobody plans');
insert into elected values ('b', parley.daemon_claim_leadership('00000000-0000-4000-8000-00000000000b', '1 minute'));
select is((select epoch from elected where who = 'b'), (select epoch + 1 from elected where who = 'a'), 'a standby is elected: the epoch grows by one');
select throws_like(format('select * from parley.plan_alerts_as_leader(%s, %L)', (select epoch from elected where who = 'a'), '2030-05-30 15:00Z'),
                   format('%%epoch %s went to instance 00000000-0000-4000-8000-00000000000b at %%', (select epoch from elected where who = 'b')),
                   'the old leader, back, is refused and told who leads');
select is(pg_temp.alerts(), (select alerts from planned), 'it wrote no alert');
select is((select array_agg((instance_id, holds_lease)::text order by instance_id) from parley.daemon_status),
          array['(00000000-0000-4000-8000-00000000000a,f)', '(00000000-0000-4000-8000-00000000000b,t)'],
          'daemon_status: the old leader no longer holds the lease, whatever role it reported');

-- A leader whose session ended hands over at once; a lease is this session's only.
update parley_data.daemon_leadership set backend_pid = 0;
select throws_like(format('select * from parley.plan_alerts_as_leader(%s, %L)', (select epoch from elected where who = 'b'), '2030-05-30 15:00Z'),
                   '%belongs to another session (pid 0)', 'a lease is proved by the session that was elected');
select ok(parley.daemon_claim_leadership('00000000-0000-4000-8000-00000000000a', '1 minute') = (select epoch + 1 from elected where who = 'b'),
          'the lease of a session that ended is taken at once, before it lapses');

-- Resigning.
select is(parley.daemon_resign_leadership((select epoch + 1 from elected where who = 'b')), true, 'a clean stop ends the lease');
select is(parley.daemon_claim_leadership('00000000-0000-4000-8000-00000000000b', '1 minute'),
          (select epoch + 2 from elected where who = 'b'), 'and a standby takes over at its next claim');

-- Refusals.
select throws_ok($$select parley.daemon_claim_leadership(null, '1 minute')$$, '23502', null, 'a claim names the instance');
select throws_ok($$select parley.daemon_claim_leadership('00000000-0000-4000-8000-00000000000c', '0 seconds')$$, '23514', null,
                 'a lease lasts at least a second');
select throws_ok($$select * from parley.plan_alerts_as_leader(null, now())$$, '23502', null, 'a plan presents its epoch');

-- Only the daemon elects, renews, resigns and plans as the leader.
select ok(bool_and(has_function_privilege('parley_daemon', f, 'execute') and not has_function_privilege('parley_writer', f, 'execute')
                   and not has_function_privilege('parley_reader', f, 'execute')),
          'leadership is for the daemon only')
  from unnest(array['parley.daemon_claim_leadership(uuid, interval)', 'parley.daemon_renew_leadership(bigint, interval)',
                    'parley.daemon_resign_leadership(bigint)',
                    'parley.plan_alerts_as_leader(bigint, timestamptz, boolean, boolean)']) f;

select * from finish();
rollback;
