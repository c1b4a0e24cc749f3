-- Import sections: tracks (with members and agenda), meetings, deals.
set local role parley_owner;

-- Tracks, with their members and agenda. An agenda entry without status_since dates its status today when the
-- status is new or changes, as parley.set_agenda_status does.
create or replace function parley_data.import_tracks(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'name', 'format', 'status', 'venue', 'timezone', 'description',
                                    'classification', 'lead', 'members', 'agenda'];
    member_fields constant text[] := array['party', 'role', 'note'];
    agenda_fields constant text[] := array['item', 'status', 'status_since', 'note'];
    formats constant text[] := enum_range(null::parley.track_format)::text[];
    track_statuses constant text[] := enum_range(null::parley.track_status)::text[];
    levels constant text[] := enum_range(null::parley.classification)::text[];
    roles constant text[] := enum_range(null::parley.member_role)::text[];
    agenda_statuses constant text[] := enum_range(null::parley.agenda_status)::text[];
    mine constant parley.classification := parley_data.session_clearance();
    at_prefix text;
    rec record;
    sub record;
    dup record;
    v_code text;
    v_name text;
    v_format text;
    v_timezone text;
    v_venue text;
    v_classification text;
    v_lead text;
    v_lead_id bigint;
    v_party text;
    v_role text;
    v_item text;
    codes text[] := '{}';
    existing_ids bigint[] := '{}';
    names text[] := '{}';
    track_formats parley.track_format[] := '{}';
    statuses parley.track_status[] := '{}';
    venues text[] := '{}';
    timezones text[] := '{}';
    descriptions text[] := '{}';
    classifications parley.classification[] := '{}';
    leads bigint[] := '{}';
    m_tracks text[] := '{}';
    m_levels parley.classification[] := '{}';
    m_parties bigint[] := '{}';
    m_roles parley.member_role[] := '{}';
    m_notes text[] := '{}';
    a_tracks text[] := '{}';
    a_levels parley.classification[] := '{}';
    a_items bigint[] := '{}';
    a_statuses parley.agenda_status[] := '{}';
    a_since date[] := '{}';
    a_notes text[] := '{}';
    added integer;
    changed integer;
    members_added integer;
    members_changed integer;
    agenda_added integer;
    agenda_changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('tracks', base, dup, 'code', format('track "%s"', dup.key));
    end if;
    -- The track a record names: among those the caller may see with its code, the one of the classification it
    -- gives, else the most classified. A track the caller may not see does not count (the record is a new one).
    for rec in
        select e.ord, e.r, t.id as existing_id, t.classification as existing_level
          from jsonb_array_elements(items) with ordinality e(r, ord)
          left join lateral (
                select x.id, x.classification from parley_data.tracks x
                 where x.code = e.r ->> 'code' and x.classification <= mine
                 order by x.classification::text = coalesce(e.r ->> 'classification', 'unclassified') desc,
                          x.classification desc
                 limit 1) t on true
         order by e.ord
    loop
        at_prefix := format('tracks[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'tracks_code_format');
        v_name := parley_data.import_text(rec.r, 'name');
        perform parley_data.check_label('name', v_name, 'tracks_name_format');
        v_format := parley_data.import_choice(rec.r, 'format', formats);
        perform parley_data.require('format', v_format is not null);
        v_timezone := coalesce(parley_data.import_text(rec.r, 'timezone'), 'UTC');
        perform parley_data.check_timezone('timezone', v_timezone);
        v_venue := parley_data.import_text(rec.r, 'venue');
        perform parley_data.check_optional_label('venue', v_venue, 'tracks_venue_format');
        v_classification := coalesce(parley_data.import_choice(rec.r, 'classification', levels), 'unclassified');
        perform parley_data.check_clearance('classification', v_classification::parley.classification);
        if rec.existing_id is not null then
            perform parley_data.check_not_lowered('classification', rec.existing_level,
                v_classification::parley.classification, format('track "%s"', v_code));
        end if;
        v_lead := parley_data.import_text(rec.r, 'lead');
        v_lead_id := null;
        if v_lead is not null then
            v_lead_id := parley_data.person_id(v_lead, 'lead', active_only => true);
        end if;
        codes := codes || v_code;
        existing_ids := existing_ids || rec.existing_id;
        names := names || v_name;
        track_formats := track_formats || v_format::parley.track_format;
        statuses := statuses
            || coalesce(parley_data.import_choice(rec.r, 'status', track_statuses), 'active')::parley.track_status;
        venues := venues || nullif(btrim(v_venue), '');
        timezones := timezones || v_timezone;
        descriptions := descriptions || nullif(btrim(parley_data.import_text(rec.r, 'description')), '');
        classifications := classifications || v_classification::parley.classification;
        leads := leads || v_lead_id;

        perform parley_data.import_list(rec.r, 'members');
        for sub in select e.ord, e.r from jsonb_array_elements(rec.r -> 'members') with ordinality e(r, ord) loop
            at_prefix := format('tracks[%s].members[%s].', base + rec.ord - 1, sub.ord - 1);
            perform parley_data.import_fields(sub.r, member_fields);
            v_party := parley_data.import_text(sub.r, 'party');
            v_role := parley_data.import_choice(sub.r, 'role', roles);
            perform parley_data.require('role', v_role is not null);
            if exists (select 1 from jsonb_array_elements(rec.r -> 'members') with ordinality x(r, ord)
                        where x.ord < sub.ord and x.r ->> 'party' = v_party and x.r ->> 'role' = v_role) then
                perform parley_data.refuse('23505', 'role', 'track_members_pkey',
                    format('party "%s" is given twice as %s', v_party, v_role), 'Give each role of a party once.');
            end if;
            m_tracks := m_tracks || v_code;
            m_levels := m_levels || v_classification::parley.classification;
            m_parties := m_parties || parley_data.party_id(v_party);
            m_roles := m_roles || v_role::parley.member_role;
            m_notes := m_notes || nullif(btrim(parley_data.import_text(sub.r, 'note')), '');
        end loop;

        perform parley_data.import_list(rec.r, 'agenda');
        for sub in select e.ord, e.r from jsonb_array_elements(rec.r -> 'agenda') with ordinality e(r, ord) loop
            at_prefix := format('tracks[%s].agenda[%s].', base + rec.ord - 1, sub.ord - 1);
            perform parley_data.import_fields(sub.r, agenda_fields);
            v_item := parley_data.import_text(sub.r, 'item');
            if exists (select 1 from jsonb_array_elements(rec.r -> 'agenda') with ordinality x(r, ord)
                        where x.ord < sub.ord and x.r ->> 'item' = v_item) then
                perform parley_data.refuse('23505', 'item', 'track_agenda_pkey',
                    format('item "%s" is on this agenda twice', v_item), 'Give each item of a track''s agenda once.');
            end if;
            a_tracks := a_tracks || v_code;
            a_levels := a_levels || v_classification::parley.classification;
            a_items := a_items || parley_data.item_id(v_item);
            a_statuses := a_statuses
                || coalesce(parley_data.import_choice(sub.r, 'status', agenda_statuses), 'proposed')::parley.agenda_status;
            a_since := a_since || parley_data.import_date(sub.r, 'status_since');
            a_notes := a_notes || nullif(btrim(parley_data.import_text(sub.r, 'note')), '');
        end loop;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(codes, existing_ids, names, track_formats, statuses, venues, timezones, descriptions,
                             classifications, leads)
                      u(code, existing_id, name, format, status, venue, timezone, description, classification, lead_id)
    )
    insert into parley_data.tracks (code, name, format, status, venue, timezone, description, classification, lead_id)
    select i.code, i.name, i.format, i.status, i.venue, i.timezone, i.description, i.classification, i.lead_id
      from input i
     where i.existing_id is null;
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, existing_ids, names, track_formats, statuses, venues, timezones, descriptions,
                                 classifications, leads)
                          u(code, existing_id, name, format, status, venue, timezone, description, classification, lead_id)
        )
        update parley_data.tracks t
           set name = i.name, format = i.format, status = i.status, venue = i.venue, timezone = i.timezone,
               description = i.description, classification = i.classification, lead_id = i.lead_id
          from input i
         where t.id = i.existing_id
           and (t.name, t.format, t.status, t.venue, t.timezone, t.description, t.classification, t.lead_id)
               is distinct from (i.name, i.format, i.status, i.venue, i.timezone, i.description, i.classification, i.lead_id);
        get diagnostics changed = row_count;
    end if;

    -- Members and agenda entries find their track by its code at the level it is now kept at (unique there).
    with input as (
        select t.id as track_id, t.classification as level, u.party_id, u.role, u.note
          from unnest(m_tracks, m_levels, m_parties, m_roles, m_notes) u(track, level, party_id, role, note)
          join parley_data.tracks t on t.code = u.track and t.classification = u.level
    )
    insert into parley_data.track_members (track_id, party_id, role, note, effective_classification)
    select i.track_id, i.party_id, i.role, i.note, i.level from input i
     where not exists (select 1 from parley_data.track_members m
                        where (m.track_id, m.party_id, m.role) = (i.track_id, i.party_id, i.role));
    get diagnostics members_added = row_count;
    members_changed := 0;
    if cardinality(m_tracks) > members_added then
        with input as (
            select t.id as track_id, u.party_id, u.role, u.note
              from unnest(m_tracks, m_levels, m_parties, m_roles, m_notes) u(track, level, party_id, role, note)
              join parley_data.tracks t on t.code = u.track and t.classification = u.level
        )
        update parley_data.track_members m set note = i.note
          from input i
         where (m.track_id, m.party_id, m.role) = (i.track_id, i.party_id, i.role) and m.note is distinct from i.note;
        get diagnostics members_changed = row_count;
    end if;

    with input as (
        select t.id as track_id, t.classification as level, u.item_id, u.status, u.status_since, u.note
          from unnest(a_tracks, a_levels, a_items, a_statuses, a_since, a_notes) u(track, level, item_id, status, status_since, note)
          join parley_data.tracks t on t.code = u.track and t.classification = u.level
    )
    insert into parley_data.track_agenda (track_id, item_id, status, status_since, note, effective_classification)
    select i.track_id, i.item_id, i.status, coalesce(i.status_since, current_date), i.note, i.level from input i
     where not exists (select 1 from parley_data.track_agenda a where (a.track_id, a.item_id) = (i.track_id, i.item_id));
    get diagnostics agenda_added = row_count;
    agenda_changed := 0;
    if cardinality(a_tracks) > agenda_added then
        with input as (
            select t.id as track_id, u.item_id, u.status, u.status_since, u.note
              from unnest(a_tracks, a_levels, a_items, a_statuses, a_since, a_notes) u(track, level, item_id, status, status_since, note)
              join parley_data.tracks t on t.code = u.track and t.classification = u.level
        )
        update parley_data.track_agenda a
           set status = i.status,
               status_since = coalesce(i.status_since, case when a.status = i.status then a.status_since else current_date end),
               note = i.note
          from input i
         where (a.track_id, a.item_id) = (i.track_id, i.item_id)
           and (a.status, a.status_since, a.note) is distinct from
               (i.status, coalesce(i.status_since, case when a.status = i.status then a.status_since else current_date end), i.note);
        get diagnostics agenda_changed = row_count;
    end if;

    return jsonb_build_object(
        'tracks', parley_data.import_counts(cardinality(codes), added, changed),
        'members', parley_data.import_counts(cardinality(m_tracks), members_added, members_changed),
        'agenda', parley_data.import_counts(cardinality(a_tracks), agenda_added, agenda_changed));
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

-- Meetings. An outcome means the meeting was held; its status may be left out then.
create or replace function parley_data.import_meetings(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'track', 'title', 'starts_at', 'ends_at', 'starts_in_days', 'start_time',
                                    'duration_hours', 'location', 'status', 'outcome', 'classification', 'source'];
    meeting_statuses constant text[] := enum_range(null::parley.meeting_status)::text[];
    levels constant text[] := enum_range(null::parley.classification)::text[];
    mine constant parley.classification := parley_data.session_clearance();
    at_prefix text;
    rec record;
    dup record;
    v_code text;
    v_track bigint;
    v_title text;
    v_starts timestamptz;
    v_ends timestamptz;
    v_start_days integer;
    v_start_time text;
    v_hours numeric;
    v_location text;
    v_status text;
    v_outcome text;
    v_classification text;
    v_source text;
    codes text[] := '{}';
    existing_ids bigint[] := '{}';
    track_levels parley.classification[] := '{}';
    tracks bigint[] := '{}';
    titles text[] := '{}';
    starts timestamptz[] := '{}';
    ends timestamptz[] := '{}';
    locations text[] := '{}';
    statuses parley.meeting_status[] := '{}';
    outcomes text[] := '{}';
    classifications parley.classification[] := '{}';
    sources bigint[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('meetings', base, dup, 'code', format('meeting "%s"', dup.key));
    end if;
    -- The meeting a record names: as for tracks, among those the caller may see.
    for rec in
        select e.ord, e.r, m.id as existing_id, m.track_id as existing_track, m.classification as existing_level,
               m.starts_at as existing_starts, m.ends_at as existing_ends
          from jsonb_array_elements(items) with ordinality e(r, ord)
          left join lateral (
                select x.* from parley_data.meetings x
                 where x.code = e.r ->> 'code' and x.effective_classification <= mine
                 order by x.classification::text = coalesce(e.r ->> 'classification', 'unclassified') desc,
                          x.effective_classification desc
                 limit 1) m on true
         order by e.ord
    loop
        at_prefix := format('meetings[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'meetings_code_format');
        v_track := parley_data.track_id(parley_data.import_text(rec.r, 'track'));
        if rec.existing_track is not null and rec.existing_track <> v_track then
            perform parley_data.refuse('23514', 'track', 'import_keeps_meeting_track',
                format('meeting "%s" is recorded on track "%s"; an import does not move a meeting to another track',
                       v_code, (select t.code from parley_data.tracks t where t.id = rec.existing_track)),
                'Give the meeting''s recorded track, or record a new meeting under another code.');
        end if;
        v_title := parley_data.import_text(rec.r, 'title');
        perform parley_data.check_label('title', v_title, 'meetings_title_format');
        v_starts := parley_data.import_timestamptz(rec.r, 'starts_at');
        v_ends := parley_data.import_timestamptz(rec.r, 'ends_at');
        -- starts_in_days (with start_time, 10:00 unless given, on the track's clock, and duration_hours) dates a
        -- meeting relative to the day it is first imported, like a commitment's due_in_days; a meeting already
        -- recorded keeps the moment it was given then.
        v_start_days := parley_data.import_days(rec.r, 'starts_in_days');
        v_start_time := parley_data.import_text(rec.r, 'start_time');
        v_hours := parley_data.import_numeric(rec.r, 'duration_hours');
        if v_start_days is not null and v_starts is not null then
            perform parley_data.refuse('22023', 'starts_in_days', 'import_one_date',
                'give starts_at or starts_in_days, not both', 'starts_in_days counts from the day of the import; starts_at is a moment.');
        end if;
        if (v_start_time is not null or v_hours is not null) and v_start_days is null then
            perform parley_data.refuse('22023', case when v_start_time is not null then 'start_time' else 'duration_hours' end,
                'import_relative_meeting', 'start_time and duration_hours go with starts_in_days',
                'Give starts_in_days too, or write starts_at and ends_at as moments.');
        end if;
        if v_start_time is not null and v_start_time !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' then
            perform parley_data.refuse('22007', 'start_time', 'import_start_time',
                format('start_time "%s" is not of the form HH:MM', v_start_time),
                'Write start_time as HH:MM on the track''s clock, e.g. start_time: "10:30".');
        end if;
        if v_hours is not null and (v_hours <= 0 or v_hours > 240) then
            perform parley_data.refuse('23514', 'duration_hours', 'import_duration_hours',
                format('duration_hours %s is not between 0 and 240', v_hours), 'Give the meeting''s length in hours, e.g. 2.5.');
        end if;
        if v_start_days is not null then
            if rec.existing_starts is not null then
                v_starts := rec.existing_starts;
                v_ends := rec.existing_ends;
            else
                v_starts := ((current_date + v_start_days) + coalesce(v_start_time, '10:00')::time)
                            at time zone (select t.timezone from parley_data.tracks t where t.id = v_track);
                v_ends := v_starts + make_interval(secs => v_hours * 3600);
            end if;
        end if;
        perform parley_data.require('starts_at', v_starts is not null);
        -- Said with the moments as the document writes them, in their own offsets, not in the session's zone.
        if v_ends < v_starts and v_start_days is null then
            perform parley_data.refuse('23514', 'ends_at', 'meetings_ends_after_start',
                format('ends_at %s is before starts_at %s', parley_data.import_text(rec.r, 'ends_at'),
                       parley_data.import_text(rec.r, 'starts_at')),
                'A meeting ends after it starts; check the dates and the time zone offsets.');
        end if;
        perform parley_data.check_meeting_times(v_starts, v_ends, 'ends_at');
        v_location := parley_data.import_text(rec.r, 'location');
        perform parley_data.check_optional_label('location', v_location, 'meetings_location_format');
        v_outcome := nullif(btrim(parley_data.import_text(rec.r, 'outcome')), '');
        v_status := coalesce(parley_data.import_choice(rec.r, 'status', meeting_statuses),
                             case when v_outcome is not null then 'held' else 'scheduled' end);
        if v_outcome is not null and v_status <> 'held' then
            perform parley_data.refuse('23514', 'status', 'meetings_outcome_when_held',
                format('status %s does not fit a recorded outcome: a meeting with an outcome was held', v_status),
                'Say status: held, or leave the outcome out.');
        end if;
        v_classification := coalesce(parley_data.import_choice(rec.r, 'classification', levels), 'unclassified');
        perform parley_data.check_clearance('classification', v_classification::parley.classification);
        if rec.existing_id is not null then
            perform parley_data.check_not_lowered('classification', rec.existing_level,
                v_classification::parley.classification, format('meeting "%s"', v_code));
        end if;
        v_source := parley_data.import_text(rec.r, 'source');
        codes := codes || v_code;
        existing_ids := existing_ids || rec.existing_id;
        track_levels := track_levels || parley_data.track_level(v_track);
        tracks := tracks || v_track;
        titles := titles || v_title;
        starts := starts || v_starts;
        ends := ends || v_ends;
        locations := locations || nullif(btrim(v_location), '');
        statuses := statuses || v_status::parley.meeting_status;
        outcomes := outcomes || v_outcome;
        classifications := classifications || v_classification::parley.classification;
        sources := sources || case when v_source is not null then parley_data.source_id(v_source) end;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(codes, existing_ids, tracks, track_levels, titles, starts, ends, locations, statuses,
                             outcomes, classifications, sources)
                      u(code, existing_id, track_id, track_level, title, starts_at, ends_at, location, status, outcome,
                        classification, source_id)
    )
    insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, location, status, outcome_summary,
                                      outcome_recorded_at, classification, track_classification,
                                      effective_classification, source_id)
    select i.code, i.track_id, i.title, i.starts_at, i.ends_at, i.location, i.status, i.outcome,
           case when i.outcome is not null then now() end, i.classification, i.track_level,
           greatest(i.classification, i.track_level), i.source_id
      from input i
     where i.existing_id is null;
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, existing_ids, titles, starts, ends, locations, statuses, outcomes,
                                 classifications, sources)
                          u(code, existing_id, title, starts_at, ends_at, location, status, outcome, classification,
                            source_id)
        )
        update parley_data.meetings m
           set title = i.title, starts_at = i.starts_at, ends_at = i.ends_at, location = i.location, status = i.status,
               outcome_summary = i.outcome,
               outcome_recorded_at = case when i.outcome is null then null
                                          when i.outcome is distinct from m.outcome_summary then now()
                                          else m.outcome_recorded_at end,
               classification = i.classification, source_id = i.source_id
          from input i
         where m.id = i.existing_id
           and (m.title, m.starts_at, m.ends_at, m.location, m.status, m.outcome_summary, m.classification, m.source_id)
               is distinct from (i.title, i.starts_at, i.ends_at, i.location, i.status, i.outcome, i.classification, i.source_id);
        get diagnostics changed = row_count;
    end if;
    return parley_data.import_counts(cardinality(codes), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

create or replace function parley_data.import_deals(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'title'];
    at_prefix text;
    rec record;
    dup record;
    v_code text;
    v_title text;
    codes text[] := '{}';
    titles text[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('deals', base, dup, 'code', format('deal "%s"', dup.key));
    end if;
    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('deals[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'deals_code_format');
        v_title := parley_data.import_text(rec.r, 'title');
        perform parley_data.check_label('title', v_title, 'deals_title_format');
        codes := codes || v_code;
        titles := titles || v_title;
    end loop;
    at_prefix := null;

    -- A deal the caller may not see does not count: the record is a new deal, raised to its commitments' level
    -- as they join it.
    with input as (
        select * from unnest(codes, titles) u(code, title)
    )
    insert into parley_data.deals (code, title)
    select i.code, i.title from input i
     where not exists (select 1 from parley_data.deals d
                        where d.code = i.code and d.classification <= parley_data.session_clearance());
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, titles) u(code, title)
        )
        update parley_data.deals d set title = i.title from input i
         where d.code = i.code and d.classification <= parley_data.session_clearance() and d.title <> i.title;
        get diagnostics changed = row_count;
    end if;
    return parley_data.import_counts(cardinality(codes), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;
