-- Import's entry point: parley.import_world, all sections in one transaction.
set local role parley_owner;

-- The entry point ---------------------------------------------------------------------------------------------------

create or replace function parley.import_world(doc jsonb, first_index integer default 0)
    returns jsonb
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
    -- Its statements are built for each list; compiling them to machine code costs more than it saves.
    set jit = off
    -- The checks of the foreign keys that point at partitioned tables (an update's or a beneficiary's commitment, a
    -- commitment's track agenda entry) run once per row written. With a plan made for each row's values they cost
    -- 75 µs each (planning across the partitions every time; PostgreSQL prefers that plan because the one made once
    -- looks dearer, counting every partition); with the plan made once, 7 µs: half the time of a large import.
    -- Import's own statements are built for each list and planned once each, so this changes nothing for them.
    set plan_cache_mode = force_generic_plan
    -- A list's working table gains columns as its references are resolved; PostgreSQL's notes about columns it
    -- already has are not for the person importing.
    set client_min_messages = warning
as $$
declare
    sections constant text[] := array['people', 'parties', 'sources', 'items', 'tracks', 'agreements', 'meetings', 'deals',
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
    perform parley_data.refuse_if(parley_data.unshaped(doc, sections || 'parley'::text));
    if doc ? 'parley' and doc -> 'parley' is distinct from '1'::jsonb then
        perform parley_data.refuse('22023', 'parley', 'import_format_version',
            format('parley: %s is not a format this version reads (it reads parley: 1)', doc -> 'parley'),
            'Export the document again with this version of parley, or upgrade parley.');
    end if;
    -- One import at a time: two imports naming the same new codes would otherwise collide at the end.
    perform pg_advisory_xact_lock(hashtext('parley.import_world'));
    perform parley_data.import_start();
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
            when 'agreements' then parley_data.import_agreements(list, first_index)
            when 'meetings' then jsonb_build_object(section, parley_data.import_meetings(list, first_index))
            when 'deals' then jsonb_build_object(section, parley_data.import_deals(list, first_index))
            when 'commitments' then parley_data.import_commitments(list, first_index)
            when 'positions' then jsonb_build_object(section, parley_data.import_positions(list, first_index))
            when 'figures' then jsonb_build_object(section, parley_data.import_figures(list, first_index))
            when 'follow_ups' then jsonb_build_object(section, parley_data.import_follow_ups(list, first_index))
            when 'subscriptions' then jsonb_build_object(section, parley_data.import_subscriptions(list, first_index))
        end;
        -- Provisions name commitments and agreements, written by now.
        if section = 'commitments' then
            done := done || parley_data.import_provisions(list, first_index);
        end if;
        result := result || done;
    end loop;
    return result;
end
$$;
comment on function parley.import_world(jsonb, integer) is
    'Records a whole document at once (the format of `parley import`, docs/import-format.md): people, parties, sources, items, tracks (with members and agenda), agreements (with parties, history, terms, participation and relations), meetings, deals, commitments (with updates, their agreement and article, and implementation scores), positions, figures, follow_ups, subscriptions. Idempotent by natural keys: importing the same document again changes nothing. All or nothing. A refusal names where in the document: commitments[3].due_on: .... Returns, per kind of record, how many were new, changed and unchanged. first_index: the index of the first record of each list, when a long list is sent in parts.';
