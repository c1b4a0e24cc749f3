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
    perform parley_data.require('what', what is not null);
    case rename.what
        when 'track' then
            this_id := parley_data.track_id(reference, 'reference');
            tbl := 'parley_data.tracks'; level_column := 'classification';
        when 'meeting' then
            this_id := parley_data.meeting_id(reference, 'reference');
            tbl := 'parley_data.meetings'; level_column := 'effective_classification';
        when 'commitment' then
            this_id := parley_data.commitment_id(reference, 'reference');
            tbl := 'parley_data.commitments'; level_column := 'effective_classification';
        when 'deal' then
            this_id := parley_data.deal_id(reference, 'reference');
            tbl := 'parley_data.deals'; level_column := 'classification';
        when 'follow_up' then
            this_id := parley_data.follow_up_id(reference, 'reference');
            tbl := 'parley_data.follow_ups'; level_column := 'effective_classification';
        else
            perform parley_data.refuse('23514', 'what', 'rename_what',
                format('what "%s" is not one of track, meeting, commitment, deal, follow_up', rename.what),
                'Parties, sources and agenda items are not classified: their codes are unique already.');
    end case;

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
