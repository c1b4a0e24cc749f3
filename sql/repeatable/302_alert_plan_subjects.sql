-- Alert planning, part 2: the scratch tables of one plan, taking the change queue, and choosing the subjects to
-- plan (what changed, what falls due, or everything). The words used (subject, occurrence, basis, delivery) are
-- explained in sql/migrations/000004_alerts.sql; parley.plan_alerts (309) runs the steps in order.
set local role parley_owner;

-- The scratch tables of one plan, private to the session and dropped at commit. Created on first use in a
-- transaction, emptied when planning runs again in the same transaction.
create or replace function parley_data.plan_prepare() returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if to_regclass('pg_temp.plan_subjects') is null then
        -- Keyed, so that a join the planner misjudges (statistics lag behind big changes) stays an index probe.
        create temp table plan_subjects (
            subject_type  parley.alert_subject not null,
            subject_id    bigint not null,
            primary key (subject_type, subject_id)
        ) on commit drop;
        create temp table plan_taken (
            subject_type  text not null,
            subject_id    bigint
        ) on commit drop;
        -- The subjects as they are now: when each next deserves an alert, which bases its kinds currently hang
        -- on (kind -> basis, only for kinds that apply), and what alerts about it carry.
        create temp table plan_state (
            subject_type    parley.alert_subject not null,
            subject_id      bigint not null,
            subject_code    text not null,
            next_at         timestamptz,
            bases           jsonb not null,
            state_label     text,
            classification  parley.classification not null,
            track_id        bigint,
            item_id         bigint,
            commitment_id   bigint,
            responsible_id  bigint,
            lead_id         bigint,
            primary key (subject_type, subject_id)
        ) on commit drop;
        -- The alerts due at the moment planned for (at most one per subject and kind), ready to insert.
        create temp table plan_due (
            subject_type      parley.alert_subject not null,
            subject_id        bigint not null,
            kind              parley.alert_kind not null,
            subject_code      text not null,
            basis             text not null,
            occurrence        text not null,
            due_at            timestamptz not null,
            classification    parley.classification not null,
            track_id          bigint,
            item_id           bigint,
            commitment_id     bigint,
            responsible_id    bigint,
            escalated         boolean not null,
            escalated_to_id   bigint,
            related_alert_id  bigint
        ) on commit drop;
        -- Alerts whose recipients are (re)considered: the ones just created and those of the planned subjects
        -- that still have deliveries waiting.
        create temp table plan_targets (
            alert_id  bigint primary key,
            is_new    boolean not null
        ) on commit drop;
    else
        truncate pg_temp.plan_subjects, pg_temp.plan_taken, pg_temp.plan_state, pg_temp.plan_due, pg_temp.plan_targets;
    end if;
end
$$;
comment on function parley_data.plan_prepare() is 'Planning: creates (or empties) the session''s scratch tables of one plan.';

-- Take the queue: what the triggers (310) queued since the last plan, emptied in the same statement.
create or replace function parley_data.plan_take_queue(out everything boolean, out recipients_changed boolean)
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    with taken as (delete from parley_data.plan_queue q returning q.subject_type, q.subject_id)
    insert into pg_temp.plan_taken (subject_type, subject_id)
    select distinct t.subject_type, t.subject_id from taken t;
    everything := exists (select 1 from pg_temp.plan_taken t where t.subject_type = 'all');
    recipients_changed := exists (select 1 from pg_temp.plan_taken t where t.subject_type = 'recipients');
end
$$;
comment on function parley_data.plan_take_queue() is
    'Planning: moves the change queue into the plan (emptying it) and says whether everything must be replanned (a rule changed) and whether recipients changed (people or subscriptions).';

-- Choose the subjects: everything; or what changed, the recipients of every alert still waiting (when people or
-- subscriptions changed), and (unless only_changed) the subjects whose next alert falls due by `at`.
create or replace function parley_data.plan_choose_subjects(
    at timestamptz, everything boolean, only_changed boolean, recipients_changed boolean)
    returns integer
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    n_subjects integer;
begin
    if everything then
        -- Every subject (a first plan, a rebuild: 1,150,000 rows at L): the key is built once the rows are in, by
        -- one sort, rather than maintained entry by entry (a third of this step at M). It checks the same rows.
        alter table pg_temp.plan_subjects drop constraint plan_subjects_pkey;
        insert into pg_temp.plan_subjects (subject_type, subject_id)
        select 'commitment'::parley.alert_subject, c.id from parley_data.commitments c
        union all
        select 'meeting', m.id from parley_data.meetings m
        union all
        select 'follow_up', f.id from parley_data.follow_ups f
        union all
        select 'agreement', g.id from parley_data.agreements g
        union all
        -- Subjects deleted since, whose waiting deliveries must be cancelled.
        select distinct a.subject_type, a.subject_id
          from parley_data.deliveries d
          join parley_data.alerts a on a.id = d.alert_id
         where d.state = 'pending'
           and not exists (select 1 from parley_data.commitments c where a.subject_type = 'commitment' and c.id = a.subject_id)
           and not exists (select 1 from parley_data.meetings m where a.subject_type = 'meeting' and m.id = a.subject_id)
           and not exists (select 1 from parley_data.follow_ups f where a.subject_type = 'follow_up' and f.id = a.subject_id)
           and not exists (select 1 from parley_data.agreements g where a.subject_type = 'agreement' and g.id = a.subject_id);
        get diagnostics n_subjects = row_count;
        alter table pg_temp.plan_subjects add constraint plan_subjects_pkey primary key (subject_type, subject_id);
    else
        insert into pg_temp.plan_subjects (subject_type, subject_id)
        select t.subject_type::parley.alert_subject, t.subject_id
          from pg_temp.plan_taken t
         where t.subject_type in ('commitment', 'meeting', 'follow_up', 'agreement')
        union
        select a.subject_type, a.subject_id
          from parley_data.deliveries d
          join parley_data.alerts a on a.id = d.alert_id
         where plan_choose_subjects.recipients_changed and d.state = 'pending'
        union
        select s.subject_type, s.subject_id
          from parley_data.alert_schedule s
         where not plan_choose_subjects.only_changed and s.next_at <= plan_choose_subjects.at;
        get diagnostics n_subjects = row_count;
    end if;
    -- The scratch tables are analyzed whatever their size (under a millisecond each when small): a temporary
    -- table never analyzed is taken for ten pages of rows, and against that guess PostgreSQL hash-joins whole
    -- tables where one subject needs a few index probes (0.1 s instead of a few ms for one changed commitment
    -- at a million commitments: the delay between a change and its alert, BENCHMARKS.md figure 3).
    if n_subjects > 0 then
        analyze pg_temp.plan_subjects;
    end if;
    return n_subjects;
end
$$;
comment on function parley_data.plan_choose_subjects(timestamptz, boolean, boolean, boolean) is
    'Planning: fills the plan''s subjects (everything, or what changed, what recipients changed for, and what falls due by `at`); returns how many.';
