-- Alert planning, part 6: parley.plan_alerts, the daemon's one call, as the list of its steps (302–307), and
-- parley.next_alert_at, which tells the daemon how long it may sleep.
--
-- How planning stays cheap at a million commitments (see also 000004_alerts.sql): alert_schedule keeps, for every
-- subject that will deserve an alert later, the moment it next does, so a plan with nothing due is two index
-- probes; triggers (310) queue which subjects changed, so a plan after a change plans just those; and each step
-- is a fixed handful of set-based statements, whether it plans one subject or all of them.
set local role parley_owner;

create or replace function parley.next_alert_at(at timestamptz) returns timestamptz
    language sql stable security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    return case when exists (select 1 from parley_data.plan_queue) then next_alert_at.at
                else (select min(s.next_at) from parley_data.alert_schedule s) end;
comment on function parley.next_alert_at(timestamptz) is
    'When planning next has something to do: `at` itself if changes are waiting to be planned, else the moment the next alert falls due (which may be in the past if nobody planned since); empty when nothing is scheduled. The daemon sleeps until then unless notified.';

create or replace function parley.plan_alerts(at timestamptz, only_changed boolean default false, rebuild boolean default false)
    returns table (
        alerts_created      integer,
        alerts_cancelled    integer,
        deliveries_created  integer,
        subjects_planned    integer,
        next_alert_at       timestamptz)
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    -- Dedup keys spell dates and intervals as text: the same spelling in every session.
    set datestyle = 'ISO, YMD'
    set intervalstyle = 'postgres'
    -- The planner's cost estimates for these statements are large enough to trigger JIT compilation, which costs
    -- seconds and saves nothing on queries this simple.
    set jit = off
as $$
#variable_conflict use_column
declare
    everything boolean := coalesce(plan_alerts.rebuild, false);
    taken record;
    n_subjects integer;
    n_created integer;
    n_cancelled integer;
    n_deliveries integer;
begin
    perform parley_data.require_argument('at', plan_alerts.at is not null,
        'Pass the moment to plan for, normally now().');
    -- One planner at a time (a transaction lock: released at commit): a hand-run plan and the daemon's never
    -- interleave. Which daemon plans is decided apart from this, by the leadership lease (425_leadership).
    perform pg_advisory_xact_lock(hashtext('parley.plan_alerts'));

    -- Nothing changed and nothing due: the common case, answered by two index probes. "Nothing due" is asked as
    -- the earliest next_at, which is always the first entry of the index on next_at; as `exists (… where next_at
    -- <= at)` the cached generic plan of this function guesses a third of the schedule matches and scans it all
    -- (50 ms at a million commitments, for every wake-up of the daemon).
    if not everything
       and not exists (select 1 from parley_data.plan_queue)
       and (only_changed
            or not coalesce((select min(s.next_at) from parley_data.alert_schedule s) <= plan_alerts.at, false)) then
        return query select 0, 0, 0, 0, parley.next_alert_at(plan_alerts.at);
        return;
    end if;

    perform parley_data.plan_prepare();
    -- 1. Take the queue: what changed since the last plan.
    select * into taken from parley_data.plan_take_queue();
    everything := everything or taken.everything;
    -- 2. Choose the subjects: what changed and what falls due, or everything.
    n_subjects := parley_data.plan_choose_subjects(plan_alerts.at, everything, only_changed, taken.recipients_changed);
    -- 3. Collect, per subject type, what each subject deserves now and when it next deserves something.
    perform parley_data.plan_collect(plan_alerts.at, n_subjects);
    -- 4. Refresh what existing alerts carry about their subject.
    perform parley_data.plan_refresh_alerts();
    -- 5. Cancel what no longer applies.
    n_cancelled := parley_data.plan_cancel_alerts(plan_alerts.at, everything);
    -- 6. Create the alerts due.
    n_created := parley_data.plan_create_alerts(plan_alerts.at);
    -- 7. Recipients: deliveries for new alerts, a fresh look at those still waiting.
    n_deliveries := parley_data.plan_recipients(plan_alerts.at);
    -- 8. Schedule: when each planned subject next deserves an alert.
    perform parley_data.plan_schedule(everything);

    return query select n_created, n_cancelled, n_deliveries, n_subjects, parley.next_alert_at(plan_alerts.at);
end
$$;
comment on function parley.plan_alerts(timestamptz, boolean, boolean) is
    'Plans alerts for the moment `at` (the daemon passes now()): creates every alert due by then and not yet created (at most the latest occurrence of each kind per subject), with deliveries to its recipients, and cancels alerts that no longer apply before they go out. Plans the subjects that changed since the last plan (queued by triggers) and, unless only_changed, those falling due; rebuild => true (or a changed alert rule) replans everything. Calling it again at the same moment creates nothing. Returns counts and the moment the next alert falls due.';
