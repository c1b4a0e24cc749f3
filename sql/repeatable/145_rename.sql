-- Renaming: a new code for a track, meeting, commitment, deal or follow-up. Codes are unique per classification
-- level (020_clearance, README "Access"), so a writer cleared lower may record a code already used above: those
-- cleared for both levels then see two records with one code and tell them apart as code@level. Renaming one of
-- them ends that. The change history keeps the old code (parley.changes), and every reference by id follows.
set local role parley_owner;

create or replace function parley.rename(what text, reference text, new_code text)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    tbl regclass;
    level_column text;
    this_id bigint;
begin
    this_id := parley_data.classified_record_id(rename.what, reference,
        array['track', 'meeting', 'commitment', 'deal', 'follow_up'], 'rename_what',
        'Parties, sources and agenda items are not classified: their codes are unique already.');
    -- Each kind is kept in the table of its name, its code unique per level of the record (a meeting's, a
    -- commitment's and a follow-up's level is the higher of its own and its track's).
    tbl := format('parley_data.%I', rename.what || 's');
    level_column := case when rename.what in ('track', 'deal') then 'classification' else 'effective_classification' end;

    perform parley_data.check_code('new_code', new_code, translate(rename.what, ' ', '_') || 's_code_format');
    perform parley_data.refuse_if(parley_data.reserved_code('new_code', rename.what, new_code,
                                                            'Choose a code that says what it is.'));
    -- Taken at a level the caller sees (its own record's included): refused as taken, exactly as when adding. A
    -- level above the caller's is another code space, and is neither checked nor revealed.
    if parley_data.code_taken(tbl, level_column, new_code) is not null then
        perform parley_data.refuse('23505', 'new_code', translate(rename.what, ' ', '_') || 's_code_key',
            format('%s "%s" already exists', replace(rename.what, '_', '-'), new_code),
            'Choose another code.');
    end if;
    execute format('update %s set code = $1 where id = $2', tbl) using new_code, this_id;
    return new_code;
end
$$;
comment on function parley.rename(text, text, text) is
    'Gives a track, meeting, commitment, deal or follow-up a new code: rename(what => ''commitment'', reference => ''ist-r4-swap@secret'', new_code => ''ist-r4-swap-b''). The change history keeps the old one. Returns the new code.';
