-- Refusals: the one way every recording function, import and staff function says no, and the rules about one
-- value (codes, names, free text, numbers, e-mail addresses, web addresses, dates in order) that they all share.
-- Each refusal carries a stable SQLSTATE, the field (COLUMN), the rule (CONSTRAINT) and what to do (HINT):
--   23502 a required value is missing        23503 a code or e-mail names nothing (or nothing you may see)
--   23505 the code or key is already taken   23514 a value breaks a rule (dates, quantities, formats, status)
--   42501 a classification above your clearance
--
-- A rule is a function that returns the refusal it makes of a value (a parley_data.refusal, 000007), or null when
-- the value is fine: `parley_data.bad_code('code', 'U A', 'parties_code_format')`. The recording functions raise
-- the first refusal of their arguments with parley_data.refuse_if; an import evaluates the same functions over
-- all the records of a document at once (5xx). The rules are plain SQL expressions, so that PostgreSQL inlines them
-- into the import's statements. The rules about a whole record, by kind, are in 035_input_rules; references by
-- natural key in 030_lookups; classification ceilings in 020_clearance.
set local role parley_owner;

-- Refusals ---------------------------------------------------------------------------------------------------

create or replace function parley_data.refused(state text, field text, rule text, message text, hint text)
    returns parley_data.refusal
    language sql immutable parallel safe
    return row(state, field, rule, message, hint)::parley_data.refusal;
comment on function parley_data.refused(text, text, text, text, text) is
    'A refusal with its SQLSTATE, field, rule, message and hint, not raised.';

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

-- A refusal's state is never null, so it tells a refusal from no refusal (a composite value IS NOT NULL only when
-- every one of its fields is).
create or replace function parley_data.refuse_if(problem parley_data.refusal)
    returns void
    language plpgsql as $$
begin
    if problem.state is not null then
        perform parley_data.refuse(problem.state, problem.field, problem.rule, problem.message, problem.hint);
    end if;
end
$$;
comment on function parley_data.refuse_if(parley_data.refusal) is 'Raises the refusal given, if there is one.';

-- The refusal of a rule that a trigger checks on the rows of a table (a value breaks a rule, 23514): it names the
-- table (TABLE) as well as the field and the rule.
create or replace function parley_data.refuse_row(tbl text, field text, rule text, message text, hint text)
    returns void
    language plpgsql as $$
begin
    raise exception using
        message = refuse_row.message, errcode = 'check_violation', table = refuse_row.tbl,
        column = refuse_row.field, constraint = refuse_row.rule, hint = refuse_row.hint;
end
$$;
comment on function parley_data.refuse_row(text, text, text, text, text) is
    'Raises (23514) the refusal of a rule a trigger checks on a table''s rows, naming the table, the field (COLUMN) and the rule (CONSTRAINT).';

-- Values required together, refused as one rule (23502) that names the first one missing: `fields` their names,
-- `values` them as text (null when missing), in the same order.
create or replace function parley_data.require_all(fields text[], "values" text[], rule text, message text, hint text)
    returns void
    language sql
    return parley_data.refuse_if(case when array_position("values", null) is not null
                                      then parley_data.refused('23502', fields[array_position("values", null)], rule,
                                                               message, hint) end);
comment on function parley_data.require_all(text[], text[], text, text, text) is
    'Refuses (23502, under one rule) values required together, naming the first one missing.';

-- Rules about one value --------------------------------------------------------------------------------------

create or replace function parley_data.missing(field text, present boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when present is not true
                then parley_data.refused('23502', field, field || '_required', format('%s is required', field),
                                         format('Give a value for %s.', field)) end;

create or replace function parley_data.bad_code(field text, value text, rule text)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(
        parley_data.missing(field, nullif(btrim(value), '') is not null),
        case when not parley_data.is_code(value)
             then parley_data.refused('23514', field, rule, format('%s "%s" is not a valid code', field, value),
                 'A code is 1 to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit, without spaces.')
        end);

-- A name or title: required, one line, at most 300 characters.
create or replace function parley_data.bad_optional_label(field text, value text, rule text)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when nullif(btrim(value), '') is not null and not parley_data.is_label(value)
                then parley_data.refused('23514', field, rule,
                    format('%s "%s" is too long (%s characters) or contains control characters such as line breaks',
                           field, left(value, 60), length(value)),
                    format('Give %s as one line of at most 300 characters.', field)) end;

create or replace function parley_data.bad_label(field text, value text, rule text)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(parley_data.missing(field, nullif(btrim(value), '') is not null),
                    parley_data.bad_optional_label(field, value, rule));

-- Free text may be long, not unbounded; numbers must be numbers.
create or replace function parley_data.bad_free_text(field text, value text, rule text)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when not parley_data.is_free_text(value)
                then parley_data.refused('23514', field, rule,
                    format('%s is %s characters long; at most 10,000 are allowed', field, length(value)),
                    'Shorten it, and put the full document in a source (parley.add_source) with its URL.') end;

create or replace function parley_data.bad_number(field text, value numeric, rule text)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when not parley_data.is_finite(value)
                then parley_data.refused('23514', field, rule, format('%s %s is not a number', field, value),
                                         'Give a finite number, e.g. 6057.') end;

create or replace function parley_data.bad_email(field text, value text)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(
        parley_data.missing(field, nullif(btrim(value), '') is not null),
        case when not parley_data.is_email(value)
             then parley_data.refused('23514', field, 'people_email_format',
                 format('%s "%s" is not a valid e-mail address', field, value),
                 'Give a plain address such as desk@example.org (ASCII, no display name, a dotted domain).') end);

create or replace function parley_data.bad_url(field text, value text)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when nullif(btrim(value), '') is not null and value !~ '^https?://[^\s]+$'
                then parley_data.refused('23514', field, 'sources_url_format',
                    format('%s "%s" is not a web address', field, value),
                    'Give the full address, starting with https:// or http://, without spaces.') end;

-- A time zone is a reference to the list of IANA names, hence 23503 as the table's foreign key would say.
-- `known`: whether parley_data.time_zones holds the name (the caller looks it up, one name or a document's all).
create or replace function parley_data.bad_timezone(field text, value text, known boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(
        parley_data.missing(field, value is not null),
        case when known is not true
             then parley_data.refused('23503', field, 'time_zone_exists',
                 format('%s "%s" is not a known IANA time zone', field, value),
                 'Use a name such as Europe/Istanbul, Asia/Dubai or UTC (select name from pg_timezone_names lists them); names are case-sensitive.')
        end);

comment on function parley_data.missing(text, boolean) is 'Rule: a required value (23502), naming the field.';
comment on function parley_data.bad_code(text, text, text) is
    'Rule: a code is given (23502) and is 1 to 40 letters, digits, dots, dashes or underscores (23514).';
comment on function parley_data.bad_label(text, text, text) is 'Rule: a name or title is given (23502) and is one line (23514).';
comment on function parley_data.bad_optional_label(text, text, text) is
    'Rule: an optional one-line text is at most 300 characters, without control characters (23514).';
comment on function parley_data.bad_free_text(text, text, text) is 'Rule: free text is at most 10,000 characters (23514).';
comment on function parley_data.bad_number(text, numeric, text) is 'Rule: a quantity is a finite number (23514).';
comment on function parley_data.bad_email(text, text) is 'Rule: an e-mail address is given (23502) and plain (23514).';
comment on function parley_data.bad_url(text, text) is 'Rule: a web address starts with http:// or https:// and has no spaces (23514).';
comment on function parley_data.bad_timezone(text, text, boolean) is 'Rule: a time zone is given (23502) and a known IANA name (23503).';

-- Dates in order.
create or replace function parley_data.bad_meeting_times(starts_at timestamptz, ends_at timestamptz, field text,
                                                         starts_as_written text default null,
                                                         ends_as_written text default null)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when ends_at < starts_at
                then parley_data.refused('23514', field, 'meetings_ends_after_start',
                    format('ends_at %s is before starts_at %s', coalesce(ends_as_written, ends_at::text),
                           coalesce(starts_as_written, starts_at::text)),
                    'A meeting ends after it starts; check the dates and the time zone offsets.') end;
comment on function parley_data.bad_meeting_times(timestamptz, timestamptz, text, text, text) is
    'Rule: a meeting ends after it starts (23514); said with the moments as written when they are given.';

create or replace function parley_data.bad_due_on(due_on date, made_on date)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when due_on < made_on
                then parley_data.refused('23514', 'due_on', 'commitments_due_after_made',
                    format('due_on %s is before made_on %s', due_on, made_on),
                    'A deadline falls on or after the day the commitment was made.') end;
comment on function parley_data.bad_due_on(date, date) is 'Rule: a deadline is not before the day the commitment was made (23514).';

-- The raising forms, for the functions that check one value at a time.
create or replace function parley_data.require(field text, present boolean) returns void
    language sql return parley_data.refuse_if(parley_data.missing(field, present));

-- An argument the alerting functions cannot do without (the daemon's and the mailer's calls, staff's actions on
-- alerts, 3xx-4xx) is refused alike by all of them: 23502, the rule <field>_present, "<field> is required", and a
-- hint saying what to pass. `present` is whether the caller gave it (null counts as not given).
create or replace function parley_data.require_argument(field text, present boolean, hint text) returns void
    language sql
    return parley_data.refuse_if(case when present is not true
                                      then parley_data.refused('23502', field, field || '_present',
                                                               field || ' is required', hint) end);
comment on function parley_data.require_argument(text, boolean, text) is
    'Refuses (23502, rule <field>_present, "<field> is required", with the hint given) an argument the caller did not give.';

create or replace function parley_data.check_code(field text, value text, rule text) returns void
    language sql return parley_data.refuse_if(parley_data.bad_code(field, value, rule));
create or replace function parley_data.check_label(field text, value text, rule text) returns void
    language sql return parley_data.refuse_if(parley_data.bad_label(field, value, rule));
create or replace function parley_data.check_optional_label(field text, value text, rule text) returns void
    language sql return parley_data.refuse_if(parley_data.bad_optional_label(field, value, rule));
create or replace function parley_data.check_free_text(field text, value text, rule text) returns void
    language sql return parley_data.refuse_if(parley_data.bad_free_text(field, value, rule));
create or replace function parley_data.check_finite(field text, value numeric, rule text) returns void
    language sql return parley_data.refuse_if(parley_data.bad_number(field, value, rule));
create or replace function parley_data.check_email(field text, value text) returns void
    language sql return parley_data.refuse_if(parley_data.bad_email(field, value));
create or replace function parley_data.check_timezone(field text, value text) returns void
    language sql
    return parley_data.refuse_if(parley_data.bad_timezone(field, value,
        exists (select 1 from parley_data.time_zones z where z.name = value)));
create or replace function parley_data.check_meeting_times(starts_at timestamptz, ends_at timestamptz, field text)
    returns void
    language sql return parley_data.refuse_if(parley_data.bad_meeting_times(starts_at, ends_at, field));
create or replace function parley_data.check_due_on(due_on date, made_on date) returns void
    language sql return parley_data.refuse_if(parley_data.bad_due_on(due_on, made_on));
comment on function parley_data.require(text, boolean) is 'Refuses (23502) a missing required value, naming the field.';
comment on function parley_data.check_code(text, text, text) is 'Raises parley_data.bad_code''s refusal, if any.';
comment on function parley_data.check_label(text, text, text) is 'Raises parley_data.bad_label''s refusal, if any.';
comment on function parley_data.check_optional_label(text, text, text) is 'Raises parley_data.bad_optional_label''s refusal, if any.';
comment on function parley_data.check_free_text(text, text, text) is 'Raises parley_data.bad_free_text''s refusal, if any.';
comment on function parley_data.check_finite(text, numeric, text) is 'Raises parley_data.bad_number''s refusal, if any.';
comment on function parley_data.check_email(text, text) is 'Raises parley_data.bad_email''s refusal, if any.';
comment on function parley_data.check_timezone(text, text) is 'Raises parley_data.bad_timezone''s refusal, if any.';
comment on function parley_data.check_meeting_times(timestamptz, timestamptz, text) is 'Raises parley_data.bad_meeting_times''s refusal, if any.';
comment on function parley_data.check_due_on(date, date) is 'Raises parley_data.bad_due_on''s refusal, if any.';
