-- Import and export of the whole world in one document, the listings of the parley command, and what its
-- calendars are made from.
--
-- parley.import_world(doc jsonb) records a document of parties, tracks (with members and agenda), meetings,
-- commitments (with their updates), positions, figures, sources, people, subscriptions and follow-ups, in one
-- go: all of it or nothing (it runs in the caller's transaction). It is idempotent: every record is found again by
-- its natural key (codes; e-mail for people; party, item, track and date for positions; indicator, claimant,
-- source and date for figures; commitment, date and content for updates), so importing the same document twice
-- changes nothing. A record that exists is brought to what the document says (the document describes the whole
-- record: a field left out takes its default), except what a document may not change: the track, item, obligor,
-- deal or made_on of a commitment, the track of a meeting. Nothing is ever deleted by an import.
--
-- It applies the rules of the recording functions (000003) with their own checks and lookups, so a refusal reads
-- the same as there, prefixed by where in the document it is: `commitments[3].due_on: 2025-05-01 is before
-- made_on 2025-05-16`. The error's COLUMN is that path; the parley command maps it to the line of the file.
-- Records are checked one by one first and then written with one statement per kind of record, so that a large
-- document costs a few statements (and a few passes of the history triggers), not one per record.
--
-- parley.export_world() writes the same document from the database, sorted by natural keys, so that export,
-- import into an empty database and export again give the same document.
set local role parley_owner;

-- Reading a document ----------------------------------------------------------------------------------------------
-- Each reader takes a record (a JSON object) and a field name, returns the value typed, and refuses a value of the
-- wrong kind naming the field; a field that is absent or null is NULL.

create function parley_data.import_fields(r jsonb, allowed text[])
    returns void
    language plpgsql immutable as $$
declare
    unknown_field text;
begin
    if jsonb_typeof(r) is distinct from 'object' then
        perform parley_data.refuse('22023', '', 'import_record_is_mapping',
            format('expected a mapping of fields, found %s',
                   case jsonb_typeof(r) when 'array' then 'a list' when 'null' then 'nothing' else 'a single value' end),
            format('Give the record as field: value pairs; its fields are %s.', array_to_string(allowed, ', ')));
    end if;
    if r - allowed <> '{}'::jsonb then
        select k into unknown_field from jsonb_object_keys(r - allowed) k order by k limit 1;
        perform parley_data.refuse('22023', unknown_field, 'import_known_field',
            format('unknown field "%s"', unknown_field),
            format('The fields here are %s.', array_to_string(allowed, ', ')));
    end if;
end
$$;
comment on function parley_data.import_fields(jsonb, text[]) is
    'Import: refuses a record that is not a mapping, or that has a field not in the list (a typo such as due_onn).';

create function parley_data.import_kind(v jsonb) returns text
    language sql immutable strict parallel safe
    return case jsonb_typeof(v) when 'object' then 'a mapping' when 'array' then 'a list' when 'string' then 'text'
                                when 'number' then 'a number' when 'boolean' then 'true or false' else 'nothing' end;

create function parley_data.import_text(r jsonb, field text)
    returns text
    language plpgsql immutable as $$
declare
    v constant jsonb := r -> field;
begin
    if v is null or jsonb_typeof(v) = 'null' then
        return null;
    elsif jsonb_typeof(v) in ('string', 'number', 'boolean') then
        return v #>> '{}';
    end if;
    perform parley_data.refuse('22023', field, 'import_single_value',
        format('%s must be a single value, not %s', field, parley_data.import_kind(v)),
        format('Give %s as one line of text.', field));
    return null;
end
$$;

create function parley_data.import_text_list(r jsonb, field text)
    returns text[]
    language plpgsql immutable as $$
declare
    v constant jsonb := r -> field;
    bad jsonb;
begin
    if v is null or jsonb_typeof(v) = 'null' then
        return null;
    elsif jsonb_typeof(v) = 'string' then
        return array[v #>> '{}'];
    elsif jsonb_typeof(v) <> 'array' then
        perform parley_data.refuse('22023', field, 'import_list',
            format('%s must be a list, not %s', field, parley_data.import_kind(v)),
            format('Give %s as a list, e.g. [UA, RU].', field));
    end if;
    select e into bad from jsonb_array_elements(v) e where jsonb_typeof(e) not in ('string', 'number') limit 1;
    if bad is not null then
        perform parley_data.refuse('22023', field, 'import_list',
            format('%s must be a list of codes; it holds %s', field, parley_data.import_kind(bad)),
            format('Give %s as a list of codes, e.g. [UA, RU].', field));
    end if;
    return array(select e #>> '{}' from jsonb_array_elements(v) e);
end
$$;

create function parley_data.import_date(r jsonb, field text)
    returns date
    language plpgsql immutable as $$
declare
    v constant text := parley_data.import_text(r, field);
    y integer;
    m integer;
    d integer;
begin
    if v is null then
        return null;
    end if;
    if v ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then
        y := substr(v, 1, 4)::integer;
        m := substr(v, 6, 2)::integer;
        d := substr(v, 9, 2)::integer;
        if y >= 1 and m between 1 and 12
           and d between 1 and extract(day from make_date(y, m, 1) + interval '1 month' - interval '1 day') then
            return make_date(y, m, d);
        end if;
    end if;
    perform parley_data.refuse('22007', field, 'import_date',
        format('%s "%s" is not a date', field, v), format('Write %s as YYYY-MM-DD, e.g. 2025-05-16.', field));
    return null;
end
$$;

-- Timestamps are rare in a document (meetings, follow-ups), so the server's own parser decides, with its errors
-- caught here so that they name the field.
create function parley_data.import_timestamptz(r jsonb, field text)
    returns timestamptz
    language plpgsql stable as $$
declare
    v constant text := parley_data.import_text(r, field);
begin
    if v is null then
        return null;
    end if;
    begin
        return v::timestamptz;
    exception when datetime_field_overflow or invalid_datetime_format or invalid_parameter_value then
        null;
    end;
    perform parley_data.refuse('22007', field, 'import_timestamp',
        format('%s "%s" is not a date and time', field, v),
        format('Write %s as YYYY-MM-DDTHH:MM:SS with the UTC offset, e.g. 2025-05-16T12:30:00+03:00.', field));
    return null;
end
$$;

create function parley_data.import_numeric(r jsonb, field text)
    returns numeric
    language plpgsql immutable as $$
declare
    v constant jsonb := r -> field;
begin
    if v is null or jsonb_typeof(v) = 'null' then
        return null;
    elsif jsonb_typeof(v) = 'number' then
        return (v #>> '{}')::numeric;
    elsif jsonb_typeof(v) = 'string' and (v #>> '{}') ~ '^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$' then
        return (v #>> '{}')::numeric;
    end if;
    perform parley_data.refuse('22P02', field, 'import_number',
        format('%s must be a number, not %s', field,
               case jsonb_typeof(v) when 'string' then format('"%s"', v #>> '{}') else parley_data.import_kind(v) end),
        format('Give %s as a number such as 1000 or 12.5, without thousands separators.', field));
    return null;
end
$$;

create function parley_data.import_days(r jsonb, field text)
    returns integer
    language plpgsql immutable as $$
declare
    n constant numeric := parley_data.import_numeric(r, field);
begin
    if n is not null and (n <> trunc(n) or abs(n) > 36500) then
        perform parley_data.refuse('22P02', field, 'import_days',
            format('%s must be a whole number of days, not %s', field, n),
            format('Give %s as a whole number of days from the day of the import, e.g. 5 or -3.', field));
    end if;
    return n::integer;
end
$$;

create function parley_data.import_bool(r jsonb, field text)
    returns boolean
    language plpgsql immutable as $$
declare
    v constant jsonb := r -> field;
begin
    if v is null or jsonb_typeof(v) = 'null' then
        return null;
    elsif jsonb_typeof(v) = 'boolean' then
        return (v #>> '{}')::boolean;
    end if;
    perform parley_data.refuse('22023', field, 'import_boolean',
        format('%s must be true or false, not %s', field, parley_data.import_kind(v)),
        format('Write %s: true or %s: false.', field, field));
    return null;
end
$$;

-- One of a fixed list of words (the values of an enum type).
create function parley_data.import_choice(r jsonb, field text, allowed text[])
    returns text
    language plpgsql immutable as $$
declare
    v constant text := parley_data.import_text(r, field);
begin
    if v is not null and v <> all (allowed) then
        perform parley_data.refuse('22023', field, 'import_choice',
            format('%s "%s" is not one of %s', field, v, array_to_string(allowed, ', ')),
            format('Give one of: %s.', array_to_string(allowed, ', ')));
    end if;
    return v;
end
$$;

create function parley_data.import_list(r jsonb, field text)
    returns jsonb
    language plpgsql immutable as $$
declare
    v constant jsonb := r -> field;
begin
    if v is null or jsonb_typeof(v) = 'null' then
        return '[]'::jsonb;
    elsif jsonb_typeof(v) <> 'array' then
        perform parley_data.refuse('22023', field, 'import_list',
            format('%s must be a list, not %s', field, parley_data.import_kind(v)),
            format('Give %s as a list of records (in YAML, each starting with "- ").', field));
    end if;
    return v;
end
$$;

-- Inlined by the planner, for the fast path of large lists: true when a value is absent, null, or of the form the
-- field readers above would accept. A false only sends the record to those readers, which then say what is wrong.
create function parley_data.import_date_ok(v jsonb) returns boolean
    language sql immutable parallel safe
    return v is null or jsonb_typeof(v) = 'null'
        or case when jsonb_typeof(v) = 'string' and (v #>> '{}') ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
                     and substr(v #>> '{}', 1, 4) <> '0000'
                then substr(v #>> '{}', 9, 2)::integer
                     <= extract(day from make_date(substr(v #>> '{}', 1, 4)::integer, substr(v #>> '{}', 6, 2)::integer, 1)
                                         + interval '1 month' - interval '1 day')
                else false end;

create function parley_data.import_number_ok(v jsonb) returns boolean
    language sql immutable parallel safe
    return v is null or jsonb_typeof(v) in ('null', 'number')
        or (jsonb_typeof(v) = 'string' and (v #>> '{}') ~ '^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$');

create function parley_data.import_days_ok(v jsonb) returns boolean
    language sql immutable parallel safe
    return v is null or jsonb_typeof(v) = 'null'
        or (jsonb_typeof(v) = 'number' and (v #>> '{}') ~ '^-?[0-9]{1,5}$' and abs((v #>> '{}')::integer) <= 36500);

-- A refusal raised while reading record `path` (e.g. commitments[3].) about field `field`: the same refusal, with
-- the path in front of the message and as the error's COLUMN. A message that starts with the field's own name
-- (`due_on 2025-05-01 is before ...`) loses it, since the path names it already.
create function parley_data.import_refusal(
    state text, message text, detail text, hint text, rule text, path text, field text)
    returns void
    language plpgsql as $$
declare
    full_path constant text := rtrim(coalesce(path, '') || coalesce(field, ''), '.');
    last_part constant text := regexp_replace(coalesce(field, ''), '^.*\.', '');
    text_out text := message;
begin
    if path is not null and last_part <> '' and starts_with(message, last_part || ' ') then
        text_out := full_path || ': ' || substr(message, length(last_part) + 2);
    elsif path is not null then
        text_out := full_path || ': ' || message;
    end if;
    if path is null then
        -- Not about one record (an error while writing): passed on as it is.
        if nullif(detail, '') is not null and nullif(hint, '') is not null then
            raise exception using errcode = state, message = message, detail = detail, hint = hint,
                column = coalesce(field, ''), constraint = coalesce(rule, '');
        elsif nullif(hint, '') is not null then
            raise exception using errcode = state, message = message, hint = hint,
                column = coalesce(field, ''), constraint = coalesce(rule, '');
        else
            raise exception using errcode = state, message = message, column = coalesce(field, ''),
                constraint = coalesce(rule, '');
        end if;
    end if;
    if nullif(detail, '') is not null and nullif(hint, '') is not null then
        raise exception using errcode = state, message = text_out, detail = detail, hint = hint,
            column = full_path, constraint = coalesce(rule, '');
    elsif nullif(hint, '') is not null then
        raise exception using errcode = state, message = text_out, hint = hint, column = full_path,
            constraint = coalesce(rule, '');
    elsif nullif(detail, '') is not null then
        raise exception using errcode = state, message = text_out, detail = detail, column = full_path,
            constraint = coalesce(rule, '');
    else
        raise exception using errcode = state, message = text_out, column = full_path, constraint = coalesce(rule, '');
    end if;
end
$$;
comment on function parley_data.import_refusal is
    'Import: raises a refusal again with the document path of the record in front (people[2].email: ...) and as its COLUMN.';

-- The first record of a list whose key another record before it already has: the document names one record twice.
create function parley_data.import_duplicate(items jsonb, key_of text)
    returns table (ord bigint, first_ord bigint, key text)
    language plpgsql stable as $$
begin
    return query execute format(
        'select k.ord, k.first_ord, k.key
           from (select e.ord, (%s) as key, min(e.ord) over (partition by (%s)) as first_ord
                   from jsonb_array_elements($1) with ordinality e(r, ord)
                  where jsonb_typeof(e.r) = ''object'') k
          where k.key is not null and k.ord <> k.first_ord
          order by k.ord
          limit 1', key_of, key_of)
    using items;
end
$$;

create function parley_data.refuse_duplicate(section text, base integer, dup record, field text, what text)
    returns void
    language plpgsql as $$
begin
    perform parley_data.refuse('23505', format('%s[%s].%s', section, base + dup.ord - 1, field),
        section || '_unique_in_document',
        format('%s[%s].%s: %s is given twice; it was given first at %s[%s]', section, base + dup.ord - 1, field, what,
               section, base + dup.first_ord - 1),
        'Each record appears once in a document; merge the two.');
end
$$;

-- The ids of the rows named by the codes a document uses, looked up once per list instead of once per record.
-- Rows above the caller's clearance are left out: a lookup that misses falls back to the recording functions'
-- own lookup, which refuses with their message.
create function parley_data.import_codes(items jsonb, field text) returns text[]
    language sql immutable strict parallel safe
    return array(select distinct e.r ->> field from jsonb_array_elements(items) e(r)
                  where jsonb_typeof(e.r) = 'object' and e.r ->> field is not null);

-- Sections --------------------------------------------------------------------------------------------------------
-- Each section function checks every record of its list in order, then writes the list, and returns what it did:
-- {"new": n, "changed": n, "unchanged": n}. `base` is the index of the list's first record in the whole document.

create function parley_data.import_counts(total integer, added integer, changed integer) returns jsonb
    language sql immutable parallel safe
    return jsonb_build_object('new', added, 'changed', changed, 'unchanged', total - added - changed);

create function parley_data.import_people(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['email', 'name', 'timezone', 'clearance', 'active'];
    levels constant text[] := enum_range(null::parley.classification)::text[];
    at_prefix text;
    rec record;
    dup record;
    v_email text;
    v_name text;
    v_timezone text;
    v_clearance text;
    emails text[] := '{}';
    names text[] := '{}';
    timezones text[] := '{}';
    clearances parley.classification[] := '{}';
    actives boolean[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'lower(e.r ->> ''email'')');
    if found then
        perform parley_data.refuse_duplicate('people', base, dup, 'email', format('e-mail "%s"', dup.key));
    end if;
    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('people[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_email := parley_data.import_text(rec.r, 'email');
        perform parley_data.check_email('email', v_email);
        v_name := parley_data.import_text(rec.r, 'name');
        perform parley_data.check_label('name', v_name, 'people_name_format');
        v_timezone := coalesce(parley_data.import_text(rec.r, 'timezone'), 'UTC');
        perform parley_data.check_timezone('timezone', v_timezone);
        v_clearance := coalesce(parley_data.import_choice(rec.r, 'clearance', levels), 'unclassified');
        perform parley_data.check_clearance('clearance', v_clearance::parley.classification);
        -- As in parley.update_person: only someone cleared at least as high as a person may change them.
        if exists (select 1 from parley_data.people p
                    where lower(p.email) = lower(v_email) and p.clearance > parley_data.session_clearance()
                      and (p.name, p.timezone, p.clearance, p.active)
                          is distinct from (v_name, v_timezone, v_clearance::parley.classification,
                                            coalesce(parley_data.import_bool(rec.r, 'active'), true))) then
            perform parley_data.refuse('42501', 'email', 'within_clearance',
                format('%s is cleared above you; an import by you cannot change them', v_email),
                'Leave the person as recorded, or ask someone cleared at least as high to import the change.');
        end if;
        emails := emails || v_email;
        names := names || v_name;
        timezones := timezones || v_timezone;
        clearances := clearances || v_clearance::parley.classification;
        actives := actives || coalesce(parley_data.import_bool(rec.r, 'active'), true);
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(emails, names, timezones, clearances, actives) u(email, name, timezone, clearance, active)
    )
    insert into parley_data.people (email, name, timezone, clearance, active)
    select i.email, i.name, i.timezone, i.clearance, i.active from input i
     where not exists (select 1 from parley_data.people p where lower(p.email) = lower(i.email));
    get diagnostics added = row_count;
    changed := 0;
    -- Only when some records were there already: an UPDATE of no rows still fires the statement triggers.
    if cardinality(emails) > added then
        with input as (
            select * from unnest(emails, names, timezones, clearances, actives) u(email, name, timezone, clearance, active)
        )
        update parley_data.people p
           set email = i.email, name = i.name, timezone = i.timezone, clearance = i.clearance, active = i.active
          from input i
         where lower(p.email) = lower(i.email)
           and (p.email, p.name, p.timezone, p.clearance, p.active)
               is distinct from (i.email, i.name, i.timezone, i.clearance, i.active);
        get diagnostics changed = row_count;
    end if;
    return parley_data.import_counts(cardinality(emails), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

create function parley_data.import_parties(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'name', 'kind'];
    kinds constant text[] := enum_range(null::parley.party_kind)::text[];
    at_prefix text;
    rec record;
    dup record;
    v_code text;
    v_name text;
    codes text[] := '{}';
    names text[] := '{}';
    party_kinds parley.party_kind[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('parties', base, dup, 'code', format('party "%s"', dup.key));
    end if;
    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('parties[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'parties_code_format');
        v_name := parley_data.import_text(rec.r, 'name');
        perform parley_data.check_label('name', v_name, 'parties_name_format');
        codes := codes || v_code;
        names := names || v_name;
        party_kinds := party_kinds || coalesce(parley_data.import_choice(rec.r, 'kind', kinds), 'state')::parley.party_kind;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(codes, names, party_kinds) u(code, name, kind)
    )
    insert into parley_data.parties (code, name, kind)
    select i.code, i.name, i.kind from input i
     where not exists (select 1 from parley_data.parties p where p.code = i.code);
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, names, party_kinds) u(code, name, kind)
        )
        update parley_data.parties p set name = i.name, kind = i.kind
          from input i
         where p.code = i.code and (p.name, p.kind) is distinct from (i.name, i.kind);
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

create function parley_data.import_sources(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'title', 'publisher', 'url', 'published_on', 'note'];
    at_prefix text;
    rec record;
    dup record;
    v_code text;
    v_title text;
    v_publisher text;
    v_url text;
    codes text[] := '{}';
    titles text[] := '{}';
    publishers text[] := '{}';
    urls text[] := '{}';
    published date[] := '{}';
    notes text[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('sources', base, dup, 'code', format('source "%s"', dup.key));
    end if;
    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('sources[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'sources_code_format');
        v_title := parley_data.import_text(rec.r, 'title');
        perform parley_data.check_label('title', v_title, 'sources_title_format');
        v_publisher := parley_data.import_text(rec.r, 'publisher');
        perform parley_data.check_optional_label('publisher', v_publisher, 'sources_publisher_format');
        v_url := parley_data.import_text(rec.r, 'url');
        if nullif(btrim(v_url), '') is not null and v_url !~ '^https?://[^\s]+$' then
            perform parley_data.refuse('23514', 'url', 'sources_url_format',
                format('url "%s" is not a web address', v_url),
                'Give the full address, starting with https:// or http://, without spaces.');
        end if;
        codes := codes || v_code;
        titles := titles || v_title;
        publishers := publishers || nullif(btrim(v_publisher), '');
        urls := urls || nullif(btrim(v_url), '');
        published := published || parley_data.import_date(rec.r, 'published_on');
        notes := notes || nullif(btrim(parley_data.import_text(rec.r, 'note')), '');
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(codes, titles, publishers, urls, published, notes)
                      u(code, title, publisher, url, published_on, note)
    )
    insert into parley_data.sources (code, title, publisher, url, published_on, note)
    select i.code, i.title, i.publisher, i.url, i.published_on, i.note from input i
     where not exists (select 1 from parley_data.sources s where s.code = i.code);
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, titles, publishers, urls, published, notes)
                          u(code, title, publisher, url, published_on, note)
        )
        update parley_data.sources s
           set title = i.title, publisher = i.publisher, url = i.url, published_on = i.published_on, note = i.note
          from input i
         where s.code = i.code
           and (s.title, s.publisher, s.url, s.published_on, s.note)
               is distinct from (i.title, i.publisher, i.url, i.published_on, i.note);
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

create function parley_data.import_items(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'title', 'description'];
    at_prefix text;
    rec record;
    dup record;
    v_code text;
    v_title text;
    codes text[] := '{}';
    titles text[] := '{}';
    descriptions text[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('items', base, dup, 'code', format('agenda item "%s"', dup.key));
    end if;
    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('items[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'agenda_items_code_format');
        v_title := parley_data.import_text(rec.r, 'title');
        perform parley_data.check_label('title', v_title, 'agenda_items_title_format');
        codes := codes || v_code;
        titles := titles || v_title;
        descriptions := descriptions || nullif(btrim(parley_data.import_text(rec.r, 'description')), '');
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(codes, titles, descriptions) u(code, title, description)
    )
    insert into parley_data.agenda_items (code, title, description)
    select i.code, i.title, i.description from input i
     where not exists (select 1 from parley_data.agenda_items a where a.code = i.code);
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, titles, descriptions) u(code, title, description)
        )
        update parley_data.agenda_items a set title = i.title, description = i.description
          from input i
         where a.code = i.code and (a.title, a.description) is distinct from (i.title, i.description);
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

-- Tracks, with their members and agenda. An agenda entry without status_since dates its status today when the
-- status is new or changes, as parley.set_agenda_status does.
create function parley_data.import_tracks(items jsonb, base integer)
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
    names text[] := '{}';
    track_formats parley.track_format[] := '{}';
    statuses parley.track_status[] := '{}';
    venues text[] := '{}';
    timezones text[] := '{}';
    descriptions text[] := '{}';
    classifications parley.classification[] := '{}';
    leads bigint[] := '{}';
    m_tracks text[] := '{}';
    m_parties bigint[] := '{}';
    m_roles parley.member_role[] := '{}';
    m_notes text[] := '{}';
    a_tracks text[] := '{}';
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
    for rec in
        select e.ord, e.r, t.classification as existing_level
          from jsonb_array_elements(items) with ordinality e(r, ord)
          left join parley_data.tracks t on t.code = e.r ->> 'code'
         order by e.ord
    loop
        at_prefix := format('tracks[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'tracks_code_format');
        if rec.existing_level > mine then
            perform parley_data.refuse('42501', 'code', 'within_clearance',
                format('track "%s" exists above your clearance; an import by you cannot change it', v_code),
                'Leave the track out of the document, or ask someone cleared for it to import it.');
        end if;
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
        v_lead := parley_data.import_text(rec.r, 'lead');
        v_lead_id := null;
        if v_lead is not null then
            v_lead_id := parley_data.person_id(v_lead, 'lead', active_only => true);
        end if;
        codes := codes || v_code;
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
            a_items := a_items || parley_data.item_id(v_item);
            a_statuses := a_statuses
                || coalesce(parley_data.import_choice(sub.r, 'status', agenda_statuses), 'proposed')::parley.agenda_status;
            a_since := a_since || parley_data.import_date(sub.r, 'status_since');
            a_notes := a_notes || nullif(btrim(parley_data.import_text(sub.r, 'note')), '');
        end loop;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(codes, names, track_formats, statuses, venues, timezones, descriptions, classifications, leads)
                      u(code, name, format, status, venue, timezone, description, classification, lead_id)
    )
    insert into parley_data.tracks (code, name, format, status, venue, timezone, description, classification, lead_id)
    select i.code, i.name, i.format, i.status, i.venue, i.timezone, i.description, i.classification, i.lead_id
      from input i
     where not exists (select 1 from parley_data.tracks t where t.code = i.code);
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, names, track_formats, statuses, venues, timezones, descriptions, classifications, leads)
                          u(code, name, format, status, venue, timezone, description, classification, lead_id)
        )
        update parley_data.tracks t
           set name = i.name, format = i.format, status = i.status, venue = i.venue, timezone = i.timezone,
               description = i.description, classification = i.classification, lead_id = i.lead_id
          from input i
         where t.code = i.code
           and (t.name, t.format, t.status, t.venue, t.timezone, t.description, t.classification, t.lead_id)
               is distinct from (i.name, i.format, i.status, i.venue, i.timezone, i.description, i.classification, i.lead_id);
        get diagnostics changed = row_count;
    end if;

    with input as (
        select t.id as track_id, u.party_id, u.role, u.note
          from unnest(m_tracks, m_parties, m_roles, m_notes) u(track, party_id, role, note)
          join parley_data.tracks t on t.code = u.track
    )
    insert into parley_data.track_members (track_id, party_id, role, note)
    select i.track_id, i.party_id, i.role, i.note from input i
     where not exists (select 1 from parley_data.track_members m
                        where (m.track_id, m.party_id, m.role) = (i.track_id, i.party_id, i.role));
    get diagnostics members_added = row_count;
    members_changed := 0;
    if cardinality(m_tracks) > members_added then
        with input as (
            select t.id as track_id, u.party_id, u.role, u.note
              from unnest(m_tracks, m_parties, m_roles, m_notes) u(track, party_id, role, note)
              join parley_data.tracks t on t.code = u.track
        )
        update parley_data.track_members m set note = i.note
          from input i
         where (m.track_id, m.party_id, m.role) = (i.track_id, i.party_id, i.role) and m.note is distinct from i.note;
        get diagnostics members_changed = row_count;
    end if;

    with input as (
        select t.id as track_id, u.item_id, u.status, u.status_since, u.note
          from unnest(a_tracks, a_items, a_statuses, a_since, a_notes) u(track, item_id, status, status_since, note)
          join parley_data.tracks t on t.code = u.track
    )
    insert into parley_data.track_agenda (track_id, item_id, status, status_since, note)
    select i.track_id, i.item_id, i.status, coalesce(i.status_since, current_date), i.note from input i
     where not exists (select 1 from parley_data.track_agenda a where (a.track_id, a.item_id) = (i.track_id, i.item_id));
    get diagnostics agenda_added = row_count;
    agenda_changed := 0;
    if cardinality(a_tracks) > agenda_added then
        with input as (
            select t.id as track_id, u.item_id, u.status, u.status_since, u.note
              from unnest(a_tracks, a_items, a_statuses, a_since, a_notes) u(track, item_id, status, status_since, note)
              join parley_data.tracks t on t.code = u.track
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
create function parley_data.import_meetings(items jsonb, base integer)
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
    for rec in
        select e.ord, e.r, m.track_id as existing_track, m.effective_classification as existing_level,
               m.starts_at as existing_starts, m.ends_at as existing_ends
          from jsonb_array_elements(items) with ordinality e(r, ord)
          left join parley_data.meetings m on m.code = e.r ->> 'code'
         order by e.ord
    loop
        at_prefix := format('meetings[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'meetings_code_format');
        if rec.existing_level > mine then
            perform parley_data.refuse('42501', 'code', 'within_clearance',
                format('meeting "%s" exists above your clearance; an import by you cannot change it', v_code),
                'Leave the meeting out of the document, or ask someone cleared for it to import it.');
        end if;
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
        v_source := parley_data.import_text(rec.r, 'source');
        codes := codes || v_code;
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
        select * from unnest(codes, tracks, titles, starts, ends, locations, statuses, outcomes, classifications, sources)
                      u(code, track_id, title, starts_at, ends_at, location, status, outcome, classification, source_id)
    )
    insert into parley_data.meetings (code, track_id, title, starts_at, ends_at, location, status, outcome_summary,
                                      outcome_recorded_at, classification, source_id)
    select i.code, i.track_id, i.title, i.starts_at, i.ends_at, i.location, i.status, i.outcome,
           case when i.outcome is not null then now() end, i.classification, i.source_id
      from input i
     where not exists (select 1 from parley_data.meetings m where m.code = i.code);
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, tracks, titles, starts, ends, locations, statuses, outcomes, classifications, sources)
                          u(code, track_id, title, starts_at, ends_at, location, status, outcome, classification, source_id)
        )
        update parley_data.meetings m
           set title = i.title, starts_at = i.starts_at, ends_at = i.ends_at, location = i.location, status = i.status,
               outcome_summary = i.outcome,
               outcome_recorded_at = case when i.outcome is null then null
                                          when i.outcome is distinct from m.outcome_summary then now()
                                          else m.outcome_recorded_at end,
               classification = i.classification, source_id = i.source_id
          from input i
         where m.code = i.code
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

create function parley_data.import_deals(items jsonb, base integer)
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

    with input as (
        select * from unnest(codes, titles) u(code, title)
    )
    insert into parley_data.deals (code, title)
    select i.code, i.title from input i where not exists (select 1 from parley_data.deals d where d.code = i.code);
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, titles) u(code, title)
        )
        update parley_data.deals d set title = i.title from input i where d.code = i.code and d.title <> i.title;
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

-- Commitments with their updates: the hot path of a large import. References are looked up for the whole list at
-- once (falling back to the recording functions' lookups, which refuse, on a miss); updates already recorded are
-- recognised by their content, so that only new ones are added. made_in_days and due_in_days give dates relative
-- to the day of the import, for demonstration data; they are resolved when the commitment is first recorded and
-- leave an existing commitment's dates as they are, so that importing again on another day changes nothing.
create function parley_data.import_commitments(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'track', 'item', 'meeting', 'obligor', 'beneficiaries', 'text', 'made_on',
                                    'made_in_days', 'due_on', 'due_in_days', 'target_quantity', 'unit', 'deal',
                                    'owner', 'classification', 'source', 'updates'];
    update_fields constant text[] := array['reported_on', 'delivered', 'new_status', 'reopen', 'note', 'source',
                                           'reported_by', 'verification', 'recorded_by'];
    levels constant text[] := enum_range(null::parley.classification)::text[];
    commitment_statuses constant text[] := enum_range(null::parley.commitment_status)::text[];
    verifications constant text[] := enum_range(null::parley.verification)::text[];
    transitions constant text[] := array(select t.from_status || '>' || t.to_status from parley_data.commitment_transitions t);
    mine constant parley.classification := parley_data.session_clearance();
    track_ids jsonb;
    item_ids jsonb;
    party_ids jsonb;
    person_ids jsonb;
    source_ids jsonb;
    meeting_ids jsonb;
    on_agenda jsonb;
    deal_sides jsonb;
    at_prefix text;
    rec record;
    dup record;
    prefix text;
    update_list jsonb;
    list jsonb;
    fast boolean;
    first_suspect bigint;
    u jsonb;
    k integer;
    nth integer;
    date_order integer[];
    v_code text;
    v_track text;
    v_track_id bigint;
    v_item text;
    v_item_id bigint;
    v_obligor text;
    v_obligor_id bigint;
    v_beneficiaries text[];
    v_beneficiary_ids bigint[];
    v_party_id bigint;
    v_text text;
    v_made date;
    v_made_days integer;
    v_due date;
    v_due_days integer;
    v_target numeric;
    v_unit text;
    v_deal text;
    v_owner text;
    v_owner_id bigint;
    v_classification text;
    v_source text;
    v_source_id bigint;
    v_meeting text;
    v_meeting_id bigint;
    v_meeting_track bigint;
    u_reported date;
    u_delivered numeric;
    u_status text;
    u_reopen boolean;
    u_note text;
    u_verification text;
    u_source_id bigint;
    u_party_id bigint;
    u_person_id bigint;
    u_fingerprint text;
    recorded jsonb;
    recorded_updates jsonb;
    status_now text;
    new_dates date[];
    new_statuses text[];
    new_reopens boolean[];
    new_paths text[];
    sorted boolean;
    j integer;
    codes text[] := '{}';
    exists_already boolean[] := '{}';
    tracks bigint[] := '{}';
    agenda_items bigint[] := '{}';
    meetings bigint[] := '{}';
    obligors bigint[] := '{}';
    deals text[] := '{}';
    texts text[] := '{}';
    made_dates date[] := '{}';
    due_dates date[] := '{}';
    targets numeric[] := '{}';
    units text[] := '{}';
    owners bigint[] := '{}';
    classifications parley.classification[] := '{}';
    sources bigint[] := '{}';
    b_codes text[] := '{}';
    b_obligors bigint[] := '{}';
    b_parties bigint[] := '{}';
    u_codes text[] := '{}';
    u_order integer[] := '{}';
    u_dates date[] := '{}';
    u_delivered_all numeric[] := '{}';
    u_statuses parley.commitment_status[] := '{}';
    u_reopens boolean[] := '{}';
    u_notes text[] := '{}';
    u_sources bigint[] := '{}';
    u_parties bigint[] := '{}';
    u_people bigint[] := '{}';
    u_verifications parley.verification[] := '{}';
    added integer;
    changed integer;
    updates_added integer;
    beneficiaries_added integer;
    updates_total integer := 0;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('commitments', base, dup, 'code', format('commitment "%s"', dup.key));
    end if;
    select * into dup from parley_data.import_duplicate(items,
        'case when e.r ->> ''deal'' is not null then (e.r ->> ''deal'') || '' by '' || (e.r ->> ''obligor'') end');
    if found then
        perform parley_data.refuse_duplicate('commitments', base, dup, 'deal',
            format('a commitment of deal %s', dup.key));
    end if;

    select jsonb_object_agg(t.code, t.id) into track_ids from parley_data.tracks t
     where t.code = any (parley_data.import_codes(items, 'track')) and t.classification <= mine;
    select jsonb_object_agg(i.code, i.id) into item_ids from parley_data.agenda_items i
     where i.code = any (parley_data.import_codes(items, 'item'));
    select jsonb_object_agg(p.code, p.id) into party_ids from parley_data.parties p
     where p.code = any (parley_data.import_codes(items, 'obligor')
                         || array(select distinct b.code from jsonb_array_elements(items) e(r),
                                         jsonb_array_elements_text(case jsonb_typeof(e.r -> 'beneficiaries')
                                                                       when 'array' then e.r -> 'beneficiaries'
                                                                       else '[]' end) b(code))
                         || array(select distinct u.r ->> 'reported_by' from jsonb_array_elements(items) e(r),
                                         jsonb_array_elements(case jsonb_typeof(e.r -> 'updates')
                                                                  when 'array' then e.r -> 'updates' else '[]' end) u(r)));
    select jsonb_object_agg(lower(p.email), p.id) into person_ids from parley_data.people p
     where p.active and lower(p.email) = any (array(select lower(c) from unnest(parley_data.import_codes(items, 'owner')) c));
    select jsonb_object_agg(s.code, s.id) into source_ids from parley_data.sources s
     where s.code = any (parley_data.import_codes(items, 'source')
                         || array(select distinct u.r ->> 'source' from jsonb_array_elements(items) e(r),
                                         jsonb_array_elements(case jsonb_typeof(e.r -> 'updates')
                                                                  when 'array' then e.r -> 'updates' else '[]' end) u(r)));
    select jsonb_object_agg(m.code, jsonb_build_array(m.id, m.track_id)) into meeting_ids from parley_data.meetings m
     where m.code = any (parley_data.import_codes(items, 'meeting')) and m.effective_classification <= mine;
    select jsonb_object_agg(t.code || '/' || i.code, true) into on_agenda
      from parley_data.track_agenda a
      join parley_data.tracks t on t.id = a.track_id
      join parley_data.agenda_items i on i.id = a.item_id
     where t.code = any (parley_data.import_codes(items, 'track'));
    select jsonb_object_agg(d.code || '/' || c.obligor_id, c.code) into deal_sides
      from parley_data.deals d join parley_data.commitments c on c.deal_id = d.id
     where d.code = any (parley_data.import_codes(items, 'deal'));
    -- The updates recorded already for the commitments of this list, by commitment and content, with how many
    -- times each: an update in the document that matches one of them is not added again.
    select jsonb_object_agg(r.commitment_id::text, r.fingerprints) into recorded_updates
      from (select f.commitment_id, jsonb_object_agg(f.fingerprint, f.n) as fingerprints
              from (select u.commitment_id,
                           jsonb_build_array(u.reported_on, trim_scale(u.delivered_quantity), u.new_status, u.reopen,
                                             u.note, u.source_id, u.reported_by_party_id, u.recorded_by_id,
                                             u.verification)::text as fingerprint,
                           count(*) as n
                      from parley_data.commitment_updates u
                      join parley_data.commitments c on c.id = u.commitment_id
                     where c.code = any (parley_data.import_codes(items, 'code'))
                     group by 1, 2) f
             group by f.commitment_id) r;
    track_ids := coalesce(track_ids, '{}'); item_ids := coalesce(item_ids, '{}');
    party_ids := coalesce(party_ids, '{}'); person_ids := coalesce(person_ids, '{}');
    source_ids := coalesce(source_ids, '{}'); meeting_ids := coalesce(meeting_ids, '{}');
    on_agenda := coalesce(on_agenda, '{}'); deal_sides := coalesce(deal_sides, '{}');
    recorded_updates := coalesce(recorded_updates, '{}');

    -- The fast path: a set-based look over the whole list first. Records before the first one that might be of
    -- the wrong shape (a field unknown, a date or number unreadable, a word not in its list) are read with plain
    -- casts; from that record on, the field readers above are used, which refuse with the field's name.
    select min(e.ord) into first_suspect
      from jsonb_array_elements(items) with ordinality e(r, ord)
     where jsonb_typeof(e.r) is distinct from 'object'
        or (e.r - fields) <> '{}'
        or jsonb_path_exists(e.r - array['beneficiaries', 'updates'], '$.* ? (@.type() == "object" || @.type() == "array")')
        or not parley_data.import_date_ok(e.r -> 'made_on')
        or not parley_data.import_date_ok(e.r -> 'due_on')
        or not parley_data.import_days_ok(e.r -> 'made_in_days')
        or not parley_data.import_days_ok(e.r -> 'due_in_days')
        or not parley_data.import_number_ok(e.r -> 'target_quantity')
        or coalesce(e.r ->> 'classification', 'unclassified') <> all (levels)
        or coalesce(jsonb_typeof(e.r -> 'beneficiaries'), 'null') not in ('array', 'string', 'null')
        or jsonb_path_exists(e.r, '$.beneficiaries[*] ? (@.type() != "string" && @.type() != "number")')
        or coalesce(jsonb_typeof(e.r -> 'updates'), 'null') not in ('array', 'null')
        or exists (select 1
                     from jsonb_array_elements(case jsonb_typeof(e.r -> 'updates') when 'array' then e.r -> 'updates'
                                                                                     else '[]' end) x(u)
                    where jsonb_typeof(x.u) <> 'object'
                       or (x.u - update_fields) <> '{}'
                       or jsonb_path_exists(x.u, '$.* ? (@.type() == "object" || @.type() == "array")')
                       or not parley_data.import_date_ok(x.u -> 'reported_on')
                       or not parley_data.import_number_ok(x.u -> 'delivered')
                       or coalesce(x.u ->> 'new_status', 'pending') <> all (commitment_statuses)
                       or coalesce(x.u ->> 'verification', 'unverified') <> all (verifications)
                       or coalesce(jsonb_typeof(x.u -> 'reopen'), 'null') not in ('boolean', 'null'));
    first_suspect := coalesce(first_suspect, 9223372036854775807);

    for rec in
        select e.ord, e.r, c.id as existing_id, c.track_id as existing_track, c.item_id as existing_item,
               c.obligor_id as existing_obligor, d.code as existing_deal, c.made_on as existing_made,
               c.due_on as existing_due, c.status::text as existing_status,
               c.effective_classification as existing_level
          from jsonb_array_elements(items) with ordinality e(r, ord)
          left join parley_data.commitments c on c.code = e.r ->> 'code'
          left join parley_data.deals d on d.id = c.deal_id
         order by e.ord
    loop
        prefix := 'commitments[' || (base + rec.ord - 1) || '].';
        at_prefix := prefix;
        fast := rec.ord < first_suspect;
        if not fast then
            perform parley_data.import_fields(rec.r, fields);
        end if;
        v_code := case when fast then rec.r ->> 'code' else parley_data.import_text(rec.r, 'code') end;
        if v_code is null or not parley_data.is_code(v_code) then
            perform parley_data.check_code('code', v_code, 'commitments_code_format');
        end if;
        if rec.existing_level > mine then
            perform parley_data.refuse('42501', 'code', 'within_clearance',
                format('commitment "%s" exists above your clearance; an import by you cannot change it', v_code),
                'Leave the commitment out of the document, or ask someone cleared for it to import it.');
        end if;

        v_track := case when fast then rec.r ->> 'track' else parley_data.import_text(rec.r, 'track') end;
        v_track_id := coalesce((track_ids ->> v_track)::bigint, parley_data.track_id(v_track));
        v_item := case when fast then rec.r ->> 'item' else parley_data.import_text(rec.r, 'item') end;
        v_item_id := coalesce((item_ids ->> v_item)::bigint, parley_data.item_id(v_item));
        if not on_agenda ? (v_track || '/' || v_item) then
            perform parley_data.refuse('23503', 'item', 'commitments_on_track_agenda',
                format('agenda item "%s" is not on the agenda of track "%s"', v_item, v_track),
                'Put it on the track''s agenda first: list it under the track''s agenda in the document.');
        end if;
        v_obligor := case when fast then rec.r ->> 'obligor' else parley_data.import_text(rec.r, 'obligor') end;
        v_obligor_id := coalesce((party_ids ->> v_obligor)::bigint, parley_data.party_id(v_obligor, 'obligor'));

        if fast then
            list := rec.r -> 'beneficiaries';
            if jsonb_typeof(list) = 'string' then
                v_beneficiaries := array[list #>> '{}'];
            else
                v_beneficiaries := '{}';
                for k in 0 .. coalesce(jsonb_array_length(list), 0) - 1 loop
                    v_beneficiaries := v_beneficiaries || (list ->> k);
                end loop;
            end if;
        else
            v_beneficiaries := parley_data.import_text_list(rec.r, 'beneficiaries');
        end if;
        if coalesce(cardinality(v_beneficiaries), 0) = 0 then
            perform parley_data.require('beneficiaries', false);
        end if;
        v_beneficiary_ids := '{}';
        for j in 1 .. cardinality(v_beneficiaries) loop
            v_party_id := coalesce((party_ids ->> v_beneficiaries[j])::bigint,
                                   parley_data.party_id(v_beneficiaries[j], format('beneficiaries[%s]', j - 1)));
            if v_party_id = v_obligor_id then
                perform parley_data.refuse('23514', format('beneficiaries[%s]', j - 1), 'commitment_beneficiaries_not_obligor',
                    format('beneficiary "%s" is the obligor: a party cannot owe a commitment to itself', v_obligor),
                    'Name the parties the commitment is owed to, other than the obligor.');
            end if;
            if v_party_id <> all (v_beneficiary_ids) then
                v_beneficiary_ids := v_beneficiary_ids || v_party_id;
                b_codes := b_codes || v_code;
                b_obligors := b_obligors || v_obligor_id;
                b_parties := b_parties || v_party_id;
            end if;
        end loop;

        v_text := case when fast then rec.r ->> 'text' else parley_data.import_text(rec.r, 'text') end;
        if nullif(btrim(v_text), '') is null then
            perform parley_data.require('text', false);
        end if;

        v_made := case when fast then (rec.r ->> 'made_on')::date else parley_data.import_date(rec.r, 'made_on') end;
        v_made_days := case when fast then (rec.r ->> 'made_in_days')::integer
                            else parley_data.import_days(rec.r, 'made_in_days') end;
        if v_made is not null and v_made_days is not null then
            perform parley_data.refuse('22023', 'made_in_days', 'import_one_date',
                'give made_on or made_in_days, not both', 'made_in_days counts from the day of the import; made_on is a date.');
        end if;
        if v_made_days is not null then
            v_made := coalesce(rec.existing_made, current_date + v_made_days);
        end if;
        if v_made is null then
            perform parley_data.require('made_on', false);
        end if;
        v_due := case when fast then (rec.r ->> 'due_on')::date else parley_data.import_date(rec.r, 'due_on') end;
        v_due_days := case when fast then (rec.r ->> 'due_in_days')::integer
                           else parley_data.import_days(rec.r, 'due_in_days') end;
        if v_due is not null and v_due_days is not null then
            perform parley_data.refuse('22023', 'due_in_days', 'import_one_date',
                'give due_on or due_in_days, not both', 'due_in_days counts from the day of the import; due_on is a date.');
        end if;
        if v_due_days is not null then
            v_due := case when rec.existing_id is not null then rec.existing_due else current_date + v_due_days end;
        end if;
        if v_due < v_made then
            perform parley_data.check_due_on(v_due, v_made);
        end if;

        v_target := case when fast then (rec.r ->> 'target_quantity')::numeric
                         else parley_data.import_numeric(rec.r, 'target_quantity') end;
        if v_target <= 0 then
            perform parley_data.refuse('23514', 'target_quantity', 'commitments_target_positive',
                format('target_quantity %s is not positive', v_target),
                'Give the quantity promised (more than zero), or leave it out when nothing is counted.');
        end if;
        v_unit := nullif(btrim(case when fast then rec.r ->> 'unit' else parley_data.import_text(rec.r, 'unit') end), '');
        if v_unit is not null and not parley_data.is_label(v_unit) then
            perform parley_data.check_optional_label('unit', v_unit, 'commitments_unit_format');
        end if;
        if v_unit is not null and v_target is null then
            perform parley_data.refuse('23514', 'unit', 'commitments_unit_with_target',
                format('unit "%s" is given without a target_quantity', v_unit), 'Give target_quantity too, or leave unit out.');
        end if;

        v_deal := case when fast then rec.r ->> 'deal' else parley_data.import_text(rec.r, 'deal') end;
        if v_deal is not null then
            if not parley_data.is_code(v_deal) then
                perform parley_data.check_code('deal', v_deal, 'deals_code_format');
            end if;
            if deal_sides ->> (v_deal || '/' || v_obligor_id) is distinct from v_code
               and deal_sides ? (v_deal || '/' || v_obligor_id) then
                perform parley_data.refuse('23505', 'deal', 'commitments_one_per_obligor_in_deal',
                    format('deal "%s" already has a commitment by %s (%s)', v_deal, v_obligor,
                           deal_sides ->> (v_deal || '/' || v_obligor_id)),
                    'A deal has one commitment per obligor.');
            end if;
        end if;

        v_owner := case when fast then rec.r ->> 'owner' else parley_data.import_text(rec.r, 'owner') end;
        v_owner_id := null;
        if v_owner is not null then
            v_owner_id := coalesce((person_ids ->> lower(v_owner))::bigint,
                                   parley_data.person_id(v_owner, 'owner', active_only => true));
        end if;
        v_classification := coalesce(case when fast then rec.r ->> 'classification'
                                          else parley_data.import_choice(rec.r, 'classification', levels) end,
                                     'unclassified');
        if v_classification::parley.classification > mine then
            perform parley_data.check_clearance('classification', v_classification::parley.classification);
        end if;
        v_source := case when fast then rec.r ->> 'source' else parley_data.import_text(rec.r, 'source') end;
        v_source_id := null;
        if v_source is not null then
            v_source_id := coalesce((source_ids ->> v_source)::bigint, parley_data.source_id(v_source));
        end if;
        v_meeting := case when fast then rec.r ->> 'meeting' else parley_data.import_text(rec.r, 'meeting') end;
        v_meeting_id := null;
        if v_meeting is not null then
            v_meeting_id := (meeting_ids -> v_meeting ->> 0)::bigint;
            v_meeting_track := (meeting_ids -> v_meeting ->> 1)::bigint;
            if v_meeting_id is null then
                v_meeting_id := parley_data.meeting_id(v_meeting);
                select m.track_id into v_meeting_track from parley_data.meetings m where m.id = v_meeting_id;
            end if;
            if v_meeting_track <> v_track_id then
                perform parley_data.refuse('23503', 'meeting', 'commitments_meeting_on_track',
                    format('meeting "%s" is not a meeting of track "%s"', v_meeting, v_track),
                    'Name a meeting of the same track, or leave meeting out.');
            end if;
        end if;

        -- What an import does not change about a recorded commitment.
        if rec.existing_id is not null then
            if rec.existing_track <> v_track_id then
                perform parley_data.refuse('23514', 'track', 'import_keeps_commitment',
                    format('commitment "%s" is recorded on track "%s"; an import does not move it', v_code,
                           (select t.code from parley_data.tracks t where t.id = rec.existing_track)),
                    'Give the recorded value, or record a new commitment under another code.');
            elsif rec.existing_item <> v_item_id then
                perform parley_data.refuse('23514', 'item', 'import_keeps_commitment',
                    format('commitment "%s" is recorded about item "%s"; an import does not change that', v_code,
                           (select i.code from parley_data.agenda_items i where i.id = rec.existing_item)),
                    'Give the recorded value, or record a new commitment under another code.');
            elsif rec.existing_obligor <> v_obligor_id then
                perform parley_data.refuse('23514', 'obligor', 'import_keeps_commitment',
                    format('commitment "%s" is recorded as owed by "%s"; an import does not change its obligor', v_code,
                           (select p.code from parley_data.parties p where p.id = rec.existing_obligor)),
                    'Give the recorded value, or record a new commitment under another code.');
            elsif rec.existing_deal is distinct from v_deal then
                perform parley_data.refuse('23514', 'deal', 'import_keeps_commitment',
                    format('commitment "%s" is recorded in deal %s; an import does not change its deal', v_code,
                           coalesce('"' || rec.existing_deal || '"', '(none)')),
                    'Give the recorded value, or record a new commitment under another code.');
            elsif rec.existing_made <> v_made then
                perform parley_data.refuse('23514', 'made_on', 'import_keeps_commitment',
                    format('commitment "%s" is recorded as made on %s; an import does not change that', v_code,
                           rec.existing_made),
                    'Give the recorded value, or record a new commitment under another code.');
            end if;
        end if;

        codes := codes || v_code;
        exists_already := exists_already || (rec.existing_id is not null);
        tracks := tracks || v_track_id;
        agenda_items := agenda_items || v_item_id;
        meetings := meetings || v_meeting_id;
        obligors := obligors || v_obligor_id;
        deals := deals || v_deal;
        texts := texts || v_text;
        made_dates := made_dates || v_made;
        due_dates := due_dates || v_due;
        targets := targets || v_target;
        units := units || v_unit;
        owners := owners || v_owner_id;
        classifications := classifications || v_classification::parley.classification;
        sources := sources || v_source_id;

        -- Updates: checked as parley.record_update checks them; those recorded already are recognised by content.
        at_prefix := prefix;
        update_list := case when fast then coalesce(rec.r -> 'updates', '[]') else parley_data.import_list(rec.r, 'updates') end;
        update_list := case when jsonb_typeof(update_list) = 'null' then '[]' else update_list end;
        continue when jsonb_array_length(update_list) = 0;
        recorded := coalesce(recorded_updates -> rec.existing_id::text, '{}');
        new_dates := '{}'; new_statuses := '{}'; new_reopens := '{}'; new_paths := '{}';
        sorted := true;
        for k in 0 .. jsonb_array_length(update_list) - 1 loop
            u := update_list -> k;
            at_prefix := prefix || 'updates[' || k || '].';
            updates_total := updates_total + 1;
            if not fast then
                perform parley_data.import_fields(u, update_fields);
            end if;
            u_reported := case when fast then (u ->> 'reported_on')::date else parley_data.import_date(u, 'reported_on') end;
            if u_reported is null then
                perform parley_data.require('reported_on', false);
            end if;
            if u_reported < v_made then
                perform parley_data.refuse('23514', 'reported_on', 'reported_after_made',
                    format('reported_on %s is before the commitment was made (%s)', u_reported, v_made),
                    'Check the date of the report.');
            end if;
            u_delivered := case when fast then (u ->> 'delivered')::numeric else parley_data.import_numeric(u, 'delivered') end;
            if u_delivered < 0 then
                perform parley_data.refuse('23514', 'delivered', 'commitment_updates_delivered_not_negative',
                    format('delivered %s is negative', u_delivered),
                    'Give what was delivered in this stage (zero or more).');
            end if;
            u_status := case when fast then u ->> 'new_status' else parley_data.import_choice(u, 'new_status', commitment_statuses) end;
            u_reopen := coalesce(case when fast then (u ->> 'reopen')::boolean else parley_data.import_bool(u, 'reopen') end, false);
            u_note := nullif(btrim(case when fast then u ->> 'note' else parley_data.import_text(u, 'note') end), '');
            if u_reopen then
                perform parley_data.require('new_status', u_status is not null);
                perform parley_data.require('note', u_note is not null);
            end if;
            if u_delivered is null and u_status is null and u_note is null then
                perform parley_data.refuse('23514', 'delivered', 'commitment_updates_says_something',
                    'an update must say something: delivered, new_status or note',
                    'Give a delivered quantity, a new status, or a note.');
            end if;
            u_verification := coalesce(case when fast then u ->> 'verification'
                                            else parley_data.import_choice(u, 'verification', verifications) end,
                                       'unverified');
            v_source := case when fast then u ->> 'source' else parley_data.import_text(u, 'source') end;
            u_source_id := null;
            if v_source is not null then
                u_source_id := coalesce((source_ids ->> v_source)::bigint, parley_data.source_id(v_source));
            end if;
            v_obligor := case when fast then u ->> 'reported_by' else parley_data.import_text(u, 'reported_by') end;
            u_party_id := null;
            if v_obligor is not null then
                u_party_id := coalesce((party_ids ->> v_obligor)::bigint, parley_data.party_id(v_obligor, 'reported_by'));
            end if;
            v_owner := case when fast then u ->> 'recorded_by' else parley_data.import_text(u, 'recorded_by') end;
            u_person_id := null;
            if v_owner is not null then
                u_person_id := parley_data.person_id(v_owner, 'recorded_by');
            end if;
            u_fingerprint := jsonb_build_array(u_reported, trim_scale(u_delivered), u_status, u_reopen, u_note,
                                               u_source_id, u_party_id, u_person_id, u_verification)::text;
            if coalesce((recorded ->> u_fingerprint)::integer, 0) > 0 then
                recorded := jsonb_set(recorded, array[u_fingerprint], to_jsonb((recorded ->> u_fingerprint)::integer - 1));
                continue;
            end if;
            if cardinality(new_dates) > 0 and u_reported < new_dates[cardinality(new_dates)] then
                sorted := false;
            end if;
            new_dates := new_dates || u_reported;
            new_statuses := new_statuses || u_status;
            new_reopens := new_reopens || u_reopen;
            new_paths := new_paths || (at_prefix || 'new_status');
            u_codes := u_codes || v_code;
            u_order := u_order || k;
            u_dates := u_dates || u_reported;
            u_delivered_all := u_delivered_all || u_delivered;
            u_statuses := u_statuses || u_status::parley.commitment_status;
            u_reopens := u_reopens || u_reopen;
            u_notes := u_notes || u_note;
            u_sources := u_sources || u_source_id;
            u_parties := u_parties || u_party_id;
            u_people := u_people || u_person_id;
            u_verifications := u_verifications || u_verification::parley.verification;
        end loop;

        -- The new updates take effect in date order (the order parley.record_update would have seen them in):
        -- each status change must be allowed from the one before, unless it reopens.
        status_now := coalesce(rec.existing_status, 'pending');
        if not sorted then
            date_order := array(select s.ord from unnest(new_dates) with ordinality s(reported_on, ord)
                                 order by s.reported_on, s.ord);
        end if;
        for nth in 1 .. cardinality(new_dates) loop
            j := case when sorted then nth else date_order[nth] end;
            if new_statuses[j] is not null and new_statuses[j] <> status_now and not new_reopens[j]
               and (status_now || '>' || new_statuses[j]) <> all (transitions) then
                at_prefix := left(new_paths[j], length(new_paths[j]) - length('new_status'));
                perform parley_data.refuse('23514', 'new_status', 'commitment_status_transition',
                    format('new_status %s needs a reopen: commitment "%s" is %s by then', new_statuses[j], v_code, status_now),
                    'Leaving fulfilled, withdrawn or superseded, or going back to pending, is a reopen: say reopen: true and why in note.');
            end if;
            status_now := coalesce(new_statuses[j], status_now);
        end loop;
    end loop;
    at_prefix := null;

    insert into parley_data.deals (code, title)
    select distinct d.code, d.code from unnest(deals) d(code)
     where d.code is not null and not exists (select 1 from parley_data.deals x where x.code = d.code);

    with input as (
        select * from unnest(codes, exists_already, tracks, agenda_items, meetings, obligors, deals, texts, made_dates,
                             due_dates, targets, units, owners, classifications, sources)
                      with ordinality u(code, exists_already, track_id, item_id, meeting_id, obligor_id, deal, text,
                                        made_on, due_on, target_quantity, unit, owner_id, classification,
                                        source_id, ord)
    )
    insert into parley_data.commitments
           (code, track_id, item_id, meeting_id, obligor_id, deal_id, text, made_on, due_on, target_quantity, unit,
            owner_id, classification, source_id)
    select i.code, i.track_id, i.item_id, i.meeting_id, i.obligor_id, d.id, i.text, i.made_on, i.due_on,
           i.target_quantity, i.unit, i.owner_id, i.classification, i.source_id
      from input i left join parley_data.deals d on d.code = i.deal
     where not i.exists_already
     order by i.ord;
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, exists_already, tracks, agenda_items, meetings, obligors, deals, texts, made_dates,
                                 due_dates, targets, units, owners, classifications, sources)
                          with ordinality u(code, exists_already, track_id, item_id, meeting_id, obligor_id, deal, text,
                                            made_on, due_on, target_quantity, unit, owner_id, classification,
                                            source_id, ord)
        )
        update parley_data.commitments c
           set text = i.text, due_on = i.due_on, target_quantity = i.target_quantity, unit = i.unit,
               owner_id = i.owner_id, classification = i.classification, source_id = i.source_id,
               meeting_id = i.meeting_id
          from input i
         where i.exists_already and c.code = i.code
           and (c.text, c.due_on, c.target_quantity, c.unit, c.owner_id, c.classification, c.source_id, c.meeting_id)
               is distinct from (i.text, i.due_on, i.target_quantity, i.unit, i.owner_id, i.classification, i.source_id,
                                 i.meeting_id);
        get diagnostics changed = row_count;
    end if;

    insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id)
    select c.id, b.obligor_id, b.party_id
      from unnest(b_codes, b_obligors, b_parties) b(code, obligor_id, party_id)
      join parley_data.commitments c on c.code = b.code
    on conflict do nothing;
    get diagnostics beneficiaries_added = row_count;

    insert into parley_data.commitment_updates
           (commitment_id, reported_on, delivered_quantity, new_status, reopen, note, source_id, reported_by_party_id,
            recorded_by_id, verification)
    select c.id, u.reported_on, u.delivered, u.new_status, u.reopen, u.note, u.source_id, u.party_id, u.person_id,
           u.verification
      from unnest(u_codes, u_order, u_dates, u_delivered_all, u_statuses, u_reopens, u_notes, u_sources, u_parties,
                  u_people, u_verifications)
           with ordinality u(code, update_ord, reported_on, delivered, new_status, reopen, note, source_id, party_id,
                             person_id, verification, ord)
      join parley_data.commitments c on c.code = u.code
     order by u.code, u.reported_on, u.update_ord;
    get diagnostics updates_added = row_count;

    -- Codes such as C17 name commitments recorded without a code by their number; keep future numbers clear of
    -- the ones this document brought in.
    perform setval(pg_get_serial_sequence('parley_data.commitments', 'id'),
                   greatest(n, coalesce(pg_sequence_last_value(pg_get_serial_sequence('parley_data.commitments', 'id')::regclass), 1)))
       from (select max(substr(c, 2)::bigint) as n from unnest(codes) c where c ~ '^C[0-9]{1,18}$') m
      where m.n is not null;

    return jsonb_build_object(
        'commitments', parley_data.import_counts(cardinality(codes), added, changed),
        'updates', parley_data.import_counts(updates_total, updates_added, 0));
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

create function parley_data.import_positions(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['party', 'item', 'track', 'stance', 'stated_on', 'statement', 'source', 'classification'];
    stances constant text[] := enum_range(null::parley.stance)::text[];
    levels constant text[] := enum_range(null::parley.classification)::text[];
    mine constant parley.classification := parley_data.session_clearance();
    track_ids jsonb;
    item_ids jsonb;
    party_ids jsonb;
    source_ids jsonb;
    at_prefix text;
    rec record;
    dup record;
    v_value text;
    v_stance text;
    v_stated date;
    v_classification text;
    parties bigint[] := '{}';
    agenda_items bigint[] := '{}';
    tracks bigint[] := '{}';
    position_stances parley.stance[] := '{}';
    stated date[] := '{}';
    statements text[] := '{}';
    sources bigint[] := '{}';
    classifications parley.classification[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items,
        'concat_ws(''/'', e.r ->> ''party'', e.r ->> ''item'', coalesce(e.r ->> ''track'', ''-''), e.r ->> ''stated_on'')');
    if found then
        perform parley_data.refuse_duplicate('positions', base, dup, 'stated_on',
            format('the position %s (party/item/track/stated_on)', dup.key));
    end if;
    select jsonb_object_agg(t.code, t.id) into track_ids from parley_data.tracks t
     where t.code = any (parley_data.import_codes(items, 'track')) and t.classification <= mine;
    select jsonb_object_agg(i.code, i.id) into item_ids from parley_data.agenda_items i
     where i.code = any (parley_data.import_codes(items, 'item'));
    select jsonb_object_agg(p.code, p.id) into party_ids from parley_data.parties p
     where p.code = any (parley_data.import_codes(items, 'party'));
    select jsonb_object_agg(s.code, s.id) into source_ids from parley_data.sources s
     where s.code = any (parley_data.import_codes(items, 'source'));
    track_ids := coalesce(track_ids, '{}'); item_ids := coalesce(item_ids, '{}');
    party_ids := coalesce(party_ids, '{}'); source_ids := coalesce(source_ids, '{}');

    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('positions[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_value := parley_data.import_text(rec.r, 'party');
        parties := parties || coalesce((party_ids ->> v_value)::bigint, parley_data.party_id(v_value));
        v_value := parley_data.import_text(rec.r, 'item');
        agenda_items := agenda_items || coalesce((item_ids ->> v_value)::bigint, parley_data.item_id(v_value));
        v_value := parley_data.import_text(rec.r, 'track');
        tracks := tracks || case when v_value is not null
                                 then coalesce((track_ids ->> v_value)::bigint, parley_data.track_id(v_value)) end;
        v_stance := parley_data.import_choice(rec.r, 'stance', stances);
        perform parley_data.require('stance', v_stance is not null);
        v_stated := parley_data.import_date(rec.r, 'stated_on');
        perform parley_data.require('stated_on', v_stated is not null);
        v_value := parley_data.import_text(rec.r, 'source');
        sources := sources || case when v_value is not null
                                   then coalesce((source_ids ->> v_value)::bigint, parley_data.source_id(v_value)) end;
        v_classification := coalesce(parley_data.import_choice(rec.r, 'classification', levels), 'unclassified');
        perform parley_data.check_clearance('classification', v_classification::parley.classification);
        position_stances := position_stances || v_stance::parley.stance;
        stated := stated || v_stated;
        statements := statements || nullif(btrim(parley_data.import_text(rec.r, 'statement')), '');
        classifications := classifications || v_classification::parley.classification;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(parties, agenda_items, tracks, position_stances, stated, statements, sources, classifications)
                      u(party_id, item_id, track_id, stance, stated_on, statement, source_id, classification)
    ), upserted as (
        insert into parley_data.positions as p
               (party_id, item_id, track_id, stance, statement, stated_on, source_id, classification)
        select i.party_id, i.item_id, i.track_id, i.stance, i.statement, i.stated_on, i.source_id, i.classification
          from input i
        on conflict on constraint positions_natural_key do update
           set stance = excluded.stance, statement = excluded.statement, source_id = excluded.source_id,
               classification = excluded.classification
         where (p.stance, p.statement, p.source_id, p.classification)
               is distinct from (excluded.stance, excluded.statement, excluded.source_id, excluded.classification)
        returning (p.xmax = 0) as inserted
    )
    select count(*) filter (where inserted), count(*) filter (where not inserted) into added, changed from upserted;
    return parley_data.import_counts(cardinality(parties), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

create function parley_data.import_figures(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['indicator', 'item', 'value', 'unit', 'as_of', 'claimant', 'source', 'confidence',
                                    'note', 'classification'];
    confidences constant text[] := enum_range(null::parley.confidence)::text[];
    levels constant text[] := enum_range(null::parley.classification)::text[];
    item_ids jsonb;
    party_ids jsonb;
    source_ids jsonb;
    at_prefix text;
    rec record;
    dup record;
    v_value text;
    v_number numeric;
    v_as_of date;
    v_unit text;
    v_classification text;
    indicators text[] := '{}';
    agenda_items bigint[] := '{}';
    figure_values numeric[] := '{}';
    units text[] := '{}';
    as_of_dates date[] := '{}';
    claimants bigint[] := '{}';
    sources bigint[] := '{}';
    figure_confidences parley.confidence[] := '{}';
    notes text[] := '{}';
    classifications parley.classification[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items,
        'concat_ws(''/'', e.r ->> ''indicator'', coalesce(e.r ->> ''claimant'', ''-''), coalesce(e.r ->> ''source'', ''-''), e.r ->> ''as_of'')');
    if found then
        perform parley_data.refuse_duplicate('figures', base, dup, 'as_of',
            format('the figure %s (indicator/claimant/source/as_of)', dup.key));
    end if;
    select jsonb_object_agg(i.code, i.id) into item_ids from parley_data.agenda_items i
     where i.code = any (parley_data.import_codes(items, 'item'));
    select jsonb_object_agg(p.code, p.id) into party_ids from parley_data.parties p
     where p.code = any (parley_data.import_codes(items, 'claimant'));
    select jsonb_object_agg(s.code, s.id) into source_ids from parley_data.sources s
     where s.code = any (parley_data.import_codes(items, 'source'));
    item_ids := coalesce(item_ids, '{}'); party_ids := coalesce(party_ids, '{}'); source_ids := coalesce(source_ids, '{}');

    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('figures[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_value := parley_data.import_text(rec.r, 'indicator');
        perform parley_data.check_code('indicator', v_value, 'figures_indicator_format');
        indicators := indicators || v_value;
        v_number := parley_data.import_numeric(rec.r, 'value');
        perform parley_data.require('value', v_number is not null);
        figure_values := figure_values || v_number;
        v_as_of := parley_data.import_date(rec.r, 'as_of');
        perform parley_data.require('as_of', v_as_of is not null);
        as_of_dates := as_of_dates || v_as_of;
        v_unit := parley_data.import_text(rec.r, 'unit');
        perform parley_data.check_optional_label('unit', v_unit, 'figures_unit_format');
        units := units || nullif(btrim(v_unit), '');
        v_value := parley_data.import_text(rec.r, 'item');
        agenda_items := agenda_items || case when v_value is not null
                                             then coalesce((item_ids ->> v_value)::bigint, parley_data.item_id(v_value)) end;
        v_value := parley_data.import_text(rec.r, 'claimant');
        claimants := claimants || case when v_value is not null
                                       then coalesce((party_ids ->> v_value)::bigint, parley_data.party_id(v_value, 'claimant')) end;
        v_value := parley_data.import_text(rec.r, 'source');
        sources := sources || case when v_value is not null
                                   then coalesce((source_ids ->> v_value)::bigint, parley_data.source_id(v_value)) end;
        figure_confidences := figure_confidences
            || coalesce(parley_data.import_choice(rec.r, 'confidence', confidences), 'reported')::parley.confidence;
        notes := notes || nullif(btrim(parley_data.import_text(rec.r, 'note')), '');
        v_classification := coalesce(parley_data.import_choice(rec.r, 'classification', levels), 'unclassified');
        perform parley_data.check_clearance('classification', v_classification::parley.classification);
        classifications := classifications || v_classification::parley.classification;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(indicators, agenda_items, figure_values, units, as_of_dates, claimants, sources,
                             figure_confidences, notes, classifications)
                      u(indicator, item_id, value, unit, as_of, claimant_id, source_id, confidence, note, classification)
    ), upserted as (
        insert into parley_data.figures as f
               (indicator, item_id, value, unit, as_of, claimant_id, source_id, confidence, note, classification)
        select i.indicator, i.item_id, i.value, i.unit, i.as_of, i.claimant_id, i.source_id, i.confidence, i.note,
               i.classification
          from input i
        on conflict on constraint figures_natural_key do update
           set item_id = excluded.item_id, value = excluded.value, unit = excluded.unit,
               confidence = excluded.confidence, note = excluded.note, classification = excluded.classification
         where (f.item_id, f.value, f.unit, f.confidence, f.note, f.classification)
               is distinct from (excluded.item_id, excluded.value, excluded.unit, excluded.confidence, excluded.note,
                                 excluded.classification)
        returning (f.xmax = 0) as inserted
    )
    select count(*) filter (where inserted), count(*) filter (where not inserted) into added, changed from upserted;
    return parley_data.import_counts(cardinality(indicators), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

-- Follow-ups. due_in_days (with due_time, 17:00 unless given, on the assignee's clock) is resolved when the
-- follow-up is first recorded, like a commitment's due_in_days. A code such as F12 names a follow-up recorded
-- without a code by its number.
create function parley_data.import_follow_ups(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'assignee', 'due_at', 'due_in_days', 'due_time', 'note', 'commitment',
                                    'meeting', 'track', 'done_at', 'done_note'];
    at_prefix text;
    rec record;
    dup record;
    v_code text;
    v_assignee bigint;
    v_assignee_zone text;
    v_due timestamptz;
    v_due_days integer;
    v_due_time text;
    v_note text;
    v_commitment text;
    v_meeting text;
    v_track text;
    codes text[] := '{}';
    existing_ids bigint[] := '{}';
    assignees bigint[] := '{}';
    due timestamptz[] := '{}';
    notes text[] := '{}';
    commitments bigint[] := '{}';
    meetings bigint[] := '{}';
    tracks bigint[] := '{}';
    done timestamptz[] := '{}';
    done_notes text[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('follow_ups', base, dup, 'code', format('follow-up "%s"', dup.key));
    end if;
    for rec in
        select e.ord, e.r,
               coalesce(f.id, g.id) as existing_id, coalesce(f.due_at, g.due_at) as existing_due
          from jsonb_array_elements(items) with ordinality e(r, ord)
          left join parley_data.follow_ups f on f.code = e.r ->> 'code'
          left join parley_data.follow_ups g
                 on f.id is null and g.code is null
                and g.id = case when (e.r ->> 'code') ~ '^F[0-9]{1,18}$' then substr(e.r ->> 'code', 2)::bigint end
         order by e.ord
    loop
        at_prefix := format('follow_ups[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'follow_ups_code_format');
        if rec.existing_id is not null then
            -- Refuses one about something above the caller's clearance as if it did not exist.
            perform parley_data.follow_up_id(v_code, 'code');
        end if;
        v_assignee := parley_data.person_id(parley_data.import_text(rec.r, 'assignee'), 'assignee', active_only => true);
        v_note := parley_data.import_text(rec.r, 'note');
        perform parley_data.require('note', nullif(btrim(v_note), '') is not null);
        v_commitment := parley_data.import_text(rec.r, 'commitment');
        v_meeting := parley_data.import_text(rec.r, 'meeting');
        v_track := parley_data.import_text(rec.r, 'track');
        if num_nonnulls(v_commitment, v_meeting, v_track) <> 1 then
            perform parley_data.refuse('23514', 'commitment', 'follow_ups_one_subject',
                format('a follow-up is about exactly one of commitment, meeting or track; %s given',
                       num_nonnulls(v_commitment, v_meeting, v_track)),
                'Give one of commitment, meeting or track.');
        end if;
        v_due := parley_data.import_timestamptz(rec.r, 'due_at');
        v_due_days := parley_data.import_days(rec.r, 'due_in_days');
        v_due_time := parley_data.import_text(rec.r, 'due_time');
        if v_due is not null and v_due_days is not null then
            perform parley_data.refuse('22023', 'due_in_days', 'import_one_date',
                'give due_at or due_in_days, not both', 'due_in_days counts from the day of the import; due_at is a moment.');
        end if;
        if v_due_time is not null and (v_due_days is null or v_due_time !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$') then
            perform parley_data.refuse('22007', 'due_time', 'import_due_time',
                format('due_time "%s" needs due_in_days and the form HH:MM', v_due_time),
                'Write due_time as HH:MM on the assignee''s clock, with due_in_days, e.g. due_in_days: 2 and due_time: "09:30".');
        end if;
        if v_due_days is not null then
            select p.timezone into v_assignee_zone from parley_data.people p where p.id = v_assignee;
            v_due := coalesce(rec.existing_due,
                              ((current_date + v_due_days) + coalesce(v_due_time, '17:00')::time) at time zone v_assignee_zone);
        end if;
        perform parley_data.require('due_at', v_due is not null);
        codes := codes || v_code;
        existing_ids := existing_ids || rec.existing_id;
        assignees := assignees || v_assignee;
        due := due || v_due;
        notes := notes || v_note;
        commitments := commitments || case when v_commitment is not null then parley_data.commitment_id(v_commitment) end;
        meetings := meetings || case when v_meeting is not null then parley_data.meeting_id(v_meeting) end;
        tracks := tracks || case when v_track is not null then parley_data.track_id(v_track) end;
        done := done || parley_data.import_timestamptz(rec.r, 'done_at');
        done_notes := done_notes || nullif(btrim(parley_data.import_text(rec.r, 'done_note')), '');
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(codes, existing_ids, assignees, due, notes, commitments, meetings, tracks, done, done_notes)
                      u(code, existing_id, assignee_id, due_at, note, commitment_id, meeting_id, track_id, done_at, done_note)
    )
    insert into parley_data.follow_ups (code, commitment_id, meeting_id, track_id, assignee_id, due_at, note, done_at, done_note)
    select i.code, i.commitment_id, i.meeting_id, i.track_id, i.assignee_id, i.due_at, i.note, i.done_at, i.done_note
      from input i where i.existing_id is null;
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, existing_ids, assignees, due, notes, commitments, meetings, tracks, done, done_notes)
                          u(code, existing_id, assignee_id, due_at, note, commitment_id, meeting_id, track_id, done_at, done_note)
        )
        update parley_data.follow_ups f
           set commitment_id = i.commitment_id, meeting_id = i.meeting_id, track_id = i.track_id,
               assignee_id = i.assignee_id, due_at = i.due_at, note = i.note, done_at = i.done_at, done_note = i.done_note
          from input i
         where f.id = i.existing_id
           and (f.commitment_id, f.meeting_id, f.track_id, f.assignee_id, f.due_at, f.note, f.done_at, f.done_note)
               is distinct from (i.commitment_id, i.meeting_id, i.track_id, i.assignee_id, i.due_at, i.note, i.done_at, i.done_note);
        get diagnostics changed = row_count;
    end if;

    perform setval(pg_get_serial_sequence('parley_data.follow_ups', 'id'),
                   greatest(n, coalesce(pg_sequence_last_value(pg_get_serial_sequence('parley_data.follow_ups', 'id')::regclass), 1)))
       from (select max(substr(c, 2)::bigint) as n from unnest(codes) c where c ~ '^F[0-9]{1,18}$') m
      where m.n is not null;
    return parley_data.import_counts(cardinality(codes), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

create function parley_data.import_subscriptions(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['person', 'track', 'item', 'min_severity'];
    severities constant text[] := enum_range(null::parley.severity)::text[];
    at_prefix text;
    rec record;
    dup record;
    v_value text;
    people bigint[] := '{}';
    tracks bigint[] := '{}';
    agenda_items bigint[] := '{}';
    minimums parley.severity[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items,
        'concat_ws(''/'', lower(e.r ->> ''person''), coalesce(e.r ->> ''track'', ''-''), coalesce(e.r ->> ''item'', ''-''))');
    if found then
        perform parley_data.refuse_duplicate('subscriptions', base, dup, 'person',
            format('the subscription %s (person/track/item)', dup.key));
    end if;
    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('subscriptions[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        people := people || parley_data.person_id(parley_data.import_text(rec.r, 'person'), 'person', active_only => true);
        v_value := parley_data.import_text(rec.r, 'track');
        tracks := tracks || case when v_value is not null then parley_data.track_id(v_value) end;
        v_value := parley_data.import_text(rec.r, 'item');
        agenda_items := agenda_items || case when v_value is not null then parley_data.item_id(v_value) end;
        minimums := minimums || coalesce(parley_data.import_choice(rec.r, 'min_severity', severities), 'info')::parley.severity;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(people, tracks, agenda_items, minimums) u(person_id, track_id, item_id, min_severity)
    ), upserted as (
        insert into parley_data.subscriptions as s (person_id, track_id, item_id, min_severity)
        select i.person_id, i.track_id, i.item_id, i.min_severity from input i
        on conflict on constraint subscriptions_natural_key do update
           set min_severity = excluded.min_severity
         where s.min_severity is distinct from excluded.min_severity
        returning (s.xmax = 0) as inserted
    )
    select count(*) filter (where inserted), count(*) filter (where not inserted) into added, changed from upserted;
    return parley_data.import_counts(cardinality(people), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

-- The entry point ---------------------------------------------------------------------------------------------------

create function parley.import_world(doc jsonb, first_index integer default 0)
    returns jsonb
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    sections constant text[] := array['people', 'parties', 'sources', 'items', 'tracks', 'meetings', 'deals',
                                      'commitments', 'positions', 'figures', 'follow_ups', 'subscriptions'];
    section text;
    list jsonb;
    done jsonb;
    result jsonb := '{}';
begin
    perform parley_data.require('doc', doc is not null);
    perform parley_data.require('first_index', first_index is not null);
    if jsonb_typeof(doc) <> 'object' then
        perform parley_data.refuse('22023', '', 'import_document_is_mapping',
            format('the document must be a mapping of lists (people, parties, tracks, ...), not %s', parley_data.import_kind(doc)),
            format('Its lists are: %s.', array_to_string(sections, ', ')));
    end if;
    perform parley_data.import_fields(doc, sections || 'parley'::text);
    if doc ? 'parley' and doc -> 'parley' is distinct from '1'::jsonb then
        perform parley_data.refuse('22023', 'parley', 'import_format_version',
            format('parley: %s is not a format this version reads (it reads parley: 1)', doc -> 'parley'),
            'Export the document again with this version of parley, or upgrade parley.');
    end if;
    -- One import at a time: two imports naming the same new codes would otherwise collide at the end.
    perform pg_advisory_xact_lock(hashtext('parley.import_world'));
    foreach section in array sections loop
        list := doc -> section;
        continue when list is null or jsonb_typeof(list) = 'null';
        if jsonb_typeof(list) <> 'array' then
            perform parley_data.refuse('22023', section, 'import_section_is_list',
                format('%s must be a list, not %s', section, parley_data.import_kind(list)),
                format('Give %s as a list of records (in YAML, each starting with "- ").', section));
        end if;
        continue when jsonb_array_length(list) = 0;
        done := case section
            when 'people' then jsonb_build_object(section, parley_data.import_people(list, first_index))
            when 'parties' then jsonb_build_object(section, parley_data.import_parties(list, first_index))
            when 'sources' then jsonb_build_object(section, parley_data.import_sources(list, first_index))
            when 'items' then jsonb_build_object(section, parley_data.import_items(list, first_index))
            when 'tracks' then parley_data.import_tracks(list, first_index)
            when 'meetings' then jsonb_build_object(section, parley_data.import_meetings(list, first_index))
            when 'deals' then jsonb_build_object(section, parley_data.import_deals(list, first_index))
            when 'commitments' then parley_data.import_commitments(list, first_index)
            when 'positions' then jsonb_build_object(section, parley_data.import_positions(list, first_index))
            when 'figures' then jsonb_build_object(section, parley_data.import_figures(list, first_index))
            when 'follow_ups' then jsonb_build_object(section, parley_data.import_follow_ups(list, first_index))
            when 'subscriptions' then jsonb_build_object(section, parley_data.import_subscriptions(list, first_index))
        end;
        result := result || done;
    end loop;
    return result;
end
$$;
comment on function parley.import_world(jsonb, integer) is
    'Records a whole document at once (the format of `parley import`, docs/import-format.md): people, parties, sources, items, tracks (with members and agenda), meetings, deals, commitments (with updates), positions, figures, follow_ups, subscriptions. Idempotent by natural keys: importing the same document again changes nothing. All or nothing. A refusal names where in the document: commitments[3].due_on: .... Returns, per kind of record, how many were new, changed and unchanged. first_index: the index of the first record of each list, when a long list is sent in parts.';

-- Export ----------------------------------------------------------------------------------------------------------

-- A moment as a reader of that place writes it: local date and time with the UTC offset, 2025-05-16T12:30:00+03:00.
create function parley_data.local_iso(at timestamptz, zone text) returns text
    language sql stable parallel safe
    return to_char(at at time zone zone, 'YYYY-MM-DD"T"HH24:MI:SS')
        || case when ((at at time zone zone) - (at at time zone 'UTC')) < interval '0' then '-' else '+' end
        || to_char(abs(extract(epoch from (at at time zone zone) - (at at time zone 'UTC')))::integer / 3600, 'FM00')
        || ':'
        || to_char(abs(extract(epoch from (at at time zone zone) - (at at time zone 'UTC')))::integer % 3600 / 60, 'FM00');
comment on function parley_data.local_iso(timestamptz, text) is
    'A moment as local date and time in a time zone with its UTC offset, e.g. 2025-05-16T12:30:00+03:00.';

-- The document is built as json (not jsonb) so that fields keep the documented order; json_strip_nulls leaves
-- out what is not set. It runs as the caller: what they are not cleared to see is not exported.
create function parley.export_world()
    returns json
    language sql stable
begin atomic
    select json_strip_nulls(json_build_object(
        'parley', 1,
        'people', (select coalesce(json_agg(json_build_object(
                       'email', p.email, 'name', p.name, 'timezone', p.timezone, 'clearance', p.clearance,
                       'active', case when not p.active then false end)
                       order by lower(p.email) collate "C", p.email collate "C"), '[]')
                     from parley_data.people p),
        'parties', (select coalesce(json_agg(json_build_object('code', p.code, 'name', p.name, 'kind', p.kind)
                        order by p.code collate "C"), '[]')
                      from parley_data.parties p),
        'sources', (select coalesce(json_agg(json_build_object(
                        'code', s.code, 'title', s.title, 'publisher', s.publisher, 'url', s.url,
                        'published_on', s.published_on, 'note', s.note)
                        order by s.code collate "C"), '[]')
                      from parley_data.sources s),
        'items', (select coalesce(json_agg(json_build_object('code', i.code, 'title', i.title, 'description', i.description)
                      order by i.code collate "C"), '[]')
                    from parley_data.agenda_items i),
        'tracks', (select coalesce(json_agg(json_build_object(
                       'code', t.code, 'name', t.name, 'format', t.format, 'status', t.status, 'venue', t.venue,
                       'timezone', t.timezone, 'description', t.description, 'classification', t.classification,
                       'lead', lead.email,
                       'members', (select json_agg(json_build_object('party', p.code, 'role', m.role, 'note', m.note)
                                       order by p.code collate "C", m.role)
                                     from parley_data.track_members m join parley_data.parties p on p.id = m.party_id
                                    where m.track_id = t.id),
                       'agenda', (select json_agg(json_build_object('item', i.code, 'status', a.status,
                                                                    'status_since', a.status_since, 'note', a.note)
                                      order by i.code collate "C")
                                    from parley_data.track_agenda a join parley_data.agenda_items i on i.id = a.item_id
                                   where a.track_id = t.id))
                       order by t.code collate "C"), '[]')
                     from parley_data.tracks t
                     left join parley_data.people lead on lead.id = t.lead_id),
        'meetings', (select coalesce(json_agg(json_build_object(
                         'code', m.code, 'track', t.code, 'title', m.title,
                         'starts_at', parley_data.local_iso(m.starts_at, t.timezone),
                         'ends_at', parley_data.local_iso(m.ends_at, t.timezone),
                         'location', m.location, 'status', m.status, 'outcome', m.outcome_summary,
                         'classification', m.classification, 'source', s.code)
                         order by m.code collate "C"), '[]')
                       from parley_data.meetings m
                       join parley_data.tracks t on t.id = m.track_id
                       left join parley_data.sources s on s.id = m.source_id),
        -- Deals are not classified themselves; one is exported with the commitments that make it up, when the caller
        -- may see one of them.
        'deals', (select coalesce(json_agg(json_build_object('code', d.code, 'title', d.title) order by d.code collate "C"), '[]')
                    from parley_data.deals d
                   where exists (select 1 from parley_data.commitments c where c.deal_id = d.id)),
        'commitments', (select coalesce(json_agg(json_build_object(
                            'code', c.code, 'track', t.code, 'item', i.code, 'meeting', m.code, 'obligor', ob.code,
                            'beneficiaries', (select json_agg(p.code order by p.code collate "C")
                                                from parley_data.commitment_beneficiaries b
                                                join parley_data.parties p on p.id = b.party_id
                                               where b.commitment_id = c.id),
                            'text', c.text, 'made_on', c.made_on, 'due_on', c.due_on,
                            'target_quantity', c.target_quantity, 'unit', c.unit, 'deal', d.code, 'owner', o.email,
                            'classification', c.classification, 'source', s.code,
                            'updates', (select json_agg(json_build_object(
                                            'reported_on', u.reported_on, 'delivered', u.delivered_quantity,
                                            'new_status', u.new_status, 'reopen', case when u.reopen then true end,
                                            'note', u.note, 'source', us.code, 'reported_by', rp.code,
                                            'verification', u.verification, 'recorded_by', rb.email)
                                            order by u.reported_on, u.id)
                                          from parley_data.commitment_updates u
                                          left join parley_data.sources us on us.id = u.source_id
                                          left join parley_data.parties rp on rp.id = u.reported_by_party_id
                                          left join parley_data.people rb on rb.id = u.recorded_by_id
                                         where u.commitment_id = c.id))
                            order by c.code collate "C"), '[]')
                          from parley_data.commitments c
                          join parley_data.tracks t on t.id = c.track_id
                          join parley_data.agenda_items i on i.id = c.item_id
                          join parley_data.parties ob on ob.id = c.obligor_id
                          left join parley_data.meetings m on m.id = c.meeting_id
                          left join parley_data.deals d on d.id = c.deal_id
                          left join parley_data.people o on o.id = c.owner_id
                          left join parley_data.sources s on s.id = c.source_id),
        'positions', (select coalesce(json_agg(json_build_object(
                          'party', pa.code, 'item', i.code, 'track', t.code, 'stance', p.stance, 'stated_on', p.stated_on,
                          'statement', p.statement, 'source', s.code, 'classification', p.classification)
                          order by pa.code collate "C", i.code collate "C", t.code collate "C" nulls first, p.stated_on), '[]')
                        from parley_data.positions p
                        join parley_data.parties pa on pa.id = p.party_id
                        join parley_data.agenda_items i on i.id = p.item_id
                        left join parley_data.tracks t on t.id = p.track_id
                        left join parley_data.sources s on s.id = p.source_id),
        'figures', (select coalesce(json_agg(json_build_object(
                        'indicator', f.indicator, 'item', i.code, 'value', f.value, 'unit', f.unit, 'as_of', f.as_of,
                        'claimant', cl.code, 'source', s.code, 'confidence', f.confidence, 'note', f.note,
                        'classification', f.classification)
                        order by f.indicator collate "C", cl.code collate "C" nulls first, s.code collate "C" nulls first, f.as_of), '[]')
                      from parley_data.figures f
                      left join parley_data.agenda_items i on i.id = f.item_id
                      left join parley_data.parties cl on cl.id = f.claimant_id
                      left join parley_data.sources s on s.id = f.source_id),
        'follow_ups', (select coalesce(json_agg(json_build_object(
                           'code', coalesce(f.code, 'F' || f.id), 'assignee', a.email,
                           'due_at', parley_data.local_iso(f.due_at, a.timezone), 'note', f.note,
                           'commitment', c.code, 'meeting', m.code, 'track', t.code,
                           'done_at', parley_data.local_iso(f.done_at, a.timezone), 'done_note', f.done_note)
                           order by coalesce(f.code, 'F' || f.id) collate "C"), '[]')
                         from parley_data.follow_ups f
                         join parley_data.people a on a.id = f.assignee_id
                         left join parley_data.commitments c on c.id = f.commitment_id
                         left join parley_data.meetings m on m.id = f.meeting_id
                         left join parley_data.tracks t on t.id = f.track_id),
        'subscriptions', (select coalesce(json_agg(json_build_object(
                              'person', p.email, 'track', t.code, 'item', i.code, 'min_severity', s.min_severity)
                              order by lower(p.email) collate "C", t.code collate "C" nulls first, i.code collate "C" nulls first), '[]')
                            from parley_data.subscriptions s
                            join parley_data.people p on p.id = s.person_id
                            left join parley_data.tracks t on t.id = s.track_id
                            left join parley_data.agenda_items i on i.id = s.item_id)));
end;
comment on function parley.export_world() is
    'The whole world as one document in the format of parley.import_world (docs/import-format.md), sorted by natural keys: exporting, importing into an empty database and exporting again gives the same document. Only what you are cleared to see is exported. Meeting times are given on the track''s clock, follow-up times on the assignee''s.';

-- Listings of the parley command -----------------------------------------------------------------------------------
-- Plain lists of what was recorded, one row per record, for `parley <noun> list` and for psql. Like the views of
-- 000005 they run as the person querying, so they show only what that person is cleared to see.

create view parley.parties with (security_invoker = true) as
select p.code,
       p.name,
       p.kind,
       (select string_agg(r.track || ' (' || r.roles || ')', ', ' order by r.track)
          from (select t.code as track, string_agg(m.role::text, ', ' order by m.role) as roles
                  from parley_data.track_members m
                  join parley_data.tracks t on t.id = m.track_id
                 where m.party_id = p.id
                 group by t.code) r) as tracks
  from parley_data.parties p
 order by p.code;
comment on view parley.parties is 'The parties (states and organisations), with the tracks they take part in and as what.';
comment on column parley.parties.code is 'The party''s code, as the recording functions take it (e.g. UA).';
comment on column parley.parties.tracks is 'Each track the party takes part in, with its roles there, e.g. "istanbul (principal)".';

create view parley.people with (security_invoker = true) as
select p.email,
       p.name,
       p.timezone,
       p.clearance,
       p.active,
       (select string_agg(t.code, ', ' order by t.code) from parley_data.tracks t where t.lead_id = p.id) as leads,
       (select count(*) from parley_data.commitments c
         where c.owner_id = p.id and c.status not in ('fulfilled', 'withdrawn', 'superseded')) as open_commitments,
       (select count(*) from parley_data.follow_ups f where f.assignee_id = p.id and f.done_at is null) as open_follow_ups
  from parley_data.people p
 order by lower(p.email);
comment on view parley.people is 'Staff: who they are, their clock and clearance, the tracks they lead and what they have open.';
comment on column parley.people.clearance is 'The highest classification of the alerts they may receive.';
comment on column parley.people.active is 'False for someone who left the desk: they can no longer be made owner, lead or assignee.';
comment on column parley.people.leads is 'The tracks they lead.';
comment on column parley.people.open_commitments is 'Open commitments they own (that you may see).';
comment on column parley.people.open_follow_ups is 'Follow-ups assigned to them and not done (that you may see).';

create view parley.members with (security_invoker = true) as
select t.code as track, p.code as party, p.name as party_name, m.role, m.note
  from parley_data.track_members m
  join parley_data.tracks t on t.id = m.track_id
  join parley_data.parties p on p.id = m.party_id
 order by t.code, m.role, p.code;
comment on view parley.members is 'Who takes part in each track, and as what (principal, mediator, host, guarantor, observer, briefer).';

create view parley.sources with (security_invoker = true) as
select s.code, s.title, s.publisher, s.url, s.published_on, s.note
  from parley_data.sources s
 order by s.code;
comment on view parley.sources is 'Where facts come from: articles, statements, readouts. Positions, updates, figures and meetings cite them by code.';

create view parley.meetings with (security_invoker = true) as
select m.code as meeting,
       t.code as track,
       m.title,
       m.starts_at,
       (m.starts_at at time zone t.timezone) as local_start,
       m.ends_at,
       t.timezone,
       m.location,
       m.status,
       m.outcome_summary as outcome,
       m.outcome_recorded_at,
       s.code as source,
       m.effective_classification as classification
  from parley_data.meetings m
  join parley_data.tracks t on t.id = m.track_id
  left join parley_data.sources s on s.id = m.source_id
 order by m.starts_at, m.code;
comment on view parley.meetings is 'Every meeting, past and future, in date order: when (also on the track''s clock), where, its status and outcome.';
comment on column parley.meetings.local_start is 'The start on the track''s clock (see timezone).';
comment on column parley.meetings.outcome is 'What came of it, once held.';

create view parley.commitments with (security_invoker = true) as
select c.code,
       t.code                                   as track,
       i.code                                   as item,
       ob.code                                  as obligor,
       (select string_agg(p.code, ', ' order by p.code)
          from parley_data.commitment_beneficiaries b
          join parley_data.parties p on p.id = b.party_id
         where b.commitment_id = c.id)          as beneficiaries,
       c.text,
       c.made_on,
       c.due_on,
       c.due_on - (now() at time zone t.timezone)::date as days_left,
       c.status not in ('fulfilled', 'withdrawn', 'superseded')
           and c.due_on < (now() at time zone t.timezone)::date as overdue,
       c.status,
       c.target_quantity                        as target,
       c.unit,
       c.delivered_quantity                     as delivered,
       round(100 * c.delivered_quantity / c.target_quantity, 1) as progress_pct,
       o.name                                   as owner,
       o.email                                  as owner_email,
       d.code                                   as deal,
       m.code                                   as meeting,
       c.last_update_on,
       c.effective_classification               as classification
  from parley_data.commitments c
  join parley_data.tracks t on t.id = c.track_id
  join parley_data.agenda_items i on i.id = c.item_id
  join parley_data.parties ob on ob.id = c.obligor_id
  left join parley_data.people o on o.id = c.owner_id
  left join parley_data.deals d on d.id = c.deal_id
  left join parley_data.meetings m on m.id = c.meeting_id
 order by c.due_on nulls last, c.code;
comment on view parley.commitments is 'Every commitment, open or closed, soonest deadline first; open_commitments and overdue_commitments show the open ones.';
comment on column parley.commitments.days_left is 'Days until due_on on the track''s clock; negative when past.';
comment on column parley.commitments.overdue is 'True for an open commitment whose deadline (end of due_on, track''s clock) has passed.';
comment on column parley.commitments.delivered is 'The sum of the quantities reported delivered.';
comment on column parley.commitments.owner_email is 'The e-mail of the member of staff who follows it up (filter with it).';

create view parley.commitment_updates with (security_invoker = true) as
select c.code as commitment,
       u.reported_on,
       u.delivered_quantity as delivered,
       u.new_status,
       u.reopen,
       u.note,
       s.code as source,
       rp.code as reported_by,
       u.verification,
       rb.email as recorded_by,
       u.created_at as recorded_at
  from parley_data.commitment_updates u
  join parley_data.commitments c on c.id = u.commitment_id
  left join parley_data.sources s on s.id = u.source_id
  left join parley_data.parties rp on rp.id = u.reported_by_party_id
  left join parley_data.people rb on rb.id = u.recorded_by_id
 order by c.code, u.reported_on, u.id;
comment on view parley.commitment_updates is 'The reports of delivery against each commitment, in date order: how much, which status, the evidence and who confirms it.';
comment on column parley.commitment_updates.delivered is 'Delivered in this stage (not a running total).';
comment on column parley.commitment_updates.verification is 'Who confirms it: both_parties, one_party, mediator, media or unverified.';

create view parley.subscriptions with (security_invoker = true) as
select p.email as person, p.name, t.code as track, i.code as item, s.min_severity, s.created_at
  from parley_data.subscriptions s
  join parley_data.people p on p.id = s.person_id
  left join parley_data.tracks t on t.id = s.track_id
  left join parley_data.agenda_items i on i.id = s.item_id
 order by lower(p.email), t.code nulls first, i.code nulls first;
comment on view parley.subscriptions is 'Who receives alerts beyond their own commitments: about a track, an item, or (both empty) everything, from a minimum severity.';

-- Calendars ---------------------------------------------------------------------------------------------------------

-- What `parley calendar` writes: meetings, commitment deadlines and follow-ups, for one track, one person, or all.
-- A person's calendar holds the meetings of the tracks they lead or subscribe to (a subscription to an item alone
-- brings its deadlines, not every meeting where it might come up), the deadlines they own or subscribe to, and
-- their follow-ups.
-- sequence counts the recorded changes of what a calendar shows (times, place, status, text), so that a
-- calendar application replaces its copy of an entry when it changed.
create function parley.calendar_entries(track text default null, person text default null)
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
     order by 1, 2;
end;
comment on function parley.calendar_entries(text, text) is
    'What parley calendar writes: meetings, commitment deadlines and follow-ups, for a track, a person (what they lead, own, are assigned or subscribe to) or everything. sequence counts the recorded changes of what a calendar shows.';

-- Grants ----------------------------------------------------------------------------------------------------------

grant execute on function parley.import_world(jsonb, integer) to parley_writer;
grant execute on function parley.export_world(), parley.calendar_entries(text, text), parley_data.local_iso(timestamptz, text)
    to parley_reader;
grant select on parley.parties, parley.people, parley.members, parley.sources, parley.meetings, parley.commitments,
    parley.commitment_updates, parley.subscriptions
    to parley_reader;
-- Subscriptions were not readable by staff until these listings; row-level security (000006) still hides those
-- about tracks a reader may not see.
grant select on parley_data.subscriptions to parley_reader;
