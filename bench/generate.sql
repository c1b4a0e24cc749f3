-- Synthetic data for `make bench`: a ministry that has tracked every negotiation it is party to for two years.
--
-- Sizes (the session setting parley_bench.commitments chooses; everything else scales with it):
--     S = 10,000 commitments, M = 100,000, L = 1,000,000 commitments on 10,000 tracks with ~5,000,000 updates.
-- Run by the bench driver (Sources/parley-bench), one `-- step:` at a time so that it can time each; by hand:
--     PGOPTIONS='-c parley_bench.commitments=10000' psql -X -v ON_ERROR_STOP=1 -d DB -f bench/generate.sql
-- on a freshly migrated database, as a superuser (the script switches to parley_owner itself).
--
-- How: set-based INSERT … SELECT generate_series straight into the parley_data tables, as parley_owner, with every
-- trigger in place. Nothing is disabled, so what the triggers keep is kept exactly as in production: effective
-- classifications, commitment codes, delivered totals, last update dates and statuses (applied from the updates by
-- the statement-level trigger of commitment_updates, through the status-transition rule), the change history of
-- every row, and the plan queue that tells parleyd what to plan. The price is the history: about 7.5 M change_log
-- rows at L. Generating L takes a few minutes on 2 cores.
--
-- Randomness is a hash of the row number (bench.rnd), not random(): the same size gives the same data on every
-- run, relative to the day it runs (deadlines are spread over the two years around current_date).
--
-- Every moment an alert can fall due is on a whole UTC hour: deadlines are local midnights in zones with whole-
-- hour offsets, meetings and follow-ups start on the hour. The idle measurement (figure 6) uses that to pick a
-- minute in which nothing falls due.

-- step: helpers
-- The benchmark's own helpers live in schema bench (dropped with the database); parley_owner may not create a
-- schema, so the superuser makes it and hands it over.
create schema if not exists bench authorization parley_owner;
set role parley_owner;
-- A number in [0, 1) from a row number and a salt: a stable stand-in for random().
create or replace function bench.rnd(n bigint, salt integer) returns double precision
    language sql immutable parallel safe
    return (hashint8(n * 7919 + salt) & 2147483647)::double precision / 2147483648.0;
-- The sizes of this run, from the session setting parley_bench.commitments.
create or replace function bench.size(what text) returns bigint
    language sql stable
    return case what
        when 'commitments' then current_setting('parley_bench.commitments')::bigint
        when 'tracks' then greatest(current_setting('parley_bench.commitments')::bigint / 100, 10)
        when 'people' then greatest(current_setting('parley_bench.commitments')::bigint / 1000, 50)
        when 'parties' then 200
        when 'items' then 200
        when 'sources' then greatest(current_setting('parley_bench.commitments')::bigint / 100, 100)
        when 'figures' then greatest(current_setting('parley_bench.commitments')::bigint / 500, 100)
    end;
-- Time zones with whole-hour offsets (see above), the first one most common.
create or replace function bench.zone(n bigint) returns text
    language sql immutable
    return (array['Europe/Istanbul', 'Europe/Kyiv', 'Europe/Brussels', 'America/New_York', 'UTC', 'Asia/Tokyo',
                  'Europe/London', 'Europe/Moscow', 'Asia/Dubai'])[1 + (hashint8(n) & 2147483647) % 9];
-- A classification with the given shares of restricted, confidential and secret (the rest unclassified).
create or replace function bench.classification(r double precision, restricted double precision,
                                                confidential double precision, secret double precision)
    returns parley.classification
    language sql immutable
    return case when r < secret then 'secret'
                when r < secret + confidential then 'confidential'
                when r < secret + confidential + restricted then 'restricted'
                else 'unclassified' end::parley.classification;

-- The change history is kept by year (000008): the years the data spans get their partitions before anything is
-- written, as an installation that has run for two years would have them.
call parley_data.add_change_log_years(extract(year from now() at time zone 'UTC')::integer - 3,
                                      extract(year from now() at time zone 'UTC')::integer);

-- step: reference data
set role parley_owner;
insert into parley_data.people (email, name, timezone, clearance)
select 'officer' || n || '@mfa.example', 'Desk Officer ' || n, bench.zone(n + 17),
       bench.classification(bench.rnd(n, 1), 0.25, 0.15, 0.10)
  from generate_series(1, bench.size('people')) n;

insert into parley_data.parties (code, name, kind)
select 'P' || n, 'Party ' || n, case when n % 10 = 0 then 'organisation' else 'state' end::parley.party_kind
  from generate_series(1, bench.size('parties')) n;

insert into parley_data.agenda_items (code, title, description)
select 'item' || n,
       (array['Ceasefire', 'Prisoner exchange', 'Return of children', 'Humanitarian corridor', 'Grain exports',
              'Nuclear safety', 'Energy infrastructure', 'Demining', 'Sanctions relief', 'Monitoring mission'])[1 + n % 10]
           || ' ' || n,
       'Synthetic agenda item ' || n
  from generate_series(1, bench.size('items')) n;

insert into parley_data.sources (code, title, publisher, url, published_on)
select 'src' || n, 'Readout ' || n, 'Publisher ' || (n % 50), 'https://news.example/readout/' || n,
       current_date - (bench.rnd(n, 2) * 730)::int
  from generate_series(1, bench.size('sources')) n;

-- step: tracks
set role parley_owner;
insert into parley_data.tracks (code, name, format, status, venue, timezone, classification, lead_id)
select 'track' || n, 'Negotiation track ' || n,
       (array['bilateral', 'trilateral', 'multilateral', 'briefing'])[1 + n % 4]::parley.track_format,
       case when bench.rnd(n, 3) < 0.85 then 'active' when bench.rnd(n, 3) < 0.93 then 'paused' else 'concluded' end::parley.track_status,
       'Venue ' || (n % 40), bench.zone(n), bench.classification(bench.rnd(n, 4), 0.09, 0.05, 0.01),
       1 + (n * 37) % bench.size('people')
  from generate_series(1, bench.size('tracks')) n;

-- Three parties per track: two principals and a mediator, host or observer.
insert into parley_data.track_members (track_id, party_id, role, effective_classification)
select t.id, 1 + (t.id * 13 + k * 61) % bench.size('parties'),
       case when k < 2 then 'principal'
            else (array['mediator', 'host', 'observer'])[1 + t.id % 3] end::parley.member_role,
       t.classification
  from parley_data.tracks t cross join generate_series(0, 2) k;

-- Five agenda items per track.
insert into parley_data.track_agenda (track_id, item_id, status, status_since, effective_classification)
select t.id, 1 + (t.id * 7 + k * 41) % bench.size('items'),
       (array['proposed', 'under_discussion', 'agreed_in_principle', 'agreed', 'implementing', 'implemented',
              'stalled', 'under_discussion', 'implementing', 'agreed'])[1 + (t.id + k) % 10]::parley.agenda_status,
       current_date - (bench.rnd(t.id * 5 + k, 5) * 400)::int, t.classification
  from parley_data.tracks t cross join generate_series(0, 4) k;

-- step: meetings
set role parley_owner;
-- Ten meetings per track over the two years, on the hour; past ones held (most with an outcome), later ones
-- scheduled, a few postponed or cancelled.
insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, location, status, outcome_summary,
                                  outcome_recorded_at, classification, track_classification, effective_classification,
                                  created_at)
select 'track' || t.id || '-m' || k, t.id, 'Round ' || k || ' of track ' || t.id, s.starts_at, s.starts_at + interval '3 hours',
       'Venue ' || (t.id % 40),
       case when s.starts_at > now() then case when bench.rnd(t.id * 10 + k, 6) < 0.05 then 'postponed' else 'scheduled' end
            when bench.rnd(t.id * 10 + k, 6) < 0.05 then 'cancelled' else 'held' end::parley.meeting_status,
       case when s.starts_at < now() - interval '3 days' and bench.rnd(t.id * 10 + k, 7) < 0.9
                 and bench.rnd(t.id * 10 + k, 6) >= 0.05
            then 'The parties reviewed progress on round ' || k end,
       case when s.starts_at < now() - interval '3 days' and bench.rnd(t.id * 10 + k, 7) < 0.9
                 and bench.rnd(t.id * 10 + k, 6) >= 0.05
            then s.starts_at + interval '1 day' end,
       bench.classification(bench.rnd(t.id * 10 + k, 8), 0.05, 0.03, 0.01), t.classification,
       greatest(bench.classification(bench.rnd(t.id * 10 + k, 8), 0.05, 0.03, 0.01), t.classification),
       least(s.starts_at - interval '20 days', now() - interval '1 hour')
  from parley_data.tracks t
 cross join generate_series(0, 9) k
 cross join lateral (select date_trunc('hour', now()) - interval '365 days'
                            + (floor(bench.rnd(t.id * 10 + k, 9) * 730 * 24) || ' hours')::interval as starts_at) s;

-- step: positions
set role parley_owner;
-- Each principal states a stance on each item of its track twice; some general stances (no track).
insert into parley_data.positions (party_id, item_id, track_id, stance, statement, stated_on, source_id, classification,
                                   track_classification, effective_classification)
select m.party_id, ta.item_id, ta.track_id,
       (array['supports', 'conditional', 'opposes', 'refuses', 'undecided'])[1 + (hashint8(ta.track_id * 31 + ta.item_id * 7 + m.party_id + k) & 2147483647) % 5]::parley.stance,
       'Statement ' || k || ' of party ' || m.party_id,
       current_date - 30 - (k * 200) - (bench.rnd(ta.track_id * 1000 + ta.item_id, k) * 150)::int,
       1 + (ta.track_id * 3 + k) % bench.size('sources'),
       bench.classification(bench.rnd(ta.track_id * 1000 + ta.item_id, 10 + k), 0.05, 0.02, 0.01),
       ta.effective_classification,
       greatest(bench.classification(bench.rnd(ta.track_id * 1000 + ta.item_id, 10 + k), 0.05, 0.02, 0.01),
                ta.effective_classification)
  from parley_data.track_agenda ta
  join parley_data.track_members m on m.track_id = ta.track_id and m.role = 'principal'
 cross join generate_series(0, 1) k
on conflict do nothing;
insert into parley_data.positions (party_id, item_id, track_id, stance, statement, stated_on)
select p, i, null, 'conditional', 'General statement', current_date - 100 - ((p + i) % 300)::int
  from generate_series(1, bench.size('parties')) p
 cross join generate_series(1, bench.size('items'), 10) i;

insert into parley_data.figures (indicator, item_id, value, unit, as_of, claimant_id, source_id, confidence, classification)
select 'indicator' || (n % 100), 1 + n % bench.size('items'), 1000 + (bench.rnd(n, 11) * 20000)::int, 'people',
       current_date - (n / 100)::int, 1 + n % bench.size('parties'), 1 + n % bench.size('sources'),
       (array['confirmed', 'reported', 'estimated', 'disputed'])[1 + n % 4]::parley.confidence,
       bench.classification(bench.rnd(n, 12), 0.05, 0.02, 0.01)
  from generate_series(1, bench.size('figures')) n;

-- step: commitment plan
set role parley_owner;
-- The plan of every commitment: where it is, when it is due and where it ends up. Whether it is closed depends on
-- its deadline, as in life: of those whose deadline passed, 65 % were fulfilled, 5 % withdrawn, 3 % superseded, 7 %
-- breached (a verdict: no longer chased), and 20 % are still open (partly fulfilled, in progress or pending):
-- overdue. Of those due later, 10 % were
-- fulfilled early. 3 % have no deadline. Commitments are dealt to the tracks in turn (a hundred each) and spread
-- over each track's five items; the obligor is one of the track's principals, the owner one of the desk officers.
create table bench.track_shape as
select t.id as track_id,
       (select array_agg(a.item_id order by a.item_id) from parley_data.track_agenda a where a.track_id = t.id) as items,
       (select array_agg(m.party_id order by m.party_id) from parley_data.track_members m
         where m.track_id = t.id and m.role = 'principal') as principals
  from parley_data.tracks t;
alter table bench.track_shape add primary key (track_id);
create table bench.commitment_plan as
select d.id, d.track_id, ts.items[1 + (d.id / bench.size('tracks')) % 5] as item_id,
       ts.principals[1 + d.id % 2] as obligor_id, d.due_on, m.made_on,
       case
           when d.due_on < current_date then
               case when d.fate < 0.65 then 'fulfilled' when d.fate < 0.70 then 'withdrawn'
                    when d.fate < 0.73 then 'superseded' when d.fate < 0.80 then 'breached'
                    when d.fate < 0.90 then 'partially_fulfilled' when d.fate < 0.96 then 'in_progress'
                    else 'pending' end
           else
               case when d.fate < 0.10 then 'fulfilled' when d.fate < 0.12 then 'withdrawn'
                    when d.fate < 0.45 then 'in_progress' when d.fate < 0.55 then 'partially_fulfilled'
                    else 'pending' end
       end::parley.commitment_status as final_status,
       -- 0 to 10 updates, 5 on average; a commitment that changed status has at least one (below).
       floor(bench.rnd(d.id, 24) * 11)::int as updates,
       case when d.id % 3 = 0 then 100 + (d.id % 20) * 50 end::numeric as target_quantity,
       bench.classification(bench.rnd(d.id, 25), 0.05, 0.02, 0.01) as classification
  from (select n as id, (n - 1) % bench.size('tracks') + 1 as track_id,
               case when bench.rnd(n, 20) < 0.03 then null
                    else current_date - 365 + floor(bench.rnd(n, 21) * 730)::int end as due_on,
               bench.rnd(n, 22) as fate
          from generate_series(1, bench.size('commitments')) n) d
  join bench.track_shape ts on ts.track_id = d.track_id
 cross join lateral (
        select case when d.due_on is null then current_date - 30 - floor(bench.rnd(d.id, 23) * 700)::int
                    else least(d.due_on - 7 - floor(bench.rnd(d.id, 23) * 358)::int, current_date - 1) end as made_on
       ) m
 order by d.id;
alter table bench.commitment_plan add primary key (id);
update bench.commitment_plan set updates = 1 where updates = 0 and final_status <> 'pending';
drop table bench.track_shape;

-- step: commitments, beneficiaries and updates
-- The three big tables (1 M commitments, 1.3 M beneficiaries, 5 M updates at L) are written with the session in
-- replica mode, which turns their triggers off. Reason: with the triggers on, L took about 20 minutes on 2 cores —
-- foreign-key checks, the history's to_jsonb and the update cascade, row by row, for 7 M rows. What those triggers
-- would have derived is written directly instead, set-based, and the next step checks all of it against the
-- rules: codes (C<id>), effective classifications, delivered totals, last update dates, statuses and the dates they
-- changed (as the update trigger applies them), a beneficiary for every commitment, every foreign key. The change
-- history gets what the triggers would have written: an insert per row at the moment it was recorded, and for
-- every commitment that reports changed an update from its first version to its last at the last report; the two
-- versions of such a commitment (one for the others); then the timeline and the tallies, rebuilt.
-- Every other table is written with its triggers on, through the same code paths as production.
reset role;
set session_replication_role = replica;
set role parley_owner;
begin;
create table bench.update_plan as
select p.id as commitment_id, k,
       p.made_on + ((least(coalesce(p.due_on + 30, current_date), current_date) - p.made_on) * k / (p.updates + 1)) as reported_on,
       case when p.target_quantity is not null then round(p.target_quantity / p.updates) end as delivered_quantity,
       case when k = p.updates and p.final_status <> 'pending' then p.final_status
            when k = 1 and p.updates > 2 and p.final_status not in ('pending', 'in_progress') then 'in_progress'
       end::parley.commitment_status as new_status
  from bench.commitment_plan p
 cross join generate_series(1, p.updates) k;

insert into parley_data.commitments (id, code, track_id, item_id, obligor_id, text, made_on, due_on, target_quantity,
                                     unit, status, status_changed_on, owner_id, classification, track_classification,
                                     effective_classification, source_id, delivered_quantity, last_update_on,
                                     created_at, updated_at)
overriding system value
select p.id, 'C' || p.id, p.track_id, p.item_id, p.obligor_id,
       'Party ' || p.obligor_id || ' undertakes to '
           || (array['release detainees', 'open the crossing', 'return the remains', 'deliver the list',
                     'withdraw heavy weapons', 'restore power lines', 'allow monitors access', 'exchange prisoners'])[1 + p.id % 8]
           || ' (commitment ' || p.id || ')',
       p.made_on, p.due_on, p.target_quantity, case when p.target_quantity is not null then 'people' end,
       coalesce(u.last_status, 'pending'), coalesce(u.last_status_on, p.made_on), 1 + (p.id * 7) % bench.size('people'),
       p.classification, t.classification, greatest(p.classification, t.classification),
       case when p.id % 4 = 0 then 1 + p.id % bench.size('sources') end,
       coalesce(u.delivered, 0), u.last_reported_on,
       p.made_on + interval '10 hours', coalesce(u.last_reported_on + interval '12 hours', p.made_on + interval '10 hours')
  from bench.commitment_plan p
  join parley_data.tracks t on t.id = p.track_id
  left join (
        -- What the trigger of commitment_updates derives (parley_data.apply_new_commitment_updates).
        select x.commitment_id, sum(x.delivered_quantity) as delivered, max(x.reported_on) as last_reported_on,
               (array_agg(x.new_status order by x.reported_on desc, x.k desc) filter (where x.new_status is not null))[1] as last_status,
               (array_agg(x.reported_on order by x.reported_on desc, x.k desc) filter (where x.new_status is not null))[1] as last_status_on
          from bench.update_plan x
         group by x.commitment_id
       ) u on u.commitment_id = p.id
 order by p.id;
do $$ begin perform setval(pg_get_serial_sequence('parley_data.commitments', 'id'), (select max(id) from parley_data.commitments)); end $$;

-- Owed to the other principal, and a third of the time also to the track's third member.
insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id, effective_classification)
select c.id, c.obligor_id, m.party_id, c.effective_classification
  from parley_data.commitments c
  join parley_data.track_members m on m.track_id = c.track_id and m.party_id <> c.obligor_id
 where m.role = 'principal' or c.id % 3 = 0
 order by c.id, m.party_id;

-- 0 to 10 reports per commitment between the day it was made and today (or shortly after its deadline); the last
-- one carries the final status, an earlier one may say in progress.
insert into parley_data.commitment_updates (commitment_id, reported_on, delivered_quantity, new_status, note,
                                            source_id, reported_by_party_id, recorded_by_id, verification, created_at,
                                            effective_classification)
select x.commitment_id, x.reported_on, x.delivered_quantity, x.new_status,
       'Report ' || x.k || ' on commitment ' || x.commitment_id,
       case when x.k % 2 = 0 then 1 + (x.commitment_id + x.k) % bench.size('sources') end,
       c.obligor_id, c.owner_id,
       (array['both_parties', 'one_party', 'mediator', 'media', 'unverified'])[1 + (x.commitment_id + x.k) % 5]::parley.verification,
       x.reported_on + interval '12 hours', c.effective_classification
  from bench.update_plan x
  join parley_data.commitments c on c.id = x.commitment_id
 order by x.commitment_id, x.k;

-- The history, as the recording trigger (parley_data.record_changes) would have written it.
insert into parley_data.change_log (changed_at, transaction_id, changed_by, table_name, row_id, operation, old_row, new_row,
                                   classification)
select c.created_at, pg_current_xact_id(), session_user, 'commitments', c.id::text, 'insert', null,
       to_jsonb(c) || jsonb_build_object('status', 'pending', 'status_changed_on', c.made_on, 'delivered_quantity', 0,
                                         'last_update_on', null, 'updated_at', c.created_at), c.effective_classification
  from parley_data.commitments c
 order by c.created_at, c.id;
insert into parley_data.change_log (changed_at, transaction_id, changed_by, table_name, row_id, operation, old_row, new_row,
                                   classification)
select b.created_at, pg_current_xact_id(), session_user, 'commitment_beneficiaries', b.commitment_id || ',' || b.party_id,
       'insert', null, to_jsonb(b) - 'created_at', b.effective_classification
  from (select x.*, c.created_at from parley_data.commitment_beneficiaries x
          join parley_data.commitments c on c.id = x.commitment_id) b
 order by b.created_at, b.commitment_id;
insert into parley_data.change_log (changed_at, transaction_id, changed_by, table_name, row_id, operation, old_row, new_row,
                                   classification)
select u.created_at, pg_current_xact_id(), session_user, 'commitment_updates', u.id::text, 'insert', null, to_jsonb(u),
       u.effective_classification
  from parley_data.commitment_updates u
 order by u.created_at, u.id;
-- An update keeps what changed, and in new_row what names the record (parley_data.record_changes).
insert into parley_data.change_log (changed_at, transaction_id, changed_by, table_name, row_id, operation, old_row, new_row,
                                   classification)
select c.updated_at, pg_current_xact_id(), session_user, 'commitments', c.id::text, 'update',
       jsonb_build_object('status_changed_on', c.made_on, 'delivered_quantity', 0, 'last_update_on', null,
                          'updated_at', c.created_at)
           || case when c.status <> 'pending' then jsonb_build_object('status', 'pending') else '{}' end,
       jsonb_build_object('id', c.id, 'code', c.code, 'track_id', c.track_id, 'item_id', c.item_id,
                          'status_changed_on', c.status_changed_on, 'delivered_quantity', c.delivered_quantity,
                          'last_update_on', c.last_update_on, 'updated_at', c.updated_at)
           || case when c.status <> 'pending' then jsonb_build_object('status', c.status) else '{}' end,
       c.effective_classification
  from parley_data.commitments c
 where c.last_update_on is not null
 order by c.updated_at, c.id;
-- The versions the recording trigger (parley_data.record_versions) would have kept: as made, from when it was
-- recorded, until its last report; as it is now from then on.
set local parley.change_log_maintenance = 'on';
insert into parley_data.commitment_versions
      (commitment_id, valid_from, valid_to, code, track_id, item_id, obligor_id, text, made_on, due_on, status,
       target_quantity, unit, delivered_quantity, owner_id, effective_classification, recorded_by, classification)
select c.id, c.created_at, case when c.last_update_on is not null then c.updated_at else 'infinity' end, c.code,
       c.track_id, c.item_id, c.obligor_id, c.text, c.made_on, c.due_on, 'pending', c.target_quantity, c.unit, 0,
       c.owner_id, c.effective_classification, session_user, c.effective_classification
  from parley_data.commitments c
 order by c.id;
insert into parley_data.commitment_versions
      (commitment_id, valid_from, code, track_id, item_id, obligor_id, text, made_on, due_on, status,
       target_quantity, unit, delivered_quantity, owner_id, effective_classification, recorded_by, classification)
select c.id, c.updated_at, c.code, c.track_id, c.item_id, c.obligor_id, c.text, c.made_on, c.due_on, c.status,
       c.target_quantity, c.unit, c.delivered_quantity, c.owner_id, c.effective_classification, session_user,
       c.effective_classification
  from parley_data.commitments c
 where c.last_update_on is not null
 order by c.id;
commit;
drop table bench.update_plan;
reset role;
set session_replication_role = origin;
set role parley_owner;
-- Plan everything there is (the first plan of figure 1): what the triggers would have queued, in one entry.
insert into parley_data.plan_queue (subject_type) values ('all');
-- What the triggers of the three tables keep besides (070_timeline_events, 080_commitment_tallies), derived from the
-- tables by the functions that rebuild them: the events of commitments made and updates recorded (those of
-- meetings, positions and figures were written by their triggers), the tallies, and the last activity of the agenda
-- entries worked out from them and their stances (085_agenda_activity), which also empties the queue the triggers of
-- positions, members and the agenda filled: the stale and agenda views' figures measure the stored path, as after
-- the leader's refresh.
select parley_data.rebuild_timeline();
select parley_data.rebuild_commitment_tallies();
select parley_data.rebuild_agenda_activity();

-- step: follow-ups and subscriptions
set role parley_owner;
-- One follow-up per 20 commitments: mostly about a commitment, some about a meeting or a track; due on the hour
-- within two months either side of now; most past ones done.
-- Each kept at the level of what it is about.
insert into parley_data.follow_ups (code, commitment_id, meeting_id, track_id, assignee_id, due_at, note, done_at, created_at,
                                    effective_classification)
select 'FU' || n, s.commitment_id, s.meeting_id, s.track_id,
       1 + (n * 11) % bench.size('people'), f.due_at, 'Chase the parties about item ' || n,
       case when f.due_at < now() and bench.rnd(n, 30) < 0.8 then f.due_at - interval '2 hours' end,
       f.due_at - interval '30 days',
       coalesce((select c.effective_classification from parley_data.commitments c where c.id = s.commitment_id),
                (select m.effective_classification from parley_data.meetings m where m.id = s.meeting_id),
                (select t.classification from parley_data.tracks t where t.id = s.track_id))
  from generate_series(1, bench.size('commitments') / 20) n
 cross join lateral (
        select case when n % 10 < 7 then n * 20 end as commitment_id,
               case when n % 10 in (7, 8) then (select m.id from parley_data.meetings m where m.track_id = 1 + n % bench.size('tracks') order by m.id limit 1) end as meeting_id,
               case when n % 10 = 9 then 1 + n % bench.size('tracks') end as track_id) s
 cross join lateral (select date_trunc('hour', now()) + ((floor(bench.rnd(n, 31) * 120 * 24) - 60 * 24) || ' hours')::interval as due_at) f;

-- Every desk officer follows three tracks (warnings and worse); one in ten follows an agenda item across tracks;
-- a few follow everything, but only what is critical.
insert into parley_data.subscriptions (person_id, track_id, item_id, min_severity, effective_classification)
select p.id, t.id, null, 'warning', t.classification
  from parley_data.people p cross join generate_series(0, 2) k
  join parley_data.tracks t on t.id = 1 + (p.id * 101 + k * 997) % bench.size('tracks')
on conflict do nothing;
insert into parley_data.subscriptions (person_id, track_id, item_id, min_severity)
select p.id, null, 1 + p.id % bench.size('items'), 'info'
  from parley_data.people p where p.id % 10 = 0;
insert into parley_data.subscriptions (person_id, track_id, item_id, min_severity)
select p.id, null, null, 'critical'
  from parley_data.people p where p.id % 200 = 1;

-- step: checks
set role parley_owner;
-- What the triggers would have kept, checked against the rules: a broken generator stops the benchmark here.
do $$
declare
    problem text;
begin
    select string_agg(format('%s: %s', what, n), '; ') into problem
      from (
        select 'commitments not at their planned status' as what, count(*) as n
          from bench.commitment_plan p join parley_data.commitments c on c.id = p.id
         where c.status <> p.final_status
        union all
        select 'commitments whose code, classification or track agenda is off', count(*)
          from parley_data.commitments c
          join parley_data.tracks t on t.id = c.track_id
         where c.code <> 'C' || c.id
            or c.effective_classification <> greatest(c.classification, t.classification)
            or not exists (select 1 from parley_data.track_agenda a where a.track_id = c.track_id and a.item_id = c.item_id)
            or not exists (select 1 from parley_data.parties o where o.id = c.obligor_id)
            or not exists (select 1 from parley_data.people o where o.id = c.owner_id)
            or c.due_on < c.made_on
        union all
        select 'commitments whose delivered total, last report or status date differ from their updates', count(*)
          from parley_data.commitments c
          left join (
                select u.commitment_id, sum(u.delivered_quantity) as delivered, max(u.reported_on) as last_on,
                       (array_agg(u.reported_on order by u.reported_on desc, u.id desc)
                            filter (where u.new_status is not null))[1] as status_on,
                       (array_agg(u.new_status order by u.reported_on desc, u.id desc)
                            filter (where u.new_status is not null))[1] as status
                  from parley_data.commitment_updates u
                 group by u.commitment_id
               ) u on u.commitment_id = c.id
         where c.delivered_quantity <> coalesce(u.delivered, 0)
            or c.last_update_on is distinct from u.last_on
            or c.status <> coalesce(u.status, 'pending')
            or c.status_changed_on <> coalesce(u.status_on, c.made_on)
        union all
        select 'commitments without a beneficiary', count(*)
          from parley_data.commitments c
         where not exists (select 1 from parley_data.commitment_beneficiaries b where b.commitment_id = c.id)
        union all
        select 'beneficiaries that are off', count(*)
          from parley_data.commitment_beneficiaries b
          left join parley_data.commitments c on c.id = b.commitment_id
         where c.id is null or c.obligor_id <> b.obligor_id or b.party_id = b.obligor_id
            or not exists (select 1 from parley_data.parties p where p.id = b.party_id)
        union all
        select 'updates with a dangling reference or before the commitment was made', count(*)
          from parley_data.commitment_updates u
          left join parley_data.commitments c on c.id = u.commitment_id
         where c.id is null or u.reported_on < c.made_on
            or (u.source_id is not null and not exists (select 1 from parley_data.sources s where s.id = u.source_id))
        union all
        select 'commitments without their history', count(*)
          from parley_data.commitments c
         where not exists (select 1 from parley_data.change_log l
                            where l.table_name = 'commitments' and l.row_id = c.id::text)
        union all
        select 'commitments whose version in force is not what they are', count(*)
          from parley_data.commitments c
         where not exists (select 1 from parley_data.commitment_versions v
                            where v.commitment_id = c.id and v.valid_to = 'infinity'
                              and (v.status, v.due_on, v.delivered_quantity, v.effective_classification)
                                  is not distinct from (c.status, c.due_on, c.delivered_quantity, c.effective_classification))
        union all
        select 'commitments without their event in the timeline', count(*)
          from parley_data.commitments c
         where not exists (select 1 from parley_data.timeline_events e
                            where e.kind = 'commitment_made' and e.subject_id = c.id)
        union all
        select 'commitments not tallied', (select count(*) from parley_data.commitments)
                                          - (select coalesce(sum(t.made), 0) from parley_data.commitment_tallies t)
       ) x
     where n > 0;
    if problem is not null then
        raise exception 'generator: %', problem;
    end if;
end
$$;
drop table bench.commitment_plan;
