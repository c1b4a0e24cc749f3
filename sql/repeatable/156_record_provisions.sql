-- Recording provisions (a commitment belonging to an agreement, citing its article) and implementation scores set
-- by staff.
--
-- A provision names its agreement, so a commitment that becomes one is raised to the agreement's level (its
-- effective_classification counts agreement_classification, 000005): a reader who may not see the agreement does
-- not see its provisions either. Taking a commitment out of an agreement does not lower it again: its own
-- classification is raised to the level it was kept at first (lowering is parley.declassify's).
set local role parley_owner;

create or replace function parley.add_provision(agreement text, commitment text, article text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    existing constant parley_data.agreements := parley_data.agreement_for_change(add_provision.agreement);
    provision constant parley_data.commitments := parley_data.commitment_for_change(add_provision.commitment);
    link parley_data.agreement_tracks;
    clash text;
begin
    perform parley_data.check_optional_label('article', add_provision.article, 'commitments_article_format');
    if provision.agreement_id is not null then
        perform parley_data.refuse('23505', 'commitment', 'commitments_one_agreement',
            format('commitment "%s" is already a provision of agreement "%s"', add_provision.commitment,
                   (select a.code from parley_data.agreements a where a.id = provision.agreement_id)),
            'Take it out of that agreement first (parley.remove_provision).');
    end if;
    select * into link from parley_data.agreement_tracks l
     where l.agreement_id = existing.id and l.track_id = provision.track_id;
    if link.agreement_id is null then
        perform parley_data.refuse('23503', 'agreement', 'commitments_provision_on_agreement_track',
            format('agreement "%s" is not on track "%s" of commitment "%s"', add_provision.agreement,
                   (select t.code from parley_data.tracks t where t.id = provision.track_id), add_provision.commitment),
            'A provision is a commitment on one of the agreement''s tracks; add the track to the agreement first (parley.add_agreement_track) if it belongs there.');
    end if;
    if nullif(btrim(add_provision.article), '') is not null
       and exists (select 1 from parley_data.commitments c
                    where c.agreement_id = existing.id and c.article = btrim(add_provision.article)
                      and c.obligor_id = provision.obligor_id
                      and c.effective_classification <= parley_data.session_clearance()) then
        perform parley_data.refuse('23505', 'article', 'commitments_one_per_obligor_in_provision',
            format('article "%s" of agreement "%s" already holds a commitment of %s', btrim(add_provision.article),
                   add_provision.agreement, (select p.name from parley_data.parties p where p.id = provision.obligor_id)),
            'An article holds one commitment per obligor; change that one, or cite another article.');
    end if;
    begin
        update parley_data.commitments c
           set agreement_id = existing.id,
               agreement_classification = link.effective_classification,
               article = nullif(btrim(add_provision.article), ''),
               frozen_on = existing.ended_on
         where c.id = provision.id;
    exception when unique_violation then
        get stacked diagnostics clash = pg_exception_detail;
        perform parley_data.refuse_level_clash('agreement', clash);
    end;
    return add_provision.commitment;
end
$$;
comment on function parley.add_provision(text, text, text) is
    'Makes a commitment a provision of an agreement, citing its article: add_provision(agreement => ''ist-humanitarian'', commitment => ''ist-r2-bodies-ru'', article => ''2''). The commitment must be on one of the agreement''s tracks; an article holds one commitment per obligor. The commitment is raised to the agreement''s level; a provision of an agreement that has ended is not chased. Returns the commitment''s code.';

create or replace function parley.remove_provision(commitment text)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    provision constant parley_data.commitments := parley_data.commitment_for_change(remove_provision.commitment);
begin
    if provision.agreement_id is null then
        perform parley_data.refuse('23503', 'commitment', 'provision_of_agreement',
            format('commitment "%s" is not a provision of any agreement', remove_provision.commitment),
            'Nothing to do.');
    end if;
    -- It stays at the level it is kept at: taking it out of a classified agreement does not declassify it.
    update parley_data.commitments c
       set classification = c.effective_classification, agreement_id = null, agreement_classification = null,
           article = null, frozen_on = null
     where c.id = provision.id;
    return remove_provision.commitment;
end
$$;
comment on function parley.remove_provision(text) is
    'Takes a commitment out of the agreement it is a provision of; it keeps the classification it was kept at. Returns its code.';

create or replace function parley.override_implementation(
    commitment text, score integer, source text, as_of date default current_date, note text default null)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_commitment constant bigint := parley_data.commitment_id(override_implementation.commitment);
    provision parley_data.commitments;
    this_source bigint;
    result bigint;
begin
    select * into provision from parley_data.commitments c where c.id = this_commitment;
    if provision.agreement_id is null then
        perform parley_data.refuse('23514', 'commitment', 'provision_of_agreement',
            format('commitment "%s" is not a provision of an agreement: it has no implementation score',
                   override_implementation.commitment),
            'Make it one first (parley.add_provision).');
    end if;
    perform parley_data.require('score', override_implementation.score is not null);
    if override_implementation.score not between 0 and 3 then
        perform parley_data.refuse('23514', 'score', 'implementation_overrides_score_range',
            format('score %s is not one of 0, 1, 2, 3', override_implementation.score),
            '0 not initiated, 1 minimal, 2 intermediate, 3 full (the Peace Accords Matrix scale).');
    end if;
    perform parley_data.require('source', override_implementation.source is not null);
    this_source := parley_data.source_id(override_implementation.source);
    perform parley_data.require('as_of', override_implementation.as_of is not null);
    if override_implementation.as_of < provision.made_on then
        perform parley_data.refuse('23514', 'as_of', 'implementation_after_made',
            format('as_of %s is before commitment "%s" was made (%s)', override_implementation.as_of,
                   override_implementation.commitment, provision.made_on),
            'A score holds from a day on or after the provision was made.');
    end if;
    perform parley_data.check_free_text('note', override_implementation.note, 'implementation_overrides_note_length');
    insert into parley_data.implementation_overrides (commitment_id, score, as_of, note, source_id,
                                                      effective_classification)
    values (this_commitment, override_implementation.score, override_implementation.as_of,
            nullif(btrim(override_implementation.note), ''), this_source, provision.effective_classification)
    returning id into result;
    return result;
end
$$;
comment on function parley.override_implementation is
    'Sets the implementation score of a provision by hand from a day on, with the source that justifies it: override_implementation(commitment => ..., score => 0..3, source => ..., as_of => ..., note => ...). It takes the place of the score worked out from status and progress (parley.implementation) from that day until a later one. Returns its number.';
