-- Recording tracks, their members and agenda, agenda items, and meetings.
set local role parley_owner;

-- Tracks, membership and the agenda ---------------------------------------------------------------------------

create or replace function parley.add_track(
    code text, name text, format parley.track_format, timezone text default 'UTC', venue text default null,
    description text default null, classification parley.classification default 'unclassified',
    lead text default null, status parley.track_status default 'active')
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    lead_person constant parley_data.people := parley_data.person_named(add_track.lead);
begin
    perform parley_data.refuse_if(coalesce(
        parley_data.bad_track(add_track.code, add_track.name, add_track.format, add_track.timezone,
            exists (select 1 from parley_data.time_zones z where z.name = add_track.timezone), add_track.venue,
            add_track.description, add_track.classification, parley_data.session_clearance(), add_track.status,
            add_track.lead, lead_person.id is not null, lead_person.active),
        parley_data.taken('track', 'code', add_track.code, 'tracks_code_key',
            parley_data.code_taken('parley_data.tracks', 'classification', add_track.code) is not null,
            'Choose another code, or change the track with parley.update_track.')));
    insert into parley_data.tracks (code, name, format, status, venue, timezone, description, classification, lead_id)
    values (add_track.code, add_track.name, add_track.format, add_track.status, nullif(btrim(add_track.venue), ''),
            add_track.timezone, nullif(btrim(add_track.description), ''), add_track.classification, lead_person.id);
    return add_track.code;
end
$$;
comment on function parley.add_track is
    'Adds a negotiation track: add_track(code => ''istanbul'', name => ..., format => ''bilateral'', timezone => ''Europe/Istanbul'', venue => ..., lead => ''desk@example.org''). Deadlines on the track are read in its time zone. Returns the code.';

-- Leave a parameter out to keep the value; '' clears venue, description or lead.
create or replace function parley.update_track(
    track text, name text default null, status parley.track_status default null, venue text default null,
    timezone text default null, description text default null, classification parley.classification default null,
    lead text default null, format parley.track_format default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_track constant bigint := parley_data.track_id(update_track.track);
    this_lead bigint;
    clash text;
begin
    perform parley_data.check_free_text('description', update_track.description, 'tracks_description_length');
    if update_track.name is not null then
        perform parley_data.check_label('name', update_track.name, 'tracks_name_format');
    end if;
    perform parley_data.check_optional_label('venue', update_track.venue, 'tracks_venue_format');
    if update_track.timezone is not null then
        perform parley_data.check_timezone('timezone', update_track.timezone);
    end if;
    perform parley_data.check_reclassification(parley_data.track_level(this_track), update_track.classification,
                                               format('track "%s"', update_track.track));
    if nullif(update_track.lead, '') is not null then
        this_lead := parley_data.person_id(update_track.lead, 'lead', active_only => true);
    end if;
    -- The lead receives the escalations of everything on the track, hidden commitments included: replacing or
    -- removing a lead is deciding who stops receiving them, so (as for a person's subscriptions) only someone
    -- cleared at least as high as the lead may do it.
    if update_track.lead is not null then
        perform parley_data.refuse_if(parley_data.cleared_above('lead', p.email, p.clearance,
                                                               parley_data.session_clearance()))
           from parley_data.tracks t join parley_data.people p on p.id = t.lead_id
          where t.id = this_track and p.id is distinct from this_lead;
    end if;
    -- Raising the track moves it, and everything on it, to the new level.
    begin
    update parley_data.tracks t
       set name = coalesce(update_track.name, t.name),
           status = coalesce(update_track.status, t.status),
           venue = case when update_track.venue is null then t.venue else nullif(btrim(update_track.venue), '') end,
           timezone = coalesce(update_track.timezone, t.timezone),
           description = case when update_track.description is null then t.description
                              else nullif(btrim(update_track.description), '') end,
           classification = coalesce(update_track.classification, t.classification),
           lead_id = case when update_track.lead is null then t.lead_id else this_lead end,
           format = coalesce(update_track.format, t.format)
     where t.id = this_track
       and (t.name, t.status, t.venue, t.timezone, t.description, t.classification, t.lead_id, t.format) is distinct from
           (coalesce(update_track.name, t.name), coalesce(update_track.status, t.status),
            case when update_track.venue is null then t.venue else nullif(btrim(update_track.venue), '') end,
            coalesce(update_track.timezone, t.timezone),
            case when update_track.description is null then t.description
                 else nullif(btrim(update_track.description), '') end,
            coalesce(update_track.classification, t.classification),
            case when update_track.lead is null then t.lead_id else this_lead end,
            coalesce(update_track.format, t.format));
    exception when unique_violation then
        get stacked diagnostics clash = pg_exception_detail;
        perform parley_data.refuse_level_clash('classification', clash);
    end;
    return update_track.track;
end
$$;
comment on function parley.update_track is
    'Changes a track: update_track(track => ''istanbul'', status => ''paused'', classification, lead, venue, timezone, name, description, format). Parameters left out keep their value; '''' clears venue, description or lead. Replacing or removing a lead cleared above you is refused (42501): the lead receives the escalations of what you may not see. Returns the code.';

create or replace function parley.add_member(track text, party text, role parley.member_role, note text default null)
    returns void
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_track constant bigint := parley_data.track_id(add_member.track);
    this_party constant bigint := parley_data.party_named(add_member.party);
begin
    perform parley_data.refuse_if(parley_data.bad_member(add_member.party, this_party is not null, add_member.role,
                                                         add_member.note));
    if exists (select 1 from parley_data.track_members m
                where m.track_id = this_track and m.party_id = this_party and m.role = add_member.role) then
        perform parley_data.refuse('23505', 'role', 'track_members_pkey',
            format('party "%s" is already %s on track "%s"', add_member.party, add_member.role, add_member.track),
            'Nothing to do: the membership is already recorded.');
    end if;
    insert into parley_data.track_members (track_id, party_id, role, note, effective_classification)
    values (this_track, this_party, add_member.role, nullif(btrim(add_member.note), ''),
            parley_data.track_level(this_track));
end
$$;
comment on function parley.add_member is
    'Records that a party takes part in a track, and as what: add_member(track => ''istanbul'', party => ''TR'', role => ''host''). A party may hold several roles.';

create or replace function parley.add_agenda_item(
    code text, title text, description text default null, track text default null,
    status parley.agenda_status default 'proposed')
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_track bigint;
    this_item bigint;
begin
    perform parley_data.refuse_if(parley_data.bad_item(add_agenda_item.code, add_agenda_item.title,
                                                       add_agenda_item.description));
    if add_agenda_item.track is not null then
        this_track := parley_data.track_id(add_agenda_item.track);
        perform parley_data.require('status', add_agenda_item.status is not null);
    end if;
    perform parley_data.refuse_if(parley_data.taken('agenda item', 'code', add_agenda_item.code, 'agenda_items_code_key',
        exists (select 1 from parley_data.agenda_items i where i.code = add_agenda_item.code),
        'Choose another code; to put the existing item on a track use parley.set_agenda_status.'));
    insert into parley_data.agenda_items (code, title, description)
    values (add_agenda_item.code, add_agenda_item.title, nullif(btrim(add_agenda_item.description), ''))
    returning id into this_item;
    if this_track is not null then
        insert into parley_data.track_agenda (track_id, item_id, status, effective_classification)
        values (this_track, this_item, add_agenda_item.status, parley_data.track_level(this_track));
    end if;
    return add_agenda_item.code;
end
$$;
comment on function parley.add_agenda_item is
    'Adds a subject of negotiation, shared by all tracks: add_agenda_item(code => ''ceasefire'', title => ..., track => ''istanbul'') — with track, it is also put on that track''s agenda (status proposed unless given). Returns the code.';

-- status_since left out: today when the status changes, unchanged otherwise.
create or replace function parley.set_agenda_status(
    track text, item text, status parley.agenda_status, status_since date default null, note text default null)
    returns void
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_track constant bigint := parley_data.track_id(set_agenda_status.track);
    this_item constant bigint := parley_data.item_named(set_agenda_status.item);
    existing parley_data.track_agenda;
begin
    perform parley_data.refuse_if(parley_data.bad_agenda_entry(set_agenda_status.item, this_item is not null,
                                                               set_agenda_status.status, set_agenda_status.note));
    select * into existing from parley_data.track_agenda a
     where a.track_id = this_track and a.item_id = this_item
       for no key update;
    if existing.track_id is null then
        insert into parley_data.track_agenda (track_id, item_id, status, status_since, note, effective_classification)
        values (this_track, this_item, set_agenda_status.status, coalesce(set_agenda_status.status_since, current_date),
                nullif(btrim(set_agenda_status.note), ''), parley_data.track_level(this_track));
        return;
    end if;
    update parley_data.track_agenda a
       set status = set_agenda_status.status,
           status_since = coalesce(set_agenda_status.status_since,
                                   case when a.status = set_agenda_status.status then a.status_since else current_date end),
           note = coalesce(nullif(btrim(set_agenda_status.note), ''), a.note)
     where a.track_id = this_track and a.item_id = this_item
       and (a.status, a.status_since, a.note) is distinct from
           (set_agenda_status.status,
            coalesce(set_agenda_status.status_since,
                     case when a.status = set_agenda_status.status then a.status_since else current_date end),
            coalesce(nullif(btrim(set_agenda_status.note), ''), a.note));
end
$$;
comment on function parley.set_agenda_status is
    'Says where an item stands on a track: set_agenda_status(track => ''istanbul'', item => ''ceasefire'', status => ''under_discussion'', status_since => ''2025-05-16''). Puts the item on the track''s agenda when it is not there yet. status_since defaults to today when the status changes.';

create or replace function parley.add_meeting(
    code text, track text, title text, starts_at timestamptz, ends_at timestamptz default null,
    location text default null, classification parley.classification default 'unclassified', source text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    track_found record;
    this_source constant bigint := parley_data.source_named(add_meeting.source);
begin
    track_found := parley_data.track_matches(add_meeting.track);
    perform parley_data.refuse_if(coalesce(
        parley_data.bad_meeting(add_meeting.code, add_meeting.track, track_found.matches, track_found.levels,
            add_meeting.title, add_meeting.starts_at, add_meeting.ends_at, add_meeting.location,
            add_meeting.classification, parley_data.session_clearance(), add_meeting.source, this_source is not null),
        parley_data.taken('meeting', 'code', add_meeting.code, 'meetings_code_key',
        parley_data.code_taken('parley_data.meetings', 'effective_classification', add_meeting.code) is not null,
        'Choose another code; to move the meeting use parley.set_meeting_status.')));
    insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, location, classification,
                                      track_classification, effective_classification, source_id)
    values (add_meeting.code, track_found.id, add_meeting.title, add_meeting.starts_at, add_meeting.ends_at,
            nullif(btrim(add_meeting.location), ''), add_meeting.classification,
            parley_data.track_level(track_found.id),
            greatest(add_meeting.classification, parley_data.track_level(track_found.id)), this_source);
    return add_meeting.code;
end
$$;
comment on function parley.add_meeting is
    'Schedules (or records) a meeting of a track: add_meeting(code => ''ist-r1'', track => ''istanbul'', title => ''Round 1'', starts_at => ''2025-05-16 12:30+03'', ends_at => ..., location => ...). Returns the code.';

create or replace function parley.record_meeting_outcome(
    meeting text, outcome text, ends_at timestamptz default null, source text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_meeting constant bigint := parley_data.meeting_id(record_meeting_outcome.meeting);
    starts timestamptz;
    this_source bigint;
begin
    perform parley_data.check_free_text('outcome', record_meeting_outcome.outcome, 'meetings_outcome_length');
    perform parley_data.require('outcome', nullif(btrim(record_meeting_outcome.outcome), '') is not null);
    select m.starts_at into starts from parley_data.meetings m where m.id = this_meeting for no key update;
    perform parley_data.check_meeting_times(starts, record_meeting_outcome.ends_at, 'ends_at');
    this_source := parley_data.given_source_id(record_meeting_outcome.source);
    update parley_data.meetings m
       set status = 'held',
           outcome_summary = record_meeting_outcome.outcome,
           outcome_recorded_at = now(),
           ends_at = coalesce(record_meeting_outcome.ends_at, m.ends_at),
           source_id = coalesce(this_source, m.source_id)
     where m.id = this_meeting;
    return record_meeting_outcome.meeting;
end
$$;
comment on function parley.record_meeting_outcome is
    'Records that a meeting was held and what came of it: record_meeting_outcome(meeting => ''ist-r1'', outcome => ''Agreed a 1,000-for-1,000 exchange...'', ends_at => ..., source => ...). Recording it again replaces the summary. Returns the code.';

-- Postpone, cancel or reschedule; times left out keep their value.
create or replace function parley.set_meeting_status(
    meeting text, status parley.meeting_status, starts_at timestamptz default null, ends_at timestamptz default null,
    location text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_meeting constant bigint := parley_data.meeting_id(set_meeting_status.meeting);
    existing parley_data.meetings;
begin
    perform parley_data.require('status', set_meeting_status.status is not null);
    select * into existing from parley_data.meetings m where m.id = this_meeting for no key update;
    if set_meeting_status.status <> 'held' and existing.outcome_summary is not null then
        perform parley_data.refuse('23514', 'status', 'meetings_outcome_when_held',
            format('meeting "%s" has a recorded outcome, so it cannot become %s', set_meeting_status.meeting,
                   set_meeting_status.status),
            'A meeting with an outcome was held; correct the outcome with parley.record_meeting_outcome instead.');
    end if;
    perform parley_data.check_meeting_times(
        coalesce(set_meeting_status.starts_at, existing.starts_at), coalesce(set_meeting_status.ends_at, existing.ends_at),
        case when set_meeting_status.ends_at is null then 'starts_at' else 'ends_at' end);
    perform parley_data.check_optional_label('location', set_meeting_status.location, 'meetings_location_format');
    update parley_data.meetings m
       set status = set_meeting_status.status,
           starts_at = coalesce(set_meeting_status.starts_at, m.starts_at),
           ends_at = coalesce(set_meeting_status.ends_at, m.ends_at),
           location = coalesce(nullif(btrim(set_meeting_status.location), ''), m.location)
     where m.id = this_meeting
       and (m.status, m.starts_at, m.ends_at, m.location) is distinct from
           (set_meeting_status.status, coalesce(set_meeting_status.starts_at, m.starts_at),
            coalesce(set_meeting_status.ends_at, m.ends_at),
            coalesce(nullif(btrim(set_meeting_status.location), ''), m.location));
    return set_meeting_status.meeting;
end
$$;
comment on function parley.set_meeting_status is
    'Postpones, cancels or reschedules a meeting: set_meeting_status(meeting => ''ist-r2'', status => ''scheduled'', starts_at => ''2025-06-02 13:00+03''). Times and location left out keep their value. Returns the code.';
