-- Import sections: people, parties, sources, agenda items and deals. Each section reads its list (500), files
-- what the rules refuse (035_input_rules and those it builds on, as the recording functions apply them), raises the
-- first refusal, then writes the list, and returns what it did: {"new": n, "changed": n, "unchanged": n}. `base` is
-- the index of the list's first record in the whole document.
set local role parley_owner;

-- A person who exists (by e-mail, in any case) is brought to what the document says; only someone cleared at least
-- as high as them may change them, as with parley.update_person.
create or replace function parley_data.import_people(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.import_read('people', items, base);
    perform parley_data.import_duplicates('people', base, 'lower(x.email)', 'email', 'e-mail "%s"');
    perform parley_data.import_resolve('people',
        'id bigint, existing bigint, known_zone boolean, existing_clearance parley.classification, changes boolean', $q$
        select x.ord, x.sub_ord, p.id, p.id, z.name is not null, p.clearance,
               (p.name, p.timezone, p.clearance, p.active) is distinct from (x.name, x.timezone, x.clearance, x.active)
          from pg_temp.import_people x
          left join parley_data.people p on lower(p.email) = lower(x.email)
          left join parley_data.time_zones z on z.name = x.timezone$q$);
    perform parley_data.import_check('people', base, 2, format($q$
        select x.ord, x.sub_ord,
               coalesce(parley_data.bad_person(x.email, x.name, x.timezone, x.known_zone, x.clearance, %1$L),
                        case when x.changes then parley_data.cleared_above('email', x.email, x.existing_clearance, %1$L) end)
          from pg_temp.import_people x$q$, parley_data.session_clearance()));
    perform parley_data.import_refuse_first();
    perform parley_data.import_new_ids('people', 'parley_data.people');
    return parley_data.import_write('people', 'parley_data.people', array['id'],
                                    array['email', 'name', 'timezone', 'clearance', 'active']);
end
$$;

-- Parties, sources and agenda items: lists found again by code alone, which name nothing else. One function for
-- the three, told by its arguments: `what` names a record in a refusal, `rules` is the call of the section's rules
-- on a record as read (x), `tidy` its optional text (trimmed, blank becoming none, as recording does).
create or replace function parley_data.import_by_code(list text, items jsonb, base integer, what text,
                                                      target regclass, rules text, tidy text[], columns text[])
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.import_read(list, items, base);
    perform parley_data.import_duplicates(list, base, 'x.code', 'code', what || ' "%s"');
    perform parley_data.import_resolve(list, 'id bigint, existing bigint', format($q$
        select x.ord, x.sub_ord, t.id, t.id
          from pg_temp.%I x left join %s t on t.code = x.code$q$, 'import_' || list, target));
    perform parley_data.import_check(list, base, 2, format($q$
        select x.ord, x.sub_ord, %s from pg_temp.%I x$q$, rules, 'import_' || list));
    perform parley_data.import_refuse_first();
    if cardinality(tidy) > 0 then
        perform parley_data.import_tidy(list, tidy);
    end if;
    perform parley_data.import_new_ids(list, target);
    return parley_data.import_write(list, target, array['id'], columns);
end
$$;

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
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
begin
    perform parley_data.import_read('deals', items, base);
    perform parley_data.import_duplicates('deals', base, 'x.code', 'code', 'deal "%s"');
    perform parley_data.import_resolve('deals', 'id bigint, existing bigint, classification parley.classification', $q$
        select x.ord, x.sub_ord, d.id, d.id, coalesce(d.classification, 'unclassified')
          from pg_temp.import_deals x
          left join lateral (select y.id, y.classification from parley_data.deals y
                              where y.code = x.code and y.classification <= parley_data.session_clearance()
                              order by y.classification desc limit 1) d on true$q$);
    perform parley_data.import_check('deals', base, 2, format($q$
        select x.ord, x.sub_ord, parley_data.bad_deal(x.code, x.title, x.classification, %L) from pg_temp.import_deals x$q$,
        parley_data.session_clearance()));
    perform parley_data.import_refuse_first();
    perform parley_data.import_new_ids('deals', 'parley_data.deals');
    return parley_data.import_write('deals', 'parley_data.deals', array['id', 'classification'], array['code', 'title']);
end
$$;
