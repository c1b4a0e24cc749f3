-- Calendars: what `parley calendar` writes (parley.calendar_entries).
set local role parley_owner;

-- Calendars ---------------------------------------------------------------------------------------------------------

-- What `parley calendar` writes: meetings, commitment deadlines, follow-ups, and agreements' term ends and last days
-- to object to an automatic renewal, for one track, one person, or all. A person's calendar holds the meetings of
-- the tracks they lead or subscribe to (a subscription to an item alone brings its deadlines, not every meeting where
-- it might come up), the deadlines they own or subscribe to, their follow-ups, and the terms of the agreements they
-- follow or that are on the tracks they lead or subscribe to.
-- sequence counts the recorded changes of what a calendar shows (times, place, status, text), so that a
-- calendar application replaces its copy of an entry when it changed.
create or replace function parley.calendar_entries(track text default null, person text default null)
    returns table (
        kind           text,
        code           text,
        track          text,
        timezone       text,
        summary        text,
        description    text,
        location       text,
        url            text,
        starts_at      timestamptz,
        ends_at        timestamptz,
        due_on         date,
        due_at         timestamptz,
        done_at        timestamptz,
        status         text,
        sequence       integer,
        created_at     timestamptz,
        updated_at     timestamptz,
        related_to     text)
    language sql stable
begin atomic
    with me as (
        select p.id from parley_data.people p where lower(p.email) = lower($2)
    )
    select 'meeting', m.code, t.code, t.timezone, m.title,
           concat_ws(E'\n',
                     t.name,
                     case when m.outcome_summary is not null then 'Outcome: ' || m.outcome_summary end,
                     case when s.code is not null then 'Source: ' || s.title end),
           coalesce(m.location, t.venue), s.url, m.starts_at, m.ends_at, null::date, null::timestamptz,
           null::timestamptz, m.status::text,
           (select count(*)::integer from parley_data.change_log l
             where l.table_name = 'meetings' and l.row_id = m.id::text and l.operation = 'update'
               and (l.old_row -> 'starts_at', l.old_row -> 'ends_at', l.old_row -> 'location', l.old_row -> 'status',
                    l.old_row -> 'title')
                   is distinct from (l.new_row -> 'starts_at', l.new_row -> 'ends_at', l.new_row -> 'location',
                                     l.new_row -> 'status', l.new_row -> 'title')),
           m.created_at, m.updated_at, null::text
      from parley_data.meetings m
      join parley_data.tracks t on t.id = m.track_id
      left join parley_data.sources s on s.id = m.source_id
     where ($1 is null or t.code = $1)
       and ($2 is null
            or t.lead_id in (select id from me)
            or exists (select 1 from parley_data.subscriptions sub
                        where sub.person_id in (select id from me)
                          and (sub.track_id = t.id or (sub.track_id is null and sub.item_id is null))))
    union all
    select 'deadline', c.code, t.code, t.timezone,
           'Due: ' || ob.name || ' — ' || c.text,
           concat_ws(E'\n',
                     t.name || ' / ' || i.title,
                     ob.name || ' owes ' || coalesce((select string_agg(p.name, ', ' order by p.name)
                                                        from parley_data.commitment_beneficiaries b
                                                        join parley_data.parties p on p.id = b.party_id
                                                       where b.commitment_id = c.id), '?'),
                     'Status: ' || c.status
                         || coalesce(', delivered ' || trim_scale(c.delivered_quantity) || ' of '
                                     || trim_scale(c.target_quantity) || coalesce(' ' || c.unit, ''), ''),
                     case when o.name is not null then 'Owner: ' || o.name end),
           null, null, null, null, c.due_on, null, null,
           c.status::text,
           (select count(*)::integer from parley_data.change_log l
             where l.table_name = 'commitments' and l.row_id = c.id::text and l.operation = 'update'
               and (l.old_row -> 'due_on', l.old_row -> 'status', l.old_row -> 'text')
                   is distinct from (l.new_row -> 'due_on', l.new_row -> 'status', l.new_row -> 'text')),
           c.created_at, c.updated_at, null
      from parley_data.commitments c
      join parley_data.tracks t on t.id = c.track_id
      join parley_data.agenda_items i on i.id = c.item_id
      join parley_data.parties ob on ob.id = c.obligor_id
      left join parley_data.people o on o.id = c.owner_id
     where c.due_on is not null
       and ($1 is null or t.code = $1)
       and ($2 is null
            or c.owner_id in (select id from me)
            or t.lead_id in (select id from me)
            or exists (select 1 from parley_data.subscriptions sub
                        where sub.person_id in (select id from me)
                          and (sub.track_id is null or sub.track_id = t.id)
                          and (sub.item_id is null or sub.item_id = c.item_id)))
    union all
    select 'follow-up', coalesce(f.code, 'F' || f.id), t.code, a.timezone, f.note,
           concat_ws(E'\n',
                     'About ' || case when f.commitment_id is not null then 'commitment ' || fc.code
                                      when f.meeting_id is not null then 'meeting ' || fm.code
                                      else 'track ' || t.code end,
                     'Assigned to ' || a.name,
                     case when f.done_note is not null then 'Done: ' || f.done_note end),
           null, null, null, null, null, f.due_at, f.done_at,
           case when f.done_at is null then 'open' else 'done' end,
           (select count(*)::integer from parley_data.change_log l
             where l.table_name = 'follow_ups' and l.row_id = f.id::text and l.operation = 'update'
               and (l.old_row -> 'due_at', l.old_row -> 'note', l.old_row -> 'done_at')
                   is distinct from (l.new_row -> 'due_at', l.new_row -> 'note', l.new_row -> 'done_at')),
           f.created_at, f.updated_at,
           case when f.commitment_id is not null then 'commitment:' || fc.code
                when f.meeting_id is not null then 'meeting:' || fm.code end
      from parley_data.follow_ups f
      join parley_data.people a on a.id = f.assignee_id
      left join parley_data.commitments fc on fc.id = f.commitment_id
      left join parley_data.meetings fm on fm.id = f.meeting_id
      left join parley_data.tracks t on t.id = coalesce(f.track_id, fc.track_id, fm.track_id)
     where ($1 is null or t.code = $1)
       and ($2 is null or f.assignee_id in (select id from me))
    union all
    -- Agreements: the last day of each term, and the last day to object to an automatic renewal, as all-day events
    -- on the agreement's first track (a term renewed before its end still shows where it was to end).
    select x.kind, a.code || '/' || tm.number, ft.code, a.timezone,
           case x.kind when 'term-end' then 'Term ends: ' else 'Last day to object to renewal: ' end || a.title,
           concat_ws(E'\n',
                     a.title || ' (' || a.code || '), term ' || tm.number || ', ' || replace(a.status::text, '_', ' '),
                     (select 'Parties: ' || string_agg(p.name || ' (' || ap.role || ')', ', ' order by ap.role, p.name)
                        from parley_data.agreement_parties ap join parley_data.parties p on p.id = ap.party_id
                       where ap.agreement_id = a.id),
                     'Renews ' || case tm.renewal when 'automatic' then 'automatically unless a party objects'
                                                  else 'by decision of the parties' end,
                     case when o.name is not null then 'Owner: ' || o.name end),
           null, s.url, null, null,
           case x.kind when 'term-end' then tm.ends_on
                else parley_data.objection_deadline(tm.ends_on, tm.objection_notice) end,
           null, null,
           case when tm.starts_on is null and parley_data.agreement_has_ended(a.status) then 'cancelled'
                else a.status::text end,
           (select count(*)::integer from parley_data.change_log l
             where l.table_name = 'agreement_terms' and l.row_id = tm.agreement_id || ',' || tm.number
               and l.operation = 'update'
               and (l.old_row -> 'ends_on', l.old_row -> 'objection_notice')
                   is distinct from (l.new_row -> 'ends_on', l.new_row -> 'objection_notice')),
           tm.created_at, greatest(tm.created_at, a.updated_at), null
      from parley_data.agreement_terms tm
      join parley_data.agreements a on a.id = tm.agreement_id
      join parley_data.agreement_tracks fl on fl.agreement_id = a.id and fl.position = 1
      join parley_data.tracks ft on ft.id = fl.track_id
      left join parley_data.people o on o.id = a.owner_id
      left join parley_data.sources s on s.id = coalesce(tm.source_id, a.source_id)
     cross join lateral (select 'term-end'::text as kind
                         union all
                         select 'objection-deadline' where tm.renewal = 'automatic' and tm.objection_notice is not null) x
     where tm.ends_on is not null
       and ($1 is null or exists (select 1 from parley_data.agreement_tracks l join parley_data.tracks lt on lt.id = l.track_id
                                   where l.agreement_id = a.id and lt.code = $1))
       and ($2 is null
            or a.owner_id in (select id from me)
            or exists (select 1 from parley_data.agreement_tracks l
                         join parley_data.tracks lt on lt.id = l.track_id
                        where l.agreement_id = a.id
                          and (lt.lead_id in (select id from me)
                               or exists (select 1 from parley_data.subscriptions sub
                                           where sub.person_id in (select id from me)
                                             and (sub.track_id = lt.id or (sub.track_id is null and sub.item_id is null))))))
     order by 1, 2;
end;
comment on function parley.calendar_entries(text, text) is
    'What parley calendar writes: meetings, commitment deadlines, follow-ups, agreements'' term ends and last days to object to an automatic renewal, for a track (its code), a person (their e-mail: what they lead, own, are assigned or subscribe to) or everything; only what you may see. Result columns: kind (meeting, deadline, follow-up, term-end or objection-deadline), code (the meeting''s or commitment''s code, the follow-up''s code or F<number>, AGREEMENT/TERM for an agreement''s term), track (the track''s code), timezone (the track''s time zone; the assignee''s for a follow-up), summary (the meeting''s title, "Due: <obligor> — <text>", or the follow-up''s note), description (further lines: for a meeting the track''s name, the outcome and the source; for a deadline the track and item, who owes whom, the status and delivery, the owner; for a follow-up what it is about, the assignee and the done note), location (the meeting''s location or else the track''s venue), url (the web address of a meeting''s source), starts_at and ends_at (a meeting''s), due_on (a deadline''s date, the end of that day in the track''s time zone), due_at (a follow-up''s due time), done_at (when a follow-up was done), status (the meeting''s or commitment''s status; open or done for a follow-up), sequence (how many recorded changes of what a calendar shows: times, place, status, text), created_at and updated_at (when the record was created and last changed), related_to (commitment:<code> or meeting:<code> for a follow-up about one).';
