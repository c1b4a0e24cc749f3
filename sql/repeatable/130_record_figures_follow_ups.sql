-- Recording figures, follow-ups and subscriptions.
set local role parley_owner;

-- Figures -----------------------------------------------------------------------------------------------------

create or replace function parley.add_figure(
    indicator text, value numeric, as_of date, unit text default null, item text default null,
    claimant text default null, source text default null, confidence parley.confidence default 'reported',
    note text default null, classification parley.classification default null,
    correction boolean default false)
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_item constant bigint := parley_data.item_named(add_figure.item);
    this_claimant constant bigint := parley_data.party_named(add_figure.claimant);
    this_source constant bigint := parley_data.source_named(add_figure.source);
    existing parley_data.figures;
    level parley.classification;
    result bigint;
    clash text;
begin
    perform parley_data.refuse_if(coalesce(
        parley_data.bad_figure(add_figure.indicator, add_figure.value, add_figure.as_of, add_figure.unit,
            add_figure.item, this_item is not null, add_figure.claimant, this_claimant is not null, add_figure.source,
            this_source is not null, add_figure.confidence, add_figure.note, add_figure.classification,
            parley_data.session_clearance()),
        parley_data.missing('correction', add_figure.correction is not null)));
    -- Figures the caller may not see do not count (a figure of their own is recorded at their level); of those
    -- they may see, the one at the level asked for, else the most classified, is the one a correction replaces.
    existing := parley_data.figure_for_change(add_figure.indicator, add_figure.as_of, this_claimant, this_source,
                                              add_figure.classification);
    if existing.id is not null and not add_figure.correction then
        perform parley_data.refuse('23505', 'indicator', 'figures_natural_key',
            format('a figure for %s as of %s by this claimant and source already exists', add_figure.indicator, add_figure.as_of),
            'To replace it, call add_figure again with correction => true.');
    end if;
    if existing.id is not null then
        level := coalesce(add_figure.classification, existing.classification);
        perform parley_data.check_not_lowered('classification', existing.classification, level,
                                              format('figure %s', existing.id));
        begin
            update parley_data.figures f
               set value = add_figure.value, unit = nullif(btrim(add_figure.unit), ''), item_id = this_item,
                   confidence = add_figure.confidence, note = nullif(btrim(add_figure.note), ''),
                   classification = level
             where f.id = existing.id;
        exception when unique_violation then
            get stacked diagnostics clash = pg_exception_detail;
            perform parley_data.refuse_level_clash('classification', clash);
        end;
        return existing.id;
    end if;
    insert into parley_data.figures
           (indicator, item_id, value, unit, as_of, claimant_id, source_id, confidence, note, classification)
    values (add_figure.indicator, this_item, add_figure.value, nullif(btrim(add_figure.unit), ''), add_figure.as_of,
            this_claimant, this_source, add_figure.confidence, nullif(btrim(add_figure.note), ''),
            coalesce(add_figure.classification, 'unclassified'))
    returning id into result;
    return result;
end
$$;
comment on function parley.add_figure is
    'Records a number a party reports or disputes: add_figure(indicator => ''children-deported'', value => 19546, as_of => ..., unit => ''children'', item => ..., claimant => ''UA'', source => ..., confidence => ''reported''). One figure per indicator, claimant, source and date; correction => true replaces it (and raises its classification when a higher one is given; lowering it is parley.declassify_figure). Returns the figure''s id.';

-- Follow-ups --------------------------------------------------------------------------------------------------

create or replace function parley.add_follow_up(
    assignee text, due_at timestamptz, note text, commitment text default null, meeting text default null,
    track text default null, code text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    assignee_person constant parley_data.people := parley_data.person_named(add_follow_up.assignee);
    -- What it is about: the one of commitment, meeting and track given.
    subject_field constant text := case when num_nonnulls(add_follow_up.commitment, add_follow_up.meeting, add_follow_up.track) = 1
                                        then case when add_follow_up.commitment is not null then 'commitment'
                                                  when add_follow_up.meeting is not null then 'meeting' else 'track' end end;
    subject_found record;
    new_id bigint;
begin
    select m.id, m.matches, m.levels into subject_found
      from parley_data.classified_matches(
               case subject_field when 'commitment' then 'parley_data.commitments'::regclass
                                  when 'meeting' then 'parley_data.meetings' else 'parley_data.tracks' end,
               case subject_field when 'track' then 'classification' else 'effective_classification' end,
               array[coalesce(add_follow_up.commitment, add_follow_up.meeting, add_follow_up.track)],
               parley_data.session_clearance()) m
     where subject_field is not null;
    perform parley_data.refuse_if(coalesce(
        parley_data.bad_follow_up(add_follow_up.code, add_follow_up.assignee, assignee_person.id is not null,
            assignee_person.active, add_follow_up.note, add_follow_up.due_at,
            num_nonnulls(add_follow_up.commitment, add_follow_up.meeting, add_follow_up.track), subject_field,
            coalesce(add_follow_up.commitment, add_follow_up.meeting, add_follow_up.track), subject_found.matches,
            subject_found.levels),
        parley_data.reserved_code('code', 'follow_up', add_follow_up.code,
            'Choose a code that says what the follow-up is, or leave code out.'),
        parley_data.taken('follow-up', 'code', add_follow_up.code, 'follow_ups_code_key',
            parley_data.code_taken('parley_data.follow_ups', 'effective_classification', add_follow_up.code) is not null,
            'Choose another code.')));
    insert into parley_data.follow_ups
           (code, commitment_id, meeting_id, track_id, assignee_id, due_at, note, effective_classification)
    -- Kept at the level of what it is about.
    values (add_follow_up.code, case subject_field when 'commitment' then subject_found.id end,
            case subject_field when 'meeting' then subject_found.id end,
            case subject_field when 'track' then subject_found.id end, assignee_person.id, add_follow_up.due_at,
            add_follow_up.note, subject_found.levels[1])
    returning id into new_id;
    return coalesce(add_follow_up.code, 'F' || new_id);
end
$$;
comment on function parley.add_follow_up is
    'Records something a member of staff owes, about one commitment, meeting or track: add_follow_up(assignee => ''desk@example.org'', due_at => ''2025-05-20 17:00+03'', note => ''Chase the written ceasefire conditions'', commitment => ...). Returns its code (F and its number when none is given).';

create or replace function parley.complete_follow_up(follow_up text, done_at timestamptz default now(), note text default null)
    returns text
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_follow_up constant bigint := parley_data.follow_up_id(complete_follow_up.follow_up);
    done timestamptz;
begin
    perform parley_data.check_free_text('note', complete_follow_up.note, 'follow_ups_note_length');
    perform parley_data.require('done_at', complete_follow_up.done_at is not null);
    select f.done_at into done from parley_data.follow_ups f where f.id = this_follow_up for no key update;
    if done is not null then
        perform parley_data.refuse('23514', 'follow_up', 'follow_up_open',
            format('follow-up "%s" was already completed at %s', complete_follow_up.follow_up, done),
            'Nothing to do; add a new follow-up if more is needed.');
    end if;
    update parley_data.follow_ups f
       set done_at = complete_follow_up.done_at, done_note = nullif(btrim(complete_follow_up.note), '')
     where f.id = this_follow_up;
    return complete_follow_up.follow_up;
end
$$;
comment on function parley.complete_follow_up is
    'Marks a follow-up done: complete_follow_up(follow_up => ''F12'', done_at => ..., note => ''Conditions received''). Returns its code.';

-- Subscriptions -----------------------------------------------------------------------------------------------

-- Subscribing again to the same track and item changes the minimum severity.
create or replace function parley.add_subscription(
    person text, track text default null, item text default null, min_severity parley.severity default 'info')
    returns bigint
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    subscriber constant parley_data.people := parley_data.person_named(add_subscription.person);
    this_item constant bigint := parley_data.item_named(add_subscription.item);
    track_found record;
    result bigint;
begin
    track_found := parley_data.track_matches(add_subscription.track);
    perform parley_data.refuse_if(parley_data.bad_subscription(add_subscription.person, subscriber.id is not null,
        subscriber.active, subscriber.clearance, parley_data.session_clearance(), add_subscription.track,
        track_found.matches, track_found.levels, add_subscription.item, this_item is not null,
        add_subscription.min_severity));
    insert into parley_data.subscriptions as s (person_id, track_id, item_id, min_severity, effective_classification)
    values (subscriber.id, track_found.id, this_item, add_subscription.min_severity,
            coalesce(parley_data.track_level(track_found.id), 'unclassified'))
    on conflict on constraint subscriptions_natural_key do update
       set min_severity = excluded.min_severity
     where s.min_severity is distinct from excluded.min_severity
    returning s.id into result;
    if result is null then
        select s.id into result from parley_data.subscriptions s
         where s.person_id = subscriber.id and s.track_id is not distinct from track_found.id
           and s.item_id is not distinct from this_item;
    end if;
    return result;
end
$$;
comment on function parley.add_subscription is
    'Subscribes a person to alerts about a track, an item, both, or (neither given) everything, from a minimum severity: add_subscription(person => ..., track => ''istanbul'', min_severity => ''warning''). Subscribing again changes the severity. Returns the subscription''s id.';

create or replace function parley.remove_subscription(person text, track text default null, item text default null)
    returns boolean
    language plpgsql security definer
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    this_person constant bigint := parley_data.person_id(remove_subscription.person);
    this_track bigint;
    this_item bigint;
begin
    perform parley_data.check_person_within_clearance(this_person, remove_subscription.person);
    if remove_subscription.track is not null then
        this_track := parley_data.track_id(remove_subscription.track);
    end if;
    if remove_subscription.item is not null then
        this_item := parley_data.item_id(remove_subscription.item);
    end if;
    delete from parley_data.subscriptions s
     where s.person_id = this_person and s.track_id is not distinct from this_track
       and s.item_id is not distinct from this_item;
    return found;
end
$$;
comment on function parley.remove_subscription is
    'Ends a subscription (the same person, track and item as when it was added): remove_subscription(person => ..., track => ''istanbul''). Returns whether there was one.';
