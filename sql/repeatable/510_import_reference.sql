-- Import sections: people, parties, sources, agenda items.
set local role parley_owner;

-- Sections --------------------------------------------------------------------------------------------------------
-- Each section function checks every record of its list in order, then writes the list, and returns what it did:
-- {"new": n, "changed": n, "unchanged": n}. `base` is the index of the list's first record in the whole document.

create or replace function parley_data.import_counts(total integer, added integer, changed integer) returns jsonb
    language sql immutable parallel safe
    return jsonb_build_object('new', added, 'changed', changed, 'unchanged', total - added - changed);

create or replace function parley_data.import_people(items jsonb, base integer)
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

create or replace function parley_data.import_parties(items jsonb, base integer)
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

create or replace function parley_data.import_sources(items jsonb, base integer)
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

create or replace function parley_data.import_items(items jsonb, base integer)
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
