-- The staff views: each answers one question desk officers ask every day, in codes and names rather than ids.
--
-- Every view is `security_invoker = true`: it runs with the privileges of the person querying, so row-level
-- security (000006) filters every table a view reads, and every count, sum and list a view shows is made from
-- rows that person may see. Grants and policies are in 000006_security.sql.
--
-- Helper functions referenced by views and policies use SQL-standard bodies (`return …` / `begin atomic`): those are
-- parsed once, here, as parley_owner. An old-style `as $$…$$` SQL body is parsed again at each call with the
-- caller's privileges, and staff have no USAGE on schema parley_data, so such a body naming a parley_data table
-- would fail for them with "permission denied for schema parley_data".
--
-- Time: views read the database clock (now()). A deadline (due_on) is the end of that day in the track's time
-- zone, so "days left" and "overdue" are counted in the track's local calendar. The local date differs from the
-- UTC date by at most one day either way (UTC-12 … UTC+14); index-friendly pre-filters on due_on rely on that.
set local role parley_owner;

-- Who am I, as row-level security sees it.

create function parley_data.current_clearance() returns parley.classification
    language sql stable parallel safe
    return case
        when pg_has_role(current_user, 'parley_clearance_secret', 'member') then 'secret'
        when pg_has_role(current_user, 'parley_clearance_confidential', 'member') then 'confidential'
        when pg_has_role(current_user, 'parley_clearance_restricted', 'member') then 'restricted'
        else 'unclassified'
    end::parley.classification;
comment on function parley_data.current_clearance() is
    'The highest classification the current role may see: from membership in parley_clearance_secret, _confidential or _restricted (each implying the lower ones); no membership means unclassified only. Superusers count as secret.';

-- Settings staff may change. One row per setting; a session may override a setting for itself with a
-- configuration parameter of the same name (`set parley.stale_after_days = 14`).
create table parley_data.settings (
    key          text primary key,
    value        text not null,
    description  text not null,
    updated_at   timestamptz not null default now(),
    updated_by   name not null default session_user
);
comment on table parley_data.settings is 'Settings of the staff views (for now: after how many quiet days a commitment or agenda item is stale).';
insert into parley_data.settings (key, value, description) values
    ('stale_after_days', '30',
     'Days without activity after which an open commitment or a live agenda item is listed in parley.stale.');

create function parley_data.stale_after_days() returns integer
    language sql stable
    return coalesce(
        nullif(btrim(current_setting('parley.stale_after_days', true)), '')::integer,
        (select s.value::integer from parley_data.settings s where s.key = 'stale_after_days'),
        30);
comment on function parley_data.stale_after_days() is
    'The stale threshold in days: the session''s parley.stale_after_days if set, else the stored setting, else 30.';

create function parley.set_stale_after_days(days integer) returns integer
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if days is null then
        raise exception 'days is required'
            using errcode = 'not_null_violation', column = 'days', constraint = 'stale_after_days_present',
                  hint = 'Give the number of quiet days after which something counts as stale, e.g. 30.';
    end if;
    if days < 1 or days > 3650 then
        raise exception 'days % is outside 1..3650', days
            using errcode = 'check_violation', column = 'days', constraint = 'stale_after_days_range',
                  hint = 'Give a number of days between 1 and 3650.';
    end if;
    update parley_data.settings
       set value = days::text, updated_at = now(), updated_by = session_user
     where key = 'stale_after_days';
    return days;
end
$$;
comment on function parley.set_stale_after_days(integer) is
    'Sets, for everybody, after how many days without activity parley.stale lists an open commitment or a live agenda item (default 30). To look with another threshold in your own session only: set parley.stale_after_days = 14.';

-- track_overview ------------------------------------------------------------------------------------------------

create view parley.track_overview with (security_invoker = true) as
select t.code                                   as track,
       t.name,
       t.format,
       t.status,
       t.venue,
       t.timezone,
       t.classification,
       lead.name                                as lead,
       members.parties,
       agenda.summary                           as agenda,
       coalesce(cc.open_commitments, 0)         as open_commitments,
       coalesce(cc.overdue_commitments, 0)      as overdue_commitments,
       (mt.last_meeting_at at time zone t.timezone)::date as last_meeting_on,
       mt.next_meeting_at,
       (mt.next_meeting_at at time zone t.timezone) as next_meeting_local,
       greatest(cc.last_activity_on, (mt.last_meeting_at at time zone t.timezone)::date,
                agenda.last_status_on, pos.last_stated_on) as last_activity_on
  from parley_data.tracks t
  left join parley_data.people lead on lead.id = t.lead_id
  left join lateral (
        select string_agg(m.party || ' (' || m.roles || ')', ', ' order by m.first_role, m.joined, m.party) as parties
          from (select p.name as party,
                       string_agg(tm.role::text, ', ' order by tm.role) as roles,
                       min(tm.role) as first_role,
                       min(tm.created_at) as joined
                  from parley_data.track_members tm
                  join parley_data.parties p on p.id = tm.party_id
                 where tm.track_id = t.id
                 group by p.id, p.name) m
       ) members on true
  left join lateral (
        select string_agg(i.code || ' (' || ta.status || ')', ', ' order by i.code) as summary,
               max(ta.status_since) as last_status_on
          from parley_data.track_agenda ta
          join parley_data.agenda_items i on i.id = ta.item_id
         where ta.track_id = t.id
       ) agenda on true
  left join lateral (
        select count(*) filter (where c.status not in ('fulfilled', 'withdrawn', 'superseded')) as open_commitments,
               count(*) filter (where c.status not in ('fulfilled', 'withdrawn', 'superseded')
                                  and c.due_on < (now() at time zone t.timezone)::date) as overdue_commitments,
               max(greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end)) as last_activity_on
          from parley_data.commitments c
         where c.track_id = t.id
       ) cc on true
  left join lateral (
        select max(m.starts_at) filter (where m.status = 'held'
                                           or (m.status = 'scheduled' and m.starts_at <= now())) as last_meeting_at,
               min(m.starts_at) filter (where m.status = 'scheduled' and m.starts_at > now()) as next_meeting_at
          from parley_data.meetings m
         where m.track_id = t.id
       ) mt on true
  left join lateral (
        select max(p.stated_on) as last_stated_on
          from parley_data.positions p
         where p.track_id = t.id
       ) pos on true
 order by t.code;

comment on view parley.track_overview is
    'One row per negotiation track: who takes part and as what, where each agenda item stands, how many commitments are open or overdue, the last and next meeting, and when anything last happened. Counts include only what you are cleared to see.';
comment on column parley.track_overview.track is 'The track''s code, e.g. istanbul; use it to filter other views (where track = ''istanbul'').';
comment on column parley.track_overview.parties is 'Parties and their roles on the track, principals first, e.g. "Ukraine (principal), Russia (principal), Türkiye (host)".';
comment on column parley.track_overview.agenda is 'Each agenda item with its status on this track, e.g. "ceasefire (under_discussion), exchange (implementing)".';
comment on column parley.track_overview.open_commitments is 'Commitments on the track that are not fulfilled, withdrawn or superseded (breached ones count: they still need chasing).';
comment on column parley.track_overview.overdue_commitments is 'Open commitments whose deadline (end of due_on in the track''s time zone) has passed.';
comment on column parley.track_overview.last_meeting_on is 'Date (in the track''s time zone) of the latest meeting that took place.';
comment on column parley.track_overview.next_meeting_at is 'When the next scheduled meeting starts.';
comment on column parley.track_overview.next_meeting_local is 'The next meeting''s start in the track''s own time zone.';
comment on column parley.track_overview.last_activity_on is 'The latest date anything happened on the track: a meeting, a commitment made or updated, a status change, a position stated.';

-- agenda --------------------------------------------------------------------------------------------------------

create view parley.agenda with (security_invoker = true) as
select t.code                                   as track,
       i.code                                   as item,
       i.title,
       ta.status,
       ta.status_since                          as since,
       (now() at time zone t.timezone)::date - ta.status_since as days_in_status,
       coalesce(cc.commitments, 0)              as commitments,
       coalesce(cc.open_commitments, 0)         as open_commitments,
       coalesce(cc.fulfilled_commitments, 0)    as fulfilled_commitments,
       st.stances,
       ta.note
  from parley_data.track_agenda ta
  join parley_data.tracks t on t.id = ta.track_id
  join parley_data.agenda_items i on i.id = ta.item_id
  left join lateral (
        select count(*) as commitments,
               count(*) filter (where c.status not in ('fulfilled', 'withdrawn', 'superseded')) as open_commitments,
               count(*) filter (where c.status = 'fulfilled') as fulfilled_commitments
          from parley_data.commitments c
         where c.track_id = ta.track_id and c.item_id = ta.item_id
       ) cc on true
  -- Each party's stance on this track, or its general stance when it is a member of the track and said nothing
  -- specific here later: for all agenda entries in one pass (a whole-table query at 50,000 entries), joined on the
  -- track's code as well as the item so that `where track = '…'` reaches into it (a condition on a grouping
  -- column is pushed down; one on an id the query does not name is not) and a single track reads only its own.
  left join (
        select s.track, s.item_id,
               string_agg(p.name || ': ' || s.stance || ' (' || s.stated_on || ')', '; ' order by p.name) as stances
          from (select distinct on (x.track, x.item_id, x.party_id) x.track, x.item_id, x.party_id, x.stance, x.stated_on
                  from (select st.code as track, pos.item_id, pos.party_id, pos.stance, pos.stated_on, pos.track_id
                          from parley_data.tracks st
                          join parley_data.positions pos on pos.track_id = st.id
                        union all
                        select st.code, pos.item_id, pos.party_id, pos.stance, pos.stated_on, pos.track_id
                          from parley_data.tracks st
                          join parley_data.track_agenda a on a.track_id = st.id
                          join parley_data.track_members tm on tm.track_id = st.id
                          join parley_data.positions pos
                            on pos.party_id = tm.party_id and pos.item_id = a.item_id and pos.track_id is null) x
                 order by x.track, x.item_id, x.party_id, x.stated_on desc, x.track_id nulls last) s
          join parley_data.parties p on p.id = s.party_id
         group by s.track, s.item_id
       ) st on st.track = t.code and st.item_id = ta.item_id
 order by t.code, i.code;

comment on view parley.agenda is
    'One row per track and agenda item: where the item stands on that track and since when, its commitments, and each party''s latest stance.';
comment on column parley.agenda.status is 'proposed → under_discussion → agreed_in_principle → agreed → implementing → implemented, or stalled / rejected / withdrawn.';
comment on column parley.agenda.since is 'The date the item reached its current status on this track.';
comment on column parley.agenda.days_in_status is 'Days since the item reached its current status (in the track''s time zone).';
comment on column parley.agenda.open_commitments is 'Commitments on this item and track not yet fulfilled, withdrawn or superseded.';
comment on column parley.agenda.fulfilled_commitments is 'Commitments on this item and track that were fulfilled.';
comment on column parley.agenda.stances is 'Each party''s latest stance on the item, on this track or stated generally by a member of the track, e.g. "Russia: conditional (2025-06-02); Ukraine: supports (2025-05-16)".';

-- open_commitments, overdue_commitments ---------------------------------------------------------------------------

create view parley.open_commitments with (security_invoker = true) as
select c.id,
       c.code,
       t.code                                   as track,
       i.code                                   as item,
       ob.name                                  as obligor,
       (select string_agg(p.name, ', ' order by p.name)
          from parley_data.commitment_beneficiaries b
          join parley_data.parties p on p.id = b.party_id
         where b.commitment_id = c.id)          as beneficiaries,
       c.text,
       c.made_on,
       c.due_on,
       ((c.due_on + 1)::timestamp at time zone t.timezone) as deadline_at,
       c.due_on - (now() at time zone t.timezone)::date as days_left,
       c.status,
       c.target_quantity                        as target,
       c.unit,
       c.delivered_quantity                     as delivered,
       round(100 * c.delivered_quantity / c.target_quantity, 1) as progress_pct,
       o.name                                   as owner,
       c.last_update_on,
       c.effective_classification               as classification,
       m.code                                   as meeting,
       d.code                                   as deal
  from parley_data.commitments c
  join parley_data.tracks t on t.id = c.track_id
  join parley_data.agenda_items i on i.id = c.item_id
  join parley_data.parties ob on ob.id = c.obligor_id
  left join parley_data.people o on o.id = c.owner_id
  left join parley_data.meetings m on m.id = c.meeting_id
  left join parley_data.deals d on d.id = c.deal_id
 where c.status not in ('fulfilled', 'withdrawn', 'superseded')
 order by c.due_on, c.id;

comment on view parley.open_commitments is
    'Every commitment still owed: not fulfilled, withdrawn or superseded (breached ones stay here until resolved), soonest deadline first.';
comment on column parley.open_commitments.id is 'The commitment''s number, as the recording functions take it.';
comment on column parley.open_commitments.code is 'The commitment''s code (C<number> unless one was given).';
comment on column parley.open_commitments.obligor is 'The party that promised.';
comment on column parley.open_commitments.beneficiaries is 'The parties it was promised to.';
comment on column parley.open_commitments.due_on is 'The deadline: the end of this day in the track''s time zone.';
comment on column parley.open_commitments.deadline_at is 'The exact moment the deadline passes (midnight after due_on, track time).';
comment on column parley.open_commitments.days_left is 'Days until due_on in the track''s time zone: 0 means due today, negative means overdue by that many days.';
comment on column parley.open_commitments.target is 'How much was promised (e.g. 1000), in unit.';
comment on column parley.open_commitments.delivered is 'How much has been reported delivered so far (sum of all updates).';
comment on column parley.open_commitments.progress_pct is 'delivered as a percentage of target; empty when no target was set.';
comment on column parley.open_commitments.owner is 'The member of staff who follows this commitment up.';
comment on column parley.open_commitments.last_update_on is 'Date of the latest recorded update.';
comment on column parley.open_commitments.classification is 'The higher of the commitment''s own classification and its track''s.';

-- Written out rather than selected from open_commitments: a view with ORDER BY is not merged into a query on
-- it, and the beneficiaries list would then be built for every overdue commitment before sorting, instead of for
-- the rows a LIMIT keeps.
create view parley.overdue_commitments with (security_invoker = true) as
select c.id,
       c.code,
       t.code                                   as track,
       i.code                                   as item,
       ob.name                                  as obligor,
       (select string_agg(p.name, ', ' order by p.name)
          from parley_data.commitment_beneficiaries b
          join parley_data.parties p on p.id = b.party_id
         where b.commitment_id = c.id)          as beneficiaries,
       c.text,
       c.made_on,
       c.due_on,
       ((c.due_on + 1)::timestamp at time zone t.timezone) as deadline_at,
       c.due_on - (now() at time zone t.timezone)::date as days_left,
       c.status,
       c.target_quantity                        as target,
       c.unit,
       c.delivered_quantity                     as delivered,
       round(100 * c.delivered_quantity / c.target_quantity, 1) as progress_pct,
       o.name                                   as owner,
       c.last_update_on,
       c.effective_classification               as classification,
       m.code                                   as meeting,
       d.code                                   as deal,
       (now() at time zone t.timezone)::date - c.due_on as days_overdue
  from parley_data.commitments c
  join parley_data.tracks t on t.id = c.track_id
  join parley_data.agenda_items i on i.id = c.item_id
  join parley_data.parties ob on ob.id = c.obligor_id
  left join parley_data.people o on o.id = c.owner_id
  left join parley_data.meetings m on m.id = c.meeting_id
  left join parley_data.deals d on d.id = c.deal_id
 where c.status not in ('fulfilled', 'withdrawn', 'superseded')
   -- Overdue means the track-local date is past due_on. That date is at most UTC today + 1, so this cheaper test
   -- (it can use the index on live commitments by due_on) never drops a row the exact test below keeps.
   and c.due_on < (now() at time zone 'UTC')::date + 1
   and c.due_on < (now() at time zone t.timezone)::date
 -- Earliest deadline first: the most overdue first, in an order the index on live commitments by due_on keeps,
 -- so that `limit 50` reads 50 rows. (Across time zones two deadlines on neighbouring dates may swap.)
 order by c.due_on, c.id;

comment on view parley.overdue_commitments is
    'Open commitments whose deadline has passed (end of due_on in the track''s time zone), most overdue first.';
comment on column parley.overdue_commitments.days_overdue is 'Days since due_on, in the track''s time zone (1 = the deadline passed at the end of yesterday).';

-- due_soon ------------------------------------------------------------------------------------------------------

create view parley.due_soon with (security_invoker = true) as
select d.*
  from (
        select 'commitment'::text                 as kind,
               c.code,
               t.code                             as track,
               i.code                             as item,
               c.text                             as what,
               ob.name                            as party,
               o.name                             as owner,
               c.due_on,
               ((c.due_on + 1)::timestamp at time zone t.timezone) as due_at,
               c.due_on - (now() at time zone t.timezone)::date as days_left,
               c.status::text                     as status
          from parley_data.commitments c
          join parley_data.tracks t on t.id = c.track_id
          join parley_data.agenda_items i on i.id = c.item_id
          join parley_data.parties ob on ob.id = c.obligor_id
          left join parley_data.people o on o.id = c.owner_id
         where c.status not in ('fulfilled', 'withdrawn', 'superseded')
           and c.due_on between (now() at time zone 'UTC')::date - 1 and (now() at time zone 'UTC')::date + 15
           and c.due_on - (now() at time zone t.timezone)::date between 0 and 14
        union all
        select 'follow-up',
               coalesce(f.code, '#' || f.id),
               t.code,
               i.code,
               f.note,
               null,
               a.name,
               (f.due_at at time zone a.timezone)::date,
               f.due_at,
               (f.due_at at time zone a.timezone)::date - (now() at time zone a.timezone)::date,
               'open'
          from parley_data.follow_ups f
          join parley_data.people a on a.id = f.assignee_id
          left join parley_data.commitments fc on fc.id = f.commitment_id
          left join parley_data.meetings fm on fm.id = f.meeting_id
          left join parley_data.tracks t on t.id = coalesce(f.track_id, fc.track_id, fm.track_id)
          left join parley_data.agenda_items i on i.id = fc.item_id
         where f.done_at is null
           and f.due_at >= now() and f.due_at < now() + interval '14 days'
       ) d
 order by d.due_at, d.kind, d.code;

comment on view parley.due_soon is
    'Commitments whose deadline falls in the next 14 days, and open follow-ups due in the next 14 days, soonest first. Overdue ones are in overdue_commitments and follow_ups.';
comment on column parley.due_soon.kind is 'commitment or follow-up.';
comment on column parley.due_soon.what is 'The commitment''s text or the follow-up''s note.';
comment on column parley.due_soon.party is 'For a commitment, the party that owes it.';
comment on column parley.due_soon.owner is 'The member of staff responsible: the commitment''s owner or the follow-up''s assignee.';
comment on column parley.due_soon.due_on is 'The due date: in the track''s time zone for a commitment, in the assignee''s for a follow-up.';
comment on column parley.due_soon.due_at is 'The exact moment it falls due.';
comment on column parley.due_soon.days_left is 'Days from today until due_on (0 = due today).';

-- compliance ----------------------------------------------------------------------------------------------------

create view parley.compliance with (security_invoker = true) as
select p.name                                   as party,
       a.track,
       a.made,
       a.fulfilled,
       a.partially_fulfilled,
       a.breached,
       a.open,
       a.withdrawn,
       a.superseded,
       a.fulfilled + a.partially_fulfilled + a.breached as assessed,
       round((a.fulfilled - a.breached)::numeric
             / nullif(a.fulfilled + a.partially_fulfilled + a.breached, 0), 2) as score,
       round(100 * ((a.fulfilled - a.breached)::numeric
                    / nullif(a.fulfilled + a.partially_fulfilled + a.breached, 0) + 1) / 2, 1) as score_pct,
       round(100 * a.on_time::numeric / nullif(a.with_deadline, 0), 1) as on_time_pct
  -- The overall rows and the per-track rows are two aggregates, not one GROUPING SETS: grouped by the track's
  -- code, the per-track part takes `where track = '…'` inside (a condition on a grouping column is pushed down,
  -- and the overall part, whose track is null, drops out), so one track's compliance reads that track's
  -- commitments only (2.8 s → milliseconds at a million commitments). The two lists of counts are the same and
  -- must stay so (a GROUPING SETS, or one aggregate read twice, would hide the track from the condition again).
  from (select c.obligor_id,
               null::text                                                 as track,
               count(*)                                                   as made,
               count(*) filter (where c.status = 'fulfilled')             as fulfilled,
               count(*) filter (where c.status = 'partially_fulfilled')   as partially_fulfilled,
               count(*) filter (where c.status = 'breached')              as breached,
               count(*) filter (where c.status in ('pending', 'in_progress')) as open,
               count(*) filter (where c.status = 'withdrawn')             as withdrawn,
               count(*) filter (where c.status = 'superseded')            as superseded,
               count(*) filter (where c.status = 'fulfilled' and c.status_changed_on <= c.due_on) as on_time,
               count(*) filter (where c.due_on is not null
                                  and (c.status = 'fulfilled'
                                       or (c.status not in ('withdrawn', 'superseded')
                                           and c.due_on < (now() at time zone tz.timezone)::date))) as with_deadline
          from parley_data.commitments c
          join parley_data.tracks tz on tz.id = c.track_id
         group by c.obligor_id
        union all
        select c.obligor_id,
               tz.code,
               count(*)                                                   as made,
               count(*) filter (where c.status = 'fulfilled')             as fulfilled,
               count(*) filter (where c.status = 'partially_fulfilled')   as partially_fulfilled,
               count(*) filter (where c.status = 'breached')              as breached,
               count(*) filter (where c.status in ('pending', 'in_progress')) as open,
               count(*) filter (where c.status = 'withdrawn')             as withdrawn,
               count(*) filter (where c.status = 'superseded')            as superseded,
               count(*) filter (where c.status = 'fulfilled' and c.status_changed_on <= c.due_on) as on_time,
               count(*) filter (where c.due_on is not null
                                  and (c.status = 'fulfilled'
                                       or (c.status not in ('withdrawn', 'superseded')
                                           and c.due_on < (now() at time zone tz.timezone)::date))) as with_deadline
          from parley_data.commitments c
          join parley_data.tracks tz on tz.id = c.track_id
         group by c.obligor_id, tz.code) a
  join parley_data.parties p on p.id = a.obligor_id
 order by p.name, a.track nulls first;

comment on view parley.compliance is
    'How well each party keeps its commitments, over all tracks (track empty) and per track. Score on the G7/G20 Research Group scale: fulfilled +1, partially fulfilled 0, breached −1, averaged over the assessed commitments; score_pct maps −1..+1 to 0..100 %. Only commitments you are cleared to see are counted.';
comment on column parley.compliance.party is 'The party that made the commitments (the obligor).';
comment on column parley.compliance.track is 'The track; empty on the party''s overall row.';
comment on column parley.compliance.made is 'All commitments the party made (= fulfilled + partially_fulfilled + breached + open + withdrawn + superseded).';
comment on column parley.compliance.open is 'Commitments still pending or in progress.';
comment on column parley.compliance.assessed is 'Commitments with a verdict: fulfilled, partially fulfilled or breached.';
comment on column parley.compliance.score is 'Average of +1 (fulfilled), 0 (partially) and −1 (breached) over the assessed commitments; empty when none is assessed.';
comment on column parley.compliance.score_pct is 'The score as a percentage: (score + 1) / 2 × 100, so −1 is 0 %, 0 is 50 %, +1 is 100 %.';
comment on column parley.compliance.on_time_pct is 'Of the commitments with a deadline that were fulfilled or whose deadline has passed (withdrawn and superseded ones aside), the percentage fulfilled by their deadline.';

-- upcoming_meetings ---------------------------------------------------------------------------------------------

create view parley.upcoming_meetings with (security_invoker = true) as
select m.code                                   as meeting,
       t.code                                   as track,
       m.title,
       m.starts_at,
       (m.starts_at at time zone t.timezone)    as local_start,
       t.timezone,
       m.ends_at,
       m.location,
       (m.starts_at at time zone t.timezone)::date - (now() at time zone t.timezone)::date as days_until,
       coalesce(d.open_due_before, 0)           as open_due_before,
       d.due_before
  from parley_data.meetings m
  join parley_data.tracks t on t.id = m.track_id
  left join lateral (
        select count(*) as open_due_before,
               string_agg(c.code || ' (' || c.due_on || ')', ', ' order by c.due_on, c.code) as due_before
          from parley_data.commitments c
         where c.track_id = m.track_id
           and c.status not in ('fulfilled', 'withdrawn', 'superseded')
           and c.due_on < (m.starts_at at time zone t.timezone)::date
       ) d on true
 where m.status = 'scheduled'
   and coalesce(m.ends_at, m.starts_at) >= now()
 order by m.starts_at, m.code;

comment on view parley.upcoming_meetings is
    'Scheduled meetings from now on, soonest first, with the local time at the venue and the open commitments on the track whose deadline falls before the meeting (what to chase before it).';
comment on column parley.upcoming_meetings.local_start is 'The start in the track''s time zone (see timezone).';
comment on column parley.upcoming_meetings.days_until is 'Days from today until the meeting, in the track''s time zone.';
comment on column parley.upcoming_meetings.open_due_before is 'How many open commitments on the track fall due before the meeting day (including ones already overdue).';
comment on column parley.upcoming_meetings.due_before is 'Those commitments: code (due date), earliest first.';

-- positions -----------------------------------------------------------------------------------------------------

create view parley.positions with (security_invoker = true) as
select pa.name                                  as party,
       cur.track                                as track,
       i.code                                   as item,
       cur.stance,
       cur.stated_on,
       cur.statement,
       prev.stance                              as previous_stance,
       prev.stated_on                           as previous_stated_on,
       ch.changed_on,
       s.code                                   as source,
       cur.effective_classification             as classification
  -- The track's code is taken inside, as one of the DISTINCT ON keys (it names the same track as track_id), so that
  -- `where track = '…'` is pushed down to the positions of that track instead of filtering all of them.
  from (select distinct on (p.party_id, p.item_id, p.track_id, t.code) p.*, t.code as track
          from parley_data.positions p
          left join parley_data.tracks t on t.id = p.track_id
         order by p.party_id, p.item_id, p.track_id, t.code, p.stated_on desc) cur
  join parley_data.parties pa on pa.id = cur.party_id
  join parley_data.agenda_items i on i.id = cur.item_id
  left join parley_data.sources s on s.id = cur.source_id
  left join lateral (
        select q.stance, q.stated_on
          from parley_data.positions q
         where q.party_id = cur.party_id and q.item_id = cur.item_id
           and q.track_id is not distinct from cur.track_id
           and q.stated_on < cur.stated_on and q.stance <> cur.stance
         order by q.stated_on desc
         limit 1
       ) prev on true
  left join lateral (
        select min(r.stated_on) as changed_on
          from parley_data.positions r
         where r.party_id = cur.party_id and r.item_id = cur.item_id
           and r.track_id is not distinct from cur.track_id
           and r.stated_on > prev.stated_on
       ) ch on true
 order by i.code, cur.track nulls first, pa.name;

comment on view parley.positions is
    'Each party''s latest stance on each agenda item, per track (track empty: stated generally), with the different stance it held before and the date it changed.';
comment on column parley.positions.stance is 'supports, conditional, opposes, refuses or undecided.';
comment on column parley.positions.stated_on is 'When the party last stated its stance.';
comment on column parley.positions.previous_stance is 'The last different stance the party held before the current one; empty if it never changed.';
comment on column parley.positions.previous_stated_on is 'When that previous stance was last stated.';
comment on column parley.positions.changed_on is 'The first date the party stated its current stance after the previous one: when its position changed.';

-- figures, contested_figures -------------------------------------------------------------------------------------

create view parley.figures with (security_invoker = true) as
select f.indicator,
       i.code                                   as item,
       cl.name                                  as claimant,
       f.value,
       f.unit,
       f.as_of,
       f.confidence,
       s.code                                   as source,
       s.title                                  as source_title,
       s.url                                    as source_url,
       f.note,
       f.classification
  from (select distinct on (x.indicator, x.claimant_id, x.source_id) x.*
          from parley_data.figures x
         order by x.indicator, x.claimant_id, x.source_id, x.as_of desc) f
  left join parley_data.agenda_items i on i.id = f.item_id
  left join parley_data.parties cl on cl.id = f.claimant_id
  left join parley_data.sources s on s.id = f.source_id
 order by f.indicator, cl.name nulls last, f.as_of desc;

comment on view parley.figures is
    'The latest value of each indicator as reported by each claimant in each source (e.g. children_deported: Ukraine 19546).';
comment on column parley.figures.claimant is 'The party that claims the figure; empty when it comes from an independent report.';
comment on column parley.figures.as_of is 'The date the figure refers to.';
comment on column parley.figures.confidence is 'confirmed, reported, estimated or disputed.';

create view parley.contested_figures with (security_invoker = true) as
with latest as (
    -- Each claim holder's latest figure: the claimant's, or for an unattributed figure the source's, so that a
    -- party's own series over time (386, then 1,247 children returned) is not mistaken for a dispute.
    select distinct on (f.indicator, f.unit, f.claimant_id, case when f.claimant_id is null then f.source_id end)
           f.*
      from parley_data.figures f
     order by f.indicator, f.unit, f.claimant_id, case when f.claimant_id is null then f.source_id end,
              f.as_of desc, f.id desc
)
select l.indicator,
       min(i.code)                              as item,
       l.unit,
       count(*)                                 as claims,
       min(l.value)                             as min_value,
       max(l.value)                             as max_value,
       max(l.value) - min(l.value)              as spread,
       round(100 * (max(l.value) - min(l.value)) / nullif(min(l.value), 0), 2) as spread_pct,
       string_agg(coalesce(cl.name, s.title, 'unattributed') || ': ' || trim_scale(l.value)
                  || ' (' || l.as_of || ')', '; ' order by l.value, cl.name) as claims_by,
       max(l.as_of)                             as latest_as_of
  from latest l
  left join parley_data.agenda_items i on i.id = l.item_id
  left join parley_data.parties cl on cl.id = l.claimant_id
  left join parley_data.sources s on s.id = l.source_id
 group by l.indicator, l.unit
having min(l.value) <> max(l.value)
 order by spread_pct desc nulls last, l.indicator;

comment on view parley.contested_figures is
    'Indicators whose claims disagree: the latest figure of each claimant (or, unattributed, of each source) compared; lowest, highest, the spread, and who claims what.';
comment on column parley.contested_figures.claims is 'How many claimants (or independent sources) give a figure.';
comment on column parley.contested_figures.spread is 'Highest claim minus lowest claim.';
comment on column parley.contested_figures.spread_pct is 'How much higher the highest claim is than the lowest, in percent of the lowest.';
comment on column parley.contested_figures.claims_by is 'Who claims what, lowest first, e.g. "Ukraine: 6057 (2025-06-16); Russia: 6060 (2025-06-16)".';

-- timeline ------------------------------------------------------------------------------------------------------

create view parley.timeline with (security_invoker = true) as
select e.*
  from (
        select (m.starts_at at time zone t.timezone)::date as occurred_on,
               'meeting held'::text               as kind,
               t.code                             as track,
               null::text                         as item,
               null::text                         as party,
               m.code                             as ref,
               m.title || coalesce(': ' || m.outcome_summary, '') as description,
               s.title                            as source,
               s.url                              as source_url
          from parley_data.meetings m
          join parley_data.tracks t on t.id = m.track_id
          left join parley_data.sources s on s.id = m.source_id
         where m.status = 'held'
        union all
        select c.made_on, 'commitment made', t.code, i.code, ob.name, c.code,
               ob.name || ' commits: ' || c.text
                   || coalesce(' (' || trim_scale(c.target_quantity) || coalesce(' ' || c.unit, '') || ')', '')
                   || coalesce(', due ' || c.due_on, ''),
               s.title, s.url
          from parley_data.commitments c
          join parley_data.tracks t on t.id = c.track_id
          join parley_data.agenda_items i on i.id = c.item_id
          join parley_data.parties ob on ob.id = c.obligor_id
          left join parley_data.sources s on s.id = c.source_id
        union all
        select u.reported_on, 'update recorded', t.code, i.code, rp.name, c.code,
               c.code || ': ' || concat_ws('; ',
                   'delivered ' || trim_scale(u.delivered_quantity) || coalesce(' ' || c.unit, ''),
                   'status → ' || u.new_status,
                   case when u.reopen then 'reopened' end,
                   u.note,
                   'verification: ' || u.verification),
               s.title, s.url
          from parley_data.commitment_updates u
          join parley_data.commitments c on c.id = u.commitment_id
          join parley_data.tracks t on t.id = c.track_id
          join parley_data.agenda_items i on i.id = c.item_id
          left join parley_data.parties rp on rp.id = u.reported_by_party_id
          left join parley_data.sources s on s.id = u.source_id
        union all
        -- Status changes come from the change history, joined by the row's key (commitment id; track id and item
        -- id for the agenda) so that a filter on the track reaches the history through its index. The key is
        -- computed in a fenced subquery (offset 0): row-level security lets a join condition drive an index scan
        -- only when it cannot leak, and a cast such as id::text inside the condition does not qualify. A commitment's
        -- status set by a recorded update is already the "update recorded" event of the same moment, so only
        -- direct changes are shown here.
        select coalesce((l.new_row ->> 'status_changed_on')::date, l.changed_at::date), 'status changed',
               t.code, i.code, ob.name, c.code,
               c.code || ': ' || (l.old_row ->> 'status') || ' → ' || (l.new_row ->> 'status'),
               null, null
          from parley_data.commitments c
          join parley_data.tracks t on t.id = c.track_id
          join parley_data.agenda_items i on i.id = c.item_id
          join parley_data.parties ob on ob.id = c.obligor_id
         cross join lateral (select c.id::text as row_id offset 0) k
          join parley_data.change_log l on l.table_name = 'commitments' and l.row_id = k.row_id
         where l.operation = 'update'
           and (l.old_row ->> 'status') is distinct from (l.new_row ->> 'status')
           and not exists (select 1 from parley_data.commitment_updates u
                            where u.commitment_id = c.id and u.created_at = l.changed_at
                              and u.new_status::text = (l.new_row ->> 'status'))
        union all
        select coalesce((l.new_row ->> 'status_since')::date, l.changed_at::date), 'status changed',
               t.code, i.code, null, i.code,
               i.code || ' on ' || t.code || ': '
                   || coalesce((l.old_row ->> 'status') || ' → ' || (l.new_row ->> 'status'),
                               'put on the agenda as ' || (l.new_row ->> 'status')),
               null, null
          from parley_data.track_agenda ta
          join parley_data.tracks t on t.id = ta.track_id
          join parley_data.agenda_items i on i.id = ta.item_id
         cross join lateral (select ta.track_id::text || ',' || ta.item_id::text as row_id offset 0) k
          join parley_data.change_log l on l.table_name = 'track_agenda' and l.row_id = k.row_id
         where l.operation in ('insert', 'update')
           and (l.old_row ->> 'status') is distinct from (l.new_row ->> 'status')
        union all
        select (l.changed_at at time zone t.timezone)::date, 'status changed', t.code, null, null, t.code,
               'track ' || t.code || ': ' || (l.old_row ->> 'status') || ' → ' || (l.new_row ->> 'status'),
               null, null
          from parley_data.tracks t
         cross join lateral (select t.id::text as row_id offset 0) k
          join parley_data.change_log l on l.table_name = 'tracks' and l.row_id = k.row_id
         where l.operation = 'update'
           and (l.old_row ->> 'status') is distinct from (l.new_row ->> 'status')
        union all
        select p.stated_on, 'position stated', t.code, i.code, pa.name, null,
               pa.name || ' on ' || i.code || ': ' || p.stance || coalesce(' — ' || p.statement, ''),
               s.title, s.url
          from parley_data.positions p
          join parley_data.parties pa on pa.id = p.party_id
          join parley_data.agenda_items i on i.id = p.item_id
          left join parley_data.tracks t on t.id = p.track_id
          left join parley_data.sources s on s.id = p.source_id
        union all
        select f.as_of, 'figure reported', null, i.code, cl.name, f.indicator,
               coalesce(cl.name || ': ', '') || f.indicator || ' = ' || trim_scale(f.value)
                   || coalesce(' ' || f.unit, '') || ' (' || f.confidence || ')',
               s.title, s.url
          from parley_data.figures f
          left join parley_data.agenda_items i on i.id = f.item_id
          left join parley_data.parties cl on cl.id = f.claimant_id
          left join parley_data.sources s on s.id = f.source_id
       ) e
 order by e.occurred_on, e.track nulls first, e.kind, e.ref;

comment on view parley.timeline is
    'Everything that happened, one row per event, in date order: meetings held, commitments made, updates recorded, status changes, positions stated, figures reported. Filter by track or item; the newest events are at the end (order by occurred_on desc for the latest first).';
comment on column parley.timeline.occurred_on is 'The date of the event (a meeting''s date in the track''s time zone).';
comment on column parley.timeline.kind is 'meeting held, commitment made, update recorded, status changed, position stated or figure reported.';
comment on column parley.timeline.party is 'The party concerned: the obligor, the party reporting an update, the party stating a position, the claimant of a figure.';
comment on column parley.timeline.ref is 'The code of the meeting, commitment, item, track or indicator concerned.';
comment on column parley.timeline.description is 'What happened, in one line.';
comment on column parley.timeline.source is 'Title of the source the event is recorded from, if any (see source_url).';

-- follow_ups ----------------------------------------------------------------------------------------------------

create view parley.follow_ups with (security_invoker = true) as
select f.id,
       f.code,
       case when f.commitment_id is not null then 'commitment ' || fc.code
            when f.meeting_id is not null then 'meeting ' || fm.code
            else 'track ' || ft.code end       as about,
       t.code                                   as track,
       f.note,
       a.name                                   as assignee,
       a.email                                  as assignee_email,
       f.due_at,
       (f.due_at at time zone a.timezone)       as due_local,
       f.due_at < now()                         as overdue,
       (f.due_at at time zone a.timezone)::date - (now() at time zone a.timezone)::date as days_left,
       f.created_at
  from parley_data.follow_ups f
  join parley_data.people a on a.id = f.assignee_id
  left join parley_data.commitments fc on fc.id = f.commitment_id
  left join parley_data.meetings fm on fm.id = f.meeting_id
  left join parley_data.tracks ft on ft.id = f.track_id
  left join parley_data.tracks t on t.id = coalesce(f.track_id, fc.track_id, fm.track_id)
 where f.done_at is null
 order by f.due_at, f.id;

comment on view parley.follow_ups is 'Follow-ups staff still owe (not done), soonest first, overdue ones flagged.';
comment on column parley.follow_ups.about is 'What the follow-up is about: a commitment, a meeting or a track, by code.';
comment on column parley.follow_ups.due_local is 'The due time in the assignee''s own time zone.';
comment on column parley.follow_ups.overdue is 'True when the due time has passed.';
comment on column parley.follow_ups.days_left is 'Days until the due date in the assignee''s time zone; negative when overdue.';

-- changes -------------------------------------------------------------------------------------------------------

-- A recorded field as a desk officer reads it: references by code (people by e-mail) instead of ids. The lookups
-- run as the person querying, so a reference they may not see stays a bare number.
create function parley_data.readable_field(field text) returns text
    language sql immutable parallel safe
    return case
        when field in ('track_id', 'item_id', 'party_id', 'obligor_id', 'claimant_id', 'reported_by_party_id',
                       'meeting_id', 'source_id', 'deal_id', 'commitment_id', 'person_id', 'owner_id', 'lead_id',
                       'assignee_id', 'recorded_by_id')
            then regexp_replace(field, '_id$', '')
        else field
    end;

create function parley_data.readable_value(field text, value jsonb) returns text
    language sql stable
    return case
        when value is null or jsonb_typeof(value) = 'null' then '(none)'
        when field = 'track_id' then
            coalesce((select t.code from parley_data.tracks t where t.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'item_id' then
            coalesce((select i.code from parley_data.agenda_items i where i.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field in ('party_id', 'obligor_id', 'claimant_id', 'reported_by_party_id') then
            coalesce((select p.code from parley_data.parties p where p.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'meeting_id' then
            coalesce((select m.code from parley_data.meetings m where m.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'source_id' then
            coalesce((select s.code from parley_data.sources s where s.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'deal_id' then
            coalesce((select d.code from parley_data.deals d where d.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field = 'commitment_id' then
            coalesce((select c.code from parley_data.commitments c where c.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        when field in ('person_id', 'owner_id', 'lead_id', 'assignee_id', 'recorded_by_id') then
            coalesce((select p.email from parley_data.people p where p.id = (value #>> '{}')::bigint), '#' || (value #>> '{}'))
        else value #>> '{}'
    end;

create view parley.changes with (security_invoker = true) as
select l.id,
       l.changed_at,
       l.changed_by,
       l.table_name                             as entity,
       case l.table_name
           when 'commitment_updates' then
               (select c.code from parley_data.commitments c where c.id = (r.r ->> 'commitment_id')::bigint)
           when 'commitment_beneficiaries' then
               (select c.code from parley_data.commitments c where c.id = (r.r ->> 'commitment_id')::bigint)
               || ' → ' || (select p.code from parley_data.parties p where p.id = (r.r ->> 'party_id')::bigint)
           when 'track_members' then
               (select t.code from parley_data.tracks t where t.id = (r.r ->> 'track_id')::bigint)
               || '/' || (select p.code from parley_data.parties p where p.id = (r.r ->> 'party_id')::bigint)
           when 'track_agenda' then
               (select t.code from parley_data.tracks t where t.id = (r.r ->> 'track_id')::bigint)
               || '/' || (select i.code from parley_data.agenda_items i where i.id = (r.r ->> 'item_id')::bigint)
           when 'positions' then
               (select p.code from parley_data.parties p where p.id = (r.r ->> 'party_id')::bigint)
               || '/' || (select i.code from parley_data.agenda_items i where i.id = (r.r ->> 'item_id')::bigint)
               || coalesce('/' || (select t.code from parley_data.tracks t where t.id = (r.r ->> 'track_id')::bigint), '')
           when 'figures' then r.r ->> 'indicator'
           when 'people' then r.r ->> 'email'
           when 'subscriptions' then
               (select p.email from parley_data.people p where p.id = (r.r ->> 'person_id')::bigint)
           else coalesce(r.r ->> 'code', l.row_id)
       end                                      as code,
       l.operation,
       case l.operation
           when 'update' then
               (select string_agg(parley_data.readable_field(n.key) || ': '
                                  || parley_data.readable_value(n.key, l.old_row -> n.key) || ' → '
                                  || parley_data.readable_value(n.key, n.value), '; ' order by parley_data.readable_field(n.key))
                  from jsonb_each(l.new_row) n
                 where n.key <> 'updated_at' and n.value is distinct from l.old_row -> n.key)
           else
               (select string_agg(parley_data.readable_field(n.key) || ': '
                                  || parley_data.readable_value(n.key, n.value), '; ' order by parley_data.readable_field(n.key))
                  from jsonb_each(r.r) n
                 where n.key not in ('id', 'created_at', 'updated_at') and jsonb_typeof(n.value) <> 'null')
       end                                      as change,
       l.row_id,
       l.transaction_id
  from parley_data.change_log l
 -- The record as it is after the change, or as it was before a delete. (CASE rather than COALESCE: row-level
 -- security lets an index serve the lookups above only for expressions it knows cannot leak, and it does not
 -- know COALESCE.)
 cross join lateral (select case when l.operation = 'delete' then l.old_row else l.new_row end as r) r
 order by l.id desc;

comment on view parley.changes is
    'The change history made readable, newest first (in the order recorded): when, who, which record, and field by field "old → new". Changes to rows you are not cleared to see are not shown.';
comment on column parley.changes.changed_at is 'When the change was made (the time of its transaction).';
comment on column parley.changes.changed_by is 'The database user who made it (the person logged in, even when a recording function did the writing).';
comment on column parley.changes.entity is 'What kind of record changed: commitments, tracks, meetings, positions, ...';
comment on column parley.changes.code is 'The record''s code where it has one (commitment, track, meeting, party, ...); for a link, both ends (track/party, commitment → party).';
comment on column parley.changes.operation is 'insert, update or delete.';
comment on column parley.changes.change is 'For an update, each changed field as "field: old → new" (references by code, people by e-mail); for an insert or a delete, the record''s fields.';

-- stale ---------------------------------------------------------------------------------------------------------
--
-- A commitment's activity: made, updated, or its status changed. A pending commitment's status_changed_on is the
-- day it was recorded (or reopened) rather than anything the parties did, so it counts only for other statuses
-- (track_overview and agenda count activity the same way).

create index commitments_live_activity_idx on parley_data.commitments
    (greatest(made_on, last_update_on, case when status <> 'pending' then status_changed_on end))
    where status not in ('fulfilled', 'withdrawn', 'superseded');
comment on index parley_data.commitments_live_activity_idx is 'Live commitments by their last activity: what parley.stale walks.';

create view parley.stale with (security_invoker = true) as
select s.*
  from (
        select 'commitment'::text                 as kind,
               t.code                             as track,
               i.code                             as item,
               c.code                             as ref,
               c.text                             as what,
               c.status::text                     as status,
               o.name                             as owner,
               greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end) as last_activity_on,
               (now() at time zone t.timezone)::date
                   - greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end) as days_quiet,
               th.days                            as threshold_days
          from parley_data.commitments c
          join parley_data.tracks t on t.id = c.track_id
          join parley_data.agenda_items i on i.id = c.item_id
          left join parley_data.people o on o.id = c.owner_id
         -- The threshold as a scalar subquery: worked out once per query. (Called bare, the function is run for
         -- every row it filters: a sub-select on the settings per commitment.)
         cross join (select (select parley_data.stale_after_days()) as days) th
         where c.status not in ('fulfilled', 'withdrawn', 'superseded')
           -- The track-local date is at most UTC today + 1: a cheaper test first, which the index above serves.
           and greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end)
               < (now() at time zone 'UTC')::date + 1 - (select parley_data.stale_after_days())
           and greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end)
               < (now() at time zone t.timezone)::date - th.days
        union all
        select 'agenda item', t.code, i.code, i.code, i.title, ta.status::text, lead.name,
               act.last_activity_on,
               (now() at time zone t.timezone)::date - act.last_activity_on,
               th.days
          from parley_data.track_agenda ta
          join parley_data.tracks t on t.id = ta.track_id
          join parley_data.agenda_items i on i.id = ta.item_id
          left join parley_data.people lead on lead.id = t.lead_id
         cross join (select (select parley_data.stale_after_days()) as days) th
         -- Each part on an index of its own: the track's commitments on the item (read from the index on track and
         -- item alone), positions stated on the track, and general positions of the track's members.
         cross join lateral (
                select greatest(ta.status_since,
                                (select max(greatest(c.made_on, c.last_update_on, case when c.status <> 'pending' then c.status_changed_on end))
                                   from parley_data.commitments c
                                  where c.track_id = ta.track_id and c.item_id = ta.item_id),
                                (select max(p.stated_on)
                                   from parley_data.positions p
                                  where p.track_id = ta.track_id and p.item_id = ta.item_id),
                                (select max(p.stated_on)
                                   from parley_data.track_members tm
                                   join parley_data.positions p
                                     on p.party_id = tm.party_id and p.item_id = ta.item_id and p.track_id is null
                                  where tm.track_id = ta.track_id)
                       ) as last_activity_on
               ) act
         where t.status = 'active'
           and ta.status not in ('implemented', 'rejected', 'withdrawn')
           and act.last_activity_on < (now() at time zone t.timezone)::date - th.days
       ) s
 order by s.days_quiet desc, s.track, s.ref;

comment on view parley.stale is
    'Open commitments and live agenda items (on active tracks) where nothing has happened for longer than the stale threshold (default 30 days; parley.set_stale_after_days changes it for everybody, `set parley.stale_after_days = 14` for your session). Quietest first.';
comment on column parley.stale.kind is 'commitment or agenda item.';
comment on column parley.stale.ref is 'The commitment''s code, or the agenda item''s code.';
comment on column parley.stale.owner is 'Who should act: the commitment''s owner, or the track''s lead for an agenda item.';
comment on column parley.stale.last_activity_on is 'The last date something happened: made, updated or status changed; for an agenda item also its commitments and the positions stated on it.';
comment on column parley.stale.days_quiet is 'Days since last_activity_on, in the track''s time zone.';
comment on column parley.stale.threshold_days is 'The threshold in force for this query.';

-- commitments_as_of ---------------------------------------------------------------------------------------------

create function parley.commitments_as_of(at timestamptz)
    returns table (
        id              bigint,
        code            text,
        track           text,
        item            text,
        obligor         text,
        text            text,
        made_on         date,
        due_on          date,
        status          parley.commitment_status,
        target          numeric,
        unit            text,
        delivered       numeric,
        owner           text,
        classification  parley.classification,
        recorded_at     timestamptz,
        recorded_by     name)
    language sql stable
begin atomic
    -- The last version of each commitment recorded at or before the moment; a commitment whose last record
    -- is its deletion did not exist then. The newest record per commitment is found on the narrow index of the
    -- history (table, row, id) before any recorded row is read. Commitments with no history at all (written before
    -- the history existed, or whose history was pruned) are taken as they are now if they were created by then.
    with latest as (
        select max(l.id) as id
          from parley_data.change_log l
         where l.table_name = 'commitments' and l.changed_at <= $1
         group by l.row_id
    ), states as (
        select c.id, c.code, c.track_id, c.item_id, c.obligor_id, c.text, c.made_on, c.due_on, c.status,
               c.target_quantity, c.unit, c.delivered_quantity, c.owner_id, c.effective_classification,
               l.changed_at, l.changed_by
          from latest
          join parley_data.change_log l on l.id = latest.id
         cross join lateral jsonb_populate_record(null::parley_data.commitments, l.new_row) c
         where l.operation <> 'delete'
        union all
        select c.id, c.code, c.track_id, c.item_id, c.obligor_id, c.text, c.made_on, c.due_on, c.status,
               c.target_quantity, c.unit, c.delivered_quantity, c.owner_id, c.effective_classification,
               c.created_at, null::name
          from parley_data.commitments c
         where c.created_at <= $1
           and not exists (select 1 from parley_data.change_log l
                            where l.table_name = 'commitments' and l.row_id = c.id::text)
    )
    select s.id, s.code, t.code, i.code, ob.name, s.text, s.made_on, s.due_on, s.status,
           s.target_quantity, s.unit, s.delivered_quantity, o.name, s.effective_classification,
           s.changed_at, s.changed_by
      from states s
      join parley_data.tracks t on t.id = s.track_id
      join parley_data.agenda_items i on i.id = s.item_id
      join parley_data.parties ob on ob.id = s.obligor_id
      left join parley_data.people o on o.id = s.owner_id
     order by s.due_on, s.id;
end;

comment on function parley.commitments_as_of(timestamptz) is
    'The commitments as they stood at a moment, rebuilt from the change history: "what did we know on 1 June?" — select * from parley.commitments_as_of(''2025-06-01 18:00 Europe/Istanbul''). Tracks, items, parties and people are named as they are now.';

-- whoami --------------------------------------------------------------------------------------------------------

create view parley.whoami with (security_invoker = true) as
select current_user                             as role,
       session_user                             as logged_in_as,
       parley_data.current_clearance()          as clearance,
       (select string_agg(c::text, ', ' order by c)
          from unnest(enum_range(null::parley.classification)) c
         where c <= parley_data.current_clearance()) as sees,
       pg_has_role(current_user, 'parley_reader', 'usage') as may_read,
       pg_has_role(current_user, 'parley_writer', 'usage') as may_record;

comment on view parley.whoami is 'Who you are to Parley: your role, your clearance (which classifications you see) and whether you may record.';
comment on column parley.whoami.role is 'The role your queries run as (changes with SET ROLE).';
comment on column parley.whoami.logged_in_as is 'The user you logged in as; the change history records this name.';
comment on column parley.whoami.clearance is 'The highest classification you may see, from membership in parley_clearance_restricted / _confidential / _secret.';
comment on column parley.whoami.sees is 'The classifications of the rows you are shown.';
comment on column parley.whoami.may_read is 'Whether you may read the views (member of parley_reader).';
comment on column parley.whoami.may_record is 'Whether you may record with the parley functions (member of parley_writer).';
