-- Import section: commitments with their updates, the hot path of a large import.
set local role parley_owner;

-- Commitments with their updates: the hot path of a large import. References are looked up for the whole list at
-- once (falling back to the recording functions' lookups, which refuse, on a miss); updates already recorded are
-- recognised by their content, so that only new ones are added. made_in_days and due_in_days give dates relative
-- to the day of the import, for demonstration data; they are resolved when the commitment is first recorded and
-- leave an existing commitment's dates as they are, so that importing again on another day changes nothing.
create or replace function parley_data.import_commitments(items jsonb, base integer)
    returns jsonb
    language plpgsql
    set search_path = parley_data, parley, pg_catalog, pg_temp
as $$
declare
    fields constant text[] := array['code', 'track', 'item', 'meeting', 'obligor', 'beneficiaries', 'text', 'made_on',
                                    'made_in_days', 'due_on', 'due_in_days', 'target_quantity', 'unit', 'deal',
                                    'owner', 'classification', 'source', 'updates'];
    update_fields constant text[] := array['reported_on', 'delivered', 'new_status', 'reopen', 'note', 'source',
                                           'reported_by', 'verification', 'recorded_by'];
    levels constant text[] := enum_range(null::parley.classification)::text[];
    commitment_statuses constant text[] := enum_range(null::parley.commitment_status)::text[];
    verifications constant text[] := enum_range(null::parley.verification)::text[];
    transitions constant text[] := array(select t.from_status || '>' || t.to_status from parley_data.commitment_transitions t);
    mine constant parley.classification := parley_data.session_clearance();
    track_ids jsonb;
    item_ids jsonb;
    party_ids jsonb;
    person_ids jsonb;
    source_ids jsonb;
    meeting_ids jsonb;
    on_agenda jsonb;
    deal_sides jsonb;
    at_prefix text;
    rec record;
    dup record;
    prefix text;
    update_list jsonb;
    list jsonb;
    fast boolean;
    first_suspect bigint;
    u jsonb;
    k integer;
    nth integer;
    date_order integer[];
    v_code text;
    v_track text;
    v_track_id bigint;
    v_track_level parley.classification;
    v_meeting_level parley.classification;
    v_level parley.classification;
    v_item text;
    v_item_id bigint;
    v_obligor text;
    v_obligor_id bigint;
    v_beneficiaries text[];
    v_beneficiary_ids bigint[];
    v_party_id bigint;
    v_text text;
    v_made date;
    v_made_days integer;
    v_due date;
    v_due_days integer;
    v_target numeric;
    v_unit text;
    v_deal text;
    v_owner text;
    v_owner_id bigint;
    v_classification text;
    v_source text;
    v_source_id bigint;
    v_meeting text;
    v_meeting_id bigint;
    v_meeting_track bigint;
    u_reported date;
    u_delivered numeric;
    u_status text;
    u_reopen boolean;
    u_note text;
    u_verification text;
    u_source_id bigint;
    u_party_id bigint;
    u_person_id bigint;
    u_fingerprint text;
    recorded jsonb;
    recorded_updates jsonb;
    status_now text;
    new_dates date[];
    new_statuses text[];
    new_reopens boolean[];
    new_paths text[];
    sorted boolean;
    j integer;
    codes text[] := '{}';
    existing_ids bigint[] := '{}';
    commitment_levels parley.classification[] := '{}';
    track_levels parley.classification[] := '{}';
    meeting_levels parley.classification[] := '{}';
    tracks bigint[] := '{}';
    agenda_items bigint[] := '{}';
    meetings bigint[] := '{}';
    obligors bigint[] := '{}';
    deals text[] := '{}';
    texts text[] := '{}';
    made_dates date[] := '{}';
    due_dates date[] := '{}';
    targets numeric[] := '{}';
    units text[] := '{}';
    owners bigint[] := '{}';
    classifications parley.classification[] := '{}';
    sources bigint[] := '{}';
    b_codes text[] := '{}';
    b_levels parley.classification[] := '{}';
    b_obligors bigint[] := '{}';
    b_parties bigint[] := '{}';
    u_codes text[] := '{}';
    u_levels parley.classification[] := '{}';
    u_order integer[] := '{}';
    u_dates date[] := '{}';
    u_delivered_all numeric[] := '{}';
    u_statuses parley.commitment_status[] := '{}';
    u_reopens boolean[] := '{}';
    u_notes text[] := '{}';
    u_sources bigint[] := '{}';
    u_parties bigint[] := '{}';
    u_people bigint[] := '{}';
    u_verifications parley.verification[] := '{}';
    added integer;
    changed integer;
    updates_added integer;
    beneficiaries_added integer;
    updates_total integer := 0;
    e_state text; e_message text; e_detail text; e_hint text; e_column text; e_rule text;
begin
    select * into dup from parley_data.import_duplicate(items, 'e.r ->> ''code''');
    if found then
        perform parley_data.refuse_duplicate('commitments', base, dup, 'code', format('commitment "%s"', dup.key));
    end if;
    select * into dup from parley_data.import_duplicate(items,
        'case when e.r ->> ''deal'' is not null then (e.r ->> ''deal'') || '' by '' || (e.r ->> ''obligor'') end');
    if found then
        perform parley_data.refuse_duplicate('commitments', base, dup, 'deal',
            format('a commitment of deal %s', dup.key));
    end if;

    -- Rows the caller may not see are left out, as if they did not exist; a code that names rows at two levels
    -- the caller may see is left to the recording functions' lookups, which ask which one.
    select jsonb_object_agg(x.code, x.id_level) into track_ids
      from (select t.code, min(jsonb_build_array(t.id, t.classification)::text)::jsonb as id_level
              from parley_data.tracks t
             where t.code = any (parley_data.import_codes(items, 'track')) and t.classification <= mine
             group by t.code having count(*) = 1) x;
    select jsonb_object_agg(i.code, i.id) into item_ids from parley_data.agenda_items i
     where i.code = any (parley_data.import_codes(items, 'item'));
    select jsonb_object_agg(p.code, p.id) into party_ids from parley_data.parties p
     where p.code = any (parley_data.import_codes(items, 'obligor')
                         || array(select distinct b.code from jsonb_array_elements(items) e(r),
                                         jsonb_array_elements_text(case jsonb_typeof(e.r -> 'beneficiaries')
                                                                       when 'array' then e.r -> 'beneficiaries'
                                                                       else '[]' end) b(code))
                         || array(select distinct u.r ->> 'reported_by' from jsonb_array_elements(items) e(r),
                                         jsonb_array_elements(case jsonb_typeof(e.r -> 'updates')
                                                                  when 'array' then e.r -> 'updates' else '[]' end) u(r)));
    select jsonb_object_agg(lower(p.email), p.id) into person_ids from parley_data.people p
     where p.active and lower(p.email) = any (array(select lower(c) from unnest(parley_data.import_codes(items, 'owner')) c));
    select jsonb_object_agg(s.code, s.id) into source_ids from parley_data.sources s
     where s.code = any (parley_data.import_codes(items, 'source')
                         || array(select distinct u.r ->> 'source' from jsonb_array_elements(items) e(r),
                                         jsonb_array_elements(case jsonb_typeof(e.r -> 'updates')
                                                                  when 'array' then e.r -> 'updates' else '[]' end) u(r)));
    select jsonb_object_agg(x.code, x.id_track_level) into meeting_ids
      from (select m.code, min(jsonb_build_array(m.id, m.track_id, m.effective_classification)::text)::jsonb as id_track_level
              from parley_data.meetings m
             where m.code = any (parley_data.import_codes(items, 'meeting')) and m.effective_classification <= mine
             group by m.code having count(*) = 1) x;
    select jsonb_object_agg(a.track_id || '/' || a.item_id, true) into on_agenda
      from parley_data.track_agenda a
      join parley_data.tracks t on t.id = a.track_id
     where t.code = any (parley_data.import_codes(items, 'track')) and t.classification <= mine;
    select jsonb_object_agg(d.code || '/' || c.obligor_id, c.code) into deal_sides
      from parley_data.deals d join parley_data.commitments c on c.deal_id = d.id
     where d.code = any (parley_data.import_codes(items, 'deal')) and d.classification <= mine
       and c.effective_classification <= mine;
    -- The updates recorded already for the commitments of this list, by commitment and content, with how many
    -- times each: an update in the document that matches one of them is not added again.
    select jsonb_object_agg(r.commitment_id::text, r.fingerprints) into recorded_updates
      from (select f.commitment_id, jsonb_object_agg(f.fingerprint, f.n) as fingerprints
              from (select u.commitment_id,
                           jsonb_build_array(u.reported_on, trim_scale(u.delivered_quantity), u.new_status, u.reopen,
                                             u.note, u.source_id, u.reported_by_party_id, u.recorded_by_id,
                                             u.verification)::text as fingerprint,
                           count(*) as n
                      from parley_data.commitment_updates u
                      join parley_data.commitments c on c.id = u.commitment_id
                     where c.code = any (parley_data.import_codes(items, 'code')) and c.effective_classification <= mine
                     group by 1, 2) f
             group by f.commitment_id) r;
    track_ids := coalesce(track_ids, '{}'); item_ids := coalesce(item_ids, '{}');
    party_ids := coalesce(party_ids, '{}'); person_ids := coalesce(person_ids, '{}');
    source_ids := coalesce(source_ids, '{}'); meeting_ids := coalesce(meeting_ids, '{}');
    on_agenda := coalesce(on_agenda, '{}'); deal_sides := coalesce(deal_sides, '{}');
    recorded_updates := coalesce(recorded_updates, '{}');

    -- The fast path: a set-based look over the whole list first. Records before the first one that might be of
    -- the wrong shape (a field unknown, a date or number unreadable, a word not in its list) are read with plain
    -- casts; from that record on, the field readers above are used, which refuse with the field's name.
    select min(e.ord) into first_suspect
      from jsonb_array_elements(items) with ordinality e(r, ord)
     where jsonb_typeof(e.r) is distinct from 'object'
        or (e.r - fields) <> '{}'
        or jsonb_path_exists(e.r - array['beneficiaries', 'updates'], '$.* ? (@.type() == "object" || @.type() == "array")')
        or not parley_data.import_date_ok(e.r -> 'made_on')
        or not parley_data.import_date_ok(e.r -> 'due_on')
        or not parley_data.import_days_ok(e.r -> 'made_in_days')
        or not parley_data.import_days_ok(e.r -> 'due_in_days')
        or not parley_data.import_number_ok(e.r -> 'target_quantity')
        or coalesce(e.r ->> 'classification', 'unclassified') <> all (levels)
        or coalesce(jsonb_typeof(e.r -> 'beneficiaries'), 'null') not in ('array', 'string', 'null')
        or jsonb_path_exists(e.r, '$.beneficiaries[*] ? (@.type() != "string" && @.type() != "number")')
        or coalesce(jsonb_typeof(e.r -> 'updates'), 'null') not in ('array', 'null')
        or exists (select 1
                     from jsonb_array_elements(case jsonb_typeof(e.r -> 'updates') when 'array' then e.r -> 'updates'
                                                                                     else '[]' end) x(u)
                    where jsonb_typeof(x.u) <> 'object'
                       or (x.u - update_fields) <> '{}'
                       or jsonb_path_exists(x.u, '$.* ? (@.type() == "object" || @.type() == "array")')
                       or not parley_data.import_date_ok(x.u -> 'reported_on')
                       or not parley_data.import_number_ok(x.u -> 'delivered')
                       or coalesce(x.u ->> 'new_status', 'pending') <> all (commitment_statuses)
                       or coalesce(x.u ->> 'verification', 'unverified') <> all (verifications)
                       or coalesce(jsonb_typeof(x.u -> 'reopen'), 'null') not in ('boolean', 'null'));
    first_suspect := coalesce(first_suspect, 9223372036854775807);

    -- The commitment a record names: among those the caller may see with its code, the one of the classification
    -- it gives, else the most classified (a commitment the caller may not see does not count: the record is a new
    -- one, at the caller's level).
    for rec in
        select e.ord, e.r, c.id as existing_id, c.track_id as existing_track, c.item_id as existing_item,
               c.obligor_id as existing_obligor, d.code as existing_deal, c.made_on as existing_made,
               c.due_on as existing_due, c.status::text as existing_status,
               c.classification as existing_classification
          from jsonb_array_elements(items) with ordinality e(r, ord)
          left join lateral (
                select x.* from parley_data.commitments x
                 where x.code = e.r ->> 'code' and x.effective_classification <= mine
                 order by x.classification::text = coalesce(e.r ->> 'classification', 'unclassified') desc,
                          x.effective_classification desc
                 limit 1) c on true
          left join parley_data.deals d on d.id = c.deal_id
         order by e.ord
    loop
        prefix := 'commitments[' || (base + rec.ord - 1) || '].';
        at_prefix := prefix;
        fast := rec.ord < first_suspect;
        if not fast then
            perform parley_data.import_fields(rec.r, fields);
        end if;
        v_code := case when fast then rec.r ->> 'code' else parley_data.import_text(rec.r, 'code') end;
        if v_code is null or not parley_data.is_code(v_code) then
            perform parley_data.check_code('code', v_code, 'commitments_code_format');
        end if;

        v_track := case when fast then rec.r ->> 'track' else parley_data.import_text(rec.r, 'track') end;
        v_track_id := coalesce((track_ids -> v_track ->> 0)::bigint, parley_data.track_id(v_track));
        v_track_level := coalesce((track_ids -> v_track ->> 1)::parley.classification, parley_data.track_level(v_track_id));
        v_item := case when fast then rec.r ->> 'item' else parley_data.import_text(rec.r, 'item') end;
        v_item_id := coalesce((item_ids ->> v_item)::bigint, parley_data.item_id(v_item));
        if not on_agenda ? (v_track_id || '/' || v_item_id) then
            perform parley_data.refuse('23503', 'item', 'commitments_on_track_agenda',
                format('agenda item "%s" is not on the agenda of track "%s"', v_item, v_track),
                'Put it on the track''s agenda first: list it under the track''s agenda in the document.');
        end if;
        v_obligor := case when fast then rec.r ->> 'obligor' else parley_data.import_text(rec.r, 'obligor') end;
        v_obligor_id := coalesce((party_ids ->> v_obligor)::bigint, parley_data.party_id(v_obligor, 'obligor'));

        if fast then
            list := rec.r -> 'beneficiaries';
            if jsonb_typeof(list) = 'string' then
                v_beneficiaries := array[list #>> '{}'];
            else
                v_beneficiaries := '{}';
                for k in 0 .. coalesce(jsonb_array_length(list), 0) - 1 loop
                    v_beneficiaries := v_beneficiaries || (list ->> k);
                end loop;
            end if;
        else
            v_beneficiaries := parley_data.import_text_list(rec.r, 'beneficiaries');
        end if;
        if coalesce(cardinality(v_beneficiaries), 0) = 0 then
            perform parley_data.require('beneficiaries', false);
        end if;
        v_beneficiary_ids := '{}';
        for j in 1 .. cardinality(v_beneficiaries) loop
            v_party_id := coalesce((party_ids ->> v_beneficiaries[j])::bigint,
                                   parley_data.party_id(v_beneficiaries[j], format('beneficiaries[%s]', j - 1)));
            if v_party_id = v_obligor_id then
                perform parley_data.refuse('23514', format('beneficiaries[%s]', j - 1), 'commitment_beneficiaries_not_obligor',
                    format('beneficiary "%s" is the obligor: a party cannot owe a commitment to itself', v_obligor),
                    'Name the parties the commitment is owed to, other than the obligor.');
            end if;
            if v_party_id <> all (v_beneficiary_ids) then
                v_beneficiary_ids := v_beneficiary_ids || v_party_id;
                b_codes := b_codes || v_code;
                b_obligors := b_obligors || v_obligor_id;
                b_parties := b_parties || v_party_id;
            end if;
        end loop;

        v_text := case when fast then rec.r ->> 'text' else parley_data.import_text(rec.r, 'text') end;
        if nullif(btrim(v_text), '') is null then
            perform parley_data.require('text', false);
        end if;

        v_made := case when fast then (rec.r ->> 'made_on')::date else parley_data.import_date(rec.r, 'made_on') end;
        v_made_days := case when fast then (rec.r ->> 'made_in_days')::integer
                            else parley_data.import_days(rec.r, 'made_in_days') end;
        if v_made is not null and v_made_days is not null then
            perform parley_data.refuse('22023', 'made_in_days', 'import_one_date',
                'give made_on or made_in_days, not both', 'made_in_days counts from the day of the import; made_on is a date.');
        end if;
        if v_made_days is not null then
            v_made := coalesce(rec.existing_made, current_date + v_made_days);
        end if;
        if v_made is null then
            perform parley_data.require('made_on', false);
        end if;
        v_due := case when fast then (rec.r ->> 'due_on')::date else parley_data.import_date(rec.r, 'due_on') end;
        v_due_days := case when fast then (rec.r ->> 'due_in_days')::integer
                           else parley_data.import_days(rec.r, 'due_in_days') end;
        if v_due is not null and v_due_days is not null then
            perform parley_data.refuse('22023', 'due_in_days', 'import_one_date',
                'give due_on or due_in_days, not both', 'due_in_days counts from the day of the import; due_on is a date.');
        end if;
        if v_due_days is not null then
            v_due := case when rec.existing_id is not null then rec.existing_due else current_date + v_due_days end;
        end if;
        if v_due < v_made then
            perform parley_data.check_due_on(v_due, v_made);
        end if;

        v_target := case when fast then (rec.r ->> 'target_quantity')::numeric
                         else parley_data.import_numeric(rec.r, 'target_quantity') end;
        if v_target <= 0 then
            perform parley_data.refuse('23514', 'target_quantity', 'commitments_target_positive',
                format('target_quantity %s is not positive', v_target),
                'Give the quantity promised (more than zero), or leave it out when nothing is counted.');
        end if;
        v_unit := nullif(btrim(case when fast then rec.r ->> 'unit' else parley_data.import_text(rec.r, 'unit') end), '');
        if v_unit is not null and not parley_data.is_label(v_unit) then
            perform parley_data.check_optional_label('unit', v_unit, 'commitments_unit_format');
        end if;
        if v_unit is not null and v_target is null then
            perform parley_data.refuse('23514', 'unit', 'commitments_unit_with_target',
                format('unit "%s" is given without a target_quantity', v_unit), 'Give target_quantity too, or leave unit out.');
        end if;

        v_deal := case when fast then rec.r ->> 'deal' else parley_data.import_text(rec.r, 'deal') end;
        if v_deal is not null then
            if not parley_data.is_code(v_deal) then
                perform parley_data.check_code('deal', v_deal, 'deals_code_format');
            end if;
            if deal_sides ->> (v_deal || '/' || v_obligor_id) is distinct from v_code
               and deal_sides ? (v_deal || '/' || v_obligor_id) then
                perform parley_data.refuse('23505', 'deal', 'commitments_one_per_obligor_in_deal',
                    format('deal "%s" already has a commitment by %s (%s)', v_deal, v_obligor,
                           deal_sides ->> (v_deal || '/' || v_obligor_id)),
                    'A deal has one commitment per obligor.');
            end if;
        end if;

        v_owner := case when fast then rec.r ->> 'owner' else parley_data.import_text(rec.r, 'owner') end;
        v_owner_id := null;
        if v_owner is not null then
            v_owner_id := coalesce((person_ids ->> lower(v_owner))::bigint,
                                   parley_data.person_id(v_owner, 'owner', active_only => true));
        end if;
        v_classification := coalesce(case when fast then rec.r ->> 'classification'
                                          else parley_data.import_choice(rec.r, 'classification', levels) end,
                                     'unclassified');
        if v_classification::parley.classification > mine then
            perform parley_data.check_clearance('classification', v_classification::parley.classification);
        end if;
        if rec.existing_id is not null then
            perform parley_data.check_not_lowered('classification', rec.existing_classification,
                v_classification::parley.classification, format('commitment "%s"', v_code));
        end if;
        v_source := case when fast then rec.r ->> 'source' else parley_data.import_text(rec.r, 'source') end;
        v_source_id := null;
        if v_source is not null then
            v_source_id := coalesce((source_ids ->> v_source)::bigint, parley_data.source_id(v_source));
        end if;
        v_meeting := case when fast then rec.r ->> 'meeting' else parley_data.import_text(rec.r, 'meeting') end;
        v_meeting_id := null;
        v_meeting_level := null;
        if v_meeting is not null then
            v_meeting_id := (meeting_ids -> v_meeting ->> 0)::bigint;
            v_meeting_track := (meeting_ids -> v_meeting ->> 1)::bigint;
            v_meeting_level := (meeting_ids -> v_meeting ->> 2)::parley.classification;
            if v_meeting_id is null then
                v_meeting_id := parley_data.meeting_id(v_meeting);
                select m.track_id, m.effective_classification into v_meeting_track, v_meeting_level
                  from parley_data.meetings m where m.id = v_meeting_id;
            end if;
            if v_meeting_track <> v_track_id then
                perform parley_data.refuse('23503', 'meeting', 'commitments_meeting_on_track',
                    format('meeting "%s" is not a meeting of track "%s"', v_meeting, v_track),
                    'Name a meeting of the same track, or leave meeting out.');
            end if;
        end if;

        -- What an import does not change about a recorded commitment.
        if rec.existing_id is not null then
            if rec.existing_track <> v_track_id then
                perform parley_data.refuse('23514', 'track', 'import_keeps_commitment',
                    format('commitment "%s" is recorded on track "%s"; an import does not move it', v_code,
                           (select t.code from parley_data.tracks t where t.id = rec.existing_track)),
                    'Give the recorded value, or record a new commitment under another code.');
            elsif rec.existing_item <> v_item_id then
                perform parley_data.refuse('23514', 'item', 'import_keeps_commitment',
                    format('commitment "%s" is recorded about item "%s"; an import does not change that', v_code,
                           (select i.code from parley_data.agenda_items i where i.id = rec.existing_item)),
                    'Give the recorded value, or record a new commitment under another code.');
            elsif rec.existing_obligor <> v_obligor_id then
                perform parley_data.refuse('23514', 'obligor', 'import_keeps_commitment',
                    format('commitment "%s" is recorded as owed by "%s"; an import does not change its obligor', v_code,
                           (select p.code from parley_data.parties p where p.id = rec.existing_obligor)),
                    'Give the recorded value, or record a new commitment under another code.');
            elsif rec.existing_deal is distinct from v_deal then
                perform parley_data.refuse('23514', 'deal', 'import_keeps_commitment',
                    format('commitment "%s" is recorded in deal %s; an import does not change its deal', v_code,
                           coalesce('"' || rec.existing_deal || '"', '(none)')),
                    'Give the recorded value, or record a new commitment under another code.');
            elsif rec.existing_made <> v_made then
                perform parley_data.refuse('23514', 'made_on', 'import_keeps_commitment',
                    format('commitment "%s" is recorded as made on %s; an import does not change that', v_code,
                           rec.existing_made),
                    'Give the recorded value, or record a new commitment under another code.');
            end if;
        end if;

        -- The level it is kept at: the highest of its own, its track's and its meeting's.
        v_level := greatest(v_classification::parley.classification, v_track_level, v_meeting_level);
        codes := codes || v_code;
        existing_ids := existing_ids || rec.existing_id;
        commitment_levels := commitment_levels || v_level;
        track_levels := track_levels || v_track_level;
        meeting_levels := meeting_levels || v_meeting_level;
        tracks := tracks || v_track_id;
        agenda_items := agenda_items || v_item_id;
        meetings := meetings || v_meeting_id;
        obligors := obligors || v_obligor_id;
        deals := deals || v_deal;
        texts := texts || v_text;
        made_dates := made_dates || v_made;
        due_dates := due_dates || v_due;
        targets := targets || v_target;
        units := units || v_unit;
        owners := owners || v_owner_id;
        classifications := classifications || v_classification::parley.classification;
        sources := sources || v_source_id;

        -- Updates: checked as parley.record_update checks them; those recorded already are recognised by content.
        at_prefix := prefix;
        update_list := case when fast then coalesce(rec.r -> 'updates', '[]') else parley_data.import_list(rec.r, 'updates') end;
        update_list := case when jsonb_typeof(update_list) = 'null' then '[]' else update_list end;
        continue when jsonb_array_length(update_list) = 0;
        recorded := coalesce(recorded_updates -> rec.existing_id::text, '{}');
        new_dates := '{}'; new_statuses := '{}'; new_reopens := '{}'; new_paths := '{}';
        sorted := true;
        for k in 0 .. jsonb_array_length(update_list) - 1 loop
            u := update_list -> k;
            at_prefix := prefix || 'updates[' || k || '].';
            updates_total := updates_total + 1;
            if not fast then
                perform parley_data.import_fields(u, update_fields);
            end if;
            u_reported := case when fast then (u ->> 'reported_on')::date else parley_data.import_date(u, 'reported_on') end;
            if u_reported is null then
                perform parley_data.require('reported_on', false);
            end if;
            if u_reported < v_made then
                perform parley_data.refuse('23514', 'reported_on', 'reported_after_made',
                    format('reported_on %s is before the commitment was made (%s)', u_reported, v_made),
                    'Check the date of the report.');
            end if;
            u_delivered := case when fast then (u ->> 'delivered')::numeric else parley_data.import_numeric(u, 'delivered') end;
            if u_delivered < 0 then
                perform parley_data.refuse('23514', 'delivered', 'commitment_updates_delivered_not_negative',
                    format('delivered %s is negative', u_delivered),
                    'Give what was delivered in this stage (zero or more).');
            end if;
            u_status := case when fast then u ->> 'new_status' else parley_data.import_choice(u, 'new_status', commitment_statuses) end;
            u_reopen := coalesce(case when fast then (u ->> 'reopen')::boolean else parley_data.import_bool(u, 'reopen') end, false);
            u_note := nullif(btrim(case when fast then u ->> 'note' else parley_data.import_text(u, 'note') end), '');
            if u_reopen then
                perform parley_data.require('new_status', u_status is not null);
                perform parley_data.require('note', u_note is not null);
            end if;
            if u_delivered is null and u_status is null and u_note is null then
                perform parley_data.refuse('23514', 'delivered', 'commitment_updates_says_something',
                    'an update must say something: delivered, new_status or note',
                    'Give a delivered quantity, a new status, or a note.');
            end if;
            u_verification := coalesce(case when fast then u ->> 'verification'
                                            else parley_data.import_choice(u, 'verification', verifications) end,
                                       'unverified');
            v_source := case when fast then u ->> 'source' else parley_data.import_text(u, 'source') end;
            u_source_id := null;
            if v_source is not null then
                u_source_id := coalesce((source_ids ->> v_source)::bigint, parley_data.source_id(v_source));
            end if;
            v_obligor := case when fast then u ->> 'reported_by' else parley_data.import_text(u, 'reported_by') end;
            u_party_id := null;
            if v_obligor is not null then
                u_party_id := coalesce((party_ids ->> v_obligor)::bigint, parley_data.party_id(v_obligor, 'reported_by'));
            end if;
            v_owner := case when fast then u ->> 'recorded_by' else parley_data.import_text(u, 'recorded_by') end;
            u_person_id := null;
            if v_owner is not null then
                u_person_id := parley_data.person_id(v_owner, 'recorded_by');
            end if;
            u_fingerprint := jsonb_build_array(u_reported, trim_scale(u_delivered), u_status, u_reopen, u_note,
                                               u_source_id, u_party_id, u_person_id, u_verification)::text;
            if coalesce((recorded ->> u_fingerprint)::integer, 0) > 0 then
                recorded := jsonb_set(recorded, array[u_fingerprint], to_jsonb((recorded ->> u_fingerprint)::integer - 1));
                continue;
            end if;
            if cardinality(new_dates) > 0 and u_reported < new_dates[cardinality(new_dates)] then
                sorted := false;
            end if;
            new_dates := new_dates || u_reported;
            new_statuses := new_statuses || u_status;
            new_reopens := new_reopens || u_reopen;
            new_paths := new_paths || (at_prefix || 'new_status');
            u_codes := u_codes || v_code;
            u_levels := u_levels || v_level;
            u_order := u_order || k;
            u_dates := u_dates || u_reported;
            u_delivered_all := u_delivered_all || u_delivered;
            u_statuses := u_statuses || u_status::parley.commitment_status;
            u_reopens := u_reopens || u_reopen;
            u_notes := u_notes || u_note;
            u_sources := u_sources || u_source_id;
            u_parties := u_parties || u_party_id;
            u_people := u_people || u_person_id;
            u_verifications := u_verifications || u_verification::parley.verification;
        end loop;

        -- The new updates take effect in date order (the order parley.record_update would have seen them in):
        -- each status change must be allowed from the one before, unless it reopens.
        status_now := coalesce(rec.existing_status, 'pending');
        if not sorted then
            date_order := array(select s.ord from unnest(new_dates) with ordinality s(reported_on, ord)
                                 order by s.reported_on, s.ord);
        end if;
        for nth in 1 .. cardinality(new_dates) loop
            j := case when sorted then nth else date_order[nth] end;
            if new_statuses[j] is not null and new_statuses[j] <> status_now and not new_reopens[j]
               and (status_now || '>' || new_statuses[j]) <> all (transitions) then
                at_prefix := left(new_paths[j], length(new_paths[j]) - length('new_status'));
                perform parley_data.refuse('23514', 'new_status', 'commitment_status_transition',
                    format('new_status %s needs a reopen: commitment "%s" is %s by then', new_statuses[j], v_code, status_now),
                    'Leaving fulfilled, breached, withdrawn or superseded, or going back to pending, is a reopen: say reopen: true and why in note.');
            end if;
            status_now := coalesce(new_statuses[j], status_now);
        end loop;
    end loop;
    at_prefix := null;

    -- Deals named and not there (for the caller): created at the level of their most classified commitment here.
    insert into parley_data.deals (code, title, classification)
    select d.code, d.code, max(d.level) from unnest(deals, commitment_levels) d(code, level)
     where d.code is not null
       and not exists (select 1 from parley_data.deals x where x.code = d.code and x.classification <= mine)
     group by d.code;

    with input as (
        select * from unnest(codes, existing_ids, tracks, agenda_items, meetings, obligors, deals, texts, made_dates,
                             due_dates, targets, units, owners, classifications, sources, commitment_levels,
                             track_levels, meeting_levels)
                      with ordinality u(code, existing_id, track_id, item_id, meeting_id, obligor_id, deal, text,
                                        made_on, due_on, target_quantity, unit, owner_id, classification,
                                        source_id, level, track_level, meeting_level, ord)
    )
    insert into parley_data.commitments
           (code, track_id, item_id, meeting_id, obligor_id, deal_id, text, made_on, due_on, target_quantity, unit,
            owner_id, classification, track_classification, meeting_classification, deal_classification,
            effective_classification, source_id)
    select i.code, i.track_id, i.item_id, i.meeting_id, i.obligor_id, d.id, i.text, i.made_on, i.due_on,
           i.target_quantity, i.unit, i.owner_id, i.classification, i.track_level, i.meeting_level, d.classification,
           i.level, i.source_id
      from input i
      left join lateral (select x.id, x.classification from parley_data.deals x
                          where x.code = i.deal and x.classification <= mine
                          order by x.classification desc limit 1) d on true
     where i.existing_id is null
     order by i.ord;
    get diagnostics added = row_count;
    changed := 0;
    if cardinality(codes) > added then
        with input as (
            select * from unnest(codes, existing_ids, texts, due_dates, targets, units, owners, classifications,
                                 sources, meetings, meeting_levels)
                          u(code, existing_id, text, due_on, target_quantity, unit, owner_id, classification,
                            source_id, meeting_id, meeting_level)
        )
        update parley_data.commitments c
           set text = i.text, due_on = i.due_on, target_quantity = i.target_quantity, unit = i.unit,
               owner_id = i.owner_id, classification = i.classification, source_id = i.source_id,
               meeting_id = i.meeting_id, meeting_classification = i.meeting_level
          from input i
         where c.id = i.existing_id
           and (c.text, c.due_on, c.target_quantity, c.unit, c.owner_id, c.classification, c.source_id, c.meeting_id)
               is distinct from (i.text, i.due_on, i.target_quantity, i.unit, i.owner_id, i.classification, i.source_id,
                                 i.meeting_id);
        get diagnostics changed = row_count;
    end if;

    -- Children find their commitment by its code at the level it is now kept at (unique there).
    insert into parley_data.commitment_beneficiaries (commitment_id, obligor_id, party_id, effective_classification)
    select c.id, b.obligor_id, b.party_id, c.effective_classification
      from unnest(b_codes, b_obligors, b_parties) b(code, obligor_id, party_id)
      join unnest(codes, commitment_levels) l(code, level) on l.code = b.code
      join parley_data.commitments c on c.code = b.code and c.effective_classification = l.level
    on conflict do nothing;
    get diagnostics beneficiaries_added = row_count;

    insert into parley_data.commitment_updates
           (commitment_id, reported_on, delivered_quantity, new_status, reopen, note, source_id, reported_by_party_id,
            recorded_by_id, verification, effective_classification)
    select c.id, u.reported_on, u.delivered, u.new_status, u.reopen, u.note, u.source_id, u.party_id, u.person_id,
           u.verification, c.effective_classification
      from unnest(u_codes, u_order, u_dates, u_delivered_all, u_statuses, u_reopens, u_notes, u_sources, u_parties,
                  u_people, u_verifications, u_levels)
           with ordinality u(code, update_ord, reported_on, delivered, new_status, reopen, note, source_id, party_id,
                             person_id, verification, level, ord)
      join parley_data.commitments c on c.code = u.code and c.effective_classification = u.level
     order by u.code, u.reported_on, u.update_ord;
    get diagnostics updates_added = row_count;

    -- Codes such as C17 name commitments recorded without a code by their number; keep future numbers clear of
    -- the ones this document brought in.
    perform setval(pg_get_serial_sequence('parley_data.commitments', 'id'),
                   greatest(n, coalesce(pg_sequence_last_value(pg_get_serial_sequence('parley_data.commitments', 'id')::regclass), 1)))
       from (select max(substr(c, 2)::bigint) as n from unnest(codes) c where c ~ '^C[0-9]{1,18}$') m
      where m.n is not null;

    return jsonb_build_object(
        'commitments', parley_data.import_counts(cardinality(codes), added, changed),
        'updates', parley_data.import_counts(updates_total, updates_added, 0));
exception when others then
    get stacked diagnostics e_state = returned_sqlstate, e_message = message_text, e_detail = pg_exception_detail,
                            e_hint = pg_exception_hint, e_column = column_name, e_rule = constraint_name;
    perform parley_data.import_refusal(e_state, e_message, e_detail, e_hint, e_rule, at_prefix, nullif(e_column, ''));
    return null;
end
$$;
