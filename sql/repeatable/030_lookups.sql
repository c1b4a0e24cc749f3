-- Lookups by natural key: the ids of the rows a code or an e-mail names, refusing (23503) what names nothing or
-- nothing the caller may see. Shared by the recording functions, import and the command line.
set local role parley_owner;

-- Lookups by natural key --------------------------------------------------------------------------------------
-- Shared by the recording functions, the JSON import and the command line, so that all of them apply the same
-- rules. `field` is the caller's name for the value (obligor, claimant, lead, ...) and is what the error names.

create or replace function parley_data.unknown(kind text, value text, field text, hint text)
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

create or replace function parley_data.party_id(code text, field text default 'party')
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

create or replace function parley_data.item_id(code text, field text default 'item')
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

create or replace function parley_data.source_id(code text, field text default 'source')
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
create or replace function parley_data.person_id(email text, field text default 'person', active_only boolean default false)
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

create or replace function parley_data.track_id(code text, field text default 'track')
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

create or replace function parley_data.meeting_id(code text, field text default 'meeting')
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

create or replace function parley_data.commitment_id(code text, field text default 'commitment')
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
create or replace function parley_data.follow_up_id(code text, field text default 'follow_up')
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
