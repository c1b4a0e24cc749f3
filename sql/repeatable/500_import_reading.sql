-- Import: reading a document's records (typed fields, refusals with the record's path), shared by every section.
set local role parley_owner;

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

-- Reading a document ----------------------------------------------------------------------------------------------
-- Each reader takes a record (a JSON object) and a field name, returns the value typed, and refuses a value of the
-- wrong kind naming the field; a field that is absent or null is NULL.

create or replace function parley_data.import_fields(r jsonb, allowed text[])
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

create or replace function parley_data.import_kind(v jsonb) returns text
    language sql immutable strict parallel safe
    return case jsonb_typeof(v) when 'object' then 'a mapping' when 'array' then 'a list' when 'string' then 'text'
                                when 'number' then 'a number' when 'boolean' then 'true or false' else 'nothing' end;

create or replace function parley_data.import_text(r jsonb, field text)
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

create or replace function parley_data.import_text_list(r jsonb, field text)
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

create or replace function parley_data.import_date(r jsonb, field text)
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
create or replace function parley_data.import_timestamptz(r jsonb, field text)
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

create or replace function parley_data.import_numeric(r jsonb, field text)
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

create or replace function parley_data.import_days(r jsonb, field text)
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

create or replace function parley_data.import_bool(r jsonb, field text)
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
create or replace function parley_data.import_choice(r jsonb, field text, allowed text[])
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

create or replace function parley_data.import_list(r jsonb, field text)
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
create or replace function parley_data.import_date_ok(v jsonb) returns boolean
    language sql immutable parallel safe
    return v is null or jsonb_typeof(v) = 'null'
        or case when jsonb_typeof(v) = 'string' and (v #>> '{}') ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
                     and substr(v #>> '{}', 1, 4) <> '0000'
                then substr(v #>> '{}', 9, 2)::integer
                     <= extract(day from make_date(substr(v #>> '{}', 1, 4)::integer, substr(v #>> '{}', 6, 2)::integer, 1)
                                         + interval '1 month' - interval '1 day')
                else false end;

create or replace function parley_data.import_number_ok(v jsonb) returns boolean
    language sql immutable parallel safe
    return v is null or jsonb_typeof(v) in ('null', 'number')
        or (jsonb_typeof(v) = 'string' and (v #>> '{}') ~ '^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$');

create or replace function parley_data.import_days_ok(v jsonb) returns boolean
    language sql immutable parallel safe
    return v is null or jsonb_typeof(v) = 'null'
        or (jsonb_typeof(v) = 'number' and (v #>> '{}') ~ '^-?[0-9]{1,5}$' and abs((v #>> '{}')::integer) <= 36500);

-- A refusal raised while reading record `path` (e.g. commitments[3].) about field `field`: the same refusal, with
-- the path in front of the message and as the error's COLUMN. A message that starts with the field's own name
-- (`due_on 2025-05-01 is before ...`) loses it, since the path names it already.
create or replace function parley_data.import_refusal(
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
create or replace function parley_data.import_duplicate(items jsonb, key_of text)
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

create or replace function parley_data.refuse_duplicate(section text, base integer, dup record, field text, what text)
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
create or replace function parley_data.import_codes(items jsonb, field text) returns text[]
    language sql immutable strict parallel safe
    return array(select distinct e.r ->> field from jsonb_array_elements(items) e(r)
                  where jsonb_typeof(e.r) = 'object' and e.r ->> field is not null);
