-- Recording parties, sources and people (staff). Recording functions take natural keys (codes, e-mail
-- addresses), check their input first and refuse bad input through 010_refusals; they run as parley_owner
-- (security definer) and apply the caller's clearance themselves (020_clearance).
set local role parley_owner;

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
-- Helpers the recording functions share ----------------------------------------------------------------------

-- A source is optional wherever one is cited: given, it must exist (refused as parley_data.source_id refuses);
-- left out, there is none.
create or replace function parley_data.given_source_id(code text)
    returns bigint
    language plpgsql stable as $$
begin
    if code is null then
        return null;
    end if;
    return parley_data.source_id(code);
end
$$;
comment on function parley_data.given_source_id(text) is
    'The id of the source with this code, refused (23503) when unknown; null when no code is given.';

-- A track named by a recording function: the tracks with that reference ("code" or "code@level") the caller may
-- see, as parley_data.classified_matches finds them (the first id, how many, their levels); all null when none is
-- named. The bad_* rules of 035_input_rules judge matches and levels.
create or replace function parley_data.track_matches(reference text, out id bigint, out matches integer,
                                                     out levels parley.classification[])
    language plpgsql stable as $$
begin
    select m.id, m.matches, m.levels into id, matches, levels
      from parley_data.classified_matches('parley_data.tracks', 'classification', array[reference],
                                          parley_data.session_clearance()) m;
end
$$;
comment on function parley_data.track_matches(text) is
    'The tracks a reference names among those the caller may see: the first id, how many, their levels (null when no reference is given).';

-- Rule: C followed by a number names a commitment recorded without a code, F followed by a number a follow-up, so
-- neither may be given as a code (when adding, or renaming to it). what: commitment or follow_up.
create or replace function parley_data.reserved_code(field text, what text, code text, hint text)
    returns parley_data.refusal
    language sql immutable parallel safe
    return case when code ~ ('^' || case what when 'commitment' then 'C' when 'follow_up' then 'F' end || '[0-9]+$')
                then parley_data.refused('23514', field, what || 's_code_reserved',
                    format('code "%s" is reserved: %s followed by a number names %ss recorded without a code', code,
                           left(code, 1), replace(what, '_', '-')),
                    hint) end;
comment on function parley_data.reserved_code(text, text, text, text) is
    'Refuses (23514) a code of a commitment (C and a number) or a follow-up (F and a number) that names records kept without a code.';

-- Parties and sources -----------------------------------------------------------------------------------------

create or replace function parley.add_party(code text, name text, kind parley.party_kind default 'state')
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.refuse_if(coalesce(
        parley_data.bad_party(add_party.code, add_party.name, add_party.kind),
        parley_data.taken('party', 'code', add_party.code, 'parties_code_key',
                          exists (select 1 from parley_data.parties p where p.code = add_party.code),
                          'Choose another code, or use the existing party.')));
    insert into parley_data.parties (code, name, kind) values (add_party.code, add_party.name, add_party.kind);
    return add_party.code;
end
$$;
comment on function parley.add_party is
    'Adds a party (a state or organisation): add_party(code => ''UA'', name => ''Ukraine'', kind => ''state''). Returns the code.';

create or replace function parley.add_source(
    code text, title text, publisher text default null, url text default null, published_on date default null,
    note text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.refuse_if(coalesce(
        parley_data.bad_source(add_source.code, add_source.title, add_source.publisher, add_source.url, add_source.note),
        parley_data.taken('source', 'code', add_source.code, 'sources_code_key',
                          exists (select 1 from parley_data.sources s where s.code = add_source.code),
                          'Choose another code, or cite the existing source.')));
    insert into parley_data.sources (code, title, publisher, url, published_on, note)
    values (add_source.code, add_source.title, nullif(btrim(add_source.publisher), ''), nullif(btrim(add_source.url), ''),
            add_source.published_on, nullif(btrim(add_source.note), ''));
    return add_source.code;
end
$$;
comment on function parley.add_source is
    'Adds a source that facts can cite (an article, a statement, a readout): add_source(code => ''pravda-2025-05-16'', title => ..., publisher => ..., url => ..., published_on => ...). Returns the code.';

-- People ------------------------------------------------------------------------------------------------------

create or replace function parley.add_person(
    email text, name text, timezone text default 'UTC', clearance parley.classification default 'unclassified')
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.refuse_if(parley_data.bad_person(add_person.email, add_person.name, add_person.timezone,
        exists (select 1 from parley_data.time_zones z where z.name = add_person.timezone), add_person.clearance,
        parley_data.session_clearance()));
    perform parley_data.refuse_if(parley_data.taken('a person with e-mail', 'email', add_person.email, 'people_email_key',
        exists (select 1 from parley_data.people p where lower(p.email) = lower(add_person.email)),
        'E-mail addresses are unique regardless of case; change that person with parley.update_person.'));
    insert into parley_data.people (email, name, timezone, clearance)
    values (add_person.email, add_person.name, add_person.timezone, add_person.clearance);
    return add_person.email;
end
$$;
comment on function parley.add_person is
    'Adds a member of staff: add_person(email => ..., name => ..., timezone => ''Europe/Kyiv'', clearance => ''restricted''). The clearance decides which alerts they may receive; you cannot give more than your own. Returns the e-mail.';

-- Leave a parameter out to keep the value.
create or replace function parley.update_person(
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
    perform parley_data.check_person_within_clearance(this_person, update_person.person);
    if update_person.email is not null then
        perform parley_data.check_email('email', update_person.email);
        perform parley_data.refuse_if(parley_data.taken('a person with e-mail', 'email', update_person.email,
            'people_email_key', exists (select 1 from parley_data.people p
                                         where lower(p.email) = lower(update_person.email) and p.id <> this_person),
            'E-mail addresses are unique regardless of case.'));
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

create or replace function parley.deactivate_person(person text)
    returns text
    language sql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    return parley.update_person(person => deactivate_person.person, active => false);
comment on function parley.deactivate_person is
    'Marks a person as no longer active (they left the desk): they can no longer be made owner, lead or assignee. History is kept. Returns the e-mail.';
