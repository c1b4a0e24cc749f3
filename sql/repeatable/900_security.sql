-- Who may see what: row-level security by classification and every grant to the staff roles and the daemon.
set local role parley_owner;

-- Who may see what: grants to the staff roles and row-level security by classification.
--
-- How staff read tables they have no access to. The views of schema parley are `security_invoker = true`, so
-- PostgreSQL checks the querying role's privileges on every table a view reads, and row-level security filters
-- those tables for that role. Verified on PostgreSQL 15 (and tested in Tests/sql/210_security.sql):
--   * A view's query is stored with its tables already resolved, so USAGE on the tables' schema is checked only
--     when the view is created (as parley_owner), never when it is used. A security-invoker view needs SELECT on
--     its tables for the invoker, not USAGE on parley_data.
--   * A row-level security policy runs as the invoker too: its functions need EXECUTE and the tables in its
--     subqueries need SELECT, and those tables are themselves filtered by their own policies.
--   * Writing `select * from parley_data.commitments` needs the schema to resolve the name, and fails with
--     "permission denied for schema parley_data". So does every other way of naming a table (regclass, a
--     function body parsed at call time, a view of one's own).
-- So staff roles get SELECT on the tables the views read, row-level security on every classified table, and no
-- USAGE on parley_data: the views are the only way in, and they show only what the role is cleared for.
-- (What PostgreSQL shows everyone anyway: table sizes and row-count estimates in the catalogue, which say nothing
-- about classified rows; pg_stats hides the column statistics of tables under row-level security.)
--
-- Who bypasses row-level security: parley_owner, the owner of every table (no FORCE ROW LEVEL SECURITY), and so
-- every SECURITY DEFINER function it owns — the recording functions and alert planning see and write everything,
-- as they must. Staff and the daemon write only through such functions; no role is granted INSERT, UPDATE or
-- DELETE on a table, and the policies below are for SELECT only.

-- Row-level security ------------------------------------------------------------------------------------------
--
-- A row is visible when its effective classification (the higher of its own and its track's) is no higher than
-- the querying role's clearance. current_clearance() is wrapped in a scalar subquery so that it is evaluated
-- once per query, not once per row. Rows that belong to a parent (updates, beneficiaries, members, the agenda,
-- follow-ups) are visible when their parent is: an EXISTS on the parent, which its own policy filters; the
-- planner turns these into (semi-)joins on primary keys, fast enough for the views that already join the parent.

alter table parley_data.tracks enable row level security;
drop policy if exists tracks_cleared on parley_data.tracks;
create policy tracks_cleared on parley_data.tracks for select to public
    using (classification <= (select parley_data.current_clearance()));

alter table parley_data.commitments enable row level security;
drop policy if exists commitments_cleared on parley_data.commitments;
create policy commitments_cleared on parley_data.commitments for select to public
    using (effective_classification <= (select parley_data.current_clearance()));

alter table parley_data.meetings enable row level security;
drop policy if exists meetings_cleared on parley_data.meetings;
create policy meetings_cleared on parley_data.meetings for select to public
    using (effective_classification <= (select parley_data.current_clearance()));

alter table parley_data.positions enable row level security;
drop policy if exists positions_cleared on parley_data.positions;
create policy positions_cleared on parley_data.positions for select to public
    using (effective_classification <= (select parley_data.current_clearance()));

alter table parley_data.figures enable row level security;
drop policy if exists figures_cleared on parley_data.figures;
create policy figures_cleared on parley_data.figures for select to public
    using (classification <= (select parley_data.current_clearance()));

alter table parley_data.track_members enable row level security;
drop policy if exists track_members_with_track on parley_data.track_members;
create policy track_members_with_track on parley_data.track_members for select to public
    using (exists (select 1 from parley_data.tracks t where t.id = track_members.track_id));

alter table parley_data.track_agenda enable row level security;
drop policy if exists track_agenda_with_track on parley_data.track_agenda;
create policy track_agenda_with_track on parley_data.track_agenda for select to public
    using (exists (select 1 from parley_data.tracks t where t.id = track_agenda.track_id));

alter table parley_data.commitment_beneficiaries enable row level security;
drop policy if exists commitment_beneficiaries_with_commitment on parley_data.commitment_beneficiaries;
create policy commitment_beneficiaries_with_commitment on parley_data.commitment_beneficiaries for select to public
    using (exists (select 1 from parley_data.commitments c where c.id = commitment_beneficiaries.commitment_id));

alter table parley_data.commitment_updates enable row level security;
drop policy if exists commitment_updates_with_commitment on parley_data.commitment_updates;
create policy commitment_updates_with_commitment on parley_data.commitment_updates for select to public
    using (exists (select 1 from parley_data.commitments c where c.id = commitment_updates.commitment_id));

alter table parley_data.follow_ups enable row level security;
drop policy if exists follow_ups_with_subject on parley_data.follow_ups;
create policy follow_ups_with_subject on parley_data.follow_ups for select to public
    using (case
               when follow_ups.commitment_id is not null then
                   exists (select 1 from parley_data.commitments c where c.id = follow_ups.commitment_id)
               when follow_ups.meeting_id is not null then
                   exists (select 1 from parley_data.meetings m where m.id = follow_ups.meeting_id)
               else
                   exists (select 1 from parley_data.tracks t where t.id = follow_ups.track_id)
           end);

-- A subscription to a track names the track; one to an item or to everything names nothing classified.
alter table parley_data.subscriptions enable row level security;
drop policy if exists subscriptions_with_track on parley_data.subscriptions;
create policy subscriptions_with_track on parley_data.subscriptions for select to public
    using (subscriptions.track_id is null
           or exists (select 1 from parley_data.tracks t where t.id = subscriptions.track_id));

-- The change history holds copies of rows, so a change is as classified as the row it changed: the highest of the
-- classification recorded in the change itself and the classification of the row (or of its parent: the
-- commitment of an update, the track of a membership) as it is now — a track raised to secret hides its whole
-- past. A row deleted since is judged by the highest classification its history recorded; a row nobody can place
-- counts as secret.
--
-- The recorded part is plain SQL in the policy. The "now" part must look at rows whoever asks, so it is a
-- SECURITY DEFINER function that only returns a level; the comparison with the caller's clearance stays in the
-- policy, where current_user is the caller. It is one function call per history row read (a few microseconds):
-- roles cleared for secret and changes to unclassified reference data (people, parties, sources, agenda items,
-- deals) skip it, and the views read the history newest first with an index, so `changes … limit 50` reads 50
-- rows. A whole-history scan (commitments_as_of) pays it for every row; see the performance notes there.
create or replace function parley_data.classification_now(entity text, old_row jsonb, new_row jsonb)
    returns parley.classification
    language plpgsql stable security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    changed jsonb;
    parent text;
    parent_id bigint;
    level parley.classification;
    highest parley.classification := 'unclassified';
    seen_parent text;
    seen_id bigint;
begin
    if entity in ('people', 'parties', 'sources', 'agenda_items', 'deals') then
        return 'unclassified';
    end if;
    -- Both versions of an updated row: an update moved to another commitment, a follow-up given another subject,
    -- is as classified as the more classified of the two.
    foreach changed in array array[new_row, old_row] loop
        continue when changed is null;
        case entity
            when 'tracks', 'commitments', 'meetings', 'positions', 'figures' then
                parent := entity;
                parent_id := (changed ->> 'id')::bigint;
            when 'commitment_updates', 'commitment_beneficiaries' then
                parent := 'commitments';
                parent_id := (changed ->> 'commitment_id')::bigint;
            when 'track_members', 'track_agenda', 'subscriptions' then
                parent := 'tracks';
                parent_id := (changed ->> 'track_id')::bigint;
            when 'follow_ups' then
                parent := case when changed ->> 'commitment_id' is not null then 'commitments'
                               when changed ->> 'meeting_id' is not null then 'meetings'
                               else 'tracks' end;
                parent_id := coalesce(changed ->> 'commitment_id', changed ->> 'meeting_id', changed ->> 'track_id')::bigint;
            else
                return 'secret';  -- a table this function does not know yet: shown only to those cleared for all
        end case;
        continue when parent_id is null;  -- a subscription to an item, or to everything
        continue when parent = seen_parent and parent_id = seen_id;  -- the same parent as the newer version
        seen_parent := parent;
        seen_id := parent_id;

        case parent
            when 'tracks' then select t.classification into level from parley_data.tracks t where t.id = parent_id;
            when 'commitments' then select c.effective_classification into level from parley_data.commitments c where c.id = parent_id;
            when 'meetings' then select m.effective_classification into level from parley_data.meetings m where m.id = parent_id;
            when 'positions' then select p.effective_classification into level from parley_data.positions p where p.id = parent_id;
            when 'figures' then select f.classification into level from parley_data.figures f where f.id = parent_id;
        end case;
        if not found then
            select max(greatest((l.old_row ->> 'classification')::parley.classification,
                                (l.old_row ->> 'effective_classification')::parley.classification,
                                (l.new_row ->> 'classification')::parley.classification,
                                (l.new_row ->> 'effective_classification')::parley.classification))
              into level
              from parley_data.change_log l
             where l.table_name = parent and l.row_id = parent_id::text;
            level := coalesce(level, 'secret');
        end if;
        highest := greatest(highest, level);
    end loop;
    return highest;
end
$$;
comment on function parley_data.classification_now(text, jsonb, jsonb) is
    'For the change history: the classification now of the changed row, or of its parent (commitment, meeting, track), the higher of both versions of an update; for a row deleted since, the highest its history recorded; secret when nothing is known or the table is not one it knows.';

alter table parley_data.change_log enable row level security;
drop policy if exists change_log_cleared on parley_data.change_log;
create policy change_log_cleared on parley_data.change_log for select to public
    using ((select parley_data.current_clearance()) = 'secret'
           or (coalesce(greatest((change_log.old_row ->> 'classification')::parley.classification,
                                 (change_log.old_row ->> 'effective_classification')::parley.classification,
                                 (change_log.new_row ->> 'classification')::parley.classification,
                                 (change_log.new_row ->> 'effective_classification')::parley.classification),
                        'unclassified') <= (select parley_data.current_clearance())
               and (change_log.table_name in ('people', 'parties', 'sources', 'agenda_items', 'deals')
                    or parley_data.classification_now(change_log.table_name, change_log.old_row, change_log.new_row)
                       <= (select parley_data.current_clearance()))));

-- Grants ------------------------------------------------------------------------------------------------------
--
-- Readers (and writers, who are readers) and the daemon: USAGE on schema parley (000001), SELECT on the views,
-- the as-of function, and what security-invoker views and policies need underneath: SELECT on the tables the
-- views read and EXECUTE on the functions they call. Nothing else; in particular no USAGE on parley_data.

revoke all on schema parley_data from public, parley_reader, parley_writer, parley_daemon;
grant usage on schema parley to parley_reader, parley_daemon;

grant select on
    parley.track_overview,
    parley.agenda,
    parley.open_commitments,
    parley.overdue_commitments,
    parley.due_soon,
    parley.compliance,
    parley.upcoming_meetings,
    parley.positions,
    parley.figures,
    parley.contested_figures,
    parley.timeline,
    parley.follow_ups,
    parley.changes,
    parley.stale,
    parley.whoami
to parley_reader, parley_daemon;

grant execute on function parley.commitments_as_of(timestamptz) to parley_reader, parley_daemon;

-- Underneath the views: reachable only through them (no schema USAGE), filtered by the policies above.
grant select on
    parley_data.tracks,
    parley_data.track_members,
    parley_data.track_agenda,
    parley_data.agenda_items,
    parley_data.parties,
    parley_data.people,
    parley_data.sources,
    parley_data.deals,
    parley_data.meetings,
    parley_data.positions,
    parley_data.commitments,
    parley_data.commitment_beneficiaries,
    parley_data.commitment_updates,
    parley_data.figures,
    parley_data.follow_ups,
    parley_data.change_log,
    parley_data.settings
to parley_reader, parley_daemon;

grant execute on function
    parley_data.current_clearance(),
    parley_data.commitment_is_live(parley.commitment_status),
    parley_data.stale_after_days(),
    parley_data.readable_field(text),
    parley_data.readable_value(text, jsonb),
    parley_data.classification_now(text, jsonb, jsonb)
to parley_reader, parley_daemon;

-- Changing the stale threshold is recording: writers only.
grant execute on function parley.set_stale_after_days(integer) to parley_writer;

-- The daemon plans alerts for every classification and reads the views as a fully cleared reader would.
-- Granting a role needs the migrating user's CREATEROLE (parley_owner has none), hence the role switch.
reset role;
grant parley_clearance_secret to parley_daemon;
-- Security --------------------------------------------------------------------------------------------------------

-- Alerts are as classified as their subject; deliveries and silences follow what they are about.
alter table parley_data.alerts enable row level security;
drop policy if exists alerts_cleared on parley_data.alerts;
create policy alerts_cleared on parley_data.alerts for select to public
    using (classification <= (select parley_data.current_clearance()));

alter table parley_data.deliveries enable row level security;
drop policy if exists deliveries_with_alert on parley_data.deliveries;
create policy deliveries_with_alert on parley_data.deliveries for select to public
    using (exists (select 1 from parley_data.alerts a where a.id = deliveries.alert_id));

alter table parley_data.silences enable row level security;
drop policy if exists silences_with_target on parley_data.silences;
create policy silences_with_target on parley_data.silences for select to public
    using ((silences.track_id is null or exists (select 1 from parley_data.tracks t where t.id = silences.track_id))
           and (silences.commitment_id is null
                or exists (select 1 from parley_data.commitments c where c.id = silences.commitment_id)));

revoke all on parley_data.alert_schedule, parley_data.plan_queue from public, parley_reader, parley_writer, parley_daemon;

grant select on
    parley.alert_rules, parley.alerts, parley.alert_queue, parley.alert_log, parley.silences,
    parley.daemon_status, parley.delivery_failures, parley.mailer_runs, parley.alert_status
to parley_reader, parley_daemon;

-- Underneath the views: reachable only through them (no USAGE on parley_data), filtered by the policies. The model
-- tables and current_clearance() are granted by 000006 already; repeated here because these views need them.
grant select on
    parley_data.alert_rules, parley_data.alert_settings, parley_data.alerts, parley_data.deliveries,
    parley_data.silences, parley_data.daemon_instances, parley_data.daemon_leadership, parley_data.mailer_runs,
    parley_data.tracks, parley_data.people, parley_data.agenda_items, parley_data.commitments
to parley_reader, parley_daemon;
grant execute on function parley_data.current_clearance() to parley_reader, parley_daemon;

grant execute on function
    parley.plan_alerts(timestamptz, boolean, boolean),
    parley.next_alert_at(timestamptz),
    parley.claim_deliveries(timestamptz, interval, integer),
    parley.mark_deliveries_sent(bigint[], text, uuid, timestamptz),
    parley.mark_deliveries_failed(bigint[], text, uuid, timestamptz),
    parley.record_mailer_run(timestamptz, timestamptz, integer, integer, integer, integer),
    parley.daemon_heartbeat(uuid, text, integer, text, text, text, timestamptz),
    parley.daemon_plan_finished(uuid, interval, integer, timestamptz),
    parley.daemon_stopped(uuid),
    parley.daemon_claim_leadership(uuid, interval),
    parley.daemon_renew_leadership(bigint, interval),
    parley.daemon_resign_leadership(bigint),
    parley.plan_alerts_as_leader(bigint, timestamptz, boolean, boolean)
to parley_daemon;

grant execute on function
    parley.acknowledge_alert(bigint, text),
    parley.snooze_alert(bigint, timestamptz),
    parley.silence(text, text, text, parley.alert_kind, timestamptz, text),
    parley.lift_silence(bigint),
    parley.set_alert_rule(parley.alert_kind, boolean, parley.severity, interval[], interval, interval, interval)
to parley_writer;
grant execute on function
    parley.delivery_digest(bigint[], timestamptz, parley.classification),
    parley.digest_preview(timestamptz, parley.classification, text)
to parley_daemon;
-- Grants ----------------------------------------------------------------------------------------------------------

grant execute on function parley.import_world(jsonb, integer) to parley_writer;
grant execute on function parley.export_world(), parley.calendar_entries(text, text), parley_data.local_iso(timestamptz, text)
    to parley_reader;
grant select on parley.parties, parley.people, parley.members, parley.sources, parley.meetings, parley.commitments,
    parley.commitment_updates, parley.subscriptions
    to parley_reader;
-- Subscriptions were not readable by staff until these listings; row-level security (000006) still hides those
-- about tracks a reader may not see.
grant select on parley_data.subscriptions to parley_reader;

-- Staff who record may call these; readers, the daemon and everyone else may not.
do $$
declare
    f regprocedure;
begin
    for f in
        select p.oid::regprocedure from pg_catalog.pg_proc p
         where p.pronamespace = 'parley'::regnamespace
           and p.proname in ('add_party', 'add_source', 'add_person', 'update_person', 'deactivate_person',
                             'add_track', 'update_track', 'add_member', 'add_agenda_item', 'set_agenda_status',
                             'add_meeting', 'record_meeting_outcome', 'set_meeting_status', 'record_position',
                             'add_deal', 'add_commitment', 'record_update', 'change_due_date', 'update_commitment',
                             'add_figure', 'add_follow_up', 'complete_follow_up', 'add_subscription',
                             'remove_subscription')
    loop
        execute format('revoke all on function %s from public', f);
        execute format('grant execute on function %s to parley_writer', f);
    end loop;
end
$$;
