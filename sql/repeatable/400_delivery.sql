-- The mailer's calls: claim deliveries, mark them sent or failed, hand back what was never tried, record a run.
set local role parley_owner;

-- The mailer ------------------------------------------------------------------------------------------------------

create or replace function parley.installation_id() returns uuid
    language sql stable security definer
    set search_path = parley_data, pg_catalog, pg_temp
    return (select s.installation_id from parley_data.alert_settings s);
comment on function parley.installation_id() is
    'This installation''s identity: part of every Message-ID the mailer writes and of every UID in parley calendar, so that two Parley databases never collide.';
grant execute on function parley.installation_id() to parley_daemon, parley_reader;

-- What a claim (parley.claim_round) does first: the arguments checked (a refusal names the argument and its rule),
-- then the claims whose lease ran out settled: cancelled when their alert stopped applying, given up when that was
-- the last allowed attempt (the run died with it). (Every recipient is checked again at the moment of sending, by
-- parley_data.cancel_lost_recipients: a person deactivated, or no longer cleared for the alert's classification,
-- since the plan is not mailed.) Runs with the privileges of the claim that calls it.
create or replace function parley_data.settle_claims(at timestamptz, lease interval, max_count integer)
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    settings parley_data.alert_settings;
begin
    perform parley_data.require_argument('at', settle_claims.at is not null, 'Pass now().');
    if settle_claims.lease is null or settle_claims.lease <= interval '0' then
        perform parley_data.refuse(case when settle_claims.lease is null then '23502' else '23514' end,
            'lease', 'lease_positive', format('lease %s must be longer than 0', settle_claims.lease),
            'Give how long the run may take to send what it claims, e.g. interval ''5 minutes''.');
    end if;
    if settle_claims.max_count is null or settle_claims.max_count < 1 then
        perform parley_data.refuse(case when settle_claims.max_count is null then '23502' else '23514' end,
            'max_count', 'max_count_positive', format('max_count %s must be at least 1', settle_claims.max_count),
            'Give how many deliveries to claim at most, e.g. 500.');
    end if;
    select * into settings from parley_data.alert_settings;

    update parley_data.deliveries d
       set state = 'cancelled', cancelled_at = settle_claims.at, cancel_reason = a.cancel_reason,
           lease_until = null, claim_token = null
      from parley_data.alerts a
     where d.state = 'sending' and d.lease_until <= settle_claims.at
       and a.id = d.alert_id and a.cancel_reason is not null;
    update parley_data.deliveries d
       set state = 'failed', last_failed_at = settle_claims.at, lease_until = null, claim_token = null,
           last_error = concat_ws('; ', d.last_error, format('claim lapsed on attempt %s of %s', d.attempts, settings.max_attempts))
     where d.state = 'sending' and d.lease_until <= settle_claims.at and d.attempts >= settings.max_attempts;
end
$$;
comment on function parley_data.settle_claims(timestamptz, interval, integer) is
    'What parley.claim_round does first: checks at, lease and max_count, and settles lapsed claims (cancelled if their alert stopped applying, failed after the last attempt). The recipients are checked by parley_data.cancel_lost_recipients.';

-- Every recipient checked again at the moment of sending: a delivery to a person deactivated, or no longer cleared
-- for the alert's classification, is cancelled instead (the plan would drop them too, but the daemon may be stopped
-- or behind). parley.claim_round checks the round it is about to claim (`ids`), so that a round costs the same
-- however many deliveries wait (issue 17: checking every delivery due at each round made a backlog's rounds
-- slower the bigger it was).
create or replace function parley_data.cancel_lost_recipients(at timestamptz, ids bigint[])
    returns setof bigint
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    -- By id: a round's few hundred index look-ups, however many wait.
    -- A delivery carries its alert's classification (its reference to the alert is by id and classification, kept
    -- equal by the foreign key's cascade), so the alerts are not read: at L a look-up per delivery in each of the
    -- four levels' partitions was half the claim's time.
    return query
    update parley_data.deliveries d
       set state = 'cancelled', cancelled_at = cancel_lost_recipients.at, cancel_reason = 'no longer a recipient',
           lease_until = null, claim_token = null
      from parley_data.people p
     where d.id = any (cancel_lost_recipients.ids) and p.id = d.person_id
       and (not p.active or p.clearance < d.classification)
    returning d.id;
end
$$;
comment on function parley_data.cancel_lost_recipients(timestamptz, bigint[]) is
    'Cancels, as no longer a recipient, the deliveries among `ids` whose person is no longer active or cleared for the alert''s classification. Returns their ids.';

drop function if exists parley.claim_deliveries(timestamptz, interval, integer);

-- The mailer's claim (issue 17): a round of whole digests, each fixed with its Message-ID in the claim's commit.
--
-- 1. Digests fixed by an earlier claim that are due again (their run died holding them, or their attempt failed and
--    the back-off has passed) are taken whole and as they were, in the order they fell due: the same deliveries
--    under the same Message-ID, whatever else became due for the recipient meanwhile. A member that no longer
--    applies (cancelled, given up) drops out, so a copy sent again carries a subset of the first, never more. A
--    transaction lock per digest makes overlapping runs take one whole or not at all; a digest bigger than what is
--    left of the round waits for a round of its own.
-- 2. The rest of the round: deliveries due and in no digest yet, first due first, FOR UPDATE SKIP LOCKED. The claim
--    makes one digest of each recipient's share and fixes it with its Message-ID on `domain` (the From address's;
--    parley.digest_message_id) in the same statement that claims it.
--
-- A round costs one statement and one commit, whatever its size (issue 17): its deliveries are written once.

-- The Message-ID of a new digest of these deliveries: <parley.FIRST-LAST-COUNT.HASH@domain>, from the lowest and
-- highest delivery id, how many, and the first 64 bits of the MD5 of the installation and the sorted distinct ids
-- (delivery ids are unique in a database: the first three tell its digests apart; the hash separates digests that
-- share them, and installations). Nothing here needs to be secret or collision-proof against an adversary.
create or replace function parley.digest_message_id(installation uuid, ids bigint[], domain text)
    returns text
    language sql immutable parallel safe
    set search_path = pg_catalog, pg_temp
    return (select '<parley.' || min(x) || '-' || max(x) || '-' || count(*) || '.'
                   || left(md5(digest_message_id.installation::text || ':' || string_agg(x::text, ',' order by x)), 16)
                   || '@' || digest_message_id.domain || '>'
              from (select distinct x from unnest(digest_message_id.ids) x) s);
comment on function parley.digest_message_id(uuid, bigint[], text) is
    'The Message-ID parley.claim_round gives a new digest of these deliveries, and the one a preview (--dry-run, parley digest) shows for them: <parley.FIRST-LAST-COUNT.HASH@domain>, HASH the first 16 hex digits of the MD5 of the installation and the sorted distinct ids. The same deliveries always get the same one.';
-- Pure arithmetic on its arguments (no table is read): a reader's preview names its digests as the claim will.
grant execute on function parley.digest_message_id(uuid, bigint[], text) to parley_daemon, parley_reader;

drop function if exists parley.claim_round(timestamptz, interval, integer);
create or replace function parley.claim_round(at timestamptz, lease interval, max_count integer, domain text)
    returns table (delivery_id bigint, claim_token uuid, attempt integer, person_id bigint, digest_message_id text)
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    -- Index scans of a round's few hundred rows by id; never JIT-compiled or run in parallel workers, which cost
    -- more to start than the round's statements take. The planner takes `id = any (round)` for thousands of rows
    -- per partition and scanned the smaller levels' partitions whole, three times a round (BENCHMARKS.md, the
    -- mailer at L): by their primary keys instead.
    set jit = off
    set max_parallel_workers_per_gather = 0
    set enable_seqscan = off
    -- Turned off below for the scans of the queue's partial indexes, and back on after (restored on return).
    set enable_bitmapscan = on
as $$
#variable_conflict use_column
declare
    token constant uuid := gen_random_uuid();
    room integer := claim_round.max_count;
    fixed record;
    ids bigint[];
    ids_people bigint[];
    ids_levels parley.classification[];
    round_ids bigint[] := '{}';
    round_people bigint[] := '{}';
    round_levels parley.classification[] := '{}';
    fresh_ids bigint[] := '{}';
    fresh_people bigint[] := '{}';
    fresh_levels parley.classification[] := '{}';
    lost bigint[];
    message_ids text[];
    installation uuid;
begin
    -- The lapsed claims and the fixed digests due again are found by the partial indexes on claimed deliveries,
    -- which every round of a run fills with entries that its mark leaves dead (a sent delivery is a new row version
    -- outside them). A bitmap scan visits every dead entry again at every round (at L 13 ms a round by the end of a
    -- run of 20,000); a plain index scan marks them dead for the next scans to skip (about 1 ms).
    perform set_config('enable_bitmapscan', 'off', true);
    -- Arguments checked, lapsed claims settled (parley_data.settle_claims); the recipients of the round are checked
    -- again below, once it is chosen.
    perform parley_data.settle_claims(claim_round.at, claim_round.lease, claim_round.max_count);
    if claim_round.domain is null or claim_round.domain !~ '^[^<>@\s]+$' then
        perform parley_data.refuse('23514', 'domain', 'domain_format',
            format('domain %s cannot be the right-hand side of a Message-ID', coalesce(claim_round.domain, '(none)')),
            'Pass the domain of the From address, e.g. mfa.example.');
    end if;

    -- 1. Fixed digests due again, whole: claims whose lease ran out, by deliveries_leased_idx (only lapsed leases
    -- are read), and deliveries waiting again in their digest, by deliveries_digest_due_idx (000016), which the
    -- claims and marks of a run never write. (Found in deliveries_digest_idx, each round read every delivery the
    -- run had in flight, and the entries its marks left dead, to find none almost always.)
    for fixed in
        select x.message_id
          from (select d.digest_message_id as message_id, d.lease_until as due, d.id
                  from parley_data.deliveries d
                 where d.state = 'sending' and d.lease_until <= claim_round.at and d.digest_message_id is not null
                union all
                select d.digest_message_id, d.send_after, d.id
                  from parley_data.deliveries d
                 where d.state = 'pending' and d.send_after <= claim_round.at and d.digest_message_id is not null) x
         group by x.message_id
         order by min(x.due), min(x.id)
    loop
        exit when room <= 0;
        continue when not pg_try_advisory_xact_lock(hashtext('parley.claim_round'), hashtext(fixed.message_id));
        -- Every member still waiting, due or not (members fall due together; one held back by a snooze since goes
        -- now rather than later under a Message-ID already used). FOR UPDATE waits for a writer rather than split.
        select array_agg(x.id), array_agg(x.person_id), array_agg(x.classification) into ids, ids_people, ids_levels
          from (select d.id, d.person_id, d.classification from parley_data.deliveries d
                 where d.digest_message_id = fixed.message_id
                   and (d.state = 'pending' or (d.state = 'sending' and d.lease_until <= claim_round.at))
                   for update) x;
        continue when ids is null;
        continue when cardinality(ids) > room and room < claim_round.max_count;
        round_ids := round_ids || ids;
        round_people := round_people || ids_people;
        round_levels := round_levels || ids_levels;
        room := room - cardinality(ids);
    end loop;

    perform set_config('enable_bitmapscan', 'on', true);

    -- 2. Deliveries in no digest yet.
    if room > 0 then
        select coalesce(array_agg(x.id), '{}'), coalesce(array_agg(x.person_id), '{}'),
               coalesce(array_agg(x.classification), '{}')
          into fresh_ids, fresh_people, fresh_levels
          from (select d.id, d.person_id, d.classification from parley_data.deliveries d
                 where d.digest_message_id is null
                   and ((d.state = 'pending' and d.send_after <= claim_round.at)
                        or (d.state = 'sending' and d.lease_until <= claim_round.at))
                 order by d.send_after, d.id
                 limit room
                   for update skip locked) x;
    end if;

    -- The round's recipients checked again: a delivery to a person no longer active or cleared is cancelled and
    -- leaves the round (and its digest, whose copy sent again carries the others). The round's rows are locked, so
    -- their recipient and level are as read above: the people are checked against those, and only deliveries found
    -- lost are written (parley_data.cancel_lost_recipients looked up every delivery of the round in each level's
    -- partition at every round, for none lost in almost all of them).
    select array_agg(r.id) into lost
      from unnest(round_ids || fresh_ids, round_people || fresh_people, round_levels || fresh_levels)
           r(id, person_id, classification)
      join parley_data.people p on p.id = r.person_id
     where not p.active or p.clearance < r.classification;
    if lost is not null then
        -- Cancelled as parley_data.cancel_lost_recipients finds them (the same test, on the rows themselves).
        select array_agg(c) into lost from parley_data.cancel_lost_recipients(claim_round.at, lost) c;
    end if;
    if lost is not null then
        select coalesce(array_agg(r.id), '{}'), coalesce(array_agg(r.person_id), '{}'),
               coalesce(array_agg(r.classification), '{}')
          into round_ids, round_people, round_levels
          from unnest(round_ids, round_people, round_levels) r(id, person_id, classification) where r.id <> all (lost);
        select coalesce(array_agg(f.id), '{}'), coalesce(array_agg(f.person_id), '{}'),
               coalesce(array_agg(f.classification), '{}')
          into fresh_ids, fresh_people, fresh_levels
          from unnest(fresh_ids, fresh_people, fresh_levels) f(id, person_id, classification) where f.id <> all (lost);
    end if;

    -- Each recipient's share of the new deliveries is one digest, named by its Message-ID: parley.digest_message_id's
    -- formula, worked out for all the round's digests in one aggregate (a call per digest cost 15 ms a round at L,
    -- where a round of 500 holds some 350 digests; Tests/sql/335_mail_rounds.sql checks that both agree). The ids
    -- are distinct: each delivery is claimed once.
    if cardinality(fresh_ids) > 0 then
        installation := parley.installation_id();
        with digests as materialized (
                select f.person_id,
                       '<parley.' || min(f.id) || '-' || max(f.id) || '-' || count(*) || '.'
                       || left(md5(installation::text || ':' || string_agg(f.id::text, ',' order by f.id)), 16)
                       || '@' || claim_round.domain || '>' as message_id
                  from unnest(fresh_ids, fresh_people) f(id, person_id)
                 group by f.person_id)
        select array_agg(f.id), array_agg(f.classification), array_agg(digests.message_id)
          into fresh_ids, fresh_levels, message_ids
          from unnest(fresh_ids, fresh_people, fresh_levels) f(id, person_id, classification)
          join digests using (person_id);
    end if;

    -- One statement writes the round: claimed, and each new delivery put in its digest. (A delivery's digest fixed
    -- by an earlier claim never changes.) Each row by its whole primary key, id and level: one index look-up in its
    -- own level's partition (pruned as the join runs), not each id in all four.
    return query
    update parley_data.deliveries d
       set state = 'sending', attempts = d.attempts + 1, claim_token = token, claimed_at = claim_round.at,
           lease_until = claim_round.at + claim_round.lease,
           digest_message_id = coalesce(d.digest_message_id, m.message_id)
      from unnest(round_ids || fresh_ids, round_levels || fresh_levels,
                  array_fill(null::text, array[cardinality(round_ids)]) || message_ids)
           m(id, classification, message_id)
     where d.id = m.id and d.classification = m.classification
    returning d.id, token, d.attempts, d.person_id, d.digest_message_id;
end
$$;
comment on function parley.claim_round(timestamptz, interval, integer, text) is
    'For the mailer: claims a round of at most max_count deliveries due by `at` under one claim token and a lease until at + lease. First digests fixed by an earlier claim that are due again (a dead run''s, a failed attempt''s), whole, with their digest_message_id; then deliveries in no digest yet, FOR UPDATE SKIP LOCKED, each recipient''s share made one digest and fixed with its Message-ID on `domain` (the From address''s; parley.digest_message_id) by this same statement. Recipients no longer active or cleared are cancelled instead (parley_data.cancel_lost_recipients).';
grant execute on function parley.claim_round(timestamptz, interval, integer, text) to parley_daemon;

-- A delivery that waits again after it had stopped (cancelled while its alert did not apply, suppressed by a
-- silence since lifted, ...) leaves its digest: the digest's other deliveries may have gone out under its Message-ID
-- meanwhile, without it, and a copy of it alone under that Message-ID could be dropped by the recipient's mail
-- system as a duplicate. It is grouped afresh at its next claim. (A failed attempt or a release, sending → pending,
-- keeps the digest.)
create or replace function parley_data.deliveries_leave_digest() returns trigger
    language plpgsql
    set search_path = parley_data, pg_catalog, pg_temp
as $$
begin
    new.digest_message_id := null;
    return new;
end
$$;
comment on function parley_data.deliveries_leave_digest() is
    'Trigger: a delivery waiting again after it had stopped (not after a failed attempt) leaves the digest its earlier claim fixed.';
drop trigger if exists deliveries_leave_digest on parley_data.deliveries;
create trigger deliveries_leave_digest
    before update of state on parley_data.deliveries
    for each row
    when (new.state = 'pending' and old.state not in ('pending', 'sending') and new.digest_message_id is not null)
    execute function parley_data.deliveries_leave_digest();

-- Before issue 17's one-statement claim the mailer fixed its new digests with a second call in the claim's
-- transaction; the claim does it itself now.
drop function if exists parley.fix_digest_message_ids(bigint[], text[], uuid);

-- What a run passes to mark deliveries it claimed, checked alike by the three that mark: the deliveries (ids; the
-- hint says which), the token of its claim and the moment. Refuses (23502) the first one missing.
create or replace function parley_data.require_claim_marked(ids bigint[], claim_token uuid, at timestamptz,
                                                            ids_hint text)
    returns void
    language plpgsql
as $$
begin
    perform parley_data.require_argument('ids', cardinality(require_claim_marked.ids) > 0,
        require_claim_marked.ids_hint);
    perform parley_data.require_argument('claim_token', require_claim_marked.claim_token is not null,
        'Pass the token claim_round returned.');
    perform parley_data.require_argument('at', require_claim_marked.at is not null, 'Pass now().');
end
$$;
comment on function parley_data.require_claim_marked(bigint[], uuid, timestamptz, text) is
    'Refuses (23502) a call that marks claimed deliveries without their ids, the claim''s token or the moment; ids_hint is the hint of a missing ids.';

-- A round handed over is marked in one statement: each delivery went out under its digest's Message-ID.
create or replace function parley.mark_round_sent(ids bigint[], claim_token uuid, at timestamptz)
    returns setof bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    -- The round by its primary keys, in every level's partition (as parley.claim_round).
    set enable_seqscan = off
as $$
begin
    perform parley_data.require_claim_marked(mark_round_sent.ids, mark_round_sent.claim_token, mark_round_sent.at,
        'Pass the ids of the deliveries the round''s mails carried.');
    -- Only deliveries this run still holds: if its lease ran out and another run re-claimed them, that run marks.
    return query
    update parley_data.deliveries d
       set state = 'sent', sent_at = mark_round_sent.at, message_id = d.digest_message_id,
           claim_token = null, lease_until = null
     where d.id = any (mark_round_sent.ids) and d.state = 'sending' and d.claim_token = mark_round_sent.claim_token
       and d.digest_message_id is not null
    returning d.id;
end
$$;
comment on function parley.mark_round_sent(bigint[], uuid, timestamptz) is
    'For the mailer: marks the deliveries a round''s mails carried as sent, each with its digest''s Message-ID, if this run (claim_token) still holds them. Returns the ids it marked; a missing one was taken over by another run.';
grant execute on function parley.mark_round_sent(bigint[], uuid, timestamptz) to parley_daemon;

create or replace function parley.mark_deliveries_sent(ids bigint[], message_id text, claim_token uuid, at timestamptz)
    returns integer
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    marked integer;
begin
    perform parley_data.require_claim_marked(mark_deliveries_sent.ids, mark_deliveries_sent.claim_token,
        mark_deliveries_sent.at, 'Pass the ids of the deliveries the mail carried.');
    if mark_deliveries_sent.message_id is null or mark_deliveries_sent.message_id !~ '^<[^<>@\s]+@[^<>@\s]+>$' then
        perform parley_data.refuse(case when mark_deliveries_sent.message_id is null then '23502' else '23514' end,
            'message_id', 'message_id_format',
            format('message_id %s is not of the form <left@right>', coalesce(mark_deliveries_sent.message_id, '(none)')),
            'Pass the Message-ID header of the mail, angle brackets included.');
    end if;
    -- Only deliveries this run still holds: if its lease ran out and another run re-claimed them, that run marks.
    update parley_data.deliveries d
       set state = 'sent', sent_at = mark_deliveries_sent.at, message_id = mark_deliveries_sent.message_id,
           claim_token = null, lease_until = null
     where d.id = any (mark_deliveries_sent.ids) and d.state = 'sending'
       and d.claim_token = mark_deliveries_sent.claim_token;
    get diagnostics marked = row_count;
    return marked;
end
$$;
comment on function parley.mark_deliveries_sent(bigint[], text, uuid, timestamptz) is
    'For the mailer: marks the deliveries a mail carried as sent with its Message-ID, if this run (claim_token) still holds them. Returns how many it marked; fewer than given means another run took some over.';

create or replace function parley.mark_deliveries_failed(ids bigint[], error text, claim_token uuid, at timestamptz)
    returns table (delivery_id bigint, state parley.delivery_state, attempts integer, retry_at timestamptz)
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    settings parley_data.alert_settings;
begin
    perform parley_data.require_claim_marked(mark_deliveries_failed.ids, mark_deliveries_failed.claim_token,
        mark_deliveries_failed.at, 'Pass the ids of the deliveries that could not be sent.');
    perform parley_data.require_argument('error', nullif(btrim(mark_deliveries_failed.error), '') is not null,
        'Say what went wrong, e.g. the exit status and output of sendmail.');
    select * into settings from parley_data.alert_settings;
    -- Back off: after attempt n wait retry_backoff[n] (the last entry repeats); after max_attempts, failed. A
    -- delivery whose alert stopped applying meanwhile (see cancel_reason) is cancelled instead of retried.
    return query
    update parley_data.deliveries d
       set state = case when a.cancel_reason is not null then 'cancelled'
                        when d.attempts >= settings.max_attempts then 'failed'
                        else 'pending' end::parley.delivery_state,
           send_after = case when a.cancel_reason is null and d.attempts < settings.max_attempts
                             then mark_deliveries_failed.at
                                  + settings.retry_backoff[least(greatest(d.attempts, 1), cardinality(settings.retry_backoff))]
                             else d.send_after end,
           cancelled_at = case when a.cancel_reason is not null then mark_deliveries_failed.at end,
           cancel_reason = a.cancel_reason,
           last_error = left(mark_deliveries_failed.error, 2000), last_failed_at = mark_deliveries_failed.at,
           claim_token = null, lease_until = null
      from parley_data.alerts a
     where a.id = d.alert_id and d.id = any (mark_deliveries_failed.ids) and d.state = 'sending'
       and d.claim_token = mark_deliveries_failed.claim_token
    returning d.id, d.state, d.attempts, case when d.state = 'pending' then d.send_after end;
end
$$;
comment on function parley.mark_deliveries_failed(bigint[], text, uuid, timestamptz) is
    'For the mailer: records that this run (claim_token) could not send these deliveries. Each is retried after the back-off of alert_settings (1 min, 5 min, 30 min, 2 h, 6 h ...) or, after max_attempts, failed (see parley.delivery_failures). Returns each one''s new state and when it will be retried.';

-- A run that stops sending (its MTA is down, its lease runs short) hands back what it claimed and never tried:
-- those deliveries wait again, with the attempt the claim counted undone, so an MTA outage does not use up the
-- attempts of mail that was never handed to it.
create or replace function parley.release_deliveries(ids bigint[], claim_token uuid, at timestamptz, retry_after interval)
    returns integer
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    released integer;
begin
    perform parley_data.require_all(array['ids', 'claim_token', 'at', 'retry_after'],
        array[release_deliveries.ids::text, release_deliveries.claim_token::text, release_deliveries.at::text,
              release_deliveries.retry_after::text],
        'release_complete', 'ids, claim_token, at and retry_after are required', 'Pass them all.');
    update parley_data.deliveries d
       set state = 'pending', attempts = greatest(d.attempts - 1, 0), claim_token = null, lease_until = null,
           send_after = release_deliveries.at + release_deliveries.retry_after
     where d.id = any (release_deliveries.ids) and d.state = 'sending' and d.claim_token = release_deliveries.claim_token;
    get diagnostics released = row_count;
    return released;
end
$$;
comment on function parley.release_deliveries(bigint[], uuid, timestamptz, interval) is
    'For the mailer: gives back claimed deliveries it did not try to send (waiting again after retry_after, the claim''s attempt undone). Only the run holding the claim can. Returns how many.';
grant execute on function parley.release_deliveries(bigint[], uuid, timestamptz, interval) to parley_daemon;

create or replace function parley.record_mailer_run(
    started_at timestamptz, finished_at timestamptz, claimed integer, sent integer, failed integer, exit_status integer)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    new_id bigint;
begin
    perform parley_data.require_all(array['started_at', 'finished_at', 'claimed', 'sent', 'failed', 'exit_status'],
        array[record_mailer_run.started_at::text, record_mailer_run.finished_at::text, record_mailer_run.claimed::text,
              record_mailer_run.sent::text, record_mailer_run.failed::text, record_mailer_run.exit_status::text],
        'mailer_run_complete', 'every field of a mailer run is required', 'Pass all six values.');
    if record_mailer_run.finished_at < record_mailer_run.started_at then
        perform parley_data.refuse('23514', 'finished_at', 'mailer_runs_finished_after_start',
            format('finished_at %s is before started_at %s', record_mailer_run.finished_at, record_mailer_run.started_at),
            'Pass the moments the run started and finished.');
    end if;
    if least(record_mailer_run.claimed, record_mailer_run.sent, record_mailer_run.failed) < 0 then
        perform parley_data.refuse('23514', 'claimed', 'mailer_runs_counts_not_negative',
            'claimed, sent and failed cannot be negative', 'Pass counts.');
    end if;
    insert into parley_data.mailer_runs (started_at, finished_at, claimed, sent, failed, exit_status)
    values (record_mailer_run.started_at, record_mailer_run.finished_at, record_mailer_run.claimed,
            record_mailer_run.sent, record_mailer_run.failed, record_mailer_run.exit_status)
    returning id into new_id;
    delete from parley_data.mailer_runs r
     where r.started_at < record_mailer_run.started_at - (select s.mailer_runs_kept from parley_data.alert_settings s);
    return new_id;
end
$$;
comment on function parley.record_mailer_run(timestamptz, timestamptz, integer, integer, integer, integer) is
    'For the mailer: records one run (what parley status shows as the last mailer run) and prunes runs older than alert_settings.mailer_runs_kept. Returns the run''s number.';
