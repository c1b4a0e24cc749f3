-- Import sections: people, parties, sources, agenda items and deals. Each section reads its list (500), files
-- what the rules refuse (035_input_rules and those it builds on, as the recording functions apply them), raises the
-- first refusal, then writes the list, and returns what it did: {"new": n, "changed": n, "unchanged": n}. `base` is
-- the index of the list's first record in the whole document.
set local role parley_owner;

-- The steps of a section of one list, in their order: read the list (500), refuse what it names twice (`key`, an
-- expression over its table x, is its natural key; `key_field` and `key_what` say it in the refusal), resolve what
-- its records name (`resolved`, the columns that adds, filled by the query `resolve`), file what its rules refuse
-- (`checks`, a query of (ord, sub_ord, problem)), raise the first refusal; then tidy its optional text (`tidy`), work
-- out what its records end up with (`derived` filled by `derive`, when given), give its new rows their ids and
-- write them (`written_key`, `columns` and `insert_only`, as parley_data.import_write takes them). Every section
-- of a list without sub-lists is this; those with sub-lists (tracks, commitments) and follow-ups take the same
-- steps themselves.
create or replace function parley_data.import_section(
    list text, items jsonb, base integer, target regclass, key text, key_field text, key_what text,
    resolved text, resolve text, checks text, written_key text[], columns text[], insert_only text[] default '{}',
    tidy text[] default '{}', derived text default null, derive text default null)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.import_read(list, items, base);
    perform parley_data.import_duplicates(list, base, key, key_field, key_what);
    perform parley_data.import_resolve(list, resolved, resolve);
    perform parley_data.import_check(list, base, 2, checks);
    perform parley_data.import_refuse_first();
    if cardinality(tidy) > 0 then
        perform parley_data.import_tidy(list, tidy);
    end if;
    if derived is not null then
        perform parley_data.import_resolve(list, derived, derive);
    end if;
    perform parley_data.import_new_ids(list, target);
    return parley_data.import_write(list, target, written_key, columns, insert_only);
end
$$;
comment on function parley_data.import_section(text, jsonb, integer, regclass, text, text, text, text, text, text,
                                               text[], text[], text[], text[], text, text) is
    'Import: the steps of a section of one list (read, refuse duplicates, resolve, check, raise the first refusal, tidy, derive, new ids, write); returns {new, changed, unchanged}.';

-- A person who exists (by e-mail, in any case) is brought to what the document says; only someone cleared at least
-- as high as them may change them, as with parley.update_person.
create or replace function parley_data.import_people(items jsonb, base integer)
    returns jsonb
    language sql
    return parley_data.import_section('people', items, base, 'parley_data.people',
        key => 'lower(x.email)', key_field => 'email', key_what => 'e-mail "%s"',
        resolved => 'id bigint, existing bigint, known_zone boolean, existing_clearance parley.classification, changes boolean',
        resolve => $q$
        select x.ord, x.sub_ord, p.id, p.id, z.name is not null, p.clearance,
               (p.name, p.timezone, p.clearance, p.active) is distinct from (x.name, x.timezone, x.clearance, x.active)
          from pg_temp.import_people x
          left join parley_data.people p on lower(p.email) = lower(x.email)
          left join parley_data.time_zones z on z.name = x.timezone$q$,
        checks => format($q$
        select x.ord, x.sub_ord,
               coalesce(parley_data.bad_person(x.email, x.name, x.timezone, x.known_zone, x.clearance, %1$L),
                        case when x.changes then parley_data.cleared_above('email', x.email, x.existing_clearance, %1$L) end)
          from pg_temp.import_people x$q$, parley_data.session_clearance()),
        written_key => array['id'], columns => array['email', 'name', 'timezone', 'clearance', 'active']);

-- Parties, sources and agenda items: lists found again by code alone, which name nothing else. One function for
-- the three, told by its arguments: `what` names a record in a refusal, `rules` is the call of the section's rules
-- on a record as read (x), `tidy` its optional text (trimmed, blank becoming none, as recording does).
create or replace function parley_data.import_by_code(list text, items jsonb, base integer, what text,
                                                      target regclass, rules text, tidy text[], columns text[])
    returns jsonb
    language sql
    return parley_data.import_section(list, items, base, target,
        key => 'x.code', key_field => 'code', key_what => what || ' "%s"',
        resolved => 'id bigint, existing bigint',
        resolve => format('select x.ord, x.sub_ord, t.id, t.id from pg_temp.%I x left join %s t on t.code = x.code',
                          'import_' || list, target),
        checks => format('select x.ord, x.sub_ord, %s from pg_temp.%I x', rules, 'import_' || list),
        written_key => array['id'], columns => columns, tidy => tidy);

create or replace function parley_data.import_parties(items jsonb, base integer) returns jsonb
    language sql
    return parley_data.import_by_code('parties', items, base, 'party', 'parley_data.parties',
        'parley_data.bad_party(x.code, x.name, x.kind)', '{}', array['code', 'name', 'kind']);

create or replace function parley_data.import_sources(items jsonb, base integer) returns jsonb
    language sql
    return parley_data.import_by_code('sources', items, base, 'source', 'parley_data.sources',
        'parley_data.bad_source(x.code, x.title, x.publisher, x.url, x.note)', array['publisher', 'url', 'note'],
        array['code', 'title', 'publisher', 'url', 'published_on', 'note']);

create or replace function parley_data.import_items(items jsonb, base integer) returns jsonb
    language sql
    return parley_data.import_by_code('items', items, base, 'agenda item', 'parley_data.agenda_items',
        'parley_data.bad_item(x.code, x.title, x.description)', array['description'],
        array['code', 'title', 'description']);

-- A deal the caller may not see does not count: the record is a new deal (unclassified until a commitment raises
-- it, 040_model_rules). Of the deals with its code the caller may see, the most classified is the one it names.
create or replace function parley_data.import_deals(items jsonb, base integer)
    returns jsonb
    language sql
    return parley_data.import_section('deals', items, base, 'parley_data.deals',
        key => 'x.code', key_field => 'code', key_what => 'deal "%s"',
        resolved => 'id bigint, existing bigint, classification parley.classification',
        resolve => $q$
        select x.ord, x.sub_ord, d.id, d.id, coalesce(d.classification, 'unclassified')
          from pg_temp.import_deals x
          left join lateral (select y.id, y.classification from parley_data.deals y
                              where y.code = x.code and y.classification <= parley_data.session_clearance()
                              order by y.classification desc limit 1) d on true$q$,
        checks => format($q$
        select x.ord, x.sub_ord, parley_data.bad_deal(x.code, x.title, x.classification, %L) from pg_temp.import_deals x$q$,
            parley_data.session_clearance()),
        written_key => array['id', 'classification'], columns => array['code', 'title']);
