-- parleyd's leadership: a lease that lapses, and the proof every plan carries (issue 19).
--
-- One row, parley_data.daemon_leadership (000004), says which instance may plan, from which database session,
-- until when, and the epoch of its election. How it is used:
--   * A standby claims the lease (daemon_claim_leadership) when nobody holds it, when it lapsed, or when the
--     holder's session has ended (a killed leader hands over at once, as the session-level advisory lock used to).
--     Each election adds one to the epoch, which the new leader keeps as its token.
--   * The leader renews it with each heartbeat (daemon_renew_leadership) and each plan (plan_alerts_as_leader, at
--     the plan's end). The lease is PARLEY_LEASE_SECONDS long, three heartbeats unless set.
--   * Every plan goes through plan_alerts_as_leader, which locks the row, checks in the plan's own transaction that
--     the token is the current epoch, that the lease has not lapsed and that the caller is the session that was
--     elected, and only then plans. A leader that was frozen (SIGSTOP, a paused VM) or cut off from the network
--     and comes back presents an old epoch, or a lapsed lease, and is refused (SQLSTATE 55000, constraint
--     daemon_leadership_current): it cannot write alerts next to the new leader, whatever its session still holds.
--   * A claim skips a row that is locked: a plan in progress holds the lock, so no election happens in the middle
--     of a plan, and no standby ever waits.
-- The lease is judged by the database's clock alone (clock_timestamp(), not a parameter): no caller can say what
-- time it is, and the hosts' clocks do not matter. The stale leader's session is left alone: parleyd never keeps a
-- transaction open while it waits, so that session holds no lock anyone needs; the server's TCP keepalives (set by
-- parleyd per session) end it when its peer has gone, and a leader that resumes closes it itself.
set local role parley_owner;

-- Checking ------------------------------------------------------------------------------------------------------

-- The lease row, locked for the caller's transaction, when `token` is the current epoch, the lease has not lapsed
-- and this session is the one elected; otherwise a refusal that says what happened.
create or replace function parley_data.require_leadership(token bigint)
    returns parley_data.daemon_leadership
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    held parley_data.daemon_leadership;
    moment timestamptz;
    what text;
begin
    if require_leadership.token is null then
        perform parley_data.refuse('23502', 'token', 'leadership_token_present', 'token is required',
            'Pass the epoch that parley.daemon_claim_leadership returned.');
    end if;
    select * into strict held from parley_data.daemon_leadership for update;
    moment := clock_timestamp();
    what := case
        when held.epoch <> require_leadership.token then
            format('epoch %s went to instance %s at %s', held.epoch, held.instance_id,
                   to_char(held.elected_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC')
        when held.backend_pid is distinct from pg_backend_pid() then
            format('it belongs to another session (pid %s)', coalesce(held.backend_pid::text, 'none'))
        when held.expires_at <= moment then
            format('it lapsed %s s ago', round(extract(epoch from moment - held.expires_at), 1))
        end;
    if what is not null then
        perform parley_data.refuse('55000', 'token', 'daemon_leadership_current',
            format('the leadership of epoch %s is no longer this session''s: %s', require_leadership.token, what),
            'This instance no longer leads: it stands by and tries for the leadership again.');
    end if;
    return held;
end
$$;
comment on function parley_data.require_leadership(bigint) is
    'Locks the leadership lease for the transaction and refuses (55000, daemon_leadership_current) unless token is the current epoch, the lease has not lapsed and this session holds it.';

-- The lease of the session that leads (require_leadership has checked it and locked its row) runs `lease` from
-- now: a renewal, and the end of a plan.
create or replace function parley_data.extend_leadership(lease interval)
    returns timestamptz
    language sql
begin atomic
    update parley_data.daemon_leadership l
       set renewed_at = clock_timestamp(), expires_at = clock_timestamp() + extend_leadership.lease,
           lease = extend_leadership.lease
     where l.singleton
    returning l.expires_at;
end;
comment on function parley_data.extend_leadership(interval) is
    'Extends the leadership lease (checked and locked by require_leadership) by `lease` from now; returns when it now lapses.';

-- Electing, renewing, resigning ---------------------------------------------------------------------------------

create or replace function parley.daemon_claim_leadership(instance_id uuid, lease interval)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    held parley_data.daemon_leadership;
    moment timestamptz;
    elected bigint;
begin
    perform parley_data.require_all(array['instance_id', 'lease'],
        array[daemon_claim_leadership.instance_id::text, daemon_claim_leadership.lease::text],
        'leadership_claim_complete', 'instance_id and lease are required', 'Pass them both.');
    if daemon_claim_leadership.lease < interval '1 second' or daemon_claim_leadership.lease > interval '1 day' then
        perform parley_data.refuse('23514', 'lease', 'leadership_lease_bounded',
            format('lease %s is not from 1 second to 1 day', daemon_claim_leadership.lease),
            'Pass PARLEY_LEASE_SECONDS (three heartbeats unless set).');
    end if;
    -- Locked: a plan is running (or another standby is claiming): somebody leads; ask again later.
    select * into held from parley_data.daemon_leadership for update skip locked;
    if not found then
        return null;
    end if;
    moment := clock_timestamp();
    if held.instance_id is not null
       and held.instance_id <> daemon_claim_leadership.instance_id
       and held.expires_at > moment
       and exists (select 1 from pg_catalog.pg_stat_activity a where a.pid = held.backend_pid) then
        return null;
    end if;
    update parley_data.daemon_leadership l
       set epoch = l.epoch + 1, instance_id = daemon_claim_leadership.instance_id, backend_pid = pg_backend_pid(),
           elected_at = moment, renewed_at = moment, expires_at = moment + daemon_claim_leadership.lease,
           lease = daemon_claim_leadership.lease
     where l.singleton
    returning l.epoch into elected;
    return elected;
end
$$;
comment on function parley.daemon_claim_leadership(uuid, interval) is
    'For parleyd: takes the leadership lease for this session, for `lease`, when nobody holds it, it lapsed, or its holder''s session has ended; returns the new epoch (the token every plan presents), or null when another instance leads.';

create or replace function parley.daemon_renew_leadership(token bigint, lease interval)
    returns timestamptz
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if daemon_renew_leadership.lease is null
       or daemon_renew_leadership.lease < interval '1 second' or daemon_renew_leadership.lease > interval '1 day' then
        perform parley_data.refuse(case when daemon_renew_leadership.lease is null then '23502' else '23514' end,
            'lease', 'leadership_lease_bounded', 'lease is required, from 1 second to 1 day',
            'Pass PARLEY_LEASE_SECONDS (three heartbeats unless set).');
    end if;
    perform parley_data.require_leadership(daemon_renew_leadership.token);
    return parley_data.extend_leadership(daemon_renew_leadership.lease);
end
$$;
comment on function parley.daemon_renew_leadership(bigint, interval) is
    'For parleyd''s heartbeat: extends the lease of the current leader by `lease` and returns when it now lapses; refused (55000) when token is not the current epoch, the lease lapsed, or another session holds it.';

create or replace function parley.daemon_resign_leadership(token bigint)
    returns boolean
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    update parley_data.daemon_leadership l
       set renewed_at = clock_timestamp(), expires_at = clock_timestamp()
     where l.epoch = daemon_resign_leadership.token and l.backend_pid = pg_backend_pid()
       and l.expires_at > clock_timestamp();
    return found;
end
$$;
comment on function parley.daemon_resign_leadership(bigint) is
    'For parleyd on a clean stop: ends its lease now, so that a standby takes over at its next check. Returns whether it still held it.';

-- Planning as the leader ------------------------------------------------------------------------------------------

create or replace function parley.plan_alerts_as_leader(token bigint, at timestamptz, only_changed boolean default false,
                                                        rebuild boolean default false)
    returns table (
        alerts_created      integer,
        alerts_cancelled    integer,
        deliveries_created  integer,
        subjects_planned    integer,
        next_alert_at       timestamptz,
        lease_expires_at    timestamptz)
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    held parley_data.daemon_leadership;
    outcome record;
begin
    -- The lease row stays locked until this transaction ends: no election can happen while the plan runs.
    held := parley_data.require_leadership(plan_alerts_as_leader.token);
    -- The agenda entries writers queued since the last plan: their stored last activity and stances worked out
    -- again, first, so that parley.stale and parley.agenda read them stored again (085_agenda_activity). It waits
    -- for no writer: it takes the queue rows committed by now, and writers only ever add queue rows. A plan refused
    -- or rolled back leaves them queued for the next one.
    perform parley_data.refresh_agenda_activity();
    select * into strict outcome
      from parley.plan_alerts(plan_alerts_as_leader.at, coalesce(plan_alerts_as_leader.only_changed, false),
                              coalesce(plan_alerts_as_leader.rebuild, false));
    -- A plan is the leader at work: the lease runs from its end, so that a plan longer than the lease (a full plan
    -- of a large database) is not followed by a needless election.
    return query select outcome.alerts_created, outcome.alerts_cancelled, outcome.deliveries_created,
                        outcome.subjects_planned, outcome.next_alert_at, parley_data.extend_leadership(held.lease);
end
$$;
comment on function parley.plan_alerts_as_leader(bigint, timestamptz, boolean, boolean) is
    'For parleyd: parley.plan_alerts, in the same transaction as the proof that the caller still leads (token is the current epoch, the lease has not lapsed, this session holds it); refused with 55000 otherwise, having planned nothing. Works out again first the last activity and the stances of the agenda entries queued since (refresh_agenda_activity). Renews the lease at the end of the plan and returns when it lapses.';
