-- References by natural key: the rules that say what a code or an e-mail names (and refuse, 23503, what names
-- nothing or nothing the caller may see), the lookups the recording functions and the command line make one value
-- at a time, and the set-based form an import uses for a whole document.
set local role parley_owner;

-- The rules ---------------------------------------------------------------------------------------------------
-- `field` is the caller's name for the value (obligor, claimant, lead, ...) and is what the refusal names.

-- What to do about a reference that names nothing, by the kind of thing it was meant to name.
create or replace function parley_data.reference_hint(kind text) returns text
    language sql immutable parallel safe
    return case kind
        when 'party' then 'Check the code (codes are case-sensitive) or add the party first with parley.add_party(code => ..., name => ...).'
        when 'agenda item' then 'Check the code (codes are case-sensitive) or add the item first with parley.add_agenda_item(code => ..., title => ...).'
        when 'source' then 'Check the code (codes are case-sensitive) or add the source first with parley.add_source(code => ..., title => ...).'
        when 'track' then 'Check the code (codes are case-sensitive) or add the track first with parley.add_track(code => ..., name => ..., format => ...).'
        when 'meeting' then 'Check the code (codes are case-sensitive) or add the meeting first with parley.add_meeting(code => ..., track => ..., title => ..., starts_at => ...).'
        when 'commitment' then 'Check the code (codes are case-sensitive; commitments recorded without one are named C followed by their number).'
        when 'deal' then 'Check the code, or add the deal first with parley.add_deal(code => ..., title => ...).'
        when 'follow-up' then 'Check the code (follow-ups recorded without one are named F followed by their number).'
        when 'agreement' then 'Check the code (codes are case-sensitive) or add the agreement first with parley.add_agreement(code => ..., title => ..., tracks => ...).'
    end;

-- Rule: a reference to a party, item or source is given (23502) and names one (23503). `found`: whether it does.
create or replace function parley_data.bad_reference(kind text, field text, reference text, found boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(
        parley_data.missing(field, reference is not null),
        case when found is not true
             then parley_data.refused('23503', field, translate(kind, ' -', '__') || '_exists',
                 case when field = translate(kind, ' -', '__')
                      then format('%s "%s" does not exist', kind, reference)
                      else format('%s "%s" given as %s does not exist', kind, reference, field) end,
                 parley_data.reference_hint(kind)) end);

-- Rule: people are named by e-mail, in any case; someone who is to own, lead or do something must be active.
create or replace function parley_data.bad_person_reference(field text, email text, found boolean, active boolean,
                                                            active_only boolean)
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(
        parley_data.missing(field, email is not null),
        case when found is not true
             then parley_data.refused('23503', field, 'person_exists',
                 format('person "%s" given as %s does not exist', email, field),
                 'Check the e-mail address or add the person first with parley.add_person(email => ..., name => ...).')
             when active_only and not active
             then parley_data.refused('23514', field, 'person_active',
                 format('person "%s" given as %s is no longer active', email, field),
                 'Name an active person, or reactivate this one with parley.update_person(person => ..., active => true).')
        end);

-- Classified rows are named by code, and a code is unique only at each level (000002): a code taken at a level
-- you may not see is free at yours, so that no refusal or count tells you it exists. References look only at the
-- levels the caller may see. When one code names rows at two of those levels (someone less cleared used it
-- after you), the reference says which: `code@level`, e.g. `ist-r3@secret`.

-- The level a reference names after its @, as written (null without one).
create or replace function parley_data.reference_level(reference text) returns text
    language sql immutable parallel safe
    return case when position('@' in reference) > 0 then substr(reference, position('@' in reference) + 1) end;

-- Rule: what follows the @ of a reference is a classification (23514).
create or replace function parley_data.bad_reference_level(field text, reference text)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when parley_data.reference_level(reference) <> all (enum_range(null::parley.classification)::text[])
                then parley_data.refused('23514', field, 'reference_level',
                    format('%s "%s" names the classification "%s", which is none of %s', field, reference,
                           parley_data.reference_level(reference),
                           array_to_string(enum_range(null::parley.classification), ', ')),
                    'Write the code alone, or the code, @ and a classification: ist-r3@secret.') end;

-- Rule: a reference to a classified row is given (23502), its level is one (23514), and it names exactly one row
-- among those the caller may see (23503): `matches` and `levels` are what parley_data.classified_matches found.
create or replace function parley_data.bad_classified_reference(kind text, field text, reference text,
                                                                matches integer, levels parley.classification[])
    returns parley_data.refusal
    language sql stable parallel safe
    return coalesce(
        parley_data.missing(field, reference is not null),
        parley_data.bad_reference_level(field, reference),
        parley_data.bad_reference(kind, field, reference, matches > 0),
        case when matches > 1
             then parley_data.refused('23503', field, translate(kind, ' -', '__') || '_unambiguous',
                 format('%s "%s" names %s %ss, one at each of %s', field, reference, matches, kind,
                        array_to_string(levels, ', ')),
                 format('Say which: "%s@%s" or "%s@%s".', split_part(reference, '@', 1), levels[1],
                        split_part(reference, '@', 1), levels[cardinality(levels)])) end);

comment on function parley_data.reference_hint(text) is 'What to do about a reference that names nothing, by the kind of thing meant.';
comment on function parley_data.bad_reference(text, text, text, boolean) is
    'Rule: a reference is given (23502) and names something (23503).';
comment on function parley_data.bad_person_reference(text, text, boolean, boolean, boolean) is
    'Rule: an e-mail is given (23502), names a person (23503) and, when asked, an active one (23514).';
comment on function parley_data.reference_level(text) is 'The level written after the @ of a reference (code@level), or null.';
comment on function parley_data.bad_reference_level(text, text) is 'Rule: the level after the @ of a reference is a classification (23514).';
comment on function parley_data.bad_classified_reference(text, text, text, integer, parley.classification[]) is
    'Rule: a reference to a classified row names exactly one row the caller may see (23502, 23514, 23503).';

-- What references name ----------------------------------------------------------------------------------------

-- The classified rows of `tbl` (with its level in `level_column`) that each reference names among those at levels
-- up to `mine`: the id (of the lowest, when several), how many, at which levels. One statement for any number of
-- references: a recording function asks for one, an import for all those of a document.
create or replace function parley_data.classified_matches(tbl regclass, level_column text, refs text[],
                                                          mine parley.classification)
    returns table (reference text, id bigint, matches integer, levels parley.classification[])
    language plpgsql stable as $$
begin
    return query execute format(
        'select r.reference, (array_agg(t.id order by t.%1$I))[1], count(t.id)::integer,
                array_agg(t.%1$I order by t.%1$I) filter (where t.id is not null)
           from (select distinct x as reference from unnest($1) x where x is not null) r
           left join %2$s t
                  on t.code = split_part(r.reference, ''@'', 1) and t.%1$I <= $2
                 and (parley_data.reference_level(r.reference) is null
                      or t.%1$I::text = parley_data.reference_level(r.reference))
          group by r.reference', level_column, tbl)
      using refs, mine;
end
$$;
comment on function parley_data.classified_matches(regclass, text, text[], parley.classification) is
    'For each reference ("code" or "code@level"), the rows of the table it names among those at levels up to mine: the first id, how many, their levels.';

-- The id of the row of `tbl` that `reference` names among those the caller may see; refuses otherwise.
create or replace function parley_data.classified_id(kind text, tbl regclass, level_column text, reference text,
                                                     field text)
    returns bigint
    language plpgsql stable as $$
declare
    found_rows record;
begin
    select m.id, m.matches, m.levels into found_rows
      from parley_data.classified_matches(tbl, level_column, array[reference], parley_data.session_clearance()) m;
    perform parley_data.refuse_if(
        parley_data.bad_classified_reference(kind, field, reference, found_rows.matches, found_rows.levels));
    return found_rows.id;
end
$$;
comment on function parley_data.classified_id(text, regclass, text, text, text) is
    'The id of the classified row a reference ("code" or "code@level") names among those the caller may see; refuses (23503) a reference that names none, or several.';

-- What a code or an e-mail names, or null: for the rules of a record, which take what its references found.
create or replace function parley_data.party_named(code text) returns bigint
    language sql stable
    return (select p.id from parley_data.parties p where p.code = party_named.code);
create or replace function parley_data.item_named(code text) returns bigint
    language sql stable
    return (select i.id from parley_data.agenda_items i where i.code = item_named.code);
create or replace function parley_data.source_named(code text) returns bigint
    language sql stable
    return (select s.id from parley_data.sources s where s.code = source_named.code);
create or replace function parley_data.person_named(email text) returns parley_data.people
    language sql stable
    return (select p from parley_data.people p where lower(p.email) = lower(person_named.email));
comment on function parley_data.party_named(text) is 'The id of the party with this code, or null.';
comment on function parley_data.item_named(text) is 'The id of the agenda item with this code, or null.';
comment on function parley_data.source_named(text) is 'The id of the source with this code, or null.';
comment on function parley_data.person_named(text) is 'The person with this e-mail (any case), or null.';

-- Positions and figures have no code: their natural key names them (a party's position on an item, on a track or
-- none, on a day; a figure's indicator, date, claimant and source). Of those with the key the caller may see, the
-- one at the level `wanted`, else the most classified, locked for a change; null when there is none. What
-- recording one again corrects, and what declassifying lowers.
create or replace function parley_data.position_for_change(party_id bigint, item_id bigint, track_id bigint,
                                                           stated_on date, wanted parley.classification)
    returns parley_data.positions
    language plpgsql as $$
declare
    result parley_data.positions;
begin
    select * into result from parley_data.positions p
     where p.party_id = position_for_change.party_id and p.item_id = position_for_change.item_id
       and p.track_id is not distinct from position_for_change.track_id
       and p.stated_on = position_for_change.stated_on
       and p.effective_classification <= parley_data.session_clearance()
     order by p.effective_classification = wanted desc, p.effective_classification desc
     limit 1
       for no key update;
    return result;
end
$$;
comment on function parley_data.position_for_change(bigint, bigint, bigint, date, parley.classification) is
    'The position of a party on an item (on a track) on a day the caller may see, at the level wanted else the most classified, locked; null when none.';

create or replace function parley_data.figure_for_change(indicator text, as_of date, claimant_id bigint,
                                                         source_id bigint, wanted parley.classification)
    returns parley_data.figures
    language plpgsql as $$
declare
    result parley_data.figures;
begin
    select * into result from parley_data.figures f
     where f.indicator = figure_for_change.indicator and f.as_of = figure_for_change.as_of
       and f.claimant_id is not distinct from figure_for_change.claimant_id
       and f.source_id is not distinct from figure_for_change.source_id
       and f.classification <= parley_data.session_clearance()
     order by f.classification = wanted desc, f.classification desc
     limit 1
       for no key update;
    return result;
end
$$;
comment on function parley_data.figure_for_change(text, date, bigint, bigint, parley.classification) is
    'The figure of an indicator, date, claimant and source the caller may see, at the level wanted else the most classified, locked; null when none.';

-- Lookups, one value at a time --------------------------------------------------------------------------------

-- Parties, agenda items and sources: any caller may see them all, so a code names one or nothing. `named`: what
-- parley_data.party_named (or its kin) found for the code.
create or replace function parley_data.named_id(kind text, field text, code text, named bigint)
    returns bigint
    language plpgsql stable as $$
begin
    perform parley_data.refuse_if(parley_data.bad_reference(kind, field, code, named is not null));
    return named;
end
$$;
comment on function parley_data.named_id(text, text, text, bigint) is
    'The id a code of a party, agenda item or source names, as found; refuses (23503) a code that names nothing.';

create or replace function parley_data.party_id(code text, field text default 'party') returns bigint
    language sql stable return parley_data.named_id('party', field, code, parley_data.party_named(code));
create or replace function parley_data.item_id(code text, field text default 'item') returns bigint
    language sql stable return parley_data.named_id('agenda item', field, code, parley_data.item_named(code));
create or replace function parley_data.source_id(code text, field text default 'source') returns bigint
    language sql stable return parley_data.named_id('source', field, code, parley_data.source_named(code));

create or replace function parley_data.person_id(email text, field text default 'person', active_only boolean default false)
    returns bigint
    language plpgsql stable as $$
declare
    found_person constant parley_data.people := parley_data.person_named(email);
begin
    perform parley_data.refuse_if(parley_data.bad_person_reference(field, email, found_person.id is not null,
                                                                   found_person.active, active_only));
    return found_person.id;
end
$$;

create or replace function parley_data.track_id(code text, field text default 'track')
    returns bigint
    language sql stable
    return parley_data.classified_id('track', 'parley_data.tracks', 'classification', code, field);

create or replace function parley_data.meeting_id(code text, field text default 'meeting')
    returns bigint
    language sql stable
    return parley_data.classified_id('meeting', 'parley_data.meetings', 'effective_classification', code, field);

create or replace function parley_data.commitment_id(code text, field text default 'commitment')
    returns bigint
    language sql stable
    return parley_data.classified_id('commitment', 'parley_data.commitments', 'effective_classification', code, field);

create or replace function parley_data.deal_id(code text, field text default 'deal')
    returns bigint
    language sql stable
    return parley_data.classified_id('deal', 'parley_data.deals', 'classification', code, field);

create or replace function parley_data.agreement_id(code text, field text default 'agreement')
    returns bigint
    language sql stable
    return parley_data.classified_id('agreement', 'parley_data.agreements', 'classification', code, field);

-- Follow-ups recorded without a code are named F followed by their number.
create or replace function parley_data.follow_up_id(code text, field text default 'follow_up')
    returns bigint
    language plpgsql stable as $$
declare
    result bigint;
begin
    if code ~ '^F[0-9]{1,18}$' then
        select f.id into result from parley_data.follow_ups f
         where f.id = substr(follow_up_id.code, 2)::bigint and f.code is null
           and f.effective_classification <= parley_data.session_clearance();
        if result is not null then
            return result;
        end if;
    end if;
    return parley_data.classified_id('follow-up', 'parley_data.follow_ups', 'effective_classification', code, field);
end
$$;

-- The record of a classified kind (`what`: one of `kinds`, among track, meeting, commitment, deal, agreement and
-- follow_up) a reference (given as the argument `reference`) names among those the caller may see, as the lookups
-- above find it. Refuses a missing kind (23502), one not in `kinds` (23514, as `rule`, with `hint`), and a
-- reference that names nothing (23503). What parley.rename and parley.declassify act on.
create or replace function parley_data.classified_record_id(what text, reference text, kinds text[], rule text,
                                                            hint text)
    returns bigint
    language plpgsql stable as $$
begin
    perform parley_data.require('what', what is not null);
    if what <> all (kinds) then
        perform parley_data.refuse('23514', 'what', rule,
            format('what "%s" is not one of %s', what, array_to_string(kinds, ', ')), hint);
    end if;
    return case what when 'track' then parley_data.track_id(reference, 'reference')
                     when 'meeting' then parley_data.meeting_id(reference, 'reference')
                     when 'commitment' then parley_data.commitment_id(reference, 'reference')
                     when 'deal' then parley_data.deal_id(reference, 'reference')
                     when 'agreement' then parley_data.agreement_id(reference, 'reference')
                     when 'follow_up' then parley_data.follow_up_id(reference, 'reference') end;
end
$$;
comment on function parley_data.classified_record_id(text, text, text[], text, text) is
    'The id of the track, meeting, commitment, deal, agreement or follow-up (what, one of kinds) a reference names among those the caller may see; refuses (23502, 23514, 23503) otherwise.';

-- The form these lookups had before the hints moved to parley_data.reference_hint.
drop function if exists parley_data.classified_id(text, regclass, text, text, text, text);
drop function if exists parley_data.split_reference(text, text);
drop function if exists parley_data.unknown(text, text, text, text);

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

-- Codes taken --------------------------------------------------------------------------------------------------

-- Whether a code is taken among the rows of `tbl` the caller may see: the level it is taken at, or null. (A code
-- taken only at a level above the caller's clearance is free for them: see above.)
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

-- Rule: a new record's code (or e-mail) is not taken (23505). `taken`: whether it is, among what the caller sees.
create or replace function parley_data.taken(kind text, field text, value text, rule text, taken boolean, hint text)
    returns parley_data.refusal
    language sql stable parallel safe
    return case when taken
                then parley_data.refused('23505', field, rule, format('%s "%s" already exists', kind, value), hint) end;
comment on function parley_data.taken(text, text, text, text, boolean, text) is
    'Rule: the code of a new record is not taken already (23505).';

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
        'Give one of them another code first: parley.rename (codes are unique at each classification level).');
end
$$;
comment on function parley_data.refuse_level_clash(text, text) is
    'Refuses (23505) a change of classification that would put two records with one code at the same level.';
