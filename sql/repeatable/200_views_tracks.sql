-- Staff views about tracks: track_overview, agenda, upcoming_meetings, and whoami; and, first of the views files,
-- the two functions every one of them comments its views' columns with (comment_columns, comment_columns_as).
set local role parley_owner;

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

-- One meaning, one comment: a view column that means what a column of another view means (the same value, shown
-- the same way) takes that column's comment, so that its explanation is written, and corrected, in one place.
create or replace function parley_data.comment_columns_as(source regclass, target regclass, variadic columns text[])
    returns void
    language plpgsql
    set search_path = pg_catalog, pg_temp
as $$
declare
    col text;
    said text;
begin
    foreach col in array comment_columns_as.columns loop
        said := col_description(comment_columns_as.source,
                                (select a.attnum from pg_attribute a
                                  where a.attrelid = comment_columns_as.source and a.attname = col and not a.attisdropped));
        if said is null then
            raise exception '%.% has no comment to give %.%', comment_columns_as.source, col, comment_columns_as.target, col;
        end if;
        execute format('comment on column %s.%I is %L', comment_columns_as.target, col, said);
    end loop;
end
$$;
comment on function parley_data.comment_columns_as(regclass, regclass, text[]) is
    'Gives columns of the view target the comments of the columns of the same names of the view source (while the repeatable files are applied): one explanation for one meaning.';

-- A view's columns are explained in one statement: each column's name beside what it means, in the order of the
-- view, rather than a `comment on column` statement per column. psql's \d+ shows them as before.
create or replace function parley_data.comment_columns(target regclass, comments text[])
    returns void
    language plpgsql
    set search_path = pg_catalog, pg_temp
as $$
declare
    i integer;
begin
    if array_ndims(comment_columns.comments) is distinct from 2 or array_length(comment_columns.comments, 2) <> 2 then
        raise exception 'comments for % are pairs: array[[column, comment], ...]', comment_columns.target;
    end if;
    for i in 1 .. array_length(comment_columns.comments, 1) loop
        execute format('comment on column %s.%I is %L', comment_columns.target, comment_columns.comments[i][1],
                       comment_columns.comments[i][2]);
    end loop;
end
$$;
comment on function parley_data.comment_columns(regclass, text[]) is
    'Comments the columns of the view target (while the repeatable files are applied): comments holds pairs, array[[column, comment], ...].';

-- track_overview ------------------------------------------------------------------------------------------------

create or replace view parley.track_overview with (security_invoker = true) as
select t.code                                   as track,
       t.name,
       t.format,
       t.status,
       t.venue,
       t.timezone,
       parley_data.shown_level(t.classification) as classification,
       lead.name                                as lead,
       members.parties,
       agenda.summary                           as agenda,
       coalesce(cc.open_commitments, 0)         as open_commitments,
       coalesce(od.overdue_commitments, 0)      as overdue_commitments,
       (mt.last_meeting_at at time zone t.timezone)::date as last_meeting_on,
       mt.next_meeting_at,
       (mt.next_meeting_at at time zone t.timezone) as next_meeting_local,
       greatest(cc.last_activity_on, (mt.last_meeting_at at time zone t.timezone)::date,
                agenda.last_status_on, pos.last_stated_on) as last_activity_on,
       ag.agreements_in_force
  -- Every part is worked out for all tracks at once (an aggregate over its table), grouped by the track's code as
  -- well as its id and joined on both: `where track = …` reaches into each grouping (a condition on a grouping
  -- column is pushed down) and reads that track's rows only; the whole view reads each table once instead of
  -- probing four partitions of six tables per track (10,000 tracks: 3 s → under 1 s at a million commitments).
  -- Open commitments and the last activity come from the tallies (000008); overdue ones, which depend on today's
  -- date, from the index on live commitments by deadline.
  from parley_data.tracks t
  left join parley_data.people lead on lead.id = t.lead_id
  left join (
        select m.track_id, m.track,
               string_agg(m.party || ' (' || m.roles || ')', ', ' order by m.first_role, m.joined, m.party) as parties
          from (select tm.track_id, tt.code as track, p.name as party,
                       string_agg(tm.role::text, ', ' order by tm.role) as roles,
                       min(tm.role) as first_role,
                       min(tm.created_at) as joined
                  from parley_data.track_members tm
                  join parley_data.tracks tt on tt.id = tm.track_id
                  join parley_data.parties p on p.id = tm.party_id
                 group by tm.track_id, tt.code, p.id, p.name) m
         group by m.track_id, m.track
       ) members on members.track_id = t.id and members.track = t.code
  left join (
        select ta.track_id, tt.code as track,
               string_agg(i.code || ' (' || ta.status || ')', ', ' order by i.code) as summary,
               max(ta.status_since) as last_status_on
          from parley_data.track_agenda ta
          join parley_data.tracks tt on tt.id = ta.track_id
          join parley_data.agenda_items i on i.id = ta.item_id
         group by ta.track_id, tt.code
       ) agenda on agenda.track_id = t.id and agenda.track = t.code
  left join (
        select x.track_id, tt.code as track,
               sum(x.open) as open_commitments,
               max(x.last_activity_on) as last_activity_on
          from parley_data.commitment_tallies x
          join parley_data.tracks tt on tt.id = x.track_id
         group by x.track_id, tt.code
       ) cc on cc.track_id = t.id and cc.track = t.code
  left join (
        select c.track_id, tz.code as track, count(*) as overdue_commitments
          from parley_data.commitments c
          join parley_data.tracks tz on tz.id = c.track_id
         where parley_data.commitment_is_live(c.status) and c.frozen_on is null
           -- The track-local date is at most UTC today + 1: the cheaper test lets the index serve.
           and c.due_on < (now() at time zone 'UTC')::date + 1
           and c.due_on < (now() at time zone tz.timezone)::date
         group by c.track_id, tz.code
       ) od on od.track_id = t.id and od.track = t.code
  left join (
        select m.track_id, tt.code as track,
               max(m.starts_at) filter (where m.status = 'held'
                                           or (m.status = 'scheduled' and m.starts_at <= now())) as last_meeting_at,
               min(m.starts_at) filter (where m.status = 'scheduled' and m.starts_at > now()) as next_meeting_at
          from parley_data.meetings m
          join parley_data.tracks tt on tt.id = m.track_id
         group by m.track_id, tt.code
       ) mt on mt.track_id = t.id and mt.track = t.code
  left join (
        select p.track_id, tt.code as track, max(p.stated_on) as last_stated_on
          from parley_data.positions p
          join parley_data.tracks tt on tt.id = p.track_id
         group by p.track_id, tt.code
       ) pos on pos.track_id = t.id and pos.track = t.code
  left join lateral (
        select string_agg(a.code, ', ' order by a.code) as agreements_in_force
          from parley_data.agreement_tracks l
          join parley_data.agreements a on a.id = l.agreement_id
         where l.track_id = t.id and a.status = 'in_force'
       ) ag on true
 order by t.code;

comment on view parley.track_overview is
    'One row per negotiation track: who takes part and as what, where each agenda item stands, how many commitments are open or overdue, the last and next meeting, and when anything last happened. Counts include only what you are cleared to see.';
select parley_data.comment_columns('parley.track_overview', array[
    ['track', 'The track''s code, e.g. istanbul; use it to filter other views (where track = ''istanbul''). Codes are unique per classification level: when two rows show one code, classification tells them apart, and the recording functions take code@level (istanbul@secret).'],
    ['name', 'The track''s full name, e.g. "Istanbul direct talks".'],
    ['format', 'bilateral, trilateral, multilateral or briefing.'],
    ['status', 'active, paused or concluded. Only the agenda items of active tracks can be listed in parley.stale.'],
    ['venue', 'Where the track usually meets, as recorded; empty when not recorded.'],
    ['timezone', 'The track''s IANA time zone (e.g. Europe/Istanbul): its deadlines end at midnight after due_on there, and days and local times on this track are counted on its clock.'],
    ['classification', 'The track''s own classification (unclassified, restricted, confidential, secret): the level it is kept and shown at, and the lowest level of everything on it. You see only tracks at or below your clearance (whoami).'],
    ['lead', 'The name of the member of staff who leads the track (told of its meetings and of escalated overdue alerts); empty when nobody leads it.'],
    ['parties', 'Parties (by name) and their roles on the track, principals first, e.g. "Ukraine (principal), Russia (principal), Türkiye (host)"; empty when it has no members.'],
    ['agenda', 'Each agenda item''s code with its status on this track, in code order, e.g. "ceasefire (under_discussion), exchange (implementing)"; empty when the agenda is empty.'],
    ['open_commitments', 'How many commitments on the track are still owed: pending, in progress or partially fulfilled (not fulfilled, breached, withdrawn or superseded), and not a provision of an agreement that has ended. Counts only those you are cleared to see.'],
    ['overdue_commitments', 'How many of those open commitments are past their deadline (the end of due_on in the track''s time zone). Counts only those you are cleared to see.'],
    ['last_meeting_on', 'The date, in the track''s time zone, of the latest meeting held, or scheduled and already started (postponed and cancelled ones aside); empty when there is none.'],
    ['next_meeting_at', 'When the next scheduled meeting starts (the earliest scheduled start after now), shown in your session''s time zone; empty when none is scheduled.'],
    ['next_meeting_local', 'The next meeting''s start on the track''s own clock (a wall-clock time in timezone, without offset); empty when none is scheduled.'],
    ['last_activity_on', 'The latest date anything happened on the track: a meeting (as in last_meeting_on), a commitment made, updated or changing status, an agenda status change, a position stated on the track; empty when nothing has.'],
    ['agreements_in_force', 'The codes of the agreements on the track that are in force (parley.agreements has the rest).']]);

-- agenda --------------------------------------------------------------------------------------------------------

create or replace view parley.agenda with (security_invoker = true) as
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
       ta.note,
       ag.agreements_in_force
  from parley_data.track_agenda ta
  join parley_data.tracks t on t.id = ta.track_id
  join parley_data.agenda_items i on i.id = ta.item_id
  -- Counted from the tallies (000008): a row per obligor and level instead of every commitment (the levels the
  -- reader may not see are not read), for all entries at once and joined on the track's code too, as the stances.
  left join (
        select x.track_id, tt.code as track, x.item_id,
               sum(x.made) as commitments,
               sum(x.open) as open_commitments,
               sum(x.fulfilled) as fulfilled_commitments
          from parley_data.commitment_tallies x
          join parley_data.tracks tt on tt.id = x.track_id
         group by x.track_id, tt.code, x.item_id
       ) cc on cc.track_id = ta.track_id and cc.track = t.code and cc.item_id = ta.item_id
  -- Each party's stance on this track, or its general stance when it is a member of the track and said nothing
  -- specific here later: kept per entry and clearance (agenda_stances, 000014) and read at the reader's own
  -- clearance, for the entries not queued since their stances were last worked out; the queued ones (few: what was
  -- written since the leader's last plan) worked out from the records as the reader sees them, as this view did for
  -- every entry before (the members' general positions joined to every entry, 600,000 rows at a million
  -- commitments). Joined on the track's code as well as the item so that `where track = '…'` reaches into it (a
  -- condition on a grouping column is pushed down; one on an id the query does not name is not) and a single track
  -- reads only its own.
  left join (
        select s.track_id, s.track, s.item_id,
               string_agg(p.name || ': ' || s.stance || ' (' || s.stated_on || ')', '; ' order by p.name) as stances
          from (select a.track_id, tt.code as track, a.item_id, a.party_id, a.stance, a.stated_on
                  from parley_data.agenda_stances a
                  join parley_data.tracks tt on tt.id = a.track_id
                 -- The reader's own clearance: a condition on the partition key, so that the other partitions are
                 -- left unread (those above it row-level security leaves unread anyway: 900_security).
                 where a.clearance = (select parley_data.activity_clearance())
                   and not exists (select 1 from parley_data.agenda_activity_queue q
                                    where q.track_id = a.track_id and q.item_id = a.item_id)
                union all
                (select distinct on (x.track_id, x.track, x.item_id, x.party_id)
                        x.track_id, x.track, x.item_id, x.party_id, x.stance, x.stated_on
                   from (select qe.track_id, tt.code as track, pos.item_id, pos.party_id, pos.stance, pos.stated_on,
                                false as general
                           from (select distinct q.track_id, q.item_id from parley_data.agenda_activity_queue q) qe
                           join parley_data.tracks tt on tt.id = qe.track_id
                           join parley_data.positions pos on pos.track_id = qe.track_id and pos.item_id = qe.item_id
                         union all
                         select qe.track_id, tt.code, pos.item_id, pos.party_id, pos.stance, pos.stated_on, true
                           from (select distinct q.track_id, q.item_id from parley_data.agenda_activity_queue q) qe
                           join parley_data.tracks tt on tt.id = qe.track_id
                           join parley_data.track_members tm on tm.track_id = qe.track_id
                           join parley_data.positions pos
                             on pos.party_id = tm.party_id and pos.item_id = qe.item_id and pos.track_id is null) x
                  order by x.track_id, x.track, x.item_id, x.party_id, x.stated_on desc, x.general)) s
          join parley_data.parties p on p.id = s.party_id
         group by s.track_id, s.track, s.item_id
       ) st on st.track_id = ta.track_id and st.track = t.code and st.item_id = ta.item_id
  -- The agreements in force with a provision about this item on this track, for all entries at once.
  left join (
        select c.track_id, c.item_id, string_agg(distinct a.code, ', ' order by a.code) as agreements_in_force
          from parley_data.agreements a
          join parley_data.commitments c on c.agreement_id = a.id
         where a.status = 'in_force'
         group by c.track_id, c.item_id
       ) ag on ag.track_id = ta.track_id and ag.item_id = ta.item_id
 order by t.code, i.code;

comment on view parley.agenda is
    'One row per track and agenda item: where the item stands on that track and since when, its commitments, and each party''s latest stance.';
select parley_data.comment_columns('parley.agenda', array[
    ['track', 'The track''s code (see track_overview).'],
    ['item', 'The agenda item''s code, e.g. ceasefire; the same item can be on several tracks, one row each.'],
    ['title', 'The agenda item''s title, the same on every track.'],
    ['status', 'Where the item stands on this track: proposed → under_discussion → agreed_in_principle → agreed → implementing → implemented, or stalled / rejected / withdrawn.'],
    ['since', 'The date the item reached its current status on this track: as recorded (status_since), or the day the change was recorded when none was given.'],
    ['days_in_status', 'Days from since to today, today being the date in the track''s time zone.'],
    ['commitments', 'How many commitments on this track concern the item, whatever their status. Counts only those you are cleared to see.'],
    ['open_commitments', 'How many of them are still owed: pending, in progress or partially fulfilled (not fulfilled, breached, withdrawn or superseded), and not a provision of an agreement that has ended.'],
    ['fulfilled_commitments', 'How many of them were fulfilled.'],
    ['stances', 'Each party''s latest stance on the item, on this track or stated generally by a member of the track, by party name, e.g. "Russia: conditional (2025-06-02); Ukraine: supports (2025-05-16)"; empty when no party has stated one.'],
    ['note', 'The note recorded with the item''s place on this track''s agenda; empty when none.'],
    ['agreements_in_force', 'The codes of the agreements in force with a provision about this item on this track.']]);

-- upcoming_meetings ---------------------------------------------------------------------------------------------

create or replace view parley.upcoming_meetings with (security_invoker = true) as
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
           and parley_data.commitment_is_live(c.status)
           and c.due_on < (m.starts_at at time zone t.timezone)::date
       ) d on true
 where m.status = 'scheduled'
   and coalesce(m.ends_at, m.starts_at) >= now()
 order by m.starts_at, m.code;

comment on view parley.upcoming_meetings is
    'Scheduled meetings from now on, soonest first, with the local time at the venue and the open commitments on the track whose deadline falls before the meeting (what to chase before it).';
select parley_data.comment_columns('parley.upcoming_meetings', array[
    ['meeting', 'The meeting''s code, e.g. ist-r3; unique per classification level (a reference to one at two levels you may see is code@level).'],
    ['track', 'The track''s code.'],
    ['title', 'The meeting''s title, e.g. "Round 3".'],
    ['starts_at', 'When it starts, shown in your session''s time zone.'],
    ['local_start', 'The start on the track''s clock (a wall-clock time in timezone, without offset).'],
    ['timezone', 'The track''s IANA time zone, in which local_start and days_until are counted.'],
    ['ends_at', 'When it is to end, shown in your session''s time zone; empty when no end was recorded. A meeting stays listed until it has ended (or, without an end, started).'],
    ['location', 'Where it takes place, as recorded; empty when not recorded (the track''s venue is in track_overview).'],
    ['days_until', 'Days from today to the meeting''s start date, both dates in the track''s time zone: 0 = today, negative for a meeting under way that started on an earlier day.'],
    ['open_due_before', 'How many open commitments (pending, in progress, partially fulfilled) on the track fall due before the meeting''s day in the track''s time zone, including ones already overdue; 0 when none. Counts only those you are cleared to see.'],
    ['due_before', 'Those commitments as code (due date), earliest first, e.g. "ist-r3-swap-ru (2025-06-20)"; empty when none.']]);

-- whoami --------------------------------------------------------------------------------------------------------

create or replace view parley.whoami with (security_invoker = true) as
select current_user                             as role,
       session_user                             as logged_in_as,
       parley_data.current_clearance()          as clearance,
       (select string_agg(c::text, ', ' order by c)
          from unnest(enum_range(null::parley.classification)) c
         where c <= parley_data.current_clearance()) as sees,
       pg_has_role(current_user, 'parley_reader', 'usage') as may_read,
       pg_has_role(current_user, 'parley_writer', 'usage') as may_record;

comment on view parley.whoami is 'Who you are to Parley: your role, your clearance (which classifications you see) and whether you may record.';
select parley_data.comment_columns('parley.whoami', array[
    ['role', 'The role your queries run as (changes with SET ROLE).'],
    ['logged_in_as', 'The user you logged in as; the change history records this name.'],
    ['clearance', 'The highest classification you may see (unclassified, restricted, confidential or secret), from your role''s membership in parley_clearance_restricted / _confidential / _secret; none of them means unclassified.'],
    ['sees', 'The classifications of the rows you are shown, lowest first, e.g. "unclassified, restricted".'],
    ['may_read', 'Whether you may read the views (member of parley_reader).'],
    ['may_record', 'Whether you may record with the parley functions (member of parley_writer).']]);
