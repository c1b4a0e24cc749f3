-- Who may see what: row-level security by classification and every grant to the staff roles and the daemon.
set local role parley_owner;

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
-- What PostgreSQL shows every login anyway, and Parley cannot hide: the size of each partition and its activity
-- (pg_class.reltuples, pg_stat_user_tables: about how many secret commitments there are, and when they were
-- written), which the planner's estimates repeat. What the rows say stays hidden: no statistics are kept on the
-- columns of partitions above unclassified (below), so no estimate depends on a hidden value. README, Access,
-- lists these residual channels.
--
-- Who bypasses row-level security: parley_owner, the owner of every table (no FORCE ROW LEVEL SECURITY), and so
-- every SECURITY DEFINER function it owns — the recording functions and alert planning see and write everything,
-- as they must. Staff and the daemon write only through such functions; no role is granted INSERT, UPDATE or
-- DELETE on a table, and the policies below are for SELECT only.

-- Row-level security ------------------------------------------------------------------------------------------
--
-- Every table that holds something a classification can hide is partitioned by the level its rows are shown at
-- (000002, 000003, 000004, 000008), and its policy compares that level with the reader's clearance:
--
--     (select parley_data.partition_pruning_on()) and <level> <= (select parley_data.current_clearance())
--
-- PostgreSQL prunes the partitions the second condition excludes when the query starts, before any index or
-- heap page of theirs is read, whatever else the query asks and whichever way the planner reads the table: no
-- statement a staff login runs reads a row above its clearance, as a result, in a filter or in a count, and
-- EXPLAIN ANALYZE shows those partitions "never executed". (Without partitions a predicate PostgreSQL may run
-- first, such as `code >= …` on an index, read hidden rows that the policy then removed, and EXPLAIN counted them:
-- enough to recover every hidden code by bisection.) The first condition mentions no column of the table, so
-- PostgreSQL checks it once before reading any partition: it refuses the query when the session has turned
-- partition pruning off (`set enable_partition_pruning = off`), which would read every partition.
--
-- The policies are the only ones on these tables: the loop drops any other first, so that a policy left from an
-- earlier version can never widen what a role sees (permissive policies add up).
create or replace function parley_data.partition_pruning_on() returns boolean
    language plpgsql stable parallel safe
    set search_path = pg_catalog, pg_temp
as $$
begin
    if current_setting('enable_partition_pruning') <> 'on' then
        raise exception 'Parley keeps classified rows in partitions that PostgreSQL leaves unread for those not cleared for them; with enable_partition_pruning off it would read them, so Parley''s views do not run'
            using errcode = 'insufficient_privilege', hint = 'Turn it back on: set enable_partition_pruning = on;';
    end if;
    return true;
end
$$;
comment on function parley_data.partition_pruning_on() is
    'For row-level security: true, or refuses the query when partition pruning, which keeps classified partitions unread, is turned off in the session.';

do $$
declare
    t record;
    p record;
begin
    for t in
        select c.relname::text as name, a.attname::text as level_column
          from pg_catalog.pg_partitioned_table pt
          join pg_catalog.pg_class c on c.oid = pt.partrelid
          join pg_catalog.pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
         where c.relnamespace = 'parley_data'::regnamespace
           -- A table's own partitions by year (the change log's, 000008) are read through it, never by name.
           and not c.relispartition
         order by 1
    loop
        execute format('alter table parley_data.%I enable row level security', t.name);
        for p in select pol.polname::text as name from pg_catalog.pg_policy pol
                  where pol.polrelid = format('parley_data.%I', t.name)::regclass loop
            execute format('drop policy %I on parley_data.%I', p.name, t.name);
        end loop;
        execute format(
            'create policy %I on parley_data.%I for select to public using ('
            '(select parley_data.partition_pruning_on()) and %I <= (select parley_data.current_clearance()))',
            t.name || '_cleared', t.name, t.level_column);
    end loop;
end
$$;

-- No statistics of what a reader may not see. The planner estimates a query before it knows the reader's
-- clearance, from the statistics of every partition, pruned or not, and of the partitioned table as a whole (which
-- a manual ANALYZE gathers across all levels); plain EXPLAIN shows those estimates. With a histogram of a secret
-- partition's codes, `explain … where code >= 'a' and code < 'b'` would tell an uncleared reader how many secret
-- codes fall in a range, and bisection would recover the histogram's bounds, which are codes. So ANALYZE collects
-- nothing on the columns of a partitioned table as a whole or of any partition above unclassified (statistics
-- target 0, its indexes' expressions included): the planner estimates those from their size alone, with
-- PostgreSQL's default selectivities. The price is rougher estimates in cleared readers' plans; the unclassified
-- partitions, which everybody sees, keep their statistics. Run after every migration, so a partition added later
-- is covered too, before it holds a row. (Statistics gathered before a column's target became 0 would stay until
-- a superuser deletes them; on a database migrated from empty there are none, and Tests/sql/430 checks it.)
do $$
declare
    rel record;
    col record;
begin
    for rel in
        select pt.partrelid as relid                                    -- each partitioned table as a whole
          from pg_catalog.pg_partitioned_table pt
          join pg_catalog.pg_class c on c.oid = pt.partrelid
         where c.relnamespace = 'parley_data'::regnamespace
        union
        select d.relid                                                  -- each partition above unclassified
          from pg_catalog.pg_partitioned_table pt
          join pg_catalog.pg_class top on top.oid = pt.partrelid
         cross join lateral pg_catalog.pg_partition_tree(pt.partrelid) l
          join pg_catalog.pg_class lc on lc.oid = l.relid
         cross join lateral pg_catalog.pg_partition_tree(l.relid) d
         where top.relnamespace = 'parley_data'::regnamespace and not top.relispartition and l.level = 1
           and pg_catalog.pg_get_expr(lc.relpartbound, lc.oid) <> 'FOR VALUES IN (''unclassified'')'
    loop
        for col in select a.attname::text as name from pg_catalog.pg_attribute a
                    where a.attrelid = rel.relid and a.attnum > 0 and not a.attisdropped and a.attstattarget <> 0 loop
            execute format('alter table only %s alter column %I set statistics 0', rel.relid::regclass, col.name);
        end loop;
        for col in select i.indexrelid, a.attnum from pg_catalog.pg_index i
                     join pg_catalog.pg_attribute a on a.attrelid = i.indexrelid and a.attnum > 0
                    where i.indrelid = rel.relid and i.indkey[a.attnum - 1] = 0 and a.attstattarget <> 0 loop
            execute format('alter index %s alter column %s set statistics 0', col.indexrelid::regclass, col.attnum);
        end loop;
    end loop;
end
$$;

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

grant execute on function parley.commitments_as_of(timestamptz, text, text, text), parley.agenda_as_of(timestamptz, text),
    parley.agreements_as_of(timestamptz, text)
    to parley_reader, parley_daemon;
grant execute on function parley.changes_in_this_transaction(bigint) to parley_reader;

-- Agreements: their views and the reading functions (250, 255), and what they read underneath.
grant select on
    parley.agreements,
    parley.agreement_parties,
    parley.agreement_terms,
    parley.expiring_agreements,
    parley.agreement_events,
    parley.implementation
to parley_reader, parley_daemon;
grant execute on function
    parley.implementation_as_of(date),
    parley.implementation_summary(date)
to parley_reader, parley_daemon;
grant select on
    parley_data.agreements,
    parley_data.agreement_tracks,
    parley_data.agreement_parties,
    parley_data.agreement_status_events,
    parley_data.agreement_relations,
    parley_data.agreement_terms,
    parley_data.agreement_term_parties,
    parley_data.agreement_term_claims,
    parley_data.agreement_participation,
    parley_data.implementation_overrides
to parley_reader, parley_daemon;
grant execute on function
    parley_data.implementation_score(parley.commitment_status, numeric, numeric),
    parley_data.provision_score(bigint, parley.commitment_status, numeric, numeric, date),
    parley_data.objection_deadline(date, interval),
    parley_data.expiring_within_days(),
    parley_data.agreement_has_ended(parley.agreement_status)
to parley_reader, parley_daemon;

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
    parley_data.settings,
    parley_data.commitment_versions,
    parley_data.agenda_versions,
    parley_data.agreement_versions,
    parley_data.timeline_events,
    parley_data.commitment_tallies,
    parley_data.owner_tallies,
    parley_data.agenda_activity,
    parley_data.agenda_activity_queue,
    parley_data.agenda_stances,
    parley_data.late_commitments,
    parley_data.commitment_rows
to parley_reader, parley_daemon;

grant execute on function
    parley_data.current_clearance(),
    parley_data.commitment_is_live(parley.commitment_status),
    parley_data.stale_after_days(),
    parley_data.activity_clearance(),
    parley_data.readable_field(text),
    parley_data.readable_value(text, jsonb),
    parley_data.derived_field(text),
    parley_data.shown_level(parley.classification),
    parley_data.partition_pruning_on()
to parley_reader, parley_daemon;

-- What Parley does for everybody (alert rules, the stale threshold, the mail ceiling) is the administrators'.
revoke all on function parley.set_stale_after_days(integer) from parley_writer;
grant execute on function parley.set_stale_after_days(integer) to parley_admin;

-- Security --------------------------------------------------------------------------------------------------------

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
    parley.lift_silence(bigint)
to parley_writer;
revoke all on function
    parley.set_alert_rule(parley.alert_kind, boolean, parley.severity, interval[], interval, interval, interval),
    parley.set_mail_ceiling(parley.classification)
from public, parley_writer;
grant execute on function
    parley.set_alert_rule(parley.alert_kind, boolean, parley.severity, interval[], interval, interval, interval),
    parley.set_mail_ceiling(parley.classification)
to parley_admin;
grant execute on function
    parley.delivery_digest(bigint[], timestamptz, parley.classification),
    parley.digest_preview(timestamptz, parley.classification, text)
to parley_daemon;
-- Grants ----------------------------------------------------------------------------------------------------------

grant execute on function parley.import_world(jsonb, integer) to parley_writer;
grant execute on function parley.export_world(), parley.calendar_entries(text, text), parley_data.local_iso(timestamptz, text),
    parley_data.export_agreement(parley_data.agreements), parley_data.length_words(interval)
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
                             'remove_subscription', 'declassify', 'declassify_position', 'declassify_figure', 'rename',
                             'add_agreement', 'update_agreement', 'add_agreement_track', 'add_agreement_party',
                             'sign_agreement', 'relate_agreements', 'enter_into_force', 'end_agreement',
                             'renew_agreement', 'claim_term', 'suspend_agreement', 'resume_agreement',
                             'withdraw_from_agreement', 'add_provision', 'remove_provision', 'override_implementation')
    loop
        execute format('revoke all on function %s from public', f);
        execute format('grant execute on function %s to parley_writer', f);
    end loop;
end
$$;
