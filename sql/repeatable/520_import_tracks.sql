-- Import sections: tracks (with their members and agenda) and meetings.
set local role parley_owner;

-- Tracks, with their members and agenda. The track a record names: among those the caller may see with its code,
-- the one of the classification it gives, else the most classified; a track the caller may not see does not count
-- (the record is a new one). An agenda entry without status_since dates its status today when the status is new or
-- changes, as parley.set_agenda_status does.
create or replace function parley_data.import_tracks(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    mine constant parley.classification := parley_data.session_clearance();
    tracks jsonb;
begin
    perform parley_data.import_read('tracks', items, base);
    perform parley_data.import_read('tracks.members', items, base);
    perform parley_data.import_read('tracks.agenda', items, base);
    perform parley_data.import_duplicates('tracks', base, 'x.code', 'code', 'track "%s"');
    perform parley_data.import_duplicates('tracks.members', base, 'x.party || '' as '' || x.role', 'role', 'party %s');
    perform parley_data.import_duplicates('tracks.agenda', base, 'x.item', 'item', 'item "%s"');
    perform parley_data.import_resolve('tracks', 'id bigint, existing bigint, existing_level parley.classification, '
                                       || 'known_zone boolean, lead_id bigint, lead_active boolean', format($q$
        select x.ord, x.sub_ord, t.id, t.id, t.classification, z.name is not null, p.id, p.active
          from pg_temp.import_tracks x
          left join lateral (select y.id, y.classification from parley_data.tracks y
                              where y.code = x.code and y.classification <= %L
                              order by y.classification = x.classification desc, y.classification desc
                              limit 1) t on true
          left join parley_data.time_zones z on z.name = x.timezone
          left join parley_data.people p on lower(p.email) = lower(x.lead)$q$, mine));
    perform parley_data.import_resolve('tracks.members', 'party_id bigint', $q$
        select x.ord, x.sub_ord, p.id
          from pg_temp.import_tracks_members x left join parley_data.parties p on p.code = x.party$q$);
    perform parley_data.import_resolve('tracks.agenda', 'item_id bigint', $q$
        select x.ord, x.sub_ord, i.id
          from pg_temp.import_tracks_agenda x left join parley_data.agenda_items i on i.code = x.item$q$);
    perform parley_data.import_check('tracks', base, 2, format($q$
        select x.ord, x.sub_ord,
               coalesce(parley_data.bad_track(x.code, x.name, x.format, x.timezone, x.known_zone, x.venue,
                                              x.description, x.classification, %1$L, x.status, x.lead,
                                              x.lead_id is not null, x.lead_active),
                        parley_data.bad_lowering('classification', x.existing_level, x.classification,
                                                 format('track "%%s"', x.code)))
          from pg_temp.import_tracks x$q$, mine));
    perform parley_data.import_check('tracks.members', base, 2, $q$
        select x.ord, x.sub_ord,
               parley_data.bad_member(x.party, x.party_id is not null, x.role, x.note)
          from pg_temp.import_tracks_members x$q$);
    perform parley_data.import_check('tracks.agenda', base, 2, $q$
        select x.ord, x.sub_ord,
               parley_data.bad_agenda_entry(x.item, x.item_id is not null, x.status, x.note)
          from pg_temp.import_tracks_agenda x$q$);
    perform parley_data.import_refuse_first();

    perform parley_data.import_tidy('tracks', array['venue', 'description']);
    perform parley_data.import_tidy('tracks.members', array['note']);
    perform parley_data.import_tidy('tracks.agenda', array['note']);
    perform parley_data.import_new_ids('tracks', 'parley_data.tracks');
    tracks := parley_data.import_write('tracks', 'parley_data.tracks', array['id'],
        array['code', 'name', 'format', 'status', 'venue', 'timezone', 'description', 'classification', 'lead_id']);
    -- Members and agenda entries are kept at their track's level (where the track is now).
    perform parley_data.import_resolve('tracks.members', 'track_id bigint, effective_classification parley.classification, existing boolean', $q$
        select x.ord, x.sub_ord, t.id, t.classification,
               nullif(exists (select 1 from parley_data.track_members m
                               where (m.track_id, m.party_id, m.role) = (t.id, x.party_id, x.role)), false)
          from pg_temp.import_tracks_members x join pg_temp.import_tracks t on t.ord = x.ord$q$);
    perform parley_data.import_resolve('tracks.agenda',
        'track_id bigint, effective_classification parley.classification, existing boolean, status_since date', $q$
        select x.ord, x.sub_ord, t.id, t.classification, case when a.track_id is not null then true end,
               coalesce(x.status_since, case when a.status = x.status then a.status_since else current_date end)
          from pg_temp.import_tracks_agenda x
          join pg_temp.import_tracks t on t.ord = x.ord
          left join parley_data.track_agenda a on (a.track_id, a.item_id) = (t.id, x.item_id)$q$);
    return jsonb_build_object(
            'tracks', tracks,
            'members', parley_data.import_write('tracks.members', 'parley_data.track_members',
                                                array['track_id', 'party_id', 'role', 'effective_classification'], array['note']),
            'agenda', parley_data.import_write('tracks.agenda', 'parley_data.track_agenda',
                                               array['track_id', 'item_id', 'effective_classification'],
                                               array['status', 'status_since', 'note']));
end
$$;

-- Meetings. An outcome means the meeting was held; its status may be left out then. starts_in_days (with
-- start_time, 10:00 unless given, on the track's clock, and duration_hours) dates a meeting relative to the day it
-- is first imported, like a commitment's due_in_days; a meeting already recorded keeps the moment it was given then.
create or replace function parley_data.import_meetings(items jsonb, base integer)
    returns jsonb
    language sql
    return parley_data.import_section('meetings', items, base, 'parley_data.meetings',
        key => 'x.code', key_field => 'code', key_what => 'meeting "%s"',
        resolved => 'id bigint, existing bigint, existing_track bigint, existing_level parley.classification, '
        || 'track_id bigint, track_matches integer, track_levels parley.classification[], track_level parley.classification, '
        || 'source_id bigint, relative boolean, starts_at timestamptz, ends_at timestamptz, status parley.meeting_status, '
        || 'outcome_recorded_at timestamptz',
        resolve => format($q$
        select x.ord, x.sub_ord, m.id, m.id, m.track_id, m.classification,
               case when t.matches = 1 then t.id end, t.matches, t.levels, y.classification, s.id,
               x.starts_in_days is not null,
               case when x.starts_in_days is null then x.starts_at
                    when m.id is not null then m.starts_at
                    else ((current_date + x.starts_in_days) + coalesce(substring(x.start_time from '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$'), '10:00')::time) at time zone y.timezone end,
               case when x.starts_in_days is null then x.ends_at
                    when m.id is not null then m.ends_at
                    else ((current_date + x.starts_in_days) + coalesce(substring(x.start_time from '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$'), '10:00')::time) at time zone y.timezone
                         + make_interval(secs => x.duration_hours * 3600) end,
               coalesce(x.status, case when nullif(btrim(x.outcome), '') is not null then 'held' else 'scheduled' end::parley.meeting_status),
               case when nullif(btrim(x.outcome), '') is null then null
                    when nullif(btrim(x.outcome), '') is distinct from m.outcome_summary then now()
                    else m.outcome_recorded_at end
          from pg_temp.import_meetings x
          left join lateral (select z.* from parley_data.meetings z
                              where z.code = x.code and z.effective_classification <= %1$L
                              order by z.classification = x.classification desc, z.effective_classification desc
                              limit 1) m on true
          left join parley_data.classified_matches('parley_data.tracks', 'classification',
                        array(select distinct track from pg_temp.import_meetings), %1$L) t on t.reference = x.track
          left join parley_data.tracks y on y.id = t.id and t.matches = 1
          left join parley_data.sources s on s.code = x.source$q$, parley_data.session_clearance()),
        -- The rules of add_meeting, with those of relative dates and outcomes first and last.
        checks => format($q$
        select x.ord, x.sub_ord, coalesce(
            case when x.relative and x.starts_at_as_written is not null
                 then parley_data.refused('22023', 'starts_in_days', 'import_one_date', 'give starts_at or starts_in_days, not both',
                                          'starts_in_days counts from the day of the import; starts_at is a moment.')
                 when not x.relative and (x.start_time is not null or x.duration_hours is not null)
                 then parley_data.refused('22023', case when x.start_time is not null then 'start_time' else 'duration_hours' end,
                     'import_relative_meeting', 'start_time and duration_hours go with starts_in_days',
                     'Give starts_in_days too, or write starts_at and ends_at as moments.')
                 when x.start_time !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
                 then parley_data.refused('22007', 'start_time', 'import_start_time',
                     format('start_time "%%s" is not of the form HH:MM', x.start_time),
                     'Write start_time as HH:MM on the track''s clock, e.g. start_time: "10:30".')
                 when x.duration_hours <= 0 or x.duration_hours > 240
                 then parley_data.refused('23514', 'duration_hours', 'import_duration_hours',
                     format('duration_hours %%s is not between 0 and 240', x.duration_hours),
                     'Give the meeting''s length in hours, e.g. 2.5.') end,
            parley_data.bad_meeting(x.code, x.track, x.track_matches, x.track_levels, x.title, x.starts_at, x.ends_at,
                                    x.location, x.classification, %1$L, x.source, x.source_id is not null,
                                    x.starts_at_as_written, x.ends_at_as_written),
            case when x.existing_track <> x.track_id
                 then parley_data.import_keeps('meeting', x.code, 'track',
                          (select format('"%%s"', t.code) from parley_data.tracks t where t.id = x.existing_track)) end,
            parley_data.bad_free_text('outcome', x.outcome, 'meetings_outcome_length'),
            case when nullif(btrim(x.outcome), '') is not null and x.status <> 'held'
                 then parley_data.refused('23514', 'status', 'meetings_outcome_when_held',
                     format('status %%s does not fit a recorded outcome: a meeting with an outcome was held', x.status),
                     'Say status: held, or leave the outcome out.') end,
            parley_data.bad_lowering('classification', x.existing_level, x.classification, format('meeting "%%s"', x.code)))
          from pg_temp.import_meetings x$q$, parley_data.session_clearance()),
        tidy => array['location', 'outcome'],
        derived => 'outcome_summary text, track_classification parley.classification, '
                   || 'effective_classification parley.classification',
        derive => $q$
        select x.ord, x.sub_ord, x.outcome, x.track_level, greatest(x.classification, x.track_level)
          from pg_temp.import_meetings x$q$,
        written_key => array['id'],
        columns => array['title', 'starts_at', 'ends_at', 'location', 'status', 'outcome_summary', 'outcome_recorded_at',
                         'classification', 'source_id'],
        insert_only => array['code', 'track_id', 'track_classification', 'effective_classification']);
