-- Lookups by natural key: the ids of the rows a code or an e-mail names, refusing (23503) what names nothing or
-- nothing the caller may see. Shared by the recording functions, import and the command line.
set local role parley_owner;

-- Lookups by natural key --------------------------------------------------------------------------------------
-- Shared by the recording functions, the JSON import and the command line, so that all of them apply the same
-- rules. `field` is the caller's name for the value (obligor, claimant, lead, ...) and is what the error names.

create or replace function parley_data.unknown(kind text, value text, field text, hint text)
    returns void
    language plpgsql as $$
begin
    perform parley_data.refuse('23503', field, translate(kind, ' -', '__') || '_exists',
        case when field = translate(kind, ' -', '__')
             then format('%s "%s" does not exist', kind, value)
             else format('%s "%s" given as %s does not exist', kind, value, field) end,
        hint);
end
$$;

comment on function parley_data.unknown is 'Refuses (23503) a code that names nothing, saying what kind of thing was meant.';

create or replace function parley_data.party_id(code text, field text default 'party')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
begin
    perform parley_data.require(field, code is not null);
    select p.id into result from parley_data.parties p where p.code = party_id.code;
    if result is null then
        perform parley_data.unknown('party', code, field,
            'Check the code (codes are case-sensitive) or add the party first with parley.add_party(code => ..., name => ...).');
    end if;
    return result;
end
$$;

create or replace function parley_data.item_id(code text, field text default 'item')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
begin
    perform parley_data.require(field, code is not null);
    select i.id into result from parley_data.agenda_items i where i.code = item_id.code;
    if result is null then
        perform parley_data.unknown('agenda item', code, field,
            'Check the code (codes are case-sensitive) or add the item first with parley.add_agenda_item(code => ..., title => ...).');
    end if;
    return result;
end
$$;

create or replace function parley_data.source_id(code text, field text default 'source')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
begin
    perform parley_data.require(field, code is not null);
    select s.id into result from parley_data.sources s where s.code = source_id.code;
    if result is null then
        perform parley_data.unknown('source', code, field,
            'Check the code (codes are case-sensitive) or add the source first with parley.add_source(code => ..., title => ...).');
    end if;
    return result;
end
$$;

-- People are named by e-mail, in any case. Someone who is to own, lead or do something must be active.
create or replace function parley_data.person_id(email text, field text default 'person', active_only boolean default false)
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
    is_active boolean;
begin
    perform parley_data.require(field, email is not null);
    select p.id, p.active into result, is_active from parley_data.people p where lower(p.email) = lower(person_id.email);
    if result is null then
        perform parley_data.refuse('23503', field, 'person_exists',
            format('person "%s" given as %s does not exist', email, field),
            'Check the e-mail address or add the person first with parley.add_person(email => ..., name => ...).');
    end if;
    if active_only and not is_active then
        perform parley_data.refuse('23514', field, 'person_active',
            format('person "%s" given as %s is no longer active', email, field),
            'Name an active person, or reactivate this one with parley.update_person(person => ..., active => true).');
    end if;
    return result;
end
$$;

-- Classified rows are named by code, and a code is unique only at each level (000002): a code taken at a level
-- you may not see is free at yours, so that no refusal or count tells you it exists. References look only at the
-- levels the caller may see. When one code names rows at two of those levels (someone less cleared used it
-- after you), the reference says which: `code@level`, e.g. `ist-r3@secret`.

-- A reference split into its code and the level it names (null: whichever the caller may see). Refuses (23514)
-- a level after @ that is not a classification.
create or replace function parley_data.split_reference(reference text, field text,
                                                       out code text, out level parley.classification)
    language plpgsql immutable as $$
declare
    suffix text;
begin
    code := reference;
    if reference like '%@%' then
        code := split_part(reference, '@', 1);
        suffix := substr(reference, length(code) + 2);
        if not suffix = any (enum_range(null::parley.classification)::text[]) then
            perform parley_data.refuse('23514', field, 'reference_level',
                format('%s "%s" names the classification "%s", which is none of %s', field, reference, suffix,
                       array_to_string(enum_range(null::parley.classification), ', ')),
                'Write the code alone, or the code, @ and a classification: ist-r3@secret.');
        end if;
        level := suffix::parley.classification;
    end if;
end
$$;
comment on function parley_data.split_reference(text, text) is
    'Splits a reference to a classified row, "code" or "code@level", into the code and the level (null when not given).';

-- The id of the row of `tbl` (with its level in `level_column`) that `reference` names among those the caller
-- may see; refuses (23503) one that names none, and one that names rows at several levels without saying which.
create or replace function parley_data.classified_id(kind text, tbl regclass, level_column text, reference text,
                                                     field text, hint text)
    returns bigint
    language plpgsql stable as $$
declare
    wanted record;
    found_rows record;
begin
    perform parley_data.require(field, reference is not null);
    wanted := parley_data.split_reference(reference, field);
    execute format('select array_agg(id order by %1$I) as ids, array_agg(%1$I order by %1$I) as levels from %2$s '
                   'where code = $1 and %1$I <= $2 and ($3 is null or %1$I = $3)', level_column, tbl)
       into found_rows
      using wanted.code, parley_data.session_clearance(), wanted.level;
    if found_rows.ids is null then
        perform parley_data.unknown(kind, reference, field, hint);
    elsif cardinality(found_rows.ids) > 1 then
        perform parley_data.refuse('23503', field, translate(kind, ' -', '__') || '_unambiguous',
            format('%s "%s" names %s %ss, one at each of %s', field, reference, cardinality(found_rows.ids), kind,
                   array_to_string(found_rows.levels, ', ')),
            format('Say which: "%s@%s" or "%s@%s".', wanted.code, found_rows.levels[1], wanted.code,
                   found_rows.levels[cardinality(found_rows.levels)]));
    end if;
    return found_rows.ids[1];
end
$$;
comment on function parley_data.classified_id(text, regclass, text, text, text, text) is
    'The id of the classified row a reference ("code" or "code@level") names among those the caller may see; refuses (23503) a reference that names none, or several.';

create or replace function parley_data.track_id(code text, field text default 'track')
    returns bigint
    language sql stable
    return parley_data.classified_id('track', 'parley_data.tracks', 'classification', code, field,
        'Check the code (codes are case-sensitive) or add the track first with parley.add_track(code => ..., name => ..., format => ...).');

create or replace function parley_data.meeting_id(code text, field text default 'meeting')
    returns bigint
    language sql stable
    return parley_data.classified_id('meeting', 'parley_data.meetings', 'effective_classification', code, field,
        'Check the code (codes are case-sensitive) or add the meeting first with parley.add_meeting(code => ..., track => ..., title => ..., starts_at => ...).');

create or replace function parley_data.commitment_id(code text, field text default 'commitment')
    returns bigint
    language sql stable
    return parley_data.classified_id('commitment', 'parley_data.commitments', 'effective_classification', code, field,
        'Check the code (codes are case-sensitive; commitments recorded without one are named C followed by their number).');

create or replace function parley_data.deal_id(code text, field text default 'deal')
    returns bigint
    language sql stable
    return parley_data.classified_id('deal', 'parley_data.deals', 'classification', code, field,
        'Check the code, or add the deal first with parley.add_deal(code => ..., title => ...).');

create or replace function parley_data.agreement_id(code text, field text default 'agreement')
    returns bigint
    language sql stable
    return parley_data.classified_id('agreement', 'parley_data.agreements', 'classification', code, field,
        'Check the code (codes are case-sensitive) or add the agreement first with parley.add_agreement(code => ..., title => ..., tracks => ...).');

-- Follow-ups recorded without a code are named F followed by their number.
create or replace function parley_data.follow_up_id(code text, field text default 'follow_up')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
begin
    perform parley_data.require(field, code is not null);
    if code ~ '^F[0-9]{1,18}$' then
        select f.id into result from parley_data.follow_ups f
         where f.id = substr(follow_up_id.code, 2)::bigint and f.code is null
           and f.effective_classification <= parley_data.session_clearance();
        if result is not null then
            return result;
        end if;
    end if;
    return parley_data.classified_id('follow-up', 'parley_data.follow_ups', 'effective_classification', code, field,
        'Check the code (follow-ups recorded without one are named F followed by their number).');
end
$$;

-- The level a classified row is kept at, by id (ids are unique across levels): what a child row carries in its
-- foreign key to it.
create or replace function parley_data.track_level(track_id bigint) returns parley.classification
    language sql stable
    return (select t.classification from parley_data.tracks t where t.id = track_level.track_id);
create or replace function parley_data.meeting_level(meeting_id bigint) returns parley.classification
    language sql stable
    return (select m.effective_classification from parley_data.meetings m where m.id = meeting_level.meeting_id);
create or replace function parley_data.commitment_level(commitment_id bigint) returns parley.classification
    language sql stable
    return (select c.effective_classification from parley_data.commitments c where c.id = commitment_level.commitment_id);
create or replace function parley_data.deal_level(deal_id bigint) returns parley.classification
    language sql stable
    return (select d.classification from parley_data.deals d where d.id = deal_level.deal_id);
create or replace function parley_data.agreement_level(agreement_id bigint) returns parley.classification
    language sql stable
    return (select a.classification from parley_data.agreements a where a.id = agreement_level.agreement_id);
comment on function parley_data.track_level(bigint) is 'The classification of the track with this id.';
comment on function parley_data.meeting_level(bigint) is 'The level the meeting with this id is kept at.';
comment on function parley_data.commitment_level(bigint) is 'The level the commitment with this id is kept at.';
comment on function parley_data.deal_level(bigint) is 'The level the deal with this id is kept at.';

comment on function parley_data.track_id is
    'The id of the track a reference ("code" or "code@level") names among those the caller may see; refuses (23503) otherwise.';
comment on function parley_data.party_id is 'The id of the party with this code; refuses (23503) an unknown code.';
comment on function parley_data.item_id is 'The id of the agenda item with this code; refuses (23503) an unknown code.';
comment on function parley_data.source_id is 'The id of the source with this code; refuses (23503) an unknown code.';
comment on function parley_data.person_id is
    'The id of the person with this e-mail (any case); refuses (23503) an unknown one, and (23514) an inactive one when asked.';
comment on function parley_data.meeting_id is
    'The id of the meeting a reference ("code" or "code@level") names among those the caller may see; refuses (23503) otherwise.';
comment on function parley_data.commitment_id is
    'The id of the commitment a reference ("code" or "code@level") names among those the caller may see; refuses (23503) otherwise.';
comment on function parley_data.deal_id is
    'The id of the deal a reference ("code" or "code@level") names among those the caller may see; refuses (23503) otherwise.';
comment on function parley_data.agreement_level(bigint) is 'The level the agreement with this id is kept at.';
comment on function parley_data.agreement_id is
    'The id of the agreement a reference ("code" or "code@level") names among those the caller may see; refuses (23503) otherwise.';
comment on function parley_data.follow_up_id is
    'The id of the follow-up a reference names (its code, code@level, or F and its number) among those the caller may see; refuses (23503) otherwise.';

-- Whether a code is taken among the rows of `tbl` the caller may see: the level it is taken at, or null. (A code
-- taken only at a level above the caller's clearance is free for them: see the top of this file.)
create or replace function parley_data.code_taken(tbl regclass, level_column text, code text)
    returns parley.classification
    language plpgsql stable as $$
declare
    level parley.classification;
begin
    execute format('select min(%1$I) from %2$s where code = $1 and %1$I <= $2', level_column, tbl)
       into level using code, parley_data.session_clearance();
    return level;
end
$$;
comment on function parley_data.code_taken(regclass, text, text) is
    'The lowest level at which a row of the table with this code exists among those the caller may see; null when the code is free for the caller.';

-- Changing a row's level moves it, and what belongs to it, into the partition of the new level, where its code (or
-- a child's) may be taken already: PostgreSQL refuses with a unique violation naming the key, which the caller,
-- cleared for that level, may read. Said here in the words of a refusal.
create or replace function parley_data.refuse_level_clash(field text, detail text)
    returns void
    language plpgsql as $$
begin
    perform parley_data.refuse('23505', field, 'code_unique_per_level',
        format('the new classification would give two records the same key at one level (%s)',
               regexp_replace(coalesce(detail, ''), '^Key ', '')),
        'Rename one of them first (codes are unique at each classification level).');
end
$$;
comment on function parley_data.refuse_level_clash(text, text) is
    'Refuses (23505) a change of classification that would put two records with one code at the same level.';

-- Lowering a classification is an act of its own (parley.declassify), never a side effect of correcting a record.
create or replace function parley_data.check_not_lowered(field text, current_level parley.classification,
                                                          wanted parley.classification, what text)
    returns void
    language plpgsql as $$
begin
    if wanted < current_level then
        perform parley_data.refuse('42501', field, 'declassify_explicitly',
            format('%s is %s; lowering it to %s is declassifying it', what, current_level, wanted),
            format('Declassify it on purpose, with a reason: select parley.declassify(%L, ..., classification => %L, reason => ...);',
                   split_part(what, ' ', 1), wanted));
    end if;
end
$$;
comment on function parley_data.check_not_lowered(text, parley.classification, parley.classification, text) is
    'Refuses (42501) a change that would lower a classification: that is parley.declassify''s.';
