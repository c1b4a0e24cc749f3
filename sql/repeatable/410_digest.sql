-- What a digest e-mail says about each delivery (parley.delivery_digest, parley.digest_preview).
set local role parley_owner;

-- The alert mailer's view of a delivery: everything a digest e-mail says about an alert, in one row per delivery.
--
-- The mailer (parley alerts send) claims a round of deliveries with parley.claim_round (400_delivery.sql), which
-- fixes their digests, and then asks parley.delivery_digest for what to write about them; parley digest and the
-- mailer's --dry-run ask parley.digest_preview for the deliveries the next run would claim, without claiming
-- anything (grouped per recipient: a digest an earlier claim fixed goes out as it was fixed, under its Message-ID).
--
-- E-mail leaves the protected system, so both functions take the highest classification whose details may be
-- mailed (the mailer's PARLEY_MAIL_MAX_CLASSIFICATION). For an alert above it they return only what the digest needs
-- to say that there is such an alert and where to look: its number, kind, severity and classification. Everything
-- else (track, item, parties, text, figures, dates) stays empty, so that it never reaches the mailer's memory.
--
-- Times: `at` is the moment the digest is written (the database clock, or a chosen moment in tests); days left and
-- overdue are counted in the track's time zone at that moment, as parley.open_commitments counts them.

-- Set-based (issue 17): a round's details are read in one pass per table, not per delivery. Each table is read once
-- for the ids the round needs (`id = any (array(...))`: one index scan per partition and round, where a look-up per
-- delivery scanned each of the four classification partitions for each of some 40 joins), and the pieces are joined
-- by hash in memory; the alerts by the level their deliveries carry (deliveries reference them by id and
-- classification), so each look-up is pruned to one partition. Only alerts within the ceiling (`mailable`) have
-- their details read at all.
create or replace function parley_data.digest_details(delivery_ids bigint[], at timestamptz, ceiling parley.classification)
    returns setof parley.digest_entry
    language plpgsql stable
    set search_path = parley_data, parley, pg_catalog, pg_temp
    -- One plan for the session's rounds (planning this statement takes as long as running it for a round of 500).
    -- The planner cannot see the arrays' lengths and takes each piece for a row or two: so the pieces are joined
    -- by hash (a nested loop over one piece for each row of another would cost a round squared), and each table is
    -- read by its index for the round's ids (a scan comparing every row with every id would cost the table's size
    -- times the round's).
    set plan_cache_mode = force_generic_plan
    set enable_nestloop = off
    set enable_seqscan = off
as $$
begin
    return query
    with round as materialized (
            select d.id, d.alert_id, d.classification, d.attempts, d.person_id, d.reason
              from parley_data.deliveries d
             where d.id = any (digest_details.delivery_ids)),
         alert as materialized (
            select a.id, a.kind, a.severity, a.subject_type, a.subject_id, a.subject_code, a.occurrence, a.due_at,
                   a.escalated, a.escalated_to_id, a.responsible_id, a.classification, a.track_id, a.item_id,
                   a.commitment_id,
                   -- Never above what the administrator allows to leave by e-mail, whatever the mailer asks for.
                   a.classification <= least(digest_details.ceiling,
                                             (select s.mail_ceiling from parley_data.alert_settings s)) as mailable
              from parley_data.alerts a
             where a.id = any (array(select r.alert_id from round r))),
         recipient as materialized (
            select x.id, x.email, x.name, x.timezone from parley_data.people x
             where x.id = any (array(select r.person_id from round r))),
         -- The details, read only for alerts within the ceiling.
         mailable as materialized (select * from alert where alert.mailable),
         fu as materialized (
            select f.id, f.note, f.due_at, f.assignee_id, f.commitment_id, f.meeting_id, f.track_id
              from parley_data.follow_ups f
             where f.id = any (array(select m.subject_id from mailable m where m.subject_type = 'follow_up'))),
         agr as materialized (
            select g.id, g.code, g.title, g.kind, g.status, g.timezone
              from parley_data.agreements g
             where g.id = any (array(select m.subject_id from mailable m where m.subject_type = 'agreement'))),
         -- The participation change or status event an agreement alert tells of (its occurrence names it:
         -- "participation #12", "status #7").
         part as materialized (
            select x.id, x.agreement_id, x.party_id, x.change, x.announced_on, x.effective_on, x.note, x.source_id
              from parley_data.agreement_participation x
             where x.id = any (array(select substring(m.occurrence from '#([0-9]+)$')::bigint from mailable m
                                      where m.subject_type = 'agreement' and m.occurrence like 'participation #%'))),
         st as materialized (
            select x.id, x.agreement_id, x.status, x.happened_on, x.note, x.source_id
              from parley_data.agreement_status_events x
             where x.id = any (array(select substring(m.occurrence from '#([0-9]+)$')::bigint from mailable m
                                      where m.subject_type = 'agreement' and m.occurrence like 'status #%'))),
         tr as materialized (
            select t.id, t.code, t.name, t.timezone
              from parley_data.tracks t
             where t.id = any (array(select m.track_id from mailable m union select f.track_id from fu f))),
         cm as materialized (
            select c.id, c.code, c.text, c.obligor_id, c.owner_id, c.made_on, c.due_on, c.status, c.target_quantity,
                   c.unit, c.delivered_quantity, c.status_changed_on
              from parley_data.commitments c
             where c.id = any (array(select m.commitment_id from mailable m union select f.commitment_id from fu f))),
         -- Each commitment's last update.
         upd as materialized (
            select distinct on (x.commitment_id) x.commitment_id, x.reported_on, x.note, x.new_status,
                   x.delivered_quantity, x.verification, x.reported_by_party_id, x.source_id
              from parley_data.commitment_updates x
             where x.commitment_id = any (array(select m.commitment_id from mailable m))
             order by x.commitment_id, x.reported_on desc, x.id desc),
         ben as materialized (
            select b.commitment_id, string_agg(bp.name, ', ' order by bp.name) as names
              from parley_data.commitment_beneficiaries b
              join parley_data.parties bp on bp.id = b.party_id
             where b.commitment_id = any (array(select m.commitment_id from mailable m))
             group by b.commitment_id),
         mt as materialized (
            select x.id, x.code, x.title, x.starts_at, x.ends_at, x.location, x.status
              from parley_data.meetings x
             where x.id = any (array(select m.subject_id from mailable m where m.subject_type = 'meeting'
                                     union select f.meeting_id from fu f))),
         -- Each agreement's current term, and its parties.
         term as materialized (
            select distinct on (x.agreement_id) x.agreement_id, x.number, x.ends_on, x.renewal, x.objection_notice
              from parley_data.agreement_terms x
             where x.agreement_id = any (array(select g.id from agr g))
             order by x.agreement_id, x.number desc),
         agp as materialized (
            select ap.agreement_id,
                   string_agg(pp.name || ' (' || replace(ap.role::text, '_', ' ') || ')', ', ' order by ap.role, pp.name) as names
              from parley_data.agreement_parties ap
              join parley_data.parties pp on pp.id = ap.party_id
             where ap.agreement_id = any (array(select g.id from agr g))
             group by ap.agreement_id),
         it as materialized (
            select i.id, i.code, i.title from parley_data.agenda_items i
             where i.id = any (array(select m.item_id from mailable m))),
         pe as materialized (
            select x.id, x.name from parley_data.people x
             where x.id = any (array(select c.owner_id from cm c union select f.assignee_id from fu f))),
         pa as materialized (
            select x.id, x.name from parley_data.parties x
             where x.id = any (array(select c.obligor_id from cm c union select u.reported_by_party_id from upd u
                                     union select p.party_id from part p))),
         so as materialized (
            select x.id, x.title, x.publisher, x.published_on, x.url from parley_data.sources x
             where x.id = any (array(select u.source_id from upd u union select p.source_id from part p
                                     union select s.source_id from st s))),
         details as (
            select a.id as alert_id,
                   t.code as track_code, t.name as track_name, t.timezone as track_timezone,
                   i.code as item_code, i.title as item_title,
                   c.code as commitment_code, c.text as commitment_text, ob.name as obligor,
                   ben.names as beneficiaries,
                   c.made_on, c.due_on,
                   ((c.due_on + 1)::timestamp at time zone t.timezone) as deadline_at,
                   c.due_on - (digest_details.at at time zone t.timezone)::date as days_left,
                   c.status::text as commitment_status, c.target_quantity, c.unit, c.delivered_quantity,
                   round(100 * c.delivered_quantity / c.target_quantity, 1) as progress_pct,
                   o.name as owner_name, c.status_changed_on,
                   u.reported_on as last_update_on, u.note as last_update_note, u.new_status::text as last_update_status,
                   u.delivered_quantity as last_update_delivered, u.verification::text as last_update_verification,
                   rp.name as last_update_reported_by,
                   concat_ws(', ', us.title, us.publisher, us.published_on::text) as last_update_source,
                   us.url as last_update_source_url,
                   m.code as meeting_code, m.title as meeting_title, m.starts_at as meeting_starts_at,
                   m.ends_at as meeting_ends_at, m.location as meeting_location, m.status::text as meeting_status,
                   f.note as follow_up_note, f.due_at as follow_up_due_at, fa.name as follow_up_assignee,
                   case when f.commitment_id is not null then 'commitment ' || fc.code
                        when f.meeting_id is not null then 'meeting ' || fm.code
                        when f.track_id is not null then 'track ' || ft.code end as follow_up_about,
                   ag.code as agreement_code, ag.title as agreement_title, ag.kind::text as agreement_kind,
                   ag.status::text as agreement_status, ag.timezone as agreement_timezone,
                   agp.names as agreement_parties,
                   term.number as term_number, term.ends_on as term_ends_on,
                   parley_data.deadline_at(term.ends_on, ag.timezone) as term_end_at,
                   term.ends_on - (digest_details.at at time zone ag.timezone)::date as term_days_left,
                   replace(term.renewal::text, '_', ' ') as term_renewal,
                   parley_data.objection_deadline(term.ends_on, term.objection_notice) as objection_deadline_on,
                   coalesce(pp_event.name || case part.change when 'withdrawn' then ' withdrew from'
                                                                   when 'suspended' then ' suspended its participation in'
                                                                   else ' resumed its participation in' end
                                || ' the agreement (announced ' || part.announced_on || ', effective '
                                || part.effective_on || ')' || coalesce(': ' || part.note, ''),
                            'The agreement was ' || replace(st.status::text, '_', ' ') || ' on ' || st.happened_on
                                || coalesce(': ' || st.note, '')) as agreement_event,
                   concat_ws(', ', es.title, es.publisher, es.published_on::text) as agreement_event_source,
                   es.url as agreement_event_source_url
              from mailable a
              left join tr t on t.id = a.track_id
              left join it i on i.id = a.item_id
              left join cm c on c.id = a.commitment_id
              left join ben on ben.commitment_id = c.id
              left join pa ob on ob.id = c.obligor_id
              left join pe o on o.id = c.owner_id
              left join upd u on u.commitment_id = c.id
              left join pa rp on rp.id = u.reported_by_party_id
              left join so us on us.id = u.source_id
              left join fu f on a.subject_type = 'follow_up' and f.id = a.subject_id
              left join pe fa on fa.id = f.assignee_id
              left join cm fc on fc.id = f.commitment_id
              left join mt fm on fm.id = f.meeting_id
              left join tr ft on ft.id = f.track_id
              left join mt m on m.id = case when a.subject_type = 'meeting' then a.subject_id else f.meeting_id end
              left join agr ag on a.subject_type = 'agreement' and ag.id = a.subject_id
              left join agp on agp.agreement_id = ag.id
              left join term on term.agreement_id = ag.id
              left join part on a.occurrence like 'participation #%' and part.agreement_id = ag.id
               and part.id = substring(a.occurrence from '#([0-9]+)$')::bigint
              left join pa pp_event on pp_event.id = part.party_id
              left join st on a.occurrence like 'status #%' and st.agreement_id = ag.id
               and st.id = substring(a.occurrence from '#([0-9]+)$')::bigint
              left join so es on es.id = coalesce(part.source_id, st.source_id))
    select d.id, a.id, d.attempts, p.id, p.email, p.name, p.timezone, d.reason,
           a.kind, a.severity, a.subject_type, a.subject_id, a.subject_code, a.occurrence, a.due_at,
           -- Escalated to somebody new: when the one responsible is the track's lead, nobody more was told.
           a.escalated and a.escalated_to_id is distinct from a.responsible_id,
           a.classification, a.mailable,
           v.track_code, v.track_name, v.track_timezone, v.item_code, v.item_title,
           v.commitment_code, v.commitment_text, v.obligor, v.beneficiaries, v.made_on, v.due_on, v.deadline_at,
           v.days_left, v.commitment_status, v.target_quantity, v.unit, v.delivered_quantity, v.progress_pct,
           v.owner_name, v.status_changed_on,
           v.last_update_on, v.last_update_note, v.last_update_status, v.last_update_delivered,
           v.last_update_verification, v.last_update_reported_by, v.last_update_source, v.last_update_source_url,
           v.meeting_code, v.meeting_title, v.meeting_starts_at, v.meeting_ends_at, v.meeting_location,
           v.meeting_status, v.follow_up_note, v.follow_up_due_at, v.follow_up_assignee, v.follow_up_about,
           v.agreement_code, v.agreement_title, v.agreement_kind, v.agreement_status, v.agreement_timezone,
           v.agreement_parties, v.term_number, v.term_ends_on, v.term_end_at, v.term_days_left, v.term_renewal,
           v.objection_deadline_on, v.agreement_event, v.agreement_event_source, v.agreement_event_source_url
      from round d
      join alert a on a.id = d.alert_id and a.classification = d.classification
      join recipient p on p.id = d.person_id
      left join details v on v.alert_id = a.id
     order by p.id, a.severity desc, a.due_at, d.id;
end
$$;
comment on function parley_data.digest_details(bigint[], timestamptz, parley.classification) is
    'The mailer: what a digest says about each of these deliveries at `at`; details only for alerts classified at most `ceiling`.';

create or replace function parley_data.check_digest_arguments(at timestamptz, max_classification parley.classification)
    returns void
    language plpgsql as $$
begin
    perform parley_data.require_argument('at', at is not null,
        'Pass the moment the digest is written, normally now().');
    perform parley_data.require_argument('max_classification', max_classification is not null,
        'Pass the highest classification whose details may go out by e-mail, e.g. ''restricted''.');
end
$$;

create or replace function parley.delivery_digest(
    delivery_ids bigint[], at timestamptz, max_classification parley.classification default 'restricted')
    returns setof parley.digest_entry
    language plpgsql stable security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    -- A round's few hundred rows by their ids. The planner's estimate of the lateral details is millions of rows,
    -- which would have them JIT-compiled (optimised and inlined) at every call: 0.3 s → 6-10 s a round of 500 on a
    -- busy host (BENCHMARKS.md, figure 4). Parallel workers, too, cost more to start than they save here.
    -- (The details are read set-based, a table at a time for the whole round, and joined by hash in memory:
    -- parley_data.digest_details.)
    set jit = off
    set max_parallel_workers_per_gather = 0
as $$
begin
    perform parley_data.check_digest_arguments(delivery_digest.at, delivery_digest.max_classification);
    perform parley_data.require_argument('delivery_ids', delivery_digest.delivery_ids is not null,
        'Pass the ids that parley.claim_round returned.');
    return query
    select * from parley_data.digest_details(delivery_digest.delivery_ids, delivery_digest.at,
                                             delivery_digest.max_classification);
end
$$;
comment on function parley.delivery_digest(bigint[], timestamptz, parley.classification) is
    'For the mailer: what the digest e-mail says about each of these (claimed) deliveries at `at`, one row each, by recipient and then most severe first. Details only for alerts classified at most max_classification; for the others only their number, kind, severity and classification.';

-- What the next mailer run would claim: deliveries due by `at` (pending), and claims of runs whose lease ran out,
-- as parley.claim_round picks them, without claiming anything.
create or replace function parley.digest_preview(
    at timestamptz, max_classification parley.classification default 'restricted', recipient text default null)
    returns setof parley.digest_entry
    language plpgsql stable security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    -- As delivery_digest: no JIT compilation of the details for a mailbox's worth of rows.
    set jit = off
as $$
declare
    this_person bigint;
    due bigint[];
begin
    perform parley_data.check_digest_arguments(digest_preview.at, digest_preview.max_classification);
    if digest_preview.recipient is not null then
        select p.id into this_person from parley_data.people p where lower(p.email) = lower(digest_preview.recipient);
        if this_person is null then
            perform parley_data.refuse('23503', 'recipient', 'person_exists',
                format('person "%s" does not exist', digest_preview.recipient),
                'Give the e-mail address of a person, as parley.add_person recorded it.');
        end if;
    end if;
    select array_agg(d.id) into due
      from parley_data.deliveries d
     where ((d.state = 'pending' and d.send_after <= digest_preview.at)
            or (d.state = 'sending' and d.lease_until <= digest_preview.at
                and d.attempts < (select s.max_attempts from parley_data.alert_settings s)))
       and (this_person is null or d.person_id = this_person);
    return query
    select * from parley_data.digest_details(coalesce(due, '{}'), digest_preview.at, digest_preview.max_classification);
end
$$;
comment on function parley.digest_preview(timestamptz, parley.classification, text) is
    'The digests the next mailer run would send at `at`, without claiming or marking anything: one row per delivery due (optionally only for the person with e-mail `recipient`), as parley.delivery_digest returns them. What parley digest and parley alerts send --dry-run print.';
