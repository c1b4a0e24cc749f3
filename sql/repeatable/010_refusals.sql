-- Refusals: the one way every recording function, import and staff function says no. Each refusal carries a
-- stable SQLSTATE, the field (COLUMN), the rule (CONSTRAINT) and what to do (HINT):
--   23502 a required value is missing        23503 a code or e-mail names nothing (or nothing you may see)
--   23505 the code or key is already taken   23514 a value breaks a rule (dates, quantities, formats, status)
--   42501 a classification above your clearance
-- and the checks of the input rules (codes, names, free text, numbers, e-mail addresses, time zones) that the
-- recording functions and import share.
set local role parley_owner;

-- Refusals ---------------------------------------------------------------------------------------------------

-- One place that raises, so that every refusal carries the same fields.
create or replace function parley_data.refuse(code text, field text, rule text, message text, hint text)
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

create or replace function parley_data.require(field text, present boolean)
    returns void
    language plpgsql as $$
begin
    if present is not true then
        perform parley_data.refuse('23502', field, field || '_required', format('%s is required', field),
                                   format('Give a value for %s.', field));
    end if;
end
$$;

create or replace function parley_data.check_code(field text, value text, rule text)
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
create or replace function parley_data.check_free_text(field text, value text, rule text)
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

create or replace function parley_data.check_finite(field text, value numeric, rule text)
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
create or replace function parley_data.check_label(field text, value text, rule text)
    returns void
    language plpgsql as $$
begin
    perform parley_data.require(field, nullif(btrim(value), '') is not null);
    perform parley_data.check_optional_label(field, value, rule);
end
$$;

-- The same for an optional one-line text (venue, location, unit): NULL is fine, an empty string is not stored.
create or replace function parley_data.check_optional_label(field text, value text, rule text)
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

create or replace function parley_data.check_email(field text, value text)
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
create or replace function parley_data.check_timezone(field text, value text)
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

-- Meetings ----------------------------------------------------------------------------------------------------

create or replace function parley_data.check_meeting_times(starts_at timestamptz, ends_at timestamptz, field text)
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

create or replace function parley_data.check_due_on(due_on date, made_on date)
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
