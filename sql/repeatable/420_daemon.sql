-- parleyd's heartbeat and the status views: daemon_status, mailer_runs, alert_status; and the comments of the
-- schema record's functions, applied_migrations and applied_repeatables.
set local role parley_owner;

-- The daemon's heartbeat ------------------------------------------------------------------------------------------

create or replace function parley.daemon_heartbeat(
    instance_id uuid, host text, pid integer, version text, role text, waiting_for text default null,
    at timestamptz default now())
    returns void
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.require_all(array['instance_id', 'host', 'pid', 'version', 'role', 'at'],
        array[daemon_heartbeat.instance_id::text, daemon_heartbeat.host, daemon_heartbeat.pid::text,
              daemon_heartbeat.version, daemon_heartbeat.role, daemon_heartbeat.at::text],
        'heartbeat_complete', 'instance_id, host, pid, version, role and at are required', 'Pass them all.');
    if daemon_heartbeat.role not in ('leader', 'standby') then
        perform parley_data.refuse('23514', 'role', 'daemon_role_known',
            format('role "%s" is neither leader nor standby', daemon_heartbeat.role), 'Pass leader or standby.');
    end if;
    if daemon_heartbeat.pid <= 0 then
        perform parley_data.refuse('23514', 'pid', 'daemon_instances_pid_positive',
            format('pid %s is not a process id', daemon_heartbeat.pid), 'Pass getpid().');
    end if;
    if btrim(daemon_heartbeat.host) = '' or btrim(daemon_heartbeat.version) = '' then
        perform parley_data.refuse('23514', case when btrim(daemon_heartbeat.host) = '' then 'host' else 'version' end,
            'heartbeat_labels_present', 'host and version cannot be blank', 'Pass the host name and the program version.');
    end if;
    insert into parley_data.daemon_instances as i
           (instance_id, host, pid, version, role, started_at, last_heartbeat_at, waiting_for)
    values (daemon_heartbeat.instance_id, daemon_heartbeat.host, daemon_heartbeat.pid, daemon_heartbeat.version,
            daemon_heartbeat.role::parley.daemon_role, daemon_heartbeat.at, daemon_heartbeat.at,
            left(daemon_heartbeat.waiting_for, 500))
    on conflict on constraint daemon_instances_pkey do update
       set host = excluded.host, pid = excluded.pid, version = excluded.version, role = excluded.role,
           last_heartbeat_at = excluded.last_heartbeat_at, waiting_for = excluded.waiting_for,
           database_user = session_user, backend_pid = pg_backend_pid();
end
$$;
comment on function parley.daemon_heartbeat(uuid, text, integer, text, text, text, timestamptz) is
    'For parleyd: records that this instance is alive (first call: started), its role (leader or standby) and what it is waiting for.';

create or replace function parley.daemon_plan_finished(instance_id uuid, duration interval, planned integer,
                                            at timestamptz default now())
    returns void
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.require_all(array['instance_id', 'duration', 'planned', 'at'],
        array[daemon_plan_finished.instance_id::text, daemon_plan_finished.duration::text,
              daemon_plan_finished.planned::text, daemon_plan_finished.at::text],
        'plan_report_complete', 'instance_id, duration, planned and at are required', 'Pass them all.');
    if daemon_plan_finished.duration < interval '0' or daemon_plan_finished.planned < 0 then
        perform parley_data.refuse('23514',
            case when daemon_plan_finished.duration < interval '0' then 'duration' else 'planned' end,
            'plan_report_not_negative', 'duration and planned cannot be negative', 'Pass what the plan took and created.');
    end if;
    update parley_data.daemon_instances i
       set last_plan_at = daemon_plan_finished.at, last_plan_duration = daemon_plan_finished.duration,
           last_plan_alerts = daemon_plan_finished.planned, plans = i.plans + 1,
           alerts_planned = i.alerts_planned + daemon_plan_finished.planned,
           last_heartbeat_at = greatest(i.last_heartbeat_at, daemon_plan_finished.at)
     where i.instance_id = daemon_plan_finished.instance_id;
    if not found then
        perform parley_data.refuse('23503', 'instance_id', 'daemon_instance_exists',
            format('daemon instance %s has sent no heartbeat', daemon_plan_finished.instance_id),
            'Call parley.daemon_heartbeat first.');
    end if;
end
$$;
comment on function parley.daemon_plan_finished(uuid, interval, integer, timestamptz) is
    'For parleyd: records a finished plan (when, how long it took, how many alerts it created).';

create or replace function parley.daemon_stopped(instance_id uuid) returns boolean
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    delete from parley_data.daemon_instances i where i.instance_id = daemon_stopped.instance_id;
    return found;
end
$$;
comment on function parley.daemon_stopped(uuid) is
    'For parleyd (on a clean stop) or an operator (for an instance that died): removes the instance from daemon_status. Returns whether it was there.';

create or replace view parley.daemon_status with (security_invoker = true) as
select i.instance_id, i.host, i.pid, i.version, i.role, i.started_at, i.last_heartbeat_at,
       round(extract(epoch from now() - i.last_heartbeat_at))::bigint as seconds_since_heartbeat,
       i.last_heartbeat_at > now() - st.daemon_alive_within as looks_alive,
       i.waiting_for, i.last_plan_at, round(extract(epoch from i.last_plan_duration), 3) as last_plan_seconds,
       -- Counts of alerts include classified ones: shown only to those cleared for everything (nothing leaks
       -- through a total).
       case when (select parley_data.current_clearance()) = 'secret' then i.last_plan_alerts end as last_plan_alerts,
       i.plans,
       case when (select parley_data.current_clearance()) = 'secret' then i.alerts_planned end as alerts_planned,
       i.database_user, i.backend_pid,
       l.expires_at as lease_expires_at,
       -- On a hot standby the primary's sessions are not in pg_stat_activity (a pid there is one of the standby's
       -- own): the lease, as replicated, is all there is to judge by.
       coalesce(l.expires_at > now()
                and (pg_catalog.pg_is_in_recovery()
                     or exists (select 1 from pg_catalog.pg_stat_activity a where a.pid = l.backend_pid)),
                false) as holds_lease
  from parley_data.daemon_instances i
 cross join parley_data.alert_settings st
  left join parley_data.daemon_leadership l on l.instance_id = i.instance_id
 order by i.role, i.started_at;
comment on view parley.daemon_status is
    'The parleyd instances that reported in: is alerting alive? One leader plans, the one that holds_lease; standbys wait to take over when its lease lapses (lease_expires_at) or its session ends. looks_alive turns false when no heartbeat came for alert_settings.daemon_alive_within.';
comment on column parley.daemon_status.instance_id is 'The instance''s identity: a random UUID each parleyd process takes when it starts (for parley.daemon_stopped).';
comment on column parley.daemon_status.host is 'The name of the host it runs on.';
comment on column parley.daemon_status.pid is 'Its process id on that host.';
comment on column parley.daemon_status.version is 'The parleyd version it runs.';
comment on column parley.daemon_status.role is 'leader (it plans alerts) or standby (it waits to take over), as it last reported.';
comment on column parley.daemon_status.started_at is 'When it first reported in (its first heartbeat), shown in your session''s time zone.';
comment on column parley.daemon_status.last_heartbeat_at is 'When it last reported in (a heartbeat or a finished plan), shown in your session''s time zone.';
comment on column parley.daemon_status.seconds_since_heartbeat is 'Whole seconds from last_heartbeat_at to now, by the database''s clock.';
comment on column parley.daemon_status.looks_alive is 'True when its last heartbeat is more recent than alert_settings.daemon_alive_within (2 minutes unless changed).';
comment on column parley.daemon_status.waiting_for is 'For a leader whose planning waits for a lock: "a lock held by" and the sessions holding it. Empty when it waits for nothing in particular, and for a standby.';
comment on column parley.daemon_status.last_plan_at is 'When it last reported a finished plan, shown in your session''s time zone; empty when it has not planned (a standby).';
comment on column parley.daemon_status.last_plan_seconds is 'How long its last plan took, in seconds (to the millisecond); empty when it has not planned.';
comment on column parley.daemon_status.last_plan_alerts is 'How many alerts its last plan created, of every classification: shown only to those cleared secret, empty for everyone else (and before its first plan).';
comment on column parley.daemon_status.plans is 'How many plans it has finished since it started.';
comment on column parley.daemon_status.alerts_planned is 'How many alerts it has created since it started, of every classification: shown only to those cleared secret, empty for everyone else.';
comment on column parley.daemon_status.database_user is 'The database login it connects as.';
comment on column parley.daemon_status.backend_pid is 'Its database connection''s process id (pg_stat_activity.pid).';
comment on column parley.daemon_status.lease_expires_at is 'When the leadership lease it holds, or last held, lapses unless renewed (425_leadership.sql), shown in your session''s time zone: in the past when it lapsed; empty when the lease names another instance or nobody. A standby takes over at most PARLEY_STANDBY_CHECK_SECONDS after it.';
comment on column parley.daemon_status.holds_lease is 'True for the one instance that may plan now: its lease has not lapsed and its session is open (read on a hot standby, where the primary''s sessions cannot be seen: its lease has not lapsed, as replicated).';

create or replace view parley.mailer_runs with (security_invoker = true) as
select r.id, r.started_at, r.finished_at, round(extract(epoch from r.finished_at - r.started_at), 3) as seconds,
       -- Counts of deliveries include classified ones: shown only to those cleared for everything.
       case when (select parley_data.current_clearance()) = 'secret' then r.claimed end as claimed,
       case when (select parley_data.current_clearance()) = 'secret' then r.sent end as sent,
       case when (select parley_data.current_clearance()) = 'secret' then r.failed end as failed,
       r.exit_status, r.run_by
  from parley_data.mailer_runs r
 order by r.started_at desc, r.id desc;
comment on view parley.mailer_runs is 'Runs of the alert mailer, newest first: deliveries claimed, sent and failed, and the exit status (0 fine, 75 temporary failure).';
comment on column parley.mailer_runs.id is 'The run''s number.';
comment on column parley.mailer_runs.started_at is 'When the run started, shown in your session''s time zone. Runs older than alert_settings.mailer_runs_kept (90 days unless changed) are pruned.';
comment on column parley.mailer_runs.finished_at is 'When it finished, shown in your session''s time zone.';
comment on column parley.mailer_runs.seconds is 'How long it took, in seconds (to the millisecond).';
comment on column parley.mailer_runs.claimed is 'How many deliveries it claimed to send, of every classification: shown only to those cleared secret, empty for everyone else.';
comment on column parley.mailer_runs.sent is 'How many of them it sent: shown only to those cleared secret.';
comment on column parley.mailer_runs.failed is 'How many it did not send: attempts that failed (retried later, or given up: parley.delivery_failures) and deliveries handed back untried; shown only to those cleared secret.';
comment on column parley.mailer_runs.exit_status is 'The run''s exit status: 0 everything claimed was sent, 75 some deliveries were not (they are retried), another status (README, Exit status) when the run could not work, e.g. 69 no sendmail.';
comment on column parley.mailer_runs.run_by is 'The database login the mailer ran as.';

create or replace view parley.alert_status with (security_invoker = true) as
select (select count(*) from parley_data.deliveries d where d.state = 'pending' and d.send_after <= now()) as pending_due,
       (select count(*) from parley_data.deliveries d where d.state = 'pending' and d.send_after > now()) as pending_later,
       (select count(*) from parley_data.deliveries d where d.state = 'sending') as sending,
       (select count(*) from parley_data.deliveries d where d.state = 'failed') as failed,
       (select min(d.send_after) from parley_data.deliveries d where d.state = 'pending') as oldest_pending_since,
       r.finished_at as last_mailer_run_at, r.exit_status as last_mailer_exit_status,
       case when (select parley_data.current_clearance()) = 'secret' then r.sent end as last_mailer_sent,
       case when (select parley_data.current_clearance()) = 'secret' then r.failed end as last_mailer_failed,
       exists (select 1 from parley_data.daemon_leadership l
                where l.expires_at > now()
                  and exists (select 1 from pg_catalog.pg_stat_activity a where a.pid = l.backend_pid)) as planner_alive
  from (select 1) one
  left join lateral (select * from parley_data.mailer_runs m order by m.started_at desc, m.id desc limit 1) r on true;
comment on view parley.alert_status is
    'Alerting at a glance (one row): deliveries waiting (due now, later), being sent, failed; the last mailer run; whether a planning daemon is alive. Counts cover only alerts you are cleared to see.';
comment on column parley.alert_status.pending_due is 'Deliveries due (send_after reached) that the mailer has not sent yet; a number that keeps growing means the mailer is not running. Counts only alerts you are cleared to see, as do the other counts.';
comment on column parley.alert_status.pending_later is 'Deliveries waiting for a later moment: an alert due later, a snooze, or a retry after a failed attempt.';
comment on column parley.alert_status.sending is 'Deliveries a mailer run has claimed and not yet marked (a run that died keeps them until its lease lapses).';
comment on column parley.alert_status.failed is 'Deliveries the mailer gave up on, ever (parley.delivery_failures lists them).';
comment on column parley.alert_status.oldest_pending_since is 'The earliest send_after of the deliveries waiting, shown in your session''s time zone: in the past, since when the oldest has been due; in the future, when the next falls due; empty when none waits.';
comment on column parley.alert_status.last_mailer_run_at is 'When the latest mailer run (by start) finished, shown in your session''s time zone; empty when none is recorded.';
comment on column parley.alert_status.last_mailer_exit_status is 'That run''s exit status: 0 fine, 75 temporary failure (retried), others as in README, Exit status; empty when no run is recorded.';
comment on column parley.alert_status.last_mailer_sent is 'How many deliveries that run sent, of every classification: shown only to those cleared secret, empty for everyone else.';
comment on column parley.alert_status.last_mailer_failed is 'How many it did not send (failed attempts and deliveries handed back): shown only to those cleared secret, empty for everyone else.';
comment on column parley.alert_status.planner_alive is 'True when a parleyd holds the leadership lease: it has not lapsed and the leader''s session is open.';

-- The record of the schema (applied migrations and repeatable files) ------------------------------------------------
-- parley.applied_migrations and parley.applied_repeatables are created by migration 000001, which cannot change;
-- their comments live here, with the other status parleyd and parley status read, and describe the result
-- columns, which cannot carry comments of their own.

comment on function parley.applied_migrations() is
    'The migrations applied to this database (what parley migrate --status lists), for roles that cannot read parley_data: parleyd, the mailer and parley status compare them with their build. Result columns: version (the file''s number, e.g. 4 for 000004_alerts.sql), name (the rest of its name, e.g. alerts), checksum (the SHA-256 of the file as applied, in hex), applied_at (when it was applied), applied_by (the login that ran parley migrate). In version order.';
comment on function parley.applied_repeatables() is
    'The repeatable SQL files (sql/repeatable: views, functions, triggers, grants) as last applied to this database, for roles that cannot read parley_data. Result columns: name (the file''s name without .sql, e.g. 200_views_tracks), checksum (the SHA-256 of the file as last applied, in hex), applied_at (when it was last applied), applied_by (the login that ran parley migrate then). In name order.';
