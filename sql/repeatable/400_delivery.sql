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

create or replace function parley.claim_deliveries(at timestamptz, lease interval, max_count integer)
    returns table (
        delivery_id         bigint,
        alert_id            bigint,
        claim_token         uuid,
        attempt             integer,
        person_id           bigint,
        recipient_email     text,
        recipient_name      text,
        recipient_timezone  text,
        reason              text,
        kind                parley.alert_kind,
        severity            parley.severity,
        subject_type        parley.alert_subject,
        subject_id          bigint,
        subject_code        text,
        track_id            bigint,
        item_id             bigint,
        commitment_id       bigint,
        due_at              timestamptz,
        escalated           boolean)
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    token constant uuid := gen_random_uuid();
    settings parley_data.alert_settings;
begin
    if claim_deliveries.at is null then
        perform parley_data.refuse('23502', 'at', 'at_present', 'at is required', 'Pass now().');
    end if;
    if claim_deliveries.lease is null or claim_deliveries.lease <= interval '0' then
        perform parley_data.refuse(case when claim_deliveries.lease is null then '23502' else '23514' end,
            'lease', 'lease_positive', format('lease %s must be longer than 0', claim_deliveries.lease),
            'Give how long the run may take to send what it claims, e.g. interval ''5 minutes''.');
    end if;
    if claim_deliveries.max_count is null or claim_deliveries.max_count < 1 then
        perform parley_data.refuse(case when claim_deliveries.max_count is null then '23502' else '23514' end,
            'max_count', 'max_count_positive', format('max_count %s must be at least 1', claim_deliveries.max_count),
            'Give how many deliveries to claim at most, e.g. 500.');
    end if;
    select * into settings from parley_data.alert_settings;

    -- A claim whose lease ran out is taken over below, unless its alert stopped applying meanwhile, or it was
    -- the last allowed attempt (the run died with it).
    update parley_data.deliveries d
       set state = 'cancelled', cancelled_at = claim_deliveries.at, cancel_reason = a.cancel_reason,
           lease_until = null, claim_token = null
      from parley_data.alerts a
     where d.state = 'sending' and d.lease_until <= claim_deliveries.at
       and a.id = d.alert_id and a.cancel_reason is not null;
    update parley_data.deliveries d
       set state = 'failed', last_failed_at = claim_deliveries.at, lease_until = null, claim_token = null,
           last_error = concat_ws('; ', d.last_error, format('claim lapsed on attempt %s of %s', d.attempts, settings.max_attempts))
     where d.state = 'sending' and d.lease_until <= claim_deliveries.at and d.attempts >= settings.max_attempts;

    -- Recipients are checked again at the moment of sending: a person deactivated, or no longer cleared for the
    -- alert's classification, since the plan is not mailed (the plan would drop them too, but the daemon may be
    -- stopped or behind).
    update parley_data.deliveries d
       set state = 'cancelled', cancelled_at = claim_deliveries.at, cancel_reason = 'no longer a recipient',
           lease_until = null, claim_token = null
      from parley_data.alerts a, parley_data.people p
     where a.id = d.alert_id and p.id = d.person_id
       and ((d.state = 'pending' and d.send_after <= claim_deliveries.at)
            or (d.state = 'sending' and d.lease_until <= claim_deliveries.at))
       and (not p.active or p.clearance < a.classification);

    return query
    with picked as (
        select d.id
          from parley_data.deliveries d
         where (d.state = 'pending' and d.send_after <= claim_deliveries.at)
            or (d.state = 'sending' and d.lease_until <= claim_deliveries.at)
         order by d.send_after, d.id
         limit claim_deliveries.max_count
           for update skip locked
    ),
    claimed as (
        update parley_data.deliveries d
           set state = 'sending', attempts = d.attempts + 1, claim_token = token, claimed_at = claim_deliveries.at,
               lease_until = claim_deliveries.at + claim_deliveries.lease
          from picked p
         where d.id = p.id
        returning d.id, d.alert_id, d.person_id, d.attempts, d.reason
    )
    select c.id, c.alert_id, token, c.attempts, c.person_id, p.email, p.name, p.timezone, c.reason,
           a.kind, a.severity, a.subject_type, a.subject_id, a.subject_code, a.track_id, a.item_id, a.commitment_id,
           a.due_at, a.escalated
      from claimed c
      join parley_data.alerts a on a.id = c.alert_id
      join parley_data.people p on p.id = c.person_id
     order by c.person_id, c.id;
end
$$;
comment on function parley.claim_deliveries(timestamptz, interval, integer) is
    'For the mailer: claims up to max_count deliveries due by `at` (and claims of dead runs whose lease ran out) with FOR UPDATE SKIP LOCKED, so overlapping runs never get the same one, and leases them until at + lease under one claim token. Returns them ordered by recipient (to make one digest each), with what the mail needs. A retry re-claims the same delivery row.';

create or replace function parley.mark_deliveries_sent(ids bigint[], message_id text, claim_token uuid, at timestamptz)
    returns integer
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    marked integer;
begin
    if mark_deliveries_sent.ids is null or cardinality(mark_deliveries_sent.ids) = 0 then
        perform parley_data.refuse('23502', 'ids', 'ids_present', 'ids is required',
            'Pass the ids of the deliveries the mail carried.');
    end if;
    if mark_deliveries_sent.claim_token is null then
        perform parley_data.refuse('23502', 'claim_token', 'claim_token_present', 'claim_token is required',
            'Pass the token claim_deliveries returned.');
    end if;
    if mark_deliveries_sent.at is null then
        perform parley_data.refuse('23502', 'at', 'at_present', 'at is required', 'Pass now().');
    end if;
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
    if mark_deliveries_failed.ids is null or cardinality(mark_deliveries_failed.ids) = 0 then
        perform parley_data.refuse('23502', 'ids', 'ids_present', 'ids is required',
            'Pass the ids of the deliveries that could not be sent.');
    end if;
    if mark_deliveries_failed.claim_token is null then
        perform parley_data.refuse('23502', 'claim_token', 'claim_token_present', 'claim_token is required',
            'Pass the token claim_deliveries returned.');
    end if;
    if mark_deliveries_failed.at is null then
        perform parley_data.refuse('23502', 'at', 'at_present', 'at is required', 'Pass now().');
    end if;
    if nullif(btrim(mark_deliveries_failed.error), '') is null then
        perform parley_data.refuse('23502', 'error', 'error_present', 'error is required',
            'Say what went wrong, e.g. the exit status and output of sendmail.');
    end if;
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
    if release_deliveries.ids is null or release_deliveries.claim_token is null or release_deliveries.at is null
       or release_deliveries.retry_after is null then
        perform parley_data.refuse('23502',
            case when release_deliveries.ids is null then 'ids' when release_deliveries.claim_token is null then 'claim_token'
                 when release_deliveries.at is null then 'at' else 'retry_after' end,
            'release_complete', 'ids, claim_token, at and retry_after are required', 'Pass them all.');
    end if;
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
    if num_nulls(record_mailer_run.started_at, record_mailer_run.finished_at, record_mailer_run.claimed,
                 record_mailer_run.sent, record_mailer_run.failed, record_mailer_run.exit_status) > 0 then
        perform parley_data.refuse('23502',
            case when record_mailer_run.started_at is null then 'started_at'
                 when record_mailer_run.finished_at is null then 'finished_at'
                 when record_mailer_run.claimed is null then 'claimed'
                 when record_mailer_run.sent is null then 'sent'
                 when record_mailer_run.failed is null then 'failed'
                 else 'exit_status' end,
            'mailer_run_complete', 'every field of a mailer run is required', 'Pass all six values.');
    end if;
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
