-- Import, part 1: the layout of a document, reading a list of records into a typed table, collecting refusals and
-- raising the first, and writing a kind of record. The sections (510-540) use these; 550 is the entry point.
--
-- parley.import_world(doc jsonb) records a document of people, parties, sources, items, tracks (with members and
-- agenda), meetings, deals, commitments (with their updates), positions, figures, subscriptions and follow-ups, in
-- one go: all of it or nothing (it runs in the caller's transaction). It is idempotent: every record is found again
-- by its natural key (codes; e-mail for people; party, item, track and date for positions; indicator, claimant,
-- source and date for figures; commitment, date and content for updates), so importing the same document twice
-- changes nothing. A record that exists is brought to what the document says (the document describes the whole
-- record: a field left out takes its default), except what a document may not change: the track, item, obligor,
-- deal or made_on of a commitment, the track of a meeting. Nothing is ever deleted by an import. A record above the
-- importer's clearance does not exist for the import: a record with its code is a new one, at the importer's level.
--
-- The rules are the recording functions' (035_input_rules and the rules it builds on), checked set-based: each
-- list is read into a table of typed fields in one statement, then each family of rules (a record's own values,
-- its references, the rules between them) is one statement over the whole list, which files what it refuses in
-- pg_temp.import_problems. The first refusal in document order is raised, prefixed by where in the document it is:
-- `commitments[3].due_on: 2025-05-01 is before made_on 2025-05-16`. The error's COLUMN is that path; the parley
-- command maps it to the line of the file. Then each kind of record is written with one statement.
--
-- parley.export_world() (600) writes the same document from the database.
set local role parley_owner;

-- What the reading functions of an earlier version were (one value at a time).
drop function if exists parley_data.import_fields(jsonb, text[]);
drop function if exists parley_data.import_text(jsonb, text);
drop function if exists parley_data.import_text_list(jsonb, text);
drop function if exists parley_data.import_date(jsonb, text);
drop function if exists parley_data.import_timestamptz(jsonb, text);
drop function if exists parley_data.import_numeric(jsonb, text);
drop function if exists parley_data.import_days(jsonb, text);
drop function if exists parley_data.import_bool(jsonb, text);
drop function if exists parley_data.import_choice(jsonb, text, text[]);
drop function if exists parley_data.import_list(jsonb, text);
drop function if exists parley_data.import_date_ok(jsonb);
drop function if exists parley_data.import_number_ok(jsonb);
drop function if exists parley_data.import_days_ok(jsonb);
drop function if exists parley_data.import_refusal(text, text, text, text, text, text, text);
drop function if exists parley_data.import_duplicate(jsonb, text);
drop function if exists parley_data.refuse_duplicate(text, integer, record, text, text);
drop function if exists parley_data.import_codes(jsonb, text);

-- The layout ---------------------------------------------------------------------------------------------------

-- The fields of each list's records, in the order they are read, and what each holds: text, a date (YYYY-MM-DD), a
-- moment (ISO 8601 with its offset), a number, days (a whole number of days from the day of the import), a
-- boolean, codes (a list of codes, or one), records (a list of records: the list named list.field), or one of the
-- words of an enum type (choice); and what a field left out (or null) stands for, when not nothing.
-- docs/import-format.md describes the same.
create or replace view parley_data.import_layout (list, position, field, kind, choices, fallback) as
select v.list, v.position, v.field, v.kind, v.choices::regtype, d.fallback
  from (values
    ('people', 1, 'email', 'text', null), ('people', 2, 'name', 'text', null), ('people', 3, 'timezone', 'text', null),
    ('people', 4, 'clearance', 'choice', 'parley.classification'), ('people', 5, 'active', 'boolean', null),
    ('parties', 1, 'code', 'text', null), ('parties', 2, 'name', 'text', null),
    ('parties', 3, 'kind', 'choice', 'parley.party_kind'),
    ('sources', 1, 'code', 'text', null), ('sources', 2, 'title', 'text', null), ('sources', 3, 'publisher', 'text', null),
    ('sources', 4, 'url', 'text', null), ('sources', 5, 'published_on', 'date', null), ('sources', 6, 'note', 'text', null),
    ('items', 1, 'code', 'text', null), ('items', 2, 'title', 'text', null), ('items', 3, 'description', 'text', null),
    ('tracks', 1, 'code', 'text', null), ('tracks', 2, 'name', 'text', null),
    ('tracks', 3, 'format', 'choice', 'parley.track_format'), ('tracks', 4, 'status', 'choice', 'parley.track_status'),
    ('tracks', 5, 'venue', 'text', null), ('tracks', 6, 'timezone', 'text', null), ('tracks', 7, 'description', 'text', null),
    ('tracks', 8, 'classification', 'choice', 'parley.classification'), ('tracks', 9, 'lead', 'text', null),
    ('tracks', 10, 'members', 'records', null), ('tracks', 11, 'agenda', 'records', null),
    ('tracks.members', 1, 'party', 'text', null), ('tracks.members', 2, 'role', 'choice', 'parley.member_role'),
    ('tracks.members', 3, 'note', 'text', null),
    ('tracks.agenda', 1, 'item', 'text', null), ('tracks.agenda', 2, 'status', 'choice', 'parley.agenda_status'),
    ('tracks.agenda', 3, 'status_since', 'date', null), ('tracks.agenda', 4, 'note', 'text', null),
    ('meetings', 1, 'code', 'text', null), ('meetings', 2, 'track', 'text', null), ('meetings', 3, 'title', 'text', null),
    ('meetings', 4, 'starts_at', 'moment', null), ('meetings', 5, 'ends_at', 'moment', null),
    ('meetings', 6, 'starts_in_days', 'days', null), ('meetings', 7, 'start_time', 'text', null),
    ('meetings', 8, 'duration_hours', 'number', null), ('meetings', 9, 'location', 'text', null),
    ('meetings', 10, 'status', 'choice', 'parley.meeting_status'), ('meetings', 11, 'outcome', 'text', null),
    ('meetings', 12, 'classification', 'choice', 'parley.classification'), ('meetings', 13, 'source', 'text', null),
    ('deals', 1, 'code', 'text', null), ('deals', 2, 'title', 'text', null),
    ('commitments', 1, 'code', 'text', null), ('commitments', 2, 'track', 'text', null),
    ('commitments', 3, 'item', 'text', null), ('commitments', 4, 'meeting', 'text', null),
    ('commitments', 5, 'obligor', 'text', null), ('commitments', 6, 'beneficiaries', 'codes', null),
    ('commitments', 7, 'text', 'text', null), ('commitments', 8, 'made_on', 'date', null),
    ('commitments', 9, 'made_in_days', 'days', null), ('commitments', 10, 'due_on', 'date', null),
    ('commitments', 11, 'due_in_days', 'days', null), ('commitments', 12, 'target_quantity', 'number', null),
    ('commitments', 13, 'unit', 'text', null), ('commitments', 14, 'deal', 'text', null),
    ('commitments', 15, 'owner', 'text', null), ('commitments', 16, 'classification', 'choice', 'parley.classification'),
    ('commitments', 17, 'source', 'text', null), ('commitments', 18, 'updates', 'records', null),
    ('commitments', 19, 'agreement', 'text', null), ('commitments', 20, 'article', 'text', null),
    ('commitments', 21, 'implementation', 'records', null),
    ('commitments.implementation', 1, 'score', 'number', null), ('commitments.implementation', 2, 'as_of', 'date', null),
    ('commitments.implementation', 3, 'note', 'text', null), ('commitments.implementation', 4, 'source', 'text', null),
    ('agreements', 1, 'code', 'text', null), ('agreements', 2, 'title', 'text', null),
    ('agreements', 3, 'kind', 'choice', 'parley.agreement_kind'), ('agreements', 4, 'tracks', 'codes', null),
    ('agreements', 5, 'timezone', 'text', null), ('agreements', 6, 'signed_at', 'text', null),
    ('agreements', 7, 'summary', 'text', null), ('agreements', 8, 'owner', 'text', null),
    ('agreements', 9, 'source', 'text', null), ('agreements', 10, 'classification', 'choice', 'parley.classification'),
    ('agreements', 11, 'parties', 'records', null), ('agreements', 12, 'history', 'records', null),
    ('agreements', 13, 'terms', 'records', null), ('agreements', 14, 'participation', 'records', null),
    ('agreements', 15, 'related', 'records', null),
    ('agreements.parties', 1, 'party', 'text', null), ('agreements.parties', 2, 'role', 'choice', 'parley.agreement_role'),
    ('agreements.parties', 3, 'signed_on', 'date', null), ('agreements.parties', 4, 'note', 'text', null),
    ('agreements.history', 1, 'status', 'choice', 'parley.agreement_status'),
    ('agreements.history', 2, 'happened_on', 'date', null), ('agreements.history', 3, 'party', 'text', null),
    ('agreements.history', 4, 'source', 'text', null), ('agreements.history', 5, 'note', 'text', null),
    ('agreements.terms', 1, 'starts_on', 'date', null), ('agreements.terms', 2, 'ends_on', 'date', null),
    ('agreements.terms', 3, 'length', 'text', null), ('agreements.terms', 4, 'renewal', 'choice', 'parley.renewal_kind'),
    ('agreements.terms', 5, 'objection_notice', 'text', null), ('agreements.terms', 6, 'agreed_on', 'date', null),
    ('agreements.terms', 7, 'agreed_by', 'codes', null), ('agreements.terms', 8, 'source', 'text', null),
    ('agreements.terms', 9, 'note', 'text', null), ('agreements.terms', 10, 'claims', 'records', null),
    ('agreements.terms.claims', 1, 'claimant', 'text', null), ('agreements.terms.claims', 2, 'stated_on', 'date', null),
    ('agreements.terms.claims', 3, 'starts_on', 'date', null), ('agreements.terms.claims', 4, 'ends_on', 'date', null),
    ('agreements.terms.claims', 5, 'length', 'text', null), ('agreements.terms.claims', 6, 'statement', 'text', null),
    ('agreements.terms.claims', 7, 'source', 'text', null),
    ('agreements.participation', 1, 'party', 'text', null),
    ('agreements.participation', 2, 'change', 'choice', 'parley.participation_change'),
    ('agreements.participation', 3, 'announced_on', 'date', null), ('agreements.participation', 4, 'effective_on', 'date', null),
    ('agreements.participation', 5, 'provisions_closed_as', 'choice', 'parley.commitment_status'),
    ('agreements.participation', 6, 'source', 'text', null), ('agreements.participation', 7, 'note', 'text', null),
    ('agreements.related', 1, 'relation', 'choice', 'parley.agreement_relation'),
    ('agreements.related', 2, 'agreement', 'text', null), ('agreements.related', 3, 'note', 'text', null),
    ('agreements.related', 4, 'source', 'text', null),
    ('commitments.updates', 1, 'reported_on', 'date', null), ('commitments.updates', 2, 'delivered', 'number', null),
    ('commitments.updates', 3, 'new_status', 'choice', 'parley.commitment_status'),
    ('commitments.updates', 4, 'reopen', 'boolean', null), ('commitments.updates', 5, 'note', 'text', null),
    ('commitments.updates', 6, 'source', 'text', null), ('commitments.updates', 7, 'reported_by', 'text', null),
    ('commitments.updates', 8, 'verification', 'choice', 'parley.verification'),
    ('commitments.updates', 9, 'recorded_by', 'text', null),
    ('positions', 1, 'party', 'text', null), ('positions', 2, 'item', 'text', null), ('positions', 3, 'track', 'text', null),
    ('positions', 4, 'stance', 'choice', 'parley.stance'), ('positions', 5, 'stated_on', 'date', null),
    ('positions', 6, 'statement', 'text', null), ('positions', 7, 'source', 'text', null),
    ('positions', 8, 'classification', 'choice', 'parley.classification'),
    ('figures', 1, 'indicator', 'text', null), ('figures', 2, 'item', 'text', null), ('figures', 3, 'value', 'number', null),
    ('figures', 4, 'unit', 'text', null), ('figures', 5, 'as_of', 'date', null), ('figures', 6, 'claimant', 'text', null),
    ('figures', 7, 'source', 'text', null), ('figures', 8, 'confidence', 'choice', 'parley.confidence'),
    ('figures', 9, 'note', 'text', null), ('figures', 10, 'classification', 'choice', 'parley.classification'),
    ('follow_ups', 1, 'code', 'text', null), ('follow_ups', 2, 'assignee', 'text', null),
    ('follow_ups', 3, 'due_at', 'moment', null), ('follow_ups', 4, 'due_in_days', 'days', null),
    ('follow_ups', 5, 'due_time', 'text', null), ('follow_ups', 6, 'note', 'text', null),
    ('follow_ups', 7, 'commitment', 'text', null), ('follow_ups', 8, 'meeting', 'text', null),
    ('follow_ups', 9, 'track', 'text', null), ('follow_ups', 10, 'done_at', 'moment', null),
    ('follow_ups', 11, 'done_note', 'text', null),
    ('subscriptions', 1, 'person', 'text', null), ('subscriptions', 2, 'track', 'text', null),
    ('subscriptions', 3, 'item', 'text', null), ('subscriptions', 4, 'min_severity', 'choice', 'parley.severity')
  ) v(list, position, field, kind, choices)
  left join (values
    ('people', 'timezone', 'UTC'), ('people', 'clearance', 'unclassified'), ('people', 'active', 'true'),
    ('parties', 'kind', 'state'), ('tracks', 'status', 'active'), ('tracks', 'timezone', 'UTC'),
    ('tracks', 'classification', 'unclassified'), ('tracks.agenda', 'status', 'proposed'),
    ('meetings', 'classification', 'unclassified'), ('commitments', 'classification', 'unclassified'),
    ('commitments.updates', 'reopen', 'false'), ('commitments.updates', 'verification', 'unverified'),
    ('positions', 'classification', 'unclassified'), ('figures', 'confidence', 'reported'),
    ('figures', 'classification', 'unclassified'), ('subscriptions', 'min_severity', 'info')
  ) d(list, field, fallback) on d.list = v.list and d.field = v.field;
comment on view parley_data.import_layout is
    'Import: the fields of each list of a document, in order, with what each holds (text, date, moment, number, days, boolean, codes, records, or a word of the enum type in choices) and what it is when left out (fallback).';

-- Reading values -------------------------------------------------------------------------------------------------

create or replace function parley_data.import_kind(v jsonb) returns text
    language sql immutable strict parallel safe
    return case jsonb_typeof(v) when 'object' then 'a mapping' when 'array' then 'a list' when 'string' then 'text'
                                when 'number' then 'a number' when 'boolean' then 'true or false' else 'nothing' end;

-- A real day written YYYY-MM-DD, from the year 1. (Days up to the 28th need no calendar.)
create or replace function parley_data.reads_as_date(v text) returns boolean
    language sql immutable parallel safe
    return case when v ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$' then substr(v, 1, 4) <> '0000'
                when v ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(29|30|31)$'
                then substr(v, 1, 4) <> '0000'
                     and substr(v, 9, 2)::integer
                         <= extract(day from make_date(substr(v, 1, 4)::integer, substr(v, 6, 2)::integer, 1)
                                             + interval '1 month' - interval '1 day')
                else false end;

-- A number as the database's numeric reads it, without thousands separators: NaN and Infinity read as numbers,
-- which the rules then refuse as they refuse them from a recording function.
create or replace function parley_data.reads_as_number(v jsonb) returns boolean
    language sql immutable parallel safe
    return jsonb_typeof(v) = 'number'
        or jsonb_typeof(v) = 'string'
           and ((v #>> '{}') ~ '^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$'
                or (v #>> '{}') ~* '^\s*[-+]?(nan|inf|infinity)\s*$');

-- Moments are rare in a document (meetings, follow-ups), so the server's own parser decides.
create or replace function parley_data.reads_as_moment(v text) returns boolean
    language plpgsql stable parallel safe as $$
begin
    perform v::timestamptz;
    return true;
exception when datetime_field_overflow or invalid_datetime_format or invalid_parameter_value then
    return false;
end
$$;

-- The first (in text order) of the fields of a record that are not in `fields`.
create or replace function parley_data.unknown_field(r jsonb, fields text[]) returns text
    language sql immutable parallel safe
    return (select min(k) from jsonb_object_keys(r - fields) k);

-- Rule of the document: a record is a mapping of known fields (22023). (Kept free of subqueries, so that it is
-- inlined into the statement that reads a list.)
create or replace function parley_data.unshaped(r jsonb, fields text[])
    returns parley_data.refusal
    language sql stable parallel safe
    return case
        when jsonb_typeof(r) is distinct from 'object'
        then parley_data.refused('22023', '', 'import_record_is_mapping',
            format('expected a mapping of fields, found %s',
                   case jsonb_typeof(r) when 'array' then 'a list' when 'null' then 'nothing' else 'a single value' end),
            format('Give the record as field: value pairs; its fields are %s.', array_to_string(fields, ', ')))
        when r - fields <> '{}'::jsonb
        then parley_data.refused('22023', parley_data.unknown_field(r, fields), 'import_known_field',
            format('unknown field "%s"', parley_data.unknown_field(r, fields)),
            format('The fields here are %s.', array_to_string(fields, ', ')))
    end;

-- Rule of the document: a field's value is of its kind (22023, 22007, 22P02). Absent or null is no value.
create or replace function parley_data.unreadable(v jsonb, field text, kind text, choices text[])
    returns parley_data.refusal
    language sql stable parallel safe
    return case
        -- What plainly reads is passed at once: text given as text, a number as a number, a date up to the 28th,
        -- one of the words (the checks below would pass them too, each looking the value up again).
        when case kind when 'text' then jsonb_typeof(v) = 'string'
                       when 'number' then jsonb_typeof(v) = 'number'
                       when 'date' then (v #>> '{}') ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$'
                                        and left(v #>> '{}', 4) <> '0000'
                       when 'choice' then (v #>> '{}') = any (choices) end
        then null
        when v is null or jsonb_typeof(v) = 'null' then null
        when kind = 'records' then
            case when jsonb_typeof(v) <> 'array'
                 then parley_data.refused('22023', field, 'import_list',
                     format('%s must be a list, not %s', field, parley_data.import_kind(v)),
                     format('Give %s as a list of records (in YAML, each starting with "- ").', field)) end
        when kind = 'codes' then
            case when jsonb_typeof(v) not in ('array', 'string')
                 then parley_data.refused('22023', field, 'import_list',
                     format('%s must be a list, not %s', field, parley_data.import_kind(v)),
                     format('Give %s as a list, e.g. [UA, RU].', field))
                 when jsonb_path_exists(v, '$[*] ? (@.type() == "object" || @.type() == "array" || @.type() == "boolean")')
                 then parley_data.refused('22023', field, 'import_list',
                     format('%s must be a list of codes; it holds %s', field, parley_data.import_kind(
                         jsonb_path_query_first(v, '$[*] ? (@.type() == "object" || @.type() == "array" || @.type() == "boolean")'))),
                     format('Give %s as a list of codes, e.g. [UA, RU].', field)) end
        when jsonb_typeof(v) in ('object', 'array')
        then parley_data.refused('22023', field, 'import_single_value',
            format('%s must be a single value, not %s', field, parley_data.import_kind(v)),
            format('Give %s as one line of text.', field))
        when kind = 'date' and not parley_data.reads_as_date(v #>> '{}')
        then parley_data.refused('22007', field, 'import_date', format('%s "%s" is not a date', field, v #>> '{}'),
            format('Write %s as YYYY-MM-DD, e.g. 2025-05-16.', field))
        when kind in ('number', 'days') and not parley_data.reads_as_number(v)
        then parley_data.refused('22P02', field, 'import_number',
            format('%s must be a number, not %s', field,
                   case jsonb_typeof(v) when 'string' then format('"%s"', v #>> '{}') else parley_data.import_kind(v) end),
            format('Give %s as a number such as 1000 or 12.5, without thousands separators.', field))
        when kind = 'days' and ((v #>> '{}')::numeric <> trunc((v #>> '{}')::numeric) or abs((v #>> '{}')::numeric) > 36500)
        then parley_data.refused('22P02', field, 'import_days',
            format('%s must be a whole number of days, not %s', field, (v #>> '{}')::numeric),
            format('Give %s as a whole number of days from the day of the import, e.g. 5 or -3.', field))
        when kind = 'boolean' and jsonb_typeof(v) <> 'boolean'
        then parley_data.refused('22023', field, 'import_boolean',
            format('%s must be true or false, not %s', field, parley_data.import_kind(v)),
            format('Write %s: true or %s: false.', field, field))
        when kind = 'moment' and not parley_data.reads_as_moment(v #>> '{}')
        then parley_data.refused('22007', field, 'import_timestamp', format('%s "%s" is not a date and time', field, v #>> '{}'),
            format('Write %s as YYYY-MM-DDTHH:MM:SS with the UTC offset, e.g. 2025-05-16T12:30:00+03:00.', field))
        when kind = 'choice' and (v #>> '{}') <> all (choices)
        then parley_data.refused('22023', field, 'import_choice',
            format('%s "%s" is not one of %s', field, v #>> '{}', array_to_string(choices, ', ')),
            format('Give one of: %s.', array_to_string(choices, ', ')))
    end;

-- A list of codes as text[]: one code alone is a list of one.
create or replace function parley_data.import_code_list(v jsonb) returns text[]
    language sql immutable parallel safe
    return case jsonb_typeof(v) when 'string' then array[v #>> '{}']
                                when 'array' then array(select e #>> '{}' from jsonb_array_elements(v) e) end;

comment on function parley_data.unshaped(jsonb, text[]) is 'Import rule: a record is a mapping of known fields (22023).';
comment on function parley_data.unreadable(jsonb, text, text, text[]) is
    'Import rule: a field''s value is of its kind in parley_data.import_layout (22023, 22007, 22P02).';

-- Rule of an import: what a document may not change about a record already there (a commitment's track, item,
-- obligor, deal or made_on; a meeting's track). `recorded`: the value it has, as the refusal says it.
create or replace function parley_data.import_keeps(kind text, code text, field text, recorded text)
    returns parley_data.refusal
    language sql stable parallel safe
    return parley_data.refused('23514', field, 'import_keeps_' || kind,
        format('%s "%s" is recorded with %s %s; an import does not change that', kind, code, field, recorded),
        format('Give the recorded value, or record a new %s under another code.', kind));
comment on function parley_data.import_keeps(text, text, text, text) is
    'Import rule: a document does not change what identifies a recorded commitment or meeting (23514).';

-- Refusals of a document ------------------------------------------------------------------------------------------

-- The refusals found so far, with where each is: record `ord` of the list (from 1), its sub-record `sub_ord` of the
-- list `part` (the position of that field; 0 and 0 for the record itself), and the `step` of the rules that found
-- it. The first in document order is the one raised.
create or replace function parley_data.import_start() returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    if to_regclass('pg_temp.import_problems') is null then
        create temp table import_problems (
            ord      bigint not null,
            part     integer not null,
            sub_ord  bigint not null,
            step     integer not null,
            path     text not null,
            problem  parley_data.refusal not null
        ) on commit drop;
    else
        truncate pg_temp.import_problems;
    end if;
end
$$;

-- Where a record is in the document: `commitments[3].` or `commitments[3].updates[0].`.
create or replace function parley_data.import_path(list text, base integer, ord bigint, sub_ord bigint)
    returns text
    language sql immutable parallel safe
    return case when sub_ord > 0
                then format('%s[%s].%s[%s].', split_part(list, '.', 1), base + ord - 1, split_part(list, '.', 2), sub_ord - 1)
                else format('%s[%s].', list, base + ord - 1) end;

-- Files what `checks` refuses: a query of (ord, sub_ord, problem) over the list's table, one row per record. The
-- query may read `items` as $5.
create or replace function parley_data.import_check(list text, base integer, step integer, checks text,
                                                    items jsonb default null)
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    part constant integer := coalesce((select l.position from parley_data.import_layout l
                                        where l.list = split_part(import_check.list, '.', 1)
                                          and l.field = split_part(import_check.list, '.', 2)), 0);
begin
    execute format(
        'insert into pg_temp.import_problems (ord, part, sub_ord, step, path, problem)
         select c.ord, $1, c.sub_ord, $2, parley_data.import_path($3, $4, c.ord, c.sub_ord), c.problem
           from (%s) c(ord, sub_ord, problem)
          where (c.problem).state is not null', checks)
      using part, step, list, base, items;
end
$$;
comment on function parley_data.import_check(text, integer, integer, text, jsonb) is
    'Import: files the refusals a query of (ord, sub_ord, problem) finds, with where each record is in the document.';

-- Raises the first refusal in document order, with the record's path in front of its message and as its COLUMN
-- (`people[2].email: ...`). A message that starts with the field's own name (`due_on 2025-05-01 is before ...`)
-- loses it, since the path names it already.
create or replace function parley_data.import_refuse_first()
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    first record;
    full_path text;
    field_name text;
begin
    select p.path, (p.problem).* into first
      from pg_temp.import_problems p order by p.ord, p.part, p.sub_ord, p.step limit 1;
    if not found then
        return;
    end if;
    full_path := rtrim(first.path || first.field, '.');
    field_name := regexp_replace(first.field, '^.*\.', '');
    perform parley_data.refuse(first.state, full_path, first.rule,
        full_path || ': ' || case when field_name <> '' and starts_with(first.message, field_name || ' ')
                                  then substr(first.message, length(field_name) + 2) else first.message end,
        first.hint);
end
$$;
comment on function parley_data.import_refuse_first() is
    'Import: raises the first refusal filed, in document order, with the record''s path (commitments[3].due_on: ...) as its COLUMN.';

-- Reading a list ---------------------------------------------------------------------------------------------------

-- Reads list `list` (e.g. commitments, or commitments.updates: the updates of the commitments in `items`) into the
-- table pg_temp.import_<list> (import_commitments_updates): ord (and sub_ord), then a column per field of the
-- layout, typed (text, date, timestamptz, numeric, integer, boolean, text[] or the enum; a moment also as written,
-- in <field>_as_written), for every record that reads; what does not read is filed as refused. One statement each.
-- A field that holds records has no column (its records are a list of their own, read from the document): kept
-- in the table, they were copied by every step that writes the table's rows again, and `analyze` read them all.
create or replace function parley_data.import_read(list text, items jsonb, base integer)
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    target constant text := 'import_' || replace(list, '.', '_');
    fields text[];
    problems text;
    columns text;
    records text;
begin
    select array_agg(l.field order by l.position),
           string_agg(format('parley_data.unreadable(e.r -> %L, %L, %L, %L)', l.field, l.field, l.kind,
                             l.enum_range_of), ', ' order by l.position),
           string_agg(format(case l.kind when 'text' then 'coalesce(e.r ->> %1$L, %4$L)'
                                         when 'codes' then 'parley_data.import_code_list(e.r -> %1$L)'
                                         when 'days' then '(e.r ->> %1$L)::numeric::integer'
                                         when 'moment' then '(e.r ->> %1$L)::timestamptz as %3$I, e.r ->> %1$L'
                                         else 'coalesce(e.r ->> %1$L, %4$L)::%2$s' end
                             || ' as ' || case l.kind when 'moment' then quote_ident(l.field || '_as_written') else '%3$I' end,
                             l.field, case l.kind when 'date' then 'date' when 'moment' then 'timestamptz'
                                                   when 'number' then 'numeric' when 'boolean' then 'boolean'
                                                   else l.choices::text end, l.field, l.fallback),
                      ', ' order by l.position) filter (where l.kind <> 'records')
      into fields, problems, columns
      from (select x.*, (select array_agg(e.enumlabel::text order by e.enumsortorder) from pg_enum e
                          where e.enumtypid = x.choices) as enum_range_of
              from parley_data.import_layout x where x.list = import_read.list) l;
    -- The records: a list's own, or the sub-records of each record of its parent list; the list is the parameter $5.
    records := case when position('.' in list) = 0
        then 'select p.ord, 0::bigint as sub_ord, p.r from jsonb_array_elements($5) with ordinality p(r, ord)'
        else format('select p.ord, s.ord as sub_ord, s.r from jsonb_array_elements($5) with ordinality p(r, ord),
                       jsonb_array_elements(case jsonb_typeof(p.r -> %L) when ''array'' then p.r -> %L else ''[]'' end)
                            with ordinality s(r, ord)', split_part(list, '.', 2), split_part(list, '.', 2)) end;
    perform parley_data.import_check(list, base, 0, format(
        'select e.ord, e.sub_ord, coalesce(parley_data.unshaped(e.r, %L), %s) from (%s) e',
        fields, problems, records), items);
    if to_regclass('pg_temp.' || quote_ident(target)) is not null then
        execute format('drop table pg_temp.%I', target);
    end if;
    execute format(
        'create temp table %I on commit drop as
         select e.ord, e.sub_ord, %s from (%s) e
          where not exists (select 1 from pg_temp.import_problems x
                             where x.ord = e.ord and x.sub_ord = e.sub_ord and x.step = 0 and x.part = $1)',
        target, columns, replace(records, '$5', '$2'))
      using coalesce((select l.position from parley_data.import_layout l
                              where l.list = split_part(import_read.list, '.', 1)
                                and l.field = split_part(import_read.list, '.', 2)), 0), items;
    execute format('analyze pg_temp.%I', target);
end
$$;
comment on function parley_data.import_read(text, jsonb, integer) is
    'Import: reads a list of a document into pg_temp.import_<list>, a typed column per field of parley_data.import_layout, filing what does not read as refused.';

-- Adds to pg_temp.import_<list> the columns `columns` ('name type, ...'), unless it has them, and fills them, in one
-- statement, from `query`: (ord, sub_ord, and a value per column, in that order). What a section works out from its
-- records and the database — the ids their references name, the record each one is already, the levels, the
-- values a record ends up with — goes in this way.
create or replace function parley_data.import_resolve(list text, columns text, query text)
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    target constant text := 'import_' || replace(list, '.', '_');
    names constant text[] := array(select split_part(btrim(c), ' ', 1) from regexp_split_to_table(columns, ',') c);
begin
    execute format('alter table pg_temp.%I %s', target,
                   (select string_agg('add column if not exists ' || btrim(c), ', ') from regexp_split_to_table(columns, ',') c));
    execute format('update pg_temp.%I s set (%s) = row(%s) from (%s) r(ord, sub_ord, %s)
                     where s.ord = r.ord and s.sub_ord = r.sub_ord',
                   target, array_to_string(names, ', '),
                   (select string_agg('r.' || n, ', ') from unnest(names) n), query, array_to_string(names, ', '));
end
$$;
comment on function parley_data.import_resolve(text, text, text) is
    'Import: adds columns to a list''s table and fills them from a query of (ord, sub_ord, values...).';

-- Records of a list that name the same natural key (`key`, an expression over pg_temp.import_<list> x) as one
-- before them (in the same record, for sub-records): the document names one record twice (23505).
create or replace function parley_data.import_duplicates(list text, base integer, key text, field text, what text)
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.import_check(list, base, 1, format(
        'select d.ord, d.sub_ord,
                parley_data.refused(''23505'', %L, %L, format(''%s is given twice; it was given first at %%s'',
                                    d.key, parley_data.import_path(%L, %s, d.first_ord, d.first_sub_ord)),
                                    ''Each record appears once in a document; merge the two.'')
           from (select r.ord, r.sub_ord, r.key,
                        first_value(r.ord) over w as first_ord, first_value(r.sub_ord) over w as first_sub_ord
                   from (select x.ord, x.sub_ord, (%s) as key from pg_temp.%I x) r
                  where r.key is not null
                 window w as (partition by case when r.sub_ord > 0 then r.ord end, r.key order by r.ord, r.sub_ord)) d
          where (d.ord, d.sub_ord) <> (d.first_ord, d.first_sub_ord)',
        field, replace(list, '.', '_') || '_unique_in_document', what, list, base, key,
        'import_' || replace(list, '.', '_')));
end
$$;
comment on function parley_data.import_duplicates(text, integer, text, text, text) is
    'Import: files as refused (23505) each record that names the natural key of a record before it in the same list.';

-- Writing --------------------------------------------------------------------------------------------------------

create or replace function parley_data.import_counts(total integer, added integer, changed integer) returns jsonb
    language sql immutable parallel safe
    return jsonb_build_object('new', added, 'changed', changed, 'unchanged', total - added - changed);

-- Writes the rows of pg_temp.import_<list> into `target`: a row whose `existing` column is null is inserted (with
-- the columns `key`, `columns` and `insert_only`), a row that names an existing one (matched on `key`) is updated
-- where any of `columns` differs. Returns {new, changed, unchanged}. (An UPDATE of no rows
-- still fires the statement triggers of history and planning: it runs only when there are rows that exist.)
create or replace function parley_data.import_write(list text, target regclass, key text[], columns text[],
                                                    insert_only text[] default '{}')
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    source constant text := 'pg_temp.import_' || replace(list, '.', '_');
    total integer;
    existing integer;
    added integer;
    changed integer := 0;
    all_columns constant text[] := array(select distinct c from unnest(key || columns || insert_only) c);
begin
    execute format('select count(*)::integer, count(existing)::integer from %s', source) into total, existing;
    execute format('insert into %s (%s) overriding system value select %s from %s s where s.existing is null',
                   target, (select string_agg(quote_ident(c), ', ') from unnest(all_columns) c),
                   (select string_agg('s.' || quote_ident(c), ', ') from unnest(all_columns) c), source);
    get diagnostics added = row_count;
    if existing > 0 then
        execute format('update %s t set (%s) = (select %s) from %s s
                         where s.existing is not null and (%s) and (%s) is distinct from (%s)',
                       target, (select string_agg(quote_ident(c), ', ') from unnest(columns) c),
                       (select string_agg('s.' || quote_ident(c), ', ') from unnest(columns) c), source,
                       (select string_agg(format('t.%1$I = s.%1$I', c), ' and ') from unnest(key) c),
                       (select string_agg('t.' || quote_ident(c), ', ') from unnest(columns) c),
                       (select string_agg('s.' || quote_ident(c), ', ') from unnest(columns) c));
        get diagnostics changed = row_count;
    end if;
    return parley_data.import_counts(total, added, changed);
end
$$;
comment on function parley_data.import_write(text, regclass, text[], text[], text[]) is
    'Import: inserts the new rows of a list and updates the existing ones that differ, in one statement each; returns {new, changed, unchanged}.';

-- Optional text is kept without surrounding blanks, and blank is none: as the recording functions keep it. Done
-- after the rules, which judge the text as it was written.
create or replace function parley_data.import_tidy(list text, columns text[])
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    -- Only the rows it changes are written again (most text is tidy already).
    execute format('update pg_temp.%I set (%s) = row(%s) where row(%2$s) is distinct from row(%3$s)',
                   'import_' || replace(list, '.', '_'),
                   (select string_agg(quote_ident(c), ', ') from unnest(columns) c),
                   (select string_agg(format('nullif(btrim(%I), '''')', c), ', ') from unnest(columns) c));
end
$$;
comment on function parley_data.import_tidy(text, text[]) is 'Import: trims optional text of a list, blank becoming none, as recording does.';

-- The next ids of a table, for the new rows of a list in document order (so that their children can name them
-- before they are written).
create or replace function parley_data.import_new_ids(list text, target regclass)
    returns void
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    execute format('update pg_temp.%1$I x set id = n.id
                      from (select s.ord, s.sub_ord, nextval(%2$L) as id
                              from (select y.ord, y.sub_ord from pg_temp.%1$I y where y.existing is null
                                     order by y.ord, y.sub_ord offset 0) s) n
                     where (x.ord, x.sub_ord) = (n.ord, n.sub_ord)',
                   'import_' || replace(list, '.', '_'), pg_get_serial_sequence(target::text, 'id'));
end
$$;
comment on function parley_data.import_new_ids(text, regclass) is 'Import: gives the new rows of a list the ids their table will keep.';
