-- Import sections: positions, figures, follow-ups, subscriptions.
set local role parley_owner;

create or replace function parley_data.import_positions(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['party', 'item', 'track', 'stance', 'stated_on', 'statement', 'source', 'classification'];
    stances constant text[] := enum_range(null::parley.stance)::text[];
    levels constant text[] := enum_range(null::parley.classification)::text[];
    mine constant parley.classification := parley_data.session_clearance();
    track_ids jsonb;
    item_ids jsonb;
    party_ids jsonb;
    source_ids jsonb;
    at_prefix text;
    rec record;
    dup record;
    v_value text;
    v_stance text;
    v_stated date;
    v_classification text;
    v_party bigint;
    v_item bigint;
    v_track bigint;
    v_track_level parley.classification;
    existing parley_data.positions;
    existing_ids bigint[] := '{}';
    track_levels parley.classification[] := '{}';
    parties bigint[] := '{}';
    agenda_items bigint[] := '{}';
    tracks bigint[] := '{}';
    position_stances parley.stance[] := '{}';
    stated date[] := '{}';
    statements text[] := '{}';
    sources bigint[] := '{}';
    classifications parley.classification[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items,
        'concat_ws(''/'', e.r ->> ''party'', e.r ->> ''item'', coalesce(e.r ->> ''track'', ''-''), e.r ->> ''stated_on'')');
    if found then
        perform parley_data.refuse_duplicate('positions', base, dup, 'stated_on',
            format('the position %s (party/item/track/stated_on)', dup.key));
    end if;
    select jsonb_object_agg(x.code, x.id) into track_ids
      from (select t.code, min(t.id) as id from parley_data.tracks t
             where t.code = any (parley_data.import_codes(items, 'track')) and t.classification <= mine
             group by t.code having count(*) = 1) x;
    select jsonb_object_agg(i.code, i.id) into item_ids from parley_data.agenda_items i
     where i.code = any (parley_data.import_codes(items, 'item'));
    select jsonb_object_agg(p.code, p.id) into party_ids from parley_data.parties p
     where p.code = any (parley_data.import_codes(items, 'party'));
    select jsonb_object_agg(s.code, s.id) into source_ids from parley_data.sources s
     where s.code = any (parley_data.import_codes(items, 'source'));
    track_ids := coalesce(track_ids, '{}'); item_ids := coalesce(item_ids, '{}');
    party_ids := coalesce(party_ids, '{}'); source_ids := coalesce(source_ids, '{}');

    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('positions[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_value := parley_data.import_text(rec.r, 'party');
        v_party := coalesce((party_ids ->> v_value)::bigint, parley_data.party_id(v_value));
        parties := parties || v_party;
        v_value := parley_data.import_text(rec.r, 'item');
        v_item := coalesce((item_ids ->> v_value)::bigint, parley_data.item_id(v_value));
        agenda_items := agenda_items || v_item;
        v_value := parley_data.import_text(rec.r, 'track');
        v_track := case when v_value is not null
                        then coalesce((track_ids ->> v_value)::bigint, parley_data.track_id(v_value)) end;
        v_track_level := coalesce(parley_data.track_level(v_track), 'unclassified');
        tracks := tracks || v_track;
        track_levels := track_levels || v_track_level;
        v_stance := parley_data.import_choice(rec.r, 'stance', stances);
        perform parley_data.require('stance', v_stance is not null);
        v_stated := parley_data.import_date(rec.r, 'stated_on');
        perform parley_data.require('stated_on', v_stated is not null);
        v_value := parley_data.import_text(rec.r, 'source');
        sources := sources || case when v_value is not null
                                   then coalesce((source_ids ->> v_value)::bigint, parley_data.source_id(v_value)) end;
        v_classification := coalesce(parley_data.import_choice(rec.r, 'classification', levels), 'unclassified');
        perform parley_data.check_clearance('classification', v_classification::parley.classification);
        -- The position of that day the caller may see, as parley.record_position finds it; one they may not see
        -- does not count (the record is a new one).
        select * into existing from parley_data.positions p
         where p.party_id = v_party and p.item_id = v_item and p.track_id is not distinct from v_track
           and p.stated_on = v_stated and p.effective_classification <= mine
         order by p.classification = v_classification::parley.classification desc, p.effective_classification desc
         limit 1;
        if existing.id is not null then
            perform parley_data.check_not_lowered('classification', existing.classification,
                v_classification::parley.classification, format('position %s', existing.id));
        end if;
        existing_ids := existing_ids || existing.id;
        position_stances := position_stances || v_stance::parley.stance;
        stated := stated || v_stated;
        statements := statements || nullif(btrim(parley_data.import_text(rec.r, 'statement')), '');
        classifications := classifications || v_classification::parley.classification;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(existing_ids, parties, agenda_items, tracks, track_levels, position_stances, stated,
                             statements, sources, classifications)
                      u(existing_id, party_id, item_id, track_id, track_level, stance, stated_on, statement, source_id,
                        classification)
    )
    insert into parley_data.positions
           (party_id, item_id, track_id, stance, statement, stated_on, source_id, classification,
            track_classification, effective_classification)
    select i.party_id, i.item_id, i.track_id, i.stance, i.statement, i.stated_on, i.source_id, i.classification,
           i.track_level, greatest(i.classification, i.track_level)
      from input i
     where i.existing_id is null;
    get diagnostics added = row_count;
    with input as (
        select * from unnest(existing_ids, position_stances, statements, sources, classifications)
                      u(existing_id, stance, statement, source_id, classification)
    )
    update parley_data.positions p
       set stance = i.stance, statement = i.statement, source_id = i.source_id, classification = i.classification
      from input i
     where p.id = i.existing_id
       and (p.stance, p.statement, p.source_id, p.classification)
           is distinct from (i.stance, i.statement, i.source_id, i.classification);
    get diagnostics changed = row_count;
    return parley_data.import_counts(cardinality(parties), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

create or replace function parley_data.import_figures(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['indicator', 'item', 'value', 'unit', 'as_of', 'claimant', 'source', 'confidence',
                                    'note', 'classification'];
    confidences constant text[] := enum_range(null::parley.confidence)::text[];
    levels constant text[] := enum_range(null::parley.classification)::text[];
    item_ids jsonb;
    party_ids jsonb;
    source_ids jsonb;
    at_prefix text;
    rec record;
    dup record;
    v_value text;
    v_number numeric;
    v_as_of date;
    v_unit text;
    v_classification text;
    v_claimant bigint;
    v_source bigint;
    existing parley_data.figures;
    existing_ids bigint[] := '{}';
    indicators text[] := '{}';
    agenda_items bigint[] := '{}';
    figure_values numeric[] := '{}';
    units text[] := '{}';
    as_of_dates date[] := '{}';
    claimants bigint[] := '{}';
    sources bigint[] := '{}';
    figure_confidences parley.confidence[] := '{}';
    notes text[] := '{}';
    classifications parley.classification[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items,
        'concat_ws(''/'', e.r ->> ''indicator'', coalesce(e.r ->> ''claimant'', ''-''), coalesce(e.r ->> ''source'', ''-''), e.r ->> ''as_of'')');
    if found then
        perform parley_data.refuse_duplicate('figures', base, dup, 'as_of',
            format('the figure %s (indicator/claimant/source/as_of)', dup.key));
    end if;
    select jsonb_object_agg(i.code, i.id) into item_ids from parley_data.agenda_items i
     where i.code = any (parley_data.import_codes(items, 'item'));
    select jsonb_object_agg(p.code, p.id) into party_ids from parley_data.parties p
     where p.code = any (parley_data.import_codes(items, 'claimant'));
    select jsonb_object_agg(s.code, s.id) into source_ids from parley_data.sources s
     where s.code = any (parley_data.import_codes(items, 'source'));
    item_ids := coalesce(item_ids, '{}'); party_ids := coalesce(party_ids, '{}'); source_ids := coalesce(source_ids, '{}');

    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('figures[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_value := parley_data.import_text(rec.r, 'indicator');
        perform parley_data.check_code('indicator', v_value, 'figures_indicator_format');
        indicators := indicators || v_value;
        v_number := parley_data.import_numeric(rec.r, 'value');
        perform parley_data.require('value', v_number is not null);
        figure_values := figure_values || v_number;
        v_as_of := parley_data.import_date(rec.r, 'as_of');
        perform parley_data.require('as_of', v_as_of is not null);
        as_of_dates := as_of_dates || v_as_of;
        v_unit := parley_data.import_text(rec.r, 'unit');
        perform parley_data.check_optional_label('unit', v_unit, 'figures_unit_format');
        units := units || nullif(btrim(v_unit), '');
        v_value := parley_data.import_text(rec.r, 'item');
        agenda_items := agenda_items || case when v_value is not null
                                             then coalesce((item_ids ->> v_value)::bigint, parley_data.item_id(v_value)) end;
        v_value := parley_data.import_text(rec.r, 'claimant');
        v_claimant := case when v_value is not null
                           then coalesce((party_ids ->> v_value)::bigint, parley_data.party_id(v_value, 'claimant')) end;
        claimants := claimants || v_claimant;
        v_value := parley_data.import_text(rec.r, 'source');
        v_source := case when v_value is not null
                         then coalesce((source_ids ->> v_value)::bigint, parley_data.source_id(v_value)) end;
        sources := sources || v_source;
        figure_confidences := figure_confidences
            || coalesce(parley_data.import_choice(rec.r, 'confidence', confidences), 'reported')::parley.confidence;
        notes := notes || nullif(btrim(parley_data.import_text(rec.r, 'note')), '');
        v_classification := coalesce(parley_data.import_choice(rec.r, 'classification', levels), 'unclassified');
        perform parley_data.check_clearance('classification', v_classification::parley.classification);
        -- The figure the caller may see with this key, as parley.add_figure finds it; one they may not see does
        -- not count (the record is a new one).
        select * into existing from parley_data.figures f
         where f.indicator = indicators[cardinality(indicators)] and f.as_of = v_as_of
           and f.claimant_id is not distinct from v_claimant and f.source_id is not distinct from v_source
           and f.classification <= parley_data.session_clearance()
         order by f.classification = v_classification::parley.classification desc, f.classification desc
         limit 1;
        if existing.id is not null then
            perform parley_data.check_not_lowered('classification', existing.classification,
                v_classification::parley.classification, format('figure %s', existing.id));
        end if;
        existing_ids := existing_ids || existing.id;
        classifications := classifications || v_classification::parley.classification;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(existing_ids, indicators, agenda_items, figure_values, units, as_of_dates, claimants,
                             sources, figure_confidences, notes, classifications)
                      u(existing_id, indicator, item_id, value, unit, as_of, claimant_id, source_id, confidence, note,
                        classification)
    )
    insert into parley_data.figures
           (indicator, item_id, value, unit, as_of, claimant_id, source_id, confidence, note, classification)
    select i.indicator, i.item_id, i.value, i.unit, i.as_of, i.claimant_id, i.source_id, i.confidence, i.note,
           i.classification
      from input i
     where i.existing_id is null;
    get diagnostics added = row_count;
    with input as (
        select * from unnest(existing_ids, agenda_items, figure_values, units, figure_confidences, notes, classifications)
                      u(existing_id, item_id, value, unit, confidence, note, classification)
    )
    update parley_data.figures f
       set item_id = i.item_id, value = i.value, unit = i.unit, confidence = i.confidence, note = i.note,
           classification = i.classification
      from input i
     where f.id = i.existing_id
       and (f.item_id, f.value, f.unit, f.confidence, f.note, f.classification)
           is distinct from (i.item_id, i.value, i.unit, i.confidence, i.note, i.classification);
    get diagnostics changed = row_count;
    return parley_data.import_counts(cardinality(indicators), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

-- Follow-ups. due_in_days (with due_time, 17:00 unless given, on the assignee's clock) is resolved when the
-- follow-up is first recorded, like a commitment's due_in_days. A code such as F12 names a follow-up recorded
-- without a code by its number.
create or replace function parley_data.import_follow_ups(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'assignee', 'due_at', 'due_in_days', 'due_time', 'note', 'commitment',
                                    'meeting', 'track', 'done_at', 'done_note'];
    at_prefix text;
    rec record;
    dup record;
    v_code text;
    v_assignee bigint;
    v_assignee_zone text;
    v_due timestamptz;
    v_due_days integer;
    v_due_time text;
    v_note text;
    v_commitment text;
    v_meeting text;
    v_track text;
    v_subject bigint;
    mine constant parley.classification := parley_data.session_clearance();
    codes text[] := '{}';
    existing_ids bigint[] := '{}';
    follow_up_levels parley.classification[] := '{}';
    assignees bigint[] := '{}';
    due timestamptz[] := '{}';
    notes text[] := '{}';
    commitments bigint[] := '{}';
    meetings bigint[] := '{}';
    tracks bigint[] := '{}';
    done timestamptz[] := '{}';
    done_notes text[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('follow_ups', base, dup, 'code', format('follow-up "%s"', dup.key));
    end if;
    -- The follow-up a record names, among those the caller may see (one they may not see does not count).
    for rec in
        select e.ord, e.r,
               coalesce(f.id, g.id) as existing_id, coalesce(f.due_at, g.due_at) as existing_due
          from jsonb_array_elements(items) with ordinality e(r, ord)
          left join lateral (
                select x.id, x.due_at from parley_data.follow_ups x
                 where x.code = e.r ->> 'code' and x.effective_classification <= mine
                 order by x.effective_classification desc limit 1) f on true
          left join parley_data.follow_ups g
                 on f.id is null and g.code is null and g.effective_classification <= mine
                and g.id = case when (e.r ->> 'code') ~ '^F[0-9]{1,18}$' then substr(e.r ->> 'code', 2)::bigint end
         order by e.ord
    loop
        at_prefix := format('follow_ups[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        v_code := parley_data.import_text(rec.r, 'code');
        perform parley_data.check_code('code', v_code, 'follow_ups_code_format');
        v_assignee := parley_data.person_id(parley_data.import_text(rec.r, 'assignee'), 'assignee', active_only => true);
        v_note := parley_data.import_text(rec.r, 'note');
        perform parley_data.require('note', nullif(btrim(v_note), '') is not null);
        v_commitment := parley_data.import_text(rec.r, 'commitment');
        v_meeting := parley_data.import_text(rec.r, 'meeting');
        v_track := parley_data.import_text(rec.r, 'track');
        if num_nonnulls(v_commitment, v_meeting, v_track) <> 1 then
            perform parley_data.refuse('23514', 'commitment', 'follow_ups_one_subject',
                format('a follow-up is about exactly one of commitment, meeting or track; %s given',
                       num_nonnulls(v_commitment, v_meeting, v_track)),
                'Give one of commitment, meeting or track.');
        end if;
        v_due := parley_data.import_timestamptz(rec.r, 'due_at');
        v_due_days := parley_data.import_days(rec.r, 'due_in_days');
        v_due_time := parley_data.import_text(rec.r, 'due_time');
        if v_due is not null and v_due_days is not null then
            perform parley_data.refuse('22023', 'due_in_days', 'import_one_date',
                'give due_at or due_in_days, not both', 'due_in_days counts from the day of the import; due_at is a moment.');
        end if;
        if v_due_time is not null and (v_due_days is null or v_due_time !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$') then
            perform parley_data.refuse('22007', 'due_time', 'import_due_time',
                format('due_time "%s" needs due_in_days and the form HH:MM', v_due_time),
                'Write due_time as HH:MM on the assignee''s clock, with due_in_days, e.g. due_in_days: 2 and due_time: "09:30".');
        end if;
        if v_due_days is not null then
            select p.timezone into v_assignee_zone from parley_data.people p where p.id = v_assignee;
            v_due := coalesce(rec.existing_due,
                              ((current_date + v_due_days) + coalesce(v_due_time, '17:00')::time) at time zone v_assignee_zone);
        end if;
        perform parley_data.require('due_at', v_due is not null);
        codes := codes || v_code;
        existing_ids := existing_ids || rec.existing_id;
        assignees := assignees || v_assignee;
        due := due || v_due;
        notes := notes || v_note;
        -- Kept at the level of what it is about.
        if v_commitment is not null then
            v_subject := parley_data.commitment_id(v_commitment);
            follow_up_levels := follow_up_levels || parley_data.commitment_level(v_subject);
        elsif v_meeting is not null then
            v_subject := parley_data.meeting_id(v_meeting);
            follow_up_levels := follow_up_levels || parley_data.meeting_level(v_subject);
        else
            v_subject := parley_data.track_id(v_track);
            follow_up_levels := follow_up_levels || parley_data.track_level(v_subject);
        end if;
        commitments := commitments || case when v_commitment is not null then v_subject end;
        meetings := meetings || case when v_meeting is not null then v_subject end;
        tracks := tracks || case when v_track is not null then v_subject end;
        done := done || parley_data.import_timestamptz(rec.r, 'done_at');
        done_notes := done_notes || nullif(btrim(parley_data.import_text(rec.r, 'done_note')), '');
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(codes, existing_ids, assignees, due, notes, commitments, meetings, tracks, done, done_notes,
                             follow_up_levels)
                      u(code, existing_id, assignee_id, due_at, note, commitment_id, meeting_id, track_id, done_at,
                        done_note, level)
    )
    insert into parley_data.follow_ups (code, commitment_id, meeting_id, track_id, assignee_id, due_at, note, done_at,
                                        done_note, effective_classification)
    select i.code, i.commitment_id, i.meeting_id, i.track_id, i.assignee_id, i.due_at, i.note, i.done_at, i.done_note,
           i.level
      from input i where i.existing_id is null;
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, existing_ids, assignees, due, notes, commitments, meetings, tracks, done,
                                 done_notes, follow_up_levels)
                          u(code, existing_id, assignee_id, due_at, note, commitment_id, meeting_id, track_id, done_at,
                            done_note, level)
        )
        update parley_data.follow_ups f
           set commitment_id = i.commitment_id, meeting_id = i.meeting_id, track_id = i.track_id,
               assignee_id = i.assignee_id, due_at = i.due_at, note = i.note, done_at = i.done_at, done_note = i.done_note,
               effective_classification = i.level
          from input i
         where f.id = i.existing_id
           and (f.commitment_id, f.meeting_id, f.track_id, f.assignee_id, f.due_at, f.note, f.done_at, f.done_note)
               is distinct from (i.commitment_id, i.meeting_id, i.track_id, i.assignee_id, i.due_at, i.note, i.done_at, i.done_note);
        get diagnostics changed = row_count;
    end if;

    perform setval(pg_get_serial_sequence('parley_data.follow_ups', 'id'),
                   greatest(n, coalesce(pg_sequence_last_value(pg_get_serial_sequence('parley_data.follow_ups', 'id')::regclass), 1)))
       from (select max(substr(c, 2)::bigint) as n from unnest(codes) c where c ~ '^F[0-9]{1,18}$') m
      where m.n is not null;
    return parley_data.import_counts(cardinality(codes), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;

create or replace function parley_data.import_subscriptions(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['person', 'track', 'item', 'min_severity'];
    severities constant text[] := enum_range(null::parley.severity)::text[];
    at_prefix text;
    rec record;
    dup record;
    v_value text;
    people bigint[] := '{}';
    tracks bigint[] := '{}';
    agenda_items bigint[] := '{}';
    minimums parley.severity[] := '{}';
    added integer;
    changed integer;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items,
        'concat_ws(''/'', lower(e.r ->> ''person''), coalesce(e.r ->> ''track'', ''-''), coalesce(e.r ->> ''item'', ''-''))');
    if found then
        perform parley_data.refuse_duplicate('subscriptions', base, dup, 'person',
            format('the subscription %s (person/track/item)', dup.key));
    end if;
    for rec in select e.ord, e.r from jsonb_array_elements(items) with ordinality e(r, ord) order by e.ord loop
        at_prefix := format('subscriptions[%s].', base + rec.ord - 1);
        perform parley_data.import_fields(rec.r, fields);
        people := people || parley_data.person_id(parley_data.import_text(rec.r, 'person'), 'person', active_only => true);
        perform parley_data.check_person_within_clearance(people[cardinality(people)], parley_data.import_text(rec.r, 'person'));
        v_value := parley_data.import_text(rec.r, 'track');
        tracks := tracks || case when v_value is not null then parley_data.track_id(v_value) end;
        v_value := parley_data.import_text(rec.r, 'item');
        agenda_items := agenda_items || case when v_value is not null then parley_data.item_id(v_value) end;
        minimums := minimums || coalesce(parley_data.import_choice(rec.r, 'min_severity', severities), 'info')::parley.severity;
    end loop;
    at_prefix := null;

    with input as (
        select * from unnest(people, tracks, agenda_items, minimums) u(person_id, track_id, item_id, min_severity)
    )
    update parley_data.subscriptions s
       set min_severity = i.min_severity
      from input i
     where s.person_id = i.person_id and s.track_id is not distinct from i.track_id
       and s.item_id is not distinct from i.item_id and s.min_severity is distinct from i.min_severity;
    get diagnostics changed = row_count;
    with input as (
        select * from unnest(people, tracks, agenda_items, minimums) u(person_id, track_id, item_id, min_severity)
    )
    insert into parley_data.subscriptions (person_id, track_id, item_id, min_severity, effective_classification)
    select i.person_id, i.track_id, i.item_id, i.min_severity, coalesce(parley_data.track_level(i.track_id), 'unclassified')
      from input i
     where not exists (select 1 from parley_data.subscriptions s
                        where s.person_id = i.person_id and s.track_id is not distinct from i.track_id
                          and s.item_id is not distinct from i.item_id);
    get diagnostics added = row_count;
    return parley_data.import_counts(cardinality(people), added, changed);
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;
