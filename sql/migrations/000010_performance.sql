-- What the benchmark (make bench; BENCHMARKS.md) showed Parley needs at a million commitments, beyond what the
-- earlier migrations define: a setting of the database and indexes for the alert views. Changes to the objects of
-- earlier migrations are made there; this file only adds.
set local role parley_owner;

-- JIT compilation off for the Parley database.
--
-- PostgreSQL compiles a query to machine code when its estimated cost passes jit_above_cost (100,000). Parley's
-- big statements are estimated far above that because of their per-row subqueries (alert planning, the staff
-- views), so they pay the compilation: 1.7 s of a 10 s first plan at 100,000 commitments, 1–2 s on mid-sized view
-- queries at 200,000. What it buys back is nothing measurable here: the whole-table aggregates (compliance,
-- track_overview) run as fast without it at 1,000,000 commitments (BENCHMARKS.md). So it is off for this database
-- (new sessions), not for the cluster, which may serve other databases that gain from it.
--
-- ALTER DATABASE needs the database's owner or a superuser: the user running the migrations, not parley_owner. A
-- migrating user without that right gets a warning with the command to run instead of a failed migration.
reset role;
do $$
begin
    execute format('alter database %I set jit = off', current_database());
exception when insufficient_privilege then
    raise warning 'JIT is still on for database %: only its owner may turn it off', current_database()
        using hint = format('Run as the owner of the database or a superuser: ALTER DATABASE %I SET jit = off;',
                            current_database());
end
$$;
set local role parley_owner;

-- parley.alert_queue lists what waits to go out, in the order it will go: pending and sending deliveries and the
-- suppressed ones of silences still in force, by send_after. With only the partial index on pending deliveries,
-- `select * from parley.alert_queue limit 50` sorted every waiting delivery (5 s at 600,000); this index hands
-- them out in order, so a page reads a page.
create index deliveries_queue_idx on parley_data.deliveries (send_after, id)
    where state in ('pending', 'sending', 'suppressed');
comment on index parley_data.deliveries_queue_idx is 'Deliveries waiting to go out (or held back by a silence), in the order parley.alert_queue lists them.';

-- parley.alert_log lists what became of deliveries, newest first, by the moment it happened. The log grows with
-- every delivery ever made; this index gives its newest page without reading the rest.
create index deliveries_log_idx on parley_data.deliveries
    ((coalesce(sent_at, last_failed_at, cancelled_at, created_at)) desc, id desc)
    where state in ('sent', 'suppressed', 'cancelled', 'failed');
comment on index parley_data.deliveries_log_idx is 'Deliveries that are done with (sent, suppressed, cancelled, failed), newest first, as parley.alert_log lists them.';

-- The plan queue is filled by bulk statements and emptied whole by every plan, and every plan (even one with
-- nothing to do) looks whether it holds anything. Emptied by DELETE, it keeps its dead rows until vacuumed, and
-- that look reads them all: after a first plan of 1,000,000 commitments a plan with nothing to do took 50 ms
-- instead of 1 until autovacuum came by. Vacuum it as soon as a thousand rows are dead, whatever its size.
alter table parley_data.plan_queue set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                                        autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);

-- parley.commitments lists every commitment by deadline and code. Without an index in that order, a page
-- (`limit 50`) sorted all of them: 2–3 s at 1,000,000. With it, a page reads fifty index entries. The cost is one
-- more index entry per written row version; an update of a deadline or status already writes one in every index
-- of the table (those columns are indexed, so such updates are never HOT), so this adds one to a dozen.
create index commitments_listing_idx on parley_data.commitments (due_on nulls last, code);
comment on index parley_data.commitments_listing_idx is 'Commitments in the order parley.commitments lists them (deadline, then code).';
