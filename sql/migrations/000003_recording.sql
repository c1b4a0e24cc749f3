-- Recording functions: what staff call from psql (and the parley command calls for them) to record parties,
-- tracks, meetings, the agenda, positions, commitments and their delivery, figures, follow-ups and
-- subscriptions. They take natural keys (codes, e-mail addresses), never surrogate ids.
--
-- Every function checks its input before writing anything and refuses bad input with an error that names the
-- field (the error's COLUMN), the rule (its CONSTRAINT) and what to do (its HINT), under a stable SQLSTATE:
--   23502 a required value is missing        23503 a code or e-mail names nothing (or nothing you may see)
--   23505 the code or key is already taken   23514 a value breaks a rule (dates, quantities, formats, status)
--   42501 a classification above your clearance
-- The table constraints of 000002 stay the last line of defence; the checks here come first so that the message
-- is one a desk officer can act on.
--
-- What each function returns: the code (or, for people, the e-mail) of the row it created or changed; rows that
-- have no code (positions, commitment updates, figures, subscriptions) return their id; memberships and agenda
-- statuses, which are named by what they join, return nothing.
--
-- The functions run as parley_owner (security definer), so they bypass row-level security. They therefore apply
-- the caller's clearance themselves: the clearance of the login (session_user, through the parley_clearance_*
-- roles it is a member of). A track, meeting, commitment or follow-up classified above it is treated as if it did
-- not exist, and nobody can classify a row, or clear a person, above their own clearance.
set local role parley_owner;

-- Refusals ---------------------------------------------------------------------------------------------------

-- One place that raises, so that every refusal carries the same fields.
create function parley_data.refuse(code text, field text, rule text, message text, hint text)
    returns void
    language plpgsql as $$
begin
    raise exception using
        message = refuse.message, errcode = refuse.code, column = refuse.field,
        constraint = refuse.rule, hint = refuse.hint;
end
$$;
comment on function parley_data.refuse is
    'Raises a refusal with its SQLSTATE, the field (COLUMN), the rule (CONSTRAINT) and what to do (HINT).';

create function parley_data.require(field text, present boolean)
    returns void
    language plpgsql as $$
begin
    if present is not true then
        perform parley_data.refuse('23502', field, field || '_required', format('%s is required', field),
                                   format('Give a value for %s.', field));
    end if;
end
$$;

create function parley_data.check_code(field text, value text, rule text)
    returns void
    language plpgsql as $$
begin
    perform parley_data.require(field, nullif(btrim(value), '') is not null);
    if not parley_data.is_code(value) then
        perform parley_data.refuse('23514', field, rule, format('%s "%s" is not a valid code', field, value),
            'A code is 1 to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit, without spaces.');
    end if;
end
$$;

-- Free text may be long, not unbounded; numbers must be numbers.
create function parley_data.check_free_text(field text, value text, rule text)
    returns void
    language plpgsql as $$
begin
    if not parley_data.is_free_text(value) then
        perform parley_data.refuse('23514', field, rule,
            format('%s is %s characters long; at most 10,000 are allowed', field, length(value)),
            'Shorten it, and put the full document in a source (parley.add_source) with its URL.');
    end if;
end
$$;

create function parley_data.check_finite(field text, value numeric, rule text)
    returns void
    language plpgsql as $$
begin
    if not parley_data.is_finite(value) then
        perform parley_data.refuse('23514', field, rule, format('%s %s is not a number', field, value),
            'Give a finite number, e.g. 6057.');
    end if;
end
$$;
-- A name or title: required, one line, at most 300 characters.
create function parley_data.check_label(field text, value text, rule text)
    returns void
    language plpgsql as $$
begin
    perform parley_data.require(field, nullif(btrim(value), '') is not null);
    perform parley_data.check_optional_label(field, value, rule);
end
$$;

-- The same for an optional one-line text (venue, location, unit): NULL is fine, an empty string is not stored.
create function parley_data.check_optional_label(field text, value text, rule text)
    returns void
    language plpgsql as $$
begin
    if nullif(btrim(value), '') is not null and not parley_data.is_label(value) then
        perform parley_data.refuse('23514', field, rule,
            format('%s "%s" is too long (%s characters) or contains control characters such as line breaks',
                   field, left(value, 60), length(value)),
            format('Give %s as one line of at most 300 characters.', field));
    end if;
end
$$;

create function parley_data.check_email(field text, value text)
    returns void
    language plpgsql as $$
begin
    perform parley_data.require(field, nullif(btrim(value), '') is not null);
    if not parley_data.is_email(value) then
        perform parley_data.refuse('23514', field, 'people_email_format',
            format('%s "%s" is not a valid e-mail address', field, value),
            'Give a plain address such as desk@example.org (ASCII, no display name, a dotted domain).');
    end if;
end
$$;

-- A time zone is a reference to the list of IANA names, hence 23503 as the table's foreign key would say.
create function parley_data.check_timezone(field text, value text)
    returns void
    language plpgsql as $$
begin
    perform parley_data.require(field, value is not null);
    if not exists (select 1 from parley_data.time_zones z where z.name = value) then
        perform parley_data.refuse('23503', field, 'time_zone_exists',
            format('%s "%s" is not a known IANA time zone', field, value),
            'Use a name such as Europe/Istanbul, Asia/Dubai or UTC (select name from pg_timezone_names lists them); names are case-sensitive.');
    end if;
end
$$;

comment on function parley_data.require is 'Refuses (23502) a missing required value, naming the field.';
comment on function parley_data.check_code is
    'Refuses a missing (23502) or malformed (23514) code: 1 to 40 letters, digits, dots, dashes or underscores.';
comment on function parley_data.check_label is 'Refuses a missing (23502) or malformed (23514) name or title.';
comment on function parley_data.check_optional_label is
    'Refuses (23514) an optional one-line text that is too long or contains control characters.';
comment on function parley_data.check_email is 'Refuses a missing (23502) or malformed (23514) e-mail address.';
comment on function parley_data.check_timezone is 'Refuses (23503) a time zone name that is not a known IANA name.';

-- Clearance ---------------------------------------------------------------------------------------------------

-- The highest clearance of the person logged in. The login, not the current role: these functions run as
-- parley_owner, and a login keeps its clearance whatever role it has set.
create function parley_data.session_clearance()
    returns parley.classification
    language sql stable as $$
    select case
        when pg_has_role(session_user, 'parley_clearance_secret', 'member') then 'secret'
        when pg_has_role(session_user, 'parley_clearance_confidential', 'member') then 'confidential'
        when pg_has_role(session_user, 'parley_clearance_restricted', 'member') then 'restricted'
        else 'unclassified'
    end::parley.classification
$$;
comment on function parley_data.session_clearance is
    'The clearance of the login (session_user), from its membership of the parley_clearance_* roles.';

create function parley_data.check_clearance(field text, level parley.classification)
    returns void
    language plpgsql as $$
declare
    mine constant parley.classification := parley_data.session_clearance();
begin
    if level > mine then
        perform parley_data.refuse('42501', field, 'within_clearance',
            format('%s %s is above your clearance (%s)', field, level, mine),
            'Choose a classification you are cleared for, or ask someone cleared for it to record this.');
    end if;
end
$$;
comment on function parley_data.check_clearance is
    'Refuses (42501) a classification or clearance above the clearance of the person logged in.';

-- Lookups by natural key --------------------------------------------------------------------------------------
-- Shared by the recording functions, the JSON import and the command line, so that all of them apply the same
-- rules. `field` is the caller's name for the value (obligor, claimant, lead, ...) and is what the error names.

create function parley_data.unknown(kind text, value text, field text, hint text)
    returns void
    language plpgsql as $$
begin
    perform parley_data.refuse('23503', field, translate(kind, ' -', '__') || '_exists',
        case when field = translate(kind, ' -', '__')
             then format('%s "%s" does not exist', kind, value)
             else format('%s "%s" given as %s does not exist', kind, value, field) end,
        hint);
end
$$;

comment on function parley_data.unknown is 'Refuses (23503) a code that names nothing, saying what kind of thing was meant.';

create function parley_data.party_id(code text, field text default 'party')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
begin
    perform parley_data.require(field, code is not null);
    select p.id into result from parley_data.parties p where p.code = party_id.code;
    if result is null then
        perform parley_data.unknown('party', code, field,
            'Check the code (codes are case-sensitive) or add the party first with parley.add_party(code => ..., name => ...).');
    end if;
    return result;
end
$$;

create function parley_data.item_id(code text, field text default 'item')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
begin
    perform parley_data.require(field, code is not null);
    select i.id into result from parley_data.agenda_items i where i.code = item_id.code;
    if result is null then
        perform parley_data.unknown('agenda item', code, field,
            'Check the code (codes are case-sensitive) or add the item first with parley.add_agenda_item(code => ..., title => ...).');
    end if;
    return result;
end
$$;

create function parley_data.source_id(code text, field text default 'source')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
begin
    perform parley_data.require(field, code is not null);
    select s.id into result from parley_data.sources s where s.code = source_id.code;
    if result is null then
        perform parley_data.unknown('source', code, field,
            'Check the code (codes are case-sensitive) or add the source first with parley.add_source(code => ..., title => ...).');
    end if;
    return result;
end
$$;

-- People are named by e-mail, in any case. Someone who is to own, lead or do something must be active.
create function parley_data.person_id(email text, field text default 'person', active_only boolean default false)
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
    is_active boolean;
begin
    perform parley_data.require(field, email is not null);
    select p.id, p.active into result, is_active from parley_data.people p where lower(p.email) = lower(person_id.email);
    if result is null then
        perform parley_data.refuse('23503', field, 'person_exists',
            format('person "%s" given as %s does not exist', email, field),
            'Check the e-mail address or add the person first with parley.add_person(email => ..., name => ...).');
    end if;
    if active_only and not is_active then
        perform parley_data.refuse('23514', field, 'person_active',
            format('person "%s" given as %s is no longer active', email, field),
            'Name an active person, or reactivate this one with parley.update_person(person => ..., active => true).');
    end if;
    return result;
end
$$;

create function parley_data.track_id(code text, field text default 'track')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
    level parley.classification;
begin
    perform parley_data.require(field, code is not null);
    select t.id, t.classification into result, level from parley_data.tracks t where t.code = track_id.code;
    if result is null or level > parley_data.session_clearance() then
        perform parley_data.unknown('track', code, field,
            'Check the code (codes are case-sensitive) or add the track first with parley.add_track(code => ..., name => ..., format => ...).');
    end if;
    return result;
end
$$;

create function parley_data.meeting_id(code text, field text default 'meeting')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
    level parley.classification;
begin
    perform parley_data.require(field, code is not null);
    select m.id, m.effective_classification into result, level from parley_data.meetings m where m.code = meeting_id.code;
    if result is null or level > parley_data.session_clearance() then
        perform parley_data.unknown('meeting', code, field,
            'Check the code (codes are case-sensitive) or add the meeting first with parley.add_meeting(code => ..., track => ..., title => ..., starts_at => ...).');
    end if;
    return result;
end
$$;

create function parley_data.commitment_id(code text, field text default 'commitment')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
    level parley.classification;
begin
    perform parley_data.require(field, code is not null);
    select c.id, c.effective_classification into result, level
      from parley_data.commitments c where c.code = commitment_id.code;
    if result is null or level > parley_data.session_clearance() then
        perform parley_data.unknown('commitment', code, field,
            'Check the code (codes are case-sensitive; commitments recorded without one are named C followed by their number).');
    end if;
    return result;
end
$$;

-- Follow-ups recorded without a code are named F followed by their number.
create function parley_data.follow_up_id(code text, field text default 'follow_up')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
    level parley.classification;
begin
    perform parley_data.require(field, code is not null);
    select f.id into result from parley_data.follow_ups f where f.code = follow_up_id.code;
    if result is null and code ~ '^F[0-9]{1,18}$' then
        select f.id into result from parley_data.follow_ups f where f.id = substr(follow_up_id.code, 2)::bigint and f.code is null;
    end if;
    if result is not null then
        select coalesce(c.effective_classification, m.effective_classification, t.classification) into level
          from parley_data.follow_ups f
          left join parley_data.commitments c on c.id = f.commitment_id
          left join parley_data.meetings m on m.id = f.meeting_id
          left join parley_data.tracks t on t.id = f.track_id
         where f.id = result;
    end if;
    if result is null or level > parley_data.session_clearance() then
        perform parley_data.unknown('follow-up', code, field,
            'Check the code (follow-ups recorded without one are named F followed by their number).');
    end if;
    return result;
end
$$;

comment on function parley_data.track_id is
    'The id of the track with this code; refuses (23503) a code that names no track, or one above the caller''s clearance.';
comment on function parley_data.party_id is 'The id of the party with this code; refuses (23503) an unknown code.';
comment on function parley_data.item_id is 'The id of the agenda item with this code; refuses (23503) an unknown code.';
comment on function parley_data.source_id is 'The id of the source with this code; refuses (23503) an unknown code.';
comment on function parley_data.person_id is
    'The id of the person with this e-mail (any case); refuses (23503) an unknown one, and (23514) an inactive one when asked.';
comment on function parley_data.meeting_id is
    'The id of the meeting with this code; refuses (23503) an unknown code or one above the caller''s clearance.';
comment on function parley_data.commitment_id is
    'The id of the commitment with this code; refuses (23503) an unknown code or one above the caller''s clearance.';
comment on function parley_data.follow_up_id is
    'The id of the follow-up with this code (or F and its number); refuses (23503) an unknown one or one above the caller''s clearance.';

-- Parties and sources -----------------------------------------------------------------------------------------

create function parley.add_party(code text, name text, kind parley.party_kind default 'state')
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.check_code('code', add_party.code, 'parties_code_format');
    perform parley_data.check_label('name', add_party.name, 'parties_name_format');
    perform parley_data.require('kind', add_party.kind is not null);
    if exists (select 1 from parley_data.parties p where p.code = add_party.code) then
        perform parley_data.refuse('23505', 'code', 'parties_code_key',
            format('party "%s" already exists', add_party.code), 'Choose another code, or use the existing party.');
    end if;
    insert into parley_data.parties (code, name, kind) values (add_party.code, add_party.name, add_party.kind);
    return add_party.code;
end
$$;
comment on function parley.add_party is
    'Adds a party (a state or organisation): add_party(code => ''UA'', name => ''Ukraine'', kind => ''state''). Returns the code.';

create function parley.add_source(
    code text, title text, publisher text default null, url text default null, published_on date default null,
    note text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.check_free_text('note', add_source.note, 'sources_note_length');
    perform parley_data.check_code('code', add_source.code, 'sources_code_format');
    perform parley_data.check_label('title', add_source.title, 'sources_title_format');
    perform parley_data.check_optional_label('publisher', add_source.publisher, 'sources_publisher_format');
    if nullif(btrim(add_source.url), '') is not null and add_source.url !~ '^https?://[^\s]+$' then
        perform parley_data.refuse('23514', 'url', 'sources_url_format',
            format('url "%s" is not a web address', add_source.url),
            'Give the full address, starting with https:// or http://, without spaces.');
    end if;
    if exists (select 1 from parley_data.sources s where s.code = add_source.code) then
        perform parley_data.refuse('23505', 'code', 'sources_code_key',
            format('source "%s" already exists', add_source.code), 'Choose another code, or cite the existing source.');
    end if;
    insert into parley_data.sources (code, title, publisher, url, published_on, note)
    values (add_source.code, add_source.title, nullif(btrim(add_source.publisher), ''), nullif(btrim(add_source.url), ''),
            add_source.published_on, nullif(btrim(add_source.note), ''));
    return add_source.code;
end
$$;
comment on function parley.add_source is
    'Adds a source that facts can cite (an article, a statement, a readout): add_source(code => ''pravda-2025-05-16'', title => ..., publisher => ..., url => ..., published_on => ...). Returns the code.';

-- People ------------------------------------------------------------------------------------------------------

create function parley.add_person(
    email text, name text, timezone text default 'UTC', clearance parley.classification default 'unclassified')
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.check_email('email', add_person.email);
    perform parley_data.check_label('name', add_person.name, 'people_name_format');
    perform parley_data.check_timezone('timezone', add_person.timezone);
    perform parley_data.require('clearance', add_person.clearance is not null);
    perform parley_data.check_clearance('clearance', add_person.clearance);
    if exists (select 1 from parley_data.people p where lower(p.email) = lower(add_person.email)) then
        perform parley_data.refuse('23505', 'email', 'people_email_key',
            format('a person with e-mail "%s" already exists', add_person.email),
            'E-mail addresses are unique regardless of case; change that person with parley.update_person.');
    end if;
    insert into parley_data.people (email, name, timezone, clearance)
    values (add_person.email, add_person.name, add_person.timezone, add_person.clearance);
    return add_person.email;
end
$$;
comment on function parley.add_person is
    'Adds a member of staff: add_person(email => ..., name => ..., timezone => ''Europe/Kyiv'', clearance => ''restricted''). The clearance decides which alerts they may receive; you cannot give more than your own. Returns the e-mail.';

-- Leave a parameter out to keep the value.
create function parley.update_person(
    person text, name text default null, email text default null, timezone text default null,
    clearance parley.classification default null, active boolean default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_person constant bigint := parley_data.person_id(update_person.person, 'person');
    result text;
begin
    -- Whoever edits a person's address, clearance or activity decides who receives that person's alerts: only
    -- someone cleared at least as high as the person may.
    if (select p.clearance from parley_data.people p where p.id = this_person) > parley_data.session_clearance() then
        perform parley_data.refuse('42501', 'person', 'within_clearance',
            format('%s is cleared above you; you cannot change them', update_person.person),
            'Ask someone cleared at least as high as this person to make the change.');
    end if;
    if update_person.email is not null then
        perform parley_data.check_email('email', update_person.email);
        if exists (select 1 from parley_data.people p
                    where lower(p.email) = lower(update_person.email) and p.id <> this_person) then
            perform parley_data.refuse('23505', 'email', 'people_email_key',
                format('a person with e-mail "%s" already exists', update_person.email),
                'E-mail addresses are unique regardless of case.');
        end if;
    end if;
    if update_person.name is not null then
        perform parley_data.check_label('name', update_person.name, 'people_name_format');
    end if;
    if update_person.timezone is not null then
        perform parley_data.check_timezone('timezone', update_person.timezone);
    end if;
    if update_person.clearance is not null then
        perform parley_data.check_clearance('clearance', update_person.clearance);
    end if;
    update parley_data.people p
       set email = coalesce(update_person.email, p.email),
           name = coalesce(update_person.name, p.name),
           timezone = coalesce(update_person.timezone, p.timezone),
           clearance = coalesce(update_person.clearance, p.clearance),
           active = coalesce(update_person.active, p.active)
     where p.id = this_person
       and (p.email, p.name, p.timezone, p.clearance, p.active) is distinct from
           (coalesce(update_person.email, p.email), coalesce(update_person.name, p.name),
            coalesce(update_person.timezone, p.timezone), coalesce(update_person.clearance, p.clearance),
            coalesce(update_person.active, p.active));
    select p.email into result from parley_data.people p where p.id = this_person;
    return result;
end
$$;
comment on function parley.update_person is
    'Changes a person named by e-mail: update_person(person => ..., name, email, timezone, clearance, active). Parameters left out keep their value. Returns the (new) e-mail.';

create function parley.deactivate_person(person text)
    returns text
    language sql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    return parley.update_person(person => deactivate_person.person, active => false);
comment on function parley.deactivate_person is
    'Marks a person as no longer active (they left the desk): they can no longer be made owner, lead or assignee. History is kept. Returns the e-mail.';

-- Tracks, membership and the agenda ---------------------------------------------------------------------------

create function parley.add_track(
    code text, name text, format parley.track_format, timezone text default 'UTC', venue text default null,
    description text default null, classification parley.classification default 'unclassified',
    lead text default null, status parley.track_status default 'active')
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_lead bigint;
begin
    perform parley_data.check_free_text('description', add_track.description, 'tracks_description_length');
    perform parley_data.check_code('code', add_track.code, 'tracks_code_format');
    perform parley_data.check_label('name', add_track.name, 'tracks_name_format');
    perform parley_data.require('format', add_track.format is not null);
    perform parley_data.check_timezone('timezone', add_track.timezone);
    perform parley_data.check_optional_label('venue', add_track.venue, 'tracks_venue_format');
    perform parley_data.require('classification', add_track.classification is not null);
    perform parley_data.check_clearance('classification', add_track.classification);
    perform parley_data.require('status', add_track.status is not null);
    if add_track.lead is not null then
        this_lead := parley_data.person_id(add_track.lead, 'lead', active_only => true);
    end if;
    if exists (select 1 from parley_data.tracks t where t.code = add_track.code) then
        perform parley_data.refuse('23505', 'code', 'tracks_code_key',
            format('track "%s" already exists', add_track.code), 'Choose another code, or change the track with parley.update_track.');
    end if;
    insert into parley_data.tracks (code, name, format, status, venue, timezone, description, classification, lead_id)
    values (add_track.code, add_track.name, add_track.format, add_track.status, nullif(btrim(add_track.venue), ''),
            add_track.timezone, nullif(btrim(add_track.description), ''), add_track.classification, this_lead);
    return add_track.code;
end
$$;
comment on function parley.add_track is
    'Adds a negotiation track: add_track(code => ''istanbul'', name => ..., format => ''bilateral'', timezone => ''Europe/Istanbul'', venue => ..., lead => ''desk@example.org''). Deadlines on the track are read in its time zone. Returns the code.';

-- Leave a parameter out to keep the value; '' clears venue, description or lead.
create function parley.update_track(
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
begin
    perform parley_data.check_free_text('description', update_track.description, 'tracks_description_length');
    if update_track.name is not null then
        perform parley_data.check_label('name', update_track.name, 'tracks_name_format');
    end if;
    perform parley_data.check_optional_label('venue', update_track.venue, 'tracks_venue_format');
    if update_track.timezone is not null then
        perform parley_data.check_timezone('timezone', update_track.timezone);
    end if;
    if update_track.classification is not null then
        perform parley_data.check_clearance('classification', update_track.classification);
    end if;
    if nullif(update_track.lead, '') is not null then
        this_lead := parley_data.person_id(update_track.lead, 'lead', active_only => true);
    end if;
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
    return update_track.track;
end
$$;
comment on function parley.update_track is
    'Changes a track: update_track(track => ''istanbul'', status => ''paused'', classification, lead, venue, timezone, name, description, format). Parameters left out keep their value; '''' clears venue, description or lead. Returns the code.';

create function parley.add_member(track text, party text, role parley.member_role, note text default null)
    returns void
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_track constant bigint := parley_data.track_id(add_member.track);
    this_party constant bigint := parley_data.party_id(add_member.party);
begin
    perform parley_data.check_free_text('note', add_member.note, 'track_members_note_length');
    perform parley_data.require('role', add_member.role is not null);
    if exists (select 1 from parley_data.track_members m
                where m.track_id = this_track and m.party_id = this_party and m.role = add_member.role) then
        perform parley_data.refuse('23505', 'role', 'track_members_pkey',
            format('party "%s" is already %s on track "%s"', add_member.party, add_member.role, add_member.track),
            'Nothing to do: the membership is already recorded.');
    end if;
    insert into parley_data.track_members (track_id, party_id, role, note)
    values (this_track, this_party, add_member.role, nullif(btrim(add_member.note), ''));
end
$$;
comment on function parley.add_member is
    'Records that a party takes part in a track, and as what: add_member(track => ''istanbul'', party => ''TR'', role => ''host''). A party may hold several roles.';

create function parley.add_agenda_item(
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
    perform parley_data.check_free_text('description', add_agenda_item.description, 'agenda_items_description_length');
    perform parley_data.check_code('code', add_agenda_item.code, 'agenda_items_code_format');
    perform parley_data.check_label('title', add_agenda_item.title, 'agenda_items_title_format');
    if add_agenda_item.track is not null then
        this_track := parley_data.track_id(add_agenda_item.track);
        perform parley_data.require('status', add_agenda_item.status is not null);
    end if;
    if exists (select 1 from parley_data.agenda_items i where i.code = add_agenda_item.code) then
        perform parley_data.refuse('23505', 'code', 'agenda_items_code_key',
            format('agenda item "%s" already exists', add_agenda_item.code),
            'Choose another code; to put the existing item on a track use parley.set_agenda_status.');
    end if;
    insert into parley_data.agenda_items (code, title, description)
    values (add_agenda_item.code, add_agenda_item.title, nullif(btrim(add_agenda_item.description), ''))
    returning id into this_item;
    if this_track is not null then
        insert into parley_data.track_agenda (track_id, item_id, status) values (this_track, this_item, add_agenda_item.status);
    end if;
    return add_agenda_item.code;
end
$$;
comment on function parley.add_agenda_item is
    'Adds a subject of negotiation, shared by all tracks: add_agenda_item(code => ''ceasefire'', title => ..., track => ''istanbul'') — with track, it is also put on that track''s agenda (status proposed unless given). Returns the code.';

-- status_since left out: today when the status changes, unchanged otherwise.
create function parley.set_agenda_status(
    track text, item text, status parley.agenda_status, status_since date default null, note text default null)
    returns void
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_track constant bigint := parley_data.track_id(set_agenda_status.track);
    this_item constant bigint := parley_data.item_id(set_agenda_status.item);
    existing parley_data.track_agenda;
begin
    perform parley_data.check_free_text('note', set_agenda_status.note, 'track_agenda_note_length');
    perform parley_data.require('status', set_agenda_status.status is not null);
    select * into existing from parley_data.track_agenda a
     where a.track_id = this_track and a.item_id = this_item
       for no key update;
    if existing.track_id is null then
        insert into parley_data.track_agenda (track_id, item_id, status, status_since, note)
        values (this_track, this_item, set_agenda_status.status, coalesce(set_agenda_status.status_since, current_date),
                nullif(btrim(set_agenda_status.note), ''));
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

-- Meetings ----------------------------------------------------------------------------------------------------

create function parley_data.check_meeting_times(starts_at timestamptz, ends_at timestamptz, field text)
    returns void
    language plpgsql as $$
begin
    if ends_at < starts_at then
        perform parley_data.refuse('23514', field, 'meetings_ends_after_start',
            format('ends_at %s is before starts_at %s', ends_at, starts_at),
            'A meeting ends after it starts; check the dates and the time zone offsets.');
    end if;
end
$$;

comment on function parley_data.check_meeting_times is 'Refuses (23514) a meeting that would end before it starts.';

create function parley.add_meeting(
    code text, track text, title text, starts_at timestamptz, ends_at timestamptz default null,
    location text default null, classification parley.classification default 'unclassified', source text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_track bigint;
    this_source bigint;
begin
    perform parley_data.check_code('code', add_meeting.code, 'meetings_code_format');
    this_track := parley_data.track_id(add_meeting.track);
    perform parley_data.check_label('title', add_meeting.title, 'meetings_title_format');
    perform parley_data.require('starts_at', add_meeting.starts_at is not null);
    perform parley_data.check_meeting_times(add_meeting.starts_at, add_meeting.ends_at, 'ends_at');
    perform parley_data.check_optional_label('location', add_meeting.location, 'meetings_location_format');
    perform parley_data.require('classification', add_meeting.classification is not null);
    perform parley_data.check_clearance('classification', add_meeting.classification);
    if add_meeting.source is not null then
        this_source := parley_data.source_id(add_meeting.source);
    end if;
    if exists (select 1 from parley_data.meetings m where m.code = add_meeting.code) then
        perform parley_data.refuse('23505', 'code', 'meetings_code_key',
            format('meeting "%s" already exists', add_meeting.code),
            'Choose another code; to move the meeting use parley.set_meeting_status.');
    end if;
    insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, location, classification, source_id)
    values (add_meeting.code, this_track, add_meeting.title, add_meeting.starts_at, add_meeting.ends_at,
            nullif(btrim(add_meeting.location), ''), add_meeting.classification, this_source);
    return add_meeting.code;
end
$$;
comment on function parley.add_meeting is
    'Schedules (or records) a meeting of a track: add_meeting(code => ''ist-r1'', track => ''istanbul'', title => ''Round 1'', starts_at => ''2025-05-16 12:30+03'', ends_at => ..., location => ...). Returns the code.';

create function parley.record_meeting_outcome(
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
    if record_meeting_outcome.source is not null then
        this_source := parley_data.source_id(record_meeting_outcome.source);
    end if;
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
create function parley.set_meeting_status(
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

-- Positions ---------------------------------------------------------------------------------------------------

-- One stance per party, item, track and day: recording the same day again corrects it.
create function parley.record_position(
    party text, item text, stance parley.stance, stated_on date default current_date, track text default null,
    statement text default null, source text default null,
    classification parley.classification default 'unclassified')
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_party constant bigint := parley_data.party_id(record_position.party);
    this_item constant bigint := parley_data.item_id(record_position.item);
    this_track bigint;
    this_source bigint;
    result bigint;
begin
    perform parley_data.check_free_text('statement', record_position.statement, 'positions_statement_length');
    perform parley_data.require('stance', record_position.stance is not null);
    perform parley_data.require('stated_on', record_position.stated_on is not null);
    if record_position.track is not null then
        this_track := parley_data.track_id(record_position.track);
    end if;
    if record_position.source is not null then
        this_source := parley_data.source_id(record_position.source);
    end if;
    perform parley_data.require('classification', record_position.classification is not null);
    perform parley_data.check_clearance('classification', record_position.classification);
    insert into parley_data.positions as p
           (party_id, item_id, track_id, stance, statement, stated_on, source_id, classification)
    values (this_party, this_item, this_track, record_position.stance, nullif(btrim(record_position.statement), ''),
            record_position.stated_on, this_source, record_position.classification)
    on conflict on constraint positions_natural_key do update
       set stance = excluded.stance,
           statement = excluded.statement,
           source_id = excluded.source_id,
           classification = excluded.classification
    returning p.id into result;
    return result;
end
$$;
comment on function parley.record_position is
    'Records what a party says about an agenda item: record_position(party => ''RU'', item => ''ceasefire'', stance => ''conditional'', stated_on => ..., track => ..., statement => ..., source => ...). Recording the same party, item, track and day again corrects it. Returns the position''s id.';

-- Deals and commitments ---------------------------------------------------------------------------------------

create function parley.add_deal(code text, title text)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.check_code('code', add_deal.code, 'deals_code_format');
    perform parley_data.check_label('title', add_deal.title, 'deals_title_format');
    if exists (select 1 from parley_data.deals d where d.code = add_deal.code) then
        perform parley_data.refuse('23505', 'code', 'deals_code_key',
            format('deal "%s" already exists', add_deal.code), 'Choose another code, or name the existing deal in add_commitment.');
    end if;
    insert into parley_data.deals (code, title) values (add_deal.code, add_deal.title);
    return add_deal.code;
end
$$;
comment on function parley.add_deal is
    'Adds a reciprocal deal (a 1,000-for-1,000 exchange) whose sides are commitments, one per obligor: add_deal(code => ''ist-r1-1000-for-1000'', title => ...). add_commitment(deal => ...) also creates it when new. Returns the code.';

create function parley.add_commitment(
    track text, item text, obligor text, beneficiaries text[], text text, made_on date default current_date,
    due_on date default null, target_quantity numeric default null, unit text default null, code text default null,
    deal text default null, deal_title text default null, owner text default null,
    classification parley.classification default 'unclassified', source text default null, meeting text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_track constant bigint := parley_data.track_id(add_commitment.track);
    this_item constant bigint := parley_data.item_id(add_commitment.item);
    this_obligor constant bigint := parley_data.party_id(add_commitment.obligor, 'obligor');
    beneficiary_ids bigint[];
    bad text;
    this_deal bigint;
    this_owner bigint;
    this_source bigint;
    this_meeting bigint;
    meeting_track bigint;
    new_id bigint;
    new_code text;
begin
    if not exists (select 1 from parley_data.track_agenda a
                    where a.track_id = this_track and a.item_id = this_item) then
        perform parley_data.refuse('23503', 'item', 'commitments_on_track_agenda',
            format('agenda item "%s" is not on the agenda of track "%s"', add_commitment.item, add_commitment.track),
            format('Put it on the agenda first: select parley.set_agenda_status(track => %L, item => %L, status => ''agreed'');',
                   add_commitment.track, add_commitment.item));
    end if;

    -- Beneficiaries: at least one, each a known party, never the obligor; repeats count once.
    perform parley_data.require('beneficiaries', coalesce(cardinality(add_commitment.beneficiaries), 0) > 0);
    perform parley_data.require('beneficiaries', array_position(add_commitment.beneficiaries, null) is null);
    select b into bad from unnest(add_commitment.beneficiaries) b
     where not exists (select 1 from parley_data.parties p where p.code = b) limit 1;
    if bad is not null then
        perform parley_data.unknown('party', bad, 'beneficiaries',
            'Check the codes (codes are case-sensitive) or add the party first with parley.add_party.');
    end if;
    if add_commitment.obligor = any (add_commitment.beneficiaries) then
        perform parley_data.refuse('23514', 'beneficiaries', 'commitment_beneficiaries_not_obligor',
            format('beneficiary "%s" is the obligor: a party cannot owe a commitment to itself', add_commitment.obligor),
            'Name the parties the commitment is owed to, other than the obligor.');
    end if;
    select array_agg(distinct p.id) into beneficiary_ids
      from parley_data.parties p where p.code = any (add_commitment.beneficiaries);

    perform parley_data.require('text', nullif(btrim(add_commitment.text), '') is not null);
    perform parley_data.check_free_text('text', add_commitment.text, 'commitments_text_length');
    perform parley_data.check_finite('target_quantity', add_commitment.target_quantity, 'commitments_target_finite');
    perform parley_data.require('made_on', add_commitment.made_on is not null);
    if add_commitment.due_on < add_commitment.made_on then
        perform parley_data.refuse('23514', 'due_on', 'commitments_due_after_made',
            format('due_on %s is before made_on %s', add_commitment.due_on, add_commitment.made_on),
            'A deadline falls on or after the day the commitment was made.');
    end if;
    if add_commitment.target_quantity <= 0 then
        perform parley_data.refuse('23514', 'target_quantity', 'commitments_target_positive',
            format('target_quantity %s is not positive', add_commitment.target_quantity),
            'Give the quantity promised (more than zero), or leave it out when nothing is counted.');
    end if;
    perform parley_data.check_optional_label('unit', add_commitment.unit, 'commitments_unit_format');
    if nullif(btrim(add_commitment.unit), '') is not null and add_commitment.target_quantity is null then
        perform parley_data.refuse('23514', 'unit', 'commitments_unit_with_target',
            format('unit "%s" is given without a target_quantity', add_commitment.unit),
            'Give target_quantity too, or leave unit out.');
    end if;
    if add_commitment.code is not null then
        perform parley_data.check_code('code', add_commitment.code, 'commitments_code_format');
        if add_commitment.code ~ '^C[0-9]+$' then
            perform parley_data.refuse('23514', 'code', 'commitments_code_reserved',
                format('code "%s" is reserved: C followed by a number names commitments recorded without a code', add_commitment.code),
                'Choose a code that says what the commitment is, such as ist-r1-pow-ru, or leave code out.');
        end if;
        if exists (select 1 from parley_data.commitments c where c.code = add_commitment.code) then
            perform parley_data.refuse('23505', 'code', 'commitments_code_key',
                format('commitment "%s" already exists', add_commitment.code),
                'Choose another code; to change the existing commitment use parley.update_commitment.');
        end if;
    end if;
    if add_commitment.owner is not null then
        this_owner := parley_data.person_id(add_commitment.owner, 'owner', active_only => true);
    end if;
    perform parley_data.require('classification', add_commitment.classification is not null);
    perform parley_data.check_clearance('classification', add_commitment.classification);
    if add_commitment.source is not null then
        this_source := parley_data.source_id(add_commitment.source);
    end if;
    if add_commitment.meeting is not null then
        this_meeting := parley_data.meeting_id(add_commitment.meeting);
        select m.track_id into meeting_track from parley_data.meetings m where m.id = this_meeting;
        if meeting_track <> this_track then
            perform parley_data.refuse('23503', 'meeting', 'commitments_meeting_on_track',
                format('meeting "%s" is not a meeting of track "%s"', add_commitment.meeting, add_commitment.track),
                'Name a meeting of the same track, or leave meeting out.');
        end if;
    end if;

    -- The deal last: it is the only thing created besides the commitment, and only once all else is known good.
    if add_commitment.deal is not null then
        perform parley_data.check_code('deal', add_commitment.deal, 'deals_code_format');
        select d.id into this_deal from parley_data.deals d where d.code = add_commitment.deal;
        if this_deal is null then
            perform parley_data.check_label('deal_title', coalesce(add_commitment.deal_title, add_commitment.deal), 'deals_title_format');
            insert into parley_data.deals (code, title)
            values (add_commitment.deal, coalesce(add_commitment.deal_title, add_commitment.deal))
            returning id into this_deal;
        elsif exists (select 1 from parley_data.commitments c where c.deal_id = this_deal and c.obligor_id = this_obligor) then
            perform parley_data.refuse('23505', 'deal', 'commitments_one_per_obligor_in_deal',
                format('deal "%s" already has a commitment by %s', add_commitment.deal, add_commitment.obligor),
                'A deal has one commitment per obligor; change that one with parley.update_commitment.');
        end if;
    end if;

    insert into parley_data.commitments
           (code, track_id, item_id, meeting_id, obligor_id, deal_id, text, made_on, due_on, target_quantity, unit,
            owner_id, classification, source_id)
    values (add_commitment.code, this_track, this_item, this_meeting, this_obligor, this_deal, add_commitment.text,
            add_commitment.made_on, add_commitment.due_on, add_commitment.target_quantity,
            nullif(btrim(add_commitment.unit), ''), this_owner, add_commitment.classification, this_source)
    returning id, commitments.code into new_id, new_code;
    insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id)
    select new_id, this_obligor, b from unnest(beneficiary_ids) b;
    return new_code;
end
$$;
comment on function parley.add_commitment is
    'Records what a party promised: add_commitment(track => ''istanbul'', item => ''pow-exchange'', obligor => ''RU'', beneficiaries => array[''UA''], text => ..., made_on => ..., due_on => ..., target_quantity => 1000, unit => ''prisoners'', code => ..., deal => ..., owner => ..., classification => ..., source => ..., meeting => ...). The item must be on the track''s agenda; a new deal code creates the deal. Returns the commitment''s code (C and its number when none is given).';

-- Delivery against a commitment. The triggers on commitment_updates (000002) add up the quantities and apply the
-- new status; this function only checks first, so that a refused status change names new_status.
create function parley.record_update(
    commitment text, reported_on date default current_date, delivered numeric default null,
    new_status parley.commitment_status default null, reopen boolean default false, note text default null,
    source text default null, reported_by text default null,
    verification parley.verification default 'unverified', recorded_by text default null)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_commitment constant bigint := parley_data.commitment_id(record_update.commitment);
    current_status parley.commitment_status;
    made date;
    this_source bigint;
    this_party bigint;
    this_person bigint;
    result bigint;
begin
    -- Locked now so that the status checked is the status the trigger will change.
    select c.status, c.made_on into current_status, made
      from parley_data.commitments c where c.id = this_commitment for no key update;

    perform parley_data.require('reported_on', record_update.reported_on is not null);
    if record_update.reported_on < made then
        perform parley_data.refuse('23514', 'reported_on', 'reported_after_made',
            format('reported_on %s is before the commitment was made (%s)', record_update.reported_on, made),
            'Check the date of the report.');
    end if;
    if record_update.delivered < 0 then
        perform parley_data.refuse('23514', 'delivered', 'commitment_updates_delivered_not_negative',
            format('delivered %s is negative', record_update.delivered),
            'Give what was delivered in this stage (zero or more); to correct an earlier report, ask for it to be corrected.');
    end if;
    perform parley_data.require('reopen', record_update.reopen is not null);
    if record_update.reopen then
        perform parley_data.require('new_status', record_update.new_status is not null);
        perform parley_data.require('note', nullif(btrim(record_update.note), '') is not null);
    end if;
    perform parley_data.check_finite('delivered', record_update.delivered, 'commitment_updates_delivered_finite');
    perform parley_data.check_free_text('note', record_update.note, 'commitment_updates_note_length');
    if record_update.delivered is null and record_update.new_status is null
       and nullif(btrim(record_update.note), '') is null then
        perform parley_data.refuse('23514', 'delivered', 'commitment_updates_says_something',
            'an update must say something: delivered, new_status or note',
            'Give a delivered quantity, a new status, or a note.');
    end if;
    if record_update.new_status is distinct from current_status and record_update.new_status is not null
       and not record_update.reopen
       and not exists (select 1 from parley_data.commitment_transitions t
                        where t.from_status = current_status and t.to_status = record_update.new_status) then
        perform parley_data.refuse('23514', 'new_status', 'commitment_status_transition',
            format('new_status %s needs a reopen: commitment "%s" is %s', record_update.new_status,
                   record_update.commitment, current_status),
            'Leaving fulfilled, withdrawn or superseded, or going back to pending, is a reopen: pass reopen => true and say why in note.');
    end if;
    perform parley_data.require('verification', record_update.verification is not null);
    if record_update.source is not null then
        this_source := parley_data.source_id(record_update.source);
    end if;
    if record_update.reported_by is not null then
        this_party := parley_data.party_id(record_update.reported_by, 'reported_by');
    end if;
    if record_update.recorded_by is not null then
        this_person := parley_data.person_id(record_update.recorded_by, 'recorded_by');
    else
        -- Logins named after their e-mail are recognised; others leave it to the change history.
        select p.id into this_person from parley_data.people p where lower(p.email) = lower(session_user::text);
    end if;

    insert into parley_data.commitment_updates
           (commitment_id, reported_on, delivered_quantity, new_status, reopen, note, source_id,
            reported_by_party_id, recorded_by_id, verification)
    values (this_commitment, record_update.reported_on, record_update.delivered, record_update.new_status,
            record_update.reopen, nullif(btrim(record_update.note), ''), this_source, this_party, this_person,
            record_update.verification)
    returning id into result;
    return result;
end
$$;
comment on function parley.record_update is
    'Records a report against a commitment: record_update(commitment => ''ist-r1-pow-ru'', reported_on => ''2025-05-23'', delivered => 390, new_status => ''partially_fulfilled'', note => ..., source => ..., reported_by => ''UA'', verification => ''both_parties''). delivered is this stage only; the total and the status follow. Leaving fulfilled, withdrawn or superseded (or going back to pending) needs reopen => true and a note. Returns the update''s id.';

create function parley_data.check_due_on(due_on date, made_on date)
    returns void
    language plpgsql as $$
begin
    if due_on < made_on then
        perform parley_data.refuse('23514', 'due_on', 'commitments_due_after_made',
            format('due_on %s is before made_on %s', due_on, made_on),
            'A deadline falls on or after the day the commitment was made.');
    end if;
end
$$;

comment on function parley_data.check_due_on is 'Refuses (23514) a deadline before the day the commitment was made.';

-- Moving a deadline is common and must be traceable: the change history keeps who moved it, when, from what.
create function parley.change_due_date(commitment text, due_on date)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_commitment constant bigint := parley_data.commitment_id(change_due_date.commitment);
    made date;
begin
    select c.made_on into made from parley_data.commitments c where c.id = this_commitment for no key update;
    perform parley_data.check_due_on(change_due_date.due_on, made);
    update parley_data.commitments c
       set due_on = change_due_date.due_on
     where c.id = this_commitment and c.due_on is distinct from change_due_date.due_on;
    return change_due_date.commitment;
end
$$;
comment on function parley.change_due_date is
    'Moves a commitment''s deadline: change_due_date(commitment => ''ist-r1-pow-ru'', due_on => ''2025-06-01''); due_on => null removes it. The change history records who moved it and from what date. Returns the code.';

-- Leave a parameter out to keep the value; '' clears owner, unit or source.
create function parley.update_commitment(
    commitment text, text text default null, due_on date default null, owner text default null,
    classification parley.classification default null, target_quantity numeric default null, unit text default null,
    source text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_commitment constant bigint := parley_data.commitment_id(update_commitment.commitment);
    existing parley_data.commitments;
    this_owner bigint;
    this_source bigint;
    new_unit text;
begin
    perform parley_data.check_finite('target_quantity', update_commitment.target_quantity, 'commitments_target_finite');
    select * into existing from parley_data.commitments c where c.id = this_commitment for no key update;
    if update_commitment.text is not null then
        perform parley_data.require('text', nullif(btrim(update_commitment.text), '') is not null);
        perform parley_data.check_free_text('text', update_commitment.text, 'commitments_text_length');
    end if;
    perform parley_data.check_due_on(update_commitment.due_on, existing.made_on);
    if nullif(update_commitment.owner, '') is not null then
        this_owner := parley_data.person_id(update_commitment.owner, 'owner', active_only => true);
    end if;
    if update_commitment.classification is not null then
        perform parley_data.check_clearance('classification', update_commitment.classification);
    end if;
    if update_commitment.target_quantity <= 0 then
        perform parley_data.refuse('23514', 'target_quantity', 'commitments_target_positive',
            format('target_quantity %s is not positive', update_commitment.target_quantity),
            'Give the quantity promised (more than zero).');
    end if;
    perform parley_data.check_optional_label('unit', update_commitment.unit, 'commitments_unit_format');
    new_unit := case when update_commitment.unit is null then existing.unit else nullif(btrim(update_commitment.unit), '') end;
    if new_unit is not null and coalesce(update_commitment.target_quantity, existing.target_quantity) is null then
        perform parley_data.refuse('23514', 'unit', 'commitments_unit_with_target',
            format('unit "%s" is given without a target_quantity', new_unit), 'Give target_quantity too.');
    end if;
    if nullif(update_commitment.source, '') is not null then
        this_source := parley_data.source_id(update_commitment.source);
    end if;
    update parley_data.commitments c
       set text = coalesce(update_commitment.text, c.text),
           due_on = coalesce(update_commitment.due_on, c.due_on),
           owner_id = case when update_commitment.owner is null then c.owner_id else this_owner end,
           classification = coalesce(update_commitment.classification, c.classification),
           target_quantity = coalesce(update_commitment.target_quantity, c.target_quantity),
           unit = new_unit,
           source_id = case when update_commitment.source is null then c.source_id else this_source end
     where c.id = this_commitment
       and (c.text, c.due_on, c.owner_id, c.classification, c.target_quantity, c.unit, c.source_id) is distinct from
           (coalesce(update_commitment.text, c.text), coalesce(update_commitment.due_on, c.due_on),
            case when update_commitment.owner is null then c.owner_id else this_owner end,
            coalesce(update_commitment.classification, c.classification),
            coalesce(update_commitment.target_quantity, c.target_quantity), new_unit,
            case when update_commitment.source is null then c.source_id else this_source end);
    return update_commitment.commitment;
end
$$;
comment on function parley.update_commitment is
    'Changes a commitment: update_commitment(commitment => ..., text, due_on, owner, classification, target_quantity, unit, source). Parameters left out keep their value; '''' clears owner, unit or source. Delivery and status are recorded with parley.record_update. Returns the code.';

-- Figures -----------------------------------------------------------------------------------------------------

create function parley.add_figure(
    indicator text, value numeric, as_of date, unit text default null, item text default null,
    claimant text default null, source text default null, confidence parley.confidence default 'reported',
    note text default null, classification parley.classification default 'unclassified',
    correction boolean default false)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_item bigint;
    this_claimant bigint;
    this_source bigint;
    existing bigint;
    result bigint;
begin
    perform parley_data.check_code('indicator', add_figure.indicator, 'figures_indicator_format');
    perform parley_data.require('value', add_figure.value is not null);
    perform parley_data.check_finite('value', add_figure.value, 'figures_value_finite');
    perform parley_data.require('as_of', add_figure.as_of is not null);
    perform parley_data.check_optional_label('unit', add_figure.unit, 'figures_unit_format');
    if add_figure.item is not null then
        this_item := parley_data.item_id(add_figure.item);
    end if;
    if add_figure.claimant is not null then
        this_claimant := parley_data.party_id(add_figure.claimant, 'claimant');
    end if;
    if add_figure.source is not null then
        this_source := parley_data.source_id(add_figure.source);
    end if;
    perform parley_data.require('confidence', add_figure.confidence is not null);
    perform parley_data.require('classification', add_figure.classification is not null);
    perform parley_data.check_clearance('classification', add_figure.classification);
    perform parley_data.require('correction', add_figure.correction is not null);
    select f.id into existing from parley_data.figures f
     where f.indicator = add_figure.indicator and f.as_of = add_figure.as_of
       and f.claimant_id is not distinct from this_claimant and f.source_id is not distinct from this_source
       for no key update;
    if existing is not null and not add_figure.correction then
        perform parley_data.refuse('23505', 'indicator', 'figures_natural_key',
            format('a figure for %s as of %s by this claimant and source already exists', add_figure.indicator, add_figure.as_of),
            'To replace it, call add_figure again with correction => true.');
    end if;
    if existing is not null then
        update parley_data.figures f
           set value = add_figure.value, unit = nullif(btrim(add_figure.unit), ''), item_id = this_item,
               confidence = add_figure.confidence, note = nullif(btrim(add_figure.note), ''),
               classification = add_figure.classification
         where f.id = existing;
        return existing;
    end if;
    insert into parley_data.figures
           (indicator, item_id, value, unit, as_of, claimant_id, source_id, confidence, note, classification)
    values (add_figure.indicator, this_item, add_figure.value, nullif(btrim(add_figure.unit), ''), add_figure.as_of,
            this_claimant, this_source, add_figure.confidence, nullif(btrim(add_figure.note), ''), add_figure.classification)
    returning id into result;
    return result;
end
$$;
comment on function parley.add_figure is
    'Records a number a party reports or disputes: add_figure(indicator => ''children-deported'', value => 19546, as_of => ..., unit => ''children'', item => ..., claimant => ''UA'', source => ..., confidence => ''reported''). One figure per indicator, claimant, source and date; correction => true replaces it. Returns the figure''s id.';

-- Follow-ups --------------------------------------------------------------------------------------------------

create function parley.add_follow_up(
    assignee text, due_at timestamptz, note text, commitment text default null, meeting text default null,
    track text default null, code text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_assignee constant bigint := parley_data.person_id(add_follow_up.assignee, 'assignee', active_only => true);
    this_commitment bigint;
    this_meeting bigint;
    this_track bigint;
    new_id bigint;
begin
    perform parley_data.check_free_text('note', add_follow_up.note, 'follow_ups_note_length');
    perform parley_data.require('due_at', add_follow_up.due_at is not null);
    perform parley_data.require('note', nullif(btrim(add_follow_up.note), '') is not null);
    if num_nonnulls(add_follow_up.commitment, add_follow_up.meeting, add_follow_up.track) <> 1 then
        perform parley_data.refuse('23514', 'commitment', 'follow_ups_one_subject',
            format('a follow-up is about exactly one of commitment, meeting or track; %s given',
                   num_nonnulls(add_follow_up.commitment, add_follow_up.meeting, add_follow_up.track)),
            'Give one of commitment => ..., meeting => ... or track => ....');
    end if;
    if add_follow_up.commitment is not null then
        this_commitment := parley_data.commitment_id(add_follow_up.commitment);
    elsif add_follow_up.meeting is not null then
        this_meeting := parley_data.meeting_id(add_follow_up.meeting);
    else
        this_track := parley_data.track_id(add_follow_up.track);
    end if;
    if add_follow_up.code is not null then
        perform parley_data.check_code('code', add_follow_up.code, 'follow_ups_code_format');
        if add_follow_up.code ~ '^F[0-9]+$' then
            perform parley_data.refuse('23514', 'code', 'follow_ups_code_reserved',
                format('code "%s" is reserved: F followed by a number names follow-ups recorded without a code', add_follow_up.code),
                'Choose a code that says what the follow-up is, or leave code out.');
        end if;
        if exists (select 1 from parley_data.follow_ups f where f.code = add_follow_up.code) then
            perform parley_data.refuse('23505', 'code', 'follow_ups_code_key',
                format('follow-up "%s" already exists', add_follow_up.code), 'Choose another code.');
        end if;
    end if;
    insert into parley_data.follow_ups (code, commitment_id, meeting_id, track_id, assignee_id, due_at, note)
    values (add_follow_up.code, this_commitment, this_meeting, this_track, this_assignee, add_follow_up.due_at, add_follow_up.note)
    returning id into new_id;
    return coalesce(add_follow_up.code, 'F' || new_id);
end
$$;
comment on function parley.add_follow_up is
    'Records something a member of staff owes, about one commitment, meeting or track: add_follow_up(assignee => ''desk@example.org'', due_at => ''2025-05-20 17:00+03'', note => ''Chase the written ceasefire conditions'', commitment => ...). Returns its code (F and its number when none is given).';

create function parley.complete_follow_up(follow_up text, done_at timestamptz default now(), note text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_follow_up constant bigint := parley_data.follow_up_id(complete_follow_up.follow_up);
    done timestamptz;
begin
    perform parley_data.check_free_text('note', complete_follow_up.note, 'follow_ups_note_length');
    perform parley_data.require('done_at', complete_follow_up.done_at is not null);
    select f.done_at into done from parley_data.follow_ups f where f.id = this_follow_up for no key update;
    if done is not null then
        perform parley_data.refuse('23514', 'follow_up', 'follow_up_open',
            format('follow-up "%s" was already completed at %s', complete_follow_up.follow_up, done),
            'Nothing to do; add a new follow-up if more is needed.');
    end if;
    update parley_data.follow_ups f
       set done_at = complete_follow_up.done_at, done_note = nullif(btrim(complete_follow_up.note), '')
     where f.id = this_follow_up;
    return complete_follow_up.follow_up;
end
$$;
comment on function parley.complete_follow_up is
    'Marks a follow-up done: complete_follow_up(follow_up => ''F12'', done_at => ..., note => ''Conditions received''). Returns its code.';

-- Subscriptions -----------------------------------------------------------------------------------------------

-- Subscribing again to the same track and item changes the minimum severity.
create function parley.add_subscription(
    person text, track text default null, item text default null, min_severity parley.severity default 'info')
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_person constant bigint := parley_data.person_id(add_subscription.person, 'person', active_only => true);
    this_track bigint;
    this_item bigint;
    result bigint;
begin
    if add_subscription.track is not null then
        this_track := parley_data.track_id(add_subscription.track);
    end if;
    if add_subscription.item is not null then
        this_item := parley_data.item_id(add_subscription.item);
    end if;
    perform parley_data.require('min_severity', add_subscription.min_severity is not null);
    insert into parley_data.subscriptions as s (person_id, track_id, item_id, min_severity)
    values (this_person, this_track, this_item, add_subscription.min_severity)
    on conflict on constraint subscriptions_natural_key do update
       set min_severity = excluded.min_severity
     where s.min_severity is distinct from excluded.min_severity
    returning s.id into result;
    if result is null then
        select s.id into result from parley_data.subscriptions s
         where s.person_id = this_person and s.track_id is not distinct from this_track
           and s.item_id is not distinct from this_item;
    end if;
    return result;
end
$$;
comment on function parley.add_subscription is
    'Subscribes a person to alerts about a track, an item, both, or (neither given) everything, from a minimum severity: add_subscription(person => ..., track => ''istanbul'', min_severity => ''warning''). Subscribing again changes the severity. Returns the subscription''s id.';

create function parley.remove_subscription(person text, track text default null, item text default null)
    returns boolean
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_person constant bigint := parley_data.person_id(remove_subscription.person);
    this_track bigint;
    this_item bigint;
begin
    if remove_subscription.track is not null then
        this_track := parley_data.track_id(remove_subscription.track);
    end if;
    if remove_subscription.item is not null then
        this_item := parley_data.item_id(remove_subscription.item);
    end if;
    delete from parley_data.subscriptions s
     where s.person_id = this_person and s.track_id is not distinct from this_track
       and s.item_id is not distinct from this_item;
    return found;
end
$$;
comment on function parley.remove_subscription is
    'Ends a subscription (the same person, track and item as when it was added): remove_subscription(person => ..., track => ''istanbul''). Returns whether there was one.';

-- Staff who record may call these; readers, the daemon and everyone else may not.
do $$
declare
    f regprocedure;
begin
    for f in
        select p.oid::regprocedure from pg_catalog.pg_proc p
         where p.pronamespace = 'parley'::regnamespace
           and p.proname in ('add_party', 'add_source', 'add_person', 'update_person', 'deactivate_person',
                             'add_track', 'update_track', 'add_member', 'add_agenda_item', 'set_agenda_status',
                             'add_meeting', 'record_meeting_outcome', 'set_meeting_status', 'record_position',
                             'add_deal', 'add_commitment', 'record_update', 'change_due_date', 'update_commitment',
                             'add_figure', 'add_follow_up', 'complete_follow_up', 'add_subscription',
                             'remove_subscription')
    loop
        execute format('revoke all on function %s from public', f);
        execute format('grant execute on function %s to parley_writer', f);
    end loop;
end
$$;
